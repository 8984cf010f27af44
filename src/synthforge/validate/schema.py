"""The `schema` check: required fields, simple field types and JSON Schema.

```yaml
steps:
  - schema:
      required: [instruction, response]       # present, not null, not ""
      types: {score: int, tags: list}         # str int float bool list dict number
      json_schema: schemas/answer.json        # or inline: {type: object, required: [a]}
      field: response                         # validate this field (JSON text is parsed)
```

Checks run in that order and the first failure is the reason. `types` only judges fields
that are there (`required` says which must be). `json_schema` uses the draft its `$schema`
names (default 2020-12) and asserts `format`; it validates the record's data, or `field`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

import orjson
import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, ValidationError, best_match
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from pydantic import Discriminator, Field, PrivateAttr, Tag, model_validator
from pydantic_core import PydanticCustomError

from synthforge.record import Record
from synthforge.registry import register
from synthforge.stage import Check, Context, DataFile, StepConfig
from synthforge.validate.rules import MISSING, FieldPath, field_getter, type_name

TypeName = Literal["str", "int", "float", "bool", "list", "dict", "number"]

_IS_TYPE: dict[str, Callable[[Any], bool]] = {
    "str": lambda v: isinstance(v, str),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "float": lambda v: isinstance(v, float),
    "bool": lambda v: isinstance(v, bool),
    "list": lambda v: isinstance(v, list),
    "dict": lambda v: isinstance(v, dict),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
}

SchemaSource = Annotated[
    Annotated[dict[str, Any], Tag("inline")] | Annotated[DataFile, Tag("file")],
    Discriminator(lambda v: "inline" if isinstance(v, dict) else "file"),
]


class SchemaConfig(StepConfig):
    """Required fields, field types and a JSON Schema; give at least one."""

    required: list[FieldPath] = Field(default_factory=list, description="Fields that must be "
                                      "present and neither null nor empty text.")
    types: dict[FieldPath, TypeName] = Field(default_factory=dict, description="Type of each "
                                             "field when present (number: int or float).")
    json_schema: SchemaSource | None = Field(None, description="A JSON Schema, inline or a "
                                             ".json/.yaml file.")
    field: FieldPath | None = Field(None, description="Validate this field against "
                                    "json_schema instead of the whole data; text is parsed "
                                    "as JSON first.")

    _schema: dict[str, Any] | None = PrivateAttr(None)

    @model_validator(mode="after")
    def _consistent(self) -> SchemaConfig:
        if not self.required and not self.types and self.json_schema is None:
            raise PydanticCustomError("nothing_to_check",
                                      "give at least one of required, types or json_schema")
        if self.field is not None and self.json_schema is None:
            raise PydanticCustomError("field_without_schema",
                                      "`field` chooses what json_schema validates: give "
                                      "json_schema too")
        if self.json_schema is not None:
            schema = (self.json_schema if isinstance(self.json_schema, dict)
                      else _read_schema(self.json_schema))
            _check_schema(schema)
            self._schema = schema
        return self

    @property
    def resolved_schema(self) -> dict[str, Any] | None:
        """The JSON Schema itself (read from its file if given as one)."""
        return self._schema


def _read_schema(path: Path) -> dict[str, Any]:
    if path.suffix.lower() not in (".json", ".yaml", ".yml"):
        raise PydanticCustomError("schema_file", "a JSON Schema file ends in .json, .yaml or "
                                  ".yml: {path}", {"path": str(path)})
    try:
        text = path.read_text(encoding="utf-8")
        schema = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise PydanticCustomError("schema_file", "cannot read JSON Schema {path}: {error}",
                                  {"path": str(path), "error": str(exc)}) from None
    if not isinstance(schema, dict):
        raise PydanticCustomError("schema_file", "{path} holds {kind}, not a JSON Schema "
                                  "object", {"path": str(path), "kind": type_name(schema)})
    return schema


def _check_schema(schema: dict[str, Any]) -> None:
    cls = validator_for(schema, default=Draft202012Validator)
    try:
        cls.check_schema(schema)
    except SchemaError as exc:
        raise PydanticCustomError("json_schema", "invalid JSON Schema at {path}: {error}",
                                  {"path": exc.json_path, "error": exc.message}) from None


def build_validator(schema: dict[str, Any]) -> Validator:
    """A validator for `schema` of the draft its `$schema` names (default 2020-12)."""
    cls = validator_for(schema, default=Draft202012Validator)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


# ---- the stage ----------------------------------------------------------------------------

@register("step", "schema")
class Schema(Check):
    """Rejects records that lack required fields, hold wrong types or break a JSON Schema."""

    Config = SchemaConfig
    cpu_bound: ClassVar[bool] = True

    def __init__(self, config: SchemaConfig, ctx: Context, name: str):
        super().__init__(config, ctx, name)
        self._required = tuple((path, field_getter(path)) for path in config.required)
        self._types = tuple((path, field_getter(path), _IS_TYPE[kind], kind)
                            for path, kind in config.types.items())
        schema = config.resolved_schema
        self._iter_errors = build_validator(schema).iter_errors if schema is not None else None
        self._field = config.field
        self._get_field = field_getter(config.field) if config.field is not None else None

    def __reduce__(self) -> tuple[Any, ...]:  # the validator does not pickle: rebuild it
        return type(self), (self.config, self.ctx, self.name)

    def check(self, record: Record) -> str | None:
        for path, get in self._required:
            value = get(record)
            if value is MISSING or value is None or (isinstance(value, str) and not value):
                return f"missing_field: {path!r} is {_absence(value)}"
        for path, get, is_type, kind in self._types:
            value = get(record)
            if value is not MISSING and not is_type(value):
                return f"wrong_type: {path!r} is {type_name(value)}, expected {kind}"
        if self._iter_errors is None:
            return None
        return self._json_schema(record, self._iter_errors)

    def check_batch(self, records: Sequence[Record]) -> list[str | None]:
        """Required fields and types column by column; JSON Schema record by record."""
        verdicts: list[str | None] = [None] * len(records)
        for path, get in self._required:
            for j, value in enumerate([get(r) for r in records]):
                if value is MISSING or value is None or value == "":
                    verdicts[j] = verdicts[j] or f"missing_field: {path!r} is {_absence(value)}"
        for path, get, is_type, kind in self._types:
            for j, value in enumerate([get(r) for r in records]):
                if verdicts[j] is None and value is not MISSING and not is_type(value):
                    verdicts[j] = f"wrong_type: {path!r} is {type_name(value)}, expected {kind}"
        if self._iter_errors is not None:
            for j, record in enumerate(records):
                if verdicts[j] is None:
                    verdicts[j] = self._json_schema(record, self._iter_errors)
        return verdicts

    def _json_schema(self, record: Record,
                     iter_errors: Callable[[Any], Iterator[ValidationError]]) -> str | None:
        instance: Any = record.data
        if self._get_field is not None:
            instance = self._get_field(record)
            if instance is MISSING:
                return f"missing_field: {self._field!r} is missing"
            if isinstance(instance, str):
                try:
                    instance = orjson.loads(instance)
                except orjson.JSONDecodeError as exc:
                    return f"invalid_json: {self._field!r} is not JSON: {exc}"
        error = best_match(iter_errors(instance))
        if error is None:
            return None
        return f"json_schema: at {error.json_path}: {_clip(error.message)}"


def _absence(value: Any) -> str:
    return "missing" if value is MISSING else "null" if value is None else "empty"


def _clip(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
