"""The `template` generator: placeholders, every sampler, determinism, unique, validation."""

from __future__ import annotations

import json
import math
import os
import pickle
import re
import subprocess
import sys
from collections import Counter
from itertools import islice
from pathlib import Path
from typing import Any

import orjson
import pytest
from jinja2 import UndefinedError
from pydantic import ValidationError

from synthforge import registry
from synthforge.generate.permute import FeistelPermutation
from synthforge.generate.samplers import distinct, unrank_combination
from synthforge.generate.templates import (
    TemplateConfig,
    TemplateGenerator,
    jsonable,
    to_jinja,
)
from synthforge.stage import Context, Reject

COMPANY = {
    "fields": {
        "text": "The company {CompanyName} announced {ProductName} which will {ActionVerb} "
                "the market.",
        "label": "{ActionVerb}",
    },
    "slots": {
        "CompanyName": {"faker": "company"},
        "ProductName": {"choice": ["Nimbus", "Quanta", "Helix"]},
        "ActionVerb": {"choice": {"disrupt": 3, "reshape": 1}},
    },
}


def make(params: dict[str, Any], seed: int = 7, name: str = "news",
         base_dir: Path | None = None) -> TemplateGenerator:
    context = {"base_dir": str(base_dir)} if base_dir else None
    config = TemplateConfig.model_validate(params, context=context)
    return TemplateGenerator(config, Context(seed=seed), name)


def slot(spec: dict[str, Any], n: int = 1, **extra: Any) -> list[Any]:
    """The first n values of a single slot `x`."""
    gen = make({"fields": {"text": "{x}"}, "slots": {"x": spec}, **extra})
    return [gen.generate(k)[1]["slots"]["x"] for k in range(n)]


def invalid(params: dict[str, Any], *fragments: str, base_dir: Path | None = None) -> str:
    """Assert the params fail validation with a message holding every fragment."""
    context = {"base_dir": str(base_dir)} if base_dir else None
    with pytest.raises(ValidationError) as info:
        TemplateConfig.model_validate(params, context=context)
    text = str(info.value)
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in:\n{text}"
    return text


def one(spec: dict[str, Any], text: str = "{x}") -> dict[str, Any]:
    return {"fields": {"text": text}, "slots": {"x": spec}}


# ---- placeholders and rendering -------------------------------------------------------------

def test_company_example_renders_every_slot():
    gen = make(COMPANY)
    for k in range(200):
        data, meta = gen.generate(k)
        assert set(data) == {"text", "label"}
        assert "{" not in data["text"] and "}" not in data["text"]
        slots = meta["slots"]
        assert list(slots) == ["CompanyName", "ProductName", "ActionVerb"]
        assert slots["ProductName"] in {"Nimbus", "Quanta", "Helix"}
        assert data["label"] == slots["ActionVerb"] in {"disrupt", "reshape"}
        assert data["text"] == (f"The company {slots['CompanyName']} announced "
                                f"{slots['ProductName']} which will {slots['ActionVerb']} "
                                "the market.")
    assert gen.size() is None


def test_registered_as_template():
    entry = registry.lookup("generator", "template")
    assert entry.factory is TemplateGenerator
    assert entry.config is TemplateConfig


@pytest.mark.parametrize(("text", "expected"), [
    ("{x}", "{{ x }}"),
    ("{unit.name} to {unit.to}", "{{ unit.name }} to {{ unit.to }}"),
    ("{x.} {.x}", "{x.} {.x}"),
    ('{"a": 1} {x}', '{"a": 1} {{ x }}'),
    ("{ x } {1x} {x-y} {}", "{ x } {1x} {x-y} {}"),
    ("{#tag} {x}", "{{ '{#' }}tag} {{ x }}"),
    ("{{ x }} {y}", "{{ x }} {y}"),
    ("{% if x %}{x}{% endif %}", "{% if x %}{x}{% endif %}"),
])
def test_to_jinja(text, expected):
    assert to_jinja(text) == expected


def test_literal_braces_are_kept():
    gen = make(one({"const": "v"}, '{"a": 1, "b": [{x}]} {#hash} { x } {}\n'))
    assert gen.generate(0)[0]["text"] == '{"a": 1, "b": [v]} {#hash} { x } {}\n'


