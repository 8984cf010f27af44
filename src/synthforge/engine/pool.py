"""Worker processes for CPU-heavy work: the source and the stateless stages after it.

Workers are forked with the pipeline already built (no pickling of stages); where fork is
not available they rebuild it from the recipe. Workers ignore SIGINT: the parent decides
how to stop.
"""

from __future__ import annotations

import multiprocessing as mp
import signal
from concurrent.futures import ProcessPoolExecutor

from synthforge.engine.build import Pipeline, build_pipeline, sift
from synthforge.record import Record
from synthforge.stage import Verdict

_pipeline: Pipeline | None = None


def _init(recipe_dict: dict | None, base_dir: str | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _pipeline
    if _pipeline is None and recipe_dict is not None:
        from synthforge.recipe import load_recipe

        _pipeline = build_pipeline(load_recipe(recipe_dict, base_dir=base_dir), base_dir=base_dir)


def _ready() -> bool:
    return _pipeline is not None


def start(pipeline: Pipeline, workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` processes holding the pipeline, started before any thread."""
    global _pipeline
    methods = mp.get_all_start_methods()
    if "fork" in methods:
        _pipeline = pipeline
        ctx = mp.get_context("fork")
        args: tuple = (None, None)
    else:
        ctx = mp.get_context("spawn")
        args = (pipeline.recipe.to_dict(), str(pipeline.context.base_dir))
    executor = ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init, initargs=args)
    for future in [executor.submit(_ready) for _ in range(workers)]:
        future.result()
    return executor


def stop(executor: ProcessPoolExecutor) -> None:
    executor.shutdown(wait=True, cancel_futures=True)


def run_prefix(start: int, stop: int, n: int
               ) -> tuple[list[Record], list[tuple[Record, int, Verdict]]]:
    """Make attempts [start, stop) and run the first n stages on them."""
    assert _pipeline is not None
    made, declined = _pipeline.generate(start, stop)
    rejected: list[tuple[Record, int, Verdict]] = [(r, 0, v) for r, v in declined]
    alive = made
    for i, stage in enumerate(_pipeline.stages[:n], 1):
        alive = sift(alive, stage.process(alive) if alive else [], i, rejected)
    return alive, rejected


def run_stage(index: int, records: list[Record]) -> tuple[list[Record], list[Verdict]]:
    """Run stage `index` (0-based) on records; returns them (maps may change them) and verdicts."""
    assert _pipeline is not None
    verdicts = _pipeline.stages[index].process(records)
    return records, verdicts
