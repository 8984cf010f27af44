r"""The `pii` step: personal data and secrets in text fields, flagged, redacted or rejected.

```yaml
steps:
  - pii:
      mode: redact                  # flag: keep, list findings in meta.pii
                                    # redact: replace each span with [EMAIL], [PHONE], ...
                                    # reject: `pii: EMAIL in response ("j***@gmail.com")`
      entities: [EMAIL, PHONE, CREDIT_CARD, API_KEY, SECRET]   # default: all
      fields: [response, "messages[*].content", meta.slots]   # default: all strings in data
      score_threshold: 0.4
      allow: [help@acme.com]        # values never flagged (exact, any case)
      allow_patterns: ['.*@acme\.com']   # regexes a value must match in full to be allowed
      allow_reserved: true          # documentation values are not PII (see below)
      regions: [US, GB, IN, AU]     # where national-format phone numbers are looked for
```

Detectors (presidio's recognizers unless said otherwise):

- EMAIL: EmailRecognizer; the domain must end in a public suffix (tldextract's bundled list,
  read offline).
- PHONE: PhoneRecognizer (libphonenumber): numbers valid in one of `regions` (default US,
  GB, IN, AU; US covers every +1 country) or international (`+49 30 ...`), grouped as the
  region groups them (libphonenumber's STRICT_GROUPING, so dates, decimals and page ranges
  are not phones); a bare run of digits needs a context word ("call", "phone", ...). Also
  numbers shaped like +1 numbers (`(399) 634-2710`, `415-555-2671 x12`) even when the area
  code is unassigned, as Faker's and most made-up ones are.
- CREDIT_CARD: CreditCardRecognizer (card prefixes, Luhn checksum), plus Mastercard's
  2-series and 19-digit cards.
- IBAN: IbanRecognizer: the country's format and the mod-97 checksum.
- SSN: UsSsnRecognizer, also refusing area numbers 900-999 (never issued as SSNs).
- IP_ADDRESS: IpRecognizer (checked by `ipaddress`); not part of a longer dotted number
  (`1.2.3.4.5`) nor after "version" or "v"; an IPv6 address needs three groups, so the
  slice `a[b::c]` is none.
- URL: UrlRecognizer's pattern, from the start of a word to its end, with a scheme (then any
  host), `www.`, a path, or a common web TLD (com, org, io, de, ...): `main.py`,
  `README.md` and `self.name` are not URLs.
- CRYPTO: CryptoRecognizer: Bitcoin addresses with their checksum.
- API_KEY, SECRET: `synthforge.curate.secrets`: provider key prefixes, private keys, JWTs,
  credentials, high-entropy tokens.

Not detected: names, postal addresses and other entities that need a language model (NER),
and obfuscated values ("john [at] gmail [dot] com").

Scores are presidio's: 1.0 when a checksum or domain check passed, 0.6 IP and URL with a
scheme, 0.5 bare URL and SSN, 0.4 phone, 0.05 for an SSN without separators; a context word
of the recognizer ("phone", "ssn", "card", "iban", ...) among the five words before a span
adds 0.35 (at least 0.4), as presidio's context enhancer does. Findings under
`score_threshold` are dropped.

`allow_reserved` (default true) keeps values that belong to no one: e-mail and URL hosts
reserved for documentation (example.com, .net, .org; *.example, *.test, *.invalid,
localhost), IP addresses that are not globally routable (private, loopback, link-local,
documentation ranges) and fictional phone numbers (US 555-0100 to 555-0199, UK Ofcom drama
ranges). Set it to false to flag them too.

Overlapping findings are redacted as one span (their union), named by the strongest one;
adjacent findings stay apart (`[EMAIL][PHONE]`). Nothing outside the spans changes, and
redacting again changes nothing (a redacted field is scanned again until nothing is found,
since a span may stand apart only once its neighbour is replaced). `meta.pii` lists the
findings, each with the field, its offsets in the text as scanned, the score and the value
masked (`j***@gmail.com`, `4111 **** **** ****`, `sk-proj-***`): a whole value never
reaches meta, reasons or logs. The `template` source keeps its slot values in `meta.slots`:
add `meta.slots` to `fields` to redact them too.

The presidio recognizers are called directly, with no NLP engine (an AnalyzerEngine needs
one, and its default loads a spaCy model; none is loaded here, and nothing is downloaded).
Each recognizer runs only on text that holds its trigger (an `@` for e-mail, seven digits
for phones, ...). Needs the optional extra: `pip install 'synthforge[pii]'`; API_KEY and
SECRET alone need nothing.
"""

