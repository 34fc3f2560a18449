"""The .xlsx export (the 台账): rows, columns, sheets, local times, highlight, chart; and `taskbot export`."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart

from taskbot.cli import main
from taskbot.config import Settings
from taskbot.domain.digest import RedBlackRules
from taskbot.i18n import t
from taskbot.runtime import Runtime, build_runtime
from taskbot.services.export import (
    HISTORY_COLUMNS,
    REDBLACK_COLUMNS,
    SHEET_NAME_LIMIT,
    TASK_COLUMNS,
    UNIT_COLUMNS,
    ExportData,
    collect,
    export_filename,
    safe_sheet_name,
    text_width,
    write_xlsx,
)
from taskbot.store.db import transaction
from taskbot.store.models import Assignment, Binding, Bulletin, Chat, Party, Person, Report, Task

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
    assert book.sheetnames == ["汇总", "台账", "任务", "历史", "红黑榜", "佐证材料"]
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
    assert book.sheetnames == ["Summary", "Ledger", "Tasks", "Task history", "Red-black list", "Evidence"]
    assert book["Tasks"]["A1"].value == "ID"
    assert book["Tasks"]["C2"].value == "done"  # status in English
    assert [c.value for c in book["Task history"]["E"][1:]] == ["created", "closed"]
    assert book["Task history"].max_row == 3  # header + the two entries of task 2


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
    # The summary's tables keep their headers (12 rows); every other sheet is a header alone.
    assert [book[name].max_row for name in book.sheetnames] == [12, 1, 1, 1, 1, 1]
    assert book["汇总"]._charts == []  # no unit: nothing to chart


def test_export_filename_uses_local_time() -> None:
    from zoneinfo import ZoneInfo

    assert export_filename(T0, ZoneInfo("Asia/Shanghai")) == "taskbot-tasks-20261005-0900.xlsx"


@pytest.fixture
def cli_store(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Runtime:
    monkeypatch.setenv("TASKBOT_DATABASE__URL", runtime.settings.database.url)
    return runtime


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


# --- the 台账: one row per assignment, a sheet per unit, 红黑榜, summary with a chart ---

HOSTILE = "各镇[街]/：*?"
LONG = "佛山市禅城区" + "某某街道办事处综合治理" * 3 + "网"  # 40 characters
NOW = T0 + dt.timedelta(days=2)  # Wednesday 2026-10-07 09:00 in Shanghai


def _seed_ledger(runtime: Runtime) -> None:
    """Two tasks with five shares among four units; the first one's deadline is past at NOW."""
    assert len(LONG) == 40
    with transaction(runtime.sessions) as s:
        person = Person(telegram_user_id=2001, display_name="王五")
        housing = Chat(telegram_chat_id=-1001, title="市住建局", type="supergroup")
        towns = Chat(telegram_chat_id=-1002, title=HOSTILE, type="supergroup")
        long_a = Chat(telegram_chat_id=-1003, title=LONG, type="supergroup")
        long_b = Chat(telegram_chat_id=-1004, title=LONG[:-1] + "二", type="supergroup")
        late, fine = (
            Task(
                title=title,
                status="in_progress",
                progress=progress,
                deadline=deadline,
                created_at=T0,
                updated_at=T0,
            )
            for title, progress, deadline in (
                ("整治违法建设", 25, dt.date(2026, 10, 1)),
                ("完成竣工验收", 50, dt.date(2026, 12, 31)),
            )
        )
        late.assignees = [person]
        s.add_all([late, fine])
        party = Party(name="市住建局")
        contact = Person(telegram_user_id=2002, username="zhao_liu", display_name="赵六")
        s.add_all([Binding(party=party, chat=housing), Binding(party=party, person=contact)])
        s.flush()
        s.add_all(
            [
                Assignment(
                    task_id=late.id,
                    chat=housing,
                    role="lead",
                    status="in_progress",
                    progress=50,
                    last_report_at=T0 + dt.timedelta(hours=3),
                    last_report_text="已拆除12处",
                    receipt="signed",
                    signed_at=T0 + dt.timedelta(hours=1),
                    signed_by="李四",
                ),
                Assignment(task_id=late.id, chat=towns, role="partner"),
                Assignment(
                    task_id=fine.id,
                    chat=housing,
                    status="done",
                    progress=100,
                    completed_at=T0 + dt.timedelta(days=1),
                    completion="on_time",
                ),
                Assignment(
                    task_id=fine.id,
                    chat=long_a,
                    status="in_progress",
                    progress=30,
                    last_report_at=T0 + dt.timedelta(days=1),
                    last_report_text="已完成初验",
                    extended_to=dt.date(2027, 1, 31),
                ),
                Assignment(task_id=fine.id, chat=long_b),
            ]
        )


