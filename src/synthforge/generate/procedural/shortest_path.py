"""Shortest paths in weighted graphs, found with Dijkstra's algorithm step by step."""

from __future__ import annotations

import heapq
import random
import re
from collections.abc import Sequence
from itertools import pairwise
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
CITIES = ("Ashford", "Bexley", "Carlow", "Dunmore", "Elston", "Fairview", "Glenwood", "Harlow",
          "Ironbridge", "Jarrow", "Kingsley", "Linton", "Marlow", "Newport", "Oakham", "Penrith",
          "Quarry", "Redhill", "Selby", "Thornton", "Upton", "Velden", "Westbury", "Yarmouth",
          "Alder", "Brampton", "Cromer", "Denby", "Epping", "Frome", "Garston", "Hexham")
STATIONS = ("Central", "Harbour", "Museum", "Parkside", "Riverside", "Market", "Cathedral",
            "University", "Stadium", "Airport", "Docklands", "Hillcrest", "Oldtown", "Lakeside",
            "Northgate", "Southgate", "Eastfield", "Westfield", "Library", "Greenway",
            "Castle", "Exchange", "Foundry", "Meadow")
AIRPORTS = ("ATL", "BOS", "CDG", "DEN", "DXB", "FRA", "HND", "IST", "JFK", "LAX", "LHR", "MAD",
            "MEX", "MIA", "NRT", "ORD", "PEK", "SEA", "SFO", "SIN", "SYD", "YYZ", "ZRH", "AMS")

# by level: nodes (min, max), extra edges beyond a spanning tree (min, max), largest weight,
# whether edges are one-way
LEVELS = {1: ((4, 5), (1, 2), 9, False), 2: ((5, 6), (2, 3), 12, False),
          3: ((6, 8), (3, 5), 20, False), 4: ((7, 9), (4, 6), 20, True),
          5: ((9, 12), (6, 9), 30, True)}

# theme: (names, unit, undirected edge, directed edge, question openers)
THEMES: dict[str, dict[str, Any]] = {
    "graph": {
        "names": LETTERS, "unit": "",
        "edge": ("{a} – {b} (weight {w})", "{a}-{b}: {w}", "{a} — {b}, weight {w}"),
        "arc": ("{a} → {b} (weight {w})", "{a} -> {b}: {w}", "{a} → {b}, weight {w}"),
        "intro": ("A weighted {kind} graph has these edges:",
                  "Consider the weighted {kind} graph with edges",
                  "The edges of a weighted {kind} graph are listed below."),
        "ask": ("What is the cost of the shortest path from {s} to {t}?",
                "Find the length of a shortest path from {s} to {t}.",
                "What is the minimum total weight of a path from {s} to {t}?"),
        "ordered": True},
    "roads": {
        "names": CITIES, "unit": " km",
        "edge": ("a {w} km road joins {a} and {b}", "{a} and {b} are {w} km apart by road",
                 "the road between {a} and {b} is {w} km long"),
        "arc": ("a one-way road runs {w} km from {a} to {b}",
                "from {a} you can drive one way to {b} ({w} km)",
                "the one-way road {a} → {b} is {w} km long"),
        "intro": ("Road map:", "Here are the roads in a region:",
                  "A courier has this road network:"),
        "ask": ("What is the shortest driving distance, in km, from {s} to {t}?",
                "How many kilometres is the shortest route from {s} to {t}?",
                "Find the length of the shortest route from {s} to {t} in km."),
        "ordered": False},
    "metro": {
        "names": STATIONS, "unit": " min",
        "edge": ("{a} to {b} takes {w} minutes (either way)", "{a} — {b}: {w} min",
                 "trains between {a} and {b} take {w} minutes"),
        "arc": ("a train runs only from {a} to {b}, taking {w} minutes",
                "{a} → {b}: {w} min (one direction only)",
                "the line from {a} to {b} (one way) takes {w} minutes"),
        "intro": ("A metro system has these connections:", "Travel times on a tram network:",
                  "The links of a city's transit network are:"),
        "ask": ("What is the fastest travel time, in minutes, from {s} to {t}?",
                "How many minutes does the quickest trip from {s} to {t} take?",
                "Ignoring waiting times, what is the minimum time from {s} to {t}?"),
        "ordered": False},
    "flights": {
        "names": AIRPORTS, "unit": " dollars", "scale": 10,
        "edge": ("{a} ↔ {b}: ${w}", "flights between {a} and {b} cost ${w} each way",
                 "{a}–{b} costs ${w} in either direction"),
        "arc": ("{a} → {b}: ${w}", "a flight from {a} to {b} costs ${w}",
                "there is a one-way fare of ${w} from {a} to {b}"),
        "intro": ("Available flights and fares:", "An airline sells these routes:",
                  "Here is a fare table:"),
        "ask": ("What is the cheapest total fare, in dollars, from {s} to {t}?",
                "What is the lowest total price to fly from {s} to {t}, in dollars?",
                "Connecting as needed, how much does the cheapest trip from {s} to {t} cost?"),
        "ordered": False},
}
THEME_NAMES = tuple(THEMES)

