"""Reading in a child process: a hostile file costs neither the caller's memory nor its time."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest

from taskbot import sandbox
from taskbot.readers import ReadLimits, UnreadableDocument
from tests.ingest.documents import make_docx, make_pdf
from tests.test_readers import zip_bomb_docx

LIMITS = ReadLimits()


def test_a_file_is_read_in_a_child_process(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("各镇街要加强督查。\n", encoding="utf-8")
    assert sandbox.read_isolated(tmp_path / "a.txt", "a.txt", LIMITS, timeout=30, memory_mb=1024) == (
        "各镇街要加强督查。\n"
    )
    pdf = make_pdf([["要加强督查"]])
    assert sandbox.read_isolated(pdf, "a.pdf", LIMITS, timeout=30, memory_mb=1024).strip() == "要加强督查"


def test_errors_come_back_as_one_line() -> None:
    with pytest.raises(UnreadableDocument) as err:
        sandbox.read_isolated(zip_bomb_docx(), "bomb.docx", LIMITS, timeout=30, memory_mb=1024)
    assert str(err.value).startswith("bomb.docx: ") and "zip bomb" in str(err.value)


def test_the_memory_limit_holds_for_what_the_directory_does_not_show() -> None:
    """A .docx inside every declared limit that still needs more memory than the child has."""
    doc = make_docx(["要加强督查"])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(doc)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                head, tail = data.split(b"</w:body>")
                # 80 MB of paragraphs: python-docx's XML tree of it takes far more than 200 MB
                para = b"<w:p><w:r><w:t>x</w:t></w:r></w:p>"
                data = head + para * (80 * 1024 * 1024 // len(para)) + b"</w:body>" + tail
            dst.writestr(item, data)
    limits = ReadLimits(max_zip_ratio=10_000)
    started = time.monotonic()
    with pytest.raises(UnreadableDocument, match=r"^big\.docx: .*(memory|too large|cannot be read)"):
        sandbox.read_isolated(out.getvalue(), "big.docx", limits, timeout=60, memory_mb=200)
    assert time.monotonic() - started < 60


def test_a_child_that_takes_too_long_is_killed(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(UnreadableDocument, match=r"^slow\.txt: reading it took longer than 0\.001 s"):
        # nothing reads 8 MB of text in 1 ms, least of all a process that has to start first
        sandbox.read_isolated(
            "要".encode() * 3_000_000, "slow.txt", ReadLimits(max_chars=10**8), timeout=0.001, memory_mb=1024
        )


def test_read_and_parse_in_the_child() -> None:
    import datetime as dt

    from tests.ingest.bulletins import TEXT

    text, parsed = sandbox.read_and_parse_isolated(
        TEXT.encode(), "b.txt", LIMITS, date=None, today=dt.date(2026, 10, 5), timeout=60, memory_mb=1024
    )
    assert text == TEXT
    assert parsed.directives and all(d.text for d in parsed.directives)
