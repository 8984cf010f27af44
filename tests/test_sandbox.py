"""The sandbox rejects what untrusted programs must not do, each with its reason, and runs
ordinary programs (stdout, stdin, files) normally, many at a time."""

from __future__ import annotations

import os
import socket
import threading
import time

import pytest

from synthforge.sandbox import Limits, Program, capabilities, extract_code, run_many, run_python

CAPS = capabilities()
QUICK = Limits(cpu_seconds=1, wall_seconds=5, processes=4)


def test_capabilities_are_reported():
    assert set(CAPS) >= {"network_namespace", "mount_namespace", "unprivileged_uid",
                         "audit_hook"}
    assert all(isinstance(v, bool) for v in CAPS.values()) and CAPS["audit_hook"]


def test_a_program_gets_stdout_stdin_and_files():
    code = ("import sys, pathlib\n"
            "name = sys.stdin.read().strip()\n"
            "rows = pathlib.Path('data/rows.csv').read_text().split()\n"
            "pathlib.Path('out.txt').write_text('written')\n"
            "print(f'hello {name}: {len(rows)} rows, {open(\"out.txt\").read()}')\n")
    result = run_python(code, stdin="world\n", files={"data/rows.csv": "a\nb\nc\n"})
    assert result.ok and result.reason is None and result.exit_code == 0
    assert result.stdout == "hello world: 3 rows, written\n" and result.stderr == ""


def test_errors_are_the_last_line_of_the_traceback():
    result = run_python("def f(x):\n    return 1 / x\nf(0)")
    assert not result.ok and result.exit_code == 1
    assert result.reason == "error: ZeroDivisionError: division by zero"
    assert run_python("raise SystemExit(3)").reason == "error: exit code 3"
    assert run_python("print('partial')\nassert 1 == 2, 'nope'").stdout == "partial\n"


def test_infinite_loop_is_stopped_by_the_cpu_limit():
    started = time.monotonic()
    result = run_python("while True:\n    pass", limits=QUICK)
    assert not result.ok and result.reason.split(":")[0] in ("cpu_time", "timeout")
    assert time.monotonic() - started < 4.5


def test_sleeping_past_the_wall_clock_is_a_timeout():
    result = run_python("import time\ntime.sleep(30)", limits=Limits(wall_seconds=1))
    assert not result.ok and result.reason.startswith("timeout:")
    assert result.seconds < 3


def test_fork_bomb_hits_the_process_limit():
    started = time.monotonic()
    result = run_python("import os\nwhile True:\n    os.fork()", limits=QUICK)
    assert not result.ok and result.reason.startswith("processes:"), result
    assert time.monotonic() - started < 4.5
    assert run_python("print('still fine')").stdout == "still fine\n"


@pytest.mark.skipif(not (CAPS["dedicated_uid"] or CAPS["user_namespace"]),
                    reason="no per-run process count on this machine (audit hook only)")
def test_fork_bomb_that_bypasses_the_audit_hook_hits_rlimit_nproc():
    code = ("import ctypes\nlibc = ctypes.CDLL(None)\nwhile True:\n"
            "    if libc.fork() < 0:\n        raise BlockingIOError('fork failed')\n")
    result = run_python(code, limits=QUICK)
    assert not result.ok and result.reason.startswith("processes:"), result


def test_memory_hog_hits_the_memory_limit():
    for code in ("x = bytearray(2 * 1024**3)", "xs = []\nwhile True:\n    xs.append(' ' * 10**6)"):
        result = run_python(code, limits=Limits(memory_mb=128))
        assert not result.ok and result.reason.startswith("memory:"), result


def test_output_flood_is_cut_at_the_cap():
    result = run_python("while True:\n    print('x' * 1000)", limits=Limits(output_bytes=10_000))
    assert not result.ok and result.reason.startswith("output_limit:")
    assert len(result.stdout) + len(result.stderr) <= 10_000


