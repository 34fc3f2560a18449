"""The delivery ledger on SQLite and PostgreSQL: written once, claimed once, followed across migrations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from taskbot.config import Settings
from taskbot.domain.values import Beat
from taskbot.runtime import Runtime, build_runtime
from taskbot.schedule import ledger
from taskbot.schedule.ledger import PlannedDelivery
from taskbot.schedule.render import Part
from taskbot.schedule.service import ReminderService
from taskbot.store.db import transaction
from taskbot.store.models import Binding, Chat, Delivery, Party, Task
from tests.schedule.store_builder import StoreBuilder
from tests.support.clock import ManualClock

NOW = dt.datetime(2026, 10, 8, 1, 0, tzinfo=dt.UTC)
LEASE = dt.timedelta(minutes=10)


@pytest.fixture
def rt(any_store_settings: Settings) -> Iterator[Runtime]:
    runtime = build_runtime(any_store_settings, clock=ManualClock(NOW))
    yield runtime
    runtime.close()


def planned(n: int, chat: int = -1001, parts: int = 1) -> list[PlannedDelivery]:
    return [
        PlannedDelivery(
            key=f"weekly|2026-10-08T01:00:00Z|chat|c{i}",
            beat="weekly",
            fire_at=NOW,
            chat_id=chat - i,
            task_ids=(i,),
            parts=tuple(Part(f"message {i} part {p}") for p in range(parts)),
        )
        for i in range(n)
    ]


def test_recording_twice_writes_once(rt: Runtime) -> None:
    with transaction(rt.sessions) as s:
        assert ledger.record(s, planned(3), NOW) == 3
    with transaction(rt.sessions) as s:
        assert ledger.record(s, planned(4), NOW) == 1
        assert ledger.pending_count(s) == 4


def test_a_claim_is_a_lease(rt: Runtime) -> None:
    with transaction(rt.sessions) as s:
        ledger.record(s, planned(3), NOW)
    with transaction(rt.sessions) as s:
        mine = ledger.claim(s, "a", NOW, limit=2, lease=LEASE)
    with transaction(rt.sessions) as s:
        theirs = ledger.claim(s, "b", NOW, limit=10, lease=LEASE)
    assert [c.key[-2:] for c in mine] == ["c0", "c1"]
    assert [c.key[-2:] for c in theirs] == ["c2"]
    with transaction(rt.sessions) as s:
        assert ledger.claim(s, "c", NOW + LEASE / 2, limit=10, lease=LEASE) == []
        # a worker's own claims are its own to take again (it drains one batch at a time)
        assert [c.key[-2:] for c in ledger.claim(s, "b", NOW + LEASE / 2, limit=10, lease=LEASE)] == ["c2"]
        # a's lease runs out (a died): b picks the rows up
        assert len(ledger.claim(s, "b", NOW + LEASE * 2, limit=10, lease=LEASE)) == 3
    with transaction(rt.sessions) as s:
        assert ledger.release_claims(s, "b") == 3
        assert len(ledger.claim(s, "c", NOW, limit=10, lease=LEASE)) == 3


def test_parts_are_recorded_one_by_one(rt: Runtime) -> None:
    with transaction(rt.sessions) as s:
        ledger.record(s, planned(1, parts=3), NOW)
        [row] = ledger.claim(s, "a", NOW, lease=LEASE)
        ledger.record_part(s, row.id, 501, NOW, last=False)
    with transaction(rt.sessions) as s:
        ledger.release_claims(s)
        [again] = ledger.claim(s, "b", NOW, lease=LEASE)
        assert again.sent_parts == 1
        ledger.record_part(s, row.id, 502, NOW, last=False)
        ledger.record_part(s, row.id, 503, NOW, last=True)
    with rt.sessions() as s:
        [done] = ledger.deliveries(s)
        assert (done.status, done.message_ids, done.claimed_by) == ("sent", [501, 502, 503], None)
        assert ledger.deliveries(s, "pending") == []


def test_recording_a_part_again_counts_it_once(rt: Runtime) -> None:
    # the commit of the first record landed but its answer was lost: the sender records it again
    with transaction(rt.sessions) as s:
        ledger.record(s, planned(1, parts=2), NOW)
        [row] = ledger.claim(s, "a", NOW, lease=LEASE)
        ledger.record_part(s, row.id, 501, NOW, last=False)
    with transaction(rt.sessions) as s:
        ledger.record_part(s, row.id, 501, NOW, last=False)
    with transaction(rt.sessions) as s:
        ledger.release_claims(s)
        [again] = ledger.claim(s, "b", NOW, lease=LEASE)
        assert again.sent_parts == 1  # the second part is still to send
        ledger.record_part(s, row.id, 502, NOW, last=True)
    with rt.sessions() as s:
        [done] = ledger.deliveries(s)
        assert (done.status, done.message_ids) == ("sent", [501, 502])


def test_errors_count_attempts_and_fail(rt: Runtime) -> None:
    with transaction(rt.sessions) as s:
        ledger.record(s, planned(2), NOW)
        rows = ledger.claim(s, "a", NOW, lease=LEASE)
        ledger.note_error(s, rows[0].id, "network: timed out", failed=False)
        ledger.note_error(s, rows[0].id, "network: timed out", failed=True)
        assert ledger.fail_pending_for_chat(s, rows[1].chat_id, "forbidden") == 1
    with rt.sessions() as s:
        first, second = sorted(ledger.deliveries(s, "failed"), key=lambda d: d.id)
        assert (first.attempts, first.last_error) == (2, "network: timed out")
        assert second.last_error == "forbidden"


def test_migration_follows_the_chat_everywhere(rt: Runtime) -> None:
    store = StoreBuilder(rt)
    store.chat(-1001, "旧群")
    store.party("甲镇", chats=[-1001])
    store.task("任务", chat=-1001)
    with transaction(rt.sessions) as s:
        ledger.record(s, planned(1, chat=-1001), NOW)
        sent = planned(2, chat=-1001)[1]
        ledger.record(s, [sent], NOW)
        s.execute(Delivery.__table__.update().where(Delivery.key == sent.key).values(status="sent"))
        ledger.migrate_chat(s, -1001, -1009001, NOW)
    with rt.sessions() as s:
        chat = s.scalar(select(Chat))
        assert chat.telegram_chat_id == -1009001
        statuses = {d.status: d.chat_id for d in ledger.deliveries(s)}
        assert statuses == {"pending": -1009001, "sent": -1002}  # the sent row keeps its history
        assert ledger.resolve_chat(s, -1001) == -1009001
        assert ledger.resolve_chat(s, -555) == -555


def test_migration_into_a_chat_the_bot_already_knows(rt: Runtime) -> None:
    store = StoreBuilder(rt)
    store.chat(-1001, "旧群")
    store.chat(-1009001, "新群")
    store.party("甲镇", chats=[-1001, -1009001])
    store.party("乙局", chats=[-1001])
    tid = store.task("任务", chat=-1001)
    with transaction(rt.sessions) as s:
        ledger.migrate_chat(s, -1001, -1009001, NOW)
    with rt.sessions() as s:
        new = s.scalar(select(Chat).where(Chat.telegram_chat_id == -1009001))
        old = s.scalar(select(Chat).where(Chat.telegram_chat_id == -1001))
        bound = sorted(
            s.execute(select(Party.name, Binding.chat_id).join(Party, Party.id == Binding.party_id)).all()
        )
        assert bound == [("乙局", new.id), ("甲镇", new.id)]
        assert s.get(Task, tid).chat_id == new.id
        assert (old.active, new.active) == (False, True)


def test_a_beat_is_planned_once(rt: Runtime) -> None:
    store = StoreBuilder(rt)
    store.chat(-1001)
    store.party("甲镇", chats=[-1001])
    store.task("任务", parties=["甲镇"])
    service = ReminderService(rt)
    fire_at = dt.datetime(2026, 10, 8, 1, 0, tzinfo=dt.UTC)
    assert service.fire(Beat.WEEKLY, fire_at) == 1
    assert service.fire(Beat.WEEKLY, fire_at) == 0
    with rt.sessions() as s:
        [row] = ledger.deliveries(s)
        assert (row.key, row.chat_id, row.task_ids) == ("weekly|2026-10-08T01:00:00Z|chat|c1", -1001, [1])
        assert ledger.last_fired(s, "weekly") == fire_at


@pytest.mark.postgres
def test_two_replicas_never_claim_the_same_row(pg_settings: Settings) -> None:
    rt = build_runtime(pg_settings, clock=ManualClock(NOW))
    try:
        with transaction(rt.sessions) as s:
            ledger.record(s, planned(6), NOW)
        first = rt.sessions()
        first.begin()
        try:
            # replica A is mid-claim (its transaction still open, rows locked)…
            a = ledger.claim(first, "a", NOW, limit=4, lease=LEASE)
            # …while replica B claims: it skips the locked rows instead of waiting for them
            with transaction(rt.sessions) as s:
                b = ledger.claim(s, "b", NOW, limit=10, lease=LEASE)
            first.commit()
        finally:
            first.close()
        assert len(a) == 4
        assert len(b) == 2
        assert not {r.id for r in a} & {r.id for r in b}
    finally:
        rt.close()


def test_renewing_holds_a_workers_claims_and_releasing_frees_only_the_unsent(rt: Runtime) -> None:
    with transaction(rt.sessions) as s:
        ledger.record(s, planned(3), NOW)
        rows = ledger.claim(s, "a", NOW, lease=LEASE)
        ledger.record_part(s, rows[0].id, 501, NOW, last=True)
    with transaction(rt.sessions) as s:
        assert ledger.renew_claims(s, "a", NOW + LEASE * 2) == 2  # the sent row is no claim any more
        assert ledger.claim(s, "b", NOW + LEASE * 3 / 2, lease=LEASE) == []  # held past the first lease
        assert ledger.release_claims(s, "a") == 2
        assert len(ledger.claim(s, "b", NOW, lease=LEASE)) == 2


def test_a_deferred_row_waits_until_its_next_attempt(rt: Runtime) -> None:
    later = NOW + dt.timedelta(seconds=30)
    with transaction(rt.sessions) as s:
        ledger.record(s, planned(2), NOW)
        first, second = ledger.claim(s, "a", NOW, lease=LEASE)
        ledger.defer(s, first.id, "network: reset", NOW, later, attempts=3)
        ledger.release_claims(s, "a")
    with transaction(rt.sessions) as s:
        assert [c.id for c in ledger.claim(s, "b", NOW, lease=LEASE)] == [second.id]
        ledger.release_claims(s, "b")
        assert ledger.next_attempt(s, NOW) == later
        # a probe takes the waiting row before it is due
        [probe] = ledger.claim(s, "b", NOW, limit=1, lease=LEASE, due_only=False)
        assert (probe.id, probe.attempts) == (first.id, 3)
        ledger.release_claims(s, "b")
        assert first.id in [c.id for c in ledger.claim(s, "c", later, lease=LEASE)]
    with rt.sessions() as s:
        row = s.get(Delivery, first.id)
        assert (row.status, row.first_error_at, row.last_error) == ("pending", NOW, "network: reset")
