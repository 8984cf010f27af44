"""A teacher through LiteLLM, for providers that do not speak the OpenAI protocol.

    teacher: {backend: litellm, model: anthropic/claude-3-5-haiku-20241022,
              api_key_env: ANTHROPIC_API_KEY, max_tokens: 600}

`litellm.acompletion` (or `atext_completion` for `endpoint: completions`) makes the call;
LiteLLM retries (`max_retries`) and reads provider keys from the environment itself when
`api_key_env` is null. The cache, structured output and refusals work as for every
teacher; cost comes from synthforge's price table (or `price`), else LiteLLM's own.
"""

from __future__ import annotations

import asyncio
import fnmatch
import os
from typing import Any

from synthforge.teachers.cache import Cache
from synthforge.teachers.config import TeacherConfig
from synthforge.teachers.limits import TokenBucket
from synthforge.teachers.local import CachingTeacher, check_installed, require
from synthforge.teachers.openai import RETRY_STATUS
from synthforge.teachers.pricing import Price, load_prices, price_for
from synthforge.teachers.types import (
    AuthFailed,
    Choice,
    Completion,
    Refused,
    Request,
    TeacherError,
)


class LiteLLMTeacher(CachingTeacher):
    """Any provider LiteLLM knows; `options` go to every `acompletion` call as they are."""

    def __init__(self, config: TeacherConfig, *, cache: Cache | None = None,
                 cache_mode: str = "use", prices: dict[str, Price] | None = None,
                 **options: Any):
        check_installed("litellm", "litellm")
        super().__init__(config, cache=cache, cache_mode=cache_mode)
        self.name = f"{config.model}@litellm"
        self.price = _known_price(config, prices)
        self._secret = config.api_key()
        self._options = options
        self._module: Any = None
        self._loop_state: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore,
                                TokenBucket | None] | None = None

    def litellm(self) -> Any:
        """The litellm module, imported on first use (it is slow to import)."""
        if self._module is None:
            self._module = require("litellm", "litellm")
            self._json_schema_ok = self._schema_support(self._module)
        return self._module

    def _schema_support(self, litellm: Any) -> bool:
        mode = self.config.structured
        if mode != "auto":
            return mode == "json_schema"
        try:
            return bool(litellm.supports_response_schema(model=self.config.model))
        except Exception:  # unknown model, or an older litellm
            return False

    async def identity(self) -> dict[str, Any]:
        return self.config.identity()

    async def complete(self, request: Request) -> Completion:
        self.litellm()  # decides whether schemas go as response_format: part of the body
        return await super().complete(request)

    def _limits(self) -> tuple[asyncio.Semaphore, TokenBucket | None]:
        loop = asyncio.get_running_loop()
        if self._loop_state is None or self._loop_state[0] is not loop:
            rpm = TokenBucket(self.config.rpm) if self.config.rpm else None
            self._loop_state = (loop, asyncio.Semaphore(self.config.concurrency), rpm)
        return self._loop_state[1], self._loop_state[2]

    def _call_args(self, body: dict[str, Any]) -> dict[str, Any]:
        c = self.config
        args = {**body, "timeout": c.timeout, "num_retries": c.max_retries, **self._options}
        if self._secret:
            args["api_key"] = self._secret
        if "base_url" in c.model_fields_set:
            args["api_base"] = c.base_url
        if c.headers:
            args["extra_headers"] = c.headers
        return args

    async def send(self, body: dict[str, Any]) -> Completion:
        litellm = self.litellm()
        call = litellm.atext_completion if "prompt" in body else litellm.acompletion
        limit, rpm = self._limits()
        if rpm is not None:
            await rpm.take(1)
        async with limit:
            try:
                response = await call(**self._call_args(body))
            except Exception as exc:
                raise self._error(exc) from None
        return self._completion(response, chat="prompt" not in body)

    def _completion(self, response: Any, *, chat: bool) -> Completion:
        choices = []
        for c in _get(response, "choices") or []:
            text = _get(_get(c, "message"), "content") if chat else _get(c, "text")
            choices.append(Choice(text or "", _get(c, "finish_reason"), _get(c, "logprobs")))
        if not choices:
            raise TeacherError("gave_up", f"{self.name} answered without choices")
        usage = _get(response, "usage")
        p = int(_get(usage, "prompt_tokens") or 0)
        q = int(_get(usage, "completion_tokens") or 0)
        return Completion(choices, _get(response, "model") or self.config.model, p, q,
                          self._cost(response, p, q))

    def _cost(self, response: Any, prompt_tokens: int, completion_tokens: int) -> float:
        if self.price is not None:
            return self.price.cost(prompt_tokens, completion_tokens)
        try:
            return float(self.litellm().completion_cost(completion_response=response))
        except Exception:  # a model LiteLLM has no price for
            return 0.0

    def _error(self, exc: Exception) -> Exception:
        """A LiteLLM exception (after its own retries) as a TeacherError / AuthFailed."""
        status = getattr(exc, "status_code", None)
        kind = type(exc).__name__
        message = str(exc)[:300]
        if self._secret:
            message = message.replace(self._secret, "***")
        if status in (401, 403) or kind in ("AuthenticationError", "PermissionDeniedError"):
            env = self.config.api_key_env or "the provider's key variable"
            return AuthFailed(f"{self.name} refused the credentials ({message}); check ${env} "
                              "— stopping before every other call fails the same way")
        if kind == "ContentPolicyViolationError":
            return Refused("content_filter", message)
        if kind == "Timeout" or isinstance(exc, TimeoutError):
            return TeacherError("timeout", message)
        if isinstance(status, int) and status not in RETRY_STATUS:
            return TeacherError(f"http_{status}", message)
        tries = self.config.max_retries + 1
        return TeacherError("gave_up", f"{tries} attempts failed; last: {kind}: {message}")


def _known_price(config: TeacherConfig, prices: dict[str, Price] | None) -> Price | None:
    """The price from the recipe or synthforge's table, or None to ask LiteLLM."""
    table = prices if prices is not None else load_prices(os.environ.get("SYNTHFORGE_PRICES"))
    for model in dict.fromkeys([config.model, config.model.rsplit("/", 1)[-1]]):
        if config.price is not None or model in table or any(
                fnmatch.fnmatchcase(model, p) for p in table):
            return price_for(model, table, config.price)
    return None


def _get(obj: Any, name: str) -> Any:
    """A field of a LiteLLM response object or of a plain dict."""
    if obj is None:
        return None
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


__all__ = ["LiteLLMTeacher"]
