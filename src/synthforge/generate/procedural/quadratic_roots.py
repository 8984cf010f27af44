"""Quadratic equations with rational roots, solved by factoring or the quadratic formula."""

from __future__ import annotations

import random
import re
from fractions import Fraction
from math import gcd, isqrt

from synthforge.generate.procedural.answers import parse_number
from synthforge.generate.procedural.base import Family, Task, family

VARIABLES = ("x", "x", "x", "y", "t", "z", "n", "k")
# by level: method, leading factor bound, root numerator bound, forms allowed
LEVELS = {1: ("monic", 1, 18), 2: ("scaled", 6, 15), 3: ("grouping", 3, 12),
          4: ("grouping", 5, 12), 5: ("formula", 9, 15)}
PHRASES = (
    "Solve {eq}.", "Find all real solutions of {eq}.", "Find the roots of the equation {eq}.",
    "Solve for {v}: {eq}.", "What values of {v} satisfy {eq}?", "Determine the solutions of {eq}.",
    "For which {v} does {eq} hold?", "Solve the quadratic equation {eq}.",
    "Find every value of {v} with {eq}.", "Find the real numbers {v} such that {eq}.",
    "Which values of {v} make {eq} true?", "Solve the equation {eq} for {v}.",
)
ENDINGS = ("", " Give all solutions.", " List every root.", " Show your work.")
SEPARATORS = re.compile(r"\s*(?:,|;|\bor\b|\band\b|&|\n)\s*")
ASSIGNMENT = re.compile(r"\b[a-z](?:_?[0-9₀-₉])?\s*=")
REMARK = re.compile(r"\([^()]*[a-z][^()]*\)|\b(?:double|repeated)\s+root\b|\btwice\b")


def fmt(v: Fraction | int) -> str:
    if v.__class__ is int:
        return str(v)
    return str(v.numerator) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"


def paren(v: Fraction | int) -> str:
    return f"({fmt(v)})" if v < 0 else fmt(v)


def term(c: int, v: str, first: bool) -> str:
    """One term `c·v` of a sum: its sign and magnitude (`v` may be '' for constants)."""
    mag = str(abs(c)) if (abs(c) != 1 or not v) else ""
    if first:
        return f"{'-' if c < 0 else ''}{mag}{v}"
    return f" {'-' if c < 0 else '+'} {mag}{v}"


def poly(coefs: tuple[int, ...], powers: tuple[str, ...]) -> str:
    out = ""
    for c, p in zip(coefs, powers, strict=True):
        if c:
            out += term(c, p, not out)
    return out or "0"


def linear(a: int, b: int, v: str) -> str:
    """`ax + b`."""
    return poly((a, b), (v, ""))


def root_of(a: int, b: int) -> Fraction | int:
    """The root of ax + b = 0."""
    value = Fraction(-b, a)
    return value.numerator if value.denominator == 1 else value


def solve_linear(lines: list[str], a: int, b: int, v: str) -> Fraction | int:
    r = root_of(a, b)
    if b == 0:
        lines.append(f"  {linear(a, b, v)} = 0 gives {v} = 0")
    elif a == 1:
        lines.append(f"  {linear(a, b, v)} = 0 gives {v} = {fmt(r)}")
    else:
        lines.append(f"  {linear(a, b, v)} = 0 gives {linear(a, 0, v)} = {-b}, so "
                     f"{v} = {-b} ÷ {paren(a)} = {fmt(r)}")
    return r


