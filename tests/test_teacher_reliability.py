"""Teacher steps against a faulty server: 10 % 429, 2 % 500, 1 % hangs, 1 % malformed bodies.

Every record ends accepted, rejected or failed with its reason, none lost or duplicated; a
run killed with SIGKILL at several points and resumed ends with the data of an
uninterrupted run, and no answer that reached the cache before a kill is asked for again.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml

import synthforge as sf
from helpers import cli_command, cli_env
from synthforge.teachers import backends
from synthforge.teachers.testserver import Faults, ServerProcess, start_process

pytestmark = pytest.mark.slow

FAULTS = dict(rate_429=0.10, rate_500=0.02, rate_hang=0.01, rate_malformed=0.01,
              retry_after=0.1, hang_seconds=30)
CONCURRENCY = 16


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    running = start_process(latency="uniform:0.02:0.06",
                            faults=Faults(**FAULTS, max_faults_per_body=3))
    yield running
    running.stop()


def write_recipe(root: Path, url: str, *, target: int, max_retries: int) -> Path:
    teacher = {"model": "test-model", "base_url": url, "api_key_env": None,
               "max_tokens": 80, "timeout": 1.0, "max_retries": max_retries,
               "concurrency": CONCURRENCY}
    recipe = {"name": "faulty", "seed": 2, "target": target,
              "mix": [{"generator": "template", "params": {
                  "fields": {"topic": "topic {n}"}, "slots": {"n": {"randint": [1, 10**9]}}}}],
              "steps": [{"teacher": {"teacher": teacher, "prompt": "About {topic}.",
                                     "concurrency": CONCURRENCY}}],
              "run": {"batch_size": 50, "max_inflight": 8}, "exports": []}
    path = root / "faulty.yaml"
    path.write_text(yaml.safe_dump(recipe), encoding="utf-8")
    return path


def rows(run_dir: Path, folder: str) -> list[dict[str, Any]]:
    return [orjson.loads(line) for shard in sorted((run_dir / folder).glob("*.jsonl"))
            for line in shard.read_bytes().splitlines()]


def good_answers(server: ServerProcess) -> int:
    """Answers the server sent whole (200s that were not malformed on purpose)."""
    stats = server.stats()
    return stats["by_status"].get("200", 0) - stats["faults"].get("malformed", 0)


def cached(path: Path) -> int:
    try:
        with sqlite3.connect(path, timeout=10) as db:
            return db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
    except sqlite3.OperationalError:  # not made yet
        return 0


def test_every_record_ends_accepted_rejected_or_failed(tmp_path, monkeypatch):
    monkeypatch.setenv("SYNTHFORGE_CACHE", str(tmp_path / "cache.sqlite3"))
    monkeypatch.setattr(backends, "_caches", {})
    server = start_process(latency="uniform:0.02:0.06", faults=Faults(**FAULTS))
    try:
        recipe = write_recipe(tmp_path, server.url, target=400, max_retries=1)
        run = sf.run(recipe, tmp_path / "run")
        faults = server.stats()["faults"]
    finally:
        server.stop()
    counts = run.counts
    assert counts["accepted"] == 400 and counts["rejected"] > 0 and counts["failed"] > 0
    assert counts["accepted"] + counts["rejected"] + counts["failed"] == counts["attempted"]
    assert faults["429"] > 20 and faults["500"] > 0 and faults["malformed"] > 0
    accepted, rejected = rows(tmp_path / "run", "data"), rows(tmp_path / "run", "rejected")
    indices = [r["index"] for r in accepted + rejected]
    assert sorted(indices) == list(range(counts["attempted"]))  # none lost, none twice
    assert len({r["id"] for r in accepted + rejected}) == len(indices)
    assert all(r["data"]["response"] for r in accepted)
    for row in rejected:
        assert row["stage"] == "teacher"
        if row["fate"] == "rejected":
            assert row["reason"].startswith("finish_length")
            assert row["meta"]["teacher_raw"]["teacher"]
        else:
            assert row["reason"].startswith("TeacherError: ")
            assert any(k in row["reason"] for k in ("gave_up", "timeout")), row["reason"]
    assert sum(r["fate"] == "failed" for r in rejected) == counts["failed"]


def outcome(run_dir: Path) -> tuple[list[Any], list[Any]]:
    """What a run made: accepted (index, id, data) and rejected (index, id, reason)."""
    return ([(r["index"], r["id"], r["data"]) for r in rows(run_dir, "data")],
            [(r["index"], r["id"], r["reason"]) for r in rows(run_dir, "rejected")])


def test_sigkill_and_resume_give_the_same_data_and_pay_nothing_twice(
        tmp_path, monkeypatch, server):
    recipe = write_recipe(tmp_path, server.url, target=300, max_retries=6)
    monkeypatch.setenv("SYNTHFORGE_CACHE", str(tmp_path / "reference.sqlite3"))
    monkeypatch.setattr(backends, "_caches", {})
    server.reset_stats()
    reference = sf.run(recipe, tmp_path / "reference")
    needed = good_answers(server)  # one whole answer per call the data needs
    assert reference.counts["accepted"] == 300 and reference.counts["failed"] == 0
    assert needed == reference.counts["attempted"]

    cache = tmp_path / "killed.sqlite3"
    env = cli_env({"SYNTHFORGE_CACHE": str(cache)})
    command = cli_command("run", str(recipe), "--out", str(tmp_path / "killed"), "--quiet")
    server.reset_stats()
    kills = 0
    for threshold in (40, 130, 220):
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while cached(cache) < threshold and process.poll() is None:
            assert time.monotonic() < deadline, "the run made no progress"
            time.sleep(0.005)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait()
    assert kills >= 2
    before_last = good_answers(server)
    in_cache = cached(cache)
    final = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert final.returncode == 0, final.stderr
    last = good_answers(server) - before_last
    assert outcome(tmp_path / "killed") == outcome(tmp_path / "reference")
    assert last == needed - in_cache  # what was cached before the kill was not asked again
    assert good_answers(server) <= needed + kills * CONCURRENCY  # only calls cut by a kill
