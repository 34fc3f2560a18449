"""The 督办 workflow end to end over HTTP: 办结审核 → 销号 / 退回, 延期申请 → 批准 / 驳回, refusals."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from taskbot.i18n import t
from taskbot.schedule.limiter import RateLimiter
from taskbot.schedule.sender import Sender
from taskbot.schedule.service import ReminderService
from taskbot.services.export import build_workbook, collect
from taskbot.services.tasks import task_shares
from taskbot.services.workflow import attachments_of, report_rule_of
from taskbot.store.models import Delivery
from tests.bot.conftest import (
    ADMIN,
    GROUP,
    JSON,
    OFFICIAL,
    OFFICIAL_2,
    OTHER_GROUP,
    STRANGER,
    BotHarness,
    buttons_of,
    text_of,
)

OFFICE = -100777
DEADLINE = dt.date(2026, 10, 20)


@pytest.fixture
def bot_settings(tmp_path: Path, request: pytest.FixtureRequest) -> dict[str, Any]:
    """Review on; requests to the office group OFFICE unless a test asks for the admins' private chats."""
    workflow: dict[str, Any] = {"review": True, "office_chat_id": OFFICE, "receipt": False}
    workflow.update(getattr(request, "param", {}))
    return {
        "admins": workflow.pop("admins", [ADMIN]),
        "chat_admins_are_admins": True,
        "database": {"url": f"sqlite:///{tmp_path / 'bot.db'}"},
        "workflow": workflow,
    }


def scene(bot: BotHarness) -> int:
    bot.add_town_cast()
    bot.add_group(OFFICE, "督查室")
    bot.add_private(ADMIN)
    return bot.add_task("抓目标节点", parties=["各镇街"], deadline=DEADLINE)


def share_of(bot: BotHarness, task_id: int) -> Any:
    with bot.runtime.sessions() as s:
        (share,) = task_shares(s, task_id)
        return share


def kinds(bot: BotHarness, task_id: int) -> list[str]:
    return [kind for kind, *_ in bot.history(task_id)]


async def claim(bot: BotHarness, task_id: int, office: int = OFFICE) -> JSON:
    """张三 sends /done in the town group; return the office's review message."""
    answer = await bot.send(GROUP, OFFICIAL, f"/done {task_id} 70个社区已全覆盖")
    assert text_of(answer).startswith(
        f"📨 张三 已提交任务 #{task_id} 抓目标节点 的办结申请：70个社区已全覆盖"
    )
    assert "等待督查室审核" in text_of(answer)
    return await bot.api.wait_for_message(office)


async def alert_of(bot: BotHarness, chat_id: int, user_id: int, message: JSON, data: str) -> str:
    answer = await bot.press(chat_id, user_id, message, data)
    return str(answer.get("text", ""))


# --- 办结审核 → 销号 ---


async def test_done_awaits_review_and_approval_closes_it_as_of_the_claim(bot: BotHarness) -> None:
    task_id = scene(bot)
    claimed_at = bot.clock()
    review = await claim(bot, task_id)
    assert "办结审核" in text_of(review) and "镇街工作群" in text_of(review) and "张三" in text_of(review)
    assert buttons_of(review) == ["wf:ok:1", "wf:no:1"]
    assert bot.task(task_id) == ("in_progress", 0)
    assert share_of(bot, task_id).status == "in_progress"
    detail = await bot.send(GROUP, OFFICIAL, f"/task {task_id}")
    assert "镇街工作群：待审核（张三" in text_of(detail)

    bot.clock.advance(days=20)  # reviewed after the deadline: the claim's date counts
    assert await alert_of(bot, OFFICE, ADMIN, review, "wf:ok:1") == "已通过"
    told = await bot.api.wait_for_message(GROUP)
    assert text_of(told) == f"✅ 任务 #{task_id} 抓目标节点 的办结申请已通过审核（销号）。"
    edited = await bot.api.wait_for_call("editMessageText")
    assert "已通过（销号）：督查室" in edited["text"] and "reply_markup" not in edited
    assert bot.task(task_id) == ("done", 100)
    share = share_of(bot, task_id)
    assert (share.status, share.completed_at, share.completion) == ("done", claimed_at, "on_time")
    assert kinds(bot, task_id)[-2:] == ["claimed", "approved"]


@pytest.mark.parametrize("bot_settings", [{"office_chat_id": None}], indirect=True)
async def test_without_an_office_chat_each_admin_gets_the_request_privately(bot: BotHarness) -> None:
    task_id = scene(bot)
    review = await claim(bot, task_id, office=ADMIN)
    assert buttons_of(review) == ["wf:ok:1", "wf:no:1"]
    assert await alert_of(bot, ADMIN, ADMIN, review, "wf:ok:1") == "已通过"
    assert bot.task(task_id) == ("done", 100)


@pytest.mark.parametrize("bot_settings", [{"review": False}], indirect=True)
async def test_with_review_off_done_closes_at_once(bot: BotHarness) -> None:
    task_id = scene(bot)
    answer = await bot.send(GROUP, OFFICIAL, f"/done {task_id}")
    assert text_of(answer).startswith("✅ 张三 已将任务")
    assert bot.task(task_id) == ("done", 100)
    assert bot.api.sent_messages(OFFICE) == []