def test_no_escaping_and_strict_undefined():
    gen = make(one({"const": {"a": "<b>&"}}, "{{ x.a }}"))
    assert gen.generate(0)[0]["text"] == "<b>&"
    gen = make(one({"const": {"a": 1}}, "{{ x.missing }}"))
    with pytest.raises(UndefinedError):
        gen.generate(0)


def test_jinja_mode():
    params = {
        "fields": {"text": "{% if n > 5 %}many{% else %}few{% endif %} {{ name | upper }} "
                           "{x}{# a comment #}"},
        "slots": {"n": {"randint": [1, 10]}, "name": {"const": "ada"}},
    }
    gen = make(params)
    for k in range(50):
        data, meta = gen.generate(k)
        word = "many" if meta["slots"]["n"] > 5 else "few"
        assert data["text"] == f"{word} ADA {{x}}"


# ---- samplers -------------------------------------------------------------------------------

def test_choice_uniform_and_weighted():
    assert set(slot({"choice": ["a", "b", "c"]}, 300)) == {"a", "b", "c"}
    counts = Counter(slot({"choice": {"disrupt": 3, "reshape": 1}}, 5000))
    assert abs(counts["disrupt"] / 5000 - 0.75) < 0.03
    counts = Counter(slot({"choice": ["x", "y", "z"], "weights": [1, 0, 4]}, 5000))
    assert counts["y"] == 0
    assert abs(counts["z"] / 5000 - 0.8) < 0.03


def test_choice_keeps_native_values():
    values = slot({"choice": [1, 2.5, True, None, {"k": [1]}]}, 200)
    assert {json.dumps(v) for v in values} == {"1", "2.5", "true", "null", '{"k": [1]}'}


def test_randint_inclusive():
    values = slot({"randint": [1, 4]}, 400)
    assert set(values) == {1, 2, 3, 4}
    assert all(type(v) is int for v in values)


def test_uniform_with_round():
    values = slot({"uniform": [10, 100], "round": 2}, 500)
    assert all(10 <= v <= 100 for v in values)
    assert all(round(v, 2) == v for v in values)
    assert len(set(values)) > 400


def test_normal_clip_round():
    values = slot({"normal": {"mean": 40, "std": 12}, "clip": [18, 90], "round": 0}, 3000)
    assert all(type(v) is int and 18 <= v <= 90 for v in values)
    assert abs(sum(values) / len(values) - 40) < 1.5
    assert 18 in values  # the clip is reached: P(x < 18) is about 3%


def test_lognormal_positive():
    values = slot({"lognormal": {"mu": 0, "sigma": 0.5}}, 2000)
    assert all(v > 0 for v in values)
    assert abs(sorted(values)[1000] - 1.0) < 0.1  # the median is exp(mu)


def test_type_casts():
    assert slot({"randint": [3, 3], "type": "str"}) == ["3"]
    assert slot({"choice": ["2.5"], "type": "float"}) == [2.5]
    assert slot({"choice": ["7"], "type": "int"}) == [7]
    assert slot({"choice": ["yes", "no"], "type": "bool"}, 50).count(True) > 0
    assert set(slot({"choice": ["yes", "off"], "type": "bool"}, 50)) == {True, False}


def test_file_txt(tmp_path):
    (tmp_path / "cities.txt").write_text("Paris\n\n  Lyon  \nNice\n", encoding="utf-8")
    gen = make(one({"file": "cities.txt"}), base_dir=tmp_path)
    values = {gen.generate(k)[1]["slots"]["x"] for k in range(200)}
    assert values == {"Paris", "Lyon", "Nice"}


def test_file_jsonl_csv_json(tmp_path):
    (tmp_path / "topics.jsonl").write_text('{"name": "tax"}\n\n{"name": "law", "n": 2}\n')
    (tmp_path / "t.csv").write_text("id,name\n1,alpha\n2,beta\n")
    (tmp_path / "t.json").write_text('[{"name": "one"}, {"name": "two"}]')
    (tmp_path / "plain.jsonl").write_text('"p"\n"q"\n')
    cases = [({"file": "topics.jsonl", "field": "name"}, {"tax", "law"}),
             ({"file": "t.csv", "column": "name"}, {"alpha", "beta"}),
             ({"file": "t.json", "field": "name"}, {"one", "two"}),
             ({"file": "plain.jsonl"}, {"p", "q"})]
    for spec, expected in cases:
        gen = make(one(spec), base_dir=tmp_path)
        assert {gen.generate(k)[1]["slots"]["x"] for k in range(100)} == expected, spec