@family("quadratic_roots")
class QuadraticRoots(Family):
    """Solve a quadratic equation with rational roots (factoring, grouping or the formula)."""

    domain = "algebra"
    skills = ("quadratic equations", "factoring", "quadratic formula")
    answer_kind = "root_set"

    def make(self, rng: random.Random, level: int) -> Task:
        method, kmax, hi = LEVELS[level]
        v = rng.choice(VARIABLES)
        powers = (f"{v}²", v, "")
        # the factors (px - q)(rx - s), times k
        k = 1
        if method in ("monic", "scaled"):
            p = r = 1
            q, s = rng.randint(-hi, hi), rng.randint(-hi, hi)
            while q == 0 or s == 0 or q == -s:
                q, s = rng.randint(-hi, hi), rng.randint(-hi, hi)
            if method == "scaled":
                k = rng.randint(2, kmax) * rng.choice((1, -1))
        else:
            while True:
                p, r = rng.randint(1, kmax), rng.randint(1, kmax)
                q, s = rng.randint(-hi, hi), rng.randint(-hi, hi)
                if gcd(p, q) != 1 or gcd(r, s) != 1 or (p == 1 and r == 1):
                    continue
                if level < 4 and (q == 0 or s == 0 or q * r == -s * p):
                    continue
                if q * r == s * p and rng.random() < 0.7:
                    continue  # double roots, but not too often
                break
        a, b, c = k * p * r, -k * (p * s + q * r), k * q * s
        lines: list[str] = []
        eq, moved = self._present(rng, a, b, c, powers, level)
        if moved:
            lines.append(f"Bring every term to one side: {poly((a, b, c), powers)} = 0.")
        if k != 1:
            a, b, c = a // k, b // k, c // k
            lines.append(f"Divide both sides by {k}: {poly((a, b, c), powers)} = 0.")
        roots: list[Fraction | int]
        if method in ("monic", "scaled"):
            roots = self._monic(lines, b, c, v)
        elif method == "grouping":
            roots = self._grouping(lines, a, b, c, p, q, r, s, v, powers)
        else:
            roots = self._formula(lines, a, b, c, v)
        distinct = sorted(set(roots))
        assert set(distinct) == {Fraction(q, p), Fraction(s, r)}
        answer = " or ".join(f"{v} = {fmt(x)}" for x in distinct)
        if len(distinct) == 1:
            lines.append(f"The only solution is {answer} (a double root).")
        else:
            lines.append(f"So the solutions are {answer}.")
        question = rng.choice(PHRASES).format(v=v, eq=eq) + rng.choice(ENDINGS)
        return Task(question, answer, "\n".join(lines),
                    {"variable": v, "roots": [fmt(x) for x in distinct], "equation": eq})

    @staticmethod
    def _present(rng: random.Random, a: int, b: int, c: int, powers: tuple[str, ...],
                 level: int) -> tuple[str, bool]:
        """The equation as asked: standard form, or with terms on both sides."""
        form = rng.randrange(6 if level >= 4 else 5)
        if form <= 1 or (form == 2 and not c) or (form == 3 and not b):
            return f"{poly((a, b, c), powers)} = 0", False
        if form == 2:
            return f"{poly((a, b, 0), powers)} = {-c}", True
        if form == 3:
            return f"{poly((a, 0, c), powers)} = {poly((0, -b, 0), powers)}", True
        if form == 4:
            return f"{poly((a, 0, 0), powers)} = {poly((0, -b, -c), powers)}", True
        # both sides: (a + a2)x² + (b + b2)x + (c + c2) = a2x² + b2x + c2
        a2, b2, c2 = rng.randint(1, 4), rng.randint(-9, 9), rng.randint(-20, 20)
        return f"{poly((a + a2, b + b2, c + c2), powers)} = {poly((a2, b2, c2), powers)}", True

    @staticmethod
    def _monic(lines: list[str], b: int, c: int, v: str) -> list[Fraction | int]:
        m, n = sorted((-x for x in QuadraticRoots._monic_roots(b, c)), key=lambda t: (abs(t), t))
        lines.append(f"Look for two numbers whose product is {c} and whose sum is {b}: "
                     f"{m} and {n}, since {m} × {paren(n)} = {c} and {m} + {paren(n)} = {b}.")
        if m == n:
            lines.append(f"So the left side is a perfect square: ({linear(1, m, v)})² = 0.")
            return solve_pair(lines, [(1, m)], v)
        lines.append(f"So it factors as ({linear(1, m, v)})({linear(1, n, v)}) = 0.")
        lines.append("A product is zero only when one of its factors is zero:")
        return solve_pair(lines, [(1, m), (1, n)], v)

    @staticmethod
    def _monic_roots(b: int, c: int) -> tuple[int, int]:
        d = b * b - 4 * c
        s = isqrt(d)
        return (-b + s) // 2, (-b - s) // 2

    @staticmethod
    def _grouping(lines: list[str], a: int, b: int, c: int, p: int, q: int, r: int, s: int,
                  v: str, powers: tuple[str, ...]) -> list[Fraction | int]:
        if c == 0:
            g = gcd(a, b)
            lines.append(f"Every term contains {v}; factor out {linear(g, 0, v)}: "
                         f"{linear(g, 0, v)}({linear(a // g, b // g, v)}) = 0.")
            lines.append("A product is zero only when one of its factors is zero:")
            return solve_pair(lines, [(g, 0), (a // g, b // g)], v)
        if b == 0:
            # difference of squares: a x² - |c| = (√a x - √|c|)(√a x + √|c|)
            ra, rc = isqrt(a), isqrt(-c)
            lines.append(f"This is a difference of squares: {a} = {ra} × {ra} and "
                         f"{-c} = {rc} × {rc}, so it factors as "
                         f"({linear(ra, -rc, v)})({linear(ra, rc, v)}) = 0.")
            lines.append("A product is zero only when one of its factors is zero:")
            return solve_pair(lines, [(ra, -rc), (ra, rc)], v)
        m, n = -p * s, -q * r  # m·n = ac, m + n = b
        if abs(m) > abs(n) or (abs(m) == abs(n) and m > n):
            m, n = n, m
        lines.append(f"Multiply the leading coefficient by the constant: a × c = {a} × {paren(c)} "
                     f"= {a * c}.")
        lines.append(f"Find two numbers with product {a * c} and sum {b}: {m} and {n}, "
                     f"because {m} × {paren(n)} = {a * c} and {m} + {paren(n)} = {b}.")
        lines.append(f"Split the middle term: {poly((a, m, n, c), (powers[0], v, v, ''))} = 0.")
        g1 = gcd(a, m)
        ia, ib = a // g1, m // g1
        g2 = gcd(n, c)
        if (n // g2, c // g2) != (ia, ib):
            g2 = -g2
        assert (n // g2, c // g2) == (ia, ib)
        inner = linear(ia, ib, v)
        outer = linear(g1, 0, v)
        second = f" + {g2}" if g2 > 0 else f" - {-g2}"
        lines.append(f"Group in pairs and factor each: {outer}({inner}){second}({inner}) = 0.")
        lines.append(f"Take out the common factor ({inner}): "
                     f"({linear(g1, g2, v)})({inner}) = 0.")
        lines.append("A product is zero only when one of its factors is zero:")
        return solve_pair(lines, [(g1, g2), (ia, ib)], v)

    @staticmethod
    def _formula(lines: list[str], a: int, b: int, c: int, v: str) -> list[Fraction | int]:
        lines.append(f"Use the quadratic formula {v} = (-b ± √(b² - 4ac)) / (2a) with a = {a}, "
                     f"b = {b}, c = {c}.")
        bb, ac4 = b * b, 4 * a * c
        d = bb - ac4
        rest = f"{bb} - {ac4}" if ac4 >= 0 else f"{bb} + {-ac4}"
        lines.append(f"b² = {paren(b)}² = {bb} and 4ac = 4 × {a} × {paren(c)} = {ac4}.")
        lines.append(f"The discriminant is b² - 4ac = {rest} = {d}.")
        root = isqrt(d)
        assert root * root == d
        if d:
            lines.append(f"It is a perfect square: √{d} = {root}, since {root} × {root} = {d}, "
                         "so both roots are rational.")
        else:
            lines.append("It is zero, so there is one (double) root.")
        out: list[Fraction | int] = []
        for sign in ((1, -1) if d else (1,)):
            num = -b + sign * root
            val = Fraction(num, 2 * a)
            value: Fraction | int = val.numerator if val.denominator == 1 else val
            op = "+" if sign > 0 else "-"
            lines.append(f"  {v} = ({-b} {op} {root}) / (2 × {a}) = {num}/{2 * a} = {fmt(value)}"
                         if d else f"  {v} = {-b} / (2 × {a}) = {fmt(value)}")
            out.append(value)
        return out

    # -- scoring -------------------------------------------------------------------------
    @staticmethod
    def parse_roots(text: str) -> set[Fraction] | None:
        """The set of numbers in `x = 3 or x = -2`, `{-2, 3}`, `3 and -2`, `±3` (None: not a
        list of numbers)."""
        s = text.strip().casefold().replace("−", "-").replace("+-", "±").replace("+/-", "±")
        s = REMARK.sub(" ", s)
        s = ASSIGNMENT.sub(" ", s)
        s = s.strip().strip(".").replace("{", " ").replace("}", " ").replace("[", " ") \
            .replace("]", " ")
        if s.startswith("(") and s.endswith(")") and "," in s:
            s = s[1:-1]
        out: set[Fraction] = set()
        for part in SEPARATORS.split(s):
            part = part.strip()
            if not part:
                continue
            both = part.startswith("±")
            value = parse_number(part.lstrip("±").strip(), percent=False)
            if value is None:
                return None
            out.add(value)
            if both:
                out.add(-value)
        return out or None

    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        want = cls.parse_roots(task.answer)
        got = cls.parse_roots(answer)
        return 1.0 if got is not None and got == want else 0.0

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        roots = sorted(cls.parse_roots(task.answer) or ())
        v = task.check.get("variable", "x")
        cands = [[-roots[0], *roots[1:]], [x + 1 for x in roots], [-x for x in roots],
                 [*roots, roots[0] + 2]]
        if len(roots) > 1:
            cands.append(roots[:1])
            cands.append(roots[1:])
        want = set(roots)
        out = []
        for cand in cands:
            if set(cand) != want:
                out.append(" or ".join(f"{v} = {fmt(x)}" for x in cand))
        return out


def solve_pair(lines: list[str], factors: list[tuple[int, int]], v: str) -> list[Fraction | int]:
    return [solve_linear(lines, a, b, v) for a, b in factors]
