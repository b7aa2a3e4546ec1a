"""The team report as typed data: what `team.team_report` builds and everyone else reads.

Figures stay exact (fractions of whole numbers) in these objects, so rankings and findings
compare real values and ties are real ties; `to_dict()` rounds them to 2 decimals on the
way out into the JSON the page draws. The command line reads the objects directly.

A mean is None when nobody in that set judged the statements behind it; a respondent's
total and stage are None when they left more statements unjudged than the quiz allows.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any

from . import teamfindings
from .csvimport import Respondent, Roster
from .model import Dimension, Quiz, Stage, Statement
from .scoring import Result
from .spread import Spread, maybe_rounded, rounded
from .teamfindings import Finding

NO_GROUP = "No group given"
TOP_COUNT = 5  # statements listed under each kind of disagreement


@dataclass(frozen=True)
class TeamGroup:
    """A quiz group that has respondents, or (id None) those who gave no group."""

    id: str | None
    title: str
    members: tuple[int, ...]  # indexes into the report's respondents

    @property
    def count(self) -> int:
        return len(self.members)

    @property
    def is_function(self) -> bool:
        """A named group; "No group given" is no function to compare with the others."""
        return self.id is not None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "count": self.count}


@dataclass(frozen=True)
class GroupMean:
    group: TeamGroup
    mean: Fraction | None  # None: nobody in the group judged it

    def to_dict(self) -> dict[str, Any]:
        return {**self.group.to_dict(), "mean": maybe_rounded(self.mean)}


@dataclass(frozen=True)
class Gap:
    """The two functions whose means differ most (on a tie, the earlier pair in the quiz's order)."""

    high: TeamGroup
    low: TeamGroup
    high_mean: Fraction
    low_mean: Fraction

    @property
    def points(self) -> Fraction:
        return self.high_mean - self.low_mean

    def to_dict(self) -> dict[str, Any]:
        return {
            "high": {"id": self.high.id, "title": self.high.title, "mean": rounded(self.high_mean)},
            "low": {"id": self.low.id, "title": self.low.title, "mean": rounded(self.low_mean)},
            "points": rounded(self.points),
        }


@dataclass(frozen=True)
class RespondentSummary:
    number: int  # 1-based, in the order read
    respondent: Respondent
    result: Result
    code: str  # the share code that makes the same respondent again

    @property
    def label(self) -> str:
        return self.respondent.name or f"Respondent {self.number}"

    def to_dict(self) -> dict[str, Any]:
        person, result = self.respondent, self.result
        return {
            "number": self.number,
            "label": self.label,
            "name": person.name,
            "group": person.group,
            "where": person.where,
            "code": self.code,
            "total": result.total,
            "estimated": result.estimated,
            "unjudged": result.unjudged,
            "stage": None if result.stage is None else _stage_ref(result.stage),
            "dimensions": [d.mean for d in result.dimensions],
        }


@dataclass(frozen=True)
class DimensionSummary:
    dimension: Dimension
    spread: Spread | None  # of each respondent's own mean over the dimension's judged statements
    groups: tuple[GroupMean, ...]
    gap: Gap | None  # None when fewer than two functions judged it

    @property
    def mean(self) -> Fraction | None:
        return None if self.spread is None else self.spread.mean

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.dimension.id,
            "title": self.dimension.title,
            "mean": maybe_rounded(self.mean),
            "spread": None if self.spread is None else rounded(self.spread.deviation),
            "groups": [g.to_dict() for g in self.groups],
            "gap": None if self.gap is None else self.gap.to_dict(),
        }


@dataclass(frozen=True)
class StatementSummary:
    number: int  # 1-based, in the quiz's order
    statement: Statement
    spread: Spread | None  # of the judged answers; None when nobody judged it
    unjudged: int
    groups: tuple[GroupMean, ...]
    gap: Gap | None

    @property
    def mean(self) -> Fraction | None:
        return None if self.spread is None else self.spread.mean

    def to_dict(self) -> dict[str, Any]:
        spread = self.spread
        return {
            "number": self.number,
            "id": self.statement.id,
            "dimension": self.statement.dimension,
            "text": self.statement.text,
            "mean": maybe_rounded(self.mean),
            "spread": None if spread is None else rounded(spread.deviation),
            "min": None if spread is None else int(spread.low),
            "max": None if spread is None else int(spread.high),
            "unjudged": self.unjudged,
            "groups": [g.to_dict() for g in self.groups],
            "gap": None if self.gap is None else self.gap.to_dict(),
        }


@dataclass(frozen=True)
class StageCount:
    stage: Stage
    count: int

    def to_dict(self) -> dict[str, Any]:
        stage = self.stage
        return {
            "id": stage.id,
            "title": stage.title,
            "min": stage.low,
            "max": stage.high,
            "count": self.count,
        }


