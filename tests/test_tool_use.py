"""The tool_use family: simulated tools, generated trajectories, the trajectory verifier and
export of tool-call conversations."""

from __future__ import annotations

import copy
import random
from fractions import Fraction
from typing import Any

import orjson
import pytest
from jsonschema import Draft202012Validator

from synthforge import registry
from synthforge.generate.procedural import tool_use
from synthforge.generate.procedural._tools import (
    SCHEMAS,
    TOOL_NAMES,
    Toolbox,
    ToolError,
    evaluate,
)
from synthforge.generate.procedural.answers import wrong_equations
from synthforge.generate.procedural.base import Task
from synthforge.generate.procedural.tool_use import (
    CALLS,
    Ambiguous,
    ToolUse,
    rounded,
    verify_trajectory,
)
from synthforge.stage import Context

registry.ensure_loaded()


def make(level: int | dict[str, Any] = 3, seed: int = 1, **params: Any) -> ToolUse:
    return ToolUse(ToolUse.Config(difficulty=level, **params), Context(seed=seed), "tool_use")


def item(level: int, k: int, seed: int = 1) -> tuple[dict[str, Any], Task]:
    data, meta = make(level, seed).generate(k)
    return data, ToolUse.task(data, meta)


def calls_of(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for m in messages if m["role"] == "assistant" for c in m.get("tool_calls") or []]


# ---- generated trajectories ---------------------------------------------------------------

@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_every_generated_trajectory_verifies(level):
    gen = make(level, seed=11)
    for k in range(800):
        data, meta = gen.generate(k)
        task = ToolUse.task(data, meta)
        messages = data["messages"]
        assert verify_trajectory(messages, data["tools"], task) == [], (k, data)
        low, high = CALLS[level]
        assert low <= len(calls_of(messages)) <= high
        assert messages[1] == {"role": "user", "content": data["question"]}
        assert messages[-1]["content"].endswith(f"\nAnswer: {data['answer']}")
        assert data["response"] == f"{data['solution']}\nAnswer: {data['answer']}"
        assert not wrong_equations(data["solution"]) and "trajectory" not in meta["check"]
        offered = {t["function"]["name"] for t in data["tools"]}
        assert {c["function"]["name"] for c in calls_of(messages)} <= offered


def test_items_are_distinct_and_deterministic():
    for level in (1, 3, 5):
        gen = make(level)
        questions = {gen.generate(k)[0]["question"] for k in range(2000)}
        assert len(questions) >= 0.99 * 2000, level
    assert make(4).generate(7) == make(4).generate(7)
    assert make(4).generate(7) != make(4, seed=2).generate(7)


def test_all_templates_appear_and_calls_chain_their_results():
    names = set()
    for level in range(1, 6):
        gen = make(level, seed=5)
        for k in range(300):
            data, _ = gen.generate(k)
            names.add(data["solution"])
    used = {line.split("(")[0].split(". ", 1)[1] for s in names for line in s.splitlines()
            if line[:1].isdigit() and ". " in line}
    assert used == set(TOOL_NAMES)
    assert sum(len(fns) for fns in tool_use.TEMPLATES.values()) >= 8
    assert len({fn for fns in tool_use.TEMPLATES.values() for fn in fns}) >= 8
    # a level-3 founding question: the calculator adds to the looked-up year, weekday takes it
    for k in range(200):
        data, _ = item(3, k)
        if "January 1" in data["question"]:
            year = orjson.loads(data["messages"][3]["content"])["value"]
            expression = orjson.loads(calls_of(data["messages"])[1]["function"]["arguments"])
            assert expression["expression"].startswith(f"{year} + ")
            later = orjson.loads(data["messages"][5]["content"])["result"]
            assert orjson.loads(calls_of(data["messages"])[2]["function"]["arguments"]) == {
                "date": f"{later:04d}-01-01"}
            break
    else:
        pytest.fail("no founding-year question in 200 level-3 items")


def test_parallel_calls_and_distractor_tools_are_options():
    batched = [make(5, parallel=True).generate(k)[0] for k in range(100)]
    assert any(len(m.get("tool_calls") or []) > 1 for d in batched for m in d["messages"])
    single = [make(5, parallel=False, distractors=False).generate(k)[0] for k in range(100)]
    for data in single:
        assert all(len(m.get("tool_calls") or []) <= 1 for m in data["messages"])
        used = {c["function"]["name"] for c in calls_of(data["messages"])}
        assert {t["function"]["name"] for t in data["tools"]} == used


