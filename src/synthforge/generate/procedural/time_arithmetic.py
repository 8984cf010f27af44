"""Clock arithmetic: durations added to and taken from times, time between two times, and
time zones with UTC offsets; answers as 24-hour `HH:MM` (12-hour forms accepted)."""

from __future__ import annotations

import random
import re
from fractions import Fraction

from synthforge.generate.procedural.base import Family, Task, family

NAMES = ("Ava", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Isla", "Jamal",
         "Kira", "Liam", "Maya", "Noah", "Olga", "Priya", "Quinn", "Rosa", "Sam", "Tariq",
         "Uma", "Victor", "Wen", "Yusuf", "Zoe", "Aleks", "Bianca", "Cyrus", "Dalia", "Emeka")
# city, standard-time UTC offset in minutes
CITIES = (("Tokyo", 540), ("Mumbai", 330), ("Kathmandu", 345), ("London", 0),
          ("New York", -300), ("Los Angeles", -480), ("Sydney", 600), ("Adelaide", 570),
          ("São Paulo", -180), ("Dubai", 240), ("Tehran", 210), ("Berlin", 60),
          ("Auckland", 720), ("Honolulu", -600), ("St. John's", -210), ("Moscow", 180),
          ("Singapore", 480), ("Reykjavik", 0), ("Chicago", -360), ("Denver", -420),
          ("Cairo", 120), ("Nairobi", 180), ("Karachi", 300), ("Dhaka", 360),
          ("Bangkok", 420), ("Anchorage", -540), ("Kabul", 270), ("Yangon", 390),
          ("Darwin", 570), ("Caracas", -240), ("Lima", -300), ("Manila", 480))
WHOLE_HOUR_CITIES = tuple(c for c in CITIES if c[1] % 60 == 0)
# by level: kinds, minute step of times, largest duration in minutes, crossing midnight,
# 12-hour clock in questions
LEVELS = {
    1: (("add", "add", "diff"), 5, 5 * 60 + 55, False, False),
    2: (("add", "sub", "diff"), 1, 10 * 60, False, False),
    3: (("add", "sub", "diff"), 1, 14 * 60, True, True),
    4: (("add", "sub", "diff", "zone"), 1, 72 * 60, True, True),
    5: (("zone", "flight", "flight", "diff", "add"), 1, 20 * 60, True, True),
}
ADD_ASKS = ("What time is it {d} after {t}?", "A meeting starts at {t} and lasts {d}. When "
            "does it end?", "{Name} starts baking at {t}; the bread needs {d}. At what time is "
            "it ready?", "A train departs at {t} and the journey takes {d}. At what time does it "
            "arrive?", "What time will it be {d} after {t}?", "{Name} sets a timer at {t} for "
            "{d}. What time is it when the timer goes off?")
SUB_ASKS = ("What time was it {d} before {t}?", "{Name} must arrive by {t} and the trip takes "
            "{d}. At what time must {Name} leave at the latest?", "A film ends at {t} and runs "
            "for {d}. At what time did it start?", "A task finished at {t} after {d} of work. "
            "When did it begin?")
DIFF_ASKS = ("How much time passes from {a} to {b}?", "{Name} sleeps from {a} until {b}. How "
             "long does {Name} sleep?", "A shift runs from {a} to {b}. How long is the shift?",
             "A machine runs from {a} until {b}. For how long does it run?",
             "{Name} leaves home at {a} and gets back at {b}. How long is {Name} away?")
DIFF_FORMS = (" Give the answer in hours and minutes.", " Give the answer in minutes.")
ANSWER_FORM = ("", " Give the time in 24-hour HH:MM format.", " Answer in HH:MM (24-hour).")

