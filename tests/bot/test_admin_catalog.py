"""The admins' wording: every key the admin modules use exists, in both languages, with the same
placeholders; the command menu entries are ones Telegram accepts."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

import taskbot
from taskbot.bot.admin import ADMIN_COMMANDS, admin_command_list
from taskbot.i18n import LANGUAGES, catalog
from taskbot.i18n.catalog_admin import MESSAGES

SOURCES = [
    Path(taskbot.__file__).parent / name
    for name in (
        "bot/admin.py",
        "bot/admin_args.py",
        "bot/importing.py",
        "bot/reports.py",
        "services/export.py",
    )
]
# t("key", …), BadArguments("key", …) and f-string keys with a fixed prefix (f"bot.cadence.{…}").
_KEY = re.compile(r"""(?:\bt|BadArguments)\(\s*f?"([a-z_]+\.[a-z_.]*[a-z_])(\.\{)?""")


def _used_keys() -> set[tuple[str, bool]]:
    found: set[tuple[str, bool]] = set()
    for path in SOURCES:
        for key, prefix in _KEY.findall(path.read_text(encoding="utf-8")):
            found.add((key, bool(prefix)))
    return found


def test_every_key_used_is_in_the_catalog() -> None:
    used = _used_keys()
    assert len(used) > 60  # the scan finds the keys at all
    keys = catalog()
    for key, is_prefix in sorted(used):
        if is_prefix:
            assert any(k.startswith(key + ".") for k in keys), key
        else:
            assert key in keys, key


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_both_languages_with_the_same_placeholders(key: str) -> None:
    texts = MESSAGES[key]
    assert set(texts) == set(LANGUAGES)
    assert _fields(texts["zh"]) == _fields(texts["en"])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_admin_command_menu(lang: str) -> None:
    commands = admin_command_list(lang)
    assert [c.command for c in commands] == list(ADMIN_COMMANDS)
    for command in commands:
        assert re.fullmatch(r"[a-z0-9_]{1,32}", command.command)
        assert 1 <= len(command.description) <= 256
        assert "<" not in command.description
