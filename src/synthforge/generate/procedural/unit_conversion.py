"""Unit conversions (length, mass, volume, area, time, speed, data) with exact factors."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from synthforge.generate.procedural.answers import parse_number
from synthforge.generate.procedural.base import Family, Task, family

D = Fraction


@dataclass(frozen=True)
class Unit:
    key: str
    dim: str
    factor: Fraction  # in the base unit of its dimension
    symbol: str
    singular: str
    plural: str
    aliases: tuple[str, ...] = ()
    kind: str = "simple"  # simple, square, cube, speed
    parts: tuple[str, ...] = ()  # the length unit of square/cube; (length, time) of speed


BASE = {"length": "m", "mass": "g", "volume": "mL", "area": "m2", "time": "s", "speed": "m/s",
        "data": "B"}
_UNITS = [
    Unit("mm", "length", D(1, 1000), "mm", "millimetre", "millimetres", ("millimeter",)),
    Unit("cm", "length", D(1, 100), "cm", "centimetre", "centimetres", ("centimeter",)),
    Unit("m", "length", D(1), "m", "metre", "metres", ("meter",)),
    Unit("km", "length", D(1000), "km", "kilometre", "kilometres", ("kilometer",)),
    Unit("in", "length", D("0.0254"), "in", "inch", "inches"),
    Unit("ft", "length", D("0.3048"), "ft", "foot", "feet"),
    Unit("yd", "length", D("0.9144"), "yd", "yard", "yards"),
    Unit("mi", "length", D("1609.344"), "mi", "mile", "miles"),
    Unit("mg", "mass", D(1, 1000), "mg", "milligram", "milligrams"),
    Unit("g", "mass", D(1), "g", "gram", "grams"),
    Unit("kg", "mass", D(1000), "kg", "kilogram", "kilograms", ("kilo", "kilos")),
    Unit("t", "mass", D(10**6), "t", "tonne", "tonnes", ("metric ton", "metric tons")),
    Unit("oz", "mass", D("28.349523125"), "oz", "ounce", "ounces"),
    Unit("lb", "mass", D("453.59237"), "lb", "pound", "pounds", ("lbs",)),
    Unit("st", "mass", D("6350.29318"), "st", "stone", "stone", ("stones",)),
    Unit("mL", "volume", D(1), "mL", "millilitre", "millilitres", ("ml", "milliliter")),
    Unit("L", "volume", D(1000), "L", "litre", "litres", ("l", "liter")),
    Unit("floz", "volume", D("29.5735295625"), "fl oz", "US fluid ounce", "US fluid ounces",
         ("fluid ounce", "fluid ounces", "floz")),
    Unit("cup", "volume", D("236.5882365"), "cup", "US cup", "US cups", ("cups",)),
    Unit("pt", "volume", D("473.176473"), "pt", "US pint", "US pints", ("pint", "pints")),
    Unit("qt", "volume", D("946.352946"), "qt", "US quart", "US quarts", ("quart", "quarts")),
    Unit("gal", "volume", D("3785.411784"), "gal", "US gallon", "US gallons",
         ("gallon", "gallons")),
    Unit("cm3", "volume", D(1), "cm³", "cubic centimetre", "cubic centimetres",
         ("cm3", "cc", "cubic centimeter"), "cube", ("cm",)),
    Unit("m3", "volume", D(10**6), "m³", "cubic metre", "cubic metres",
         ("m3", "cubic meter"), "cube", ("m",)),
    Unit("in3", "volume", D("16.387064"), "in³", "cubic inch", "cubic inches", ("in3",),
         "cube", ("in",)),
    Unit("ft3", "volume", D("28316.846592"), "ft³", "cubic foot", "cubic feet", ("ft3",),
         "cube", ("ft",)),
    Unit("yd3", "volume", D("764554.857984"), "yd³", "cubic yard", "cubic yards", ("yd3",),
         "cube", ("yd",)),
    Unit("mm2", "area", D(1, 10**6), "mm²", "square millimetre", "square millimetres",
         ("mm2", "sq mm", "square millimeter"), "square", ("mm",)),
    Unit("cm2", "area", D(1, 10**4), "cm²", "square centimetre", "square centimetres",
         ("cm2", "sq cm", "square centimeter"), "square", ("cm",)),
    Unit("m2", "area", D(1), "m²", "square metre", "square metres",
         ("m2", "sq m", "square meter"), "square", ("m",)),
    Unit("km2", "area", D(10**6), "km²", "square kilometre", "square kilometres",
         ("km2", "sq km", "square kilometer"), "square", ("km",)),
    Unit("in2", "area", D("0.00064516"), "in²", "square inch", "square inches",
         ("in2", "sq in"), "square", ("in",)),
    Unit("ft2", "area", D("0.09290304"), "ft²", "square foot", "square feet",
         ("ft2", "sq ft"), "square", ("ft",)),
    Unit("yd2", "area", D("0.83612736"), "yd²", "square yard", "square yards",
         ("yd2", "sq yd"), "square", ("yd",)),
    Unit("mi2", "area", D("2589988.110336"), "mi²", "square mile", "square miles",
         ("mi2", "sq mi"), "square", ("mi",)),
    Unit("ha", "area", D(10**4), "ha", "hectare", "hectares"),
    Unit("acre", "area", D("4046.8564224"), "acres", "acre", "acres", ("ac",)),
    Unit("ms", "time", D(1, 1000), "ms", "millisecond", "milliseconds"),
    Unit("s", "time", D(1), "s", "second", "seconds", ("sec", "secs")),
    Unit("min", "time", D(60), "min", "minute", "minutes", ("mins",)),
    Unit("h", "time", D(3600), "h", "hour", "hours", ("hr", "hrs")),
    Unit("day", "time", D(86400), "days", "day", "days", ("d",)),
    Unit("week", "time", D(604800), "weeks", "week", "weeks", ("wk", "wks")),
    Unit("m/s", "speed", D(1), "m/s", "metre per second", "metres per second",
         ("meters per second", "mps"), "speed", ("m", "s")),
    Unit("km/h", "speed", D(5, 18), "km/h", "kilometre per hour", "kilometres per hour",
         ("kph", "kmh", "km/hr", "kilometers per hour"), "speed", ("km", "h")),
    Unit("mph", "speed", D("0.44704"), "mph", "mile per hour", "miles per hour",
         ("mi/h",), "speed", ("mi", "h")),
    Unit("ft/s", "speed", D("0.3048"), "ft/s", "foot per second", "feet per second",
         ("fps",), "speed", ("ft", "s")),
    Unit("m/min", "speed", D(1, 60), "m/min", "metre per minute", "metres per minute",
         ("meters per minute",), "speed", ("m", "min")),
    Unit("bit", "data", D(1, 8), "bits", "bit", "bits", ("b",)),  # b: bit, B: byte
    Unit("B", "data", D(1), "B", "byte", "bytes"),
    Unit("kB", "data", D(10**3), "kB", "kilobyte", "kilobytes", ("KB",)),
    Unit("MB", "data", D(10**6), "MB", "megabyte", "megabytes"),
    Unit("GB", "data", D(10**9), "GB", "gigabyte", "gigabytes"),
    Unit("TB", "data", D(10**12), "TB", "terabyte", "terabytes"),
    Unit("KiB", "data", D(2**10), "KiB", "kibibyte", "kibibytes"),
    Unit("MiB", "data", D(2**20), "MiB", "mebibyte", "mebibytes"),
    Unit("GiB", "data", D(2**30), "GiB", "gibibyte", "gibibytes"),
]
def _norm_unit(text: str) -> str:
    s = " ".join(text.casefold().replace(".", " ").split())
    s = s.replace("^2", "²").replace("^3", "³").replace("meter", "metre").replace("liter", "litre")
    return s


def _aliases(u: Unit) -> frozenset[str]:
    names = {u.singular, u.plural, u.singular.removeprefix("US "), u.plural.removeprefix("US ")}
    if u.kind == "speed":
        length, time = UNITS[u.parts[0]], UNITS[u.parts[1]]
        for ln in (length.symbol, length.singular, length.plural):
            names.update({f"{ln} per {time.singular}", f"{ln}/{time.symbol}"})
    if u.dim == "data":  # symbols are case-sensitive: b is a bit, B a byte, Mb a megabit
        return frozenset(_norm_unit(n) for n in names)
    return frozenset(_norm_unit(a) for a in (*names, u.key, u.symbol, *u.aliases))


UNITS = {u.key: u for u in _UNITS}
ALIASES = {u.key: _aliases(u) for u in _UNITS}
SYMBOLS = {u.key: frozenset((u.key, u.symbol, *u.aliases)) for u in _UNITS}


# pairs by level (both directions are used)
_PAIRS = {
    1: [("mm", "cm"), ("cm", "m"), ("mm", "m"), ("m", "km"), ("cm", "km"), ("mg", "g"),
        ("g", "kg"), ("kg", "t"), ("mL", "L"), ("s", "min"), ("min", "h"), ("s", "h")],
    2: [("in", "ft"), ("ft", "yd"), ("in", "yd"), ("ft", "mi"), ("yd", "mi"), ("oz", "lb"),
        ("lb", "st"), ("floz", "cup"), ("cup", "pt"), ("pt", "qt"), ("qt", "gal"),
        ("floz", "gal"), ("h", "day"), ("day", "week"), ("min", "day"), ("ms", "s"),
        ("B", "kB"), ("kB", "MB"), ("MB", "GB"), ("GB", "TB"), ("KiB", "MiB"), ("MiB", "GiB"),
        ("bit", "B"), ("B", "KiB"), ("mg", "kg"), ("mm", "km")],
    3: [("in", "cm"), ("ft", "m"), ("yd", "m"), ("mi", "km"), ("in", "mm"), ("ft", "cm"),
        ("oz", "g"), ("lb", "kg"), ("st", "kg"), ("oz", "kg"), ("floz", "mL"), ("cup", "mL"),
        ("pt", "L"), ("qt", "L"), ("gal", "L"), ("mi", "m"), ("lb", "g")],
    4: [("m2", "cm2"), ("km2", "m2"), ("cm2", "mm2"), ("ha", "m2"), ("ha", "km2"),
        ("ft2", "m2"), ("in2", "cm2"), ("yd2", "m2"), ("acre", "ft2"), ("acre", "m2"),
        ("cm3", "L"), ("m3", "L"), ("ft3", "m3"), ("in3", "cm3"),
        ("km/h", "m/s"), ("mph", "km/h"), ("ft/s", "m/s"), ("m/min", "km/h"),
        ("GB", "MiB"), ("MiB", "MB"), ("GiB", "GB"), ("KiB", "kB"), ("MB", "bit")],
    5: [("mph", "m/s"), ("ft/s", "km/h"), ("ft/s", "mph"), ("m/min", "mph"), ("acre", "ha"),
        ("acre", "km2"), ("mi2", "km2"), ("mi2", "acre"), ("ft2", "ha"), ("ft3", "L"),
        ("gal", "ft3"), ("in3", "mL"), ("yd3", "m3"), ("gal", "in3"), ("GiB", "MB"),
        ("TB", "GiB"), ("GB", "bit"), ("yd2", "acre"), ("in2", "m2"), ("ft3", "gal")],
}
PAIRS = {lv: [p for a, b in pairs for p in ((a, b), (b, a))] for lv, pairs in _PAIRS.items()}
# values by level: largest integer part, decimals allowed, rounding places (None: exact)
LEVELS = {1: (999, 1, (None,)), 2: (5000, 2, (None,)), 3: (500, 2, (1, 2, 2, 3)),
          4: (900, 2, (0, 1, 2, 3)), 5: (900, 3, (1, 2, 3, 3))}

NOUN = {"length": ("length", "distance"), "mass": ("mass", "weight"),
        "volume": ("volume", "capacity"), "area": ("area", "surface area"),
        "time": ("duration", "time span"), "speed": ("speed", "velocity"),
        "data": ("file size", "amount of data")}
CONTEXT = ("{An} of {q} is measured.", "{An} of {q} is recorded.",
           "{Name} writes down {an} of {q}.", "A label gives {an} of {q}.",
           "{Name}'s notes list {an} of {q}.", "A table shows {an} of {q}.")
NAMES = ("Ana", "Ben", "Chen", "Dara", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jo", "Kofi",
         "Lena", "Mateo", "Nia", "Omar", "Pia", "Raj", "Sofia", "Tom", "Uma", "Vera", "Wes",
         "Yara", "Zane", "Amir", "Bea", "Carlos", "Dina", "Emil", "Freya", "Gita", "Hugo",
         "Ines", "Jamal", "Keiko", "Luis", "Mira", "Nils", "Olga", "Pablo", "Rosa", "Sami",
         "Tara", "Ugo", "Vik", "Wanda", "Xin", "Yusuf")
ASKS = ("Convert {q} to {to}.", "How many {to} are there in {q}?", "Express {q} in {to}.",
        "What is {q} in {to}?", "{Q} is how many {to}?", "Write {q} in {to}.")
CONTEXT_ASKS = ("What is this in {to}?", "How much is that in {to}?", "Convert it to {to}.",
                "Express this in {to}.")
ROUNDING = {0: ("Round to the nearest whole number.", "Give a whole number."),
            1: ("Round to 1 decimal place.", "Round to the nearest tenth."),
            2: ("Round to 2 decimal places.", "Round to the nearest hundredth."),
            3: ("Round to 3 decimal places.", "Give the answer to 3 decimal places.")}


def rounding_phrase(rng: random.Random, places: int) -> str:
    if places in ROUNDING:
        return rng.choice(ROUNDING[places])
    return f"Round to {places} decimal places."
NUMBER_UNIT = re.compile(r"^\s*(?:≈|~|about|approximately|approx\.?)?\s*"
                         r"([-+−]?\$?(?:\d[\d,]*)?\.?\d+(?:\s*/\s*\d+)?(?:[eE][-+]?\d+)?)"
                         r"\s*(.*?)\s*\.?\s*$", re.I)


# ---- exact decimals -----------------------------------------------------------------------

def dec(x: Fraction | int, limit: int = 14) -> str | None:
    """`x` as a plain terminating decimal (None if it needs more than `limit` places)."""
    if x.__class__ is int:
        return str(x)
    n, d = x.numerator, x.denominator
    if d == 1:
        return str(n)
    twos = (d & -d).bit_length() - 1
    m, fives = d >> twos, 0
    while m % 5 == 0:
        m //= 5
        fives += 1
    k = max(twos, fives)
    if m != 1 or k > limit:
        return None
    digits = str(abs(n) * 10**k // d).rjust(k + 1, "0")
    text = f"{digits[:-k]}.{digits[-k:]}".rstrip("0").rstrip(".")
    return "-" + text if n < 0 else text


def _scaled(x: Fraction | int, places: int) -> int:
    """round(|x| · 10^places), halves up, as an integer."""
    n, d = abs(x.numerator), x.denominator
    return (2 * n * 10**places + d) // (2 * d)


def round_half_up(x: Fraction, places: int) -> Fraction:
    n = _scaled(x, places)
    return Fraction(n if x >= 0 else -n, 10**places)


def _digits(n: int, places: int, negative: bool) -> str:
    digits = str(n).rjust(places + 1, "0")
    text = digits if not places else f"{digits[:-places]}.{digits[-places:]}"
    return "-" + text if negative and n else text


def fixed(x: Fraction | int, places: int) -> str:
    """`x` rounded half up to exactly `places` decimals."""
    return _digits(_scaled(x, places), places, x < 0)


def approx(x: Fraction, places: int) -> str:
    """A decimal approximation of `x` that rounds to the same `places`-decimal value."""
    want = _scaled(x, places)
    for extra in range(3, 13):
        t = _scaled(x, places + extra)
        unit = 10**extra
        if (2 * t + unit) // (2 * unit) == want:
            return _digits(t, places + extra, x < 0)
    return fixed(x, places + 13)


def significant(x: Fraction) -> int:
    text = dec(x)
    return 99 if text is None else len(text.replace("-", "").replace(".", "").strip("0"))


def short(x: Fraction, digits: int) -> str:
    """`x` exactly if it has at most 15 significant digits, else an approximation."""
    text = dec(x)
    if text is not None and significant(x) <= 15:
        return text
    return approx(x, digits)


def claim(expr: str, value: Fraction, digits: int, inexact: bool = False) -> str:
    """`expr = value`, or `expr ≈ value` when the value is not short and exact (numbers of
    more than 15 significant digits do not survive being read back as floats)."""
    text = dec(value)
    if text is not None and significant(value) <= 15 and not inexact and all(
            len(t.replace(".", "").lstrip("0")) <= 15 for t in expr.split() if t[0].isdigit()):
        return f"{expr} = {text}"
    return f"{expr} ≈ {approx(value, digits)}"


def nice(x: Fraction) -> bool:
    return significant(x) <= 13


# ---- scoring numbers with units ------------------------------------------------------------

def split_number_unit(text: str) -> tuple[Fraction | None, str]:
    """The number and the words after it: `12.5 km` → (12.5, 'km')."""
    m = NUMBER_UNIT.match(text.replace("−", "-").replace("\u202f", " "))
    if not m:
        return None, ""
    return parse_number(m.group(1), percent=False), m.group(2)


def unit_ok(unit_text: str, key: str | None) -> bool:
    """Whether the words after a number name the unit `key` (none at all is fine too)."""
    if not unit_text:
        return True
    if key not in UNITS:
        return False
    text = unit_text.strip().rstrip(".")
    return text in SYMBOLS[key] or _norm_unit(text) in ALIASES[key]


def score_quantity(answer: str, task: Task, unit_check: Callable[[str, str | None], bool]
                   ) -> float:
    """1.0 when `answer` states the expected quantity: the exact value, or (when the question
    asks for rounding to n places) the rounded value or anything closer than half a unit in
    the n-th place; a unit after the number must be the asked one."""
    got, unit_text = split_number_unit(answer)
    if got is None:
        return 0.0
    check = task.check or {}
    if not unit_check(unit_text, check.get("unit")):
        return 0.0
    want = parse_number(task.answer, percent=False)
    places = check.get("places")
    if places is None or want is None:
        return 1.0 if got == want else 0.0
    exact = Fraction(check["exact"]) if "exact" in check else want
    if got == want or abs(got - exact) < Fraction(1, 2 * 10**places):
        return 1.0
    return 0.0


def wrong_quantities(task: Task, rng: random.Random, inverse: Fraction | None,
                     other_unit: str | None) -> list[str]:
    want = parse_number(task.answer, percent=False)
    check = task.check or {}
    places = check.get("places")
    out = []
    if want is None:
        return [task.answer + "1"]
    step = Fraction(1, 10**places) if places is not None else (
        Fraction(1) if want.denominator == 1 else Fraction(1, want.denominator))
    render = (lambda v: fixed(v, places)) if places is not None else (lambda v: dec(v) or str(v))
    for v in (want + step, want - step, want * 10, want / 10 if want else Fraction(1)):
        if v != want:
            out.append(render(v))
    if inverse is not None and inverse != want:
        cand = render(round_half_up(inverse, places) if places is not None else inverse)
        if parse_number(cand) != want:
            out.append(cand)
    if other_unit:
        out.append(f"{task.answer} {other_unit}")
    return out


# ---- the family ----------------------------------------------------------------------------

def name(u: Unit, value: Fraction | None, style: int) -> str:
    """How a unit is written after a value: its symbol or its name."""
    if style == 0 and u.symbol != u.plural and u.kind != "speed" and u.key not in (
            "floz", "cup", "pt", "qt", "gal"):
        return u.symbol
    return u.singular if value == 1 else u.plural


def factors(fu: Unit, tu: Unit) -> list[tuple[str, Fraction, str]]:
    """The steps from `fu` to `tu`: (× or ÷, exact factor, why)."""
    if fu.kind == tu.kind and fu.kind in ("square", "cube"):
        lf, lt = UNITS[fu.parts[0]], UNITS[tu.parts[0]]
        r = lf.factor / lt.factor
        power, mark = (2, "²") if fu.kind == "square" else (3, "³")
        big, op, small = (lf, "×", lt) if (nice(r) and r >= 1) or not nice(1 / r) else (lt, "÷", lf)
        q = r if op == "×" else 1 / r
        prod = " × ".join([dec(q)] * power)  # type: ignore[list-item]
        return [(op, q**power, f"1 {big.symbol} = {dec(q)} {small.symbol}, so 1 {big.symbol}"
                 f"{mark} = {prod} = {dec(q**power)} {small.symbol}{mark}.")]
    if fu.kind == "speed" and tu.kind == "speed":
        out = []
        lf, lt = UNITS[fu.parts[0]], UNITS[tu.parts[0]]
        tf, tt = UNITS[fu.parts[1]], UNITS[tu.parts[1]]
        if lf is not lt:
            r = lf.factor / lt.factor
            if nice(r):
                out.append(("×", r, f"1 {lf.singular} = {dec(r)} {lt.plural}, so the distance "
                            f"in {lt.plural} is {dec(r)} times the distance in {lf.plural}."))
            else:
                s = 1 / r
                out.append(("÷", s, f"1 {lt.singular} = {dec(s)} {lf.plural}, so the distance "
                            f"in {lt.plural} is the distance in {lf.plural} divided by {dec(s)}."))
        if tf is not tt:
            q = tf.factor / tt.factor
            if q > 1:
                out.append(("÷", q, f"1 {tf.singular} = {dec(q)} {tt.plural}, so the distance "
                            f"covered per {tt.singular} is the distance per {tf.singular} "
                            f"divided by {dec(q)}."))
            else:
                out.append(("×", 1 / q, f"1 {tt.singular} = {dec(1 / q)} {tf.plural}, so the "
                            f"distance covered per {tt.singular} is {dec(1 / q)} times the "
                            f"distance per {tf.singular}."))
        return out
    r = fu.factor / tu.factor
    # data sizes between binary and decimal prefixes go through bytes
    simple = fu.kind == "simple" and tu.kind == "simple" and fu.dim != "data"
    if r.denominator == 1 or (simple and nice(r) and (r >= 1 or not nice(1 / r))):
        return [("×", r, f"1 {fu.singular} = {dec(r)} {tu.plural if r != 1 else tu.singular}.")]
    if r.numerator == 1 or (simple and nice(1 / r)):
        return [("÷", 1 / r, f"1 {tu.singular} = {dec(1 / r)} {fu.plural}.")]
    base = UNITS[BASE[fu.dim]]
    out = []
    for unit, op in ((fu, "×"), (tu, "÷")):
        if unit is base:
            continue
        if unit.key == "cm3":
            why = "1 cm³ = 1 mL."
        elif unit.kind in ("square", "cube"):
            length = UNITS[unit.parts[0]]
            ref = UNITS["m" if unit.kind == "square" else "cm"]
            q = length.factor / ref.factor
            power, mark = (2, "²") if unit.kind == "square" else (3, "³")
            prod = " × ".join([dec(q)] * power)  # type: ignore[list-item]
            why = (f"1 {length.symbol} = {dec(q)} {ref.symbol}, so 1 {unit.symbol} = {prod} = "
                   f"{dec(unit.factor)} {ref.symbol}{mark}"
                   + (" (and 1 cm³ = 1 mL)." if unit.kind == "cube" else "."))
        else:
            why = f"1 {unit.singular} = {dec(unit.factor)} {base.plural}."
        out.append((op, unit.factor, why))
    return out


def _plan(fkey: str, tkey: str) -> tuple[list[str], list[Fraction], list[Fraction]]:
    steps = factors(UNITS[fkey], UNITS[tkey])
    return ([why for _, _, why in steps], [f for op, f, _ in steps if op == "×"],
            [f for op, f, _ in steps if op == "÷"])


PLANS = {pair: _plan(*pair) for pairs in PAIRS.values() for pair in pairs}


@family("unit_conversion")
class UnitConversion(Family):
    """Convert quantities between units: metric, US customary, compound units, data sizes."""

    domain = "measurement"
    skills = ("unit conversion", "multiplication by conversion factors", "rounding")
    answer_kind = "quantity"

    def make(self, rng: random.Random, level: int) -> Task:
        hi, decimals, roundings = LEVELS[level]
        fkey, tkey = rng.choice(PAIRS[level])
        fu, tu = UNITS[fkey], UNITS[tkey]
        if rng.random() < 0.6:
            value = Fraction(rng.randint(1, hi))
        else:
            places = rng.randint(1, decimals)
            value = Fraction(rng.randint(1, hi * 10**places), 10**places)
        result = value * fu.factor / tu.factor
        places = rng.choice(roundings)
        exact_text = dec(result, 8)
        exact_places = None if exact_text is None else len(exact_text.partition(".")[2])
        if places is None and (exact_places is None or exact_places > 6):
            places = 2
        while places is not None and places < 8 and result * 10**places < 100:
            places += 1  # keep three significant digits
        if places is not None and exact_places is not None and exact_places <= places:
            places = None  # exact anyway: no rounding to ask for
        whys, muls, divs = PLANS[fkey, tkey]
        lines = list(whys)
        vtext = dec(value)
        current = value
        digits = places or 2
        if muls:
            for f in muls:
                current *= f
            lines.append(claim(f"{vtext} × {' × '.join(map(str, map(dec, muls)))}", current,
                               digits))
        total = Fraction(1)
        if divs:
            for f in divs:
                total *= f
            if len(divs) > 1:
                lines.append(claim(" × ".join(map(str, map(dec, divs))), total, digits))
            left, right = short(current, digits), short(total, digits)
            inexact = Fraction(left) != current or Fraction(right) != total
            lines.append(claim(f"{left} ÷ {right}", current / total,
                               places if places is not None else 2, inexact))
        assert current / total == result
        style = rng.randrange(2)
        fname = name(fu, value, style)
        to_name = tu.plural
        if places is None:
            answer = exact_text or ""
            lines.append(f"So {vtext} {fname} = {answer} {name(tu, result, style)}.")
        else:
            answer = fixed(result, places)
            what = "a whole number" if places == 0 else \
                f"{places} decimal place{'s' if places > 1 else ''}"
            lines.append(f"Rounded to {what}: {vtext} {fname} ≈ {answer} "
                         f"{name(tu, result, style)}.")
        quantity = f"{vtext} {fname}"
        if rng.random() < 0.35:
            noun = rng.choice(NOUN[fu.dim])
            an = ("an " if noun[0] in "aeiou" else "a ") + noun
            question = (rng.choice(CONTEXT).format(q=quantity, an=an, An=an.capitalize(),
                                                   Name=rng.choice(NAMES)) + " "
                        + rng.choice(CONTEXT_ASKS).format(to=to_name))
        else:
            ask = rng.choice(ASKS)
            question = ask.format(q=quantity, Q=quantity, to=to_name)
        if places is not None:
            question += " " + rounding_phrase(rng, places)
        check = {"unit": tkey, "places": places, "exact": f"{result.numerator}/"
                 f"{result.denominator}", "from": fkey}
        return Task(question, answer, "\n".join(lines), check)

    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        return score_quantity(answer, task, unit_ok)

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        check = task.check or {}
        inverse = None
        other = None
        if "exact" in check and check.get("from") in UNITS and check.get("unit") in UNITS:
            fu, tu = UNITS[check["from"]], UNITS[check["unit"]]
            value = Fraction(check["exact"]) * tu.factor / fu.factor
            inverse = value * tu.factor / fu.factor  # divided where it should multiply
            other = fu.symbol
        return wrong_quantities(task, rng, inverse, other)
