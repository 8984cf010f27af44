"""Task families: items/s per family (with worked solutions) and distinct questions per
10,000 items, and items/s side by side with reasoning-gym on comparable datasets, measured
in one process the same way.

    python bench/procedural.py                     # every family, then every pair
    python bench/procedural.py --pairs-only        # just the comparison with reasoning-gym
    python bench/procedural.py --families arithmetic_chain count_legs

Timing is CPU time (`time.process_time()`, so other load on a shared machine counts less),
the best of 3 runs of `--items` items (10,000) after a warm-up, on one core. A family is
timed calling `generate(k)` (question, worked solution, answer, response and metadata); a
reasoning-gym dataset by indexing `dataset[i]` (question, answer and metadata, no worked
solution) at its defaults. For each pair our family runs at the level whose task is closest
in size to reasoning-gym's default item (PAIRS says which and why), and the two sides take
turns run by run so that both see the same machine. The last line is a single figure: the
smallest ratio ours / reasoning-gym over the pairs (above 1: ours is faster on every pair).
"""

from __future__ import annotations

import argparse
import json
import signal
import time
import warnings
from collections.abc import Callable
from typing import Any

from synthforge import registry
from synthforge.generate.procedural.base import families
from synthforge.stage import Context

# reasoning-gym dataset -> (our family, level, extra params, why that level): the level of
# ours whose task is closest in size to reasoning-gym's default item
PAIRS: dict[str, tuple[str, int, dict[str, Any], str]] = {
    "chain_sum": ("arithmetic_chain", 1, {},
                  "2-6 terms of 1-4 digits, + and - only; our level 1 is the +/- only chain "
                  "(3 terms; levels 2+ add products and quotients)"),
    "fraction_simplification": ("fractions_arith", 1, {"kind": "simplify"},
                                "simplify one fraction; our level-1 simplify items (reduce "
                                "one fraction by its GCD)"),
    "gcd": ("gcd_lcm", 2, {}, "GCD of 2 numbers up to 1000; our level 2: GCD or LCM of 2 "
            "numbers up to 300"),
    "lcm": ("gcd_lcm", 1, {}, "LCM of 2 numbers up to 100; our level 1: GCD or LCM of 2 "
            "numbers up to 150"),
    "shortest_path": ("shortest_path", 5, {},
                      "BFS in a 5-8 x 5-8 grid, 40% blocked (the start's component: ~17 "
                      "cells, ~20 edges); our level 5: 9-12 nodes, ~18 weighted arcs"),
    "syllogism": ("syllogism", 3, {}, "2 premises and a conclusion, All/No/Some/Some-not, "
                  "conclusion either way round; our levels 1-4 are all 3 statements, level 3 "
                  "the one with every form and both directions"),
    "word_sorting": ("sort_words", 2, {}, "sort 3-10 words; our level 2 sorts 6-8"),
    "leg_counting": ("count_legs", 5, {}, "3-10 kinds of animal, 1-15 each; our level 5 "
                     "has 6-7 kinds"),
    "letter_counting": ("count_chars", 3, {}, "a letter in a text of 5-15 words; our level "
                        "3 counts a letter (or vowels, initials) in 8-12 words"),
    "spell_backward": ("reverse_text", 1, {}, "one word of 3-10 letters; our level 1 "
                       "reverses a word or a short phrase"),
}
# other comparable datasets, shown next to the family's difficulty-3 figure only
OTHER_PAIRS = {
    "arithmetic_chain": ["basic_arithmetic"],
    "gsm_word_problem": ["gsm_symbolic"],
    "sort_numbers": ["number_sorting"],
    "number_sequence": ["number_sequence"],
    "knights_knaves": ["knights_knaves"],
    "date_arithmetic": ["calendar_arithmetic"],
    "truth_table": ["propositional_logic"],
    "linear_equation": ["simple_equations"],
}
HEAVY = {"python_function", "code_output", "sql_query", "tool_use", "extract_json",
         "shortest_path", "knights_knaves"}  # not "simple": more work per item by nature


WARM_UP = 1000  # items made before timing (imports, caches of fixed tables)


def seconds(make: Callable[[int], Any], n: int, run: int) -> float:
    """CPU seconds of making n items, a fresh range of indices for each run (so that no item
    is made twice: caches only help where items really share their parts)."""
    first = WARM_UP + run * n
    t0 = time.process_time()
    for k in range(first, first + n):
        make(k)
    return max(time.process_time() - t0, 1e-9)


def warm_up(make: Callable[[int], Any]) -> None:
    for k in range(WARM_UP):
        make(k)


def cpu_rate(make: Callable[[int], Any], n: int, repeats: int = 3) -> float:
    """Items per CPU-second: the best of `repeats` runs of n items after a warm-up."""
    warm_up(make)
    return n / min(seconds(make, n, run) for run in range(repeats))


class ItemTimeout(Exception):
    pass