def test_sample_distinct_and_join():
    items = ["ham", "egg", "corn", "kale"]
    for value in slot({"sample": {"from": items, "k": 2}}, 300):
        assert len(value) == 2 and len(set(value)) == 2 and set(value) <= set(items)
    for value in slot({"sample": {"from": items, "k": 3}, "join": ", "}, 100):
        parts = value.split(", ")
        assert len(set(parts)) == 3 and set(parts) <= set(items)


def test_derive_arithmetic_types_and_order():
    params = {
        "fields": {"text": "{qty} x {price} = {total} ({label})"},
        "slots": {
            "label": {"derive": "{{ 'big' if total > 500 else 'small' }}"},
            "total": {"derive": "{{ price * qty }}", "type": "float", "round": 2},
            "price": {"uniform": [10, 100], "round": 2},
            "qty": {"randint": [1, 12]},
            "shout": {"derive": "{label}!"},
            "double": {"derive": "{{ qty * 2 }}"},
            "cheap": {"derive": "{{ price < 50 }}", "type": "str"},
            "capped": {"derive": "{{ qty * 100 }}", "clip": [0, 500]},
        },
    }
    gen = make(params)
    for k in range(200):
        data, meta = gen.generate(k)
        s = meta["slots"]
        assert s["total"] == round(s["price"] * s["qty"], 2)
        assert s["label"] == ("big" if s["total"] > 500 else "small")
        assert s["shout"] == s["label"] + "!"
        assert s["double"] == 2 * s["qty"] and type(s["double"]) is int
        assert s["cheap"] == str(s["price"] < 50)
        assert s["capped"] == min(500, 100 * s["qty"])
        assert data["text"] == f"{s['qty']} x {s['price']} = {s['total']} ({s['label']})"
        assert list(s) == list(params["slots"])


def test_const_and_faker_args():
    params = {
        "fields": {"text": "{greeting} on {when}"},
        "slots": {"greeting": {"const": "hello"},
                  "when": {"faker": {"provider": "date_between",
                                     "args": {"start_date": "-1y"}}},
                  "price": {"faker": {"provider": "pydecimal",
                                      "args": {"left_digits": 3, "right_digits": 2}}},
                  "words": {"faker": {"provider": "words", "args": {"nb": 3}}, "join": " "}},
    }
    gen = make(params)
    for k in range(50):
        data, meta = gen.generate(k)
        s = meta["slots"]
        assert s["greeting"] == "hello"
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", s["when"])
        assert data["text"] == f"hello on {s['when']}"
        assert isinstance(s["price"], float)
        assert len(s["words"].split(" ")) == 3
        orjson.dumps(meta)


