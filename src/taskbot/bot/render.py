"""How tasks look in chat: one-line entries, the detail with its history, buttons, long-message splits.

Everything returns Telegram HTML (``parse_mode="HTML"``); text from the store is escaped here.
Shared by every handler module and by the reminders.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from taskbot.bot.args import BUTTON_ACTIONS
from taskbot.domain.values import OPEN_STATUSES, Cadence, ReportKind, Role, TaskStatus
from taskbot.i18n import t
from taskbot.services.assignments import unit_label
from taskbot.services.people import person_label
from taskbot.store.models import Assignment, Attachment, Person, Report, Task, WorkflowRequest

PARSE_MODE = "HTML"
# Telegram refuses messages over 4096 characters (counted after the HTML is parsed, so a split on the
# raw text at this size is always safe).
MESSAGE_LIMIT = 4096
LIST_TITLE_CHARS = 60
DETAIL_TEXT_CHARS = 800
HISTORY_ENTRIES = 15
LIST_ENTRIES = 100

_STATUSES = frozenset(s.value for s in TaskStatus)
_CADENCES = frozenset(c.value for c in Cadence)
_KINDS = frozenset(k.value for k in ReportKind)
_ROLES = frozenset(r.value for r in Role)


def esc(text: object) -> str:
    return html.escape(str(text), quote=False)


def clip(text: str, chars: int) -> str:
    """TEXT on one line, cut to CHARS characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= chars else flat[: chars - 1] + "…"


def task_ref(task: Task, *, chars: int = LIST_TITLE_CHARS) -> str:
    """``<b>#3</b> 标题`` — how a task is named in a sentence."""
    return f"<b>#{task.id}</b> {esc(clip(task.title, chars))}"


def mention(person: Person | None, telegram_user_id: int | None, fallback: str = "") -> str:
    """A name that notifies the user: @username when there is one, else a link to their id."""
    if person is not None and person.username:
        return esc(f"@{person.username}")
    name = person_label(person) if person is not None else fallback
    if telegram_user_id:
        return f'<a href="tg://user?id={int(telegram_user_id)}">{esc(name)}</a>'
    return esc(name)


def status_label(status: str, progress: int, lang: str) -> str:
    """待办 / 进行中 50% / 受阻 / 已完成 / 已关闭."""
    label = t(f"bot.status.{status}", lang) if status in _STATUSES else esc(status)
    if status in (TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED) and progress:
        label += f" {progress}%"
    return label


def deadline_label(task: Task, today: dt.date, lang: str) -> str:
    """截止 2026-12-31, or 已逾期 3 天 for an open task past it; empty without a deadline."""
    if task.deadline is None:
        return ""
    if task.status in OPEN_STATUSES and task.deadline < today:
        return t("bot.deadline.overdue", lang, days=(today - task.deadline).days)
    return t("bot.deadline.due", lang, date=task.deadline.isoformat())


def task_line(task: Task, today: dt.date, lang: str, share: Assignment | None = None) -> str:
    """``#3 标题 · 进行中 50% · 截止 2026-12-31`` — one task in a list (with SHARE: that unit's own
    standing on it)."""
    status, progress = (share.status, share.progress) if share is not None else (task.status, task.progress)
    parts = [task_ref(task), status_label(status, progress, lang)]
    deadline = deadline_label(task, today, lang)
    if deadline:
        parts.append(deadline)
    return " · ".join(parts)


def task_list(
    header: str,
    tasks: Sequence[Task],
    today: dt.date,
    lang: str,
    shares: Mapping[int, Assignment] | None = None,
) -> list[str]:
    """HEADER and one line per task (at most LIST_ENTRIES), split into messages Telegram accepts.

    SHARES (task id → a unit's assignment) shows that unit's own standing on each task."""
    shares = shares or {}
    lines = [header, *(task_line(task, today, lang, shares.get(task.id)) for task in tasks[:LIST_ENTRIES])]
    if len(tasks) > LIST_ENTRIES:
        lines.append(t("bot.tasks.more", lang, count=len(tasks) - LIST_ENTRIES))
    return split_message("\n".join(lines))


