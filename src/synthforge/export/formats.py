"""Output formats: how an accepted record becomes a row of the finished dataset.

Each format maps canonical slots (e.g. `response`) to record fields. By default a slot takes
the first of its conventional field names that the record has; `spec.fields` points a slot at
any record path instead (`answer`, `data.answer`, `meta.source`). A record that lacks a field
a format needs raises `FormatError`, and the exporter skips it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import orjson
from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from synthforge import registry
from synthforge.record import Record, canonical_json
from synthforge.stage import StrictModel


class FormatSpec(StrictModel):
    """How accepted records become output rows."""

    type: str = Field("records", description="chat, sharegpt, alpaca, dpo, classification, "
                      "records, or a registered format.")
    fields: dict[str, str] = Field(default_factory=dict, description="Format slot -> record "
                                   "field, e.g. {response: answer}.")
    system: str | None = Field(None, description="System prompt for chat-like formats.")
    include: list[str] | None = Field(None, description="Extra columns: "
                               "id, index, meta, or record fields.")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"type": value} if isinstance(value, str) else value

    @field_validator("type")
    @classmethod
    def _known_format(cls, value: str) -> str:
        if value not in registry.names("format"):
            raise PydanticCustomError("unknown_format", registry.unknown_message("format", value))
        return value

    @model_validator(mode="after")
    def _fits_format(self) -> FormatSpec:
        check = getattr(registry.lookup("format", self.type).factory, "check_spec", None)
        if check is None:
            return self
        try:
            check(self)
        except ValueError as exc:
            message = str(exc).replace("{", "{{").replace("}", "}}")
            raise PydanticCustomError("format_spec", message) from exc
        return self


class FormatError(Exception):
    """A record that cannot be written in a format (e.g. a field is missing)."""


class Format:
    """Base of output formats. Subclasses are registered as ("format", name).

    A subclass declares `slots` (slot -> default field names, first present wins), the
    `columns` its rows always have, and implements `build` and `key`. `check_spec` vets a
    spec when it is validated (unknown slots, a system prompt for a format without one,
    include columns that clash); override it for a format with free-form `fields`.
    """

    slots: ClassVar[dict[str, tuple[str, ...]]] = {}
    columns: ClassVar[tuple[str, ...]] = ()
    chat_like: ClassVar[bool] = False
    default_include: ClassVar[tuple[str, ...]] = ("id",)

    def __init__(self, spec: FormatSpec):
        type(self).check_spec(spec)
        self.spec = spec
        self.include = type(self).included(spec)

    @classmethod
    def included(cls, spec: FormatSpec) -> tuple[str, ...]:
        """The extra columns: `spec.include`, or the format's default when it is not given."""
        return tuple(spec.include) if spec.include is not None else cls.default_include

    @classmethod
    def check_spec(cls, spec: FormatSpec) -> None:
        """Raise ValueError if `spec` asks for what this format cannot do."""
        unknown = sorted(set(spec.fields) - set(cls.slots))
        if unknown:
            raise ValueError(f"{spec.type} format has no slot {_names(unknown, 'and')}; "
                             f"its slots: {', '.join(cls.slots)}")
        if spec.system is not None and not cls.chat_like:
            raise ValueError(f"{spec.type} format has no system prompt; drop format.system")
        _check_include(spec, cls.columns)

    @property
    def name(self) -> str:
        return self.spec.type

    def row(self, record: Record) -> dict[str, Any]:
        """The output row for `record`; raise FormatError if it cannot be made."""
        row = self.build(record)
        for column in self.include:
            if column in row:
                raise FormatError(f"{self.name} format: include column {column!r} clashes "
                                  f"with a field of the same name (drop it from format.include)")
            row[column] = include_value(record, column)
        return row

    def build(self, record: Record) -> dict[str, Any]:
        """The format's own columns for `record` (without the include columns)."""
        raise NotImplementedError

    def key(self, row: dict[str, Any]) -> str:
        """The prompt side of `row`: rows with equal normalised keys go to the same split."""
        raise NotImplementedError

    # -- slot resolution --------------------------------------------------------------
    def find(self, record: Record, slot: str, *, required: bool = True) -> tuple[str, Any]:
        """(field path, value) for `slot`; the value is None if absent and not required."""
        if slot in self.spec.fields:
            candidates: Sequence[str] = (self.spec.fields[slot],)
        else:
            candidates = self.slots[slot]
        for path in candidates:
            value = record.get(path)
            if value is not None:
                return path, value
        if required:
            raise FormatError(self.missing(slot))
        return candidates[0], None

    def missing(self, slot: str, alternative: str = "") -> str:
        """The message for a record with no field for `slot` (`alternative`: other ways out)."""
        if slot in self.spec.fields:
            return (f"{self.name} format needs {self.spec.fields[slot]!r} "
                    f"(set by format.fields.{slot})")
        wanted = _names(self.slots[slot], "or")
        return f"{self.name} format needs {alternative}{wanted} (or set format.fields.{slot})"

    def text(self, record: Record, slot: str) -> str:
        """`slot` as a string; FormatError if it is absent or not text."""
        path, value = self.find(record, slot)
        return self._as_text(path, value)

    def optional_text(self, record: Record, slot: str) -> str | None:
        """`slot` as a string, or None if the record has no field for it."""
        path, value = self.find(record, slot, required=False)
        return None if value is None else self._as_text(path, value)

    def _as_text(self, path: str, value: Any) -> str:
        if isinstance(value, str):
            return value
        raise FormatError(f"{self.name} format: {path!r} must be text, "
                          f"got {type(value).__name__}")

    def prompt(self, record: Record, *, alternative: str = "") -> str:
        """The `prompt` slot, with the `input` slot appended after a blank line if present."""
        main = self.optional_text(record, "prompt")
        if main is None:
            raise FormatError(self.missing("prompt", alternative))
        extra = self.optional_text(record, "input")
        return f"{main}\n\n{extra}" if extra else main


