"""Build the teacher a config names: an HTTP endpoint or a local model."""

from __future__ import annotations

from typing import Any

from synthforge.teachers.cache import Cache
from synthforge.teachers.config import TeacherConfig
from synthforge.teachers.pricing import Price
from synthforge.teachers.types import Teacher

_caches: dict[str, Cache] = {}


def shared_cache(path: str | None = None) -> Cache:
    """One Cache object per path in this process (its connections are per thread)."""
    key = str(path or "")
    if key not in _caches:
        _caches[key] = Cache(path)
    return _caches[key]


def make_teacher(config: TeacherConfig, *, cache_mode: str = "use",
                 cache_path: str | None = None, prices: dict[str, Price] | None = None,
                 **options: Any) -> Teacher:
    """The teacher for `config` (`cache_mode`: use, refresh or off)."""
    cache = shared_cache(cache_path) if cache_mode != "off" else None
    if config.backend == "openai":
        from synthforge.teachers.openai import OpenAITeacher

        return OpenAITeacher(config, cache=cache, cache_mode=cache_mode, prices=prices)
    if config.backend == "transformers":
        from synthforge.teachers.local import TransformersTeacher

        return TransformersTeacher(config, cache=cache, cache_mode=cache_mode, **options)
    if config.backend == "vllm":
        from synthforge.teachers.local import VLLMTeacher

        return VLLMTeacher(config, cache=cache, cache_mode=cache_mode, **options)
    from synthforge.teachers.litellm import LiteLLMTeacher

    return LiteLLMTeacher(config, cache=cache, cache_mode=cache_mode, prices=prices)
