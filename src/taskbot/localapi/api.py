"""FakeBotApi: a local Telegram Bot API server plus the hands of the people in its chats, for tests."""

from __future__ import annotations

import asyncio
import copy
import mimetypes
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, NamedTuple

from taskbot.clock import Clock
from taskbot.localapi.errors import ApiError, injected
from taskbot.localapi.formatting import command_target, user_entities
from taskbot.localapi.limits import FloodLimits, Seconds
from taskbot.localapi.methods import METHODS, ApiStats, BotEvent, BotMethods
from taskbot.localapi.params import Params
from taskbot.localapi.server import DISCONNECT, NOT_FOUND, HttpFront
from taskbot.localapi.state import JSON, MEMBER_STATUSES, ChatState, Pulse, World
from taskbot.localapi.webhook import WebhookPusher

MessagePredicate = Callable[[JSON], bool]
ParamsPredicate = Callable[[dict[str, Any]], bool]


class Call(NamedTuple):
    """One request the bot made: the method's Telegram name and its decoded parameters."""

    method: str
    params: dict[str, Any]


class _Outbox:
    """Items each handed out once, in order, per group; scans start past the leading handed-out ones."""

    def __init__(self) -> None:
        self.items: list[Any] = []
        self._by_group: dict[Hashable, list[int]] = {}
        self._cursor: dict[Hashable, int] = {}
        self._taken: set[int] = set()

    def add(self, item: Any, groups: tuple[Hashable, ...]) -> None:
        index = len(self.items)
        self.items.append(item)
        for group in groups:
            self._by_group.setdefault(group, []).append(index)

    def find(self, group: Hashable, predicate: Callable[[Any], bool] | None) -> tuple[int] | None:
        """The first item of GROUP matching PREDICATE not handed out yet, as a (truthy) 1-tuple."""
        indexes = self._by_group.get(group, [])
        start = self._cursor.get(group, 0)
        while start < len(indexes) and indexes[start] in self._taken:
            start += 1
        self._cursor[group] = start
        for index in indexes[start:]:
            if index not in self._taken and (predicate is None or predicate(self.items[index])):
                return (index,)
        return None

    def take(self, found: tuple[int]) -> Any:
        self._taken.add(found[0])
        return self.items[found[0]]


@dataclass
class _Injection:
    method: str  # lower-case method name, or "*" for any
    chat_id: int | None
    error: ApiError | None  # None: drop the connection
    times: int


@dataclass
class _Outage:
    method: str
    error: ApiError | None  # None: drop the connection
    until: float | None  # time.monotonic(); None: until go_up


