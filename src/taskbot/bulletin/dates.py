"""Dates in bulletin text: the bulletin's own date, and deadlines resolved against it.

Deadlines are end dates: 年底前 → 31 December, 9月底前 → 30 September, 上半年 → 30 June,
10个工作日内 → ten workdays after the bulletin date (the work calendar of taskbot.domain: the
office's configured days, the official schedule where chinese-calendar knows the year, else the
statutory holidays and weekends).
A month or season named without a year that already lies before the bulletin date is taken to mean
next year's; an expression that plainly looks back (今年以来) is no deadline.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import Counter

from taskbot.bulletin.lines import cn_number
from taskbot.domain.values import in_date_window

_CN = "〇零一二三四五六七八九十两"
_NUM = rf"(?:\d{{1,3}}|[{_CN}]{{1,3}})"
_CN_YEAR_DIGITS = {ch: str(i) for i, ch in enumerate("〇一二三四五六七八九")} | {"零": "0"}

_FULL_DATE = re.compile(
    r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]"
    r"|(?P<y2>\d{4})[-/.](?P<m2>\d{1,2})[-/.](?P<d2>\d{1,2})(?!\d)"
    r"|(?P<cy>[〇零一二三四五六七八九]{4})年(?P<cm>[一二三四五六七八九十]{1,2})月(?P<cd>[一二三四五六七八九十]{1,3})日"
)
_MONTH_DAY = re.compile(r"(?<![\d年])(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]")
_YEAR = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})年")
# A date that is itself a deadline or a look-back, not the date of the bulletin.
_NOT_ISSUE_AFTER = re.compile(r"(?:前|之前|以前|止|为止|内|以内|起|开始|至|到|底|—|-|~)")
_NOT_ISSUE_BEFORE = ("到", "至", "截至", "截止", "于", "在")


def valid_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def month_end(year: int, month: int) -> dt.date | None:
    if not (1 <= month <= 12 and 1 <= year <= 9999):
        return None
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _full_date(m: re.Match[str]) -> dt.date | None:
    if m.group("y"):
        return valid_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    if m.group("y2"):
        return valid_date(int(m.group("y2")), int(m.group("m2")), int(m.group("d2")))
    year = int("".join(_CN_YEAR_DIGITS[c] for c in m.group("cy")))
    return valid_date(year, cn_number(m.group("cm")), cn_number(m.group("cd")))


def issue_date(matching: str) -> dt.date | None:
    """The date a bulletin gives for itself: its latest full date that is not a deadline,
    else its latest month-and-day with the year the text names most often."""
    best: dt.date | None = None
    for m in _FULL_DATE.finditer(matching):
        if _NOT_ISSUE_AFTER.match(matching, m.end()) or matching[max(0, m.start() - 2) : m.start()].endswith(
            _NOT_ISSUE_BEFORE
        ):
            continue
        day = _full_date(m)
        if day and in_date_window(day) and (best is None or day > best):
            best = day
    if best:
        return best
    years = Counter(int(m.group("y")) for m in _YEAR.finditer(matching))
    if not years:
        return None
    year = max(years, key=lambda y: (years[y], y))
    for m in _MONTH_DAY.finditer(matching):
        if _NOT_ISSUE_AFTER.match(matching, m.end()):
            continue
        day = valid_date(year, int(m.group("m")), int(m.group("d")))
        if day and in_date_window(day) and (best is None or day > best):
            best = day
    return best


def add_workdays(start: dt.date, count: int) -> dt.date:
    """COUNT workdays after START, by the process-wide work calendar (the runtime installs the office's)."""
    from taskbot.domain.calendar import default_calendar

    cal = default_calendar()
    day = start
    for _ in range(min(count, 3650)):
        day += dt.timedelta(days=1)
        while not cal.is_workday(day):
            day += dt.timedelta(days=1)
    return day


def add_months(start: dt.date, months: int) -> dt.date:
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    year = min(max(year, 1), 9999)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(start.day, last))


