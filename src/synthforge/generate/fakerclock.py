"""Faker's date providers read the clock and the machine's time zone; pin both.

`date_between(start_date="-1y")`, `date_of_birth()`, `date_time()` and many more are measured
from "now" and converted with the local time zone, so the same seed would give other data
tomorrow or on another machine. While a template draws its Faker slots, "now" is noon (UTC)
of a fixed day that the recipe states (`today`), and the local time zone is UTC.
"""

from __future__ import annotations

import datetime as dt
from typing import Any


class _AsDatetime(type):
    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, dt.datetime)


class _AsDate(type):
    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, dt.date)


def _classes(today: dt.date) -> tuple[type, type]:
    """Stand-ins for datetime and date whose now/today are pinned; any real datetime or date
    passes isinstance checks against them, as Faker's code expects."""
    noon = dt.datetime(today.year, today.month, today.day, 12, tzinfo=dt.UTC)

    class PinnedDatetime(dt.datetime, metaclass=_AsDatetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> Any:
            moment = noon.astimezone(tz) if tz is not None else noon.replace(tzinfo=None)
            return cls(*moment.timetuple()[:6], tzinfo=moment.tzinfo)

        @classmethod
        def today(cls) -> Any:
            return cls.now()

        @classmethod
        def utcnow(cls) -> Any:
            return cls.now()

    class PinnedDate(dt.date, metaclass=_AsDate):
        @classmethod
        def today(cls) -> Any:
            return cls(today.year, today.month, today.day)

    return PinnedDatetime, PinnedDate


class FakerClock:
    """A reusable context manager: Faker's clock reads `today` (noon, UTC) while it is open."""

    def __init__(self, today: dt.date):
        from faker.providers import date_time

        self._module = date_time
        self._pinned = (*_classes(today), lambda: dt.UTC)
        self._saved: tuple[Any, ...] = ()

    def __enter__(self) -> None:
        module = self._module
        self._saved = module.datetime, module.dtdate, module._get_local_timezone
        module.datetime, module.dtdate, module._get_local_timezone = self._pinned

    def __exit__(self, *exc: object) -> None:
        module = self._module
        module.datetime, module.dtdate, module._get_local_timezone = self._saved
