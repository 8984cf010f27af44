"""Token prices and cost: a configurable table of USD per million tokens by model."""

from __future__ import annotations

import fnmatch
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

# USD per 1M tokens (input, output); patterns match model names. A recipe or a file given in
# SYNTHFORGE_PRICES overrides or extends this table. Self-hosted models cost nothing by default.
DEFAULT_PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o": (2.50, 10.00),
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "o3-mini": (1.10, 4.40),
    "claude-3-5-haiku*": (0.80, 4.00),
    "claude-3-5-sonnet*": (3.00, 15.00),
    "claude-sonnet-4*": (3.00, 15.00),
}


class Price(BaseModel):
    """USD per million input and output tokens."""

    model_config = ConfigDict(extra="forbid")

    input: float = Field(0.0, ge=0)
    output: float = Field(0.0, ge=0)

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        return (prompt_tokens * self.input + completion_tokens * self.output) / 1_000_000


def load_prices(path: str | Path | None) -> dict[str, Price]:
    """The default table, extended by a YAML file of `model: {input, output}`."""
    table = {k: Price(input=i, output=o) for k, (i, o) in DEFAULT_PRICES.items()}
    if path:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        table.update({str(k): Price.model_validate(v) for k, v in data.items()})
    return table


def price_for(model: str, table: dict[str, Price], explicit: Price | None = None) -> Price:
    """The price of `model`: an explicit one, an exact match, the longest pattern, else 0."""
    if explicit is not None:
        return explicit
    if model in table:
        return table[model]
    matches = [p for p in table if fnmatch.fnmatchcase(model, p)]
    return table[max(matches, key=len)] if matches else Price()
