"""Multi-step arithmetic: +, -, ×, ÷ and parentheses, worked in the order of operations."""

from __future__ import annotations

import random

from pydantic import Field

from synthforge.generate.procedural.base import Family, FamilyConfig, Task, family

PHRASES = ("Calculate {e}.", "What is {e}?", "Evaluate {e}.", "Compute the value of {e}.",
           "Work out {e}.", "Find the value of {e}.", "Compute {e}.", "Determine the value of {e}.",
           "What does {e} equal?", "Give the value of {e}.", "Work out the value of {e}.",
           "Find {e}.")
TAILS = ("", " Show your working.", " Work step by step.", " Give the answer as an integer.")
# the phrases cut around their blank: joining pieces is cheaper than str.format
_PHRASES = tuple(tuple(p.split("{e}")) for p in PHRASES)
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
        # the signs and the wording from one draw
        bits, p = divmod(rng.getrandbits(64), len(PHRASES))
        bits, tail = divmod(bits, len(TAILS))
        signs = []
        for _ in range(n_terms - 1):
            signs.append("+" if bits & 1 else "-")
            bits >>= 1
        if not (products or quotients or parens):  # plain numbers: several from one draw
            values = []
            if hi ** n_terms < 1 << 40:
                more = rng.getrandbits(64)
                for _ in range(n_terms):
                    values.append(more % hi + 1)
                    more //= hi
            else:
                values = [rng.randint(1, hi) for _ in range(n_terms)]
            texts = [str(v) for v in values]
            steps: list[str] = []
        else:
            texts, values, steps = self._terms(rng, n_terms, hi, products, quotients, parens)
        expression = texts[0] + "".join([f" {s} {t}" for s, t in zip(signs, texts[1:],
                                                                       strict=True)])
        lines = []
        if steps:
            lines.append("Parentheses first, then multiplication and division:"
                         if "(" in expression else "Multiplication and division come first:")
            lines += steps
            reduced = str(values[0]) + "".join([f" {s} {v}" for s, v in zip(signs, values[1:],
                                                                             strict=True)])
            lines.append(f"Now add and subtract from left to right: {reduced}.")
        total = values[0]
        for s, v in zip(signs, values[1:], strict=True):
            new = total + v if s == "+" else total - v
            lines.append(f"({total}) {s} {v} = {new}" if total < 0 else f"{total} {s} {v} = {new}")
            total = new
        head, end = _PHRASES[p]
        return Task(head + expression + end + TAILS[tail], str(total), "\n".join(lines))

    @staticmethod
    def _terms(rng: random.Random, n_terms: int, hi: int, products: bool, quotients: bool,
               parens: bool) -> tuple[list[str], list[int], list[str]]:
        """Terms that may be products, quotients or parenthesized sums times a number:
        (their texts, values, and the steps that work them out)."""
        texts, values, steps = [], [], []
        small = hi <= 10**5  # a term's numbers fit in one draw
        for i in range(n_terms):
            if small:
                tb, kind = divmod(rng.getrandbits(64), 100)
            else:
                kind = rng.randrange(100)
            if parens and kind < 30:
                if small:
                    tb, a = divmod(tb, hi)
                    tb, b = divmod(tb, hi)
                    tb, c = divmod(tb, 8)
                    a, b, c, op = a + 1, b + 1, c + 2, "+" if tb & 1 else "-"
                else:
                    a, b, c = rng.randint(1, hi), rng.randint(1, hi), rng.randint(2, 9)
                    op = rng.choice("+-")
                inner = a + b if op == "+" else a - b
                texts.append(f"({a} {op} {b}) × {c}")
                steps.append(f"{a} {op} {b} = {inner}")
                steps.append(f"{_minus(inner)} × {c} = {inner * c}")
                values.append(inner * c)
            elif quotients and kind < 55:
                if small:
                    tb, d = divmod(tb, 11)
                    d += 2
                    q = tb % max(1, hi // d) + 1
                else:
                    d = rng.randint(2, 12)
                    q = rng.randint(1, max(1, hi // d))
                texts.append(f"{d * q} ÷ {d}")
                steps.append(f"{d * q} ÷ {d} = {q}")
                values.append(q)
            elif products and kind < 80 and i:
                if small:
                    tb, a = divmod(tb, min(hi, 30) - 1)
                    a, b = a + 2, tb % 11 + 2
                else:
                    a, b = rng.randint(2, min(hi, 30)), rng.randint(2, 12)
                texts.append(f"{a} × {b}")
                steps.append(f"{a} × {b} = {a * b}")
                values.append(a * b)
            else:
                v = tb % hi + 1 if small else rng.randint(1, hi)
                texts.append(str(v))
                values.append(v)
        return texts, values, steps
