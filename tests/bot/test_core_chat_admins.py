"""chat_admins_are_admins: a group's Telegram administrators are admins there (getChatMember, cached)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from taskbot.bot.identity import CHAT_ADMIN_TTL
from tests.bot.conftest import GROUP, OFFICIAL, OFFICIAL_2, BotHarness, text_of


@pytest.fixture
def bot_settings(tmp_path: Path) -> dict[str, Any]:
    return {
        "admins": [],
        "chat_admins_are_admins": True,
        "database": {"url": f"sqlite:///{tmp_path / 'b.db'}"},
    }


def _member_calls(bot: BotHarness) -> int:
    return sum(1 for call in bot.api.calls if call.method == "getChatMember")


async def test_group_administrators_are_admins_in_their_group_only(bot: BotHarness) -> None:
    bot.add_group()
    bot.add_official()
    bot.add_official(OFFICIAL_2, "李四", "lisi")
    bot.api.set_member_status(GROUP, OFFICIAL, "administrator")
    assert "/bind" in text_of(await bot.send(GROUP, OFFICIAL, "/help"))
    assert "/bind" not in text_of(await bot.send(GROUP, OFFICIAL_2, "/help"))
    assert _member_calls(bot) == 2
    await bot.send(GROUP, OFFICIAL, "/help")
    assert _member_calls(bot) == 2  # cached
    bot.clock.advance(seconds=CHAT_ADMIN_TTL.total_seconds() + 1)
    bot.api.set_member_status(GROUP, OFFICIAL, "member")
    assert "/bind" not in text_of(await bot.send(GROUP, OFFICIAL, "/help"))
    assert _member_calls(bot) == 3
    bot.add_private(OFFICIAL)
    bot.api.set_member_status(GROUP, OFFICIAL, "creator")
    assert "/bind" not in text_of(await bot.send(OFFICIAL, OFFICIAL, "/help"))  # not in a private chat
    assert _member_calls(bot) == 3


async def test_a_failed_lookup_means_not_an_admin(bot: BotHarness, caplog: pytest.LogCaptureFixture) -> None:
    bot.add_group()
    bot.add_official()
    bot.api.set_member_status(GROUP, OFFICIAL, "administrator")
    bot.api.fail_next("getChatMember", 400, "Bad Request: user not found")
    with caplog.at_level(logging.WARNING, logger="taskbot.bot.identity"):
        answer = text_of(await bot.send(GROUP, OFFICIAL, "/help"))
    assert "/bind" not in answer and "/done" in answer
    assert any("getChatMember" in r.message for r in caplog.records)
