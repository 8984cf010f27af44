"""The `rules` and `schema` checks: every rule passing and failing, config errors, boilerplate."""

from __future__ import annotations

import gzip
import json
import pickle
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from synthforge import registry
from synthforge.record import Record
from synthforge.stage import Context
from synthforge.validate.boilerplate import BOILERPLATE, PhraseMatcher
from synthforge.validate.rules import Rules, RulesConfig
from synthforge.validate.schema import Schema, SchemaConfig

ALPACA = Path("/work/shared/data/alpaca/alpaca_data.json.gz")


def make_rules(cfg: dict[str, Any], base_dir: Path | None = None) -> Rules:
    context = {"base_dir": str(base_dir)} if base_dir else None
    return Rules(RulesConfig.model_validate(cfg, context=context), Context(), "rules")


def make_schema(cfg: dict[str, Any], base_dir: Path | None = None) -> Schema:
    context = {"base_dir": str(base_dir)} if base_dir else None
    return Schema(SchemaConfig.model_validate(cfg, context=context), Context(), "schema")


def records(*rows: dict[str, Any] | tuple[dict[str, Any], dict[str, Any]]) -> list[Record]:
    out = []
    for i, row in enumerate(rows):
        data, meta = row if isinstance(row, tuple) else (row, {})
        out.append(Record(f"id-{i}", i, data, meta))
    return out


def verdicts(stage: Rules | Schema, *rows: Any) -> list[str | None]:
    got = stage.process(records(*rows))
    assert got == stage.check_batch(records(*rows))
    return got  # type: ignore[return-value]


def code(reason: str | None) -> str | None:
    return None if reason is None else reason.split(":", 1)[0]


def config_error(model: type, cfg: dict[str, Any], base_dir: Path | None = None) -> str:
    context = {"base_dir": str(base_dir)} if base_dir else None
    with pytest.raises(ValidationError) as info:
        model.model_validate(cfg, context=context)
    return str(info.value)


# ---- rules: lengths -----------------------------------------------------------------------

def test_word_bounds_apply_to_every_listed_field():
    stage = make_rules({"fields": ["instruction", "response"], "min_words": 2, "max_words": 4})
    got = verdicts(stage,
                   {"instruction": "Name two", "response": "red and  blue"},
                   {"instruction": "Name", "response": "red and blue"},
                   {"instruction": "Name two", "response": "red"},
                   {"instruction": "Name two", "response": "one two three four five"})
    assert got == [None,
                   "min_words: instruction has 1 word, needs at least 2",
                   "min_words: response has 1 word, needs at least 2",
                   "max_words: response has 5 words, allows at most 4"]


def test_words_are_whitespace_separated_tokens():
    stage = make_rules({"fields": ["t"], "min_words": 3, "max_words": 3})
    assert verdicts(stage, {"t": " a\tb\n\nc  "}, {"t": "a-b c"}) == [
        None, "min_words: t has 2 words, needs at least 3"]


def test_per_field_mapping_only_touches_its_field():
    stage = make_rules({"fields": ["instruction", "response"], "min_words": {"response": 3},
                        "max_chars": {"instruction": 10}})
    got = verdicts(stage,
                   {"instruction": "Hi", "response": "one two three"},
                   {"instruction": "Hi", "response": "one two"},
                   {"instruction": "Hello there you", "response": "one two three"})
    assert got == [None, "min_words: response has 2 words, needs at least 3",
                   "max_chars: instruction has 15 chars, allows at most 10"]


def test_char_bounds():
    stage = make_rules({"fields": ["t"], "min_chars": 3, "max_chars": 5})
    assert verdicts(stage, {"t": "abc"}, {"t": "abcde"}, {"t": "ab"}, {"t": "abcdef"}) == [
        None, None, "min_chars: t has 2 chars, needs at least 3",
        "max_chars: t has 6 chars, allows at most 5"]


# ---- rules: regexes -----------------------------------------------------------------------

