"""/readyz: ready with the scheduler running here; 503 when the schema is behind; the checks themselves."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from taskbot.config import load_settings
from taskbot.domain.values import Beat
from taskbot.ops.health import BEAT_SLACK, Probe
from taskbot.ops.web import READY_PATH
from taskbot.runtime import Runtime, build_runtime
from taskbot.schedule import ledger
from taskbot.store import db
from taskbot.store.db import transaction
from tests.ops.conftest import OpsHarness
from tests.support.clock import ManualClock


@pytest.fixture
def ops_settings(ops_settings: dict[str, Any]) -> dict[str, Any]:
    return {**ops_settings, "schedule": {"enabled": True}}


async def scheduler_started(bot: OpsHarness) -> None:
    jobs = bot.lifecycle.reminders.jobs
    await asyncio.wait_for(jobs.ready.wait(), 10)


async def test_readyz_is_ready_then_503_when_the_schema_is_behind(ops_bot: OpsHarness) -> None:
    await scheduler_started(ops_bot)
    answer = await ops_bot.get(READY_PATH)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["ready"] is True
    assert body["database"]["reachable"] is True
    assert body["schema"]["current"] is True and body["schema"]["revision"] == db.head_revision()
    assert body["scheduler"] == {"enabled": True, "leader_here": True, "leader_known": True}
    assert set(body["beats"]) == {b.value for b in Beat}
    assert not any(b["missed"] for b in body["beats"].values())
    assert body["deliveries"]["pending"] == 0 and body["deliveries"]["failed"] == 0

    # An upgrade of the code whose migration has not run yet: not ready.
    db.downgrade(ops_bot.runtime.engine, "0001")
    answer = await ops_bot.get(READY_PATH)
    assert answer.status_code == 503
    body = answer.json()
    assert body["ready"] is False
    assert body["schema"] == {"current": False, "revision": "0001", "head": db.head_revision()}


def test_a_beat_that_did_not_fire_makes_it_not_ready(runtime: Runtime, clock: ManualClock) -> None:
    probe = Probe(runtime, leader=lambda: True)
    state = probe.readiness()
    late = [name for name, b in state.beats.items() if b.missed]
    assert late and not state.ready  # a fresh store: nothing has fired yet
    with transaction(runtime.sessions) as s:
        for name, b in state.beats.items():
            ledger.set_fired(s, name, b.expected)
    assert probe.readiness().ready
    # The next weekly time passes; within the slack it is not missed yet, then it is.
    weekly = probe.readiness().beats["weekly"]
    nxt = runtime_next_weekly(probe, weekly.expected)
    clock.set(nxt + BEAT_SLACK / 2)
    assert probe.readiness().ready
    clock.set(nxt + BEAT_SLACK * 2)
    state = probe.readiness()
    assert state.beats["weekly"].missed and not state.ready
    assert state.as_json()["beats"]["weekly"]["missed"] is True


def runtime_next_weekly(probe: Probe, after: dt.datetime) -> dt.datetime:
    from taskbot.domain.beats import next_fire
    from taskbot.schedule.planner import PlanRules

    return next_fire(Beat.WEEKLY, after, PlanRules.from_settings(probe.runtime.settings).beats, probe.cal)


def test_no_leader_anywhere_is_not_ready(runtime: Runtime) -> None:
    probe = Probe(runtime, leader=lambda: False)
    with transaction(runtime.sessions) as s:
        for name, b in probe.readiness().beats.items():
            ledger.set_fired(s, name, b.expected)
    state = probe.readiness()
    assert not state.leader_known and not state.ready


def test_an_unreachable_store_is_not_ready(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder-not-a-file"
    folder.mkdir()
    broken = build_runtime(load_settings(database={"url": f"sqlite:///{folder}"}), migrate=False)
    try:
        state = Probe(broken, leader=lambda: True).readiness()
    finally:
        broken.close()
    assert not state.database and not state.ready
    assert state.as_json()["database"]["reachable"] is False
    assert "cannot open the database" in (state.error or "")
