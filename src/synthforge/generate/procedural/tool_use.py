"""Tool use: questions answered by chains of calls to simulated tools, as OpenAI-format
trajectories.

Each item draws a small fictional knowledge base (cities, companies, products, routes) and
a task that needs one tool call (level 1) up to five or six chained calls (level 5), where
later calls use earlier results. Every call is executed by the real tool (`_tools.py`) while
the trajectory is written, and the answer reached through the tool results must equal the
one computed directly from the task's parameters. Besides the standard fields, items carry
`messages` (system, user, assistant turns with `tool_calls`, `tool` results, final answer)
and `tools` (the schemas offered). `verify_trajectory` re-checks any trajectory, e.g. one a
teacher model wrote, against an item's task.

Templates by level (calls): 1 a fact lookup, a unit conversion, a calculation (percent,
split bill, square root, compound interest), a date shift, days between dates; 2 the weekday
after a shift, weeks between dates, the weekday of a founding date, a route in miles; 3 the
weekday of Jan 1 of founding year + n, driving hours, years between foundings, population
density, a shopping total; 4 weeks between foundings, density per square mile, a larger
total, the cheaper of two discounted products, a trip's arrival weekday; 5 (5-6 calls) a
two-leg trip, the denser of two cities, a total with tax, the best of three discounts, an
arrival weekday at a pace in miles.

    mix:
      - generator: tool_use
        params: {difficulty: {mix: {1: 1, 3: 1, 5: 1}}}
    format: {type: chat, include: [id, tools]}   # tools: the schemas column
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from functools import lru_cache
from typing import Any

import orjson
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from pydantic import Field

from synthforge.generate.procedural._tools import (
    SCHEMAS,
    TOOL_NAMES,
    UNITS,
    WEEKDAYS,
    Json,
    Toolbox,
    exact,
    round_half_up,
)
from synthforge.generate.procedural.answers import (
    extract_final,
    norm_text,
    perturb,
    same_number,
)
from synthforge.generate.procedural.base import Family, FamilyConfig, Task, family, number

# ---- the fictional world ------------------------------------------------------------------

HEADS = ("Vel", "Quar", "Zen", "Thal", "Mor", "Kes", "Dra", "Ost", "Bry", "Cal", "Fen", "Gal",
         "Hes", "Ith", "Jor", "Lum", "Nor", "Pel", "Ras", "Sul", "Tor", "Ul", "Var", "Wyn",
         "Yar", "Zor", "Ash", "Bel", "Cor", "Dun", "Eld", "Fal", "Grim", "Hal", "Isk", "Kal",
         "Lor", "Mar", "Nev", "Orm")
CITY_TAILS = ("mora", "net", "vik", "dale", "holm", "stead", "wick", "ora", "avin", "esk",
              "rith", "mont", "bury", "gard", "lin", "oss", "haven", "ford", "mere", "wyn",
              "ara", "enne", "ost", "ago", "ith", "ula", "ton", "by", "ria", "sk")
MIDDLES = ("", "a", "e", "i", "o", "an", "el", "or", "is", "um")
PLACE_PREFIXES = ("Port", "New", "Lake", "East", "West", "North", "South", "Upper", "Lower",
                  "Fort", "Mount", "Saint")
COMPANY_TAILS = ("ex", "ion", "ara", "ium", "ova", "tek", "ix", "on", "ora", "yne", "is", "eon",
                 "ant", "ica", "ux", "ent")
COMPANY_KINDS = ("Labs", "Motors", "Foods", "Systems", "Textiles", "Aerospace", "Pharma",
                 "Robotics", "Energy", "Logistics", "Studios", "Mining", "Optics", "Holdings")
BRAND_TAILS = ("o", "ix", "ar", "en", "a", "us", "on", "io", "ra", "ex")
PRODUCTS = ("Blender", "Lamp", "Kettle", "Backpack", "Drone", "Desk", "Bicycle", "Tent",
            "Camera", "Speaker", "Toaster", "Monitor", "Scooter", "Heater", "Router", "Keyboard")


class World:
    """A knowledge base of fictional entities, drawn from one item's RNG as a task needs them."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.facts: dict[str, Json] = {}

    def _fresh(self, make: Callable[[], str]) -> str:
        while (name := make()) in self.facts:
            pass
        return name

    def _stem(self, tails: tuple[str, ...]) -> str:
        r = self.rng
        return r.choice(HEADS) + r.choice(MIDDLES) + r.choice(tails)

    def _prefix(self) -> str:
        return f"{self.rng.choice(PLACE_PREFIXES)} " if self.rng.random() < 0.3 else ""

    def city(self) -> str:
        r = self.rng
        name = self._fresh(lambda: self._prefix() + self._stem(CITY_TAILS))
        self.facts[name] = {"population": r.randint(2_000, 4_000_000),
                            "area_km2": r.randint(200, 9_000) / 10,
                            "elevation_m": r.randint(0, 2_500), "founded": r.randint(800, 1900)}
        return name

    def company(self) -> str:
        r = self.rng
        name = self._fresh(lambda: f"{self._stem(COMPANY_TAILS)} {r.choice(COMPANY_KINDS)}")
        founded = date(1850, 1, 1) + timedelta(days=r.randrange(54_787))  # to 1999-12-31
        self.facts[name] = {"founded": founded.year, "founding_date": founded.isoformat(),
                            "employees": r.randint(12, 250_000)}
        return name

    def product(self, near: float | None = None) -> str:
        """A product; with `near`, priced within 30% of that price."""
        r = self.rng
        name = self._fresh(lambda: f"{self._stem(BRAND_TAILS)} {r.choice(PRODUCTS)}")
        cents = r.randint(500, 40_000) if near is None else round(near * 100 * r.uniform(0.7, 1.3))
        self.facts[name] = {"price_usd": cents / 100, "weight_kg": r.randint(10, 5_000) / 100}
        return name

    def route(self, a: str, b: str, low: int = 15, high: int = 4_000) -> str:
        name = f"{a} to {b}"
        self.facts[name] = {"distance_km": self.rng.randint(low, high)}
        return name

    def value(self, entity: str, attribute: str) -> Fraction:
        """A numeric fact, exactly."""
        return exact(self.facts[entity][attribute])


