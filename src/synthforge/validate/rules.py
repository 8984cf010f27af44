r"""The `rules` check: length bounds, regexes, banned phrases and AI boilerplate in text fields.

```yaml
steps:
  - rules:
      fields: [instruction, response]   # default: every string field of data
      min_words: 3                      # each field in `fields`, or per field: {response: 3}
      max_words: {response: 400}
      must_match: ['\?$']               # regexes that must be found (re.search)
      must_not_match: {response: ['(?i)lorem ipsum']}
      phrases: ["as of my last update"] # whole phrases, any case and spacing
      boilerplate: true                 # the built-in list of assistant boilerplate
```

Rules run in a fixed order and the first failure is the reason: missing or non-text field,
chars, words, must_match, must_not_match, phrases, boilerplate. Everything is compiled when
the stage is built; checking a record runs a short list of prepared tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from synthforge.record import Record, get_path
from synthforge.registry import register
from synthforge.stage import Check, Context, StepConfig
from synthforge.validate.boilerplate import BOILERPLATE, PhraseMatcher

MISSING: Any = object()
"""What `field_getter` returns for a field the record does not have."""

Test = Callable[[str, str], str | None]
"""A prepared rule: (field name, text) -> reject reason or None."""

V = TypeVar("V")
_PER_FIELD_RULES = ("min_words", "max_words", "min_chars", "max_chars", "must_match",
                    "must_not_match")
FieldPath = Annotated[str, Field(min_length=1)]
Count = Annotated[int, Field(ge=0)]


def _listed(value: Any) -> Any:
    """Let a single pattern stand for a list of one, at the top level or per field."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return {k: [v] if isinstance(v, str) else v for k, v in value.items()}
    return value


Patterns = Annotated[list[str] | dict[FieldPath, list[str]] | None, BeforeValidator(_listed)]
Bound = Count | dict[FieldPath, Count] | None


class RulesConfig(StepConfig):
    """Rules on text fields; a number or list applies to every field, a mapping per field."""

    fields: list[FieldPath] | None = Field(
        None, min_length=1, description="Fields the rules apply to (`name`, `data.name`, "
        "`meta.a.b`); default: every string field of data.")
    min_words: Bound = Field(None, description="Fewest whitespace-separated words.")
    max_words: Bound = Field(None, description="Most whitespace-separated words.")
    min_chars: Bound = Field(None, description="Fewest characters.")
    max_chars: Bound = Field(None, description="Most characters.")
    must_match: Patterns = Field(None, description="Regexes that must each be found.")
    must_not_match: Patterns = Field(None, description="Regexes that must not be found.")
    phrases: list[str] = Field(default_factory=list, description="Reject text containing any "
                               "of these phrases (whole words, any case and spacing).")
    boilerplate: bool = Field(True, description="Reject text with built-in AI-assistant "
                              "boilerplate such as 'As an AI language model'.")

    @field_validator("fields")
    @classmethod
    def _distinct(cls, value: list[str] | None) -> list[str] | None:
        return list(dict.fromkeys(value)) if value is not None else None

    @field_validator("must_match", "must_not_match")
    @classmethod
    def _compiles(cls, value: list[str] | dict[str, list[str]] | None) -> Any:
        for pattern in _all_patterns(value):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise PydanticCustomError("regex", "invalid regex '{pattern}': {error}",
                                          {"pattern": pattern, "error": str(exc)}) from None
        return value

    @field_validator("phrases")
    @classmethod
    def _not_blank(cls, value: list[str]) -> list[str]:
        if any(not p.split() for p in value):
            raise PydanticCustomError("phrase", "phrases must not be empty or blank")
        return value

    @field_validator(*_PER_FIELD_RULES)
    @classmethod
    def _known_fields(cls, value: Any, info: ValidationInfo) -> Any:
        fields = info.data.get("fields")
        unknown = [k for k in _keys(value) if fields is not None and k not in fields]
        if unknown:
            raise PydanticCustomError(
                "unknown_field", "{unknown} {verb} not in `fields` ({fields})",
                {"unknown": ", ".join(map(repr, unknown)),
                 "verb": "is" if len(unknown) == 1 else "are", "fields": ", ".join(fields)})
        return value

    @field_validator("max_words", "max_chars")
    @classmethod
    def _max_above_min(cls, value: Bound, info: ValidationInfo) -> Bound:
        unit = info.field_name.removeprefix("max_") if info.field_name else ""
        _check_bounds(unit, info.data.get(f"min_{unit}"), value)
        return value