SETTLE = ("Settle {u} with distance {d}.", "The closest unsettled node is {u} at {d}; settle it.",
          "Next, {u} has the smallest tentative distance ({d}), so it is final.",
          "Take {u} (distance {d}) off the queue; its distance is now fixed.")
BETTER = ("{u} → {v}: {d} + {w} = {n}, better than {old}; set dist({v}) to {n} via {u}.",
          "via {u}, {v} costs {d} + {w} = {n} < {old}, so update {v} to {n}.",
          "relax the edge {u}→{v}: {d} + {w} = {n}, which beats {old}; {v} becomes {n}.")
WORSE = ("{u} → {v}: {d} + {w} = {n}, not better than {old}; keep {old}.",
         "via {u}, {v} would cost {d} + {w} = {n}, but {old} is at least as good; no change.",
         "relax the edge {u}→{v}: {d} + {w} = {n} does not beat {old}.")
_UNIT = re.compile(r"\s*(?:km|kilomet(?:er|re)s?|mins?|minutes?|units?)\.?\s*$", re.I)
_SPLIT = re.compile(r"\s*(?:->|→|=>|⟶|↔|,|;|–|—|-)\s*")


def _hops(adj: dict[str, list[tuple[str, int]]], source: str) -> dict[str, int]:
    """Fewest edges from source to each reachable node."""
    hops = {source: 0}
    frontier = [source]
    while frontier:
        nxt = []
        for u in frontier:
            for v, _ in adj[u]:
                if v not in hops:
                    hops[v] = hops[u] + 1
                    nxt.append(v)
        frontier = nxt
    return hops