# ---- writing a trajectory -----------------------------------------------------------------

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


# ---- task templates -----------------------------------------------------------------------

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
FACT_UNITS = {"population": "{} people", "area_km2": "{} km²", "elevation_m": "{} m",
              "founded": "{}", "employees": "{}", "weight_kg": "{} kg"}
FACT_QUESTIONS = {
    "population": ("What is the population of {e}?", "How many people live in {e}?"),
    "area_km2": ("What is the area of {e} in square kilometres?", "How large is {e}, in km²?"),
    "elevation_m": ("At what elevation, in metres, does {e} lie?",
                    "How high above sea level is {e}, in metres?"),
    "founded": ("In what year was {e} founded?", "When was {e} founded? Give the year."),
    "employees": ("How many employees does {e} have?", "What is the headcount of {e}?"),
    "founding_date": ("On what date was {e} founded?", "What is the founding date of {e}?"),
    "price_usd": ("How much does the {e} cost, in dollars?", "What is the price of the {e}?"),
    "weight_kg": ("How much does the {e} weigh in kilograms?",
                  "What is the weight of the {e}, in kg?"),
}


def fact(t: Trajectory, w: World, rng: random.Random, level: int) -> Outcome:
    """One lookup: "What is the population of Velmora?"."""
    pick = rng.randrange(3)
    if pick == 0:
        entity, attr = w.city(), rng.choice(("population", "area_km2", "elevation_m"))
    elif pick == 1:
        entity, attr = w.company(), rng.choice(("founded", "employees", "founding_date"))
    else:
        entity, attr = w.product(), rng.choice(("price_usd", "weight_kg"))
    question = rng.choice(FACT_QUESTIONS[attr]).format(e=entity)
    found = t.call(f"I'll look up the {LABELS[attr]} of {entity}.", "lookup",
                   entity=entity, attribute=attr)["value"]
    if attr == "founding_date":
        return Outcome(question, found, w.facts[entity][attr],
                       f"{entity} was founded on {_long(found)}.", kind="date")
    answer = number(exact(found))
    said = _money(exact(found)) if attr == "price_usd" else FACT_UNITS[attr].format(answer)
    return Outcome(question, answer, number(w.value(entity, attr)),
                   f"The {LABELS[attr]} of {entity} is {said}.")


UNIT_WORDS = {"km": "kilometres", "mi": "miles", "m": "metres", "ft": "feet", "yd": "yards",
              "in": "inches", "cm": "centimetres", "kg": "kilograms", "lb": "pounds",
              "oz": "ounces", "g": "grams", "l": "litres", "gal": "US gallons",
              "qt": "US quarts", "km2": "square kilometres", "mi2": "square miles",
              "ha": "hectares", "acre": "acres", "km/h": "kilometres per hour",
              "mph": "miles per hour", "m/s": "metres per second", "kn": "knots",
              "h": "hours", "min": "minutes", "day": "days", "week": "weeks", "s": "seconds"}
CONVERSIONS = (("km", "mi"), ("mi", "km"), ("m", "ft"), ("ft", "m"), ("in", "cm"),
               ("cm", "in"), ("yd", "m"), ("kg", "lb"), ("lb", "kg"), ("oz", "g"), ("g", "oz"),
               ("l", "gal"), ("gal", "l"), ("qt", "l"), ("km2", "mi2"), ("mi2", "km2"),
               ("ha", "acre"), ("acre", "ha"), ("km/h", "mph"), ("mph", "km/h"),
               ("kn", "km/h"), ("m/s", "km/h"), ("h", "min"), ("week", "h"), ("day", "s"))


def convert(t: Trajectory, w: World, rng: random.Random, level: int) -> Outcome:
    """One conversion: "Convert 12.5 kilometres to miles, rounded to 2 decimal places."."""
    src, dst = rng.choice(CONVERSIONS)
    value: int | float = rng.randint(2, 999) if rng.random() < 0.5 else rng.randint(20, 9_999) / 10
    p = rng.choice((1, 2))
    expected = rounded(exact(value) * UNITS[src][1] / UNITS[dst][1], p)
    a, b = f"{_lit(value)} {UNIT_WORDS[src]}", UNIT_WORDS[dst]
    question = rng.choice(("Convert {a} to {b}, rounded to {p}.",
                           "How many {b} is {a}? Round to {p}.",
                           "Express {a} in {b} ({p}).")).format(a=a, b=b, p=_places(p))
    got = t.call(f"I'll convert {a} to {b}.", "convert_units", value=value, from_unit=src,
                 to_unit=dst)["value"]
    answer = number(round_half_up(exact(got), p))
    return Outcome(question, answer, number(expected), f"{a} is about {answer} {b}.", places=p)


