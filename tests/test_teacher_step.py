"""The `teacher` step end to end: `synthforge.run(recipe, out)` against local servers."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiohttp import web

import synthforge as sf
from synthforge.teachers import backends
from synthforge.teachers.testserver import TestServer

SCHEMA = {"type": "object", "required": ["question", "answer", "difficulty"],
          "properties": {"question": {"type": "string"}, "answer": {"type": "string"},
                         "difficulty": {"type": "integer", "minimum": 1, "maximum": 5}}}


@sf.generator("t_topics")
def topics(k: int, rng, *, missing_every: int = 0):
    """Test source: a topic and a level; every `missing_every`-th item has no topic."""
    data = {"topic": f"topic {k}", "level": rng.choice(["easy", "hard"])}
    if missing_every and k % missing_every == 0:
        del data["topic"]
    return data


def teacher_step(url: str, *, teacher: dict[str, Any] | None = None, **step: Any
                 ) -> dict[str, Any]:
    config = {"model": "test-model", "base_url": url, "api_key_env": None, "max_tokens": 1000,
              **(teacher or {})}
    return {"teacher": {"teacher": config, **step}}


def recipe(*steps: dict[str, Any], target: int = 20, **extra: Any) -> dict[str, Any]:
    return {"name": "teach", "seed": 1, "target": target,
            "mix": [{"generator": "t_topics", "params": extra.pop("params", {})}],
            "steps": list(steps), "exports": [], **extra}


def rows(path: Path, folder: str) -> list[dict[str, Any]]:
    return [orjson.loads(line) for shard in sorted((path / folder).glob("*"))
            for line in shard.read_bytes().splitlines()]


@pytest.fixture(autouse=True)
def cache_file(tmp_path, monkeypatch) -> Path:
    """A fresh answer cache per test."""
    path = tmp_path / "cache.sqlite3"
    monkeypatch.setenv("SYNTHFORGE_CACHE", str(path))
    monkeypatch.setattr(backends, "_caches", {})  # make_teacher memoises the default path
    return path


@pytest.fixture
def server():
    with TestServer() as running:
        yield running


class Echo:
    """A real HTTP server that answers every chat request with its messages, as JSON."""

    def __enter__(self) -> Echo:
        ready = threading.Event()

        async def handle(request: web.Request) -> web.Response:
            body = await request.json()
            text = orjson.dumps(body["messages"]).decode()
            return web.json_response({"model": body["model"], "choices": [
                {"index": 0, "message": {"role": "assistant", "content": text},
                 "finish_reason": "stop"}], "usage": {"prompt_tokens": 1,
                                                       "completion_tokens": 1}})

        def main() -> None:
            loop = self.loop = asyncio.new_event_loop()
            app = web.Application()
            app.router.add_post("/v1/chat/completions", handle)
            runner = web.AppRunner(app)
            loop.run_until_complete(runner.setup())
            loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", 0).start())
            self.url = f"http://127.0.0.1:{runner.addresses[0][1]}/v1"
            ready.set()
            loop.run_forever()
            loop.run_until_complete(runner.cleanup())

        self.thread = threading.Thread(target=main, daemon=True)
        self.thread.start()
        ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


# -- prompts and where answers go -----------------------------------------------------------

def test_prompt_templates_over_fields_meta_and_id(tmp_path):
    with Echo() as echo:
        run = sf.run(recipe(teacher_step(
            echo.url, system="You teach {level} lessons.",
            prompt="Explain {topic} ({meta.source}, {id}).", output="sent")), tmp_path / "run")
    records = list(run.records())
    assert len(records) == 20
    for record in records:
        sent = orjson.loads(record.data["sent"])
        assert sent == [
            {"role": "system", "content": f"You teach {record.data['level']} lessons."},
            {"role": "user", "content": f"Explain {record.data['topic']} (t_topics, "
                                        f"{record.id})."}]
        assert "response" not in record.data


def test_the_messages_form(tmp_path):
    conversation = [{"role": "system", "content": "Be brief."},
                    {"role": "user", "content": "Name a {level} fact."},
                    {"role": "assistant", "content": "Which subject?"},
                    {"role": "user", "content": "{topic}, please."}]
    with Echo() as echo:
        run = sf.run(recipe(teacher_step(echo.url, messages=conversation)), tmp_path / "run")
    record = next(iter(run.records()))
    assert [m["content"] for m in orjson.loads(record.data["response"])] == [
        "Be brief.", f"Name a {record.data['level']} fact.", "Which subject?",
        f"{record.data['topic']}, please."]


def test_schema_and_fields_map_the_answer_into_record_fields(tmp_path, server):
    step = teacher_step(server.url, prompt="A question about {topic}.", schema=SCHEMA,
                        fields={"question": "instruction", "answer": "response",
                                "difficulty": "difficulty"})
    run = sf.run(recipe(step), tmp_path / "run")
    for record in run.records():
        assert isinstance(record.data["instruction"], str) and record.data["response"]
        assert 1 <= record.data["difficulty"] <= 5 and "question" not in record.data
    default = sf.run(recipe(teacher_step(server.url, prompt="{topic}", schema=SCHEMA)),
                     tmp_path / "default")
    assert all({"question", "answer", "difficulty"} <= set(r.data) for r in default.records())


def test_samples_give_a_list_of_answers(tmp_path, server):
    step = teacher_step(server.url, prompt="A line about {topic}.", samples=3,
                        teacher={"seed": 5})
    run = sf.run(recipe(step, target=10), tmp_path / "run")
    for record in run.records():
        answers = record.data["response"]
        assert isinstance(answers, list) and len(answers) == 3 and len(set(answers)) == 3
        assert record.meta["teacher"]["teacher"]["finish_reason"] == ["stop"] * 3
    assert server.stats()["requests"] == 30


def test_meta_teacher_accounts_tokens_and_cost_per_step(tmp_path, server):
    price = {"input": 2.0, "output": 8.0}
    steps = [teacher_step(server.url, prompt="Ask about {topic}.", output="question",
                          name="ask", teacher={"price": price}),
             teacher_step(server.url, prompt="Answer: {question}", output="answer",
                          name="answer", teacher={"model": "other", "price": price})]
    run = sf.run(recipe(*steps), tmp_path / "run")
    stats = server.stats()
    records = list(run.records())
    assert stats["requests"] == 40
    total = {"prompt_tokens": 0, "completion_tokens": 0, "cost": 0.0}
    for record in records:
        ask, answer = record.meta["teacher"]["ask"], record.meta["teacher"]["answer"]
        assert ask["model"] == "test-model" and answer["model"] == "other"
        for call in (ask, answer):
            assert call["cached"] is False and call["attempts"] == 1
            assert call["cost"] == pytest.approx(
                (2 * call["prompt_tokens"] + 8 * call["completion_tokens"]) / 1e6, abs=1e-8)
            for key in total:
                total[key] += call[key]
    assert total["prompt_tokens"] == stats["tokens"]["prompt"]
    assert total["completion_tokens"] == stats["tokens"]["completion"]
    assert run.counts["cost"] == pytest.approx(total["cost"], abs=1e-6)
    again = sf.run(recipe(*steps), tmp_path / "again")  # all from the cache: free
    assert again.counts["cost"] == 0 and server.stats()["requests"] == 40
    assert all(r.meta["teacher"]["ask"]["cached"] for r in again.records())


# -- rejects --------------------------------------------------------------------------------

def test_a_missing_prompt_field_is_a_reject(tmp_path, server):
    run = sf.run(recipe(teacher_step(server.url, prompt="About {topic}."),
                        params={"missing_every": 4}), tmp_path / "run")
    rejected = rows(tmp_path / "run", "rejected")
    assert rejected and all(r["reason"].startswith("missing_field") for r in rejected)
    assert "topic" in rejected[0]["reason"] and rejected[0]["stage"] == "teacher"
    assert server.stats()["requests"] == run.counts["accepted"] == 20  # no call for those


def test_an_answer_cut_at_max_tokens_is_a_reject_with_its_text(tmp_path, server):
    step = teacher_step(server.url, prompt="About {topic}.", teacher={"max_tokens": 60})
    run = sf.run(recipe(step, target=30), tmp_path / "run")
    rejected = rows(tmp_path / "run", "rejected")
    assert rejected and run.counts["rejected"] == len(rejected)
    for row in rejected:
        assert row["fate"] == "rejected" and row["reason"].startswith("finish_length")
        raw = row["meta"]["teacher_raw"]["teacher"]
        assert 200 < len(raw) <= 240  # the text as far as it went
        assert row["meta"]["teacher"]["teacher"]["finish_reason"] == ["length"]
    assert all(len(r.data["response"]) <= 240 for r in run.records())


# -- budget and target ----------------------------------------------------------------------

def priced(url: str, max_cost: float | None, target: int = 200) -> dict[str, Any]:
    step = teacher_step(url, prompt="About {topic}.", concurrency=8,  # about $0.07 a call
                        teacher={"price": {"input": 1000.0, "output": 1000.0}})
    budget = {"max_cost": max_cost} if max_cost else {}
    return recipe(step, target=target, budget=budget, run={"batch_size": 20})


def test_the_cost_budget_stops_and_a_larger_one_resumes_paying_nothing_twice(
        tmp_path, monkeypatch):
    with TestServer(latency=0.01) as server:
        stopped = sf.run(priced(server.url, 5.0), tmp_path / "run")
        first = server.stats()["requests"]
        assert stopped.stop_reason == "cost" and 0 < stopped.counts["accepted"] < 200
        # committed batches (~$1.4 each); calls in flight when the limit was crossed finish
        assert 2.0 <= stopped.counts["cost"] <= 5.0 + 8 * 0.1
        done = sf.run(priced(server.url, 100.0), tmp_path / "run")
        total = server.stats()["requests"]
    assert done.stop_reason == "target" and done.counts["accepted"] == 200
    assert first < total == 200  # every call sent once, over both runs
    monkeypatch.setenv("SYNTHFORGE_CACHE", str(tmp_path / "fresh.sqlite3"))
    monkeypatch.setattr(backends, "_caches", {})
    with TestServer(latency=0.01) as server:
        straight = sf.run(priced(server.url, None), tmp_path / "straight")
    assert [(r.index, r.data) for r in straight.records()] == [(r.index, r.data)
                                                               for r in done.records()]


def test_no_calls_for_attempts_past_the_target(tmp_path, server):
    step = teacher_step(server.url, prompt="About {topic}.", teacher={"max_tokens": 75})
    run = sf.run(recipe(step, target=50), tmp_path / "run")
    counts = run.counts
    assert counts["accepted"] == 50 and counts["rejected"] > 0  # some answers were cut
    assert server.stats()["requests"] == counts["attempted"] == 50 + counts["rejected"]
