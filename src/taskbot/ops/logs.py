"""Log context and the JSON log format (``logging.format: json``).

``log_context(chat_id=…, task_id=…)`` adds fields to every log line written inside it (a context
variable: it follows the update through awaits and into worker threads started with
``asyncio.to_thread``). A field given as ``extra={"task_id": 3}`` to one log call counts too.

JSON lines carry ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message``, the context fields
present and ``exc`` for a traceback: one object per line, for a log shipper to parse.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from telegram import Update

CONTEXT_FIELDS = ("update_id", "chat_id", "user_id", "task_id", "beat")

_context: ContextVar[dict[str, Any] | None] = ContextVar("taskbot_log_context", default=None)


@contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    """Add FIELDS (those not None) to every log line written inside the block."""
    merged = {**(_context.get() or {}), **{k: v for k, v in fields.items() if v is not None}}
    token = _context.set(merged)
    try:
        yield
    finally:
        _context.reset(token)


def current_context() -> dict[str, Any]:
    """The context fields in force here."""
    return dict(_context.get() or {})


def update_context(update: Update) -> Any:
    """The log context of handling UPDATE: its id, chat and user."""
    chat, user = update.effective_chat, update.effective_user
    return log_context(
        update_id=update.update_id,
        chat_id=chat.id if chat else None,
        user_id=user.id if user else None,
    )


def context_of(record: logging.LogRecord) -> dict[str, Any]:
    """The context of RECORD: the fields in force when it was written, then its own extras."""
    fields = dict(getattr(record, "taskbot_context", None) or current_context())
    for name in CONTEXT_FIELDS:
        value = record.__dict__.get(name)
        if value is not None:
            fields[name] = value
    return fields


class ContextFilter(logging.Filter):
    """Captures the context on the record where it is written (a handler may format it elsewhere)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "taskbot_context"):
            record.taskbot_context = current_context()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the context fields, exc."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(context_of(record))
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The classic line, with the context fields at the end: ``… [chat_id=-100 task_id=3]``."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        fields = context_of(record)
        if not fields:
            return text
        suffix = " ".join(f"{k}={v}" for k, v in fields.items())
        head, sep, rest = text.partition("\n")
        return f"{head} [{suffix}]{sep}{rest}"


def formatter_for(fmt: str) -> logging.Formatter:
    """The formatter of ``logging.format`` FMT (text or json)."""
    return JsonFormatter() if fmt == "json" else TextFormatter()