def calc(t: Trajectory, w: World, rng: random.Random, level: int) -> Outcome:
    """One calculator call: a percentage, a split bill, a square root or compound interest."""
    pick = rng.randrange(4)
    if pick == 0:
        pct: int | float = rng.randint(1, 99) if rng.random() < 0.6 else rng.randint(5, 995) / 10
        n, places = rng.randint(10, 99_999), None
        question = rng.choice(("What is {p}% of {n}?", "Calculate {p} percent of {n}.")).format(
            p=_lit(pct), n=n)
        expression, expected = f"{n} * {_lit(pct)} / 100", n * exact(pct) / 100
        said = f"{_lit(pct)}% of {n} is {{}}."
    elif pick == 1:
        bill, tip = rng.randint(1_500, 40_000), rng.choice((10, 12, 15, 18, 20, 25))
        k = rng.randint(2, 8)
        bill_text = f"{bill // 100}.{bill % 100:02d}"
        question = (f"A restaurant bill of ${bill_text} gets a {tip}% tip and is split evenly "
                    f"among {k} people. How much does each person pay, rounded to the cent?")
        expression, places = f"round({bill_text} * (1 + {tip} / 100) / {k}, 2)", 2
        expected = rounded(Fraction(bill, 100) * (100 + tip) / 100 / k, 2)
        said = "Each person pays ${}."
    elif pick == 2:
        n, places = rng.randint(2, 99_999), rng.choice((1, 2, 3))
        question = f"What is the square root of {n}, rounded to {_places(places)}?"
        expression, expected = f"round(sqrt({n}), {places})", rounded(math.sqrt(n), places)
        said = f"The square root of {n} is about {{}}."
    else:
        principal, years = rng.randint(100, 20_000), rng.randint(2, 30)
        rate = rng.choice((1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7))
        question = (f"A savings account holds ${principal:,} and earns {_lit(rate)}% interest, "
                    f"compounded yearly. What is the balance after {years} years, rounded to the "
                    f"cent?")
        expression, places = f"round({principal} * (1 + {rate} / 100) ** {years}, 2)", 2
        expected = rounded(principal * (1 + exact(rate) / 100) ** years, 2)
        said = f"After {years} years the balance is ${{}}."
    got = t.call("I'll compute this with the calculator.", "calculator",
                 expression=expression)["result"]
    answer = number(exact(got))
    shown = _money(exact(got))[1:] if "$" in said else answer
    return Outcome(question, answer, number(expected), said.format(shown), places=places)


def date_shift(t: Trajectory, w: World, rng: random.Random, level: int) -> Outcome:
    """A date n days on (level 1), and its weekday (level 2)."""
    start, n = _some_date(rng), rng.randint(1, 2_000)
    days, way = (-n, "before") if rng.random() < 0.3 else (n, "after")
    target = start + timedelta(days=days)
    when = f"{n} days {way} {_date_text(start, rng)}"
    shifted = t.call(f"I'll find the date {n} days {way} {_long(start)}.", "add_days",
                     date=start.isoformat(), days=days)["date"]
    if level == 1:
        question = rng.choice(("What is the date {w}?", "Which date is {w}? Give it as "
                               "YYYY-MM-DD.")).format(w=when)
        return Outcome(question, shifted, target.isoformat(),
                       f"{when[0].upper()}{when[1:]} is {_long(shifted)}.", kind="date")
    question = rng.choice(("What day of the week is {w}?", "Which weekday falls {w}?")).format(
        w=when)
    day = t.call(f"Now the weekday of {shifted}.", "weekday", date=shifted)["weekday"]
    return Outcome(question, day, WEEKDAYS[target.weekday()],
                   f"{when[0].upper()}{when[1:]} is {_long(shifted)}, a {day}.", kind="weekday")


