"""When each beat fires: pure functions of the previous time, the rules and the work calendar.

- weekly dispatch (每周一调度): the first workday of each Monday–Sunday week; a week with no
  workday at all (Spring Festival) has no dispatch.
- fortnightly bulletin (半月一通报): every 14 days from the anchor date, or the 1st and the 16th
  (``semimonthly``); a date that is a rest day moves to the next workday.
- monthly consultation (一月一会商): the first workday of each month.
- deadline and escalation: every workday (which tasks they concern is ``deadlines``' business).
- report_due and report_overdue: every workday (which units they concern is ``report_rules``').

A "fire" is an aware datetime: the beat's date at its configured time in the configured zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

from taskbot.domain.calendar import ONE_DAY, WorkCalendar
from taskbot.domain.values import Beat, Cadence

FORTNIGHT = dt.timedelta(days=14)
# How far a nominal date may move or how far apart fires may be; windows are widened by this.
MARGIN = dt.timedelta(days=62)
# Every beat fires at least monthly; searching further than this means the rules are broken.
MAX_WINDOWS = 12


@dataclass(frozen=True, slots=True)
class BeatRules:
    """The schedule settings the beat arithmetic needs, free of any config framework."""

    tz: dt.tzinfo
    weekly_time: dt.time = dt.time(9, 0)
    fortnightly_time: dt.time = dt.time(9, 0)
    fortnightly_mode: Literal["anchor", "semimonthly"] = "anchor"
    fortnightly_anchor: dt.date = dt.date(2026, 1, 5)
    monthly_time: dt.time = dt.time(9, 0)
    deadline_time: dt.time = dt.time(9, 0)
    report_due_time: dt.time = dt.time(9, 0)
    report_overdue_time: dt.time = dt.time(17, 30)

    def time_of(self, beat: Beat) -> dt.time:
        return {
            Beat.WEEKLY: self.weekly_time,
            Beat.FORTNIGHTLY: self.fortnightly_time,
            Beat.MONTHLY: self.monthly_time,
            Beat.DEADLINE: self.deadline_time,
            Beat.ESCALATION: self.deadline_time,
            Beat.REPORT_DUE: self.report_due_time,
            Beat.REPORT_OVERDUE: self.report_overdue_time,
        }[beat]

    def at(self, beat: Beat, day: dt.date) -> dt.datetime:
        """The fire time of BEAT on DAY."""
        return dt.datetime.combine(day, self.time_of(beat), tzinfo=self.tz)


def _months(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month + dt.timedelta(days=32)).replace(day=1)


def _weekly(first: dt.date, last: dt.date, cal: WorkCalendar, rules: BeatRules) -> Iterator[dt.date]:
    monday = first - dt.timedelta(days=first.weekday())
    while monday <= last:
        day = cal.first_workday_between(monday, monday + dt.timedelta(days=6))
        if day is not None:
            yield day
        monday += dt.timedelta(days=7)


def _fortnightly(first: dt.date, last: dt.date, cal: WorkCalendar, rules: BeatRules) -> Iterator[dt.date]:
    if rules.fortnightly_mode == "semimonthly":
        for month in _months(first, last):
            yield cal.next_workday(month)
            yield cal.next_workday(month.replace(day=16))
        return
    anchor = rules.fortnightly_anchor
    nominal = anchor + FORTNIGHT * ((first - anchor).days // 14)
    while nominal <= last:
        yield cal.next_workday(nominal)
        nominal += FORTNIGHT


def _monthly(first: dt.date, last: dt.date, cal: WorkCalendar, rules: BeatRules) -> Iterator[dt.date]:
    for month in _months(first, last):
        next_month = (month + dt.timedelta(days=32)).replace(day=1)
        day = cal.first_workday_between(month, next_month - ONE_DAY)
        if day is not None:
            yield day


def _every_workday(first: dt.date, last: dt.date, cal: WorkCalendar, rules: BeatRules) -> Iterator[dt.date]:
    day = first
    while day <= last:
        if cal.is_workday(day):
            yield day
        day += ONE_DAY


_DATES: dict[Beat, Callable[[dt.date, dt.date, WorkCalendar, BeatRules], Iterator[dt.date]]] = {
    Beat.WEEKLY: _weekly,
    Beat.FORTNIGHTLY: _fortnightly,
    Beat.MONTHLY: _monthly,
    Beat.DEADLINE: _every_workday,
    Beat.ESCALATION: _every_workday,
    Beat.REPORT_DUE: _every_workday,
    Beat.REPORT_OVERDUE: _every_workday,
}


def beat_dates(
    beat: Beat, first: dt.date, last: dt.date, rules: BeatRules, cal: WorkCalendar
) -> list[dt.date]:
    """The dates BEAT fires on within FIRST..LAST (inclusive), in order.

    Nominal dates are generated from a widened window so that one moved into the window by a run
    of holidays is not missed.
    """
    if last < first:
        return []
    dates = set(_DATES[beat](first - MARGIN, last, cal, rules))
    return sorted(d for d in dates if first <= d <= last)


def fires_between(
    beat: Beat, start: dt.datetime, end: dt.datetime, rules: BeatRules, cal: WorkCalendar
) -> list[dt.datetime]:
    """Fire times of BEAT with START < t <= END, in order."""
    first = start.astimezone(rules.tz).date()
    last = end.astimezone(rules.tz).date()
    fires = (rules.at(beat, day) for day in beat_dates(beat, first, last, rules, cal))
    return [t for t in fires if start < t <= end]


def next_fire(beat: Beat, prev: dt.datetime, rules: BeatRules, cal: WorkCalendar) -> dt.datetime:
    """The first fire of BEAT strictly after PREV."""
    window = prev
    for _ in range(MAX_WINDOWS):
        fires = fires_between(beat, window, window + MARGIN, rules, cal)
        if fires:
            return fires[0]
        window += MARGIN
    raise ValueError(f"{beat} never fires after {prev}")


def last_fire(beat: Beat, now: dt.datetime, rules: BeatRules, cal: WorkCalendar) -> dt.datetime:
    """The latest fire of BEAT at or before NOW."""
    window = now
    for _ in range(MAX_WINDOWS):
        fires = fires_between(beat, window - MARGIN, window, rules, cal)
        if fires:
            return fires[-1]
        window -= MARGIN
    raise ValueError(f"{beat} never fired before {now}")


# Which beats a task appears on, by its cadence. No cadence means the weekly dispatch only.
CADENCE_BEATS: dict[str, Beat] = {
    Cadence.DAILY: Beat.WEEKLY,
    Cadence.WEEKLY: Beat.WEEKLY,
    Cadence.FORTNIGHTLY: Beat.FORTNIGHTLY,
    Cadence.MONTHLY: Beat.MONTHLY,
    Cadence.QUARTERLY: Beat.MONTHLY,
    Cadence.YEARLY: Beat.MONTHLY,
}
# Quarterly and yearly tasks come up only at the consultations of these months.
CADENCE_MONTHS: dict[str, frozenset[int]] = {
    Cadence.QUARTERLY: frozenset({1, 4, 7, 10}),
    Cadence.YEARLY: frozenset({1}),
}


def task_on_beat(cadence: tuple[str, ...] | list[str], beat: Beat, day: dt.date) -> bool:
    """Whether a task with CADENCE appears on the BEAT fired on DAY (weekly when it has none)."""
    known = [c for c in cadence if c in CADENCE_BEATS]
    if not known:
        return beat is Beat.WEEKLY
    for c in known:
        if CADENCE_BEATS[c] is not beat:
            continue
        months = CADENCE_MONTHS.get(c)
        if months is None or day.month in months:
            return True
    return False
