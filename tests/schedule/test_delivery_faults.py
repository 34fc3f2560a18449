"""Nothing lost, nothing twice while the world misbehaves: Telegram outages and 5xx, a store that
cannot be written for a while, a broadcast stopped half-way, a restart inside the per-chat limit,
dead claim holders on PostgreSQL.

Telegram is the fake Bot API over real HTTP with its failure switches; the ledger's time is a
ManualClock, the limiter's and the sender's waits a VirtualTime: nothing really sleeps.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import sqlite3
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select, text
from telegram import Bot

from taskbot.bot.errors import on_error
from taskbot.config import Settings
from taskbot.localapi import FakeBotApi
from taskbot.runtime import Runtime, build_runtime
from taskbot.schedule import ledger
from taskbot.schedule.leader import Presence
from taskbot.schedule.ledger import PlannedDelivery
from taskbot.schedule.limiter import RateLimiter
from taskbot.schedule.render import Part
from taskbot.schedule.sender import Sender, backoff_delay
from taskbot.schedule.service import ReminderService
from taskbot.store import db
from taskbot.store.db import transaction
from taskbot.store.models import Delivery, SchedulerState
from tests.schedule.conftest import ADMIN
from tests.schedule.test_limiter import VirtualTime
from tests.support.clock import ManualClock

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

GROUPS = [-1001, -1002, -1003]
WEEKLY_AT = dt.datetime(2026, 10, 8, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    fake = FakeBotApi(token="123456:TEST", bot_username="taskbot_test_bot")
    await fake.start()
    for gid in range(-1020, -1000):
        fake.add_chat(gid, type="supergroup", title=f"群{-gid}")
    fake.add_user(ADMIN, first_name="督查室", language_code="zh-hans")
    fake.add_chat(ADMIN, type="private")
    yield fake
    await fake.stop()


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=api.base_url) as client:
        yield client


def make_sender(
    transport: Any, runtime: Runtime, vt: VirtualTime, *, per_chat: float = 20, **kw: Any
) -> Sender:
    limiter = RateLimiter(30, per_chat, clock=vt, sleep=vt.sleep, margin=0)
    return Sender(
        transport, runtime.sessions, limiter, clock=runtime.clock, sleep=vt.sleep, admins=[ADMIN], **kw
    )


def record(runtime: Runtime, rows: dict[int, int]) -> None:
    """ROWS[chat] one-part deliveries to each chat."""
    with transaction(runtime.sessions) as s:
        ledger.record(
            s,
            [
                PlannedDelivery(f"b{i}|x|chat|{chat}", "weekly", WEEKLY_AT, chat, (), (Part(f"{chat}:{i}"),))
                for chat, n in rows.items()
                for i in range(n)
            ],
            WEEKLY_AT,
        )


def sent_texts(api: FakeBotApi) -> Counter[tuple[int, str]]:
    return Counter(
        (m["chat"]["id"], m["text"]) for gid in range(-1020, -1000) for m in api.sent_messages(gid)
    )


def rows(runtime: Runtime) -> list[Delivery]:
    with runtime.sessions() as s:
        return list(s.scalars(select(Delivery).order_by(Delivery.id)))


# --- 1. failures are delays ------------------------------------------------------------------


@pytest.mark.parametrize("error_code", [None, 502], ids=["connection-reset", "bad-gateway"])
async def test_a_telegram_outage_delays_every_message_and_loses_none(
    api: FakeBotApi, bot: Bot, runtime: Runtime, clock: ManualClock, error_code: int | None
) -> None:
    vt = VirtualTime()
    record(runtime, {g: 2 for g in GROUPS})
    sender = make_sender(bot, runtime, vt)
    api.go_down(error_code=error_code)
    stats = await sender.drain()
    # the chats' first sends may be in flight together; once one failed, no new send starts
    assert (stats.delivered, stats.failed) == (0, 0) and 1 <= stats.deferred <= 3
    assert all(r.status == "pending" and r.claimed_by is None for r in rows(runtime))
    waiting = [r for r in rows(runtime) if r.next_attempt_at is not None]
    assert {r.key[:2] for r in waiting} == {"b0"}  # each chat's second row waits untried
    assert all(r.next_attempt_at > clock() and r.last_error.startswith("network:") for r in waiting)
    assert sender.paused_until is not None and sender.paused_until > clock()

    # while paused nothing is tried; once the pause ends Telegram is probed again, still down
    calls = len(api.calls)
    await sender.drain()
    assert len(api.calls) == calls
    for _ in range(5):
        clock.set(sender.paused_until)
        await sender.drain()
    assert api.stats.outage_failures > 5
    assert all(r.status == "pending" for r in rows(runtime))
    # 30 minutes down, then Telegram is back: every message goes out once
    clock.advance(minutes=30)
    api.go_up()
    stats = await sender.drain()
    assert stats.delivered == 6 and stats.failed == 0
    assert sent_texts(api) == Counter({(g, f"{g}:{i}"): 1 for g in GROUPS for i in range(2)})
    assert {(r.status, r.next_attempt_at, r.first_error_at) for r in rows(runtime)} == {("sent", None, None)}
    # in order within each chat
    assert [m["text"] for m in api.sent_messages(-1001)] == ["-1001:0", "-1001:1"]


async def test_a_probe_telegram_answers_with_an_error_ends_the_outage_too(
    api: FakeBotApi, bot: Bot, runtime: Runtime, clock: ManualClock
) -> None:
    # The probe after an outage is a row to a chat that is gone: Telegram answers 400. It answers,
    # so it is back: the other waiting rows go out now, not after their own (longer) backoff.
    gone = -1099  # not a chat of the fake
    vt = VirtualTime()
    record(runtime, {gone: 1, -1001: 1})
    sender = make_sender(bot, runtime, vt)
    api.go_down()
    await sender.drain()
    assert api.stats.outage_failures and sender.paused_until is not None
    with transaction(runtime.sessions) as s:
        for row in s.scalars(select(Delivery)):
            row.next_attempt_at = clock() + dt.timedelta(minutes=1 if row.chat_id == gone else 5)
    api.go_up()
    clock.set(sender.paused_until)
    stats = await sender.drain()
    assert (stats.delivered, stats.failed) == (1, 1)
    assert [m["text"] for m in api.sent_messages(-1001)] == ["-1001:0"]
    assert {r.chat_id: r.status for r in rows(runtime)} == {gone: "failed", -1001: "sent"}
    assert sender.paused_until is None


async def test_rows_failing_for_give_up_after_are_failed_and_the_admins_told_once(
    api: FakeBotApi, bot: Bot, runtime: Runtime, clock: ManualClock
) -> None:
    vt = VirtualTime()
    record(runtime, {g: 1 for g in GROUPS})
    sender = make_sender(bot, runtime, vt, give_up_after=dt.timedelta(hours=48))
    api.go_down()
    for _ in range(4):  # every row meets the outage
        await sender.drain()
        clock.advance(minutes=10)
    assert all(r.first_error_at is not None for r in rows(runtime))
    clock.advance(hours=46)  # failing for 46 h 40 min: still pending
    await sender.drain()
    assert {r.status for r in rows(runtime)} == {"pending"}
    clock.advance(hours=2)
    api.go_up()
    await sender.drain()
    failed = [r for r in rows(runtime) if r.chat_id in GROUPS]
    assert {r.status for r in failed} == {"failed"}
    assert all(api.sent_messages(g) == [] for g in GROUPS)
    [notice] = [m["text"] for m in api.sent_messages(ADMIN)]
    assert "3" in notice and "48" in notice
    clock.advance(hours=3)
    await sender.drain()
    assert len(api.sent_messages(ADMIN)) == 1  # told once


@pytest.mark.parametrize(
    ("attempt", "jitter", "expected"),
    [(1, 1.0, 1.0), (2, 1.0, 2.0), (4, 0.0, 4.0), (11, 1.0, 600.0), (30, 0.5, 450.0), (0, 1.0, 1.0)],
)
def test_backoff_doubles_with_jitter_up_to_the_cap(attempt: int, jitter: float, expected: float) -> None:
    assert backoff_delay(attempt, 1.0, 600.0, jitter) == pytest.approx(expected)


# --- 2. one bad write never aborts a broadcast -------------------------------------------------


@pytest.fixture
def quick_busy_runtime(
    settings: Settings, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Runtime]:
    """A SQLite store whose writers give up on a lock after 20 ms instead of 10 s."""
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 20)
    rt = build_runtime(settings, clock=clock)
    yield rt
    rt.close()


class LockAfterFirstSend:
    """A transport that locks the store exclusively (another process writing) after its first send."""

    def __init__(self, bot: Bot, path: str) -> None:
        self.bot = bot
        self.path = path
        self.locker: sqlite3.Connection | None = None

    async def send_message(self, **kwargs: Any) -> Any:
        message = await self.bot.send_message(**kwargs)
        if self.locker is None:
            self.locker = sqlite3.connect(self.path, isolation_level=None)
            self.locker.execute("BEGIN EXCLUSIVE")
        return message

    def unlock(self) -> None:
        assert self.locker is not None
        self.locker.execute("ROLLBACK")


class UnlockAfter(VirtualTime):
    """Virtual time that ends the store's lock after N waits of the sender."""

    def __init__(self, transport: LockAfterFirstSend, waits: int) -> None:
        super().__init__()
        self.transport = transport
        self.waits = waits

    async def sleep(self, seconds: float) -> None:
        await super().sleep(seconds)
        self.waits -= 1
        if self.waits == 0:
            self.transport.unlock()


