"""Simulated tools for tool-use trajectories: deterministic implementations and their schemas.

Every tool takes JSON arguments and returns a JSON object; a bad call returns
`{"error": "..."}` rather than raising, as a real tool server would. `Toolbox` binds the
tools to one item's knowledge base (for `lookup`) and runs calls by name. Schemas are in
OpenAI function-calling format.

    box = Toolbox({"Velmora": {"population": 120000}})
    box.run("lookup", {"entity": "Velmora", "attribute": "population"})
    box.run("calculator", {"expression": "round(sqrt(2) * 10, 2)"})   # {"result": 14.14}
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable
from datetime import date, timedelta
from fractions import Fraction
from functools import partial
from typing import Any

Json = dict[str, Any]


class ToolError(ValueError):
    """A call the tool refuses (bad arguments, non-arithmetic input, unknown entity)."""


# ---- numbers ------------------------------------------------------------------------------

def exact(value: int | float | Fraction) -> Fraction:
    """A JSON number as the exact decimal it is written as (0.1 is 1/10)."""
    if type(value) is int:
        return Fraction(value)
    if type(value) is float and math.isfinite(value):
        text = repr(value)
        if "e" not in text:  # the common case, without Fraction's string parser
            whole, _, decimals = text.partition(".")
            return Fraction(int(whole + decimals), 10 ** len(decimals))
    if isinstance(value, bool) or not isinstance(value, int | float | Fraction):
        raise ToolError(f"expected a number, got {value!r:.40}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ToolError("expected a finite number")
        return Fraction(repr(value))
    return Fraction(value)


def to_json(value: Fraction) -> int | float:
    """A tool's number: an int when whole, else a float of 10 significant digits."""
    if value.denominator == 1:
        return int(value)
    return float(f"{float(value):.10g}")


def round_half_up(value: Fraction, places: int = 0) -> Fraction:
    """`value` rounded to `places` decimals, halves away from zero."""
    scale = Fraction(10) ** places
    magnitude = math.floor(abs(value) * scale + Fraction(1, 2)) / scale
    return magnitude if value >= 0 else -magnitude


# ---- calculator ---------------------------------------------------------------------------

MAX_EXPRESSION = 500
MAX_MAGNITUDE = Fraction(10) ** 18
MAX_EXPONENT = 64
_BINARY: dict[type[ast.operator], Callable[[Fraction, Fraction], Fraction]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: _power(a, b),
}


def _power(base: Fraction, exponent: Fraction) -> Fraction:
    if exponent.denominator != 1 or abs(exponent) > MAX_EXPONENT:
        raise ToolError(f"exponents must be whole numbers up to {MAX_EXPONENT}")
    if base == 0 and exponent < 0:
        raise ToolError("division by zero")
    return _bounded(_bounded(base) ** int(exponent))


def _bounded(value: Fraction) -> Fraction:
    if abs(value) > MAX_MAGNITUDE:
        raise ToolError("number too large")
    return value


def _sqrt(x: Fraction) -> Fraction:
    if x < 0:
        raise ToolError("square root of a negative number")
    num, den = math.isqrt(x.numerator), math.isqrt(x.denominator)
    if num * num == x.numerator and den * den == x.denominator:
        return Fraction(num, den)
    return Fraction(repr(math.sqrt(x)))


def _round(x: Fraction, places: Fraction = Fraction(0)) -> Fraction:
    if places.denominator != 1 or not 0 <= places <= 12:
        raise ToolError("round takes a whole number of places from 0 to 12")
    return round_half_up(x, int(places))


FUNCTIONS: dict[str, tuple[Callable[..., Fraction], int, int]] = {  # name: (fn, min, max args)
    "sqrt": (_sqrt, 1, 1),
    "round": (_round, 1, 2),
    "abs": (abs, 1, 1),
    "floor": (lambda x: Fraction(math.floor(x)), 1, 1),
    "ceil": (lambda x: Fraction(math.ceil(x)), 1, 1),
    "min": (min, 2, 16),
    "max": (max, 2, 16),
}


def evaluate(expression: str) -> Fraction:
    """The exact value of an arithmetic expression; anything else raises ToolError."""
    if not isinstance(expression, str) or not expression.strip():
        raise ToolError("expression must be a non-empty string")
    if len(expression) > MAX_EXPRESSION:
        raise ToolError(f"expression longer than {MAX_EXPRESSION} characters")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
        return _bounded(_node(tree.body))
    except SyntaxError as exc:
        raise ToolError(f"not an arithmetic expression: {exc.msg}") from exc
    except (RecursionError, MemoryError) as exc:
        raise ToolError("expression too deeply nested") from exc
    except ZeroDivisionError as exc:
        raise ToolError("division by zero") from exc
    except ToolError:
        raise
    except (OverflowError, ValueError, TypeError) as exc:
        raise ToolError(f"cannot evaluate: {exc}") from exc