async def test_the_done_button_also_awaits_review(bot: BotHarness) -> None:
    task_id = scene(bot)
    detail = await bot.send(GROUP, OFFICIAL, f"/task {task_id}")
    await bot.press(GROUP, OFFICIAL, detail, f"done:{task_id}")
    confirmation = await bot.api.wait_for_message(GROUP)
    assert "办结申请" in text_of(confirmation)
    review = await bot.api.wait_for_message(OFFICE)
    assert buttons_of(review) == ["wf:ok:1", "wf:no:1"]
    assert bot.task(task_id) == ("in_progress", 0)


async def test_return_asks_the_office_why_and_tells_the_unit(bot: BotHarness) -> None:
    task_id = scene(bot)
    review = await claim(bot, task_id)
    assert await alert_of(bot, OFFICE, ADMIN, review, "wf:no:1") == "请回复机器人的提示，写明退回原因"
    prompt = await bot.api.wait_for_message(OFFICE)
    assert "退回任务 #1 抓目标节点（镇街工作群）的原因" in text_of(prompt)
    sent = await bot.api.wait_for_call("sendMessage", lambda p: "force_reply" in str(p.get("reply_markup")))
    assert (sent["reply_markup"]["force_reply"], sent["reply_markup"]["selective"]) == (True, True)
    await bot.settle()  # the prompt is remembered after it is sent
    done = await bot.send(OFFICE, ADMIN, "佐证材料不全，请补充照片", reply_to=prompt["message_id"])
    assert text_of(done) == "↩️ 已退回任务 #1 抓目标节点（镇街工作群），原因已告知该单位。"
    told = await bot.api.wait_for_message(GROUP)
    assert "被督查室退回，原因：佐证材料不全，请补充照片" in text_of(told)
    assert f"/done {task_id}" in text_of(told)
    assert share_of(bot, task_id).status == "in_progress"
    assert bot.history(task_id)[-1] == ("returned", "in_progress", None, "佐证材料不全，请补充照片")
    # Returned, the unit can claim again; a new review comes.
    again = await claim(bot, task_id)
    assert buttons_of(again) == ["wf:ok:2", "wf:no:2"]


async def test_refusals_own_claim_twice_and_after_the_decision(bot: BotHarness) -> None:
    task_id = scene(bot)
    bot.api.set_member_status(OFFICE, OFFICIAL, "administrator")  # 张三 is an admin of the office group
    review = await claim(bot, task_id)
    second = await bot.send(GROUP, OFFICIAL, f"/done {task_id}")
    assert "正在等待督查室审核，请勿重复提交" in text_of(second)
    assert "不能审批自己提交的申请" in await alert_of(bot, OFFICE, OFFICIAL, review, "wf:ok:1")
    assert "不能审批自己提交的申请" in await alert_of(bot, OFFICE, OFFICIAL, review, "wf:no:1")
    assert bot.task(task_id) == ("in_progress", 0)
    # A second copy of the request (as another admin would have it privately) …
    await bot.send(ADMIN, ADMIN, "/pending")
    copy = await bot.api.wait_for_message(ADMIN)
    assert await alert_of(bot, OFFICE, ADMIN, review, "wf:ok:1") == "已通过"
    # … decides nothing once the first press did.
    assert await alert_of(bot, ADMIN, ADMIN, copy, "wf:ok:1") == "这项申请已由 督查室 处理过了。"
    assert await alert_of(bot, ADMIN, ADMIN, copy, "wf:no:1") == "这项申请已由 督查室 处理过了。"
    assert kinds(bot, task_id).count("approved") == 1
    assert "returned" not in kinds(bot, task_id)


async def test_a_stranger_cannot_approve(bot: BotHarness) -> None:
    task_id = scene(bot)
    review = await claim(bot, task_id)
    assert await alert_of(bot, OFFICE, STRANGER, review, "wf:ok:1") == "抱歉，只有管理员可以这样做。"
    assert await alert_of(bot, OFFICE, STRANGER, review, "wf:no:1") == "抱歉，只有管理员可以这样做。"
    assert bot.task(task_id) == ("in_progress", 0)
    assert "approved" not in kinds(bot, task_id)


async def test_pending_lists_open_requests_with_their_buttons_for_admins_only(bot: BotHarness) -> None:
    task_id = scene(bot)
    empty = await bot.send(ADMIN, ADMIN, "/pending")
    assert text_of(empty) == "目前没有待处理的办结审核或延期申请。"
    await claim(bot, task_id)
    header = await bot.send(ADMIN, ADMIN, "/pending")
    assert text_of(header) == "待处理的申请 1 项"
    listed = await bot.api.wait_for_message(ADMIN)
    assert buttons_of(listed) == ["wf:ok:1", "wf:no:1"]
    refused = await bot.send(GROUP, OFFICIAL, "/pending")
    assert text_of(refused) == "抱歉，只有管理员可以这样做。"


