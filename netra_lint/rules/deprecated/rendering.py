"""Binding a call to an old signature, and rendering the new call from the pack's template.

A call is rewritten only when its arguments bind to the old signature the way Python
binds them and the template can say the same thing: every argument has a counterpart,
nothing with side effects is evaluated twice or in another order, and comments keep a
place. The new call keeps the layout of the old one.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cache

from ...checker import CstTransformer
from ...lazy import libcst as cst
from .pack import Binding, CallRule


@cache
def _empty_module() -> cst.Module:
    """Renders nodes in LibCST's default style."""
    return cst.Module(body=[])


_TEMPLATES: dict[str, cst.Call] = {}


def _cst_template(text: str) -> cst.Call:
    """The LibCST form of a (validated) template, parsed once."""
    if text not in _TEMPLATES:
        node = cst.parse_expression(text.strip())
        assert isinstance(node, cst.Call)
        _TEMPLATES[text] = node
    return _TEMPLATES[text]


def _code(node: cst.CSTNode | cst.MaybeSentinel) -> str:
    return "" if isinstance(node, cst.MaybeSentinel) else _empty_module().code_for_node(node)


def _is_pure(node: cst.BaseExpression) -> bool:
    """Evaluating it twice, or in another order, can't change the program."""
    if isinstance(node, (cst.Name, cst.SimpleString, cst.Integer, cst.Float, cst.Imaginary)):
        return True
    if isinstance(node, cst.BooleanOperation):
        return _is_pure(node.left) and _is_pure(node.right)
    return isinstance(node, cst.Attribute) and _is_pure(node.value)


def _is_literal(source: str) -> bool:
    """A default that means the same in any file (no names to resolve)."""
    try:
        ast.literal_eval(source)
    except (ValueError, SyntaxError):
        return False
    return True


def _is_atomic(node: cst.BaseExpression) -> bool:
    """It can be put under an attribute access or an operator without parentheses."""
    return bool(node.lpar) or isinstance(
        node,
        (
            cst.Name,
            cst.Attribute,
            cst.Call,
            cst.Subscript,
            cst.SimpleString,
            cst.List,
            cst.Dict,
            cst.Set,
            cst.FormattedString,
        ),
    )


class _Substitute(CstTransformer):
    """Replace parameter names of a template expression by the bound expressions."""

    def __init__(self, values: dict[str, cst.BaseExpression]) -> None:
        self.values = values

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        value = self.values.get(original.value)
        if value is None:
            return updated
        if _is_atomic(value):
            return value
        return value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.Attribute:
        return updated.with_changes(attr=original.attr)  # ``.name`` is not a parameter

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg) -> cst.Arg:
        return updated.with_changes(keyword=original.keyword)


@dataclass
class CallPlan:
    """A call bound to its rule: the template arguments to emit, or why it can't be fixed."""

    binding: Binding | None
    emitted: list[int]  # indices into the rule's template arguments
    problem: str = ""
    carried: dict[int, int] = field(default_factory=dict)  # new argument -> original one whose comment it takes


def plan_call(call: cst.Call, rule: CallRule) -> CallPlan:
    """Bind ``call`` to the old signature and check the template can express it exactly."""
    if any(arg.star for arg in call.args):
        return CallPlan(None, [], "the call unpacks *args/**kwargs, so its arguments can't be bound")
    binding = rule.signature.bind(call.args)
    if isinstance(binding, str):
        return CallPlan(None, [], f"the call does not match the old signature ({binding}); it was broken already")
    if rule.template is None:
        return CallPlan(binding, [])
    emitted: list[int] = []
    used: list[str] = []
    for index, targ in enumerate(rule.args):
        if targ.star == "*":
            if binding.extra_positional:
                emitted.append(index)
                used.append("*")
            continue
        if targ.star == "**":
            if binding.extra_keywords:
                emitted.append(index)
                used.append("**")
            continue
        if targ.keyword is not None and targ.uses and not any(u in binding.values for u in targ.uses):
            continue  # every parameter it needs was left at its default
        emitted.append(index)
        used.extend(u for u in targ.uses)
    new = f"{rule.callee}()"
    for name in dict.fromkeys(used):
        if (
            name in rule.signature.defaults
            and name not in binding.values
            and not _is_literal(rule.signature.defaults[name])
        ):
            return CallPlan(
                binding, [], f"{name!r} was not passed and its default {rule.signature.defaults[name]} is not a literal"
            )
    for name in binding.values:
        if name not in used:
            return CallPlan(binding, [], f"argument {name!r} has no counterpart in {new}")
    if binding.extra_positional and "*" not in used:
        return CallPlan(binding, [], f"extra positional arguments have no counterpart in {new}")
    for arg in binding.extra_keywords if "**" not in used else ():
        return CallPlan(binding, [], f"keyword argument {arg.keyword.value!r} has no counterpart in {new}")  # type: ignore[union-attr]
    impure = [n for n in dict.fromkeys(used) if n in binding.values and not _is_pure(binding.values[n])]
    for name in impure:
        if used.count(name) > 1:
            return CallPlan(binding, [], f"{_code(binding.values[name])!r} would be evaluated {used.count(name)} times")
    if impure != [n for n in binding.order if n in impure]:
        return CallPlan(binding, [], "the rewrite would change the order in which the arguments are evaluated")
    carried = _carry_comments(call, rule, binding, emitted)
    if carried is None:
        return CallPlan(binding, [], "a comment between the arguments would have no place in the new call")
    return CallPlan(binding, emitted, carried=carried)


