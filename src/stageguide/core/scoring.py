"""Score one respondent: total, stage, dimensions and the advice that applies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .errors import AnswerError
from .model import Dimension, Quiz, Stage

FOCUS_COUNT = 2  # how many of the weakest dimensions get their advice shown


@dataclass(frozen=True)
class DimensionScore:
    dimension: Dimension
    statement_ids: tuple[str, ...]
    total: int
    mean: float
    percent: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.dimension.id,
            "title": self.dimension.title,
            "statements": list(self.statement_ids),
            "total": self.total,
            "mean": self.mean,
            "percent": self.percent,
        }


@dataclass(frozen=True)
class Result:
    quiz: Quiz
    answers: tuple[int, ...]
    total: int
    stage: Stage
    dimensions: tuple[DimensionScore, ...]
    focus: tuple[DimensionScore, ...]

    @property
    def next_stage(self) -> Stage | None:
        index = self.quiz.stages.index(self.stage)
        return self.quiz.stages[index + 1] if index + 1 < len(self.quiz.stages) else None

    @property
    def points_to_next(self) -> int | None:
        upcoming = self.next_stage
        return None if upcoming is None else upcoming.low - self.total

    @property
    def weakest(self) -> DimensionScore:
        return min(self.dimensions, key=lambda d: d.percent)

    @property
    def strongest(self) -> DimensionScore:
        return max(self.dimensions, key=lambda d: d.percent)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-compatible form shared by the browser, the CLI and the parity tests."""
        upcoming = self.next_stage
        return {
            "quiz": {"id": self.quiz.id, "version": self.quiz.version},
            "answers": list(self.answers),
            "total": self.total,
            "lowest_total": self.quiz.lowest_total,
            "highest_total": self.quiz.highest_total,
            "stage": {**self.stage.to_dict(), "index": self.quiz.stages.index(self.stage)},
            "stages": [stage.to_dict() for stage in self.quiz.stages],
            "next_stage": None if upcoming is None else upcoming.to_dict(),
            "points_to_next": self.points_to_next,
            "dimensions": [d.to_dict() for d in self.dimensions],
            "weakest": self.weakest.dimension.id,
            "strongest": self.strongest.dimension.id,
            "advice": {
                "stage": list(self.stage.advice),
                "dimensions": [
                    {"id": d.dimension.id, "title": d.dimension.title, "percent": d.percent, "advice": list(d.dimension.advice)}
                    for d in self.focus
                ],
            },
        }


def check_answers(quiz: Quiz, answers: object) -> tuple[int, ...]:
    """Return the answers as a tuple of ints, or raise `AnswerError` saying what to fix."""
    if isinstance(answers, (str, bytes)) or not isinstance(answers, Sequence):
        raise AnswerError(f"expected a list of {len(quiz.statements)} answers, found {type(answers).__name__}")
    expected = len(quiz.statements)
    if len(answers) != expected:
        raise AnswerError(f"expected {expected} answers, one per statement, but got {len(answers)}")
    low, high = quiz.scale_min, quiz.scale_max
    problems = []
    for number, (statement, value) in enumerate(zip(quiz.statements, answers), start=1):
        where = f"statement {number} (id: {statement.id})"
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"{where}: {value!r} is not a whole number on the scale {low}-{high}")
        elif not low <= value <= high:
            problems.append(f"{where}: {value} is not on the scale {low}-{high}")
    if problems:
        raise AnswerError("; ".join(problems))
    return tuple(int(v) for v in answers)  # type: ignore[arg-type]


def score(quiz: Quiz, answers: object) -> Result:
    """Score a complete set of answers given in statement order."""
    values = check_answers(quiz, answers)
    total = sum(values)
    low, high = quiz.scale_min, quiz.scale_max
    by_dimension: dict[str, list[tuple[str, int]]] = {d.id: [] for d in quiz.dimensions}
    for statement, value in zip(quiz.statements, values):
        by_dimension[statement.dimension].append((statement.id, value))
    scores = []
    for dim in quiz.dimensions:
        items = by_dimension[dim.id]
        dim_total = sum(value for _, value in items)
        mean = dim_total / len(items)
        percent = round((mean - low) / (high - low) * 100)
        scores.append(DimensionScore(dim, tuple(sid for sid, _ in items), dim_total, round(mean, 2), percent))
    ranked = sorted(scores, key=lambda d: d.percent)  # stable: ties keep the quiz's order
    focus = tuple(d for d in ranked if d.percent < 100)[:FOCUS_COUNT]
    return Result(quiz, values, total, quiz.stage_for(total), tuple(scores), focus)
