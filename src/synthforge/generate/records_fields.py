"""Field types of the `records` generator: the template samplers plus the structured ones.

A field is a mapping with one type key, like a template slot. Every sampler of
`synthforge.generate.samplers` works as it does in templates (`choice`, `randint`, `uniform`,
`normal`, `lognormal`, `file`, `faker`, `sample`, `derive`, `const`); this module adds:

    sequence   unique ids from the item and row numbers: {sequence: "C{k:07d}"}
    uuid, hex  random ids: {uuid: true}, {hex: 16}
    ref        a foreign key, the ancestor row's value: {ref: customers.customer_id}
    after      a time after another: {after: [previous.time, parent.opened], hours: [0, 48]}
    between    a date or time in a range: {between: ["2025-01-01", "2025-12-31"]}
    running    a running total: {running: {add: amount, start: parent.balance}}
    sum, count, min, max    aggregates of descendant rows: {sum: line_items.amount}
    rare       a rare event, True with a declared chance: {rare: 0.005}
    burst      runs of consecutive True rows: {burst: {rate: 0.003, length: [4, 12]}}
    match      a field drawn by another's value: {match: level, cases: {ERROR: ...}}

Each spec lists the references it reads (`refs`) and compiles to a function
`(rng, scope) -> value` through a `Compiler`, which resolves references and nested specs.
"""

from __future__ import annotations

import datetime as dt
import random
import string
import uuid
from collections.abc import Callable, Sequence
from typing import Annotated, Any, ClassVar, Literal, Protocol

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from synthforge.generate.samplers import (
    SPECS,
    AnySpec,
    Options,
    Rounded,
    Slot,
    SlotSpec,
    suggest,
)

Make = Callable[[random.Random, Any], Any]
"""A compiled field: `(rng, scope) -> value`; the scope is the row being made."""

Getter = Callable[[Any], Any]
"""A compiled reference: `scope -> value`."""

Resolution = Literal["day", "second", "millisecond", "microsecond"]
RESOLUTION_US = {"day": 86_400_000_000, "second": 1_000_000, "millisecond": 1_000,
                 "microsecond": 1}
UNIT_US = {"days": 86_400_000_000, "hours": 3_600_000_000, "minutes": 60_000_000,
           "seconds": 1_000_000}


