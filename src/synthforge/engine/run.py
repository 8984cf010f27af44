"""synthforge.run(): make a dataset from a recipe in a run directory, resuming if it exists."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from synthforge.engine.build import build_pipeline
from synthforge.engine.finalize import finalize
from synthforge.engine.ledger import Ledger
from synthforge.engine.results import Run
from synthforge.engine.rundir import (
    RunDir,
    check_writable,
    clear,
    next_free,
    recipe_changes,
    versions,
)
from synthforge.engine.runner import Progress, Runner
from synthforge.errors import RunDirError, UserError
from synthforge.recipe import Recipe, load_recipe

Echo = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def run(recipe: Recipe | str | os.PathLike[str] | dict[str, Any],
        out: str | os.PathLike[str] | None = None, *, new: bool = False,
        overwrite: bool = False, workers: int | None = None, batch_size: int | None = None,
        cache: str = "use", on_progress: Callable[[Progress], None] | None = None,
        echo: Echo = _quiet) -> Run:
    """Make the dataset a recipe declares; returns the Run.

    `out` defaults to `runs/<recipe name>`. A run directory made by the same recipe is
    resumed (a finished one is left as it is); one made by a different recipe is refused
    unless `new` (use the next free `out-N`) or `overwrite` (delete it first). `cache` is
    what teacher steps do with their answer cache: "use", "refresh" or "off".
    """
    if cache not in ("use", "refresh", "off"):
        raise UserError(f"cache must be use, refresh or off, not {cache!r}")
    base_dir = _base_dir(recipe)
    recipe = load_recipe(recipe)
    path = Path(out) if out is not None else Path("runs") / recipe.name
    if new:
        path = next_free(path)
    elif overwrite and path.exists():
        clear(path)
    created = not path.exists()
    check_writable(path)
    rundir = RunDir(path)
    _refuse_foreign(rundir)
    rundir.acquire()
    try:
        return _run_locked(recipe, rundir, base_dir, workers, batch_size, cache, on_progress,
                           echo)
    finally:
        rundir.release()
        if created:
            _remove_if_untouched(path)


def _remove_if_untouched(path: Path) -> None:
    """Remove a run directory this call created when it failed before writing anything."""
    try:
        if {p.name for p in path.iterdir()} <= {".lock"}:
            shutil.rmtree(path, ignore_errors=True)
    except OSError:
        pass


def _base_dir(recipe: Any) -> Path:
    if isinstance(recipe, str | os.PathLike) and Path(recipe).is_file():
        return Path(recipe).resolve().parent
    return Path.cwd()


def _run_locked(recipe: Recipe, rundir: RunDir, base_dir: Path, workers: int | None,
                batch_size: int | None, cache: str,
                on_progress: Callable[[Progress], None] | None, echo: Echo) -> Run:
    _check_same_recipe(recipe, rundir, echo)
    ledger = Ledger(rundir.ledger_path)
    state = ledger.read(repair=True)
    if state.done is not None:
        if not _can_continue(recipe, state.done, state.attempted):
            return _already_done(recipe, rundir, base_dir, echo)
        ledger.undo_done()
        echo(f"continuing {rundir.path}: the raised budget allows more")
    elif state.commits:
        echo(f"resuming {rundir.path} at attempt {state.attempted:,} "
             f"({state.totals()['accepted']:,} accepted so far)")
    pipeline = build_pipeline(recipe, base_dir=base_dir, cache_mode=cache)
    rundir.write_lock(recipe, base_dir, pipeline.stage_names)
    settings = recipe.run
    n_workers = workers if workers is not None else settings.workers
    n_workers = n_workers or (os.cpu_count() or 1)
    runner = Runner(pipeline, rundir, batch_size=batch_size or settings.batch_size,
                    workers=n_workers, max_inflight=settings.max_inflight,
                    on_progress=on_progress, fail_fast=settings.fail_fast)
    outcome = runner.run()
    if outcome.reason == "interrupted":
        return Run(rundir.path)
    finalize(Run(rundir.path), recipe, outcome.reason)
    ledger.append({"done": outcome.reason, **Ledger(rundir.ledger_path).read().totals(),
                   "at": datetime.now(UTC).isoformat(timespec="seconds")})
    ledger.close()
    return Run(rundir.path)


def _refuse_foreign(rundir: RunDir) -> None:
    """Never write into a folder that holds something else than a synthforge run."""
    if rundir.exists():
        return
    stray = [p.name for p in rundir.path.iterdir() if p.name != ".lock"]
    if stray:
        raise RunDirError(f"{rundir.path}: not a synthforge run directory but not empty "
                          f"({', '.join(sorted(stray)[:5])}); choose another --out")


def _check_same_recipe(recipe: Recipe, rundir: RunDir, echo: Echo) -> None:
    if not rundir.exists():
        return
    lock = rundir.read_lock()
    if lock.get("fingerprint") != recipe.fingerprint():
        changed = recipe_changes(lock.get("recipe") or {}, recipe.to_dict())
        what = ", ".join(changed[:6]) or "files the recipe reads"
        raise RunDirError(
            f"{rundir.path} was made by a different recipe (changed: {what}). Resuming would "
            "mix two datasets. Use --new for a fresh run directory beside it, --overwrite to "
            "replace it, or --out to choose another.")
    old = lock.get("versions") or {}
    now = versions()
    drift = [f"{k} {old[k]} -> {now[k]}" for k in now if k in old and old[k] != now[k]]
    if drift:
        echo(f"warning: versions changed since this run started ({'; '.join(drift)}); "
             "resumed data may differ from an uninterrupted run")


def _can_continue(recipe: Recipe, done: dict[str, Any], attempted: int) -> bool:
    """A run stopped by a budget goes on when the budget has been raised."""
    if done.get("done") == "budget":
        return recipe.max_attempts > attempted
    if done.get("done") == "cost":
        limit = recipe.budget.max_cost
        return limit is None or limit > done.get("cost", 0.0)
    return False


OUTPUT_KEYS = ("name", "description", "format", "exports", "splits", "license")


def _already_done(recipe: Recipe, rundir: RunDir, base_dir: Path, echo: Echo) -> Run:
    """A finished run is not redone; changed output settings are applied to its exports."""
    lock = rundir.read_lock()
    result = Run(rundir.path)
    old, new = lock.get("recipe") or {}, recipe.to_dict()
    if old != new:
        rundir.write_lock(recipe, base_dir, lock.get("stages") or result.stage_names())
    if any(old.get(k) != new.get(k) for k in OUTPUT_KEYS):
        echo(f"{rundir.path} is complete; writing its exports again for the changed settings")
        finalize(result, recipe, result.stop_reason)
    else:
        echo(f"{rundir.path} is already complete ({result.stop_reason}); nothing to do")
    return result
