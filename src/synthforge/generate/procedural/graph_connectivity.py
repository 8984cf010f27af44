"""Connectivity in undirected graphs: whether two nodes are connected, or how many
connected components there are, worked with breadth-first search or union-find."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import Any, TypeVar

from synthforge.generate.procedural.answers import norm_text, perturb, same_number
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
PEOPLE = ("Ana", "Ben", "Chloe", "Dmitri", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas",
          "Kenji", "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tara",
          "Umar", "Vera", "Wei", "Ximena", "Yusuf", "Zoe", "Aaron", "Bianca", "Carlos", "Dana",
          "Emil", "Fatima", "Gustav", "Hana", "Ivan", "Julia", "Kofi", "Lucia", "Milan", "Noor")
HOSTS = ("alpha", "bravo", "cobalt", "delta", "ember", "falcon", "garnet", "harbor", "indigo",
         "jasper", "kestrel", "lumen", "mercury", "nimbus", "onyx", "pulsar", "quartz", "raven",
         "sierra", "topaz", "umbra", "vortex", "willow", "xenon", "yarrow", "zephyr", "atlas",
         "beacon", "cinder", "drift")
ISLANDS = ("Arran", "Barra", "Coll", "Eigg", "Fair", "Gigha", "Harris", "Islay", "Jura",
           "Kerrera", "Lewis", "Muck", "Mull", "Oronsay", "Rum", "Sanday", "Tiree", "Ulva",
           "Vatersay", "Westray", "Yell", "Unst", "Hoy", "Iona", "Lismore", "Raasay", "Skye",
           "Canna", "Luing", "Scarp")

# by level: nodes (min, max), edges (min, max)
LEVELS = {1: ((5, 6), (2, 4)), 2: ((6, 8), (3, 6)), 3: ((8, 10), (5, 9)),
          4: ((10, 13), (7, 12)), 5: ((13, 16), (9, 16))}

THEMES: dict[str, dict[str, Any]] = {
    "graph": {
        "names": LETTERS, "thing": "vertex", "things": "vertices",
        "intro": ("An undirected graph has vertices {nodes} and edges {edges}.",
                  "Vertices: {nodes}. Undirected edges: {edges}.",
                  "Consider the undirected graph on {nodes} with edge set {{{edges}}}."),
        "edge": ("{a}–{b}", "{a}-{b}", "{{{a}, {b}}}"),
        "connected": ("Are {u} and {v} in the same connected component?",
                      "Is there a path from {u} to {v}?",
                      "Is vertex {v} reachable from vertex {u}?"),
        "count": ("How many connected components does the graph have?",
                  "Count the connected components of this graph.",
                  "How many connected components are there (isolated vertices count too)?"),
    },
    "friends": {
        "names": PEOPLE, "thing": "person", "things": "people",
        "intro": ("The members of a club are {nodes}. Friendships (mutual): {edges}.",
                  "{nodes} live in the same building. These pairs know each other: {edges}.",
                  "In a small network of {nodes}, the friendships are {edges}."),
        "edge": ("{a} & {b}", "{a} and {b}", "{a}–{b}"),
        "connected": ("Can a message passed only between friends get from {u} to {v}?",
                      "Are {u} and {v} linked by a chain of friendships?",
                      "Is {v} in {u}'s extended circle (friends, friends of friends, and so on)?"),
        "count": ("Into how many separate friend groups do these people fall (a person with no "
                  "friends is a group alone)?",
                  "How many groups are there, where a group is everyone linked by chains of "
                  "friendships?",
                  "How many connected groups of people are there?"),
    },
    "network": {
        "names": HOSTS, "thing": "machine", "things": "machines",
        "intro": ("A lab has machines {nodes}. Cables connect {edges}.",
                  "Hosts: {nodes}. Direct links (two-way): {edges}.",
                  "The servers {nodes} are wired as follows: {edges}."),
        "edge": ("{a}–{b}", "{a} <-> {b}", "{a} with {b}"),
        "connected": ("Can {u} send packets to {v} (relaying through other machines is fine)?",
                      "Is there a route between {u} and {v}?",
                      "Can {u} and {v} communicate?"),
        "count": ("How many isolated sub-networks are there?",
                  "How many connected components does this network have?",
                  "Into how many separate segments is the network split?"),
    },
    "islands": {
        "names": ISLANDS, "thing": "island", "things": "islands",
        "intro": ("An archipelago has the islands {nodes}. Bridges join {edges}.",
                  "Islands: {nodes}. Each of these pairs is joined by a bridge: {edges}.",
                  "The islands {nodes} are linked by bridges between {edges}."),
        "edge": ("{a}–{b}", "{a} and {b}", "{a} to {b}"),
        "connected": ("Can you walk from {u} to {v} using only the bridges?",
                      "Is {v} reachable from {u} over bridges?",
                      "Are {u} and {v} connected by some sequence of bridges?"),
        "count": ("How many groups of islands are there, where a group is all islands "
                  "reachable from one another over bridges?",
                  "How many separate clusters do the bridges form (a lone island counts)?",
                  "How many connected groups of islands are there?"),
    },
}
THEME_NAMES = tuple(THEMES)
YES = {"yes", "true", "y", "connected", "reachable", "yes they are", "yes it is", "yes they can"}
NO = {"no", "false", "n", "not connected", "disconnected", "unreachable", "no they are not",
      "no it is not", "no they cannot"}


def _components(nodes: list[str], adj: dict[str, list[str]]) -> list[list[str]]:
    seen: set[str] = set()
    out = []
    for s in nodes:
        if s in seen:
            continue
        seen.add(s)
        comp, queue = [s], [s]
        for u in queue:
            for v in adj[u]:
                if v not in seen:
                    seen.add(v)
                    comp.append(v)
                    queue.append(v)
        out.append(comp)
    return out


def _set(items: list[str]) -> str:
    return "{" + ", ".join(items) + "}"


REACH = ("From {u} reach {new}.", "{u}: new neighbours {new}.",
         "Visit {u}; add {new} to the queue.")
NOTHING = ("From {u} nothing new.", "{u}: no unvisited neighbours.",
           "Visit {u}; every neighbour is already seen.")


def _bfs_lines(style: int, start: str, adj: dict[str, list[str]],
               seen: set[str], stop: str | None = None) -> tuple[list[str], list[str]]:
    """BFS from start, narrated; returns (lines, component in visiting order)."""
    reach, none = REACH[style], NOTHING[style]
    seen.add(start)
    comp, lines = [start], []
    for u in comp:
        new = [v for v in adj[u] if v not in seen]
        for v in new:
            seen.add(v)
            comp.append(v)
        if new:
            lines.append(reach.format(u=u, new=", ".join(new)))
        else:
            lines.append(none.format(u=u))
        if stop is not None and stop in new:
            break
    return lines, comp


@family("graph_connectivity")
class GraphConnectivity(Family):
    """Undirected connectivity: are two nodes connected (yes/no), or how many connected
    components are there (a number); worked by breadth-first search or union-find."""

    domain = "graphs"
    skills = ("graph connectivity", "breadth-first search", "union-find")
    answer_kind = "bool|number"

    def make(self, rng: random.Random, level: int) -> Task:
        (n_lo, n_hi), (e_lo, e_hi) = LEVELS[level]
        # every choice of wording from one draw
        t, unsorted, style, intro_i, bfs, ask_kind, side, ask_i, opening, narr, closing = (
            _digits(rng.getrandbits(64), 4, 10, 3, 3, 10, 2, 2, 3, 3, 3, 3))
        theme = THEMES[THEME_NAMES[t]]
        n = rng.randint(n_lo, n_hi)
        nodes = _sample(rng, theme["names"], n)
        if theme["names"] is LETTERS or unsorted < 3:
            nodes.sort()
        all_pairs = [(a, b) for i, a in enumerate(nodes) for b in nodes[i + 1:]]
        edges = _sample(rng, all_pairs, min(len(all_pairs), rng.randint(e_lo, e_hi)))
        flips = rng.getrandbits(len(edges))
        edges = [(b, a) if flips >> i & 1 else (a, b) for i, (a, b) in enumerate(edges)]
        adj: dict[str, list[str]] = {v: [] for v in nodes}
        for a, b in edges:
            adj[a].append(b)
            adj[b].append(a)
        order = {v: i for i, v in enumerate(nodes)}
        for v in nodes:
            adj[v].sort(key=order.__getitem__)
        comps = _components(nodes, adj)

        form = theme["edge"][style]
        edge_text = ", ".join(form.format(a=a, b=b) for a, b in edges)
        intro = theme["intro"][intro_i].format(nodes=", ".join(nodes), edges=edge_text)
        use_bfs = bfs < 6
        if ask_kind:
            where = {v: i for i, c in enumerate(comps) for v in c}
            u = rng.choice(nodes)
            same = [v for v in comps[where[u]] if v != u]
            other = [v for v in nodes if where[v] != where[u]]
            v = rng.choice(same if same and (not other or side) else other)
            ask = theme["connected"][ask_i].format(u=u, v=v)
            yes = where[u] == where[v]
            answer = "yes" if yes else "no"
            if use_bfs:
                lines = self._bfs_connected((opening, narr, closing % 2), u, v, adj, yes)
            else:
                lines = self._union_find(opening, nodes, edges)
                where_now = "in the same group" if yes else "in different groups"
                lines.append(f"{u} and {v} are {where_now}, so the answer is {answer}.")
            check = {"kind": "connected", "u": u, "v": v}
        else:
            ask = theme["count"][ask_i]
            count = len(comps)
            answer = str(count)
            if use_bfs:
                lines = self._bfs_count((opening, narr, closing), nodes, adj)
            else:
                lines = self._union_find(opening, nodes, edges)
                lines.append(f"That makes {count} group{'s' if count != 1 else ''} in all.")
            check = {"kind": "count"}
        check.update(nodes=nodes, edges=[list(e) for e in edges], components=comps)
        return Task(f"{intro}\n{ask}", answer, "\n".join(lines), check)

    @staticmethod
    def _bfs_connected(wording: tuple[int, int, int], u: str, v: str,
                       adj: dict[str, list[str]], yes: bool) -> list[str]:
        opening, narr, closing = wording
        lines = [(f"Search breadth-first from {u}, stopping if {v} turns up.",
                  f"Run a BFS starting at {u} and see whether it reaches {v}.",
                  f"Explore outward from {u} (breadth-first).")[opening]]
        body, comp = _bfs_lines(narr, u, adj, set(), stop=v if yes else None)
        lines += body
        if yes:
            lines.append(f"{v} has been reached, so yes, they are connected." if closing else
                         f"The search reaches {v}: they are in the same component.")
        elif closing:
            lines.append(f"The search stops with {_set(comp)}; {v} is not in it, so they are "
                         "not connected.")
        else:
            lines.append(f"Everything reachable from {u} is {_set(comp)}, which does not "
                         f"include {v}, so no.")
        return lines

    @staticmethod
    def _bfs_count(wording: tuple[int, int, int], nodes: list[str],
                   adj: dict[str, list[str]]) -> list[str]:
        opening, narr, closing = wording
        lines = [("Go through the nodes in order; each one not yet visited starts a new "
                  "breadth-first search, i.e. a new component.",
                  "Count components by repeated BFS: start from any unvisited node, mark "
                  "everything it reaches, repeat.",
                  "Label components with breadth-first search.")[opening]]
        seen: set[str] = set()
        count = 0
        for s in nodes:
            if s in seen:
                continue
            count += 1
            body, comp = _bfs_lines(narr, s, adj, seen)
            if len(comp) == 1:
                lines.append(f"Component {count}: {s} alone (no edges).")
            else:
                lines.append(f"Component {count}, from {s}:")
                lines += ["  " + b for b in body]
                lines.append(f"  → {_set(comp)}")
        many = "s" if count != 1 else ""
        lines.append((f"Every node is now visited: {count} component{many}.",
                      f"So the graph has {count} connected component{many}.",
                      f"In total {count} component{many}.")[closing])
        return lines

    @staticmethod
    def _union_find(opening: int, nodes: list[str],
                    edges: list[tuple[str, str]]) -> list[str]:
        lines = [("Use union-find: start with every node in its own group and merge the groups "
                  "of each edge's ends.",
                  "Merge groups edge by edge (union-find), starting from singletons.",
                  "Process the edges one at a time, joining the groups they link.")[opening]]
        group = {v: [v] for v in nodes}
        order = {v: i for i, v in enumerate(nodes)}
        for a, b in edges:
            ga, gb = group[a], group[b]
            if ga is gb:
                lines.append(f"{a}–{b}: already in the same group.")
                continue
            merged = sorted(ga + gb, key=order.__getitem__)
            for x in merged:
                group[x] = merged
            lines.append(f"{a}–{b}: merge into {_set(merged)}.")
        seen: set[int] = set()
        groups = []
        for v in nodes:
            g = group[v]
            if id(g) not in seen:
                seen.add(id(g))
                groups.append(g)
        lines.append("Final groups: " + ", ".join(_set(g) for g in groups) + ".")
        return lines

    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        if task.check.get("kind", "count" if task.answer[:1].isdigit() else "connected") \
                == "count":
            return 1.0 if same_number(answer, task.answer) else 0.0
        got = _yes_no(answer)
        return 1.0 if got is not None and got == (task.answer == "yes") else 0.0

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        if task.answer in ("yes", "no"):
            return ["no" if task.answer == "yes" else "yes", "maybe"]
        return perturb(task.answer, "number", rng)


def _yes_no(text: str) -> bool | None:
    s = re.sub(r"[^\w\s]", " ", norm_text(text))
    s = " ".join(s.split())
    if s in YES:
        return True
    if s in NO:
        return False
    first = s.split(" ", 1)[0] if s else ""
    return {"yes": True, "no": False}.get(first)
