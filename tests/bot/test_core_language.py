"""language: en — groups read English; a private chat still follows the user's Telegram language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from taskbot.i18n import t
from tests.bot.conftest import GROUP, OFFICIAL, BotHarness, text_of


@pytest.fixture
def bot_settings(tmp_path: Path) -> dict[str, Any]:
    return {"language": "en", "admins": [], "database": {"url": f"sqlite:///{tmp_path / 'l.db'}"}}


async def test_configured_english(bot: BotHarness) -> None:
    bot.add_group()
    bot.add_official()  # a zh-hans Telegram user
    bot.add_private(OFFICIAL)
    assert text_of(await bot.send(GROUP, OFFICIAL, "/done abc")) == t("bot.usage.done", "en")
    assert text_of(await bot.send(OFFICIAL, OFFICIAL, "/done abc")) == t("bot.usage.done", "zh")
    bot.add_official(4002, "Anon", None, language="")  # no language known: the setting
    bot.add_private(4002)
    assert text_of(await bot.send(4002, 4002, "/tasks")) == t("bot.tasks.empty_private", "en")