from __future__ import annotations

import functools
import importlib.util
import ipaddress
import re
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, NamedTuple

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from synthforge.curate.secrets import API_KEY, SECRET, find_secrets, has_digit
from synthforge.record import Record
from synthforge.registry import register
from synthforge.stage import Check, Context, StepConfig

Entity = Literal["EMAIL", "PHONE", "CREDIT_CARD", "IBAN", "SSN", "IP_ADDRESS", "URL", "CRYPTO",
                 "API_KEY", "SECRET"]
ENTITIES: tuple[str, ...] = Entity.__args__  # type: ignore[attr-defined]
PRESIDIO_ENTITIES = frozenset(ENTITIES) - {API_KEY, SECRET}
DEFAULT_REGIONS = ("US", "GB", "IN", "AU")  # English-speaking; US covers all of +1
INSTALL = "the pii step needs presidio-analyzer: pip install 'synthforge[pii]'"


class PiiConfig(StepConfig):
    """Find personal data and secrets in text fields; flag, redact or reject them."""

    mode: Literal["flag", "redact", "reject"] = Field(
        "redact", description="flag: keep and list findings in meta.pii; redact: replace each "
        "span with a placeholder such as [EMAIL]; reject: reject the record.")
    entities: list[Entity] = Field(default_factory=lambda: list(ENTITIES), min_length=1,
                                   description="What to look for (default: all).")
    fields: list[str] | None = Field(
        None, min_length=1, description="What to scan: `response`, `messages[*].content`, "
        "`a.b[0]`, `meta.slots` (every string inside what a path names); default: every "
        "string in data, at any depth.")
    score_threshold: float = Field(0.4, ge=0, le=1, description="Lowest score reported.")
    allow: list[str] = Field(default_factory=list, description="Values never flagged "
                             "(exact match, any case).")
    allow_patterns: list[str] = Field(default_factory=list, description="Regexes: a value "
                                      "that matches one in full is never flagged.")
    allow_reserved: bool = Field(True, description="Do not flag documentation values: "
                                 "example.com, private IPs, 555-01xx phone numbers.")
    regions: list[str] = Field(default_factory=lambda: list(DEFAULT_REGIONS), min_length=1,
                               description="Regions (ISO 3166 codes) for phone numbers "
                               "written in national format.")
    high_entropy: bool = Field(True, description="Report random-looking tokens as SECRET.")

    @field_validator("entities")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    @field_validator("fields")
    @classmethod
    def _paths(cls, value: list[str] | None) -> list[str] | None:
        for path in value or ():
            parse_path(path)
        return value

    @field_validator("allow_patterns")
    @classmethod
    def _compiles(cls, value: list[str]) -> list[str]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise PydanticCustomError("regex", "invalid regex '{pattern}': {error}",
                                          {"pattern": pattern, "error": str(exc)}) from None
        return value

    @field_validator("regions")
    @classmethod
    def _known_regions(cls, value: list[str]) -> list[str]:
        value = list(dict.fromkeys(r.upper() for r in value))
        if importlib.util.find_spec("phonenumbers") is not None:
            import phonenumbers

            unknown = [r for r in value if r not in phonenumbers.SUPPORTED_REGIONS]
            if unknown:
                raise PydanticCustomError("region", "unknown phone region(s): {unknown}; use "
                                          "ISO 3166 codes such as US, GB, DE",
                                          {"unknown": ", ".join(unknown)})
        return value

    @model_validator(mode="after")
    def _installed(self) -> PiiConfig:
        if PRESIDIO_ENTITIES & set(self.entities) and not _presidio_installed():
            raise PydanticCustomError("missing_extra", INSTALL)
        return self


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


_PASSES = 4


class Scanner:
    """All detectors of a config, with thresholds and the allow-list applied."""

    def __init__(self, detectors: Sequence[Detector], threshold: float,
                 allowed: Callable[[str, str], bool]):
        self._detectors = tuple(sorted(detectors, key=lambda d: d.last))
        self._threshold = threshold
        self._allowed = allowed

    @classmethod
    def from_config(cls, config: PiiConfig) -> Scanner:
        wanted = set(config.entities)
        detectors = _presidio_detectors(wanted, config.regions) if wanted & PRESIDIO_ENTITIES \
            else []
        if wanted & {API_KEY, SECRET}:
            detectors.append(_secret_detector(wanted, config.high_entropy))
        return cls(detectors, config.score_threshold, _allow_test(config))

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


