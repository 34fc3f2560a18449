"""getUpdates: long polling that wakes on a new update, offsets, allowed_updates, privacy mode."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Bot, MessageEntity
from telegram.error import Conflict

from taskbot.localapi import FakeBotApi
from tests.localapi.conftest import ADMIN, GROUP


async def test_long_poll_returns_as_soon_as_an_update_arrives(api: FakeBotApi, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30, read_timeout=40))
    await api.wait_until_polling()

    sent = await api.user_sends(GROUP, ADMIN, "进展顺利")

    # Far below the 30 s poll timeout: the poll was woken by the update, not by its timer.
    updates = await asyncio.wait_for(poll, timeout=5)
    assert [u.message.text for u in updates if u.message] == ["进展顺利"]
    assert updates[0].message.message_id == sent["message_id"]


async def test_poll_without_updates_and_zero_timeout_is_empty(bot: Bot) -> None:
    assert await bot.get_updates(timeout=0) == ()


async def test_offset_confirms_and_drops_earlier_updates(api: FakeBotApi, bot: Bot) -> None:
    for text in ("一", "二", "三"):
        await api.user_sends(GROUP, ADMIN, text)

    everything = await bot.get_updates()
    after_first = await bot.get_updates(offset=everything[0].update_id + 1)
    last_only = await bot.get_updates(offset=-1)

    assert [u.message.text for u in everything] == ["一", "二", "三"]
    assert [u.update_id for u in everything] == sorted({u.update_id for u in everything})
    assert [u.message.text for u in after_first] == ["二", "三"]
    assert [u.message.text for u in last_only] == ["三"]
    await bot.get_updates(offset=last_only[0].update_id + 1)
    assert api.pending_updates == []


async def test_limit_caps_the_batch(api: FakeBotApi, bot: Bot) -> None:
    for n in range(5):
        await api.user_sends(GROUP, ADMIN, str(n))

    assert [u.message.text for u in await bot.get_updates(limit=2)] == ["0", "1"]


async def test_allowed_updates_leaves_other_kinds_out(api: FakeBotApi, bot: Bot) -> None:
    prompt = await bot.send_message(
        GROUP, "按钮", reply_markup={"inline_keyboard": [[{"text": "完成", "callback_data": "done:1"}]]}
    )
    await bot.get_updates(allowed_updates=["callback_query"])

    await api.user_sends(GROUP, ADMIN, "not wanted")
    query_id = await api.user_presses(GROUP, ADMIN, prompt.message_id, "done:1")

    updates = await bot.get_updates()
    assert [u.callback_query.id for u in updates if u.callback_query] == [query_id]
    assert all(u.message is None for u in updates)


async def test_a_second_poller_ends_the_first_with_conflict(api: FakeBotApi, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=30, read_timeout=40))
    await api.wait_until_polling()

    async with Bot(api.token, base_url=api.base_url) as second_instance:
        assert await second_instance.get_updates(timeout=0) == ()

    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await asyncio.wait_for(first, timeout=5)


async def test_commands_carry_bot_command_entities(api: FakeBotApi, bot: Bot) -> None:
    await api.user_sends(GROUP, ADMIN, "/done@taskbot_test_bot 3 已完成")
    await api.user_sends(GROUP, ADMIN, "请 @lisi_bot 看 /tasks")

    first, second = await bot.get_updates()

    assert first.message.entities == (MessageEntity(MessageEntity.BOT_COMMAND, 0, 22),)
    assert first.message.parse_entities([MessageEntity.BOT_COMMAND]).popitem()[1] == "/done@taskbot_test_bot"
    kinds = [(e.type, second.message.parse_entity(e)) for e in second.message.entities]
    assert kinds == [(MessageEntity.MENTION, "@lisi_bot"), (MessageEntity.BOT_COMMAND, "/tasks")]


async def test_entity_offsets_count_utf16_units(api: FakeBotApi, bot: Bot) -> None:
    await api.user_sends(GROUP, ADMIN, "🎉 /done 3")

    (update,) = await bot.get_updates()

    assert update.message.entities[0].offset == 3  # the emoji is two UTF-16 units, then a space
    assert update.message.parse_entity(update.message.entities[0]) == "/done"


async def test_privacy_mode_hides_plain_group_chatter() -> None:
    async with FakeBotApi(privacy_mode=True) as api:
        api.add_chat(GROUP, type="supergroup", title="测试群")
        async with Bot(api.token, base_url=api.base_url) as bot:
            prompt = await bot.send_message(GROUP, "请回复进展")
            await api.user_sends(GROUP, ADMIN, "闲聊")
            await api.user_sends(GROUP, ADMIN, "/done@other_bot 1")
            await api.user_sends(GROUP, ADMIN, "/done@taskbot_test_bot 2")
            await api.user_sends(GROUP, ADMIN, "/tasks")
            await api.user_replies(GROUP, ADMIN, prompt.message_id, "进展 50%")
            await api.user_sends(ADMIN, ADMIN, "私聊随便说")

            seen = [u.message.text for u in await bot.get_updates()]

            assert (await bot.get_me()).can_read_all_group_messages is False
    assert seen == ["/done@taskbot_test_bot 2", "/tasks", "进展 50%", "私聊随便说"]


async def test_a_kicked_bot_hears_nothing_more_from_the_group(api: FakeBotApi, bot: Bot) -> None:
    api.kick_bot(GROUP, by_user_id=ADMIN)
    await api.user_sends(GROUP, ADMIN, "还在吗")

    (update,) = await bot.get_updates()

    assert update.my_chat_member is not None
    assert update.my_chat_member.new_chat_member.status == "kicked"
    assert update.my_chat_member.from_user.id == ADMIN


async def test_user_edits_arrive_as_edited_message(api: FakeBotApi, bot: Bot) -> None:
    sent = await api.user_sends(GROUP, ADMIN, "/status 3 10%")
    await api.user_edits(GROUP, ADMIN, sent["message_id"], "/status 3 20%")

    first, second = await bot.get_updates()

    assert first.message.text == "/status 3 10%"
    assert second.edited_message is not None and second.edited_message.text == "/status 3 20%"
    assert second.edited_message.message_id == sent["message_id"] and second.edited_message.edit_date


async def test_stopping_the_server_ends_a_parked_poll_at_once(api: FakeBotApi, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30, read_timeout=40))
    await api.wait_until_polling()

    await asyncio.wait_for(api.stop(), timeout=5)

    assert await asyncio.wait_for(poll, timeout=5) == ()
