"""/report (the progress digest and red/black list now) and /export (tasks and history as .xlsx).

Both are for admins, and for leaders (``leaders``) privately and in the leaders' chat — read
only (``domain.leaders``). In a group they cover that group's tasks — a chat sees only its own — while
privately, or in the leaders' chat, they cover every task, which by the permission rule only the
configured admins (and the leaders) may ask for. /report renders the digest with the
fortnightly bulletin's renderer, so the two read the same.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session
from telegram import Message, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler

from taskbot.bot.admin import as_admin, require_admin
from taskbot.bot.board import append_board_link
from taskbot.bot.common import NEW_MESSAGES
from taskbot.bot.context import BotContext
from taskbot.bot.errors import polite
from taskbot.bot.identity import Caller, identify, roles_of
from taskbot.bot.render import PARSE_MODE, esc
from taskbot.bot.replies import message_of, reply
from taskbot.charts import TrendPoint, UnitStandings, chart_text, render_standings, units_from_entries
from taskbot.domain.leaders import leader_may_read
from taskbot.domain.permissions import Reach
from taskbot.domain.values import Beat
from taskbot.i18n import t
from taskbot.runtime import Runtime
from taskbot.schedule.planner import Audience, Fire, PlanRules, previous_fire
from taskbot.schedule.render import RenderContext, render_fire, trend_line
from taskbot.services import trends
from taskbot.services.digest import load_view, red_black_rules
from taskbot.services.tasks import chat_tasks, require
from taskbot.store.db import transaction
from taskbot.store.models import Chat

if TYPE_CHECKING:
    from taskbot.services.export import ExportData

log = logging.getLogger(__name__)


def register(app: Application) -> None:
    """Add this module's handlers to APP."""
    app.add_handler(CommandHandler("report", report_command, filters=NEW_MESSAGES))
    app.add_handler(CommandHandler("export", export_command, filters=NEW_MESSAGES))


def covers_every_task(caller: Caller, runtime: Runtime) -> bool:
    """Whether a report asked by CALLER covers every task: privately, or in the leaders' chat."""
    leaders = runtime.settings.leaders_chat_id
    return caller.actor.in_private or (leaders is not None and caller.chat.telegram_chat_id == leaders)


def scope_of(caller: Caller, runtime: Runtime) -> tuple[Caller, bool]:
    """CALLER, and whether their report covers every task — which by the permission rule only the
    office may ask for (a group's admin may have their group's)."""
    overall = covers_every_task(caller, runtime)
    require(caller.actor, Reach.everywhere() if overall else Reach())
    return caller, overall


def is_reading_leader(update: Update, context: BotContext) -> bool:
    """Whether the sender is a leader allowed to read here (privately or in the leaders' chat)."""
    user, chat = update.effective_user, update.effective_chat
    settings = context.runtime.settings
    return leader_may_read(
        user.id if user else None,
        settings.leaders,
        private=chat is not None and chat.type == ChatType.PRIVATE,
        chat_id=chat.id if chat else None,
        leaders_chat_id=settings.leaders_chat_id,
    )


async def reader_scope(update: Update, context: BotContext) -> tuple[Caller, bool]:
    """The admin, or reading leader, behind UPDATE and whether their report covers every task
    (refused with NotAllowed for anyone else)."""
    rt = context.runtime
    roles = await roles_of(update, context)
    if is_reading_leader(update, context) and not roles.any:

        def as_leader() -> tuple[Caller, bool]:
            with transaction(rt.sessions) as session:
                caller = identify(session, update, rt.settings, roles=roles)
                return caller, covers_every_task(caller, rt)

        return await asyncio.to_thread(as_leader)
    roles = await require_admin(update, context)
    return await as_admin(update, context, roles, lambda _, caller: scope_of(caller, rt))


# --- /report ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DigestReport:
    """The digest as plain-text messages, and (for a report on every task) each unit's standings."""

    parts: list[str]
    units: list[UnitStandings]
    # The completion rate at the last bulletins (stored snapshots) and now, oldest first.
    trend: list[TrendPoint] = field(default_factory=list)


def digest_report(runtime: Runtime, chat_id: int | None, now: dt.datetime, lang: str) -> DigestReport:
    """The digest at NOW: of CHAT_ID's tasks, or (None) of every task, with each unit's standings.

    Blocking (it loads every open task), so the handler runs it in a thread.
    """
    calendar = runtime.calendar
    rules = PlanRules.from_settings(runtime.settings)
    # The period is the fortnightly bulletin's: what was done since the last one still counts.
    since = previous_fire(Beat.FORTNIGHTLY, now, rules, calendar)
    # The view reads more history lazily while rendering, so the session stays open until then.
    with runtime.sessions() as session:
        view = load_view(session, done_since=since)
        every = tuple(sorted(view.tasks))
        if chat_id is None:
            ids, audience = every, Audience.LEADERS
        else:
            ids, audience = tuple(i for i in every if chat_id in view.routes.get(i, ())), Audience.CHAT
        if not ids:
            return DigestReport([], [])
        ctx = RenderContext(view, rules, red_black_rules(runtime.settings), calendar, default_language=lang)
        fire = Fire(now, Beat.FORTNIGHTLY, chat_id, ids, audience)
        parts = [part.text for part in render_fire(fire, ctx, lang=lang, overall_ids=every)]
        # The renderer has judged every task already (once per fire time): the chart reuses it.
        units = units_from_entries(ctx.overall_digest(fire, every).entries) if chat_id is None else []
        local = now.astimezone(runtime.settings.tz)
        trend_line, trend = "", list[TrendPoint]()
        if chat_id is None:
            trend_line, trend = trend_since_bulletins(session, runtime, now, local.date(), lang)
    # The renderer's first line names the fortnightly beat; a report on demand says what it is.
    header = t("report.header", lang, time=f"{local:%Y-%m-%d %H:%M}")
    if trend_line:
        header += "\n" + trend_line
    first = parts[0].split("\n", 1)
    parts[0] = header + ("\n" + first[1] if len(first) > 1 else "")
    return DigestReport(parts, units, trend)