def test_must_match_list_applies_to_each_field():
    stage = make_rules({"fields": ["a", "b"], "must_match": [r"\?$", "^[A-Z]"]})
    got = verdicts(stage, {"a": "Why?", "b": "How?"}, {"a": "Why?", "b": "How"},
                   {"a": "why?", "b": "How?"})
    assert got == [None, r"must_match: b does not match '\?$'",
                   "must_match: a does not match '^[A-Z]'"]


def test_must_not_match_mapping_and_single_pattern():
    stage = make_rules({"fields": ["a", "b"], "must_not_match": {"b": "(?i)lorem ipsum"}})
    got = verdicts(stage, {"a": "lorem ipsum", "b": "fine"}, {"a": "x", "b": "Some LOREM Ipsum"})
    assert got[0] is None
    assert got[1] == "must_not_match: b matches '(?i)lorem ipsum' ('LOREM Ipsum')"
    assert stage.config.must_not_match == {"b": ["(?i)lorem ipsum"]}


def test_invalid_regex_is_a_config_error_naming_pattern_and_error():
    message = config_error(RulesConfig, {"must_match": {"response": ["ok", r"\d("]}})
    assert r"invalid regex '\d('" in message
    assert "missing ), unterminated subpattern" in message
    assert "must_match" in message
    assert "bad escape" in config_error(RulesConfig, {"must_not_match": [r"\q"]})


# ---- rules: phrases -----------------------------------------------------------------------

def test_user_phrases_match_whole_phrases_in_any_case_and_spacing():
    stage = make_rules({"fields": ["r"], "phrases": ["I cannot help", "as of my last update"],
                        "boilerplate": False})
    got = verdicts(stage,
                   {"r": "Sorry, i CANNOT   help\nwith that."},
                   {"r": "As of my last update, it was sunny."},
                   {"r": "I cannot helpfully summarise this."},
                   {"r": "Anyone can help."})
    assert got == ['phrase: "I cannot help" in r', 'phrase: "as of my last update" in r',
                   None, None]


def test_phrase_apostrophes_and_optional_commas():
    matcher = PhraseMatcher(["I'm sorry, but I can't"])
    for text in ["I’m sorry, but I can’t", "i'm SORRY but i can‘t", "I'm sorry,  but\tI can't"]:
        assert matcher.find(text) == "I'm sorry, but I can't", text
    assert matcher.find("I'm sorry, but I cant") is None
    assert matcher.find("Im sorry, but I can't") is None


def test_phrase_boundaries_respect_punctuation_edges():
    matcher = PhraseMatcher(["hello!", "!!", "ab", "abc"])
    assert matcher.find("say hello! now") == "hello!"
    assert matcher.find("othello!") is None
    assert matcher.find("wow!!") == "!!"
    assert matcher.find("an abc here") == "abc"  # the longer of two phrases wins
    assert matcher.find("abd") is None
    assert not PhraseMatcher([])
    assert PhraseMatcher([]).find("anything") is None


def test_blank_phrase_is_a_config_error():
    assert "must not be empty" in config_error(RulesConfig, {"phrases": ["ok", "  "]})


# ---- rules: boilerplate -------------------------------------------------------------------

BOILERPLATE_TEXTS = [
    "As an AI language model, I cannot have opinions.",
    "AS AN AI LANGUAGE   MODEL I must decline.",
    "Well, as an AI, I do not eat.",
    "I’m sorry, but I can’t help with that.",
    "I'm sorry but I cannot do that.",
    "I apologize, but as an AI I have no body.",
    "I don’t have personal opinions on politics.",
    "I do not have personal feelings.",
    "As of my last knowledge\nupdate in 2021, the population was 8 billion.",
    "My knowledge cut-off is September 2021.",
    "Based on my training data, the answer is 4.",
    "Certainly! Here’s a poem about cats:",
    "Sure!  Here is the list you asked for.",
    "I hope this helps!",
    "If you need more, feel free to ask.",
    "It's important to note that results vary.",
    "I cannot browse the internet, so I can't check.",
    "I'm just an AI, so I can't feel.",
    "Hello! I am ChatGPT, a large language model trained by OpenAI.",
    "How can I assist you today?",
]

