"""Every unit answers for its own share: one task, three unit groups, end to end over the fake Bot API."""

from __future__ import annotations

import datetime as dt

from taskbot.i18n import t
from taskbot.services.assignments import unit_label
from taskbot.services.people import upsert_chat
from taskbot.services.tasks import task_shares
from taskbot.store.db import transaction
from tests.bot.conftest import ADMIN, OFFICIAL, OFFICIAL_2, STRANGER, BotHarness, buttons_of, text_of
from tests.bot.test_reports_commands import overall_report

A, B, C = -100701, -100702, -100703
TITLES = {A: "甲镇群", B: "乙镇群", C: "丙镇群"}


def three_towns(bot: BotHarness) -> None:
    """各镇街 bound in three town groups; 张三 works in 甲镇, 李四 in 乙镇, nobody speaks in 丙镇."""
    bot.add_admin()
    bot.add_official()
    bot.add_official(OFFICIAL_2, "李四", "lisi")
    bot.add_stranger()
    bot.add_private(ADMIN)
    for chat_id, title in TITLES.items():
        bot.add_group(chat_id, title)
        with transaction(bot.runtime.sessions) as s:
            upsert_chat(s, chat_id, title=title, type="supergroup")
        bot.bind(chat_id, "各镇街")


def add_old_task(bot: BotHarness, title: str, days_ago: int, **kw: object) -> int:
    now = bot.clock()
    bot.clock.set(now - dt.timedelta(days=days_ago))
    task_id = bot.add_task(title, parties=["各镇街"], **kw)  # type: ignore[arg-type]
    bot.clock.set(now)
    return task_id


def shares(bot: BotHarness, task_id: int) -> dict[str, str]:
    with bot.runtime.sessions() as s:
        return {unit_label(row): row.status for row in task_shares(s, task_id)}


async def test_each_unit_reports_its_own_share_and_is_ranked_on_it(bot: BotHarness) -> None:
    three_towns(bot)
    gas = add_old_task(bot, "燃气管道摸底", 20, deadline=dt.date(2026, 12, 31))

    done = text_of(await bot.send(A, OFFICIAL, f"/done {gas} 本镇已完成"))
    assert "张三" in done
    assert bot.task(gas)[0] == "in_progress"  # one town's /done does not close it for all three
    await bot.send(B, OFFICIAL_2, f"/status {gas} 50% 已完成燃气管道摸底")
    assert bot.task(gas) == ("in_progress", 50)  # mean of the three shares: 100, 50, 0

    detail = text_of(await bot.send(ADMIN, ADMIN, f"/task {gas}"))
    units = [line for line in detail.split("\n") if line.startswith("  [")]
    assert len(units) == 3
    assert "甲镇群" in units[0] and t("bot.status.done", "zh") in units[0] and "按期办结" in units[0]
    assert "乙镇群" in units[1] and "50%" in units[1] and "已完成燃气管道摸底" in units[1]
    assert "丙镇群" in units[2] and t("bot.task.unit_silent", "zh") in units[2]
    # the history says whose share each report was on
    assert "张三（甲镇群） 完成" in detail and "李四（乙镇群） 汇报进展 50%" in detail

    # /tasks in a unit's group shows that unit's own standing
    assert "50%" in text_of(await bot.send(B, OFFICIAL_2, "/tasks"))
    in_c = text_of(await bot.send(C, STRANGER, "/tasks"))
    assert t("bot.status.open", "zh") in in_c and "50%" not in in_c

    _, report = await overall_report(bot, ADMIN, ADMIN)  # privately: the chart picture, then the text
    red = report[report.index(t("reminder.red.title", "zh")) : report.index(t("reminder.black.title", "zh"))]
    black = report[report.index(t("reminder.black.title", "zh")) :]
    assert t("reminder.red.entry", "zh", rank=1, party="甲镇群", why="按期办结 1 项，平均进度 100%") in red
    assert t("reminder.red.entry", "zh", rank=2, party="乙镇群", why="本期汇报 1 项，平均进度 50%") in red
    assert t("reminder.black.entry", "zh", rank=1, party="丙镇群", why="1 项超过 14 天未汇报") in black
    assert "各镇街" not in red + black  # the phrase is never ranked

    # a late completion keeps 甲镇 off the red list
    late = add_old_task(bot, "老旧小区改造", 30, deadline=dt.date(2026, 10, 1))
    await bot.send(A, OFFICIAL, f"/done {late}")
    _, report = await overall_report(bot, ADMIN, ADMIN)  # privately: the chart picture, then the text
    red = report[report.index(t("reminder.red.title", "zh")) : report.index(t("reminder.black.title", "zh"))]
    black = report[report.index(t("reminder.black.title", "zh")) :]
    assert "甲镇群" not in red
    assert "甲镇群：逾期办结 1 项" in black


async def test_an_admin_picks_the_unit_and_the_task_is_done_when_every_lead_is(bot: BotHarness) -> None:
    three_towns(bot)
    gas = bot.add_task("燃气管道摸底", parties=["各镇街"])
    await bot.send(A, OFFICIAL, f"/done {gas}")

    # privately, a /done that does not say whose share is answered with one button per open unit
    picker = await bot.send(ADMIN, ADMIN, f"/done {gas}")
    assert text_of(picker) == t("bot.pick_unit", "zh", task_id=gas)
    data = buttons_of(picker)
    assert len(data) == 2  # 乙镇 and 丙镇: 甲镇 is done already
    await bot.press(ADMIN, ADMIN, picker, data[1])
    assert "督查室" in text_of(await bot.api.wait_for_message(ADMIN))  # the confirmation
    assert shares(bot, gas) == {"甲镇群": "done", "乙镇群": "open", "丙镇群": "done"}
    assert bot.task(gas)[0] == "in_progress"

    # by name: the last lead share done closes the task
    await bot.send(ADMIN, ADMIN, f"/done {gas} 乙镇群 督查室代报")
    assert bot.task(gas) == ("done", 100)


async def test_a_partner_unit_does_not_decide_done_ness(bot: BotHarness) -> None:
    three_towns(bot)
    gas = bot.add_task("燃气管道摸底", parties=["各镇街"])
    answer = text_of(await bot.send(ADMIN, ADMIN, f"/assign {gas} 丙镇群 配合"))
    assert "丙镇群" in answer and "配合" in answer
    await bot.send(A, OFFICIAL, f"/done {gas}")
    await bot.send(B, OFFICIAL_2, f"/done {gas}")
    assert bot.task(gas) == ("done", 100)  # 丙镇 only contributes


async def test_naming_an_unknown_unit_is_a_polite_refusal(bot: BotHarness) -> None:
    three_towns(bot)
    gas = bot.add_task("燃气管道摸底", parties=["各镇街"])
    answer = text_of(await bot.send(ADMIN, ADMIN, f"/blocked {gas} 资金未到位"))
    assert answer == t("error.which_unit", "zh", task_id=gas, units="甲镇群、乙镇群、丙镇群")
    assert bot.task(gas) == ("open", 0)
