"""Shortest paths in weighted graphs, found with Dijkstra's algorithm step by step."""

from __future__ import annotations

import heapq
import random
import re
from collections.abc import Callable, Sequence
from itertools import pairwise, product
from string import Formatter
from typing import Any, TypeVar

from synthforge.generate.procedural.answers import norm_text, perturb, same_number
from synthforge.generate.procedural.base import Family, Task, family

T = TypeVar("T")


_REFILLS: dict[tuple[int, int], frozenset[int]] = {}


def _refills(n: int, k: int) -> frozenset[int]:
    """The steps of a k-step partial shuffle of n items that start a fresh 64-bit draw: a
    draw serves while 2**20 times the next width is left of it (bias under 2**-20)."""
    steps = _REFILLS.get((n, k))
    if steps is None:
        out, room = set(), 0
        for i in range(k):
            if room < (n - i) << 20:
                out.add(i)
                room = 1 << 64
            room //= n - i
        steps = _REFILLS[(n, k)] = frozenset(out)
    return steps


def _sample(rng: random.Random, seq: Sequence[T], k: int) -> list[T]:
    """k distinct items of seq in random order (a partial Fisher-Yates shuffle whose
    positions are cut from 64-bit draws, several per draw; bias under 2**-20)."""
    pool = list(seq)
    n = len(pool)
    refill = _refills(n, k)
    bits = 0
    for i in range(k):
        if i in refill:
            bits = rng.getrandbits(64)
        width = n - i
        j = i + bits % width
        bits //= width
        pool[i], pool[j] = pool[j], pool[i]
    if k < n:
        del pool[k:]
    return pool


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


def _compile(template: str, names: str) -> Callable[..., str]:
    """A template such as "{a} – {b} (weight {w})" as a function of its fields (positional,
    in the order of `names`): calling it is several times cheaper than str.format. The
    templates are this module's constants, with plain fields only."""
    fields = {field for _, field, spec, conv in Formatter().parse(template)
              if field is not None and not spec and not conv}
    if not fields <= set(names.split(", ")) or "{{" in template or "}}" in template:
        raise ValueError(f"not a plain template over {names}: {template!r}")
    return eval(f"lambda {names}: f{template!r}")


def _capital(template: str) -> str:
    """The template with its first letter capitalized (node names already are)."""
    return template[0].upper() + template[1:]


# by theme, then directed: each edge wording as (plain, capitalized for a bulleted list)
_FORMS = {name: {directed: tuple((_compile(t, "a, b, w"), _compile(_capital(t), "a, b, w"))
                                 for t in theme["arc" if directed else "edge"])
                 for directed in (False, True)} for name, theme in THEMES.items()}
_ASKS = {name: tuple(_compile(t, "s, t") for t in theme["ask"])
         for name, theme in THEMES.items()}
_SETTLE = tuple(_compile(t, "u, d") for t in SETTLE)
_BETTER = tuple(_compile("  " + t, "u, v, d, w, n, old") for t in BETTER)
_WORSE = tuple(_compile("  " + t, "u, v, d, w, n, old") for t in WORSE)


_TEXTS = tuple(str(i) for i in range(1000))  # weights as text
# the small choices of an item, each combination once: (theme, contiguous letters, edge
# wording, intro, bullets, question, rooted at the tree's root) and (settle, relax, opening,
# closing) wordings
_CHOICES = tuple(product(range(4), range(2), range(3), range(3), range(2), range(3), range(2)))
_WORDINGS = tuple(product(range(4), range(3), range(3), range(3)))
Adjacency = list[list[tuple[int, int, str]]]  # by node: (neighbour, weight, weight's text)