ORDINARY_TEXTS = [
    "Give three tips for staying healthy.",
    "Eat a balanced diet, exercise regularly and get enough sleep.",
    "The villain has an air of menace about him.",
    "Hospitals have started using software as an AI assistant for triage.",
    "OpenAI released GPT-3 in 2020; it is a large language model.",
    "A language model predicts the next word from the words before it.",
    "Translate 'I am sorry' into French: 'Je suis désolé'.",
    "I'm sorry to hear about your loss.",
    "She said: 'I can't believe it's already June.'",
    "The capital of France is Paris.",
    "Photosynthesis turns light, water and carbon dioxide into sugar.",
    "Here's a recipe for pancakes: flour, eggs, milk and a pinch of salt.",
    "Write a haiku about autumn leaves.",
    "Leaves drift on cold wind / red and gold on quiet paths / the year exhales slow.",
    "The training data for the survey came from 400 households.",
    "My knowledge of French is limited, but I can read menus.",
    "Explain why the sky is blue.",
    "Sunlight scatters off air molecules, and blue light scatters the most.",
    "Feel the free wind on your face as you cycle downhill.",
    "It is important to drink water, and note that tea counts too.",
]


@pytest.mark.parametrize("text", BOILERPLATE_TEXTS)
def test_boilerplate_is_caught(text: str):
    (reason,) = verdicts(make_rules({"fields": ["response"]}), {"response": text})
    assert code(reason) == "boilerplate", text
    assert reason is not None and reason.endswith(" in response")


def test_boilerplate_reports_the_listed_phrase():
    (reason,) = verdicts(make_rules({}), {"response": "i’M  SORRY, BUT I CAN’T do it"})
    assert reason == 'boilerplate: "I\'m sorry, but I can\'t" in response'


def test_ordinary_text_is_not_boilerplate():
    stage = make_rules({"fields": ["response"]})
    assert verdicts(stage, *({"response": t} for t in ORDINARY_TEXTS)) == [None] * 20


def test_boilerplate_can_be_turned_off():
    stage = make_rules({"fields": ["response"], "boilerplate": False})
    assert verdicts(stage, *({"response": t} for t in BOILERPLATE_TEXTS)) == [None] * 20


def test_every_builtin_phrase_matches_itself_in_any_form():
    assert len(BOILERPLATE) >= 40
    assert len(set(BOILERPLATE)) == len(BOILERPLATE)
    matcher = PhraseMatcher(BOILERPLATE)
    for phrase in BOILERPLATE:
        variants = [phrase, phrase.upper(), phrase.replace("'", "’"),
                    "  ".join(phrase.split()), f"Well. {phrase} and so on."]
        for text in variants:
            assert matcher.find(text) is not None, text


def test_alpaca_outputs_are_rarely_boilerplate():
    if not ALPACA.is_file():
        pytest.skip(f"{ALPACA} is not here")
    with gzip.open(ALPACA, "rt", encoding="utf-8") as f:
        outputs = [row["output"] for row in json.load(f)[:2000]]
    stage = make_rules({"fields": ["output"]})
    got = verdicts(stage, *({"output": o} for o in outputs))
    flagged = Counter(r for r in got if r is not None)
    # Alpaca's outputs are model-written but filtered: a handful of stock phrases remain
    # (chatbot scripts that end "Is there anything else I can help you with?").
    assert 0 < sum(flagged.values()) <= 10, flagged
    assert all(code(r) == "boilerplate" for r in flagged)


# ---- rules: fields ------------------------------------------------------------------------

