"""Names and titles people type: one line, with nothing invisible left to pass for a name."""

from __future__ import annotations

import unicodedata

# Control (Cc), format (Cf: zero-width spaces and joiners, bidi overrides), surrogates and private use.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co"})


def one_line(text: str) -> str:
    """TEXT on one line: invisible characters dropped, runs of whitespace made one space, trimmed.

    A title or a name made only of zero-width or control characters comes back empty.
    """
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if unicodedata.category(ch) not in _INVISIBLE or ch.isspace()
    )
    return " ".join(kept.split())


def printable(text: str) -> str:
    """TEXT safe for a terminal: each invisible character shown as its escape (``\\u202e``), never raw."""
    if all(ch.isprintable() for ch in text):
        return text
    return "".join(
        ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii") for ch in text
    )
