"""The 督办 workflow in chat: /extend, /pending, the office's 通过 / 退回 / 批准 / 驳回 buttons, and the
reason the office gives when it returns a claim.

Requests go to the office: ``workflow.office_chat_id`` when set, else every configured admin
privately. A request is in the store before anyone is told, so a message that fails to arrive is
still listed by ``/pending`` (with its buttons again); a button pressed twice decides it once.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from sqlalchemy.orm import Session
from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Message, ReplyParameters, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from taskbot.bot.admin import require_admin
from taskbot.bot.admin_args import NO_DEADLINE_WORDS, parse_deadline
from taskbot.bot.args import (
    BadArguments,
    TaskReport,
    command_args,
    parse_done,
    parse_status,
    split_progress,
    split_task_id,
)
from taskbot.bot.common import NEW_MESSAGES, local_today
from taskbot.bot.context import BotContext
from taskbot.bot.errors import polite
from taskbot.bot.identity import identify, is_configured_admin, lang_of, roles_of
from taskbot.bot.render import PARSE_MODE, confirmation, esc, mention, task_ref
from taskbot.bot.replies import message_of, reply
from taskbot.config import Settings
from taskbot.domain.permissions import Reach, Roles
from taskbot.domain.report_rules import ReportRule, describe, rule_from_words
from taskbot.domain.values import ReportKind
from taskbot.domain.workflow import RequestKind
from taskbot.i18n import pick_language, t
from taskbot.runtime import Runtime
from taskbot.schedule import ledger
from taskbot.schedule.ledger import PlannedDelivery
from taskbot.schedule.receipts import URGE, urge_key
from taskbot.schedule.render import Button, Part
from taskbot.services import messages
from taskbot.services import workflow as flow
from taskbot.services.assignments import unit_label
from taskbot.services.notes import unassigned as unassigned_notes
from taskbot.services.people import person_label
from taskbot.services.tasks import get_task, mark_done, report_status, split_unit
from taskbot.store.db import transaction
from taskbot.store.models import ReplyNote, WorkflowRequest

log = logging.getLogger(__name__)

# /pending lists this many unassigned notes (newest first), each cut to NOTE_CHARS: one message.
NOTES_SHOWN, NOTE_CHARS = 15, 150

APPROVE, REJECT = "ok", "no"
DECISION_PATTERN = rf"^wf:({APPROVE}|{REJECT}):\d+$"
# What a reply to the office's "why is it returned?" prompt means: ``return:<request id>``.
RETURN_PURPOSE = "return:"
_DECISION = re.compile(DECISION_PATTERN)
# The 签收 button under an announcement (schedule.receipts): ``ack:<assignment id>``.
ACK_PATTERN = r"^ack:\d+$"
# The 收到 button under a 催办: ``urge:<urge id>``.
URGE_PATTERN = r"^urge:\d+$"
EVIDENCE_FILES = filters.PHOTO | filters.VIDEO | filters.Document.ALL
_EVIDENCE_CAPTION = re.compile(r"^/(status|done)(?:@\w+)?(?=\s|$)")


def register(app: Application) -> None:
    """Add this module's handlers to APP."""
    app.add_handler(CommandHandler("extend", extend_command, filters=NEW_MESSAGES))
    app.add_handler(CommandHandler("pending", pending_command, filters=NEW_MESSAGES))
    app.add_handler(CommandHandler("due", due_command, filters=NEW_MESSAGES))
    app.add_handler(CallbackQueryHandler(on_decision, pattern=DECISION_PATTERN))
    app.add_handler(CallbackQueryHandler(on_ack, pattern=ACK_PATTERN))
    app.add_handler(CommandHandler("urge", urge_command, filters=NEW_MESSAGES))
    app.add_handler(CallbackQueryHandler(on_urge_ack, pattern=URGE_PATTERN))
    # Before the other modules (group -1): a file that is evidence is taken here and goes no further.
    app.add_handler(MessageHandler(NEW_MESSAGES & EVIDENCE_FILES, on_evidence), group=-1)


def office_chats(settings: Settings) -> list[int]:
    """Where the office gets requests: its chat when configured, else each admin's private chat."""
    if settings.workflow.office_chat_id is not None:
        return [settings.workflow.office_chat_id]
    return list(settings.admins)


