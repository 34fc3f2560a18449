"""Arguments of the officials' commands (/task, /done, /status, /blocked) and of replies, and what
every command shares (the text after the command, a leading task number). Pure.

Parsers raise ``BadArguments`` naming a catalog message, usually the command's usage; range checks
(a progress over 100 %) are the task service's, so the bot and the CLI agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# "/status@taskbot_bot 3 …" → "3 …"; Telegram commands are at most 32 characters of [A-Za-z0-9_].
_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?(?=\s|$)")
_PROGRESS = re.compile(r"^(\d{1,4})\s*[%％]\s*")
_TASK_ID = re.compile(r"^[#＃№]?(\d{1,9})$")

# The buttons under a message about one task carry callback_data "<action>:<task id>".
DONE, PROGRESS, BLOCKED = "done", "progress", "blocked"
BUTTON_ACTIONS = (DONE, PROGRESS, BLOCKED)
BUTTON_PATTERN = rf"^({'|'.join(BUTTON_ACTIONS)}):\d+$"
# A unit picked under a report that did not say whose share it was: "unit:done:<task id>:<assignment id>".
UNIT_BUTTON_PATTERN = r"^unit:done:\d+:\d+$"
# A kept reply recorded on the task picked under it: "note:<note id>:<task id>".
NOTE_BUTTON_PATTERN = r"^note:\d+:\d+$"


class BadArguments(Exception):
    """The arguments cannot be used; KEY is the catalog message that says why."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True, slots=True)
class TaskAndRest:
    """A task number and whatever followed it (a cadence word, a date, a note, a @user)."""

    task_id: int
    rest: str


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


def parse_task_id(word: str, usage: str) -> int:
    """A task number written as 3, #3, ＃3 or ３; anything else is answered with USAGE, which shows one."""
    match = _TASK_ID.match(word.strip())
    if not match:
        raise BadArguments(usage)
    return int(match.group(1))


def split_task_id(args: str, usage: str) -> TaskAndRest:
    """ARGS as its leading task number and the rest; USAGE names the command's usage message."""
    words = args.split(maxsplit=1)
    if not words:
        raise BadArguments(usage)
    return TaskAndRest(parse_task_id(words[0], usage), words[1].strip() if len(words) > 1 else "")


def split_progress(text: str) -> tuple[int | None, str]:
    """``50% 已完成摸底`` → (50, "已完成摸底"); no leading percentage → (None, TEXT)."""
    text = text.strip()
    match = _PROGRESS.match(text)
    if not match:
        return None, text
    return int(match.group(1)), text[match.end() :].strip()


def parse_task_number(args: str, usage: str) -> int:
    """The single task number of ``/task N``; anything else is the command's USAGE."""
    parsed = split_task_id(args, usage)
    if parsed.rest:
        raise BadArguments(usage)
    return parsed.task_id


def parse_done(args: str) -> TaskReport:
    """``/done N [note]``."""
    parsed = split_task_id(args, "bot.usage.done")
    return TaskReport(parsed.task_id, parsed.rest)


def parse_status(args: str) -> TaskReport:
    """``/status N [NN%] text``."""
    parsed = split_task_id(args, "bot.usage.status")
    progress, text = split_progress(parsed.rest)
    return TaskReport(parsed.task_id, text, progress)


def parse_blocked(args: str) -> TaskReport:
    """``/blocked N reason``."""
    parsed = split_task_id(args, "bot.usage.blocked")
    return TaskReport(parsed.task_id, parsed.rest)


def parse_button(data: str) -> tuple[str, int] | None:
    """``done:3`` → ("done", 3); None for data this module does not know."""
    action, sep, raw = data.partition(":")
    if not sep or action not in BUTTON_ACTIONS or not raw.isascii() or not raw.isdigit():
        return None
    return action, int(raw)
