"""Readers for evaluation sets and reference corpora: items, each with the texts to match.

    for item in read_items("data/gsm8k/test.jsonl", layout="gsm8k"):
        item.id, item.texts        # "0", (("question", "Janet's ducks ..."), ("answer", ...))

A layout says how to read a file and which of its fields hold text. Built in:

| layout | file | texts (default) | item id |
|---|---|---|---|
| `gsm8k` | JSONL | `question`, `answer` (calculator notes `<<48/2=24>>` removed) | row |
| `humaneval` | JSONL(.gz) | `prompt`, `canonical_solution` | `task_id` |
| `mmlu` | CSV, header or not | `question`, `choices` (A-D joined) | row |
| `self_instruct` | JSONL | `instruction`, `instances.*.input`, `instances.*.output` | `id` |
| `wizardlm` | JSONL | `Instruction` | `idx` |
| `alpaca` | JSON array(.gz) | `instruction`, `input`, `output` | row |
| `jsonl` | JSONL or a JSON array | every string field (or `fields`) | row |
| `csv` | CSV with a header | every column (or `fields`) | row |
| `text` | text | each non-empty line | line |
| `document` | text | the whole file | - |

Rows and lines are numbered from 0. Field paths use dots, list positions and `*` for
every element (`instances.*.output`). Files ending in `.gz` are decompressed.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

import orjson

from synthforge.errors import UserError

Format = Literal["json", "csv", "mmlu", "lines", "document"]


@dataclass(frozen=True, slots=True)
class Item:
    """One evaluation item (or source document): its id and its texts by field."""

    id: str
    texts: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Layout:
    """How to read a kind of file: its format, text fields, id field and text clean-up."""

    format: Format
    fields: tuple[str, ...] | None = None  # None: every string field
    id: str | None = None  # None: the row number
    clean: Callable[[str], str] | None = None


_CALCULATOR = re.compile(r"<<[^<>]*>>")


def _gsm8k_clean(text: str) -> str:
    """Drop GSM8K's calculator notes: `$<<9*2=18>>18` reads `$18`, as people write it."""
    return _CALCULATOR.sub("", text)


LAYOUTS: dict[str, Layout] = {
    "gsm8k": Layout("json", ("question", "answer"), clean=_gsm8k_clean),
    "humaneval": Layout("json", ("prompt", "canonical_solution"), "task_id"),
    "mmlu": Layout("mmlu", ("question", "choices")),
    "self_instruct": Layout("json", ("instruction", "instances.*.input", "instances.*.output"),
                            "id"),
    "wizardlm": Layout("json", ("Instruction",), "idx"),
    "alpaca": Layout("json", ("instruction", "input", "output")),
    "jsonl": Layout("json"),
    "csv": Layout("csv"),
    "text": Layout("lines"),
    "document": Layout("document"),
}
LayoutName = Literal["auto", "gsm8k", "humaneval", "mmlu", "self_instruct", "wizardlm", "alpaca",
                     "jsonl", "csv", "text", "document"]
_BY_SUFFIX = {".jsonl": "jsonl", ".json": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}


def guess_layout(path: Path, text: str = "text") -> str:
    """The generic layout for a file name: jsonl, csv, or `text` for anything else."""
    suffix = Path(path.name.removesuffix(".gz")).suffix.lower()
    return _BY_SUFFIX.get(suffix, text)


def open_text(path: Path) -> IO[str]:
    """A text file, decompressed if its name ends in .gz."""
    if path.name.endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8", errors="replace")


def read_items(path: str | Path, layout: str = "auto", fields: list[str] | None = None,
               id: str | None = None) -> Iterator[Item]:
    """The items of an evaluation file; `fields` and `id` override the layout's."""
    path = Path(path)
    spec = LAYOUTS[guess_layout(path) if layout == "auto" else layout]
    chosen = tuple(fields) if fields else spec.fields
    id_field = id or spec.id
    try:
        with open_text(path) as f:
            if spec.format == "document":
                yield Item("", (("text", f.read()),))
                return
            if spec.format == "lines":
                yield from _lines(f)
                return
            rows = {"json": _json_rows, "csv": _csv_rows, "mmlu": _mmlu_rows}[spec.format]
            for n, row in rows(f, path):
                yield _item(row, n, chosen, id_field, spec.clean)
    except (OSError, EOFError, UnicodeDecodeError, csv.Error) as exc:
        raise UserError(f"{path}: cannot be read as {layout} ({exc})") from exc


