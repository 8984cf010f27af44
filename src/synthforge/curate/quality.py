r"""The `quality` check: degenerate, truncated, refused, repetitive or echoing answers.

```yaml
steps:
  - quality:                       # every rule on, with defaults for short Q&A
      response: answer             # default: response, output, answer, completion, or the
                                   #   last assistant turn of `messages`
      prompt: question             # default: instruction, prompt, question, or the last
                                   #   user turn (the question the response answers)
      truncation: {min_words: 10}  # tune a rule ...
      repetition: false            # ... or turn it off
      length: {response: {max_words: 800}}
```

Rules run in this order and the first that fails gives the reason:

- `degenerate`: a blank prompt or response, no letter or digit, one word or character
  repeated, a placeholder (`N/A`, `<nooutput>`, `TODO`, a `{{variable}}` left in, a
  prompt template run on into: `6. Instruction:`) -> `empty`, `degenerate`, `placeholder`
  (`curate.degenerate`);
- `truncation`: `finish_reason: length` in meta, an unclosed code fence, brackets left open
  in fenced code, prose that stops mid-sentence -> `truncated` (`curate.truncation`);
- `refusal`: refusal phrases near the start ("I can't help with that"), AI-identity and
  knowledge-cutoff phrases anywhere -> `refusal`, `ai_identity`, `knowledge_cutoff`
  (`curate.refusals`);
- `repetition`: Gopher's rules adapted to short texts (`curate.repetition`) -> `repetition`;
- `restates_question`: ROUGE-L F of response and prompt at least `threshold`, and no
  content word the prompt does not already have -> `restates_question`;
- `length`: fixed word and character bounds for `prompt` and `response` -> `length`.

`refusal`, `repetition` and `degenerate` have `skip_prompts`, a regex of prompts for which
their phrases or forms are asked for (a dialogue line "Sorry, I can't", a song's chorus,
Morse code).

Lengths are fixed bounds, not outliers of a running distribution: the check is stateless
(it runs in the process pool and gives the same verdict wherever a record falls in the
stream); the report shows the distribution. The web-corpus rules that reject short valid
answers (at least 50 words, 5 sentences) are not defaults; `length` can set such bounds.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BeforeValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from synthforge.curate.degenerate import bare, clip, form, leftover, template_var
from synthforge.curate.novelty import (
    MESSAGES,
    MISSING,
    PROMPT_FIELDS,
    describe_missing,
    rouge_l,
    rouge_tokens,
)
from synthforge.curate.refusals import AI_IDENTITY, KNOWLEDGE_CUTOFF, REFUSALS, boilerplate
from synthforge.curate.repetition import (
    GOPHER_DUP_NGRAMS,
    GOPHER_TOP_NGRAMS,
    RepetitionLimits,
    repetition,
)
from synthforge.curate.truncation import FENCE, cut_by_teacher, mid_sentence, unclosed_in_code
from synthforge.record import Record
from synthforge.registry import register
from synthforge.stage import Check, Context, StepConfig, StrictModel
from synthforge.validate.boilerplate import PhraseMatcher

__all__ = ["Quality", "QualityConfig", "boilerplate", "conventional_question",
           "conventional_response"]

RESPONSE_FIELDS = ("response", "output", "answer", "completion")

Test = Callable[[str | None, str, Record], str | None]
"""A prepared rule: (prompt or None, response, record) -> reject reason or None."""

Fraction = Annotated[float, Field(ge=0, le=1)]


def _compiles(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise PydanticCustomError("regex", "invalid regex '{pattern}': {error}",
                                  {"pattern": value, "error": str(exc)}) from None
    return value


Regex = Annotated[str, AfterValidator(_compiles)]


# ---- rule configs -------------------------------------------------------------------------

def _switch(value: Any) -> Any:
    """`rule: true` / `rule: false` turn a rule on or off with its defaults."""
    return {"enabled": value} if isinstance(value, bool) else value


class Rule(StrictModel):
    enabled: bool = Field(True, description="Run this rule.")


class DegenerateRule(Rule):
    """Empty, blank or placeholder answers."""

    placeholders: list[str] = Field(
        default_factory=lambda: ["n/a", "na", "tbd", "todo", "null", "none provided",
                                 "undefined", "nan", "no output", "nooutput", "no answer",
                                 "no response", "empty", "placeholder", "your answer here",
                                 "answer here", "insert answer here", "lorem ipsum"],
        description="Whole answers (any case, ignoring punctuation around them) that are "
        "placeholders, not answers.")
    template_vars: bool = Field(True, description="Reject a `{{variable}}` left in the prompt, "
                                "or in the response outside code unless the prompt has it.")
    min_repeats: int = Field(4, ge=2, description="A single word (or character) repeated this "
                             "many times, and nothing else, is degenerate.")
    skip_prompts: Regex | None = Field(
        r"(?i)\b(?:morse|emojis?|emoticons?|ascii|symbols?|punctuation|redact\w*|repeat\w*)\b",
        description="No check of the answer's form (no letters, one thing repeated) for "
        "prompts matching this regex; None: none skipped.")


class TruncationRule(Rule):
    """Answers cut off before their end."""

    finish_reason: list[str] | None = Field(
        None, description="Meta paths of the teacher's finish reason (e.g. "
        "`meta.teacher.finish_reason`); default: any `finish_reason` or `stop_reason` key in "
        "meta, up to three levels deep (`meta.teacher.<step>.finish_reason`). `length` or "
        "`max_tokens`, or a list holding one, is a cut.")
    code_fences: bool = Field(True, description="Reject an odd number of ``` fences.")
    brackets: bool = Field(True, description="Reject fenced code that leaves (, [ or { open.")
    mid_sentence: bool = Field(True, description="Reject prose whose last line stops without "
                               "end punctuation.")
    min_words: int = Field(12, ge=1, description="Words the last line needs for missing end "
                           "punctuation to count as a cut (shorter: titles, short answers, "
                           "list items); a dangling 'the', 'and', ... or ',' counts at 3.")


class RefusalRule(Rule):
    """Refusals and assistant talk about itself."""

    refusals: bool = Field(True, description="Refusal phrases ('I can't help with that').")
    ai_identity: bool = Field(True, description="'As an AI language model', 'I'm ChatGPT', ...")
    knowledge_cutoff: bool = Field(True, description="'As of my last update', ...")
    phrases: list[str] = Field(default_factory=list, description="More refusal phrases.")
    window: int | None = Field(200, ge=1, description="Refusal phrases count in the first this "
                               "many characters (where a refusal stands; later, 'I'm unable "
                               "to' is usually content); None: anywhere.")
    skip_prompts: Regex | None = Field(
        r"(?i)\b(?:dialog(?:ue)?s?|conversations?|scripts?|stor(?:y|ies)|role-?play|characters?|"
        r"re-?word|rewrite|rephrase|paraphrase|respon(?:se|d)|reply|refus\w*|declin\w*)\b",
        description="Refusal phrases do not count for prompts matching this regex (the "
        "answer speaks for someone, or was asked to refuse); None: none skipped.")


_GOPHER = RepetitionLimits()


class RepetitionRule(Rule):
    """Gopher's repetition rules (fractions of duplicates), adapted to short answers."""

    dup_line_frac: Fraction | None = Field(_GOPHER.dup_line_frac,
                                           description="Duplicate lines / lines.")
    dup_para_frac: Fraction | None = Field(_GOPHER.dup_para_frac,
                                           description="Duplicate paragraphs / paragraphs.")
    dup_line_char_frac: Fraction | None = Field(_GOPHER.dup_line_char_frac, description=
                                                "Characters in duplicate lines / all.")
    dup_para_char_frac: Fraction | None = Field(_GOPHER.dup_para_char_frac, description=
                                                "Characters in duplicate paragraphs / all.")
    dup_sentence_frac: Fraction | None = Field(_GOPHER.dup_sentence_frac, description=
                                               "Duplicate sentences / sentences (not Gopher: "
                                               "loops within a line).")
    top_ngrams: dict[int, Fraction] = Field(
        default_factory=lambda: dict(GOPHER_TOP_NGRAMS), description="n -> most of the word "
        "characters the most frequent n-gram may cover.")
    dup_ngrams: dict[int, Fraction] = Field(
        default_factory=lambda: dict(GOPHER_DUP_NGRAMS), description="n -> most of the word "
        "characters repeated n-grams may cover.")
    min_repeats: int = Field(_GOPHER.min_repeats, ge=2, description="Times one line, paragraph "
                             "or sentence must occur for Gopher's fractions to count (with "
                             "fewer, duplicates must be half the units).")
    ngram_min_words: int = Field(_GOPHER.ngram_min_words, ge=1, description="Words needed for "
                                 "the n-gram rules.")
    loop_repeats: int | None = Field(_GOPHER.loop_repeats, ge=2, description="A phrase of up "
                                     "to `loop_max_words` words this many times in a row is a "
                                     "loop (not Gopher); None: off.")
    loop_max_words: int = Field(_GOPHER.loop_max_words, ge=1, le=50)
    skip_prompts: Regex | None = Field(
        r"(?i)\b(?:songs?|lyrics|chorus|refrain|raps?|poems?|chants?|jingles?|rhymes?|"
        r"repeat\w*)\b",
        description="No repetition rule for prompts matching this regex (genres that repeat "
        "on purpose); None: none skipped.")

    def limits(self) -> RepetitionLimits:
        return RepetitionLimits(**self.model_dump(exclude={"enabled", "skip_prompts"}))


