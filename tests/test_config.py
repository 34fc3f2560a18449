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
    assert s.workflow.receipt is True  # a share newly routed to a unit's group is announced for 签收


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
            "schedule:\n  fortnightly:\n    anchor: 1999-12-27\n",
            "schedule.fortnightly.anchor: Value error, the date must lie between 2000-01-01 and 2100-12-31",
        ),
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


TOKEN = "123456789:AAEhBP0av28sPzTOKENvalueNEVERshown"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "telegram:\n  webhook:\n    secret_tokne: abc\n",
            'telegram.webhook.secret_tokne: unknown setting (did you mean "secret_token"?)',
        ),
        (
            "schedule:\n  grace_hour: 3\n",
            'schedule.grace_hour: unknown setting (did you mean "grace_hours"?)',
        ),
        (
            "schedule:\n  weekly:\n    tiem: '10:00'\n",
            'schedule.weekly.tiem: unknown setting (did you mean "time"?)',
        ),
        ("database:\n  uri: sqlite:///x.db\n", 'database.uri: unknown setting (did you mean "url"?)'),
        (
            "ingest:\n  max_pdf_page: 3\n",
            'ingest.max_pdf_page: unknown setting (did you mean "max_pdf_pages"?)',
        ),
        ("redblack:\n  zzz: 1\n", "redblack.zzz: unknown setting"),
        (
            "schedule:\n  deadline_offsets: [100000]\n",
            "schedule.deadline_offsets: Value error, offsets are days",
        ),
        ("schedule:\n  escalate_after_days: 3000000\n", "schedule.escalate_after_days: Input should be less"),
        ("schedule:\n  grace_hours: 1e15\n", "schedule.grace_hours: Input should be less"),
        ("redblack:\n  silent_days: 99999999\n", "redblack.silent_days: Input should be less"),
        (
            "telegram:\n  webhook:\n    secret_token: 'has spaces/and:colons'\n",
            "telegram.webhook.secret_token: Value error, 1 to 256 characters, only A-Z, a-z, 0-9, _ and -",
        ),
        ("timezon: UTC\n", 'timezon: unknown setting (did you mean "timezone"?)'),
    ],
)
def test_unknown_keys_are_errors_at_every_level(tmp_path: Path, content: str, expected: str) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text(content)
    with pytest.raises(ConfigError) as err:
        load_settings(cfg)
    assert expected in str(err.value)


def test_unknown_nested_keys_in_the_environment_are_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TASKBOT_TELEGRAM__WEBHOOK__SECRET_TOKNE", "abcdefgh")
    with pytest.raises(ConfigError, match=r"telegram\.webhook\.secret_tokne: unknown setting"):
        load_settings()


@pytest.mark.parametrize(
    "content",
    [
        f"timezone: '{TOKEN}'\n",
        f"language: '{TOKEN}'\n",
        f"admins: ['{TOKEN}']\n",
        f"schedule:\n  weekly:\n    time: '{TOKEN}'\n",
        f"telegram:\n  mode: '{TOKEN}'\n",
        f"telegram:\n  webhook:\n    port: '{TOKEN}'\n",
        f"schedule:\n  fortnightly:\n    anchor: '{TOKEN}'\n",
        f"'{TOKEN}': 1\n",
        f"calendar:\n  holidays: ['{TOKEN}']\n",
        f"calendar:\n  workdays: ['2027-02-07..{TOKEN}']\n",
    ],
)
def test_no_error_message_contains_a_configured_value(
    tmp_path: Path, content: str, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text(content)
    code = main(["--config", str(cfg), "db", "current"])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.count("\n") == 1
    assert "AAEhBP0av28sPz" not in err and "123456789" not in err


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (TOKEN, "database.url is not a database URL"),
        ("AAEhBP0av28sPzTOKEN://user:pw@host/db", "database.url names a database taskbot cannot use"),
        ("mysql://user:SECRETPW@host/db", "database.url: the mysql driver is not installed"),
        ("postgresql+psycopg2://u:SECRETPW@h/db", "database.url: the postgresql driver is not installed"),
    ],
)
def test_a_database_url_that_cannot_be_used_is_one_line_without_the_value(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], url: str, expected: str
) -> None:
    monkeypatch.setenv("TASKBOT_DATABASE__URL", url)
    code = main(["db", "current"])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.count("\n") == 1 and expected in err
    assert "AAEhBP0av28sPz" not in err and "SECRETPW" not in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TASKBOT_ADMINS", "[1,2"),
        ("TASKBOT_SCHEDULE__DEADLINE_OFFSETS", "{" + TOKEN),
        ("TASKBOT_ADMINS", TOKEN),
    ],
)
def test_json_in_the_environment_that_does_not_parse_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    code = main(["db", "current"])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("taskbot: environment: invalid configuration: ")
    assert "[1,2" not in err and "AAEhBP0av28sPz" not in err


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
