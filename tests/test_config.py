from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest

from taskbot.cli import main
from taskbot.config import ConfigError, load_settings


def test_defaults_are_the_embedded_store_in_shanghai(tmp_path: Path) -> None:
    s = load_settings()
    assert s.database.url is None
    assert s.database.effective_url == f"sqlite:///{tmp_path / 'taskbot.db'}"  # TASKBOT_HOME (conftest)
    assert s.timezone == "Asia/Shanghai"
    assert s.language == "zh"
    assert s.telegram.token is None
    assert s.schedule.deadline_offsets == [7, 3, 1]


def test_yaml_file_then_environment_with_double_underscore(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text(
        "language: en\ndatabase:\n  url: sqlite:///a.db\nschedule:\n  fortnightly:\n    anchor: 2026-03-02\n"
    )
    monkeypatch.setenv("TASKBOT_DATABASE__URL", "sqlite:///b.db")
    monkeypatch.setenv("TASKBOT_TELEGRAM__TOKEN", "123:secret")
    s = load_settings(cfg)
    assert s.language == "en"
    assert s.database.url == "sqlite:///b.db"
    assert s.schedule.fortnightly.anchor == dt.date(2026, 3, 2)
    assert s.telegram.token is not None and s.telegram.token.get_secret_value() == "123:secret"
    assert "123:secret" not in repr(s)


def test_config_path_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text("timezone: Europe/Berlin\n")
    monkeypatch.setenv("TASKBOT_CONFIG", str(cfg))
    assert load_settings().timezone == "Europe/Berlin"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("timezone: Mars/Olympus\n", "timezone: Value error, unknown timezone"),
        ("schedule:\n  grace_hours: lots\n", "schedule.grace_hours"),
        ("colour: blue\n", "colour: unknown setting"),
        ("schedule:\n  deadline_offsets: [7, -1]\n", "schedule.deadline_offsets"),
        ("- just\n- a list\n", "the top level must be a mapping"),
        ("a: [unclosed\n", "not valid YAML at line"),
        (
            "calendar:\n  holidays: [2027-02-13..2027-02-06]\n",
            "calendar.holidays: Value error, '2027-02-13..2027-02-06' ends before it starts",
        ),
        (
            "calendar:\n  workdays: ['2027-02-07 to 2027-02-08']\n",
            "calendar.workdays: Value error, '2027-02-07 to",
        ),
        ("calendar:\n  workdays: [2027-02-30]\n", "not valid YAML (day is out of range for month)"),
        ("calendar:\n  holidays: 2027-02-06\n", "calendar.holidays: Input should be a valid list"),
        (
            "calendar:\n  holidays: [2027-02-06..2027-02-13]\n  workdays: [2027-02-07]\n",
            "calendar: Value error, 2027-02-07 is both in calendar.holidays and in calendar.workdays",
        ),
    ],
)
def test_invalid_config_names_file_and_field(tmp_path: Path, content: str, expected: str) -> None:
    cfg = tmp_path / "bad.yaml"
    cfg.write_text(content)
    with pytest.raises(ConfigError) as err:
        load_settings(cfg)
    assert str(err.value).startswith(f"{cfg}:")
    assert expected in str(err.value)


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "nope.yaml")


def test_cli_exits_2_with_one_line_and_never_shows_the_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    cfg = tmp_path / "bad.yaml"
    cfg.write_text("telegram:\n  token: 999:TOPSECRET\n  mode: carrier-pigeon\n")
    with caplog.at_level(logging.DEBUG):
        code = main(["--config", str(cfg), "db", "current"])
    out, err = capsys.readouterr()
    assert code == 2
    assert err.count("\n") == 1
    assert "telegram.mode" in err and str(cfg) in err
    assert "Traceback" not in err
    assert "TOPSECRET" not in out + err + caplog.text


def test_example_config_is_valid_and_documents_the_defaults() -> None:
    example = Path(__file__).resolve().parents[1] / "config.example.yaml"
    assert load_settings(example).model_dump() == load_settings().model_dump()


def test_calendar_days_from_yaml_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "c.yaml"
    # YAML reads a bare date as a date and a range as a string: both are accepted.
    cfg.write_text("calendar:\n  holidays: [2027-02-05..2027-02-07, 2027-10-04]\n  workdays: [2027-02-14]\n")
    s = load_settings(cfg)
    assert s.calendar.holidays == ["2027-02-05..2027-02-07", "2027-10-04"]
    assert s.calendar.holiday_dates() == {dt.date(2027, 2, d) for d in (5, 6, 7)} | {dt.date(2027, 10, 4)}
    assert s.calendar.workday_dates() == {dt.date(2027, 2, 14)}
    monkeypatch.setenv("TASKBOT_CALENDAR__WORKDAYS", '["2027-02-20..2027-02-21"]')
    assert load_settings(cfg).calendar.workday_dates() == {dt.date(2027, 2, 20), dt.date(2027, 2, 21)}
