"""Plain-text rendering of results for the terminal."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from fractions import Fraction

from .core import Result
from .core.spread import rounded
from .core.teamreport import Gap, StatementSummary, TeamReport

BAR_WIDTH = 20


def bar(percent: int, width: int = BAR_WIDTH) -> str:
    filled = round(percent / 100 * width)
    return "#" * filled + "." * (width - filled)


def render_result(result: Result, code: str) -> str:
    quiz, stage = result.quiz, result.stage
    lines = [f"{quiz.title}", ""]
    count = len(quiz.statements)
    if stage is None or result.total is None:
        lines += ["Stage:  none", *_wrapped(result.no_stage_reason or "", "        ")]
    else:
        lines += [
            f"Stage:  {stage.title} (totals {stage.low}-{stage.high})",
            f"        {stage.summary}",
            f"Total:  {result.total} of {quiz.highest_total}"
            + (
                f" (estimated: {result.unjudged} of {count} statements not judged)"
                if result.estimated
                else ""
            ),
        ]
    upcoming = result.next_stage
    if upcoming is not None:
        points = result.points_to_next
        lines.append(
            f"        {points} point{'s' if points != 1 else ''} short of {upcoming.title} ({upcoming.low}+)"
        )
    lines += ["", "Dimensions (mean on the scale, and 0-100)"]
    width = max(len(d.dimension.title) for d in result.dimensions)
    for dim in result.dimensions:
        if dim.percent is None or dim.mean is None:
            lines.append(f"  {dim.dimension.title:<{width}}  not judged")
        else:
            lines.append(
                f"  {dim.dimension.title:<{width}}  {dim.mean:4.2f}  {bar(dim.percent)} {dim.percent:3d}"
            )
    if stage is not None:
        lines += ["", "Next steps" if upcoming is not None else "Keeping it there"]
        lines += _bullets(stage.advice)
        for dim, actions in result.focus_actions():
            lines += ["", f"Work on {dim.dimension.title} ({dim.percent}/100)"]
            lines += _bullets(actions)
    if result.low:
        lines += ["", "What pulled your score down"]
        for item in result.low:
            lines += _wrapped(f"{item.number}. {item.statement.text}", "  ", "     ")
            lines += _wrapped(
                f"You answered {item.value} ({item.label}).{' ' + item.statement.why if item.statement.why else ''}",
                "     ",
            )
        if stage is not None:
            lines.append(f"     More in the guide: {stage.page}")
    lines += ["", f"Share code: {code}"]
    return "\n".join(lines)


def _wrapped(text: str, indent: str, subsequent: str | None = None) -> list[str]:
    later = indent if subsequent is None else subsequent
    return textwrap.wrap(text, width=78, initial_indent=indent, subsequent_indent=later) or [
        indent.rstrip()
    ]


def _bullets(items: Sequence[str]) -> list[str]:
    return [
        textwrap.fill(item, width=78, initial_indent="  - ", subsequent_indent="    ")
        for item in items
    ]


def render_team(report: TeamReport) -> str:
    """The team report (what `stageguide.core.team.team_report` builds) as terminal text."""
    quiz, groups, total, count = report.quiz, report.groups, report.total, report.count
    people = ", ".join(f"{g.title} {g.count}" for g in groups)
    source = "a CSV file" if report.roster.source == "csv" else "share links and codes"
    lines = [
        f"Team report: {quiz.title}",
        f"{count} respondent{'s' if count != 1 else ''} ({people}), read from {source}",
        "",
    ]
    lines += _headline(report)
    lines += ["", "Findings"]
    lines += _bullets(tuple(f.text for f in report.findings[1:]))
    lines += ["", f"Totals (out of {quiz.highest_total})"]
    if total is None:
        lines.append("  nobody judged enough statements to have a total")
    else:
        low, high = int(total.low), int(total.high)
        lines.append(
            f"  mean {_num(total.mean)}   range {low}-{high} ({high - low} points)"
            f"   spread {_num(total.deviation)}"
        )
    unplaced = f", no stage {report.unplaced}" if report.unplaced else ""
    lines += [
        "  stages: " + ", ".join(f"{s.stage.title} {s.count}" for s in report.stages) + unplaced,
        "",
        f"Dimensions (means on the {quiz.scale_min}-{quiz.scale_max} scale;"
        " gap = the two groups furthest apart)",
    ]
    heads = [g.title for g in groups] + ["Team", "Gap"]
    rows = [
        [
            d.dimension.title,
            *(_num(g.mean) for g in d.groups),
            _num(d.mean),
            _gap_text(d.gap),
        ]
        for d in report.dimensions
    ]
    lines += _table(["Dimension", *heads], rows, "l" + "r" * len(heads))
    lines += ["", "Largest disagreement between functions"]
    if report.between:
        for s in report.between:
            means = "  ".join(f"{g.group.title} {_num(g.mean)}" for g in s.groups)
            lines += _statement(s, f"{means}  gap {_gap_text(s.gap)}")
    else:
        lines.append(
            "  (needs answers from at least two groups)"
            if len(report.functions) < 2
            else "  (none: the groups agree)"
        )
    lines += ["", "Largest disagreement within the team (spread of the answers)"]
    if report.within:
        for s in report.within:
            lines += _statement(s, _within_figures(s))
    else:
        lines.append(
            "  (none: every answer is the same)"
            if count > 1
            else "  (needs at least two respondents)"
        )
    titles = {g.id: g.title for g in groups}
    lines += ["", "Respondents"]
    lines += _table(
        ["#", "Name", "Group", "Total", "Stage"],
        [
            [
                str(r.number),
                r.label,
                titles[r.respondent.group],
                _respondent_total(r.result),
                r.result.stage.title if r.result.stage else "none",
            ]
            for r in report.respondents
        ],
        "rllrl",
    )
    roster = report.roster
    if roster.ignored_columns:
        lines += ["", "Ignored columns: " + ", ".join(roster.ignored_columns)]
    if roster.header_rows:
        lines += [
            "",
            "Read as part of the header: "
            + "; ".join(f"{r.where} ({r.message})" for r in roster.header_rows),
        ]
    for note in roster.notes:
        lines += ["", f"Note: {note}."]
    lines += [
        "",
        "Team link: add this fragment to the team page's address:",
        "#t=" + ",".join(report.codes),
    ]
    return "\n".join(lines)


def _headline(report: TeamReport) -> list[str]:
    """The first finding: each function's mean total and stage, and how many of its people sit in each stage."""
    headline = report.headline
    lines = ["Headline", *_bullets([headline.text])]
    stages = [s.stage.title for s in report.stages]
    unplaced = any(row.unplaced for row in headline.rows)
    heads = ["Mean total", "Stage", *stages] + (["No stage"] if unplaced else [])
    rows = []
    for row in headline.rows:
        cells = [row.group.title, _num(row.mean), row.stage.title if row.stage else "none"]
        cells += [str(s.count) for s in row.stages]
        if unplaced:
            cells.append(str(row.unplaced))
        rows.append(cells)
    return lines + _table(["Group", *heads], rows, "l" + "r" + "l" + "r" * (len(heads) - 2))