def _sources(call: cst.Call, rule: CallRule, binding: Binding, emitted: list[int]) -> list[int | None]:
    """For each argument of the new call, the original argument it comes from (if any)."""
    position = {id(arg.value): i for i, arg in enumerate(call.args)}
    found: list[int | None] = []
    for index in emitted:
        targ = rule.args[index]
        if targ.star == "*":
            found.extend(position[id(a.value)] for a in binding.extra_positional)
        elif targ.star == "**":
            found.extend(position[id(a.value)] for a in binding.extra_keywords)
        else:
            passed = [u for u in targ.uses if u in binding.values]
            found.append(position[id(binding.values[passed[0]])] if passed else None)
    return found


def _carry_comments(call: cst.Call, rule: CallRule, binding: Binding, emitted: list[int]) -> dict[int, int] | None:
    """Which new argument takes the comment after each original one; None if one can't.

    The last original argument's tail (trailing comma, comment, closing line break) always
    ends the new call, so only the others need a place.
    """
    sources = _sources(call, rule, binding, emitted)
    originals = list(call.args)
    carried: dict[int, int] = {}
    for index, arg in enumerate(originals):
        if not _has_comment(arg) or (index == len(originals) - 1 and sources):
            continue
        users = [k for k, source in enumerate(sources) if source == index]
        if not users or users[0] == len(sources) - 1 or users[0] in carried:
            return None
        carried[users[0]] = index
    return carried


def _clean(ws: cst.BaseParenthesizableWhitespace) -> cst.BaseParenthesizableWhitespace:
    """The same line break and indentation, without comments."""
    if isinstance(ws, cst.ParenthesizedWhitespace):
        return cst.ParenthesizedWhitespace(indent=ws.indent, last_line=ws.last_line)
    return ws


def _separator(call: cst.Call) -> cst.BaseParenthesizableWhitespace:
    args = call.args
    if len(args) >= 2 and isinstance(args[0].comma, cst.Comma):
        return _clean(args[0].comma.whitespace_after)
    if isinstance(call.whitespace_before_args, cst.ParenthesizedWhitespace):
        return _clean(call.whitespace_before_args)
    return cst.SimpleWhitespace(" ")


def _has_comment(arg: cst.Arg) -> bool:
    return "#" in _code(arg.comma) + _code(arg.whitespace_after_arg)


def render_call(call: cst.Call, rule: CallRule, plan: CallPlan, func: cst.BaseExpression) -> cst.Call:
    """The new call: template arguments with the bound expressions, in the call's own layout
    (separators, trailing comma, closing line), comments following their arguments."""
    binding = plan.binding
    assert binding is not None
    template = _cst_template(rule.template or "")
    items: list[cst.Arg] = []
    for index in plan.emitted:
        targ, node = rule.args[index], template.args[index]
        if targ.star == "*":
            items.extend(cst.Arg(value=a.value) for a in binding.extra_positional)
            continue
        if targ.star == "**":
            items.extend(cst.Arg(value=a.value, keyword=a.keyword, equal=a.equal) for a in binding.extra_keywords)
            continue
        values = {
            u: binding.values[u] if u in binding.values else cst.parse_expression(rule.signature.defaults[u])
            for u in targ.uses
        }
        if isinstance(node.value, cst.Name) and node.value.value in values:
            value = values[node.value.value]
        else:
            visited = node.value.visit(_Substitute(values))
            assert isinstance(visited, cst.BaseExpression)  # a transformer that never removes
            value = visited
        items.append(node.with_changes(value=value))
    originals = list(call.args)
    if not items:
        return call.with_changes(func=func, args=())
    sep = _separator(call)
    new_args = []
    for k, arg in enumerate(items):
        if k == len(items) - 1 and originals:
            last = originals[-1]
            new_args.append(arg.with_changes(comma=last.comma, whitespace_after_arg=last.whitespace_after_arg))
        elif k == len(items) - 1:
            new_args.append(
                arg.with_changes(comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=cst.SimpleWhitespace(""))
            )
        elif k in plan.carried:
            source = originals[plan.carried[k]]
            new_args.append(arg.with_changes(comma=source.comma, whitespace_after_arg=source.whitespace_after_arg))
        else:
            new_args.append(
                arg.with_changes(comma=cst.Comma(whitespace_after=sep), whitespace_after_arg=cst.SimpleWhitespace(""))
            )
    return call.with_changes(func=func, args=new_args)
