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
           "Find the largest number that is a factor of each of {n}.")
LCM_ASK = ("What is the least common multiple of {n}?", "Find the LCM of {n}.",
           "Find the lowest common multiple of {n}.", "Compute lcm({c}).",
           "What is the smallest positive whole number that is a multiple of each of {n}?",
           "Determine the least common multiple of {n}.", "What is the LCM of {n}?",
           "Calculate the least common multiple of {n}.", "Work out the LCM of {n}.",
           "Find the smallest number that each of {n} divides exactly.",
           "What is the lowest common multiple of {n}?")
HINTS = ("", "", "", " Show your working.", " Explain each step.", " Work step by step.",
         " Give the answer as a whole number.")
METHOD_HINTS = {True: " Use the Euclidean algorithm.", False: " Use prime factorisation."}
# by level: how many numbers, largest number, chance of a word problem
LEVELS = {1: ((2, 2), 150, 0.5), 2: ((2, 2), 300, 0.5), 3: ((2, 3), 500, 0.4),
          4: ((3, 3), 2000, 0.3), 5: ((3, 4), 10_000, 0.3)}
COUNT = {2: "Two", 3: "Three", 4: "Four"}


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
        count = self.config.count or rng.randint(lo, hi)
        want_gcd = rng.random() < 0.5
        story = rng.random() < p_story
        if want_gcd:
            g = rng.randint(2, max(2, top // 6))
            nums = [g * rng.randint(1, max(2, top // g)) for _ in range(count)]
        else:
            cap = top if not story else min(top, 40 + 20 * level)
            g = rng.randint(1, max(1, cap // 8))
            nums = [g * rng.randint(2, max(3, cap // g)) for _ in range(count)]
        nums = list(dict.fromkeys(nums))
        while len(nums) < count:  # keep the common factor g
            nums.append(g * rng.randint(1, max(2, top // g)))
            nums = list(dict.fromkeys(nums))
        g_all, l_all = nums[0], nums[0]
        for n in nums[1:]:
            g_all, l_all = gcd(g_all, n), lcm(l_all, n)
        answer = g_all if want_gcd else l_all
        lines: list[str] = []
        euclid = len(nums) == 2 and rng.random() < 0.5
        question, unit = self._question(rng, nums, want_gcd, story, euclid)
        if euclid:
            a, b = max(nums), min(nums)
            lines.append(f"Use the Euclidean algorithm on {a} and {b}: divide and keep the "
                         "remainder until it is 0.")
            x, y = a, b
            while y:
                q, r = divmod(x, y)
                lines.append(f"{x} ÷ {y} is {q} remainder {r}, because {x} - {q} × {y} = {r}.")
                x, y = y, r
            lines.append(f"The last nonzero remainder is {x}, so the GCD of {a} and {b} is "
                         f"{x}.")
            if not want_gcd:
                lines.append(f"The LCM is the product divided by the GCD: {a} × {b} ÷ {x} = "
                             f"{l_all}.")
        else:
            facts = [factorise(n) for n in nums]
            lines.append("Write each number as a product of primes:")
            lines += [_factor_line(n) for n in nums]
            if want_gcd:
                common = {p: min(f.get(p, 0) for f in facts) for p in facts[0]}
                common = {p: e for p, e in common.items() if e}
                if common:
                    text = _product(common)
                    lines.append("Take the primes common to all the numbers, each to its "
                                 "lowest power: " + (f"{text} = {g_all}." if "×" in text or
                                                     "^" in text else f"{text}."))
                else:
                    lines.append("No prime divides all of them, so the GCD is 1.")
            else:
                every: dict[int, int] = {}
                for f in facts:
                    for p, e in f.items():
                        every[p] = max(every.get(p, 0), e)
                text = _product(every)
                lines.append("Take every prime that appears, each to its highest power: "
                             + (f"{text} = {l_all}." if "×" in text or "^" in text
                                else f"{text}."))
        name = "greatest common divisor" if want_gcd else "least common multiple"
        lines.append(f"So the {name} is {answer}{unit}." if not story else
                     f"The answer is the {name}: {answer}{unit}.")
        return Task(question, str(answer), "\n".join(lines),
                    {"numbers": nums, "kind": "gcd" if want_gcd else "lcm"})

    def _question(self, rng: random.Random, nums: list[int], want_gcd: bool,
                  story: bool, euclid: bool) -> tuple[str, str]:
        if not story:
            ask = rng.choice(GCD_ASK if want_gcd else LCM_ASK)
            hint = METHOD_HINTS[euclid] if rng.random() < 0.2 else rng.choice(HINTS)
            return ask.format(n=_join(nums), c=", ".join(map(str, nums))) + hint, ""
        name = rng.choice(NAMES)
        if want_gcd:
            pick = rng.randrange(3 if len(nums) == 2 else 2)
            if pick == 0:
                things = rng.sample(THINGS, len(nums))
                have = _join([f"{n} {t}" for n, t in zip(nums, things, strict=True)])
                box = rng.choice(CONTAINERS)
                return (f"{name} has {have}. {name} wants to share them out into identical "
                        f"{box}, each with the same mix of items, with nothing left over. "
                        f"What is the greatest number of {box} {name} can make?", f" {box}")
            if pick == 1:
                what = rng.choice(MATERIALS)
                unit = rng.choice(("cm", "m", "inches"))
                lengths = _join([f"{n} {unit}" for n in nums])
                return (f"{name} has {COUNT[len(nums)].lower()} {what} that are {lengths} "
                        "long. They are cut into pieces that are all the same length, as long "
                        f"as possible, with nothing left over. How long is each piece, in "
                        f"{unit}?", f" {unit}")
            a, b = nums
            unit = rng.choice(("cm", "inches"))
            return (f"A rectangular floor measures {a} {unit} by {b} {unit}. {name} wants to "
                    f"cover it exactly with identical square tiles, as large as possible. "
                    f"What is the side length of each tile, in {unit}?", f" {unit}")
        pick = rng.randrange(3 if len(nums) == 2 else 2)
        listing = _join(nums)
        if pick == 0:
            unit = rng.choice(("minutes", "seconds"))
            what = rng.choice((("lights", "flash"), ("bells", "ring"), ("alarms", "beep"),
                               ("fountains", "spray"), ("sprinklers", "turn on")))
            where = rng.choice(("", f"In {name}'s house, ", "At the fair, ", "In a museum, ",
                                "On a stage, ", "In the town square, ", "At a theme park, "))
            first = f"{COUNT[len(nums)]} {what[0]}"
            return (f"{where}{first if not where else first.lower()} {what[1]} every {listing} "
                    f"{unit} respectively. They all {what[1]} together right now. After how "
                    f"many {unit} will they next all {what[1]} together?", f" {unit}")
        if pick == 1:
            vehicle = rng.choice(("Buses", "Trains", "Trams", "Ferries", "Shuttles"))
            place = rng.choice(("the station", "the central stop", "the terminal",
                                "the town square", "the airport"))
            when = rng.choice(("at noon", "at 7 am", "right now", "at 9 am", "at midnight"))
            return (f"{vehicle} on {COUNT[len(nums)].lower()} routes leave {place} every "
                    f"{listing} minutes respectively. They all leave together {when}. After "
                    "how many minutes will they next all leave together?", " minutes")
        a, b = nums
        items = rng.choice((("hot dogs", "buns"), ("plates", "cups"), ("cards", "envelopes"),
                            ("forks", "knives"), ("pens", "caps")))
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
