"""The local OpenAI-compatible test server: shapes, determinism, faults, limits, modes."""

from __future__ import annotations

import asyncio
import http.client
import math
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import Any

import aiohttp
import orjson
import pytest
from jsonschema import Draft202012Validator

from helpers import wait_for
from synthforge.teachers.testserver import (
    Faults,
    Latency,
    TestServer,
    estimate_tokens,
    schema_instance,
    start_process,
)

JSON = {"Content-Type": "application/json"}


def call(url: str, body: Any = None, headers: dict[str, str] | None = None,
         method: str | None = None) -> tuple[int, dict[str, str], bytes]:
    data = orjson.dumps(body) if body is not None else None
    request = urllib.request.Request(url, data=data, method=method or ("POST" if data else "GET"),
                                     headers={**JSON, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def chat(server: TestServer, content: str = "hello", **params: Any) -> dict[str, Any]:
    body = {"model": "m", "messages": [{"role": "user", "content": content}], **params}
    status, _, raw = call(server.url + "/chat/completions", body)
    assert status == 200, raw
    return orjson.loads(raw)


def complete(server: TestServer, prompt: Any = "Once", **params: Any) -> dict[str, Any]:
    status, _, raw = call(server.url + "/completions", {"prompt": prompt, **params})
    assert status == 200, raw
    return orjson.loads(raw)


def events(raw: bytes) -> list[Any]:
    """The data of each server-sent event ("[DONE]" as a string)."""
    out = []
    for block in raw.decode().split("\n\n"):
        if block.strip():
            assert block.startswith("data: "), block
            data = block[len("data: "):]
            out.append(data if data == "[DONE]" else orjson.loads(data))
    return out


@pytest.fixture(scope="module")
def server():
    with TestServer(model="test-model") as running:
        yield running


# -- shapes


def test_chat_completion_shape(server):
    doc = chat(server, n=1)
    assert doc["id"].startswith("chatcmpl-") and doc["object"] == "chat.completion"
    assert isinstance(doc["created"], int) and doc["model"] == "m"
    (choice,) = doc["choices"]
    assert choice["index"] == 0 and choice["finish_reason"] == "stop"
    assert choice["message"]["role"] == "assistant" and choice["message"]["content"]
    usage = doc["usage"]
    assert usage["completion_tokens"] == estimate_tokens(choice["message"]["content"])
    assert usage["prompt_tokens"] == estimate_tokens("hello")
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


def test_text_completion_shape(server):
    doc = complete(server, "Once upon a time")
    assert doc["id"].startswith("cmpl-") and doc["object"] == "text_completion"
    assert doc["model"] == "test-model"  # the server's model when the request names none
    (choice,) = doc["choices"]
    assert choice["text"] and choice["finish_reason"] == "stop" and choice["index"] == 0
    assert doc["usage"]["prompt_tokens"] == estimate_tokens("Once upon a time")


def test_n_choices(server):
    doc = chat(server, "pick three", n=3)
    texts = [c["message"]["content"] for c in doc["choices"]]
    assert [c["index"] for c in doc["choices"]] == [0, 1, 2] and len(set(texts)) == 3
    assert doc["usage"]["completion_tokens"] == sum(estimate_tokens(t) for t in texts)
    batch = complete(server, ["a", "b"], n=2)
    assert [c["index"] for c in batch["choices"]] == [0, 1, 2, 3]
    assert batch["choices"][2]["text"] == complete(server, "b")["choices"][0]["text"]


def test_max_tokens_cuts_and_says_length(server):
    full = chat(server, "long one")["choices"][0]["message"]["content"]
    doc = chat(server, "long one", max_tokens=3)
    choice = doc["choices"][0]
    assert choice["finish_reason"] == "length"
    assert full.startswith(choice["message"]["content"]) and len(choice["message"]["content"]) == 12
    assert doc["usage"]["completion_tokens"] <= 3
    newer = chat(server, "long one", max_completion_tokens=2)["choices"][0]
    assert newer["finish_reason"] == "length" and len(newer["message"]["content"]) == 8


def test_stop_sequences(server):
    full = chat(server, "stop here")["choices"][0]["message"]["content"]
    word = full.split()[3]
    cut = chat(server, "stop here", stop=[" " + word, "zzz"])["choices"][0]
    assert cut["finish_reason"] == "stop"
    assert cut["message"]["content"] == full[: full.index(" " + word)]
    single = complete(server, "x", stop="e")["choices"][0]["text"]
    assert "e" not in single


def test_logprobs(server):
    choice = chat(server, "lp", logprobs=True, top_logprobs=2)["choices"][0]
    tokens = choice["logprobs"]["content"]
    assert "".join(t["token"] for t in tokens) == choice["message"]["content"]
    assert all(t["logprob"] <= 0 and len(t["top_logprobs"]) == 2 for t in tokens)
    text_choice = complete(server, "lp", logprobs=1)["choices"][0]
    lp = text_choice["logprobs"]
    assert "".join(lp["tokens"]) == text_choice["text"]
    assert lp["text_offset"][1] == len(lp["tokens"][0]) and len(lp["top_logprobs"][0]) >= 1


def test_models_and_unknown_paths(server):
    status, _, raw = call(server.url + "/models")
    assert status == 200 and orjson.loads(raw)["data"][0]["id"] == "test-model"
    status, _, raw = call(server.url + "/nothing", {"x": 1})
    assert status == 404 and orjson.loads(raw)["error"]["code"] == "not_found"
    status, _, _ = call(server.url + "/chat/completions")
    assert status == 405


@pytest.mark.parametrize("body, param", [
    ({"messages": []}, "messages"),
    ({"messages": [{"role": "user", "content": "x"}], "n": 0}, "n"),
    ({"messages": [{"role": "user", "content": "x"}], "max_tokens": "5"}, "max_tokens"),
    ({"messages": [{"role": "user", "content": "x"}], "stop": [1]}, "stop"),
    ({"messages": [{"role": "user", "content": "x"}], "response_format": {"type": "xml"}},
     "response_format"),
])
def test_bad_requests_get_400_naming_the_parameter(server, body, param):
    status, _, raw = call(server.url + "/chat/completions", body)
    error = orjson.loads(raw)["error"]
    assert status == 400 and error["param"] == param and error["type"] == "invalid_request_error"


def test_invalid_json_body_is_a_400(server):
    request = urllib.request.Request(server.url + "/chat/completions", data=b"{nope",
                                     headers=JSON)
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=10)
    assert caught.value.code == 400 and b"not valid JSON" in caught.value.read()


# -- structured output

SCHEMAS = [
    {"type": "object", "properties": {
        "name": {"type": "string", "minLength": 3, "maxLength": 12},
        "age": {"type": "integer", "minimum": 18, "maximum": 99},
        "score": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
        "tier": {"enum": ["gold", "silver", "bronze"]},
        "active": {"type": "boolean"},
        "tags": {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 4,
                 "uniqueItems": True},
        "address": {"type": "object", "properties": {"city": {"type": "string"},
                                                     "zip": {"type": "string",
                                                             "format": "uuid"}},
                    "required": ["city"], "additionalProperties": False},
    }, "required": ["name", "age", "tier", "address"], "additionalProperties": False},
    {"$defs": {"Step": {"type": "object", "properties": {
        "n": {"type": "integer", "multipleOf": 5}, "note": {"anyOf": [{"type": "string"},
                                                                      {"type": "null"}]},
        "when": {"type": "string", "format": "date-time"}}, "required": ["n", "note", "when"]}},
     "type": "object", "properties": {"steps": {"type": "array", "items": {"$ref": "#/$defs/Step"},
                                                "minItems": 1},
                                      "kind": {"const": "plan"},
                                      "weight": {"type": "number", "multipleOf": 0.5,
                                                 "minimum": 1, "maximum": 3}},
     "required": ["steps", "kind", "weight"]},
    {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "string", "format": "email"}],
     "items": False, "minItems": 2},
    {"allOf": [{"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]},
               {"properties": {"b": {"type": ["string", "null"]}}, "required": ["b"]}]},
    {"type": "object", "properties": {"child": {"$ref": "#"}, "label": {"type": "string"}},
     "required": ["label"]},  # recursive: stops below a depth
    {"type": "object", "additionalProperties": {"type": "integer"}, "minProperties": 3},
]


