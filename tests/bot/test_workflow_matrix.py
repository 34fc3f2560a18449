"""The 督办 workflow's commands and buttons × every kind of actor, end to end (the cast of
test_permission_matrix, plus the officials of the unit and of another unit).

/due, /urge and /pending are the office's: their effect reaches the units' chats and the office, so
only the configured admins pass the permission rule. A claim or an extension is decided by the
office (never by the one who asked, whoever they are); 签收 and 收到 belong to the unit. Callback
data can be forged: unknown, another chat's or malformed ids get a polite answer. A refusal changes
nothing in the store.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from taskbot.i18n import t
from taskbot.store.models import Assignment, Report, TaskReportRule, Urge, WorkflowRequest
from tests.bot.conftest import ADMIN, GROUP, OFFICIAL, OFFICIAL_2, OTHER_GROUP, STRANGER, BotHarness, text_of
from tests.bot.test_admin_commands import plain
from tests.bot.test_permission_matrix import ACTORS, GROUP_ADMIN, OTHER_ADMIN

OFFICE = -100777
OTHER_OFFICIAL = 6001  # an official of 各部门 (OTHER_GROUP)
DEADLINE = dt.date(2026, 10, 20)


@pytest.fixture
def bot_settings(tmp_path: Path) -> dict[str, Any]:
    return {
        "admins": [ADMIN],
        "chat_admins_are_admins": True,
        "database": {"url": f"sqlite:///{tmp_path / 'w.db'}"},
        "workflow": {"review": True, "office_chat_id": OFFICE},
    }


def set_scene(bot: BotHarness) -> dict[str, int]:
    """The town group GROUP (各镇街) with 张三 and 李四; the department group OTHER_GROUP (各部门) with
    王五; the office group OFFICE; each group's Telegram admin; a task of the town only and one of both."""
    bot.add_group(GROUP, "镇街工作群")
    bot.add_group(OTHER_GROUP, "部门工作群")
    bot.add_group(OFFICE, "督查室")
    bot.add_admin()
    bot.add_official()
    bot.add_official(OFFICIAL_2, "李四", "lisi")
    bot.add_official(OTHER_OFFICIAL, "王五", "wangwu")
    bot.add_stranger()
    bot.add_user(GROUP_ADMIN, "群管理员", "qunguan", "zh-hans")
    bot.add_user(OTHER_ADMIN, "部门群管理员", "bumen", "zh-hans")
    bot.api.set_member_status(GROUP, GROUP_ADMIN, "administrator")
    bot.api.set_member_status(OTHER_GROUP, OTHER_ADMIN, "administrator")
    for user_id in (*ACTORS.values(), OFFICIAL_2, OTHER_OFFICIAL):
        bot.add_private(user_id)
    bot.bind(GROUP, "各镇街")
    bot.bind(OTHER_GROUP, "各部门")
    return {
        "local": bot.add_task("本镇任务", parties=["各镇街"], deadline=DEADLINE),
        "shared": bot.add_task("全市任务", parties=["各镇街", "各部门"], deadline=DEADLINE),
    }


def fingerprint(bot: BotHarness) -> tuple[Any, ...]:
    """Everything the workflow could change."""
    with bot.runtime.sessions() as s:
        counts = tuple(
            s.scalar(select(func.count()).select_from(model))
            for model in (Report, WorkflowRequest, Urge, TaskReportRule)
        )
        shares = tuple(
            (a.id, a.status, a.receipt, a.extended_to, a.completed_at)
            for a in s.scalars(select(Assignment).order_by(Assignment.id))
        )
        requests = tuple((r.id, r.state) for r in s.scalars(select(WorkflowRequest)))
        urges = tuple((u.id, u.acked_at) for u in s.scalars(select(Urge)))
        return counts, shares, requests, urges


def refusal(code: str) -> str:
    return plain(t(f"error.{code}", "zh"))


async def press(bot: BotHarness, chat_id: int, user_id: int, data: str) -> str:
    """USER_ID presses a button carrying DATA under a message of the bot in CHAT_ID (callback data can
    be forged, so the message need not be the one the button came with); return the answer's text."""
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("按钮", callback_data=data)]])
    message = await bot.app.bot.send_message(chat_id, "按钮", reply_markup=markup)
    query_id = await bot.api.user_presses(chat_id, user_id, message.message_id, data, check_button=False)
    answer = await bot.api.wait_for_call(
        "answerCallbackQuery", lambda p: p.get("callback_query_id") == query_id
    )
    return str(answer.get("text", ""))


