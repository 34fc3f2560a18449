"""What the command modules share: errors with exit codes, settings and runtime loading, output."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from taskbot.domain.text import printable
from taskbot.domain.values import DATE_MAX, DATE_MIN, in_date_window

if TYPE_CHECKING:
    from taskbot.config import Settings
    from taskbot.runtime import Runtime

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


class CliError(Exception):
    """A failure to report as one line on stderr with an exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.code = code


def load(args: argparse.Namespace) -> Settings:
    """Load the settings or fail with exit code 2 and one line naming what is wrong."""
    from taskbot.config import ConfigError, load_settings

    try:
        return load_settings(args.config)
    except ConfigError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None


def read_bulletin(path: str, settings: Settings) -> str:
    """The text of the bulletin file PATH, refused when over the ``ingest.*`` limits.

    The command line reads in its own process (one user, who can stop it); the bot reads the files
    people send in a child process with a time and a memory limit (``taskbot.sandbox``).
    """
    from taskbot.readers import UnreadableDocument, read_document
    from taskbot.sandbox import read_limits

    try:
        return read_document(path, limits=read_limits(settings))
    except UnreadableDocument as exc:
        raise CliError(str(exc)) from None


def open_runtime(args: argparse.Namespace, *, migrate: bool = True, writes: bool = True) -> Runtime:
    """Load the settings and open the store, upgrading an out-of-date schema.

    A command that WRITES nothing gets an empty in-memory store when the SQLite file does not exist
    yet, so it creates no file.
    """
    settings = load(args)
    return runtime_for(settings, migrate=migrate, create=writes)


def runtime_for(settings: Settings, *, migrate: bool = True, create: bool = True) -> Runtime:
    """Open the store of SETTINGS, or fail with one line (exit 2 when the URL itself is unusable)."""
    from taskbot.runtime import build_runtime
    from taskbot.store.errors import StoreConfigError, StoreError

    try:
        return build_runtime(settings, migrate=migrate, create=create)
    except StoreConfigError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    except StoreError as exc:
        raise CliError(str(exc), EXIT_FAILURE) from None


def date_option(value: str | None, option: str) -> dt.date | None:
    """The YYYY-MM-DD date given to OPTION (None when not given), or a one-line usage error."""
    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise CliError(f"{option}: {value!r} is not a date of the form YYYY-MM-DD", EXIT_USAGE) from None
    if not in_date_window(day):
        raise CliError(f"{option}: the date must lie between {DATE_MIN} and {DATE_MAX}", EXIT_USAGE)
    return day


def add_format(parser: argparse.ArgumentParser, default: str = "table") -> None:
    parser.add_argument(
        "--format", choices=("table", "json"), default=default, help=f"output format (default: {default})"
    )


def print_json(data: Any) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    # JSON escapes C0 controls itself; DEL, C1 and bidi or zero-width characters get \u escapes too.
    if not text.isprintable():
        text = "".join(c if c.isprintable() or c in "\n " else json.dumps(c)[1:-1] for c in text)
    sys.stdout.write(text + "\n")


def _width(text: str) -> int:
    # CJK characters take two terminal columns.
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def clip(text: str, columns: int) -> str:
    """Cut TEXT to at most COLUMNS terminal columns, marking the cut with an ellipsis."""
    if _width(text) <= columns:
        return text
    out, used = [], 0
    for ch in text:
        w = _width(ch)
        if used + w > columns - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], max_col: int = 40) -> None:
    """Print an aligned table that accounts for double-width CJK characters."""
    # Stored text is anyone's: a control character (an escape sequence) is shown, never sent raw.
    cells = [[clip(printable("" if v is None else str(v)), max_col) for v in row] for row in rows]
    widths = [_width(h) for h in headers]
    for row in cells:
        for i, v in enumerate(row):
            widths[i] = max(widths[i], _width(v))

    def line(values: Sequence[str]) -> str:
        return "  ".join(v + " " * (widths[i] - _width(v)) for i, v in enumerate(values)).rstrip()

    print(line(headers))
    print(line(["-" * w for w in widths]))
    for row in cells:
        print(line(row))
