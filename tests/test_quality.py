"""The `quality` check: each rule on answers it must reject and on tricky ones it must keep,
fields and messages, config, Alpaca false positives, and a whole run."""

from __future__ import annotations

import gzip
import json
import pickle
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

import synthforge as sf
from synthforge.curate.quality import Quality, QualityConfig, boilerplate
from synthforge.curate.repetition import RepetitionLimits, repetition
from synthforge.record import Record
from synthforge.stage import Context

ALPACA = Path("/work/shared/data/alpaca/alpaca_data.json.gz")


def quality(**cfg: Any) -> Quality:
    return Quality(QualityConfig.model_validate(cfg), Context(), "quality")


def verdict(response: Any, prompt: Any = "Answer the question.", meta: dict | None = None,
            **cfg: Any) -> str | None:
    data = {"instruction": prompt, "response": response} if prompt is not None else \
        {"response": response}
    return quality(**cfg).process([Record("r0", 0, data, meta or {})])[0]


def code(reason: str | None) -> str | None:
    return None if reason is None else reason.split(":")[0]


# ---- degenerate ---------------------------------------------------------------------------

@pytest.mark.parametrize(("response", "expected"), [
    ("", "empty"),
    ("   \n\t ", "empty"),
    ("....", "degenerate"),
    ("?!?!?", "degenerate"),
    ("the the the the the", "degenerate"),
    ("aaaaaaaaaa", "degenerate"),
    ("N/A", "placeholder"),
    ("n/a.", "placeholder"),
    ("TODO", "placeholder"),
    ("<nooutput>", "placeholder"),
    ("<nooutput> This type of instruction cannot be fulfilled.", "placeholder"),
    ("Dear {{recipient_name}}, thank you.", "placeholder"),
    ("Paris is the capital.\n6. Instruction: Name a river.\n6. Output: The Seine.",
     "placeholder"),
])
def test_degenerate_answers_are_rejected(response, expected):
    assert code(verdict(response)) == expected


@pytest.mark.parametrize("response", [
    "4", "=", "No", "None", "1111", "Paris.", "The answer is 42",
    "Use `{{ name }}` in the template.",
    "```jinja\nHello {{ name }}!\n```",
    "Instruction: list three colours.\nInput: none\nOutput: red, blue, green",  # asked for
])
def test_short_or_templated_answers_pass_degenerate(response):
    assert verdict(response, prompt="Write an example task with its output.",
                   truncation=False) is None


def test_degenerate_reason_text_and_prompt_checks():
    assert verdict("Hello {{name}}") == "placeholder: {{name}} left in the response"
    assert verdict("Fine.", prompt="Tell {{user}} a joke.") == \
        "placeholder: {{user}} left in the prompt"
    assert verdict("Hello Ann, {{name}} is the syntax.", prompt="Explain `{{name}}` in Jinja.") \
        is None
    assert verdict("ok", prompt="  ") == "empty: the prompt is blank"
    assert verdict("the the the the") == 'degenerate: "the" repeated 4 times'


def test_degenerate_form_is_not_judged_when_asked_for():
    assert verdict(".. / .- --", prompt="Convert this sentence to Morse code.") is None
    assert verdict("Hello\nHello\nHello\nHello", prompt="Repeat the word 4 times.") is None
    assert verdict("💃🏻🌃🕺🏼", prompt="Tell it in pictures.") is None  # emoji are not nothing


# ---- truncation ---------------------------------------------------------------------------

@pytest.mark.parametrize(("meta", "cut"), [
    ({"teacher": {"answer": {"finish_reason": ["length"]}}}, True),  # the teacher step's shape
    ({"teacher": {"finish_reason": "length"}}, True),
    ({"finish_reason": "max_tokens"}, True),
    ({"gen": {"stop_reason": "max_tokens"}}, True),
    ({"teacher": {"answer": {"finish_reason": ["stop"]}}}, False),
    ({"note": "length"}, False),
])
def test_finish_reason_from_meta(meta, cut):
    reason = verdict("A complete answer.", meta=meta)
    assert (reason is not None) == cut
    if cut:
        assert reason.startswith("truncated: finish_reason is ")


def test_finish_reason_paths_can_be_named():
    meta = {"a": {"b": {"c": {"finish_reason": "length"}}}}  # deeper than searched
    assert verdict("Done.", meta=meta) is None
    assert verdict("Done.", meta=meta, truncation={"finish_reason": ["meta.a.b.c.finish_reason"]}
                   ) == "truncated: finish_reason is length (meta.a.b.c.finish_reason)"


