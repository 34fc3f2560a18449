"""Trends from stored facts: the fortnightly beat snapshots every unit's standings once; the periods
and what moved between them are read back from the snapshots."""

from __future__ import annotations

import datetime as dt

from taskbot.config import Settings
from taskbot.domain.digest import Standing
from taskbot.domain.values import Beat
from taskbot.runtime import Runtime
from taskbot.schedule.service import ReminderService
from taskbot.services import tasks as svc
from taskbot.services import trends
from taskbot.services.people import Actor, upsert_chat
from taskbot.store.db import transaction
from taskbot.store.models import StandingSnapshot
from tests.support.clock import ManualClock

SYSTEM = Actor.system("test")


def towns(rt: Runtime, clock: ManualClock) -> list[int]:
    with transaction(rt.sessions) as s:
        for chat_id, party in ((-1, "甲镇"), (-2, "乙镇")):
            svc.bind_party(
                s, SYSTEM, party, chat=upsert_chat(s, chat_id, title=f"{party}群", type="supergroup")
            )
        return [
            svc.add_task(s, SYSTEM, clock(), f"任务{i}", parties=["甲镇", "乙镇"] if i == 0 else ["甲镇"]).id
            for i in range(3)
        ]


def test_the_fortnightly_beat_snapshots_every_unit_once(runtime: Runtime, clock: ManualClock) -> None:
    ids = towns(runtime, clock)
    with transaction(runtime.sessions) as s:
        svc.mark_done(s, ids[1], SYSTEM, clock())
    at = clock() + dt.timedelta(days=1)
    service = ReminderService(runtime)
    service.fire(Beat.FORTNIGHTLY, at)
    service.fire(Beat.FORTNIGHTLY, at)  # planned already: no second snapshot
    service.fire(Beat.WEEKLY, at)  # other beats take none
    with runtime.sessions() as s:
        rows = {(r.scope, r.unit): (r.done, r.on_track) for r in s.query(StandingSnapshot).all()}
        assert {r.taken_at for r in s.query(StandingSnapshot).all()} == {at}
    assert rows == {("all", ""): (1, 2), ("c1", "甲镇群"): (1, 2), ("c2", "乙镇群"): (0, 1)}


def test_periods_and_changes_come_from_the_snapshots(runtime: Runtime, clock: ManualClock) -> None:
    ids = towns(runtime, clock)
    first = clock()
    today = first.date()
    with transaction(runtime.sessions) as s:
        assert trends.take_snapshot(s, runtime.settings, first, today) == 3
        assert trends.take_snapshot(s, runtime.settings, first, today) == 0
    clock.advance(days=14)
    with transaction(runtime.sessions) as s:
        svc.mark_done(s, ids[1], SYSTEM, clock())
        svc.mark_done(s, ids[2], SYSTEM, clock())
        trends.take_snapshot(s, runtime.settings, clock(), clock().date())
    clock.advance(days=1)
    with transaction(runtime.sessions) as s:
        svc.mark_blocked(s, ids[0], SYSTEM, clock(), "资金未到位", unit="甲镇群")
    with runtime.sessions() as s:
        past = trends.periods(s, before=clock())
        now = trends.current(s, runtime.settings, clock(), clock().date())
    assert [p.taken_at for p in past] == [first, first + dt.timedelta(days=14)]
    assert [round(p.completion_rate, 2) for p in past] == [0.0, 0.67]
    # Two done; the third, unreported for 14 days, fell silent.
    assert trends.changes(past[1], past[0]) == [
        (Standing.DONE, 2),
        (Standing.SILENT, 1),
        (Standing.ON_TRACK, -3),
    ]
    assert trends.changes(now, past[1]) == [(Standing.BLOCKED, 1), (Standing.SILENT, -1)]


def test_the_leaders_bulletin_says_what_moved_since_the_last_one(
    settings: Settings, clock: ManualClock
) -> None:
    from taskbot.runtime import build_runtime
    from taskbot.schedule import ledger

    rt = build_runtime(settings.model_copy(update={"leaders_chat_id": -100999}), clock=clock)
    try:
        ids = towns(rt, clock)
        service = ReminderService(rt)
        first = clock() + dt.timedelta(hours=1)
        service.fire(Beat.FORTNIGHTLY, first)  # nothing stored before it: no comparison
        with transaction(rt.sessions) as s:
            svc.mark_done(s, ids[1], SYSTEM, clock())
        second = first + dt.timedelta(days=14)
        clock.now = second
        service.fire(Beat.FORTNIGHTLY, second)
        with rt.sessions() as s:
            texts = {
                row.fire_at: "\n".join(p["text"] for p in row.parts)
                for row in ledger.deliveries(s)
                if row.chat_id == -100999
            }
    finally:
        rt.close()
    assert "比上期" not in texts[first]
    # 14 days on, the two unreported tasks fell silent too.
    assert "📈 比上期（10-05）：↑1 项办结，↑2 项未汇报，↓3 项正常推进" in texts[second]
