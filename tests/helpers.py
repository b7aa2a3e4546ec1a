"""Shared paths and small builders for the core, validation and CLI tests.

Everything here reads the real quiz files through the real loader; nothing is mocked.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from hypothesis import strategies as st
from paths import SALES_QUIZ, TEAM_QUIZ

from stageguide.core import Quiz
from stageguide.quizfile import read_quiz

# The two models every core test runs against (the markupsafe "one suite, every
# implementation" pattern): a test module declares a module-scoped `quiz`
# fixture with `params=QUIZ_PARAMS` that returns `load(request.param)`.
QUIZ_PARAMS = [
    pytest.param(SALES_QUIZ, id="sales-marketing"),
    pytest.param(TEAM_QUIZ, id="team-sport"),
]


@functools.cache
def load(path: Path | str) -> Quiz:
    """Read and validate a quiz file (cached: `Quiz` is frozen, so sharing it is safe)."""
    return read_quiz(Path(path))


def answers_for_total(quiz: Quiz, total: int) -> list[int]:
    """A valid answer vector (one per statement, each on the scale) whose sum is `total`.

    Starts every answer at the bottom of the scale and raises answers from the
    first statement on, so the result is deterministic.
    """
    if not quiz.lowest_total <= total <= quiz.highest_total:
        raise ValueError(f"total {total} is outside {quiz.lowest_total}-{quiz.highest_total}")
    low, high = quiz.scale_min, quiz.scale_max
    answers = [low] * len(quiz.statements)
    extra = total - quiz.lowest_total
    for index in range(len(answers)):
        step = min(extra, high - low)
        answers[index] += step
        extra -= step
    assert extra == 0 and sum(answers) == total
    return answers


def answers_by_dimension(quiz: Quiz, levels: dict[str, int]) -> list[int]:
    """Every statement answered with the value given for its dimension."""
    return [levels[statement.dimension] for statement in quiz.statements]


def statement_label(quiz: Quiz, number: int) -> str:
    """How an `AnswerError` names statement `number` (1-based), e.g. 'statement 7 (id: x)'."""
    return f"statement {number} (id: {quiz.statements[number - 1].id})"


def valid_answers(quiz: Quiz) -> st.SearchStrategy[list[int]]:
    """Hypothesis: any complete answer vector on the quiz's scale."""
    n = len(quiz.statements)
    return st.lists(st.integers(quiz.scale_min, quiz.scale_max), min_size=n, max_size=n)
