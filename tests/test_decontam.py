"""Decontamination against evaluation sets, source-copy detection, readers and the report.

Planted-contamination tests use the real GSM8K test and HumanEval files; the synthetic
records come from the project's own task families.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import re
from pathlib import Path

import numpy as np
import orjson
import pytest
import yaml
from pydantic import ValidationError

import synthforge as sf
import synthforge.curate.decontam
import synthforge.curate.embed
from synthforge.curate import ngram_index
from synthforge.curate.decontam import (
    Decontaminate,
    DecontaminateConfig,
    SourceCopy,
    SourceCopyConfig,
    contamination_report,
    write_contamination_report,
)
from synthforge.curate.evalsets import read_items, resolve
from synthforge.curate.ngram_index import NgramIndex, fold, grams, words
from synthforge.curate.normalize import normalize_text
from synthforge.generate.procedural.base import families
from synthforge.record import Record
from synthforge.stage import Context

DATA = Path("/work/shared/data")
GSM8K = DATA / "gsm8k/test.jsonl"
HUMANEVAL = DATA / "humaneval/HumanEval.jsonl.gz"
pytestmark = pytest.mark.skipif(not GSM8K.is_file(), reason=f"{DATA} is not here")
AGAINST = [{"path": str(GSM8K), "layout": "gsm8k"},
           {"path": str(HUMANEVAL), "layout": "humaneval"}]


def recs(rows: list[dict], start: int = 0) -> list[Record]:
    return [Record(f"r{start + i}", start + i, row, {}) for i, row in enumerate(rows)]


_steps: dict[str, Decontaminate] = {}


def decontaminate(**cfg) -> Decontaminate:
    """A decontaminate step against GSM8K test + HumanEval (built once per config)."""
    key = json.dumps(cfg, sort_keys=True)
    if key not in _steps:
        config = DecontaminateConfig.model_validate({"against": AGAINST, **cfg})
        _steps[key] = Decontaminate(config, Context(base_dir=DATA), "decontaminate")
    return _steps[key]


def synthetic(n: int = 2000, seed: int = 11) -> list[dict]:
    """Records from the project's task families, gsm_word_problem first (half of them)."""
    fams = families()
    names = ["gsm_word_problem"] * 9 + ["python_function", "rate_problem", "percentages",
                                       "arithmetic_chain", "unit_conversion", "linear_equation",
                                       "code_output", "probability", "weekday"]
    made = {name: fams[name](fams[name].Config(difficulty={"mix": {1: 1, 2: 1, 3: 1, 4: 1,
                                                                    5: 1}}),
                             Context(seed=seed), name) for name in set(names)}
    rows = []
    for k in range(n):
        data, _ = made[names[k % len(names)]].generate(k)
        rows.append({"question": data["question"], "response": data["response"]})
    return rows


# ---- hashing and the index -------------------------------------------------------------------

TRICKY = ["Hello, World!", "  many   spaces\there ", "ＦＵＬＬ width", "Straße", "“quoted” — dash",
          "4 × 12 = 48 ÷ 2", "naïve café", "e\u0301t\u00e9", "ﬁne ligature", "a\u2028b\u00a0c",
          "नमस्ते दुनिया", "emoji 😀 ok", "tab\tand\nnewline", "x_y-z", "", "   "]


def test_words_are_those_of_normalize_text():
    for text in TRICKY:
        assert words([text]).hashes.tolist() == words([normalize_text(text)]).hashes.tolist()
        if not text.isascii():  # fold leaves ASCII punctuation to the batch-wide pass
            assert normalize_text(fold(text)).split() == normalize_text(text).split()


def test_words_on_real_text_match_normalisation():
    with gzip.open(DATA / "alpaca/alpaca_data.json.gz") as f:
        rows = json.load(f)[:3000]
    texts = [r["output"] for r in rows]
    got = words(texts)
    for i in range(0, 3000, 97):
        one = words([normalize_text(texts[i])]).hashes
        assert got.hashes[got.first[i]: got.first[i + 1]].tolist() == one.tolist()
        assert len(one) == len(normalize_text(texts[i]).split())


