"""/report (digest and red/black list now) and /export (.xlsx as a document), end to end over HTTP."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from taskbot.i18n import t
from taskbot.services import tasks as task_service
from taskbot.services.people import Actor
from taskbot.store.db import transaction
from tests.bot.conftest import (
    ADMIN,
    GROUP,
    OFFICIAL,
    OTHER_GROUP,
    STRANGER,
    BotHarness,
    overall_report,
    text_of,
)
from tests.bot.test_admin_commands import plain

LEADERS = -100777
JSON = dict[str, Any]


def scene(bot: BotHarness) -> dict[str, int]:
    """Tasks in every standing: overdue (各镇街), on track and done (各相关部门) and blocked in GROUP;
    silent (各社区) in OTHER_GROUP."""
    bot.add_group(GROUP, "镇街工作群")
    bot.add_group(OTHER_GROUP, "社区工作群")
    bot.add_admin()
    bot.add_official()
    bot.add_stranger()
    bot.bind(GROUP, "各镇街")
    bot.bind(GROUP, "各相关部门")
    bot.bind(OTHER_GROUP, "各社区")
    now = bot.clock()
    bot.clock.set(now - dt.timedelta(days=20))
    silent = bot.add_task("社区创熟", parties=["各社区"])
    bot.clock.set(now)
    ids = {
        "overdue": bot.add_task("抓目标节点", parties=["各镇街"], deadline=dt.date(2026, 10, 1)),
        "on_track": bot.add_task("健全督查机制", parties=["各相关部门"]),
        "done": bot.add_task("推广三长制", parties=["各相关部门"]),
        "blocked": bot.add_task("要素保障", parties=["各镇街"]),
        "silent": silent,
    }
    system = Actor.system("test")
    with transaction(bot.runtime.sessions) as s:
        task_service.report_status(s, ids["on_track"], system, now, "摸底完成", 50)
        task_service.mark_done(s, ids["done"], system, now)
        task_service.mark_blocked(s, ids["blocked"], system, now, "等待资金")
    return ids


def counts(lang: str = "zh", **values: int) -> str:
    full = {"done": 0, "on_track": 0, "overdue": 0, "blocked": 0, "silent": 0, **values}
    return t("reminder.fortnightly.counts", lang, **full)


async def test_report_in_a_group_covers_its_tasks_and_the_overall_lists(bot: BotHarness) -> None:
    scene(bot)
    report = text_of(await bot.send(GROUP, ADMIN, "/report"))
    lines = report.split("\n")
    assert lines[0] == t("report.header", "zh", time="2026-10-05 09:00")
    assert lines[1] == t("reminder.fortnightly.scope_chat", "zh", count=4)
    assert lines[2] == counts(done=1, on_track=1, overdue=1, blocked=1)
    assert "社区创熟" not in report  # another chat's task
    assert "  #1 " not in report
    red = report[report.index(t("reminder.red.title", "zh")) : report.index(t("reminder.black.title", "zh"))]
    # units are ranked, not phrases: the group answers for 各镇街 and 各相关部门 alike, and with a
    # task overdue and one blocked it is not on the red list however well its other tasks go
    assert "镇街工作群" not in red and "各相关部门" not in red
    black = report[report.index(t("reminder.black.title", "zh")) :]
    # the black list is the whole bulletin's: the silent unit of the other group is on it too
    overdue = t("reminder.why.overdue", "zh", n=1, days=4)
    silent = t("reminder.why.silent", "zh", n=1, days=14)
    assert t("reminder.black.entry", "zh", rank=1, party="镇街工作群", why=overdue) in black
    # (a group the bot never heard from has no title yet: its unit goes by the party it answers for)
    assert t("reminder.black.entry", "zh", rank=2, party="各社区", why=silent) in black
    assert "0 项" not in red + black


async def test_report_privately_covers_every_task(bot: BotHarness) -> None:
    scene(bot)
    bot.add_private(ADMIN)
    _, report = await overall_report(bot, ADMIN, ADMIN)
    assert t("reminder.fortnightly.scope_all", "zh", count=5) in report
    assert counts(done=1, on_track=1, overdue=1, blocked=1, silent=1) in report
    assert "社区创熟" in report


@pytest.fixture
def bot_settings(tmp_path: Any) -> dict[str, Any]:
    return {
        "admins": [ADMIN],
        "leaders_chat_id": LEADERS,
        "database": {"url": f"sqlite:///{tmp_path / 'bot.db'}"},
    }


async def test_report_in_the_leaders_chat_covers_every_task(bot: BotHarness) -> None:
    scene(bot)
    bot.add_group(LEADERS, "领导群")
    _, report = await overall_report(bot, LEADERS, ADMIN)
    assert t("reminder.fortnightly.scope_all", "zh", count=5) in report


async def test_report_where_there_is_nothing(bot: BotHarness) -> None:
    bot.add_group(GROUP, "空群")
    bot.add_admin()
    assert text_of(await bot.send(GROUP, ADMIN, "/report")) == t("report.empty_chat", "zh")
    bot.add_private(ADMIN)
    assert text_of(await bot.send(ADMIN, ADMIN, "/report")) == t("report.empty_all", "zh")


async def test_report_in_english(bot: BotHarness) -> None:
    scene(bot)
    bot.runtime.settings.admins.append(4001)
    bot.add_user(4001, "Alice", "alice", "en")
    bot.add_private(4001)
    _, report = await overall_report(bot, 4001, 4001)
    assert report.startswith("[Progress report] 2026-10-05 09:00")
    assert counts("en", done=1, on_track=1, overdue=1, blocked=1, silent=1) in report


@pytest.mark.parametrize("who", [OFFICIAL, STRANGER])
async def test_report_and_export_are_for_admins(bot: BotHarness, who: int) -> None:
    scene(bot)
    assert text_of(await bot.send(GROUP, who, "/report")) == t("error.admin_only", "zh")
    assert text_of(await bot.send(GROUP, who, "/export")) == t("error.admin_only", "zh")
    assert not [c for c in bot.api.calls if c.method == "sendDocument"]


# --- /export ------------------------------------------------------------------------------------


async def exported(bot: BotHarness, chat_id: int, user_id: int = ADMIN) -> tuple[JSON, Any]:
    """Send /export; the document message and the workbook it carries, opened with openpyxl."""
    await bot.api.user_sends(chat_id, user_id, "/export")
    message = await bot.api.wait_for_message(chat_id)
    assert "document" in message, text_of(message)
    data = bot.api.file_bytes(message["document"]["file_id"])
    return message, load_workbook(io.BytesIO(data))


async def test_export_privately_has_every_task_and_its_history(bot: BotHarness) -> None:
    ids = scene(bot)
    bot.add_private(ADMIN)
    message, book = await exported(bot, ADMIN)
    document = message["document"]
    assert document["file_name"] == "taskbot-tasks-20261005-0900.xlsx"
    assert document["mime_type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert message["caption"] == t("export.caption", "zh", tasks=5, units=3, shares=5, history=8)
    # 汇总 first, the 台账, tasks, history, 红黑榜, evidence, then a sheet per unit
    assert book.sheetnames == [
        "汇总",
        "台账",
        "任务",
        "历史",
        "红黑榜",
        "佐证材料",
        "各相关部门",
        "各社区",
        "各镇街",
    ]
    assert len(book["汇总"]._charts) == 1
    # the 台账: a row per assignment — each task here has one unit's group
    ledger = book["台账"]
    units = list(ledger.iter_rows(values_only=True))
    assert units[0][:5] == ("任务编号", "任务", "承办单位", "角色", "状态")
    assert sorted(row[0] for row in units[1:]) == sorted(ids.values())
    # (groups the bot has not heard from yet go by the party they answer for)
    assert {row[2] for row in units[1:]} == {"各镇街", "各相关部门", "各社区"}
    done_row = next(row for row in units[1:] if row[0] == ids["done"])
    assert done_row[3:6] == ("牵头", "已完成", 100) and done_row[11] == "按期办结"
    # the overdue task's row is filled; the done one's is not
    filled = {r[0].value for r in ledger.iter_rows(min_row=2) if r[0].fill.fill_type == "solid"}
    assert filled == {ids["overdue"]}
    assert sum(book[name].max_row - 1 for name in book.sheetnames[6:]) == len(ids)
    rows = list(book["任务"].iter_rows(values_only=True))
    assert rows[0][:4] == ("编号", "任务", "状态", "进度%")
    by_id = {row[0]: row for row in rows[1:]}
    assert sorted(by_id) == sorted(ids.values())
    assert by_id[ids["done"]][2:4] == ("已完成", 100)
    assert by_id[ids["blocked"]][2] == "受阻"
    assert by_id[ids["overdue"]][4] == "各镇街"
    history = list(book["历史"].iter_rows(values_only=True))
    assert len(history) == 1 + 8  # five created, a status report, a done, a blocked
    assert ("汇报进展", "进行中", 50, "摸底完成") in [row[4:8] for row in history]


async def test_export_in_a_group_has_only_that_groups_tasks(bot: BotHarness) -> None:
    ids = scene(bot)
    _, book = await exported(bot, OTHER_GROUP)
    rows = list(book["任务"].iter_rows(values_only=True))[1:]
    assert [row[0] for row in rows] == [ids["silent"]]
    assert [row[0] for row in list(book["历史"].iter_rows(values_only=True))[1:]] == [ids["silent"]]


async def test_export_of_nothing_says_so(bot: BotHarness) -> None:
    bot.add_group(GROUP, "空群")
    bot.add_admin()
    assert text_of(await bot.send(GROUP, ADMIN, "/export")) == plain(t("export.empty", "zh"))
    assert not [c for c in bot.api.calls if c.method == "sendDocument"]


async def test_export_in_english(bot: BotHarness) -> None:
    scene(bot)
    bot.runtime.settings.admins.append(4001)
    bot.add_user(4001, "Alice", "alice", "en")
    bot.add_private(4001)
    message, book = await exported(bot, 4001, 4001)
    assert message["caption"] == t("export.caption", "en", tasks=5, units=3, shares=5, history=8)
    assert book.sheetnames[:6] == ["Summary", "Ledger", "Tasks", "Task history", "Red-black list", "Evidence"]
    assert {row[2] for row in list(book["Tasks"].iter_rows(values_only=True))[1:]} >= {"done", "blocked"}
