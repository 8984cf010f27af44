"""Checking tool_use answers (`score_answer`) and whole trajectories
(`verify_trajectory`), e.g. ones a teacher model wrote."""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction
from functools import lru_cache
from typing import Any

import orjson
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from synthforge.generate.procedural._tool_trajectory import _json
from synthforge.generate.procedural._tools import SCHEMAS, Json, Toolbox
from synthforge.generate.procedural.answers import extract_final, norm_text, same_number
from synthforge.generate.procedural.base import Task

DATE_FORMATS = ("%B %d, %Y", "%B %d %Y", "%d %B %Y", "%b %d, %Y", "%d %b %Y", "%Y/%m/%d")


def read_date(text: str) -> date | None:
    """A date written as YYYY-MM-DD, "March 5, 2024", "5 March 2024" or 2024/03/05."""
    s = text.strip().rstrip(".").strip()
    try:
        return date.fromisoformat(s)
    except ValueError:
        pass
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    return None


def _name(text: str) -> str:
    s = norm_text(text)
    return s[4:] if s.startswith("the ") else s


def score_answer(answer: str, task: Task) -> float:
    """1.0 if `answer` is the task's: a number within its rounding, a date in any
    common form, or the same name or weekday."""
    kind = task.check.get("kind", "number")
    if kind == "number":
        places = task.check.get("places")
        tolerance = Fraction(1, 2 * 10**places) if places is not None else 0
        ok = same_number(answer, task.answer, percent=False, tolerance=tolerance)
    elif kind == "date":
        ok = read_date(answer) == date.fromisoformat(task.answer)
    else:
        ok = _name(answer) == _name(task.answer)
    return 1.0 if ok else 0.0


@lru_cache(maxsize=512)
def _validator(schema_json: str) -> Draft202012Validator:
    schema = orjson.loads(schema_json)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


class _Review:
    """The state of one trajectory check: offered tools, calls awaiting results, problems."""

    def __init__(self, tools: list[Json], task: Task):
        self.problems: list[str] = []
        self.box = Toolbox(task.check.get("facts") or {})
        self.offered = self._offered(tools)
        self.pending: dict[str, tuple[str, Json | None]] = {}
        self.ids: set[str] = set()

    def _offered(self, tools: list[Json]) -> dict[str, Draft202012Validator]:
        offered = {}
        for i, tool in enumerate(tools or []):
            fn = tool.get("function") if isinstance(tool, dict) else None
            if not (isinstance(fn, dict) and tool.get("type") == "function"
                    and isinstance(fn.get("name"), str)):
                self.problems.append(f"tools[{i}]: not an OpenAI function schema")
                continue
            try:
                offered[fn["name"]] = _validator(_json(fn.get("parameters") or {}))
            except SchemaError as exc:
                self.problems.append(f"tools[{i}] ({fn['name']}): invalid JSON Schema: "
                                     f"{exc.message}")
        return offered

    def assistant(self, i: int, message: Json) -> None:
        if self.pending:
            self.problems.append(f"messages[{i}]: calls without results before this turn: "
                                 f"{', '.join(sorted(self.pending))}")
            self.pending.clear()
        for call in message.get("tool_calls") or []:
            self._call(i, call)

    def _call(self, i: int, call: Any) -> None:
        fn = call.get("function") if isinstance(call, dict) else None
        call_id = call.get("id") if isinstance(call, dict) else None
        if not isinstance(fn, dict) or not isinstance(call_id, str) or call_id in self.ids:
            self.problems.append(f"messages[{i}]: malformed tool call or repeated id {call_id!r}")
            return
        self.ids.add(call_id)
        name = fn.get("name")
        try:
            arguments = orjson.loads(fn.get("arguments") or "")
        except (orjson.JSONDecodeError, TypeError):
            arguments = None
        if name not in self.offered or name not in SCHEMAS:
            self.problems.append(f"messages[{i}]: unknown tool {name!r}")
        elif not isinstance(arguments, dict):
            self.problems.append(f"messages[{i}]: {name} arguments are not a JSON object")
        else:
            for error in self.offered[name].iter_errors(arguments):
                self.problems.append(f"messages[{i}]: {name} arguments do not match the "
                                     f"schema: {error.message}")
        self.pending[call_id] = (name if name in SCHEMAS else "", arguments)

    def tool(self, i: int, message: Json) -> None:
        call_id = message.get("tool_call_id")
        if call_id not in self.pending:
            self.problems.append(f"messages[{i}]: result for no pending call ({call_id!r})")
            return
        name, arguments = self.pending.pop(call_id)
        if not name or not isinstance(arguments, dict):
            return
        expected = self.box.run(name, arguments)
        try:
            got = orjson.loads(message.get("content") or "")
        except orjson.JSONDecodeError:
            got = message.get("content")
        if got != expected:
            self.problems.append(f"messages[{i}]: result of {call_id} ({name}) differs from "
                                 f"re-running the call: {message.get('content')!r:.120} vs "
                                 f"{_json(expected)!r:.120}")

    def final(self, messages: list[Json], task: Task) -> None:
        if self.pending:
            self.problems.append(f"calls without results: {', '.join(sorted(self.pending))}")
        last = messages[-1] if messages and isinstance(messages[-1], dict) else {}
        if last.get("role") != "assistant" or last.get("tool_calls") or not isinstance(
                last.get("content"), str):
            self.problems.append("the trajectory does not end with an assistant answer")
            return
        answer = extract_final(last["content"])
        if score_answer(answer, task) < 1.0:
            self.problems.append(f"final answer {answer!r:.80} is wrong (expected "
                                 f"{task.answer!r})")


def verify_trajectory(messages: list[Json], tools: list[Json], task: Task) -> list[str]:
    """Problems with a tool-use trajectory for `task` (none: it is sound).

    Checks that the tools are valid function schemas, every call names an offered tool with
    arguments that match its schema, every tool result equals re-running the call on the
    task's knowledge base, and the final answer is right. `task` is `ToolUse.task(data, meta)`.
    """
    review = _Review(tools, task)
    if len(messages) < 2 or not any(m.get("role") == "user" for m in messages[:2]):
        review.problems.append("the trajectory does not open with a user question")
    for i, message in enumerate(messages):
        role = message.get("role") if isinstance(message, dict) else None
        if role == "tool":
            review.tool(i, message)
        elif role == "assistant" and message.get("tool_calls"):
            review.assistant(i, message)
        elif role not in ("system", "user", "assistant"):
            review.problems.append(f"messages[{i}]: unknown role {role!r}")
    review.final(messages, task)
    return review.problems
