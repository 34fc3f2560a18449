"""Task changes: the rules, the history every change leaves, and refusals that change nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from taskbot.config import Settings
from taskbot.domain.values import Cadence, ReportKind, TaskStatus
from taskbot.runtime import Runtime, build_runtime
from taskbot.services import tasks as svc
from taskbot.services.assignments import sync_assignments
from taskbot.services.people import Actor
from taskbot.store.db import transaction
from taskbot.store.models import Binding, Chat, Party, Person, Report, Task

T0 = dt.datetime(2026, 10, 5, 1, 0, tzinfo=dt.UTC)
T1 = T0 + dt.timedelta(hours=3)


@pytest.fixture
def ids(runtime: Runtime) -> dict[str, Any]:
    """A group bound to 各镇街 with one task, a task elsewhere, an official and an admin."""
    with transaction(runtime.sessions) as s:
        towns = Party(name="各镇街")
        group = Chat(telegram_chat_id=-100, title="镇街群", type="supergroup")
        other = Chat(telegram_chat_id=-200, title="别的群", type="group")
        official = Person(telegram_user_id=1, display_name="张三")
        admin = Person(telegram_user_id=9, display_name="督查室")
        s.add_all([towns, group, other, official, admin])
        s.flush()
        s.add(Binding(party_id=towns.id, chat_id=group.id))
        ours = Task(title="抓目标节点", created_at=T0, updated_at=T0, parties=[towns])
        theirs = Task(title="别人的任务", created_at=T0, updated_at=T0, chat=other)
        s.add_all([ours, theirs])
        s.flush()
        sync_assignments(s)
        return {
            "ours": ours.id,
            "theirs": theirs.id,
            "group": group.id,
            "other": other.id,
            "official": official.id,
            "admin": admin.id,
        }


def official(s: Session, ids: dict[str, Any], chat: str = "group") -> Actor:
    person = s.get(Person, ids["official"])
    return Actor(name="张三", person=person, chat=s.get(Chat, ids[chat]))


def admin(s: Session, ids: dict[str, Any], chat: str = "group") -> Actor:
    person = s.get(Person, ids["admin"])
    return Actor(name="督查室", person=person, chat=s.get(Chat, ids[chat]), is_admin=True)


def history(s: Session, task_id: int) -> list[tuple[str, str, int | None, str, str]]:
    rows = s.scalars(select(Report).where(Report.task_id == task_id).order_by(Report.id))
    return [(r.kind, r.status, r.progress, r.text, r.actor) for r in rows]


def test_done_records_who_when_what(runtime: Runtime, ids: dict[str, Any]) -> None:
    with transaction(runtime.sessions) as s:
        report = svc.mark_done(s, ids["ours"], official(s, ids), T1, note="已全覆盖")
        assert report.person_id == ids["official"]
        assert report.at == T1
    with transaction(runtime.sessions) as s:
        task = s.get(Task, ids["ours"])
        assert (task.status, task.progress, task.updated_at, task.last_report_at) == ("done", 100, T1, T1)
        assert history(s, ids["ours"]) == [("done", "done", 100, "已全覆盖", "张三")]


def test_status_with_progress_puts_task_in_progress(runtime: Runtime, ids: dict[str, Any]) -> None:
    with transaction(runtime.sessions) as s:
        svc.report_status(s, ids["ours"], official(s, ids), T1, "完成摸底", 50)
        svc.report_status(s, ids["ours"], official(s, ids), T1, "继续推进")  # progress kept
    with transaction(runtime.sessions) as s:
        task = s.get(Task, ids["ours"])
        assert (task.status, task.progress) == ("in_progress", 50)
        assert history(s, ids["ours"]) == [
            ("status", "in_progress", 50, "完成摸底", "张三"),
            ("status", "in_progress", None, "继续推进", "张三"),
        ]


def test_blocked_then_status_unblocks(runtime: Runtime, ids: dict[str, Any]) -> None:
    with transaction(runtime.sessions) as s:
        svc.mark_blocked(s, ids["ours"], official(s, ids), T0, "缺少经费")
        assert s.get(Task, ids["ours"]).status == TaskStatus.BLOCKED
        svc.report_status(s, ids["ours"], official(s, ids), T1, "经费已落实", 10)
        assert s.get(Task, ids["ours"]).status == TaskStatus.IN_PROGRESS


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda s, a, i: svc.mark_done(s, 99999, a, T1), "not_found"),
        (lambda s, a, i: svc.mark_done(s, 0, a, T1), "not_found"),
        (lambda s, a, i: svc.mark_done(s, 2**70, a, T1), "not_found"),
        (lambda s, a, i: svc.mark_done(s, i["theirs"], a, T1), "not_found_here"),
        (lambda s, a, i: svc.report_status(s, i["ours"], a, T1, "   "), "text_required"),
        (lambda s, a, i: svc.report_status(s, i["ours"], a, T1, "x", 150), "progress_range"),
        (lambda s, a, i: svc.report_status(s, i["ours"], a, T1, "x", -1), "progress_range"),
        (lambda s, a, i: svc.mark_blocked(s, i["ours"], a, T1, ""), "reason_required"),
        (lambda s, a, i: svc.close_task(s, i["ours"], a, T1), "admin_only"),
        (lambda s, a, i: svc.reopen_task(s, i["ours"], a, T1), "admin_only"),
        (lambda s, a, i: svc.set_deadline(s, i["ours"], a, T1, dt.date(2026, 12, 31)), "admin_only"),
        (lambda s, a, i: svc.set_cadence(s, i["ours"], a, T1, [Cadence.WEEKLY]), "admin_only"),
        (lambda s, a, i: svc.add_task(s, a, T1, "新任务"), "admin_only"),
        (lambda s, a, i: svc.bind_party(s, a, "各相关部门", chat=a.chat), "admin_only"),
        (lambda s, a, i: svc.unbind_party(s, a, a.chat), "admin_only"),
    ],
)
def test_refusals_change_nothing(runtime: Runtime, ids: dict[str, Any], call: Any, code: str) -> None:
    with transaction(runtime.sessions) as s:
        before = s.scalar(select(func.count()).select_from(Report))
        with pytest.raises(svc.TaskError) as err:
            call(s, official(s, ids), ids)
        assert err.value.code == code
        assert s.scalar(select(func.count()).select_from(Report)) == before
        task = s.get(Task, ids["ours"])
        assert (task.status, task.progress, task.updated_at) == ("open", 0, T0)


def test_stranger_in_private_is_not_responsible(runtime: Runtime, ids: dict[str, Any]) -> None:
    with transaction(runtime.sessions) as s:
        private = Chat(telegram_chat_id=1, title="张三", type="private")
        s.add(private)
        s.flush()
        actor = Actor(name="张三", person=s.get(Person, ids["official"]), chat=private)
        with pytest.raises(svc.TaskNotFound) as err:
            svc.mark_done(s, ids["ours"], actor, T1)
        assert err.value.code == "not_found_here"
        # assigned now: he sees it privately and may report
        task = s.get(Task, ids["ours"])
        task.assignees.append(s.get(Person, ids["official"]))
        s.flush()
        svc.mark_done(s, ids["ours"], actor, T1)


def test_admin_privately_sees_all_but_in_a_group_only_its_tasks(
    runtime: Runtime, ids: dict[str, Any]
) -> None:
    with transaction(runtime.sessions) as s:
        private = Chat(telegram_chat_id=9, title="督查室", type="private")
        s.add(private)
        s.flush()
        privately = Actor(name="督查室", person=s.get(Person, ids["admin"]), chat=private, is_admin=True)
        svc.report_status(s, ids["theirs"], privately, T1, "督办")
        with pytest.raises(svc.TaskNotFound) as err:
            svc.report_status(s, ids["theirs"], admin(s, ids, "group"), T1, "督办")
        assert err.value.code == "not_found_here"


def test_done_twice_and_reports_on_closed_tasks_are_refused(runtime: Runtime, ids: dict[str, Any]) -> None:
    with transaction(runtime.sessions) as s:
        svc.mark_done(s, ids["ours"], official(s, ids), T1)
        for call, code in [
            (lambda: svc.mark_done(s, ids["ours"], official(s, ids), T1), "already_done"),
            (lambda: svc.report_status(s, ids["ours"], official(s, ids), T1, "x"), "task_done"),
            (lambda: svc.mark_blocked(s, ids["ours"], official(s, ids), T1, "x"), "task_done"),
        ]:
            with pytest.raises(svc.InvalidTransition) as err:
                call()
            assert err.value.code == code
            assert err.value.params == {"task_id": ids["ours"]}


def test_admin_close_reopen_and_history(runtime: Runtime, ids: dict[str, Any]) -> None:
    with transaction(runtime.sessions) as s:
        a = admin(s, ids)
        svc.report_status(s, ids["ours"], official(s, ids), T0, "推进中", 40)
        svc.close_task(s, ids["ours"], a, T1, "合并到其他任务")
        with pytest.raises(svc.InvalidTransition):
            svc.close_task(s, ids["ours"], a, T1)
        with pytest.raises(svc.InvalidTransition) as err:
            svc.mark_done(s, ids["ours"], official(s, ids), T1)
        assert err.value.code == "task_closed"
        svc.reopen_task(s, ids["ours"], a, T1)
        task = s.get(Task, ids["ours"])
        assert (task.status, task.progress) == ("in_progress", 40)
        with pytest.raises(svc.InvalidTransition) as err:
            svc.reopen_task(s, ids["ours"], a, T1)
        assert err.value.code == "not_closed"
        assert [h[0] for h in history(s, ids["ours"])] == ["status", "closed", "reopened"]
        assert task.last_report_at == T0  # admin changes are not reports from the officials


def test_reopen_a_done_task_starts_over(runtime: Runtime, ids: dict[str, Any]) -> None:
    with transaction(runtime.sessions) as s:
        svc.mark_done(s, ids["ours"], official(s, ids), T0)
        svc.reopen_task(s, ids["ours"], admin(s, ids), T1)
        task = s.get(Task, ids["ours"])
        assert (task.status, task.progress) == ("open", 0)


def test_assign_cadence_deadline(runtime: Runtime, ids: dict[str, Any]) -> None:
    with transaction(runtime.sessions) as s:
        a = admin(s, ids)
        li = Person(username="lisi", display_name="")
        s.add(li)
        s.flush()
        svc.assign_task(s, ids["ours"], a, T1, li)
        with pytest.raises(svc.InvalidTransition) as err:
            svc.assign_task(s, ids["ours"], a, T1, li)
        assert err.value.code == "already_assigned"
        svc.set_cadence(s, ids["ours"], a, T1, [Cadence.WEEKLY, Cadence.MONTHLY])
        svc.set_deadline(s, ids["ours"], a, T1, dt.date(2026, 12, 31))
        svc.set_deadline(s, ids["ours"], a, T1, None)
        svc.unassign_task(s, ids["ours"], a, T1, li)
        task = s.get(Task, ids["ours"])
        assert task.cadence == ["weekly", "monthly"]
        assert task.deadline is None
        assert task.assignees == []
        assert history(s, ids["ours"]) == [
            ("assigned", "open", None, "@lisi", "督查室"),
            ("cadence", "open", None, "weekly,monthly", "督查室"),
            ("deadline", "open", None, "2026-12-31", "督查室"),
            ("deadline", "open", None, "", "督查室"),
            ("assigned", "open", None, "-@lisi", "督查室"),
        ]


def test_add_task_creates_parties_and_history(any_store_settings: Settings) -> None:
    rt = build_runtime(any_store_settings)
    try:
        with transaction(rt.sessions) as s:
            actor = Actor.system("cli")
            task = svc.add_task(
                s,
                actor,
                T0,
                "  推广 “三长制” ",
                parties=["各镇街", "各镇街", " 各相关部门"],
                cadence=[Cadence.WEEKLY],
                deadline=dt.date(2026, 12, 31),
            )
            again = svc.add_task(s, actor, T0, "第二个", parties=["各镇街"])
            with pytest.raises(svc.InvalidInput) as err:
                svc.add_task(s, actor, T0, "   ")
            assert err.value.code == "title_required"
        with transaction(rt.sessions) as s:
            loaded = svc.get_task(s, task.id, history=True)
            assert loaded.title == "推广 “三长制”"
            assert [p.name for p in loaded.parties] == ["各镇街", "各相关部门"]
            assert [(r.kind, r.actor) for r in loaded.reports] == [("created", "cli")]
            assert s.scalar(select(func.count()).select_from(Party)) == 2
            assert svc.get_task(s, again.id).parties[0].name == "各镇街"
    finally:
        rt.close()


def test_bind_and_unbind(runtime: Runtime, ids: dict[str, Any]) -> None:
    with transaction(runtime.sessions) as s:
        a = admin(s, ids, "other")
        other = s.get(Chat, ids["other"])
        result = svc.bind_party(s, a, "各镇街", chat=other)
        assert (result.created, result.new_party, result.open_tasks) == (True, False, 1)
        again = svc.bind_party(s, a, "各镇街", chat=other)
        assert (again.created, again.new_party, again.open_tasks) == (False, False, 1)
        fresh = svc.bind_party(s, a, "新成立的专班", chat=other)
        assert (fresh.created, fresh.new_party, fresh.open_tasks) == (True, True, 0)
        svc.unbind_party(s, a, other, "新成立的专班")
        # the party's task now reaches this chat too, beside the one sent to it directly
        assert [t.title for t in svc.chat_tasks(s, other)] == ["抓目标节点", "别人的任务"]
        assert [p.name for p in svc.bound_parties(s, other)] == ["各镇街"]
        assert [p.name for p in svc.unbind_party(s, a, other, "各镇街")] == ["各镇街"]
        assert [t.title for t in svc.chat_tasks(s, other)] == ["别人的任务"]
        with pytest.raises(svc.InvalidInput) as err:
            svc.unbind_party(s, a, other)
        assert err.value.code == "not_bound"


def test_my_tasks_in_group_and_private(runtime: Runtime, ids: dict[str, Any]) -> None:
    with transaction(runtime.sessions) as s:
        me = s.get(Person, ids["official"])
        ours, theirs = s.get(Task, ids["ours"]), s.get(Task, ids["theirs"])
        ours.assignees.append(me)
        theirs.assignees.append(me)
        private = Chat(telegram_chat_id=1, title="张三", type="private")
        s.add(private)
        s.flush()
        in_group = svc.my_tasks(s, official(s, ids))
        assert [t.id for t in in_group] == [ids["ours"]]  # only what this group receives
        privately = svc.my_tasks(s, Actor(name="张三", person=me, chat=private))
        assert [t.id for t in privately] == [ids["ours"], ids["theirs"]]
        svc.mark_done(s, ids["ours"], official(s, ids), T1)
        assert [t.id for t in svc.my_tasks(s, Actor(name="张三", person=me, chat=private))] == [ids["theirs"]]


def test_history_lists_every_kind_in_order(runtime: Runtime, ids: dict[str, Any]) -> None:
    with transaction(runtime.sessions) as s:
        a = admin(s, ids)
        svc.report_status(s, ids["ours"], official(s, ids), T0, "开始", 10)
        svc.mark_blocked(s, ids["ours"], official(s, ids), T0, "等批复")
        svc.mark_done(s, ids["ours"], a, T1)
    with transaction(runtime.sessions) as s:
        task = svc.get_task(s, ids["ours"], history=True)
        assert [r.kind for r in task.reports] == [ReportKind.STATUS, ReportKind.BLOCKED, ReportKind.DONE]
        assert task.reports[0].person.display_name == "张三"


def test_binding_and_unbinding_keep_the_assignments_in_step(runtime: Runtime, ids: dict[str, Any]) -> None:
    """/bind gives the chat a share of its party's open tasks; /unbind takes it away again."""
    with transaction(runtime.sessions) as s:
        other = s.get(Chat, ids["other"])
        system = Actor.system("test")
        svc.report_status(s, ids["ours"], official(s, ids), T0, "已部署", 40)
        svc.bind_party(s, system, "各镇街", chat=other)
        shares = {row.chat_id: (row.status, row.progress) for row in svc.task_shares(s, ids["ours"])}
        # the new unit starts open; the task's progress is the mean of its units' (40, 0)
        assert shares == {ids["group"]: ("in_progress", 40), ids["other"]: ("open", 0)}
        assert s.get(Task, ids["ours"]).progress == 20
        assert [t.id for t in svc.chat_tasks(s, other)] == [ids["ours"], ids["theirs"]]
    with transaction(runtime.sessions) as s:
        svc.unbind_party(s, Actor.system("test"), s.get(Chat, ids["other"]), "各镇街")
        assert [row.chat_id for row in svc.task_shares(s, ids["ours"])] == [ids["group"]]
        assert s.get(Task, ids["ours"]).progress == 40
        assert [t.id for t in svc.chat_tasks(s, s.get(Chat, ids["other"]))] == [ids["theirs"]]


