"""Ordering tasks with dependencies (a topological order of a DAG), by Kahn's algorithm."""

from __future__ import annotations

import heapq
import random
import re
from collections.abc import Sequence
from typing import Any, TypeVar

import orjson

from synthforge.generate.procedural.answers import norm_text
from synthforge.generate.procedural.base import Family, Task, family

T = TypeVar("T")


def _sample(rng: random.Random, seq: Sequence[T], k: int) -> list[T]:
    """k distinct items of seq in random order (a partial Fisher-Yates shuffle whose
    positions are cut from 64-bit draws, several per draw; bias under 2**-20)."""
    pool = list(seq)
    n = len(pool)
    bits = room = 0
    for i in range(k):
        width = n - i
        if room < width << 20:
            bits, room = rng.getrandbits(64), 1 << 64
        bits, j = divmod(bits, width)
        room //= width
        j += i
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:k]


def _digits(value: int, *sizes: int) -> list[int]:
    """Several small choices from one random integer (its digits in mixed radix)."""
    out = []
    for size in sizes:
        value, digit = divmod(value, size)
        out.append(digit)
    return out


LETTERS = tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
DEPTS = ("CS", "MATH", "PHYS", "CHEM", "BIO", "ECON", "STAT", "HIST", "LING", "PHIL")
# listed roughly from lower layers to higher ones, so that dependencies look plausible
PACKAGES = ("core", "utils", "config", "logging", "crypto", "schema", "i18n", "metrics",
            "events", "cache", "db", "storage", "queue", "lexer", "parser", "http", "auth",
            "search", "billing", "mailer", "scheduler", "render", "assets", "plugins", "api",
            "server", "client", "sdk", "cli", "ui", "testing", "docs")
# in a sensible order of work
CHORES = ("book a skip", "order flooring", "buy paint", "move furniture", "lay dust sheets",
          "fix cracks", "sand the walls", "clean windows", "tape the edges", "prime the walls",
          "paint the walls", "clean brushes", "lay flooring", "fit skirting", "replace sockets",
          "assemble shelves", "return furniture", "hang pictures", "hang curtains", "vacuum")
RANK = {name: i for i, name in enumerate(PACKAGES + CHORES)}

# by level: tasks (min, max), dependencies (min, max)
LEVELS = {1: ((4, 4), (3, 4)), 2: ((5, 5), (4, 6)), 3: ((6, 7), (6, 9)),
          4: ((8, 9), (8, 12)), 5: ((10, 12), (11, 16))}

THEMES: dict[str, dict[str, Any]] = {
    "letters": {
        "intro": ("There are {n} tasks: {items}.", "Jobs {items} must each be done once.",
                  "A project consists of the tasks {items}."),
        "rule": ("{a} must be done before {b}", "{b} depends on {a}", "{a} → {b}"),
        "ask": ("Give an order in which all the tasks can be done, as a comma-separated list.",
                "List the tasks in an order that respects every dependency.",
                "In what order can the tasks be completed? Give one valid sequence."),
        "head": ("Constraints:", "Dependencies:", "Rules:"),
    },
    "courses": {
        "intro": ("A student must take the courses {items}.",
                  "The degree requires {items}.", "Courses to schedule: {items}."),
        "rule": ("{a} is a prerequisite for {b}", "{b} requires {a}",
                 "{a} must be passed before {b}"),
        "ask": ("Give an order in which to take all the courses (one per term), as a "
                "comma-separated list.",
                "List the courses in an order that satisfies every prerequisite.",
                "Taking one course at a time, in what order could the student take them all?"),
        "head": ("Prerequisites:", "The rules are:", "Requirements:"),
    },
    "packages": {
        "intro": ("A build system must compile the packages {items}.",
                  "A monorepo contains the packages {items}.",
                  "You need to install {items}."),
        "rule": ("{b} depends on {a}", "{a} must be built before {b}", "{b} imports {a}"),
        "ask": ("Give an order in which the packages can be built, as a comma-separated list.",
                "List a build order in which every package comes after its dependencies.",
                "In what order should they be installed so each dependency is ready first?"),
        "head": ("Dependencies:", "Dependency graph:", "Known dependencies:"),
    },
    "chores": {
        "intro": ("A renovation involves these jobs: {items}.",
                  "The to-do list for a room makeover: {items}.",
                  "Someone has to {items}."),
        "rule": ("{a} before {b}", "'{b}' can only start after '{a}'",
                 "'{a}' has to be finished before '{b}'"),
        "ask": ("Give an order in which all jobs can be done, as a comma-separated list.",
                "List the jobs in an order that respects every constraint.",
                "In what sequence can everything be done? List all jobs."),
        "head": ("Constraints:", "Ordering rules:", "Note that:"),
    },
}
THEME_NAMES = tuple(THEMES)
_SPLIT = re.compile(r"\s*(?:,|;|\n|->|→|=>|⟶)\s*")
_NUMBERED = re.compile(r"^(?:\d+[.):]|step\s+\d+[.:)]?)\s*", re.I)


