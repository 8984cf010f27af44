"""Sort words alphabetically, ascending or descending, with shared prefixes and (at higher
levels) mixed case under a stated rule: ignore case, or code-point (ASCII) order in which
every uppercase letter comes before every lowercase one. Explained letter by letter."""

from __future__ import annotations

import random
from collections import defaultdict

from synthforge.generate.procedural._logic_words import COMMON_WORDS, shuffle
from synthforge.generate.procedural.answers import parse_list
from synthforge.generate.procedural.base import Family, Task, family


def _prefix_groups(length: int, least: int) -> tuple[tuple[str, ...], ...]:
    groups: dict[str, list[str]] = defaultdict(list)
    for w in COMMON_WORDS:
        if len(w) > length:
            groups[w[:length]].append(w)
    return tuple(tuple(ws) for ws in groups.values() if len(ws) >= least)


SHARED2 = _prefix_groups(2, 4)  # words sharing their first two letters
SHARED3 = _prefix_groups(3, 3)
# a word and longer words that begin with it: car, card, cart
EXTENSIONS = tuple(
    ws for ws in ((w, *[v for v in COMMON_WORDS if v != w and v.startswith(w)])
                  for w in COMMON_WORDS) if len(ws) >= 2)

# by level: (words low, high), descending allowed, prefix groups, mixed case
LEVELS = {1: ((4, 5), False, 0, False), 2: ((6, 8), True, 0, False),
          3: ((8, 10), True, 2, False), 4: ((10, 12), True, 2, True),
          5: ((12, 16), True, 3, True)}

_RULE_FOLD = ("Ignore letter case when comparing, but write each word exactly as given.",
              "Compare case-insensitively (treat 'A' and 'a' alike); keep each word's "
              "spelling as given.")
_RULE_ASCII = ("Use ASCII (code-point) order, where every uppercase letter comes before every "
               "lowercase letter (so \"Zoo\" comes before \"apple\").",
               "Sort by character codes, as a computer's default string sort does: uppercase "
               "A-Z all come before lowercase a-z.")


_ASCENDING = ("in alphabetical order", "in ascending alphabetical order (A to Z)",
              "alphabetically")
_DESCENDING = ("in reverse alphabetical order (Z to A)", "in descending alphabetical order")
_ASKS = (
    lambda d, w, r: f"Sort these words {d}: {w}.{r} Give the result as a comma-separated list.",
    lambda d, w, r: f"Arrange the following words {d}.{r}\nWords: {w}",
    lambda d, w, r: f"Put the words below {d}.{r}\n{w}",
    lambda d, w, r: f"Here is a list of words: {w}. Sort them {d}.{r} Answer with a "
                    "comma-separated list.",
)


def _explain(words: list[str], fold: bool, lines: list[str], lower: bool = False) -> list[str]:
    """Order `words` letter by letter (most significant first), appending the reasoning
    (`lower`: the words are known to be lowercase)."""
    if not fold or lower or "".join(words).islower():  # each word is its own sort key
        return _order_plain(words, lines, 0)
    return _order([(w.casefold(), w) for w in words], lines, 0)


def _order_plain(words: list[str], lines: list[str], depth: int) -> list[str]:
    """`_order` for words that are their own keys."""
    buckets: dict[str, list[str]] = {}
    for w in words:
        c = w[depth:depth + 1]  # "" where the word ends
        group = buckets.get(c)
        if group is None:
            buckets[c] = [w]
        else:
            group.append(w)
    order = sorted(buckets)
    if depth == 0:
        lines.append("Group by first letter: " + "; ".join(
            [f"{c}: {', '.join(buckets[c])}" for c in order]) + ".")
    else:
        parts = ", ".join([f"{c or 'ends'} ({', '.join(buckets[c])})" for c in order])
        lines.append(f"{len(words)} words begin with \"{words[0][:depth]}\"; letter "
                     f"{depth + 1}: {parts}"
                     + (" (a word that ends comes first)." if "" in buckets else "."))
    out: list[str] = []
    for c in order:
        group = buckets[c]
        if len(group) == 1 or c == "":
            out += group
            continue
        low, high = min(group), max(group)  # all words share what these two share
        shared = depth + 1  # skip the letters all of the group share
        while shared < len(low) and low[shared] == high[shared]:
            shared += 1
        out += _order_plain(group, lines, shared)
    return out


