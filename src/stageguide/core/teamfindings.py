"""The team report in words: the headline and the findings a facilitator should say next.

Every sentence is worked out from the report's typed objects with their exact figures,
and a figure is rounded once, as it is written (one decimal in a finding, up to two in
the headline).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # types only: the report module imports this one for its words
    from .teamreport import HeadlineRow, StatementSummary, TeamReport

NOTABLE = Fraction(1, 2)  # a gap between functions smaller than this is "much the same"
FINDING_COUNT = 3  # findings after the headline

FindingKind = Literal[
    "headline", "dimension-gap", "agreement", "statement-gap", "spread", "stages", "weakest"
]


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text}


def headline_text(rows: Sequence[HeadlineRow]) -> str:
    """Each group's stage and mean total in one sentence, functions in the quiz's order."""
    placed = [row for row in rows if row.stage is not None and row.mean is not None]
    if not placed:
        return "Nobody judged enough statements to be placed in a stage."
    if len(rows) == 1 and not rows[0].group.is_function:
        return f"The team places the relationship at {_at(placed[0])}."
    parts = []
    for number, row in enumerate(placed):
        who = row.group.title if row.group.is_function else "those who gave no function"
        if number == 0:
            verb = "places" if row.group.is_function else "place"
            parts.append(f"{who[0].upper()}{who[1:]} {verb} the relationship at {_at(row)}")
        else:
            parts.append(f"{who} at {_at(row)}")
    return "; ".join(parts) + "."


def findings(report: TeamReport) -> tuple[Finding, ...]:
    """The headline, then the first three of: the widest gap between functions on a dimension
    (or that they agree), the widest split on a statement, the widest spread within the team,
    where the team stands, and its weakest dimension."""
    candidates = [
        _dimension_gap(report),
        _statement_gap(report),
        _spread(report),
        Finding("stages", _stages(report)),
        _weakest(report),
    ]
    found = [finding for finding in candidates if finding is not None]
    return (Finding("headline", report.headline.text), *found[:FINDING_COUNT])


def _dimension_gap(report: TeamReport) -> Finding | None:
    gapped = [(d, d.gap) for d in report.dimensions if d.gap is not None]
    if not gapped:
        return None
    widest, gap = max(gapped, key=lambda pair: pair[1].points)
    scale = _scale(report)
    if gap.points >= NOTABLE:
        return Finding(
            "dimension-gap",
            f"{gap.low.title} rates {widest.dimension.title} {_one(gap.points)} points lower than "
            f"{gap.high.title} does ({_one(gap.low_mean)} against {_one(gap.high_mean)} {scale}).",
        )
    names = _join([group.title for group in report.functions])
    return Finding(
        "agreement",
        f"{names} see every dimension much the same way: no gap between their means is larger "
        f"than {_one(gap.points)} points {scale}.",
    )


def _statement_gap(report: TeamReport) -> Finding | None:
    if not report.between:
        return None
    statement = report.between[0]
    gap = statement.gap
    if gap is None or gap.points < NOTABLE:
        return None
    return Finding(
        "statement-gap",
        f"The widest split between functions is on “{_quote(statement)}”: {gap.low.title} "
        f"averages {_one(gap.low_mean)} and {gap.high.title} {_one(gap.high_mean)}.",
    )


def _spread(report: TeamReport) -> Finding | None:
    if not report.within:
        return None
    statement = report.within[0]
    spread = statement.spread
    assert spread is not None  # only judged statements are ranked
    whatever = ", whatever their function" if report.functions else ""
    return Finding(
        "spread",
        f"Answers differ most on “{_quote(statement)}”: from {int(spread.low)} to "
        f"{int(spread.high)}, a spread of {_one(spread.deviation)} points, so people see this "
        f"differently{whatever}.",
    )


def _stages(report: TeamReport) -> str:
    placed, unplaced, total = report.placed, report.unplaced, report.total
    used = [s for s in report.stages if s.count]
    if not placed or total is None:
        return (
            "No respondent judged enough statements to be placed in a stage "
            f"({unplaced} could not be placed)."
        )
    if placed == 1:
        text = (
            f"The one respondent places the relationship at the {used[0].stage.title} stage "
            f"(total {int(total.low)} of {report.quiz.highest_total})."
        )
    elif len(used) == 1:
        text = (
            f"All {placed} respondents place the relationship at the {used[0].stage.title} stage "
            f"(totals {int(total.low)} to {int(total.high)})."
        )
    else:
        parts = _join([f"{s.count} at {s.stage.title}" for s in used])
        text = (
            f"Respondents place the relationship in {len(used)} different stages: {parts}. "
            f"Totals run from {int(total.low)} to {int(total.high)} (mean {_one(total.mean)})."
        )
    if unplaced:
        text += f" {unplaced} more marked too many statements as not judged to be placed."
    return text


def _weakest(report: TeamReport) -> Finding | None:
    judged = [(d.mean, d) for d in report.dimensions if d.mean is not None]
    if not judged:
        return None
    weakest = min(judged, key=lambda pair: pair[0])
    strongest = max(judged, key=lambda pair: pair[0])
    also = (
        f", and {strongest[1].dimension.title} highest at {_one(strongest[0])}"
        if strongest[1] is not weakest[1]
        else ""
    )
    return Finding(
        "weakest",
        f"The team rates {weakest[1].dimension.title} lowest, at {_one(weakest[0])} "
        f"{_scale(report)}{also}.",
    )


def _at(row: HeadlineRow) -> str:
    assert row.stage is not None and row.mean is not None
    return f"{row.stage.title} (mean {_short(row.mean)})"


def _scale(report: TeamReport) -> str:
    return f"on the {report.quiz.scale_min}–{report.quiz.scale_max} scale"


def _short(value: Fraction) -> str:
    """A mean as people say it: 50, not 50.0; 52.5 stays 52.5."""
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


def _one(value: Fraction | float) -> str:
    return f"{float(value):.1f}"


def _quote(statement: StatementSummary) -> str:
    """A statement inside quotation marks, without its closing full stop."""
    text = statement.statement.text
    return text[:-1] if text.endswith(".") else text


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
