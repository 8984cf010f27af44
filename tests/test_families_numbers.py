"""Family-specific checks for the number families (group A): answer forms, configs, solutions.

The shared contract (oracle answers, wrong answers, true arithmetic, distinct questions,
schedules) is in test_procedural.py; these tests pin what each family accepts and refuses,
that its parameters are validated and take effect, and what its worked solutions contain.
"""

from __future__ import annotations

import random
import re
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from math import gcd, lcm

import pytest
from pydantic import ValidationError

from synthforge import registry
from synthforge.generate.procedural.answers import _EQUATION, wrong_equations
from synthforge.generate.procedural.base import Family, Task, families
from synthforge.stage import Context

registry.ensure_loaded()
FAMILIES = families()
OURS = ("fractions_arith", "percentages", "rounding", "gcd_lcm", "gsm_word_problem",
        "rate_problem", "count_legs", "number_sequence")


def build(name: str, level: int = 3, seed: int = 5, **params) -> Family:
    cls = FAMILIES[name]
    return cls(cls.Config(difficulty=level, **params), Context(seed=seed), name)


def items(name: str, level: int = 3, n: int = 200, **params):
    gen = build(name, level, **params)
    cls = FAMILIES[name]
    for k in range(n):
        data, meta = gen.generate(k)
        yield cls.task(data, meta), data, meta


def score(name: str, answer: str, expected: str, **check) -> float:
    return FAMILIES[name].score(answer, Task("q", expected, "s", check))


@pytest.mark.parametrize("name", OURS)
def test_registered_with_docs(name):
    cls = FAMILIES[name]
    assert cls.__doc__ and cls.__doc__.strip().splitlines()[0]
    assert cls.domain and cls.skills and cls.answer_kind


@pytest.mark.parametrize("name", OURS)
def test_solutions_end_with_the_answer_and_hold(name):
    cls = FAMILIES[name]
    for level in (1, 3, 5):
        for task, data, _ in items(name, level, 150):
            last = task.solution.splitlines()[-1]
            assert task.answer.split(",")[0].strip().lstrip("$") in last, (last, task.answer)
            assert len(task.solution.splitlines()) >= 2
            assert not wrong_equations(task.solution)
            assert cls.score(cls.extract(data["response"]), task) == 1.0


# ---- fractions_arith ----------------------------------------------------------------------

def test_fractions_equivalent_forms():
    for ok in ("3/4", "0.75", "6/8", " 3 / 4 ", "75/100"):
        assert score("fractions_arith", ok, "3/4") == 1.0, ok
    for bad in ("3/5", "0.7", "4/3", "-3/4", "75%", "", "three quarters"):
        assert score("fractions_arith", bad, "3/4") == 0.0, bad
    assert score("fractions_arith", "1 1/2", "3/2") == 1.0
    assert score("fractions_arith", "1.5", "3/2") == 1.0
    assert score("fractions_arith", "0.33", "1/3") == 0.0
    assert score("fractions_arith", "-7/30", "-7/30") == 1.0


def test_fractions_simplify_items_need_lowest_terms():
    check = {"simplify": True, "given": "18/24"}
    assert score("fractions_arith", "3/4", "3/4", **check) == 1.0
    for bad in ("6/8", "18/24", "0.75", "9/12"):
        assert score("fractions_arith", bad, "3/4", **check) == 0.0, bad
    assert score("fractions_arith", "1 3/4", "7/4", simplify=True, given="14/8") == 1.0
    assert score("fractions_arith", "1 6/8", "7/4", simplify=True, given="14/8") == 0.0


