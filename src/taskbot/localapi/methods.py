"""The Bot API methods the fake answers, with Telegram's checks and error wording."""

from __future__ import annotations

import copy
import json
import mimetypes
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from taskbot.localapi.errors import ApiError, bad_request, too_many_requests
from taskbot.localapi.formatting import check_text, render_outgoing
from taskbot.localapi.limits import FloodLimits
from taskbot.localapi.params import Params, Upload
from taskbot.localapi.state import JSON, MEMBER_STATUSES, ChatState, World, chat_member

MAX_DOWNLOAD_SIZE = 20 * 1024 * 1024
MAX_UPLOAD_SIZE = 50 * 1024 * 1024
# sendPhoto: at most 10 MB, width + height at most 10000, sides at most 20:1.
MAX_PHOTO_SIZE = 10 * 1024 * 1024
MAX_PHOTO_SIDES = 10000
MAX_PHOTO_RATIO = 20
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)
BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


@dataclass
class BotEvent:
    """Something the bot did that a person in the chat would see."""

    kind: str  # "message", "edit", "delete", "answer", "action"
    chat_id: int | None
    message: JSON | None
    params: dict[str, Any]


@dataclass
class WebhookSettings:
    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class ApiStats:
    """Counters for benchmarks: requests, errors by code, messages delivered per chat."""

    requests: int = 0
    by_method: dict[str, int] = field(default_factory=dict)
    errors: dict[int, int] = field(default_factory=dict)
    delivered: dict[int, int] = field(default_factory=dict)
    outage_failures: int = 0  # calls failed by go_down
    first_delivery: float | None = None
    last_delivery: float | None = None

    @property
    def too_many_requests(self) -> int:
        return self.errors.get(429, 0)

    @property
    def messages_delivered(self) -> int:
        return sum(self.delivered.values())


Method = Callable[["BotMethods", Params], Awaitable[Any]]
METHODS: dict[str, tuple[str, Method]] = {}


def api_method(name: str) -> Callable[[Method], Method]:
    """Register a Bot API method under its Telegram name (looked up case-insensitively)."""

    def register(function: Method) -> Method:
        METHODS[name.lower()] = (name, function)
        return function

    return register


