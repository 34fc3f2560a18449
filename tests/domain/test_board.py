"""The 看板's pure rules: a share's standing and a unit's 红黄绿 light, as tables."""

from __future__ import annotations

import datetime as dt

import pytest

from taskbot.domain.board import Light, light, share_standing
from taskbot.domain.digest import Standing

NOW = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)
TODAY = NOW.date()
RECENT = NOW - dt.timedelta(days=3)
OLD = NOW - dt.timedelta(days=14)
PAST = TODAY - dt.timedelta(days=1)
FUTURE = TODAY + dt.timedelta(days=5)


@pytest.mark.parametrize(
    ("task", "share", "deadline", "activity", "expected"),
    [
        ("cancelled", "open", PAST, OLD, None),
        ("done", "open", PAST, OLD, Standing.DONE),
        ("in_progress", "done", PAST, OLD, Standing.DONE),
        ("open", "open", PAST, RECENT, Standing.OVERDUE),
        ("blocked", "blocked", PAST, RECENT, Standing.OVERDUE),
        ("open", "open", TODAY, RECENT, Standing.ON_TRACK),
        ("blocked", "blocked", FUTURE, OLD, Standing.BLOCKED),
        ("in_progress", "open", FUTURE, OLD, Standing.SILENT),
        ("in_progress", "open", None, OLD + dt.timedelta(seconds=1), Standing.ON_TRACK),
        ("open", "in_progress", None, None, Standing.ON_TRACK),
    ],
)
def test_share_standing(task: str, share: str, deadline: dt.date | None, activity, expected) -> None:
    assert share_standing(task, share, deadline, activity, NOW, TODAY, 14) == expected


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({}, Light.GREEN),
        ({Standing.DONE: 3, Standing.ON_TRACK: 2}, Light.GREEN),
        ({Standing.SILENT: 1}, Light.YELLOW),
        ({Standing.BLOCKED: 1, Standing.DONE: 5}, Light.YELLOW),
        ({Standing.OVERDUE: 1, Standing.BLOCKED: 1}, Light.RED),
    ],
)
def test_light(counts: dict[Standing, int], expected: Light) -> None:
    assert light(counts) == expected
