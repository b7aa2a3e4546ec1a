"""Score one respondent: total, stage, dimensions and the advice that applies.

An answer is a value on the scale, or ``None`` for "I can't judge this" when the
quiz offers it. Unjudged statements add nothing: the total is the mean of the judged
answers scaled to all statements (an estimate, rounded half up), and when more
statements than the quiz allows are unjudged there is no total and no stage.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .errors import AnswerError
from .model import Dimension, Quiz, Stage, Statement

FOCUS_COUNT = 2  # how many of the weakest dimensions get their advice shown
LOW_COUNT = 3  # how many low answers are explained under "what pulled your score down"

Answer = int | None


@dataclass(frozen=True)
class DimensionScore:
    dimension: Dimension
    statement_ids: tuple[str, ...]
    total: int  # of the judged answers
    judged: int
    mean: float | None  # None when no statement of the dimension was judged
    percent: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.dimension.id,
            "title": self.dimension.title,
            "statements": list(self.statement_ids),
            "total": self.total,
            "judged": self.judged,
            "mean": self.mean,
            "percent": self.percent,
        }


@dataclass(frozen=True)
class LowAnswer:
    """A statement answered at or below the middle of the scale, and why it matters."""

    number: int
    statement: Statement
    value: int
    label: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "id": self.statement.id,
            "dimension": self.statement.dimension,
            "text": self.statement.text,
            "answer": self.value,
            "label": self.label,
            "why": self.statement.why,
        }


@dataclass(frozen=True)
class Result:
    quiz: Quiz
    answers: tuple[Answer, ...]
    total: int | None  # None when too many statements are unjudged to place a stage
    stage: Stage | None
    dimensions: tuple[DimensionScore, ...]
    focus: tuple[DimensionScore, ...]
    low: tuple[LowAnswer, ...]

    @property
    def unjudged(self) -> int:
        return sum(1 for value in self.answers if value is None)

    @property
    def allowed_unjudged(self) -> int:
        unsure = self.quiz.unsure
        return 0 if unsure is None else unsure.allowed(len(self.quiz.statements))

    @property
    def estimated(self) -> bool:
        return self.total is not None and self.unjudged > 0

    @property
    def next_stage(self) -> Stage | None:
        if self.stage is None:
            return None
        index = self.quiz.stages.index(self.stage)
        return self.quiz.stages[index + 1] if index + 1 < len(self.quiz.stages) else None

    @property
    def points_to_next(self) -> int | None:
        upcoming = self.next_stage
        return None if upcoming is None or self.total is None else upcoming.low - self.total

    @property
    def weakest(self) -> DimensionScore | None:
        judged = [d for d in self.dimensions if d.percent is not None]
        return min(judged, key=lambda d: d.percent or 0) if judged else None

    @property
    def strongest(self) -> DimensionScore | None:
        judged = [d for d in self.dimensions if d.percent is not None]
        return max(judged, key=lambda d: d.percent or 0) if judged else None

    @property
    def no_stage_reason(self) -> str | None:
        """Why no stage is given, in words for the respondent; None when there is a stage."""
        if self.stage is not None:
            return None
        count = len(self.quiz.statements)
        if self.unjudged == count:
            return "No statement was judged, so there is nothing to place your organisation on."
        return (
            f"{self.unjudged} of the {count} statements were marked as not judged, and a stage needs at least "
            f"{count - self.allowed_unjudged} judged answers: with more than {self.allowed_unjudged} unjudged, the "
            "estimate would rest on too little. Answer more statements, or ask someone who can see more of the "
            "relationship to take the quiz."
        )

    def stage_actions(self) -> tuple[str, ...]:
        return () if self.stage is None else self.stage.advice

    def focus_actions(self) -> list[tuple[DimensionScore, tuple[str, ...]]]:
        """Each focus dimension with its actions at this stage, leaving out any action already shown above it."""
        if self.stage is None:
            return []
        shown = {_normal(action) for action in self.stage.advice}
        out = []
        for dim in self.focus:
            actions = tuple(
                a for a in dim.dimension.advice_at(self.stage.id) if _normal(a) not in shown
            )
            shown.update(_normal(a) for a in actions)
            if actions:
                out.append((dim, actions))
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-compatible form shared by the browser, the CLI and the parity tests."""
        upcoming = self.next_stage
        weakest, strongest = self.weakest, self.strongest
        return {
            "quiz": {"id": self.quiz.id, "version": self.quiz.version},
            "answers": list(self.answers),
            "total": self.total,
            "estimated": self.estimated,
            "judged": len(self.answers) - self.unjudged,
            "unjudged": self.unjudged,
            "allowed_unjudged": self.allowed_unjudged,
            "no_stage_reason": self.no_stage_reason,
            "lowest_total": self.quiz.lowest_total,
            "highest_total": self.quiz.highest_total,
            "stage": None
            if self.stage is None
            else {**self.stage.to_dict(), "index": self.quiz.stages.index(self.stage)},
            "stages": [stage.to_dict() for stage in self.quiz.stages],
            "next_stage": None if upcoming is None else upcoming.to_dict(),
            "points_to_next": self.points_to_next,
            "dimensions": [d.to_dict() for d in self.dimensions],
            "weakest": None if weakest is None else weakest.dimension.id,
            "strongest": None if strongest is None else strongest.dimension.id,
            "advice": {
                "stage": list(self.stage_actions()),
                "dimensions": [
                    {
                        "id": d.dimension.id,
                        "title": d.dimension.title,
                        "percent": d.percent,
                        "advice": list(actions),
                    }
                    for d, actions in self.focus_actions()
                ],
            },
            "low": [item.to_dict() for item in self.low],
        }


