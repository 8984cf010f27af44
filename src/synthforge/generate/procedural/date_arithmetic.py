"""Calendar arithmetic: days, weeks, months and years added to or taken from dates, days
between two dates, and ages, worked with day-of-year numbers and the leap-year rule."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta

from pydantic import Field, field_validator

from synthforge.generate.procedural.answers import parse_number
from synthforge.generate.procedural.base import Family, FamilyConfig, Task, family

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
MONTH_NUMBER = {**{m.casefold(): i + 1 for i, m in enumerate(MONTHS)},
                **{m[:3].casefold(): i + 1 for i, m in enumerate(MONTHS)}, "sept": 9}
WEEKDAY_NUMBER = {**{w.casefold(): i for i, w in enumerate(WEEKDAYS)},
                  **{w[:3].casefold(): i for i, w in enumerate(WEEKDAYS)},
                  "tues": 1, "weds": 2, "thur": 3, "thurs": 3}
_MONTH = r"(january|february|march|april|may|june|july|august|september|october|november|" \
         r"december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
_WEEKDAY = r"(?:(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues|tue|weds|" \
           r"wed|thurs|thur|thu|fri|sat|sun)\.?,?\s+)?"
_ORD = r"(?:st|nd|rd|th)?"
DATE_FORMS = (
    (re.compile(rf"^{_WEEKDAY}(\d{{4}})[-/](\d{{1,2}})[-/](\d{{1,2}})$"), ("w", "y", "m", "d")),
    (re.compile(rf"^{_WEEKDAY}{_MONTH}\s+(\d{{1,2}}){_ORD},?\s+(\d{{4}})$"), ("w", "M", "d", "y")),
    (re.compile(rf"^{_WEEKDAY}(?:the\s+)?(\d{{1,2}}){_ORD}\s+(?:of\s+)?{_MONTH},?\s+(\d{{4}})$"),
     ("w", "d", "M", "y")),
)
NUMBER_WORDS = re.compile(r"^\s*(-?[\d,]+)\s*([a-z ]*?)\s*\.?\s*$")


# ---- the calendar -------------------------------------------------------------------------

def is_leap(y: int) -> bool:
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


def month_len(y: int, m: int) -> int:
    return 29 if m == 2 and is_leap(y) else _DAYS[m - 1]


def year_len(y: int) -> int:
    return 366 if is_leap(y) else 365


def leap_note(y: int) -> str:
    """Why `y` is or is not a leap year."""
    if y % 400 == 0:
        return f"{y} is a leap year, being divisible by 400"
    if y % 100 == 0:
        return f"{y} is not a leap year, being divisible by 100 but not by 400"
    if y % 4 == 0:
        return f"{y} is a leap year, being divisible by 4"
    return f"{y} is not a leap year"


def long(d: date) -> str:
    return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"


def show(d: date, style: int) -> str:
    """A date as a question writes it: ISO, `March 5, 2024` or `5 March 2024`."""
    if style == 0:
        return d.isoformat()
    if style == 1:
        return long(d)
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def day_of_year(d: date) -> int:
    return d.toordinal() - date(d.year, 1, 1).toordinal() + 1


def doy_line(d: date) -> str:
    """`March 5, 2024 is day 31 + 29 + 5 = 65 of 2024`."""
    n = day_of_year(d)
    if d.month == 1:
        return f"{long(d)} is day {n} of {d.year}."
    parts = [str(month_len(d.year, m)) for m in range(1, d.month)]
    note = ""
    if d.month > 2:
        note = f"; {leap_note(d.year)}, so February has {month_len(d.year, 2)} days"
    return f"{long(d)} is day {' + '.join(parts)} + {d.day} = {n} of {d.year}{note}."


def from_doy_line(y: int, n: int) -> tuple[str, date]:
    """Which date day `n` of year `y` is, subtracting whole months."""
    m, rest, parts = 1, n, []
    while rest > month_len(y, m):
        rest -= month_len(y, m)
        parts.append(str(month_len(y, m)))
        m += 1
    d = date(y, m, rest)
    if not parts:
        return f"Day {n} of {y} is {long(d)}.", d
    return (f"Take away whole months: {n} - {' - '.join(parts)} = {rest}, so day {n} of {y} is "
            f"{long(d)}."), d


def shift_days(lines: list[str], start: date, n: int) -> date:
    """Write the day-of-year method for start ± n days (n may be negative)."""
    lines.append(doy_line(start))
    y, t = start.year, day_of_year(start)
    new = t + n
    lines.append(f"{t} + {n} = {new}." if n >= 0 else f"{t} - {-n} = {new}.")
    t = new
    steps, years = [], []
    while t > year_len(y):
        steps.append(f" - {year_len(y)}")
        years.append(y)
        t, y = t - year_len(y), y + 1
    while t <= 0:
        steps.append(f" + {year_len(y - 1)}")
        years.append(y - 1)
        t, y = t + year_len(y - 1), y - 1
    if years:
        lengths = "; ".join(f"{leap_note(x)}, so it has {year_len(x)} days" for x in years) \
            if len(years) <= 2 else _year_lengths(years)
        if new > 0:
            lines.append(f"Day {new} is past the end of {start.year}. Take away the lengths of "
                         f"the years passed ({lengths}): {new}{''.join(steps)} = {t}, which is "
                         f"day {t} of {y}.")
        else:
            lines.append(f"Day {new} falls before January 1, {start.year}. Add the lengths of "
                         f"the years going back ({lengths}): {new}{''.join(steps)} = {t}, which "
                         f"is day {t} of {y}.")
    text, found = from_doy_line(y, t)
    lines.append(text)
    assert found == start + timedelta(days=n)
    return found


def _year_lengths(years: list[int]) -> str:
    leaps = [x for x in years if is_leap(x)]
    skipped = [x for x in years if x % 100 == 0 and not is_leap(x)]
    text = f"{years[0]} to {years[-1]}: 366 days for the leap year{'s' if len(leaps) > 1 else ''}"\
        f" {', '.join(map(str, leaps))} and 365 for the others" if leaps else \
        f"{years[0]} to {years[-1]}: none is a leap year, so 365 days each"
    if skipped:
        text += f"; {', '.join(map(str, skipped))} is not a leap year, being divisible by 100 " \
                "but not by 400"
    return text


def add_months(lines: list[str], start: date, k: int) -> date:
    """Write start + k months (k may be negative), the day clamped to the month's length."""
    y, m = start.year, start.month
    idx = m - 1 + k
    y2, m2 = y + idx // 12, idx % 12 + 1
    total = m + k
    if 1 <= total <= 12:
        lines.append(f"Month {m} {'+' if k >= 0 else '-'} {abs(k)} = month {total}: "
                     f"{MONTHS[m2 - 1]} {y2}.")
    elif total > 12:
        years = (total - 1) // 12
        lines.append(f"Month {m} + {k} = {total}; {total} - {12 * years} = {m2}, so it is month "
                     f"{m2} of {y2} ({years} year{'s' if years > 1 else ''} later): "
                     f"{MONTHS[m2 - 1]} {y2}.")
    else:
        years = (12 - total) // 12
        lines.append(f"Month {m} - {-k} = {total}; {total} + {12 * years} = {m2}, so it is month "
                     f"{m2} of {y2} ({years} year{'s' if years > 1 else ''} earlier): "
                     f"{MONTHS[m2 - 1]} {y2}.")
    last = month_len(y2, m2)
    if start.day > last:
        lines.append(f"{MONTHS[m2 - 1]} {y2} has only {last} days, so the date becomes the last "
                     f"day of the month: {long(date(y2, m2, last))}.")
        return date(y2, m2, last)
    if start.day > 28:
        lines.append(f"{MONTHS[m2 - 1]} {y2} has {last} days, so day {start.day} exists.")
    return date(y2, m2, start.day)