def test_faker_locales():
    gen = make({"fields": {"text": "{n}"}, "slots": {"n": {"faker": "name"}},
                "locale": ["en_US", "ja_JP"]})
    names = [gen.generate(k)[0]["text"] for k in range(100)]
    japanese = [n for n in names if re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", n)]
    assert 20 < len(japanese) < 80


def test_meta_is_jsonable():
    import datetime as dt
    from decimal import Decimal

    value = {"d": dt.date(2024, 1, 2), "t": (Decimal("1.5"), dt.datetime(2024, 1, 2, 3, 4)),
             "s": {3, 1}, "b": b"\x01", 1: dt.timedelta(seconds=90)}
    assert jsonable(value) == {"d": "2024-01-02", "t": [1.5, "2024-01-02T03:04:00"],
                               "s": [1, 3], "b": "01", "1": 90.0}
    gen = make({"fields": {"text": "{p}"}, "slots": {"p": {"faker": "profile"}}})
    orjson.dumps(gen.generate(0)[1])


# ---- determinism ----------------------------------------------------------------------------

def outputs(gen: TemplateGenerator, n: int = 50) -> list[Any]:
    return [gen.generate(k) for k in range(n)]


MIXED = {
    "fields": {"text": COMPANY["fields"]["text"] + " {price} {age} {toppings} {when}"},
    "slots": {**COMPANY["slots"],
              "price": {"uniform": [10, 100], "round": 2},
              "age": {"normal": {"mean": 40, "std": 12}, "clip": [18, 90], "round": 0},
              "toppings": {"sample": {"from": ["ham", "egg", "corn", "kale"], "k": 2},
                           "join": ", "},
              # absolute bounds: relative ones ("-1y") move with the clock
              "when": {"faker": {"provider": "date_time_between",
                                 "args": {"start_date": 946684800, "end_date": 1577836800}}}},
}


def test_same_seed_same_output_any_order():
    a, b = make(MIXED), make(MIXED)
    assert outputs(a) == outputs(b)
    assert [b.generate(k) for k in reversed(range(50))][::-1] == outputs(a)


def test_other_seed_or_name_differs():
    base = outputs(make(MIXED))
    assert outputs(make(MIXED, seed=8)) != base
    assert outputs(make(MIXED, name="other")) != base


def test_pickled_generator_is_the_same():
    gen = make(MIXED)
    assert outputs(pickle.loads(pickle.dumps(gen))) == outputs(gen)


SCRIPT = """
import json, sys
from synthforge.generate.templates import TemplateConfig, TemplateGenerator
from synthforge.stage import Context
gen = TemplateGenerator(TemplateConfig.model_validate(json.loads(sys.argv[1])), Context(seed=7),
                        "news")
print(json.dumps([gen.generate(k) for k in range(50)]))
"""


def test_same_output_in_other_processes():
    expected = json.loads(json.dumps(outputs(make(MIXED))))
    for hashseed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": hashseed}
        out = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(MIXED)], env=env,
                             capture_output=True, text=True, check=True)
        assert json.loads(out.stdout) == expected


# ---- unique ---------------------------------------------------------------------------------

def test_unique_covers_every_combination_once():
    params = {**COMPANY, "unique": ["ProductName", "ActionVerb"]}
    gen = make(params)
    assert gen.size() == 6
    combos = [tuple(gen.generate(k)[1]["slots"][n] for n in ("ProductName", "ActionVerb"))
              for k in range(6)]
    assert sorted(combos) == sorted((p, v) for p in ("Nimbus", "Quanta", "Helix")
                                    for v in ("disrupt", "reshape"))
    with pytest.raises(Reject, match=r"exhausted: all 6 combinations of ProductName, "
                                     r"ActionVerb have been used"):
        gen.generate(6)


def test_unique_mixed_kinds(tmp_path):
    (tmp_path / "c.txt").write_text("a\nb\na\nc\n")
    params = {
        "fields": {"text": "{f} {n} {s} {c} {w} {free}"},
        "slots": {"f": {"file": "c.txt"}, "n": {"randint": [5, 8]},
                  "s": {"sample": {"from": [1, 2, 3, 4], "k": 2}, "join": "+"},
                  "c": {"const": "k"}, "w": {"choice": {"x": 5, "y": 0, "z": 1}},
                  "free": {"randint": [0, 9]}},
        "unique": ["f", "n", "s", "c", "w"],
    }
    gen = make(params, base_dir=tmp_path)
    n = 3 * 4 * math.comb(4, 2) * 1 * 2  # duplicates and zero weights do not count
    assert gen.size() == n
    seen = set()
    for k in range(n):
        s = gen.generate(k)[1]["slots"]
        seen.add((s["f"], s["n"], frozenset(s["s"].split("+")), s["c"], s["w"]))
    assert len(seen) == n
    with pytest.raises(Reject, match=f"all {n} combinations of f, n, s, c, w"):
        gen.generate(n)


def test_unique_order_depends_on_seed():
    params = {"fields": {"text": "{n}"}, "slots": {"n": {"randint": [0, 999]}}, "unique": ["n"]}
    gen, other_gen = make(params), make(params, seed=8)
    first = [gen.generate(k)[1]["slots"]["n"] for k in range(1000)]
    assert sorted(first) == list(range(1000)) and first != sorted(first)
    other = [other_gen.generate(k)[1]["slots"]["n"] for k in range(20)]
    assert other != first[:20]


