"""The reminder service: a beat fires → plan → ledger rows (before anything is sent) → sender.

Every entry point takes the time it acts for: ``fire(beat, at)`` plans the beat scheduled at AT,
``start(now)`` resumes after a restart. The scheduler wiring calls them with real times; tests
call them with whatever time they need.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy.orm import Session

from taskbot.domain.beats import fires_between, last_fire, next_fire
from taskbot.domain.calendar import WorkCalendar
from taskbot.domain.digest import Standing
from taskbot.domain.values import Beat
from taskbot.ops.logs import log_context
from taskbot.runtime import Runtime
from taskbot.schedule import ledger, receipts
from taskbot.schedule.ledger import PlannedDelivery, delivery_key
from taskbot.schedule.planner import Audience, Fire, PlanRules, plan_beat, plan_window, previous_fire
from taskbot.schedule.render import RenderContext, render_fire
from taskbot.schedule.sender import Sender, SendStats
from taskbot.services.digest import StoreView, load_view, red_black_rules
from taskbot.store.db import transaction

log = logging.getLogger(__name__)

MAX_SKIP_LINES = 50  # lines about skipped missed beats per beat, then a count


class ReminderService:
    """Plans beats into the ledger and hands the ledger to the sender."""

    def __init__(
        self, runtime: Runtime, sender: Sender | None = None, *, calendar: WorkCalendar | None = None
    ) -> None:
        self.runtime = runtime
        self.settings = runtime.settings
        self.sessions = runtime.sessions
        self.sender = sender
        self.cal = calendar or runtime.calendar
        # The beat jobs when installed on a JobQueue (``schedule.wiring``).
        self.jobs: Any = None
        self._planning = asyncio.Lock()
        self._closers: list[Callable[[], None]] = []

    def on_close(self, closer: Callable[[], None]) -> None:
        self._closers.append(closer)

    def close(self) -> None:
        """Release what the service holds (the scheduler lock); call at shutdown."""
        while self._closers:
            self._closers.pop()()

    # --- rules and views ---

    def rules(self, session: Session) -> PlanRules:
        leaders = self.settings.leaders_chat_id
        if leaders is not None:
            leaders = ledger.resolve_chat(session, leaders)
        return PlanRules.from_settings(self.settings, leaders_chat_id=leaders)

    def _view(
        self, session: Session, beats: Iterable[Beat], start: dt.datetime, rules: PlanRules
    ) -> StoreView:
        done_since = None
        if Beat.FORTNIGHTLY in beats:
            # Tasks done since the bulletin before START may still be reported as done.
            done_since = previous_fire(Beat.FORTNIGHTLY, start, rules, self.cal)
        return load_view(session, done_since=done_since)

    # --- planning without sending ---

    def preview(
        self, start: dt.datetime, end: dt.datetime, beats: Iterable[Beat] = tuple(Beat)
    ) -> list[Fire]:
        """What the beats in START < t <= END would send (``taskbot plan``); writes nothing."""
        beats = tuple(beats)
        with self.sessions() as session:
            rules = self.rules(session)
            view = self._view(session, beats, start, rules)
            return plan_window(start, end, view, rules, self.cal, beats)

    # --- firing ---

    def fire(self, beat: Beat, at: dt.datetime) -> int:
        """Plan BEAT scheduled at AT into the ledger, once; return the number of rows written.

        The beat's state and its rows are written in one transaction: a beat is either planned
        completely or not at all, and never twice (a second call, here or on another replica,
        finds the state already at AT).
        """
        now = self.runtime.clock()
        with transaction(self.sessions) as session:
            last = ledger.last_fired(session, beat.value)
            if last is not None and last >= at:
                log.info("%s beat of %s already planned", beat.value, at.isoformat())
                return 0
            rules = self.rules(session)
            view = self._view(session, (beat,), at, rules)
            fires = plan_beat(beat, at, view, rules, self.cal)
            planned = self._deliveries(session, fires, view, rules)
            written = ledger.record(session, planned, now)
            if beat is Beat.FORTNIGHTLY:
                self._snapshot(session, at)
            ledger.set_fired(session, beat.value, at)
        log.info("%s beat of %s: %d messages planned", beat.value, at.isoformat(), written)
        return written

    def _trend(self, session: Session, at: dt.datetime) -> tuple[dt.date, list[tuple[Standing, int]]] | None:
        """What moved since the last stored bulletin snapshot before AT (None: there is none)."""
        from taskbot.services import trends

        tz = self.settings.tz
        try:
            with session.begin_nested():
                past = trends.periods(session, before=at, limit=1)
                if not past:
                    return None
                present = trends.current(session, self.settings, at, at.astimezone(tz).date())
        except Exception:  # the comparison is extra: the bulletin goes out without it
            log.exception("the trend for the bulletin of %s could not be read", at)
            return None
        return past[-1].taken_at.astimezone(tz).date(), trends.changes(present, past[-1])

    def _snapshot(self, session: Session, at: dt.datetime) -> None:
        """Store every unit's standings at the bulletin AT (trends); never a reason to miss the beat."""
        from taskbot.services.trends import take_snapshot

        try:
            with session.begin_nested():
                take_snapshot(session, self.settings, at, at.astimezone(self.settings.tz).date())
        except Exception:
            log.exception("the standings snapshot of %s failed; the bulletin goes out without it", at)

    def _deliveries(
        self, session: Session, fires: list[Fire], view: StoreView, rules: PlanRules
    ) -> list[PlannedDelivery]:
        ctx = RenderContext(
            view,
            rules,
            red_black_rules(self.settings),
            self.cal,
            self.settings.language,
            max_items=self.settings.reminders.max_items,
        )
        if any(f.audience is Audience.LEADERS and f.beat is Beat.FORTNIGHTLY for f in fires):
            ctx.trend = self._trend(session, fires[0].at)
        overall = next((f.task_ids for f in fires if f.audience is Audience.LEADERS), None)
        default_chat = self.settings.default_chat_id
        if default_chat is not None:
            default_chat = ledger.resolve_chat(session, default_chat)
        planned = []
        for fire in fires:
            chat_id, target, unbound = fire.chat_id, "", False
            if fire.audience is Audience.OFFICE:
                target = "office"
                if chat_id is None:  # office fires name their chat; never unbound
                    continue
            elif fire.audience is Audience.LEADERS:
                target = "leaders"
                if chat_id is None:
                    log.warning("%s at %s: leaders_chat_id is not set, not sent", fire.beat.value, fire.at)
                    continue
            elif chat_id is None:
                target, chat_id, unbound = "unbound", default_chat, True
                if chat_id is None:
                    log.warning(
                        "%s at %s: %d tasks have no chat and default_chat_id is not set, not sent",
                        fire.beat.value,
                        fire.at,
                        len(fire.task_ids),
                    )
                    continue
            else:
                target = f"c{view.chats[chat_id].pk}"
            known = view.chats.get(chat_id)
            if known is not None and not known.active:
                log.warning("%s at %s: chat %s is inactive, not sent", fire.beat.value, fire.at, chat_id)
                continue
            try:
                parts = render_fire(
                    Fire(fire.at, fire.beat, chat_id, fire.task_ids, fire.audience),
                    ctx,
                    unbound=unbound,
                    overall_ids=overall,
                )
            except Exception:
                # One message that cannot be written must not cost every other chat its reminder.
                log.exception(
                    "%s at %s: the message to chat %s cannot be rendered, not sent",
                    fire.beat.value,
                    fire.at,
                    chat_id,
                )
                continue
            planned.append(
                PlannedDelivery(
                    key=delivery_key(fire, target),
                    beat=fire.beat.value,
                    fire_at=fire.at,
                    chat_id=chat_id,
                    task_ids=fire.task_ids,
                    parts=tuple(parts),
                )
            )
        return planned

    async def run_beat(self, beat: Beat, at: dt.datetime) -> SendStats:
        """Fire BEAT at AT and send what it planned (and anything else pending).

        Planning runs in a worker thread, one beat at a time: a beat over many tasks takes seconds,
        and the bot keeps answering meanwhile.
        """
        started = time.perf_counter()
        with log_context(beat=beat.value):
            async with self._planning:
                planned = await asyncio.to_thread(self.fire, beat, at)
            stats = await self.drain()
            log.info(
                "%s beat of %s: planned %d, sent %d, failed %d in %.1f s",
                beat.value,
                at.isoformat(),
                planned,
                stats.delivered,
                stats.failed,
                time.perf_counter() - started,
            )
        return stats

    async def drain(self) -> SendStats:
        if self.sender is None:
            return SendStats()
        return await self.sender.drain()

    def stop(self) -> None:
        """Stop sending between two sends: what is not sent stays pending for the next start."""
        if self.sender is not None:
            self.sender.stop()

    @property
    def stopping(self) -> bool:
        return self.sender is not None and self.sender.stopping

    def next_attempt(self) -> dt.datetime | None:
        """When the sender can next send a row that is waiting (after an error or an outage pause)."""
        if self.sender is None:
            return None
        now = self.runtime.clock()
        paused = self.sender.paused_until
        if paused is not None and paused > now:
            return paused
        with self.sessions() as session:
            return ledger.next_attempt(session, now)

    # --- restarts ---

    def catch_up(self, now: dt.datetime) -> list[tuple[Beat, dt.datetime]]:
        """Plan, once, the latest fire of each beat missed while the bot was down.

        Only the latest missed fire of a beat counts, and only within ``schedule.grace_hours``
        of NOW; an older one is skipped with a log line. Return the fires planned.
        """
        grace = dt.timedelta(hours=self.settings.schedule.grace_hours)
        rules = PlanRules.from_settings(self.settings)
        planned: list[tuple[Beat, dt.datetime]] = []
        for beat in Beat:
            latest = last_fire(beat, now, rules.beats, self.cal)
            with transaction(self.sessions) as session:
                last = ledger.last_fired(session, beat.value)
                if last is not None and last >= latest:
                    continue
                if last is not None:
                    self._log_superseded(beat, last, latest, rules)
                if now - latest > grace:
                    log.info(
                        "skipping the missed %s beat of %s: more than %s h ago",
                        beat.value,
                        latest.isoformat(),
                        self.settings.schedule.grace_hours,
                    )
                    ledger.set_fired(session, beat.value, latest)
                    continue
            log.info("catching up the missed %s beat of %s", beat.value, latest.isoformat())
            try:
                self.fire(beat, latest)
            except Exception:
                # The other beats are still caught up; the sweep tries this one again.
                log.exception("catching up the %s beat of %s failed", beat.value, latest.isoformat())
                continue
            planned.append((beat, latest))
        return planned

    def _log_superseded(self, beat: Beat, last: dt.datetime, latest: dt.datetime, rules: PlanRules) -> None:
        """One line for each missed fire of BEAT before LATEST: only the latest is ever sent."""
        missed = fires_between(beat, last, latest - dt.timedelta(seconds=1), rules.beats, self.cal)
        for at in missed[:MAX_SKIP_LINES]:
            log.info(
                "skipping the missed %s beat of %s: the later one of %s replaces it",
                beat.value,
                at.isoformat(),
                latest.isoformat(),
            )
        if len(missed) > MAX_SKIP_LINES:
            log.info("… and %d more missed %s beats skipped", len(missed) - MAX_SKIP_LINES, beat.value)

    async def start(self, now: dt.datetime, *, single_process: bool | None = None) -> SendStats:
        """After a (re)start: resend what is pending, catch up missed beats, send those.

        SINGLE_PROCESS (default: the store is SQLite) drops every claim left by the previous run.
        """
        if single_process is None:
            single_process = self.runtime.engine.dialect.name == "sqlite"
        if single_process:
            with transaction(self.sessions) as session:
                released = ledger.release_claims(session)
            if released:
                log.info("released %d deliveries claimed before the restart", released)
        return await self.resume(now)

    async def resume(self, now: dt.datetime) -> SendStats:
        """Catch up missed beats (once, within the grace), plan the 签收 announcements due, and send
        everything pending."""
        async with self._planning:
            await asyncio.to_thread(self.catch_up, now)
            await asyncio.to_thread(self.plan_receipts, now)
        return await self.drain()

    def plan_receipts(self, now: dt.datetime) -> int:
        """Write the 签收 announcements, repeats and office lists, and the 催办 repeats, due at NOW;
        return how many."""
        with transaction(self.sessions) as session:
            planned = receipts.plan_receipts(session, now, self.settings, self.cal)
            planned += receipts.plan_urge_repeats(session, now, self.settings, self.cal)
            written = ledger.record(session, planned, now)
        if written:
            log.info("签收 and 催办: %d messages planned", written)
        return written

    def next_fire(self, beat: Beat, after: dt.datetime) -> dt.datetime:
        """When BEAT fires next after AFTER."""
        return next_fire(beat, after, PlanRules.from_settings(self.settings).beats, self.cal)

    def next_fires(self, now: dt.datetime) -> dict[Beat, dt.datetime]:
        """When each beat fires next after NOW."""
        return {beat: self.next_fire(beat, now) for beat in Beat}
