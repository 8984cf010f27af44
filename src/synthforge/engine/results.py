"""Run: a finished (or partial) run directory, read back: counts, funnel, records."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from synthforge.engine.build import SOURCE
from synthforge.engine.ledger import Ledger, LedgerState, StageFunnel
from synthforge.engine.rundir import LOCK_FILE, RunDir, ShardPosition
from synthforge.errors import RunDirError
from synthforge.recipe import Recipe
from synthforge.record import Record

if TYPE_CHECKING:
    import pandas
    import pyarrow


class Run:
    """A run directory: what a run made, how, and what became of every candidate."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if not (self.path / LOCK_FILE).is_file():
            raise RunDirError(f"{self.path}: not a synthforge run directory (no {LOCK_FILE})")
        self._dir = RunDir(self.path)

    def __repr__(self) -> str:
        c = self.counts
        return (f"Run({str(self.path)!r}, accepted={c['accepted']}, attempted={c['attempted']}, "
                f"stop={self.stop_reason!r})")

    # ---- what the run is ----------------------------------------------------------------
    @property
    def lock(self) -> dict[str, Any]:
        return self._dir.read_lock()

    @property
    def recipe(self) -> Recipe:
        return self._dir.recipe()

    @property
    def fingerprint(self) -> str:
        return self.lock["fingerprint"]

    def ledger(self) -> LedgerState:
        return Ledger(self._dir.ledger_path).read()

    @property
    def counts(self) -> dict[str, int]:
        """accepted, rejected, failed and attempted (accepted + rejected + failed)."""
        return self.ledger().totals()

    @property
    def stop_reason(self) -> str | None:
        """Why the run ended ("target", "budget"), or None while it is not finished."""
        done = self.ledger().done
        return done["done"] if done else None

    @property
    def done(self) -> bool:
        return self.stop_reason is not None

    def stage_names(self) -> list[str]:
        return list(self.lock.get("stages") or [SOURCE, *self.recipe.step_names()])

    def funnel(self) -> list[StageFunnel]:
        """Per stage: records in, kept, rejected by reason, failed by error."""
        return self.ledger().funnel(self.stage_names())

    @property
    def report(self) -> dict[str, Any]:
        path = self.path / "report.json"
        return orjson.loads(path.read_bytes()) if path.exists() else {}

    # ---- the rows -----------------------------------------------------------------------
    def records(self) -> Iterator[Record]:
        """Accepted records in index order (only what the ledger committed)."""
        for row in self._rows("data", "data"):
            yield Record.from_dict(row)

    def rejected(self) -> Iterator[dict[str, Any]]:
        """Rejected and failed rows: id, index, fate, stage, reason, data, meta."""
        yield from self._rows("rejected", "rejected_at")

    def _rows(self, folder: str, key: str) -> Iterator[dict[str, Any]]:
        last = self.ledger().last
        if last is None:
            return
        end = ShardPosition.of(last.get(key))
        for shard in range(end.shard + 1):
            path = self.path / folder / f"shard-{shard:05d}.jsonl"
            if not path.exists():
                continue
            limit = end.offset if shard == end.shard else None
            with open(path, "rb") as f:
                data = f.read(limit) if limit is not None else f.read()
            for line in data.splitlines():
                if line:
                    yield orjson.loads(line)

    def to_arrow(self) -> pyarrow.Table:
        """Accepted records as a pyarrow Table (columns id, index, data, meta).

        Types are unified across rows (a field that is an int in one record and text in
        another becomes a JSON text column rather than an error)."""
        from synthforge.export.writers import infer_schema, to_table

        rows = [r.to_dict() for r in self.records()]
        return to_table(rows, infer_schema(rows))

    def to_pandas(self) -> pandas.DataFrame:
        """Accepted records as a pandas DataFrame: id, index, then one column per data field."""
        try:
            import pandas as pd
        except ImportError as exc:
            raise ImportError("to_pandas needs pandas: pip install 'synthforge[pandas]'") from exc
        rows = [{"id": r.id, "index": r.index, **r.data, "meta": r.meta} for r in self.records()]
        return pd.DataFrame(rows)
