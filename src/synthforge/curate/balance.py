"""Balance and quotas: caps per category so the accepted mix matches what was declared."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

import orjson
from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from synthforge import registry
from synthforge.record import Record, get_path
from synthforge.stage import Context, StatefulCheck, StepConfig


class BalanceConfig(StepConfig):
    """Cap each category at its share of the target."""

    by: str = Field("meta.source", description="Field holding the category (default: the mix "
                    "entry that made the record).")
    proportions: dict[str, float] | list[str] | None = Field(
        None, description="Category -> share, or a list for equal shares (default with "
        "by=meta.source: the mix weights).")
    tolerance: float = Field(0.0, ge=0, description="Let each cap exceed its share by this "
                             "fraction.")
    others: bool = Field(False, description="Keep records whose category is not listed.")

    @model_validator(mode="after")
    def _shares(self) -> BalanceConfig:
        props = self.proportions
        if isinstance(props, dict) and (any(v < 0 for v in props.values())
                                        or sum(props.values()) <= 0):
            raise PydanticCustomError("proportions", "proportions must be >= 0 with a sum above 0")
        if props is None and self.by != "meta.source":
            raise PydanticCustomError("proportions", "give `proportions` for the categories of "
                                      "{by} (a mapping of shares, or a list for equal shares)",
                                      {"by": self.by})
        return self


class QuotaConfig(StepConfig):
    """Fixed caps per category: counts, or shares of the target when below 1."""

    by: str = Field("meta.source", description="Field holding the category.")
    caps: dict[str, float] = Field(description="Category -> most accepted records.")


def allocate(target: int, shares: dict[str, float]) -> dict[str, int]:
    """Split `target` into integer caps proportional to `shares` (largest remainder)."""
    total = sum(shares.values())
    exact = {k: target * v / total for k, v in shares.items()}
    caps = {k: math.floor(x) for k, x in exact.items()}
    order = sorted(exact, key=lambda k: (caps[k] - exact[k], k))
    for k in order[: target - sum(caps.values())]:
        caps[k] += 1
    return caps


class _Caps(StatefulCheck):
    """Counts records per category that passed; rejects beyond each category's cap."""

    caps: dict[str, int]
    others: bool = False

    def __init__(self, config: Any, ctx: Context, name: str):
        super().__init__(config, ctx, name)
        self.counts: Counter[str] = Counter()
        self._delta: list[str] = []

    def check_batch(self, records: Sequence[Record]) -> list[str | None]:
        by, caps = self.config.by, self.caps
        counts = Counter(self.counts)
        passed: list[str] = []
        verdicts: list[str | None] = []
        for record in records:
            value = get_path(record, by)
            if value is None:
                verdicts.append(f"missing_field: {by!r} holds the category")
                continue
            cat = value if isinstance(value, str) else orjson.dumps(value).decode()
            cap = caps.get(cat)
            if cap is None and not self.others:
                verdicts.append(f"unknown_category: {cat!r} is not among {sorted(caps)}")
            elif cap is not None and counts[cat] >= cap:
                verdicts.append(f"over_quota: {cat!r} already has its {cap} records")
            else:
                counts[cat] += 1
                passed.append(cat)
                verdicts.append(None)
        self.counts = counts
        self._delta.extend(passed)
        return verdicts

    def take_delta(self) -> bytes:
        delta, self._delta = self._delta, []
        return b"".join(orjson.dumps(c) + b"\n" for c in delta)

    def restore(self, journal: bytes) -> None:
        for line in journal.splitlines():
            if line:
                self.counts[orjson.loads(line)] += 1


@registry.register("step", "balance")
class Balance(_Caps):
    """Caps per category from declared proportions (default: the mix weights)."""

    Config = BalanceConfig

    def __init__(self, config: BalanceConfig, ctx: Context, name: str):
        super().__init__(config, ctx, name)
        props = config.proportions
        if props is None:
            props = dict(ctx.weights)
        elif isinstance(props, list):
            props = dict.fromkeys(props, 1.0)
        caps = allocate(ctx.target, {k: v for k, v in props.items() if v > 0})
        grow = 1.0 + config.tolerance
        self.caps = {k: math.ceil(v * grow) for k, v in caps.items()}
        self.caps.update({k: 0 for k, v in props.items() if v <= 0})
        self.others = config.others


@registry.register("step", "quota")
class Quota(_Caps):
    """Fixed caps per category; categories without a cap are not limited."""

    Config = QuotaConfig
    others = True

    def __init__(self, config: QuotaConfig, ctx: Context, name: str):
        super().__init__(config, ctx, name)
        self.caps = {k: int(v) if v >= 1 else max(1, math.floor(v * ctx.target))
                     for k, v in config.caps.items()}
