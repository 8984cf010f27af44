"""Group D task families checked against independent solvers: shortest paths against
Floyd-Warshall and brute-force path enumeration, connectivity against union-find, the
topological-order verifier against every permutation of small DAGs, and the JSON
extraction scorer against reformatted and damaged answers."""

from __future__ import annotations

import itertools
import json

import pytest

from synthforge import registry
from synthforge.generate.procedural.base import Family, Task, families
from synthforge.stage import Context

registry.ensure_loaded()
FAMILIES = families()


def build(name: str, level: int, seed: int = 11) -> Family:
    cls = FAMILIES[name]
    return cls(cls.Config(difficulty=level), Context(seed=seed), name)


def tasks(name: str, level: int, n: int, seed: int = 11):
    cls = FAMILIES[name]
    gen = build(name, level, seed)
    for k in range(n):
        data, meta = gen.generate(k)
        yield data, cls.task(data, meta)


# ---- shortest_path ---------------------------------------------------------------------------

def floyd_warshall(check: dict) -> dict[tuple[str, str], float]:
    nodes = check["nodes"]
    inf = float("inf")
    dist = {(a, b): 0 if a == b else inf for a in nodes for b in nodes}
    for a, b, w in check["edges"]:
        dist[a, b] = min(dist[a, b], w)
        if not check["directed"]:
            dist[b, a] = min(dist[b, a], w)
    for k in nodes:
        for i in nodes:
            dik = dist[i, k]
            if dik == inf:
                continue
            for j in nodes:
                if dik + dist[k, j] < dist[i, j]:
                    dist[i, j] = dik + dist[k, j]
    return dist


def brute_force(check: dict) -> float:
    """The cheapest simple path from source to target, by trying every one."""
    adj: dict[str, list[tuple[str, int]]] = {v: [] for v in check["nodes"]}
    for a, b, w in check["edges"]:
        adj[a].append((b, w))
        if not check["directed"]:
            adj[b].append((a, w))
    best = float("inf")

    def walk(u: str, cost: int, seen: set[str]) -> None:
        nonlocal best
        if u == check["target"]:
            best = min(best, cost)
            return
        for v, w in adj[u]:
            if v not in seen:
                walk(v, cost + w, seen | {v})

    walk(check["source"], 0, {check["source"]})
    return best


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_shortest_path_matches_floyd_warshall(level):
    cls = FAMILIES["shortest_path"]
    for data, task in tasks("shortest_path", level, 300):
        check = task.check
        dist = floyd_warshall(check)
        assert int(task.answer) == dist[check["source"], check["target"]], data
        if level <= 3:
            assert int(task.answer) == brute_force(check), data
        assert check["directed"] == (level >= 4)
        assert check["source"] != check["target"]
        # every edge is in the question, and the stated path is a real path of that cost
        for a, b, w in check["edges"]:
            assert a in data["question"] and b in data["question"] and str(w) in data["question"]
        path = check["path"]
        assert cls.score(" → ".join(path), task) == 1.0
        assert cls.score(f"{task.answer} km" if "km" in data["question"] else task.answer,
                         task) == 1.0
        assert " → ".join(path) in data["solution"]


def test_shortest_path_rejects_bad_paths():
    cls = FAMILIES["shortest_path"]
    check = {"nodes": ["A", "B", "C", "D"], "directed": False, "source": "A", "target": "D",
             "edges": [["A", "B", 1], ["B", "D", 1], ["A", "C", 1], ["C", "D", 5],
                       ["A", "D", 9]], "path": ["A", "B", "D"]}
    task = Task("q", "2", "s", check)
    assert cls.score("2", task) == cls.score("A-B-D", task) == cls.score("A, B, D", task) == 1.0
    assert cls.score("A → C → D", task) == 0.0  # a path, but not a shortest one
    assert cls.score("A → D", task) == 0.0
    assert cls.score("A → B → C → D", task) == 0.0  # B-C is no edge
    assert cls.score("B → D", task) == 0.0  # wrong start
    assert cls.score("3", task) == 0.0 and cls.score("", task) == 0.0
    backwards = dict(check, directed=True, source="D", target="A")
    assert cls.score("D → B → A", Task("q", "2", "s", backwards)) == 0.0