def _error(kind: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(kind, message)


class Compiler(Protocol):
    """What a field needs from the plan to compile itself."""

    def getter(self, path: str) -> Getter:
        """A function `scope -> value` for a reference like `parent.signup`."""

    def make(self, spec: Any, name: str = "") -> Make:
        """The compiled form of a field spec (nested in the field `name`)."""

    def rows(self, table: str) -> Callable[[Any], list[dict[str, Any]]]:
        """A function `scope -> rows` of a descendant table under the current row."""

    def draw_int(self, spec: tuple[int, int] | SlotSpec) -> Callable[[random.Random], int]:
        """A count: uniform in [lo, hi] or drawn by a sampler."""


class RecordField(Options):
    """Base of the structured field types: one type key (`kind`) and its options."""

    kind: ClassVar[str]

    def refs(self) -> list[str]:
        """The references this field reads: `field`, `parent.f`, `previous.f`, `table.f`."""
        return []

    def compile(self, name: str, compiler: Compiler) -> Make:
        raise NotImplementedError


# ---- ids ------------------------------------------------------------------------------------

def format_names(text: str) -> list[str]:
    """The names a `str.format` template reads; ValueError if it is malformed."""
    names = []
    for _, name, spec, _ in string.Formatter().parse(text):
        if name is None:
            continue
        if not name:
            raise ValueError("an empty {} has no name; write {k}, {n}, {parent.id}, ...")
        if "[" in name or (spec and "{" in spec):
            raise ValueError(f"{{{name}}}: use plain names and dots, like {{parent.id:>4}}")
        names.append(name)
    return names


class SequenceSpec(RecordField):
    """A unique id formatted from the item index `k`, row numbers `n`/`i` and parent ids."""

    kind = "sequence"
    label = "a sequence field"
    sequence: str = Field(description="A str.format template, e.g. 'C{k:07d}' or "
                          "'{parent.account_id}-{n:04d}'.")

    @field_validator("sequence")
    @classmethod
    def _parses(cls, value: str) -> str:
        try:
            names = format_names(value)
        except ValueError as exc:
            raise _error("sequence", f"sequence {value!r} is not a format template: {exc}") \
                from None
        if not names:
            raise _error("sequence", f"sequence {value!r} has no {{k}}, {{n}} or {{i}}: every "
                         "row would get the same id")
        return value

    def refs(self) -> list[str]:
        return format_names(self.sequence)

    def compile(self, name: str, compiler: Compiler) -> Make:
        parts = [(literal, compiler.getter(field) if field is not None else None,
                  spec or "", conversion)
                 for literal, field, spec, conversion in string.Formatter().parse(self.sequence)]

        def make(rng: random.Random, scope: Any) -> str:
            out = []
            for literal, get, spec, conversion in parts:
                out.append(literal)
                if get is not None:
                    value = get(scope)
                    if conversion == "r":
                        value = repr(value)
                    elif conversion == "s":
                        value = str(value)
                    out.append(format(value, spec))
            return "".join(out)

        return make


class UuidSpec(RecordField):
    """A random UUID (version 4) drawn from the item's RNG."""

    kind = "uuid"
    label = "a uuid field"
    uuid: Literal[True]

    def compile(self, name: str, compiler: Compiler) -> Make:
        return lambda rng, scope: str(uuid.UUID(int=rng.getrandbits(128), version=4))


class HexSpec(RecordField):
    """A random id of `hex` hexadecimal digits (e.g. a request id)."""

    kind = "hex"
    label = "a hex field"
    hex: int = Field(ge=1, le=64, description="Number of hex digits.")

    def compile(self, name: str, compiler: Compiler) -> Make:
        digits = self.hex
        pattern = f"0{digits}x"
        return lambda rng, scope: format(rng.getrandbits(4 * digits), pattern)


class RefSpec(RecordField):
    """A foreign key: a field of an ancestor row, `{ref: customers.customer_id}`."""

    kind = "ref"
    label = "a ref field"
    ref: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$",
                     description="TABLE.FIELD of an ancestor table.")

    def refs(self) -> list[str]:
        return [self.ref]

    def compile(self, name: str, compiler: Compiler) -> Make:
        get = compiler.getter(self.ref)
        return lambda rng, scope: get(scope)


# ---- times ----------------------------------------------------------------------------------

def parse_moment(text: str) -> dt.date | dt.datetime:
    """An ISO date (`2025-01-31`) or date-time (`2025-01-31T08:00:00`)."""
    if len(text) <= 10:
        return dt.date.fromisoformat(text)
    return dt.datetime.fromisoformat(text)


def _moment_text(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_moment_text(v) for v in value]
    return value


def is_moment(text: str) -> bool:
    try:
        parse_moment(text)
    except ValueError:
        return False
    return True


Moment = Annotated[str, BeforeValidator(_moment_text)]
"""An ISO date or date-time; YAML dates are read as text so configs round-trip."""

Gap = tuple[float, float] | Slot
"""A length of time: [lo, hi] (uniform) or any numeric sampler."""


def _check_moment(text: str, where: str) -> None:
    try:
        parse_moment(text)
    except ValueError:
        raise _error("moment", f"{where} {text!r} is not an ISO date (2025-01-31) or "
                     "date-time (2025-01-31T08:00:00)") from None


def floor_gap(gap: float, unit_us: int, resolution_us: int) -> dt.timedelta:
    """A non-negative gap in `unit_us` microseconds, floored to the resolution."""
    us = int(gap * unit_us) if gap > 0 else 0
    return dt.timedelta(microseconds=us - us % resolution_us)


