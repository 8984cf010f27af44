"""Systems of linear equations in two or three unknowns, solved by substitution or elimination."""

from __future__ import annotations

import itertools
import random
import re
from fractions import Fraction
from math import gcd

from synthforge.generate.procedural.answers import parse_number
from synthforge.generate.procedural.base import Family, Task, family

VARS2 = (("x", "y"), ("a", "b"), ("m", "n"), ("p", "q"), ("s", "t"), ("u", "v"))
VARS3 = (("x", "y", "z"), ("a", "b", "c"), ("p", "q", "r"), ("u", "v", "w"))
# by level: unknowns, coefficient bound, solution bound, method
LEVELS = {1: (2, 6, 10, "substitution"), 2: (2, 9, 15, "matched"), 3: (2, 12, 20, "general"),
          4: (3, 5, 9, "integer"), 5: (3, 3, 6, "fractional")}
# every row of coefficients in -hi..hi, by (unknowns, hi), for drawing matrices quickly
ROWS = {(n, hi): tuple(itertools.product(range(-hi, hi + 1), repeat=n))
        for n, hi in {(lv[0], lv[1]) for lv in LEVELS.values()}}
PHRASES = (
    "Solve the system of equations:{eqs}",
    "Solve simultaneously:{eqs}",
    "Find {names} such that{eqs}",
    "What values of {names} satisfy all of these equations?{eqs}",
    "Solve for {names}:{eqs}",
    "Find the solution of the linear system{eqs}",
    "Determine {names} if{eqs}",
)
ENDINGS = ("", "\nGive the answer as {form}.", "\nWrite the answer in the form {form}.")

_ASSIGN = re.compile(r"([A-Za-z])\s*=\s*([-+−]?\s*\d+(?:\.\d+)?(?:\s*/\s*\d+)?)")
_TUPLE = re.compile(r"^\(?\s*([^,()]+?)\s*,\s*([^,()]+?)\s*(?:,\s*([^,()]+?)\s*)?\)?\.?$")


def fmt(v: Fraction | int) -> str:
    """A number as text: an integer or p/q."""
    if v.__class__ is int:
        return str(v)
    return str(v.numerator) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"


def divide(a: Fraction | int, b: int) -> Fraction | int:
    """a / b, kept an int when exact."""
    if a.__class__ is int and a % b == 0:
        return a // b
    value = Fraction(a) / b
    return value.numerator if value.denominator == 1 else value


def paren(v: Fraction | int) -> str:
    """A number as an operand: negatives in parentheses."""
    return f"({fmt(v)})" if v < 0 else fmt(v)


_TERMS: dict[tuple[int, str], tuple[str, str]] = {}


def _term(c: int, v: str) -> tuple[str, str]:
    """A term `c·v` as the first term of a sum and as a later one (memoised)."""
    key = (c, v)
    found = _TERMS.get(key)
    if found is None:
        mag = "" if abs(c) == 1 else str(abs(c))
        found = (f"{'-' if c < 0 else ''}{mag}{v}", f" {'-' if c < 0 else '+'} {mag}{v}")
        if len(_TERMS) < 50_000:
            _TERMS[key] = found
    return found


def side(coefs: list[int] | tuple[int, ...], names: tuple[str, ...]) -> str:
    """`2x - y + 3z` written plainly (zero terms left out)."""
    out = ""
    for c, v in zip(coefs, names, strict=True):
        if c:
            out += _term(c, v)[1 if out else 0]
    return out or "0"


def equation(row: list[int], names: tuple[str, ...]) -> str:
    return f"{side(row[:-1], names)} = {row[-1]}"


def combine(a: list[int], b: list[int], ma: int, mb: int, sign: int) -> list[int]:
    return [ma * x + sign * mb * y for x, y in zip(a, b, strict=True)]


