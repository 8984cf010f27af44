"""Uids for runs (as root): each run leases one of its own, and its leftover processes
are killed when it ends."""

from __future__ import annotations

import fcntl
import os
import pwd
import random
import shutil
import stat
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from synthforge.sandbox.isolation import PATH, _Plan


def _mapped(uid: int) -> bool:
    try:
        with open("/proc/self/uid_map") as f:
            ranges = [tuple(map(int, line.split())) for line in f if line.strip()]
    except OSError:
        return uid < 65534
    return any(inside <= uid < inside + count for inside, _, count in ranges)


class _UidPool:
    """Leases uids to runs; a lock file per uid keeps other processes off a leased one."""

    def __init__(self, span: int = 4096):
        base = 1_900_000_000 if _mapped(1_900_000_000 + span) else 65533 - span
        self._uids = range(base, base + span)
        self._held: set[int] = set()
        self._lock = threading.Lock()
        self._dir = self._lock_dir()

    @staticmethod
    def _lock_dir() -> str | None:
        path = os.path.join(tempfile.gettempdir(), f"synthforge-sandbox-uids-{os.geteuid()}")
        with suppress(FileExistsError):
            os.mkdir(path, 0o700)
        try:
            info = os.lstat(path)
        except OSError:
            return None
        own = stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid()
        return path if own and not info.st_mode & 0o077 else None  # else: locks in-process only

    def acquire(self) -> tuple[int, int | None]:
        start = random.randrange(len(self._uids))
        for i in range(len(self._uids)):
            uid = self._uids[(start + i) % len(self._uids)]
            with self._lock:
                if uid in self._held:
                    continue
                self._held.add(uid)
            free, fd = self._claim(uid)
            if free:
                return uid, fd
            with self._lock:
                self._held.discard(uid)
        raise RuntimeError("no free uid for a sandbox run")

    def _claim(self, uid: int) -> tuple[bool, int | None]:
        """Whether uid is free, and the descriptor holding its lock (if locks are kept)."""
        with suppress(KeyError):
            pwd.getpwuid(uid)
            return False, None  # a real account
        if self._dir is None:
            return True, None
        fd = os.open(os.path.join(self._dir, str(uid)), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC,
                     0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False, None
        return True, fd

    def release(self, uid: int, fd: int | None) -> None:
        if fd is not None:
            os.close(fd)
        with self._lock:
            self._held.discard(uid)


def _alive(uid: int) -> bool:
    """Whether any process runs as uid (cheaper than a process that kills them)."""
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with suppress(OSError):
                if entry.stat(follow_symlinks=False).st_uid == uid:
                    return True
    return False


_pool: _UidPool | None = None
_pool_lock = threading.Lock()


def _after_fork() -> None:
    """A forked child starts with a fresh lock and its own uid pool (the parent's leases
    stay locked through inherited descriptors, so the child skips them)."""
    global _pool_lock, _pool
    _pool_lock, _pool = threading.Lock(), None


os.register_at_fork(after_in_child=_after_fork)
_KILL = shutil.which("kill", path=PATH)


@contextmanager
def _lease(plan: _Plan) -> Iterator[int | None]:
    """A uid of its own for a run (as root; None otherwise)."""
    global _pool
    if not plan.drop_uid:
        yield None
        return
    with _pool_lock:
        _pool = _pool or _UidPool()
    uid, fd = _pool.acquire()
    try:
        yield uid
    finally:
        _pool.release(uid, fd)


def _sweep(uid: int) -> None:
    """Kill every process of uid (programs that left their process group)."""
    if _KILL is None or not _alive(uid):
        return
    with suppress(OSError, subprocess.SubprocessError):
        subprocess.run([_KILL, "-9", "-1"], user=uid, group=uid, extra_groups=[],
                       env={"PATH": PATH}, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=5, check=False)
