"""/import: a bulletin file or pasted text → a preview with 确认导入 / 取消 → the tasks, once.

An admin sends the file with /import as its caption, or /import and then the file (or the text),
or /import as a reply to a file. The preview waits under a short token carried by its buttons and
expires; confirming imports exactly as ``taskbot import`` does, so importing twice creates nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from telegram import CallbackQuery, Document, ForceReply, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from taskbot.bot.admin import as_admin, join_parties, require_admin
from taskbot.bot.args import BadArguments, command_args
from taskbot.bot.common import NEW_MESSAGES, local_today
from taskbot.bot.context import BotContext
from taskbot.bot.dialogs import InDialog, dialogs_of, key_of, tracked
from taskbot.bot.errors import polite
from taskbot.bot.identity import lang_of
from taskbot.bot.import_review import REVIEW_BUTTONS, Review, keyboard, page_lines
from taskbot.bot.render import PARSE_MODE, clip, esc, split_message
from taskbot.bot.replies import message_of, reply
from taskbot.bulletin import parse_bulletin
from taskbot.bulletin.model import ParsedBulletin
from taskbot.domain.permissions import Reach
from taskbot.i18n import t
from taskbot.readers import TEXT_SUFFIXES, UnreadableDocument, file_sizes
from taskbot.runtime import Runtime
from taskbot.sandbox import read_and_parse_isolated, read_limits
from taskbot.services.admin import unbound_parties
from taskbot.services.ingest import ImportConflict, ImportPreview, import_document, preview_import

log = logging.getLogger(__name__)

IMPORT_SUFFIXES = TEXT_SUFFIXES | {".docx", ".pdf"}
# Word formats we cannot read but Word and WPS save as .docx in two clicks.
SAVE_AS_DOCX = frozenset({".doc", ".wps", ".rtf"})
# The bot waits this long for the file after a bare /import.
WAIT_TIMEOUT = dt.timedelta(minutes=10)
# A preview can be confirmed for this long.
PREVIEW_TTL = dt.timedelta(minutes=30)
PREVIEW_TITLE_CHARS = 50
WAITING = 0
DIALOG = "import"
BUTTONS = r"^imp:(ok|no):([A-Za-z0-9_-]{1,16})$"
_CAPTION = re.compile(r"^/import(?:@([A-Za-z0-9_]+))?(?:\s|$)", re.IGNORECASE)
# The source recorded for a bulletin pasted as text (a file's is its name).
PASTED_SOURCE = "(pasted text)"
# A bulletin's tasks go wherever its parties are bound: an import reaches every chat.
IMPORT_REACH = Reach.everywhere()


@dataclass(frozen=True, slots=True)
class PendingImport:
    """A previewed bulletin waiting for 确认导入."""

    chat_id: int
    source: str
    text: str
    parsed: ParsedBulletin
    expires_at: dt.datetime
    # What the preview shows and what the admin dropped (bot/import_review.py).
    review: Review = field(default_factory=lambda: Review([]))


class PendingImports:
    """Previews by token, each taken at most once and forgotten once expired.

    They live in the process: a preview made by one replica is confirmed on the same one, which
    holds for polling and for webhooks behind a sticky balancer; elsewhere a press says "expired".
    """

    def __init__(self) -> None:
        self._items: dict[str, PendingImport] = {}

    def put(self, item: PendingImport, now: dt.datetime) -> str:
        self._purge(now)
        token = secrets.token_urlsafe(6)
        while token in self._items:
            token = secrets.token_urlsafe(6)
        self._items[token] = item
        return token

    def peek(self, token: str, now: dt.datetime) -> PendingImport | None:
        """The preview under TOKEN, left in place; None when unknown or expired."""
        self._purge(now)
        return self._items.get(token)

    def give_back(self, token: str, item: PendingImport) -> None:
        """Put back a preview taken but not imported (every item was dropped)."""
        self._items.setdefault(token, item)

    def take(self, token: str, now: dt.datetime) -> PendingImport | None:
        """The preview under TOKEN, removed; None when unknown or expired."""
        self._purge(now)
        return self._items.pop(token, None)

    def __len__(self) -> int:
        return len(self._items)

    def _purge(self, now: dt.datetime) -> None:
        for token in [k for k, v in self._items.items() if v.expires_at <= now]:
            del self._items[token]


def pending_imports(context: BotContext) -> PendingImports:
    return context.bot_data.pending_imports


def register(app: Application) -> None:
    """Add this module's handlers to APP."""
    captioned = filters.Document.ALL & filters.CaptionRegex(_CAPTION) & NEW_MESSAGES
    waiting = NEW_MESSAGES & InDialog(dialogs_of(app.bot_data), DIALOG)
    app.add_handler(
        ConversationHandler(
            entry_points=[
                CommandHandler("import", import_command, filters=NEW_MESSAGES),
                MessageHandler(captioned, import_captioned_file),
            ],
            states={
                WAITING: [
                    MessageHandler(filters.Document.ALL & waiting, import_sent_file),
                    MessageHandler(filters.TEXT & ~filters.COMMAND & waiting, import_sent_text),
                    MessageHandler(~filters.COMMAND & waiting, import_wrong_content),
                ],
                ConversationHandler.TIMEOUT: [TypeHandler(Update, import_timed_out)],
            },
            fallbacks=[CommandHandler("cancel", import_cancel, filters=waiting)],
            conversation_timeout=WAIT_TIMEOUT.total_seconds(),
            allow_reentry=True,
            name="import",
        )
    )
    app.add_handler(CallbackQueryHandler(import_button, pattern=BUTTONS))
    app.add_handler(CallbackQueryHandler(import_review_button, pattern=REVIEW_BUTTONS))