_CLOCK = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?(?::(\d{2}))?\s*(a\.?\s?m\.?|p\.?\s?m\.?)?$")
_DAY_NOTE = re.compile(r"\(?\s*(?:on\s+)?(the\s+)?(next|following|previous|same)\s+day\s*\)?|"
                       r"\(?\s*(?:the\s+)?day\s+(after|before)\s*\)?|\(?\s*([+-]\d)\s*(?:days?)?"
                       r"\s*\)?|\b(tomorrow|yesterday)\b|\(?\s*(\d+)\s+days?\s+(later|earlier)\s*\)?")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(hours?|hrs?|h|minutes?|mins?|m)\b")
_DURATION_CLOCK = re.compile(r"^(\d+):(\d{2})$")


# ---- writing times --------------------------------------------------------------------------

def hhmm(minutes: int) -> str:
    """`HH:MM` of a minute of the day."""
    h, m = divmod(minutes % 1440, 60)
    return f"{h:02d}:{m:02d}"


def twelve(minutes: int) -> str:
    """`2:05 PM` of a minute of the day."""
    h, m = divmod(minutes % 1440, 60)
    suffix = "AM" if h < 12 else "PM"
    return f"{(h % 12) or 12}:{m:02d} {suffix}"


def clock(minutes: int, style: int) -> str:
    return twelve(minutes) if style else hhmm(minutes)


def duration(minutes: int, style: int = 0) -> str:
    """`2 h 30 min`, or `2 hours and 30 minutes`."""
    h, m = divmod(minutes, 60)
    if style == 0:
        return " ".join(p for p in (f"{h} h" if h else "", f"{m} min" if m or not h else "")
                        if p)
    parts = [f"{h} hour{'s' if h != 1 else ''}" if h else "",
             f"{m} minute{'s' if m != 1 else ''}" if m or not h else ""]
    return " and ".join(p for p in parts if p)


def offset_text(off: int) -> str:
    sign = "+" if off >= 0 else "-"
    h, m = divmod(abs(off), 60)
    return f"UTC{sign}{h:02d}:{m:02d}"


def days_word(days: int) -> str:
    if days == 0:
        return "the same day"
    if days == 1:
        return "the next day"
    if days == -1:
        return "the previous day"
    return f"{abs(days)} days {'later' if days > 0 else 'earlier'}"


# ---- the column method ----------------------------------------------------------------------

def shift(lines: list[str], start: int, delta: int, label: str = "") -> tuple[int, int]:
    """Write start ± |delta| minutes by hours and minutes with carries; return (minute of day,
    days moved)."""
    h, m = divmod(start, 60)
    dh, dm = divmod(abs(delta), 60)
    prefix = f"{label}: " if label else ""
    if delta >= 0:
        mins = m + dm
        carry = mins // 60
        if carry:
            lines.append(f"{prefix}Minutes: {m} + {dm} = {mins}, which is 60 or more, so carry "
                         f"one hour: {mins} - 60 = {mins - 60}.")
        else:
            lines.append(f"{prefix}Minutes: {m} + {dm} = {mins}.")
        hours = h + dh + carry
        lines.append(f"Hours: {h} + {dh}{' + 1' if carry else ''} = {hours}.")
        mins -= 60 * carry
    else:
        mins = m - dm
        borrow = 1 if mins < 0 else 0
        if borrow:
            lines.append(f"{prefix}Minutes: {m} - {dm} is negative, so borrow one hour: "
                         f"{m} + 60 - {dm} = {mins + 60}.")
        else:
            lines.append(f"{prefix}Minutes: {m} - {dm} = {mins}.")
        hours = h - dh - borrow
        lines.append(f"Hours: {h} - {dh}{' - 1' if borrow else ''} = {hours}.")
        mins += 60 * borrow
    days = hours // 24
    if days > 0:
        lines.append(f"{hours} is 24 or more: {hours} - {24 * days} = {hours - 24 * days}, "
                     f"{days_word(days)}.")
    elif days < 0:
        lines.append(f"{hours} is negative: {hours} + {-24 * days} = {hours - 24 * days}, "
                     f"{days_word(days)}.")
    result = (hours - 24 * days) * 60 + mins
    assert result == (start + delta) % 1440 and days == (start + delta) // 1440
    return result, days


