"""Rendering: a planned ``Fire`` becomes message parts (plain text, each under Telegram's limit).

Wording comes from ``i18n/catalog_reminders.py``. Task lines of the weekly dispatch and of deadline
reminders carry inline buttons (``done:<id>``, ``progress:<id>``, ``blocked:<id>``); a message
holds buttons for at most ``MAX_KEYBOARD_TASKS`` tasks, so a chat with many tasks still gets a
keyboard Telegram accepts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from taskbot.domain.assignments import is_collective
from taskbot.domain.calendar import WorkCalendar
from taskbot.domain.deadlines import DeadlineState, days_overdue, notice_on
from taskbot.domain.digest import (
    Digest,
    RedBlackRules,
    Standing,
    StuckReason,
    TaskFacts,
    UnitFacts,
    UnitScore,
    build_digest,
    parties_not_reported,
    stuck_tasks,
)
from taskbot.domain.values import Beat, TaskStatus
from taskbot.i18n import pick_language, t
from taskbot.schedule.planner import Audience, Fire, PlanRules, previous_fire, report_dues
from taskbot.services.digest import StoreView

MESSAGE_LIMIT = 4096
MAX_KEYBOARD_TASKS = 20
TITLE_CHARS = 120
# Room kept in every part for the "(continued n/total)" line.
CONTINUED_ROOM = 40


@dataclass(frozen=True, slots=True)
class Button:
    text: str
    data: str


@dataclass(frozen=True, slots=True)
class Part:
    """One Telegram message: text and, optionally, rows of inline buttons."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "buttons": [[[b.text, b.data] for b in row] for row in self.buttons]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Part:
        rows = tuple(tuple(Button(text, cb) for text, cb in row) for row in data.get("buttons") or ())
        return cls(data["text"], rows)


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    # Set on a task's line when the message offers buttons for that task.
    task_id: int | None = None


def _hard_wrap(line: Line, width: int) -> list[Line]:
    if len(line.text) <= width:
        return [line]
    return [Line(line.text[i : i + width], line.task_id) for i in range(0, len(line.text), width)]


def _keyboard(task_ids: Sequence[int], lang: str) -> tuple[tuple[Button, ...], ...]:
    return tuple(
        (
            Button(t("reminder.button.done", lang, id=tid), f"done:{tid}"),
            Button(t("reminder.button.progress", lang, id=tid), f"progress:{tid}"),
            Button(t("reminder.button.blocked", lang, id=tid), f"blocked:{tid}"),
        )
        for tid in task_ids[:MAX_KEYBOARD_TASKS]
    )


def split_message(lines: Sequence[Line], lang: str, limit: int = MESSAGE_LIMIT) -> list[Part]:
    """Pack LINES into as few parts as fit under LIMIT characters, never splitting a line that fits."""
    width = limit - CONTINUED_ROOM
    chunks: list[list[Line]] = [[]]
    size = 0
    for line in (piece for whole in lines for piece in _hard_wrap(whole, width)):
        extra = len(line.text) + (1 if chunks[-1] else 0)
        if chunks[-1] and size + extra > width:
            chunks.append([])
            extra = len(line.text)
            size = 0
        chunks[-1].append(line)
        size += extra
    total = len(chunks)
    parts = []
    for n, chunk in enumerate(chunks, start=1):
        texts = [line.text for line in chunk]
        if n > 1:
            texts.insert(0, t("reminder.continued", lang, n=n, total=total))
        task_ids = list(dict.fromkeys(line.task_id for line in chunk if line.task_id is not None))
        parts.append(Part("\n".join(texts), _keyboard(task_ids, lang)))
    return parts


# --- pieces of wording ---


def fmt_date(day: dt.date, lang: str) -> str:
    return t("reminder.date", lang, y=day.year, m=day.month, d=day.day)


