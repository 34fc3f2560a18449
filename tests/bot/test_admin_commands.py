"""The admins' one-line commands end to end over HTTP: /add, /assign, /bind, /unbind, /cadence,
/deadline, /close, /reopen — results, history, permission denials and bad input."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest

from taskbot.i18n import t
from taskbot.store.models import Binding, Party, Task
from tests.bot.conftest import (
    ADMIN,
    ENGLISH,
    GROUP,
    OFFICIAL,
    OFFICIAL_2,
    OTHER_GROUP,
    STRANGER,
    BotHarness,
    text_of,
)


def plain(message_html: str) -> str:
    """What a user reads of an HTML message: tags gone, entities unescaped."""
    return html.unescape(re.sub(r"<[^>]+>", "", message_html))


def scene(bot: BotHarness) -> dict[str, int]:
    """A town group bound to 各镇街 with a task, another group with one, and the usual people."""
    bot.add_town_cast()
    return {
        "towns": bot.add_task("抓目标节点", parties=["各镇街"], deadline=dt.date(2026, 12, 31)),
        "other": bot.add_task("推广三长制", chat_id=OTHER_GROUP),
    }


def task_row(bot: BotHarness, task_id: int) -> dict[str, Any]:
    with bot.runtime.sessions() as s:
        task = s.get(Task, task_id)
        assert task is not None
        return {
            "title": task.title,
            "status": task.status,
            "parties": [p.name for p in task.parties],
            "assignees": [p.username for p in task.assignees],
            "cadence": list(task.cadence),
            "deadline": task.deadline,
            "chat": task.chat.telegram_chat_id if task.chat else None,
        }


def task_count(bot: BotHarness) -> int:
    with bot.runtime.sessions() as s:
        return len(s.query(Task).all())


# --- /add in one line ---------------------------------------------------------------------------


async def test_add_in_one_line_creates_the_task_with_every_field(bot: BotHarness) -> None:
    scene(bot)
    answer = text_of(await bot.send(GROUP, ADMIN, "/add 推进社区创熟 | 各镇街 | 每周 | 2026-12-31"))
    new_id = task_count(bot)
    assert answer.startswith(f"✅ 已创建任务 #{new_id} 推进社区创熟")
    assert "责任单位: 各镇街" in answer and "频次: 每周" in answer and "完成时限: 2026-12-31" in answer
    assert "接收提醒的群：镇街工作群" in answer
    assert task_row(bot, new_id) == {
        "title": "推进社区创熟",
        "status": "open",
        "parties": ["各镇街"],
        "assignees": [],
        "cadence": ["weekly"],
        "deadline": dt.date(2026, 12, 31),
        "chat": None,
    }
    assert bot.history(new_id) == [("created", "open", None, "推进社区创熟")]
    assert "推进社区创熟" in text_of(await bot.send(GROUP, OFFICIAL, "/tasks"))


async def test_add_in_a_group_without_a_party_goes_to_that_group(bot: BotHarness) -> None:
    scene(bot)
    answer = text_of(await bot.send(OTHER_GROUP, ADMIN, "/add 整理台账 || 每月 | 12月31日"))
    new_id = task_count(bot)
    assert "接收提醒的群：部门工作群" in answer
    row = task_row(bot, new_id)
    assert (row["chat"], row["cadence"], row["deadline"]) == (OTHER_GROUP, ["monthly"], dt.date(2026, 12, 31))


async def test_add_with_an_unbound_party_says_how_to_bind_it(bot: BotHarness) -> None:
    scene(bot)
    bot.add_private(ADMIN)
    answer = text_of(await bot.send(ADMIN, ADMIN, "/add 排查隐患 | 各相关部门"))
    assert plain(t("admin.no_receivers_bind", "zh", party="各相关部门")) in answer
    assert task_row(bot, task_count(bot))["chat"] is None


WINDOW = {"first": "2000-01-01", "last": "2100-12-31"}


@pytest.mark.parametrize(
    ("command", "key", "params"),
    [
        ("/add | 各镇街 | 每周", "admin.add_no_title", {}),
        ("/add 标题 | 各镇街 | sometimes", "admin.add_bad_field", {"given": "sometimes"}),
        ("/add 标题 | 各镇街 | 每周 | 2026-13-40", "admin.bad_deadline", {"given": "2026-13-40"}),
        ("/add a | b | 每周 | 2026-12-31 | c", "admin.add_too_many_fields", {}),
        ("/add 标题 | 各镇街 | 9999-12-31", "admin.deadline_out_of_range", WINDOW),
        ("/add 标题 | 各镇街 | 0001-01-01", "admin.deadline_out_of_range", WINDOW),
    ],
)
async def test_add_malformed_changes_nothing(
    bot: BotHarness, command: str, key: str, params: dict[str, Any]
) -> None:
    scene(bot)
    before = task_count(bot)
    assert text_of(await bot.send(GROUP, ADMIN, command)) == plain(t(key, "zh", **params))
    assert task_count(bot) == before


# --- permissions --------------------------------------------------------------------------------

ADMIN_COMMANDS = [
    "/add 新任务 | 各镇街",
    "/add",
    "/assign {towns} @zhangsan",
    "/bind 各相关部门",
    "/unbind 各镇街",
    "/unbind",
    "/cadence {towns} weekly",
    "/deadline {towns} 2027-01-31",
    "/close {towns}",
    "/reopen {towns}",
    "/import",
    "/report",
    "/export",
]


@pytest.mark.parametrize("command", ADMIN_COMMANDS)
@pytest.mark.parametrize("who", [OFFICIAL, STRANGER])
async def test_non_admins_are_refused_and_nothing_changes(bot: BotHarness, command: str, who: int) -> None:
    ids = scene(bot)
    before = (task_count(bot), bot.history(ids["towns"]), task_row(bot, ids["towns"]))
    answer = await bot.send(GROUP, who, command.format(**ids))
    assert text_of(answer) == t("error.admin_only", "zh")
    await bot.settle()
    assert (task_count(bot), bot.history(ids["towns"]), task_row(bot, ids["towns"])) == before
    with bot.runtime.sessions() as s:
        assert [p.name for p in s.query(Party).order_by(Party.id)] == ["各镇街"]
        assert len(s.query(Binding).all()) == 1
    assert not [m for m in bot.api.sent_messages(GROUP) if m.get("document")]


async def test_non_admins_are_refused_privately_too(bot: BotHarness) -> None:
    ids = scene(bot)
    bot.add_private(OFFICIAL)
    answer = await bot.send(OFFICIAL, OFFICIAL, f"/close {ids['towns']}")
    assert text_of(answer) == t("error.admin_only", "zh")
    assert task_row(bot, ids["towns"])["status"] == "open"


# --- /assign ------------------------------------------------------------------------------------


async def test_assign_a_known_user_by_username(bot: BotHarness) -> None:
    ids = scene(bot)
    await bot.send(GROUP, OFFICIAL, "/start")  # 张三 has talked to the bot
    answer = text_of(await bot.send(GROUP, ADMIN, f"/assign {ids['towns']} @zhangsan"))
    assert answer == f"👤 已将任务 #{ids['towns']} 抓目标节点 指派给 @zhangsan。"
    assert task_row(bot, ids["towns"])["assignees"] == ["zhangsan"]
    assert bot.history(ids["towns"])[-1] == ("assigned", "open", None, "张三")
    # assigned: 张三 now finds it under /my
    assert "抓目标节点" in text_of(await bot.send(GROUP, OFFICIAL, "/my"))
    again = text_of(await bot.send(GROUP, ADMIN, f"/assign {ids['towns']} @ZhangSan"))
    assert again == t("error.already_assigned", "zh", person="张三", task_id=ids["towns"])


async def test_assign_by_replying_to_the_users_message(bot: BotHarness) -> None:
    ids = scene(bot)
    said = await bot.api.user_sends(GROUP, OFFICIAL_2, "我来负责")
    await bot.api.user_sends(GROUP, ADMIN, f"/assign {ids['towns']}", reply_to_message_id=said["message_id"])
    answer = await bot.api.wait_for_message(GROUP)
    assert "指派给 @lisi" in text_of(answer)
    assert task_row(bot, ids["towns"])["assignees"] == ["lisi"]


async def test_assign_by_text_mention_of_a_user_without_username(bot: BotHarness) -> None:
    ids = scene(bot)
    bot.add_user(5001, "王五")  # no username: clients make a text_mention
    text = f"/assign {ids['towns']} 王五"
    entities = [
        {"type": "bot_command", "offset": 0, "length": 7},
        {"type": "text_mention", "offset": text.index("王五"), "length": 2, "user": bot.users[5001]},
    ]
    bot.api._user_message(GROUP, ADMIN, {"text": text, "entities": entities}, None)
    answer = await bot.api.wait_for_message(GROUP)
    assert "指派给 王五" in text_of(answer)
    with bot.runtime.sessions() as s:
        task = s.get(Task, ids["towns"])
        assert task is not None
        assert [(p.telegram_user_id, p.display_name) for p in task.assignees] == [(5001, "王五")]


@pytest.mark.parametrize(
    ("command", "key", "params"),
    [
        ("/assign {towns}", "admin.usage.assign", {}),
        ("/assign", "admin.usage.assign", {}),
        ("/assign abc @zhangsan", "admin.usage.assign", {}),
        ("/assign {towns} @nobody_here", "admin.assign_unknown_user", {"user": "@nobody_here"}),
        ("/assign 99999 @zhangsan", "error.not_found", {"task_id": 99999}),
        ("/assign {other} @zhangsan", "error.not_found_here", {"task_id": "{other}"}),
    ],
)
async def test_assign_bad_input(bot: BotHarness, command: str, key: str, params: dict[str, Any]) -> None:
    ids = scene(bot)
    await bot.send(GROUP, OFFICIAL, "/start")
    params = {k: int(v.format(**ids)) if isinstance(v, str) and "{" in v else v for k, v in params.items()}
    answer = text_of(await bot.send(GROUP, ADMIN, command.format(**ids)))
    assert answer == plain(t(key, "zh", **params))
    assert task_row(bot, ids["towns"])["assignees"] == []


# --- /bind and /unbind --------------------------------------------------------------------------


async def test_bind_a_new_party_creates_it_and_says_so(bot: BotHarness) -> None:
    scene(bot)
    answer = text_of(await bot.send(OTHER_GROUP, ADMIN, "/bind 各相关部门"))
    assert answer == plain(t("admin.bind.new_party", "zh", party="各相关部门", count=0))
    with bot.runtime.sessions() as s:
        assert s.query(Party).filter_by(name="各相关部门").one()


async def test_bind_an_existing_party_routes_its_tasks_here(bot: BotHarness) -> None:
    ids = scene(bot)
    answer = text_of(await bot.send(OTHER_GROUP, ADMIN, "/bind 各镇街"))
    assert answer == plain(t("admin.bind.ok", "zh", party="各镇街", count=1))
    assert f"#{ids['towns']} 抓目标节点" in text_of(await bot.send(OTHER_GROUP, OFFICIAL, "/tasks"))
    again = text_of(await bot.send(OTHER_GROUP, ADMIN, "/bind  各镇街 "))
    assert again == plain(t("admin.bind.already", "zh", party="各镇街", count=1))


async def test_unbind_one_party_or_all(bot: BotHarness) -> None:
    ids = scene(bot)
    await bot.send(GROUP, ADMIN, "/bind 各相关部门")
    answer = text_of(await bot.send(GROUP, ADMIN, "/unbind 各镇街"))
    assert answer == plain(t("admin.unbind.ok", "zh", parties="各镇街"))
    assert f"#{ids['towns']} " not in text_of(await bot.send(GROUP, OFFICIAL, "/tasks"))
    await bot.send(GROUP, ADMIN, "/bind 各镇街")
    answer = text_of(await bot.send(GROUP, ADMIN, "/unbind"))
    assert answer == plain(t("admin.unbind.ok", "zh", parties="各相关部门，各镇街"))
    assert text_of(await bot.send(GROUP, ADMIN, "/unbind")) == t("error.not_bound", "zh", party="")
    assert text_of(await bot.send(GROUP, ADMIN, "/unbind 不存在")) == t(
        "error.not_bound", "zh", party="不存在"
    )


async def test_bind_without_a_name_shows_usage(bot: BotHarness) -> None:
    scene(bot)
    assert text_of(await bot.send(GROUP, ADMIN, "/bind")) == t("admin.usage.bind", "zh")


# --- /cadence and /deadline ---------------------------------------------------------------------


async def test_cadence_set_in_english_and_chinese_and_cleared(bot: BotHarness) -> None:
    ids = scene(bot)
    ref = f"#{ids['towns']} 抓目标节点"
    answer = text_of(await bot.send(GROUP, ADMIN, f"/cadence {ids['towns']} fortnightly"))
    assert answer == plain(t("admin.cadence.ok", "zh", task=ref, cadence="每半月"))
    assert task_row(bot, ids["towns"])["cadence"] == ["fortnightly"]
    await bot.send(GROUP, ADMIN, f"/cadence {ids['towns']} 每月")
    assert task_row(bot, ids["towns"])["cadence"] == ["monthly"]
    answer = text_of(await bot.send(GROUP, ADMIN, f"/cadence {ids['towns']} none"))
    assert answer == plain(t("admin.cadence.cleared", "zh", task=ref))
    assert task_row(bot, ids["towns"])["cadence"] == []
    kinds = [(kind, text) for kind, _, _, text in bot.history(ids["towns"])]
    assert kinds[1:] == [("cadence", "fortnightly"), ("cadence", "monthly"), ("cadence", "")]


@pytest.mark.parametrize(
    ("args", "key", "params"),
    [
        ("{towns} sometimes", "admin.bad_cadence", {"given": "sometimes"}),
        ("{towns}", "admin.usage.cadence", {}),
        ("", "admin.usage.cadence", {}),
        ("x weekly", "admin.usage.cadence", {}),
        ("99999 weekly", "error.not_found", {"task_id": 99999}),
    ],
)
async def test_cadence_bad_input(bot: BotHarness, args: str, key: str, params: dict[str, Any]) -> None:
    ids = scene(bot)
    answer = text_of(await bot.send(GROUP, ADMIN, f"/cadence {args.format(**ids)}".strip()))
    assert answer == plain(t(key, "zh", **params))
    assert len(bot.history(ids["towns"])) == 1


async def test_deadline_set_in_chinese_form_and_cleared(bot: BotHarness) -> None:
    ids = scene(bot)
    ref = f"#{ids['towns']} 抓目标节点"
    answer = text_of(await bot.send(GROUP, ADMIN, f"/deadline {ids['towns']} 2027年1月31日"))
    assert answer == plain(t("admin.deadline.ok", "zh", task=ref, date="2027-01-31"))
    assert task_row(bot, ids["towns"])["deadline"] == dt.date(2027, 1, 31)
    answer = text_of(await bot.send(GROUP, ADMIN, f"/deadline {ids['towns']} none"))
    assert answer == plain(t("admin.deadline.cleared", "zh", task=ref))
    assert task_row(bot, ids["towns"])["deadline"] is None
    assert [h[0] for h in bot.history(ids["towns"])] == ["created", "deadline", "deadline"]


@pytest.mark.parametrize(
    ("args", "key", "params"),
    [
        ("{towns} 2026-13-40", "admin.bad_deadline", {"given": "2026-13-40"}),
        ("{towns} tomorrow", "admin.bad_deadline", {"given": "tomorrow"}),
        ("{towns}", "admin.usage.deadline", {}),
        ("{towns} 9999-12-31", "admin.deadline_out_of_range", WINDOW),
        ("{towns} 0001-01-01", "admin.deadline_out_of_range", WINDOW),
        ("{towns} 2101-01-01", "admin.deadline_out_of_range", WINDOW),
        ("{towns} 99999个工作日内", "admin.bad_deadline", {"given": "99999个工作日内"}),
        ("99999 2026-12-31", "error.not_found", {"task_id": 99999}),
    ],
)
async def test_deadline_bad_input(bot: BotHarness, args: str, key: str, params: dict[str, Any]) -> None:
    ids = scene(bot)
    answer = text_of(await bot.send(GROUP, ADMIN, f"/deadline {args.format(**ids)}"))
    assert answer == plain(t(key, "zh", **params))
    assert task_row(bot, ids["towns"])["deadline"] == dt.date(2026, 12, 31)


# --- /close and /reopen -------------------------------------------------------------------------


async def test_close_and_reopen_with_history(bot: BotHarness) -> None:
    ids = scene(bot)
    ref = f"#{ids['towns']} 抓目标节点"
    answer = text_of(await bot.send(GROUP, ADMIN, f"/close {ids['towns']} 已并入其他任务"))
    assert answer == plain(t("admin.closed", "zh", task=ref))
    assert task_row(bot, ids["towns"])["status"] == "cancelled"
    assert f"#{ids['towns']} " not in text_of(await bot.send(GROUP, OFFICIAL, "/tasks"))
    assert text_of(await bot.send(GROUP, ADMIN, f"/close {ids['towns']}")) == t(
        "error.already_closed", "zh", task_id=ids["towns"]
    )
    answer = text_of(await bot.send(GROUP, ADMIN, f"/reopen {ids['towns']}"))
    assert answer == plain(t("admin.reopened", "zh", task=ref))
    assert task_row(bot, ids["towns"])["status"] == "open"
    assert text_of(await bot.send(GROUP, ADMIN, f"/reopen {ids['towns']}")) == t(
        "error.not_closed", "zh", task_id=ids["towns"]
    )
    assert bot.history(ids["towns"])[1:] == [
        ("closed", "cancelled", None, "已并入其他任务"),
        ("reopened", "open", 0, ""),
    ]


@pytest.mark.parametrize("command", ["/close", "/close abc", "/reopen", "/reopen #"])
async def test_close_and_reopen_need_a_task_number(bot: BotHarness, command: str) -> None:
    scene(bot)
    usage = "admin.usage.close" if command.startswith("/close") else "admin.usage.reopen"
    assert text_of(await bot.send(GROUP, ADMIN, command)) == t(usage, "zh")


async def test_a_chat_sees_only_its_own_tasks_even_for_an_admin(bot: BotHarness) -> None:
    ids = scene(bot)
    answer = text_of(await bot.send(GROUP, ADMIN, f"/close {ids['other']}"))
    assert answer == t("error.not_found_here", "zh", task_id=ids["other"])
    assert task_row(bot, ids["other"])["status"] == "open"
    bot.add_private(ADMIN)
    await bot.send(ADMIN, ADMIN, f"/close {ids['other']}")  # privately an admin reaches every task
    assert task_row(bot, ids["other"])["status"] == "cancelled"


async def test_admin_commands_answer_in_english_privately(bot: BotHarness) -> None:
    ids = scene(bot)
    bot.runtime.settings.admins.append(ENGLISH)
    bot.add_user(ENGLISH, "Alice", "alice", "en")
    bot.add_private(ENGLISH)
    answer = text_of(await bot.send(ENGLISH, ENGLISH, f"/deadline {ids['towns']} 2027-03-01"))
    assert answer == f"📅 The deadline of #{ids['towns']} 抓目标节点 is now 2027-03-01."
    assert text_of(await bot.send(ENGLISH, ENGLISH, f"/cadence {ids['towns']} often")) == t(
        "admin.bad_cadence", "en", given="often"
    )


async def test_cancel_with_nothing_going_on(bot: BotHarness) -> None:
    scene(bot)
    assert text_of(await bot.send(GROUP, ADMIN, "/cancel")) == t("admin.nothing_to_cancel", "zh")


async def test_commands_addressed_to_the_bot_and_titles_with_markup(bot: BotHarness) -> None:
    scene(bot)
    answer = text_of(await bot.send(GROUP, ADMIN, "/add@taskbot_test_bot 修订<规范> & 细则 | 各镇街"))
    new_id = task_count(bot)
    assert answer.startswith(f"✅ 已创建任务 #{new_id} 修订<规范> & 细则")
    closed = text_of(await bot.send(GROUP, ADMIN, f"/close@taskbot_test_bot {new_id}"))
    assert closed == f"🗂 已关闭任务 #{new_id} 修订<规范> & 细则，不再提醒。"
