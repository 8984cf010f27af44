"""tool_use templates from level 3 on, combining several entities: founding gaps,
population density, a shopping basket, the cheapest offer, a trip's arrival weekday."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from synthforge.generate.procedural._tool_kb import World
from synthforge.generate.procedural._tool_trajectory import (
    LABELS,
    Ambiguous,
    Call,
    Outcome,
    Trajectory,
    _date_text,
    _listing,
    _lit,
    _long,
    _money,
    _places,
    _plural,
    _some_date,
    clear_of_whole,
    rounded,
)
from synthforge.generate.procedural._tools import UNITS, WEEKDAYS, exact
from synthforge.generate.procedural.base import number


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
