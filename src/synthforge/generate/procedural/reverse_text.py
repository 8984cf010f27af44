"""Reverse text: the letters of a word or phrase, the order of the words of a sentence, each
word in place, or a whole sentence with capitals and punctuation. Answers are exact: case,
letters and punctuation must match (only surrounding quotes and extra spaces are forgiven)."""

from __future__ import annotations

import random

from synthforge.generate.procedural._logic_words import (
    ADJECTIVES,
    NAMES,
    NOUNS,
    SYLLABLES,
    sentence,
)
from synthforge.generate.procedural.base import Family, Task, family

# by level: the kinds of reversal
LEVELS = {1: ("word", "phrase"),
          2: ("word", "order"),
          3: ("phrase", "order"),
          4: ("each", "sentence"),
          5: ("sentence", "order_each")}
_QUOTES = "\"'`“”‘’"
_ENDINGS = ("", "", "n", "k", "t", "s", "r")  # of a made-up word, as in pseudo_word
_ASK_WORD = ("Reverse the letters of the word \"{w}\".", "Write \"{w}\" backwards.",
             "What is \"{w}\" spelled in reverse?",
             "Spell the string \"{w}\" from its last letter to its first.")
_ASK_STRING = ("Reverse the whole string \"{t}\" character by character (spaces, capitals "
               "and punctuation included).",
               "Write \"{t}\" backwards, character by character, keeping each character's "
               "case.",
               "What do you get when you reverse every character of \"{t}\"?")
# the templates cut around their blank: joining pieces is cheaper than str.format
_WORD_PARTS = tuple(tuple(t.split("{w}")) for t in _ASK_WORD)
_STRING_PARTS = tuple(tuple(t.split("{t}")) for t in _ASK_STRING)
_STRING_NOTE = ("Reversing the whole string puts the words in reverse order and reverses the "
                "characters inside each word; the single spaces stay between words.")


def _spell(word: str) -> str:
    return "-".join(word)


def _clean(text: str) -> str:
    s = " ".join(text.split())
    if len(s) >= 2 and s[0] in _QUOTES and s[-1] in _QUOTES:
        s = s[1:-1].strip()
    return s


@family("reverse_text")
class ReverseText(Family):
    """Reverse the letters of a word or phrase, or the order of the words in a sentence."""

    domain = "strings"
    skills = ("string manipulation", "character-level reading")
    answer_kind = "text"

    def make(self, rng: random.Random, level: int) -> Task:
        kinds = LEVELS[level]
        bits, i = divmod(rng.getrandbits(64), len(kinds))
        kind = kinds[i]
        lines: list[str] = []
        if kind == "word":
            # a made-up word (as pseudo_word makes them): syllables and an ending
            bits, extra = divmod(bits, 2 if level == 1 else 3)  # 2-3 or 3-5 syllables
            count = (2 if level == 1 else 3) + extra
            parts = []
            for _ in range(count):
                bits, j = divmod(bits, len(SYLLABLES))
                parts.append(SYLLABLES[j])
            bits, j = divmod(bits, len(_ENDINGS))
            word = "".join(parts) + _ENDINGS[j]
            bits, j = divmod(bits, 10)
            if level >= 2 and j < 3:
                word = word.capitalize()
            answer = word[::-1]
            head, tail = _WORD_PARTS[bits % len(_WORD_PARTS)]
            question = head + word + tail
            solution = (f"Letters in order: {'-'.join(word)}.\nFrom last to first: "
                        f"{'-'.join(answer)}.\nJoined: {answer}.")
            return Task(question, answer, solution, {"kind": kind})
        if kind in ("phrase", "sentence"):
            if kind == "phrase":
                bits, j = divmod(bits, max(2, level))
                words = []
                for _ in range(j + 1):
                    bits, j = divmod(bits, len(ADJECTIVES))
                    words.append(ADJECTIVES[j])
                bits, j = divmod(bits, len(NOUNS))
                words.append(NOUNS[j])
                if level >= 3 and bits % 2:
                    words[0] = words[0].capitalize()
                bits //= 2
                text = " ".join(words)
            else:
                words = sentence(rng, rng.randint(5, 7) if level == 4 else rng.randint(8, 12))
                if rng.random() < 0.5:
                    words[rng.randrange(1, len(words))] = rng.choice(NAMES)
                words[0] = words[0].capitalize()
                if level == 5 and len(words) > 6:
                    comma = rng.randrange(2, len(words) - 2)
                    words[comma] += ","
                words[-1] += rng.choice(".!?")
                text = " ".join(words)
                words = text.split()
            answer = text[::-1]
            head, tail = _STRING_PARTS[bits % len(_STRING_PARTS)]
            question = head + text + tail
            backwards = words[::-1]
            solution = (f"{_STRING_NOTE}\nWords from last to first: {' | '.join(backwards)}."
                        "\nEach one reversed: "
                        + ", ".join([f"{w} → {w[::-1]}" for w in backwards])
                        + f".\nJoined with spaces: {answer}")
            return Task(question, answer, solution, {"kind": kind})
        if kind == "order":
            words = sentence(rng, rng.randint(5, 7) if level == 2 else rng.randint(8, 10))
            text = " ".join(words)
            answer = " ".join(words[::-1])
            question = rng.choice((
                "Reverse the order of the words in \"{t}\".",
                "Write the words of \"{t}\" in reverse order (keep each word as it is).",
                "Rewrite the sentence \"{t}\" with its words from last to first.",
            )).format(t=text)
            lines.append("Words in order: " + ", ".join(
                f"{i + 1}. {w}" for i, w in enumerate(words)) + ".")
            lines.append("From last to first: " + ", ".join(
                f"{len(words) - i}. {w}" for i, w in enumerate(words[::-1])) + ".")
            lines.append(f"Joined: {answer}")
        elif kind == "each":
            words = sentence(rng, rng.randint(4, 6))
            text = " ".join(words)
            answer = " ".join(w[::-1] for w in words)
            question = rng.choice((
                "Reverse the letters of each word in \"{t}\", keeping the words in their "
                "order.",
                "In \"{t}\", write every word backwards but leave the word order unchanged.",
            )).format(t=text)
            lines.append("Reverse each word in place: " + ", ".join(
                f"{w} → {w[::-1]}" for w in words) + ".")
            lines.append(f"Joined: {answer}")
        else:  # order_each: reverse the word order and each word, i.e. the whole string
            words = sentence(rng, rng.randint(7, 10))
            words[rng.randrange(len(words))] = rng.choice(NAMES)
            text = " ".join(words)
            answer = " ".join(w[::-1] for w in words[::-1])
            question = rng.choice((
                "Take \"{t}\", put its words in reverse order, and then spell each word "
                "backwards (every letter keeps its case).",
                "First reverse the order of the words of \"{t}\", then reverse the letters "
                "of every word.",
            )).format(t=text)
            lines.append("Words from last to first: " + " | ".join(words[::-1]) + ".")
            lines.append("Each word backwards: " + ", ".join(
                f"{w} → {w[::-1]}" for w in words[::-1]) + ".")
            lines.append(f"Joined: {answer}")
        return Task(question, answer, "\n".join(lines), {"kind": kind})

    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        return 1.0 if _clean(answer) == _clean(task.answer) else 0.0

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        want = task.answer
        out = [want[::-1], want + "s", want[1:], want.swapcase(), want.upper()]
        if len(want) > 2:
            i = rng.randrange(len(want) - 1)
            out.append(want[:i] + want[i + 1] + want[i] + want[i + 2:])
        return [w for w in out if _clean(w) != _clean(want)]
