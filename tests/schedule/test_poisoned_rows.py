"""One poisoned row (an absurd deadline written straight into the store) stops nobody else's reminders."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from taskbot.domain.values import Beat
from taskbot.localapi import FakeBotApi
from taskbot.runtime import Runtime
from taskbot.schedule import service as service_module
from taskbot.schedule.service import ReminderService
from taskbot.store.db import transaction
from tests.schedule.conftest import LEADERS
from tests.schedule.store_builder import StoreBuilder
from tests.schedule.test_restart import Process

SH = dt.timezone(dt.timedelta(hours=8))
GROUP = -1001


def at(m: int, d: int, hh: int = 9, mm: int = 0) -> dt.datetime:
    return dt.datetime(2026, m, d, hh, mm, tzinfo=SH)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    fake = FakeBotApi()
    await fake.start()
    fake.add_chat(GROUP, type="supergroup", title="测试群")
    fake.add_chat(LEADERS, type="supergroup", title="领导群")
    yield fake
    await fake.stop()


def sends(api: FakeBotApi) -> list[int]:
    """Every chat a message was sent to, the leaders' included, in order."""
    return [c.params["chat_id"] for c in api.calls if c.method == "sendMessage"]


def poison(runtime: Runtime, task_id: int, deadline: str) -> None:
    """Write DEADLINE into the task's row by SQL, past every check of the services."""
    with transaction(runtime.sessions) as s:
        s.execute(text("UPDATE task SET deadline = :d WHERE id = :id"), {"d": deadline, "id": task_id})


def seed(runtime: Runtime) -> tuple[int, int]:
    store = StoreBuilder(runtime)
    store.chat(GROUP)
    store.party("甲镇", chats=[GROUP])
    good = store.task("按时的任务", parties=["甲镇"], deadline=dt.date(2026, 10, 9))
    bad = store.task("坏数据", parties=["甲镇"], deadline=dt.date(2026, 10, 9))
    return good, bad


@pytest.mark.parametrize("deadline", ["9999-12-31", "0001-01-01"])
def test_the_planner_skips_a_poisoned_row_and_plans_the_others(
    runtime: Runtime, deadline: str, caplog: pytest.LogCaptureFixture
) -> None:
    good, bad = seed(runtime)
    poison(runtime, bad, deadline)
    with caplog.at_level(logging.WARNING):
        fires = ReminderService(runtime).preview(
            at(10, 12, 0), at(10, 13, 23), [Beat.DEADLINE, Beat.ESCALATION]
        )
    got = {(f.beat.value, f.chat_id, f.task_ids) for f in fires if good in f.task_ids}
    # overdue on 10-12 and 10-13; escalated on 10-13 (more than 3 days overdue)
    assert ("deadline", GROUP, (good,)) in got or ("deadline", GROUP, (good, bad)) in got
    assert ("escalation", LEADERS, (good,)) in got


def test_a_poisoned_row_is_logged_once_per_beat(runtime: Runtime, caplog: pytest.LogCaptureFixture) -> None:
    _, bad = seed(runtime)
    poison(runtime, bad, "9999-12-31")
    with caplog.at_level(logging.WARNING, logger="taskbot.schedule.planner"):
        ReminderService(runtime).preview(at(10, 13, 0), at(10, 13, 23), [Beat.ESCALATION])
    assert any(f"task {bad}" in r.getMessage() for r in caplog.records)


async def test_the_catch_up_and_the_beats_still_send_the_others(runtime: Runtime, api: FakeBotApi) -> None:
    _, bad = seed(runtime)
    poison(runtime, bad, "9999-12-31")
    settings = runtime.settings
    runtime.close()
    # started on the escalation day after the 09:00 beats: the catch-up plans and sends them
    async with Process(settings, api, at(10, 13, 9, 30)) as proc:
        stats = await proc.service.start(proc.clock())
        assert stats.failed == 0
    assert LEADERS in sends(api)
    assert GROUP in sends(api)
    # a beat fired by its job does too
    async with Process(settings, api, at(10, 14, 9)) as proc:
        await proc.service.run_beat(Beat.DEADLINE, at(10, 14, 9))
    assert sends(api).count(GROUP) >= 2


