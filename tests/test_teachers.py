"""The OpenAI-compatible client against real local servers: requests, retries, errors,
structured output, the answer cache, flow control, accounting, and keys kept out of files.

The test server (`synthforge.teachers.testserver`) injects latency, capacity limits and
faults and counts what it receives; `Stub` is a tiny aiohttp server for what it cannot do
(echo the request, content_filter, refuse response_format, answer unparsable JSON).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml
from aiohttp import web

import synthforge as sf
from helpers import cli
from synthforge.teachers import backends, openai
from synthforge.teachers.cache import Cache
from synthforge.teachers.config import TeacherConfig
from synthforge.teachers.limits import TokenBucket
from synthforge.teachers.openai import OpenAITeacher
from synthforge.teachers.pricing import Price
from synthforge.teachers.testserver import Faults, TestServer, start_process
from synthforge.teachers.types import AuthFailed, Completion, Refused, Request, TeacherError

SECRET = "sk-test-SECRET-1234567890"
SCHEMA = {"type": "object", "required": ["question", "answer"],
          "properties": {"question": {"type": "string"}, "answer": {"type": "string"}}}


# -- helpers --------------------------------------------------------------------------------

def make(url: str, *, cache: Cache | None = None, mode: str = "use", **config: Any
         ) -> OpenAITeacher:
    config = {"model": "test-model", "base_url": url, "api_key_env": None,
              "max_tokens": 1000, **config}
    return OpenAITeacher(TeacherConfig(**config), cache=cache, cache_mode=mode)


def msgs(text: str = "hello") -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


def drive(teacher: OpenAITeacher, fn: Callable[[OpenAITeacher], Awaitable[Any]]) -> Any:
    """Run `fn(teacher)` in a fresh event loop and close the client after."""

    async def main() -> Any:
        try:
            return await fn(teacher)
        finally:
            await teacher.close()

    return asyncio.run(main())


def ask(teacher: OpenAITeacher, text: str = "hello", **request: Any) -> Completion:
    return drive(teacher, lambda t: t.complete(Request(messages=msgs(text), **request)))


def ask_error(teacher: OpenAITeacher, text: str = "hello", **request: Any) -> BaseException:
    with pytest.raises((TeacherError, AuthFailed)) as info:
        ask(teacher, text, **request)
    return info.value


def requests_at(server: Any) -> int:
    return server.stats()["requests"]


def chat_answer(text: str, finish: str = "stop", n: int = 1) -> dict[str, Any]:
    choice = {"index": 0, "message": {"role": "assistant", "content": text},
              "finish_reason": finish}
    return {"id": "x", "object": "chat.completion", "model": "stub",
            "choices": [{**choice, "index": i} for i in range(n)],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5}}


Reply = Callable[[dict[str, Any], dict[str, str]], tuple[int, Any]]


class Stub:
    """A real HTTP server on loopback (aiohttp.web in a thread): records every request and
    answers with `reply(body, headers) -> (status, json)`."""

    def __init__(self, reply: Reply):
        self.reply = reply
        self.seen: list[tuple[str, dict[str, str], dict[str, Any]]] = []
        self.url = ""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        headers = dict(request.headers)
        self.seen.append((request.path, headers, body))
        status, payload = self.reply(body, headers)
        return web.json_response(payload, status=status)

    def __enter__(self) -> Stub:
        ready = threading.Event()

        def main() -> None:
            loop = self._loop = asyncio.new_event_loop()
            app = web.Application()
            app.router.add_post("/{tail:.*}", self._handle)
            runner = web.AppRunner(app)
            loop.run_until_complete(runner.setup())
            site = web.TCPSite(runner, "127.0.0.1", 0)
            loop.run_until_complete(site.start())
            self.url = f"http://127.0.0.1:{runner.addresses[0][1]}/v1"
            ready.set()
            loop.run_forever()
            loop.run_until_complete(runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=main, daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._loop is not None and self._thread is not None
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch):
    """Backoff without a Retry-After waits up to 10 ms here (0.5 s doubling by default)."""
    monkeypatch.setattr(openai, "BACKOFF_BASE", 0.01)


@pytest.fixture
def server():
    with TestServer() as running:
        yield running


@pytest.fixture
def cache_file(tmp_path, monkeypatch) -> Path:
    """A fresh default cache for this test (also for recipes run in this process)."""
    path = tmp_path / "cache.sqlite3"
    monkeypatch.setenv("SYNTHFORGE_CACHE", str(path))
    monkeypatch.setattr(backends, "_caches", {})  # make_teacher memoises the default path
    return path


# -- requests and answers -------------------------------------------------------------------

def test_chat_answer_with_usage_and_finish_reason(server):
    answer = ask(make(server.url), "Tell me about rivers.")
    assert answer.text and answer.choices[0].finish_reason == "stop"
    assert answer.model == "test-model" and not answer.cached and answer.attempts == 1
    stats = server.stats()
    assert answer.prompt_tokens == stats["tokens"]["prompt"] > 0
    assert answer.completion_tokens == stats["tokens"]["completion"] > 0
    assert stats["by_path"] == {"/v1/chat/completions": 1}


def test_completions_endpoint_sends_a_prompt(server):
    teacher = make(server.url, endpoint="completions")
    answer = drive(teacher, lambda t: t.complete(Request(prompt="Once upon a time")))
    assert answer.text and answer.choices[0].finish_reason == "stop"
    assert server.stats()["by_path"] == {"/v1/completions": 1}


def test_effects_of_params_at_the_test_server(server):
    base = ask(make(server.url), "same prompt")
    assert ask(make(server.url), "same prompt").text == base.text  # deterministic
    assert ask(make(server.url, seed=7), "same prompt").text != base.text
    three = ask(make(server.url, n=3), "same prompt")
    assert len(three.choices) == 3 and len({c.text for c in three.choices}) == 3
    stop_word = base.text.split()[2]
    assert ask(make(server.url, stop=[stop_word]), "same prompt").text.count(stop_word) == 0
    assert ask(make(server.url, logprobs=True), "same prompt").choices[0].logprobs["content"]


def test_every_param_and_header_reaches_the_server():
    with Stub(lambda body, headers: (200, chat_answer("ok"))) as stub:
        teacher = make(stub.url, temperature=0.3, top_p=0.9, max_tokens=77, stop=["END"],
                       seed=11, n=2, logprobs=True, extra_body={"top_k": 5},
                       headers={"X-Team": "data"})
        ask(teacher, "hi", params={"presence_penalty": 0.5})
        path, headers, body = stub.seen[0]
    assert path == "/v1/chat/completions"
    assert body == {"model": "test-model", "messages": msgs("hi"), "temperature": 0.3,
                    "top_p": 0.9, "max_tokens": 77, "stop": ["END"], "seed": 11, "n": 2,
                    "logprobs": True, "top_k": 5, "presence_penalty": 0.5}
    assert headers["X-Team"] == "data" and "Authorization" not in headers


# -- retries --------------------------------------------------------------------------------

def faulty(**faults: Any) -> TestServer:
    return TestServer(faults=Faults(**faults))


def test_429_is_retried_after_retry_after():
    with faulty(rate_429=1.0, max_faults_per_body=2, retry_after=0.3) as server:
        start = time.monotonic()
        answer = ask(make(server.url))
        elapsed = time.monotonic() - start
        assert answer.attempts == 3 and requests_at(server) == 3
    assert elapsed >= 0.6  # two waits of at least Retry-After


@pytest.mark.parametrize("kind", ["500", "503", "malformed", "truncated", "reset"])
def test_server_errors_and_broken_bodies_are_retried(kind):
    with faulty(**{f"rate_{kind}": 1.0}, max_faults_per_body=2, retry_after=0.05) as server:
        answer = ask(make(server.url))
        assert answer.attempts == 3 and answer.text and requests_at(server) == 3


def test_a_hung_request_times_out_and_is_retried():
    with faulty(rate_hang=1.0, max_faults_per_body=1, hang_seconds=30) as server:
        start = time.monotonic()
        answer = ask(make(server.url, timeout=0.5))
        assert answer.attempts == 2 and time.monotonic() - start >= 0.5


def test_the_error_after_max_retries_names_the_last_failure():
    with faulty(rate_500=1.0) as server:
        error = ask_error(make(server.url, max_retries=3))
        assert requests_at(server) == 4
    assert error.kind == "gave_up" and "4 attempts failed; last: HTTP 500" in str(error)
    with faulty(rate_hang=1.0, hang_seconds=30) as server:
        error = ask_error(make(server.url, max_retries=1, timeout=0.3))
        assert requests_at(server) == 2
    assert error.kind == "timeout"


def test_400_and_404_are_not_retried(server):
    error = ask_error(make(server.url), params={"n": 1000})
    assert error.kind == "http_400" and "n must be" in str(error)
    assert requests_at(server) == 1
    error = ask_error(make(server.root_url + "/nowhere"))
    assert error.kind == "http_404" and requests_at(server) == 2


def test_401_stops_at_once_and_sends_nothing_more(monkeypatch):
    monkeypatch.setenv("TEST_TEACHER_KEY", "sk-test-WRONG-0000000000")
    with TestServer(api_key=SECRET) as server:
        teacher = make(server.url, api_key_env="TEST_TEACHER_KEY")

        async def many(t: OpenAITeacher) -> list[Any]:
            calls = [t.complete(Request(messages=msgs(f"q{i}"))) for i in range(50)]
            return await asyncio.gather(*calls, return_exceptions=True)

        errors = drive(teacher, many)
        assert requests_at(server) == 1  # the probe: the others never left
    assert all(isinstance(e, AuthFailed) for e in errors)
    message = str(errors[0])
    assert "401" in message and "$TEST_TEACHER_KEY" in message
    assert "WRONG" not in message and SECRET not in message


def test_a_key_echoed_by_a_server_is_scrubbed_from_errors(monkeypatch):
    monkeypatch.setenv("TEST_TEACHER_KEY", SECRET)

    def echo(body: dict[str, Any], headers: dict[str, str]) -> tuple[int, Any]:
        return 400, {"error": {"message": f"bad request from {headers['Authorization']}"}}

    with Stub(echo) as stub:
        error = ask_error(make(stub.url, api_key_env="TEST_TEACHER_KEY"))
    assert error.kind == "http_400" and "Bearer ***" in str(error) and SECRET not in str(error)


def test_a_wrong_key_stops_a_recipe_run_with_exit_code_2(tmp_path):
    with TestServer(api_key=SECRET, latency=0.05) as server:
        path = write_recipe(tmp_path, server.url, target=200, api_key_env="TEST_TEACHER_KEY")
        result = cli("run", str(path), "--out", str(tmp_path / "run"), "--plain",
                     env={"TEST_TEACHER_KEY": "sk-test-WRONG-0000000000",
                          "SYNTHFORGE_CACHE": str(tmp_path / "cache.sqlite3")})
        sent = requests_at(server)
    assert result.returncode == 2, result.stderr
    assert "answered 401" in result.stderr and "$TEST_TEACHER_KEY" in result.stderr
    assert "WRONG" not in result.stderr + result.stdout
    assert sent == 1
    assert sf.open_run(str(tmp_path / "run")).stop_reason is None  # resumable, nothing done


# -- refusals and structured output ---------------------------------------------------------

def test_an_answer_cut_at_max_tokens_is_refused_with_its_text(server):
    with pytest.raises(Refused) as info:
        ask(make(server.url, max_tokens=3))
    assert info.value.kind == "finish_length" and 0 < len(info.value.raw or "") <= 12


def test_content_filter_is_refused_with_its_text():
    filtered = Stub(lambda body, headers: (200, chat_answer("I can't", "content_filter")))
    with filtered as stub, pytest.raises(Refused) as info:
        ask(make(stub.url))
    assert info.value.kind == "content_filter" and info.value.raw == "I can't"


def test_json_schema_response_format(server):
    answer = ask(make(server.url), "A question about rivers.", schema=SCHEMA)
    assert set(answer.choices[0].parsed) >= {"question", "answer"}
    with Stub(lambda body, headers: (200, chat_answer('{"question": "q", "answer": "a"}'))
              ) as stub:
        ask(make(stub.url), schema=SCHEMA)
        body = stub.seen[0][2]
    assert body["response_format"]["json_schema"]["schema"] == SCHEMA


def no_response_format(text: Callable[[dict[str, Any]], str]) -> Reply:
    """A server that refuses `response_format` with 400 and answers `text(body)` otherwise."""

    def reply(body: dict[str, Any], headers: dict[str, str]) -> tuple[int, Any]:
        if "response_format" in body:
            return 400, {"error": {"message": "response_format is not supported"}}
        return 200, chat_answer(text(body))

    return reply


def test_fallback_to_instructions_when_response_format_is_refused():
    fenced = '```json\n{"question": "Why?", "answer": "Because."}\n```'
    with Stub(no_response_format(lambda body: "Sure! " + fenced)) as stub:
        teacher = make(stub.url)

        async def two(t: OpenAITeacher) -> list[Completion]:
            return [await t.complete(Request(messages=msgs(f"q{i}"), schema=SCHEMA))
                    for i in range(2)]

        answers = drive(teacher, two)
        bodies = [body for _, _, body in stub.seen]
    assert [a.choices[0].parsed for a in answers] == [{"question": "Why?",
                                                       "answer": "Because."}] * 2
    assert ["response_format" in b for b in bodies] == [True, False, False]  # learnt once
    assert "JSON Schema" in bodies[1]["messages"][-1]["content"]


def test_one_repair_request_then_parse_error_with_the_raw_answer():
    def repaired(body: dict[str, Any]) -> str:
        last = body["messages"][-1]["content"]
        return '{"question": "q", "answer": "a"}' if "not valid" in last else "no JSON here"

    with Stub(no_response_format(repaired)) as stub:
        answer = ask(make(stub.url), schema=SCHEMA)
        assert len(stub.seen) == 3  # refused response_format, unparsable answer, repair
    assert answer.choices[0].parsed == {"question": "q", "answer": "a"}
    assert answer.prompt_tokens == 20  # both answers are paid for and counted
    with Stub(no_response_format(lambda body: '{"question": 1}')) as stub:
        with pytest.raises(Refused) as info:
            ask(make(stub.url, structured="instructions"), schema=SCHEMA)
        assert len(stub.seen) == 2  # the answer and one repair, no more
    assert info.value.kind == "parse_error" and info.value.raw == '{"question": 1}'


def test_json_cut_at_max_tokens_is_finish_length_not_a_repair(server):
    with pytest.raises(Refused) as info:
        ask(make(server.url, max_tokens=2), schema=SCHEMA)
    assert info.value.kind == "finish_length" and requests_at(server) == 1


# -- the cache ------------------------------------------------------------------------------

def test_the_cache_key_covers_what_shapes_a_request(tmp_path, monkeypatch):
    cache = Cache(tmp_path / "cache.sqlite3")
    with TestServer() as server, TestServer() as other:
        def sent_after(url: str = server.url, text: str = "hello", **kw: Any) -> int:
            request = {k: kw.pop(k) for k in ("schema", "sample", "params") if k in kw}
            ask(make(url, cache=cache, **kw), text, **request)
            return requests_at(server) + requests_at(other)

        assert sent_after() == 1
        assert sent_after() == 1  # identical: a hit
        assert sent_after(text="hello!") == 2
        assert sent_after(model="other-model") == 3
        assert sent_after(temperature=0.5) == 4
        assert sent_after(params={"top_k": 3}) == 5
        assert sent_after(schema=SCHEMA) == 6
        assert sent_after(sample=1) == 7
        assert sent_after(endpoint="completions") == 8
        assert sent_after(url=other.url) == 9  # another endpoint
        monkeypatch.setenv("KEY_A", "sk-test-key-A")
        monkeypatch.setenv("KEY_B", "sk-test-key-B")
        assert sent_after(text="keyed", api_key_env="KEY_A") == 10
        assert sent_after(text="keyed", api_key_env="KEY_B") == 10  # keys are not in keys
        assert sent_after(timeout=5, max_retries=1, concurrency=3) == 10  # how, not what
        hit = ask(make(server.url, cache=cache))
    assert hit.cached and hit.cost == 0 and hit.attempts == 0
    raw = (tmp_path / "cache.sqlite3").read_bytes()
    assert b"sk-test-key" not in raw


def test_many_identical_requests_at_once_are_sent_once(tmp_path):
    cache = Cache(tmp_path / "cache.sqlite3")
    with TestServer(latency=0.1) as server:
        async def crowd(t: OpenAITeacher) -> list[Completion]:
            return await asyncio.gather(*(t.complete(Request(messages=msgs("same")))
                                          for _ in range(200)))

        answers = drive(make(server.url, cache=cache), crowd)
        assert requests_at(server) == 1
    assert len({a.text for a in answers}) == 1
    assert sum(not a.cached for a in answers) == 1 and cache.stats()["answers"] == 1
    with TestServer(latency=0.1) as server:  # without a cache every request goes out
        drive(make(server.url), crowd)
        assert requests_at(server) == 200


WRITER = """
import sys
from synthforge.teachers.cache import Cache
cache = Cache(sys.argv[1])
for i in range(10**9):
    cache.put(f"{sys.argv[2]}-{i}", "m", {"choices": [["text " * 50, "stop", None, None]],
              "model": "m", "prompt_tokens": 1, "completion_tokens": 2, "cost": 0.0})
    if i % 100 == 0:
        print(i, flush=True)
