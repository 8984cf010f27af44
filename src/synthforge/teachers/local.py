"""In-process teachers: a transformers model (CPU or GPU) or a vLLM engine (GPU).

    teacher: {backend: transformers, model: ./my-model, max_tokens: 256, temperature: 0.7}

The model is loaded on first use (a run whose answers are all cached never loads it), and
shared by every teacher of the same model in the process. Requests that arrive together
are generated together (local_batch.py): each choice of each request is one row of a
batch with its own temperature, top_p, top_k, stop strings, max_tokens and seed, so a
seeded request gives the same answer whatever it is batched with. An answer cut at
max_tokens is refused (`finish_length`), as with HTTP teachers; cost is 0.

The cache key holds the backend, the model as written and a digest of the model's files
(configs and tokenizer in full, weights by size and sampled content), so answers of a
changed model are never reused, while a resumed run never generates twice.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib
import importlib.util
import secrets
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

import orjson

from synthforge.errors import UserError
from synthforge.record import derive_seed
from synthforge.teachers import structured
from synthforge.teachers.cache import Cache, cache_key
from synthforge.teachers.config import TeacherConfig
from synthforge.teachers.local_batch import Batcher, Engine, acquire, release
from synthforge.teachers.openai import _from_cache, _to_cache
from synthforge.teachers.types import Choice, Completion, Refused, Request, TeacherError

DEFAULT_MAX_TOKENS = 512  # when neither the recipe nor the request sets max_tokens
PARAMS = frozenset({"temperature", "top_p", "top_k", "max_tokens", "stop", "seed", "n",
                    "logprobs"})
EXTRAS = {"transformers": "local", "vllm": "vllm", "litellm": "litellm"}
_WHOLE_FILE = 32 << 20  # files up to this size are hashed in full, larger ones sampled
_SAMPLES, _SAMPLE = 64, 4096


class MissingExtra(UserError, ImportError):
    """An optional dependency is not installed; the message says what to install."""


class ModelLoadError(UserError):
    """A local model could not be loaded (no such folder, not a model, no GPU for vLLM)."""


def require(module: str, backend: str) -> ModuleType:
    """Import `module`, or raise MissingExtra naming the extra of `backend`."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtra(_missing(backend, module)) from exc


def check_installed(backend: str, *modules: str) -> None:
    """MissingExtra now (without importing anything) if one of `modules` is absent."""
    for module in modules:
        if importlib.util.find_spec(module) is None:
            raise MissingExtra(_missing(backend, module))


def _missing(backend: str, module: str) -> str:
    return (f"the {backend} teacher backend needs the {module} package, which is not "
            f"installed: pip install 'synthforge[{EXTRAS[backend]}]'")


# -- the model's identity ---------------------------------------------------------------------
def model_folder(name: str) -> Path | None:
    """The local folder of a model: the path itself, or a hub name's downloaded snapshot."""
    path = Path(name).expanduser()
    if path.is_dir():
        return path
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(name, local_files_only=True))
    except Exception:  # not downloaded yet, not a hub name, or no huggingface_hub
        return None


