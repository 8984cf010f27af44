"""Teacher client throughput: requests/s against the test server in its own process.

    python bench/teacher.py                        # everything below (about 4 minutes)
    python bench/teacher.py --only client          # the latency x concurrency grid
    python bench/teacher.py --only faults          # 10 % 429 + 2 % 500 at concurrency 64
    python bench/teacher.py --only engine          # the same calls through synthforge.run
    python bench/teacher.py --only memory --memory-requests 200000

client: `OpenAITeacher.complete` over a bounded stream of requests (at most 2 x concurrency
    open at once; the adaptive limit lets `concurrency` of them out), at latency 0.2 s and
    1.0 s and concurrency 64 and 256, 5,000 requests each. Efficiency = achieved requests/s
    / (concurrency / latency): 1.0 is a full pipe from the first request to the last.
faults: the same at concurrency 64 and 0.2 s with 10 % 429 (Retry-After: 1) and 2 % 500.
engine: a template source -> teacher step recipe (cache off) at 0.2 s, concurrency 64 and
    256, timed from the runner's first to its last commit.
memory: the engine at ~0 latency over many prompts, RSS sampled as the run goes.
Client CPU is this process's CPU time (the server runs in another process). Each run is a
fresh process, so peak RSS is its own. The last line is one comparable figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import synthforge as sf
from synthforge.engine.runner import Progress
from synthforge.teachers.config import TeacherConfig
from synthforge.teachers.openai import OpenAITeacher
from synthforge.teachers.testserver import Faults, start_process
from synthforge.teachers.types import Request

GRID = [(0.2, 64), (0.2, 256), (1.0, 64), (1.0, 256)]
FAULT_MIX = {"rate_429": 0.10, "rate_500": 0.02, "retry_after": 1.0}


def rss_mb() -> float:
    """Resident memory now (not the peak), in MB."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def stream(teacher: OpenAITeacher, n: int, window: int) -> None:
    """`n` requests, never more than `window` open at once (made as slots free)."""
    slots = asyncio.Semaphore(window)
    open_tasks: set[asyncio.Task[None]] = set()

    async def one(i: int) -> None:
        try:
            await teacher.complete(Request(messages=[
                {"role": "user", "content": f"Write a short note about item {i}."}]))
        finally:
            slots.release()

    for i in range(n):
        await slots.acquire()
        task = asyncio.create_task(one(i))
        open_tasks.add(task)
        task.add_done_callback(open_tasks.discard)
    await asyncio.gather(*open_tasks)


def bench_client(latency: float, concurrency: int, n: int, faults: dict[str, Any] | None = None
                 ) -> dict[str, Any]:
    server = start_process(latency=latency, faults=Faults(**faults) if faults else None)
    config = TeacherConfig(model="test-model", base_url=server.url, api_key_env=None,
                           concurrency=concurrency, max_retries=10)
    teacher = OpenAITeacher(config, cache_mode="off")

    async def main() -> float:
        start = time.perf_counter()
        try:
            await stream(teacher, n, 2 * concurrency)
        finally:
            await teacher.close()
        return time.perf_counter() - start

    try:
        cpu = time.process_time()
        elapsed = asyncio.run(main())
        cpu = time.process_time() - cpu
        stats = server.stats()
    finally:
        server.stop()
    achieved = n / elapsed
    return {"latency_s": latency, "concurrency": concurrency, "requests": n,
            "faults": faults or {}, "elapsed_s": round(elapsed, 2),
            "requests_per_s": round(achieved, 1),
            "efficiency": round(achieved / (concurrency / latency), 3),
            "client_cpu_s_per_1000": round(cpu / n * 1000, 3),
            "peak_rss_mb": round(peak_rss_mb(), 1), "sent": teacher.calls,
            "server_peak_in_flight": stats["peak_in_flight"],
            "server_by_status": stats["by_status"]}


