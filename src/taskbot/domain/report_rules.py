"""Reporting rules (报送要求): on which days a unit must report on a task, and by what time.

Pure: no store, no Telegram, no parser internals. A rule is read from a directive or from a notice's
closing requirements (``请各单位于每周五下午5点前报送进展``), set by ``/due N 每周五17:00``, stored on
the task as JSON and turned into due moments by ``due_moments``:

=========  =============================================  ==========================================
rhythm     JSON                                           read from
=========  =============================================  ==========================================
daily      ``{"rhythm": "daily", "due": "16:00"}``          每日16时前, 每天下午4点前
weekly     ``{"rhythm": "weekly", "weekday": 5, "due": "17:00"}``  每周五17:00前, 每周五下午5点前, 每周二前
monthly    ``{"rhythm": "monthly", "days": [10, 25], "due": null}``  每月10日、25日前
quarterly  ``{"rhythm": "quarterly", "month": 3, "day": 0, "due": null}``  每季度末前 (day 0: the month's
           last day), 每季度第一个月5日前 (month 1, day 5)
=========  =============================================  ==========================================

``weekday`` is ISO (1 Monday … 7 Sunday); ``due`` is the local time reports are due by, ``null`` for
the end of the day. A period ends at a due moment and starts at the one before it: a unit that
reported within it is not chased.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Literal

Rhythm = Literal["daily", "weekly", "monthly", "quarterly"]
RHYTHMS: tuple[str, ...] = ("daily", "weekly", "monthly", "quarterly")
_WEEKDAYS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7}
_CN_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
MAX_SCAN_DAYS = 800


@dataclass(frozen=True, slots=True)
class ReportRule:
    rhythm: Rhythm
    weekday: int | None = None
    days: tuple[int, ...] = ()
    month: int | None = None
    day: int | None = None
    due: dt.time | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"rhythm": self.rhythm}
        if self.rhythm == "weekly":
            data["weekday"] = self.weekday
        elif self.rhythm == "monthly":
            data["days"] = list(self.days)
        elif self.rhythm == "quarterly":
            data["month"], data["day"] = self.month, self.day
        data["due"] = self.due.strftime("%H:%M") if self.due is not None else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> ReportRule | None:
        """The rule DATA describes; None for no rule or a shape this version does not know."""
        if not data or data.get("rhythm") not in RHYTHMS:
            return None
        due = dt.time.fromisoformat(data["due"]) if data.get("due") else None
        return cls(
            rhythm=data["rhythm"],
            weekday=data.get("weekday"),
            days=tuple(data.get("days") or ()),
            month=data.get("month"),
            day=data.get("day"),
            due=due,
        )

    def on(self, day: dt.date) -> bool:
        """Whether reports are due on DAY."""
        if self.rhythm == "daily":
            return True
        if self.rhythm == "weekly":
            return day.isoweekday() == self.weekday
        last = calendar.monthrange(day.year, day.month)[1]
        if self.rhythm == "monthly":
            return any(min(d, last) == day.day for d in self.days)
        in_quarter = (day.month - 1) % 3 + 1
        wanted = last if not self.day else min(self.day, last)
        return in_quarter == self.month and day.day == wanted

    def moment(self, day: dt.date, tz: dt.tzinfo) -> dt.datetime:
        """When reports due on DAY are due: the due time, or the end of the day."""
        if self.due is not None:
            return dt.datetime.combine(day, self.due, tzinfo=tz)
        return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz)


def due_moments(rule: ReportRule, start: dt.datetime, end: dt.datetime, tz: dt.tzinfo) -> list[dt.datetime]:
    """The due moments of RULE with START < t <= END, in order."""
    first = start.astimezone(tz).date() - dt.timedelta(days=1)
    last = end.astimezone(tz).date()
    found: list[dt.datetime] = []
    day = first
    while day <= last:
        if rule.on(day):
            moment = rule.moment(day, tz)
            if start < moment <= end:
                found.append(moment)
        day += dt.timedelta(days=1)
    return found


def previous_moment(rule: ReportRule, moment: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """The due moment before MOMENT: where the period ending at MOMENT starts."""
    day = moment.astimezone(tz).date()
    for _ in range(MAX_SCAN_DAYS):
        day -= dt.timedelta(days=1)
        if rule.on(day) and rule.moment(day, tz) < moment:
            return rule.moment(day, tz)
    return moment - dt.timedelta(days=MAX_SCAN_DAYS)


def period_end(rule: ReportRule, at: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """The due moment ending the period a report made AT falls in: the first one at or after AT."""
    day = at.astimezone(tz).date() - dt.timedelta(days=1)
    for _ in range(MAX_SCAN_DAYS):
        if rule.on(day) and rule.moment(day, tz) >= at:
            return rule.moment(day, tz)
        day += dt.timedelta(days=1)
    return at + dt.timedelta(days=MAX_SCAN_DAYS)


def missed_moments(
    rule: ReportRule,
    reported: Collection[dt.datetime],
    start: dt.datetime,
    end: dt.datetime,
    tz: dt.tzinfo,
) -> list[dt.datetime]:
    """The due moments of RULE with START < t <= END whose period has no report (REPORTED: the
    period ends the report ledger holds for one unit)."""
    return [m for m in due_moments(rule, start, end, tz) if m not in reported]


# --- reading rules from text ---

_REPORT_VERB = re.compile(r"报送|上报|汇报|报告|报|提交|反馈")
_TIME = re.compile(
    r"(?P<half>上午|下午|中午|晚上)?\s*(?P<h>\d{1,2})\s*(?:[:：]\s*(?P<m>\d{2})|[点时](?:(?P<m2>\d{1,2})分|(?P<ban>半))?)"
)
_WEEKLY = re.compile(r"每(?:周|星期|礼拜)(?P<d>[一二三四五六日天1-7])")
_MONTHLY = re.compile(r"每月(?P<days>(?:\s*\d{1,2}\s*[日号]\s*[、，,和及与]?)+)")
_DAILY = re.compile(r"每(?:日|天)")
_QUARTER_END = re.compile(r"每(?:个)?季度(?:末|最后一个月)(?:(?P<d>\d{1,2})[日号])?")
_QUARTER_MONTH = re.compile(r"每(?:个)?季度(?:第(?P<m>[一二三1-3])个月|首月)(?P<d>\d{1,2})[日号]")
_SENTENCES = re.compile(r"[。；;！!\n]")


def read_report_rule(text: str) -> ReportRule | None:
    """The first reporting rule stated in TEXT (a rhythm, then 前 and a reporting verb), or None.

    ``每周一调度`` (a meeting, not a report) is no rule: the sentence must ask for something to be
    reported (报送, 上报, 汇报, 报告, 提交, 反馈) by a time (前).
    """
    for sentence in _SENTENCES.split(text):
        if "前" not in sentence or not _REPORT_VERB.search(sentence):
            continue
        rule = _rule_in(sentence)
        if rule is not None:
            return rule
    return None


def rule_from_words(words: str) -> ReportRule | None:
    """The rule an admin types (``每周五17:00``, ``每月10日、25日``, ``每日16时``), or None."""
    return _rule_in(words.strip())


def describe(rule: ReportRule) -> dict[str, Any]:
    """RULE's parts for wording: rhythm, weekday, days, month, day and due ("" for none)."""
    data = rule.to_json()
    data["days"] = "、".join(str(d) for d in rule.days)
    if rule.weekday is not None:
        data["weekday_zh"] = "一二三四五六日"[rule.weekday - 1]
        data["weekday_en"] = calendar.day_name[rule.weekday - 1]
    data["due"] = data.get("due") or ""
    return data