def since_midnight(lines: list[str], t: int, shown: str) -> None:
    h, m = divmod(t, 60)
    lines.append(f"{shown} is {h} × 60 + {m} = {t} minutes after midnight.")


def to_utc(lines: list[str], t: int, off: int, what: str) -> tuple[int, int]:
    if off == 0:
        lines.append(f"{what} is already in UTC (offset 0): {hhmm(t)} UTC.")
        return t, 0
    if off > 0:
        lines.append(f"{what} in UTC: subtract the offset, {duration(off)}.")
    else:
        lines.append(f"{what} in UTC: subtracting a negative offset means adding "
                     f"{duration(-off)}.")
    utc, days = shift(lines, t, -off)
    lines.append(f"That is {hhmm(utc)} UTC" + (f", {days_word(days)}." if days else "."))
    return utc, days


def from_utc(lines: list[str], utc: int, off: int, city: str) -> tuple[int, int]:
    if off == 0:
        lines.append(f"{city} is on UTC, so its local time is {hhmm(utc)}.")
        return utc, 0
    if off > 0:
        lines.append(f"For {city} local time add its offset, {duration(off)}.")
    else:
        lines.append(f"For {city} local time add its negative offset, that is, take away "
                     f"{duration(-off)}.")
    return shift(lines, utc, off)


# ---- reading answers ------------------------------------------------------------------------

def parse_clock(text: str) -> tuple[int, int | None] | None:
    """(minute of day, day note or None) from `14:05`, `2:05 pm`, `noon`, `02:10 (next day)`."""
    s = " ".join(text.casefold().strip().rstrip(".").split())
    days = None
    note = _DAY_NOTE.search(s)
    if note:
        word, rel, sign, talk = note.group(2), note.group(3), note.group(4), note.group(5)
        if note.group(6):
            days = int(note.group(6)) * (1 if note.group(7) == "later" else -1)
        elif word:
            days = {"next": 1, "following": 1, "previous": -1, "same": 0}[word]
        elif rel:
            days = 1 if rel == "after" else -1
        elif sign:
            days = int(sign)
        else:
            days = 1 if talk == "tomorrow" else -1
        s = (s[:note.start()] + s[note.end():]).strip(" ,;")
    s = s.removeprefix("at ").strip()
    if s in ("noon", "12 noon", "midday"):
        return 720, days
    if s in ("midnight", "12 midnight"):
        return 0, days
    m = _CLOCK.match(s)
    if not m:
        return None
    h, mins, secs, ampm = int(m.group(1)), m.group(2), m.group(3), m.group(4)
    if secs not in (None, "00") or (mins is None and not ampm):
        return None
    minute = int(mins or 0)
    if minute > 59:
        return None
    if ampm:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if ampm.startswith("p") else 0)
    elif h == 24 and minute == 0:
        h = 0
    elif h > 23:
        return None
    return h * 60 + minute, days


def parse_duration(text: str, minutes_default: bool) -> Fraction | None:
    """Minutes in `5 h 25 min`, `5 hours and 25 minutes`, `5:25`, `325 minutes`, `5.5 hours`
    (a bare number counts as minutes when the question asked for minutes)."""
    s = " ".join(text.casefold().strip().rstrip(".").split())
    m = _DURATION_CLOCK.match(s)
    if m:
        return Fraction(int(m.group(1)) * 60 + int(m.group(2))) if int(m.group(2)) < 60 else None
    if re.fullmatch(r"\d+", s):
        return Fraction(int(s)) if minutes_default else None
    parts = _DURATION_PART.findall(s)
    rest = _DURATION_PART.sub(" ", s).replace("and", " ").replace(",", " ").strip()
    if not parts or rest:
        return None
    total, seen = Fraction(0), set()
    for number, unit in parts:
        kind = "h" if unit.startswith("h") else "m"
        if kind in seen:
            return None
        seen.add(kind)
        total += Fraction(number) * (60 if kind == "h" else 1)
    return total