def test_long_texts_are_split_without_changing_words(monkeypatch):
    texts = [" ".join(f"word{k % 50}" for k in range(400)), "short text here", "x" * 10]
    whole = words(texts)
    monkeypatch.setattr(ngram_index, "_GROUP_BYTES", 64)
    cut = words(texts)
    assert cut.hashes.tolist() == whole.hashes.tolist()
    assert cut.text.tolist() == whole.text.tolist() and cut.first.tolist() == whole.first.tolist()


def test_ngrams_stay_within_one_text():
    w = words(["a b c", "d e f g", "h"])
    starts, _ = grams(w, 3)
    assert starts.tolist() == [0, 3, 4]


def test_span_and_coverage_are_measured_in_words():
    index = NgramIndex(4, min_words=3)
    long = index.add(("e", "0", "q"), "one two three four five six seven eight nine ten")
    short = index.add(("e", "1", "q"), "alpha beta gamma")
    index.add(("e", "2", "q"), "tiny bit")  # below min_words: ignored
    index.build()
    texts = ["Zero, one two three FOUR five. nine", "one two three four", "ALPHA beta gamma!",
             "tiny bit", "six seven eight nine ten"]
    found = {(o.owner, o.unit): o for o in index.match(texts, [0, 1, 2, 3, 0])}
    assert set(found) == {(0, long), (1, long), (2, short)}
    a = found[(0, long)]
    assert (a.span, a.covered, a.grams) == (5, 4, 7)  # two runs: 5 words and 5 words
    assert found[(1, long)].span == 4 and found[(2, short)].coverage == 1.0


def test_index_handles_repeated_ngrams_across_units():
    index = NgramIndex(3)
    for i in range(5):
        index.add(("e", str(i), "q"), f"the same boilerplate line {i}")
    index.build()
    found = index.match(["so the same boilerplate appears"], [0])
    assert sorted(o.unit for o in found) == [0, 1, 2, 3, 4]


# ---- readers ---------------------------------------------------------------------------------

def test_gsm8k_reader_drops_calculator_notes():
    items = list(read_items(GSM8K, "gsm8k"))
    assert len(items) == 1319 and items[0].id == "0"
    fields = dict(items[0].texts)
    assert set(fields) == {"question", "answer"} and "<<" not in fields["answer"]
    assert "She makes 9 * 2 = $18 every day" in fields["answer"]
    only = next(read_items(GSM8K, "gsm8k", fields=["question"]))
    assert [f for f, _ in only.texts] == ["question"]


def test_humaneval_reader_gz():
    items = list(read_items(HUMANEVAL, "humaneval"))
    assert len(items) == 164 and items[12].id == "HumanEval/12"
    assert [f for f, _ in items[0].texts] == ["prompt", "canonical_solution"]


def test_self_instruct_wizardlm_alpaca_and_generic_layouts():
    si = list(read_items(DATA / "self_instruct/user_oriented_instructions.jsonl",
                         "self_instruct"))
    assert len(si) == 252 and si[0].id == "user_oriented_task_0"
    assert {f for f, _ in si[0].texts} >= {"instruction", "instances.0.input",
                                           "instances.0.output"}
    wiz = list(read_items(DATA / "wizardlm/WizardLM_testset.jsonl", "wizardlm"))
    assert len(wiz) == 218 and wiz[0].id == "1" and wiz[0].texts[0][0] == "Instruction"
    alpaca = list(read_items(DATA / "alpaca/alpaca_data.json.gz", "alpaca"))
    assert len(alpaca) == 52002 and [f for f, _ in alpaca[0].texts] == ["instruction", "input",
                                                                         "output"]
    generic = list(read_items(DATA / "wizardlm/WizardLM_testset.jsonl", fields=["Instruction"],
                              id="idx"))
    assert [i.texts for i in generic] == [i.texts for i in wiz]
    every = next(read_items(GSM8K))  # auto: every string field
    assert {f for f, _ in every.texts} == {"question", "answer"}
    lines = list(read_items(DATA / "sst2/test.txt"))
    assert len(lines) == 1752 and lines[0].id == "0"
    csv_items = list(read_items(
        DATA / "customer_support/Bitext_Sample_Customer_Support_Training_Dataset.csv",
        fields=["instruction"]))
    assert len(csv_items) == 4514 and csv_items[0].texts[0][0] == "instruction"
    doc = list(read_items(DATA / "gsm8k/test.jsonl", "document"))
    assert len(doc) == 1 and doc[0].texts[0][1].startswith('{"question"')


