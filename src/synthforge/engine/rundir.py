"""The run directory: its layout, its lock, and the append-only files a run writes.

    recipe.lock.yaml   the resolved recipe, its fingerprint, versions
    ledger.jsonl       one line per committed batch (see ledger.py)
    data/              accepted records, index order, shard-NNNNN.jsonl
    rejected/          rejected and failed records with stage and reason
    state/             journals of stateful steps (dedup keys, quota counts)
    dataset/           the exported dataset (per the recipe's exports)
    report.json, report.html, README.md (dataset card)
"""

from __future__ import annotations

import fcntl
import platform
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from synthforge.atomic import remove_stale_temps, write_atomic
from synthforge.errors import RunDirError, UserError
from synthforge.recipe import FINGERPRINTED, Recipe, load_recipe

LOCK_FILE = "recipe.lock.yaml"
LEDGER_FILE = "ledger.jsonl"
SHARD_ROWS = 100_000
_VERSIONED = ("synthforge", "pydantic", "jinja2", "faker", "orjson", "numpy", "pyarrow")


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in _VERSIONED:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return out


@dataclass
class ShardPosition:
    """Where an append-only set of shards ends: shard number, byte offset, rows in it."""

    shard: int = 0
    offset: int = 0
    rows: int = 0

    def to_list(self) -> list[int]:
        return [self.shard, self.offset, self.rows]

    @classmethod
    def of(cls, value: list[int] | None) -> ShardPosition:
        return cls(*value) if value else cls()


class ShardWriter:
    """Appends JSON lines to numbered shards, rolling over every `rows_per_shard` rows."""

    def __init__(self, folder: Path, position: ShardPosition, rows_per_shard: int = SHARD_ROWS):
        self.folder = folder
        self.rows_per_shard = rows_per_shard
        folder.mkdir(parents=True, exist_ok=True)
        self._cut_to(position)
        self.pos = position
        self._file = self._open(position.shard)

    def _path(self, shard: int) -> Path:
        return self.folder / f"shard-{shard:05d}.jsonl"

    def _cut_to(self, pos: ShardPosition) -> None:
        """Remove anything written after `pos` (by a run that was killed)."""
        for path in self.folder.glob("shard-*.jsonl"):
            if int(path.stem.split("-")[1]) > pos.shard:
                path.unlink()
        path = self._path(pos.shard)
        if path.exists() and path.stat().st_size != pos.offset:
            with open(path, "r+b") as f:
                f.truncate(pos.offset)

    def _open(self, shard: int) -> BinaryIO:
        return open(self._path(shard), "ab")

    def write_block(self, data: bytes, ends: list[int]) -> None:
        """Append rows given as one block of JSON lines and the end offset of each row."""
        done_rows, done_bytes = 0, 0
        while done_rows < len(ends):
            room = self.rows_per_shard - self.pos.rows
            if room <= 0:
                self._file.close()
                self.pos = ShardPosition(self.pos.shard + 1, 0, 0)
                self._file = self._open(self.pos.shard)
                continue
            take = min(room, len(ends) - done_rows)
            upto = ends[done_rows + take - 1]
            self._file.write(data[done_bytes:upto])
            self.pos = ShardPosition(self.pos.shard, self.pos.offset + upto - done_bytes,
                                     self.pos.rows + take)
            done_rows, done_bytes = done_rows + take, upto

    def flush(self) -> None:
        self._file.flush()

    def close(self) -> None:
        self._file.close()


class Journal:
    """An append-only byte file for one stateful step; its committed length is in the ledger."""

    def __init__(self, path: Path, offset: int):
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size != offset:
            with open(path, "r+b") as f:
                f.truncate(offset)
        self.path = path
        self.offset = offset
        self._file = open(path, "ab")  # noqa: SIM115 - held open while writing

    def committed(self) -> bytes:
        return self.path.read_bytes()[: self.offset] if self.offset else b""

    def write(self, data: bytes) -> None:
        if data:
            self._file.write(data)
            self.offset += len(data)

    def flush(self) -> None:
        self._file.flush()

    def close(self) -> None:
        self._file.close()


@dataclass
class RunDir:
    """A run directory and the exclusive lock held on it while a run writes there."""

    path: Path
    _lock: BinaryIO | None = field(default=None, repr=False)

    @property
    def lock_path(self) -> Path:
        return self.path / LOCK_FILE

    @property
    def ledger_path(self) -> Path:
        return self.path / LEDGER_FILE

    def exists(self) -> bool:
        return self.lock_path.is_file()

    def read_lock(self) -> dict[str, Any]:
        try:
            return yaml.safe_load(self.lock_path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise RunDirError(f"{self.lock_path}: cannot read the run's lock file: {exc}") from exc

    def recipe(self) -> Recipe:
        lock = self.read_lock()
        return load_recipe(lock["recipe"], base_dir=lock.get("base_dir"))

    def write_lock(self, recipe: Recipe, base_dir: Path, stages: list[str]) -> None:
        lock = {"synthforge": versions().get("synthforge"), "fingerprint": recipe.fingerprint(),
                "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "base_dir": str(base_dir), "stages": stages, "versions": versions(),
                "recipe": recipe.to_dict()}
        if self.exists():
            lock["created"] = self.read_lock().get("created", lock["created"])
        write_atomic(self.lock_path, yaml.safe_dump(lock, sort_keys=False,
                                                    allow_unicode=True).encode())

    def acquire(self) -> None:
        """Take the directory's lock, or fail if another run is writing there."""
        self.path.mkdir(parents=True, exist_ok=True)
        handle = open(self.path / ".lock", "ab")  # noqa: SIM115 - held for the run
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise RunDirError(f"{self.path}: another synthforge run is writing here; wait for it "
                              "or choose another --out") from None
        self._lock = handle
        remove_stale_temps(self.path)  # only a killed run of this directory leaves them

    def release(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None


def check_writable(path: Path) -> None:
    """Fail early, with exit code 2, if the run directory cannot be created or written."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise RunDirError(f"{path}: cannot write the run directory here ({exc.strerror or exc}); "
                          "choose another --out or fix its permissions") from exc


def recipe_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Dotted paths of the fingerprinted parts that differ between two recipe dicts."""
    out: list[str] = []

    def walk(a: Any, b: Any, path: str) -> None:
        if isinstance(a, dict) and isinstance(b, dict):
            for key in sorted(set(a) | set(b), key=str):
                walk(a.get(key), b.get(key), f"{path}.{key}" if path else str(key))
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                walk(x, y, f"{path}[{i}]")
        elif a != b:
            out.append(path)

    walk({k: old.get(k) for k in FINGERPRINTED}, {k: new.get(k) for k in FINGERPRINTED}, "")
    return out


def next_free(path: Path) -> Path:
    """`path`, or `path-2`, `path-3`, ... whichever does not hold a run yet."""
    candidate, n = path, 2
    while (candidate / LOCK_FILE).exists():
        candidate, n = path.with_name(f"{path.name}-{n}"), n + 1
    return candidate


def clear(path: Path) -> None:
    """Delete a run directory's contents (only if it is a synthforge run directory)."""
    if not (path / LOCK_FILE).exists() and any(path.iterdir()):
        raise UserError(f"{path}: not a synthforge run directory; refusing to delete it")
    shutil.rmtree(path)
