"""`synthforge run --dry-run`: what a run's teacher calls would cost, without sending any.

A sample of the first attempts goes through the steps before each teacher step (the cheap
checks), then each teacher step estimates its calls on the records that reach it: prompt
tokens from the rendered prompt (about 4 characters a token), answer tokens from
`max_tokens` (or 512 when unset), cost from the price table. The figures are scaled to the
target (if every record were accepted) and to the whole budget of attempts (the most the
run could spend).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synthforge.engine.build import build_pipeline, sift
from synthforge.recipe import Recipe
from synthforge.record import Record
from synthforge.stage import Verdict

DEFAULT_ANSWER_TOKENS = 512


@dataclass
class StageEstimate:
    stage: str
    model: str
    calls_per_record: float
    prompt_tokens_per_record: float
    answer_tokens_per_record: float
    cost_per_record: float
    reach: float  # share of attempts that reach this stage in the sample

    def scaled(self, attempts: int) -> dict[str, Any]:
        n = attempts * self.reach
        return {"calls": round(n * self.calls_per_record),
                "prompt_tokens": round(n * self.prompt_tokens_per_record),
                "answer_tokens": round(n * self.answer_tokens_per_record),
                "cost_usd": round(n * self.cost_per_record, 4)}


def estimate(recipe: Recipe, *, base_dir: str | Path | None = None,
             sample: int = 200) -> dict[str, Any]:
    """Calls, tokens and cost of the recipe's teacher steps, sent nowhere."""
    pipeline = build_pipeline(recipe, base_dir=base_dir, cache_mode="off")
    n = min(sample, recipe.max_attempts)
    alive, _ = pipeline.generate(0, n)
    stages: list[StageEstimate] = []
    rejected: list[tuple[Record, int, Verdict]] = []
    for i, stage in enumerate(pipeline.stages, 1):
        if getattr(stage, "costs_money", False):
            stages.append(_estimate_stage(stage, alive, len(alive) / max(n, 1)))
            continue  # its answers are unknown: later steps see the records as they are
        if not stage.is_async and alive:
            alive = sift(alive, stage.process(alive), i, rejected)
    return {"sample": n, "stages": [
        {"stage": s.stage, "model": s.model, "reach": round(s.reach, 3),
         "if_every_record_is_accepted": s.scaled(round(recipe.target / max(s.reach, 1e-9))
                                                 if s.reach else 0),
         "at_most": s.scaled(recipe.max_attempts)} for s in stages]}


def _estimate_stage(stage: Any, records: list[Record], reach: float) -> StageEstimate:
    from synthforge.teachers.pricing import load_prices, price_for

    config = stage.config.teacher
    price = price_for(config.model, load_prices(None), config.price)
    answers = (config.max_tokens or DEFAULT_ANSWER_TOKENS) * config.n
    prompts = []
    for record in records:
        try:
            messages = stage.render(record)
        except Exception:  # a record the step would reject: it makes no call
            continue
        prompts.append(sum(len(m["content"]) / 4 + 4 for m in messages))
    calls = stage.config.samples if prompts else 0
    per_prompt = sum(prompts) / len(prompts) if prompts else 0.0
    share = len(prompts) / max(len(records), 1)
    cost = calls * price.cost(int(per_prompt), answers) * share
    return StageEstimate(stage.name, config.model, calls * share, calls * per_prompt * share,
                         calls * answers * share, cost, reach)
