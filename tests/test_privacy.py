"""The `pii` step: detectors on a labelled set, redaction, modes, fields, config, a full run."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import synthforge as sf
import synthforge.curate.privacy as privacy
from synthforge.curate.privacy import (
    ENTITIES,
    Finding,
    Pii,
    PiiConfig,
    mask,
    merge,
    parse_path,
    redact,
)
from synthforge.curate.secrets import find_secrets, shannon_entropy
from synthforge.record import Record
from synthforge.stage import Context

CASES = [json.loads(line) for line in
         (Path(__file__).parent / "data" / "pii_cases.jsonl").read_text().splitlines()]
PLACEHOLDER = re.compile(r"\[(?:" + "|".join(ENTITIES) + r")\]")


@pytest.fixture(scope="module")
def step() -> Pii:
    return Pii(PiiConfig(), Context(), "pii")


def make(**config) -> Pii:
    return Pii(PiiConfig(**config), Context(), "pii")


def record(**data) -> Record:
    return Record("r0", 0, data, {})


def gold(case: dict) -> list[tuple[str, int, int]]:
    text = case["text"]
    return [(e, text.index(v), text.index(v) + len(v)) for e, v in case["pii"]]


# ---- the labelled set ---------------------------------------------------------------------

def score_cases(step: Pii) -> dict[str, Counter]:
    """True and false positives and negatives per entity; a prediction counts when it has the
    gold span's entity and covers the whole gold span (redacting it would leave nothing)."""
    counts: dict[str, Counter] = {e: Counter() for e in ENTITIES}
    for case in CASES:
        truth, found = gold(case), step.scanner.detect(case["text"])
        for e, s, t in truth:
            hit = any(f.entity == e and f.start <= s and f.end >= t for f in found)
            counts[e]["tp" if hit else "fn"] += 1
        for f in found:
            if not any(f.entity == e and s < f.end and f.start < t for e, s, t in truth):
                counts[f.entity]["fp"] += 1
    return counts


def table(counts: dict[str, Counter]) -> str:
    lines = ["entity        tp  fp  fn  precision  recall"]
    for e, c in counts.items():
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
        lines.append(f"{e:12s} {c['tp']:3d} {c['fp']:3d} {c['fn']:3d}  {p:9.2f}  {r:6.2f}")
    return "\n".join(lines)


def test_the_labelled_set_is_broad():
    entities = Counter(e for c in CASES for e, _ in c["pii"])
    assert len(CASES) >= 120 and sum(not c["pii"] for c in CASES) >= 60
    assert all(entities[e] >= 2 for e in ENTITIES), entities


@pytest.mark.parametrize("entity", ENTITIES)
def test_precision_and_recall_per_entity(step, entity):
    counts = score_cases(step)
    c = counts[entity]
    precision = c["tp"] / max(c["tp"] + c["fp"], 1)
    recall = c["tp"] / max(c["tp"] + c["fn"], 1)
    assert precision >= 0.95 and recall >= 0.95, "\n" + table(counts)


def test_near_misses_are_not_flagged(step):
    flagged = {c["text"]: [(f.entity, c["text"][f.start:f.end]) for f in
                           step.scanner.scan(c["text"])]
               for c in CASES if not c["pii"]}
    assert {t: f for t, f in flagged.items() if f} == {}


# ---- redaction ----------------------------------------------------------------------------

def test_overlapping_findings_become_one_span_named_by_the_strongest():
    merged = merge([Finding("URL", 5, 16, 0.5), Finding("EMAIL", 0, 16, 1.0),
                    Finding("PHONE", 20, 30, 0.4), Finding("SSN", 25, 33, 0.85)])
    assert [(f.entity, f.start, f.end) for f in merged] == [("EMAIL", 0, 16), ("SSN", 20, 33)]
    text = "".join(chr(ord("a") + i % 26) for i in range(40))
    assert redact(text, merged) == "[EMAIL]" + text[16:20] + "[SSN]" + text[33:]


def test_adjacent_findings_stay_apart(step):
    text = "bob@company.io|+1 415-555-2671"
    assert redact(text, step.scanner.scan(text)) == "[EMAIL]|[PHONE]"
    assert redact("ab", merge([Finding("A", 0, 1, 1), Finding("B", 1, 2, 1)])) == "[A][B]"


def test_redaction_changes_nothing_else_and_is_idempotent(step):
    for case in CASES:
        text = case["text"]
        once = step.scanner.scan(text)
        redacted = redact(text, once)
        assert step.scanner.scan(redacted) == [], redacted
        covered = {i for f in step.scanner.detect(text) for i in range(f.start, f.end)}
        outside = "".join(ch for i, ch in enumerate(text) if i not in covered)
        assert PLACEHOLDER.sub("", redacted) == outside
        for _, s, t in gold(case):
            assert text[s:t] not in redacted


