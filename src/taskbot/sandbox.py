"""Reading a bulletin file in a separate process, with a time limit and a memory limit.

A file someone sent may be built to hurt (a zip bomb, a PDF of 60 000 pages, damaged XML that makes
a parser spin). ``readers`` refuses what a file declares before reading it; this module reads the rest
in a child process whose address space is capped (``RLIMIT_AS``) and which is killed when it takes too
long, so a file can cost the bot neither its memory nor its event loop. Every failure is an
``UnreadableDocument`` with a one-line message fit for a user.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import multiprocessing.connection
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from taskbot.readers import ReadLimits, UnreadableDocument, read_document, read_document_bytes

if TYPE_CHECKING:
    from taskbot.bulletin.model import ParsedBulletin
    from taskbot.config import Settings

# Modules the fork server loads once, so that each child starts in milliseconds, jieba's
# dictionary included (``taskbot.bulletin.warm`` loads it).
_PRELOAD = ["taskbot.readers", "docx", "pypdf", "taskbot.bulletin.warm"]
_context: Any = None


def read_limits(settings: Settings, *, max_bytes: int | None = None) -> ReadLimits:
    """The ``ingest.*`` limits of SETTINGS; MAX_BYTES overrides ``ingest.max_file_bytes``."""
    ing = settings.ingest
    return ReadLimits(
        max_bytes=max_bytes if max_bytes is not None else ing.max_file_bytes,
        max_chars=ing.max_chars,
        max_zip_entries=ing.max_zip_entries,
        max_unzipped_bytes=ing.max_unzipped_bytes,
        max_zip_ratio=ing.max_zip_ratio,
        max_pdf_pages=ing.max_pdf_pages,
    )


def read_isolated(
    source: str | os.PathLike[str] | bytes,
    name: str,
    limits: ReadLimits,
    *,
    timeout: float,
    memory_mb: int,
) -> str:
    """Read SOURCE (a path, or the bytes of a file named NAME) into text in a child process.

    Blocks until the child answers, dies or runs out of TIMEOUT seconds (it is then killed).
    """
    return str(_in_child(source, name, limits, None, timeout=timeout, memory_mb=memory_mb))


def read_and_parse_isolated(
    source: str | os.PathLike[str] | bytes,
    name: str,
    limits: ReadLimits,
    *,
    date: dt.date | None,
    today: dt.date,
    timeout: float,
    memory_mb: int,
) -> tuple[str, ParsedBulletin]:
    """Read SOURCE and parse it as a bulletin (``parse_bulletin(text, DATE, today=TODAY)``) in a child."""
    text, parsed = _in_child(source, name, limits, (date, today), timeout=timeout, memory_mb=memory_mb)
    return text, parsed


def warm_up() -> None:
    """Start the worker's fork server now (it loads the readers and jieba once, a second or two),
    so that the first file someone sends is not the one that waits for it."""
    read_isolated(b"warm", "warm.txt", ReadLimits(), timeout=120, memory_mb=1024)


def _in_child(
    source: str | os.PathLike[str] | bytes,
    name: str,
    limits: ReadLimits,
    parse: tuple[dt.date | None, dt.date] | None,
    *,
    timeout: float,
    memory_mb: int,
) -> Any:
    payload: str | bytes = source if isinstance(source, bytes) else os.fspath(source)
    receiver, sender = _mp().Pipe(duplex=False)
    child = _mp().Process(
        target=_child,
        args=(sender, payload, name, limits, parse, memory_mb),
        name="taskbot-reader",
        daemon=True,
    )
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise UnreadableDocument(
                f"{name}: reading it took longer than {timeout:g} s; the file is too large or damaged"
            )
        try:
            status, value = receiver.recv()
        except (EOFError, OSError):
            # The child died without a word: the memory limit (or a crash in a C library).
            raise UnreadableDocument(_out_of_memory(name, memory_mb)) from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if status == "ok":
        return value
    raise UnreadableDocument(str(value))


def _mp() -> Any:
    global _context
    if _context is None:
        methods = multiprocessing.get_all_start_methods()
        # Never plain fork: the bot has threads, and a forked copy of a threaded process may deadlock.
        _context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if "forkserver" in methods:
            _context.set_forkserver_preload(_PRELOAD)
    return _context


def _child(
    conn: multiprocessing.connection.Connection,
    source: str | bytes,
    name: str,
    limits: ReadLimits,
    parse: tuple[dt.date | None, dt.date] | None,
    memory_mb: int,
) -> None:
    """In the child: cap the memory, read (and parse), send ("ok", value) or ("error", message)."""
    _cap_memory(memory_mb)
    result: tuple[str, Any]
    try:
        if isinstance(source, bytes):
            text = read_document_bytes(source, name, limits=limits)
        else:
            text = read_document(Path(source), limits=limits)
        if parse is None:
            result = ("ok", text)
        else:
            from taskbot.bulletin import parse_bulletin

            date, today = parse
            result = ("ok", (text, parse_bulletin(text, date, today=today)))
    except UnreadableDocument as exc:
        result = ("error", str(exc))
    except MemoryError:
        result = ("error", _out_of_memory(name, memory_mb))
    except Exception as exc:  # a reader bug must still come back as one line
        result = ("error", f"{name}: cannot be read ({exc.__class__.__name__})")
    try:
        conn.send(result)
    except MemoryError:
        conn.send(("error", f"{name}: its text is too large to hand back within {memory_mb} MB"))
    finally:
        conn.close()


def _out_of_memory(name: str, memory_mb: int) -> str:
    return f"{name}: reading it needs more than {memory_mb} MB of memory; the file is too large or damaged"


def _cap_memory(memory_mb: int) -> None:
    try:
        import resource
    except ImportError:  # not POSIX: the time limit still holds
        return
    cap = memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
