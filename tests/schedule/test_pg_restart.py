"""PostgreSQL restarted mid-broadcast: nothing lost, nothing sent twice, the scheduler lock taken again.

The server is a private cluster this module starts itself (``taskbot.localpg``): the machine's shared
server is never stopped. Telegram is the fake Bot API over real HTTP; the sender's waits are virtual
time, and the server comes back on the sender's second wait after it went down.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool
from telegram import Bot

from taskbot.config import load_settings
from taskbot.localapi import FakeBotApi
from taskbot.localpg import ClusterError, PrivateCluster
from taskbot.runtime import Runtime, build_runtime
from taskbot.schedule.leader import Presence, SchedulerLock
from taskbot.store.db import make_engine
from tests.schedule.test_delivery_faults import api, make_sender, record, rows, sent_texts
from tests.schedule.test_limiter import VirtualTime
from tests.schedule.test_wiring import GROUP, installed_with_a_task
from tests.support.clock import ManualClock

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

GROUPS = list(range(-1006, -1000))
__all__ = ["api"]  # the fake Bot API fixture, shared


@pytest.fixture(scope="module")
def cluster() -> Iterator[PrivateCluster]:
    try:
        pg = PrivateCluster()
    except ClusterError as exc:
        pytest.fail(f"this test needs the PostgreSQL server binaries: {exc}")
    with pg:
        yield pg


@pytest.fixture
def pg_runtime(cluster: PrivateCluster, clock: ManualClock) -> Iterator[Runtime]:
    """A runtime on a database of its own in the private cluster."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(cluster.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = cluster.url.rsplit("/", 1)[0] + f"/{name}"
    # No 签收 announcements: the messages counted here are the beats' and the broadcast's alone.
    rt = build_runtime(load_settings(database={"url": url}, workflow={"receipt": False}), clock=clock)
    yield rt
    rt.close()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


class RestartAfter:
    """A transport that stops the database server right after its Nth send (a restart begins)."""

    def __init__(self, bot: Bot, cluster: PrivateCluster, n: int) -> None:
        self.bot = bot
        self.cluster = cluster
        self.n = n
        self.down = False

    async def send_message(self, **kwargs: Any) -> Any:
        message = await self.bot.send_message(**kwargs)
        self.n -= 1
        if self.n == 0:
            await asyncio.to_thread(self.cluster.stop, "fast")  # every session is cut
            self.down = True
        return message


class BackAfter(VirtualTime):
    """Virtual time that starts the server again on the sender's Nth wait after it went down."""

    def __init__(self, transport: RestartAfter, waits: int) -> None:
        super().__init__()
        self.transport = transport
        self.waits = waits
        self.restarted = False

    async def sleep(self, seconds: float) -> None:
        await super().sleep(seconds)
        if self.transport.down and not self.restarted:
            self.waits -= 1
            if self.waits == 0:
                await asyncio.to_thread(self.transport.cluster.start)
                self.restarted = True


async def test_a_database_restart_mid_broadcast_loses_nothing_and_sends_nothing_twice(
    api: FakeBotApi, pg_runtime: Runtime, cluster: PrivateCluster, caplog: pytest.LogCaptureFixture
) -> None:
    record(pg_runtime, {g: 2 for g in GROUPS})
    presence = Presence(pg_runtime.engine)
    lock = SchedulerLock(pg_runtime.engine)
    rival_engine = make_engine(pg_runtime.settings.database.url)
    rival = SchedulerLock(rival_engine)
    try:
        assert lock.try_acquire() and not rival.try_acquire()
        before = presence.owner()
        async with Bot(api.token, base_url=api.base_url) as bot:
            transport = RestartAfter(bot, cluster, 3)
            vt = BackAfter(transport, waits=2)
            sender = make_sender(transport, pg_runtime, vt, concurrency=3, owner=presence.owner)
            with caplog.at_level(logging.WARNING):
                await sender.drain()
                if not vt.restarted:  # the batch ended before a second wait: the restart ends now
                    await asyncio.to_thread(cluster.start)
                await sender.drain()  # the next sweep
        assert transport.down
        # each message exactly once; every row sent, with the one message id it went out as
        assert sent_texts(api) == Counter({(g, f"{g}:{i}"): 1 for g in GROUPS for i in range(2)})
        done = rows(pg_runtime)
        assert len(done) == 12 and all(r.status == "sent" and len(r.message_ids) == 1 for r in done)
        assert all(r.claimed_by is None and r.claim_pid is None for r in done)
        # the claims now name a new session (the old one died with the server)
        assert presence.owner() != before
        # the scheduler's session lock died with the server: it is taken again, by one replica
        assert not lock.alive()
        assert lock.try_acquire() and not rival.try_acquire()
        assert "cannot be recorded" in caplog.text or "the store failed" in caplog.text
    finally:
        lock.release()
        rival.release()
        presence.close()
        rival_engine.dispose()
        await asyncio.to_thread(lambda: cluster.running() or cluster.start())


async def test_the_scheduler_takes_its_lock_again_at_the_first_sweep_after_a_restart(
    api: FakeBotApi, pg_runtime: Runtime, cluster: PrivateCluster
) -> None:
    app, service = installed_with_a_task(api, pg_runtime)
    await app.initialize()
    try:
        await service.jobs.sweep()  # becomes the scheduler: nothing due on Monday 09:00
        assert service.jobs.running and api.sent_messages(GROUP) == []
        await asyncio.to_thread(cluster.stop, "fast")  # the lock's session ends with the server
        await asyncio.to_thread(cluster.start)
        # Thursday's weekly beat came while the scheduler's session was gone
        pg_runtime.clock.set(dt.datetime(2026, 10, 8, 1, 30, tzinfo=dt.UTC))
        await service.jobs.sweep()
        # the same sweep notices the dead session, takes the lock again and catches the beat up
        assert service.jobs.running and service.jobs.lock.alive()
        [message] = api.sent_messages(GROUP)
        assert message["text"].startswith("【每周调度】2026年10月8日")
        await service.jobs.sweep()
        assert len(api.sent_messages(GROUP)) == 1
    finally:
        await app.shutdown()
        service.close()