def _secret_detector(wanted: set[str], entropy: bool) -> Detector:
    def find(text: str) -> list[Finding]:
        return [Finding(s.entity, s.start, s.end, s.score, s.kind, s.shown)
                for s in find_secrets(text, entropy=entropy) if s.entity in wanted]

    return Detector(lambda text: len(text) >= 8, find)


# ---- presidio -----------------------------------------------------------------------------

_HIDDEN_WHILE_IMPORTING = ("torch", "transformers")
_import_lock = threading.Lock()


def _presidio_installed() -> bool:
    return "presidio_analyzer" in sys.modules or \
        importlib.util.find_spec("presidio_analyzer") is not None


@functools.cache
def _presidio() -> Any:
    """presidio's predefined recognizers, imported without torch and transformers.

    presidio_analyzer's package imports all of its NLP engines, and through them torch and
    transformers when they are installed (10-30 s); pattern recognizers need neither. While
    it is imported the two are hidden, unless already loaded (presidio and thinc import them
    in try/except ImportError and go on without). No spaCy model is loaded: only an
    AnalyzerEngine's default NLP engine would load one, and none is built here.
    """
    with _import_lock:
        hidden = [m for m in _HIDDEN_WHILE_IMPORTING if m not in sys.modules]
        for name in hidden:
            sys.modules[name] = None  # type: ignore[assignment]
        try:
            from presidio_analyzer import predefined_recognizers
        except ImportError as exc:
            raise ImportError(INSTALL) from exc
        finally:
            for name in hidden:
                if sys.modules.get(name, 0) is None:
                    del sys.modules[name]
    return predefined_recognizers


def _presidio_detectors(wanted: set[str], regions: Sequence[str]) -> list[Detector]:
    builders: dict[str, Callable[[], list[Detector]]] = {
        "EMAIL": _email, "PHONE": functools.partial(_phone, tuple(regions)),
        "CREDIT_CARD": _credit_card, "IBAN": _iban, "SSN": _ssn, "IP_ADDRESS": _ip,
        "URL": _url, "CRYPTO": _crypto}
    return [d for entity in ENTITIES if entity in wanted & builders.keys()
            for d in builders[entity]()]


def _email() -> list[Detector]:
    email = _presidio().EmailRecognizer()
    email.validate_result = _public_domain
    _public_domain("x@example.com")  # load the suffix list now, not on the first e-mail
    return [_wrap("EMAIL", email, lambda text: "@" in text, digits=False)]


PHONE_CONTEXT = ["phone", "telephone", "tel", "cell", "cellphone", "mobile", "call", "dial",
                 "fax", "whatsapp", "contact"]  # presidio's, less "number" ("order number")
_NANP = (r"(?<![\w+.\-])(?:(?:\+?1|001)[\-. ]?)?(?:\(\d{3}\) ?|\d{3}[\-. ])\d{3}[\-. ]\d{4}"
         r"(?: ?(?:x|ext\.?) ?\d{1,5})?(?![\w.\-]\d)\b")


def _phone(regions: tuple[str, ...]) -> list[Detector]:
    """libphonenumber's valid numbers, and +1 numbers written as such even when unassigned
    (Faker's, and most made-up ones: a phone number's shape says what it is)."""
    pr = _presidio()
    trigger = _search(r"\d(?:[\s().\-/]{0,3}\d){6}")
    valid = pr.PhoneRecognizer(context=PHONE_CONTEXT, supported_regions=regions, leniency=2)
    shaped = _pattern_recognizer("PHONE_NUMBER", "NANP formatted", _NANP, 0.4, PHONE_CONTEXT)
    return [_wrap("PHONE", valid, trigger, adjust=_phone_span, last=True),
            _wrap("PHONE", shaped, trigger, last=True)]


def _credit_card() -> list[Detector]:
    pr = _presidio()
    more = [_pattern("Mastercard 2-series", r"\b2(?:22[1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720)"
                     r"[- ]?\d{4}[- ]?\d{4}[- ]?\d{4}\b", 0.3),
            _pattern("19 digits", r"\b(?:4\d{3}|5\d{3}|6\d{3})(?:[- ]?\d{4}){3}[- ]?\d{3}\b",
                     0.3)]
    cards = pr.CreditCardRecognizer(patterns=[*pr.CreditCardRecognizer.PATTERNS, *more])
    return [_wrap("CREDIT_CARD", cards, _search(r"\d(?:[ -]?\d){12}"))]


