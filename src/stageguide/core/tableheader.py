"""Find the header of a team file, and the rows around it that only dress it up.

Survey tools rarely write one clean header row: SurveyMonkey puts a row of
"Response" under its questions (or the statements of a matrix question in a second
row), Qualtrics writes column ids, then the question texts, then a row of
``{"ImportId": …}``. The header is the row among the first few that names the most
statements (by id or text); the rows above it, the empty rows and those just below
it that hold labels rather than answers are header furniture: skipped and listed as
such, not reported as bad answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from .cells import normal, read_answer
from .errors import AnswerError
from .limits import MAX_CELL_MATCH_CHARS, MAX_HEADER_SCAN
from .model import Quiz, Statement
from .tablerows import Row, Table

_NUMBER_WORDS = ("question", "q")
# What survey tools write under a question in their second header row: not a column's name.
_GENERIC_LABELS = frozenset({"response", "open-ended response", "other (please specify)"})


@dataclass(frozen=True)
class Furniture:
    number: int
    what: str


@dataclass(frozen=True)
class Header:
    row: Row
    labels: tuple[
        str, ...
    ]  # each column's name: the header cell, or the nearest one above or below it
    statements: dict[int, Statement]  # column index -> the statement it holds
    duplicates: tuple[tuple[int, int, Statement], ...]  # (first column, second column, statement)
    furniture: tuple[Furniture, ...]
    body: tuple[Row, ...]  # the rows after the header and its furniture


def statement_lookup(quiz: Quiz) -> dict[str, Statement]:
    lookup: dict[str, Statement] = {}
    for statement in quiz.statements:
        lookup[normal(statement.text).rstrip(".?! ")] = statement
    for statement in quiz.statements:
        lookup[normal(statement.id)] = statement  # an id wins over a text that happens to match it
    return lookup


def header_keys(cell: str) -> list[str]:
    """The forms of a header cell that may name a statement, each found in one linear pass.

    As is; the part in the last [brackets] (Google Forms grids: ``Question [statement]``);
    the part after the last " - " (Qualtrics matrices: ``Question - statement``); and each
    of those without a leading number (``7.``, ``Q7``, ``Question 7:``).
    """
    if len(cell) > MAX_CELL_MATCH_CHARS:
        return []
    key = normal(cell)
    keys = [key]
    if key.endswith("]"):
        opening = key.rfind("[", 0, len(key) - 2)
        if opening >= 0:
            keys.append(key[opening + 1 : -1].strip())
    dash = key.rfind(" - ")
    if dash > 0:
        keys.append(key[dash + 3 :].strip())
    keys += [stripped for stripped in (_without_number(k) for k in list(keys)) if stripped]
    return [k.rstrip(".?! ") or k for k in keys]


def _without_number(key: str) -> str | None:
    """``7. text``, ``q7 text``, ``question 7: text`` -> ``text`` (a number of one to three digits)."""
    rest = key
    for word in _NUMBER_WORDS:
        if rest.startswith(word):
            rest = rest[len(word) :].lstrip()
            break
    digits = len(rest) - len(rest.lstrip("0123456789"))
    if not 1 <= digits <= 3:
        return None
    after = rest[digits:]
    spaced = after.lstrip()
    if spaced[:1] in (".", ")", ":", "-"):
        after = spaced[1:]
        spaced = after.lstrip()
    return spaced if spaced and spaced != after else None


def match_statements(
    lookup: dict[str, Statement], cells: tuple[str, ...]
) -> tuple[dict[int, Statement], list[tuple[int, int, Statement]]]:
    found: dict[int, Statement] = {}
    first: dict[str, int] = {}
    duplicates: list[tuple[int, int, Statement]] = []
    for index, cell in enumerate(cells):
        statement = next((lookup[k] for k in header_keys(cell) if k in lookup), None)
        if statement is None:
            continue
        if statement.id in first:
            duplicates.append((first[statement.id], index, statement))
        else:
            first[statement.id] = index
            found[index] = statement
    return found, duplicates


def find_header(quiz: Quiz, table: Table) -> Header:
    lookup = statement_lookup(quiz)
    rows = table.rows
    candidates = [index for index, row in enumerate(rows) if not row.blank][:MAX_HEADER_SCAN]
    early = "".join(
        f"; row {b.number} could not be read: {b.message}"
        for b in table.broken[:1]
        if b.number <= MAX_HEADER_SCAN
    )
    if not candidates:
        raise AnswerError(
            f"the {table.source} is empty{early}; expected a header row naming the statements, "
            "then one row per respondent"
        )
    best = candidates[0]
    best_found: dict[int, Statement] = {}
    best_duplicates: list[tuple[int, int, Statement]] = []
    for index in candidates:
        found, duplicates = match_statements(lookup, rows[index].cells)
        if len(found) > len(best_found):
            best, best_found, best_duplicates = index, found, duplicates
    header = rows[best]
    if not best_found:
        example = quiz.statements[0]
        raise AnswerError(
            f"this {table.source} does not fit the quiz: none of its first rows (up to row "
            f"{rows[candidates[-1]].number}) names "
            f"any of the quiz's statements. Expected a header row with one column per statement, headed by its id "
            f"(such as {example.id!r}) or its text (such as {example.text!r}){early}"
        )
    furniture = [Furniture(row.number, _above(row, header)) for row in rows[:best]]
    below = best + 1
    while below < len(rows) and below - best <= MAX_HEADER_SCAN:
        what = _furniture_below(quiz, lookup, rows[below], header, best_found)
        if what is None:
            break
        furniture.append(Furniture(rows[below].number, what))
        below += 1
    block = [*rows[:best], *rows[best + 1 : below]]
    labels, statements, duplicates = _merge(
        lookup, header, block, best_found, list(best_duplicates)
    )
    return Header(header, labels, statements, tuple(duplicates), tuple(furniture), rows[below:])


def _above(row: Row, header: Row) -> str:
    if row.blank:
        return "an empty row above the header"
    return f"above the header (row {header.number}), which names the statements"


def _furniture_below(
    quiz: Quiz, lookup: dict[str, Statement], row: Row, header: Row, found: dict[int, Statement]
) -> str | None:
    """What a row just below the header is, when it holds labels rather than anyone's answers."""
    if row.blank:
        return "an empty row below the header"
    values = [row.cells[i].strip() if i < len(row.cells) else "" for i in found]
    filled = [value for value in values if value]
    if not filled or len(filled) < (len(values) + 1) // 2:
        return None
    if any(read_answer(quiz, value) is not None for value in filled):
        return None
    if all(value.startswith("{") and value.endswith("}") for value in filled):
        return "the survey tool's question ids (ImportId), not answers"
    others = [value for value in filled if not any(k in lookup for k in header_keys(value))]
    if not others:
        return "a second header row naming the statements"
    if len({normal(value) for value in others}) == 1 and len(others) >= 2:
        return f"a label repeated under each question ({others[0][:40]!r}), not answers"
    return None


