"""The workflow's rules as tables: how a completion counts, when an extension may be asked, holds."""

from __future__ import annotations

import datetime as dt

import pytest

from taskbot.domain.values import Completion
from taskbot.domain.workflow import completion_of, effective_deadline, extension_refusal, holds_overdue

D = dt.date
DUE = D(2026, 10, 20)
EXT = D(2026, 11, 15)


@pytest.mark.parametrize(
    ("done", "deadline", "extended", "expected"),
    [
        (D(2026, 10, 20), DUE, None, Completion.ON_TIME),
        (D(2026, 10, 21), DUE, None, Completion.LATE),
        (D(2026, 10, 21), DUE, EXT, Completion.EXTENDED),
        (D(2026, 11, 15), DUE, EXT, Completion.EXTENDED),
        (D(2026, 11, 16), DUE, EXT, Completion.LATE),
        (D(2026, 10, 1), DUE, EXT, Completion.ON_TIME),
        (D(2030, 1, 1), None, None, Completion.ON_TIME),
    ],
)
def test_completion_of(
    done: dt.date, deadline: dt.date | None, extended: dt.date | None, expected: str
) -> None:
    assert completion_of(done, deadline, extended) == expected


@pytest.mark.parametrize(
    ("deadline", "extended", "expected"),
    [(DUE, None, DUE), (DUE, EXT, EXT), (None, EXT, EXT), (None, None, None), (EXT, DUE, EXT)],
)
def test_effective_deadline(
    deadline: dt.date | None, extended: dt.date | None, expected: dt.date | None
) -> None:
    assert effective_deadline(deadline, extended) == expected


@pytest.mark.parametrize(
    ("asked", "today", "deadline", "extended", "expected"),
    [
        (D(2026, 10, 4), D(2026, 10, 5), DUE, None, "extension_past"),
        (D(2026, 10, 5), D(2026, 10, 5), None, None, None),  # today itself is not the past
        (D(2026, 10, 20), D(2026, 10, 5), DUE, None, "extension_not_later"),
        (D(2026, 10, 21), D(2026, 10, 5), DUE, None, None),
        (
            D(2026, 11, 1),
            D(2026, 10, 5),
            DUE,
            EXT,
            "extension_not_later",
        ),  # an extension already goes further
        (D(2026, 11, 30), D(2026, 10, 25), DUE, EXT, None),
        (
            D(2026, 10, 22),
            D(2026, 10, 25),
            DUE,
            None,
            "extension_past",
        ),  # overdue units may ask, not backdate
    ],
)
def test_extension_refusal(
    asked: dt.date, today: dt.date, deadline: dt.date | None, extended: dt.date | None, expected: str | None
) -> None:
    assert extension_refusal(asked, today, deadline, extended) == expected


@pytest.mark.parametrize(
    ("day", "deadline", "extended", "pending", "expected"),
    [
        (D(2026, 10, 19), DUE, None, True, False),  # before the deadline: the usual notices
        (D(2026, 10, 20), DUE, None, True, False),
        (D(2026, 10, 21), DUE, None, True, True),  # overdue while the office has not answered
        (D(2026, 10, 21), DUE, None, False, False),
        (D(2026, 10, 21), DUE, EXT, False, True),
        (D(2026, 11, 15), DUE, EXT, False, True),
        (D(2026, 11, 16), DUE, EXT, False, False),  # the extension ran out: overdue again
        (D(2026, 11, 16), None, None, True, False),
    ],
)
def test_holds_overdue(
    day: dt.date, deadline: dt.date | None, extended: dt.date | None, pending: bool, expected: bool
) -> None:
    assert holds_overdue(day, deadline, extended, pending) is expected
