"""Read a team's answers: a survey tool's export (CSV text, file bytes, a spreadsheet) or pasted share links.

Every reader returns a `Roster`: the respondents that could be read; every row or
line that could not, each with a message naming where it is and what was expected;
the rows skipped as header furniture; and notes on how the file was read.
Whole-input problems (too large, no usable header, nothing readable) raise `AnswerError`.

The steps live in their own modules, each linear in the size of its input:
`textdecode` (bytes to text), `tablerows` (text to rows), `tableheader` (which row
is the header, which rows dress it up), `tablecolumns` (what each column holds) and
`cells` (one cell as an answer or a group). A spreadsheet reader, which needs a
library the core may not import, plugs in through `register_spreadsheet_reader`.
Where the quiz offers "I can't judge this", its label, ``x``, ``?`` or ``n/a`` mark an
unjudged statement (`cells.is_unjudged`).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from . import sharecode
from .cells import describe_cell, expected_answer, is_unjudged, normal, read_answer, read_group
from .errors import AnswerError
from .limits import MAX_CODES_CHARS, MAX_CSV_BYTES, MAX_RESPONDENTS, check_size
from .model import Quiz, Statement
from .tablecolumns import Column, Layout, column_roles
from .tableheader import find_header
from .tablerows import Row, Table, first_record, read_csv_table
from .textdecode import WINDOWS_1252, decode_text

__all__ = [
    "FORMATS",
    "MAX_CODES_CHARS",
    "MAX_CSV_BYTES",
    "MAX_RESPONDENTS",
    "Respondent",
    "Roster",
    "Skipped",
    "guess_format",
    "read_codes",
    "read_csv",
    "read_file",
    "read_roster",
    "read_table",
    "register_spreadsheet_reader",
    "split_team_link",
]

FORMATS = ("auto", "csv", "codes", "xlsx")
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm")
_ZIP_MAGIC = b"PK\x03\x04"

# What survey tools write in the name column of an anonymous response (Microsoft Forms: "anonymous").
ANONYMOUS = frozenset({"anonymous", "anon", "anonymous anonymous"})

SpreadsheetReader = Callable[[bytes], Table]
_spreadsheet_reader: SpreadsheetReader | None = None


def register_spreadsheet_reader(reader: SpreadsheetReader | None) -> None:
    """Plug in the .xlsx reader (`stageguide.spreadsheet`); the core itself holds none."""
    global _spreadsheet_reader
    _spreadsheet_reader = reader


@dataclass(frozen=True)
class Respondent:
    answers: tuple[int | None, ...]  # None: "I can't judge this"
    group: str | None
    name: str | None
    where: str  # "row 4" or "line 2": where the facilitator can find them in the input


@dataclass(frozen=True)
class Skipped:
    where: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"where": self.where, "message": self.message}


@dataclass(frozen=True)
class Roster:
    source: str  # "csv" or "codes" ("csv" covers spreadsheets too: rows and columns)
    respondents: tuple[Respondent, ...]
    skipped: tuple[Skipped, ...] = ()
    ignored_columns: tuple[str, ...] = ()
    header_rows: tuple[
        Skipped, ...
    ] = ()  # rows read as part of the header, not as anyone's answers
    notes: tuple[str, ...] = ()  # how the file was read, where a choice was made


def read_roster(quiz: Quiz, text: object, kind: object = "auto") -> Roster:
    """Read pasted links/codes or CSV text; `kind` is "csv", "codes" or "auto" (guess)."""
    if not isinstance(text, str):
        raise AnswerError("the team's answers must be given as text")
    if kind not in FORMATS or kind == "xlsx":
        raise AnswerError(
            f"unknown input format {kind!r} for text; expected one of: auto, csv, codes"
        )
    if kind == "auto":
        kind = guess_format(quiz, text)
    return read_csv(quiz, text) if kind == "csv" else read_codes(quiz, text)


def read_file(quiz: Quiz, data: bytes, name: str = "", kind: str = "auto") -> Roster:
    """A file as its bytes: a spreadsheet, or text in one of the encodings `textdecode` reads."""
    if kind not in FORMATS:
        raise AnswerError(f"unknown input format {kind!r}; expected one of: {', '.join(FORMATS)}")
    what = f"“{name}”" if name else "the file"
    check_size(len(data), MAX_CSV_BYTES, what)
    if kind == "xlsx" or (
        kind == "auto"
        and (data.startswith(_ZIP_MAGIC) or name.lower().endswith(SPREADSHEET_SUFFIXES))
    ):
        if not data.startswith(_ZIP_MAGIC):
            raise AnswerError(
                f"{what} is not an Excel workbook (.xlsx); save it again from the spreadsheet, or export a CSV file"
            )
        if _spreadsheet_reader is None:
            raise AnswerError(
                "reading spreadsheets needs the openpyxl package, which is not installed; "
                "install it, or save the sheet as CSV"
            )
        return read_table(quiz, _spreadsheet_reader(data))
    decoded = decode_text(data, what)
    if kind == "auto":
        kind = guess_format(quiz, decoded.text)
    if kind == "codes":
        return read_codes(quiz, decoded.text)
    roster = read_csv(quiz, decoded.text)
    if decoded.encoding == WINDOWS_1252:
        note = f"{what} is not UTF-8; it was read as Windows-1252, the encoding Excel uses for “CSV” in much of Europe"
        roster = Roster(
            roster.source,
            roster.respondents,
            roster.skipped,
            roster.ignored_columns,
            roster.header_rows,
            (note, *roster.notes),
        )
    return roster


def decode_base64(text: object, what: str = "the file") -> bytes:
    """File bytes sent by the page as base64 (JSON carries text only); size checked before decoding."""
    if not isinstance(text, str):
        raise AnswerError(f"{what} must be sent as base64 text")
    check_size(len(text) * 3 // 4, MAX_CSV_BYTES + 3, what)
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise AnswerError(
            f"{what} did not arrive whole (its base64 is damaged); choose it again"
        ) from None


def guess_format(quiz: Quiz, text: str) -> str:
    """ "csv" when the first record splits into several cells and is not a link or code, else "codes"."""
    for line in text.lstrip("\ufeff").splitlines():
        line = line.strip()
        if not line:
            continue
        token = line.split()[0]
        if (
            "#a=" in token
            or "#t=" in token
            or token.startswith(("a=", "t=", f"{quiz.id}.", "http://", "https://"))
        ):
            return "codes"
        break
    else:
        return "codes"
    return "csv" if len(first_record(text.lstrip("\ufeff"))) > 1 else "codes"


# -- pasted links and codes -------------------------------------------------------------


def read_codes(quiz: Quiz, text: str) -> Roster:
    """One share link or code per line (a team link's ``#t=a,b,…`` counts as several)."""
    check_size(len(text), MAX_CODES_CHARS, "the pasted text")
    items = list(_code_items(text))
    if not items:
        raise AnswerError(
            "nothing to report: paste at least one share link or code, one per line, or choose a CSV file"
        )
    _check_count(len(items), "share links or codes")
    respondents: list[Respondent] = []
    skipped: list[Skipped] = []
    for where, item in items:
        try:
            share = sharecode.decode(quiz, item)
        except AnswerError as error:
            skipped.append(Skipped(where, str(error)))
            continue
        respondents.append(Respondent(share.answers, share.group, share.name, where))
    return _finish(Roster("codes", tuple(respondents), tuple(skipped)), "line")


def split_team_link(text: str) -> list[str] | None:
    """The codes of a team link or fragment (``…#t=a,b``), or None when it is not one."""
    fragment = text.split("#", 1)[1] if "#" in text else text
    for part in fragment.split("&"):
        if part.startswith("t="):
            return [code for code in part[2:].split(",") if code.strip()]
    return None


def _code_items(text: str) -> Iterator[tuple[str, str]]:
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if not line.strip():
            continue
        codes = split_team_link(line.strip()) or [line]
        for index, code in enumerate(codes, start=1):
            yield (f"line {number}" if len(codes) == 1 else f"line {number}, item {index}"), code


# -- CSV and spreadsheets ------------------------------------------------------------------


def read_csv(quiz: Quiz, text: str) -> Roster:
    """A survey tool's CSV export as text: a header (somewhere in the first rows), then one row per respondent."""
    check_size(len(text.encode("utf-8")), MAX_CSV_BYTES, "the CSV file")
    return read_table(quiz, read_csv_table(text.lstrip("\ufeff")))


def read_table(quiz: Quiz, table: Table) -> Roster:
    header = find_header(quiz, table)
    _check_fit(quiz, table, header.row.number, header.statements, header.duplicates, header.labels)
    body = [row for row in header.body if not row.blank]
    if not body and not table.broken:
        below = [
            f for f in header.furniture if f.number > header.row.number and "empty" not in f.what
        ]
        hint = "".join(
            f"; row {f.number} looks like part of the header: {f.what}" for f in below[:3]
        )
        raise AnswerError(
            f"the {table.source} has a header (row {header.row.number}) but no respondents below it{hint}"
        )
    _check_count(
        len(body) + len([b for b in table.broken if b.number > header.row.number]),
        "rows of answers",
    )
    layout = column_roles(quiz, header.labels, header.statements, tuple(body))
    respondents: list[Respondent] = []
    skipped = [
        Skipped(f"row {b.number}", b.message) for b in table.broken if b.number > header.row.number
    ]
    for row in body:
        where = _where(row)
        try:
            respondents.append(_respondent(quiz, layout, row, where))
        except AnswerError as error:
            skipped.append(Skipped(where, str(error)))
    skipped.sort(key=lambda s: int(s.where.split()[1]))
    ignored = tuple(column.label for column in layout.ignored)
    furniture = tuple(Skipped(f"row {f.number}", f.what) for f in header.furniture)
    roster = Roster(
        "csv", tuple(respondents), tuple(skipped), ignored, furniture, (*table.notes, *layout.notes)
    )
    return _finish(roster, "row")


def _where(row: Row) -> str:
    return f"row {row.number}" if row.line == row.number else f"row {row.number} (line {row.line})"


def _check_fit(
    quiz: Quiz,
    table: Table,
    number: int,
    statements: dict[int, Statement],
    duplicates: tuple[tuple[int, int, Statement], ...],
    labels: tuple[str, ...],
) -> None:
    problems = [
        f"{Column(a, labels[a]).label} and {Column(b, labels[b]).label} both hold statement {s.id!r}; keep one"
        for a, b, s in duplicates
    ]
    found = {s.id for s in statements.values()}
    missing = [(n, s) for n, s in enumerate(quiz.statements, start=1) if s.id not in found]
    if missing:
        shown = "; ".join(f"{n}. {s.text} (id: {s.id})" for n, s in missing[:5])
        more = f"; and {len(missing) - 5} more" if len(missing) > 5 else ""
        problems.append(
            f"the header (row {number}) has no column for {len(missing)} of the {len(quiz.statements)} statements: "
            f"{shown}{more}. Expected one column per statement, headed by its id or its text"
        )
    if problems:
        raise AnswerError(f"this {table.source} does not fit the quiz: " + "; ".join(problems))


def _respondent(quiz: Quiz, layout: Layout, row: Row, where: str) -> Respondent:
    cells = row.cells

    def cell(index: int) -> str:
        return cells[index].strip() if index < len(cells) else ""

    problems: list[str] = []
    if len(cells) > layout.width and any(cells[i].strip() for i in range(layout.width, len(cells))):
        problems.append(
            f"it has {len(cells)} cells but the header has {layout.width}; check for a stray separator or quote"
        )
    answers: list[int | None] = []
    for column in layout.statements:
        if is_unjudged(quiz, cell(column.index)):
            answers.append(None)
            continue
        value = read_answer(quiz, cell(column.index))
        if value is None:
            problems.append(
                f"{column.label}: {describe_cell(cell(column.index))}; expected {expected_answer(quiz)}"
            )
        else:
            answers.append(value)
    group = None
    if layout.group is not None and cell(layout.group.index):
        group = read_group(quiz, cell(layout.group.index))
        if group is None:
            titles = ", ".join(g.title for g in quiz.groups) or "none (this quiz has no groups)"
            shown = cell(layout.group.index)
            shown = shown if len(shown) <= 40 else shown[:39] + "…"
            problems.append(
                f"{layout.group.label}: {shown!r} is not a group of this quiz; expected one of: "
                f"{titles}, or an empty cell"
            )
    name = None
    if layout.names:
        joined = " ".join(cell(column.index) for column in layout.names)
        joined = "" if normal(joined) in ANONYMOUS else joined
        try:
            name = sharecode.clean_name(joined)
        except AnswerError as error:
            label = " and ".join(column.label for column in layout.names)
            problems.append(f"{label}: {error}")
    if problems:
        raise AnswerError("; ".join(problems))
    return Respondent(tuple(answers), group, name, where)


# -- shared --------------------------------------------------------------------------------


def _check_count(count: int, what: str) -> None:
    if count > MAX_RESPONDENTS:
        raise AnswerError(
            f"this holds {count} {what}; a team report takes at most {MAX_RESPONDENTS} respondents, so split the team"
        )


def _finish(roster: Roster, unit: str) -> Roster:
    """Refuse input where nothing could be read, quoting the first problems."""
    if roster.respondents:
        return roster
    shown = "; ".join(f"{s.where}: {s.message}" for s in roster.skipped[:3])
    more = f" (and {len(roster.skipped) - 3} more)" if len(roster.skipped) > 3 else ""
    count = len(roster.skipped)
    head = (
        f"the only {unit} could not be read"
        if count == 1
        else f"none of the {count} {unit}s could be read"
    )
    raise AnswerError(f"{head}: {shown}{more}")
