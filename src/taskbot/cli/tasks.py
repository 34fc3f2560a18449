"""``taskbot tasks``: list the stored tasks."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING

from taskbot.cli.common import add_format, open_runtime, print_json, print_table
from taskbot.domain.values import TaskStatus

if TYPE_CHECKING:
    from taskbot.store.models import Task

TASK_COLUMNS = ("id", "status", "progress", "deadline", "cadence", "responsible", "title")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "tasks",
        help="list the stored tasks",
        description="List the stored tasks, oldest first.",
    )
    parser.add_argument(
        "--status",
        choices=[s.value for s in TaskStatus],
        metavar="STATUS",
        help="only tasks in this status: " + ", ".join(s.value for s in TaskStatus),
    )
    add_format(parser)
    parser.set_defaults(func=list_tasks)


def list_tasks(args: argparse.Namespace) -> int:
    """Print the tasks (optionally of one status) as a table or JSON."""
    from taskbot.services import ingest

    runtime = open_runtime(args, writes=False)
    try:
        with runtime.sessions() as session:
            tasks = ingest.list_tasks(session, args.status)
            if args.format == "json":
                print_json([ingest.task_to_json(t) for t in tasks])
            elif tasks:
                print_tasks_table(tasks)
            else:
                print("no tasks" + (f" with status {args.status}" if args.status else ""))
    finally:
        runtime.close()
    return 0


def print_tasks_table(tasks: Sequence[Task]) -> None:
    """Print TASKS (parties loaded) one per line, the columns a supervisor scans first."""
    rows = [
        (
            t.id,
            t.status,
            f"{t.progress}%",
            t.deadline.isoformat() if t.deadline else "",
            ",".join(t.cadence),
            "、".join(p.name for p in t.parties),
            t.title,
        )
        for t in tasks
    ]
    print_table(TASK_COLUMNS, rows)
