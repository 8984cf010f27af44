"""Errors that reach the user. Bad input exits with code 2 and says where and what to do."""

from __future__ import annotations

from dataclasses import dataclass


class SynthforgeError(Exception):
    """Base class for errors synthforge reports to the user."""

    exit_code = 1


class UserError(SynthforgeError):
    """Bad input: a recipe, a data file, a path, a run directory. Exit code 2."""

    exit_code = 2


@dataclass(frozen=True)
class Issue:
    """One problem in a recipe: where it is and what is wrong."""

    path: tuple[str | int, ...]
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    hint: str | None = None

    @property
    def dotted(self) -> str:
        return ".".join(str(p) for p in self.path) or "<recipe>"

    def __str__(self) -> str:
        where = self.file or ""
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        text = f"{where + ': ' if where else ''}{self.dotted}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class RecipeError(UserError):
    """A recipe that cannot be used, with every problem located."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        lines = [str(i) for i in issues]
        head = f"recipe has {len(issues)} problem{'s' if len(issues) != 1 else ''}"
        super().__init__(head + ":\n  " + "\n  ".join(lines))


class RunDirError(UserError):
    """A run directory that cannot be used as asked."""


class Interrupted(SynthforgeError):
    """The run was stopped by a signal; it can be resumed."""

    exit_code = 130
