"""Export: format accepted records, split them and write one file per split, all or nothing.

Two passes over the records. The first formats every record, collects its split key (the
normalised prompt side, so exact duplicates share a split) and, for Parquet, one schema for
all rows. The second formats again and writes each row to its split's file. New files replace
the old ones only once all are written; stale files of an earlier export go last.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from synthforge.curate.normalize import text_key
from synthforge.export.formats import Format, FormatError, FormatSpec, get_format
from synthforge.export.splits import SplitPlan, assign_splits
from synthforge.export.writers import WRITERS, RowWriter, SchemaBuilder, open_writer
from synthforge.record import Record

MAX_EXAMPLES = 20
DATA_SUFFIXES = frozenset(w.suffix for w in WRITERS.values())
CHANGED = "the records changed between the two export passes"


@dataclass
class ExportResult:
    """What an export wrote. `counts` has every split (0 if empty); `files` the non-empty."""

    format: str
    writer: str
    directory: Path
    files: dict[str, Path]
    counts: dict[str, int]
    skipped: int = 0
    skipped_examples: list[tuple[str, str]] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


@dataclass
class _Scan:
    keys: np.ndarray
    skipped: int
    examples: list[tuple[str, str]]
    schema: pa.Schema | None


def export_records(records: Callable[[], Iterable[Record]], spec: FormatSpec, writer: str,
                   out_dir: Path, shares: dict[str, float], seed: int) -> ExportResult:
    """Write `records` (a factory, called once per pass) as `<out_dir>/<split>.<writer>`.

    Records the format cannot take are skipped and counted. A split with no rows gets no file
    (a data loader cannot read an empty one). Other `.jsonl` and `.parquet` files in `out_dir`
    are removed: the folder belongs to this export.
    """
    if writer not in WRITERS:
        raise ValueError(f"unknown writer {writer!r}; known: {', '.join(WRITERS)}")
    fmt = get_format(spec)
    scan = _scan(records, fmt, with_schema=writer == "parquet")
    plan = assign_splits(scan.keys, shares, seed)
    counts = plan.counts()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    suffix = WRITERS[writer].suffix
    files = {name: out_dir / f"{name}{suffix}" for name, n in counts.items() if n}
    _write(records, fmt, plan, files, writer, scan.schema)
    _remove_stale(out_dir, set(files.values()))
    return ExportResult(spec.type, writer, out_dir, files, counts, scan.skipped, scan.examples)


def _scan(records: Callable[[], Iterable[Record]], fmt: Format, *, with_schema: bool) -> _Scan:
    """Pass 1: the split key of every row, the skipped records, and the Parquet schema."""
    keys = array("Q")
    skipped, examples = 0, []
    schema = SchemaBuilder() if with_schema else None
    for record in records():
        try:
            row = fmt.row(record)
            key = text_key(fmt.key(row))
        except FormatError as exc:
            skipped += 1
            if len(examples) < MAX_EXAMPLES:
                examples.append((record.id, str(exc)))
            continue
        keys.append(key)
        if schema is not None:
            schema.add(row)
    return _Scan(np.frombuffer(keys, dtype=np.uint64), skipped, examples,
                 schema.schema() if schema is not None else None)


def _write(records: Callable[[], Iterable[Record]], fmt: Format, plan: SplitPlan,
           files: dict[str, Path], kind: str, schema: pa.Schema | None) -> None:
    """Pass 2: each row to its split's file; every file is committed, or none."""
    writers: dict[str, RowWriter] = {}
    try:
        for name, path in files.items():
            writers[name] = open_writer(kind, path, schema)
        targets = {i: writers[name] for i, name in enumerate(plan.names) if name in writers}
        codes = iter(plan.codes.tolist())
        for record in records():
            try:
                row = fmt.row(record)
            except FormatError:
                continue
            code = next(codes, None)
            if code is None:
                raise RuntimeError(CHANGED)
            targets[code].write(row)
        if next(codes, None) is not None:
            raise RuntimeError(CHANGED)
        for w in writers.values():
            w.finish()
        for w in writers.values():
            w.commit()
    except BaseException:
        for w in writers.values():
            w.abort()
        raise


def _remove_stale(out_dir: Path, keep: set[Path]) -> None:
    """Remove data files of an earlier export that this one did not write again."""
    for path in out_dir.iterdir():
        if path.suffix in DATA_SUFFIXES and path not in keep and path.is_file():
            path.unlink()
