"""Trends from stored facts: every unit's standings (and every task's) snapshotted at each
fortnightly 通报, so "比上期 ↑3 项办结" compares with what was stored then, not with recomputed history.

A snapshot counts as the 看板's overview does (``webapp.board.overview``: each unit's shares, each
task once for the totals). One per bulletin fire time: taking it twice does nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from taskbot.config import Settings
from taskbot.domain.digest import STANDING_ORDER, Standing
from taskbot.store.models import StandingSnapshot
from taskbot.webapp.board import Role, Viewer, overview

log = logging.getLogger(__name__)

ALL = "all"


@dataclass(frozen=True, slots=True)
class Period:
    """The standings stored at one bulletin."""

    taken_at: dt.datetime
    counts: dict[Standing, int]

    @property
    def completion_rate(self) -> float:
        total = sum(self.counts.values())
        return self.counts[Standing.DONE] / total if total else 0.0


def take_snapshot(session: Session, settings: Settings, at: dt.datetime, today: dt.date) -> int:
    """Store every unit's standings and the totals as of AT (the bulletin's time); the rows written
    (0 when AT has its snapshot already)."""
    if session.scalar(select(exists().where(StandingSnapshot.taken_at == at))):
        return 0
    office = Viewer(0, "", Role.ADMIN, settings.language)
    data = overview(session, settings, office, at, today)
    rows = [StandingSnapshot(taken_at=at, scope=ALL, unit="", **data["totals"])]
    rows += [
        StandingSnapshot(taken_at=at, scope=f"c{u['chat']}", unit=u["name"], **u["counts"])
        for u in data["units"]
    ]
    session.add_all(rows)
    session.flush()
    log.info("standings of %d units snapshotted for the bulletin of %s", len(rows) - 1, at.isoformat())
    return len(rows)


def current(session: Session, settings: Settings, now: dt.datetime, today: dt.date) -> Period:
    """Every task's standings now, counted as a snapshot would."""
    office = Viewer(0, "", Role.ADMIN, settings.language)
    totals = overview(session, settings, office, now, today)["totals"]
    return Period(now, {s: totals[s.value] for s in STANDING_ORDER})


def periods(session: Session, *, before: dt.datetime, limit: int = 6) -> list[Period]:
    """The totals stored at the last LIMIT bulletins before BEFORE, oldest first."""
    rows = session.scalars(
        select(StandingSnapshot)
        .where(StandingSnapshot.scope == ALL, StandingSnapshot.taken_at < before)
        .order_by(StandingSnapshot.taken_at.desc())
        .limit(limit)
    ).all()
    return [Period(r.taken_at, {s: getattr(r, s.value) for s in STANDING_ORDER}) for r in reversed(rows)]


def changes(now: Period, before: Period) -> list[tuple[Standing, int]]:
    """What moved since BEFORE: (standing, difference), done first, nothing that stayed the same."""
    order = (Standing.DONE, Standing.OVERDUE, Standing.BLOCKED, Standing.SILENT, Standing.ON_TRACK)
    return [(s, now.counts[s] - before.counts[s]) for s in order if now.counts[s] != before.counts[s]]
