"""Character-level clean-up shared by the parser stages.

Two views of every piece of text are kept:
- the *clean* text: the input with whitespace and control characters deleted (PDF extraction breaks
  lines and pads justified text with spaces), except a single space between two Latin letters;
  directive texts are slices of it, so they stay verbatim;
- the *matching* text (``for_matching``): the clean text mapped character by character (ASCII
  punctuation to its full-width form, full-width digits and letters to ASCII), so one set of patterns
  serves both spellings and offsets in one view are offsets in the other.
"""

from __future__ import annotations

import re

# Whitespace, C0/C1 controls and invisible format characters (zero-width space, BOM, soft hyphen,
# bidi marks): none of them carries meaning in a bulletin.
_JUNK_CHARS = "\\s\x00-\x1f\x7f-\x9f\u00ad\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff\ufff9-\ufffb"
_JUNK_RUN = re.compile(f"[{_JUNK_CHARS}]+")
_LATIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

_PUNCT_TO_FULL = {
    ",": "，",
    ":": "：",
    ";": "；",
    "(": "（",
    ")": "）",
    "!": "！",
    "?": "？",
    "〔": "（",
    "〕": "）",
    "﹐": "，",
    "﹔": "；",
    "﹕": "：",
    "．": ".",
    "％": "%",
    "～": "~",
    "－": "-",
    "／": "/",
    "＂": '"',
    "「": "“",
    "」": "”",
    "『": "“",
    "』": "”",
}
_FULL_ALNUM = {chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)}  # ０-９
_FULL_ALNUM.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FULL_ALNUM.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_MATCH_TABLE = str.maketrans({**_PUNCT_TO_FULL, **_FULL_ALNUM})
_MAPPABLE = re.compile("[" + re.escape("".join(_PUNCT_TO_FULL) + "".join(_FULL_ALNUM)) + ".]")
# An ASCII full stop that ends a Chinese sentence (not a decimal point, not "1." numbering).
_CJK_FULL_STOP = re.compile(r"(?<=[\u4e00-\u9fff”’）》】])\.(?![\d.])")


def squeeze(text: str) -> str:
    """Delete whitespace and invisible characters, keeping one space between two Latin letters."""
    if not text:
        return ""

    def replace(m: re.Match[str]) -> str:
        start, end = m.start(), m.end()
        if start > 0 and end < len(text) and text[start - 1] in _LATIN and text[end] in _LATIN:
            return " "
        return ""

    return _JUNK_RUN.sub(replace, text)


def join_clean(parts: list[str]) -> str:
    """Join squeezed line texts, keeping a space where a line break separated two Latin words."""
    if len(parts) == 1:
        return parts[0]
    out = [parts[0]]
    for part in parts[1:]:
        if part and out[-1] and out[-1][-1] in _LATIN and part[0] in _LATIN:
            out.append(" ")
        out.append(part)
    return "".join(out)


def for_matching(clean: str) -> str:
    """The matching view of CLEAN: same length, one spelling for each punctuation mark."""
    if not _MAPPABLE.search(clean):
        return clean  # the common case: nothing to map
    mapped = clean.translate(_MATCH_TABLE)
    if "." in mapped:
        mapped = _CJK_FULL_STOP.sub("。", mapped)
    return mapped


_QUOTED = re.compile(r"“[^“”]{0,60}”|\"[^\"]{0,60}\"|《[^《》]{0,80}》|‘[^‘’]{0,40}’")


def mask_quotes(matching: str) -> str:
    """Blank out quoted phrases and titles (same length): a quoted slogan gives no order."""
    if not any(q in matching for q in '“"《‘'):
        return matching
    return _QUOTED.sub(lambda m: m.group(0)[0] + "□" * (len(m.group(0)) - 2) + m.group(0)[-1], matching)


def split_outside_brackets(pattern: re.Pattern[str], text: str) -> list[str]:
    """TEXT split at PATTERN, except inside brackets: 各县（市、区）政府 stays one party."""
    pieces: list[str] = []
    start = 0
    for m in pattern.finditer(text):
        if text.count("（", start, m.start()) + text.count("(", start, m.start()) > text.count(
            "）", start, m.start()
        ) + text.count(")", start, m.start()):
            continue
        pieces.append(text[start : m.start()])
        start = m.end()
    pieces.append(text[start:])
    return pieces
