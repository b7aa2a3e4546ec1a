"""Team files shaped like the documented exports of common survey tools, for the sample quiz.

Each builder returns an `Export`: the file's bytes and what a reader must find in it
(respondent count, functions, names, rows skipped as header furniture). The shapes
follow each tool's documented export: column order, extra header rows, how a choice
and an empty answer are written, the encoding and separator. Every export holds
Sales and Marketing respondents, so the comparison the team page exists for is there.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

from stageguide.core import Quiz

PEOPLE = [
    ("Ana", "Silva", "Sales"),
    ("Ben", "Okafor", "Marketing"),
    ("Chloé", "Martin", "Sales"),
    ("Dev", "Patel", "Marketing"),
    ("Eva", "Novak", "marketing"),  # typed in lower case: still the group
]


@dataclass(frozen=True)
class Export:
    name: str
    data: bytes
    count: int
    groups: dict[str, int]  # group id -> respondents
    names: list[str | None]
    header_rows: list[str] = field(default_factory=list)  # "row N" of the rows skipped as furniture
    notes: list[str] = field(default_factory=list)  # substrings of the notes expected


def answers(quiz: Quiz, person: int) -> list[int]:
    """A different, fixed answer vector for each person."""
    low, high = quiz.scale_min, quiz.scale_max
    return [low + (person * 3 + index) % (high - low + 1) for index in range(len(quiz.statements))]


def _labels(quiz: Quiz) -> dict[int, str]:
    return {point.value: point.label for point in quiz.scale}


def _csv(rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _groups() -> dict[str, int]:
    counts: dict[str, int] = {}
    for _, _, function in PEOPLE:
        counts[function.lower()] = counts.get(function.lower(), 0) + 1
    return counts


def google_forms(quiz: Quiz) -> Export:
    """Responses → Download responses (.csv): Timestamp, then one column per question; a grid's
    rows become ``Question [row]`` columns holding the chosen column label."""
    grid = "How far do you agree with each statement?"
    header = [
        "Timestamp",
        "Email address",
        "Your name",
        "Which function are you in?",
        *(f"{grid} [{s.text}]" for s in quiz.statements),
    ]
    label = _labels(quiz)
    rows = [header] + [
        [
            f"2026/03/0{n + 1} 9:1{n}:00 AM GMT",
            f"{first.lower()}@example.org",
            f"{first} {last}",
            function,
            *(label[a] for a in answers(quiz, n)),
        ]
        for n, (first, last, function) in enumerate(PEOPLE)
    ]
    return Export(
        "google-forms.csv",
        _csv(rows).encode("utf-8"),
        5,
        _groups(),
        [f"{first} {last}" for first, last, _ in PEOPLE],
    )


def microsoft_forms_rows(quiz: Quiz) -> list[list[object]]:
    """The workbook Microsoft Forms hands out (Open in Excel): ID, Start time, Completion time,
    Email, Name, then one column per question; a Likert question gives one column per row,
    headed by the row's text, holding the chosen option. Anonymous forms write "anonymous"."""
    header = [
        "ID",
        "Start time",
        "Completion time",
        "Email",
        "Name",
        "Which function do you work in?",
        *(s.text for s in quiz.statements),
    ]
    label = _labels(quiz)
    rows: list[list[object]] = [header]
    for n, (first, last, function) in enumerate(PEOPLE):
        name = "anonymous" if n == 4 else f"{first} {last}"
        rows.append(
            [
                n + 1,
                f"3/{n + 1}/26 9:10:00",
                f"3/{n + 1}/26 9:14:00",
                "anonymous" if n == 4 else f"{first}@example.org",
                name,
                function,
                *(label[a] for a in answers(quiz, n)),
            ]
        )
    return rows


def microsoft_forms_csv(quiz: Quiz) -> Export:
    """That workbook saved from a European Excel as “CSV UTF-8”: semicolons and a byte-order mark."""
    rows = [[str(cell) for cell in row] for row in microsoft_forms_rows(quiz)]
    data = b"\xef\xbb\xbf" + _csv(rows, ";").encode("utf-8")
    names = [f"{first} {last}" for first, last, _ in PEOPLE[:4]] + [None]
    return Export("microsoft-forms.csv", data, 5, _groups(), names)


def microsoft_forms_xlsx(quiz: Quiz) -> Export:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    for row in microsoft_forms_rows(quiz):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    names = [f"{first} {last}" for first, last, _ in PEOPLE[:4]] + [None]
    return Export("microsoft-forms.xlsx", out.getvalue(), 5, _groups(), names)


