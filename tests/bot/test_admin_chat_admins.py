"""With ``chat_admins_are_admins`` on, a group's Telegram administrators are admins in that group."""

from __future__ import annotations

from typing import Any

import pytest

from taskbot.i18n import t
from tests.bot.conftest import ADMIN, GROUP, OFFICIAL, OFFICIAL_2, OTHER_GROUP, BotHarness, text_of
from tests.bot.test_admin_commands import plain, scene, task_row


@pytest.fixture
def bot_settings(tmp_path: Any) -> dict[str, Any]:
    return {
        "admins": [ADMIN],
        "chat_admins_are_admins": True,
        "database": {"url": f"sqlite:///{tmp_path / 'bot.db'}"},
    }


async def test_a_groups_telegram_admin_is_an_admin_there_when_configured(bot: BotHarness) -> None:
    ids = scene(bot)
    bot.api.set_member_status(GROUP, OFFICIAL_2, "administrator")
    answer = text_of(await bot.send(GROUP, OFFICIAL_2, f"/close {ids['towns']}"))
    assert answer == plain(t("admin.closed", "zh", task=f"#{ids['towns']} 抓目标节点"))
    # ... but only in that group
    answer = text_of(await bot.send(OTHER_GROUP, OFFICIAL_2, f"/close {ids['other']}"))
    assert answer == t("error.admin_only", "zh")


async def test_a_plain_member_is_still_refused(bot: BotHarness) -> None:
    ids = scene(bot)
    assert text_of(await bot.send(GROUP, OFFICIAL, f"/close {ids['towns']}")) == t("error.admin_only", "zh")
    assert task_row(bot, ids["towns"])["status"] == "open"