def _hops(adj: Adjacency, source: int) -> list[int]:
    """Fewest edges from source to each node (-1: unreachable)."""
    hops = [-1] * len(adj)
    hops[source] = 0
    frontier = [source]
    h = 0
    while frontier:
        h += 1
        nxt = []
        for u in frontier:
            for edge in adj[u]:
                v = edge[0]
                if hops[v] < 0:
                    hops[v] = h
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
        # every choice of wording, the sizes and the first letter from one draw
        bits, x = divmod(rng.getrandbits(64), len(_CHOICES))
        t, contiguous, style, head_i, bullets, ask_i, rooted = _CHOICES[x]
        wording, n, extra, start = _digits(bits, len(_WORDINGS), n_hi - n_lo + 1,
                                           e_hi - e_lo + 1, 32)
        theme_name = THEME_NAMES[t]
        theme = THEMES[theme_name]
        scale = theme.get("scale", 1)
        n += n_lo
        extra += e_lo
        if theme["ordered"] and contiguous:
            start %= len(LETTERS) - n + 1
            nodes = list(LETTERS[start:start + n])
            order = _sample(rng, nodes, n)
        else:
            nodes = _sample(rng, theme["names"], n)
            order = nodes
        # the graph over node numbers (positions in `order`): a spanning tree (arcs away from
        # node 0 when directed), then extra edges; parents, ends and weights are digits cut
        # from few draws
        edges: list[tuple[int, int, int]] = []
        taken = set()  # a * 32 + b for each edge a-b (and b-a when undirected)
        per = 44 // (n * w_max).bit_length()  # (parent, weight) choices a draw serves
        left = 0
        bits = 0
        for i in range(1, n):
            if not left:
                bits, left = rng.getrandbits(64), per
            left -= 1
            x = bits % (i * w_max)
            bits //= i * w_max
            a = x // w_max
            edges.append((a, i, (x % w_max + 1) * scale))
            taken.add(a * 32 + i)
            if not directed:
                taken.add(i * 32 + a)
        tries = 0
        size = n * (n - 1) * w_max
        per = 44 // size.bit_length()  # (end, end, weight) choices a draw serves
        left = 0
        while extra and tries < 200:
            tries += 1
            if not left:
                bits, left = rng.getrandbits(64), per
            left -= 1
            x = bits % size
            bits //= size
            x, w = divmod(x, w_max)
            a, b = divmod(x, n - 1)
            b += b >= a
            if a * 32 + b in taken:
                continue
            taken.add(a * 32 + b)
            if not directed:
                taken.add(b * 32 + a)
            edges.append((a, b, (w + 1) * scale))
            extra -= 1
        # list the edges in random order (a Fisher-Yates shuffle as they are listed: the tree
        # does not come first), building the adjacency lists on the way
        adj: Adjacency = [[] for _ in range(n)]
        forms = _FORMS[theme_name][directed][style]
        form = forms[1] if bullets else forms[0]
        listed = []
        m = len(edges)
        refill = _refills(m, m)
        for i in range(m):
            if i in refill:
                bits = rng.getrandbits(64)
            j = i + bits % (m - i)
            bits //= m - i
            edge = edges[j]
            edges[j] = edges[i]
            edges[i] = edge
            a, b, w = edge
            text = _TEXTS[w] if w < 1000 else str(w)
            adj[a].append((b, w, text))
            if not directed:
                adj[b].append((a, w, text))
            listed.append(form(order[a], order[b], text))
        # a source that reaches something, and a target at least two hops away where possible
        bits = rng.getrandbits(64)
        bits, source = divmod(bits, n)
        if directed and rooted:
            source = 0
        if not directed or source == 0:  # every node is reachable: skip the search
            near = {edge[0] for edge in adj[source]}
            far = [v for v in range(n) if v != source and v not in near] or [
                v for v in range(n) if v != source]
        else:
            hops = _hops(adj, source)
            while hops.count(-1) > n - 2:  # it reaches nothing: another source
                source = rng.randrange(n)
                hops = _hops(adj, source)
            far = [v for v in range(n) if hops[v] >= 2] or [
                v for v in range(n) if hops[v] > 0]
        target = far[bits % len(far)]

        solution, cost, path = self._work(wording, adj, order, source, target, theme["unit"])
        head = theme["intro"][head_i].format(kind="directed" if directed else "undirected")
        body = (head + "\n- " + "\n- ".join(listed)) if bullets else \
            f"{head} {'; '.join(listed)}."
        question = body + "\n" + _ASKS[theme_name][ask_i](order[source], order[target])
        check = {"nodes": nodes, "edges": [[order[a], order[b], w] for a, b, w in edges],
                 "directed": directed, "source": order[source], "target": order[target],
                 "path": path}
        return Task(question, str(cost), solution, check)

    @staticmethod
    def _work(wording: int, adj: Adjacency, names: list[str], source: int, target: int,
              unit: str) -> tuple[str, int, list[str]]:
        s_i, relax, first, last = _WORDINGS[wording]
        settle, better, worse = _SETTLE[s_i], _BETTER[relax], _WORSE[relax]
        start, goal = names[source], names[target]
        if first == 0:
            opening = (f"Run Dijkstra's algorithm from {start}: dist({start}) = 0, every "
                       "other node starts at ∞.")
        elif first == 1:
            opening = (f"Use Dijkstra's algorithm. Start with {start} at distance 0 and all "
                       "other nodes at infinity.")
        else:
            opening = f"Dijkstra from {start}: initially only {start} has a known distance, 0."
        lines = [opening]
        n = len(adj)
        dist: list[int | None] = [None] * n
        dist[source] = 0
        prev: list[tuple[int, str]] = [(0, "")] * n  # (predecessor, weight's text)
        heap = [(0, source)]
        done = [False] * n
        while heap:
            d, u = heapq.heappop(heap)
            if done[u]:
                continue
            done[u] = True
            sd = str(d)
            name = names[u]
            lines.append(settle(name, sd))
            if u == target:
                break
            for v, w, sw in adj[u]:
                if done[v]:
                    continue
                new = d + w
                old = dist[v]
                if old is None or new < old:
                    lines.append(better(name, names[v], sd, sw, new,
                                        "∞" if old is None else old))
                    dist[v] = new
                    prev[v] = (u, sw)
                    heapq.heappush(heap, (new, v))
                else:
                    lines.append(worse(name, names[v], sd, sw, new, old))
        cost = d
        path = [goal]
        weights = []
        v = target
        while v != source:
            v, sw = prev[v]
            path.append(names[v])
            weights.append(sw)
        path.reverse()
        weights.reverse()
        route = " → ".join(path)
        sums = f"{' + '.join(weights)} = {cost}" if len(weights) > 1 else str(cost)
        if last == 0:
            lines.append(f"{goal} is settled, so its distance {cost} is the shortest. "
                         f"Following the predecessors back gives the path {route}, costing "
                         f"{sums}{unit}.")
        elif last == 1:
            lines.append(f"Once {goal} is settled its distance is final: {cost}. The path is "
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
