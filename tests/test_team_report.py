"""The team report's typed objects on small crafted teams, and the findings worked out from them.

Figures are checked exactly (as fractions) on the objects, and as rounded numbers in
`to_dict()`, the JSON the page reads. Expectations were worked out by hand: the team-sport
model has a 0-4 scale, training = statements 1-3, admin = 4-6, stages 0-9, 10-18, 19-24;
sales-marketing has 20 statements on a 1-5 scale and lets 5 of them be left unjudged.
"""

from __future__ import annotations

import json
from fractions import Fraction
from fractions import Fraction as F

from helpers import load
from paths import SALES_QUIZ, TEAM_QUIZ

from stageguide.core import Quiz
from stageguide.core.csvimport import Respondent, Roster
from stageguide.core.team import TeamReport, team_report

SPORT = load(TEAM_QUIZ)
SALES = load(SALES_QUIZ)

Person = tuple[list[int | None], str | None]


def report_for(quiz: Quiz, *people: Person) -> TeamReport:
    return team_report(
        quiz,
        Roster(
            "codes",
            tuple(
                Respondent(tuple(answers), group, None, f"line {n}")
                for n, (answers, group) in enumerate(people, start=1)
            ),
        ),
    )


def kinds(report: TeamReport) -> list[str]:
    return [f.kind for f in report.findings]


def test_a_gap_between_functions() -> None:
    # Players rate training 4, 4, 3 (means 4 and 11/3); coaches rate it 1. Admin is 2 for all.
    report = report_for(
        SPORT,
        ([4, 4, 4, 2, 2, 2], "player"),
        ([4, 4, 3, 2, 2, 2], "player"),
        ([1, 1, 1, 2, 2, 2], "coach"),
    )
    training, admin = report.dimensions
    player, coach = training.groups
    assert (player.group.id, player.mean) == ("player", Fraction(23, 6))
    assert (coach.group.id, coach.mean) == ("coach", Fraction(1))
    gap = training.gap
    assert gap is not None
    assert (gap.high.id, gap.low.id, gap.points) == ("player", "coach", Fraction(17, 6))
    assert admin.gap is not None and admin.gap.points == 0
    # the statement gaps: 3 on the first two statements, 2 on warm-up (3.5 against 1)
    assert [(s.statement.id, s.gap.points if s.gap else None) for s in report.between] == [
        ("plan-sessions", 3),
        ("attendance", 3),
        ("warm-up", Fraction(5, 2)),
    ]
    assert kinds(report) == ["headline", "dimension-gap", "statement-gap", "spread"]
    assert report.findings[1].text == (
        "Coach rates Training 2.8 points lower than Player does (1.0 against 3.8 on the 0–4 scale)."
    )
    assert report.findings[2].text == (
        "The widest split between functions is on “Sessions follow a written plan”: "
        "Coach averages 1.0 and Player 4.0."
    )
    data = training.to_dict()
    assert data["gap"] == {
        "high": {"id": "player", "title": "Player", "mean": 3.83},
        "low": {"id": "coach", "title": "Coach", "mean": 1.0},
        "points": 2.83,
    }
    assert [g["mean"] for g in data["groups"]] == [3.83, 1.0]


def test_a_split_within_one_function() -> None:
    # Two players who see the club in opposite ways, and nobody else: no gap, only a spread.
    report = report_for(SPORT, ([4, 4, 4, 0, 0, 0], "player"), ([0, 0, 0, 4, 4, 4], "player"))
    assert [g.id for g in report.functions] == ["player"]
    assert all(d.gap is None for d in report.dimensions) and report.between == ()
    assert [s.number for s in report.within] == [1, 2, 3, 4, 5]  # all tie: the quiz's order
    first = report.within[0].spread
    assert first is not None
    assert (first.mean, first.variance, first.low, first.high) == (F(2), F(4), F(0), F(4))
    assert first.deviation == 2.0
    assert kinds(report) == ["headline", "spread", "stages", "weakest"]
    assert report.findings[1].text == (
        "Answers differ most on “Sessions follow a written plan”: from 0 to 4, a spread of 2.0 "
        "points, so people see this differently, whatever their function."
    )
    # both totals are 12: one stage, and both dimensions have the same mean (no "highest")
    assert report.findings[2].text == (
        "All 2 respondents place the relationship at the Steady stage (totals 12 to 12)."
    )
    assert report.findings[3].text == "The team rates Training lowest, at 2.0 on the 0–4 scale."
    assert report.headline.text == "Player places the relationship at Steady (mean 12)."