@pytest.mark.parametrize("schema", SCHEMAS)
def test_schema_instances_validate(schema):
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    values = [schema_instance(schema, random.Random(seed)) for seed in range(200)]
    for value in values:
        errors = list(validator.iter_errors(value))
        assert not errors, (value, errors[0].message)
    assert len({orjson.dumps(v) for v in values}) > 1  # instances vary with the draw


def test_json_schema_response_validates(server):
    schema = SCHEMAS[0]
    fmt = {"type": "json_schema", "json_schema": {"name": "person", "schema": schema}}
    seen = set()
    for i in range(20):
        content = chat(server, f"person {i}", response_format=fmt)["choices"][0]["message"][
            "content"]
        Draft202012Validator(schema).validate(orjson.loads(content))
        seen.add(content)
    assert len(seen) == 20
    obj = chat(server, "any", response_format={"type": "json_object"})
    assert isinstance(orjson.loads(obj["choices"][0]["message"]["content"]), dict)


def test_unsupported_schema_gets_400(server):
    fmt = {"type": "json_schema", "json_schema": {"schema": {"$ref": "https://x/y.json"}}}
    status, _, raw = call(server.url + "/chat/completions",
                          {"messages": [{"role": "user", "content": "x"}], "response_format": fmt})
    assert status == 400 and b"$ref" in raw


