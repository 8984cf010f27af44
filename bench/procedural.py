"""Task families: items/s per family (with worked solutions) and distinct questions per
10,000 items, side by side with reasoning-gym on comparable datasets, in one process.

    python bench/procedural.py                 # every family, 20,000 items each
    python bench/procedural.py --items 5000 --families arithmetic_chain count_legs

Each family is timed at difficulty 3 calling `generate(k)` (question, worked solution,
answer, response and metadata) on one core. reasoning-gym datasets are timed at their
defaults by indexing `dataset[i]`. The last line is the slowest simple family's items/s.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings

from synthforge import registry
from synthforge.generate.procedural.base import families
from synthforge.stage import Context

# our family -> comparable reasoning-gym datasets
PAIRS = {
    "arithmetic_chain": ["chain_sum", "basic_arithmetic"],
    "count_legs": ["leg_counting"],
    "gsm_word_problem": ["gsm_symbolic"],
    "sort_words": ["word_sorting"],
    "sort_numbers": ["number_sorting"],
    "number_sequence": ["number_sequence"],
    "knights_knaves": ["knights_knaves"],
    "syllogism": ["syllogism"],
    "shortest_path": ["shortest_path"],
    "gcd_lcm": ["gcd", "lcm"],
    "date_arithmetic": ["calendar_arithmetic"],
    "truth_table": ["propositional_logic"],
    "count_chars": ["letter_counting"],
    "reverse_text": ["spell_backward"],
    "fractions_arith": ["fraction_simplification"],
    "linear_equation": ["simple_equations"],
}
HEAVY = {"python_function", "code_output", "sql_query", "tool_use", "extract_json",
         "shortest_path", "knights_knaves"}  # not "simple": more work per item by nature


def time_family(name: str, n: int, level: int = 3) -> dict:
    cls = families()[name]
    gen = cls(cls.Config(difficulty=level), Context(seed=1), name)
    gen.generate(0)  # warm caches
    t0 = time.perf_counter()
    questions = set()
    for k in range(n):
        questions.add(gen.generate(k)[0]["question"])
    seconds = time.perf_counter() - t0
    distinct = _distinct(gen, 10_000) if n < 10_000 else len(questions) / n
    return {"family": name, "domain": cls.domain, "items_per_s": round(n / seconds),
            "distinct_per_10k": round(distinct, 4), "space_at_level": cls.space(level)}


def _distinct(gen, n: int) -> float:
    return len({gen.generate(k)[0]["question"] for k in range(n)}) / n


def time_reasoning_gym(dataset: str, n: int) -> dict | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import reasoning_gym
    except ImportError:
        return None
    ds = reasoning_gym.create_dataset(dataset, size=max(n, 10_000), seed=1)
    ds[0]
    t0 = time.perf_counter()
    questions = {ds[i]["question"] for i in range(n)}
    seconds = time.perf_counter() - t0
    distinct = (len(questions) if n >= 10_000 else len({ds[i]["question"]
                                                        for i in range(10_000)})) / max(n, 10_000)
    return {"dataset": dataset, "items_per_s": round(n / seconds),
            "distinct_per_10k": round(distinct, 4)}


def quickstart_rate(n: int) -> float:
    """Items/s of the quickstart mix's sources (generation only, no checks)."""
    from synthforge.engine.build import build_pipeline
    from synthforge.recipe import load_recipe

    pipeline = build_pipeline(load_recipe("examples/quickstart.yaml"))
    t0 = time.perf_counter()
    done = 0
    for start in range(0, n, 1000):
        made, declined = pipeline.generate(start, min(n, start + 1000))
        done += len(made) + len(declined)
    return done / (time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--families", nargs="*")
    args = parser.parse_args()
    registry.ensure_loaded()
    names = args.families or sorted(families())
    rows = []
    for name in names:
        n = args.items if name not in HEAVY else max(1000, args.items // 10)
        row = time_family(name, n)
        row["vs_reasoning_gym"] = [r for d in PAIRS.get(name, []) if (r := time_reasoning_gym(
            d, max(1000, args.items // 4)))]
        rows.append(row)
        print(json.dumps(row))
    simple = [r["items_per_s"] for r in rows if r["family"] not in HEAVY]
    try:
        print(json.dumps({"quickstart_mix_items_per_s": round(quickstart_rate(4000))}))
    except Exception as exc:  # the quickstart may name families this run did not load
        print(json.dumps({"quickstart_mix": f"not measured: {exc}"}))
    print(f"slowest_simple_family_items_per_s {min(simple) if simple else 0}")


if __name__ == "__main__":
    main()
