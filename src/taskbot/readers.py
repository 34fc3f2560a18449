"""Bulletin files to text: .txt/.md, .docx, and .pdf with a text layer.

Plain text may be UTF-8 (with or without a BOM), UTF-16/UTF-32 with a BOM, or GB18030/GBK; the
encoding is detected without extra packages. Every failure is an ``UnreadableDocument`` whose message
is one line naming the file and what is wrong, fit to show a user as it is.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = frozenset({".txt", ".md", ".text", ".markdown"})
SUPPORTED = ".txt, .md, .docx, .pdf"
# Formats people send that we cannot read, with what to do instead.
_HINTS = {
    ".doc": "old Word format; save it as .docx",
    ".wps": "WPS format; save it as .docx",
    ".rtf": "save it as .docx or .txt",
}

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# A GB18030 decoding counts as text only if most of its non-ASCII characters are in GB2312 (the
# 7 445 characters everyday Chinese is written with): simplified text scores ~1.0, traditional text
# in GBK ~0.65, while Big5 misread as GB18030 scores ~0.4 and random bytes rarely decode at all.
_MIN_GB2312_SHARE = 0.55
_MIN_NON_ASCII_TO_JUDGE = 8


class UnreadableDocument(Exception):
    """The file cannot be turned into text; the message is one line fit for a user."""


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """What a file may hold before it is refused; checked before the expensive part is read.

    The defaults are the config's (``ingest.*``); a real bulletin is far inside every one.
    """

    max_bytes: int = DEFAULT_MAX_BYTES
    max_chars: int = 1_000_000  # characters of text, from any format
    max_zip_entries: int = 1000  # files inside a .docx
    max_unzipped_bytes: int = 100 * 1024 * 1024  # their total size once decompressed
    max_zip_ratio: int = 100  # decompressed ÷ compressed, per entry
    max_pdf_pages: int = 2000


def read_document(path: str | Path, *, limits: ReadLimits = ReadLimits()) -> str:
    """Read the bulletin file at PATH into text."""
    max_bytes = limits.max_bytes
    p = Path(path)
    name = str(path)
    _check_suffix(p.name, name)
    try:
        size = p.stat().st_size
        if p.is_dir():
            raise UnreadableDocument(f"{name}: is a directory, not a file")
        if size > max_bytes:
            raise UnreadableDocument(f"{name}: {_too_large(size, max_bytes)}")
        data = p.read_bytes()
    except FileNotFoundError:
        raise UnreadableDocument(f"{name}: no such file") from None
    except PermissionError:
        raise UnreadableDocument(f"{name}: permission denied") from None
    except OSError as exc:
        raise UnreadableDocument(f"{name}: cannot read ({exc.strerror or exc.__class__.__name__})") from None
    return _read(data, p.suffix.lower(), name, limits)


def read_document_bytes(data: bytes, filename: str, *, limits: ReadLimits = ReadLimits()) -> str:
    """Turn the bytes of a bulletin file named FILENAME (its extension decides the format) into text."""
    _check_suffix(filename, filename)
    return _read(data, Path(filename).suffix.lower(), filename, limits)


def _read(data: bytes, suffix: str, name: str, limits: ReadLimits) -> str:
    if not data:
        raise UnreadableDocument(f"{name}: the file is empty")
    if len(data) > limits.max_bytes:
        raise UnreadableDocument(f"{name}: {_too_large(len(data), limits.max_bytes)}")
    reader: Callable[[bytes, str, ReadLimits], str]
    if suffix in TEXT_SUFFIXES:
        reader = _read_text
    elif suffix == ".docx":
        reader = _read_docx
    else:
        reader = _read_pdf
    text = reader(data, name, limits)
    if len(text) > limits.max_chars:
        raise UnreadableDocument(f"{name}: {_too_many_chars(limits)}")
    if not text.strip():
        raise UnreadableDocument(f"{name}: contains no text")
    return text


def _too_many_chars(limits: ReadLimits) -> str:
    return f"too much text (over the limit of {limits.max_chars:,} characters)"


def _check_suffix(filename: str, name: str) -> None:
    suffix = Path(filename).suffix.lower()
    if suffix in TEXT_SUFFIXES or suffix in (".docx", ".pdf"):
        return
    if not suffix:
        raise UnreadableDocument(f"{name}: no file extension; supported types are {SUPPORTED}")
    hint = _HINTS.get(suffix)
    what = f"unsupported file type {suffix}"
    raise UnreadableDocument(
        f"{name}: {what} ({hint})" if hint else f"{name}: {what}; supported: {SUPPORTED}"
    )


def _too_large(size: int, max_bytes: int) -> str:
    shown, limit = file_sizes(size, max_bytes)
    return f"too large ({shown}, the limit is {limit})"


def file_sizes(size: int, limit: int) -> tuple[str, str]:
    """SIZE and LIMIT in MB (bytes when small), with as many decimals as it takes to tell them apart."""
    if size < 100 * 1024 and limit < 100 * 1024:
        return f"{size} bytes", f"{limit} bytes"
    mib = 1024 * 1024
    for places in (1, 2, 3, 4, 5, 6):
        shown, cap = f"{size / mib:.{places}f} MB", f"{limit / mib:.{places}f} MB"
        if shown != cap or size == limit:
            return shown, cap
    return f"{size:,} bytes", f"{limit:,} bytes"


# --- plain text ---------------------------------------------------------------------------------


def _read_text(data: bytes, name: str, limits: ReadLimits) -> str:
    # Even UTF-8 spends at least one byte per character: a file this small cannot hold too much.
    if len(data) > 4 * limits.max_chars + 4:
        raise UnreadableDocument(f"{name}: {_too_many_chars(limits)}")
    return _normalise_newlines(decode_text(data, name))


def decode_text(data: bytes, name: str = "text") -> str:
    """Decode bulletin text: a BOM decides; else strict UTF-8; else GB18030 if it reads as Chinese."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise UnreadableDocument(f"{name}: starts like {encoding.upper()} but is not valid") from None
    if _looks_binary(data):
        raise UnreadableDocument(f"{name}: looks like binary data, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise UnreadableDocument(f"{name}: unknown text encoding (save it as UTF-8)") from None
    if not _plausible_chinese(data, text):
        raise UnreadableDocument(f"{name}: unknown text encoding (save it as UTF-8)")
    return text


def _looks_binary(data: bytes) -> bool:
    sample = data[: 64 * 1024]
    # Text never holds NUL (UTF-16 without a BOM is the exception, and we do not guess that).
    if b"\x00" in sample:
        return True
    controls = sum(sample.count(bytes([c])) for c in range(32) if c not in (9, 10, 12, 13, 26, 27))
    return controls > len(sample) // 200


def _plausible_chinese(data: bytes, text: str) -> bool:
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    if non_ascii < _MIN_NON_ASCII_TO_JUDGE:
        return non_ascii > 0 and not _NOT_CJK.search(text)
    if len(_PRIVATE_OR_CONTROL.findall(text)) > non_ascii // 100:
        return False
    # Characters outside GB2312 come back as U+FFFD (one or two per character): count them.
    outside = data.decode("gb2312", errors="replace").count("\ufffd")
    return 1 - outside / non_ascii >= _MIN_GB2312_SHARE


_NOT_CJK = re.compile(r"[^\x00-\x7f\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
_PRIVATE_OR_CONTROL = re.compile(r"[\ue000-\uf8ff\x00-\x08\x0b\x0e-\x19\x1c-\x1f\x7f]")


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- Word (.docx) -------------------------------------------------------------------------------


def _read_docx(data: bytes, name: str, limits: ReadLimits) -> str:
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise UnreadableDocument(f"{name}: not a valid .docx file (corrupt, or another format renamed)")
    _check_zip_directory(data, name, limits)
    try:
        document = docx.Document(io.BytesIO(data))
        lines = list(_docx_lines(document))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError):
        raise UnreadableDocument(
            f"{name}: not a valid .docx file (corrupt, or another format renamed)"
        ) from None
    except MemoryError:
        raise
    except Exception as exc:  # lxml and python-docx raise many kinds on damaged XML
        raise UnreadableDocument(f"{name}: damaged .docx file ({exc.__class__.__name__})") from None
    return _normalise_newlines("\n".join(lines))


def _check_zip_directory(data: bytes, name: str, limits: ReadLimits) -> None:
    """Refuse a zip bomb from its central directory alone, before anything is decompressed."""
    import zipfile

    try:
        entries = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UnreadableDocument(
            f"{name}: not a valid .docx file (corrupt, or another format renamed)"
        ) from None
    if len(entries) > limits.max_zip_entries:
        raise UnreadableDocument(
            f"{name}: too many parts inside the .docx "
            f"({len(entries):,}, the limit is {limits.max_zip_entries:,})"
        )
    total = sum(e.file_size for e in entries)
    if total > limits.max_unzipped_bytes:
        shown, cap = file_sizes(total, limits.max_unzipped_bytes)
        raise UnreadableDocument(f"{name}: the .docx unpacks to {shown}, over the limit of {cap}")
    for e in entries:
        if e.file_size > limits.max_zip_ratio * max(e.compress_size, 1) and e.file_size > 1024 * 1024:
            raise UnreadableDocument(
                f"{name}: the .docx is compressed suspiciously well "
                f"(over {limits.max_zip_ratio}:1); it looks like a zip bomb"
            )


def _docx_lines(container: Any) -> Iterator[str]:
    """Paragraph and table-cell text in document order; a merged cell once, nested tables inside."""
    from docx.table import Table

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            yield from _table_lines(block)
        else:
            yield block.text


def _table_lines(table: Any) -> Iterator[str]:
    # A merged cell is the same <w:tc> element in every row and column it spans. The dict holds
    # the elements, so an id cannot be reused by a new proxy while we compare.
    seen: dict[int, Any] = {}
    for row in table.rows:
        for cell in row.cells:
            if id(cell._tc) not in seen:
                seen[id(cell._tc)] = cell._tc
                yield from _docx_lines(cell)


# --- PDF ----------------------------------------------------------------------------------------


def _read_pdf(data: bytes, name: str, limits: ReadLimits) -> str:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

    # pypdf logs every small defect it repairs; the user only needs to hear about failures.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        raise UnreadableDocument(f"{name}: not a PDF file (corrupt, or another format renamed)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _decrypt_without_password(reader):
            raise UnreadableDocument(f"{name}: the PDF is password-protected")
        count = _declared_pages(reader)
        if count > limits.max_pdf_pages:
            raise UnreadableDocument(
                f"{name}: the PDF has {count:,} pages, over the limit of {limits.max_pdf_pages:,}"
            )
        pages = _pdf_pages(reader, name, limits)
    except UnreadableDocument:
        raise
    except (FileNotDecryptedError, DependencyError):
        raise UnreadableDocument(f"{name}: the PDF is encrypted and cannot be opened") from None
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        raise UnreadableDocument(f"{name}: damaged PDF file ({exc.__class__.__name__})") from None
    if not pages:
        raise UnreadableDocument(f"{name}: the PDF has no pages")
    text = _normalise_newlines("\n".join(pages))
    if not text.strip():
        raise UnreadableDocument(f"{name}: the PDF has no text layer (scanned?); run OCR on it first")
    return text


def _declared_pages(reader: Any) -> int:
    """The page count the page tree declares (/Count), read without walking the tree.

    ``len(reader.pages)`` flattens the whole tree first: 15 s for 60 000 pages. A tree that lies
    about its count is still bounded: by the text limit, and in the bot by the worker's time limit.
    """
    try:
        count = reader.trailer["/Root"]["/Pages"]["/Count"]
        return int(count)
    except (KeyError, TypeError, ValueError, AttributeError):
        return len(reader.pages)


def _pdf_pages(reader: Any, name: str, limits: ReadLimits) -> list[str]:
    """Each page's text, stopping as soon as the text is over the character limit."""
    pages: list[str] = []
    chars = 0
    for page in reader.pages:
        text = page.extract_text() or ""
        chars += len(text) + 1
        if chars > limits.max_chars:
            raise UnreadableDocument(f"{name}: {_too_many_chars(limits)}")
        pages.append(text)
    return pages


def _decrypt_without_password(reader: Any) -> bool:
    # Many PDFs are "encrypted" with an empty user password just to forbid editing.
    try:
        return bool(reader.decrypt(""))
    except Exception:
        return False
