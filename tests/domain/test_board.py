"""The 看板's pure rules: a share's standing and a unit's 红黄绿 light, as tables."""

from __future__ import annotations

import datetime as dt

import pytest

from taskbot.domain.board import Light, light, quiet_since, share_standing
from taskbot.domain.digest import Standing

NOW = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)
TODAY = NOW.date()


@pytest.mark.parametrize(
    ("task", "share", "past_deadline", "silent", "expected"),
    [
        ("cancelled", "open", True, True, None),
        ("done", "open", True, True, Standing.DONE),
        ("in_progress", "done", True, True, Standing.DONE),
        ("open", "open", True, False, Standing.OVERDUE),
        ("blocked", "blocked", True, False, Standing.OVERDUE),
        ("open", "open", False, False, Standing.ON_TRACK),
        ("blocked", "blocked", False, True, Standing.BLOCKED),
        ("in_progress", "open", False, True, Standing.SILENT),
        ("open", "in_progress", False, False, Standing.ON_TRACK),
    ],
)
def test_share_standing(task: str, share: str, past_deadline: bool, silent: bool, expected) -> None:
    assert share_standing(task, share, past_deadline=past_deadline, silent=silent) == expected


def test_quiet_since() -> None:
    assert quiet_since(NOW, 14) == NOW - dt.timedelta(days=14)


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
