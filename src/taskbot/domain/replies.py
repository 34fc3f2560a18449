"""Reading a reply to a reminder that lists several tasks: which of them it is about. Pure.

A reply names its task by number — ``#3 60% …``, ``3 60% …``, ``3号 …``, ``第3项 …`` — or by words
that match exactly one listed task's title (the title within the reply, or the reply's first words
within the title). A number not among the listed tasks, or words matching none or several, name
nothing: the reply is then kept and the reporter asked which task it was.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_NUMBER = re.compile(r"^\s*(?:[#＃№]\s*|第\s*)?(\d{1,9})\s*(?:号|项|[:：、.．,，)）])?(?=\s|$|[^\d%％])\s*")
_WORD_END = re.compile(r"[\s，,。；;：:、！!？?]")
MIN_MATCH = 2  # characters of the reply's first word that must occur in a title


def read_reply(text: str, listed: Sequence[tuple[int, str]]) -> tuple[int | None, str]:
    """The task of LISTED ((id, title) pairs) TEXT names, and TEXT without the number; (None, TEXT)."""
    ids = {tid for tid, _ in listed}
    match = _NUMBER.match(text)
    if match and not _is_percentage(text, match):
        number = int(match.group(1))
        return (number, text[match.end() :].strip()) if number in ids else (None, text.strip())
    flat = "".join(text.split())
    by_title = [tid for tid, title in listed if title and "".join(title.split()) in flat]
    if len(by_title) == 1:
        return by_title[0], text.strip()
    first = _WORD_END.split(text.strip(), maxsplit=1)[0]
    first = re.sub(r"^\d{1,3}\s*[%％]", "", first)
    if len(first) >= MIN_MATCH:
        by_word = [tid for tid, title in listed if first in title]
        if len(by_word) == 1:
            return by_word[0], text.strip()
    return None, text.strip()


def _is_percentage(text: str, match: re.Match[str]) -> bool:
    rest = text[match.start(1) + len(match.group(1)) :].lstrip()
    return rest.startswith(("%", "％"))