@pytest.fixture
def listener():
    """A real TCP server on 127.0.0.1 that records every connection it accepts."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    seen: list[object] = []
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                seen.append(server.accept()[1])
            except (TimeoutError, OSError):
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], seen
    stop.set()
    thread.join()
    server.close()


def test_network_connection_is_refused(listener):
    port, seen = listener
    result = run_python("import socket\n"
                        f"socket.create_connection(('127.0.0.1', {port}), timeout=2)\n"
                        "print('connected')")
    assert not result.ok and result.reason.startswith("network:"), result
    assert "connected" not in result.stdout
    time.sleep(0.2)
    assert seen == []


@pytest.mark.skipif(not CAPS["network_namespace"], reason="no network namespace here")
def test_network_connection_that_bypasses_the_audit_hook_finds_no_network(listener):
    port, seen = listener
    code = ("import ctypes, os, struct\nlibc = ctypes.CDLL(None, use_errno=True)\n"
            "fd = libc.socket(2, 1, 0)\n"
            f"addr = struct.pack('H', 2) + struct.pack('!H4s8x', {port}, bytes([127, 0, 0, 1]))\n"
            "if libc.connect(fd, addr, len(addr)) != 0:\n"
            "    err = ctypes.get_errno()\n    raise OSError(err, os.strerror(err))\n"
            "print('connected')")
    result = run_python(code)
    assert not result.ok and result.reason.startswith("network:"), result
    time.sleep(0.2)
    assert seen == []


def test_writing_outside_the_working_directory_is_refused(tmp_path):
    target, victim = tmp_path / "escaped.txt", tmp_path / "victim.txt"
    victim.write_text("keep me")
    for code in (f"open({str(target)!r}, 'w').write('x')",
                 f"import pathlib\npathlib.Path({str(target)!r}).write_text('x')",
                 f"import os\nos.symlink({str(target)!r}, 'link')\nopen('link', 'w').write('x')",
                 f"import os\nos.remove({str(victim)!r})"):
        result = run_python(code)
        assert not result.ok and result.reason.startswith("filesystem:"), (code, result)
    assert not target.exists() and victim.read_text() == "keep me"


@pytest.mark.skipif(not (CAPS["mount_namespace"] or CAPS["unprivileged_uid"]),
                    reason="no OS-level file isolation here (audit hook only)")
def test_writes_that_bypass_the_audit_hook_do_not_reach_the_host(tmp_path):
    targets = [tmp_path / "bypass.txt", f"/tmp/synthforge-bypass-{os.getpid()}.txt"]
    code = ("import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\n"
            f"for path in {[str(t) for t in targets]!r}:\n"
            "    print(libc.open(path.encode(), os.O_WRONLY | os.O_CREAT, 0o644))\n")
    result = run_python(code)
    assert result.ok, result
    assert not any(os.path.exists(t) for t in targets)


def test_the_parent_environment_does_not_leak(monkeypatch):
    secret = "hunter2-synthforge-secret"
    monkeypatch.setenv("SYNTHFORGE_TEST_SECRET", secret)
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    result = run_python("import os\nprint(os.environ['SYNTHFORGE_TEST_SECRET'])")
    assert not result.ok and result.reason.startswith("error: KeyError")
    result = run_python("import os\nprint(dict(os.environ))\n"
                        "try:\n    print(open(f'/proc/{os.getppid()}/environ').read())\n"
                        "except OSError as exc:\n    print('no access:', exc)")
    assert result.ok and secret not in result.stdout + result.stderr
    env = eval(result.stdout.splitlines()[0])
    assert set(env) <= {"PATH", "HOME", "LANG", "PYTHONDONTWRITEBYTECODE", "TMPDIR"}
    assert env["HOME"] == env["TMPDIR"] and env["LANG"] == "C.UTF-8"


@pytest.mark.skipif(not (CAPS["mount_namespace"] or CAPS["dedicated_uid"]),
                    reason="the program runs as this user, with no private mounts")
def test_the_parents_files_are_out_of_sight(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("hunter2")
    home = os.path.expanduser("~")
    result = run_python(f"import os\nprint(open({str(secret)!r}).read())")
    assert not result.ok and "hunter2" not in result.stdout
    assert result.reason.split(":")[0] in ("error", "filesystem")
    listing = run_python(f"import os\ntry:\n    print(os.listdir({home!r}))\n"
                         "except OSError as exc:\n    print(exc)")
    seen = eval(listing.stdout) if listing.stdout.startswith("[") else []
    assert listing.ok and (not os.listdir(home) or not set(os.listdir(home)) <= set(seen))


def test_the_working_directory_is_fresh_and_removed():
    first = run_python("import os\nprint(os.getcwd())\nprint(sorted(os.listdir()))")
    cwd, listing = first.stdout.splitlines()
    assert listing == "['main.py']" and not os.path.exists(cwd)
    assert run_python("import os\nprint(os.getcwd())").stdout.strip() != cwd
    for files in ({"../outside.txt": "x"}, {"/etc/passwd": "x"}, {"main.py": "x"}):
        with pytest.raises(ValueError):
            run_python("pass", files=files)


@pytest.mark.skipif(not CAPS["dedicated_uid"], reason="runs do not get a uid of their own")
def test_processes_that_leave_their_group_are_swept():
    code = ("import os, time\nif os.fork() == 0:\n    os.setsid()\n    time.sleep(60)\n"
            "print(os.getuid())")
    result = run_python(code)
    uid = int(result.stdout)
    time.sleep(0.1)
    alive = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.stat(f"/proc/{pid}").st_uid == uid:
                with open(f"/proc/{pid}/stat") as f:
                    state = f.read().rsplit(")", 1)[1].split()[0]
                alive += [pid] if state != "Z" else []
        except OSError:
            continue
    assert alive == []


def test_run_many_runs_in_parallel_and_keeps_the_order():
    programs = [f"import time\ntime.sleep({(19 - i) * 0.01})\nprint({i})" for i in range(20)]
    programs[7] = Program("print(input() * 2)", stdin="ab\n")
    started = time.monotonic()
    results = run_many(programs, workers=8)
    assert time.monotonic() - started < 10
    assert [r.stdout for r in results] == [
        "abab\n" if i == 7 else f"{i}\n" for i in range(20)]
    assert all(r.ok for r in results)
    assert run_many([]) == []


def test_extract_code():
    assert extract_code("Here:\n```python\nprint(1)\n```\nand\n```py\nprint(2)\n```") == "print(2)"
    assert extract_code("x = 1\n") == "x = 1"
    assert extract_code("```\ny = 2\n```") == "y = 2"


def test_limits_must_be_positive():
    with pytest.raises(ValueError):
        Limits(cpu_seconds=0)