# ---- graph_connectivity ----------------------------------------------------------------------

def union_find(check: dict) -> dict[str, str]:
    parent = {v: v for v in check["nodes"]}

    def root(v: str) -> str:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for a, b in check["edges"]:
        parent[root(a)] = root(b)
    return {v: root(v) for v in check["nodes"]}


@pytest.mark.parametrize("level", [1, 3, 5])
def test_graph_connectivity_matches_union_find(level):
    cls = FAMILIES["graph_connectivity"]
    kinds = set()
    answers = set()
    for _data, task in tasks("graph_connectivity", level, 400):
        check = task.check
        roots = union_find(check)
        kinds.add(check["kind"])
        answers.add(task.answer)
        if check["kind"] == "count":
            assert int(task.answer) == len(set(roots.values()))
        else:
            same = roots[check["u"]] == roots[check["v"]]
            assert task.answer == ("yes" if same else "no")
            assert check["u"] != check["v"]
            right = "Yes, they are connected." if same else "No."
            wrong = "no" if same else "yes"
            assert cls.score(right, task) == 1.0 and cls.score(wrong, task) == 0.0
    assert kinds == {"count", "connected"} and {"yes", "no"} <= answers


# ---- topological_order -----------------------------------------------------------------------

def is_valid(order, tasks_, edges) -> bool:
    pos = {t: i for i, t in enumerate(order)}
    return sorted(order) == sorted(tasks_) and all(pos[a] < pos[b] for a, b in edges)


def test_topological_verifier_accepts_exactly_the_valid_orders():
    cls = FAMILIES["topological_order"]
    tasks_ = ["A", "B", "C", "D", "E"]
    edges = [["A", "C"], ["B", "C"], ["C", "E"], ["B", "D"]]
    task = Task("q", "A, B, C, D, E", "s", {"tasks": tasks_, "edges": edges})
    valid = 0
    for perm in itertools.permutations(tasks_):
        expected = 1.0 if is_valid(perm, tasks_, edges) else 0.0
        valid += expected == 1.0
        assert cls.score(", ".join(perm), task) == expected, perm
        assert cls.score(json.dumps(list(perm)), task) == expected, perm
        assert cls.score(" -> ".join(perm), task) == expected, perm
    assert valid == 7  # A, B (either order) before C before E; D anywhere after B
    for bad in ("A, B, C, D", "A, B, C, D, E, E", "A, B, C, D, E, F", "A, B, B, D, E", ""):
        assert cls.score(bad, task) == 0.0, bad
    assert cls.score("1. A\n2. B\n3. D\n4. C\n5. E", task) == 1.0
    assert cls.score("a, b, c, d, e", task) == 1.0


@pytest.mark.parametrize("level", [1, 2, 3])
def test_generated_dags_every_valid_order_scores_one(level):
    cls = FAMILIES["topological_order"]
    for _data, task in tasks("topological_order", level, {1: 60, 2: 40, 3: 12}[level]):
        tasks_, edges = task.check["tasks"], task.check["edges"]
        valid = {p for p in itertools.permutations(tasks_) if is_valid(p, tasks_, edges)}
        assert list(min(valid)) == task.answer.split(", ")  # canonical: smallest valid
        for perm in itertools.permutations(tasks_):
            assert cls.score(", ".join(perm), task) == (1.0 if perm in valid else 0.0)


# ---- extract_json ----------------------------------------------------------------------------

def _reformat(obj):
    """The same object with keys reversed and values in other accepted forms."""
    if isinstance(obj, dict):
        return {k: _reformat(obj[k]) for k in reversed(list(obj))}
    if isinstance(obj, str) and len(obj) == 10 and obj[4] == "-" and obj[7] == "-":
        y, m, d = obj.split("-")
        months = ["January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December"]
        return f"{months[int(m) - 1]} {int(d)}, {y}"
    if isinstance(obj, str):
        return f"  {obj.upper()} "
    if isinstance(obj, bool):
        return obj
    if isinstance(obj, int | float):
        return str(obj)
    if isinstance(obj, list):
        return list(reversed(obj))
    return obj


