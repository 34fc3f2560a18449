"""When the beats fire: next_fire / last_fire tables over holidays, 调休, month ends and leap years."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest

from taskbot.domain.beats import BeatRules, fires_between, last_fire, next_fire, task_on_beat
from taskbot.domain.calendar import WorkCalendar
from taskbot.domain.values import Beat

SH = ZoneInfo("Asia/Shanghai")
RULES = BeatRules(tz=SH)
SEMIMONTHLY = BeatRules(tz=SH, fortnightly_mode="semimonthly")


def at(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=SH)


@pytest.mark.parametrize(
    ("prev", "expected"),
    [
        (at(2026, 9, 28), at(2026, 10, 8)),  # National Day week: Thursday is its first workday
        (at(2026, 10, 5, 8), at(2026, 10, 8)),
        (at(2026, 10, 8, 8, 59), at(2026, 10, 8)),
        (at(2026, 10, 8), at(2026, 10, 12)),
        (at(2026, 2, 9), at(2026, 2, 24)),  # Spring Festival: a week with no workday has no dispatch
        (at(2024, 2, 5), at(2024, 2, 18)),  # the week's only workday is a make-up Sunday
        (at(2024, 2, 18), at(2024, 2, 19)),
        (at(2023, 1, 16), at(2023, 1, 28)),  # a make-up Saturday
        (at(2025, 12, 29), at(2026, 1, 5)),  # the year turns; the make-up Sunday 1-4 is not first
        (at(2026, 3, 2, 10), at(2026, 3, 9)),
        (dt.datetime(2026, 10, 8, 0, 59, tzinfo=dt.UTC), at(2026, 10, 8)),  # any zone in, local out
    ],
)
def test_weekly_dispatch(prev: dt.datetime, expected: dt.datetime) -> None:
    fire = next_fire(Beat.WEEKLY, prev, RULES, WorkCalendar())
    assert fire == expected
    assert fire.utcoffset() == dt.timedelta(hours=8)


@pytest.mark.parametrize(
    ("prev", "expected"),
    [
        (at(2026, 1, 5), at(2026, 1, 19)),  # the anchor itself
        (at(2025, 12, 1), at(2025, 12, 8)),  # before the anchor, counted backwards
        (at(2026, 2, 10), at(2026, 2, 24)),  # 2-16 is Spring Festival: moved to the next workday
        (at(2026, 2, 24), at(2026, 3, 2)),  # the following fortnight keeps the anchor's rhythm
        (at(2026, 9, 28), at(2026, 10, 12)),
        (at(2026, 9, 27), at(2026, 9, 28)),
    ],
)
def test_fortnightly_from_the_anchor(prev: dt.datetime, expected: dt.datetime) -> None:
    assert next_fire(Beat.FORTNIGHTLY, prev, RULES, WorkCalendar()) == expected


@pytest.mark.parametrize(
    ("prev", "expected"),
    [
        (at(2026, 9, 30), at(2026, 10, 8)),  # the 1st is National Day
        (at(2026, 10, 8), at(2026, 10, 16)),
        (at(2026, 2, 10), at(2026, 2, 24)),  # the 16th is Spring Festival
        (at(2026, 8, 1, 10), at(2026, 8, 3)),  # 8-1 is a Saturday
        (at(2026, 8, 3), at(2026, 8, 17)),  # 8-16 is a Sunday
        (at(2024, 2, 29), at(2024, 3, 1)),
    ],
)
def test_fortnightly_semimonthly(prev: dt.datetime, expected: dt.datetime) -> None:
    assert next_fire(Beat.FORTNIGHTLY, prev, SEMIMONTHLY, WorkCalendar()) == expected


@pytest.mark.parametrize(
    ("prev", "expected"),
    [
        (at(2026, 9, 15), at(2026, 10, 8)),
        (at(2025, 12, 15), at(2026, 1, 4)),  # a make-up Sunday is the first workday of January
        (at(2026, 1, 4), at(2026, 2, 2)),  # 2-1 is a Sunday
        (at(2026, 4, 20), at(2026, 5, 6)),  # Labour Day
        (at(2024, 2, 29), at(2024, 3, 1)),  # leap day
        (at(2024, 1, 31), at(2024, 2, 1)),
        (at(2026, 12, 31), at(2027, 1, 4)),  # 2027 is unknown: the statutory 元旦 (a Friday) is rest
    ],
)
def test_monthly_consultation(prev: dt.datetime, expected: dt.datetime) -> None:
    assert next_fire(Beat.MONTHLY, prev, RULES, WorkCalendar()) == expected


@pytest.mark.parametrize(
    ("prev", "expected"),
    [
        (at(2026, 10, 9), at(2026, 10, 10)),  # Friday → make-up Saturday
        (at(2026, 10, 10), at(2026, 10, 12)),
        (at(2026, 9, 30), at(2026, 10, 8)),
        (at(2026, 9, 19), at(2026, 9, 20)),  # make-up Sunday
    ],
)
def test_deadline_beat_fires_every_workday(prev: dt.datetime, expected: dt.datetime) -> None:
    assert next_fire(Beat.DEADLINE, prev, RULES, WorkCalendar()) == expected
    assert next_fire(Beat.ESCALATION, prev, RULES, WorkCalendar()) == expected


def test_configured_time_and_zone() -> None:
    rules = BeatRules(tz=ZoneInfo("Europe/Berlin"), weekly_time=dt.time(7, 30))
    fire = next_fire(Beat.WEEKLY, dt.datetime(2026, 3, 3, tzinfo=dt.UTC), rules, WorkCalendar())
    assert fire == dt.datetime(2026, 3, 9, 7, 30, tzinfo=ZoneInfo("Europe/Berlin"))


def test_unknown_year_logs_once_and_never_crashes(caplog: pytest.LogCaptureFixture) -> None:
    cal = WorkCalendar()
    with caplog.at_level(logging.INFO, logger="taskbot.domain.calendar"):
        fires = fires_between(Beat.WEEKLY, at(2027, 1, 1), at(2027, 3, 1), RULES, cal)
        next_fire(Beat.MONTHLY, at(2027, 5, 1), RULES, cal)
    assert fires[0] == at(2027, 1, 4)
    # 春节 2027 by the statutory rule: 除夕 2-5 to 初三 2-8, and 2-9, 2-10 made up for the weekend.
    assert [f for f in fires if f.weekday() != 0] == [at(2027, 2, 11)]
    assert len(fires) == 9  # 1-4 … 3-1, nine weeks
    assert sum("2027" in r.getMessage() for r in caplog.records) == 1


@pytest.mark.parametrize(
    ("beat", "now", "expected"),
    [
        (Beat.WEEKLY, at(2026, 10, 8, 8), at(2026, 9, 28)),
        (Beat.WEEKLY, at(2026, 10, 8, 9), at(2026, 10, 8)),
        (Beat.MONTHLY, at(2026, 11, 1), at(2026, 10, 8)),
        (Beat.FORTNIGHTLY, at(2026, 2, 23), at(2026, 2, 2)),
        (Beat.DEADLINE, at(2026, 10, 7, 23), at(2026, 9, 30)),
    ],
)
def test_last_fire(beat: Beat, now: dt.datetime, expected: dt.datetime) -> None:
    assert last_fire(beat, now, RULES, WorkCalendar()) == expected


def test_fires_between_is_half_open_and_ordered() -> None:
    fires = fires_between(Beat.WEEKLY, at(2026, 9, 28), at(2026, 10, 19), RULES, WorkCalendar())
    assert fires == [at(2026, 10, 8), at(2026, 10, 12), at(2026, 10, 19)]


@pytest.mark.parametrize(
    ("cadence", "beat", "day", "expected"),
    [
        ((), Beat.WEEKLY, dt.date(2026, 10, 8), True),
        ((), Beat.FORTNIGHTLY, dt.date(2026, 10, 12), False),
        (("weekly", "fortnightly", "monthly"), Beat.MONTHLY, dt.date(2026, 10, 8), True),
        (("fortnightly",), Beat.WEEKLY, dt.date(2026, 10, 8), False),
        (("daily",), Beat.WEEKLY, dt.date(2026, 10, 8), True),
        (("quarterly",), Beat.MONTHLY, dt.date(2026, 10, 8), True),
        (("quarterly",), Beat.MONTHLY, dt.date(2026, 11, 2), False),
        (("yearly",), Beat.MONTHLY, dt.date(2027, 1, 4), True),
        (("unknown-word",), Beat.WEEKLY, dt.date(2026, 10, 8), True),
    ],
)
def test_cadence_decides_the_beats(
    cadence: tuple[str, ...], beat: Beat, day: dt.date, expected: bool
) -> None:
    assert task_on_beat(cadence, beat, day) is expected