# -- streaming


def test_chat_stream_matches_the_whole_answer(server):
    whole = chat(server, "stream me", n=2)
    status, headers, raw = call(server.url + "/chat/completions", {
        "model": "m", "messages": [{"role": "user", "content": "stream me"}], "n": 2,
        "stream": True, "stream_options": {"include_usage": True}})
    assert status == 200 and headers["Content-Type"] == "text/event-stream"
    chunks = events(raw)
    assert chunks[-1] == "[DONE]"
    *body, usage_chunk, _ = chunks
    assert usage_chunk["choices"] == [] and usage_chunk["usage"] == whole["usage"]
    assert all(c["object"] == "chat.completion.chunk" and c["id"] == body[0]["id"] for c in body)
    for choice in whole["choices"]:
        mine = [c["choices"][0] for c in body if c["choices"][0]["index"] == choice["index"]]
        assert mine[0]["delta"]["role"] == "assistant"
        text = "".join(c["delta"].get("content", "") for c in mine)
        assert text == choice["message"]["content"]
        assert mine[-1]["finish_reason"] == choice["finish_reason"]


def test_completion_stream(server):
    whole = complete(server, "abc", max_tokens=4)["choices"][0]
    status, _, raw = call(server.url + "/completions", {"prompt": "abc", "max_tokens": 4,
                                                         "stream": True})
    chunks = events(raw)
    assert status == 200 and chunks[-1] == "[DONE]" and chunks[0]["object"] == "text_completion"
    assert "".join(c["choices"][0]["text"] for c in chunks[:-1]) == whole["text"]
    assert chunks[-2]["choices"][0]["finish_reason"] == "length"


# -- determinism


def test_same_request_same_answer_different_prompt_different_answer(server):
    first = chat(server, "determinism", seed=3)["choices"][0]["message"]["content"]
    assert chat(server, "determinism", seed=3)["choices"][0]["message"]["content"] == first
    with TestServer() as other:  # another server (and process state) answers the same
        assert chat(other, "determinism", seed=3)["choices"][0]["message"]["content"] == first
    assert chat(server, "determinism", seed=4)["choices"][0]["message"]["content"] != first
    assert chat(server, "determinism!", seed=3)["choices"][0]["message"]["content"] != first
    texts = {chat(server, f"prompt {i}")["choices"][0]["message"]["content"] for i in range(50)}
    assert len(texts) == 50


