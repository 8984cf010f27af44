"""Near-duplicate quality: plant edited copies of Alpaca texts and score a dedup method.

    python bench/dedup_quality.py                           # the step's defaults, 5,000 originals
    python bench/dedup_quality.py --compare                 # also web-scale and other settings
    python bench/dedup_quality.py --sweep                   # shingle size x threshold grid

N originals (Alpaca instruction + input + output, ~45 words) each get one copy of every
kind below; N other Alpaca texts with no copies are the negatives. The stream is shuffled
with each original before its copies. A copy counts as caught when it is rejected as a
duplicate of a text of its own family (the original or another copy); any other reject is
a false positive. Precision for a kind is measured on that kind's copies together with every
original and negative (as if the data held only that kind of duplicate).

Kinds: `exact`; `format` (case, whitespace, sentence punctuation); `boilerplate` (a stock
phrase such as "I hope this helps!" added before or after); `reorder` (sentences shuffled);
`substitute`, `delete`, `insert` at 5, 10, 20 and 30 % of the words (random words drawn from
the corpus by frequency). "<= 10 %" groups exact, format, boilerplate, reorder and the 5 and
10 % edits. Prints a markdown table, one JSON line, and last the F1 at <= 10 %.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from synthforge.curate.near_dedup import NearDedup, NearDedupConfig  # noqa: E402
from synthforge.curate.normalize import text_key  # noqa: E402
from synthforge.record import Record  # noqa: E402
from synthforge.stage import Context  # noqa: E402

ALPACA = ROOT.parent / "shared" / "data" / "alpaca" / "alpaca_data.json.gz"
RATES = (0.05, 0.10, 0.20, 0.30)
EDITS = ("substitute", "delete", "insert")
KINDS = ("exact", "format", "boilerplate", "reorder",
         *(f"{edit} {round(rate * 100)}%" for edit in EDITS for rate in RATES))
LIGHT = ("exact", "format", "boilerplate", "reorder",
         *(f"{edit} {p}%" for edit in EDITS for p in (5, 10)))
BOILERPLATE = ("I hope this helps!", "Sure! Here is the answer:", "Great question!",
               "Let me know if you have any other questions.",
               "As an AI language model, I can help with that.")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_END = re.compile(r"[.!?](?=\s|$)")

Decide = Callable[[list[str]], list[int | None]]  # per text: the position it duplicates


@dataclass(frozen=True)
class Item:
    """One text of the benchmark stream: its family (original and copies share one)."""

    text: str
    family: int
    kind: str  # "original", "negative" or a copy kind


@dataclass
class Benchmark:
    items: list[Item]
    originals: int
    negatives: int

    @property
    def texts(self) -> list[str]:
        return [item.text for item in self.items]


# ---- building ---------------------------------------------------------------------------

def load_alpaca(path: Path = ALPACA) -> list[str]:
    """Alpaca's texts (instruction, input, output on separate lines), exact repeats dropped."""
    with gzip.open(path, "rb") as f:
        rows = orjson.loads(f.read())
    seen: set[int] = set()
    texts = []
    for row in rows:
        text = "\n".join(row[k] for k in ("instruction", "input", "output") if row[k])
        key = text_key(text)
        if key not in seen:
            seen.add(key)
            texts.append(text)
    return texts


class Mutator:
    """Edited copies of a text, drawing inserted and substituted words from a corpus."""

    def __init__(self, corpus: Sequence[str], rng: random.Random):
        self.rng = rng
        self.words = [w for text in corpus for w in text.split() if w.isalpha()]

    def copy(self, text: str, kind: str) -> str:
        if kind == "exact":
            return text
        if kind == "format":
            return self.reformat(text)
        if kind == "boilerplate":
            phrase = self.rng.choice(BOILERPLATE)
            return f"{text}\n\n{phrase}" if self.rng.random() < 0.6 else f"{phrase}\n{text}"
        if kind == "reorder":
            return self.reorder(text)
        edit, percent = kind.split()
        return self.edit(text, edit, int(percent.rstrip("%")) / 100)

    def edit(self, text: str, edit: str, rate: float) -> str:
        words = text.split()
        k = max(1, round(rate * len(words)))
        rng = self.rng
        if edit == "substitute":
            for i in rng.sample(range(len(words)), min(k, len(words))):
                words[i] = rng.choice(self.words)
        elif edit == "delete":
            gone = set(rng.sample(range(len(words)), min(k, len(words) - 1)))
            words = [w for i, w in enumerate(words) if i not in gone]
        else:
            for _ in range(k):
                words.insert(rng.randrange(len(words) + 1), rng.choice(self.words))
        return " ".join(words)

    def reformat(self, text: str) -> str:
        rng = self.rng
        case = rng.choice((str.upper, str.lower, str.title, str.swapcase))
        text = case(text)
        text = _END.sub(lambda _: rng.choice(("", "!", "...", " .", ";")), text)
        return rng.choice(("  ", "\n", " \t ")).join(text.split()) + rng.choice(("", " ", "\n"))

    def reorder(self, text: str) -> str:
        parts = [p for p in _SENTENCE.split(text.replace("\n", " ")) if p]
        if len(parts) < 2:
            words = text.split()
            cut = self.rng.randrange(1, len(words)) if len(words) > 1 else 0
            return " ".join(words[cut:] + words[:cut])
        shuffled = parts[:]
        while shuffled == parts:
            self.rng.shuffle(shuffled)
        return " ".join(shuffled)


