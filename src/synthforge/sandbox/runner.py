"""Running programs: one run in a fresh directory, the probe of which isolation layers
this machine permits, and the public functions."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from functools import partial

from synthforge.sandbox.child import _BOOTSTRAP
from synthforge.sandbox.classify import _result
from synthforge.sandbox.isolation import _PYTHON, LINUX, PATH, _candidates, _enter, _Plan
from synthforge.sandbox.limits import Limits, Program, Result
from synthforge.sandbox.supervise import _supervise
from synthforge.sandbox.uids import _lease, _sweep

MAIN = "main.py"

_plan: _Plan | None = None
_plan_lock = threading.Lock()


def _after_fork() -> None:
    """A forked child starts with a fresh lock."""
    global _plan_lock
    _plan_lock = threading.Lock()


os.register_at_fork(after_in_child=_after_fork)


# ---- what this machine permits -------------------------------------------------------------

def _current_plan() -> _Plan:
    global _plan
    with _plan_lock:
        if _plan is None:
            _plan = next((p for p in _candidates() if _works(p)), _Plan())
        return _plan


def _works(plan: _Plan) -> bool:
    probe = "import os\nassert os.getcwd() == os.environ['HOME']\nprint('ready')"
    try:
        result = _run(plan, probe, "", None, Limits(wall_seconds=10))
    except (OSError, subprocess.SubprocessError, RuntimeError):
        return False
    return result.ok and result.stdout == "ready\n"


def capabilities() -> dict[str, bool]:
    """Which isolation layers are active on this machine (probed once, then cached)."""
    plan = _current_plan()
    return {"network_namespace": plan.netns, "mount_namespace": plan.mountns,
            "user_namespace": plan.userns, "dedicated_uid": plan.drop_uid,
            "unprivileged_uid": plan.drop_uid or os.geteuid() != 0,
            "no_new_privileges": LINUX, "resource_limits": True, "audit_hook": True}


# ---- one run -------------------------------------------------------------------------------

@contextmanager
def _workdir(code: str, files: dict[str, str] | None, uid: int | None) -> Iterator[str]:
    """A fresh directory holding the program and its files, removed afterwards."""
    root = tempfile.mkdtemp(prefix="synthforge-sandbox-")
    try:
        if MAIN in (files or {}):
            raise ValueError(f"{MAIN!r} is the program itself; name the file otherwise")
        for name, text in {**(files or {}), MAIN: code}.items():
            target = os.path.normpath(os.path.join(root, name))
            if os.path.isabs(name) or not target.startswith(root + os.sep):
                raise ValueError(f"file name {name!r} must be relative, inside the directory")
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w", encoding="utf-8") as f:
                f.write(text)
        if uid is not None:
            for folder, dirs, names in os.walk(root):
                for entry in (folder, *(os.path.join(folder, n) for n in (*dirs, *names))):
                    os.chown(entry, uid, uid, follow_symlinks=False)
        yield root
    finally:
        _remove(root)


def _remove(root: str) -> None:
    def retry(function, path, _exc):  # a directory the program made unreadable
        with suppress(OSError):
            os.chmod(os.path.dirname(path), 0o700)
            os.chmod(path, 0o700)
            function(path)

    shutil.rmtree(root, onerror=retry)
    shutil.rmtree(root, ignore_errors=True)


def _environment(workdir: str) -> dict[str, str]:
    return {"PATH": PATH, "HOME": workdir, "TMPDIR": workdir, "LANG": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1"}


def _run(plan: _Plan, code: str, stdin: str, files: dict[str, str] | None,
         limits: Limits) -> Result:
    started = time.monotonic()
    with _lease(plan) as uid, _workdir(code, files, uid) as workdir:
        argv = [_PYTHON, "-I", "-B", "-c", _BOOTSTRAP, workdir, str(limits.processes - 1), MAIN]
        try:
            proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, cwd=workdir,
                                    env=_environment(workdir), start_new_session=True,
                                    preexec_fn=partial(_enter, plan, workdir, uid, limits))
            outcome = _supervise(proc, stdin.encode(), limits)
        finally:
            if uid is not None:
                _sweep(uid)
    return _result(outcome, limits, time.monotonic() - started)


# ---- the public functions ------------------------------------------------------------------

def run_python(code: str, *, stdin: str = "", files: dict[str, str] | None = None,
               limits: Limits = Limits()) -> Result:
    """Run `code` as a program in the sandbox; `files` are written into its directory."""
    plan = _current_plan()
    started = time.monotonic()
    try:
        return _run(plan, code, stdin, files, limits)
    except (OSError, subprocess.SubprocessError, RuntimeError) as exc:
        return Result(False, None, "", "", f"error: the sandbox could not start: {exc}",
                      time.monotonic() - started)


def run_many(programs: Sequence[str | Program], *, limits: Limits = Limits(),
             workers: int | None = None) -> list[Result]:
    """Run programs in parallel (`workers` at a time); results in input order."""
    items = [p if isinstance(p, Program) else Program(p) for p in programs]
    if not items:
        return []
    _current_plan()  # probe once, before the threads
    workers = max(1, min(workers or os.cpu_count() or 4, len(items)))

    def one(p: Program) -> Result:
        return run_python(p.code, stdin=p.stdin, files=p.files, limits=limits)

    if workers == 1:
        return [one(p) for p in items]
    with ThreadPoolExecutor(workers, thread_name_prefix="sandbox") as pool:
        return list(pool.map(one, items))


_FENCE = re.compile(r"```[ \t]*(?:python3?|py)?[ \t]*\n(.*?)(?:```|\Z)", re.S | re.I)


def extract_code(text: str) -> str:
    """The code in a reply: its last ```python block, else the whole text."""
    blocks = _FENCE.findall(text)
    return (blocks[-1] if blocks else text).strip("\n")