# -- auth


def test_api_key_required_when_set():
    with TestServer(api_key="sekret") as server:
        body = {"messages": [{"role": "user", "content": "x"}]}
        status, _, raw = call(server.url + "/chat/completions", body)
        error = orjson.loads(raw)["error"]
        assert status == 401 and error["code"] == "invalid_api_key" and error["message"]
        status, _, _ = call(server.url + "/models", headers={"Authorization": "Bearer nope"})
        assert status == 401
        status, _, _ = call(server.url + "/chat/completions", body,
                            {"Authorization": "Bearer sekret"})
        assert status == 200
        assert server.stats()["by_status"] == {"200": 1, "401": 2}


# -- HTTP details


def test_keep_alive_chunked_bodies_and_pipelining(server):
    host, port = server.root_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    body = orjson.dumps({"messages": [{"role": "user", "content": "ka"}]})
    answers = []
    for chunked in (False, True):
        payload = iter([body[:5], body[5:]]) if chunked else body
        conn.request("POST", "/v1/chat/completions", payload, JSON, encode_chunked=chunked)
        response = conn.getresponse()
        answers.append(response.read())
        assert response.status == 200 and not response.will_close
    assert orjson.loads(answers[0])["choices"] == orjson.loads(answers[1])["choices"]
    conn.close()
    request = (b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s"
               % (len(body), body))
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request * 2 + b"GET /v1/models HTTP/1.1\r\nConnection: close\r\n\r\n")
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    assert raw.count(b"HTTP/1.1 200 OK") == 3 and raw.endswith(b'"owned_by":"synthforge"}]}')


def test_expect_100_continue(server):
    host, port = server.root_url.removeprefix("http://").split(":")
    body = orjson.dumps({"messages": [{"role": "user", "content": "continue"}]})
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nContent-Length: %d\r\n"
                     b"Expect: 100-continue\r\n\r\n" % len(body))
        assert sock.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(body)
        assert sock.recv(100).startswith(b"HTTP/1.1 200 OK")


# -- faults

FAULTS = Faults(rate_429=0.10, rate_500=0.05, rate_503=0.03, rate_hang=0.01,
                rate_malformed=0.03, rate_truncated=0.03, rate_slow_stream=0.02,
                rate_reset=0.03, retry_after=2, hang_seconds=120, slow_chunk_delay=0.02)


async def _outcome(session: aiohttp.ClientSession, url: str, body: bytes,
                   timeout: float) -> tuple[str, Any]:
    try:
        async with session.post(url, data=body, headers=JSON,
                                timeout=aiohttp.ClientTimeout(total=timeout)) as response:
            raw = await response.read()
            if response.status != 200:
                return str(response.status), response.headers
            if response.headers.get("X-Synthforge-Fault") == "slow_stream":
                return "slow_stream", response.headers
            try:
                orjson.loads(raw)
            except orjson.JSONDecodeError:
                return ("malformed" if raw.startswith(b"{'") else "truncated"), response.headers
            return "ok", response.headers
    except TimeoutError:
        return "hang", None
    except aiohttp.ClientError:  # ServerDisconnectedError, ClientOSError (reset by peer)
        return "reset", None


async def _outcomes(url: str, bodies: list[bytes], concurrency: int = 64,
                    timeout: float = 1.5) -> list[tuple[str, Any]]:
    slots = asyncio.Semaphore(concurrency)

    async def one(body: bytes) -> tuple[str, Any]:
        async with slots:
            return await _outcome(session, url + "/chat/completions", body, timeout)

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:
        return await asyncio.gather(*(one(b) for b in bodies))


def _body(i: int, tag: str = "q") -> bytes:
    return orjson.dumps({"model": "m", "messages": [{"role": "user", "content": f"{tag} {i}"}]})


