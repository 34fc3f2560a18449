"""The office's 台账 as an .xlsx workbook, in this order:

- 汇总 — counts per standing and per unit, with a native bar chart (drawn by WPS and Excel);
- 台账 — one row per assignment (each unit's share of each task): latest progress, 签收, 办结 and
  how it counts (按期 / 逾期 / 延期办结), deadline and extension, the persons assigned; overdue rows
  filled red;
- 任务, 历史 — the tasks and their whole history;
- 红黑榜 — the red/black list by the digest's own rules (``taskbot.domain.digest``);
- 佐证材料 — the evidence files;
- then one sheet per unit with its rows of the 台账 (names made safe for Excel).

Shared by ``/export`` in the bot and ``taskbot export`` on the command line. The rows are collected
as plain data first (``collect``); ``write_workbook`` lays them out with the catalog's headers.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from taskbot.domain.deadlines import days_overdue
from taskbot.domain.digest import (
    STANDING_ORDER,
    RedBlackRules,
    Standing,
    TaskFacts,
    UnitScore,
    build_digest,
    standing,
)
from taskbot.domain.values import TaskStatus
from taskbot.i18n import catalog, t
from taskbot.services.assignments import unit_label
from taskbot.services.digest import load_view, unit_people
from taskbot.services.people import person_label
from taskbot.services.workflow import attachments_by_task
from taskbot.store.models import Assignment, Report, Task, as_utc

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
    "last_report_text",
    "last_report_at",
    "signed_at",
    "signed_by",
    "completed_at",
    "completion",
    "deadline",
    "extended_to",
    "days_overdue",
    "assignees",
    "contacts",
)
# 红黑榜: one row per unit on either list, red first, in the digest's order.
REDBLACK_COLUMNS = (
    "list",
    "rank",
    "unit",
    "tasks",
    "done",
    "done_late",
    "overdue",
    "max_days_overdue",
    "silent",
    "blocked",
    "mean_progress",
)
# 汇总, per unit: how many of its shares stand where (the chart stacks these).
SUMMARY_UNIT_COLUMNS = ("unit", "tasks", *(s.value for s in STANDING_ORDER))
# 佐证材料: one row per file kept as evidence (by its Telegram file id; nothing is downloaded).
EVIDENCE_COLUMNS = (
    "task_id",
    "task_title",
    "unit",
    "at",
    "actor",
    "file_kind",
    "file_name",
    "file_size",
    "file_id",
)
# The widest a column grows to fit its text (in Excel's character units; a CJK character takes two);
# longer texts wrap.
_MAX_WIDTH = 50
_MIN_WIDTH = 8
# Excel's rules for sheet names: at most 31 characters, none of these, unique ignoring case, and
# not "History" (Excel keeps that name for itself).
SHEET_NAME_LIMIT = 31
_SHEET_FORBIDDEN = frozenset("[]:*?/\\")
OVERDUE_FILL = PatternFill(fill_type="solid", start_color="FFFFC7CE", end_color="FFFFC7CE")


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
    """One row of the 台账: a unit's share of a task."""

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
    signed_at: dt.datetime | None = None
    signed_by: str = ""
    extended_to: dt.date | None = None
    assignees: str = ""
    # The @usernames of the people bound to the parties the unit's chat answers for.
    contacts: str = ""
    # Calendar days past the unit's deadline (its extension when it has one); 0 when not overdue.
    days_overdue: int = 0
    # The share's standing by the digest's rules (None: cancelled).
    standing: Standing | None = None
    # The unit's Telegram chat id: the key of its own sheet (two groups may share a title).
    chat_id: int = 0

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0


@dataclass(frozen=True, slots=True)
class RedBlackRow:
    list: str  # "red" or "black"
    rank: int
    unit: str
    tasks: int
    done: int
    done_late: int
    overdue: int
    max_days_overdue: int
    silent: int
    blocked: int
    mean_progress: int

    @classmethod
    def of(cls, which: str, rank: int, score: UnitScore) -> RedBlackRow:
        return cls(
            which,
            rank,
            score.unit,
            score.tasks,
            score.done,
            score.done_late,
            score.overdue,
            score.max_days_overdue,
            score.silent,
            score.blocked,
            score.mean_progress,
        )


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    task_id: int
    task_title: str
    unit: str
    at: dt.datetime
    actor: str
    file_kind: str
    file_name: str
    file_size: int | None
    file_id: str


