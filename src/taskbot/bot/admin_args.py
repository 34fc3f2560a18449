"""Arguments of the admins' commands, parsed from the text after the command. Pure: no Telegram.

Each parser returns a small dataclass or raises ``BadArguments`` naming a catalog message key, so
the handler can answer politely in the user's language.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from taskbot.bot.args import BadArguments
from taskbot.bulletin.dates import find_deadline
from taskbot.domain.text import one_line
from taskbot.domain.values import DATE_MAX, DATE_MIN, Cadence, in_date_window

TITLE_MAX = 500
PARTY_MAX = 200

# Cadence words an admin may type, Chinese and English, mapped to the stored value (None = no cadence).
CADENCE_WORDS: dict[str, Cadence | None] = {
    "每日": Cadence.DAILY,
    "每天": Cadence.DAILY,
    "daily": Cadence.DAILY,
    "每周": Cadence.WEEKLY,
    "每星期": Cadence.WEEKLY,
    "weekly": Cadence.WEEKLY,
    "每两周": Cadence.FORTNIGHTLY,
    "两周": Cadence.FORTNIGHTLY,
    "双周": Cadence.FORTNIGHTLY,
    "半月": Cadence.FORTNIGHTLY,
    "每半月": Cadence.FORTNIGHTLY,
    "fortnightly": Cadence.FORTNIGHTLY,
    "biweekly": Cadence.FORTNIGHTLY,
    "每月": Cadence.MONTHLY,
    "monthly": Cadence.MONTHLY,
    "每季度": Cadence.QUARTERLY,
    "每季": Cadence.QUARTERLY,
    "quarterly": Cadence.QUARTERLY,
    "每年": Cadence.YEARLY,
    "yearly": Cadence.YEARLY,
    "annually": Cadence.YEARLY,
    "无": None,
    "不定期": None,
    "none": None,
    "off": None,
}
# Words that clear a deadline.
NO_DEADLINE_WORDS = frozenset({"none", "无", "不限", "取消", "off", "-"})
# The separators of the one-line /add: ASCII and full-width vertical bars.
_FIELD_SEPARATOR = re.compile(r"[|｜]")
# Several parties in one field: commas or semicolons (not 、, which lives inside names like 市、区领导).
_PARTY_SEPARATOR = re.compile(r"[,，;；]")
_ISO_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:前|之前|以前)?$")
_MONTH_DAY = re.compile(r"^(\d{1,2})月(\d{1,2})日?(?:前|之前|以前)?$")


@dataclass(frozen=True, slots=True)
class NewTask:
    title: str
    parties: list[str] = field(default_factory=list)
    cadence: Cadence | None = None
    deadline: dt.date | None = None


def parse_cadence(word: str) -> Cadence | None:
    """The cadence a word names (None for 'no cadence'); BadArguments when it names none."""
    key = word.strip().lower().removesuffix("一次")
    if key in CADENCE_WORDS:
        return CADENCE_WORDS[key]
    raise BadArguments("admin.bad_cadence", given=word.strip()[:20])


def parse_deadline(word: str, today: dt.date) -> dt.date:
    """A deadline from 2026-12-31, 2026/12/31, 2026年12月31日 or 12月31日 (the next one from TODAY),
    or any deadline a bulletin may state (年底前, 6月底前, 10个工作日内, 国庆前 …), resolved from TODAY;
    a date outside DATE_MIN … DATE_MAX is refused.
    """
    day = _resolve_deadline(word, today)
    if not in_date_window(day):
        raise BadArguments(
            "admin.deadline_out_of_range", first=DATE_MIN.isoformat(), last=DATE_MAX.isoformat()
        )
    return day


def _resolve_deadline(word: str, today: dt.date) -> dt.date:
    text = re.sub(r"\s+", "", word).translate(_FULL_WIDTH_DIGITS)
    if match := _ISO_DATE.match(text):
        year, month, day = (int(g) for g in match.groups())
        return _real_date(year, month, day, word)
    if match := _MONTH_DAY.match(text):
        month, day = (int(g) for g in match.groups())
        this_year = _real_date(today.year, month, day, word)
        # A month and day already past this year means next year's.
        return this_year if this_year >= today else _real_date(today.year + 1, month, day, word)
    # The bulletin parser's resolver knows the Chinese ways of stating a deadline.
    resolved = find_deadline(text, today, field=True) if text else None
    if resolved is None:
        raise BadArguments("admin.bad_deadline", given=word.strip()[:20])
    return resolved


def parse_deadline_or_none(word: str, today: dt.date) -> dt.date | None:
    """Like parse_deadline, but 'none' (or 无, 取消) clears the deadline."""
    if word.strip().lower() in NO_DEADLINE_WORDS:
        return None
    return parse_deadline(word, today)


_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９－／．", "0123456789-/.")


def _real_date(year: int, month: int, day: int, given: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise BadArguments("admin.bad_deadline", given=given.strip()[:20]) from None


def parse_title(text: str) -> str:
    """A task title: one line of text, not empty, not too long."""
    title = one_line(text)
    if not title:
        raise BadArguments("admin.add_no_title")
    if len(title) > TITLE_MAX:
        raise BadArguments("admin.title_too_long", limit=TITLE_MAX)
    return title


def parse_parties(text: str) -> list[str]:
    """Responsible parties: names separated by commas or semicolons; duplicates dropped."""
    names: list[str] = []
    for raw in _PARTY_SEPARATOR.split(text):
        name = one_line(raw)
        if not name or name in names:
            continue
        if len(name) > PARTY_MAX:
            raise BadArguments("admin.party_too_long", limit=PARTY_MAX)
        names.append(name)
    return names


def parse_party_name(text: str) -> str:
    """One party's name (for /bind); empty is an error."""
    name = one_line(text)
    if not name:
        raise BadArguments("admin.usage.bind")
    if len(name) > PARTY_MAX:
        raise BadArguments("admin.party_too_long", limit=PARTY_MAX)
    return name