# --- getting the text ---------------------------------------------------------------------------


async def _document_text(document: Document, context: BotContext) -> tuple[str, str, ParsedBulletin]:
    """Download, read and parse DOCUMENT; (file name, text, bulletin). BadArguments says what is wrong."""
    name = document.file_name or "document"
    suffix = Path(name).suffix.lower()
    if suffix in SAVE_AS_DOCX:
        raise BadArguments("import.save_as_docx", name=name)
    if suffix not in IMPORT_SUFFIXES:
        raise BadArguments("import.wrong_type", name=name)
    settings = context.runtime.settings
    limit = settings.telegram.max_file_bytes
    # Telegram says the size before we fetch anything: a file too large is never downloaded.
    if document.file_size is not None and document.file_size > limit:
        raise _too_large(name, document.file_size, limit)
    try:
        data = bytes(await (await document.get_file()).download_as_bytearray())
    except TelegramError as exc:
        # The chat hears "try again"; why is for the log (the class only: a message may hold a URL).
        log.warning("downloading %s for /import failed: %s", document.file_id, exc.__class__.__name__)
        raise BadArguments("import.download_failed", name=name) from None
    if len(data) > limit:
        raise _too_large(name, len(data), limit)
    try:
        # A file may be built to hurt: it is read in a child process with a time and a memory
        # limit, awaited from a thread, so the event loop keeps answering other chats meanwhile.
        text, parsed = await asyncio.to_thread(
            read_and_parse_isolated,
            data,
            name,
            read_limits(settings, max_bytes=limit),
            date=None,
            today=local_today(context.runtime),
            timeout=settings.ingest.worker_timeout_seconds,
            memory_mb=settings.ingest.worker_memory_mb,
        )
    except UnreadableDocument as exc:
        raise BadArguments("import.unreadable", name=name, reason=str(exc)) from None
    return name, text, parsed


def _too_large(name: str, size: int, limit: int) -> BadArguments:
    shown, cap = file_sizes(size, limit)
    return BadArguments("import.too_large", name=name, size=shown, limit=cap)


# --- entry points and the waiting step -------------------------------------------------------------


@tracked(DIALOG)
@polite
async def import_command(update: Update, context: BotContext) -> int | None:
    """Start an import: take pasted text or the replied-to file at once, else wait for one."""
    message = message_of(update)
    await require_admin(update, context, IMPORT_REACH)
    text = command_args(message.text or "")
    if text:
        await _preview(update, context, PASTED_SOURCE, text)
        return ConversationHandler.END
    replied = message.reply_to_message
    if replied is not None and replied.document is not None:
        name, text, parsed = await _document_text(replied.document, context)
        await _preview(update, context, name, text, parsed)
        return ConversationHandler.END
    lang = lang_of(update, context)
    await message.reply_text(
        t("import.ask", lang),
        parse_mode=PARSE_MODE,
        reply_markup=ForceReply(selective=True, input_field_placeholder=t("import.placeholder", lang)),
    )
    return WAITING