def trend_since_bulletins(
    session: Session, runtime: Runtime, now: dt.datetime, today: dt.date, lang: str
) -> tuple[str, list[TrendPoint]]:
    """ "比上期 ↑3 项办结" against the last stored bulletin snapshot, and the completion-rate trend
    (the last bulletins and now); nothing before the first bulletin is stored."""
    past = trends.periods(session, before=now)
    if not past:
        return "", []
    settings = runtime.settings
    present = trends.current(session, settings, now, today)
    last = past[-1]
    line = trend_line(last.taken_at.astimezone(settings.tz).date(), trends.changes(present, last), lang)
    points = [
        TrendPoint(f"{p.taken_at.astimezone(settings.tz):%m-%d}", p.completion_rate) for p in [*past, present]
    ]
    return line, points


@polite
async def report_command(update: Update, context: BotContext) -> None:
    """Show the progress digest and the red/black list as they stand now."""
    message = message_of(update)
    rt = context.runtime
    caller, overall = await reader_scope(update, context)
    chat_id = None if overall else caller.chat.telegram_chat_id
    now = rt.clock()
    # Thousands of open tasks take a while to load and rank; keep answering other chats meanwhile.
    report = await asyncio.to_thread(digest_report, rt, chat_id, now, caller.lang)
    if not report.parts:
        await reply(message, t("report.empty_all" if overall else "report.empty_chat", caller.lang))
        return
    if report.units:
        await send_chart(
            message, report.units, now.astimezone(rt.settings.tz).date(), caller.lang, report.trend
        )
    # The renderer writes plain text; the bot speaks HTML, so escape it whole.
    await reply(message, [esc(part) for part in report.parts])
    await append_board_link(message, rt.settings, context.bot.username, caller.lang)


async def send_chart(
    message: Message,
    units: list[UnitStandings],
    day: dt.date,
    lang: str,
    trend: list[TrendPoint] | None = None,
) -> None:
    """Answer MESSAGE with the units' standings as a picture; without one the text goes alone."""
    try:
        # About a second of drawing (more on the first chart, which imports matplotlib): in a thread.
        png = await asyncio.to_thread(render_standings, units, chart_text(lang, day), trend or ())
    except Exception:
        # The picture is extra: whatever breaks in drawing it must not cost the leaders the text.
        log.exception("the standings chart could not be drawn; sending the text alone")
        return
    if png is None:
        return
    try:
        await message.reply_photo(photo=png, caption=t("report.chart_caption", lang), parse_mode=PARSE_MODE)
    except TelegramError as exc:
        log.warning("the standings chart could not be sent (%s); sending the text alone", exc)


# --- /export ------------------------------------------------------------------------------------


def export_workbook(runtime: Runtime, chat: Chat | None, lang: str) -> tuple[ExportData, bytes]:
    """The 台账 .xlsx of CHAT's tasks (None: every task); blocking, run in a thread."""
    # openpyxl takes ~0.1 s to import: paid by the first /export, not by every start of the bot.
    from taskbot.services.digest import red_black_rules
    from taskbot.services.export import collect, write_workbook

    settings = runtime.settings
    with runtime.sessions() as session:
        task_ids = None if chat is None else [t.id for t in chat_tasks(session, chat, only_open=False)]
        data = collect(
            session, task_ids=task_ids, now=runtime.clock(), tz=settings.tz, rules=red_black_rules(settings)
        )
    buffer = io.BytesIO()
    if data.tasks:
        write_workbook(data, buffer, lang=lang, tz=runtime.settings.tz)
    return data, buffer.getvalue()


@polite
async def export_command(update: Update, context: BotContext) -> None:
    """Send the tasks and their history as an .xlsx document."""
    from taskbot.services.export import by_unit, export_filename  # see export_workbook

    message = message_of(update)
    rt = context.runtime
    now = rt.clock()
    caller, overall = await reader_scope(update, context)
    chat = None if overall else caller.chat
    lang = caller.lang
    # Thousands of tasks take seconds to lay out; keep answering other chats meanwhile.
    data, payload = await asyncio.to_thread(export_workbook, rt, chat, lang)
    if not data.tasks:
        await reply(message, t("export.empty", lang))
        return
    await message.reply_document(
        document=payload,
        filename=export_filename(now, rt.settings.tz),
        caption=t(
            "export.caption",
            lang,
            tasks=len(data.tasks),
            units=len(by_unit(data.units)),
            shares=len(data.units),
            history=len(data.history),
        ),
        parse_mode=PARSE_MODE,
    )