class RestatesRule(Rule):
    """A response that repeats the prompt instead of answering it."""

    threshold: Fraction = Field(0.85, description="Reject when ROUGE-L F of response and prompt "
                                "is at least this and the response has no content word the "
                                "prompt lacks.")
    min_words: int = Field(4, ge=1, description="Shorter responses are never a restatement.")


class Bounds(StrictModel):
    min_words: int | None = Field(None, ge=0)
    max_words: int | None = Field(None, ge=0)
    min_chars: int | None = Field(None, ge=0)
    max_chars: int | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Bounds:
        for unit in ("words", "chars"):
            lo, hi = getattr(self, f"min_{unit}"), getattr(self, f"max_{unit}")
            if lo is not None and hi is not None and lo > hi:
                raise PydanticCustomError("bounds", "min_{unit} ({lo}) is above max_{unit} "
                                          "({hi})", {"unit": unit, "lo": lo, "hi": hi})
        return self


class LengthRule(Rule):
    """Fixed length bounds per field."""

    prompt: Bounds = Field(default_factory=lambda: Bounds(max_words=4000))
    response: Bounds = Field(default_factory=lambda: Bounds(max_words=4000))


def _rule(model: type[Rule], doc: str) -> Any:
    return Field(default_factory=model, description=doc)


