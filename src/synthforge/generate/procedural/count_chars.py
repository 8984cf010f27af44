"""Count things in a text: a letter, the vowels, a substring (overlaps included), the words,
the words that start with a letter or are longer than a length; at higher levels case matters.
The solution goes word by word, giving positions, and adds up."""

from __future__ import annotations

import random

from synthforge.generate.procedural._logic_words import (
    ADJECTIVES,
    COMMON_WORDS,
    NAMES,
    NOUNS,
    SYLLABLES,
    sentence,
)
from synthforge.generate.procedural.base import Family, Task, family

VOWELS = "aeiou"
# by level: the kinds of count and the (low, high) number of words in the text
LEVELS = {1: (("letter",), (1, 3)),
          2: (("letter", "vowels", "words"), (4, 8)),
          3: (("letter", "vowels", "initial"), (8, 12)),
          4: (("substring", "longer", "case"), (8, 14)),
          5: (("letter", "substring", "case", "twice"), (16, 26))}


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


@family("count_chars")
class CountChars(Family):
    """Count letters, vowels, substrings or words in a text, word by word."""

    domain = "strings"
    skills = ("counting", "character-level reading", "attention to detail")
    answer_kind = "number"

    def _text(self, rng: random.Random, level: int, kind: str) -> list[str]:
        lo, hi = LEVELS[level][1]
        n = rng.randint(max(lo, 2), hi) if lo == 1 and rng.random() < 0.9 else rng.randint(lo, hi)
        if n <= 3:
            if n == 1:
                return [rng.choice(COMMON_WORDS)]
            return [rng.choice(ADJECTIVES) for _ in range(n - 1)] + [rng.choice(NOUNS)]
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
        kind = rng.choice(kinds)
        words = self._text(rng, level, kind)
        text = " ".join(words)
        quoted = f"\"{text}\""
        lines: list[str] = []
        if kind in ("letter", "case"):
            letters = [c for c in text if c.isalpha()]
            if kind == "case":
                target = rng.choice([c for c in text if c.isupper()] if rng.random() < 0.5
                                    else letters)
                exact = True
            else:
                target = rng.choice(letters).lower() if rng.random() < 0.85 else rng.choice(
                    "abcdefghijklmnopqrstuvwxyz")
                exact = False
            question = self._ask_letter(rng, target, quoted, exact, len(words) == 1)
            if not exact and text != text.lower() and "ignoring case" not in question:
                question += " Ignore case."
            counts = []
            for w in words:
                hits = [i + 1 for i, c in enumerate(w) if (c if exact else c.lower()) == target]
                if hits:
                    counts.append(len(hits))
                    lines.append(f"{w}: {_letters(hits)} → {len(hits)}")
            if exact:
                lines.insert(0, f"Only \"{target}\" in exactly this case counts; "
                             f"\"{target.swapcase()}\" does not.")
            total = sum(counts)
            lines.append(_sum_line(counts, total) if counts else
                         f"No word contains \"{target}\", so the count is 0.")
        elif kind == "vowels":
            question = rng.choice((
                "How many vowels (a, e, i, o, u) are in {t}?",
                "Count the vowels in {t}. Treat only a, e, i, o and u as vowels.",
                "In {t}, how many letters are vowels (a, e, i, o, u; not y)?",
            )).format(t=quoted)
            counts = []
            for w in words:
                found = [c for c in w if c.lower() in VOWELS]
                if found:
                    counts.append(len(found))
                    lines.append(f"{w}: {', '.join(found)} → {len(found)}")
                else:
                    lines.append(f"{w}: none")
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
            letter = rng.choice(words)[0].lower()
            question = rng.choice((
                "How many words in {t} start with the letter \"{c}\"?",
                "Count the words of {t} that begin with \"{c}\".",
            )).format(t=quoted, c=letter)
            hits = [w for w in words if w[0].lower() == letter]
            lines.append("First letters: " + ", ".join(f"{w} ({w[0]})" for w in words) + ".")
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

    @staticmethod
    def _ask_letter(rng: random.Random, target: str, quoted: str, exact: bool,
                    one_word: bool) -> str:
        if exact:
            return rng.choice((
                "How many times does the character \"{c}\" appear in {t}? Case matters: "
                "count only \"{c}\", not \"{o}\".",
                "Counting case-sensitively (\"{c}\" and \"{o}\" are different), how many "
                "\"{c}\" characters are in {t}?",
            )).format(c=target, o=target.swapcase(), t=quoted)
        return rng.choice((
            "How many times does the letter \"{c}\" appear in {t}?",
            "Count the occurrences of the letter \"{c}\" in {t}.",
            "How many \"{c}\"s are there in {t}?",
            "In {t}, how many times does \"{c}\" occur (ignoring case)?",
            "Count how often the letter \"{c}\" appears in " + ("the word " if one_word else "")
            + "{t}.",
        )).format(c=target, t=quoted)