# --- 延期申请 ---


async def test_extension_granted_moves_the_units_deadline_and_counts_as_extended(bot: BotHarness) -> None:
    task_id = scene(bot)
    answer = await bot.send(GROUP, OFFICIAL, f"/extend {task_id} 2026-11-15 资金尚未到位")
    assert text_of(answer).startswith(f"⏳ 已提交任务 #{task_id} 抓目标节点 的延期申请（延至 2026-11-15）")
    request = await bot.api.wait_for_message(OFFICE)
    assert "延期申请" in text_of(request)
    assert "原时限：2026-10-20 → 申请延至：2026-11-15" in text_of(request)
    assert "资金尚未到位" in text_of(request)
    assert buttons_of(request) == ["wf:ok:1", "wf:no:1"]
    detail = await bot.send(GROUP, OFFICIAL, f"/task {task_id}")
    assert "镇街工作群：延期申请中（申请延至 2026-11-15）" in text_of(detail)

    assert await alert_of(bot, OFFICE, ADMIN, request, "wf:ok:1") == "已批准"
    told = await bot.api.wait_for_message(GROUP)
    assert "延期申请已批准，本单位新的完成时限：2026-11-15" in text_of(told)
    assert share_of(bot, task_id).extended_to == dt.date(2026, 11, 15)
    detail = await bot.send(GROUP, OFFICIAL, f"/task {task_id}")
    assert "镇街工作群：已延期至 2026-11-15" in text_of(detail)
    assert "完成时限: 2026-10-20" in text_of(detail)  # the original deadline is kept

    bot.clock.advance(days=30)  # 2026-11-04: after the deadline, before the extension
    review = await claim(bot, task_id)
    assert await alert_of(bot, OFFICE, ADMIN, review, "wf:ok:2") == "已通过"
    assert share_of(bot, task_id).completion == "extended"
    assert kinds(bot, task_id)[-4:] == ["extension", "extended", "claimed", "approved"]


async def test_late_completion_without_extension_counts_late(bot: BotHarness) -> None:
    task_id = scene(bot)
    bot.clock.advance(days=30)
    review = await claim(bot, task_id)
    await alert_of(bot, OFFICE, ADMIN, review, "wf:ok:1")
    assert share_of(bot, task_id).completion == "late"


async def test_extension_refused_keeps_the_deadline(bot: BotHarness) -> None:
    task_id = scene(bot)
    await bot.send(GROUP, OFFICIAL, f"/extend {task_id} 11月15日 资金尚未到位")
    request = await bot.api.wait_for_message(OFFICE)
    assert "申请延至：2026-11-15" in text_of(request)
    assert await alert_of(bot, OFFICE, ADMIN, request, "wf:no:1") == "已驳回"
    told = await bot.api.wait_for_message(GROUP)
    assert "延期申请未获批准，完成时限不变（2026-10-20）" in text_of(told)
    assert share_of(bot, task_id).extended_to is None
    assert kinds(bot, task_id)[-2:] == ["extension", "ext_refused"]


@pytest.mark.parametrize(
    ("user", "args", "expected"),
    [
        (OFFICIAL, "2026-01-01 来不及", "延期日期 2026-01-01 已经过去（今天是 2026-10-05）"),
        (OFFICIAL, "2026-10-18 来不及", "完成时限已是 2026-10-20，延期日期 2026-10-18 须晚于它"),
        (OFFICIAL, "2026-11-15", "请写明延期原因"),
        (OFFICIAL, "", "用法：/extend 编号 日期 原因"),
        (OFFICIAL, "下辈子 来不及", "下辈子"),
        (STRANGER, "2026-11-15 来不及", "本对话中没有编号为 1 的任务"),
        (OFFICIAL_2, "2026-11-15 来不及", "本对话中没有编号为 1 的任务"),
    ],
)
async def test_extension_refusals(bot: BotHarness, user: int, args: str, expected: str) -> None:
    task_id = scene(bot)
    bot.add_private(STRANGER)
    chat = {STRANGER: STRANGER, OFFICIAL_2: OTHER_GROUP}.get(user, GROUP)
    answer = await bot.send(chat, user, f"/extend {task_id} {args}".rstrip())
    assert expected in text_of(answer)
    assert "extension" not in kinds(bot, task_id)
    assert bot.api.sent_messages(OFFICE) == []


async def test_a_second_extension_waits_for_the_first(bot: BotHarness) -> None:
    task_id = scene(bot)
    await bot.send(GROUP, OFFICIAL, f"/extend {task_id} 2026-11-15 资金尚未到位")
    again = await bot.send(GROUP, OFFICIAL_2, f"/extend {task_id} 2026-11-30 还要更久")
    assert "已有一项延期申请在等待审批" in text_of(again)
    assert kinds(bot, task_id).count("extension") == 1


# --- 签收 ---


def reminder_service(bot: BotHarness) -> ReminderService:
    """The reminder engine on the harness's bot, as `taskbot run` wires it (ledger, sender, limiter)."""
    sender = Sender(
        bot.app.bot,
        bot.runtime.sessions,
        RateLimiter(30, 20),
        clock=bot.clock,
        admins=[ADMIN],
        language="zh",
    )
    return ReminderService(bot.runtime, sender)


