"""Results a leader can act on: stage-aware advice that never repeats, the "I can't judge
this" rules and their edges, low answers with their why, share codes with the new point,
the team headline, and all of it the same under Pyodide."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pytest
from cores import CPythonCore, PyodideCore
from helpers import load
from paths import EXAMPLE_QUIZ, SALES_QUIZ, TEAM_QUIZ

from stageguide.core import AnswerError, Quiz, QuizError, decode, encode, score
from stageguide.core.csvimport import read_roster
from stageguide.core.team import team_report
from stageguide.quizfile import parse_quiz

SALES = load(SALES_QUIZ)
REFERENCE = CPythonCore()

# -- "never the same advice twice": a detector for near-repeats as well as exact ones -------

_STOP = frozenset(
    "the and for with that this each into from their your them then than both side sides when what which "
    "every once have more such make give keep also only over were will would about other".split()
)


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.casefold()) if len(w) > 3 and w not in _STOP}


def _overlap(a: str, b: str) -> float:
    left, right = _words(a), _words(b)
    return len(left & right) / min(len(left), len(right))


NEAR_REPEAT = 0.5  # share of the shorter action's content words found in the other


def test_the_repeat_detector_catches_the_pair_from_the_issue() -> None:
    """The issue's example: the same action in two wordings on one Defined result."""
    before = "Invite marketers to key-account reviews and give them a concrete part in each account plan."
    after = (
        "Invite Marketing to your key-account reviews and give it one concrete task in each "
        "account plan, such as a tailored case study or offer."
    )
    assert _overlap(before, after) >= NEAR_REPEAT
    assert (
        _overlap(
            before,
            "Write down what counts as a lead, who follows it up and within how many working days.",
        )
        < NEAR_REPEAT
    )


def _combinations(quiz: Quiz) -> list[tuple[str, tuple[str, ...]]]:
    """Every stage with every pair of weakest dimensions (and every single one)."""
    ids = [d.id for d in quiz.dimensions]
    pairs = [tuple(p) for p in itertools.permutations(ids, 2)] + [(i,) for i in ids]
    return [(stage.id, pair) for stage in quiz.stages for pair in pairs]


def _answers_for(quiz: Quiz, stage_id: str, weakest: tuple[str, ...]) -> list[int] | None:
    """Answers that land in the stage with exactly these dimensions weakest (lowest first), or None if impossible."""
    stage = next(s for s in quiz.stages if s.id == stage_id)
    count = len(quiz.statements)
    for target in range(stage.low, stage.high + 1):
        for low_value in range(quiz.scale_min, quiz.scale_max):
            for bump in range(0, len(weakest)):
                values = []
                for statement in quiz.statements:
                    if statement.dimension in weakest:
                        values.append(
                            min(
                                low_value + (weakest.index(statement.dimension) if bump else 0),
                                quiz.scale_max - 1,
                            )
                        )
                    else:
                        values.append(quiz.scale_max)
                # lower the strong dimensions evenly until the target total is reached
                surplus = sum(values) - target
                order = [i for i, s in enumerate(quiz.statements) if s.dimension not in weakest]
                step = 0
                while surplus > 0 and order:
                    i = order[step % len(order)]
                    floor = (
                        max(
                            values[j]
                            for j, s in enumerate(quiz.statements)
                            if s.dimension in weakest
                        )
                        + 1
                    )
                    if values[i] > floor:
                        values[i] -= 1
                        surplus -= 1
                    elif all(values[j] <= floor for j in order):
                        break
                    step += 1
                if surplus == 0 and sum(values) == target and count:
                    result = score(quiz, values)
                    if (
                        tuple(d.dimension.id for d in result.focus) == weakest[: len(result.focus)]
                        and result.focus
                    ):
                        return values
    return None


@pytest.mark.parametrize(
    "path",
    [SALES_QUIZ, EXAMPLE_QUIZ, TEAM_QUIZ],
    ids=["sales-marketing", "incident-response", "team-sport"],
)
def test_advice_at_every_stage_never_repeats(path: Path) -> None:
    """Property over the model itself: for every stage and every choice of one or two weakest
    dimensions, the actions a result can show together are all different, exactly and in substance."""
    quiz = load(path)
    for stage, pair in _combinations(quiz):
        shown = list(next(s for s in quiz.stages if s.id == stage).advice)
        for dim_id in pair:
            shown += quiz.dimension(dim_id).advice_at(stage)
        for a, b in itertools.combinations(shown, 2):
            assert a != b, (stage, pair, a)
            assert _overlap(a, b) < NEAR_REPEAT, f"{stage} with {pair}: {a!r} repeats {b!r}"