class AfterSpec(RecordField):
    """A date or time after another: the first present of `after`, plus a gap >= 0."""

    kind = "after"
    label = "an after field"
    after: Annotated[str | list[str], BeforeValidator(_moment_text)] = Field(
        description="What the value follows: a reference (previous.time, parent.opened, "
        "start) or an ISO moment; in a list, the first that is present.")
    days: Gap | None = None
    hours: Gap | None = None
    minutes: Gap | None = None
    seconds: Gap | None = None
    resolution: Resolution = Field("second", description="Times are floored to this.")

    @property
    def bases(self) -> list[str]:
        return [self.after] if isinstance(self.after, str) else list(self.after)

    @model_validator(mode="after")
    def _one_gap(self) -> AfterSpec:
        given = [u for u in UNIT_US if getattr(self, u) is not None]
        if len(given) != 1:
            raise _error("after_gap", "after needs one gap: days, hours, minutes or seconds "
                         f"(a [lo, hi] range or a sampler); got {', '.join(given) or 'none'}")
        if not self.bases:
            raise _error("after", "after needs at least one reference, e.g. parent.opened")
        gap = getattr(self, given[0])
        if isinstance(gap, tuple) and not 0 <= gap[0] <= gap[1]:
            raise _error("after_gap", f"{given[0]} needs [lo, hi] with 0 <= lo <= hi, "
                         f"got {list(gap)}")
        return self

    @property
    def unit(self) -> str:
        return next(u for u in UNIT_US if getattr(self, u) is not None)

    def refs(self) -> list[str]:
        return [b for b in self.bases if not is_moment(b)]

    def compile(self, name: str, compiler: Compiler) -> Make:
        bases: list[Getter] = []
        for base in self.bases:
            if is_moment(base):
                moment = parse_moment(base)
                bases.append(lambda scope, moment=moment: moment)
            else:
                bases.append(compiler.getter(base))
        draw = _gap(getattr(self, self.unit), compiler)
        unit_us, res_us = UNIT_US[self.unit], RESOLUTION_US[self.resolution]
        in_days = self.unit == "days"

        def after(rng: random.Random, scope: Any) -> Any:
            base = None
            for get in bases:
                base = get(scope)
                if base is not None:
                    break
            if base is None:
                raise ValueError(f"{name}: none of {', '.join(self.bases)} is present")
            if base.__class__ is str:
                base = parse_moment(base)
            step = draw(rng)
            if not isinstance(base, dt.datetime):
                if in_days:
                    return base + dt.timedelta(days=int(step) if step > 0 else 0)
                base = dt.datetime(base.year, base.month, base.day)
            return base + floor_gap(step, unit_us, res_us)

        return after


def _gap(gap: tuple[float, float] | SlotSpec, compiler: Compiler
         ) -> Callable[[random.Random], float]:
    if isinstance(gap, tuple):
        lo, hi = gap
        return lambda rng: rng.uniform(lo, hi)
    make = compiler.make(gap)
    return lambda rng: make(rng, None)


class BetweenSpec(RecordField):
    """A date or date-time drawn uniformly from [start, end]."""

    kind = "between"
    label = "a between field"
    between: tuple[Moment, Moment] = Field(description="[start, end], ISO dates or times.")
    resolution: Resolution = Field("second", description="Times are floored to this.")

    @model_validator(mode="after")
    def _order(self) -> BetweenSpec:
        for text in self.between:
            _check_moment(text, "between")
        start, end = (parse_moment(t) for t in self.between)
        aware = {getattr(moment, "tzinfo", None) is not None for moment in (start, end)}
        if type(start) is not type(end) or len(aware) > 1:
            raise _error("between", "between needs two dates or two date-times (both with a "
                         "zone or both without), not one of each")
        if start > end:  # type: ignore[operator]
            raise _error("between", f"between needs start <= end, got {list(self.between)}")
        return self

    def compile(self, name: str, compiler: Compiler) -> Make:
        start, end = (parse_moment(t) for t in self.between)
        if not isinstance(start, dt.datetime):
            span = (end - start).days
            return lambda rng, scope: start + dt.timedelta(days=rng.randint(0, span))
        res = RESOLUTION_US[self.resolution]
        steps = (end - start) // dt.timedelta(microseconds=res)  # type: ignore[operator]
        return lambda rng, scope: start + dt.timedelta(microseconds=rng.randint(0, steps) * res)


# ---- totals ---------------------------------------------------------------------------------

class RunningParams(Options):
    label = "running (it takes add and start)"
    add: str = Field(description="The field added on each row, e.g. amount.")
    start: float | str = Field(0, description="The value before the first row: a number or "
                               "a reference like parent.balance.")


class RunningSpec(RecordField, Rounded):
    """A running total: the previous row's value (or `start`) plus this row's `add`."""

    kind = "running"
    label = "a running field"
    running: RunningParams

    def refs(self) -> list[str]:
        start = self.running.start
        return [self.running.add, *([start] if isinstance(start, str) else [])]

    def compile(self, name: str, compiler: Compiler) -> Make:
        add = compiler.getter(self.running.add)
        start = self.running.start
        first: Getter = (compiler.getter(start) if isinstance(start, str)
                         else lambda scope: start)
        places = self.round

        def running(rng: random.Random, scope: Any) -> Any:
            prev = scope.prev
            value = (first(scope) if prev is None else prev[name]) + add(scope)
            return value if places is None else round(value, places or None)

        return running


