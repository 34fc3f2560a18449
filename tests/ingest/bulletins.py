"""Parsed bulletins built by hand, so the ingest tests do not depend on the parser's skill."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from taskbot.bulletin.model import Directive, ParsedBulletin

DATE = dt.date(2022, 6, 24)
TEXT = """佛山市重点工作简报
一、要以非常之力抓目标节点，各镇街、各相关部门
实行“每周一调度、半月一通报”。
二、各镇街要健全督查督办机制，6 月 30 日前完成。
三、各社区党组织书记要推广应用“三长制”，实现 70 个城市社区“创熟”全覆盖。
"""

DIRECTIVES = [
    Directive(
        text="要以非常之力抓目标节点，各镇街、各相关部门实行“每周一调度、半月一通报”。",
        title="抓目标节点",
        responsible=["各镇街", "各相关部门"],
        cadence=["weekly", "fortnightly"],
        section="一",
        keywords=["目标", "节点"],
    ),
    Directive(
        text="各镇街要健全督查督办机制，6 月 30 日前完成。",
        title="健全督查督办机制",
        responsible=["各镇街"],
        deadline=dt.date(2022, 6, 30),
        section="二",
    ),
    Directive(
        text="各社区党组织书记要推广应用“三长制”，实现 70 个城市社区“创熟”全覆盖。",
        title="推广应用“三长制”",
        responsible=["各社区党组织书记"],
        target="70 个城市社区",
        section="三",
    ),
]


def parsed(
    directives: list[Directive] | None = None, title: str | None = "佛山市重点工作简报"
) -> ParsedBulletin:
    return ParsedBulletin(
        date=DATE, title=title, sections=[], directives=list(DIRECTIVES if directives is None else directives)
    )


def count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)
