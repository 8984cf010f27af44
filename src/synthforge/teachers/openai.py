"""A client for OpenAI-compatible endpoints (OpenAI, vLLM, SGLang, llama.cpp, Ollama, TGI).

One event loop; a request is sent as soon as a slot of the adaptive limit frees (never
batch-and-wait; the very first goes alone, see limits.py); identical requests in flight at
once are sent once (with the cache on); retries with exponential backoff and jitter on 429,
5xx, timeouts, broken connections and malformed bodies; no retry on 400/404; a 401/403 stops
the run. The hot path is lean: one orjson encode, one aiohttp POST, one orjson decode.
"""

from __future__ import annotations

import asyncio
import os
import random
import weakref
from typing import Any

import aiohttp
import orjson

from synthforge.teachers import structured
from synthforge.teachers.cache import Cache, cache_key
from synthforge.teachers.config import TeacherConfig
from synthforge.teachers.limits import AdaptiveLimit, TokenBucket
from synthforge.teachers.pricing import Price, load_prices, price_for
from synthforge.teachers.types import AuthFailed, Choice, Completion, Refused, Request, TeacherError

RETRY_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 520, 522, 524})
BACKOFF_BASE, BACKOFF_CAP = 0.5, 30.0
# per event loop, then per (kind, endpoint, model): the limit and the buckets. Weak keys: a
# finished loop's state goes with it (keyed by id(), a new loop could inherit a dead one's
# halved limit or pause, since ids are reused).
_shared: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple[str, ...], Any]] = (
    weakref.WeakKeyDictionary())


def _per_loop(kind: str, config: TeacherConfig, make: Any) -> Any:
    state = _shared.setdefault(asyncio.get_running_loop(), {})
    key = (kind, config.base_url, config.model)
    if key not in state:
        state[key] = make()
    return state[key]


