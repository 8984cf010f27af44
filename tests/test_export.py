"""Tests of the export step: formats, writers, splits, the exporter and the dataset card."""

from __future__ import annotations

import random
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from pydantic import ValidationError

from synthforge.curate.normalize import text_key
from synthforge.export.card import CardInfo, render_card, size_category, write_card
from synthforge.export.exporter import ExportResult, export_records
from synthforge.export.formats import FormatError, FormatSpec, get_format
from synthforge.export.splits import assign_splits, largest_remainder
from synthforge.export.writers import (
    JSON_COLUMN,
    SchemaBuilder,
    infer_schema,
    open_writer,
)
from synthforge.record import Record


def rec(data: dict[str, Any], i: int = 0, meta: dict[str, Any] | None = None) -> Record:
    return Record(f"r-{i}", i, data, meta if meta is not None else {"source": "s"})


def fmt(type_: str, **spec: Any):
    return get_format(FormatSpec(type=type_, **spec))


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


# ---- formats -------------------------------------------------------------------------------

def test_chat_from_instruction_input_and_response():
    row = fmt("chat", system="Be brief.").row(
        rec({"instruction": "Sum these.", "input": "2 3", "response": "5"}, 4))
    assert row == {"messages": [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Sum these.\n\n2 3"},
        {"role": "assistant", "content": "5"},
    ], "id": "r-4"}


def test_chat_record_system_wins_over_spec_and_question_answer_defaults():
    row = fmt("chat", system="spec", include=[]).row(
        rec({"question": "Q?", "answer": "A.", "system": "mine"}))
    assert row["messages"][0] == {"role": "system", "content": "mine"}
    assert [m["role"] for m in row["messages"]] == ["system", "user", "assistant"]


def test_chat_uses_given_messages_adds_system_and_final_response():
    record = rec({"messages": [{"role": "user", "content": "hi"}], "response": "hello"})
    row = fmt("chat", system="S", include=[]).row(record)
    assert row["messages"] == [{"role": "system", "content": "S"},
                               {"role": "user", "content": "hi"},
                               {"role": "assistant", "content": "hello"}]
    assert record.data["messages"] == [{"role": "user", "content": "hi"}]  # not mutated
    given = [{"role": "system", "content": "own"}, {"role": "user", "content": "q"},
             {"role": "assistant", "content": "a"}]
    assert fmt("chat", system="S", include=[]).row(rec({"messages": given})) == {
        "messages": given}


@pytest.mark.parametrize(("data", "needle"), [
    ({"instruction": "x"}, "chat format needs 'response', 'output', 'answer' or 'completion' "
                           "(or set format.fields.response)"),
    ({"response": "x"}, "chat format needs 'messages' or 'instruction', 'prompt' or 'question'"),
    ({"messages": [{"role": "user", "content": "q"}]}, "a final assistant message or"),
    ({"messages": [{"role": "user"}]}, "needs a text 'role' and 'content'"),
    ({"messages": []}, "'messages' must be a non-empty list"),
    ({"prompt": "p", "response": 3}, "'response' must be text, got int"),
])
def test_chat_errors_name_the_field_and_the_format(data, needle):
    with pytest.raises(FormatError) as err:
        fmt("chat").row(rec(data))
    assert needle in str(err.value)


def test_sharegpt_maps_roles():
    row = fmt("sharegpt", system="S", include=["index"]).row(
        rec({"prompt": "p", "completion": "c"}, 7))
    assert row == {"conversations": [{"from": "system", "value": "S"},
                                     {"from": "human", "value": "p"},
                                     {"from": "gpt", "value": "c"}], "index": 7}
    with pytest.raises(FormatError, match="role 'tool'"):
        fmt("sharegpt").row(rec({"messages": [{"role": "tool", "content": "t"},
                                              {"role": "assistant", "content": "a"}]}))


def test_alpaca_keeps_input_separate_and_defaults_it_to_empty():
    f = fmt("alpaca", include=[])
    assert f.row(rec({"instruction": "i", "input": "x", "output": "o"})) == {
        "instruction": "i", "input": "x", "output": "o"}
    assert f.row(rec({"question": "q", "answer": "a"})) == {
        "instruction": "q", "input": "", "output": "a"}
    with pytest.raises(FormatError) as err:
        f.row(rec({"output": "o"}))
    assert str(err.value) == ("alpaca format needs 'instruction', 'prompt' or 'question' "
                              "(or set format.fields.instruction)")