def test_a_chain_that_disagrees_with_the_direct_answer_is_a_bug(monkeypatch):
    real = Toolbox.run

    def off_by_one(self, name, arguments):
        result = real(self, name, arguments)
        if name == "calculator":
            result = {"result": result["result"] + 1}
        return result

    monkeypatch.setattr(Toolbox, "run", off_by_one)
    with pytest.raises(RuntimeError, match="tool_use bug"):
        for k in range(50):
            make(4).generate(k)


def test_rounding_edges_are_redrawn():
    with pytest.raises(Ambiguous):
        rounded(Fraction(1225, 100), 1)
    assert rounded(Fraction(1226, 100), 1) == Fraction(123, 10)
    assert rounded(-2.26, 1) == Fraction(-23, 10)


# ---- the verifier catches tampering -------------------------------------------------------

def tampered(level: int, k: int, change) -> list[str]:
    data, task = item(level, k)
    messages, tools = copy.deepcopy(data["messages"]), copy.deepcopy(data["tools"])
    change(messages, tools)
    return verify_trajectory(messages, tools, task)


def first_call(messages):
    return calls_of(messages)[0]["function"]


def set_arguments(messages, **changes):
    fn = first_call(messages)
    fn["arguments"] = orjson.dumps({**orjson.loads(fn["arguments"]), **changes}).decode()


@pytest.mark.parametrize("k", range(0, 40, 7))
def test_tampered_trajectories_are_caught(k):
    def other_attribute(messages, tools):  # valid for the schema, but not what was run
        fn = first_call(messages)
        args = orjson.loads(fn["arguments"])
        args["attribute"] = "founded" if args["attribute"] != "founded" else "employees"
        fn["arguments"] = orjson.dumps(args).decode()

    def altered_result(messages, tools):
        tool = next(m for m in messages if m["role"] == "tool")
        result = orjson.loads(tool["content"])
        key = next(k for k, v in result.items() if isinstance(v, int | float) or k == "weekday")
        result[key] = result[key] + 1 if key != "weekday" else "Funday"
        tool["content"] = orjson.dumps(result).decode()

    def wrong_final(messages, tools):
        text = messages[-1]["content"]
        messages[-1]["content"] = text.rsplit("Answer:", 1)[0] + "Answer: Velmora 17"

    def unknown_tool(messages, tools):
        first_call(messages)["name"] = "web_search"

    def unoffered_tool(messages, tools):
        tools[:] = [t for t in tools if t["function"]["name"] != first_call(messages)["name"]]

    def missing_result(messages, tools):
        messages.remove(next(m for m in messages if m["role"] == "tool"))

    def not_json(messages, tools):
        first_call(messages)["arguments"] = "entity=Velmora"

    expectations = {
        "differs from re-running": [altered_result],
        "wrong": [wrong_final],
        "unknown tool": [unknown_tool, unoffered_tool],
        "without results": [missing_result],
        "not a JSON object": [not_json],
    }
    for needle, changes in expectations.items():
        for change in changes:
            problems = tampered(5, k, change)
            assert any(needle in p for p in problems), (change.__name__, problems)
    # level 1 starts with a lookup in some items: a wrong but valid attribute is caught
    for j in range(40):
        data, _ = item(1, j)
        if first_call(data["messages"])["name"] == "lookup":
            problems = tampered(1, j, other_attribute)
            assert any("differs from re-running" in p for p in problems), problems
            break
    else:
        pytest.fail("no level-1 item starts with a lookup")


def test_arguments_that_break_the_schema_are_caught():
    for k in range(30):
        data, _ = item(2, k)
        name = first_call(data["messages"])["name"]
        extra = tampered(2, k, lambda m, t: set_arguments(m, verbose=True))
        assert any("do not match the schema" in p for p in extra), (name, extra)
    for k in range(30):
        data, _ = item(1, k)
        if first_call(data["messages"])["name"] == "add_days":
            problems = tampered(1, k, lambda m, t: set_arguments(m, days="ten"))
            assert any("do not match the schema" in p for p in problems), problems
            bad_date = tampered(1, k, lambda m, t: set_arguments(m, date="14/03/2023"))
            assert any("does not match" in p for p in bad_date), bad_date
            break
    else:
        pytest.fail("no level-1 item starts with add_days")