def _order(pairs: list[tuple[str, str]], lines: list[str], depth: int) -> list[str]:
    buckets: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for k, w in pairs:
        buckets[k[depth] if len(k) > depth else ""].append((k, w))
    order = sorted(buckets)
    if depth == 0:
        lines.append("Group by first letter: " + "; ".join(
            f"{c}: {', '.join(w for _, w in buckets[c])}" for c in order) + ".")
    else:
        parts = [f"{c or 'ends'} ({', '.join(w for _, w in buckets[c])})" for c in order]
        lines.append(f"{len(pairs)} words begin with \"{pairs[0][0][:depth]}\"; letter "
                     f"{depth + 1}: " + ", ".join(parts)
                     + (" (a word that ends comes first)" if "" in buckets else "") + ".")
    out: list[str] = []
    for c in order:
        group = buckets[c]
        if len(group) == 1 or c == "":
            out += [w for _, w in group]
            continue
        keys = [k for k, _ in group]
        low, high = min(keys), max(keys)  # all keys share what these two share
        shared = depth + 1  # skip the letters all of the group share
        while shared < len(low) and low[shared] == high[shared]:
            shared += 1
        out += _order(group, lines, shared)
    return out


@family("sort_words")
class SortWords(Family):
    """Sort a list of words alphabetically (ascending or descending, stated case rules)."""

    domain = "strings"
    skills = ("alphabetical order", "sorting", "string comparison")
    answer_kind = "list"

    def make(self, rng: random.Random, level: int) -> Task:
        (lo, hi), desc_ok, groups, mixed = LEVELS[level]
        # the small choices from one draw: how many words, direction and wording
        bits, n = divmod(rng.getrandbits(64), hi - lo + 1)
        n += lo
        bits, u = divmod(bits, 2)
        descending = desc_ok and u == 1
        bits, d = divmod(bits, 6)
        direction = _DESCENDING[d % 2] if descending else _ASCENDING[d % 3]
        bits, ask = divmod(bits, len(_ASKS))
        chosen: list[str] = []
        if groups:
            seen: set[str] = set()

            def add(w: str) -> None:
                if w.casefold() not in seen and len(chosen) < n:
                    seen.add(w.casefold())
                    chosen.append(w)

            for _ in range(groups):
                pool = rng.choice(SHARED3 if rng.random() < 0.5 else SHARED2)
                for _ in range(rng.randint(2, 4)):
                    add(rng.choice(pool))
            if level == 5:
                for w in rng.choice(EXTENSIONS)[:3]:
                    add(w)
            while len(chosen) < n:
                add(rng.choice(COMMON_WORDS))
            shuffle(rng, chosen)
        else:  # only common words, several from each draw (bias under 2**-20), in the
            size = len(COMMON_WORDS)  # random order they are drawn in
            while len(chosen) < n:
                more = rng.getrandbits(64)
                for _ in range(4):  # 4 words use under 44 bits
                    more, i = divmod(more, size)
                    w = COMMON_WORDS[i]
                    if w not in chosen:
                        chosen.append(w)
                        if len(chosen) == n:
                            break
        fold = True
        if mixed:
            mixed_bits = rng.getrandbits(8 * len(chosen))  # 8 bits a word: capitalize 40 %
            chosen = [w.capitalize() if (mixed_bits >> 8 * i) & 255 < 102 else w
                      for i, w in enumerate(chosen)]
            fold = bits % 2 == 0
            bits //= 2
        rule = ""
        if mixed:
            rule = " " + (_RULE_FOLD if fold else _RULE_ASCII)[bits % 2]
        listed = ", ".join(chosen)
        question = _ASKS[ask](direction, listed, rule)
        if mixed and not fold:
            lines = ["In ASCII order uppercase letters come before lowercase ones, so a "
                     "capitalized word sorts before every lowercase word."]
        elif mixed:
            lines = ["Compare the words letter by letter, ignoring case."]
        else:
            lines = ["Compare the words letter by letter."]
        ordered = _explain(chosen, fold, lines, lower=not mixed)
        assert ordered == sorted(chosen, key=str.casefold if fold else None)
        if descending:
            lines.append(f"Ascending: {', '.join(ordered)}.")
            ordered = ordered[::-1]
            lines.append("Descending order is the ascending order reversed.")
        answer = ", ".join(ordered)
        lines.append(f"Sorted: {answer}.")
        return Task(question, answer, "\n".join(lines),
                    {"descending": descending, "case_insensitive": fold})

    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        want = parse_list(task.answer) or []
        got = parse_list(answer) or []
        if len(got) == 1 and len(want) > 1:
            got = answer.split()
        return 1.0 if [g.strip().rstrip(".") for g in got] == want else 0.0

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        items = parse_list(task.answer) or []
        out = [", ".join(items[::-1]), ", ".join(items[:-1])]
        i = rng.randrange(len(items) - 1)
        swapped = items[:]
        swapped[i], swapped[i + 1] = swapped[i + 1], swapped[i]
        out.append(", ".join(swapped))
        if any(w != w.lower() for w in items):
            out.append(", ".join(w.lower() for w in items))
        return out
