"""The team report: how a whole team, and each function within it, rates the relationship.

`team_report` turns a `Roster` (see `csvimport`) into plain JSON-ready data shared by
the page, the command line and the parity tests. Means and spreads are computed
exactly (fractions of whole numbers) and rounded only on the way out, so CPython and
Pyodide agree to the last digit and ties are real ties, broken by the quiz's order.

Shape (numbers rounded to 2 decimals)::

    quiz {id, version, title}   source "csv" | "codes"   count
    scale {min, max}   lowest_total   highest_total
    groups [{id, title, count}]          quiz groups present, then id null "No group given"
    respondents [{number, label, name, group, where, code, total, estimated, unjudged, stage {id, title}, dimensions [mean…]}]
    total {mean, min, max, range, spread} or null     unplaced (respondents with no stage)
    stages [{id, title, min, max, count}]
    headline {groups [{id, title, count, mean, stage {id, title}, stages [{id, title, count}], unplaced}], text}
    dimensions [{id, title, mean, spread, groups [{id, title, count, mean}], gap}]
    statements [{number, id, dimension, text, mean, spread, min, max, unjudged, groups […], gap}]

A respondent's total and stage are null when they left more statements unjudged than the
quiz allows; a mean is null when nobody in that set judged the statements behind it.
``findings`` starts with the headline.
    disagreements {between [statement…], within [statement…]}   the largest first
    findings [{kind, text}]   codes [code…]   skipped [{where, message}]   ignored_columns [label…]
    header_rows [{where, message}]   rows read as part of the header (survey tools' extra header rows)
    notes [text…]   how the file was read where a choice was made (function column, encoding)

``gap`` is ``{high {id, title, mean}, low {id, title, mean}, points}`` for the two
groups whose means differ most, or null when fewer than two groups answered.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from . import sharecode
from .csvimport import Roster
from .errors import AnswerError
from .model import Quiz
from .scoring import Result, score

NO_GROUP = "No group given"
TOP_COUNT = 5  # statements listed under each kind of disagreement
NOTABLE = Fraction(1, 2)  # a gap between functions smaller than this is "much the same"


@dataclass(frozen=True)
class _Group:
    id: str | None
    title: str
    members: tuple[int, ...]  # indexes into the roster's respondents


@dataclass(frozen=True)
class _Gap:
    high: _Group
    low: _Group
    high_mean: Fraction
    low_mean: Fraction

    @property
    def points(self) -> Fraction:
        return self.high_mean - self.low_mean

    def to_dict(self) -> dict[str, Any]:
        return {
            "high": {"id": self.high.id, "title": self.high.title, "mean": _round(self.high_mean)},
            "low": {"id": self.low.id, "title": self.low.title, "mean": _round(self.low_mean)},
            "points": _round(self.points),
        }


@dataclass(frozen=True)
class _Spread:
    """Figures for a set of values (whole numbers or exact fractions): mean, population variance, range."""

    mean: Fraction
    variance: Fraction
    low: Fraction
    high: Fraction

    @classmethod
    def of(cls, values: Sequence[int | Fraction]) -> _Spread | None:
        """None for no values: nobody judged what is being summarised."""
        if not values:
            return None
        count = len(values)
        total = sum(values, Fraction(0))
        squares = sum((Fraction(v) * v for v in values), Fraction(0))
        variance = (count * squares - total * total) / (count * count)
        return cls(total / count, variance, Fraction(min(values)), Fraction(max(values)))

    @property
    def deviation(self) -> float:
        return math.sqrt(float(self.variance))


def _mean_of(spread: _Spread | None) -> Fraction | None:
    return None if spread is None else spread.mean


def team_report(quiz: Quiz, roster: Roster) -> dict[str, Any]:
    """Everything the team page shows, as plain data (see the module docstring for the shape)."""
    people = roster.respondents
    if not people:
        raise AnswerError("a team report needs at least one respondent")
    results = [score(quiz, person.answers) for person in people]
    groups = _groups(quiz, roster)
    functions = [group for group in groups if group.id is not None]
    totals = [result.total for result in results if result.total is not None]
    total = _Spread.of(totals)

    dimensions = []
    dim_gaps: list[tuple[Fraction, int, _Gap]] = []
    for index, dim in enumerate(quiz.dimensions):
        columns = [n for n, s in enumerate(quiz.statements) if s.dimension == dim.id]
        # each person's own mean over the statements they judged in this dimension (None: judged none)
        own = [
            _Spread.of([v for v in (person.answers[n] for n in columns) if v is not None])
            for person in people
        ]
        person_means = [_mean_of(spread) for spread in own]
        spread = _Spread.of([m for m in person_means if m is not None])
        means = {
            g.id: _mean_of(
                _Spread.of([m for m in (person_means[i] for i in g.members) if m is not None])
            )
            for g in groups
        }
        gap = _gap(functions, means)
        if gap is not None:
            dim_gaps.append((gap.points, index, gap))
        dimensions.append(
            {
                "id": dim.id,
                "title": dim.title,
                "mean": _maybe(_mean_of(spread)),
                "spread": None if spread is None else _round(spread.deviation),
                "groups": _group_means(groups, means),
                "gap": None if gap is None else gap.to_dict(),
            }
        )

    statements = []
    between: list[tuple[Fraction, int]] = []
    within: list[tuple[Fraction, int]] = []
    for index, statement in enumerate(quiz.statements):
        answers = [person.answers[index] for person in people]
        judged = [v for v in answers if v is not None]
        spread = _Spread.of(judged)
        means = {
            g.id: _mean_of(
                _Spread.of([v for v in (answers[m] for m in g.members) if v is not None])
            )
            for g in groups
        }
        gap = _gap(functions, means)
        if gap is not None and gap.points > 0:
            between.append((gap.points, index))
        if spread is not None and spread.variance > 0:
            within.append((spread.variance, index))
        statements.append(
            {
                "number": index + 1,
                "id": statement.id,
                "dimension": statement.dimension,
                "text": statement.text,
                "mean": _maybe(_mean_of(spread)),
                "spread": None if spread is None else _round(spread.deviation),
                "min": None if spread is None else int(spread.low),
                "max": None if spread is None else int(spread.high),
                "unjudged": len(answers) - len(judged),
                "groups": _group_means(groups, means),
                "gap": None if gap is None else gap.to_dict(),
            }
        )
    between.sort(key=lambda item: (-item[0], item[1]))
    within.sort(key=lambda item: (-item[0], item[1]))

    report: dict[str, Any] = {
        "quiz": {"id": quiz.id, "version": quiz.version, "title": quiz.title},
        "source": roster.source,
        "count": len(people),
        "scale": {"min": quiz.scale_min, "max": quiz.scale_max},
        "lowest_total": quiz.lowest_total,
        "highest_total": quiz.highest_total,
        "groups": [{"id": g.id, "title": g.title, "count": len(g.members)} for g in groups],
        "respondents": [
            {
                "number": number,
                "label": person.name or f"Respondent {number}",
                "name": person.name,
                "group": person.group,
                "where": person.where,
                "code": sharecode.encode(quiz, person.answers, person.group, person.name),
                "total": result.total,
                "estimated": result.estimated,
                "unjudged": result.unjudged,
                "stage": None
                if result.stage is None
                else {"id": result.stage.id, "title": result.stage.title},
                "dimensions": [d.mean for d in result.dimensions],
            }
            for number, (person, result) in enumerate(zip(people, results, strict=False), start=1)
        ],
        "total": None
        if total is None
        else {
            "mean": _round(total.mean),
            "min": int(total.low),
            "max": int(total.high),
            "range": int(total.high - total.low),
            "spread": _round(total.deviation),
        },
        "unplaced": len(people) - len(totals),
        "stages": [
            {
                "id": s.id,
                "title": s.title,
                "min": s.low,
                "max": s.high,
                "count": sum(1 for r in results if r.stage is s),
            }
            for s in quiz.stages
        ],
        "headline": _headline(quiz, groups, results),
        "dimensions": dimensions,
        "statements": statements,
        "disagreements": {
            "between": [statements[index] for _, index in between[:TOP_COUNT]],
            "within": [statements[index] for _, index in within[:TOP_COUNT]],
        },
    }
    dim_gaps.sort(key=lambda item: (-item[0], item[1]))
    report["findings"] = _findings(quiz, report, functions, dim_gaps, between, within)
    report["codes"] = [r["code"] for r in report["respondents"]]
    report["skipped"] = [s.to_dict() for s in roster.skipped]
    report["ignored_columns"] = list(roster.ignored_columns)
    report["header_rows"] = [s.to_dict() for s in roster.header_rows]
    report["notes"] = list(roster.notes)
    return report


def _headline(quiz: Quiz, groups: list[_Group], results: list[Result]) -> dict[str, Any]:
    """Each group's mean total and the stage it falls in, side by side, with how many of its people sit in each stage.

    The mean is exact; its stage is the band holding the mean rounded half up to a whole total
    (so 59.5 counts as 60). Respondents without a stage (too many statements unjudged) are
    counted apart and left out of the mean.
    """
    rows = []
    for group in groups:
        placed = [results[i] for i in group.members if results[i].total is not None]
        mean = _mean_of(_Spread.of([r.total for r in placed if r.total is not None]))
        stage = None if mean is None else quiz.stage_for(math.floor(mean + Fraction(1, 2)))
        rows.append(
            {
                "id": group.id,
                "title": group.title,
                "count": len(group.members),
                "mean": _maybe(mean),
                "stage": None if stage is None else {"id": stage.id, "title": stage.title},
                "stages": [
                    {"id": s.id, "title": s.title, "count": sum(1 for r in placed if r.stage is s)}
                    for s in quiz.stages
                ],
                "unplaced": len(group.members) - len(placed),
            }
        )
    return {"groups": rows, "text": _headline_text(rows)}


def _headline_text(rows: list[dict[str, Any]]) -> str:
    placed = [row for row in rows if row["stage"] is not None]
    if not placed:
        return "Nobody judged enough statements to be placed in a stage."
    if len(rows) == 1 and rows[0]["id"] is None:
        row = rows[0]
        return f"The team places the relationship at {row['stage']['title']} (mean {_short(row['mean'])})."
    parts = []
    for number, row in enumerate(placed):
        who = "those who gave no function" if row["id"] is None else row["title"]
        if number == 0:
            who = who[0].upper() + who[1:]
            parts.append(
                f"{who} places the relationship at {row['stage']['title']} (mean {_short(row['mean'])})"
            )
        else:
            parts.append(f"{who} at {row['stage']['title']} (mean {_short(row['mean'])})")
    text = "; ".join(parts) + "."
    if parts and placed[0]["id"] is None:
        text = text.replace(" places ", " place ", 1)
    return text


def _short(value: float) -> str:
    """A mean as people say it: 50, not 50.0; 52.5 stays 52.5."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _maybe(value: Fraction | None) -> float | None:
    return None if value is None else _round(value)


