"""Near-duplicate throughput: synthforge's near_dedup step, a bare rensa loop, datatrove.

    python bench/curate.py                                # 1,000,000 documents, all three
    python bench/curate.py --docs 59000                   # a quick look
    python bench/curate.py --only synthforge,rensa --work /tmp/nd-bench   # keep the corpus

The corpus: Alpaca's texts (~52,000 distinct, ~45 words), then further rounds of the same
texts re-spelled through a random one-to-one map of the vocabulary (each round keeps
Alpaca's lengths, word frequencies and inner structure, but shares almost nothing with
other rounds), until 80 % of the documents are distinct; the other 20 % are edited copies
(the kinds of bench/dedup_quality.py, cycled) of random earlier documents.

(a) synthforge: a recipe with the `file` source over the corpus (JSONL) and one
    `near_dedup` step at its defaults, through `synthforge.run` (read, normalise, shingle,
    hash, LSH, verify, keep/reject, write shards, rejected rows, ledger and journal).
(b) rensa, bare: the words of each text pre-split (lower-cased, not timed), then one loop of
    word bigrams -> `RMinHash(bands * rows)` -> `RMinHashLSH.query` -> `insert` at the same
    bands x rows as (a) (the floor); also with single words instead of bigrams.
(c) datatrove's MinHash pipeline (signatures, buckets, clusters, filter; local executor, one
    worker), word bigrams and the same bands x rows.

Each runs in its own process (peak RSS is its own). Quality is scored per family (a text and
its copies): precision = removals matched to their own family / removals; recall = / copies.
Prints a table, one JSON line, and last the ratio of (a)'s time to the floor's.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import orjson

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent / "src"))
sys.path.insert(0, str(BENCH))

import dedup_quality as dq  # noqa: E402

COPY_SHARE = 0.2
LIGHT = set(dq.LIGHT)
_WORD = re.compile(r"[A-Za-z]+")


# ---- the corpus ---------------------------------------------------------------------------

def respell(texts: list[str], round_no: int, vocab: list[str]) -> list[str]:
    """The texts with every word mapped through a random one-to-one map of the vocabulary."""
    rng = random.Random(round_no)
    shuffled = vocab[:]
    rng.shuffle(shuffled)
    mapping = dict(zip(vocab, shuffled, strict=True))

    def one(m: re.Match[str]) -> str:
        word = m.group(0)
        new = mapping.get(word.lower(), word)
        return new.capitalize() if word[0].isupper() else new

    return [_WORD.sub(one, t) for t in texts]


def make_corpus(n: int, work: Path, seed: int = 0) -> None:
    """Write docs.jsonl ({id, text}), families.npy and light.npy (copy of a <= 10 % kind)."""
    base = dq.load_alpaca()
    vocab = sorted({w.lower() for t in base for w in _WORD.findall(t)})
    n_distinct = n - round(n * COPY_SHARE)
    distinct: list[str] = []
    round_no = 0
    while len(distinct) < n_distinct:
        part = base if round_no == 0 else respell(base, round_no, vocab)
        distinct += part[: n_distinct - len(distinct)]
        round_no += 1
    rng = random.Random(seed)
    mutator = dq.Mutator(base[:2000], rng)
    sources = [rng.randrange(n_distinct) for _ in range(n - n_distinct)]
    kinds = [dq.KINDS[i % len(dq.KINDS)] for i in range(len(sources))]
    copies = [mutator.copy(distinct[s], k) for s, k in zip(sources, kinds, strict=True)]
    # stream order: distinct texts in order, each copy somewhere after its source
    keys = np.concatenate([np.arange(n_distinct, dtype=np.float64),
                           [s + 0.5 + rng.random() * (n_distinct - s) for s in sources]])
    order = np.argsort(keys, kind="stable")
    texts = distinct + copies
    families = np.concatenate([np.arange(n_distinct), np.array(sources, dtype=np.int64)])
    light = np.concatenate([np.zeros(n_distinct, bool), [k in LIGHT for k in kinds]])
    with open(work / "docs.jsonl", "wb") as f:
        for pos, i in enumerate(order.tolist()):
            f.write(orjson.dumps({"id": pos, "text": texts[i]}) + b"\n")
    np.save(work / "families.npy", families[order])
    np.save(work / "light.npy", light[order])


def read_texts(work: Path) -> list[str]:
    with open(work / "docs.jsonl", "rb") as f:
        return [orjson.loads(line)["text"] for line in f]


# ---- scoring ------------------------------------------------------------------------------

def quality(work: Path, rep: np.ndarray) -> dict[str, float]:
    """Family-level precision, recall and F1 of `rep` (the document each one duplicates, -1:
    kept), and the recall on copies of <= 10 % kinds."""
    families = np.load(work / "families.npy")
    light = np.load(work / "light.npy")
    removed = rep >= 0
    own = removed & (families[np.maximum(rep, 0)] == families)
    members = np.bincount(families)
    correct = np.minimum(np.bincount(families[own], minlength=len(members)), members - 1)
    tp, should = int(correct.sum()), int((members - 1).sum())
    precision = tp / max(int(removed.sum()), 1)
    recall = tp / max(should, 1)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "recall_le10pct": round(float(own[light].mean()), 4) if light.any() else 1.0,
            "removed": int(removed.sum()), "copies": should}


def peak_rss_mb(children: bool = False) -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if children:
        kb = max(kb, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return round(kb / 1024, 1)


# ---- (a) synthforge -----------------------------------------------------------------------

def run_synthforge(work: Path, n: int) -> dict[str, Any]:
    import synthforge as sf
    from synthforge.curate.near_dedup import NearDedupConfig  # registers near_dedup

    recipe = {"name": "bench-near-dedup", "seed": 1, "target": n,
              "budget": {"max_attempts": n},
              "mix": [{"generator": "file", "params": {"path": str(work / "docs.jsonl"),
                                                       "fields": ["text"]}}],
              "steps": [{"near_dedup": {"fields": ["text"]}}], "exports": []}
    out = work / "run"
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    sf.run(recipe, out)
    seconds = time.perf_counter() - t0
    rep = np.full(n, -1, dtype=np.int64)
    for path in sorted((out / "rejected").glob("*.jsonl*")):
        with open(path, "rb") as f:
            for line in f:
                row = orjson.loads(line)
                rep[row["index"]] = row["meta"].get("duplicate_of", -2)
    bands, rows = NearDedupConfig().band_shape()
    return {"seconds": seconds, "peak_rss_mb": peak_rss_mb(), "bands": bands, "rows": rows,
            **quality(work, rep)}


# ---- (b) rensa, bare ------------------------------------------------------------------------

def run_rensa(work: Path, n: int, ngram: int) -> dict[str, Any]:
    import rensa

    from synthforge.curate.near_dedup import NearDedupConfig

    bands, rows = NearDedupConfig().band_shape()
    words = [t.lower().split() for t in read_texts(work)]  # pre-split: not timed
    rep = np.full(n, -1, dtype=np.int64)
    lsh = rensa.RMinHashLSH(0.5, bands * rows, bands)
    perms = bands * rows
    t0 = time.perf_counter()
    for i, w in enumerate(words):
        m = rensa.RMinHash(perms, 1)
        m.update([a + " " + b for a, b in pairwise(w)] if ngram == 2 and len(w) > 1 else w)
        found = lsh.query(m)
        if found:
            rep[i] = min(found)
        else:
            lsh.insert(i, m)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "peak_rss_mb": peak_rss_mb(), "ngram": ngram,
            **quality(work, rep)}


# ---- (c) datatrove ------------------------------------------------------------------------

def run_datatrove(work: Path, n: int) -> dict[str, Any]:
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup.minhash import (
        MinhashConfig,
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
        MinhashDedupSignature,
    )
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from datatrove.utils.hashing import HashConfig

    from synthforge.curate.near_dedup import NearDedupConfig

    bands, rows = NearDedupConfig().band_shape()
    config = MinhashConfig(n_grams=2, num_buckets=bands, hashes_per_bucket=rows,
                           hash_config=HashConfig(precision=64, hash_fc="sha1"))
    dt = work / "datatrove"
    shutil.rmtree(dt, ignore_errors=True)

    def reader() -> Any:
        return JsonlReader(str(work), glob_pattern="docs.jsonl", text_key="text", id_key="id")

    stages = [
        ([reader(), MinhashDedupSignature(output_folder=str(dt / "sigs"), config=config)], 1),
        ([MinhashDedupBuckets(input_folder=str(dt / "sigs"), output_folder=str(dt / "buckets"),
                              config=config)], bands),
        ([MinhashDedupCluster(input_folder=str(dt / "buckets"), output_folder=str(dt / "ids"),
                              config=config, save_cluster_id=True)], 1),
        ([reader(), MinhashDedupFilter(input_folder=str(dt / "ids"), load_cluster_ids=True,
                                       exclusion_writer=JsonlWriter(str(dt / "removed"))),
          JsonlWriter(str(dt / "kept"))], 1),
    ]
    t0 = time.perf_counter()
    for i, (pipeline, tasks) in enumerate(stages):
        LocalPipelineExecutor(pipeline=pipeline, tasks=tasks, workers=1,
                              logging_dir=str(dt / f"logs{i}")).run()
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "peak_rss_mb": peak_rss_mb(children=True),
            **quality(work, _datatrove_rep(dt, n))}


def _datatrove_rep(dt: Path, n: int) -> np.ndarray:
    """Each removed document's cluster representative (the one datatrove kept)."""
    import gzip

    def rows(folder: Path) -> list[dict[str, Any]]:
        out = []
        for path in sorted(folder.glob("*")):
            with gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb") as f:
                out += [orjson.loads(line) for line in f]
        return out

    kept_of: dict[int, int] = {}
    for row in rows(dt / "kept"):
        cluster = row["metadata"].get("minhash_cluster_id", -1)
        if cluster >= 0:
            kept_of[cluster] = int(row["id"])
    rep = np.full(n, -1, dtype=np.int64)
    for row in rows(dt / "removed"):
        rep[int(row["id"])] = kept_of.get(row["metadata"].get("minhash_cluster_id", -1), -2)
    return rep