class Clock:
    """Times the runner from its first progress report to its last; samples RSS."""

    def __init__(self, every: float = 0.0) -> None:
        self.first = self.last = 0.0
        self.every = every
        self.samples: list[tuple[float, int, float]] = []

    def __call__(self, progress: Progress) -> None:
        now = time.perf_counter()
        self.first = self.first or now
        self.last = now
        if self.every and (not self.samples or now - self.samples[-1][0] >= self.every):
            self.samples.append((now, progress.attempted, rss_mb()))


def teacher_recipe(url: str, n: int, concurrency: int) -> dict[str, Any]:
    return {"name": "bench-teacher", "seed": 1, "target": n,
            "mix": [{"generator": "template", "params": {
                "fields": {"topic": "item {k}"}, "slots": {"k": {"randint": [1, 10**12]}}}}],
            "steps": [{"teacher": {
                "teacher": {"model": "test-model", "base_url": url, "api_key_env": None,
                            "concurrency": concurrency},
                "prompt": "Write a short note about {topic}.", "concurrency": concurrency}}],
            "exports": []}


def bench_engine(latency: float, concurrency: int, n: int, every: float = 0.0
                 ) -> dict[str, Any]:
    server = start_process(latency=latency)
    work = Path(tempfile.mkdtemp(prefix="sf-bench-teacher-"))
    clock = Clock(every)
    try:
        cpu = time.process_time()
        run = sf.run(teacher_recipe(server.url, n, concurrency), work / "run", cache="off",
                     on_progress=clock)
        cpu = time.process_time() - cpu
        stats = server.stats()
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    elapsed = clock.last - clock.first
    achieved = run.counts["attempted"] / elapsed
    out = {"latency_s": latency, "concurrency": concurrency, "requests": stats["requests"],
           "accepted": run.counts["accepted"], "elapsed_s": round(elapsed, 2),
           "requests_per_s": round(achieved, 1),
           "client_cpu_s_per_1000": round(cpu / n * 1000, 3),
           "peak_rss_mb": round(peak_rss_mb(), 1),
           "server_peak_in_flight": stats["peak_in_flight"]}
    if latency > 0:
        out["efficiency"] = round(achieved / (concurrency / latency), 3)
    if clock.samples:
        start = clock.samples[0][0]
        out["rss_mb_over_time"] = [(round(t - start, 1), k, round(mb, 1))
                                   for t, k, mb in clock.samples]
    return out


def child(args: argparse.Namespace) -> None:
    if args.only == "client":
        for latency, concurrency in GRID:
            print(json.dumps({"bench": "teacher-client",
                              **bench_client(latency, concurrency, args.requests)}), flush=True)
    elif args.only == "faults":
        print(json.dumps({"bench": "teacher-client-faults",
                          **bench_client(0.2, 64, args.requests, FAULT_MIX)}), flush=True)
    elif args.only == "engine":
        for concurrency in (64, 256):
            print(json.dumps({"bench": "teacher-engine",
                              **bench_engine(0.2, concurrency, args.requests)}), flush=True)
    else:
        stats = bench_engine(0.0, 256, args.memory_requests, every=2.0)
        print(json.dumps({"bench": "teacher-engine-memory", **stats}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--memory-requests", type=int, default=200_000)
    parser.add_argument("--only", choices=["client", "faults", "engine", "memory"])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    lines: list[dict[str, Any]] = []
    for which in [args.only] if args.only else ["client", "faults", "engine", "memory"]:
        cmd = [sys.executable, __file__, "--child", "--only", which, "--requests",
               str(args.requests), "--memory-requests", str(args.memory_requests)]
        output = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        for line in output.splitlines():
            print(line, flush=True)
            lines.append(json.loads(line))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    headline = next((x for x in lines if x["bench"] == "teacher-client"
                     and x["latency_s"] == 0.2 and x["concurrency"] == 256), None)
    if headline is not None:
        print(f"teacher_client_requests_per_s_latency_0.2_concurrency_256 "
              f"{headline['requests_per_s']}")


if __name__ == "__main__":
    main()