def _keys(value: Any) -> list[str]:
    return list(value) if isinstance(value, dict) else []


def _all_patterns(value: list[str] | dict[str, list[str]] | None) -> list[str]:
    if isinstance(value, dict):
        return [p for patterns in value.values() for p in patterns]
    return list(value or ())


def _check_bounds(unit: str, lo: Bound, hi: Bound) -> None:
    """A minimum above the maximum for the same field can never pass: refuse it."""
    los, his = _scoped(lo), _scoped(hi)
    for key in dict.fromkeys([*los, *his]):
        low, high = los.get(key, los.get(None)), his.get(key, his.get(None))
        if low is not None and high is not None and low > high:
            where = f" for {key!r}" if key is not None else ""
            raise PydanticCustomError(
                "bounds", "min_{unit} ({low}) is above max_{unit} ({high}){where}",
                {"unit": unit, "low": low, "high": high, "where": where})


def _scoped(value: V | dict[str, V] | None) -> dict[str | None, V]:
    """A rule's values by field; the key None means every field."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return dict(value)
    return {None: value}


# ---- the stage ----------------------------------------------------------------------------

@register("step", "rules")
class Rules(Check):
    """Rejects records whose text breaks length, regex or phrase rules, or holds AI boilerplate."""

    Config = RulesConfig
    cpu_bound: ClassVar[bool] = True

    def __init__(self, config: RulesConfig, ctx: Context, name: str):
        super().__init__(config, ctx, name)
        fields = config.fields
        named = fields if fields is not None else _named_fields(config)
        self._getters = tuple((path, field_getter(path)) for path in named)
        index = {path: i for i, path in enumerate(named)}
        self._tests = tuple((None if key is None else index[key], key, test)
                            for key, test in _tests(config))
        self._each = any(i is None for i, _, _ in self._tests)  # rules on every string field

    def __reduce__(self) -> tuple[Any, ...]:  # compiled tests do not pickle: rebuild them
        return type(self), (self.config, self.ctx, self.name)

    def check(self, record: Record) -> str | None:
        values: list[str] = []
        for path, get in self._getters:
            value = get(record)
            if not isinstance(value, str):
                return _not_text(path, value)
            values.append(value)
        each = ([(k, v) for k, v in record.data.items() if isinstance(v, str)]
                if self._each else ())
        for i, name, test in self._tests:
            if i is None:
                for key, text in each:
                    reason = test(key, text)
                    if reason is not None:
                        return reason
            else:
                reason = test(name, values[i])
                if reason is not None:
                    return reason
        return None

    def check_batch(self, records: Sequence[Record]) -> list[str | None]:
        """Column by column: each test scans one field of the whole batch."""
        if self._each:
            check = self.check
            return [check(r) for r in records]
        verdicts: list[str | None] = [None] * len(records)
        columns = [self._column(path, get, records, verdicts) for path, get in self._getters]
        for i, name, test in self._tests:
            column = columns[i]  # type: ignore[index]
            for j in test.failing(column):  # type: ignore[attr-defined]
                if verdicts[j] is None:
                    verdicts[j] = test(name, column[j])
        return verdicts

    @staticmethod
    def _column(path: str, get: Callable[[Record], Any], records: Sequence[Record],
                verdicts: list[str | None]) -> list[str]:
        """One field of every record; a missing or non-text value is rejected here."""
        column = [get(r) for r in records]
        if not all(v.__class__ is str for v in column):
            for j, value in enumerate(column):
                if not isinstance(value, str):
                    verdicts[j] = verdicts[j] or _not_text(path, value)
                    column[j] = ""
        return column


def _named_fields(config: RulesConfig) -> list[str]:
    """Without `fields`, the fields that per-field mappings name (each must be text)."""
    return list(dict.fromkeys(k for rule in _PER_FIELD_RULES for k in _keys(getattr(config, rule))))


def _tests(config: RulesConfig) -> list[tuple[str | None, Test]]:
    """Every rule as (field or None for each string field, test), in evaluation order."""
    fields = config.fields
    tests: list[tuple[str | None, Test]] = []
    for unit, make in (("chars", _char_bounds), ("words", _word_bounds)):
        los = _spread(_scoped(getattr(config, f"min_{unit}")), fields)
        his = _spread(_scoped(getattr(config, f"max_{unit}")), fields)
        tests += [(key, make(los.get(key), his.get(key))) for key in _ordered(los, his, fields)]
    for rule, make in (("must_match", _must_match), ("must_not_match", _must_not_match)):
        scoped = _spread(_scoped(getattr(config, rule)), fields)
        tests += [(key, make(re.compile(p))) for key in _ordered(scoped, {}, fields)
                  for p in scoped[key]]
    for code, phrases in (("phrase", config.phrases),
                          ("boilerplate", BOILERPLATE if config.boilerplate else ())):
        if phrases:
            test = _phrases(code, PhraseMatcher(phrases))
            tests += [(key, test) for key in (fields or [None])]
    return tests


def _spread(scoped: dict[str | None, V], fields: list[str] | None) -> dict[str | None, V]:
    """With known `fields`, a value for every field (key None) is given to each of them."""
    if fields is None or None not in scoped:
        return scoped
    return dict.fromkeys(fields, scoped[None])


def _ordered(a: dict[str | None, Any], b: dict[str | None, Any],
             fields: list[str] | None) -> list[str | None]:
    """The keys of `a` and `b` in field order (every-field rules first when fields are open)."""
    order: dict[str | None, int] = {None: -1}
    order.update((k, i) for i, k in enumerate(fields or ()))
    return sorted(dict.fromkeys([*a, *b]), key=lambda k: order.get(k, len(order)))


# ---- tests --------------------------------------------------------------------------------

def _char_bounds(lo: int | None, hi: int | None) -> Test:
    low, high = lo or 0, hi if hi is not None else float("inf")

    def test(name: str, text: str) -> str | None:
        n = len(text)
        if low <= n <= high:
            return None
        return _out_of_bounds("chars", name, n, lo, hi)

    return _batched(test, lambda col: [j for j, t in enumerate(col) if not low <= len(t) <= high])


def _word_bounds(lo: int | None, hi: int | None) -> Test:
    low, high = lo or 0, hi if hi is not None else float("inf")

    def test(name: str, text: str) -> str | None:
        n = len(text.split())
        if low <= n <= high:
            return None
        return _out_of_bounds("words", name, n, lo, hi)

    return _batched(test, lambda col: [j for j, t in enumerate(col)
                                       if not low <= len(t.split()) <= high])


def _out_of_bounds(unit: str, name: str, n: int, lo: int | None, hi: int | None) -> str:
    has = f"{name} has {n} {unit if n != 1 else unit[:-1]}"
    if lo is not None and n < lo:
        return f"min_{unit}: {has}, needs at least {lo}"
    return f"max_{unit}: {has}, allows at most {hi}"


def _must_match(pattern: re.Pattern[str]) -> Test:
    search = pattern.search

    def test(name: str, text: str) -> str | None:
        if search(text) is not None:
            return None
        return f"must_match: {name} does not match '{pattern.pattern}'"

    return _batched(test, lambda col: [j for j, t in enumerate(col) if search(t) is None])


def _must_not_match(pattern: re.Pattern[str]) -> Test:
    search = pattern.search

    def test(name: str, text: str) -> str | None:
        match = search(text)
        if match is None:
            return None
        return f"must_not_match: {name} matches '{pattern.pattern}' ({_clip(match.group())!r})"

    return _batched(test, lambda col: [j for j, t in enumerate(col) if search(t) is not None])


def _phrases(code: str, matcher: PhraseMatcher) -> Test:
    find = matcher.find

    def test(name: str, text: str) -> str | None:
        phrase = find(text)
        if phrase is None:
            return None
        return f'{code}: "{phrase}" in {name}'

    return _batched(test, lambda col: [j for j, t in enumerate(col) if find(t) is not None])


def _batched(test: Test, failing: Callable[[list[str]], list[int]]) -> Test:
    """Give a test a batch form: `failing(texts)` lists the positions it would reject."""
    test.failing = failing  # type: ignore[attr-defined]
    return test


# ---- fields -------------------------------------------------------------------------------

def field_getter(path: str) -> Callable[[Record], Any]:
    """A fast reader of one field path (as `Record.get`); MISSING where the record has none."""
    if "." not in path and path not in ("id", "index", "data", "meta"):
        return lambda record: record.data.get(path, MISSING)
    return lambda record: get_path(record, path, MISSING)


def type_name(value: Any) -> str:
    """A value's type for messages: `null` for None, else the Python type's name."""
    return "null" if value is None else type(value).__name__


def _not_text(path: str, value: Any) -> str:
    if value is MISSING:
        return f"missing_field: {path} is missing"
    return f"not_text: {path} is {type_name(value)}, expected text"


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
