"""Write a Python function from a spec; answers are checked by running unit tests in the sandbox.

Each item comes from one of 33 parameterised templates (strings, lists, dicts, math; from
counting vowels up to edit distance), with a reference solution, unit tests that include
edge cases, and known bugs (off-by-one, wrong comparison, missing step) that fail them.
Expected values come from a Python implementation of the template, never from running
the generated code.
"""

from __future__ import annotations

import copy
import random
import re
import secrets
from typing import Any

from synthforge.generate.procedural._python_templates import TEMPLATES, Spec, Template, template
from synthforge.generate.procedural.base import Family, FamilyConfig, Task, family
from synthforge.sandbox import Limits, extract_code, run_python

LIMITS = Limits(cpu_seconds=2, wall_seconds=5, memory_mb=256, output_bytes=64_000,
                processes=1)


def _call(name: str, args: tuple[Any, ...]) -> str:
    return f"{name}({', '.join(map(repr, args))})"


def _stub(code: str) -> str:
    """The function returning None: its signature with an empty body."""
    return code.split("\n", 1)[0] + "\n    return None"


_HARNESS = '''
import ast
import os


def _harness(nonce, tests):
    # What the tests need is taken before the candidate runs: it may rebind names.
    kind, size, pairs, every, write, text = type, len, zip, all, os.write, str
    run_code, run_expr, build = exec, eval, compile
    checks = []
    for line in tests:
        node = ast.parse(line).body[0]
        test = node.test if isinstance(node, ast.Assert) else None
        if isinstance(test, ast.Compare) and [kind(op) for op in test.ops] == [ast.Eq]:
            call = build(ast.Expression(test.left), "<test>", "eval")
            checks.append((call, ast.literal_eval(test.comparators[0]), True))
        else:
            checks.append((build(line, "<test>", "exec"), None, False))

    def same(a, b):  # exact built-in types, so a result cannot pose as equal to anything
        if kind(a) is not kind(b):
            return False
        if kind(a) in (list, tuple):
            return size(a) == size(b) and every(same(x, y) for x, y in pairs(a, b))
        if kind(a) is dict:
            return size(a) == size(b) and every(k in a and same(a[k], b[k]) for k in b)
        return a == b

    namespace = {"__name__": "solution", "__file__": "solution.py"}
    passed = 0
    try:
        with open("solution.py") as f:
            run_code(build(f.read(), "solution.py", "exec"), namespace)
    except BaseException:
        checks = []
    for code, want, compare in checks:
        try:
            ok = same(run_expr(code, namespace), want) if compare else (
                run_code(code, namespace) is None)
        except BaseException:
            ok = False
        passed += ok is True
    line = chr(10) + nonce + " " + text(passed) + " " + text(size(tests)) + chr(10)
    write(1, line.encode())


_harness(@NONCE@, @TESTS@)
'''


@family("python_function")
class PythonFunction(Family):
    """Write a Python function from a spec; checked by running its unit tests in the sandbox."""

    Config = FamilyConfig
    domain = "code"
    skills = ("python", "programming", "edge cases")
    answer_kind = "code"
    parallel_score = True  # scoring runs a sandboxed process: the verify step uses threads
    test_items = 12  # each score runs a program

    def make(self, rng: random.Random, level: int) -> Task:
        spec = rng.choice(TEMPLATES[level])(rng)
        results = [spec.impl(*copy.deepcopy(args)) for args in spec.cases]
        tests = [f"assert {_call(spec.name, args)} == {value!r}"
                 for args, value in zip(spec.cases, results, strict=True)]
        bugs = [[old, new] for old, new in spec.bugs if old in spec.code]
        assert len(bugs) == len(spec.bugs), (spec.name, spec.bugs)
        signature = spec.code.split("\n", 1)[0].removeprefix("def ").removesuffix(":")
        shown = sorted(range(len(spec.cases)), key=lambda i: -len(repr(spec.cases[i])))[:2]
        examples = "\n".join(f"- `{_call(spec.name, spec.cases[i])}` returns `{results[i]!r}`"
                             for i in sorted(shown))  # the longest: random inputs, not edge cases
        question = f"Write a Python function `{signature}` that {spec.task}.\n\n{examples}"
        steps = "\n".join(f"{i}. {step}" for i, step in enumerate(spec.steps, 1))
        solution = f"Approach:\n{steps}\n\nThe function:\n\n```python\n{spec.code}\n```"
        return Task(question, spec.code, solution,
                    {"entry": spec.name, "tests": tests, "bugs": bugs})

    def generate(self, k: int) -> tuple[dict[str, Any], dict[str, Any]]:
        data, meta = super().generate(k)
        if self.config.trace:  # the worked solution ends with the code
            data["response"] = data["solution"]
        return data, meta

    @classmethod
    def extract(cls, response: str) -> str:
        return extract_code(_after_answer(response))

    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        """The fraction of the unit tests the code passes (1.0 only if all pass)."""
        tests = list(task.check.get("tests") or [])
        code = extract_code(answer)
        if not tests or not code.strip():
            return 0.0
        nonce = secrets.token_hex(8)
        program = _HARNESS.replace("@NONCE@", repr(nonce)).replace("@TESTS@", repr(tests), 1)
        result = run_python(program, files={"solution.py": code}, limits=LIMITS)
        marks = [line.split() for line in result.stdout.splitlines()
                 if line.startswith(nonce + " ")]
        if not result.ok or not marks or marks[-1][2:] != [str(len(tests))]:
            return 0.0
        return int(marks[-1][1]) / len(tests)

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        """The function returning None and the template's known bugs."""
        code = task.answer
        bugs = [code.replace(old, new, 1) for old, new in task.check.get("bugs") or []
                if old in code]
        return [_stub(code), *rng.sample(bugs, min(2, len(bugs)))]


def _after_answer(response: str) -> str:
    """The text after the last 'Answer:' line start, or all of it."""
    marks = list(re.finditer(r"(?im)^\s*(?:final\s+)?answer\s*[:：]", response))
    if not marks:
        return response
    tail = response[marks[-1].end():]
    return tail if tail.strip() else response


__all__ = ["LIMITS", "TEMPLATES", "PythonFunction", "Spec", "Template", "template"]
