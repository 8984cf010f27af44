"""presidio's pattern recognizers as `pii` detectors, offline and without an NLP engine.

Each recognizer is called directly (an AnalyzerEngine would need an NLP engine, whose default
loads a spaCy model), runs only on text that holds its trigger, and has its spans adjusted
where presidio's patterns overreach (decimals read as phones, version numbers as IPs, file
names as URLs). See curate/privacy.py for what each entity covers.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any

from synthforge.curate.pii_scan import ENTITIES, Detector, Finding

INSTALL = "the pii step needs presidio-analyzer: pip install 'synthforge[pii]'"
_HIDDEN_WHILE_IMPORTING = ("torch", "transformers")
_import_lock = threading.Lock()


def presidio_installed() -> bool:
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


def presidio_detectors(wanted: set[str], regions: Sequence[str]) -> list[Detector]:
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
