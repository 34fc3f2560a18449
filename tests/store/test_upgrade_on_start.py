"""``taskbot import`` and ``taskbot tasks`` bring an out-of-date store to the newest schema themselves."""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory

from taskbot.cli import main
from taskbot.config import Settings
from taskbot.store import db
from tests.conftest import SEED_BULLETIN

FIRST_REVISION = next(
    r.revision for r in ScriptDirectory(str(db.MIGRATIONS)).walk_revisions() if r.down_revision is None
)


@pytest.mark.parametrize("start", ["empty", "oldest-revision", "downgraded-to-base"])
@pytest.mark.parametrize("command", ["import", "tasks"])
def test_commands_upgrade_an_out_of_date_store(
    any_store_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    start: str,
    command: str,
) -> None:
    url = any_store_settings.database.url
    engine = db.make_engine(url)
    try:
        if start == "oldest-revision":
            db.upgrade(engine, FIRST_REVISION)
            assert db.current_revision(engine) != db.head_revision()
        elif start == "downgraded-to-base":
            db.upgrade(engine)
            db.downgrade(engine, "base")
        assert db.current_revision(engine) is None or start == "oldest-revision"

        monkeypatch.setenv("TASKBOT_DATABASE__URL", url)
        argv = ["import", str(SEED_BULLETIN), "--date", "2022-06-24"] if command == "import" else ["tasks"]
        assert main([*argv, "--format", "json"]) == 0, capsys.readouterr().err
        assert db.current_revision(engine) == db.head_revision()
    finally:
        engine.dispose()


def test_db_upgrade_reports_what_it_did(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], settings: Settings
) -> None:
    monkeypatch.setenv("TASKBOT_DATABASE__URL", settings.database.url)
    assert main(["db", "upgrade"]) == 0
    assert capsys.readouterr().out.strip() == f"database at revision {db.head_revision()}"
    assert main(["db", "upgrade"]) == 0
    assert "already up to date" in capsys.readouterr().out
