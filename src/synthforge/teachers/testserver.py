"""A local OpenAI-compatible server for tests, benchmarks and dry runs of recipes.

    with TestServer(latency="lognormal:0.2:0.1", faults=Faults(rate_429=0.1)) as server:
        ...  # point a client at server.url; server.stats() counts what happened

Answers are made up but deterministic: a hash of the model, the messages (or the prompt),
the request's `seed` and the choice index picks words from a fixed vocabulary, so the same
request always gets the same text and different prompts get different texts. With a JSON
schema in `response_format` the answer is an instance of the schema. Tokens are estimated
as one per 4 characters, rounded up (OpenAI's rule of thumb): `max_tokens` cuts the text at
`4 * max_tokens` characters.

It speaks HTTP/1.1 itself on asyncio (keep-alive, pipelining, chunked request bodies,
`Expect: 100-continue`): that costs about half the CPU per request of a web framework, and
gives fault injection full control of the wire. Latency is an `asyncio.sleep`, never a
blocking call. Run it in a background thread (`with TestServer(...)`), in the running loop
(`async with TestServer(...)`), or in its own process for benchmarks (`start_process`), so
that client and server do not share a GIL.
"""

from __future__ import annotations

import asyncio
import functools
import hmac
import itertools
import logging
import math
import os
import pickle
import queue
import random
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import orjson
import xxhash

from synthforge.teachers.testserver_faults import FaultPicker, Faults, Gate, Latency

logger = logging.getLogger(__name__)

__all__ = ["Faults", "Latency", "ServerProcess", "TestServer", "estimate_tokens",
           "schema_instance", "serve", "start_process"]

