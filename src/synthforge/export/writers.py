"""Row writers: JSON Lines and Parquet files that appear whole or not at all.

A writer writes to a hidden temporary file next to its `path`; `close()` moves the finished
file onto `path` with `os.replace`, `abort()` removes it. To commit several files together,
`finish()` them all first, then `commit()` each (a rename that cannot half-happen).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, ClassVar

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from synthforge.atomic import temp_path

JSON_COLUMN = b"synthforge.encoding"
"""Field metadata key marking a Parquet column of JSON text (value: b"json")."""

CHUNK_ROWS = 10_000
_ARROW_ERRORS = (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError)


class RowWriter:
    """Writes dict rows to `path`, atomically. Use as a context manager or call `close()`."""

    suffix: ClassVar[str] = ""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.temp = temp_path(self.path)
        self.rows = 0
        self._file: BinaryIO = open(self.temp, "xb", buffering=1 << 20)  # noqa: SIM115
        self._finished = False
        self._done = False

    def write(self, row: dict[str, Any]) -> None:
        """Add one row."""
        if self._finished:
            raise ValueError(f"writer for {self.path} is closed")
        self._write(row)
        self.rows += 1

    def finish(self) -> None:
        """Flush everything to the temporary file and close it; `path` is not touched yet."""
        if self._finished:
            return
        self._finish()
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        self._finished = True

    def commit(self) -> None:
        """Finish, then move the file onto `path`."""
        if self._done:
            raise ValueError(f"writer for {self.path} is already closed or aborted")
        self.finish()
        os.replace(self.temp, self.path)
        self._done = True

    def close(self) -> None:
        """Finish and commit: the whole file appears at `path`."""
        if not self._done:
            self.commit()

    def abort(self) -> None:
        """Drop everything written; `path` is left as it was."""
        self._finished = self._done = True
        self._file.close()
        self.temp.unlink(missing_ok=True)

    def __enter__(self) -> RowWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    def _write(self, row: dict[str, Any]) -> None:
        raise NotImplementedError

    def _finish(self) -> None:
        """Write whatever is still buffered (before the file is synced and closed)."""


class JsonlWriter(RowWriter):
    """JSON Lines: one UTF-8 JSON object per line, each line newline-terminated."""

    suffix = ".jsonl"
    _options = orjson.OPT_APPEND_NEWLINE | orjson.OPT_NON_STR_KEYS

    def _write(self, row: dict[str, Any]) -> None:
        self._file.write(orjson.dumps(row, option=self._options))


class ParquetRowWriter(RowWriter):
    """Parquet, one row group per `chunk_rows` rows.

    The schema is `schema` if given (see `SchemaBuilder` to make one for many rows), else the
    one inferred from the first chunk, which later rows must fit. Columns marked with
    `JSON_COLUMN` metadata are written as JSON text.
    """

    suffix = ".parquet"

    def __init__(self, path: Path, schema: pa.Schema | None = None,
                 chunk_rows: int = CHUNK_ROWS):
        super().__init__(path)
        self.schema = schema
        self.chunk_rows = chunk_rows
        self._buffer: list[dict[str, Any]] = []
        self._writer: pq.ParquetWriter | None = None

    def _write(self, row: dict[str, Any]) -> None:
        self._buffer.append(row)
        if len(self._buffer) >= self.chunk_rows:
            self._flush()

    def _finish(self) -> None:
        self._flush()
        if self._writer is None:
            self._writer = pq.ParquetWriter(self._file, self.schema or pa.schema([]))
        self._writer.close()

    def abort(self) -> None:
        if self._writer is not None:
            try:
                self._writer.close()
            except Exception:  # the file is dropped anyway
                pass
        super().abort()

    def _flush(self) -> None:
        if not self._buffer:
            return
        if self.schema is None:
            self.schema = infer_schema(self._buffer)
        table = to_table(self._buffer, self.schema)
        if self._writer is None:
            self._writer = pq.ParquetWriter(self._file, self.schema)
        self._writer.write_table(table, row_group_size=len(self._buffer))
        self._buffer = []


WRITERS: dict[str, type[RowWriter]] = {"jsonl": JsonlWriter, "parquet": ParquetRowWriter}


def open_writer(kind: str, path: Path, schema: pa.Schema | None = None) -> RowWriter:
    """A writer of `kind` ("jsonl" or "parquet") for `path`; `schema` is for Parquet only."""
    if kind == "parquet":
        return ParquetRowWriter(path, schema)
    if kind not in WRITERS:
        raise ValueError(f"unknown writer {kind!r}; known: {', '.join(WRITERS)}")
    if schema is not None:
        raise ValueError(f"the {kind} writer takes no schema")
    return WRITERS[kind](path)


def to_table(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """`rows` as an Arrow table of `schema`; a column the schema lacks is an error."""
    names = set(schema.names)
    for row in rows:
        if not row.keys() <= names:
            extra = ", ".join(sorted(map(repr, row.keys() - names)))
            raise ValueError(f"column {extra} is not in the Parquet schema")
    encoded = json_columns(schema)
    if encoded:
        rows = [{**row, **{c: _json_text(row.get(c)) for c in encoded}} for row in rows]
    return pa.Table.from_pylist(rows, schema=schema)


def json_columns(schema: pa.Schema) -> list[str]:
    """The columns of `schema` that hold JSON text."""
    return [f.name for f in schema if (f.metadata or {}).get(JSON_COLUMN) == b"json"]


def _json_text(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def infer_schema(rows: Iterable[dict[str, Any]], chunk_rows: int = CHUNK_ROWS) -> pa.Schema:
    """The unified schema of `rows` (see `SchemaBuilder`)."""
    builder = SchemaBuilder(chunk_rows)
    for row in rows:
        builder.add(row)
    return builder.schema()


class SchemaBuilder:
    """One Arrow schema that fits every row added, inferred chunk by chunk in bounded memory.

    Columns keep the order they were first seen in. Types of a column in different chunks are
    unified with permissive promotion (null -> anything, int -> float, struct fields merged,
    so `{}` in one chunk and `{"a": 1}` in another make `struct<a>`). A column whose values
    have no common type, or end up with a type Parquet cannot store (a struct that is empty in
    every row), becomes JSON text, marked with `JSON_COLUMN` metadata.
    """

    def __init__(self, chunk_rows: int = CHUNK_ROWS):
        self.chunk_rows = chunk_rows
        self._types: dict[str, pa.DataType | None] = {}  # None: JSON text
        self._chunk: list[dict[str, Any]] = []

    def add(self, row: dict[str, Any]) -> None:
        self._chunk.append(row)
        if len(self._chunk) >= self.chunk_rows:
            self._absorb()

    def schema(self) -> pa.Schema:
        self._absorb()
        return pa.schema([_field(name, t) for name, t in self._types.items()])

    def _absorb(self) -> None:
        chunk, self._chunk = self._chunk, []
        for name in dict.fromkeys(k for row in chunk for k in row):
            if name in self._types and self._types[name] is None:
                continue
            found = _infer([row.get(name) for row in chunk])
            self._types[name] = found if name not in self._types else _unify(
                self._types[name], found)


def _field(name: str, type_: pa.DataType | None) -> pa.Field:
    if type_ is None or not _storable(type_):
        return pa.field(name, pa.string(), metadata={JSON_COLUMN: b"json"})
    return pa.field(name, type_)


def _infer(values: list[Any]) -> pa.DataType | None:
    try:
        return pa.array(values).type
    except _ARROW_ERRORS:
        return None


def _unify(a: pa.DataType | None, b: pa.DataType | None) -> pa.DataType | None:
    if a is None or b is None:
        return None
    try:
        merged = pa.unify_schemas([pa.schema([("c", a)]), pa.schema([("c", b)])],
                                  promote_options="permissive")
    except _ARROW_ERRORS:
        return None
    return merged.field("c").type


def _storable(type_: pa.DataType) -> bool:
    """Whether Parquet can store `type_` (it cannot store a struct without fields)."""
    if pa.types.is_struct(type_):
        fields = [type_.field(i) for i in range(type_.num_fields)]
        return bool(fields) and all(_storable(f.type) for f in fields)
    if pa.types.is_list(type_) or pa.types.is_large_list(type_):
        return _storable(type_.value_type)
    if pa.types.is_map(type_):
        return _storable(type_.key_type) and _storable(type_.item_type)
    return True
