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

This module holds the step, its config, allowed values and field paths; findings, merging,
masks and the scanner are in curate/pii_scan.py, the presidio detectors in
curate/pii_presidio.py, the secret rules in curate/secrets.py.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from synthforge.curate.pii_presidio import INSTALL, presidio_detectors, presidio_installed
from synthforge.curate.pii_scan import (
    ENTITIES,
    PRESIDIO_ENTITIES,
    Entity,
    Finding,
    Scanner,
    mask,
    merge,
    redact,
    secret_detector,
)
from synthforge.curate.secrets import API_KEY, SECRET
from synthforge.record import Record
from synthforge.registry import register
from synthforge.stage import Check, Context, StepConfig

__all__ = ["ENTITIES", "Finding", "Pii", "PiiConfig", "Scanner", "mask", "merge", "parse_path",
           "redact"]

DEFAULT_REGIONS = ("US", "GB", "IN", "AU")  # English-speaking; US covers all of +1


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
        if PRESIDIO_ENTITIES & set(self.entities) and not presidio_installed():
            raise PydanticCustomError("missing_extra", INSTALL)
        return self



def build_scanner(config: PiiConfig) -> Scanner:
    """The detectors a config asks for, with its threshold and allow-list."""
    wanted = set(config.entities)
    detectors = presidio_detectors(wanted, config.regions) if wanted & PRESIDIO_ENTITIES \
        else []
    if wanted & {API_KEY, SECRET}:
        detectors.append(secret_detector(wanted, config.high_entropy))
    return Scanner(detectors, config.score_threshold, _allow_test(config))


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
        self.scanner = build_scanner(config)
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