CHARS_PER_TOKEN = 4
MAX_HEAD, MAX_BODY = 64 * 1024, 64 * 1024 * 1024
MAX_DEPTH = 8  # schema nesting below which only required properties and minItems are made
_VOCAB_TEXT = """
able about above across action active actual adapt advice after again agent ahead allow
almost along already always amount angle answer apply area argue around arrive artist aspect
assume attach author avoid aware balance basic battle beach become before begin behind below
benefit better beyond bird blend board border bottom brain branch bread bridge brief bright
bring broad budget build button cable camera campus canal candle carbon career carry castle
cause center chain chance change chapter charge check choice circle claim class clean clear
climb clock close cloud coast coffee color common copper corner cotton count course cover
craft create credit crisp cross crowd curve cycle daily dance data debate decide deep define
degree delta demand design detail device dialog direct doctor domain double draft dream drive
early earth easy echo edge effect effort eight either energy engine enough entry equal error
event exact example expand expert fabric factor fair fall family famous farm fast feature
field figure final find finger first flame flight float floor flow focus follow force forest
format forward frame fresh friend front fruit future galaxy garden gather gentle giant global
gold grace grain graph green ground group growth guide habit harbor harvest health heart
heavy height helpful hidden history honest horizon human humble idea image impact index
inner input island issue item journey judge kernel kind kitchen label ladder language large
layer leader learn level light limit linear liquid listen little local logic lunar machine
magnet major manner margin market master matter meadow measure medium memory method middle
mirror model modern moment motion mountain music narrow native nature network neutral noble
normal notice number object ocean office open option orange orbit order origin output owner
paper parent partner pattern peace pencil people pepper perfect period phrase picture pilot
planet plastic point policy portal power practice prefer press prime prism profile proof
proper public purple puzzle quality quantum quick quiet radio random rapid rather reach ready
reason record region relay remote repeat report result river robust rocket route ruler safety
sample scale scene school screen season second select sensor series shadow shape share shell
signal silver simple single sketch smooth social solar solid source space spark speech sphere
spring square stable stage standard status steady stone story stream street strong studio
style summer sunset supply switch symbol system table talent target teacher theory thread
timber token topic tower trace track trade travel tribe true tunnel unique unit update useful
valley value vector velvet verify vessel video vision visit voice volume wander water wave
wealth window winter wisdom wonder world yellow young zenith
"""
VOCAB = tuple(_VOCAB_TEXT.split())  # the words answers are made of
_PIECE = re.compile(r"\s*\S{1,16}|\s+")
_REASONS = {100: "Continue", 200: "OK", 400: "Bad Request", 401: "Unauthorized",
            404: "Not Found", 405: "Method Not Allowed", 413: "Payload Too Large",
            429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"}
_JSON, _SSE = b"application/json", b"text/event-stream"


def estimate_tokens(text: str) -> int:
    """Tokens in `text`, estimated as one per 4 characters, rounded up."""
    return -(-len(text) // CHARS_PER_TOKEN)


# ---------------------------------------------------------------------------------------------
# Schema instances


def schema_instance(schema: Any, rng: random.Random) -> Any:
    """A value valid for a JSON schema, drawn with `rng`.

    Honours types, `enum`, `const`, local `$ref`, `anyOf`/`oneOf` (the first non-null branch),
    `allOf`, `required`, bounds of numbers, strings, arrays and objects, `multipleOf`,
    `uniqueItems` and common `format`s; not `pattern`, `not` or `if`/`then`.
    """
    return _make(schema, schema, rng, 0)


def _make(schema: Any, root: Any, rng: random.Random, depth: int) -> Any:
    if depth > 4 * MAX_DEPTH:
        raise ValueError("the schema recurses too deep (a required property refers to itself?)")
    if not isinstance(schema, dict):
        return _words(rng, 1, 3)  # `true` or a missing schema: anything goes
    if "$ref" in schema:
        rest = {k: v for k, v in schema.items() if k != "$ref"}
        return _make(_merge(_resolve(root, schema["$ref"]), rest), root, rng, depth)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return rng.choice(schema["enum"])
    if "allOf" in schema:
        merged = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema["allOf"]:
            merged = _merge(merged, _resolve(root, part["$ref"]) if "$ref" in part else part)
        return _make(merged, root, rng, depth)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            rest = {k: v for k, v in schema.items() if k != key}
            return _make(_merge(rest, _branch(schema[key])), root, rng, depth)
    return _MAKERS[_type_of(schema)](schema, root, rng, depth)


def _resolve(root: Any, ref: str) -> Any:
    if not ref.startswith("#"):
        raise ValueError(f"only local $ref (#/...) is supported, not {ref!r}")
    node = root
    for part in filter(None, ref[1:].split("/")):
        part = part.replace("~1", "/").replace("~0", "~")
        try:
            node = node[int(part)] if isinstance(node, list) else node[part]
        except (KeyError, IndexError, ValueError, TypeError):
            raise ValueError(f"$ref {ref!r} points nowhere") from None
    return node


def _merge(base: dict[str, Any], extra: Any) -> dict[str, Any]:
    if not isinstance(extra, dict):
        return base
    merged = {**base, **extra}
    if "properties" in base and "properties" in extra:
        merged["properties"] = {**base["properties"], **extra["properties"]}
    if "required" in base and "required" in extra:
        merged["required"] = list(dict.fromkeys([*base["required"], *extra["required"]]))
    return merged


def _branch(options: list[Any]) -> Any:
    for option in options:
        if not (isinstance(option, dict) and option.get("type") == "null"):
            return option
    return options[0] if options else {}


def _type_of(schema: dict[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), kind[0] if kind else None)
    if kind in _MAKERS:
        return kind
    if {"properties", "required", "additionalProperties"} & schema.keys():
        return "object"
    if {"items", "prefixItems", "minItems"} & schema.keys():
        return "array"
    if {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"} & schema.keys():
        return "number"
    return "string"


def _object(schema: dict[str, Any], root: Any, rng: random.Random, depth: int) -> Any:
    props: dict[str, Any] = schema.get("properties", {})
    required = list(schema.get("required", ()))
    extra = schema.get("additionalProperties", {})
    extra = extra if isinstance(extra, dict) else {}
    keys = [k for k in props if depth < MAX_DEPTH or k in required]
    out = {k: _make(props[k], root, rng, depth + 1) for k in keys}
    for key in required:
        if key not in out:
            out[key] = _make(extra, root, rng, depth + 1)
    if schema.get("additionalProperties", True) is not False:
        while len(out) < schema.get("minProperties", 0):
            out[f"{rng.choice(VOCAB)}_{len(out)}"] = _make(extra, root, rng, depth + 1)
    return out


def _array(schema: dict[str, Any], root: Any, rng: random.Random, depth: int) -> Any:
    prefix, items = schema.get("prefixItems", []), schema.get("items", {})
    if isinstance(items, list):  # draft 4-7 tuples
        prefix, items = items, schema.get("additionalItems", {})
    low = schema.get("minItems", 0)
    high = schema.get("maxItems", low + 3)
    if items is False:
        high = min(high, len(prefix))
    start = min(max(low, 1), high)
    count = low if depth >= MAX_DEPTH else rng.randint(start, max(start, min(high, start + 2)))
    out: list[Any] = []
    seen: set[bytes] = set()
    for i in range(count):
        item_schema = prefix[i] if i < len(prefix) else items
        value = _make(item_schema, root, rng, depth + 1)
        for _ in range(20 if schema.get("uniqueItems") else 0):
            if orjson.dumps(value, option=orjson.OPT_SORT_KEYS) not in seen:
                break
            value = _make(item_schema, root, rng, depth + 1)
        seen.add(orjson.dumps(value, option=orjson.OPT_SORT_KEYS))
        out.append(value)
    return out


def _string(schema: dict[str, Any], root: Any, rng: random.Random, depth: int) -> Any:
    make = _FORMATS.get(schema.get("format", ""))
    text = make(rng) if make else _words(rng, 1, 3)
    while len(text) < schema.get("minLength", 0):
        text += " " + rng.choice(VOCAB)
    return text[: schema["maxLength"]] if "maxLength" in schema else text


def _bounds(schema: dict[str, Any], integer: bool) -> tuple[float, float]:
    low, high = schema.get("minimum"), schema.get("maximum")
    xlow, xhigh = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if xlow is True:  # draft 4: a flag on minimum
        low, xlow = None, low
    if xhigh is True:
        high, xhigh = None, high
    gap = 1 if integer else 1e-6
    if isinstance(xlow, int | float) and not isinstance(xlow, bool):
        low = max(low, xlow + gap) if low is not None else xlow + gap
    if isinstance(xhigh, int | float) and not isinstance(xhigh, bool):
        high = min(high, xhigh - gap) if high is not None else xhigh - gap
    low = low if low is not None else (high - 100 if high is not None else 0)
    high = high if high is not None else low + 100
    return (math.ceil(low), math.floor(high)) if integer else (low, high)


def _number(schema: dict[str, Any], root: Any, rng: random.Random, depth: int) -> Any:
    integer = schema.get("type") == "integer" or (
        isinstance(schema.get("type"), list) and "integer" in schema["type"])
    low, high = _bounds(schema, integer)
    step = schema.get("multipleOf")
    if step:
        for k in (rng.randint(math.ceil(low / step), math.floor(high / step)),
                  math.ceil(low / step), 0):
            value = k * step
            exact = isinstance(step, int) or value / step == int(value / step)
            if low <= value <= high and exact:
                return value
    if integer:
        return rng.randint(int(low), int(high))
    value = round(rng.uniform(low, high), 2)
    return value if low <= value <= high else low


_MAKERS: dict[str, Callable[[dict[str, Any], Any, random.Random, int], Any]] = {
    "object": _object, "array": _array, "string": _string, "integer": _number,
    "number": _number, "boolean": lambda s, r, rng, d: rng.random() < 0.5,
    "null": lambda s, r, rng, d: None,
}


def _date(rng: random.Random) -> str:
    return f"20{rng.randint(10, 29)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _time(rng: random.Random) -> str:
    return f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z"


_FORMATS: dict[str, Callable[[random.Random], str]] = {
    "date": _date,
    "time": _time,
    "date-time": lambda rng: f"{_date(rng)}T{_time(rng)}",
    "email": lambda rng: f"{rng.choice(VOCAB)}.{rng.choice(VOCAB)}@example.com",
    "uri": lambda rng: f"https://example.com/{rng.choice(VOCAB)}",
    "url": lambda rng: f"https://example.com/{rng.choice(VOCAB)}",
    "hostname": lambda rng: f"{rng.choice(VOCAB)}.example.com",
    "ipv4": lambda rng: ".".join(str(rng.randint(1, 254)) for _ in range(4)),
    "uuid": lambda rng: str(uuid.UUID(int=rng.getrandbits(128), version=4)),
}


def _words(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choices(VOCAB, k=rng.randint(low, high)))


# ---------------------------------------------------------------------------------------------
# Requests and answers


class InvalidRequest(ValueError):
    """A request the server refuses with 400, naming the parameter."""

    def __init__(self, message: str, param: str | None = None):
        super().__init__(message)
        self.param = param


@dataclass(slots=True)
class Job:
    """What a completion request asks for, checked."""

    kind: str  # "chat" or "completion"
    model: str
    prompts: list[bytes]  # what each answer derives from (one per completion prompt)
    prompt_texts: list[str]
    prompt_tokens: int
    n: int = 1
    max_tokens: int | None = None
    stop: tuple[str, ...] = ()
    seed: int = 0
    schema: Any = None  # a JSON schema, or {} for json_object
    stream: bool = False
    include_usage: bool = False
    logprobs: int | None = None  # None: no logprobs; k: with k alternatives per token
    echo: bool = False


@dataclass(slots=True)
class Answer:
    index: int
    text: str
    finish_reason: str
    seed: int  # for logprobs


def parse_job(kind: str, body: bytes, default_model: str) -> Job:
    """The job of a /v1/chat/completions ("chat") or /v1/completions request body."""
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise InvalidRequest(f"the request body is not valid JSON: {exc}") from None
    if not isinstance(payload, dict):
        raise InvalidRequest("the request body must be a JSON object")
    model = payload.get("model") or default_model
    if not isinstance(model, str):
        raise InvalidRequest("model must be a string", "model")
    job = (_chat_prompts if kind == "chat" else _completion_prompts)(payload, model)
    job.n = _int(payload, "n", 1, 1, 128) or 1
    job.max_tokens = _int(payload, "max_completion_tokens", None, 1) or _int(
        payload, "max_tokens", None, 1)
    job.stop = _stop(payload.get("stop"))
    job.seed = _int(payload, "seed", 0, -(2**63), 2**64) or 0
    job.schema = _schema(payload.get("response_format"))
    job.stream = payload.get("stream") is True
    job.include_usage = bool((payload.get("stream_options") or {}).get("include_usage"))
    return job


def _chat_prompts(payload: dict[str, Any], model: str) -> Job:
    messages = payload.get("messages")
    if not isinstance(messages, list) or not messages or not all(
            isinstance(m, dict) and "role" in m for m in messages):
        raise InvalidRequest("messages must be a non-empty list of {role, content}", "messages")
    texts = [_content_text(m.get("content")) for m in messages]
    key = model.encode() + b"\0" + orjson.dumps(messages, option=orjson.OPT_SORT_KEYS)
    top = _int(payload, "top_logprobs", 0, 0, 20) or 0
    logprobs = top if payload.get("logprobs") is True else None
    return Job("chat", model, [key], texts, estimate_tokens("".join(texts)), logprobs=logprobs)


def _completion_prompts(payload: dict[str, Any], model: str) -> Job:
    prompt = payload.get("prompt")
    prompts = [prompt] if isinstance(prompt, str) else prompt
    if not isinstance(prompts, list) or not prompts or not all(isinstance(p, str)
                                                               for p in prompts):
        raise InvalidRequest("prompt must be a string or a non-empty list of strings", "prompt")
    keys = [model.encode() + b"\0" + p.encode() for p in prompts]
    tokens = sum(estimate_tokens(p) for p in prompts)
    job = Job("completion", model, keys, prompts, tokens, echo=payload.get("echo") is True)
    job.logprobs = _int(payload, "logprobs", None, 0, 20)
    return job


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def _int(payload: dict[str, Any], name: str, default: int | None, low: int,
         high: int | None = None) -> int | None:
    value = payload.get(name, default)
    if value is None:
        return default
    if not isinstance(value, int) or isinstance(value, bool) or value < low or (
            high is not None and value > high):
        bounds = f">= {low}" if high is None else f"between {low} and {high}"
        raise InvalidRequest(f"{name} must be an integer {bounds}, not {value!r}", name)
    return value


def _stop(stop: Any) -> tuple[str, ...]:
    if stop is None:
        return ()
    stops = [stop] if isinstance(stop, str) else stop
    if not isinstance(stops, list) or not all(isinstance(s, str) and s for s in stops):
        raise InvalidRequest("stop must be a string or a list of non-empty strings", "stop")
    return tuple(stops)


def _schema(fmt: Any) -> Any:
    if fmt is None or (isinstance(fmt, dict) and fmt.get("type") == "text"):
        return None
    if isinstance(fmt, dict) and fmt.get("type") == "json_object":
        return {}
    if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
        spec = fmt.get("json_schema")
        if isinstance(spec, dict) and isinstance(spec.get("schema"), dict | bool):
            return spec["schema"]
        raise InvalidRequest("response_format.json_schema.schema must be a JSON schema",
                             "response_format")
    raise InvalidRequest("response_format.type must be text, json_object or json_schema",
                         "response_format")


def answer(job: Job, words: tuple[int, int]) -> list[Answer]:
    """The job's choices: `n` per prompt, each a pure function of the request."""
    answers = []
    for p, key in enumerate(job.prompts):
        base = xxhash.xxh3_64_intdigest(key, job.seed & 0xFFFF_FFFF_FFFF_FFFF)
        for i in range(job.n):
            seed = xxhash.xxh3_64_intdigest(struct.pack("<QQ", base, i))
            text, finish = _cut(_text(job, random.Random(seed), words), job.stop, job.max_tokens)
            if job.echo:
                text = job.prompt_texts[p] + text
            answers.append(Answer(p * job.n + i, text, finish, seed))
    return answers


def _text(job: Job, rng: random.Random, words: tuple[int, int]) -> str:
    if job.schema == {}:
        return orjson.dumps({"answer": _words(rng, *words)}).decode()
    if job.schema is not None:
        try:
            return orjson.dumps(schema_instance(job.schema, rng)).decode()
        except (ValueError, TypeError, KeyError, IndexError) as exc:
            raise InvalidRequest(f"response_format schema: {exc}", "response_format") from None
    text = _words(rng, *words)
    return text[0].upper() + text[1:] + "."


def _cut(text: str, stop: tuple[str, ...], max_tokens: int | None) -> tuple[str, str]:
    for s in stop:
        at = text.find(s)
        if at >= 0:
            text = text[:at]
    if max_tokens is not None and estimate_tokens(text) > max_tokens:
        return text[: max_tokens * CHARS_PER_TOKEN], "length"
    return text, "stop"


def _logprobs(kind: str, text: str, seed: int, top: int) -> dict[str, Any]:
    rng = random.Random(seed + 1)
    tokens = _PIECE.findall(text)
    values = [-round(rng.random() * 2, 4) for _ in tokens]
    alternatives = [[(rng.choice(VOCAB), round(v - rng.random() - 0.1, 4)) for _ in range(top)]
                    for v in values]
    if kind == "completion":
        offsets = list(itertools.accumulate((len(t) for t in tokens[:-1]), initial=0))
        return {"tokens": tokens, "token_logprobs": values,
                "top_logprobs": [dict([(t, v), *alts]) for t, v, alts in
                                 zip(tokens, values, alternatives, strict=True)] if top else None,
                "text_offset": offsets if tokens else []}
    return {"content": [{"token": t, "logprob": v, "bytes": list(t.encode()),
                         "top_logprobs": [{"token": a, "logprob": av, "bytes": list(a.encode())}
                                          for a, av in alts]}
                        for t, v, alts in zip(tokens, values, alternatives, strict=True)],
            "refusal": None}


def _usage(job: Job, answers: list[Answer]) -> dict[str, int]:
    completion = sum(estimate_tokens(a.text) for a in answers)
    return {"prompt_tokens": job.prompt_tokens, "completion_tokens": completion,
            "total_tokens": job.prompt_tokens + completion}


def _header(job: Job, answers: list[Answer], chunk: bool = False) -> dict[str, Any]:
    prefix = "chatcmpl-" if job.kind == "chat" else "cmpl-"
    obj = ("chat.completion.chunk" if chunk else "chat.completion") if job.kind == "chat" \
        else "text_completion"
    return {"id": f"{prefix}{answers[0].seed:016x}", "object": obj, "created": int(time.time()),
            "model": job.model, "system_fingerprint": "fp_synthforge"}


def render(job: Job, answers: list[Answer]) -> dict[str, Any]:
    """The response object of a non-streaming request."""
    choices = []
    for a in answers:
        lp = None if job.logprobs is None else _logprobs(job.kind, a.text, a.seed, job.logprobs)
        if job.kind == "chat":
            choices.append({"index": a.index, "message": {"role": "assistant", "content": a.text,
                                                          "refusal": None},
                            "logprobs": lp, "finish_reason": a.finish_reason})
        else:
            choices.append({"text": a.text, "index": a.index, "logprobs": lp,
                            "finish_reason": a.finish_reason})
    return {**_header(job, answers), "choices": choices, "usage": _usage(job, answers)}


def render_stream(job: Job, answers: list[Answer]) -> list[bytes]:
    """The server-sent events of a streaming request, `data: [DONE]` last."""
    header = _header(job, answers, chunk=True)
    if job.include_usage:
        header["usage"] = None
    events = []
    for a in answers:
        pieces = _PIECE.findall(a.text)
        if job.kind == "chat":
            deltas = [{"role": "assistant", "content": ""}, *({"content": p} for p in pieces)]
            choices = [{"index": a.index, "delta": d, "logprobs": None, "finish_reason": None}
                       for d in deltas]
            choices.append({"index": a.index, "delta": {}, "logprobs": None,
                            "finish_reason": a.finish_reason})
        else:
            choices = [{"text": p, "index": a.index, "logprobs": None, "finish_reason": None}
                       for p in pieces]
            choices.append({"text": "", "index": a.index, "logprobs": None,
                            "finish_reason": a.finish_reason})
        events += [orjson.dumps({**header, "choices": [c]}) for c in choices]
    if job.include_usage:
        events.append(orjson.dumps({**header, "choices": [], "usage": _usage(job, answers)}))
    return [b"data: " + e + b"\n\n" for e in events] + [b"data: [DONE]\n\n"]


def error_body(message: str, type_: str, code: str | None = None,
               param: str | None = None) -> bytes:
    """An OpenAI-style error object."""
    return orjson.dumps({"error": {"message": message, "type": type_, "param": param,
                                   "code": code}})


# ---------------------------------------------------------------------------------------------
# HTTP/1.1


@dataclass(slots=True)
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    keep_alive: bool


@dataclass(slots=True)
class _Head:
    method: str
    path: str
    headers: dict[str, str]
    keep_alive: bool
    start: int  # where the body starts in the buffer
    length: int  # -1: chunked
    continued: bool = False


class _HttpError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class Connection(asyncio.Protocol):
    """One client connection: parses requests as bytes arrive and answers them in order."""

    def __init__(self, app: App):
        self.app = app
        self.transport: asyncio.Transport = None  # type: ignore[assignment]
        self.keep_alive = True
        self._buf = bytearray()
        self._head: _Head | None = None
        self._pending: deque[HttpRequest | _HttpError] = deque()
        self._task: asyncio.Task[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.app.connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.app.connections.discard(self)
        if self._task is not None:
            self._task.cancel()

    def data_received(self, data: bytes) -> None:
        self._buf += data
        try:
            while (request := self._next_request()) is not None:
                self._pending.append(request)
        except _HttpError as exc:
            self._pending.append(exc)
            self._buf.clear()
            self.transport.pause_reading()
        if self._pending and self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._serve())

    async def _serve(self) -> None:
        try:
            while self._pending:
                request = self._pending.popleft()
                if isinstance(request, _HttpError):
                    self.keep_alive = False
                    self.send(request.status, error_body(str(request), "invalid_request_error"))
                    break
                self.keep_alive = request.keep_alive
                if not await self._answer(request) or not self.keep_alive:
                    break
            else:
                return
            self.close()
        finally:
            self._task = None

    async def _answer(self, request: HttpRequest) -> bool:
        try:
            return await self.app.handle(request, self)
        except Exception:
            logger.exception("test server: %s %s failed", request.method, request.path)
            self.keep_alive = False
            self.send(500, error_body("internal error of the test server", "server_error"))
            return False

    # -- parsing

    def _next_request(self) -> HttpRequest | None:
        head = self._head or self._parse_head()
        if head is None:
            return None
        self._head = head
        if head.length >= 0:
            end = head.start + head.length
            body = bytes(self._buf[head.start:end]) if len(self._buf) >= end else None
        else:
            body, end = _dechunk(self._buf, head.start)
        if body is None:
            self._maybe_continue(head)
            return None
        del self._buf[:end]
        self._head = None
        return HttpRequest(head.method, head.path, head.headers, body, head.keep_alive)

    def _parse_head(self) -> _Head | None:
        while self._buf[:2] == b"\r\n":
            del self._buf[:2]
        end = self._buf.find(b"\r\n\r\n")
        if end < 0:
            if len(self._buf) > MAX_HEAD:
                raise _HttpError(400, "the request head is too large")
            return None
        lines = self._buf[:end].decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            raise _HttpError(400, f"not an HTTP/1.x request line: {lines[0][:100]!r}")
        method, target, version = parts
        headers = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if not sep:
                raise _HttpError(400, f"bad header line: {line[:100]!r}")
            headers[name.strip().lower()] = value.strip()
        return _Head(method, _path(target), headers, _keep_alive(version, headers), end + 4,
                     _body_length(headers))

    def _maybe_continue(self, head: _Head) -> None:
        if (not head.continued and not self._pending and self._task is None
                and head.headers.get("expect", "").lower() == "100-continue"):
            head.continued = True
            self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")

    # -- answering

    def _start(self, status: int, length: int | None, ctype: bytes, extra: bytes) -> bytes:
        head = b"HTTP/1.1 %d %s\r\nServer: synthforge-testserver\r\nContent-Type: %s\r\n" % (
            status, _REASONS.get(status, "Unknown").encode(), ctype)
        head += (b"Content-Length: %d\r\n" % length if length is not None
                 else b"Transfer-Encoding: chunked\r\n")
        return head + (b"" if self.keep_alive else b"Connection: close\r\n") + extra + b"\r\n"

    def send(self, status: int, body: bytes, extra: bytes = b"", ctype: bytes = _JSON) -> None:
        """Write a whole response."""
        self.transport.write(self._start(status, len(body), ctype, extra) + body)

    async def send_slowly(self, status: int, body: bytes, extra: bytes, delay: float,
                          pieces: int = 4) -> None:
        """Write a response in `pieces`, `delay` seconds apart."""
        self.transport.write(self._start(status, len(body), _JSON, extra))
        size = max(1, -(-len(body) // pieces))
        for i in range(0, len(body), size):
            await asyncio.sleep(delay)
            self.transport.write(body[i:i + size])

    async def send_events(self, events: list[bytes], extra: bytes, delay: float) -> None:
        """Write server-sent events as a chunked response, `delay` seconds apart."""
        chunks = [b"%x\r\n%s\r\n" % (len(e), e) for e in events]
        write = self.transport.write
        write(self._start(200, None, _SSE, extra + b"Cache-Control: no-cache\r\n"))
        if delay <= 0:
            write(b"".join(chunks) + b"0\r\n\r\n")
            return
        for chunk in chunks:
            write(chunk)
            await asyncio.sleep(delay)
        write(b"0\r\n\r\n")

    def reset(self) -> None:
        """Drop the connection with a TCP reset."""
        sock = self.transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.transport.abort()

    def close(self) -> None:
        if not self.transport.is_closing():
            self.transport.close()

    def abort(self) -> asyncio.Task[None] | None:
        """Drop the connection; returns the task answering it, if any."""
        self.transport.abort()
        return self._task


def _path(target: str) -> str:
    if target.startswith(("http://", "https://")):  # absolute form
        target = "/" + target.split("/", 3)[3] if target.count("/") >= 3 else "/"
    return target.split("?", 1)[0]


def _keep_alive(version: str, headers: dict[str, str]) -> bool:
    connection = headers.get("connection", "").lower()
    if version == "HTTP/1.0":
        return "keep-alive" in connection
    return "close" not in connection


def _body_length(headers: dict[str, str]) -> int:
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return -1
    try:
        length = int(headers.get("content-length", "0"))
    except ValueError:
        raise _HttpError(400, "bad Content-Length") from None
    if length < 0:
        raise _HttpError(400, "bad Content-Length")
    if length > MAX_BODY:
        raise _HttpError(413, f"the request body is larger than {MAX_BODY} bytes")
    return length


def _dechunk(buf: bytearray, pos: int) -> tuple[bytes | None, int]:
    """A chunked body starting at `pos` and where it ends, or (None, 0) if incomplete."""
    parts = []
    while True:
        eol = buf.find(b"\r\n", pos)
        if eol < 0:
            return None, 0
        try:
            size = int(bytes(buf[pos:eol]).split(b";", 1)[0], 16)
        except ValueError:
            raise _HttpError(400, "bad chunk size") from None
        if size == 0:
            end = buf.find(b"\r\n\r\n", eol)  # the end of the (usually empty) trailers
            return (b"".join(parts), end + 4) if end >= 0 else (None, 0)
        if len(buf) < eol + 2 + size + 2:
            return None, 0
        parts.append(bytes(buf[eol + 2:eol + 2 + size]))
        pos = eol + 2 + size + 2


# ---------------------------------------------------------------------------------------------
# The application


@dataclass
class Stats:
    """What the server has seen since it started (or since the last reset)."""

    requests: int = 0
    by_status: Counter[int] = field(default_factory=Counter)
    by_path: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    capacity_rejections: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    started: float = field(default_factory=time.monotonic)
    cpu_started: float = field(default_factory=time.process_time)


class App:
    """Routes requests; applies auth, capacity, faults and latency to completions."""

    def __init__(self, *, latency: Latency, gate: Gate, picker: FaultPicker,
                 api_key: str | None, model: str, words: tuple[int, int], chunk_delay: float,
                 seed: int):
        self.latency, self.gate, self.picker = latency, gate, picker
        self.faults = picker.faults
        self.api_key, self.model, self.words = api_key, model, words
        self.chunk_delay = chunk_delay
        self.rng = random.Random(seed)
        self.stats = Stats()
        self.connections: set[Connection] = set()
        self.routes: dict[str, tuple[str, Callable[..., Any]]] = {
            "/v1/chat/completions": ("POST", functools.partial(self.complete, "chat")),
            "/v1/completions": ("POST", functools.partial(self.complete, "completion")),
            "/v1/models": ("GET", self.models),
        }

    async def handle(self, request: HttpRequest, conn: Connection) -> bool:
        """Answer one request; False: the connection is gone (reset)."""
        path = request.path
        if path in ("/stats", "/stats/reset", "/health"):
            return self._admin(request, conn)
        self.stats.requests += 1
        self.stats.by_path[path] += 1
        if self.api_key is not None and path.startswith("/v1/") and not self._authorized(request):
            return self.send_error(conn, 401, "Incorrect or missing API key (Authorization: "
                                   "Bearer ...).", "invalid_request_error", "invalid_api_key")
        method, handler = self.routes.get(path, (None, None))
        if handler is None:
            return self.send_error(conn, 404, f"Unknown path {path}", "invalid_request_error",
                                   "not_found")
        if request.method != method:
            return self.send_error(conn, 405, f"{path} takes {method}, not {request.method}",
                                   "invalid_request_error", "method_not_allowed")
        return await handler(request, conn)

    def _authorized(self, request: HttpRequest) -> bool:
        given = request.headers.get("authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {self.api_key}".encode())

    def _admin(self, request: HttpRequest, conn: Connection) -> bool:
        if request.path == "/stats/reset" and request.method == "POST":
            self.reset()
        elif request.path == "/health":
            conn.send(200, b'{"status":"ok"}')
            return True
        conn.send(200, orjson.dumps(self.snapshot()))
        return True

    def send(self, conn: Connection, status: int, body: bytes, extra: bytes = b"") -> bool:
        self.stats.by_status[status] += 1
        conn.send(status, body, extra)
        return True

    def send_error(self, conn: Connection, status: int, message: str, type_: str,
                   code: str | None = None, param: str | None = None,
                   extra: bytes = b"") -> bool:
        return self.send(conn, status, error_body(message, type_, code, param), extra)

    async def models(self, request: HttpRequest, conn: Connection) -> bool:
        card = {"id": self.model, "object": "model", "created": 1_700_000_000,
                "owned_by": "synthforge"}
        return self.send(conn, 200, orjson.dumps({"object": "list", "data": [card]}))

    async def complete(self, kind: str, request: HttpRequest, conn: Connection) -> bool:
        """A chat or text completion, through the capacity gate."""
        try:
            job = parse_job(kind, request.body, self.model)
        except InvalidRequest as exc:
            return self.send_error(conn, 400, str(exc), "invalid_request_error", None, exc.param)
        if not await self.gate.enter():
            self.stats.capacity_rejections += 1
            return self.send_error(conn, 429, f"The server is at capacity ({self.gate.capacity} "
                                   "requests at once); try again later.", "rate_limit_error",
                                   "capacity_exceeded", extra=self._retry_after())
        try:
            return await self._serve(job, request.body, conn)
        finally:
            self.gate.leave()

    async def _serve(self, job: Job, body: bytes, conn: Connection) -> bool:
        fault = self.picker.pick(body)
        if fault is not None:
            self.stats.faults[fault] += 1
        if fault in ("429", "503"):
            return self._status_fault(conn, fault)
        delay = self.latency.sample(self.rng)
        if delay > 0:
            await asyncio.sleep(delay)
        if fault == "hang":
            await asyncio.sleep(self.faults.hang_seconds)
        elif fault == "reset":
            conn.reset()
            return False
        elif fault == "500":
            return self.send_error(conn, 500, "The server had an error while processing your "
                                   "request (injected fault).", "server_error",
                                   extra=b"X-Synthforge-Fault: 500\r\n")
        try:
            answers = answer(job, self.words)
        except InvalidRequest as exc:
            return self.send_error(conn, 400, str(exc), "invalid_request_error", None, exc.param)
        self.stats.prompt_tokens += job.prompt_tokens
        self.stats.completion_tokens += sum(estimate_tokens(a.text) for a in answers)
        if job.stream:
            return await self._stream(job, answers, conn, fault)
        return await self._reply(render(job, answers), conn, fault)

    def _status_fault(self, conn: Connection, fault: str) -> bool:
        extra = self._retry_after() + b"X-Synthforge-Fault: %s\r\n" % fault.encode()
        if fault == "429":
            return self.send_error(conn, 429, f"Rate limit reached for {self.model} (injected "
                                   "fault); try again later.", "requests",
                                   "rate_limit_exceeded", extra=extra)
        return self.send_error(conn, 503, "The server is overloaded or not ready yet (injected "
                               "fault).", "server_error", "service_unavailable", extra=extra)

    def _retry_after(self) -> bytes:
        seconds = self.faults.retry_after
        return b"Retry-After: %s\r\nRetry-After-Ms: %d\r\n" % (
            f"{seconds:g}".encode(), round(seconds * 1000))

    async def _reply(self, response: dict[str, Any], conn: Connection, fault: str | None) -> bool:
        body = orjson.dumps(response)
        extra = b"" if fault is None else b"X-Synthforge-Fault: %s\r\n" % fault.encode()
        if fault == "malformed":
            body = body.replace(b'"', b"'")
        elif fault == "truncated":
            body = body[: len(body) // 2]
        self.stats.by_status[200] += 1
        if fault == "slow_stream":
            await conn.send_slowly(200, body, extra, self.faults.slow_chunk_delay)
        else:
            conn.send(200, body, extra)
        return True

    async def _stream(self, job: Job, answers: list[Answer], conn: Connection,
                      fault: str | None) -> bool:
        events = render_stream(job, answers)
        extra = b"" if fault is None else b"X-Synthforge-Fault: %s\r\n" % fault.encode()
        if fault == "malformed":
            middle = len(events) // 2
            events[middle] = events[middle].replace(b'"', b"'")
        elif fault == "truncated":
            events = events[: max(1, len(events) // 2)]
        delay = self.faults.slow_chunk_delay if fault == "slow_stream" else self.chunk_delay
        self.stats.by_status[200] += 1
        await conn.send_events(events, extra, delay)
        return True

    def snapshot(self) -> dict[str, Any]:
        """The counters as a JSON-ready dict."""
        s, gate = self.stats, self.gate
        return {
            "requests": s.requests,
            "by_status": {str(k): v for k, v in sorted(s.by_status.items())},
            "by_path": dict(s.by_path),
            "faults": dict(s.faults),
            "in_flight": gate.in_flight, "peak_in_flight": gate.peak,
            "queued": gate.queued, "peak_queued": gate.peak_queued,
            "capacity": gate.capacity, "capacity_rejections": s.capacity_rejections,
            "tokens": {"prompt": s.prompt_tokens, "completion": s.completion_tokens,
                       "total": s.prompt_tokens + s.completion_tokens},
            "uptime_s": round(time.monotonic() - s.started, 3),
            "cpu_s": round(time.process_time() - s.cpu_started, 3),
        }

    def reset(self) -> None:
        """Zero the counters and forget the attempts seen (fault draws start over)."""
        self.stats = Stats()
        self.gate.reset_peaks()
        self.picker.reset()

    async def close_connections(self) -> None:
        tasks = [t for conn in list(self.connections) if (t := conn.abort()) is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


# ---------------------------------------------------------------------------------------------
# Running it


class TestServer:
    """An OpenAI-compatible server on loopback with made-up answers and injected faults.

    `latency`: seconds before each answer (a number, `"uniform:0.1:0.3"`, `"normal:M:SD"`,
    `"lognormal:M:SD"` or a `Latency`). `capacity`: most requests served at once; beyond it a
    429 with Retry-After, or a FIFO wait with `queue=True`. `faults`: see `Faults`. `api_key`:
    if set, /v1 requests need `Authorization: Bearer <key>`. `words`: the range of words in a
    plain-text answer. `chunk_delay`: seconds between streamed chunks. `seed`: latency draws
    and fault draws.
    """

    __test__ = False  # not a pytest test class

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *,
                 latency: Latency | str | float | None = None, capacity: int | None = None,
                 queue: bool = False, faults: Faults | None = None, api_key: str | None = None,
                 model: str = "test-model", words: tuple[int, int] = (8, 64),
                 chunk_delay: float = 0.0, seed: int = 0):
        if not 1 <= words[0] <= words[1]:
            raise ValueError(f"words must be (low, high) with 1 <= low <= high, not {words}")
        self.host, self.port = host, port
        self.app = App(latency=Latency.parse(latency), gate=Gate(capacity, queue),
                       picker=FaultPicker(faults or Faults(), seed), api_key=api_key,
                       model=model, words=words, chunk_delay=chunk_delay, seed=seed)
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._error: BaseException | None = None

    @property
    def url(self) -> str:
        """The base URL, ending in /v1 (what an OpenAI client takes as `base_url`)."""
        return self.root_url + "/v1"

    @property
    def root_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the test server is not running")
        host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(self.host, self.host)
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"

    async def start(self) -> TestServer:
        """Listen in the running event loop."""
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(lambda: Connection(self.app), self.host,
                                                self.port, backlog=4096, reuse_address=True)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        """Stop listening and drop every connection."""
        if self._server is None:
            return
        self._server.close()
        await self.app.close_connections()
        await self._server.wait_closed()
        self._server = None

    async def __aenter__(self) -> TestServer:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def __enter__(self) -> TestServer:
        ready = threading.Event()
        self._thread = threading.Thread(target=asyncio.run, args=(self._run_thread(ready),),
                                        name="synthforge-testserver", daemon=True)
        self._thread.start()
        ready.wait()
        if self._error is not None:
            raise self._error
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(10)
        self._thread = self._loop = None

    async def _run_thread(self, ready: threading.Event) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        try:
            await self.start()
        except BaseException as exc:
            self._error = exc
            return
        finally:
            ready.set()
        await self._stop.wait()
        await self.stop()

    def stats(self) -> dict[str, Any]:
        """The counters: requests, by_status, by_path, faults, in_flight (now and peak), ..."""
        return self._in_loop(self.app.snapshot)

    def reset_stats(self) -> None:
        """Zero the counters and forget the attempts seen (fault draws start over)."""
        self._in_loop(self.app.reset)

    def _in_loop(self, fn: Callable[[], Any]) -> Any:
        if self._loop is None or threading.current_thread() is self._thread:
            return fn()

        async def call() -> Any:
            return fn()

        return asyncio.run_coroutine_threadsafe(call(), self._loop).result(10)


async def serve(server: TestServer, on_ready: Callable[[str], None] | None = None,
                stop: asyncio.Event | None = None) -> None:
    """Run `server` in this loop until SIGINT, SIGTERM or `stop` is set."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError, ValueError):  # Windows, or not main thread
            pass
    async with server:
        if on_ready is not None:
            on_ready(server.url)
        await stop.wait()


class ServerProcess(NamedTuple):
    """A test server in its own process: `url, stop = start_process(...)`."""

    url: str
    stop: Callable[[], None]

    def stats(self) -> dict[str, Any]:
        """GET /stats."""
        return fetch_stats(self.url)

    def reset_stats(self) -> None:
        """POST /stats/reset."""
        fetch_stats(self.url, reset=True)


def fetch_stats(url: str, reset: bool = False) -> dict[str, Any]:
    """The /stats of the test server at `url` (its base URL, /v1 or not)."""
    root = url.removesuffix("/").removesuffix("/v1")
    request = urllib.request.Request(root + ("/stats/reset" if reset else "/stats"),
                                     method="POST" if reset else "GET")
    with urllib.request.urlopen(request, timeout=10) as response:
        return orjson.loads(response.read())


def start_process(timeout: float = 60.0, **options: Any) -> ServerProcess:
    """Start `TestServer(**options)` in a new Python process; returns `(url, stop)`.

    The child runs `python -c ...` (no `if __name__ == "__main__"` guard needed in the
    caller); options travel pickled on its stdin, the URL comes back on its stdout, and its
    stderr is the caller's. It stops when its stdin closes, so it never outlives the caller.
    `stop()` closes it and sends SIGTERM (a clean stop), then SIGKILL if need be.
    """
    TestServer(**options)  # fail here, with the caller's traceback, on bad options
    env = dict(os.environ)
    package_root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    code = "from synthforge.teachers.testserver import _child_main; _child_main()"
    process = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, env=env)
    stop = functools.partial(_terminate, process)
    try:
        process.stdin.write(pickle.dumps(options))
        process.stdin.flush()  # and kept open: the child watches it
        url = _first_line(process, timeout)
    except BaseException:
        stop()
        raise
    if not url.startswith("http"):
        stop()
        raise RuntimeError(f"the test server process failed to start (exit code "
                           f"{process.poll()}; its error is above)")
    return ServerProcess(url, stop)


def _first_line(process: subprocess.Popen[bytes], timeout: float) -> str:
    lines: queue.Queue[bytes] = queue.Queue()
    reader = threading.Thread(target=lambda: lines.put(process.stdout.readline()),
                              daemon=True)
    reader.start()
    try:
        return lines.get(timeout=timeout).decode().strip()
    except queue.Empty:
        raise RuntimeError(f"the test server process did not start within {timeout:g} s") from None


def _child_main() -> None:
    """The body of a process started by `start_process`."""
    asyncio.run(_child_serve(pickle.load(sys.stdin.buffer)))


async def _child_serve(options: dict[str, Any]) -> None:
    loop, stop = asyncio.get_running_loop(), asyncio.Event()

    def watch_parent() -> None:
        sys.stdin.buffer.read()  # returns when the parent closes the pipe, or dies
        loop.call_soon_threadsafe(stop.set)

    def ready(url: str) -> None:
        sys.stdout.write(url + "\n")
        sys.stdout.flush()

    threading.Thread(target=watch_parent, name="parent-watch", daemon=True).start()
    await serve(TestServer(**options), ready, stop)


def _terminate(process: subprocess.Popen[bytes]) -> None:
    for pipe in (process.stdin, process.stdout):
        if pipe is not None and not pipe.closed:
            pipe.close()
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