def ack_rows(bot: BotHarness) -> list[tuple[str, str, int]]:
    with bot.runtime.sessions() as s:
        rows = s.scalars(
            select(Delivery).where(Delivery.beat.in_(["ack", "ack_office"])).order_by(Delivery.id)
        )
        return [(d.key, d.status, d.chat_id) for d in rows]


RECEIPT = [{"receipt": True}]


@pytest.mark.parametrize("bot_settings", RECEIPT, indirect=True)
async def test_a_new_task_is_announced_and_the_first_official_signs_for_the_unit(bot: BotHarness) -> None:
    task_id = scene(bot)
    service = reminder_service(bot)
    assert service.plan_receipts(bot.clock()) == 1
    await service.drain()
    announcement = await bot.api.wait_for_message(GROUP)
    # Nobody has spoken in the group yet: the unit is named by the party it answers for.
    assert text_of(announcement).startswith(f"📌 新任务 #{task_id} 抓目标节点\n责任单位：各镇街")
    assert buttons_of(announcement) == ["ack:1"]
    detail = await bot.send(GROUP, OFFICIAL, f"/task {task_id}")
    assert "镇街工作群：未签收" in text_of(detail)

    bot.clock.advance(minutes=30)
    assert await alert_of(bot, GROUP, OFFICIAL, announcement, "ack:1") == "已签收"
    signed = await bot.api.wait_for_message(GROUP)
    assert text_of(signed) == f"✍️ 张三 已代表 镇街工作群 签收任务 #{task_id} 抓目标节点。"
    refused = await alert_of(bot, GROUP, OFFICIAL_2, announcement, "ack:1")
    assert refused == "镇街工作群 已由 张三 于 2026-10-05 09:30 签收，无需重复签收。"
    assert kinds(bot, task_id).count("signed") == 1
    share = share_of(bot, task_id)
    assert (share.receipt, share.signed_by, share.signed_at) == ("signed", "张三", bot.clock())
    detail = await bot.send(GROUP, OFFICIAL, f"/task {task_id}")
    assert "镇街工作群：已签收（张三 10-05 09:30）" in text_of(detail)
    # Signed: nothing more is planned for it, however long after.
    bot.clock.advance(days=5)
    assert service.plan_receipts(bot.clock()) == 0


@pytest.mark.parametrize("bot_settings", RECEIPT, indirect=True)
async def test_only_the_unit_can_sign(bot: BotHarness) -> None:
    task_id = scene(bot)
    bot.add_private(STRANGER)
    # A 签收 button in someone else's chat (callback data can be forged): the unit's share is not theirs.
    button = InlineKeyboardMarkup([[InlineKeyboardButton("签收", callback_data="ack:1")]])
    await bot.app.bot.send_message(STRANGER, "签收", reply_markup=button)
    forged = await bot.api.wait_for_message(STRANGER)
    assert (
        await alert_of(bot, STRANGER, STRANGER, forged, "ack:1")
        == f"只有本单位的同志可以签收任务 {task_id}。"
    )
    assert share_of(bot, task_id).receipt == "pending"
    assert "signed" not in kinds(bot, task_id)


@pytest.mark.parametrize("bot_settings", RECEIPT, indirect=True)
async def test_unsigned_after_the_working_hours_is_repeated_once_and_the_office_told(bot: BotHarness) -> None:
    bot.clock.set(dt.datetime(2026, 10, 9, 2, 0, tzinfo=dt.UTC))  # Friday 10:00; 10-10 is a make-up workday
    task_id = scene(bot)
    service = reminder_service(bot)
    service.plan_receipts(bot.clock())
    await service.drain()
    await bot.api.wait_for_message(GROUP)
    bot.clock.advance(hours=23, minutes=59)
    assert service.plan_receipts(bot.clock()) == 0
    bot.clock.advance(minutes=1)  # 24 working hours: Saturday 10-10 10:00 (调休, a workday)
    assert service.plan_receipts(bot.clock()) == 2
    # A restart (a new engine on the same store) plans nothing twice.
    again = reminder_service(bot)
    assert again.plan_receipts(bot.clock()) == 0
    await again.drain()
    repeat = await bot.api.wait_for_message(GROUP)
    assert text_of(repeat).startswith(f"⏰ 任务 #{task_id} 抓目标节点 尚未签收（各镇街）")
    assert buttons_of(repeat) == ["ack:1"]
    office = await bot.api.wait_for_message(OFFICE)
    assert text_of(office) == "📌 以下 1 个单位超过 24 个工作小时仍未签收：\n· #1 抓目标节点 — 各镇街"
    bot.clock.advance(days=10)
    assert again.plan_receipts(bot.clock()) == 0
    await again.drain()
    assert [status for _, status, _ in ack_rows(bot)] == ["sent", "sent", "sent"]
    assert len(bot.api.sent_messages(GROUP)) == 2
    # The repeat's button still signs.
    assert await alert_of(bot, GROUP, OFFICIAL, repeat, "ack:1") == "已签收"


