"""``taskbot import`` and ``taskbot tasks`` end to end, in process, on the default SQLite store."""

from __future__ import annotations

import codecs
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select

from taskbot.bulletin import parse_bulletin
from taskbot.cli import main
from taskbot.services.ingest import directive_fingerprint
from taskbot.store.models import Bulletin, Task
from tests.conftest import SEED_BULLETIN
from tests.ingest.documents import make_docx, make_pdf

SEED_TEXT = SEED_BULLETIN.read_text(encoding="utf-8")
DATE = "2022-06-24"


def _expected_tasks(text: str = SEED_TEXT) -> int:
    parsed = parse_bulletin(text, dt.date.fromisoformat(DATE))
    return len({directive_fingerprint(d.text) for d in parsed.directives if d.text.strip()})


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code, out, err = _run(capsys, *argv, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def _count(model: type, path: Path = Path("taskbot.db")) -> int:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        engine.dispose()


def test_import_then_import_again_creates_nothing_new(capsys: pytest.CaptureFixture[str]) -> None:
    expected = _expected_tasks()
    assert expected > 0
    code, out, err = _run(capsys, "import", str(SEED_BULLETIN), "--date", DATE)
    assert code == 0, err
    assert f"created {expected}, unchanged 0" in out
    assert "id" in out and "responsible" in out and "title" in out  # the created tasks, as a table
    code, out, _ = _run(capsys, "import", str(SEED_BULLETIN), "--date", DATE)
    assert code == 0
    assert f"created 0, unchanged {expected}" in out and "(imported before)" in out
    assert _count(Task) == expected and _count(Bulletin) == 1


def test_import_json_lists_the_created_tasks(capsys: pytest.CaptureFixture[str]) -> None:
    data = _run_json(capsys, "import", str(SEED_BULLETIN), "--date", DATE, "--chat", "-1001234")
    assert data["bulletin"]["date"] == DATE and data["bulletin"]["new"] is True
    assert data["counts"] == {"created": len(data["created"]), "unchanged": 0}
    task = data["created"][0]
    assert (
        task["chat"] == -1001234
        and task["status"] == "open"
        and task["bulletin_id"] == data["bulletin"]["id"]
    )
    assert {"text", "responsible", "cadence", "deadline", "target", "section", "progress"} <= task.keys()


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda s: s.encode("gb18030"), id="gb18030"),
        pytest.param(lambda s: codecs.BOM_UTF8 + s.encode("utf-8"), id="utf-8-bom"),
        pytest.param(lambda s: s.encode("utf-16"), id="utf-16-bom"),
    ],
)
def test_other_encodings_of_the_seed_are_the_same_bulletin(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, encode: Any
) -> None:
    copy = tmp_path / "copy.txt"
    copy.write_bytes(encode(SEED_TEXT))
    first = _run_json(capsys, "import", str(SEED_BULLETIN), "--date", DATE)
    again = _run_json(capsys, "import", str(copy), "--date", DATE)
    assert again["bulletin"]["id"] == first["bulletin"]["id"] and again["bulletin"]["new"] is False
    assert again["counts"] == {"created": 0, "unchanged": _expected_tasks()}


def test_docx_and_pdf_bulletins_are_imported(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    lines = SEED_TEXT.splitlines()
    (tmp_path / "seed.docx").write_bytes(make_docx(lines))
    (tmp_path / "seed.pdf").write_bytes(make_pdf([lines[i : i + 50] for i in range(0, len(lines), 50)]))
    from_docx = _run_json(capsys, "import", str(tmp_path / "seed.docx"), "--date", DATE)
    assert from_docx["counts"] == {"created": _expected_tasks(), "unchanged": 0}
    # The PDF's text layer loses the blank lines, but without whitespace it is the same bulletin.
    from_pdf = _run_json(capsys, "import", str(tmp_path / "seed.pdf"), "--date", DATE)
    assert from_pdf["bulletin"]["id"] == from_docx["bulletin"]["id"] and from_pdf["bulletin"]["new"] is False
    assert _run_json(capsys, "import", str(tmp_path / "seed.pdf"), "--date", DATE)["counts"]["created"] == 0
    assert _count(Bulletin) == 1


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("old.doc", b"\xd0\xcf\x11\xe0 old word", "old.doc: unsupported file type .doc"),
        ("scan.pdf", make_pdf([[]]), "scan.pdf: the PDF has no text layer (scanned?)"),
        ("broken.docx", b"PK\x03\x04 nope", "broken.docx: not a valid .docx file"),
        ("empty.txt", b"", "empty.txt: the file is empty"),
    ],
)
def test_an_unreadable_file_is_one_line_exit_1_and_nothing_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    path = tmp_path / "in" / name
    path.parent.mkdir()
    path.write_bytes(data)
    code, out, err = _run(capsys, "import", str(path))
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("taskbot: ") and message in err
    assert not Path("taskbot.db").exists()  # the store was not even opened


