"""Classifying how a run ended: `timeout`, `cpu_time`, `memory`, `output_limit`,
`processes`, `network`, `filesystem` or `error`."""

from __future__ import annotations

import os
import re
import signal

from synthforge.sandbox.child import _MARK
from synthforge.sandbox.limits import Limits, Result
from synthforge.sandbox.supervise import _Outcome

_MEMORY = re.compile(r"MemoryError|Cannot allocate memory|out of memory", re.I)
_PROCESSES = re.compile(r"BlockingIOError|Resource temporarily unavailable")
_NETWORK = re.compile(r"Network is unreachable|Name or service not known|"
                      r"Temporary failure in name resolution|socket\.gaierror")
_FILESYSTEM = re.compile(r"File too large|Read-only file system|^PermissionError", re.M)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _violation(err: str) -> str | None:
    found = [line[len(_MARK):] for line in err.splitlines() if line.startswith(_MARK)]
    return found[-1] if found else None


def _classify(o: _Outcome, err: str, limits: Limits) -> str | None:
    code = os.waitstatus_to_exitcode(o.status)
    sig = signal.Signals(-code) if code < 0 and -code in signal.valid_signals() else None
    last = _last_line(err)
    if o.overflow:
        return f"output_limit: more than {limits.output_bytes} bytes of output"
    if violation := _violation(err):
        return violation
    if sig == signal.SIGXCPU or o.cpu > limits.cpu_seconds:
        return f"cpu_time: used {o.cpu:.2f}s of CPU (limit {limits.cpu_seconds:g}s)"
    if o.timed_out:
        return f"timeout: still running after {limits.wall_seconds:g}s"
    if code == 0:
        return None
    detail = last or (f"killed by {sig.name}" if sig else f"exit code {code}")
    kinds = (("memory", _MEMORY), ("processes", _PROCESSES), ("network", _NETWORK),
             ("filesystem", _FILESYSTEM))
    for name, pattern in kinds:
        if pattern.search(last):
            return f"{name}: {detail}"
    for name, pattern in kinds[:2]:  # output of several processes may interleave
        if found := pattern.search(err):
            return f"{name}: {found.group(0)}"
    return f"error: {detail}"


def _result(o: _Outcome, limits: Limits, seconds: float) -> Result:
    out = o.out.decode("utf-8", "replace")
    err = o.err.decode("utf-8", "replace")
    reason = _classify(o, err, limits)
    code = os.waitstatus_to_exitcode(o.status)
    return Result(reason is None, code if code >= 0 else None, out, err, reason, seconds)
