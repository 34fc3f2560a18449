"""Which days are workdays in China: public holidays are rest days, 调休 make-up days are workdays.

Three sources, first match wins:

1. the office's own days (``calendar.holidays`` / ``calendar.workdays`` in the config, passed in by
   the composition root as dates: this module reads no config);
2. chinese-calendar, which knows the State Council's schedule for the years it ships (2004–2026 in
   1.11);
3. for any other year, the statutory rule of the national holiday regulations (全国年节及纪念日放假
   办法, as amended in 2024): 元旦, 春节 (除夕 to 初三), 清明, 劳动节 (5/1–5/2), 端午, 中秋 and 国庆
   (10/1–10/3) are rest days, made up on the next workday when they fall on a weekend (补假), and
   weekends are rest days. It cannot know the bridging days and 调休 the State
   Council announces each year, so it logs ONE line per such year naming the config keys to set.
   The bot never crashes past the last year its calendar data covers.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

import chinese_calendar

log = logging.getLogger(__name__)

ONE_DAY = dt.timedelta(days=1)
# No run of rest days is longer than this (Spring Festival is 9); a bound that keeps loops finite.
MAX_REST_RUN = 31
# The longest range a config entry may name: a typo like 2027-02-06..2028-02-13 is refused.
MAX_RANGE_DAYS = 366
# The years the lunar conversion and the solar terms cover.
LUNAR_YEARS = range(1901, 2100)


class Source(StrEnum):
    """Where the answer for a day comes from."""

    CONFIG = "config"
    OFFICIAL = "chinesecalendar"
    STATUTORY = "statutory"


@dataclass(frozen=True, slots=True)
class DayKind:
    """One day as the bot sees it: workday or rest day, why, and the festival it belongs to."""

    day: dt.date
    workday: bool
    source: Source
    festival: str | None = None

    @property
    def ordinary(self) -> bool:
        """A plain weekday or weekend that nobody decided anything about."""
        return (
            self.festival is None and self.source is not Source.CONFIG and self.workday == _weekday(self.day)
        )


def _weekday(day: dt.date) -> bool:
    return day.weekday() < 5


# --- the office's days ------------------------------------------------------------------------

_SPEC = re.compile(r"\s*(\d{4}-\d{2}-\d{2})\s*(?:\.\.\s*(\d{4}-\d{2}-\d{2})\s*)?")


def parse_days(spec: str) -> tuple[dt.date, dt.date]:
    """The first and last day of SPEC, ``YYYY-MM-DD`` or ``YYYY-MM-DD..YYYY-MM-DD`` (inclusive).

    Raises ValueError with one line fit to show a user.
    """
    m = _SPEC.fullmatch(spec)
    if not m:
        raise ValueError(f"{spec!r} is not a date YYYY-MM-DD or a range YYYY-MM-DD..YYYY-MM-DD")
    try:
        first = dt.date.fromisoformat(m.group(1))
        last = dt.date.fromisoformat(m.group(2)) if m.group(2) else first
    except ValueError:
        raise ValueError(f"{spec!r} names a day that does not exist") from None
    if last < first:
        raise ValueError(f"{spec!r} ends before it starts")
    if (last - first).days >= MAX_RANGE_DAYS:
        raise ValueError(f"{spec!r} is longer than {MAX_RANGE_DAYS} days")
    return first, last


def expand_days(specs: Iterable[str]) -> frozenset[dt.date]:
    """Every day named by SPECS (dates and ranges, see ``parse_days``)."""
    days: set[dt.date] = set()
    for spec in specs:
        first, last = parse_days(spec)
        days.update(first + dt.timedelta(days=i) for i in range((last - first).days + 1))
    return frozenset(days)


# --- the statutory rule -----------------------------------------------------------------------


def qingming(year: int) -> dt.date | None:
    """The day of the 清明 solar term in YEAR (None outside the years the solar terms cover)."""
    if year not in LUNAR_YEARS:
        return None
    terms = chinese_calendar.get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 10))
    return next((day for day, name in terms if name == "清明"), None)


def lunar_to_solar(year: int, month: int, day: int) -> dt.date | None:
    """The Gregorian date of lunar YEAR-MONTH-DAY (None outside the years the lunar table covers)."""
    if year not in LUNAR_YEARS:
        return None
    from borax.calendars.lunardate import LunarDate  # only a year no source knows needs it

    return LunarDate(year, month, day).to_solar_date()


def statutory_festivals(year: int) -> list[tuple[str, list[dt.date]]]:
    """The statutory festivals of YEAR and their days, in date order (the 2024 amendment's rule; the
    names are chinese-calendar's). Outside the lunar table's years only the fixed-date ones."""
    festivals = [
        ("元旦", [dt.date(year, 1, 1)]),
        ("劳动节", [dt.date(year, 5, 1), dt.date(year, 5, 2)]),
        ("国庆节", [dt.date(year, 10, d) for d in (1, 2, 3)]),
    ]
    new_year = lunar_to_solar(year, 1, 1)
    if new_year is not None:
        # 农历除夕、正月初一至初三
        festivals.append(("春节", [new_year + dt.timedelta(days=i) for i in range(-1, 3)]))
    tomb_sweeping = qingming(year)
    if tomb_sweeping is not None:
        festivals.append(("清明", [tomb_sweeping]))
    for (month, day), name in (((5, 5), "端午"), ((8, 15), "中秋")):
        solar = lunar_to_solar(year, month, day)
        if solar is not None:
            festivals.append((name, [solar]))
    return sorted(festivals, key=lambda festival: festival[1][0])


def statutory_holidays(year: int) -> dict[dt.date, str]:
    """The statutory rest days of YEAR with their festival's name.

    A festival day on a Saturday or Sunday (or on another festival's day) is made up on the next
    workday after the festival (补假, article 6 of the regulations), as the State Council does.
    """
    days: dict[dt.date, str] = {}
    owed: list[tuple[str, dt.date, int]] = []
    for name, block in statutory_festivals(year):
        lost = sum(1 for day in block if not _weekday(day) or day in days)
        for day in block:
            days.setdefault(day, name)
        if lost:
            owed.append((name, block[-1], lost))
    for name, last, lost in owed:
        day = last
        while lost:
            day += ONE_DAY
            if _weekday(day) and day not in days:
                days[day] = name
                lost -= 1
    return days


def festival_start(name: str, year: int) -> dt.date | None:
    """The first statutory rest day of festival NAME (e.g. 春节) in YEAR, or None."""
    days = [day for day, festival in statutory_holidays(year).items() if festival == name]
    return min(days) if days else None


# --- the calendar -----------------------------------------------------------------------------


class WorkCalendar:
    """Answers ``is_workday`` for any date, caching each answer.

    HOLIDAYS and WORKDAYS are the office's own days; they win over every other source.
    """

    def __init__(self, holidays: Iterable[dt.date] = (), workdays: Iterable[dt.date] = ()) -> None:
        self._holidays = frozenset(holidays)
        self._workdays = frozenset(workdays)
        both = sorted(self._holidays & self._workdays)
        if both:
            raise ValueError(f"{both[0]} is both a holiday and a workday")
        self._configured_years = {day.year for day in self._holidays | self._workdays}
        self._cache: dict[dt.date, bool] = {}
        self._statutory: dict[int, dict[dt.date, str]] = {}
        self._noted_years: set[int] = set()

    @property
    def configured(self) -> bool:
        """Whether the office named any day of its own."""
        return bool(self._holidays or self._workdays)

    def is_workday(self, day: dt.date) -> bool:
        known = self._cache.get(day)
        if known is None:
            known = self._cache[day] = self.day_kind(day).workday
        return known

    def day_kind(self, day: dt.date) -> DayKind:
        """DAY as the bot sees it, with the source of the answer."""
        festival = self._festival(day)
        if day in self._workdays:
            return DayKind(day, True, Source.CONFIG, festival)
        if day in self._holidays:
            return DayKind(day, False, Source.CONFIG, festival)
        try:
            return DayKind(day, bool(chinese_calendar.is_workday(day)), Source.OFFICIAL, festival)
        except NotImplementedError:
            self._note_fallback(day.year)
            return DayKind(day, _weekday(day) and festival is None, Source.STATUTORY, festival)

    def year(self, year: int) -> list[DayKind]:
        """Every day of YEAR, in order."""
        day, days = dt.date(year, 1, 1), []
        while day.year == year:
            days.append(self.day_kind(day))
            day += ONE_DAY
        return days

    def _festival(self, day: dt.date) -> str | None:
        """The festival DAY is a rest or make-up day of, by the official data, else the statutory rule."""
        try:
            _, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:
            statutory = self._statutory.get(day.year)
            if statutory is None:
                statutory = self._statutory[day.year] = statutory_holidays(day.year)
            return statutory.get(day)
        return _OFFICIAL_NAMES.get(name) if name else None

    def _note_fallback(self, year: int) -> None:
        if year in self._noted_years:
            return
        self._noted_years.add(year)
        if year in self._configured_years:
            # The office entered days of this year: the statutory rule only fills the rest.
            log.debug("calendar %d: the configured days, then the statutory holidays and weekends", year)
            return
        # INFO, not WARNING: the statutory rule is a sound answer, and local mode shows only warnings.
        log.info(
            "no official holiday schedule for %d: using the statutory holidays (元旦, 春节 除夕–初三, 清明, "
            "劳动节, 端午, 中秋, 国庆节) and weekends; set calendar.holidays and calendar.workdays to the "
            "State Council's schedule for %d (bridging days and 调休 make-up days)",
            year,
            year,
        )

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


_OFFICIAL_NAMES = {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}

_default: WorkCalendar | None = None


def default_calendar() -> WorkCalendar:
    """The process-wide calendar (one cache, one log line per unknown year).

    The composition root replaces it with the office's calendar (``use_calendar``), so that code
    without a runtime at hand, such as the bulletin parser counting 10个工作日, agrees with it.
    """
    global _default
    if _default is None:
        _default = WorkCalendar()
    return _default


def use_calendar(calendar: WorkCalendar) -> None:
    """Make CALENDAR the process-wide one."""
    global _default
    _default = calendar