def test_missing_field_and_non_text_are_rejected_first():
    stage = make_rules({"fields": ["instruction", "response"], "min_words": 100})
    got = verdicts(stage, {"instruction": "Hi"}, {"instruction": "Hi", "response": None},
                   {"instruction": 3, "response": "x"}, {"instruction": "Hi", "response": ["x"]})
    assert got == ["missing_field: response is missing",
                   "not_text: response is null, expected text",
                   "not_text: instruction is int, expected text",
                   "not_text: response is list, expected text"]


def test_meta_and_data_paths():
    stage = make_rules({"fields": ["data.response", "meta.source.title"],
                        "min_words": {"meta.source.title": 2}, "boilerplate": False})
    got = verdicts(stage,
                   ({"response": "ok"}, {"source": {"title": "Two words"}}),
                   ({"response": "ok"}, {"source": {"title": "One"}}),
                   ({"response": "ok"}, {"source": {}}),
                   ({}, {"source": {"title": "Two words"}}))
    assert got == [None, "min_words: meta.source.title has 1 word, needs at least 2",
                   "missing_field: meta.source.title is missing",
                   "missing_field: data.response is missing"]


def test_default_fields_are_every_string_field_of_data():
    stage = make_rules({"min_chars": 2, "max_words": {"meta.note": 1}})
    got = verdicts(stage,
                   ({"a": "ok", "n": 1, "tags": ["x"]}, {"note": "fine"}),
                   ({"a": "ok", "b": "x"}, {"note": "fine"}),
                   ({"a": "ok"}, {"note": "too long"}),
                   ({"a": "ok"}, {}),
                   ({"a": "As an AI language model, no."}, {"note": "x"}))
    assert got == [None, "min_chars: b has 1 char, needs at least 2",
                   "max_words: meta.note has 2 words, allows at most 1",
                   "missing_field: meta.note is missing",
                   'boilerplate: "as an AI language model" in a']


def test_mapping_keys_must_be_in_fields():
    message = config_error(RulesConfig, {"fields": ["a"], "min_words": {"b": 2, "c": 3}})
    assert "'b', 'c' are not in `fields` (a)" in message
    assert "must_match" in config_error(RulesConfig, {"fields": ["a"], "must_match": {"b": "x"}})


def test_min_above_max_is_a_config_error():
    assert "min_words (5) is above max_words (3) for 'r'" in config_error(
        RulesConfig, {"min_words": 5, "max_words": {"r": 3}})
    assert "min_chars (9) is above max_chars (2)" in config_error(
        RulesConfig, {"min_chars": 9, "max_chars": 2})
    RulesConfig.model_validate({"min_words": {"a": 5}, "max_words": {"b": 3}})


def test_unknown_and_negative_options_are_config_errors():
    assert "Extra inputs are not permitted" in config_error(RulesConfig, {"min_word": 3})
    assert "greater than or equal to 0" in config_error(RulesConfig, {"min_words": -1})


# ---- rules: order, batches, registry ------------------------------------------------------

def test_first_failing_rule_in_order_wins():
    stage = make_rules({"fields": ["t", "u"], "max_chars": {"u": 3}, "min_words": {"t": 10},
                        "must_match": {"t": "x"}, "must_not_match": {"t": "y"},
                        "phrases": ["zed zed"]})
    every = "y zed zed as an AI language model"  # breaks every rule on t
    ok = {"t": "x a b c d e f g h i", "u": "u"}
    cases = [({"t": every}, "missing_field"),
             ({**ok, "u": "long", "t": every}, "max_chars"),
             ({**ok, "t": every}, "min_words"),
             ({**ok, "t": every + " w w"}, "must_match"),
             ({**ok, "t": "x " + every + " w"}, "must_not_match"),
             ({**ok, "t": "x zed zed as an AI language model w w"}, "phrase"),
             ({**ok, "t": "x as an AI language model w w w w"}, "boilerplate"),
             (ok, None)]
    got = verdicts(stage, *(data for data, _ in cases))
    assert [code(r) for r in got] == [c for _, c in cases]