def _iban() -> list[Detector]:
    return [_wrap("IBAN", _presidio().IbanRecognizer(), _search(r"[A-Z]{2}\d\d"))]


def _ssn() -> list[Detector]:
    ssn = _presidio().UsSsnRecognizer()
    ssn.invalidate_result = functools.partial(_invalid_ssn, ssn.invalidate_result)
    return [_wrap("SSN", ssn, _search(r"\d(?:[- .]?\d){8}"))]


def _ip() -> list[Detector]:
    return [_wrap("IP_ADDRESS", _presidio().IpRecognizer(), _ip_trigger, adjust=_ip_span)]


def _url() -> list[Detector]:
    pr = _presidio()
    base = pr.UrlRecognizer.BASE_URL_REGEX
    patterns = [
        _pattern("Standard Url", r"(?i)(?<![\w.@/-])https?://" + base + r"(?![\w-])", 0.6),
        _pattern("Non schema URL", r"(?i)(?<![\w.@/:-])" + base + r"(?![\w-])", 0.5),
        _pattern("Any host with a scheme", r"(?i)(?<![\w.@/-])https?://(?:[a-z0-9](?:[a-z0-9-]*"
                 r"[a-z0-9])?\.)+[a-z]{2,63}(?::\d{1,5})?(?:/[^\s()<>\"']*)?(?![\w-])", 0.6)]
    return [_wrap("URL", pr.UrlRecognizer(patterns=patterns), _search(r"\.[A-Za-z]{2}"),
                  digits=False, adjust=_url_span)]


def _crypto() -> list[Detector]:
    return [_wrap("CRYPTO", _presidio().CryptoRecognizer(),
                  _search(r"[13][1-9A-HJ-NP-Za-km-z]{25}|bc1[0-9a-z]{25}"))]


def _pattern(name: str, regex: str, score: float) -> Any:
    from presidio_analyzer import Pattern  # already imported by _presidio()

    return Pattern(name, regex, score)


def _pattern_recognizer(entity: str, name: str, regex: str, score: float,
                        context: list[str]) -> Any:
    from presidio_analyzer import PatternRecognizer

    return PatternRecognizer(entity, name=name, patterns=[_pattern(name, regex, score)],
                             context=context)


def _search(regex: str) -> Callable[[str], object]:
    return re.compile(regex).search


Adjust = Callable[[str, int, int, float], tuple[int, int, float] | None]
"""(text, start, end, score) -> the span and score to keep, or None to drop it."""


def _wrap(entity: str, recognizer: Any, trigger: Callable[[str], object], *,
          digits: bool = True, adjust: Adjust | None = None, last: bool = False) -> Detector:
    labels = list(recognizer.supported_entities)
    context = frozenset(w.strip().lower() for w in recognizer.context or ())

    def find(text: str) -> list[Finding]:
        out = []
        for r in recognizer.analyze(text, labels, None):
            kept = (r.start, r.end, r.score) if adjust is None else \
                adjust(text, r.start, r.end, r.score)
            if kept is not None:
                start, end, score = kept
                out.append(Finding(entity, start, end, _with_context(text, start, score, context)))
        return out

    return Detector(trigger, find, digits, last)


_IPV4 = re.compile(r"\d\.\d{1,3}\.\d{1,3}\.\d").search
_IPV6 = re.compile(r"[\dA-Fa-f]:[\dA-Fa-f]{0,4}:").search


def _ip_trigger(text: str) -> bool:
    return ("." in text and _IPV4(text) is not None) or (
        text.count(":") >= 2 and _IPV6(text) is not None)


_WORD = re.compile(r"[a-z]+")


def _with_context(text: str, start: int, score: float, context: frozenset[str]) -> float:
    """presidio's context boost: +0.35 (at least 0.4) with a context word in the 5 words before."""
    if score >= 1.0 or not context:
        return score
    words = _WORD.findall(text[max(0, start - 60):start].lower())[-5:]
    if any(w in context or w.rstrip("s") in context for w in words):
        return min(1.0, max(score + 0.35, 0.4))
    return score


@functools.cache
def _domains() -> Any:
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)  # bundled list, offline


def _public_domain(value: str) -> bool:
    """E-mail validation: the domain ends in a known public suffix (offline)."""
    return _domains()(value.rpartition("@")[2]).fqdn != ""


def _invalid_ssn(presidio_check: Callable[[str], bool | None], value: str) -> bool:
    digits = "".join(c for c in value if c.isdigit())
    return bool(presidio_check(value)) or digits[:1] == "9"


