"""`taskbot calendar`, and the office's calendar reaching every user of the work calendar."""

from __future__ import annotations

import datetime as dt
import gc
import io
import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import time_machine

from taskbot.bulletin.dates import add_workdays
from taskbot.cli import main
from taskbot.config import load_settings
from taskbot.domain import calendar as calendar_module
from taskbot.domain.calendar import Source
from taskbot.runtime import build_runtime
from tests.support.clock import ManualClock

D = dt.date
OFFICE_2027 = "calendar:\n  holidays: [2027-02-05..2027-02-13]\n  workdays: [2027-02-14, 2027-02-20]\n"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_of_a_year_no_source_knows(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "calendar", "--year", "2027", "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["sources"] == ["statutory"]
    assert data["workdays"] + data["rest_days"] == 365
    rest = {d["date"]: d["festival"] for d in data["days"] if not d["workday"]}
    assert rest["2027-01-01"] == "元旦"
    assert [day for day, name in rest.items() if name == "春节"] == [
        "2027-02-05",
        "2027-02-06",
        "2027-02-07",
        "2027-02-08",
        "2027-02-09",
        "2027-02-10",
    ]
    assert not any(d["workday"] for d in data["days"])  # the statutory rule knows no 调休
    assert data["days"][0] == {
        "date": "2027-01-01",
        "weekday": "Fri",
        "workday": False,
        "festival": "元旦",
        "source": "statutory",
    }


def test_json_of_a_known_year_shows_make_up_days(capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(run(capsys, "calendar", "--year", "2026", "--format", "json")[1])
    assert data["sources"] == ["chinesecalendar"]
    make_up = [d["date"] for d in data["days"] if d["workday"]]
    assert make_up == ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]
    assert data["workdays"] == 248


def test_table_with_the_office_days(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text(OFFICE_2027)
    code, out, _ = run(capsys, "--config", str(cfg), "calendar", "--year", "2027")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("2027: ") and "(source: config, statutory fallback)" in lines[0]
    assert "set calendar.holidays and calendar.workdays" in lines[1]
    rows = {line.split()[0]: line.split()[1:] for line in lines if line[:4] == "2027"}
    assert rows["2027-02-11"] == ["Thu", "holiday", "config"]
    assert rows["2027-02-14"] == ["Sun", "workday", "(调休)", "config"]
    assert rows["2027-02-05"] == ["Fri", "holiday", "春节", "config"]
    assert rows["2027-04-05"] == ["Mon", "holiday", "清明", "statutory", "fallback"]
    assert "2027-03-08" not in rows  # ordinary days are not listed


def test_the_year_defaults_to_this_year_in_the_configured_zone(capsys: pytest.CaptureFixture[str]) -> None:
    # 16:30 UTC on New Year's Eve is already 2027 in Shanghai.
    with time_machine.travel(dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC), tick=False):
        data = json.loads(run(capsys, "calendar", "--format", "json")[1])
    assert data["year"] == 2027


def test_bad_year_and_bad_config_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "calendar", "--year", "0")
    assert (code, out, err) == (2, "", "taskbot: --year must be between 1 and 9998\n")
    cfg = tmp_path / "c.yaml"
    cfg.write_text("calendar:\n  holidays: [2027-02-13..2027-02-06]\n")
    code, out, err = run(capsys, "--config", str(cfg), "calendar")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "'2027-02-13..2027-02-06' ends before it starts" in err


def test_the_runtime_calendar_is_the_office_calendar_for_scheduler_and_parser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(calendar_module, "_default", None)  # restored after the test
    cfg = tmp_path / "c.yaml"
    cfg.write_text(OFFICE_2027)
    settings = load_settings(cfg, database={"url": f"sqlite:///{tmp_path / 'c.db'}"})
    runtime = build_runtime(settings)
    try:
        assert runtime.calendar.day_kind(D(2027, 2, 11)).source is Source.CONFIG
        assert runtime.calendar.next_workday(D(2027, 2, 5)) == D(2027, 2, 14)
        # 3个工作日内 from 2-4: 2-14 (调休 Sunday), 2-15, 2-16
        assert add_workdays(D(2027, 2, 4), 3) == D(2027, 2, 16)
    finally:
        runtime.close()


async def test_local_demo_at_the_turn_of_the_year_greets_without_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from taskbot.cli import bot as run_cli

    async def lines(*items: str) -> AsyncIterator[str]:
        for item in items:
            yield item

    settings = run_cli.local_settings(load_settings(database={"url": f"sqlite:///{tmp_path / 'local.db'}"}))
    # New Year's Eve 2026 in Shanghai: the next beats fall in 2027, which chinese-calendar does not know.
    runtime = build_runtime(settings, clock=ManualClock(dt.datetime(2026, 12, 31, 1, 0, tzinfo=dt.UTC)))
    try:
        with caplog.at_level(logging.INFO):
            await run_cli.run_local(runtime, demo=True, input=lines("/tasks", "/quit"), output=io.StringIO())
    finally:
        runtime.close()
        gc.unfreeze()  # run_local's start-up froze the heap; the test session keeps its collector
    noted = [r for r in caplog.records if r.name == "taskbot.domain.calendar"]
    assert [(r.levelno, "2027" in r.getMessage()) for r in noted] == [(logging.INFO, True)]
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
