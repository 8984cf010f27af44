"""Sort integers and decimals ascending or descending: negatives first (the larger the size,
the smaller the number), decimals lined up to the same number of places."""

from __future__ import annotations

import random
from fractions import Fraction
from itertools import pairwise

from synthforge.generate.procedural._logic_words import shuffle
from synthforge.generate.procedural.answers import parse_list, parse_number
from synthforge.generate.procedural.base import Family, Task, family

# by level: (count low, high), smallest, largest, most decimal places, share of decimals,
# descending allowed, near values (same whole part, different decimals)
LEVELS = {1: ((5, 5), 0, 99, 0, 0.0, False, False),
          2: ((6, 7), -100, 100, 0, 0.0, True, False),
          3: ((7, 8), -999, 999, 1, 0.4, True, False),
          4: ((8, 10), -99, 99, 2, 0.8, True, True),
          5: ((10, 14), -99, 99, 3, 0.9, True, True)}


def _text(units: int, places: int) -> str:
    """units / 10^places written in decimals, without trailing zeros (-305, 2 -> -3.05)."""
    if places == 0:
        return str(units)
    sign = "-" if units < 0 else ""
    whole, frac = divmod(abs(units), 10**places)
    digits = f"{frac:0{places}d}".rstrip("0")
    return f"{sign}{whole}.{digits}" if digits else f"{sign}{whole}"


def _places(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def _pad(text: str, places: int) -> str:
    if places == 0:
        return text
    whole, _, frac = text.partition(".")
    return f"{whole}.{frac.ljust(places, '0')}"


@family("sort_numbers")
class SortNumbers(Family):
    """Sort a list of integers or decimals in ascending or descending order."""

    domain = "arithmetic"
    skills = ("number comparison", "decimals", "negative numbers", "sorting")
    answer_kind = "list"

    def make(self, rng: random.Random, level: int) -> Task:
        (lo, hi), smallest, largest, places, decimal_share, desc_ok, near = LEVELS[level]
        n = rng.randint(lo, hi)
        scale = 10**places
        numbers: dict[str, int] = {}  # text -> value × 10^places
        texts: list[str] = []
        while len(texts) < n:
            r = rng.getrandbits(64)  # one draw, split into the choices below
            r, u = divmod(r, 1000)
            r, p = divmod(r, places or 1)
            p = p + 1 if u < decimal_share * 1000 else 0
            r, u = divmod(r, 10)
            if near and texts and u < 4:
                # a neighbour of an earlier number: same sign and whole part, other decimals
                r, i = divmod(r, len(texts))
                base = numbers[texts[i]]
                p = max(p, 1)
                units = abs(base) // scale * 10**p + r % 10**p
                units = -units if base < 0 else units
            else:
                units = smallest * 10**p + r % ((largest - smallest) * 10**p + 1)
            text = _text(units, p)
            if text not in numbers or level == 5:
                numbers[text] = units * 10**(places - p)
                texts.append(text)
        shuffle(rng, texts)
        values = [numbers[t] for t in texts]
        descending = desc_ok and rng.random() < 0.5
        direction = rng.choice(("from largest to smallest", "in descending order",
                                "in decreasing order") if descending else
                               ("from smallest to largest", "in ascending order",
                                "in increasing order"))
        listed = ", ".join(texts)
        question = rng.choice((
            "Sort these numbers {d}: {x}.",
            "Arrange the following numbers {d}: {x}. Give a comma-separated list.",
            "Order the list {d}.\n{x}",
            "Put {x} {d}.",
        )).format(d=direction, x=listed)
        lines = []
        width = max(_places(t) for t in texts)
        if width:
            lines.append(f"Line up the decimals by writing every number with {width} decimal "
                         "place" + ("s" if width > 1 else "") + ": "
                         + ", ".join(_pad(t, width) for t in texts) + ".")
        order = sorted(range(n), key=lambda i: values[i])
        negatives = [i for i in order if values[i] < 0]
        rest = [i for i in order if values[i] >= 0]
        if negatives and rest:
            lines.append("Negative numbers are smaller than the others, so they come first.")
        if len(negatives) > 1:
            lines.append("Among the negatives, the one farthest from zero is smallest: "
                         + self._chain(negatives, texts, values, width) + ".")
        if len(rest) > 1:
            how = (", order by the whole part, then digit by digit after the point: " if width
                   else ", in increasing order: ")
            lines.append(("Among the others" if negatives else "Compare them") + how
                         + self._chain(rest, texts, values, width) + ".")
        ascending = [texts[i] for i in order]
        if descending:
            lines.append("Ascending: " + ", ".join(ascending) + ".")
            lines.append("For descending order, reverse it.")
            final = ascending[::-1]
        else:
            final = ascending
        answer = ", ".join(final)
        lines.append(f"Sorted: {answer}.")
        return Task(question, answer, "\n".join(lines), {"descending": descending})

    @staticmethod
    def _chain(order: list[int], texts: list[str], values: list[int], width: int) -> str:
        out = _pad(texts[order[0]], width)
        for a, b in pairwise(order):
            out += f" {'=' if values[a] == values[b] else '<'} {_pad(texts[b], width)}"
        return out

    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        want = [parse_number(t) for t in parse_list(task.answer) or []]
        got = parse_list(answer) or []
        if len(got) == 1 and len(want) > 1:
            got = answer.split()
        values = [parse_number(g.rstrip(".")) if g.endswith(".") else parse_number(g)
                  for g in got]
        return 1.0 if values == want and None not in values else 0.0

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        items = parse_list(task.answer) or []
        values = [Fraction(t) for t in items]
        out = [", ".join(items[:-1]), ", ".join([*items, "1000"])]
        for i in range(len(items) - 1):
            if values[i] != values[i + 1]:
                swapped = items[:]
                swapped[i], swapped[i + 1] = swapped[i + 1], swapped[i]
                out.append(", ".join(swapped))
                break
        if len(set(values)) > 1:
            out.append(", ".join(items[::-1]))
        return out