def office_reach(settings: Settings) -> Reach:
    """The chats the office is told in (a 收到, a request): part of what its commands reach."""
    return Reach.of(*office_chats(settings))


async def require_office(update: Update, context: BotContext) -> Roles:
    """The sender's roles; refuse unless the permission rule lets them act here on what reaches the
    office (the task service then checks the task's own reach)."""
    return await require_admin(update, context, office_reach(context.runtime.settings))


def review_applies(update: Update, context: BotContext) -> bool:
    """Whether a done by this sender awaits the office's review: on by config and there is an office
    to review it (a chat, or admins), except for the office's own admins (who close at once)."""
    settings = context.runtime.settings
    user = update.effective_user
    office_admin = user is not None and is_configured_admin(settings.admins, user.id)
    return settings.workflow.review and bool(office_chats(settings)) and not office_admin


def _when(at: dt.datetime, rt: Runtime) -> str:
    return at.astimezone(rt.settings.tz).strftime("%Y-%m-%d %H:%M")


def request_text(session: Session, request: WorkflowRequest, rt: Runtime, lang: str) -> str:
    """The office's message about REQUEST (its decision appended once decided)."""
    task = get_task(session, request.task_id)
    unit = esc(unit_label(request.assignment))
    who, when = esc(request.actor), _when(request.requested_at, rt)
    if request.kind == RequestKind.REVIEW:
        note = t("bot.note", lang, text=esc(request.text)) if request.text else ""
        text = t(
            "workflow.office.review", lang, task=task_ref(task), unit=unit, who=who, when=when, note=note
        )
        files = [
            a
            for a in flow.attachments_of(session, request.task_id)
            if a.unit_chat_id == request.assignment.chat_id and a.at <= request.requested_at
        ]
        if files:
            names = "、".join(esc(a.name or a.kind) for a in files)
            text += "\n" + t("workflow.office.evidence", lang, count=len(files), names=names)
    else:
        current = request.assignment.extended_to or task.deadline
        text = t(
            "workflow.office.extension",
            lang,
            task=task_ref(task),
            unit=unit,
            who=who,
            when=when,
            deadline=current.isoformat() if current else t("bot.task.none", lang),
            date=request.new_deadline.isoformat() if request.new_deadline else "",
            reason=esc(request.text),
        )
    if request.decided_at is not None:
        text += "\n\n" + _decided_line(request, rt, lang)
    return text


def _decided_line(request: WorkflowRequest, rt: Runtime, lang: str) -> str:
    who, when = esc(request.decided_by), _when(request.decided_at or request.requested_at, rt)
    approved = request.state == "approved"
    if request.kind == RequestKind.REVIEW:
        key = "workflow.decided.approved" if approved else "workflow.decided.returned"
    else:
        key = "workflow.decided.extended" if approved else "workflow.decided.ext_refused"
    date = request.new_deadline.isoformat() if request.new_deadline else ""
    return t(key, lang, who=who, when=when, reason=esc(request.decision_text), date=date)


def decision_buttons(request: WorkflowRequest, lang: str) -> InlineKeyboardMarkup:
    """通过（销号）/ 退回 under a claim, 批准 / 驳回 under an extension (``wf:ok:<id>`` / ``wf:no:<id>``)."""
    kind = request.kind
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t(f"workflow.button.approve.{kind}", lang), callback_data=f"wf:{APPROVE}:{request.id}"
                ),
                InlineKeyboardButton(
                    t(f"workflow.button.reject.{kind}", lang), callback_data=f"wf:{REJECT}:{request.id}"
                ),
            ]
        ]
    )