@pytest.mark.parametrize(
    "path", [SALES_QUIZ, EXAMPLE_QUIZ], ids=["sales-marketing", "incident-response"]
)
def test_scored_results_give_the_weakest_dimensions_advice_at_their_own_stage(path: Path) -> None:
    """Scored end to end: every reachable stage x weakest-dimension pair shows that stage's actions, once each."""
    quiz = load(path)
    reached = 0
    for stage, pair in _combinations(quiz):
        answers = _answers_for(quiz, stage, pair)
        if answers is None:
            continue
        reached += 1
        result = score(quiz, answers)
        assert result.stage is not None and result.stage.id == stage
        data = result.to_dict()
        actions = data["advice"]["stage"] + [
            a for d in data["advice"]["dimensions"] for a in d["advice"]
        ]
        assert len(actions) == len(set(actions))
        for focus in data["advice"]["dimensions"]:
            assert focus["advice"] == list(quiz.dimension(focus["id"]).advice_at(stage))
    assert reached >= len(quiz.stages) * len(quiz.dimensions), (
        f"only {reached} combinations could be reached"
    )


def test_undefined_gets_basic_rules_not_integrated_practices() -> None:
    """The issue's vector: total 35, Undefined; its advice must not be the Aligned/Integrated funnel or rotation."""
    result = score(SALES, [2] * 15 + [1] * 5).to_dict()
    assert result["stage"]["id"] == "undefined" and result["total"] == 35
    shown = " ".join(a for d in result["advice"]["dimensions"] for a in d["advice"])
    assert "one funnel" not in shown.casefold() and "rotation" not in shown.casefold()
    at_aligned = score(SALES, [4] * 15 + [2] * 5).to_dict()
    assert at_aligned["stage"]["id"] == "aligned"
    assert at_aligned["weakest"] == result["weakest"]
    assert (
        at_aligned["advice"]["dimensions"][0]["advice"]
        != result["advice"]["dimensions"][0]["advice"]
    )


# -- the quiz file format -----------------------------------------------------------------

SMALL_TEXT = TEAM_QUIZ.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("edit", "path", "message"),
    [
        (
            ('      steady: ["Ask players', '      stedy: ["Ask players'),
            "dimensions[0].advice.stedy",
            "'stedy' is not a stage; expected one of: scrappy, steady, slick",
        ),
        (
            (
                '      steady: ["Ask players after each month which sessions helped, and change the plan."]\n',
                "",
            ),
            "dimensions[0].advice.steady",
            "no advice for stage 'steady'; every stage before the last needs",
        ),
        (
            (
                '      steady: ["Ask players after each month which sessions helped, and change the plan."]',
                "      steady: [Write down how things are done so they survive a change of captain.]",
            ),
            "dimensions[0].advice.steady[0]",
            "the same action is already given for stage 'steady' at stages[1].advice[0]",
        ),
        (
            (
                "      scrappy: [Publish the training plan a month ahead.]\n      steady:",
                "      - Publish the training plan a month ahead.\n      - steady:",
            ),
            "dimensions[0].advice",
            "expected a mapping of ids to values (actions for this dimension, written per stage), found a list",
        ),
    ],
    ids=["unknown-stage", "missing-stage", "same-as-stage-advice", "list-not-mapping"],
)
def test_advice_problems_name_the_key_path(edit: tuple[str, str], path: str, message: str) -> None:
    assert edit[0] in SMALL_TEXT
    with pytest.raises(QuizError) as caught:
        parse_quiz(SMALL_TEXT.replace(edit[0], edit[1]), "club.yml")
    assert any(p.path == path and message in p.message for p in caught.value.problems), caught.value


def test_the_last_stage_may_go_without_dimension_advice() -> None:
    quiz = load(TEAM_QUIZ)
    assert all(not d.advice_at("slick") for d in quiz.dimensions)
    result = score(quiz, [4, 4, 4, 3, 4, 4])
    assert result.stage is not None and result.stage.id == "slick"
    assert result.to_dict()["advice"]["dimensions"] == []


# -- "I can't judge this" ----------------------------------------------------------------


def _with_unjudged(count: int, value: int = 4) -> list[int | None]:
    values: list[int | None] = [value] * len(SALES.statements)
    for index in range(count):
        values[index] = None
    return values


def test_the_sample_offers_cant_judge_and_undeclared_quizzes_do_not() -> None:
    assert SALES.unsure is not None and SALES.unsure.label == "I can't judge this"
    assert SALES.unsure.allowed(20) == 5
    assert load(EXAMPLE_QUIZ).unsure is None and load(TEAM_QUIZ).unsure is None
    with pytest.raises(
        AnswerError,
        match=r"statement 3 \(id: warm-up\): no answer; this quiz has no \"can't judge\" option",
    ):
        score(load(TEAM_QUIZ), [1, 2, None, 3, 4, 4])


