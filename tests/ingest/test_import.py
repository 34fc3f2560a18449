"""Importing a parsed bulletin: what is stored, idempotency, one transaction, concurrent imports."""

from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError

from taskbot.domain.values import ReportKind, TaskStatus
from taskbot.readers import read_document
from taskbot.runtime import Runtime
from taskbot.services import ingest
from taskbot.store.models import Bulletin, Chat, Party, Person, Report, Task, TaskParty
from tests.ingest.bulletins import DATE, DIRECTIVES, TEXT, count, parsed


def _import(store: Runtime, text: str = TEXT, **kwargs: Any) -> ingest.ImportResult:
    bulletin = kwargs.pop("parsed", None) or parsed()
    return ingest.import_document(
        store.sessions, bulletin, source="b.txt", text=text, now=store.clock(), actor="cli", **kwargs
    )


def test_import_stores_the_bulletin_tasks_parties_and_a_created_entry_each(store: Runtime) -> None:
    result = _import(store)
    assert result.new_bulletin and len(result.created) == 3 and result.unchanged == []
    with store.sessions() as session:
        bulletin = session.get(Bulletin, result.bulletin_id)
        assert bulletin is not None
        assert (bulletin.source, bulletin.date, bulletin.title) == ("b.txt", DATE, "佛山市重点工作简报")
        assert bulletin.checksum == ingest.text_checksum(TEXT)
        tasks = ingest.list_tasks(session)
        assert [t.id for t in tasks] == result.created
        first, second, third = tasks
        assert first.title == "抓目标节点" and first.text == DIRECTIVES[0].text
        assert [p.name for p in first.parties] == ["各镇街", "各相关部门"]
        assert first.cadence == ["weekly", "fortnightly"] and first.keywords == ["目标", "节点"]
        assert second.deadline == dt.date(2022, 6, 30) and second.section == "二"
        assert third.target == "70 个城市社区"
        assert all(t.status == TaskStatus.OPEN and t.progress == 0 and t.chat_id is None for t in tasks)
        assert all(t.created_at == store.clock() and t.bulletin_id == bulletin.id for t in tasks)
        # 各镇街 is named by two directives and stored once.
        assert sorted(session.scalars(select(Party.name))) == ["各相关部门", "各社区党组织书记", "各镇街"]
        assert count(session, TaskParty) == 4
        reports = list(session.scalars(select(Report).order_by(Report.id)))
        assert [(r.task_id, r.kind, r.status, r.actor) for r in reports] == [
            (t.id, ReportKind.CREATED, TaskStatus.OPEN, "cli") for t in tasks
        ]


def test_importing_the_same_bulletin_again_creates_nothing(store: Runtime) -> None:
    first = _import(store)
    store.clock.advance(hours=1)  # type: ignore[attr-defined]
    again = _import(store)
    # Extracted again with other line breaks and spaces (a PDF re-export): still the same bulletin.
    noisy = "\n\n".join(" ".join(line) for line in TEXT.splitlines()) + "\u3000\r\n"
    noisy_again = _import(store, noisy)
    for result in (again, noisy_again):
        assert (result.bulletin_id, result.created, result.new_bulletin) == (first.bulletin_id, [], False)
        assert sorted(result.unchanged) == sorted(first.created)
    with store.sessions() as session:
        assert (count(session, Bulletin), count(session, Task), count(session, Report)) == (1, 3, 3)
        assert count(session, Party) == 3


def test_a_task_changed_since_import_is_left_alone_on_reimport(store: Runtime) -> None:
    first = _import(store)
    with store.sessions() as session, session.begin():
        task = session.get(Task, first.created[0])
        assert task is not None
        task.status, task.title = TaskStatus.DONE.value, "改过的标题"
    again = _import(store)
    assert again.created == [] and first.created[0] in again.unchanged
    with store.sessions() as session:
        task = session.get(Task, first.created[0])
        assert task is not None and (task.status, task.title) == ("done", "改过的标题")


def test_a_directive_found_later_in_a_known_bulletin_becomes_a_task(store: Runtime) -> None:
    first = _import(store, parsed=parsed(DIRECTIVES[:2]))
    better = _import(store, parsed=parsed(DIRECTIVES))  # e.g. after a parser improvement
    assert len(better.created) == 1 and sorted(better.unchanged) == sorted(first.created)
    assert better.bulletin_id == first.bulletin_id


def test_a_repeated_directive_is_one_task_and_empty_ones_are_skipped(store: Runtime) -> None:
    repeated = dataclasses.replace(DIRECTIVES[1], text=" " + DIRECTIVES[1].text.replace("，", "，\n"))
    blank = dataclasses.replace(DIRECTIVES[0], text=" \n ")
    result = _import(store, parsed=parsed([DIRECTIVES[1], repeated, blank]))
    assert len(result.created) == 1


def test_parties_are_shared_across_bulletins(store: Runtime) -> None:
    _import(store)
    other = [
        dataclasses.replace(
            DIRECTIVES[1], text="各镇街要落实安全生产责任。", responsible=[" 各镇街 ", "应急局"]
        )
    ]
    result = _import(store, "另一期简报：各镇街要落实安全生产责任。", parsed=parsed(other))
    with store.sessions() as session:
        assert count(session, Bulletin) == 2 and count(session, Party) == 4
        task = session.get(Task, result.created[0])
        assert task is not None and [p.name for p in task.parties] == ["各镇街", "应急局"]


