"""Expressions of the `records` generator: Jinja2 for derived fields, a small safe subset of
Python for constraints.

Derived fields are Jinja2, as in templates, where `row.field` reads the row's key (so a field
named `items` or `count` is the field, not a dict method). Constraints are Python expressions
checked on every row:

    opened >= parent.signup
    balance == previous.balance + amount
    total == sum(line_items.amount)
    level == 'ERROR' or not _incident

Only literals, names, `row.field`, arithmetic, comparisons, `and`/`or`/`not`, `x if c else y`
and calls of a few functions (`sum len min max abs round all any int float str bool count
days hours minutes seconds`) are allowed; `count(values, x)` counts the values equal to x.
`==` between numbers allows a relative error of 1e-9 (floats that were summed or rounded),
and a date compares with a date-time as that day's midnight.
"""

from __future__ import annotations

import ast
import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from jinja2 import Environment, StrictUndefined, meta, nodes

from synthforge.generate.samplers import suggest
from synthforge.generate.templates import to_jinja

# ---- Jinja2 for derived fields --------------------------------------------------------------


class RowEnvironment(Environment):
    """Jinja2 where `row.field` on a dict reads its key before any attribute."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if obj.__class__ is dict:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


ENV = RowEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
_EXPRESSION = re.compile(r"\s*\{\{(.*)\}\}\s*", re.DOTALL)


def compile_derive(text: str) -> Callable[[dict[str, Any]], Any]:
    """An evaluate function `names -> value`: a lone `{{ expression }}` keeps its value's
    type, anything else renders to a string.

    Templates of plain names, attributes, literals, arithmetic, comparisons and `x if c else
    y` run as compiled Python (the same values, several times faster); the rest, filters and
    loops included, run in Jinja2.
    """
    fast = python_source(text)
    if fast is not None:
        code = compile(fast, "<derive>", "eval")
        return lambda names: eval(code, _FAST, names)  # made from a checked tree
    source = to_jinja(text)
    lone = _lone(source)
    if lone is not None:
        return ENV.compile_expression(lone, undefined_to_none=False)
    return ENV.from_string(source).render


def _lone(source: str) -> str | None:
    """The expression of a template that is one `{{ expression }}`, else None."""
    match = _EXPRESSION.fullmatch(source)
    if match and source.count("{{") == 1 and "{%" not in source:
        return match.group(1)
    return None


def python_source(text: str) -> str | None:
    """Python source equivalent to a simple derived template, or None if it needs Jinja2."""
    source = to_jinja(text)
    return _python(ENV.parse(source), _lone(source) is not None)


def get_attribute(obj: Any, attribute: str) -> Any:
    """`obj.attribute` as templates read it (a dict's key first)."""
    return ENV.getattr(obj, attribute)


_FAST: dict[str, Any] = {"__builtins__": {}, "__get": get_attribute, "__str": str}
_BINARY = {nodes.Add: "+", nodes.Sub: "-", nodes.Mul: "*", nodes.Div: "/",
           nodes.FloorDiv: "//", nodes.Mod: "%", nodes.Pow: "**", nodes.And: "and",
           nodes.Or: "or"}
_OPERATORS = {"eq": "==", "ne": "!=", "lt": "<", "lteq": "<=", "gt": ">", "gteq": ">=",
              "in": "in", "notin": "not in"}


class _Slow(Exception):
    """A template needs Jinja2 itself."""


def _python(tree: nodes.Template, lone: bool) -> str | None:
    """Python source equivalent to a simple template, or None if it is not simple."""
    if len(tree.body) != 1 or not isinstance(tree.body[0], nodes.Output):
        return None
    parts = tree.body[0].nodes
    try:
        if lone:
            (expression,) = (p for p in parts if not isinstance(p, nodes.TemplateData))
            return _expr(expression)
        pieces = [repr(p.data) if isinstance(p, nodes.TemplateData) else f"__str({_expr(p)})"
                  for p in parts]
    except _Slow:
        return None
    return "''.join((" + "".join(f"{p}, " for p in pieces) + "))"


def _expr(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name) and node.name.isidentifier():
        return node.name
    if isinstance(node, nodes.Const) and isinstance(node.value, str | int | float | bool
                                                    | type(None)):
        return repr(node.value)
    if isinstance(node, nodes.Getattr):
        return f"__get({_expr(node.node)}, {node.attr!r})"
    if type(node) in _BINARY:
        return f"({_expr(node.left)} {_BINARY[type(node)]} {_expr(node.right)})"
    if isinstance(node, nodes.Neg | nodes.Pos | nodes.Not):
        op = {nodes.Neg: "-", nodes.Pos: "+", nodes.Not: "not "}[type(node)]
        return f"({op}{_expr(node.node)})"
    if isinstance(node, nodes.Compare):
        ops = " ".join(f"{_OPERATORS[o.op]} {_expr(o.expr)}" for o in node.ops
                       if o.op in _OPERATORS)
        if len(ops.split(" ")) and len(node.ops) != sum(o.op in _OPERATORS for o in node.ops):
            raise _Slow
        return f"({_expr(node.expr)} {ops})"
    if isinstance(node, nodes.CondExpr) and node.expr2 is not None:
        return f"({_expr(node.expr1)} if {_expr(node.test)} else {_expr(node.expr2)})"
    if isinstance(node, nodes.Tuple | nodes.List):
        items = "".join(f"{_expr(item)}, " for item in node.items)
        return f"({items})" if isinstance(node, nodes.Tuple) else f"[{items}]"
    if isinstance(node, nodes.Concat):
        return "''.join((" + "".join(f"__str({_expr(n)}), " for n in node.nodes) + "))"
    raise _Slow


def derive_refs(text: str) -> list[str]:
    """What a derived field reads: free names, and `name.attr` for attributes of free names.

    Raises jinja2.TemplateSyntaxError if the template does not compile.
    """
    tree = ENV.parse(to_jinja(text))
    ENV.compile(tree)
    free = meta.find_undeclared_variables(tree) - set(ENV.globals)
    paths = dict.fromkeys(sorted(free))
    for node in tree.find_all(nodes.Getattr):
        if isinstance(node.node, nodes.Name) and node.node.name in free:
            paths[f"{node.node.name}.{node.attr}"] = None
    return list(paths)


# ---- constraints ----------------------------------------------------------------------------

def _plain_date(value: Any) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _align(a: Any, b: Any) -> tuple[Any, Any]:
    """A date and a date-time compare as the date's midnight (in the date-time's zone)."""
    if a.__class__ is not b.__class__:
        if isinstance(a, dt.datetime) and _plain_date(b):
            b = dt.datetime(b.year, b.month, b.day, tzinfo=a.tzinfo)
        elif isinstance(b, dt.datetime) and _plain_date(a):
            a = dt.datetime(a.year, a.month, a.day, tzinfo=b.tzinfo)
    return a, b


_NUMBERS = frozenset({int, float})


def _eq(a: Any, b: Any) -> bool:
    ca, cb = a.__class__, b.__class__
    if ca is float or cb is float:
        if ca in _NUMBERS and cb in _NUMBERS:
            return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    elif ca is cb:
        return bool(a == b)
    a, b = _align(a, b)
    return bool(a == b)


def _ne(a: Any, b: Any) -> bool:
    return not _eq(a, b)


def _lt(a: Any, b: Any) -> bool:
    a, b = _align(a, b)
    return bool(a < b)


def _le(a: Any, b: Any) -> bool:
    a, b = _align(a, b)
    return bool(a <= b)


def _gt(a: Any, b: Any) -> bool:
    a, b = _align(a, b)
    return bool(a > b)


def _ge(a: Any, b: Any) -> bool:
    a, b = _align(a, b)
    return bool(a >= b)


def _count(values: list[Any], value: Any) -> int:
    return sum(1 for v in values if _eq(v, value))


def _column(rows: list[dict[str, Any]], field: str) -> list[Any]:
    return [row[field] for row in rows]


FUNCTIONS: dict[str, Any] = {
    "sum": sum, "len": len, "min": min, "max": max, "abs": abs, "round": round, "all": all,
    "any": any, "int": int, "float": float, "str": str, "bool": bool, "count": _count,
    "days": lambda n: dt.timedelta(days=n), "hours": lambda n: dt.timedelta(hours=n),
    "minutes": lambda n: dt.timedelta(minutes=n), "seconds": lambda n: dt.timedelta(seconds=n),
}
_COMPARE = {ast.Eq: "_eq", ast.NotEq: "_ne", ast.Lt: "_lt", ast.LtE: "_le", ast.Gt: "_gt",
            ast.GtE: "_ge"}
GLOBALS: dict[str, Any] = {"__builtins__": {}, **FUNCTIONS, "_eq": _eq, "_ne": _ne,
                           "_lt": _lt, "_le": _le, "_gt": _gt, "_ge": _ge, "_column": _column}
_ALLOWED = (ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.BinOp, ast.UnaryOp, ast.Not,
            ast.USub, ast.UAdd, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod,
            ast.Pow, ast.Compare, ast.IfExp, ast.Call, ast.keyword, ast.Name, ast.Attribute,
            ast.Constant, ast.List, ast.Tuple, ast.Load, ast.In, ast.NotIn, ast.Is,
            ast.IsNot, *_COMPARE)

Kind = Literal["value", "row", "rows"]


@dataclass(frozen=True)
class Head:
    """A name a constraint may use: a value, a row (dict) or rows (a list of dicts)."""

    kind: Kind
    fields: frozenset[str] = frozenset()
    table: str = ""


@dataclass(frozen=True)
class Constraint:
    """A compiled constraint: its text, its code, and the names it reads."""

    text: str
    code: Any
    names: tuple[str, ...]


def compile_constraint(text: str, heads: Mapping[str, Head]) -> Constraint:
    """Compile `text` against the names `heads`; ValueError says what is wrong."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ValueError(f"not a valid expression: {exc.msg}") from None
    rewriter = _Rewriter(heads)
    tree = ast.fix_missing_locations(rewriter.visit(tree))
    return Constraint(text, compile(tree, "<constraint>", "eval"), tuple(rewriter.used))


class _Rewriter(ast.NodeTransformer):
    """Checks a constraint's syntax tree and rewrites it for fast, safe evaluation."""

    def __init__(self, heads: Mapping[str, Head]):
        self.heads = heads
        self.used: dict[str, None] = {}

    def generic_visit(self, node: ast.AST) -> ast.AST:
        if not isinstance(node, _ALLOWED):
            raise ValueError(f"{type(node).__name__} is not allowed in a constraint "
                             f"({ast.unparse(node) if isinstance(node, ast.expr) else ''})")
        return super().generic_visit(node)

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in FUNCTIONS:
            return node
        if node.id not in self.heads:
            known = sorted(self.heads)
            raise ValueError(f"unknown name {node.id!r}; {suggest(node.id, known)}"
                             f"known: {', '.join(known)}")
        self.used[node.id] = None
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        base = node.value
        head = self.heads.get(base.id) if isinstance(base, ast.Name) else None
        if head is None or head.kind == "value":
            if node.attr.startswith("_"):
                raise ValueError(f"attribute {node.attr!r} is not allowed")
            return self.generic_visit(node)
        assert isinstance(base, ast.Name)
        if node.attr not in head.fields:
            raise ValueError(f"unknown field {base.id}.{node.attr}: {head.table} has no field "
                             f"{node.attr!r}; {suggest(node.attr, sorted(head.fields))}"
                             f"its fields: {', '.join(sorted(head.fields))}")
        self.used[base.id] = None
        key = ast.Constant(node.attr)
        if head.kind == "rows":
            return ast.Call(ast.Name("_column", ast.Load()), [base, key], [])
        return ast.Subscript(base, key, ast.Load())

    def visit_Call(self, node: ast.Call) -> ast.AST:
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            name = ast.unparse(node.func)
            raise ValueError(f"{name}() cannot be called in a constraint; the functions are "
                             f"{', '.join(FUNCTIONS)}")
        node.args = [self.visit(a) for a in node.args]
        node.keywords = [self.visit(k) for k in node.keywords]
        return node

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        operands = [node.left, *node.comparators]
        pairs: list[ast.expr] = []
        for op, left, right in zip(node.ops, operands, operands[1:], strict=False):
            helper = _COMPARE.get(type(op))
            if helper is None:
                pairs.append(ast.Compare(left, [op], [right]))
            else:
                pairs.append(ast.Call(ast.Name(helper, ast.Load()), [left, right], []))
        return pairs[0] if len(pairs) == 1 else ast.BoolOp(ast.And(), pairs)
