"""What the code of one file means, answered once for every rule family.

The families used to answer these questions each on their own, and their answers had
started to differ; here there is one answer to each:

* ``model``: the scopes of a file and the bindings each name read sees, from the stdlib
  ``ast`` the index parses anyway (cheap enough for every file; no LibCST), built by
  ``builder`` out of the records of ``scopes``;
* ``references``: the qualified name of a reference (imports, aliases, the file's own
  classes, the optional-import idiom) and its context (annotation, ``isinstance``,
  ``except``, class base, call, value);
* ``instances``: evidence that an expression is an instance of a class;
* ``patching``: the patch-like APIs and the string targets given to them;
* ``positions``: the model's node for a LibCST node, so the LibCST families can ask.
"""
