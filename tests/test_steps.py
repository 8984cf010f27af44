"""Built-in stateful steps: exact dedup (and its key index), balance and quotas."""

from __future__ import annotations

import numpy as np
import pytest

import synthforge as sf
from synthforge.curate.balance import Balance, BalanceConfig, Quota, QuotaConfig, allocate
from synthforge.curate.dedup import DedupConfig, ExactDedup
from synthforge.curate.keyindex import KeyIndex
from synthforge.curate.normalize import normalize_text, text_key
from synthforge.record import Record
from synthforge.stage import Context


def recs(texts, start=0, field="text"):
    return [Record(f"r{start + i}", start + i, {field: t} if t is not None else {}, {})
            for i, t in enumerate(texts)]


def dedup(**cfg) -> ExactDedup:
    return ExactDedup(DedupConfig(**cfg), Context(), "dedup")


@pytest.mark.parametrize(("a", "b"), [
    ("Hello, World!", "hello world"),
    ("  many   spaces\there ", "many spaces here"),
    ("ＦＵＬＬ width", "full width"),
    ("Straße", "STRASSE"),
    ("“quoted” — dash", "quoted dash"),
])
def test_normalisation_folds_form_case_punctuation_space(a, b):
    assert normalize_text(a) == normalize_text(b)
    assert text_key(a) == text_key(b)


def test_normalisation_keeps_what_matters():
    assert text_key("2 + 3 = 5") != text_key("2 + 3 = 6")
    assert text_key("cat") != text_key("cats")


def test_dedup_keeps_first_and_names_it():
    step = dedup(fields=["text"])
    batch = recs(["A cat.", "a cat", "a dog", "A CAT!!", "a dog."])
    verdicts = step.process(batch)
    assert verdicts[0] is None and verdicts[2] is None
    assert verdicts[1].startswith("duplicate:") and "#0" in verdicts[1]
    assert batch[3].meta["duplicate_of"] == 0 and batch[4].meta["duplicate_of"] == 2
    later = recs(["a cat", "a bird"], start=10)
    assert step.process(later)[0].startswith("duplicate") and later[1].meta == {}


def test_dedup_missing_field_is_a_reason_not_a_crash():
    step = dedup(fields=["text"])
    batch = recs(["x", None, "x", None])
    verdicts = step.process(batch)
    assert verdicts[0] is None and verdicts[2].startswith("duplicate")
    assert verdicts[1].startswith("missing_field") and verdicts[3].startswith("missing_field")


def test_dedup_on_several_fields_and_whole_data():
    step = dedup(fields=["q", "a"])
    rows = [Record(f"r{i}", i, d, {}) for i, d in enumerate(
        [{"q": "1+1", "a": "2"}, {"q": "1+1", "a": "3"}, {"q": "1 + 1", "a": "2"}])]
    assert step.process(rows) == [None, None, (rows[2].meta and step.process(
        [])[0:0]) or "duplicate: same q, a as record #0"]
    whole = dedup()
    rows = [Record(f"r{i}", i, d, {}) for i, d in enumerate(
        [{"q": "x", "n": 1}, {"q": "X", "n": 1}, {"q": "x", "n": 2}])]
    assert [v is None for v in whole.process(rows)] == [True, False, True]


def test_dedup_without_normalisation_is_exact():
    step = dedup(fields=["text"], normalize=False)
    assert step.process(recs(["a", "A", "a"])) == [None, None, "duplicate: same text as record #0"]


def test_dedup_state_restores_from_its_journal():
    step = dedup(fields=["text"])
    step.process(recs(["one", "two"]))
    journal = step.take_delta()
    step.process(recs(["three"], start=2))
    journal += step.take_delta()
    fresh = dedup(fields=["text"])
    fresh.restore(journal)
    out = fresh.process(recs(["one", "three", "four"], start=3))
    assert out[0].endswith("#0") and out[1].endswith("#2") and out[2] is None


