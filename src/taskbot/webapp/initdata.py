"""Verify a Telegram Mini App's ``initData`` exactly as Telegram specifies (pure: no I/O, no clock).

``initData`` is a URL-encoded query string (``query_id``, ``user`` as JSON, ``auth_date``, ``hash``,
…). It is genuine when

    secret_key = HMAC_SHA256(key="WebAppData", msg=bot_token)
    hash       = hex(HMAC_SHA256(key=secret_key, msg=data_check_string))

where ``data_check_string`` is every field but ``hash``, as ``key=value`` (value URL-decoded), sorted
by key and joined with ``\\n``. It is fresh when ``auth_date`` is at most ``max_age`` seconds old.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

# A client clock slightly ahead of ours is tolerated; further in the future is not.
FUTURE_SKEW_SECONDS = 60
MAX_LENGTH = 8192


class InitDataError(ValueError):
    """initData that must not be trusted; ``reason`` says why (for the log, never for the client)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class WebAppUser:
    """The Telegram user who opened the Mini App, as initData tells."""

    id: int
    first_name: str = ""
    last_name: str = ""
    username: str | None = None
    language_code: str | None = None

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


def secret_key(bot_token: str) -> bytes:
    """The key of the Mini App signatures: HMAC-SHA256 of the bot token keyed by "WebAppData"."""
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def data_check_string(fields: Mapping[str, str]) -> str:
    """Every field but ``hash``, as sorted ``key=value`` lines."""
    return "\n".join(f"{k}={fields[k]}" for k in sorted(fields) if k != "hash")


def signature(fields: Mapping[str, str], bot_token: str) -> str:
    """The hex ``hash`` Telegram puts in initData with FIELDS."""
    return hmac.new(secret_key(bot_token), data_check_string(fields).encode(), hashlib.sha256).hexdigest()


def sign_init_data(fields: Mapping[str, str], bot_token: str) -> str:
    """initData as Telegram would send it with FIELDS (for tests, the benchmark and screenshots)."""
    return urlencode({**fields, "hash": signature(fields, bot_token)})


def verify_init_data(raw: str, bot_token: str, *, now: float, max_age: int) -> WebAppUser:
    """The user of RAW initData signed for BOT_TOKEN, at most MAX_AGE seconds old at NOW (epoch
    seconds); InitDataError otherwise."""
    if not raw or len(raw) > MAX_LENGTH:
        raise InitDataError("missing" if not raw else "too_long")
    try:
        pairs = parse_qsl(raw, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise InitDataError("malformed") from None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InitDataError("duplicate_field")
    given = fields.get("hash", "")
    if not given:
        raise InitDataError("no_hash")
    if not hmac.compare_digest(signature(fields, bot_token), given.lower()):
        raise InitDataError("bad_hash")
    try:
        auth_date = int(fields.get("auth_date", ""))
    except ValueError:
        raise InitDataError("no_auth_date") from None
    if now - auth_date > max_age:
        raise InitDataError("expired")
    if auth_date - now > FUTURE_SKEW_SECONDS:
        raise InitDataError("from_the_future")
    return _user(fields.get("user", ""))


def _user(raw: str) -> WebAppUser:
    try:
        data = json.loads(raw)
        user_id = int(data["id"])
    except (ValueError, TypeError, KeyError):
        raise InitDataError("no_user") from None
    if not isinstance(data, dict):
        raise InitDataError("no_user")

    def text(key: str) -> str:
        value = data.get(key)
        return value if isinstance(value, str) else ""

    return WebAppUser(
        id=user_id,
        first_name=text("first_name"),
        last_name=text("last_name"),
        username=text("username") or None,
        language_code=text("language_code") or None,
    )
