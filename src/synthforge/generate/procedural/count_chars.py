"""Count things in a text: a letter, the vowels, a substring (overlaps included), the words,
the words that start with a letter or are longer than a length; at higher levels case matters.
The solution goes word by word, giving positions, and adds up."""

from __future__ import annotations

import random

from synthforge.generate.procedural._logic_words import (
    _CLAUSES,
    _FILLERS,
    ADJECTIVES,
    COMMON_WORDS,
    NAMES,
    NOUNS,
    PREPOSITIONS,
    SYLLABLES,
    VERBS_PAST,
)
from synthforge.generate.procedural.base import Family, Task, family

VOWELS = "aeiou"
# by level: the kinds of count and the (low, high) number of words in the text
LEVELS = {1: (("letter",), (1, 3)),
          2: (("letter", "vowels", "words"), (4, 8)),
          3: (("letter", "vowels", "initial"), (8, 12)),
          4: (("substring", "longer", "case"), (8, 14)),
          5: (("letter", "substring", "case", "twice"), (16, 26))}


# ---- sentences from few draws -------------------------------------------------------------
# `_logic_words.sentence` with the same clauses, fillers and word lists, each clause's choices
# cut from one 64-bit draw (a second where a long clause needs more than 39 bits)
_LINKS = ("and", "while", "so", "then")
_PARTS = {"A": ADJECTIVES, "N": NOUNS, "V": VERBS_PAST, "P": PREPOSITIONS,
          "d": ("the", "a", "one", "every")}
_FILLERS_OF = {n: tuple(f for f in _FILLERS if len(f) == n) for n in (1, 2, 3)}
_SHAPES_UPTO = tuple(tuple(c for c in _CLAUSES if len(c) <= left) for left in range(10))


def _plan(shape: str) -> tuple[tuple[tuple[str, ...] | None, int], ...]:
    """A clause's word slots as (pool, size): pool None is "the", size 0 a fresh draw."""
    plan: list[tuple[tuple[str, ...] | None, int]] = []
    room = 1 << 39  # 64 bits less 20 of slack (bias under 2**-20) and 5 for link and shape
    for part in shape:
        if part == "t":
            plan.append((None, 1))
            continue
        pool = _PARTS[part]
        if room < len(pool):
            plan.append((None, 0))
            room = 1 << 44
        room //= len(pool)
        plan.append((pool, len(pool)))
    return tuple(plan)


_PLANS = {shape: _plan(shape) for shape in _CLAUSES}


def sentence(rng: random.Random, words: int) -> list[str]:
    """`words` lowercase words that read like a sentence (as `_logic_words.sentence` makes
    them: clauses joined by and/while/so/then, a filler at the end), from few draws."""
    out: list[str] = []
    while len(out) < words:
        rest = words - len(out)
        bits = rng.getrandbits(64)
        if rest <= 2 or (out and rest <= 3):
            fillers = _FILLERS_OF[rest]
            out += fillers[bits % len(fillers)]
            break
        if out:
            out.append(_LINKS[bits & 3])
            bits >>= 2
            rest -= 1
        shapes = _SHAPES_UPTO[rest if rest < 9 else 9]
        bits, i = divmod(bits, len(shapes))
        for pool, size in _PLANS[shapes[i]]:
            if pool is not None:
                out.append(pool[bits % size])
                bits //= size
            elif size:
                out.append("the")
            else:
                bits = rng.getrandbits(64)
    return out


# ---- the solution's lines, by word ----------------------------------------------------------
# Texts are made of words from fixed lists, so each word's lines are worked out once, at import:
# where each of its letters is, and its vowels. Other words (capitalized, made up) are worked
# out as they come.
def _letter_table(word: str) -> dict[str, tuple[int, str]]:
    """For each character of word: how often it occurs and the end of the line saying where
    ("letters 1, 3 → 2")."""
    out = {}
    for c in dict.fromkeys(word):
        hits = _positions(word, c)
        out[c] = (len(hits), f"{_letters(hits)} → {len(hits)}")
    return out


def _vowel_entry(word: str) -> tuple[int, str]:
    found = [c for c in word if c.lower() in VOWELS]
    if not found:
        return 0, f"{word}: none"
    return len(found), f"{word}: {', '.join(found)} → {len(found)}"


def _positions(word: str, part: str) -> list[int]:
    """1-based start positions of `part` in `word`, overlapping ones included."""
    out, start = [], word.find(part)
    while start >= 0:
        out.append(start + 1)
        start = word.find(part, start + 1)
    return out


