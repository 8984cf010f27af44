"""Decontamination throughput: records/s of the `decontaminate` step against GSM8K test and
HumanEval, and peak RSS.

    python bench/decontam.py                        # 1,000,000 records, step alone
    python bench/decontam.py --engine               # also through synthforge.run
    python bench/decontam.py --records 200000

Records have two fields, `prompt` and `response`, about 45 words together, taken in turn
from Alpaca (instruction + input, output) and from the project's `gsm_word_problem` family
(question, worked solution), cut to 45 words. One record in 10,000 is a planted GSM8K test
question (verbatim) to keep the match path busy; all must be caught.

"Step alone" times index building plus `process()` on batches of 2,000 records (records are
made batch by batch outside the timed section, so memory stays flat), in wall-clock and in
CPU time (the latter less disturbed by other load on a shared machine); `--engine` runs the
same records through `synthforge.run` (source -> decontaminate -> JSONL shards) and times it
from the first to the last commit. The last line is one comparable figure: records/s of the
step alone.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import synthforge as sf
from synthforge.curate.decontam import Decontaminate, DecontaminateConfig
from synthforge.curate.evalsets import read_items
from synthforge.engine.runner import Progress
from synthforge.generate.procedural.base import families
from synthforge.record import Record

DATA = Path(os.environ.get("SYNTHFORGE_DATA", "/work/shared/data"))
AGAINST = [{"path": str(DATA / "gsm8k/test.jsonl"), "layout": "gsm8k"},
           {"path": str(DATA / "humaneval/HumanEval.jsonl.gz"), "layout": "humaneval"}]
WORDS = 47  # whitespace words; about 45 after normalisation and short rows
PLANT_EVERY = 10_000
BATCH = 2000


def _cut(prompt: str, response: str, more: str, words: int = WORDS) -> dict[str, str]:
    """A prompt of at most 2/3 of the words; the response fills up to `words`, from `more`
    (the next row's text) where its own runs out."""
    p = prompt.split()[: words * 2 // 3]
    r = (response.split() + more.split())[: words - len(p)]
    return {"prompt": " ".join(p), "response": " ".join(r)}


def pool(gsm_items: int = 20_000) -> list[dict[str, str]]:
    """Alpaca rows and gsm_word_problem items, interleaved, each about 45 words."""
    with gzip.open(DATA / "alpaca/alpaca_data.json.gz") as f:
        rows = json.load(f)
    alpaca = [_cut(f"{r['instruction']} {r['input']}", r["output"],
                   rows[(k + 1) % len(rows)]["output"]) for k, r in enumerate(rows)]
    gsm = families()["gsm_word_problem"]
    source = gsm(gsm.Config(difficulty={"mix": {1: 1, 2: 1, 3: 1, 4: 1, 5: 1}}),
                 sf.Context(seed=7), "gsm")
    items = [d for d, _ in map(source.generate, range(gsm_items))]
    made = [_cut(d["question"], d["response"], items[(k + 1) % len(items)]["question"])
            for k, d in enumerate(items)]
    out = []
    for k in range(max(len(alpaca), len(made))):
        out += [rows[k] for rows in (alpaca, made) if k < len(rows)]
    return out


class Corpus:
    """Record k: pool row k (cycled), or a planted GSM8K test question every PLANT_EVERY."""

    def __init__(self) -> None:
        self.rows = pool()
        self.planted = [it.texts[0][1] for it in read_items(DATA / "gsm8k/test.jsonl", "gsm8k")]

    def data(self, k: int) -> dict[str, str]:
        if k % PLANT_EVERY == PLANT_EVERY - 1:
            return {"prompt": self.planted[k // PLANT_EVERY % len(self.planted)],
                    "response": "Let me think."}
        return self.rows[k % len(self.rows)]

    def batch(self, start: int, stop: int) -> list[Record]:
        return [Record(f"b-{k}", k, self.data(k)) for k in range(start, stop)]


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def rss_mb() -> float:
    """Resident memory now (Linux), to tell the step's own memory from the corpus'."""
    with open("/proc/self/status") as f:
        kb = next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
    return round(kb / 1024, 1)


def bench_step(n: int, corpus: Corpus) -> dict:
    rss_before = rss_mb()
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    config = DecontaminateConfig.model_validate({"against": AGAINST})
    step = Decontaminate(config, sf.Context(base_dir=DATA), "decontaminate")
    build_s = time.perf_counter() - t0
    step_s, cpu_s, rejected, caught, words = build_s, time.process_time() - cpu0, 0, 0, 0
    for start in range(0, n, BATCH):
        records = corpus.batch(start, min(start + BATCH, n))
        words += sum(len(v.split()) for r in records[:20] for v in r.data.values()) * len(
            records) // min(20, len(records))
        t, cpu = time.perf_counter(), time.process_time()
        verdicts = step.process(records)
        step_s += time.perf_counter() - t
        cpu_s += time.process_time() - cpu
        rejected += sum(v is not None for v in verdicts)
        caught += sum(v is not None for r, v in zip(records, verdicts, strict=True)
                      if r.index % PLANT_EVERY == PLANT_EVERY - 1)
    planted = n // PLANT_EVERY
    return {"records": n, "mean_words": round(words / n, 1), "index_units": len(step.index),
            "index_ngrams": step.index.size, "build_s": round(build_s, 3),
            "step_s": round(step_s, 3), "records_per_s": round(n / step_s),
            "cpu_s": round(cpu_s, 3), "records_per_cpu_s": round(n / cpu_s),
            "rejected": rejected, "planted": planted, "planted_caught": caught,
            "peak_rss_mb": peak_mb(), "rss_mb_before_step": rss_before,
            "rss_mb_after_step": rss_mb()}


class BenchSource(sf.Generator):
    corpus: Corpus | None = None

    def generate(self, k: int) -> dict:
        assert self.corpus is not None
        return self.corpus.data(k)


def bench_engine(n: int, corpus: Corpus, work: Path) -> dict:
    BenchSource.corpus = corpus
    sf.register("generator", "bench_decontam_source")(BenchSource)
    recipe = {"name": "bench-decontam", "seed": 1, "target": n, "budget": {"max_attempts": n},
              "mix": [{"generator": "bench_decontam_source"}],
              "steps": [{"decontaminate": {"against": AGAINST}}], "exports": []}
    marks: list[float] = []

    def clock(_: Progress) -> None:
        marks.append(time.perf_counter())

    t0 = time.perf_counter()
    result = sf.run(recipe, work / "run", on_progress=clock, batch_size=BATCH, workers=1)
    total = time.perf_counter() - t0
    span = marks[-1] - marks[0]
    return {"records": result.counts["attempted"], "rejected": result.counts["rejected"],
            "total_s": round(total, 3), "pipeline_s": round(span, 3),
            "records_per_s": round(result.counts["attempted"] / span), "peak_rss_mb": peak_mb()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--engine", action="store_true", help="also run through synthforge.run")
    parser.add_argument("--child", choices=["step", "engine"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is None:  # each part in a fresh process, so peak RSS is its own
        for part in ["engine", "step"] if args.engine else ["step"]:
            subprocess.run([sys.executable, __file__, "--child", part, "--records",
                            str(args.records)], check=True)
        return
    corpus = Corpus()
    if args.child == "step":
        stats = bench_step(args.records, corpus)
        print(json.dumps({"bench": "decontam-step", **stats}))
        print(f"decontam_step_records_per_s {stats['records_per_s']}")
        return
    work = Path(tempfile.mkdtemp(prefix="sf-bench-"))
    try:
        stats = bench_engine(args.records, corpus, work)
        print(json.dumps({"bench": "decontam-engine", **stats}))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