# --- /due, /urge, /pending ---

OFFICE_COMMANDS = {
    "due of a local task": ("/due {local} 每周五17:00", True),
    "due of a shared task": ("/due {shared} 每周五17:00", True),
    "urge a local task": ("/urge {local} 请加快进度", True),
    "urge a shared task": ("/urge {shared}", True),
    "pending": ("/pending", False),
}


def office_expected(actor: str, place: str) -> str:
    if actor == "configured admin":
        return "ok"
    # a group's admin is an admin there, but the office's commands reach the office and every unit
    return "reaches_other_chats" if (actor, place) == ("admin of this group", "group") else "admin_only"


@pytest.mark.parametrize("place", ["group", "private"])
@pytest.mark.parametrize("actor", list(ACTORS))
@pytest.mark.parametrize("command", list(OFFICE_COMMANDS))
async def test_office_commands(bot: BotHarness, command: str, actor: str, place: str) -> None:
    ids = set_scene(bot)
    text, changes = OFFICE_COMMANDS[command]
    user_id = ACTORS[actor]
    chat_id = GROUP if place == "group" else user_id
    before = fingerprint(bot)
    answer = plain(text_of(await bot.send(chat_id, user_id, text.format(**ids))))
    want = office_expected(actor, place)
    if want == "ok":
        assert not answer.startswith("抱歉"), answer
        await bot.settle()
        assert (fingerprint(bot) != before) == changes
    else:
        assert answer == refusal(want)
        await bot.settle()
        assert fingerprint(bot) == before


# --- /extend ---

EXTENDERS = {
    "official of the unit, in its group": (OFFICIAL, GROUP, True),
    "official of another unit, in their group": (OTHER_OFFICIAL, OTHER_GROUP, False),
    "official of another unit, privately": (OTHER_OFFICIAL, OTHER_OFFICIAL, False),
    "stranger, privately": (STRANGER, STRANGER, False),
}


@pytest.mark.parametrize("who", list(EXTENDERS))
async def test_extend(bot: BotHarness, who: str) -> None:
    ids = set_scene(bot)
    user_id, chat_id, allowed = EXTENDERS[who]
    before = fingerprint(bot)
    answer = text_of(await bot.send(chat_id, user_id, f"/extend {ids['local']} 2026-11-30 材料未齐"))
    await bot.settle()
    if allowed:
        assert "2026-11-30" in answer and fingerprint(bot) != before
        office = await bot.api.wait_for_message(OFFICE)
        assert "延期" in text_of(office)
    else:
        assert "2026-11-30" not in answer and answer
        assert fingerprint(bot) == before
        assert bot.api.sent_messages(OFFICE) == []


# --- 通过 / 退回 / 批准 / 驳回 ---

DECIDERS = {
    "the claimant": OFFICIAL,
    "another official of the unit": OFFICIAL_2,
    "admin of the unit's group": GROUP_ADMIN,
    "admin of another group": OTHER_ADMIN,
    "stranger": STRANGER,
    "configured admin": ADMIN,
}
# Where each presses when not in the office chat: where they are someone (the button is forged there).
OWN_CHAT = {
    OFFICIAL: GROUP,
    OFFICIAL_2: GROUP,
    GROUP_ADMIN: GROUP,
    OTHER_ADMIN: OTHER_GROUP,
    STRANGER: STRANGER,
    ADMIN: ADMIN,
}
DECISIONS = {
    "approve a claim": "wf:ok:1",
    "return a claim": "wf:no:1",
    "grant an extension": "wf:ok:2",
    "refuse an extension": "wf:no:2",
}


async def make_requests(bot: BotHarness, ids: dict[str, int]) -> None:
    """张三 claims the local task done (request 1) and asks more time on the shared one (request 2)."""
    await bot.send(GROUP, OFFICIAL, f"/done {ids['local']} 已全覆盖")
    await bot.api.wait_for_message(OFFICE)
    await bot.send(GROUP, OFFICIAL, f"/extend {ids['shared']} 2026-11-30 材料未齐")
    await bot.api.wait_for_message(OFFICE)
    await bot.settle()


def decision_expected(decider: str, place: str) -> str:
    if decider == "configured admin":
        return "ok"
    if decider == "the claimant":
        return "own_request"
    if decider == "admin of the unit's group" and place == "own chat":
        return "reaches_other_chats"  # an admin there, but a decision reaches the office too
    if decider == "admin of another group" and place == "own chat":
        return "reaches_other_chats"
    return "admin_only"


