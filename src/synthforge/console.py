"""What the command line shows: live progress, funnels, summaries (rich, or plain text)."""

from __future__ import annotations

import time
from typing import Any

from rich.console import Console, Group
from rich.live import Live
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from synthforge.engine.ledger import StageFunnel
from synthforge.engine.runner import Progress as RunProgress


class ProgressView:
    """Live progress: accepted/target, attempts, rate, ETA and the top reject reasons.

    `mode` is "rich" (a terminal), "plain" (a line every few seconds) or "quiet".
    """

    def __init__(self, console: Console, mode: str, every: float = 5.0):
        self.console = console
        self.mode = mode
        self.every = every
        self._t0 = time.monotonic()
        self._last_plain = 0.0
        self._start_accepted: int | None = None
        self._last: RunProgress | None = None
        self._printed: RunProgress | None = None
        self._live: Live | None = None
        self._bar = Progress(TextColumn("[bold]accepted"), BarColumn(), MofNCompleteColumn(),
                             TextColumn("{task.fields[extra]}"), TimeRemainingColumn(),
                             console=console, transient=False)
        self._task = self._bar.add_task("run", total=1, extra="")
        self._reasons = Text("")

    def __enter__(self) -> ProgressView:
        if self.mode == "rich":
            self._live = Live(Group(self._bar, self._reasons), console=self.console,
                              refresh_per_second=8)
            self._live.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._live is not None:
            self._live.__exit__(*exc)
        elif self.mode == "plain" and self._last is not None:
            self._print_plain(self._last)

    def __call__(self, p: RunProgress) -> None:
        if self._start_accepted is None:
            self._start_accepted = p.accepted
            self._t0 = time.monotonic()
        self._last = p
        if self.mode == "rich":
            top, extra = self._texts(p)
            self._bar.update(self._task, total=p.target, completed=p.accepted, extra=extra)
            self._reasons.plain = f"top rejects: {top}" if top else ""
        elif self.mode == "plain" and time.monotonic() - self._last_plain >= self.every:
            self._print_plain(p)

    def _texts(self, p: RunProgress) -> tuple[str, str]:
        elapsed = max(time.monotonic() - self._t0, 1e-6)
        rate = (p.accepted - (self._start_accepted or 0)) / elapsed
        top = ", ".join(f"{k} {v:,}" for k, v in p.reasons.most_common(3))
        return top, f"attempted {p.attempted:,}/{p.max_attempts:,} · {rate:,.0f} accepted/s"

    def _print_plain(self, p: RunProgress) -> None:
        if p is self._printed:
            return
        self._printed = p
        self._last_plain = time.monotonic()
        top, extra = self._texts(p)
        line = f"accepted {p.accepted:,}/{p.target:,} · {extra}"
        self.console.print(line + (f" · top rejects: {top}" if top else ""),
                           highlight=False, soft_wrap=True, markup=False)


def funnel_table(funnel: list[StageFunnel], width: int = 4) -> Table:
    """The funnel: per stage in, kept, rejected, failed and the main reasons."""
    table = Table(title="funnel", title_justify="left", show_edge=False)
    for col in ("stage", "in", "kept", "rejected", "failed"):
        table.add_column(col, justify="left" if col == "stage" else "right")
    table.add_column("top reasons")
    for row in funnel:
        reasons = [f"{k} {v:,}" for k, v in row.rejected.most_common(width)]
        reasons += [f"error {k} {v:,}" for k, v in row.failed.most_common(2)]
        table.add_row(escape(row.stage), f"{row.into:,}", f"{row.kept:,}",
                      f"{sum(row.rejected.values()):,}", f"{sum(row.failed.values()):,}",
                      escape(", ".join(reasons)))
    return table
