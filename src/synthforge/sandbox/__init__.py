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

from synthforge.sandbox.limits import Limits, Program, Result
from synthforge.sandbox.runner import capabilities, extract_code, run_many, run_python

__all__ = ["Limits", "Program", "Result", "capabilities", "extract_code", "run_many",
           "run_python"]