_LONGER_NUMBER_AFTER = re.compile(r"\.\d")
_LONGER_NUMBER_BEFORE = re.compile(r"\d\.$")
_VERSION_BEFORE = re.compile(r"(?i)(?:\bv|\bversion|\bver|\brelease|\bbuild|\brev)\.?\s*$")


_DECIMAL = re.compile(r"\d+[.,]\d+")


def _phone_span(text: str, start: int, end: int, score: float
                ) -> tuple[int, int, float] | None:
    """A decimal number is no phone number (India's numbering accepts "67.62804511"); a bare
    run of digits is weak evidence of one: it needs a context word."""
    value = text[start:end]
    if _DECIMAL.fullmatch(value):
        return None
    return start, end, (0.3 if value.isdigit() else score)


def _ip_span(text: str, start: int, end: int, score: float) -> tuple[int, int, float] | None:
    value = text[start:end]
    if ":" in value and "." not in value:
        return (start, end, score) if sum(1 for g in value.split(":") if g) >= 3 else None
    before = text[max(0, start - 12):start]
    if _LONGER_NUMBER_AFTER.match(text, end) or _LONGER_NUMBER_BEFORE.search(before) \
            or _VERSION_BEFORE.search(before):
        return None
    return start, end, score


WEB_TLDS = frozenset((
    "com", "org", "net", "edu", "gov", "mil", "int", "io", "co", "ai", "app", "dev", "info",
    "biz", "me", "tv", "ly", "gg", "xyz", "online", "site", "shop", "us", "uk", "ca", "au", "nz",
    "ie", "de", "fr", "es", "it", "nl", "be", "ch", "at", "se", "no", "dk", "fi", "pl", "pt",
    "gr", "cz", "ru", "ua", "jp", "cn", "kr", "in", "br", "mx", "ar", "za", "eu"))
_TRAILING = ".,;:!?'\""


def _url_span(text: str, start: int, end: int, score: float) -> tuple[int, int, float] | None:
    end -= len(text[start:end]) - len(text[start:end].rstrip(_TRAILING))
    value = text[start:end].lower()
    if value.startswith(("http://", "https://", "www.")) or "/" in value \
            or value.rsplit(".", 1)[-1] in WEB_TLDS:
        return start, end, score
    return None


# ---- allowed values -----------------------------------------------------------------------

_RESERVED_DOMAINS = ("example.com", "example.net", "example.org", "example", "test", "invalid",
                     "localhost")
_FICTIONAL_PHONE = re.compile(r"(?:1?\d{3}55501\d\d|(?:44|0)(?:7700900|2079460)\d{3})")
_HOST = re.compile(r"^(?:[a-z][a-z0-9+.\-]*://)?(?:[^@/]*@)?([^/:?#]+)", re.IGNORECASE)


def _allow_test(config: PiiConfig) -> Callable[[str, str], bool]:
    literals = frozenset(v.casefold() for v in config.allow)
    patterns = [re.compile(p) for p in config.allow_patterns]
    reserved = config.allow_reserved

    def allowed(entity: str, value: str) -> bool:
        return (value.casefold() in literals or any(p.fullmatch(value) for p in patterns)
                or (reserved and is_reserved(entity, value)))

    return allowed


def is_reserved(entity: str, value: str) -> bool:
    """Whether the value belongs to no one: documentation domains, non-global IPs, ..."""
    if entity in ("EMAIL", "URL"):
        host = _HOST.match(value.rpartition("@")[2] if entity == "EMAIL" else value)
        return host is not None and _reserved_domain(host.group(1).lower().rstrip("."))
    if entity == "IP_ADDRESS":
        try:
            return not ipaddress.ip_interface(value).ip.is_global
        except ValueError:
            return False
    if entity == "PHONE":
        return _FICTIONAL_PHONE.fullmatch("".join(c for c in value if c.isdigit())) is not None
    return False


def _reserved_domain(host: str) -> bool:
    return any(host == d or host.endswith("." + d) for d in _RESERVED_DOMAINS)


# ---- fields -------------------------------------------------------------------------------

Slot = tuple[str, Any, Any]
"""(field name, container, key): `container[key]` is a string to scan."""
Path = tuple[str, tuple[str | int, ...]]
"""A parsed field path: its root ("data" or "meta") and the keys and indexes below it."""

_STEP = re.compile(r"\[(\*|\d+)\]|\.?([^.\[\]]+)")