def _node(node: ast.AST) -> Fraction:
    """The value of a node; sizes are bounded where they can explode (powers) and at the end,
    since an expression of bounded length cannot grow numbers far otherwise."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return exact(node.value)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return _BINARY[type(node.op)](_node(node.left), _node(node.right))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        operand = _node(node.operand)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.Call):
        return _call(node)
    raise ToolError(f"not allowed in an arithmetic expression: {_describe(node)}")


def _call(node: ast.Call) -> Fraction:
    name = node.func.id if isinstance(node.func, ast.Name) else None
    if name not in FUNCTIONS or node.keywords:
        raise ToolError(f"unknown function; allowed: {', '.join(FUNCTIONS)}")
    fn, low, high = FUNCTIONS[name]
    if not low <= len(node.args) <= high:
        raise ToolError(f"{name} takes {low} to {high} arguments")
    return Fraction(fn(*(_node(arg) for arg in node.args)))


def _describe(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return f"name {node.id!r}"
    if isinstance(node, ast.BinOp | ast.UnaryOp):
        return f"operator {type(node.op).__name__}"
    return type(node).__name__


def calculator(expression: str) -> Json:
    """Evaluate arithmetic: numbers, + - * / ** ( ) and a few functions."""
    return {"result": to_json(evaluate(expression))}


# ---- calendar -----------------------------------------------------------------------------

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(text: Any) -> date:
    """A `YYYY-MM-DD` date; anything else raises ToolError."""
    if not isinstance(text, str) or not _ISO_DATE.fullmatch(text):
        raise ToolError(f"dates are written YYYY-MM-DD, got {text!r}")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ToolError(f"no such date: {text}") from exc


def _whole(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ToolError(f"{name} must be a whole number")
    return value


def add_days(date: str, days: int) -> Json:
    """The date `days` days after `date` (before it when negative)."""
    try:
        return {"date": (parse_date(date) + timedelta(days=_whole(days, "days"))).isoformat()}
    except OverflowError as exc:
        raise ToolError("date out of range") from exc


def weekday(date: str) -> Json:
    """The day of the week of a date."""
    return {"date": date, "weekday": WEEKDAYS[parse_date(date).weekday()]}


def days_between(start: str, end: str) -> Json:
    """Days from `start` to `end` (negative when `end` comes first)."""
    return {"days": (parse_date(end) - parse_date(start)).days}


# ---- unit conversion ----------------------------------------------------------------------

def _units(dimension: str, **factors: str) -> dict[str, tuple[str, Fraction]]:
    return {unit: (dimension, Fraction(factor)) for unit, factor in factors.items()}


UNITS: dict[str, tuple[str, Fraction]] = {  # unit: (dimension, size in the dimension's base)
    **_units("length", m="1", km="1000", cm="0.01", mm="0.001", mi="1609.344", yd="0.9144",
             ft="0.3048", **{"in": "0.0254"}),
    **_units("area", m2="1", km2="1000000", ha="10000", mi2="2589988.110336",
             acre="4046.8564224", ft2="0.09290304"),
    **_units("mass", kg="1", g="0.001", t="1000", lb="0.45359237", oz="0.028349523125"),
    **_units("volume", l="1", ml="0.001", m3="1000", gal="3.785411784", qt="0.946352946"),
    **_units("time", s="1", min="60", h="3600", day="86400", week="604800"),
    **_units("speed", **{"m/s": "1", "km/h": "5/18", "mph": "0.44704", "kn": "463/900"}),
}


def convert_units(value: float, from_unit: str, to_unit: str) -> Json:
    """`value` in `from_unit` expressed in `to_unit` (units of one dimension)."""
    if from_unit not in UNITS or to_unit not in UNITS:
        unknown = from_unit if from_unit not in UNITS else to_unit
        raise ToolError(f"unknown unit {unknown!r}")
    (dim_from, size_from), (dim_to, size_to) = UNITS[from_unit], UNITS[to_unit]
    if dim_from != dim_to:
        raise ToolError(f"cannot convert {dim_from} ({from_unit}) to {dim_to} ({to_unit})")
    return {"value": to_json(exact(value) * size_from / size_to), "unit": to_unit}


# ---- knowledge base -----------------------------------------------------------------------

ATTRIBUTES: dict[str, str] = {  # attribute: unit of its value
    "population": "people", "area_km2": "km2", "elevation_m": "m", "founded": "year",
    "founding_date": "date", "employees": "people", "price_usd": "USD", "weight_kg": "kg",
    "distance_km": "km",
}


def _find(facts: dict[str, Json], entity: str) -> str | None:
    """The knowledge base's name for `entity`: exact, any case, or a route either way."""
    if entity in facts:
        return entity
    folded = " ".join(entity.split()).casefold()
    names = {name.casefold(): name for name in facts}
    if folded in names:
        return names[folded]
    a, sep, b = folded.partition(" to ")
    return names.get(f"{b} to {a}") if sep else None


