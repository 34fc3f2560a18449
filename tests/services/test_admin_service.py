"""services.admin: which parties of freshly imported tasks no chat receives, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from taskbot.config import Settings
from taskbot.runtime import build_runtime
from taskbot.services import tasks as task_service
from taskbot.services.admin import unbound_parties
from taskbot.services.people import Actor, upsert_chat
from taskbot.store.db import transaction

NOW = dt.datetime(2026, 10, 5, 1, 0, tzinfo=dt.UTC)


def test_unbound_parties(any_store_settings: Settings) -> None:
    runtime = build_runtime(any_store_settings)
    system = Actor.system("test")
    try:
        with transaction(runtime.sessions) as s:
            live = upsert_chat(s, -1001, title="镇街群", type="supergroup")
            gone = upsert_chat(s, -1002, title="已退出的群", type="supergroup")
            gone.active = False
            task_service.bind_party(s, system, "各镇街", chat=live)
            task_service.bind_party(s, system, "各相关部门", chat=gone)
            ids = [
                task_service.add_task(s, system, NOW, "甲", parties=["各镇街", "市、区领导"]).id,
                task_service.add_task(s, system, NOW, "乙", parties=["各相关部门", "市、区领导"]).id,
                # sent to a chat directly: its parties' bindings do not matter
                task_service.add_task(s, system, NOW, "丙", parties=["一把手"], chat=live).id,
            ]
        with runtime.sessions() as s:
            assert unbound_parties(s, ids) == ["各相关部门", "市、区领导"]  # in the order parties were made
            assert unbound_parties(s, ids[:1]) == ["市、区领导"]
            assert unbound_parties(s, []) == []
    finally:
        runtime.close()
