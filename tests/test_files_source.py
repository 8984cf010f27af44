"""The `file` source: rows of JSONL, JSON, Parquet and CSV/TSV files, streamed."""

from __future__ import annotations

import csv
import gzip
import json
import random
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import synthforge as sf
import synthforge.generate.files  # registers the `file` source (until the registry lists it)
from synthforge.errors import RecipeError, UserError
from synthforge.generate.files import FileConfig, FileSource, MalformedRow, open_rows
from synthforge.stage import Context, Reject

ROWS = [{"id": f"r{i}", "text": f"row {i}, with \"quotes\"\nand a newline", "n": str(i)}
        for i in range(25)]


def source(path: Path, **params: Any) -> FileSource:
    config = FileConfig.model_validate({"path": str(path), **params},
                                       context={"base_dir": str(path.parent)})
    return FileSource(config, Context(), "file")


def items(src: FileSource) -> list[dict[str, Any]]:
    return [src.generate(k)[0] for k in range(src.size())]


def write(path: Path, rows: list[dict[str, Any]]) -> Path:
    """`rows` in the format `path` names (gzipped if it ends in .gz)."""
    name = path.name.removesuffix(".gz")
    if name.endswith(".parquet"):
        pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=7)
        return path
    if name.endswith(".jsonl"):
        text = "".join(json.dumps(r) + "\n" for r in rows)
    elif name.endswith(".json"):
        text = json.dumps(rows, indent=2)
    else:
        out = __import__("io").StringIO(newline="")
        writer = csv.DictWriter(out, list(rows[0]), delimiter="\t" if ".tsv" in name else ",")
        writer.writeheader()
        writer.writerows(rows)
        text = out.getvalue()
    data = text.encode()
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
    return path


FORMATS = ["a.jsonl", "a.jsonl.gz", "a.json", "a.json.gz", "a.parquet", "a.csv", "a.csv.gz",
           "a.tsv"]


@pytest.mark.parametrize("name", FORMATS)
def test_every_format_gives_its_rows_in_order(tmp_path, name):
    src = source(write(tmp_path / name, ROWS))
    assert src.size() == len(ROWS)
    assert items(src) == ROWS
    with pytest.raises(Reject, match=r"exhausted: a.* has 25 rows"):
        src.generate(len(ROWS))


@pytest.mark.parametrize("name", FORMATS)
def test_rows_read_in_any_order_are_the_same(tmp_path, name):
    path = write(tmp_path / name, ROWS)
    order = list(range(len(ROWS)))
    random.Random(3).shuffle(order)
    src = source(path)
    assert [src.generate(k)[0] for k in order] == [ROWS[k] for k in order]
    assert source(path).generate(17) == src.generate(17)  # a pure function of (file, k)


def test_jsonl_skips_blank_lines_and_tolerates_crlf_bom_and_no_final_newline(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"a": 1}\r\n\r\n\n{"a": 2}\n{"a": 3}')
    assert items(source(path)) == [{"a": 1}, {"a": 2}, {"a": 3}]


def test_a_json_file_of_lines_is_read_as_json_lines(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"a": 1}\n{"a": 2}\n')
    assert items(source(path)) == [{"a": 1}, {"a": 2}]


def test_json_arrays_with_tricky_strings_and_nesting(tmp_path):
    rows = [{"s": 'a ], "b" {', "t": "\\", "u": '\\"'}, {"nested": [[1, {"x": ","}], []]},
            {}]
    path = tmp_path / "x.json"
    path.write_text(json.dumps(rows))
    assert items(source(path)) == rows
    path.write_text("[ \n ]")
    assert source(path).size() == 0


