"""Assignments in the store: kept in step with who receives each task, and the task's standing kept
derived from them (see ``taskbot.domain.assignments`` for the rules).

``sync_assignments`` is called wherever routing changes — binding or unbinding a party, adding a
task, importing a bulletin — and by nothing that only reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session, selectinload

from taskbot.domain.assignments import Share, task_standing
from taskbot.domain.report_rules import ReportRule, period_end
from taskbot.domain.values import OPEN_STATUS_VALUES, Role, TaskStatus
from taskbot.store import queries
from taskbot.store.models import Assignment, ReportPeriod, Task, TaskParty, TaskReportRule


def unit_label(row: Assignment) -> str:
    """How a unit is named: its group's title, else the party it answers for, else the chat id."""
    if row.chat is not None and row.chat.title:
        return row.chat.title
    if row.party is not None:
        return row.party.name
    return str(row.chat.telegram_chat_id if row.chat is not None else row.chat_id)


def sync_assignments(session: Session, task_ids: Iterable[int] | None = None) -> None:
    """Make the assignments of TASK_IDS (None: every task) match the chats that receive them.

    A task with no assignment yet gets one per unit carrying the task's current standing (as the
    migration did); a task that has some gets new units open at 0 %, and loses the units that no
    longer receive it while it is open. Done and cancelled tasks keep their units.
    """
    where: ColumnElement[bool] = true() if task_ids is None else Task.id.in_(list(task_ids))
    wanted = queries.wanted_units(session, where)
    tasks = session.scalars(select(Task).where(where).options(selectinload(Task.assignments))).all()
    roles = _party_roles(session, where)
    for task in tasks:
        units = wanted.get(task.id, [])
        have = {row.chat_id: row for row in task.assignments}
        fresh = not have
        changed = False
        for chat_pk, party_id in units:
            if chat_pk in have:
                continue
            if not fresh and task.status not in OPEN_STATUS_VALUES:
                continue
            role = (
                roles.get((task.id, party_id), Role.LEAD.value) if party_id is not None else Role.LEAD.value
            )
            row = Assignment(task_id=task.id, chat_id=chat_pk, party_id=party_id, role=role)
            _start(row, task, carry=fresh)
            task.assignments.append(row)
            changed = True
        if task.status in OPEN_STATUS_VALUES:
            keep = {chat_pk for chat_pk, _ in units}
            for chat_pk, row in have.items():
                if chat_pk not in keep:
                    task.assignments.remove(row)
                    changed = True
        if changed and not fresh:
            derive(task)
    session.flush()


def _party_roles(session: Session, where: ColumnElement[bool]) -> dict[tuple[int, int], str]:
    return {
        (tid, pid): role
        for tid, pid, role in session.execute(
            select(TaskParty.task_id, TaskParty.party_id, TaskParty.role)
            .join(Task, Task.id == TaskParty.task_id)
            .where(where)
        )
    }


def _start(row: Assignment, task: Task, *, carry: bool) -> None:
    if carry and task.status != TaskStatus.CANCELLED:
        row.status = task.status
        row.progress = task.progress or 0
        row.last_report_at = task.last_report_at
        row.completed_at = task.updated_at if task.status == TaskStatus.DONE else None
    else:
        row.status = TaskStatus.OPEN.value
        row.progress = 0
    row.last_report_text = ""


def derive(task: Task) -> None:
    """Set TASK's status and progress from its assignments (a cancelled task stays cancelled)."""
    if not task.assignments or task.status == TaskStatus.CANCELLED:
        return
    status, progress = task_standing([Share(r.role, r.status, r.progress) for r in task.assignments])
    task.status = status.value
    task.progress = progress


def reopen_shares(task: Task) -> None:
    """Open the shares of a task the office reopens: done ones start again from 0 %."""
    for row in task.assignments:
        if row.status == TaskStatus.DONE:
            row.status = TaskStatus.OPEN.value
            row.progress = 0
            row.completed_at = None
            row.completion = None


def ledger_report(
    session: Session, share: Assignment, report_id: int, now: dt.datetime, tz: dt.tzinfo
) -> None:
    """Write in the report ledger that REPORT_ID (made at NOW) satisfied SHARE's current reporting
    period, when its task has a reporting rule and the period has no report yet."""
    data = session.scalar(select(TaskReportRule.rule).where(TaskReportRule.task_id == share.task_id))
    rule = ReportRule.from_json(data)
    if rule is None:
        return
    end = period_end(rule, now, tz)
    done = select(ReportPeriod.id).where(
        ReportPeriod.assignment_id == share.id, ReportPeriod.period_end == end
    )
    if session.scalar(done) is None:
        session.add(
            ReportPeriod(assignment_id=share.id, period_end=end, report_id=report_id, reported_at=now)
        )
        session.flush()


def record_share(
    row: Assignment,
    now: dt.datetime,
    status: TaskStatus,
    *,
    progress: int | None = None,
    text: str = "",
) -> None:
    """Record a unit's report on its share."""
    row.status = status.value
    if progress is not None:
        row.progress = progress
    row.last_report_at = now
    if text:
        row.last_report_text = text
    if status is not TaskStatus.DONE:
        row.completed_at = None
        row.completion = None