@dataclass(frozen=True)
class HeadlineRow:
    """A group's mean total, the stage that mean falls in, and how many of its people sit in each stage."""

    group: TeamGroup
    mean: Fraction | None  # of the placed members' totals; None when nobody was placed
    stage: Stage | None
    stages: tuple[StageCount, ...]
    unplaced: int

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.group.to_dict(),
            "mean": maybe_rounded(self.mean),
            "stage": None if self.stage is None else _stage_ref(self.stage),
            "stages": [{**_stage_ref(s.stage), "count": s.count} for s in self.stages],
            "unplaced": self.unplaced,
        }


@dataclass(frozen=True)
class Headline:
    rows: tuple[HeadlineRow, ...]

    @cached_property
    def text(self) -> str:
        return teamfindings.headline_text(self.rows)

    def to_dict(self) -> dict[str, Any]:
        return {"groups": [row.to_dict() for row in self.rows], "text": self.text}


@dataclass(frozen=True)
class TeamReport:
    """Everything the team page and `stageguide team` show."""

    quiz: Quiz
    roster: Roster  # how the input was read: source, skipped entries, ignored columns, notes
    groups: tuple[TeamGroup, ...]  # quiz groups present, in the quiz's order, then "No group given"
    respondents: tuple[RespondentSummary, ...]
    total: Spread | None  # of the placed respondents' totals
    stages: tuple[StageCount, ...]
    headline: Headline
    dimensions: tuple[DimensionSummary, ...]
    statements: tuple[StatementSummary, ...]

    @property
    def count(self) -> int:
        return len(self.respondents)

    @property
    def placed(self) -> int:
        return sum(1 for r in self.respondents if r.result.total is not None)

    @property
    def unplaced(self) -> int:
        return self.count - self.placed

    @property
    def functions(self) -> tuple[TeamGroup, ...]:
        return tuple(g for g in self.groups if g.is_function)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.respondents)

    @cached_property
    def between(self) -> tuple[StatementSummary, ...]:
        """Statements whose functions' means differ, the widest gap first (ties: the quiz's order)."""
        split = [s for s in self.statements if s.gap is not None and s.gap.points > 0]
        return tuple(sorted(split, key=lambda s: -_points(s.gap))[:TOP_COUNT])

    @cached_property
    def within(self) -> tuple[StatementSummary, ...]:
        """Statements the team answers differently, the widest spread first (ties: the quiz's order)."""
        spread = [s for s in self.statements if s.spread is not None and s.spread.variance > 0]
        return tuple(sorted(spread, key=lambda s: -_variance(s.spread))[:TOP_COUNT])

    @cached_property
    def findings(self) -> tuple[Finding, ...]:
        """The headline, then the three things a facilitator should say next."""
        return teamfindings.findings(self)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-compatible form: what the worker sends to the team page."""
        quiz, statements = self.quiz, {s.number: s.to_dict() for s in self.statements}
        return {
            "quiz": {"id": quiz.id, "version": quiz.version, "title": quiz.title},
            "source": self.roster.source,
            "count": self.count,
            "scale": {"min": quiz.scale_min, "max": quiz.scale_max},
            "lowest_total": quiz.lowest_total,
            "highest_total": quiz.highest_total,
            "groups": [g.to_dict() for g in self.groups],
            "respondents": [r.to_dict() for r in self.respondents],
            "total": None if self.total is None else _total_dict(self.total),
            "unplaced": self.unplaced,
            "stages": [s.to_dict() for s in self.stages],
            "headline": self.headline.to_dict(),
            "dimensions": [d.to_dict() for d in self.dimensions],
            "statements": list(statements.values()),
            "disagreements": {
                "between": [statements[s.number] for s in self.between],
                "within": [statements[s.number] for s in self.within],
            },
            "findings": [f.to_dict() for f in self.findings],
            "codes": list(self.codes),
            "skipped": [s.to_dict() for s in self.roster.skipped],
            "ignored_columns": list(self.roster.ignored_columns),
            "header_rows": [s.to_dict() for s in self.roster.header_rows],
            "notes": list(self.roster.notes),
        }


def _stage_ref(stage: Stage) -> dict[str, Any]:
    return {"id": stage.id, "title": stage.title}


def _total_dict(total: Spread) -> dict[str, Any]:
    return {
        "mean": rounded(total.mean),
        "min": int(total.low),
        "max": int(total.high),
        "range": int(total.high - total.low),
        "spread": rounded(total.deviation),
    }


def _points(gap: Gap | None) -> Fraction:
    return Fraction(0) if gap is None else gap.points


def _variance(spread: Spread | None) -> Fraction:
    return Fraction(0) if spread is None else spread.variance
