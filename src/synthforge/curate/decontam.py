"""Decontamination against evaluation sets, and copies of private source documents.

```yaml
steps:
  - decontaminate:
      against:
        - {path: data/gsm8k/test.jsonl, layout: gsm8k}
        - {path: data/humaneval/HumanEval.jsonl.gz, layout: humaneval}
        - {path: my_eval.jsonl, fields: [prompt]}
      fields: [question, response]   # record fields checked (default: every string in data)
      ngram: 13                      # words, after normalisation
      min_span: 13                   # reject when the longest shared run of words >= this
      max_coverage: 0.5              # ... or this share of an eval text's n-grams is present
      paraphrase: {model: all-MiniLM-L6-v2, threshold: 0.9}   # optional embedding check
  - source_copy:
      sources: [sources/, notes.jsonl]   # files or folders: .txt/.md whole, .jsonl/.csv rows
      min_span: 30
```

Each text field of an evaluation item (a GSM8K question, its answer, a HumanEval prompt)
is one unit of the index (see ngram_index.py); texts shorter than `ngram` words but with at
least `min_words` are matched whole. A match needs one shared n-gram of at least
`min_chars` characters (default 3 a word), so that code reduced to one-letter tokens
(`while n 1 if n 2 0 n n 2 else`) is not evidence alone. A rejected record carries its
evidence in `meta.contamination` (or `meta.source_copy`): the best match (longest span,
then coverage), the number of items matched, and the others. A stage does not see the run
directory, so the report of which items were hit by which records is built afterwards from
the rejected rows: `write_contamination_report(synthforge.open_run(path))`, which writes
`contamination.json` into the run directory.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from itertools import groupby
from pathlib import Path
from typing import Annotated, Any, ClassVar, Protocol

import numpy as np
import orjson
from pydantic import (
    AfterValidator,
    Field,
    PlainSerializer,
    SerializationInfo,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

from synthforge import registry
from synthforge.atomic import write_atomic
from synthforge.curate.embed import (
    DEFAULT_MODEL,
    Embedder,
    ModelName,
    check_extras,
)
from synthforge.curate.evalsets import LayoutName, guess_layout, read_items, resolve, strings
from synthforge.curate.ngram_index import MAX_N, NgramIndex, Overlap
from synthforge.record import Record
from synthforge.stage import Check, Context, DataFile, StepConfig, StrictModel

SOURCE_SUFFIXES = (".txt", ".md", ".jsonl", ".json", ".ndjson", ".csv")
_SHOWN = 20  # other matched items kept in meta, at most
_EVIDENCE = ("kind", "field", "span", "coverage", "similarity", "matches")


# ---- configs -------------------------------------------------------------------------------

class EvalSet(StrictModel):
    """One evaluation file: a path, or {path, layout, fields, id, label}."""

    path: DataFile
    layout: LayoutName = Field("auto", description="gsm8k, humaneval, mmlu, self_instruct, "
                               "wizardlm, alpaca, jsonl, csv, text or document (auto: by the "
                               "file's extension).")
    fields: list[str] | None = Field(None, description="Field paths holding the eval texts "
                                     "(default: the layout's, or every string field).")
    id: str | None = Field(None, description="Field naming each item (default: the layout's, "
                           "or the row number from 0).")
    label: str | None = Field(None, description="How reasons name the file (default: its "
                              "path relative to the recipe).")

    @model_validator(mode="before")
    @classmethod
    def _from_path(cls, value: Any) -> Any:
        return {"path": value} if isinstance(value, str | Path) else value


class Paraphrase(StrictModel):
    """Nearest-neighbour check on sentence embeddings (needs synthforge.curate.embed)."""

    model: ModelName = Field(DEFAULT_MODEL, description="Sentence-embedding model: a local "
                             "folder, all-MiniLM-L6-v2 (bundled offline), or a hub name.")
    threshold: float = Field(0.9, gt=0, le=1, description="Reject at this cosine similarity.")
    batch_size: int = Field(64, gt=0, description="Texts per model call.")
    device: str | None = Field(None, description="torch device (default: cuda if available).")
    cache_dir: str | None = Field(None, description="Folder of an embedding cache shared by "
                                  "runs (relative to the recipe).")

    @model_validator(mode="after")
    def _installed(self) -> Paraphrase:
        check_extras("the paraphrase check", ("torch", "sentence_transformers"))
        return self


class _OverlapConfig(StepConfig):
    fields: list[str] = Field(default_factory=list, description="Record fields checked (paths "
                              "into data, `*` for every element; default: every string).")
    ngram: int = Field(13, ge=1, le=MAX_N, description="Words a shared n-gram has, after "
                       "normalisation.")
    min_span: int | None = Field(None, description="Reject when the longest shared run of "
                                 "words reaches this (default: ngram).")
    min_chars: int | None = Field(None, ge=0, description="A match needs one shared n-gram "
                                  "this long in characters after normalisation (default: 3 "
                                  "per word of ngram), so that runs of one-letter code tokens "
                                  "are not evidence alone; 0 turns this off.")

    @model_validator(mode="after")
    def _span_at_least_ngram(self) -> _OverlapConfig:
        if self.min_span is not None and self.min_span < self.ngram:
            raise PydanticCustomError(
                "min_span", "min_span ({min_span}) must be at least ngram ({ngram}): a match "
                "is found n-gram by n-gram", {"min_span": self.min_span, "ngram": self.ngram})
        return self

    @property
    def span(self) -> int:
        return self.min_span or self.ngram


class DecontaminateConfig(_OverlapConfig):
    """Reject records that overlap evaluation items."""

    against: list[EvalSet] = Field(min_length=1, description="Evaluation files.")
    max_coverage: float = Field(0.5, gt=0, le=1, description="Reject when this share of an "
                                "eval text's n-grams occurs in the record.")
    min_words: int = Field(5, ge=1, description="Eval texts shorter than ngram words are "
                           "matched whole; shorter than this, ignored.")
    paraphrase: Paraphrase | None = None


def _resolve_source(value: Path, info: ValidationInfo) -> Path:
    base = Path((info.context or {}).get("base_dir") or Path.cwd())
    path = value.expanduser()
    path = path if path.is_absolute() else base / path
    if not path.exists():
        raise PydanticCustomError(
            "path_not_found", "not found: {path} (relative paths are read from {base})",
            {"path": str(path), "base": str(base)})
    return path.resolve()


def _serialize_source(value: Path, info: SerializationInfo) -> str:
    if not (info.context or {}).get("fingerprint"):
        return str(value)
    digest = hashlib.sha256()
    for file in source_files(value):
        digest.update(f"{file.relative_to(value) if value.is_dir() else ''}\0".encode())
        digest.update(hashlib.sha256(file.read_bytes()).digest())
    return "sha256:" + digest.hexdigest()


SourcePath = Annotated[Path, AfterValidator(_resolve_source), PlainSerializer(_serialize_source)]
"""A file or folder relative to the recipe; fingerprinted by the content it holds."""


class SourceCopyConfig(_OverlapConfig):
    """Reject records that reproduce long passages of private source documents."""

    sources: list[SourcePath] = Field(min_length=1, description="Files or folders (read "
                                      "recursively): .txt/.md whole, .jsonl/.json/.csv rows.")
    source_fields: list[str] | None = Field(None, description="Fields of JSONL/CSV sources "
                                            "holding text (default: every string).")
    min_span: int | None = Field(30, description="Reject when this many words in a row come "
                                 "from one source.")


def source_files(path: Path) -> list[Path]:
    """The readable files of a source path: itself, or a folder's, recursively, sorted."""
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file()
                  and not any(part.startswith(".") for part in p.relative_to(path).parts)
                  and p.name.removesuffix(".gz").lower().endswith(SOURCE_SUFFIXES))