def _names(rng: random.Random, theme: str, n: int, contiguous: int) -> list[str]:
    if theme == "letters":
        if contiguous:
            start = rng.randrange(len(LETTERS) - n + 1)
            return list(LETTERS[start:start + n])
        return _sample(rng, LETTERS, n)
    if theme == "courses":
        names: set[str] = set()
        depts = _sample(rng, DEPTS, rng.randint(1, 3))
        while len(names) < n:
            names.add(f"{rng.choice(depts)}{rng.randint(1, 4)}{rng.randint(0, 9)}"
                      f"{rng.randint(0, 9)}")
        return sorted(names)
    return _sample(rng, PACKAGES if theme == "packages" else CHORES, n)


def kahn(tasks: list[str], edges: list[tuple[str, str]]) -> list[str] | None:
    """The lexicographically smallest topological order (None if there is a cycle)."""
    indeg = dict.fromkeys(tasks, 0)
    out: dict[str, list[str]] = {t: [] for t in tasks}
    for a, b in edges:
        out[a].append(b)
        indeg[b] += 1
    ready = [t for t in tasks if not indeg[t]]
    heapq.heapify(ready)
    order = []
    while ready:
        t = heapq.heappop(ready)
        order.append(t)
        for b in out[t]:
            indeg[b] -= 1
            if not indeg[b]:
                heapq.heappush(ready, b)
    return order if len(order) == len(tasks) else None