def _lines(f: IO[str]) -> Iterator[Item]:
    for n, line in enumerate(f):
        if line.strip():
            yield Item(str(n), (("text", line.rstrip("\r\n")),))


def _item(row: Any, n: int, fields: tuple[str, ...] | None, id_field: str | None,
          clean: Callable[[str], str] | None) -> Item:
    item_id = row.get(id_field) if id_field and isinstance(row, dict) else None
    texts: list[tuple[str, str]] = []
    if fields is None:
        texts = [(p, v) for p, v in strings(row) if p != id_field]
    else:
        for field in fields:
            texts += [(p, v) for p, v in resolve(row, field) if isinstance(v, str)]
    if clean is not None:
        texts = [(p, clean(v)) for p, v in texts]
    return Item(str(n if item_id is None else item_id), tuple(texts))


def resolve(value: Any, path: str) -> list[tuple[str, Any]]:
    """Values at a field path (`a.b`, `a.0.b`, `a.*.b`), each with its concrete path."""
    found: list[tuple[str, Any]] = [("", value)]
    for part in path.split("."):
        step: list[tuple[str, Any]] = []
        for where, v in found:
            for key, child in _children(v, part):
                step.append((f"{where}.{key}" if where else str(key), child))
        found = step
    out: list[tuple[str, Any]] = []
    for where, v in found:  # a list of strings at the end counts element by element
        out += list(strings(v, where)) if isinstance(v, list) else [(where, v)]
    return out


def _children(value: Any, part: str) -> list[tuple[str | int, Any]]:
    if isinstance(value, dict):
        if part == "*":
            return list(value.items())
        return [(part, value[part])] if part in value else []
    if isinstance(value, list):
        if part == "*":
            return list(enumerate(value))
        if part.lstrip("-").isdigit() and -len(value) <= int(part) < len(value):
            return [(int(part), value[int(part)])]
    return []


def strings(value: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """Every string inside a value (dicts and lists walked), with its path."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from strings(child, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from strings(child, f"{where}.{i}" if where else str(i))


def _json_rows(f: IO[str], path: Path) -> Iterator[tuple[int, Any]]:
    """Rows of a JSONL file, or of a file holding one JSON array."""
    head = f.read(1)
    while head and head.isspace():
        head = f.read(1)
    if head == "[":
        try:
            rows = orjson.loads(head + f.read())
        except orjson.JSONDecodeError as exc:
            raise UserError(f"{path}: not valid JSON ({exc})") from exc
        yield from enumerate(rows)
        return
    for n, line in enumerate(_prepend(head, f)):
        if not line.strip():
            continue
        try:
            yield n, orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise UserError(f"{path}:{n + 1}: not valid JSON ({exc}); expected one JSON "
                            "object a line") from exc


def _prepend(head: str, f: IO[str]) -> Iterator[str]:
    first = f.readline()
    yield head + first
    yield from f


def _csv_rows(f: IO[str], path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(f)
    if not reader.fieldnames:
        raise UserError(f"{path}: empty CSV file (the csv layout needs a header row)")
    yield from enumerate(reader)


_CHOICE = re.compile(r"^(?:[a-e]|choice_?\w*|option_?\w*|choices)$")
_ANSWER = ("answer", "target", "label")


def _mmlu_rows(f: IO[str], path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """MMLU-style rows: question, choices, answer; with a header naming them, or none
    (then: question, the choices, and the answer letter last, as in the original files)."""
    reader = csv.reader(f)
    first = next(reader, None)
    if first is None:
        return
    names = [c.strip() for c in first]
    if "question" in (n.lower() for n in names):
        rows: Iterator[list[str]] = reader
    else:
        names = ["question", *"ABCDEFGH"[: len(first) - 2], "answer"]
        rows = _chain_one(first, reader)
    for n, cells in enumerate(rows):
        if not cells:
            continue
        row = dict(zip(names, cells, strict=False))
        lower = {k.lower(): v for k, v in row.items()}
        choices = [v for k, v in row.items() if _CHOICE.match(k.lower())]
        out = {**row, "question": lower.get("question", ""), "choices": " \n".join(choices)}
        answer = next((lower[a] for a in _ANSWER if a in lower), None)
        if answer is not None:
            out["answer"] = answer
        yield n, out


def _chain_one(first: list[str], rest: Iterator[list[str]]) -> Iterator[list[str]]:
    yield first
    yield from rest