def test_fractions_answers_are_in_lowest_terms_and_solutions_explain():
    seen = set()
    for level in (1, 2, 3, 4, 5):
        for task, data, _ in items("fractions_arith", level, 200):
            value = Fraction(task.answer)
            assert task.answer == (str(value.numerator) if value.denominator == 1 else
                                   f"{value.numerator}/{value.denominator}")
            q = data["question"]
            if task.check.get("simplify"):
                seen.add("simplify")
                assert "greatest common divisor" in task.solution
            elif " + " in q or " - " in q:
                seen.add("add")
                assert ("least common denominator" in task.solution
                        or "denominators are the same" in task.solution)
            if " ÷ " in q:
                seen.add("divide")
                assert "reciprocal" in task.solution
            if re.search(r"\b\d+ \d+/\d+", q):
                seen.add("mixed")
                assert "improper fractions" in task.solution
    assert seen == {"simplify", "add", "divide", "mixed"}


def test_fractions_config():
    with pytest.raises(ValidationError):
        FAMILIES["fractions_arith"].Config(max_denominator=1)
    with pytest.raises(ValidationError):
        FAMILIES["fractions_arith"].Config(max_denominator=5000)
    for task, data, _ in items("fractions_arith", 2, 100, max_denominator=6):
        if not task.check.get("simplify"):
            dens = [int(d) for d in re.findall(r"/(\d+)", data["question"])]
            assert dens and max(dens) <= 6, data["question"]


# ---- percentages --------------------------------------------------------------------------

def test_percentages_percent_answers():
    for ok in ("25", "25%", "25 %", "25 percent", "25.0%", "25 per cent"):
        assert score("percentages", ok, "25%", percent=True) == 1.0, ok
    for bad in ("0.25", "1/4", "24%", "250%", "25 dollars"):
        assert score("percentages", bad, "25%", percent=True) == 0.0, bad
    assert score("percentages", "12.5%", "12.5%", percent=True) == 1.0
    assert score("percentages", "0.5", "0.5%", percent=True) == 1.0  # 0.5 percent


def test_percentages_amount_answers():
    for ok in ("$42.50", "42.5", "42.50", "42.50 dollars", "$42.5"):
        assert score("percentages", ok, "$42.50") == 1.0, ok
    for bad in ("42.5%", "$42.05", "4250", "42"):
        assert score("percentages", bad, "$42.50") == 0.0, bad
    assert score("percentages", "1,200", "1200") == 1.0
    assert score("percentages", "20 students", "20") == 1.0


def test_percentages_items_are_exact_and_worked():
    kinds = set()
    for level in (1, 2, 3, 4, 5):
        for task, data, _ in items("percentages", level, 200):
            kind = task.check["kind"]
            kinds.add(kind)
            if task.check.get("percent"):
                assert task.answer.endswith("%") and "percent" in data["question"].lower()
            else:
                assert "%" not in task.answer
                value = Fraction(task.answer.lstrip("$"))
                assert (value * 1000).denominator == 1  # exact, three decimals at most
                if task.answer.startswith("$"):
                    assert (value * 100).denominator == 1  # whole cents
            assert "÷ 100" in task.solution or "× 100" in task.solution or "×" in task.solution
    assert kinds == {"of", "what", "change", "apply", "discount", "discount_tax", "reverse",
                     "successive", "compound"}


def test_percentages_discount_example():
    gen = build("percentages", 1)
    for k in range(400):
        data, meta = gen.generate(k)
        if meta["check"]["kind"] == "discount":
            price = Fraction(re.search(r"\$(\d+(?:\.\d+)?)", data["question"]).group(1))
            off = Fraction(re.search(r"(\d+)%", data["question"]).group(1))
            assert Fraction(data["answer"].lstrip("$")) == price * (1 - off / 100)
            assert "Subtract it from the price" in data["solution"]
            break
    else:
        pytest.fail("no discount item")


# ---- rounding -----------------------------------------------------------------------------

