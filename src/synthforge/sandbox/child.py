"""The child's bootstrap, run by `python -I -c` before the program: it installs the
audit hook that ends the program on a forbidden act, then runs the program."""

from __future__ import annotations

_VIOLATION_EXIT = 86
_MARK = "[synthforge-sandbox] "

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
