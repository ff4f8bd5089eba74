"""NL401: ``x.name`` where ``x`` is known to be a first-party class (or an instance of
one) and nothing in the class's MRO provides ``name``.

Detection reads the file's stdlib ``ast`` once and answers every question about classes
from the project index (members, bases, parameter lists, return annotations and attribute
types of every first-party class). The type of a receiver comes from a small,
flow-insensitive inference over the scopes of the file: constructor calls, annotations,
``self``/``cls``/``super()``, typed attributes and return annotations. A name bound to two
different types in a scope, a class with a base, decorator or metaclass we can't model,
``__getattr__``, ``setattr`` with a computed name, or a ``Protocol``: silence.

The class model (``classes``), the facts the index gathers in its parse of each file
(``facts``, over the expression terms of ``terms``), the inference of types from them
(``inference``), the check of a file's reads (``nl401_missing_method``) and the checker
that runs it over the project (``missing_method``, named after the family).
"""