def test_rounding_value_must_match():
    assert score("rounding", "3.5", "3.50") == 1.0
    assert score("rounding", "3.50", "3.50") == 1.0
    for bad in ("3.49", "3.51", "7/2", "350%", "3"):
        assert score("rounding", bad, "3.50") == 0.0, bad
    for ok in ("1200", "1,200", "1.2e3", "1.2 × 10^3", "1.2 x 10^3"):
        assert score("rounding", ok, "1200") == 1.0, ok
    assert score("rounding", "1.3 × 10^3", "1200") == 0.0
    assert score("rounding", "-0.00926", "-0.00926") == 1.0


@pytest.mark.parametrize("rule", ["half_up", "half_even"])
def test_rounding_ties_state_the_rule(rule):
    mode = ROUND_HALF_EVEN if rule == "half_even" else ROUND_HALF_UP
    ties = 0
    for task, data, _ in items("rounding", 4, 600, tie_rule=rule):
        if "exactly halfway" not in task.solution:
            continue
        ties += 1
        q = data["question"].lower()
        assert ("even" in q) if rule == "half_even" else ("up" in q or "away from zero" in q)
        x = Decimal(task.check["unrounded"])
        quantum = Decimal(1).scaleb(task.check["place"])
        assert x.quantize(quantum, mode) == Decimal(task.answer), (q, task.answer)
    assert ties >= 20


def test_rounding_answers_are_correct():
    for level in (1, 3, 5):
        for task, data, _ in items("rounding", level, 300):
            x = Decimal(task.check["unrounded"])
            quantum = Decimal(1).scaleb(task.check["place"])
            half_even = "even" in data["question"]
            mode = ROUND_HALF_EVEN if half_even else ROUND_HALF_UP
            assert x.quantize(quantum, mode) == Decimal(task.answer), (data["question"],
                                                                       task.answer)


def test_rounding_tie_examples():
    gen = FAMILIES["rounding"]
    # 2.5 to the nearest whole number: half up gives 3, half to even gives 2
    assert Decimal("2.5").quantize(Decimal(1), ROUND_HALF_UP) == 3
    assert Decimal("2.5").quantize(Decimal(1), ROUND_HALF_EVEN) == 2
    assert gen.score("3", Task("Round 2.5 to the nearest whole number. Round halves up.",
                               "3", "s")) == 1.0
    assert gen.score("2", Task("q", "3", "s")) == 0.0


def test_rounding_config():
    with pytest.raises(ValidationError):
        FAMILIES["rounding"].Config(tie_rule="up")
    with pytest.raises(ValidationError):
        FAMILIES["rounding"].Config(max_decimals=9)
    for task, _, _ in items("rounding", 3, 200, max_decimals=1):
        if task.check["kind"] == "dp":
            assert len(task.answer.partition(".")[2]) <= 1


# ---- gcd_lcm ------------------------------------------------------------------------------

def test_gcd_lcm_answers_and_methods():
    methods = set()
    for level in (1, 3, 5):
        for task, _, _ in items("gcd_lcm", level, 200):
            nums = task.check["numbers"]
            g, m = nums[0], nums[0]
            for n in nums[1:]:
                g, m = gcd(g, n), lcm(m, n)
            assert int(task.answer) == (g if task.check["kind"] == "gcd" else m)
            if "Euclidean" in task.solution:
                methods.add("euclid")
                assert "remainder 0" in task.solution
            else:
                methods.add("factorise")
                assert "product of primes" in task.solution
    assert methods == {"euclid", "factorise"}
    assert score("gcd_lcm", "12 cm", "12") == 1.0
    assert score("gcd_lcm", "12", "12") == 1.0
    assert score("gcd_lcm", "24", "12") == 0.0


def test_gcd_lcm_config():
    with pytest.raises(ValidationError):
        FAMILIES["gcd_lcm"].Config(count=5)
    with pytest.raises(ValidationError):
        FAMILIES["gcd_lcm"].Config(max_value=5)
    for task, _, _ in items("gcd_lcm", 1, 50, count=4, max_value=500):
        assert len(task.check["numbers"]) == 4 and max(task.check["numbers"]) <= 500