def test_chat_sends_the_new_tasks_to_that_chat_creating_it_once(store: Runtime) -> None:
    result = _import(store, chat_id=-1001234567)
    other = [dataclasses.replace(DIRECTIVES[0], text="要做好防汛工作。")]
    second = _import(store, "要做好防汛工作。", parsed=parsed(other), chat_id=-1001234567)
    with store.sessions() as session:
        chats = list(session.scalars(select(Chat)))
        assert [(c.telegram_chat_id, c.type) for c in chats] == [(-1001234567, "supergroup")]
        tasks = ingest.list_tasks(session)
        assert {t.chat_id for t in tasks} == {chats[0].id}
        assert ingest.task_to_json(tasks[0])["chat"] == -1001234567
    assert len(result.created) == 3 and len(second.created) == 1


def test_the_importing_person_is_recorded_in_the_history(store: Runtime) -> None:
    with store.sessions() as session, session.begin():
        person = Person(telegram_user_id=4242, display_name="督查室")
        session.add(person)
        session.flush()
        person_id = person.id
    _import(store, person_id=person_id)
    with store.sessions() as session:
        assert set(session.scalars(select(Report.person_id))) == {person_id}


def test_values_longer_than_their_columns_are_cut_not_refused(store: Runtime) -> None:
    long = dataclasses.replace(
        DIRECTIVES[0], title="题" * 600, responsible=["单位" * 150], section="节" * 600, target="个" * 600
    )
    result = _import(store, parsed=parsed([long], title="标" * 600))
    with store.sessions() as session:
        task = ingest.list_tasks(session)[0]
        assert len(task.title) == 500 and len(task.parties[0].name) == 200
        assert len(task.section or "") == 500 and len(task.target or "") == 500
        bulletin = session.get(Bulletin, result.bulletin_id)
        assert bulletin is not None and len(bulletin.title or "") == 500


def test_a_directive_without_title_gets_one_from_its_text(store: Runtime) -> None:
    untitled = dataclasses.replace(DIRECTIVES[1], title="  ")
    _import(store, parsed=parsed([untitled]))
    with store.sessions() as session:
        assert ingest.list_tasks(session)[0].title == "各镇街要健全督查督办机制，6月30日前完成。"


def test_a_failure_halfway_writes_nothing(store: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    real_new_task = ingest._new_task
    calls = []

    def failing(*args: Any, **kwargs: Any) -> Task:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        return real_new_task(*args, **kwargs)

    monkeypatch.setattr(ingest, "_new_task", failing)
    with pytest.raises(RuntimeError, match="disk on fire"):
        _import(store, chat_id=-100999)
    with store.sessions() as session:
        for model in (Bulletin, Task, Party, TaskParty, Report, Chat):
            assert count(session, model) == 0, model.__name__


def test_preview_predicts_the_import_and_writes_nothing(store: Runtime) -> None:
    with store.sessions() as session:
        before = ingest.preview_import(session, parsed(DIRECTIVES[:2]), text=TEXT)
        assert before.bulletin_id is None and before.new == DIRECTIVES[:2] and before.unchanged == []
    with store.sessions() as session:
        assert count(session, Bulletin) == 0
    first = _import(store, parsed=parsed(DIRECTIVES[:2]))
    with store.sessions() as session:
        after = ingest.preview_import(session, parsed(), text=TEXT)
        assert after.bulletin_id == first.bulletin_id
        assert after.new == [DIRECTIVES[2]]
        assert after.unchanged == list(zip(DIRECTIVES[:2], first.created, strict=True))
        assert count(session, Task) == 2


def test_list_tasks_filters_by_status_and_refuses_an_unknown_one(store: Runtime) -> None:
    result = _import(store)
    with store.sessions() as session, session.begin():
        task = session.get(Task, result.created[1])
        assert task is not None
        task.status = TaskStatus.BLOCKED.value
    with store.sessions() as session:
        assert [t.id for t in ingest.list_tasks(session, "blocked")] == [result.created[1]]
        assert [t.id for t in ingest.list_tasks(session, "open")] == [result.created[0], result.created[2]]
        assert ingest.list_tasks(session, "done") == []
        with pytest.raises(ValueError):
            ingest.list_tasks(session, "finished")


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda s: s.encode("gb18030"), id="gb18030"),
        pytest.param(lambda s: codecs.BOM_UTF8 + s.encode("utf-8"), id="utf-8-bom"),
        pytest.param(lambda s: s.replace("\n", "\r\n").encode("utf-16"), id="utf-16-bom-crlf"),
    ],
)
def test_gb18030_and_bom_files_import_identically_to_utf8(
    store: Runtime, tmp_path: Path, encode: Any
) -> None:
    (tmp_path / "utf8.txt").write_bytes(TEXT.encode("utf-8"))
    (tmp_path / "other.txt").write_bytes(encode(TEXT))
    first = _import(store, read_document(tmp_path / "utf8.txt"))
    second = _import(store, read_document(tmp_path / "other.txt"))
    assert second.bulletin_id == first.bulletin_id and second.created == []
    assert sorted(second.unchanged) == sorted(first.created)


