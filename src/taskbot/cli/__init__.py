"""The ``taskbot`` command line.

Each command group lives in its own module exposing ``register(subparsers)``. Modules import
their heavy dependencies inside the handlers, so ``taskbot parse`` starts fast.
Exit codes: 0 ok, 1 failure, 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from taskbot import __version__
from taskbot.cli import bot, calendarcmd, dbcmd, export, ingest, parsing, reports, schedule, tasks
from taskbot.cli.common import EXIT_FAILURE, EXIT_USAGE, CliError
from taskbot.store.errors import StoreConfigError, StoreError

COMMAND_MODULES = (bot, parsing, ingest, tasks, schedule, reports, export, calendarcmd, dbcmd)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="taskbot",
        description="Turn bulletin directives into supervised tasks and remind officials in Telegram.",
    )
    parser.add_argument("--version", action="version", version=f"taskbot {__version__}")
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="YAML config file (default: $TASKBOT_CONFIG, then built-in defaults)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.func(args) or 0)
    except CliError as exc:
        print(f"taskbot: {exc}", file=sys.stderr)
        return exc.code
    except StoreError as exc:
        print(f"taskbot: {exc}", file=sys.stderr)
        return EXIT_USAGE if isinstance(exc, StoreConfigError) else EXIT_FAILURE
    except BrokenPipeError:
        # The reader went away (`taskbot tasks | head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return EXIT_FAILURE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

__all__ = ["EXIT_USAGE", "build_parser", "main"]
