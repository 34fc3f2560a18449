"""`taskbot export`: write the office's 台账 (tasks, assignments, history, 红黑榜) to an .xlsx workbook."""

from __future__ import annotations

import argparse

from taskbot.cli.common import CliError
from taskbot.domain.values import TaskStatus
from taskbot.i18n import LANGUAGES


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "export",
        help="write the 台账 (tasks, assignments, history, 红黑榜) to an .xlsx workbook",
        description=(
            "Write the office's 台账 to an .xlsx file: a summary with a chart, one row per assignment, "
            "the tasks, their history, the red/black list, the evidence, and a sheet per unit."
        ),
    )
    parser.add_argument(
        "--output",
        "-o",
        metavar="FILE.xlsx",
        help="where to write (default: taskbot-tasks-YYYYMMDD-HHMM.xlsx in the current directory)",
    )
    parser.add_argument(
        "--status",
        choices=[s.value for s in TaskStatus],
        help="only tasks with this status",
    )
    parser.add_argument("--lang", choices=LANGUAGES, help="language of the headers (default: the setting)")
    parser.set_defaults(func=run_export)


def run_export(args: argparse.Namespace) -> int:
    """Write the workbook and print where it went and what it holds."""
    from pathlib import Path

    from taskbot.cli.common import open_runtime
    from taskbot.services.digest import red_black_rules
    from taskbot.services.export import by_unit, export_filename, write_xlsx

    runtime = open_runtime(args, writes=False)
    try:
        settings = runtime.settings
        target = Path(args.output) if args.output else Path(export_filename(runtime.clock(), settings.tz))
        if target.suffix.lower() != ".xlsx":
            raise CliError(f"{target}: the output file must end in .xlsx", 2)
        if target.parent and not target.parent.is_dir():
            raise CliError(f"{target.parent}: no such directory")
        try:
            with runtime.sessions() as session:
                data = write_xlsx(
                    session,
                    target,
                    lang=args.lang or settings.language,
                    tz=settings.tz,
                    status=args.status,
                    now=runtime.clock(),
                    rules=red_black_rules(settings),
                )
        except OSError as exc:
            raise CliError(f"{target}: cannot write ({exc.strerror or exc.__class__.__name__})") from None
    finally:
        runtime.close()
    units = len(by_unit(data.units))
    print(
        f"{target}: {len(data.tasks)} tasks, {len(data.history)} history entries, "
        f"{len(data.units)} assignments of {units} units"
    )
    return 0
