"""Every task family keeps the contract: deterministic items, oracle answers score 1.0 in
the worked response too, wrong answers score less, solutions' arithmetic holds, questions
do not repeat (where the task space allows), metadata is complete."""

from __future__ import annotations

import random

import pytest

from synthforge import registry
from synthforge.generate.procedural.answers import extract_final, wrong_equations
from synthforge.generate.procedural.base import Family, families
from synthforge.stage import Context

registry.ensure_loaded()
FAMILIES = families()
LEVELS = (1, 2, 3, 4, 5)


def build(cls: type[Family], level: int, seed: int = 3) -> Family:
    return cls(cls.Config(difficulty=level), Context(seed=seed), cls.family)


def items_for(cls: type[Family]) -> int:
    """Items per level in the property tests (families that execute code test fewer)."""
    return getattr(cls, "test_items", 400)


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_family_is_described(name):
    cls = FAMILIES[name]
    assert cls.family == name and cls.domain and cls.skills and (cls.__doc__ or "").strip()
    entry = registry.lookup("generator", name)
    assert "difficulty" in entry.config.model_fields and "trace" in entry.config.model_fields


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_oracle_scores_one_and_wrong_answers_score_less(name):
    cls = FAMILIES[name]
    rng = random.Random(0)
    for level in LEVELS:
        gen = build(cls, level)
        for k in range(items_for(cls)):
            data, meta = gen.generate(k)
            task = cls.task(data, meta)
            assert cls.score(task.answer, task) == 1.0, (level, k, data)
            assert cls.score(cls.extract(data["response"]), task) == 1.0, (level, k, data)
            for wrong in cls.wrong_answers(task, rng):
                assert cls.score(wrong, task) < 1.0, (level, k, wrong, data)
            assert meta["family"] == name and meta["difficulty"] == level
            assert meta["domain"] == cls.domain and meta["skills"]
            assert not wrong_equations(task.solution), (level, k, wrong_equations(task.solution))
            assert task.answer and data["question"] and task.solution


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_items_are_pure_functions_of_seed_and_index(name):
    cls = FAMILIES[name]
    a, b, other = build(cls, 3), build(cls, 3), build(cls, 3, seed=4)
    ks = [0, 1, 17, 999, 123_456]
    assert [a.generate(k) for k in ks] == [b.generate(k) for k in reversed(ks)][::-1]
    assert [a.generate(k)[0] for k in ks] != [other.generate(k)[0] for k in ks]


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_questions_do_not_repeat(name):
    cls = FAMILIES[name]
    n = min(2000, items_for(cls) * 5)
    for level in (1, 3, 5):
        gen = build(cls, level)
        questions = {gen.generate(k)[0]["question"] for k in range(n)}
        space = cls.space(level)
        expected = min(n, space) if space else n
        assert len(questions) >= 0.99 * expected * (0.9 if space and space < 5 * n else 1), (
            level, len(questions), n, space)


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_answer_only_output_and_difficulty_schedules(name):
    cls = FAMILIES[name]
    plain = cls(cls.Config(trace=False), Context(seed=1), name)
    data, _ = plain.generate(5)
    assert data["response"] == data["answer"]
    mixed = cls(cls.Config(difficulty={"mix": {1: 1, 5: 1}}), Context(seed=1), name)
    levels = {mixed.generate(k)[1]["difficulty"] for k in range(60)}
    assert levels == {1, 5}
    ramp = cls(cls.Config(difficulty={"curriculum": [1, 5], "over": 101}), Context(seed=1), name)
    steps = [ramp.generate(k)[1]["difficulty"] for k in range(0, 101, 25)]
    assert steps == [1, 2, 3, 4, 5]


def test_verify_step_checks_worked_responses(in_tmp):
    import synthforge as sf

    recipe = {"name": "v", "target": 50, "mix": [{"generator": name} for name in
                                                 ("arithmetic_chain", "linear_equation")],
              "steps": [{"verify": {}}]}
    run = sf.run(recipe, "r")
    assert run.counts["accepted"] == 50 and run.counts["rejected"] == 0
    assert all(r.meta["scores"]["verify"] == 1.0 for r in run.records())
    from synthforge.engine.build import build_pipeline

    pipeline = build_pipeline(sf.load_recipe(recipe))
    verify = pipeline.stages[0]
    made, _ = pipeline.generate(0, 4)
    made[0].data["response"] = made[0].data["response"].rsplit("Answer:", 1)[0] + "Answer: -1.5"
    made[1].meta["family"] = "nope"
    verdicts = verify.process(made)
    assert verdicts[0].startswith("wrong_answer") and verdicts[1].startswith("unverifiable")
    assert verdicts[2] is None


def test_answer_forms():
    from fractions import Fraction

    from synthforge.generate.procedural.answers import parse_list, parse_number, same_number

    for text in ("0.5", "1/2", "50%", " .50 ", "$0.50", "0.5 dollars"):
        assert parse_number(text) == Fraction(1, 2), text
    assert parse_number("50%", percent=False) is None
    assert parse_number("1,234.5") == Fraction(24690, 20)
    assert parse_number("1 1/2") == Fraction(3, 2)
    assert parse_number("2e3") == 2000 and parse_number("−7") == -7
    assert parse_number("abc") is None and parse_number("1/0") is None
    assert same_number("3.3333", "10/3", tolerance=0.001) and not same_number("3.3", "10/3")
    assert parse_list('["a", "b"]') == ["a", "b"] and parse_list("a, b,c") == ["a", "b", "c"]
    assert extract_final("work\nAnswer: 42") == "42"
    assert extract_final("so \\boxed{\\frac{1}{2}} ok") == "\\frac{1}{2}"
    assert extract_final("...\n#### 1,000") == "1,000"
    assert wrong_equations("3 × 4 = 12 and 12 + 5 = 18") == ["12 + 5 = 18"]
    assert wrong_equations("(-235) + 110 = -125 then 7 ÷ 2 = 3.5") == []
