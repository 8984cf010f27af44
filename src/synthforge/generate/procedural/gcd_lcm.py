"""Greatest common divisor and least common multiple of 2 to 4 numbers.

Worked with Euclid's algorithm (two numbers) or with prime factorisations: the GCD takes each
common prime to its lowest power, the LCM every prime to its highest. Some items are word
problems (equal pieces, identical groups, buses leaving together). The answer is a whole
number; a unit word after it is allowed ("12 cm").
"""

from __future__ import annotations

import random
from functools import lru_cache
from math import gcd, lcm

from pydantic import Field

from synthforge.generate.procedural.answers import parse_number
from synthforge.generate.procedural.base import Family, FamilyConfig, Task, family

SIEVE = 20_000


def _smallest_factors(limit: int) -> list[int]:
    spf = list(range(limit + 1))
    for p in range(2, int(limit**0.5) + 1):
        if spf[p] == p:
            for m in range(p * p, limit + 1, p):
                if spf[m] == m:
                    spf[m] = p
    return spf


SPF = _smallest_factors(SIEVE)
NAMES = ("Ava", "Ben", "Chloe", "Diego", "Emma", "Farah", "George", "Hana", "Ivan", "Jade",
         "Kofi", "Lena", "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tariq",
         "Uma", "Victor", "Wen", "Ximena", "Yusuf", "Zoe", "Liam", "Mia", "Noah", "Olivia")
THINGS = ("pencils", "erasers", "stickers", "marbles", "candies", "apples", "oranges",
          "cookies", "balloons", "crayons", "notebooks", "toy cars", "buttons", "beads",
          "postcards", "muffins", "granola bars", "bottles of water", "juice boxes", "cards")
CONTAINERS = ("gift bags", "boxes", "baskets", "party bags", "packs", "kits", "hampers")
MATERIALS = ("ropes", "ribbons", "wooden boards", "metal rods", "pieces of cloth", "cables",
             "strips of paper", "pipes")
GCD_ASK = ("What is the greatest common divisor of {n}?", "Find the GCD of {n}.",
           "Find the highest common factor of {n}.", "Find the greatest common factor of {n}.",
           "What is the largest whole number that divides each of {n} exactly?",
           "Compute gcd({c}).", "Determine the greatest common divisor of {n}.",
           "What is the HCF of {n}?", "Calculate the greatest common divisor of {n}.",
           "What is the GCD of {n}?", "Work out the highest common factor of {n}.",
           "Find the largest number that is a factor of each of {n}.",
           "What is the highest common factor of {n}?", "Find the HCF of {n}.",
           "What is the greatest common factor of {n}?")
LCM_ASK = ("What is the least common multiple of {n}?", "Find the LCM of {n}.",
           "Find the lowest common multiple of {n}.", "Compute lcm({c}).",
           "What is the smallest positive whole number that is a multiple of each of {n}?",
           "Determine the least common multiple of {n}.", "What is the LCM of {n}?",
           "Calculate the least common multiple of {n}.", "Work out the LCM of {n}.",
           "Find the smallest number that each of {n} divides exactly.",
           "What is the lowest common multiple of {n}?", "Work out lcm({c}).",
           "Find the least common multiple of {n}.", "What is the LCM of the numbers {n}?",
           "Determine the lowest common multiple of {n}.")
HINTS = ("", "", "", " Show your working.", " Explain each step.", " Work step by step.",
         " Give the answer as a whole number.", "", " Show each step.",
         " Explain your method.", " Answer with a single whole number.", " Show your steps.")
METHOD_HINTS = {True: " Use the Euclidean algorithm.", False: " Use prime factorisation."}
# by level: how many numbers, largest number, chance of a word problem (%)
LEVELS = {1: ((2, 2), 150, 50), 2: ((2, 2), 300, 50), 3: ((2, 3), 500, 40),
          4: ((3, 3), 2000, 30), 5: ((3, 4), 10_000, 30)}
COUNT = {2: "Two", 3: "Three", 4: "Four"}
# the question templates cut around their blank: (before, after, whether it lists with commas)
_ASKS = {want: tuple((*t.replace("{c}", "{n}").split("{n}"), "{c}" in t) for t in asks)
         for want, asks in ((True, GCD_ASK), (False, LCM_ASK))}