def add_years(lines: list[str], start: date, k: int, prefix: str = "") -> date:
    y2 = start.year + k
    lines.append(f"{prefix}{start.year} {'+' if k >= 0 else '-'} {abs(k)} = {y2}.")
    if start.month == 2 and start.day == 29 and not is_leap(y2):
        lines.append(f"{leap_note(y2)}, so February 29 becomes February 28, {y2}.")
        return date(y2, 2, 28)
    return date(y2, start.month, start.day)


def days_between(lines: list[str], a: date, b: date) -> int:
    """Write the count of days from a to b (a before b)."""
    da, db = day_of_year(a), day_of_year(b)
    lines.append(doy_line(a))
    lines.append(doy_line(b))
    if a.year == b.year:
        lines.append(f"Both are in {a.year}: {db} - {da} = {db - da}.")
        return db - da
    rest = year_len(a.year) - da
    lines.append(f"{leap_note(a.year)}, so it has {year_len(a.year)} days; days from "
                 f"{long(a)} to the end of {a.year}: {year_len(a.year)} - {da} = {rest}.")
    years = list(range(a.year + 1, b.year))
    parts = [str(rest)]
    if years and len(years) <= 4:
        for y in years:
            lines.append(f"{leap_note(y)}: {year_len(y)} days.")
            parts.append(str(year_len(y)))
    elif years:
        leaps = [y for y in years if is_leap(y)]
        full = 365 * len(years)
        lines.append(f"The {len(years)} full years {years[0]} to {years[-1]}: "
                     f"{len(years)} × 365 = {full} days.")
        if leaps:
            skipped = [y for y in years if y % 100 == 0 and not is_leap(y)]
            why = f" ({', '.join(map(str, skipped))} is not, being divisible by 100 but not "\
                  "by 400)" if skipped else ""
            lines.append(f"Leap years among them: {', '.join(map(str, leaps))}{why}; "
                         f"{full} + {len(leaps)} = {full + len(leaps)}.")
        parts.append(str(full + len(leaps)))
    parts.append(str(db))
    total = b.toordinal() - a.toordinal()
    assert sum(map(int, parts)) == total
    lines.append(f"Then {db} days into {b.year}. Total: {' + '.join(parts)} = {total}.")
    return total