class QualityConfig(StepConfig):
    """Each rule: `true`/`false`, or a mapping of its settings."""

    prompt: str | None = Field(None, min_length=1, description="Prompt field (default: "
                               "instruction, prompt, question, or the last user turn of "
                               "messages).")
    response: str | None = Field(None, min_length=1, description="Response field (default: "
                                 "response, output, answer, completion, or the last assistant "
                                 "turn of messages).")
    messages: str = Field(MESSAGES, min_length=1, description="Field of chat turns "
                          "({role, content}) read when prompt and response fields are absent.")
    degenerate: Annotated[DegenerateRule, BeforeValidator(_switch)] = _rule(
        DegenerateRule, "Empty, degenerate or placeholder answers.")
    truncation: Annotated[TruncationRule, BeforeValidator(_switch)] = _rule(
        TruncationRule, "Cut-off answers.")
    refusal: Annotated[RefusalRule, BeforeValidator(_switch)] = _rule(
        RefusalRule, "Refusals, AI identity, knowledge cutoff.")
    repetition: Annotated[RepetitionRule, BeforeValidator(_switch)] = _rule(
        RepetitionRule, "Repetitive answers (Gopher).")
    restates_question: Annotated[RestatesRule, BeforeValidator(_switch)] = _rule(
        RestatesRule, "Answers that restate the prompt.")
    length: Annotated[LengthRule, BeforeValidator(_switch)] = _rule(
        LengthRule, "Length bounds per field.")


