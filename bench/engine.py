"""Engine throughput: records/s through checks, exact dedup and the JSONL shard writer.

    python bench/engine.py                      # (a) 1,000,000 records and (b) the template
    python bench/engine.py --records 10000000 --only a     # the 10M peak-RSS check

(a) a minimal source -> rules (char bounds) -> schema (required fields) -> rules (regex)
    -> exact dedup -> accepted shards. Reported: records/s of the pipeline, peak RSS, and
    ratios to two floors: serialising the run's own rows with orjson in one plain loop
    (rows already in memory), and making the same rows from the same source and serialising
    them in one plain loop.
(b) the seeds' company template with Faker slots, no steps: records/s.
Each prints one comparable figure on its last line.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

import synthforge as sf
from synthforge.engine.runner import Progress

ROOT = Path(__file__).resolve().parent


class Minimal(sf.Generator):
    """A source with almost no cost of its own: one short text and a label per item.

    Every tenth item repeats an earlier one (item 10j repeats item j), so 10% are duplicates.
    """

    def generate(self, k: int) -> dict:
        n = k // 10 if k % 10 == 0 and k else k
        return {"text": f"record number {n} says hello to the world", "label": k & 1}


sf.register("generator", "bench_minimal")(Minimal)

PIPELINE = {
    "name": "bench-a", "seed": 1,
    "mix": [{"generator": "bench_minimal"}],
    "steps": [
        {"rules": {"fields": ["text"], "min_chars": 5, "max_chars": 500, "boilerplate": False,
                   "name": "length"}},
        {"schema": {"required": ["text", "label"]}},
        {"rules": {"fields": ["text"], "must_not_match": ["lorem ipsum"], "boilerplate": False,
                   "name": "regex"}},
        {"dedup": {"fields": ["text"]}},
    ],
    "exports": [],
}

COMPANY = {
    "name": "bench-b", "seed": 1,
    "mix": [{"generator": "template", "params": {
        "fields": {"text": "The company {CompanyName} announced {ProductName} which will "
                           "{ActionVerb} the market."},
        "slots": {"CompanyName": {"faker": "company"},
                  "ProductName": {"choice": ["Nimbus", "Quanta", "Helix", "Orbit", "Lumen"]},
                  "ActionVerb": {"choice": {"disrupt": 3, "reshape": 2, "transform": 1}}}}}],
    "exports": [],
}


class Clock:
    """Times the pipeline itself: from the runner's first progress call to its last."""

    def __init__(self) -> None:
        self.first = self.last = 0.0
        self.peak_kb = 0

    def __call__(self, _: Progress) -> None:
        now = time.perf_counter()
        self.first = self.first or now
        self.last = now
        self.peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run_pipeline(recipe: dict, n: int, out: Path, budget: int | None = None) -> dict:
    recipe = {**recipe, "target": n, "budget": {"max_attempts": budget or n}}
    clock = Clock()
    t0 = time.perf_counter()
    result = sf.run(recipe, out, on_progress=clock, batch_size=2000)
    total = time.perf_counter() - t0
    attempted = result.counts["attempted"]
    return {"records": attempted, "accepted": result.counts["accepted"],
            "pipeline_s": round(clock.last - clock.first, 3), "total_s": round(total, 3),
            "records_per_s": round(attempted / (clock.last - clock.first)),
            "peak_rss_mb_pipeline": round(clock.peak_kb / 1024, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def floor(shards: list[Path], out: Path, limit: int = 1_000_000) -> float:
    """Seconds per row to serialise the run's own accepted rows (at most `limit` of them)
    with orjson in one plain loop."""
    rows = []
    for path in shards:
        rows += [orjson.loads(line) for line in path.read_bytes().splitlines()]
        if len(rows) >= limit:
            break
    rows = rows[:limit]
    dumps = orjson.dumps
    t0 = time.perf_counter()
    with open(out, "wb") as f:
        for row in rows:
            f.write(dumps(row) + b"\n")
    return (time.perf_counter() - t0) / len(rows)


def floor_loop(n: int, out: Path, limit: int = 1_000_000) -> float:
    """Seconds per row to make the same rows from the same source and serialise them with
    orjson in one plain loop: the work of this benchmark with no framework at all."""
    source = Minimal(None, sf.Context(), "bench_minimal")  # type: ignore[arg-type]
    dumps, n = orjson.dumps, min(n, limit)
    t0 = time.perf_counter()
    with open(out, "wb") as f:
        for k in range(n):
            row = {"id": f"00000000-bench_minimal-{k}", "index": k, "data": source.generate(k),
                   "meta": {"source": "bench_minimal", "k": k}}
            f.write(dumps(row) + b"\n")
    return (time.perf_counter() - t0) / n


def bench_a(n: int, work: Path) -> dict:
    stats = run_pipeline(PIPELINE, n, work / "a")
    per_row = floor(sorted((work / "a" / "data").glob("shard-*.jsonl")), work / "floor.jsonl")
    per_loop = floor_loop(n, work / "loop.jsonl")
    per_record = stats["pipeline_s"] / stats["records"]
    stats["floor_serialise_rows_per_s"] = round(1 / per_row)
    stats["ratio_to_serialise_floor"] = round(per_record / per_row, 2)
    stats["floor_loop_rows_per_s"] = round(1 / per_loop)
    stats["ratio_to_loop_floor"] = round(per_record / per_loop, 2)
    return stats


def bench_b(n: int, work: Path) -> dict:
    return run_pipeline(COMPANY, n, work / "b")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--template-records", type=int, default=200_000)
    parser.add_argument("--only", choices=["a", "b"])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.child:  # each benchmark in a fresh process, so peak RSS is its own
        for which in [args.only] if args.only else ["a", "b"]:
            cmd = [sys.executable, __file__, "--child", "--only", which,
                   "--records", str(args.records),
                   "--template-records", str(args.template_records)]
            subprocess.run(cmd, check=True)
        return
    work = Path(tempfile.mkdtemp(prefix="sf-bench-"))
    try:
        if args.only == "a":
            stats = bench_a(args.records, work)
            print(json.dumps({"bench": "engine-a", **stats}))
            print(f"engine_a_records_per_s {stats['records_per_s']}")
        else:
            stats = bench_b(args.template_records, work)
            print(json.dumps({"bench": "engine-b-template", **stats}))
            print(f"engine_b_template_records_per_s {stats['records_per_s']}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
