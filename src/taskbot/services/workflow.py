"""The 督办 workflow in the store: completion claims the office reviews (办结审核 → 销号 / 退回) and
extension requests it answers (延期申请 → 批准 / 驳回). Rules in ``taskbot.domain.workflow``.

Like ``taskbot.services.tasks``: functions take the session, the acting ``Actor`` and ``now``, raise a
``TaskError`` (no wording) when the change is not possible, and append to the task's history. A
request is decided once: the decision is a conditional update of a still-pending row, so two admins
pressing at once, or a button pressed again after a restart, decide it only once.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from taskbot.domain.permissions import Reach
from taskbot.domain.report_rules import ReportRule
from taskbot.domain.values import ReportKind, TaskStatus
from taskbot.domain.workflow import RequestKind, RequestState, completion_of, extension_refusal
from taskbot.services import tasks as task_service
from taskbot.services.assignments import record_share, unit_label
from taskbot.services.people import Actor
from taskbot.services.tasks import (
    MAX_TEXT,
    InvalidInput,
    InvalidTransition,
    NotAllowed,
    TaskError,
    Unit,
)
from taskbot.store.db import rows_changed
from taskbot.store.models import (
    Assignment,
    Attachment,
    Chat,
    Report,
    Task,
    TaskReportRule,
    Urge,
    WorkflowRequest,
)


@dataclass(frozen=True, slots=True)
class Decision:
    """A request as decided: the history entry written, and the unit's chat (Telegram id) to tell."""

    request: WorkflowRequest
    report: Report
    unit_chat: int
    unit: str


def claim_done(
    session: Session,
    task_id: int,
    actor: Actor,
    now: dt.datetime,
    note: str = "",
    *,
    unit: Unit = None,
    tz: dt.tzinfo | None = None,
) -> tuple[Report, WorkflowRequest | None]:
    """ACTOR's unit claims its share done: it awaits the office's review (待审核).

    A task no unit receives has nothing to review: it is marked done at once (request None).
    """
    task = task_service.task_for_report(session, task_id, actor)
    share = task_service._share(session, task, actor, unit)
    if share is None:
        return task_service.mark_done(session, task_id, actor, now, note, tz=tz), None
    if share.status == TaskStatus.DONE:
        raise InvalidTransition("unit_already_done", task_id=task.id, unit=unit_label(share))
    if _pending(session, share.id, RequestKind.REVIEW) is not None:
        raise InvalidTransition("review_pending", task_id=task.id, unit=unit_label(share))
    note = note.strip()[:MAX_TEXT]
    record_share(share, now, TaskStatus.IN_PROGRESS, text=note)
    request = _request(session, RequestKind.REVIEW, task, share, actor, now, note)
    report = task_service._change(
        session, task, actor, now, ReportKind.CLAIMED, text=note, share=share, tz=tz
    )
    task.last_report_at = now
    return report, request


def request_extension(
    session: Session,
    task_id: int,
    actor: Actor,
    now: dt.datetime,
    new_deadline: dt.date,
    reason: str,
    *,
    today: dt.date,
    unit: Unit = None,
) -> tuple[Report, WorkflowRequest]:
    """ACTOR's unit asks the office to move its deadline to NEW_DEADLINE (a date from TODAY on)."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("extension_reason_required")
    task = task_service.task_for_report(session, task_id, actor)
    share = task_service._share(session, task, actor, unit)
    if share is None:
        raise InvalidTransition("no_unit", task_id=task.id)
    if share.status == TaskStatus.DONE:
        raise InvalidTransition("unit_already_done", task_id=task.id, unit=unit_label(share))
    refusal = extension_refusal(new_deadline, today, task.deadline, share.extended_to)
    if refusal is not None:
        current = share.extended_to or task.deadline
        raise InvalidInput(
            refusal,
            task_id=task.id,
            date=new_deadline.isoformat(),
            today=today.isoformat(),
            deadline=current.isoformat() if current else "",
        )
    if _pending(session, share.id, RequestKind.EXTENSION) is not None:
        raise InvalidTransition("extension_pending", task_id=task.id, unit=unit_label(share))
    request = _request(session, RequestKind.EXTENSION, task, share, actor, now, reason[:MAX_TEXT])
    request.new_deadline = new_deadline
    text = f"{new_deadline.isoformat()} {reason}"
    report = task_service._change(session, task, actor, now, ReportKind.EXTENSION, text=text, share=share)
    return report, request


def approve(session: Session, request_id: int, actor: Actor, now: dt.datetime, tz: ZoneInfo) -> Decision:
    """The office accepts the request: a claim closes the unit's share (销号) as of the day it was
    claimed; an extension moves the unit's deadline (the task keeps the original)."""
    request, task, share = _decide(session, request_id, actor, now, RequestState.APPROVED, "")
    if request.kind == RequestKind.REVIEW:
        claimed = request.requested_at
        record_share(share, claimed, TaskStatus.DONE, progress=100, text=request.text)
        share.completed_at = claimed
        day = claimed.astimezone(tz).date()
        share.completion = completion_of(day, task.deadline, share.extended_to).value
        kind, text = ReportKind.APPROVED, request.text
    else:
        share.extended_to = request.new_deadline
        kind = ReportKind.EXTENDED
        text = request.new_deadline.isoformat() if request.new_deadline else ""
    report = task_service._change(session, task, actor, now, kind, text=text, share=share)
    return Decision(request, report, share.chat.telegram_chat_id, unit_label(share))


