"""Temperature conversions between Celsius, Fahrenheit and Kelvin, with the formulas shown."""

from __future__ import annotations

import random
from fractions import Fraction

from synthforge.generate.procedural.base import Family, Task, family
from synthforge.generate.procedural.unit_conversion import (
    NAMES,
    dec,
    fixed,
    rounding_phrase,
    score_quantity,
    wrong_quantities,
)

NINE_FIFTHS, FIVE_NINTHS = Fraction(9, 5), Fraction(5, 9)
KELVIN = Fraction(27315, 100)
SCALES = {
    "C": ("°C", "degrees Celsius", "degree Celsius"),
    "F": ("°F", "degrees Fahrenheit", "degree Fahrenheit"),
    "K": ("K", "kelvins", "kelvin"),
}
ALIASES = {
    "C": frozenset({"°c", "ºc", "c", "deg c", "degrees c", "celsius", "degrees celsius",
                    "degree celsius", "° c", "c°", "degrees centigrade", "centigrade"}),
    "F": frozenset({"°f", "ºf", "f", "deg f", "degrees f", "fahrenheit", "degrees fahrenheit",
                    "degree fahrenheit", "° f", "f°"}),
    "K": frozenset({"k", "kelvin", "kelvins", "°k", "degrees kelvin"}),
}
# by level: conversions drawn, input decimals, rounding places for inexact results
LEVELS = {
    1: (("CF", "FC", "CK", "KC"), 0, 1),  # whole-number inputs
    2: (("CF", "FC", "CK", "KC"), 1, 1),
    3: (("FK", "KF", "CF", "FC"), 1, 2),
    4: (("FK", "KF", "CF", "FC", "CK", "KC"), 2, 2),
    5: (("dCF", "dFC", "dFK", "dKF", "rFC", "rCF", "FK", "KF"), 2, 2),
}
RANGES = {"C": (-90, 500), "F": (-130, 930), "K": (0, 800)}
CONTEXTS = ("{Name}'s thermometer reads {q}.", "{Name} records a temperature of {q}.",
            "A sensor in {Name}'s lab reports {q}.", "{Name}'s notebook lists {q}.",
            "{Name} reads {q} on a gauge.", "{Name} keeps a sample at {q}.",
            "{Name}'s weather station shows {q}.", "A data sheet given to {Name} lists {q}.",
            "{Name} measures {q}.", "{Name} sets a test chamber to {q}.")
ASKS = ("Convert {q} to {to}.", "What is {q} in {to}?", "Express {q} in {to}.",
        "How many {to} is {q}?", "Write {q} in {to}.", "Change {q} into {to}.",
        "Give {q} in {to}.", "What does {q} come to in {to}?",
        "A temperature of {q} is how many {to}?", "Find the value of {q} in {to}.")
CONTEXT_ASKS = ("What is this temperature in {to}?", "Convert it to {to}.",
                "How much is that in {to}?", "Express it in {to}.",
                "What is that in {to}?", "Help {Name} convert it to {to}.")


def unit_ok(unit_text: str, key: str | None) -> bool:
    if not unit_text:
        return True
    norm = " ".join(unit_text.casefold().replace(".", " ").split())
    return key in ALIASES and norm in ALIASES[key]


def text(x: Fraction) -> str:
    """A value in the solution: a decimal, or p/q when it does not terminate."""
    d = dec(x)
    return d if d is not None else f"{x.numerator}/{x.denominator}"


def quantity(value: Fraction, scale: str, style: int) -> str:
    symbol, plural, singular = SCALES[scale]
    if style == 0:
        return f"{dec(value)} {symbol}"
    if style == 1 and scale != "K":
        return f"{dec(value)}{symbol}"
    return f"{dec(value)} {singular if value == 1 else plural}"


