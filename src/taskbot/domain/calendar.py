"""Which days are workdays in China: public holidays are rest days, 调休 make-up days are workdays.

chinese-calendar knows the official schedule for the years it ships data for (2004–2026 in 1.11).
For any other year we fall back to Monday–Friday and log ONE warning per year, never crash: the
bot must keep running past the last year its calendar data covers.
"""

from __future__ import annotations

import datetime as dt
import logging

import chinese_calendar

log = logging.getLogger(__name__)

ONE_DAY = dt.timedelta(days=1)
# No run of rest days is longer than this (Spring Festival is 9); a bound that keeps loops finite.
MAX_REST_RUN = 31


class WorkCalendar:
    """Answers ``is_workday`` for any date, caching each answer."""

    def __init__(self) -> None:
        self._cache: dict[dt.date, bool] = {}
        self._warned_years: set[int] = set()

    def is_workday(self, day: dt.date) -> bool:
        known = self._cache.get(day)
        if known is None:
            known = self._cache[day] = self._lookup(day)
        return known

    def _lookup(self, day: dt.date) -> bool:
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            if day.year not in self._warned_years:
                self._warned_years.add(day.year)
                log.warning(
                    "no official holiday data for %d; treating Monday–Friday as workdays that year "
                    "(upgrade chinesecalendar to get holidays and make-up days)",
                    day.year,
                )
            return day.weekday() < 5

    def next_workday(self, day: dt.date) -> dt.date:
        """DAY itself when it is a workday, else the first workday after it."""
        for _ in range(MAX_REST_RUN):
            if self.is_workday(day):
                return day
            day += ONE_DAY
        raise ValueError(f"no workday within {MAX_REST_RUN} days of {day}")

    def previous_workday(self, day: dt.date) -> dt.date:
        """DAY itself when it is a workday, else the last workday before it."""
        for _ in range(MAX_REST_RUN):
            if self.is_workday(day):
                return day
            day -= ONE_DAY
        raise ValueError(f"no workday within {MAX_REST_RUN} days before {day}")

    def first_workday_between(self, first: dt.date, last: dt.date) -> dt.date | None:
        """The first workday in FIRST..LAST (inclusive), or None when all of it is rest days."""
        day = first
        while day <= last:
            if self.is_workday(day):
                return day
            day += ONE_DAY
        return None


_default: WorkCalendar | None = None


def default_calendar() -> WorkCalendar:
    """The process-wide calendar (one cache, one warning per unknown year)."""
    global _default
    if _default is None:
        _default = WorkCalendar()
    return _default