def reject(session: Session, request_id: int, actor: Actor, now: dt.datetime, reason: str = "") -> Decision:
    """The office turns the request down: a claim goes back to the unit (退回, REASON required) and
    its share is in progress again; an extension is refused and the deadline stays."""
    reason = reason.strip()[:MAX_TEXT]
    found = session.get(WorkflowRequest, request_id) if 0 < request_id < 2**63 else None
    if found is not None and found.kind == RequestKind.REVIEW and not reason:
        raise InvalidInput("return_reason_required")
    request, task, share = _decide(session, request_id, actor, now, RequestState.REJECTED, reason)
    if request.kind == RequestKind.REVIEW:
        if share.status != TaskStatus.DONE:
            share.status = TaskStatus.IN_PROGRESS.value
        kind = ReportKind.RETURNED
    else:
        kind = ReportKind.EXTENSION_REFUSED
    report = task_service._change(session, task, actor, now, kind, text=reason, share=share)
    return Decision(request, report, share.chat.telegram_chat_id, unit_label(share))


def sign_receipt(
    session: Session, assignment_id: int, actor: Actor, now: dt.datetime, tz: ZoneInfo
) -> Report:
    """签收: ACTOR, an official of the unit (pressing in its group, or bound to its party), signs for
    the unit's share; the first to sign wins, later presses are refused with who signed."""
    share = session.get(Assignment, assignment_id) if 0 < assignment_id < 2**63 else None
    if share is None:
        raise TaskError("request_unknown")
    task = task_service.get_task(session, share.task_id)
    if share not in task_service.own_shares(session, [share], actor):
        raise NotAllowed("receipt_not_unit", task_id=task.id)
    won = rows_changed(
        session,
        update(Assignment)
        .where(Assignment.id == share.id, Assignment.receipt != "signed")
        .values(receipt="signed", signed_at=now, signed_by=actor.name[:200])
        .execution_options(synchronize_session=False),
    )
    session.refresh(share)
    if won != 1:
        when = share.signed_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if share.signed_at else ""
        raise InvalidTransition(
            "receipt_signed", unit=unit_label(share), who=share.signed_by or "", when=when
        )
    return task_service._change(
        session, task, actor, now, ReportKind.SIGNED, text=unit_label(share), share=share
    )


def set_report_rule(
    session: Session, task_id: int, actor: Actor, now: dt.datetime, rule: ReportRule | None
) -> Report:
    """Set (or with None clear) when the task's units must report; admins only."""
    task = task_service._load_for_admin(session, task_id, actor)
    row = session.get(TaskReportRule, task.id)
    if rule is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(TaskReportRule(task_id=task.id, rule=rule.to_json()))
    else:
        row.rule = rule.to_json()
    text = "" if rule is None else json.dumps(rule.to_json(), ensure_ascii=False)
    return task_service._change(session, task, actor, now, ReportKind.REPORT_RULE, text=text)


def report_rule_of(session: Session, task_id: int) -> ReportRule | None:
    """The task's reporting rule, if it has one."""
    row = session.get(TaskReportRule, task_id)
    return ReportRule.from_json(row.rule) if row is not None else None


def urge(
    session: Session, task_id: int, actor: Actor, now: dt.datetime, text: str = "", *, unit: Unit = None
) -> list[Urge]:
    """催办: ask the open units of the task (or UNIT only) to act now; admins only. One row per unit,
    each awaiting its 收到."""
    task = task_service._load_for_admin(session, task_id, actor)
    if task.status in (TaskStatus.DONE, TaskStatus.CANCELLED):
        raise InvalidTransition(
            "task_done" if task.status == TaskStatus.DONE else "task_closed", task_id=task.id
        )
    if unit is not None:
        share = task_service._share(session, task, actor, unit)
        shares = [share] if share is not None else []
    else:
        shares = [r for r in task_service.task_shares(session, task.id)]
    shares = [s for s in shares if s.status != TaskStatus.DONE and s.chat.active]
    if not shares:
        raise InvalidTransition("nothing_to_urge", task_id=task.id)
    text = text.strip()[:MAX_TEXT]
    rows = [
        Urge(task_id=task.id, assignment_id=s.id, text=text, urged_by=actor.name[:200], urged_at=now)
        for s in shares
    ]
    session.add_all(rows)
    session.flush()
    for share in shares:
        task_service._change(session, task, actor, now, ReportKind.URGED, text=text, share=share)
    return rows