async def test_a_message_that_cannot_be_rendered_costs_only_its_chat(
    runtime: Runtime, api: FakeBotApi, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    seed(runtime)
    settings = runtime.settings
    runtime.close()
    real = service_module.render_fire

    def broken_for_the_group(fire, *args, **kwargs):  # type: ignore[no-untyped-def]
        if fire.chat_id == GROUP:
            raise ValueError("a bug in one message")
        return real(fire, *args, **kwargs)

    monkeypatch.setattr(service_module, "render_fire", broken_for_the_group)
    with caplog.at_level(logging.ERROR, logger="taskbot.schedule.service"):
        async with Process(settings, api, at(10, 13, 9, 30)) as proc:
            await proc.service.start(proc.clock())
    assert sends(api) == [LEADERS]  # the escalation still went out
    assert any("cannot be rendered" in r.getMessage() for r in caplog.records)


async def test_a_beat_whose_catch_up_fails_leaves_the_other_beats(
    runtime: Runtime, api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(runtime)
    settings = runtime.settings
    runtime.close()
    real = ReminderService.fire

    def deadline_beat_fails(self: ReminderService, beat: Beat, when: dt.datetime) -> int:
        if beat is Beat.DEADLINE:
            raise OverflowError("date value out of range")
        return real(self, beat, when)

    monkeypatch.setattr(ReminderService, "fire", deadline_beat_fails)
    async with Process(settings, api, at(10, 13, 9, 30)) as proc:
        await proc.service.start(proc.clock())
    assert sends(api) == [LEADERS]


def test_taskbot_plan_lists_the_others_without_a_traceback(
    runtime: Runtime, capsys: pytest.CaptureFixture[str]
) -> None:
    from taskbot.cli import main

    good, bad = seed(runtime)
    poison(runtime, bad, "9999-12-31")
    # the CLI reads ./taskbot.db, the runtime fixture's store (the schedule settings add a leaders' chat)
    code = main(["plan", "--from", "2026-10-12", "--days", "2", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Traceback" not in err
    fires = json.loads(out)["fires"]
    assert {
        "at": "2026-10-12T09:00:00+08:00",
        "beat": "deadline",
        "chat_id": GROUP,
        "task_ids": [good],
    } in fires


@pytest.mark.parametrize(
    "argv",
    [
        ["plan", "--from", "9999-12-31"],
        ["plan", "--from", "0001-01-01"],
        ["parse", "x.txt", "--date", "9999-12-31"],
        ["import", "x.txt", "--date", "1999-12-31"],
    ],
)
def test_dates_outside_the_window_are_a_usage_error(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from taskbot.cli import main

    Path("x.txt").write_text("各镇街要在年底前完成排查。\n", encoding="utf-8")
    assert main(argv) == 2
    _, err = capsys.readouterr()
    assert err.strip().endswith("the date must lie between 2000-01-01 and 2100-12-31")
    assert err.count("\n") == 1


async def test_the_jobqueue_sweep_sends_the_others(runtime: Runtime, api: FakeBotApi) -> None:
    """The wiring level: the scheduler's start-up job and its minute sweep, with the bad row in place."""
    from telegram.ext import Application

    from taskbot.schedule.limiter import RateLimiter
    from taskbot.schedule.wiring import install
    from tests.schedule.test_limiter import VirtualTime

    good, bad = seed(runtime)
    poison(runtime, bad, "9999-12-31")
    app = Application.builder().token(api.token).base_url(api.base_url).build()
    vt = VirtualTime()
    service = install(app, runtime, limiter=RateLimiter(clock=vt, sleep=vt.sleep))
    await app.initialize()
    try:
        runtime.clock.set(at(10, 12, 8))  # before Monday's beats: nothing missed yet
        await service.jobs.sweep()  # becomes the scheduler
        assert service.jobs.running
        runtime.clock.set(at(10, 13, 9, 30))  # the jobs of 10-12 and 10-13 09:00 did not run
        await service.jobs.sweep()
        leaders = api.sent_messages(LEADERS)
        assert [m["text"].splitlines()[0] for m in leaders] == ["【逾期督办】2026年10月13日"]
        assert f"#{good} " in leaders[0]["text"] and f"#{bad} " not in leaders[0]["text"]
        assert api.sent_messages(GROUP)
    finally:
        await app.shutdown()
        service.close()