@pytest.mark.parametrize("place", ["office", "own chat"])
@pytest.mark.parametrize("decider", list(DECIDERS))
@pytest.mark.parametrize("decision", list(DECISIONS))
async def test_decisions(bot: BotHarness, decision: str, decider: str, place: str) -> None:
    ids = set_scene(bot)
    await make_requests(bot, ids)
    user_id = DECIDERS[decider]
    chat_id = OFFICE if place == "office" else OWN_CHAT[user_id]
    data = DECISIONS[decision]
    before = fingerprint(bot)
    answer = plain(await press(bot, chat_id, user_id, data))
    await bot.settle()
    want = decision_expected(decider, place)
    if want == "ok":
        assert not answer.startswith("抱歉"), answer
        # a return first asks the office why (nothing changes until the reason comes)
        assert (fingerprint(bot) != before) == (decision != "return a claim"), answer
    else:
        if want == "own_request":
            assert "不能审批自己提交的申请" in answer
        else:
            assert answer == refusal(want)
        assert fingerprint(bot) == before


async def test_a_returns_reason_from_anyone_but_the_office_changes_nothing(bot: BotHarness) -> None:
    ids = set_scene(bot)
    await make_requests(bot, ids)
    await press(bot, OFFICE, ADMIN, "wf:no:1")
    await bot.settle()  # the prompt is remembered after it is sent
    (prompt,) = [m for m in bot.api.sent_messages(OFFICE) if "的原因" in text_of(m)]
    before = fingerprint(bot)
    for user_id in (OFFICIAL, STRANGER):  # the claimant, a stranger reply to the office's prompt
        await bot.api.user_sends(OFFICE, user_id, "不合格", reply_to_message_id=prompt["message_id"])
        await bot.settle()
        answer = text_of(bot.api.sent_messages(OFFICE)[-1])
        assert answer == refusal("admin_only") or "不能审批自己提交的申请" in answer, answer
    assert fingerprint(bot) == before


# --- 签收 and 收到 from outside the unit; forged callback data ---

OUTSIDERS = {
    "official of another unit, in their group": (OTHER_OFFICIAL, OTHER_GROUP),
    "admin of another group, in it": (OTHER_ADMIN, OTHER_GROUP),
    "official of another unit, privately": (OTHER_OFFICIAL, OTHER_OFFICIAL),
    "stranger, privately": (STRANGER, STRANGER),
    "configured admin, privately": (ADMIN, ADMIN),
}


@pytest.mark.parametrize("button", ["ack", "urge"])
@pytest.mark.parametrize("who", list(OUTSIDERS))
async def test_sign_and_acknowledge_from_outside_the_unit(bot: BotHarness, button: str, who: str) -> None:
    ids = set_scene(bot)
    # the 催办 itself waits in the delivery ledger (no sender here): its row is what 收到 answers
    await bot.send(ADMIN, ADMIN, f"/urge {ids['local']}")
    await bot.settle()
    user_id, chat_id = OUTSIDERS[who]
    before = fingerprint(bot)
    answer = await press(bot, chat_id, user_id, f"{button}:1")  # the town's share / the town's 催办
    await bot.settle()
    assert answer.startswith("只有"), answer
    assert fingerprint(bot) == before
    assert bot.api.sent_messages(OFFICE) == []


FORGED = [
    "wf:ok:99",  # no such request
    "wf:no:99",
    "wf:ok:0",
    "wf:ok:99999999999999999999999",  # beyond any id
    "wf:ok:abc",  # malformed
    "wf:maybe:1",
    "wf:ok:-1",
    "ack:99",
    "ack:0",
    "ack:99999999999999999999999",
    "ack:x",
    "ack:",
    "urge:99",
    "urge:99999999999999999999999",
    "urge:-1",
]


@pytest.mark.parametrize("user_id", [ADMIN, OFFICIAL])
@pytest.mark.parametrize("data", FORGED)
async def test_forged_callback_data_is_answered_politely(bot: BotHarness, data: str, user_id: int) -> None:
    ids = set_scene(bot)
    await make_requests(bot, ids)
    chat_id = OFFICE if user_id == ADMIN else GROUP
    before = fingerprint(bot)
    answer = await press(bot, chat_id, user_id, data)
    await bot.settle()
    assert answer and "Traceback" not in answer and "Error" not in answer
    assert fingerprint(bot) == before
