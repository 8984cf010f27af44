"""The engine's invariants: conservation, determinism, resume, clear stops, bounded memory."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import orjson
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import synthforge as sf
from helpers import cli, cli_command, cli_env, wait_for


def recipe(**over) -> dict:
    base = {
        "name": "t", "seed": 11, "target": 300,
        "mix": [{"generator": "t_counter", "name": "a", "weight": 2, "params": {"vocab": 50}},
                {"generator": "t_counter", "name": "b", "weight": 1,
                 "params": {"words": 4, "fail_every": 13}}],
        "steps": [{"t_chaos": {"reject": 0.1, "fail": 0.02}},
                  {"dedup": {"fields": ["text"]}},
                  {"t_upper": {}},
                  {"balance": {"tolerance": 0.1}}],
        "splits": {"train": 0.8, "test": 0.2},
    }
    base.update(over)
    return base


def files(run_dir: Path) -> dict[str, bytes]:
    """Everything a run leaves that must not depend on timing (data, rejects, dataset)."""
    out = {}
    for sub in ("data", "rejected", "dataset"):
        for p in sorted((run_dir / sub).glob("*")):
            out[f"{sub}/{p.name}"] = p.read_bytes()
    return out


def check_conservation(run: sf.Run) -> None:
    counts = run.counts
    assert counts["accepted"] + counts["rejected"] + counts["failed"] == counts["attempted"]
    accepted = [r.index for r in run.records()]
    rejected = list(run.rejected())
    assert len(accepted) == counts["accepted"]
    assert sum(r["fate"] == "rejected" for r in rejected) == counts["rejected"]
    assert sum(r["fate"] == "failed" for r in rejected) == counts["failed"]
    seen = sorted(accepted + [r["index"] for r in rejected])
    assert seen == list(range(counts["attempted"])), "every attempt has exactly one fate"
    assert accepted == sorted(accepted)
    funnel = run.funnel()
    assert funnel[0].into == counts["attempted"]
    assert funnel[-1].kept == counts["accepted"]
    for row in rejected:
        assert row["stage"] and row["reason"]


# ---- conservation -----------------------------------------------------------------------

chaos = st.fixed_dictionaries({
    "reject": st.sampled_from([0.0, 0.05, 0.3, 0.9]),
    "fail": st.sampled_from([0.0, 0.01, 0.2]),
    "batch_error": st.sampled_from([0.0, 0.01]),
    "salt": st.text("abc", min_size=1, max_size=3),
})
stage = st.one_of(
    chaos.map(lambda c: {"t_chaos": c}),
    st.just({"dedup": {"fields": ["text"]}}),
    st.just({"t_seen": {"modulo": 97}}),
    st.just({"t_upper": {}}),
    st.just({"rules": {"fields": ["text"], "min_words": 3}}),
)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(stage, max_size=5), target=st.integers(1, 400),
       budget=st.integers(1, 900), batch=st.sampled_from([1, 7, 64, 1000]),
       fail_every=st.sampled_from([0, 5]))
def test_conservation_over_random_pipelines(tmp_path_factory, steps, target, budget, batch,
                                            fail_every):
    out = tmp_path_factory.mktemp("run")
    r = recipe(steps=steps, target=target, budget={"max_attempts": max(budget, target)})
    r["mix"][1]["params"]["fail_every"] = fail_every
    run = sf.run(r, out, batch_size=batch)
    check_conservation(run)
    assert run.stop_reason in ("target", "budget")
    if run.stop_reason == "target":
        assert run.counts["accepted"] == target
    else:
        assert run.counts["attempted"] == max(budget, target)


def test_failures_are_recorded_with_stage_and_error(in_tmp):
    run = sf.run(recipe(steps=[{"t_chaos": {"fail": 0.05, "batch_error": 0.02}}]), "r")
    rows = list(run.rejected())
    by_stage = {(r["stage"], r["fate"]) for r in rows}
    assert ("source", "failed") in by_stage  # fail_every in the generator
    assert ("t_chaos", "failed") in by_stage
    failed = next(r for r in rows if r["stage"] == "t_chaos" and r["fate"] == "failed")
    assert failed["reason"].startswith("ValueError: record ")
    src = next(r for r in rows if r["stage"] == "source")
    assert "broken on purpose" in src["reason"] and src["meta"]["source"] == "b"
    check_conservation(run)


# ---- determinism ------------------------------------------------------------------------

def test_same_recipe_same_bytes_whatever_batches_and_workers(in_tmp):
    first = sf.run(recipe(), "one")
    second = sf.run(recipe(), "two", batch_size=17)
    third = sf.run(recipe(), "three", workers=2, batch_size=50)
    assert files(first.path) == files(second.path) == files(third.path)
    assert files(first.path)["data/shard-00000.jsonl"]
    other_seed = sf.run(recipe(seed=12), "four")
    assert files(other_seed.path)["data/shard-00000.jsonl"] != files(first.path)[
        "data/shard-00000.jsonl"]


def test_stops_at_target_exactly_and_says_so(in_tmp):
    run = sf.run(recipe(target=123), "r", batch_size=1000)
    assert run.stop_reason == "target"
    assert run.counts["accepted"] == 123
    last = list(run.records())[-1]
    assert run.counts["attempted"] == last.index + 1


def test_budget_stop_and_continue_with_a_larger_budget(in_tmp):
    small = recipe(target=300, budget={"max_attempts": 310})
    run = sf.run(small, "r")
    assert run.stop_reason == "budget" and run.counts["attempted"] == 310
    run = sf.run(recipe(target=300, budget={"max_attempts": 5000}), "r")
    assert run.stop_reason == "target" and run.counts["accepted"] == 300
    straight = sf.run(recipe(target=300, budget={"max_attempts": 5000}), "s")
    assert files(run.path) == files(straight.path)


# ---- resume -----------------------------------------------------------------------------

def test_finished_run_is_not_redone(in_tmp):
    run = sf.run(recipe(), "r")
    ledger = (run.path / "ledger.jsonl").read_bytes()
    data = files(run.path)
    again = sf.run(recipe(), "r")
    assert (again.path / "ledger.jsonl").read_bytes() == ledger
    assert files(again.path) == data


def test_torn_writes_are_cut_away_on_resume(in_tmp):
    whole = sf.run(recipe(target=2000, budget={"max_attempts": 40000}), "whole")
    cut = recipe(target=2000, budget={"max_attempts": 1200})
    part = sf.run(cut, "part", batch_size=100)
    assert part.stop_reason == "budget"
    # What a kill in the middle of the next commit leaves: half a row, half a ledger line.
    ledger = part.path / "ledger.jsonl"
    ledger.write_bytes(ledger.read_bytes().rsplit(b"\n", 2)[0] + b"\n")  # drop `done`
    with open(part.path / "data" / "shard-00000.jsonl", "ab") as f:
        f.write(b'{"id": "half a row')
    with open(part.path / "rejected" / "shard-00000.jsonl", "ab") as f:
        f.write(b'{"id": "half a reject"}\n')
    with open(part.path / "state" / "dedup.bin", "ab") as f:
        f.write(b"\x01\x02\x03")
    with open(ledger, "ab") as f:
        f.write(b'{"start": 1200, "end": 13')
    resumed = sf.run(recipe(target=2000, budget={"max_attempts": 40000}), "part")
    assert resumed.stop_reason == "target"
    assert files(resumed.path) == files(whole.path)
    check_conservation(resumed)


def _yaml_recipe(path: Path, **over) -> Path:
    r = recipe(**over)
    path.write_text(yaml.safe_dump(r), encoding="utf-8")
    return path


@pytest.mark.slow
def test_sigkill_at_several_points_then_resume_gives_identical_data(in_tmp):
    rec = _yaml_recipe(in_tmp / "r.yaml", target=30000, budget={"max_attempts": 400000})
    done = cli("run", str(rec), "--out", "whole", "--quiet", timeout=300)
    assert done.returncode == 0, done.stderr
    whole = files(in_tmp / "whole")
    kills = 0
    for delay in (0.9, 1.3, 1.7, 2.2, 2.8):
        proc = subprocess.Popen(cli_command("run", str(rec), "--out", "killed", "--quiet",
                                            "--batch-size", "300"),
                                env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.communicate(timeout=60)
    assert kills >= 2, "the run finished before it could be killed"
    final = cli("run", str(rec), "--out", "killed", "--quiet", timeout=300)
    assert final.returncode == 0, final.stderr
    assert files(in_tmp / "killed") == whole
    check_conservation(sf.open_run(str(in_tmp / "killed")))


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_gracefully_and_resumes(in_tmp, sig):
    rec = _yaml_recipe(in_tmp / "r.yaml", target=40000, budget={"max_attempts": 400000})
    proc = subprocess.Popen(cli_command("run", str(rec), "--out", "r", "--plain"),
                            env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    ledger = in_tmp / "r" / "ledger.jsonl"
    assert wait_for(lambda: ledger.exists() and ledger.stat().st_size > 0)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "resume" in err
    run = sf.open_run(str(in_tmp / "r"))
    assert run.stop_reason is None and run.counts["attempted"] > 0
    check_conservation(run)
    final = cli("run", str(rec), "--out", "r", "--quiet")
    assert final.returncode == 0, final.stderr
    straight = cli("run", str(rec), "--out", "s", "--quiet")
    assert straight.returncode == 0
    assert files(in_tmp / "r") == files(in_tmp / "s")


def test_changed_recipe_is_refused_unless_asked(in_tmp):
    rec = _yaml_recipe(in_tmp / "r.yaml")
    assert cli("run", str(rec), "--out", "r", "--quiet").returncode == 0
    _yaml_recipe(in_tmp / "r.yaml", seed=99)
    refused = cli("run", str(rec), "--out", "r", "--quiet")
    assert refused.returncode == 2
    assert "different recipe" in refused.stderr and "seed" in refused.stderr
    assert "--new" in refused.stderr
    fresh = cli("run", str(rec), "--out", "r", "--new", "--quiet")
    assert fresh.returncode == 0, fresh.stderr
    assert (in_tmp / "r-2" / "recipe.lock.yaml").exists()
    replaced = cli("run", str(rec), "--out", "r", "--overwrite", "--quiet")
    assert replaced.returncode == 0
    assert sf.open_run(str(in_tmp / "r")).recipe.seed == 99


def test_output_settings_change_reexports_a_finished_run(in_tmp):
    run = sf.run(recipe(), "r")
    assert (run.path / "dataset" / "train.jsonl").exists()
    again = sf.run(recipe(splits={"train": 0.5, "validation": 0.5}), "r")
    assert (again.path / "dataset" / "validation.jsonl").exists()
    assert not (again.path / "dataset" / "test.jsonl").exists()


def test_a_second_run_on_the_same_directory_is_refused(in_tmp):
    from synthforge.engine.rundir import RunDir
    from synthforge.errors import RunDirError

    held = RunDir(in_tmp / "r")
    held.acquire()
    try:
        with pytest.raises(RunDirError, match="another synthforge run"):
            sf.run(recipe(), "r")
    finally:
        held.release()


# ---- memory -----------------------------------------------------------------------------

MEMORY_PROBE = """
import resource, sys
import helpers, synthforge as sf
n = int(sys.argv[1])
r = {"name": "m", "target": n, "mix": [{"generator": "t_counter", "params": {"words": 6}}],
     "steps": [{"rules": {"fields": ["text"], "min_words": 2}}], "exports": []}