@family("shortest_path")
class ShortestPath(Family):
    """The cost of a shortest path between two nodes of a weighted (directed at levels 4-5)
    graph, worked with Dijkstra's algorithm; a path of minimum cost is also accepted."""

    domain = "graphs"
    skills = ("shortest paths", "dijkstra's algorithm", "graph reading")
    answer_kind = "number"

    def make(self, rng: random.Random, level: int) -> Task:
        (n_lo, n_hi), (e_lo, e_hi), w_max, directed = LEVELS[level]
        # every choice of wording from one draw
        t, contiguous, style, head_i, bullets, ask_i, rooted, wording = _digits(
            rng.getrandbits(64), 4, 2, 3, 3, 2, 3, 2, 108)
        theme = THEMES[THEME_NAMES[t]]
        scale = theme.get("scale", 1)
        n = rng.randint(n_lo, n_hi)
        if theme["ordered"] and contiguous:
            start = rng.randrange(len(LETTERS) - n + 1)
            nodes = list(LETTERS[start:start + n])
            order = _sample(rng, nodes, n)
        else:
            nodes = _sample(rng, theme["names"], n)
            order = nodes
        # a spanning tree (arcs away from order[0] when directed), then extra edges
        pairs: dict[tuple[str, str], int] = {}
        for i in range(1, n):
            pairs[(order[rng.randrange(i)], order[i])] = rng.randint(1, w_max) * scale
        extra = rng.randint(e_lo, e_hi)
        tries = 0
        while extra and tries < 200:
            tries += 1
            i, j = rng.randrange(n), rng.randrange(n - 1)
            a, b = nodes[i], nodes[j + (j >= i)]
            if (a, b) in pairs or (not directed and (b, a) in pairs):
                continue
            pairs[(a, b)] = rng.randint(1, w_max) * scale
            extra -= 1
        edges = _sample(rng, list(pairs.items()), len(pairs))
        adj: dict[str, list[tuple[str, int]]] = {v: [] for v in nodes}
        for (a, b), w in edges:
            adj[a].append((b, w))
            if not directed:
                adj[b].append((a, w))
        for v in nodes:
            adj[v].sort()
        # a source that reaches something, and a target at least two hops away where possible
        source = order[0] if directed and rooted else rng.choice(nodes)
        hops = _hops(adj, source)
        while len(hops) < 2:
            source = rng.choice(nodes)
            hops = _hops(adj, source)
        far = [v for v, h in hops.items() if h >= 2] or [v for v in hops if v != source]
        target = rng.choice(sorted(far))

        solution, cost, path = self._work(wording, adj, source, target, theme["unit"])
        form = theme["arc" if directed else "edge"][style]
        listed = [form.format(a=a, b=b, w=w) for (a, b), w in edges]
        head = theme["intro"][head_i].format(kind="directed" if directed else "undirected")
        if bullets:
            body = head + "\n" + "\n".join(f"- {e[0].upper()}{e[1:]}" for e in listed)
        else:
            body = f"{head} {'; '.join(listed)}."
        question = body + "\n" + theme["ask"][ask_i].format(s=source, t=target)
        check = {"nodes": nodes, "edges": [[a, b, w] for (a, b), w in edges],
                 "directed": directed, "source": source, "target": target, "path": path}
        return Task(question, str(cost), solution, check)

    @staticmethod
    def _work(wording: int, adj: dict[str, list[tuple[str, int]]], source: str,
              target: str, unit: str) -> tuple[str, int, list[str]]:
        s_i, relax, first, last = _digits(wording, 4, 3, 3, 3)
        settle, better, worse = SETTLE[s_i], BETTER[relax], WORSE[relax]
        if first == 0:
            opening = (f"Run Dijkstra's algorithm from {source}: dist({source}) = 0, every "
                       "other node starts at ∞.")
        elif first == 1:
            opening = (f"Use Dijkstra's algorithm. Start with {source} at distance 0 and all "
                       "other nodes at infinity.")
        else:
            opening = f"Dijkstra from {source}: initially only {source} has a known distance, 0."
        lines = [opening]
        dist = {source: 0}
        prev: dict[str, str] = {}
        heap = [(0, source)]
        done: set[str] = set()
        while heap:
            d, u = heapq.heappop(heap)
            if u in done:
                continue
            done.add(u)
            lines.append(settle.format(u=u, d=d))
            if u == target:
                break
            for v, w in adj[u]:
                if v in done:
                    continue
                new = d + w
                old = dist.get(v)
                if old is None or new < old:
                    lines.append("  " + better.format(u=u, v=v, d=d, w=w, n=new,
                                                      old="∞" if old is None else old))
                    dist[v] = new
                    prev[v] = u
                    heapq.heappush(heap, (new, v))
                else:
                    lines.append("  " + worse.format(u=u, v=v, d=d, w=w, n=new, old=old))
        cost = dist[target]
        path = [target]
        while path[-1] != source:
            path.append(prev[path[-1]])
        path.reverse()
        weights = [next(w for v, w in adj[a] if v == b) for a, b in pairwise(path)]
        route = " → ".join(path)
        total = " + ".join(map(str, weights))
        sums = f"{total} = {cost}" if len(weights) > 1 else str(cost)
        if last == 0:
            lines.append(f"{target} is settled, so its distance {cost} is the shortest. "
                         f"Following the predecessors back gives the path {route}, costing "
                         f"{sums}{unit}.")
        elif last == 1:
            lines.append(f"Once {target} is settled its distance is final: {cost}. The path is "
                         f"{route} ({sums}{unit}).")
        else:
            lines.append(f"The shortest route is {route}: {sums}{unit}.")
        return "\n".join(lines), cost, path

    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        if same_number(_UNIT.sub("", answer), task.answer):
            return 1.0
        path = _parse_path(answer, task.check)
        return 1.0 if path is not None and _cost(path, task.check) == int(task.answer) else 0.0

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        out = perturb(task.answer, "number", rng)
        check = task.check
        s, t = check.get("source"), check.get("target")
        if s and t and _cost([s, t], check) is None:
            out.append(f"{s} → {t}")
        return out


def _parse_path(answer: str, check: dict[str, Any]) -> list[str] | None:
    nodes = {norm_text(v): v for v in check.get("nodes", ())}
    if not nodes:
        return None
    parts = [p for p in _SPLIT.split(answer.strip()) if p]
    path = [nodes.get(norm_text(p)) for p in parts]
    if len(path) < 2 or any(p is None for p in path):
        return None
    if path[0] != check.get("source") or path[-1] != check.get("target"):
        return None
    return path  # type: ignore[return-value]


def _cost(path: list[str], check: dict[str, Any]) -> int | None:
    weights: dict[tuple[str, str], int] = {}
    for a, b, w in check.get("edges", ()):
        weights[(a, b)] = w
        if not check.get("directed"):
            weights[(b, a)] = w
    total = 0
    for a, b in pairwise(path):
        if (a, b) not in weights:
            return None
        total += weights[(a, b)]
    return total