def files_fingerprint(folder: Path) -> str:
    """A digest of a model folder: every file's name and size, small files' content in
    full and large ones' (weights) at evenly spaced offsets. Independent of file times."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if not path.is_file() or any(part.startswith(".") for part in rel.parts):
            continue
        size = path.stat().st_size
        digest.update(f"{rel.as_posix()}\0{size}\0".encode())
        with path.open("rb") as f:
            if size <= _WHOLE_FILE:
                digest.update(f.read())
                continue
            for k in range(_SAMPLES):
                f.seek((size - _SAMPLE) * k // (_SAMPLES - 1))
                digest.update(f.read(_SAMPLE))
    return digest.hexdigest()


# -- rows: one choice of one request ----------------------------------------------------------
@dataclass(slots=True)
class Row:
    """One sequence to generate, with its own sampling parameters."""

    messages: list[dict[str, Any]] | None
    prompt: str | None
    max_new_tokens: int
    temperature: float = 1.0  # 0: greedy
    top_p: float = 1.0
    top_k: int | None = None
    seed: int | None = None
    stop: tuple[str, ...] = ()


@dataclass(slots=True)
class RowResult:
    text: str
    finish_reason: str
    prompt_tokens: int
    completion_tokens: int


def check_params(params: dict[str, Any]) -> list[str]:
    """Problems with generation parameters a local model cannot honour."""
    problems = [f"unsupported parameter {k!r}" for k in sorted(set(params) - PARAMS)]
    if params.get("logprobs"):
        problems.append("logprobs are not supported")
    return problems


def rows_for(body: dict[str, Any]) -> list[Row]:
    """The rows of a request body: one per choice, choice i seeded from (seed, i)."""
    stop = body.get("stop")
    temperature = body.get("temperature")
    base = Row(messages=body.get("messages"), prompt=body.get("prompt"),
               max_new_tokens=int(body.get("max_tokens") or DEFAULT_MAX_TOKENS),
               temperature=1.0 if temperature is None else float(temperature),
               top_p=float(body.get("top_p") or 1.0), top_k=body.get("top_k") or None,
               stop=(stop,) if isinstance(stop, str) else tuple(stop or ()))
    seed = body.get("seed")
    return [replace(base, seed=_choice_seed(seed, i)) for i in range(int(body.get("n", 1)))]


def _choice_seed(seed: int | None, choice: int) -> int | None:
    if seed is None:
        return None
    return seed if choice == 0 else derive_seed(seed, choice) >> 1


def plain_chat(messages: list[dict[str, Any]]) -> str:
    """A prompt for a tokenizer without a chat template: `role: content` lines."""
    lines = [f"{m.get('role', 'user')}: {m.get('content', '')}" for m in messages]
    return "\n".join([*lines, "assistant:"])


def prompt_ids(tokenizer: Any, row: Row) -> list[int]:
    """The row's prompt as token ids: its chat through the tokenizer's template (or
    `plain_chat` when it has none), or its completion prompt as it is."""
    if row.messages is None:
        return list(tokenizer(row.prompt or "")["input_ids"])
    if getattr(tokenizer, "chat_template", None):
        text = tokenizer.apply_chat_template(row.messages, tokenize=False,
                                             add_generation_prompt=True)
        return list(tokenizer(text, add_special_tokens=False)["input_ids"])
    return list(tokenizer(plain_chat(row.messages))["input_ids"])


def cut_at_stop(text: str, stops: tuple[str, ...]) -> str | None:
    """`text` up to its first stop string, or None when it has none."""
    hits = [i for s in stops if s and (i := text.find(s)) >= 0]
    return text[: min(hits)] if hits else None


def _too_long(n_prompt: int, row: Row, limit: int | None) -> TeacherError | None:
    if limit is None or n_prompt + row.max_new_tokens <= limit:
        return None
    return TeacherError("context_length", f"the prompt ({n_prompt} tokens) and max_tokens "
                        f"({row.max_new_tokens}) exceed the model's context of {limit}")


# -- the teacher, whatever computes the answers -------------------------------------------------
class CachingTeacher:
    """What every teacher but the HTTP one shares: request bodies, the answer cache (an
    identical request in flight is computed once), structured output (instructions, parse,
    one repair) and refusal of answers cut at max_tokens. Subclasses give `identity` and
    `send`."""

    def __init__(self, config: TeacherConfig, *, cache: Cache | None, cache_mode: str):
        self.config = config
        self.name = config.model
        self.cache = cache if cache_mode != "off" else None
        self.cache_mode = cache_mode
        self._params = config.params()
        self._json_schema_ok = False  # subclasses that can enforce a schema set this
        self._inflight: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._closed = False
        self.calls = 0  # requests computed (not from the cache)

    async def identity(self) -> dict[str, Any]:
        raise NotImplementedError

    async def send(self, body: dict[str, Any]) -> Completion:
        raise NotImplementedError

    async def close(self) -> None:
        self._closed = True

    def body(self, request: Request, *, schema_mode: str | None = None) -> dict[str, Any]:
        """The request as a dict (what the cache key is made of)."""
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
            elif "messages" in body:
                body["messages"] = [*body["messages"], {
                    "role": "user", "content": structured.instructions(request.schema)}]
            else:
                body["prompt"] += "\n\n" + structured.instructions(request.schema)
        return body

    async def complete(self, request: Request) -> Completion:
        if self._closed:
            raise TeacherError("closed", f"the teacher {self.name} is closed")
        body = self.body(request)
        try:
            completion = await self._cached_call(body, request.sample)
        except TeacherError as exc:
            if ("response_format" not in body or self.config.structured != "auto"
                    or exc.kind not in ("http_400", "http_422")):
                raise
            self._json_schema_ok = False  # the provider has no json_schema: ask in words
            body = self.body(request, schema_mode="instructions")
            completion = await self._cached_call(body, request.sample)
        refuse_unusable(completion)
        if request.schema is not None:
            completion = await self._structured(completion, body, request)
        return completion

    async def _cached_call(self, body: dict[str, Any], sample: int) -> Completion:
        """The answer from the cache, from an identical request in flight, or computed."""
        if self.cache is None:
            return await self._send_counted(body)
        key = cache_key(await self.identity(), {"body": body, "sample": sample})
        if self.cache_mode == "use" and (hit := self.cache.get(key)) is not None:
            return _from_cache(hit)
        while (leader := self._inflight.get(key)) is not None:
            try:  # the same request is on its way: share its answer
                return _from_cache(await asyncio.shield(leader))
            except asyncio.CancelledError:
                if not leader.cancelled():
                    raise
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            completion = await self._send_counted(body)
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

    async def _send_counted(self, body: dict[str, Any]) -> Completion:
        self.calls += 1
        return await self.send(body)

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
            fixed = await self._cached_call(repair, request.sample * 1000 + i)
            completion.prompt_tokens += fixed.prompt_tokens
            completion.completion_tokens += fixed.completion_tokens
            completion.cost += fixed.cost
            refuse_unusable(completion, fixed.choices)
            try:
                parsed = structured.parse(fixed.text, request.schema)
            except ValueError as exc:
                raise Refused("parse_error", str(exc), raw=fixed.text,
                              completion=completion) from None
            completion.choices[i] = Choice(fixed.text, fixed.choices[0].finish_reason,
                                           fixed.choices[0].logprobs, parsed)
        return completion


def refuse_unusable(completion: Completion, choices: list[Choice] | None = None) -> None:
    """Refused if a choice was cut at max_tokens or filtered (the answer goes along)."""
    for choice in choices or completion.choices:
        if choice.finish_reason == "length":
            raise Refused("finish_length", "the answer was cut at max_tokens",
                          raw=choice.text, completion=completion)
        if choice.finish_reason == "content_filter":
            raise Refused("content_filter", "the provider filtered the answer",
                          raw=choice.text, completion=completion)


class LocalTeacher(CachingTeacher):
    """A model in this process: rows of concurrent requests batched on its engine."""

    backend: ClassVar[str]
    modules: ClassVar[tuple[str, ...]]
    default_batch_size: ClassVar[int]

    def __init__(self, config: TeacherConfig, *, cache: Cache | None = None,
                 cache_mode: str = "use", batch_size: int | None = None,
                 max_wait: float = 0.02, **engine_options: Any):
        check_installed(self.backend, *self.modules)
        super().__init__(config, cache=cache, cache_mode=cache_mode)
        if problems := check_params(self._params):
            raise UserError(f"teacher {config.model} ({self.backend}): " + "; ".join(problems))
        self.name = f"{config.model}@{self.backend}"
        if batch_size is None:  # teacher.concurrency, when the recipe sets it, is the batch
            explicit = "concurrency" in config.model_fields_set
            batch_size = config.concurrency if explicit else self.default_batch_size
        self._key = (self.backend, config.model, orjson.dumps(engine_options,
                                                             option=orjson.OPT_SORT_KEYS))
        self.engine = acquire(self._key, lambda: self.make_engine(config.model,
                                                                  **engine_options))
        self._batcher: Batcher[Row, RowResult] = Batcher(
            self.engine.run, executor=self.engine.executor, batch_size=batch_size,
            max_wait=max_wait)
        self._files: str | None = None

    def make_engine(self, model: str, **options: Any) -> Engine:
        raise NotImplementedError

    async def identity(self) -> dict[str, Any]:
        if self._files is None:
            folder = model_folder(self.config.model)
            if folder is None:  # a hub name not downloaded yet: loading fetches it
                await asyncio.get_running_loop().run_in_executor(
                    self.engine.executor, self.engine.ensure_loaded)
                folder = model_folder(self.config.model)
            self._files = files_fingerprint(folder) if folder else "unresolved"
        return {"backend": self.backend, "model": self.config.model, "files": self._files}

    async def send(self, body: dict[str, Any]) -> Completion:
        if problems := check_params({k: v for k, v in body.items()
                                     if k not in ("model", "messages", "prompt")}):
            raise TeacherError("bad_request", "; ".join(problems))
        rows = rows_for(body)
        results = await asyncio.gather(*(self._batcher.submit(row) for row in rows))
        return Completion([Choice(r.text, r.finish_reason) for r in results], self.config.model,
                          prompt_tokens=results[0].prompt_tokens,
                          completion_tokens=sum(r.completion_tokens for r in results))

    async def close(self) -> None:
        if not self._closed:
            await super().close()
            release(self._key)


# -- transformers --------------------------------------------------------------------------------
class TransformersEngine(Engine):
    """A transformers causal LM with left-padded batched `generate`."""

    def __init__(self, model: str, *, device: str = "auto", dtype: str = "auto"):
        super().__init__()
        self.model_name, self.device, self.dtype = model, device, dtype
        self.model: Any = None
        self.tokenizer: Any = None

    def load(self) -> None:
        torch = require("torch", "transformers")
        transformers = require("transformers", "transformers")
        self.torch, self.transformers = torch, transformers
        self.device = _device(torch, self.device)
        try:
            tokenizer = transformers.AutoTokenizer.from_pretrained(self.model_name)
            model = transformers.AutoModelForCausalLM.from_pretrained(
                self.model_name, dtype=_dtype(torch, self.dtype, self.device))
        except (OSError, ValueError) as exc:
            raise ModelLoadError(f"cannot load the model {self.model_name!r}: {exc}") from exc
        self.tokenizer, self.model = tokenizer, model.to(self.device).eval()
        eos = model.generation_config.eos_token_id
        eos = tokenizer.eos_token_id if eos is None else eos
        self.eos_ids = frozenset([eos] if isinstance(eos, int) else eos or [])
        pad = tokenizer.pad_token_id
        self.pad_id = pad if pad is not None else min(self.eos_ids, default=0)
        self.context = getattr(model.config, "max_position_embeddings", None)

    def generate(self, rows: list[Row]) -> list[RowResult | BaseException]:
        ids = [prompt_ids(self.tokenizer, row) for row in rows]
        out: list[RowResult | BaseException | None] = [
            _too_long(len(x), row, self.context) for x, row in zip(ids, rows, strict=True)]
        todo = [i for i, error in enumerate(out) if error is None]
        if todo:
            done = self._generate([rows[i] for i in todo], [ids[i] for i in todo])
            for i, result in zip(todo, done, strict=True):
                out[i] = result
        return out  # type: ignore[return-value]

    def _generate(self, rows: list[Row], ids: list[list[int]]) -> list[RowResult]:
        torch, tf = self.torch, self.transformers
        width = max(len(x) for x in ids)
        input_ids = torch.tensor([[self.pad_id] * (width - len(x)) + x for x in ids])
        mask = torch.tensor([[0] * (width - len(x)) + [1] * len(x) for x in ids])
        stopper = _Stopper(rows, width, self.eos_ids, self.tokenizer, torch)
        config = tf.GenerationConfig(
            max_new_tokens=max(r.max_new_tokens for r in rows), do_sample=False,
            temperature=1.0, top_p=1.0, pad_token_id=self.pad_id,
            eos_token_id=sorted(self.eos_ids) or None)
        with torch.inference_mode():
            output = self.model.generate(
                input_ids=input_ids.to(self.device), attention_mask=mask.to(self.device),
                generation_config=config,
                logits_processor=tf.LogitsProcessorList([_Sampler(rows, torch)]),
                stopping_criteria=tf.StoppingCriteriaList([stopper]))
        new = output[:, width:].tolist()
        return [self._result(row, len(x), tokens, stopper.ended[i])
                for i, (row, x, tokens) in enumerate(zip(rows, ids, new, strict=True))]

    def _result(self, row: Row, n_prompt: int, tokens: list[int], made: int | None
                ) -> RowResult:
        tokens = tokens[: made or row.max_new_tokens]
        natural = bool(tokens) and tokens[-1] in self.eos_ids
        text = self.tokenizer.decode(tokens[:-1] if natural else tokens,
                                     skip_special_tokens=True)
        cut = cut_at_stop(text, row.stop)
        if cut is not None:
            text, reason = cut, "stop"
        else:
            reason = "stop" if natural or len(tokens) < row.max_new_tokens else "length"
        return RowResult(text, reason, n_prompt, len(tokens))

    def unload(self) -> None:
        self.model = self.tokenizer = None
        super().unload()
        torch = getattr(self, "torch", None)
        if torch is not None and torch.cuda.is_available():
            torch.cuda.empty_cache()


class _Sampler:
    """A logits processor that picks each row's next token itself — greedy at temperature
    0, else sampled with the row's temperature, top_k, top_p and its own generator — and
    leaves only that token finite, so generate's greedy step takes it."""

    def __init__(self, rows: list[Row], torch: Any):
        self.torch = torch
        self.sampled = [i for i, r in enumerate(rows) if r.temperature > 0]
        self.gens = [torch.Generator().manual_seed(
            rows[i].seed if rows[i].seed is not None else secrets.randbits(63))
            for i in self.sampled]
        pick = [rows[i] for i in self.sampled]
        self.temperature = torch.tensor([[r.temperature] for r in pick])
        self.top_p = torch.tensor([[r.top_p] for r in pick])
        self.top_k = torch.tensor([[r.top_k or 0] for r in pick])

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        torch = self.torch
        scores = scores.float()
        tokens = scores.argmax(-1)
        if self.sampled:
            rows = torch.tensor(self.sampled, device=scores.device)
            tokens[rows] = self._sample(scores[rows])
        out = torch.full_like(scores, float("-inf"))
        return out.scatter_(1, tokens[:, None], 0.0)

    def _sample(self, logits: Any) -> Any:
        torch, device = self.torch, logits.device
        probs = torch.softmax(logits / self.temperature.to(device), dim=-1)
        probs, order = probs.sort(dim=-1, descending=True)
        drop = probs.cumsum(-1) - probs >= self.top_p.to(device)  # past the top_p mass
        k = self.top_k.to(device)
        drop |= (torch.arange(probs.shape[-1], device=device) >= k) & (k > 0)
        cum = probs.masked_fill(drop, 0.0).cumsum(-1)
        u = torch.stack([torch.rand((), generator=g) for g in self.gens]).to(device)
        pos = torch.searchsorted(cum, (u * cum[:, -1])[:, None]).clamp_(max=cum.shape[-1] - 1)
        return order.gather(1, pos).squeeze(1)