def _merge(
    lookup: dict[str, Statement],
    header: Row,
    block: list[Row],
    found: dict[int, Statement],
    duplicates: list[tuple[int, int, Statement]],
) -> tuple[tuple[str, ...], dict[int, Statement], list[tuple[int, int, Statement]]]:
    """Column names and statements from the header, completed from the rows around it.

    A matrix question may spread over two rows (its title above, the statements
    below), and a respondent's "First name" may sit in the row above the statements.
    """
    width = max([len(header.cells), *(len(row.cells) for row in block)])
    labels = [
        " ".join(header.cells[i].split()) if i < len(header.cells) else "" for i in range(width)
    ]
    statements = dict(found)
    held = {s.id: i for i, s in statements.items()}
    for row in sorted(block, key=lambda r: abs(r.number - header.number)):
        for index, cell in enumerate(row.cells):
            if not cell.strip() or index in statements:
                continue
            if not labels[index] or normal(labels[index]) in _GENERIC_LABELS:
                labels[index] = " ".join(cell.split())
            statement = next((lookup[k] for k in header_keys(cell) if k in lookup), None)
            if statement is None:
                continue
            if (
                statement.id not in held
            ):  # else it is named again above or below: furniture, not a clash
                held[statement.id] = index
                statements[index] = statement
                labels[index] = " ".join(cell.split())
    return tuple(labels), statements, duplicates