async def test_receipts_are_off_unless_configured(bot: BotHarness) -> None:
    scene(bot)
    assert reminder_service(bot).plan_receipts(bot.clock()) == 0


# --- 报送要求 (/due) ---


async def test_due_sets_and_clears_a_reporting_rule(bot: BotHarness) -> None:
    task_id = scene(bot)
    answer = await bot.send(ADMIN, ADMIN, f"/due {task_id} 每周五17:00")
    assert text_of(answer) == f"📮 任务 #{task_id} 抓目标节点 的报送要求：每周五 17:00前。"
    with bot.runtime.sessions() as s:
        rule = report_rule_of(s, task_id)
        assert rule is not None and rule.to_json() == {"rhythm": "weekly", "weekday": 5, "due": "17:00"}
    monthly = await bot.send(ADMIN, ADMIN, f"/due {task_id} 每月10日、25日")
    assert text_of(monthly) == f"📮 任务 #{task_id} 抓目标节点 的报送要求：每月10、25日当日内。"
    cleared = await bot.send(ADMIN, ADMIN, f"/due {task_id} none")
    assert text_of(cleared) == f"📮 已取消任务 #{task_id} 抓目标节点 的报送要求。"
    with bot.runtime.sessions() as s:
        assert report_rule_of(s, task_id) is None
    assert kinds(bot, task_id).count("report_rule") == 3


@pytest.mark.parametrize(
    ("user", "args", "expected"),
    [
        (OFFICIAL, "1 每周五17:00", "抱歉，只有管理员可以这样做。"),
        (ADMIN, "1 下周", "无法识别报送要求“下周”"),
        (ADMIN, "1", "用法：/due 编号 报送要求"),
        (ADMIN, "abc", "用法：/due 编号 报送要求"),
        (ADMIN, "99 每周五17:00", "没有编号为 99 的任务"),
    ],
)
async def test_due_refusals(bot: BotHarness, user: int, args: str, expected: str) -> None:
    scene(bot)
    chat = ADMIN if user == ADMIN else GROUP
    answer = await bot.send(chat, user, f"/due {args}")
    assert expected in text_of(answer)
    with bot.runtime.sessions() as s:
        assert report_rule_of(s, 1) is None


async def test_help_lists_the_workflow_commands(bot: BotHarness) -> None:
    scene(bot)
    official = text_of(await bot.send(GROUP, OFFICIAL, "/help"))
    assert "/extend 编号 日期 原因" in official and "/pending" not in official
    admin = text_of(await bot.send(ADMIN, ADMIN, "/help"))
    assert "/pending" in admin and "/due 编号" in admin


# --- 催办 ---


def urge_scene(bot: BotHarness) -> int:
    """The scene, with the reminder engine's sender installed: /urge plans its messages in the
    delivery ledger and wakes the sender, as under `taskbot run`."""
    bot.app.bot_data.reminders = reminder_service(bot)
    bot.add_town_cast()
    bot.add_group(OFFICE, "督查室")
    bot.add_private(ADMIN)
    bot.bind(OTHER_GROUP, "市住建局")
    return bot.add_task("抓目标节点", parties=["各镇街", "市住建局"], assignees=[OFFICIAL])


async def test_urge_reaches_the_units_and_the_office_sees_who_acknowledged(bot: BotHarness) -> None:
    task_id = urge_scene(bot)
    answer = await bot.send(ADMIN, ADMIN, f"/urge {task_id} 请本周内完成整改")
    assert text_of(answer) == f"📣 已向 各镇街、市住建局 发出任务 #{task_id} 抓目标节点 的催办。"
    town = await bot.api.wait_for_message(GROUP)
    bureau = await bot.api.wait_for_message(OTHER_GROUP)
    assert text_of(town).startswith(f"📣 催办 #{task_id} 抓目标节点：请本周内完成整改\n请尽快办理并汇报进展")
    assert "@zhangsan" in text_of(town)  # the person assigned is mentioned
    assert buttons_of(town) == ["urge:1"] and buttons_of(bureau) == ["urge:2"]

    bot.clock.advance(minutes=5)
    assert await alert_of(bot, GROUP, OFFICIAL, town, "urge:1") == "已回执"
    told = await bot.api.wait_for_message(OFFICE)
    assert (
        text_of(told) == f"👌 张三（镇街工作群）已收到任务 #{task_id} 抓目标节点 的催办（2026-10-05 09:05）。"
    )
    again = await alert_of(bot, GROUP, OFFICIAL_2, town, "urge:1")
    assert again == "已由 张三 于 2026-10-05 09:05 回执收到。"
    assert kinds(bot, task_id).count("urged") == 2
    assert kinds(bot, task_id).count("urge_ack") == 1


