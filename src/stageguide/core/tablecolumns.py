"""What each column of a team file holds: a statement, the name, the function, or nothing we use.

Statement columns come from the header. A name column is recognised by its header
("Name", "Respondent", …), or first and last names are joined. The function (group)
column is recognised by its header, or else by its values: a column whose filled
cells all name one of the quiz's groups is the function, whatever its question
said ("Which function are you in?"). When several columns could be, the fullest
is used and a note says which.
"""

from __future__ import annotations

from dataclasses import dataclass

from .cells import normal, read_group
from .model import Quiz, Statement
from .tablerows import Row, letters

NAME_HEADERS = frozenset(
    {
        "name",
        "your name",
        "full name",
        "respondent",
        "respondent name",
        "initials",
        "name or initials",
        "your name or initials",
        "participant",
        "participant name",
        "what is your name",
        "what's your name",
        "your full name",
        "name (optional)",
    }
)
FIRST_NAME_HEADERS = frozenset(
    {
        "first name",
        "first",
        "given name",
        "forename",
        "firstname",
        "recipient first name",
        "recipientfirstname",
    }
)
LAST_NAME_HEADERS = frozenset(
    {
        "last name",
        "last",
        "surname",
        "family name",
        "lastname",
        "recipient last name",
        "recipientlastname",
    }
)
GROUP_HEADERS = frozenset(
    {
        "group",
        "function",
        "your function",
        "team",
        "role",
        "department",
        "your department",
        "your team",
    }
)


@dataclass(frozen=True)
class Column:
    index: int
    header: str

    @property
    def label(self) -> str:
        header = self.header if len(self.header) <= 40 else self.header[:39] + "…"
        return (
            f"column {letters(self.index)} ({header!r})"
            if header
            else f"column {letters(self.index)}"
        )


@dataclass(frozen=True)
class Layout:
    statements: tuple[Column, ...]  # in the quiz's statement order
    names: tuple[Column, ...]  # one full-name column, or first and last name to join
    group: Column | None
    ignored: tuple[Column, ...]
    width: int
    notes: tuple[str, ...] = ()


def column_roles(
    quiz: Quiz, labels: tuple[str, ...], statements: dict[int, Statement], body: tuple[Row, ...]
) -> Layout:
    by_id = {statement.id: index for index, statement in statements.items()}
    columns = tuple(
        Column(by_id[s.id], labels[by_id[s.id]]) for s in quiz.statements if s.id in by_id
    )
    rest = [Column(index, label) for index, label in enumerate(labels) if index not in statements]
    keys = {column.index: normal(column.header).rstrip("?:. ") for column in rest}
    names = _name_columns(rest, keys)
    taken = {column.index for column in names}
    group, notes = _group_column(quiz, [c for c in rest if c.index not in taken], keys, body)
    if group is not None:
        taken.add(group.index)
    ignored = tuple(column for column in rest if column.index not in taken)
    return Layout(columns, names, group, ignored, len(labels), tuple(notes))


def _name_columns(rest: list[Column], keys: dict[int, str]) -> tuple[Column, ...]:
    full = next((c for c in rest if keys[c.index] in NAME_HEADERS), None)
    if full is not None:
        return (full,)
    first = next((c for c in rest if keys[c.index] in FIRST_NAME_HEADERS), None)
    last = next((c for c in rest if keys[c.index] in LAST_NAME_HEADERS), None)
    return tuple(c for c in (first, last) if c is not None)


def _group_column(
    quiz: Quiz, rest: list[Column], keys: dict[int, str], body: tuple[Row, ...]
) -> tuple[Column | None, list[str]]:
    named = next((c for c in rest if keys[c.index] in GROUP_HEADERS), None)
    if named is not None or not quiz.groups:
        return named, []
    filled: dict[int, int] = {}
    for column in rest:
        count = 0
        for row in body:
            cell = row.cells[column.index] if column.index < len(row.cells) else ""
            if not cell.strip():
                continue
            if read_group(quiz, cell) is None:
                count = -1
                break
            count += 1
        if count > 0:
            filled[column.index] = count
    if not filled:
        return None, []
    candidates = [c for c in rest if c.index in filled]
    chosen = max(candidates, key=lambda c: (filled[c.index], -c.index))
    notes = [
        f"the function is read from {chosen.label}, whose cells all name one of the quiz's groups"
    ]
    others = [c for c in candidates if c is not chosen]
    if others:
        notes[0] += (
            "; "
            + ", ".join(c.label for c in others)
            + (
                " also could be, and was not used"
                if len(others) == 1
                else " also could be, and were not used"
            )
        )
    return chosen, notes
