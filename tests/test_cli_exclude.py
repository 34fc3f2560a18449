"""``taskbot parse`` shows each directive's number and confidence; ``taskbot import --exclude`` leaves
out the numbers an office rejected."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from taskbot.cli import main
from taskbot.store.models import Task
from tests.conftest import SEED_BULLETIN

DATE = "2022-06-24"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def parsed(capsys: pytest.CaptureFixture[str]) -> list[dict]:
    code, out, err = run(capsys, "parse", str(SEED_BULLETIN), "--date", DATE, "--format", "json")
    assert code == 0, err
    return json.loads(out)["directives"]


def stored_texts() -> list[str]:
    engine = create_engine(f"sqlite:///{Path('taskbot.db')}")
    try:
        with engine.connect() as conn:
            if not conn.dialect.has_table(conn, Task.__tablename__):
                return []
            return list(conn.scalars(select(Task.text)))
    finally:
        engine.dispose()


def test_parse_json_gives_every_directive_a_confidence_and_its_cues(
    capsys: pytest.CaptureFixture[str],
) -> None:
    directives = parsed(capsys)
    assert all(0.0 <= d["confidence"] <= 1.0 and d["cues"] for d in directives)
    assert len({d["confidence"] for d in directives}) > 1  # the cues tell directives apart


def test_import_exclude_leaves_out_the_numbers_parse_shows(capsys: pytest.CaptureFixture[str]) -> None:
    directives = parsed(capsys)
    code, out, err = run(
        capsys, "import", str(SEED_BULLETIN), "--date", DATE, "--exclude", "2,4-5", "--format", "json"
    )
    assert code == 0, err
    created = json.loads(out)["created"]
    left_out = {directives[i]["text"] for i in (1, 3, 4)}
    assert len(created) == len({d["text"] for d in directives} - left_out)
    assert not left_out & set(stored_texts())
    assert directives[0]["text"] in stored_texts()


@pytest.mark.parametrize("value", ["0", "999", "3-1", "x", "2,abc"])
def test_a_bad_exclude_is_a_usage_error_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], value: str
) -> None:
    code, _, err = run(capsys, "import", str(SEED_BULLETIN), "--date", DATE, "--exclude", value)
    assert code == 2 and err.count("\n") == 1 and "--exclude" in err
    assert stored_texts() == []