class FakeBotApi:
    """A real HTTP Bot API on 127.0.0.1 for python-telegram-bot, with helpers that act as users.

    ``calls`` lists every request in the order it was answered; ``sent_messages`` shows the
    bot's messages as they are now (after edits, without deleted ones); ``wait_for_message``
    hands out each message the bot sent once, in order, as it was when sent.
    """

    def __init__(
        self,
        token: str = "123456:TEST",
        bot_username: str = "taskbot_test_bot",
        *,
        bot_name: str = "Taskbot",
        clock: Clock | None = None,
        privacy_mode: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        bot_id = int(token.split(":", 1)[0])
        self.token = token
        self.privacy_mode = privacy_mode
        self.host = host
        self._requested_port = port
        bot_user: JSON = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": not privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.world = World(bot_user, clock)
        self._changed = Pulse()
        self.stats = ApiStats()
        self.methods = BotMethods(self.world, self.stats, self._emit, self._changed.notify)
        self.calls: list[Call] = []
        self.failures: list[tuple[Call, ApiError]] = []
        self._sent = _Outbox()  # snapshots of bot messages as sent, by chat and overall (None)
        self._answered = _Outbox()  # calls, by lower-case method name
        self._injections: list[_Injection] = []
        # go_down / slow_down: a whole outage rather than single failures.
        self._down: _Outage | None = None
        self._delays: dict[str, float] = {}
        self._subscribers: list[asyncio.Queue[BotEvent]] = []
        self._front = HttpFront(token, self._dispatch, self._file_data)
        self._webhook = WebhookPusher(self.world, self.methods.webhook, self._changed.notify)
        self.port = 0

    # -- lifecycle ----------------------------------------------------------------------------------
    async def start(self) -> FakeBotApi:
        """Bind the server (a free port unless one was given) and start pushing to webhooks."""
        self.port = self._front.start(self.host, self._requested_port)
        self.methods.closing = False
        self._webhook.start()
        return self

    async def stop(self) -> None:
        """Answer open long polls, stop the webhook pusher and close the server."""
        self.methods.closing = True
        self.world.updates_changed.notify()
        await self._webhook.stop()
        await self._front.stop()

    async def __aenter__(self) -> FakeBotApi:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        self._require_started()
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        self._require_started()
        return f"http://{self.host}:{self.port}/file/bot"

    def _require_started(self) -> None:
        if not self.port:
            raise RuntimeError("FakeBotApi is not listening yet: await api.start() first")

    # -- serving ------------------------------------------------------------------------------------
    async def _dispatch(self, method: str, params: Params) -> tuple[int, dict[str, Any]]:
        entry = METHODS.get(method.lower())
        call = Call(entry[0] if entry else method, params.decoded())
        self.stats.requests += 1
        self.stats.by_method[call.method] = self.stats.by_method.get(call.method, 0) + 1
        try:
            if entry is None:
                raise ApiError(404, str(NOT_FOUND["description"]))
            delay = self._delays.get(call.method.lower(), self._delays.get("*", 0.0))
            if delay:
                await asyncio.sleep(delay)
            injection = self._outage_for(call) or self._take_injection(call)
            if injection is not None and injection.error is None:
                return DISCONNECT, {}
            if injection is not None and injection.error is not None:
                raise injection.error
            result = await entry[1](self.methods, params)
        except ApiError as error:
            self.stats.errors[error.code] = self.stats.errors.get(error.code, 0) + 1
            self.failures.append((call, error))
            return error.code, error.body()
        finally:
            self.calls.append(call)
            self._answered.add(call, (call.method.lower(),))
            self._changed.notify()
        return 200, {"ok": True, "result": result}

    def _outage_for(self, call: Call) -> _Injection | None:
        down = self._down
        if down is None:
            return None
        if down.until is not None and time.monotonic() >= down.until:
            self._down = None
            return None
        if down.method not in ("*", call.method.lower()):
            return None
        self.stats.outage_failures += 1
        return _Injection(down.method, None, down.error, 1)

    def _take_injection(self, call: Call) -> _Injection | None:
        for injection in self._injections:
            if injection.method not in ("*", call.method.lower()):
                continue
            if injection.chat_id is not None and call.params.get("chat_id") != injection.chat_id:
                continue
            injection.times -= 1
            if injection.times <= 0:
                self._injections.remove(injection)
            return injection
        return None

    def _file_data(self, path: str) -> bytes | None:
        stored = self.world.files_by_path.get(path)
        return stored.data if stored else None

    def _emit(self, event: BotEvent) -> None:
        if event.kind == "message" and event.message is not None:
            self._sent.add(event.message, (None, event.chat_id))
        for queue in self._subscribers:
            queue.put_nowait(event)
        self._changed.notify()

    # -- setting the scene --------------------------------------------------------------------------
    def add_user(
        self,
        user_id: int,
        *,
        first_name: str,
        username: str | None = None,
        last_name: str | None = None,
        language_code: str | None = None,
    ) -> JSON:
        """Make a Telegram user known (users who act unannounced get a made-up first name)."""
        return self.world.add_user(
            user_id,
            first_name=first_name,
            username=username,
            last_name=last_name,
            language_code=language_code,
        )

    def add_chat(
        self,
        chat_id: int,
        *,
        type: str = "supergroup",
        title: str | None = None,
        username: str | None = None,
        first_message_id: int = 1,
    ) -> JSON:
        """Create a chat the bot is a member of: "private" (id = the user's), "group", "supergroup".

        FIRST_MESSAGE_ID is the id its first message gets (a chat that lives on across runs).
        """
        return self.world.add_chat(
            chat_id, type=type, title=title, username=username, first_message_id=first_message_id
        )

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """Set what getChatMember answers for USER_ID in CHAT_ID ("creator", "administrator", …)."""
        if status not in MEMBER_STATUSES:
            raise ValueError(f"status must be one of {MEMBER_STATUSES}")
        self.world.user(user_id)
        state = self.world.chat(chat_id)
        if user_id == self.bot_id:
            state.bot_status = status
        else:
            state.members[user_id] = status

    @property
    def bot_user(self) -> JSON:
        return dict(self.world.bot_user)

    @property
    def bot_id(self) -> int:
        return int(self.world.bot_user["id"])

    # -- what users do ------------------------------------------------------------------------------
    async def user_sends(
        self, chat_id: int, user_id: int, text: str, reply_to_message_id: int | None = None
    ) -> JSON:
        """USER_ID writes TEXT in CHAT_ID (commands get bot_command entities); returns the message."""
        entities = user_entities(text)
        fields: JSON = {"text": text}
        if entities:
            fields["entities"] = entities
        return self._user_message(chat_id, user_id, fields, reply_to_message_id)

    async def user_replies(self, chat_id: int, user_id: int, to_message_id: int, text: str) -> JSON:
        """USER_ID answers message TO_MESSAGE_ID (e.g. a ForceReply prompt) with TEXT."""
        return await self.user_sends(chat_id, user_id, text, reply_to_message_id=to_message_id)

    async def user_edits(self, chat_id: int, user_id: int, message_id: int, text: str) -> JSON:
        """USER_ID edits their message MESSAGE_ID to TEXT; the bot gets an edited_message update."""
        state = self.world.chat(chat_id)
        message = state.messages.get(message_id)
        if message is None or message.get("from", {}).get("id") != user_id or "text" not in message:
            raise AssertionError(f"user {user_id} has no text message {message_id} in chat {chat_id} to edit")
        message["text"] = text
        entities = user_entities(text)
        if entities:
            message["entities"] = entities
        else:
            message.pop("entities", None)
        message["edit_date"] = self.world.now()
        if self._bot_sees(state, message):
            self.world.queue_update("edited_message", message)
        return copy.deepcopy(message)

    async def user_sends_document(
        self,
        chat_id: int,
        user_id: int,
        filename: str,
        data: bytes,
        caption: str | None = None,
        *,
        mime_type: str | None = None,
        declared_size: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> JSON:
        """USER_ID sends a file (as a reply to REPLY_TO_MESSAGE_ID, if given); DECLARED_SIZE fakes a
        big file's size without the bytes."""
        kind = mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        stored = self.world.store_file(filename, data, kind, declared_size)
        return self._media_message(
            chat_id, user_id, {"document": stored.as_document()}, caption, reply_to_message_id
        )

    async def user_sends_photo(
        self,
        chat_id: int,
        user_id: int,
        data: bytes,
        caption: str | None = None,
        *,
        width: int = 1280,
        height: int = 960,
        declared_size: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> JSON:
        """USER_ID sends a photo (as a reply to REPLY_TO_MESSAGE_ID, if given): Telegram's sizes, a
        thumbnail and the full picture (last), the full one DATA (or DECLARED_SIZE bytes)."""
        stored = self.world.store_file("photo.jpg", data, "image/jpeg", declared_size)
        thumb = self.world.store_file("thumb.jpg", data[:1024], "image/jpeg")
        scale = 90 / max(width, height, 1)
        sizes = [
            {
                "file_id": thumb.file_id,
                "file_unique_id": thumb.file_unique_id,
                "width": max(1, round(width * scale)),
                "height": max(1, round(height * scale)),
                "file_size": thumb.file_size,
            },
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": width,
                "height": height,
                "file_size": stored.file_size,
            },
        ]
        return self._media_message(chat_id, user_id, {"photo": sizes}, caption, reply_to_message_id)

    async def user_sends_video(
        self,
        chat_id: int,
        user_id: int,
        filename: str,
        data: bytes,
        caption: str | None = None,
        *,
        duration: int = 10,
        declared_size: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> JSON:
        """USER_ID sends a video (as a reply to REPLY_TO_MESSAGE_ID, if given)."""
        kind = mimetypes.guess_type(filename)[0] or "video/mp4"
        stored = self.world.store_file(filename, data, kind, declared_size)
        video = {**stored.as_document(), "width": 1280, "height": 720, "duration": duration}
        return self._media_message(chat_id, user_id, {"video": video}, caption, reply_to_message_id)

    def _media_message(
        self, chat_id: int, user_id: int, fields: JSON, caption: str | None, reply_to_message_id: int | None
    ) -> JSON:
        if caption:
            fields["caption"] = caption
            entities = user_entities(caption)
            if entities:
                fields["caption_entities"] = entities
        return self._user_message(chat_id, user_id, fields, reply_to_message_id)

    async def user_presses(
        self, chat_id: int, user_id: int, message_id: int, data: str, *, check_button: bool = True
    ) -> str:
        """USER_ID presses the inline button carrying DATA under a bot message; returns the query id."""
        state = self.world.chat(chat_id)
        message = state.messages.get(message_id)
        if message is None or not self.world.is_from_bot(message):
            raise AssertionError(f"chat {chat_id} has no bot message {message_id} to press a button on")
        buttons = [
            b.get("callback_data")
            for row in message.get("reply_markup", {}).get("inline_keyboard", [])
            for b in row
        ]
        if check_button and data not in buttons:
            raise AssertionError(
                f"message {message_id} has no button with callback_data {data!r}; it has {buttons}"
            )
        query_id = self.world.new_callback_query_id()
        query: JSON = {
            "id": query_id,
            "from": self.world.user(user_id),
            "message": copy.deepcopy(message),
            "chat_instance": str(abs(chat_id) * 7919 % 10**12 + 10**12),
            "data": data,
        }
        self.world.callback_queries[query_id] = query
        self.world.queue_update("callback_query", query)
        return query_id

    def _user_message(self, chat_id: int, user_id: int, fields: JSON, reply_to: int | None) -> JSON:
        state = self.world.chat(chat_id)
        sender = self.world.user(user_id)
        if reply_to is not None and reply_to not in state.messages:
            raise AssertionError(f"chat {chat_id} has no message {reply_to} to reply to")
        if state.is_group and state.members.get(user_id) in (None, "left"):
            state.members[user_id] = "member"
        if state.type == "private":
            self.world.blocked_by.discard(user_id)  # writing to a bot one blocked unblocks it
        message = self.world.new_message(state, sender, fields, reply_to)
        if self._bot_sees(state, message):
            self.world.queue_update("message", message)
        return copy.deepcopy(message)

    def _bot_sees(self, state: ChatState, message: JSON) -> bool:
        """Whether Telegram hands this message to the bot (membership, then privacy mode)."""
        if state.bot_status in ("left", "kicked") or state.migrated_to is not None:
            return False
        if not (state.is_group and self.privacy_mode) or state.bot_status in ("administrator", "creator"):
            return True
        username = str(self.world.bot_user["username"]).lower()
        text = str(message.get("text") or message.get("caption") or "")
        command = command_target(text)
        if command is not None:
            return command[1] is None or command[1].lower() == username
        reply = message.get("reply_to_message")
        if reply is not None and self.world.is_from_bot(reply):
            return True
        return f"@{username}" in text.lower()

    # -- what goes wrong ----------------------------------------------------------------------------
    def fail_next(
        self,
        method: str,
        error_code: int = 429,
        description: str | None = None,
        retry_after: int | None = None,
        chat_id: int | None = None,
        times: int = 1,
        *,
        migrate_to_chat_id: int | None = None,
        disconnect: bool = False,
    ) -> None:
        """Make the next TIMES calls of METHOD ("*" for any; only to CHAT_ID if given) fail.

        Without a description, Telegram's usual wording for ERROR_CODE is used; a 429 carries
        ``retry_after`` (3 unless given). ``disconnect`` drops the connection instead of answering.
        """
        error = None if disconnect else injected(error_code, description, retry_after, migrate_to_chat_id)
        self._injections.append(_Injection(method.lower(), chat_id, error, times))

    def go_down(
        self, *, error_code: int | None = None, seconds: float | None = None, method: str = "*"
    ) -> None:
        """Fail every call of METHOD ("*": all) until ``go_up`` or for SECONDS of real time.

        Without ERROR_CODE the connection is dropped unanswered (a network outage); with one
        (502, 500 …) the server answers that error.
        """
        error = None if error_code is None else injected(error_code, None, None, None)
        until = None if seconds is None else time.monotonic() + seconds
        self._down = _Outage(method.lower(), error, until)

    def go_up(self) -> None:
        """End the outage ``go_down`` began."""
        self._down = None

    @property
    def down(self) -> bool:
        return self._down is not None and (self._down.until is None or time.monotonic() < self._down.until)

    def slow_down(self, seconds: float, method: str = "sendMessage") -> None:
        """Answer every call of METHOD ("*": all) SECONDS later (0 makes it fast again)."""
        self._delays[method.lower()] = seconds

    def enforce_limits(
        self, per_second: int = 30, per_chat_per_minute: int = 20, *, clock: Seconds | None = None
    ) -> FloodLimits:
        """Answer sends beyond Telegram's flood limits with 429 and a truthful retry_after."""
        self.methods.limits = FloodLimits(per_second, per_chat_per_minute, clock)
        return self.methods.limits

    def kick_bot(self, chat_id: int, by_user_id: int | None = None) -> None:
        """Remove the bot from a group: later sends get 403, and the bot gets a my_chat_member update."""
        state = self.world.chat(chat_id)
        if not state.is_group:
            raise ValueError("kick_bot is for groups; use block_bot(user_id) for a private chat")
        old, state.bot_status = state.bot_status, "kicked"
        actor = self.world.user(by_user_id) if by_user_id else self._some_admin(state)
        self.world.queue_update("my_chat_member", self.methods.my_chat_member(state, actor, old, "kicked"))

    def restore_bot(self, chat_id: int, by_user_id: int | None = None) -> None:
        """Add the bot back to a group it was kicked from or left."""
        state = self.world.chat(chat_id)
        old, state.bot_status = state.bot_status, "member"
        actor = self.world.user(by_user_id) if by_user_id else self._some_admin(state)
        self.world.queue_update("my_chat_member", self.methods.my_chat_member(state, actor, old, "member"))

    def block_bot(self, user_id: int) -> None:
        """USER_ID blocks the bot: sends to their private chat get 403 until they write again."""
        state = self.world.chat(user_id)
        self.world.blocked_by.add(user_id)
        user = self.world.user(user_id)
        self.world.queue_update(
            "my_chat_member", self.methods.my_chat_member(state, user, "member", "kicked")
        )

    def migrate_chat(self, old_id: int, new_id: int) -> JSON:
        """Upgrade group OLD_ID to supergroup NEW_ID, with the service messages Telegram sends."""
        old = self.world.chat(old_id)
        new_info = self.world.add_chat(new_id, type="supergroup", title=old.info.get("title"))
        new = self.world.chats[new_id]
        new.members = dict(old.members)
        new.bot_status = old.bot_status
        actor = self._some_admin(old)
        note_in_old = self.world.new_message(old, actor, {"migrate_to_chat_id": new_id})
        old.migrated_to = new_id
        note_in_new = self.world.new_message(new, actor, {"migrate_from_chat_id": old_id})
        self.world.queue_update("message", note_in_old)
        self.world.queue_update("message", note_in_new)
        return new_info

    def _some_admin(self, state: ChatState) -> JSON:
        for user_id, status in state.members.items():
            if status in ("creator", "administrator"):
                return self.world.user(user_id)
        for user_id in state.members:
            return self.world.user(user_id)
        return self.world.user(777000)  # Telegram's service account

    # -- what the bot did ---------------------------------------------------------------------------
    def sent_messages(self, chat_id: int) -> list[JSON]:
        """The bot's messages in CHAT_ID as they are now (edits applied, deleted ones gone)."""
        state = self.world.chats.get(chat_id)
        if state is None:
            return []
        return [copy.deepcopy(m) for _, m in sorted(state.messages.items()) if self.world.is_from_bot(m)]

    @property
    def callback_answers(self) -> dict[str, dict[str, Any]]:
        """answerCallbackQuery parameters by callback query id."""
        return self.methods.callback_answers

    @property
    def pending_updates(self) -> list[JSON]:
        """Updates queued for the bot and not yet confirmed."""
        return copy.deepcopy(self.world.updates)

    def commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        """The command list setMyCommands stored for SCOPE and LANGUAGE_CODE."""
        import json

        key = (json.dumps(scope or {"type": "default"}, sort_keys=True), language_code)
        return copy.deepcopy(self.methods.commands.get(key, []))

    def file_bytes(self, file_id: str) -> bytes:
        """The content of a file the bot uploaded or a user sent."""
        return self.world.files[file_id].data

    def webhook_url(self) -> str:
        return self.methods.webhook.url

    def subscribe(self) -> asyncio.Queue[BotEvent]:
        """A queue that receives every BotEvent from now on (what a chat client would show)."""
        queue: asyncio.Queue[BotEvent] = asyncio.Queue()
        self._subscribers.append(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[BotEvent]) -> None:
        if queue in self._subscribers:
            self._subscribers.remove(queue)

    async def wait_until(self, predicate: Callable[[], Any], timeout: float = 5.0, what: str = "") -> Any:
        """Await PREDICATE becoming truthy, re-checked whenever the fake sees a request or an update."""
        result = await self._changed.wait_for(predicate, timeout)
        if not result:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or 'the condition'}")
        return result

    async def wait_until_polling(self, timeout: float = 5.0) -> None:
        """Await a getUpdates long poll parked on the server (the bot is listening)."""
        await self.wait_until(
            lambda: self.methods.polls_waiting > 0, timeout, "the bot to long-poll getUpdates"
        )

    async def wait_for_message(
        self, chat_id: int | None = None, predicate: MessagePredicate | None = None, timeout: float = 5.0
    ) -> JSON:
        """Return the first bot message to CHAT_ID (any chat if None) matching PREDICATE not returned yet."""

        found = await self._changed.wait_for(lambda: self._sent.find(chat_id, predicate), timeout)
        if found is None:
            where = "any chat" if chat_id is None else f"chat {chat_id}"
            raise AssertionError(
                f"no new bot message to {where}{' matching the predicate' if predicate else ''} "
                f"within {timeout}s.\nThe bot sent to {where}:\n{self._describe_messages(chat_id)}"
                f"\nLast calls:\n{self._describe_calls(None)}"
            )
        return copy.deepcopy(self._sent.take(found))

    async def wait_for_call(
        self, method: str, predicate: ParamsPredicate | None = None, timeout: float = 5.0
    ) -> dict[str, Any]:
        """Return the params of the first answered METHOD call matching PREDICATE not returned yet."""
        matches = None if predicate is None else (lambda call: predicate(call.params))
        found = await self._changed.wait_for(lambda: self._answered.find(method.lower(), matches), timeout)
        if found is None:
            raise AssertionError(
                f"no new {method} call{' matching the predicate' if predicate else ''} within {timeout}s.\n"
                f"{method} calls so far:\n{self._describe_calls(method.lower())}\n"
                f"Last calls:\n{self._describe_calls(None)}"
            )
        return copy.deepcopy(self._answered.take(found).params)

    def _describe_messages(self, chat_id: int | None) -> str:
        lines = [
            f"  #{m['message_id']} to {m['chat']['id']}: {_short(_visible(m))}"
            for m in self._sent.items
            if chat_id is None or m["chat"]["id"] == chat_id
        ]
        return "\n".join(lines) or "  (nothing)"

    def _describe_calls(self, method: str | None, last: int = 15) -> str:
        calls = [c for c in self.calls if method is None or c.method.lower() == method]
        shown = [f"  {c.method} {_short(c.params)}" for c in calls if c.method != "getUpdates" or method][
            -last:
        ]
        return "\n".join(shown) or "  (none)"


def _visible(message: JSON) -> Any:
    return message.get("text") or message.get("caption") or message.get("document")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."
