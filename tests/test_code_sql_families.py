"""The families verified by execution: python_function, code_output and sql_query.

Generated programs are run here only in the sandbox (many per run, to keep this quick):
reference solutions pass their tests and the known bugs fail them; the outputs that
code_output computes from its templates are what the programs print; hostile candidates
score 0 without doing harm.
"""

from __future__ import annotations

import json
import os
import random
import time

import pytest

import synthforge as sf
from synthforge.generate.procedural import code_output, python_function, sql_query
from synthforge.generate.procedural.code_output import CodeOutput
from synthforge.generate.procedural.python_function import PythonFunction, _stub
from synthforge.generate.procedural.sql_query import QueryRefused, SqlQuery, run_query, same_rows
from synthforge.sandbox import Limits, run_python
from synthforge.stage import Context

BATCH = Limits(cpu_seconds=60, wall_seconds=120, memory_mb=1024, output_bytes=20_000_000)


def items(cls, level: int, n: int, seed: int = 5):
    gen = cls(cls.Config(difficulty=level), Context(seed=seed), cls.family)
    return [gen.generate(k) for k in range(n)]


def run_batch(runner: str, payload: object) -> object:
    """Run a checking program once in the sandbox over many generated programs."""
    result = run_python(runner, stdin=json.dumps(payload), limits=BATCH)
    assert result.ok, result.reason
    return json.loads(result.stdout)


# ---- python_function -----------------------------------------------------------------------

TEST_ALL = r'''
import json, sys
out = []
for item in json.loads(sys.stdin.read()):
    passed = []
    for code in item["variants"]:
        namespace, n = {}, 0
        try:
            exec(code, namespace)
            for test in item["tests"]:
                try:
                    exec(test, namespace)
                    n += 1
                except Exception:
                    pass
        except Exception:
            n = -1
        passed.append(n)
    out.append(passed)
print(json.dumps(out))
'''


def test_python_function_has_at_least_25_templates():
    assert sum(map(len, python_function.TEMPLATES.values())) >= 25
    assert all(len(t) >= 5 for t in python_function.TEMPLATES.values())


def test_references_pass_and_known_bugs_fail_in_the_sandbox():
    payload, seen = [], set()
    for level in range(1, 6):
        for data, meta in items(PythonFunction, level, 80):
            check, code = meta["check"], data["answer"]
            seen.add((level, data["question"].split("`")[1].split("(")[0]))
            bugs = [code.replace(old, new, 1) for old, new in check["bugs"]]
            assert all(b != code for b in bugs) and len(check["tests"]) >= 3
            payload.append({"variants": [code, _stub(code), *bugs], "tests": check["tests"]})
    for item, passed in zip(payload, run_batch(TEST_ALL, payload), strict=True):
        n = len(item["tests"])
        assert passed[0] == n, item
        assert all(p < n for p in passed[1:]), (item, passed)


def test_scores_are_the_fraction_of_tests_passed():
    data, meta = items(PythonFunction, 2, 1)[0]
    task = PythonFunction.task(data, meta)
    assert PythonFunction.score(task.answer, task) == 1.0
    assert PythonFunction.score(PythonFunction.extract(data["response"]), task) == 1.0
    fenced = f"Sure:\n```python\nfrom __future__ import annotations\n{task.answer}\n```\nDone."
    assert PythonFunction.score(fenced, task) == 1.0
    scores = [PythonFunction.score(w, task) for w in PythonFunction.wrong_answers(
        task, random.Random(0))]
    assert scores and all(0 <= s < 1 for s in scores)