_SUFFIX = r"(?:之前|以前|前|底前|内|以内|止|为止|完成|底|末)"
# The lookahead names every character a deadline can start with: the regex engine then skips
# the other positions at C speed instead of trying each alternative there.
_DEADLINE_FIRST = r"(?=[\d〇零一二三四五六七八九十两半今本明下年元春清五劳端中国当上每第全])"
_DEADLINE = re.compile(
    _DEADLINE_FIRST
    + "(?:"
    + "|".join(
        (
            # 2024年6月30日前, 2024年12月底前, 2024年底, 2024年上半年, 2024年第三季度
            rf"(?P<fy>\d{{4}})年(?:(?P<fm>\d{{1,2}})月(?:份)?(?:(?P<fd>\d{{1,2}})[日号]|(?P<fme>底|末)|(?P<fx>上旬|中旬|下旬))?"
            r"|(?P<fye>底|末|年底|年末|内)|(?P<fh>上半年|下半年)|(?:第)?(?P<fq>[一二三四1-4])季度(?:末)?)?"
            rf"(?P<fs>{_SUFFIX})?",
            # 今年6月底前, 今年年底, 年底前, 年内, 本年度
            r"(?P<this>今年|本年度|本年)(?!以来|来|前|同期|初|年初|是)"
            r"(?:(?P<tm>\d{1,2}|[一二三四五六七八九十]{1,2})月(?:份)?(?:(?P<td>\d{1,2})[日号]|(?P<tme>底|末)|(?P<tx>上旬|中旬|下旬))?"
            r"|(?P<th>上半年|下半年)|(?:第)?(?P<tq>[一二三四])季度(?:末)?|(?P<tye>底|年底|年末|内))?",
            # 每年年底前 (a yearly report) is first due at this year's end; 每年年底开展 dates an event
            r"(?P<ye>(?<![每往历])(?<!每年)(?:年底|年末|年内|年终)(?:之?前)?|(?<=每年)(?:年底|年末)之?前)",
            # 全年完成… / 全年目标任务: a year's target falls due at the year's end (not 2024年全年)
            r"(?P<whole>(?<!年)全年)(?=[^，。；]{0,2}?(?:目标|任务|完成|实现|达到|新增|力争|争取|计划)|$)",
            r"(?P<next>明年|下一年度?)(?:(?P<nm>\d{1,2})月(?:(?P<nd>\d{1,2})[日号]|(?P<nme>底|末))?|(?P<nh>上半年|下半年))?",
            # 9月底前, 6月30日前, 10月中旬前
            rf"(?<![\d年每])(?P<m>\d{{1,2}}|[一二三四五六七八九十]{{1,2}})月(?:份)?"
            rf"(?:(?P<d>\d{{1,2}})[日号](?P<ds>{_SUFFIX})?|(?P<me>底|末)(?!以来)|(?P<mx>上旬|中旬|下旬)(?P<mxs>{_SUFFIX})?"
            rf"|(?P<ms>之前|以前|前|内|以内|完成))",
            r"(?P<bm>本月|当月)(?:底|末|内|(?:之)?前)|(?P<nmo>下月|下个月)(?:底|末|内|(?:之)?前|上旬|中旬|下旬)?"
            r"|(?P<bw>本周|当周)(?:内|之?前|五前)",
            r"(?<![每])(?:第)?(?P<q>[一二三四])季度(?P<qs>末|底|前|内|完成)?",
            r"(?<![每])(?P<h>上半年|下半年)(?P<hs>前|内|末|底|完成)?",
            r"(?P<fest>元旦|春节|清明|五一|劳动节|端午|中秋|国庆)(?:节|假期|节假期)?(?:之?前|以前)",
            rf"(?<![\d{_CN}])(?P<n>{_NUM}|半)(?P<unit>个工作日|个?自然日|天|日|周|个星期|星期|个月|个半月|年)(?:之?内|以内)",
            # 利用10个工作日展开…: the time given for the work
            rf"(?<=利用)(?P<un>{_NUM})(?P<uunit>个工作日|个?自然日|天|日|周|个星期|星期|个月)",
        )
    )
    + ")"
)
_QUARTER_END = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}
_TEN_DAY = {"上旬": 10, "中旬": 20}


def _cn_or_digit(text: str) -> int:
    return int(text) if text.isdigit() else cn_number(text)


def _quarter(text: str) -> int:
    return int(text) if text.isdigit() else cn_number(text)


def _in_month(year: int, month: int, day: str | None, end: str | None, tenth: str | None) -> dt.date | None:
    if day:
        return valid_date(year, month, int(day))
    if tenth in _TEN_DAY:
        return valid_date(year, month, _TEN_DAY[tenth])
    return month_end(year, month)


def _forward(candidate: dt.date | None, issued: dt.date, years: int = 1) -> dt.date | None:
    """A date named without a year that lies before the bulletin date means next year's."""
    if candidate is None or candidate >= issued:
        return candidate
    return valid_date(candidate.year + years, candidate.month, candidate.day) or month_end(
        candidate.year + years, candidate.month
    )


def _not_past(day: dt.date | None, issued: dt.date) -> dt.date | None:
    """A season named bare ("三季度举办…") is a deadline only while it is still ahead."""
    return day if day is not None and day >= issued else None


