"""The `execute` step runs each record's program (and tests) in the sandbox."""

from __future__ import annotations

import synthforge as sf
import synthforge.validate.execute  # registers the step `execute`
from synthforge.record import Record
from synthforge.stage import Context
from synthforge.validate.execute import Execute, ExecuteConfig

SQUARE = "def square(x):\n    return x * x\n"


def stage(**config) -> Execute:
    return Execute(ExecuteConfig(**config), Context(), "execute")


def record(i: int, **data) -> Record:
    return Record(f"r-{i}", i, data, {})


def test_programs_with_tests_pass_or_fail_with_a_reason():
    step = stage(tests="tests", cpu_seconds=1, wall_seconds=3)
    records = [
        record(0, code=SQUARE, tests="assert square(3) == 9\nassert square(-2) == 4"),
        record(1, code=SQUARE.replace("x * x", "x + x"), tests=["assert square(3) == 9"]),
        record(2, code="```python\n" + SQUARE + "```", tests=["assert square(4) == 16"]),
        record(3, code="def square(x):\n    while True:\n        pass", tests="square(1)"),
        record(4, code=SQUARE),
        record(5, tests="assert True"),
        record(6, code="import socket\nsocket.create_connection(('127.0.0.1', 80))",
               tests=""),
    ]
    verdicts = step.process(records)
    assert verdicts[0] is None and verdicts[2] is None
    assert verdicts[1].startswith("error: AssertionError")
    assert verdicts[3].split(":")[0] in ("cpu_time", "timeout")
    assert verdicts[4] == "missing_field: 'tests' holds no tests"
    assert verdicts[5] == "missing_field: 'code' holds no program"
    assert verdicts[6].startswith("network:")


def test_stdin_and_expected_output():
    step = stage(code="program", stdin="input", expect_stdout="output")
    verdicts = step.process([
        record(0, program="print(sum(map(int, input().split())))", input="1 2 3", output="6"),
        record(1, program="print(input()[::-1])", input="abc\n", output="  cba\n"),
        record(2, program="print(input().upper())", input="abc", output="abc"),
        record(3, program="print('x' * 10**6)", input="", output="x"),
    ])
    assert verdicts[:2] == [None, None]
    assert verdicts[2] == "wrong_output: expected 'abc', got 'ABC'"
    assert verdicts[3].startswith("output_limit:")


def test_limits_come_from_the_config():
    step = stage(memory_mb=64, output_bytes=1000, processes=2, cpu_seconds=1, wall_seconds=2)
    assert step.limits.memory_mb == 64 and step.limits.processes == 2
    verdicts = step.process([record(0, code="x = bytearray(200 * 1024**2)"),
                             record(1, code="import time\ntime.sleep(10)")])
    assert verdicts[0].startswith("memory:") and verdicts[1].startswith("timeout:")


@sf.generator("t_exec_programs")
def exec_programs(k: int, rng, *, broken_every: int = 3):
    """Test source: small functions with tests; every n-th one is wrong."""
    a = rng.randint(1, 50)
    body = "return x + 1" if k % broken_every else "return x + 2"
    return {"code": f"def inc(x):\n    {body}\n",
            "tests": [f"assert inc({a}) == {a + 1}", "assert inc(-1) == 0"]}


def test_execute_in_a_recipe(in_tmp):
    recipe = {"name": "exec", "target": 12, "mix": [{"generator": "t_exec_programs"}],
              "steps": [{"execute": {"tests": "tests", "cpu_seconds": 1, "workers": 4}}]}
    run = sf.run(recipe, "r", batch_size=8, workers=2)  # the step runs in worker processes
    assert run.counts["accepted"] == 12
    assert all("return x + 1" in r.data["code"] for r in run.records())
    rejected = list(run.rejected())
    assert rejected and all(r["reason"].startswith("error: AssertionError") for r in rejected)


def test_checks_task_family_code_with_its_tests():
    from synthforge.generate.procedural.python_function import PythonFunction

    gen = PythonFunction(PythonFunction.Config(difficulty=4), Context(seed=2), "python_function")
    records = [Record(f"p-{k}", k, *gen.generate(k)) for k in range(6)]
    records[0].data["answer"] = records[0].data["answer"].replace("return", "return None #", 1)
    verdicts = stage(code="answer", tests="meta.check.tests").process(records)
    assert verdicts[0].startswith("error: AssertionError") and verdicts[1:] == [None] * 5