def cadence_label(cadence: Iterable[str], lang: str) -> str:
    names = [t(f"bot.cadence.{c}", lang) if c in _CADENCES else esc(c) for c in cadence]
    return "、".join(names) if lang == "zh" else ", ".join(names)


def history_line(report: Report, tz: ZoneInfo, lang: str) -> str:
    """``2026-10-05 09:00 张三 汇报进展 50%：完成摸底``."""
    when = report.at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    who = report.actor or (person_label(report.person) if report.person is not None else "")
    if report.unit_chat_id is not None and report.unit_chat is not None and report.unit_chat.title:
        who = t("bot.history.for_unit", lang, who=who, unit=report.unit_chat.title)
    kind = t(f"bot.kind.{report.kind}", lang) if report.kind in _KINDS else esc(report.kind)
    line = f"{when} {esc(who)} {kind}"
    if report.progress is not None and report.kind in (ReportKind.STATUS, ReportKind.REOPENED):
        line += f" {report.progress}%"
    if report.text and report.kind != ReportKind.CREATED:
        line += t("bot.note", lang, text=esc(clip(report.text, 300)))
    return line


def task_detail(task: Task, today: dt.date, tz: ZoneInfo, lang: str, *, hint: bool = True) -> list[str]:
    """A task's fields and its latest history (reports loaded), as messages Telegram accepts."""
    none = t("bot.task.none", lang)
    sep = "、" if lang == "zh" else ", "
    lines = [task_ref(task, chars=200)]
    status = status_label(task.status, task.progress, lang)
    deadline = deadline_label(task, today, lang)
    lines.append(f"{t('bot.task.status', lang)}: {status}" + (f" · {deadline}" if deadline else ""))
    parties = sep.join(esc(p.name) for p in task.parties) or none
    lines.append(f"{t('bot.task.parties', lang)}: {parties}")
    if task.assignees:
        lines.append(
            f"{t('bot.task.assignees', lang)}: {sep.join(esc(person_label(p)) for p in task.assignees)}"
        )
    if task.assignments:
        lines.append(t("bot.task.units", lang))
        lines.extend(unit_line(row, tz, lang) for row in _leads_first(task.assignments))
    lines.append(f"{t('bot.task.cadence', lang)}: {cadence_label(task.cadence or (), lang) or none}")
    lines.append(f"{t('bot.task.deadline', lang)}: {task.deadline.isoformat() if task.deadline else none}")
    if task.target:
        lines.append(f"{t('bot.task.target', lang)}: {esc(task.target)}")
    if task.text and task.text.strip() != task.title.strip():
        lines.append(f"{t('bot.task.text', lang)}: {esc(clip(task.text, DETAIL_TEXT_CHARS))}")
    lines.append("")
    lines.append(t("bot.task.history", lang))
    reports = list(task.reports)
    if not reports:
        lines.append(t("bot.task.no_history", lang))
    if len(reports) > HISTORY_ENTRIES:
        lines.append(t("bot.task.earlier", lang, count=len(reports) - HISTORY_ENTRIES))
    lines.extend(history_line(r, tz, lang) for r in reports[-HISTORY_ENTRIES:])
    if hint and task.status in OPEN_STATUSES:
        lines.append("")
        lines.append(t("bot.task.reply_hint", lang))
    return split_message("\n".join(lines))


