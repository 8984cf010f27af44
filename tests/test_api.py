"""The Python API: run(), Run, custom generators and steps, plugins through entry points."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import synthforge as sf
from synthforge.record import Record


class Squares(sf.Generator):
    """Numbers and their squares."""

    class Config(sf.GeneratorConfig):
        start: int = 0

    def generate(self, k: int):
        n = self.config.start + k
        return {"question": f"What is {n} squared?", "answer": str(n * n)}, {"n": n}


sf.register("generator", "t_squares")(Squares)


@sf.check("t_no_zero")
def no_zero(record: Record, *, digit: str = "0") -> str | None:
    """Rejects answers that contain a digit."""
    return f"has_digit: {digit}" if digit in record.data["answer"] else None


def test_run_a_recipe_built_in_python(in_tmp):
    recipe = sf.Recipe(name="squares", target=30, mix=[{"generator": "t_squares",
                                                         "params": {"start": 1}}],
                       steps=[{"t_no_zero": {}}], format="records")
    run = sf.run(recipe)
    assert run.path.name == "squares" and run.stop_reason == "target"
    rows = list(run.records())
    assert len(rows) == 30 and all("0" not in r.data["answer"] for r in rows)
    assert rows[0].meta == {"source": "t_squares", "k": 0, "n": 1}
    assert rows[0].id.endswith("-t_squares-0")
    df = run.to_pandas()
    assert list(df.columns[:4]) == ["id", "index", "question", "answer"] and len(df) == 30
    table = run.to_arrow()
    assert table.num_rows == 30 and set(table.column_names) == {"id", "index", "data", "meta"}
    rejected = list(run.rejected())
    assert rejected and all(r["reason"] == "has_digit: 0" for r in rejected)


def test_ids_are_stable_and_depend_on_the_recipe(in_tmp):
    base = {"name": "s", "target": 5, "mix": [{"generator": "t_squares"}]}
    one = [r.id for r in sf.run(base, "a").records()]
    two = [r.id for r in sf.run(base, "b").records()]
    other = [r.id for r in sf.run({**base, "seed": 1}, "c").records()]
    assert one == two and one != other


def test_open_run_and_repr(in_tmp):
    sf.run({"name": "s", "target": 3, "mix": [{"generator": "t_squares"}]}, "r")
    run = sf.open_run("r")
    assert "accepted=3" in repr(run) and run.recipe.name == "s"
    with pytest.raises(sf.UserError, match="not a synthforge run directory"):
        sf.open_run(str(in_tmp))


def test_function_generator_gets_a_seeded_rng(in_tmp):
    @sf.generator("t_dice")
    def dice(k, rng, *, sides: int = 6):
        return {"roll": str(rng.randint(1, sides))}

    rows = [r.data["roll"] for r in sf.run(
        {"name": "d", "target": 50, "mix": [{"generator": "t_dice", "params": {"sides": 20}}]},
        "r").records()]
    again = [r.data["roll"] for r in sf.run(
        {"name": "d", "target": 50, "mix": [{"generator": "t_dice", "params": {"sides": 20}}]},
        "s").records()]
    assert rows == again and len(set(rows)) > 5
    with pytest.raises(sf.RecipeError, match="sides"):
        sf.load_recipe({"name": "d", "target": 5, "mix": [
            {"generator": "t_dice", "params": {"sides": "many"}}]})


def test_a_check_that_breaks_on_some_records_fails_only_those(in_tmp):
    class Picky(sf.Check):
        def check(self, record):
            if record.data["answer"].endswith("9"):
                raise RuntimeError("nines upset me")
            return None

    sf.register("step", "t_picky")(Picky)
    run = sf.run({"name": "p", "target": 40, "mix": [{"generator": "t_squares"}],
                  "steps": [{"t_picky": {}}]}, "r")
    failed = [r for r in run.rejected() if r["fate"] == "failed"]
    assert failed and all(r["reason"] == "RuntimeError: nines upset me" for r in failed)
    assert run.counts["accepted"] == 40


def test_registering_a_name_twice_is_an_error():
    with pytest.raises(ValueError, match="already registered"):
        sf.register("generator", "t_squares")(type("Other", (sf.Generator,), {}))


PLUGIN = '''
import synthforge as sf

@sf.generator("from_plugin")
def hello(k, rng):
    """A generator that a third-party package adds."""
    return {"text": f"hello {k}"}
'''


def test_plugins_load_through_entry_points(tmp_path):
    (tmp_path / "sfplugin_demo.py").write_text(textwrap.dedent(PLUGIN))
    dist = tmp_path / "sfplugin_demo-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: sfplugin-demo\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[synthforge.plugins]\ndemo = sfplugin_demo\n")
    code = ("import synthforge as sf; "
            "r = sf.run({'name': 'p', 'target': 3, 'mix': [{'generator': 'from_plugin'}]}, "
            "'out'); print([x.data['text'] for x in r.records()])")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin"})
    assert out.returncode == 0, out.stderr
    assert "['hello 0', 'hello 1', 'hello 2']" in out.stdout


def test_to_arrow_copes_with_mixed_field_types(in_tmp):
    @sf.generator("t_mixed")
    def mixed(k, rng):
        return {"value": k if k % 2 else f"text {k}", "extra": {"a": 1} if k % 3 else {}}

    table = sf.run({"name": "m", "target": 12, "mix": [{"generator": "t_mixed"}]},
                   "r").to_arrow()
    assert table.num_rows == 12
