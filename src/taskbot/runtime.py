"""The composition root: builds the store, the clock and the settings every entry point shares."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from taskbot.clock import Clock, system_clock
from taskbot.config import Settings
from taskbot.domain.calendar import WorkCalendar, default_calendar, use_calendar
from taskbot.store import db


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock = field(default=system_clock)
    calendar: WorkCalendar = field(default_factory=default_calendar)

    def close(self) -> None:
        self.engine.dispose()


def build_runtime(settings: Settings, *, clock: Clock | None = None, migrate: bool = True) -> Runtime:
    """Open the store named by SETTINGS (upgrading its schema unless MIGRATE is false)."""
    engine = db.make_engine(settings.database.url, echo=settings.database.echo)
    if migrate:
        db.upgrade(engine)
    calendar = work_calendar(settings)
    # The bulletin parser counts 工作日 without a runtime at hand: it reads the process-wide calendar.
    use_calendar(calendar)
    return Runtime(settings, engine, db.make_sessionmaker(engine), clock or system_clock, calendar)


def work_calendar(settings: Settings) -> WorkCalendar:
    """The work calendar with the office's own holidays and make-up workdays from SETTINGS."""
    return WorkCalendar(settings.calendar.holiday_dates(), settings.calendar.workday_dates())
