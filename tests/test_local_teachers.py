"""In-process teachers (transformers, vLLM) on a tiny model built here, and the LiteLLM adapter
with a fake `litellm` module. No download: the model is trained and saved in a temp folder."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import time
import types
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import pytest

import synthforge as sf
from synthforge.errors import UserError
from synthforge.teachers import backends, local
from synthforge.teachers.cache import Cache
from synthforge.teachers.config import TeacherConfig
from synthforge.teachers.local_batch import Batcher, Engine
from synthforge.teachers.types import (
    AuthFailed,
    Completion,
    Refused,
    Request,
    TeacherError,
)

pytest.importorskip("torch")
pytest.importorskip("transformers")

from tiny_model import build_tiny_model


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    """A 2-layer GPT-2 with random weights and a trained BPE tokenizer with a chat template."""
    return build_tiny_model(tmp_path_factory.mktemp("models") / "tiny")


@pytest.fixture(autouse=True)
def cache_file(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "cache.sqlite3"
    monkeypatch.setenv("SYNTHFORGE_CACHE", str(path))
    monkeypatch.setattr(backends, "_caches", {})
    return path


def config(model: Path | str, **fields: Any) -> TeacherConfig:
    settings = {"backend": "transformers", "max_tokens": 8, "api_key_env": None, **fields}
    return TeacherConfig(model=str(model), **settings)


def teacher(model: Path, *, cache: Cache | None = None, **fields: Any
            ) -> local.TransformersTeacher:
    return local.TransformersTeacher(config(model, **fields), cache=cache,
                                     cache_mode="use" if cache else "off", device="cpu")


def chat(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


async def answer(t: Any, request: Request) -> tuple[str, str, Completion]:
    """(text, finish reason, completion), also for an answer refused as cut."""
    try:
        c = await t.complete(request)
        return c.text, c.choices[0].finish_reason or "", c
    except Refused as exc:
        assert exc.completion is not None
        return exc.raw or "", exc.kind, exc.completion


def count_generate(t: local.TransformersTeacher, monkeypatch) -> list[int]:
    """Load the model now and count its generate() calls (and the rows of each)."""
    t.engine.ensure_loaded()
    model, calls = t.engine.model, []
    real = model.generate

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(len(kwargs["input_ids"]))
        return real(*args, **kwargs)

    monkeypatch.setattr(model, "generate", spy)
    return calls


# -- loading, batching -----------------------------------------------------------------------

def test_concurrent_requests_are_generated_in_batches(tiny_model, monkeypatch):
    t = teacher(tiny_model, temperature=0.8, seed=3)
    calls = count_generate(t, monkeypatch)
    requests = [Request(messages=chat(f"Say word {i}"), params={"max_tokens": 4 + i % 3})
                for i in range(12)]

    async def main() -> list[tuple[str, str, Completion]]:
        return await asyncio.gather(*(answer(t, r) for r in requests))

    results = asyncio.run(main())
    assert len(results) == 12 and sum(calls) == 12
    assert len(calls) < len(requests)  # batched: fewer generate() calls than requests
    for request, (text, reason, completion) in zip(requests, results, strict=True):
        assert reason == "finish_length" and text  # the tiny model never ends by itself
        assert completion.completion_tokens == request.params["max_tokens"]
        assert completion.prompt_tokens > 0 and completion.cost == 0
    asyncio.run(t.close())


def test_batch_size_bounds_a_batch_and_a_new_event_loop_works(tiny_model, monkeypatch):
    t = local.TransformersTeacher(config(tiny_model, temperature=0), cache_mode="off",
                                  batch_size=4)
    calls = count_generate(t, monkeypatch)

    async def main() -> None:
        await asyncio.gather(*(answer(t, Request(messages=chat(f"Hi {i}"))) for i in range(8)))

    for _ in range(2):  # one asyncio.run after another: the batcher follows the loop
        asyncio.run(asyncio.wait_for(main(), 60))
    assert calls == [4, 4, 4, 4]
    asyncio.run(t.close())


def test_loading_errors_are_clear(tmp_path, monkeypatch):
    t = teacher(tmp_path / "no-such-model")
    with pytest.raises(local.ModelLoadError, match="cannot load the model"):
        asyncio.run(t.complete(Request(prompt="hi")))
    with pytest.raises(UserError, match="unsupported parameter 'frequency_penalty'"):
        teacher(tmp_path, extra_body={"frequency_penalty": 1.0})
    real = local.importlib.util.find_spec
    monkeypatch.setattr(local.importlib.util, "find_spec",
                        lambda name: None if name == "transformers" else real(name))
    with pytest.raises(local.MissingExtra, match=r"synthforge\[local\]"):
        teacher(tmp_path)


# -- generation parameters ---------------------------------------------------------------------

def test_a_seed_gives_the_same_answer_in_any_batch(tiny_model):
    t = teacher(tiny_model, temperature=1.0, max_tokens=10)
    ask = Request(messages=chat("Tell me a story"), params={"seed": 11})

    async def main() -> tuple[list[str], list[str]]:
        alone = [(await answer(t, ask))[0] for _ in range(2)]
        others = [Request(messages=chat("x " * (i * 5)), params={"seed": i}) for i in range(5)]
        crowd = await asyncio.gather(*(answer(t, r) for r in [*others, ask]))
        seeds = await asyncio.gather(*(answer(t, Request(messages=chat("Tell me a story"),
                                                         params={"seed": s})) for s in (1, 2)))
        return [*alone, crowd[-1][0]], [s[0] for s in seeds]

    same, different = asyncio.run(main())
    assert same[0] == same[1] == same[2]  # alone, again, and padded among longer prompts
    assert len({same[0], *different}) == 3
    asyncio.run(t.close())


def test_n_choices_are_seeded_apart_and_greedy_is_deterministic(tiny_model):
    t = teacher(tiny_model, temperature=1.0, seed=5, n=3)
    greedy = teacher(tiny_model, temperature=0)

    async def main() -> tuple[list[str], list[str], list[str]]:
        first = (await answer(t, Request(messages=chat("Three ideas"))))[2]
        again = (await answer(t, Request(messages=chat("Three ideas"))))[2]
        g = [(await answer(greedy, Request(messages=chat("Hello"))))[0] for _ in range(2)]
        return [c.text for c in first.choices], [c.text for c in again.choices], g

    first, again, g = asyncio.run(main())
    assert first == again and len(set(first)) == 3
    assert g[0] == g[1]
    asyncio.run(t.close())
    asyncio.run(greedy.close())


def test_max_tokens_cut_is_refused_as_finish_length(tiny_model):
    t = teacher(tiny_model, temperature=0, max_tokens=5)
    with pytest.raises(Refused) as caught:
        asyncio.run(t.complete(Request(messages=chat("Write an essay"))))
    assert caught.value.kind == "finish_length" and caught.value.raw
    assert caught.value.completion.completion_tokens == 5
    with pytest.raises(TeacherError, match="context_length"):
        asyncio.run(t.complete(Request(messages=chat("x"), params={"max_tokens": 1000})))
    asyncio.run(t.close())


def test_stop_strings_cut_the_answer(tiny_model):
    t = teacher(tiny_model, temperature=0, max_tokens=16)
    ask = chat("Name a colour")
    full, reason, _ = asyncio.run(answer(t, Request(messages=ask)))
    assert reason == "finish_length" and len(full.strip()) > 6
    stop = next(full[i:i + 2] for i in range(3, len(full) - 1) if " " not in full[i:i + 2])
    completion = asyncio.run(t.complete(Request(messages=ask, params={"stop": [stop]})))
    assert completion.text == full[: full.find(stop)]
    assert completion.choices[0].finish_reason == "stop"
    assert completion.completion_tokens < 16  # generation stopped early, not only the text
    asyncio.run(t.close())


def test_chat_template_or_a_plain_fallback(tiny_model):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_model)
    messages = [{"role": "system", "content": "Be brief."}, *chat("Say hello")]
    row = local.Row(messages=messages, prompt=None, max_new_tokens=4)
    text = tokenizer.decode(local.prompt_ids(tokenizer, row))
    assert text == "<|system|>Be brief.\n<|user|>Say hello\n<|assistant|>"
    tokenizer.chat_template = None
    plain = tokenizer.decode(local.prompt_ids(tokenizer, row))
    assert plain == "system: Be brief.\nuser: Say hello\nassistant:"
    raw = local.Row(messages=None, prompt="Once upon a time", max_new_tokens=4)
    assert tokenizer.decode(local.prompt_ids(tokenizer, raw)) == "Once upon a time"
    t = teacher(tiny_model, temperature=0, max_tokens=3)
    c = asyncio.run(answer(t, Request(messages=messages)))[2]
    assert c.prompt_tokens == len(tokenizer(text, add_special_tokens=False)["input_ids"])
    asyncio.run(t.close())


# -- the cache ------------------------------------------------------------------------------

def test_a_repeated_request_is_answered_from_the_cache(tiny_model, tmp_path, monkeypatch):
    cache = Cache(tmp_path / "answers.sqlite3")
    t = teacher(tiny_model, cache=cache, temperature=0, stop=["e"], max_tokens=30)
    calls = count_generate(t, monkeypatch)
    ask = Request(messages=chat("Say something"))
    first = asyncio.run(t.complete(ask))
    again = asyncio.run(t.complete(ask))
    assert not first.cached and again.cached and again.text == first.text
    assert len(calls) == 1 and t.calls == 1
    with pytest.raises(Refused):  # a refused answer is cached too: not generated twice
        asyncio.run(t.complete(Request(messages=chat("Say"), params={"max_tokens": 2})))
    with pytest.raises(Refused):
        asyncio.run(t.complete(Request(messages=chat("Say"), params={"max_tokens": 2})))
    assert len(calls) == 2
    asyncio.run(t.close())


def test_a_changed_model_does_not_reuse_answers(tiny_model, tmp_path):
    copy = tmp_path / "tiny"
    shutil.copytree(tiny_model, copy)
    identity = asyncio.run(teacher(copy).identity())
    assert identity["model"] == str(copy) and identity["backend"] == "transformers"
    assert asyncio.run(teacher(copy).identity()) == identity  # stable
    config_file = copy / "generation_config.json"
    config_file.write_text(config_file.read_text().replace("{", '{"top_k": 3,', 1))
    assert asyncio.run(teacher(copy).identity())["files"] != identity["files"]


# -- structured output: with a scripted engine ------------------------------------------------

class ScriptedEngine(Engine):
    """Answers rows from a list of texts, in order; records the rows it saw."""

    def __init__(self, texts: list[str]):
        super().__init__()
        self.texts, self.rows = list(texts), []

    def load(self) -> None:
        pass

    def generate(self, rows: list[local.Row]) -> list[local.RowResult]:
        self.rows += rows
        return [local.RowResult(self.texts.pop(0), "stop", 3, 2) for _ in rows]


class Scripted(local.LocalTeacher):
    backend, modules, default_batch_size = "transformers", (), 8

    def make_engine(self, model: str, **options: Any) -> Engine:
        return ScriptedEngine(options["texts"])

    async def identity(self) -> dict[str, Any]:
        return {"backend": "scripted"}


def test_structured_output_with_instructions_and_one_repair():
    schema = {"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}}}
    t = Scripted(config("scripted"), texts=["not json", 'Here: {"a": 7}'])
    c = asyncio.run(t.complete(Request(messages=chat("Give a"), schema=schema)))
    assert c.choices[0].parsed == {"a": 7} and c.prompt_tokens == 6
    first, repair = t.engine.rows
    assert "JSON Schema" in first.messages[-1]["content"]
    assert repair.messages[-2] == {"role": "assistant", "content": "not json"}
    bad = Scripted(config("scripted-2"), texts=["no", "still no"])
    with pytest.raises(Refused, match="parse_error"):
        asyncio.run(bad.complete(Request(messages=chat("Give a"), schema=schema)))


def test_batcher_gives_each_item_its_own_error():
    def fn(items: list[int]) -> list[Any]:
        return [ValueError(f"bad {i}") if i % 2 else i * 10 for i in items]

    engine = Engine()
    batcher = Batcher(fn, executor=engine.executor, batch_size=3, max_wait=0.01)

    async def main() -> list[Any]:
        return await asyncio.gather(*(batcher.submit(i) for i in range(5)),
                                    return_exceptions=True)

    out = asyncio.run(main())
    assert out[0::2] == [0, 20, 40] and all(isinstance(e, ValueError) for e in out[1::2])
    engine.unload()


# -- end to end ---------------------------------------------------------------------------

@sf.generator("t_local_words")
def words(k: int, rng):
    """Test source: one word to say."""
    return {"word": rng.choice(["apple", "river", "cloud", "stone", "light"])}


def test_a_recipe_with_a_local_teacher_runs_to_the_end(tiny_model, tmp_path):
    step = {"teacher": {"teacher": {"backend": "transformers", "model": str(tiny_model),
                                    "max_tokens": 8, "temperature": 1.0, "seed": 1,
                                    "stop": [" "], "api_key_env": None},
                        "prompt": "Say {word}", "output": "answer"}}
    recipe = {"name": "local", "seed": 1, "target": 8, "budget": {"max_attempts": 16},
              "mix": [{"generator": "t_local_words"}], "steps": [step], "exports": []}
    start = time.perf_counter()
    run = sf.run(recipe, tmp_path / "run")
    elapsed = time.perf_counter() - start
    counts = run.counts
    assert counts["accepted"] + counts["rejected"] + counts["failed"] == counts["attempted"]
    assert counts["failed"] == 0 and counts["accepted"] >= 1, counts
    records = list(run.records())
    for record in records:
        meta = record.meta["teacher"]["teacher"]
        assert isinstance(record.data["answer"], str) and meta["cost"] == 0
        assert meta["finish_reason"] == ["stop"] and meta["completion_tokens"] > 0
    again = sf.run(recipe, tmp_path / "again")  # every answer from the cache
    assert [r.data for r in again.records()] == [r.data for r in records]
    assert all(r.meta["teacher"]["teacher"]["cached"] for r in again.records())
    assert elapsed < 60


# -- vLLM: runs only where vllm and a GPU are ----------------------------------------------------

def test_vllm_missing_is_a_clear_error(monkeypatch):
    real = local.importlib.util.find_spec
    monkeypatch.setattr(local.importlib.util, "find_spec",
                        lambda name: None if name == "vllm" else real(name))
    with pytest.raises(local.MissingExtra, match=r"synthforge\[vllm\]"):
        local.VLLMTeacher(config("m", backend="vllm"), cache_mode="off")


@pytest.fixture
def vllm_teacher(tiny_model):
    pytest.importorskip("vllm")
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("vLLM needs a CUDA GPU")
    t = local.VLLMTeacher(config(tiny_model, backend="vllm", temperature=1.0), cache_mode="off",
                          gpu_memory_utilization=0.2, enforce_eager=True)
    yield t
    asyncio.run(t.close())


def test_vllm_batches_seeds_and_stops(vllm_teacher):
    t = vllm_teacher
    requests = [Request(messages=chat(f"Say {i}"), params={"seed": i}) for i in range(8)]

    async def main() -> list[tuple[str, str, Completion]]:
        return await asyncio.gather(*(answer(t, r) for r in [*requests, requests[0]]))

    results = asyncio.run(main())
    assert t.engine.batches < len(requests)
    assert results[0][0] == results[-1][0]  # same seed, same answer
    assert all(reason in ("stop", "finish_length") for _, reason, _ in results)
    full, _, _ = asyncio.run(answer(t, Request(messages=chat("Hi"),
                                               params={"temperature": 0, "max_tokens": 16})))
    stop = full[3:5]
    cut = asyncio.run(t.complete(Request(messages=chat("Hi"), params={
        "temperature": 0, "max_tokens": 16, "stop": [stop]})))
    assert cut.text == full[: full.find(stop)] and cut.choices[0].finish_reason == "stop"


# -- LiteLLM, with a fake module ------------------------------------------------------------

class FakeLiteLLM(types.ModuleType):
    """Records acompletion calls; answers with a dict shaped like LiteLLM's ModelResponse."""

    class AuthenticationError(Exception):
        status_code = 401

    class BadRequestError(Exception):
        status_code = 400

    def __init__(self, fail: Exception | None = None):
        super().__init__("litellm")
        self.calls: list[dict[str, Any]] = []
        self.fail = fail

    def supports_response_schema(self, model: str) -> bool:
        return model.startswith("anthropic/")

    def completion_cost(self, completion_response: Any) -> float:
        return 0.25

    async def acompletion(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        if self.fail is not None:
            raise self.fail
        text = "{\"a\": 1}" if "response_format" in kwargs else "hello"
        return {"model": kwargs["model"], "usage": {"prompt_tokens": 4, "completion_tokens": 2},
                "choices": [{"message": {"content": text}, "finish_reason": "stop"}]}


def litellm_teacher(monkeypatch, fake: FakeLiteLLM, **fields: Any) -> Any:
    from synthforge.teachers.litellm import LiteLLMTeacher

    monkeypatch.setitem(sys.modules, "litellm", fake)
    monkeypatch.setattr(local.importlib.util, "find_spec", lambda name: object())
    settings = {"backend": "litellm", "model": "anthropic/claude-x", "api_key_env": "FAKE_KEY",
                **fields}
    monkeypatch.setenv("FAKE_KEY", "sk-secret")
    return LiteLLMTeacher(TeacherConfig(**settings), cache=Cache(None), cache_mode="use",
                          prices={})


def test_litellm_calls_acompletion_and_caches(monkeypatch, tmp_path):
    fake = FakeLiteLLM()
    t = litellm_teacher(monkeypatch, fake, temperature=0.3, max_tokens=50)
    first = asyncio.run(t.complete(Request(messages=chat("hi"))))
    again = asyncio.run(t.complete(Request(messages=chat("hi"))))
    assert first.text == "hello" and first.cost == 0.25 and again.cached
    assert len(fake.calls) == 1
    call = fake.calls[0]
    assert call["model"] == "anthropic/claude-x" and call["messages"] == chat("hi")
    assert call["temperature"] == 0.3 and call["max_tokens"] == 50
    assert call["api_key"] == "sk-secret" and "api_base" not in call
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}}
    c = asyncio.run(t.complete(Request(messages=chat("json"), schema=schema)))
    assert c.choices[0].parsed == {"a": 1} and "response_format" in fake.calls[-1]


def test_litellm_errors(monkeypatch):
    fake = FakeLiteLLM(FakeLiteLLM.AuthenticationError("bad key sk-secret"))
    t = litellm_teacher(monkeypatch, fake)
    with pytest.raises(AuthFailed) as caught:
        asyncio.run(t.complete(Request(messages=chat("hi"))))
    assert "sk-secret" not in str(caught.value) and "FAKE_KEY" in str(caught.value)
    fake.fail = FakeLiteLLM.BadRequestError("no such model")
    with pytest.raises(TeacherError, match="http_400"):
        asyncio.run(t.complete(Request(messages=chat("other"))))


def test_litellm_missing_is_a_clear_error(monkeypatch):
    from synthforge.teachers.litellm import LiteLLMTeacher

    monkeypatch.setitem(sys.modules, "litellm", None)  # as if not installed
    real = local.importlib.util.find_spec
    monkeypatch.setattr(local.importlib.util, "find_spec",
                        lambda name: None if name == "litellm" else real(name))
    with pytest.raises(local.MissingExtra, match=r"synthforge\[litellm\]"):
        LiteLLMTeacher(TeacherConfig(backend="litellm", model="x", api_key_env=None))