def test_fault_rates_are_observed_and_counted():
    n = 2000
    with TestServer(faults=FAULTS, seed=1) as server:
        outcomes = asyncio.run(_outcomes(server.url, [_body(i) for i in range(n)]))
        stats = server.stats()
        assert wait_for(lambda: server.stats()["in_flight"] == 0, 5)  # hangs end with the client
    kinds = [kind for kind, _ in outcomes]
    observed = {kind: kinds.count(kind) for kind in set(kinds)}
    for kind, rate in FAULTS.rates().items():
        tolerance = 4.5 * math.sqrt(n * rate * (1 - rate)) + 2
        assert abs(observed.get(kind, 0) - n * rate) <= tolerance, (kind, observed)
        assert stats["faults"].get(kind, 0) == observed.get(kind, 0), (kind, stats["faults"])
    assert observed["ok"] == n - sum(stats["faults"].values())
    for kind, headers in outcomes:
        if kind in ("429", "503"):
            assert headers["Retry-After"] == "2" and headers["Retry-After-Ms"] == "2000"
    assert stats["by_status"]["429"] == observed["429"]
    assert stats["by_status"]["500"] == observed["500"]
    assert stats["requests"] == n


def test_hash_mode_faults_do_not_depend_on_order_or_concurrency():
    faults = Faults(rate_500=0.3, rate_429=0.2)
    bodies = [_body(i, "order") for i in range(300)]
    with TestServer(faults=faults, seed=7) as server:
        first = [k for k, _ in asyncio.run(_outcomes(server.url, bodies, concurrency=50))]
        server.reset_stats()  # forgets attempts: the same draws again
        backwards = [k for k, _ in asyncio.run(_outcomes(server.url, bodies[::-1],
                                                          concurrency=1))][::-1]
        third = [k for k, _ in asyncio.run(_outcomes(server.url, bodies, concurrency=50))]
    assert first == backwards
    assert first != third  # a second attempt of the same body is drawn afresh


def test_a_retried_request_can_succeed():
    with TestServer(faults=Faults(rate_500=1.0, max_faults_per_body=2)) as server:
        body = {"messages": [{"role": "user", "content": "retry me"}]}
        statuses = [call(server.url + "/chat/completions", body)[0] for _ in range(4)]
        assert statuses == [500, 500, 200, 200]
    with TestServer(faults=Faults(rate_503=0.5)) as server:
        body = {"messages": [{"role": "user", "content": "again"}]}
        statuses = [call(server.url + "/chat/completions", body)[0] for _ in range(30)]
        assert 503 in statuses and 200 in statuses


def test_random_mode_is_seeded():
    faults = Faults(rate_500=0.5, mode="random")
    bodies = [{"messages": [{"role": "user", "content": "same"}]}] * 40
    runs = []
    for _ in range(2):
        with TestServer(faults=faults, seed=11) as server:
            runs.append([call(server.url + "/chat/completions", b)[0] for b in bodies])
    assert runs[0] == runs[1] and set(runs[0]) == {200, 500}


def test_stream_faults_and_slow_streams():
    stream = {"messages": [{"role": "user", "content": "s"}], "stream": True}
    with TestServer(faults=Faults(rate_truncated=1.0)) as server:
        chunks = events(call(server.url + "/chat/completions", stream)[2])
        assert "[DONE]" not in chunks and chunks[-1]["choices"][0]["finish_reason"] is None
    with TestServer(faults=Faults(rate_malformed=1.0)) as server:
        raw = call(server.url + "/chat/completions", stream)[2]
        with pytest.raises(orjson.JSONDecodeError):
            events(raw)
    with TestServer(faults=Faults(rate_slow_stream=1.0, slow_chunk_delay=0.05),
                    words=(5, 5)) as server:
        started = time.perf_counter()
        chunks = events(call(server.url + "/chat/completions", stream)[2])
        assert time.perf_counter() - started >= 0.05 * (len(chunks) - 1)
        started = time.perf_counter()
        status, _, raw = call(server.url + "/completions", {"prompt": "p"})
        assert status == 200 and orjson.loads(raw) and time.perf_counter() - started >= 0.2


