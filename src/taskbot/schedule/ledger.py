"""The delivery ledger: every message is a row before it is sent, and marked as it goes out.

- ``record`` writes planned rows; the unique key (beat, fire time, audience, chat) makes planning the
  same fire twice harmless.
- ``claim`` hands pending rows that are due to one sender: ``SELECT … FOR UPDATE SKIP LOCKED`` on
  PostgreSQL (two replicas never claim the same row), a plain select on SQLite (one process). A
  claim is a short lease renewed while its holder sends; on PostgreSQL it also names the holder's
  database session, and a claim whose session has ended (the holder died) is free at once.
- ``defer`` puts a row that met a network error or a 5xx back with the time of its next attempt;
  ``give_up_stale`` fails only the rows that have kept failing for ``delivery.give_up_after``.
- ``record_part`` stores each message id the moment Telegram returns it, so a restart resumes a
  multi-part delivery after the last part sent and never sends a sent row again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, column, exists, func, or_, select, table, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from taskbot.domain.values import DeliveryStatus
from taskbot.schedule.planner import Fire
from taskbot.schedule.render import Part
from taskbot.store.db import rows_changed
from taskbot.store.models import Assignment, Binding, Chat, ChatMigration, Delivery, SchedulerState, Task
from taskbot.store.queries import chat_by_telegram_id

PENDING, SENT, FAILED = DeliveryStatus.PENDING.value, DeliveryStatus.SENT.value, DeliveryStatus.FAILED.value
INSERT_CHUNK = 500
MAX_MIGRATION_HOPS = 5

# A claimer's PostgreSQL session: (pg_backend_pid(), backend_start); None on SQLite.
Owner = tuple[int, dt.datetime] | None
_activity = table("pg_stat_activity", column("pid"), column("backend_start"))


@dataclass(frozen=True, slots=True)
class PlannedDelivery:
    key: str
    beat: str
    fire_at: dt.datetime
    chat_id: int
    task_ids: tuple[int, ...]
    parts: tuple[Part, ...]


@dataclass(frozen=True, slots=True)
class ClaimedDelivery:
    """A pending row handed to one sender (a plain copy: it outlives the session)."""

    id: int
    key: str
    beat: str
    chat_id: int
    parts: tuple[Part, ...]
    sent_parts: int
    attempts: int


def utc_stamp(at: dt.datetime) -> str:
    """AT as it stands in a row's key: UTC to the second, ``2026-10-08T01:00:00Z``."""
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def delivery_key(fire: Fire, target: str) -> str:
    """The row's identity: beat | fire time (UTC) | audience | target (``c<chat pk>``, ``unbound`` …)."""
    return f"{fire.beat.value}|{utc_stamp(fire.at)}|{fire.audience.value}|{target}"


def _insert(session: Session) -> Any:
    return (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)(Delivery)


def record(session: Session, planned: Sequence[PlannedDelivery], now: dt.datetime) -> int:
    """Write PLANNED rows that are not in the ledger yet; return how many were new."""
    new = 0
    for start in range(0, len(planned), INSERT_CHUNK):
        chunk = planned[start : start + INSERT_CHUNK]
        known = set(session.scalars(select(Delivery.key).where(Delivery.key.in_([p.key for p in chunk]))))
        rows = [
            {
                "key": p.key,
                "beat": p.beat,
                "fire_at": p.fire_at,
                "chat_id": p.chat_id,
                "task_ids": list(p.task_ids),
                "parts": [part.to_json() for part in p.parts],
                "status": PENDING,
                "message_ids": [],
                "attempts": 0,
                "created_at": now,
            }
            for p in chunk
            if p.key not in known
        ]
        if rows:
            # Another planner may have written the same keys since the check: theirs stand.
            session.execute(_insert(session).on_conflict_do_nothing(index_elements=["key"]), rows)
            new += len(rows)
    return new


def _owner_values(owner: Owner) -> dict[str, Any]:
    pid, started = owner if owner is not None else (None, None)
    return {"claim_pid": pid, "claim_backend_start": started}


def _owner_gone() -> Any:
    """The claim names a PostgreSQL session that no longer exists: its holder is dead."""
    alive = exists().where(
        _activity.c.pid == Delivery.claim_pid, _activity.c.backend_start == Delivery.claim_backend_start
    )
    return and_(Delivery.claim_pid.is_not(None), ~alive)


