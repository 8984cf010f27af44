"""The building blocks of a pipeline: generators (sources) and stages (maps and checks).

A stage processes a batch and returns one verdict per record: `None` keeps it (a map may
have changed it in place), a string rejects it with that reason (`"code: detail"`), a
`Failure` marks it failed with the error. Steps import this module and the registry only.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    SerializationInfo,
    ValidationInfo,
    create_model,
)
from pydantic_core import PydanticCustomError

from synthforge.record import Record, derive_seed, mix64
from synthforge.registry import register


class Reject(Exception):
    """Raised by a generator or map to reject the record with a reason."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class StopRun(Exception):
    """Raised by a stage when the whole run must stop now (e.g. the cost budget is spent).

    The batch it happened in is not committed; the run stops with `reason` and can be
    resumed (with a larger budget) exactly where it stopped.
    """

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


class Spend:
    """Money spent by teacher calls in this run directory, against `budget.max_cost`."""

    def __init__(self, limit: float | None = None, total: float = 0.0):
        self.limit = limit
        self.total = total

    def add(self, cost: float) -> None:
        self.total += cost

    def check(self) -> None:
        """Raise StopRun once the limit is reached: no further call may be paid for."""
        if self.limit is not None and self.total >= self.limit:
            raise StopRun("cost", f"the cost budget of ${self.limit:g} is spent "
                          f"(${self.total:.4f}); raise budget.max_cost to go on")


class Failure:
    """Verdict for a record whose stage raised: it ends `failed` with the error."""

    __slots__ = ("error",)

    def __init__(self, error: str):
        self.error = error

    @classmethod
    def of(cls, exc: BaseException) -> Failure:
        return cls(f"{type(exc).__name__}: {exc}")

    def __repr__(self) -> str:
        return f"Failure({self.error!r})"


Verdict = None | str | Failure


@dataclass
class Context:
    """What a stage may know of the run it is part of."""

    seed: int = 0
    target: int = 0
    fingerprint: str = "0" * 64
    base_dir: Path = field(default_factory=Path.cwd)
    weights: dict[str, float] = field(default_factory=dict)
    spend: Spend = field(default_factory=Spend)
    cache_mode: str = "use"  # teacher answers: use, refresh (ask again, store) or off


def _resolve_file(value: Path, info: ValidationInfo) -> Path:
    base = Path((info.context or {}).get("base_dir") or Path.cwd())
    path = value.expanduser()
    path = path if path.is_absolute() else (base / path)
    if not path.is_file():
        raise PydanticCustomError(
            "file_not_found", "file not found: {path} (relative paths are read from {base})",
            {"path": str(path), "base": str(base)})
    return path.resolve()


def _serialize_file(value: Path, info: SerializationInfo) -> str:
    if (info.context or {}).get("fingerprint"):
        return "sha256:" + hashlib.sha256(value.read_bytes()).hexdigest()
    return str(value)


DataFile = Annotated[Path, AfterValidator(_resolve_file), PlainSerializer(_serialize_file)]
"""A path to an existing file, relative to the recipe; fingerprinted by content."""


class StrictModel(BaseModel):
    """Config base: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")


class GeneratorConfig(StrictModel):
    """Base of every generator's parameters."""


class StepConfig(StrictModel):
    """Base of every step's config; `name` labels the step in the ledger (default: its type)."""

    name: str | None = None


class Generator:
    """A source: item `k` is a pure function of (recipe seed, source name, k)."""

    Config: ClassVar[type[GeneratorConfig]] = GeneratorConfig
    cpu_bound: ClassVar[bool] = False

    def __init__(self, config: GeneratorConfig, ctx: Context, name: str):
        self.config = config
        self.ctx = ctx
        self.name = name
        self._base_seed = derive_seed(ctx.seed, name)

    def seed_for(self, k: int) -> int:
        """The seed of item k: a 64-bit mix of (recipe seed, source name, k)."""
        return mix64(self._base_seed ^ k)

    def size(self) -> int | None:
        """How many distinct items exist (None: unbounded)."""
        return None

    def generate(self, k: int) -> dict[str, Any] | tuple[dict[str, Any], dict[str, Any]]:
        """Item `k`: its data, or (data, extra meta). Raise Reject to decline it."""
        raise NotImplementedError


