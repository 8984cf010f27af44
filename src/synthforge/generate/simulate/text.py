"""Turning facts into words: money, days, "two weeks ago", template filling and typos."""

from __future__ import annotations

import datetime as dt
import random
import re
import string
from collections.abc import Sequence
from typing import Any

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def money(dollars: float) -> str:
    """$1,234.50; whole amounts without cents ($500)."""
    return f"${dollars:,.0f}" if dollars == int(dollars) else f"${dollars:,.2f}"


def day(value: dt.date | str) -> str:
    """A date as people write it in a chat: `March 3`."""
    d = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{MONTHS[d.month - 1]} {d.day}"


def ago(days: int) -> str:
    """A rough, honest `how long ago`: today, yesterday, 4 days ago, about two weeks ago."""
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 7:
        return f"{days} days ago"
    if days < 11:
        return "about a week ago"
    if days < 18:
        return "about two weeks ago"
    if days < 25:
        return "about three weeks ago"
    if days < 45:
        return "about a month ago"
    return f"about {round(days / 30)} months ago"


_FIELDS: dict[str, tuple[str, ...]] = {}
_NEEDS: dict[int, tuple[Sequence[str], frozenset[str]]] = {}


def fields(template: str) -> tuple[str, ...]:
    """The placeholder names of a template, in order (cached)."""
    names = _FIELDS.get(template)
    if names is None:
        found = (f for _, f, _, _ in string.Formatter().parse(template) if f)
        names = _FIELDS[template] = tuple(dict.fromkeys(found))
    return names


def pick(rng: random.Random, bank: Sequence[str], slots: dict[str, Any],
         avoid: set[str] | frozenset[str] = frozenset()) -> str:
    """A template from `bank` whose placeholders `slots` can all fill, preferring those not
    in `avoid` (said already)."""
    cached = _NEEDS.get(id(bank))
    if cached is None or cached[0] is not bank:
        cached = _NEEDS[id(bank)] = (bank, frozenset().union(*map(fields, bank)))
    usable = bank if cached[1] <= slots.keys() else \
        [t for t in bank if slots.keys() >= set(fields(t))]
    if not usable:
        raise KeyError(f"no template fits the known slots: {bank[0]!r}")
    if avoid:
        fresh = [t for t in usable if t not in avoid]
        usable = fresh or usable
    return usable[0] if len(usable) == 1 else rng.choice(usable)


def join(*parts: str) -> str:
    """Sentences joined by single spaces, empty parts dropped."""
    return " ".join(p for p in parts if p)


def lower_start(text: str, keep: frozenset[str] = frozenset()) -> str:
    """Lower-case the first letter, unless the first word is `I`, all capitals or in `keep`
    (names)."""
    first = text.split(" ", 1)[0].rstrip(".,!?")
    if not first or first == "I" or first.startswith("I'") or first in keep \
            or not first[1:].islower():
        return text
    return text[0].lower() + text[1:]


# ---- typos ----------------------------------------------------------------------------------

TYPO_WORD = re.compile(r"(?<![\w@.'/-])[a-z]{4,}(?![\w@'/-]|\.\w)")
_MISSPELLINGS = {
    "receive": "recieve", "received": "recieved", "address": "adress", "because": "becuase",
    "until": "untill", "already": "allready", "really": "realy", "tomorrow": "tommorow",
    "please": "pls", "thanks": "thx", "definitely": "definately", "separate": "seperate",
    "weird": "wierd", "which": "wich", "there": "thier", "order": "oder", "refund": "refnud",
    "package": "pakage", "account": "acount", "cancel": "cancle", "damaged": "damanged",
    "charged": "chraged", "address.": "adress.", "through": "thru", "something": "somthing",
    "still": "stil", "wrong": "wrogn", "what": "waht", "money": "mony", "that": "taht",
}
_KEYS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEAR = {c: row[max(0, i - 1)] + row[i + 1:i + 2] for row in _KEYS for i, c in enumerate(row)}


def typo(rng: random.Random, text: str) -> tuple[str, int | None]:
    """`text` with one or two typos in plain lower-case words (never in names, numbers or
    emails); the count is None when no word can take a typo."""
    words = list(TYPO_WORD.finditer(text))
    if not words:
        return text, None
    count = 2 if len(words) > 6 and rng.random() < 0.3 else 1
    chosen = sorted(rng.sample(words, min(count, len(words))), key=lambda m: m.start(),
                    reverse=True)
    for m in chosen:
        text = text[:m.start()] + _misspell(rng, m.group()) + text[m.end():]
    return text, len(chosen)


def _misspell(rng: random.Random, word: str) -> str:
    common = _MISSPELLINGS.get(word)
    if common is not None and rng.random() < 0.6:
        return common
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.35 and word[i] != word[i + 1]:  # swap two letters
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind < 0.6:  # drop a letter
        return word[:i] + word[i + 1:]
    if kind < 0.8:  # double a letter
        return word[:i] + word[i] + word[i:]
    near = _NEAR.get(word[i])  # hit the key next to it
    return word[:i] + rng.choice(near) + word[i + 1:] if near else word[:i] + word[i + 1:]