@pytest.mark.parametrize(
    ("unjudged", "total", "stage"),
    [
        (0, 80, "integrated"),
        (1, 80, "integrated"),
        (5, 80, "integrated"),
        (6, None, None),
        (20, None, None),
    ],
    ids=["all-judged", "one", "at-threshold", "one-over", "none-judged"],
)
def test_cant_judge_rules_at_the_edges(unjudged: int, total: int | None, stage: str | None) -> None:
    result = score(SALES, _with_unjudged(unjudged))
    assert result.total == total
    assert (result.stage.id if result.stage else None) == stage
    assert result.unjudged == unjudged and result.estimated == (0 < unjudged <= 5)
    data = result.to_dict()
    assert data["judged"] == 20 - unjudged and data["allowed_unjudged"] == 5
    if stage is None:
        assert data["no_stage_reason"] and data["advice"] == {"stage": [], "dimensions": []}
        assert data["points_to_next"] is None and data["next_stage"] is None
    if unjudged == 20:
        assert data["no_stage_reason"].startswith("No statement was judged")
        assert all(d["percent"] is None for d in data["dimensions"]) and data["weakest"] is None
    if unjudged == 6:
        assert "6 of the 20 statements were marked as not judged" in data["no_stage_reason"]


def test_the_estimate_scales_the_mean_of_judged_answers_rounding_half_up() -> None:
    values: list[int | None] = [3] * 20
    values[0] = None
    values[1] = 4  # judged: 18 x 3 + 4 = 58 over 19; x 20 = 61.05 -> 61
    assert score(SALES, values).total == 61
    values = [None, None, None, None] + [3] * 8 + [4] * 8  # 24 + 32 = 56 over 16; x 20 = 70 exactly
    assert score(SALES, values).total == 70
    values = [None, None, None, None] + [3] * 15 + [2]  # 47 over 16 x 20 = 58.75 -> 59
    assert score(SALES, values).total == 59
    values = (
        [None, None, None, None] + [3] * 14 + [4, 1]
    )  # 47 again, same estimate whatever the mix
    assert score(SALES, values).total == 59
    half: list[int | None] = [None, None, None, None] + [2] * 10 + [3] * 5 + [4]  # 39/16*20 = 48.75
    assert score(SALES, half).total == 49


def test_cant_judge_is_not_a_three() -> None:
    threes = score(SALES, [3] * 20)
    unsure = score(SALES, [3] * 15 + [None] * 5)
    fives = score(SALES, [5] * 15 + [None] * 5)
    assert threes.total == unsure.total == 60 and not threes.estimated and unsure.estimated
    assert fives.total == 100, "unjudged statements do not pull a total towards the middle"


@pytest.mark.parametrize("unjudged", [0, 1, 5, 6, 20])
def test_share_codes_carry_cant_judge(unjudged: int) -> None:
    values = _with_unjudged(unjudged, 2)
    code = encode(SALES, values, "sales", "Zoë")
    assert code.split(".")[2].split("~")[0].count("_") == unjudged
    share = decode(SALES, code)
    assert list(share.answers) == values and share.group == "sales" and share.name == "Zoë"


def test_codes_without_the_new_point_read_as_before_and_quizzes_without_it_refuse_it() -> None:
    club = load(TEAM_QUIZ)
    assert decode(club, "team-sport.3.012341").answers == (0, 1, 2, 3, 4, 1)
    with pytest.raises(
        AnswerError,
        match=r"marks statement 2 as not judged, but this quiz has no \"can't judge\" option",
    ):
        decode(club, "team-sport.3.0_2341")
    with pytest.raises(
        AnswerError, match="made for version 1 of the quiz, and the quiz is now version 2"
    ):
        decode(SALES, "sales-marketing.1." + "3" * 20)


def test_low_answers_are_the_lowest_at_or_below_the_middle() -> None:
    values: list[int | None] = [5] * 20
    values[4], values[9], values[2], values[11], values[6] = 3, 1, 2, 1, None
    low = score(SALES, values).to_dict()["low"]
    assert [(item["number"], item["answer"]) for item in low] == [(10, 1), (12, 1), (3, 2)]
    assert low[0]["why"] == SALES.statements[9].why and low[0]["label"] == "Strongly disagree"
    assert score(SALES, [4] * 20).to_dict()["low"] == []


# -- the team headline -----------------------------------------------------------------------


def _codes(quiz: Quiz, people: list[tuple[list[int | None], str | None]]) -> str:
    return "\n".join(encode(quiz, answers, group) for answers, group in people)


