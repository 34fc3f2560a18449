"""Bulletin files of every supported kind become the same text; every bad file gets a one-line error."""

from __future__ import annotations

import codecs
import io
import zipfile
from pathlib import Path

import pytest

from taskbot.readers import ReadLimits, UnreadableDocument, read_document, read_document_bytes
from tests.conftest import SEED_BULLETIN
from tests.ingest.documents import make_docx, make_pdf

SAMPLE = (
    "佛山市工作简报\n"
    "各镇街要健全督查督办机制，实行“每周一调度、半月一通报”。\n"
    "完成时限：6月30日前（ASCII: 70 个社区）\n"
)


def _error(path: Path, **kwargs: int) -> str:
    with pytest.raises(UnreadableDocument) as info:
        read_document(path, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path) + ": ")
    return message


@pytest.mark.parametrize(
    "encoded",
    [
        pytest.param(SAMPLE.encode("utf-8"), id="utf-8"),
        pytest.param(codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), id="utf-8-bom"),
        pytest.param(SAMPLE.encode("gb18030"), id="gb18030"),
        pytest.param(SAMPLE.encode("gbk"), id="gbk"),
        pytest.param(SAMPLE.encode("utf-16"), id="utf-16-bom-native"),
        pytest.param(codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"), id="utf-16-be-bom"),
        pytest.param(codecs.BOM_UTF32_LE + SAMPLE.encode("utf-32-le"), id="utf-32-le-bom"),
        pytest.param(SAMPLE.replace("\n", "\r\n").encode("gb18030"), id="gb18030-crlf"),
    ],
)
def test_text_encodings_decode_to_the_same_text(tmp_path: Path, encoded: bytes) -> None:
    path = tmp_path / "bulletin.txt"
    path.write_bytes(encoded)
    assert read_document(path) == SAMPLE


def test_the_seed_bulletin_reads_identically_in_gb18030_and_utf8(tmp_path: Path) -> None:
    seed = SEED_BULLETIN.read_text(encoding="utf-8")
    (tmp_path / "seed.md").write_bytes(seed.encode("gb18030"))
    assert read_document(tmp_path / "seed.md") == read_document(SEED_BULLETIN)


