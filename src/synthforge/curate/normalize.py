"""Text normalisation for exact matching: NFKC, case, punctuation and whitespace folded."""

from __future__ import annotations

import functools
import string
import sys
import unicodedata

import xxhash

_PUNCT = frozenset(string.punctuation)
# ASCII fast path: lower-case letters, punctuation to spaces, in one bytes.translate.
ASCII_FOLD = bytes(
    ord(" ") if chr(c) in _PUNCT else (c + 32 if 65 <= c <= 90 else c) for c in range(256)
)


@functools.cache
def _unicode_punct() -> dict[int, str]:
    """Every Unicode punctuation or symbol code point mapped to a space (built on first use)."""
    return dict.fromkeys(
        (c for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c))[0] in "PS"), " ")


def normalize_bytes(text: str) -> bytes:
    """UTF-8 bytes of `text` with NFKC, casefold, punctuation removed and whitespace collapsed."""
    if text.isascii():
        return b" ".join(text.encode().translate(ASCII_FOLD).split())
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_unicode_punct())
    return " ".join(folded.split()).encode()


def normalize_text(text: str) -> str:
    """`normalize_bytes` as a string."""
    return normalize_bytes(text).decode()


def text_key(text: str) -> int:
    """A 64-bit key of the normalised text: equal for texts that differ only in form."""
    return xxhash.xxh3_64_intdigest(normalize_bytes(text))