def lookup(facts: dict[str, Json], entity: str, attribute: str) -> Json:
    """One attribute of an entity of the knowledge base `facts`."""
    if not isinstance(entity, str):
        raise ToolError("entity must be a string")
    name = _find(facts, entity)
    if name is None:
        raise ToolError(f"unknown entity {entity!r}")
    if attribute not in facts[name]:
        raise ToolError(f"{name} has no attribute {attribute!r}")
    return {"entity": name, "attribute": attribute, "value": facts[name][attribute],
            "unit": ATTRIBUTES.get(attribute, "")}


# ---- schemas and the toolbox --------------------------------------------------------------

def _schema(name: str, description: str, properties: Json) -> Json:
    return {"type": "function", "function": {
        "name": name, "description": description,
        "parameters": {"type": "object", "properties": properties,
                       "required": list(properties), "additionalProperties": False}}}


_DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_UNIT = {"type": "string", "enum": list(UNITS)}

SCHEMAS: dict[str, Json] = {
    "calculator": _schema(
        "calculator", "Evaluate an arithmetic expression exactly. Allowed: numbers, + - * / "
        "** ( ) and sqrt, round(x, places) (halves away from zero), abs, floor, ceil, min, max.",
        {"expression": {"type": "string", "description": "e.g. round(1250 * 0.85 / 3, 2)"}}),
    "add_days": _schema(
        "add_days", "The date a number of days after a date (before it when negative).",
        {"date": {**_DATE, "description": "YYYY-MM-DD"},
         "days": {"type": "integer", "description": "days to add; negative goes back"}}),
    "weekday": _schema(
        "weekday", "The day of the week of a date.",
        {"date": {**_DATE, "description": "YYYY-MM-DD"}}),
    "days_between": _schema(
        "days_between", "The number of days from start to end (negative if end is earlier).",
        {"start": {**_DATE, "description": "YYYY-MM-DD"},
         "end": {**_DATE, "description": "YYYY-MM-DD"}}),
    "convert_units": _schema(
        "convert_units", "Convert a quantity between units of length, area, mass, volume, "
        "time or speed.",
        {"value": {"type": "number", "description": "the quantity"},
         "from_unit": {**_UNIT, "description": "its unit"},
         "to_unit": {**_UNIT, "description": "the unit wanted"}}),
    "lookup": _schema(
        "lookup", "Look up an attribute of a city, company or product in the knowledge base. "
        "Distances are attributes of routes named '<city> to <city>'.",
        {"entity": {"type": "string", "description": "name of the city, company, product "
                    "or route"},
         "attribute": {"type": "string", "enum": list(ATTRIBUTES),
                       "description": "the attribute wanted"}}),
}
TOOL_NAMES: tuple[str, ...] = tuple(SCHEMAS)

_PURE: dict[str, Callable[..., Json]] = {
    "calculator": calculator, "add_days": add_days, "weekday": weekday,
    "days_between": days_between, "convert_units": convert_units,
}


class Toolbox:
    """The tools bound to one knowledge base; `run` executes a call by name."""

    def __init__(self, facts: dict[str, Json]):
        self.facts = facts

    def run(self, name: str, arguments: Json) -> Json:
        """The tool's result, or `{"error": ...}` for a call it refuses."""
        if name == "lookup":
            fn: Callable[..., Json] = partial(lookup, self.facts)
        elif name in _PURE:
            fn = _PURE[name]
        else:
            return {"error": f"unknown tool {name!r}"}
        if not isinstance(arguments, dict):
            return {"error": "arguments must be a JSON object"}
        try:
            return fn(**arguments)
        except ToolError as exc:
            return {"error": str(exc)}
        except TypeError:
            return {"error": f"bad arguments for {name}: {sorted(arguments)}"}
