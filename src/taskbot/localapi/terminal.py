"""The terminal chat of local mode: type as a person in a chat, see what the bot sends back.

Lines go to the local Bot API as messages from USER_ID; every message, edit, button answer and
document the bot sends is printed. Local commands: ``!N`` presses button N of the last message with
buttons, ``!file PATH [caption]`` sends a file, ``/private`` and ``/group`` switch chats, ``!help``,
and ``/quit`` (or end of input) leaves.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sys
import tempfile
import threading
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from taskbot.localapi.api import FakeBotApi
from taskbot.localapi.methods import BotEvent
from taskbot.localapi.state import JSON, Pulse

BANNER = (
    "LOCAL MODE — no Telegram token configured; set TASKBOT_TELEGRAM__TOKEN or telegram.token "
    "in the config to connect a real bot."
)
HELP = (
    "Type a message or a command (/help, /tasks, /done 3 …) as the local admin.\n"
    "  !N                 press button N of the last message with buttons\n"
    "  !file PATH [text]  send a file (e.g. a bulletin for /import)\n"
    "  /private  /group   talk to the bot privately / in the group\n"
    "  !help  /quit       this help / leave (Ctrl-D works too)"
)
LOCAL_GROUP_ID = -1001000000001
LOCAL_ADMIN_ID = 10001
_PRESS = re.compile(r"^!(\d+)$")


@dataclass
class _Buttons:
    message_id: int
    buttons: list[JSON]


@dataclass
class _ChatView:
    """What the terminal remembers about one chat: the buttons to press and a pending reply prompt."""

    buttons: _Buttons | None = None
    reply_prompt: int | None = None


@dataclass
class TerminalChat:
    """One terminal session against API as USER_ID, starting in the group CHAT_ID."""

    api: FakeBotApi
    group_id: int
    user_id: int
    output: TextIO
    save_dir: Path
    reply_wait: float
    chat_id: int = 0
    views: dict[int, _ChatView] = field(default_factory=dict)
    events_seen: int = 0
    changed: Pulse = field(default_factory=Pulse)

    def __post_init__(self) -> None:
        self.chat_id = self.group_id

    def view(self, chat_id: int) -> _ChatView:
        return self.views.setdefault(chat_id, _ChatView())

    def say(self, text: str) -> None:
        self.output.write(text + "\n")
        self.output.flush()

    # -- what the bot does --------------------------------------------------------------------------
    async def print_events(self, events: asyncio.Queue[BotEvent]) -> None:
        while True:
            event = await events.get()
            try:
                self.show(event)
            except Exception as exc:  # a display problem must not end the session
                self.say(f"(could not show a bot event: {exc.__class__.__name__}: {exc})")
            self.events_seen += 1
            self.changed.notify()

    def show(self, event: BotEvent) -> None:
        label = self.chat_label(event.chat_id)
        if event.kind == "answer":
            text = event.params.get("text")
            if text:
                kind = "alert" if event.params.get("show_alert") else "button answer"
                self.say(f"[{label}] bot ({kind}): {text}")
            return
        if event.kind == "delete" and event.message is not None:
            self.say(f"[{label}] bot deleted #{event.message['message_id']}")
            return
        if event.message is None or event.chat_id is None:
            return
        message = event.message
        edited = " (edited)" if event.kind == "edit" else ""
        self.say(f"[{label}] bot #{message['message_id']}{edited}:")
        for line in self.body_lines(message):
            self.say(f"  {line}")
        self.remember_buttons(event.chat_id, message)
        markup = event.params.get("reply_markup")
        if event.kind == "message" and isinstance(markup, dict) and markup.get("force_reply"):
            self.view(event.chat_id).reply_prompt = message["message_id"]
            self.say(f"  (reply requested: your next line answers #{message['message_id']})")

    def body_lines(self, message: JSON) -> list[str]:
        lines: list[str] = []
        if "document" in message:
            lines.append(self.save_document(message["document"]))
        text = message.get("text") or message.get("caption") or ""
        lines.extend(text.splitlines() or ([] if lines else [""]))
        rows = message.get("reply_markup", {}).get("inline_keyboard", [])
        number = 0
        for row in rows:
            labels = []
            for button in row:
                number += 1
                labels.append(f"[{number} {button.get('text', '')}]")
            lines.append(" ".join(labels))
        return lines

    def remember_buttons(self, chat_id: int, message: JSON) -> None:
        view = self.view(chat_id)
        buttons = [b for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]
        if buttons:
            view.buttons = _Buttons(message["message_id"], buttons)
        elif view.buttons is not None and view.buttons.message_id == message["message_id"]:
            view.buttons = None

    def save_document(self, document: JSON) -> str:
        name = Path(str(document.get("file_name") or "document.bin")).name
        self.save_dir.mkdir(parents=True, exist_ok=True)
        target = self.save_dir / name
        if target.exists():
            target = self.save_dir / f"{document['file_unique_id']}-{name}"
        target.write_bytes(self.api.file_bytes(document["file_id"]))
        return f"📄 {name} saved to {target} ({document.get('file_size', 0)} bytes)"

    def chat_label(self, chat_id: int | None) -> str:
        if chat_id is None:
            return "?"
        state = self.api.world.chats.get(chat_id)
        if state is None:
            return str(chat_id)
        if state.type == "private":
            return "private"
        return str(state.info.get("title") or chat_id)

    # -- what the person types ----------------------------------------------------------------------
    async def handle(self, line: str) -> bool:
        """Act on one typed line; return False to end the session."""
        text = line.strip()
        if not text:
            return True
        if text in ("/quit", "!quit", "/exit"):
            return False
        if text in ("!help", "!?"):
            self.say(HELP)
            return True
        if text in ("/private", "/group"):
            self.switch(self.user_id if text == "/private" else self.group_id)
            return True
        before = self.events_seen
        if await self.act(text):
            await self.changed.wait_for(lambda: self.events_seen > before, self.reply_wait)
        return True

    async def act(self, text: str) -> bool:
        """Send what TEXT asks for; return whether anything went to the bot."""
        press = _PRESS.match(text)
        if press:
            return await self.press(int(press.group(1)))
        if text.startswith("!file"):
            return await self.send_file(text.removeprefix("!file").strip())
        view = self.view(self.chat_id)
        if view.reply_prompt is not None and not text.startswith("/"):
            prompt, view.reply_prompt = view.reply_prompt, None
            if prompt in self.api.world.chat(self.chat_id).messages:
                await self.api.user_replies(self.chat_id, self.user_id, prompt, text)
                return True
        await self.api.user_sends(self.chat_id, self.user_id, text)
        return True

    async def press(self, number: int) -> bool:
        buttons = self.view(self.chat_id).buttons
        if buttons is None or not 1 <= number <= len(buttons.buttons):
            self.say("(no such button: the last message with buttons in this chat has none numbered so)")
            return False
        button = buttons.buttons[number - 1]
        if "callback_data" not in button:
            self.say(f"(button {number} opens {button.get('url') or 'something outside the chat'})")
            return False
        await self.api.user_presses(self.chat_id, self.user_id, buttons.message_id, button["callback_data"])
        return True

    async def send_file(self, argument: str) -> bool:
        path_text, _, caption = argument.partition(" ")
        path = Path(path_text).expanduser()
        if not path_text or not path.is_file():
            self.say(f"(no file at {path_text or '?'}: usage !file PATH [caption])")
            return False
        data = path.read_bytes()
        await self.api.user_sends_document(self.chat_id, self.user_id, path.name, data, caption or None)
        self.say(f"(sent {path.name}, {len(data)} bytes)")
        return True

    def switch(self, chat_id: int) -> None:
        self.api.world.chat(chat_id)  # a private chat opens on first use
        self.chat_id = chat_id
        self.say(f"(now talking in {self.chat_label(chat_id)})")


async def stdin_lines(stream: TextIO | None = None) -> AsyncIterator[str]:
    """Lines from STREAM (stdin) read by a daemon thread, so a blocked read never holds up exit."""
    source = stream if stream is not None else sys.stdin
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def pump() -> None:
        try:
            while line := source.readline():
                loop.call_soon_threadsafe(queue.put_nowait, line)
        except (OSError, ValueError):
            pass
        finally:
            # RuntimeError: the loop already closed, nobody is listening any more.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=pump, name="taskbot-terminal-input", daemon=True).start()
    while (line := await queue.get()) is not None:
        yield line.rstrip("\r\n")


async def run_terminal_chat(
    api: FakeBotApi,
    *,
    chat_id: int = LOCAL_GROUP_ID,
    user_id: int = LOCAL_ADMIN_ID,
    input: AsyncIterable[str] | TextIO | None = None,
    output: TextIO | None = None,
    save_dir: Path | None = None,
    reply_wait: float = 2.0,
    banner: bool = True,
) -> None:
    """Chat with the bot behind API from a terminal until /quit or the end of INPUT.

    The group CHAT_ID and the user USER_ID are created when API does not know them yet. After each
    line the terminal waits (at most REPLY_WAIT seconds) for the bot's first answer before reading
    on, so piped scripts read like a conversation.
    """
    out = output if output is not None else sys.stdout
    if user_id not in api.world.users:
        api.add_user(user_id, first_name="本地管理员", username="local_admin", language_code="zh")
    if chat_id not in api.world.chats:
        api.add_chat(chat_id, type="supergroup", title="本地群")
    session = TerminalChat(
        api=api,
        group_id=chat_id,
        user_id=user_id,
        output=out,
        save_dir=save_dir or Path(tempfile.gettempdir()) / "taskbot-local",
        reply_wait=reply_wait,
    )
    if banner:
        session.say(BANNER)
        session.say(HELP)
        session.say(f"(you are user {user_id} in {session.chat_label(chat_id)})")
    lines: AsyncIterable[str] = input if isinstance(input, AsyncIterable) else stdin_lines(input)
    events = api.subscribe()
    printer = asyncio.create_task(session.print_events(events), name="taskbot-terminal-output")
    try:
        async for line in lines:
            if not await session.handle(line):
                break
    finally:
        api.unsubscribe(events)
        await _drain(events, session)
        printer.cancel()
        await asyncio.gather(printer, return_exceptions=True)


async def _drain(events: asyncio.Queue[Any], session: TerminalChat) -> None:
    """Let the printer show what already arrived before the session ends."""
    await session.changed.wait_for(events.empty, 1.0)