class _Stopper:
    """A stopping criterion per row: its end token, its own max_tokens, its stop strings.
    `ended[i]` is how many tokens row i made (None while it runs)."""

    def __init__(self, rows: list[Row], width: int, eos_ids: frozenset[int], tokenizer: Any,
                 torch: Any):
        self.rows, self.width, self.eos_ids = rows, width, eos_ids
        self.tokenizer, self.torch = tokenizer, torch
        self.window = [2 * max(map(len, r.stop), default=0) + 8 for r in rows]
        self.ended: list[int | None] = [None] * len(rows)

    def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
        made = input_ids.shape[1] - self.width
        last = input_ids[:, -1].tolist()
        for i, row in enumerate(self.rows):
            if self.ended[i] is None and (
                    last[i] in self.eos_ids or made >= row.max_new_tokens
                    or (row.stop and self._stopped(input_ids[i], made, i))):
                self.ended[i] = made
        done = [e is not None for e in self.ended]
        return self.torch.tensor(done, dtype=self.torch.bool, device=input_ids.device)

    def _stopped(self, ids: Any, made: int, i: int) -> bool:
        tail = ids[-min(made, self.window[i]):].tolist()
        return cut_at_stop(self.tokenizer.decode(tail, skip_special_tokens=True),
                           self.rows[i].stop) is not None