UNITS_GCD = ("cm", "m", "inches")
SIGNALS = (("lights", "flash"), ("bells", "ring"), ("alarms", "beep"), ("fountains", "spray"),
           ("sprinklers", "turn on"))
PLACES = ("", "In {name}'s house, ", "At the fair, ", "In a museum, ", "On a stage, ",
          "In the town square, ", "At a theme park, ")
VEHICLES = ("Buses", "Trains", "Trams", "Ferries", "Shuttles")
STOPS = ("the station", "the central stop", "the terminal", "the town square", "the airport")
WHENS = ("at noon", "at 7 am", "right now", "at 9 am", "at midnight")
PACKS = (("hot dogs", "buns"), ("plates", "cups"), ("cards", "envelopes"), ("forks", "knives"),
         ("pens", "caps"))


def _multiples(rng: random.Random, g: int, lo: int, hi: int, count: int) -> list[int]:
    """`count` multiples g * m with m drawn from lo..hi, several cut from each 64-bit draw
    (bias under 2**-20)."""
    width = hi - lo + 1
    bits = room = 0
    out = []
    for _ in range(count):
        if room < width << 20:
            bits, room = rng.getrandbits(64), 1 << 64
        bits, x = divmod(bits, width)
        room //= width
        out.append(g * (lo + x))
    return out


class GcdLcmConfig(FamilyConfig):
    max_value: int | None = Field(None, ge=10, le=10**7, description="Largest number "
                                  "(default: by difficulty, 100 to 10,000).")
    count: int | None = Field(None, ge=2, le=4, description="How many numbers (default: by "
                              "difficulty, 2 to 4).")


@lru_cache(maxsize=65536)
def factorise(n: int) -> dict[int, int]:
    """Prime factors of n with their exponents (cached: do not modify the result)."""
    out: dict[int, int] = {}
    p = 2
    while n > SIEVE:
        if p * p > n:
            break
        while n % p == 0:
            out[p] = out.get(p, 0) + 1
            n //= p
        p += 1 if p == 2 else 2
    if n > SIEVE:
        out[n] = out.get(n, 0) + 1
        return out
    while n > 1:
        p = SPF[n]
        out[p] = out.get(p, 0) + 1
        n //= p
    return out


def _power(p: int, e: int) -> str:
    return str(p) if e == 1 else f"{p}^{e}"


def _product(factors: dict[int, int]) -> str:
    return " × ".join(_power(p, e) for p, e in sorted(factors.items()))


@lru_cache(maxsize=65536)
def _factor_line(n: int) -> str:
    f = factorise(n)
    return f"{n} is prime." if f == {n: 1} else f"{n} = {_product(f)}"


@lru_cache(maxsize=65536)
def _power_text(n: int) -> str:
    """n as its product of prime powers, with "= n" where that is more than one prime."""
    text = _product(factorise(n))
    return f"{text} = {n}." if "×" in text or "^" in text else f"{text}."


def _join(nums: list[int]) -> str:
    return ", ".join(map(str, nums[:-1])) + f" and {nums[-1]}"


def _whole(text: str) -> int | None:
    value = parse_number(text, percent=False)
    if value is None and " " in text.strip():
        head, _, tail = text.strip().rstrip(".").partition(" ")
        if tail.replace(" ", "").isalpha():
            value = parse_number(head, percent=False)
    return int(value) if value is not None and value.denominator == 1 else None


