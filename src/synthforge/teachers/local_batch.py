"""Batching for in-process models: requests that arrive together are generated together.

A `Batcher` collects the items submitted concurrently on an event loop and hands them to a
blocking function in a worker thread, up to `batch_size` at a time, as soon as a batch is
full or `max_wait` seconds after its oldest item arrived. While one batch runs, the next
one fills, so the model is never idle while work waits, and the event loop stays free.

An `Engine` (a loaded model) is shared by every teacher of the same model in the process
and runs its batches one at a time on its own thread; the last teacher to close it frees it.
"""

from __future__ import annotations

import asyncio
import gc
import threading
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Engine:
    """A model loaded on first use; `run` generates one batch (called on the worker thread)."""

    def __init__(self) -> None:
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="synthforge-model")
        self.batches = 0  # batches generated
        self._loaded = False
        self._error: Exception | None = None  # a failed load fails every later use the same way
        self._lock = threading.Lock()

    def ensure_loaded(self) -> None:
        with self._lock:
            if self._error is not None:
                raise self._error
            if not self._loaded:
                try:
                    self.load()
                except Exception as exc:
                    self._error = exc
                    raise
                self._loaded = True

    def load(self) -> None:
        raise NotImplementedError

    def generate(self, items: Sequence[Any]) -> list[Any]:
        raise NotImplementedError

    def run(self, items: Sequence[Any]) -> list[Any]:
        """Load if needed, then generate; a result may be an exception (for its item only)."""
        self.ensure_loaded()
        self.batches += 1
        return self.generate(items)

    def unload(self) -> None:
        """Drop the model (subclasses free accelerator memory too)."""
        self.executor.shutdown(wait=False, cancel_futures=True)
        gc.collect()


_engines: dict[Hashable, tuple[Engine, int]] = {}
_engines_lock = threading.Lock()


def acquire(key: Hashable, make: Callable[[], Engine]) -> Engine:
    """The engine for `key`, made on first request; each acquire needs one `release`."""
    with _engines_lock:
        engine, users = _engines.get(key) or (make(), 0)
        _engines[key] = (engine, users + 1)
        return engine


def release(key: Hashable) -> None:
    """One user fewer; the last one unloads the engine."""
    with _engines_lock:
        engine, users = _engines.pop(key, (None, 0))
        if engine is None:
            return
        if users > 1:
            _engines[key] = (engine, users - 1)
            return
    engine.unload()


@dataclass(slots=True)
class _Job(Generic[T, R]):
    item: T
    future: asyncio.Future[R]
    arrived: float


@dataclass(slots=True)
class _LoopState:
    loop: asyncio.AbstractEventLoop
    queue: list[_Job[Any, Any]] = field(default_factory=list)
    more: asyncio.Event = field(default_factory=asyncio.Event)
    worker: asyncio.Task[None] | None = None


class Batcher(Generic[T, R]):
    """Runs `fn(items) -> results` (same length, same order) on batches of submitted items.

    A result that is an exception is raised to its own submitter only; an exception raised
    by `fn` goes to every submitter of that batch.
    """

    def __init__(self, fn: Callable[[list[T]], list[R | BaseException]], *,
                 executor: ThreadPoolExecutor, batch_size: int = 16, max_wait: float = 0.02):
        self.fn = fn
        self.executor = executor
        self.batch_size = batch_size
        self.max_wait = max_wait
        self._state: _LoopState | None = None

    def _current(self) -> _LoopState:
        loop = asyncio.get_running_loop()
        if self._state is None or self._state.loop is not loop:  # a new loop: start afresh
            self._state = _LoopState(loop)
        return self._state

    async def submit(self, item: T) -> R:
        state = self._current()
        job: _Job[T, R] = _Job(item, state.loop.create_future(), state.loop.time())
        state.queue.append(job)
        state.more.set()
        if state.worker is None or state.worker.done():
            state.worker = state.loop.create_task(self._work(state))
        return await job.future

    async def _work(self, state: _LoopState) -> None:
        while state.queue:
            await self._fill(state)
            jobs = [j for j in state.queue[: self.batch_size] if not j.future.done()]
            del state.queue[: self.batch_size]
            if jobs:
                await self._run(state.loop, jobs)

    async def _fill(self, state: _LoopState) -> None:
        """Wait until a batch is full or its oldest item has waited `max_wait`."""
        deadline = state.queue[0].arrived + self.max_wait
        while len(state.queue) < self.batch_size:
            left = deadline - state.loop.time()
            if left <= 0:
                return
            state.more.clear()
            try:
                await asyncio.wait_for(state.more.wait(), left)
            except TimeoutError:
                return

    async def _run(self, loop: asyncio.AbstractEventLoop, jobs: list[_Job[T, R]]) -> None:
        try:
            results = await loop.run_in_executor(self.executor, self.fn, [j.item for j in jobs])
            if len(results) != len(jobs):
                raise RuntimeError(f"{len(results)} results for a batch of {len(jobs)}")
        except Exception as exc:
            results = [exc] * len(jobs)
        for job, result in zip(jobs, results, strict=True):
            if job.future.done():  # its submitter was cancelled meanwhile
                continue
            if isinstance(result, BaseException):
                job.future.set_exception(result)
            else:
                job.future.set_result(result)