def test_csv_quoted_newlines_blank_lines_and_header_names(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text('\ufeffid,text,,text\n1,"two\nlines",a,b\n\n2,"say ""hi""",c,d\n',
                    newline="")
    src = source(path)
    assert src.rows.columns == ["id", "text", "column_3", "text.1"]
    assert items(src) == [{"id": "1", "text": "two\nlines", "column_3": "a", "text.1": "b"},
                          {"id": "2", "text": 'say "hi"', "column_3": "c", "text.1": "d"}]


def test_parquet_reads_by_row_group_and_keeps_few_decoded(tmp_path):
    rows = [{"i": i, "text": f"t{i}", "tags": ["a"] * (i % 3)} for i in range(100)]
    path = tmp_path / "x.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=9)
    assert pq.ParquetFile(path).num_row_groups == 12
    src = source(path)
    order = list(range(100))
    random.Random(1).shuffle(order)
    assert [src.generate(k)[0] for k in order] == [rows[k] for k in order]
    assert len(src.rows._groups) <= src.rows.GROUPS_KEPT
    only = source(path, fields={"t": "text"})
    assert only.generate(42)[0] == {"t": "t42"}
    assert only.rows._read == ["text"]  # the other columns are never decoded


def test_parquet_values_become_json(tmp_path):
    import datetime as dt
    from decimal import Decimal

    table = pa.table({"when": [dt.datetime(2024, 5, 1, 8, 30)], "day": [dt.date(2024, 5, 1)],
                      "price": pa.array([Decimal("9.99")], pa.decimal128(6, 2)),
                      "raw": [b"text"], "m": pa.array([[("k", 1)]], pa.map_(pa.string(),
                                                                             pa.int64()))})
    path = tmp_path / "x.parquet"
    pq.write_table(table, path)
    assert source(path).generate(0)[0] == {"when": "2024-05-01T08:30:00", "day": "2024-05-01",
                                           "price": "9.99", "raw": "text", "m": {"k": 1}}


def test_fields_select_rename_and_dotted_paths(tmp_path):
    path = tmp_path / "x.jsonl"
    write(path, [{"id": 7, "body": "hello", "meta": {"lang": "en", "tags": ["a", "b"]},
                  "a.b": 1}])
    assert source(path, fields=["body", "a.b"]).generate(0)[0] == {"body": "hello", "a.b": 1}
    data, meta = source(path, fields={"text": "body", "lang": "meta.lang",
                                      "tag": "meta.tags.1"}, id_field="id").generate(0)
    assert data == {"text": "hello", "lang": "en", "tag": "b"}
    assert meta == {"source_id": 7}
    with pytest.raises(Reject, match=r"missing_field: the row has no .meta\.topic."):
        source(path, fields={"topic": "meta.topic"}).generate(0)


def test_limit_reads_the_first_rows_only(tmp_path):
    src = source(write(tmp_path / "x.jsonl", ROWS), limit=3)
    assert src.size() == 3 and items(src) == ROWS[:3]
    with pytest.raises(Reject, match="exhausted"):
        src.generate(3)


def test_unknown_columns_of_csv_and_parquet_are_recipe_errors(tmp_path):
    for name in ("x.csv", "x.parquet"):
        path = write(tmp_path / name, ROWS)
        recipe = {"name": "t", "target": 1, "mix": [{"generator": "file", "params": {
            "path": str(path), "fields": {"text": "txt"}}}]}
        with pytest.raises(RecipeError, match=r"mix\.0\.params\.fields: x\.\w+ has no column "
                           r"'txt'; did you mean 'text'\?"):
            sf.load_recipe(recipe)


def test_malformed_rows_fail_with_file_and_line(tmp_path):
    jsonl = tmp_path / "bad.jsonl"
    jsonl.write_text('{"a": 1}\n\n{"a": \n[1, 2]\n"text"\n{"a": 2}\n')
    array = tmp_path / "bad.json"
    array.write_text('[\n  {"a": 1},\n  {"a":\n    oops},\n  {"a": 2}\n]\n')
    table = tmp_path / "bad.csv"
    table.write_bytes(b'a,b\n1,2\n3,"x"y\n4,5,6\n7,\xff\n8,9\n')
    expected = {
        jsonl: ["bad.jsonl:3: invalid JSON", "bad.jsonl:4: expected a JSON object, got an "
                "array", "bad.jsonl:5: expected a JSON object, got a string"],
        array: ["bad.json:4: invalid JSON"],
        table: ["bad.csv:3: bad CSV record", "bad.csv:4: expected 2 fields (a, b), got 3",
                "bad.csv:5: not UTF-8 text"]}
    for path, errors in expected.items():
        src = source(path)
        got = []
        for k in range(src.size()):
            try:
                src.generate(k)
            except MalformedRow as exc:
                got.append(str(exc))
        assert len(got) == len(errors)
        for message, start in zip(got, errors, strict=True):
            assert message.startswith(f"{path.parent}/{start}"), message


def test_a_run_records_malformed_rows_as_failed_and_goes_on(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"t": "a"}\n{"t": \n{"t": "b"}\n')
    recipe = {"name": "bad", "target": 3, "budget": {"max_attempts": 3},
              "mix": [{"generator": "file", "params": {"path": str(path)}}]}
    run = sf.run(recipe, tmp_path / "run")
    assert run.counts | {"cost": 0} == {"accepted": 2, "rejected": 0, "failed": 1,
                                         "attempted": 3, "cost": 0}
    (failed,) = list(run.rejected())
    assert failed["fate"] == "failed" and failed["stage"] == "source"
    assert failed["reason"].startswith(f"MalformedRow: {path}:2: invalid JSON")
    assert [r.data for r in run.records()] == [{"t": "a"}, {"t": "b"}]


def test_a_json_array_with_data_after_it_or_no_array_is_an_error(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('[{"a": 1}]\n[{"a": 2}]')
    with pytest.raises(UserError, match=r"x\.json:2: data after the end of the JSON array"):
        open_rows(path)
    path.write_text('"just a string"')
    with pytest.raises(UserError, match="not a JSON array"):
        open_rows(path)


def test_gzip_reads_backwards_and_forwards(tmp_path):
    rows = [{"i": i, "pad": "x" * 5000} for i in range(600)]  # several read windows
    src = source(write(tmp_path / "x.jsonl.gz", rows))
    for k in (599, 0, 300, 301, 2, 598):
        assert src.generate(k)[0] == rows[k]


def run_file_recipe(path: Path, out: Path, steps: list[Any], **run: Any) -> sf.Run:
    recipe = {"name": "f", "target": 1000, "budget": {"max_attempts": 1000},
              "mix": [{"generator": "file", "params": {"path": str(path)}}], "steps": steps,
              "run": {"batch_size": 64, **run}}
    return sf.run(recipe, out)


@pytest.mark.parametrize("name", ["x.jsonl.gz", "x.csv", "x.parquet"])
def test_runs_are_deterministic_with_worker_processes(tmp_path, name):
    rows = [{"text": f"row {i % 300}", "n": str(i)} for i in range(1000)]
    path = write(tmp_path / name, rows)
    steps = [{"rules": {"fields": ["text"], "max_chars": 6}}, {"dedup": {"fields": ["text"]}}]
    one = run_file_recipe(path, tmp_path / "one", steps, workers=1)
    two = run_file_recipe(path, tmp_path / "two", steps, workers=2)
    assert (tmp_path / "one" / "data" / "shard-00000.jsonl").read_bytes() == (
        tmp_path / "two" / "data" / "shard-00000.jsonl").read_bytes()
    assert [r.data for r in one.records()] == [r for r in rows[:100]]
    assert two.counts["attempted"] == 1000


def test_the_fingerprint_follows_the_content_not_the_path_or_mtime(tmp_path):
    path = write(tmp_path / "x.jsonl", ROWS)

    def fingerprint(p: Path) -> str:
        return sf.load_recipe({"name": "f", "target": 1, "mix": [{"generator": "file",
                               "params": {"path": str(p)}}]}).fingerprint()

    other = tmp_path / "sub" / "copy.jsonl"
    other.parent.mkdir()
    shutil.copy(path, other)  # a new path and a new mtime
    assert fingerprint(path) == fingerprint(other)
    other.write_text(other.read_text().replace("row 12,", "row 13,"))  # same size
    assert fingerprint(path) != fingerprint(other)


def test_missing_files_and_unknown_types_are_recipe_errors_with_exit_code_2(tmp_path):
    (tmp_path / "notes.txt").write_text("hello\n")
    code = "import synthforge.generate.files; from synthforge.cli import main; main()"
    for name, message in (("missing.jsonl", "file not found: "),
                          ("notes.txt", "unsupported file type")):
        recipe = tmp_path / "r.yaml"
        recipe.write_text(f"name: r\ntarget: 1\nmix:\n  - generator: file\n"
                          f"    params: {{path: {name}}}\n")
        result = subprocess.run([sys.executable, "-c", code, "check", str(recipe)],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 2, result.stderr
        assert "r.yaml:5:" in result.stderr and message in result.stderr
        assert name in result.stderr


MEMORY_PROBE = textwrap.dedent("""
    import resource, sys
    from pathlib import Path
    from synthforge.generate.files import open_rows

    def rss():
        return int(open("/proc/self/statm").read().split()[1]) * resource.getpagesize()

    peak0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    rows = open_rows(Path(sys.argv[1]))
    last = rows.row(len(rows) - 1)
    before = rss()
    for k in range(len(rows) - 1, 0, -997):
        assert rows.row(k)["i"] == k
    print(len(rows), last["i"], rss() - before,
          resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - peak0)
""")


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs /proc")
def test_reading_row_k_of_a_large_jsonl_keeps_memory_bounded(tmp_path):
    path = tmp_path / "big.jsonl"
    pad = "lorem ipsum dolor sit amet " * 10
    with open(path, "w") as f:
        for i in range(200_000):
            f.write(json.dumps({"i": i, "text": pad}) + "\n")
    size = path.stat().st_size
    assert size > 55_000_000
    result = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(path)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    n, last, grown, peak = (int(x) for x in result.stdout.split())
    assert (n, last) == (200_000, 199_999)
    assert grown < 4_000_000  # reading rows adds nothing that stays
    assert peak < size / 2  # the index pass streams: 8 bytes a row plus a chunk or two


@pytest.mark.parametrize("name", ["a.jsonl", "a.json", "a.csv"])
def test_indexes_do_not_depend_on_chunk_boundaries(tmp_path, monkeypatch, name):
    import synthforge.generate.files as files

    path = write(tmp_path / name, ROWS)
    blank = {"a.jsonl": (b"\n", b"\r\n\n"), "a.csv": (b"n\r\n", b"n\r\n\r\n\n")}
    if name in blank:  # blank lines, CRLF
        path.write_bytes(path.read_bytes().replace(*blank[name], 3))
    whole = files.build_index(path, files.detect_format(path), False)
    for size in (1, 2, 3, 5, 64):
        monkeypatch.setattr(files, "CHUNK", size)
        index = files.build_index(path, files.detect_format(path), False)
        assert index.starts.tolist() == whole.starts.tolist()
        assert [index.lines.line(k) for k in range(len(index))] == [
            whole.lines.line(k) for k in range(len(whole))]
    monkeypatch.setattr(files, "CHUNK", 3)
    files._indexes.clear()
    assert items(source(path)) == ROWS
