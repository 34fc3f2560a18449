"""The report history is append-only in practice: no code path updates or deletes a report row."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import event, select

from taskbot.runtime import Runtime
from taskbot.services import ingest
from taskbot.services import tasks as task_service
from taskbot.services.people import Actor
from taskbot.store.models import Report
from tests.ingest.bulletins import TEXT, parsed

SRC = Path(__file__).resolve().parents[2] / "src" / "taskbot"
REPORT_WRITE = re.compile(r"^\s*(UPDATE\s+report\b|DELETE\s+FROM\s+report\b)", re.IGNORECASE)


def test_importing_and_changing_tasks_only_ever_inserts_reports(runtime: Runtime) -> None:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(runtime.engine, "before_cursor_execute", record)
    now = runtime.clock()
    first = ingest.import_document(runtime.sessions, parsed(), source="b.txt", text=TEXT, now=now)
    ingest.import_document(runtime.sessions, parsed(), source="b.txt", text=TEXT, now=now, chat_id=-1001)
    admin = Actor.system("test")
    with runtime.sessions() as session, session.begin():
        task_service.mark_done(session, first.created[0], admin, now, "完成")
        task_service.reopen_task(session, first.created[0], admin, now, "返工")
        task_service.set_deadline(session, first.created[1], admin, now, None)
    with runtime.sessions() as session:
        ingest.preview_import(session, parsed(), text=TEXT)
        ingest.list_tasks(session)
        history = list(session.scalars(select(Report.kind).order_by(Report.id)))
    event.remove(runtime.engine, "before_cursor_execute", record)

    assert [s for s in statements if REPORT_WRITE.match(s)] == []
    assert any(s.lstrip().upper().startswith("INSERT INTO REPORT") for s in statements)
    assert history == ["created", "created", "created", "done", "reopened", "deadline"]


def test_no_source_file_updates_or_deletes_reports() -> None:
    forbidden = re.compile(
        r"(update|delete)\(\s*Report\b|Report\.__table__\.(update|delete)|(UPDATE|DELETE FROM)\s+report\b"
    )
    offenders = [
        f"{path.relative_to(SRC)}:{number}"
        for path in sorted(SRC.rglob("*.py"))
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if forbidden.search(line)
    ]
    assert offenders == []