def surveymonkey(quiz: Quiz) -> Export:
    """Analyze results → Save as → Export file → All responses data → CSV (expanded): row 1 holds the
    question texts, row 2 "Response" under each single-choice question (and the labels of
    the respondent columns' parts); answers are the chosen choice's text."""
    fixed = [
        "Respondent ID",
        "Collector ID",
        "Start Date",
        "End Date",
        "IP Address",
        "Email Address",
        "First Name",
        "Last Name",
        "Custom Data 1",
    ]
    row1 = [*fixed, "Which function are you in?", *(s.text for s in quiz.statements)]
    row2 = [""] * len(fixed) + ["Response"] * (1 + len(quiz.statements))
    label = _labels(quiz)
    rows = [row1, row2] + [
        [
            str(11400000000 + n),
            "421000000",
            "03/02/2026 09:10:11 AM",
            "03/02/2026 09:14:40 AM",
            "",
            "",
            first,
            last,
            "",
            function,
            *(label[a] for a in answers(quiz, n)),
        ]
        for n, (first, last, function) in enumerate(PEOPLE)
    ]
    return Export(
        "surveymonkey.csv",
        _csv(rows).encode("utf-8"),
        5,
        _groups(),
        [f"{first} {last}" for first, last, _ in PEOPLE],
        ["row 2"],
    )


def surveymonkey_matrix(quiz: Quiz) -> Export:
    """The same tool with the statements asked as one matrix question: its title in row 1 over the
    first column only, the statements (the matrix rows) in row 2."""
    fixed = ["Respondent ID", "Collector ID", "Start Date", "End Date", "First Name", "Last Name"]
    row1 = [
        *fixed,
        "Which function are you in?",
        "How far do you agree with each statement?",
        *[""] * (len(quiz.statements) - 1),
    ]
    row2 = [""] * len(fixed) + ["Response", *(s.text for s in quiz.statements)]
    label = _labels(quiz)
    rows = [row1, row2] + [
        [
            str(11400000000 + n),
            "421000000",
            "03/02/2026",
            "03/02/2026",
            first,
            last,
            function,
            *(label[a] for a in answers(quiz, n)),
        ]
        for n, (first, last, function) in enumerate(PEOPLE)
    ]
    return Export(
        "surveymonkey-matrix.csv",
        _csv(rows).encode("utf-8"),
        5,
        _groups(),
        [f"{first} {last}" for first, last, _ in PEOPLE],
        ["row 1"],
    )


def typeform(quiz: Quiz) -> Export:
    """Results → Responses → Download all responses → CSV: "#" (the response token), a column
    per question headed by its text, opinion-scale answers as numbers, then the dates."""
    header = [
        "#",
        "What's your name?",
        "Which function are you in?",
        *(s.text for s in quiz.statements),
        "Start Date (UTC)",
        "Submit Date (UTC)",
        "Network ID",
    ]
    rows = [header] + [
        [
            f"tok{n}x9",
            first,
            function,
            *(str(a) for a in answers(quiz, n)),
            "2026-03-02 09:10:11",
            "2026-03-02 09:14:40",
            "a1b2c3",
        ]
        for n, (first, _, function) in enumerate(PEOPLE)
    ]
    return Export(
        "typeform.csv", _csv(rows).encode("utf-8"), 5, _groups(), [first for first, _, _ in PEOPLE]
    )


def qualtrics(quiz: Quiz) -> Export:
    """Data & Analysis → Export & Import → Export data → CSV, choice text: row 1 the column ids,
    row 2 the question texts (a matrix as "question - statement"), row 3 ImportId JSON."""
    fixed = [
        ("StartDate", "Start Date", {"ImportId": "startDate", "timeZone": "Europe/London"}),
        ("Status", "Response Type", {"ImportId": "status"}),
        ("Finished", "Finished", {"ImportId": "finished"}),
        ("ResponseId", "Response ID", {"ImportId": "_recordId"}),
        ("RecipientLastName", "Recipient Last Name", {"ImportId": "recipientLastName"}),
        ("RecipientFirstName", "Recipient First Name", {"ImportId": "recipientFirstName"}),
    ]
    matrix = "How far do you agree with each statement?"
    row1 = [c[0] for c in fixed] + ["Q1"] + [f"Q2_{i}" for i in range(1, len(quiz.statements) + 1)]
    row2 = (
        [c[1] for c in fixed]
        + ["Which function are you in?"]
        + [f"{matrix} - {s.text}" for s in quiz.statements]
    )
    row3 = (
        [json.dumps(c[2]) for c in fixed]
        + [json.dumps({"ImportId": "QID1"})]
        + [json.dumps({"ImportId": f"QID2_{i}"}) for i in range(1, len(quiz.statements) + 1)]
    )
    label = _labels(quiz)
    rows = [row1, row2, row3] + [
        [
            "2026-03-02 09:10:11",
            "IP Address",
            "True",
            f"R_{n}abc",
            last,
            first,
            function,
            *(label[a] for a in answers(quiz, n)),
        ]
        for n, (first, last, function) in enumerate(PEOPLE)
    ]
    return Export(
        "qualtrics.csv",
        _csv(rows).encode("utf-8"),
        5,
        _groups(),
        [f"{first} {last}" for first, last, _ in PEOPLE],
        ["row 1", "row 3"],
    )


CSV_EXPORTS = (
    google_forms,
    microsoft_forms_csv,
    surveymonkey,
    surveymonkey_matrix,
    typeform,
    qualtrics,
)
