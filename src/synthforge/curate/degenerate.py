"""Degenerate answers for the `quality` step: no content, one thing repeated, a placeholder
or template variable left in, a prompt template the generator ran on into."""

from __future__ import annotations

import re
import unicodedata

_ALNUM = re.compile(r"[^\W_]")
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
_NO_OUTPUT_TAG = re.compile(r"<\s*no\s*(?:output|input)\s*>|<\s*no\s*output\b", re.I)
_NA_FIRST = re.compile(r"\W*n/a\b", re.I)
_LEAKED = re.compile(r"^[ \t]*(?:\d+\.[ \t]*|#+[ \t]*)?Instruction[ \t]*:", re.M | re.I)
"""A prompt template the generator ran on into (after the first line: `6. Instruction:`)."""
_TEMPLATE_VAR = re.compile(r"\{\{\s*[^{}\n]{1,60}?\s*\}\}")
_CODE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})[^\n]*\n.*?(?:^[ \t]{0,3}\1[ \t]*$|\Z)|`[^`\n]+`",
                   re.M | re.S)


def leftover(text: str) -> str | None:
    """A generator's leftover in a stripped answer: `<no output>`, a leading `N/A`, or a
    prompt template run on into after the first line (`6. Instruction:`)."""
    found = (("<" in text and _NO_OUTPUT_TAG.search(text)) or _NA_FIRST.match(text)
             or ("\n" in text and _LEAKED.search(text, text.find("\n") + 1)))
    return found.group().strip() if found else None


def form(text: str, repeats: int) -> str | None:
    """No letter or digit (at least 3 characters of it), or one word or character repeated."""
    if not _ALNUM.search(text):
        has_symbols = any(unicodedata.category(c) == "So" for c in text)  # emoji
        return "degenerate: no letter or digit" if len(text) >= 3 and not has_symbols else None
    return _one_thing_repeated(text, repeats)


def bare(text: str) -> str:
    """Lower case, single spaces, no punctuation at either end: `<No Output.>` -> `no output`."""
    return " ".join(_EDGES.sub("", text.lower()).split())


def _one_thing_repeated(text: str, repeats: int) -> str | None:
    words = text.split()
    if len(words) >= repeats:
        first = bare(words[0])
        if all(bare(w) == first for w in words[1:]):  # stops at the first other word
            return f'degenerate: "{clip(first)}" repeated {len(words)} times'
    elif len(words) == 1 and len(text) >= 2 * repeats and text.count(text[0]) == len(text) \
            and not text[0].isdigit():
        return f'degenerate: "{text[0]}" repeated {len(text)} times'
    return None


def template_var(prompt: str | None, response: str) -> str | None:
    """A `{{variable}}` a template left unfilled: in the prompt (outside code), or in the
    response outside code when the prompt does not show it (a template answer)."""
    if prompt is not None and "{{" in prompt:
        found = _TEMPLATE_VAR.search(_CODE.sub(" ", prompt))
        if found:
            return f"placeholder: {found.group()} left in the prompt"
    if "{{" in response:
        for found in _TEMPLATE_VAR.finditer(_CODE.sub(" ", response)):
            if prompt is None or found.group() not in prompt:
                return f"placeholder: {found.group()} left in the response"
    return None


def clip(text: str, limit: int = 40) -> str:
    """Text on one line, cut to `limit` characters with `...`."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
