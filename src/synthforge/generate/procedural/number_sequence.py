"""Number sequences: find the next term(s), a missing term or the n-th term.

Patterns: arithmetic, geometric, quadratic (constant second differences), Fibonacci-like
(each term the sum of the two or three before it), alternating operations, two interleaved
sequences, a growing multiplier, and differences that double. The solution shows the
differences or ratios that reveal the pattern. Where the question asks for several terms the
answer is a comma-separated list in order ("29, 34"); every term must match and the order
counts ("29 34" and "29 and 34" are read the same way). A single term is a whole number.
"""

from __future__ import annotations

import random
from itertools import pairwise

from pydantic import Field

from synthforge.generate.procedural.answers import parse_list, parse_number
from synthforge.generate.procedural.base import Family, FamilyConfig, Task, family

NEXT = ("What is the next number in the sequence {s}?", "Find the next term: {s}, ...",
        "What comes next: {s}, ?", "Continue the pattern: {s}, __",
        "Which number comes next in {s}?", "What number should follow {s}?",
        "Give the next term of the sequence {s}.", "Look at the sequence {s}. What comes next?",
        "{s}, ... What is the next number?", "Find the number that continues {s}.",
        "Here is a sequence: {s}. Which number comes after the last one?",
        "The numbers {s} follow a rule. What is the next number?",
        "Spot the pattern in {s} and give the next term.",
        "What is the next term in this list: {s}?")
NEXT_MANY = ("What are the next {k} terms of the sequence {s}?",
             "Find the next {k} numbers: {s}, ...", "Continue the sequence {s} by {k} terms.",
             "Give the next {k} terms of {s}, in order.",
             "Which {k} numbers come next in {s}?")
MANY_TAIL = (" Separate them with commas.", " Write them in order, separated by commas.", "")
MISSING = ("What number is missing from the sequence {s}?", "Fill in the blank: {s}",
           "Find the missing term: {s}", "Which number replaces the ? in {s}?",
           "One term of this sequence is missing: {s}. What is it?")
NTH = ("The sequence {s}, ... continues in the same way. What is its {n} term?",
       "Find the {n} term of the sequence {s}, ...", "What is the {n} term of {s}, ...?",
       "If the pattern {s}, ... continues, what is the {n} term?")
WORDS = {2: "two", 3: "three"}
# by level: weights of the patterns, terms shown, how many terms are asked, chance of a
# missing-term item, chance of an n-th term item, size of the numbers
LEVELS = {
    1: ({"arithmetic": 8, "geometric": 1}, (5, 7), (1, 1), 0.25, 0.0, 1),
    2: ({"arithmetic": 5, "geometric": 1, "fibonacci": 2}, (5, 7), (1, 1), 0.2, 0.2, 2),
    3: ({"arithmetic": 1, "geometric": 1, "fibonacci": 1, "quadratic": 3, "alternating": 2,
         "interleaved": 2}, (6, 7), (1, 1), 0.15, 0.1, 3),
    4: ({"geometric": 1, "fibonacci": 1, "quadratic": 4, "alternating": 3, "interleaved": 3,
         "multiplier": 1, "doubling": 2}, (6, 8), (1, 2), 0.1, 0.0, 4),
    5: ({"geometric": 1, "quadratic": 4, "alternating": 3, "interleaved": 3, "multiplier": 1,
         "doubling": 2, "tribonacci": 2}, (6, 8), (2, 3), 0.0, 0.0, 5),
}


class SequenceConfig(FamilyConfig):
    terms_shown: int | None = Field(None, ge=4, le=12, description="How many terms the "
                                    "question shows (default: by difficulty, 5 to 8).")


def _p(x: int) -> str:
    """A number as an operand: negatives in parentheses."""
    return f"({x})" if x < 0 else str(x)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _items(text: str) -> list[str]:
    s = text.strip().rstrip(".").replace(" and ", ", ").replace(";", ",")
    items = parse_list(s) or []
    if len(items) == 1 and " " in items[0].strip():
        items = items[0].split()
    return items


