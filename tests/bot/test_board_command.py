"""The 看板 from the bot, end to end over HTTP: /board and /start offer its web_app button and set the
private chat's menu button (setChatMenuButton); /report links it; leaders read /report and /export
privately and in the leaders' chat, and nothing else."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from taskbot.i18n import t
from taskbot.services import tasks as task_service
from taskbot.services.people import Actor, upsert_person
from taskbot.store.db import transaction
from tests.bot.conftest import ADMIN, GROUP, OFFICIAL, STRANGER, BotHarness, text_of
from tests.bot.test_reports_commands import LEADERS, overall_report, scene

URL = "https://board.example.org/app/"
LEADER = 5001


@pytest.fixture
def bot_settings(tmp_path: Any) -> dict[str, Any]:
    return {
        "admins": [ADMIN],
        "leaders": [LEADER],
        "leaders_chat_id": LEADERS,
        "database": {"url": f"sqlite:///{tmp_path / 'bot.db'}"},
        "web": {"enabled": True, "public_url": URL},
    }


def web_app_urls(message: dict[str, Any]) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b["web_app"]["url"] for row in rows for b in row if "web_app" in b]


def bind_official(bot: BotHarness) -> None:
    with transaction(bot.runtime.sessions) as s:
        person = upsert_person(s, OFFICIAL, username="zhangsan", display_name="张三")
        task_service.bind_party(s, Actor.system("test"), "各镇街", person=person)


async def test_board_gives_an_official_the_button_and_the_menu(bot: BotHarness) -> None:
    scene(bot)
    bind_official(bot)
    bot.add_private(OFFICIAL)
    answer = await bot.send(OFFICIAL, OFFICIAL, "/board")
    assert web_app_urls(answer) == [URL]
    menu = await bot.api.wait_for_call("setChatMenuButton", lambda p: str(p.get("chat_id")) == str(OFFICIAL))
    assert menu["menu_button"] == {"type": "web_app", "text": "督办看板", "web_app": {"url": URL}}
    assert bot.api.methods.menu_buttons[OFFICIAL]["web_app"] == {"url": URL}


async def test_start_offers_the_board_to_a_leader(bot: BotHarness) -> None:
    bot.add_user(LEADER, "王书记", "leader", "zh-hans")
    bot.add_private(LEADER)
    await bot.api.user_sends(LEADER, LEADER, "/start")
    await bot.api.wait_for_message(LEADER)  # the greeting
    assert web_app_urls(await bot.api.wait_for_message(LEADER)) == [URL]


async def test_board_refuses_a_stranger_and_offers_no_button_in_a_group(bot: BotHarness) -> None:
    scene(bot)
    bot.add_private(STRANGER)
    assert text_of(await bot.send(STRANGER, STRANGER, "/board")) == t("web.forbidden", "zh")
    answer = await bot.send(GROUP, ADMIN, "/board")
    assert text_of(answer) == t("web.board_private_only", "zh")
    assert not web_app_urls(answer)


async def test_leader_reads_the_report_privately_with_the_boards_link(bot: BotHarness) -> None:
    scene(bot)
    bot.add_user(LEADER, "王书记", "leader", "zh-hans")
    bot.add_private(LEADER)
    _, report = await overall_report(bot, LEADER, LEADER)
    assert t("reminder.fortnightly.scope_all", "zh", count=5) in report
    link = await bot.api.wait_for_message(LEADER)
    assert "https://t.me/" in text_of(link) and "start=board" in text_of(link)
    assert web_app_urls(link) == [URL]


async def test_leader_reads_in_the_leaders_chat_but_not_in_a_units_group(bot: BotHarness) -> None:
    scene(bot)
    bot.add_user(LEADER, "王书记", "leader", "zh-hans")
    bot.add_group(LEADERS, "领导群")
    _, report = await overall_report(bot, LEADERS, LEADER)
    assert t("reminder.fortnightly.scope_all", "zh", count=5) in report
    link = await bot.api.wait_for_message(LEADERS)
    assert "start=board" in text_of(link) and not web_app_urls(link)  # no web_app button in groups
    assert text_of(await bot.send(GROUP, LEADER, "/report")) == t("error.admin_only", "zh")


async def test_leader_exports_but_commands_nothing(bot: BotHarness) -> None:
    scene(bot)
    bot.add_user(LEADER, "王书记", "leader", "zh-hans")
    bot.add_private(LEADER)
    exported = await bot.send(LEADER, LEADER, "/export")
    assert exported["document"]["file_name"].endswith(".xlsx")
    assert text_of(await bot.send(LEADER, LEADER, "/close 1")) == t("error.admin_only", "zh")


async def test_report_compares_with_the_last_bulletins_snapshot(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    from taskbot.bot import reports
    from taskbot.services import trends

    ids = scene(bot)
    drawn: list[Any] = []
    real = reports.render_standings
    monkeypatch.setattr(
        reports, "render_standings", lambda u, txt, trend=(): drawn.append(trend) or real(u, txt)
    )
    bulletin = bot.clock() - dt.timedelta(days=3)
    with transaction(bot.runtime.sessions) as s:
        trends.take_snapshot(s, bot.runtime.settings, bulletin, bulletin.date())
    open_ids = [tid for name, tid in ids.items() if name in ("on_track", "overdue")]
    with transaction(bot.runtime.sessions) as s:
        for tid in open_ids:
            task_service.mark_done(s, tid, Actor.system("test"), bot.clock())
    bot.add_private(ADMIN)
    _, report = await overall_report(bot, ADMIN, ADMIN)
    assert "📈 比上期（10-02）：↑2 项办结" in report
    assert "↓1 项逾期" in report
    [trend] = drawn
    assert [p.label for p in trend] == ["10-02", "10-05"]
    assert trend[-1].rate > trend[0].rate
