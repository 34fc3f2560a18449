"""``taskbot calendar``: the workdays and rest days the bot will use in a year, and where they come from."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from taskbot.cli.common import EXIT_USAGE, CliError, add_format, load, print_json, print_table

if TYPE_CHECKING:
    from taskbot.domain.calendar import DayKind

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
SOURCE_NAMES = {"config": "config", "chinesecalendar": "chinesecalendar", "statutory": "statutory fallback"}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "calendar",
        help="show the holidays and make-up workdays the bot will use in a year",
        description="Show the rest days and workdays of a year that differ from a plain Monday–Friday "
        "week, with the source of each: the config (calendar.holidays / calendar.workdays), "
        "chinesecalendar, or the statutory fallback for years chinesecalendar does not know.",
    )
    parser.add_argument(
        "--year", type=int, metavar="Y", help="the year (default: this year in the configured zone)"
    )
    add_format(parser)
    parser.set_defaults(func=show_calendar)


def show_calendar(args: argparse.Namespace) -> int:
    """Print the year's notable days as a table or as JSON."""
    from taskbot.clock import system_clock
    from taskbot.domain.calendar import Source
    from taskbot.runtime import work_calendar

    settings = load(args)
    year = args.year if args.year is not None else system_clock().astimezone(settings.tz).year
    if not 1 <= year <= 9998:
        raise CliError("--year must be between 1 and 9998", EXIT_USAGE)
    days = work_calendar(settings).year(year)
    notable = [d for d in days if not d.ordinary]
    sources = sorted({d.source.value for d in days})
    workdays = sum(d.workday for d in days)
    if args.format == "json":
        print_json(
            {
                "year": year,
                "sources": sources,
                "workdays": workdays,
                "rest_days": len(days) - workdays,
                "days": [_day_json(d) for d in notable],
            }
        )
        return 0
    names = ", ".join(SOURCE_NAMES[s] for s in sources)
    print(f"{year}: {workdays} workdays, {len(days) - workdays} rest days (source: {names})")
    if Source.STATUTORY.value in sources:
        print(
            "  no official schedule for this year: statutory holidays and weekends, no 调休; "
            "set calendar.holidays and calendar.workdays to the State Council's schedule"
        )
    print()
    print_table(
        ["date", "weekday", "day", "festival", "source"],
        [
            (d.day.isoformat(), WEEKDAYS[d.day.weekday()], _kind(d), d.festival or "", SOURCE_NAMES[d.source])
            for d in notable
        ],
    )
    return 0


def _kind(day: DayKind) -> str:
    if day.workday:
        return "workday" if day.day.weekday() < 5 else "workday (调休)"
    return "rest" if day.day.weekday() >= 5 else "holiday"


def _day_json(day: DayKind) -> dict[str, Any]:
    return {
        "date": day.day.isoformat(),
        "weekday": WEEKDAYS[day.day.weekday()],
        "workday": day.workday,
        "festival": day.festival,
        "source": day.source.value,
    }
