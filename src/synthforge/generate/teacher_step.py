"""The `teacher` step: ask a model about each record and put its answer in fields.

    steps:
      - teacher:
          teacher: {model: gpt-4o-mini, temperature: 0.7, max_tokens: 600}
          system: You are a patient maths tutor.
          prompt: "Solve step by step: {question}"
          output: response                       # the answer's text goes here
      - teacher:
          teacher: {model: gpt-4o-mini}
          prompt: "Write a question about {topic} and its answer."
          schema:                                # structured output
            type: object
            required: [question, answer]
            properties: {question: {type: string}, answer: {type: string}}
          fields: {question: question, answer: answer}   # schema property -> record field

Prompts are Jinja2 templates (`{name}` works too) over the record's data, with `meta` and
`id` available. `samples: n` asks n times (each cached on its own); the output field then
holds a list. Token counts, cost, cache hits and finish reasons go to `meta.teacher.<step>`.
An answer cut at max_tokens or filtered is a reject with the raw text kept; a failed call
after retries is a failure; a 401 stops the run (exit code 2; resumable once the key is
fixed). When the cost budget stops a run, calls already sent are let finish (up to the
request timeout) so that their answers are cached and a resumed run does not pay again.
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from jinja2 import UndefinedError
from pydantic import ConfigDict, Field, model_validator

from synthforge.generate.templates import compile_template
from synthforge.record import Record
from synthforge.registry import register
from synthforge.stage import AsyncMap, AsyncMapConfig, Context, Reject, StopRun, StrictModel
from synthforge.teachers.backends import make_teacher
from synthforge.teachers.config import TeacherConfig
from synthforge.teachers.types import (
    AuthFailed,
    Completion,
    Refused,
    Request,
    Teacher,
    TeacherError,
)


class Message(StrictModel):
    """One message template of a conversation."""

    role: str = Field(pattern="^(system|user|assistant)$")
    content: str


class TeacherStepConfig(AsyncMapConfig):
    """A model call per record: the prompt, where the answer goes, how many samples."""

    teacher: TeacherConfig
    system: str | None = Field(None, description="System message template.")
    prompt: str | None = Field(None, description="User message template.")
    messages: list[Message] | None = Field(None, description="A whole conversation of "
                                           "templates (instead of system/prompt).")
    output: str = Field("response", description="Field for the answer's text.")
    schema_: dict[str, Any] | None = Field(None, alias="schema", description="JSON Schema "
                                           "of a structured answer.")
    fields: dict[str, str] | None = Field(None, description="Schema property -> record field "
                                          "(default: every property to the same name).")
    samples: int = Field(1, ge=1, le=64, description="Answers per record (a list if > 1).")
    concurrency: int = Field(64, gt=0, le=100_000, description="Records in flight at once "
                             "(the endpoint's own limit is teacher.concurrency).")

    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)

    @model_validator(mode="after")
    def _one_prompt(self) -> TeacherStepConfig:
        if self.messages is None and self.prompt is None:
            raise ValueError("give a `prompt` (and optional `system`) or `messages`")
        if self.messages is not None and (self.prompt or self.system):
            raise ValueError("give either `messages` or `prompt`/`system`, not both")
        if self.fields is not None and self.schema_ is None:
            raise ValueError("`fields` maps a schema's properties: give a `schema` too")
        return self


@register("step", "teacher")
class TeacherStep(AsyncMap):
    """Ask a teacher model about each record (OpenAI-compatible or local); answers to fields."""

    Config = TeacherStepConfig
    costs_money: ClassVar[bool] = True

    def __init__(self, config: TeacherStepConfig, ctx: Context, name: str):
        super().__init__(config, ctx, name)
        self.config: TeacherStepConfig = config
        self._templates = [(m.role, compile_template(m.content)) for m in self._messages()]
        self._teacher: Teacher | None = None
        self._calls: set[asyncio.Future[Completion]] = set()  # sent, not yet answered
        self._fatal: AuthFailed | None = None
        config.teacher.api_key()  # a missing key is a clear error before anything runs

    def _messages(self) -> list[Message]:
        c = self.config
        if c.messages is not None:
            return c.messages
        out = [Message(role="system", content=c.system)] if c.system else []
        return [*out, Message(role="user", content=c.prompt or "")]

    def teacher(self) -> Teacher:
        if self._teacher is None:
            self._teacher = make_teacher(self.config.teacher, cache_mode=self.ctx.cache_mode)
        return self._teacher

    async def aclose(self) -> None:
        """Close the client; raise the error that stopped the run, if it was ours.

        The runner commits nothing of a batch that raised StopRun and calls `aclose` last:
        raising here makes a refused key end the run with exit code 2, nothing half-written.
        """
        calls, self._calls = self._calls, set()
        spend = self.ctx.spend
        if calls and spend.limit is not None and spend.total >= spend.limit:
            await asyncio.wait(calls, timeout=self.config.teacher.timeout)  # paid: keep them
        for call in calls:
            call.cancel()
        if self._teacher is not None:
            await self._teacher.close()
            self._teacher = None
        if self._fatal is not None:
            fatal, self._fatal = self._fatal, None
            raise fatal

    def render(self, record: Record) -> list[dict[str, str]]:
        values = {**record.data, "meta": record.meta, "id": record.id}
        try:
            return [{"role": role, "content": render(values)} for role, render in self._templates]
        except UndefinedError as exc:
            raise Reject(f"missing_field: the prompt needs {exc.message}") from None

    async def amap(self, record: Record) -> Record:
        messages = self.render(record)
        calls = [self._ask(messages, i) for i in range(self.config.samples)]
        answers = await asyncio.gather(*calls, return_exceptions=True)
        self._account(record, [paid for a in answers if (paid := _paid(a)) is not None])
        for answer in answers:
            if isinstance(answer, AuthFailed):
                self._fatal = self._fatal or answer
                raise StopRun("auth", str(answer))
            if isinstance(answer, Refused):
                record.meta.setdefault("teacher_raw", {})[self.name] = answer.raw
                raise Reject(f"{answer.kind}: {answer}") from None
            if isinstance(answer, BaseException):
                raise answer
        self._store(record, [a for a in answers if isinstance(a, Completion)])
        return record

    async def _ask(self, messages: list[dict[str, str]], sample: int) -> Completion:
        self.ctx.spend.check()
        call = asyncio.ensure_future(self.teacher().complete(
            Request(messages=messages, schema=self.config.schema_, sample=sample)))
        self._calls.add(call)
        call.add_done_callback(self._settled)
        try:
            completion = await asyncio.shield(call)  # cancelling the record leaves the call
        except Refused as exc:
            if exc.completion is not None:
                self.ctx.spend.add(exc.completion.cost)  # an unusable answer is paid too
            raise
        self.ctx.spend.add(completion.cost)
        return completion

    def _settled(self, call: asyncio.Future[Completion]) -> None:
        self._calls.discard(call)
        if not call.cancelled():
            call.exception()  # retrieved here: a record cancelled meanwhile logs nothing

    def _store(self, record: Record, answers: list[Completion]) -> None:
        c = self.config
        if c.schema_ is None:
            texts = [choice.text for a in answers for choice in a.choices]
            record.data[c.output] = texts[0] if len(texts) == 1 else texts
            return
        values = [choice.parsed for a in answers for choice in a.choices]
        mapping = c.fields or {k: k for k in (c.schema_.get("properties") or {})}
        if len(values) == 1 and isinstance(values[0], dict):
            for prop, field in mapping.items():
                if prop in values[0]:
                    record.data[field] = values[0][prop]
        else:
            record.data[c.output] = values[0] if len(values) == 1 else values

    def _account(self, record: Record, answers: list[Completion]) -> None:
        record.meta.setdefault("teacher", {})[self.name] = {
            "model": answers[0].model if answers else self.config.teacher.model,
            "prompt_tokens": sum(a.prompt_tokens for a in answers),
            "completion_tokens": sum(a.completion_tokens for a in answers),
            "cost": round(sum(a.cost for a in answers), 8),
            "cached": all(a.cached for a in answers) if answers else False,
            "finish_reason": [c.finish_reason for a in answers for c in a.choices],
            "attempts": sum(a.attempts for a in answers)}


def _paid(answer: Completion | BaseException) -> Completion | None:
    """The answer that was paid for: a completion, or the one behind a refusal."""
    if isinstance(answer, Completion):
        return answer
    return answer.completion if isinstance(answer, Refused) else None


__all__ = ["TeacherError", "TeacherStep", "TeacherStepConfig"]
