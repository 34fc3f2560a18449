"""Tables flattened by text extraction: one cell per line (序号 / 工作任务 / 责任单位 / 完成时限 …).

A header is a run of column names; each row is then the lines between two row numbers (or, with no
序号 column, the lines up to the row's last column). Within a row, cells that wrap over several lines
are told apart by what they look like: the time cell names a deadline, the party cells are lists of
units, and what remains is the task.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from taskbot.bulletin import cues, vocab
from taskbot.bulletin.dates import find_deadline
from taskbot.bulletin.fields import without_role
from taskbot.bulletin.lines import LEVEL_CN_PAREN, Kind, Line
from taskbot.bulletin.normalize import for_matching, join_clean

# A row spread over more lines than this is not a row: the table has ended.
MAX_ROW_LINES = 40
NUMBER_COLUMNS = frozenset(vocab.NUMBER_COLUMNS.words)
TASK_COLUMNS = frozenset(vocab.TASK_COLUMNS.words)
# Columns that name who answers for a row: the labels of running text, and the leaders' columns.
PERSON_COLUMNS = frozenset(vocab.PERSON_COLUMNS.words)
PARTY_COLUMNS = frozenset(vocab.PARTY_LABELS.words) | PERSON_COLUMNS | {"牵头领导及单位"}
TIME_COLUMNS = frozenset(vocab.TIME_LABELS.words) | frozenset(vocab.TIME_COLUMNS.words)
_PERSON = re.compile(r"[\u4e00-\u9fff]{2,4}(?:[、，][\u4e00-\u9fff]{2,4}){0,3}")
# Columns after the deadline that say how to report (每周五报送进展…): a source of cadence.
NOTE_COLUMNS = frozenset(vocab.NOTE_COLUMNS.words)
OTHER_COLUMNS = frozenset(vocab.OTHER_COLUMNS.words)
_ALL_COLUMNS = NUMBER_COLUMNS | TASK_COLUMNS | PARTY_COLUMNS | TIME_COLUMNS | OTHER_COLUMNS | NOTE_COLUMNS

_PIECES = re.compile(r"[、，；/]")
_PARTY_END = re.compile(rf"(?:{cues.PARTY_HEAD}|部|等|各单位|有关单位)$")
_TIME_WORDS = re.compile(
    r"^(?:长期|持续|常态化|即日起|每[日周月季年]|按月|按季|动态|立即|已完成|年底|年内|\d{4}年)"
)


@dataclass(slots=True)
class Row:
    """One task row: its task text, the parties and the time cell as written."""

    text: str
    title_hint: str | None = None
    parties: list[str] = field(default_factory=list)
    time_text: str | None = None
    line_no: int = 0
    notes: list[str] = field(default_factory=list)  # the cells after the time cell, as written


def column_name(line: Line) -> str | None:
    if line.kind is not Kind.TEXT or line.marker or len(line.text) > 10:
        return None
    name = line.text.rstrip("：:")
    return name if name in _ALL_COLUMNS else None


def header_at(lines: list[Line], i: int) -> list[str] | None:
    """The column names of a table header starting at line I, or None."""
    names: list[str] = []
    j = i
    while j < len(lines) and len(names) < 8:
        line = lines[j]
        if line.kind is Kind.BLANK or (line.kind is Kind.NOISE and not line.text):
            j += 1
            continue
        name = column_name(line)
        if name is None:
            break
        names.append(name)
        j += 1
    has_task = any(n in TASK_COLUMNS for n in names)
    has_meta = any(n in PARTY_COLUMNS or n in TIME_COLUMNS for n in names)
    return names if len(names) >= 2 and has_task and has_meta else None


def is_party_piece(piece: str) -> bool:
    piece = without_role(piece)
    if not piece or len(piece) > 24:
        return False
    return bool(_PARTY_END.search(piece)) or piece.startswith(("各", "全"))


def is_party_cell(text: str) -> bool:
    pieces = [p for p in _PIECES.split(for_matching(text)) if p]
    return bool(pieces) and all(is_party_piece(p) for p in pieces)


def is_time_cell(text: str) -> bool:
    matching = for_matching(text)
    if len(matching) > 30:
        return False
    if _TIME_WORDS.match(matching):
        return True
    import datetime as dt

    return find_deadline(matching, dt.date(2000, 1, 1), field=True) is not None


def cell_parties(texts: list[str]) -> list[str]:
    """The parties of one or more party cells, a cell wrapped over two lines glued back together."""
    merged: list[str] = []
    for text in texts:
        if merged and not is_party_cell(merged[-1]) and is_party_cell(merged[-1] + text):
            merged[-1] += text
        else:
            merged.append(text)
    parties: dict[str, None] = {}
    for cell in merged:
        for piece in _PIECES.split(cell):
            for unit in _glued_units(piece.strip()):
                parties[unit] = None
    return list(parties)[:30]


# 区发展改革局区统计局: two units whose separating space the extraction dropped
_GLUED = re.compile(r"(?<=局|委|办|部|院|站|所|队|府|心)(?=[省市区县镇乡][\u4e00-\u9fff]{1,14}$)")


def _glued_units(piece: str) -> list[str]:
    if not piece:
        return []
    cut = _GLUED.search(piece, 2)
    while cut is not None:
        head, tail = piece[: cut.start()], piece[cut.start() :]
        if is_party_piece(head) and is_party_piece(tail) and len(head) >= 3 and len(tail) >= 3:
            return [head, *_glued_units(tail)]
        cut = _GLUED.search(piece, cut.start() + 1)
    return [piece]


def _time_between(cells: list[str], columns: list[str]) -> int | None:
    """Where the time cell is when a party column comes right before the time column and more
    columns follow it (责任单位 / 办理时限 / 办理要求): the first time cell after a party cell."""
    names = [c for c in columns if c not in NUMBER_COLUMNS]
    at = next((k for k, c in enumerate(names) if c in TIME_COLUMNS), None)
    if at is None or at == 0 or at == len(names) - 1 or names[at - 1] not in PARTY_COLUMNS:
        return None
    for k in range(2, len(cells)):
        if is_time_cell(cells[k]) and is_party_cell(cells[k - 1]):
            return k
    return None


def _row(cells: list[str], columns: list[str], line_no: int) -> Row | None:
    cells = [c for c in cells if c]
    if not cells:
        return None
    time_text = None
    notes: list[str] = []
    between = _time_between(cells, columns)
    if between is not None:
        time_text, notes, cells = cells[between], cells[between + 1 :], cells[:between]
    elif any(c in TIME_COLUMNS for c in columns):
        # The time cell is the last that names a time (a 备注 column may follow it).
        for k in range(len(cells) - 1, max(-1, len(cells) - 3), -1):
            if k > 0 and is_time_cell(cells[k]):
                time_text = cells[k]
                cells = cells[:k]
                break
    party_start = len(cells)
    if any(c in PARTY_COLUMNS for c in columns):
        # The party cells are the longest run at the end that reads as lists of units (a cell
        # wrapped over two lines reads as one when glued back together).
        k = len(cells) - 1
        while k >= 1:
            if (
                k >= 2
                and (len(cells[k]) <= 2 or not is_party_cell(cells[k]))
                and not is_party_cell(cells[k - 1])
                and is_party_cell(cells[k - 1] + cells[k])
            ):
                party_start = k - 1  # a cell wrapped mid-word: 区住房和城乡建设 / 局
                k -= 2
            elif is_party_cell(cells[k]):
                party_start = k
                k -= 1
            else:
                break
    if (
        party_start > 1
        and any(c in PERSON_COLUMNS for c in columns)
        and _PERSON.fullmatch(cells[party_start - 1])
    ):
        cells = [*cells[: party_start - 1], *cells[party_start:]]  # 牵头领导: a person, not the task
        party_start -= 1
    task_cells = cells[:party_start]
    if not task_cells:
        return None
    text = join_clean(task_cells)
    # A short first cell is a name column (项目名称) when it is a whole phrase: no punctuation in it,
    # shorter than the cell after it (a cell wrapped at the column width is as long as the next).
    first = task_cells[0]
    hint = (
        first
        if len(task_cells) > 1
        and len(first) <= 20
        and len(first) < len(task_cells[1]) - 1
        and not _PIECES.search(for_matching(first))
        else None
    )
    return Row(
        text=text,
        title_hint=hint,
        parties=cell_parties(cells[party_start:]),
        time_text=time_text,
        line_no=line_no,
        notes=[join_clean(notes)] if notes else [],
    )


def read_table(lines: list[Line], start: int, columns: list[str]) -> tuple[list[Row | Line], int]:
    """Rows of the table whose header of COLUMNS starts at line START; returns (items, next line).

    Items are Rows and the group-heading Lines found between rows (一、… / （一）…).
    """
    i = _after_header(lines, start, len(columns))
    numbered = any(c in NUMBER_COLUMNS for c in columns)
    width = sum(1 for c in columns if c not in NUMBER_COLUMNS)
    items: list[Row | Line] = []
    expected = 1
    cells: list[str] = []
    row_line = i
    widest = 0  # the longest cell line so far: a line far longer is running text after the table

    def flush() -> None:
        row = _row(cells, columns, row_line)
        if row is not None:
            items.append(row)
        cells.clear()

    while i < len(lines):
        line = lines[i]
        if line.kind is Kind.BLANK or (line.kind is Kind.NOISE and len(line.text) != 1):
            i += 1
            continue
        if line.kind is Kind.NOISE:  # one character wrapped out of a cell
            cells.append(line.text)
            i += 1
            continue
        if line.kind is Kind.TEXT and column_name(line) is not None and header_at(lines, i) == columns:
            i = _after_header(lines, i, len(columns))  # the header repeated after a page break
            continue
        if numbered and line.kind is Kind.NUMBER and line.ordinal in (expected, 1):
            flush()
            expected = (line.ordinal or 0) + 1
            row_line = i
            i += 1
            continue
        if line.kind is Kind.TEXT and line.marker and line.level <= LEVEL_CN_PAREN and not line.ends_sentence:
            # A group heading inside the table, or the end of the table.
            nxt = _next_content(lines, i + 1)
            if numbered and nxt is not None and lines[nxt].kind is Kind.NUMBER:
                flush()
                items.append(line)
                i += 1
                continue
            break
        if (line.kind is not Kind.TEXT and line.kind is not Kind.NUMBER) or len(cells) >= MAX_ROW_LINES:
            break
        text = line.marker + line.text if line.marker else line.text
        if numbered:
            if expected == 1 and not cells:
                break  # text before any row number: not a table after all
            if len(cells) >= width and (
                (_row_complete(cells, columns) and not _continues(lines, i, expected))
                or (len(text) > max(40, 2 * widest) and line.ends_sentence)
                or (_in_notes(cells, columns) and len(text) > widest and not _continues(lines, i, expected))
            ):
                break
            widest = max(widest, len(text))
            cells.append(text)
        else:
            cells.append(text)
            if _row_complete(cells, columns):
                flush()
        i += 1
    flush()
    return items, i


def _after_header(lines: list[Line], i: int, count: int) -> int:
    seen = 0
    while i < len(lines) and seen < count:
        if lines[i].kind is Kind.TEXT:
            seen += 1
        i += 1
    return i


def _next_content(lines: list[Line], i: int) -> int | None:
    while i < len(lines):
        if lines[i].kind is not Kind.BLANK:
            return i
        i += 1
    return None


def _continues(lines: list[Line], i: int, expected: int) -> bool:
    """Whether a row number EXPECTED follows within a few lines of line I."""
    for j in range(i, min(len(lines), i + 12)):
        if lines[j].kind is Kind.NUMBER and lines[j].ordinal == expected:
            return True
    return False


def _in_notes(cells: list[str], columns: list[str]) -> bool:
    """Whether the last row has reached the note cells after its time cell: then a line wider than
    every cell of the table is the text after it."""
    between = _time_between(cells, columns)
    return between is not None and between < len(cells) - 1


def _row_complete(cells: list[str], columns: list[str]) -> bool:
    """Whether CELLS end with the row's last meaningful column (a time or a party cell); with note
    columns after the time column (办理要求) a row is never known complete by its cells alone."""
    names = [c for c in columns if c not in OTHER_COLUMNS]
    if names and names[-1] in NOTE_COLUMNS:
        return False
    last = names[-1] if names else None
    if last in TIME_COLUMNS:
        return len(cells) >= 2 and is_time_cell(cells[-1])
    if last in PARTY_COLUMNS:
        return len(cells) >= 2 and is_party_cell(cells[-1])
    return False
