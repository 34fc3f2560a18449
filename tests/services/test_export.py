"""The .xlsx export: rows, columns, history sheet, local times; and `taskbot export`."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from taskbot.cli import main
from taskbot.config import Settings
from taskbot.runtime import Runtime, build_runtime
from taskbot.services.export import HISTORY_COLUMNS, TASK_COLUMNS, collect, export_filename, write_xlsx
from taskbot.store.db import transaction
from taskbot.store.models import Bulletin, Chat, Party, Person, Report, Task

T0 = dt.datetime(2026, 10, 5, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai


def _seed(runtime: Runtime) -> None:
    with transaction(runtime.sessions) as s:
        bulletin = Bulletin(
            source="b.txt", checksum="x" * 64, date=dt.date(2022, 6, 1), title="工作简报", imported_at=T0
        )
        party = Party(name="各镇街")
        person = Person(telegram_user_id=1001, username="zhangsan", display_name="张三")
        chat = Chat(telegram_chat_id=-100123, title="测试群", type="supergroup")
        first = Task(
            title="推进创熟全覆盖",
            text="要推进70个城市社区“创熟”全覆盖",
            cadence=["weekly"],
            deadline=dt.date(2026, 12, 31),
            target="70个城市社区",
            bulletin=bulletin,
            created_at=T0,
            updated_at=T0 + dt.timedelta(days=1),
            parties=[party],
            assignees=[person],
        )
        second = Task(
            title="健全督查督办机制", status="done", progress=100, chat=chat, created_at=T0, updated_at=T0
        )
        s.add_all([first, second])
        s.flush()
        s.add_all(
            [
                Report(task=first, actor="admin", at=T0, kind="created", status="open"),
                Report(
                    task=first,
                    person=person,
                    at=T0 + dt.timedelta(days=1, minutes=30),
                    kind="status",
                    status="in_progress",
                    progress=40,
                    text="已完成摸底",
                ),
                Report(task=second, actor="admin", at=T0, kind="created", status="open"),
                Report(task=second, actor="admin", at=T0, kind="closed", status="done", progress=100),
            ]
        )


def test_export_workbook_has_task_and_history_sheets(runtime: Runtime) -> None:
    _seed(runtime)
    buffer = io.BytesIO()
    with runtime.sessions() as session:
        data = write_xlsx(session, buffer, lang="zh", tz=runtime.settings.tz)
    assert (len(data.tasks), len(data.history)) == (2, 4)

    book = load_workbook(io.BytesIO(buffer.getvalue()))
    assert book.sheetnames == ["任务", "历史", "承办单位台账"]
    assert book["任务"].freeze_panes == "A2"  # the header stays in view
    assert book["任务"].auto_filter.ref == "A1:P3"
    tasks = list(book["任务"].iter_rows(values_only=True))
    assert tasks[0][:4] == ("编号", "任务", "状态", "进度%")
    assert len(tasks[0]) == len(TASK_COLUMNS)
    assert len(tasks) == 3
    first = dict(zip(TASK_COLUMNS, tasks[1], strict=True))
    assert first["id"] == 1
    assert first["title"] == "推进创熟全覆盖"
    assert first["parties"] == "各镇街"
    assert first["assignees"] == "张三"
    assert first["cadence"] == "每周"
    assert first["deadline"].date() == dt.date(2026, 12, 31)
    assert first["bulletin"] == "2022-06-01 工作简报"
    # Stored in UTC, shown in the configured zone (Asia/Shanghai is UTC+8).
    assert first["created_at"] == dt.datetime(2026, 10, 5, 9, 0)
    second = dict(zip(TASK_COLUMNS, tasks[2], strict=True))
    assert (second["status"], second["progress"], second["chat"]) == ("已完成", 100, "测试群")

    history = list(book["历史"].iter_rows(values_only=True))
    assert len(history[0]) == len(HISTORY_COLUMNS)
    assert len(history) == 5
    report = dict(zip(HISTORY_COLUMNS, history[2], strict=True))
    assert report["task_id"] == 1
    assert report["actor"] == "张三"  # no actor text: the person's name stands in
    assert (report["kind"], report["status"], report["progress"], report["text"]) == (
        "汇报进展",
        "进行中",
        40,
        "已完成摸底",
    )
    assert report["at"] == dt.datetime(2026, 10, 6, 9, 30)


def test_export_in_english_and_filtered_by_status(runtime: Runtime) -> None:
    _seed(runtime)
    buffer = io.BytesIO()
    with runtime.sessions() as session:
        data = write_xlsx(session, buffer, lang="en", tz=runtime.settings.tz, status="done")
    assert [row.id for row in data.tasks] == [2]
    book = load_workbook(io.BytesIO(buffer.getvalue()))
    assert book.sheetnames == ["Tasks", "History", "Units"]
    assert book["Tasks"]["A1"].value == "ID"
    assert book["Tasks"]["C2"].value == "done"  # status in English
    assert [c.value for c in book["History"]["E"][1:]] == ["created", "closed"]
    assert book["History"].max_row == 3  # header + the two entries of task 2


def test_collect_only_the_given_tasks(runtime: Runtime) -> None:
    _seed(runtime)
    with runtime.sessions() as session:
        data = collect(session, task_ids=[2])
        assert [row.id for row in data.tasks] == [2]
        assert {row.task_id for row in data.history} == {2}
        assert collect(session, task_ids=[]).tasks == []


def test_export_of_an_empty_store_has_headers_only(runtime: Runtime) -> None:
    buffer = io.BytesIO()
    with runtime.sessions() as session:
        write_xlsx(session, buffer, lang="zh", tz=runtime.settings.tz)
    book = load_workbook(io.BytesIO(buffer.getvalue()))
    assert [book[name].max_row for name in book.sheetnames] == [1, 1, 1]


def test_export_filename_uses_local_time() -> None:
    from zoneinfo import ZoneInfo

    assert export_filename(T0, ZoneInfo("Asia/Shanghai")) == "taskbot-tasks-20261005-0900.xlsx"


@pytest.fixture
def cli_store(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Runtime:
    monkeypatch.setenv("TASKBOT_DATABASE__URL", runtime.settings.database.url)
    return runtime


def test_cli_export_writes_the_workbook(
    cli_store: Runtime, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(cli_store)
    out = tmp_path / "tasks.xlsx"
    assert main(["export", "--output", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"{out}: 2 tasks, 4 history entries"
    book = load_workbook(out)
    assert book["任务"].max_row == 3
    assert book["历史"].max_row == 5


def test_cli_export_default_name_in_the_current_directory(
    cli_store: Runtime, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export"]) == 0
    written = list(Path.cwd().glob("taskbot-tasks-*.xlsx"))
    assert len(written) == 1
    assert "0 tasks, 0 history entries" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("output", "code", "message"),
    [("tasks.csv", 2, "must end in .xlsx"), ("no/such/dir/tasks.xlsx", 1, "no such directory")],
)
def test_cli_export_refuses_bad_outputs(
    cli_store: Runtime, capsys: pytest.CaptureFixture[str], output: str, code: int, message: str
) -> None:
    assert main(["export", "--output", output]) == code
    err = capsys.readouterr().err
    assert err.startswith("taskbot: ") and message in err
    assert "Traceback" not in err


def test_export_on_both_stores(any_store_settings: Settings) -> None:
    runtime = build_runtime(any_store_settings)
    try:
        _seed(runtime)
        buffer = io.BytesIO()
        with runtime.sessions() as session:
            data = write_xlsx(session, buffer, lang="zh", tz=runtime.settings.tz)
        book = load_workbook(io.BytesIO(buffer.getvalue()))
        assert [book[name].max_row for name in book.sheetnames] == [3, 5, 1]  # no unit: no 台账 row
        assert [row.id for row in data.tasks] == [1, 2]
        assert book["历史"]["C3"].value == dt.datetime(2026, 10, 6, 9, 30)
    finally:
        runtime.close()
