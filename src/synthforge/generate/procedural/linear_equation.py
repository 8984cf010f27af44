"""Linear equations in one unknown: ax + b = cx + d, solved by collecting terms."""

from __future__ import annotations

import random
from fractions import Fraction

from synthforge.generate.procedural.base import Family, FamilyConfig, Task, family, number

VARIABLES = "xyznmkpt"
# by level: coefficient range, constant range, unknown on both sides, fraction answers
LEVELS = {1: (5, 20, False, False), 2: (9, 50, False, False), 3: (12, 100, True, False),
          4: (15, 200, True, True), 5: (25, 500, True, True)}


def _side(a: int, b: int, v: str) -> str:
    """`a·v + b` written plainly: 3x - 4, -x + 2, 5x."""
    coef = {1: "", -1: "-"}.get(a, str(a))
    term = f"{coef}{v}" if a else ""
    if not term:
        return str(b)
    if b == 0:
        return term
    return f"{term} {'+' if b > 0 else '-'} {abs(b)}"


@family("linear_equation")
class LinearEquation(Family):
    """Solve a linear equation in one unknown, showing each rearrangement."""

    Config = FamilyConfig
    domain = "algebra"
    skills = ("linear equations", "rearranging")
    answer_kind = "number"

    def make(self, rng: random.Random, level: int) -> Task:
        ca, cb, both, fractional = LEVELS[level]
        v = rng.choice(VARIABLES)
        while True:
            a = rng.choice([i for i in range(-ca, ca + 1) if i])
            c = rng.randint(-ca, ca) if both else 0
            if a != c:
                break
        if fractional and rng.random() < 0.5:
            x = Fraction(rng.randint(-cb, cb), rng.randint(2, 9))
        else:
            x = Fraction(rng.randint(-cb // 5 or -4, cb // 5 or 4))
        b = rng.randint(-cb, cb)
        d = (a - c) * x + b  # so that ax + b = cx + d holds at x
        if d.denominator != 1:  # keep the equation's numbers whole
            scale = d.denominator
            a, b, c, d = a * scale, b * scale, c * scale, d * scale
        d = int(d)
        equation = f"{_side(a, b, v)} = {_side(c, d, v)}"
        lines = []
        k = a - c
        if c:
            move = (f"Subtract {_side(c, 0, v)} from" if c > 0
                    else f"Add {_side(-c, 0, v)} to")
            lines.append(f"{move} both sides: {_side(k, b, v)} = {d}.")
        rhs = d - b
        if b:
            lines.append(f"{'Subtract' if b > 0 else 'Add'} {abs(b)} "
                         f"{'from' if b > 0 else 'to'} both sides: {_side(k, 0, v)} = {rhs}.")
        if k != 1:
            lines.append(f"Divide both sides by {k}: {v} = {rhs}/{k} = {number(Fraction(rhs, k))}.")
        answer = number(Fraction(rhs, k))
        lines.append(f"So {v} = {answer}.")
        question = rng.choice(("Solve for {v}: {e}", "Find {v} if {e}.", "What value of {v} "
                               "satisfies {e}?", "Solve the equation {e}.")).format(v=v, e=equation)
        return Task(question, answer, "\n".join(lines), {"variable": v})
