"""The ledger: one line per committed batch, saying what became of every candidate.

Accepted rows live in `data/`, rejected and failed rows (with stage and reason) in
`rejected/`; each ledger line counts them by stage and reason and records where the
files ended after the batch, so a resumed run can cut away anything written after it.
A final line marks the run done and why it stopped.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import orjson


@dataclass
class StageFunnel:
    """What one stage did: records in, kept, rejected by reason code, failed."""

    stage: str
    into: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)

    @property
    def kept(self) -> int:
        return self.into - sum(self.rejected.values()) - sum(self.failed.values())

    def to_dict(self) -> dict[str, Any]:
        return {"stage": self.stage, "in": self.into, "kept": self.kept,
                "rejected": sum(self.rejected.values()), "failed": sum(self.failed.values()),
                "reasons": dict(self.rejected.most_common()),
                "errors": dict(self.failed.most_common())}


@dataclass
class LedgerState:
    """Everything the ledger says: committed batches and whether the run is done."""

    commits: list[dict[str, Any]]
    done: dict[str, Any] | None

    @property
    def last(self) -> dict[str, Any] | None:
        return self.commits[-1] if self.commits else None

    @property
    def attempted(self) -> int:
        return self.commits[-1]["end"] if self.commits else 0

    def totals(self) -> dict[str, Any]:
        acc = sum(c["accepted"] for c in self.commits)
        rej = sum(c["rejected"] for c in self.commits)
        fail = sum(c["failed"] for c in self.commits)
        cost = round(sum(c.get("cost", 0.0) for c in self.commits), 8)
        return {"accepted": acc, "rejected": rej, "failed": fail, "attempted": self.attempted,
                "cost": cost}

    def funnel(self, stage_names: list[str]) -> list[StageFunnel]:
        rows = [StageFunnel(name) for name in stage_names]
        by_name = {r.stage: r for r in rows}
        attempted = 0
        for c in self.commits:
            attempted += c["end"] - c["start"]
            for name, counts in c["stages"].items():
                row = by_name.get(name) or by_name.setdefault(name, StageFunnel(name))
                if row not in rows:
                    rows.append(row)
                row.rejected.update(counts.get("rejected", {}))
                row.failed.update(counts.get("failed", {}))
        into = attempted
        for row in rows:
            row.into = into
            into = row.kept
        return rows


class Ledger:
    """Append-only JSON lines, robust to a torn last line."""

    def __init__(self, path: Path):
        self.path = path
        self._file: BinaryIO | None = None

    def read(self, *, repair: bool = False) -> LedgerState:
        """Parse the ledger; with repair, cut a torn or unparsable tail off the file."""
        if not self.path.exists():
            return LedgerState([], None)
        raw = self.path.read_bytes()
        commits: list[dict[str, Any]] = []
        done = None
        good = 0
        for line in raw.splitlines(keepends=True):
            if not line.endswith(b"\n"):
                break
            try:
                entry = orjson.loads(line)
            except orjson.JSONDecodeError:
                break
            good += len(line)
            if "done" in entry:
                done = entry
            else:
                commits.append(entry)
                done = None
        if repair and good < len(raw):
            with open(self.path, "r+b") as f:
                f.truncate(good)
        return LedgerState(commits, done)

    def append(self, entry: dict[str, Any]) -> None:
        """Write one line and hand it to the OS (survives the process being killed)."""
        if self._file is None:
            self._file = open(self.path, "ab")  # noqa: SIM115 - held open for the run
        self._file.write(orjson.dumps(entry) + b"\n")
        self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def undo_done(self) -> None:
        """Drop a final `done` line so that the run can go on (a larger budget)."""
        self.close()
        raw = self.path.read_bytes()
        lines = raw.splitlines(keepends=True)
        if lines and b'"done"' in lines[-1]:
            with open(self.path, "r+b") as f:
                f.truncate(len(raw) - len(lines[-1]))
