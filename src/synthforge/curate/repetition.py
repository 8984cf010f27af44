"""Repetition measures after Gopher (Rae et al. 2021, table A1), for the `quality` step.

Gopher drops a web document when duplicate lines or paragraphs make up too much of it, or
when its most frequent 2-, 3-, 4-gram, or its repeated 5- to 10-grams, cover too many of
its characters. Its thresholds are kept; what changes for short answers, measured on
Alpaca's outputs (median 26 words):

- a fraction counts only when one line, paragraph or sentence comes `min_repeats` (4)
  times, or duplicates are half the units: a chorus sung three times, or a recipe list
  that names olive oil in each recipe, is not a degenerate loop;
- lines are prose lines: list items, code and markup lines (`<td>`, `"key": value`, `}`)
  repeat legitimately; fenced code is left out, and a text a third of whose lines are
  code or markup (unfenced code, HTML, JSON) is not judged;
- the n-gram rules need `ngram_min_words` (200) words: in a focused 60-word answer its
  topic phrase covers 20 % of the characters; the top n-gram must also occur twice;
- sentences are counted like lines (a loop within one line), and a run of the same 1- to
  10-word phrase `loop_repeats` (4) times in a row is a loop at any length.

Words are lower-cased runs of letters and digits; character fractions count word
characters only, so punctuation and spacing change nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

_FENCED = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})[^\n]*\n.*?(?:^[ \t]{0,3}\1[ \t]*$|\Z)",
                     re.M | re.S)
_PARAGRAPHS = re.compile(r"\n[ \t]*\n")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_WORD = re.compile(r"[^\W_]+")
_ALNUM = re.compile(r"[^\W_]")
_LIST_ITEM = re.compile(r"^(?:[-*+•–]|\d{1,3}[.)]|[a-zA-Z][.)])\s")
_CODE_LIKE = re.compile(r'[<>{}\[\]=]|;\s*$|^\s*"[^"]*"\s*:')

GOPHER_TOP_NGRAMS: dict[int, float] = {2: 0.20, 3: 0.18, 4: 0.16}
GOPHER_DUP_NGRAMS: dict[int, float] = {5: 0.15, 6: 0.14, 7: 0.13, 8: 0.12, 9: 0.11, 10: 0.10}


def without_code(text: str) -> str:
    """`text` with its fenced code blocks (```...``` or ~~~...~~~) removed."""
    return _FENCED.sub("", text) if "```" in text or "~~~" in text else text


def words(text: str) -> list[str]:
    """Lower-cased runs of letters and digits."""
    return _WORD.findall(text.lower())


def duplicates(items: Sequence[str]) -> tuple[int, int]:
    """(how many items repeat an earlier one, their characters)."""
    seen: set[str] = set()
    count = chars = 0
    for item in items:
        if item in seen:
            count += 1
            chars += len(item)
        else:
            seen.add(item)
    return count, chars


def top_ngram(tokens: Sequence[str], n: int) -> tuple[tuple[str, ...], int] | None:
    """The most frequent n-gram and its count (the first of equals), if any repeats."""
    grams = Counter(zip(*(tokens[i:] for i in range(n)), strict=False))
    if not grams:
        return None
    gram, count = grams.most_common(1)[0]
    return (gram, count) if count > 1 else None


def repeated_ngram_chars(tokens: Sequence[str], n: int) -> int:
    """Characters of the words covered by n-grams that occurred before (at any position)."""
    seen: set[tuple[str, ...]] = set()
    covered = [False] * len(tokens)
    for i in range(len(tokens) - n + 1):
        gram = tuple(tokens[i:i + n])
        if gram in seen:
            covered[i:i + n] = [True] * n
        else:
            seen.add(gram)
    return sum(len(w) for w, c in zip(tokens, covered, strict=True) if c)


@dataclass(frozen=True)
class RepetitionLimits:
    """Thresholds of the repetition rules; None turns one off."""

    dup_line_frac: float | None = 0.30
    dup_para_frac: float | None = 0.30
    dup_line_char_frac: float | None = 0.20
    dup_para_char_frac: float | None = 0.20
    dup_sentence_frac: float | None = 0.30
    top_ngrams: Mapping[int, float] = field(default_factory=lambda: dict(GOPHER_TOP_NGRAMS))
    dup_ngrams: Mapping[int, float] = field(default_factory=lambda: dict(GOPHER_DUP_NGRAMS))
    min_repeats: int = 4
    ngram_min_words: int = 200
    loop_repeats: int | None = 4
    loop_max_words: int = 10


def repetition(text: str, limits: RepetitionLimits) -> str | None:
    """Why `text` is too repetitive (`3 of 5 lines repeat`), or None.

    Only prose counts: fenced code goes, and so do list items, code and markup lines; a
    text with a third or more of its lines code or markup (unfenced code, HTML, JSON) is
    not judged.
    """
    text = without_code(text).strip()
    lines = [line.strip() for line in text.splitlines() if _ALNUM.search(line)]
    prose = [line for line in lines if _prose(line)]
    if not prose or sum(bool(_CODE_LIKE.search(line)) for line in lines) * 3 >= len(lines):
        return None
    joined = "\n".join(prose)
    tokens = words(joined)
    return (_units(text, prose, limits) or _sentences(joined, limits)
            or _loop(tokens, limits) or _ngrams(tokens, limits))


def _units(text: str, lines: list[str], limits: RepetitionLimits) -> str | None:
    paragraphs = [p.strip() for p in _PARAGRAPHS.split(text)]
    paragraphs = [p for p in paragraphs if any(_prose(line) for line in p.splitlines())]
    lines = [line for line in lines if len(line.split()) > 1]
    total = len(text)
    for name, units, frac, char_frac in (
            ("paragraphs", paragraphs, limits.dup_para_frac, limits.dup_para_char_frac),
            ("lines", lines, limits.dup_line_frac, limits.dup_line_char_frac)):
        reason = _repeats(name, units, frac, limits.min_repeats)
        if reason is not None:
            return reason
        _, chars = duplicates(units)
        if char_frac is not None and chars / total > char_frac and _top(units) >= \
                limits.min_repeats:
            return f"repeated {name} are {chars / total:.0%} of the text"
    return None


def _sentences(text: str, limits: RepetitionLimits) -> str | None:
    sentences = [s.strip() for s in _SENTENCE_END.split(text) if len(s.split()) > 1]
    return _repeats("sentences", sentences, limits.dup_sentence_frac, limits.min_repeats)


def _repeats(name: str, units: list[str], frac: float | None, min_repeats: int) -> str | None:
    """Most units repeat, or (Gopher's fraction) more than `frac` do and one of them comes
    `min_repeats` times: a loop, not a chorus sung three times."""
    if frac is None:
        return None
    count, _ = duplicates(units)
    if count < 2:
        return None
    share = count / len(units)
    if share >= 0.5 or (share > frac and _top(units) >= min_repeats):
        return f"{count} of {len(units)} {name} repeat"
    return None


def _top(units: list[str]) -> int:
    return max(Counter(units).values(), default=0)


def _prose(line: str) -> bool:
    """A line with a letter or digit that is not a list item, code or markup."""
    return bool(_ALNUM.search(line)) and not _LIST_ITEM.match(line) \
        and not _CODE_LIKE.search(line)


def _loop(tokens: list[str], limits: RepetitionLimits) -> str | None:
    """The same phrase of n <= `loop_max_words` words, one of them a word of three letters
    or more, `loop_repeats` times in a row ("la la la la" and "0 0 0 0" are not loops)."""
    if limits.loop_repeats is None:
        return None
    need = limits.loop_repeats - 1
    for n in _loop_periods(tokens, limits.loop_repeats, limits.loop_max_words):
        run = 0  # positions i in a row where tokens[i] == tokens[i + n]
        for i, (a, b) in enumerate(zip(tokens, tokens[n:], strict=False)):
            run = run + 1 if a == b else 0
            if run >= need * n:
                phrase = tokens[i - run + 1:i - run + 1 + n]
                if any(len(w) > 2 and w.isalpha() for w in phrase):
                    return f'"{" ".join(phrase)}" {limits.loop_repeats} times in a row'
    return None


def _loop_periods(tokens: list[str], repeats: int, longest: int) -> list[int]:
    """Phrase lengths worth scanning: gaps between occurrences of a word that comes
    `repeats` times (each word of a looped phrase does, `n` apart)."""
    counts = Counter(tokens)
    frequent = {w for w, c in counts.items() if c >= repeats}
    if not frequent:
        return []
    last: dict[str, int] = {}
    gaps: set[int] = set()
    for i, w in enumerate(tokens):
        if w in frequent:
            if w in last and i - last[w] <= longest:
                gaps.add(i - last[w])
            last[w] = i
    return sorted(gaps)


def _ngrams(tokens: list[str], limits: RepetitionLimits) -> str | None:
    if len(tokens) < limits.ngram_min_words:
        return None
    total = sum(map(len, tokens))
    for n, frac in sorted(limits.top_ngrams.items()):
        top = top_ngram(tokens, n)
        if top is None:
            break  # no n-gram repeats, so no longer one does
        gram, count = top
        share = count * sum(map(len, gram)) / total
        if share > frac:
            return f'"{" ".join(gram)}" ({count}x) is {share:.0%} of the text'
    for n, frac in sorted(limits.dup_ngrams.items()):
        chars = repeated_ngram_chars(tokens, n)
        if not chars:
            break
        if chars / total > frac:
            return f"repeated {n}-grams are {chars / total:.0%} of the text"
    return None
