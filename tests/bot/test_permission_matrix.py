"""Every admin command × every kind of actor × group and private chat, end to end.

The rule (``taskbot.domain.permissions``): the configured admins may do anything anywhere; a group's
Telegram administrator (``chat_admins_are_admins``) only in that group and only on what reaches no
other chat; everyone else nothing. A refusal is one polite line and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from taskbot.i18n import t
from taskbot.services import tasks as task_service
from taskbot.services.people import Actor, upsert_person
from taskbot.store.db import transaction
from taskbot.store.models import Binding, Party, Report, Task, TaskAssignee
from tests.bot.conftest import ADMIN, GROUP, OFFICIAL, OTHER_GROUP, STRANGER, BotHarness, text_of
from tests.bot.test_admin_commands import plain

GROUP_ADMIN = 5001  # a Telegram administrator of GROUP
OTHER_ADMIN = 5002  # a Telegram administrator of OTHER_GROUP
ACTORS = {
    "configured admin": ADMIN,
    "admin of this group": GROUP_ADMIN,
    "admin of another group": OTHER_ADMIN,
    "official": OFFICIAL,
    "stranger": STRANGER,
}

OK, NOT_ADMIN, OTHER_CHATS = "ok", "admin_only", "reaches_other_chats"


@pytest.fixture
def bot_settings(tmp_path: Path) -> dict[str, Any]:
    return {
        "admins": [ADMIN],
        "chat_admins_are_admins": True,
        "database": {"url": f"sqlite:///{tmp_path / 'm.db'}"},
    }


@dataclass(frozen=True)
class Case:
    """A command as typed in the group and privately ({local} etc. are task ids of the scene)."""

    in_group: str
    in_private: str
    local: bool  # in the group, it reaches that group only
    changes: bool = True  # success changes the store


COMMANDS = {
    "add here": Case("/add 本群新任务", "/add 本群新任务", local=True),
    "add for a shared party": Case(
        "/add 请立即上报 | 各镇街 | 每日", "/add 请立即上报 | 各镇街 | 每日", local=False
    ),
    "add for an unbound party": Case("/add 新任务 | 新单位", "/add 新任务 | 新单位", local=False),
    "assign a local task": Case("/assign {local} @lisi", "/assign {local} @lisi", local=True),
    "assign a shared task": Case("/assign {shared} @lisi", "/assign {shared} @lisi", local=False),
    "bind a new party": Case("/bind 新专班", "/bind 新专班", local=True),
    "bind a party of another group": Case("/bind 各部门", "/bind 各部门", local=False),
    "unbind a local party": Case("/unbind 本群专班", "/unbind 私人专班", local=True),
    "unbind a shared party": Case("/unbind 各镇街", "/unbind 私人专班", local=False),
    "cadence of a local task": Case("/cadence {local} 每月", "/cadence {local} 每月", local=True),
    "cadence of a shared task": Case("/cadence {shared} 每日", "/cadence {shared} 每日", local=False),
    "deadline of a local task": Case("/deadline {local} 2026-12-31", "/deadline {local} 2026-12-31", True),
    "deadline of a shared task": Case(
        "/deadline {shared} 2026-12-31", "/deadline {shared} 2026-12-31", False
    ),
    "close a local task": Case("/close {local}", "/close {local}", local=True),
    "close a shared task": Case("/close {shared}", "/close {shared}", local=False),
    "reopen a local task": Case("/reopen {closed_local}", "/reopen {closed_local}", local=True),
    "reopen a shared task": Case("/reopen {closed_shared}", "/reopen {closed_shared}", local=False),
    "import": Case("/import", "/import", local=False, changes=False),
    "report": Case("/report", "/report", local=True, changes=False),
    "export": Case("/export", "/export", local=True, changes=False),
}


def expected(actor: str, place: str, case: Case) -> str:
    if actor == "configured admin":
        return OK
    if actor != "admin of this group" or place != "group":
        return NOT_ADMIN
    # privately /report and /export cover every task; in the group, that group's only
    return OK if case.local else OTHER_CHATS


def set_scene(bot: BotHarness) -> dict[str, int]:
    """GROUP with its own party and task; 各镇街 bound to GROUP and OTHER_GROUP, with a task; 各部门
    bound to OTHER_GROUP; 私人专班 bound to the admin's private chat; a closed task of each kind."""
    bot.add_group(GROUP, "镇街工作群")
    bot.add_group(OTHER_GROUP, "部门工作群")
    bot.add_admin()
    bot.add_official()
    bot.add_stranger()
    bot.add_user(GROUP_ADMIN, "群管理员", "qunguan", "zh-hans")
    bot.add_user(OTHER_ADMIN, "部门群管理员", "bumen", "zh-hans")
    bot.api.set_member_status(GROUP, GROUP_ADMIN, "administrator")
    bot.api.set_member_status(OTHER_GROUP, OTHER_ADMIN, "administrator")
    for user_id in ACTORS.values():
        bot.add_private(user_id)
    bot.bind(GROUP, "本群专班")
    bot.bind(GROUP, "各镇街")
    bot.bind(OTHER_GROUP, "各镇街")
    bot.bind(OTHER_GROUP, "各部门")
    bot.bind(ADMIN, "私人专班")
    ids = {
        "local": bot.add_task("本群任务", chat_id=GROUP),
        "shared": bot.add_task("抓目标节点", parties=["各镇街"], deadline=dt.date(2026, 12, 31)),
        "closed_local": bot.add_task("本群专班的任务", parties=["本群专班"]),
        "closed_shared": bot.add_task("全市任务", parties=["各镇街"]),
    }
    with transaction(bot.runtime.sessions) as s:
        upsert_person(s, 2002, username="lisi", display_name="李四")
        for key in ("closed_local", "closed_shared"):
            task_service.close_task(s, ids[key], Actor.system("test"), bot.clock())
    return ids


def fingerprint(bot: BotHarness) -> tuple[Any, ...]:
    """Everything a command could change."""
    with bot.runtime.sessions() as s:
        counts = tuple(
            s.scalar(select(func.count()).select_from(model))
            for model in (Task, Report, Binding, Party, TaskAssignee)
        )
        rows = tuple((t.id, t.status, tuple(t.cadence), t.deadline) for t in s.scalars(select(Task)))
        return counts, rows


REFUSALS = {
    NOT_ADMIN: plain(t("error.admin_only", "zh")),
    OTHER_CHATS: plain(t("error.reaches_other_chats", "zh")),
}


@pytest.mark.parametrize("place", ["group", "private"])
@pytest.mark.parametrize("actor", list(ACTORS))
@pytest.mark.parametrize("command", list(COMMANDS))
async def test_permission_matrix(bot: BotHarness, command: str, actor: str, place: str) -> None:
    ids = set_scene(bot)
    case = COMMANDS[command]
    user_id = ACTORS[actor]
    chat_id = GROUP if place == "group" else user_id
    text = (case.in_group if place == "group" else case.in_private).format(**ids)
    before = fingerprint(bot)
    answer = plain(text_of(await bot.send(chat_id, user_id, text)))
    want = expected(actor, place, case)
    if want == OK:
        assert answer not in REFUSALS.values(), answer
        if case.changes:
            assert fingerprint(bot) != before, answer
    else:
        assert answer == REFUSALS[want]
        await bot.settle()
        assert fingerprint(bot) == before
