"""CSV text to numbered rows, in one linear pass, with the faults a spreadsheet user can make.

Python's `csv` module does the splitting (it is linear and in C, in CPython and in
Pyodide alike); this module adds what it does not: the separator guessed from the
first record, no limit on a field's length (the file's size limit is the limit),
the source line each row starts on, and a quote left open, which would otherwise
swallow the rows after it without a word.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import AnswerError
from .limits import MAX_COLUMNS

if TYPE_CHECKING:
    from _csv import Reader  # the type csv.reader returns; it carries line_num

DELIMITERS = (",", ";", "\t")
_SNIFF_CHARS = 64 * 1024  # the first record is looked at within this much text
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Row:
    number: int  # as a spreadsheet shows it: the first record is row 1
    line: int  # the line of the text file it starts on (the row number for a spreadsheet)
    cells: tuple[str, ...]

    @property
    def blank(self) -> bool:
        return not any(cell.strip() for cell in self.cells)


@dataclass(frozen=True)
class BrokenRow:
    """A row that could not be split into cells; the rows around it still count."""

    number: int
    message: str


@dataclass(frozen=True)
class Table:
    rows: tuple[Row, ...]
    broken: tuple[BrokenRow, ...] = ()
    source: str = "CSV file"  # how messages name the input: "CSV file" or "spreadsheet"
    notes: tuple[str, ...] = ()


def table_from_cells(
    rows: list[list[str]], source: str = "spreadsheet", notes: tuple[str, ...] = ()
) -> Table:
    """A table from a spreadsheet reader's rows of text (row n is line n)."""
    return Table(
        tuple(Row(n, n, tuple(cells)) for n, cells in enumerate(rows, start=1)), (), source, notes
    )


def sniff_delimiter(text: str) -> str:
    """The separator that splits the first record into the most cells (a comma on a tie)."""
    sample = text[:_SNIFF_CHARS]

    def width(delimiter: str) -> int:
        for cells in _reader(sample, delimiter):
            if any(cell.strip() for cell in cells):
                return len(cells)
        return 0

    with _unlimited_fields(len(sample)):
        return max(DELIMITERS, key=lambda d: (width(d), d == ","))


def first_record(text: str) -> tuple[str, ...]:
    """The first non-blank record, split with the sniffed separator (for guessing what the input is)."""
    sample = text[:_SNIFF_CHARS]
    with _unlimited_fields(len(sample)):
        for cells in _reader(sample, sniff_delimiter(sample)):
            if any(cell.strip() for cell in cells):
                return tuple(cells)
    return ()


def read_csv_table(text: str) -> Table:
    """Every record of the CSV text as a `Row`; a quote left open becomes a `BrokenRow` naming where it opened."""
    delimiter = sniff_delimiter(text)
    rows: list[Row] = []
    broken: list[BrokenRow] = []
    starts = _line_starts(text)
    reader = _reader(text, delimiter)
    line = 1
    number = 0
    with _unlimited_fields(len(text)):
        while True:
            number += 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            except (
                csv.Error
            ) as error:  # defensive: a non-strict reader hardly ever refuses anything
                raise AnswerError(
                    f"row {number} (line {line}) of the CSV file cannot be split into cells ({error})"
                ) from None
            end = reader.line_num
            problem = _open_quote(text, cells, delimiter, line, end, starts) or _too_wide(cells)
            if problem:
                broken.append(BrokenRow(number, problem))
            else:
                rows.append(Row(number, line, tuple(cells)))
            line = end + 1
    return Table(tuple(rows), tuple(broken), "CSV file")


def _reader(text: str, delimiter: str) -> Reader:
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)


class _unlimited_fields:
    """Lift `csv`'s per-field limit (128 KiB) to the input's length while reading it.

    The size limit of the whole file already bounds a field; a long name or header
    cell is then reported by row and column instead of stopping the whole file.
    """

    def __init__(self, length: int) -> None:
        self.length = length + 1
        self.before = 0

    def __enter__(self) -> None:
        self.before = csv.field_size_limit()
        csv.field_size_limit(max(self.before, self.length))

    def __exit__(self, *exc: object) -> None:
        csv.field_size_limit(self.before)


def _too_wide(cells: list[str]) -> str | None:
    if len(cells) <= MAX_COLUMNS:
        return None
    return f"it has {len(cells):,} cells; a team file may have at most {MAX_COLUMNS:,} columns (check the separator)"


def _line_starts(text: str) -> list[int]:
    return [0] + [match.end() for match in _LINE_BREAK.finditer(text)]


def _open_quote(
    text: str, cells: list[str], delimiter: str, first: int, last: int, starts: list[int]
) -> str | None:
    """A message when a quoted field ran on over lines that look like rows of their own.

    A cell may hold a line break (a comment written on two lines); a quote left open
    instead takes in whole rows, separators and all, often up to the end of the file.
    """
    if last - first < 1:
        return None
    at_end = last >= len(starts) - (1 if text.endswith(("\n", "\r")) else 0)
    for index, cell in enumerate(cells):
        inner = _LINE_BREAK.split(cell)
        if len(inner) < 2:
            continue
        column = letters(index)
        if at_end and text.count('"', starts[min(first - 1, len(starts) - 1)]) % 2 == 1:
            return (
                f"a quote opened in column {column} on line {first} is never closed, so the rest of the file "
                f"(lines {first}–{last}) was read as one cell; add the missing closing quote"
            )
        rowlike = sum(1 for part in inner[1:] if part.count(delimiter) >= 2)
        if rowlike:
            return (
                f"a quoted cell in column {column} opened on line {first} runs on to line {last}, taking in what "
                f"look like {rowlike} other row{'s' if rowlike != 1 else ''}; check for a missing closing quote"
            )
    return None


def letters(index: int) -> str:
    """A spreadsheet column name: 0 -> A, 25 -> Z, 26 -> AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name