def _sum_line(counts: list[int], total: int) -> str:
    if len(counts) > 1:
        return f"Total: {' + '.join(map(str, counts))} = {total}."
    return f"Total: {total}."


def _letters(positions: list[int]) -> str:
    return ("letter " if len(positions) == 1 else "letters ") + ", ".join(map(str, positions))


_VOCABULARY = tuple(dict.fromkeys(
    (*COMMON_WORDS, *ADJECTIVES, *NOUNS, *VERBS_PAST, *PREPOSITIONS, *NAMES,
     *(n.lower() for n in NAMES), *_LINKS, *_PARTS["d"], *(w for f in _FILLERS for w in f))))
_LETTER_TABLE = {w: _letter_table(w) for w in _VOCABULARY}
_VOWEL_LINES = {w: _vowel_entry(w) for w in _VOCABULARY}


@family("count_chars")
class CountChars(Family):
    """Count letters, vowels, substrings or words in a text, word by word."""

    domain = "strings"
    skills = ("counting", "character-level reading", "attention to detail")
    answer_kind = "number"

    @staticmethod
    def _text(rng: random.Random, level: int, kind: str, bits: int) -> list[str]:
        lo, hi = LEVELS[level][1]
        bits, u = divmod(bits, 10)
        if lo == 1 and u < 9:
            lo = 2
        bits, n = divmod(bits, hi - lo + 1)
        n += lo
        if n <= 3:
            if n == 1:
                return [COMMON_WORDS[bits % len(COMMON_WORDS)]]
            words = []
            for _ in range(n - 1):
                bits, i = divmod(bits, len(ADJECTIVES))
                words.append(ADJECTIVES[i])
            words.append(NOUNS[bits % len(NOUNS)])
            return words
        words = sentence(rng, n)
        if kind == "case" or (level == 5 and rng.random() < 0.5):
            words[0] = words[0].capitalize()
            for i in range(1, n):
                if rng.random() < 0.15:
                    words[i] = rng.choice(NAMES)
        if kind == "substring" and level == 5 and rng.random() < 0.6:
            syllable = rng.choice(SYLLABLES)
            words[rng.randrange(n)] = syllable * rng.randint(2, 4)  # overlaps: "tatata"
        return words

    def make(self, rng: random.Random, level: int) -> Task:
        kinds, _ = LEVELS[level]
        # the kind and the text's length from one draw, the text from more, then what to ask
        bits, i = divmod(rng.getrandbits(64), len(kinds))
        kind = kinds[i]
        words = self._text(rng, level, kind, bits)
        bits = rng.getrandbits(64)
        text = " ".join(words)
        quoted = f"\"{text}\""
        lines: list[str] = []
        if kind in ("letter", "case"):
            letters = text.replace(" ", "")  # the words are all letters
            bits, u = divmod(bits, 100)
            if kind == "case":
                target = rng.choice([c for c in letters if c.isupper()] if u < 50 else letters)
                exact = True
            else:
                bits, j = divmod(bits, len(letters))
                bits, a = divmod(bits, 26)
                target = letters[j].lower() if u < 85 else ALPHABET[a]
                exact = False
            bits, j = divmod(bits, 10)
            if exact:
                question = _ASK_EXACT[j % 2](target, target.swapcase(), quoted)
            else:
                j %= 5
                question = _ASK_LETTER[j](target, quoted, len(words) == 1)
                if text != text.lower() and j != 3:  # 3 says "ignoring case" itself
                    question += " Ignore case."
            counts = []
            plain = exact or text.islower()  # each word is its own key
            for w in words:
                key = w if plain else w.lower()
                table = _LETTER_TABLE.get(key) or _letter_table(key)
                entry = table.get(target)
                if entry is not None:
                    counts.append(entry[0])
                    lines.append(f"{w}: {entry[1]}")
            if exact:
                lines.insert(0, f"Only \"{target}\" in exactly this case counts; "
                             f"\"{target.swapcase()}\" does not.")
            total = sum(counts)
            lines.append(_sum_line(counts, total) if counts else
                         f"No word contains \"{target}\", so the count is 0.")
        elif kind == "vowels":
            question = _ASK_VOWELS[bits % 3](quoted)
            counts = []
            for w in words:
                count, line = _VOWEL_LINES.get(w) or _vowel_entry(w)
                if count:
                    counts.append(count)
                lines.append(line)
            total = sum(counts)
            lines.append(_sum_line(counts, total))
        elif kind == "words":
            question = rng.choice(("How many words are in the text {t}?",
                                   "Count the words in {t}.",
                                   "{t}: how many words does this contain?")).format(t=quoted)
            total = len(words)
            lines.append("Number the words: " + ", ".join(
                f"{w} ({i + 1})" for i, w in enumerate(words)) + ".")
            lines.append(f"The last word is number {total}, so there are {total} words.")
        elif kind == "initial":
            bits, i = divmod(bits, len(words))
            letter = words[i][0].lower()
            question = (f"How many words in {quoted} start with the letter \"{letter}\"?"
                        if bits % 2 else f"Count the words of {quoted} that begin with "
                        f"\"{letter}\".")
            hits = [w for w in words if w[0].lower() == letter]
            lines.append(f"First letters: {', '.join([f'{w} ({w[0]})' for w in words])}.")
            lines.append(f"Words starting with \"{letter}\": {', '.join(hits)}.")
            total = len(hits)
            lines.append(f"That is {total} word{'s' if total != 1 else ''}.")
        elif kind == "longer":
            k = rng.randint(4, 6)
            question = rng.choice((
                "How many words in {t} have more than {k} letters?",
                "Count the words in {t} that are longer than {k} letters.",
            )).format(t=quoted, k=k)
            hits = [w for w in words if len(w) > k]
            lines.append("Word lengths: " + ", ".join(f"{w} {len(w)}" for w in words) + ".")
            lines.append(f"Longer than {k}: " + (", ".join(hits) if hits else "none") + ".")
            total = len(hits)
            lines.append(f"That is {total} word{'s' if total != 1 else ''}.")
        elif kind == "twice":
            doubled = [w.lower() for w in words if len(set(w.lower())) < len(w)]
            if doubled and rng.random() < 0.7:  # usually a letter some word has twice
                source = rng.choice(doubled)
                letter = rng.choice([c for c in source if source.count(c) > 1])
            else:
                letter = rng.choice(rng.choice(words).lower())
            question = rng.choice((
                "How many words in {t} contain the letter \"{c}\" at least twice (ignore "
                "case)?",
                "Count the words of {t} in which \"{c}\" appears two or more times, "
                "ignoring case.",
            )).format(t=quoted, c=letter)
            hits = [w for w in words if w.lower().count(letter) >= 2]
            for w in hits:
                lines.append(f"{w}: \"{letter}\" {w.lower().count(letter)} times")
            total = len(hits)
            lines.append(f"Words with \"{letter}\" at least twice: {total}." if hits else
                         f"No word contains \"{letter}\" twice, so the count is 0.")
        else:  # substring
            source = rng.choice([w for w in words if len(w) >= 3])
            size = rng.randint(2, min(3, len(source)))
            start = rng.randrange(len(source) - size + 1)
            part = source[start:start + size].lower()
            question = rng.choice((
                "How many times does \"{s}\" occur in {t}? Overlapping occurrences count "
                "separately; ignore case.",
                "Count the occurrences of the letter sequence \"{s}\" in {t} (ignoring case, "
                "counting overlapping matches).",
            )).format(s=part, t=quoted)
            counts = []
            for w in words:
                hits = _positions(w.lower(), part)
                if hits:
                    counts.append(len(hits))
                    lines.append(f"{w}: starting at {_letters(hits)} → {len(hits)}")
            lines.insert(0, f"Look for \"{part}\" inside each word (it has no space, so it "
                         "cannot span two words):")
            total = sum(counts)
            lines.append(_sum_line(counts, total))
        return Task(question, str(total), "\n".join(lines), {"kind": kind})


ALPHABET = "abcdefghijklmnopqrstuvwxyz"
_ASK_LETTER = (
    lambda c, t, one: f"How many times does the letter \"{c}\" appear in {t}?",
    lambda c, t, one: f"Count the occurrences of the letter \"{c}\" in {t}.",
    lambda c, t, one: f"How many \"{c}\"s are there in {t}?",
    lambda c, t, one: f"In {t}, how many times does \"{c}\" occur (ignoring case)?",
    lambda c, t, one: f"Count how often the letter \"{c}\" appears in "
                      f"{'the word ' if one else ''}{t}.",
)
_ASK_EXACT = (
    lambda c, o, t: f"How many times does the character \"{c}\" appear in {t}? Case matters: "
                    f"count only \"{c}\", not \"{o}\".",
    lambda c, o, t: f"Counting case-sensitively (\"{c}\" and \"{o}\" are different), how many "
                    f"\"{c}\" characters are in {t}?",
)
_ASK_VOWELS = (
    lambda t: f"How many vowels (a, e, i, o, u) are in {t}?",
    lambda t: f"Count the vowels in {t}. Treat only a, e, i, o and u as vowels.",
    lambda t: f"In {t}, how many letters are vowels (a, e, i, o, u; not y)?",
)