class AggregateSpec(RecordField):
    """Base of the aggregates of a descendant table's rows under this row (made after the
    row's children)."""

    @property
    def target(self) -> str:
        return getattr(self, self.kind)

    def refs(self) -> list[str]:
        return [self.target]

    def _column(self, compiler: Compiler) -> Callable[[Any], list[Any]]:
        table, _, field = self.target.partition(".")
        rows = compiler.rows(table)
        return lambda scope: [row[field] for row in rows(scope)]


_COLUMN = r"^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$"


class SumSpec(AggregateSpec, Rounded):
    """The sum of a field over descendant rows: `{sum: line_items.amount}` (0 if none)."""

    kind = "sum"
    label = "a sum field"
    sum: str = Field(pattern=_COLUMN, description="TABLE.FIELD of a descendant table.")

    def compile(self, name: str, compiler: Compiler) -> Make:
        column = self._column(compiler)
        places = self.round
        if places is None:
            return lambda rng, scope: sum(column(scope))
        return lambda rng, scope: round(sum(column(scope)), places or None)


class CountSpec(AggregateSpec):
    """The number of descendant rows: `{count: line_items}`."""

    kind = "count"
    label = "a count field"
    count: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", description="A descendant table.")

    def compile(self, name: str, compiler: Compiler) -> Make:
        rows = compiler.rows(self.count)
        return lambda rng, scope: len(rows(scope))


class MinSpec(AggregateSpec):
    """The least value of a field over descendant rows (None if there are none)."""

    kind = "min"
    label = "a min field"
    min: str = Field(pattern=_COLUMN, description="TABLE.FIELD of a descendant table.")

    def compile(self, name: str, compiler: Compiler) -> Make:
        column = self._column(compiler)
        return lambda rng, scope: min(column(scope), default=None)


class MaxSpec(AggregateSpec):
    """The greatest value of a field over descendant rows (None if there are none)."""

    kind = "max"
    label = "a max field"
    max: str = Field(pattern=_COLUMN, description="TABLE.FIELD of a descendant table.")

    def compile(self, name: str, compiler: Compiler) -> Make:
        column = self._column(compiler)
        return lambda rng, scope: max(column(scope), default=None)


# ---- rare events ----------------------------------------------------------------------------

class RareSpec(RecordField):
    """True with probability `rare` on each row, independently: `{rare: 0.005}`."""

    kind = "rare"
    label = "a rare field"
    rare: float = Field(gt=0, le=1, description="The chance of True on each row.")

    def compile(self, name: str, compiler: Compiler) -> Make:
        p = self.rare
        return lambda rng, scope: rng.random() < p


class BurstParams(Options):
    label = "burst (it takes rate and length)"
    rate: float = Field(gt=0, le=1, description="The chance that a row outside a burst "
                        "starts one.")
    length: tuple[int, int] | Slot = Field(description="Rows in a burst: [lo, hi] or a "
                                           "sampler (at least 1).")

    @field_validator("length")
    @classmethod
    def _positive(cls, value: Any) -> Any:
        if isinstance(value, tuple) and not 1 <= value[0] <= value[1]:
            raise _error("burst_length", f"burst length needs [lo, hi] with 1 <= lo <= hi, "
                         f"got {list(value)}")
        return value


class BurstSpec(RecordField):
    """True on runs of consecutive sibling rows: a burst starts with chance `rate` on a row
    outside one and lasts `length` rows (cut short by the last sibling)."""

    kind = "burst"
    label = "a burst field"
    burst: BurstParams

    def compile(self, name: str, compiler: Compiler) -> Make:
        rate = self.burst.rate
        length = compiler.draw_int(self.burst.length)

        def burst(rng: random.Random, scope: Any) -> bool:
            state = scope.state
            left = state.get(name, 0)
            if left > 0:
                state[name] = left - 1
                return True
            if rng.random() < rate:
                state[name] = max(1, length(rng)) - 1
                return True
            return False

        return burst


# ---- conditional fields ---------------------------------------------------------------------

def case_key(value: Any) -> str:
    """The text a `match` case is keyed by: YAML `true` and `"true"` are the same case."""
    if value is True or value is False:
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)


