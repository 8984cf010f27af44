"""Any dataset of the `reasoning-gym` library as a source, scored by its own verifier.

    mix:
      - generator: reasoning_gym
        params: {dataset: leg_counting, config: {min_animals: 3, max_animals: 6}}

Needs the optional extra: `pip install 'synthforge[reasoning]'`. Item k is item k of the
reasoning-gym dataset built with a seed derived from the recipe seed and the source name,
so it is a pure function of (seed, name, k) like every source. The `verify` step scores
answers with the dataset's `score_answer`.
"""

from __future__ import annotations

import functools
from typing import Any

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from synthforge import registry
from synthforge.record import derive_seed
from synthforge.stage import Context, Generator, GeneratorConfig, Reject

INSTALL = "the reasoning_gym source needs reasoning-gym: pip install 'synthforge[reasoning]'"


def _library() -> Any:
    try:
        import reasoning_gym
    except ImportError as exc:
        raise PydanticCustomError("missing_extra", INSTALL) from exc
    return reasoning_gym


class ReasoningGymConfig(GeneratorConfig):
    """Which reasoning-gym dataset, and its own config."""

    dataset: str = Field(description="A reasoning-gym dataset name, e.g. chain_sum.")
    config: dict[str, Any] = Field(default_factory=dict, description="The dataset's config "
                                   "fields (see reasoning-gym's docs for each dataset).")
    size: int = Field(1_000_000, gt=0, le=10**9, description="Items available; item k >= "
                      "size is rejected as exhausted.")

    @field_validator("dataset")
    @classmethod
    def _known(cls, value: str) -> str:
        names = sorted(_library().factory.DATASETS)
        if value not in names:
            import difflib

            close = difflib.get_close_matches(value, names, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"{len(names)} datasets exist"
            raise PydanticCustomError("unknown_dataset", "no reasoning-gym dataset {name!r}; "
                                      "{hint}", {"name": value, "hint": hint})
        return value

    @model_validator(mode="after")
    def _builds(self) -> ReasoningGymConfig:
        try:
            _dataset(self.dataset, _freeze(self.config), 0, 1)
        except Exception as exc:  # the library's own validation of its config
            raise PydanticCustomError("dataset_config", "reasoning-gym rejects this config "
                                      "for {name}: {error}",
                                      {"name": self.dataset, "error": str(exc)}) from None
        return self


def _freeze(config: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in config.items()))


@functools.lru_cache(maxsize=32)
def _dataset(name: str, config: tuple[tuple[str, Any], ...], seed: int, size: int) -> Any:
    return _library().create_dataset(name, seed=seed, size=size, **dict(config))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return repr(value)


@registry.register("generator", "reasoning_gym")
class ReasoningGym(Generator):
    """Items of a reasoning-gym dataset (optional extra), verified by its score_answer."""

    Config = ReasoningGymConfig

    def __init__(self, config: ReasoningGymConfig, ctx: Context, name: str):
        super().__init__(config, ctx, name)
        self.config: ReasoningGymConfig = config
        self._seed = derive_seed(ctx.seed, name, "reasoning-gym") % (2**31)
        self._frozen = _freeze(config.config)

    def size(self) -> int:
        return self.config.size

    def generate(self, k: int) -> tuple[dict[str, Any], dict[str, Any]]:
        if k >= self.config.size:
            raise Reject(f"exhausted: the dataset has {self.config.size} items")
        entry = _dataset(self.config.dataset, self._frozen, self._seed, self.config.size)[k]
        answer = str(entry["answer"])
        data = {"question": entry["question"], "response": answer, "answer": answer,
                "solution": ""}
        check = {"dataset": self.config.dataset, "config": self.config.config,
                 "seed": self._seed, "size": self.config.size, "index": k}
        meta = {"family": "reasoning_gym", "domain": "reasoning-gym",
                "dataset": self.config.dataset, "check": check,
                "source_metadata": _jsonable(entry.get("metadata", {}))}
        return data, meta

    # -- the verifier interface the `verify` step uses ----------------------------------
    @classmethod
    def task(cls, data: dict[str, Any], meta: dict[str, Any]) -> dict[str, Any]:
        return dict(meta.get("check") or {})

    @classmethod
    def extract(cls, response: str) -> str:
        from synthforge.generate.procedural.answers import extract_final

        return extract_final(response)

    @classmethod
    def score(cls, answer: str, task: dict[str, Any]) -> float:
        ds = _dataset(task["dataset"], _freeze(task.get("config") or {}), task["seed"],
                      task["size"])
        return float(ds.score_answer(answer=answer, entry=ds[task["index"]]))