@pytest.mark.parametrize("n", [1, 2, 3, 7, 16, 17, 1000, 4097])
def test_permutation_is_a_bijection(n):
    for key in (0, 12345):
        perm = FeistelPermutation(n, key)
        assert sorted(perm(i) for i in range(n)) == list(range(n))
        assert len(perm) == n


def test_permutation_keys_bounds_and_large_domains():
    assert [FeistelPermutation(1000, 1)(i) for i in range(10)] != \
        [FeistelPermutation(1000, 2)(i) for i in range(10)]
    perm = FeistelPermutation(10, 3)
    for bad in (-1, 10):
        with pytest.raises(IndexError):
            perm(bad)
    with pytest.raises(ValueError):
        FeistelPermutation(0, 1)
    big = FeistelPermutation(10**40 + 7, 9)
    values = [big(i) for i in range(500)]
    assert len(set(values)) == 500 and all(0 <= v < big.n for v in values)
    assert max(values) > 10**39  # spread over the domain, not stuck near 0


def test_unrank_combination_lists_every_subset():
    for n, k in ((5, 2), (6, 3), (4, 4), (7, 1)):
        subsets = [tuple(unrank_combination(i, n, k)) for i in range(math.comb(n, k))]
        assert len(set(subsets)) == len(subsets)
        assert all(len(s) == k and list(s) == sorted(set(s)) and s[-1] < n for s in subsets)
        assert subsets == sorted(subsets)


def test_distinct():
    assert distinct([1, 1.0, True, "1", 1, "a", "a"]) == [1, 1.0, True, "1", "a"]


# ---- validation -----------------------------------------------------------------------------

def test_syntax_error():
    invalid(one({"const": 1}, "{{ x "), "template error in field 'text'", "Jinja2")
    invalid(one({"const": 1}, "{{ x | nosuchfilter }}"), "nosuchfilter")
    invalid({"fields": {"t": "{y}"}, "slots": {"x": {"const": 1}, "y": {"derive": "{% if %}"}}},
            "derived slot 'y'")


def test_unknown_names():
    text = invalid({"fields": {"text": "{CompanyNam} {Other}"},
                    "slots": {"CompanyName": {"const": 1}, "b": {"const": 2}}},
                   "field 'text' uses {CompanyNam}", "did you mean 'CompanyName'",
                   "defined slots: CompanyName, b", "field 'text' uses {Other}")
    assert "fields.text" in text
    invalid(one({"randint": [1, 2]}, "{{ y * 2 }}"), "uses {y}")
    invalid({"fields": {"t": "{x}"}, "slots": {"x": {"derive": "{{ missing + 1 }}"}}},
            "derived slot 'x' uses {missing}")
    make(one({"const": 1}, "{% for i in range(x) %}{{ i }}{% endfor %}"))  # globals are fine


def test_faker_checks():
    invalid(one({"faker": "compnay"}), "unknown Faker provider 'compnay'",
            "did you mean 'company'")
    invalid(one({"faker": "seed_instance"}), "unknown Faker provider 'seed_instance'")
    invalid(one({"faker": {"provider": "date_between", "args": {"start": "-1y"}}}),
            "'date_between'", "start_date, end_date")
    invalid({**one({"faker": "name"}), "locale": "xx_YY"}, "unknown Faker locale 'xx_YY'")
    invalid({**one({"faker": "name"}), "locale": "en_UX"}, "did you mean 'en_US'")
    invalid({**one({"faker": "name"}), "locale": []}, "at least 1")
    invalid(one({"faker": {"provider": "name", "arg": {}}}), "unknown key 'arg'",
            "did you mean 'args'")


def test_sampler_shape():
    invalid(one({"choise": [1, 2]}), "a slot needs one sampler key", "did you mean 'choice'")
    invalid(one({"choice": [1], "const": 2}), "one sampler, got choice and const")
    invalid(one([1, 2]), "{choice: [a, b]}")
    invalid(one("hello"), "{const: value}")
    invalid(one({"choice": [1, 2], "wieghts": [1, 1]}), "unknown key 'wieghts' in a choice "
            "slot", "did you mean 'weights'", "allowed: choice, type, weights")
    invalid(one({"choice": ["a"], "round": 2}), "unknown key 'round'")
    invalid(one({"normal": {"mean": 1, "sd": 2}}), "unknown key 'sd'", "did you mean 'std'")
    invalid(one({"sample": {"from": [1, 2], "n": 1}}), "unknown key 'n'", "allowed: from, k")


