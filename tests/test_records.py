"""The `records` generator: constraints on every row, referential integrity, rare-event rates,
determinism, config errors, and a run through the engine."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import pickle
import subprocess
import sys
from collections import Counter
from itertools import pairwise
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml
from pydantic import ValidationError

import synthforge as sf
from synthforge.generate import records_expr
from synthforge.generate.records import (  # importing it registers `records`
    RecordsConfig,
    RecordsGenerator,
)
from synthforge.generate.records_expr import Head, compile_constraint, compile_derive
from synthforge.recipe import load_recipe
from synthforge.record import canonical_json
from synthforge.stage import Context, Reject

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def make(params: dict[str, Any] | RecordsConfig, seed: int = 7,
         name: str = "r") -> RecordsGenerator:
    config = params if isinstance(params, RecordsConfig) else RecordsConfig.model_validate(params)
    return RecordsGenerator(config, Context(seed=seed), name)


def example(file: str, source: str) -> RecordsGenerator:
    recipe = load_recipe(EXAMPLES / file)
    entry = next(m for m in recipe.mix if m.label == source)
    return RecordsGenerator(entry.params, Context(seed=recipe.seed), entry.label)


def items(gen: RecordsGenerator, n: int, start: int = 0) -> list[dict[str, Any]]:
    return [gen.generate(k)[0] for k in range(start, start + n)]


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def moment(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    return value if len(text) > 10 else dt.datetime(value.year, value.month, value.day)


def invalid(params: dict[str, Any], *fragments: str) -> str:
    with pytest.raises(ValidationError) as info:
        RecordsConfig.model_validate(params)
    text = str(info.value)
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in:\n{text}"
    return text


# ---- the examples: every constraint on every row --------------------------------------------

DEBITS = {"card_purchase", "transfer_out", "atm_withdrawal", "fee"}


@pytest.fixture(scope="module")
def bank() -> list[dict[str, Any]]:
    return items(example("structured_records.yaml", "bank"), 3000)


def test_bank_constraints_hold_on_every_row(bank):
    rows = Counter()
    for k, c in enumerate(bank):
        assert c["customer_id"] == f"CUS-{k:07d}"
        assert c["signup"] > c["birth_date"]
        assert c["n_accounts"] == len(c["accounts"]) >= 1
        assert close(c["total_balance"], sum(a["closing_balance"] for a in c["accounts"]))
        txs = [t for a in c["accounts"] for t in a["transactions"]]
        assert c["fraud_count"] == sum(t["fraud"] for t in txs)
        for n, a in enumerate(c["accounts"], 1):
            assert a["account_id"] == f"{c['customer_id']}-{n:02d}"
            assert a["customer_id"] == c["customer_id"]
            assert a["opened"] >= c["signup"]
            assert a["n_transactions"] == len(a["transactions"])
            amounts = [t["amount"] for t in a["transactions"]]
            assert close(a["closing_balance"], a["opening_balance"] + sum(amounts))
            balance, time = a["opening_balance"], moment(a["opened"])
            for m, t in enumerate(a["transactions"], 1):
                assert t["tx_id"] == f"{a['account_id']}-T{m:04d}"
                assert (t["account_id"], t["customer_id"]) == (a["account_id"], c["customer_id"])
                assert moment(t["time"]) >= time
                assert close(t["balance"], balance + t["amount"])
                assert (t["amount"] < 0) == (t["kind"] in DEBITS)
                assert (t["merchant"] is None) == (t["kind"] not in ("card_purchase", "refund"))
                balance, time = t["balance"], moment(t["time"])
                rows["transactions"] += 1
    assert rows["transactions"] > 40_000


@pytest.fixture(scope="module")
def sessions() -> list[dict[str, Any]]:
    return items(example("structured_records.yaml", "app-logs"), 1000)


def test_log_constraints_hold_on_every_line(sessions):
    levels = Counter()
    for s in sessions:
        assert s["n_lines"] == len(s["lines"]) == len(s["log"].splitlines())
        assert s["n_errors"] == sum(line["level"] == "ERROR" for line in s["lines"])
        assert s["host"].startswith(s["service"] + "-")
        time = moment(s["start"])
        for line in s["lines"]:
            assert moment(line["time"]) >= time
            assert (line["level"] == "ERROR") == (line["status"] >= 500)
            assert len(line["request_id"]) == 16 and int(line["request_id"], 16) >= 0
            assert "_incident" not in line
            time = moment(line["time"])
            levels[line["level"]] += 1
    assert set(levels) == {"INFO", "DEBUG", "WARN", "ERROR"}
    assert 0.80 < levels["INFO"] / sum(levels.values()) < 0.90


def test_order_totals_add_up_and_keys_join():
    gen = example("shop_orders.yaml", "orders")
    order_ids: set[str] = set()
    line_ids: set[str] = set()
    for k in range(3000):
        data = gen.generate(k)[0]
        (order,) = data["orders"]
        lines = data["line_items"]
        assert order["order_id"] not in order_ids
        order_ids.add(order["order_id"])
        assert order["items"] == len(lines) >= 1
        assert close(order["subtotal"], sum(line["line_total"] for line in lines))
        assert order["total"] == round(order["subtotal"] + order["tax"] + order["shipping"], 2)
        assert (order["shipped_at"] is None) == (order["status"] == "cancelled")
        if order["shipped_at"]:
            assert order["shipped_at"] >= order["placed_at"]
        if order["delivered_at"]:
            assert order["delivered_at"] >= order["shipped_at"]
        for line in lines:
            assert line["order_id"] == order["order_id"]
            assert line["line_id"] not in line_ids
            line_ids.add(line["line_id"])
            assert line["line_total"] == round(
                line["quantity"] * line["unit_price"] * (1 - line["discount"]), 2)


def test_ids_are_unique_across_items_and_foreign_keys_resolve(bank):
    customers = [c["customer_id"] for c in bank]
    accounts = {a["account_id"]: a["customer_id"] for c in bank for a in c["accounts"]}
    txs = [(t["tx_id"], t["account_id"]) for c in bank for a in c["accounts"]
           for t in a["transactions"]]
    assert len(set(customers)) == len(customers)
    assert len(accounts) == sum(len(c["accounts"]) for c in bank)
    assert len({t for t, _ in txs}) == len(txs)
    assert set(accounts.values()) <= set(customers)
    assert all(account in accounts for _, account in txs)


def test_declared_constraints_are_checked_and_reject_with_their_text():
    gen = make({"tables": {"t": {"rows": 5, "fields": {
        "id": {"sequence": "{k}-{n}"}, "x": {"normal": {"mean": 0, "std": 1}}},
        "constraints": ["x > -1"]}}})
    reasons = Counter()
    for k in range(300):
        try:
            data = gen.generate(k)[0]
        except Reject as exc:
            reasons[exc.reason] += 1
        else:
            assert all(row["x"] > -1 for row in data["t"])
    assert list(reasons) == ["constraint: t: x > -1"]
    assert 150 < reasons["constraint: t: x > -1"] < 300  # 1 - 0.84**5 of the items


def test_a_constraint_that_cannot_be_evaluated_fails_with_the_error():
    gen = make({"tables": {"t": {"fields": {"x": {"const": None}}, "constraints": ["x > 1"]}}})
    with pytest.raises(ValueError, match=r"constraint 'x > 1' of t cannot be evaluated"):
        gen.generate(0)


# ---- rare events ----------------------------------------------------------------------------

def test_rare_event_rate_over_200k_rows():
    gen = make({"tables": {"tx": {"rows": 2000, "fields": {"fraud": {"rare": 0.005}}}}})
    flags = [row["fraud"] for k in range(100) for row in gen.generate(k)[0]["tx"]]
    assert len(flags) == 200_000
    assert abs(sum(flags) / len(flags) - 0.005) < 0.001


def test_bursts_start_at_the_declared_rate_and_last_their_length():
    gen = make({"tables": {"log": {"rows": 2000, "fields": {
        "_burst": {"burst": {"rate": 0.004, "length": [4, 12]}},
        "level": {"match": "_burst", "cases": {True: {"const": "ERROR"}},
                  "default": {"const": "INFO"}}}}}})
    runs: list[int] = []
    quiet = 0
    for k in range(100):
        levels = [row["level"] for row in gen.generate(k)[0]["log"]]
        run = 0
        for level in [*levels, "END"]:
            if level == "ERROR":
                run += 1
                continue
            if run:
                runs.append(run)
            quiet += level == "INFO"
            run = 0
    rate = len(runs) / (quiet + len(runs))  # starts per row that could start a burst
    assert abs(rate - 0.004) < 0.0006
    assert sum(4 <= r <= 12 for r in runs) / len(runs) > 0.98  # merged or cut-short runs
    assert abs(sum(runs) / len(runs) - 8) < 0.5


# ---- determinism ----------------------------------------------------------------------------

def digest(gen: RecordsGenerator, n: int) -> str:
    h = hashlib.sha256()
    for k in range(n):
        h.update(canonical_json(gen.generate(k)))
    return h.hexdigest()


def test_same_seed_same_items_in_any_order_and_after_pickling():
    gen = example("structured_records.yaml", "bank")
    first = [gen.generate(k) for k in range(50)]
    assert [gen.generate(k) for k in reversed(range(50))][::-1] == first
    copy = pickle.loads(pickle.dumps(gen))
    assert [copy.generate(k) for k in range(50)] == first
    other = RecordsGenerator(gen.config, Context(seed=8), gen.name)
    assert other.generate(0) != first[0]


def test_same_items_in_another_process_with_another_hash_seed():
    code = ("import sys; sys.path.insert(0, 'tests'); import test_records as t; "
            "print(t.digest(t.example('structured_records.yaml', 'app-logs'), 30))")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], cwd=EXAMPLES.parent, env=env,
                         capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == digest(example("structured_records.yaml", "app-logs"), 30)


def test_a_recipe_read_back_from_its_lock_makes_the_same_items():
    recipe = load_recipe(EXAMPLES / "structured_records.yaml")
    again = load_recipe(yaml.safe_load(recipe.to_yaml()), base_dir=EXAMPLES)
    assert again.fingerprint() == recipe.fingerprint()
    for a, b in zip(recipe.mix, again.mix, strict=True):
        one = RecordsGenerator(a.params, Context(seed=recipe.seed), a.label)
        two = RecordsGenerator(b.params, Context(seed=recipe.seed), b.label)
        assert all(one.generate(k) == two.generate(k) for k in range(30))


# ---- field types ----------------------------------------------------------------------------

def test_after_keeps_dates_as_dates_floors_to_the_resolution_and_never_goes_back():
    gen = make({"tables": {"t": {"rows": 50, "fields": {
        "d": {"after": "2025-01-01", "days": [0, 10]},
        "h": {"after": "d", "hours": {"normal": {"mean": 0, "std": 5}}},
        "ms": {"after": ["previous.ms", "2025-01-01T00:00:00"], "seconds": [0, 2],
               "resolution": "millisecond"}}}}})
    for row in gen.generate(0)[0]["t"]:
        assert len(row["d"]) == 10 and "2025-01-01" <= row["d"] <= "2025-01-11"
        assert moment(row["h"]) >= moment(row["d"]) and moment(row["h"]).microsecond == 0
        assert moment(row["ms"]).microsecond % 1000 == 0
    times = [moment(row["ms"]) for row in gen.generate(0)[0]["t"]]
    assert times == sorted(times)


def test_between_match_running_aggregates_and_helpers():
    gen = make({"tables": {
        "p": {"fields": {
            "when": {"between": ["2025-03-01", "2025-03-03"]},
            "total": {"sum": "c.v", "round": 2}, "size": {"count": "c"},
            "top": {"max": "c.v"}, "low": {"min": "c.v"}}},
        "c": {"parent": "p", "rows": {"randint": [0, 4]}, "fields": {
            "_flag": {"choice": [True, False, 500]},
            "v": {"match": "_flag", "cases": {True: {"const": 1.25}, 500: {"const": 2}},
                  "default": {"const": 0}},
            "acc": {"running": {"add": "v", "start": 10}}}}}})
    seen = set()
    for k in range(200):
        p = gen.generate(k)[0]
        seen.add(p["when"])
        values = [c["v"] for c in p["c"]]
        assert p["size"] == len(values) and p["total"] == round(sum(values), 2)
        assert (p["top"], p["low"]) == ((max(values), min(values)) if values else (None, None))
        assert [c["acc"] for c in p["c"]] == [10 + sum(values[:i + 1])
                                              for i in range(len(values))]
        assert all(set(c) == {"v", "acc"} and c["v"] in (1.25, 2, 0) for c in p["c"])
    assert seen == {"2025-03-01", "2025-03-02", "2025-03-03"}


def test_running_and_bursts_inside_a_match_keep_their_field_state():
    gen = make({"tables": {"t": {"rows": 40, "fields": {
        "one": {"const": 1},
        "kind": {"choice": ["a", "b"]},
        "total": {"match": "kind", "cases": {"a": {"running": {"add": "one"}}},
                  "default": {"running": {"add": "one", "start": 100}}},
        "hot": {"match": "kind", "cases": {"a": {"burst": {"rate": 0.5, "length": [2, 2]}}},
                "default": {"const": False}}}}}})
    for k in range(20):
        rows = gen.generate(k)[0]["t"]
        assert rows[0]["total"] == (1 if rows[0]["kind"] == "a" else 101)
        assert all(b["total"] == a["total"] + 1 for a, b in pairwise(rows))
        assert any(row["hot"] for row in rows)


def test_output_tables_is_flat_and_nested_holds_children():
    tables = {"a": {"rows": 2, "fields": {"id": {"sequence": "{k}-{n}"}}},
              "b": {"parent": "a", "rows": 3, "fields": {"id": {"sequence": "{parent.id}.{n}"},
                                                          "a_id": {"ref": "a.id"}}}}
    flat, meta = make({"tables": tables, "output": "tables"}).generate(4)
    assert [r["id"] for r in flat["a"]] == ["4-1", "4-2"]
    assert [r["id"] for r in flat["b"]][:4] == ["4-1.1", "4-1.2", "4-1.3", "4-2.1"]
    assert meta == {"rows": {"a": 2, "b": 6}}
    nested = make({"tables": tables}).generate(4)[0]
    assert list(nested) == ["a"] and nested["a"][1]["b"][0] == {"id": "4-2.1", "a_id": "4-2"}


DERIVES = ["{{ a * b + 1 }}", "{{ a // 2 }} and {{ a % 2 }}", "{{ s ~ a }}", "{s}-{a}",
           "{{ -a if flag else a ** 2 }}", "{{ s in ('x', 'y') }}", "{{ none }}", "{{ [a, b] }}",
           "{{ row.items + row.v }}", "{{ 1 < a <= 3 and not flag }}", "{{ (a, s) }}"]


def test_simple_derives_run_as_python_and_give_what_jinja_gives(monkeypatch):
    names = {"a": 3, "b": 2.5, "s": "x", "none": None, "row": {"items": 4, "v": 1},
             "flag": False}
    assert all(records_expr.python_source(t) for t in DERIVES)
    assert records_expr.python_source("{{ s | upper }}") is None
    fast = [compile_derive(t)(dict(names)) for t in DERIVES]
    monkeypatch.setattr(records_expr, "_python", lambda tree, lone: None)
    assert [compile_derive(t)(dict(names)) for t in DERIVES] == fast
    assert fast[0] == 8.5 and fast[3] == "x-3" and fast[8] == 5


def test_constraints_compare_floats_with_tolerance_and_dates_with_times():
    heads = {"x": Head("value"), "d": Head("value"), "t": Head("value")}
    check = compile_constraint("x == 0.3 and t >= d and d < t", heads)
    names = {"x": 0.1 + 0.2, "d": dt.date(2025, 1, 1), "t": dt.datetime(2025, 1, 1, 0, 0, 1)}
    assert eval(check.code, records_expr.GLOBALS, names)
    assert check.names == ("x", "t", "d")


# ---- config errors --------------------------------------------------------------------------

def table(**fields: Any) -> dict[str, Any]:
    return {"fields": fields}


@pytest.mark.parametrize(("params", "fragments"), [
    ({"tables": {"a": table(x={"chioce": [1, 2]})}},
     ["tables.a.fields.x", "unknown field type 'chioce'", "did you mean 'choice'"]),
    ({"tables": {"a": table(x={"ref": "custmers.id"})}},
     ["'custmers.id' names no table or row", "there is no table 'custmers'"]),
    ({"tables": {"a": {"parent": "b", **table(x={"const": 1})},
                 "b": {"parent": "a", **table(y={"const": 1})}}},
     ["tables.a.parent", "parents form a cycle: a -> b -> a"]),
    ({"tables": {"a": {"parent": "c", **table(x={"const": 1})}}},
     ["has parent 'c', which is not a table"]),
    ({"tables": {"a": {**table(x={"const": 1}), "constraints": ["a.y > 0"]}}},
     ["tables.a.constraints.0", "unknown field a.y: a has no field 'y'"]),
    ({"tables": {"a": {**table(x={"const": 1}), "constraints": ["open('x')"]}}},
     ["open() cannot be called in a constraint"]),
    ({"tables": {"a": {**table(x={"const": 1}), "constraints": ["x >"]}}},
     ["not a valid expression"]),
    ({"tables": {"a": {**table(x={"const": 1}), "constraints": ["[v for v in x]"]}}},
     ["ListComp is not allowed"]),
    ({"tables": {"a": {"rows": 3, **table(id={"sequence": "A{k}"})}}},
     ["sequence 'A{k}' of a.id can repeat"]),
    ({"tables": {"a": table(x={"derive": "{{ y }}"}, y={"derive": "{{ x + 1 }}"})}},
     ["read each other in a cycle: x -> y -> x"]),
    ({"tables": {"a": table(t={"sum": "b.v"}),
                 "b": {"parent": "a", **table(v={"derive": "{{ parent.t }}"})}}},
     ["reads a.t, which is computed from a's child rows"]),
    ({"tables": {"a": table(x={"sum": "b.v"}), "b": table(v={"const": 1})}},
     ["b is neither an ancestor nor a descendant of a"]),
    ({"tables": {"a": table(x={"ref": "a.x"})}}, ["ref needs an ancestor's field"]),
    ({"tables": {"a": table(x={"after": "previous.x", "days": [0, 1]})}},
     ["the first row has no previous row"]),
    ({"tables": {"a": table(x={"after": "2025-01-01"})}}, ["after needs one gap"]),
    ({"tables": {"a": table(x={"between": ["2025-01-02", "2025-01-01"]})}},
     ["between needs start <= end"]),
    ({"tables": {"a": table(x={"count": "a"})}}, ["a alone is the row itself"]),
    ({"tables": {"a": table(k={"const": 1})}}, ["field name 'k' cannot be used (reserved)"]),
    ({"tables": {"a": {"rows": -1, **table(x={"const": 1})}}}, ["rows is a count"]),
    ({"tables": {"a": table(x={"faker": "nmae"})}}, ["unknown Faker provider 'nmae'"]),
    ({"tables": {"a": table(x={"derive": "{{ y }}"})}}, ["unknown name 'y'"]),
])
def test_config_errors_are_clear(params, fragments):
    invalid(params, *fragments)


def test_examples_validate_and_their_schema_renders():
    for file in ("structured_records.yaml", "shop_orders.yaml", "log_incidents.yaml"):
        assert load_recipe(EXAMPLES / file).mix
    schema = RecordsConfig.model_json_schema()
    assert "tables" in schema["properties"]


# ---- through the engine ---------------------------------------------------------------------

def test_run_end_to_end_with_records_format(tmp_path):
    recipe = {
        "name": "bank", "seed": 3, "target": 300, "format": "records",
        "mix": [{"generator": "records", "name": "bank", "params": {
            "output": "tables",
            "tables": {
                "customers": {"fields": {
                    "customer_id": {"sequence": "C{k:05d}"}, "name": {"faker": "name"},
                    "since": {"faker": {"provider": "date_between",
                                        "args": {"start_date": "-2y"}}}}},
                "transactions": {"parent": "customers", "rows": {"randint": [2, 6]},
                                 "fields": {
                    "tx_id": {"sequence": "{parent.customer_id}-{n}"},
                    "customer_id": {"ref": "customers.customer_id"},
                    "time": {"after": ["previous.time", "parent.since"], "hours": [0, 48]},
                    "amount": {"normal": {"mean": 50, "std": 40}, "round": 2},
                    "balance": {"running": {"add": "amount"}, "round": 2}},
                    "constraints": ["amount > 0", "balance == previous.balance + amount",
                                    "time >= parent.since"]}}}}],
    }
    run = sf.run(recipe, tmp_path / "run")
    assert run.counts["accepted"] == 300 and run.stop_reason == "target"
    reasons = {r["reason"] for r in run.rejected()}
    assert reasons == {"constraint: transactions: amount > 0"}
    lines = (tmp_path / "run" / "dataset" / "train.jsonl").read_bytes().splitlines()
    assert len(lines) == 300
    customers = set()
    for line in lines:
        row = orjson.loads(line)
        assert set(row) == {"customers", "transactions"}
        (customer,) = row["customers"]
        customers.add(customer["customer_id"])
        assert all(t["customer_id"] == customer["customer_id"] and t["amount"] > 0
                   for t in row["transactions"])
    assert len(customers) == 300