def _ledger_book(runtime: Runtime, lang: str = "zh") -> tuple[ExportData, Workbook]:
    buffer = io.BytesIO()
    with runtime.sessions() as session:
        data = write_xlsx(session, buffer, lang=lang, tz=runtime.settings.tz, now=NOW, rules=RedBlackRules())
    return data, load_workbook(io.BytesIO(buffer.getvalue()))


def test_ledger_has_a_row_per_assignment_with_its_columns(runtime: Runtime) -> None:
    _seed_ledger(runtime)
    _, book = _ledger_book(runtime)
    assert book.sheetnames[:6] == ["汇总", "台账", "任务", "历史", "红黑榜", "佐证材料"]
    ledger = book["台账"]
    rows = list(ledger.iter_rows(values_only=True))
    assert rows[0] == tuple(t(f"export.col.{name}", "zh") for name in UNIT_COLUMNS)
    assert rows[0][:8] == (
        "任务编号",
        "任务",
        "承办单位",
        "角色",
        "状态",
        "进度%",
        "最新进展",
        "最新进展时间",
    )
    assert len(rows) == 1 + 5  # a row per assignment
    assert ledger.freeze_panes == "A2"
    assert ledger.auto_filter.ref == f"A1:{chr(ord('A') + len(UNIT_COLUMNS) - 1)}6"
    by_unit = {(r[0], r[2]): dict(zip(UNIT_COLUMNS, r, strict=True)) for r in rows[1:]}
    housing = by_unit[(1, "市住建局")]
    assert (housing["role"], housing["status"], housing["progress"]) == ("牵头", "进行中", 50)
    assert housing["last_report_text"] == "已拆除12处"
    assert housing["last_report_at"] == dt.datetime(2026, 10, 5, 12, 0)  # local time
    assert (housing["signed_at"], housing["signed_by"]) == (dt.datetime(2026, 10, 5, 10, 0), "李四")
    assert housing["deadline"].date() == dt.date(2026, 10, 1)
    assert housing["days_overdue"] == 6
    assert housing["assignees"] == "王五"
    assert housing["contacts"] == "@zhao_liu"  # bound to the party the unit's group answers for
    assert by_unit[(1, HOSTILE)]["contacts"] is None
    assert by_unit[(1, HOSTILE)]["role"] == "配合"
    done = by_unit[(2, "市住建局")]
    assert (done["completion"], done["completed_at"]) == ("按期办结", dt.datetime(2026, 10, 6, 9, 0))
    assert done["days_overdue"] is None
    extended = by_unit[(2, LONG)]
    assert extended["extended_to"].date() == dt.date(2027, 1, 31)
    assert extended["deadline"].date() == dt.date(2026, 12, 31)  # the original stays shown


def test_overdue_rows_are_filled_and_others_are_not(runtime: Runtime) -> None:
    _seed_ledger(runtime)
    _, book = _ledger_book(runtime)
    ledger = book["台账"]
    for row in ledger.iter_rows(min_row=2):
        overdue = row[0].value == 1  # task 1's deadline (10-01) is past; task 2's (12-31) is not
        colours = {cell.fill.fgColor.rgb if cell.fill.fill_type == "solid" else None for cell in row}
        assert colours == ({"FFFFC7CE"} if overdue else {None}), row[0].value


def test_column_widths_fit_chinese_text(runtime: Runtime) -> None:
    _seed_ledger(runtime)
    _, book = _ledger_book(runtime)
    widths = {c: book["台账"].column_dimensions[c].width for c in "ABCG"}
    assert widths["B"] >= text_width("整治违法建设") == 12
    assert widths["C"] == 50  # the 40-character unit name (80 units) is capped; it wraps
    assert widths["A"] >= text_width("任务编号")
    assert widths["G"] >= text_width("已拆除12处")


