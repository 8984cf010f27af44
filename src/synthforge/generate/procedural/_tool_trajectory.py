"""Writing a tool_use trajectory (each call executed as it is made) and what the task
templates share: `Outcome`, `Ambiguous`, rounding and text helpers."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

import orjson

from synthforge.generate.procedural._tool_kb import World
from synthforge.generate.procedural._tools import Json, Toolbox, round_half_up


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


def _shown(name: str, result: Json) -> str:
    """A tool result as the worked solution shows it."""
    if name == "lookup":
        unit = result["unit"]
        return f"{result['value']}" if unit in ("year", "date") else f"{result['value']} {unit}"
    key = {"calculator": "result", "add_days": "date", "weekday": "weekday",
           "days_between": "days", "convert_units": "value"}[name]
    return f"{result[key]} {result['unit']}" if name == "convert_units" else f"{result[key]}"


Call = tuple[str, str, Json]  # (note, tool name, arguments)


class Trajectory:
    """Tool calls executed as they are made, recorded as OpenAI chat messages."""

    def __init__(self, box: Toolbox, parallel: bool):
        self.box = box
        self.parallel = parallel
        self.messages: list[Json] = []
        self.lines: list[str] = []
        self.used: set[str] = set()
        self.calls = 0

    def call(self, note: str, name: str, **arguments: Any) -> Json:
        """Make one call in its own assistant turn; its result."""
        return self._turn(note, [(note, name, arguments)])[0]

    def independent(self, together: str, calls: list[Call]) -> list[Json]:
        """Independent calls: in one turn when this trajectory batches them, else one by one."""
        if self.parallel and len(calls) > 1:
            return self._turn(together, calls)
        return [self._turn(note, [(note, name, args)])[0] for note, name, args in calls]

    def _turn(self, note: str, calls: list[Call]) -> list[Json]:
        tool_calls, replies, results = [], [], []
        for _, name, arguments in calls:
            result = self.box.run(name, arguments)
            if "error" in result:
                raise RuntimeError(f"tool_use bug: {name}({arguments}) failed: {result['error']}")
            self.calls += 1
            call_id = f"call_{self.calls}"
            shown_args = ", ".join(f"{k}={_json(v)}" for k, v in arguments.items())
            self.lines.append(f"{self.calls}. {name}({shown_args}) → {_shown(name, result)}")
            tool_calls.append({"id": call_id, "type": "function",
                               "function": {"name": name, "arguments": _json(arguments)}})
            replies.append({"role": "tool", "tool_call_id": call_id, "content": _json(result)})
            self.used.add(name)
            results.append(result)
        self.messages.append({"role": "assistant", "content": note, "tool_calls": tool_calls})
        self.messages.extend(replies)
        return results


@dataclass(frozen=True)
class Outcome:
    """What a template made: the answer reached through the tools and the one computed
    directly from the task's parameters (they must agree)."""

    question: str
    answer: str
    expected: str
    conclusion: str
    kind: str = "number"  # number, date, weekday or name
    places: int | None = None  # decimals a number is rounded to (its tolerance: half a unit)
    options: tuple[str, ...] = ()  # the other candidates of a name answer


class Ambiguous(Exception):
    """The drawn values sit on a rounding edge (or a tie): draw the item again."""


def rounded(value: Fraction | float, places: int) -> Fraction:
    """`value` rounded half up, refusing values within 0.1% of a unit of a rounding edge."""
    value = Fraction(value)
    if abs(value * 10**places % 1 - Fraction(1, 2)) < Fraction(1, 1000):
        raise Ambiguous
    return round_half_up(value, places)


def clear_of_whole(value: Fraction) -> Fraction:
    """`value`, refusing one within 1e-6 of a whole number (floor or ceil could flip)."""
    if min(value % 1, 1 - value % 1) < Fraction(1, 10**6):
        raise Ambiguous
    return value


def _lit(value: Any) -> str:
    """A JSON number (a tool result) as an expression literal."""
    return repr(value) if isinstance(value, float) else str(value)


def _places(p: int) -> str:
    return {0: "a whole number", 1: "1 decimal place"}.get(p, f"{p} decimal places")


def _money(value: Fraction) -> str:
    """Dollars to the cent (halves up): $1,234.50."""
    cents = int(round_half_up(abs(value), 2) * 100)
    return f"{'-' if value < 0 else ''}${cents // 100:,}.{cents % 100:02d}"


def _long(d: date | str) -> str:
    d = date.fromisoformat(d) if isinstance(d, str) else d
    return f"{d:%B} {d.day}, {d.year}"


def _date_text(d: date, rng: random.Random) -> str:
    return d.isoformat() if rng.random() < 0.5 else _long(d)


def _some_date(rng: random.Random) -> date:
    return date(1950, 1, 1) + timedelta(days=rng.randrange(31_411))  # to 2035-12-31


def _plural(n: int, thing: str) -> str:
    return f"{n} {thing}" if n == 1 else f"{n} {thing}s"


def _listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


Template = Callable[[Trajectory, World, random.Random, int], Outcome]

LABELS = {"population": "population", "area_km2": "area", "elevation_m": "elevation",
          "founded": "founding year", "founding_date": "founding date",
          "employees": "number of employees", "price_usd": "price", "weight_kg": "weight"}