def test_dpo_rows_and_missing_rejected():
    f = fmt("dpo", include=[])
    assert f.row(rec({"instruction": "i", "chosen": "c", "rejected": "r"})) == {
        "prompt": "i", "chosen": "c", "rejected": "r"}
    with pytest.raises(FormatError, match="dpo format needs 'rejected'"):
        f.row(rec({"prompt": "p", "chosen": "c"}))


@pytest.mark.parametrize("label", ["pos", 3, True])
def test_classification_labels(label):
    assert fmt("classification", include=[]).row(rec({"text": "t", "label": label})) == {
        "text": "t", "label": label}


def test_classification_errors():
    f = fmt("classification")
    with pytest.raises(FormatError, match="'label' must be text, an int or a bool, got float"):
        f.row(rec({"text": "t", "label": 0.5}))
    with pytest.raises(FormatError, match="classification format needs 'text'"):
        f.row(rec({"label": 1}))


def test_records_as_is_and_selected():
    record = rec({"a": 1, "b": {"c": [1, 2]}}, 2)
    assert fmt("records").row(record) == {"a": 1, "b": {"c": [1, 2]}}
    assert fmt("records", include=["id"]).row(record) == {"a": 1, "b": {"c": [1, 2]}, "id": "r-2"}
    assert fmt("records").row(rec({"id": 5})) == {"id": 5}
    f = fmt("records", fields={"x": "b.c", "src": "meta.source"}, include=[])
    assert f.row(record) == {"x": [1, 2], "src": "s"}
    with pytest.raises(FormatError, match="records format needs 'nope'"):
        fmt("records", fields={"x": "nope"}).row(record)
    with pytest.raises(FormatError, match="include column 'id' clashes"):
        fmt("records", include=["id"]).row(rec({"id": 5}))


def test_fields_remap_slots_to_any_path():
    f = fmt("chat", fields={"prompt": "query", "response": "meta.gold"}, include=[])
    row = f.row(rec({"query": "q", "response": "ignored"}, meta={"gold": "g"}))
    assert row["messages"] == [{"role": "user", "content": "q"},
                               {"role": "assistant", "content": "g"}]
    with pytest.raises(FormatError) as err:
        f.row(rec({"prompt": "p"}, meta={"gold": "g"}))
    assert str(err.value) == "chat format needs 'query' (set by format.fields.prompt)"


def test_include_columns():
    f = fmt("alpaca", include=["id", "index", "meta", "meta.source", "topic", "absent"])
    row = f.row(rec({"instruction": "i", "output": "o", "topic": "math"}, 3,
                    meta={"source": "web", "k": 1}))
    assert row == {"instruction": "i", "input": "", "output": "o", "id": "r-3", "index": 3,
                   "meta": {"source": "web", "k": 1}, "meta.source": "web", "topic": "math",
                   "absent": None}


@pytest.mark.parametrize("spec", [
    {"type": "alpaca", "fields": {"response": "x"}},
    {"type": "alpaca", "system": "S"},
    {"type": "chat", "include": ["messages"]},
    {"type": "dpo", "include": ["id", "id"]},
    {"type": "records", "fields": {"id": "x"}, "include": ["id"]},
    {"type": "nope"},
])
def test_spec_checked_against_format(spec):
    with pytest.raises(ValidationError):
        FormatSpec.model_validate(spec)


def test_spec_shorthand_and_default_include():
    spec = FormatSpec.model_validate("chat")
    assert (spec.type, spec.include) == ("chat", None)
    assert get_format(spec).include == ("id",)
    assert get_format(FormatSpec.model_validate("records")).include == ()


