"""Run untrusted Python (generated code, a teacher's code) in a separate, limited process.

    result = run_python("print(sum(range(10)))")
    result.ok, result.stdout          # True, "45\\n"
    run_python("while True: pass").reason      # "cpu_time: ..."

Every run gets a fresh temporary working directory, an empty environment and `python -I`.
Isolation comes in layers; each is used where this machine permits it (`capabilities()`
says which are active) and the rest still hold where one is missing:

1. resource limits (CPU seconds, address space, file size, processes, no core dumps), a
   new session whose whole process group is killed at the end, a wall clock and a cap on
   the bytes of output read;
2. a new network namespace (no interface is up: nothing can be reached, not even the
   host's loopback) and a private mount namespace: fresh size-limited tmpfs over /tmp,
   /var/tmp and /dev/shm, /proc and the home directory hidden, the working directory and
   the interpreter bound back in;
3. an unprivileged uid: as root, each run gets a uid of its own (leased, so concurrent
   runs never share one), which makes system files read-only, enforces the process limit
   per run and lets every leftover process of the run be killed; not as root, the
   namespaces are made inside a user namespace;
4. inside the child, before the program runs, an audit hook that ends it on socket use,
   writes outside the working directory, process replacement, signals to processes
   outside its group and spawning beyond the process limit (a second layer: code that
   calls C directly, or programs it spawns, are held by the layers above).

A run's failure is classified by what happened: `timeout`, `cpu_time`, `memory`,
`output_limit`, `processes`, `network`, `filesystem` or `error` (the last line of the
traceback).
"""

from __future__ import annotations

import ctypes
import fcntl
import math
import os
import pwd
import random
import re
import resource
import selectors
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import partial

__all__ = ["Limits", "Program", "Result", "capabilities", "extract_code", "run_many",
           "run_python"]

MAIN = "main.py"
PATH = "/usr/local/bin:/usr/bin:/bin"
_PYTHON = sys.executable or "python3"
_VIOLATION_EXIT = 86
_MARK = "[synthforge-sandbox] "
_CHUNK = 65536

# linux/sched.h and linux/mount.h
CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWNET = 0x00020000, 0x10000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_NO_NEW_PRIVS = 1, 4, 38
_SCRATCH = ("/tmp", "/var/tmp", "/dev/shm")  # world-writable: replaced by private tmpfs


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


# ---- the child's bootstrap: the audit hook, then the program -------------------------------

_BOOTSTRAP = r'''
def _sandbox(root, children, main):
    import __main__, os, posixpath, sys
    del __main__.__dict__["_sandbox"]
    children = int(children)
    realpath, fsdecode, write, exit_ = posixpath.realpath, os.fsdecode, os.write, os._exit
    getpgid, group, parent = os.getpgid, os.getpgid(0), os.getppid()
    prefix = root.rstrip("/") + "/"
    writes = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
    spawns = {"os.fork", "os.forkpty", "os.system", "os.posix_spawn", "os.spawn",
              "subprocess.Popen"}
    paths = {"os.mkdir": (0,), "os.rmdir": (0,), "os.remove": (0,), "os.rename": (0, 1),
             "os.link": (1,), "os.symlink": (1,), "os.truncate": (0,), "os.chmod": (0,),
             "os.chown": (0,), "os.utime": (0,), "os.mkfifo": (0,), "os.mknod": (0,),
             "os.setxattr": (0,), "os.removexattr": (0,)}
    lookups = {"socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex",
               "socket.gethostbyaddr", "socket.getnameinfo"}
    spawned = [0]

    def deny(code, detail):
        try:
            write(2, f"\n@MARK@{code}: {detail}\n".encode("utf-8", "replace"))
        finally:
            exit_(@VIOLATION@)

    def inside(path):
        if path is None or isinstance(path, int):
            return True
        real = realpath(fsdecode(path))
        return real == root or real.startswith(prefix) or real == "/dev/null"

    def own_socket(sock, address):
        if getattr(sock, "family", None) != 1:  # AF_UNIX only
            return False
        return isinstance(address, str | bytes) and bool(address) and address[:1] not in (
            "\0", b"\0") and inside(address)

    def hook(event, args):
        if event == "open":
            path, mode, flags = args
            if ((flags or 0) & writes or (isinstance(mode, str) and any(c in mode for c in "wax+"))
                    ) and not inside(path):
                deny("filesystem", f"writing {path!r} (outside the working directory)")
        elif event in paths:
            for i in paths[event]:
                if not inside(args[i]):
                    deny("filesystem", f"{event} on {args[i]!r} (outside the working directory)")
        elif event == "socket.__new__":
            if args[1] != 1:
                deny("network", "opening a network socket")
        elif event in ("socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg"):
            if not own_socket(args[0], args[1]):
                deny("network", f"{event.split('.')[1]} to {args[1]!r}")
        elif event in lookups:
            deny("network", f"{event.split('.')[1]} {args[0]!r}")
        elif event in spawns:
            spawned[0] += 1
            if spawned[0] > children:
                deny("processes", f"more than {children + 1} processes")
        elif event == "os.exec":
            deny("processes", "replacing the process (os.exec*)")
        elif event in ("os.kill", "os.killpg"):
            target = args[0]
            try:
                ours = target != parent and target > 0 and (
                    event == "os.killpg" and target == group or getpgid(target) == group)
            except OSError:
                ours = False
            if not ours and target != 0:
                deny("processes", f"signalling process {target} outside the sandbox")

    path = posixpath.join(root, main)
    with open(path, "rb") as f:
        source = f.read()
    sys.argv[:] = [path]
    sys.path.insert(0, root)
    __main__.__file__ = path
    sys.addaudithook(hook)
    code = compile(source, path, "exec")
    try:
        exec(code, __main__.__dict__)
    except SystemExit:
        raise
    except BaseException as exc:
        import traceback
        traceback.print_exception(type(exc), exc, exc.__traceback__.tb_next)
        raise SystemExit(1) from None

_sandbox(*__import__("sys").argv[1:4])
'''.replace("@MARK@", _MARK).replace("@VIOLATION@", str(_VIOLATION_EXIT))


# ---- what this machine permits -------------------------------------------------------------

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
_plan: _Plan | None = None
_plan_lock = threading.Lock()


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


# ---- uids for runs (as root) ---------------------------------------------------------------

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
    """A forked child starts with fresh locks and its own uid pool (the parent's leases
    stay locked through inherited descriptors, so the child skips them)."""
    global _plan_lock, _pool_lock, _pool
    _plan_lock, _pool_lock, _pool = threading.Lock(), threading.Lock(), None


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


@dataclass
class _Outcome:
    status: int
    cpu: float
    out: bytes
    err: bytes
    timed_out: bool
    overflow: bool


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


# ---- classifying what happened -------------------------------------------------------------

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