def quick_rate(make: Callable[[int], Any], n: int, repeats: int = 3,
               budget: float = 1.0) -> float | str:
    """Items per CPU-second for context figures: like cpu_rate, but each run stops after
    `budget` CPU seconds, and an item that takes over 5 s (reasoning-gym's number_sequence
    loops forever on some indices) ends the measurement: its index is returned instead."""
    def timeout(signum, frame):
        raise ItemTimeout

    alarm = hasattr(signal, "setitimer")
    if alarm:
        previous = signal.signal(signal.SIGALRM, timeout)
    k = 0
    try:
        for k in range(10):
            if alarm:
                signal.setitimer(signal.ITIMER_REAL, 5.0)
            make(k)
        best = 0.0
        for run in range(repeats):
            first = WARM_UP + run * n
            t0 = time.process_time()
            done = 0
            while done < n and (done % 50 or time.process_time() - t0 < budget):
                k = first + done
                if alarm:
                    signal.setitimer(signal.ITIMER_REAL, 5.0)
                make(k)
                done += 1
            best = max(best, done / max(time.process_time() - t0, 1e-9))
        return best
    except ItemTimeout:
        return f"item {k} did not finish in 5 s"
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def our_generator(name: str, level: int, **params):
    cls = families()[name]
    return cls(cls.Config(difficulty=level, **params), Context(seed=1), name)


def their_dataset(name: str, items: int):
    """reasoning-gym's dataset at its defaults, with room for the warm-up and `items`."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import reasoning_gym
    except ImportError:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return reasoning_gym.create_dataset(name, size=WARM_UP + items, seed=1)


def distinct_share(question: Callable[[int], str], n: int = 10_000) -> float:
    return len({question(k) for k in range(n)}) / n


def time_family(name: str, n: int, repeats: int, level: int = 3) -> dict:
    gen = our_generator(name, level)
    rate = cpu_rate(gen.generate, n, repeats)
    cls = type(gen)
    row = {"family": name, "domain": cls.domain, "items_per_s": round(rate),
           "distinct_per_10k": round(distinct_share(lambda k: gen.generate(k)[0]["question"]),
                                      4),
           "space_at_level": cls.space(level)}
    others = []
    for dataset in OTHER_PAIRS.get(name, []):
        ds = their_dataset(dataset, n * repeats)
        if ds is not None:
            rate = quick_rate(ds.__getitem__, n, repeats)
            others.append({"dataset": dataset, "items_per_s": round(rate)} if isinstance(
                rate, float) else {"dataset": dataset, "not_measured": rate})
    if others:
        row["vs_reasoning_gym"] = others
    return row


def compare(dataset: str, n: int, repeats: int) -> dict | None:
    """Our family at its comparable level against reasoning-gym's dataset, taking turns."""
    name, level, params, why = PAIRS[dataset]
    ds = their_dataset(dataset, n * repeats)
    if ds is None:
        return None
    gen = our_generator(name, level, **params)
    warm_up(gen.generate)
    warm_up(ds.__getitem__)
    ours = theirs = float("inf")
    for run in range(repeats):
        ours = min(ours, seconds(gen.generate, n, run))
        theirs = min(theirs, seconds(ds.__getitem__, n, run))
    return {"dataset": dataset, "family": name, "level": level, "params": params,
            "ours_items_per_s": round(n / ours), "theirs_items_per_s": round(n / theirs),
            "ratio": round(theirs / ours, 2), "why": why}


def quickstart_rate(n: int) -> float:
    """Items/s of the quickstart mix's sources (generation only, no checks)."""
    from synthforge.engine.build import build_pipeline
    from synthforge.recipe import load_recipe

    pipeline = build_pipeline(load_recipe("examples/quickstart.yaml"))
    t0 = time.process_time()
    done = 0
    for start in range(0, n, 1000):
        made, declined = pipeline.generate(start, min(n, start + 1000))
        done += len(made) + len(declined)
    return done / (time.process_time() - t0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000, help="items per timed run")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs (the best counts)")
    parser.add_argument("--families", nargs="*", help="only these families (and their pairs)")
    parser.add_argument("--pairs-only", action="store_true", help="skip the per-family rows")
    args = parser.parse_args()
    registry.ensure_loaded()
    names = args.families or sorted(families())
    simple = []
    if not args.pairs_only:
        for name in names:
            n = args.items if name not in HEAVY else max(1000, args.items // 10)
            row = time_family(name, n, args.repeats)
            if name not in HEAVY:
                simple.append(row["items_per_s"])
            print(json.dumps(row), flush=True)
        try:
            print(json.dumps({"quickstart_mix_items_per_s": round(quickstart_rate(4000))}))
        except Exception as exc:  # the quickstart may name families this run did not load
            print(json.dumps({"quickstart_mix": f"not measured: {exc}"}))
        print(f"slowest_simple_family_items_per_s {min(simple) if simple else 0}")
    ratios = []
    print(f"{'reasoning-gym':24} {'ours':18} {'level':>5} {'ours/s':>9} {'theirs/s':>9} "
          f"{'ratio':>6}")
    for dataset, (name, *_rest) in PAIRS.items():
        if args.families and name not in args.families:
            continue
        row = compare(dataset, args.items, args.repeats)
        if row is None:
            print(f"{dataset:24} not measured: reasoning-gym is not installed")
            continue
        ratios.append(row["ratio"])
        print(f"{dataset:24} {name:18} {row['level']:>5} {row['ours_items_per_s']:>9} "
              f"{row['theirs_items_per_s']:>9} {row['ratio']:>6.2f}", flush=True)
    print(f"min_ratio_ours_over_reasoning_gym {f'{min(ratios):.2f}' if ratios else 'n/a'}")


if __name__ == "__main__":
    main()
