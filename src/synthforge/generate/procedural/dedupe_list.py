"""Duplicates in a list: remove them keeping first (or last) occurrences, list the items that
appear more than once, or those that appear exactly once; at the top level items that differ
only in case count as the same. The solution walks the list, item by item."""

from __future__ import annotations

import random

from synthforge.generate.procedural._logic_words import COMMON_WORDS, NAMES, shuffle
from synthforge.generate.procedural.answers import parse_list
from synthforge.generate.procedural.base import Family, Task, family

# by level: kinds of task, (distinct items low, high), (extra repeats low, high)
LEVELS = {1: (("first",), (4, 6), (2, 3)),
          2: (("first", "repeated"), (5, 7), (3, 4)),
          3: (("first", "repeated", "once"), (6, 9), (4, 6)),
          4: (("first", "repeated", "once", "last"), (8, 11), (5, 8)),
          5: (("first", "repeated", "once", "last", "fold"), (10, 14), (7, 10))}


@family("dedupe_list")
class DedupeList(Family):
    """Remove duplicates from a list (keeping first or last occurrences), or list repeats."""

    domain = "lists"
    skills = ("list processing", "tracking seen items", "order preservation")
    answer_kind = "list"

    def make(self, rng: random.Random, level: int) -> Task:
        kinds, (dlo, dhi), (rlo, rhi) = LEVELS[level]
        kind = rng.choice(kinds)
        source = rng.random()
        distinct: list[str] = []
        size = rng.randint(dlo, dhi)
        while len(distinct) < size:
            if source < 0.55:
                item = rng.choice(COMMON_WORDS)
            elif source < 0.75:
                item = rng.choice(NAMES)
            else:
                item = str(rng.randint(1, 20 if level <= 2 else 99))
            if item.casefold() not in {d.casefold() for d in distinct}:
                distinct.append(item)
        items = distinct[:]
        repeats = rng.randint(rlo, rhi)
        pool = distinct[:-1] if kind == "once" else distinct  # "once": one stays single
        for _ in range(repeats):
            item = rng.choice(pool)
            if kind == "fold" and item.isalpha() and rng.random() < 0.6:
                item = item.upper() if rng.random() < 0.3 else item.swapcase()
            items.append(item)
        shuffle(rng, items)
        listed = ", ".join(items)
        lines: list[str] = []
        if kind in ("first", "fold"):
            key = str.casefold if kind == "fold" else str
            seen: dict[str, str] = {}
            for i, item in enumerate(items):
                k = key(item)
                if k in seen:
                    same = "" if seen[k] == item else f" (same as \"{seen[k]}\" ignoring case)"
                    lines.append(f"{i + 1}. {item}: seen before{same}, skip.")
                else:
                    seen[k] = item
                    lines.append(f"{i + 1}. {item}: new, keep.")
            result = list(seen.values())
            question = self._ask(rng, kind, listed)
        elif kind == "last":
            last = {item: i for i, item in enumerate(items)}
            lines.append("The last position of each item: " + ", ".join(
                f"{item} (position {i + 1})" for item, i in last.items()) + ".")
            result = sorted(last, key=last.__getitem__)
            lines.append("Keep each item only at its last position; by position: " + ", ".join(
                f"{last[item] + 1} {item}" for item in result) + ".")
            question = self._ask(rng, kind, listed)
        else:
            counts: dict[str, int] = {}
            for item in items:
                counts[item] = counts.get(item, 0) + 1
            lines.append("Count each item, in order of first appearance: " + ", ".join(
                f"{item} ({c} time{'s' if c != 1 else ''})" for item, c in counts.items()) + ".")
            if kind == "repeated":
                result = [item for item, c in counts.items() if c > 1]
                lines.append("More than once: " + ", ".join(result) + ".")
            else:
                result = [item for item, c in counts.items() if c == 1]
                lines.append("Exactly once: " + ", ".join(result) + ".")
            question = self._ask(rng, kind, listed)
        answer = ", ".join(result)
        lines.append(f"Result: {answer}.")
        return Task(question, answer, "\n".join(lines), {"kind": kind})

    @staticmethod
    def _ask(rng: random.Random, kind: str, listed: str) -> str:
        asks = {
            "first": ("Remove the duplicates from the list [{x}], keeping the first occurrence "
                      "of each item and the original order.",
                      "Deduplicate the list [{x}], keeping each item where it first appears.",
                      "List each distinct item of [{x}] once, in order of first appearance."),
            "fold": ("Remove duplicates from the list [{x}], treating items that differ only "
                     "in letter case as the same; keep the first spelling of each, in order.",
                     "Deduplicate case-insensitively ('Apple' and 'APPLE' are the same item), "
                     "keeping first occurrences in order: [{x}]."),
            "last": ("Remove the duplicates from the list [{x}], keeping the LAST occurrence of "
                     "each item (so items appear in the order of their last occurrences).",
                     "Deduplicate [{x}] so that each item stays only at the position where it "
                     "appears last."),
            "repeated": ("Which items appear more than once in the list [{x}]? List them in "
                         "order of first appearance.",
                         "From the list [{x}], name every item that occurs at least twice, in "
                         "order of first appearance."),
            "once": ("Which items appear exactly once in the list [{x}]? List them in the "
                     "order they appear.",
                     "From the list [{x}], keep only the items that are not repeated, in "
                     "order."),
        }
        return rng.choice(asks[kind]).format(x=listed) + " Answer with a comma-separated list."

    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        want = parse_list(task.answer) or []
        got = [g.strip().rstrip(".") for g in parse_list(answer) or []]
        return 1.0 if got == want else 0.0

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        items = parse_list(task.answer) or []
        out = [", ".join([*items, items[0]]), ", ".join(items[1:]) or "none"]
        if len(items) > 1:
            out.append(", ".join(items[::-1]))
        return out
