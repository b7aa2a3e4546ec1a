"""The team report in CPython: hand-checked small teams, the CSV and link readers, and the CLI.

The numbers in the expectations were worked out by hand for the 6-statement team-sport
model (0-4 scale; training = statements 1-3, admin = 4-6; stages 0-9, 10-18, 19-24).
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import load
from paths import REPO, SALES_QUIZ, TEAM_QUIZ

from stageguide.cli import main
from stageguide.core import AnswerError, api, encode
from stageguide.core.csvimport import (
    MAX_RESPONDENTS,
    Respondent,
    Roster,
    read_codes,
    read_csv,
    read_roster,
)
from stageguide.core.team import team_report
from stageguide.report import render_team

SPORT = load(TEAM_QUIZ)
SALES = load(SALES_QUIZ)

# Two players and two coaches: totals 15, 12, 15, 6.
PLAYER_1 = [4, 4, 4, 1, 1, 1]
PLAYER_2 = [4, 2, 3, 1, 1, 1]
COACH_1 = [1, 1, 1, 4, 4, 4]
COACH_2 = [0, 0, 0, 2, 3, 1]


def roster(*people: tuple[list[int], str | None] | tuple[list[int], str | None, str]) -> Roster:
    return Roster(
        "codes",
        tuple(
            Respondent(tuple(p[0]), p[1], p[2] if len(p) > 2 else None, f"line {n}")
            for n, p in enumerate(people, start=1)
        ),  # type: ignore[misc]
    )


def by_id(items: list[dict[str, Any]]) -> dict[Any, dict[str, Any]]:
    return {item["id"]: item for item in items}


@pytest.fixture(scope="module")
def four() -> dict[str, Any]:
    return team_report(
        SPORT,
        roster((PLAYER_1, "player"), (PLAYER_2, "player"), (COACH_1, "coach"), (COACH_2, "coach")),
    ).to_dict()


# --- hand-checked computations ----------------------------------------------------------------


def test_totals_stages_and_groups(four: dict[str, Any]) -> None:
    assert four["count"] == 4
    assert [r["total"] for r in four["respondents"]] == [15, 12, 15, 6]
    assert [r["stage"]["id"] for r in four["respondents"]] == [
        "steady",
        "steady",
        "steady",
        "scrappy",
    ]
    assert four["total"] == {
        "mean": 12.0,
        "min": 6,
        "max": 15,
        "range": 9,
        "spread": 3.67,
    }  # sqrt(13.5)
    assert [(s["id"], s["count"]) for s in four["stages"]] == [
        ("scrappy", 1),
        ("steady", 3),
        ("slick", 0),
    ]
    assert four["groups"] == [
        {"id": "player", "title": "Player", "count": 2},
        {"id": "coach", "title": "Coach", "count": 2},
    ]
    assert [r["label"] for r in four["respondents"]] == [
        "Respondent 1",
        "Respondent 2",
        "Respondent 3",
        "Respondent 4",
    ]
    assert four["respondents"][0]["dimensions"] == [4.0, 1.0]


def test_dimension_means_and_gaps(four: dict[str, Any]) -> None:
    dims = by_id(four["dimensions"])
    training, admin = dims["training"], dims["admin"]
    assert training["mean"] == 2.0 and admin["mean"] == 2.0
    assert [(g["id"], g["mean"]) for g in training["groups"]] == [("player", 3.5), ("coach", 0.5)]
    assert [(g["id"], g["mean"]) for g in admin["groups"]] == [("player", 1.0), ("coach", 3.0)]
    assert training["gap"] == {
        "high": {"id": "player", "title": "Player", "mean": 3.5},
        "low": {"id": "coach", "title": "Coach", "mean": 0.5},
        "points": 3.0,
    }
    assert admin["gap"]["high"]["id"] == "coach" and admin["gap"]["points"] == 2.0
    assert training["spread"] == 1.58  # respondents' training means 4, 3, 1, 0: sqrt(2.5)


def test_disagreements_are_ordered_with_ties_in_quiz_order(four: dict[str, Any]) -> None:
    between = four["disagreements"]["between"]
    # gaps: plan-sessions 3.5, warm-up 3.0, attendance 2.5 and fixtures 2.5 (a tie), fees-paid 2.0, kit 1.5
    assert [s["id"] for s in between] == [
        "plan-sessions",
        "warm-up",
        "attendance",
        "fixtures",
        "fees-paid",
    ]
    assert [s["gap"]["points"] for s in between] == [3.5, 3.0, 2.5, 2.5, 2.0]
    within = four["disagreements"]["within"]
    # variances: plan-sessions 3.1875, warm-up 2.5, attendance 2.1875, fixtures 1.6875 and kit 1.6875 (a tie), fees 1.5
    assert [s["id"] for s in within] == [
        "plan-sessions",
        "warm-up",
        "attendance",
        "fixtures",
        "kit",
    ]
    assert [s["spread"] for s in within] == [1.79, 1.58, 1.48, 1.3, 1.3]
    assert within[0]["min"] == 0 and within[0]["max"] == 4 and within[0]["mean"] == 2.25


def test_findings_name_the_biggest_gaps(four: dict[str, Any]) -> None:
    assert [f["kind"] for f in four["findings"][1:]] == ["dimension-gap", "statement-gap", "spread"]
    assert (
        four["findings"][1:][0]["text"]
        == "Coach rates Training 3.0 points lower than Player does (0.5 against 3.5 on the 0–4 scale)."
    )
    assert four["findings"][1:][1]["text"] == (
        "The widest split between functions is on “Sessions follow a written plan”: Coach averages 0.5 and Player 4.0."
    )
    assert four["findings"][1:][2]["text"].startswith(
        "Answers differ most on “Sessions follow a written plan”: from 0 to 4, a spread of 1.8 points"
    )


def test_team_of_one() -> None:
    report = team_report(SPORT, roster((PLAYER_1, "player", "Ann"))).to_dict()
    assert report["count"] == 1
    assert report["total"] == {"mean": 15.0, "min": 15, "max": 15, "range": 0, "spread": 0.0}
    assert all(d["gap"] is None for d in report["dimensions"])
    assert report["disagreements"] == {"between": [], "within": []}
    assert report["respondents"][0]["label"] == "Ann"
    assert [f["kind"] for f in report["findings"][1:]] == ["stages", "weakest"]
    assert (
        report["findings"][1:][0]["text"]
        == "The one respondent places the relationship at the Steady stage (total 15 of 24)."
    )
    assert (
        report["findings"][1:][1]["text"]
        == "The team rates Administration lowest, at 1.0 on the 0–4 scale, and Training highest at 4.0."
    )


def test_one_function_only_has_no_gaps_but_a_spread() -> None:
    report = team_report(SPORT, roster((PLAYER_1, "player"), (PLAYER_2, "player"))).to_dict()
    assert [g["id"] for g in report["groups"]] == ["player"]
    assert all(d["gap"] is None for d in report["dimensions"])
    assert report["disagreements"]["between"] == []
    assert [s["id"] for s in report["disagreements"]["within"]] == ["attendance", "warm-up"]
    assert [f["kind"] for f in report["findings"][1:]] == ["spread", "stages", "weakest"]
    assert report["findings"][1:][0]["text"].endswith(
        "so people see this differently, whatever their function."
    )
    assert (
        report["findings"][1:][1]["text"]
        == "All 2 respondents place the relationship at the Steady stage (totals 12 to 15)."
    )


def test_respondents_without_a_group_are_shown_but_not_in_the_gap() -> None:
    # The one with no group is furthest from everyone, yet the gap is between the functions.
    report = team_report(
        SPORT, roster((PLAYER_1, "player"), ([0] * 6, None), (COACH_1, "coach"))
    ).to_dict()
    assert report["groups"][-1] == {"id": None, "title": "No group given", "count": 1}
    training = by_id(report["dimensions"])["training"]
    assert [(g["id"], g["mean"]) for g in training["groups"]] == [
        ("player", 4.0),
        ("coach", 1.0),
        (None, 0.0),
    ]
    assert training["gap"]["points"] == 3.0 and training["gap"]["low"]["id"] == "coach"
    assert report["respondents"][1]["group"] is None


def test_nobody_gave_a_group() -> None:
    report = team_report(SPORT, roster((PLAYER_1, None), (COACH_1, None))).to_dict()
    assert report["groups"] == [{"id": None, "title": "No group given", "count": 2}]
    assert all(d["gap"] is None for d in report["dimensions"])
    assert report["findings"][1:][0]["kind"] == "spread"
    assert "whatever their function" not in report["findings"][1:][0]["text"]


def test_tied_group_pairs_take_the_first_pair_in_quiz_order() -> None:
    n = len(SALES.statements)
    report = team_report(
        SALES, roster(([1] * n, "sales"), ([3] * n, "marketing"), ([1] * n, "other"))
    ).to_dict()
    gap = report["dimensions"][0]["gap"]
    # sales-marketing and marketing-other both differ by 2: the first pair wins
    assert (gap["high"]["id"], gap["low"]["id"], gap["points"]) == ("marketing", "sales", 2.0)
    assert report["findings"][1:][0]["text"].startswith(
        "Sales rates Trust and outcomes 2.0 points lower than Marketing does"
    )


def test_small_gaps_read_as_agreement() -> None:
    report = team_report(
        SPORT, roster(([2, 2, 2, 2, 2, 2], "player"), ([2, 2, 3, 2, 2, 2], "coach"))
    ).to_dict()
    assert report["findings"][1:][0]["kind"] == "agreement"
    assert report["findings"][1:][0]["text"] == (
        "Player and Coach see every dimension much the same way: "
        "no gap between their means is larger than 0.3 points on the 0–4 scale."
    )
    assert (
        report["findings"][1:][1]["kind"] == "statement-gap"
    )  # one statement apart by a whole point still is


def test_codes_reproduce_the_team() -> None:
    report = team_report(SPORT, roster((PLAYER_1, "player", "Zoë"), (COACH_2, None))).to_dict()
    again = team_report(SPORT, read_codes(SPORT, "\n".join(report["codes"]))).to_dict()
    assert again["respondents"] == [
        {**r, "where": f"line {r['number']}"} for r in report["respondents"]
    ]


# --- pasted links and codes ---------------------------------------------------------------------


def test_pasted_mix_of_links_codes_and_a_team_link() -> None:
    a, b, c = (
        encode(SPORT, PLAYER_1, "player", "A"),
        encode(SPORT, COACH_1, "coach"),
        encode(SPORT, COACH_2),
    )
    text = f"\ufeffhttps://club.invalid/quiz/#a={a}\n\n  {b}  \nnot a code\nhttps://club.invalid/team/#t={b},{c}\n"
    result = read_roster(SPORT, text)
    assert result.source == "codes"
    assert [p.where for p in result.respondents] == [
        "line 1",
        "line 3",
        "line 5, item 1",
        "line 5, item 2",
    ]
    assert [s.where for s in result.skipped] == ["line 4"]
    assert "not a share code" in result.skipped[0].message
    report = team_report(SPORT, result).to_dict()
    assert report["count"] == 4 and report["skipped"] == [
        {"where": "line 4", "message": result.skipped[0].message}
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "paste at least one share link"),
        ("  \n\n ", "paste at least one share link"),
        ("junk", "the only line could not be read: line 1: this is not a share code"),
        ("junk\nmore junk\nx\ny", "none of the 4 lines could be read: line 1: "),
        ("\n".join(["team-sport.3.000000"] * (MAX_RESPONDENTS + 1)), "at most 500 respondents"),
    ],
)
def test_pasted_text_that_gives_no_report(text: str, message: str) -> None:
    with pytest.raises(AnswerError, match=message):
        read_roster(SPORT, text)


def test_500_respondents_are_fine() -> None:
    report = team_report(
        SPORT, read_roster(SPORT, "\n".join(["team-sport.3.123412"] * MAX_RESPONDENTS))
    ).to_dict()
    assert report["count"] == MAX_RESPONDENTS and report["total"]["spread"] == 0.0


# --- CSV ----------------------------------------------------------------------------------------

SPORT_TEXTS = [s.text for s in SPORT.statements]


def csv_text(header: list[str], *rows: list[str], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def test_csv_with_labels_texts_names_groups_and_extra_columns() -> None:
    header = [
        "Timestamp",
        "Email",
        "Your name",
        "Function",
        *[f"  {t.upper()}  " for t in SPORT_TEXTS],
    ]
    text = csv_text(
        header,
        [
            "2024-01-01",
            "a@x.invalid",
            "Ann",
            "player",
            "always",
            " Always ",
            "ALWAYS",
            "rarely",
            "Rarely",
            "rarely",
        ],
        ["2024-01-02", "b@x.invalid", "Bo", "Coach", "1", "1", "1", "4", "4", "4"],
        ["2024-01-03", "c@x.invalid", "", "", "never", "0", "0", "2", "3", "1"],
    )
    result = read_csv(SPORT, "\ufeff" + text)
    assert result.source == "csv" and result.skipped == ()
    assert [(p.answers, p.group, p.name, p.where) for p in result.respondents] == [
        (tuple(PLAYER_1), "player", "Ann", "row 2"),
        (tuple(COACH_1), "coach", "Bo", "row 3"),
        (tuple(COACH_2), None, None, "row 4"),
    ]
    assert result.ignored_columns == ("column A ('Timestamp')", "column B ('Email')")


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param([s.id for s in SPORT.statements], id="ids"),
        pytest.param([s.id.upper() for s in SPORT.statements], id="ids-uppercase"),
        pytest.param([f"{n}. {t}" for n, t in enumerate(SPORT_TEXTS, start=1)], id="numbered"),
        pytest.param(
            [f"Q{n}: {t.rstrip('.')}" for n, t in enumerate(SPORT_TEXTS, start=1)],
            id="q-numbered-no-stop",
        ),
        pytest.param([f"How often? [{t}]" for t in SPORT_TEXTS], id="survey-grid"),
        pytest.param([" ".join(t.split()).replace(" ", "   ") for t in SPORT_TEXTS], id="spacing"),
    ],
)
def test_csv_headers_matched_by_id_or_text(headers: list[str]) -> None:
    order = [5, 0, 3, 1, 4, 2]  # columns in another order than the quiz
    text = csv_text([headers[i] for i in order], [str(PLAYER_1[i]) for i in order])
    assert read_csv(SPORT, text).respondents[0].answers == tuple(PLAYER_1)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_delimiters(delimiter: str) -> None:
    text = csv_text(["name", *SPORT_TEXTS], ["A, B", *map(str, PLAYER_2)], delimiter=delimiter)
    result = read_csv(SPORT, text)
    assert result.respondents[0].answers == tuple(PLAYER_2) and result.respondents[0].name == "A, B"


@pytest.mark.parametrize(
    "cell", ["3", "3.0", "often", " OFTEN ", "3 - Often", "3 (Often)", "3: often"]
)
def test_csv_answer_forms(cell: str) -> None:
    text = csv_text([s.id for s in SPORT.statements], [cell] * 6)
    assert read_csv(SPORT, text).respondents[0].answers == (3,) * 6


def test_csv_bad_rows_are_listed_and_good_rows_reported() -> None:
    ids = [s.id for s in SPORT.statements]
    text = csv_text(
        ["Name", "Team", *ids, "Comment"],
        ["Ann", "player", *map(str, PLAYER_1), "fine"],
        ["Bo", "player", "4", "5", "4", "", "1", "1", "late"],
        [],
        ["Cy", "referee", *map(str, COACH_1), ""],
        ["Di", "coach", "4", "4", "4", "1", "1", "1 - always", ""],
        ["Ed", "coach", *map(str, COACH_2), "", "surplus"],
        ["x" * 41, "", *map(str, COACH_2)],
    )
    result = read_csv(SPORT, text)
    assert [p.name for p in result.respondents] == ["Ann"]
    skipped = {s.where: s.message for s in result.skipped}
    assert list(skipped) == [
        "row 3",
        "row 5",
        "row 6",
        "row 7",
        "row 8",
    ]  # row 4 is empty and not counted
    assert skipped["row 3"] == (
        "column D ('attendance'): '5' is not an answer on the scale; expected a number from 0 to 4 or one of: "
        "Never, Rarely, Sometimes, Often, Always; column F ('fees-paid'): no answer; expected a number from 0 to 4 "
        "or one of: Never, Rarely, Sometimes, Often, Always"
    )
    assert (
        skipped["row 5"]
        == "column B ('Team'): 'referee' is not a group of this quiz; expected one of: Player, Coach, or an empty cell"
    )
    assert skipped["row 6"].startswith(
        "column H ('kit'): '1 - always' is not an answer on the scale"
    )
    assert skipped["row 7"].startswith("it has 10 cells but the header has 9")
    assert skipped["row 8"].startswith("column A ('Name'): the name is 41 characters long")
    assert result.ignored_columns == ("column I ('Comment')",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the CSV file is empty"),
        ("\n\n", "the CSV file is empty"),
        (
            "name,email\nA,b\n",
            r"none of its first rows \(up to row 2\) names any of the quiz's statements.*'plan-sessions'",
        ),
        (
            "plan-sessions,attendance,warm-up,fees-paid\n1,2,3,4\n",
            r"has no column for 2 of the 6 statements: 5\. Fixtures.*\(id: kit\)",
        ),
        (
            "plan-sessions,attendance,warm-up,fees-paid,fixtures,kit,KIT\n1,2,3,4,1,1,1\n",
            r"column F \('kit'\) and column G \('KIT'\) both hold statement 'kit'",
        ),
        (
            "plan-sessions,attendance,warm-up,fees-paid,fixtures,kit\n",
            r"has a header \(row 1\) but no respondents",
        ),
        (
            "plan-sessions,attendance,warm-up,fees-paid,fixtures,kit\nx,x,x,x,x,x\n",
            r"no respondents below it; row 2 looks like part of the header: "
            r"a label repeated under each question \('x'\)",
        ),
        (
            "plan-sessions,attendance,warm-up,fees-paid,fixtures,kit\n1,x,1,1,1,1\n",
            "the only row could not be read: row 2: column B",
        ),
        (
            'plan-sessions,attendance,warm-up,fees-paid,fixtures,kit\n"1,2\n' + "x" * 200_000,
            r"row 2: a quote opened in column A on line 2 is never closed",
        ),
    ],
)
def test_csv_that_gives_no_report(text: str, message: str) -> None:
    with pytest.raises(AnswerError, match=message):
        read_csv(SPORT, text)


def test_csv_limits() -> None:
    header = ",".join(s.id for s in SPORT.statements)
    rows = "\n".join(["1,1,1,1,1,1"] * (MAX_RESPONDENTS + 1))
    with pytest.raises(
        AnswerError, match="holds 501 rows of answers; a team report takes at most 500 respondents"
    ):
        read_csv(SPORT, header + "\n" + rows)
    big = header + ",comment\n" + ("1,1,1,1,1,1," + "x" * 5000 + "\n") * 420
    with pytest.raises(
        AnswerError, match=r"the CSV file is 2,105,524 bytes \(2.01 MB\); the limit is 2 MB"
    ):
        read_csv(SPORT, big)


def test_format_is_guessed_from_the_first_line() -> None:
    header = ",".join(s.id for s in SPORT.statements)
    assert read_roster(SPORT, f"\n{header}\n1,1,1,1,1,1\n").source == "csv"
    assert read_roster(SPORT, "team-sport.3.111111\n").source == "codes"
    with pytest.raises(AnswerError, match="unknown input format"):
        read_roster(SPORT, "x", "xml")


# --- the request the page sends -----------------------------------------------------------------


def call(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    return json.loads(api.handle(kind, json.dumps(payload)))


def test_api_team_request() -> None:
    call("load", {"quiz": SPORT.to_dict()})
    text = "\n".join(
        encode(SPORT, a, g)
        for a, g in [
            (PLAYER_1, "player"),
            (PLAYER_2, "player"),
            (COACH_1, "coach"),
            (COACH_2, "coach"),
        ]
    )
    reply = call("team", {"quiz": SPORT.id, "text": text})
    assert reply["ok"] and reply["data"] == team_report(SPORT, read_codes(SPORT, text)).to_dict()
    assert call("team", {"quiz": SPORT.id, "text": text, "format": "codes"}) == reply
    bad = call("team", {"quiz": SPORT.id, "text": ""})
    assert bad["ok"] is False and bad["error"]["kind"] == "answer"
    assert (
        call("team", {"quiz": SPORT.id, "text": None})["error"]["message"]
        == "the team's answers must be given as text"
    )


# --- the command line -----------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str, stdin: str = "") -> tuple[int, str, str]:
    code = main(list(argv), stdin=io.StringIO(stdin))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def team_csv(tmp_path: Path) -> Path:
    path = tmp_path / "team.csv"
    path.write_text(
        csv_text(
            ["Timestamp", "Name", "Function", *[s.id for s in SPORT.statements]],
            ["t1", "Ann", "Player", *map(str, PLAYER_1)],
            ["t2", "Bo", "player", *map(str, PLAYER_2)],
            ["t3", "Cy", "coach", *map(str, COACH_1)],
            ["t4", "Di", "COACH", *map(str, COACH_2)],
            ["t5", "Ed", "coach", "x", *map(str, COACH_2[1:])],
        ),
        encoding="utf-8",
    )
    return path


def test_cli_team_prints_the_report_and_lists_skipped_rows(
    capsys: pytest.CaptureFixture[str], team_csv: Path
) -> None:
    code, out, err = run(capsys, "team", str(team_csv), "--quiz", str(TEAM_QUIZ))
    assert code == 0
    assert (
        err == "stageguide: skipped row 6: column D ('plan-sessions'): 'x' is not an answer on the "
        "scale; expected a number from 0 to 4 or one of: Never, Rarely, Sometimes, Often, Always\n"
    )
    expected = team_report(SPORT, read_csv(SPORT, team_csv.read_text(encoding="utf-8")))
    assert out == render_team(expected) + "\n"
    assert "Coach rates Training 3.0 points lower than Player does" in out
    assert "Ignored columns: column A ('Timestamp')" in out


def test_cli_team_json_and_stdin(capsys: pytest.CaptureFixture[str], team_csv: Path) -> None:
    code, out, _ = run(
        capsys,
        "team",
        "-",
        "--json",
        "--quiz",
        str(TEAM_QUIZ),
        stdin=team_csv.read_text(encoding="utf-8"),
    )
    assert code == 0
    assert (
        json.loads(out)
        == team_report(SPORT, read_csv(SPORT, team_csv.read_text(encoding="utf-8"))).to_dict()
    )


def test_cli_team_reads_a_file_of_links(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "links.txt"
    path.write_text(
        f"https://x.invalid/quiz/#a={encode(SPORT, PLAYER_1, 'player', 'Zoë')}\n{encode(SPORT, COACH_1, 'coach')}\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "team", str(path), "--quiz", str(TEAM_QUIZ))
    assert code == 0 and err == ""
    assert "2 respondents (Player 1, Coach 1), read from share links and codes" in out
    assert "Zoë" in out


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (["team", "missing.csv"], "", "missing.csv: no such file"),
        (["team", "-"], "", "nothing to report"),
        (["team", "-"], "name,email\nA,b\n", "names any of the quiz's statements"),
        (["team", "-", "--format", "codes"], "name,email\n", "the only line could not be read"),
    ],
)
def test_cli_team_bad_input_exits_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], stdin: str, message: str
) -> None:
    code, out, err = run(capsys, *argv, "--quiz", str(TEAM_QUIZ), stdin=stdin)
    assert code == 2 and out == ""
    assert err.startswith("stageguide: error: ") and message in err
    assert "Traceback" not in err


def test_cli_team_refuses_a_file_over_2_mb(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * (3 * 1024 * 1024))
    code, _, err = run(capsys, "team", str(path), "--quiz", str(TEAM_QUIZ))
    assert code == 2 and "at most 2 MB" in err


def test_cli_team_refuses_bytes_that_are_no_text(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "binary.csv"
    path.write_bytes(b"name,\x81\x8d\n")  # undefined in Windows-1252, invalid in UTF-8
    code, _, err = run(capsys, "team", str(path), "--quiz", str(TEAM_QUIZ))
    assert code == 2 and "is not a text file that can be read" in err and "CSV UTF-8" in err


def test_python_dash_m_stageguide_team(tmp_path: Path) -> None:
    path = tmp_path / "links.txt"
    path.write_text(
        "\n".join(encode(SALES, [3] * 20, g) for g in ("sales", "marketing")) + "\nbad\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "stageguide", "team", str(path), "--quiz", str(SALES_QUIZ)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert (
        done.stderr == "stageguide: skipped line 3: this is not a share code from this site; "
        "it should look like sales-marketing.2.55555555555555555555\n"
    )
    assert done.stdout.startswith(
        "Team report: How well do Sales and Marketing work together?\n2 respondents (Sales 1, Marketing 1)"
    )
