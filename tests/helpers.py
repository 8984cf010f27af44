"""Generators and steps used only by the tests, and small helpers to run the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import xxhash
from pydantic import Field

import synthforge as sf
from synthforge.record import Record
from synthforge.registry import register
from synthforge.stage import Check, Context, Failure, StatefulCheck, StepConfig

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent


def _unit(*parts: object) -> float:
    """A uniform number in [0, 1) from the parts (no global random state)."""
    return xxhash.xxh3_64_intdigest("|".join(map(str, parts)).encode()) / 2**64


@sf.generator("t_counter")
def counter(k: int, rng, *, words: int = 3, vocab: int = 1000, fail_every: int = 0):
    """Test source: a few random words, sometimes a failure."""
    if fail_every and k % fail_every == fail_every - 1:
        raise ValueError(f"item {k} is broken on purpose")
    text = " ".join(f"w{rng.randrange(vocab)}" for _ in range(words))
    return {"text": text, "label": "even" if k % 2 == 0 else "odd"}


class ChaosConfig(StepConfig):
    reject: float = Field(0.0, ge=0, le=1)
    fail: float = Field(0.0, ge=0, le=1)
    batch_error: float = Field(0.0, ge=0, le=1)
    salt: str = "x"


@register("step", "t_chaos")
class Chaos(Check):
    """Test check: rejects, fails and breaks whole batches, deterministically by record id."""

    Config = ChaosConfig

    def check_batch(self, records):
        c = self.config
        if len(records) > 1 and any(_unit(c.salt, "batch", r.id) < c.batch_error for r in records):
            raise RuntimeError("this whole batch call breaks; records are retried one by one")
        out = []
        for r in records:
            u = _unit(c.salt, r.id)
            if u < c.fail:
                raise ValueError(f"record {r.id} breaks the check")
            out.append(f"chaos: unlucky {r.id}" if u < c.fail + c.reject else None)
        return out


class SeenConfig(StepConfig):
    modulo: int = 7


@register("step", "t_seen")
class SeenBucket(StatefulCheck):
    """Test stateful check: keeps the first record of each (index-independent) bucket."""

    Config = SeenConfig

    def __init__(self, config: SeenConfig, ctx: Context, name: str):
        super().__init__(config, ctx, name)
        self.seen: set[int] = set()
        self.delta: list[int] = []

    def check_batch(self, records):
        new, out = set(), []
        for r in records:
            bucket = xxhash.xxh3_64_intdigest(r.data.get("text", "").encode()) % self.config.modulo
            if bucket in self.seen or bucket in new:
                out.append("bucket: taken")
            else:
                new.add(bucket)
                out.append(None)
        self.seen |= new
        self.delta.extend(new)
        return out

    def take_delta(self) -> bytes:
        d, self.delta = self.delta, []
        return "".join(f"{b}\n" for b in d).encode()

    def restore(self, journal: bytes) -> None:
        self.seen |= {int(x) for x in journal.split()}


@sf.map_step("t_upper")
def upper(record: Record, *, field: str = "text"):
    """Test map: upper-cases a field."""
    record.data[field] = record.data[field].upper()
    return record


_ = Failure  # re-exported for tests that build verdicts


def cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run `synthforge ARGS` in a subprocess with the test plugins loaded."""
    return subprocess.run(cli_command(*args), cwd=cwd, env=cli_env(env), capture_output=True,
                          text=True, timeout=timeout)


def cli_command(*args: str) -> list[str]:
    code = "import helpers; from synthforge.cli import main; main()"
    return [sys.executable, "-c", code, *args]


def cli_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), env.get("PYTHONPATH", "")])
    env["COLUMNS"] = "200"
    env.update(extra or {})
    return env


def wait_for(predicate, timeout: float = 30.0, every: float = 0.01) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(every)
    return False


class Inflight:
    """Counts concurrent calls of the async test map."""

    now = 0
    peak = 0


@sf.map_step("t_slow_upper")
async def slow_upper(record: Record, *, field: str = "text", fail_on: str = "") -> Record:
    """Test async map: waits a little (by record id), then upper-cases a field."""
    import asyncio

    Inflight.now += 1
    Inflight.peak = max(Inflight.peak, Inflight.now)
    try:
        await asyncio.sleep(_unit("sleep", record.id) * 0.004)
        if fail_on and fail_on in record.id:
            raise RuntimeError(f"cannot handle {record.id}")
        if record.index % 17 == 3:
            raise sf.Reject("odd: index 17n+3")
        record.data[field] = record.data[field].upper()
        return record
    finally:
        Inflight.now -= 1