def test_traditional_characters_in_gbk_are_still_accepted(tmp_path: Path) -> None:
    text = "各鎮街要健全督查督辦機制，實行每週一調度。" * 5
    (tmp_path / "t.txt").write_bytes(text.encode("gb18030"))
    assert read_document(tmp_path / "t.txt") == text


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            "各鎮街要健全督查督辦機制，實行每週調度。".encode("big5") * 5, "unknown text encoding", id="big5"
        ),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "binary", id="binary-nul"),
        pytest.param(bytes(range(1, 32)) * 20, "binary", id="control-bytes"),
        pytest.param(SAMPLE.encode("utf-16-le"), "binary", id="utf-16-without-bom"),
        pytest.param(codecs.BOM_UTF8 + b"\xff\xfe\xfd", "not valid", id="bom-then-garbage"),
    ],
)
def test_text_that_is_not_chinese_or_utf8_is_refused(tmp_path: Path, data: bytes, expected: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    assert expected in _error(path)


def test_docx_gives_paragraphs_and_table_cells_in_document_order(tmp_path: Path) -> None:
    path = tmp_path / "任务分工.docx"
    path.write_bytes(
        make_docx(
            [
                "关于印发重点任务分工方案的通知",
                [
                    ["序号", "工作任务", "责任单位", "完成时限"],
                    ["1", "健全督查督办机制", "各镇街", "6月30日前"],
                ],
                "附件：无",
            ]
        )
    )
    assert read_document(path).splitlines() == [
        "关于印发重点任务分工方案的通知",
        *["序号", "工作任务", "责任单位", "完成时限", "1", "健全督查督办机制", "各镇街", "6月30日前"],
        "附件：无",
    ]


def test_docx_merged_cells_are_read_once_and_nested_tables_in_place(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 2))
    merged.text = "全市重点任务"
    table.cell(1, 0).text = "任务一"
    inner = table.cell(1, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "责任单位：各镇街"
    inner.cell(0, 1).text = "完成时限：年底前"
    table.cell(1, 2).text = "任务三"
    out = io.BytesIO()
    document.save(out)
    lines = [line for line in read_document_bytes(out.getvalue(), "m.docx").splitlines() if line]
    assert lines == ["全市重点任务", "任务一", "责任单位：各镇街", "完成时限：年底前", "任务三"]


def test_pdf_text_layer_is_read_page_by_page(tmp_path: Path) -> None:
    path = tmp_path / "简报.pdf"
    path.write_bytes(
        make_pdf([["一、要以非常之力抓目标节点。"], ["二、各镇街要健全督查督办机制（10 个工作日内）。"]])
    )
    lines = [line.strip() for line in read_document(path).splitlines() if line.strip()]
    assert lines == ["一、要以非常之力抓目标节点。", "二、各镇街要健全督查督办机制（10 个工作日内）。"]


def test_pdf_without_text_layer_says_it_may_be_scanned(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_pdf([[], []]))
    assert "no text layer (scanned?)" in _error(path)


def test_pdf_with_an_empty_user_password_is_read_but_a_real_password_is_refused(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    source = PdfReader(io.BytesIO(make_pdf([["要加强督查"]])))
    for password, path in (("", tmp_path / "open.pdf"), ("secret", tmp_path / "locked.pdf")):
        writer = PdfWriter(clone_from=source)
        writer.encrypt(user_password=password, owner_password="owner", algorithm="RC4-128")
        with path.open("wb") as fh:
            writer.write(fh)
    assert read_document(tmp_path / "open.pdf").strip() == "要加强督查"
    assert "password-protected" in _error(tmp_path / "locked.pdf")


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        pytest.param("a.pdf", make_pdf([["要加强督查"]])[:300], "damaged PDF", id="truncated-pdf"),
        pytest.param("a.pdf", b"hello, not a pdf", "not a PDF", id="text-named-pdf"),
        pytest.param("a.docx", b"PK\x03\x04 broken zip", "not a valid .docx", id="broken-zip"),
        pytest.param("a.docx", "要加强督查".encode(), "not a valid .docx", id="text-named-docx"),
    ],
)
def test_corrupt_files_are_refused(tmp_path: Path, name: str, data: bytes, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert expected in _error(path)


def test_a_zip_that_is_not_a_word_document_is_refused(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("hello.txt", "要加强督查")
    path = tmp_path / "a.docx"
    path.write_bytes(out.getvalue())
    assert ".docx" in _error(path)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("old.doc", "old Word format; save it as .docx"),
        ("sheet.xlsx", "unsupported file type .xlsx; supported: .txt, .md, .docx, .pdf"),
        ("README", "no file extension"),
    ],
)
def test_unsupported_types_are_named(tmp_path: Path, name: str, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"data")
    assert expected in _error(path)
    with pytest.raises(UnreadableDocument, match=r"unsupported|no file extension"):
        read_document_bytes(b"data", name)


def test_empty_and_blank_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.md").write_text(" \n\u3000\n", encoding="utf-8")
    assert "empty" in _error(tmp_path / "empty.txt")
    assert "no text" in _error(tmp_path / "blank.md")


