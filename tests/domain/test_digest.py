"""The digest's standings, the red/black list rules and the consultation agenda."""

from __future__ import annotations

import datetime as dt

import pytest

from taskbot.domain.digest import (
    RedBlackRules,
    Standing,
    StuckReason,
    TaskFacts,
    build_digest,
    parties_not_reported,
    standing,
    stuck_tasks,
)

NOW = dt.datetime(2026, 10, 12, 1, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 10, 12)
RULES = RedBlackRules(silent_days=14, red_min_progress=0, black_overdue_days=1, size=5)


def days_ago(n: float) -> dt.datetime:
    return NOW - dt.timedelta(days=n)


def task(
    id: int = 1,
    status: str = "open",
    *,
    deadline: dt.date | None = None,
    created: float = 30,
    reported: float | None = 1,
    done: float | None = None,
    progress: int = 0,
    parties: tuple[str, ...] = ("甲镇",),
) -> TaskFacts:
    return TaskFacts(
        id=id,
        title=f"任务{id}",
        status=status,
        progress=progress,
        deadline=deadline,
        parties=parties,
        created_at=days_ago(created),
        last_report_at=None if reported is None else days_ago(reported),
        done_at=None if done is None else days_ago(done),
    )


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (task(status="done", deadline=dt.date(2026, 1, 1)), Standing.DONE),
        (task(status="cancelled"), None),
        (task(deadline=dt.date(2026, 10, 11)), Standing.OVERDUE),
        (task(status="blocked", deadline=dt.date(2026, 10, 11)), Standing.OVERDUE),
        (task(deadline=dt.date(2026, 10, 12)), Standing.ON_TRACK),  # due today is not overdue
        (task(status="blocked"), Standing.BLOCKED),
        (task(reported=14), Standing.SILENT),
        (task(reported=13.9), Standing.ON_TRACK),
        (task(reported=None, created=20), Standing.SILENT),  # never reported: counted from creation
        (task(reported=None, created=2), Standing.ON_TRACK),
        (task(status="in_progress", reported=3), Standing.ON_TRACK),
    ],
)
def test_standing(facts: TaskFacts, expected: Standing | None) -> None:
    assert standing(facts, NOW, TODAY, RULES) is expected


def test_digest_leaves_out_tasks_done_before_the_period() -> None:
    tasks = [task(1, "done", done=20), task(2, "done", done=3), task(3), task(4, "cancelled")]
    digest = build_digest(tasks, NOW, TODAY, RULES, period_start=days_ago(14))
    assert [(e.task.id, e.standing) for e in digest.entries] == [(2, Standing.DONE), (3, Standing.ON_TRACK)]
    assert digest.counts()[Standing.DONE] == 1
    everything = build_digest(tasks, NOW, TODAY, RULES)
    assert everything.counts()[Standing.DONE] == 2


def test_red_and_black_lists() -> None:
    tasks = [
        task(1, "done", done=2, parties=("红一",)),
        task(2, progress=60, parties=("红一",)),
        task(3, progress=90, reported=2, parties=("红二",)),
        task(4, deadline=dt.date(2026, 10, 2), parties=("黑一",)),  # 10 days overdue
        task(5, deadline=dt.date(2026, 10, 9), parties=("黑一", "黑二")),  # 3 days overdue
        task(6, reported=20, parties=("黑三",)),  # silent
        task(7, reported=None, created=1, parties=("新单位",)),  # new, nothing to judge yet
        task(8, deadline=dt.date(2026, 10, 11), parties=()),  # overdue but nobody to name
    ]
    digest = build_digest(tasks, NOW, TODAY, RULES)
    assert [(s.party, s.done, s.mean_progress) for s in digest.red] == [("红一", 1, 80), ("红二", 0, 90)]
    assert [(s.party, s.black_overdue, s.silent, s.max_days_overdue) for s in digest.black] == [
        ("黑一", 2, 0, 10),
        ("黑二", 1, 0, 3),
        ("黑三", 0, 1, 0),
    ]


@pytest.mark.parametrize(
    ("rules", "red", "black"),
    [
        (RedBlackRules(black_overdue_days=5), ["红一", "红二"], ["黑一", "黑三"]),  # 黑二 only 3 days late
        (RedBlackRules(red_min_progress=85), ["红二"], ["黑一", "黑二", "黑三"]),
        (RedBlackRules(size=1), ["红一"], ["黑一"]),
        (RedBlackRules(silent_days=30), ["红一", "红二", "黑三"], ["黑一", "黑二"]),
    ],
)
def test_red_black_rules_are_configurable(rules: RedBlackRules, red: list[str], black: list[str]) -> None:
    tasks = [
        task(1, "done", done=2, parties=("红一",)),
        task(2, progress=60, parties=("红一",)),
        task(3, progress=90, reported=2, parties=("红二",)),
        task(4, deadline=dt.date(2026, 10, 2), parties=("黑一",)),
        task(5, deadline=dt.date(2026, 10, 9), parties=("黑二",)),
        task(6, reported=20, parties=("黑三",)),
    ]
    digest = build_digest(tasks, NOW, TODAY, rules)
    assert [s.party for s in digest.red] == red
    assert [s.party for s in digest.black] == black


def test_stuck_tasks_for_the_consultation() -> None:
    last_consultation = days_ago(30)
    tasks = [
        task(1, "blocked", created=60),
        task(2, deadline=dt.date(2026, 10, 1), created=60),
        task(3, created=60),  # no progress since the last consultation
        task(4, created=60, progress=50),  # progressed (in ADVANCED)
        task(5, created=5),  # created since: given the benefit
        task(6, "done", created=60),
    ]
    stuck = stuck_tasks(tasks, TODAY, since=last_consultation, advanced={1, 2, 4})
    assert [(s.task.id, s.reasons, s.days_overdue) for s in stuck] == [
        (1, (StuckReason.BLOCKED,), 0),
        (2, (StuckReason.OVERDUE,), 11),
        (3, (StuckReason.NO_PROGRESS,), 0),
    ]
    both = stuck_tasks([task(7, "blocked", created=60)], TODAY, since=last_consultation, advanced=set())
    assert both[0].reasons == (StuckReason.BLOCKED, StuckReason.NO_PROGRESS)


def test_parties_not_reported_since_the_last_dispatch() -> None:
    since = days_ago(7)
    tasks = [
        task(1, reported=10, parties=("甲镇", "乙镇")),
        task(2, reported=2, parties=("乙镇",)),
        task(3, reported=None, parties=("丙局",)),
    ]
    assert parties_not_reported(tasks, since) == ["甲镇", "丙局"]