def get_format(spec: FormatSpec) -> Format:
    """The format `spec` names, ready to turn records into rows."""
    return registry.lookup("format", spec.type).factory(spec)


def include_value(record: Record, column: str) -> Any:
    """An include column: `id`, `index`, `meta` or a record field path (None if absent)."""
    if column == "meta":
        return record.meta
    return record.get(column)


def _check_include(spec: FormatSpec, columns: Sequence[str]) -> None:
    seen: set[str] = set()
    for column in spec.include or ():
        if column in seen:
            raise ValueError(f"format.include lists {column!r} twice")
        if column in columns:
            raise ValueError(f"format.include: {column!r} is already a column of the "
                             f"{spec.type} format")
        seen.add(column)


def _names(names: Sequence[str], conjunction: str) -> str:
    quoted = [repr(n) for n in names]
    if len(quoted) <= 1:
        return "".join(quoted)
    return f"{', '.join(quoted[:-1])} {conjunction} {quoted[-1]}"


def _without(row: dict[str, Any], columns: Sequence[str]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in columns}


PROMPT_FIELDS = ("instruction", "prompt", "question")
RESPONSE_FIELDS = ("response", "output", "answer", "completion")


@registry.register("format", "chat", FormatSpec)
class ChatFormat(Format):
    """OpenAI chat messages: {messages: [system?, user, assistant]}."""

    slots: ClassVar[dict[str, tuple[str, ...]]] = {
        "messages": ("messages",), "system": ("system",), "prompt": PROMPT_FIELDS,
        "input": ("input",), "response": RESPONSE_FIELDS,
    }
    columns = ("messages",)
    chat_like = True

    def build(self, record: Record) -> dict[str, Any]:
        return {"messages": self.messages(record)}

    def key(self, row: dict[str, Any]) -> str:
        return _prompt_of(row["messages"], "role", "content", "assistant")

    def messages(self, record: Record) -> list[dict[str, Any]]:
        """The conversation: the record's `messages`, or one built from prompt and response.

        The record's `system` field wins over `spec.system`; either is added only when the
        conversation has no system message yet.
        """
        path, given = self.find(record, "messages", required=False)
        if given is None:
            prompt = self.prompt(record, alternative="'messages' or ")
            turns = [{"role": "user", "content": prompt},
                     {"role": "assistant", "content": self.text(record, "response")}]
        else:
            turns = self._given(record, path, given)
        system = self.optional_text(record, "system") or self.spec.system
        if system and turns[0]["role"] != "system":
            turns.insert(0, {"role": "system", "content": system})
        return turns

    def _given(self, record: Record, path: str, given: Any) -> list[dict[str, Any]]:
        if not isinstance(given, list) or not given:
            raise FormatError(f"{self.name} format: {path!r} must be a non-empty list")
        turns = [self._message(m) for m in given]
        if turns[-1]["role"] != "assistant":
            response = self.optional_text(record, "response")
            if response is None:
                raise FormatError(self.missing("response", "a final assistant message or "))
            turns.append({"role": "assistant", "content": response})
        return turns

    def _message(self, message: Any) -> dict[str, Any]:
        if not (isinstance(message, dict) and isinstance(message.get("role"), str)
                and isinstance(message.get("content"), str)):
            raise FormatError(f"{self.name} format: each message needs a text 'role' and "
                              f"'content', got {message!r:.80}")
        return dict(message)


