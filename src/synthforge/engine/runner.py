"""The local runner: batches of attempts flow through the stages and are committed in order.

Many batches are in flight at once (bounded: backpressure). Stateless stages handle any
batch as soon as it reaches them; a stateful stage takes batches strictly in index order;
commits happen in index order. The data therefore never depends on timing, batch size or
the number of workers, and a run cut anywhere resumes to the same bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import io
import signal
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from synthforge.engine import pool
from synthforge.engine.build import Pipeline, sift
from synthforge.engine.ledger import Ledger, LedgerState
from synthforge.engine.rundir import Journal, RunDir, ShardPosition, ShardWriter
from synthforge.errors import SynthforgeError
from synthforge.record import Record
from synthforge.stage import Failure, Stage, StopRun, Verdict

OUTPUT = "output"
FAIL_FAST_AFTER = 1000


class SystematicFailure(SynthforgeError):
    """Every candidate fails the same way: stop before the whole budget is spent."""
_dumps = orjson.dumps


@dataclass
class BatchResult:
    """One batch after the last stage: accepted rows (serialised) and every reject."""

    start: int
    stop: int
    accepted: list[Record]
    data: bytes
    ends: list[int]
    rejected: list[tuple[Record, int, Verdict]]
    deltas: dict[str, bytes] = field(default_factory=dict)


@dataclass
class Progress:
    """What the runner reports after each commit."""

    accepted: int
    attempted: int
    target: int
    max_attempts: int
    reasons: Counter[str]
    cost: float = 0.0


@dataclass
class Outcome:
    reason: str  # "target", "budget" or "interrupted"
    totals: dict[str, int]


def code_of(verdict: Verdict) -> str:
    """The grouping code of a verdict: the text before the first colon."""
    text = verdict.error if isinstance(verdict, Failure) else str(verdict)
    return text.split(":", 1)[0].strip() or "unknown"


@contextlib.contextmanager
def _relaxed_gc() -> Iterator[None]:
    """Collect cycles between batches, not in the middle of one: batches make many
    short-lived objects and almost no cycles, and what lived before the run needs no scan.
    The runner calls gc.collect after each commit."""
    enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.unfreeze()


def _rejected_line(r: Record, stage: str, verdict: Verdict) -> bytes:
    failed = isinstance(verdict, Failure)
    row = {"id": r.id, "index": r.index, "fate": "failed" if failed else "rejected",
           "stage": stage, "reason": verdict.error if failed else verdict,
           "data": r.data, "meta": r.meta}
    return _dumps(row, default=repr) + b"\n"


class Runner:
    """Runs a pipeline into a run directory, resuming from whatever the ledger committed."""

    def __init__(self, pipeline: Pipeline, rundir: RunDir, *, batch_size: int = 1000,
                 workers: int = 1, max_inflight: int | None = None,
                 on_progress: Callable[[Progress], None] | None = None, fail_fast: bool = True):
        self.p = pipeline
        self.rundir = rundir
        self.batch_size = batch_size
        self.workers = workers
        self.max_inflight = max_inflight or max(4, 2 * workers + 2)
        self.on_progress = on_progress
        self.fail_fast = fail_fast
        self.target = pipeline.recipe.target
        self.max_attempts = pipeline.recipe.max_attempts
        self.names = pipeline.stage_names
        self.stop_requested = 0
        self.stop_message = ""
        self._commits = 0
        self._prefix = self._pool_prefix() if workers > 1 else 0
        self._costly = any(getattr(s, "costs_money", False) for s in pipeline.stages)

    # ---- set-up and resume --------------------------------------------------------------
    def _open(self, state: LedgerState) -> None:
        last = state.last or {}
        path = self.rundir.path
        self.data = ShardWriter(path / "data", ShardPosition.of(last.get("data")))
        self.rejects = ShardWriter(path / "rejected", ShardPosition.of(last.get("rejected_at")))
        offsets = last.get("journals", {})
        self.journals: dict[str, Journal] = {}
        for stage in self.p.stages:
            if stage.stateful:
                journal = Journal(path / "state" / f"{stage.name}.bin", offsets.get(stage.name, 0))
                stage.restore(journal.committed())
                self.journals[stage.name] = journal
        totals = state.totals()
        self.accepted_total = totals["accepted"]
        self.failed_total = totals["failed"]
        self.cost_total = totals["cost"]
        self.p.context.spend.total = self.cost_total
        self.p.context.spend.limit = self.p.recipe.budget.max_cost
        self._first_error: tuple[str, str] | None = None
        self.attempted = totals["attempted"]
        self.reasons: Counter[str] = Counter()
        for row in state.funnel(self.names):
            self.reasons.update({f"{row.stage}: {k}": v for k, v in row.rejected.items()})
            self.reasons.update({f"{row.stage}: {k}": v for k, v in row.failed.items()})

    def _close(self) -> None:
        self.data.close()
        self.rejects.close()
        for journal in self.journals.values():
            journal.close()
        self.ledger.close()

    def run(self) -> Outcome:
        """Run to the target or the budget (or a signal); returns why it stopped."""
        self.ledger = Ledger(self.rundir.ledger_path)
        state = self.ledger.read(repair=True)
        self._open(state)
        executor = pool.start(self.p, self.workers) if self.workers > 1 else None
        try:
            with _relaxed_gc():
                reason = asyncio.run(self._main(executor))
        finally:
            self._close()
            if executor is not None:
                pool.stop(executor)
        return Outcome(reason, {"accepted": self.accepted_total, "attempted": self.attempted,
                                "rejected_or_failed": self.attempted - self.accepted_total})

    # ---- the loop -----------------------------------------------------------------------
    async def _main(self, executor: Any) -> str:
        loop = asyncio.get_running_loop()
        self._executor = executor
        self._cond = asyncio.Condition()
        self._turn = {s.name: self.attempted for s in self.p.stages if s.stateful}
        self._pending: dict[int, asyncio.Task[BatchResult]] = {}
        self._install_signals(loop)
        self._report()
        if self.accepted_total >= self.target:
            return "target"
        self._pending = pending = {}
        finished: dict[int, BatchResult] = {}
        next_start = commit_at = self.attempted
        reason = None
        while reason is None:
            while (not self.stop_requested and len(pending) + len(finished) < self.max_inflight
                   and next_start < self.max_attempts):
                # never more attempts in flight than records still wanted: work past the
                # target (teacher calls above all) would be thrown away
                wanted = self.target - self.accepted_total - (next_start - commit_at)
                if wanted <= 0:
                    break
                stop = min(next_start + min(self.batch_size, wanted), self.max_attempts)
                pending[next_start] = loop.create_task(self._process(next_start, stop))
                next_start = stop
            if not pending:
                break
            await asyncio.wait(pending.values(), return_when=asyncio.FIRST_COMPLETED)
            if self.stop_requested > 1:
                break
            for start in [s for s, t in pending.items() if t.done()]:
                try:
                    finished[start] = pending.pop(start).result()
                except StopRun as exc:
                    reason, self.stop_message = exc.reason, str(exc)
                    break
            while commit_at in finished and reason is None:
                result = finished.pop(commit_at)
                if self._commit(result):
                    reason = "target"
                commit_at = result.stop
        for task in pending.values():
            task.cancel()
        await asyncio.gather(*pending.values(), return_exceptions=True)
        for stage in self.p.stages:
            if hasattr(stage, "aclose"):
                await stage.aclose()
        self._remove_signals(loop)
        if reason:
            return reason
        return "interrupted" if self.stop_requested else "budget"

    def _install_signals(self, loop: asyncio.AbstractEventLoop) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, self._on_signal)
            except (ValueError, RuntimeError, NotImplementedError):  # not the main thread
                pass

    def _remove_signals(self, loop: asyncio.AbstractEventLoop) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.remove_signal_handler(sig)
            except (ValueError, RuntimeError, NotImplementedError):
                pass

    def _on_signal(self) -> None:
        """First signal: finish and commit the batches in flight. Second: stop now."""
        self.stop_requested += 1
        if self.stop_requested > 1:
            for task in self._pending.values():
                task.cancel()

    # ---- one batch ----------------------------------------------------------------------
    async def _process(self, start: int, stop: int) -> BatchResult:
        if self._prefix:
            alive, rejected = await asyncio.get_running_loop().run_in_executor(
                self._executor, pool.run_prefix, start, stop, self._prefix)
        else:
            made, declined = self.p.generate(start, stop)
            alive, rejected = made, [(r, 0, v) for r, v in declined]
        deltas: dict[str, bytes] = {}
        for n, stage in enumerate(self.p.stages[self._prefix:], self._prefix + 1):
            if stage.stateful:
                await self._take_turn(stage.name, start)
            try:
                verdicts = await self._apply(stage, n, alive)
                if stage.stateful:
                    deltas[stage.name] = stage.take_delta()
            except StopRun:
                raise
            except Exception as exc:  # a stage that broke its contract: fail its batch
                verdicts = [Failure.of(exc)] * len(alive)
            finally:
                if stage.stateful:
                    await self._pass_turn(stage.name, stop)
            alive = sift(alive, verdicts, n, rejected)
        return self._finish(start, stop, alive, rejected, deltas)

    async def _apply(self, stage: Stage, n: int, alive: list[Record]) -> list[Verdict]:
        if not alive:
            return []
        if stage.is_async:
            verdicts = await stage.aprocess(alive)
        elif stage.cpu_bound and self._executor is not None and not stage.stateful:
            changed, verdicts = await asyncio.get_running_loop().run_in_executor(
                self._executor, pool.run_stage, n - 1, alive)
            alive[:] = changed
        else:
            verdicts = stage.process(alive)
        if len(verdicts) != len(alive):
            raise RuntimeError(f"stage {stage.name!r} returned {len(verdicts)} verdicts for "
                               f"{len(alive)} records")
        return verdicts

    async def _take_turn(self, name: str, start: int) -> None:
        async with self._cond:
            await self._cond.wait_for(lambda: self._turn[name] == start)

    async def _pass_turn(self, name: str, stop: int) -> None:
        async with self._cond:
            self._turn[name] = stop
            self._cond.notify_all()

    def _finish(self, start: int, stop: int, alive: list[Record],
                rejected: list[tuple[Record, int, Verdict]], deltas: dict[str, bytes]
                ) -> BatchResult:
        """Serialise the accepted rows; a row that cannot be written fails at `output`."""
        buf = io.BytesIO()
        write = buf.write
        ends: list[int] = []
        kept: list[Record] = []
        out_stage = len(self.p.stages) + 1
        dumps = _dumps
        for record in alive:
            try:
                line = dumps({"id": record.id, "index": record.index, "data": record.data,
                              "meta": record.meta})
            except TypeError as exc:
                rejected.append((record, out_stage, Failure(f"not JSON-serialisable: {exc}")))
                continue
            write(line)
            write(b"\n")
            ends.append(buf.tell())
            kept.append(record)
        return BatchResult(start, stop, kept, buf.getvalue(), ends, rejected, deltas)

    # ---- commit -------------------------------------------------------------------------
    def _commit(self, res: BatchResult) -> bool:
        """Write one batch (in index order) and its ledger line; True once the target is met."""
        accepted, ends, data, rejected = res.accepted, res.ends, res.data, res.rejected
        stop = res.stop
        need = self.target - self.accepted_total
        reached = len(accepted) >= need
        if reached:
            cut = accepted[need - 1].index
            accepted, ends = accepted[:need], ends[:need]
            data = data[: ends[-1]]
            rejected = [x for x in rejected if x[0].index <= cut]
            stop = cut + 1
        if len(accepted) + len(rejected) != stop - res.start:
            raise RuntimeError(f"conservation broken in batch {res.start}-{stop}: "
                               f"{len(accepted)} accepted + {len(rejected)} rejected")
        self._write_accepted(data, ends)
        stages = self._write_rejected(rejected)
        for name, delta in res.deltas.items():
            self.journals[name].write(delta)
            self.journals[name].flush()
        self.accepted_total += len(accepted)
        self.attempted = stop
        n_failed = sum(1 for _, _, v in rejected if isinstance(v, Failure))
        self.failed_total += n_failed
        cost = _cost(accepted) + _cost(r for r, _, _ in rejected) if self._costly else 0.0
        self.cost_total += cost
        if n_failed and self._first_error is None:
            _, n, verdict = next(x for x in rejected if isinstance(x[2], Failure))
            self._first_error = (self.names[n] if n < len(self.names) else OUTPUT, verdict.error)
        self.ledger.append({
            "start": res.start, "end": stop, "accepted": len(accepted),
            "rejected": len(rejected) - n_failed, "failed": n_failed, "stages": stages,
            "cost": round(cost, 8),
            "data": self.data.pos.to_list(), "rejected_at": self.rejects.pos.to_list(),
            "journals": {name: j.offset for name, j in self.journals.items()}})
        self._report()
        self._fail_fast()
        self._commits += 1
        gc.collect(0 if self._commits % 64 else 2)  # between batches little is alive to scan
        return reached

    def _fail_fast(self) -> None:
        """Every one of the first attempts failed: a bug or a bad setting, not bad luck."""
        failed = self.failed_total
        if (not self.fail_fast or self.accepted_total or failed < self.attempted
                or self.attempted < min(FAIL_FAST_AFTER, self.max_attempts)):
            return
        stage, error = self._first_error or ("?", "(see the rejected rows)")
        raise SystematicFailure(
            f"the first {self.attempted:,} attempts all failed, at stage {stage!r}, e.g. "
            f"{error}. The failed rows and their errors are in {self.rundir.path / 'rejected'};"
            " fix the cause and run again (the run resumes where it stopped).")

    def _report(self) -> None:
        if self.on_progress:
            self.on_progress(Progress(self.accepted_total, self.attempted, self.target,
                                      self.max_attempts, self.reasons, self.cost_total))

    def _write_accepted(self, data: bytes, ends: list[int]) -> None:
        self.data.write_block(data, ends)
        self.data.flush()

    def _write_rejected(self, rejected: list[tuple[Record, int, Verdict]]) -> dict[str, Any]:
        rejected.sort(key=lambda x: x[0].index)
        stages: dict[str, dict[str, Counter[str]]] = {}
        buf = io.BytesIO()
        ends = []
        for record, n, verdict in rejected:
            name = self.names[n] if n < len(self.names) else OUTPUT
            buf.write(_rejected_line(record, name, verdict))
            ends.append(buf.tell())
            kind = "failed" if isinstance(verdict, Failure) else "rejected"
            code = code_of(verdict)
            stages.setdefault(name, {}).setdefault(kind, Counter())[code] += 1
            self.reasons[f"{name}: {code}"] += 1
        if ends:
            self.rejects.write_block(buf.getvalue(), ends)
            self.rejects.flush()
        return {name: {k: dict(v) for k, v in kinds.items()} for name, kinds in stages.items()}

    def _pool_prefix(self) -> int:
        """How many leading stages run in worker processes together with the source."""
        n = 0
        for stage in self.p.stages:
            if stage.stateful or stage.is_async:
                break
            n += 1
        return n


def _cost(records: Iterable[Record]) -> float:
    """Money the teacher calls behind these records cost (cached answers cost nothing)."""
    total = 0.0
    for record in records:
        for call in (record.meta.get("teacher") or {}).values():
            total += call.get("cost", 0.0)
    return total
