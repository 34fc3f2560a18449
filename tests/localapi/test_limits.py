"""Flood limits: sliding windows with a truthful retry_after, and real 429s over HTTP."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import RetryAfter

from taskbot.localapi import FakeBotApi, FloodLimits
from tests.localapi.conftest import ADMIN, GROUP, seconds

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


class Seconds:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("sends_at", "is_group", "expected"),
    [
        # 20 messages to one group in the first 20 s: the 21st waits until the first leaves the minute.
        ([float(i) for i in range(20)] + [20.0], True, [None] * 20 + [40]),
        ([float(i) for i in range(20)] + [59.5], True, [None] * 20 + [1]),
        ([float(i) for i in range(20)] + [60.0], True, [None] * 21),
        # Private chats have no per-minute window, only the per-bot one.
        ([i * 0.05 for i in range(21)], False, [None] * 21),
        # 30 in the same instant fill the bot's second; the 31st is told 1 s.
        ([0.0] * 31, False, [None] * 30 + [1]),
        ([0.0] * 30 + [0.999, 1.0], False, [None] * 30 + [1, None]),
    ],
)
def test_windows_and_retry_after(sends_at: list[float], is_group: bool, expected: list[int | None]) -> None:
    clock = Seconds()
    limits = FloodLimits(per_second=30, per_chat_per_minute=20, clock=clock)
    answers = []
    for offset in sends_at:
        clock.now = 1000.0 + offset
        answers.append(limits.admit(GROUP if is_group else ADMIN, is_group=is_group))
    assert answers == expected


def test_rejected_messages_do_not_count() -> None:
    clock = Seconds()
    limits = FloodLimits(per_second=1, per_chat_per_minute=20, clock=clock)
    assert limits.admit(GROUP, is_group=True) is None
    assert [limits.admit(GROUP, is_group=True) for _ in range(5)] == [1] * 5
    clock.now += 1
    assert limits.admit(GROUP, is_group=True) is None


async def test_limits_produce_real_429s_over_http(api: FakeBotApi, bot: Bot) -> None:
    clock = Seconds()
    api.enforce_limits(per_second=30, per_chat_per_minute=20, clock=clock)
    for n in range(20):
        await bot.send_message(GROUP, f"#{n}")
        clock.now += 0.5

    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(GROUP, "one too many")

    assert seconds(raised.value.retry_after) == 50  # the first message leaves the window at t=60
    clock.now += 50
    assert (await bot.send_message(GROUP, "after waiting")).text == "after waiting"
    assert api.stats.too_many_requests == 1
    assert api.stats.delivered == {GROUP: 21}


async def test_per_second_limit_spans_chats(api: FakeBotApi, bot: Bot) -> None:
    clock = Seconds()
    api.enforce_limits(per_second=30, clock=clock)
    groups = [-1000 - n for n in range(31)]
    for chat_id in groups:
        api.add_chat(chat_id, type="group", title=str(chat_id))
    for chat_id in groups[:30]:
        await bot.send_message(chat_id, "beat")

    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(groups[30], "beat")

    assert seconds(raised.value.retry_after) == 1
    clock.now += 1
    await bot.send_message(groups[30], "beat")
    assert api.stats.messages_delivered == 31 and api.stats.too_many_requests == 1


async def test_edits_and_chat_actions_are_not_flood_counted(api: FakeBotApi, bot: Bot) -> None:
    api.enforce_limits(per_second=1, clock=Seconds())
    sent = await bot.send_message(GROUP, "v1")

    await bot.edit_message_text("v2", GROUP, sent.message_id)
    await bot.send_chat_action(GROUP, "typing")

    with pytest.raises(RetryAfter):
        await bot.send_message(GROUP, "second send in the same second")
