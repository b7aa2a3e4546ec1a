"""Scoring: totals to stages, dimension scores, advice and answer errors, on both models."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from helpers import (
    QUIZ_PARAMS,
    answers_by_dimension,
    answers_for_total,
    load,
    statement_label,
    valid_answers,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from paths import SALES_QUIZ, TEAM_QUIZ

from stageguide.core import AnswerError, Quiz, check_answers, score


@pytest.fixture(scope="module", params=QUIZ_PARAMS)
def quiz(request: pytest.FixtureRequest) -> Quiz:
    return load(request.param)


# --- totals to stages -------------------------------------------------------------------------

# The bands as the brief defines them, written out rather than read back from the files.
EXPECTED_BANDS = {
    "sales-marketing": [
        ("undefined", 20, 39),
        ("defined", 40, 59),
        ("aligned", 60, 79),
        ("integrated", 80, 100),
    ],
    "team-sport": [("scrappy", 0, 9), ("steady", 10, 18), ("slick", 19, 24)],
}
EVERY_TOTAL = [
    pytest.param(path, total, stage_id, id=f"{name}-{total}-{stage_id}")
    for name, path in (("sales-marketing", SALES_QUIZ), ("team-sport", TEAM_QUIZ))
    for stage_id, low, high in EXPECTED_BANDS[name]
    for total in range(low, high + 1)
]


def test_expected_bands_match_the_files(quiz: Quiz) -> None:
    assert [(s.id, s.low, s.high) for s in quiz.stages] == EXPECTED_BANDS[quiz.id]
    assert (quiz.lowest_total, quiz.highest_total) == {
        "sales-marketing": (20, 100),
        "team-sport": (0, 24),
    }[quiz.id]


@pytest.mark.parametrize(("path", "total", "stage_id"), EVERY_TOTAL)
def test_every_total_maps_to_its_stage(path: str, total: int, stage_id: str) -> None:
    quiz = load(path)
    result = score(quiz, answers_for_total(quiz, total))
    assert result.total == total
    assert result.stage.id == stage_id
    assert [s.id for s in quiz.stages if s.low <= total <= s.high] == [stage_id]  # exactly one band


@pytest.mark.parametrize(
    ("path", "total", "stage_id", "next_id", "points_to_next"),
    [
        pytest.param(SALES_QUIZ, 20, "undefined", "defined", 20, id="main-lowest"),
        pytest.param(SALES_QUIZ, 39, "undefined", "defined", 1, id="main-39-undefined"),
        pytest.param(SALES_QUIZ, 40, "defined", "aligned", 20, id="main-40-defined"),
        pytest.param(SALES_QUIZ, 59, "defined", "aligned", 1, id="main-59-defined"),
        pytest.param(SALES_QUIZ, 60, "aligned", "integrated", 20, id="main-60-aligned"),
        pytest.param(SALES_QUIZ, 79, "aligned", "integrated", 1, id="main-79-aligned"),
        pytest.param(SALES_QUIZ, 80, "integrated", None, None, id="main-80-integrated"),
        pytest.param(SALES_QUIZ, 100, "integrated", None, None, id="main-highest"),
        pytest.param(TEAM_QUIZ, 0, "scrappy", "steady", 10, id="small-lowest"),
        pytest.param(TEAM_QUIZ, 9, "scrappy", "steady", 1, id="small-9-scrappy"),
        pytest.param(TEAM_QUIZ, 10, "steady", "slick", 9, id="small-10-steady"),
        pytest.param(TEAM_QUIZ, 18, "steady", "slick", 1, id="small-18-steady"),
        pytest.param(TEAM_QUIZ, 19, "slick", None, None, id="small-19-slick"),
        pytest.param(TEAM_QUIZ, 24, "slick", None, None, id="small-highest"),
    ],
)
def test_boundaries_by_name(
    path: str, total: int, stage_id: str, next_id: str | None, points_to_next: int | None
) -> None:
    quiz = load(path)
    result = score(quiz, answers_for_total(quiz, total))
    assert result.stage.id == stage_id
    assert (result.next_stage.id if result.next_stage else None) == next_id
    assert result.points_to_next == points_to_next
    data = result.to_dict()
    assert data["stage"]["id"] == stage_id
    assert data["stage"]["index"] == [s.id for s in quiz.stages].index(stage_id)
    assert (data["next_stage"]["id"] if data["next_stage"] else None) == next_id
    assert data["points_to_next"] == points_to_next


def test_answers_for_total_refuses_impossible_totals(quiz: Quiz) -> None:
    for total in (quiz.lowest_total - 1, quiz.highest_total + 1):
        with pytest.raises(ValueError, match="outside"):
            answers_for_total(quiz, total)


# --- dimensions, focus and advice ------------------------------------------------------------

# team-sport: training = statements 1-3, admin = statements 4-6, scale 0-4, so a
# dimension's percent is its total / 12 * 100, worked out by hand below.
SMALL_CASES = [
    # answers, total, stage, [(mean, percent) training, admin], focus, weakest, strongest, points, next
    (
        [0, 1, 2, 3, 4, 4],
        14,
        "steady",
        [(1.0, 25), (3.67, 92)],
        ["training", "admin"],
        "training",
        "admin",
        5,
        "slick",
    ),
    (
        [4, 4, 4, 0, 0, 1],
        13,
        "steady",
        [(4.0, 100), (0.33, 8)],
        ["admin"],
        "admin",
        "training",
        6,
        "slick",
    ),
    (
        [0, 0, 0, 0, 0, 0],
        0,
        "scrappy",
        [(0.0, 0), (0.0, 0)],
        ["training", "admin"],
        "training",
        "training",
        10,
        "steady",
    ),
    (
        [4, 4, 4, 4, 4, 4],
        24,
        "slick",
        [(4.0, 100), (4.0, 100)],
        [],
        "training",
        "training",
        None,
        None,
    ),
    (
        [2, 2, 2, 2, 2, 2],
        12,
        "steady",
        [(2.0, 50), (2.0, 50)],
        ["training", "admin"],
        "training",
        "training",
        7,
        "slick",
    ),
    (
        [3, 3, 3, 1, 2, 3],
        15,
        "steady",
        [(3.0, 75), (2.0, 50)],
        ["admin", "training"],
        "admin",
        "training",
        4,
        "slick",
    ),
    (
        [1, 0, 0, 4, 4, 0],
        9,
        "scrappy",
        [(0.33, 8), (2.67, 67)],
        ["training", "admin"],
        "training",
        "admin",
        1,
        "steady",
    ),
    (
        [4, 4, 3, 4, 4, 4],
        23,
        "slick",
        [(3.67, 92), (4.0, 100)],
        ["training"],
        "training",
        "admin",
        None,
        None,
    ),
]


@pytest.mark.parametrize(
    ("answers", "total", "stage_id", "dims", "focus", "weakest", "strongest", "points", "next_id"),
    SMALL_CASES,
    ids=["".join(map(str, case[0])) for case in SMALL_CASES],
)
def test_small_model_hand_checked(
    answers: list[int],
    total: int,
    stage_id: str,
    dims: list[tuple[float, int]],
    focus: list[str],
    weakest: str,
    strongest: str,
    points: int | None,
    next_id: str | None,
) -> None:
    quiz = load(TEAM_QUIZ)
    result = score(quiz, answers)
    assert result.answers == tuple(answers)
    assert result.total == total
    assert result.stage.id == stage_id
    assert [d.dimension.id for d in result.dimensions] == ["training", "admin"]
    assert [(d.mean, d.percent) for d in result.dimensions] == dims
    assert [d.total for d in result.dimensions] == [sum(answers[:3]), sum(answers[3:])]
    assert [d.statement_ids for d in result.dimensions] == [
        ("plan-sessions", "attendance", "warm-up"),
        ("fees-paid", "fixtures", "kit"),
    ]
    assert [d.dimension.id for d in result.focus] == focus
    assert result.weakest.dimension.id == weakest
    assert result.strongest.dimension.id == strongest
    assert result.points_to_next == points
    assert (result.next_stage.id if result.next_stage else None) == next_id


# sales-marketing: every statement of a dimension gets the same answer, so each mean is
# exactly that answer and the percent is (answer - 1) / 4 * 100, whatever the number of
# statements per dimension. Levels are listed by dimension position.
MAIN_LEVELS = [
    # levels (1-5), percents, focus positions, weakest, strongest
    ([1, 2, 3, 4, 5, 3], [0, 25, 50, 75, 100, 50], [0, 1], 0, 4),
    ([5, 5, 5, 5, 5, 5], [100] * 6, [], 0, 0),
    ([4, 1, 5, 1, 3, 2], [75, 0, 100, 0, 50, 25], [1, 3], 1, 2),
    ([5, 5, 4, 5, 5, 4], [100, 100, 75, 100, 100, 75], [2, 5], 2, 0),
    ([3, 3, 3, 3, 3, 2], [50, 50, 50, 50, 50, 25], [5, 0], 5, 0),
    ([1, 1, 1, 1, 1, 1], [0] * 6, [0, 1], 0, 0),
]


@pytest.mark.parametrize(
    ("levels", "percents", "focus", "weakest", "strongest"),
    MAIN_LEVELS,
    ids=["".join(map(str, case[0])) for case in MAIN_LEVELS],
)
def test_main_model_dimension_levels(
    levels: list[int], percents: list[int], focus: list[int], weakest: int, strongest: int
) -> None:
    quiz = load(SALES_QUIZ)
    dims = [d.id for d in quiz.dimensions]
    assert len(dims) == len(levels), (
        "the table is written for the quiz's current number of dimensions"
    )
    answers = answers_by_dimension(quiz, dict(zip(dims, levels, strict=False)))
    result = score(quiz, answers)
    assert [d.mean for d in result.dimensions] == [float(level) for level in levels]
    assert [d.percent for d in result.dimensions] == percents
    assert [d.dimension.id for d in result.focus] == [dims[i] for i in focus]
    assert result.weakest.dimension.id == dims[weakest]
    assert result.strongest.dimension.id == dims[strongest]
    assert result.total == sum(answers)


def test_advice_is_stage_advice_plus_focus_dimensions() -> None:
    quiz = load(TEAM_QUIZ)
    result = score(quiz, [3, 3, 3, 1, 2, 3])  # steady; admin 50, training 75
    steady = quiz.stages[1]
    admin, training = quiz.dimension("admin"), quiz.dimension("training")
    assert result.to_dict()["advice"] == {
        "stage": list(steady.advice),
        "dimensions": [
            {
                "id": "admin",
                "title": admin.title,
                "percent": 50,
                "advice": list(admin.advice_at("steady")),
            },
            {
                "id": "training",
                "title": training.title,
                "percent": 75,
                "advice": list(training.advice_at("steady")),
            },
        ],
    }


def test_advice_at_the_top_has_no_focus(quiz: Quiz) -> None:
    result = score(quiz, [quiz.scale_max] * len(quiz.statements))
    advice = result.to_dict()["advice"]
    assert advice == {"stage": list(quiz.stages[-1].advice), "dimensions": []}
    assert result.next_stage is None and result.points_to_next is None


def test_focus_uses_the_weakest_two_of_several(quiz: Quiz) -> None:
    """Lowest first; only dimensions below 100 count, and never more than two."""
    dims = [d.id for d in quiz.dimensions]
    levels = {dim: quiz.scale_max for dim in dims}
    levels[dims[-1]] = quiz.scale_min  # the last dimension is the weakest
    levels[dims[0]] = quiz.scale_max - 1  # the first is second weakest
    result = score(quiz, answers_by_dimension(quiz, levels))
    assert [d.dimension.id for d in result.focus] == [dims[-1], dims[0]]
    assert result.weakest.dimension.id == dims[-1]
    assert [d["id"] for d in result.to_dict()["advice"]["dimensions"]] == [dims[-1], dims[0]]


# --- answers that cannot be scored -------------------------------------------------------------

AnswerBuilder = Callable[[Quiz], Any]
Fragments = Callable[[Quiz], list[str]]


def _replace(position: int, value: object) -> AnswerBuilder:
    """A full vector of mid-scale answers with the answer to statement `position` (1-based) replaced."""

    def build(quiz: Quiz) -> list[object]:
        answers: list[object] = [quiz.scale_min + 1] * len(quiz.statements)
        answers[position - 1] = value
        return answers

    return build


def _scale(quiz: Quiz) -> str:
    return f"{quiz.scale_min}-{quiz.scale_max}"


BAD_ANSWERS: list[tuple[str, AnswerBuilder, Fragments]] = [
    (
        "one-short",
        lambda q: [q.scale_min] * (len(q.statements) - 1),
        lambda q: [
            f"expected {len(q.statements)} answers, one per statement, but got {len(q.statements) - 1}"
        ],
    ),
    (
        "one-extra",
        lambda q: [q.scale_min] * (len(q.statements) + 1),
        lambda q: [
            f"expected {len(q.statements)} answers, one per statement, but got {len(q.statements) + 1}"
        ],
    ),
    (
        "empty-list",
        lambda q: [],
        lambda q: [f"expected {len(q.statements)} answers, one per statement, but got 0"],
    ),
    (
        "digit-string",
        lambda q: "4" * len(q.statements),
        lambda q: [f"expected a list of {len(q.statements)} answers, found str"],
    ),
    (
        "none",
        lambda q: None,
        lambda q: [f"expected a list of {len(q.statements)} answers, found NoneType"],
    ),
    ("mapping", lambda q: {}, lambda q: ["found dict"]),
    ("set", lambda q: {1, 2}, lambda q: ["found set"]),
    (
        "float-whole",
        _replace(3, 3.0),
        lambda q: [f"{statement_label(q, 3)}: 3.0 is not a whole number on the scale {_scale(q)}"],
    ),
    (
        "float-half",
        _replace(2, 2.5),
        lambda q: [f"{statement_label(q, 2)}: 2.5 is not a whole number on the scale {_scale(q)}"],
    ),
    (
        "string-digit",
        _replace(1, "4"),
        lambda q: [f"{statement_label(q, 1)}: '4' is not a whole number on the scale {_scale(q)}"],
    ),
    (
        "true",
        _replace(4, True),
        lambda q: [f"{statement_label(q, 4)}: True is not a whole number on the scale {_scale(q)}"],
    ),
    (
        "false",
        _replace(5, False),
        lambda q: [
            f"{statement_label(q, 5)}: False is not a whole number on the scale {_scale(q)}"
        ],
    ),
    (
        "above-scale",
        lambda q: _replace(6, q.scale_max + 1)(q),
        lambda q: [f"{statement_label(q, 6)}: {q.scale_max + 1} is not on the scale {_scale(q)}"],
    ),
    (
        "below-scale",
        lambda q: _replace(2, q.scale_min - 1)(q),
        lambda q: [f"{statement_label(q, 2)}: {q.scale_min - 1} is not on the scale {_scale(q)}"],
    ),
    (
        "far-off",
        _replace(1, 10**6),
        lambda q: [f"{statement_label(q, 1)}: 1000000 is not on the scale {_scale(q)}"],
    ),
    (
        "several",
        lambda q: _replace(1, q.scale_max + 1)(q)[:-1] + ["x"],
        lambda q: [
            f"{statement_label(q, 1)}: {q.scale_max + 1} is not on the scale",
            f"{statement_label(q, len(q.statements))}: 'x' is not a whole number",
        ],
    ),
]


@pytest.mark.parametrize(
    ("build", "fragments"), [c[1:] for c in BAD_ANSWERS], ids=[c[0] for c in BAD_ANSWERS]
)
def test_bad_answers_raise_answer_error(
    quiz: Quiz, build: AnswerBuilder, fragments: Fragments
) -> None:
    with pytest.raises(AnswerError) as caught:
        score(quiz, build(quiz))
    message = str(caught.value)
    for fragment in fragments(quiz):
        assert fragment in message
    assert "Traceback" not in message and "\n" not in message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (9, "9 is not on the scale 1-5"),
        (0, "0 is not on the scale 1-5"),
        (6, "6 is not on the scale 1-5"),
        (4.5, "4.5 is not a whole number on the scale 1-5"),
    ],
)
def test_main_model_message_names_statement_and_scale(value: object, expected: str) -> None:
    quiz = load(SALES_QUIZ)
    answers: list[object] = [3] * 20
    answers[6] = value
    with pytest.raises(AnswerError) as caught:
        score(quiz, answers)
    assert str(caught.value) == f"statement 7 (id: {quiz.statements[6].id}): {expected}"


def test_answer_error_is_a_value_error(quiz: Quiz) -> None:
    with pytest.raises(ValueError):
        check_answers(quiz, [])


def test_a_tuple_scores_like_a_list(quiz: Quiz) -> None:
    answers = answers_for_total(quiz, quiz.lowest_total + 3)
    assert score(quiz, tuple(answers)) == score(quiz, answers)


# --- JSON form ------------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["lowest", "middle", "highest"])
def test_to_dict_round_trips_through_json(quiz: Quiz, where: str) -> None:
    total = {
        "lowest": quiz.lowest_total,
        "middle": (quiz.lowest_total + quiz.highest_total) // 2,
        "highest": quiz.highest_total,
    }[where]
    result = score(quiz, answers_for_total(quiz, total))
    data = result.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["quiz"] == {"id": quiz.id, "version": quiz.version}
    assert data["total"] == total
    assert data["answers"] == list(result.answers)
    assert (data["lowest_total"], data["highest_total"]) == (quiz.lowest_total, quiz.highest_total)
    assert [s["id"] for s in data["stages"]] == [s.id for s in quiz.stages]
    assert [d["id"] for d in data["dimensions"]] == [d.id for d in quiz.dimensions]
    assert data["weakest"] == result.weakest.dimension.id
    assert data["strongest"] == result.strongest.dimension.id


# --- properties over every valid answer vector -------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_every_valid_vector_scores_consistently(quiz: Quiz, data: st.DataObject) -> None:
    answers = data.draw(valid_answers(quiz))
    result = score(quiz, answers)

    assert result.total == sum(answers)
    assert result.stage.low <= result.total <= result.stage.high
    position = quiz.stages.index(result.stage)
    if position + 1 < len(quiz.stages):
        assert result.next_stage == quiz.stages[position + 1]
        assert result.points_to_next == result.next_stage.low - result.total > 0
    else:
        assert result.next_stage is None and result.points_to_next is None

    by_id = dict(zip((s.id for s in quiz.statements), answers, strict=False))
    dimension_of = {s.id: s.dimension for s in quiz.statements}
    seen: list[str] = []
    for dim in result.dimensions:
        ids = dim.statement_ids
        assert ids and all(dimension_of[i] == dim.dimension.id for i in ids)
        values = [by_id[i] for i in ids]
        assert dim.total == sum(values)
        assert abs(dim.mean - dim.total / len(ids)) <= 0.005
        assert 0 <= dim.percent <= 100
        assert (dim.percent == 0) == all(v == quiz.scale_min for v in values)
        assert (dim.percent == 100) == all(v == quiz.scale_max for v in values)
        seen += ids
    assert sorted(seen) == sorted(by_id)
    assert sum(d.total for d in result.dimensions) == result.total

    percents = [d.percent for d in result.dimensions]
    assert result.weakest.percent == min(percents)
    assert result.strongest.percent == max(percents)
    assert (
        result.weakest is result.dimensions[percents.index(min(percents))]
    )  # ties: first in quiz order
    assert result.strongest is result.dimensions[percents.index(max(percents))]

    below = [d for d in result.dimensions if d.percent < 100]
    assert len(result.focus) == min(2, len(below))
    assert all(d.percent < 100 for d in result.focus)
    ranks = [(d.percent, result.dimensions.index(d)) for d in result.focus]
    assert ranks == sorted(ranks)  # lowest first, ties in quiz order
    for d in below:
        if d not in result.focus:
            assert (d.percent, result.dimensions.index(d)) > ranks[-1]

    assert json.loads(json.dumps(result.to_dict())) == result.to_dict()
