"""With Telegram's privacy mode on, the bot still gets /cmd@botname, bare commands and replies to it."""

from __future__ import annotations

import pytest

from tests.bot.conftest import BOT_USERNAME, GROUP, OFFICIAL, BotHarness, text_of


@pytest.fixture
def bot_privacy_mode() -> bool:
    return True


async def test_commands_buttons_and_replies_reach_a_privacy_mode_bot(bot: BotHarness) -> None:
    bot.add_group()
    bot.add_official()
    bot.bind(GROUP, "各镇街")
    task = bot.add_task("抓目标节点", parties=["各镇街"])
    detail = await bot.send(GROUP, OFFICIAL, f"/task@{BOT_USERNAME} {task}")
    assert "抓目标节点" in text_of(detail)
    await bot.press(GROUP, OFFICIAL, detail, f"progress:{task}")
    prompt = await bot.api.wait_for_message(GROUP)
    await bot.settle()
    recorded = await bot.send(GROUP, OFFICIAL, "20% 已部署", reply_to=prompt["message_id"])
    assert "已部署" in text_of(recorded)
    assert bot.task(task) == ("in_progress", 20)
    # plain chatter in the group never reaches the bot, so it cannot be mistaken for a report
    before = len(bot.api.pending_updates)
    await bot.api.user_sends(GROUP, OFFICIAL, "大家好，今天开会")
    assert len(bot.api.pending_updates) == before
    await bot.send(GROUP, OFFICIAL, f"/done@{BOT_USERNAME} {task}")
    assert bot.task(task) == ("done", 100)