@family("number_sequence")
class NumberSequence(Family):
    """Continue a number sequence (arithmetic, geometric, quadratic, Fibonacci-like, ...)."""

    Config = SequenceConfig
    domain = "pattern recognition"
    skills = ("sequences", "differences and ratios", "inductive reasoning", "arithmetic")
    answer_kind = "number"

    def make(self, rng: random.Random, level: int) -> Task:
        weights, (lo, hi), (k_lo, k_hi), p_missing, p_nth, size = LEVELS[level]
        kind = rng.choices(list(weights), list(weights.values()))[0]
        shown = self.config.terms_shown or rng.randint(lo, hi)
        ask = rng.randint(k_lo, k_hi)
        mode = "next"
        if kind == "arithmetic" and rng.random() < p_nth:
            mode = "nth"
        elif ((kind in ("arithmetic", "geometric") and shown >= 5)
              or (kind == "quadratic" and shown >= 6)) and rng.random() < p_missing:
            mode = "missing"
        terms, explain, extend = getattr(self, "_" + kind)(rng, size, shown + ask)
        seq = terms[:shown]
        if mode == "nth":
            return self._nth(rng, terms, explain)
        if mode == "missing":
            gap = rng.randint(1, shown - 2)
            text = ", ".join("?" if i == gap else str(t) for i, t in enumerate(seq))
            lines = explain(shown, gap)
            value = seq[gap]
            lines.append(f"The missing term is {value}.")
            question = rng.choice(MISSING).format(s=text)
            return Task(question, str(value), "\n".join(lines), {"count": 1, "kind": kind})
        lines = explain(shown, None)
        lines += extend(shown, ask)
        wanted = terms[shown:shown + ask]
        answer = ", ".join(map(str, wanted))
        text = ", ".join(map(str, seq))
        if ask == 1:
            question = rng.choice(NEXT).format(s=text)
            lines.append(f"The next term is {answer}.")
        else:
            question = (rng.choice(NEXT_MANY).format(s=text, k=WORDS[ask])
                        + rng.choice(MANY_TAIL))
            lines.append(f"The next {WORDS[ask]} terms are {answer}.")
        return Task(question, answer, "\n".join(lines), {"count": ask, "kind": kind})

    def _nth(self, rng: random.Random, terms: list[int], explain) -> Task:
        a, d = terms[0], terms[1] - terms[0]
        n = rng.randint(10, 60)
        value = a + (n - 1) * d
        seq = ", ".join(map(str, terms[:4]))
        lines = explain(4, None)
        lines.append(f"The n-th term is the first term plus (n - 1) differences: "
                     f"{a} + ({n} - 1) × {_p(d)} = {value}.")
        lines.append(f"The {_ordinal(n)} term is {value}.")
        question = rng.choice(NTH).format(s=seq, n=_ordinal(n))
        return Task(question, str(value), "\n".join(lines), {"count": 1, "kind": "arithmetic"})

    # -- patterns: each returns (terms, explain(shown, gap), extend(shown, k)) ------------
    def _arithmetic(self, rng: random.Random, size: int, total: int):
        a = rng.randint(-20 * (size - 1), 200 * size + 300)
        d = rng.randint(1, 5 * size + 15) * rng.choice((1, -1))
        terms = [a + i * d for i in range(total)]

        sign = "+" if d > 0 else "-"

        def explain(shown: int, gap: int | None) -> list[str]:
            pairs = [(terms[i], terms[i + 1]) for i in range(shown - 1)
                     if gap is None or gap not in (i, i + 1)]
            diffs = ", ".join(f"{_p(y)} - {_p(x)} = {y - x}" for x, y in pairs)
            lines = [f"Differences between neighbouring terms: {diffs}.",
                     f"The difference is always {d}, so the sequence is arithmetic: "
                     f"{'add' if d > 0 else 'subtract'} {abs(d)} each time."]
            if gap is not None:
                lines.append(f"The term before the gap is {terms[gap - 1]}: "
                             f"{_p(terms[gap - 1])} {sign} {abs(d)} = {terms[gap]}.")
            return lines

        def extend(shown: int, k: int) -> list[str]:
            return [f"{_p(terms[i - 1])} {sign} {abs(d)} = {terms[i]}." for i in range(shown,
                                                                                     shown + k)]

        return terms, explain, extend

    def _geometric(self, rng: random.Random, size: int, total: int):
        half = size >= 4 and rng.random() < 0.3
        if half:  # halving: start at a multiple of a big enough power of 2
            a = rng.randint(1, 9) * 2 ** (total - 1) * rng.choice((1, -1) if size == 5 else (1,))
            terms = [a >> i if a > 0 else -((-a) >> i) for i in range(total)]
            rs = factor = "0.5"
        else:
            ratio = rng.choice((2, 2, 3) if size <= 1 else (2, 2, 3, 3, 4, 5))
            top = {2: 300, 3: 100, 4: 40, 5: 25}[ratio]
            if size >= 4 and rng.random() < 0.35:
                ratio = -ratio
            a = rng.randint(1, top) * rng.choice((1, -1) if size >= 3 else (1,))
            terms = [a * ratio**i for i in range(total)]
            rs, factor = str(ratio), _p(ratio)

        def explain(shown: int, gap: int | None) -> list[str]:
            pairs = [(terms[i], terms[i + 1]) for i in range(shown - 1)
                     if gap is None or gap not in (i, i + 1)]
            ratios = ", ".join(f"{_p(y)} ÷ {_p(x)} = {rs}" for x, y in pairs)
            lines = [f"Ratios between neighbouring terms: {ratios}.",
                     f"Each term is the one before multiplied by {rs}: a geometric sequence."]
            if gap is not None:
                lines.append(f"The term before the gap is {terms[gap - 1]}: "
                             f"{_p(terms[gap - 1])} × {factor} = {terms[gap]}.")
            return lines

        def extend(shown: int, k: int) -> list[str]:
            return [f"{_p(terms[i - 1])} × {factor} = {terms[i]}." for i in range(shown,
                                                                                 shown + k)]

        return terms, explain, extend

    def _quadratic(self, rng: random.Random, size: int, total: int):
        a = rng.randint(-30, 30 * size)
        d1 = rng.randint(-10 - 3 * size, 10 + 3 * size)
        c = rng.choice([i for i in range(-size - 1, size + 3) if i])
        terms = [a]
        diff = d1
        for _ in range(total - 1):
            terms.append(terms[-1] + diff)
            diff += c

        def explain(shown: int, gap: int | None) -> list[str]:
            firsts = [terms[i + 1] - terms[i] for i in range(shown - 1)]
            if gap is not None:
                known = [(i, terms[i + 1] - terms[i]) for i in range(shown - 1)
                         if gap not in (i, i + 1)]
                text = ", ".join(f"{_p(terms[i + 1])} - {_p(terms[i])} = {f}" for i, f in known)
                return [f"Differences between neighbouring terms (away from the gap): {text}.",
                        f"The differences change by {c} each step (a constant second "
                        "difference), so the sequence is quadratic.",
                        f"The difference into the gap is {_p(firsts[gap - 1])}, so the missing "
                        f"term is {_p(terms[gap - 1])} + {_p(firsts[gap - 1])} = {terms[gap]}.",
                        f"Check: {_p(terms[gap])} + {_p(firsts[gap])} = {terms[gap + 1]}."]
            text = ", ".join(f"{_p(terms[i + 1])} - {_p(terms[i])} = {firsts[i]}"
                             for i in range(shown - 1))
            seconds = ", ".join(f"{_p(firsts[i + 1])} - {_p(firsts[i])} = {c}"
                                for i in range(len(firsts) - 1))
            return [f"First differences: {text}.", f"Second differences: {seconds}.",
                    f"The second difference is always {c}, so each new difference is the last "
                    f"one {'plus' if c > 0 else 'minus'} {abs(c)}."]

        def extend(shown: int, k: int) -> list[str]:
            lines = []
            for i in range(shown, shown + k):
                prev = terms[i - 1] - terms[i - 2]
                step = terms[i] - terms[i - 1]
                lines.append(f"Next difference: {_p(prev)} + {_p(c)} = {step}; next term: "
                             f"{_p(terms[i - 1])} + {_p(step)} = {terms[i]}.")
            return lines

        return terms, explain, extend

    def _sum_of_previous(self, rng: random.Random, size: int, total: int, width: int):
        terms = [rng.randint(0 if width == 2 else 1, 25 + 25 * size) for _ in range(width)]
        if width == 2 and size >= 4 and rng.random() < 0.3:
            terms[0] = -terms[0]
        while len(terms) < total:
            terms.append(sum(terms[-width:]))
        words = "two" if width == 2 else "three"

        def claim(i: int) -> str:
            return " + ".join(_p(t) for t in terms[i - width:i]) + f" = {terms[i]}"

        def explain(shown: int, gap: int | None) -> list[str]:
            sums = ", ".join(claim(i) for i in range(width, shown))
            return [f"From the {'third' if width == 2 else 'fourth'} term on, each term is the "
                    f"sum of the {words} before it: {sums}."]

        def extend(shown: int, k: int) -> list[str]:
            return [f"Next: {claim(i)}." for i in range(shown, shown + k)]

        return terms, explain, extend

    def _fibonacci(self, rng: random.Random, size: int, total: int):
        return self._sum_of_previous(rng, size, total, 2)

    def _tribonacci(self, rng: random.Random, size: int, total: int):
        return self._sum_of_previous(rng, size, total, 3)

    def _alternating(self, rng: random.Random, size: int, total: int):
        first = ("+", rng.randint(1, 5 + 2 * size))
        second = rng.choice((("×", rng.randint(2, 3)), ("-", rng.randint(1, 4 + size)),
                             ("+", rng.randint(1, 10 + 3 * size))))
        if second[0] == "-" and second[1] >= first[1]:
            first, second = second, first
        if second == first:
            second = ("+", first[1] + 1)
        ops = [first, second]
        if rng.random() < 0.5:
            ops.reverse()
        terms = [rng.randint(-5, 10 + 5 * size)]
        for i in range(total - 1):
            op, v = ops[i % 2]
            x = terms[-1]
            terms.append(x + v if op == "+" else x - v if op == "-" else x * v)
        verbs = {"+": "adding", "-": "subtracting", "×": "multiplying by"}

        def step(i: int) -> str:
            op, v = ops[(i - 1) % 2]
            return f"{_p(terms[i - 1])} {op} {v} = {terms[i]}"

        def explain(shown: int, gap: int | None) -> list[str]:
            steps = ", ".join(step(i) for i in range(1, shown))
            return [f"The steps alternate between {verbs[ops[0][0]]} {ops[0][1]} and "
                    f"{verbs[ops[1][0]]} {ops[1][1]}: {steps}."]

        def extend(shown: int, k: int) -> list[str]:
            return [f"Step {i} is {verbs[ops[(i - 1) % 2][0]]} {ops[(i - 1) % 2][1]}: "
                    f"{step(i)}." for i in range(shown, shown + k)]

        return terms, explain, extend

    def _interleaved(self, rng: random.Random, size: int, total: int):
        a1, d1 = rng.randint(-10, 20 * size), rng.choice([i for i in range(-9, 10 + size) if i])
        a2, d2 = rng.randint(-10, 40 * size), rng.choice([i for i in range(-12, 8 + size) if i])
        if d1 == d2:
            d2 += 1 if d2 != -1 else 2
        terms = [a1 + (i // 2) * d1 if i % 2 == 0 else a2 + (i // 2) * d2 for i in range(total)]

        def diffs(parity: int, shown: int) -> str:
            idx = list(range(parity, shown, 2))
            return ", ".join(f"{_p(terms[j])} - {_p(terms[i])} = {terms[j] - terms[i]}"
                             for i, j in pairwise(idx))

        def explain(shown: int, gap: int | None) -> list[str]:
            odd = ", ".join(str(terms[i]) for i in range(0, shown, 2))
            even = ", ".join(str(terms[i]) for i in range(1, shown, 2))
            return ["Two sequences are interleaved; take every other term.",
                    f"1st, 3rd, 5th, ... terms: {odd}; differences {diffs(0, shown)}.",
                    f"2nd, 4th, 6th, ... terms: {even}; differences {diffs(1, shown)}."]

        def extend(shown: int, k: int) -> list[str]:
            out = []
            for i in range(shown, shown + k):
                d = d1 if i % 2 == 0 else d2
                which = "odd" if i % 2 == 0 else "even"
                out.append(f"Term {i + 1} is in the {which} positions: {_p(terms[i - 2])} + "
                           f"{_p(d)} = {terms[i]}.")
            return out

        return terms, explain, extend

    def _multiplier(self, rng: random.Random, size: int, total: int):
        start = rng.randint(1, 4)
        terms = [rng.randint(1, 60) * rng.choice((1, -1) if size == 5 else (1,))]
        for i in range(total - 1):
            terms.append(terms[-1] * (start + i))

        def step(i: int) -> str:
            return f"{_p(terms[i - 1])} × {start + i - 1} = {terms[i]}"

        def explain(shown: int, gap: int | None) -> list[str]:
            return [f"Each term is the previous one times a multiplier that grows by 1 "
                    f"({start}, {start + 1}, {start + 2}, ...): "
                    + ", ".join(step(i) for i in range(1, shown)) + "."]

        def extend(shown: int, k: int) -> list[str]:
            return [f"Next multiplier {start + i - 1}: {step(i)}." for i in range(shown,
                                                                                shown + k)]

        return terms, explain, extend

    def _doubling(self, rng: random.Random, size: int, total: int):
        base = rng.choice((2, 3)) if size == 5 else 2
        d0 = rng.randint(1, 5) * rng.choice((1, -1))
        terms = [rng.randint(-20, 50)]
        for i in range(total - 1):
            terms.append(terms[-1] + d0 * base**i)
        word = "doubles" if base == 2 else "triples"

        def explain(shown: int, gap: int | None) -> list[str]:
            diffs = [terms[i + 1] - terms[i] for i in range(shown - 1)]
            text = ", ".join(f"{_p(terms[i + 1])} - {_p(terms[i])} = {diffs[i]}"
                             for i in range(shown - 1))
            return [f"Differences between neighbouring terms: {text}.",
                    f"Each difference {word} the one before ({', '.join(map(str, diffs))})."]

        def extend(shown: int, k: int) -> list[str]:
            out = []
            for i in range(shown, shown + k):
                prev = terms[i - 1] - terms[i - 2]
                out.append(f"Next difference: {_p(prev)} × {base} = {prev * base}; next term: "
                           f"{_p(terms[i - 1])} + {_p(prev * base)} = {terms[i]}.")
            return out

        return terms, explain, extend

    # -- checking -----------------------------------------------------------------------
    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        want = [parse_number(t) for t in task.answer.split(",")]
        got = [parse_number(t, percent=False) for t in _items(answer)]
        if len(got) != len(want) or any(g is None for g in got):
            return 0.0
        return 1.0 if got == want else 0.0

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        want = [int(t) for t in task.answer.split(",")]
        out = [[w + 1 for w in want], [want[0] * 2 + 1, *want[1:]]]
        if len(want) > 1:
            out.append(list(reversed(want)) if want[0] != want[-1] else [want[0] + 1, *want])
            out.append(want[:-1])
        else:
            out.append([want[0] - 1])
        return [", ".join(map(str, o)) for o in out if o != want]
