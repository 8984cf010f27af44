"""Fractions and mixed numbers: add, subtract, multiply, divide and simplify.

The canonical answer is a fraction in lowest terms, `p/q` (or a whole number). On the
arithmetic items any exactly equal value is accepted: `3/4`, `6/8`, `0.75` and, for 3/2,
the mixed number `1 1/2`; `0.33` is not 1/3. On "simplify" items the fraction itself must be
in lowest terms (`3/4` or a whole or mixed number in lowest terms; `6/8` and `0.75` are
refused, since they are not the simplified fraction that was asked for).
"""

from __future__ import annotations

import random
from functools import lru_cache
from math import gcd, isqrt
from typing import Literal

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
        " Reduce the result to lowest terms.", " Show each step.",
        " Show your working.", " Give the result in simplest form.",
        " Answer with a fraction in lowest terms or a whole number.", " Work step by step.")
SIMPLIFY = ("Simplify {f}.", "Write {f} in lowest terms.", "Reduce {f} to lowest terms.",
            "Express {f} in simplest form.", "What is {f} in lowest terms?",
            "Simplify the fraction {f} as far as possible.", "Reduce the fraction {f}.",
            "Write the fraction {f} in its simplest form.", "Simplify the fraction {f}.",
            "Reduce {f} as far as possible.", "What is {f} in simplest form?",
            "Put the fraction {f} in lowest terms.", "Write {f} as a fraction in lowest terms.",
            "Find the simplest form of {f}.")
HINT = ("", "", " Show your working.", " Divide by the greatest common divisor.",
        " Give the simplified fraction.", " Work step by step.",
        " Give the answer as a fraction in lowest terms.", " Explain each step.")
# by level: operands, largest denominator, operations, chance of a mixed number (%),
# chance of a simplify item (%), negatives allowed
LEVELS = {1: ((2, 2), 16, "+-", 0, 40, False), 2: ((2, 2), 16, "+-×", 0, 20, False),
          3: ((2, 2), 16, "+-×÷", 30, 10, False), 4: ((3, 3), 20, "+-×÷", 40, 0, False),
          5: ((3, 4), 24, "+-×÷", 40, 0, True)}
# the templates cut around their blank: joining pieces is cheaper than str.format
_ASK = tuple(tuple(t.split("{e}")) for t in ASK)
_SIMPLIFY = tuple(tuple(t.split("{f}")) for t in SIMPLIFY)


class FractionsConfig(FamilyConfig):
    max_denominator: int | None = Field(None, ge=2, le=1000, description="Largest "
                                        "denominator of an operand (default: by difficulty, "
                                        "12 to 24).")
    kind: Literal["simplify", "arithmetic"] | None = Field(
        None, description="Only this kind of item: 'simplify' (reduce one fraction to lowest "
        "terms) or 'arithmetic' (an expression); default: both, the share by difficulty.")


def _text(f: Frac) -> str:
    return str(f[0]) if f[1] == 1 else f"{f[0]}/{f[1]}"


def _par(f: Frac) -> str:
    """A fraction as the right operand of an operator: negatives in parentheses."""
    return f"({_text(f)})" if f[0] < 0 else _text(f)


FRIENDLY = (2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 18, 20, 24, 30, 36, 40, 48, 60)
_TABLE_LIMIT = 300  # coprime pairs are tabled up to this denominator


@lru_cache(maxsize=16)
def _coprime_pairs(limit: int) -> tuple[Frac, ...]:
    """Every n/d in lowest terms with 0 < n < d <= limit."""
    return tuple((n, d) for d in range(2, limit + 1) for n in range(1, d) if gcd(n, d) == 1)


