"""The `novelty` step: ROUGE-L, self-instruct seed tasks, exact and MinHash modes deciding
alike, resume from the journal, a failed batch, and a whole run."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

import synthforge as sf
from synthforge.curate.novelty import (
    Novelty,
    NoveltyConfig,
    lcs_length,
    lcs_lengths,
    match_masks,
    rouge_l,
    rouge_tokens,
)
from synthforge.record import Record
from synthforge.stage import Context

DATA = Path("/work/shared/data")
SEEDS = DATA / "self_instruct" / "seed_tasks.jsonl"
ALPACA = DATA / "alpaca" / "alpaca_data.json.gz"
needs_data = pytest.mark.skipif(not SEEDS.exists() or not ALPACA.exists(),
                                reason="shared data not available")


def novelty(**cfg: Any) -> Novelty:
    return Novelty(NoveltyConfig.model_validate(cfg), Context(), "novelty")


def recs(texts: list[str], start: int = 0, field: str = "instruction") -> list[Record]:
    return [Record(f"r{start + i}", start + i, {field: t}) for i, t in enumerate(texts)]


def run_batches(step: Novelty, records: list[Record], size: int = 97) -> list[str | None]:
    out: list[str | None] = []
    for at in range(0, len(records), size):
        out += step.process(records[at:at + size])
    return out


def lcs_reference(a: list[Any], b: list[Any]) -> int:
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            table[i + 1][j + 1] = table[i][j] + 1 if x == y else \
                max(table[i][j + 1], table[i + 1][j])
    return table[-1][-1]


# ---- ROUGE-L ------------------------------------------------------------------------------

def test_rouge_tokens_follow_rouge_score():
    assert rouge_tokens("Hello, World! It's 2024_x") == ["hello", "world", "it", "s", "2024",
                                                          "x"]
    assert rouge_tokens("Café crème") == ["café", "crème"]  # Unicode letters are tokens


def test_lcs_matches_dynamic_programming():
    rng = random.Random(0)
    for _ in range(500):
        a = [rng.randrange(6) for _ in range(rng.randint(1, 90))]
        b = [rng.randrange(6) for _ in range(rng.randint(1, 90))]
        assert lcs_length(match_masks(a), len(a), b) == lcs_reference(a, b)
    for _ in range(50):
        a = [rng.randrange(8) for _ in range(rng.randint(1, 64))]
        rows = [[rng.randrange(10) for _ in range(rng.randint(1, 40))] for _ in range(60)]
        width = max(map(len, rows))
        padded = np.array([r + [-1] * (width - len(r)) for r in rows])
        assert lcs_lengths(a, padded).tolist() == [lcs_reference(a, r) for r in rows]


def test_rouge_l_f_measure():
    a = rouge_tokens("the cat sat on the mat")
    b = rouge_tokens("the cat lay on the mat")
    assert rouge_l(a, b) == pytest.approx(5 / 6)  # LCS 5 of 6 and 6
    assert rouge_l(a, a) == 1.0 and rouge_l(a, []) == 0.0
    c = rouge_tokens("a cat sat")
    assert rouge_l(a, c) == pytest.approx(2 * 2 / (6 + 3))


# ---- the step -----------------------------------------------------------------------------

@needs_data
def test_seed_tasks_are_novel_and_a_rewording_is_not():
    seeds = [json.loads(line)["instruction"] for line in SEEDS.read_text().splitlines()]
    assert len(seeds) == 175
    step = novelty()
    verdicts = step.process(recs(seeds))
    # the human-written seeds were not filtered: two pairs are above 0.7
    assert {i: v for i, v in enumerate(verdicts) if v} == {
        74: "not_novel: rouge-l 0.82 with record #47",  # "Write a cover letter / conversation
        113: "not_novel: rouge-l 0.75 with record #77"}  #  based on the given facts."
    reworded = ("Is there anything I could eat for breakfast that does not include eggs, yet "
                "includes protein, and has about 700-1000 calories?")
    fresh = "Write a limerick about a forgetful octopus who runs a bakery."
    batch = recs([reworded, fresh], start=175)
    verdicts = step.process(batch)
    assert verdicts[0] is not None and verdicts[0].startswith("not_novel: rouge-l 0.")
    assert verdicts[0].endswith("with record #0") and verdicts[1] is None
    assert batch[0].meta["similar_to"]["index"] == 0
    assert 0.7 < batch[0].meta["similar_to"]["rouge_l"] < 1
    # the fresh one is in the pool now
    assert step.process(recs([fresh + " Please."], start=177))[0].endswith("record #176")


def test_threshold_is_strictly_above():
    step = novelty(threshold=0.8)
    # LCS 4 of 5 and 5 words: F = 0.8 exactly, kept; 0.9 rejected
    assert step.process(recs(["a b c d e", "a b c d x", "a b c d e f g h i j",
                              "a b c d e f g h i x"])) == \
        [None, None, None, "not_novel: rouge-l 0.90 with record #2"]


def test_within_a_batch_and_across_batches():
    step = novelty()
    first = step.process(recs(["Name three fruits.", "Name three red fruits.", "Explain gravity."]))
    assert first[0] is None and first[1].endswith("#0") and first[2] is None
    assert step.process(recs(["Explain gravity please."], start=3))[0].endswith("#2")


def test_missing_non_text_and_empty():
    step = novelty()
    batch = [Record("a", 0, {"other": "x"}), Record("b", 1, {"instruction": 5}),
             Record("c", 2, {"instruction": "?!"}), Record("d", 3, {"instruction": "?!"}),
             Record("e", 4, {"messages": [{"role": "user", "content": "Hi there friend"},
                                          {"role": "assistant", "content": "Hello!"}]}),
             Record("f", 5, {"prompt": "hi there, friend"})]
    verdicts = step.process(batch)
    assert verdicts[0] == ("missing_field: no prompt (instruction, prompt, question or "
                           "messages)")
    assert verdicts[1] == "not_text: the prompt is int, expected text"
    assert verdicts[2] is None and verdicts[3] is None  # no words: nothing to compare
    assert verdicts[4] is None and verdicts[5].endswith("record #4")
    named = novelty(field="meta.q")
    assert named.process([Record("a", 0, {}, {})])[0] == "missing_field: meta.q is missing"


def test_config_is_validated():
    with pytest.raises(ValidationError, match="must divide"):
        NoveltyConfig(num_perm=128, lsh_bands=48)
    with pytest.raises(ValidationError):
        NoveltyConfig(threshold=0)
    with pytest.raises(ValidationError):
        NoveltyConfig(bogus=1)


# ---- exact and MinHash modes, resume ------------------------------------------------------

@pytest.fixture(scope="module")
def near_duplicates() -> list[str]:
    """Alpaca instructions with about one in four reworded from an earlier one (a word
    dropped, added or replaced, one to four times): many pairs near the 0.7 threshold."""
    if not ALPACA.exists():
        pytest.skip("shared data not available")
    base = [r["instruction"] for r in json.loads(gzip.decompress(ALPACA.read_bytes()))[:3000]]
    rng = random.Random(7)
    vocab = [w for text in base[:500] for w in text.split()]
    texts: list[str] = []
    for text in base:
        if texts and rng.random() < 0.3:
            words = rng.choice(texts).split()
            for _ in range(rng.choice([1, 1, 2, 2, 3, 4])):
                at = rng.randrange(len(words) + 1)
                op = rng.random()
                if op < 0.4 and len(words) > 2:
                    del words[min(at, len(words) - 1)]
                elif op < 0.7:
                    words.insert(at, rng.choice(vocab))
                else:
                    words[min(at, len(words) - 1)] = rng.choice(vocab)
            text = " ".join(words)
        texts.append(text)
    return texts


@needs_data
def test_exact_and_minhash_decide_alike(near_duplicates):
    records = recs(near_duplicates)
    exact = run_batches(novelty(exact_until=10**9), records)
    minhash = run_batches(novelty(exact_until=0), recs(near_duplicates))
    switched = run_batches(novelty(exact_until=1500), recs(near_duplicates))
    rejected = sum(v is not None for v in exact)
    assert 400 < rejected < 1200
    assert [v is None for v in minhash] == [v is None for v in exact]
    assert [v is None for v in switched] == [v is None for v in exact]
    same_reason = sum(a == b for a, b in zip(exact, minhash, strict=True))
    assert same_reason >= len(exact) - 5  # the most similar record found alike, nearly always


@needs_data
@pytest.mark.parametrize("exact_until", [10**9, 0, 1200])
def test_resume_from_journal_gives_identical_decisions(near_duplicates, exact_until):
    texts = near_duplicates[:2400]
    whole = run_batches(novelty(exact_until=exact_until), recs(texts))
    first = novelty(exact_until=exact_until)
    journal = b""
    for at in range(0, 1000, 100):
        first.process(recs(texts[at:at + 100], start=at))
        journal += first.take_delta()
    resumed = novelty(exact_until=exact_until)
    resumed.restore(journal)
    rest = [v for at in range(1000, len(texts), 100)
            for v in resumed.process(recs(texts[at:at + 100], start=at))]
    assert rest == whole[1000:]
    kept = [t for t, v in zip(texts[:1000], whole[:1000], strict=True) if v is None]
    assert len(journal) <= sum(len(t.encode()) + 12 for t in kept)  # compact: tokens + 12 B


def test_a_failed_batch_leaves_the_pool_unchanged(monkeypatch):
    step = novelty(exact_until=3)
    step.process(recs(["alpha beta gamma", "delta epsilon zeta"]))
    delta = step.take_delta()
    size, words = len(step.pool), len(step.pool.words)
    real_add = step.pool.add
    calls = {"n": 0}

    def flaky_add(*args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        real_add(*args, **kwargs)
        if calls["n"] == 2:
            raise RuntimeError("disk full")

    monkeypatch.setattr(step.pool, "add", flaky_add)
    batch = recs(["eta theta iota", "kappa lambda mu", "nu xi omicron"], start=2)
    with pytest.raises(RuntimeError):
        step.check_batch(batch)
    assert (len(step.pool), len(step.pool.words), step.pool.lsh) == (size, words, None)
    assert step.take_delta() == b""
    monkeypatch.setattr(step.pool, "add", real_add)
    assert step.process(batch) == [None, None, None]
    again = novelty(exact_until=3)
    again.restore(delta + step.take_delta())
    assert again.process(recs(["kappa lambda mu"], start=9))[0].endswith("record #3")


# ---- a whole run --------------------------------------------------------------------------

PROMPTS = ["Name three fruits.", "Explain gravity to a child.", "Name three fruits please.",
           "Write a haiku about rain.", "Explain gravity to a young child."]


@sf.generator("t_novelty_prompts")
def novelty_prompts(k: int, rng: Any) -> dict[str, Any]:
    return {"instruction": PROMPTS[k % len(PROMPTS)] + ("" if k < 5 else f" Version {k}."),
            "output": "..."}


def test_end_to_end_run(in_tmp):
    import synthforge.curate.novelty  # noqa: F401  (until it is a built-in)

    run = sf.run({"name": "n", "target": 3, "mix": [{"generator": "t_novelty_prompts"}],
                  "steps": [{"novelty": {}}], "format": "records"}, "r")
    assert [r.data["instruction"] for r in run.records()] == PROMPTS[:2] + [PROMPTS[3]]
    rejected = list(run.rejected())
    assert [r["reason"] for r in rejected] == ["not_novel: rouge-l 0.86 with record #0"]


VOCAB = ("write explain list name describe give three five short long poem story tips ways "
         "reasons about the a of for on healthy water city river ocean night summer")


@sf.generator("t_novelty_mixed")
def novelty_mixed(k: int, rng: Any) -> dict[str, Any]:
    """Test source: random instructions; every third one a reworded copy of item k // 2."""
    base, vocab = random.Random(k // 2 if k % 3 == 2 else k), VOCAB.split()
    words = [base.choice(vocab) for _ in range(9)]
    if k % 3 == 2:
        words[random.Random(k).randrange(9)] = "again"
    return {"instruction": " ".join(words), "output": "..."}


def _mixed_recipe(attempts: int, exact_until: int) -> dict[str, Any]:
    return {"name": "n", "target": 10**6, "budget": {"max_attempts": attempts},
            "mix": [{"generator": "t_novelty_mixed"}],
            "steps": [{"novelty": {"exact_until": exact_until}}], "format": "records"}


@pytest.mark.parametrize("exact_until", [5000, 40])
def test_a_stopped_run_resumes_to_the_same_data(in_tmp, exact_until):
    """Stopped early (in exact mode, and past the switch to MinHash), then resumed: the same
    accepted and rejected rows as a run that never stopped, rebuilt from the state journal."""
    whole = sf.run(_mixed_recipe(600, exact_until), "whole", batch_size=32)
    rejected = list(whole.rejected())
    assert 80 <= len(rejected) < 300  # copies of an original (not of a copy) and chance
    assert all(r["reason"].startswith("not_novel: rouge-l ") for r in rejected)
    sf.run(_mixed_recipe(250, exact_until), "part", batch_size=32)
    resumed = sf.run(_mixed_recipe(600, exact_until), "part", batch_size=32)
    assert [r.to_dict() for r in resumed.records()] == [r.to_dict() for r in whole.records()]
    assert list(resumed.rejected()) == rejected
    state = [(run.path / "state" / "novelty.bin").read_bytes() for run in (whole, resumed)]
    assert state[0] == state[1]