@pytest.mark.parametrize("level", [1, 3, 5])
def test_extract_json_accepts_reformatted_answers(level):
    cls = FAMILIES["extract_json"]
    for data, task in tasks("extract_json", level, 300):
        obj = json.loads(task.answer)
        assert list(obj) == sorted(obj)
        pretty = json.dumps(obj, indent=2, ensure_ascii=False)
        assert cls.score(f"```json\n{pretty}\n```", task) == 1.0
        assert cls.score(f"Here it is:\n{pretty}\nDone.", task) == 1.0
        again = json.dumps(_reformat(obj), ensure_ascii=False)
        assert cls.score(again, task) == 1.0, (again, data["answer"])
        # every value stated in the text, or derivable from it
        fields = task.check["fields"]
        assert len(fields) == {1: 3, 3: 5, 5: 7}[level]
        if level == 5:
            assert any("." in path for path in fields)
            assert any(isinstance(v, dict) for v in obj.values())


def test_extract_json_scores_field_by_field():
    cls = FAMILIES["extract_json"]
    check = {"fields": {"name": ["str", "Maria Lopez"], "event_date": ["date", "2025-03-14"],
                        "price": ["num", 49.99], "start_time": ["time", "19:30"],
                        "remote": ["bool", False], "contact.phone": ["phone", "415-555-0132"]}}
    answer = ('{"contact":{"phone":"415-555-0132"},"event_date":"2025-03-14",'
              '"name":"Maria Lopez","price":49.99,"remote":false,"start_time":"19:30"}')
    task = Task("q", answer, "s", check)
    assert cls.score(answer, task) == 1.0
    loose = ('{"start_time": "7:30 PM", "price": "$49.99", "name": "maria  lopez", '
             '"remote": "no", "event_date": "Friday, 14 March 2025", '
             '"contact": {"phone": "(415) 555-0132"}}')
    assert cls.score(loose, task) == 1.0
    wrong_date = answer.replace("2025-03-14", "2025-03-13")
    assert cls.score(wrong_date, task) == pytest.approx(5 / 6)
    wrong_two = answer.replace("49.99", "59.99").replace("Maria", "Mario")
    assert cls.score(wrong_two, task) == pytest.approx(4 / 6)
    flat_phone = answer.replace('"contact":{"phone":"415-555-0132"},', "")
    assert cls.score(flat_phone, task) == pytest.approx(5 / 6)
    assert cls.score("not json", task) == 0.0
    assert cls.score("[1, 2]", task) == 0.0
    assert cls.score(answer[:-1], task) == 0.0


def test_extract_json_texts_state_their_answers():
    """Strings of the answer appear in the text; kinds and distractors all occur."""
    cls = FAMILIES["extract_json"]
    docs = set()
    for data, task in tasks("extract_json", 4, 400):
        question = data["question"]
        docs.add(next(d for d in ("staff profile", "order confirmation", "event announcement",
                                  "job posting", "product listing", "booking confirmation",
                                  "property listing") if d in question))
        for kind, value in task.check["fields"].values():
            if kind in ("str", "code", "email"):
                assert value.casefold() in question.casefold(), (value, question)
        assert cls.score(task.answer, task) == 1.0
    assert len(docs) == 7


def test_extract_json_reads_fenced_multiline_final_answers():
    cls = FAMILIES["extract_json"]
    data, task = next(iter(tasks("extract_json", 3, 1)))
    pretty = json.dumps(json.loads(task.answer), indent=2)
    for response in (data["response"], f"work...\nAnswer:\n```json\n{pretty}\n```",
                     f"work...\nFinal answer: {pretty}\n", f"```json\n{pretty}\n```"):
        assert cls.score(cls.extract(response), task) == 1.0, response
