"""The command line on a real run: run, show, export, list, report, resume, progress."""

from __future__ import annotations

import json
import os
from pathlib import Path

import orjson
import pytest
import yaml

import synthforge as sf
from helpers import cli

COMPANY = """\
name: company-news
seed: 5
target: 150
mix:
  - generator: template
    params:
      fields:
        text: >-
          The company {CompanyName} announced {ProductName} which will {ActionVerb} the market.
        label: "{ActionVerb}"
      slots:
        CompanyName: {faker: company}
        ProductName: {choice: [Nimbus, Quanta, Helix, Orbit]}
        ActionVerb: {choice: {disrupt: 3, reshape: 1}}
steps:
  - rules: {fields: [text], min_words: 8, must_not_match: ['[{}]']}
  - dedup: {fields: [text]}
  - balance: {by: label, proportions: {disrupt: 0.5, reshape: 0.5}}
format: classification
splits: {train: 0.8, validation: 0.1, test: 0.1}
"""


@pytest.fixture(scope="module")
def company_run(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("cli")
    (root / "news.yaml").write_text(COMPANY, encoding="utf-8")
    result = cli("run", str(root / "news.yaml"), "--out", str(root / "run"), "--plain")
    assert result.returncode == 0, result.stderr
    (root / "stdout.txt").write_text(result.stdout)
    return root / "run"


def test_the_seeds_company_template_runs_as_written(company_run):
    rows = [json.loads(x) for x in (company_run / "dataset" / "train.jsonl").read_text()
            .splitlines()]
    assert rows and set(rows[0]) == {"text", "label", "id"}
    for row in rows:
        assert row["text"].startswith("The company ") and row["text"].endswith(" the market.")
        assert "{" not in row["text"] and row["label"] in ("disrupt", "reshape")
    labels = [r.data["label"] for r in sf.open_run(str(company_run)).records()]
    assert labels.count("disrupt") == labels.count("reshape") == 75


def test_run_prints_where_everything_is(company_run):
    out = (company_run.parent / "stdout.txt").read_text()
    assert "target reached: 150 accepted" in out
    for part in ("dataset", "train.jsonl", "rejects", "report.html", "README.md", "funnel"):
        assert part in out
    assert "accepted 150/150" in out  # the plain progress line


def test_show_text_and_json(company_run):
    text = cli("show", str(company_run))
    assert text.returncode == 0 and "funnel" in text.stdout and "balance" in text.stdout
    doc = orjson.loads(cli("show", str(company_run), "--json", "-n", "2").stdout)
    assert doc["counts"]["accepted"] == 150 and doc["stop_reason"] == "target"
    stages = [f["stage"] for f in doc["funnel"]]
    assert stages == ["source", "rules", "dedup", "balance"]
    assert doc["funnel"][0]["in"] == doc["counts"]["attempted"]
    assert doc["funnel"][-1]["kept"] == 150 and len(doc["samples"]) == 2
    rejected = orjson.loads(cli("show", str(company_run), "--json", "--rejected").stdout)
    assert all(r["fate"] in ("rejected", "failed") for r in rejected["samples"])


def test_export_to_other_formats(company_run, tmp_path):
    done = cli("export", str(company_run), "--format", "records", "--to", str(tmp_path / "r"),
               "--writer", "parquet", "--no-splits")
    assert done.returncode == 0, done.stderr
    import pyarrow.parquet as pq

    table = pq.read_table(tmp_path / "r" / "train.parquet")
    assert table.num_rows == 150 and "text" in table.column_names
    bad = cli("export", str(company_run), "--format", "dpo", "--to", str(tmp_path / "d"))
    assert bad.returncode == 0 and "skipped 150" in bad.stderr
    wrong = cli("export", str(company_run), "--format", "nope", "--to", str(tmp_path / "x"))
    assert wrong.returncode == 2 and "unknown format" in wrong.stderr


def test_output_loads_with_datasets(company_run, monkeypatch, tmp_path):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    import datasets

    ds = datasets.load_dataset(str(company_run))  # the card's configs name the split files
    assert set(ds) == {"train", "validation", "test"}
    assert sum(len(ds[s]) for s in ds) == 150
    assert set(ds["train"].column_names) == {"text", "label", "id"}
    direct = datasets.load_dataset("json", data_files=str(company_run / "dataset" /
                                                          "train.jsonl"))
    assert len(direct["train"]) == len(ds["train"])


def test_list_shows_generators_steps_and_formats():
    doc = orjson.loads(cli("list", "--json").stdout)
    names = {k: {e["name"] for e in v} for k, v in doc.items()}
    assert {"template"} <= names["generator"]
    assert {"rules", "schema", "dedup", "balance", "quota"} <= names["step"]
    assert {"chat", "sharegpt", "alpaca", "dpo", "classification", "records"} <= names["format"]
    rules = next(e for e in doc["step"] if e["name"] == "rules")
    assert any(p["name"] == "min_words" for p in rules["params"])
    text = cli("list", "steps")
    assert text.returncode == 0 and "dedup" in text.stdout
    assert cli("list", "gadgets").returncode == 2


def test_report_and_card(company_run):
    report = orjson.loads((company_run / "report.json").read_bytes())
    assert report["counts"]["accepted"] == 150
    assert {s["source"] for s in report["sources"]} == {"template"}
    assert report["fields"]["text"]["count"] == 150
    html = (company_run / "report.html").read_text()
    assert "<h2>Funnel</h2>" in html and "company-news" in html
    card = (company_run / "README.md").read_text()
    front = yaml.safe_load(card.split("---")[1])
    assert front["configs"][0]["data_files"][0]["path"].startswith("dataset/")
    assert "seed" in card.lower() and "funnel" in card.lower()
    again = cli("report", str(company_run))
    assert again.returncode == 0 and "report.html" in again.stdout


def test_report_escapes_generated_text(in_tmp):
    recipe = {"name": "xss", "target": 5, "mix": [{"generator": "template", "params": {
        "fields": {"text": "<script>alert({n})</script>"}, "slots": {"n": {"randint": [1, 9]}}}}],
        "steps": [{"rules": {"must_not_match": ["alert\\([1-4]\\)"]}}]}
    run = sf.run(recipe, "r")
    html = (run.path / "report.html").read_text()
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_resume_command_uses_the_locked_recipe(in_tmp):
    (in_tmp / "r.yaml").write_text(COMPANY.replace("target: 150", "target: 40"))
    first = cli("run", "r.yaml", "--out", "run", "--quiet", cwd=in_tmp)
    assert first.returncode == 0, first.stderr
    os.remove(in_tmp / "r.yaml")
    again = cli("resume", "run", cwd=in_tmp)
    assert again.returncode == 0 and "already complete" in again.stderr


def test_quiet_prints_only_the_summary(in_tmp):
    (in_tmp / "r.yaml").write_text(COMPANY.replace("target: 150", "target: 20"))
    result = cli("run", "r.yaml", "--quiet", cwd=in_tmp)
    assert result.returncode == 0
    assert "funnel" not in result.stdout and "accepted 20/20" not in result.stdout
    assert "dataset" in result.stdout
    assert (in_tmp / "runs" / "company-news" / "recipe.lock.yaml").exists()