_FIXED_FESTIVALS = {"元旦": (1, 1), "五一": (5, 1), "劳动节": (5, 1), "国庆": (10, 1)}
_LUNAR_FESTIVALS = {"春节": "spring_festival", "端午": "dragon_boat_festival", "中秋": "mid_autumn_festival"}


def festival(name: str, year: int) -> dt.date | None:
    """The date of a festival in YEAR: fixed dates, 清明 by its solar term, lunar festivals by the
    first day of their official holiday (the statutory one for years chinese-calendar does not know)."""
    if name in _FIXED_FESTIVALS:
        return valid_date(year, *_FIXED_FESTIVALS[name])
    if not 1901 <= year <= 2099:
        return None
    import chinese_calendar

    if name == "清明":
        terms = chinese_calendar.get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 10))
        return terms[0][0] if terms else None
    holiday = getattr(chinese_calendar.Holiday, _LUNAR_FESTIVALS[name]).value
    days = [d for d, h in chinese_calendar.holidays.items() if d.year == year and h == holiday]
    if days:
        return min(days)
    from taskbot.domain.calendar import festival_start

    # A year chinese-calendar does not know: the statutory rule (春节 starts on 除夕).
    return festival_start(name, year)


Groups = dict[str, str | None]


def _with_year(m: re.Match[str], g: Groups, issued: dt.date, field: bool) -> dt.date | None:
    """2024年6月30日前, 2024年12月底, 2024年底, 2024年上半年, 2024年第三季度."""
    year = int(g["fy"] or 0)
    # A full date is a deadline when the text says so (前, 底, 完成 …); alone it dates an event.
    explicit = bool(g["fs"]) or field or any(g[k] for k in ("fme", "fye", "fh", "fq", "fx"))
    before = m.string[max(0, m.start() - 2) : m.start()]
    if not explicit and not before.endswith(("到", "至", "于", "在", "力争", "截至")):
        return None
    if g["fm"]:
        return _in_month(year, int(g["fm"]), g["fd"], g["fme"], g["fx"])
    if g["fh"]:
        return _half_end(year, g["fh"])
    if g["fq"]:
        return valid_date(year, *_QUARTER_END[_quarter(g["fq"])])
    return valid_date(year, 12, 31)


def _this_year(m: re.Match[str], g: Groups, issued: dt.date, field: bool) -> dt.date | None:
    """今年6月底前, 今年上半年, 今年三季度, 今年年底, 今年."""
    y = issued.year
    if g["tm"]:
        return _in_month(y, _cn_or_digit(g["tm"]), g["td"], g["tme"], g["tx"])
    if g["th"]:
        return _not_past(_half_end(y, g["th"]), issued)
    if g["tq"]:
        return _not_past(valid_date(y, *_QUARTER_END[_quarter(g["tq"])]), issued)
    return dt.date(y, 12, 31)


def _year_end(m: re.Match[str], g: Groups, issued: dt.date, field: bool) -> dt.date | None:
    """年底前, 年内, 全年完成…: the end of the bulletin's year."""
    return dt.date(issued.year, 12, 31)


def _next_year(m: re.Match[str], g: Groups, issued: dt.date, field: bool) -> dt.date | None:
    """明年6月底, 明年上半年, 明年."""
    y = issued.year + 1
    if g["nm"]:
        return _in_month(y, int(g["nm"]), g["nd"], g["nme"], None)
    if g["nh"]:
        return _half_end(y, g["nh"])
    return valid_date(y, 12, 31)


def _month(m: re.Match[str], g: Groups, issued: dt.date, field: bool) -> dt.date | None:
    """9月底前, 6月30日前, 10月中旬前, 6月前: this year's, or next year's once it has passed."""
    month = _cn_or_digit(g["m"] or "")
    if not 1 <= month <= 12:
        return None
    # 6月30日 alone dates an event; the end of a range (即日起至8月15日) is a deadline
    if g["d"] and not g["ds"] and not field and not _RANGE_END.search(m.string, 0, m.start()):
        return None
    return _forward(_in_month(issued.year, month, g["d"], g["me"], g["mx"]), issued)


def _this_month(m: re.Match[str], g: Groups, issued: dt.date, field: bool) -> dt.date | None:
    """本月底, 当月内."""
    return month_end(issued.year, issued.month)


def _next_month(m: re.Match[str], g: Groups, issued: dt.date, field: bool) -> dt.date | None:
    """下月底, 下个月中旬."""
    nxt = add_months(issued.replace(day=1), 1)
    for tenth, day in _TEN_DAY.items():
        if tenth in m.group(0):
            return nxt.replace(day=day)
    return month_end(nxt.year, nxt.month)