def parse_add(args: str, today: dt.date) -> NewTask:
    """The one-line /add: 标题 | 责任单位 | 每周 | 2026-12-31, every field after the title optional.

    The third and fourth fields are told apart by what they hold, so 标题 | 各镇街 | 2026-12-31
    sets a deadline and no cadence.
    """
    fields = [f.strip() for f in _FIELD_SEPARATOR.split(args)]
    if len(fields) > 4:
        raise BadArguments("admin.add_too_many_fields")
    title = parse_title(fields[0])
    parties = parse_parties(fields[1]) if len(fields) > 1 else []
    cadence: Cadence | None = None
    deadline: dt.date | None = None
    seen_cadence = seen_deadline = False
    for value in fields[2:]:
        if not value:
            continue
        if _is_cadence(value) and not seen_cadence:
            cadence, seen_cadence = parse_cadence(value), True
        elif not seen_deadline:
            deadline, seen_deadline = _add_deadline(value, today), True
        else:
            raise BadArguments("admin.add_bad_field", given=value[:20])
    return NewTask(title=title, parties=parties, cadence=cadence, deadline=deadline)


def _add_deadline(value: str, today: dt.date) -> dt.date | None:
    try:
        return parse_deadline_or_none(value, today)
    except BadArguments:
        # A date-like field is a bad date; anything else is neither a cadence nor a date.
        if re.search(r"\d|[０-９]", value):
            raise
        raise BadArguments("admin.add_bad_field", given=value[:20]) from None


def _is_cadence(word: str) -> bool:
    return word.strip().lower().removesuffix("一次") in CADENCE_WORDS


def cadence_list(cadence: Cadence | None) -> list[Cadence]:
    """The one cadence an admin typed as the task service takes it: a list, empty for none."""
    return [cadence] if cadence else []
