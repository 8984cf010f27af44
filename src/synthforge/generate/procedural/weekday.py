"""The day of the week of a date, found by counting days from a known date and dividing by 7."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta

from synthforge.generate.procedural.base import Family, Task, family
from synthforge.generate.procedural.date_arithmetic import (
    NAMES,
    WEEKDAY_NUMBER,
    WEEKDAYS,
    DateConfig,
    day_of_year,
    doy_line,
    leap_note,
    long,
    show,
    year_len,
)

ANCHOR = date(2000, 1, 1)  # a Saturday
FILLER = frozenset({"it", "is", "was", "will", "be", "a", "an", "on", "the", "day", "answer",
                    "that", "falls", "fell", "of", "week"})
WORDS = re.compile(r"[a-z]+")
# by level: how the question is set, year range
LEVELS = {1: ("month", (1900, 2100)), 2: ("year", (1900, 2100)), 3: ("years", (1900, 2100)),
          4: ("anchor", (1900, 2100)), 5: ("anchor", (1583, 2400))}
ASKS = ("What day of the week is {d}?", "On what day of the week does {d} fall?",
        "Which weekday is {d}?", "{Name} has an appointment on {d}. What day of the week is it?",
        "Find the day of the week of {d}.", "What weekday does {d} fall on?")
PAST_ASKS = ("What day of the week was {d}?", "On which weekday did {d} fall?",
             "{Name} was born on {d}. On what day of the week was that?",
             "Which day of the week was {d}?")
GIVEN = ("{a} is a {w}.", "{a} falls on a {w}.", "Given that {a} is a {w}:",
         "{Name}'s calendar shows that {a} is a {w}.")
PURE = ("Today is {w}. What day of the week will it be in {n} days? ({Name} wants to know.)",
        "{Name} says: it is {w} today. What day of the week was it {n} days ago?",
        "{Name}'s trip starts on a {w} and ends {n} days after the start. On what day of the "
        "week does it end?",
        "{Name} started a diary on a {w}, {n} days ago. What day of the week is it today?",
        "{Name} plants seeds on a {w}; they sprout {n} days later. On what weekday do they "
        "sprout?",
        "{Name}'s exam is on a {w}. What day of the week is {n} days before it?")


def count(w: int, r: int, forward: bool) -> tuple[int, str]:
    """The weekday r days after (or before) weekday w, and the days passed on the way."""
    step = 1 if forward else -1
    passed = [WEEKDAYS[(w + step * i) % 7] for i in range(1, r + 1)]
    return (w + step * r) % 7, ", ".join(passed)


def remainder_lines(lines: list[str], days: int, w: int, forward: bool, what: str) -> int:
    """Divide by 7, then count the remainder on from weekday w."""
    q, r = divmod(days, 7)
    if q:
        lines.append(f"Whole weeks do not change the weekday: 7 × {q} = {7 * q} and "
                     f"{days} - {7 * q} = {r}, so the remainder is {r}.")
    else:
        lines.append(f"{days} is less than 7, so the remainder is {days}.")
    result, passed = count(w, r, forward)
    if r == 0:
        lines.append(f"A remainder of 0 means the same weekday as {what}: {WEEKDAYS[w]}.")
    else:
        lines.append(f"Count {r} day{'s' if r > 1 else ''} {'forward' if forward else 'back'} "
                     f"from {WEEKDAYS[w]} ({what}): {passed}.")
    return result


def span_days(lines: list[str], a: date, b: date) -> int:
    """Write the number of days from a to b (a before b) through day-of-year numbers."""
    da, db = day_of_year(a), day_of_year(b)
    if (a.year, a.month) == (b.year, b.month):
        lines.append(f"Both dates are in {long(a).split()[0]} {a.year}: {b.day} - {a.day} = "
                     f"{b.day - a.day} days apart.")
        return b.day - a.day
    lines.append(doy_line(a))
    lines.append(doy_line(b))
    if a.year == b.year:
        lines.append(f"The difference is {db} - {da} = {db - da} days.")
        return db - da
    rest = year_len(a.year) - da
    lines.append(f"{leap_note(a.year)}, so it has {year_len(a.year)} days; from {long(a)} to "
                 f"the end of {a.year}: {year_len(a.year)} - {da} = {rest} days.")
    parts = [str(rest)]
    for y in range(a.year + 1, b.year):
        lines.append(f"{leap_note(y)}: {year_len(y)} days.")
        parts.append(str(year_len(y)))
    parts.append(str(db))
    total = b.toordinal() - a.toordinal()
    lines.append(f"Then {db} days into {b.year}. In all: {' + '.join(parts)} = {total} days.")
    return total


def leap_count(lines: list[str], lo: int, hi: int) -> int:
    """Write the number of leap years in lo..hi by the 4/100/400 rule."""
    n4 = hi // 4 - (lo - 1) // 4
    n100 = hi // 100 - (lo - 1) // 100
    n400 = hi // 400 - (lo - 1) // 400
    leaps = n4 - n100 + n400
    lines.append(f"Leap years from {lo} to {hi}: {n4} multiples of 4, less {n100} multiples "
                 f"of 100, plus {n400} multiples of 400: {n4} - {n100} + {n400} = {leaps}.")
    return leaps


@family("weekday")
class Weekday(Family):
    """Find the day of the week of a date by counting days from a known date modulo 7."""

    Config = DateConfig
    domain = "calendar"
    skills = ("day counting", "division with remainder", "leap years")
    answer_kind = "weekday"

    def make(self, rng: random.Random, level: int) -> Task:
        how, years = LEVELS[level]
        years = getattr(self.config, "years", None) or years
        name = rng.choice(NAMES)
        style = rng.randrange(3)
        lines: list[str] = []
        if how == "month" and rng.random() < 0.35:
            return self._pure(rng, name, lines)
        target = date.fromordinal(rng.randint(date(years[0], 1, 1).toordinal(),
                                              date(years[1], 12, 31).toordinal()))
        if how == "anchor":
            question = rng.choice(ASKS if target >= date(2030, 1, 1) or rng.random() < 0.5
                                  else PAST_ASKS).format(d=show(target, style), Name=name)
            if level == 4:
                question += " (January 1, 2000 was a Saturday.)"
            else:
                question += " Use the Gregorian calendar."
            result = self._from_anchor(lines, target)
        else:
            if how == "month":
                last = 28 if target.month == 2 else 30
                day = rng.randint(1, last)
                while day == target.day:
                    day = rng.randint(1, last)
                ref = date(target.year, target.month, day)
            elif how == "year":
                ref = date(target.year, rng.randint(1, 12), rng.randint(1, 28))
                while ref == target:
                    ref = date(target.year, rng.randint(1, 12), rng.randint(1, 28))
            else:
                ref = target + timedelta(days=rng.choice((1, -1)) * rng.randint(366, 365 * 6))
            given = rng.choice(GIVEN).format(a=show(ref, style), w=WEEKDAYS[ref.weekday()],
                                             Name=name)
            question = given + " " + rng.choice(ASKS).format(d=show(target, style), Name=name)
            if target < ref:
                days = span_days(lines, target, ref)
                lines.append(f"So {long(target)} is {days} days before {long(ref)}.")
            else:
                days = span_days(lines, ref, target)
                lines.append(f"So {long(target)} is {days} days after {long(ref)}.")
            result = remainder_lines(lines, days, ref.weekday(), target > ref, long(ref))
        assert result == target.weekday()
        answer = WEEKDAYS[result]
        lines.append(f"So {long(target)} is a {answer}.")
        return Task(question, answer, "\n".join(lines), {"date": target.isoformat()})

    @staticmethod
    def _pure(rng: random.Random, name: str, lines: list[str]) -> Task:
        w, n = rng.randrange(7), rng.randint(2, 2000)
        ask = rng.randrange(len(PURE))
        question = PURE[ask].format(w=WEEKDAYS[w], n=n, Name=name)
        forward = ask not in (1, 5)
        lines.append(f"The weekdays repeat every 7 days, so only the remainder of {n} ÷ 7 "
                     "matters.")
        result = remainder_lines(lines, n, w, forward, "the starting day")
        answer = WEEKDAYS[result]
        lines.append(f"So the day is {answer}.")
        return Task(question, answer, "\n".join(lines), {})

    @staticmethod
    def _from_anchor(lines: list[str], target: date) -> int:
        lines.append("Count the days from a known date: January 1, 2000 was a Saturday.")
        y = target.year
        doy = day_of_year(target)
        if y >= 2000:
            years = y - 2000
            if years:
                lines.append(f"From January 1, 2000 to January 1, {y}: {years} years of 365 "
                             f"days, {years} × 365 = {365 * years}, plus one day for each leap "
                             f"year from 2000 to {y - 1}.")
                leaps = leap_count(lines, 2000, y - 1)
                to_jan = 365 * years + leaps
                lines.append(f"{365 * years} + {leaps} = {to_jan} days.")
            else:
                to_jan = 0
            lines.append(doy_line(target))
            days = to_jan + doy - 1
            if to_jan:
                lines.append(f"So {long(target)} is {to_jan} + {doy - 1} = {days} days after "
                             "January 1, 2000.")
            else:
                lines.append(f"So {long(target)} is {doy} - 1 = {days} days after January 1, "
                             "2000.")
            forward = True
        else:
            years = 2000 - y
            lines.append(f"From January 1, {y} to January 1, 2000: {years} years of 365 days, "
                         f"{years} × 365 = {365 * years}, plus one day for each leap year from "
                         f"{y} to 1999.")
            leaps = leap_count(lines, y, 1999)
            to_anchor = 365 * years + leaps
            lines.append(f"{365 * years} + {leaps} = {to_anchor} days.")
            lines.append(doy_line(target))
            days = to_anchor - (doy - 1)
            lines.append(f"{long(target)} is {doy - 1} days after January 1, {y}, so it is "
                         f"{to_anchor} - {doy - 1} = {days} days before January 1, 2000.")
            forward = False
        assert days == abs(target.toordinal() - ANCHOR.toordinal())
        return remainder_lines(lines, days, ANCHOR.weekday(), forward, "January 1, 2000")

    # -- scoring -------------------------------------------------------------------------
    @staticmethod
    def parse(text: str) -> int | None:
        words = [w for w in WORDS.findall(text.casefold()) if w not in FILLER]
        if len(words) != 1 or words[0] not in WEEKDAY_NUMBER:
            return None
        return WEEKDAY_NUMBER[words[0]]

    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        got = cls.parse(answer)
        return 1.0 if got is not None and got == cls.parse(task.answer) else 0.0

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        w = cls.parse(task.answer)
        assert w is not None
        return [WEEKDAYS[(w + 1) % 7], WEEKDAYS[(w - 1) % 7].lower(), WEEKDAYS[(w + 3) % 7][:3],
                f"{WEEKDAYS[w]} or {WEEKDAYS[(w + 1) % 7]}"]