HOSTILE = {
    "infinite_loop": "{sig}\n    while True:\n        pass",
    "file_write": "open({target!r}, 'w').write('pwned')\n{code}",
    "network": "import socket\nsocket.create_connection(('127.0.0.1', 80), timeout=1)\n{code}",
    "fork": "import os\nos.fork()\n{code}",
    "exit_before_tests": "import sys\nsys.exit(0)\n{code}",
    "hard_exit": "import os\nos._exit(0)\n{code}",
    "always_equal": "class Any:\n    def __eq__(self, other):\n        return True\n"
                    "{sig}\n    return Any()",
    "fake_result_line": "print('0123456789abcdef 9 9')\n{sig}\n    return None",
    "patched_builtins": "import builtins\nbuiltins.all = lambda xs: True\n"
                        "builtins.type = lambda x: int\n{sig}\n    return None",
    "syntax_error": "def broken(:\n",
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_candidates_score_zero(kind, tmp_path):
    data, meta = items(PythonFunction, 3, 1)[0]
    task = PythonFunction.task(data, meta)
    target = tmp_path / "pwned.txt"
    code = HOSTILE[kind].format(sig=task.answer.split("\n")[0], code=task.answer,
                                target=str(target))
    started = time.monotonic()
    assert PythonFunction.score(code, task) == 0.0
    assert time.monotonic() - started < 6 and not target.exists()


# ---- code_output ---------------------------------------------------------------------------

PRINT_ALL = r'''
import contextlib, io, json, sys
out = []
for program in json.loads(sys.stdin.read()):
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        exec(compile(program, "<program>", "exec"), {"__name__": "__main__"})
    out.append(buffer.getvalue())
print(json.dumps(out))
'''


def test_code_output_answers_are_what_the_programs_print():
    made = [item for level in range(1, 6) for item in items(CodeOutput, level, 150)]
    printed = run_batch(PRINT_ALL, [meta["check"]["program"] for _, meta in made])
    for (data, _), out in zip(made, printed, strict=True):
        assert out == data["answer"] + "\n", data["question"]
    assert sum(map(len, code_output.TEMPLATES.values())) >= 15


def test_code_output_scoring_is_exact_up_to_trailing_space():
    data, meta = items(CodeOutput, 5, 1)[0]
    task = CodeOutput.task(data, meta)
    lines = task.answer.split("\n")
    assert CodeOutput.score("\n".join(line + "  " for line in lines) + "\n\n", task) == 1.0
    assert CodeOutput.score(f"```\n{task.answer}\n```", task) == 1.0
    assert CodeOutput.score(task.answer.replace("\n", "\n "), task) == (
        1.0 if len(lines) == 1 else 0.0)
    assert CodeOutput.extract(data["response"]).strip("`\n") == task.answer
    for wrong in CodeOutput.wrong_answers(task, random.Random(1)):
        assert CodeOutput.score(wrong, task) == 0.0


# ---- sql_query -----------------------------------------------------------------------------

def test_sql_references_match_and_wrong_queries_differ():
    rng = random.Random(2)
    for level in range(1, 6):
        for data, meta in items(SqlQuery, level, 60):
            task = SqlQuery.task(data, meta)
            check = meta["check"]
            columns, rows = run_query(check["schema"], task.answer)
            assert columns == check["columns"] and rows
            assert same_rows(rows, check["expected"], check["ordered"])
            assert SqlQuery.score(SqlQuery.extract(data["response"]), task) == 1.0
            assert "| --- |" in task.solution and "Clause by clause" in task.solution
            wrong = SqlQuery.wrong_answers(task, rng)
            assert wrong and all(SqlQuery.score(w, task) == 0.0 for w in wrong)


def test_sql_rows_compare_as_multisets_unless_ordered():
    assert same_rows([(1, "a"), (2, "b")], [[2, "b"], [1, "a"]], ordered=False)
    assert not same_rows([(1, "a"), (2, "b")], [[2, "b"], [1, "a"]], ordered=True)
    assert not same_rows([(1,), (1,)], [[1]], ordered=False)
    assert same_rows([(2.0, 0.1 + 0.2)], [[2, 0.3]], ordered=True)


SCHEMA = "CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER);\nINSERT INTO t VALUES (1, 5), (2, 7);"
REFUSED = {
    "attach": "ATTACH DATABASE '{db}' AS other",
    "attach_in_cte": "SELECT * FROM t; ATTACH DATABASE '{db}' AS other",
    "pragma": "PRAGMA writable_schema = ON",
    "insert": "INSERT INTO t VALUES (3, 9)",
    "drop": "DROP TABLE t",
    "create": "CREATE TABLE u (a)",
    "two_statements": "SELECT 1; SELECT 2",
    "recursive_bomb": "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
                      "SELECT COUNT(*) FROM r",
    "recursive_rows": "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
                      "SELECT n FROM r",
    "cross_join": "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r "
                  "WHERE n < 3000) SELECT COUNT(*) FROM r a, r b, r c",
    "huge_string": "SELECT length(printf('%.*c', 100000000, 'x'))",
    "random_blob": "SELECT length(randomblob(1000000000))",
    "load_extension": "SELECT load_extension('/tmp/evil.so')",
}


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_sql_guards_refuse_quickly(kind, tmp_path):
    db = tmp_path / "other.db"
    started = time.monotonic()
    with pytest.raises(QueryRefused):
        run_query(SCHEMA, REFUSED[kind].format(db=db))
    assert time.monotonic() - started < 2 and not db.exists()
    task = SqlQuery.task({"answer": "SELECT x FROM t"},
                         {"check": {"schema": SCHEMA, "expected": [[5], [7]], "ordered": False}})
    assert SqlQuery.score(REFUSED[kind].format(db=db), task) == 0.0
    assert SqlQuery.score("SELECT x FROM t ORDER BY x DESC;", task) == 1.0


def test_sql_setup_from_a_record_cannot_attach_or_write(tmp_path):
    db = tmp_path / "evil.db"
    with pytest.raises(QueryRefused):
        run_query(f"ATTACH DATABASE '{db}' AS evil; CREATE TABLE evil.t (a);", "SELECT 1")
    assert not os.path.exists(db)


# ---- all three in a recipe, checked by the verify step ---------------------------------------

def test_verify_step_runs_the_three_families(in_tmp):
    recipe = {"name": "code", "target": 15,
              "mix": [{"generator": name, "params": {"difficulty": {"mix": {1: 1, 3: 1, 5: 1}}}}
                      for name in ("python_function", "code_output", "sql_query")],
              "steps": [{"verify": {}}]}
    run = sf.run(recipe, "r", batch_size=8, workers=2)
    assert run.counts["accepted"] == 15 and run.counts["rejected"] == 0
    assert {r.meta["family"] for r in run.records()} == {"python_function", "code_output",
                                                         "sql_query"}
    assert all(r.meta["scores"]["verify"] == 1.0 for r in run.records())
    assert sql_query.TEMPLATES and code_output.TEMPLATES
