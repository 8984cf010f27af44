"""Build a runnable pipeline (generators and stages) from a validated recipe."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synthforge import registry
from synthforge.curate.balance import Quota, QuotaConfig
from synthforge.engine.mix import MixSchedule
from synthforge.recipe import Recipe
from synthforge.record import Record
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
        made: list[Record] = []
        declined: list[tuple[Record, Verdict]] = []
        if len(self.generators) == 1:  # attempt i is item i: no schedule to consult
            self._run(0, range(start, stop), range(start, stop), made, declined)
            return made, declined
        by_entry: dict[int, tuple[list[int], list[int]]] = {}
        for i, (j, k) in enumerate(self.schedule.assign(start, stop), start):
            indices, ks = by_entry.setdefault(j, ([], []))
            indices.append(i)
            ks.append(k)
        for j, (indices, ks) in by_entry.items():
            self._run(j, indices, ks, made, declined)
        made.sort(key=_index)
        return made, declined

    def _run(self, j: int, indices: Iterable[int], ks: Iterable[int], made: list[Record],
             declined: list[tuple[Record, Verdict]]) -> None:
        """Items `ks` of entry j, as the records of attempts `indices`."""
        label = self.labels[j]
        prefix = f"{self.context.fingerprint[:8]}-{label}-"
        make = self.generators[j].generate
        keep = made.append
        for i, k in zip(indices, ks, strict=True):
            try:
                out = make(k)
            except Exception as exc:
                verdict = exc.reason if isinstance(exc, Reject) else Failure.of(exc)
                declined.append((Record(prefix + str(k), i, {}, {"source": label, "k": k}),
                                 verdict))
                continue
            if out.__class__ is tuple:
                keep(Record(prefix + str(k), i, out[0], {"source": label, "k": k, **out[1]}))
            else:
                keep(Record(prefix + str(k), i, out, {"source": label, "k": k}))


def _index(record: Record) -> int:
    return record.index


def build_pipeline(recipe: Recipe, *, base_dir: str | Path | None = None,
                   cache_mode: str = "use") -> Pipeline:
    """Instantiate the recipe's generators and steps (plus mix quotas as a last stage).

    `cache_mode` tells teacher steps to use their answer cache, refresh it, or go without.
    """
    ctx = Context(seed=recipe.seed, target=recipe.target, fingerprint=recipe.fingerprint(),
                  base_dir=Path(base_dir or Path.cwd()),
                  weights={m.label: m.weight for m in recipe.mix}, cache_mode=cache_mode)
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
