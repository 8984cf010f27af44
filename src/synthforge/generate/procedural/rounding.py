"""Rounding: to n decimal places, to the nearest 10, 100, 1000, ..., and to significant figures.

The answer must have the value of the correctly rounded number: `3.50` and `3.5` are the same
value and both count; `1,200`, `1.2e3` and `1.2 × 10^3` count for 1200; a fraction, a
percentage or any other value (the unrounded number, a truncation, rounding at the wrong
place) does not. Where the number is exactly halfway the question states the rule: halves
are rounded up (away from zero for negative numbers), or to the even digit.
"""

from __future__ import annotations

import random
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Literal

from pydantic import Field

from synthforge.generate.procedural.answers import parse_number
from synthforge.generate.procedural.base import Family, FamilyConfig, Task, family

PLACES_UP = ("ones", "tens", "hundreds", "thousands", "ten thousands", "hundred thousands",
             "millions", "ten millions", "hundred millions", "billions", "ten billions")
PLACES_DOWN = ("tenths", "hundredths", "thousandths", "ten-thousandths",
               "hundred-thousandths", "millionths", "ten-millionths", "hundred-millionths",
               "billionths", "ten-billionths")
NEAREST = {1: ("10", "ten"), 2: ("100", "hundred"), 3: ("1000", "thousand"),
           4: ("10000", "ten thousand"), 5: ("100000", "hundred thousand"),
           6: ("1000000", "million")}
NEAREST_DP = {0: ("whole number", "integer", "unit"), 1: ("tenth",), 2: ("hundredth",),
              3: ("thousandth",)}
DP_ASK = ("Round {x} to {n}.", "What is {x} rounded to {n}?", "Give {x} correct to {n}.",
          "Write {x} to {n}.", "Round the number {x} to {n}.", "Express {x} to {n}.",
          "What do you get when you round {x} to {n}?")
NEAREST_ASK = ("Round {x} to the nearest {q}.", "What is {x} rounded to the nearest {q}?",
               "Round the number {x} to the nearest {q}.", "Give {x} to the nearest {q}.",
               "What do you get when you round {x} to the nearest {q}?",
               "Write {x} correct to the nearest {q}.")
SF_ASK = ("Round {x} to {s}.", "Write {x} correct to {s}.", "What is {x} rounded to {s}?",
          "Give {x} to {s}.", "Express {x} to {s}.", "Round the number {x} to {s}.")
HALF_UP = (" If a number is exactly halfway, round up.", " Round halves up.",
           " Round any exact half up.", " (Exact halves round up.)")
HALF_AWAY = (" Round exact halves away from zero.", " If it is exactly halfway, round away "
             "from zero.", " (Exact halves round away from zero.)")
HALF_EVEN = (" Use round-half-to-even (banker's rounding) for exact halves.",
             " If the number is exactly halfway, round to the even digit.",
             " Round exact halves to the nearest even digit (banker's rounding).")
# by level: weights of (dp, nearest, sf), largest kept part, extra digits, chance of a tie,
# chance of a carry through 9s, chance of a negative number, significant figures
LEVELS = {1: ((6, 4, 0), 1000, (1, 2), 0.1, 0.0, 0.0, (1, 1)),
          2: ((4, 4, 2), 10_000, (1, 3), 0.15, 0.05, 0.0, (1, 2)),
          3: ((3, 3, 3), 100_000, (1, 4), 0.15, 0.1, 0.0, (1, 3)),
          4: ((3, 2, 4), 1_000_000, (2, 5), 0.2, 0.15, 0.25, (2, 4)),
          5: ((2, 2, 5), 10_000_000, (2, 6), 0.25, 0.2, 0.35, (2, 5))}
ORDINAL = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth"}
TieRule = Literal["half_up", "half_even"]


