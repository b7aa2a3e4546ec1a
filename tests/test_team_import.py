"""Team files as survey tools export them, and as hostile or unlucky users make them.

Issue 15: exports shaped like Google Forms, Microsoft Forms (CSV from Excel and .xlsx),
SurveyMonkey, Typeform and Qualtrics give the Sales-versus-Marketing report unedited,
in CPython and (CSV) in Pyodide. Issue 17: linear parsing at the size limit, long
fields, unclosed quotes, encodings, limits and the command line's failure modes.
"""

from __future__ import annotations

import base64
import codecs
import io
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cores import CPythonCore, PyodideCore
from exports import CSV_EXPORTS, PEOPLE, Export, answers, microsoft_forms_xlsx
from helpers import load
from paths import REPO, SALES_QUIZ, TEAM_QUIZ

from stageguide import spreadsheet
from stageguide.cli import main
from stageguide.core import AnswerError, decode, encode
from stageguide.core.csvimport import guess_format, read_csv, read_file, read_roster
from stageguide.core.limits import MAX_CSV_BYTES, describe_size
from stageguide.core.sharecode import clean_name
from stageguide.core.team import team_report

SALES = load(SALES_QUIZ)
SPORT = load(TEAM_QUIZ)
REFERENCE = CPythonCore()
spreadsheet.install()

EXPORTS = [
    pytest.param(builder, id=builder.__name__) for builder in (*CSV_EXPORTS, microsoft_forms_xlsx)
]


def check_export(export: Export, report: dict) -> None:
    assert report["count"] == export.count
    assert {g["id"]: g["count"] for g in report["groups"]} == export.groups
    assert [r["name"] for r in report["respondents"]] == export.names
    assert [r["where"] for r in report["header_rows"]] == export.header_rows
    assert report["skipped"] == []
    assert [r["stage"]["id"] for r in report["respondents"]] == [
        REFERENCE_STAGE(answers(SALES, n)) for n in range(len(PEOPLE))
    ]


def REFERENCE_STAGE(values: list[int]) -> str:  # noqa: N802 - reads as a table lookup
    from stageguide.core import score

    return score(SALES, values).stage.id


# -- issue 15: what survey tools export ----------------------------------------------------------


@pytest.mark.parametrize("builder", EXPORTS)
def test_survey_tool_exports_give_the_report_unedited(builder) -> None:  # type: ignore[no-untyped-def]
    export = builder(SALES)
    report = team_report(SALES, read_file(SALES, export.data, export.name)).to_dict()
    check_export(export, report)
    assert any("the function is read from column" in note for note in report["notes"])
    finding_groups = {g["id"] for d in report["dimensions"] for g in d["groups"]}
    assert {"sales", "marketing"} <= finding_groups  # the comparison the page exists for


def test_header_furniture_is_listed_as_such() -> None:
    export = [b for b in CSV_EXPORTS if b.__name__ == "qualtrics"][0](SALES)
    report = team_report(SALES, read_file(SALES, export.data, export.name)).to_dict()
    assert report["header_rows"] == [
        {"where": "row 1", "message": "above the header (row 2), which names the statements"},
        {"where": "row 3", "message": "the survey tool's question ids (ImportId), not answers"},
    ]
    assert report["skipped"] == []


def test_several_function_columns_say_which_was_used() -> None:
    header = ["Dept", "Which function are you in?", *(s.id for s in SPORT.statements)]
    rows = [
        ",".join(header),
        "Coach,Player,1,1,1,1,1,1",
        ",coach,2,2,2,2,2,2",
        "Player,Player,3,3,3,3,3,3",
    ]
    roster = read_csv(SPORT, "\n".join(rows))
    assert [p.group for p in roster.respondents] == ["player", "coach", "player"]
    assert roster.notes == (
        "the function is read from column B ('Which function are you in?'), whose cells all name one of the quiz's "
        "groups; column A ('Dept') also could be, and was not used",
    )


def test_a_column_with_one_unknown_value_is_not_the_function() -> None:
    header = ["Which function are you in?", *(s.id for s in SPORT.statements)]
    roster = read_csv(
        SPORT, "\n".join([",".join(header), "Player,1,1,1,1,1,1", "Finance,2,2,2,2,2,2"])
    )
    assert [p.group for p in roster.respondents] == [None, None]
    assert roster.ignored_columns == ("column A ('Which function are you in?')",)


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("5", 5),
        ("4.0", 4),
        ("4,0", 4),
        ("04", 4),
        ("Agree", 4),
        ("strongly AGREE", 5),
        ("5 - Strongly agree", 5),
        ("Strongly agree (5)", 5),
        ("(5) Strongly agree", 5),
        ("5. Strongly agree", 5),
        ("4 - Strongly agree", None),
        ("4.5", None),
        ("9", None),
    ],
)
def test_answers_as_numbers_labels_and_both(cell: str, value: int | None) -> None:
    from stageguide.core.cells import read_answer

    assert read_answer(SALES, cell) == value


