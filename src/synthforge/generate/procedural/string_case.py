"""Convert identifiers between naming conventions: snake_case, camelCase, PascalCase,
kebab-case, Title Case and UPPER_SNAKE_CASE; at higher levels from messy phrases, with digits
and acronyms (treated as ordinary words, as the question says). Answers are exact."""

from __future__ import annotations

import random
import re

from synthforge.generate.procedural._logic_words import ADJECTIVES, CODE_NOUNS, CODE_VERBS, NOUNS
from synthforge.generate.procedural.base import Family, Task, family

FORMATS = {"snake": "snake_case", "camel": "camelCase", "pascal": "PascalCase",
           "kebab": "kebab-case", "title": "Title Case", "upper": "UPPER_SNAKE_CASE"}
ACRONYMS = ("http", "json", "api", "url", "html", "xml", "sql", "id", "uuid", "csv", "pdf",
            "tcp", "gpu", "cpu", "utc")
VERSIONED = ("v2", "v3", "utf8", "md5", "sha256", "x86", "ipv4", "ipv6", "mp3", "h264")
FIRST = CODE_VERBS + ADJECTIVES
REST = CODE_NOUNS + NOUNS
_CAMEL_SPLIT = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_QUOTES = "\"'`“”‘’"

# by level: (words low, high), source formats, target formats, extras (digits, acronyms,
# messy phrases)
_BASIC = ("snake", "kebab", "camel", "upper")
_ALL = tuple(FORMATS)
LEVELS = {1: ((2, 2), _BASIC, _BASIC, False),
          2: ((2, 3), _ALL, _ALL, False),
          3: ((3, 4), _ALL, _ALL, False),
          4: ((3, 5), (*_ALL, "phrase"), _ALL, True),
          5: ((4, 6), (*_ALL, "phrase", "phrase"), _ALL, True)}


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:].lower()


def render(fmt: str, words: list[str]) -> str:
    if fmt == "snake":
        return "_".join(w.lower() for w in words)
    if fmt == "upper":
        return "_".join(w.upper() for w in words)
    if fmt == "kebab":
        return "-".join(w.lower() for w in words)
    if fmt == "camel":
        return words[0].lower() + "".join(_cap(w) for w in words[1:])
    if fmt == "pascal":
        return "".join(_cap(w) for w in words)
    return " ".join(_cap(w) for w in words)  # title


def _how(fmt: str) -> str:
    return {
        "snake": "all lowercase, words joined by underscores",
        "upper": "all uppercase, words joined by underscores",
        "kebab": "all lowercase, words joined by hyphens",
        "camel": "first word lowercase, each later word capitalized, no separators",
        "pascal": "every word capitalized, no separators",
        "title": "every word capitalized, separated by spaces",
    }[fmt]


def _clean(text: str) -> str:
    s = text.strip()
    while len(s) >= 2 and s[0] in _QUOTES and s[-1] in _QUOTES:
        s = s[1:-1].strip()
    return s


@family("string_case")
class StringCase(Family):
    """Convert an identifier between snake_case, camelCase, PascalCase, kebab-case and more."""

    domain = "strings"
    skills = ("naming conventions", "string manipulation", "tokenization")
    answer_kind = "text"

    def make(self, rng: random.Random, level: int) -> Task:
        (lo, hi), sources, targets, extras = LEVELS[level]
        n = rng.randint(lo, hi)
        words = [rng.choice(FIRST if rng.random() < 0.7 else REST)]
        words += [rng.choice(REST if rng.random() < 0.8 else ADJECTIVES) for _ in range(n - 1)]
        source = rng.choice(sources)
        target = rng.choice([t for t in targets if t != source])
        acronyms = False
        if extras:
            roll = rng.random()
            if roll < 0.3:
                words[rng.randrange(1, n)] = rng.choice(VERSIONED)
            elif roll < 0.45 and source not in ("camel", "pascal"):
                words.insert(rng.randrange(1, n + 1), str(rng.randint(1, 99)))
            if level == 5 or rng.random() < 0.3:
                words[rng.randrange(n)] = rng.choice(ACRONYMS)
                acronyms = True
        lines = []
        if source == "phrase":
            shown = []
            for w in words:
                if w in ACRONYMS:
                    shown.append(w.upper())
                else:
                    shown.append(rng.choice((w, w, w.capitalize(), w.upper())))
            gaps = [rng.choice((" ", " ", "  ")) for _ in shown[1:]]
            text = shown[0] + "".join(g + w for g, w in zip(gaps, shown[1:], strict=True))
            if rng.random() < 0.5:
                text = " " + text + " "
            question = rng.choice((
                "Write the phrase \"{s}\" as a {t} identifier.",
                "Turn \"{s}\" into {t}.",
                "Convert the words \"{s}\" to {t}.",
            )).format(s=text, t=FORMATS[target])
            lines.append("Split the phrase at the spaces (extra spaces do not matter) and "
                         "lowercase each word: " + ", ".join(w.lower() for w in words) + ".")
        else:
            text = render(source, words)
            question = rng.choice((
                "Convert the {f} name \"{s}\" to {t}.",
                "Rewrite \"{s}\" (written in {f}) in {t}.",
                "What is \"{s}\" in {t}? It is currently in {f}.",
                "Change the naming style of \"{s}\" from {f} to {t}.",
            )).format(f=FORMATS[source], s=text, t=FORMATS[target])
            where = {"snake": "at the underscores", "upper": "at the underscores",
                     "kebab": "at the hyphens", "title": "at the spaces",
                     "camel": "before each capital letter",
                     "pascal": "before each capital letter"}[source]
            parts = _CAMEL_SPLIT.findall(text) if source in ("camel", "pascal") else None
            assert parts is None or [p.lower() for p in parts] == [w.lower() for w in words]
            lines.append(f"Split \"{text}\" {where} and lowercase each word: "
                         + ", ".join(w.lower() for w in words) + ".")
        if acronyms:
            question += (" Treat acronyms as ordinary words (for example HTTP becomes Http "
                         "when capitalized).")
            lines.append("Acronyms are ordinary words here: capitalized, only their first "
                         "letter is uppercase.")
        if any(w.isdigit() for w in words):
            lines.append("Numbers stay as they are; they have no case.")
        answer = render(target, words)
        if target in ("camel", "pascal", "title"):
            pieces = [w.lower() if target == "camel" and i == 0 else _cap(w)
                      for i, w in enumerate(words)]
            lines.append(f"{FORMATS[target]}: {_how(target)}: " + " + ".join(pieces)
                         + f" → {answer}")
        else:
            lines.append(f"{FORMATS[target]}: {_how(target)} → {answer}")
        return Task(question, answer, "\n".join(lines), {"target": target})

    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        return 1.0 if _clean(answer) == task.answer else 0.0

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        want = task.answer
        out = [want.lower(), want.upper(), want.replace("_", "-"), want.replace(" ", ""),
               want[:1].swapcase() + want[1:], want + "_"]
        return [w for w in out if w != want]