# ---- gsm_word_problem ---------------------------------------------------------------------

def test_gsm_steps_equal_level_plus_one():
    stories = set()
    for level in (1, 2, 3, 4, 5):
        for task, _, _ in items("gsm_word_problem", level, 300):
            stories.add(task.check["story"])
            assert len(_EQUATION.findall(task.solution)) == level + 1, task.solution
            assert task.check["steps"] == level + 1
            assert not task.answer.startswith(("-", "$-"))
            if task.answer.startswith("$"):
                cents = Fraction(task.answer[1:]) * 100
                assert cents.denominator == 1 and cents > 0
            else:
                assert int(task.answer) >= 0
    from synthforge.generate.procedural.gsm_word_problem import STORIES
    assert stories == set(STORIES) and len(STORIES) >= 12


def test_gsm_answer_forms_and_config():
    for ok in ("$12.50", "12.5", "12.50 dollars", "$12.5"):
        assert score("gsm_word_problem", ok, "$12.50") == 1.0, ok
    assert score("gsm_word_problem", "$12.05", "$12.50") == 0.0
    assert score("gsm_word_problem", "31 cookies", "31") == 1.0
    assert score("gsm_word_problem", "1,200", "1200") == 1.0
    assert score("gsm_word_problem", "30", "31") == 0.0
    with pytest.raises(ValidationError):
        FAMILIES["gsm_word_problem"].Config(stories=["nope"])
    with pytest.raises(ValidationError):
        FAMILIES["gsm_word_problem"].Config(stories=[])
    picked = {t.check["story"] for t, _, _ in items("gsm_word_problem", 2, 50,
                                                    stories=["ages", "farm"])}
    assert picked == {"ages", "farm"}


def test_gsm_solution_lines_each_have_a_sentence():
    for task, _, _ in items("gsm_word_problem", 5, 100):
        for line in task.solution.splitlines():
            assert re.search(r"[A-Za-z]{3,}", line), line


# ---- rate_problem -------------------------------------------------------------------------

def test_rate_answer_forms():
    for ok in ("2.5", "5/2", "2 1/2", "2.5 hours", "2 hours 30 minutes", "2 h 30 min"):
        assert score("rate_problem", ok, "2.5") == 1.0, ok
    for bad in ("2.4", "3", "150 minutes", "2:30"):
        assert score("rate_problem", bad, "2.5") == 0.0, bad
    assert score("rate_problem", "$3.75", "$3.75") == 1.0
    assert score("rate_problem", "120 km", "120") == 1.0


def test_rate_work_answers():
    from synthforge.generate.procedural.rate_problem import parse_value

    kinds = set()
    for level in (1, 2, 3, 4, 5):
        for task, data, _ in items("rate_problem", level, 200):
            kinds.add(task.check["kind"])
            if task.check["kind"] == "work":
                a, b = map(int, re.findall(r"in (\d+) hours", data["question"]))
                assert parse_value(task.answer) == Fraction(a * b, a + b)
                assert "1/" in task.solution
            if task.check["kind"] == "round_trip":
                assert "not the average of the two speeds" in task.solution
    assert {"sdt", "work", "pipes", "meet", "catch", "round_trip", "unit", "recipe"} <= kinds


def test_rate_config():
    with pytest.raises(ValidationError):
        FAMILIES["rate_problem"].Config(kinds=["teleport"])
    assert {t.check["kind"] for t, _, _ in items("rate_problem", 1, 40, kinds=["pipes"])} == \
        {"pipes"}


# ---- count_legs ---------------------------------------------------------------------------