def claim(
    session: Session,
    worker: str,
    now: dt.datetime,
    *,
    limit: int = 200,
    lease: dt.timedelta,
    owner: Owner = None,
    due_only: bool = True,
) -> list[ClaimedDelivery]:
    """Take up to LIMIT due pending rows nobody holds, oldest first, for LEASE.

    A row is free when it was never claimed, its lease ran out, it is WORKER's own (left by a
    broken release: a worker drains one batch at a time), or — on PostgreSQL — its claimer's
    session has ended. A row waiting after an error is due at its ``next_attempt_at``; without
    DUE_ONLY the waiting rows due soonest come first, due or not (a probe during an outage).
    """
    postgres = session.get_bind().dialect.name == "postgresql"
    free = [Delivery.claimed_until.is_(None), Delivery.claimed_until < now, Delivery.claimed_by == worker]
    if postgres:
        free.append(_owner_gone())
    stmt = select(Delivery).where(Delivery.status == PENDING).where(or_(*free)).limit(limit)
    if due_only:
        stmt = stmt.where(or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now))
        stmt = stmt.order_by(Delivery.fire_at, Delivery.id)
    else:
        stmt = stmt.order_by(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at, Delivery.id)
    if postgres:
        stmt = stmt.with_for_update(skip_locked=True)
    rows = list(session.scalars(stmt))
    pid, started = owner if owner is not None else (None, None)
    for row in rows:
        row.claimed_by = worker
        row.claimed_until = now + lease
        row.claim_pid = pid
        row.claim_backend_start = started
    session.flush()
    return [
        ClaimedDelivery(
            r.id,
            r.key,
            r.beat,
            r.chat_id,
            tuple(Part.from_json(p) for p in r.parts),
            len(r.message_ids or ()),
            r.attempts,
        )
        for r in rows
    ]


_UNCLAIMED: dict[str, Any] = {
    "claimed_by": None,
    "claimed_until": None,
    "claim_pid": None,
    "claim_backend_start": None,
}


def release_claims(session: Session, worker: str | None = None, ids: Sequence[int] | None = None) -> int:
    """Drop the claims of WORKER (every claim when None: a single-process store starting up).

    IDS limits it to those rows.
    """
    stmt = update(Delivery).where(Delivery.status == PENDING, Delivery.claimed_by.is_not(None))
    if worker is not None:
        stmt = stmt.where(Delivery.claimed_by == worker)
    if ids is not None:
        stmt = stmt.where(Delivery.id.in_(list(ids)))
    return rows_changed(session, stmt.values(**_UNCLAIMED))


def extend_claim(
    session: Session, delivery_id: int, worker: str, until: dt.datetime, owner: Owner = None
) -> bool:
    """Hold WORKER's claim on a pending row until UNTIL; False when the claim is no longer WORKER's.

    A lease can run out while a long queue waits on the rate limiter; another replica may then
    have claimed the row, and it must not be sent twice.
    """
    changed = rows_changed(
        session,
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.claimed_by == worker, Delivery.status == PENDING)
        .values(claimed_until=until, **_owner_values(owner)),
    )
    return changed == 1


def renew_claims(session: Session, worker: str, until: dt.datetime, owner: Owner = None) -> int:
    """Hold every pending row WORKER claimed until UNTIL (under OWNER's session, which may be new)."""
    return rows_changed(
        session,
        update(Delivery)
        .where(Delivery.claimed_by == worker, Delivery.status == PENDING)
        .values(claimed_until=until, **_owner_values(owner)),
    )


def record_part(session: Session, delivery_id: int, message_id: int, now: dt.datetime, *, last: bool) -> None:
    """Note that one more part went out as MESSAGE_ID; the row is sent when it was the LAST."""
    row = session.get(Delivery, delivery_id)
    assert row is not None
    # A retry after a commit whose answer was lost (the database restarted) records the id again:
    # it is there already, and counting it twice would skip the next part after a restart.
    if message_id not in (row.message_ids or ()):
        row.message_ids = [*(row.message_ids or ()), message_id]
    if last:
        row.status = SENT
        row.sent_at = now
        row.claimed_by = None
        row.claimed_until = None
        row.claim_pid = None
        row.claim_backend_start = None
        row.last_error = None
        row.next_attempt_at = None
        row.first_error_at = None


def note_error(session: Session, delivery_id: int, error: str, *, failed: bool) -> None:
    """Count an attempt that went wrong; FAILED gives the row up."""
    values: dict[str, Any] = {"attempts": Delivery.attempts + 1, "last_error": error[:500]}
    if failed:
        values.update(status=FAILED, next_attempt_at=None, **_UNCLAIMED)
    session.execute(update(Delivery).where(Delivery.id == delivery_id).values(**values))


def defer(
    session: Session, delivery_id: int, error: str, now: dt.datetime, next_at: dt.datetime, *, attempts: int
) -> None:
    """Put a row that failed for a passing reason back, due again at NEXT_AT, after ATTEMPTS more tries."""
    session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.status == PENDING)
        .values(
            attempts=Delivery.attempts + attempts,
            last_error=error[:500],
            next_attempt_at=next_at,
            first_error_at=func.coalesce(Delivery.first_error_at, now),
            **_UNCLAIMED,
        )
    )


def give_up_stale(session: Session, now: dt.datetime, give_up_after: dt.timedelta) -> int:
    """Fail the pending rows nobody holds that have kept failing for GIVE_UP_AFTER; return how many."""
    return rows_changed(
        session,
        update(Delivery)
        .where(Delivery.status == PENDING, Delivery.first_error_at <= now - give_up_after)
        .where(or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < now))
        .values(status=FAILED, next_attempt_at=None, **_UNCLAIMED),
    )


