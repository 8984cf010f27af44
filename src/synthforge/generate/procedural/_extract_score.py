"""Reading and comparing extract_json answers: the JSON object in a reply, dates, times,
numbers and phone numbers in any common form, and plausible wrong values."""

from __future__ import annotations

import re
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

import orjson

from synthforge.generate.procedural._extract_doc import MONTH_NUMBER
from synthforge.generate.procedural.answers import norm_text, parse_bool, parse_number

_FENCE = re.compile(r"```[a-zA-Z]*\s*(.*?)\s*```", re.S)
_MISSING = object()


def load_json(text: str) -> Any:
    """The JSON value in an answer, ignoring code fences and text around the object."""
    s = text.strip()
    fenced = _FENCE.search(s)
    if fenced:
        s = fenced.group(1).strip()
    if not s.startswith("{"):
        i, j = s.find("{"), s.rfind("}")
        if i < 0 or j < i:
            return None
        s = s[i:j + 1]
    try:
        return orjson.loads(s)
    except orjson.JSONDecodeError:
        return None


def _get(obj: Any, path: str) -> Any:
    cur = obj
    for part in path.split("."):
        if not isinstance(cur, dict):
            cur = _MISSING
            break
        if part in cur:
            cur = cur[part]
            continue
        folded = {str(k).strip().casefold(): v for k, v in cur.items()}
        cur = folded.get(part.casefold(), _MISSING)
        if cur is _MISSING:
            break
    if cur is _MISSING and "." in path and isinstance(obj, dict):
        cur = obj.get(path, _MISSING)
    return cur


def _flatten(obj: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out = []
    for k, v in obj.items():
        if isinstance(v, dict):
            out += _flatten(v, f"{prefix}{k}.")
        else:
            out.append((f"{prefix}{k}", v))
    return out


def _infer(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "num"
    if isinstance(value, list):
        return "list"
    if isinstance(value, str) and iso_date(value) == value:
        return "date"
    return "str"


def _fold(text: str) -> str:
    return " ".join(norm_text(text).replace("-", " ").replace("_", " ").split())


_WEEKDAY = re.compile(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+")
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:t[\d:.]+z?)?")
_MDY = re.compile(r"([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_DMY = re.compile(r"(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]{3,9})\.?,?\s+(\d{4})")


def iso_date(text: Any) -> str | None:
    """A date in ISO form from `2025-03-14`, `March 14, 2025`, `14 Mar 2025`,
    `Friday, 14 March 2025` or `the 14th of March 2025` (None if not a date)."""
    if not isinstance(text, str):
        return None
    s = _WEEKDAY.sub("", text.strip().casefold().rstrip("."))
    try:
        if m := _ISO.fullmatch(s):
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        if m := _MDY.fullmatch(s):
            month = MONTH_NUMBER.get(m[1][:3])
            return date(int(m[3]), month, int(m[2])).isoformat() if month else None
        if m := _DMY.fullmatch(s):
            month = MONTH_NUMBER.get(m[2][:3])
            return date(int(m[3]), month, int(m[1])).isoformat() if month else None
    except ValueError:
        return None
    return None


_TIME = re.compile(r"(\d{1,2})(?:[:.h](\d{2}))?(?::\d{2})?\s*([ap])?\.?\s*(?:m\.?)?")


def hhmm(text: Any) -> str | None:
    """A time as 24-hour HH:MM from `19:30`, `7:30 PM`, `7.30pm`, `7 pm` or `19:30:00`."""
    if not isinstance(text, str):
        return None
    m = _TIME.fullmatch(text.strip().casefold())
    if not m or (m[2] is None and m[3] is None):
        return None
    h, mins = int(m[1]), int(m[2] or 0)
    if m[3]:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if m[3] == "p" else 0)
    if h > 23 or mins > 59:
        return None
    return f"{h:02d}:{mins:02d}"


def _number(value: Any) -> Fraction | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)
    if isinstance(value, str):
        return parse_number(value, percent=False)
    return None


def same_value(kind: str, expected: Any, got: Any) -> bool:
    """Whether an extracted value matches the expected one, by the field's kind."""
    if got is _MISSING or got is None:
        return False
    if kind == "num":
        return _number(got) is not None and _number(got) == _number(expected)
    if kind == "bool":
        value = got if isinstance(got, bool) else parse_bool(str(got))
        return value is not None and value == expected
    if kind == "date":
        return iso_date(got) == expected
    if kind == "time":
        return hhmm(got) == expected
    if kind == "phone":
        digits = re.sub(r"\D", "", str(got))
        return len(digits) >= 10 and digits[-10:] == re.sub(r"\D", "", expected)[-10:]
    if kind == "email":
        return str(got).strip().casefold().removeprefix("mailto:") == expected.casefold()
    if kind == "list":
        items = got if isinstance(got, list) else re.split(r"\s*,\s*|\s+and\s+", str(got))
        return sorted(_fold(str(x)) for x in items) == sorted(_fold(x) for x in expected)
    if kind == "code":
        return norm_text(str(got)).lstrip("#") == norm_text(str(expected)).lstrip("#")
    if isinstance(got, dict | list):
        return False
    return _fold(str(got)) == _fold(str(expected))


def _wrong(kind: str, value: Any) -> Any:
    """A plausible wrong value of a field."""
    if kind == "num":
        return value + 1
    if kind == "bool":
        return not value
    if kind == "date":
        return (date.fromisoformat(value) + timedelta(days=1)).isoformat()
    if kind == "time":
        h, m = value.split(":")
        return f"{(int(h) + 1) % 24:02d}:{m}"
    if kind == "phone":
        return value[:-1] + str((int(value[-1]) + 1) % 10)
    if kind == "list":
        return [*value[:-1], "COBOL"]
    return value + "x"
