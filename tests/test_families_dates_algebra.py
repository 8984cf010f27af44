"""Group B task families (algebra, units, dates and times, probability): the answer forms each
verifier accepts, the near misses it rejects, calendar edge cases checked against `datetime`,
and config validation.

Decisions these tests pin down:
- Numbers are compared exactly unless the question asks for rounding. A probability of 1/6
  accepts `1/6`, `2/12` (the same value) and `1 in 6`, but not `0.1667`; 1/4 accepts `0.25`
  and `25%`.
- When a question says "round to n decimal places", the rounded value (halves up) passes, and so
  does any value closer than half a unit in the n-th place to the exact result; one unit off in
  the n-th place fails.
- A unit after a number must be the unit asked for (`12.5 km` passes for kilometres, `12.5 m`
  fails); data symbols are case-sensitive (`Mb` is a megabit, not a megabyte).
- Times accept 24-hour and 12-hour forms; a day note (`next day`), when given, must be right.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from synthforge import registry
from synthforge.generate.procedural.base import Task, families
from synthforge.generate.procedural.date_arithmetic import (
    add_months,
    day_of_year,
    days_between,
    is_leap,
    parse_date,
    shift_days,
)
from synthforge.stage import Context

registry.ensure_loaded()
FAMILIES = families()
GROUP_B = ("linear_system", "quadratic_roots", "unit_conversion", "temperature_conversion",
           "date_arithmetic", "weekday", "time_arithmetic", "probability", "combinatorics",
           "expected_value")


def score(name: str, answer: str, expected: str, check: dict | None = None) -> float:
    return FAMILIES[name].score(answer, Task("q", expected, "s", check or {}))


def build(name: str, level: int, seed: int = 7, **params):
    cls = FAMILIES[name]
    return cls(cls.Config(difficulty=level, **params), Context(seed=seed), name)


def test_all_group_b_families_are_registered():
    assert set(GROUP_B) <= set(FAMILIES)


# ---- algebra ---------------------------------------------------------------------------------

@pytest.mark.parametrize("answer", ["x = 3, y = -2", "y=-2, x=3", "x = 3 and y = -2",
                                    "(3, -2)", "3, -2", "x=3; y=-2", "x = 3.0, y = −2"])
def test_linear_system_accepts_assignments_in_any_order_and_tuples(answer):
    assert score("linear_system", answer, "x = 3, y = -2") == 1.0


@pytest.mark.parametrize("answer", ["x = -2, y = 3", "(-2, 3)", "x = 3", "x = 3, y = -2, z = 1",
                                    "x = 3, x = 4, y = -2", "x = 4, y = -2", "3"])
def test_linear_system_rejects_near_misses(answer):
    assert score("linear_system", answer, "x = 3, y = -2") == 0.0


def test_linear_system_fractions_and_three_unknowns():
    want = "p = -7/2, q = -1/2, r = 11/2"
    assert score("linear_system", "r = 5.5, q = -0.5, p = -3.5", want) == 1.0
    assert score("linear_system", "(-7/2, -1/2, 11/2)", want) == 1.0
    assert score("linear_system", "(-1/2, -7/2, 11/2)", want) == 0.0


def test_linear_system_solutions_satisfy_the_equations():
    from fractions import Fraction

    for level in (1, 3, 4, 5):
        gen = build("linear_system", level)
        for k in range(200):
            data, meta = gen.generate(k)
            check = meta["check"]
            values = dict(zip(check["variables"], map(Fraction, check["solution"]), strict=True))
            assert data["answer"] == ", ".join(f"{v} = {s}" for v, s in zip(
                check["variables"], check["solution"], strict=True))
            assert len(values) == (2 if level < 4 else 3)
            if level == 5:
                assert any(v.denominator > 1 for v in values.values())


@pytest.mark.parametrize("answer", ["x = 3 or x = -2", "x = -2 or x = 3", "{-2, 3}", "3 and -2",
                                    "-2, 3", "x1 = 3, x2 = -2", "[3, -2]", "(-2, 3)"])
def test_quadratic_roots_accepts_the_root_set_in_any_form(answer):
    assert score("quadratic_roots", answer, "x = -2 or x = 3", {"variable": "x"}) == 1.0


@pytest.mark.parametrize("answer", ["x = 3", "x = 2 or x = -3", "x = 3 or x = -2 or x = 1",
                                    "x = 3 or x = 2", "x = 3 or x = -2 or x = -2.5", "x = three"])
def test_quadratic_roots_rejects_near_misses(answer):
    assert score("quadratic_roots", answer, "x = -2 or x = 3", {"variable": "x"}) == 0.0


def test_quadratic_roots_double_roots_plus_minus_and_fractions():
    assert score("quadratic_roots", "x = 3", "x = 3") == 1.0
    assert score("quadratic_roots", "x = 3 (double root)", "x = 3") == 1.0
    assert score("quadratic_roots", "3, 3", "x = 3") == 1.0
    assert score("quadratic_roots", "x = 3 or x = -3", "x = 3") == 0.0
    assert score("quadratic_roots", "x = ±3", "x = -3 or x = 3") == 1.0
    assert score("quadratic_roots", "x = 1.5 or x = -1/3", "x = -1/3 or x = 3/2") == 1.0
    assert score("quadratic_roots", "x = 1.5 or x = -0.33", "x = -1/3 or x = 3/2") == 0.0


def test_quadratic_roots_are_roots():
    from fractions import Fraction

    from synthforge.generate.procedural.quadratic_roots import QuadraticRoots

    for level in (1, 2, 3, 4, 5):
        gen = build("quadratic_roots", level)
        for k in range(200):
            data, meta = gen.generate(k)
            roots = QuadraticRoots.parse_roots(data["answer"])
            check = meta["check"]
            assert roots and {Fraction(r) for r in check["roots"]} == roots
            equation, v = check["equation"], check["variable"]
            assert equation in data["question"]
            left, right = (side_value(part, v) for part in equation.split(" = "))
            for r in roots:  # each root satisfies the equation as asked
                assert left(r) == right(r), (equation, r)
            # and nothing else does: the difference is a quadratic with exactly these roots
            a = left(1) + left(-1) - 2 * left(0) - (right(1) + right(-1) - 2 * right(0))
            assert a != 0


def side_value(text: str, v: str):
    """A function evaluating one side of `3x² - 5x + 2` (as the generator writes it) at x."""
    import re
    from fractions import Fraction

    terms = re.findall(rf"([+-]?)\s*(\d*)({v}²|{v})?", text.replace(" ", ""))
    parsed = []
    for sign, digits, power in terms:
        if not digits and not power:
            continue
        coef = int(digits) if digits else 1
        parsed.append((-coef if sign == "-" else coef, {f"{v}²": 2, v: 1}.get(power, 0)))

    def value(x):
        return sum(Fraction(c) * Fraction(x) ** p for c, p in parsed)

    return value


# ---- units and temperatures -------------------------------------------------------------------

def _unit_task(answer: str, unit: str, places: int | None, exact: str) -> dict:
    return {"unit": unit, "places": places, "exact": exact}


def test_unit_conversion_units_after_the_number():
    check = _unit_task("3500", "m", None, "3500/1")
    for ok in ("3500", "3500 m", "3,500 metres", "3500 meters", "3500m", "3500 m."):
        assert score("unit_conversion", ok, "3500", check) == 1.0, ok
    for bad in ("3500 km", "3500 cm", "350", "3500 miles"):
        assert score("unit_conversion", bad, "3500", check) == 0.0, bad


def test_unit_conversion_rounding_tolerance():
    # 150 cm in inches = 59.0551181... ; asked to 2 decimal places
    exact = "7500/127"
    check = _unit_task("59.06", "in", 2, exact)
    for ok in ("59.06", "59.055", "59.0551 in", "59.06 inches", "≈ 59.06"):
        assert score("unit_conversion", ok, "59.06", check) == 1.0, ok
    for bad in ("59.05", "59.07", "59.1", "59", "59.06 cm"):
        assert score("unit_conversion", bad, "59.06", check) == 0.0, bad


def test_unit_conversion_exact_answers_need_the_exact_value():
    check = _unit_task("4.1875", "gal", None, "67/16")
    assert score("unit_conversion", "4.1875 US gallons", "4.1875", check) == 1.0
    assert score("unit_conversion", "67/16", "4.1875", check) == 1.0
    assert score("unit_conversion", "4.19", "4.1875", check) == 0.0


def test_unit_conversion_data_symbols_are_case_sensitive():
    check = _unit_task("2", "MB", None, "2/1")
    assert score("unit_conversion", "2 MB", "2", check) == 1.0
    assert score("unit_conversion", "2 megabytes", "2", check) == 1.0
    assert score("unit_conversion", "2 Mb", "2", check) == 0.0
    check = _unit_task("16", "bit", None, "16/1")
    assert score("unit_conversion", "16 bits", "16", check) == 1.0
    assert score("unit_conversion", "16 B", "16", check) == 0.0


def test_unit_conversion_factors_are_exact():
    from fractions import Fraction

    from synthforge.generate.procedural.unit_conversion import UNITS

    assert UNITS["mi"].factor == Fraction("1609.344")
    assert UNITS["ft2"].factor == UNITS["ft"].factor ** 2
    assert UNITS["ft3"].factor == (UNITS["ft"].factor * 100) ** 3
    assert UNITS["acre"].factor == 43560 * UNITS["ft2"].factor
    assert UNITS["mph"].factor == UNITS["mi"].factor / 3600
    assert UNITS["gal"].factor == 231 * UNITS["in3"].factor


def test_unit_conversion_answers_match_the_exact_result():
    from fractions import Fraction

    from synthforge.generate.procedural.unit_conversion import round_half_up

    for level in (1, 2, 3, 4, 5):
        gen = build("unit_conversion", level)
        for k in range(300):
            data, meta = gen.generate(k)
            check = meta["check"]
            exact = Fraction(check["exact"])
            if check["places"] is None:
                assert Fraction(data["answer"]) == exact
            else:
                assert Fraction(data["answer"]) == round_half_up(exact, check["places"])
                assert "decimal place" in data["question"] or "whole number" in data["question"] \
                    or "nearest" in data["question"]


def test_temperature_forms():
    check = {"unit": "F", "places": None, "exact": "77/1"}
    for ok in ("77", "77 °F", "77°F", "77 degrees Fahrenheit", "77 F", "77 fahrenheit"):
        assert score("temperature_conversion", ok, "77", check) == 1.0, ok
    for bad in ("77 °C", "77 K", "76", "25"):
        assert score("temperature_conversion", bad, "77", check) == 0.0, bad
    check = {"unit": "C", "places": 2, "exact": "980/9"}  # 228 °F = 108.888... °C
    assert score("temperature_conversion", "108.89", "108.89", check) == 1.0
    assert score("temperature_conversion", "108.889 °C", "108.89", check) == 1.0
    assert score("temperature_conversion", "108.88", "108.89", check) == 0.0


def test_temperature_formulas():
    from fractions import Fraction

    from synthforge.generate.procedural.temperature_conversion import Work, convert

    assert convert(Work([]), Fraction(100), "C", "F") == 212
    assert convert(Work([]), Fraction(-40), "F", "C") == -40
    assert convert(Work([]), Fraction(0), "K", "C") == Fraction("-273.15")
    assert convert(Work([]), Fraction(212), "F", "K") == Fraction("373.15")
    assert convert(Work([]), Fraction("273.15"), "K", "F") == 32


# ---- dates -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["2024-03-05", "2024-3-5", "March 5, 2024", "5 March 2024",
                                  "Mar 5, 2024", "march 5th, 2024", "the 5th of March 2024",
                                  "Tuesday, March 5, 2024", "2024/03/05", "Tue, 5 March 2024."])
def test_dates_accept_iso_and_long_forms(text):
    assert parse_date(text) == date(2024, 3, 5)
    assert score("date_arithmetic", text, "2024-03-05", {"type": "date"}) == 1.0


@pytest.mark.parametrize("text", ["2024-03-06", "March 4, 2024", "Monday, March 5, 2024",
                                  "03/05/2024", "2024-05-03", "March 5", "2023-03-05", ""])
def test_dates_reject_near_misses(text):
    assert score("date_arithmetic", text, "2024-03-05", {"type": "date"}) == 0.0


def test_day_counts_and_ages_accept_units():
    check = {"type": "number", "unit": "days"}
    assert score("date_arithmetic", "866", "866", check) == 1.0
    assert score("date_arithmetic", "866 days", "866", check) == 1.0
    assert score("date_arithmetic", "867", "866", check) == 0.0
    assert score("date_arithmetic", "866 years", "866", check) == 0.0
    check = {"type": "number", "unit": "years"}
    assert score("date_arithmetic", "33 years old", "33", check) == 1.0


def test_leap_year_rule():
    assert is_leap(2024) and is_leap(2000) and is_leap(1600)
    assert not is_leap(1900) and not is_leap(2100) and not is_leap(2023)
    for y in range(1600, 2401):
        assert is_leap(y) == ((date(y, 12, 31) - date(y, 1, 1)).days == 365)


@pytest.mark.parametrize(("start", "n"), [
    (date(2024, 2, 28), 1), (date(2024, 2, 28), 2), (date(2023, 2, 28), 1),
    (date(1900, 2, 28), 1), (date(2000, 2, 28), 1), (date(2024, 3, 1), -1),
    (date(2100, 3, 1), -1), (date(2023, 12, 31), 1), (date(2024, 1, 1), -1),
    (date(1999, 12, 31), 366), (date(2024, 12, 31), -366), (date(1896, 6, 1), 3000),
])
def test_shifting_days_across_month_ends_and_leap_days(start, n):
    lines: list[str] = []
    assert shift_days(lines, start, n) == start + timedelta(days=n)
    assert lines


def test_shifting_days_random_against_datetime():
    rng = random.Random(5)
    for _ in range(2000):
        start = date.fromordinal(rng.randint(date(1600, 1, 1).toordinal(),
                                             date(2400, 12, 31).toordinal()))
        n = rng.randint(-4000, 4000)
        assert shift_days([], start, n) == start + timedelta(days=n)
        other = start + timedelta(days=abs(n) + 1)
        assert days_between([], start, other) == (other - start).days
        assert day_of_year(start) == start.timetuple().tm_yday


@pytest.mark.parametrize(("start", "k", "want"), [
    (date(2024, 1, 31), 1, date(2024, 2, 29)), (date(2023, 1, 31), 1, date(2023, 2, 28)),
    (date(1900, 1, 31), 1, date(1900, 2, 28)), (date(2000, 1, 31), 1, date(2000, 2, 29)),
    (date(2024, 3, 31), -1, date(2024, 2, 29)), (date(2024, 5, 31), 1, date(2024, 6, 30)),
    (date(2024, 11, 30), 3, date(2025, 2, 28)), (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2024, 2, 29), 48, date(2028, 2, 29)), (date(2024, 1, 15), -25, date(2021, 12, 15)),
])
def test_adding_months_clamps_to_the_month_end(start, k, want):
    assert add_months([], start, k) == want


def test_date_answers_match_their_questions():
    for level in (1, 2, 3, 4, 5):
        gen = build("date_arithmetic", level)
        for k in range(300):
            data, meta = gen.generate(k)
            if meta["check"]["type"] == "date":
                assert parse_date(data["answer"]) is not None
                assert data["answer"] in data["solution"]
            else:
                assert int(data["answer"]) >= 0


def test_weekday_forms():
    for ok in ("Tuesday", "tuesday", "TUESDAY", "Tue", "Tues.", "It is a Tuesday.",
               "It was Tuesday", "on a Tuesday"):
        assert score("weekday", ok, "Tuesday") == 1.0, ok
    for bad in ("Monday", "Tuesday or Wednesday", "Thursday", "T", ""):
        assert score("weekday", bad, "Tuesday") == 0.0, bad


def test_weekday_answers_agree_with_datetime():
    from synthforge.generate.procedural.date_arithmetic import WEEKDAYS

    for level in (1, 2, 3, 4, 5):
        gen = build("weekday", level)
        for k in range(400):
            data, meta = gen.generate(k)
            if meta["check"]:
                day = date.fromisoformat(meta["check"]["date"])
                assert data["answer"] == WEEKDAYS[day.weekday()]


# ---- clock times -----------------------------------------------------------------------------

def test_clock_forms():
    check = {"type": "time", "days": 0}
    for ok in ("14:05", "2:05 PM", "2:05 pm", "2:05 p.m.", "2:05pm", "14:05:00", "at 14:05",
               "14:05 (same day)"):
        assert score("time_arithmetic", ok, "14:05", check) == 1.0, ok
    for bad in ("2:05 AM", "14:06", "15:05", "2:05", "14:05 (next day)", "1405"):
        assert score("time_arithmetic", bad, "14:05", check) == 0.0, bad


def test_midnight_noon_and_day_notes():
    assert score("time_arithmetic", "12:00 AM", "00:00", {"type": "time", "days": 1}) == 1.0
    assert score("time_arithmetic", "midnight", "00:00", {"type": "time", "days": 1}) == 1.0
    assert score("time_arithmetic", "00:00 the next day", "00:00",
                 {"type": "time", "days": 1}) == 1.0
    assert score("time_arithmetic", "00:00 (previous day)", "00:00",
                 {"type": "time", "days": 1}) == 0.0
    assert score("time_arithmetic", "12 noon", "12:00", {"type": "time", "days": 0}) == 1.0
    assert score("time_arithmetic", "12:00 PM", "12:00", {"type": "time", "days": 0}) == 1.0
    assert score("time_arithmetic", "04:55 (3 days later)", "04:55",
                 {"type": "time", "days": 3}) == 1.0


def test_duration_forms():
    check = {"type": "duration", "minutes": 325, "unit": "hours and minutes"}
    for ok in ("5 h 25 min", "5 hours and 25 minutes", "5:25", "325 minutes", "5h 25m",
               "5 hr 25 mins"):
        assert score("time_arithmetic", ok, "5 h 25 min", check) == 1.0, ok
    for bad in ("5 h 26 min", "325", "5.25 hours", "6 h 25 min"):
        assert score("time_arithmetic", bad, "5 h 25 min", check) == 0.0, bad
    check = {"type": "duration", "minutes": 90, "unit": "minutes"}
    assert score("time_arithmetic", "90", "90", check) == 1.0
    assert score("time_arithmetic", "1.5 hours", "90", check) == 1.0
    assert score("time_arithmetic", "1 h 30 min", "90", check) == 1.0


def test_time_answers_are_consistent():
    from synthforge.generate.procedural.time_arithmetic import parse_clock

    for level in (1, 2, 3, 4, 5):
        gen = build("time_arithmetic", level)
        for k in range(300):
            data, meta = gen.generate(k)
            if meta["check"]["type"] == "time":
                assert parse_clock(data["answer"]) is not None
                assert len(data["answer"]) == 5 and data["answer"][2] == ":"


# ---- probability, counting, expectation -------------------------------------------------------

def test_probability_forms():
    for ok in ("1/4", "0.25", "25%", "2/8", "1 in 4", ".25"):
        assert score("probability", ok, "1/4") == 1.0, ok
    for bad in ("3/4", "0.26", "1/5", "4", "25"):
        assert score("probability", bad, "1/4") == 0.0, bad
    # exact values only: a rounded decimal for a non-terminating probability is rejected
    assert score("probability", "1/6", "1/6") == 1.0
    assert score("probability", "0.1667", "1/6") == 0.0
    assert score("probability", "16.67%", "1/6") == 0.0


def test_probabilities_are_in_lowest_terms_and_between_0_and_1():
    from fractions import Fraction

    for level in (1, 2, 3, 4, 5):
        gen = build("probability", level)
        for k in range(300):
            data, _ = gen.generate(k)
            value = Fraction(data["answer"])
            assert 0 < value < 1 and str(value) == data["answer"]


def test_combinatorics_forms():
    for ok in ("120", "120 ways", "120 arrangements.", " 120 "):
        assert score("combinatorics", ok, "120") == 1.0, ok
    for bad in ("121", "720", "120.5", "one hundred twenty"):
        assert score("combinatorics", bad, "120") == 0.0, bad
    assert score("combinatorics", "17,576,000", "17576000") == 1.0


def test_combinatorics_answers_are_whole_numbers():
    for level in (1, 3, 5):
        gen = build("combinatorics", level)
        for k in range(200):
            data, _ = gen.generate(k)
            assert int(data["answer"]) > 0


def test_expected_value_forms():
    for ok in ("7/2", "3.5", "3 1/2", "3.50", "3.5 points"):
        assert score("expected_value", ok, "3.5") == 1.0, ok
    for bad in ("3.4", "7/3", "4", "3.55"):
        assert score("expected_value", bad, "3.5") == 0.0, bad
    for ok in ("-0.25", "-$0.25", "$-0.25", "-1/4", "−0.25 dollars"):
        assert score("expected_value", ok, "-0.25") == 1.0, ok
    assert score("expected_value", "0.25", "-0.25") == 0.0
    assert score("expected_value", "4.47", "161/36") == 0.0  # exact answers only


# ---- configs ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["date_arithmetic", "weekday"])
def test_year_range_config(name):
    cls = FAMILIES[name]
    for bad in ((2000, 1990), (1500, 2000), (2000, 9500), (2000, 2000)):
        with pytest.raises(ValidationError):
            cls.Config(years=bad)
    with pytest.raises(ValidationError):
        cls.Config(year_range=(1990, 2000))
    gen = build(name, 3, years=(1990, 1995))
    for k in range(200):
        data, _ = gen.generate(k)
        years = [int(w.strip(",.?")) for w in data["question"].replace("-", " ").split()
                 if w.strip(",.?").isdigit() and len(w.strip(",.?")) == 4]
        assert years and all(1980 <= y <= 2005 for y in years), data["question"]


@pytest.mark.parametrize("name", GROUP_B)
def test_difficulty_is_validated(name):
    cls = FAMILIES[name]
    with pytest.raises(ValidationError):
        cls.Config(difficulty=6)
    with pytest.raises(ValidationError):
        cls.Config(difficulty=0)
    with pytest.raises(ValidationError):
        cls.Config(unknown_key=1)


@pytest.mark.parametrize("name", GROUP_B)
def test_levels_change_the_items(name):
    """Level 5 items take longer worked solutions than level 1 items."""
    def mean_lines(level: int) -> float:
        gen = build(name, level)
        return sum(gen.generate(k)[0]["solution"].count("\n") + 1 for k in range(200)) / 200

    assert mean_lines(5) > mean_lines(1)
