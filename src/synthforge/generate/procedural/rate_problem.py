"""Rates: speed, distance and time; work rates (workers or pipes together); unit rates and
proportions (unit prices, recipes, map scales, inverse proportion).

Every question names the unit of its answer ("in hours", "in km"), and every answer is
exact: a whole number or a terminating decimal. Equivalent forms of the same value count:
`2.5`, `5/2`, `2 1/2`, `2.5 hours`, `$3.50`, and for a time in hours `2 hours 30 minutes`.
"""

from __future__ import annotations

import random
import re
from fractions import Fraction
from math import gcd

from pydantic import Field, field_validator

from synthforge.generate.procedural.answers import format_number, parse_number
from synthforge.generate.procedural.base import Family, FamilyConfig, Task, family

NAMES = ("Ava", "Ben", "Chloe", "Diego", "Emma", "Farah", "George", "Hana", "Ivan", "Jade",
         "Kofi", "Lena", "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tariq",
         "Uma", "Victor", "Wen", "Ximena", "Yusuf", "Zoe", "Liam", "Mia", "Noah", "Olivia",
         "Aisha", "Bruno", "Carmen", "Dmitri", "Elif", "Felix", "Grace", "Hiro", "Imani", "Jonas")
# how a person or a vehicle moves, lowest and highest speed (km/h or mph)
PERSON_MOVES = (("drives", 40, 110), ("cycles", 10, 30), ("walks", 3, 6), ("runs", 6, 15),
                ("rides a motorbike", 40, 120), ("rides a horse", 8, 20),
                ("rows a boat", 3, 8), ("skates", 8, 20), ("sails", 8, 25),
                ("rides an e-scooter", 10, 25), ("drives a truck", 40, 90))
VEHICLE_MOVES = (("A train", "travels", 60, 200), ("A bus", "travels", 30, 80),
                 ("A plane", "flies", 300, 900), ("A ferry", "sails", 15, 45),
                 ("A delivery van", "travels", 30, 80), ("A drone", "flies", 20, 70),
                 ("A coach", "travels", 50, 100), ("A tram", "travels", 15, 40),
                 ("A high-speed train", "travels", 150, 300),
                 ("A cargo ship", "sails", 15, 40))
TOWNS = ("Ashford", "Bramley", "Colton", "Dunmore", "Elmstead", "Fairview", "Glenrock",
         "Hillcrest", "Ivybridge", "Juniper Bay", "Kingsley", "Lakeside", "Millbrook",
         "Northgate", "Oakham", "Pinewood", "Queensport", "Riverton", "Stonehaven", "Thornbury")
DESTINATIONS = ("a lake", "the coast", "a campsite", "the next town", "a ski resort",
                "a friend's farm", "a museum", "the airport", "a national park", "a beach",
                "a market", "a castle", "a waterfall", "a stadium", "a vineyard", "a harbour",
                "a cousin's house", "a nature reserve", "a mountain hut", "a music festival")
JOBS = (("paint a fence", "painter"), ("mow a field", "gardener"), ("build a wall", "builder"),
        ("clean an office", "cleaner"), ("pack an order", "packer"),
        ("type a report", "typist"), ("tile a floor", "tiler"), ("sort the mail", "clerk"),
        ("wash a fleet of cars", "washer"), ("assemble a shed", "carpenter"))
TANKS = ("tank", "pool", "reservoir", "water barrel", "cistern", "fish pond")
ITEMS = (("pens", 40, 300), ("notebooks", 100, 500), ("apples", 20, 120),
         ("bottles of water", 50, 250), ("cinema tickets", 500, 1500),
         ("bus tickets", 100, 400), ("candles", 100, 600), ("tennis balls", 75, 300),
         ("light bulbs", 100, 700), ("stamps", 50, 150), ("muffins", 100, 400),
         ("bags of flour", 100, 500), ("packs of cards", 150, 600))
RECIPES = (("pancake batter", "flour", "grams"), ("cake", "sugar", "grams"),
           ("porridge", "oats", "grams"), ("risotto", "rice", "grams"),
           ("soup", "stock", "ml"), ("smoothie", "milk", "ml"),
           ("pasta bake", "cheese", "grams"), ("shortbread", "butter", "grams"),
           ("curry", "coconut milk", "ml"), ("fruit salad", "strawberries", "grams"),
           ("hot chocolate", "milk", "ml"), ("bread dough", "flour", "grams"))
