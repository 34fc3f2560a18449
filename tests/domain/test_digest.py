"""The digest's standings, the red/black list rules and the consultation agenda."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from taskbot.domain.digest import (
    RedBlackRules,
    Standing,
    StuckReason,
    TaskFacts,
    UnitFacts,
    build_digest,
    missed_period,
    parties_not_reported,
    standing,
    stuck_tasks,
)
from taskbot.domain.report_rules import ReportRule

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
    completion: str | None = None,
) -> TaskFacts:
    """A task whose every party is a unit (a bound group) in the same state as the task."""
    units = tuple(
        UnitFacts(
            chat_id=-1000 - sum(map(ord, name)),
            name=name,
            status=status,
            progress=progress,
            last_report_at=None if reported is None else days_ago(reported),
            completed_at=None if done is None else days_ago(done),
            completion=completion if done is not None else None,
        )
        for name in parties
    )
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
        units=units,
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


@pytest.mark.parametrize(
    ("shares", "red", "black", "why"),
    [
        # reported, nothing wrong: red
        ([task(1, "in_progress", progress=50, reported=2)], True, False, {}),
        # finished on time in the period: red
        ([task(1, "done", done=2, completion="on_time")], True, False, {"done": 1}),
        # finished 4 days late in the period: off the red list, on the black one, saying why
        ([task(1, "done", done=2, completion="late")], False, True, {"done_late": 1}),
        # a late completion keeps a unit off the red list even beside a good one
        (
            [task(1, "done", done=2, completion="late"), task(2, "done", done=1, completion="on_time")],
            False,
            True,
            {"done": 2, "done_late": 1},
        ),
        # blocked: neither red nor black
        ([task(1, "blocked", reported=1), task(2, "in_progress", reported=1)], False, False, {}),
        # overdue (even with a fresh report): black
        ([task(1, "in_progress", deadline=dt.date(2026, 10, 8), reported=1)], False, True, {"overdue": 1}),
        # silent: black
        ([task(1, "open", reported=None, created=20)], False, True, {"silent": 1}),
        # nothing reported in the period, not yet silent: neither
        ([task(1, "open", reported=None, created=3)], False, False, {}),
        # done before the period: not counted as done now (its task is left out of the digest)
        ([task(1, "done", done=20, completion="on_time")], False, False, {}),
    ],
)
def test_a_unit_is_red_only_with_nothing_blocked_overdue_late_or_silent(
    shares: list[TaskFacts], red: bool, black: bool, why: dict[str, int]
) -> None:
    digest = build_digest(shares, NOW, TODAY, RULES, period_start=days_ago(14))
    assert ([s.unit for s in digest.red] == ["甲镇"]) is red
    assert ([s.unit for s in digest.black] == ["甲镇"]) is black
    scores = digest.red + digest.black
    for name, count in why.items():
        assert getattr(scores[0], name) == count


def test_units_of_one_task_are_ranked_each_on_its_own_share() -> None:
    shared = TaskFacts(
        id=1,
        title="燃气管道摸底",
        status="in_progress",
        deadline=dt.date(2026, 10, 31),
        parties=("各镇街",),
        created_at=days_ago(20),
        units=(
            UnitFacts(
                -1, "甲镇", status="done", progress=100, completed_at=days_ago(1), completion="on_time"
            ),
            UnitFacts(-2, "乙镇", status="in_progress", progress=50, last_report_at=days_ago(1)),
            UnitFacts(-3, "丙镇"),  # silent since the task came, 20 days ago
        ),
    )
    digest = build_digest([shared], NOW, TODAY, RULES)
    assert [(s.unit, s.done, s.mean_progress) for s in digest.red] == [("甲镇", 1, 100), ("乙镇", 0, 50)]
    assert [(s.unit, s.silent) for s in digest.black] == [("丙镇", 1)]
    assert "各镇街" not in [s.unit for s in digest.red + digest.black]  # the phrase is never ranked


def test_parties_no_unit_answers_for_are_listed_not_ranked() -> None:
    lone = task(1, deadline=dt.date(2026, 10, 1), parties=())
    lone.parties = ("各责任单位", "市住建局")
    digest = build_digest([lone, task(2, parties=("甲镇",))], NOW, TODAY, RULES)
    assert digest.unbound == ["各责任单位", "市住建局"]
    assert [s.unit for s in digest.black] == []


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


FRIDAYS_5PM = ReportRule("weekly", weekday=5, due=dt.time(17, 0))
FRI_2 = dt.datetime(2026, 10, 2, 17, 0, tzinfo=dt.UTC)
FRI_9 = dt.datetime(2026, 10, 9, 17, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("rule", "periods", "created", "period_days", "silent"),
    [
        (None, set(), 30, 14, False),  # no reporting rule: nothing to miss
        (FRIDAYS_5PM, set(), 30, 14, True),  # missed both Fridays
        (FRIDAYS_5PM, {FRI_2, FRI_9}, 30, 14, False),  # reported in both periods
        (FRIDAYS_5PM, {FRI_9}, 30, 14, True),  # missed the period ending 10-02
        (FRIDAYS_5PM, {FRI_9}, 30, 5, False),  # ... which ended before the digest's period
        (FRIDAYS_5PM, set(), 2, 14, False),  # created after the last due moment
        (FRIDAYS_5PM, {FRI_2}, 5, 14, True),  # created 10-07: the period ending 10-09 was missed
    ],
)
def test_a_missed_reporting_period_counts_as_silent(
    rule: ReportRule | None, periods: set[dt.datetime], created: float, period_days: float, silent: bool
) -> None:
    facts = task(progress=50, created=created, reported=1, parties=("甲镇",))  # reported yesterday
    facts.units = (replace(facts.units[0], reported_periods=frozenset(periods)),)
    facts.report_rule = rule
    digest = build_digest([facts], NOW, TODAY, RULES, period_start=days_ago(period_days))
    assert [s.party for s in digest.black] == (["甲镇"] if silent else [])
    assert [s.party for s in digest.red] == ([] if silent else ["甲镇"])
    assert missed_period(facts, facts.units[0], days_ago(period_days), NOW, dt.UTC) is silent
