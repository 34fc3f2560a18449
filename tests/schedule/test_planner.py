"""Planning from the store: who gets which tasks on each beat, without sending."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from taskbot.domain.values import Beat
from taskbot.runtime import Runtime
from taskbot.schedule.planner import Audience
from taskbot.schedule.service import ReminderService
from taskbot.store.models import Report
from tests.schedule.conftest import LEADERS
from tests.schedule.store_builder import StoreBuilder

SH = ZoneInfo("Asia/Shanghai")
A, B = -1001, -1002


def at(m: int, d: int, hh: int = 9, y: int = 2026) -> dt.datetime:
    return dt.datetime(y, m, d, hh, tzinfo=SH)


def summary(fires: list) -> list[tuple]:
    return [(f.at, f.beat.value, f.chat_id, f.task_ids, f.audience.value) for f in fires]


def test_weekly_dispatch_one_fire_per_chat(runtime: Runtime, store: StoreBuilder) -> None:
    store.chat(A, "甲群")
    store.chat(B, "乙群")
    store.party("甲镇", chats=[A])
    store.party("乙局", chats=[A, B])
    t1 = store.task("甲的任务", parties=["甲镇"])
    t2 = store.task("乙的任务", parties=["乙局"], cadence=["weekly", "fortnightly"])
    store.task("只在月度会商", chat=B, cadence=["monthly"])
    t4 = store.task("无人认领")
    store.task("已完成", parties=["甲镇"], status="done")
    t6 = store.task("丙未绑定", parties=["丙街道"])
    t7 = store.task("两个单位", parties=["甲镇", "乙局"])
    fires = ReminderService(runtime).preview(at(10, 5, 0), at(10, 8, 23), [Beat.WEEKLY])
    assert summary(fires) == [
        (at(10, 8), "weekly", None, (t4, t6), "chat"),
        (at(10, 8), "weekly", B, (t2, t7), "chat"),
        (at(10, 8), "weekly", A, (t1, t2, t7), "chat"),
    ]


def test_inactive_chats_get_nothing_and_direct_chat_wins(runtime: Runtime, store: StoreBuilder) -> None:
    store.chat(A)
    store.chat(B, active=False)
    store.party("甲镇", chats=[A, B])
    t1 = store.task("甲", parties=["甲镇"])
    # sent to B directly: not to its party's chat A; B is inactive, so no chat receives it
    t2 = store.task("直接发到乙群", parties=["甲镇"], chat=B)
    fires = ReminderService(runtime).preview(at(10, 5, 0), at(10, 8, 23), [Beat.WEEKLY])
    assert summary(fires) == [
        (at(10, 8), "weekly", None, (t2,), "chat"),
        (at(10, 8), "weekly", A, (t1,), "chat"),
    ]


def test_a_window_lists_every_beat_in_time_order(runtime: Runtime, store: StoreBuilder) -> None:
    store.chat(A)
    store.party("甲镇", chats=[A])
    weekly = store.task("每周", parties=["甲镇"])
    all_beats = store.task(
        "三种节奏",
        parties=["甲镇"],
        cadence=["weekly", "fortnightly", "monthly"],
        deadline=dt.date(2026, 10, 9),
    )
    fires = ReminderService(runtime).preview(at(10, 5, 0), at(10, 13, 23))
    assert summary(fires) == [
        (at(10, 8), "weekly", A, (weekly, all_beats), "chat"),
        # the monthly agenda: open since before the last consultation and no progress since
        (at(10, 8), "monthly", A, (all_beats,), "chat"),
        # the leaders' agenda covers every stuck task, whatever its cadence
        (at(10, 8), "monthly", LEADERS, (weekly, all_beats), "leaders"),
        (at(10, 8), "deadline", A, (all_beats,), "chat"),  # due tomorrow
        # none on the deadline day itself: 7, 3, 1 days before, then overdue
        (at(10, 10), "deadline", A, (all_beats,), "chat"),  # 1 day overdue, make-up Saturday
        (at(10, 12), "weekly", A, (weekly, all_beats), "chat"),
        (at(10, 12), "fortnightly", A, (all_beats,), "chat"),
        (at(10, 12), "fortnightly", LEADERS, (weekly, all_beats), "leaders"),  # every open task
        (at(10, 12), "deadline", A, (all_beats,), "chat"),
        (at(10, 13), "deadline", A, (all_beats,), "chat"),
        (at(10, 13), "escalation", LEADERS, (all_beats,), "leaders"),  # 4 days overdue
    ]


def test_monthly_agenda_lists_stuck_tasks_only(runtime: Runtime, store: StoreBuilder) -> None:
    store.chat(A)
    store.party("甲镇", chats=[A])
    monthly = {"parties": ["甲镇"], "cadence": ["monthly"]}
    blocked = store.task("受阻", status="blocked", reported=at(9, 20), **monthly)
    overdue = store.task("逾期", deadline=dt.date(2026, 9, 30), progress=40, reported=at(9, 20), **monthly)
    # 30% before the last consultation (9-1), 30% now
    still = store.task("原地踏步", progress=30, created=at(8, 1), **monthly)
    store.task("有进展", progress=60, reported=at(9, 20), **monthly)
    store.task("新任务", created=at(9, 15), **monthly)
    with runtime.sessions.begin() as s:
        s.add(Report(task_id=still, at=at(8, 20), kind="status", status="in_progress", progress=30))
    fires = ReminderService(runtime).preview(at(10, 5, 0), at(10, 8, 23), [Beat.MONTHLY])
    assert summary(fires) == [
        (at(10, 8), "monthly", A, (blocked, overdue, still), "chat"),
        (at(10, 8), "monthly", LEADERS, (blocked, overdue, still), "leaders"),
    ]


def test_fortnightly_includes_tasks_done_in_the_period(runtime: Runtime, store: StoreBuilder) -> None:
    store.chat(A)
    store.party("甲镇", chats=[A])
    fortnightly = {"parties": ["甲镇"], "cadence": ["fortnightly"]}
    open_one = store.task("在办", **fortnightly)
    done_now = store.task("本期完成", status="done", reported=at(10, 9), **fortnightly)
    store.task("上期完成", status="done", reported=at(9, 20), **fortnightly)
    weekly = store.task("不在通报节奏", parties=["甲镇"], cadence=["weekly"])
    fires = ReminderService(runtime).preview(at(10, 5, 0), at(10, 12, 23), [Beat.FORTNIGHTLY])
    assert summary(fires) == [
        (at(10, 12), "fortnightly", A, (open_one, done_now), "chat"),
        # the leaders' bulletin covers every open task, whatever its cadence
        (at(10, 12), "fortnightly", LEADERS, (open_one, done_now, weekly), "leaders"),
    ]
    assert all(f.audience is Audience.LEADERS for f in fires if f.chat_id == LEADERS)


def test_routes_agree_with_the_shared_query(runtime: Runtime, store: StoreBuilder) -> None:
    from taskbot.services.digest import load_view
    from taskbot.store import queries

    store.chat(A)
    store.chat(B)
    store.chat(-1003, active=False)
    store.party("甲镇", chats=[A, -1003])
    store.party("乙局", chats=[B, A])
    for parties, chat in [(["甲镇"], None), (["乙局", "甲镇"], None), ([], B), (["甲镇"], -1003), ([], None)]:
        store.task(parties=parties, chat=chat)
    with runtime.sessions() as s:
        view = load_view(s)
        tasks = queries.open_tasks(s)
        expected = {
            tid: tuple(c.telegram_chat_id for c in chats)
            for tid, chats in queries.chats_by_task(s, tasks).items()
        }
    assert view.routes == expected  # the same chats in the same order


def test_the_agenda_judges_progress_unit_by_unit(runtime: Runtime, store: StoreBuilder) -> None:
    from taskbot.services import tasks as task_service
    from taskbot.services.people import Actor
    from taskbot.store.db import transaction
    from taskbot.store.models import Chat

    store.chat(A, "甲群")
    store.chat(B, "乙群")
    store.party("各镇街", chats=[A, B])
    monthly = {"parties": ["各镇街"], "cadence": ["monthly"], "created": at(8, 1)}
    moving = store.task("乙镇在推进", **monthly)
    standing = store.task("都没动", **monthly)
    with transaction(runtime.sessions) as s:
        chat_a, chat_b = (s.query(Chat).filter_by(telegram_chat_id=c).one() for c in (A, B))
        for task_id in (moving, standing):
            task_service.mark_done(s, task_id, Actor("甲", chat=chat_a), at(8, 20))  # before 9-1
        task_service.report_status(s, moving, Actor("乙", chat=chat_b), at(9, 20), "过半", 50)
    fires = ReminderService(runtime).preview(at(10, 5, 0), at(10, 8, 23), [Beat.MONTHLY])
    # 乙镇 rose from 0 to 50 since the last consultation although the task's mean (75) is below
    # 甲镇's 100 of August: only the task where no unit moved is stuck
    assert {f.task_ids for f in fires} == {(standing,)}


def test_the_weekly_dispatch_mentions_the_people_of_the_units_share(
    runtime: Runtime, store: StoreBuilder
) -> None:
    from taskbot.schedule import ledger
    from taskbot.services import tasks as task_service
    from taskbot.services.people import Actor, person_by_username
    from taskbot.store.db import transaction

    store.chat(A, "甲群")
    store.chat(B, "乙群")
    store.party("甲镇", chats=[A])
    store.party("乙镇", chats=[B])
    store.task("甲的任务", parties=["甲镇"])
    store.task("乙的任务", parties=["乙镇"])
    with transaction(runtime.sessions) as s:
        for name, party in [("zhangsan", "甲镇"), ("lisi", "甲镇"), ("wangwu", "乙镇")]:
            person = person_by_username(s, name, create=True)
            task_service.bind_party(s, Actor.system(), party, person=person)
    ReminderService(runtime).fire(Beat.WEEKLY, at(10, 8))
    with runtime.sessions() as s:
        texts = {row.chat_id: row.parts[0]["text"] for row in ledger.deliveries(s)}
    assert "请 @zhangsan @lisi 汇报。" in texts[A]
    assert "请 @wangwu 汇报。" in texts[B] and "@zhangsan" not in texts[B]