# -- latency and capacity


@pytest.mark.parametrize("spec, mean, sd", [
    ("0.05", 0.05, 0.0), ("uniform:0.1:0.3", 0.2, 0.2 / math.sqrt(12)),
    ("normal:0.2:0.05", 0.2, 0.05), ("lognormal:0.2:0.1", 0.2, 0.1),
])
def test_latency_draws_have_the_asked_mean_and_sd(spec, mean, sd):
    latency, rng = Latency.parse(spec), random.Random(0)
    draws = [latency.sample(rng) for _ in range(20_000)]
    assert statistics.fmean(draws) == pytest.approx(mean, rel=0.03)
    assert statistics.pstdev(draws) == pytest.approx(sd, rel=0.05, abs=1e-9)
    assert min(draws) >= 0


@pytest.mark.parametrize("spec", ["fast", "uniform:2:1", "normal:1", "lognormal:0:1", "gamma:1:2"])
def test_bad_latency_specs_say_what_is_wrong(spec):
    with pytest.raises(ValueError, match="latency"):
        Latency.parse(spec)


def test_latency_is_applied_without_blocking():
    async def timed() -> list[float]:
        slots = asyncio.Semaphore(20)
        async with TestServer(latency="uniform:0.05:0.15") as server, \
                aiohttp.ClientSession() as session:
            async def one(i: int) -> float:
                async with slots:
                    started = time.perf_counter()
                    async with session.post(server.url + "/chat/completions", data=_body(i),
                                            headers=JSON) as response:
                        await response.read()
                    return time.perf_counter() - started

            return await asyncio.gather(*(one(i) for i in range(100)))

    started = time.perf_counter()
    elapsed = asyncio.run(timed())
    assert min(elapsed) >= 0.05 and 0.09 <= statistics.fmean(elapsed) <= 0.17
    assert time.perf_counter() - started < 0.5 * sum(elapsed)  # 20 at once, not one by one


def test_capacity_refuses_beyond_the_limit():
    with TestServer(capacity=4, latency=0.1, faults=Faults(retry_after=3)) as server:
        outcomes = asyncio.run(_outcomes(server.url, [_body(i) for i in range(32)], 32))
        stats = server.stats()
    kinds = [k for k, _ in outcomes]
    assert kinds.count("ok") >= 4 and kinds.count("429") == stats["capacity_rejections"] > 0
    assert all(h["Retry-After"] == "3" for k, h in outcomes if k == "429")
    assert stats["peak_in_flight"] == 4 and stats["capacity"] == 4


def test_capacity_queue_mode_waits():
    with TestServer(capacity=4, queue=True, latency=0.05) as server:
        started = time.perf_counter()
        outcomes = asyncio.run(_outcomes(server.url, [_body(i) for i in range(32)], 32))
        elapsed = time.perf_counter() - started
        stats = server.stats()
    assert {k for k, _ in outcomes} == {"ok"} and elapsed >= 8 * 0.05
    assert stats["peak_in_flight"] == 4 and stats["peak_queued"] > 0 and stats["queued"] == 0


# -- stats


def test_stats_count_and_reset():
    with TestServer() as server:
        docs = [chat(server, f"count {i}") for i in range(5)]
        call(server.url + "/models")
        call(server.url + "/missing")
        stats = server.stats()
        assert stats["requests"] == 7
        assert stats["by_status"] == {"200": 6, "404": 1}
        assert stats["by_path"] == {"/v1/chat/completions": 5, "/v1/models": 1, "/v1/missing": 1}
        assert stats["tokens"]["completion"] == sum(d["usage"]["completion_tokens"] for d in docs)
        assert stats["tokens"]["prompt"] == sum(d["usage"]["prompt_tokens"] for d in docs)
        assert stats["in_flight"] == 0 and stats["peak_in_flight"] == 1
        over_http = orjson.loads(call(server.root_url + "/stats")[2])
        assert over_http["requests"] == 7  # /stats itself is not counted
        status, _, raw = call(server.root_url + "/stats/reset", method="POST")
        assert status == 200 and orjson.loads(raw)["requests"] == 0
        assert server.stats()["by_path"] == {}