def clip_title(text: str, chars: int = TITLE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= chars else text[: chars - 1] + "…"


def _task_head(task: TaskFacts) -> str:
    return f"#{task.id} {clip_title(task.title)}"


def _with_details(head: str, details: Iterable[str], lang: str) -> str:
    details = [d for d in details if d]
    if not details:
        return head
    return head + t("reminder.task.details", lang, details=t("reminder.details_sep", lang).join(details))


def task_line(task: TaskFacts, lang: str) -> str:
    """'#12 title (due …, 30% done)' for the dispatch list."""
    details = []
    if task.status == TaskStatus.BLOCKED:
        details.append(t("reminder.task.blocked", lang))
    if task.deadline is not None:
        details.append(t("reminder.task.deadline", lang, date=fmt_date(task.deadline, lang)))
    if task.progress:
        details.append(t("reminder.task.progress", lang, progress=task.progress))
    return _with_details(_task_head(task), details, lang)


def _join(names: Iterable[str], lang: str) -> str:
    return t("reminder.list_sep", lang).join(names)


@dataclass
class RenderContext:
    """What rendering a beat's fires needs beyond the fire itself."""

    view: StoreView
    rules: PlanRules
    redblack: RedBlackRules
    cal: WorkCalendar
    default_language: str = "zh"
    # How many tasks one weekly dispatch lists (overdue first); the rest are counted, not listed.
    max_items: int = 10
    # For the leaders' bulletin: the last stored bulletin's local date and what moved since
    # (``services.trends``); None before the first one.
    trend: tuple[dt.date, list[tuple[Standing, int]]] | None = None
    _overall: dict[dt.datetime, Digest] = field(default_factory=dict)
    _previous: dict[tuple[Beat, dt.datetime], dt.datetime] = field(default_factory=dict)

    def previous(self, beat: Beat, at: dt.datetime) -> dt.datetime:
        """The fire of BEAT before AT (remembered: every chat of a beat asks the same)."""
        key = (beat, at)
        found = self._previous.get(key)
        if found is None:
            found = self._previous[key] = previous_fire(beat, at, self.rules, self.cal)
        return found

    def language_of(self, chat_id: int | None) -> str:
        """The chat's language when it set one, else the configured one."""
        chat = self.view.chats.get(chat_id) if chat_id is not None else None
        return pick_language(chat.language if chat else None, self.default_language)

    def local_day(self, at: dt.datetime) -> dt.date:
        return at.astimezone(self.rules.beats.tz).date()

    def overall_digest(self, fire: Fire, task_ids: Sequence[int]) -> Digest:
        """The digest over every task of the bulletin at FIRE's time (computed once per fire time)."""
        digest = self._overall.get(fire.at)
        if digest is None:
            since = self.previous(Beat.FORTNIGHTLY, fire.at)
            tasks = [self.view.tasks[i] for i in task_ids]
            digest = build_digest(tasks, fire.at, self.local_day(fire.at), self.redblack, period_start=since)
            self._overall[fire.at] = digest
        return digest


def render_fire(
    fire: Fire,
    ctx: RenderContext,
    *,
    lang: str | None = None,
    unbound: bool = False,
    overall_ids: Sequence[int] | None = None,
) -> list[Part]:
    """The message parts of FIRE. UNBOUND: its tasks have no chat and go to the default chat.

    OVERALL_IDS: the tasks of the whole fortnightly bulletin (for the red/black list); defaults to
    the fire's own tasks.
    """
    lang = lang or ctx.language_of(fire.chat_id)
    tasks = [ctx.view.tasks[i] for i in fire.task_ids if i in ctx.view.tasks]
    day = ctx.local_day(fire.at)
    lines = [Line(t(f"reminder.{fire.beat.value}.title", lang, date=fmt_date(day, lang)))]
    if unbound:
        lines.append(Line(t("reminder.unbound", lang)))
    renderer = _RENDERERS[fire.beat]
    lines.extend(renderer(fire, tasks, ctx, lang, overall_ids))
    return split_message(lines, lang)


Renderer = Callable[[Fire, list[TaskFacts], RenderContext, str, Sequence[int] | None], list[Line]]


def _report_hint(task_count: int, lang: str) -> list[Line]:
    lines = [Line(t("reminder.how_to_report", lang))]
    if task_count > MAX_KEYBOARD_TASKS:
        lines.append(Line(t("reminder.more_than_buttons", lang, count=MAX_KEYBOARD_TASKS)))
    return lines


def dispatch_order(tasks: Sequence[TaskFacts], day: dt.date) -> list[TaskFacts]:
    """TASKS as the weekly dispatch lists them: overdue first (longest overdue first), then by id."""
    return sorted(tasks, key=lambda task: (-days_overdue(task.deadline, day), task.id))


def _weekly(
    fire: Fire, tasks: list[TaskFacts], ctx: RenderContext, lang: str, _overall: Sequence[int] | None
) -> list[Line]:
    day = ctx.local_day(fire.at)
    shown = dispatch_order(tasks, day)[: ctx.max_items]
    lines = [Line(t("reminder.weekly.intro", lang, count=len(tasks)))]
    for task in shown:
        late = days_overdue(task.deadline, day)
        text = task_line(task, lang)
        if late:
            text = t("reminder.weekly.overdue_mark", lang, days=late) + text
        lines.append(Line(text, task.id))
    if len(tasks) > len(shown):
        lines.append(Line(t("reminder.weekly.more", lang, count=len(tasks) - len(shown))))
    people = ctx.view.mentions(fire.chat_id) if fire.chat_id is not None else ()
    if people:
        lines.append(Line(t("reminder.weekly.mention", lang, people=" ".join(people))))
    since = ctx.previous(Beat.WEEKLY, fire.at)
    silent = parties_not_reported(tasks, since)
    lines.append(Line(""))
    if silent:
        lines.append(Line(t("reminder.weekly.not_reported", lang, parties=_join(silent, lang))))
    elif any(task.parties for task in tasks):
        lines.append(Line(t("reminder.weekly.all_reported", lang)))
    return lines + _report_hint(len(shown), lang)


def _entry(task: TaskFacts, detail: str, lang: str) -> Line:
    return Line("  " + _with_details(_task_head(task), [detail], lang))


def rank_reasons(score: UnitScore, red: bool, silent_days: int, lang: str) -> str:
    """Why SCORE's unit is on the red or black list, in plain words, without zero clauses."""
    why: list[str] = []
    if red:
        if score.done:
            why.append(t("reminder.why.done", lang, n=score.done))
        if score.reported > score.done:
            why.append(t("reminder.why.reported", lang, n=score.reported - score.done))
        why.append(t("reminder.why.progress", lang, progress=score.mean_progress))
    else:
        if score.overdue:
            why.append(t("reminder.why.overdue", lang, n=score.overdue, days=score.max_days_overdue))
        if score.done_late:
            why.append(t("reminder.why.done_late", lang, n=score.done_late))
        if score.silent:
            why.append(t("reminder.why.silent", lang, n=score.silent, days=silent_days))
    return t("reminder.details_sep", lang).join(why)


def rank_lines(scores: list[UnitScore], red: bool, silent_days: int, lang: str) -> list[str]:
    """The red or black list as lines: a title, then one line per unit saying why it is there."""
    lines = [t("reminder.red.title" if red else "reminder.black.title", lang)]
    if not scores:
        return [*lines, "  " + t("reminder.list_empty", lang)]
    key = "reminder.red.entry" if red else "reminder.black.entry"
    for rank, s in enumerate(scores, start=1):
        why = rank_reasons(s, red, silent_days, lang)
        lines.append("  " + t(key, lang, rank=rank, party=s.unit, why=why))
    return lines


def unbound_line(digest: Digest, lang: str) -> list[str]:
    """The parties no unit answers for yet, for the office: collective phrases (to bind in each
    unit's group) apart from named units (to bind in their group); nothing when there are none."""
    collective = [p for p in digest.unbound if is_collective(p)]
    named = [p for p in digest.unbound if not is_collective(p)]
    lines = []
    if collective:
        lines.append(t("reminder.unbound_collective", lang, parties=_join(collective, lang)))
    if named:
        lines.append(t("reminder.unbound_parties", lang, parties=_join(named, lang)))
    return lines


def _fortnightly(
    fire: Fire, tasks: list[TaskFacts], ctx: RenderContext, lang: str, overall_ids: Sequence[int] | None
) -> list[Line]:
    overall = ctx.overall_digest(fire, overall_ids if overall_ids is not None else fire.task_ids)
    mine = set(fire.task_ids)
    entries = [e for e in overall.entries if e.task.id in mine]
    counts = dict.fromkeys(Standing, 0)
    for e in entries:
        counts[e.standing] += 1
    scope = (
        "reminder.fortnightly.scope_all"
        if fire.audience is Audience.LEADERS
        else "reminder.fortnightly.scope_chat"
    )
    lines = [
        Line(t(scope, lang, count=len(entries))),
        Line(t("reminder.fortnightly.counts", lang, **{k.value: v for k, v in counts.items()})),
    ]
    if fire.audience is Audience.LEADERS and ctx.trend is not None:
        lines.append(Line(trend_line(ctx.trend[0], ctx.trend[1], lang)))
    silent_days = ctx.redblack.silent_days
    for st in (Standing.OVERDUE, Standing.BLOCKED, Standing.SILENT, Standing.DONE):
        group = [e for e in entries if e.standing is st]
        if not group:
            continue
        lines.append(Line(t(f"reminder.standing.{st.value}", lang, days=silent_days)))
        for e in group:
            detail = ""
            if st is Standing.OVERDUE:
                detail = t("reminder.entry.overdue", lang, days=e.days_overdue)
            elif st is Standing.SILENT:
                last = e.task.last_report_at
                detail = (
                    t("reminder.entry.silent_since", lang, date=fmt_date(ctx.local_day(last), lang))
                    if last
                    else t("reminder.entry.never_reported", lang)
                )
            lines.append(_entry(e.task, detail, lang))
    lines.append(Line(""))
    lines += [Line(x) for x in rank_lines(overall.red, True, silent_days, lang)]
    lines += [Line(x) for x in rank_lines(overall.black, False, silent_days, lang)]
    if fire.audience is Audience.LEADERS:
        lines += [Line(x) for x in unbound_line(overall, lang)]
    return lines


def trend_line(since: dt.date, moved: Sequence[tuple[Standing, int]], lang: str) -> str:
    """ "📈 比上期（11-29）：↑3 项办结，↓1 项逾期" — what moved since the last bulletin's snapshot."""
    date = f"{since:%m-%d}"
    if not moved:
        return t("report.trend_same", lang, date=date)
    words = ("，" if lang == "zh" else ", ").join(
        t("trend.up" if n > 0 else "trend.down", lang, count=abs(n), what=t(f"trend.{s.value}", lang))
        for s, n in moved
    )
    return t("report.trend", lang, date=date, changes=words)


_REASON_KEYS = {
    StuckReason.BLOCKED: "reminder.stuck.blocked",
    StuckReason.OVERDUE: "reminder.stuck.overdue",
    StuckReason.NO_PROGRESS: "reminder.stuck.no_progress",
}


def _monthly(
    fire: Fire, tasks: list[TaskFacts], ctx: RenderContext, lang: str, _overall: Sequence[int] | None
) -> list[Line]:
    day = ctx.local_day(fire.at)
    # The planner chose these tasks as stuck; the reasons are worked out again for the wording.
    since = ctx.previous(Beat.MONTHLY, fire.at)
    stuck = stuck_tasks(tasks, day, since=since, advanced=ctx.view.advanced_since(since))
    reasons = {s.task.id: s for s in stuck}
    lines = [Line(t("reminder.monthly.intro", lang, count=len(tasks)))]
    for task in tasks:
        s = reasons.get(task.id)
        why = [t(_REASON_KEYS[r], lang, days=s.days_overdue) for r in s.reasons] if s else []
        lines.append(Line(_with_details(_task_head(task), why, lang)))
        if s is None:
            continue
        for unit, reason in s.blocked_reasons():
            lines.append(Line("  " + t("reminder.stuck.reason", lang, unit=unit, reason=clip_title(reason))))
        if s.units:
            names = _join(dict.fromkeys(u.name for u in s.units), lang)
            lines.append(Line("  " + t("reminder.stuck.units", lang, units=names)))
    return lines


def _deadline(
    fire: Fire, tasks: list[TaskFacts], ctx: RenderContext, lang: str, _overall: Sequence[int] | None
) -> list[Line]:
    day = ctx.local_day(fire.at)
    lines = []
    for task in tasks:
        assert task.deadline is not None
        notice = notice_on(day, task.deadline, ctx.rules.deadline_offsets, ctx.cal)
        key = (
            "reminder.deadline.overdue"
            if notice and notice.state is DeadlineState.OVERDUE
            else "reminder.deadline.due"
        )
        days = notice.days if notice else (task.deadline - day).days
        note = t(key, lang, days=abs(days), deadline=fmt_date(task.deadline, lang))
        lines.append(Line(t("reminder.task.note", lang, head=_task_head(task), note=note), task.id))
    return [*lines, Line(""), *_report_hint(len(tasks), lang)]


def _unit_names(task: TaskFacts, lang: str) -> str:
    """The units of TASK, the lead ones first and marked so when there are partners too."""
    if not task.units:
        return ""
    leads = [u.name for u in task.units if u.role == "lead"]
    partners = [u.name for u in task.units if u.role != "lead"]
    if not partners:
        return _join(dict.fromkeys(leads), lang)
    names = [t("reminder.lead_unit", lang, unit=n) for n in dict.fromkeys(leads)] + list(
        dict.fromkeys(partners)
    )
    return _join(names, lang)


def _latest_report(task: TaskFacts) -> UnitFacts | None:
    """The unit that reported last with words (a blocked unit's reason is shown on its own)."""
    said = [
        u for u in task.units if u.last_report_at and u.last_report_text and u.status != TaskStatus.BLOCKED
    ]
    return max(
        said, key=lambda u: u.last_report_at or task.created_at or dt.datetime.now(dt.UTC), default=None
    )


def _escalation(
    fire: Fire, tasks: list[TaskFacts], ctx: RenderContext, lang: str, _overall: Sequence[int] | None
) -> list[Line]:
    day = ctx.local_day(fire.at)
    lines = [Line(t("reminder.escalation.intro", lang, days=ctx.rules.escalate_after_days))]
    for task in tasks:
        parties = _unit_names(task, lang) or (
            _join(task.parties, lang) if task.parties else t("reminder.no_party", lang)
        )
        detail = t(
            "reminder.escalation.entry",
            lang,
            parties=parties,
            days=days_overdue(task.deadline, day),
            progress=task.progress,
        )
        lines.append(Line(_with_details(_task_head(task), [detail], lang)))
        for unit in task.units:
            if unit.status == TaskStatus.BLOCKED and unit.last_report_text:
                reason = clip_title(unit.last_report_text)
                lines.append(Line("  " + t("reminder.stuck.reason", lang, unit=unit.name, reason=reason)))
        latest = max(
            (
                u
                for u in task.units
                if u.last_report_at and u.last_report_text and u.status != TaskStatus.BLOCKED
            ),
            key=lambda u: u.last_report_at or dt.datetime.min.replace(tzinfo=dt.UTC),
            default=None,
        )
        if latest is not None:
            text = t(
                "reminder.escalation.latest",
                lang,
                text=f"{latest.name}：{clip_title(latest.last_report_text)}",
            )
            lines.append(Line("  " + text))
    return lines


def _when(moment: dt.datetime, ctx: RenderContext, lang: str) -> str:
    local = moment.astimezone(ctx.rules.beats.tz)
    if local.time() == dt.time(0):  # due by the end of the day before
        return fmt_date(local.date() - dt.timedelta(days=1), lang)
    return fmt_date(local.date(), lang) + local.strftime(" %H:%M")


def _report_due(
    fire: Fire, tasks: list[TaskFacts], ctx: RenderContext, lang: str, _overall: Sequence[int] | None
) -> list[Line]:
    wanted = set(fire.task_ids)
    dues = [d for d in report_dues(fire.beat, fire.at, ctx.view, ctx.rules, ctx.cal) if d[0] in wanted]
    lines = [Line(t("reminder.report_due.intro", lang))]
    for task_id, moment, _ in dues:
        task = ctx.view.tasks[task_id]
        lines.append(
            Line(
                t("reminder.report_due.line", lang, task=_task_head(task), due=_when(moment, ctx, lang)),
                task_id,
            )
        )
    return lines + _report_hint(len(dues), lang)


def _report_overdue(
    fire: Fire, tasks: list[TaskFacts], ctx: RenderContext, lang: str, _overall: Sequence[int] | None
) -> list[Line]:
    dues = report_dues(fire.beat, fire.at, ctx.view, ctx.rules, ctx.cal)
    lines = [Line(t("reminder.report_overdue.intro", lang, count=sum(len(s) for _, _, s in dues)))]
    for task_id, moment, silent in dues:
        task = ctx.view.tasks[task_id]
        names = _join([u.name for u in silent], lang)
        lines.append(
            Line(
                t(
                    "reminder.report_overdue.line",
                    lang,
                    task=_task_head(task),
                    due=_when(moment, ctx, lang),
                    units=names,
                )
            )
        )
    return lines


_RENDERERS: dict[Beat, Renderer] = {
    Beat.WEEKLY: _weekly,
    Beat.FORTNIGHTLY: _fortnightly,
    Beat.MONTHLY: _monthly,
    Beat.DEADLINE: _deadline,
    Beat.ESCALATION: _escalation,
    Beat.REPORT_DUE: _report_due,
    Beat.REPORT_OVERDUE: _report_overdue,
}
