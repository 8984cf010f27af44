"""The `file` generator: the rows of an existing JSONL, JSON, Parquet or CSV/TSV file.

    mix:
      - generator: file
        params:
          path: reviews.jsonl.gz              # relative to the recipe
          fields: {text: body, stars: meta.rating}
          id_field: review_id

Item `k` is row `k` of the file, a pure function of the file's content and `k`; items past
the last row are rejected as `exhausted`. Files are streamed in bounded memory: one indexing
pass records where each row starts (8 bytes a row, kept in memory per file, size and mtime),
then row `k` is one positioned read. Parquet needs no pass: rows are read by row group, with
a small LRU of decoded groups. Gzip files (any of the text formats; detected by their magic
bytes) are read forward by one cursor per process: reading backwards starts it again.

A malformed row (invalid JSON, a broken CSV record, bytes that are not UTF-8) fails its item
with `path:line: what is wrong`; the rest of the file goes on. A file that cannot be read at
all, or has an unsupported extension, is a recipe error.

The recipe fingerprint covers the file's content through an xxh3-128 digest, streamed in
4 MiB blocks and computed once per process for a given (path, size, mtime); a copy of the
file has the same fingerprint, an edit anywhere changes it.
"""

from __future__ import annotations

import bisect
import csv
import difflib
import gzip
import io
import os
from array import array
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, BinaryIO, Literal