def reduce_row(row: list[int]) -> tuple[list[int], int]:
    g = 0
    for c in row:
        g = gcd(g, c)
    if g > 1:
        return [c // g for c in row], g
    return row, 1


def eliminate(lines: list[str], rows: list[list[int]], labels: list[str], var: int,
              names: tuple[str, ...], label: str) -> list[int]:
    """Combine two equations so that `var` drops out; return the new row."""
    (r1, r2), (l1, l2) = rows, labels
    p, q = r1[var], r2[var]
    g = gcd(p, q)
    m1, m2 = abs(q) // g, abs(p) // g
    s1 = [m1 * c for c in r1]
    s2 = [m2 * c for c in r2]
    v = names[var]
    if m1 != 1 or m2 != 1:
        parts = [f"({l1}) by {m1}" if m1 != 1 else "", f"({l2}) by {m2}" if m2 != 1 else ""]
        lines.append(f"To eliminate {v}, multiply {' and '.join(p for p in parts if p)} so that "
                     f"the {v} coefficients match:")
        lines.append(f"  {equation(s1, names)}")
        lines.append(f"  {equation(s2, names)}")
    same = (p > 0) == (q > 0)
    new = [x - y for x, y in zip(s1, s2, strict=True)] if same else \
        [x + y for x, y in zip(s1, s2, strict=True)]
    op = "Subtract the second from the first" if same else "Add them"
    if m1 == 1 and m2 == 1:
        op = (f"The {v} coefficients are equal, so subtract ({l2}) from ({l1})" if same
              else f"The {v} coefficients are opposites, so add ({l1}) and ({l2})")
    c1, c2 = s1[-1], s2[-1]
    const = signed(c1, -c2 if same else c2)
    lines.append(f"{op} to remove {v} (constants: {const} = {new[-1]}): "
                 f"{equation(new, names)}.")
    if len(new) - new[:-1].count(0) > 2:
        g = 0
        for c in new:
            g = gcd(g, c)
        if all(c <= 0 for c in new[:-1]):
            g = -g
        if g not in (0, 1):
            new = [c // g for c in new]
            lines.append(f"Divide by {g}: {equation(new, names)}.")
    if label:
        lines[-1] += f"   ({label})"
    return new


def signed(a: Fraction | int, b: Fraction | int) -> str:
    """`a + b` written with the sign of b: `7 - 3`, `7 + 3`."""
    return f"{fmt(a)} + {fmt(b)}" if b >= 0 else f"{fmt(a)} - {fmt(-b)}"


def products(coefs: list[int], values: list[Fraction]) -> str:
    """`2 × 3 - 4 × (-1)`: a sum of coefficient × value, signs folded into the operators."""
    out = ""
    for c, v in zip(coefs, values, strict=True):
        if not c:
            continue
        if not out:
            out = f"{c} × {paren(v)}"
        else:
            out += f" {'+' if c > 0 else '-'} {abs(c)} × {paren(v)}"
    return out


def back_substitute(lines: list[str], row: list[int], label: str, var: int,
                    names: tuple[str, ...], known: dict[int, Fraction]) -> Fraction:
    """Solve `row` for `var` given the values in `known`, showing the work."""
    rhs: Fraction | int = row[-1]
    coef = row[var]
    lhs = f"{'' if coef == 1 else '-' if coef == -1 else coef}{names[var]}"
    terms = []
    text = str(row[-1])
    for i, value in known.items():
        c = row[i]
        if not c:
            continue
        t = c * value
        terms.append(f"the {names[i]} term is {c} × {paren(value)} = {fmt(t)}")
        text += f" - {fmt(t)}" if t >= 0 else f" + {fmt(-t)}"
        rhs -= t
    if terms:
        vals = ", ".join(f"{names[i]} = {fmt(known[i])}" for i in sorted(known) if row[i])
        lines.append(f"Substitute {vals} into ({label}): {'; '.join(terms)}.")
        lines.append(f"Move the known terms to the right: {lhs} = {text} = {fmt(rhs)}.")
    elif known:
        lines.append(f"Equation ({label}) has only {names[var]} left: {lhs} = {row[-1]}.")
    value = divide(rhs, coef)
    if coef == -1:
        lines.append(f"Change the signs: {names[var]} = {fmt(value)}.")
    elif coef != 1:
        lines.append(f"Divide by {coef}: {names[var]} = {fmt(rhs)} ÷ {paren(coef)} = {fmt(value)}.")
    elif not known:
        lines.append(f"So {names[var]} = {fmt(value)}.")
    return value


def lcm_cost(a: int, b: int) -> int:
    return abs(a * b) // gcd(a, b) if a and b else 0


def solve(lines: list[str], rows: list[list[int]], names: tuple[str, ...]) -> list[Fraction]:
    """Solve a nonsingular system by elimination, writing each step."""
    n = len(rows)
    sol: dict[int, Fraction] = {}
    if n == 2:
        var = min((0, 1), key=lambda i: (lcm_cost(rows[0][i], rows[1][i]), i))
        other = 1 - var
        r3 = eliminate(lines, rows, ["1", "2"], var, names, "")
        sol[other] = back_substitute(lines, r3, "", other, names, {})
        sol[var] = back_substitute(lines, rows[0], "1", var, names, {other: sol[other]})
        return [sol[0], sol[1]]
    best, e, p = -1, 0, 0
    for ve in range(3):
        column = [rows[0][ve], rows[1][ve], rows[2][ve]]
        for vp in range(3):
            pivot = column[vp]
            if pivot:
                cost = 0
                for i in range(3):
                    if i != vp and column[i]:
                        cost += abs(pivot * column[i]) // gcd(pivot, column[i])
                if best < 0 or cost < best:
                    best, e, p = cost, ve, vp
    rem = [v for v in range(3) if v != e]
    lines.append(f"First eliminate {names[e]} using equation ({p + 1}).")
    reduced, labels = [], []
    for i in range(3):
        if i == p:
            continue
        if rows[i][e] == 0:
            lines.append(f"Equation ({i + 1}) has no {names[e]} term already.")
            reduced.append(rows[i])
            labels.append(str(i + 1))
            continue
        label = str(4 + len(reduced))
        reduced.append(eliminate(lines, [rows[p], rows[i]], [str(p + 1), str(i + 1)], e,
                                 names, label))
        labels.append(label)
    (ra, rb), (la, lb) = reduced, labels
    single = [(r, lab) for r, lab in zip(reduced, labels, strict=True)
              if sum(1 for v in rem if r[v]) == 1]
    if single:
        row, lab = single[0]
        g = next(v for v in rem if row[v])
        f = next(v for v in rem if v != g)
        other, olab = (rb, lb) if row is ra else (ra, la)
        lines.append(f"Equation ({lab}) contains only {names[g]}.")
        sol[g] = back_substitute(lines, row, lab, g, names, {})
    else:
        f = min(rem, key=lambda v: (lcm_cost(ra[v], rb[v]), v))
        g = next(v for v in rem if v != f)
        lines.append(f"Now ({la}) and ({lb}) contain only {names[rem[0]]} and "
                     f"{names[rem[1]]}; eliminate {names[f]}.")
        row = eliminate(lines, [ra, rb], [la, lb], f, names, "6")
        sol[g] = back_substitute(lines, row, "6", g, names, {})
        other, olab = ra, la
    sol[f] = back_substitute(lines, other, olab, f, names, {g: sol[g]})
    sol[e] = back_substitute(lines, rows[p], str(p + 1), e, names,
                             {v: sol[v] for v in rem})
    return [sol[0], sol[1], sol[2]]


def check_line(rows: list[list[int]], sol: list[Fraction]) -> str:
    parts = [f"equation ({i + 1}): {products(row[:-1], sol)} = {row[-1]}"
             for i, row in enumerate(rows)]
    return "Check in " + "; ".join(parts) + "."


def det(m: list[list[int]]) -> int:
    """The determinant of a 2×2 or 3×3 integer matrix."""
    if len(m) == 2:
        return m[0][0] * m[1][1] - m[0][1] * m[1][0]
    return (m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
            - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]))


