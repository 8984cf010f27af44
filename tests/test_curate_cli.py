"""`synthforge curate FILE --step ...`: the steps of a recipe over a data file made elsewhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

TEXTS = ["The cat sat on the mat.", "the CAT sat on the mat", "Too short", "A fine long row "
         "of words.", "Another row with enough words.", "A fine long row of words!", "ok"]
ROWS = [{"id": i, "text": TEXTS[i % len(TEXTS)], "n": i} for i in range(40)]
STEPS = ["--step", "dedup: {fields: [text]}", "--step", "rules: {fields: [text], min_words: 4}"]


def curate(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "synthforge", "curate", *args, "--plain"],
                          cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "COLUMNS": "200"})


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def rejected_indices(run: Path) -> list[int]:
    return sorted(row["index"] for shard in sorted((run / "rejected").glob("*.jsonl"))
                  for row in read_jsonl(shard))


def expected_kept(rows: list[dict]) -> list[dict]:
    """What dedup (normalised text) then rules (at least 4 words) keep, in order."""
    seen, kept = set(), []
    for row in rows:
        key = " ".join("".join(c for c in row["text"].lower() if c.isalnum() or c == " ")
                       .split())
        if key in seen:
            continue
        seen.add(key)
        if len(row["text"].split()) >= 4:
            kept.append(row)
    return kept


@pytest.fixture
def jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "reviews.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    return path


def test_curate_a_jsonl_with_duplicates(tmp_path, jsonl):
    result = curate(str(jsonl), *STEPS, "--out", "run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    run = tmp_path / "run"
    kept = read_jsonl(run / "dataset" / "reviews.jsonl")
    assert kept == expected_kept(ROWS) and len(kept) == 3
    assert f"curated reviews.jsonl: 3 kept, {len(ROWS) - 3} rejected, 0 failed of 40 rows" \
        in result.stdout
    rejected = rejected_indices(run)
    assert kept == [r for i, r in enumerate(ROWS) if i not in rejected]  # in order, none lost
    for line in ("dataset  run/dataset/reviews.jsonl  (records, 3 rows)",
                 "rejects  run/rejected", "report   run/report.html"):
        assert line in result.stdout
    assert (run / "report.html").is_file()


def test_curating_again_reuses_the_finished_run(tmp_path, jsonl):
    first = curate(str(jsonl), *STEPS, "--out", "run", cwd=tmp_path)
    data = (tmp_path / "run" / "dataset" / "reviews.jsonl").read_bytes()
    again = curate(str(jsonl), *STEPS, "--out", "run", cwd=tmp_path)
    assert first.returncode == again.returncode == 0, again.stderr
    assert "already complete" in again.stderr
    assert (tmp_path / "run" / "dataset" / "reviews.jsonl").read_bytes() == data


def test_parquet_in_parquet_out(tmp_path):
    path = tmp_path / "rows.parquet"
    pq.write_table(pa.Table.from_pylist(ROWS), path, row_group_size=6)
    result = curate(str(path), *STEPS, "--out", "run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "run" / "dataset" / "rows.parquet"
    assert pq.read_table(out).to_pylist() == expected_kept(ROWS)


def test_csv_in_with_quoted_newlines_and_selected_fields(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text('id,body,extra\n1,"first line\nsecond line here",x\n2,"short",y\n'
                    '3,"first line\nsecond line here",z\n', newline="")
    result = curate(str(path), "--step", "rules: {min_words: 3}", "--step", "dedup",
                    "--fields", "text=body", "--id-field", "id", "--out", "run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert read_jsonl(tmp_path / "run" / "dataset" / "table.jsonl") == [
        {"text": "first line\nsecond line here"}]
    (kept,) = read_jsonl(tmp_path / "run" / "data" / "shard-00000.jsonl")
    assert kept["meta"]["source_id"] == "1"


def test_malformed_rows_are_failed_not_fatal(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "one two three four"}\n{"text": oops}\n'
                    '{"text": "five six seven eight"}\n')
    result = curate(str(path), "--out", "run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "2 kept, 0 rejected, 1 failed of 3 rows" in result.stdout
    (failed,) = read_jsonl(tmp_path / "run" / "rejected" / "shard-00000.jsonl")
    assert f"{path}:2: invalid JSON" in failed["reason"]


@pytest.mark.parametrize(("args", "message"), [
    (["--step", "dedup: {fields: [text]}", "--step", "rules: {min_wrds: 3}"],
     "--step 2: unknown key 'min_wrds', did you mean 'min_words'?"),
    (["--step", "dedp"], "--step 1: unknown step 'dedp'; did you mean 'dedup'?"),
    (["--step", "rules: {min_words: x}"], "--step 1: rules.min_words: Input should be a valid "
     "integer"),
    (["--step", "rules: {min_words: [3"], "--step 1: not valid YAML"),
    (["--step", "[rules, dedup]"], "--step 1: a step is one TYPE: {config} pair"),
    (["--fields", "txt"], "--fields: data.csv has no column 'txt'; did you mean 'text'?"),
    (["--writer", "xml"], "--writer must be jsonl or parquet"),
])
def test_bad_options_are_located_and_exit_2(tmp_path, args, message):
    path = tmp_path / "data.csv"
    path.write_text("text\nhello world\n")
    result = curate(str(path), *args, "--out", "run", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert message in " ".join(result.stderr.split()), result.stderr
    assert not (tmp_path / "run").exists()


def test_a_steps_file_is_located_by_line(tmp_path, jsonl):
    steps = tmp_path / "steps.yaml"
    steps.write_text("- dedup: {fields: [text]}\n- rules:\n    min_wrds: 4\n")
    result = curate(str(jsonl), "--steps", str(steps), "--out", "run", cwd=tmp_path)
    assert result.returncode == 2
    assert f"{steps}:3:5: unknown key 'min_wrds', did you mean 'min_words'?" in result.stderr


def test_missing_and_unsupported_files_exit_2(tmp_path):
    (tmp_path / "notes.txt").write_text("hi\n")
    for name, message in (("nope.jsonl", "nope.jsonl: file not found"),
                          ("notes.txt", "notes.txt: unsupported file type")):
        result = curate(name, "--out", "run", cwd=tmp_path)
        assert result.returncode == 2 and message in result.stderr, result.stderr


def test_recipe_out_reruns_to_the_same_data(tmp_path, jsonl):
    steps = tmp_path / "steps.yaml"
    steps.write_text("- dedup: {fields: [text]}\n")
    result = curate(str(jsonl), "--steps", str(steps), "--step", "rules: {min_words: 4}",
                    "--out", "run", "--recipe-out", "saved/recipe.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    saved = tmp_path / "saved" / "recipe.yaml"
    doc = yaml.safe_load(saved.read_text())
    assert doc["mix"][0]["params"]["path"] == "../reviews.jsonl"
    assert doc["steps"] == [{"dedup": {"fields": ["text"]}}, {"rules": {"min_words": 4}}]
    code = "import synthforge.generate.files; from synthforge.cli import main; main()"
    rerun = subprocess.run([sys.executable, "-c", code, "run", str(saved), "--out",
                            str(tmp_path / "again"), "--plain"], capture_output=True, text=True,
                           timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    for part in ("dataset/reviews.jsonl", "data/shard-00000.jsonl"):
        assert (tmp_path / "again" / part).read_bytes() == (tmp_path / "run" / part).read_bytes()