def build(originals: int = 5000, negatives: int = 5000, seed: int = 0,
          kinds: Sequence[str] = KINDS, corpus: list[str] | None = None) -> Benchmark:
    """The labelled stream: originals, their copies of every kind, and negatives."""
    rng = random.Random(seed)
    texts = corpus if corpus is not None else load_alpaca()
    chosen = rng.sample(range(len(texts)), originals + negatives)
    mutator = Mutator([texts[i] for i in chosen[:2000]], rng)
    items = [Item(texts[i], f, "original") for f, i in enumerate(chosen[:originals])]
    items += [Item(texts[i], originals + f, "negative")
              for f, i in enumerate(chosen[originals:])]
    items += [Item(mutator.copy(texts[i], kind), f, kind)
              for f, i in enumerate(chosen[:originals]) for kind in kinds]
    rng.shuffle(items)
    first: dict[int, int] = {}
    for pos, item in enumerate(items):  # each original before its copies
        if item.kind == "original":
            at = first.get(item.family, pos)
            items[at], items[pos] = items[pos], items[at]
        first.setdefault(item.family, pos)
    return Benchmark(items, originals, negatives)


# ---- deciding ---------------------------------------------------------------------------

def near_dedup(batch_size: int = 1000, **config: Any) -> Decide:
    """The near_dedup step with `config`, over the texts in batches, as the runner drives it."""

    def decide(texts: list[str]) -> list[int | None]:
        step = NearDedup(NearDedupConfig(**config), Context(), "near_dedup")
        out: list[int | None] = []
        for start in range(0, len(texts), batch_size):
            records = [Record(str(i), i, {"text": t}, {})
                       for i, t in enumerate(texts[start:start + batch_size], start)]
            for record, verdict in zip(records, step.process(records), strict=True):
                out.append(record.meta.get("duplicate_of") if verdict else None)
        return out

    return decide


# ---- scoring ----------------------------------------------------------------------------

@dataclass
class Score:
    copies: int = 0
    caught: int = 0
    wrong: int = 0  # copies rejected as duplicates of another family

    def metrics(self, false_positives: int) -> dict[str, float]:
        fp = false_positives + self.wrong
        precision = self.caught / (self.caught + fp) if self.caught + fp else 1.0
        recall = self.caught / self.copies if self.copies else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"copies": self.copies, "recall": recall, "precision": precision, "f1": f1}


@dataclass
class Result:
    by_kind: dict[str, Score] = field(default_factory=dict)
    false_positives: int = 0  # originals and negatives rejected
    kept_texts: int = 0  # originals and negatives
    seconds: float = 0.0

    def row(self, kinds: Sequence[str]) -> dict[str, float]:
        total = Score()
        for kind in kinds:
            s = self.by_kind.get(kind, Score())
            total.copies += s.copies
            total.caught += s.caught
            total.wrong += s.wrong
        return total.metrics(self.false_positives)

    def summary(self) -> dict[str, Any]:
        rates = {f"{p}%": [f"{e} {p}%" for e in EDITS] for p in (5, 10, 20, 30)}
        out: dict[str, Any] = {"<=10%": self.row(LIGHT)}
        out.update({k: self.row(v) for k, v in rates.items()})
        out["all"] = self.row(list(self.by_kind))
        out["false_positives"] = self.false_positives
        out["kept_texts"] = self.kept_texts
        return out