MACHINES = (("printer", "pages"), ("bottling machine", "bottles"), ("robot arm", "parts"),
            ("bakery oven line", "loaves"), ("press", "badges"), ("loom", "scarves"),
            ("3D printer", "figures"), ("stamping machine", "coins"))


def _mover(rng: random.Random) -> tuple[str, int, int]:
    """A sentence subject with its verb ('Nora cycles', 'A train travels') and speed range."""
    if rng.random() < 0.6:
        verb, lo, hi = rng.choice(PERSON_MOVES)
        return f"{rng.choice(NAMES)} {verb}", lo, hi
    what, verb, lo, hi = rng.choice(VEHICLE_MOVES)
    if rng.random() < 0.7:
        return f"{what} from {rng.choice(TOWNS)} {verb}", lo, hi
    return f"{what} {verb}", lo, hi


KINDS = {1: {"sdt": 4, "unit": 3, "machine": 2},
         2: {"sdt": 4, "unit": 2, "recipe": 2, "machine": 1, "map": 1},
         3: {"sdt": 2, "average": 2, "work": 3, "inverse": 2, "recipe": 1},
         4: {"meet": 2, "catch": 2, "pipes": 2, "work": 1, "convert": 1, "fuel": 1,
             "inverse": 1},
         5: {"round_trip": 2, "work3": 2, "join": 2, "meet": 1, "catch": 1, "pipes": 1,
             "fuel": 1}}
KIND_NAMES = tuple(sorted({k for v in KINDS.values() for k in v}))


class RateConfig(FamilyConfig):
    kinds: list[str] | None = Field(None, min_length=1, description="Restrict to these "
                                    f"kinds ({', '.join(KIND_NAMES)}); default: by difficulty.")

    @field_validator("kinds")
    @classmethod
    def _known(cls, value: list[str] | None) -> list[str] | None:
        unknown = [k for k in value or [] if k not in KIND_NAMES]
        if unknown:
            raise ValueError(f"unknown kinds {unknown}; known: {', '.join(KIND_NAMES)}")
        return value


def _terminates(den: int) -> bool:
    while den % 2 == 0:
        den //= 2
    while den % 5 == 0:
        den //= 5
    return den == 1


