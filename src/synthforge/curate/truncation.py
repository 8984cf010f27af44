"""Truncated answers for the `quality` step: cut by the teacher (`finish_reason: length`),
an unclosed code fence, brackets left open in fenced code, prose that stops mid-sentence."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from synthforge.curate.degenerate import bare
from synthforge.record import Record

CUT_REASONS = frozenset({"length", "max_tokens"})
FENCE = re.compile(r"^[ \t]{0,3}(?:`{3,}|~{3,})", re.M)
_BLOCK = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})[ \t]*([\w+#-]*)[^\n]*\n(.*?)^[ \t]{0,3}\1[ \t]*$",
                    re.M | re.S)
_STRINGS = (r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|'
            r"'(?:\\.|[^'\\\n])*'|`[^`\n]*`")
_C_COMMENTS = r"//[^\n]*|/\*[\s\S]*?\*/"
_HASH_COMMENTS = r"#[^\n]*"
_HASH_LANGUAGES = frozenset({"python", "py", "python3", "bash", "sh", "shell", "zsh", "ruby",
                             "rb", "r", "yaml", "yml", "toml", "perl", "pl", "makefile",
                             "dockerfile", "powershell", "ps1", "julia", "nim", "elixir", ""})
_CODE_NOISE = {True: re.compile(f"{_STRINGS}|{_C_COMMENTS}|{_HASH_COMMENTS}"),
               False: re.compile(f"{_STRINGS}|{_C_COMMENTS}")}
_PAIRS = (("(", ")"), ("[", "]"), ("{", "}"))
_LIST_ITEM = re.compile(r"^(?:[-*+•–]|\d{1,3}[.)]|[a-zA-Z][.)]|#{1,6}|\|)\s?")
_SENTENCE_ENDS = frozenset(".!?…。！？;)]}\"'”’»`*_~>")
_OPENERS = frozenset("([{")
DANGLING = frozenset({"the", "an", "and", "or", "but", "nor", "its", "their", "your", "our",
                      "than", "because", "whether", "including"})
"""Words a finished sentence does not end on: a line ending on one was cut."""


def cut_by_teacher(record: Record, paths: list[str] | None) -> str | None:
    """`truncated: finish_reason is length (meta....)` when the teacher says it cut the
    answer: at `paths`, or at any finish or stop reason in meta (see `finish_reasons`)."""
    found = (finish_reasons(record.meta) if paths is None
             else ((p, record.get(p)) for p in paths))
    for path, value in found:
        values = value if isinstance(value, list) else [value]
        cut = next((v for v in values if v in CUT_REASONS), None)
        if cut is not None:
            return f"truncated: finish_reason is {cut} ({path})"
    return None


def finish_reasons(meta: dict[str, Any], depth: int = 3, at: str = "meta"
                   ) -> Iterator[tuple[str, Any]]:
    """(path, value) of every `finish_reason` / `stop_reason` in meta, `depth` levels deep."""
    for key, value in meta.items():
        path = f"{at}.{key}"
        if key in ("finish_reason", "stop_reason"):
            yield path, value
        elif isinstance(value, dict) and depth > 1:
            yield from finish_reasons(value, depth - 1, path)


def unclosed_in_code(text: str) -> str | None:
    """An opening bracket left open in a fenced code block (strings and comments aside)."""
    for block in _BLOCK.finditer(text):
        language = block.group(2).lower()
        code = _CODE_NOISE[language in _HASH_LANGUAGES].sub("", block.group(3))
        for opener, closer in _PAIRS:
            if code.count(opener) > code.count(closer):
                return f"truncated: unclosed '{opener}' in code"
    return None


def mid_sentence(text: str, min_words: int) -> str | None:
    """Prose whose last line stops without end punctuation: on an open bracket, a comma or a
    word like 'the' (a cut for sure), or after `min_words` words of a plain sentence."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines or FENCE.match(lines[-1]):
        return None
    last = lines[-1]
    words, end = last.split(), last[-1]
    if end in _OPENERS:
        return f'truncated: ends on an open bracket ("{_tail(last)}")'
    if end in _SENTENCE_ENDS or end == ":":
        return None
    if (end == "," and len(words) >= 5) or (len(words) >= 3 and bare(words[-1]) in DANGLING):
        return f'truncated: ends mid-sentence ("{_tail(last)}")'
    if len(words) < min_words or not _PLAIN_END.search(last) or _not_prose(last, lines):
        return None
    return f'truncated: ends mid-sentence ("{_tail(last)}")'


_PLAIN_END = re.compile(r"(?:^|\s)[\w'’$%-]+$")  # ends on a word or number, not #tag, url, ^2
_LABEL = re.compile(r"^[^:]{1,40}:\s")
_ATTRIBUTION = re.compile(r"\s[-–—―]\s*(?:\S+\s*){1,5}$")
_NOT_PROSE_MARKS = re.compile(r"[=|→/]|#\w")  # formulas, separators, arrows, hashtags


def _not_prose(last: str, lines: list[str]) -> bool:
    """A line that needs no end punctuation: a list item, a title, a label, an attribution,
    an enumeration, a formula, hashtags, verse."""
    words = last.split()
    capitals = sum(w[0].isupper() for w in words if len(w) > 3)
    return bool(
        _LIST_ITEM.match(last) or _LABEL.match(last) or _ATTRIBUTION.search(last)
        or _NOT_PROSE_MARKS.search(last) or capitals >= 0.6 * sum(len(w) > 3 for w in words)
        or (last.count(",") >= 3 and len(words) <= 3 * (last.count(",") + 1))
        or _verse(lines[:-1]))


def _verse(lines: list[str]) -> bool:
    """Most earlier lines also lack end punctuation: verse, a list, a table, not a cut."""
    return len(lines) >= 2 and sum(line[-1] in _SENTENCE_ENDS for line in lines) < len(lines) / 2


def _tail(line: str, words: int = 5) -> str:
    return ("... " if len(line.split()) > words else "") + " ".join(line.split()[-words:])