FRAGMENTS = sorted({v for c in CASES for _, v in c["pii"]} | {
    "hello", "the year 1999", "call", "phone", "ssn", "version 1.2.3.4", "x", "42", "main.py",
    "e83c5163316f89bfbe7d9ab23ca2e25604af290", "(", ")", '"', "'", ":", "=", "@", "."})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(FRAGMENTS), st.sampled_from(["", " ", ", ", "\n"])),
                max_size=6))
def test_redaction_properties_on_random_mixtures(step, parts):
    text = "".join(f + sep for f, sep in parts)
    found = step.scanner.scan(text)
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))
    redacted, _ = step.scanner.redact(text)
    assert step.scanner.redact(redacted) == (redacted, [])
    assert is_subsequence(PLACEHOLDER.sub("", redacted), text)  # only spans were taken out


def is_subsequence(part: str, whole: str) -> bool:
    chars = iter(whole)
    return all(ch in chars for ch in part)


def test_a_span_that_stands_apart_after_redaction_is_redacted_too(step):
    text = "8.8.8.81BoatSLRHtKNngkdXEeobR76b53LETtpyT"
    assert redact(text, step.scanner.scan(text)) == "8.8.8.8[CRYPTO]"
    redacted, found = step.scanner.redact(text)
    assert redacted == "[IP_ADDRESS][CRYPTO]"
    assert [(f.entity, value) for f, value in found] == [
        ("CRYPTO", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"), ("IP_ADDRESS", "8.8.8.8")]


def test_masks_hide_the_value():
    assert mask("EMAIL", "john.doe@gmail.com") == "j***@gmail.com"
    assert mask("CREDIT_CARD", "4111 1111 1111 1111") == "4111 **** **** ****"
    assert mask("SSN", "536-22-1234") == "***-**-****"
    assert mask("API_KEY", "sk-proj-abcdef123456", shown=8) == "sk-proj-***"
    assert mask("SECRET", "Tr0ub4dor&3xyz") == "*********&****"
    assert mask("IBAN", "DE89370400440532013000" * 2).endswith("...")


# ---- modes --------------------------------------------------------------------------------

SECRET_TEXT = ("Mail anna.k@gmail.com or call +44 20 7123 4567; "
               "key sk-u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8dKLzdocJ2isAj")
RAW = ["anna.k@gmail.com", "7123 4567", "u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8dKLzdocJ2isAj"]


def test_redact_mode_replaces_spans_and_records_masked_findings(step):
    r = record(instruction="Say hi.", response=SECRET_TEXT)
    assert step.check(r) is None
    assert r.data == {"instruction": "Say hi.",
                      "response": "Mail [EMAIL] or call [PHONE]; key [API_KEY]"}
    assert [(f["entity"], f["field"], f["masked"]) for f in r.meta["pii"]] == [
        ("EMAIL", "response", "a***@gmail.com"), ("PHONE", "response", "+44 ** **** ****"),
        ("API_KEY", "response", "sk-***")]
    assert r.meta["pii"][2]["kind"] == "openai"
    assert not any(raw in json.dumps(r.to_dict()) for raw in RAW)
    assert step.check(r) is None and len(r.meta["pii"]) == 3  # idempotent


def test_flag_mode_keeps_the_text():
    r = record(response=SECRET_TEXT)
    assert make(mode="flag").check(r) is None
    assert r.data["response"] == SECRET_TEXT
    assert [f["entity"] for f in r.meta["pii"]] == ["EMAIL", "PHONE", "API_KEY"]
    assert not any(raw in json.dumps(r.meta) for raw in RAW)


def test_reject_mode_gives_a_masked_reason():
    reject = make(mode="reject")
    r = record(response=SECRET_TEXT)
    assert reject.check(r) == 'pii: EMAIL in response ("a***@gmail.com") and 2 more'
    assert r.data["response"] == SECRET_TEXT
    reason = reject.check(record(response=f"token {RAW[2]}"))
    assert reason is not None and RAW[2] not in reason
    assert reject.check(record(response="Nothing personal here.")) is None
    assert reject.process([record(response="x@y"), record(response="j@gmail.com")]) == [
        None, 'pii: EMAIL in response ("j***@gmail.com")']


# ---- fields -------------------------------------------------------------------------------

def test_every_string_in_data_is_scanned_by_default(step):
    r = record(messages=[{"role": "user", "content": "I am at 151.101.1.69"},
                         {"role": "assistant", "content": "Noted, bob@company.io"}],
               score=3, tags=["ok", "call (312) 847-2290"])
    step.check(r)
    assert r.data["messages"][1]["content"] == "Noted, [EMAIL]"
    assert r.data["tags"] == ["ok", "call [PHONE]"] and r.data["score"] == 3
    assert [f["field"] for f in r.meta["pii"]] == [
        "messages[0].content", "messages[1].content", "tags[1]"]


def test_fields_choose_what_is_scanned():
    r = Record("r", 0, {"messages": [{"role": "user", "content": "bob@company.io"}],
                        "response": "bob@company.io", "other": "bob@company.io"},
               {"slots": {"email": "bob@company.io", "n": 2}})
    make(fields=["messages[*].content", "data.response", "meta.slots", "missing"]).check(r)
    assert r.data == {"messages": [{"role": "user", "content": "[EMAIL]"}],
                      "response": "[EMAIL]", "other": "bob@company.io"}
    assert r.meta["slots"] == {"email": "[EMAIL]", "n": 2}
    assert [f["field"] for f in r.meta["pii"]] == [
        "messages[0].content", "response", "meta.slots.email"]


def test_field_paths_parse():
    assert parse_path("messages[*].content") == ("data", ("messages", "*", "content"))
    assert parse_path("data.a.b[0]") == ("data", ("a", "b", 0))
    assert parse_path("meta.slots") == ("meta", ("slots",))
    for bad in ("", ".x", "a..b", "a[x]", "a."):
        with pytest.raises(ValueError, match="invalid field path"):
            PiiConfig(fields=[bad])


# ---- config -------------------------------------------------------------------------------

def test_reserved_values_are_allowed_unless_told_otherwise(step):
    text = "Write jane@example.com, https://example.com/docs, 192.168.1.1 or (555) 555-0142."
    assert step.scanner.scan(text) == []
    strict = make(allow_reserved=False).scanner.scan(text)
    assert [f.entity for f in strict] == ["EMAIL", "URL", "IP_ADDRESS", "PHONE"]


def test_allow_lists_literals_and_patterns():
    text = "Mail help@acme.com, sales@acme.com or ann@gmail.com"
    scanner = make(allow=["HELP@acme.com"], allow_patterns=[r"sales@.*"]).scanner
    assert [text[f.start:f.end] for f in scanner.scan(text)] == ["ann@gmail.com"]


def test_entities_threshold_and_regions():
    text = "Card 4111 1111 1111 1111, mail ann@gmail.com, tel 030 1234567"
    assert [f.entity for f in make(entities=["EMAIL"]).scanner.scan(text)] == ["EMAIL"]
    assert [f.entity for f in make(score_threshold=0.9).scanner.scan(text)] == [
        "CREDIT_CARD", "EMAIL"]
    assert "PHONE" not in [f.entity for f in make().scanner.scan(text)]  # a German number
    assert "PHONE" in [f.entity for f in make(regions=["de"]).scanner.scan(text)]


def test_config_errors_say_what_is_wrong(monkeypatch):
    with pytest.raises(ValueError, match="unknown phone region"):
        PiiConfig(regions=["XX"])
    with pytest.raises(ValueError, match="invalid regex"):
        PiiConfig(allow_patterns=["("])
    with pytest.raises(ValueError, match="Input should be 'EMAIL'"):
        PiiConfig(entities=["NAME"])
    monkeypatch.setattr(privacy, "presidio_installed", lambda: False)
    with pytest.raises(ValueError, match=r"pip install 'synthforge\[pii\]'"):
        PiiConfig()
    assert PiiConfig(entities=["API_KEY", "SECRET"]).entities == ["API_KEY", "SECRET"]


def test_the_step_is_registered_and_pickles():
    import pickle

    from synthforge import registry

    assert registry.lookup("step", "pii").factory is Pii
    copy = pickle.loads(pickle.dumps(make(mode="flag")))
    assert copy.config.mode == "flag" and copy.scanner.scan("a@gmail.com")


def test_no_spacy_model_no_network_no_torch():
    """Building and running the step loads no spaCy model, opens no connection (the e-mail
    suffix list is tldextract's bundled copy) and leaves torch and transformers unloaded."""
    code = textwrap.dedent("""
        import gc, socket, sys
        def refuse(*args, **kwargs):
            raise OSError("no network in this test")
        socket.socket.connect = socket.create_connection = refuse
        import synthforge.curate.privacy as p
        from synthforge.stage import Context
        assert "presidio_analyzer" not in sys.modules
        secrets_only = p.Pii(p.PiiConfig(entities=["API_KEY", "SECRET"]), Context(), "pii")
        assert "presidio_analyzer" not in sys.modules
        step = p.Pii(p.PiiConfig(), Context(), "pii")
        found = step.scanner.scan("mail ann@gmail.com or call +1 415-555-2671")
        assert [f.entity for f in found] == ["EMAIL", "PHONE"], found
        import spacy
        assert not any(isinstance(o, spacy.language.Language) for o in gc.get_objects())
        assert "torch" not in sys.modules and "transformers" not in sys.modules  # nor hidden
        print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]


# ---- secrets ------------------------------------------------------------------------------

def test_secret_rules_and_entropy():
    assert shannon_entropy("aaaa") == 0 and shannon_entropy("abcd") == 2
    kinds = {s.kind for s in find_secrets(
        "AKIAKWO886VOMPZOM75W xoxb-989834788783-8483726167513-BenQtYh5Xj8TPQxjq4i9DoV8 "
        "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 WnsCGRlrwZbqcabUGJmGEp7CgQ0PBQFI")}
    assert kinds == {"aws_access_key_id", "slack", "huggingface", "entropy"}
    assert find_secrets("commit e83c5163316f89bfbe7d9ab23ca2e25604af290, uuid "
                        "123e4567-e89b-12d3-a456-426614174000, getUserAccountSettingsById2, "
                        "https://x.com/a/WnsCGRlrwZbqcabUGJmGEp7CgQ0PBQFI") == []
    assert find_secrets("WnsCGRlrwZbqcabUGJmGEp7CgQ0PBQFI", entropy=False) == []


# ---- a full run ---------------------------------------------------------------------------

def pii_recipe(steps: list) -> dict:
    text = ("Hi, I am {name}. Mail {email}, call {phone} or pay with {card}; SSN {ssn}, "
            "IBAN {iban}, server {ip}, key {key}.")
    return {"name": "pii", "seed": 3, "target": 60, "format": "records", "steps": steps,
            "mix": [{"generator": "template", "params": {"fields": {"response": text}, "slots": {
                "name": {"faker": "name"}, "email": {"faker": "free_email"},
                "phone": {"faker": {"provider": "numerify", "args": {"text": "(###) ###-####"}}},
                "card": {"faker": {"provider": "credit_card_number",
                                   "args": {"card_type": "mastercard"}}},
                "ssn": {"faker": "ssn"}, "iban": {"faker": "iban"},
                "ip": {"faker": "ipv4_public"},
                "key": {"faker": {"provider": "pystr_format",
                                  "args": {"string_format": "ghp_????????????????##????????????"
                                           "??????", "letters": "abcdefGHIJKL"}}}}}}]}


def test_a_run_with_planted_pii_leaves_none(in_tmp):
    plain = {r.id.split("-", 1)[1]: r for r in sf.run(pii_recipe([]), "plain").records()}
    run = sf.run(pii_recipe([{"pii": {"fields": ["response", "meta.slots"]}}]), "redacted")
    rows = list(run.records())
    assert len(rows) == 60 and run.stop_reason == "target"
    scanner = make().scanner
    counts: Counter = Counter()
    for row in rows:
        planted = plain[row.id.split("-", 1)[1]].meta["slots"]
        assert row.data["response"].startswith(f"Hi, I am {planted['name']}. Mail [EMAIL], ")
        as_json = json.dumps(row.to_dict())
        leaked = [k for k, v in planted.items() if k != "name" and v in as_json]
        assert leaked == [], (leaked, row.data)
        assert all(scanner.scan(v) == [] for v in [row.data["response"],
                                                   *row.meta["slots"].values()])
        counts.update(f["entity"] for f in row.meta["pii"])
        assert all("*" in f["masked"] for f in row.meta["pii"])
    assert counts == dict.fromkeys(["EMAIL", "PHONE", "CREDIT_CARD", "SSN", "IBAN",
                                    "IP_ADDRESS", "API_KEY"], 120)


def test_a_run_in_reject_mode_names_the_entity(in_tmp):
    recipe = pii_recipe([{"pii": {"mode": "reject", "entities": ["EMAIL"]}}])
    recipe["target"], recipe["budget"] = 5, {"max_attempts": 5}
    run = sf.run(recipe, "rejecting")
    rejected = list(run.rejected())
    assert len(rejected) == 5 and list(run.records()) == []
    assert all(re.fullmatch(r'pii: EMAIL in response \("\w\*\*\*@[\w.]+"\)', r["reason"])
               for r in rejected), rejected[0]["reason"]