def _q(num: int, den: int) -> str:
    """num/den as an exact short decimal (den must have no prime factors but 2 and 5)."""
    g = gcd(num, den)
    num, den = num // g, den // g
    if den == 1:
        return str(num)
    places = 0
    while (10**places) % den:
        places += 1
    scaled = num * (10**places // den)
    sign = "-" if scaled < 0 else ""
    whole, frac = divmod(abs(scaled), 10**places)
    return f"{sign}{whole}.{str(frac).rjust(places, '0').rstrip('0')}"


def _m(cents: int) -> str:
    q, r = divmod(cents, 100)
    return f"${q}" if r == 0 else f"${q}.{r:02d}"


def _pairs(lo: int, hi: int, op: str) -> tuple[tuple[int, int], ...]:
    """(a, b) with a < b where a·b/(a+b) (together) or a·b/(b-a) (fill against drain)
    has at most two decimals."""
    out = []
    for a in range(lo, hi + 1):
        for b in range(a + 1, 4 * hi + 1):
            den = a + b if op == "+" else b - a
            if a * b * 100 % den == 0:  # at most two decimals
                out.append((a, b))
    return tuple(out)


TOGETHER = {3: _pairs(2, 12, "+"), 4: _pairs(2, 20, "+"), 5: _pairs(2, 24, "+")}
AGAINST = {4: _pairs(2, 16, "-"), 5: _pairs(2, 24, "-")}


def _triples() -> tuple[tuple[int, int, int], ...]:
    out = []
    for a in range(2, 13):
        for b in range(a + 1, 25):
            for c in range(b + 1, 41):
                num, den = a * b * c, b * c + a * c + a * b
                if num * 100 % den == 0:
                    out.append((a, b, c))
    return tuple(out)


TRIPLES = _triples()
_HM = re.compile(r"(\d+)\s*(?:hours?|hrs?|h)\s*(?:and\s*)?(\d+)\s*(?:minutes?|mins?|m)\b", re.I)


def parse_value(text: str) -> Fraction | None:
    """A number from an answer: '2.5', '5/2', '2 1/2', '150 km', '$3.50', '2 hours 30 minutes'."""
    s = text.strip().rstrip(".")
    hm = _HM.fullmatch(s)
    if hm:
        return int(hm.group(1)) + Fraction(int(hm.group(2)), 60)
    value = parse_number(s, percent=False)
    if value is None:
        words = s.split()
        for cut in range(len(words) - 1, 0, -1):
            tail = " ".join(words[cut:])
            if tail.replace("/", "").replace(" ", "").replace("-", "").isalpha():
                value = parse_number(" ".join(words[:cut]), percent=False)
                if value is not None:
                    break
    return value


@family("rate_problem")
class RateProblem(Family):
    """Speed-distance-time, work-rate and unit-rate/proportion problems, worked step by step."""

    Config = RateConfig
    domain = "math word problems"
    skills = ("rates", "proportional reasoning", "speed distance time", "work rate",
              "unit conversion")
    answer_kind = "number"

    def make(self, rng: random.Random, level: int) -> Task:
        weights = KINDS[level]
        allowed = self.config.kinds
        if allowed:
            weights = {k: weights.get(k, 1) for k in allowed}
        kind = rng.choices(list(weights), list(weights.values()))[0]
        question, answer, lines, partial = getattr(self, "_" + kind)(rng, level)
        return Task(question, answer, "\n".join(lines), {"kind": kind, "partial": partial})

    # -- speed, distance, time ----------------------------------------------------------
    def _sdt(self, rng: random.Random, level: int) -> tuple[str, str, list[str], str]:
        subject, lo, hi = _mover(rng)
        unit, per = rng.choice((("km", "km/h"), ("miles", "mph")))
        speed = rng.randint(lo, hi)
        ask = rng.choice(("distance", "time", "speed"))
        if level >= 2 and rng.random() < 0.6:
            minutes = rng.choice((10, 12, 15, 20, 24, 30, 36, 40, 45, 48, 50, 75, 80, 90, 100,
                                  105, 135, 150))
            step = 60 // gcd(minutes, 60)  # so that the distance is whole
            speed = max(step, speed - speed % step)
            dist = speed * minutes // 60
            span = f"{minutes} minutes"
            if ask == "distance":
                q = f"{subject} at {speed} {per} for {span}. How far is that, in {unit}?"
                lines = ["Distance = speed × time, with the time in hours.",
                         f"{minutes} minutes is {minutes} ÷ 60 of an hour, so the distance is "
                         f"{speed} × {minutes} ÷ 60 = {_n(str(dist), unit)}."]
                return q, str(dist), lines + [f"The distance is {_n(str(dist), unit)}."], \
                    str(speed * minutes)
            if ask == "time":
                q = (f"{subject} {_n(str(dist), unit) if unit == 'miles' else f'{dist} {unit}'} "
                     f"at a steady {speed} {per}. How many minutes does that take?")
                lines = ["Time = distance ÷ speed.",
                         f"In hours: {dist} ÷ {speed} = {_q(dist, speed)}."
                         if _terminates(speed // gcd(dist, speed)) else
                         f"In hours that is {dist} ÷ {speed} of an hour.",
                         f"In minutes: {dist} × 60 ÷ {speed} = {minutes}.",
                         f"It takes {minutes} minutes."]
                return q, str(minutes), lines, _q(minutes, 60) if _terminates(
                    60 // gcd(minutes, 60)) else str(minutes + 60)
            q = (f"{subject} {_n(str(dist), unit) if unit == 'miles' else f'{dist} {unit}'} in "
                 f"{span}. What is the average speed, in {per}?")
            lines = ["Speed = distance ÷ time, with the time in hours.",
                     f"An hour is 60 minutes, so per hour that is {dist} × 60 ÷ {minutes} = "
                     f"{speed} {unit}.", f"The average speed is {speed} {per}."]
            return q, str(speed), lines, str(dist)
        hours = rng.randint(1, 5 + level)
        dist = speed * hours
        span = f"{hours} hour{'s' if hours > 1 else ''}"
        if ask == "distance":
            q = rng.choice((f"{subject} at {speed} {per} for {span}. How many {unit} is that?",
                            f"{subject} at a steady {speed} {per} for {span}. What distance "
                            f"is covered, in {unit}?"))
            lines = ["Distance = speed × time.", f"{speed} × {hours} = {dist}.",
                     f"The distance is {dist} {unit}."]
            return q, str(dist), lines, str(speed + hours)
        if ask == "time":
            q = (f"{subject} {dist} {unit} at a steady {speed} {per}. How many hours does that "
                 "take?")
            lines = ["Time = distance ÷ speed.", f"{dist} ÷ {speed} = {hours}.",
                     f"It takes {span}."]
            return q, str(hours), lines, str(dist * speed)
        q = f"{subject} {dist} {unit} in {span}. What is the average speed, in {per}?"
        lines = ["Speed = distance ÷ time.", f"{dist} ÷ {hours} = {speed}.",
                 f"The average speed is {speed} {per}."]
        return q, str(speed), lines, str(dist)

    # -- unit rates and proportion --------------------------------------------------------
    def _unit(self, rng: random.Random, level: int) -> tuple[str, str, list[str], str]:
        items, lo, hi = rng.choice(ITEMS)
        step = 25 if level == 1 else 5
        price = step * rng.randint(max(1, lo // step), hi // step)
        n1, n2 = rng.sample(range(2, 13 + 6 * level), 2)
        name = rng.choice(NAMES)
        q = rng.choice((f"{n1} {items} cost {_m(n1 * price)}. At the same price, how much do "
                        f"{n2} {items} cost?",
                        f"{name} pays {_m(n1 * price)} for {n1} {items}. How much would {n2} "
                        f"{items} cost at the same price?",
                        f"If {n1} {items} cost {_m(n1 * price)}, what do {n2} {items} cost?"))
        lines = [f"One costs {_m(n1 * price)} ÷ {n1} = {_m(price)}.",
                 f"So {n2} cost {n2} × {_m(price)} = {_m(n2 * price)}.",
                 f"{n2} {items} cost {_m(n2 * price)}."]
        return q, _m(n2 * price), lines, _m(price)

    def _machine(self, rng: random.Random, level: int) -> tuple[str, str, list[str], str]:
        machine, things = rng.choice(MACHINES)
        made, minutes = rng.randint(5, 90), rng.choice((2, 3, 4, 5, 6, 8, 10, 12, 15, 20))
        times = rng.randint(2, 6 + 2 * level)
        where = rng.choice(("A", "A factory", f"{rng.choice(NAMES)}'s", "The school's",
                            "A workshop", "The library's"))
        opening = (f"{where} {machine} makes" if where in ("A",) or where.endswith("'s") else
                   f"{where} has a {machine} that makes")
        if rng.random() < 0.5:
            q = (f"{opening} {made} {things} every {minutes} minutes. How many "
                 f"{things} does it make in {minutes * times} minutes?")
            lines = [f"{minutes * times} minutes is {minutes * times} ÷ {minutes} = {times} "
                     f"blocks of {minutes} minutes.",
                     f"It makes {made} × {times} = {made * times} {things}.",
                     f"The {machine} makes {made * times} {things}."]
            return q, str(made * times), lines, str(made * minutes * times)
        q = (f"{opening} {made} {things} every {minutes} minutes. How many minutes does "
             f"it take to make {made * times} {things}?")
        lines = [f"{made * times} {things} is {made * times} ÷ {made} = {times} batches of "
                 f"{made}.", f"Each batch takes {minutes} minutes: {times} × {minutes} = "
                 f"{times * minutes}.", f"It takes {times * minutes} minutes."]
        return q, str(times * minutes), lines, str(times)

    def _recipe(self, rng: random.Random, level: int) -> tuple[str, str, list[str], str]:
        dish, what, unit = rng.choice(RECIPES)
        each = rng.randint(4, 60) * 5 if level <= 2 else rng.randint(8, 120) * 5 // 2
        s1, s2 = rng.sample(range(2, 13), 2)
        q = (f"A recipe for {dish} that serves {s1} people uses {each * s1} {unit} of {what}. "
             f"How many {unit} of {what} are needed to serve {s2} people?")
        lines = [f"Per person: {each * s1} ÷ {s1} = {each} {unit}.",
                 f"For {s2} people: {each} × {s2} = {each * s2} {unit}.",
                 f"{each * s2} {unit} of {what} are needed."]
        return q, str(each * s2), lines, str(each)

    def _map(self, rng: random.Random, level: int) -> tuple[str, str, list[str], str]:
        scale = rng.choice((2, 4, 5, 10, 20, 25, 50))
        halves = rng.randint(3, 40)
        cm = _q(halves, 2)
        real = _q(halves * scale, 2)
        a, b = rng.sample(("Ashford", "Bramley", "Colton", "Dunmore", "Elmstead", "Fairview",
                           "Glenrock", "Hillcrest", "Ivybridge", "Juniper Bay"), 2)
        if rng.random() < 0.5:
            q = (f"On a map, 1 cm represents {scale} km. {a} and {b} are {cm} cm apart on the "
                 "map. How far apart are they in real life, in km?")
            lines = [f"Each centimetre stands for {scale} km.",
                     f"{cm} × {scale} = {real} km.", f"They are {real} km apart."]
            return q, real, lines, cm
        q = (f"On a map, 1 cm represents {scale} km. {a} and {b} are {real} km apart. How far "
             "apart are they on the map, in cm?")
        lines = [f"Each centimetre stands for {scale} km.", f"{real} ÷ {scale} = {cm} cm.",
                 f"They are {cm} cm apart on the map."]
        return q, cm, lines, real

    def _inverse(self, rng: random.Random, level: int) -> tuple[str, str, list[str], str]:
        job, worker = rng.choice(JOBS)
        span = rng.choice(("days", "hours", "weeks"))
        while True:
            w, d = rng.randint(2, 20), rng.randint(2, 40)
            choices = [x for x in range(2, 41) if x not in (w, d, w * d) and w * d % x == 0]
            if choices:
                break
        w2 = rng.choice(choices)
        total = w * d
        q = rng.choice((f"{w} {worker}s can {job} in {d} {span}. Working at the same rate, how "
                        f"many {span} would {w2} {worker}s take?",
                        f"It takes {w} {worker}s {d} {span} to {job}. How many {span} would it "
                        f"take {w2} {worker}s working at the same rate?",
                        f"A team of {w} {worker}s needs {d} {span} to {job}. If the team had "
                        f"{w2} {worker}s instead, how many {span} would the job take?"))
        lines = [f"The job takes {w} × {d} = {total} {worker}-{span} of work.",
                 f"With {w2} {worker}s: {total} ÷ {w2} = {total // w2} {span}.",
                 f"{w2} {worker}s would take {total // w2} {span}."]
        return q, str(total // w2), lines, _q(d * w2, w) if _terminates(w // gcd(d * w2, w)) \
            else str(total)

    # -- averages, meeting and catching up ----------------------------------------------
    def _average(self, rng: random.Random, level: int) -> tuple[str, str, list[str], str]:
        name = rng.choice(NAMES)
        unit, per = rng.choice((("km", "km/h"), ("miles", "mph")))
        while True:
            s1, s2 = rng.randint(20, 90), rng.randint(20, 90)
            t1, t2 = rng.randint(1, 5), rng.randint(1, 5)
            d = s1 * t1 + s2 * t2
            if s1 != s2 and d * 100 % (t1 + t2) == 0:
                break
        avg = _q(d, t1 + t2)
        q = (f"{name} drives at {s1} {per} for {_hours(t1)}, then at {s2} {per} for {_hours(t2)}. "
             f"What is {name}'s average speed for the whole trip, in {per}?")
        lines = [f"First part: {s1} × {t1} = {s1 * t1} {unit}.",
                 f"Second part: {s2} × {t2} = {s2 * t2} {unit}.",
                 f"Total distance: {s1 * t1} + {s2 * t2} = {d} {unit}.",
                 f"Total time: {t1} + {t2} = {t1 + t2} hours.",
                 f"Average speed = total distance ÷ total time: {d} ÷ {t1 + t2} = {avg}.",
                 f"The average speed is {avg} {per}."]
        return q, avg, lines, _q(s1 + s2, 2)

    def _meet(self, rng: random.Random, level: int) -> tuple[str, str, list[str], str]:
        a, b = rng.sample(NAMES, 2)
        t_num, t_den = rng.choice(((1, 1), (3, 2), (2, 1), (5, 2), (3, 1), (3, 4), (5, 4),
                                   (4, 1), (7, 4), (1, 2)))
        v1 = rng.randint(30, 90)
        v2 = rng.randint(30, 90)
        v2 += (-(v1 + v2)) % t_den
        closing = v1 + v2
        dist = closing * t_num // t_den
        t = _q(t_num, t_den)
        q = (f"Two towns are {dist} km apart. {a} leaves one town driving at {v1} km/h toward "
             f"the other, and at the same moment {b} leaves the other town driving at {v2} "
             "km/h toward the first.")
        lines = [f"They close the gap at {v1} + {v2} = {closing} km/h.",
                 f"Time to meet: {dist} ÷ {closing} = {_n(t, 'hours')}."]
        if level == 5 and rng.random() < 0.5:
            gone = _q(v1 * t_num, t_den)
            q += f" How far, in km, has {a} driven when they meet?"
            lines += [f"{a} drives {v1} × {t} = {gone} km in that time.",
                      f"{a} has driven {gone} km."]
            return q, gone, lines, t
        q += " After how many hours do they meet?"
        lines.append(f"They meet after {_n(t, 'hours')}.")
        return q, t, lines, _q(dist, abs(v1 - v2)) if v1 != v2 and _terminates(
            abs(v1 - v2) // gcd(dist, abs(v1 - v2))) else str(dist)

    def _catch(self, rng: random.Random, level: int) -> tuple[str, str, list[str], str]:
        a, b = rng.sample(NAMES, 2)
        while True:
            v1, gap, head = rng.randint(20, 70), rng.randint(5, 40), rng.randint(1, 3)
            lead = v1 * head
            if lead * 100 % gap == 0:
                break
        v2 = v1 + gap
        t = _q(lead, gap)
        q = (f"{a} leaves home driving at {v1} km/h. {head} hour{'s' if head > 1 else ''} later "
             f"{b} sets off from the same place along the same road at {v2} km/h. How many "
             f"hours after setting off does {b} catch up with {a}?")
        lines = [f"When {b} starts, {a} is {v1} × {head} = {lead} km ahead.",
                 f"{b} gains {v2} - {v1} = {gap} km every hour.",
                 f"Time to close the gap: {lead} ÷ {gap} = {_n(t, 'hours')}.",
                 f"{b} catches up after {_n(t, 'hours')}."]
        return q, t, lines, _q(lead + gap * head, gap) if _terminates(gap) else str(lead)

    def _convert(self, rng: random.Random, level: int) -> tuple[str, str, list[str], str]:
        subject, lo, hi = _mover(rng)
        ms10 = rng.randint(max(1, lo * 25 // 9), max(2, hi * 25 // 9))  # tenths of m/s
        ms = _q(ms10, 10)
        kmh = _q(ms10 * 36, 100)
        if rng.random() < 0.5:
            q = rng.choice((f"{subject} at {kmh} km/h. What is this speed in metres per second?",
                            f"{subject} at {kmh} km/h. Express this speed in m/s.",
                            f"{subject} at {kmh} kilometres per hour. How many metres per "
                            "second is that?"))
            lines = ["1 km is 1000 m and 1 hour is 3600 s.",
                     f"{kmh} × 1000 ÷ 3600 = {ms} m/s.", f"The speed is {ms} m/s."]
            return q, ms, lines, _q(ms10 * 36 * 36, 100)
        q = rng.choice((f"{subject} at {ms} m/s. What is this speed in km/h?",
                        f"{subject} at {ms} m/s. Express this speed in km/h.",
                        f"{subject} at {ms} metres per second. How many kilometres per hour "
                        "is that?"))
        lines = ["In an hour (3600 s) it goes 3600 times as far, and 1000 m is 1 km.",
                 f"{ms} × 3600 ÷ 1000 = {kmh} km/h.", f"The speed is {kmh} km/h."]
        return q, kmh, lines, ms

    def _fuel(self, rng: random.Random, level: int) -> tuple[str, str, list[str], str]:
        per100 = _q(rng.randint(8, 24), 2)  # 4 to 12 litres per 100 km, in halves
        use2 = int(float(per100) * 2)
        hundreds = rng.randint(1, 12)
        extra = rng.choice((0, 20, 40, 50, 60, 80))
        dist = hundreds * 100 + extra
        fuel = _q(use2 * dist, 200)
        name = rng.choice(NAMES)
        q = (f"{name}'s car uses {per100} litres of fuel per 100 km. How many litres does it "
             f"use on a {dist} km trip?")
        lines = [f"The car uses {per100} litres for every 100 km; divide the distance by 100: "
                 f"{dist} ÷ 100 = {_q(dist, 100)}.",
                 f"Fuel: {per100} × {_q(dist, 100)} = {fuel} litres."]
        if level == 5 and rng.random() < 0.6:
            price = rng.randint(120, 220)  # cents per litre
            cost = use2 * dist * price  # in cents × 200
            if cost % 200 == 0:
                q = q.replace("How many litres does it use", f"Fuel costs {_m(price)} per "
                              "litre. How much does the fuel cost")
                lines += [f"Cost: {fuel} × {_m(price)} = {_m(cost // 200)}.",
                          f"The fuel costs {_m(cost // 200)}."]
                return q, _m(cost // 200), lines, fuel
        lines.append(f"The trip uses {fuel} litres.")
        return q, fuel, lines, _q(use2 * hundreds, 2)

    def _round_trip(self, rng: random.Random, level: int) -> tuple[str, str, list[str], str]:
        name = rng.choice(NAMES)
        verb, lo, hi = rng.choice(PERSON_MOVES[:3] + PERSON_MOVES[4:6])
        while True:
            t1, t2 = rng.sample(range(1, 9), 2)
            base = t1 * t2 // gcd(t1, t2)
            k_lo, k_hi = -(-lo * max(t1, t2) // base), hi * min(t1, t2) // base
            if k_hi < k_lo:
                continue
            d = base * rng.randint(k_lo, k_hi)  # both speeds within the mover's range
            v1, v2 = d // t1, d // t2
            if 2 * d * 100 % (t1 + t2) == 0:
                break
        avg = _q(2 * d, t1 + t2)
        place = rng.choice(DESTINATIONS)
        q = (f"{name} {verb} {d} km to {place} at {v1} km/h and comes straight back along the "
             f"same route at {v2} km/h. What is the average speed for the whole round trip, in "
             "km/h?")
        lines = [f"Going: {d} ÷ {v1} = {_hours(t1)}.", f"Coming back: {d} ÷ {v2} = {_hours(t2)}.",
                 f"Total distance: 2 × {d} = {2 * d} km.",
                 f"Total time: {t1} + {t2} = {t1 + t2} hours.",
                 f"Average speed: {2 * d} ÷ {t1 + t2} = {avg} km/h (not the average of the two "
                 "speeds).", f"The average speed is {avg} km/h."]
        return q, avg, lines, _q(v1 + v2, 2)

    # -- work rates ---------------------------------------------------------------------
    def _work(self, rng: random.Random, level: int) -> tuple[str, str, list[str], str]:
        a, b = rng.choice(TOGETHER[min(max(level, 3), 5)])
        if rng.random() < 0.5:
            a, b = b, a
        job, _ = rng.choice(JOBS)
        n1, n2 = rng.sample(NAMES, 2)
        rate = Fraction(1, a) + Fraction(1, b)
        t = _q(a * b, a + b)
        q = (f"{n1} can {job} alone in {a} hours, and {n2} can do it alone in {b} hours. How "
             f"many hours does it take them working together?")
        lines = [f"{n1} does 1/{a} of the job per hour and {n2} does 1/{b}.",
                 f"Together: 1/{a} + 1/{b} = {_fr(rate)} of the job per hour.",
                 f"Time: 1 ÷ ({_fr(rate)}) = {_n(t, 'hours')}.",
                 f"Together they take {_n(t, 'hours')}."]
        return q, t, lines, _q(a + b, 2)

    def _work3(self, rng: random.Random, level: int) -> tuple[str, str, list[str], str]:
        nums = list(rng.choice(TRIPLES))
        rng.shuffle(nums)
        job, _ = rng.choice(JOBS)
        who = rng.sample(NAMES, 3)
        rate = Fraction(1, nums[0]) + Fraction(1, nums[1]) + Fraction(1, nums[2])
        t = _q(rate.denominator, rate.numerator)
        q = (f"Working alone, {who[0]} can {job} in {nums[0]} hours, {who[1]} in {nums[1]} "
             f"hours and {who[2]} in {nums[2]} hours. How many hours does the job take if all "
             "three work together?")
        lines = ["Each person does 1 ÷ (their time) of the job per hour.",
                 f"Together: 1/{nums[0]} + 1/{nums[1]} + 1/{nums[2]} = {_fr(rate)} of the job "
                 "per hour.", f"Time: 1 ÷ ({_fr(rate)}) = {_n(t, 'hours')}.",
                 f"All three together take {_n(t, 'hours')}."]
        return q, t, lines, _q(sum(nums), 3) if _terminates(3 // gcd(sum(nums), 3)) else \
            str(min(nums))

    def _join(self, rng: random.Random, level: int) -> tuple[str, str, list[str], str]:
        while True:
            a, b = rng.choice(TOGETHER[5])
            if rng.random() < 0.5:
                a, b = b, a
            if a < 3:
                continue
            t0 = rng.randint(1, a - 1)
            rest = Fraction(a - t0, a)
            rate = Fraction(1, a) + Fraction(1, b)
            t = rest / rate
            if 100 % t.denominator == 0:
                break
        job, _ = rng.choice(JOBS)
        n1, n2 = rng.sample(NAMES, 2)
        ts = _q(t.numerator, t.denominator)
        q = (f"{n1} can {job} alone in {a} hours; {n2} can do it alone in {b} hours. {n1} "
             f"works alone for {t0} hour{'s' if t0 > 1 else ''}, then {n2} joins in. How many "
             "more hours until the job is finished?")
        lines = [f"In {t0} hour{'s' if t0 > 1 else ''} {n1} does {t0}/{a} of the job, leaving "
                 f"1 - {t0}/{a} = {_fr(rest)}.",
                 f"Together they do 1/{a} + 1/{b} = {_fr(rate)} of the job per hour.",
                 f"The rest takes ({_fr(rest)}) ÷ ({_fr(rate)}) = {_n(ts, 'hours')}.",
                 f"The job is finished {_n(ts, 'hours')} after {n2} joins."]
        return q, ts, lines, _q(a * b, a + b)

    def _pipes(self, rng: random.Random, level: int) -> tuple[str, str, list[str], str]:
        a, b = rng.choice(AGAINST[min(max(level, 4), 5)])
        tank = rng.choice(TANKS)
        hours = rng.choice(("hours", "minutes"))
        rate = Fraction(1, a) - Fraction(1, b)
        t = _q(a * b, b - a)
        name = rng.choice(NAMES)
        q = rng.choice((
            f"At {name}'s farm, a pipe can fill an empty {tank} in {a} {hours}, and a drain "
            f"can empty the full {tank} in {b} {hours}. With the {tank} empty, both are opened "
            f"at once. How many {hours} does it take to fill the {tank}?",
            f"{name}'s {tank} fills in {a} {hours} from its inlet pipe, and its leak alone would "
            f"empty it in {b} {hours}. Starting empty, with the pipe running and the leak "
            f"open, how many {hours} does it take to fill?",
            f"{name} opens a tap that fills an empty {tank} in {a} {hours}, but forgets that "
            f"the outlet, which empties a full {tank} in {b} {hours}, is open. How many "
            f"{hours} until the {tank} is full?"))
        per = hours[:-1]
        lines = [f"Filling adds 1/{a} of the {tank} per {per} and draining removes 1/{b}.",
                 f"Net filling: 1/{a} - 1/{b} = {_fr(rate)} of the {tank} per {per}.",
                 f"Time: 1 ÷ ({_fr(rate)}) = {t} {hours}.",
                 f"The {tank} is full after {t} {hours}."]
        return q, t, lines, _q(a * b, a + b) if _terminates((a + b) // gcd(a * b, a + b)) \
            else str(a)

    # -- checking -----------------------------------------------------------------------
    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        got = parse_value(answer)
        return 1.0 if got is not None and got == parse_number(task.answer) else 0.0

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        want = parse_number(task.answer)
        out = [want + 1, want * 2, want + Fraction(1, 2)]
        partial = parse_number(str(task.check.get("partial", "")))
        if partial is not None:
            out.append(partial)
        return list(dict.fromkeys(format_number(v, 8) for v in out if v != want))


def _fr(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else \
        f"{value.numerator}/{value.denominator}"


def _hours(n: int) -> str:
    return f"{n} hour{'s' if n != 1 else ''}"


def _n(value: str, unit: str) -> str:
    """'1 hour', '2.5 hours', '1 mile', '3 miles'."""
    return f"{value} {unit[:-1] if value == '1' else unit}"
