"""Restarts: what was planned is sent once, what was sent is never sent again, missed beats once.

Each "process" is a fresh runtime and sender on the same SQLite file, as after a real restart.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator, Iterator

import pytest
from telegram import Bot

from taskbot.config import Settings
from taskbot.domain.values import Beat
from taskbot.localapi import FakeBotApi
from taskbot.runtime import Runtime, build_runtime
from taskbot.schedule import ledger
from taskbot.schedule.limiter import RateLimiter
from taskbot.schedule.sender import Sender
from taskbot.schedule.service import ReminderService
from taskbot.store.db import transaction
from tests.schedule.store_builder import StoreBuilder
from tests.schedule.test_limiter import VirtualTime
from tests.support.clock import ManualClock

GROUPS = [-1001, -1002]
SH = dt.timezone(dt.timedelta(hours=8))


def at(m: int, d: int, hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime(2026, m, d, hh, mm, tzinfo=SH)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    fake = FakeBotApi()
    await fake.start()
    for gid in GROUPS:
        fake.add_chat(gid, type="supergroup", title=f"群{-gid}")
    yield fake
    await fake.stop()


class Process:
    """One run of the bot: its own runtime, bot client, sender and service."""

    def __init__(self, settings: Settings, api: FakeBotApi, now: dt.datetime) -> None:
        self.clock = ManualClock(now)
        self.runtime = build_runtime(settings, clock=self.clock)
        self.bot = Bot(api.token, base_url=api.base_url)
        vt = VirtualTime()
        limiter = RateLimiter(clock=vt, sleep=vt.sleep)
        sender = Sender(self.bot, self.runtime.sessions, limiter, clock=self.clock, sleep=vt.sleep)
        self.service = ReminderService(self.runtime, sender)

    async def __aenter__(self) -> Process:
        await self.bot.initialize()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.bot.shutdown()
        self.runtime.close()


@pytest.fixture
def seeded(runtime: Runtime) -> Iterator[Settings]:
    store = StoreBuilder(runtime)
    for gid in GROUPS:
        store.chat(gid, f"群{-gid}")
        store.party(f"单位{-gid}", chats=[gid])
        store.task(f"群{-gid}的任务", parties=[f"单位{-gid}"])
    yield runtime.settings


def sends(api: FakeBotApi) -> list[int]:
    """The messages to the units' groups (the leaders' bulletin of every task is not counted here)."""
    return [
        c.params["chat_id"] for c in api.calls if c.method == "sendMessage" and c.params["chat_id"] in GROUPS
    ]


async def test_stopped_between_planning_and_sending(api: FakeBotApi, seeded: Settings) -> None:
    async with Process(seeded, api, at(10, 8, 9)) as first:
        assert first.service.fire(Beat.WEEKLY, at(10, 8, 9)) == 2
        # a sender claims the rows and dies before sending anything
        with transaction(first.runtime.sessions) as s:
            ledger.claim(s, "dead-sender", first.clock(), lease=dt.timedelta(minutes=10))
    assert sends(api) == []
    async with Process(seeded, api, at(10, 8, 9, 5)) as second:
        stats = await second.service.start(second.clock())
    assert stats.delivered == 2
    assert sorted(sends(api)) == sorted(GROUPS)
    async with Process(seeded, api, at(10, 8, 9, 10)) as third:
        await third.service.start(third.clock())
    assert len(sends(api)) == 2


async def test_stopped_mid_way_through_a_long_message(api: FakeBotApi, seeded: Settings) -> None:
    async with Process(seeded, api, at(10, 8, 9)) as first:
        first.service.fire(Beat.WEEKLY, at(10, 8, 9))
        with transaction(first.runtime.sessions) as s:
            rows = ledger.claim(s, "dead-sender", first.clock(), lease=dt.timedelta(minutes=10))
            row = next(r for r in rows if r.chat_id == GROUPS[0])
            # pretend the row had three parts and the first went out before the crash
            s.get(ledger.Delivery, row.id).parts = [p.to_json() for p in row.parts] * 3
        with transaction(first.runtime.sessions) as s:
            ledger.record_part(s, row.id, 77, first.clock(), last=False)
    async with Process(seeded, api, at(10, 8, 9, 5)) as second:
        await second.service.start(second.clock())
    assert sorted(sends(api)) == sorted([GROUPS[0], GROUPS[0], GROUPS[1]])
    check = build_runtime(seeded)
    with check.sessions() as s:
        done = s.get(ledger.Delivery, row.id)
        assert done.status == "sent"
        assert done.message_ids[0] == 77 and len(done.message_ids) == 3
    check.close()


async def test_stopped_after_sending(api: FakeBotApi, seeded: Settings) -> None:
    async with Process(seeded, api, at(10, 8, 9)) as first:
        await first.service.run_beat(Beat.WEEKLY, at(10, 8, 9))
    assert len(sends(api)) == 2
    async with Process(seeded, api, at(10, 8, 9, 30)) as second:
        stats = await second.service.start(second.clock())
    assert stats.messages == 0
    assert len(sends(api)) == 2


async def test_downtime_across_two_beats_catches_up_once(api: FakeBotApi, seeded: Settings) -> None:
    async with Process(seeded, api, at(9, 28, 9, 30)) as first:
        await first.service.start(first.clock())  # sends the dispatch of Monday 9-28
    assert len(sends(api)) == 2
    # down from 9-28 until 10-12 10:00: the dispatches of 10-8 and 10-12 were both missed
    async with Process(seeded, api, at(10, 12, 10)) as second:
        await second.service.start(second.clock())
        with second.runtime.sessions() as s:
            weekly = [r.fire_at for r in ledger.deliveries(s) if r.beat == "weekly"]
    assert len(sends(api)) == 4
    assert sorted(set(weekly)) == [at(9, 28, 9), at(10, 12, 9)]


async def test_a_beat_missed_longer_than_the_grace_is_skipped(
    api: FakeBotApi, seeded: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    async with Process(seeded, api, at(9, 28, 9, 30)) as first:
        await first.service.start(first.clock())
    with caplog.at_level(logging.INFO, logger="taskbot.schedule.service"):
        async with Process(seeded, api, at(10, 12, 21, 30)) as second:  # 12.5 h after 09:00
            await second.service.start(second.clock())
    assert len(sends(api)) == 2
    assert any(
        "skipping the missed weekly beat of 2026-10-12T09:00:00+08:00" in r.getMessage()
        for r in caplog.records
    )
    async with Process(seeded, api, at(10, 12, 22)) as third:
        await third.service.start(third.clock())
    assert len(sends(api)) == 2


@pytest.mark.postgres
async def test_on_postgres_a_dead_replicas_claim_expires(api: FakeBotApi, pg_settings: Settings) -> None:
    """Several replicas may share PostgreSQL: a restart does not drop others' claims; their lease ends."""
    rt = build_runtime(pg_settings)
    store = StoreBuilder(rt)
    for gid in GROUPS:
        store.chat(gid, f"群{-gid}")
        store.party(f"单位{-gid}", chats=[gid])
        store.task(f"群{-gid}的任务", parties=[f"单位{-gid}"])
    rt.close()
    async with Process(pg_settings, api, at(10, 8, 9)) as first:
        first.service.fire(Beat.WEEKLY, at(10, 8, 9))
        with transaction(first.runtime.sessions) as s:
            ledger.claim(s, "dead-replica", first.clock(), lease=dt.timedelta(minutes=10))
    async with Process(pg_settings, api, at(10, 8, 9, 5)) as second:
        await second.service.start(second.clock())
    assert sends(api) == []  # the holder might be alive: its rows wait for the lease
    async with Process(pg_settings, api, at(10, 8, 9, 11)) as third:
        await third.service.start(third.clock())
    assert sorted(sends(api)) == sorted(GROUPS)
