"""Request parameters as the Bot API reads them, whether they came as JSON, a form or multipart.

Form and multipart fields carry JSON for everything but plain strings (python-telegram-bot encodes
ints, bools, dicts and lists as JSON and sends strings raw), so values are decoded per parameter.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from taskbot.localapi.errors import bad_request

# Parameters whose values are strings even when they look like numbers or JSON.
STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "data",
        "url",
        "secret_token",
        "file_id",
        "title",
        "description",
        "short_description",
        "name",
        "language_code",
        "action",
        "ip_address",
        "emoji",
        "query",
    }
)


@dataclass
class Upload:
    """A file the bot uploaded in a multipart request."""

    filename: str
    content_type: str
    body: bytes


@dataclass
class Params:
    """The parameters of one call; RAW keeps form strings undecoded until a method asks for a type."""

    raw: dict[str, Any]
    uploads: dict[str, Upload] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return self.raw.get(name) is not None

    def get_str(self, name: str, default: str | None = None) -> str | None:
        value = self.raw.get(name)
        if value is None:
            return default
        return value if isinstance(value, str) else json.dumps(value)

    def get_int(self, name: str, default: int | None = None) -> int | None:
        value = self.raw.get(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def get_bool(self, name: str, default: bool = False) -> bool:
        value = self.raw.get(name)
        if value is None:
            return default
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def get_json(self, name: str) -> Any:
        value = self.raw.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value

    def required_int(self, name: str) -> int:
        value = self.get_int(name)
        if value is None:
            raise bad_request(f"{name} is empty")
        return value

    def decoded(self) -> dict[str, Any]:
        """All parameters with JSON values decoded, for recording what the bot sent."""
        result: dict[str, Any] = {}
        for name, value in self.raw.items():
            result[name] = value if name in STRING_PARAMS else _maybe_json(value)
        for name, upload in self.uploads.items():
            result[name] = {
                "file_name": upload.filename,
                "mime_type": upload.content_type,
                "size": len(upload.body),
            }
        return result


def _maybe_json(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value
