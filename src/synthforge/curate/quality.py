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
  prompt template run on into: `6. Instruction:`) -> `empty`, `degenerate`, `placeholder`;
- `truncation`: `finish_reason: length` in meta, an unclosed code fence, brackets left open
  in fenced code, prose that stops mid-sentence -> `truncated`;
- `refusal`: refusal phrases near the start ("I can't help with that"), AI-identity and
  knowledge-cutoff phrases anywhere -> `refusal`, `ai_identity`, `knowledge_cutoff`;
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
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BeforeValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from synthforge.curate.novelty import (
    MESSAGES,
    MISSING,
    PROMPT_FIELDS,
    describe_missing,
    rouge_l,
    rouge_tokens,
)
from synthforge.curate.repetition import (
    GOPHER_DUP_NGRAMS,
    GOPHER_TOP_NGRAMS,
    RepetitionLimits,
    repetition,
)
from synthforge.record import Record
from synthforge.registry import register
from synthforge.stage import Check, Context, StepConfig, StrictModel
from synthforge.validate.boilerplate import BOILERPLATE, PhraseMatcher

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


# ---- degenerate -------------------------------------------------------------------------

_ALNUM = re.compile(r"[^\W_]")
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
_NO_OUTPUT_TAG = re.compile(r"<\s*no\s*(?:output|input)\s*>|<\s*no\s*output\b", re.I)
_NA_FIRST = re.compile(r"\W*n/a\b", re.I)
_LEAKED = re.compile(r"^[ \t]*(?:\d+\.[ \t]*|#+[ \t]*)?Instruction[ \t]*:", re.M | re.I)
"""A prompt template the generator ran on into (after the first line: `6. Instruction:`)."""
_TEMPLATE_VAR = re.compile(r"\{\{\s*[^{}\n]{1,60}?\s*\}\}")
_CODE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})[^\n]*\n.*?(?:^[ \t]{0,3}\1[ \t]*$|\Z)|`[^`\n]+`",
                   re.M | re.S)


def _degenerate(rule: DegenerateRule) -> Test:
    placeholders = {_bare(p) for p in rule.placeholders}
    repeats, template_vars = rule.min_repeats, rule.template_vars
    skip = re.compile(rule.skip_prompts).search if rule.skip_prompts else None

    def test(prompt: str | None, response: str, record: Record) -> str | None:
        text = response.strip()
        if not text:
            return "empty: the response is blank"
        if prompt is not None and not prompt.strip():
            return "empty: the prompt is blank"
        if _bare(text) in placeholders:
            return f'placeholder: "{_clip(text)}"'
        found = (("<" in text and _NO_OUTPUT_TAG.search(text)) or _NA_FIRST.match(text)
                 or ("\n" in text and _LEAKED.search(text, text.find("\n") + 1)))
        if found:
            return f'placeholder: "{found.group().strip()}"'
        if skip is None or prompt is None or not skip(prompt):
            reason = _form(text, repeats)
            if reason is not None:
                return reason
        return _template_var(prompt, response) if template_vars else None

    return test


def _form(text: str, repeats: int) -> str | None:
    """No letter or digit (at least 3 characters of it), or one word or character repeated."""
    if not _ALNUM.search(text):
        has_symbols = any(unicodedata.category(c) == "So" for c in text)  # emoji
        return "degenerate: no letter or digit" if len(text) >= 3 and not has_symbols else None
    return _one_thing_repeated(text, repeats)


def _bare(text: str) -> str:
    """Lower case, single spaces, no punctuation at either end: `<No Output.>` -> `no output`."""
    return " ".join(_EDGES.sub("", text.lower()).split())


def _one_thing_repeated(text: str, repeats: int) -> str | None:
    words = text.split()
    if len(words) >= repeats:
        first = _bare(words[0])
        if all(_bare(w) == first for w in words[1:]):  # stops at the first other word
            return f'degenerate: "{_clip(first)}" repeated {len(words)} times'
    elif len(words) == 1 and len(text) >= 2 * repeats and text.count(text[0]) == len(text) \
            and not text[0].isdigit():
        return f'degenerate: "{text[0]}" repeated {len(text)} times'
    return None


def _template_var(prompt: str | None, response: str) -> str | None:
    """A `{{variable}}` a template left unfilled: in the prompt (outside code), or in the
    response outside code when the prompt does not show it (a template answer)."""
    if prompt is not None and "{{" in prompt:
        found = _TEMPLATE_VAR.search(_CODE.sub(" ", prompt))
        if found:
            return f"placeholder: {found.group()} left in the prompt"
    if "{{" in response:
        for found in _TEMPLATE_VAR.finditer(_CODE.sub(" ", response)):
            if prompt is None or found.group() not in prompt:
                return f"placeholder: {found.group()} left in the response"
    return None


# ---- truncation ---------------------------------------------------------------------------

CUT_REASONS = frozenset({"length", "max_tokens"})
_FENCE = re.compile(r"^[ \t]{0,3}(?:`{3,}|~{3,})", re.M)
_BLOCK = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})[ \t]*([\w+#-]*)[^\n]*\n(.*?)^[ \t]{0,3}\1[ \t]*$",
                    re.M | re.S)
_STRINGS = (r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|'
            r"'(?:\\.|[^'\\\n])*'|`[^`\n]*`")
_C_COMMENTS = r"//[^\n]*|/\*[\s\S]*?\*/"
_HASH_COMMENTS = r"#[^\n]*"
_HASH_LANGUAGES = frozenset({"python", "py", "python3", "bash", "sh", "shell", "zsh", "ruby",
                             "rb", "r", "yaml", "yml", "toml", "perl", "pl", "makefile",
                             "dockerfile", "powershell", "ps1", "julia", "nim", "elixir", ""})
_CODE_NOISE = {True: re.compile(f"{_STRINGS}|{_C_COMMENTS}|{_HASH_COMMENTS}"),
               False: re.compile(f"{_STRINGS}|{_C_COMMENTS}")}
_PAIRS = (("(", ")"), ("[", "]"), ("{", "}"))
_LIST_ITEM = re.compile(r"^(?:[-*+•–]|\d{1,3}[.)]|[a-zA-Z][.)]|#{1,6}|\|)\s?")
_SENTENCE_ENDS = frozenset(".!?…。！？;)]}\"'”’»`*_~>")
_OPENERS = frozenset("([{")
DANGLING = frozenset({"the", "an", "and", "or", "but", "nor", "its", "their", "your", "our",
                      "than", "because", "whether", "including"})
"""Words a finished sentence does not end on: a line ending on one was cut."""


def _truncation(rule: TruncationRule) -> Test:
    paths, min_words = rule.finish_reason, rule.min_words
    fences, brackets, mid_sentence = rule.code_fences, rule.brackets, rule.mid_sentence

    def test(prompt: str | None, response: str, record: Record) -> str | None:
        reason = _cut_by_teacher(record, paths)
        if reason is None and fences and len(_FENCE.findall(response)) % 2:
            return "truncated: unclosed code fence"
        if reason is None and brackets and ("```" in response or "~~~" in response):
            reason = _unclosed_in_code(response)
        if reason is None and mid_sentence:
            reason = _mid_sentence(response, min_words)
        return reason

    return test


def _cut_by_teacher(record: Record, paths: list[str] | None) -> str | None:
    found = (finish_reasons(record.meta) if paths is None
             else ((p, record.get(p)) for p in paths))
    for path, value in found:
        values = value if isinstance(value, list) else [value]
        cut = next((v for v in values if v in CUT_REASONS), None)
        if cut is not None:
            return f"truncated: finish_reason is {cut} ({path})"
    return None


def finish_reasons(meta: dict[str, Any], depth: int = 3, at: str = "meta"
                   ) -> Iterator[tuple[str, Any]]:
    """(path, value) of every `finish_reason` / `stop_reason` in meta, `depth` levels deep."""
    for key, value in meta.items():
        path = f"{at}.{key}"
        if key in ("finish_reason", "stop_reason"):
            yield path, value
        elif isinstance(value, dict) and depth > 1:
            yield from finish_reasons(value, depth - 1, path)


def _unclosed_in_code(text: str) -> str | None:
    """An opening bracket left open in a fenced code block (strings and comments aside)."""
    for block in _BLOCK.finditer(text):
        language = block.group(2).lower()
        code = _CODE_NOISE[language in _HASH_LANGUAGES].sub("", block.group(3))
        for opener, closer in _PAIRS:
            if code.count(opener) > code.count(closer):
                return f"truncated: unclosed '{opener}' in code"
    return None


def _mid_sentence(text: str, min_words: int) -> str | None:
    """Prose whose last line stops without end punctuation: on an open bracket, a comma or a
    word like 'the' (a cut for sure), or after `min_words` words of a plain sentence."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines or _FENCE.match(lines[-1]):
        return None
    last = lines[-1]
    words, end = last.split(), last[-1]
    if end in _OPENERS:
        return f'truncated: ends on an open bracket ("{_tail(last)}")'
    if end in _SENTENCE_ENDS or end == ":":
        return None
    if (end == "," and len(words) >= 5) or (len(words) >= 3 and _bare(words[-1]) in DANGLING):
        return f'truncated: ends mid-sentence ("{_tail(last)}")'
    if len(words) < min_words or not _PLAIN_END.search(last) or _not_prose(last, lines):
        return None
    return f'truncated: ends mid-sentence ("{_tail(last)}")'


_PLAIN_END = re.compile(r"(?:^|\s)[\w'’$%-]+$")  # ends on a word or number, not #tag, url, ^2
_LABEL = re.compile(r"^[^:]{1,40}:\s")
_ATTRIBUTION = re.compile(r"\s[-–—―]\s*(?:\S+\s*){1,5}$")
_NOT_PROSE_MARKS = re.compile(r"[=|→/]|#\w")  # formulas, separators, arrows, hashtags


def _not_prose(last: str, lines: list[str]) -> bool:
    """A line that needs no end punctuation: a list item, a title, a label, an attribution,
    an enumeration, a formula, hashtags, verse."""
    words = last.split()
    capitals = sum(w[0].isupper() for w in words if len(w) > 3)
    return bool(
        _LIST_ITEM.match(last) or _LABEL.match(last) or _ATTRIBUTION.search(last)
        or _NOT_PROSE_MARKS.search(last) or capitals >= 0.6 * sum(len(w) > 3 for w in words)
        or (last.count(",") >= 3 and len(words) <= 3 * (last.count(",") + 1))
        or _verse(lines[:-1]))


def _verse(lines: list[str]) -> bool:
    """Most earlier lines also lack end punctuation: verse, a list, a table, not a cut."""
    return len(lines) >= 2 and sum(line[-1] in _SENTENCE_ENDS for line in lines) < len(lines) / 2


def _tail(line: str, words: int = 5) -> str:
    return ("... " if len(line.split()) > words else "") + " ".join(line.split()[-words:])


# ---- refusals -----------------------------------------------------------------------------

REFUSALS: tuple[str, ...] = (
    "I can't help with that", "I cannot help with that", "I can't help with this",
    "I cannot help with this", "I can't help you with", "I cannot help you with",
    "I'm unable to help", "I am unable to help", "I'm unable to assist", "I am unable to assist",
    "I'm unable to provide", "I am unable to provide", "I'm unable to create",
    "I am unable to create", "I'm unable to generate", "I am unable to generate",
    "I'm unable to complete", "I am unable to complete", "I'm unable to fulfill",
    "I am unable to fulfill", "I'm unable to do", "I am unable to do",
    "I'm not able to provide", "I am not able to provide", "I'm not able to create",
    "I am not able to create", "I'm not able to generate", "I am not able to generate",
    "I'm not able to do", "I am not able to do", "I'm not able to help", "I am not able to help",
    "I cannot provide", "I can't provide", "I cannot create", "I can't create",
    "I cannot generate", "I can't generate", "I cannot complete", "I can't complete",
    "I cannot do that", "I can't do that", "I cannot comply", "I can't comply",
    "I won't be able to help", "I will not be able to help", "I must decline",
    "I have to decline", "I'm afraid I can't", "I'm afraid I cannot", "I am afraid I cannot",
    "I'm not comfortable", "I am not comfortable", "I'm not allowed to", "I am not allowed to",
    "I'm not programmed to", "I am not programmed to", "I cannot answer", "I can't answer",
    "Sorry, I can't", "Sorry, I cannot", "Sorry, but I can't", "Sorry, but I cannot",
    "I'm sorry, I can't", "I'm sorry, I cannot", "I am sorry, but I cannot",
    "I am sorry, I cannot", "it would be inappropriate for me", "it is not appropriate for me",
    "this request violates", "against my guidelines", "I cannot engage", "I can't engage",
    # the model declining the task in the third person (as in Alpaca)
    "Sorry, the task", "Sorry, this task", "this task cannot be", "this instruction cannot be",
    "the instruction cannot be", "this type of instruction cannot", "this type of task cannot",
    "not a suitable instruction", "not suitable for a GPT", "cannot be completed by a",
    "cannot be fulfilled by a", "cannot be created by a language model", "as a GPT model, I")
"""Phrases of a refusal; they count near the start of the response (`refusal.window`)."""

AI_IDENTITY: tuple[str, ...] = (
    "as a GPT model, I", "as a GPT language model, I", "as an AI, I", "I am an AI", "I'm an AI",
    "I am a virtual assistant", "I'm a virtual assistant", "I am a computer program",
    "I'm a computer program", "I don't have a physical body", "I do not have a physical body",
    "I don't have feelings", "I do not have feelings", "I don't have emotions",
    "I do not have emotions")
"""The assistant talking about itself (beside those of the built-in boilerplate list)."""

KNOWLEDGE_CUTOFF: tuple[str, ...] = (
    "as of my knowledge cutoff", "as of my knowledge cut-off", "as of my last training",
    "as of my training data", "my knowledge is limited to", "my training only goes",
    "my training data only goes", "my information is current as of", "I don't have real-time",
    "I do not have real-time", "I don't have access to current", "I do not have access to current",
    "I don't have access to the internet", "I do not have access to the internet",
    "I cannot access the internet", "I can't access the internet", "I don't have up-to-date",
    "I do not have up-to-date", "since my last update", "after my last update",
    "up to my last update", "beyond my knowledge cutoff", "after my knowledge cutoff",
    "I am not able to browse", "I'm not able to browse")
"""Knowledge cut-off and no-browsing talk (beside those of the built-in boilerplate list)."""

_KINDS = (  # which built-in boilerplate phrases are which (the others are chat filler)
    ("knowledge_cutoff", re.compile(r"cut-?off|training|update|browse|real-time|internet", re.I)),
    ("refusal", re.compile(r"sorry|apologize, but|cannot|can't|unable|fulfill|assist with", re.I)),
    ("ai_identity", re.compile(r"\bAI\b|language model|OpenAI|ChatGPT|programming|personal|"
                               r"artificial intelligence", re.I)))


def boilerplate(kind: str) -> list[str]:
    """The built-in boilerplate phrases of one kind: refusal, ai_identity, knowledge_cutoff.

    Chat filler ("I hope this helps", "It's important to note that") is not a defect of the
    answer; the `rules` step rejects it with `boilerplate: true`.
    """
    out = []
    for phrase in BOILERPLATE:
        found = next((name for name, pattern in _KINDS if pattern.search(phrase)), None)
        if found == kind:
            out.append(phrase)
    return out


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


def _clip(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


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

