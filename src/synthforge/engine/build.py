"""Build a runnable pipeline (generators and stages) from a validated recipe."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synthforge import registry
from synthforge.curate.balance import Quota, QuotaConfig
from synthforge.engine.mix import MixSchedule
from synthforge.recipe import Recipe
from synthforge.record import Record, record_id
from synthforge.stage import Context, Failure, Generator, Reject, Stage, Verdict

SOURCE = "source"


@dataclass
class Pipeline:
    """Generators behind a mix schedule, then the ordered stages."""

    recipe: Recipe
    context: Context
    labels: list[str]
    generators: list[Generator]
    schedule: MixSchedule
    stages: list[Stage]

    @property
    def stage_names(self) -> list[str]:
        """Names for the ledger: the source first, then each stage."""
        return [SOURCE, *(s.name for s in self.stages)]

    def generate(self, start: int, stop: int) -> tuple[list[Record], list[tuple[Record, Verdict]]]:
        """Candidates for attempts [start, stop): those made, and those the source declined."""
        fp, labels, gens = self.context.fingerprint, self.labels, self.generators
        made: list[Record] = []
        declined: list[tuple[Record, Verdict]] = []
        for i, (j, k) in enumerate(self.schedule.assign(start, stop), start):
            label = labels[j]
            try:
                out = gens[j].generate(k)
            except Reject as exc:
                declined.append((Record(record_id(fp, label, k), i, {}, {"source": label, "k": k}),
                                 exc.reason))
                continue
            except Exception as exc:
                declined.append((Record(record_id(fp, label, k), i, {}, {"source": label, "k": k}),
                                 Failure.of(exc)))
                continue
            if type(out) is tuple:
                data, extra = out
                meta = {"source": label, "k": k, **extra}
            else:
                data, meta = out, {"source": label, "k": k}
            made.append(Record(record_id(fp, label, k), i, data, meta))
        return made, declined


def build_pipeline(recipe: Recipe, *, base_dir: str | Path | None = None) -> Pipeline:
    """Instantiate the recipe's generators and steps (plus mix quotas as a last stage)."""
    ctx = Context(seed=recipe.seed, target=recipe.target, fingerprint=recipe.fingerprint(),
                  base_dir=Path(base_dir or Path.cwd()),
                  weights={m.label: m.weight for m in recipe.mix})
    labels = [m.label for m in recipe.mix]
    generators = [registry.lookup("generator", m.generator).factory(m.params, ctx, m.label)
                  for m in recipe.mix]
    stages: list[Stage] = []
    for step, name in zip(recipe.steps, recipe.step_names(), strict=True):
        stages.append(registry.lookup("step", step.type).factory(step.config, ctx, name))
    caps: dict[str, Any] = {m.label: m.quota for m in recipe.mix if m.quota is not None}
    if caps:
        stages.append(Quota(QuotaConfig(caps=caps), ctx, _free_name("quota", stages)))
    schedule = MixSchedule([m.weight for m in recipe.mix], recipe.seed)
    return Pipeline(recipe, ctx, labels, generators, schedule, stages)


def _free_name(base: str, stages: list[Stage]) -> str:
    taken = {s.name for s in stages}
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    return name


def sift(alive: list[Record], verdicts: list[Verdict], n: int,
          rejected: list[tuple[Record, int, Verdict]]) -> list[Record]:
    """Records whose verdict is None go on; the others join `rejected` with stage n."""
    if verdicts.count(None) == len(verdicts):
        return alive
    kept = []
    for record, verdict in zip(alive, verdicts, strict=True):
        if verdict is None:
            kept.append(record)
        else:
            rejected.append((record, n, verdict))
    return kept
