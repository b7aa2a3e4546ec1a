"""The team report: how a whole team, and each function within it, rates the relationship.

`team_report` turns a `Roster` (see `csvimport`) into plain JSON-ready data shared by
the page, the command line and the parity tests. Means and spreads are computed
exactly (fractions of whole numbers) and rounded only on the way out, so CPython and
Pyodide agree to the last digit and ties are real ties, broken by the quiz's order.

Shape (numbers rounded to 2 decimals)::

    quiz {id, version, title}   source "csv" | "codes"   count
    scale {min, max}   lowest_total   highest_total
    groups [{id, title, count}]          quiz groups present, then id null "No group given"
    respondents [{number, label, name, group, where, code, total, stage {id, title}, dimensions [mean…]}]
    total {mean, min, max, range, spread}
    stages [{id, title, min, max, count}]
    dimensions [{id, title, mean, spread, groups [{id, title, count, mean}], gap}]
    statements [{number, id, dimension, text, mean, spread, min, max, groups […], gap}]
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
from .scoring import score

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
    """Figures for one set of whole-number values per respondent, each `per` answers wide."""

    mean: Fraction
    variance: Fraction
    low: int
    high: int

    @classmethod
    def of(cls, values: Sequence[int], per: int = 1) -> _Spread:
        count, total = len(values), sum(values)
        squares = sum(v * v for v in values)
        variance = Fraction(count * squares - total * total, count * count * per * per)
        return cls(Fraction(total, count * per), variance, min(values), max(values))

    @property
    def deviation(self) -> float:
        return math.sqrt(float(self.variance))


def team_report(quiz: Quiz, roster: Roster) -> dict[str, Any]:
    """Everything the team page shows, as plain data (see the module docstring for the shape)."""
    people = roster.respondents
    if not people:
        raise AnswerError("a team report needs at least one respondent")
    results = [score(quiz, person.answers) for person in people]
    groups = _groups(quiz, roster)
    functions = [group for group in groups if group.id is not None]
    totals = [result.total for result in results]
    total = _Spread.of(totals)

    dimensions = []
    dim_gaps: list[tuple[Fraction, int, _Gap]] = []
    for index, dim in enumerate(quiz.dimensions):
        columns = [n for n, s in enumerate(quiz.statements) if s.dimension == dim.id]
        sums = [sum(person.answers[n] for n in columns) for person in people]
        spread = _Spread.of(sums, len(columns))
        means = {group.id: _Spread.of([sums[m] for m in group.members], len(columns)).mean for group in groups}
        gap = _gap(functions, means)
        if gap is not None:
            dim_gaps.append((gap.points, index, gap))
        dimensions.append(
            {
                "id": dim.id,
                "title": dim.title,
                "mean": _round(spread.mean),
                "spread": _round(spread.deviation),
                "groups": _group_means(groups, means),
                "gap": None if gap is None else gap.to_dict(),
            }
        )

    statements = []
    between: list[tuple[Fraction, int]] = []
    within: list[tuple[Fraction, int]] = []
    for index, statement in enumerate(quiz.statements):
        values = [person.answers[index] for person in people]
        spread = _Spread.of(values)
        means = {group.id: _Spread.of([values[m] for m in group.members]).mean for group in groups}
        gap = _gap(functions, means)
        if gap is not None and gap.points > 0:
            between.append((gap.points, index))
        if spread.variance > 0:
            within.append((spread.variance, index))
        statements.append(
            {
                "number": index + 1,
                "id": statement.id,
                "dimension": statement.dimension,
                "text": statement.text,
                "mean": _round(spread.mean),
                "spread": _round(spread.deviation),
                "min": spread.low,
                "max": spread.high,
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
                "stage": {"id": result.stage.id, "title": result.stage.title},
                "dimensions": [d.mean for d in result.dimensions],
            }
            for number, (person, result) in enumerate(zip(people, results), start=1)
        ],
        "total": {
            "mean": _round(total.mean),
            "min": total.low,
            "max": total.high,
            "range": total.high - total.low,
            "spread": _round(total.deviation),
        },
        "stages": [
            {"id": s.id, "title": s.title, "min": s.low, "max": s.high, "count": sum(1 for r in results if r.stage is s)}
            for s in quiz.stages
        ],
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


def _groups(quiz: Quiz, roster: Roster) -> list[_Group]:
    """The quiz's groups that have respondents, in the quiz's order, then those who gave none."""
    members: dict[str | None, list[int]] = {}
    for index, person in enumerate(roster.respondents):
        members.setdefault(person.group, []).append(index)
    groups = [_Group(g.id, g.title, tuple(members[g.id])) for g in quiz.groups if g.id in members]
    if None in members:
        groups.append(_Group(None, NO_GROUP, tuple(members[None])))
    return groups


def _gap(functions: list[_Group], means: dict[str | None, Fraction]) -> _Gap | None:
    """The two groups whose means differ most; on a tie the earlier pair in the quiz's order."""
    best: _Gap | None = None
    for i, first in enumerate(functions):
        for second in functions[i + 1 :]:
            a, b = means[first.id], means[second.id]
            gap = _Gap(first, second, a, b) if a >= b else _Gap(second, first, b, a)
            if best is None or gap.points > best.points:
                best = gap
    return best