def _groups(quiz: Quiz, roster: Roster) -> list[_Group]:
    """The quiz's groups that have respondents, in the quiz's order, then those who gave none."""
    members: dict[str | None, list[int]] = {}
    for index, person in enumerate(roster.respondents):
        members.setdefault(person.group, []).append(index)
    groups = [_Group(g.id, g.title, tuple(members[g.id])) for g in quiz.groups if g.id in members]
    if None in members:
        groups.append(_Group(None, NO_GROUP, tuple(members[None])))
    return groups


def _gap(functions: list[_Group], means: dict[str | None, Fraction | None]) -> _Gap | None:
    """The two groups whose means differ most; on a tie the earlier pair in the quiz's order."""
    best: _Gap | None = None
    for i, first in enumerate(functions):
        for second in functions[i + 1 :]:
            a, b = means[first.id], means[second.id]
            if a is None or b is None:
                continue  # nobody in one of the two judged it
            gap = _Gap(first, second, a, b) if a >= b else _Gap(second, first, b, a)
            if best is None or gap.points > best.points:
                best = gap
    return best


def _group_means(
    groups: list[_Group], means: dict[str | None, Fraction | None]
) -> list[dict[str, Any]]:
    return [
        {"id": g.id, "title": g.title, "count": len(g.members), "mean": _maybe(means[g.id])}
        for g in groups
    ]