def test_a_sheet_per_unit_with_names_excel_accepts(runtime: Runtime) -> None:
    _seed_ledger(runtime)
    _, book = _ledger_book(runtime)
    units = book.sheetnames[6:]
    assert len(units) == 4
    assert "各镇_街__：__" in units  # [ ] / * ? replaced; the full-width colon is allowed
    assert LONG[:SHEET_NAME_LIMIT] in units
    assert LONG[: SHEET_NAME_LIMIT - 2] + "~2" in units  # the second long name, made unique
    for name in units:
        assert len(name) <= SHEET_NAME_LIMIT
        assert not set(name) & set("[]:*?/\\")
    assert len({n.casefold() for n in book.sheetnames}) == len(book.sheetnames)
    housing = list(book["市住建局"].iter_rows(values_only=True))
    assert housing[0] == tuple(t(f"export.col.{name}", "zh") for name in UNIT_COLUMNS)
    assert [(r[0], r[2]) for r in housing[1:]] == [(1, "市住建局"), (2, "市住建局")]
    assert book["市住建局"]["A2"].fill.fill_type == "solid"  # its overdue share stays highlighted


@pytest.mark.parametrize(
    ("name", "taken", "expected"),
    [
        ("市住建局", set(), "市住建局"),
        (HOSTILE, set(), "各镇_街__：__"),
        ("a" * 40, set(), "a" * 31),
        ("a" * 40, {"a" * 31}, "a" * 29 + "~2"),
        ("汇总", {"汇总"}, "汇总~2"),
        ("Tasks", {"tasks"}, "Tasks~2"),  # Excel compares names ignoring case
        ("'引号'", set(), "引号"),
        ("History", set(), "History~2"),  # reserved by Excel
        ("[]/?", set(), "____"),
        ("   ", set(), "单位"),
    ],
)
def test_safe_sheet_name(name: str, taken: set[str], expected: str) -> None:
    assert safe_sheet_name(name, taken, fallback="单位") == expected
    assert expected.casefold() in taken


def test_redblack_sheet_follows_the_digest(runtime: Runtime) -> None:
    _seed_ledger(runtime)
    data, book = _ledger_book(runtime)
    rows = list(book["红黑榜"].iter_rows(values_only=True))
    assert rows[0] == tuple(t(f"export.col.{name}", "zh") for name in REDBLACK_COLUMNS)
    lines = [dict(zip(REDBLACK_COLUMNS, r, strict=True)) for r in rows[1:]]
    red = [line["unit"] for line in lines if line["list"] == "红榜"]
    black = {line["unit"]: line for line in lines if line["list"] == "黑榜"}
    assert red == [LONG]  # reported, nothing overdue: the only clean unit that reported
    assert set(black) == {"市住建局", HOSTILE}  # a share 6 days overdue each
    assert black[HOSTILE]["overdue"] == 1 and black[HOSTILE]["max_days_overdue"] == 6
    assert [r.unit for r in data.redblack if r.list == "red"] == red


def test_redblack_of_a_group_export_covers_its_tasks_only(runtime: Runtime) -> None:
    _seed_ledger(runtime)
    with runtime.sessions() as session:
        data = collect(session, task_ids=[2], now=NOW, tz=runtime.settings.tz, rules=RedBlackRules())
    assert {row.task_id for row in data.units} == {2}
    # 市住建局 is black over task 1 but, seen from task 2 alone, finished on time: red, first.
    assert [(r.list, r.unit) for r in data.redblack] == [("red", "市住建局"), ("red", LONG)]