def ack_urge(session: Session, urge_id: int, actor: Actor, now: dt.datetime, tz: ZoneInfo) -> Urge:
    """收到: an official of the urged unit acknowledges the 催办; the first to press wins."""
    row = session.get(Urge, urge_id) if 0 < urge_id < 2**63 else None
    if row is None:
        raise TaskError("request_unknown")
    share = row.assignment
    if share not in task_service.own_shares(session, [share], actor):
        raise NotAllowed("urge_not_unit", task_id=row.task_id)
    won = rows_changed(
        session,
        update(Urge)
        .where(Urge.id == row.id, Urge.acked_at.is_(None))
        .values(acked_at=now, acked_by=actor.name[:200])
        .execution_options(synchronize_session=False),
    )
    session.refresh(row)
    if won != 1:
        when = row.acked_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if row.acked_at else ""
        raise InvalidTransition("urge_acked", who=row.acked_by or "", when=when)
    task = task_service.get_task(session, row.task_id)
    task_service._change(session, task, actor, now, ReportKind.URGE_ACK, text=unit_label(share), share=share)
    return row


@dataclass(frozen=True, slots=True)
class FileInfo:
    """A file as Telegram describes it (nothing downloaded)."""

    file_id: str
    unique_id: str
    name: str
    size: int | None
    kind: str
    mime_type: str | None = None


def attach(session: Session, report: Report, actor: Actor, now: dt.datetime, file: FileInfo) -> Attachment:
    """Keep FILE as evidence (佐证) of REPORT, by its Telegram file id."""
    row = Attachment(
        task_id=report.task_id,
        report_id=report.id,
        unit_chat_id=report.unit_chat_id,
        file_id=file.file_id[:255],
        file_unique_id=file.unique_id[:100],
        name=file.name[:255],
        size=file.size,
        kind=file.kind,
        mime_type=(file.mime_type or None) and file.mime_type[:100],
        person_id=actor.person.id if actor.person is not None else None,
        actor=actor.name[:200],
        at=now,
    )
    session.add(row)
    session.flush()
    return row


def attachments_of(session: Session, task_id: int) -> list[Attachment]:
    """The evidence kept for the task, oldest first."""
    return list(
        session.scalars(select(Attachment).where(Attachment.task_id == task_id).order_by(Attachment.id))
    )


def attachments_by_task(session: Session) -> dict[int, list[Attachment]]:
    """Every task's evidence, oldest first (for the export)."""
    found: dict[int, list[Attachment]] = {}
    for row in session.scalars(select(Attachment).order_by(Attachment.id)):
        found.setdefault(row.task_id, []).append(row)
    return found


def check_decider(session: Session, request_id: int, actor: Actor) -> WorkflowRequest:
    """The pending request REQUEST_ID, if ACTOR may decide it (before asking them for a reason)."""
    request = _load(session, request_id)
    _refuse_decider(request, actor)
    if request.state != RequestState.PENDING:
        raise InvalidTransition("request_decided", who=request.decided_by)
    return request


def pending_requests(session: Session) -> list[WorkflowRequest]:
    """Every request the office has not answered yet, oldest first (unit and task loaded)."""
    return list(
        session.scalars(
            select(WorkflowRequest)
            .where(WorkflowRequest.state == RequestState.PENDING.value)
            .options(selectinload(WorkflowRequest.assignment).selectinload(Assignment.chat))
            .order_by(WorkflowRequest.id)
        )
    )


def pending_request(
    session: Session, task_id: int, unit_chat_pk: int | None, kind: RequestKind
) -> int | None:
    """The id of the pending KIND request of TASK_ID's unit in chat UNIT_CHAT_PK (store id), if any."""
    return session.scalar(
        select(WorkflowRequest.id)
        .join(Assignment, Assignment.id == WorkflowRequest.assignment_id)
        .where(
            WorkflowRequest.task_id == task_id,
            Assignment.chat_id == unit_chat_pk,
            WorkflowRequest.kind == kind.value,
            WorkflowRequest.state == RequestState.PENDING.value,
        )
    )


