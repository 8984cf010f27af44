"""Spans of personal data and secrets: findings, how overlapping ones merge, redaction with
typed placeholders, masks that hide a value, and the scanner that runs detectors over a text.

The `pii` step (curate/privacy.py) builds a `Scanner` from its config; the detectors come
from presidio's recognizers (curate/pii_presidio.py) and from curate/secrets.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

from synthforge.curate.secrets import API_KEY, SECRET, find_secrets, has_digit

Entity = Literal["EMAIL", "PHONE", "CREDIT_CARD", "IBAN", "SSN", "IP_ADDRESS", "URL", "CRYPTO",
                 "API_KEY", "SECRET"]
ENTITIES: tuple[str, ...] = Entity.__args__  # type: ignore[attr-defined]
PRESIDIO_ENTITIES = frozenset(ENTITIES) - {API_KEY, SECRET}


# ---- findings -----------------------------------------------------------------------------

class Finding(NamedTuple):
    """One detected span, `text[start:end]`; `shown`: characters a mask may keep (-1: default)."""

    entity: str
    start: int
    end: int
    score: float
    kind: str = ""
    shown: int = -1


def merge(findings: Sequence[Finding]) -> list[Finding]:
    """Overlapping findings become one span (their union) named by the strongest finding
    (score, then length); adjacent findings stay apart."""
    groups: list[list[Finding]] = []
    end = -1
    for f in sorted(findings, key=lambda f: (f.start, -f.end)):
        if groups and f.start < end:
            groups[-1].append(f)
            end = max(end, f.end)
        else:
            groups.append([f])
            end = f.end
    return [_union(g) for g in groups]


def _union(group: list[Finding]) -> Finding:
    best = max(group, key=lambda f: (f.score, f.end - f.start))
    start, end = group[0].start, max(f.end for f in group)
    shown = best.shown if best.start == start else -1
    return best._replace(start=start, end=end, shown=shown)


def redact(text: str, findings: Sequence[Finding]) -> str:
    """`text` with each (merged, sorted) finding replaced by its placeholder, e.g. `[EMAIL]`."""
    parts: list[str] = []
    pos = 0
    for f in findings:
        parts += (text[pos:f.start], f"[{f.entity}]")
        pos = f.end
    parts.append(text[pos:])
    return "".join(parts)


_ALNUM = re.compile(r"[A-Za-z0-9]")
_NO_HINT = frozenset({"SSN", SECRET})


def mask(entity: str, value: str, shown: int = -1) -> str:
    """The value with its content hidden: `j***@gmail.com`, `4111 **** ****`, `sk-proj-***`."""
    if entity == "EMAIL":
        local, _, domain = value.rpartition("@")
        return f"{local[:1]}***@{domain}"
    if shown >= 0 or entity == API_KEY:
        return value[:max(shown, 0)] + "***"
    keep = 0 if entity in _NO_HINT else min(4, len(value) // 4)
    rest = _ALNUM.sub("*", value[keep:keep + 20])
    return value[:keep] + rest + ("..." if len(value) > keep + 20 else "")


# ---- detectors ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Detector:
    """Finds one kind of span. `find` runs only on text that passes `trigger`, a cheap test,
    and that holds a digit if `digits`. A `last` detector runs after the others, on the text
    with their findings blanked out (libphonenumber is slow on every run of digits it sees:
    card numbers, IBANs and SSNs are no phone numbers)."""

    trigger: Callable[[str], object]
    find: Callable[[str], list[Finding]]
    digits: bool = False
    last: bool = False


_PASSES = 100  # each pass replaces at least one span: a guard, not a limit in practice


class Scanner:
    """All detectors of a config, with thresholds and the allow-list applied."""

    def __init__(self, detectors: Sequence[Detector], threshold: float,
                 allowed: Callable[[str, str], bool]):
        self._detectors = tuple(sorted(detectors, key=lambda d: d.last))
        self._threshold = threshold
        self._allowed = allowed

    def scan(self, text: str) -> list[Finding]:
        """The findings in `text`, merged where they overlap, in order."""
        return merge(self.detect(text))

    def redact(self, text: str) -> tuple[str, list[tuple[Finding, str]]]:
        """`text` with every finding replaced by its placeholder, and the findings with their
        values. Scanned again until nothing is found: a span may stand apart only once its
        neighbour is replaced ("8.8.8.81Boat..." shows an IP address after the Bitcoin one)."""
        found: list[tuple[Finding, str]] = []
        for _ in range(_PASSES):
            spans = self.scan(text)
            if not spans:
                break
            found += [(f, text[f.start:f.end]) for f in spans]
            text = redact(text, spans)
        return text, found

    def detect(self, text: str) -> list[Finding]:
        """Every detector's findings (they may overlap), thresholds and allow-list applied."""
        found: list[Finding] = []
        digits: bool | None = None
        threshold, allowed = self._threshold, self._allowed
        blanked: str | None = None  # what the `last` detectors see
        for d in self._detectors:
            if d.digits:
                digits = has_digit(text) if digits is None else digits
                if not digits:
                    continue
            subject = text
            if d.last:
                if blanked is None:
                    blanked = _blank(text, [f for f in found if f.score >= threshold])
                subject = blanked
            if d.trigger(subject):
                found += d.find(subject)
        return _unshadowed([f for f in found if f.score >= threshold
                            and not allowed(f.entity, text[f.start:f.end])])


def _blank(text: str, findings: Sequence[Finding]) -> str:
    """`text` with the findings' spans replaced by spaces (offsets unchanged)."""
    if not findings:
        return text
    chars = list(text)
    for f in findings:
        chars[f.start:f.end] = " " * (f.end - f.start)
    return "".join(chars)


_WEAK = frozenset({"entropy", "credential"})


def _unshadowed(findings: list[Finding]) -> list[Finding]:
    """Drops weak secret findings (high entropy, credential values) that overlap a finding of
    a specific detector: a Bitcoin address or an `sk-...` key is better named as such."""
    strong = [f for f in findings if f.kind not in _WEAK]
    if len(strong) == len(findings) or not strong:
        return findings
    return [f for f in findings if f.kind not in _WEAK
            or not any(s.start < f.end and f.start < s.end for s in strong)]


def secret_detector(wanted: set[str], entropy: bool) -> Detector:
    def find(text: str) -> list[Finding]:
        return [Finding(s.entity, s.start, s.end, s.score, s.kind, s.shown)
                for s in find_secrets(text, entropy=entropy) if s.entity in wanted]

    return Detector(lambda text: len(text) >= 8, find)
