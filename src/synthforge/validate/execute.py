"""The `execute` check: run each record's program in the sandbox; keep those that pass.

    steps:
      - execute: {code: solution, tests: meta.check.tests}      # the program, then its tests
      - execute: {code: program, stdin: input, expect_stdout: output, cpu_seconds: 1}

A record passes when its program (followed by the test code, if any) exits 0 within the
limits and, with `expect_stdout`, prints that field's value (both stripped). Rejections
carry the sandbox's reason: `timeout: ...`, `cpu_time: ...`, `memory: ...`,
`output_limit: ...`, `processes: ...`, `network: ...`, `filesystem: ...`,
`error: AssertionError ...`, or `wrong_output: ...`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from pydantic import Field

from synthforge.record import Record, get_path
from synthforge.registry import register
from synthforge.sandbox import Limits, Program, Result, extract_code, run_many
from synthforge.stage import Check, Context, StepConfig

_DETAIL = 200


class ExecuteConfig(StepConfig):
    """Where the program, its tests, input and expected output are; what it may use."""

    code: str = Field("code", description="Field holding the program (the last ```python "
                      "block in it, if it has one).")
    tests: str | None = Field(None, description="Field holding test code (text or a list of "
                              "lines) run after the program.")
    stdin: str | None = Field(None, description="Field holding the program's standard input.")
    expect_stdout: str | None = Field(None, description="Field whose value the program's "
                                      "output must equal (both stripped).")
    cpu_seconds: float = Field(2.0, gt=0, le=600, description="CPU time per program.")
    wall_seconds: float = Field(5.0, gt=0, le=3600, description="Wall-clock time per program.")
    memory_mb: int = Field(256, ge=32, le=1 << 20, description="Address space per program.")
    output_bytes: int = Field(64_000, ge=1, le=1 << 30, description="Stdout and stderr, "
                              "together, per program.")
    processes: int = Field(8, ge=1, le=4096, description="Processes per program.")
    workers: int | None = Field(None, ge=1, le=1024, description="Programs run at once "
                                "(default: the CPU count).")


@register("step", "execute")
class Execute(Check):
    """Run each record's program (and tests) in the sandbox; reject failures and wrong output."""

    Config = ExecuteConfig
    cpu_bound: ClassVar[bool] = True

    def __init__(self, config: ExecuteConfig, ctx: Context, name: str):
        super().__init__(config, ctx, name)
        self.config: ExecuteConfig = config
        c = config
        self.limits = Limits(cpu_seconds=c.cpu_seconds, wall_seconds=c.wall_seconds,
                             memory_mb=c.memory_mb, output_bytes=c.output_bytes,
                             processes=c.processes)

    def check(self, record: Record) -> str | None:
        return self.check_batch([record])[0]

    def check_batch(self, records: Sequence[Record]) -> list[str | None]:
        verdicts: list[str | None] = [None] * len(records)
        runnable: list[tuple[int, Program]] = []
        for i, record in enumerate(records):
            program = self._program(record)
            if isinstance(program, Program):
                runnable.append((i, program))
            else:
                verdicts[i] = program
        results = run_many([p for _, p in runnable], limits=self.limits,
                           workers=self.config.workers)
        for (i, _), result in zip(runnable, results, strict=True):
            verdicts[i] = self._verdict(records[i], result)
        return verdicts

    def _program(self, record: Record) -> Program | str:
        """The program to run for a record, or why there is none."""
        c = self.config
        code = get_path(record, c.code)
        if not isinstance(code, str) or not code.strip():
            return f"missing_field: {c.code!r} holds no program"
        code = extract_code(code)
        if c.tests is not None:
            tests = _text(get_path(record, c.tests))
            if tests is None:
                return f"missing_field: {c.tests!r} holds no tests"
            code = f"{code}\n\n{tests}\n"
        stdin = _text(get_path(record, c.stdin)) if c.stdin else ""
        return Program(code, stdin=stdin or "")

    def _verdict(self, record: Record, result: Result) -> str | None:
        if not result.ok:
            return _short(result.reason or "error: failed")
        if self.config.expect_stdout is None:
            return None
        expected = _text(get_path(record, self.config.expect_stdout))
        if expected is None:
            return f"missing_field: {self.config.expect_stdout!r} holds no expected output"
        got = result.stdout.strip()
        if got != expected.strip():
            return _short(f"wrong_output: expected {expected.strip()[:80]!r}, got {got[:80]!r}")
        return None


def _text(value: Any) -> str | None:
    """A field as program text: a string, or a list of lines."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "\n".join(value)
    return None


def _short(reason: str) -> str:
    return reason if len(reason) <= _DETAIL else reason[:_DETAIL - 3] + "..."