def score(bench: Benchmark, decisions: list[int | None], seconds: float = 0.0) -> Result:
    result = Result(seconds=seconds)
    for item, target in zip(bench.items, decisions, strict=True):
        if item.kind in ("original", "negative"):
            result.kept_texts += 1
            result.false_positives += target is not None
            continue
        s = result.by_kind.setdefault(item.kind, Score())
        s.copies += 1
        if target is not None:
            if bench.items[target].family == item.family:
                s.caught += 1
            else:
                s.wrong += 1
    return result


def evaluate(bench: Benchmark, decide: Decide) -> Result:
    t0 = time.perf_counter()
    decisions = decide(bench.texts)
    return score(bench, decisions, time.perf_counter() - t0)


# ---- reporting --------------------------------------------------------------------------

def table(result: Result) -> str:
    lines = ["| copies | n | recall | precision | F1 |", "|---|---|---|---|---|"]

    def line(name: str, m: dict[str, float]) -> None:
        lines.append(f"| {name} | {m['copies']:,} | {m['recall']:.3f} | {m['precision']:.3f} "
                     f"| {m['f1']:.3f} |")

    for kind in KINDS:
        if kind in result.by_kind:
            line(kind, result.by_kind[kind].metrics(result.false_positives))
    summary = result.summary()
    line("**<= 10 % edits**", summary["<=10%"])
    for p in ("20%", "30%"):
        line(f"**{p} edits**", summary[p])
    line("**all copies**", summary["all"])
    lines.append(f"\noriginals and negatives wrongly rejected: {result.false_positives} of "
                 f"{result.kept_texts:,}")
    return "\n".join(lines)


COMPARE: dict[str, dict[str, Any]] = {
    "synthforge defaults (2-gram, 0.5, verified)": {},
    "web-scale (5-gram, 0.7, LSH only)": {"ngram": 5, "threshold": 0.7, "verify": False},
    "5-gram, 0.7, verified": {"ngram": 5, "threshold": 0.7},
    "2-gram, 0.5, LSH only": {"verify": False},
    "1-gram, 0.6, verified": {"ngram": 1, "threshold": 0.6},
    "3-gram, 0.4, verified": {"ngram": 3, "threshold": 0.4},
    "numbers as words": {"numbers": "words"},
    "numbers folded to 0": {"numbers": "fold"},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--originals", type=int, default=5000)
    parser.add_argument("--negatives", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--compare", action="store_true", help="other settings side by side")
    parser.add_argument("--sweep", action="store_true", help="ngram x threshold grid")
    args = parser.parse_args()
    bench = build(args.originals, args.negatives, args.seed)
    print(f"{len(bench.items):,} texts: {args.originals:,} originals with {len(KINDS)} copies "
          f"each, {args.negatives:,} negatives")
    default = evaluate(bench, near_dedup())
    print("\n## synthforge near_dedup defaults\n")
    print(table(default))
    summaries = {"defaults": {**default.summary(), "seconds": round(default.seconds, 2)}}
    if args.compare:
        print("\n| settings | <= 10 %: recall | precision | F1 | 20 %: recall | 30 %: recall "
              "| all: precision | false positives | s |\n|---|---|---|---|---|---|---|---|---|")
        for name, config in COMPARE.items():
            res = default if not config else evaluate(bench, near_dedup(**config))
            s = res.summary()
            summaries[name] = {**s, "seconds": round(res.seconds, 2)}
            print(f"| {name} | {s['<=10%']['recall']:.3f} | {s['<=10%']['precision']:.3f} | "
                  f"{s['<=10%']['f1']:.3f} | {s['20%']['recall']:.3f} | "
                  f"{s['30%']['recall']:.3f} | {s['all']['precision']:.3f} | "
                  f"{s['false_positives']} | {res.seconds:.1f} |")
    if args.sweep:
        print("\n| ngram | threshold | <= 10 % F1 | 20 % recall | all precision | FP |\n"
              "|---|---|---|---|---|---|")
        for ngram in (1, 2, 3):
            for threshold in (0.3, 0.4, 0.5, 0.6, 0.7):
                s = evaluate(bench, near_dedup(ngram=ngram, threshold=threshold)).summary()
                print(f"| {ngram} | {threshold} | {s['<=10%']['f1']:.3f} | "
                      f"{s['20%']['recall']:.3f} | {s['all']['precision']:.3f} | "
                      f"{s['false_positives']} |")
    print(json.dumps({"bench": "dedup-quality", "texts": len(bench.items), **summaries}))
    print(f"near_dedup_f1_le10pct {default.summary()['<=10%']['f1']:.4f}")


if __name__ == "__main__":
    main()