def _within_figures(statement: StatementSummary) -> str:
    spread = statement.spread
    assert spread is not None  # only judged statements are ranked by their spread
    unjudged = f", {statement.unjudged} could not judge it" if statement.unjudged else ""
    return (
        f"spread {_num(spread.deviation)}, answers from {int(spread.low)} to {int(spread.high)},"
        f" mean {_num(spread.mean)}{unjudged}"
    )


def _respondent_total(result: Result) -> str:
    if result.total is None:
        return f"- ({result.unjudged} not judged)"
    return f"~{result.total}" if result.estimated else str(result.total)


def _num(value: Fraction | float | None) -> str:
    """A figure to 2 decimals, rounded once from its exact value, as on the page."""
    return "-" if value is None else f"{rounded(value):.2f}"


def _gap_text(gap: Gap | None) -> str:
    if gap is None:
        return "-"
    return f"{_num(gap.points)} ({gap.high.title} higher)" if gap.points else "0.00"


def _statement(statement: StatementSummary, figures: str) -> list[str]:
    number = statement.number
    indent = " " * (len(str(number)) + 4)
    text = textwrap.fill(
        f"{number}. {statement.statement.text}",
        width=78,
        initial_indent="  ",
        subsequent_indent=indent,
    )
    return [text, indent + figures]


def _table(heads: list[str], rows: list[list[str]], align: str) -> list[str]:
    """Columns padded to their widest cell; `align` has one "l" or "r" per column."""
    widths = [max(len(cell) for cell in column) for column in zip(heads, *rows, strict=False)]

    def line(cells: list[str]) -> str:
        padded = (
            cell.ljust(w) if a == "l" else cell.rjust(w)
            for cell, w, a in zip(cells, widths, align, strict=False)
        )
        return ("  " + "  ".join(padded)).rstrip()

    return [line(heads), *(line(row) for row in rows)]