def test_key_index_matches_a_dict_over_many_merges():
    rng = np.random.default_rng(0)
    index = KeyIndex(merge_at=300)
    truth: dict[int, int] = {}
    for batch in range(60):
        keys = rng.integers(0, 5000, size=200, dtype=np.uint64)
        found = index.find(keys)
        expect = np.array([truth.get(int(k), -1) for k in keys])
        assert (found == expect).all()
        fresh = {int(k): batch * 1000 + i for i, k in enumerate(keys) if int(k) not in truth}
        truth.update({k: v for k, v in reversed(list(fresh.items()))})
        new_keys = np.array(list(dict.fromkeys(k for k in fresh)), dtype=np.uint64)
        index.add(new_keys, np.array([truth[int(k)] for k in new_keys]))
    assert len(index) == len(truth)
    restored = KeyIndex()
    restored.restore(KeyIndex.pack(np.array(list(truth), dtype=np.uint64),
                                   np.array(list(truth.values()))))
    probe = np.array(list(truth)[:500] + [10**12], dtype=np.uint64)
    assert restored.find(probe).tolist() == [truth[int(k)] for k in probe[:-1]] + [-1]


def test_allocate_is_exact_and_proportional():
    assert allocate(10, {"a": 1, "b": 1, "c": 1}) == {"a": 4, "b": 3, "c": 3} or sum(
        allocate(10, {"a": 1, "b": 1, "c": 1}).values()) == 10
    caps = allocate(1000, {"x": 0.5, "y": 0.3, "z": 0.2})
    assert caps == {"x": 500, "y": 300, "z": 200}
    assert sum(allocate(7, {"p": 0.33, "q": 0.33, "r": 0.34}).values()) == 7


def test_balance_caps_follow_mix_weights_and_proportions():
    ctx = Context(target=10, weights={"a": 3, "b": 1})
    step = Balance(BalanceConfig(), ctx, "balance")
    assert step.caps == {"a": 8, "b": 2} or step.caps == {"a": 7, "b": 3}
    rows = [Record(f"r{i}", i, {}, {"source": "b"}) for i in range(5)]
    verdicts = step.process(rows)
    assert verdicts[: step.caps["b"]] == [None] * step.caps["b"]
    assert all(v.startswith("over_quota") for v in verdicts[step.caps["b"]:])
    labels = Balance(BalanceConfig(by="label", proportions=["pos", "neg"]), Context(target=4),
                     "b")
    rows = [Record(str(i), i, {"label": lab}, {}) for i, lab in
            enumerate(["pos", "pos", "pos", "neg", "meh", None])]
    out = labels.process(rows)
    assert out[:2] == [None, None] and out[2].startswith("over_quota") and out[3] is None
    assert out[4].startswith("unknown_category") and out[5].startswith("missing_field")


def test_balance_needs_proportions_for_other_fields():
    with pytest.raises(ValueError, match="proportions"):
        BalanceConfig(by="label")


def test_caps_restore_from_journal():
    step = Quota(QuotaConfig(by="label", caps={"x": 2}), Context(target=10), "quota")
    step.process([Record("a", 0, {"label": "x"}, {})])
    fresh = Quota(QuotaConfig(by="label", caps={"x": 2}), Context(target=10), "quota")
    fresh.restore(step.take_delta())
    out = fresh.process([Record(str(i), i, {"label": "x"}, {}) for i in range(1, 4)])
    assert out[0] is None and out[1].startswith("over_quota")


def test_mix_quota_and_balance_end_to_end(in_tmp):
    recipe = {"name": "q", "target": 300, "mix": [
        {"generator": "t_counter", "name": "a", "weight": 1, "quota": 50},
        {"generator": "t_counter", "name": "b", "weight": 1}]}
    run = sf.run(recipe, "r")
    by_source = {}
    for r in run.records():
        by_source[r.meta["source"]] = by_source.get(r.meta["source"], 0) + 1
    assert by_source == {"a": 50, "b": 250}
    assert run.funnel()[-1].stage == "quota"
    balanced = sf.run({**recipe, "mix": [{"generator": "t_counter", "name": "a", "weight": 3},
                                         {"generator": "t_counter", "name": "b", "weight": 1}],
                       "steps": [{"balance": {}}]}, "s")
    counts = {}
    for r in balanced.records():
        counts[r.meta["source"]] = counts.get(r.meta["source"], 0) + 1
    assert counts == {"a": 225, "b": 75}


def test_key_index_takes_indices_beyond_32_bits():
    index = KeyIndex(merge_at=2)
    index.add(np.array([1, 2], dtype=np.uint64), np.array([5, 6]))
    index.add(np.array([3], dtype=np.uint64), np.array([2**33]))
    index.add(np.array([4], dtype=np.uint64), np.array([7]))
    assert index.find(np.array([1, 3, 4, 9], dtype=np.uint64)).tolist() == [5, 2**33, 7, -1]