class OpenAITeacher:
    """An OpenAI-compatible endpoint with flow control, retries, cache and cost."""

    def __init__(self, config: TeacherConfig, *, cache: Cache | None = None,
                 cache_mode: str = "use", prices: dict[str, Price] | None = None):
        self.config = config
        self.name = f"{config.model}@{config.base_url}"
        self.cache = cache if cache_mode != "off" else None
        self.cache_mode = cache_mode
        if prices is None:
            prices = load_prices(os.environ.get("SYNTHFORGE_PRICES"))
        self.price = price_for(config.model, prices, config.price)
        key = config.api_key()
        self._secret = key or None  # only to scrub it from error messages
        self._headers = {"Content-Type": "application/json", **config.headers}
        if key:
            self._headers["Authorization"] = f"Bearer {key}"
        path = "/chat/completions" if config.endpoint == "chat" else "/completions"
        self._url = config.base_url + path
        self._params = config.params()
        self._identity = config.identity()
        self._session: aiohttp.ClientSession | None = None
        self._timeout = aiohttp.ClientTimeout(total=config.timeout)
        self._json_schema_ok = config.structured != "instructions"
        self._inflight: dict[str, asyncio.Future[dict[str, Any]]] = {}  # cache key -> answer
        self._auth: AuthFailed | None = None  # once refused, every call fails without sending
        self._closed = False
        self.calls = 0  # requests sent (retries included)

    # -- plumbing ---------------------------------------------------------------------------
    def _limit(self) -> AdaptiveLimit:
        c = self.config
        return _per_loop("limit", c, lambda: AdaptiveLimit(c.concurrency, probe=True))

    def _buckets(self) -> tuple[TokenBucket | None, TokenBucket | None]:
        c = self.config
        return _per_loop("buckets", c, lambda: (TokenBucket(c.rpm) if c.rpm else None,
                                                TokenBucket(c.tpm) if c.tpm else None))

    def _http(self) -> aiohttp.ClientSession:
        if self._closed:
            raise TeacherError("closed", f"the client for {self.name} is closed")
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=0, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(connector=connector, headers=self._headers)
        return self._session

    async def close(self) -> None:
        self._closed = True
        if self._session is not None:
            await self._session.close()
            self._session = None

    # -- the request body -------------------------------------------------------------------
    def body(self, request: Request, *, schema_mode: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"model": self.config.model}
        if self.config.endpoint == "chat":
            body["messages"] = request.messages or [{"role": "user",
                                                     "content": request.prompt or ""}]
        else:
            body["prompt"] = request.prompt if request.prompt is not None else "\n".join(
                str(m.get("content", "")) for m in request.messages or [])
        body.update(self._params)
        body.update(request.params)
        if request.sample and isinstance(body.get("seed"), int):
            body["seed"] += request.sample  # seeded samples of one prompt must differ
        if request.schema is not None:
            mode = schema_mode or ("json_schema" if self._json_schema_ok else "instructions")
            if mode == "json_schema":
                body["response_format"] = structured.response_format(request.schema)
            elif body.get("messages") is not None:
                body["messages"] = [*body["messages"], {
                    "role": "user", "content": structured.instructions(request.schema)}]
            else:
                body["prompt"] += "\n\n" + structured.instructions(request.schema)
        return body

    # -- one request, answered ---------------------------------------------------------------
    async def complete(self, request: Request) -> Completion:
        body = self.body(request)
        try:
            completion = await self._cached_call(body, request)
        except TeacherError as exc:
            if (request.schema is None or "response_format" not in body
                    or self.config.structured != "auto"
                    or exc.kind not in ("http_400", "http_422")):
                raise
            self._json_schema_ok = False  # the server has no json_schema: ask in words
            body = self.body(request, schema_mode="instructions")
            completion = await self._cached_call(body, request)
        self._refuse_unusable(completion)  # a cut answer is finish_length, not a parse error
        if request.schema is not None:
            completion = await self._structured(completion, body, request)
        return completion

    async def _cached_call(self, body: dict[str, Any], request: Request) -> Completion:
        """The answer from the cache, from an identical request in flight, or sent."""
        if self.cache is None:
            return self._completion(*await self._call(body))
        key = cache_key(self._identity, {"body": body, "sample": request.sample})
        if self.cache_mode == "use":
            hit = self.cache.get(key)
            if hit is not None:
                return _from_cache(hit)
        while (leader := self._inflight.get(key)) is not None:
            try:  # the same request is on its way: share its answer, pay once
                return _from_cache(await asyncio.shield(leader))
            except asyncio.CancelledError:
                if not leader.cancelled():
                    raise  # this call was cancelled, not the one it waited for
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            completion = self._completion(*await self._call(body))
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no warning when nobody else waited
            raise
        finally:
            del self._inflight[key]
        value = _to_cache(completion)
        self.cache.put(key, self.config.model, value)
        future.set_result(value)
        return completion

    async def _structured(self, completion: Completion, body: dict[str, Any],
                          request: Request) -> Completion:
        """Parse every choice; one repair request for a choice that does not parse."""
        assert request.schema is not None
        for i, choice in enumerate(completion.choices):
            try:
                choice.parsed = structured.parse(choice.text, request.schema)
                continue
            except ValueError as exc:
                error = str(exc)
            if "messages" not in body:
                raise Refused("parse_error", error, raw=choice.text, completion=completion)
            repair = {**body, "n": 1, "messages": [
                *body["messages"], {"role": "assistant", "content": choice.text},
                {"role": "user", "content": structured.repair_message(error)}]}
            fixed = await self._cached_call(repair, Request(sample=request.sample * 1000 + i))
            completion.prompt_tokens += fixed.prompt_tokens  # paid, whatever it says
            completion.completion_tokens += fixed.completion_tokens
            completion.cost += fixed.cost
            self._refuse_unusable(completion, fixed.choices)
            try:
                parsed = structured.parse(fixed.text, request.schema)
            except ValueError as exc:
                raise Refused("parse_error", str(exc), raw=fixed.text,
                              completion=completion) from None
            completion.choices[i] = Choice(fixed.text, fixed.choices[0].finish_reason,
                                           fixed.choices[0].logprobs, parsed)
        return completion

    def _refuse_unusable(self, completion: Completion,
                         choices: list[Choice] | None = None) -> None:
        """Refused if a choice was cut at max_tokens or filtered (the answer goes along)."""
        for choice in choices or completion.choices:
            if choice.finish_reason == "length":
                raise Refused("finish_length", "the answer was cut at max_tokens",
                              raw=choice.text, completion=completion)
            if choice.finish_reason == "content_filter":
                raise Refused("content_filter", "the provider filtered the answer",
                              raw=choice.text, completion=completion)

    # -- HTTP with retries -------------------------------------------------------------------
    async def _call(self, body: dict[str, Any]) -> tuple[dict[str, Any], int]:
        payload = orjson.dumps(body)
        rpm, tpm = self._buckets()
        estimate = len(payload) / 4 + (body.get("max_tokens") or 256) * body.get("n", 1)
        limit, timeout, last = self._limit(), self._timeout, "no attempt"
        tries = self.config.max_retries + 1
        for attempt in range(1, tries + 1):
            if rpm is not None:
                await rpm.take(1)
            if tpm is not None:
                await tpm.take(estimate)
            await limit.acquire()
            status, raw, retry_after = 0, b"", None
            try:
                if self._auth is not None:  # refused already: do not send again
                    raise AuthFailed(str(self._auth))
                session = self._http()
                self.calls += 1
                async with session.post(self._url, data=payload, timeout=timeout) as resp:
                    status, raw = resp.status, await resp.read()
                    retry_after = resp.headers.get("Retry-After")
            except TimeoutError:
                last = f"timeout after {self.config.timeout:g} s"
            except aiohttp.ClientError as exc:
                last = self._redact(f"connection: {type(exc).__name__}: {exc}")
            finally:
                limit.release()
            if status:
                limit.record(status in (429, 503), _seconds(retry_after))
            if status == 200:
                try:
                    data = orjson.loads(raw)
                    if not data["choices"]:
                        raise IndexError("no choices")
                    return data, attempt
                except (orjson.JSONDecodeError, KeyError, IndexError, TypeError):
                    last = f"malformed response: {raw[:120]!r}"
            elif status:
                last = self._status_error(status, raw)
            if attempt < tries:
                await asyncio.sleep(_delay(attempt, retry_after))
        kind = "timeout" if last.startswith("timeout") else "gave_up"
        raise TeacherError(kind, f"{tries} attempts failed; last: {last}")

    def _status_error(self, status: int, raw: bytes) -> str:
        message = self._redact(_error_message(raw))
        if status in (401, 403):
            env = self.config.api_key_env or "(no key configured)"
            self._auth = AuthFailed(
                f"{self._url} answered {status} ({message}); check the API key in ${env} — "
                "stopping before every other call fails the same way")
            raise self._auth
        if status not in RETRY_STATUS:
            raise TeacherError(f"http_{status}", message)
        return f"HTTP {status}: {message}"

    def _redact(self, text: str) -> str:
        """`text` without the API key (some servers echo what they were sent)."""
        return text.replace(self._secret, "***") if self._secret else text

    def _completion(self, data: dict[str, Any], attempts: int) -> Completion:
        chat = self.config.endpoint == "chat"
        choices = []
        for c in data.get("choices") or []:
            text = ((c.get("message") or {}).get("content") if chat else c.get("text")) or ""
            choices.append(Choice(text, c.get("finish_reason"), c.get("logprobs")))
        usage = data.get("usage") or {}
        p, q = int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)
        return Completion(choices, data.get("model") or self.config.model, p, q,
                          self.price.cost(p, q), cached=False, attempts=attempts)


def _delay(attempt: int, retry_after: str | None) -> float:
    told = _seconds(retry_after)
    if told is not None:
        return told
    return random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1)))


def _seconds(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _error_message(raw: bytes) -> str:
    try:
        body = orjson.loads(raw)
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, dict):
            return str(error.get("message") or error)[:300]
        return str(error or body)[:300]
    except orjson.JSONDecodeError:
        return raw[:300].decode("utf-8", "replace")


def _to_cache(c: Completion) -> dict[str, Any]:
    return {"choices": [[x.text, x.finish_reason, x.logprobs, x.parsed] for x in c.choices],
            "model": c.model, "prompt_tokens": c.prompt_tokens,
            "completion_tokens": c.completion_tokens, "cost": c.cost}


def _from_cache(hit: dict[str, Any]) -> Completion:
    return Completion([Choice(*c) for c in hit["choices"]], hit["model"],
                      hit["prompt_tokens"], hit["completion_tokens"], 0.0, cached=True,
                      attempts=0)
