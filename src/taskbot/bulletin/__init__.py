"""Bulletin text to directives. Pure: no database, no Telegram; the only user of jieba.

``parse_bulletin(text, date=None, *, today=None) -> ParsedBulletin`` never raises. Importing this
package is cheap: the parser modules, and jieba within them, load on first use.
"""

from __future__ import annotations

import datetime as dt

from taskbot.bulletin.model import Directive, ParsedBulletin, Section

__all__ = ["Directive", "ParsedBulletin", "Section", "parse_bulletin"]


def parse_bulletin(text: str, date: dt.date | None = None, *, today: dt.date | None = None) -> ParsedBulletin:
    """Find the sections and directives of TEXT; DATE (else the text's own date, else TODAY) dates it."""
    from taskbot.bulletin.parser import parse_bulletin as _parse_bulletin

    return _parse_bulletin(text, date, today=today)
