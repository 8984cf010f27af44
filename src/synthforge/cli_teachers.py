"""Teacher commands: `synthforge cache stats|prune` and `synthforge serve-test`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.markup import escape

from synthforge.cli import JsonOpt, app, err_console, out_console
from synthforge.errors import UserError

cache_app = typer.Typer(no_args_is_help=True, help="The teacher answer cache.")
app.add_typer(cache_app, name="cache")
CachePathOpt = Annotated[Path | None, typer.Option("--path", help="Cache file (default: "
                                                   "$SYNTHFORGE_CACHE or ~/.cache/...).")]


@cache_app.command("stats")
def cache_stats(path: CachePathOpt = None, json_: JsonOpt = False) -> int:
    """How many answers the cache holds, per model, with their tokens and cost."""
    from synthforge.teachers.cache import Cache

    stats = Cache(path).stats()
    if json_:
        sys.stdout.write(orjson.dumps(stats, option=orjson.OPT_INDENT_2).decode() + "\n")
        return 0
    out_console.print(f"{stats['path']}: {stats['answers']:,} answers, "
                      f"{stats['bytes_on_disk']:,} bytes")
    for model, m in stats["models"].items():
        out_console.print(f"  {escape(model)}: {m['answers']:,} answers, "
                          f"{m['prompt_tokens']:,} + {m['completion_tokens']:,} tokens, "
                          f"${m['cost_usd']:,.4f} when first paid")
    return 0


@cache_app.command("prune")
def cache_prune(path: CachePathOpt = None,
                older_than: Annotated[float | None, typer.Option("--older-than", help="Only "
                                                                 "answers older than this "
                                                                 "many days.")] = None,
                model: Annotated[str | None, typer.Option("--model", help="Only this "
                                                          "model's answers.")] = None) -> int:
    """Delete cached answers (all, or by age or model)."""
    from synthforge.teachers.cache import Cache

    removed = Cache(path).prune(older_than_days=older_than, model=model)
    out_console.print(f"removed {removed:,} answers")
    return 0




@app.command("serve-test")
def serve_test(
    port: Annotated[int, typer.Option(help="Port to listen on (0: any free one).")] = 8000,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    latency: Annotated[str, typer.Option(help="Seconds before each answer: 0.2, uniform:LOW:HIGH,"
                                         " normal:MEAN:SD or lognormal:MEAN:SD.")] = "0",
    capacity: Annotated[int | None, typer.Option(help="Most requests served at once; beyond: "
                                                 "429 with Retry-After.")] = None,
    queue: Annotated[bool, typer.Option("--queue", help="Queue requests beyond --capacity "
                                        "instead of refusing them.")] = False,
    rate_429: float = 0.0, rate_500: float = 0.0, rate_503: float = 0.0, rate_hang: float = 0.0,
    rate_malformed: float = 0.0, rate_truncated: float = 0.0, rate_slow_stream: float = 0.0,
    rate_reset: float = 0.0,
    retry_after: Annotated[float, typer.Option(help="Retry-After seconds of 429s and "
                                               "503s.")] = 1.0,
    hang_seconds: Annotated[float, typer.Option(help="How long a hung request waits.")] = 3600.0,
    fault_mode: Annotated[str, typer.Option(help="hash: faults drawn from the request body and "
                                            "attempt; random: from a seeded RNG.")] = "hash",
    seed: Annotated[int, typer.Option(help="Seed of latency and fault draws.")] = 0,
    model: Annotated[str, typer.Option(help="The model name /v1/models lists.")] = "test-model",
    api_key_env: Annotated[str | None, typer.Option(help="NAME of an environment variable "
                                                    "holding the API key to require.")] = None,
) -> int:
    """Serve a local OpenAI-compatible test server (made-up answers, injected faults).

    Prints the base URL, then serves until Ctrl-C. --rate-* are fractions of requests (0..1).
    """
    import asyncio
    import os

    from synthforge.teachers.testserver import Faults, TestServer, serve

    api_key = os.environ.get(api_key_env) if api_key_env else None
    if api_key_env and not api_key:
        raise UserError(f"--api-key-env {api_key_env}: that environment variable is not set")
    try:
        faults = Faults(rate_429=rate_429, rate_500=rate_500, rate_503=rate_503,
                        rate_hang=rate_hang, rate_malformed=rate_malformed,
                        rate_truncated=rate_truncated, rate_slow_stream=rate_slow_stream,
                        rate_reset=rate_reset, retry_after=retry_after,
                        hang_seconds=hang_seconds, mode=fault_mode)  # type: ignore[arg-type]
        server = TestServer(host, port, latency=latency, capacity=capacity, queue=queue,
                            faults=faults, api_key=api_key, model=model, seed=seed)
    except ValueError as exc:
        raise UserError(str(exc)) from None

    def ready(url: str) -> None:
        out_console.print(url, soft_wrap=True)
        err_console.print(f"serving {model} (stats: {server.root_url}/stats); Ctrl-C to stop",
                          soft_wrap=True)

    try:
        asyncio.run(serve(server, ready))
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        raise UserError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    err_console.print("stopped")
    return 0