def _group_means(groups: list[_Group], means: dict[str | None, Fraction]) -> list[dict[str, Any]]:
    return [{"id": g.id, "title": g.title, "count": len(g.members), "mean": _round(means[g.id])} for g in groups]


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
    """The three things a facilitator should say first, in plain words."""
    scale = f"on the {quiz.scale_min}–{quiz.scale_max} scale"
    found: list[dict[str, str]] = []
    if dim_gaps:
        points, index, gap = dim_gaps[0]
        title = quiz.dimensions[index].title
        if points >= NOTABLE:
            found.append({
                "kind": "dimension-gap",
                "text": f"{gap.low.title} rates {title} {_one(points)} points lower than {gap.high.title} does "
                f"({_one(gap.low_mean)} against {_one(gap.high_mean)} {scale}).",
            })
        else:
            names = _join([group.title for group in functions])
            found.append({
                "kind": "agreement",
                "text": f"{names} see every dimension much the same way: no gap between their means is larger than "
                f"{_one(points)} points {scale}.",
            })
    if between and between[0][0] >= NOTABLE:
        statement = report["statements"][between[0][1]]
        gap = statement["gap"]
        found.append({
            "kind": "statement-gap",
            "text": f"The widest split between functions is on “{_quote(statement['text'])}”: {gap['low']['title']} averages "
            f"{_one(gap['low']['mean'])} and {gap['high']['title']} {_one(gap['high']['mean'])}.",
        })
    if within:
        statement = report["statements"][within[0][1]]
        whatever = ", whatever their function" if functions else ""
        found.append({
            "kind": "spread",
            "text": f"Answers differ most on “{_quote(statement['text'])}”: from {statement['min']} to {statement['max']}, "
            f"a spread of {_one(statement['spread'])} points, so people see this differently{whatever}.",
        })
    found.append(_stage_finding(report))
    dims = report["dimensions"]
    weakest = min(dims, key=lambda d: d["mean"])
    strongest = max(dims, key=lambda d: d["mean"])
    also = f", and {strongest['title']} highest at {_one(strongest['mean'])}" if strongest is not weakest else ""
    found.append({"kind": "weakest", "text": f"The team rates {weakest['title']} lowest, at {_one(weakest['mean'])} {scale}{also}."})
    return found[:3]


def _stage_finding(report: dict[str, Any]) -> dict[str, str]:
    count, total = report["count"], report["total"]
    used = [s for s in report["stages"] if s["count"]]
    if count == 1:
        text = f"The one respondent places the relationship at the {used[0]['title']} stage (total {total['min']} of {report['highest_total']})."
    elif len(used) == 1:
        text = f"All {count} respondents place the relationship at the {used[0]['title']} stage (totals {total['min']} to {total['max']})."
    else:
        parts = _join([f"{s['count']} at {s['title']}" for s in used])
        text = (
            f"Respondents place the relationship in {len(used)} different stages: {parts}. "
            f"Totals run from {total['min']} to {total['max']} (mean {_one(total['mean'])})."
        )
    return {"kind": "stages", "text": text}


def _quote(text: str) -> str:
    """A statement inside quotation marks, without its closing full stop."""
    return text[:-1] if text.endswith(".") else text


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
