"""Entities for what users type and Telegram's HTML parse mode, as tables."""

from __future__ import annotations

import pytest

from taskbot.localapi.errors import ApiError
from taskbot.localapi.formatting import command_target, parse_html, user_entities, utf16_len


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/done 3", [("bot_command", 0, 5)]),
        ("/done@taskbot_bot 3", [("bot_command", 0, 17)]),
        ("请 /status 3", [("bot_command", 2, 7)]),
        ("a/b 不是命令", []),
        ("找 @zhangsan 看看", [("mention", 2, 9)]),
        ("见 https://example.org/x?a=1 。", [("url", 2, 25)]),
        ("😀/done", [("bot_command", 2, 5)]),  # not after a letter, digit or slash; an emoji is none
        ("😀 /done", [("bot_command", 3, 5)]),
    ],
)
def test_user_entities(text: str, expected: list[tuple[str, int, int]]) -> None:
    assert [(e["type"], e["offset"], e["length"]) for e in user_entities(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/done 3", ("done", None)),
        ("/done@Taskbot_Bot 3", ("done", "Taskbot_Bot")),
        ("done", None),
        (" /done", None),
    ],
)
def test_command_target(text: str, expected: tuple[str, str | None] | None) -> None:
    assert command_target(text) == expected


@pytest.mark.parametrize(
    ("source", "text", "entities"),
    [
        ("<b>粗</b>体", "粗体", [("bold", 0, 1, {})]),
        ("<i>a<u>b</u></i>", "ab", [("italic", 0, 2, {}), ("underline", 1, 1, {})]),
        (
            '<a href="https://t.me/x?a=1&amp;b=2">链接</a>',
            "链接",
            [("text_link", 0, 2, {"url": "https://t.me/x?a=1&b=2"})],
        ),
        ('<pre language="python">x</pre>', "x", [("pre", 0, 1, {"language": "python"})]),
        ('<span class="tg-spoiler">s</span>', "s", [("spoiler", 0, 1, {})]),
        ("1 &lt; 2 &amp;&amp; 3 &gt; 2 &#20013;", "1 < 2 && 3 > 2 中", []),
        ("AT&T", "AT&T", []),
        ("<b>😀</b>x", "😀x", [("bold", 0, 2, {})]),
        ("<b></b>空", "空", []),
    ],
)
def test_parse_html(source: str, text: str, entities: list[tuple[str, int, int, dict[str, str]]]) -> None:
    plain, found = parse_html(source)
    assert plain == text
    assert [(e.pop("type"), e.pop("offset"), e.pop("length"), e) for e in found] == entities


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("x < y", "unescaped '<'"),
        ("<blink>x</blink>", 'Unsupported start tag "blink"'),
        ("<b>x", "Can't find end tag"),
        ("<b>x</i>", 'Unmatched end tag "i"'),
        ("<a>x</a>", 'must have attribute "href"'),
        ("<span>x</span>", "tg-spoiler"),
    ],
)
def test_parse_html_rejects(source: str, reason: str) -> None:
    with pytest.raises(ApiError) as raised:
        parse_html(source)
    assert raised.value.code == 400 and reason in raised.value.description
    assert raised.value.description.startswith("Bad Request: can't parse entities: ")


def test_utf16_len_counts_astral_characters_twice() -> None:
    assert (utf16_len("字"), utf16_len("😀"), utf16_len("a😀b")) == (1, 2, 4)
