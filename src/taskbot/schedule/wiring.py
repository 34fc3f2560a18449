"""Puts the reminders on python-telegram-bot's JobQueue — the one APScheduler in the process.

``install(application, runtime)`` (call it from ``post_init``) adds a start-up job and a sweep:
- start-up: if this replica holds the scheduler lock, resend what is pending, catch up missed
  beats (once, within the grace), then schedule the next fire of every beat;
- each beat is ONE date job with a stable id (``taskbot:beat:<beat>``, replaced, never added
  twice) that fires the beat and schedules the next one;
- the sweep (every 15 s) catches up a beat whose job failed, sends rows left pending (a claim
  that expired or whose holder died), and lets a replica take the scheduler over when its holder
  died;
- a retry job (``taskbot:retry``) wakes the sender when the earliest row waiting after a network
  error is due again, or when sending paused during an outage should probe Telegram again.

A job's failure is logged as that job's (the beat, its fire time), never as an update's.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from taskbot.domain.values import Beat
from taskbot.runtime import Runtime
from taskbot.schedule.leader import Presence, SchedulerLock
from taskbot.schedule.limiter import RateLimiter
from taskbot.schedule.sender import Sender
from taskbot.schedule.service import ReminderService

log = logging.getLogger(__name__)

SWEEP_SECONDS = 15
RETRY_JOB = "taskbot:retry"
CLAIM_SECONDS = 30  # a claim takes what the bot-wide rate lets out in about this long


def job_id(beat: Beat) -> str:
    return f"taskbot:beat:{beat.value}"


class BeatJobs:
    """The beat jobs of one process, held only while it holds the scheduler lock."""

    def __init__(self, service: ReminderService, job_queue: Any, lock: SchedulerLock) -> None:
        self.service = service
        self.job_queue = job_queue
        self.lock = lock
        self.running = False
        self._starting = asyncio.Lock()
        # Set once the first start attempt is over (whether or not this process became the scheduler).
        self.ready = asyncio.Event()

    @property
    def _misfire_grace(self) -> int:
        # A beat delayed by a busy loop still fires (once, coalesced) within the catch-up grace.
        return max(1, int(self.service.settings.schedule.grace_hours * 3600))

    async def start(self) -> bool:
        """Become the scheduler if nobody is; return whether this process is it."""
        if self._starting.locked():
            return False
        async with self._starting:
            if self.running:
                return True
            if not self.lock.try_acquire():
                log.info("another replica runs the scheduler; this one waits")
                return False
            now = self.service.runtime.clock()
            self.schedule_all(now)
            self.running = True
            await self.service.start(now)
            return True

    def schedule_all(self, now: dt.datetime) -> None:
        for beat, at in self.service.next_fires(now).items():
            self.schedule(beat, at)

    def schedule(self, beat: Beat, at: dt.datetime) -> None:
        self.job_queue.run_once(
            self._on_beat,
            at,
            data=(beat, at),
            name=job_id(beat),
            job_kwargs={
                "id": job_id(beat),
                "replace_existing": True,
                "misfire_grace_time": self._misfire_grace,
                "coalesce": True,
            },
        )
        log.debug("next %s beat at %s", beat.value, at.isoformat())

    def unschedule(self) -> None:
        for beat in Beat:
            for job in self.job_queue.get_jobs_by_name(job_id(beat)):
                job.schedule_removal()
        self.running = False

    async def _on_beat(self, context: Any) -> None:
        """Fire the beat this job was scheduled for, then schedule its next fire."""
        beat, at = context.job.data
        if not self.lock.alive():
            self.unschedule()
            return
        try:
            await self.service.run_beat(beat, at)
        except Exception:
            log.exception("the %s beat of %s failed; the sweep catches it up", beat.value, at.isoformat())
        finally:
            self.schedule(beat, self.service.next_fire(beat, at))
            self.schedule_retry()

    async def sweep(self, context: Any = None) -> None:
        """Send what is left pending; take the scheduler over when its holder is gone."""
        try:
            if not self.running:
                await self.start()
                return
            if not self.lock.alive():
                # Its session ended (the database restarted, the connection dropped): take the
                # lock again at once if no other replica did, rather than a sweep later.
                self.unschedule()
                await self.start()
                return
            # A beat whose job could not plan (the store was down) is caught up here, once.
            await self.service.resume(self.service.runtime.clock())
        except Exception:
            log.exception("the delivery sweep failed; it runs again in %d s", SWEEP_SECONDS)
        finally:
            self.schedule_retry()

    async def _retry(self, context: Any = None) -> None:
        """Send the rows whose next attempt came (or probe Telegram again during an outage)."""
        try:
            if self.running and self.lock.alive():
                await self.service.drain()
        except Exception:
            log.exception("the delivery retry failed; the sweep tries again")
        finally:
            self.schedule_retry()

    def schedule_retry(self) -> None:
        """Wake the sender when the next row waiting after an error is due, if before the sweep."""
        if not self.running or self.service.stopping:
            return
        try:
            at = self.service.next_attempt()
        except Exception:
            log.exception("cannot read when the next delivery retry is due")
            return
        now = self.service.runtime.clock()
        if at is None or at > now + dt.timedelta(seconds=SWEEP_SECONDS):
            return
        self.job_queue.run_once(
            self._retry,
            max(0.0, (at - now).total_seconds()),
            name=RETRY_JOB,
            job_kwargs={"id": RETRY_JOB, "replace_existing": True, "misfire_grace_time": None},
        )

    async def _startup(self, context: Any) -> None:
        """Start the scheduler once the application runs."""
        try:
            await self.start()
        except Exception:
            log.exception("starting the scheduler failed; the sweep tries again in %d s", SWEEP_SECONDS)
        finally:
            self.ready.set()
            self.schedule_retry()


def install(
    application: Any, runtime: Runtime, *, limiter: RateLimiter | None = None, sender: Sender | None = None
) -> ReminderService:
    """Wire the reminder engine onto APPLICATION's JobQueue; return the service.

    Call from ``post_init``; call ``service.close()`` from ``post_shutdown``.
    """
    settings = runtime.settings
    job_queue = application.job_queue
    if job_queue is None:
        raise RuntimeError("python-telegram-bot was installed without the job-queue extra")
    presence = Presence(runtime.engine)
    if sender is None:
        limit, delivery = settings.rate_limit, settings.delivery
        sender = Sender(
            application.bot,
            runtime.sessions,
            limiter or RateLimiter(limit.per_second, limit.per_chat_per_minute),
            clock=runtime.clock,
            max_retries=limit.max_retries,
            admins=settings.admins,
            language=settings.language,
            concurrency=delivery.concurrency,
            claim_batch=max(delivery.concurrency, int(limit.per_second * CLAIM_SECONDS)),
            lease=delivery.lease,
            retry_cap=delivery.retry_cap,
            give_up_after=delivery.give_up_after,
            owner=presence.owner,
        )
    service = ReminderService(runtime, sender)
    lock = SchedulerLock(runtime.engine)
    jobs = BeatJobs(service, job_queue, lock)
    service.jobs = jobs
    service.on_close(lock.release)
    service.on_close(presence.close)
    if hasattr(application.bot_data, "reminders"):  # taskbot's BotData (tests may pass a bare app)
        application.bot_data.reminders = service
    if not settings.schedule.enabled:
        log.info("schedule.enabled is false: no reminders will be sent")
        return service
    job_queue.run_once(
        jobs._startup,
        0,
        name="taskbot:startup",
        # Due at once: a start-up slower than APScheduler's default 1 s grace must not skip it.
        job_kwargs={"id": "taskbot:startup", "replace_existing": True, "misfire_grace_time": None},
    )
    job_queue.run_repeating(
        jobs.sweep,
        SWEEP_SECONDS,
        first=SWEEP_SECONDS,
        name="taskbot:sweep",
        job_kwargs={"id": "taskbot:sweep", "replace_existing": True},
    )
    return service
