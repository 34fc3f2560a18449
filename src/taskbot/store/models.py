"""Typed SQLAlchemy 2 models of the task store.

Every schema change goes through an Alembic revision in ``store/migrations/versions``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from taskbot.domain.values import DeliveryStatus, ReportKind, Role, TaskStatus

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def as_utc(value: dt.datetime) -> dt.datetime:
    """VALUE in UTC; a naive value is read as UTC already (what SQLite gives back)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """An aware datetime stored as UTC; SQLite gives naive values back, this makes them aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass an aware one")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        return None if value is None else as_utc(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class Bulletin(Base):
    __tablename__ = "bulletin"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(500))
    checksum: Mapped[str] = mapped_column(String(64), unique=True)
    date: Mapped[dt.date | None] = mapped_column(Date)
    title: Mapped[str | None] = mapped_column(String(500))
    imported_at: Mapped[dt.datetime]

    tasks: Mapped[list[Task]] = relationship(back_populates="bulletin")


class Party(Base):
    """A responsible party as the bulletin names it: 各镇街, 市、区领导, 一把手 …"""

    __tablename__ = "party"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class Person(Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    username: Mapped[str | None] = mapped_column(String(64), index=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str | None] = mapped_column(String(8))


class Chat(Base):
    __tablename__ = "chat"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_chat_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    title: Mapped[str] = mapped_column(String(255), default="")
    type: Mapped[str] = mapped_column(String(20), default="group")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str | None] = mapped_column(String(8))


class Binding(Base):
    """A party bound to a chat (it receives the party's tasks) or to a person (who answers for it)."""

    __tablename__ = "binding"
    __table_args__ = (UniqueConstraint("party_id", "chat_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id", ondelete="CASCADE"), index=True)
    chat_id: Mapped[int | None] = mapped_column(ForeignKey("chat.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)

    party: Mapped[Party] = relationship()
    chat: Mapped[Chat | None] = relationship()
    person: Mapped[Person | None] = relationship()


class TaskParty(Base):
    __tablename__ = "task_party"

    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id", ondelete="CASCADE"), primary_key=True)
    # 牵头 (lead) or 配合 (partner), as the bulletin says; the assignments of the party's chats start so.
    role: Mapped[str] = mapped_column(String(10), default=Role.LEAD.value, server_default=Role.LEAD.value)


class TaskAssignee(Base):
    __tablename__ = "task_assignee"

    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)


class Task(Base):
    __tablename__ = "task"
    __table_args__ = (UniqueConstraint("bulletin_id", "fingerprint"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bulletin_id: Mapped[int | None] = mapped_column(
        ForeignKey("bulletin.id", ondelete="SET NULL"), index=True
    )
    # sha256 of the directive text without whitespace: re-importing a bulletin finds its tasks again.
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text, default="")
    section: Mapped[str | None] = mapped_column(String(500))
    cadence: Mapped[list[Any]] = mapped_column(default=list)
    deadline: Mapped[dt.date | None] = mapped_column(Date, index=True)
    target: Mapped[str | None] = mapped_column(String(500))
    keywords: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(20), default=TaskStatus.OPEN.value, index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    # A chat the task was sent to directly (import --chat); otherwise its parties' bindings decide.
    chat_id: Mapped[int | None] = mapped_column(ForeignKey("chat.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    last_report_at: Mapped[dt.datetime | None]

    bulletin: Mapped[Bulletin | None] = relationship(back_populates="tasks")
    chat: Mapped[Chat | None] = relationship()
    parties: Mapped[list[Party]] = relationship(secondary="task_party", order_by="Party.id")
    assignees: Mapped[list[Person]] = relationship(secondary="task_assignee", order_by="Person.id")
    reports: Mapped[list[Report]] = relationship(
        back_populates="task", order_by="Report.id", cascade="all, delete-orphan"
    )
    assignments: Mapped[list[Assignment]] = relationship(
        order_by="Assignment.id", cascade="all, delete-orphan", passive_deletes=True
    )


class Assignment(Base):
    """One unit's share of a task: the task as one chat (a bound party's group, or the chat it was
    sent to) answers for it, with its own status, progress and last report.

    The task's own ``status``/``progress``/``last_report_at`` are derived from these rows
    (``domain.assignments.task_standing``) whenever one changes; a task no chat receives has none.
    """

    __tablename__ = "assignment"
    __table_args__ = (UniqueConstraint("task_id", "chat_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chat.id", ondelete="CASCADE"), index=True)
    # The party the chat answers for (None: the task was sent to the chat directly).
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id", ondelete="SET NULL"))
    role: Mapped[str] = mapped_column(String(10), default=Role.LEAD.value)
    status: Mapped[str] = mapped_column(String(20), default=TaskStatus.OPEN.value)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    last_report_at: Mapped[dt.datetime | None]
    last_report_text: Mapped[str] = mapped_column(Text, default="")
    completed_at: Mapped[dt.datetime | None]
    # How the completion counts: on_time (按期办结) or late (逾期办结); None while not done.
    completion: Mapped[str | None] = mapped_column(String(10))
    # An approved extension (延期): the unit's own deadline; the task's deadline stays the original.
    extended_to: Mapped[dt.date | None] = mapped_column(Date)
    # 签收: "pending" until an official of the unit signs ("signed"); None for shares that were
    # there before receipts existed (never announced).
    receipt: Mapped[str | None] = mapped_column(String(10), default="pending")
    signed_at: Mapped[dt.datetime | None]
    signed_by: Mapped[str | None] = mapped_column(String(200))

    chat: Mapped[Chat] = relationship()
    party: Mapped[Party | None] = relationship()


class TaskReportRule(Base):
    """When the units of a task must report (taskbot.domain.report_rules.ReportRule.to_json)."""

    __tablename__ = "task_report_rule"

    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), primary_key=True)
    rule: Mapped[dict[str, Any]] = mapped_column(JSON)


class ReportPeriod(Base):
    """The report ledger: which report satisfied a unit's (assignment's) reporting period of its
    task's reporting rule, the period named by the due moment ending it."""

    __tablename__ = "report_period"
    __table_args__ = (UniqueConstraint("assignment_id", "period_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"), index=True)
    period_end: Mapped[dt.datetime]
    report_id: Mapped[int | None] = mapped_column(ForeignKey("report.id", ondelete="SET NULL"))
    reported_at: Mapped[dt.datetime]


class Urge(Base):
    """A 催办 sent to one unit of a task, and its read receipt (收到): who pressed it and when."""

    __tablename__ = "urge"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    urged_by: Mapped[str] = mapped_column(String(200), default="")
    urged_at: Mapped[dt.datetime]
    acked_at: Mapped[dt.datetime | None]
    acked_by: Mapped[str | None] = mapped_column(String(200))

    assignment: Mapped[Assignment] = relationship()


class Attachment(Base):
    """佐证材料: a file sent with a report — Telegram's file id (nothing is downloaded), its name,
    size and type, who sent it and when, on which history entry."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("report.id", ondelete="SET NULL"))
    unit_chat_id: Mapped[int | None] = mapped_column(ForeignKey("chat.id", ondelete="SET NULL"))
    file_id: Mapped[str] = mapped_column(String(255))
    file_unique_id: Mapped[str] = mapped_column(String(100), default="")
    name: Mapped[str] = mapped_column(String(255), default="")
    size: Mapped[int | None] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(20))  # photo, document, video
    mime_type: Mapped[str | None] = mapped_column(String(100))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[dt.datetime]


class WorkflowRequest(Base):
    """A unit asking the office: to accept its completion (办结审核) or to move its deadline (延期申请).

    Written when asked, decided once: the first 通过 / 退回 / 批准 / 驳回 wins (see
    ``taskbot.domain.workflow``); the task's history records both the asking and the answer.
    """

    __tablename__ = "workflow_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(200), default="")
    requested_at: Mapped[dt.datetime]
    text: Mapped[str] = mapped_column(Text, default="")
    # The deadline asked for (extensions only).
    new_deadline: Mapped[dt.date | None] = mapped_column(Date)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    decided_by: Mapped[str] = mapped_column(String(200), default="")
    decided_at: Mapped[dt.datetime | None]
    decision_text: Mapped[str] = mapped_column(Text, default="")

    assignment: Mapped[Assignment] = relationship()


class Report(Base):
    """Append-only history of a task: who did what, when."""

    __tablename__ = "report"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[dt.datetime] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(20), default=ReportKind.STATUS.value)
    status: Mapped[str] = mapped_column(String(20))
    progress: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    # The unit (chat) whose share this entry concerns; None for the task as a whole.
    unit_chat_id: Mapped[int | None] = mapped_column(ForeignKey("chat.id", ondelete="SET NULL"))

    task: Mapped[Task] = relationship(back_populates="reports")
    person: Mapped[Person | None] = relationship()
    unit_chat: Mapped[Chat | None] = relationship()


class Delivery(Base):
    """The delivery ledger: one row per (beat, fire time, chat), written before anything is sent."""

    __tablename__ = "delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    beat: Mapped[str] = mapped_column(String(20))
    fire_at: Mapped[dt.datetime] = mapped_column(index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    task_ids: Mapped[list[Any]] = mapped_column(default=list)
    # The rendered message parts (each under Telegram's 4096 characters) and their reply markup.
    parts: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(20), default=DeliveryStatus.PENDING.value, index=True)
    message_ids: Mapped[list[Any]] = mapped_column(default=list)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime]
    sent_at: Mapped[dt.datetime | None]
    # A sender that claimed the row holds it until then; a crashed sender's claim simply expires.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[dt.datetime | None]
    # On PostgreSQL, the claimer's database session (pg_backend_pid, backend_start): when that
    # session is gone, so is the claimer, and the claim is free at once.
    claim_pid: Mapped[int | None] = mapped_column(Integer)
    claim_backend_start: Mapped[dt.datetime | None]
    # A row that met a network error or a 5xx waits until then; it is given up only when it has
    # kept failing for ``delivery.give_up_after`` since FIRST_ERROR_AT.
    next_attempt_at: Mapped[dt.datetime | None]
    first_error_at: Mapped[dt.datetime | None]


class ChatMigration(Base):
    """A group that became a supergroup: ids in the settings are followed to the new chat."""

    __tablename__ = "chat_migration"

    old_chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    new_chat_id: Mapped[int] = mapped_column(BigInteger)
    migrated_at: Mapped[dt.datetime]


class SchedulerState(Base):
    """When each beat last fired, so a restart can catch up once (within the grace) and no more."""

    __tablename__ = "scheduler_state"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    last_fire_at: Mapped[dt.datetime]


class TaskMessage(Base):
    """A message the bot sent about one task (a report prompt, a detail): a reply to it reports on it."""

    __tablename__ = "task_message"
    __table_args__ = (UniqueConstraint("chat_id", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)  # Telegram's chat id, like Delivery.chat_id
    message_id: Mapped[int] = mapped_column(BigInteger)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    # What a reply means: "progress" (a status report), "blocked" (the reason), "detail" (a status report).
    purpose: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(index=True)


class ReplyNote(Base):
    """A reply to a reminder of several tasks that named none of them (or a photo or document sent as
    a reply): kept as said, until someone picks its task (within a while) — else an unassigned note
    for the office."""

    __tablename__ = "reply_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)  # Telegram's chat id
    message_id: Mapped[int] = mapped_column(BigInteger)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    progress: Mapped[int | None] = mapped_column(Integer)
    # A photo's or document's Telegram file id, and which it was.
    file_id: Mapped[str | None] = mapped_column(String(255))
    file_kind: Mapped[str | None] = mapped_column(String(20))
    # The tasks of the reminder it answered, and the one it was recorded on (None: unassigned).
    task_ids: Mapped[list[Any]] = mapped_column(default=list)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(index=True)
    assigned_at: Mapped[dt.datetime | None]


class StandingSnapshot(Base):
    """One unit's standings (or, with ``scope`` "all", every task's) as they stood at a fortnightly
    通报: the stored facts a trend ("比上期 ↑3 项办结") is computed from."""

    __tablename__ = "standing_snapshot"
    __table_args__ = (UniqueConstraint("taken_at", "scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    taken_at: Mapped[dt.datetime] = mapped_column(index=True)  # the bulletin's fire time
    scope: Mapped[str] = mapped_column(String(40))  # "all", or "c<chat pk>" for a unit
    unit: Mapped[str] = mapped_column(String(255), default="")  # the unit's name then
    done: Mapped[int] = mapped_column(Integer, default=0)
    on_track: Mapped[int] = mapped_column(Integer, default=0)
    overdue: Mapped[int] = mapped_column(Integer, default=0)
    blocked: Mapped[int] = mapped_column(Integer, default=0)
    silent: Mapped[int] = mapped_column(Integer, default=0)
