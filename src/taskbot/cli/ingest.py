"""``taskbot import``: read a bulletin file, find its directives and store them as tasks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from taskbot.cli.common import (
    EXIT_USAGE,
    CliError,
    add_format,
    date_option,
    load,
    open_runtime,
    print_json,
    print_table,
    read_bulletin,
)

if TYPE_CHECKING:
    from taskbot.bulletin.model import ParsedBulletin
    from taskbot.services.ingest import ImportPreview, ImportResult
    from taskbot.store.models import Task

ACTOR = "cli"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "import",
        help="store the tasks of a bulletin file",
        description=(
            "Read a bulletin (.txt/.md in UTF-8 or GB18030, .docx, .pdf with a text layer), find its "
            "directives and store them as tasks. Importing the same bulletin again creates nothing new."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="the bulletin file")
    parser.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        help="date of the bulletin, for deadlines like 年底前 (default: the date in the text, else today)",
    )
    parser.add_argument(
        "--chat",
        type=int,
        metavar="CHAT_ID",
        help="send the new tasks to this Telegram chat instead of the chats bound to their parties",
    )
    parser.add_argument(
        "--exclude",
        metavar="N,M",
        help="leave out the directives with these numbers, as `taskbot parse FILE` shows them "
        "(e.g. 3,7 or 3-5)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would be created, without writing anything"
    )
    add_format(parser)
    parser.set_defaults(func=run_import)


def run_import(args: argparse.Namespace) -> int:
    """Import the bulletin FILE and print what was created and what was already there."""
    from sqlalchemy.exc import SQLAlchemyError

    from taskbot.bulletin import parse_bulletin
    from taskbot.services import ingest

    date = date_option(args.date, "--date")
    settings = load(args)  # a bad configuration is reported before the file is even read
    text = read_bulletin(args.file, settings)
    runtime = open_runtime(args, writes=not args.dry_run)
    try:
        now = runtime.clock()
        parsed = parse_bulletin(text, date, today=now.astimezone(settings.tz).date())
        source = Path(args.file).name
        if not parsed.directives:
            print(f"taskbot: no directives found in {args.file}", file=sys.stderr)
        if args.exclude:
            parsed = parsed.without(exclusions(args.exclude, len(parsed.directives)))
        if args.dry_run:
            with runtime.sessions() as session:
                _print_preview(args, parsed, ingest.preview_import(session, parsed, text=text), source)
            return 0
        result = ingest.import_document(
            runtime.sessions, parsed, source=source, text=text, now=now, chat_id=args.chat, actor=ACTOR
        )
        with runtime.sessions() as session:
            created = ingest.list_tasks(session, ids=result.created)
            _print_result(args, parsed, result, created, source)
    except ingest.ImportConflict as exc:
        raise CliError(str(exc)) from None
    except SQLAlchemyError as exc:
        raise CliError(f"database error while importing {args.file}: {_first_line(exc)}") from None
    finally:
        runtime.close()
    return 0


def exclusions(value: str, count: int) -> set[int]:
    """The directive numbers of an --exclude value ("3,7", "3-5"), each checked against COUNT."""
    numbers: set[int] = set()
    for part in value.replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        low, _, high = part.partition("-")
        try:
            first, last = int(low), int(high or low)
        except ValueError:
            bad = f"--exclude: {part!r} is not a directive number (e.g. 3,7 or 3-5)"
            raise CliError(bad, EXIT_USAGE) from None
        if not 1 <= first <= last <= count:
            bad = f"--exclude: {part} is outside the directives of this bulletin (1-{count})"
            raise CliError(bad, EXIT_USAGE)
        numbers.update(range(first, last + 1))
    return numbers


def _print_result(
    args: argparse.Namespace, parsed: ParsedBulletin, result: ImportResult, created: list[Task], source: str
) -> None:
    from taskbot.cli.tasks import print_tasks_table
    from taskbot.services.ingest import task_to_json

    if args.format == "json":
        print_json(
            {
                "bulletin": _bulletin_json(result.bulletin_id, parsed, source, new=result.new_bulletin),
                "counts": {"created": len(result.created), "unchanged": len(result.unchanged)},
                "created": [task_to_json(t) for t in created],
                "unchanged": result.unchanged,
            }
        )
        return
    known = "" if result.new_bulletin else " (imported before)"
    print(f"bulletin #{result.bulletin_id} {parsed.date.isoformat()} {source}{known}")
    print(f"created {len(result.created)}, unchanged {len(result.unchanged)}")
    if created:
        print()
        print_tasks_table(created)


def _print_preview(
    args: argparse.Namespace, parsed: ParsedBulletin, preview: ImportPreview, source: str
) -> None:
    if args.format == "json":
        print_json(
            {
                "dry_run": True,
                "bulletin": _bulletin_json(
                    preview.bulletin_id, parsed, source, new=preview.bulletin_id is None
                ),
                "counts": {"created": len(preview.new), "unchanged": len(preview.unchanged)},
                "created": [d.to_json() for d in preview.new],
                "unchanged": [task_id for _d, task_id in preview.unchanged],
            }
        )
        return
    print(f"dry run: {source} {parsed.date.isoformat()}, nothing written")
    print(f"would create {len(preview.new)}, unchanged {len(preview.unchanged)}")
    if preview.new:
        print()
        rows = [
            (
                d.deadline.isoformat() if d.deadline else "",
                ",".join(d.cadence),
                "、".join(d.responsible),
                d.title,
            )
            for d in preview.new
        ]
        print_table(("deadline", "cadence", "responsible", "title"), rows)


def _bulletin_json(
    bulletin_id: int | None, parsed: ParsedBulletin, source: str, *, new: bool
) -> dict[str, Any]:
    return {
        "id": bulletin_id,
        "source": source,
        "date": parsed.date.isoformat(),
        "date_source": parsed.date_source,
        "title": parsed.title,
        "new": new,
    }


def _first_line(exc: Exception) -> str:
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return detail[0] if detail else exc.__class__.__name__
