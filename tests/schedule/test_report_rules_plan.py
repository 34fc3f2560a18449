"""Reporting rules end to end through the CLI: a notice's 报送要求 read at import, the report_due
and report_overdue beats in `taskbot plan`, and a unit that reported for the period not chased."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from taskbot.cli import main
from taskbot.runtime import Runtime
from taskbot.services import tasks as task_service
from taskbot.services.digest import current_digest, red_black_rules
from taskbot.services.people import Actor, upsert_chat
from taskbot.store.db import transaction
from taskbot.store.models import Assignment, Chat, ReportPeriod, Task, TaskReportRule

OFFICE = -100777
ADMIN = 1001  # the schedule tests' runtime's admin
TOWN, BUREAU = -1001, -1002
SH = dt.timezone(dt.timedelta(hours=8))
NOTICE = """关于开展燃气安全隐患排查整治的通知

各镇（街道）、市直有关单位：
为切实做好燃气安全工作，现将有关事项通知如下。
一、全面排查燃气管道隐患。各镇（街道）要在12月31日前完成辖区燃气管道摸底排查。
二、建立隐患整改台账。市住建局要牵头建立隐患整改台账，实行销号管理。
三、工作要求。请各单位于每周五下午5点前报送工作进展。
"""


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code = main([*argv, "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def imported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> list[int]:
    """The notice imported on Monday 2026-11-30, each party bound in its group; the ids of the two
    tasks with a bound party (the parser also makes its closing requirement a task, of 各单位)."""
    monkeypatch.setenv("TASKBOT_WORKFLOW__OFFICE_CHAT_ID", str(OFFICE))
    notice = tmp_path / "notice.txt"
    notice.write_text(NOTICE, encoding="utf-8")
    parsed = run_json(capsys, "parse", str(notice), "--date", "2026-11-30")
    weekly = {"rhythm": "weekly", "weekday": 5, "due": "17:00"}
    assert parsed["bulletin"]["report_rule"] == weekly
    assert [d["report_rule"] for d in parsed["directives"]] == [weekly] * len(parsed["directives"])
    assert main(["import", str(notice), "--date", "2026-11-30"]) == 0
    capsys.readouterr()
    with transaction(runtime.sessions) as s:
        for chat_id, title, party in ((TOWN, "甲镇群", "各镇（街道）"), (BUREAU, "住建局群", "市住建局")):
            chat = upsert_chat(s, chat_id, title=title, type="supergroup")
            task_service.bind_party(s, Actor.system(), party, chat=chat)
        tasks = {t.id: t for t in s.scalars(select(Task))}
        rules = {r.task_id: r.rule for r in s.scalars(select(TaskReportRule))}
        assert tasks and rules == dict.fromkeys(tasks, weekly)
        return sorted(tid for tid, t in tasks.items() if t.assignments)


def plan(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    fires = run_json(capsys, "plan", "--from", "2026-11-30", "--days", "7")["fires"]
    return [f for f in fires if f["beat"].startswith("report_")]


def test_a_weekly_rule_chases_every_unit_on_friday_then_tells_the_office(
    capsys: pytest.CaptureFixture[str], imported: list[int]
) -> None:
    town_task, bureau_task = imported
    assert plan(capsys) == [
        {
            "at": "2026-12-04T09:00:00+08:00",
            "beat": "report_due",
            "chat_id": BUREAU,
            "task_ids": [bureau_task],
        },
        {"at": "2026-12-04T09:00:00+08:00", "beat": "report_due", "chat_id": TOWN, "task_ids": [town_task]},
        {
            "at": "2026-12-04T17:30:00+08:00",
            "beat": "report_overdue",
            "chat_id": OFFICE,
            "task_ids": imported,
        },
    ]
    due = dt.datetime.fromisoformat(plan(capsys)[0]["at"])
    assert due < dt.datetime(2026, 12, 4, 17, 0, tzinfo=SH)  # before the due time


def test_a_unit_that_reported_this_week_is_not_chased(
    capsys: pytest.CaptureFixture[str], imported: list[int], runtime: Runtime
) -> None:
    town_task, bureau_task = imported
    wednesday = dt.datetime(2026, 12, 2, 10, 0, tzinfo=SH)
    with transaction(runtime.sessions) as s:
        town = s.scalar(select(Chat).where(Chat.telegram_chat_id == TOWN))
        task_service.report_status(s, town_task, Actor(name="张三", chat=town), wednesday, "已摸底60%", 60)
    assert plan(capsys) == [
        {
            "at": "2026-12-04T09:00:00+08:00",
            "beat": "report_due",
            "chat_id": BUREAU,
            "task_ids": [bureau_task],
        },
        {
            "at": "2026-12-04T17:30:00+08:00",
            "beat": "report_overdue",
            "chat_id": OFFICE,
            "task_ids": [bureau_task],
        },
    ]


def test_the_report_ledger_records_the_first_report_of_each_period(
    imported: list[int], runtime: Runtime
) -> None:
    town_task, _ = imported
    wednesday = dt.datetime(2026, 12, 2, 10, 0, tzinfo=SH)
    friday_due = dt.datetime(2026, 12, 4, 17, 0, tzinfo=SH)
    with transaction(runtime.sessions) as s:
        town = s.scalar(select(Chat).where(Chat.telegram_chat_id == TOWN))
        first = task_service.report_status(
            s, town_task, Actor(name="张三", chat=town), wednesday, "摸底60%", 60
        )
        task_service.report_status(s, town_task, Actor(name="张三", chat=town), friday_due, "摸底80%", 80)
        late = friday_due + dt.timedelta(minutes=1)  # after the due time: next week's period
        third = task_service.report_status(s, town_task, Actor(name="张三", chat=town), late, "摸底90%", 90)
        first_id, third_id = first.id, third.id
    with transaction(runtime.sessions) as s:
        rows = [
            (r.period_end, r.report_id, r.reported_at)
            for r in s.scalars(select(ReportPeriod).order_by(ReportPeriod.period_end))
        ]
        share = s.scalar(select(Assignment).where(Assignment.task_id == town_task))
        assert share is not None
        assert {r.assignment_id for r in s.scalars(select(ReportPeriod))} == {share.id}
    assert rows == [
        (friday_due, first_id, wednesday),  # the second report of the week adds nothing
        (friday_due + dt.timedelta(days=7), third_id, late),
    ]


def test_a_unit_that_missed_a_period_is_silent_on_the_red_black_list(
    imported: list[int], runtime: Runtime
) -> None:
    town_task, bureau_task = imported
    wednesday = dt.datetime(2026, 12, 2, 10, 0, tzinfo=SH)
    monday = dt.datetime(2026, 12, 7, 9, 0, tzinfo=SH)
    with transaction(runtime.sessions) as s:
        town = s.scalar(select(Chat).where(Chat.telegram_chat_id == TOWN))
        bureau = s.scalar(select(Chat).where(Chat.telegram_chat_id == BUREAU))
        task_service.report_status(s, town_task, Actor(name="张三", chat=town), wednesday, "摸底60%", 60)
        late = dt.datetime(2026, 12, 5, 10, 0, tzinfo=SH)  # after Friday 17:00: the period was missed
        task_service.report_status(s, bureau_task, Actor(name="李四", chat=bureau), late, "台账建好", 50)
    rules = red_black_rules(runtime.settings)
    with transaction(runtime.sessions) as s:
        digest = current_digest(s, monday, monday.date(), rules, since=wednesday - dt.timedelta(days=1))
    assert [(u.unit, u.silent) for u in digest.black] == [("住建局群", 1)]
    assert "甲镇群" in [u.unit for u in digest.red]


def test_a_report_before_the_previous_due_time_does_not_count(
    capsys: pytest.CaptureFixture[str], imported: list[int], runtime: Runtime
) -> None:
    town_task, _ = imported
    last_friday = dt.datetime(2026, 11, 27, 16, 0, tzinfo=SH)  # last week's period
    with transaction(runtime.sessions) as s:
        town = s.scalar(select(Chat).where(Chat.telegram_chat_id == TOWN))
        task_service.report_status(s, town_task, Actor(name="张三", chat=town), last_friday, "上周进展", 30)
    assert [f["chat_id"] for f in plan(capsys) if f["beat"] == "report_due"] == [BUREAU, TOWN]


def test_the_messages_of_both_beats(
    capsys: pytest.CaptureFixture[str], imported: list[int], runtime: Runtime
) -> None:
    from taskbot.domain.values import Beat
    from taskbot.schedule.service import ReminderService
    from taskbot.store.models import Delivery

    service = ReminderService(runtime)
    assert service.fire(Beat.REPORT_DUE, dt.datetime(2026, 12, 4, 9, 0, tzinfo=SH)) == 2
    # This runtime has no office chat: the list goes to its admin privately.
    assert service.fire(Beat.REPORT_OVERDUE, dt.datetime(2026, 12, 4, 17, 30, tzinfo=SH)) == 1
    with runtime.sessions() as s:
        rows = {d.chat_id: d for d in s.scalars(select(Delivery))}
    town = rows[TOWN].parts[0]
    assert town["text"].startswith(
        "【报送提醒】2026年12月4日\n本单位以下任务本期尚未报送进展，请按时报送：\n"
    )
    assert "#1 全面排查燃气管道隐患 — 请于 2026年12月4日 17:00 前报送" in town["text"]
    assert [b[1] for row in town["buttons"] for b in row] == ["done:1", "progress:1", "blocked:1"]
    office = rows[ADMIN].parts[0]["text"]
    assert office == (
        "【催报名单】2026年12月4日\n以下 2 个单位次未按时报送进展：\n"
        "#1 全面排查燃气管道隐患（应于 2026年12月4日 17:00 前报送）：甲镇群\n"
        "#2 建立隐患整改台账（应于 2026年12月4日 17:00 前报送）：住建局群"
    )