async def test_an_urge_goes_through_the_delivery_ledger(bot: BotHarness) -> None:
    task_id = urge_scene(bot)
    bot.app.bot_data.reminders = None  # no sender running (another replica holds the scheduler)
    await bot.send(ADMIN, ADMIN, f"/urge {task_id} 市住建局 请回复")
    await bot.settle()
    assert bot.api.sent_messages(OTHER_GROUP) == []  # planned, not sent past the rate limiter
    with bot.runtime.sessions() as s:
        rows = [(d.key, d.beat, d.status) for d in s.scalars(select(Delivery).order_by(Delivery.id))]
    assert rows == [("urge|u1|1", "urge", "pending")]
    await reminder_service(bot).drain()  # the sender (after a restart, or the scheduler's sweep)
    sent = await bot.api.wait_for_message(OTHER_GROUP)
    assert "请回复" in text_of(sent) and buttons_of(sent) == ["urge:1"]
    await reminder_service(bot).drain()
    await bot.settle()
    assert len(bot.api.sent_messages(OTHER_GROUP)) == 1  # sent once


async def test_urge_one_named_unit(bot: BotHarness) -> None:
    task_id = urge_scene(bot)
    answer = await bot.send(ADMIN, ADMIN, f"/urge {task_id} 市住建局 台账何时建好？")
    assert text_of(answer) == f"📣 已向 市住建局 发出任务 #{task_id} 抓目标节点 的催办。"
    bureau = await bot.api.wait_for_message(OTHER_GROUP)
    assert "台账何时建好？" in text_of(bureau)
    await bot.settle()
    assert bot.api.sent_messages(GROUP) == []


@pytest.mark.parametrize(
    ("user", "args", "expected"),
    [
        (OFFICIAL, "1 快点", "抱歉，只有管理员可以这样做。"),
        (ADMIN, "abc", "用法：/urge 编号 [单位] [附言]"),
        (ADMIN, "", "用法：/urge 编号 [单位] [附言]"),
        (ADMIN, "99", "没有编号为 99 的任务"),
    ],
)
async def test_urge_refusals(bot: BotHarness, user: int, args: str, expected: str) -> None:
    urge_scene(bot)
    chat = ADMIN if user == ADMIN else GROUP
    answer = await bot.send(chat, user, f"/urge {args}".rstrip())
    assert expected in text_of(answer)
    assert "urged" not in kinds(bot, 1)


async def test_only_the_urged_unit_can_acknowledge(bot: BotHarness) -> None:
    task_id = urge_scene(bot)
    await bot.send(ADMIN, ADMIN, f"/urge {task_id}")
    await bot.api.wait_for_message(GROUP)
    await bot.api.wait_for_message(OTHER_GROUP)
    # The town's 收到 button (callback data can be forged) pressed in the bureau's group.
    button = InlineKeyboardMarkup([[InlineKeyboardButton("收到", callback_data="urge:1")]])
    await bot.app.bot.send_message(OTHER_GROUP, "收到", reply_markup=button)
    forged = await bot.api.wait_for_message(OTHER_GROUP)
    refused = await alert_of(bot, OTHER_GROUP, OFFICIAL_2, forged, "urge:1")
    assert refused == f"只有被催办单位的同志可以回执（任务 {task_id}）。"
    assert "urge_ack" not in kinds(bot, task_id)


async def test_an_unacknowledged_urge_is_repeated_once(bot: BotHarness) -> None:
    bot.clock.set(dt.datetime(2026, 10, 12, 1, 0, tzinfo=dt.UTC))  # Monday 09:00, a workday
    task_id = urge_scene(bot)
    await bot.send(ADMIN, ADMIN, f"/urge {task_id} 市住建局 请回复")
    first = await bot.api.wait_for_message(OTHER_GROUP)
    await bot.settle()  # the sender has recorded the send (its time starts the repeat's clock)
    service = reminder_service(bot)
    bot.clock.advance(hours=3, minutes=59)
    assert service.plan_receipts(bot.clock()) == 0
    bot.clock.advance(minutes=1)  # workflow.urge_repeat_hours (4) working hours later
    assert service.plan_receipts(bot.clock()) == 1
    assert reminder_service(bot).plan_receipts(bot.clock()) == 0  # after a restart: nothing twice
    await service.drain()
    repeat = await bot.api.wait_for_message(OTHER_GROUP)
    assert text_of(repeat) == text_of(first) and buttons_of(repeat) == ["urge:1"]
    bot.clock.advance(days=3)
    assert service.plan_receipts(bot.clock()) == 0
    assert await alert_of(bot, OTHER_GROUP, OFFICIAL_2, repeat, "urge:1") == "已回执"


# --- 佐证 ---


def evidence(bot: BotHarness, task_id: int) -> list[tuple[str, str, int | None, str, str]]:
    with bot.runtime.sessions() as s:
        return [(a.kind, a.name, a.size, a.actor, a.file_id) for a in attachments_of(s, task_id)]