def _device(torch: Any, device: str) -> str:
    if device != "auto":
        return device
    return "cuda" if torch.cuda.is_available() else "cpu"


def _dtype(torch: Any, dtype: str, device: str) -> Any:
    if dtype != "auto":
        return getattr(torch, dtype)
    if device.startswith("cuda") and torch.cuda.is_bf16_supported():
        return torch.bfloat16
    return torch.float32


class TransformersTeacher(LocalTeacher):
    """A transformers model by local path or hub name, on CPU or GPU (`device`: auto, cpu,
    cuda, cuda:1, mps; `dtype`: auto, float32, bfloat16, float16), batched generation."""

    backend = "transformers"
    modules = ("torch", "transformers")
    default_batch_size = 16

    def __init__(self, config: TeacherConfig, *, cache: Cache | None = None,
                 cache_mode: str = "use", device: str = "auto", dtype: str = "auto",
                 batch_size: int | None = None, max_wait: float = 0.02):
        super().__init__(config, cache=cache, cache_mode=cache_mode, batch_size=batch_size,
                         max_wait=max_wait, device=device, dtype=dtype)

    def make_engine(self, model: str, **options: Any) -> Engine:
        return TransformersEngine(model, **options)


# -- vLLM ------------------------------------------------------------------------------------
class VLLMEngine(Engine):
    """vLLM's offline engine (`vllm.LLM`); it schedules each batch on the GPU itself."""

    def __init__(self, model: str, **options: Any):
        super().__init__()
        self.model_name, self.options = model, options
        self.llm: Any = None

    def load(self) -> None:
        vllm = require("vllm", "vllm")
        torch = require("torch", "vllm")
        if not torch.cuda.is_available():
            raise ModelLoadError("the vllm teacher backend needs a CUDA GPU and none is "
                                 "visible; use backend: transformers to run on CPU")
        try:
            self.llm = vllm.LLM(model=self.model_name, **self.options)
        except (OSError, ValueError) as exc:
            raise ModelLoadError(f"cannot load the model {self.model_name!r}: {exc}") from exc
        self.torch, self.sampling_params = torch, vllm.SamplingParams
        self.tokenizer = self.llm.get_tokenizer()
        config = getattr(getattr(self.llm, "llm_engine", None), "model_config", None)
        self.context = getattr(config, "max_model_len", None)

    def generate(self, rows: list[Row]) -> list[RowResult | BaseException]:
        ids = [prompt_ids(self.tokenizer, row) for row in rows]
        out: list[RowResult | BaseException | None] = [
            _too_long(len(x), row, self.context) for x, row in zip(ids, rows, strict=True)]
        todo = [i for i, error in enumerate(out) if error is None]
        if todo:
            answers = self.llm.generate([{"prompt_token_ids": ids[i]} for i in todo],
                                        [self._params(rows[i]) for i in todo], use_tqdm=False)
            for i, answer in zip(todo, answers, strict=True):
                first = answer.outputs[0]
                out[i] = RowResult(first.text, first.finish_reason or "stop", len(ids[i]),
                                   len(first.token_ids))
        return out  # type: ignore[return-value]

    def _params(self, row: Row) -> Any:
        extra = {"top_k": row.top_k} if row.top_k else {}
        return self.sampling_params(n=1, temperature=row.temperature, top_p=row.top_p,
                                    max_tokens=row.max_new_tokens, seed=row.seed,
                                    stop=list(row.stop) or None, **extra)

    def unload(self) -> None:
        self.llm = None
        super().unload()
        torch = getattr(self, "torch", None)
        if torch is not None:
            torch.cuda.empty_cache()


class VLLMTeacher(LocalTeacher):
    """A model on vLLM's offline engine (GPU only); `options` go to `vllm.LLM` (dtype,
    gpu_memory_utilization, max_model_len, tensor_parallel_size, ...)."""

    backend = "vllm"
    modules = ("vllm",)
    default_batch_size = 256

    def make_engine(self, model: str, **options: Any) -> Engine:
        return VLLMEngine(model, **options)


__all__ = ["CachingTeacher", "MissingExtra", "ModelLoadError", "TransformersTeacher",
           "VLLMTeacher"]
