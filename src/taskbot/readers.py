"""Bulletin files to text: .txt/.md (UTF-8, UTF-8 with BOM, GB18030), .docx, .pdf with a text layer.

(Minimal first version: plain UTF-8 text. Being extended.)
"""

from __future__ import annotations

from pathlib import Path


class UnreadableDocument(Exception):
    """The file cannot be turned into text; the message is one line fit for a user."""


def read_document_bytes(data: bytes, filename: str) -> str:
    """Decode the bytes of a bulletin file named FILENAME into text."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableDocument(f"{filename}: not UTF-8 text") from None


def read_document(path: str | Path) -> str:
    """Read the bulletin file at PATH into text."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise UnreadableDocument(f"{p}: cannot read ({exc.strerror or exc.__class__.__name__})") from None
    return read_document_bytes(data, p.name)
