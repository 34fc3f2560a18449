"""What everyone may ask, end to end over HTTP: /start, /help, /tasks, /my, /task N, unknown commands."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from taskbot.i18n import t
from taskbot.services import messages
from tests.bot.conftest import (
    ADMIN,
    BOT_USERNAME,
    ENGLISH,
    GROUP,
    OFFICIAL,
    OFFICIAL_2,
    OTHER_GROUP,
    STRANGER,
    BotHarness,
    buttons_of,
    text_of,
)


def scene(bot: BotHarness) -> dict[str, int]:
    """A town group bound to 各镇街 with two tasks, another group with one, and the usual people."""
    bot.add_town_cast()
    return {
        "towns": bot.add_task("抓目标节点", parties=["各镇街"], deadline=dt.date(2026, 12, 31)),
        "assigned": bot.add_task("健全督查督办机制", parties=["各镇街"], assignees=[OFFICIAL]),
        "other": bot.add_task("推广三长制", chat_id=OTHER_GROUP, assignees=[OFFICIAL]),
    }


async def test_start_greets_and_lists_commands(bot: BotHarness) -> None:
    scene(bot)
    answer = await bot.send(GROUP, OFFICIAL, "/start")
    assert "张三" in text_of(answer)
    assert "/done" in text_of(answer)
    assert answer["reply_to_message"]["from"]["id"] == OFFICIAL  # answers in a group are replies


async def test_help_shows_admin_commands_only_to_admins(bot: BotHarness) -> None:
    scene(bot)
    official_help = text_of(await bot.send(GROUP, OFFICIAL, "/help"))
    admin_help = text_of(await bot.send(GROUP, ADMIN, "/help"))
    for command in ("/tasks", "/my", "/task", "/done", "/status", "/blocked"):
        assert command in official_help and command in admin_help
    for command in ("/add", "/assign", "/bind", "/import", "/report", "/export", "/close"):
        assert command not in official_help
        assert command in admin_help


async def test_tasks_lists_only_this_chats_open_tasks(bot: BotHarness) -> None:
    ids = scene(bot)
    listing = text_of(await bot.send(GROUP, STRANGER, "/tasks"))
    assert f"#{ids['towns']} 抓目标节点" in listing
    assert f"#{ids['assigned']} 健全督查督办机制" in listing
    assert "推广三长制" not in listing
    assert "2026-12-31" in listing
    other = text_of(await bot.send(OTHER_GROUP, STRANGER, "/tasks"))
    assert "推广三长制" in other and "抓目标节点" not in other


async def test_tasks_in_an_unbound_group_says_how_to_bind(bot: BotHarness) -> None:
    scene(bot)
    bot.add_group(-100999, "新群")
    assert text_of(await bot.send(-100999, OFFICIAL, "/tasks")) == t("bot.tasks.empty", "zh")


async def test_tasks_privately_shows_mine_and_everything_to_an_admin(bot: BotHarness) -> None:
    ids = scene(bot)
    bot.add_private(OFFICIAL)
    mine = text_of(await bot.send(OFFICIAL, OFFICIAL, "/tasks"))
    assert "健全督查督办机制" in mine and "推广三长制" in mine
    assert "抓目标节点" not in mine
    bot.add_private(ADMIN)
    everything = text_of(await bot.send(ADMIN, ADMIN, "/tasks"))
    for task_id in ids.values():
        assert f"#{task_id} " in everything
    bot.add_private(STRANGER)
    assert text_of(await bot.send(STRANGER, STRANGER, "/tasks")) == t("bot.tasks.empty_private", "zh")


async def test_my_in_a_group_and_privately(bot: BotHarness) -> None:
    ids = scene(bot)
    in_group = text_of(await bot.send(GROUP, OFFICIAL, "/my"))
    assert f"#{ids['assigned']} " in in_group
    assert "推广三长制" not in in_group  # a chat sees only its own tasks
    assert t("bot.my.group_hint", "zh") in in_group
    bot.add_private(OFFICIAL)
    privately = text_of(await bot.send(OFFICIAL, OFFICIAL, "/my"))
    assert f"#{ids['assigned']} " in privately and f"#{ids['other']} " in privately
    assert t("bot.my.empty", "zh") in text_of(await bot.send(GROUP, STRANGER, "/my"))


async def test_task_detail_with_history_and_buttons(bot: BotHarness) -> None:
    ids = scene(bot)
    await bot.send(GROUP, OFFICIAL, f"/status {ids['towns']} 40% 完成摸底")
    detail = await bot.send(GROUP, OFFICIAL_2, f"/task {ids['towns']}")
    text = text_of(detail)
    assert "抓目标节点" in text
    assert "进行中 40%" in text
    assert "各镇街" in text
    assert "2026-12-31" in text
    assert "张三（镇街工作群） 汇报进展 40%：完成摸底" in text
    assert "2026-10-05 09:00 test 创建" in text  # local time (Asia/Shanghai) of the ManualClock
    assert buttons_of(detail) == [
        f"done:{ids['towns']}",
        f"progress:{ids['towns']}",
        f"blocked:{ids['towns']}",
    ]
    await bot.settle()
    with bot.runtime.sessions() as s:
        assert messages.recall(s, GROUP, detail["message_id"]) == messages.MessageAbout(
            (ids["towns"],), messages.DETAIL
        )


async def test_task_of_another_chat_is_not_found_here(bot: BotHarness) -> None:
    ids = scene(bot)
    answer = text_of(await bot.send(GROUP, ADMIN, f"/task {ids['other']}"))
    assert answer == t("error.not_found_here", "zh", task_id=ids["other"])
    bot.add_private(ADMIN)
    privately = text_of(await bot.send(ADMIN, ADMIN, f"/task {ids['other']}"))
    assert "推广三长制" in privately  # an admin's private chat sees every task


@pytest.mark.parametrize(
    ("command", "key", "params"),
    [
        ("/task", "bot.usage.task", {}),
        ("/task abc", "bot.usage.task", {}),
        ("/task 3 4", "bot.usage.task", {}),
        ("/task 99999", "error.not_found", {"task_id": 99999}),
    ],
)
async def test_task_bad_input(bot: BotHarness, command: str, key: str, params: dict[str, Any]) -> None:
    scene(bot)
    assert text_of(await bot.send(GROUP, OFFICIAL, command)) == t(key, "zh", **params)


async def test_closed_task_detail_has_no_buttons(bot: BotHarness) -> None:
    ids = scene(bot)
    await bot.send(GROUP, OFFICIAL, f"/done {ids['towns']}")
    detail = await bot.send(GROUP, OFFICIAL, f"/task {ids['towns']}")
    assert "已完成" in text_of(detail)
    assert buttons_of(detail) == []


async def test_unknown_command_privately_and_addressed_in_a_group(bot: BotHarness) -> None:
    scene(bot)
    bot.add_private(OFFICIAL)
    assert text_of(await bot.send(OFFICIAL, OFFICIAL, "/frobnicate")) == t("bot.unknown_command", "zh")
    assert text_of(await bot.send(GROUP, OFFICIAL, f"/frobnicate@{BOT_USERNAME}")) == t(
        "bot.unknown_command", "zh"
    )
    # a bare unknown command in a group may be another bot's, and one addressed elsewhere surely is
    before = len(bot.api.sent_messages(GROUP))
    await bot.api.user_sends(GROUP, OFFICIAL, "/frobnicate")
    await bot.api.user_sends(GROUP, OFFICIAL, "/tasks@some_other_bot")
    await bot.settle()
    assert len(bot.api.sent_messages(GROUP)) == before


async def test_commands_addressed_to_the_bot_work(bot: BotHarness) -> None:
    ids = scene(bot)
    listing = text_of(await bot.send(GROUP, OFFICIAL, f"/tasks@{BOT_USERNAME}"))
    assert "抓目标节点" in listing
    await bot.send(GROUP, OFFICIAL, f"/done@{BOT_USERNAME} {ids['towns']} 完成")
    assert bot.task(ids["towns"]) == ("done", 100)


async def test_english_user_privately_reads_english_and_groups_follow_the_setting(bot: BotHarness) -> None:
    ids = scene(bot)
    bot.add_official(ENGLISH, "Alice", "alice", language="en")
    bot.bind(ENGLISH, "各镇街")
    bot.add_private(ENGLISH)
    help_en = text_of(await bot.send(ENGLISH, ENGLISH, "/help"))
    assert help_en.startswith("What you can do")
    detail = await bot.send(ENGLISH, ENGLISH, f"/task {ids['towns']}")
    assert "Status: to do" in text_of(detail)
    assert [b["text"] for b in detail["reply_markup"]["inline_keyboard"][0]] == [
        t("bot.button.done", "en"),
        t("bot.button.progress", "en"),
        t("bot.button.blocked", "en"),
    ]
    in_group = text_of(await bot.send(GROUP, ENGLISH, "/help"))
    assert in_group.startswith("您可以使用的命令")


async def test_edited_command_is_not_run_again(bot: BotHarness) -> None:
    ids = scene(bot)
    sent = await bot.api.user_sends(GROUP, OFFICIAL, f"/status {ids['towns']} 10% 开始")
    await bot.api.wait_for_message(GROUP)
    bot.api.world.queue_update(
        "edited_message", {**sent, "text": f"/status {ids['towns']} 20% 改过", "edit_date": sent["date"] + 5}
    )
    await bot.settle()
    assert [h[2] for h in bot.history(ids["towns"])] == [None, 10]  # created, then the one report


async def test_anonymous_admin_is_asked_to_speak_as_themselves(bot: BotHarness) -> None:
    ids = scene(bot)
    anonymous = {"id": 1087968824, "is_bot": True, "first_name": "Group", "username": "GroupAnonymousBot"}
    state = bot.api.world.chat(GROUP)
    text = f"/done {ids['towns']}"
    message = bot.api.world.new_message(
        state,
        anonymous,
        {
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
            "sender_chat": state.info,
        },
    )
    bot.api.world.queue_update("message", message)
    answer = await bot.api.wait_for_message(GROUP)
    assert text_of(answer) == t("error.anonymous", "zh")
    assert bot.history(ids["towns"])[-1][0] == "created"
