"""reasoning-gym datasets as sources, verified by their own scorers (optional extra)."""

from __future__ import annotations

import pytest

import synthforge as sf

pytest.importorskip("reasoning_gym")


def test_a_reasoning_gym_dataset_runs_and_verifies(in_tmp):
    recipe = {"name": "rg", "target": 40, "seed": 3,
              "mix": [{"generator": "reasoning_gym", "name": "legs",
                       "params": {"dataset": "leg_counting", "config": {"max_animals": 4}}},
                      {"generator": "reasoning_gym", "name": "sums",
                       "params": {"dataset": "chain_sum"}}],
              "steps": [{"verify": {}}], "format": "chat"}
    run = sf.run(recipe, "r")
    rows = list(run.records())
    assert len(rows) == 40 and {r.meta["dataset"] for r in rows} == {"leg_counting", "chain_sum"}
    assert all(r.meta["scores"]["verify"] == 1.0 for r in rows)
    again = sf.run(recipe, "s")
    assert [r.data for r in again.records()] == [r.data for r in rows]


def test_wrong_answers_fail_the_verifier(in_tmp):
    from synthforge.engine.build import build_pipeline

    recipe = sf.load_recipe({"name": "rg", "target": 5, "mix": [{"generator": "reasoning_gym",
                             "params": {"dataset": "chain_sum"}}], "steps": [{"verify": {}}]})
    pipeline = build_pipeline(recipe)
    made, _ = pipeline.generate(0, 3)
    made[0].data["response"] = str(int(made[0].data["answer"]) + 1)
    verdicts = pipeline.stages[0].process(made)
    assert verdicts[0].startswith("wrong_answer") and verdicts[1] is None


def test_unknown_dataset_and_bad_config_are_recipe_errors():
    with pytest.raises(sf.RecipeError, match="did you mean 'leg_counting'"):
        sf.load_recipe({"name": "rg", "target": 5, "mix": [
            {"generator": "reasoning_gym", "params": {"dataset": "leg_countin"}}]})
    with pytest.raises(sf.RecipeError, match="rejects this config"):
        sf.load_recipe({"name": "rg", "target": 5, "mix": [
            {"generator": "reasoning_gym", "params": {"dataset": "chain_sum",
                                                      "config": {"no_such_option": 1}}}]})