def _lowest(rng: random.Random, limit: int) -> tuple[int, int, int]:
    """A proper fraction in lowest terms with denominator up to `limit`, each about equally
    likely, and the unused high part of the draw: (n, d, rest)."""
    if limit <= _TABLE_LIMIT:
        pairs = _coprime_pairs(limit)
        rest, i = divmod(rng.getrandbits(64), len(pairs))
        n, d = pairs[i]
        return n, d, rest
    square = (limit - 1) ** 2
    while True:  # the larger of two draws for d (isqrt of a uniform), n below it
        rest, x = divmod(rng.getrandbits(64), square)
        d = 2 + isqrt(x)
        rest, x = divmod(rest, d - 1)
        if gcd(x + 1, d) == 1:
            return x + 1, d, rest


def _proper(bits: int, top: int) -> tuple[int, int, int]:
    """A proper fraction with denominator up to `top`, often a friendly denominator, cut
    from a random integer: (n, d, unused bits). n/d is not always in lowest terms."""
    bits, u = divmod(bits, 10)
    if u < 3:
        bits, i = divmod(bits, 19)
        d = FRIENDLY[i]
        if d > top:
            bits, x = divmod(bits, top - 1)
            d = x + 2
    else:  # the larger of two draws (isqrt of a uniform): every fraction n/d about equally
        bits, x = divmod(bits, (top - 1) * (top - 1))  # likely
        d = isqrt(x) + 2
    bits, x = divmod(bits, d - 1)
    return x + 1, d, bits


