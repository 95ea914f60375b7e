"""The validation rules' expressions: a small, safe arithmetic language over a form's values.

A side of a rule is an expression such as ``shift1 + shift2 + shift3``, ``sum(g*)``,
``0.2 * prev(capacity)`` or ``abs(capacity - prev(capacity))``. Names are data element codes;
``sum(pattern)`` adds every element whose code matches the shell pattern; ``prev(code)`` is the
value of the same element in the school's previous period. Python's own parser reads the text
and only the node types listed here are evaluated (no attribute access, no calls but the three
functions): a rule stored in the database cannot run code.

A missing value makes the whole side missing (``None``), and a rule with a missing side is
skipped, not violated: completeness reports what is missing (DHIS2's "skip if any value
missing" strategy).
"""

from __future__ import annotations

import ast
import fnmatch
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

Number = Decimal

OPERATORS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}

_BINOPS: dict[type[ast.operator], Callable[[Decimal, Decimal], Decimal]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


class ExpressionError(ValueError):
    """The text is not an expression of the rules' language."""


@dataclass(frozen=True)
class Context:
    values: Mapping[str, Decimal | None]
    previous: Mapping[str, Decimal | None]


def _parse(text: str) -> ast.expr:
    # ``sum(g*)``: the pattern is not Python; quote it before parsing.
    quoted = re.sub(r"sum\(\s*([A-Za-z0-9_*?]+)\s*\)", r"sum('\1')", text)
    try:
        tree = ast.parse(quoted, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"not an expression: {text}") from exc
    return tree.body


def names(text: str) -> set[str]:
    """Element codes and patterns an expression reads (to check a rule when it is saved)."""
    out: set[str] = set()
    tree = _parse(text)
    functions = {
        id(n.func)
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and id(node) not in functions:
            out.add(node.id)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.add(node.value)
    return out


def check(text: str, codes: set[str]) -> None:
    """Raise ExpressionError when the text cannot be evaluated over ``codes``."""
    node = _parse(text)
    _evaluate(node, Context({c: Decimal(1) for c in codes}, {c: Decimal(1) for c in codes}))
    for name in names(text):
        if "*" in name or "?" in name:
            if not fnmatch.filter(codes, name):
                raise ExpressionError(f"no element matches {name}")
        elif name not in codes:
            raise ExpressionError(f"unknown element {name}")


def evaluate(text: str, ctx: Context) -> Decimal | None:
    return _evaluate(_parse(text), ctx)


def _evaluate(node: ast.expr, ctx: Context) -> Decimal | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return Decimal(str(node.value))
    if isinstance(node, ast.Name):
        if node.id not in ctx.values:
            raise ExpressionError(f"unknown element {node.id}")
        return ctx.values[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _evaluate(node.operand, ctx)
        return None if inner is None else -inner
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        left, right = _evaluate(node.left, ctx), _evaluate(node.right, ctx)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Div) and right == 0:
            return None
        return _BINOPS[type(node.op)](left, right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and len(node.args) == 1:
        fn, arg = node.func.id, node.args[0]
        if fn == "sum" and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            matched = [ctx.values[c] for c in fnmatch.filter(ctx.values, arg.value)]
            if not matched:
                raise ExpressionError(f"no element matches {arg.value}")
            if any(v is None for v in matched):
                return None
            return sum((v for v in matched if v is not None), Decimal(0))
        if fn == "abs":
            inner = _evaluate(arg, ctx)
            return None if inner is None else abs(inner)
        if fn == "prev" and isinstance(arg, ast.Name):
            if arg.id not in ctx.values:
                raise ExpressionError(f"unknown element {arg.id}")
            return ctx.previous.get(arg.id)
    raise ExpressionError(f"not allowed in a rule: {ast.unparse(node)}")


def holds(left: str, op: str, right: str, ctx: Context) -> bool | None:
    """True when the rule holds, False when violated, None when a side is missing."""
    if op not in OPERATORS:
        raise ExpressionError(f"unknown operator {op}")
    a, b = evaluate(left, ctx), evaluate(right, ctx)
    if a is None or b is None:
        return None
    return OPERATORS[op](a, b)
