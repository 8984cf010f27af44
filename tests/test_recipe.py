"""Recipes: validation with located errors, the bad-input matrix, fingerprints, schema."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import jsonschema
import orjson
import pytest
import yaml

import synthforge as sf
from helpers import cli
from synthforge.errors import RecipeError
from synthforge.recipe import load_recipe, recipe_json_schema

GOOD = """\
name: demo
seed: 1
target: 20
mix:
  - generator: t_counter
    weight: 2
    params: {words: 3}
steps:
  - rules: {fields: [text], min_words: 2}
  - dedup: {fields: [text]}
format: records
"""


def write(tmp: Path, text: str, name: str = "r.yaml") -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp: Path, text: str) -> str:
    with pytest.raises(RecipeError) as info:
        load_recipe(write(tmp, text))
    return str(info.value)


def test_good_recipe_loads(tmp_path):
    recipe = load_recipe(write(tmp_path, GOOD))
    assert recipe.name == "demo" and recipe.target == 20
    assert recipe.step_names() == ["rules", "dedup"]
    assert recipe.max_attempts == 200


@pytest.mark.parametrize(("text", "expected"), [
    (GOOD.replace("target: 20", "tagret: 20"), ["r.yaml:3:1", "unknown key 'tagret'",
                                                "did you mean 'target'?"]),
    (GOOD.replace("target: 20", "target: many"), ["r.yaml:3:9", "target",
                                                  "valid integer", "'many'"]),
    (GOOD.replace("weight: 2", "wieght: 2"), ["r.yaml:6:5", "mix.0.wieght",
                                              "did you mean 'weight'?"]),
    (GOOD.replace("{words: 3}", "{wrods: 3}"), ["r.yaml:7:14", "mix.0.params.wrods",
                                                "did you mean 'words'?"]),
    (GOOD.replace("min_words: 2", "min_wrds: 2"), ["r.yaml:9:29", "steps.0.rules.min_wrds",
                                                   "did you mean 'min_words'?"]),
    (GOOD.replace("t_counter", "t_countr"), ["r.yaml:5:16", "unknown generator 't_countr'",
                                             "did you mean 't_counter'?"]),
    (GOOD.replace("- dedup:", "- dedupe:"), ["r.yaml:10:5", "unknown step 'dedupe'",
                                             "did you mean 'dedup'?"]),
    (GOOD.replace("format: records", "format: chatt"), ["r.yaml:11:9", "unknown format",
                                                        "'chat'"]),
    (GOOD.replace("seed: 1\n", "seed: 1\nseed: 2\n"), ["r.yaml:3:1", "duplicate key 'seed'"]),
    (GOOD.replace("target: 20", "target: [20"), ["r.yaml", "invalid YAML"]),
    (GOOD.replace("  - dedup: {fields: [text]}", "  - dedup"), ["r.yaml:10:5", "steps.1",
                                                                "mapping with one key"]),
    (GOOD.replace("name: demo\n", ""), ["name", "required field is missing"]),
    ("", ["r.yaml", "empty"]),
    ("- a\n- b\n", ["r.yaml:1:1", "mapping"]),
])
def test_bad_recipes_say_where_and_what(tmp_path, text, expected):
    message = error_of(tmp_path, text)
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"


def test_several_problems_are_reported_together(tmp_path):
    text = GOOD.replace("target: 20", "target: -1").replace("weight: 2", "weight: 0")
    with pytest.raises(RecipeError) as info:
        load_recipe(write(tmp_path, text))
    paths = [i.dotted for i in info.value.issues]
    assert "target" in paths and "mix.0.weight" in paths


def test_missing_file_in_params_is_located(tmp_path):
    text = GOOD.replace("{words: 3}", "{words: 3}").replace(
        "steps:\n", "steps:\n  - schema: {json_schema: nope.json}\n")
    message = error_of(tmp_path, text)
    assert "steps.0.schema.json_schema" in message and "nope.json" in message
    assert "file not found" in message


def test_recipe_in_python_and_from_dict(tmp_path):
    data = yaml.safe_load(GOOD)
    assert sf.Recipe.model_validate(data) == load_recipe(data)
    with pytest.raises(RecipeError, match="unknown key 'wat'"):
        load_recipe({**data, "wat": 1})


def test_fingerprint_covers_what_decides_the_data():
    base = load_recipe(yaml.safe_load(GOOD))
    same = load_recipe({**yaml.safe_load(GOOD), "budget": {"max_attempts": 999},
                        "description": "x", "splits": {"train": 0.5, "test": 0.5}})
    assert base.fingerprint() == same.fingerprint()
    for change in ({"seed": 2}, {"target": 21}, {"steps": []}):
        assert load_recipe({**yaml.safe_load(GOOD), **change}).fingerprint() != base.fingerprint()


def test_fingerprint_follows_file_content_not_path(tmp_path):
    schema_file = tmp_path / "s.json"
    schema_file.write_text('{"type": "object"}')
    text = GOOD.replace("steps:\n", "steps:\n  - schema: {json_schema: s.json}\n")
    first = load_recipe(write(tmp_path, text)).fingerprint()
    schema_file.write_text('{"type": "object", "required": ["text"]}')
    assert load_recipe(write(tmp_path, text)).fingerprint() != first


def test_json_schema_accepts_good_and_rejects_bad_recipes():
    schema = recipe_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    good = yaml.safe_load(GOOD)
    jsonschema.validate(good, schema)
    for bad in ({**good, "tagret": 1},
                {**good, "steps": [{"rules": {"min_wrds": 1}}]},
                {**good, "mix": [{"generator": "t_counter", "params": {"wrods": 1}}]}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)


# ---- the same matrix through the command line: exit code 2, nothing half-written ---------

def test_cli_check_ok_and_bad(tmp_path):
    ok = cli("check", str(write(tmp_path, GOOD)))
    assert ok.returncode == 0 and "ok" in ok.stdout
    bad = cli("check", str(write(tmp_path, GOOD.replace("target: 20", "tagret: 20"))))
    assert bad.returncode == 2
    assert "r.yaml:3:1" in bad.stderr and "did you mean 'target'?" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_cli_bad_inputs_exit_2_and_write_nothing(tmp_path):
    bad = write(tmp_path, GOOD.replace("target: 20", "target: many"))
    result = cli("run", str(bad), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "target" in result.stderr
    assert not (tmp_path / "out").exists()
    missing = cli("run", str(tmp_path / "nope.yaml"))
    assert missing.returncode == 2 and "not found" in missing.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_cli_unwritable_output(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    result = cli("run", str(write(tmp_path, GOOD)), "--out", str(locked / "run"))
    assert result.returncode == 2 and "cannot write" in result.stderr


def test_cli_output_on_a_file_is_refused(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = cli("run", str(write(tmp_path, GOOD)), "--out", str(blocker / "run"))
    assert result.returncode == 2 and "cannot write" in result.stderr
    assert blocker.read_text() == "not a directory"


def test_cli_refuses_foreign_directory_and_keeps_it(tmp_path):
    stray = tmp_path / "stray"
    stray.mkdir()
    (stray / "notes.txt").write_text("mine")
    result = cli("run", str(write(tmp_path, GOOD)), "--out", str(stray))
    assert result.returncode == 2 and "not a synthforge run directory" in result.stderr
    assert sorted(p.name for p in stray.iterdir()) == ["notes.txt"]


def test_cli_other_recipe_directory_is_untouched(tmp_path):
    recipe = write(tmp_path, GOOD)
    assert cli("run", str(recipe), "--out", str(tmp_path / "r"), "--quiet").returncode == 0
    before = {p: p.read_bytes() for p in (tmp_path / "r").rglob("*") if p.is_file()}
    write(tmp_path, GOOD.replace("seed: 1", "seed: 5"))
    result = cli("run", str(recipe), "--out", str(tmp_path / "r"), "--quiet")
    assert result.returncode == 2
    after = {p: p.read_bytes() for p in (tmp_path / "r").rglob("*") if p.is_file()}
    assert before == after


def test_cli_schema_prints_json(tmp_path):
    result = cli("schema")
    assert result.returncode == 0
    schema = orjson.loads(result.stdout)
    assert "mix" in schema["properties"] and "steps" in schema["properties"]


@pytest.mark.parametrize("path", ["/tmp/x", "../out", "a/../../b", ""])
def test_export_paths_stay_inside_the_run_directory(path):
    with pytest.raises(RecipeError, match="inside the run directory"):
        load_recipe({**yaml.safe_load(GOOD), "exports": [{"path": path}]})


def test_fingerprint_sees_step_defaults_spelled_out():
    base = yaml.safe_load(GOOD)
    spelled = {**base, "steps": [{"rules": {"fields": ["text"], "min_words": 2,
                                            "boilerplate": True}}, {"dedup": {"fields": ["text"]}}]}
    assert load_recipe(base).fingerprint() == load_recipe(spelled).fingerprint()