class RoundingConfig(FamilyConfig):
    tie_rule: TieRule | None = Field(None, description="How exact halves are rounded: "
                                     "half_up (away from zero) or half_even (default: half_up "
                                     "at levels 1-3, either at 4-5; always stated in the "
                                     "question).")
    max_decimals: int | None = Field(None, ge=0, le=8, description="Most decimal places to "
                                     "round to (default: by difficulty, 1 to 4).")


def _place(e: int) -> str:
    return PLACES_UP[e] if e >= 0 else PLACES_DOWN[-e - 1]


def _text(d: Decimal) -> str:
    return format(d, "f")


def parse_rounded(text: str) -> Fraction | None:
    """A value from a rounding answer: decimals, '1,200', '1.2e3', '1.2 × 10^3' (no fractions)."""
    s = text.strip().rstrip(".").replace("−", "-")
    if "/" in s or "%" in s:
        return None
    for times in ("×", "x", "*"):
        if times in s and "10^" in s:
            head, _, power = s.partition(times)
            power = power.strip()
            if not power.startswith("10^"):
                return None
            mantissa = parse_number(head, percent=False)
            try:
                exponent = int(power[3:].strip("() "))
            except ValueError:
                return None
            return None if mantissa is None else mantissa * Fraction(10) ** exponent
    return parse_number(s, percent=False)


