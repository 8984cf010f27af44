"""The `verify` check: score an answer with the verifier of the task family that made it.

    steps:
      - verify: {}                          # the worked `response`: its final answer must be right
      - verify: {field: answer, extract: false, min_score: 1.0}

Records carry their family in `meta.family` and what the verifier needs in `meta.check`;
the verifier is the family's `score`, found through the registry. Code and SQL answers are
checked by running them (in the sandbox).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar, Literal

from pydantic import Field

from synthforge import registry
from synthforge.record import Record, get_path
from synthforge.registry import register
from synthforge.stage import Check, Context, StepConfig


class VerifyConfig(StepConfig):
    """Which answer to score, and how well it must do."""

    field: str = Field("response", description="Field holding the answer to check.")
    extract: bool = Field(True, description="Take the final answer stated in a worked "
                          "response ('Answer: ...', '####', \\boxed{}).")
    min_score: float = Field(1.0, ge=0, le=1, description="Lowest score that passes.")
    unverifiable: Literal["reject", "keep"] = Field(
        "reject", description="What to do with records whose family has no verifier.")


@register("step", "verify")
class Verify(Check):
    """Re-score each record's answer with its task family's verifier (executes code and SQL)."""

    Config = VerifyConfig
    cpu_bound: ClassVar[bool] = True

    def __init__(self, config: VerifyConfig, ctx: Context, name: str):
        super().__init__(config, ctx, name)
        self.config: VerifyConfig = config
        self._families: dict[str, Any] = {}

    def _family(self, name: Any) -> Any:
        if name not in self._families:
            found = None
            if isinstance(name, str) and name in registry.names("generator"):
                factory = registry.lookup("generator", name).factory
                found = factory if hasattr(factory, "score") and hasattr(factory, "task") else None
            self._families[name] = found
        return self._families[name]

    def check_batch(self, records: Sequence[Record]) -> list[str | None]:
        """Families whose verifier runs programs (`parallel_score`) are scored on threads:
        each waits on its own sandboxed process."""
        slow = [getattr(self._family(r.meta.get("family")), "parallel_score", False)
                for r in records]
        if sum(slow) < 2:
            return [self.check(r) for r in records]
        verdicts: list[str | None] = [None] * len(records)
        with ThreadPoolExecutor(max_workers=2 * (os.cpu_count() or 1)) as pool:
            futures = {i: pool.submit(self.check, r) for i, r in enumerate(records) if slow[i]}
            for i, record in enumerate(records):
                if not slow[i]:
                    verdicts[i] = self.check(record)
            for i, future in futures.items():
                verdicts[i] = future.result()
        return verdicts

    def check(self, record: Record) -> str | None:
        cfg = self.config
        family = self._family(record.meta.get("family"))
        if family is None:
            if cfg.unverifiable == "keep":
                return None
            return f"unverifiable: no verifier for family {record.meta.get('family')!r}"
        value = get_path(record, cfg.field)
        if not isinstance(value, str):
            return f"missing_field: {cfg.field!r} holds no answer text"
        answer = family.extract(value) if cfg.extract else value
        score = float(family.score(answer, family.task(record.data, record.meta)))
        record.meta.setdefault("scores", {})[self.name] = score
        if score < cfg.min_score:
            return f"wrong_answer: score {score:.2f} < {cfg.min_score:g} for {answer[:80]!r}"
        return None
