"""One extracted line: its clean text, its list marker (●, 一、, （一）, 1., 一是 …) and what it is."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from taskbot.bulletin.normalize import for_matching, squeeze

CN_DIGITS = "一二三四五六七八九十"


class Kind(enum.Enum):
    TEXT = "text"
    BLANK = "blank"
    MARKS = "marks"  # only markers or bare numerals: a heading or bullet detached from its text
    NUMBER = "number"  # a bare integer: a table row number or a page number
    NOISE = "noise"  # page furniture: "- 3 -", column labels of one character


# Marker level: the usual nesting of Chinese official documents; bullets and inline lists below.
LEVEL_CN = 1  # 一、
LEVEL_CN_PAREN = 2  # （一）
LEVEL_ARABIC = 3  # 1.  1、
LEVEL_ARABIC_PAREN = 4  # （1） ①
LEVEL_BULLET = 5  # ●
LEVEL_INLINE = 6  # 一是 一要 第一，

_CN = f"[{CN_DIGITS}]{{1,3}}"
_MARKER = re.compile(
    "|".join(
        (
            rf"(?P<cn_paren>[（(【\[]\s*(?P<cp>{_CN})\s*[）)】\]]\s*[、.。]?)",
            rf"(?P<cn>(?P<c>{_CN})\s*[、.．](?![{CN_DIGITS}\d]))",
            r"(?P<ar_paren>[（(]\s*(?P<ap>\d{1,3})\s*[）)]|(?P<circ>[①-⑳⑴-⒇⒈-⒛]))",
            r"(?P<ar>(?P<a>\d{1,3})\s*(?:[.．](?![\d.．])|、|[)）](?![\d]))\s*)",
            r"(?P<bullet>[●•○◆◇■□▲△▶►★☆◎➢➤❖▪◼◾✔✓√](?:\s*[●•○◆◇■□▲△▶►★☆◎➢➤❖▪◼◾✔✓√])*|——|──|－－|--(?!-))",
            rf"(?P<inline>(?P<i>{_CN})(?:是|要|方面|个方面)(?![\s，,、：:。是]))",
            rf"(?P<ord>第(?P<o>{_CN})(?:条|项|部分)?\s*[，,、：:](?=\S))",
        )
    )
)
_MARKS_ONLY = re.compile(rf"^(?:[\s{CN_DIGITS}●•○◆◇■□▲△▶►★☆◎➢➤❖▪◼◾、.．（）()]|第)+$")
_NUMBER = re.compile(r"^\d{1,4}$")
_PAGE = re.compile(r"^(?:[-—–－~～]+\d{1,4}[-—–－~～]+|第\d{1,4}页(?:共\d{1,4}页)?|\d{1,4}/\d{1,4})$")
_TERMINAL = frozenset("。！？；!?;")
_CN_VALUE = {ch: i + 1 for i, ch in enumerate(CN_DIGITS)}


def cn_number(text: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20, 二十三 → 23 (up to 99); digits pass through."""
    if text.isdigit():
        return int(text)
    if "十" not in text:
        value = 0
        for ch in text:
            value = value * 10 + _CN_VALUE.get(ch, 0) % 10
        return value
    tens, _, ones = text.partition("十")
    return (_CN_VALUE.get(tens, 1) if tens else 1) * 10 + (_CN_VALUE.get(ones, 0) if ones else 0)


@dataclass(slots=True)
class Line:
    kind: Kind
    text: str = ""  # clean text without the marker
    marker: str = ""  # clean marker as written ("●", "（一）", "1.", "一是")
    level: int = 0
    ordinal: int | None = None
    matching: str = ""  # for_matching(text)

    @property
    def ends_sentence(self) -> bool:
        return bool(self.matching) and self.matching[-1] in _TERMINAL


# Every character a list marker can start with (a cheap test before the full pattern).
_MARKER_FIRST = frozenset(
    "（(【["
    + CN_DIGITS
    + "0123456789０１２３４５６７８９第"
    + "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇⒈⒉⒊⒋⒌⒍⒎⒏⒐⒑⒒⒓⒔⒕⒖⒗⒘⒙⒚⒛"
    + "●•○◆◇■□▲△▶►★☆◎➢➤❖▪◼◾✔✓√—─－-"
)


_FULLWIDTH_NUMBERING = re.compile(r"([\d０-９]{1,3})．")


def split_marker(clean: str) -> tuple[str, int, int | None, str]:
    """The leading list marker of CLEAN: (marker, level, ordinal, rest); marker "" when none."""
    if not clean or clean[0] not in _MARKER_FIRST:
        return "", 0, None, clean
    fullwidth = _FULLWIDTH_NUMBERING.match(clean)
    if fullwidth and fullwidth.end() < len(clean):
        # "2．6月30日前…": a full-width point never is a decimal point
        return (
            clean[: fullwidth.end()],
            LEVEL_ARABIC,
            int(for_matching(fullwidth.group(1))),
            clean[fullwidth.end() :],
        )
    m = _MARKER.match(for_matching(clean[:12]))
    if not m or m.end() >= len(clean):
        return "", 0, None, clean
    group = m.lastgroup
    if group == "cn_paren":
        level, ordinal = LEVEL_CN_PAREN, cn_number(m.group("cp"))
    elif group == "cn":
        level, ordinal = LEVEL_CN, cn_number(m.group("c"))
    elif group == "ar_paren":
        level = LEVEL_ARABIC_PAREN
        ordinal = int(m.group("ap")) if m.group("ap") else _circled(m.group("circ"))
    elif group == "ar":
        level, ordinal = LEVEL_ARABIC, int(m.group("a"))
    elif group == "bullet":
        level, ordinal = LEVEL_BULLET, None
    else:
        # 一是/一要/第一， are words of the sentence as written: the text keeps them.
        digits = m.group("i") or m.group("o")
        return clean[: m.end()], LEVEL_INLINE, cn_number(digits), clean
    return clean[: m.end()], level, ordinal, clean[m.end() :]


def _circled(ch: str) -> int:
    for first in ("①", "⑴", "⒈"):
        offset = ord(ch) - ord(first)
        if 0 <= offset < 20:
            return offset + 1
    return 0


def classify(raw: str) -> Line:
    """Turn one raw extracted line into a Line."""
    clean = squeeze(raw)
    if not clean:
        return Line(Kind.BLANK)
    short = len(clean) <= 24
    if short and _MARKS_ONLY.match(clean):
        return Line(Kind.MARKS, marker=clean)
    if short and _NUMBER.match(clean):
        return Line(Kind.NUMBER, text=clean, ordinal=int(clean))
    if short and _PAGE.match(for_matching(clean)):
        return Line(Kind.NOISE, text=clean)
    if len(clean) == 1 and "\u4e00" <= clean <= "\u9fff":
        return Line(Kind.NOISE, text=clean)  # a column label such as 市 or 区
    marker, level, ordinal, rest = split_marker(clean)
    return Line(
        Kind.TEXT, text=rest, marker=marker, level=level, ordinal=ordinal, matching=for_matching(rest)
    )