@family("rounding")
class Rounding(Family):
    """Round numbers to decimal places, to the nearest 10/100/1000 or to significant figures."""

    Config = RoundingConfig
    domain = "arithmetic"
    skills = ("rounding", "place value", "significant figures", "decimals")
    answer_kind = "number"

    def make(self, rng: random.Random, level: int) -> Task:
        weights, top, (x_lo, x_hi), p_tie, p_carry, p_neg, (s_lo, s_hi) = LEVELS[level]
        kind = rng.choices(("dp", "nearest", "sf"), weights)[0]
        extra = rng.randint(x_lo, x_hi)
        if kind == "dp":
            most = self.config.max_decimals if self.config.max_decimals is not None else \
                min(level, 4)
            n = rng.randint(0, most)
            e = -n
            a = rng.randint(1, top)
        elif kind == "nearest":
            k = rng.randint(1, min(level + 1, 6))
            e = k
            a = rng.randint(1, max(99, top * 10 // 10**k))
            extra = k if level <= 2 else k + rng.randint(0, 2)  # whole numbers up to 2
        else:
            s = rng.randint(s_lo, s_hi)
            lead = rng.randint(-5, 7) if level >= 3 else rng.randint(-2, 4)
            e = lead - s + 1
            a = rng.randint(10 ** (s - 1), 10**s - 1)
        if rng.random() < p_carry:
            nines = rng.randint(1, max(1, len(str(a)) - 1))
            a = a - a % 10**nines + 10**nines - 1
        roll = rng.random()
        half = 5 * 10 ** (extra - 1)
        if roll < p_tie:
            b = half
        elif roll < p_tie + 0.45:
            b = rng.randint(half, 10**extra - 1)
        else:
            b = rng.randint(0, half - 1)
        if b % 10 == 0 and b != half and extra > 1:
            b += rng.randint(1, 9)  # keep the last digit shown
        negative = rng.random() < p_neg
        mantissa = a * 10**extra + b
        x = Decimal(-mantissa if negative else mantissa).scaleb(e - extra)
        tie = b == half
        rule = self.config.tie_rule or ("half_up" if level <= 3 or rng.random() < 0.5
                                        else "half_even")
        quantum = Decimal(1).scaleb(e)
        rounded = x.quantize(quantum, ROUND_HALF_EVEN if rule == "half_even" else ROUND_HALF_UP)
        down = x.quantize(quantum, ROUND_DOWN)
        xs = _text(x.normalize() if b == half else x)  # no trailing zeros after a tie's 5
        commas = abs(x) >= 10_000 and "." not in xs and rng.random() < 0.3
        shown = f"{int(x):,}" if commas else xs
        lines = []
        if kind == "dp":
            if n in NEAREST_DP and (n == 0 or rng.random() < 0.3):
                q = rng.choice(NEAREST_DP[n])
                target = f"the nearest {q}"
                question = rng.choice(NEAREST_ASK).format(x=shown, q=q)
            else:
                target = f"{n} decimal place{'s' if n != 1 else ''}"
                question = rng.choice(DP_ASK).format(x=shown, n=target)
            if n:
                lines.append(f"Rounding to {target} keeps {n} digit{'s' if n > 1 else ''} "
                             f"after the decimal point, so look at the "
                             f"{ORDINAL.get(n + 1, str(n + 1) + 'th')} decimal digit.")
            else:
                lines.append(f"Rounding to {target} keeps the ones digit, so look at the "
                             "first decimal digit.")
        elif kind == "nearest":
            number, word = NEAREST[e]
            q = number if rng.random() < 0.5 else word
            target = f"the nearest {q}"
            question = rng.choice(NEAREST_ASK).format(x=shown, q=q)
            lines.append(f"Rounding to the nearest {word} keeps the {_place(e)} digit, so "
                         f"look at the digit in the {_place(e - 1)} place.")
        else:
            words = rng.choice(("significant figure", "significant figure",
                                "significant digit"))
            target = f"{s} {words}{'s' if s > 1 else ''}"
            question = rng.choice(SF_ASK).format(x=shown, s=target)
            lines.append(f"The first significant digit of {xs} is in the {_place(lead)} place, "
                         f"so {target} end{'s' if s == 1 else ''} at the {_place(e)} place; "
                         f"look at the digit in the {_place(e - 1)} place.")
        if tie:
            question += rng.choice(HALF_EVEN if rule == "half_even" else
                                   HALF_AWAY if negative else HALF_UP)
        digit = b // 10 ** (extra - 1)
        ds = _text(down)
        qs = _text(quantum)
        result = ds if rounded == down else _text(rounded)
        op = "-" if negative else "+"
        lines.append(f"That digit is {digit}.")
        if digit < 5:
            lines.append(f"It is less than 5, so the kept digits stay as they are: {ds}.")
        elif not tie:
            more = " and more nonzero digits follow" if digit == 5 else ""
            lines.append(f"It is 5 or more{more}, so round {'away from zero' if negative else 'up'}"
                         f": {ds} {op} {qs} = {result}.")
        else:
            lines.append(f"Nothing but zeros follows the 5, so {xs} is exactly halfway.")
            if rule == "half_up":
                lines.append(f"Exact halves round {'away from zero' if negative else 'up'}: "
                             f"{ds} {op} {qs} = {result}.")
            elif rounded == down:
                lines.append(f"Round half to even: the kept digit {a % 10} is even, so it "
                             f"stays: {ds}.")
            else:
                lines.append(f"Round half to even: the kept digit {a % 10} is odd, so round to "
                             f"the even digit: {ds} {op} {qs} = {result}.")
        answer = result
        if kind == "sf" and rounded.adjusted() > lead:  # carried into a new leading digit
            answer = _text(rounded.quantize(Decimal(1).scaleb(e + 1)))
        lines.append(f"So {xs} rounded to {target} is {answer}.")
        check = {"kind": kind, "unrounded": xs, "down": ds, "place": e,
                 "other": _text(x.quantize(quantum, ROUND_HALF_UP if rule == "half_even"
                                           else ROUND_HALF_EVEN))}
        return Task(question, answer, "\n".join(lines), check)

    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        got = parse_rounded(answer)
        return 1.0 if got is not None and got == parse_number(task.answer) else 0.0

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        want = parse_number(task.answer)
        out = [task.check.get("unrounded", ""), task.check.get("down", ""),
               task.check.get("other", "")]
        unit = Decimal(1).scaleb(Decimal(task.answer).as_tuple().exponent)
        out += [_text(Decimal(task.answer) + unit), _text(Decimal(task.answer) - unit)]
        return [o for o in dict.fromkeys(out) if o and parse_number(o) != want]
