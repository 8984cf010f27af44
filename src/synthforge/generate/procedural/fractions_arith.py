"""Fractions and mixed numbers: add, subtract, multiply, divide and simplify.

The canonical answer is a fraction in lowest terms, `p/q` (or a whole number). On the
arithmetic items any exactly equal value is accepted: `3/4`, `6/8`, `0.75` and, for 3/2,
the mixed number `1 1/2`; `0.33` is not 1/3. On "simplify" items the fraction itself must be
in lowest terms (`3/4` or a whole or mixed number in lowest terms; `6/8` and `0.75` are
refused, since they are not the simplified fraction that was asked for).
"""

from __future__ import annotations

import random
from math import gcd

from pydantic import Field

from synthforge.generate.procedural.answers import parse_number
from synthforge.generate.procedural.base import Family, FamilyConfig, Task, family

Frac = tuple[int, int]  # (numerator, denominator > 0), kept in lowest terms

ASK = ("Calculate {e}.", "What is {e}?", "Evaluate {e}.", "Work out {e}.", "Find {e}.",
       "Compute {e}.", "Find the value of {e}.", "Simplify {e}.", "What does {e} equal?",
       "Determine the value of {e}.", "Give the value of {e}.", "Work out the value of {e}.")
TAIL = ("", " Give the answer in lowest terms.", " Write the result as a fraction in simplest "
        "form.", " Express your answer as a simplified fraction.",
        " Give your answer as a fraction in lowest terms.", " Simplify your answer.",
        " Reduce the result to lowest terms.", " Show each step.")
SIMPLIFY = ("Simplify {f}.", "Write {f} in lowest terms.", "Reduce {f} to lowest terms.",
            "Express {f} in simplest form.", "What is {f} in lowest terms?",
            "Simplify the fraction {f} as far as possible.", "Reduce the fraction {f}.",
            "Write the fraction {f} in its simplest form.")
HINT = ("", "", " Show your working.", " Divide by the greatest common divisor.",
        " Give the simplified fraction.")
# by level: operands, largest denominator, operations, chance of a mixed number,
# chance of a simplify item, negatives allowed
LEVELS = {1: ((2, 2), 16, "+-", 0.0, 0.4, False), 2: ((2, 2), 16, "+-×", 0.0, 0.2, False),
          3: ((2, 2), 16, "+-×÷", 0.3, 0.1, False), 4: ((3, 3), 20, "+-×÷", 0.4, 0.0, False),
          5: ((3, 4), 24, "+-×÷", 0.4, 0.0, True)}
OP_WORD = {"+": "add", "-": "subtract"}


class FractionsConfig(FamilyConfig):
    max_denominator: int | None = Field(None, ge=2, le=1000, description="Largest "
                                        "denominator of an operand (default: by difficulty, "
                                        "12 to 24).")