# ---- the family ----------------------------------------------------------------------------

@family("time_arithmetic")
class TimeArithmetic(Family):
    """Add durations to clock times, find the time between two times, convert time zones."""

    domain = "time"
    skills = ("clock arithmetic", "carrying minutes into hours", "time zones")
    answer_kind = "clock_time"

    def make(self, rng: random.Random, level: int) -> Task:
        kinds, step, longest, cross, twelve_hour = LEVELS[level]
        kind = rng.choice(kinds)
        name = rng.choice(NAMES)
        style = rng.randrange(2) if twelve_hour else 0
        dstyle = rng.randrange(2)
        lines: list[str] = []
        start = rng.randrange(0, 1440, step)
        if kind in ("add", "sub"):
            d = rng.randrange(step, longest + 1, step)
            if kind == "sub" and level >= 3 and rng.random() < 0.5:
                start = rng.randrange(0, 6 * 60, step)  # crossing midnight backwards
            if not cross:  # stay within the day
                if kind == "add":
                    start = rng.randrange(0, 1440 - d, step)
                else:
                    start = rng.randrange(d, 1440, step)
            delta = d if kind == "add" else -d
            lines.append(f"{'Add' if delta > 0 else 'Take away'} {duration(d)} "
                         f"{'to' if delta > 0 else 'from'} {hhmm(start)}, minutes first.")
            result, days = shift(lines, start, delta)
            asks = ADD_ASKS if kind == "add" else SUB_ASKS
            ask = rng.choice(asks) if d <= 16 * 60 else asks[0]
            question = ask.format(t=clock(start, style), d=duration(d, dstyle), Name=name)
            return self._time_task(question + rng.choice(ANSWER_FORM), result, days, lines)
        if kind == "diff":
            return self._diff(rng, lines, start, step, cross, style, name)
        return self._zone(rng, lines, start, kind, level, style, name, dstyle)

    @staticmethod
    def _time_task(question: str, result: int, days: int, lines: list[str]) -> Task:
        answer = hhmm(result)
        note = f" ({days_word(days)})" if days else ""
        lines.append(f"So the time is {answer}{note}, which is {twelve(result)}.")
        return Task(question, answer, "\n".join(lines), {"type": "time", "days": days})

    @staticmethod
    def _diff(rng: random.Random, lines: list[str], a: int, step: int, cross: bool, style: int,
              name: str) -> Task:
        if cross and rng.random() < 0.6:
            a = rng.randrange(18 * 60, 1440, step)
            b = rng.randrange(0, 12 * 60, step)
        else:
            a = rng.randrange(0, 1440 - 2 * step, step)
            b = rng.randrange(a + step, 1440, step)
        ask = rng.choice(DIFF_ASKS)
        a_text, b_text = clock(a, style), clock(b, style)
        if b < a:
            b_text += rng.choice((" the next day", " the following morning", " the next morning"))
        in_minutes = rng.randrange(2)
        question = ask.format(a=a_text, b=b_text, Name=name) + DIFF_FORMS[in_minutes]
        since_midnight(lines, a, hhmm(a))
        since_midnight(lines, b, hhmm(b))
        if b < a:
            to_midnight = 1440 - a
            lines.append(f"The end is on the next day. From {hhmm(a)} to midnight: "
                         f"1440 - {a} = {to_midnight} minutes; then {b} minutes after midnight.")
            total = to_midnight + b
            lines.append(f"Total: {to_midnight} + {b} = {total} minutes.")
        else:
            total = b - a
            lines.append(f"Difference: {b} - {a} = {total} minutes.")
        h, m = divmod(total, 60)
        if in_minutes:
            answer = str(total)
            lines.append(f"So the time between them is {total} minutes.")
        else:
            answer = duration(total)
            if h:
                lines.append(f"In hours: 60 × {h} = {60 * h} and {total} - {60 * h} = {m}, so "
                             f"{answer}.")
            else:
                lines.append(f"That is less than an hour: {answer}.")
        return Task(question, answer, "\n".join(lines),
                    {"type": "duration", "minutes": total, "unit": "minutes" if in_minutes
                     else "hours and minutes"})

    @staticmethod
    def _zone(rng: random.Random, lines: list[str], start: int, kind: str, level: int,
              style: int, name: str, dstyle: int) -> Task:
        pool = WHOLE_HOUR_CITIES if level < 5 else CITIES
        (ca, oa), (cb, ob) = rng.sample(pool, 2)
        while oa == ob:
            (ca, oa), (cb, ob) = rng.sample(pool, 2)
        where_a, where_b = f"{ca} ({offset_text(oa)})", f"{cb} ({offset_text(ob)})"
        lines.append(f"{ca} is at {offset_text(oa)} and {cb} at {offset_text(ob)}. Local time "
                     "is UTC plus the offset, so UTC is local time minus the offset.")
        total_days = 0
        if kind == "flight":
            d = rng.randrange(60, 17 * 60, 5)
            question = rng.choice((
                f"A flight leaves {where_a} at {clock(start, style)} local time and takes "
                f"{duration(d, dstyle)}. What is the local time in {where_b} when it lands?",
                f"{name} departs from {where_a} at {clock(start, style)} local time on a "
                f"{duration(d)} flight to {where_b}. At what local time does {name} "
                "arrive?",
                f"A plane takes off from {where_a} at {clock(start, style)} (local time). The "
                f"flight lasts {duration(d, dstyle)}. What time is it in {where_b} on landing?"))
            utc, days = to_utc(lines, start, oa, "The departure")
            total_days += days
            lines.append(f"Add the flight time, {duration(d)}, to {hhmm(utc)} UTC.")
            utc2, days = shift(lines, utc, d)
            total_days += days
            lines.append(f"The plane lands at {hhmm(utc2)} UTC.")
            result, days = from_utc(lines, utc2, ob, cb)
        else:
            question = rng.choice((
                f"When it is {clock(start, style)} in {where_a}, what time is it in {where_b}?",
                f"{name} in {where_a} calls a friend in {where_b} at {clock(start, style)} local "
                f"time. What is the local time for the friend?",
                f"A video call is scheduled for {clock(start, style)} in {where_a}. What time is "
                f"that in {where_b}?"))
            utc, days = to_utc(lines, start, oa, f"{hhmm(start)} in {ca}")
            total_days += days
            result, days = from_utc(lines, utc, ob, cb)
        total_days += days
        return TimeArithmetic._time_task(question + rng.choice(ANSWER_FORM), result, total_days,
                                         lines)

    # -- scoring -------------------------------------------------------------------------
    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        check = task.check or {}
        if check.get("type") == "duration" or (not check and ":" not in task.answer):
            want = parse_duration(task.answer, check.get("unit") == "minutes")
            got = parse_duration(answer, check.get("unit") == "minutes")
            return 1.0 if got is not None and got == want else 0.0
        want_clock = parse_clock(task.answer)
        got_clock = parse_clock(answer)
        if got_clock is None or want_clock is None or got_clock[0] != want_clock[0]:
            return 0.0
        if got_clock[1] is not None and "days" in check and got_clock[1] != check["days"]:
            return 0.0
        return 1.0

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        check = task.check or {}
        if check.get("type") == "duration":
            total = int(check["minutes"])
            out = [duration(total + 60), duration(total + 5), f"{total + 1} minutes"]
            if total > 60:
                out.append(duration(total - 60))
            return out
        parsed = parse_clock(task.answer)
        assert parsed is not None
        t = parsed[0]
        days = int(check.get("days", 0))
        out = [hhmm(t + 60), hhmm(t - 60), twelve(t + 720), hhmm(t + 1)]
        out.append(f"{hhmm(t)} ({days_word(days + 1)})")
        return out
