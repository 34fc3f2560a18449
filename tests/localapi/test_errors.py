"""Each error the fake answers becomes the exception python-telegram-bot raises for Telegram's."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from taskbot.localapi import FakeBotApi
from tests.localapi.conftest import ADMIN, GROUP, seconds

# RetryAfter.retry_after warns that it will become a timedelta; seconds() reads either.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


async def test_injected_429_is_retry_after(api: FakeBotApi, bot: Bot) -> None:
    api.fail_next("sendMessage", retry_after=7)

    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(GROUP, "x")

    assert seconds(raised.value.retry_after) == 7
    assert (await bot.send_message(GROUP, "again")).text == "again"  # only the next call failed
    assert api.stats.too_many_requests == 1
    ((call, error),) = api.failures
    assert call.method == "sendMessage" and error.body()["parameters"] == {"retry_after": 7}


async def test_default_injection_is_telegrams_usual_429(api: FakeBotApi, bot: Bot) -> None:
    api.fail_next("sendMessage")

    with pytest.raises(RetryAfter, match="Retry in 3"):
        await bot.send_message(GROUP, "x")


async def test_injection_can_target_a_chat_and_repeat(api: FakeBotApi, bot: Bot) -> None:
    other = -100999
    api.add_chat(other, type="group", title="另一个群")
    api.fail_next("sendMessage", error_code=500, chat_id=other, times=2)

    assert (await bot.send_message(GROUP, "unaffected")).text == "unaffected"
    for _ in range(2):
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await bot.send_message(other, "x")
    assert (await bot.send_message(other, "through")).text == "through"


async def test_injected_403_has_no_retry_after(api: FakeBotApi, bot: Bot) -> None:
    api.fail_next("sendMessage", error_code=403)

    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(GROUP, "x")


async def test_dropped_connection_is_a_network_error(api: FakeBotApi, bot: Bot) -> None:
    api.fail_next("sendMessage", disconnect=True)

    with pytest.raises(NetworkError):
        await bot.send_message(GROUP, "lost")

    assert api.sent_messages(GROUP) == []
    assert (await bot.send_message(GROUP, "ok")).text == "ok"


@pytest.mark.parametrize(
    ("chat_type", "wording"),
    [
        ("group", "bot was kicked from the group chat"),
        ("supergroup", "bot was kicked from the supergroup chat"),
    ],
)
async def test_kicked_bot_is_forbidden(api: FakeBotApi, bot: Bot, chat_type: str, wording: str) -> None:
    api.add_chat(-42, type=chat_type, title="群")
    api.kick_bot(-42)

    with pytest.raises(Forbidden, match=wording):
        await bot.send_message(-42, "x")

    api.restore_bot(-42)
    assert (await bot.send_message(-42, "back")).text == "back"


async def test_blocked_user_is_forbidden_until_they_write_again(api: FakeBotApi, bot: Bot) -> None:
    await api.user_sends(ADMIN, ADMIN, "/start")
    api.block_bot(ADMIN)

    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(ADMIN, "x")

    await api.user_sends(ADMIN, ADMIN, "/start")
    assert (await bot.send_message(ADMIN, "welcome back")).text == "welcome back"


async def test_migrated_group_answers_with_the_new_id(api: FakeBotApi, bot: Bot) -> None:
    api.add_chat(-555, type="group", title="老群")
    await api.user_sends(-555, ADMIN, "hello")
    api.migrate_chat(-555, -1005550000)

    with pytest.raises(ChatMigrated) as raised:
        await bot.send_message(-555, "x")

    assert raised.value.new_chat_id == -1005550000
    moved = await bot.send_message(raised.value.new_chat_id, "moved")
    assert (moved.chat.type, moved.chat.title) == ("supergroup", "老群")
    service = [
        u
        for u in await bot.get_updates()
        if u.message and (u.message.migrate_to_chat_id or u.message.migrate_from_chat_id)
    ]
    assert [(u.message.migrate_to_chat_id, u.message.migrate_from_chat_id) for u in service] == [
        (-1005550000, None),
        (None, -555),
    ]


async def test_unknown_chat_is_a_bad_request(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(-1000000404, "x")
