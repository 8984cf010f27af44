"""Structured output: JSON that follows a schema, from servers with or without support."""

from __future__ import annotations

import re
from typing import Any

import orjson
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


def response_format(schema: dict[str, Any]) -> dict[str, Any]:
    """The `response_format` asking an OpenAI-compatible server for JSON of `schema`."""
    return {"type": "json_schema",
            "json_schema": {"name": "output", "schema": schema, "strict": False}}


def instructions(schema: dict[str, Any]) -> str:
    """A message asking for JSON of `schema` when the server cannot enforce it."""
    return ("Reply with only a JSON object that follows this JSON Schema, with no text before "
            "or after it:\n" + orjson.dumps(schema).decode())


def repair_message(error: str) -> str:
    return (f"That reply is not valid for the schema ({error}). Reply with only the corrected "
            "JSON object.")


def parse(text: str, schema: dict[str, Any]) -> Any:
    """The JSON value in `text` (bare, or in a code fence, or the outermost {...}), checked
    against `schema`; ValueError says what is wrong."""
    candidates = [text.strip()]
    candidates += [m.strip() for m in _FENCE.findall(text)]
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        candidates.append(text[start: end + 1])
    value: Any = None
    for candidate in candidates:
        try:
            value = orjson.loads(candidate)
            break
        except orjson.JSONDecodeError:
            continue
    else:
        raise ValueError("no JSON object found")
    error = best_match(Draft202012Validator(schema).iter_errors(value))
    if error is not None:
        where = error.json_path
        raise ValueError(f"at {where}: {error.message}"[:300])
    return value
