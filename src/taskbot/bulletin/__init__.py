"""Bulletin text to directives. Pure: no database, no Telegram; the only user of jieba."""

from taskbot.bulletin.model import Directive, ParsedBulletin, Section

__all__ = ["Directive", "ParsedBulletin", "Section"]