def test_mmlu_reader_with_and_without_header(tmp_path):
    rows = [["Which gas do plants take in for photosynthesis?", "Oxygen", "Carbon dioxide",
             "Nitrogen", "Helium", "B"],
            ["What is the derivative of x squared with respect to x?", "x", "2x", "x^2", "2",
             "B"]]
    plain = tmp_path / "astronomy_test.csv"
    plain.write_text("\n".join(",".join(f'"{c}"' for c in r) for r in rows) + "\n")
    header = tmp_path / "with_header.csv"
    header.write_text("question,A,B,C,D,answer\n" + plain.read_text())
    for path in (plain, header):
        items = list(read_items(path, "mmlu"))
        assert [i.id for i in items] == ["0", "1"]
        texts = dict(items[0].texts)
        assert texts["question"].startswith("Which gas") and "Carbon dioxide" in texts["choices"]
        assert "answer" not in texts


def test_field_paths_with_stars():
    row = {"a": [{"b": "x"}, {"b": "y", "c": 1}], "d": {"e": ["p", "q"]}}
    assert resolve(row, "a.*.b") == [("a.0.b", "x"), ("a.1.b", "y")]
    assert resolve(row, "a.1.b") == [("a.1.b", "y")]
    assert resolve(row, "d.e") == [("d.e.0", "p"), ("d.e.1", "q")]
    assert resolve(row, "nope.x") == []


def test_bad_jsonl_says_where(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"q": "fine"}\n{"q": oops}\n')
    with pytest.raises(sf.UserError, match=r"bad\.jsonl:2: not valid JSON"):
        list(read_items(bad))


# ---- decontaminate: planted contamination ----------------------------------------------------

def _renumber(text: str) -> str:
    return re.sub(r"\d+", lambda m: str(int(m.group()) + 3), text)