# ---- the stage ----------------------------------------------------------------------------

@register("step", "quality")
class Quality(Check):
    """Rejects degenerate, truncated, refused, repetitive or question-echoing answers."""

    Config = QualityConfig
    cpu_bound: ClassVar[bool] = True

    def __init__(self, config: QualityConfig, ctx: Context, name: str):
        super().__init__(config, ctx, name)
        self._tests = _tests(config)

    def __reduce__(self) -> tuple[Any, ...]:  # prepared tests do not pickle: rebuild them
        return type(self), (self.config, self.ctx, self.name)

    def check(self, record: Record) -> str | None:
        c = self.config
        assert isinstance(c, QualityConfig)
        response = _read(record, c.response, conventional_response, c.messages)
        if not isinstance(response, str):
            return _not_text(c.response, "response", RESPONSE_FIELDS, response)
        prompt = _read(record, c.prompt, conventional_question, c.messages)
        if prompt is MISSING and c.prompt is None:
            prompt = None
        elif not isinstance(prompt, str):
            return _not_text(c.prompt, "prompt", PROMPT_FIELDS, prompt)
        for test in self._tests:
            reason = test(prompt, response, record)
            if reason is not None:
                return reason
        return None


def conventional_response(record: Record, messages: str = MESSAGES) -> Any:
    """The first of `response`, `output`, `answer`, `completion`; else the content of a final
    assistant turn in `messages`; MISSING if none."""
    data = record.data
    for name in RESPONSE_FIELDS:
        value = data.get(name)
        if value is not None:
            return value
    turns = data.get(messages)
    if isinstance(turns, list) and turns and isinstance(turns[-1], dict) \
            and turns[-1].get("role") == "assistant":
        return turns[-1].get("content", MISSING)
    return MISSING


def conventional_question(record: Record, messages: str = MESSAGES) -> Any:
    """The first of `instruction`, `prompt`, `question`; else the last user turn before the
    final assistant turn of `messages` (the question answered); MISSING if none."""
    data = record.data
    for name in PROMPT_FIELDS:
        value = data.get(name)
        if value is not None:
            return value
    turns = data.get(messages)
    if isinstance(turns, list):
        users = [m for m in turns[:-1] if isinstance(m, dict) and m.get("role") == "user"]
        if users:
            return users[-1].get("content", MISSING)
    return MISSING


def _read(record: Record, path: str | None, conventional: Callable[[Record, str], Any],
          messages: str) -> Any:
    return conventional(record, messages) if path is None else record.get(path, MISSING)


def _not_text(path: str | None, what: str, names: tuple[str, ...], value: Any) -> str:
    if value is MISSING or value is None:
        return describe_missing(path, what, names)
    return f"not_text: {path or 'the ' + what} is {type(value).__name__}, expected text"


def _tests(config: QualityConfig) -> list[Test]:
    makers: list[tuple[Rule, Callable[[Any], Test]]] = [
        (config.degenerate, _degenerate), (config.truncation, _truncation),
        (config.refusal, _refusal), (config.repetition, _repetition),
        (config.restates_question, _restates), (config.length, _length)]
    return [make(rule) for rule, make in makers if rule.enabled]


# ---- rules ----------------------------------------------------------------------------------

def _degenerate(rule: DegenerateRule) -> Test:
    placeholders = {bare(p) for p in rule.placeholders}
    repeats, template_vars = rule.min_repeats, rule.template_vars
    skip = re.compile(rule.skip_prompts).search if rule.skip_prompts else None

    def test(prompt: str | None, response: str, record: Record) -> str | None:
        text = response.strip()
        if not text:
            return "empty: the response is blank"
        if prompt is not None and not prompt.strip():
            return "empty: the prompt is blank"
        if bare(text) in placeholders:
            return f'placeholder: "{clip(text)}"'
        found = leftover(text)
        if found:
            return f'placeholder: "{found}"'
        if skip is None or prompt is None or not skip(prompt):
            reason = form(text, repeats)
            if reason is not None:
                return reason
        return template_var(prompt, response) if template_vars else None

    return test


