"""People and chats on first sight, and the visibility and responsibility rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from taskbot.config import Settings
from taskbot.runtime import Runtime, build_runtime
from taskbot.services.assignments import sync_assignments
from taskbot.services.people import (
    Actor,
    can_see,
    is_configured_admin,
    is_responsible,
    person_by_username,
    upsert_chat,
    upsert_person,
)
from taskbot.store.db import transaction
from taskbot.store.models import Binding, Chat, Party, Person, Task

T0 = dt.datetime(2026, 10, 5, 1, 0, tzinfo=dt.UTC)


def _task(s: Session, title: str, *, parties: Sequence[Party] = (), chat: Chat | None = None) -> Task:
    task = Task(title=title, created_at=T0, updated_at=T0, parties=list(parties), chat=chat)
    s.add(task)
    s.flush()
    sync_assignments(s, [task.id])
    return task


def test_upsert_person_creates_once_and_follows_changes(any_store_settings: Settings) -> None:
    rt = build_runtime(any_store_settings)
    try:
        with transaction(rt.sessions) as s:
            first = upsert_person(s, 1001, username="zhangsan", display_name="张三", language="zh-hans")
        with transaction(rt.sessions) as s:
            again = upsert_person(s, 1001, username="zs", display_name="张三丰", language="en")
            assert again.id == first.id
            assert (again.username, again.display_name, again.language) == ("zs", "张三丰", "en")
            assert s.scalar(select(func.count()).select_from(Person)) == 1
    finally:
        rt.close()


def test_person_named_by_username_before_speaking_is_adopted(runtime: Runtime) -> None:
    with transaction(runtime.sessions) as s:
        placeholder = person_by_username(s, "@LiSi", create=True)
        assert placeholder is not None and placeholder.telegram_user_id is None
    with transaction(runtime.sessions) as s:
        real = upsert_person(s, 2002, username="lisi", display_name="李四")
        assert real.id == placeholder.id
        assert real.telegram_user_id == 2002
        assert s.scalar(select(func.count()).select_from(Person)) == 1


def test_person_by_username_unknown_without_create(runtime: Runtime) -> None:
    with transaction(runtime.sessions) as s:
        assert person_by_username(s, "@nobody") is None
        assert person_by_username(s, "@") is None


def test_upsert_chat_reactivates_a_chat_that_speaks(runtime: Runtime) -> None:
    with transaction(runtime.sessions) as s:
        chat = upsert_chat(s, -100123, title="测试群", type="supergroup")
        chat.active = False
    with transaction(runtime.sessions) as s:
        again = upsert_chat(s, -100123, title="", type="supergroup")
        assert again.id == chat.id
        assert again.active is True
        assert again.title == "测试群"  # an empty title does not wipe the known one


def test_configured_admins() -> None:
    assert is_configured_admin([1, 2], 2)
    assert not is_configured_admin([1, 2], 3)
    assert not is_configured_admin([1], None)


@pytest.fixture
def world(runtime: Runtime) -> dict[str, Any]:
    """Two groups, a bound party, an assignee, a person bound to a party, a stranger."""
    with transaction(runtime.sessions) as s:
        towns = Party(name="各镇街")
        depts = Party(name="各相关部门")
        group_a = Chat(telegram_chat_id=-1, title="A", type="supergroup")
        group_b = Chat(telegram_chat_id=-2, title="B", type="group")
        zhang = Person(telegram_user_id=1, display_name="张三")
        li = Person(telegram_user_id=2, display_name="李四")
        stranger = Person(telegram_user_id=3, display_name="路人")
        s.add_all([towns, depts, group_a, group_b, zhang, li, stranger])
        s.flush()
        s.add(Binding(party_id=towns.id, chat_id=group_a.id))
        s.add(Binding(party_id=depts.id, person_id=li.id))
        of_towns = _task(s, "镇街任务", parties=[towns])
        direct_b = _task(s, "直发B群", chat=group_b)
        of_depts = _task(s, "部门任务", parties=[depts])
        direct_b.assignees.append(zhang)
        private_zhang = Chat(telegram_chat_id=1, title="张三", type="private")
        private_li = Chat(telegram_chat_id=2, title="李四", type="private")
        private_stranger = Chat(telegram_chat_id=3, title="路人", type="private")
        s.add_all([private_zhang, private_li, private_stranger])
        s.flush()
        return {
            "tasks": (of_towns.id, direct_b.id, of_depts.id),
            "chats": (group_a.id, group_b.id, private_zhang.id, private_li.id, private_stranger.id),
            "people": (zhang.id, li.id, stranger.id),
        }


def _actor(s: Session, person_id: int, chat_id: int, *, admin: bool = False) -> Actor:
    person = s.get(Person, person_id)
    assert person is not None
    return Actor(name=person.display_name, person=person, chat=s.get(Chat, chat_id), is_admin=admin)


def test_visibility_and_responsibility_table(runtime: Runtime, world: dict[str, Any]) -> None:
    towns_task, b_task, depts_task = world["tasks"]
    group_a, group_b, pv_zhang, pv_li, pv_stranger = world["chats"]
    zhang, li, stranger = world["people"]
    # (person, chat, admin, task) -> (sees, responsible)
    table = [
        # a group sees only its own tasks, whoever asks
        (stranger, group_a, False, towns_task, True, True),  # received by the chat he reports from
        (stranger, group_a, False, b_task, False, False),
        (zhang, group_a, False, b_task, False, True),  # his task, but not this chat's
        (zhang, group_a, True, depts_task, False, True),  # even an admin sees only this chat's in a group
        (zhang, group_b, False, b_task, True, True),
        # privately: own chat's tasks plus the personal ones; admins everything
        (zhang, pv_zhang, False, b_task, True, True),  # assigned
        (zhang, pv_zhang, False, towns_task, False, False),
        (li, pv_li, False, depts_task, True, True),  # person bound to the party
        (li, pv_li, False, towns_task, False, False),
        (stranger, pv_stranger, False, depts_task, False, False),
        (stranger, pv_stranger, True, depts_task, True, True),
    ]
    with transaction(runtime.sessions) as s:
        for person, chat, admin, task_id, sees, responsible in table:
            actor = _actor(s, person, chat, admin=admin)
            task = s.get(Task, task_id)
            assert can_see(s, task, actor) is sees, (person, chat, admin, task_id)
            assert is_responsible(s, task, actor) is responsible, (person, chat, admin, task_id)


def test_system_actor_sees_everything(runtime: Runtime, world: dict[str, Any]) -> None:
    with transaction(runtime.sessions) as s:
        for task_id in world["tasks"]:
            task = s.get(Task, task_id)
            assert can_see(s, task, Actor.system("cli"))
            assert is_responsible(s, task, Actor.system("cli"))