# ---- reading dates -------------------------------------------------------------------------

def parse_date(text: str) -> date | None:
    """A date from `2024-03-05`, `March 5, 2024`, `5 March 2024`, `Tuesday, March 5th, 2024`
    (a weekday, when given, must be right)."""
    s = " ".join(text.strip().rstrip(".").casefold().split())
    for pattern, fields in DATE_FORMS:
        m = pattern.match(s)
        if not m:
            continue
        got = dict(zip(fields, m.groups(), strict=True))
        try:
            month = MONTH_NUMBER[got["M"]] if "M" in got else int(got["m"])
            d = date(int(got["y"]), month, int(got["d"]))
        except (KeyError, ValueError):
            return None
        if got["w"] and WEEKDAY_NUMBER[got["w"]] != d.weekday():
            return None
        return d
    return None


# ---- the family ----------------------------------------------------------------------------

NAMES = ("Ava", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Isla", "Jamal",
         "Kira", "Liam", "Maya", "Noah", "Olga", "Priya", "Quinn", "Rosa", "Sam", "Tariq",
         "Uma", "Victor", "Wen", "Yusuf", "Zoe", "Aleks", "Bianca", "Cyrus", "Dalia", "Emeka")
# by level: kinds, largest day offset, year range
LEVELS = {
    1: (("add", "sub", "between"), 30, (1950, 2050)),
    2: (("add", "sub", "between", "weeks", "age"), 200, (1900, 2100)),
    3: (("add", "sub", "between", "months", "age"), 800, (1900, 2100)),
    4: (("add", "sub", "between", "months", "age", "weeks"), 2000, (1800, 2200)),
    5: (("combo", "between", "months", "age", "add", "sub"), 5000, (1700, 2300)),
}
FORMAT_HINTS = ("", "", " Give the date in YYYY-MM-DD form.", " Answer with a date.")
ADD_ASKS = ("What date is {n} days after {d}?", "What is the date {n} days after {d}?",
            "If today is {d}, what will the date be in {n} days?",
            "{Name} starts a {n}-day countdown on {d}. On what date does it reach zero?",
            "A parcel sent on {d} arrives {n} days later. On what date does it arrive?",
            "Which date comes {n} days after {d}?")
SUB_ASKS = ("What date is {n} days before {d}?", "What was the date {n} days before {d}?",
            "{Name}'s deadline is {d}. Work has to start {n} days earlier. On what date?",
            "Counting back {n} days from {d}, which date do you reach?",
            "Which date comes {n} days before {d}?")
BETWEEN_ASKS = ("How many days after {a} is {b}?", "How many days pass from {a} to {b}?",
                "{Name} leaves on {a} and returns on {b}. How many days later is the return?",
                "How many days does it take to go from {a} to {b} on the calendar?",
                "Find the number of days from {a} until {b}.")
WEEK_ASKS = ("What date is {n} weeks after {d}?", "What date was it {n} weeks before {d}?")
MONTH_ASKS = ("What date is {n} months after {d}?", "What date is {n} months before {d}?")
CLAMP = (" (If that day does not exist in the month, use the last day of the month.)",
         " If the day does not exist in the resulting month, take the month's last day.")