def test_a_label_that_matches_no_point_is_reported_by_row_and_column() -> None:
    header = ",".join(s.id for s in SPORT.statements)
    roster = read_csv(SPORT, f"{header}\n1,1,1,1,1,1\n1,Maybe (2),1,1,1,1\n")
    assert roster.skipped[0].where == "row 3"
    assert roster.skipped[0].message.startswith(
        "column B ('attendance'): 'Maybe (2)' is not an answer on the scale"
    )


def test_cli_reads_an_xlsx_and_a_tool_export(tmp_path: Path) -> None:
    xlsx = microsoft_forms_xlsx(SALES)
    monkey = [b for b in CSV_EXPORTS if b.__name__ == "surveymonkey"][0](SALES)
    for export in (xlsx, monkey):
        path = tmp_path / export.name
        path.write_bytes(export.data)
        done = subprocess.run(
            [sys.executable, "-m", "stageguide", "team", str(path), "--quiz", str(SALES_QUIZ)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert "5 respondents (Sales 2, Marketing 3)" in done.stdout
    assert (
        "stageguide: header row skipped, row 2: a label repeated under each question ('Response')"
        in done.stderr
    )


def test_a_spreadsheet_that_is_damaged_or_a_zip_bomb_is_refused() -> None:
    with pytest.raises(AnswerError, match="the spreadsheet is damaged"):
        read_file(SALES, b"PK\x03\x04" + b"\0" * 100, "x.xlsx")
    bomb = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (70 * 1024 * 1024))
    with pytest.raises(AnswerError, match=r"unpacks to 70 MB; the limit is 64 MB"):
        read_file(SALES, bomb.getvalue(), "bomb.xlsx")
    with pytest.raises(AnswerError, match=r"is not an Excel workbook"):
        read_file(SALES, b"a,b\n", "renamed.xlsx")


# -- parity: the page reads files with the same Python --------------------------------------------


def _file_request(quiz_id: str, name: str, data: bytes) -> tuple[str, dict]:
    return "team", {
        "quiz": quiz_id,
        "file": {"name": name, "base64": base64.b64encode(data).decode("ascii")},
    }


def _hostile_files() -> list[tuple[str, bytes]]:
    header = ",".join(s.id for s in SALES.statements)
    row = ",".join("3" for _ in SALES.statements)
    utf8 = f"Name,Function,{header}\nMüller,Sales,{row}\nZoë,Marketing,{row}\n"
    return [
        ("cp1252.csv", utf8.encode("cp1252")),
        ("utf16.csv", utf8.encode("utf-16")),
        ("utf8-bom.csv", codecs.BOM_UTF8 + utf8.encode("utf-8")),
        ("binary.csv", bytes(range(256)) * 4),
        ("unclosed.csv", (f'Name,{header}\nAna,{row}\n"Ben,{row}\n' + f"Cy,{row}\n" * 5).encode()),
        ("long-name.csv", (f"Name,{header}\nAna,{row}\n{'x' * 200_000},{row}\n").encode()),
        ("brackets.csv", (f"Name,{header},{'[' * (MAX_CSV_BYTES - 4000)}\nAna,{row}\n").encode()),
    ]


@pytest.mark.parametrize("builder", [pytest.param(b, id=b.__name__) for b in CSV_EXPORTS])
def test_exports_match_in_pyodide(core: CPythonCore | PyodideCore, builder) -> None:  # type: ignore[no-untyped-def]
    quiz = load(SALES_QUIZ)
    for each in (core, REFERENCE):
        assert each.call("load", {"quiz": quiz.to_dict()})["ok"]
    export = builder(SALES)
    reply = core.call(*_file_request(quiz.id, export.name, export.data))
    assert reply == REFERENCE.call(*_file_request(quiz.id, export.name, export.data))
    check_export(export, reply["data"])


def test_hostile_files_match_in_pyodide(core: CPythonCore | PyodideCore) -> None:
    quiz = load(SALES_QUIZ)
    for each in (core, REFERENCE):
        assert each.call("load", {"quiz": quiz.to_dict()})["ok"]
    requests = [_file_request(quiz.id, name, data) for name, data in _hostile_files()]
    replies = core.call_many(requests)
    assert replies == REFERENCE.call_many(requests)
    cp1252, utf16, bom, binary, unclosed, long_name, brackets = replies
    assert brackets["data"]["count"] == 1 and brackets["data"]["ignored_columns"][0].startswith(
        "column V ('[[["
    )
    for reply in (cp1252, utf16, bom):
        assert [r["name"] for r in reply["data"]["respondents"]] == ["Müller", "Zoë"]
    assert cp1252["data"]["notes"][0].startswith(
        "“cp1252.csv” is not UTF-8; it was read as Windows-1252"
    )
    assert binary["error"]["message"].startswith("“binary.csv” is not a text file that can be read")
    assert unclosed["data"]["count"] == 1
    assert unclosed["data"]["skipped"][0]["message"].startswith(
        "a quote opened in column A on line 3 is never closed"
    )
    assert long_name["data"]["count"] == 1
    assert long_name["data"]["skipped"][0]["where"] == "row 3"
    assert (
        "column A ('Name'): the name is 200000 characters long"
        in long_name["data"]["skipped"][0]["message"]
    )


# -- issue 17: limits, linear parsing, faults ------------------------------------------------------


def _at_limit(header_extra: str, rows: int = 20) -> str:
    header = ",".join(s.id for s in SPORT.statements)
    body = "\n".join(["1,2,3,4,0,1"] * rows)
    text = f"{header},{header_extra}\n{body}\n"
    return text


@pytest.mark.parametrize("char", ["[", "]", "-", "1", " - [", "q1. "])
def test_header_cells_at_the_size_limit_are_read_in_linear_time(char: str) -> None:
    base = _at_limit("")
    filler = (char * (MAX_CSV_BYTES // len(char)))[: MAX_CSV_BYTES - len(base) - 2]
    roster = read_csv(SPORT, _at_limit('"' + filler.replace('"', "") + '"'))
    assert len(roster.respondents) == 20
    assert roster.ignored_columns[0].startswith("column G (")


def test_a_header_line_over_the_csv_modules_field_limit(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(_at_limit("x" * 140_000), encoding="utf-8")
    assert main(["team", str(path), "--quiz", str(TEAM_QUIZ)]) == 0
    assert "20 respondents" in capsys.readouterr().out


def test_an_unclosed_quote_in_row_3_of_100_names_the_line() -> None:
    header = ",".join(s.id for s in SPORT.statements)
    rows = ["1,1,1,1,1,1"] * 99
    rows[1] = '"1,1,1,1,1,1'
    roster = read_csv(SPORT, header + "\n" + "\n".join(rows) + "\n")
    assert len(roster.respondents) == 1
    assert roster.skipped[0].where == "row 3"
    assert roster.skipped[0].message == (
        "a quote opened in column A on line 3 is never closed, so the rest of the file (lines 3–100) was read as one "
        "cell; add the missing closing quote"
    )


def test_a_quote_closed_rows_later_is_reported_and_the_rest_kept() -> None:
    header = ",".join(s.id for s in SPORT.statements)
    text = header + '\n1,1,1,1,1,1\n"2,2,2,2,2,2\n3,3,3,3,3,3\n4,4,4,4,4,"4\n1,1,1,1,1,1\n'
    roster = read_csv(SPORT, text)
    assert [p.where for p in roster.respondents] == ["row 2", "row 4 (line 6)"]
    assert roster.skipped[0].message.startswith(
        "a quoted cell in column A opened on line 3 runs on to line 5, taking in what look like 2 other rows"
    )


def test_a_header_whose_first_cell_holds_a_line_break_is_csv() -> None:
    text = '"Your\nname",' + ",".join(s.id for s in SPORT.statements) + "\nAna,1,1,1,1,1,1\n"
    assert guess_format(SPORT, text) == "csv"
    assert read_roster(SPORT, text).respondents[0].name == "Ana"


def test_sizes_are_precise_enough_to_tell_the_limit_from_one_byte_over() -> None:
    assert describe_size(MAX_CSV_BYTES) == "2 MB"
    assert describe_size(MAX_CSV_BYTES + 1) == "2 MB and 1 byte"
    with pytest.raises(AnswerError, match=r"^“big.csv” is 2 MB and 1 byte; the limit is 2 MB$"):
        read_file(SPORT, b"x" * (MAX_CSV_BYTES + 1), "big.csv")


def test_invisible_characters_are_stripped_from_names_and_joiners_kept() -> None:
    assert clean_name("Al\u200bice") == "Alice"
    assert clean_name("\u200fBob\u200e\U000e0041") == "Bob"
    assert clean_name("Zoë 👩\u200d🔬") == "Zoë 👩\u200d🔬"
    assert clean_name("می\u200cخواهم") == "می\u200cخواهم"
    flag = "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
    assert clean_name(f"Eng {flag}") == f"Eng {flag}"
    code = encode(SPORT, [1] * 6, None, "Al\u200bice")
    assert decode(SPORT, code).name == "Alice"


def test_a_share_code_version_is_read_only_as_written() -> None:
    code = encode(SPORT, [1] * 6)
    with pytest.raises(AnswerError, match=r"version '03' is not written as the site writes it"):
        decode(SPORT, code.replace(".3.", ".03.", 1))


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (["team", "-"], b"a,b\n\xff\xfe,1\n", "none of its first rows"),
        (["team", "-"], b"\x00\x01" * 10, "is not a text file that can be read"),
        (["score", "--quiz", str(TEAM_QUIZ)], b"\xff\xfe 1 2", "standard input is not UTF-8 text"),
        (["team", "/dev/urandom"], b"", "holds more than 2 MB; a team file may be at most 2 MB"),
        (["team", "-"], b"x" * (MAX_CSV_BYTES + 1), "standard input holds more than 2 MB"),
    ],
)
def test_cli_failures_exit_2_with_a_message(argv: list[str], stdin: bytes, message: str) -> None:
    command = [sys.executable, "-m", "stageguide", *argv]
    if "--quiz" not in argv:
        command += ["--quiz", str(TEAM_QUIZ)]
    done = subprocess.run(
        command,
        cwd=REPO,
        input=stdin,
        capture_output=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"},
    )
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2, err
    assert err.startswith("stageguide: error: ") and message in err and "Traceback" not in err


def test_check_refuses_deep_and_huge_quiz_files(tmp_path: Path) -> None:
    deep = tmp_path / "deep.yml"
    deep.write_text("a: " + "[" * 500 + "]" * 500 + "\n", encoding="utf-8")
    huge = tmp_path / "huge.yml"
    huge.write_bytes(b"# " + b"x" * (600 * 1024) + b"\n")
    for path, message in (
        (deep, "nested far too deeply"),
        (huge, "the file is 600 KB and 3 bytes; a quiz file may be at most 512 KB"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "stageguide", "check", str(path)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr, (
            done.stderr
        )


# -- property: nothing but the documented error, in time linear in the input -----------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

# Generous: a linear reader does a few microseconds per byte; a quadratic one blows this at once.
SECONDS_BASE, SECONDS_PER_BYTE = 0.5, 20e-6

CSV_ALPHABET = st.sampled_from(
    [
        ",",
        ";",
        "\t",
        '"',
        "\n",
        "\r",
        " ",
        "[",
        "]",
        "(",
        ")",
        "-",
        ".",
        "5",
        "0",
        "~",
        "#",
        "a",
        "é",
        "\u200b",
        "{",
        "}",
    ]
)
CELLS = st.one_of(
    st.sampled_from(
        [s.id for s in SPORT.statements]
        + [s.text for s in SPORT.statements]
        + ["Name", "Function", "Player", "Coach", "Agree", "4", "4,0", "(2) x"]
    ),
    st.text(CSV_ALPHABET, max_size=30),
)
CSV_TEXT = st.lists(st.lists(CELLS, max_size=10), max_size=30).map(
    lambda rows: "\n".join(",".join(r) for r in rows)
)
CODE_TEXT = st.text(st.sampled_from("team-sport.0123456789abcz~gnA_=%#&/:t"), max_size=200)


def _within_linear_time(call, size: int) -> None:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    try:
        call()
    except AnswerError:
        pass
    assert time.perf_counter() - started < SECONDS_BASE + SECONDS_PER_BYTE * size


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_random_bytes_give_only_the_documented_error(data: bytes) -> None:
    _within_linear_time(
        lambda: team_report(SPORT, read_file(SPORT, data, "random.csv")).to_dict(), len(data)
    )
    _within_linear_time(lambda: read_file(SPORT, b"PK\x03\x04" + data, "random.xlsx"), len(data))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CSV_TEXT)
def test_random_csv_shaped_text_gives_only_the_documented_error(text: str) -> None:
    _within_linear_time(
        lambda: team_report(SPORT, read_roster(SPORT, text)).to_dict(), len(text.encode())
    )
    _within_linear_time(lambda: read_roster(SPORT, text, "csv"), len(text.encode()))


@settings(max_examples=200, deadline=None)
@given(CODE_TEXT)
def test_random_share_codes_give_only_the_documented_error(text: str) -> None:
    _within_linear_time(lambda: decode(SPORT, text), len(text))
    _within_linear_time(lambda: read_roster(SPORT, text, "codes"), len(text))


@pytest.mark.parametrize("size", [10_000, 100_000, MAX_CSV_BYTES - 100])
def test_large_hostile_inputs_stay_linear(size: int) -> None:
    for text in (
        "[" * size,
        '"' + "a,\n" * (size // 3),
        ",".join(["x"] * (size // 2)),
        "\n" * size,
        "1 - (" * (size // 5),
    ):
        _within_linear_time(lambda text=text: read_roster(SPORT, text), len(text))
        _within_linear_time(lambda text=text: read_file(SPORT, text.encode(), "big.csv"), len(text))
