"""Message text as Telegram sees it: entities for what users type, parse_mode for what bots send.

Offsets and lengths are in UTF-16 code units, as in the Bot API.
"""

from __future__ import annotations

import html
import re
from typing import Any

from taskbot.localapi.errors import ApiError, bad_request

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024

_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{5,32}")
_URL = re.compile(r"https?://[^\s<>\"]+")


def utf16_len(text: str) -> int:
    """Length of TEXT in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _entity(kind: str, text: str, start: int, end: int, **extra: Any) -> dict[str, Any]:
    offset = utf16_len(text[:start])
    return {"type": kind, "offset": offset, "length": utf16_len(text[start:end]), **extra}


def user_entities(text: str) -> list[dict[str, Any]]:
    """Entities a Telegram client attaches to TEXT: bot commands, @mentions and links."""
    found: list[tuple[int, dict[str, Any]]] = []
    for kind, pattern in (("bot_command", _COMMAND), ("mention", _MENTION), ("url", _URL)):
        for match in pattern.finditer(text):
            found.append((match.start(), _entity(kind, text, match.start(), match.end())))
    found.sort(key=lambda item: item[0])
    return [entity for _, entity in found]


def command_target(text: str) -> tuple[str, str | None] | None:
    """Return (command, @botname or None) when TEXT starts with a bot command."""
    match = _COMMAND.match(text)
    if not match:
        return None
    command, _, target = match.group(0)[1:].partition("@")
    return command, target or None


# Tag names Telegram's HTML parse mode understands, and the entity each one makes.
_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))*)\s*(/?)>"
)
_ATTR = re.compile(r"([a-zA-Z-]+)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)")
_CHARREF = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


def _cannot_parse(reason: str, text: str, position: int) -> ApiError:
    byte_offset = len(text[:position].encode("utf-8"))
    return bad_request(f"can't parse entities: {reason} at byte offset {byte_offset}")


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Strip Telegram HTML from SOURCE into plain text and entities, rejecting what Telegram rejects."""
    out: list[str] = []
    out_len = 0  # UTF-16 units written so far
    open_tags: list[tuple[str, int, dict[str, Any]]] = []
    entities: list[dict[str, Any]] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char == "<":
            match = _TAG.match(source, i)
            if not match:
                raise _cannot_parse("unclosed start tag or unescaped '<'", source, i)
            closing, name, attrs, _ = match.groups()
            name = name.lower()
            if name not in _HTML_TAGS:
                raise _cannot_parse(f'Unsupported start tag "{name}"', source, i)
            if closing:
                if not open_tags or open_tags[-1][0] != name:
                    raise _cannot_parse(f'Unmatched end tag "{name}"', source, i)
                _, start, extra = open_tags.pop()
                if out_len > start:
                    entities.append(
                        {"type": _HTML_TAGS[name], "offset": start, "length": out_len - start, **extra}
                    )
            else:
                open_tags.append((name, out_len, _tag_extra(name, attrs, source, i)))
            i = match.end()
            continue
        if char == "&":
            match = _CHARREF.match(source, i)
            if match:
                char = html.unescape(match.group(0))
                i = match.end()
            else:
                i += 1
        else:
            i += 1
        out.append(char)
        out_len += utf16_len(char)
    if open_tags:
        raise _cannot_parse(f'Can\'t find end tag corresponding to start tag "{open_tags[-1][0]}"', source, i)
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _tag_extra(name: str, attrs: str, source: str, position: int) -> dict[str, Any]:
    values = {key.lower(): value.strip("\"'") for key, value in _ATTR.findall(attrs or "")}
    if name == "a":
        if "href" not in values:
            raise _cannot_parse('Tag "a" must have attribute "href"', source, position)
        return {"url": html.unescape(values["href"])}
    if name == "span" and values.get("class") != "tg-spoiler":
        raise _cannot_parse('Tag "span" must have class "tg-spoiler"', source, position)
    if name == "pre" and "language" in values:
        return {"language": values["language"]}
    return {}


_MARKDOWN_V2_RESERVED = set("_*[]()~`>#+-=|{}.!")


def check_markdown_v2(source: str) -> None:
    """Reject unescaped reserved characters outside formatting, as Telegram does for MarkdownV2."""
    i = 0
    while i < len(source):
        char = source[i]
        if char == "\\":
            i += 2
            continue
        if char in "*_~|`[]()":
            i += 1  # formatting characters: accepted here without checking that they pair up
            continue
        if char in _MARKDOWN_V2_RESERVED:
            raise _cannot_parse(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'", source, i
            )
        i += 1


def render_outgoing(
    text: str, parse_mode: str | None, entities: Any = None
) -> tuple[str, list[dict[str, Any]]]:
    """Return the text and entities Telegram stores for a bot's message, or raise its 400."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        plain, found = parse_html(text)
    elif mode == "markdownv2":
        check_markdown_v2(text)
        plain, found = text, []
    elif mode in ("", "markdown"):
        plain, found = text, list(entities or [])
    else:
        raise bad_request(f"unsupported parse_mode {parse_mode!r}")
    return plain, found


def check_text(text: str, *, caption: bool = False) -> None:
    """Raise Telegram's 400 for an empty or too long message text or caption."""
    limit = MAX_CAPTION_LENGTH if caption else MAX_TEXT_LENGTH
    if not caption and not text.strip():
        raise bad_request("message text is empty")
    if utf16_len(text) > limit:
        raise bad_request("message caption is too long" if caption else "message is too long")