def _combine(a: Frac, op: str, b: Frac, lines: list[str]) -> Frac:
    """Apply one operation, explaining it, and return the result in lowest terms."""
    (an, ad), (bn, bd) = a, b
    if op == "+" or op == "-":
        word = "add" if op == "+" else "subtract"
        if ad == bd:
            n, d = (an + bn if op == "+" else an - bn), ad
            if ad == 1:
                lines.append(f"{an} {op} {f'({bn})' if bn < 0 else bn} = {n}.")
                return (n, 1)
            lines.append(f"The denominators are the same, so {word} the numerators: "
                         f"{_text(a)} {op} {_par(b)} = {n}/{d}.")
        else:
            d = ad * bd // gcd(ad, bd)
            an2, bn2 = an * (d // ad), bn * (d // bd)
            n = an2 + bn2 if op == "+" else an2 - bn2
            if ad == d:
                rewritten = f"{_text(b)} = {bn2}/{d}"
            elif bd == d:
                rewritten = f"{_text(a)} = {an2}/{d}"
            else:
                rewritten = f"{_text(a)} = {an2}/{d} and {_text(b)} = {bn2}/{d}"
            right = f"({bn2}/{d})" if bn2 < 0 else f"{bn2}/{d}"
            lines.append(f"The least common denominator of {ad} and {bd} is {d}.")
            lines.append(f"Rewrite with that denominator: {rewritten}.")
            lines.append(f"Now {word} the numerators: {an2}/{d} {op} {right} = {n}/{d}.")
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
        kind = self.config.kind
        if kind == "simplify" or (kind is None and rng.getrandbits(64) % 100 < p_simplify):
            return self._simplify(rng, level, top)
        while True:
            task = self._expression(rng, lo if lo == hi else rng.randint(lo, hi), top, ops,
                                    p_mixed, negative)
            if task is not None:
                return task

    @staticmethod
    def _simplify(rng: random.Random, level: int, top: int) -> Task:
        n, d, bits = _lowest(rng, top + 14)
        bits, u = divmod(bits, 10)
        if u < 3:
            n += d * (u + 1)  # an improper fraction
        bits, factor = divmod(bits, 24 + 5 * level)
        factor += 2
        bits, t = divmod(bits, len(SIMPLIFY))
        big_n, big_d = n * factor, d * factor
        given = f"{big_n}/{big_d}"
        answer = f"{n}/{d}"
        # n/d is in lowest terms, so the greatest common divisor is the factor
        solution = (f"Find the greatest common divisor of {big_n} and {big_d}: it is "
                    f"{factor}.\nDivide the numerator by it: {big_n} ÷ {factor} = {n}.\n"
                    f"Divide the denominator by it: {big_d} ÷ {factor} = {d}.\n"
                    f"So {given} = {answer}, and {n} and {d} have no common factor other "
                    "than 1.\n")
        if n > d:
            solution += f"(As a mixed number that is {n // d} {n % d}/{d}.)\n"
        head, tail = _SIMPLIFY[t]
        return Task(head + given + tail + HINT[bits % len(HINT)],
                    answer, solution + f"In lowest terms the fraction is {answer}.",
                    {"simplify": True, "given": given})

    @staticmethod
    def _expression(rng: random.Random, count: int, top: int, ops: str, p_mixed: int,
                    negative: bool) -> Task | None:
        values: list[Frac] = []
        texts: list[str] = []
        conversions: list[str] = []
        bits, u = divmod(rng.getrandbits(64), 10)
        same = u < 3  # a common denominator already
        for i in range(count):
            n, d, b = _proper(rng.getrandbits(64), top)
            if top > 64:
                b = rng.getrandbits(64)  # the rest needs fresh bits
            b, u = divmod(b, 10)
            if u < 7:
                g = gcd(n, d)
                if g > 1:
                    n, d = n // g, d // g
            if same and i and values[0][1] > 4:
                d = values[0][1]
                b, n = divmod(b, d - 1)
                n += 1
            f = (n, d)
            if f in values and top > 5:  # no repeated operand, where there is room
                return None
            mixed = False
            if p_mixed:
                b, u = divmod(b, 100)
                mixed = u < p_mixed
            if mixed:
                whole = b % 5 + 1
                texts.append(f"{whole} {n}/{d}")
                f = (n + whole * d, d)
                conversions.append(f"{whole} {n}/{d} is ({whole} × {d} + {n})/{d} = "
                                   f"{f[0]}/{d}.")
            elif negative and b % 5 == 0:
                f = (-n, d)
                texts.append(f"(-{n})" if d == 1 else f"(-{n}/{d})")
            else:
                texts.append(str(n) if d == 1 else f"{n}/{d}")
            values.append(f)
        lines: list[str] = []
        if conversions:
            lines.append("Write the mixed numbers as improper fractions:")
            lines += conversions
        width = len(ops)
        if count == 2:  # one operation (levels 1 to 3): no order of operations to explain
            bits, o = divmod(bits, width)
            op = ops[o]
            a, b = values
            if op == "-" and not negative and a[0] * b[1] < b[0] * a[1]:
                a, b = b, a
                texts.reverse()
            expression = f"{texts[0]} {op} {texts[1]}"
            result = _combine(a, op, b, lines)
            if op in "+-":
                if result[1] > 10**5:
                    return None
            elif abs(result[0]) > 10**5 or result[1] > 10**5:
                return None
        else:
            chosen = []
            for _ in range(count - 1):
                bits, o = divmod(bits, width)
                chosen.append(ops[o])
            expression = texts[0] + "".join(f" {o} {t}" for o, t in zip(chosen, texts[1:],
                                                                          strict=True))
            # multiplication and division first, then addition and subtraction, left to right
            terms, signs = [values[0]], []
            if any(o in "×÷" for o in chosen) and any(o in "+-" for o in chosen):
                lines.append("Multiplication and division come before addition and "
                             "subtraction.")
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
        rn, rd = result
        if rd == 1:
            answer = str(rn)
            lines.append(f"The result is {answer}.")
        else:
            answer = f"{rn}/{rd}"
            if abs(rn) > rd:
                whole, rest = divmod(abs(rn), rd)
                lines.append(f"The result is {answer}, which is {'-' if rn < 0 else ''}{whole} "
                             f"{rest}/{rd} as a mixed number.")
            else:
                lines.append(f"The result is {answer}.")
        bits, a = divmod(bits, len(ASK))
        head, tail = _ASK[a]
        return Task(head + expression + tail + TAIL[bits % len(TAIL)], answer,
                    "\n".join(lines))

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