@family("gcd_lcm")
class GcdLcm(Family):
    """Greatest common divisor or least common multiple, by Euclid or prime factorisation."""

    Config = GcdLcmConfig
    domain = "number theory"
    skills = ("greatest common divisor", "least common multiple", "prime factorisation",
              "Euclidean algorithm")
    answer_kind = "number"

    def make(self, rng: random.Random, level: int) -> Task:
        (lo, hi), top, p_story = LEVELS[level]
        top = self.config.max_value or top
        # the small choices from one draw: count, gcd or lcm, story, method, wording
        bits = rng.getrandbits(64)
        if self.config.count:
            count = self.config.count
        elif lo == hi:
            count = lo
        else:
            bits, c = divmod(bits, hi - lo + 1)
            count = lo + c
        bits, u = divmod(bits, 200)
        want_gcd = u < 100
        story = u % 100 < p_story
        if want_gcd:  # the numbers: multiples of a common factor g
            span = max(2, top // 6) - 1
            bits, g = divmod(bits, span)
            g += 2
            lo_m, hi_m = 1, max(2, top // g)
        else:
            cap = top if not story else min(top, 40 + 20 * level)
            span = max(1, cap // 8)
            bits, g = divmod(bits, span)
            g += 1
            lo_m, hi_m = 2, max(3, cap // g)
        width = hi_m - lo_m + 1
        if count == 2 and width < 1 << 22:  # both from one draw
            more = rng.getrandbits(64)
            a, b = g * (lo_m + more % width), g * (lo_m + more // width % width)
            nums = [a, b] if a != b else [a]
        else:
            nums = list(dict.fromkeys(_multiples(rng, g, lo_m, hi_m, count)))
        while len(nums) < count:  # keep the common factor g
            nums.append(g * rng.randint(1, max(2, top // g)))
            nums = list(dict.fromkeys(nums))
        if count == 2:
            a, b = nums
            g_all = gcd(a, b)
            l_all = a * b // g_all
        else:
            g_all, l_all = nums[0], nums[0]
            for n in nums[1:]:
                g_all, l_all = gcd(g_all, n), lcm(l_all, n)
        answer = g_all if want_gcd else l_all
        bits, u = divmod(bits, 2)
        euclid = count == 2 and u == 0
        if story:
            question, unit = self._story(bits, nums, want_gcd)
        else:
            asks = _ASKS[want_gcd]
            bits, i = divmod(bits, len(asks))
            head, tail, commas = asks[i]
            listed = ", ".join(map(str, nums)) if commas else _join(nums)
            bits, h = divmod(bits, 5 * len(HINTS))  # 1 in 5: name the method
            hint = METHOD_HINTS[euclid] if h < len(HINTS) else HINTS[h % len(HINTS)]
            question, unit = head + listed + tail + hint, ""
        name = "greatest common divisor" if want_gcd else "least common multiple"
        if euclid:
            a, b = (nums[0], nums[1]) if nums[0] > nums[1] else (nums[1], nums[0])
            sa, sb = str(a), str(b)
            lines = [f"Use the Euclidean algorithm on {sa} and {sb}: divide and keep the "
                     "remainder until it is 0."]
            x, y, sx, sy = a, b, sa, sb  # each number written once
            while y:
                q, r = divmod(x, y)
                sq, sr = str(q), str(r)
                lines.append(f"{sx} ÷ {sy} is {sq} remainder {sr}, because {sx} - {sq} × {sy} "
                             f"= {sr}.")
                x, y, sx, sy = y, r, sy, sr
            lines.append(f"The last nonzero remainder is {sx}, so the GCD of {sa} and {sb} is "
                         f"{sx}.")
            if not want_gcd:
                lines.append(f"The LCM is the product divided by the GCD: {sa} × {sb} ÷ {sx} "
                             f"= {l_all}.")
        else:
            lines = ["Write each number as a product of primes:"]
            lines += [_factor_line(n) for n in nums]
            # the common primes to their lowest powers make the GCD; every prime to its
            # highest power, the LCM
            if want_gcd:
                if g_all > 1:
                    lines.append("Take the primes common to all the numbers, each to its "
                                 "lowest power: " + _power_text(g_all))
                else:
                    lines.append("No prime divides all of them, so the GCD is 1.")
            elif l_all <= SIEVE:
                lines.append("Take every prime that appears, each to its highest power: "
                             + _power_text(l_all))
            else:
                every = dict(factorise(nums[0]))
                for n in nums[1:]:
                    for p, e in factorise(n).items():
                        if e > every.get(p, 0):
                            every[p] = e
                text = _product(every)
                lines.append("Take every prime that appears, each to its highest power: "
                             + (f"{text} = {l_all}." if "×" in text or "^" in text
                                else f"{text}."))
        lines.append(f"So the {name} is {answer}{unit}." if not story else
                     f"The answer is the {name}: {answer}{unit}.")
        return Task(question, str(answer), "\n".join(lines),
                    {"numbers": nums, "kind": "gcd" if want_gcd else "lcm"})

    @staticmethod
    def _story(bits: int, nums: list[int], want_gcd: bool) -> tuple[str, str]:
        """A word problem over `nums` and its answer's unit, its choices cut from `bits`."""
        bits, i = divmod(bits, len(NAMES))
        name = NAMES[i]
        size = len(nums)
        bits, pick = divmod(bits, 3 if size == 2 else 2)
        if want_gcd:
            if pick == 0:
                things = []
                for _ in range(size):  # distinct things
                    bits, i = divmod(bits, len(THINGS))
                    while THINGS[i] in things:
                        i = (i + 1) % len(THINGS)
                    things.append(THINGS[i])
                have = _join([f"{n} {t}" for n, t in zip(nums, things, strict=True)])
                box = CONTAINERS[bits % len(CONTAINERS)]
                return (f"{name} has {have}. {name} wants to share them out into identical "
                        f"{box}, each with the same mix of items, with nothing left over. "
                        f"What is the greatest number of {box} {name} can make?", f" {box}")
            if pick == 1:
                bits, i = divmod(bits, len(MATERIALS))
                what = MATERIALS[i]
                unit = UNITS_GCD[bits % 3]
                lengths = _join([f"{n} {unit}" for n in nums])
                return (f"{name} has {COUNT[size].lower()} {what} that are {lengths} "
                        "long. They are cut into pieces that are all the same length, as long "
                        f"as possible, with nothing left over. How long is each piece, in "
                        f"{unit}?", f" {unit}")
            a, b = nums
            unit = "cm" if bits % 2 else "inches"
            return (f"A rectangular floor measures {a} {unit} by {b} {unit}. {name} wants to "
                    f"cover it exactly with identical square tiles, as large as possible. "
                    f"What is the side length of each tile, in {unit}?", f" {unit}")
        listing = _join(nums)
        if pick == 0:
            bits, i = divmod(bits, 2)
            unit = ("minutes", "seconds")[i]
            bits, i = divmod(bits, len(SIGNALS))
            what = SIGNALS[i]
            where = PLACES[bits % len(PLACES)]
            first = f"{COUNT[size]} {what[0]}"
            if where:
                where = where.replace("{name}", name)
                first = first.lower()
            return (f"{where}{first} {what[1]} every {listing} "
                    f"{unit} respectively. They all {what[1]} together right now. After how "
                    f"many {unit} will they next all {what[1]} together?", f" {unit}")
        if pick == 1:
            bits, i = divmod(bits, len(VEHICLES))
            bits, j = divmod(bits, len(STOPS))
            when = WHENS[bits % len(WHENS)]
            return (f"{VEHICLES[i]} on {COUNT[size].lower()} routes leave {STOPS[j]} every "
                    f"{listing} minutes respectively. They all leave together {when}. After "
                    "how many minutes will they next all leave together?", " minutes")
        a, b = nums
        items = PACKS[bits % len(PACKS)]
        return (f"{items[0].capitalize()} come in packs of {a} and {items[1]} come in packs "
                f"of {b}. {name} wants exactly as many {items[0]} as {items[1]}, buying whole "
                f"packs only. What is the smallest number of {items[0]} {name} can buy?",
                f" {items[0]}")

    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        got = _whole(answer)
        return 1.0 if got is not None and str(got) == task.answer.strip() else 0.0

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        nums = task.check.get("numbers") or []
        want = int(task.answer)
        out = {want + 1, want * 2, max(want - 1, 0)}
        if nums:
            g, m, prod = nums[0], nums[0], 1
            for n in nums:
                g, m, prod = gcd(g, n), lcm(m, n), prod * n
            out |= {g, m, prod, min(nums)}
        return [str(v) for v in sorted(out) if v != want]