def _total(total: int) -> list[int | None]:
    """Twenty answers adding up to total (20-100)."""
    extra = total - 20
    return [1 + min(4, max(0, extra - 4 * i)) for i in range(20)]


def test_headline_from_the_issue() -> None:
    people = [
        (_total(40), "sales"),
        (_total(60), "sales"),
        (_total(80), "marketing"),
        (_total(100), "marketing"),
    ]
    report = team_report(SALES, read_roster(SALES, _codes(SALES, people))).to_dict()
    assert report["findings"][0] == {
        "kind": "headline",
        "text": "Sales places the relationship at Defined (mean 50); Marketing at Integrated (mean 90).",
    }
    rows = {row["id"]: row for row in report["headline"]["groups"]}
    assert rows["sales"]["mean"] == 50 and rows["sales"]["stage"]["id"] == "defined"
    assert [s["count"] for s in rows["sales"]["stages"]] == [0, 1, 1, 0]
    assert rows["marketing"]["mean"] == 90 and [
        s["count"] for s in rows["marketing"]["stages"]
    ] == [0, 0, 0, 2]


def test_headline_rounds_the_mean_half_up_and_leaves_out_the_unplaced() -> None:
    unplaced: list[int | None] = [None] * 6 + [5] * 14
    people = [(_total(59), "sales"), (_total(60), "sales"), (unplaced, "sales"), (_total(25), None)]
    report = team_report(SALES, read_roster(SALES, _codes(SALES, people))).to_dict()
    rows = {row["id"]: row for row in report["headline"]["groups"]}
    assert rows["sales"]["mean"] == 59.5 and rows["sales"]["stage"]["id"] == "aligned"
    assert rows["sales"]["unplaced"] == 1 and rows["sales"]["count"] == 3
    assert rows[None]["stage"]["id"] == "undefined"
    assert report["headline"]["text"] == (
        "Sales places the relationship at Aligned (mean 59.5); those who gave no function at Undefined (mean 25)."
    )
    assert report["unplaced"] == 1 and report["total"]["mean"] == 48
    respondent = report["respondents"][2]
    assert (
        respondent["total"] is None and respondent["stage"] is None and respondent["unjudged"] == 6
    )


def test_team_csv_reads_cant_judge_cells() -> None:
    ids = ",".join(s.id for s in SALES.statements)
    rows = [
        "function," + ids,
        "sales," + ",".join(["x", "?", "I can't judge this", "n/a"] + ["4"] * 16),
    ]
    report = team_report(SALES, read_roster(SALES, "\n".join(rows) + "\n", "csv")).to_dict()
    person = report["respondents"][0]
    assert person["unjudged"] == 4 and person["total"] == 80 and person["estimated"]
    assert report["statements"][0]["unjudged"] == 1 and report["statements"][0]["mean"] is None


# -- parity under Pyodide ---------------------------------------------------------------------


def _load(core: CPythonCore | PyodideCore, quiz: Quiz) -> None:
    for each in (core, REFERENCE):
        assert each.call("load", {"quiz": quiz.to_dict()})["ok"]


def test_parity_of_stage_advice_cant_judge_and_headline(
    core: CPythonCore | PyodideCore,
) -> None:
    requests: list[tuple[str, dict[str, Any]]] = []
    for path in (SALES_QUIZ, EXAMPLE_QUIZ):
        quiz = load(path)
        _load(core, quiz)
        for stage, pair in _combinations(quiz):
            answers = _answers_for(quiz, stage, pair)
            if answers is not None:
                requests.append(("score", {"quiz": quiz.id, "answers": answers}))
    for unjudged in (0, 1, 5, 6, 20):
        values = _with_unjudged(unjudged, 3)
        requests.append(
            ("result", {"quiz": SALES.id, "answers": values, "group": "sales", "name": "Zoë"})
        )
        requests.append(("share", {"quiz": SALES.id, "code": encode(SALES, values)}))
    requests.append(("decode", {"quiz": SALES.id, "code": "sales-marketing.1." + "3" * 20}))
    people = [
        (_total(40), "sales"),
        (_total(60), "sales"),
        (_total(80), "marketing"),
        (_total(100), "marketing"),
        ([None] * 6 + [5] * 14, "marketing"),
        ([None] * 2 + [2] * 18, None),
    ]
    requests.append(("team", {"quiz": SALES.id, "text": _codes(SALES, people)}))
    replies = core.call_many(requests)
    assert replies == REFERENCE.call_many(requests)
    assert (
        all(reply["ok"] for reply in replies[:-2]) and not replies[-2]["ok"] and replies[-1]["ok"]
    )
    assert replies[-1]["data"]["findings"][0]["kind"] == "headline"