def test_rules_are_registered_and_pickle():
    assert registry.lookup("step", "rules").factory is Rules
    assert registry.lookup("step", "rules").config is RulesConfig
    stage = make_rules({"fields": ["r"], "min_words": 2, "phrases": ["nope"]})
    rows = [{"r": "a b"}, {"r": "a"}, {"r": "a nope"}, {"r": "As an AI model, I"}]
    assert verdicts(pickle.loads(pickle.dumps(stage)), *rows) == verdicts(stage, *rows)


# ---- schema -------------------------------------------------------------------------------

def test_required_fields():
    stage = make_schema({"required": ["instruction", "meta.source"]})
    got = verdicts(stage,
                   ({"instruction": "x"}, {"source": "s"}),
                   ({"instruction": 0}, {"source": False}),
                   ({}, {"source": "s"}),
                   ({"instruction": None}, {"source": "s"}),
                   ({"instruction": ""}, {"source": "s"}),
                   ({"instruction": "x"}, {}))
    assert got == [None, None,
                   "missing_field: 'instruction' is missing",
                   "missing_field: 'instruction' is null",
                   "missing_field: 'instruction' is empty",
                   "missing_field: 'meta.source' is missing"]


@pytest.mark.parametrize(("kind", "good", "bad"), [
    ("str", ["", "x"], [1, None, b"x"]),
    ("int", [0, -3], [1.0, True, "1"]),
    ("float", [1.5, 0.0], [1, False, "1.5"]),
    ("bool", [True, False], [0, 1, "true"]),
    ("list", [[], [1]], [(), {}, "x"]),
    ("dict", [{}, {"a": 1}], [[], "x", None]),
    ("number", [1, 2.5], [True, "1", None]),
])
def test_types(kind: str, good: list[Any], bad: list[Any]):
    stage = make_schema({"types": {"v": kind}})
    assert verdicts(stage, *({"v": v} for v in good), {}) == [None] * (len(good) + 1)
    for value in bad:
        name = "null" if value is None else type(value).__name__
        assert verdicts(stage, {"v": value}) == [f"wrong_type: 'v' is {name}, expected {kind}"]


def test_unknown_type_name_is_a_config_error():
    assert "'str', 'int', 'float'" in config_error(SchemaConfig, {"types": {"v": "string"}})


SCHEMA = {"type": "object", "required": ["name"],
          "properties": {"name": {"type": "string"},
                         "tags": {"type": "array", "items": {"type": "string"}}}}


def test_inline_json_schema():
    stage = make_schema({"json_schema": SCHEMA})
    got = verdicts(stage, {"name": "a", "tags": ["x"]}, {"name": "a", "tags": ["x", 5]},
                   {"tags": []}, {"name": "a", "odd key": {"deep": 1}})
    assert got == [None, "json_schema: at $.tags[1]: 5 is not of type 'string'",
                   "json_schema: at $: 'name' is a required property", None]


def test_json_schema_errors_are_clipped():
    stage = make_schema({"json_schema": {"properties": {"x": {"type": "string"}}}})
    (reason,) = verdicts(stage, {"x": list(range(1000))})
    assert reason is not None and reason.startswith("json_schema: at $.x: [0, 1, 2")
    assert len(reason) < 250 and reason.endswith("...")


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_json_schema_from_file(tmp_path: Path, suffix: str):
    text = json.dumps(SCHEMA) if suffix == ".json" else (
        "type: object\nrequired: [name]\nproperties:\n  name: {type: string}\n"
        "  tags: {type: array, items: {type: string}}\n")
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / f"answer{suffix}").write_text(text)
    stage = make_schema({"json_schema": f"schemas/answer{suffix}"}, tmp_path)
    assert stage.config.resolved_schema == SCHEMA
    assert verdicts(stage, {"name": "a"}, {"name": 1}) == [
        None, "json_schema: at $.name: 1 is not of type 'string'"]
    dumped = stage.config.model_dump(mode="json", context={"fingerprint": True})
    assert dumped["json_schema"].startswith("sha256:")


