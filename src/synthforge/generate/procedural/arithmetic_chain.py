"""Multi-step arithmetic: +, -, ×, ÷ and parentheses, worked in the order of operations."""

from __future__ import annotations

import random

from pydantic import Field

from synthforge.generate.procedural.base import Family, FamilyConfig, Task, family

PHRASES = ("Calculate {e}.", "What is {e}?", "Evaluate {e}.", "Compute the value of {e}.",
           "Work out {e}.", "Find the value of {e}.")
# by level: terms, largest operand, whether terms may be products, quotients, parentheses
LEVELS = {1: (3, 20, False, False, False), 2: (3, 30, True, False, False),
          3: (4, 50, True, True, False), 4: (4, 100, True, True, True),
          5: (5, 1000, True, True, True)}


class ArithmeticConfig(FamilyConfig):
    max_operand: int | None = Field(None, ge=2, le=10**9, description="Largest operand "
                                    "(default: by difficulty, 20 to 1000).")


def _minus(n: int) -> str:
    return f"({n})" if n < 0 else str(n)


@family("arithmetic_chain")
class ArithmeticChain(Family):
    """Evaluate a chain of +, -, ×, ÷ (and parentheses), step by step."""

    Config = ArithmeticConfig
    domain = "arithmetic"
    skills = ("order of operations", "integer arithmetic")
    answer_kind = "number"

    def make(self, rng: random.Random, level: int) -> Task:
        n_terms, hi, products, quotients, parens = LEVELS[level]
        hi = self.config.max_operand or hi
        texts, values, steps = [], [], []
        plain = not (products or quotients or parens)
        for i in range(n_terms):
            kind = 1.0 if plain else rng.random()
            if parens and kind < 0.3:
                a, b, c = rng.randint(1, hi), rng.randint(1, hi), rng.randint(2, 9)
                op = rng.choice("+-")
                inner = a + b if op == "+" else a - b
                texts.append(f"({a} {op} {b}) × {c}")
                steps.append(f"{a} {op} {b} = {inner}")
                steps.append(f"{_minus(inner)} × {c} = {inner * c}")
                values.append(inner * c)
            elif quotients and kind < 0.55:
                d = rng.randint(2, 12)
                q = rng.randint(1, max(1, hi // d))
                texts.append(f"{d * q} ÷ {d}")
                steps.append(f"{d * q} ÷ {d} = {q}")
                values.append(q)
            elif products and kind < 0.8 and i:
                a, b = rng.randint(2, min(hi, 30)), rng.randint(2, 12)
                texts.append(f"{a} × {b}")
                steps.append(f"{a} × {b} = {a * b}")
                values.append(a * b)
            else:
                v = rng.randint(1, hi)
                texts.append(str(v))
                values.append(v)
        signs = [rng.choice("+-") for _ in range(n_terms - 1)]
        expression = texts[0] + "".join(f" {s} {t}" for s, t in zip(signs, texts[1:],
                                                                      strict=True))
        lines = []
        if steps:
            lines.append("Parentheses first, then multiplication and division:"
                         if "(" in expression else "Multiplication and division come first:")
            lines += steps
            reduced = str(values[0]) + "".join(f" {s} {v}" for s, v in zip(signs, values[1:],
                                                                            strict=True))
            lines.append(f"Now add and subtract from left to right: {reduced}.")
        total = values[0]
        for s, v in zip(signs, values[1:], strict=True):
            new = total + v if s == "+" else total - v
            lines.append(f"{_minus(total)} {s} {v} = {new}")
            total = new
        question = rng.choice(PHRASES).format(e=expression)
        return Task(question, str(total), "\n".join(lines))