def test_unsure_answers() -> None:
    n = len(SALES.statements)
    people: list[Person] = [
        ([None] + [3] * (n - 1), "sales"),  # one unjudged: an estimated total of 60
        ([None] * n, "sales"),  # nothing judged: no total, no stage
        ([None] + [5] * (n - 1), "marketing"),  # 100
    ]
    report = report_for(SALES, *people)
    ann, bo, cy = report.respondents
    assert (ann.result.total, ann.result.estimated, ann.result.unjudged) == (60, True, 1)
    assert (bo.result.total, bo.result.stage, bo.label) == (None, None, "Respondent 2")
    assert (report.placed, report.unplaced) == (2, 1)
    assert report.total is not None and (report.total.low, report.total.high) == (F(60), F(100))

    nobody, second = report.statements[0], report.statements[1]
    assert (nobody.unjudged, nobody.mean, nobody.spread, nobody.gap) == (3, None, None, None)
    assert [g.mean for g in nobody.groups] == [None, None]
    assert nobody not in report.within and nobody not in report.between
    assert (second.unjudged, second.mean) == (1, F(4))
    assert second.gap is not None and (second.gap.high.id, second.gap.points) == ("marketing", F(2))

    # each person's own mean over what they judged: Ann 3, Cy 5, Bo left out
    first_dimension = report.dimensions[0]
    assert first_dimension.mean == 4
    assert [(g.group.id, g.mean) for g in first_dimension.groups] == [
        ("sales", F(3)),
        ("marketing", F(5)),
    ]

    sales, marketing = report.headline.rows
    assert (sales.group.count, sales.mean, sales.unplaced) == (2, F(60), 1)
    assert sales.stage is not None and sales.stage.id == "aligned"
    assert marketing.stage is not None and marketing.stage.id == "integrated"
    assert kinds(report) == ["headline", "dimension-gap", "statement-gap", "spread"]
    # without functions to compare, where people stand comes up, with who could not be placed
    alone = report_for(SALES, *[(answers, None) for answers, _ in people])
    assert kinds(alone) == ["headline", "spread", "stages", "weakest"]
    assert alone.findings[2].text == (
        "Respondents place the relationship in 2 different stages: 1 at Aligned and "
        "1 at Integrated. Totals run from 60 to 100 (mean 80.0). 1 more marked too many "
        "statements as not judged to be placed."
    )
    data = report.to_dict()
    assert data["unplaced"] == 1 and data["respondents"][0]["estimated"] is True
    assert data["statements"][0]["mean"] is None and data["statements"][0]["unjudged"] == 3
    assert data["headline"]["groups"][0]["unplaced"] == 1


def test_a_function_with_one_respondent() -> None:
    report = report_for(
        SPORT,
        ([3, 3, 3, 3, 3, 3], "player"),
        ([2, 3, 4, 3, 3, 3], "player"),
        ([1, 2, 3, 3, 3, 3], "player"),
        ([0, 0, 0, 1, 1, 1], "coach"),
    )
    player, coach = report.groups
    assert (player.count, coach.count, coach.members) == (3, 1, (3,))
    training = report.dimensions[0]
    assert [g.mean for g in training.groups] == [Fraction(8, 3), 0]
    assert training.gap is not None and training.gap.low is coach
    player_row, coach_row = report.headline.rows
    assert (coach_row.mean, coach_row.unplaced) == (F(3), 0)  # the one coach's own total
    assert coach_row.stage is not None and coach_row.stage.id == "scrappy"
    assert [s.count for s in coach_row.stages] == [1, 0, 0]
    assert player_row.mean == Fraction(51, 3) and player_row.stage is not None
    assert report.headline.text == (
        "Player places the relationship at Steady (mean 17); Coach at Scrappy (mean 3)."
    )
    # the one coach counts in the spread across the team: warm-up's 3, 4, 3 and 0
    widest = report.within[0]
    assert widest.statement.id == "warm-up"
    assert widest.spread is not None and widest.spread.variance == Fraction(9, 4)
    assert report.findings[0].kind == "headline"
    assert [g["count"] for g in report.to_dict()["groups"]] == [3, 1]


def test_findings_round_once_from_the_exact_figures() -> None:
    # Answers 0, 0, 0, 1 and 4 have a spread of 1.549…: the table shows 1.55, the finding 1.5
    # (rounding 1.55 again would say 1.6, a figure the answers do not have).
    people: list[Person] = [([v, 2, 2, 2, 2, 2], None) for v in (0, 0, 0, 1, 4)]
    report = report_for(SPORT, *people)
    assert report.within[0].to_dict()["spread"] == 1.55
    assert "a spread of 1.5 points" in report.findings[1].text


def test_to_dict_is_plain_json() -> None:
    report = report_for(SPORT, ([4, 4, 3, 2, 1, 0], "player"), ([1, 2, 3, 4, 3, 2], None))
    data = report.to_dict()
    assert json.loads(json.dumps(data)) == data  # no Fractions, tuples or objects left
    assert data["codes"] == [r.code for r in report.respondents] == list(report.codes)
    assert data["findings"][0] == {"kind": "headline", "text": report.headline.text}
