"""The isolation layers: which a run uses (`_Plan`, `_candidates`), and the child's
set-up between fork and exec (namespaces, private mounts, the uid, resource limits)."""

from __future__ import annotations

import ctypes
import math
import os
import resource
import signal
import stat
import sys
from contextlib import suppress
from dataclasses import dataclass

from synthforge.sandbox.limits import Limits

PATH = "/usr/local/bin:/usr/bin:/bin"
_PYTHON = sys.executable or "python3"

# linux/sched.h and linux/mount.h
CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWNET = 0x00020000, 0x10000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_NO_NEW_PRIVS = 1, 4, 38
_SCRATCH = ("/tmp", "/var/tmp", "/dev/shm")  # world-writable: replaced by private tmpfs


@dataclass(frozen=True)
class _Plan:
    """The isolation layers a run uses."""

    netns: bool = False
    mountns: bool = False
    userns: bool = False  # namespaces made in a new user namespace (needs no privilege)
    drop_uid: bool = False  # as root: run as a leased unprivileged uid


LINUX = sys.platform.startswith("linux")
_libc = ctypes.CDLL(None, use_errno=True)
if LINUX:
    _libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong,
                            ctypes.c_char_p]
    _libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong,
                            ctypes.c_ulong]


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _candidates() -> list[_Plan]:
    """Plans from the most isolated down; the first that works on this machine is used."""
    if not LINUX:
        return [_Plan()]
    if os.geteuid() == 0:
        return [_Plan(True, True, False, True), _Plan(True, True, True, True),
                _Plan(True, False, True, True), _Plan(drop_uid=True), _Plan()]
    return [_Plan(True, True, True), _Plan(True, False, True), _Plan()]


# ---- the child's set-up (runs between fork and exec: C calls only) ------------------------

def _blocked(path: str) -> str | None:
    """The highest ancestor of path that others may not traverse, if any."""
    parts = os.path.realpath(path).split("/")
    for i in range(2, len(parts) + 1):
        ancestor = "/".join(parts[:i])
        with suppress(OSError):
            if not os.stat(ancestor).st_mode & stat.S_IXOTH:
                return ancestor
    return None


def _hidden_dirs() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What a private mount namespace covers (the home directory, and what hides the
    interpreter from other users) and what it binds back (the interpreter's directories)."""
    needed = {os.path.realpath(p) for p in (sys.base_prefix, sys.prefix,
                                            os.path.dirname(os.path.realpath(_PYTHON)))}
    hidden = {a for p in needed if (a := _blocked(p))}
    home = os.path.realpath(os.path.expanduser("~"))
    if os.path.isdir(home) and home != "/" and home not in _SCRATCH:
        hidden.add(home)
    hidden = {h for h in hidden if not any(h.startswith(o + "/") for o in hidden)}
    expose = {p for p in needed if any(p == h or p.startswith(h + "/") for h in hidden)}
    return tuple(sorted(expose)), tuple(sorted(hidden))


_EXPOSE, _HIDDEN = _hidden_dirs()


def _write_proc(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def _mount(source: str | None, target: str, fstype: str | None, flags: int,
           options: str | None = None) -> None:
    def enc(text: str | None) -> bytes | None:
        return text.encode() if text is not None else None

    _check(_libc.mount(enc(source), target.encode(), enc(fstype), flags, enc(options)),
           f"mount {target}")


def _private_mounts(workdir: str, limits: Limits) -> None:
    """Private scratch space, /proc hidden, and what must stay visible bound back in."""
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    binds = [(os.open(p, os.O_PATH | os.O_DIRECTORY), p) for p in (workdir, *_EXPOSE)]
    for path in _SCRATCH:
        if os.path.isdir(path):
            _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV,
                   f"size={limits.file_mb}m,nr_inodes=4096,mode=1777")
    for path in _HIDDEN:
        _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0755")
    for fd, path in binds:
        try:
            visible = os.path.samestat(os.fstat(fd), os.stat(path))
        except OSError:
            visible = False
        if not visible:
            os.makedirs(path, 0o755, exist_ok=True)
            _mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC)
        os.close(fd)
    _mount("tmpfs", "/proc", "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
           "size=4k,mode=0555")


def _set_limit(which: int, soft: int, hard: int | None = None) -> None:
    _, current = resource.getrlimit(which)
    hard = soft if hard is None else hard
    if current != resource.RLIM_INFINITY:
        soft, hard = min(soft, current), min(hard, current)
    try:
        resource.setrlimit(which, (soft, hard))
    except (ValueError, OSError):
        if LINUX:  # elsewhere some limits are not supported (RLIMIT_AS on macOS)
            raise


def _set_limits(limits: Limits, own_count: bool) -> None:
    cpu = max(1, math.ceil(limits.cpu_seconds))
    _set_limit(resource.RLIMIT_CPU, cpu, cpu + 1)  # SIGXCPU, then SIGKILL a second later
    _set_limit(resource.RLIMIT_AS, limits.memory_mb << 20)
    _set_limit(resource.RLIMIT_FSIZE, limits.file_mb << 20)
    _set_limit(resource.RLIMIT_CORE, 0)
    if own_count:  # counted for this run alone (its own uid or user namespace)
        _set_limit(resource.RLIMIT_NPROC, limits.processes)


def _enter(plan: _Plan, workdir: str, uid: int | None, limits: Limits) -> None:
    """Between fork and exec: namespaces and mounts, the unprivileged uid, then the limits
    (last: the forked parent may already use more memory than the child may)."""
    if not LINUX:
        os.chdir(workdir)
        _set_limits(limits, own_count=False)
        return
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    if not plan.userns and (plan.netns or plan.mountns):
        _check(_libc.unshare((CLONE_NEWNET if plan.netns else 0)
                             | (CLONE_NEWNS if plan.mountns else 0)), "unshare")
        if plan.mountns:
            _private_mounts(workdir, limits)
    if uid is not None:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
        _check(_libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), "dumpable")  # to map its ids
    if plan.userns:
        _enter_user_namespace(plan, workdir, limits)
    os.chdir(workdir)
    _check(_libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "pdeathsig")
    _set_limits(limits, own_count=uid is not None or plan.userns)


def _enter_user_namespace(plan: _Plan, workdir: str, limits: Limits) -> None:
    """The namespaces, made without privilege inside a new user namespace."""
    uid, gid = os.getuid(), os.getgid()
    _check(_libc.unshare(CLONE_NEWUSER | (CLONE_NEWNET if plan.netns else 0)
                         | (CLONE_NEWNS if plan.mountns else 0)), "unshare")
    _write_proc("/proc/self/setgroups", "deny")
    _write_proc("/proc/self/uid_map", f"{uid} {uid} 1")
    _write_proc("/proc/self/gid_map", f"{gid} {gid} 1")
    if plan.mountns:
        _private_mounts(workdir, limits)
