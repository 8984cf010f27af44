"""tool_use templates that start at levels 1-2: a fact, a conversion, a calculation, a
date shift, an interval, a founding weekday, a route."""

from __future__ import annotations

import itertools
import math
import random
from datetime import date, timedelta
from fractions import Fraction

from synthforge.generate.procedural._tool_kb import World
from synthforge.generate.procedural._tool_trajectory import (
    LABELS,
    Outcome,
    Trajectory,
    _date_text,
    _lit,
    _long,
    _money,
    _places,
    _some_date,
    rounded,
)
from synthforge.generate.procedural._tools import UNITS, WEEKDAYS, exact, round_half_up
from synthforge.generate.procedural.base import number

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