def task_requests(session: Session, task_id: int) -> list[WorkflowRequest]:
    """The task's pending requests and the approved extensions, by unit (for ``/task N``)."""
    return list(
        session.scalars(
            select(WorkflowRequest)
            .where(
                WorkflowRequest.task_id == task_id,
                (WorkflowRequest.state == RequestState.PENDING.value)
                | (
                    (WorkflowRequest.kind == RequestKind.EXTENSION.value)
                    & (WorkflowRequest.state == RequestState.APPROVED.value)
                ),
            )
            .options(selectinload(WorkflowRequest.assignment).selectinload(Assignment.chat))
            .order_by(WorkflowRequest.id)
        )
    )


def deadline_holds(session: Session) -> dict[tuple[int, int], dt.date | None]:
    """(task id, Telegram chat id) of each unit whose deadline reminders may be held → its approved
    extension, or None while its extension request awaits the office (see
    ``taskbot.domain.workflow.holds_overdue``)."""
    chats: dict[int, int] = {pk: tg for pk, tg in session.execute(select(Chat.id, Chat.telegram_chat_id))}
    holds: dict[tuple[int, int], dt.date | None] = {}
    for task_id, chat_pk, extended_to in session.execute(
        select(Assignment.task_id, Assignment.chat_id, Assignment.extended_to).where(
            Assignment.extended_to.is_not(None)
        )
    ):
        if chat_pk in chats:
            holds[(task_id, chats[chat_pk])] = extended_to
    for task_id, chat_pk in session.execute(
        select(WorkflowRequest.task_id, Assignment.chat_id)
        .join(Assignment, Assignment.id == WorkflowRequest.assignment_id)
        .where(
            WorkflowRequest.state == RequestState.PENDING.value,
            WorkflowRequest.kind == RequestKind.EXTENSION.value,
        )
    ):
        if chat_pk in chats:
            holds[(task_id, chats[chat_pk])] = None
    return holds


# --- internals ---


def _pending(session: Session, assignment_id: int, kind: RequestKind) -> WorkflowRequest | None:
    return session.scalar(
        select(WorkflowRequest).where(
            WorkflowRequest.assignment_id == assignment_id,
            WorkflowRequest.kind == kind.value,
            WorkflowRequest.state == RequestState.PENDING.value,
        )
    )


def _request(
    session: Session,
    kind: RequestKind,
    task: Task,
    share: Assignment,
    actor: Actor,
    now: dt.datetime,
    text: str,
) -> WorkflowRequest:
    request = WorkflowRequest(
        kind=kind.value,
        state=RequestState.PENDING.value,
        task_id=task.id,
        assignment_id=share.id,
        person_id=actor.person.id if actor.person is not None else None,
        actor=actor.name[:200],
        requested_at=now,
        text=text,
        decided_by="",
        decision_text="",
    )
    session.add(request)
    session.flush()
    return request


def _load(session: Session, request_id: int) -> WorkflowRequest:
    request = session.get(WorkflowRequest, request_id) if 0 < request_id < 2**63 else None
    if request is None:
        raise TaskError("request_unknown")
    return request


def _refuse_decider(request: WorkflowRequest, actor: Actor) -> None:
    """Nobody decides their own request; otherwise the permission rule: a decision reaches the unit's
    chat and the office, whose chats the store does not know (an open reach: configured admins only)."""
    if actor.person is not None and request.person_id == actor.person.id:
        raise NotAllowed("own_request", task_id=request.task_id)
    unit_chat = request.assignment.chat.telegram_chat_id
    task_service.require(actor, Reach.of(unit_chat, actor.here, open=True))


def _decide(
    session: Session, request_id: int, actor: Actor, now: dt.datetime, state: RequestState, text: str
) -> tuple[WorkflowRequest, Task, Assignment]:
    request = check_decider(session, request_id, actor)
    won = rows_changed(
        session,
        update(WorkflowRequest)
        .where(WorkflowRequest.id == request.id, WorkflowRequest.state == RequestState.PENDING.value)
        .values(
            state=state.value,
            decided_by_id=actor.person.id if actor.person is not None else None,
            decided_by=actor.name[:200],
            decided_at=now,
            decision_text=text,
        )
        .execution_options(synchronize_session=False),
    )
    if won != 1:  # another admin (or replica) decided it in between
        session.refresh(request)
        raise InvalidTransition("request_decided", who=request.decided_by)
    session.refresh(request)
    task = task_service.get_task(session, request.task_id)
    if task.status == TaskStatus.CANCELLED:
        raise InvalidTransition("task_closed", task_id=task.id)
    share = request.assignment
    _ = share.chat, share.party
    return request, task, share