AGE_ASKS = ("{Name} was born on {b}. How old is {Name} on {d}?",
            "{Name}'s date of birth is {b}. What is {Name}'s age in whole years on {d}?",
            "How old, in completed years, is someone born on {b} on {d}?")


class DateConfig(FamilyConfig):
    years: tuple[int, int] | None = Field(
        None, description="First and last year of the dates asked about (default: by "
        "difficulty, wider at higher levels); within 1600-9000.")

    @field_validator("years")
    @classmethod
    def _years(cls, value: tuple[int, int] | None) -> tuple[int, int] | None:
        if value is not None and not 1600 <= value[0] < value[1] <= 9000:
            raise ValueError("years must be (first, last) with 1600 <= first < last <= 9000")
        return value


def _date(rng: random.Random, years: tuple[int, int]) -> date:
    return date.fromordinal(rng.randint(date(years[0], 1, 1).toordinal(),
                                        date(years[1], 12, 31).toordinal()))


@family("date_arithmetic")
class DateArithmetic(Family):
    """Add or subtract days, weeks, months and years, count days between dates, find ages."""

    Config = DateConfig
    domain = "calendar"
    skills = ("calendar arithmetic", "leap years", "day counting")
    answer_kind = "date_or_number"

    def make(self, rng: random.Random, level: int) -> Task:
        kinds, span, years = LEVELS[level]
        years = getattr(self.config, "years", None) or years
        kind = rng.choice(kinds)
        style = rng.randrange(3)
        name = rng.choice(NAMES)
        lines: list[str] = []
        start = _date(rng, years)
        unit = ""
        if kind in ("add", "sub"):
            n = rng.randint(1, span)
            if level == 1:  # stay within the year
                start = date(start.year, rng.randint(2, 11), rng.randint(1, 28))
            sign = 1 if kind == "add" else -1
            result: date | int = shift_days(lines, start, sign * n)
            ask = rng.choice(ADD_ASKS if kind == "add" else SUB_ASKS)
            question = ask.format(n=n, d=show(start, style), Name=name) + rng.choice(FORMAT_HINTS)
        elif kind == "weeks":
            n = rng.randint(1, span // 7)
            sign = rng.choice((1, -1))
            lines.append(f"{n} week{'s' if n > 1 else ''} = {n} × 7 = {7 * n} days.")
            result = shift_days(lines, start, sign * 7 * n)
            question = WEEK_ASKS[sign < 0].format(n=n, d=show(start, style)) + \
                rng.choice(FORMAT_HINTS)
        elif kind == "between":
            last = date(years[1], 12, 31)
            if start >= last:
                start = last - timedelta(days=rng.randint(1, 365))
            room = (last - start).days
            other = start + timedelta(days=rng.randint(1, min(room, 60 if level == 1 else
                                                              span * (1 if level < 5 else 3))))
            result = days_between(lines, start, other)
            unit = "days"
            question = rng.choice(BETWEEN_ASKS).format(a=show(start, style),
                                                       b=show(other, style), Name=name)
        elif kind == "months":
            n = rng.randint(1, 11 if level < 4 else 40)
            sign = rng.choice((1, -1))
            if rng.random() < 0.5:  # month ends are the interesting cases
                start = date(start.year, start.month, month_len(start.year, start.month))
            result = add_months(lines, start, sign * n)
            question = MONTH_ASKS[sign < 0].format(n=n, d=show(start, style)) + \
                rng.choice(CLAMP) + rng.choice(FORMAT_HINTS)
        elif kind == "age":
            birth, on = self._age_dates(rng, level, years)
            result = self._age(lines, birth, on)
            unit = "years"
            question = rng.choice(AGE_ASKS).format(Name=name, b=show(birth, style),
                                                   d=show(on, style))
        else:
            result, question = self._combo(rng, lines, start, style)
        if isinstance(result, date):
            answer = result.isoformat()
            lines.append(f"So the date is {long(result)} ({answer}).")
            check = {"type": "date"}
        else:
            answer = str(result)
            lines.append(f"So the answer is {result} {unit}.")
            check = {"type": "number", "unit": unit}
        return Task(question, answer, "\n".join(lines), check)

    @staticmethod
    def _age_dates(rng: random.Random, level: int, years: tuple[int, int]) -> tuple[date, date]:
        """A birth date and a later date, both within the years (the later one at least a
        year on)."""
        last = date(years[1], 12, 31)
        birth = _date(rng, (years[0], years[1] - 1))
        if level >= 4 and rng.random() < 0.25:
            leaps = [y for y in range(birth.year, min(birth.year + 40, years[1])) if is_leap(y)]
            if leaps:
                birth = date(rng.choice(leaps), 2, 29)
        on = birth + timedelta(days=rng.randint(366, max(366, min(365 * 90,
                                                                  (last - birth).days))))
        if rng.random() < 0.3:  # near the birthday
            y = on.year
            day = min(birth.day, month_len(y, birth.month))
            on = date(y, birth.month, day) + timedelta(days=rng.randint(-3, 3))
        if birth.month == 2 and birth.day == 29 and on.month == 2 and on.day == 28:
            on += timedelta(days=2)  # both conventions (Feb 28 or Mar 1) agree then
        if on > last:
            on = last
        if on.year <= birth.year:
            on = date(birth.year + 1, 12, 31)
        return birth, on

    @staticmethod
    def _age(lines: list[str], birth: date, on: date) -> int:
        diff = on.year - birth.year
        lines.append(f"Difference of the years: {on.year} - {birth.year} = {diff}.")
        bday = f"{MONTHS[birth.month - 1]} {birth.day}"
        if (on.month, on.day) >= (birth.month, birth.day):
            note = ""
            if birth.month == 2 and birth.day == 29 and not is_leap(on.year):
                note = f" ({on.year} has no February 29, but that day is over by March 1)"
            lines.append(f"By {MONTHS[on.month - 1]} {on.day} the birthday ({bday}) has already "
                         f"come in {on.year}{note}, so the age is {diff}.")
            return diff
        lines.append(f"On {MONTHS[on.month - 1]} {on.day} the birthday ({bday}) has not yet come "
                     f"in {on.year}, so subtract one: {diff} - 1 = {diff - 1}.")
        return diff - 1

    @staticmethod
    def _combo(rng: random.Random, lines: list[str], start: date,
               style: int) -> tuple[date, str]:
        ys, ms, ds = rng.randint(1, 30), rng.randint(1, 11), rng.randint(1, 60)
        sign = rng.choice((1, -1))
        parts = f"{ys} year{'s' if ys > 1 else ''}, {ms} month{'s' if ms > 1 else ''} and " \
                f"{ds} day{'s' if ds > 1 else ''}"
        question = (f"What date is {parts} {'after' if sign > 0 else 'before'} "
                    f"{show(start, style)}? {'Add' if sign > 0 else 'Take away'} the years first, "
                    "then the months, then the days; if a day does not exist in a month, use that "
                    "month's last day.")
        d = add_years(lines, start, sign * ys,
                      f"{'Add' if sign > 0 else 'Take away'} the years: ")
        lines.append(f"That gives {long(d)}. Now the months:")
        d = add_months(lines, d, sign * ms)
        lines.append(f"That gives {long(d)}. Now the days:")
        d = shift_days(lines, d, sign * ds)
        return d, question

    # -- scoring -------------------------------------------------------------------------
    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        want_date = parse_date(task.answer)
        if want_date is not None:
            return 1.0 if parse_date(answer) == want_date else 0.0
        m = NUMBER_WORDS.match(answer.casefold())
        if not m:
            return 0.0
        unit = (task.check or {}).get("unit", "")
        words = m.group(2).strip()
        allowed = {"", unit, unit.rstrip("s"), f"{unit} old", f"{unit.rstrip('s')} old"}
        if words not in allowed:
            return 0.0
        got, want = parse_number(m.group(1)), parse_number(task.answer)
        return 1.0 if got is not None and got == want else 0.0

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        want = parse_date(task.answer)
        if want is None:
            n = int(task.answer)
            return [str(n + 1), str(n - 1), str(n + 365), f"{n + 1} days"]
        out = [(want + timedelta(days=1)).isoformat(), long(want - timedelta(days=1)),
               f"{WEEKDAYS[(want.weekday() + 1) % 7]}, {long(want)}"]
        try:
            out.append(want.replace(year=want.year + 1).isoformat())
        except ValueError:
            out.append(want.replace(year=want.year + 1, day=28).isoformat())
        if want.day <= 12 and want.day != want.month:
            out.append(f"{want.year}-{want.day:02d}-{want.month:02d}")  # month and day swapped
        return out