def test_weights_and_ranges():
    invalid(one({"choice": {"a": -1, "b": 2}}), "weights must be finite and >= 0")
    invalid(one({"choice": {"a": 0, "b": 0}}), "add up to more than 0")
    invalid(one({"choice": ["a", "b"], "weights": [1]}), "one weight per value")
    invalid(one({"choice": {"a": 1}, "weights": [1]}), "not both")
    invalid(one({"choice": []}), "choice")
    invalid(one({"randint": [5, 1]}), "randint needs [lo, hi] with lo <= hi")
    invalid(one({"uniform": [2.0, 1.0]}), "uniform needs [lo, hi]")
    invalid(one({"normal": {"mean": 0, "std": 1}, "clip": [3, 1]}), "clip needs lo <= hi")
    invalid(one({"normal": {"mean": 0, "std": -1}}), "greater than or equal to 0")
    invalid(one({"sample": {"from": [1, 2], "k": 3}}), "sample.k is 3 but `from` has only 2")
    invalid(one({"sample": {"from": [1, 1, 2], "k": 1}}), "repeated items")
    invalid(one({"uniform": [1, 2], "round": -1}), "round")


def test_file_errors(tmp_path):
    invalid(one({"file": "nope.txt"}), "file not found", str(tmp_path / "nope.txt"),
            base_dir=tmp_path)
    (tmp_path / "empty.txt").write_text("\n  \n")
    invalid(one({"file": "empty.txt"}), "has no values", base_dir=tmp_path)
    (tmp_path / "o.jsonl").write_text('{"name": "a"}\n')
    invalid(one({"file": "o.jsonl"}), "name the key to use with `field:`", base_dir=tmp_path)
    invalid(one({"file": "o.jsonl", "field": "nmae"}), "has no key 'nmae'", "its keys: name",
            base_dir=tmp_path)
    (tmp_path / "bad.jsonl").write_text('{"name": "a"}\nnot json\n')
    invalid(one({"file": "bad.jsonl", "field": "name"}), "bad.jsonl:2: not JSON",
            base_dir=tmp_path)
    (tmp_path / "t.csv").write_text("id,name\n1,a\n")
    invalid(one({"file": "t.csv"}), "name the one to use with `column:`", base_dir=tmp_path)
    invalid(one({"file": "t.csv", "column": "nam"}), "did you mean 'name'", base_dir=tmp_path)
    invalid(one({"file": "t.csv", "field": "name"}), "use `column` for a .csv file",
            base_dir=tmp_path)


def test_unique_errors():
    base = {**COMPANY}
    invalid({**base, "unique": ["ProductNam"]}, "unique names 'ProductNam', which is not a "
            "slot", "did you mean 'ProductName'", "defined slots: CompanyName")
    invalid({**base, "unique": ["CompanyName"]}, "'CompanyName' is a faker slot",
            "choice, file, randint, sample, const")
    invalid({**base, "unique": ["ProductName", "ProductName"]}, "listed twice")
    invalid({"fields": {"t": "{p}"}, "slots": {"p": {"uniform": [0, 1]}}, "unique": ["p"]},
            "'p' is a uniform slot")


def test_derive_cycles_and_slot_names():
    invalid({"fields": {"t": "{a}"}, "slots": {"a": {"derive": "{b}"}, "b": {"derive": "{a}"}}},
            "cycle: ")
    text = invalid({"fields": {"t": "{a}"}, "slots": {"a": {"derive": "{{ a + 1 }}"}}},
                   "cycle: a -> a")
    assert "slots.a.derive" in text
    invalid({"fields": {"t": "x"}, "slots": {"my-slot": {"const": 1}}},
            "slot name 'my-slot' cannot be used")
    invalid({"fields": {"t": "x"}, "slots": {"none": {"const": 1}}}, "slot name 'none'")
    invalid({"fields": {}, "slots": {}}, "at least 1")
    invalid({"fields": {"t": "x"}, "slot": {}}, "slot")