def _two_words(text: str) -> str:
    ws = text.split(" ")
    for at in (len(ws) // 3, 2 * len(ws) // 3):
        ws[at] = "something"
    return " ".join(ws)


EDITS = {
    "case_punctuation_spacing": lambda t: t.upper().replace(".", " !").replace(" ", "  "),
    "wrapped": lambda t: f"Here is a problem for you to try. {t} Please show your work.",
    "numbers_changed": _renumber,
    "two_words_replaced": _two_words,
}


@pytest.fixture(scope="module")
def planted():
    """2,000 synthetic records plus verbatim and lightly edited GSM8K/HumanEval items."""
    gsm = list(read_items(GSM8K, "gsm8k"))
    he = list(read_items(HUMANEVAL, "humaneval"))
    verbatim = [{"question": dict(gsm[i].texts)["question"], "response": "Let me see."}
                for i in range(0, 1319, 7)]
    verbatim += [{"question": "Solve it.", "response": dict(gsm[i].texts)["answer"]}
                 for i in range(3, 1319, 53)]
    verbatim += [{"question": dict(it.texts)["prompt"], "response": "pass"} for it in he[::3]]
    verbatim += [{"question": "Write the body.", "response": dict(it.texts)["canonical_solution"]}
                 for it in he[1::4] if len(normalize_text(dict(it.texts)["canonical_solution"])
                                          .split()) >= 5]
    edited = {name: [{"question": edit(dict(gsm[i].texts)["question"]), "response": "ok"}
                     for i in range(2, 1319, 29)]
              + [{"question": edit(dict(it.texts)["prompt"]), "response": "pass"}
                 for it in he[2::9]]
              for name, edit in EDITS.items()}
    return synthetic(), verbatim, edited


def _rejected(step: Decontaminate, rows: list[dict]) -> list[str | None]:
    out: list[str | None] = []
    for lo in range(0, len(rows), 500):
        out += step.process(recs(rows[lo: lo + 500], lo))
    return out


def test_catches_every_verbatim_plant_and_no_synthetic_record(planted, capsys):
    clean, verbatim, edited = planted
    step = decontaminate()
    false_pos = [r for r, v in zip(clean, _rejected(step, clean), strict=True) if v]
    caught = _rejected(step, verbatim)
    recall = {name: sum(v is not None for v in _rejected(step, rows)) / len(rows)
              for name, rows in edited.items()}
    with capsys.disabled():
        print(f"\n  synthetic records: {len(clean)}, false positives: {len(false_pos)}; "
              f"verbatim plants: {len(verbatim)}, caught: {sum(v is not None for v in caught)}"
              f"\n  edited recall: " + ", ".join(f"{k} {v:.0%}" for k, v in recall.items()))
    assert false_pos == []
    assert all(v is not None and v.startswith("contaminated: matches ") for v in caught)
    assert recall["case_punctuation_spacing"] == 1.0 and recall["wrapped"] == 1.0
    # measured: 78 % and 70 % (docs/benchmarks.md)
    assert recall["numbers_changed"] >= 0.7 and recall["two_words_replaced"] >= 0.6


def test_reason_and_meta_name_the_item():
    step = decontaminate()
    gsm = list(read_items(GSM8K, "gsm8k"))
    q = dict(gsm[123].texts)["question"]
    batch = recs([{"question": q, "response": "The answer is 5."}, {"question": "Hi there."}])
    verdicts = step.process(batch)
    n = len(normalize_text(q).split())
    assert verdicts == [f"contaminated: matches gsm8k/test.jsonl#123 (span {n} words, covers "
                        "100%)", None]
    assert batch[0].meta["contamination"] == {
        "kind": "ngram", "file": "gsm8k/test.jsonl", "item": "123", "field": "question",
        "span": n, "coverage": 1.0, "matches": 1}
    assert batch[1].meta == {}


def test_several_items_best_first_and_counted():
    step = decontaminate()
    gsm = list(read_items(GSM8K, "gsm8k"))
    short_q, long_q = sorted((dict(gsm[i].texts)["question"] for i in (5, 6)), key=len)
    batch = recs([{"question": short_q, "response": long_q}])
    verdict = step.process(batch)[0]
    ev = batch[0].meta["contamination"]
    assert ev["matches"] == 2 and len(ev["also"]) == 1 and "; 2 items matched" in verdict
    assert ev["span"] == len(normalize_text(long_q).split())


def test_coverage_threshold_catches_partial_copies():
    gsm = list(read_items(GSM8K, "gsm8k"))
    q = dict(gsm[40].texts)["question"]
    half = " ".join(q.split()[: len(q.split()) * 2 // 3])
    strict = decontaminate(ngram=8, min_span=60, max_coverage=0.5)
    loose = decontaminate(ngram=8, min_span=60, max_coverage=0.95)
    assert strict.process(recs([{"q": half}]))[0] is not None
    assert loose.process(recs([{"q": half}]))[0] is None


def test_fields_limit_what_is_checked():
    gsm = list(read_items(GSM8K, "gsm8k"))
    row = {"question": "Fine.", "response": dict(gsm[9].texts)["question"],
           "messages": [{"role": "user", "content": dict(gsm[10].texts)["question"]}]}
    assert decontaminate(fields=["question"]).process(recs([row]))[0] is None
    assert decontaminate(fields=["messages.*.content"]).process(recs([row]))[0] is not None
    assert "#9 " in decontaminate(fields=["response"]).process(recs([row]))[0]
    assert decontaminate().process(recs([row]))[0] is not None  # default: every string


def test_short_eval_texts_are_caught_whole(tmp_path):
    evals = tmp_path / "short.jsonl"
    evals.write_text('{"prompt": "Name three primary colours of light."}\n{"prompt": "Hi."}\n')
    config = DecontaminateConfig.model_validate({"against": [{"path": str(evals),
                                                              "fields": ["prompt"]}]})
    step = Decontaminate(config, Context(base_dir=tmp_path), "d")
    verdicts = step.process(recs([{"t": "Please name three PRIMARY colours of light, thanks"},
                                  {"t": "name three colours of light"}, {"t": "Hi."}]))
    assert verdicts[0] == "contaminated: matches short.jsonl#0 (span 6 words, covers 100%)"
    assert verdicts[1:] == [None, None]  # a partial short text, and one below min_words


def test_config_validation():
    with pytest.raises(ValidationError, match="min_span"):
        DecontaminateConfig.model_validate({"against": AGAINST, "ngram": 13, "min_span": 8})
    with pytest.raises(ValidationError, match="file not found"):
        DecontaminateConfig.model_validate({"against": ["nope/missing.jsonl"]})
    short = DecontaminateConfig.model_validate({"against": [str(GSM8K)]})
    assert short.against[0].layout == "auto" and short.span == 13
    with pytest.raises(ValidationError):
        DecontaminateConfig.model_validate({"against": AGAINST, "typo": 1})


# ---- end to end and the report ---------------------------------------------------------------

_PLANTS: list[dict] = []


@sf.generator("t_decontam_plants")
def _plants(k: int, rng) -> dict:
    """Test source: planted eval items, one after another."""
    return _PLANTS[k % len(_PLANTS)]


def test_end_to_end_run_and_report(in_tmp):
    gsm = list(read_items(GSM8K, "gsm8k"))
    _PLANTS[:] = [{"question": dict(gsm[i].texts)["question"], "response": "4"}
                  for i in range(0, 200, 10)]
    (in_tmp / "data" / "gsm8k").mkdir(parents=True)
    (in_tmp / "data" / "gsm8k" / "test.jsonl").write_bytes(GSM8K.read_bytes())
    recipe = {"name": "decontam", "seed": 3, "target": 400, "budget": {"max_attempts": 600},
              "mix": [{"generator": "gsm_word_problem", "weight": 19},
                      {"generator": "t_decontam_plants", "weight": 1}],
              "steps": [{"decontaminate": {"against": [{"path": "data/gsm8k/test.jsonl",
                                                        "layout": "gsm8k"},
                                                       {"path": str(HUMANEVAL),
                                                        "layout": "humaneval"}],
                                           "fields": ["question", "response"]}}],
              "exports": []}
    (in_tmp / "r.yaml").write_text(yaml.safe_dump(recipe))
    run = sf.run(in_tmp / "r.yaml", in_tmp / "run")
    rejected = list(run.rejected())
    plants = [r for r in rejected if r["meta"]["source"] == "t_decontam_plants"]
    assert plants and len(plants) == len(rejected)  # every rejection is a plant ...
    assert all(r.meta["source"] != "t_decontam_plants" for r in run.records())  # ... all caught
    assert all(r["reason"].startswith("contaminated: matches data/gsm8k/test.jsonl#")
               for r in rejected)
    report = contamination_report(rejected)["contamination"]
    assert report["records"] == len(rejected)
    assert report["by_file"] == {"data/gsm8k/test.jsonl": report["items_hit"]}
    hit = {e["item"]: e for e in report["items"]}
    assert set(hit) <= {str(i) for i in range(0, 200, 10)}
    assert sum(len(e["records"]) for e in report["items"]) == len(rejected)
    assert {rec["id"] for e in report["items"] for rec in e["records"]} == {
        r["id"] for r in rejected}
    path = write_contamination_report(run)
    assert path == run.path / "contamination.json"
    assert orjson.loads(path.read_bytes())["contamination"] == report


def test_report_lists_every_matched_item():
    rows = [{"id": "a", "index": 0, "stage": "decontaminate", "reason": "contaminated: ...",
             "meta": {"contamination": {"kind": "ngram", "file": "e.jsonl", "item": "1",
                                        "field": "q", "span": 20, "coverage": 0.9,
                                        "matches": 2, "also": [["e.jsonl", "2"]]}}},
            {"id": "b", "index": 1, "stage": "decontaminate", "reason": "contaminated: ...",
             "meta": {"contamination": {"kind": "ngram", "file": "e.jsonl", "item": "1",
                                        "field": "q", "span": 14, "coverage": 0.2,
                                        "matches": 1}}},
            {"id": "c", "index": 2, "stage": "dedup", "reason": "duplicate: x", "meta": {}}]
    report = contamination_report(iter(rows))
    c = report["contamination"]
    assert c["records"] == 2 and c["items_hit"] == 2 and c["by_file"] == {"e.jsonl": 2}
    first = c["items"][0]
    assert (first["item"], [r["id"] for r in first["records"]]) == ("1", ["a", "b"])
    assert first["records"][0]["span"] == 20
    assert c["items"][1]["records"] == [{"id": "a", "index": 0, "stage": "decontaminate",
                                         "best": False}]
    assert report["source_copy"]["records"] == 0


# ---- source_copy -----------------------------------------------------------------------------

@pytest.fixture
def sources(tmp_path):
    """A folder of 'contracts' (real Alpaca outputs as stand-ins) and a JSONL of notes."""
    with gzip.open(DATA / "alpaca/alpaca_data.json.gz") as f:
        rows = [r["output"] for r in json.load(f) if len(r["output"].split()) > 120][:40]
    folder = tmp_path / "sources"
    (folder / "nested").mkdir(parents=True)
    for i, text in enumerate(rows[:30]):
        (folder / ("nested" if i % 2 else "") / f"contract_{i}.txt").write_text(text)
    (folder / ".hidden.txt").write_text(rows[30])
    notes = tmp_path / "notes.jsonl"
    notes.write_text("".join(orjson.dumps({"body": t, "n": 1}).decode() + "\n"
                             for t in rows[31:]))
    return tmp_path, rows


def test_source_copy_catches_a_planted_paragraph(sources):
    base, rows = sources
    config = SourceCopyConfig.model_validate({"sources": ["sources", "notes.jsonl"]},
                                             context={"base_dir": str(base)})
    step = SourceCopy(config, Context(base_dir=base), "source_copy")
    paragraph = " ".join(rows[17].split()[20:62])  # 42 words from the middle of one source
    quote = " ".join(rows[4].split()[:20])  # a 20-word quote: below min_span
    batch = recs([{"response": f"As agreed: {paragraph} End."}, {"response": quote},
                  {"response": " ".join(rows[33].split()[:50])},
                  {"response": rows[30]}])
    verdicts = step.process(batch)
    n = len(normalize_text(paragraph).split())
    assert verdicts[0] == (f"source_copy: reproduces {n} words of sources/nested/contract_17.txt"
                           " — generated data may reproduce memorised source material")
    assert batch[0].meta["source_copy"]["span"] == n
    assert verdicts[1] is None  # short quote
    assert verdicts[2] is not None and "notes.jsonl#2" in verdicts[2]
    assert verdicts[3] is None  # hidden files are not read
    clean = synthetic(300)
    assert all(v is None for v in step.process(recs(clean)))


def test_source_copy_fingerprint_follows_content(sources):
    base, _ = sources
    recipe = {"name": "s", "target": 1, "mix": [{"generator": "gsm_word_problem"}],
              "steps": [{"source_copy": {"sources": [str(base / "sources")]}}]}
    first = sf.load_recipe(recipe).fingerprint()
    (base / "sources" / "contract_0.txt").write_text("changed")
    assert sf.load_recipe(recipe).fingerprint() != first


# ---- paraphrase (with a stand-in embedder: the model is not needed to test the logic) -------

class _BagOfWords:
    """Stand-in Embedder: hashed bag-of-words vectors, L2-normalised."""

    def __init__(self, model: str = "x", *, cache_dir=None, batch_size=64, device=None):
        self.model = model

    def encode(self, texts):
        out = np.zeros((len(texts), 256), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in normalize_text(text).split():
                out[i, hash(word) % 256] += 1
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def test_paraphrase_check_rejects_near_neighbours(monkeypatch):
    monkeypatch.setattr(synthforge.curate.decontam, "Embedder", _BagOfWords)
    config = DecontaminateConfig.model_validate(
        {"against": [{"path": str(GSM8K), "layout": "gsm8k", "fields": ["question"]}],
         "paraphrase": {"threshold": 0.8}})
    step = Decontaminate(config, Context(base_dir=DATA), "d")
    assert step.cpu_bound is False
    q = dict(next(read_items(GSM8K, "gsm8k")).texts)["question"]
    shuffled = " ".join(reversed(q.split()))  # same words, no shared 13-gram
    batch = recs([{"q": shuffled}, {"q": "Write a haiku about the sea and the wind."}])
    verdicts = step.process(batch)
    assert verdicts[0].startswith("contaminated: paraphrases gsm8k/test.jsonl#0 (similarity ")
    assert batch[0].meta["contamination"]["kind"] == "paraphrase" and verdicts[1] is None


PARAPHRASES = {  # hand-written rewordings of GSM8K test questions 0, 2, 3 and 6
    0: "Every day Janet's ducks produce 16 eggs. Three get eaten at breakfast and four go into "
       "muffins she bakes for friends. The leftover eggs are sold at the farmers' market for $2 "
       "each. How many dollars does she earn daily?",
    2: "Josh flips a house: he pays $80,000 for it and spends $50,000 on repairs, which raises "
       "the house's value by 150%. What is his profit?",
    3: "James sprints 3 times a week, doing 3 sprints each time, and every sprint is 60 meters "
       "long. How many meters does he run in a week in total?",
    6: "Seattle has 20 sheep. Charleston has four times as many as Seattle, and Toulouse has "
       "twice as many as Charleston. How many sheep do the three cities have altogether?",
}


def _model_available() -> bool:
    """Whether the offline model is installed (without importing torch at collection)."""
    if importlib.util.find_spec("sentence_transformers") is None:
        return False
    from synthforge.curate.embed import resolve_model

    return Path(resolve_model("all-MiniLM-L6-v2")).exists()


@pytest.mark.slow  # importing torch takes 10-40 s; the check itself a few seconds
@pytest.mark.skipif(not _model_available(), reason="no offline all-MiniLM-L6-v2 model")
def test_paraphrase_check_with_the_real_model(tmp_path):
    evals = tmp_path / "gsm8k_head.jsonl"
    evals.write_text("".join(GSM8K.read_text().splitlines(keepends=True)[:12]))
    config = DecontaminateConfig.model_validate(
        {"against": [{"path": str(evals), "layout": "gsm8k", "fields": ["question"]}],
         "paraphrase": {"threshold": 0.9}})
    step = Decontaminate(config, Context(base_dir=tmp_path), "d")
    clean = [{"question": r["question"]} for r in synthetic(40)[::2]]  # gsm_word_problem only
    batch = recs([{"question": q} for q in PARAPHRASES.values()] + clean)
    verdicts = step.process(batch)
    for (item, _), verdict in zip(PARAPHRASES.items(), verdicts, strict=False):
        assert verdict is not None and verdict.startswith(
            f"contaminated: paraphrases gsm8k_head.jsonl#{item} (similarity 0.9")
    assert verdicts[len(PARAPHRASES):] == [None] * len(clean)


def test_paraphrase_config_is_checked_before_any_model_loads(monkeypatch, tmp_path):
    against = [{"path": str(GSM8K), "layout": "gsm8k"}]
    with pytest.raises(ValidationError, match=r"model folder not found: .*no-such-model"):
        DecontaminateConfig.model_validate(
            {"against": against, "paraphrase": {"model": str(tmp_path / "no-such-model")}})
    monkeypatch.setattr(synthforge.curate.embed, "missing_extras", lambda modules: ["torch"])
    with pytest.raises(ValidationError, match=re.escape("pip install 'synthforge[embed]'")):
        DecontaminateConfig.model_validate({"against": against, "paraphrase": {}})
    assert DecontaminateConfig.model_validate({"against": against}).paraphrase is None
