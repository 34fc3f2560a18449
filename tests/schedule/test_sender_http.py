"""The sender against the local fake Bot API over HTTP: flood control, kicks, migrations, outages.

The rate limiter and the sender sleep on a virtual clock (shared with the fake's flood limits
where it enforces them), so minutes of Telegram time pass without real waiting.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select, update
from telegram import Bot

from taskbot.domain.values import Beat
from taskbot.localapi import FakeBotApi
from taskbot.runtime import Runtime
from taskbot.schedule import ledger
from taskbot.schedule.ledger import PlannedDelivery
from taskbot.schedule.limiter import RateLimiter
from taskbot.schedule.render import Part
from taskbot.schedule.sender import Sender
from taskbot.schedule.service import ReminderService
from taskbot.store.db import transaction
from taskbot.store.models import Chat, Delivery
from tests.schedule.conftest import ADMIN
from tests.schedule.store_builder import StoreBuilder
from tests.schedule.test_limiter import VirtualTime

# PTB itself warns about RetryAfter.retry_after becoming a timedelta when it builds the error.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

GROUPS = [-1001, -1002, -1003]
WEEKLY_AT = dt.datetime(2026, 10, 8, 1, 0, tzinfo=dt.UTC)  # Thursday 09:00 in Shanghai


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    fake = FakeBotApi(token="123456:TEST", bot_username="taskbot_test_bot")
    await fake.start()
    for gid in GROUPS:
        fake.add_chat(gid, type="supergroup", title=f"群{-gid}")
    fake.add_user(ADMIN, first_name="督查室", language_code="zh-hans")
    fake.add_chat(ADMIN, type="private")  # the admin has started the bot
    yield fake
    await fake.stop()


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url) as client:
        yield client


@pytest.fixture
def vt() -> VirtualTime:
    return VirtualTime()


def make_sender(bot: Bot, runtime: Runtime, vt: VirtualTime, **limits: float) -> Sender:
    limiter = RateLimiter(
        limits.get("per_second", 30), limits.get("per_chat", 20), clock=vt, sleep=vt.sleep, margin=0
    )
    return Sender(
        bot, runtime.sessions, limiter, clock=runtime.clock, sleep=vt.sleep, admins=[ADMIN], max_retries=3
    )


def texts(api: FakeBotApi, chat_id: int) -> list[str]:
    return [m["text"] for m in api.sent_messages(chat_id)]


def seed(store: StoreBuilder, tasks_per_group: int = 2) -> None:
    for gid in GROUPS:
        store.chat(gid, f"群{-gid}")
        store.party(f"单位{-gid}", chats=[gid])
        for i in range(tasks_per_group):
            store.task(f"群{-gid}的任务{i}", parties=[f"单位{-gid}"])


def record_parts(runtime: Runtime, per_chat: dict[int, int]) -> None:
    """One delivery per chat with N parts each (each part is one message)."""
    with transaction(runtime.sessions) as s:
        ledger.record(
            s,
            [
                PlannedDelivery(
                    f"weekly|x|chat|{chat}",
                    "weekly",
                    WEEKLY_AT,
                    chat,
                    (),
                    tuple(Part(f"{chat}:{i}") for i in range(n)),
                )
                for chat, n in per_chat.items()
            ],
            WEEKLY_AT,
        )


async def test_weekly_beat_reaches_each_group_once_with_buttons(
    api: FakeBotApi, bot: Bot, runtime: Runtime, store: StoreBuilder, vt: VirtualTime
) -> None:
    seed(store)
    service = ReminderService(runtime, make_sender(bot, runtime, vt))
    stats = await service.run_beat(Beat.WEEKLY, WEEKLY_AT)
    assert (stats.messages, stats.delivered, stats.failed) == (3, 3, 0)
    for gid in GROUPS:
        [message] = api.sent_messages(gid)
        assert message["text"].startswith("【每周调度】2026年10月8日")
        keyboard = message["reply_markup"]["inline_keyboard"]
        assert [[b["callback_data"].split(":")[0] for b in row] for row in keyboard] == [
            ["done", "progress", "blocked"]
        ] * 2
    with runtime.sessions() as s:
        rows = ledger.deliveries(s)
        assert {(r.chat_id, r.status) for r in rows} == {(g, "sent") for g in GROUPS}
        assert all(r.message_ids == [api.sent_messages(r.chat_id)[0]["message_id"]] for r in rows)


async def test_retry_after_is_honoured_and_everything_arrives_once(
    api: FakeBotApi, bot: Bot, runtime: Runtime, vt: VirtualTime
) -> None:
    # The fake enforces Telegram's limits on the virtual clock; our limiter is set far too high,
    # so only Telegram's 429s keep the sender in line.
    api.enforce_limits(30, 20, clock=vt)
    record_parts(runtime, {-1001: 45, -1002: 30, -1003: 5})
    sender = make_sender(bot, runtime, vt, per_second=1000, per_chat=1000)
    stats = await sender.drain()
    assert api.stats.too_many_requests > 0
    assert stats.retry_after == api.stats.too_many_requests
    assert texts(api, -1001) == [f"-1001:{i}" for i in range(45)]
    assert texts(api, -1002) == [f"-1002:{i}" for i in range(30)]
    assert texts(api, -1003) == [f"-1003:{i}" for i in range(5)]
    assert vt.now >= 120  # 45 messages to one group need three minutes' windows
    with runtime.sessions() as s:
        assert [r.status for r in ledger.deliveries(s)] == ["sent"] * 3


async def test_our_limiter_keeps_under_the_limits(
    api: FakeBotApi, bot: Bot, runtime: Runtime, vt: VirtualTime
) -> None:
    api.enforce_limits(30, 20, clock=vt)
    record_parts(runtime, {-1001: 25, -1002: 25, -1003: 25})
    stats = await make_sender(bot, runtime, vt).drain()
    assert api.stats.too_many_requests == 0
    assert stats.messages == 75


async def test_kicked_bot_marks_the_chat_inactive_and_tells_the_admins(
    api: FakeBotApi, bot: Bot, runtime: Runtime, store: StoreBuilder, vt: VirtualTime
) -> None:
    seed(store)
    api.kick_bot(-1002)
    service = ReminderService(runtime, make_sender(bot, runtime, vt))
    stats = await service.run_beat(Beat.WEEKLY, WEEKLY_AT)
    assert (stats.forbidden, stats.delivered) == (1, 3)  # two groups and the admin's notice
    assert len(api.sent_messages(-1001)) == len(api.sent_messages(-1003)) == 1
    [notice] = texts(api, ADMIN)
    assert "群1002" in notice and "-1002" in notice
    with runtime.sessions() as s:
        chat = s.scalar(select(Chat).where(Chat.telegram_chat_id == -1002))
        assert chat.active is False
        failed = ledger.deliveries(s, "failed")
        assert [(r.chat_id, r.last_error.split(":")[0]) for r in failed] == [(-1002, "forbidden")]
        # the next beat leaves the chat out altogether
    service.fire(Beat.WEEKLY, WEEKLY_AT + dt.timedelta(days=4))
    with runtime.sessions() as s:
        assert -1002 not in {r.chat_id for r in ledger.deliveries(s, "pending")}


async def test_migrated_group_gets_its_reminder_at_the_new_id(
    api: FakeBotApi, bot: Bot, runtime: Runtime, store: StoreBuilder, vt: VirtualTime
) -> None:
    seed(store)
    api.migrate_chat(-1001, -1009001)
    service = ReminderService(runtime, make_sender(bot, runtime, vt))
    stats = await service.run_beat(Beat.WEEKLY, WEEKLY_AT)
    assert (stats.migrated, stats.delivered, stats.failed) == (1, 3, 0)
    assert texts(api, -1001) == []
    [message] = api.sent_messages(-1009001)
    assert message["text"].startswith("【每周调度】")
    with runtime.sessions() as s:
        assert s.scalar(select(Chat.telegram_chat_id).where(Chat.title == "群1001")) == -1009001
        row = next(r for r in ledger.deliveries(s) if r.chat_id == -1009001)
        assert (row.status, row.message_ids) == ("sent", [message["message_id"]])
    # later beats go straight to the new id
    await service.run_beat(Beat.WEEKLY, WEEKLY_AT + dt.timedelta(days=4))
    assert len(api.sent_messages(-1009001)) == 2
    assert Counter(c.params.get("chat_id") for c in api.calls if c.method == "sendMessage")[-1001] == 1


async def test_network_errors_are_retried_with_backoff_then_wait_in_the_ledger(
    api: FakeBotApi, bot: Bot, runtime: Runtime, vt: VirtualTime
) -> None:
    record_parts(runtime, {-1001: 1})
    api.fail_next("sendMessage", disconnect=True, times=2)
    stats = await make_sender(bot, runtime, vt).drain()
    assert (stats.network_retries, stats.delivered) == (2, 1)
    assert vt.slept[-2:] == [1.0, 2.0]
    assert texts(api, -1001) == ["-1001:0"]

    record_parts(runtime, {-1002: 1})
    api.fail_next("sendMessage", error_code=502, times=10)
    stats = await make_sender(bot, runtime, vt).drain()
    assert (stats.network_retries, stats.deferred, stats.failed) == (4, 1, 0)
    with runtime.sessions() as s:
        [waiting] = ledger.deliveries(s, "pending")
        assert (waiting.chat_id, waiting.attempts) == (-1002, 4)
        assert waiting.last_error == "network: Bad Gateway"
        assert waiting.next_attempt_at > runtime.clock()
        assert waiting.claimed_by is None


async def test_a_bad_request_fails_at_once(
    api: FakeBotApi, bot: Bot, runtime: Runtime, vt: VirtualTime
) -> None:
    record_parts(runtime, {-4040: 1, -1001: 1})  # -4040: no such chat
    stats = await make_sender(bot, runtime, vt).drain()
    assert (stats.failed, stats.delivered) == (1, 1)
    with runtime.sessions() as s:
        [failed] = ledger.deliveries(s, "failed")
        assert failed.last_error == "bad request: Chat not found"


def record_rows(runtime: Runtime, chat_id: int, count: int) -> None:
    """COUNT one-part deliveries to CHAT_ID (as two beats firing together would leave)."""
    with transaction(runtime.sessions) as s:
        ledger.record(
            s,
            [
                PlannedDelivery(
                    f"beat{i}|x|chat|{chat_id}", "weekly", WEEKLY_AT, chat_id, (), (Part(f"{i}"),)
                )
                for i in range(count)
            ],
            WEEKLY_AT,
        )


async def test_a_kicked_chat_is_tried_once_per_batch_not_once_per_row(
    api: FakeBotApi, bot: Bot, runtime: Runtime, store: StoreBuilder, vt: VirtualTime
) -> None:
    store.chat(-1002, "群1002")
    record_rows(runtime, -1002, 3)
    api.kick_bot(-1002)
    stats = await make_sender(bot, runtime, vt).drain()
    assert (stats.forbidden, stats.failed, stats.delivered) == (1, 3, 1)  # the admin's one notice
    assert [c.params["chat_id"] for c in api.calls if c.method == "sendMessage"].count(-1002) == 1
    assert len(texts(api, ADMIN)) == 1
    with runtime.sessions() as s:
        assert [r.chat_id for r in ledger.deliveries(s, "failed")] == [-1002] * 3


async def test_rows_after_a_migration_go_straight_to_the_new_id(
    api: FakeBotApi, bot: Bot, runtime: Runtime, store: StoreBuilder, vt: VirtualTime
) -> None:
    store.chat(-1001, "群1001")
    record_rows(runtime, -1001, 3)
    api.migrate_chat(-1001, -1009001)
    stats = await make_sender(bot, runtime, vt).drain()
    assert (stats.migrated, stats.delivered, stats.failed) == (1, 3, 0)
    assert [c.params["chat_id"] for c in api.calls if c.method == "sendMessage"].count(-1001) == 1
    assert texts(api, -1009001) == ["0", "1", "2"]
    with runtime.sessions() as s:
        assert {(r.chat_id, r.status) for r in ledger.deliveries(s)} == {(-1009001, "sent")}


class TakeoverAfterFirstSend:
    """A transport that, once its first message is out, lets another replica claim the pending rows.

    That is what happens when a lease runs out while a long queue waits on the rate limiter.
    """

    def __init__(self, bot: Bot, runtime: Runtime) -> None:
        self.bot = bot
        self.runtime = runtime
        self.sent = 0

    async def send_message(self, **kwargs: object) -> object:
        message = await self.bot.send_message(**kwargs)  # type: ignore[arg-type]
        self.sent += 1
        if self.sent == 1:
            with transaction(self.runtime.sessions) as s:
                s.execute(
                    update(Delivery)
                    .where(Delivery.status == "pending", Delivery.key != "beat0|x|chat|-1001")
                    .values(claimed_by="replica-b")
                )
        return message


async def test_a_row_another_replica_took_over_is_not_sent_twice(
    api: FakeBotApi, bot: Bot, runtime: Runtime, store: StoreBuilder, vt: VirtualTime
) -> None:
    store.chat(-1001, "群1001")
    record_rows(runtime, -1001, 2)
    transport = TakeoverAfterFirstSend(bot, runtime)
    sender = make_sender(transport, runtime, vt)  # type: ignore[arg-type]
    stats = await sender.drain()
    assert (stats.delivered, stats.taken_over) == (1, 1)
    assert texts(api, -1001) == ["0"]
    with runtime.sessions() as s:
        rows = {r.key: (r.status, r.claimed_by) for r in s.scalars(select(Delivery))}
    assert rows == {"beat0|x|chat|-1001": ("sent", None), "beat1|x|chat|-1001": ("pending", "replica-b")}
