"""Slot samplers: where the values of a template's slots come from.

A slot is written as a mapping with exactly one sampler key and that sampler's options:

    ProductName: {choice: [Nimbus, Quanta, Helix]}
    ActionVerb: {choice: {disrupt: 3, reshape: 1}}          # a mapping gives weights
    age: {normal: {mean: 40, std: 12}, clip: [18, 90], round: 0}

Options are applied in this order: `type` (cast), `clip`, `round` (`round: 0` gives an
int), `join` (a list becomes a string). Each spec builds a draw function `rng -> value`;
finite specs (choice, file, randint, sample, const) also enumerate their values, which is
how `unique` slots cover every combination exactly once.
"""

from __future__ import annotations

import csv
import difflib
import math
import random
from bisect import bisect_right
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

import orjson
from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from synthforge.stage import DataFile, StrictModel

Draw = Callable[[random.Random], Any]
Finish = Callable[[Any], Any]
Cast = Literal["int", "float", "str", "bool"]

FINITE = ("choice", "file", "randint", "sample", "const")


def _error(kind: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(kind, message)


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def suggest(name: str, known: Sequence[str]) -> str:
    """`"did you mean 'x'? "` for the closest known name, or `""`."""
    close = ([k for k in known if k.lower() == name.lower()]
             or difflib.get_close_matches(name, known, n=1, cutoff=0.6))
    return f"did you mean {close[0]!r}? " if close else ""


class Options(StrictModel):
    """Sampler settings: an unknown key is an error that names the closest allowed one."""

    label: ClassVar[str] = "this mapping"

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            allowed = cls.allowed()
            for key in data:
                if key not in allowed:
                    raise _error("unknown_option", f"unknown key {key!r} in {cls.label}; "
                                 f"{suggest(str(key), allowed)}(allowed: {', '.join(allowed)})")
        return data

    @classmethod
    def allowed(cls) -> list[str]:
        """The keys this mapping takes; a sampler's own key first."""
        keys = [f.alias or name for name, f in cls.model_fields.items()]
        first = getattr(cls, "kind", None)
        return sorted(keys, key=lambda k: (k != first, k))


# ---- options shared by several samplers -----------------------------------------------------

class Typed(Options):
    type: Cast | None = Field(None, description="Cast the value: int, float, str or bool.")


class Clipped(Options):
    clip: tuple[int | float, int | float] | None = Field(
        None, description="Bounds [lo, hi] of the value.")

    @model_validator(mode="after")
    def _clip_order(self) -> Clipped:
        if self.clip is not None and self.clip[0] > self.clip[1]:
            raise _error("clip", f"clip needs lo <= hi, got {list(self.clip)}")
        return self


class Rounded(Options):
    round: int | None = Field(None, ge=0, le=15, description="Decimal places; 0 gives an int.")


class Joined(Options):
    join: str | None = Field(None, description="Join a list value into one string with this.")


def _to_bool(value: Any) -> bool:
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("true", "yes", "on", "1"):
            return True
        if text in ("false", "no", "off", "0", ""):
            return False
        raise ValueError(f"cannot read {value!r} as a bool")
    return bool(value)


def _to_int(value: Any) -> int:
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return int(float(value))
    return int(value)


CASTS: dict[str, Callable[[Any], Any]] = {"int": _to_int, "float": float, "str": str,
                                          "bool": _to_bool}


def _rounder(places: int) -> Finish:
    def round_value(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"round needs a number, got {type(value).__name__} {value!r} "
                            "(add `type: float`)")
        return round(value) if places == 0 else round(value, places)

    return round_value


def _clipper(lo: float, hi: float) -> Finish:
    def clip_value(value: Any) -> Any:
        if value < lo:
            return float(lo) if isinstance(value, float) else lo
        if value > hi:
            return float(hi) if isinstance(value, float) else hi
        return value

    return clip_value


def _joiner(sep: str) -> Finish:
    def join_value(value: Any) -> str:
        if not isinstance(value, list | tuple):
            raise TypeError(f"join needs a list, got {type(value).__name__} {value!r}")
        return sep.join(str(v) for v in value)

    return join_value


def _chain(steps: list[Finish]) -> Finish | None:
    if not steps:
        return None
    if len(steps) == 1:
        return steps[0]

    def finish(value: Any) -> Any:
        for step in steps:
            value = step(value)
        return value

    return finish


def distinct(values: Sequence[Any]) -> list[Any]:
    """The values without repeats, first occurrence first (1, 1.0 and True stay apart)."""
    seen: set[tuple[str, str]] = set()
    out = []
    for value in values:
        key = (type(value).__name__, repr(value))
        if key not in seen:
            seen.add(key)
            out.append(value)
    return out


# ---- the samplers ---------------------------------------------------------------------------

class SlotSpec(Options):
    """Base of the samplers: one sampler key (`kind`) and its options."""

    kind: ClassVar[str]

    def finisher(self) -> Finish | None:
        """The post-processing of a drawn value, or None when there is none."""
        steps: list[Finish] = []
        cast = getattr(self, "type", None)
        if cast is not None:
            steps.append(CASTS[cast])
        clip = getattr(self, "clip", None)
        if clip is not None:
            steps.append(_clipper(*clip))
        places = getattr(self, "round", None)
        if places is not None:
            steps.append(_rounder(places))
        sep = getattr(self, "join", None)
        if sep is not None:
            steps.append(_joiner(sep))
        return _chain(steps)

    def draw(self, fakers: Sequence[Any] = ()) -> Draw:
        """A function that draws one value from the item's RNG."""
        raise NotImplementedError


class FiniteSpec(SlotSpec):
    """A sampler with finitely many values, which `unique` can enumerate."""

    def size(self) -> int:
        raise NotImplementedError

    def at(self, index: int, rng: random.Random) -> Any:
        """Value number `index` of `range(size())`; `rng` may only reorder it."""
        raise NotImplementedError


class ChoiceSpec(FiniteSpec, Typed):
    """One of a list of values, or of a mapping from value to weight."""

    kind = "choice"
    label = "a choice slot"
    choice: list[Any] | dict[str | bool | int | float, float] = Field(min_length=1)
    weights: list[float] | None = Field(None, description="Weights of a list of values.")
    _values: list[Any] = PrivateAttr(default_factory=list)
    _cum: list[float] | None = PrivateAttr(None)
    _distinct: list[Any] = PrivateAttr(default_factory=list)

    @field_validator("choice", mode="before")
    @classmethod
    def _shape(cls, value: Any) -> Any:
        if isinstance(value, dict):
            for key, weight in value.items():
                if isinstance(weight, bool) or not isinstance(weight, int | float):
                    raise _error("choice_weights", "a choice mapping gives each value its "
                                 f"weight (a number); {key!r} has {_short(weight)}")
        elif not isinstance(value, list | tuple):
            raise _error("choice", "choice takes a list of values [a, b] or a mapping of "
                         f"value to weight {{a: 3, b: 1}}; got {_short(value)}")
        return value

    @model_validator(mode="after")
    def _weighted(self) -> ChoiceSpec:
        if isinstance(self.choice, dict):
            if self.weights is not None:
                raise _error("choice_weights", "give weights either as a mapping "
                             "{value: weight} or as `weights: [...]`, not both")
            values, weights = list(self.choice), list(self.choice.values())
            # Keep the list form: a mapping's keys would turn into text in JSON (lock files).
            self.choice, self.weights = values, weights
        else:
            values, weights = list(self.choice), self.weights
            if weights is not None and len(weights) != len(values):
                raise _error("choice_weights", f"weights has {len(weights)} numbers for "
                             f"{len(values)} values; give one weight per value")
        self._values = values
        if weights is None:
            self._distinct = distinct(values)
        else:
            _check_weights(weights)
            self._cum = _cumulative(weights)
            self._distinct = distinct([v for v, w in zip(values, weights, strict=True) if w > 0])
        return self

    def draw(self, fakers: Sequence[Any] = ()) -> Draw:
        values, cum = self._values, self._cum
        if cum is None:
            return lambda rng: rng.choice(values)
        total = cum[-1]
        last = max(i for i, c in enumerate(cum) if c > (cum[i - 1] if i else 0.0))
        return lambda rng: values[min(bisect_right(cum, rng.random() * total), last)]

    def size(self) -> int:
        """Distinct values with a positive weight: `unique` ignores the weights."""
        return len(self._distinct)

    def at(self, index: int, rng: random.Random) -> Any:
        return self._distinct[index]


def _check_weights(weights: Sequence[float]) -> None:
    if any(not math.isfinite(w) or w < 0 for w in weights):
        raise _error("choice_weights", f"weights must be finite and >= 0, got {list(weights)}")
    if sum(weights) <= 0:
        raise _error("choice_weights", "weights must add up to more than 0 "
                     "(give at least one value a positive weight)")


def _cumulative(weights: Sequence[float]) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


class RandintSpec(FiniteSpec, Typed):
    """An integer in [lo, hi], both included."""

    kind = "randint"
    label = "a randint slot"
    randint: tuple[int, int]

    @model_validator(mode="after")
    def _order(self) -> RandintSpec:
        _check_range(self.randint, "randint")
        return self

    def draw(self, fakers: Sequence[Any] = ()) -> Draw:
        lo, hi = self.randint
        return lambda rng: rng.randint(lo, hi)

    def size(self) -> int:
        return self.randint[1] - self.randint[0] + 1

    def at(self, index: int, rng: random.Random) -> Any:
        return self.randint[0] + index


def _check_range(bounds: tuple[float, float], kind: str) -> None:
    lo, hi = bounds
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo > hi:
        raise _error("range", f"{kind} needs [lo, hi] with lo <= hi, got {list(bounds)}")


class UniformSpec(SlotSpec, Typed, Rounded):
    """A float drawn uniformly from [lo, hi]."""

    kind = "uniform"
    label = "a uniform slot"
    uniform: tuple[float, float]

    @model_validator(mode="after")
    def _order(self) -> UniformSpec:
        _check_range(self.uniform, "uniform")
        return self

    def draw(self, fakers: Sequence[Any] = ()) -> Draw:
        lo, hi = self.uniform
        return lambda rng: rng.uniform(lo, hi)


class NormalParams(Options):
    label = "normal (it takes mean and std)"
    mean: float
    std: float = Field(ge=0)


class NormalSpec(SlotSpec, Typed, Clipped, Rounded):
    """A float from a normal distribution."""

    kind = "normal"
    label = "a normal slot"
    normal: NormalParams

    def draw(self, fakers: Sequence[Any] = ()) -> Draw:
        mean, std = self.normal.mean, self.normal.std
        return lambda rng: rng.normalvariate(mean, std)


class LognormalParams(Options):
    label = "lognormal (it takes mu and sigma, of the log of the value)"
    mu: float
    sigma: float = Field(ge=0)


class LognormalSpec(SlotSpec, Typed, Clipped, Rounded):
    """A positive float whose logarithm is normal(mu, sigma)."""

    kind = "lognormal"
    label = "a lognormal slot"
    lognormal: LognormalParams

    def draw(self, fakers: Sequence[Any] = ()) -> Draw:
        mu, sigma = self.lognormal.mu, self.lognormal.sigma
        return lambda rng: rng.lognormvariate(mu, sigma)


class FileSpec(FiniteSpec, Typed):
    """A value from a file: lines of text, a .jsonl/.json `field` or a .csv/.tsv `column`."""

    kind = "file"
    label = "a file slot"
    file: DataFile
    field: str | None = Field(None, description="Key of each object in a .jsonl or .json file.")
    column: str | None = Field(None, description="Column of a .csv or .tsv file.")
    _values: list[Any] = PrivateAttr(default_factory=list)
    _distinct: list[Any] = PrivateAttr(default_factory=list)

    @model_validator(mode="after")
    def _load(self) -> FileSpec:
        self._values = read_values(self.file, self.field, self.column)
        self._distinct = distinct(self._values)
        return self

    def draw(self, fakers: Sequence[Any] = ()) -> Draw:
        values = self._values
        return lambda rng: rng.choice(values)

    def size(self) -> int:
        """Distinct values: a repeated line counts once under `unique`."""
        return len(self._distinct)

    def at(self, index: int, rng: random.Random) -> Any:
        return self._distinct[index]


def read_values(path: Path, field: str | None = None, column: str | None = None) -> list[Any]:
    """The values of a data file: one per non-empty line, JSON item or CSV row."""
    suffix = path.suffix.lower()
    if field is not None and suffix not in (".jsonl", ".ndjson", ".json"):
        raise _error("file_field", f"`field` is for .jsonl and .json files; {path.name} "
                     "is not one (use `column` for a .csv file)")
    if column is not None and suffix not in (".csv", ".tsv"):
        raise _error("file_column", f"`column` is for .csv and .tsv files; {path.name} is not one")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise _error("file_read", f"cannot read {path}: {exc}") from None
    if suffix in (".jsonl", ".ndjson"):
        values = _jsonl_values(text, path, field)
    elif suffix == ".json":
        values = _json_values(text, path, field)
    elif suffix in (".csv", ".tsv"):
        values = _csv_values(text, path, column, "\t" if suffix == ".tsv" else ",")
    else:
        values = [line.strip() for line in text.splitlines() if line.strip()]
    if not values:
        raise _error("file_empty", f"{path} has no values; put one value per line")
    return values


def _pick(item: Any, field: str | None, where: str) -> Any:
    if field is None:
        if isinstance(item, dict | list):
            raise _error("file_field", f"{where} holds a JSON {type(item).__name__}; "
                         "name the key to use with `field:`")
        return item
    if not isinstance(item, dict) or field not in item:
        keys = ", ".join(map(str, item)) if isinstance(item, dict) else "none"
        raise _error("file_field", f"{where} has no key {field!r} (its keys: {keys})")
    return item[field]


def _jsonl_values(text: str, path: Path, field: str | None) -> list[Any]:
    values = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise _error("file_json", f"{path}:{n}: not JSON: {exc}") from None
        values.append(_pick(item, field, f"{path}:{n}"))
    return values


def _json_values(text: str, path: Path, field: str | None) -> list[Any]:
    try:
        items = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise _error("file_json", f"{path}: not JSON: {exc}") from None
    if not isinstance(items, list):
        raise _error("file_json", f"{path}: a .json file must hold a list of values")
    return [_pick(item, field, f"{path} item {i}") for i, item in enumerate(items)]


def _csv_values(text: str, path: Path, column: str | None, delimiter: str) -> list[Any]:
    reader = csv.DictReader(text.splitlines(), delimiter=delimiter)
    columns = list(reader.fieldnames or [])
    if column is None:
        if len(columns) != 1:
            raise _error("file_column", f"{path} has columns {', '.join(columns)}; "
                         "name the one to use with `column:`")
        column = columns[0]
    if column not in columns:
        raise _error("file_column", f"{path} has no column {column!r}; "
                     f"{suggest(column, columns)}(columns: {', '.join(columns)})")
    return [row[column] for row in reader if row.get(column) not in (None, "")]


class FakerCall(Options):
    label = "faker (it takes provider and args)"
    provider: str
    args: dict[str, Any] = Field(default_factory=dict)


class FakerSpec(SlotSpec, Typed, Joined):
    """A value from a Faker provider: `{faker: company}` or `{faker: {provider, args}}`."""

    kind = "faker"
    label = "a faker slot"
    faker: str | FakerCall

    @property
    def call(self) -> FakerCall:
        return self.faker if isinstance(self.faker, FakerCall) else FakerCall(provider=self.faker)

    def draw(self, fakers: Sequence[Any] = ()) -> Draw:
        """`fakers` are Faker generators (one per locale) that draw from the item's RNG."""
        call = self.call
        args = dict(call.args)
        methods = [getattr(f, call.provider) for f in fakers]
        if len(methods) == 1:
            method = methods[0]
            return lambda rng: method(**args)
        return lambda rng: rng.choice(methods)(**args)


class SampleParams(Options):
    model_config = ConfigDict(validate_by_name=True, serialize_by_alias=True)
    label = "sample (it takes from and k)"
    from_: list[Any] = Field(alias="from", min_length=1)
    k: int = Field(ge=1)

    @model_validator(mode="after")
    def _fits(self) -> SampleParams:
        if len(distinct(self.from_)) != len(self.from_):
            raise _error("sample", "sample.from has repeated items; list each item once")
        if self.k > len(self.from_):
            raise _error("sample", f"sample.k is {self.k} but `from` has only "
                         f"{len(self.from_)} items")
        return self


class SampleSpec(FiniteSpec, Joined):
    """k distinct items of a list, in random order."""

    kind = "sample"
    label = "a sample slot"
    sample: SampleParams

    def draw(self, fakers: Sequence[Any] = ()) -> Draw:
        items, k = self.sample.from_, self.sample.k
        return lambda rng: rng.sample(items, k)

    def size(self) -> int:
        return math.comb(len(self.sample.from_), self.sample.k)

    def at(self, index: int, rng: random.Random) -> Any:
        items = self.sample.from_
        picked = [items[i] for i in unrank_combination(index, len(items), self.sample.k)]
        rng.shuffle(picked)
        return picked


def unrank_combination(index: int, n: int, k: int) -> list[int]:
    """The `index`-th k-subset of range(n) in lexicographic order, as sorted positions."""
    out: list[int] = []
    start = 0
    for left in range(k, 0, -1):
        for e in range(start, n):
            count = math.comb(n - e - 1, left - 1)
            if index < count:
                out.append(e)
                start = e + 1
                break
            index -= count
    return out


class DeriveSpec(SlotSpec, Typed, Clipped, Rounded):
    """A value computed from other slots by a template or a single `{{ expression }}`."""

    kind = "derive"
    label = "a derive slot"
    derive: str


class ConstSpec(FiniteSpec):
    """Always the same value."""

    kind = "const"
    label = "a const slot"
    const: Any

    def draw(self, fakers: Sequence[Any] = ()) -> Draw:
        value = self.const
        return lambda rng: value

    def size(self) -> int:
        return 1

    def at(self, index: int, rng: random.Random) -> Any:
        return self.const


SPECS: dict[str, type[SlotSpec]] = {spec.kind: spec for spec in (
    ChoiceSpec, RandintSpec, UniformSpec, NormalSpec, LognormalSpec, FileSpec, FakerSpec,
    SampleSpec, DeriveSpec, ConstSpec)}
SAMPLERS = tuple(SPECS)


def parse_slot(value: Any, info: ValidationInfo) -> Any:
    """Validate a slot mapping against the spec of its one sampler key."""
    if isinstance(value, SlotSpec):
        return value
    if not isinstance(value, dict):
        example = "{choice: [a, b]}" if isinstance(value, list) else "{const: value}"
        raise _error("slot_shape", f"a slot is a mapping with one sampler key, e.g. {example}; "
                     f"got {_short(value)}")
    kinds = [key for key in value if key in SPECS]
    if not kinds:
        hints = [h for h in (suggest(str(key), SAMPLERS) for key in value) if h]
        raise _error("slot_sampler", f"a slot needs one sampler key: {', '.join(SAMPLERS)}; "
                     f"got {', '.join(map(repr, value)) or 'none'}"
                     + (f" ({hints[0].strip()})" if hints else ""))
    if len(kinds) > 1:
        raise _error("slot_sampler", f"a slot takes one sampler, got {' and '.join(kinds)}; "
                     "keep one (use `derive` to compute a slot from others)")
    return SPECS[kinds[0]].model_validate(value, context=info.context)


AnySpec = (ChoiceSpec | RandintSpec | UniformSpec | NormalSpec | LognormalSpec | FileSpec
           | FakerSpec | SampleSpec | DeriveSpec | ConstSpec)
Slot = Annotated[AnySpec, BeforeValidator(parse_slot)]
"""A slot in a config: a mapping with one sampler key, validated by that sampler's spec."""
