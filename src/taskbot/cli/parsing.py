"""`taskbot parse FILE [--date YYYY-MM-DD] [--format table|json]`: show the directives of a bulletin."""

from __future__ import annotations

import argparse

from taskbot.cli.common import add_format, date_option, load, print_json, print_table, read_bulletin


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "parse",
        help="show the directives of a bulletin file (nothing is stored)",
        description="Read a bulletin (.txt/.md, .docx, .pdf with a text layer) and print its directives: "
        "text, title, responsible parties, cadence, deadline, target, section and keywords.",
    )
    parser.add_argument("file", metavar="FILE", help="the bulletin file")
    parser.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        help="the bulletin's date, for resolving deadlines such as 年底前 (default: the date the text "
        "gives, else today)",
    )
    add_format(parser)
    parser.set_defaults(func=run_parse)


def run_parse(args: argparse.Namespace) -> int:
    """Print the directives of the bulletin in args.file."""
    from taskbot.bulletin import parse_bulletin
    from taskbot.domain.text import printable

    date = date_option(args.date, "--date")
    parsed = parse_bulletin(read_bulletin(args.file, load(args)), date)
    if args.format == "json":
        print_json(parsed.to_json())
        return 0
    title = printable(parsed.title or "")
    print(f"bulletin date {parsed.date.isoformat()} ({parsed.date_source})  {title}".rstrip())
    rows = [
        (
            i,
            d.title,
            "、".join(d.responsible),
            ",".join(d.cadence),
            d.deadline.isoformat() if d.deadline else "",
            d.target or "",
        )
        for i, d in enumerate(parsed.directives, 1)
    ]
    print_table(("#", "title", "responsible", "cadence", "deadline", "target"), rows, max_col=32)
    print(f"{len(parsed.directives)} directives")
    return 0