class Work:
    """The lines of a solution and the exact value they carry."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.exact = True  # whether the value so far was written exactly

    def step(self, what: str, expr: str, value: Fraction) -> Fraction:
        shown = dec(value)
        if self.exact and shown is not None:
            self.lines.append(f"{what}: {expr} = {shown}.")
        elif self.exact:
            self.lines.append(f"{what}: {expr} = {value.numerator}/{value.denominator} "
                              f"≈ {fixed(value, 4)}.")
            self.exact = False
        else:
            self.lines.append(f"{what}: {expr} ≈ {fixed(value, 4)}.")
        return value

    def operand(self, value: Fraction) -> str:
        shown = dec(value)
        if shown is not None:
            return shown
        return f"{value.numerator}/{value.denominator}" if self.exact else fixed(value, 4)


def convert(work: Work, value: Fraction, src: str, dst: str) -> Fraction:
    """Write the steps from one scale to another; return the exact result."""
    if src == dst:
        return value
    v = work.operand(value)
    if src == "C" and dst == "F":
        work.lines.append("Use F = C × 9/5 + 32.")
        scaled = work.step("Multiply by 9/5", f"{v} × 9/5", value * NINE_FIFTHS)
        return work.step("Add 32", f"{work.operand(scaled)} + 32", scaled + 32)
    if src == "F" and dst == "C":
        work.lines.append("Use C = (F - 32) × 5/9.")
        less = work.step("Subtract 32", f"{v} - 32", value - 32)
        return work.step("Multiply by 5/9", f"{work.operand(less)} × 5/9", less * FIVE_NINTHS)
    if src == "C" and dst == "K":
        work.lines.append("Use K = C + 273.15.")
        return work.step("Add 273.15", f"{v} + 273.15", value + KELVIN)
    if src == "K" and dst == "C":
        work.lines.append("Use C = K - 273.15.")
        return work.step("Subtract 273.15", f"{v} - 273.15", value - KELVIN)
    if src == "F" and dst == "K":
        work.lines.append("First convert to Celsius, then to kelvins.")
        return convert(work, convert(work, value, "F", "C"), "C", "K")
    work.lines.append("First convert to Celsius, then to Fahrenheit.")
    return convert(work, convert(work, value, "K", "C"), "C", "F")


def draw(rng: random.Random, scale: str, decimals: int) -> Fraction:
    lo, hi = RANGES[scale]
    if decimals and rng.random() < 0.6:
        places = rng.randint(1, decimals)
        return Fraction(rng.randint(lo * 10**places, hi * 10**places), 10**places)
    return Fraction(rng.randint(lo, hi))


@family("temperature_conversion")
class TemperatureConversion(Family):
    """Convert temperatures between Celsius, Fahrenheit and Kelvin (and temperature changes)."""

    domain = "measurement"
    skills = ("temperature scales", "linear formulas", "rounding")
    answer_kind = "quantity"

    def make(self, rng: random.Random, level: int) -> Task:
        kinds, decimals, rounding = LEVELS[level]
        kind = rng.choice(kinds)
        style = rng.randrange(3)
        lines: list[str] = []
        work = Work(lines)
        name = rng.choice(NAMES)
        if kind[0] in "dr":
            src, dst = kind[1], kind[2]
            question, result = self._change(rng, kind, src, dst, decimals, style, name, work)
        else:
            src, dst = kind[0], kind[1]
            if level == 1 and kind == "KC" and rng.random() < 0.5:
                value = Fraction(rng.randint(0, 800)) + Fraction(15, 100)  # whole results
            else:
                value = draw(rng, src, decimals)
            result = convert(work, value, src, dst)
            q = quantity(value, src, style)
            to = SCALES[dst][1]
            if rng.random() < 0.7:
                question = (rng.choice(CONTEXTS).format(q=q, Name=name) + " "
                            + rng.choice(CONTEXT_ASKS).format(to=to, Name=name))
            else:
                question = rng.choice(ASKS).format(q=q, to=to)
        exact = dec(result, 8)
        places = None if exact is not None and len(exact.partition(".")[2]) <= 4 else rounding
        if places is None:
            answer = exact or ""
            lines.append(f"So the answer is {answer} {SCALES[dst][0]}.")
        else:
            answer = fixed(result, places)
            question += " " + rounding_phrase(rng, places)
            lines.append(f"Rounded to {places} decimal place{'s' if places > 1 else ''}: "
                         f"{answer} {SCALES[dst][0]}.")
        check = {"unit": dst, "places": places,
                 "exact": f"{result.numerator}/{result.denominator}", "kind": kind}
        return Task(question, answer, "\n".join(lines), check)

    @staticmethod
    def _change(rng: random.Random, kind: str, src: str, dst: str, decimals: int, style: int,
                name: str, work: Work) -> tuple[str, Fraction]:
        """A change of temperature: the offsets cancel, only the degree size matters."""
        lines = work.lines
        if kind[0] == "r":  # from one reading to another
            a = draw(rng, src, decimals)
            b = draw(rng, src, decimals)
            while b == a:
                b = a + rng.randint(1, 40)
            qa, qb = quantity(a, src, style), quantity(b, src, style)
            verb = "rises" if b > a else "falls"
            question = (f"During an experiment, {name} sees the temperature go from {qa} to "
                        f"{qb}. By how many {SCALES[dst][1]} does it change?")
            diff = b - a if b > a else a - b
            big, small = (b, a) if b > a else (a, b)
            lines.append(f"The temperature {verb} by {dec(big)} - {dec(small)} = {dec(diff)} "
                         f"{SCALES[src][1]}.")
        else:
            diff = Fraction(rng.randint(1, 120 * 10**decimals), 10**decimals)
            q = quantity(diff, src, style)
            question = rng.choice((
                f"The temperature of {name}'s room rises by {q}. By how many {SCALES[dst][1]} "
                "does it rise?",
                f"A liquid in {name}'s flask cools by {q}. What is this drop in "
                f"{SCALES[dst][1]}?",
                f"{name} heats a sample so that its temperature increases by {q}. Express this "
                f"increase in {SCALES[dst][1]}.",
                f"Overnight the temperature outside {name}'s house falls by {q}. How large is "
                f"the fall in {SCALES[dst][1]}?",
                f"{name} notes that an engine warms up by {q}. What is that change in "
                f"{SCALES[dst][1]}?"))
        lines.append("For a change in temperature the offsets (32 and 273.15) cancel; only the "
                     "size of one degree matters.")
        if {src, dst} == {"C", "K"}:
            lines.append("A kelvin is the same size as a Celsius degree, so the change is the "
                         "same number.")
            return question, diff
        if src in "CK":
            lines.append(f"One {SCALES[src][2]} is 9/5 of a degree Fahrenheit.")
            result = work.step("Multiply by 9/5", f"{dec(diff)} × 9/5", diff * NINE_FIFTHS)
        else:
            lines.append(f"One degree Fahrenheit is 5/9 of a {SCALES[dst][2]}.")
            result = work.step("Multiply by 5/9", f"{dec(diff)} × 5/9", diff * FIVE_NINTHS)
        return question, result

    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        return score_quantity(answer, task, unit_ok)

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        check = task.check or {}
        unit = check.get("unit")
        other = {"C": "°F", "F": "°C", "K": "°C"}.get(unit or "")
        out = wrong_quantities(task, rng, None, other)
        return out