def check_answers(quiz: Quiz, answers: object) -> tuple[Answer, ...]:
    """Return the answers as a tuple (ints, and None for "can't judge"), or raise `AnswerError` saying what to fix."""
    if isinstance(answers, (str, bytes)) or not isinstance(answers, Sequence):
        raise AnswerError(
            f"expected a list of {len(quiz.statements)} answers, found {type(answers).__name__}"
        )
    expected = len(quiz.statements)
    if len(answers) != expected:
        raise AnswerError(f"expected {expected} answers, one per statement, but got {len(answers)}")
    low, high = quiz.scale_min, quiz.scale_max
    problems = []
    for number, (statement, value) in enumerate(
        zip(quiz.statements, answers, strict=False), start=1
    ):
        where = f"statement {number} (id: {statement.id})"
        if value is None:
            if quiz.unsure is None:
                problems.append(
                    f'{where}: no answer; this quiz has no "can\'t judge" option, so give a number {low}-{high}'
                )
        elif isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"{where}: {value!r} is not a whole number on the scale {low}-{high}")
        elif not low <= value <= high:
            problems.append(f"{where}: {value} is not on the scale {low}-{high}")
    if problems:
        raise AnswerError("; ".join(problems))
    return tuple(None if v is None else int(v) for v in answers)


def estimate_total(quiz: Quiz, answers: Sequence[Answer]) -> int | None:
    """The total, or its estimate from the judged answers; None when too few are judged to place a stage."""
    judged = [value for value in answers if value is not None]
    unjudged = len(answers) - len(judged)
    allowed = 0 if quiz.unsure is None else quiz.unsure.allowed(len(answers))
    if not judged or unjudged > allowed:
        return None
    if not unjudged:
        return sum(judged)
    return _half_up(Fraction(sum(judged) * len(answers), len(judged)))


def score(quiz: Quiz, answers: object) -> Result:
    """Score a complete set of answers given in statement order."""
    values = check_answers(quiz, answers)
    low, high = quiz.scale_min, quiz.scale_max
    by_dimension: dict[str, list[tuple[str, Answer]]] = {d.id: [] for d in quiz.dimensions}
    for statement, value in zip(quiz.statements, values, strict=False):
        by_dimension[statement.dimension].append((statement.id, value))
    scores = []
    for dim in quiz.dimensions:
        items = by_dimension[dim.id]
        judged = [value for _, value in items if value is not None]
        dim_total = sum(judged)
        mean = percent = None
        if judged:
            exact = Fraction(dim_total, len(judged))
            mean = round(float(exact), 2)
            percent = _half_even((exact - low) * 100 / (high - low))
        scores.append(
            DimensionScore(
                dim, tuple(sid for sid, _ in items), dim_total, len(judged), mean, percent
            )
        )
    total = estimate_total(quiz, values)
    stage = None if total is None else quiz.stage_for(total)
    ranked = sorted(
        (d for d in scores if d.percent is not None), key=lambda d: d.percent or 0
    )  # stable: ties keep the quiz's order
    focus = (
        tuple(d for d in ranked if (d.percent or 0) < 100)[:FOCUS_COUNT]
        if stage is not None
        else ()
    )
    return Result(quiz, values, total, stage, tuple(scores), focus, _low_answers(quiz, values))


def _low_answers(quiz: Quiz, values: tuple[Answer, ...]) -> tuple[LowAnswer, ...]:
    """The lowest answers at or below the scale's middle, lowest first, ties in the quiz's order."""
    middle = Fraction(quiz.scale_min + quiz.scale_max, 2)
    labels = {point.value: point.label for point in quiz.scale}
    low = [
        (value, number, statement)
        for number, (statement, value) in enumerate(
            zip(quiz.statements, values, strict=False), start=1
        )
        if value is not None and value <= middle
    ]
    low.sort(key=lambda item: (item[0], item[1]))
    return tuple(
        LowAnswer(number, statement, value, labels[value])
        for value, number, statement in low[:LOW_COUNT]
    )


def _half_up(value: Fraction) -> int:
    return math.floor(value + Fraction(1, 2))


def _half_even(value: Fraction) -> int:
    """Python's round() on the exact value, so 12.5 gives 12 as it always has."""
    return round(value)


def _normal(text: str) -> str:
    return " ".join(text.casefold().split()).rstrip(".")