async def tell_office_text(
    context: BotContext, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Send TEXT to each office chat; one that cannot be reached is logged, the others still get it."""
    for chat_id in office_chats(context.runtime.settings):
        try:
            await context.bot.send_message(chat_id, text, parse_mode=PARSE_MODE, reply_markup=markup)
        except TelegramError as exc:
            log.warning("office chat %s not reached: %s", chat_id, exc)


async def tell_office(context: BotContext, request_id: int) -> None:
    """Send the office the request REQUEST_ID with its buttons; a chat that cannot be reached is logged
    (the request stays in ``/pending``)."""
    rt = context.runtime
    lang = pick_language(rt.settings.language)
    with rt.sessions() as session:
        request = session.get(WorkflowRequest, request_id)
        if request is None:
            return
        text = request_text(session, request, rt, lang)
        markup = decision_buttons(request, lang)
    await tell_office_text(context, text, markup)


async def announce_claim(context: BotContext, task_id: int, unit_chat_pk: int | None) -> None:
    """Tell the office about the claim just made on TASK_ID's share in UNIT_CHAT_PK."""
    with context.runtime.sessions() as session:
        found = flow.pending_request(session, task_id, unit_chat_pk, RequestKind.REVIEW)
    if found is not None:
        await tell_office(context, found)


async def _tell_unit(context: BotContext, chat_id: int, text: str) -> None:
    try:
        await context.bot.send_message(chat_id, text, parse_mode=PARSE_MODE)
    except TelegramError as exc:
        log.warning("unit chat %s not told of a decision: %s", chat_id, exc)


def _unit_text(decision: flow.Decision, lang: str) -> str:
    request, task = decision.request, decision.report.task
    approved = request.state == "approved"
    if request.kind == RequestKind.REVIEW:
        key = "workflow.unit.approved" if approved else "workflow.unit.returned"
    else:
        key = "workflow.unit.extended" if approved else "workflow.unit.ext_refused"
    deadline = task.deadline.isoformat() if task.deadline else t("bot.task.none", lang)
    return t(
        key,
        lang,
        task=task_ref(task),
        task_id=task.id,
        reason=esc(request.decision_text),
        date=request.new_deadline.isoformat() if request.new_deadline else "",
        deadline=deadline,
    )


@polite
async def extend_command(update: Update, context: BotContext) -> None:
    """Ask the office for more time: /extend N date reason."""
    message = message_of(update)
    parsed = split_task_id(command_args(message.text or ""), "workflow.usage.extend")
    words = parsed.rest.split(maxsplit=1)
    if not words:
        raise BadArguments("workflow.usage.extend")
    rt = context.runtime
    today = local_today(rt)
    new_date = parse_deadline(words[0], today)
    roles = await roles_of(update, context)
    with transaction(rt.sessions) as session:
        caller = identify(session, update, rt.settings, roles=roles)
        report, request = flow.request_extension(
            session,
            parsed.task_id,
            caller.actor,
            rt.clock(),
            new_date,
            words[1] if len(words) > 1 else "",
            today=today,
        )
        text = t("workflow.extend.ok", caller.lang, task=task_ref(report.task), date=new_date.isoformat())
        request_id = request.id
    await reply(message, text)
    await tell_office(context, request_id)


def rule_label(rule: ReportRule, lang: str) -> str:
    """``每周五 17:00前`` — a reporting rule in words."""
    parts = describe(rule)
    text = t(f"workflow.rule.{rule.rhythm}", lang, **{k: v for k, v in parts.items() if k != "rhythm"})
    return text + (
        t("workflow.rule.by", lang, due=parts["due"]) if parts["due"] else t("workflow.rule.by_day", lang)
    )


@polite
async def due_command(update: Update, context: BotContext) -> None:
    """Set or clear when a task's units must report: /due N 每周五17:00 (or none)."""
    message = message_of(update)
    parsed = split_task_id(command_args(message.text or ""), "workflow.usage.due")
    if not parsed.rest:
        raise BadArguments("workflow.usage.due")
    roles = await require_office(update, context)
    rule = None if parsed.rest.strip().lower() in NO_DEADLINE_WORDS else rule_from_words(parsed.rest)
    if rule is None and parsed.rest.strip().lower() not in NO_DEADLINE_WORDS:
        raise BadArguments("workflow.bad_rule", given=parsed.rest[:30])
    rt = context.runtime
    with transaction(rt.sessions) as session:
        caller = identify(session, update, rt.settings, roles=roles)
        report = flow.set_report_rule(session, parsed.task_id, caller.actor, rt.clock(), rule)
        task = task_ref(report.task)
        if rule is None:
            text = t("workflow.due.cleared", caller.lang, task=task)
        else:
            text = t("workflow.due.ok", caller.lang, task=task, rule=rule_label(rule, caller.lang))
    await reply(message, text)


@polite
async def pending_command(update: Update, context: BotContext) -> None:
    """List the requests awaiting the office, each with its buttons (admins only)."""
    # Every unit's requests: a reach no chat's own admin has.
    await require_admin(update, context, Reach.everywhere())
    rt = context.runtime
    message = message_of(update)
    with rt.sessions() as session:
        lang = lang_of(update, context)
        pending = [
            (request_text(session, r, rt, lang), decision_buttons(r, lang))
            for r in flow.pending_requests(session)
        ]
        notes = [note_line(n, rt, lang) for n in unassigned_notes(session, limit=NOTES_SHOWN)]
    if not pending:
        await reply(message, t("workflow.pending.empty", lang))
    else:
        await reply(message, t("workflow.pending.header", lang, count=len(pending)))
    for text, markup in pending:
        await reply(message, text, markup=markup)
    if notes:
        await reply(message, "\n".join([t("workflow.notes.header", lang, count=len(notes)), *notes]))


def note_line(note: ReplyNote, rt: Runtime, lang: str) -> str:
    """One unassigned note for the office: who, when, which reminder it answered, what it said."""
    words = note.text or (f"[{note.file_kind}]" if note.file_kind else "")
    if len(words) > NOTE_CHARS:
        words = words[:NOTE_CHARS] + "…"
    tasks = "、".join(f"#{task_id}" for task_id in note.task_ids or ())
    return t(
        "workflow.notes.line",
        lang,
        who=esc(note.actor),
        when=_when(note.created_at, rt),
        tasks=tasks,
        text=esc(words),
    )


@polite
async def on_decision(update: Update, context: BotContext) -> None:
    """Handle 通过 / 退回 / 批准 / 驳回 pressed under a request."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    match = _DECISION.match(query.data or "")
    assert match is not None
    action, request_id = match.group(1), int((query.data or "").rsplit(":", 1)[1])
    rt = context.runtime
    roles = await roles_of(update, context)
    with transaction(rt.sessions) as session:
        caller = identify(session, update, rt.settings, roles=roles)
        request = flow.check_decider(session, request_id, caller.actor)
        if action == REJECT and request.kind == RequestKind.REVIEW:
            task = get_task(session, request.task_id)
            who = mention(caller.person, query.from_user.id)
            unit = esc(unit_label(request.assignment))
            prompt = t("workflow.prompt.return", caller.lang, user=who, task=task_ref(task), unit=unit)
            decision = None
        elif action == APPROVE:
            decision = flow.approve(session, request_id, caller.actor, rt.clock(), rt.settings.tz)
        else:
            decision = flow.reject(session, request_id, caller.actor, rt.clock())
        if decision is not None:
            office_text = request_text(session, decision.request, rt, caller.lang)
            unit_text = _unit_text(decision, pick_language(rt.settings.language))
    if decision is None:
        await _ask_reason(update, context, request_id, request.task_id, prompt, caller.lang)
        return
    if query.message is not None:
        await context.bot.edit_message_text(
            office_text, update.effective_chat.id, query.message.message_id, parse_mode=PARSE_MODE
        )
    await _tell_unit(context, decision.unit_chat, unit_text)
    state = "approved" if decision.request.kind == RequestKind.REVIEW else decision.report.kind
    await query.answer(t(f"workflow.callback.{state}", caller.lang))


@polite
async def on_ack(update: Update, context: BotContext) -> None:
    """Sign for the unit's share of a task (签收) when its announcement's button is pressed."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    assignment_id = int((query.data or "").rsplit(":", 1)[1])
    rt = context.runtime
    roles = await roles_of(update, context)
    with transaction(rt.sessions) as session:
        caller = identify(session, update, rt.settings, roles=roles)
        report = flow.sign_receipt(session, assignment_id, caller.actor, rt.clock(), rt.settings.tz)
        text = t(
            "workflow.ack.signed",
            caller.lang,
            who=esc(caller.actor.name),
            unit=esc(report.text),
            task=task_ref(report.task),
        )
    await context.bot.send_message(update.effective_chat.id, text, parse_mode=PARSE_MODE)
    await query.answer(t("workflow.callback.signed", caller.lang))


@polite
async def urge_command(update: Update, context: BotContext) -> None:
    """Urge a task's units to act now, each with a 收到 button: /urge N [单位] [附言]."""
    message = message_of(update)
    parsed = split_task_id(command_args(message.text or ""), "workflow.usage.urge")
    roles = await require_office(update, context)
    rt = context.runtime
    lang = pick_language(rt.settings.language)
    with transaction(rt.sessions) as session:
        caller = identify(session, update, rt.settings, roles=roles)
        unit, note = split_unit(session, parsed.task_id, parsed.rest)
        rows = flow.urge(session, parsed.task_id, caller.actor, rt.clock(), note, unit=unit)
        task = get_task(session, parsed.task_id, history=True)
        # Plain text, as the delivery ledger sends it again (no HTML): a repeat reads the same.
        people = " ".join(f"@{p.username}" if p.username else person_label(p) for p in task.assignees)
        words = t("bot.note", lang, text=note) if note else ""
        text = t(
            "workflow.urge.text", lang, task=f"#{task.id} {task.title}", note=words, people=people
        ).rstrip()
        sends = [(r.id, r.assignment.chat.telegram_chat_id, unit_label(r.assignment)) for r in rows]
        answer = t(
            "workflow.urge.ok", caller.lang, task=task_ref(task), units=esc("、".join(u for *_, u in sends))
        )
        # Sent by the delivery ledger's sender like every other message (rate limits, restarts); its
        # row ``urge|u<id>|1`` is what the sweep repeats once if nobody acknowledges it.
        now = rt.clock()
        planned = [
            PlannedDelivery(
                urge_key(urge_id, 1),
                URGE,
                now,
                chat_id,
                (parsed.task_id,),
                (Part(text, ((Button(t("workflow.button.urge_ack", lang), f"urge:{urge_id}"),),)),),
            )
            for urge_id, chat_id, _ in sends
        ]
        ledger.record(session, planned, now)
    await reply(message, answer)
    if context.bot_data.reminders is not None:
        await context.bot_data.reminders.drain()
    await reply(message, answer)


@polite
async def on_urge_ack(update: Update, context: BotContext) -> None:
    """Record 收到 under a 催办 and tell the office who pressed it and when."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    urge_id = int((query.data or "").rsplit(":", 1)[1])
    rt = context.runtime
    roles = await roles_of(update, context)
    lang = pick_language(rt.settings.language)
    with transaction(rt.sessions) as session:
        caller = identify(session, update, rt.settings, roles=roles)
        row = flow.ack_urge(session, urge_id, caller.actor, rt.clock(), rt.settings.tz)
        task = get_task(session, row.task_id)
        office = t(
            "workflow.urge.acked",
            lang,
            who=esc(caller.actor.name),
            unit=esc(unit_label(row.assignment)),
            task=task_ref(task),
            when=_when(rt.clock(), rt),
        )
    await query.answer(t("workflow.callback.urge_acked", caller.lang))
    await tell_office_text(context, office)


def file_of(message: Message) -> flow.FileInfo | None:
    """The photo (largest size), video or document of MESSAGE as evidence, or None."""
    if message.photo:
        photo = message.photo[-1]
        return flow.FileInfo(photo.file_id, photo.file_unique_id, "", photo.file_size, "photo", "image/jpeg")
    if message.video is not None:
        v = message.video
        return flow.FileInfo(
            v.file_id, v.file_unique_id, v.file_name or "", v.file_size, "video", v.mime_type
        )
    if message.document is not None:
        d = message.document
        return flow.FileInfo(
            d.file_id, d.file_unique_id, d.file_name or "", d.file_size, "document", d.mime_type
        )
    return None


def _evidence_for(update: Update, context: BotContext) -> int | None:
    """The one task a file is evidence for when it is a reply to a message of ours about that task
    (a one-task reminder, a detail, a prompt); None otherwise."""
    message = message_of(update)
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
        return None
    with context.runtime.sessions() as session:
        about = messages.recall(session, message.chat_id, replied.message_id)
    if about is None or is_return_purpose(about.purpose):
        return None
    return about.single_task


def _evidence_target(update: Update, context: BotContext) -> tuple[str | None, int | None] | None:
    """(the caption's command, or None) and (the replied task, or None) when the file is evidence."""
    command = _EVIDENCE_CAPTION.match((message_of(update).caption or "").strip())
    if command is not None:
        return command.group(1), None
    task_id = _evidence_for(update, context)
    return (None, task_id) if task_id is not None else None


async def on_evidence(update: Update, context: BotContext) -> None:
    """Take a file sent with ``/status N …`` or ``/done N …`` as its caption, or as a reply to a
    message about one task, as evidence (佐证) of a report on that task; leave any other file alone."""
    if _evidence_target(update, context) is None:
        return
    await _record_evidence(update, context)
    raise ApplicationHandlerStop


@polite
async def _record_evidence(update: Update, context: BotContext) -> None:
    """Record the report the file comes with and keep the file on it; refusals are answered."""
    target = _evidence_target(update, context)
    if target is None:
        return
    command, task_id = target
    message = message_of(update)
    file = file_of(message)
    if file is None:
        return
    caption = command_args(message.caption or "")
    if command == "done":
        parsed = parse_done(caption)
    elif command == "status":
        parsed = parse_status(caption)
    else:
        progress, words = split_progress(caption)
        parsed = TaskReport(task_id or 0, words, progress)
    rt = context.runtime
    roles = await roles_of(update, context)
    review = command == "done" and review_applies(update, context)
    with transaction(rt.sessions) as session:
        caller = identify(session, update, rt.settings, roles=roles)
        now = rt.clock()
        if command == "done" and review:
            report = flow.claim_done(
                session, parsed.task_id, caller.actor, now, parsed.text, tz=rt.settings.tz
            )[0]
        elif command == "done":
            report = mark_done(
                session,
                parsed.task_id,
                caller.actor,
                now,
                parsed.text,
                today=local_today(rt),
                tz=rt.settings.tz,
            )
        else:
            words = parsed.text or t("workflow.evidence.default", pick_language(rt.settings.language))
            report = report_status(
                session, parsed.task_id, caller.actor, now, words, parsed.progress, tz=rt.settings.tz
            )
        flow.attach(session, report, caller.actor, now, file)
        text = confirmation(report, caller.actor.name, caller.lang)
        text += "\n" + t("workflow.evidence.kept", caller.lang, name=esc(file.name or file.kind))
        claimed = (report.task_id, report.unit_chat_id) if report.kind == ReportKind.CLAIMED else None
    await reply(message, text)
    if claimed is not None:
        await announce_claim(context, *claimed)


async def _ask_reason(
    update: Update, context: BotContext, request_id: int, task_id: int, prompt: str, lang: str
) -> None:
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    chat_id = update.effective_chat.id
    under = (
        ReplyParameters(message_id=query.message.message_id, allow_sending_without_reply=True)
        if query.message
        else None
    )
    sent = await context.bot.send_message(
        chat_id,
        prompt,
        parse_mode=PARSE_MODE,
        reply_markup=ForceReply(
            selective=True, input_field_placeholder=t("workflow.prompt.placeholder", lang)
        ),
        reply_parameters=under,
    )
    rt = context.runtime
    with transaction(rt.sessions) as session:
        messages.remember(
            session, chat_id, sent.message_id, task_id, f"{RETURN_PURPOSE}{request_id}", rt.clock()
        )
    await query.answer(t("workflow.callback.prompted", lang))


async def on_return_reason(update: Update, context: BotContext, purpose: str) -> None:
    """Record the office's reply to a 退回 prompt (PURPOSE ``return:<id>``) and tell the unit why."""
    request_id = int(purpose.removeprefix(RETURN_PURPOSE))
    message = message_of(update)
    rt = context.runtime
    roles = await roles_of(update, context)
    with transaction(rt.sessions) as session:
        caller = identify(session, update, rt.settings, roles=roles)
        decision = flow.reject(session, request_id, caller.actor, rt.clock(), message.text or "")
        text = t(
            "workflow.return.ok", caller.lang, task=task_ref(decision.report.task), unit=esc(decision.unit)
        )
        unit_text = _unit_text(decision, pick_language(rt.settings.language))
    await reply(message, text)
    await _tell_unit(context, decision.unit_chat, unit_text)


def is_return_purpose(purpose: str) -> bool:
    """Whether a reply to a message with PURPOSE is the reason for a 退回."""
    return purpose.startswith(RETURN_PURPOSE) and purpose.removeprefix(RETURN_PURPOSE).isdigit()