@pytest.mark.parametrize(("response", "detail"), [
    ("Here is the code:\n```python\ndef f(x):\n    return x\n", "unclosed code fence"),
    ("```python\nprint(max(1, len([1, 2])\n```", "unclosed '(' in code"),
    ("```js\nfunction f() {\n  return 1;\n```", "unclosed '{' in code"),
    ("The population of Canada is approximately 37.9 million people as of 20",
     "ends mid-sentence"),
    ("First, preheat the oven. Then mix the flour and", "ends mid-sentence"),
    ("The options are the following, in no particular order,", "ends mid-sentence"),
    ("Call the function like this: compute(", "ends on an open bracket"),
])
def test_truncated_answers_are_rejected(response, detail):
    reason = verdict(response)
    assert reason is not None and reason.startswith("truncated:") and detail in reason


@pytest.mark.parametrize("response", [
    "4",
    "Paris",
    "Positive",
    "Renewable Energy Sources Are the Future of the United States",  # a title
    "- Apples\n- Bananas\n- Cherries and other seasonal fruit from the local market",
    "1. Preheat the oven\n2. Mix the ingredients in a large bowl until smooth and even",
    "Roses are red\nViolets are blue\nSugar is sweet and so are you my dear friend today",
    "Big news today! Our new bottle keeps drinks cold for a whole day #eco #summer",
    '"Success is not final, failure is not fatal." - Winston Churchill',
    "Total surface area of the cube: 150 cm^2",
    "```python\nprint('(')  # a ( in a string and a comment\nx = [1, 2]\n```",
    "```python\ndef f():\n    return {'a': (1, 2)}\n```",
    "Sincerely,",
])
def test_complete_answers_are_not_truncated(response):
    assert verdict(response, prompt="Do the task.") is None


# ---- refusals -----------------------------------------------------------------------------

@pytest.mark.parametrize(("response", "expected"), [
    ("I can't help with that.", 'refusal: "I can\'t help with that"'),
    ("I’m sorry, but I cannot provide that information.", "refusal"),
    ("Sorry, the task involves visual output. We cannot complete this task.", "refusal"),
    ("As an AI language model, I do not have opinions.", "ai_identity"),
    ("I am ChatGPT, a model trained to answer.", "ai_identity"),
    ("As of my last update in 2023, the record was 9.58 s.", "knowledge_cutoff"),
    ("The record is 9.58 s. I don't have real-time data, so check a newer source.",
     "knowledge_cutoff"),
])
def test_refusals_and_assistant_talk_are_rejected(response, expected):
    reason = verdict(response, prompt="What is the 100 m world record?")
    assert reason is not None and reason.startswith(expected)


@pytest.mark.parametrize(("prompt", "response"), [
    ("Write a dialogue where a friend declines to lend a book.",
     "Me: Can you lend me a book?\nFriend: Sorry, I can't. I need it this week."),
    ("Reword this statement to sound less negative: I can't do it.", "I am not able to do it."),
    ("Explain what a language model is.",
     "A language model predicts the next word. GPT models are trained on large corpora."),
    ("Write a story about a lost dog.",
     " ".join(f"Max ran past tree number {i} in the park." for i in range(12))
     + " I'm unable to find him, said Anna."),
])
def test_refusal_words_as_content_pass(prompt, response):
    assert verdict(response, prompt=prompt) is None


def test_refusal_phrases_count_near_the_start_only():
    tail = " ".join(f"Solar power fact {i} is worth knowing." for i in range(10)) + \
        " I'm unable to provide more."
    assert verdict(tail) is None
    assert code(verdict(tail, refusal={"window": None})) == "refusal"
    assert code(verdict("Nope, not doing it.", refusal={"phrases": ["not doing it"]})) == \
        "refusal"


def test_boilerplate_list_is_reused_by_kind():
    refusals, identity, cutoff = (boilerplate(k) for k in
                                  ("refusal", "ai_identity", "knowledge_cutoff"))
    assert "I'm sorry, but I can't" in refusals
    assert "as an AI language model" in identity
    assert "as of my last update" in cutoff
    assert not {"I hope this helps", "Great question!"} & {*refusals, *identity, *cutoff}


# ---- repetition ---------------------------------------------------------------------------

def test_repetition_reasons():
    loop = "I love you.\nI love you.\nI love you.\nI love you.\nThat is all for now."
    assert verdict(loop) == "repetition: 3 of 5 lines repeat"
    assert verdict("Yes. " + "It is good. " * 4 + "Done now.") == \
        "repetition: 3 of 5 sentences repeat"
    assert verdict("Buy now and the price is right and the price is right and the price is "
                   "right and the price is right.") == \
        'repetition: "and the price is right" 4 times in a row'
    long = ("Machine learning is great " * 60).strip() + "."
    assert code(verdict(long)) == "repetition"


