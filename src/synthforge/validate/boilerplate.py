"""Phrase matching for checks, and a built-in list of AI-assistant boilerplate.

A phrase matches as a whole (not inside a longer word), ignoring case, with any run of
whitespace between its words, any apostrophe (' ’ ‘ ʼ) where it has one, and its commas
optional. All phrases of a list compile into one regular expression, so a text is scanned
once whatever their number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

BOILERPLATE: tuple[str, ...] = (
    # the model talking about itself
    "as an AI language model",
    "as an AI assistant, I",
    "as an AI model, I",
    "as an AI, I",
    "as an AI developed by",
    "as an artificial intelligence, I",
    "as a language model, I",
    "as a large language model, I",
    "as a text-based AI",
    "I'm just an AI",
    "I am just an AI",
    "I'm only an AI",
    "I'm an AI developed by",
    "I am an AI developed by",
    "I'm an AI language model",
    "I am an AI language model",
    "I'm a language model",
    "I am a language model",
    "I'm ChatGPT",
    "I am ChatGPT",
    "language model trained by OpenAI",
    "I was trained by OpenAI",
    "I was developed by OpenAI",
    "I was created by OpenAI",
    "against my programming",
    # knowledge cut-off and browsing
    "my knowledge cutoff",
    "my knowledge cut-off",
    "my training cutoff",
    "my training data",
    "as of my last knowledge update",
    "as of my last update",
    "as of my last training",
    "I cannot browse the internet",
    "I can't browse the internet",
    "I'm unable to browse the internet",
    "I don't have access to real-time",
    "I do not have access to real-time",
    "I don't have the ability to browse",
    # declining to have a view
    "I don't have personal opinions",
    "I do not have personal opinions",
    "I don't have personal beliefs",
    "I do not have personal beliefs",
    "I don't have personal feelings",
    "I do not have personal feelings",
    "I don't have personal experiences",
    "I do not have personal experiences",
    "I don't have personal preferences",
    "I do not have personal preferences",
    # refusals
    "I'm sorry, but I can't",
    "I'm sorry, but I cannot",
    "I'm sorry, but as an AI",
    "I apologize, but I can't",
    "I apologize, but I cannot",
    "I apologize, but as an AI",
    "I cannot fulfill this request",
    "I can't fulfill this request",
    "I can't assist with that",
    "I cannot assist with that",
    # chat filler around the answer
    "Certainly! Here's",
    "Certainly! Here is",
    "Sure! Here's",
    "Sure! Here is",
    "Absolutely! Here's",
    "Great question!",
    "I hope this helps",
    "I hope this information helps",
    "I hope that helps",
    "Feel free to ask",
    "Is there anything else I can help you with",
    "How can I assist you today",
    "I apologize for any confusion",
    "It's important to note that",
    "It is important to note that",
)
"""Phrases that mark text as written by a chat assistant about itself, not as content."""

APOSTROPHES = "'’‘ʼ"
_FOLD = str.maketrans(dict.fromkeys(APOSTROPHES, "'"))
_PIECES = {" ": r"\s+", "'": "[" + APOSTROPHES + "]", ",": ",?"}
_WORD = re.compile(r"\w")
_END = ""


def normalize_phrase(text: str) -> str:
    """The form two matching phrases share: lower case, one space, one kind of apostrophe."""
    return " ".join(text.translate(_FOLD).lower().split())


def _key(text: str) -> str:
    return normalize_phrase(text).replace(",", "")


class PhraseMatcher:
    """Finds the first of a set of phrases in a text; `find` gives the phrase as listed."""

    __slots__ = ("_names", "_search", "phrases")

    def __init__(self, phrases: Iterable[str]):
        self.phrases = tuple(dict.fromkeys(p for p in phrases if p.split()))
        self._names = {_key(p): p for p in self.phrases}
        self._search = re.compile(phrase_regex(self.phrases)).search

    def find(self, text: str) -> str | None:
        """The first phrase found in `text`, or None."""
        match = self._search(text.lower())
        if match is None:
            return None
        found = match.group()
        return self._names.get(_key(found), found)

    def __bool__(self) -> bool:
        return bool(self.phrases)


def phrase_regex(phrases: Iterable[str]) -> str:
    """One regex for lower-cased text that matches any of `phrases` as a whole.

    The phrases share their common prefixes (a trie), so the engine tries each position of
    the text once rather than once per phrase; where one phrase extends another the longer
    one wins. Matches nothing if there are no phrases.
    """
    trie: dict[str, Any] = {}
    for phrase in phrases:
        node = trie
        for char in normalize_phrase(phrase):
            node = node.setdefault(char, {})
        if node is not trie:
            node[_END] = {}
    if not trie:
        return "(?!)"
    return "|".join((r"\b" if _WORD.match(c) else "") + _trie_regex(c, child)
                    for c, child in sorted(trie.items()))


def _trie_regex(char: str, node: dict[str, Any]) -> str:
    """The regex for `char` and everything below it in the trie."""
    pieces = [_piece(char)]
    while len(node) == 1 and _END not in node:  # a run with one way on: no group needed
        (char, node), = node.items()
        pieces.append(_piece(char))
    alternatives = [_trie_regex(c, child) for c, child in sorted(node.items()) if c != _END]
    if _END in node:
        alternatives.append(r"\b" if _WORD.match(char) else "")
    if len(alternatives) == 1:
        pieces.append(alternatives[0])
    else:
        pieces.append("(?:" + "|".join(alternatives) + ")")
    return "".join(pieces)


def _piece(char: str) -> str:
    return _PIECES.get(char) or re.escape(char)