@dataclass(frozen=True, slots=True)
class ExportData:
    tasks: list[TaskRow]
    history: list[HistoryRow]
    units: list[UnitRow] = field(default_factory=list)
    evidence: list[EvidenceRow] = field(default_factory=list)
    redblack: list[RedBlackRow] = field(default_factory=list)
    # When the export was made (None: no moment given; nothing is judged overdue).
    now: dt.datetime | None = None


def collect(
    session: Session,
    *,
    status: str | None = None,
    task_ids: Collection[int] | None = None,
    now: dt.datetime | None = None,
    tz: ZoneInfo | None = None,
    rules: RedBlackRules | None = None,
) -> ExportData:
    """Every task (or those with STATUS, or among TASK_IDS) and its whole history, oldest first.

    At NOW (local day in TZ), shares are judged overdue / silent by RULES and the 红黑榜 of the
    tasks in scope (TASK_IDS, every task when None) is drawn by the digest's rules.
    """
    rules = rules or RedBlackRules()
    today = now.astimezone(tz or dt.UTC).date() if now is not None else None
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
    evidence: list[EvidenceRow] = []
    files = attachments_by_task(session)  # one query, not one per task
    people = unit_people(session)  # likewise
    for task in session.scalars(stmt):
        labels = {row.chat_id: unit_label(row) for row in task.assignments}
        evidence.extend(
            EvidenceRow(
                task_id=task.id,
                task_title=task.title,
                unit=labels.get(a.unit_chat_id or 0, ""),
                at=a.at,
                actor=a.actor,
                file_kind=a.kind,
                file_name=a.name,
                file_size=a.size,
                file_id=a.file_id,
            )
            for a in files.get(task.id, ())
        )
        assignees = "、".join(person_label(p) for p in task.assignees)
        units.extend(_unit_row(task, row, assignees, people, now, today, rules) for row in task.assignments)
        tasks.append(
            TaskRow(
                id=task.id,
                title=task.title,
                status=task.status,
                progress=task.progress,
                parties="、".join(p.name for p in task.parties),
                assignees=assignees,
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
    redblack = _redblack(session, now, today, rules, task_ids) if now is not None and today else []
    return ExportData(tasks, history, units, evidence, redblack, now)


def _unit_row(
    task: Task,
    row: Assignment,
    assignees: str,
    people: dict[int, tuple[str, ...]],
    now: dt.datetime | None,
    today: dt.date | None,
    rules: RedBlackRules,
) -> UnitRow:
    deadline = row.extended_to or task.deadline
    judged: Standing | None = None
    late = 0
    if now is not None and today is not None:
        # The share judged as a task of its own, by the digest's rule (its own deadline and reports).
        share = TaskFacts(
            id=task.id,
            title=task.title,
            status=TaskStatus.CANCELLED.value if task.status == TaskStatus.CANCELLED else row.status,
            progress=row.progress,
            deadline=deadline,
            created_at=as_utc(task.created_at),
            last_report_at=as_utc(row.last_report_at) if row.last_report_at else None,
        )
        judged = standing(share, now, today, rules)
        if judged is Standing.OVERDUE:
            late = days_overdue(deadline, today)
    chat_id = row.chat.telegram_chat_id if row.chat is not None else row.chat_id
    return UnitRow(
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
        signed_at=row.signed_at,
        signed_by=row.signed_by or "",
        extended_to=row.extended_to,
        assignees=assignees,
        contacts="、".join(people.get(chat_id, ())),
        days_overdue=late,
        standing=judged,
        chat_id=chat_id,
    )


def _redblack(
    session: Session,
    now: dt.datetime,
    today: dt.date,
    rules: RedBlackRules,
    task_ids: Collection[int] | None,
) -> list[RedBlackRow]:
    """The red/black list of the tasks in scope now, as the digest (``/report``) draws it."""
    since = now - dt.timedelta(days=rules.silent_days)
    facts = load_view(session, done_since=since).tasks
    scope = facts.values() if task_ids is None else [facts[i] for i in task_ids if i in facts]
    digest = build_digest(scope, now, today, rules, period_start=since)
    return [RedBlackRow.of("red", n, s) for n, s in enumerate(digest.red, 1)] + [
        RedBlackRow.of("black", n, s) for n, s in enumerate(digest.black, 1)
    ]


def _bulletin_label(task: Task) -> str:
    bulletin = task.bulletin
    if bulletin is None:
        return ""
    parts = [bulletin.date.isoformat() if bulletin.date else "", bulletin.title or bulletin.source]
    return " ".join(p for p in parts if p)


# Columns holding a code the catalog names for people (bot.status.open → 待办).
_LABELLED = {
    "status": "bot.status",
    "kind": "bot.kind",
    "role": "bot.role",
    "completion": "bot.completion",
    "list": "export.list",
}


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
    if name == "days_overdue":
        return value or None  # blank rather than a column of zeros
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
    "signed_at": "yyyy-mm-dd hh:mm",
    "deadline": "yyyy-mm-dd",
    "extended_to": "yyyy-mm-dd",
}


def text_width(value: Any) -> int:
    """How many Excel character units VALUE takes on one line: a CJK (wide) character counts two."""
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(value))


