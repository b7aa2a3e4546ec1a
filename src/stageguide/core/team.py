"""Works out the team report: how a whole team, and each function within it, rates the relationship.

`team_report` turns a `Roster` (see `csvimport`) into a `TeamReport` (see `teamreport`
for its parts and its JSON form, `teamfindings` for its words), shared by the page,
the command line and the parity tests. Means and spreads are computed exactly
(fractions of whole numbers) and rounded only on the way out, so CPython and Pyodide
agree to the last digit and ties are real ties, broken by the quiz's order.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction

from . import sharecode
from .csvimport import Roster
from .errors import AnswerError
from .model import Quiz
from .scoring import Result, score
from .spread import Spread, mean_of
from .teamfindings import Finding
from .teamreport import (
    NO_GROUP,
    DimensionSummary,
    Gap,
    GroupMean,
    Headline,
    HeadlineRow,
    RespondentSummary,
    StageCount,
    StatementSummary,
    TeamGroup,
    TeamReport,
)

__all__ = ["Finding", "TeamReport", "team_report"]

Means = Mapping[str | None, Fraction | None]  # each group's mean, by group id


def team_report(quiz: Quiz, roster: Roster) -> TeamReport:
    """Everything the team page shows, worked out from everyone's answers."""
    people = roster.respondents
    if not people:
        raise AnswerError("a team report needs at least one respondent")
    results = tuple(score(quiz, person.answers) for person in people)
    groups = _groups(quiz, roster)
    return TeamReport(
        quiz=quiz,
        roster=roster,
        groups=groups,
        respondents=tuple(
            RespondentSummary(
                number,
                person,
                result,
                sharecode.encode(quiz, person.answers, person.group, person.name),
            )
            for number, (person, result) in enumerate(zip(people, results, strict=True), start=1)
        ),
        total=Spread.of([r.total for r in results if r.total is not None]),
        stages=_stage_counts(quiz, results),
        headline=Headline(tuple(_headline_row(quiz, group, results) for group in groups)),
        dimensions=_dimensions(quiz, roster, groups),
        statements=_statements(quiz, roster, groups),
    )


def _groups(quiz: Quiz, roster: Roster) -> tuple[TeamGroup, ...]:
    """The quiz's groups that have respondents, in the quiz's order, then those who gave none."""
    members: dict[str | None, list[int]] = {}
    for index, person in enumerate(roster.respondents):
        members.setdefault(person.group, []).append(index)
    groups = [
        TeamGroup(g.id, g.title, tuple(members[g.id])) for g in quiz.groups if g.id in members
    ]
    if None in members:
        groups.append(TeamGroup(None, NO_GROUP, tuple(members[None])))
    return tuple(groups)


def _dimensions(
    quiz: Quiz, roster: Roster, groups: Sequence[TeamGroup]
) -> tuple[DimensionSummary, ...]:
    """Per dimension, the spread of each person's own mean over the statements they judged in it."""
    out = []
    for dim in quiz.dimensions:
        columns = [n for n, s in enumerate(quiz.statements) if s.dimension == dim.id]
        own = [
            mean_of([v for v in (person.answers[n] for n in columns) if v is not None])
            for person in roster.respondents
        ]  # None: that person judged none of the dimension's statements
        means = {
            g.id: mean_of([m for m in (own[i] for i in g.members) if m is not None]) for g in groups
        }
        out.append(
            DimensionSummary(
                dim,
                Spread.of([m for m in own if m is not None]),
                _group_means(groups, means),
                _gap(groups, means),
            )
        )
    return tuple(out)


def _statements(
    quiz: Quiz, roster: Roster, groups: Sequence[TeamGroup]
) -> tuple[StatementSummary, ...]:
    out = []
    for index, statement in enumerate(quiz.statements):
        answers = [person.answers[index] for person in roster.respondents]
        judged = [v for v in answers if v is not None]
        means = {
            g.id: mean_of([v for v in (answers[m] for m in g.members) if v is not None])
            for g in groups
        }
        out.append(
            StatementSummary(
                index + 1,
                statement,
                Spread.of(judged),
                len(answers) - len(judged),
                _group_means(groups, means),
                _gap(groups, means),
            )
        )
    return tuple(out)


def _stage_counts(quiz: Quiz, results: Sequence[Result]) -> tuple[StageCount, ...]:
    return tuple(StageCount(s, sum(1 for r in results if r.stage is s)) for s in quiz.stages)


def _headline_row(quiz: Quiz, group: TeamGroup, results: Sequence[Result]) -> HeadlineRow:
    """A group's mean total and the stage it falls in, with how many of its people sit in each stage.

    The mean is exact; its stage is the band holding the mean rounded half up to a whole total
    (so 59.5 counts as 60). Respondents without a stage (too many statements unjudged) are
    counted apart and left out of the mean.
    """
    placed = [results[i] for i in group.members if results[i].total is not None]
    mean = mean_of([r.total for r in placed if r.total is not None])
    return HeadlineRow(
        group,
        mean,
        None if mean is None else quiz.stage_for(math.floor(mean + Fraction(1, 2))),
        _stage_counts(quiz, placed),
        group.count - len(placed),
    )


def _group_means(groups: Sequence[TeamGroup], means: Means) -> tuple[GroupMean, ...]:
    return tuple(GroupMean(g, means[g.id]) for g in groups)


def _gap(groups: Sequence[TeamGroup], means: Means) -> Gap | None:
    """The two functions whose means differ most; on a tie the earlier pair in the quiz's order."""
    functions = [g for g in groups if g.is_function]
    best: Gap | None = None
    for i, first in enumerate(functions):
        for second in functions[i + 1 :]:
            a, b = means[first.id], means[second.id]
            if a is None or b is None:
                continue  # nobody in one of the two judged it
            gap = Gap(first, second, a, b) if a >= b else Gap(second, first, b, a)
            if best is None or gap.points > best.points:
                best = gap
    return best