def test_privately_a_person_reports_on_the_share_of_the_party_bound_to_them(
    runtime: Runtime, ids: dict[str, Any]
) -> None:
    with transaction(runtime.sessions) as s:
        system = Actor.system("test")
        depts = svc.party_named(s, "市住建局")
        task = s.get(Task, ids["ours"])
        task.parties.append(depts)
        s.flush()
        svc.bind_party(s, system, "市住建局", chat=s.get(Chat, ids["other"]))
        li = Person(telegram_user_id=3, display_name="李四")
        s.add(li)
        s.flush()
        svc.bind_party(s, system, "市住建局", person=li)
        private = Chat(telegram_chat_id=3, title="", type="private")
        s.add(private)
        s.flush()
        svc.mark_done(s, ids["ours"], Actor(name="李四", person=li, chat=private), T0)
        shares = {row.chat_id: row.status for row in svc.task_shares(s, ids["ours"])}
        assert shares == {ids["group"]: "open", ids["other"]: "done"}
        assert s.get(Task, ids["ours"]).status == "in_progress"
        # an admin privately, with two units open or done, must say which
        with pytest.raises(svc.WhichUnit) as err:
            svc.mark_blocked(s, ids["ours"], Actor(name="督查室", is_admin=True, chat=private), T0, "等资金")
        assert err.value.params["units"] == "镇街群、别的群"