def _reduce(n: int, d: int) -> Frac:
    g = gcd(n, d)
    return (n // g, d // g) if g > 1 else (n, d)


def _text(f: Frac) -> str:
    return str(f[0]) if f[1] == 1 else f"{f[0]}/{f[1]}"


def _par(f: Frac) -> str:
    """A fraction as the right operand of an operator: negatives in parentheses."""
    return f"({_text(f)})" if f[0] < 0 else _text(f)


def _mixed(f: Frac) -> str:
    whole, rest = divmod(abs(f[0]), f[1])
    sign = "-" if f[0] < 0 else ""
    return f"{sign}{whole} {rest}/{f[1]}"


FRIENDLY = (2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 18, 20, 24, 30, 36, 40, 48, 60)


def _proper(rng: random.Random, top: int, reduce: bool = True) -> Frac:
    """A proper fraction with denominator up to `top`, often a friendly denominator."""
    if rng.random() < 0.3:
        d = rng.choice(FRIENDLY)
        if d > top:
            d = rng.randint(2, top)
    else:  # the larger of two draws: every fraction n/d about equally likely
        d = max(rng.randint(2, top), rng.randint(2, top))
    n = rng.randint(1, d - 1)
    return _reduce(n, d) if reduce else (n, d)


def _combine(a: Frac, op: str, b: Frac, lines: list[str]) -> Frac:
    """Apply one operation, explaining it, and return the result in lowest terms."""
    (an, ad), (bn, bd) = a, b
    if op in "+-":
        sign = 1 if op == "+" else -1
        if ad == bd:
            n, d = an + sign * bn, ad
            if ad == 1:
                lines.append(f"{_text(a)} {op} {_par(b)} = {n}.")
                return (n, 1)
            lines.append(f"The denominators are the same, so {OP_WORD[op]} the numerators: "
                         f"{_text(a)} {op} {_par(b)} = {n}/{d}.")
        else:
            d = ad * bd // gcd(ad, bd)
            lines.append(f"The least common denominator of {ad} and {bd} is {d}.")
            rewritten = []
            for n_, d_ in (a, b):
                if d_ != d:
                    rewritten.append(f"{_text((n_, d_))} = {n_ * (d // d_)}/{d}")
            lines.append("Rewrite with that denominator: " + " and ".join(rewritten) + ".")
            an2, bn2 = an * (d // ad), bn * (d // bd)
            n = an2 + sign * bn2
            right = f"({bn2}/{d})" if bn2 < 0 else f"{bn2}/{d}"
            lines.append(f"Now {OP_WORD[op]} the numerators: {an2}/{d} {op} {right} = {n}/{d}.")
    else:
        if op == "÷":
            bn, bd = (bd, bn) if bn > 0 else (-bd, -bn)
            lines.append(f"Dividing by {_text(b)} is the same as multiplying by its "
                         f"reciprocal, {_text((bn, bd))}.")
        n, d = an * bn, ad * bd
        lines.append(f"Multiply the numerators and the denominators: "
                     f"{_text(a)} × {_par((bn, bd))} = {n}/{d}.")
    g = gcd(n, d)
    if g > 1:
        if d == g:
            lines.append(f"Simplify: {n}/{d} = {n // g}.")
        else:
            lines.append(f"Simplify by dividing the top and bottom by {g}: "
                         f"{n}/{d} = {n // g}/{d // g}.")
        return (n // g, d // g)
    return (n, d)


def _is_lowest(text: str) -> bool:
    """Whether a fraction, mixed number or whole number is written in lowest terms."""
    s = text.strip().rstrip(".").replace(" / ", "/")
    if "." in s or "%" in s or "e" in s.lower():
        return False
    if "/" not in s:
        return True
    head, _, den = s.rpartition("/")
    num = head.split()[-1] if head.split() else ""
    try:
        n, d = abs(int(num)), int(den)
    except ValueError:
        return False
    return gcd(n, d) == 1 and (d != 1) and (len(head.split()) == 1 or n < d)


@family("fractions_arith")
class FractionsArith(Family):
    """Add, subtract, multiply, divide and simplify fractions and mixed numbers."""

    Config = FractionsConfig
    domain = "arithmetic"
    skills = ("fractions", "common denominators", "simplifying", "mixed numbers")
    answer_kind = "number"

    def make(self, rng: random.Random, level: int) -> Task:
        (lo, hi), top, ops, p_mixed, p_simplify, negative = LEVELS[level]
        top = self.config.max_denominator or top
        if rng.random() < p_simplify:
            return self._simplify(rng, level, top)
        while True:
            task = self._expression(rng, rng.randint(lo, hi), top, ops, p_mixed, negative)
            if task is not None:
                return task

    def _simplify(self, rng: random.Random, level: int, top: int) -> Task:
        while True:
            d = max(rng.randint(2, top + 14), rng.randint(2, top + 14))
            n = rng.randint(1, d - 1)
            if gcd(n, d) == 1:
                break
        if rng.random() < 0.3:
            n += d * rng.randint(1, 3)  # an improper fraction
        factor = rng.randint(2, 25 + 5 * level)
        big = (n * factor, d * factor)
        g = gcd(*big)
        lines = [f"Find the greatest common divisor of {big[0]} and {big[1]}: it is {g}.",
                 f"Divide the numerator by it: {big[0]} ÷ {g} = {n}.",
                 f"Divide the denominator by it: {big[1]} ÷ {g} = {d}.",
                 f"So {big[0]}/{big[1]} = {_text((n, d))}, and {n} and {d} have no common "
                 "factor other than 1."]
        if n > d and d > 1:
            lines.append(f"(As a mixed number that is {_mixed((n, d))}.)")
        lines.append(f"In lowest terms the fraction is {_text((n, d))}.")
        question = rng.choice(SIMPLIFY).format(f=f"{big[0]}/{big[1]}") + rng.choice(HINT)
        return Task(question, _text((n, d)), "\n".join(lines),
                    {"simplify": True, "given": f"{big[0]}/{big[1]}"})

    def _expression(self, rng: random.Random, count: int, top: int, ops: str, p_mixed: float,
                    negative: bool) -> Task | None:
        values: list[Frac] = []
        texts: list[str] = []
        lines: list[str] = []
        conversions = []
        same = rng.random() < 0.3  # a common denominator already
        for i in range(count):
            f = _proper(rng, top, reduce=rng.random() < 0.7)
            if same and i and values[0][1] > 4:
                f = (rng.randint(1, values[0][1] - 1), values[0][1])
            if f in values and top > 5:  # no repeated operand, where there is room
                return None
            if p_mixed and rng.random() < p_mixed:
                whole = rng.randint(1, 5)
                f = (f[0] + whole * f[1], f[1])
                texts.append(f"{whole} {f[0] - whole * f[1]}/{f[1]}")
                conversions.append(f"{texts[-1]} is ({whole} × {f[1]} + {f[0] - whole * f[1]})"
                                   f"/{f[1]} = {f[0]}/{f[1]}.")
            elif negative and rng.random() < 0.2:
                f = (-f[0], f[1])
                texts.append(f"({_text(f)})")
            else:
                texts.append(_text(f))
            values.append(f)
        chosen = [rng.choice(ops) for _ in range(count - 1)]
        if count == 2 and chosen[0] == "-" and not negative and values[0][0] * values[1][1] < \
                values[1][0] * values[0][1]:
            values.reverse()
            texts.reverse()
        expression = texts[0] + "".join(f" {o} {t}" for o, t in zip(chosen, texts[1:],
                                                                      strict=True))
        if conversions:
            lines.append("Write the mixed numbers as improper fractions:")
            lines += conversions
        # multiplication and division first, then addition and subtraction, left to right
        terms, signs = [values[0]], []
        first = any(o in "×÷" for o in chosen) and any(o in "+-" for o in chosen)
        if first:
            lines.append("Multiplication and division come before addition and subtraction.")
        for o, v in zip(chosen, values[1:], strict=True):
            if o in "×÷":
                terms[-1] = _combine(terms[-1], o, v, lines)
                if abs(terms[-1][0]) > 10**5 or terms[-1][1] > 10**5:
                    return None
            else:
                terms.append(v)
                signs.append(o)
        result = terms[0]
        for o, v in zip(signs, terms[1:], strict=True):
            result = _combine(result, o, v, lines)
            if result[1] > 10**5:
                return None
        answer = _text(result)
        final = f"The result is {answer}"
        if result[1] > 1 and abs(result[0]) > result[1]:
            final += f", which is {_mixed(result)} as a mixed number"
        lines.append(final + ".")
        question = rng.choice(ASK).format(e=expression) + rng.choice(TAIL)
        return Task(question, answer, "\n".join(lines))

    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        got = parse_number(answer, percent=False)
        want = parse_number(task.answer, percent=False)
        if got is None or want is None or got != want:
            return 0.0
        if task.check.get("simplify") and not _is_lowest(answer):
            return 0.0
        return 1.0

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        value = parse_number(task.answer, percent=False)
        n, d = value.numerator, value.denominator
        out = {f"{n + 1}/{d}", f"{n - 1}/{d}" if d > 1 else str(n - 1)}
        if n:
            out.add(f"{n}/{d + 1}")
            out.add(_text((-n, d)))
            if abs(n) != d:
                out.add(_text((d, n) if n > 0 else (-d, -n)))
        if task.check.get("simplify"):
            out.add(task.check["given"])
            g = gcd(*map(int, task.check["given"].split("/")))
            for p in range(2, g):
                if g % p == 0:  # only partly simplified
                    out.add(f"{n * (g // p)}/{d * (g // p)}")
                    break
        return sorted(o for o in out if o != task.answer)
