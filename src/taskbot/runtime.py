"""The composition root: builds the store, the clock and the settings every entry point shares."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from taskbot.clock import Clock, system_clock
from taskbot.config import Settings
from taskbot.domain.calendar import WorkCalendar, default_calendar, use_calendar
from taskbot.ops.metrics import Metrics
from taskbot.store import db


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock = field(default=system_clock)
    calendar: WorkCalendar = field(default_factory=default_calendar)
    # The process's Prometheus registry (exported at /metrics when http.enabled).
    metrics: Metrics = field(default_factory=Metrics)

    def close(self) -> None:
        self.engine.dispose()


def build_runtime(
    settings: Settings, *, clock: Clock | None = None, migrate: bool = True, create: bool = True
) -> Runtime:
    """Open the store named by SETTINGS (upgrading its schema unless MIGRATE is false).

    With CREATE false a SQLite file that does not exist yet is not created: the runtime gets an empty
    in-memory store instead, so a command that only reads leaves no file behind.
    """
    url = settings.database.effective_url
    if not create and db.sqlite_file_missing(url):
        url = db.MEMORY_URL
    engine = db.make_engine(url, echo=settings.database.echo)
    if migrate:
        db.upgrade(engine)
    calendar = work_calendar(settings)
    # The bulletin parser counts 工作日 without a runtime at hand: it reads the process-wide calendar.
    use_calendar(calendar)
    return Runtime(settings, engine, db.make_sessionmaker(engine), clock or system_clock, calendar)


def work_calendar(settings: Settings) -> WorkCalendar:
    """The work calendar with the office's own holidays and make-up workdays from SETTINGS."""
    return WorkCalendar(settings.calendar.holiday_dates(), settings.calendar.workday_dates())
