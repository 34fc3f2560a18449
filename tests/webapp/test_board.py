"""The 看板's figures from the store (``webapp.board``), on SQLite and PostgreSQL: each unit's
standings and light, the totals, who sees which tasks, the list's filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from taskbot.config import Settings
from taskbot.runtime import Runtime, build_runtime
from taskbot.services import tasks as svc
from taskbot.services.people import Actor, upsert_chat, upsert_person
from taskbot.store.db import transaction
from taskbot.webapp import board
from taskbot.webapp.initdata import WebAppUser
from tests.support.clock import ManualClock

SYSTEM = Actor.system("test")
LEADER, ADMIN, OFFICIAL, STRANGER = 10, 11, 12, 13


@pytest.fixture
def rt(any_store_settings: Settings, clock: ManualClock) -> Iterator[Runtime]:
    settings = any_store_settings.model_copy(update={"leaders": [LEADER], "admins": [ADMIN]})
    runtime = build_runtime(settings, clock=clock)
    yield runtime
    runtime.close()


def scene(rt: Runtime, clock: ManualClock) -> dict[str, int]:
    """甲镇群 (甲镇) and 乙镇群 (乙镇); 张三 answers for 甲镇. Tasks, 20 days ago: one of 甲镇 done,
    one of 甲镇 silent, one of both towns overdue, one of 乙镇 blocked (reported today), one cancelled."""
    today = clock().date()
    ids: dict[str, int] = {}
    start = clock()
    clock.advance(days=-20)
    with transaction(rt.sessions) as s:
        for chat_id, party in ((-1, "甲镇"), (-2, "乙镇")):
            chat = upsert_chat(s, chat_id, title=f"{party}群", type="supergroup")
            svc.bind_party(s, SYSTEM, party, chat=chat)
        person = upsert_person(s, OFFICIAL, display_name="张三")
        svc.bind_party(s, SYSTEM, "甲镇", person=person)
        now = clock()
        ids["done"] = svc.add_task(s, SYSTEM, now, "垃圾分类", parties=["甲镇"]).id
        ids["silent"] = svc.add_task(s, SYSTEM, now, "燃气排查", parties=["甲镇"]).id
        ids["overdue"] = svc.add_task(
            s, SYSTEM, now, "河道清淤", parties=["甲镇", "乙镇"], deadline=today - dt.timedelta(days=2)
        ).id
        ids["blocked"] = svc.add_task(s, SYSTEM, now, "道路改造", parties=["乙镇"]).id
        ids["cancelled"] = svc.add_task(s, SYSTEM, now, "旧任务", parties=["乙镇"]).id
    clock.now = start
    with transaction(rt.sessions) as s:
        svc.mark_done(s, ids["done"], SYSTEM, clock(), unit="甲镇群")
        svc.mark_blocked(s, ids["blocked"], SYSTEM, clock(), "资金未到位", unit="乙镇群")
        svc.close_task(s, ids["cancelled"], SYSTEM, clock())
    return ids


def viewer(rt: Runtime, user_id: int) -> board.Viewer | None:
    with rt.sessions() as s:
        return board.viewer_for(s, rt.settings, WebAppUser(user_id, "某", language_code="en"))


def test_roles_from_the_config_and_the_store(rt: Runtime, clock: ManualClock) -> None:
    scene(rt, clock)
    roles = {u: (v.role.value if (v := viewer(rt, u)) else None) for u in (LEADER, ADMIN, OFFICIAL, STRANGER)}
    assert roles == {LEADER: "leader", ADMIN: "admin", OFFICIAL: "official", STRANGER: None}
    assert viewer(rt, LEADER).lang == "en"  # type: ignore[union-attr]


def test_overview_counts_each_units_shares(rt: Runtime, clock: ManualClock) -> None:
    scene(rt, clock)
    now = clock()
    with rt.sessions() as s:
        data = board.overview(s, rt.settings, viewer(rt, LEADER), now, now.date())  # type: ignore[arg-type]
    units = {u["name"]: (u["counts"], u["light"]) for u in data["units"]}
    assert units == {
        "甲镇群": ({"done": 1, "on_track": 0, "overdue": 1, "blocked": 0, "silent": 1}, "red"),
        "乙镇群": ({"done": 0, "on_track": 0, "overdue": 1, "blocked": 1, "silent": 0}, "red"),
    }
    # Each task once; the cancelled one nowhere.
    assert data["totals"] == {"done": 1, "on_track": 0, "overdue": 1, "blocked": 1, "silent": 1}


def test_official_sees_only_their_units_tasks(rt: Runtime, clock: ManualClock) -> None:
    ids = scene(rt, clock)
    now = clock()
    official = viewer(rt, OFFICIAL)
    assert official is not None
    with rt.sessions() as s:
        data = board.overview(s, rt.settings, official, now, now.date())
        listed = board.task_list(s, official, now.date(), board.TaskFilter())
        assert not board.can_see_task(s, official, ids["blocked"])
        assert board.can_see_task(s, official, ids["overdue"])
    assert data["totals"]["blocked"] == 0
    assert sorted(t["id"] for t in listed["tasks"]) == sorted([ids["done"], ids["silent"], ids["overdue"]])


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, ["overdue", "done", "silent", "blocked", "cancelled"]),
        ({"status": "open_all"}, ["overdue", "silent", "blocked"]),
        ({"status": "blocked"}, ["blocked"]),
        ({"overdue": "1"}, ["overdue"]),
        ({"q": "清淤"}, ["overdue"]),
        ({"q": "%"}, ["overdue", "done", "silent", "blocked", "cancelled"]),
        ({"status": "nonsense"}, ["overdue", "done", "silent", "blocked", "cancelled"]),
    ],
)
def test_task_list_filters(
    rt: Runtime, clock: ManualClock, args: dict[str, str], expected: list[str]
) -> None:
    ids = scene(rt, clock)
    names = {v: k for k, v in ids.items()}
    leader = viewer(rt, LEADER)
    assert leader is not None
    with rt.sessions() as s:
        listed = board.task_list(s, leader, clock().date(), board.TaskFilter.from_args(args))
    assert [names[t["id"]] for t in listed["tasks"]] == expected
    assert listed["total"] == len(expected)


def test_task_list_by_unit(rt: Runtime, clock: ManualClock) -> None:
    ids = scene(rt, clock)
    leader = viewer(rt, LEADER)
    assert leader is not None
    with rt.sessions() as s:
        units = {u["name"]: u["chat"] for u in board.unit_choices(s, leader)}
        listed = board.task_list(s, leader, clock().date(), board.TaskFilter(unit=units["乙镇群"]))
    assert sorted(t["id"] for t in listed["tasks"]) == sorted(
        [ids["overdue"], ids["blocked"], ids["cancelled"]]
    )


def test_overview_cache_follows_the_store_and_the_clock(rt: Runtime, clock: ManualClock) -> None:
    ids = scene(rt, clock)
    leader = viewer(rt, LEADER)
    assert leader is not None
    cache = board.BoardCache()

    def look() -> dict:
        now = clock()
        with rt.sessions() as s:
            compute = lambda: board.overview(s, rt.settings, leader, now, now.date())  # noqa: E731
            return cache.get(s, leader, now, ("overview", now.date()), compute)

    first = look()
    assert look() is first and cache.hits == 1
    with transaction(rt.sessions) as s:
        svc.report_status(s, ids["silent"], SYSTEM, clock(), "已开始排查", 10, unit="甲镇群")
    fresh = look()
    assert fresh is not first
    assert (first["totals"]["silent"], fresh["totals"]["silent"]) == (1, 0)
    clock.advance(minutes=1)
    assert look() is not fresh  # silence moves with the clock