def parse_path(path: str) -> Path:
    """`messages[*].content` -> ("data", ("messages", "*", "content")); `meta.slots` ->
    ("meta", ("slots",)). A leading `data.` is optional."""
    steps: list[str | int] = []
    pos = 0
    while pos < len(path):
        m = _STEP.match(path, pos)
        if m is None or path.startswith("."):
            break
        index, key = m.groups()
        steps.append(key if key is not None else index if index == "*" else int(index))
        pos = m.end()
    if not steps or pos < len(path):
        raise PydanticCustomError("field_path", "invalid field path '{path}': write `name`, "
                                  "`a.b`, `messages[*].content`, `items[0]` or `meta.slots`",
                                  {"path": path})
    if steps[0] in ("data", "meta") and len(steps) > 1:
        return str(steps[0]), tuple(steps[1:])
    return "data", tuple(steps)


def slots(record: Record, paths: Sequence[Path] | None) -> Iterator[Slot]:
    """Every string to scan: those under `paths`, or every string in data when None."""
    if paths is None:
        yield from _everywhere(record.data, "")
        return
    for root, steps in paths:
        if root == "meta":
            yield from _along(record.meta, steps, "meta")
        else:
            yield from _along(record.data, steps, "")


def _child_name(name: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{name}[{key}]"
    return f"{name}.{key}" if name else str(key)


def _everywhere(value: Any, name: str) -> Iterator[Slot]:
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, child in items:
        if isinstance(child, str):
            yield _child_name(name, key), value, key
        elif isinstance(child, dict | list):
            yield from _everywhere(child, _child_name(name, key))


def _along(value: Any, steps: tuple[str | int, ...], name: str) -> Iterator[Slot]:
    """The strings at `steps` below `value`, and every string inside what they name."""
    step, rest = steps[0], steps[1:]
    if step == "*":
        keys: Any = range(len(value)) if isinstance(value, list) else \
            value.keys() if isinstance(value, dict) else ()
    elif (isinstance(value, dict) and step in value) or (
            isinstance(value, list) and isinstance(step, int) and step < len(value)):
        keys = (step,)
    else:
        return
    for key in keys:
        child, child_name = value[key], _child_name(name, key)
        if isinstance(child, str):
            if not rest:
                yield child_name, value, key
        elif isinstance(child, dict | list):
            yield from _along(child, rest, child_name) if rest else \
                _everywhere(child, child_name)


# ---- the stage ----------------------------------------------------------------------------

@register("step", "pii")
class Pii(Check):
    """Finds personal data (e-mails, phones, cards, IBANs, SSNs, IPs, URLs) and secrets (API
    keys, private keys, tokens); flags, redacts or rejects the records that hold them."""

    Config = PiiConfig
    cpu_bound: ClassVar[bool] = True

    def __init__(self, config: PiiConfig, ctx: Context, name: str):
        super().__init__(config, ctx, name)
        self.scanner = Scanner.from_config(config)
        self._paths = None if config.fields is None else [parse_path(p) for p in config.fields]

    def __reduce__(self) -> tuple[Any, ...]:  # recognizers and closures: rebuild them
        return type(self), (self.config, self.ctx, self.name)

    def check(self, record: Record) -> str | None:
        redacting = self.config.mode == "redact"
        scanner = self.scanner
        findings: list[dict[str, Any]] = []
        for name, container, key in list(slots(record, self._paths)):
            text = container[key]
            if redacting:
                container[key], found = scanner.redact(text)
            else:
                found = [(f, text[f.start:f.end]) for f in scanner.scan(text)]
            findings += [describe(f, name, value) for f, value in found]
        if not findings:
            return None
        record.meta["pii"] = findings
        return reason(findings) if self.config.mode == "reject" else None


def describe(finding: Finding, field: str, value: str) -> dict[str, Any]:
    """A finding as it is kept in meta.pii: the value masked, never whole."""
    out: dict[str, Any] = {"entity": finding.entity, "field": field, "start": finding.start,
                           "end": finding.end, "score": round(finding.score, 2),
                           "masked": mask(finding.entity, value, finding.shown)}
    if finding.kind:
        out["kind"] = finding.kind
    return out


def reason(findings: list[dict[str, Any]]) -> str:
    """`pii: EMAIL in response ("j***@gmail.com")`, plus how many more there are."""
    first = findings[0]
    more = f" and {len(findings) - 1} more" if len(findings) > 1 else ""
    return f'pii: {first["entity"]} in {first["field"]} ("{first["masked"]}"){more}'
