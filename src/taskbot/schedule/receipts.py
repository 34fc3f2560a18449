"""签收 announcements as deliveries: each share newly routed to a unit's group is announced there with
a 签收 button; one not signed after ``workflow.ack_hours`` working hours is announced once more and
the office gets the list of units that have not signed.

They are rows of the delivery ledger like any beat's, keyed by the share (``ack|a<id>|1`` and
``ack|a<id>|2``), so planning them again after a restart (or on another replica) adds nothing and a
pending one is sent once by the sender. Planned on every sweep (``ReminderService.resume``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from taskbot.config import Settings
from taskbot.domain.calendar import WorkCalendar
from taskbot.domain.values import OPEN_STATUS_VALUES
from taskbot.domain.workflow import after_working_hours
from taskbot.i18n import pick_language, t
from taskbot.schedule.ledger import PlannedDelivery, utc_stamp
from taskbot.schedule.render import Button, Line, Part, split_message
from taskbot.schedule.render import clip_title as clip
from taskbot.store.models import Assignment, Chat, Delivery, Party, Task, Urge

ACK, ACK_OFFICE, URGE = "ack", "ack_office", "urge"
PENDING = "pending"


@dataclass(frozen=True, slots=True)
class _Unsigned:
    assignment_id: int
    task_id: int
    title: str
    chat_id: int  # Telegram's
    unit: str
    language: str | None


def first_key(assignment_id: int) -> str:
    return f"{ACK}|a{assignment_id}|1"


def repeat_key(assignment_id: int) -> str:
    return f"{ACK}|a{assignment_id}|2"


def plan_receipts(
    session: Session, now: dt.datetime, settings: Settings, cal: WorkCalendar
) -> list[PlannedDelivery]:
    """The 签收 announcements, repeats and office lists due at NOW and not in the ledger yet (none
    with ``workflow.receipt`` off)."""
    if not settings.workflow.receipt:
        return []
    unsigned = _unsigned(session)
    if not unsigned:
        return []
    keys = [first_key(u.assignment_id) for u in unsigned] + [repeat_key(u.assignment_id) for u in unsigned]
    known = {
        key: sent_at
        for key, sent_at in session.execute(
            select(Delivery.key, Delivery.sent_at).where(Delivery.key.in_(keys))
        )
    }
    planned: list[PlannedDelivery] = []
    late: list[_Unsigned] = []
    hours = settings.workflow.ack_hours
    for unit in unsigned:
        first = first_key(unit.assignment_id)
        if first not in known:
            planned.append(_announce(unit, first, now, settings, repeat=False))
            continue
        sent_at = known[first]
        if repeat_key(unit.assignment_id) in known or sent_at is None:
            continue
        if after_working_hours(sent_at, hours, cal.is_workday, settings.tz) <= now:
            planned.append(_announce(unit, repeat_key(unit.assignment_id), now, settings, repeat=True))
            late.append(unit)
    if late:
        planned += _office_lists(late, now, settings)
    return planned


def urge_key(urge_id: int, n: int) -> str:
    return f"{URGE}|u{urge_id}|{n}"


def plan_urge_repeats(
    session: Session, now: dt.datetime, settings: Settings, cal: WorkCalendar
) -> list[PlannedDelivery]:
    """A 催办 nobody acknowledged (收到) within ``workflow.urge_repeat_hours`` working hours of being
    sent: sent once more, the same words and button."""
    open_urges = list(
        session.scalars(
            select(Urge.id)
            .join(Task, Task.id == Urge.task_id)
            .where(Urge.acked_at.is_(None), Task.status.in_(OPEN_STATUS_VALUES))
        )
    )
    if not open_urges:
        return []
    keys = [urge_key(u, n) for u in open_urges for n in (1, 2)]
    sent = {d.key: d for d in session.scalars(select(Delivery).where(Delivery.key.in_(keys)))}
    hours = settings.workflow.urge_repeat_hours
    planned = []
    for urge_id in open_urges:
        first = sent.get(urge_key(urge_id, 1))
        if first is None or first.sent_at is None or urge_key(urge_id, 2) in sent:
            continue
        if after_working_hours(first.sent_at, hours, cal.is_workday, settings.tz) > now:
            continue
        parts = tuple(Part.from_json(p) for p in first.parts)
        planned.append(
            PlannedDelivery(urge_key(urge_id, 2), URGE, now, first.chat_id, tuple(first.task_ids), parts)
        )
    return planned


def _unsigned(session: Session) -> list[_Unsigned]:
    rows = session.execute(
        select(
            Assignment.id,
            Task.id,
            Task.title,
            Chat.telegram_chat_id,
            Chat.title,
            Party.name,
            Chat.language,
        )
        .join(Task, Task.id == Assignment.task_id)
        .join(Chat, Chat.id == Assignment.chat_id)
        .outerjoin(Party, Party.id == Assignment.party_id)
        .where(
            Assignment.receipt == PENDING,
            Assignment.status.in_(OPEN_STATUS_VALUES),
            Task.status.in_(OPEN_STATUS_VALUES),
            Chat.active.is_(True),
        )
        .order_by(Assignment.id)
    )
    return [
        _Unsigned(aid, tid, title, chat, chat_title or party or str(chat), language)
        for aid, tid, title, chat, chat_title, party, language in rows
    ]


def _announce(
    unit: _Unsigned, key: str, now: dt.datetime, settings: Settings, *, repeat: bool
) -> PlannedDelivery:
    lang = pick_language(unit.language, settings.language)
    text = t(
        "workflow.ack.repeat" if repeat else "workflow.ack.new",
        lang,
        task=f"#{unit.task_id} {clip(unit.title)}",
        unit=unit.unit,
        task_id=unit.task_id,
    )
    button = Button(t("workflow.button.ack", lang), f"{ACK}:{unit.assignment_id}")
    return PlannedDelivery(key, ACK, now, unit.chat_id, (unit.task_id,), (Part(text, ((button,),)),))


def _office_lists(late: list[_Unsigned], now: dt.datetime, settings: Settings) -> list[PlannedDelivery]:
    lang = pick_language(settings.language)
    lines = [t("workflow.ack.office", lang, count=len(late), hours=f"{settings.workflow.ack_hours:g}")]
    lines += [
        t("workflow.ack.office_line", lang, task=f"#{u.task_id} {clip(u.title)}", unit=u.unit) for u in late
    ]
    parts = tuple(split_message([Line(line) for line in lines], lang))
    office = settings.workflow.office_chat_id
    chats = [office] if office is not None else list(settings.admins)
    ids = tuple(sorted({u.task_id for u in late}))
    return [
        PlannedDelivery(f"{ACK_OFFICE}|{utc_stamp(now)}|{chat}", ACK_OFFICE, now, chat, ids, parts)
        for chat in chats
    ]