sf.run(r, sys.argv[2], batch_size=500)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


@pytest.mark.slow
def test_memory_does_not_grow_with_the_number_of_records(in_tmp):
    def peak_kb(n: int) -> int:
        out = subprocess.run([*cli_command()[:1], "-c", MEMORY_PROBE, str(n), f"m{n}"],
                             env=cli_env(), capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr
        return int(out.stdout.split()[-1])

    small, large = peak_kb(20_000), peak_kb(300_000)
    assert large - small < 25_000, f"peak RSS grew by {(large - small) / 1024:.0f} MB"


def test_ledger_lines_are_json_and_commit_in_order(in_tmp):
    run = sf.run(recipe(), "r", batch_size=64)
    lines = [orjson.loads(x) for x in (run.path / "ledger.jsonl").read_bytes().splitlines()]
    commits = [x for x in lines if "start" in x]
    assert [c["start"] for c in commits] == [0, *[c["end"] for c in commits[:-1]]]
    assert lines[-1]["done"] == "target"


def test_a_systematic_failure_stops_early_with_a_clear_error(in_tmp):
    from synthforge.errors import SynthforgeError

    broken = recipe(target=100, budget={"max_attempts": 50_000},
                    steps=[{"t_chaos": {"fail": 1.0}}])
    with pytest.raises(SynthforgeError, match=r"first 1,000 attempts all failed.*t_chaos"):
        sf.run(broken, "r")
    run = sf.open_run("r")
    assert run.counts["attempted"] == 1000 and run.counts["failed"] == 1000
    patient = {**broken, "run": {"fail_fast": False}, "budget": {"max_attempts": 3000}}
    assert sf.run(patient, "s").counts["failed"] == 3000


def test_async_stages_run_concurrently_within_their_limit_and_keep_order(in_tmp):
    from helpers import Inflight

    steps = [{"t_slow_upper": {"concurrency": 7, "fail_on": "-b-1"}}, {"dedup": {}}]
    Inflight.peak = 0
    first = sf.run(recipe(steps=steps, target=400), "one", batch_size=50)
    assert 2 <= Inflight.peak <= 7
    second = sf.run(recipe(steps=steps, target=400), "two", batch_size=13)
    assert files(first.path) == files(second.path)
    rows = list(first.rejected())
    assert any(r["reason"] == "odd: index 17n+3" for r in rows)
    assert any(r["fate"] == "failed" and "cannot handle" in r["reason"] for r in rows)
    assert all(r.data["text"].isupper() for r in first.records())
    check_conservation(first)


class _BrokenAtBuild(sf.Check):
    """A step whose set-up fails on bad input (an unreadable file, say)."""

    def __init__(self, config, ctx, name):
        raise sf.UserError("broken.jsonl: cannot read it")


def test_a_step_failing_at_build_leaves_no_run_directory(in_tmp):
    sf.register("step", "t_broken_at_build", sf.StepConfig, replace=True)(_BrokenAtBuild)
    with pytest.raises(sf.UserError, match="broken.jsonl"):
        sf.run(recipe(steps=[{"t_broken_at_build": {}}]), "out")
    assert not (in_tmp / "out").exists()
    (in_tmp / "kept").mkdir()
    with pytest.raises(sf.UserError):
        sf.run(recipe(steps=[{"t_broken_at_build": {}}]), "kept")
    assert (in_tmp / "kept").is_dir()  # a directory the user made stays