def column_widths(header: list[str], rows: list[list[Any]]) -> list[int]:
    """A width per column that fits its header and its values, within [_MIN_WIDTH, _MAX_WIDTH]."""
    widths = [text_width(h) for h in header]
    for row in rows:
        for index, value in enumerate(row):
            widths[index] = max(widths[index], text_width(value))
    return [min(_MAX_WIDTH, max(_MIN_WIDTH, w + 2)) for w in widths]


def safe_sheet_name(name: str, taken: set[str], fallback: str = "Sheet") -> str:
    """NAME as Excel accepts a sheet name: none of []:*?/\\, no quote at either end, at most 31
    characters, and unique (ignoring case) among TAKEN — which it is added to."""
    clean = "".join("_" if ch in _SHEET_FORBIDDEN or ord(ch) < 32 else ch for ch in name)
    base = clean.strip().strip("'").strip()[:SHEET_NAME_LIMIT] or fallback
    candidate, number = base, 2
    while candidate.casefold() in taken or candidate.casefold() == "history":
        suffix = f"~{number}"
        candidate = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix
        number += 1
    taken.add(candidate.casefold())
    return candidate


def _fill_sheet(sheet: Any, columns: tuple[str, ...], rows: list[Any], lang: str, tz: ZoneInfo) -> None:
    """Write the header and ROWS to a write-only SHEET, styling only the cells that need it: a frozen
    filterable header, widths that fit the text, overdue rows (``row.overdue``) filled red."""
    header = [t(f"export.col.{name}", lang) for name in columns]
    values = [[_cell(_value(row, name, lang), tz) for name in columns] for row in rows]
    for index, width in enumerate(column_widths(header, values), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    bold = Font(bold=True)
    cells = []
    for text in header:
        cell = WriteOnlyCell(sheet, text)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    wrap = Alignment(wrap_text=True, vertical="top")
    for row, line in zip(rows, values, strict=True):
        overdue = bool(getattr(row, "overdue", False))
        out: list[Any] = []
        for name, value in zip(columns, line, strict=True):
            styled = name in _WRAPPED or (name in _FORMATS and value is not None)
            if styled or overdue:
                cell = WriteOnlyCell(sheet, value)
                if name in _WRAPPED:
                    cell.alignment = wrap
                elif name in _FORMATS and value is not None:
                    cell.number_format = _FORMATS[name]
                if overdue:
                    cell.fill = OVERDUE_FILL
                value = cell
            out.append(value)
        sheet.append(out)


def by_unit(rows: list[UnitRow]) -> list[list[UnitRow]]:
    """ROWS grouped by unit — its chat, under the name it shows (a group the bot has not heard from
    goes by the party it answers for, one name per party) — ordered by that name."""
    units: dict[tuple[int, str], list[UnitRow]] = {}
    for row in rows:
        units.setdefault((row.chat_id, row.unit), []).append(row)
    return [units[key] for key in sorted(units, key=lambda key: (key[1], key[0]))]


def _fill_summary(sheet: Any, data: ExportData, lang: str, tz: ZoneInfo) -> None:
    """The 汇总: shares per standing, then per unit, with a stacked bar chart of the units."""
    bold = Font(bold=True)

    def strong(value: Any) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value)
        cell.font = bold
        return cell

    per_unit = by_unit(data.units)
    labels = [t(f"export.standing.{s.value}", lang) for s in STANDING_ORDER]
    header = [t(f"export.col.{name}", lang) for name in SUMMARY_UNIT_COLUMNS[:2]] + labels
    # Cancelled shares (no standing) are left out of every count, as the digest leaves them out.
    unit_lines = [
        [
            rows[0].unit,
            sum(r.standing is not None for r in rows),
            *(sum(r.standing is s for r in rows) for s in STANDING_ORDER),
        ]
        for rows in per_unit
    ]
    widths = column_widths(header, unit_lines)
    widths[0] = max(widths[0], text_width(t("export.summary.title", lang)) + 2)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    when = _cell(data.now, tz) if data.now is not None else None
    sheet.append([strong(t("export.summary.title", lang))])
    stamp = WriteOnlyCell(sheet, when)
    stamp.number_format = "yyyy-mm-dd hh:mm"
    sheet.append([t("export.summary.at", lang), stamp])
    sheet.append([])
    # Row 4 on: the standings of every share.
    sheet.append([strong(t("export.summary.standing", lang)), strong(t("export.summary.count", lang))])
    for standing_, label in zip(STANDING_ORDER, labels, strict=True):
        sheet.append([label, sum(r.standing is standing_ for r in data.units)])
    sheet.append([t("export.summary.total", lang), sum(r.standing is not None for r in data.units)])
    sheet.append([])
    first = 4 + len(STANDING_ORDER) + 3  # the per-unit header's row
    sheet.append([strong(text) for text in header])
    for line in unit_lines:
        sheet.append(line)
    if not unit_lines:
        return
    chart = BarChart()
    chart.type = "bar"  # horizontal: long Chinese unit names stay readable
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = t("export.summary.chart", lang)
    last = first + len(unit_lines)
    data_ref = Reference(sheet, min_col=3, max_col=2 + len(STANDING_ORDER), min_row=first, max_row=last)
    chart.add_data(data_ref, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=first + 1, max_row=last))
    chart.height = max(7.5, 0.8 * len(unit_lines) + 3)
    chart.width = 18
    sheet.add_chart(chart, f"{get_column_letter(len(header) + 2)}2")