# ---- driver -------------------------------------------------------------------------------

METHODS = ("synthforge", "rensa", "rensa-words", "datatrove")


def child(method: str, work: Path, n: int) -> dict[str, Any]:
    if method == "synthforge":
        return run_synthforge(work, n)
    if method == "rensa":
        return run_rensa(work, n, 2)
    if method == "rensa-words":
        return run_rensa(work, n, 1)
    return run_datatrove(work, n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--only", default=",".join(METHODS), help="comma-separated methods")
    parser.add_argument("--work", type=Path, help="keep the corpus here (reused if present)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="sf-curate-"))
    if args.child:
        print(json.dumps(child(args.child, work, args.docs)))
        return
    work.mkdir(parents=True, exist_ok=True)
    stamp = work / f"corpus-{args.docs}.done"
    try:
        if not stamp.exists():
            t0 = time.perf_counter()
            make_corpus(args.docs, work)
            stamp.touch()
            print(f"corpus: {args.docs:,} documents in {time.perf_counter() - t0:.0f} s")
        results = {}
        for method in args.only.split(","):
            out = subprocess.run([sys.executable, __file__, "--child", method, "--docs",
                                  str(args.docs), "--work", str(work)], check=True,
                                 stdout=subprocess.PIPE, text=True)
            results[method] = json.loads(out.stdout.strip().splitlines()[-1])
            r = results[method]
            print(f"{method:12} {r['seconds']:8.1f} s  {args.docs / r['seconds']:10,.0f} docs/s"
                  f"  peak RSS {r['peak_rss_mb']:7.0f} MB  F1 {r['f1']:.4f}  P {r['precision']:.4f}"
                  f"  R {r['recall']:.4f}  R<=10% {r['recall_le10pct']:.4f}", flush=True)
        print(json.dumps({"bench": "near-dedup", "docs": args.docs, **results}))
        if "synthforge" in results and "rensa" in results:
            ratio = results["synthforge"]["seconds"] / results["rensa"]["seconds"]
            if "datatrove" in results:
                speedup = results["datatrove"]["seconds"] / results["synthforge"]["seconds"]
                print(f"datatrove_over_synthforge {speedup:.1f}")
            print(f"near_dedup_time_over_rensa_floor {ratio:.2f}")
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