def test_count_legs_answers_and_solution():
    from synthforge.generate.procedural.count_legs import ANIMALS, FURNITURE, LEGLESS

    table = ANIMALS + FURNITURE + LEGLESS
    legs = {one: n for one, many, n in table} | {many: n for one, many, n in table}
    words = "|".join(sorted(map(re.escape, legs), key=len, reverse=True))
    pattern = re.compile(rf"\b(\d+) ({words})\b")
    for level in (1, 3, 5):
        for task, data, _ in items("count_legs", level, 200):
            if " Then " in data["question"]:
                continue  # animals arrive or leave before the count
            found = pattern.findall(data["question"])
            total = sum(int(c) * legs[w] for c, w in found)
            assert total == int(task.answer), (data["question"], found)
    assert score("count_legs", "22", "22") == 1.0
    assert score("count_legs", "22 legs", "22") == 1.0
    assert score("count_legs", "There are 22 legs.", "22") == 1.0
    assert score("count_legs", "1,024", "1024") == 1.0
    for bad in ("21", "22.5", "twenty-two", "2 + 20"):
        assert score("count_legs", bad, "22") == 0.0, bad


def test_count_legs_config():
    with pytest.raises(ValidationError):
        FAMILIES["count_legs"].Config(kinds=0)
    with pytest.raises(ValidationError):
        FAMILIES["count_legs"].Config(max_count=0)
    for task, data, _ in items("count_legs", 1, 50, kinds=4, max_count=3):
        products = [line for line in task.solution.splitlines() if " legs: " in line
                    or "no legs" in line]
        assert len(products) == 4
        assert all(int(c) <= 3 for c in re.findall(r"(\d+) [a-z]", data["question"]))


# ---- number_sequence ----------------------------------------------------------------------

def test_sequence_list_answers():
    for ok in ("29, 34", "29,34", "29 34", "29 and 34", "[29, 34]"):
        assert score("number_sequence", ok, "29, 34") == 1.0, ok
    for bad in ("34, 29", "29", "29, 34, 39", "29, 35"):
        assert score("number_sequence", bad, "29, 34") == 0.0, bad
    assert score("number_sequence", "-13", "-13") == 1.0
    assert score("number_sequence", "13", "-13") == 0.0


def test_sequence_patterns_are_explained():
    words = {"arithmetic": "difference is always", "geometric": "Ratios",
             "quadratic": "ifferences", "fibonacci": "sum of the two",
             "tribonacci": "sum of the three", "alternating": "alternate",
             "interleaved": "interleaved", "multiplier": "multiplier",
             "doubling": "the one before"}
    kinds = set()
    for level in (1, 2, 3, 4, 5):
        for task, _, _ in items("number_sequence", level, 200):
            kinds.add(task.check["kind"])
            assert words[task.check["kind"]] in task.solution, task.solution
            assert len(task.answer.split(",")) == task.check["count"]
    assert kinds == set(words)


def test_sequence_next_term_is_consistent_for_arithmetic():
    for task, data, _ in items("number_sequence", 1, 200):
        if task.check["kind"] != "arithmetic" or "?" in data["question"].rstrip("?") \
                or "missing" in data["question"] or "blank" in data["question"]:
            continue
        shown = [int(x) for x in re.findall(r"-?\d+", data["question"])]
        if len(shown) >= 4 and shown[1] - shown[0] == shown[2] - shown[1]:
            assert int(task.answer) == shown[-1] + shown[1] - shown[0]


def test_sequence_config():
    with pytest.raises(ValidationError):
        FAMILIES["number_sequence"].Config(terms_shown=3)
    for _, data, _ in items("number_sequence", 3, 30, terms_shown=9):
        q = data["question"]
        if "term of" not in q and "th term" not in q:
            assert len(re.findall(r"-?\d+|\?,", q)) >= 9, q


# ---- determinism --------------------------------------------------------------------------

@pytest.mark.parametrize("name", OURS)
def test_make_uses_only_the_given_rng(name):
    gen = build(name, 4)
    cls = FAMILIES[name]
    first = gen.make(random.Random(42), 4)
    random.seed(0)
    random.random()
    again = gen.make(random.Random(42), 4)
    assert first == again
    assert cls.score(first.answer, first) == 1.0
