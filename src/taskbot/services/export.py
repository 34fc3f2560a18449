"""Tasks and their history as an .xlsx workbook: one sheet of tasks, one of history entries, and
the 台账 of units: one row per assignment (each unit's share of each task).

Shared by ``/export`` in the bot and ``taskbot export`` on the command line. The rows are collected
as plain data first (``collect``); ``write_workbook`` lays them out with the catalog's headers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from taskbot.i18n import catalog, t
from taskbot.services.assignments import unit_label
from taskbot.services.people import person_label
from taskbot.store.models import Assignment, Report, Task

# Excel refuses cells longer than this; task texts are far shorter, but a pasted note might not be.
EXCEL_CELL_LIMIT = 32_767

TASK_COLUMNS = (
    "id",
    "title",
    "status",
    "progress",
    "parties",
    "assignees",
    "cadence",
    "deadline",
    "chat",
    "bulletin",
    "section",
    "target",
    "created_at",
    "updated_at",
    "last_report_at",
    "text",
)
HISTORY_COLUMNS = ("task_id", "task_title", "at", "actor", "kind", "status", "progress", "text")
# The 台账: one row per assignment (a unit's share of a task).
UNIT_COLUMNS = (
    "task_id",
    "task_title",
    "unit",
    "role",
    "status",
    "progress",
    "deadline",
    "last_report_at",
    "last_report_text",
    "completed_at",
    "completion",
)
# Widths (in characters) that keep a CJK title readable without hiding the short columns.
_WIDTHS = {"title": 40, "text": 60, "parties": 24, "assignees": 20, "task_title": 40, "section": 24}


@dataclass(frozen=True, slots=True)
class TaskRow:
    id: int
    title: str
    status: str
    progress: int
    parties: str
    assignees: str
    cadence: tuple[str, ...]
    deadline: dt.date | None
    chat: str
    bulletin: str
    section: str
    target: str
    created_at: dt.datetime
    updated_at: dt.datetime
    last_report_at: dt.datetime | None
    text: str


@dataclass(frozen=True, slots=True)
class HistoryRow:
    task_id: int
    task_title: str
    at: dt.datetime
    actor: str
    kind: str
    status: str
    progress: int | None
    text: str


@dataclass(frozen=True, slots=True)
class UnitRow:
    task_id: int
    task_title: str
    unit: str
    role: str
    status: str
    progress: int
    deadline: dt.date | None
    last_report_at: dt.datetime | None
    last_report_text: str
    completed_at: dt.datetime | None
    completion: str


@dataclass(frozen=True, slots=True)
class ExportData:
    tasks: list[TaskRow]
    history: list[HistoryRow]
    units: list[UnitRow] = field(default_factory=list)


def collect(
    session: Session, *, status: str | None = None, task_ids: Collection[int] | None = None
) -> ExportData:
    """Every task (or those with STATUS, or among TASK_IDS) and its whole history, oldest first."""
    stmt = (
        select(Task)
        .options(
            selectinload(Task.parties),
            selectinload(Task.assignees),
            selectinload(Task.chat),
            selectinload(Task.bulletin),
            selectinload(Task.reports).selectinload(Report.person),
            selectinload(Task.assignments).selectinload(Assignment.chat),
            selectinload(Task.assignments).selectinload(Assignment.party),
        )
        .order_by(Task.id)
    )
    if status:
        stmt = stmt.where(Task.status == status)
    if task_ids is not None:
        stmt = stmt.where(Task.id.in_(list(task_ids)))
    tasks: list[TaskRow] = []
    history: list[HistoryRow] = []
    units: list[UnitRow] = []
    for task in session.scalars(stmt):
        units.extend(
            UnitRow(
                task_id=task.id,
                task_title=task.title,
                unit=unit_label(row),
                role=row.role,
                status=row.status,
                progress=row.progress,
                deadline=task.deadline,
                last_report_at=row.last_report_at,
                last_report_text=row.last_report_text or "",
                completed_at=row.completed_at,
                completion=row.completion or "",
            )
            for row in task.assignments
        )
        tasks.append(
            TaskRow(
                id=task.id,
                title=task.title,
                status=task.status,
                progress=task.progress,
                parties="、".join(p.name for p in task.parties),
                assignees="、".join(person_label(p) for p in task.assignees),
                cadence=tuple(str(c) for c in task.cadence or ()),
                deadline=task.deadline,
                chat=(task.chat.title or str(task.chat.telegram_chat_id)) if task.chat else "",
                bulletin=_bulletin_label(task),
                section=task.section or "",
                target=task.target or "",
                created_at=task.created_at,
                updated_at=task.updated_at,
                last_report_at=task.last_report_at,
                text=task.text or "",
            )
        )
        for report in task.reports:
            history.append(
                HistoryRow(
                    task_id=task.id,
                    task_title=task.title,
                    at=report.at,
                    actor=report.actor or (person_label(report.person) if report.person else ""),
                    kind=report.kind,
                    status=report.status,
                    progress=report.progress,
                    text=report.text or "",
                )
            )
    return ExportData(tasks, history, units)


def _bulletin_label(task: Task) -> str:
    bulletin = task.bulletin
    if bulletin is None:
        return ""
    parts = [bulletin.date.isoformat() if bulletin.date else "", bulletin.title or bulletin.source]
    return " ".join(p for p in parts if p)


# Columns holding a code the catalog names for people (bot.status.open → 待办).
_LABELLED = {"status": "bot.status", "kind": "bot.kind", "role": "bot.role", "completion": "bot.completion"}


def _label(prefix: str, code: str, lang: str) -> str:
    key = f"{prefix}.{code}"
    return t(key, lang) if key in catalog() else code


def _value(row: Any, name: str, lang: str) -> Any:
    value = getattr(row, name)
    if name in _LABELLED and value:
        return _label(_LABELLED[name], value, lang)
    if name == "cadence":
        sep = "、" if lang == "zh" else ", "
        return sep.join(_label("bot.cadence", code, lang) for code in value)
    return value


def _cell(value: Any, tz: ZoneInfo) -> Any:
    # Excel has no time zones: show local wall-clock time, which is what the office reads.
    if isinstance(value, dt.datetime):
        return value.astimezone(tz).replace(tzinfo=None, microsecond=0)
    if isinstance(value, str) and len(value) > EXCEL_CELL_LIMIT:
        return value[: EXCEL_CELL_LIMIT - 1] + "…"
    return value


_WRAPPED = frozenset({"text", "title", "task_title", "last_report_text"})
_FORMATS = {
    "at": "yyyy-mm-dd hh:mm",
    "created_at": "yyyy-mm-dd hh:mm",
    "updated_at": "yyyy-mm-dd hh:mm",
    "last_report_at": "yyyy-mm-dd hh:mm",
    "completed_at": "yyyy-mm-dd hh:mm",
    "deadline": "yyyy-mm-dd",
}


def _fill_sheet(sheet: Any, columns: tuple[str, ...], rows: list[Any], lang: str, tz: ZoneInfo) -> None:
    """Write the header and ROWS to a write-only SHEET, styling only the cells that need it."""
    for index, name in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS.get(name, 14)
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    bold = Font(bold=True)
    header = []
    for name in columns:
        cell = WriteOnlyCell(sheet, t(f"export.col.{name}", lang))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        values: list[Any] = []
        for name in columns:
            value = _cell(_value(row, name, lang), tz)
            if name in _WRAPPED or (name in _FORMATS and value is not None):
                cell = WriteOnlyCell(sheet, value)
                if name in _WRAPPED:
                    cell.alignment = wrap
                else:
                    cell.number_format = _FORMATS[name]
                value = cell
            values.append(value)
        sheet.append(values)


def build_workbook(data: ExportData, *, lang: str, tz: ZoneInfo) -> Workbook:
    """Lay DATA out as a write-only workbook: the tasks sheet first, then the history sheet.

    Write-only mode streams rows instead of keeping a cell object for each: about twice as fast,
    which matters for an export of thousands of tasks.
    """
    book = Workbook(write_only=True)
    _fill_sheet(book.create_sheet(t("export.sheet.tasks", lang)), TASK_COLUMNS, data.tasks, lang, tz)
    _fill_sheet(book.create_sheet(t("export.sheet.history", lang)), HISTORY_COLUMNS, data.history, lang, tz)
    _fill_sheet(book.create_sheet(t("export.sheet.units", lang)), UNIT_COLUMNS, data.units, lang, tz)
    return book


def write_workbook(data: ExportData, out: str | Path | IO[bytes], *, lang: str, tz: ZoneInfo) -> None:
    """Write DATA as an .xlsx workbook to OUT (a path or a binary stream)."""
    build_workbook(data, lang=lang, tz=tz).save(out)


def write_xlsx(
    session: Session, out: str | Path | IO[bytes], *, lang: str, tz: ZoneInfo, status: str | None = None
) -> ExportData:
    """Write the export workbook to OUT (a path or a binary stream); return what was written."""
    data = collect(session, status=status)
    write_workbook(data, out, lang=lang, tz=tz)
    return data


def export_filename(now: dt.datetime, tz: ZoneInfo) -> str:
    """The file name an export made at NOW gets: taskbot-tasks-YYYYMMDD-HHMM.xlsx (local time)."""
    return f"taskbot-tasks-{now.astimezone(tz):%Y%m%d-%H%M}.xlsx"