async def test_a_document_with_a_status_caption_is_kept_as_evidence(bot: BotHarness) -> None:
    task_id = scene(bot)
    await bot.api.user_sends_document(
        GROUP, OFFICIAL, "整改台账.xlsx", b"x" * 3000, caption=f"/status {task_id} 60% 台账已建立"
    )
    answer = await bot.api.wait_for_message(GROUP)
    assert "已记录 张三 对任务 #1 抓目标节点 的进展（60%）：台账已建立" in text_of(answer)
    assert text_of(answer).endswith("📎 已附佐证材料：整改台账.xlsx")
    [(kind, name, size, actor, file_id)] = evidence(bot, task_id)
    assert (kind, name, size, actor) == ("document", "整改台账.xlsx", 3000, "张三") and file_id
    assert bot.task(task_id) == ("in_progress", 60)
    detail = await bot.send(GROUP, OFFICIAL, f"/task {task_id}")
    assert "📎1 镇街工作群 张三 10-05 09:00：整改台账.xlsx（3 KB）" in text_of(detail)
    assert f"发送 /file {task_id} 序号 取回佐证材料" in text_of(detail)


async def test_a_reply_with_a_file_to_a_tasks_message_is_evidence(bot: BotHarness) -> None:
    task_id = scene(bot)
    detail = await bot.send(GROUP, OFFICIAL, f"/task {task_id}")
    await bot.settle()
    await bot.api.user_sends_document(
        GROUP, OFFICIAL, "现场照片.pdf", b"%PDF", reply_to_message_id=detail["message_id"]
    )
    answer = await bot.api.wait_for_message(GROUP)
    assert "提交佐证材料" in text_of(answer) and "📎 已附佐证材料：现场照片.pdf" in text_of(answer)
    assert [e[1] for e in evidence(bot, task_id)] == ["现场照片.pdf"]


async def test_a_photo_with_a_status_caption_is_kept_as_evidence(bot: BotHarness) -> None:
    task_id = scene(bot)
    sent = await bot.api.user_sends_photo(
        GROUP, OFFICIAL, b"j" * 5000, caption=f"/status {task_id} 现场已整改"
    )
    answer = await bot.api.wait_for_message(GROUP)
    assert "现场已整改" in text_of(answer) and "📎 已附佐证材料" in text_of(answer)
    with bot.runtime.sessions() as s:
        [row] = attachments_of(s, task_id)
        got = (row.kind, row.size, row.mime_type, row.actor, row.file_id, row.at)
    # the full picture (the last size), not the thumbnail; who and when
    assert got == ("photo", 5000, "image/jpeg", "张三", sent["photo"][-1]["file_id"], bot.clock())
    detail = await bot.send(GROUP, OFFICIAL, f"/task {task_id}")
    assert "📎1 镇街工作群 张三 10-05 09:00" in text_of(detail)


async def test_a_photo_or_video_replying_to_a_tasks_message_is_evidence(bot: BotHarness) -> None:
    task_id = scene(bot)
    detail = await bot.send(GROUP, OFFICIAL, f"/task {task_id}")
    await bot.settle()
    await bot.api.user_sends_photo(GROUP, OFFICIAL, b"j" * 800, reply_to_message_id=detail["message_id"])
    answer = await bot.api.wait_for_message(GROUP)
    assert "提交佐证材料" in text_of(answer)
    bot.clock.advance(minutes=5)
    await bot.api.user_sends_video(
        GROUP, OFFICIAL, "巡查.mp4", b"v" * 2048, reply_to_message_id=detail["message_id"]
    )
    await bot.api.wait_for_message(GROUP)
    kept = [(kind, name, size, actor) for kind, name, size, actor, _ in evidence(bot, task_id)]
    assert kept == [("photo", "", 800, "张三"), ("video", "巡查.mp4", 2048, "张三")]
    listed = text_of(await bot.send(GROUP, OFFICIAL, f"/task {task_id}"))
    assert "张三 10-05 09:00" in listed and "张三 10-05 09:05：巡查.mp4（2 KB）" in listed


async def test_done_with_evidence_goes_to_review_with_it(bot: BotHarness) -> None:
    task_id = scene(bot)
    await bot.api.user_sends_document(
        GROUP, OFFICIAL, "验收报告.pdf", b"%PDF", caption=f"/done {task_id} 已完成"
    )
    answer = await bot.api.wait_for_message(GROUP)
    assert "办结申请" in text_of(answer) and "验收报告.pdf" in text_of(answer)
    review = await bot.api.wait_for_message(OFFICE)
    assert "佐证材料 1 份：验收报告.pdf" in text_of(review)
    assert buttons_of(review) == ["wf:ok:1", "wf:no:1"]


async def test_evidence_refusals_keep_nothing(bot: BotHarness) -> None:
    task_id = scene(bot)
    bot.add_private(STRANGER)
    await bot.api.user_sends_document(STRANGER, STRANGER, "x.pdf", b"%PDF", caption=f"/status {task_id} 看看")
    refused = await bot.api.wait_for_message(STRANGER)
    assert "本对话中没有编号为 1 的任务" in text_of(refused)
    await bot.api.user_sends_document(GROUP, OFFICIAL, "x.pdf", b"%PDF", caption="/status abc")
    usage = await bot.api.wait_for_message(GROUP)
    assert "用法：/status" in text_of(usage)
    # A file with no command and no reply is nobody's evidence: left alone.
    await bot.api.user_sends_document(GROUP, OFFICIAL, "x.pdf", b"%PDF")
    await bot.settle()
    assert evidence(bot, task_id) == []


