"""What a python_function template makes (`Spec`), the registry of templates by level,
and the input makers they share."""

from __future__ import annotations

import random
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

WORDS = ("apple", "river", "stone", "cloud", "tiger", "lemon", "piano", "orbit", "candle",
         "forest", "silver", "garden", "rocket", "island", "pepper", "window", "shadow",
         "button", "planet", "marble", "violet", "copper", "bridge", "meadow", "anchor",
         "rabbit", "puzzle", "sunset", "harbor", "engine")
NAMES = ("ada lovelace", "alan turing", "grace hopper", "linus torvalds", "barbara liskov",
         "donald knuth", "margaret hamilton", "ken thompson", "frances allen", "john backus")


@dataclass(frozen=True)
class Spec:
    """One function task: the reference code, what it must do, and how to check it."""

    name: str
    code: str
    task: str  # completes "Write a Python function `signature` that ..."
    steps: tuple[str, ...]
    cases: tuple[tuple[Any, ...], ...]  # arguments of the unit tests, edge cases included
    impl: Callable[..., Any]  # the template's logic in Python: the expected values
    bugs: tuple[tuple[str, str], ...]  # (old, new) edits of the code that break it


Template = Callable[[random.Random], Spec]
TEMPLATES: dict[int, list[Template]] = {level: [] for level in range(1, 6)}


def template(level: int) -> Callable[[Template], Template]:
    def add(fn: Template) -> Template:
        TEMPLATES[level].append(fn)
        return fn

    return add


def _code(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


def _ints(rng: random.Random, n: int, lo: int = -20, hi: int = 50) -> list[int]:
    return [rng.randint(lo, hi) for _ in range(n)]


def _words(rng: random.Random, n: int) -> list[str]:
    return [rng.choice(WORDS) for _ in range(n)]


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(_words(rng, n))


def _brackets(rng: random.Random, depth: int) -> str:
    """A random balanced string of brackets and letters."""
    parts = []
    for _ in range(rng.randint(1, 3)):
        inner = _brackets(rng, depth - 1) if depth > 1 and rng.random() < 0.7 else ""
        left, right = rng.choice(("()", "[]", "{}"))
        parts.append(left + rng.choice("abxyz" + " " * 3).strip() + inner + right)
    return "".join(parts)
