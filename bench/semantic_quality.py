"""Semantic-duplicate quality and speed: the planted Alpaca copies of dedup_quality.py, scored
for the `semantic_dedup` step (all-MiniLM-L6-v2), alone and after `near_dedup`.

    python bench/semantic_quality.py                     # 1,000 originals, 1,000 negatives
    python bench/semantic_quality.py --originals 300     # a quick look

The stream is dedup_quality.py's (each original followed, somewhere later, by one copy of
every kind: exact, format, boilerplate, reorder, and word substitutions, deletions and
insertions at 5 to 30 %), scored the same way: a copy is caught when it is rejected as a
duplicate of its own family; any other reject is a false positive. Embeddings are computed
once (timed: embeddings/s on this CPU, no cache), then the step runs at several thresholds
over the same vectors, in runner-sized batches. "near_dedup + semantic_dedup" runs
near_dedup first and semantic_dedup over what it kept, as a recipe with both steps would.
Prints markdown tables and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from dedup_quality import KINDS, Benchmark, Decide, Result, build, near_dedup, score  # noqa: E402
from synthforge.curate.embed import Embedder  # noqa: E402
from synthforge.curate.semantic_dedup import (  # noqa: E402
    DEFAULT_THRESHOLD,
    SemanticDedup,
    SemanticDedupConfig,
)
from synthforge.record import Record  # noqa: E402
from synthforge.stage import Context  # noqa: E402

THRESHOLDS = (0.85, 0.9, DEFAULT_THRESHOLD, 0.95)


def semantic(embedder: Embedder, batch_size: int = 256, **config: Any) -> Decide:
    """The semantic_dedup step with `config`, its vectors from `embedder` (already filled)."""

    def decide(texts: list[str], positions: list[int] | None = None) -> list[int | None]:
        step = SemanticDedup(SemanticDedupConfig(fields=["text"], **config), Context(),
                             "semantic_dedup")
        step.embedder = embedder
        at = positions if positions is not None else list(range(len(texts)))
        out: list[int | None] = []
        for start in range(0, len(texts), batch_size):
            records = [Record(str(i), i, {"text": t}, {}) for i, t in
                       zip(at[start:start + batch_size], texts[start:start + batch_size],
                           strict=True)]
            for record, verdict in zip(records, step.process(records), strict=True):
                out.append(record.meta.get("duplicate_of") if verdict else None)
        return out

    return decide


def pipeline(bench: Benchmark, embedder: Embedder) -> Result:
    """near_dedup, then semantic_dedup over the texts near_dedup kept."""
    t0 = time.perf_counter()
    texts = bench.texts
    decisions = near_dedup()(texts)
    kept = [i for i, d in enumerate(decisions) if d is None]
    later = semantic(embedder)([texts[i] for i in kept], kept)
    for i, d in zip(kept, later, strict=True):
        decisions[i] = d
    return score(bench, decisions, time.perf_counter() - t0)


def speed(texts: list[str], batch_size: int) -> tuple[Embedder, float]:
    """A fresh embedder with every text encoded (no disk cache); the embeddings per second."""
    embedder = Embedder(batch_size=batch_size, cache_size=len(texts) + 1)
    embedder.encode(texts[:64])  # load the model and warm up, outside the timing
    unique = list(dict.fromkeys(texts))
    t0 = time.perf_counter()
    for start in range(0, len(unique), 4096):
        embedder.encode(unique[start:start + 4096])
    seconds = time.perf_counter() - t0
    return embedder, (embedder.stats["encoded"] - 64) / seconds


def row(name: str, result: Result) -> str:
    s = result.summary()
    light, all_ = s["<=10%"], s["all"]
    return (f"| {name} | {light['recall']:.3f} | {light['precision']:.3f} | {light['f1']:.3f} "
            f"| {s['20%']['recall']:.3f} | {s['30%']['recall']:.3f} | {all_['recall']:.3f} "
            f"| {all_['precision']:.3f} | {s['false_positives']} | {result.seconds:.1f} |")


def by_kind(results: dict[str, Result]) -> str:
    names = list(results)
    lines = ["| copies | " + " | ".join(f"{n}: recall" for n in names) + " |",
             "|---|" + "---|" * len(names)]
    for kind in KINDS:
        cells = [f"{r.by_kind[kind].metrics(r.false_positives)['recall']:.3f}"
                 for r in results.values()]
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--originals", type=int, default=1000)
    parser.add_argument("--negatives", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch-size", type=int, default=64, help="texts per model call")
    args = parser.parse_args()
    import torch

    bench = build(args.originals, args.negatives, args.seed)
    texts = bench.texts
    print(f"{len(texts):,} texts: {args.originals:,} originals with {len(KINDS)} copies each, "
          f"{args.negatives:,} negatives; torch threads {torch.get_num_threads()}")
    embedder, per_second = speed(texts, args.batch_size)
    print(f"\nembeddings/s (all-MiniLM-L6-v2, CPU, batch {args.batch_size}, no cache): "
          f"{per_second:,.0f} ({embedder.stats['encoded']:,} distinct texts)")
    results: dict[str, Result] = {}
    for threshold in THRESHOLDS:
        t0 = time.perf_counter()
        decisions = semantic(embedder, threshold=threshold)(texts)
        results[f"semantic {threshold}"] = score(bench, decisions, time.perf_counter() - t0)
    t0 = time.perf_counter()
    results["semantic 0.92, same_numbers off"] = score(
        bench, semantic(embedder, same_numbers=False)(texts), time.perf_counter() - t0)
    results["near_dedup alone"] = score(bench, *_timed(near_dedup(), texts))
    results["near_dedup + semantic 0.92"] = pipeline(bench, embedder)
    print("\n| method | <= 10 %: recall | precision | F1 | 20 %: recall | 30 %: recall "
          "| all: recall | all: precision | false positives | s |\n"
          "|---|---|---|---|---|---|---|---|---|---|")
    for name, result in results.items():
        print(row(name, result))
    shown = {k: results[k] for k in (f"semantic {DEFAULT_THRESHOLD}", "near_dedup alone",
                                     "near_dedup + semantic 0.92")}
    print("\n" + by_kind(shown))
    print(json.dumps({"bench": "semantic-quality", "texts": len(texts),
                      "embeddings_per_s": round(per_second, 1),
                      **{k: {**r.summary(), "seconds": round(r.seconds, 2)}
                         for k, r in results.items()}}))


def _timed(decide: Decide, texts: list[str]) -> tuple[list[int | None], float]:
    t0 = time.perf_counter()
    decisions = decide(texts)
    return decisions, time.perf_counter() - t0


if __name__ == "__main__":
    main()