def _case_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {case_key(k): v for k, v in value.items()}
    return value


class MatchSpec(RecordField):
    """A field drawn by the case that another value selects (`default` for the others)."""

    kind = "match"
    label = "a match field"
    match: str = Field(description="What selects the case: a field or a reference.")
    cases: Annotated[dict[str, FieldSpec], BeforeValidator(_case_keys)] = Field(
        min_length=1, description="Value -> field spec; values match by their text.")
    default: FieldSpec | None = Field(None, description="The spec for any other value "
                                      "(default: null).")

    def nested(self) -> list[Any]:
        return [*self.cases.values(), *([self.default] if self.default is not None else [])]

    def compile(self, name: str, compiler: Compiler) -> Make:
        select = compiler.getter(self.match)
        cases = {key: compiler.make(spec, name) for key, spec in self.cases.items()}
        default = compiler.make(self.default, name) if self.default is not None else None

        def match(rng: random.Random, scope: Any) -> Any:
            value = select(scope)
            make = cases.get(value if value.__class__ is str else case_key(value), default)
            return None if make is None else make(rng, scope)

        return match


# ---- parsing --------------------------------------------------------------------------------

OWN: dict[str, type[RecordField]] = {spec.kind: spec for spec in (
    SequenceSpec, UuidSpec, HexSpec, RefSpec, AfterSpec, BetweenSpec, RunningSpec, SumSpec,
    CountSpec, MinSpec, MaxSpec, RareSpec, BurstSpec, MatchSpec)}
TYPES: dict[str, type[Options]] = {**SPECS, **OWN}
FIELD_TYPES = tuple(TYPES)


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def parse_field(value: Any, info: ValidationInfo) -> Any:
    """Validate a field mapping against the spec of its one type key."""
    if isinstance(value, SlotSpec | RecordField):
        return value
    if not isinstance(value, dict):
        raise _error("field_shape", "a field is a mapping with one type key, e.g. "
                     f"{{faker: name}} or {{const: value}}; got {_short(value)}")
    kinds = [key for key in value if key in TYPES]
    if not kinds:
        hints = [h for h in (suggest(str(key), FIELD_TYPES) for key in value) if h]
        raise _error("field_type", f"unknown field type {', '.join(map(repr, value)) or '{}'}"
                     + (f" ({hints[0].strip()})" if hints else "")
                     + f"; a field needs one of: {', '.join(FIELD_TYPES)}")
    if len(kinds) > 1:
        raise _error("field_type", f"a field takes one type, got {' and '.join(kinds)}; keep "
                     "one (use `derive` to compute a field from others)")
    return TYPES[kinds[0]].model_validate(typed_choice(value), context=info.context)


def typed_choice(value: dict[str, Any]) -> dict[str, Any]:
    """`{choice: {500: 3, 503: 1}}` as `{choice: [500, 503], weights: [3, 1]}`.

    A mapping's keys become text in JSON (the run's lock file), so a recipe read back from
    it would choose "500" instead of 500; the list form keeps each value's type.
    """
    choice = value.get("choice")
    if (not isinstance(choice, dict) or "weights" in value
            or all(isinstance(key, str) for key in choice)):
        return value
    return {**value, "choice": list(choice), "weights": list(choice.values())}


AnyField = (AnySpec | SequenceSpec | UuidSpec | HexSpec | RefSpec | AfterSpec | BetweenSpec
            | RunningSpec | SumSpec | CountSpec | MinSpec | MaxSpec | RareSpec | BurstSpec
            | MatchSpec)
FieldSpec = Annotated[AnyField, BeforeValidator(parse_field)]
"""A field in a config: a mapping with one type key, validated by that type's spec."""

MatchSpec.model_rebuild()


def walk(spec: Any) -> Sequence[Any]:
    """The spec and the specs nested in it (a match's cases, gaps, burst lengths)."""
    out = [spec]
    inner: list[Any] = []
    if isinstance(spec, MatchSpec):
        inner = spec.nested()
    elif isinstance(spec, AfterSpec):
        inner = [getattr(spec, spec.unit)]
    elif isinstance(spec, BurstSpec):
        inner = [spec.burst.length]
    for nested in inner:
        if isinstance(nested, SlotSpec | RecordField):
            out.extend(walk(nested))
    return out
