"""No start-up traps: no silent local mode, one fixed data directory, read-only commands create nothing,
a database URL whose driver is missing is one line."""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from taskbot.cli import main
from taskbot.cli.bot import NO_TOKEN_MESSAGE, wants_local_mode
from taskbot.config import data_home, load_settings

SEED_BULLETIN = Path(__file__).resolve().parents[1] / "examples" / "bulletin-foshan-2022-06.txt"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TASKBOT_")}
    env.update(extra)
    return env


def test_run_without_token_and_without_terminal_exits_2_naming_the_variable(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "taskbot", "run"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=_env(TASKBOT_HOME=str(tmp_path / "home")),
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr == f"taskbot: {NO_TOKEN_MESSAGE}\n"
    assert "TASKBOT_TELEGRAM__TOKEN" in done.stderr
    assert done.stdout == ""
    assert not (tmp_path / "home").exists()  # nothing opened, nothing created


@pytest.mark.parametrize(
    ("local", "demo", "token", "interactive", "expected"),
    [
        (False, False, None, False, False),  # a container without a token: refuse
        (False, False, None, True, True),  # a person at a terminal trying it out
        (False, False, "1:x", True, False),  # a token: the real bot
        (True, False, "1:x", False, True),  # asked for
        (False, True, None, False, True),  # --demo is local mode
    ],
)
def test_local_mode_only_when_asked_or_at_a_terminal(
    local: bool, demo: bool, token: str | None, interactive: bool, expected: bool
) -> None:
    args = argparse.Namespace(local=local, demo=demo)
    assert wants_local_mode(args, token, interactive=interactive) is expected


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"TASKBOT_HOME": "/srv/tb", "XDG_DATA_HOME": "/x"}, Path("/srv/tb")),
        ({"XDG_DATA_HOME": "/x"}, Path("/x/taskbot")),
        ({"HOME": "/home/u"}, Path("/home/u/.local/share/taskbot")),
    ],
)
def test_data_home_order(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: Path) -> None:
    for name in ("TASKBOT_HOME", "XDG_DATA_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert data_home() == expected
    assert load_settings().database.effective_url == f"sqlite:///{expected / 'taskbot.db'}"


def test_the_default_store_does_not_follow_the_working_directory(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("TASKBOT_HOME", str(home))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert main(["import", str(SEED_BULLETIN), "--date", "2022-06-24"]) == 0
    assert (home / "taskbot.db").is_file()
    assert list(elsewhere.iterdir()) == []
    capsys.readouterr()
    assert main(["db", "current"]) == 0
    assert f"store sqlite:///{home / 'taskbot.db'}\n" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        ["tasks"],
        ["tasks", "--format", "json"],
        ["import", str(SEED_BULLETIN), "--date", "2022-06-24", "--dry-run"],
        ["plan", "--days", "3"],
        ["deliveries"],
        ["report"],
        ["parse", str(SEED_BULLETIN)],
        ["db", "current"],
    ],
)
def test_commands_that_write_nothing_create_nothing(
    argv: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("TASKBOT_HOME", str(home))
    before = sorted(tmp_path.iterdir())
    assert main(argv) == 0, capsys.readouterr().err
    assert not home.exists()
    assert sorted(tmp_path.iterdir()) == before


def test_db_current_names_a_store_not_created_yet(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["db", "current"]) == 0
    out = capsys.readouterr().out
    assert f"store sqlite:///{tmp_path / 'taskbot.db'} (not created yet)" in out
    assert "current none" in out


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("postgresql+pg8000://u:hidden-pass@127.0.0.1/x", "the postgresql driver is not installed"),
        ("nosuchdb://u:hidden-pass@host/x", "names a database taskbot cannot use"),
    ],
)
def test_a_database_url_that_cannot_be_tried_is_one_line_and_exit_2(
    url: str, words: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TASKBOT_DATABASE__URL", url)
    assert main(["tasks"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("taskbot: database.url") and words in err
    assert "hidden-pass" not in err


def test_run_logs_where_the_store_is(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from taskbot.cli import bot as run_cli

    settings = load_settings()
    with caplog.at_level(logging.INFO, logger="taskbot.run"):
        runtime = run_cli._open_runtime(settings)
    runtime.close()
    assert f"store sqlite:///{tmp_path / 'taskbot.db'}" in caplog.messages