class Stage:
    """A step of the pipeline over batches of records."""

    Config: ClassVar[type[StepConfig]] = StepConfig
    stateful: ClassVar[bool] = False
    cpu_bound: ClassVar[bool] = False
    is_async: ClassVar[bool] = False

    def __init__(self, config: StepConfig, ctx: Context, name: str):
        self.config = config
        self.ctx = ctx
        self.name = name

    def process(self, records: list[Record]) -> list[Verdict]:
        raise NotImplementedError

    async def aprocess(self, records: list[Record]) -> list[Verdict]:
        return self.process(records)


class Check(Stage):
    """Keeps or rejects each record; override `check` (or `check_batch` for speed)."""

    def check(self, record: Record) -> str | None:
        raise NotImplementedError

    def check_batch(self, records: Sequence[Record]) -> list[str | None]:
        check = self.check
        return [check(r) for r in records]

    def process(self, records: list[Record]) -> list[Verdict]:
        try:
            return list(self.check_batch(records))
        except StopRun:
            raise
        except Exception:
            return [_one(self.check_batch, r) for r in records]


def _one(fn: Callable[[list[Record]], list[str | None]], record: Record) -> Verdict:
    try:
        return fn([record])[0]
    except StopRun:
        raise
    except Exception as exc:
        return Failure.of(exc)


class Map(Stage):
    """Changes each record; override `map` to return the record (changed or new) or None."""

    def map(self, record: Record) -> Record | None:
        raise NotImplementedError

    def process(self, records: list[Record]) -> list[Verdict]:
        verdicts: list[Verdict] = []
        for i, record in enumerate(records):
            try:
                out = self.map(record)
            except Reject as exc:
                verdicts.append(exc.reason)
                continue
            except StopRun:
                raise
            except Exception as exc:
                verdicts.append(Failure.of(exc))
                continue
            if out is not None and out is not record:
                records[i] = out
            verdicts.append(None)
        return verdicts


class AsyncMapConfig(StepConfig):
    """Config base of async maps: how many records may be in flight at once."""

    concurrency: int = Field(16, gt=0, le=100_000, description="Records in flight at once.")


class AsyncMap(Stage):
    """Changes each record with a coroutine (e.g. a model call); `concurrency` bounds how
    many run at once across all batches. Override `amap`."""

    Config: ClassVar[type[StepConfig]] = AsyncMapConfig
    is_async = True

    def __init__(self, config: StepConfig, ctx: Context, name: str):
        super().__init__(config, ctx, name)
        self._limit: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None

    async def amap(self, record: Record) -> Record | None:
        raise NotImplementedError

    def process(self, records: list[Record]) -> list[Verdict]:
        return asyncio.run(self.aprocess(records))

    async def aprocess(self, records: list[Record]) -> list[Verdict]:
        loop = asyncio.get_running_loop()
        if self._limit is None or self._limit[0] is not loop:  # one semaphore per event loop
            self._limit = (loop, asyncio.Semaphore(getattr(self.config, "concurrency", 16)))
        limit = self._limit[1]
        return list(await asyncio.gather(*(self._one(records, i, limit)
                                           for i in range(len(records)))))

    async def _one(self, records: list[Record], i: int, limit: asyncio.Semaphore) -> Verdict:
        async with limit:
            try:
                out = await self.amap(records[i])
            except Reject as exc:
                return exc.reason
            except StopRun:
                raise
            except Exception as exc:
                return Failure.of(exc)
        if out is not None:
            records[i] = out
        return None


