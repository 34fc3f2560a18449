"""Arguments of the officials' commands (/task, /done, /status, /blocked) and of replies. Pure.

Parsers raise ``BadArguments`` (shared with ``admin_args``) naming the command's usage message;
range checks (a progress over 100 %) are the task service's, so the bot and the CLI agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from taskbot.bot.admin_args import BadArguments, TaskAndRest, split_task_id

# "/status@taskbot_bot 3 …" → "3 …"; Telegram commands are at most 32 characters of [A-Za-z0-9_].
_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?(?=\s|$)")
_PROGRESS = re.compile(r"^(\d{1,4})\s*[%％]\s*")

# The buttons under a message about one task carry callback_data "<action>:<task id>".
DONE, PROGRESS, BLOCKED = "done", "progress", "blocked"
BUTTON_ACTIONS = (DONE, PROGRESS, BLOCKED)
BUTTON_PATTERN = rf"^({'|'.join(BUTTON_ACTIONS)}):\d+$"


@dataclass(frozen=True, slots=True)
class TaskReport:
    """A report as typed: which task, the progress if one was given, the words."""

    task_id: int
    text: str = ""
    progress: int | None = None


def command_args(text: str) -> str:
    """The text after the leading ``/command`` (or ``/command@bot``), stripped; all of TEXT if none."""
    match = _COMMAND.match(text.strip())
    return text.strip()[match.end() :].strip() if match else text.strip()


def split_progress(text: str) -> tuple[int | None, str]:
    """``50% 已完成摸底`` → (50, "已完成摸底"); no leading percentage → (None, TEXT)."""
    text = text.strip()
    match = _PROGRESS.match(text)
    if not match:
        return None, text
    return int(match.group(1)), text[match.end() :].strip()


def parse_task_number(args: str, usage: str) -> int:
    """The single task number of ``/task N``; anything else is the command's USAGE."""
    parsed = _task_and_rest(args, usage)
    if parsed.rest:
        raise BadArguments(usage)
    return parsed.task_id


def parse_done(args: str) -> TaskReport:
    """``/done N [note]``."""
    parsed = _task_and_rest(args, "bot.usage.done")
    return TaskReport(parsed.task_id, parsed.rest)


def parse_status(args: str) -> TaskReport:
    """``/status N [NN%] text``."""
    parsed = _task_and_rest(args, "bot.usage.status")
    progress, text = split_progress(parsed.rest)
    return TaskReport(parsed.task_id, text, progress)


def parse_blocked(args: str) -> TaskReport:
    """``/blocked N reason``."""
    parsed = _task_and_rest(args, "bot.usage.blocked")
    return TaskReport(parsed.task_id, parsed.rest)


def parse_button(data: str) -> tuple[str, int] | None:
    """``done:3`` → ("done", 3); None for data this module does not know."""
    action, sep, raw = data.partition(":")
    if not sep or action not in BUTTON_ACTIONS or not raw.isascii() or not raw.isdigit():
        return None
    return action, int(raw)


def _task_and_rest(args: str, usage: str) -> TaskAndRest:
    # A missing or malformed task number is answered with the command's usage, which shows one.
    try:
        return split_task_id(args, usage)
    except BadArguments:
        raise BadArguments(usage) from None
