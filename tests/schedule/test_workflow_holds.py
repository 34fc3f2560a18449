"""A unit that asked for more time gets no overdue reminders until the office answers, and none
until its extension runs out once granted; the other units of the task are reminded as before."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select

from taskbot.domain.values import Beat
from taskbot.runtime import Runtime
from taskbot.schedule.service import ReminderService
from taskbot.services import workflow as flow
from taskbot.services.people import Actor
from taskbot.store.db import transaction
from taskbot.store.models import Chat
from tests.schedule.store_builder import StoreBuilder

SH = ZoneInfo("Asia/Shanghai")
A, B = -1001, -1002
NOW = dt.datetime(2026, 10, 5, 9, tzinfo=SH)


def at(m: int, d: int) -> dt.datetime:
    return dt.datetime(2026, m, d, 9, tzinfo=SH)


def deadline_days(runtime: Runtime, chat: int, start: dt.datetime, end: dt.datetime) -> list[int]:
    fires = ReminderService(runtime).preview(start, end, [Beat.DEADLINE])
    return [f.at.astimezone(SH).day for f in fires if f.chat_id == chat]


def test_a_pending_extension_holds_the_units_overdue_reminders(runtime: Runtime, store: StoreBuilder) -> None:
    store.chat(A, "甲群")
    store.chat(B, "乙群")
    store.party("甲镇", chats=[A])
    store.party("乙局", chats=[B])
    task_id = store.task("两个单位", parties=["甲镇", "乙局"], deadline=dt.date(2026, 10, 9))
    before = deadline_days(runtime, A, at(10, 12), at(10, 21))
    assert before == deadline_days(runtime, B, at(10, 12), at(10, 21))
    assert before  # overdue reminders every workday

    with transaction(runtime.sessions) as s:
        chat_a = s.scalar(select(Chat).where(Chat.telegram_chat_id == A))
        unit_a = Actor(name="张三", chat=chat_a)
        _, request = flow.request_extension(
            s, task_id, unit_a, NOW, dt.date(2026, 10, 16), "资金尚未到位", today=NOW.date()
        )
        request_id = request.id
    assert deadline_days(runtime, A, at(10, 12), at(10, 21)) == []
    assert deadline_days(runtime, B, at(10, 12), at(10, 21)) == before
    # The notices before the deadline still come.
    assert deadline_days(runtime, A, at(10, 5), at(10, 9)) == deadline_days(runtime, B, at(10, 5), at(10, 9))

    with transaction(runtime.sessions) as s:
        flow.approve(s, request_id, Actor.system("督查室"), NOW, SH)
    held = deadline_days(runtime, A, at(10, 12), at(10, 21))
    assert held == [d for d in before if d > 16]
    assert deadline_days(runtime, B, at(10, 12), at(10, 21)) == before
