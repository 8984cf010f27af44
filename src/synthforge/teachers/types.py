"""What a teacher is asked and what it answers, and how calls fail."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from synthforge.errors import SynthforgeError


@dataclass(slots=True)
class Request:
    """One call: chat `messages` (or a completion `prompt`), parameters, an optional schema."""

    messages: list[dict[str, Any]] | None = None
    prompt: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    schema: dict[str, Any] | None = None
    sample: int = 0  # which of several samples of the same request: part of the cache key


@dataclass(slots=True)
class Choice:
    text: str
    finish_reason: str | None = None
    logprobs: Any = None
    parsed: Any = None  # the JSON value, when the request had a schema


@dataclass(slots=True)
class Completion:
    """A teacher's answer with its accounting."""

    choices: list[Choice]
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    cached: bool = False
    attempts: int = 1

    @property
    def text(self) -> str:
        return self.choices[0].text if self.choices else ""


class Teacher(Protocol):
    """Anything that answers requests: an HTTP endpoint, a local model."""

    name: str

    async def complete(self, request: Request) -> Completion: ...

    async def close(self) -> None: ...


class TeacherError(Exception):
    """A call that failed for good (after retries, or with a status not worth retrying).

    `kind` is a short code used as the reject/fail reason code (e.g. `http_400`, `timeout`,
    `finish_length`, `content_filter`, `parse_error`).
    """

    def __init__(self, kind: str, message: str, *, raw: str | None = None):
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.raw = raw


class Refused(TeacherError):
    """The teacher answered, but the answer is unusable (cut at max_tokens, filtered,
    unparsable): the record is rejected with this reason, the raw text kept. `completion`
    is the answer itself: it was paid for, so its tokens and cost still count."""

    def __init__(self, kind: str, message: str, *, raw: str | None = None,
                 completion: Completion | None = None):
        super().__init__(kind, message, raw=raw)
        self.completion = completion


class AuthFailed(SynthforgeError):
    """401/403 from the endpoint: every further call would fail too, so the run stops."""

    exit_code = 2