def _this_week(m: re.Match[str], g: Groups, issued: dt.date, field: bool) -> dt.date | None:
    """本周内, 本周五前: that week's Friday."""
    return issued + dt.timedelta(days=max(0, 4 - issued.weekday()))


def _quarter_named(m: re.Match[str], g: Groups, issued: dt.date, field: bool) -> dt.date | None:
    """三季度末, 第四季度前; a bare 三季度 only while it is ahead."""
    day = valid_date(issued.year, *_QUARTER_END[_quarter(g["q"] or "")])
    return _forward(day, issued) if g["qs"] else _not_past(day, issued)


def _half_named(m: re.Match[str], g: Groups, issued: dt.date, field: bool) -> dt.date | None:
    """上半年前, 下半年; a bare 上半年 only while it is ahead."""
    day = _half_end(issued.year, g["h"])
    return _forward(day, issued) if g["hs"] else _not_past(day, issued)


def _festival(m: re.Match[str], g: Groups, issued: dt.date, field: bool) -> dt.date | None:
    """国庆节前, 春节前: the next such festival."""
    name = g["fest"] or ""
    day = festival(name, issued.year)
    return day if day is None or day >= issued else festival(name, issued.year + 1)


def _within(m: re.Match[str], g: Groups, issued: dt.date, field: bool) -> dt.date | None:
    """10个工作日内, 3天内, 两周内, 半年内 (and 利用10个工作日): counted from the bulletin date."""
    number, unit = (g["n"], g["unit"]) if g["n"] else (g["un"], g["uunit"])
    return after_period(issued, number or "", unit or "")


def after_period(issued: dt.date, number: str, unit: str) -> dt.date | None:
    """The day NUMBER UNITs (个工作日, 天, 周, 个月, 个半月, 年) after ISSUED."""
    count = 0.5 if number == "半" else _cn_or_digit(number.replace("两", "二"))
    if count <= 0 or count > 3650:
        return None
    if unit == "个工作日":
        return add_workdays(issued, int(count))
    if unit in ("天", "日", "自然日", "个自然日"):
        return issued + dt.timedelta(days=int(count))
    if unit in ("周", "个星期", "星期"):
        return issued + dt.timedelta(days=int(7 * count))
    if unit == "个半月":
        return add_months(issued, int(count)) + dt.timedelta(days=15)
    if unit == "个月":
        return add_months(issued, int(count * 2) // 2) + dt.timedelta(days=15 * (count % 1 > 0))
    return add_months(issued, int(12 * count))


def _half_end(year: int, half: str | None) -> dt.date:
    return dt.date(year, 6, 30) if half == "上半年" else dt.date(year, 12, 31)


# Each form of date: the group that names it, and the function that resolves it.
_FORMS = (
    ("fy", _with_year),
    ("this", _this_year),
    ("ye", _year_end),
    ("whole", _year_end),
    ("next", _next_year),
    ("m", _month),
    ("bm", _this_month),
    ("nmo", _next_month),
    ("bw", _this_week),
    ("q", _quarter_named),
    ("h", _half_named),
    ("fest", _festival),
    ("n", _within),
    ("un", _within),
)


def _resolve(m: re.Match[str], issued: dt.date, *, field: bool) -> dt.date | None:
    g = m.groupdict()
    for group, form in _FORMS:
        if g[group]:
            return form(m, g, issued, field)
    return None


_RANGE_END = re.compile(r"(?:至|到|截至|截止)$")


def find_deadline(matching: str, issued: dt.date, *, field: bool = False) -> dt.date | None:
    """The first deadline named in MATCHING, resolved against the bulletin date ISSUED.

    FIELD says the text is the value of a 完成时限 label, where a bare "2024年6月" is a deadline too.
    """
    weak: dt.date | None = None
    for m in _DEADLINE.finditer(matching):
        if not m.group(0):
            continue
        try:
            day = _resolve(m, issued, field=field)
        except (ValueError, OverflowError):
            day = None
        if day is not None and in_date_window(day):
            if not _weak(m):
                return day
            weak = weak or day
    return weak


def _weak(m: re.Match[str]) -> bool:
    """今年 / 全年 alone only say which year: a date named later in the directive says more
    (今年改造14个小区，于11月30日前全部开工)."""
    if m.group("whole"):
        return True
    return bool(m.group("this")) and not any(m.group(k) for k in ("tm", "th", "tq", "tye"))