def test_keys_are_the_prompt_side():
    chat = fmt("chat", system="S")
    row = chat.row(rec({"prompt": "p", "response": "r"}))
    assert chat.key(row) == "S\np"
    share = fmt("sharegpt")
    assert share.key(share.row(rec({"prompt": "p", "response": "r"}))) == "p"
    alpaca = fmt("alpaca")
    assert alpaca.key(alpaca.row(rec({"instruction": "i", "input": "x", "output": "o"}))) == (
        "i\n\nx")
    assert alpaca.key(alpaca.row(rec({"instruction": "i", "output": "o"}))) == "i"
    dpo = fmt("dpo")
    assert dpo.key(dpo.row(rec({"prompt": "p", "chosen": "c", "rejected": "r"}))) == "p"
    cls = fmt("classification")
    assert cls.key(cls.row(rec({"text": "t", "label": 1}))) == "t"
    records = fmt("records", include=["id", "index"])
    a, b = records.row(rec({"y": 1, "x": 2}, 1)), records.row(rec({"x": 2, "y": 1}, 2))
    assert records.key(a) == records.key(b) == '{"x":2,"y":1}'


# ---- writers -------------------------------------------------------------------------------

ROWS = [
    {"messages": [{"role": "user", "content": "héllo ✓"}], "meta": {}, "id": "a", "n": None},
    {"messages": [{"role": "user", "content": "x"}, {"role": "assistant", "content": "y"}],
     "meta": {"source": "web", "score": 0.5}, "id": "b", "n": 2},
    {"messages": [], "meta": {"score": 1}, "id": "c", "n": 3},
]


def test_jsonl_round_trip(tmp_path):
    path = tmp_path / "out.jsonl"
    with open_writer("jsonl", path) as writer:
        for row in ROWS:
            writer.write(row)
    data = path.read_bytes()
    assert data.endswith(b"\n") and data.count(b"\n") == len(ROWS)
    assert "héllo ✓".encode() in data
    assert read_jsonl(path) == ROWS
    assert leftovers(tmp_path) == ["out.jsonl"]


def test_parquet_round_trip_across_chunks_with_unified_schema(tmp_path):
    schema = infer_schema(ROWS, chunk_rows=1)
    assert schema.field("meta").type == pa.struct([("source", pa.string()),
                                                    ("score", pa.float64())])
    assert schema.field("n").type == pa.int64()
    path = tmp_path / "out.parquet"
    writer = open_writer("parquet", path, schema)
    writer.chunk_rows = 2  # type: ignore[attr-defined]
    for row in ROWS:
        writer.write(row)
    writer.close()
    assert pq.ParquetFile(path).metadata.num_row_groups == 2
    back = pq.read_table(path).to_pylist()
    assert [r["messages"] for r in back] == [r["messages"] for r in ROWS]
    assert back[1]["meta"] == {"source": "web", "score": 0.5}
    assert back[2]["meta"] == {"source": None, "score": 1.0}
    assert [r["n"] for r in back] == [None, 2, 3]


def test_schema_falls_back_to_json_text_for_mixed_or_empty_values():
    builder = SchemaBuilder(chunk_rows=2)
    for row in [{"v": 1, "e": {}}, {"v": 2, "e": {}}, {"v": "three", "e": {}}]:
        builder.add(row)
    schema = builder.schema()
    for name in ("v", "e"):
        assert schema.field(name).type == pa.string()
        assert schema.field(name).metadata == {JSON_COLUMN: b"json"}


def test_parquet_json_columns_hold_json_text(tmp_path):
    rows = [{"v": 1}, {"v": "two"}, {"v": None}]
    path = tmp_path / "x.parquet"
    with open_writer("parquet", path, infer_schema(rows)) as writer:
        for row in rows:
            writer.write(row)
    values = pq.read_table(path).column("v").to_pylist()
    assert values == ["1", '"two"', None]


def test_parquet_without_schema_rejects_a_new_column(tmp_path):
    writer = open_writer("parquet", tmp_path / "x.parquet")
    writer.chunk_rows = 1  # type: ignore[attr-defined]
    writer.write({"a": 1})
    with pytest.raises(ValueError, match="'b' is not in the Parquet schema"):
        writer.write({"a": 2, "b": 3})
    writer.abort()
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("kind", ["jsonl", "parquet"])
def test_abort_leaves_nothing_and_keeps_the_old_file(tmp_path, kind):
    path = tmp_path / f"out.{kind}"
    path.write_bytes(b"old")
    writer = open_writer(kind, path)
    writer.write({"a": 1})
    writer.abort()
    assert path.read_bytes() == b"old"
    assert leftovers(tmp_path) == [path.name]


