"""Every example recipe is valid and makes records (a quick smoke run of each source)."""

from __future__ import annotations

from pathlib import Path

import pytest

from synthforge.engine.build import build_pipeline
from synthforge.recipe import load_recipe

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_is_valid_and_makes_records(path):
    recipe = load_recipe(path)
    pipeline = build_pipeline(recipe, base_dir=path.parent)
    made, declined = pipeline.generate(0, 40)
    assert len(made) + len(declined) == 40 and len(made) >= 30
    for stage in pipeline.stages:
        made = [r for r, v in zip(made, stage.process(made), strict=True) if v is None]
    assert made, "every record was rejected by the example's own steps"


def test_examples_exist():
    assert {"quickstart", "customer_support", "structured_records"} <= {p.stem for p in EXAMPLES}
