"""What /readyz reports: can the store be used, is the schema current, is somebody scheduling, did the
beats fire when they should have, how much is waiting in the delivery ledger.

``Probe`` reads everything synchronously (call it in a worker thread); the metrics collector asks the
same probe, so /readyz and /metrics never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from taskbot.domain.beats import last_fire
from taskbot.domain.calendar import WorkCalendar, default_calendar
from taskbot.domain.values import Beat, DeliveryStatus
from taskbot.runtime import Runtime
from taskbot.schedule.leader import SCHEDULER_LOCK_KEY
from taskbot.schedule.planner import PlanRules
from taskbot.store import db
from taskbot.store.errors import StoreError
from taskbot.store.models import Delivery, SchedulerState

# A beat counts as missed when its last scheduled time is this far behind and it has not fired.
BEAT_SLACK = dt.timedelta(minutes=10)


@dataclass
class BeatState:
    expected: dt.datetime
    fired: dt.datetime | None
    missed: bool


@dataclass
class Readiness:
    """The answer of /readyz; ``ready`` is false when any check that matters failed."""

    database: bool
    schema_current: bool
    revision: str | None
    head: str
    scheduler_enabled: bool
    leader_here: bool
    leader_known: bool
    beats: dict[str, BeatState] = field(default_factory=dict)
    deliveries: dict[str, int] = field(default_factory=dict)
    oldest_pending: dt.datetime | None = None
    error: str | None = None

    @property
    def ready(self) -> bool:
        if not (self.database and self.schema_current):
            return False
        if not self.scheduler_enabled:
            return True
        return self.leader_known and not any(b.missed for b in self.beats.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "ready": self.ready,
            "database": {"reachable": self.database, "error": self.error},
            "schema": {"current": self.schema_current, "revision": self.revision, "head": self.head},
            "scheduler": {
                "enabled": self.scheduler_enabled,
                "leader_here": self.leader_here,
                "leader_known": self.leader_known,
            },
            "beats": {
                name: {
                    "expected": b.expected.isoformat(),
                    "fired": b.fired.isoformat() if b.fired else None,
                    "missed": b.missed,
                }
                for name, b in self.beats.items()
            },
            "deliveries": {
                **self.deliveries,
                "oldest_pending": self.oldest_pending.isoformat() if self.oldest_pending else None,
            },
        }


class Probe:
    """Asks the store (and this process's scheduler) how things stand."""

    def __init__(
        self,
        runtime: Runtime,
        *,
        leader: Callable[[], bool] = lambda: False,
        calendar: WorkCalendar | None = None,
    ) -> None:
        self.runtime = runtime
        self.leader = leader
        self.cal = calendar or default_calendar()

    def readiness(self) -> Readiness:
        settings = self.runtime.settings
        enabled = settings.schedule.enabled
        head = db.head_revision()
        here = bool(enabled and self.leader())
        try:
            revision = db.current_revision(self.runtime.engine)
        except StoreError as exc:
            return Readiness(False, False, None, head, enabled, here, here, error=str(exc))
        state = Readiness(True, revision == head, revision, head, enabled, here, here)
        if revision != head:
            return state
        now = self.runtime.clock()
        try:
            with self.runtime.sessions() as session:
                state.deliveries = self._delivery_counts(session)
                state.oldest_pending = session.scalar(
                    select(func.min(Delivery.fire_at)).where(Delivery.status == DeliveryStatus.PENDING.value)
                )
                if enabled:
                    state.leader_known = here or self._lock_held_elsewhere(session)
                    state.beats = self._beats(session, now)
        except SQLAlchemyError as exc:
            state.database = False
            state.error = exc.__class__.__name__
        return state

    @staticmethod
    def _delivery_counts(session: Any) -> dict[str, int]:
        counts = {s.value: 0 for s in DeliveryStatus}
        for status, n in session.execute(select(Delivery.status, func.count()).group_by(Delivery.status)):
            counts[status] = int(n)
        return counts

    def _lock_held_elsewhere(self, session: Any) -> bool:
        if self.runtime.engine.dialect.name != "postgresql":
            return False  # SQLite is one process: the scheduler is here or nowhere
        # pg_locks shows a bigint advisory key as classid (high 32 bits) and objid (low 32 bits).
        held = session.scalar(
            text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND classid = :hi AND objid = :lo AND objsubid = 1"
            ),
            {"hi": SCHEDULER_LOCK_KEY >> 32, "lo": SCHEDULER_LOCK_KEY & 0xFFFFFFFF},
        )
        return bool(held)

    def _beats(self, session: Any, now: dt.datetime) -> dict[str, BeatState]:
        rules = PlanRules.from_settings(self.runtime.settings).beats
        fired = dict(session.execute(select(SchedulerState.name, SchedulerState.last_fire_at)).all())
        beats = {}
        for beat in Beat:
            expected = last_fire(beat, now, rules, self.cal)
            last = fired.get(beat.value)
            late = now - expected > BEAT_SLACK
            beats[beat.value] = BeatState(expected, last, late and (last is None or last < expected))
        return beats
