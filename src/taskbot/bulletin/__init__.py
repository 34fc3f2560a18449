"""Bulletin text to directives. Pure: no database, no Telegram; the only user of jieba."""

from __future__ import annotations

import datetime as dt
import re

from taskbot.bulletin.model import Directive, ParsedBulletin, Section

__all__ = ["Directive", "ParsedBulletin", "Section", "parse_bulletin"]

_SENTENCE = re.compile(r"[^。！？；]+[。！？；]?")


def parse_bulletin(text: str, date: dt.date | None = None, *, today: dt.date | None = None) -> ParsedBulletin:
    """Find the directives of TEXT (first simple version: sentences that say 要)."""
    flat = re.sub(r"\s+", "", text or "")
    source = "given" if date else "today"
    when = date or today or dt.date.today()
    directives = [
        Directive(text=s, title=s[:20])
        for s in (m.group(0) for m in _SENTENCE.finditer(flat))
        if "要" in s
    ]
    return ParsedBulletin(date=when, title=None, sections=[], directives=directives, date_source=source)
