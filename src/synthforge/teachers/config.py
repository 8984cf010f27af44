"""How to reach a teacher model: the recipe's `teacher:` block.

The API key never appears here: `api_key_env` names the environment variable that holds it.
Settings that shape requests (model, parameters) are part of the recipe's fingerprint;
settings that only govern how calls are made (concurrency, rate limits, timeouts) are not.
"""

from __future__ import annotations

import os
from typing import Annotated, Any, Literal

from pydantic import Field, PlainSerializer, SerializationInfo, field_validator

from synthforge.errors import UserError
from synthforge.stage import StrictModel
from synthforge.teachers.pricing import Price


def _not_fingerprinted(value: Any, info: SerializationInfo) -> Any:
    return None if (info.context or {}).get("fingerprint") else value


RunOnly = PlainSerializer(_not_fingerprinted)
"""Marks a field that changes how calls are made, never what they return."""


class TeacherConfig(StrictModel):
    """A model behind an OpenAI-compatible endpoint, or a local model."""

    backend: Literal["openai", "transformers", "vllm", "litellm"] = Field(
        "openai", description="openai: any OpenAI-compatible HTTP server (OpenAI, vLLM, "
        "SGLang, llama.cpp, Ollama, TGI); transformers / vllm: a local model; litellm: "
        "providers that are not OpenAI-compatible.")
    model: str = Field(description="Model name (or a local path for local backends).")
    base_url: str = Field("https://api.openai.com/v1", description="Endpoint base URL.")
    api_key_env: str | None = Field("OPENAI_API_KEY", description="NAME of the environment "
                                    "variable holding the API key (null: no key).")
    endpoint: Literal["chat", "completions"] = "chat"
    temperature: float | None = Field(None, ge=0, le=2)
    top_p: float | None = Field(None, gt=0, le=1)
    max_tokens: int | None = Field(None, gt=0)
    stop: str | list[str] | None = None
    seed: int | None = None
    n: int = Field(1, ge=1, le=128, description="Choices per request.")
    logprobs: bool | None = None
    extra_body: dict[str, Any] = Field(default_factory=dict, description="More request fields.")
    headers: Annotated[dict[str, str], RunOnly] = Field(default_factory=dict)
    structured: Annotated[Literal["auto", "json_schema", "instructions"], RunOnly] = Field(
        "auto", description="How to get JSON for a schema: the server's json_schema "
        "response_format, or instructions + parsing (auto: try the first, fall back).")
    concurrency: Annotated[int, RunOnly] = Field(64, ge=1, le=100_000, description="Most "
                                                 "requests in flight (the adaptive limit's "
                                                 "ceiling).")
    rpm: Annotated[float | None, RunOnly] = Field(None, gt=0, description="Requests/minute.")
    tpm: Annotated[float | None, RunOnly] = Field(None, gt=0, description="Tokens/minute.")
    timeout: Annotated[float, RunOnly] = Field(60.0, gt=0, description="Seconds per request.")
    max_retries: Annotated[int, RunOnly] = Field(6, ge=0, le=50)
    price: Annotated[Price | None, RunOnly] = Field(None, description="USD per 1M tokens "
                                                    "(default: the price table).")
    retry_on_length: Annotated[int, RunOnly] = Field(0, ge=0, le=5, description="Retries of "
                                                     "an answer cut at max_tokens.")

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("base_url must start with http:// or https://")
        return value.rstrip("/")

    def params(self) -> dict[str, Any]:
        """Generation parameters as the request body carries them (unset ones left out)."""
        out = {k: getattr(self, k) for k in ("temperature", "top_p", "max_tokens", "stop",
                                             "seed", "logprobs") if getattr(self, k) is not None}
        if self.n != 1:
            out["n"] = self.n
        return {**out, **self.extra_body}

    def api_key(self) -> str | None:
        """The key from the environment (never stored), or a clear error if it is missing."""
        if self.api_key_env is None:
            return None
        key = os.environ.get(self.api_key_env)
        if not key:
            raise UserError(f"the environment variable {self.api_key_env} is not set; it "
                            f"should hold the API key for {self.base_url} (teacher.api_key_env "
                            "names it; use api_key_env: null for a server without a key)")
        return key

    def identity(self) -> dict[str, Any]:
        """What identifies the endpoint in cache keys: no secrets, no headers."""
        return {"backend": self.backend, "base_url": self.base_url, "model": self.model,
                "endpoint": self.endpoint}