def test_an_unreadable_file_leaves_an_existing_store_untouched(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert _run(capsys, "import", str(SEED_BULLETIN), "--date", DATE)[0] == 0
    before = Path("taskbot.db").read_bytes()
    assert _run(capsys, "import", str(tmp_path / "missing.pdf"))[0] == 1
    assert Path("taskbot.db").read_bytes() == before


def test_dry_run_shows_what_would_be_created_and_writes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    data = _run_json(capsys, "import", str(SEED_BULLETIN), "--date", DATE, "--dry-run")
    assert data["dry_run"] is True and data["bulletin"]["id"] is None
    assert data["counts"] == {"created": _expected_tasks(), "unchanged": 0}
    assert not Path("taskbot.db").exists()  # not even an empty store is created
    code, out, _ = _run(capsys, "import", str(SEED_BULLETIN), "--dry-run")
    assert code == 0 and "nothing written" in out and f"would create {_expected_tasks()}" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["import", "x.txt", "--chat", "general"],
        ["import"],
        ["tasks", "--status", "finished"],
        ["tasks", "--format", "xml"],
    ],
)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "error:" in capsys.readouterr().err


@pytest.mark.parametrize("date", ["2022-13-01", "yesterday"])
def test_a_bad_date_is_a_one_line_usage_error(capsys: pytest.CaptureFixture[str], date: str) -> None:
    code, out, err = _run(capsys, "import", str(SEED_BULLETIN), "--date", date)
    assert code == 2 and out == ""
    assert err == f"taskbot: --date: {date!r} is not a date of the form YYYY-MM-DD\n"


@pytest.mark.parametrize(
    ("command", "words"),
    [("import", ["--date", "--chat", "--dry-run", "--format", "FILE"]), ("tasks", ["--status", "--format"])],
)
def test_help(capsys: pytest.CaptureFixture[str], command: str, words: list[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert all(word in out for word in words)


def test_tasks_lists_filters_and_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "tasks")
    assert code == 0 and out.strip() == "no tasks"
    imported = _run_json(capsys, "import", str(SEED_BULLETIN), "--date", DATE)
    code, out, _ = _run(capsys, "tasks")
    lines = out.splitlines()
    assert lines[0].split() == ["id", "status", "progress", "deadline", "cadence", "responsible", "title"]
    assert len(lines) == 2 + imported["counts"]["created"]
    assert lines[2].split()[:3] == [str(imported["created"][0]["id"]), "open", "0%"]

    listed = _run_json(capsys, "tasks", "--status", "open")
    assert [t["id"] for t in listed] == [t["id"] for t in imported["created"]]
    assert listed[0] == imported["created"][0]
    assert _run_json(capsys, "tasks", "--status", "done") == []
    code, out, _ = _run(capsys, "tasks", "--status", "done")
    assert code == 0 and out.strip() == "no tasks with status done"


def test_a_bad_configuration_exits_2_before_reading_the_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text("timezone: Mars/Olympus\n", encoding="utf-8")
    code, _, err = _run(capsys, "--config", str(config), "import", str(tmp_path / "missing.txt"))
    assert code == 2 and "timezone" in err and "missing.txt" not in err


def test_a_bulletin_without_directives_is_stored_with_a_warning(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "weather.txt"
    path.write_text("今日天气晴朗。\n", encoding="utf-8")
    code, out, err = _run(capsys, "import", str(path))
    assert code == 0 and "created 0, unchanged 0" in out
    assert err.strip() == f"taskbot: no directives found in {path}"
    assert _count(Bulletin) == 1


@pytest.mark.parametrize("command", ["import", "parse"])
def test_a_zip_bomb_is_refused_in_one_line_and_nothing_is_stored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    from tests.test_readers import zip_bomb_docx

    bomb = tmp_path / "bomb.docx"
    bomb.write_bytes(zip_bomb_docx())
    code, out, err = _run(capsys, command, str(bomb))
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1 and "zip bomb" in err and "Traceback" not in err
    assert not Path("taskbot.db").exists()  # refused before the store was even opened


def test_the_file_limits_are_configurable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text("ingest:\n  max_pdf_pages: 2\n", encoding="utf-8")
    pdf = tmp_path / "long.pdf"
    pdf.write_bytes(make_pdf([["各镇街要加强督查。"]] * 3))
    code, _, err = _run(capsys, "--config", str(cfg), "import", str(pdf))
    assert code == 1
    assert err.strip().endswith("long.pdf: the PDF has 3 pages, over the limit of 2")


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_the_cli_never_prints_control_characters_raw(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    from taskbot.config import load_settings
    from taskbot.runtime import build_runtime
    from taskbot.store.db import transaction

    runtime = build_runtime(load_settings())
    with transaction(runtime.sessions) as s:
        # written by SQL, past every check: an escape sequence, DEL, a C1 control and a bidi override
        now = dt.datetime(2026, 10, 5, tzinfo=dt.UTC)
        s.add(
            Task(
                title="清屏\x1b[2J\x7f\x9b任务\u202e",
                text="x",
                status="open",
                progress=0,
                cadence=[],
                created_at=now,
                updated_at=now,
            )
        )
    runtime.close()
    code, out, err = _run(capsys, "tasks", "--format", fmt)
    assert code == 0, err
    assert not any(ch in out for ch in "\x1b\x7f\x9b\u202e")
    assert "清屏" in out
    if fmt == "json":
        assert json.loads(out)[0]["title"] == "清屏\x1b[2J\x7f\x9b任务\u202e"  # the data itself is intact