def interval(t: Trajectory, w: World, rng: random.Random, level: int) -> Outcome:
    """Days between two dates (level 1); whole or decimal weeks (level 2)."""
    start = _some_date(rng)
    end = start + timedelta(days=rng.randint(1, 5_000))
    a, b = _date_text(start, rng), _date_text(end, rng)
    got = t.call("I'll count the days between the two dates.", "days_between",
                 start=start.isoformat(), end=end.isoformat())["days"]
    span = (end - start).days
    if level == 1:
        question = rng.choice(("How many days are there from {a} to {b}?",
                               "How many days pass between {a} and {b}?")).format(a=a, b=b)
        return Outcome(question, str(got), str(span), f"From {a} to {b} is {got} days.")
    if rng.random() < 0.5:
        question = f"How many complete weeks are there from {a} to {b}?"
        weeks = t.call(f"{got} days; now the whole weeks in it.", "calculator",
                       expression=f"floor({got} / 7)")["result"]
        return Outcome(question, str(weeks), str(span // 7),
                       f"{got} days contain {weeks} complete weeks.")
    question = f"How many weeks is it from {a} to {b}, rounded to 1 decimal place?"
    weeks = t.call(f"{got} days; now convert to weeks.", "calculator",
                   expression=f"round({got} / 7, 1)")["result"]
    return Outcome(question, number(exact(weeks)), number(rounded(Fraction(span, 7), 1)),
                   f"{got} days are about {weeks} weeks.", places=1)


def founding_weekday(t: Trajectory, w: World, rng: random.Random, level: int) -> Outcome:
    """Weekday of a founding date (level 2), or of Jan 1 of founding year + n (level 3)."""
    company = w.company()
    if level == 2:
        question = rng.choice(("On what day of the week was {c} founded?",
                               "Which weekday was {c} founded on?",
                               "{c} opened its doors on its founding date. What day of the "
                               "week was that?")).format(c=company)
        founded = t.call(f"I'll look up when {company} was founded.", "lookup", entity=company,
                         attribute="founding_date")["value"]
        day = t.call(f"Now the weekday of {founded}.", "weekday", date=founded)["weekday"]
        expected = WEEKDAYS[date.fromisoformat(w.facts[company]["founding_date"]).weekday()]
        return Outcome(question, day, expected, f"{company} was founded on {_long(founded)}, "
                       f"a {day}.", kind="weekday")
    n = rng.randint(5, 150)
    question = rng.choice((
        "Take the year {c} was founded and add {n} years. On what day of the week does "
        "January 1 of that year fall?",
        "What weekday is January 1 of the year {n} years after {c} was founded?")).format(
        c=company, n=n)
    year = t.call(f"I'll look up the founding year of {company}.", "lookup", entity=company,
                  attribute="founded")["value"]
    later = t.call(f"{company} was founded in {year}; add {n} years.", "calculator",
                   expression=f"{year} + {n}")["result"]
    day = t.call(f"Now the weekday of January 1, {later}.", "weekday",
                 date=f"{later:04d}-01-01")["weekday"]
    expected = WEEKDAYS[date(w.facts[company]["founded"] + n, 1, 1).weekday()]
    return Outcome(question, day, expected, f"{company} was founded in {year}; {year} + {n} = "
                   f"{later}, and January 1, {later} is a {day}.", kind="weekday")


def route(t: Trajectory, w: World, rng: random.Random, level: int) -> Outcome:
    """A route's length in miles (level 2), driving hours (level 3), over two legs (level 5)."""
    stops = [w.city() for _ in range(3 if level == 5 else 2)]
    a, b = stops[0], stops[-1]
    legs = [w.route(x, y) for x, y in itertools.pairwise(stops)]
    km_total = sum(w.value(leg, "distance_km") for leg in legs)
    miles = km_total * UNITS["km"][1] / UNITS["mi"][1]
    if level == 2:
        p = rng.choice((1, 2))
        expected = rounded(miles, p)
        question = rng.choice(("How far is it from {a} to {b} in miles, rounded to {p}?",
                               "What is the distance between {a} and {b} in miles? Round to "
                               "{p}.")).format(a=a, b=b, p=_places(p))
    else:
        speed, p = rng.randint(25, 75), 1
        expected = rounded(miles / speed, p)
        path = f"from {a} to {b}" if level == 3 else f"from {a} to {stops[1]} and on to {b}"
        question = (f"A bus travels {path} at an average speed of {speed} mph. How many hours "
                    f"does the trip take, rounded to 1 decimal place?")
    found = t.independent("I'll look up the lengths of both legs.", [
        (f"I'll look up the distance from {leg}.", "lookup",
         {"entity": leg, "attribute": "distance_km"}) for leg in legs])
    km: int | float = found[0]["value"]
    if level == 5:
        km = t.call("Add the two legs.", "calculator",
                    expression=f"{_lit(found[0]['value'])} + {_lit(found[1]['value'])}")["result"]
    mi = t.call(f"That is {_lit(km)} km; convert it to miles.", "convert_units", value=km,
                from_unit="km", to_unit="mi")["value"]
    if level == 2:
        answer = number(round_half_up(exact(mi), p))
        return Outcome(question, answer, number(expected),
                       f"{a} to {b} is {_lit(km)} km, about {answer} miles.", places=p)
    hours = t.call(f"{mi} miles at {speed} mph: divide and round.", "calculator",
                   expression=f"round({_lit(mi)} / {speed}, 1)")["result"]
    answer = number(exact(hours))
    return Outcome(question, answer, number(expected), f"The trip is {_lit(km)} km ({mi} miles); "
                   f"at {speed} mph it takes about {answer} hours.", places=p)


def age_gap(t: Trajectory, w: World, rng: random.Random, level: int) -> Outcome:
    """Years between two foundings (level 3), or complete weeks between them (level 4)."""
    first, second = w.company(), w.company()
    if level == 3:
        if w.facts[first]["founded"] == w.facts[second]["founded"]:
            raise Ambiguous
        question = rng.choice(("How many years apart were {a} and {b} founded?",
                               "How many years separate the founding of {a} and that of {b}?"))
        found = _lookup_both(t, [first, second], "founded", "founding years")
        late, early = max(found), min(found)
        gap = t.call(f"Founded in {found[0]} and {found[1]}: subtract.", "calculator",
                     expression=f"{late} - {early}")["result"]
        expected = abs(w.facts[first]["founded"] - w.facts[second]["founded"])
        return Outcome(question.format(a=first, b=second), str(gap), str(expected),
                       f"{late} - {early} = {gap}, so they were founded {gap} years apart.")
    question = rng.choice(("How many complete weeks passed between the founding of {a} and the "
                           "founding of {b}?", "{a} and {b}: how many whole weeks apart were "
                           "they founded?")).format(a=first, b=second)
    found = _lookup_both(t, [first, second], "founding_date", "founding dates")
    start, end = sorted(found)
    days = t.call(f"Count the days from {start} to {end}.", "days_between", start=start,
                  end=end)["days"]
    weeks = t.call(f"{days} days; now the whole weeks.", "calculator",
                   expression=f"floor({days} / 7)")["result"]
    dates = sorted(date.fromisoformat(w.facts[c]["founding_date"]) for c in (first, second))
    return Outcome(question, str(weeks), str((dates[1] - dates[0]).days // 7),
                   f"They were founded {days} days apart, which is {weeks} complete weeks.")


def _lookup_both(t: Trajectory, entities: list[str], attr: str, what: str) -> list[Any]:
    calls: list[Call] = [(f"I'll look up the {LABELS[attr]} of {e}.", "lookup",
                          {"entity": e, "attribute": attr}) for e in entities]
    return [r["value"] for r in t.independent(f"I'll look up both {what}.", calls)]


def density(t: Trajectory, w: World, rng: random.Random, level: int) -> Outcome:
    """People per km² (level 3), per square mile (level 4), the denser of two (level 5)."""
    if level == 5:
        return _denser(t, w, rng)
    city = w.city()
    per_mi2 = level == 4
    area = w.value(city, "area_km2") * (UNITS["km2"][1] / UNITS["mi2"][1] if per_mi2 else 1)
    p = rng.choice((0, 1) if per_mi2 else (0, 1, 2))  # km² needs no conversion: exact
    expected = rounded(w.value(city, "population") / area, p)
    unit = "square mile" if per_mi2 else "square kilometre"
    question = rng.choice((
        "What is the population density of {c} in people per {u}, rounded to {p}?",
        "How many people per {u} live in {c}? Round to {p}.",
        "Find the population density of {c} (people per {u}, to {p}).")).format(
        c=city, u=unit, p=_places(p))
    pop, km2 = _city_numbers(t, city)
    size = km2
    if per_mi2:
        size = t.call(f"The area is {_lit(km2)} km²; convert it to square miles.",
                      "convert_units", value=km2, from_unit="km2", to_unit="mi2")["value"]
    got = t.call("Divide the population by the area.", "calculator",
                 expression=f"round({pop} / {_lit(size)}, {p})")["result"]
    answer = number(exact(got))
    return Outcome(question, answer, number(expected), f"{city} has {pop} people on "
                   f"{_lit(size)} {unit}s, about {answer} people per {unit}.", places=p)


def _city_numbers(t: Trajectory, city: str) -> tuple[int, int | float]:
    pop, area = t.independent(f"I'll look up the population and area of {city}.", [
        (f"I'll look up the population of {city}.", "lookup",
         {"entity": city, "attribute": "population"}),
        (f"Now the area of {city}.", "lookup", {"entity": city, "attribute": "area_km2"})])
    return pop["value"], area["value"]


def _denser(t: Trajectory, w: World, rng: random.Random) -> Outcome:
    cities = [w.city(), w.city()]
    exact_density = [w.value(c, "population") / w.value(c, "area_km2") for c in cities]
    if abs(exact_density[0] - exact_density[1]) < max(exact_density) / 100:
        raise Ambiguous
    most = rng.random() < 0.5
    pick = max if most else min
    question = (f"Which is {'more' if most else 'less'} densely populated, {cities[0]} or "
                f"{cities[1]}?")
    densities = []
    for city in cities:
        pop, km2 = _city_numbers(t, city)
        densities.append(t.call(f"Density of {city}: population over area.", "calculator",
                                expression=f"{pop} / {_lit(km2)}")["result"])
    chosen = cities[densities.index(pick(densities, key=exact))]
    expected = cities[exact_density.index(pick(exact_density))]
    shown = " and ".join(f"{c} about {round(d, 1)} per km²" for c, d in zip(cities, densities,
                                                                           strict=True))
    return Outcome(question, chosen, expected, f"Densities: {shown}, so {chosen} is "
                   f"{'more' if most else 'less'} densely populated.", kind="name",
                   options=tuple(c for c in cities if c != chosen))


def basket(t: Trajectory, w: World, rng: random.Random, level: int) -> Outcome:
    """The total of a shopping list: two products (3), three (4), three plus tax (5)."""
    products = [w.product() for _ in range(2 if level == 3 else 3)]
    counts = [rng.randint(1, 6) for _ in products]
    subtotal = sum(q * w.value(p, "price_usd") for p, q in zip(products, counts, strict=True))
    listing = _listing([_plural(q, p) for p, q in zip(products, counts, strict=True)])
    question = f"How much do {listing} cost in total?"
    tax = rng.choice((5, 6, 7.5, 8, 8.25, 9.5, 10, 20)) if level == 5 else None
    if tax is not None:
        expected = rounded(subtotal * (1 + exact(tax) / 100), 2)
        question = (f"What do {listing} cost in total, including {_lit(tax)}% sales tax? Round "
                    f"to the cent.")
    else:
        expected = subtotal
    prices = _lookup_prices(t, products)
    total = t.call("Multiply by the quantities and add.", "calculator", expression=" + ".join(
        f"{q} * {_lit(p)}" for q, p in zip(counts, prices, strict=True)))["result"]
    if tax is None:
        answer = number(exact(total))
        return Outcome(question, answer, number(expected), f"The total is {_money(exact(total))}.")
    with_tax = t.call(f"Subtotal {_lit(total)}; add {_lit(tax)}% tax.", "calculator",
                      expression=f"round({_lit(total)} * (1 + {_lit(tax)} / 100), 2)")["result"]
    answer = number(exact(with_tax))
    return Outcome(question, answer, number(expected), f"The subtotal is {_money(exact(total))}; "
                   f"with {_lit(tax)}% tax it is {_money(exact(with_tax))}.", places=2)


def _lookup_prices(t: Trajectory, products: list[str]) -> list[int | float]:
    calls: list[Call] = [(f"I'll look up the price of the {p}.", "lookup",
                          {"entity": p, "attribute": "price_usd"}) for p in products]
    return [r["value"] for r in t.independent("I'll look up the prices.", calls)]


def cheapest(t: Trajectory, w: World, rng: random.Random, level: int) -> Outcome:
    """Which of two (level 4) or three (level 5) discounted products costs least (or most)."""
    first = w.product()
    products = [first] + [w.product(near=w.facts[first]["price_usd"])
                          for _ in range(1 if level == 4 else 2)]
    discounts = rng.sample((5, 10, 15, 20, 25, 30, 35, 40, 50), len(products))
    sale = [w.value(p, "price_usd") * (100 - d) / 100 for p, d in zip(products, discounts,
                                                                      strict=True)]
    if min(abs(x - y) for i, x in enumerate(sale) for y in sale[i + 1:]) < Fraction(1, 100):
        raise Ambiguous
    least = rng.random() < 0.6
    pick = min if least else max
    offers = _listing([f"the {p} at {d}% off" for p, d in zip(products, discounts, strict=True)])
    question = rng.choice(("On sale: {o}. After the discounts, which one is {s}?",
                           "A shop offers {o}. Which costs the {s2} after its discount?")).format(
        o=offers, s="cheapest" if least else "most expensive", s2="least" if least else "most")
    prices = _lookup_prices(t, products)
    calls: list[Call] = [(f"Price of the {p} after {d}% off.", "calculator",
                          {"expression": f"{_lit(x)} * (1 - {d} / 100)"})
                         for p, d, x in zip(products, discounts, prices, strict=True)]
    after = [r["result"] for r in t.independent("Now apply each discount.", calls)]
    chosen = products[after.index(pick(after, key=exact))]
    shown = ", ".join(f"the {p} {_money(exact(x))}" for p, x in zip(products, after, strict=True))
    return Outcome(question, chosen, products[sale.index(pick(sale))],
                   f"After discounts: {shown}. The {'cheapest' if least else 'most expensive'} "
                   f"is the {chosen}.", kind="name", options=tuple(p for p in products
                                                                    if p != chosen))


def trip_arrival(t: Trajectory, w: World, rng: random.Random, level: int) -> Outcome:
    """Arrival weekday of a trip at a daily pace in km (level 4) or miles (level 5)."""
    a, b = w.city(), w.city()
    leg = w.route(a, b, 300, 5_000)
    start = _some_date(rng)
    unit = "km" if level == 4 else "mi"
    pace = rng.randint(40, 400) if unit == "km" else rng.randint(25, 250)
    distance = w.value(leg, "distance_km") * UNITS["km"][1] / UNITS[unit][1]
    days = math.ceil(distance / pace if unit == "km" else clear_of_whole(distance / pace))
    expected = WEEKDAYS[(start + timedelta(days=days)).weekday()]
    words = "km" if unit == "km" else "miles"
    question = (f"A caravan leaves {a} for {b} on {_date_text(start, rng)} and covers {pace} "
                f"{words} a day; a partial day counts as a full day of travel. On what day of "
                f"the week does it arrive?")
    km = t.call(f"I'll look up the distance from {a} to {b}.", "lookup", entity=leg,
                attribute="distance_km")["value"]
    length = km
    if unit == "mi":
        length = t.call(f"{_lit(km)} km; convert to miles.", "convert_units", value=km,
                        from_unit="km", to_unit="mi")["value"]
    n = t.call(f"{_lit(length)} {words} at {pace} a day: round the days up.", "calculator",
               expression=f"ceil({_lit(length)} / {pace})")["result"]
    arrival = t.call(f"{n} days of travel from {start.isoformat()}.", "add_days",
                     date=start.isoformat(), days=n)["date"]
    day = t.call(f"Now the weekday of {arrival}.", "weekday", date=arrival)["weekday"]
    return Outcome(question, day, expected, f"The trip is {_lit(length)} {words}, so {n} days; "
                   f"leaving {_long(start)} it arrives on {_long(arrival)}, a {day}.",
                   kind="weekday")


TEMPLATES: dict[int, tuple[Template, ...]] = {
    1: (fact, convert, calc, date_shift, interval),
    2: (date_shift, interval, founding_weekday, route),
    3: (founding_weekday, route, age_gap, density, basket),
    4: (age_gap, density, basket, cheapest, trip_arrival),
    5: (route, density, basket, cheapest, trip_arrival),
}
CALLS = {1: (1, 1), 2: (2, 2), 3: (3, 3), 4: (4, 4), 5: (5, 6)}  # tool calls per level
SYSTEM_PROMPTS = (
    "You are a helpful assistant with access to tools: {tools}. Call them as needed, then give "
    "the final answer on a last line 'Answer: <answer>'.",
    "You can use these tools: {tools}. Rely on tool results rather than guesses, and finish "
    "with a line 'Answer: <answer>'.",
    "Tools available: {tools}. Work step by step with tool calls and end your reply with "
    "'Answer: <answer>'.",
)
_SCHEMA_BYTES = {name: orjson.dumps(schema) for name, schema in SCHEMAS.items()}
MAX_DRAWS = 50


# ---- the family ---------------------------------------------------------------------------

class ToolUseConfig(FamilyConfig):
    """Tool-use options: batching of independent calls, and tools offered beyond those needed."""

    parallel: bool = Field(True, description="Batch independent calls (several lookups) into "
                           "one assistant turn in about half the items.")
    distractors: bool = Field(True, description="Offer some tools the task does not need.")


@family("tool_use")
class ToolUse(Family):
    """Answer questions with chains of calls to simulated tools (OpenAI-format trajectories)."""

    Config = ToolUseConfig
    config: ToolUseConfig
    domain = "tool use"
    skills = ("function calling", "multi-step planning", "unit conversion", "date arithmetic")
    answer_kind = "number|date|weekday|name"  # `check.kind` says which

    def make(self, rng: random.Random, level: int) -> Task:
        """The item; its trajectory rides in `check["trajectory"]` until `generate` moves it."""
        for _ in range(MAX_DRAWS):
            world = World(rng)
            parallel = self.config.parallel and rng.random() < 0.5
            trajectory = Trajectory(Toolbox(world.facts), parallel)
            try:
                out = rng.choice(TEMPLATES[level])(trajectory, world, rng, level)
            except Ambiguous:
                continue
            return self._task(out, world, trajectory, rng, level)
        raise RuntimeError(f"tool_use: no unambiguous item in {MAX_DRAWS} draws")

    def _task(self, out: Outcome, world: World, t: Trajectory, rng: random.Random,
              level: int) -> Task:
        if out.answer != out.expected:
            raise RuntimeError(f"tool_use bug: the tool chain gives {out.answer!r}; the task's "
                               f"parameters give {out.expected!r} ({out.question!r})")
        low, high = CALLS[level]
        if not low <= t.calls <= high:
            raise RuntimeError(f"tool_use bug: {t.calls} calls at level {level} "
                               f"({out.question!r})")
        spare = self.config.distractors
        offered = [n for n in TOOL_NAMES if n in t.used or (spare and rng.random() < 0.5)]
        system = rng.choice(SYSTEM_PROMPTS).format(tools=", ".join(offered))
        messages = [{"role": "system", "content": system},
                    {"role": "user", "content": out.question}, *t.messages,
                    {"role": "assistant", "content": f"{out.conclusion}\nAnswer: {out.answer}"}]
        tools = [orjson.loads(_SCHEMA_BYTES[n]) for n in offered]
        check = {"kind": out.kind, "places": out.places, "options": list(out.options),
                 "facts": world.facts, "trajectory": {"messages": messages, "tools": tools}}
        solution = "\n".join([*t.lines, out.conclusion])
        return Task(out.question, out.answer, solution, check)

    def generate(self, k: int) -> tuple[dict[str, Any], dict[str, Any]]:
        """The base family's fields plus `messages` (the trajectory) and `tools` (schemas)."""
        data, meta = super().generate(k)
        data.update(meta["check"].pop("trajectory"))
        return data, meta

    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        kind = task.check.get("kind", "number")
        if kind == "number":
            places = task.check.get("places")
            tolerance = Fraction(1, 2 * 10**places) if places is not None else 0
            ok = same_number(answer, task.answer, percent=False, tolerance=tolerance)
        elif kind == "date":
            ok = read_date(answer) == date.fromisoformat(task.answer)
        else:
            ok = _name(answer) == _name(task.answer)
        return 1.0 if ok else 0.0

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        kind = task.check.get("kind", "number")
        if kind == "number":
            return perturb(task.answer, "number", rng)
        if kind == "date":
            day = date.fromisoformat(task.answer)
            return [(day + timedelta(days=d)).isoformat() for d in (-1, 1, 7)]
        if kind == "weekday":
            i = WEEKDAYS.index(task.answer)
            return [WEEKDAYS[(i + 1) % 7], WEEKDAYS[(i - 1) % 7]]
        return [*task.check.get("options", ()), task.answer + " Pro"]


DATE_FORMATS = ("%B %d, %Y", "%B %d %Y", "%d %B %Y", "%b %d, %Y", "%d %b %Y", "%Y/%m/%d")


def read_date(text: str) -> date | None:
    """A date written as YYYY-MM-DD, "March 5, 2024", "5 March 2024" or 2024/03/05."""
    s = text.strip().rstrip(".").strip()
    try:
        return date.fromisoformat(s)
    except ValueError:
        pass
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    return None


def _name(text: str) -> str:
    s = norm_text(text)
    return s[4:] if s.startswith("the ") else s


# ---- verifying a trajectory ---------------------------------------------------------------

@lru_cache(maxsize=512)
def _validator(schema_json: str) -> Draft202012Validator:
    schema = orjson.loads(schema_json)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


class _Review:
    """The state of one trajectory check: offered tools, calls awaiting results, problems."""

    def __init__(self, tools: list[Json], task: Task):
        self.problems: list[str] = []
        self.box = Toolbox(task.check.get("facts") or {})
        self.offered = self._offered(tools)
        self.pending: dict[str, tuple[str, Json | None]] = {}
        self.ids: set[str] = set()

    def _offered(self, tools: list[Json]) -> dict[str, Draft202012Validator]:
        offered = {}
        for i, tool in enumerate(tools or []):
            fn = tool.get("function") if isinstance(tool, dict) else None
            if not (isinstance(fn, dict) and tool.get("type") == "function"
                    and isinstance(fn.get("name"), str)):
                self.problems.append(f"tools[{i}]: not an OpenAI function schema")
                continue
            try:
                offered[fn["name"]] = _validator(_json(fn.get("parameters") or {}))
            except SchemaError as exc:
                self.problems.append(f"tools[{i}] ({fn['name']}): invalid JSON Schema: "
                                     f"{exc.message}")
        return offered

    def assistant(self, i: int, message: Json) -> None:
        if self.pending:
            self.problems.append(f"messages[{i}]: calls without results before this turn: "
                                 f"{', '.join(sorted(self.pending))}")
            self.pending.clear()
        for call in message.get("tool_calls") or []:
            self._call(i, call)

    def _call(self, i: int, call: Any) -> None:
        fn = call.get("function") if isinstance(call, dict) else None
        call_id = call.get("id") if isinstance(call, dict) else None
        if not isinstance(fn, dict) or not isinstance(call_id, str) or call_id in self.ids:
            self.problems.append(f"messages[{i}]: malformed tool call or repeated id {call_id!r}")
            return
        self.ids.add(call_id)
        name = fn.get("name")
        try:
            arguments = orjson.loads(fn.get("arguments") or "")
        except (orjson.JSONDecodeError, TypeError):
            arguments = None
        if name not in self.offered or name not in SCHEMAS:
            self.problems.append(f"messages[{i}]: unknown tool {name!r}")
        elif not isinstance(arguments, dict):
            self.problems.append(f"messages[{i}]: {name} arguments are not a JSON object")
        else:
            for error in self.offered[name].iter_errors(arguments):
                self.problems.append(f"messages[{i}]: {name} arguments do not match the "
                                     f"schema: {error.message}")
        self.pending[call_id] = (name if name in SCHEMAS else "", arguments)

    def tool(self, i: int, message: Json) -> None:
        call_id = message.get("tool_call_id")
        if call_id not in self.pending:
            self.problems.append(f"messages[{i}]: result for no pending call ({call_id!r})")
            return
        name, arguments = self.pending.pop(call_id)
        if not name or not isinstance(arguments, dict):
            return
        expected = self.box.run(name, arguments)
        try:
            got = orjson.loads(message.get("content") or "")
        except orjson.JSONDecodeError:
            got = message.get("content")
        if got != expected:
            self.problems.append(f"messages[{i}]: result of {call_id} ({name}) differs from "
                                 f"re-running the call: {message.get('content')!r:.120} vs "
                                 f"{_json(expected)!r:.120}")

    def final(self, messages: list[Json], task: Task) -> None:
        if self.pending:
            self.problems.append(f"calls without results: {', '.join(sorted(self.pending))}")
        last = messages[-1] if messages and isinstance(messages[-1], dict) else {}
        if last.get("role") != "assistant" or last.get("tool_calls") or not isinstance(
                last.get("content"), str):
            self.problems.append("the trajectory does not end with an assistant answer")
            return
        answer = extract_final(last["content"])
        if ToolUse.score(answer, task) < 1.0:
            self.problems.append(f"final answer {answer!r:.80} is wrong (expected "
                                 f"{task.answer!r})")


def verify_trajectory(messages: list[Json], tools: list[Json], task: Task) -> list[str]:
    """Problems with a tool-use trajectory for `task` (none: it is sound).

    Checks that the tools are valid function schemas, every call names an offered tool with
    arguments that match its schema, every tool result equals re-running the call on the
    task's knowledge base, and the final answer is right. `task` is `ToolUse.task(data, meta)`.
    """
    review = _Review(tools, task)
    if len(messages) < 2 or not any(m.get("role") == "user" for m in messages[:2]):
        review.problems.append("the trajectory does not open with a user question")
    for i, message in enumerate(messages):
        role = message.get("role") if isinstance(message, dict) else None
        if role == "tool":
            review.tool(i, message)
        elif role == "assistant" and message.get("tool_calls"):
            review.assistant(i, message)
        elif role not in ("system", "user", "assistant"):
            review.problems.append(f"messages[{i}]: unknown role {role!r}")
    review.final(messages, task)
    return review.problems