SHAREGPT_ROLES = {"system": "system", "user": "human", "assistant": "gpt"}


@registry.register("format", "sharegpt", FormatSpec)
class ShareGPTFormat(ChatFormat):
    """ShareGPT conversations: {conversations: [{from: system|human|gpt, value}]}."""

    columns = ("conversations",)

    def build(self, record: Record) -> dict[str, Any]:
        turns = []
        for message in self.messages(record):
            speaker = SHAREGPT_ROLES.get(message["role"])
            if speaker is None:
                raise FormatError(f"{self.name} format: role {message['role']!r} has no "
                                  f"ShareGPT speaker (system, user and assistant do)")
            turns.append({"from": speaker, "value": message["content"]})
        return {"conversations": turns}

    def key(self, row: dict[str, Any]) -> str:
        return _prompt_of(row["conversations"], "from", "value", "gpt")


def _prompt_of(turns: list[dict[str, Any]], role: str, content: str, assistant: str) -> str:
    """The contents of every turn but a final assistant one, one per line."""
    if turns and turns[-1][role] == assistant:
        turns = turns[:-1]
    return "\n".join(t[content] for t in turns)


@registry.register("format", "alpaca", FormatSpec)
class AlpacaFormat(Format):
    """Alpaca instruction tuning: {instruction, input, output}."""

    slots: ClassVar[dict[str, tuple[str, ...]]] = {
        "instruction": PROMPT_FIELDS, "input": ("input",), "output": RESPONSE_FIELDS,
    }
    columns = ("instruction", "input", "output")

    def build(self, record: Record) -> dict[str, Any]:
        return {"instruction": self.text(record, "instruction"),
                "input": self.optional_text(record, "input") or "",
                "output": self.text(record, "output")}

    def key(self, row: dict[str, Any]) -> str:
        return f"{row['instruction']}\n\n{row['input']}" if row["input"] else row["instruction"]


@registry.register("format", "dpo", FormatSpec)
class DPOFormat(Format):
    """Preference pairs: {prompt, chosen, rejected}."""

    slots: ClassVar[dict[str, tuple[str, ...]]] = {
        "prompt": ("prompt", "instruction", "question"), "input": ("input",),
        "chosen": ("chosen",), "rejected": ("rejected",),
    }
    columns = ("prompt", "chosen", "rejected")

    def build(self, record: Record) -> dict[str, Any]:
        return {"prompt": self.prompt(record), "chosen": self.text(record, "chosen"),
                "rejected": self.text(record, "rejected")}

    def key(self, row: dict[str, Any]) -> str:
        return row["prompt"]


@registry.register("format", "classification", FormatSpec)
class ClassificationFormat(Format):
    """Text classification: {text, label}; the label may be text, an int or a bool."""

    slots: ClassVar[dict[str, tuple[str, ...]]] = {"text": ("text",), "label": ("label",)}
    columns = ("text", "label")

    def build(self, record: Record) -> dict[str, Any]:
        path, label = self.find(record, "label")
        if not isinstance(label, str | int | bool):
            raise FormatError(f"{self.name} format: {path!r} must be text, an int or a bool, "
                              f"got {type(label).__name__}")
        return {"text": self.text(record, "text"), "label": label}

    def key(self, row: dict[str, Any]) -> str:
        return row["text"]


@registry.register("format", "records", FormatSpec)
class RecordsFormat(Format):
    """Free fields: the record's data as it is, or the columns `fields` selects and renames.

    With `fields`, each entry is output column -> record path, and a missing path is an error.
    No extra columns unless `include` asks (the data's own fields, `id` among them, stay).
    """

    default_include = ()

    @classmethod
    def check_spec(cls, spec: FormatSpec) -> None:
        if spec.system is not None:
            raise ValueError(f"{spec.type} format has no system prompt; drop format.system")
        _check_include(spec, tuple(spec.fields))

    def build(self, record: Record) -> dict[str, Any]:
        if not self.spec.fields:
            return dict(record.data)
        row = {}
        for column, path in self.spec.fields.items():
            value = record.get(path)
            if value is None:
                raise FormatError(f"{self.name} format needs {path!r} "
                                  f"(set by format.fields.{column})")
            row[column] = value
        return row

    def key(self, row: dict[str, Any]) -> str:
        try:
            return canonical_json(_without(row, self.include)).decode()
        except orjson.JSONEncodeError as exc:
            raise FormatError(f"{self.name} format: row is not JSON: {exc}") from exc