def test_size_limit_applies_to_paths_and_bytes(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes("要".encode() * 400)
    assert "too large (1200 bytes, the limit is 1000 bytes)" in _error(
        path, limits=ReadLimits(max_bytes=1000)
    )
    assert read_document(path, limits=ReadLimits(max_bytes=1200)) == "要" * 400
    with pytest.raises(UnreadableDocument, match=r"^big\.txt: too large"):
        read_document_bytes(path.read_bytes(), "big.txt", limits=ReadLimits(max_bytes=1000))


def test_missing_file_directory_and_permission_denied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "no such file" in _error(tmp_path / "missing.txt")
    (tmp_path / "folder.txt").mkdir()
    assert "is a directory" in _error(tmp_path / "folder.txt")

    locked = tmp_path / "locked.txt"
    locked.write_text("要加强督查", encoding="utf-8")

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    # Tests may run as root, which chmod cannot lock out; fail the read the way the OS would.
    monkeypatch.setattr(Path, "read_bytes", denied)
    assert _error(locked).endswith(": permission denied")


# --- hostile files: refused from what they declare, before the expensive part is read ------------


def _rezip(docx: bytes, extra: dict[str, bytes]) -> bytes:
    """DOCX with the parts in EXTRA added or replaced (deflated, as Word does)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename not in extra:
                dst.writestr(item, src.read(item))
        for name, data in extra.items():
            dst.writestr(name, data)
    return out.getvalue()


def zip_bomb_docx(unpacked: int = 4 * 1024 * 1024) -> bytes:
    """A small .docx whose document part unpacks to UNPACKED bytes of padding (ratio ~1000:1)."""
    doc = make_docx(["要加强督查"])
    with zipfile.ZipFile(io.BytesIO(doc)) as zf:
        xml = zf.read("word/document.xml")
    head, tail = xml.split(b"</w:body>")
    padded = head + b" " * unpacked + b"</w:body>" + tail
    return _rezip(doc, {"word/document.xml": padded})


def test_a_zip_bomb_docx_is_refused_from_its_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    import docx

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("python-docx must not open a zip bomb")

    bomb = zip_bomb_docx()
    monkeypatch.setattr(docx, "Document", never)
    assert len(bomb) < 100 * 1024
    with pytest.raises(UnreadableDocument, match=r"^bomb\.docx: .*zip bomb"):
        read_document_bytes(bomb, "bomb.docx")


def test_docx_unpacked_size_and_entry_count_are_capped() -> None:
    doc = make_docx(["要加强督查"])
    with pytest.raises(UnreadableDocument, match=r"unpacks to .* over the limit of"):
        read_document_bytes(doc, "a.docx", limits=ReadLimits(max_unzipped_bytes=1000))
    many = _rezip(doc, {f"customXml/item{i}.xml": b"<a/>" for i in range(30)})
    with pytest.raises(
        UnreadableDocument, match=r"too many parts inside the \.docx \(4\d, the limit is 20\)"
    ):
        read_document_bytes(many, "a.docx", limits=ReadLimits(max_zip_entries=20))
    # a normal document is far inside the defaults
    assert read_document_bytes(doc, "a.docx").strip() == "要加强督查"


def test_pdf_pages_and_text_are_capped() -> None:
    pdf = make_pdf([["要加强督查"]] * 5)
    with pytest.raises(UnreadableDocument, match=r"^a\.pdf: the PDF has 5 pages, over the limit of 4$"):
        read_document_bytes(pdf, "a.pdf", limits=ReadLimits(max_pdf_pages=4))
    with pytest.raises(UnreadableDocument, match=r"too much text \(over the limit of 12 characters\)"):
        read_document_bytes(pdf, "a.pdf", limits=ReadLimits(max_chars=12))
    assert read_document_bytes(pdf, "a.pdf").count("要加强督查") == 5


def test_text_is_capped_in_characters() -> None:
    with pytest.raises(UnreadableDocument, match=r"too much text \(over the limit of 100 characters\)"):
        read_document_bytes(("要" * 101).encode(), "a.txt", limits=ReadLimits(max_chars=100))
    with pytest.raises(UnreadableDocument, match=r"too much text"):
        read_document_bytes(b"x" * 1000, "a.txt", limits=ReadLimits(max_chars=100))
    assert read_document_bytes(("要" * 100).encode(), "a.txt", limits=ReadLimits(max_chars=100)) == "要" * 100


def test_an_aes_pdf_with_an_empty_password_opens() -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf([["要加强督查"]]))))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    assert read_document_bytes(out.getvalue(), "aes.pdf").strip() == "要加强督查"


@pytest.mark.parametrize(
    ("size", "limit", "expected"),
    [
        (20 * 1024 * 1024 + 5, 20 * 1024 * 1024, ("20.000005 MB", "20.000000 MB")),
        (20 * 1024 * 1024 + 40_000, 20 * 1024 * 1024, ("20.04 MB", "20.00 MB")),
        (30 * 1024 * 1024, 20 * 1024 * 1024, ("30.0 MB", "20.0 MB")),
        (1200, 1000, ("1200 bytes", "1000 bytes")),
    ],
)
def test_sizes_are_shown_so_they_differ(size: int, limit: int, expected: tuple[str, str]) -> None:
    from taskbot.readers import file_sizes

    assert file_sizes(size, limit) == expected