@pytest.mark.parametrize("response", [
    # code, fenced and not: closing braces and breaks repeat legitimately
    "```java\nswitch (x) {\n  case 1:\n    y = 1;\n    break;\n  case 2:\n    y = 2;\n"
    "    break;\n  case 3:\n    y = 3;\n    break;\n}\n```",
    "<table>\n<tr>\n<td>Row 1</td>\n</tr>\n<tr>\n<td>Row 1</td>\n</tr>\n<tr>\n<td>Row 1</td>\n"
    "</tr>\n<tr>\n<td>Row 1</td>\n</tr>\n</table>",
    # a list that names the same thing in every group
    "Recipe 1:\n- Olive oil\n- Salt\n\nRecipe 2:\n- Olive oil\n- Salt\n\nRecipe 3:\n"
    "- Olive oil\n- Salt\n\nRecipe 4:\n- Olive oil\n- Pepper",
    # a focused short answer whose topic phrase recurs
    "Renewable energy reduces emissions. Renewable energy creates jobs. Renewable energy "
    "lowers costs over time, and renewable energy improves energy security.",
    "It was very very very good.",
    "Fa la la la la, la la la la.",
])
def test_legitimate_repetition_passes(response):
    assert verdict(response, prompt="Answer.") is None


def test_songs_may_repeat_their_chorus():
    chorus = "Chorus:\nWe sing all night\nWe sing all night long\n\n"
    song = "".join(f"Verse {i}:\nLine {i} of a verse here\nAnd another line {i}\n\n{chorus}"
                   for i in range(1, 5))
    assert verdict(song, prompt="Write a song about the night.") is None
    assert code(verdict(song, prompt="Write about the night.")) == "repetition"


def test_gopher_ngram_rules_apply_to_long_texts():
    words = " ".join(f"w{i}" for i in range(150))
    looped = words + " " + " ".join(["alpha beta gamma delta epsilon"] * 12)
    limits = RepetitionLimits()
    assert repetition(looped, limits) is not None
    assert repetition(words, limits) is None
    assert repetition(looped, RepetitionLimits(loop_repeats=None, ngram_min_words=10_000)) \
        is None


# ---- restating the question ---------------------------------------------------------------

def test_restating_the_question():
    q = "Describe the process of photosynthesis in green plants."
    assert verdict(q, prompt=q) == "restates_question: rouge-l 1.00"
    assert code(verdict("The process of photosynthesis in green plants.", prompt=q)) == \
        "restates_question"
    assert verdict("Plants turn light, water and carbon dioxide into sugar and oxygen.",
                   prompt=q) is None


@pytest.mark.parametrize(("prompt", "response"), [
    ("What is 2 + 2?", "4"),
    ("What is the capital of France?", "The capital of France is Paris."),
    ("Find the median of the set of numbers {4, 10, 8, 11, 1}.",
     "The median of the set of numbers {4, 10, 8, 11, 1} is 8."),
    ("Rewrite in passive voice: The cat chased the mouse.", "The mouse was chased by the cat."),
])
def test_answers_that_reuse_the_question_pass(prompt, response):
    assert verdict(response, prompt=prompt) is None


# ---- length -------------------------------------------------------------------------------

def test_length_bounds_per_field():
    assert verdict("one two three", length={"response": {"max_words": 2}}) == \
        "length: response has 3 words, allows at most 2"
    assert verdict("ok", length={"response": {"min_chars": 5}}) == \
        "length: response has 2 chars, needs at least 5"
    assert verdict("fine", prompt="a b c d", length={"prompt": {"max_words": 3}}) == \
        "length: prompt has 4 words, allows at most 3"
    assert verdict("x " * 5000) is not None  # the default bound
    with pytest.raises(ValidationError, match="min_words"):
        QualityConfig.model_validate({"length": {"response": {"min_words": 5, "max_words": 2}}})


# ---- fields, messages, config -------------------------------------------------------------

