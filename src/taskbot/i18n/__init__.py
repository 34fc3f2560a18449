"""Every word taskbot says to a person, in Chinese (default) and English.

Wording lives in catalog modules, one per area (``catalog_bot``, ``catalog_reminders``), each a
``MESSAGES = {"key": {"zh": "…", "en": "…"}}`` mapping. Services never hold wording: they return
data and the bot or the scheduler renders it with ``t``.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from typing import Any

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"


@cache
def catalog() -> dict[str, dict[str, str]]:
    """All messages of every ``catalog_*`` module, keyed by message key then language."""
    merged: dict[str, dict[str, str]] = {}
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("catalog_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for key, texts in module.MESSAGES.items():
            if key in merged:
                raise RuntimeError(f"message key {key!r} defined twice (in {info.name})")
            merged[key] = texts
    return merged


def pick_language(preferred: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """Map a Telegram language code (``en-GB``, ``zh-hans``) or a setting to a catalog language."""
    if preferred:
        base = preferred.split("-")[0].split("_")[0].lower()
        if base in LANGUAGES:
            return base
    return default if default in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **params: Any) -> str:
    """The message KEY in LANG (falling back to Chinese), formatted with PARAMS."""
    texts = catalog()[key]
    template = texts.get(lang) or texts[DEFAULT_LANGUAGE]
    return template.format(**params) if params else template