def test_invalid_tool_schemas_and_structure_are_reported():
    data, task = item(3, 0)
    tools = copy.deepcopy(data["tools"])
    tools[0]["function"]["parameters"] = {"type": "objekt"}
    problems = verify_trajectory(data["messages"], tools, task)
    assert any("invalid JSON Schema" in p for p in problems)
    assert verify_trajectory(data["messages"][:-1], data["tools"], task)  # no final answer
    assert verify_trajectory([{"role": "narrator", "content": "x"}], [], task)


def test_a_teacher_trajectory_in_other_words_passes():
    data, task = item(2, 3)
    messages = copy.deepcopy(data["messages"])
    for m in messages:
        if m["role"] == "assistant" and m.get("tool_calls"):
            m["content"] = None  # OpenAI allows no text beside tool calls
            for call in m["tool_calls"]:  # spaced JSON, same arguments
                call["function"]["arguments"] = orjson.dumps(
                    orjson.loads(call["function"]["arguments"]),
                    option=orjson.OPT_INDENT_2).decode()
        if m["role"] == "tool":
            m["content"] = orjson.dumps(orjson.loads(m["content"]),
                                        option=orjson.OPT_SORT_KEYS).decode()
    messages[-1]["content"] = f"So the answer is:\nAnswer: {data['answer'].upper()}"
    assert verify_trajectory(messages, data["tools"], task) == []


# ---- the tools ----------------------------------------------------------------------------

@pytest.mark.parametrize("expression", [
    "__import__('os')", "__import__('os').system('ls')", "().__class__", "open('x')",
    "a + 1", "lambda: 1", "[1, 2]", "'a' * 3", "2 ** 1000", "2 ** 0.5", "1 / 0",
    "9" * 600, "True + 1", "sqrt(-1)", "round(x=1)", "exec('1')", "1 if 1 else 2", "3 % 2",
    "2 ^ 3", "(10 ** 18) ** 2", "", "f'{1}'", "min(5)", "sqrt(2 * 10 ** 400)", "1\x00",
    "(" * 240 + "1" + ")" * 240,
])
def test_calculator_refuses_non_arithmetic(expression):
    with pytest.raises(ToolError):
        evaluate(expression)
    assert "error" in Toolbox({}).run("calculator", {"expression": expression})


@pytest.mark.parametrize(("expression", "value"), [
    ("round(sqrt(2) * 10, 2)", Fraction(1414, 100)), ("2 ** 10", 1024), ("-(3 + 4) * 2", -14),
    ("round(2.5)", 3), ("round(-2.5)", -3), ("floor(7 / 2)", 3), ("ceil(7 / 2)", 4),
    ("min(3, 1, 2)", 1), ("0.1 + 0.2", Fraction(3, 10)), ("abs(-4.5)", Fraction(9, 2)),
    ("sqrt(1849)", 43), ("1e3 / 8", 125),
])
def test_calculator_is_exact_arithmetic(expression, value):
    assert evaluate(expression) == value


def test_calendar_units_and_lookup_tools():
    box = Toolbox({"Velmora": {"population": 1200}, "Velmora to Quarnet": {"distance_km": 42}})
    assert box.run("weekday", {"date": "2024-01-01"})["weekday"] == "Monday"
    assert box.run("add_days", {"date": "2024-02-28", "days": 1}) == {"date": "2024-02-29"}
    assert box.run("add_days", {"date": "2024-03-01", "days": -1}) == {"date": "2024-02-29"}
    assert box.run("days_between", {"start": "2024-01-01", "end": "2025-01-01"}) == {"days": 366}
    assert box.run("convert_units", {"value": 1, "from_unit": "mi", "to_unit": "km"}) == {
        "value": 1.609344, "unit": "km"}
    assert box.run("convert_units", {"value": 100, "from_unit": "km/h", "to_unit": "m/s"})[
        "value"] == 27.77777778
    assert box.run("lookup", {"entity": "quarnet to velmora", "attribute": "distance_km"})[
        "value"] == 42
    assert box.run("lookup", {"entity": "Velmora", "attribute": "population"}) == {
        "entity": "Velmora", "attribute": "population", "value": 1200, "unit": "people"}
    for name, arguments in [
        ("convert_units", {"value": 1, "from_unit": "kg", "to_unit": "m"}),
        ("convert_units", {"value": "1", "from_unit": "kg", "to_unit": "g"}),
        ("weekday", {"date": "2024-13-01"}), ("weekday", {"date": "20240101"}),
        ("add_days", {"date": "9999-12-31", "days": 1}), ("add_days", {"date": "2024-01-01"}),
        ("add_days", {"date": "2024-01-01", "days": 1.5}),
        ("lookup", {"entity": "Atlantis", "attribute": "population"}),
        ("lookup", {"entity": "Velmora", "attribute": "price_usd"}),
        ("teleport", {}),
    ]:
        assert "error" in box.run(name, arguments), (name, arguments)