def test_config_round_trips(tmp_path):
    (tmp_path / "c.txt").write_text("a\nb\n")
    params = {**MIXED, "slots": {**MIXED["slots"], "city": {"file": "c.txt"}},
              "unique": ["ProductName"]}
    config = TemplateConfig.model_validate(params, context={"base_dir": str(tmp_path)})
    dumped = config.model_dump(mode="json")
    assert dumped["slots"]["toppings"]["sample"]["from"] == ["ham", "egg", "corn", "kale"]
    again = TemplateConfig.model_validate(dumped)
    gen = TemplateGenerator(again, Context(seed=7), "news")
    assert outputs(gen, 3) == outputs(TemplateGenerator(config, Context(seed=7), "news"), 3)
    digest = config.model_dump(mode="json", context={"fingerprint": True})
    assert digest["slots"]["city"]["file"].startswith("sha256:")


def test_recipe_locates_errors(tmp_path):
    from synthforge.errors import RecipeError
    from synthforge.recipe import load_recipe

    (tmp_path / "c.txt").write_text("Paris\n")
    params = {"fields": {"t": "{city}"}, "slots": {"city": {"file": "c.txt"}}}
    recipe = {"name": "r", "target": 5, "mix": [{"generator": "template", "params": params}]}
    loaded = load_recipe(recipe, base_dir=tmp_path)
    assert isinstance(loaded.mix[0].params, TemplateConfig)
    recipe["mix"][0]["params"]["slots"]["city"] = {"file": "c.txt", "colum": "x"}
    with pytest.raises(RecipeError, match=r"mix\.0\.params\.slots\.city: unknown key 'colum'"):
        load_recipe(recipe, base_dir=tmp_path)


def test_item_generation_is_lazy_about_k():
    gen = make(COMPANY)
    far = gen.generate(10**12)
    assert far == gen.generate(10**12)
    assert list(islice((gen.generate(k) for k in range(3)), 3)) == outputs(gen, 3)


DATES = {
    "fields": {"text": "{d} {b} {t}"},
    "slots": {"d": {"faker": {"provider": "date_between", "args": {"start_date": "-1y"}}},
              "b": {"faker": "date_of_birth"},
              "t": {"faker": "date_time"}},
}


def test_faker_dates_are_measured_from_the_recipes_today_not_the_clock():
    import datetime as dt

    values = [make(DATES).generate(k)[1]["slots"]["d"] for k in range(300)]
    assert min(values) >= "2024-12-31" and max(values) <= "2026-01-01"  # Faker: 1y = 365.25 d
    later = [make({**DATES, "today": "2030-06-01"}).generate(k)[1]["slots"]["d"]
             for k in range(300)]
    assert min(later) >= "2029-05-31" and max(later) <= "2030-06-01"
    assert dt.date.today().year >= 2026  # the real clock is untouched outside a draw
    assert type(dt.datetime.now()) is dt.datetime


def test_faker_dates_do_not_depend_on_the_time_zone():
    code = ("import sys, json; sys.path.insert(0, 'tests');"
            "from test_templates import make, DATES;"
            "print(json.dumps([make(DATES).generate(k)[0] for k in range(20)]))")
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env={**os.environ, "TZ": tz}, check=True).stdout
            for tz in ("UTC", "Asia/Tokyo", "America/Los_Angeles")}
    assert len(outs) == 1


def test_choice_mappings_with_number_keys_survive_the_lock_file(in_tmp):
    import synthforge as sf

    recipe = {"name": "n", "target": 20, "mix": [{"generator": "template", "params": {
        "fields": {"text": "{{ amount + 1 }}"}, "slots": {"amount": {"choice": {500: 3, 7: 1}}}}}]}
    first = sf.run(recipe, "r")
    again = sf.load_recipe(first.lock["recipe"])
    assert again.fingerprint() == first.fingerprint
    gen = again.mix[0].params.slots["amount"]
    assert gen.choice == [500, 7] and gen.weights == [3, 1]
    assert {r.data["text"] for r in first.records()} <= {"501", "8"}