def rules_of(text: str, directives: list[str]) -> tuple[ReportRule | None, list[ReportRule | None]]:
    """The rule TEXT (a whole notice) states for all its tasks, and each directive's: the one the
    directive states itself, else the notice's (its closing 工作要求 / 报送要求 apply to every task)."""
    common = read_report_rule(text)
    return common, [read_report_rule(d) or common for d in directives]


def annotate(parsed: dict[str, Any], text: str) -> dict[str, Any]:
    """PARSED (``ParsedBulletin.to_json()``) with the notice's ``report_rule`` under ``bulletin`` and
    each directive's under the directive (JSON, or null)."""
    directives = parsed.get("directives") or []
    common, each = rules_of(text, [d.get("text") or "" for d in directives])
    parsed.setdefault("bulletin", {})["report_rule"] = common.to_json() if common else None
    for directive, rule in zip(directives, each, strict=True):
        directive["report_rule"] = rule.to_json() if rule else None
    return parsed


def _rule_in(sentence: str) -> ReportRule | None:
    if m := _QUARTER_MONTH.search(sentence):
        month = _CN_NUMBERS.get(m["m"]) if m["m"] and not m["m"].isdigit() else int(m["m"] or 1)
        return ReportRule("quarterly", month=month, day=int(m["d"]), due=_due(sentence[m.end() :]))
    if m := _QUARTER_END.search(sentence):
        return ReportRule(
            "quarterly", month=3, day=int(m["d"]) if m["d"] else 0, due=_due(sentence[m.end() :])
        )
    if m := _MONTHLY.search(sentence):
        days = tuple(sorted({int(d) for d in re.findall(r"\d{1,2}", m["days"]) if 1 <= int(d) <= 31}))
        return ReportRule("monthly", days=days, due=_due(sentence[m.end() :])) if days else None
    if m := _WEEKLY.search(sentence):
        raw = m["d"]
        weekday = int(raw) if raw.isdigit() else _WEEKDAYS[raw]
        return ReportRule("weekly", weekday=weekday, due=_due(sentence[m.end() :]))
    if m := _DAILY.search(sentence):
        return ReportRule("daily", due=_due(sentence[m.end() :]))
    return None


def _due(rest: str) -> dt.time | None:
    """The time stated right after the rhythm and before 前 (下午5点, 17:00, 16时), if any."""
    before = rest.split("前", 1)[0]
    m = _TIME.search(before)
    if m is None:
        return None
    hour = int(m["h"])
    minute = int(m["m"] or m["m2"] or 0) + (30 if m["ban"] else 0)
    if m["half"] in ("下午", "晚上") and hour < 12:
        hour += 12
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return dt.time(hour, minute)