def _truncation(rule: TruncationRule) -> Test:
    paths, min_words = rule.finish_reason, rule.min_words
    fences, brackets, mid = rule.code_fences, rule.brackets, rule.mid_sentence

    def test(prompt: str | None, response: str, record: Record) -> str | None:
        reason = cut_by_teacher(record, paths)
        if reason is None and fences and len(FENCE.findall(response)) % 2:
            return "truncated: unclosed code fence"
        if reason is None and brackets and ("```" in response or "~~~" in response):
            reason = unclosed_in_code(response)
        if reason is None and mid:
            reason = mid_sentence(response, min_words)
        return reason

    return test


def _refusal(rule: RefusalRule) -> Test:
    refusals = PhraseMatcher([*REFUSALS, *rule.phrases, *boilerplate("refusal")]).find \
        if rule.refusals else None
    kinds = {p: kind for kind, on, own in (
        ("ai_identity", rule.ai_identity, AI_IDENTITY),
        ("knowledge_cutoff", rule.knowledge_cutoff, KNOWLEDGE_CUTOFF)) if on
        for p in (*own, *boilerplate(kind))}
    talk = PhraseMatcher(kinds).find  # one scan for both kinds
    window, skip = rule.window, re.compile(rule.skip_prompts).search if rule.skip_prompts \
        else None

    def test(prompt: str | None, response: str, record: Record) -> str | None:
        if refusals is not None and (skip is None or prompt is None or not skip(prompt)):
            phrase = refusals(response if window is None else response[:window])
            if phrase is not None:
                return f'refusal: "{phrase}"'
        phrase = talk(response) if kinds else None
        return None if phrase is None else f'{kinds[phrase]}: "{phrase}"'

    return test


# ---- length -------------------------------------------------------------------------------

def _length(rule: LengthRule) -> Test:
    bounds = [(name, b) for name, b in (("prompt", rule.prompt), ("response", rule.response))
              if any(v is not None for v in b.model_dump().values())]

    def test(prompt: str | None, response: str, record: Record) -> str | None:
        for name, b in bounds:
            text = response if name == "response" else prompt
            if text is None:
                continue
            reason = (_bound(name, "words", len(text.split()), b.min_words, b.max_words)
                      or _bound(name, "chars", len(text), b.min_chars, b.max_chars))
            if reason is not None:
                return reason
        return None

    return test


def _bound(name: str, unit: str, n: int, lo: int | None, hi: int | None) -> str | None:
    if lo is not None and n < lo:
        return f"length: {name} has {n} {unit}, needs at least {lo}"
    if hi is not None and n > hi:
        return f"length: {name} has {n} {unit}, allows at most {hi}"
    return None


# ---- repetition and restating -------------------------------------------------------------

def _repetition(rule: RepetitionRule) -> Test:
    limits = rule.limits()
    skip = re.compile(rule.skip_prompts).search if rule.skip_prompts else None

    def test(prompt: str | None, response: str, record: Record) -> str | None:
        if skip is not None and prompt is not None and skip(prompt):
            return None
        reason = repetition(response, limits)
        return None if reason is None else f"repetition: {reason}"

    return test


def _restates(rule: RestatesRule) -> Test:
    threshold, min_words = rule.threshold, rule.min_words

    def test(prompt: str | None, response: str, record: Record) -> str | None:
        if prompt is None:
            return None
        answer = rouge_tokens(response)
        if len(answer) < min_words:
            return None
        asked = rouge_tokens(prompt)
        score = rouge_l(answer, asked)
        if score < threshold:
            return None
        if any(w not in FUNCTION_WORDS for w in Counter(answer) - Counter(asked)):
            return None  # it says something the prompt does not (or says it once more)
        return f"restates_question: rouge-l {score:.2f}"

    return test


_FUNCTION_WORDS = (
    "a an the is are was were be been being am do does did of to in on at by for with from "
    "as into about and or but nor so that this these those it its there here which what who "
    "whom whose how why when where i you he she we they me him her us them my your his our "
    "their can could will would shall should may might must has have had following "
    "given below above")
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())
"""Words that add no content: a response with no other word beyond the prompt's restates it."""