def nonzero(rng: random.Random, hi: int) -> int:
    v = rng.randint(1, hi)
    return v if rng.random() < 0.5 else -v


@family("linear_system")
class LinearSystem(Family):
    """Solve a system of two or three linear equations by substitution or elimination."""

    domain = "algebra"
    skills = ("simultaneous equations", "elimination", "substitution")
    answer_kind = "assignment"

    def make(self, rng: random.Random, level: int) -> Task:
        n, hi, bound, method = LEVELS[level]
        names = rng.choice(VARS2 if n == 2 else VARS3)
        lines: list[str] = []
        if method == "substitution":
            rows, sol, shown = self._substitution(rng, names, hi, bound, lines)
        else:
            rows, sol = self._draw(rng, n, hi, bound, method)
            shown = [equation(r, names) for r in rows]
            lines.append("Label the equations: " + ", ".join(
                f"({i + 1}) {e}" for i, e in enumerate(shown)) + ".")
            sol_found = solve(lines, rows, names)
            assert sol_found == sol
            lines.append(check_line(rows, sol))
        answer = ", ".join(f"{v} = {fmt(s)}" for v, s in zip(names, sol, strict=True))
        lines.append(f"So {answer}.")
        joined = " and ".join(names) if n == 2 else f"{names[0]}, {names[1]} and {names[2]}"
        if rng.random() < 0.7:
            eqs = "\n" + "\n".join(shown)
        else:
            eqs = " " + ", ".join(shown[:-1]) + " and " + shown[-1] + "."
        form = ", ".join(f"{v} = ..." for v in names)
        question = (rng.choice(PHRASES).format(names=joined, eqs=eqs)
                    + rng.choice(ENDINGS).format(form=form))
        return Task(question, answer, "\n".join(lines),
                    {"variables": list(names), "solution": [fmt(s) for s in sol]})

    # -- drawing systems -----------------------------------------------------------------
    @staticmethod
    def _substitution(rng: random.Random, names: tuple[str, ...], hi: int, bound: int,
                      lines: list[str]) -> tuple[list[list[int]], list[Fraction], list[str]]:
        x, y = names
        vx, vy = rng.randint(-bound, bound), rng.randint(-bound, bound)
        while True:
            m, b, a = nonzero(rng, 5), nonzero(rng, hi), nonzero(rng, hi)
            if a + b * m:
                break
        k = vy - m * vx
        first = f"{y} = {side([m], (x,))}" + (f" {'+' if k > 0 else '-'} {abs(k)}" if k else "")
        c = a * vx + b * vy
        second = f"{side([a, b], names)} = {c}"
        shown = [first, second] if rng.random() < 0.7 else [second, first]
        one, two = ("1", "2") if shown[0] == first else ("2", "1")
        lines.append(f"Equation ({one}) already gives {y} in terms of {x}: {first}.")
        inner = side([m], (x,)) + (f" {'+' if k > 0 else '-'} {abs(k)}" if k else "")
        sub = (side([a], (x,)) + " " if a else "") + \
            (f"{'+' if b > 0 else '-'} " if a else ("-" if b < 0 else ""))
        bmag = "" if abs(b) == 1 else str(abs(b))
        lines.append(f"Substitute it into equation ({two}): {sub}{bmag}({inner}) = {c}.")
        bm, bk = b * m, b * k
        expanded = side([a, bm], (x, x)) if a else side([bm], (x,))
        if bk:
            expanded += f" {'+' if bk > 0 else '-'} {abs(bk)}"
        lines.append(f"Expand the bracket: {expanded} = {c}.")
        coef = a + bm
        collected = side([coef], (x,)) + (f" {'+' if bk > 0 else '-'} {abs(bk)}" if bk else "")
        if a:
            lines.append(f"Collect the {x} terms ({signed(a, bm)} = {coef}): "
                         f"{collected} = {c}.")
        rhs = c - bk
        if bk:
            move = f"{c} - {bk}" if bk > 0 else f"{c} + {-bk}"
            lines.append(f"{'Subtract' if bk > 0 else 'Add'} {abs(bk)} "
                         f"{'from' if bk > 0 else 'to'} both sides: "
                         f"{side([coef], (x,))} = {move} = {rhs}.")
        assert divide(rhs, coef) == vx
        if coef != 1:
            lines.append(f"Divide by {coef}: {x} = {rhs} ÷ {paren(coef)} = {vx}.")
        ytext = f"{m} × {paren(vx)}" + (f" + {k}" if k > 0 else f" - {-k}" if k else "")
        lines.append(f"Then {y} = {ytext} = {vy}.")
        check = products([a, b], [vx, vy])
        lines.append(f"Check in equation ({two}): {check} = {c}.")
        rows = [[-m, 1, k], [a, b, c]]
        return rows, [vx, vy], shown

    @staticmethod
    def _draw(rng: random.Random, n: int, hi: int, bound: int,
              method: str) -> tuple[list[list[int]], list[Fraction]]:
        table = ROWS[n, hi]
        size = len(table)
        while True:
            code = rng.randrange(size**n)  # all rows from one draw
            m = []
            for _ in range(n):
                code, index = divmod(code, size)
                m.append(list(table[index]))
            if method == "matched":
                var = rng.randrange(2)
                m[0][var] = nonzero(rng, hi)
                m[1][var] = m[0][var] * rng.choice((-1, 1))
            d = det(m)
            if d == 0 or (n == 2 and not all(m[0] + m[1])):
                continue
            if n == 3 and (any(row.count(0) > 1 for row in m) or any(
                    (m[0][j] == 0) + (m[1][j] == 0) + (m[2][j] == 0) > 1 for j in range(3))):
                continue
            if method == "general" and any(abs(m[0][i]) == abs(m[1][i]) for i in range(2)):
                continue
            if method == "fractional":
                # integer constants, a determinant of 2..12: rational, not all whole, solutions
                if not 2 <= abs(d) <= 12:
                    continue
                # constants A·v + e_i (v whole): the solution is v plus column i of A⁻¹
                base = [rng.randint(-bound, bound) for _ in range(n)]
                i = rng.randrange(n)
                consts = [sum(cf * v for cf, v in zip(row, base, strict=True)) for row in m]
                consts[i] += rng.choice((-1, 1))
                sol = [divide(det([[consts[r] if j == col else m[r][j] for j in range(n)]
                                   for r in range(n)]), d) for col in range(n)]
                if all(v.__class__ is int for v in sol):
                    continue
                return [row + [c] for row, c in zip(m, consts, strict=True)], sol
            sol = [rng.randint(-bound, bound) for _ in range(n)]
            rows = [coefs + [int(sum(cf * v for cf, v in zip(coefs, sol, strict=True)))]
                    for coefs in m]
            return rows, sol

    # -- scoring -------------------------------------------------------------------------
    @staticmethod
    def _expected(task: Task) -> tuple[list[str], list[Fraction]]:
        pairs = _ASSIGN.findall(task.answer)
        return [v for v, _ in pairs], [parse_number(x.replace("−", "-").replace(" ", ""))
                                       for _, x in pairs]

    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        names, values = cls._expected(task)
        text = answer.strip().replace("−", "-")
        pairs = _ASSIGN.findall(text)
        if pairs:
            got: dict[str, Fraction | None] = {}
            for v, x in pairs:
                if v in got:
                    return 0.0
                got[v] = parse_number(x.replace(" ", ""), percent=False)
            ok = sorted(got) == sorted(names) and all(
                got[v] == want for v, want in zip(names, values, strict=True))
            return 1.0 if ok else 0.0
        match = _TUPLE.match(text)
        if match:
            parts = [p for p in match.groups() if p is not None]
            nums = [parse_number(p, percent=False) for p in parts]
            return 1.0 if nums == values else 0.0
        return 0.0

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        names, values = cls._expected(task)
        out = []
        if values[0] != values[1]:
            swapped = [values[1], values[0], *values[2:]]
            out.append(", ".join(f"{v} = {fmt(s)}" for v, s in zip(names, swapped, strict=True)))
            out.append("(" + ", ".join(fmt(s) for s in swapped) + ")")
        i = rng.randrange(len(values))
        bumped = list(values)
        bumped[i] += 1
        out.append(", ".join(f"{v} = {fmt(s)}" for v, s in zip(names, bumped, strict=True)))
        out.append(", ".join(f"{v} = {fmt(s)}" for v, s in zip(names[:-1], values, strict=False)))
        out.append(", ".join(f"{v} = {fmt(-s if s else 1)}" for v, s in zip(names, values,
                                                                              strict=True)))
        return out