async def test_the_export_lists_the_evidence(bot: BotHarness) -> None:
    task_id = scene(bot)
    await bot.api.user_sends_document(
        GROUP, OFFICIAL, "台账.xlsx", b"x" * 10, caption=f"/status {task_id} 台账"
    )
    await bot.api.wait_for_message(GROUP)
    with bot.runtime.sessions() as s:
        data = collect(s)
    [row] = data.evidence
    assert (row.task_id, row.unit, row.actor, row.file_kind, row.file_name, row.file_size) == (
        task_id,
        "镇街工作群",
        "张三",
        "document",
        "台账.xlsx",
        10,
    )
    book = build_workbook(data, lang="zh", tz=bot.runtime.settings.tz)
    assert "佐证材料" in book.sheetnames


@pytest.mark.parametrize("bot_settings", [{"office_chat_id": None, "admins": []}], indirect=True)
async def test_with_nobody_to_review_done_closes_at_once(bot: BotHarness) -> None:
    # No admins and no office chat: nobody could approve, so there is no review.
    bot.add_group(GROUP, "镇街工作群")
    bot.add_official()
    bot.bind(GROUP, "各镇街")
    task_id = bot.add_task("抓目标节点", parties=["各镇街"])
    answer = await bot.send(GROUP, OFFICIAL, f"/done {task_id}")
    assert text_of(answer).startswith("✅ 张三 已将任务")
    assert bot.task(task_id) == ("done", 100)


# --- /file N K: an evidence file sent back ---


def jpeg(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(out, format="JPEG")
    return out.getvalue()


async def test_file_sends_an_evidence_document_back_by_its_file_id(bot: BotHarness) -> None:
    task_id = scene(bot)
    await bot.api.user_sends_document(
        GROUP, OFFICIAL, "整改台账.xlsx", b"x" * 3000, caption=f"/status {task_id} 60% 台账已建立"
    )
    await bot.api.wait_for_message(GROUP)
    [(*_, file_id)] = evidence(bot, task_id)
    bot.clock.advance(days=1)
    await bot.send(GROUP, OFFICIAL_2, f"/file {task_id} 1")
    params = await bot.api.wait_for_call("sendDocument")
    assert params["document"] == file_id and int(params["chat_id"]) == GROUP
    sent = params["caption"]
    assert f"任务 #{task_id} 抓目标节点" in sent
    assert "镇街工作群 张三 2026-10-05 09:00 提交：整改台账.xlsx" in sent
    # the office's admin privately may have it too (they see every task)
    await bot.send(ADMIN, ADMIN, f"/file {task_id} 1")
    again = await bot.api.wait_for_call("sendDocument")
    assert again["document"] == file_id and int(again["chat_id"]) == ADMIN


async def test_file_sends_a_photo_back_as_a_photo(bot: BotHarness) -> None:
    task_id = scene(bot)
    sent = await bot.api.user_sends_photo(
        GROUP, OFFICIAL, jpeg(64, 48), caption=f"/status {task_id} 现场已整改", width=64, height=48
    )
    await bot.api.wait_for_message(GROUP)
    await bot.send(GROUP, OFFICIAL, f"/file {task_id} 1")
    params = await bot.api.wait_for_call("sendPhoto")
    assert params["photo"] == sent["photo"][-1]["file_id"]
    assert f"任务 #{task_id} 抓目标节点" in params["caption"] and "张三" in params["caption"]
    assert not [c for c in bot.api.calls if c.method == "sendDocument"]


async def test_file_is_refused_in_another_group_for_a_stranger_and_for_a_bad_number(bot: BotHarness) -> None:
    task_id = scene(bot)
    await bot.api.user_sends_document(
        GROUP, OFFICIAL, "整改台账.xlsx", b"x" * 3000, caption=f"/status {task_id} 台账已建立"
    )
    await bot.api.wait_for_message(GROUP)
    other = text_of(await bot.send(OTHER_GROUP, OFFICIAL_2, f"/file {task_id} 1"))
    assert other == t("error.not_found_here", "zh", task_id=task_id)
    bot.add_private(STRANGER)
    stranger = text_of(await bot.send(STRANGER, STRANGER, f"/file {task_id} 1"))
    assert stranger == t("error.not_found_here", "zh", task_id=task_id)
    bad = text_of(await bot.send(GROUP, OFFICIAL, f"/file {task_id} 2"))
    assert bad == t("workflow.file.no_such", "zh", task_id=task_id, k=2, count=1)
    for words in ("", f"{task_id}", f"{task_id} 0", f"{task_id} x", f"{task_id} 1 2"):
        usage = text_of(await bot.send(GROUP, OFFICIAL, f"/file {words}".strip()))
        assert usage == t("bot.usage.file", "zh")
    assert not [c for c in bot.api.calls if c.method in ("sendDocument", "sendPhoto", "sendVideo")]


def test_help_lists_file_in_both_languages() -> None:
    assert t("bot.help.file", "zh").startswith("/file 编号 序号")
    assert t("bot.help.file", "en").startswith("/file N K")