async def test_a_store_that_cannot_be_written_for_a_while_sends_nothing_twice(
    api: FakeBotApi,
    bot: Bot,
    quick_busy_runtime: Runtime,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    runtime = quick_busy_runtime
    record(runtime, {g: 2 for g in range(-1010, -1000)})
    transport = LockAfterFirstSend(bot, settings.database.url.removeprefix("sqlite:///"))
    vt = UnlockAfter(transport, waits=3)
    sender = make_sender(transport, runtime, vt)
    with caplog.at_level(logging.ERROR):
        stats = await sender.drain()
    # the first message went out while the store was locked: recorded after retries, never resent
    assert "went out but cannot be recorded" in caplog.text
    assert stats.delivered == 20
    assert sent_texts(api) == Counter({(g, f"{g}:{i}"): 1 for g in range(-1010, -1000) for i in range(2)})
    assert all(r.status == "sent" and len(r.message_ids) == 1 for r in rows(runtime))


class StopAfter:
    """A transport that asks the sender to stop once N messages went out (a SIGTERM mid-broadcast)."""

    def __init__(self, bot: Bot, n: int) -> None:
        self.bot = bot
        self.n = n
        self.sender: Sender | None = None
        self.in_flight: Counter[int] = Counter()
        self.most_in_flight = 0
        self.most_per_chat = 0

    async def send_message(self, **kwargs: Any) -> Any:
        chat = kwargs["chat_id"]
        self.in_flight[chat] += 1
        self.most_in_flight = max(self.most_in_flight, sum(self.in_flight.values()))
        self.most_per_chat = max(self.most_per_chat, self.in_flight[chat])
        try:
            await asyncio.sleep(0)  # let the other chats' sends start too
            message = await self.bot.send_message(**kwargs)
        finally:
            self.in_flight[chat] -= 1
        self.n -= 1
        if self.n == 0 and self.sender is not None:
            self.sender.stop()
        return message


async def test_a_stopped_broadcast_releases_its_claims_and_the_next_start_resumes_there(
    api: FakeBotApi, bot: Bot, runtime: Runtime
) -> None:
    groups = list(range(-1020, -1000))
    record(runtime, {g: 3 for g in groups})
    transport = StopAfter(bot, 10)
    first = make_sender(transport, runtime, VirtualTime(), concurrency=4)
    transport.sender = first
    stats = await first.drain()
    sent = stats.messages
    assert 10 <= sent <= 10 + 3  # the sends in flight when it stopped finish and are recorded
    pending = [r for r in rows(runtime) if r.status == "pending"]
    assert len(pending) == 60 - sent and all(r.claimed_by is None for r in pending)
    # the duplicate window: one send in flight per chat, at most `concurrency` at once
    assert transport.most_per_chat == 1 and transport.most_in_flight <= 4

    second = make_sender(bot, runtime, VirtualTime())  # the next start
    stats = await second.drain()
    assert stats.messages == 60 - sent
    assert sent_texts(api) == Counter({(g, f"{g}:{i}"): 1 for g in groups for i in range(3)})


async def test_a_failing_job_is_logged_as_that_job(caplog: pytest.LogCaptureFixture) -> None:
    context: Any = SimpleNamespace(
        job=SimpleNamespace(name="taskbot:beat:weekly"), error=RuntimeError("boom")
    )
    with caplog.at_level(logging.ERROR):
        await on_error(None, context)
    assert "job taskbot:beat:weekly failed" in caplog.text and "update" not in caplog.text


# --- 7. the per-chat limit survives a restart; skipped beats are logged ------------------------


async def test_the_per_chat_limit_counts_what_was_sent_before_a_restart(
    api: FakeBotApi, bot: Bot, runtime: Runtime
) -> None:
    vt = VirtualTime()
    api.enforce_limits(30, 5, clock=vt)
    record(runtime, {-1001: 12})
    transport = StopAfter(bot, 5)
    first = make_sender(transport, runtime, vt, per_chat=5)
    transport.sender = first
    await first.drain()
    assert len(api.sent_messages(-1001)) == 5
    restarted = make_sender(bot, runtime, vt, per_chat=5)  # a new process: a new limiter
    await restarted.drain()
    assert api.stats.too_many_requests == 0
    assert [m["text"] for m in api.sent_messages(-1001)] == [f"-1001:{i}" for i in range(12)]
    assert vt.now >= 120  # 12 messages at 5 a minute, the first five counted although sent before


def test_every_missed_beat_skipped_gets_a_log_line(
    runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    with transaction(runtime.sessions) as s:
        s.add(SchedulerState(name="weekly", last_fire_at=dt.datetime(2026, 9, 14, 1, 0, tzinfo=dt.UTC)))
    service = ReminderService(runtime)
    with caplog.at_level(logging.INFO):
        service.catch_up(dt.datetime(2026, 10, 12, 3, 0, tzinfo=dt.UTC))  # Monday 11:00, four weeks on
    skipped = [r.getMessage() for r in caplog.records if "skipping the missed weekly beat" in r.getMessage()]
    # 21 and 28 Sep, and 8 Oct (after the National Day holiday) were replaced by 12 Oct's
    assert [line.split(" of ")[1][:10] for line in skipped] == ["2026-09-21", "2026-09-28", "2026-10-08"]
    assert "catching up the missed weekly beat of 2026-10-12" in caplog.text


# --- 4. claims whose holder is gone are free at once (PostgreSQL) ------------------------------


def _gone(runtime: Runtime, pid: int) -> bool:
    with runtime.sessions() as s:
        return s.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :p"), {"p": pid}) == 0


@pytest.mark.postgres
def test_claims_of_a_holder_whose_session_ended_are_free_at_once(pg_settings: Settings) -> None:
    holder_rt = build_runtime(pg_settings)
    other_rt = build_runtime(pg_settings, migrate=False)
    holder = Presence(holder_rt.engine)
    try:
        record(holder_rt, {g: 1 for g in GROUPS})
        owner = holder.owner()
        assert owner is not None
        with transaction(holder_rt.sessions) as s:
            assert len(ledger.claim(s, "holder", WEEKLY_AT, lease=dt.timedelta(seconds=60), owner=owner)) == 3
        with transaction(other_rt.sessions) as s:
            assert ledger.claim(s, "other", WEEKLY_AT, lease=dt.timedelta(seconds=60)) == []  # it lives
        # the holder is killed: PostgreSQL ends its session
        with other_rt.engine.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": owner[0]})
        deadline = time.monotonic() + 10
        while not _gone(other_rt, owner[0]) and time.monotonic() < deadline:
            time.sleep(0.05)
        with transaction(other_rt.sessions) as s:
            taken = ledger.claim(s, "other", WEEKLY_AT, lease=dt.timedelta(seconds=60))
        assert len(taken) == 3  # within the lease: free because their holder is gone
        # the holder's presence notices and opens a new session under a new identity
        assert holder.owner() not in (None, owner)
    finally:
        holder.close()
        holder_rt.close()
        other_rt.close()


@pytest.mark.postgres
def test_a_live_holders_expired_lease_is_still_taken_over(pg_settings: Settings) -> None:
    rt = build_runtime(pg_settings)
    holder = Presence(rt.engine)
    try:
        record(rt, {-1001: 1})
        with transaction(rt.sessions) as s:
            ledger.claim(s, "holder", WEEKLY_AT, lease=dt.timedelta(seconds=60), owner=holder.owner())
            assert (
                ledger.claim(s, "other", WEEKLY_AT + dt.timedelta(seconds=30), lease=dt.timedelta(seconds=60))
                == []
            )
            assert (
                len(
                    ledger.claim(
                        s, "other", WEEKLY_AT + dt.timedelta(seconds=61), lease=dt.timedelta(seconds=60)
                    )
                )
                == 1
            )
    finally:
        holder.close()
        rt.close()