class BotMethods:
    """Implements each method against the WORLD; the facade records calls and injects failures."""

    def __init__(
        self, world: World, stats: ApiStats, emit: Callable[[BotEvent], None], on_change: Callable[[], None]
    ) -> None:
        self.world = world
        self.stats = stats
        self.emit = emit
        self.on_change = on_change
        self.polls_waiting = 0
        self.limits: FloodLimits | None = None
        self.webhook = WebhookSettings()
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        # Private chat id (None: the default for every chat) → its menu button.
        self.menu_buttons: dict[int | None, JSON] = {}
        self.profile: dict[tuple[str, str], str] = {}
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.closing = False
        self._poll_generation = 0

    # -- helpers ------------------------------------------------------------------------------------
    def _admit(self, state: ChatState) -> None:
        if self.limits is None:
            return
        retry_after = self.limits.admit(state.id, is_group=state.is_group)
        if retry_after is not None:
            raise too_many_requests(retry_after)

    def _deliver(self, state: ChatState, message: JSON, params: Params) -> JSON:
        self.stats.delivered[state.id] = self.stats.delivered.get(state.id, 0) + 1
        now = self.limits.clock() if self.limits else time.monotonic()
        if self.stats.first_delivery is None:
            self.stats.first_delivery = now
        self.stats.last_delivery = now
        self.emit(BotEvent("message", state.id, copy.deepcopy(message), params.decoded()))
        return message

    def _reply_target(self, state: ChatState, params: Params) -> int | None:
        reply = params.get_json("reply_parameters") or {}
        message_id = reply.get("message_id", params.get_int("reply_to_message_id"))
        if message_id is None:
            return None
        allow_missing = reply.get(
            "allow_sending_without_reply", params.get_bool("allow_sending_without_reply")
        )
        if "chat_id" in reply and self.world.resolve_chat_id(reply["chat_id"]) != state.id:
            raise bad_request("replies to other chats are not supported by the local Bot API")
        if int(message_id) in state.messages:
            return int(message_id)
        if allow_missing:
            return None
        raise bad_request("message to be replied not found")

    def _markup(self, params: Params) -> JSON | None:
        """Validate reply_markup; return it when Telegram shows it on the message (inline keyboards)."""
        markup = params.get_json("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise bad_request(
                    'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
                )
            for row in rows:
                for button in row:
                    _check_button(button)
            return markup
        if not any(key in markup for key in ("keyboard", "remove_keyboard", "force_reply")):
            raise bad_request("can't parse reply keyboard markup JSON object")
        return None

    def _edit_target(self, params: Params) -> tuple[ChatState, JSON]:
        if params.has("inline_message_id"):
            raise bad_request("inline messages are not supported by the local Bot API")
        state = self.world.reachable_chat(params.raw.get("chat_id"))
        message = state.messages.get(params.required_int("message_id"))
        if message is None:
            raise bad_request("message to edit not found")
        if not self.world.is_from_bot(message):
            raise bad_request("message can't be edited")
        return state, message

    def _scope_key(self, params: Params) -> tuple[str, str]:
        scope = params.get_json("scope") or {"type": "default"}
        language = params.get_str("language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise bad_request("invalid language code specified")
        if scope.get("type") in ("chat", "chat_administrators", "chat_member"):
            self.world.reachable_chat(scope.get("chat_id"))
        return json.dumps(scope, sort_keys=True), language

    def _file_from(self, params: Params, name: str) -> tuple[str, bytes, str] | JSON:
        """The file a send method carries: a new upload, or an existing file's document by file_id."""
        value = params.raw.get(name)
        upload: Upload | None = params.uploads.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            upload = params.uploads.get(value.removeprefix("attach://"))
        if upload is not None:
            if not upload.body:
                raise bad_request("file must be non-empty")
            if len(upload.body) > MAX_UPLOAD_SIZE:
                raise ApiError(413, "Request Entity Too Large")
            guessed = mimetypes.guess_type(upload.filename)[0]
            return upload.filename, upload.body, guessed or upload.content_type or "application/octet-stream"
        if isinstance(value, str) and value in self.world.files:
            return self.world.files[value].as_document()
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            raise bad_request("failed to get HTTP URL content")
        if not value:
            raise bad_request(f"there is no {name} in the request")
        raise bad_request("wrong file identifier/HTTP URL specified")

    # -- identity and updates -----------------------------------------------------------------------
    @api_method("getMe")
    async def get_me(self, params: Params) -> JSON:
        return dict(self.world.bot_user)

    @api_method("logOut")
    async def log_out(self, params: Params) -> bool:
        return True

    @api_method("close")
    async def close(self, params: Params) -> bool:
        return True

    @api_method("getUpdates")
    async def get_updates(self, params: Params) -> list[JSON]:
        if self.webhook.url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.get_int("offset")
        if offset is not None:
            self.world.confirm_updates(offset)
        limit = min(100, max(1, params.get_int("limit", 100) or 100))
        try:
            timeout = max(0.0, float(params.raw.get("timeout") or 0))
        except ValueError:
            raise bad_request("invalid timeout specified") from None
        self.world.set_allowed_updates(params.get_json("allowed_updates"))
        # A newer getUpdates ends an older one, as on Telegram (two pollers is a bug to surface).
        self._poll_generation += 1
        generation = self._poll_generation
        self.world.updates_changed.notify()
        world = self.world
        self.polls_waiting += 1
        self.on_change()
        try:
            await world.updates_changed.wait_for(
                lambda: world.updates or self.closing or self._poll_generation != generation, timeout
            )
        finally:
            self.polls_waiting -= 1
        if self._poll_generation != generation:
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        return world.updates[:limit]

    @api_method("setWebhook")
    async def set_webhook(self, params: Params) -> bool:
        url = params.get_str("url") or ""
        secret = params.get_str("secret_token")
        if secret is not None and not SECRET_TOKEN.match(secret):
            raise bad_request("secret token contains unallowed characters")
        if url and not url.startswith(("http://", "https://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if params.get_bool("drop_pending_updates"):
            self.world.updates.clear()
        self.world.set_allowed_updates(params.get_json("allowed_updates"))
        self.webhook.url = url
        self.webhook.secret_token = secret
        self.webhook.max_connections = params.get_int("max_connections", 40) or 40
        self.webhook.last_error_date = self.webhook.last_error_message = None
        self.world.updates_changed.notify()
        return True

    @api_method("deleteWebhook")
    async def delete_webhook(self, params: Params) -> bool:
        if params.get_bool("drop_pending_updates"):
            self.world.updates.clear()
        self.webhook.url = ""
        self.webhook.secret_token = None
        return True

    @api_method("getWebhookInfo")
    async def get_webhook_info(self, params: Params) -> JSON:
        info: JSON = {
            "url": self.webhook.url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.world.updates),
        }
        if self.webhook.url:
            info["max_connections"] = self.webhook.max_connections
            if self.world.allowed_updates is not None:
                info["allowed_updates"] = sorted(self.world.allowed_updates)
        if self.webhook.last_error_date is not None:
            info["last_error_date"] = self.webhook.last_error_date
            info["last_error_message"] = self.webhook.last_error_message
        return info

    # -- commands and profile -----------------------------------------------------------------------
    @api_method("setMyCommands")
    async def set_my_commands(self, params: Params) -> bool:
        commands = params.get_json("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("commands must be an array of at most 100 BotCommand")
        for command in commands:
            if not COMMAND_NAME.match(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._scope_key(params)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    @api_method("setChatMenuButton")
    async def set_chat_menu_button(self, params: Params) -> bool:
        chat_id: int | None = None
        if params.has("chat_id"):
            state = self.world.reachable_chat(params.raw.get("chat_id"))
            if state.type != "private":
                raise bad_request("chat is not a private chat")
            chat_id = int(state.info["id"])
        button = params.get_json("menu_button") or {"type": "default"}
        kind = button.get("type") if isinstance(button, dict) else None
        if kind == "web_app":
            url = str((button.get("web_app") or {}).get("url", ""))
            if not str(button.get("text", "")).strip():
                raise bad_request("BUTTON_TEXT_INVALID")
            if not url.startswith("https://"):
                raise bad_request("BUTTON_URL_INVALID")
            button = {"type": "web_app", "text": button["text"], "web_app": {"url": url}}
        elif kind in ("commands", "default"):
            button = {"type": kind}
        else:
            raise bad_request("can't parse menu button JSON object")
        self.menu_buttons[chat_id] = button
        return True

    @api_method("getChatMenuButton")
    async def get_chat_menu_button(self, params: Params) -> JSON:
        chat_id = int(params.raw["chat_id"]) if params.has("chat_id") else None
        return self.menu_buttons.get(chat_id) or self.menu_buttons.get(None) or {"type": "default"}

    @api_method("getMyCommands")
    async def get_my_commands(self, params: Params) -> list[JSON]:
        return self.commands.get(self._scope_key(params), [])

    @api_method("deleteMyCommands")
    async def delete_my_commands(self, params: Params) -> bool:
        self.commands.pop(self._scope_key(params), None)
        return True

    async def _set_profile(self, params: Params, field_name: str, limit: int) -> bool:
        value = params.get_str(field_name) or ""
        if len(value) > limit:
            raise bad_request(f"{field_name} is too long")
        self.profile[(field_name, params.get_str("language_code") or "")] = value
        return True

    def _get_profile(self, params: Params, field_name: str) -> JSON:
        language = params.get_str("language_code") or ""
        value = self.profile.get((field_name, language), self.profile.get((field_name, ""), ""))
        if field_name == "name" and not value:
            value = self.world.bot_user["first_name"]
        return {field_name: value}

    @api_method("setMyDescription")
    async def set_my_description(self, params: Params) -> bool:
        return await self._set_profile(params, "description", 512)

    @api_method("getMyDescription")
    async def get_my_description(self, params: Params) -> JSON:
        return self._get_profile(params, "description")

    @api_method("setMyShortDescription")
    async def set_my_short_description(self, params: Params) -> bool:
        return await self._set_profile(params, "short_description", 120)

    @api_method("getMyShortDescription")
    async def get_my_short_description(self, params: Params) -> JSON:
        return self._get_profile(params, "short_description")

    @api_method("setMyName")
    async def set_my_name(self, params: Params) -> bool:
        return await self._set_profile(params, "name", 64)

    @api_method("getMyName")
    async def get_my_name(self, params: Params) -> JSON:
        return self._get_profile(params, "name")

    # -- sending ------------------------------------------------------------------------------------
    @api_method("sendMessage")
    async def send_message(self, params: Params) -> JSON:
        state = self.world.reachable_chat(params.raw.get("chat_id"))
        text, entities = render_outgoing(
            params.get_str("text") or "", params.get_str("parse_mode"), params.get_json("entities")
        )
        check_text(text)
        markup = self._markup(params)
        reply_to = self._reply_target(state, params)
        self._admit(state)
        fields: JSON = {"text": text}
        if entities:
            fields["entities"] = entities
        if markup is not None:
            fields["reply_markup"] = markup
        message = self.world.new_message(state, self.world.bot_user, fields, reply_to)
        return self._deliver(state, message, params)

    @api_method("sendDocument")
    async def send_document(self, params: Params) -> JSON:
        state = self.world.reachable_chat(params.raw.get("chat_id"))
        document = self._file_from(params, "document")
        fields = self._caption_fields(params)
        reply_to = self._reply_target(state, params)
        self._admit(state)
        if isinstance(document, tuple):
            filename, data, mime_type = document
            document = self.world.store_file(filename, data, mime_type).as_document()
        fields = {"document": document, **fields}
        message = self.world.new_message(state, self.world.bot_user, fields, reply_to)
        return self._deliver(state, message, params)

    @api_method("sendPhoto")
    async def send_photo(self, params: Params) -> JSON:
        """A picture (PNG or JPEG here) with Telegram's limits; the message carries one size, the original."""
        state = self.world.reachable_chat(params.raw.get("chat_id"))
        photo = self._file_from(params, "photo")
        if isinstance(photo, tuple):
            filename, data, _ = photo
            existing = None
        else:
            existing = self.world.files[photo["file_id"]]
            filename, data = existing.file_name, existing.data
        if len(data) > MAX_PHOTO_SIZE:
            raise bad_request("PHOTO_SAVE_FILE_INVALID")
        size = image_size(data)
        if size is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        width, height = size
        if width + height > MAX_PHOTO_SIDES or max(width, height) > MAX_PHOTO_RATIO * min(width, height):
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        fields = self._caption_fields(params)
        reply_to = self._reply_target(state, params)
        self._admit(state)
        mime_type = mimetypes.guess_type(filename)[0] or "image/png"
        stored = existing or self.world.store_file(filename, data, mime_type)
        photo_size = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "width": width,
            "height": height,
            "file_size": stored.file_size,
        }
        fields = {"photo": [photo_size], **fields}
        message = self.world.new_message(state, self.world.bot_user, fields, reply_to)
        return self._deliver(state, message, params)

    def _caption_fields(self, params: Params) -> JSON:
        """The caption, its entities and the keyboard of a send method that carries a file."""
        caption, caption_entities = render_outgoing(
            params.get_str("caption") or "", params.get_str("parse_mode"), params.get_json("caption_entities")
        )
        check_text(caption, caption=True)
        markup = self._markup(params)
        fields: JSON = {}
        if caption:
            fields["caption"] = caption
        if caption_entities:
            fields["caption_entities"] = caption_entities
        if markup is not None:
            fields["reply_markup"] = markup
        return fields

    @api_method("sendChatAction")
    async def send_chat_action(self, params: Params) -> bool:
        state = self.world.reachable_chat(params.raw.get("chat_id"))
        if params.get_str("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self.emit(BotEvent("action", state.id, None, params.decoded()))
        return True

    # -- changing messages --------------------------------------------------------------------------
    @api_method("editMessageText")
    async def edit_message_text(self, params: Params) -> JSON:
        state, message = self._edit_target(params)
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        text, entities = render_outgoing(
            params.get_str("text") or "", params.get_str("parse_mode"), params.get_json("entities")
        )
        check_text(text)
        markup = self._markup(params)
        if (text, entities, markup) == (
            message["text"],
            message.get("entities", []),
            message.get("reply_markup"),
        ):
            raise bad_request(NOT_MODIFIED)
        message["text"] = text
        _set_or_drop(message, "entities", entities or None)
        _set_or_drop(message, "reply_markup", markup)
        message["edit_date"] = self.world.now()
        self.emit(BotEvent("edit", state.id, copy.deepcopy(message), params.decoded()))
        return message

    @api_method("editMessageReplyMarkup")
    async def edit_message_reply_markup(self, params: Params) -> JSON:
        state, message = self._edit_target(params)
        markup = self._markup(params)
        if markup == message.get("reply_markup"):
            raise bad_request(NOT_MODIFIED)
        _set_or_drop(message, "reply_markup", markup)
        message["edit_date"] = self.world.now()
        self.emit(BotEvent("edit", state.id, copy.deepcopy(message), params.decoded()))
        return message

    @api_method("deleteMessage")
    async def delete_message(self, params: Params) -> bool:
        state = self.world.reachable_chat(params.raw.get("chat_id"))
        message_id = params.required_int("message_id")
        message = state.messages.get(message_id)
        if message is None:
            raise bad_request("message to delete not found")
        bot_is_admin = state.bot_status in ("creator", "administrator")
        if state.is_group and not self.world.is_from_bot(message) and not bot_is_admin:
            raise bad_request("message can't be deleted")
        del state.messages[message_id]
        self.emit(BotEvent("delete", state.id, copy.deepcopy(message), params.decoded()))
        return True

    @api_method("answerCallbackQuery")
    async def answer_callback_query(self, params: Params) -> bool:
        query_id = params.get_str("callback_query_id") or ""
        if query_id not in self.world.callback_queries or query_id in self.callback_answers:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        if len(params.get_str("text") or "") > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        answer = params.decoded()
        self.callback_answers[query_id] = answer
        message = self.world.callback_queries[query_id].get("message") or {}
        chat_id = message.get("chat", {}).get("id")
        self.emit(BotEvent("answer", chat_id, None, answer))
        return True

    # -- files --------------------------------------------------------------------------------------
    @api_method("getFile")
    async def get_file(self, params: Params) -> JSON:
        stored = self.world.files.get(params.get_str("file_id") or "")
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.file_size > MAX_DOWNLOAD_SIZE:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
            "file_path": stored.file_path,
        }

    # -- chats and members --------------------------------------------------------------------------
    @api_method("getChat")
    async def get_chat(self, params: Params) -> JSON:
        state = self.world.reachable_chat(params.raw.get("chat_id"))
        info = dict(state.info)
        info.update(
            {
                "accent_color_id": 0,
                "max_reaction_count": 11,
                "accepted_gift_types": {
                    "unlimited_gifts": False,
                    "limited_gifts": False,
                    "unique_gifts": False,
                    "premium_subscription": False,
                    "gifts_from_channels": False,
                },
            }
        )
        return info

    @api_method("getChatMember")
    async def get_chat_member(self, params: Params) -> JSON:
        state = self.world.reachable_chat(params.raw.get("chat_id"))
        user_id = params.required_int("user_id")
        if user_id not in self.world.users:
            raise bad_request("user not found")
        return chat_member(self.world.users[user_id], self.world.member_status(state, user_id))

    @api_method("getChatAdministrators")
    async def get_chat_administrators(self, params: Params) -> list[JSON]:
        state = self.world.reachable_chat(params.raw.get("chat_id"))
        if not state.is_group:
            raise bad_request("there are no administrators in the private chat")
        statuses = dict(state.members)
        statuses[self.world.bot_user["id"]] = state.bot_status
        return [
            chat_member(self.world.users[user_id], status)
            for user_id, status in statuses.items()
            if status in ("creator", "administrator")
        ]

    @api_method("getChatMemberCount")
    async def get_chat_member_count(self, params: Params) -> int:
        state = self.world.reachable_chat(params.raw.get("chat_id"))
        if not state.is_group:
            return 2
        present = [s for s in state.members.values() if s in MEMBER_STATUSES[:4]]
        return len(present) + 1

    @api_method("leaveChat")
    async def leave_chat(self, params: Params) -> bool:
        state = self.world.reachable_chat(params.raw.get("chat_id"))
        if not state.is_group:
            raise bad_request("chat member status can't be changed in private chats")
        old = state.bot_status
        state.bot_status = "left"
        self.world.queue_update(
            "my_chat_member", self.my_chat_member(state, self.world.bot_user, old, "left")
        )
        return True

    def my_chat_member(self, state: ChatState, actor: JSON, old: str, new: str) -> JSON:
        """The my_chat_member update Telegram sends when the bot's status in STATE changes."""
        return {
            "chat": dict(state.info),
            "from": actor,
            "date": self.world.now(),
            "old_chat_member": chat_member(self.world.bot_user, old),
            "new_chat_member": chat_member(self.world.bot_user, new),
        }


def _check_button(button: Any) -> None:
    if not isinstance(button, dict) or not str(button.get("text", "")).strip():
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    actions = [key for key in BUTTON_ACTIONS if key in button]
    if len(actions) != 1:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button and not 1 <= len(str(button["callback_data"]).encode("utf-8")) <= 64:
        raise bad_request("BUTTON_DATA_INVALID")


def _set_or_drop(message: JSON, key: str, value: Any) -> None:
    if value is None:
        message.pop(key, None)
    else:
        message[key] = value


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG or JPEG image (None for anything else)."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:2] != b"\xff\xd8":
        return None
    at = 2
    while at + 9 < len(data) and data[at] == 0xFF:
        marker = data[at + 1]
        length = int.from_bytes(data[at + 2 : at + 4], "big")
        # SOF0..SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) are not frames.
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            return int.from_bytes(data[at + 7 : at + 9], "big"), int.from_bytes(data[at + 5 : at + 7], "big")
        at += 2 + length
    return None