def test_json_schema_file_errors(tmp_path: Path):
    assert "file not found" in config_error(SchemaConfig, {"json_schema": "nope.json"}, tmp_path)
    (tmp_path / "s.txt").write_text("{}")
    assert "ends in .json, .yaml or .yml" in config_error(
        SchemaConfig, {"json_schema": "s.txt"}, tmp_path)
    (tmp_path / "bad.json").write_text("{not json")
    assert "cannot read JSON Schema" in config_error(
        SchemaConfig, {"json_schema": "bad.json"}, tmp_path)
    (tmp_path / "list.yaml").write_text("- a\n- b\n")
    assert "holds list, not a JSON Schema object" in config_error(
        SchemaConfig, {"json_schema": "list.yaml"}, tmp_path)


def test_invalid_json_schema_is_a_config_error(tmp_path: Path):
    message = config_error(SchemaConfig, {"json_schema": {"type": "strin"}})
    assert "invalid JSON Schema at $.type: 'strin' is not valid" in message
    (tmp_path / "s.json").write_text('{"properties": {"a": {"minLength": -1}}}')
    assert "invalid JSON Schema at $.properties.a.minLength" in config_error(
        SchemaConfig, {"json_schema": "s.json"}, tmp_path)


def test_json_schema_draft_follows_dollar_schema():
    tuple_items = {"type": "array", "items": [{"type": "string"}, {"type": "integer"}]}
    assert "invalid JSON Schema" in config_error(SchemaConfig, {"json_schema": tuple_items})
    draft7 = {"$schema": "http://json-schema.org/draft-07/schema#", **tuple_items}
    stage = make_schema({"json_schema": draft7, "field": "pair"})
    assert verdicts(stage, {"pair": ["a", 1]}, {"pair": ["a", "b"]}) == [
        None, "json_schema: at $[1]: 'b' is not of type 'integer'"]


def test_json_schema_asserts_formats():
    stage = make_schema({"json_schema": {"properties": {"day": {"format": "date"}}}})
    assert verdicts(stage, {"day": "2024-02-29"}, {"day": "2024-02-30"}) == [
        None, "json_schema: at $.day: '2024-02-30' is not a 'date'"]


def test_field_holding_json_text():
    stage = make_schema({"json_schema": SCHEMA, "field": "response"})
    got = verdicts(stage,
                   {"response": '{"name": "a", "tags": ["x"]}'},
                   {"response": {"name": "a"}},
                   {"response": '{"name": "a", "tags": [1]}'},
                   {"response": "{name: a}"},
                   {"other": 1},
                   {"response": None})
    assert got[:3] == [None, None, "json_schema: at $.tags[0]: 1 is not of type 'string'"]
    assert got[3] is not None and got[3].startswith("invalid_json: 'response' is not JSON: ")
    assert got[4:] == ["missing_field: 'response' is missing",
                       "json_schema: at $: None is not of type 'object'"]


def test_schema_needs_something_to_check():
    assert "give at least one of required, types or json_schema" in config_error(
        SchemaConfig, {})
    assert "give json_schema too" in config_error(
        SchemaConfig, {"required": ["a"], "field": "a"})


def test_schema_checks_run_in_order():
    stage = make_schema({"required": ["a"], "types": {"a": "int"},
                         "json_schema": {"properties": {"a": {"minimum": 10}}}})
    got = verdicts(stage, {"a": 11}, {}, {"a": "x"}, {"a": 3})
    assert [code(r) for r in got] == [None, "missing_field", "wrong_type", "json_schema"]


def test_schema_is_registered_and_pickles():
    assert registry.lookup("step", "schema").factory is Schema
    stage = make_schema({"required": ["name"], "json_schema": SCHEMA})
    rows = [{"name": "a"}, {"name": 1}, {}]
    assert verdicts(pickle.loads(pickle.dumps(stage)), *rows) == verdicts(stage, *rows)