def workflow_lines(
    requests: Sequence[WorkflowRequest],
    shares: Sequence[Assignment],
    tz: ZoneInfo,
    lang: str,
    attachments: Sequence[Attachment] = (),
) -> list[str]:
    """Each unit's 签收 state, pending claim (待审核), pending or approved extension, and the evidence
    (佐证) kept, under a header; nothing when there is none (requests and shares with their chat
    loaded)."""
    lines: list[str] = []
    units = {share.chat_id: unit_label(share) for share in shares}
    for number, file in enumerate(attachments, start=1):  # /file N K sends the K-th back
        when = file.at.astimezone(tz).strftime("%m-%d %H:%M")
        lines.append(
            t(
                "workflow.line.evidence",
                lang,
                n=number,
                unit=esc(units.get(file.unit_chat_id or 0, "")),
                who=esc(file.actor),
                when=when,
                name=esc(file.name or file.kind),
                size=_size(file.size),
            )
        )
    if attachments:
        lines.append(t("workflow.line.evidence_hint", lang, task_id=attachments[0].task_id))
    for share in shares:
        unit = esc(unit_label(share))
        if share.receipt == "signed" and share.signed_at is not None:
            when = share.signed_at.astimezone(tz).strftime("%m-%d %H:%M")
            lines.append(
                t("workflow.line.signed", lang, unit=unit, who=esc(share.signed_by or ""), when=when)
            )
        elif share.receipt == "pending":
            lines.append(t("workflow.line.unsigned", lang, unit=unit))
    for request in requests:
        unit = esc(unit_label(request.assignment))
        date = request.new_deadline.isoformat() if request.new_deadline else ""
        if request.kind == "review":
            when = request.requested_at.astimezone(tz).strftime("%m-%d %H:%M")
            lines.append(t("workflow.line.review", lang, unit=unit, who=esc(request.actor), when=when))
        elif request.state == "pending":
            lines.append(t("workflow.line.extension", lang, unit=unit, date=date))
        elif request.assignment.extended_to == request.new_deadline:
            lines.append(t("workflow.line.extended", lang, unit=unit, date=date))
    return [t("workflow.lines.header", lang), *lines] if lines else []


def _leads_first(rows: Iterable[Assignment]) -> list[Assignment]:
    return sorted(rows, key=lambda r: (r.role != Role.LEAD, r.id))


def unit_line(row: Assignment, tz: ZoneInfo, lang: str) -> str:
    """``  [牵头] 甲镇群 · 进行中 50% · 10-05 09:00：完成摸底`` — one unit's share of a task."""
    role = t(f"bot.role.{row.role}", lang) if row.role in _ROLES else esc(row.role)
    parts = [f"  [{role}] {esc(unit_label(row))}", status_label(row.status, row.progress, lang)]
    if row.status == TaskStatus.DONE and row.completion:
        parts.append(t(f"bot.completion.{row.completion}", lang))
    if row.last_report_at is not None:
        when = row.last_report_at.astimezone(tz).strftime("%m-%d %H:%M")
        said = t("bot.note", lang, text=esc(clip(row.last_report_text, 120))) if row.last_report_text else ""
        parts.append(when + said)
    else:
        parts.append(t("bot.task.unit_silent", lang))
    return " · ".join(parts)


def _size(size: int | None) -> str:
    if size is None:
        return "?"
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def confirmation(report: Report, who: str, lang: str) -> str:
    """What the chat is told after an official's report (done, status, blocked) was recorded."""
    task = task_ref(report.task)
    note = t("bot.note", lang, text=esc(clip(report.text, 500))) if report.text else ""
    if report.kind == ReportKind.DONE:
        return t("bot.done.ok", lang, who=esc(who), task=task, note=note)
    if report.kind == ReportKind.CLAIMED:
        return t("bot.claimed.ok", lang, who=esc(who), task=task, note=note)
    if report.kind == ReportKind.BLOCKED:
        return t("bot.blocked.ok", lang, who=esc(who), task=task, note=note)
    progress = t("bot.status.progress", lang, progress=report.progress) if report.progress is not None else ""
    return t("bot.status.ok", lang, who=esc(who), task=task, progress=progress, note=note)


def report_buttons(task_id: int, lang: str) -> InlineKeyboardMarkup:
    """完成 / 汇报进展 / 受阻 under a message about one task (callback_data ``done:<id>`` …)."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t(f"bot.button.{action}", lang), callback_data=f"{action}:{task_id}")
                for action in BUTTON_ACTIONS
            ]
        ]
    )


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """TEXT cut at line ends into parts of at most LIMIT characters (a longer line is cut hard).

    Lines are the unit, so an HTML tag opened on a line must close on it — the renderers do so.
    """
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current.strip() or not parts:
        parts.append(current)
    return parts
