"""What the fake server knows: users, chats, messages, files and the queue of updates for the bot."""

from __future__ import annotations

import asyncio
import copy
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from taskbot.clock import Clock, system_clock
from taskbot.localapi.errors import bad_request, chat_migrated, forbidden

JSON = dict[str, Any]

GROUP_TYPES = ("group", "supergroup")
CHAT_TYPES = ("private", *GROUP_TYPES, "channel")
MEMBER_STATUSES = ("creator", "administrator", "member", "restricted", "left", "kicked")
# Telegram's default when a bot never set allowed_updates: everything but these three.
NOT_SENT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class Pulse:
    """Wakes every waiter when something changed; waiters re-check their own condition."""

    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[None]] = set()

    def notify(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()

    async def wait_for(self, predicate: Callable[[], Any], timeout: float) -> Any:
        """Return PREDICATE's first truthy result, or its last falsy one after TIMEOUT seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            remaining = deadline - loop.time()
            if result or remaining <= 0:
                return result
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiters.add(waiter)
            try:
                await asyncio.wait({waiter}, timeout=remaining)
            finally:
                self._waiters.discard(waiter)


@dataclass
class StoredFile:
    """A document someone sent; the bot can fetch it with getFile and download it."""

    file_id: str
    file_unique_id: str
    file_name: str
    mime_type: str
    data: bytes
    file_size: int
    file_path: str

    def as_document(self) -> JSON:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_name": self.file_name,
            "mime_type": self.mime_type,
            "file_size": self.file_size,
        }


@dataclass
class ChatState:
    """One chat: its public description, its messages and who is in it."""

    info: JSON
    messages: dict[int, JSON] = field(default_factory=dict)
    next_message_id: int = 1
    bot_status: str = "member"
    migrated_to: int | None = None
    members: dict[int, str] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return int(self.info["id"])

    @property
    def type(self) -> str:
        return str(self.info["type"])

    @property
    def is_group(self) -> bool:
        return self.type in GROUP_TYPES


class World:
    """Users, chats, messages, files and pending updates, with Telegram's rules for reaching a chat."""

    def __init__(self, bot_user: JSON, clock: Clock | None = None) -> None:
        self.bot_user = bot_user
        self.clock: Clock = clock or system_clock
        self.users: dict[int, JSON] = {bot_user["id"]: bot_user}
        self.chats: dict[int, ChatState] = {}
        self.blocked_by: set[int] = set()
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.updates: list[JSON] = []
        self.updates_changed = Pulse()
        self.allowed_updates: frozenset[str] | None = None
        self.callback_queries: dict[str, JSON] = {}
        self._update_ids = itertools.count(100_000_001)
        self._file_numbers = itertools.count(1)
        self._query_numbers = itertools.count(4_000_000_000_001)

    # -- people and chats ---------------------------------------------------------------------------
    def now(self) -> int:
        return int(self.clock().timestamp())

    def add_user(
        self,
        user_id: int,
        *,
        first_name: str,
        username: str | None = None,
        last_name: str | None = None,
        language_code: str | None = None,
        is_bot: bool = False,
    ) -> JSON:
        user: JSON = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self.users[user_id] = user
        return user

    def user(self, user_id: int) -> JSON:
        """The user USER_ID, made up on first use so tests need not declare everyone."""
        if user_id not in self.users:
            self.add_user(user_id, first_name=f"user{user_id}")
        return self.users[user_id]

    def add_chat(
        self,
        chat_id: int,
        *,
        type: str,
        title: str | None = None,
        username: str | None = None,
        first_message_id: int = 1,
    ) -> JSON:
        if type not in CHAT_TYPES:
            raise ValueError(f"chat type must be one of {CHAT_TYPES}, not {type!r}")
        if type == "private":
            user = self.user(chat_id)
            info: JSON = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
            for key in ("last_name", "username"):
                if key in user:
                    info[key] = user[key]
            if username:
                info["username"] = username
        else:
            if chat_id >= 0:
                raise ValueError("group, supergroup and channel ids are negative")
            info = {"id": chat_id, "type": type, "title": title or f"chat {chat_id}"}
            if username:
                info["username"] = username
        self.chats[chat_id] = ChatState(info=info, next_message_id=max(1, first_message_id))
        return info

    def chat(self, chat_id: int) -> ChatState:
        """The chat a test refers to; a private chat is opened the first time its user writes."""
        if chat_id not in self.chats:
            if chat_id > 0:
                self.add_chat(chat_id, type="private")
            else:
                raise KeyError(f"no chat {chat_id}: call add_chat({chat_id}, type=..., title=...) first")
        return self.chats[chat_id]

    def resolve_chat_id(self, raw: Any) -> int:
        """Turn a chat_id parameter (an int or '@username') into a chat id, or raise chat not found."""
        if isinstance(raw, str) and raw.startswith("@"):
            for state in self.chats.values():
                if state.info.get("username", "").lower() == raw[1:].lower():
                    return state.id
            raise bad_request("chat not found")
        try:
            return int(raw)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None

    def reachable_chat(self, raw_chat_id: Any) -> ChatState:
        """The chat the bot wants to write to, or the error Telegram answers for it."""
        chat_id = self.resolve_chat_id(raw_chat_id)
        state = self.chats.get(chat_id)
        if state is None:
            if chat_id in self.users and chat_id > 0:
                raise forbidden("bot can't initiate conversation with a user")
            raise bad_request("chat not found")
        if state.migrated_to is not None:
            raise chat_migrated(state.migrated_to)
        kind = "supergroup chat" if state.type == "supergroup" else f"{state.type} chat"
        if state.bot_status == "kicked":
            raise forbidden(f"bot was kicked from the {kind}")
        if state.bot_status == "left":
            raise forbidden(f"bot is not a member of the {kind}")
        if state.type == "private" and chat_id in self.blocked_by:
            raise forbidden("bot was blocked by the user")
        return state

    def member_status(self, state: ChatState, user_id: int) -> str:
        if user_id == self.bot_user["id"]:
            return state.bot_status
        if state.type == "private":
            return "member" if user_id == state.id else "left"
        return state.members.get(user_id, "left")

    # -- messages -----------------------------------------------------------------------------------
    def new_message(self, state: ChatState, sender: JSON, fields: JSON, reply_to: int | None = None) -> JSON:
        """Store a message in STATE from SENDER with FIELDS (text, entities, document, …)."""
        message: JSON = {
            "message_id": state.next_message_id,
            "from": sender,
            "chat": dict(state.info),
            "date": self.now(),
        }
        state.next_message_id += 1
        if reply_to is not None:
            message["reply_to_message"] = self.quoted(state, reply_to)
        message.update(fields)
        state.messages[message["message_id"]] = message
        return message

    def quoted(self, state: ChatState, message_id: int) -> JSON:
        """A message as it appears inside reply_to_message (without its own reply)."""
        original = state.messages[message_id]
        return {key: value for key, value in copy.deepcopy(original).items() if key != "reply_to_message"}

    def is_from_bot(self, message: JSON) -> bool:
        return bool(message.get("from", {}).get("id") == self.bot_user["id"])

    # -- files --------------------------------------------------------------------------------------
    def store_file(
        self, file_name: str, data: bytes, mime_type: str, declared_size: int | None = None
    ) -> StoredFile:
        number = next(self._file_numbers)
        extension = file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"
        stored = StoredFile(
            file_id=f"BQACAgUAAxkBAAI{number:08d}",
            file_unique_id=f"AgAD{number:06d}",
            file_name=file_name,
            mime_type=mime_type,
            data=data,
            file_size=len(data) if declared_size is None else declared_size,
            file_path=f"documents/file_{number}.{extension}",
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored

    # -- updates ------------------------------------------------------------------------------------
    def queue_update(self, kind: str, payload: JSON) -> JSON | None:
        """Queue an update for the bot, unless its allowed_updates leave this kind out."""
        allowed = self.allowed_updates
        if (allowed is None and kind in NOT_SENT_BY_DEFAULT) or (allowed is not None and kind not in allowed):
            return None
        update: JSON = {"update_id": next(self._update_ids), kind: copy.deepcopy(payload)}
        self.updates.append(update)
        self.updates_changed.notify()
        return update

    def confirm_updates(self, offset: int) -> None:
        """Forget updates the bot confirmed: below OFFSET, or all but the last -OFFSET ones."""
        if offset < 0:
            del self.updates[: max(0, len(self.updates) + offset)]
        else:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]

    def set_allowed_updates(self, kinds: list[str] | None) -> None:
        if kinds is None:
            return
        self.allowed_updates = frozenset(kinds) if kinds else None

    def new_callback_query_id(self) -> str:
        return str(next(self._query_numbers))


def chat_member(user: JSON, status: str) -> JSON:
    """A ChatMember object with the fields PTB requires for STATUS."""
    member: JSON = {"user": user, "status": status}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(
            {
                "can_be_edited": False,
                "is_anonymous": False,
                "can_manage_chat": True,
                "can_delete_messages": True,
                "can_manage_video_chats": True,
                "can_restrict_members": True,
                "can_promote_members": False,
                "can_change_info": True,
                "can_invite_users": True,
                "can_post_stories": False,
                "can_edit_stories": False,
                "can_delete_stories": False,
                "can_pin_messages": True,
            }
        )
    elif status == "restricted":
        member.update(
            {"is_member": True, "until_date": 0, "can_edit_tag": False}
            | dict.fromkeys(
                (
                    "can_change_info",
                    "can_invite_users",
                    "can_pin_messages",
                    "can_send_messages",
                    "can_send_polls",
                    "can_send_other_messages",
                    "can_add_web_page_previews",
                    "can_manage_topics",
                    "can_send_audios",
                    "can_send_documents",
                    "can_send_photos",
                    "can_send_videos",
                    "can_send_video_notes",
                    "can_send_voice_notes",
                ),
                False,
            )
        )
    elif status == "kicked":
        member["until_date"] = 0
    return member
