"""`taskbot plan`, `taskbot deliveries` and `taskbot report`, in process, on the default SQLite store."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from taskbot.cli import main
from taskbot.domain.values import Beat
from taskbot.runtime import Runtime
from taskbot.schedule.service import ReminderService
from tests.conftest import SEED_BULLETIN
from tests.schedule.store_builder import StoreBuilder

SH = dt.timezone(dt.timedelta(hours=8))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code, out, err = run(capsys, *argv, "--format", "json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def small_store(store: StoreBuilder) -> StoreBuilder:
    # the CLI reads ./taskbot.db, the same file as the runtime fixture's store
    store.chat(-1001, "甲群")
    store.party("甲镇", chats=[-1001])
    store.task("每周一调度的任务", parties=["甲镇"], deadline=dt.date(2026, 10, 9))
    store.task("半月通报的任务", parties=["甲镇"], cadence=["fortnightly"])
    store.task("没有群的任务", parties=["乙局"])
    return store


def test_plan_json_contract(capsys: pytest.CaptureFixture[str], small_store: StoreBuilder) -> None:
    data = run_json(capsys, "plan", "--from", "2026-10-08", "--days", "1")
    assert data == {
        "fires": [
            {"at": "2026-10-08T09:00:00+08:00", "beat": "weekly", "chat_id": None, "task_ids": [3]},
            {"at": "2026-10-08T09:00:00+08:00", "beat": "weekly", "chat_id": -1001, "task_ids": [1]},
            {"at": "2026-10-08T09:00:00+08:00", "beat": "deadline", "chat_id": -1001, "task_ids": [1]},
        ]
    }


def test_plan_over_two_weeks_is_sorted_and_has_every_beat(
    capsys: pytest.CaptureFixture[str], small_store: StoreBuilder
) -> None:
    fires = run_json(capsys, "plan", "--from", "2026-10-01", "--days", "14")["fires"]
    times = [dt.datetime.fromisoformat(f["at"]) for f in fires]
    assert times == sorted(times)
    assert {f["beat"] for f in fires} == {
        "weekly",
        "fortnightly",
        "deadline",
    }  # no leaders' chat: no escalation
    assert [f["at"][:10] for f in fires if f["beat"] == "weekly" and f["chat_id"] == -1001] == [
        "2026-10-08",
        "2026-10-12",
    ]
    # nothing during the National Day holiday
    assert not [f for f in fires if "2026-10-01" <= f["at"][:10] <= "2026-10-07"]


def test_plan_table(capsys: pytest.CaptureFixture[str], small_store: StoreBuilder) -> None:
    code, out, _ = run(capsys, "plan", "--from", "2026-10-08", "--days", "1")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["at", "beat", "chat", "tasks", "task", "ids"]
    assert "2026-10-08 Thu 09:00  weekly" in lines[2] and "(none: not sent)" in lines[2]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["plan", "--from", "2026-02-30"], "--from: '2026-02-30' is not a date"),
        (["plan", "--days", "0"], "--days must be between 1 and 366"),
        (["deliveries", "--limit", "0"], "--limit must be at least 1"),
    ],
)
def test_bad_arguments_are_one_line_usage_errors(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert err.startswith("taskbot: ") and message in err and err.count("\n") == 1


def test_deliveries(capsys: pytest.CaptureFixture[str], runtime: Runtime, small_store: StoreBuilder) -> None:
    assert run(capsys, "deliveries")[1] == "no deliveries\n"
    ReminderService(runtime).fire(Beat.WEEKLY, dt.datetime(2026, 10, 8, 9, tzinfo=SH))
    rows = run_json(capsys, "deliveries")["deliveries"]
    assert [(r["beat"], r["chat_id"], r["task_ids"], r["status"], r["parts"]) for r in rows] == [
        ("weekly", -1001, [1], "pending", 1)
    ]
    assert rows[0]["fire_at"] == "2026-10-08T01:00:00+00:00"
    assert run_json(capsys, "deliveries", "--status", "sent") == {"deliveries": []}
    code, out, _ = run(capsys, "deliveries", "--status", "pending")
    assert code == 0 and "2026-10-08 09:00  weekly" in out


def test_report(capsys: pytest.CaptureFixture[str], small_store: StoreBuilder) -> None:
    data = run_json(capsys, "report")  # now: the real clock; every task was created on 2026-09-01
    assert data["rules"] == {"silent_days": 14, "red_min_progress": 0, "black_overdue_days": 1, "size": 5}
    standings = {t["id"]: t["standing"] for t in data["tasks"]}
    assert standings[1] == "overdue"
    assert standings[2] == standings[3] == "silent"
    # units are ranked (甲镇's group), a party no group answers for is listed instead
    assert [b["unit"] for b in data["black"]] == ["甲群"]
    assert data["unbound"] == ["乙局"]
    code, out, _ = run(capsys, "report")
    assert code == 0 and "black list (黑榜)" in out and "甲群" in out


def test_plan_after_importing_the_seed_bulletin(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "import", str(SEED_BULLETIN), "--date", "2022-06-24")
    assert code == 0, err
    tasks = run_json(capsys, "tasks")
    fires = run_json(capsys, "plan", "--from", "2026-10-12", "--days", "1")["fires"]
    weekly = next(f for f in fires if f["beat"] == "weekly")
    on_weekly = [t["id"] for t in tasks if not t["cadence"] or {"weekly", "daily"} & set(t["cadence"])]
    assert weekly == {
        "at": "2026-10-12T09:00:00+08:00",
        "beat": "weekly",
        "chat_id": None,
        "task_ids": on_weekly,
    }
    assert all(f["chat_id"] is None for f in fires)  # nothing is bound yet


def test_leaders_see_every_open_task_of_the_seed_bulletin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from taskbot.config import load_settings
    from taskbot.runtime import build_runtime
    from taskbot.services import tasks as task_service
    from taskbot.services.people import Actor
    from taskbot.store.db import transaction

    leaders = -100999
    monkeypatch.setenv("TASKBOT_LEADERS_CHAT_ID", str(leaders))
    code, _, err = run(capsys, "import", str(SEED_BULLETIN), "--date", "2022-06-24")
    assert code == 0, err
    tasks = run_json(capsys, "tasks")
    weekly_only = next(t["id"] for t in tasks if t["cadence"] in ([], ["weekly"]))
    runtime = build_runtime(load_settings())
    try:
        with transaction(runtime.sessions) as s:
            task_service.mark_blocked(s, weekly_only, Actor.system("test"), runtime.clock(), "资金未到位")
    finally:
        runtime.close()
    fires = run_json(capsys, "plan", "--from", "2027-01-01", "--days", "31")["fires"]
    assert set(fires[0]) == {"at", "beat", "chat_id", "task_ids"}  # the JSON keeps its shape
    every = sorted(t["id"] for t in tasks)
    bulletins = [f for f in fires if f["beat"] == "fortnightly" and f["chat_id"] == leaders]
    assert len(bulletins) >= 2
    assert all(f["task_ids"] == every for f in bulletins)  # 49 tasks, not only the fortnightly one
    [agenda] = [f for f in fires if f["beat"] == "monthly" and f["chat_id"] == leaders]
    assert weekly_only in agenda["task_ids"]  # blocked, whatever its cadence