@tracked(DIALOG)
@polite
async def import_captioned_file(update: Update, context: BotContext) -> int | None:
    """Preview a file sent with /import as its caption."""
    message = message_of(update)
    match = _CAPTION.match(message.caption or "")
    target = match.group(1) if match else None
    if target and target.lower() != (context.bot.username or "").lower():
        return None  # /import@another_bot
    return await _preview_sent_file(update, context)


@tracked(DIALOG)
@polite
async def import_sent_file(update: Update, context: BotContext) -> int | None:
    """Preview the file sent after /import."""
    return await _preview_sent_file(update, context)


async def _preview_sent_file(update: Update, context: BotContext) -> int:
    message = message_of(update)
    await require_admin(update, context, IMPORT_REACH)
    assert message.document is not None  # both handlers' filters ask for one
    name, text, parsed = await _document_text(message.document, context)
    await _preview(update, context, name, text, parsed)
    return ConversationHandler.END


@tracked(DIALOG)
@polite
async def import_sent_text(update: Update, context: BotContext) -> int | None:
    """Preview the text pasted after /import."""
    message = message_of(update)
    await require_admin(update, context, IMPORT_REACH)
    await _preview(update, context, PASTED_SOURCE, message.text or "")
    return ConversationHandler.END


async def import_wrong_content(update: Update, context: BotContext) -> None:
    """Ask again for a file or text when something else (a photo, a sticker) came."""
    await reply(message_of(update), t("import.ask_again", lang_of(update, context)))


@tracked(DIALOG)
async def import_cancel(update: Update, context: BotContext) -> int:
    """Stop waiting for the bulletin."""
    await reply(message_of(update), t("import.cancelled", lang_of(update, context)))
    return ConversationHandler.END


async def import_timed_out(update: Update, context: BotContext) -> None:
    """Say that the bot stopped waiting for the file (unless the user has moved on to /add)."""
    key = key_of(update)
    dialogs = dialogs_of(context.bot_data)
    if key is not None and dialogs.is_in(key, DIALOG):
        dialogs.end(key, DIALOG)
        await context.bot.send_message(key[0], t("import.timed_out", lang_of(update, context)))


# --- the preview --------------------------------------------------------------------------------


def _parse_and_compare(
    runtime: Runtime, text: str, parsed: ParsedBulletin | None
) -> tuple[ParsedBulletin, ImportPreview]:
    """TEXT parsed (unless PARSED already), and what importing it would create; run in a thread."""
    if parsed is None:  # pasted text: one message, at most 4 096 characters
        parsed = parse_bulletin(text, today=local_today(runtime))
    with runtime.sessions() as session:
        return parsed, preview_import(session, parsed, text=text)


def _unbound(runtime: Runtime, task_ids: list[int]) -> list[str]:
    """The parties of TASK_IDS no chat receives yet (blocking: run in a thread)."""
    with runtime.sessions() as session:
        return unbound_parties(session, task_ids)


async def _preview(
    update: Update, context: BotContext, source: str, text: str, parsed: ParsedBulletin | None = None
) -> None:
    """Show what importing TEXT (PARSED, else parsed here) would do, with the confirm / cancel buttons."""
    message = message_of(update)
    rt = context.runtime
    lang = lang_of(update, context)
    # Parsing pasted text is CPU work, comparing thousands of directives with the store is store
    # work: both off the event loop, so other chats are answered meanwhile.
    bulletin, preview = await asyncio.to_thread(_parse_and_compare, rt, text, parsed)
    if not preview.new and not preview.unchanged:
        raise BadArguments("import.empty")
    if not preview.new:
        await reply(message, t("import.nothing_new", lang, count=len(preview.unchanged)))
        return
    now = rt.clock()
    assert update.effective_chat is not None
    review = Review(list(preview.new), unchanged=len(preview.unchanged))
    pending = PendingImport(update.effective_chat.id, source, text, bulletin, now + PREVIEW_TTL, review)
    token = pending_imports(context).put(pending, now)
    await reply(message, split_message(_preview_text(pending, lang)), markup=keyboard(review, token, lang))