def _round(value: Fraction | float) -> float:
    return round(float(value), 2)


def _one(value: Fraction | float) -> str:
    return f"{float(value):.1f}"


def _findings(
    quiz: Quiz,
    report: dict[str, Any],
    functions: list[_Group],
    dim_gaps: list[tuple[Fraction, int, _Gap]],
    between: list[tuple[Fraction, int]],
    within: list[tuple[Fraction, int]],
) -> list[dict[str, str]]:
    """The headline (each function's mean total and stage), then the three things a facilitator should say next."""
    scale = f"on the {quiz.scale_min}–{quiz.scale_max} scale"
    found: list[dict[str, str]] = []
    if dim_gaps:
        points, index, gap = dim_gaps[0]
        title = quiz.dimensions[index].title
        if points >= NOTABLE:
            found.append(
                {
                    "kind": "dimension-gap",
                    "text": f"{gap.low.title} rates {title} {_one(points)} points lower than {gap.high.title} does "
                    f"({_one(gap.low_mean)} against {_one(gap.high_mean)} {scale}).",
                }
            )
        else:
            names = _join([group.title for group in functions])
            found.append(
                {
                    "kind": "agreement",
                    "text": f"{names} see every dimension much the same way: no gap between their means is larger than "
                    f"{_one(points)} points {scale}.",
                }
            )
    if between and between[0][0] >= NOTABLE:
        statement = report["statements"][between[0][1]]
        gap = statement["gap"]
        found.append(
            {
                "kind": "statement-gap",
                "text": f"The widest split between functions is on “{_quote(statement['text'])}”: {gap['low']['title']} averages "
                f"{_one(gap['low']['mean'])} and {gap['high']['title']} {_one(gap['high']['mean'])}.",
            }
        )
    if within:
        statement = report["statements"][within[0][1]]
        whatever = ", whatever their function" if functions else ""
        found.append(
            {
                "kind": "spread",
                "text": f"Answers differ most on “{_quote(statement['text'])}”: from {statement['min']} to {statement['max']}, "
                f"a spread of {_one(statement['spread'])} points, so people see this differently{whatever}.",
            }
        )
    found.append(_stage_finding(report))
    dims = [d for d in report["dimensions"] if d["mean"] is not None]
    if dims:
        weakest = min(dims, key=lambda d: d["mean"])
        strongest = max(dims, key=lambda d: d["mean"])
        also = (
            f", and {strongest['title']} highest at {_one(strongest['mean'])}"
            if strongest is not weakest
            else ""
        )
        found.append(
            {
                "kind": "weakest",
                "text": f"The team rates {weakest['title']} lowest, at {_one(weakest['mean'])} {scale}{also}.",
            }
        )
    return [{"kind": "headline", "text": report["headline"]["text"]}, *found[:3]]


def _stage_finding(report: dict[str, Any]) -> dict[str, str]:
    count, total = report["count"] - report["unplaced"], report["total"]
    used = [s for s in report["stages"] if s["count"]]
    unplaced = report["unplaced"]
    if not count:
        text = f"No respondent judged enough statements to be placed in a stage ({unplaced} could not be placed)."
    elif count == 1:
        text = f"The one respondent places the relationship at the {used[0]['title']} stage (total {total['min']} of {report['highest_total']})."
    elif len(used) == 1:
        text = f"All {count} respondents place the relationship at the {used[0]['title']} stage (totals {total['min']} to {total['max']})."
    else:
        parts = _join([f"{s['count']} at {s['title']}" for s in used])
        text = (
            f"Respondents place the relationship in {len(used)} different stages: {parts}. "
            f"Totals run from {total['min']} to {total['max']} (mean {_one(total['mean'])})."
        )
    if count and unplaced:
        text += f" {unplaced} more marked too many statements as not judged to be placed."
    return {"kind": "stages", "text": text}


def _quote(text: str) -> str:
    """A statement inside quotation marks, without its closing full stop."""
    return text[:-1] if text.endswith(".") else text


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
