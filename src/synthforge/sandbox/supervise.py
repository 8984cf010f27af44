"""Watching a running program: feeding its stdin, reading its output up to the cap,
stopping it at exit or the deadline, then killing its group and reaping it."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import time
from contextlib import suppress
from dataclasses import dataclass

from synthforge.sandbox.limits import Limits

_CHUNK = 65536


@dataclass
class _Outcome:
    status: int
    cpu: float
    out: bytes
    err: bytes
    timed_out: bool
    overflow: bool


def _supervise(proc: subprocess.Popen, data: bytes, limits: Limits) -> _Outcome:
    """Feed stdin, read output up to the cap, stop at exit or the deadline; kill and reap."""
    assert proc.stdin and proc.stdout and proc.stderr
    deadline = time.monotonic() + limits.wall_seconds
    streams = {proc.stdout.fileno(): bytearray(), proc.stderr.fileno(): bytearray()}
    sel = selectors.DefaultSelector()
    pidfd = _pidfd(proc.pid)
    for fd in streams:
        os.set_blocking(fd, False)
        sel.register(fd, selectors.EVENT_READ)
    if pidfd is not None:
        sel.register(pidfd, selectors.EVENT_READ)
    if data:
        os.set_blocking(proc.stdin.fileno(), False)
        sel.register(proc.stdin.fileno(), selectors.EVENT_WRITE)
    else:
        proc.stdin.close()
    view = memoryview(data)
    exited = timed_out = overflow = False
    reaped: tuple[int, float] | None = None
    try:
        while not (exited or overflow):
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            for key, _ in sel.select(left if pidfd is not None else min(left, 0.005)):
                if key.fd == pidfd:
                    exited = True
                elif key.fd in streams:
                    overflow = overflow or _read(key.fd, streams, sel, limits.output_bytes)
                elif view:
                    view = _feed(proc, view, sel)
            if pidfd is None and (reaped := _wait(proc.pid, os.WNOHANG)):
                exited = True
        _kill_group(proc.pid)  # what is left of it: children, or all of it
        if exited and not overflow:
            overflow = _drain(sel, streams, limits.output_bytes)
        status, cpu = reaped or _wait(proc.pid, 0) or (0, 0.0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        sel.close()
        for f in (proc.stdin, proc.stdout, proc.stderr):
            with suppress(OSError):
                f.close()
        if pidfd is not None:
            os.close(pidfd)
    out, err = (bytes(b[:limits.output_bytes]) for b in streams.values())
    return _Outcome(status, cpu, out, err, timed_out, overflow)


def _pidfd(pid: int) -> int | None:
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def _wait(pid: int, options: int) -> tuple[int, float] | None:
    """The exit status and CPU seconds of an exited program (None: still running)."""
    done, status, usage = os.wait4(pid, options)
    return (status, usage.ru_utime + usage.ru_stime) if done else None


def _read(fd: int, streams: dict[int, bytearray], sel: selectors.BaseSelector,
          cap: int) -> bool:
    """Read what is there; True once the output passes the cap."""
    try:
        chunk = os.read(fd, _CHUNK)
    except BlockingIOError:
        return False
    if not chunk:
        sel.unregister(fd)
        return False
    streams[fd] += chunk
    return sum(map(len, streams.values())) > cap


def _drain(sel: selectors.BaseSelector, streams: dict[int, bytearray], cap: int) -> bool:
    """Read what the exited program left in the pipes, without waiting on processes that
    escaped and hold them open; True if that passes the cap."""
    for fd in streams:
        with suppress(KeyError):
            sel.get_key(fd)
            while chunk := _nonblocking_read(fd):
                streams[fd] += chunk
                if sum(map(len, streams.values())) > cap:
                    return True
    return False


def _nonblocking_read(fd: int) -> bytes:
    try:
        return os.read(fd, _CHUNK)
    except BlockingIOError:
        return b""


def _feed(proc: subprocess.Popen, view: memoryview, sel: selectors.BaseSelector) -> memoryview:
    assert proc.stdin
    fd = proc.stdin.fileno()
    try:
        view = view[os.write(fd, view[:_CHUNK]):]
    except BlockingIOError:
        return view
    except (BrokenPipeError, OSError):
        view = view[:0]
    if not view:
        sel.unregister(fd)
        proc.stdin.close()
    return view


def _kill_group(pid: int) -> None:
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