def test_summary_counts_standings_and_units_with_a_bar_chart(runtime: Runtime) -> None:
    _seed_ledger(runtime)
    _, book = _ledger_book(runtime)
    summary = book["汇总"]
    assert book.sheetnames[0] == "汇总"
    assert summary["A1"].value == "督办台账汇总"
    assert summary["B2"].value == dt.datetime(2026, 10, 7, 9, 0)
    standings = {summary.cell(r, 1).value: summary.cell(r, 2).value for r in range(5, 11)}
    assert standings == {"逾期": 2, "受阻": 0, "未汇报": 0, "正常推进": 2, "已办结": 1, "合计": 5}
    header = [c.value for c in summary[12]]
    assert header == ["承办单位", "承办事项", "逾期", "受阻", "未汇报", "正常推进", "已办结"]
    units = {summary.cell(r, 1).value: [summary.cell(r, c).value for c in range(2, 8)] for r in range(13, 17)}
    assert units["市住建局"] == [2, 1, 0, 0, 0, 1]
    assert units[HOSTILE] == [1, 1, 0, 0, 0, 0]
    charts = summary._charts
    assert len(charts) == 1
    chart = charts[0]
    assert isinstance(chart, BarChart)
    assert chart.grouping == "stacked"
    assert len(chart.series) == 5  # one per standing, drawn from the per-unit table
    assert chart.series[0].val.numRef.f == "'汇总'!$C$13:$C$16"


def test_summary_leaves_cancelled_shares_out(runtime: Runtime) -> None:
    _seed_ledger(runtime)
    with transaction(runtime.sessions) as s:
        s.get_one(Task, 2).status = "cancelled"
    data, book = _ledger_book(runtime)
    assert len(data.units) == 5  # still on the 台账, with its status
    assert [r.standing for r in data.units if r.task_id == 2] == [None, None, None]
    summary = book["汇总"]
    assert (summary["A10"].value, summary["B10"].value) == ("合计", 2)
    lines = {row[0]: list(row[1:]) for row in summary.iter_rows(min_row=13, values_only=True)}
    assert lines["市住建局"] == [1, 1, 0, 0, 0, 0]  # its task-2 share is not counted
    assert lines[LONG] == [0, 0, 0, 0, 0, 0]


def test_ledger_in_english(runtime: Runtime) -> None:
    _seed_ledger(runtime)
    _, book = _ledger_book(runtime, lang="en")
    assert book.sheetnames[:6] == ["Summary", "Ledger", "Tasks", "Task history", "Red-black list", "Evidence"]
    assert book["Ledger"]["D1"].value == "Role"
    assert {book["Ledger"].cell(r, 4).value for r in range(2, 7)} == {"lead", "partner"}
    assert book["Summary"]["A5"].value == "Overdue"


def test_cli_export_writes_the_ledger(
    cli_store: Runtime, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(cli_store)
    _seed_ledger(cli_store)
    out = tmp_path / "ledger.xlsx"
    assert main(["export", "-o", str(out)]) == 0
    assert capsys.readouterr().out.strip() == (f"{out}: 4 tasks, 4 history entries, 5 assignments of 4 units")
    book = load_workbook(out)
    assert (book["任务"].max_row, book["历史"].max_row, book["台账"].max_row) == (5, 5, 6)
    assert len(book.sheetnames) == 6 + 4
    assert len(book["汇总"]._charts) == 1
    # Task 3's deadline (2026-10-01) is long past by the machine's clock: its rows are filled.
    assert book["台账"]["A2"].value == 3 and book["台账"]["A2"].fill.fill_type == "solid"


def test_export_on_both_stores(any_store_settings: Settings) -> None:
    runtime = build_runtime(any_store_settings)
    try:
        _seed(runtime)
        _seed_ledger(runtime)
        buffer = io.BytesIO()
        with runtime.sessions() as session:
            data = write_xlsx(session, buffer, lang="zh", tz=runtime.settings.tz, now=NOW)
        book = load_workbook(io.BytesIO(buffer.getvalue()))
        sizes = [book[name].max_row for name in book.sheetnames]
        # 汇总 (12 + 4 units), 台账, 任务, 历史, 红黑榜 (1 red, 2 black), 佐证材料, then the 4 units
        # by name (the two long ones, 各镇…, 市住建局 with two shares).
        assert sizes == [16, 6, 5, 5, 4, 1, 2, 2, 2, 3]
        assert [row.id for row in data.tasks] == [1, 2, 3, 4]
        assert book["历史"]["C3"].value == dt.datetime(2026, 10, 6, 9, 30)
        assert book["台账"]["A2"].fill.fill_type == "solid"
        assert len(book["汇总"]._charts) == 1
    finally:
        runtime.close()