# -- process mode, throughput, CLI


async def _throughput(url: str, seconds: float, connections: int = 256) -> int:
    done = 0
    deadline = time.perf_counter() + seconds

    async def worker(w: int) -> None:
        nonlocal done
        i = 0
        while time.perf_counter() < deadline:
            async with session.post(url + "/chat/completions", data=_body(i, f"w{w}"),
                                    headers=JSON) as response:
                await response.read()
                assert response.status == 200
            done, i = done + 1, i + 1

    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(worker(w) for w in range(connections)))
    return done


def test_process_mode_and_throughput():
    with pytest.raises(ValueError, match="rate_500"):
        start_process(faults=Faults(rate_500=2))
    url, stop = process = start_process(model="bench-model")
    try:
        status, _, raw = call(url + "/models")
        assert status == 200 and orjson.loads(raw)["data"][0]["id"] == "bench-model"
        asyncio.run(_throughput(url, 0.3))  # warm up: connections open
        process.reset_stats()
        started = time.perf_counter()
        done = asyncio.run(_throughput(url, 2.0))
        elapsed = time.perf_counter() - started
        stats = process.stats()
    finally:
        stop()
    rate, cpu = done / elapsed, stats["cpu_s"] / max(done, 1)
    print(f"\ntest server: {rate:,.0f} req/s with 256 keep-alive connections (client-bound); "
          f"server CPU {cpu * 1e6:.0f} µs/request = {1 / cpu:,.0f} req/s per core")
    assert stats["requests"] == done and stats["by_status"] == {"200": done}
    assert rate > 200 and cpu < 300e-6  # capacity > 3,300 requests/s on one core
    with pytest.raises(OSError):
        urllib.request.urlopen(url + "/models", timeout=2)


def test_a_server_process_never_outlives_its_caller():
    code = ("import os; from synthforge.teachers.testserver import start_process; "
            "print(start_process().url, flush=True); os._exit(0)")  # dies without stop()
    url = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60).stdout.strip()
    assert url.startswith("http://")

    def gone() -> bool:
        try:
            urllib.request.urlopen(url + "/models", timeout=1)
        except OSError:
            return True
        return False

    assert wait_for(gone, 10)


def test_cli_serve_test_prints_the_url_and_stops_on_ctrl_c():
    env = {**os.environ, "SF_TEST_KEY": "k123"}
    command = [sys.executable, "-m", "synthforge", "serve-test", "--port", "0",
               "--api-key-env", "SF_TEST_KEY", "--latency", "uniform:0:0.01", "--rate-500", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        url = process.stdout.readline().decode().strip()
        assert url.startswith("http://127.0.0.1:") and url.endswith("/v1")
        assert call(url + "/models")[0] == 401
        assert call(url + "/models", headers={"Authorization": "Bearer k123"})[0] == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(10) == 0
        assert b"stopped" in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize("args, says", [
    (["--latency", "gamma:1"], "latency"),
    (["--rate-500", "0.7", "--rate-429", "0.7"], "add up to more than 1"),
    (["--api-key-env", "SF_SURELY_UNSET_VAR"], "SF_SURELY_UNSET_VAR: that environment variable"),
])
def test_cli_serve_test_rejects_bad_options(args, says, capsys, monkeypatch):
    from synthforge.cli import main

    monkeypatch.delenv("SF_SURELY_UNSET_VAR", raising=False)
    with pytest.raises(SystemExit) as exited:
        main(["serve-test", "--port", "0", *args])
    assert exited.value.code == 2 and says in capsys.readouterr().err