def test_schemas_are_openai_function_schemas():
    assert tuple(SCHEMAS) == TOOL_NAMES
    for name, schema in SCHEMAS.items():
        assert schema["type"] == "function" and schema["function"]["name"] == name
        assert schema["function"]["description"]
        Draft202012Validator.check_schema(schema["function"]["parameters"])
        assert schema["function"]["parameters"]["type"] == "object"


# ---- scoring ------------------------------------------------------------------------------

def test_scores_by_answer_kind():
    def task(answer: str, **check: Any) -> Task:
        return Task("q", answer, "s", check)

    date = task("2024-03-05", kind="date")
    for form in ("2024-03-05", "March 5, 2024", "5 March 2024", "Mar 5, 2024", "2024/03/05"):
        assert ToolUse.score(form, date) == 1.0, form
    assert ToolUse.score("2024-03-06", date) == 0.0 and ToolUse.score("soon", date) == 0.0
    day = task("Sunday", kind="weekday")
    assert ToolUse.score("sunday.", day) == 1.0 and ToolUse.score("Monday", day) == 0.0
    rounded_to_1 = task("12.3", kind="number", places=1)
    assert ToolUse.score("12.34", rounded_to_1) == 1.0 and ToolUse.score("12.4", rounded_to_1) == 0
    exact = task("3269.85", kind="number", places=None)
    assert ToolUse.score("$3,269.85", exact) == 1.0 and ToolUse.score("3269.8", exact) == 0.0
    name = task("Zoro Kettle", kind="name", options=["Wyno Toaster"])
    assert ToolUse.score("the Zoro Kettle", name) == 1.0
    assert all(ToolUse.score(w, name) == 0.0 for w in ToolUse.wrong_answers(name, random.Random()))


# ---- through the engine -------------------------------------------------------------------

def test_recipe_exports_chat_rows_with_tool_calls(in_tmp, monkeypatch):
    import datasets

    import synthforge as sf
    from synthforge.export.formats import FormatSpec, get_format

    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(in_tmp / "hf"))
    recipe = {"name": "t", "target": 50, "mix": [{"generator": "tool_use", "params": {
        "difficulty": {"mix": {1: 1, 3: 1, 5: 1}}}}], "steps": [{"verify": {}}],
        "format": {"type": "chat", "include": ["id", "tools"]}}
    run = sf.run(recipe, "out")
    assert run.counts["accepted"] == 50 and run.counts["rejected"] == 0
    records = {r.id: r for r in run.records()}
    path = in_tmp / "out" / "dataset" / "train.jsonl"
    rows = [orjson.loads(line) for line in path.read_bytes().splitlines()]
    assert len(rows) == 50
    for row in rows:
        record = records[row["id"]]
        assert row["messages"] == record.data["messages"] and row["tools"] == record.data["tools"]
        assert any(m["role"] == "tool" for m in row["messages"]) and calls_of(row["messages"])
        task = ToolUse.task(record.data, record.meta)
        assert verify_trajectory(row["messages"], row["tools"], task) == []
    loaded = datasets.load_dataset("json", data_files=str(path), split="train")
    assert loaded.num_rows == 50 and {"messages", "tools", "id"} <= set(loaded.column_names)
    first = loaded[0]["messages"]
    assert first[2]["tool_calls"][0]["function"]["name"] in TOOL_NAMES
    assert first[3]["role"] == "tool" and first[3]["tool_call_id"] == "call_1"
    # the plain chat format keeps the messages (tool calls included) as they are
    plain = get_format(FormatSpec(type="chat", include=[])).row(next(iter(records.values())))
    assert plain == {"messages": next(iter(records.values())).data["messages"]}
