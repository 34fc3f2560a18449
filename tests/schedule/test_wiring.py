"""The reminders on python-telegram-bot's JobQueue: stable job ids, one job per beat, beats that fire."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram.ext import Application

from taskbot.clock import system_clock
from taskbot.domain.values import Beat
from taskbot.localapi import FakeBotApi
from taskbot.runtime import Runtime, build_runtime
from taskbot.schedule.limiter import RateLimiter
from taskbot.schedule.wiring import RETRY_JOB, install, job_id
from tests.schedule.store_builder import StoreBuilder
from tests.schedule.test_limiter import VirtualTime
from tests.support.clock import ManualClock

SH = dt.timezone(dt.timedelta(hours=8))
GROUP = -1001


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    fake = FakeBotApi()
    await fake.start()
    fake.add_chat(GROUP, type="supergroup", title="测试群")
    yield fake
    await fake.stop()


def application(api: FakeBotApi) -> Application:
    return Application.builder().token(api.token).base_url(api.base_url).build()


def beat_jobs(app: Application) -> dict[str, dt.datetime]:
    return {
        j.id: j.trigger.run_date
        for j in app.job_queue.scheduler.get_jobs()
        if j.id.startswith("taskbot:beat:")
    }


def installed_with_a_task(api: FakeBotApi, runtime: Runtime) -> tuple[Application, Any]:
    """One task for GROUP; the reminders installed, their limiter and retries on virtual time."""
    store = StoreBuilder(runtime)
    store.chat(GROUP)
    store.party("甲镇", chats=[GROUP])
    store.task("任务", parties=["甲镇"])
    app = application(api)
    vt = VirtualTime()
    service = install(app, runtime, limiter=RateLimiter(clock=vt, sleep=vt.sleep))
    service.sender.sleep = vt.sleep
    return app, service


async def test_beats_are_jobs_with_stable_ids_that_fire_and_reschedule(
    api: FakeBotApi, runtime: Runtime
) -> None:
    app, service = installed_with_a_task(api, runtime)
    scheduler = app.job_queue.scheduler
    assert {j.id for j in scheduler.get_jobs()} == {"taskbot:startup", "taskbot:sweep"}
    await app.initialize()
    scheduler.start(paused=True)  # jobs are really added, but the test decides when they run
    try:
        now = runtime.clock()  # Monday 2026-10-05 09:00 in Shanghai, National Day
        service.jobs.schedule_all(now)
        service.jobs.schedule_all(now)  # as after a second start: replaced, not duplicated
        install(app, runtime)  # even installing twice leaves one start-up and one sweep job
        assert len(scheduler.get_jobs()) == 9  # a job per beat, the start-up and the sweep
        assert beat_jobs(app) == {
            job_id(Beat.WEEKLY): dt.datetime(2026, 10, 8, 9, tzinfo=SH),
            job_id(Beat.FORTNIGHTLY): dt.datetime(2026, 10, 12, 9, tzinfo=SH),
            job_id(Beat.MONTHLY): dt.datetime(2026, 10, 8, 9, tzinfo=SH),
            job_id(Beat.DEADLINE): dt.datetime(2026, 10, 8, 9, tzinfo=SH),
            job_id(Beat.ESCALATION): dt.datetime(2026, 10, 8, 9, tzinfo=SH),
            job_id(Beat.REPORT_DUE): dt.datetime(2026, 10, 8, 9, tzinfo=SH),
            job_id(Beat.REPORT_OVERDUE): dt.datetime(2026, 10, 8, 17, 30, tzinfo=SH),
        }
        # run the weekly job as the scheduler would
        job: Any = scheduler.get_job(job_id(Beat.WEEKLY))
        await job.func(*job.args)
        [message] = api.sent_messages(GROUP)
        assert message["text"].startswith("【每周调度】2026年10月8日")
        assert beat_jobs(app)[job_id(Beat.WEEKLY)] == dt.datetime(2026, 10, 12, 9, tzinfo=SH)
        assert len(scheduler.get_jobs()) == 9  # a job per beat, the start-up and the sweep
    finally:
        scheduler.shutdown(wait=False)
        await app.shutdown()
        service.close()


async def test_started_with_the_application(api: FakeBotApi, settings: Any) -> None:
    # A clock weeks ahead of the real one, so no beat job comes due while the test runs.
    now = (system_clock() + dt.timedelta(days=40)).replace(microsecond=0)
    rt = build_runtime(settings, clock=ManualClock(now))
    app = application(api)
    service = install(app, rt)
    await app.initialize()
    await app.start()
    try:
        await asyncio.wait_for(service.jobs.ready.wait(), timeout=10)
        assert service.jobs.running
        assert beat_jobs(app) == {job_id(b): at for b, at in service.next_fires(now).items()}
        assert all(at > now for at in beat_jobs(app).values())
    finally:
        await app.stop()
        await app.shutdown()
        service.close()
        rt.close()


async def test_disabled_schedule_adds_no_jobs(api: FakeBotApi, runtime: Runtime) -> None:
    runtime.settings.schedule.enabled = False
    app = application(api)
    service = install(app, runtime)
    assert app.job_queue.scheduler.get_jobs() == []
    assert service.sender is not None


async def test_the_sweep_catches_up_a_beat_whose_job_failed(api: FakeBotApi, runtime: Runtime) -> None:
    app, service = installed_with_a_task(api, runtime)
    await app.initialize()
    try:
        await service.jobs.sweep()  # not the scheduler yet: becomes it (SQLite: always granted)
        assert service.jobs.running
        assert api.sent_messages(GROUP) == []  # 2026-10-05 09:00: nothing due within the grace
        # the weekly job of Thursday 09:00 failed (say, the store was down for a moment)
        runtime.clock.set(dt.datetime(2026, 10, 8, 1, 30, tzinfo=dt.UTC))
        await service.jobs.sweep()
        [message] = api.sent_messages(GROUP)
        assert message["text"].startswith("【每周调度】2026年10月8日")
        await service.jobs.sweep()
        assert len(api.sent_messages(GROUP)) == 1
    finally:
        await app.shutdown()
        service.close()


async def test_after_a_failed_send_a_retry_job_wakes_the_sender_when_it_is_due(
    api: FakeBotApi, runtime: Runtime
) -> None:
    app, service = installed_with_a_task(api, runtime)
    await app.initialize()
    try:
        api.go_down()
        runtime.clock.set(dt.datetime(2026, 10, 8, 1, 30, tzinfo=dt.UTC))  # Thursday's beat was at 09:00
        await service.jobs.sweep()  # becomes the scheduler, catches the beat up: Telegram is down
        paused = service.sender.paused_until
        assert paused is not None and api.sent_messages(GROUP) == []
        [retry] = [j for j in app.job_queue.scheduler.get_jobs() if j.id == RETRY_JOB]
        assert retry.name == RETRY_JOB
        api.go_up()
        runtime.clock.set(paused)
        await retry.func(*retry.args)
        [message] = api.sent_messages(GROUP)
        assert message["text"].startswith("【每周调度】")
    finally:
        await app.shutdown()
        service.close()