def _preview_text(pending: PendingImport, lang: str) -> str:
    """The preview's text: the bulletin, the counts, the current page of new tasks, the question."""
    source, parsed, review = pending.source, pending.parsed, pending.review
    header = (
        t("import.preview.header_pasted", lang)
        if source == PASTED_SOURCE
        else t("import.preview.header", lang, name=esc(source))
    )
    lines = [
        header,
        t(
            "import.preview.bulletin",
            lang,
            title=esc(
                clip(parsed.title, PREVIEW_TITLE_CHARS)
                if parsed.title
                else t("import.preview.untitled", lang)
            ),
            date=parsed.date.isoformat(),
        ),
        t(
            "import.preview.counts",
            lang,
            total=len(review.shown) + review.unchanged,
            new=len(review.shown),
            existing=review.unchanged,
        ),
        "",
        *page_lines(review, lang),
        "",
        t("import.preview.question", lang, minutes=int(PREVIEW_TTL.total_seconds() // 60)),
    ]
    return "\n".join(lines)


# --- the buttons --------------------------------------------------------------------------------


@polite
async def import_button(update: Update, context: BotContext) -> None:
    """Import the previewed bulletin (确认导入) or drop it (取消)."""
    query, match = _pressed(update, BUTTONS)
    action, token = match.groups()
    roles = await require_admin(update, context, IMPORT_REACH)
    rt = context.runtime
    lang = lang_of(update, context)
    pending = pending_imports(context).take(token, rt.clock())
    if await _expired(update, query, pending, lang):
        return
    assert pending is not None
    if action == "no":
        await query.answer()
        await query.edit_message_text(t("import.cancelled", lang))
        return
    if pending.review.shown and not pending.review.kept:
        pending_imports(context).give_back(token, pending)
        await query.answer(t("import.review.none_kept", lang), show_alert=True)
        return
    caller = await as_admin(update, context, roles, lambda _, caller: caller)
    actor, person_id = caller.actor.name, caller.person.id
    try:
        # A bulletin of hundreds of directives is a long transaction; keep the loop free meanwhile.
        result = await asyncio.to_thread(
            import_document,
            rt.sessions,
            pending.review.kept_bulletin(pending.parsed),
            source=pending.source,
            text=pending.text,
            now=rt.clock(),
            actor=actor,
            person_id=person_id,
        )
    except ImportConflict:
        await query.answer(t("import.conflict", lang), show_alert=True)
        return
    unbound = await asyncio.to_thread(_unbound, rt, result.created)
    lines = [t("import.done", lang, created=len(result.created), unchanged=len(result.unchanged))]
    if result.created:
        first, last = min(result.created), max(result.created)
        lines.append(t("import.done_ids", lang, first=first, last=last))
    if unbound:
        shown = join_parties(unbound[:10], lang) + ("…" if len(unbound) > 10 else "")
        lines.append(t("import.unbound", lang, parties=shown, example=esc(unbound[0])))
    await query.answer(t("import.done_short", lang, created=len(result.created)))
    await query.edit_message_text("\n".join(lines), parse_mode=PARSE_MODE)


@polite
async def import_review_button(update: Update, context: BotContext) -> None:
    """Drop an item of the preview or keep it again (✓ 3 / ✗ 3), or turn its page (◀ ▶)."""
    query, match = _pressed(update, REVIEW_BUTTONS)
    action, token, value = match.group(1), match.group(2), int(match.group(3))
    await require_admin(update, context, IMPORT_REACH)
    lang = lang_of(update, context)
    pending = pending_imports(context).peek(token, context.runtime.clock())
    if await _expired(update, query, pending, lang):
        return
    assert pending is not None
    review = pending.review
    changed = review.toggle(value) if action == "t" else review.turn_to(value)
    await query.answer()
    if changed:
        await query.edit_message_text(
            _preview_text(pending, lang), parse_mode=PARSE_MODE, reply_markup=keyboard(review, token, lang)
        )


def _pressed(update: Update, pattern: str) -> tuple[CallbackQuery, re.Match[str]]:
    """The pressed button's query and its data matched by PATTERN (the handler's own)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    match = re.match(pattern, query.data)
    assert match is not None  # the handler's pattern
    return query, match


async def _expired(update: Update, query: CallbackQuery, pending: PendingImport | None, lang: str) -> bool:
    """Say so and remove the buttons when the preview is gone or belongs to another chat."""
    chat_id = update.effective_chat.id if update.effective_chat else None
    if pending is not None and pending.chat_id == chat_id:
        return False
    await query.answer(t("import.expired", lang), show_alert=True)
    # Another admin's press may have answered the preview already: then there is nothing to remove.
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(None)
    return True