def build_workbook(data: ExportData, *, lang: str, tz: ZoneInfo) -> Workbook:
    """Lay DATA out as a write-only workbook: 汇总, 台账, 任务, 历史, 红黑榜, 佐证材料, then a sheet
    per unit.

    Write-only mode streams rows instead of keeping a cell object for each: about twice as fast,
    which matters for an export of thousands of tasks.
    """
    book = Workbook(write_only=True)
    taken: set[str] = set()

    def sheet(key: str) -> Any:
        return book.create_sheet(safe_sheet_name(t(key, lang), taken))

    _fill_summary(sheet("export.sheet.summary"), data, lang, tz)
    _fill_sheet(sheet("export.sheet.units"), UNIT_COLUMNS, data.units, lang, tz)
    _fill_sheet(sheet("export.sheet.tasks"), TASK_COLUMNS, data.tasks, lang, tz)
    _fill_sheet(sheet("export.sheet.history"), HISTORY_COLUMNS, data.history, lang, tz)
    _fill_sheet(sheet("export.sheet.redblack"), REDBLACK_COLUMNS, data.redblack, lang, tz)
    _fill_sheet(sheet("export.sheet.evidence"), EVIDENCE_COLUMNS, data.evidence, lang, tz)
    for rows in by_unit(data.units):
        name = safe_sheet_name(rows[0].unit, taken, fallback=t("export.col.unit", lang))
        _fill_sheet(book.create_sheet(name), UNIT_COLUMNS, rows, lang, tz)
    return book


def write_workbook(data: ExportData, out: str | Path | IO[bytes], *, lang: str, tz: ZoneInfo) -> None:
    """Write DATA as an .xlsx workbook to OUT (a path or a binary stream)."""
    build_workbook(data, lang=lang, tz=tz).save(out)


def write_xlsx(
    session: Session,
    out: str | Path | IO[bytes],
    *,
    lang: str,
    tz: ZoneInfo,
    status: str | None = None,
    now: dt.datetime | None = None,
    rules: RedBlackRules | None = None,
) -> ExportData:
    """Write the export workbook to OUT (a path or a binary stream); return what was written."""
    data = collect(session, status=status, now=now, tz=tz, rules=rules)
    write_workbook(data, out, lang=lang, tz=tz)
    return data


def export_filename(now: dt.datetime, tz: ZoneInfo) -> str:
    """The file name an export made at NOW gets: taskbot-tasks-YYYYMMDD-HHMM.xlsx (local time)."""
    return f"taskbot-tasks-{now.astimezone(tz):%Y%m%d-%H%M}.xlsx"