def test_a_concurrent_import_that_loses_the_race_retries_and_adds_nothing(store: Runtime) -> None:
    # A has stored the bulletin but not committed when B looks for it: B finds nothing, inserts the
    # same bulletin, collides with A's unique checksum once A commits, and retries.
    main = threading.current_thread()
    b_inserts = []
    about_to_insert = threading.Event()

    def watch(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if threading.current_thread() is not main and statement.lstrip().upper().startswith(
            "INSERT INTO BULLETIN"
        ):
            b_inserts.append(statement)
            about_to_insert.set()

    event.listen(store.engine, "before_cursor_execute", watch)
    outcome: dict[str, Any] = {}

    def import_b() -> None:
        try:
            outcome["b"] = _import(store)
        except Exception as exc:  # handed to the main thread's assertions
            outcome["error"] = exc

    session_a = store.sessions()
    session_a.begin()
    first = ingest.import_bulletin(session_a, parsed(), source="a.txt", text=TEXT, now=store.clock())
    b = threading.Thread(target=import_b)
    b.start()
    try:
        assert about_to_insert.wait(timeout=30), "B never tried to insert the bulletin"
        session_a.commit()
    finally:
        session_a.close()
        b.join(timeout=30)
    event.remove(store.engine, "before_cursor_execute", watch)
    assert "error" not in outcome, outcome.get("error")
    result = outcome["b"]
    assert len(b_inserts) == 1  # B did collide, then found A's bulletin without inserting again
    assert (result.bulletin_id, result.created, result.new_bulletin) == (first.bulletin_id, [], False)
    assert sorted(result.unchanged) == sorted(first.created)
    with store.sessions() as session:
        assert (count(session, Bulletin), count(session, Task), count(session, Report)) == (1, 3, 3)


def test_two_imports_started_together_store_the_bulletin_once(store: Runtime) -> None:
    start = threading.Barrier(2)
    results: list[ingest.ImportResult] = []
    errors: list[Exception] = []

    def run() -> None:
        start.wait(timeout=30)
        try:
            results.append(_import(store, chat_id=-100777))
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(len(r.created) for r in results) == [0, 3]
    with store.sessions() as session:
        counts = [count(session, m) for m in (Bulletin, Task, Report, Party, Chat)]
        assert counts == [1, 3, 3, 3, 1]


def test_a_conflict_that_never_resolves_is_a_clear_error_and_writes_nothing(
    store: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts = []

    def always_collides(session: Any, *args: Any, **kwargs: Any) -> ingest.ImportResult:
        attempts.append(1)
        session.add(Bulletin(source="x", checksum=str(len(attempts)), imported_at=store.clock()))
        session.flush()
        raise IntegrityError("INSERT INTO bulletin", {}, Exception("duplicate key"))

    monkeypatch.setattr(ingest, "import_bulletin", always_collides)
    with pytest.raises(ingest.ImportConflict, match=r"^b\.txt: .*run it again"):
        _import(store, chat_id=-100555)
    assert len(attempts) == 3
    with store.sessions() as session:
        assert count(session, Bulletin) == 0 and count(session, Chat) == 0


def test_roles_are_stored_and_each_bound_chat_gets_an_assignment(store: Runtime) -> None:
    from taskbot.bulletin import parse_bulletin
    from taskbot.services import tasks as task_service
    from taskbot.services.people import Actor, upsert_chat
    from taskbot.store.models import Assignment

    text = "一、要推进社区创熟，由市民政局牵头，各镇（街道）配合，2026年12月31日前完成。\n"
    bulletin = parse_bulletin(text, date=DATE)
    admin = Actor.system("test")
    with store.sessions.begin() as session:
        for chat_id, party in [(-1001, "市民政局"), (-1002, "各镇（街道）"), (-1003, "各镇（街道）")]:
            chat = upsert_chat(session, chat_id, title=f"群{-chat_id}", type="supergroup")
            task_service.bind_party(session, admin, party, chat=chat)
    [task_id] = _import(store, text=text, parsed=bulletin).created
    with store.sessions() as session:
        roles = dict(
            session.execute(
                select(Party.name, TaskParty.role).join(TaskParty, TaskParty.party_id == Party.id)
            ).all()
        )
        shares = session.execute(
            select(Chat.telegram_chat_id, Assignment.role, Assignment.status)
            .join(Chat, Chat.id == Assignment.chat_id)
            .where(Assignment.task_id == task_id)
            .order_by(Assignment.id)
        ).all()
    # 配合 is a role, never part of the party's name
    assert roles == {"市民政局": "lead", "各镇（街道）": "partner"}
    # 各镇（街道） bound in two town groups: one share each, as partners
    assert [tuple(s) for s in shares] == [
        (-1001, "lead", "open"),
        (-1002, "partner", "open"),
        (-1003, "partner", "open"),
    ]