def wake_deferred(session: Session, now: dt.datetime) -> int:
    """Make every row waiting after an error due now (Telegram answers again)."""
    return rows_changed(
        session,
        update(Delivery)
        .where(Delivery.status == PENDING, Delivery.next_attempt_at > now)
        .values(next_attempt_at=now),
    )


def next_attempt(session: Session, now: dt.datetime) -> dt.datetime | None:
    """When the next row waiting after an error is due again, after NOW (None when none waits)."""
    return session.scalar(
        select(func.min(Delivery.next_attempt_at)).where(
            Delivery.status == PENDING, Delivery.next_attempt_at > now
        )
    )


def recent_sends(session: Session, since: dt.datetime) -> list[tuple[int, dt.datetime, int]]:
    """(chat, sent at, messages) of the rows sent since SINCE: what the per-chat limit must remember."""
    rows = session.execute(
        select(Delivery.chat_id, Delivery.sent_at, Delivery.message_ids).where(
            Delivery.status == SENT, Delivery.sent_at >= since
        )
    )
    return [(chat, at, len(ids or ())) for chat, at, ids in rows if at is not None]


def fail_pending_for_chat(session: Session, chat_id: int, error: str) -> int:
    """Give up every pending row addressed to CHAT_ID (the bot may not write there any more)."""
    return rows_changed(
        session,
        update(Delivery)
        .where(Delivery.chat_id == chat_id, Delivery.status == PENDING)
        .values(status=FAILED, last_error=error[:500], next_attempt_at=None, **_UNCLAIMED),
    )


def deactivate_chat(session: Session, chat_id: int) -> Chat | None:
    """Mark the chat with Telegram id CHAT_ID inactive; return it (None when it has no row)."""
    chat = chat_by_telegram_id(session, chat_id)
    if chat is not None:
        chat.active = False
    return chat


def migrate_chat(session: Session, old_id: int, new_id: int, now: dt.datetime) -> None:
    """A group became the supergroup NEW_ID: follow it everywhere (chat row, pending rows, settings)."""
    old = chat_by_telegram_id(session, old_id)
    new = chat_by_telegram_id(session, new_id)
    if old is not None and new is None:
        old.telegram_chat_id = new_id
    elif old is not None and new is not None:
        # The bot already knows the new chat: its bindings and tasks join it, the old row retires.
        have = {
            (b.party_id, b.person_id)
            for b in session.scalars(select(Binding).where(Binding.chat_id == new.id))
        }
        for binding in session.scalars(select(Binding).where(Binding.chat_id == old.id)):
            if (binding.party_id, binding.person_id) in have:
                session.delete(binding)
            else:
                binding.chat_id = new.id
        session.execute(update(Task).where(Task.chat_id == old.id).values(chat_id=new.id))
        has = set(session.scalars(select(Assignment.task_id).where(Assignment.chat_id == new.id)))
        for share in session.scalars(select(Assignment).where(Assignment.chat_id == old.id)):
            if share.task_id in has:
                session.delete(share)
            else:
                share.chat_id = new.id
        new.active = True
        old.active = False
    session.execute(
        update(Delivery).where(Delivery.chat_id == old_id, Delivery.status == PENDING).values(chat_id=new_id)
    )
    mapping = session.get(ChatMigration, old_id)
    if mapping is None:
        session.add(ChatMigration(old_chat_id=old_id, new_chat_id=new_id, migrated_at=now))
    else:
        mapping.new_chat_id = new_id
        mapping.migrated_at = now
    session.flush()


def resolve_chat(session: Session, chat_id: int) -> int:
    """CHAT_ID, or the chat it migrated to (for ids written in the settings)."""
    for _ in range(MAX_MIGRATION_HOPS):
        moved = session.scalar(select(ChatMigration.new_chat_id).where(ChatMigration.old_chat_id == chat_id))
        if moved is None or moved == chat_id:
            break
        chat_id = moved
    return chat_id


def last_fired(session: Session, beat: str) -> dt.datetime | None:
    """When BEAT last fired; on PostgreSQL the row stays locked until the transaction ends."""
    state = session.get(SchedulerState, beat, with_for_update=True)
    return state.last_fire_at if state else None


def set_fired(session: Session, beat: str, at: dt.datetime) -> None:
    state = session.get(SchedulerState, beat)
    if state is None:
        session.add(SchedulerState(name=beat, last_fire_at=at))
    else:
        state.last_fire_at = at
    session.flush()


def deliveries(session: Session, status: str | None = None, *, limit: int | None = None) -> list[Delivery]:
    """Ledger rows, newest fire first (only those with STATUS when given)."""
    stmt = select(Delivery).order_by(Delivery.fire_at.desc(), Delivery.id.desc())
    if status:
        stmt = stmt.where(Delivery.status == status)
    if limit:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def pending_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Delivery).where(Delivery.status == PENDING)) or 0