@family("topological_order")
class TopologicalOrder(Family):
    """Order tasks so that every dependency comes first (a topological order of a DAG),
    worked with Kahn's algorithm; any valid order is accepted."""

    domain = "graphs"
    skills = ("topological sorting", "kahn's algorithm", "dependency reasoning")
    answer_kind = "list"

    def make(self, rng: random.Random, level: int) -> Task:
        (n_lo, n_hi), (e_lo, e_hi) = LEVELS[level]
        # every choice of wording from one draw
        t, contiguous, alphabetical, style, bullets, head, intro, ask, wording = _digits(
            rng.getrandbits(64), 4, 2, 2, 3, 2, 3, 3, 3, 27)
        theme_name = THEME_NAMES[t]
        theme = THEMES[theme_name]
        n = rng.randint(n_lo, n_hi)
        tasks = _names(rng, theme_name, n, contiguous)
        # edges go forward in a hidden order, so the graph is acyclic; courses go up by
        # number, packages and chores follow their plausible order
        if theme_name == "letters":
            hidden = _sample(rng, tasks, n)
        elif theme_name == "courses":
            shuffled = _sample(rng, tasks, n)
            hidden = sorted(shuffled, key=lambda c: c.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")[0])
        else:
            hidden = sorted(tasks, key=RANK.__getitem__)
        pairs = [(hidden[i], hidden[j]) for i in range(n) for j in range(i + 1, n)]
        edges = _sample(rng, pairs, min(len(pairs), rng.randint(e_lo, e_hi)))
        listed = sorted(tasks) if alphabetical else _sample(rng, tasks, n)

        rule = theme["rule"][style]
        rules = [rule.format(a=a, b=b) for a, b in edges]
        if bullets:
            rules_text = theme["head"][head] + "\n" + "\n".join(f"- {r}" for r in rules)
        else:
            rules_text = theme["head"][head] + " " + "; ".join(rules) + "."
        items = ", ".join(listed)
        if theme_name == "chores":
            items = "; ".join(listed)
        question = (theme["intro"][intro].format(n=n, items=items) + "\n" + rules_text
                    + "\n" + theme["ask"][ask])
        order, solution = self._work(wording, tasks, edges)
        check = {"tasks": tasks, "edges": [list(e) for e in edges]}
        return Task(question, ", ".join(order), solution, check)

    @staticmethod
    def _work(wording: int, tasks: list[str],
              edges: list[tuple[str, str]]) -> tuple[list[str], str]:
        opening, step, closing = _digits(wording, 3, 3, 3)
        indeg = dict.fromkeys(tasks, 0)
        out: dict[str, list[str]] = {t: [] for t in tasks}
        for a, b in edges:
            out[a].append(b)
            indeg[b] += 1
        for t in tasks:
            out[t].sort()
        q = {t: f"'{t}'" if " " in t else t for t in tasks}
        lines = [(
            "Use Kahn's algorithm: count each task's unmet prerequisites, repeatedly take a "
            "task with none left (the alphabetically first, to be definite) and release the "
            "tasks that depend on it.",
            "Kahn's algorithm: track how many prerequisites each task still waits for; "
            "whenever a task is free, schedule it (smallest name first) and update the others.",
            "Sort topologically with Kahn's algorithm, always picking the alphabetically first "
            "available task.")[opening]]
        counts = ", ".join(f"{q[t]} {indeg[t]}" for t in sorted(tasks))
        lines.append(f"Prerequisite counts: {counts}.")
        ready = [t for t in tasks if not indeg[t]]
        heapq.heapify(ready)
        order: list[str] = []
        take = ("Ready: {ready}. Take {t}.", "Available {{{ready}}} → do {t}.",
                "Step {k}: ready {ready}; schedule {t}.")[step]
        while ready:
            avail = ", ".join(q[r] for r in sorted(ready))
            t = heapq.heappop(ready)
            order.append(t)
            notes = []
            for b in out[t]:
                indeg[b] -= 1
                if indeg[b]:
                    notes.append(f"{q[b]} still waits for {indeg[b]}")
                else:
                    notes.append(f"{q[b]} is now free")
                    heapq.heappush(ready, b)
            line = take.format(ready=avail, t=q[t], k=len(order))
            if notes:
                line += " " + "; ".join(notes) + "."
            lines.append(line)
        final = ", ".join(order)
        lines.append((f"All {len(order)} tasks are scheduled, so the order is valid: {final}.",
                      f"Every task has been placed: {final}.",
                      f"Order found: {final}.")[closing])
        return order, "\n".join(lines)

    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        tasks = task.check.get("tasks")
        if not tasks:  # no graph to check against: compare with the canonical order
            return 1.0 if _items(answer) == _items(task.answer) else 0.0
        return 1.0 if valid_order(_items(answer), tasks, task.check.get("edges", ())) else 0.0

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        order = _items(task.answer)
        out = [", ".join(order[:-1]), ", ".join([*order, order[0]]),
               ", ".join([*order[:-1], "extra"]), ", ".join(reversed(order))]
        edges = task.check.get("edges") or []
        if edges:
            a, b = rng.choice(edges)
            swapped = order[:]
            i, j = swapped.index(a), swapped.index(b)
            swapped[i], swapped[j] = swapped[j], swapped[i]
            out.append(", ".join(swapped))
        return out


def _items(text: str) -> list[str]:
    s = text.strip().strip("`").strip()
    if s.startswith("["):
        try:
            items = orjson.loads(s)
        except orjson.JSONDecodeError:
            items = None
        if isinstance(items, list):
            return [str(x).strip() for x in items]
        s = s.strip("[]")
    parts = (_NUMBERED.sub("", p.strip().strip("\"'").strip()) for p in _SPLIT.split(s))
    return [p.strip().strip("\"'").strip() for p in parts if p.strip()]


def valid_order(items: list[str], tasks: list[str], edges: Any) -> bool:
    """Whether `items` lists every task exactly once with each edge's ends in order."""
    names = {norm_text(t): t for t in tasks}
    order = [names.get(norm_text(x)) for x in items]
    if len(order) != len(tasks) or None in order or len(set(order)) != len(tasks):
        return False
    pos = {t: i for i, t in enumerate(order)}
    return all(pos[a] < pos[b] for a, b in edges)