"""


def test_cache_writers_in_parallel_and_killed_leave_a_sound_cache(tmp_path):
    path = tmp_path / "cache.sqlite3"
    Cache(path)
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), name],
                                stdout=subprocess.PIPE, text=True) for name in "ab"]
    lines = {name: [] for name in "ab"}
    for name, writer in zip("ab", writers, strict=True):
        assert writer.stdout is not None
        while len(lines[name]) < 5:
            lines[name].append(int(writer.stdout.readline()))
    for writer in writers:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    cache = Cache(path)
    for name in "ab":  # everything reported written is there and readable
        assert cache.get(f"{name}-{lines[name][-1]}")["choices"][0][1] == "stop"
    assert cache.stats()["answers"] >= 2 * (lines["a"][-1] + 1) - 1


def write_recipe(root: Path, url: str, *, target: int = 20, name: str = "teach",
                 **teacher: Any) -> Path:
    recipe = {"name": name, "seed": 3, "target": target,
              "mix": [{"generator": "template", "params": {
                  "fields": {"topic": "topic {n}"}, "slots": {"n": {"randint": [1, 10**9]}}}}],
              "steps": [{"teacher": {"teacher": {"model": "test-model", "base_url": url,
                                                 "api_key_env": None, "max_tokens": 1000,
                                                 **teacher},
                                     "prompt": "Write a paragraph about {topic}."}}],
              "exports": []}
    path = root / f"{name}.yaml"
    path.write_text(yaml.safe_dump(recipe), encoding="utf-8")
    return path


def test_the_cache_is_shared_across_runs_and_recipes(tmp_path, cache_file):
    with TestServer() as server:
        sf.run(write_recipe(tmp_path, server.url), tmp_path / "one")
        assert requests_at(server) == 20
        sf.run(write_recipe(tmp_path, server.url), tmp_path / "two")
        renamed = write_recipe(tmp_path, server.url, name="renamed", target=25)
        sf.run(renamed, tmp_path / "three")  # another recipe: only 5 new calls
        assert requests_at(server) == 25
    one = [r.data for r in sf.open_run(str(tmp_path / "one")).records()]
    assert [r.data for r in sf.open_run(str(tmp_path / "two")).records()] == one
    metas = [r.meta["teacher"]["teacher"] for r in sf.open_run(str(tmp_path / "two")).records()]
    assert all(m["cached"] and m["cost"] == 0 for m in metas)


def test_no_cache_and_refresh_cache_on_the_command_line(tmp_path):
    path_cache = tmp_path / "cache.sqlite3"
    env = {"SYNTHFORGE_CACHE": str(path_cache)}
    with TestServer() as server:
        recipe = write_recipe(tmp_path, server.url, target=10)

        def run(out: str, *flags: str) -> int:
            before = requests_at(server)
            result = cli("run", str(recipe), "--out", str(tmp_path / out), "--quiet", *flags,
                         env=env)
            assert result.returncode == 0, result.stderr
            return requests_at(server) - before

        assert run("off", "--no-cache") == 10
        assert not path_cache.exists() or Cache(path_cache).stats()["answers"] == 0
        assert run("first") == 10
        stamps = sqlite3.connect(path_cache).execute("SELECT created FROM answers").fetchall()
        assert run("again") == 0
        assert run("refreshed", "--refresh-cache") == 10
        after = sqlite3.connect(path_cache).execute("SELECT created FROM answers").fetchall()
    assert len(after) == 10 and min(after) > max(stamps)  # overwritten, not added


# -- flow control ---------------------------------------------------------------------------

def many(n: int, prefix: str = "q") -> Callable[[OpenAITeacher], Awaitable[list[Completion]]]:
    async def go(t: OpenAITeacher) -> list[Completion]:
        return await asyncio.gather(*(t.complete(Request(messages=msgs(f"{prefix} {i}")))
                                      for i in range(n)))

    return go


def test_requests_overlap_up_to_the_ceiling():
    server = start_process(latency=0.2)
    try:
        start = time.monotonic()
        answers = drive(make(server.url, concurrency=64), many(640))
        elapsed = time.monotonic() - start
        stats = server.stats()
    finally:
        server.stop()
    assert len(answers) == 640 and stats["requests"] == 640
    assert 62 <= stats["peak_in_flight"] <= 64
    assert elapsed < 3.0  # 10 round trips + the probe = 2.2 s; batch-and-wait would be far more


def test_the_limit_comes_down_on_a_saturated_server_and_nothing_is_lost():
    server = start_process(latency=0.05, capacity=16, faults=Faults(retry_after=0.1))
    try:
        async def go(t: OpenAITeacher) -> tuple[list[Completion], Any]:
            return await many(400)(t), t._limit()

        answers, limit = drive(make(server.url, concurrency=64), go)
        stats = server.stats()
    finally:
        server.stop()
    assert len(answers) == 400 and all(a.text for a in answers)
    assert limit.decreases >= 1 and limit.limit < 40
    assert stats["by_status"]["200"] == 400
    assert stats["capacity_rejections"] < 400  # backed off, not a storm of retries


def test_sporadic_429s_do_not_collapse_the_limit():
    with faulty(rate_429=0.1, retry_after=0.05) as server:
        async def go(t: OpenAITeacher) -> tuple[list[Completion], Any]:
            return await many(600)(t), t._limit()

        answers, limit = drive(make(server.url, concurrency=64), go)
        faults = server.stats()["faults"]["429"]
    assert len(answers) == 600 and faults > 30
    assert limit.decreases == 0 and limit.limit == 64


def test_rpm_paces_requests():
    with TestServer() as server:
        start = time.monotonic()
        drive(make(server.url, rpm=1200), many(60))  # 20/s, a burst of 20
        elapsed = time.monotonic() - start
    assert 1.9 <= elapsed <= 3.5  # the 40 after the burst take 2 s


def test_tpm_paces_by_estimated_tokens():
    with TestServer() as server:
        start = time.monotonic()
        # each request is estimated at ~1,010 tokens (its bytes / 4 + max_tokens)
        drive(make(server.url, tpm=600_000, max_tokens=1000), many(30))
        elapsed = time.monotonic() - start
    assert 1.8 <= elapsed <= 3.5  # 10,000 tokens/s with a burst of 10,000


def test_a_take_larger_than_the_bucket_pays_its_debt():
    async def go() -> float:
        bucket = TokenBucket(per_minute=60_000, burst_seconds=0.1)  # 1,000/s, holds 100
        start = time.monotonic()
        for _ in range(3):
            await bucket.take(200)
        return time.monotonic() - start

    assert asyncio.run(go()) >= 0.38  # 600 units at 1,000/s, less the 100 saved


# -- accounting -----------------------------------------------------------------------------

def test_cost_from_an_explicit_price_and_from_the_table(tmp_path, monkeypatch):
    with TestServer() as server:
        priced = ask(make(server.url, price=Price(input=1.0, output=2.0)))
        assert priced.cost == pytest.approx((priced.prompt_tokens + 2 * priced.completion_tokens)
                                            / 1e6)
        mini = ask(make(server.url, model="gpt-4o-mini"))
        assert mini.cost == pytest.approx((0.15 * mini.prompt_tokens
                                           + 0.60 * mini.completion_tokens) / 1e6)
        assert ask(make(server.url, model="my-local-model")).cost == 0.0
        prices = tmp_path / "prices.yaml"
        prices.write_text("my-local-*: {input: 3, output: 4}\n")
        monkeypatch.setenv("SYNTHFORGE_PRICES", str(prices))
        local = ask(make(server.url, model="my-local-model"))
    assert local.cost == pytest.approx((3 * local.prompt_tokens + 4 * local.completion_tokens)
                                       / 1e6)


def test_dry_run_estimates_and_sends_nothing(tmp_path):
    with TestServer() as server:
        recipe = write_recipe(tmp_path, server.url, target=1000, model="gpt-4o-mini",
                              max_tokens=500)
        result = cli("run", str(recipe), "--dry-run")
        assert requests_at(server) == 0
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "dry run" in out and "nothing sent" in out and "gpt-4o-mini" in out
    target_row = next(line for line in out.splitlines() if "target" in line)
    # 1,000 calls, 500 answer tokens each at $0.60/M = $0.30, plus the prompts (~14 tokens)
    assert "1,000" in target_row and "500,000" in target_row and "0.30" in target_row
    assert not (tmp_path / "runs").exists()


# -- secrets stay out (invariant 6) ---------------------------------------------------------

def test_the_api_key_never_reaches_files_logs_or_the_cache(tmp_path):
    cache = tmp_path / "cache.sqlite3"
    with TestServer(api_key=SECRET, faults=Faults(rate_500=0.2, retry_after=0.01)) as server:
        path = write_recipe(tmp_path, server.url, target=30, api_key_env="TEST_TEACHER_KEY",
                            max_retries=0)
        recipe = yaml.safe_load(path.read_text())
        recipe["steps"].insert(0, {"rules": {"fields": ["topic"], "min_chars": 3}})
        path.write_text(yaml.safe_dump(recipe))
        env = {"TEST_TEACHER_KEY": SECRET, "SYNTHFORGE_CACHE": str(cache)}
        result = cli("run", str(path), "--out", str(tmp_path / "run"), "--plain", env=env)
        assert result.returncode == 0, result.stderr
        assert server.stats()["by_status"].get("401") is None  # the key was sent and right
    run = sf.open_run(str(tmp_path / "run"))
    assert run.counts["accepted"] == 30 and run.counts["failed"] > 0  # errors were written
    report = cli("report", str(tmp_path / "run"), env=env)
    show = cli("show", str(tmp_path / "run"), "--rejected", "--json", env=env)
    texts = [result.stdout, result.stderr, report.stdout, report.stderr, show.stdout]
    files = [p for p in (tmp_path / "run").rglob("*") if p.is_file()]
    files += [p for p in tmp_path.glob("cache.sqlite3*") if p.is_file()]
    assert len(files) > 5 and any(p.name == "report.html" for p in files)
    for file in files:
        assert SECRET.encode() not in file.read_bytes(), file
    for text in texts:
        assert SECRET not in text
    assert b"sk-test-SECRET" not in orjson.dumps(os.listdir(tmp_path))
