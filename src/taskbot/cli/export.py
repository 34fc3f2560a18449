"""`taskbot export` (being built)."""

from __future__ import annotations

import argparse

from taskbot.cli.common import CliError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("export", help="(being built)")
    parser.set_defaults(func=_todo)


def _todo(args: argparse.Namespace) -> int:
    raise CliError("not built yet")