import numpy as np
import orjson
import xxhash
from pydantic import (
    Field,
    PlainSerializer,
    SerializationInfo,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from synthforge import registry
from synthforge.errors import UserError
from synthforge.stage import Context, DataFile, Generator, GeneratorConfig, Reject

FileFormat = Literal["jsonl", "json", "parquet", "csv", "tsv"]
SUFFIXES: dict[str, FileFormat] = {
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".parquet": "parquet",
    ".pq": "parquet", ".csv": "csv", ".tsv": "tsv", ".tab": "tsv"}
GZIP_MAGIC = b"\x1f\x8b"
BOM = b"\xef\xbb\xbf"
CHUNK = 4 << 20  # bytes per read while indexing or hashing
WINDOW = 1 << 20  # bytes read ahead for sequential row access
PARQUET_BLOCK = 1024  # rows of a row group converted to Python at once
INDEX_CACHE_FILES = 4
_MISSING = object()


class MalformedRow(ValueError):
    """A row that cannot be read; its message starts with `path:line:`."""


# ---- formats and fingerprints -------------------------------------------------------------

def detect_format(path: Path) -> FileFormat | None:
    """The format a file name implies (`.gz` aside), or None."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return SUFFIXES.get(suffixes[-1]) if suffixes else None


def is_gzip(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(2) == GZIP_MAGIC


_digests: dict[tuple[Any, ...], str] = {}


def content_digest(path: Path) -> str:
    """xxh3-128 of the file's bytes, streamed; cached per (path, inode, size, mtime)."""
    st = path.stat()
    key = (str(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
    if key not in _digests:
        h = xxhash.xxh3_128()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(CHUNK), b""):
                h.update(block)
        _digests[key] = f"xxh3_128:{h.hexdigest()}"
    return _digests[key]


def _serialize_source(value: Path, info: SerializationInfo) -> str:
    if (info.context or {}).get("fingerprint"):
        return content_digest(value)
    return str(value)


SourceFile = Annotated[DataFile, PlainSerializer(_serialize_source)]
"""A DataFile fingerprinted by a streamed digest (never read whole into memory)."""


# ---- byte access ----------------------------------------------------------------------------

class _Bytes:
    """Positioned reads of a file's (decompressed) bytes, safe across fork.

    Reads in order are served from a window read ahead; a jump reads just what it needs
    (`ahead`: always read a window, for files where a jump is dear anyway).
    """

    ahead = False

    def __init__(self, path: Path):
        self.path = path
        self._pid = -1
        self._window: tuple[int, bytes] = (0, b"")

    def read(self, start: int, stop: int) -> bytes:
        """Bytes [start, stop); reads ahead so that rows read in order cost few calls."""
        at, buf = self._window
        if at <= start and stop <= at + len(buf) and self._pid == os.getpid():
            return buf[start - at: stop - at]
        if self._pid != os.getpid():
            self._open()
            self._pid = os.getpid()
        in_order = at + len(buf) <= start <= at + len(buf) + WINDOW
        buf = self._read(start, max(stop - start, WINDOW if in_order or self.ahead else 0))
        self._window = (start, buf)
        return buf[: stop - start]

    def _open(self) -> None:
        raise NotImplementedError

    def _read(self, start: int, size: int) -> bytes:
        raise NotImplementedError


class _PlainBytes(_Bytes):
    def _open(self) -> None:
        self._fd = os.open(self.path, os.O_RDONLY)

    def __del__(self) -> None:
        if self._pid == os.getpid():
            os.close(self._fd)

    def _read(self, start: int, size: int) -> bytes:
        return os.pread(self._fd, size, start)


class _GzipBytes(_Bytes):
    ahead = True

    def _open(self) -> None:
        self._file = gzip.open(self.path, "rb")  # noqa: SIM115 - held for reads

    def _read(self, start: int, size: int) -> bytes:
        self._file.seek(start)  # forward: decompress and skip; backward: start again
        return self._file.read(size)


def _byte_reader(path: Path, gz: bool) -> _Bytes:
    return _GzipBytes(path) if gz else _PlainBytes(path)


def _open_stream(path: Path, gz: bool) -> BinaryIO:
    return gzip.open(path, "rb") if gz else open(path, "rb")


def _chunks(path: Path, gz: bool) -> Iterator[bytes]:
    with _open_stream(path, gz) as f:
        yield from iter(lambda: f.read(CHUNK), b"")


# ---- the row index ----------------------------------------------------------------------------

class LineMap:
    """The line each row starts on, kept as the breakpoints where `line - row` changes."""

    def __init__(self) -> None:
        self._rows = array("Q")
        self._shift = array("q")

    def add(self, row: int, line: int) -> None:
        if not self._shift or self._shift[-1] != line - row:
            self._rows.append(row)
            self._shift.append(line - row)

    def extend(self, rows: np.ndarray, lines: np.ndarray) -> None:
        """Many rows at once (ascending)."""
        if not len(rows):
            return
        shift = lines - rows
        change = np.flatnonzero(shift[1:] != shift[:-1]) + 1
        for i in [0, *change.tolist()]:
            self.add(int(rows[i]), int(lines[i]))

    def line(self, row: int) -> int:
        i = bisect.bisect_right(self._rows, row) - 1
        return row + self._shift[i] if i >= 0 else row + 1


@dataclass
class TextIndex:
    """Where each row of a text file starts: row k is bytes [starts[k], starts[k+1] - trim)."""

    kind: FileFormat
    starts: np.ndarray
    lines: LineMap
    trim: int = 0
    header: list[str] | None = None

    def __len__(self) -> int:
        return max(len(self.starts) - 1, 0)

    def span(self, k: int) -> tuple[int, int]:
        return int(self.starts[k]), int(self.starts[k + 1]) - self.trim


def _index_lines(chunks: Iterator[bytes]) -> TextIndex:
    """JSON Lines: a row per line that is not empty (nor just `\\r`)."""
    parts: list[np.ndarray] = []
    lines = LineMap()
    offset, line, rows = 0, 1, 0  # bytes and lines before this chunk, rows found so far
    start, last = 0, 0  # where the current line starts; the byte before this chunk
    for chunk in chunks:
        buf = np.frombuffer(chunk, np.uint8)
        ends = np.flatnonzero(buf == 10)  # each "\n" ends a line
        if len(ends):
            begins = np.concatenate(([start - offset], ends[:-1] + 1))
            length = ends + 1 - begins
            before = np.where(ends > 0, buf[np.maximum(ends - 1, 0)], last)
            keep = ~((length == 1) | ((length == 2) & (before == 13)))
            found = (begins[keep] + offset).astype(np.uint64)
            lines.extend(np.arange(rows, rows + len(found)),
                         np.arange(line, line + len(ends))[keep])
            parts.append(found)
            rows, line = rows + len(found), line + len(ends)
            start = offset + int(ends[-1]) + 1
        offset += len(chunk)
        last = chunk[-1]
    if offset - start > 1 or (offset - start == 1 and last != 13):  # a last line without "\n"
        parts.append(np.array([start], np.uint64))
        lines.add(rows, line)
    parts.append(np.array([offset], np.uint64))
    return TextIndex("jsonl", np.concatenate(parts), lines)


_STEP = np.zeros(256, np.int8)  # how each byte moves the nesting depth (outside strings)
_STEP[[ord("["), ord("{")]], _STEP[[ord("]"), ord("}")]] = 1, -1
_STRUCTURAL = np.zeros(256, bool)
_STRUCTURAL[list(b"[]{},")] = True


class _ArrayScan:
    """Finds the elements of a JSON array chunk by chunk, vectorised: quotes not escaped by
    an odd run of backslashes open and close strings; outside them, brackets move the depth
    and commas at depth 1 separate elements."""

    def __init__(self, path: Path):
        self.path = path
        self.seps = array("Q")  # "[", each "," at depth 1, the closing "]"
        self.lines = LineMap()
        self.base, self.line, self.depth = 0, 1, 0
        self.in_string, self.backslashes = False, 0  # carried from the chunk before
        self.closed = False

    def feed(self, chunk: bytes) -> None:
        buf = np.frombuffer(chunk, np.uint8)
        quotes = self._real_quotes(buf)
        marks = np.zeros(len(buf), np.uint8)
        marks[quotes] = 1
        inside = np.cumsum(marks, dtype=np.uint8) & 1  # parity of the quotes up to here
        tokens = np.flatnonzero(_STRUCTURAL[buf])
        outside = tokens[inside[tokens] == self.in_string]
        self.in_string = bool((len(quotes) + self.in_string) % 2)
        if len(outside) and (self.closed or (not self.seps and buf[outside[0]] != ord("["))):
            what = "data after the end of the JSON array" if self.closed else (
                "not a JSON array of objects (nor JSON Lines)")
            raise UserError(f"{self._where(buf, outside[:1])[0]}: {what}")
        step = _STEP[buf[outside]].astype(np.int64)
        depth = self.depth + np.cumsum(step)
        end = np.flatnonzero(depth == 0)
        if len(end):  # the array closes here: nothing may follow
            if len(outside) > end[0] + 1:
                at = outside[end[0] + 1: end[0] + 2]
                raise UserError(f"{self._where(buf, at)[0]}: data after the end of the JSON "
                                "array")
            self.closed = True
        seps = outside[(depth == 0) | ((depth == 1) & ((step == 1) | (buf[outside] == 44)))]
        if len(seps):
            first = len(self.seps)
            self.lines.extend(np.arange(first, first + len(seps)), self._where(buf, seps)[1])
            self.seps.extend((seps + self.base).tolist())
        self.depth = int(depth[-1]) if len(depth) else self.depth
        self.line += int(np.count_nonzero(buf == 10))
        self.base += len(chunk)

    def _real_quotes(self, buf: np.ndarray) -> np.ndarray:
        """Positions of the quotes that open or close strings (not escaped)."""
        quotes = np.flatnonzero(buf == ord('"'))
        slashes = np.flatnonzero(buf == ord("\\"))
        carried, self.backslashes = self.backslashes, 0
        if not len(slashes):
            return quotes[1:] if carried % 2 and len(quotes) and quotes[0] == 0 else quotes
        breaks = np.flatnonzero(np.diff(slashes) != 1)
        starts = slashes[np.r_[0, breaks + 1]]
        ends = slashes[np.r_[breaks, len(slashes) - 1]]
        runs = ends - starts + 1 + np.where(starts == 0, carried, 0)
        if ends[-1] == len(buf) - 1:
            self.backslashes = int(runs[-1])
        after = quotes[buf[np.maximum(quotes - 1, 0)] == ord("\\")]  # quotes after a "\\"
        run = runs[np.searchsorted(ends, after - 1)]
        escaped = after[run % 2 == 1]
        if carried % 2 and len(quotes) and quotes[0] == 0:
            escaped = np.r_[0, escaped]
        return np.setdiff1d(quotes, escaped, assume_unique=True)

    def _where(self, buf: np.ndarray, at: np.ndarray) -> tuple[str, np.ndarray]:
        """`path:line` of the first position in `at`, and the line of each."""
        newlines = np.flatnonzero(buf == 10)
        lines = self.line + np.searchsorted(newlines, at)
        return f"{self.path}:{int(lines[0]) if len(lines) else self.line}", lines

    def finish(self, gz: bool) -> TextIndex:
        seps = self.seps
        if not self.closed:  # cut short: what follows the last separator is one (bad) row
            if not seps:
                return TextIndex("json", np.zeros(1, np.uint64), LineMap(), trim=1)
            self.lines.add(len(seps), self.line)
            seps.append(self.base + 1)
        starts = np.frombuffer(seps, np.uint64) + np.uint64(1)
        index = TextIndex("json", starts, self.lines, trim=1)
        small = len(seps) == 2 and seps[1] - seps[0] < WINDOW
        if small and not _byte_reader(self.path, gz).read(*index.span(0)).strip():
            return TextIndex("json", starts[:1], LineMap(), trim=1)  # `[ ]`: no row
        return index


def _index_array(chunks: Iterator[bytes], path: Path, gz: bool) -> TextIndex:
    """A JSON array: a row per element; an array cut short leaves its last element to fail
    as malformed."""
    scan = _ArrayScan(path)
    for chunk in chunks:
        scan.feed(chunk)
    return scan.finish(gz)


class _Lines:
    """The lines of a binary stream as text, with the byte offset and number of the next."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.offset = 0
        self.count = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        raw = self.stream.readline()
        if not raw:
            raise StopIteration
        self.offset += len(raw)
        self.count += 1
        return raw.decode("utf-8", "surrogateescape")


def _csv_reader(lines: Any, kind: FileFormat) -> Any:
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))  # long documents
    return csv.reader(lines, delimiter="\t" if kind == "tsv" else ",", strict=True)


def _index_csv(stream: BinaryIO, kind: FileFormat) -> TextIndex:
    """CSV/TSV: a header row, then a row per record (quoted fields may span lines)."""
    lines = _Lines(stream)
    reader = _csv_reader(lines, kind)
    header = _header(reader)
    starts, numbers = array("Q"), LineMap()
    while True:
        start, line = lines.offset, lines.count + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error:
            values = [""]  # a broken record is a row: reading it fails with the reason
        if values:
            numbers.add(len(starts), line)
            starts.append(start)
    starts.append(lines.offset)
    return TextIndex(kind, np.frombuffer(starts, np.uint64), numbers, header=header)


def _header(reader: Any) -> list[str]:
    """The first non-empty record, with distinct names ("" becomes column_N, repeats x.1)."""
    try:
        names = next((r for r in reader if r), [])
    except csv.Error:
        names = []
    if names:
        names[0] = names[0].removeprefix("\ufeff")
    out: list[str] = []
    for i, name in enumerate(names):
        name = name or f"column_{i + 1}"
        base, n = name, 1
        while name in out:
            name, n = f"{base}.{n}", n + 1
        out.append(name)
    return out


def _first_byte(path: Path, gz: bool) -> int | None:
    for chunk in _chunks(path, gz):
        text = chunk.removeprefix(BOM).lstrip()
        if text:
            return text[0]
    return None


def build_index(path: Path, kind: FileFormat, gz: bool) -> TextIndex:
    """One pass over a text file: where every row starts."""
    if kind == "json":
        first = _first_byte(path, gz)
        if first == ord("{"):
            kind = "jsonl"  # a .json file of one object per line
        elif first not in (ord("["), None):
            raise UserError(f"{path}: not a JSON array of objects (nor JSON Lines)")
    if kind == "json":
        return _index_array(_chunks(path, gz), path, gz)
    if kind == "jsonl":
        return _index_lines(_chunks(path, gz))
    with _open_stream(path, gz) as f:
        return _index_csv(f, kind)


_indexes: OrderedDict[tuple[Any, ...], TextIndex] = OrderedDict()


def text_index(path: Path, kind: FileFormat, gz: bool) -> TextIndex:
    """The index of a text file, built once per process while its size and mtime hold."""
    st = path.stat()
    key = (str(path), st.st_ino, st.st_size, st.st_mtime_ns, kind)
    if key in _indexes:
        _indexes.move_to_end(key)
        return _indexes[key]
    try:
        index = build_index(path, kind, gz)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise UserError(f"{path}: cannot read the file: {exc}") from exc
    _indexes[key] = index
    while len(_indexes) > INDEX_CACHE_FILES:
        _indexes.popitem(last=False)
    return index


# ---- rows ---------------------------------------------------------------------------------

class Rows:
    """The rows of a data file, by number."""

    path: Path
    columns: list[str] | None = None  # known before reading rows (CSV header, Parquet schema)

    def __len__(self) -> int:
        raise NotImplementedError

    def row(self, k: int) -> dict[str, Any]:
        """Row k as a dict; raises MalformedRow."""
        raise NotImplementedError


class TextRows(Rows):
    """Rows of a JSON Lines, JSON array or CSV/TSV file through its index."""

    def __init__(self, path: Path, kind: FileFormat, gz: bool):
        self.path = path
        self.index = text_index(path, kind, gz)
        self.columns = self.index.header
        self._bytes = _byte_reader(path, gz)

    def __len__(self) -> int:
        return len(self.index)

    def row(self, k: int) -> dict[str, Any]:
        raw = self._bytes.read(*self.index.span(k))
        if k == 0:
            raw = raw.removeprefix(BOM)
        if self.index.kind in ("csv", "tsv"):
            return self._csv_row(raw, k)
        return self._json_row(raw, k)

    def _where(self, k: int, raw: bytes, line_in_row: int = 1) -> str:
        """`path:line` of line `line_in_row` of row k (blank lines before it skipped)."""
        lead = len(raw) - len(raw.lstrip())
        line = self.index.lines.line(k) + raw[:lead].count(b"\n") + line_in_row - 1
        return f"{self.path}:{line}"

    def _json_row(self, raw: bytes, k: int) -> dict[str, Any]:
        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            if not raw.strip():
                raise MalformedRow(f"{self._where(k, raw)}: empty row") from None
            if self.index.kind == "jsonl":  # one line: say which column
                raise MalformedRow(f"{self._where(k, raw)}: invalid JSON: {exc.msg} (column "
                                   f"{exc.colno})") from None
            lead = raw[: len(raw) - len(raw.lstrip())].count(b"\n")
            where = self._where(k, raw, exc.lineno - lead)  # orjson counts from the row start
            raise MalformedRow(f"{where}: invalid JSON: {exc.msg}") from None
        if not isinstance(value, dict):
            raise MalformedRow(f"{self._where(k, raw)}: expected a JSON object, got "
                               f"{_json_type(value)}")
        return value

    def _csv_row(self, raw: bytes, k: int) -> dict[str, Any]:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedRow(f"{self._where(k, raw)}: not UTF-8 text ({exc.reason} at byte "
                               f"{exc.start} of the row)") from None
        kind = self.index.kind
        try:
            records = [r for r in _csv_reader(io.StringIO(text, newline="\n"), kind) if r]
        except csv.Error as exc:
            raise MalformedRow(f"{self._where(k, raw)}: bad {kind.upper()} record: "
                               f"{exc}") from None
        header = self.columns or []
        values = records[0] if records else []
        if len(values) != len(header):
            raise MalformedRow(f"{self._where(k, raw)}: expected {len(header)} fields "
                               f"({', '.join(header)}), got {len(values)}")
        return dict(zip(header, values, strict=True))


def _json_type(value: Any) -> str:
    names = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


class ParquetRows(Rows):
    """Rows of a Parquet file, read by row group; a few decoded groups are kept (LRU)."""

    GROUPS_KEPT = 2

    def __init__(self, path: Path, columns: list[str] | None = None):
        import pyarrow.parquet as pq

        self.path = path
        try:
            meta = pq.read_metadata(path)
            schema = meta.schema.to_arrow_schema()
        except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ...
            raise UserError(f"{path}: cannot read it as Parquet: {exc}") from exc
        self.columns = schema.names
        self._read = [c for c in self.columns if c in columns] if columns else None
        self._convert = any(_needs_conversion(f.type) for f in schema)
        self._ends = np.cumsum([meta.row_group(g).num_rows for g in range(meta.num_row_groups)],
                               dtype=np.int64)
        self._pid = -1
        self._groups: OrderedDict[int, Any] = OrderedDict()
        self._block: tuple[tuple[int, int], list[dict[str, Any]]] = ((-1, -1), [])

    def __len__(self) -> int:
        return int(self._ends[-1]) if len(self._ends) else 0

    def row(self, k: int) -> dict[str, Any]:
        g = int(np.searchsorted(self._ends, k, side="right"))
        i = k - (int(self._ends[g - 1]) if g else 0)
        key = (g, i // PARQUET_BLOCK)
        if self._block[0] != key:
            try:
                table = self._group(g).slice(key[1] * PARQUET_BLOCK, PARQUET_BLOCK)
                rows = table.to_pylist()
            except Exception as exc:
                raise MalformedRow(f"{self.path}: row {k} (row group {g}): {exc}") from None
            self._block = (key, [_jsonable(r) for r in rows] if self._convert else rows)
        return dict(self._block[1][i % PARQUET_BLOCK])  # callers may change it

    def _group(self, g: int) -> Any:
        import pyarrow.parquet as pq

        if self._pid != os.getpid():
            self._file = pq.ParquetFile(self.path)
            self._groups.clear()
            self._pid = os.getpid()
        if g not in self._groups:
            self._groups[g] = self._file.read_row_group(g, columns=self._read)
            while len(self._groups) > self.GROUPS_KEPT:
                self._groups.popitem(last=False)
        self._groups.move_to_end(g)
        return self._groups[g]


def _needs_conversion(t: Any) -> bool:
    """Whether Arrow type `t` holds values that are not JSON (dates, decimals, bytes, ...)."""
    import pyarrow as pa

    if pa.types.is_struct(t):
        return any(_needs_conversion(t.field(i).type) for i in range(t.num_fields))
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        return _needs_conversion(t.value_type)
    if pa.types.is_map(t):
        return True
    return (pa.types.is_temporal(t) or pa.types.is_decimal(t) or pa.types.is_binary(t)
            or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t))


def _jsonable(value: Any) -> Any:
    """A JSON value: dates and times in ISO 8601, decimals as text, bytes as UTF-8 text (or
    base64), durations in seconds, maps as objects."""
    import base64
    import datetime as dt
    from decimal import Decimal

    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        if value and all(isinstance(x, tuple) and len(x) == 2 for x in value):
            return {str(k): _jsonable(v) for k, v in value}  # a Parquet map
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return base64.b64encode(value).decode("ascii")
    return value


def open_rows(path: Path, kind: FileFormat | None = None,
              columns: list[str] | None = None) -> Rows:
    """The rows of `path` (format from its name unless `kind`); `columns`: Parquet columns
    worth reading (default all)."""
    kind = kind or detect_format(path)
    if kind is None:
        raise UserError(unsupported(path))
    if kind == "parquet":
        return ParquetRows(path, columns)
    return TextRows(path, kind, is_gzip(path))


def unsupported(path: Path) -> str:
    return (f"{path}: unsupported file type; use .jsonl, .json, .parquet, .csv or .tsv "
            "(text formats may be gzipped: .jsonl.gz), or set `format`")


def probe_columns(path: Path, kind: FileFormat) -> list[str] | None:
    """The columns of a CSV/TSV or Parquet file, read cheaply (None for JSON)."""
    if kind == "parquet":
        return ParquetRows(path).columns
    if kind in ("csv", "tsv"):
        with _open_stream(path, is_gzip(path)) as f:
            return _header(_csv_reader(_Lines(f), kind))
    return None


# ---- the generator --------------------------------------------------------------------------

def lookup(row: dict[str, Any], path: str) -> Any:
    """A column by exact name, else by dotted path into objects and arrays (or _MISSING)."""
    if path in row:
        return row[path]
    value: Any = row
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.lstrip("-").isdigit() and -len(value) <= int(
                part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
    return value


class FileConfig(GeneratorConfig):
    """Rows of an existing JSONL, JSON, Parquet or CSV/TSV file, in file order."""

    path: SourceFile = Field(description="The data file (relative to the recipe): .jsonl, "
                             ".json, .parquet, .csv or .tsv; text formats may be gzipped.")
    format: FileFormat | None = Field(None, description="The file's format (default: from "
                                      "its extension).")
    fields: dict[str, str] | list[str] | None = Field(
        None, description="Columns to keep: a list, or a mapping output field -> input "
        "column or dotted path (default: every column, as it is).")
    id_field: str | None = Field(None, description="Column holding the row's own id, kept "
                                 "in meta.source_id.")
    limit: int | None = Field(None, gt=0, description="Read at most this many rows.")

    @property
    def kind(self) -> FileFormat:
        kind = self.format or detect_format(self.path)
        assert kind is not None  # checked when validated
        return kind

    @property
    def mapping(self) -> dict[str, str] | None:
        """Output field -> input column or path (None: the row as it is)."""
        if self.fields is None:
            return None
        return dict(zip(self.fields, self.fields, strict=True)) if isinstance(
            self.fields, list) else dict(self.fields)

    @model_validator(mode="after")
    def _supported(self) -> FileConfig:
        if self.format is None and detect_format(self.path) is None:
            raise PydanticCustomError("unsupported_file", "{error}",
                                      {"error": unsupported(self.path)})
        return self

    @field_validator("fields", "id_field")
    @classmethod
    def _known_columns(cls, value: Any, info: ValidationInfo) -> Any:
        """Columns that a CSV/TSV header or Parquet schema lacks are errors, with a hint."""
        path = info.data.get("path")
        kind = info.data.get("format") or (detect_format(path) if path else None)
        if value is None or kind is None:
            return value
        if not value:
            raise PydanticCustomError("fields", "fields is empty: leave it out to keep "
                                      "every column")
        try:
            columns = probe_columns(path, kind)
        except (UserError, OSError, EOFError) as exc:
            raise PydanticCustomError("unreadable_file", "{error}", {"error": str(exc)}) from exc
        wanted = [value] if isinstance(value, str) else list(
            value.values() if isinstance(value, dict) else value)
        for name in wanted if columns is not None else ():
            if name not in columns and name.split(".", 1)[0] not in columns:
                close = difflib.get_close_matches(name, columns, n=1)
                hint = f"did you mean {close[0]!r}?" if close else (
                    f"its columns: {', '.join(columns)}")
                raise PydanticCustomError("unknown_column", "{file} has no column {name}; "
                                          "{hint}", {"file": path.name, "name": repr(name),
                                                     "hint": hint})
        return value


@registry.register("generator", "file")
class FileSource(Generator):
    """Rows of an existing JSONL, JSON, Parquet or CSV/TSV file: curate data made elsewhere.

    Item k is row k of the file; malformed rows fail with `path:line: what is wrong`.
    """

    Config = FileConfig
    config: FileConfig

    def __init__(self, config: FileConfig, ctx: Context, name: str):
        super().__init__(config, ctx, name)
        self._rows: Rows | None = None
        self._size = -1
        mapping = config.mapping
        self._mapping = None if mapping is None else [
            (out, path, f"fields.{out}") for out, path in mapping.items()]

    @property
    def rows(self) -> Rows:
        """The file's rows, opened (and indexed) on first use."""
        if self._rows is None:
            c = self.config
            columns = None
            if self._mapping is not None:
                paths = [p for _, p, _ in self._mapping] + ([c.id_field] if c.id_field else [])
                columns = [p.split(".", 1)[0] for p in paths] + paths  # names may hold dots
            self._rows = open_rows(c.path, c.kind, columns)
        return self._rows

    def size(self) -> int:
        if self._size < 0:
            n, limit = len(self.rows), self.config.limit
            self._size = n if limit is None else min(n, limit)
        return self._size

    def generate(self, k: int) -> tuple[dict[str, Any], dict[str, Any]]:
        if k >= self.size():
            raise Reject(f"exhausted: {self.config.path.name} has {self.size():,} rows")
        row = self.rows.row(k)
        meta: dict[str, Any] = {}
        if self.config.id_field is not None:
            meta["source_id"] = self._take(row, self.config.id_field, "id_field")
        if self._mapping is None:
            return row, meta
        return {out: self._take(row, path, param) for out, path, param in self._mapping}, meta

    def _take(self, row: dict[str, Any], path: str, param: str) -> Any:
        value = lookup(row, path)
        if value is _MISSING:
            raise Reject(f"missing_field: the row has no {path!r} ({param})")
        return value
