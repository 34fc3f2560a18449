"""chat_admins_are_admins: a group's Telegram administrators are admins there (getChatMember, cached)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from taskbot.bot.identity import CHAT_ADMIN_TTL
from taskbot.i18n import t
from taskbot.store.models import Binding, Task
from tests.bot.conftest import ADMIN, GROUP, OFFICIAL, OFFICIAL_2, OTHER_GROUP, BotHarness, text_of
from tests.bot.test_admin_commands import plain, scene, task_row


@pytest.fixture
def bot_settings(tmp_path: Path) -> dict[str, Any]:
    return {
        "admins": [ADMIN],
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
    group_admin_help = text_of(await bot.send(GROUP, OFFICIAL, "/help"))
    assert "/close" in group_admin_help
    # an import reaches every chat, so it stays with the configured admins
    assert "/bind" in group_admin_help and "/import" not in group_admin_help
    assert "/close" not in text_of(await bot.send(GROUP, OFFICIAL_2, "/help"))
    assert _member_calls(bot) == 2
    await bot.send(GROUP, OFFICIAL, "/help")
    assert _member_calls(bot) == 2  # cached
    bot.clock.advance(seconds=CHAT_ADMIN_TTL.total_seconds() + 1)
    bot.api.set_member_status(GROUP, OFFICIAL, "member")
    assert "/close" not in text_of(await bot.send(GROUP, OFFICIAL, "/help"))
    assert _member_calls(bot) == 3
    bot.add_private(OFFICIAL)
    bot.api.set_member_status(GROUP, OFFICIAL, "creator")
    assert "/close" not in text_of(await bot.send(OFFICIAL, OFFICIAL, "/help"))  # not in a private chat
    assert _member_calls(bot) == 3


async def test_a_failed_lookup_means_not_an_admin(bot: BotHarness, caplog: pytest.LogCaptureFixture) -> None:
    bot.add_group()
    bot.add_official()
    bot.api.set_member_status(GROUP, OFFICIAL, "administrator")
    bot.api.fail_next("getChatMember", 400, "Bad Request: user not found")
    with caplog.at_level(logging.WARNING, logger="taskbot.bot.identity"):
        answer = text_of(await bot.send(GROUP, OFFICIAL, "/help"))
    assert "/close" not in answer and "/done" in answer
    assert any("getChatMember" in r.message for r in caplog.records)


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


@pytest.mark.parametrize("command", ["/bind 各部门", "/import"])
async def test_a_groups_telegram_admin_may_not_route_other_parties_tasks(
    bot: BotHarness, command: str
) -> None:
    bot.add_group()
    bot.add_group(OTHER_GROUP, "部门工作群")
    bot.add_official()
    bot.bind(OTHER_GROUP, "各部门")
    bot.api.set_member_status(GROUP, OFFICIAL, "administrator")
    answer = text_of(await bot.send(GROUP, OFFICIAL, command))
    assert plain(answer) == plain(t("error.reaches_other_chats", "zh"))
    with bot.runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Binding)) == 1


async def test_a_groups_telegram_admin_may_bind_a_party_of_their_own_group(bot: BotHarness) -> None:
    bot.add_group()
    bot.add_official()
    bot.api.set_member_status(GROUP, OFFICIAL, "administrator")
    assert "本群专班" in text_of(await bot.send(GROUP, OFFICIAL, "/bind 本群专班"))
    with bot.runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Binding)) == 1


async def test_the_configured_admin_sees_and_may_use_every_admin_command(bot: BotHarness) -> None:
    bot.add_group()
    bot.add_admin()
    answer = text_of(await bot.send(GROUP, ADMIN, "/help"))
    assert "/bind" in answer and "/import" in answer
    assert "各镇街" in text_of(await bot.send(GROUP, ADMIN, "/bind 各镇街"))


async def test_the_admin_cache_drops_expired_answers_once_it_is_large(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("taskbot.bot.identity.CHAT_ADMIN_CACHE_PRUNE_AT", 2)
    bot.add_group()
    bot.add_official()
    bot.add_official(OFFICIAL_2, "李四", "lisi")
    cache = bot.app.bot_data.chat_admins
    await bot.send(GROUP, OFFICIAL, "/help")
    bot.clock.advance(seconds=CHAT_ADMIN_TTL.total_seconds() + 1)
    await bot.send(GROUP, OFFICIAL_2, "/help")
    assert set(cache) == {(GROUP, OFFICIAL), (GROUP, OFFICIAL_2)}  # below the mark: nothing dropped
    bot.add_official(4004, "王五", "wangwu")
    await bot.send(GROUP, 4004, "/help")
    assert set(cache) == {(GROUP, OFFICIAL_2), (GROUP, 4004)}  # the expired answer went


async def test_a_groups_admin_cannot_push_a_task_into_another_group(bot: BotHarness) -> None:
    """Issue 7, item 1: in group B, B's Telegram admin adds a daily task for 各镇街, bound in group A."""
    bot.add_group(GROUP, "镇街工作群")  # group A, where 各镇街 is bound
    bot.add_group(OTHER_GROUP, "部门工作群")  # group B
    bot.add_official()
    bot.bind(GROUP, "各镇街")
    bot.api.set_member_status(OTHER_GROUP, OFFICIAL, "administrator")
    answer = await bot.send(OTHER_GROUP, OFFICIAL, "/add 请立即点击 http://evil.example 上报 | 各镇街 | 每日")
    assert plain(text_of(answer)) == plain(t("error.reaches_other_chats", "zh"))
    with bot.runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Task)) == 0
    assert bot.api.sent_messages(GROUP) == []
    # what reaches only B is still B's admin's to add
    assert "已创建任务" in text_of(await bot.send(OTHER_GROUP, OFFICIAL, "/add 本群自己的任务"))
