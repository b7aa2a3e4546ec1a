"""Read a team's answers: a CSV exported from a survey tool, or pasted share links and codes.

Both readers return a `Roster`: the respondents that could be read, and every row or
line that could not, each with a message naming where it is and what was expected.
Whole-input problems (too large, no usable header, nothing readable) raise `AnswerError`.

CSV rules: a header row, then one row per respondent. A column belongs to a statement
when its header is the statement's id or its text (case and spacing ignored; a leading
number such as ``7.`` and a survey tool's ``Question [statement]`` wrapping are allowed).
Answers are numbers on the scale or the scale's labels; where the quiz offers "I can't
judge this", its label, ``x``, ``?`` or ``n/a`` mark an unjudged statement. Optional name and group columns
are recognised by their header; every other column is ignored and listed as ignored.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from . import sharecode
from .errors import AnswerError
from .model import Quiz, Statement

MAX_RESPONDENTS = 500
MAX_CSV_BYTES = 2 * 1024 * 1024
MAX_CODES_CHARS = 2 * 1024 * 1024  # pasted text: the same ceiling as a file

NAME_HEADERS = frozenset({"name", "your name", "full name", "respondent", "initials", "name or initials"})
GROUP_HEADERS = frozenset({"group", "function", "your function", "team", "role", "department"})
DELIMITERS = (",", ";", "\t")
FORMATS = ("auto", "csv", "codes")


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
    source: str  # "csv" or "codes"
    respondents: tuple[Respondent, ...]
    skipped: tuple[Skipped, ...] = ()
    ignored_columns: tuple[str, ...] = ()


def read_roster(quiz: Quiz, text: object, kind: object = "auto") -> Roster:
    """Read pasted links/codes or CSV text; `kind` is "csv", "codes" or "auto" (guess)."""
    if not isinstance(text, str):
        raise AnswerError("the team's answers must be given as text")
    if kind not in FORMATS:
        raise AnswerError(f"unknown input format {kind!r}; expected one of: {', '.join(FORMATS)}")
    if kind == "auto":
        kind = guess_format(quiz, text)
    return read_csv(quiz, text) if kind == "csv" else read_codes(quiz, text)


def guess_format(quiz: Quiz, text: str) -> str:
    """"csv" when the first non-blank line splits into several cells and is not a link or code, else "codes"."""
    for line in text.lstrip("\ufeff").splitlines():
        line = line.strip()
        if not line:
            continue
        token = line.split()[0]
        if "#a=" in token or "#t=" in token or token.startswith(("a=", "t=", f"{quiz.id}.", "http://", "https://")):
            return "codes"
        return "csv" if any(delimiter in line for delimiter in DELIMITERS) else "codes"
    return "codes"


# -- pasted links and codes -------------------------------------------------------------


def read_codes(quiz: Quiz, text: str) -> Roster:
    """One share link or code per line (a team link's ``#t=a,b,…`` counts as several)."""
    if len(text) > MAX_CODES_CHARS:
        raise AnswerError(f"the pasted text is {_size(len(text))}; the limit is {_size(MAX_CODES_CHARS)}")
    items = list(_code_items(text))
    if not items:
        raise AnswerError("nothing to report: paste at least one share link or code, one per line, or choose a CSV file")
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


# -- CSV -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Column:
    index: int
    header: str

    @property
    def label(self) -> str:
        header = self.header if len(self.header) <= 40 else self.header[:39] + "…"
        return f"column {_letters(self.index)} ({header!r})" if header else f"column {_letters(self.index)}"


@dataclass(frozen=True)
class _Layout:
    statements: tuple[_Column, ...]  # in the quiz's statement order
    name: _Column | None
    group: _Column | None
    ignored: tuple[_Column, ...]
    width: int


def read_csv(quiz: Quiz, text: str) -> Roster:
    """A survey tool's export: a header row, then one row per respondent."""
    size = len(text.encode("utf-8"))
    if size > MAX_CSV_BYTES:
        raise AnswerError(f"the CSV file is {_size(size)}; the limit is {_size(MAX_CSV_BYTES)}")
    text = text.lstrip("\ufeff")
    rows = _rows(text)
    header_row = next(((number, row) for number, row in rows if any(cell.strip() for cell in row)), None)
    if header_row is None:
        raise AnswerError("the CSV file is empty; expected a header row naming the statements, then one row per respondent")
    header_number, header = header_row
    layout = _layout(quiz, header, header_number)
    body = [(number, row) for number, row in rows if number > header_number and any(cell.strip() for cell in row)]
    if not body:
        raise AnswerError(f"the CSV file has a header (row {header_number}) but no respondents below it")
    _check_count(len(body), "rows of answers")
    respondents: list[Respondent] = []
    skipped: list[Skipped] = []
    for number, row in body:
        try:
            respondents.append(_respondent(quiz, layout, row, f"row {number}"))
        except AnswerError as error:
            skipped.append(Skipped(f"row {number}", str(error)))
    ignored = tuple(column.label for column in layout.ignored)
    return _finish(Roster("csv", tuple(respondents), tuple(skipped), ignored), "row")


def _rows(text: str) -> list[tuple[int, list[str]]]:
    """Parsed rows, numbered as a spreadsheet shows them (the first record is row 1)."""
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(DELIMITERS, key=lambda d: (len(next(csv.reader([first_line], delimiter=d), [])), d == ","))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    number = 0
    try:
        for number, row in enumerate(reader, start=1):
            rows.append((number, row))
    except csv.Error as error:
        raise AnswerError(f"row {number + 1} of the CSV file cannot be read ({error}); check its quotes") from None
    return rows


def _normal(text: str) -> str:
    return " ".join(text.casefold().split())


_NUMBERED = re.compile(r"(?:q(?:uestion)?\s*)?\d{1,3}\s*[.):-]?\s+(.*)")
_BRACKETED = re.compile(r".*\[(.+)\]")


def _header_keys(header: str) -> list[str]:
    """The forms of a header that may name a statement: as is, without numbering, the [bracketed] part."""
    key = _normal(header)
    keys = [key]
    bracketed = _BRACKETED.fullmatch(key)
    if bracketed:
        keys.append(bracketed.group(1).strip())
    for candidate in list(keys):
        numbered = _NUMBERED.fullmatch(candidate)
        if numbered:
            keys.append(numbered.group(1))
    return [k.rstrip(".?! ") or k for k in keys]


def _layout(quiz: Quiz, header: list[str], header_number: int) -> _Layout:
    lookup: dict[str, Statement] = {}
    for statement in quiz.statements:
        lookup[_normal(statement.text).rstrip(".?! ")] = statement
    for statement in quiz.statements:
        lookup[_normal(statement.id)] = statement  # an id wins over a text that happens to match it
    found: dict[str, _Column] = {}
    name = group = None
    ignored: list[_Column] = []
    problems: list[str] = []
    for index, cell in enumerate(header):
        column = _Column(index, " ".join(cell.split()))
        key = _normal(cell)
        statement = next((lookup[k] for k in _header_keys(cell) if k in lookup), None)
        if statement is not None:
            if statement.id in found:
                problems.append(f"{found[statement.id].label} and {column.label} both hold statement {statement.id!r}; keep one")
            else:
                found[statement.id] = column
        elif key in NAME_HEADERS and name is None:
            name = column
        elif key in GROUP_HEADERS and group is None:
            group = column
        else:
            ignored.append(column)
    missing = [(number, s) for number, s in enumerate(quiz.statements, start=1) if s.id not in found]
    if len(missing) == len(quiz.statements):
        example = quiz.statements[0]
        problems.append(
            f"the header (row {header_number}) names none of the quiz's statements. Expected a header row with one "
            f"column per statement, headed by its id (such as {example.id!r}) or its text (such as {example.text!r})"
        )
    elif missing:
        shown = "; ".join(f"{number}. {s.text} (id: {s.id})" for number, s in missing[:5])
        more = f"; and {len(missing) - 5} more" if len(missing) > 5 else ""
        problems.append(
            f"the header (row {header_number}) has no column for {len(missing)} of the {len(quiz.statements)} statements: "
            f"{shown}{more}. Expected one column per statement, headed by its id or its text"
        )
    if problems:
        raise AnswerError("this CSV file does not fit the quiz: " + "; ".join(problems))
    columns = tuple(found[s.id] for s in quiz.statements)
    return _Layout(columns, name, group, tuple(ignored), len(header))


def _respondent(quiz: Quiz, layout: _Layout, row: list[str], where: str) -> Respondent:
    def cell(column: _Column) -> str:
        return row[column.index].strip() if column.index < len(row) else ""

    problems: list[str] = []
    extra = [index for index in range(layout.width, len(row)) if row[index].strip()]
    if extra:
        problems.append(f"it has {len(row)} cells but the header has {layout.width}; check for a stray separator or quote")
    answers: list[int | None] = []
    for column in layout.statements:
        if _unjudged(quiz, cell(column)):
            answers.append(None)
            continue
        value = _answer(quiz, cell(column))
        if value is None:
            problems.append(f"{column.label}: {_describe(cell(column))}; expected {_expected(quiz)}")
        else:
            answers.append(value)
    group = None
    if layout.group is not None and cell(layout.group):
        group = _group(quiz, cell(layout.group))
        if group is None:
            titles = ", ".join(g.title for g in quiz.groups) or "none (this quiz has no groups)"
            problems.append(f"{layout.group.label}: {cell(layout.group)!r} is not a group of this quiz; expected one of: {titles}, or an empty cell")
    name = None
    if layout.name is not None:
        try:
            name = sharecode.clean_name(cell(layout.name))
        except AnswerError as error:
            problems.append(f"{layout.name.label}: {error}")
    if problems:
        raise AnswerError("; ".join(problems))
    return Respondent(tuple(answers), group, name, where)


_NUMBER = re.compile(r"([+-]?\d+)(?:\.0+)?")
_NUMBER_AND_LABEL = re.compile(r"(\d+)\s*[-–—:.)=]?\s*(.+)")


def _answer(quiz: Quiz, text: str) -> int | None:
    """A cell as a value on the scale: "4", "4.0", "Agree", "agree", "4 - Agree"; else None."""
    values = {point.value for point in quiz.scale}
    labels = {_normal(point.label): point.value for point in quiz.scale}
    number = _NUMBER.fullmatch(text)
    if number:
        value = int(number.group(1))
        return value if value in values else None
    key = _normal(text)
    if key in labels:
        return labels[key]
    both = _NUMBER_AND_LABEL.fullmatch(key)
    if both and labels.get(_normal(both.group(2)).strip("()")) == int(both.group(1)):
        return int(both.group(1))
    return None


UNJUDGED_CELLS = frozenset({"x", "?", "can't judge", "cannot judge", "can't judge this", "don't know", "n/a"})


def _unjudged(quiz: Quiz, text: str) -> bool:
    """A cell meaning "I can't judge this" (the quiz's own label, x, ?, n/a…), in quizzes that offer it."""
    if quiz.unsure is None:
        return False
    key = _normal(text).replace("\u2019", "'")
    return key in UNJUDGED_CELLS or key == _normal(quiz.unsure.label).replace("\u2019", "'")


def _group(quiz: Quiz, text: str) -> str | None:
    key = _normal(text)
    for group in quiz.groups:
        if key in (_normal(group.id), _normal(group.title)):
            return group.id
    return None


def _describe(text: str) -> str:
    if not text:
        return "no answer"
    shown = text if len(text) <= 30 else text[:29] + "…"
    return f"{shown!r} is not an answer on the scale"


def _expected(quiz: Quiz) -> str:
    labels = ", ".join(point.label for point in quiz.scale)
    unsure = f", or x / {quiz.unsure.label!r} for a statement the person could not judge" if quiz.unsure else ""
    return f"a number from {quiz.scale_min} to {quiz.scale_max} or one of: {labels}{unsure}"


# -- shared --------------------------------------------------------------------------------


def _check_count(count: int, what: str) -> None:
    if count > MAX_RESPONDENTS:
        raise AnswerError(f"this holds {count} {what}; a team report takes at most {MAX_RESPONDENTS} respondents, so split the team")


def _finish(roster: Roster, unit: str) -> Roster:
    """Refuse input where nothing could be read, quoting the first problems."""
    if roster.respondents:
        return roster
    shown = "; ".join(f"{s.where}: {s.message}" for s in roster.skipped[:3])
    more = f" (and {len(roster.skipped) - 3} more)" if len(roster.skipped) > 3 else ""
    count = len(roster.skipped)
    head = f"the only {unit} could not be read" if count == 1 else f"none of the {count} {unit}s could be read"
    raise AnswerError(f"{head}: {shown}{more}")


def _letters(index: int) -> str:
    """A spreadsheet column name: 0 -> A, 25 -> Z, 26 -> AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def _size(count: int) -> str:
    if count < 100 * 1024:
        return f"{count / 1024:.0f} KB"
    return f"{count / (1024 * 1024):.2f}".rstrip("0").rstrip(".") + " MB"