def test_fields_follow_conventions_and_can_be_named():
    q = quality()
    rows = [{"question": "Q?", "answer": "N/A"}, {"prompt": "Q?", "output": "Fine."},
            {"instruction": "Q?"}, {"instruction": "Q?", "response": 3},
            {"q": "Why?", "a": "N/A"}]
    verdicts = q.process([Record(f"r{i}", i, d) for i, d in enumerate(rows)])
    assert code(verdicts[0]) == "placeholder" and verdicts[1] is None
    assert verdicts[2] == ("missing_field: no response (response, output, answer, completion "
                           "or messages)")
    assert verdicts[3] == "not_text: the response is int, expected text"
    assert code(verdicts[4]) == "missing_field"
    named = quality(prompt="q", response="a")
    assert code(named.process([Record("r", 0, rows[4])])[0]) == "placeholder"
    assert named.process([Record("r", 0, {"a": "Fine."})])[0] == "missing_field: q is missing"


def test_messages_last_assistant_turn_against_last_user_turn():
    turns = [{"role": "system", "content": "Be brief."},
             {"role": "user", "content": "Name the largest planet in the solar system."},
             {"role": "assistant", "content": "Jupiter."},
             {"role": "user", "content": "And the smallest planet in the solar system?"},
             {"role": "assistant", "content": "The smallest planet in the solar system."}]
    q = quality()
    assert code(q.process([Record("r", 0, {"messages": turns})])[0]) == "restates_question"
    turns[-1]["content"] = "Mercury."
    assert q.process([Record("r", 0, {"messages": turns})])[0] is None
    turns[-1]["content"] = "I can't help with that."
    assert code(q.process([Record("r", 0, {"chat": turns})])[0]) == "missing_field"
    assert code(quality(messages="chat").process([Record("r", 0, {"chat": turns})])[0]) == \
        "refusal"


def test_rules_switch_off_and_validate():
    assert verdict("I can't help with that.", refusal=False) is None
    assert verdict("", degenerate=False) is None  # nothing else fires on ""
    cfg = QualityConfig.model_validate({"repetition": True, "truncation": {"min_words": 5}})
    assert cfg.repetition.enabled and cfg.truncation.min_words == 5
    for bad in ({"refusal": {"skip_prompts": "(unclosed"}}, {"unknown_rule": True},
                {"repetition": {"dup_line_frac": 1.5}}):
        with pytest.raises(ValidationError):
            QualityConfig.model_validate(bad)


def test_pickles_for_the_process_pool():
    q = quality(refusal={"phrases": ["nope"]})
    again = pickle.loads(pickle.dumps(q))
    assert again.process([Record("r", 0, {"response": "nope"})])[0] == 'refusal: "nope"'


# ---- Alpaca: a machine-made corpus with known defects -------------------------------------

@pytest.mark.skipif(not ALPACA.exists(), reason="shared data not available")
def test_alpaca_false_positives_are_few():
    rows = json.loads(gzip.decompress(ALPACA.read_bytes()))[:5000]
    recs = [Record(str(i), i, {"instruction": r["instruction"], "output": r["output"]})
            for i, r in enumerate(rows)]
    verdicts = quality().process(recs)
    counts = Counter(code(v) for v in verdicts if v)
    assert sum(counts.values()) <= 40, counts  # 29 at the time of writing, 27 real defects
    assert counts["restates_question"] + counts["refusal"] + counts["repetition"] <= 3, counts
    # known defects of Alpaca are found
    assert verdicts[8] == 'placeholder: "<nooutput>"'
    assert verdicts[284] == "empty: the response is blank"
    assert verdicts[679].startswith("truncated: ends mid-sentence")
    assert verdicts[3854] == 'placeholder: "6. Instruction:"'


# ---- a whole run --------------------------------------------------------------------------

CASES = [
    {"question": "What is 2 + 2?", "answer": "4"},
    {"question": "Say hi.", "answer": "I can't help with that."},
    {"question": "Explain tides.", "answer": "Tides are caused by the pull of the Moon and"},
    {"question": "List two fruits.", "answer": "- Apple\n- Pear"},
    {"question": "Name a color.", "answer": "N/A"},
]


@sf.generator("t_quality_cases")
def quality_cases(k: int, rng: Any) -> dict[str, Any]:
    return dict(CASES[k % len(CASES)])


def test_end_to_end_run(in_tmp):
    import synthforge.curate.quality  # noqa: F401  (until it is a built-in)

    run = sf.run({"name": "q", "target": 4, "mix": [{"generator": "t_quality_cases"}],
                  "steps": [{"quality": {}}], "format": "records"}, "r")
    assert [r.data["answer"] for r in run.records()] == ["4", "- Apple\n- Pear"] * 2
    reasons = Counter(r["reason"].split(":")[0] for r in run.rejected())
    assert reasons == {"refusal": 2, "truncated": 2, "placeholder": 1}  # to the 4th accepted
