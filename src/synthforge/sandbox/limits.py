"""What a sandboxed run may use (`Limits`), how it ended (`Result`), and a program
for `run_many` (`Program`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """What one run may use. `output_bytes` bounds stdout and stderr together."""

    cpu_seconds: float = 2.0
    wall_seconds: float = 5.0
    memory_mb: int = 256
    output_bytes: int = 64_000
    processes: int = 8
    file_mb: int = 8

    def __post_init__(self) -> None:
        for name in ("cpu_seconds", "wall_seconds", "memory_mb", "output_bytes", "processes",
                     "file_mb"):
            if getattr(self, name) <= 0:
                raise ValueError(f"Limits.{name} must be positive")


@dataclass(frozen=True)
class Result:
    """How a run ended. `ok`: it exited 0 within every limit; else `reason` says why."""

    ok: bool
    exit_code: int | None  # None: killed by a signal, or never started
    stdout: str
    stderr: str
    reason: str | None
    seconds: float


@dataclass(frozen=True)
class Program:
    """A program for `run_many`, with its standard input and files."""

    code: str
    stdin: str = ""
    files: dict[str, str] | None = None