@pytest.mark.parametrize("kind", ["jsonl", "parquet"])
def test_exception_inside_with_leaves_no_file(tmp_path, kind):
    path = tmp_path / f"out.{kind}"
    with pytest.raises(RuntimeError), open_writer(kind, path) as writer:
        writer.write({"a": 1})
        raise RuntimeError("boom")
    assert leftovers(tmp_path) == []


def test_nothing_at_path_until_close(tmp_path):
    path = tmp_path / "out.jsonl"
    writer = open_writer("jsonl", path)
    writer.write({"a": 1})
    writer.finish()
    assert not path.exists()
    writer.close()
    assert read_jsonl(path) == [{"a": 1}]
    with pytest.raises(ValueError, match="closed"):
        writer.write({"a": 2})


def test_open_writer_rejects_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="unknown writer 'csv'"):
        open_writer("csv", tmp_path / "x.csv")
    with pytest.raises(ValueError, match="takes no schema"):
        open_writer("jsonl", tmp_path / "x.jsonl", pa.schema([("a", pa.int64())]))
    assert leftovers(tmp_path) == []


# ---- splits --------------------------------------------------------------------------------

SHARES = {"train": 0.8, "validation": 0.1, "test": 0.1}


def dup_keys(n: int = 10_000, seed: int = 1) -> list[int]:
    rng = random.Random(seed)
    distinct = [rng.getrandbits(64) for _ in range(n // 2)]
    return [rng.choice(distinct) if rng.random() < 0.5 else distinct[i % len(distinct)]
            for i in range(n)]


def by_key(keys: list[int], labels: list[str]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = defaultdict(set)
    for key, label in zip(keys, labels, strict=True):
        out[key].add(label)
    return out


def test_equal_keys_share_a_split_and_shares_are_close():
    keys = dup_keys()
    plan = assign_splits(keys, SHARES, seed=3)
    assert all(len(s) == 1 for s in by_key(keys, plan.labels()).values())
    biggest = max(np.unique(keys, return_counts=True)[1])
    for name, n in plan.counts().items():
        assert abs(n - SHARES[name] * len(keys)) <= biggest
    assert sum(plan.counts().values()) == len(keys)


def test_splits_are_deterministic_and_independent_of_order():
    keys = dup_keys(2000)
    first = by_key(keys, assign_splits(keys, SHARES, 5).labels())
    assert by_key(keys, assign_splits(keys, SHARES, 5).labels()) == first
    shuffled = keys[:]
    random.Random(9).shuffle(shuffled)
    assert by_key(shuffled, assign_splits(np.array(shuffled, dtype=np.uint64), SHARES,
                                          5).labels()) == first
    assert by_key(keys, assign_splits(keys, SHARES, 6).labels()) != first


def test_distinct_keys_split_exactly_by_largest_remainder():
    plan = assign_splits(list(range(1, 102)), {"a": 0.5, "b": 0.25, "c": 0.25}, 0)
    assert plan.counts() == {"a": 51, "b": 25, "c": 25}
    assert largest_remainder(10, [1, 1, 1]) == [4, 3, 3]
    assert largest_remainder(7, [0.5, 0.5]) == [4, 3]


def test_single_split_empty_keys_and_bad_shares():
    assert assign_splits([5, 5, 7], {"train": 1.0}, 0).labels() == ["train"] * 3
    assert assign_splits([], SHARES, 0).counts() == {"train": 0, "validation": 0, "test": 0}
    for bad in ({}, {"a": -0.5, "b": 1.5}, {"a": 0.0}):
        with pytest.raises(ValueError):
            assign_splits([1], bad, 0)


# ---- exporter ------------------------------------------------------------------------------

PROMPTS = ["What is 2+2?", "what is 2 + 2", "Name a colour.", "Name a colour!", "Why?"]


def corpus(n: int = 60) -> list[Record]:
    out = []
    for i in range(n):
        data: dict[str, Any] = {"prompt": PROMPTS[i % len(PROMPTS)] + f" #{i // 10}",
                                "response": f"answer {i}"}
        if i == 13:
            del data["response"]
        out.append(Record(f"id-{i}", i, data, {"source": "s", **({"n": i} if i % 2 else {})}))
    return out


def export(tmp_path: Path, writer: str, records: list[Record] | None = None,
           shares: dict[str, float] | None = None, **spec: Any) -> ExportResult:
    rows = corpus() if records is None else records
    spec.setdefault("include", ["id", "meta"])
    return export_records(lambda: iter(rows), FormatSpec(type="chat", **spec), writer,
                          tmp_path / "dataset", shares or SHARES, seed=11)


def read_rows(path: Path) -> list[dict[str, Any]]:
    return read_jsonl(path) if path.suffix == ".jsonl" else pq.read_table(path).to_pylist()


@pytest.mark.parametrize("writer", ["jsonl", "parquet"])
def test_export_end_to_end(tmp_path, writer):
    result = export(tmp_path, writer)
    assert (result.format, result.writer, result.skipped) == ("chat", writer, 1)
    assert result.skipped_examples[0][0] == "id-13"
    assert "needs 'response'" in result.skipped_examples[0][1]
    assert set(result.files) == set(SHARES)
    assert {s: p.name for s, p in result.files.items()} == {
        s: f"{s}.{writer}" for s in SHARES}
    assert sum(result.counts.values()) == 59
    split_of_key: dict[int, set[str]] = defaultdict(set)
    for split, path in result.files.items():
        rows = read_rows(path)
        assert len(rows) == result.counts[split]
        indexes = [int(r["id"].split("-")[1]) for r in rows]
        assert indexes == sorted(indexes)  # record order
        for row in rows:
            split_of_key[text_key(row["messages"][0]["content"])].add(split)
            assert row["meta"]["source"] == "s"
    assert all(len(s) == 1 for s in split_of_key.values())
    assert len(split_of_key) < 59  # there were duplicates to keep together
    assert leftovers(tmp_path / "dataset") == sorted(p.name for p in result.files.values())


def test_export_parquet_matches_jsonl(tmp_path):
    a = export(tmp_path / "a", "jsonl")
    b = export(tmp_path / "b", "parquet")
    assert a.counts == b.counts
    for split in a.files:
        jsonl, parquet = read_rows(a.files[split]), read_rows(b.files[split])
        assert [r["messages"] for r in jsonl] == [r["messages"] for r in parquet]
        assert [r["meta"].get("n") for r in jsonl] == [r["meta"]["n"] for r in parquet]


def test_export_single_split_still_names_the_file(tmp_path):
    result = export(tmp_path, "jsonl", shares={"train": 1.0})
    assert result.files == {"train": tmp_path / "dataset" / "train.jsonl"}
    assert result.counts == {"train": 59}


def test_export_replaces_old_files_and_removes_stale_ones(tmp_path):
    export(tmp_path, "jsonl")
    notes = tmp_path / "dataset" / "notes.txt"
    notes.write_text("mine")
    result = export(tmp_path, "parquet", shares={"train": 0.5, "test": 0.5})
    assert leftovers(tmp_path / "dataset") == ["notes.txt", "test.parquet", "train.parquet"]
    assert sum(len(read_rows(p)) for p in result.files.values()) == 59


def test_export_failure_leaves_the_previous_export(tmp_path):
    first = export(tmp_path, "jsonl")
    before = {p: p.read_bytes() for p in first.files.values()}
    records = corpus()
    calls = 0

    def failing() -> Any:
        nonlocal calls
        calls += 1
        for i, record in enumerate(records):
            if calls == 2 and i == 40:
                raise OSError("disk went away")
            yield record

    with pytest.raises(OSError, match="disk went away"):
        export_records(failing, FormatSpec(type="chat"), "jsonl", tmp_path / "dataset",
                       {"train": 0.5, "test": 0.5}, seed=1)
    assert {p: p.read_bytes() for p in first.files.values()} == before
    assert leftovers(tmp_path / "dataset") == sorted(p.name for p in first.files.values())


def test_export_detects_records_changing_between_passes(tmp_path):
    records = corpus(10)
    passes = iter([records, records[:5]])
    with pytest.raises(RuntimeError, match="changed between the two export passes"):
        export_records(lambda: next(passes), FormatSpec(type="chat"), "jsonl", tmp_path,
                       {"train": 1.0}, seed=0)
    assert leftovers(tmp_path) == []


def test_export_skips_empty_splits(tmp_path):
    result = export(tmp_path, "jsonl", records=corpus(3), shares={"train": 0.9, "test": 0.1})
    assert result.counts == {"train": 3, "test": 0}
    assert set(result.files) == {"train"}


@pytest.mark.parametrize("writer", ["jsonl", "parquet"])
def test_export_loads_with_datasets(tmp_path, monkeypatch, writer):
    home = tmp_path / "hf"
    for name in ("HF_HOME", "HF_DATASETS_CACHE"):
        monkeypatch.setenv(name, str(home))
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    datasets = pytest.importorskip("datasets")
    result = export(tmp_path, writer)
    files = {s: str(p) for s, p in result.files.items()}
    loaded = datasets.load_dataset("json" if writer == "jsonl" else "parquet",
                                   data_files=files, cache_dir=str(home))
    assert {s: loaded[s].num_rows for s in files} == result.counts
    first = read_rows(result.files["train"])[0]
    assert loaded["train"][0]["messages"] == first["messages"]
    assert loaded["train"][0]["id"] == first["id"]
    write_card(tmp_path / "README.md", card_info(result))
    from_card = datasets.load_dataset(str(tmp_path), cache_dir=str(home))
    assert {s: from_card[s].num_rows for s in files} == result.counts


# ---- card ----------------------------------------------------------------------------------

def card_info(result: ExportResult) -> CardInfo:
    return CardInfo(
        name="tiny-math", description="Sums.", license="apache-2.0", seed=11,
        fingerprint="ab" * 32, target=60,
        counts={"accepted": 59, "rejected": 3, "failed": 1, "attempted": 63},
        stop_reason="target",
        funnel=[{"stage": "generate", "in": 63, "kept": 62, "rejected": 0, "failed": 1,
                 "reasons": {}},
                {"stage": "lint", "in": 62, "kept": 59, "rejected": 3, "failed": 0,
                 "reasons": {"regex: a|b": 2, "too_short": 1}}],
        exports=[result], recipe_yaml="name: tiny-math\nnote: |\n  ``` fenced\n",
        versions={"synthforge": "0.1.0", "pyarrow": pa.__version__},
        created="2024-01-02T03:04:05Z")


def split_card(text: str) -> tuple[dict[str, Any], str]:
    match = re.match(r"---\n(.*?)\n---\n(.*)", text, re.S)
    assert match
    return yaml.safe_load(match.group(1)), match.group(2)


def test_card_front_matter_and_body(tmp_path):
    result = export(tmp_path, "jsonl")
    path = tmp_path / "README.md"
    write_card(path, card_info(result))
    front, body = split_card(path.read_text())
    assert front["license"] == "apache-2.0"
    assert front["pretty_name"] == "tiny-math"
    assert front["size_categories"] == ["n<1K"]
    assert front["configs"] == [{"config_name": "default", "data_files": [
        {"split": s, "path": f"dataset/{s}.jsonl"} for s in SHARES]}]
    assert 'ds = load_dataset(\n    "json",\n    data_files={\n' in body
    assert '        "test": "dataset/test.jsonl",\n' in body
    assert "| lint | regex: a\\|b | 2 |" in body
    for line in body.splitlines():
        if line.startswith("| lint"):
            assert len(re.findall(r"(?<!\\)\|", line)) in (4, 6)
    assert "````yaml\nname: tiny-math" in body and body.count("````") == 2
    assert "| pyarrow |" in body and "Stop reason: `target`." in body
    assert leftovers(tmp_path) == ["README.md", "dataset"]


def test_card_paths_follow_the_root_and_writer(tmp_path):
    result = export(tmp_path / "run", "parquet", shares={"train": 1.0})
    info = card_info(result)
    info.root = tmp_path
    front, body = split_card(render_card(info))
    assert front["configs"][0]["data_files"] == [
        {"split": "train", "path": "run/dataset/train.parquet"}]
    assert '    "parquet",\n' in body
    assert '"train": "run/dataset/train.parquet",' in body


@pytest.mark.parametrize(("rows", "category"), [
    (0, "n<1K"), (999, "n<1K"), (1000, "1K<n<10K"), (123_456, "100K<n<1M"),
    (10**7, "10M<n<100M"), (10**13, "n>1T"),
])
def test_size_category(rows, category):
    assert size_category(rows) == category