class StatefulCheck(Stage):
    """A check that remembers what passed it (dedup, quotas). Sees batches in index order.

    `check_batch` must leave the state unchanged if it raises. After each batch the runner
    takes the state added by that batch (`take_delta`) and journals it; on resume the
    journal of committed batches is given back to `restore`.
    """

    stateful = True

    def check_batch(self, records: Sequence[Record]) -> list[str | None]:
        raise NotImplementedError

    def take_delta(self) -> bytes:
        raise NotImplementedError

    def restore(self, journal: bytes) -> None:
        raise NotImplementedError

    def process(self, records: list[Record]) -> list[Verdict]:
        try:
            return list(self.check_batch(records))
        except StopRun:
            raise
        except Exception:
            return [_one(self.check_batch, r) for r in records]


# ---- functions as generators, checks and maps ---------------------------------------------

def _config_from_signature(fn: Callable[..., Any], base: type[BaseModel], skip: int) -> type:
    """A pydantic config model from a function's keyword parameters."""
    fields: dict[str, Any] = {}
    params = list(inspect.signature(fn).parameters.values())[skip:]
    for p in params:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        annotation = p.annotation if p.annotation is not inspect.Parameter.empty else Any
        default = p.default if p.default is not inspect.Parameter.empty else ...
        fields[p.name] = (annotation, default)
    return create_model(f"{fn.__name__}_config", __base__=base, **fields)


def _params(config: BaseModel, drop: tuple[str, ...] = ("name",)) -> dict[str, Any]:
    return {k: getattr(config, k) for k in type(config).model_fields if k not in drop}


def generator(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register `fn(k, rng, **params) -> dict` as a generator named `name`."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        config = _config_from_signature(fn, GeneratorConfig, skip=2)

        class FunctionGenerator(Generator):
            Config = config
            __doc__ = fn.__doc__

            def generate(self, k: int) -> Any:
                return fn(k, random.Random(self.seed_for(k)), **_params(self.config, ()))

        FunctionGenerator.__module__ = fn.__module__
        FunctionGenerator.__qualname__ = fn.__qualname__
        register("generator", name, config)(FunctionGenerator)
        return fn

    return decorate


def check(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register `fn(record, **params) -> str | None` (a reject reason) as a check step."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        config = _config_from_signature(fn, StepConfig, skip=1)

        class FunctionCheck(Check):
            Config = config
            __doc__ = fn.__doc__

            def check(self, record: Record) -> str | None:
                return fn(record, **_params(self.config))

        FunctionCheck.__module__ = fn.__module__
        FunctionCheck.__qualname__ = fn.__qualname__
        register("step", name, config)(FunctionCheck)
        return fn

    return decorate


def map_step(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register `fn(record, **params) -> Record | dict | None` as a map step.

    Returning a dict replaces the record's data; None keeps the (possibly changed) record.
    An `async def` function becomes an async map with a `concurrency` parameter.
    """

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        is_async = inspect.iscoroutinefunction(fn)
        config = _config_from_signature(fn, AsyncMapConfig if is_async else StepConfig, skip=1)
        drop = ("name", "concurrency")

        def finish(record: Record, out: Any) -> Record | None:
            if isinstance(out, dict):
                record.data = out
                return record
            return out

        class FunctionMap(Map):
            Config = config
            __doc__ = fn.__doc__

            def map(self, record: Record) -> Record | None:
                return finish(record, fn(record, **_params(self.config, drop)))

        class FunctionAsyncMap(AsyncMap):
            Config = config
            __doc__ = fn.__doc__

            async def amap(self, record: Record) -> Record | None:
                return finish(record, await fn(record, **_params(self.config, drop)))

        cls = FunctionAsyncMap if is_async else FunctionMap
        cls.__module__ = fn.__module__
        cls.__qualname__ = fn.__qualname__
        register("step", name, config)(cls)
        return fn

    return decorate