# ---- the shared machinery ------------------------------------------------------------------

def record_texts(records: Sequence[Record],
                 fields: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """The strings to check, and the position in `records` each comes from."""
    if not fields:  # the common case: every value of data is a string
        values = [list(r.data.values()) for r in records]
        flat = [v for vs in values for v in vs]
        if set(map(type, flat)) <= {str}:
            return flat, np.repeat(np.arange(len(records)), list(map(len, values)))
    texts: list[str] = []
    owners: list[int] = []
    for i, record in enumerate(records):
        found = ([s for _, s in strings(record.data)] if not fields else
                 [s for f in fields for _, v in resolve(record.data, f.removeprefix("data."))
                  for _, s in strings(v)])
        texts += found
        owners += [i] * len(found)
    return texts, np.asarray(owners, dtype=np.int64)


def label_of(path: Path, base_dir: Path) -> str:
    """A file's name in reasons: relative to the recipe's folder, else `parent/name`."""
    try:
        return path.relative_to(base_dir.resolve()).as_posix()
    except ValueError:
        return f"{path.parent.name}/{path.name}"


def _cite(file: str, item: str) -> str:
    """`file#item`, or the file alone for a whole document."""
    return f"{file}#{item}" if item else file


class _OverlapCheck(Check):
    """Base of the n-gram steps: an index of reference units, matched batch by batch."""

    cpu_bound: ClassVar[bool] = True
    config: _OverlapConfig
    index: NgramIndex

    def check_batch(self, records: Sequence[Record]) -> list[str | None]:
        texts, owners = record_texts(records, self.config.fields)
        verdicts: list[str | None] = [None] * len(records)
        for owner, found in groupby(self.index.match(texts, owners), key=lambda o: o.owner):
            verdicts[owner] = self.judge(records[owner], list(found))
        return verdicts

    def judge(self, record: Record, overlaps: list[Overlap]) -> str | None:
        raise NotImplementedError

    def evidence(self, strong: list[Overlap]) -> tuple[Overlap, dict[str, Any]]:
        """The best overlap and the evidence kept in meta: file, item, field, span, ..."""
        ranked = sorted(strong, key=lambda o: (-o.span, -o.coverage, o.unit))
        best = ranked[0]
        file, item, field = self.index.units[best.unit]
        items = list(dict.fromkeys(self.index.units[o.unit][:2] for o in ranked))
        meta = {"file": file, "item": item, "field": field, "span": best.span,
                "coverage": round(best.coverage, 4), "matches": len(items)}
        if len(items) > 1:
            meta["also"] = [list(pair) for pair in items[1: _SHOWN + 1]]
        return best, meta


# ---- decontaminate -------------------------------------------------------------------------

@registry.register("step", "decontaminate")
class Decontaminate(_OverlapCheck):
    """Evaluation-set contamination: long shared n-grams, coverage, optional paraphrases."""

    Config = DecontaminateConfig

    def __init__(self, config: DecontaminateConfig, ctx: Context, name: str):
        super().__init__(config, ctx, name)
        self.config: DecontaminateConfig = config
        self.index = NgramIndex(config.ngram, min_words=config.min_words,
                                min_chars=config.min_chars)
        texts: list[str] = []  # kept for the paraphrase check only
        for spec in config.against:
            label = spec.label or label_of(spec.path, ctx.base_dir)
            for item in read_items(spec.path, spec.layout, spec.fields, spec.id):
                for field, text in item.texts:
                    self.index.add((label, item.id, field), text)
                    if config.paraphrase is not None:
                        texts.append(text)
        self.index.build()
        self._paraphrase = _ParaphraseCheck(config.paraphrase, self.index, texts,
                                            config.min_words, ctx.base_dir) \
            if config.paraphrase else None
        if self._paraphrase is not None:
            self.cpu_bound = False  # the model keeps its own threads (and maybe a GPU)

    def judge(self, record: Record, overlaps: list[Overlap]) -> str | None:
        c = self.config
        strong = [o for o in overlaps if o.span >= c.span or o.coverage >= c.max_coverage]
        if not strong:
            return None
        best, meta = self.evidence(strong)
        record.meta["contamination"] = {"kind": "ngram", **meta}
        more = f"; {meta['matches']} items matched" if meta["matches"] > 1 else ""
        return (f"contaminated: matches {_cite(meta['file'], meta['item'])} "
                f"(span {best.span} words, covers {best.coverage:.0%}{more})")

    def check_batch(self, records: Sequence[Record]) -> list[str | None]:
        verdicts = super().check_batch(records)
        if self._paraphrase is not None:
            self._paraphrase.check(records, verdicts, self.config.fields)
        return verdicts


class _ParaphraseCheck:
    """Nearest eval text by embedding; reject at a cosine similarity >= threshold."""

    def __init__(self, config: Paraphrase, index: NgramIndex, texts: list[str],
                 min_words: int, base_dir: Path):
        self.config = config
        self.units = index.units
        self.min_words = min_words
        cache_dir = None
        if config.cache_dir:
            cache_dir = Path(config.cache_dir).expanduser()
            cache_dir = cache_dir if cache_dir.is_absolute() else base_dir / cache_dir
        self.embedder = Embedder(config.model, cache_dir=cache_dir,
                                 batch_size=config.batch_size, device=config.device)
        keep = [u for u, t in enumerate(texts) if len(t.split()) >= min_words]
        self.unit_ids = np.asarray(keep, dtype=np.int64)
        self.vectors = self.embedder.encode([texts[u] for u in keep])

    def check(self, records: Sequence[Record], verdicts: list[str | None],
              fields: Sequence[str]) -> None:
        """Reject, in place, the records still kept whose nearest eval text is too close."""
        kept = [i for i, v in enumerate(verdicts) if v is None]
        texts, owners = record_texts([records[i] for i in kept], fields)
        pairs = [(t, kept[o]) for t, o in zip(texts, owners, strict=True)
                 if len(t.split()) >= self.min_words]
        if not pairs or not len(self.unit_ids):
            return
        sims = self.embedder.encode([t for t, _ in pairs]) @ self.vectors.T
        nearest = sims.argmax(axis=1)
        best: dict[int, tuple[float, int]] = {}
        for (_, owner), j, row in zip(pairs, nearest.tolist(), sims, strict=True):
            score = float(row[j])
            if score >= self.config.threshold and score > best.get(owner, (-1.0, 0))[0]:
                best[owner] = (score, int(self.unit_ids[j]))
        for owner, (score, unit) in best.items():
            file, item, field = self.units[unit]
            records[owner].meta["contamination"] = {
                "kind": "paraphrase", "file": file, "item": item, "field": field,
                "similarity": round(score, 4), "matches": 1}
            verdicts[owner] = (f"contaminated: paraphrases {_cite(file, item)} "
                               f"(similarity {score:.2f})")


# ---- source_copy ---------------------------------------------------------------------------

@registry.register("step", "source_copy")
class SourceCopy(_OverlapCheck):
    """Copies of private source documents: long runs of words taken from one source."""

    Config = SourceCopyConfig

    def __init__(self, config: SourceCopyConfig, ctx: Context, name: str):
        super().__init__(config, ctx, name)
        self.config: SourceCopyConfig = config
        self.index = NgramIndex(config.ngram, min_chars=config.min_chars)
        for root in config.sources:
            for file in source_files(root):
                label = label_of(file, ctx.base_dir)
                layout = guess_layout(file, text="document")
                fields = config.source_fields if layout != "document" else None
                for item in read_items(file, layout, fields):
                    for field, text in item.texts:
                        self.index.add((label, item.id, field), text)
        self.index.build()

    def judge(self, record: Record, overlaps: list[Overlap]) -> str | None:
        strong = [o for o in overlaps if o.span >= self.config.span]
        if not strong:
            return None
        best, meta = self.evidence(strong)
        record.meta["source_copy"] = meta
        return (f"source_copy: reproduces {best.span} words of "
                f"{_cite(meta['file'], meta['item'])} — generated data may reproduce "
                "memorised source material")


# ---- the report ----------------------------------------------------------------------------

class RunLike(Protocol):
    """What the report needs of a run (synthforge.open_run(path) gives one)."""

    path: Path

    def rejected(self) -> Iterator[dict[str, Any]]: ...


def contamination_report(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Which evaluation items (and source documents) were hit, and by which records.

    `rows` are a run's rejected rows (`synthforge.open_run(path).rejected()`); the evidence
    is what `decontaminate` and `source_copy` left in their `meta`.
    """
    rows = list(rows)
    return {"contamination": _hits(rows, "contamination"),
            "source_copy": _hits(rows, "source_copy")}


def _hits(rows: list[dict[str, Any]], key: str) -> dict[str, Any]:
    """Items hit (most hit first), each with its records, from the evidence under `key`."""
    items: dict[tuple[str, str], dict[str, Any]] = {}
    records = 0
    for row in rows:
        ev = (row.get("meta") or {}).get(key)
        if not isinstance(ev, dict):
            continue
        records += 1
        who = {"id": row.get("id"), "index": row.get("index"), "stage": row.get("stage")}
        best = {**who, **{k: ev[k] for k in _EVIDENCE if k in ev}}
        pairs = [(str(ev.get("file")), str(ev.get("item", ""))),
                 *((str(f), str(i)) for f, i in ev.get("also", []))]
        for rank, pair in enumerate(pairs):
            entry = items.setdefault(pair, {"file": pair[0], "item": pair[1], "records": []})
            entry["records"].append(best if rank == 0 else {**who, "best": False})
    by_file: dict[str, int] = {}
    for file, _ in items:
        by_file[file] = by_file.get(file, 0) + 1
    listed = sorted(items.values(), key=lambda e: (-len(e["records"]), e["file"], e["item"]))
    return {"records": records, "items_hit": len(items), "by_file": dict(sorted(by_file.items())),
            "items": listed}


def write_contamination_report(run: RunLike, path: str | Path | None = None) -> Path:
    """Write the report of a run as JSON (default: `contamination.json` in its directory)."""
    target = Path(path) if path is not None else Path(run.path) / "contamination.json"
    report = contamination_report(run.rejected())
    write_atomic(target, orjson.dumps(report, option=orjson.OPT_INDENT_2) + b"\n")
    return target
