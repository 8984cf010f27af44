"""Reading and comparing answers: numbers in their equivalent forms, lists, booleans, text.

Verifiers accept what a careful grader would: `0.5`, `1/2` and `50%` (where percentages are
allowed) are one number; `1,000` and `$1000.00` are another; a final answer is found after
"Answer:", "####", "The answer is" or inside \\boxed{}.
"""

from __future__ import annotations

import ast
import operator
import random
import re
from fractions import Fraction
from typing import Any

import orjson

_NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")
_FINAL = (
    re.compile(r"\\boxed\{((?:[^{}]|\{[^{}]*\})*)\}"),
    re.compile(r"(?im)^\s*(?:final\s+)?answer\s*[:：]\s*(.+?)\s*$"),
    re.compile(r"(?m)^\s*####\s*(.+?)\s*$"),
    re.compile(r"(?i)the (?:final )?answer is[:\s]+(.+?)\s*\.?\s*$"),
)


def extract_final(text: str) -> str:
    """The final answer stated in a worked response (the whole text if none is marked)."""
    for pattern in _FINAL:
        found = pattern.findall(text)
        if found:
            return str(found[-1]).strip()
    return text.strip()


def parse_number(text: str, *, percent: bool = True) -> Fraction | None:
    """A number from `42`, `-3.5`, `1,234`, `$12.50`, `3/4`, `1 1/2`, `50%` or `2e3`."""
    s = text.strip().rstrip(".").strip()
    s = re.sub(r"^[$€£]|\s*(dollars?|usd|euros?|eur)$", "", s, flags=re.I).strip()
    s = s.replace("−", "-").replace("\u2009", "").replace(" ", " ")
    scale = Fraction(1)
    if s.endswith("%"):
        if not percent:
            return None
        s, scale = s[:-1].strip(), Fraction(1, 100)
    if re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?", s):
        s = s.replace(",", "")
    mixed = re.fullmatch(r"([-+]?)(\d+)\s+(\d+)/(\d+)", s)
    if mixed:
        sign = -1 if mixed.group(1) == "-" else 1
        whole, num, den = (int(mixed.group(i)) for i in (2, 3, 4))
        return None if den == 0 else sign * (whole + Fraction(num, den)) * scale
    frac = re.fullmatch(r"([-+]?\d+)\s*/\s*(\d+)", s)
    if frac:
        den = int(frac.group(2))
        return None if den == 0 else Fraction(int(frac.group(1)), den) * scale
    if _NUMBER.match(s):
        return Fraction(s) * scale
    return None


def same_number(candidate: str, expected: str | Fraction, *, percent: bool = True,
                tolerance: Fraction | float = 0) -> bool:
    """Whether `candidate` states the number `expected` (within an absolute tolerance)."""
    got = parse_number(candidate, percent=percent)
    want = expected if isinstance(expected, Fraction) else parse_number(expected)
    if got is None or want is None:
        return False
    return abs(got - want) <= Fraction(tolerance)


def format_number(value: Fraction | int | float, places: int = 6) -> str:
    """A canonical text for a number: an integer, a short decimal, or `p/q`."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    text = f"{float(value):.{places}f}".rstrip("0").rstrip(".")
    if Fraction(text) == value:
        return text
    return f"{value.numerator}/{value.denominator}"


def norm_text(text: str) -> str:
    """Case, surrounding quotes and spaces, and a final period folded away."""
    s = " ".join(text.strip().split()).casefold()
    s = s.strip("\"'`").rstrip(".").strip()
    return s


def same_text(candidate: str, expected: str) -> bool:
    return norm_text(candidate) == norm_text(expected)


def parse_list(text: str) -> list[str] | None:
    """Items of a JSON list or of a comma- (or newline-) separated list, as trimmed text."""
    s = text.strip()
    if s.startswith("["):
        try:
            items = orjson.loads(s)
        except orjson.JSONDecodeError:
            items = None
        if isinstance(items, list):
            return [str(x) if not isinstance(x, str) else x for x in items]
        s = s.strip("[]")
    parts = re.split(r"\s*,\s*|\s*\n\s*", s)
    return [p.strip().strip("\"'") for p in parts if p.strip()]


def parse_bool(text: str) -> bool | None:
    s = norm_text(text)
    if s in ("yes", "true", "valid", "1", "correct", "y", "t"):
        return True
    if s in ("no", "false", "invalid", "0", "incorrect", "n", "f"):
        return False
    return None


# ---- checking the arithmetic of worked solutions -------------------------------------------

_OPS: dict[type, Any] = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
                         ast.Div: operator.truediv, ast.Pow: operator.pow, ast.USub: operator.neg,
                         ast.UAdd: operator.pos, ast.Mod: operator.mod,
                         ast.FloorDiv: operator.floordiv}
_EQUATION = re.compile(r"(?<![\w.])((?:[-−(]*\s*\$?\d[\d,]*(?:\.\d+)?\s*[)]*\s*[-+×x*÷/^−]\s*)+"
                       r"[(]*\s*\$?\d[\d,]*(?:\.\d+)?\s*[)]*)\s*=\s*(-?\$?[\d,]*\.?\d+(?:/\d+)?)")


def _value(node: ast.AST) -> Fraction:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return Fraction(str(node.value))
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        left, right = _value(node.left), _value(node.right)
        if isinstance(node.op, ast.Pow) and (right.denominator != 1 or abs(right) > 64):
            raise ValueError("power too large")
        return Fraction(_OPS[type(node.op)](left, right))
    if isinstance(node, ast.UnaryOp) and type(node.op) in _OPS:
        return Fraction(_OPS[type(node.op)](_value(node.operand)))
    raise ValueError(f"not arithmetic: {ast.dump(node)}")


def evaluate(expression: str) -> Fraction:
    """The exact value of an arithmetic expression written with + - × ÷ / ^ and parentheses."""
    text = (expression.replace("×", "*").replace("÷", "/").replace("−", "-").replace("^", "**")
            .replace("$", "").replace(",", ""))
    text = re.sub(r"(?<=\d)\s*x\s*(?=[\d(])", "*", text)
    return _value(ast.parse(text, mode="eval").body)


def wrong_equations(text: str) -> list[str]:
    """Arithmetic claims `expr = value` in a worked solution that do not hold."""
    wrong = []
    for expr, claimed in _EQUATION.findall(text):
        try:
            ok = evaluate(expr) == parse_number(claimed)
        except (ValueError, ZeroDivisionError, SyntaxError):
            continue
        if not ok:
            wrong.append(f"{expr.strip()} = {claimed}")
    return wrong


# ---- wrong answers, for testing verifiers --------------------------------------------------

def perturb(answer: str, kind: str, rng: random.Random) -> list[str]:
    """Plausible wrong answers of the given kind (number, list, bool, text, choice)."""
    if kind == "number":
        value = parse_number(answer)
        if value is None:
            return [answer + "1"]
        step = Fraction(1, value.denominator) if value.denominator != 1 else Fraction(1)
        return [format_number(v) for v in {value + step, value - step, value * 2 + 1, -value - 1}
                if v != value]
    if kind == "list":
        items = parse_list(answer) or []
        out = []
        if len(items) > 1:
            swapped = items[:]
            i = rng.randrange(len(items) - 1)
            swapped[i], swapped[i + 1] = swapped[i + 1], swapped[i]
            if swapped != items:
                out.append(", ".join(swapped))
            out.append(", ".join(items[:-1]))
        out.append(", ".join([*items, "extra"]))
        return out
    if kind == "bool":
        value = parse_bool(answer)
        return ["no" if value else "yes"]
    return [answer + " x", "", "not " + answer]
