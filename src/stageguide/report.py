"""Plain-text rendering of results for the terminal."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

from .core import Result

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


def render_team(report: dict[str, Any]) -> str:
    """The team report (the data of `stageguide.core.team.team_report`) as terminal text."""
    scale = report["scale"]
    groups = report["groups"]
    total = report["total"]
    count = report["count"]
    people = ", ".join(f"{g['title']} {g['count']}" for g in groups)
    source = "a CSV file" if report["source"] == "csv" else "share links and codes"
    lines = [
        f"Team report: {report['quiz']['title']}",
        f"{count} respondent{'s' if count != 1 else ''} ({people}), read from {source}",
        "",
    ]
    lines += _headline(report)
    lines += ["", "Findings"]
    lines += _bullets(tuple(f["text"] for f in report["findings"][1:]))
    lines += ["", f"Totals (out of {report['highest_total']})"]
    if total is None:
        lines.append("  nobody judged enough statements to have a total")
    else:
        lines.append(
            f"  mean {total['mean']:.2f}   range {total['min']}-{total['max']} ({total['range']} points)   spread {total['spread']:.2f}"
        )
    unplaced = f", no stage {report['unplaced']}" if report["unplaced"] else ""
    lines += [
        "  stages: " + ", ".join(f"{s['title']} {s['count']}" for s in report["stages"]) + unplaced,
        "",
        f"Dimensions (means on the {scale['min']}-{scale['max']} scale; gap = the two groups furthest apart)",
    ]
    heads = [g["title"] for g in groups] + ["Team", "Gap"]
    rows = [
        [d["title"], *(_num(g["mean"]) for g in d["groups"]), _num(d["mean"]), _gap_text(d["gap"])]
        for d in report["dimensions"]
    ]
    lines += _table(["Dimension", *heads], rows, "l" + "r" * len(heads))
    lines += ["", "Largest disagreement between functions"]
    between = report["disagreements"]["between"]
    if between:
        for s in between:
            means = "  ".join(f"{g['title']} {_num(g['mean'])}" for g in s["groups"])
            lines += _statement(s, f"{means}  gap {_gap_text(s['gap'])}")
    else:
        lines.append(
            "  (needs answers from at least two groups)"
            if sum(1 for g in groups if g["id"]) < 2
            else "  (none: the groups agree)"
        )
    lines += ["", "Largest disagreement within the team (spread of the answers)"]
    within = report["disagreements"]["within"]
    if within:
        for s in within:
            unjudged = f", {s['unjudged']} could not judge it" if s["unjudged"] else ""
            lines += _statement(
                s,
                f"spread {s['spread']:.2f}, answers from {s['min']} to {s['max']}, mean {s['mean']:.2f}{unjudged}",
            )
    else:
        lines.append(
            "  (none: every answer is the same)"
            if count > 1
            else "  (needs at least two respondents)"
        )
    titles = {g["id"]: g["title"] for g in groups}
    lines += ["", "Respondents"]
    lines += _table(
        ["#", "Name", "Group", "Total", "Stage"],
        [
            [
                str(r["number"]),
                r["label"],
                titles[r["group"]],
                _respondent_total(r),
                r["stage"]["title"] if r["stage"] else "none",
            ]
            for r in report["respondents"]
        ],
        "rllrl",
    )
    if report["ignored_columns"]:
        lines += ["", "Ignored columns: " + ", ".join(report["ignored_columns"])]
    if report.get("header_rows"):
        lines += [
            "",
            "Read as part of the header: "
            + "; ".join(f"{r['where']} ({r['message']})" for r in report["header_rows"]),
        ]
    for note in report.get("notes", []):
        lines += ["", f"Note: {note}."]
    lines += [
        "",
        "Team link: add this fragment to the team page's address:",
        "#t=" + ",".join(report["codes"]),
    ]
    return "\n".join(lines)


def _headline(report: dict[str, Any]) -> list[str]:
    """The first finding: each function's mean total and stage, and how many of its people sit in each stage."""
    headline = report["headline"]
    lines = ["Headline", *_bullets([headline["text"]])]
    stages = [s["title"] for s in report["stages"]]
    unplaced = any(row["unplaced"] for row in headline["groups"])
    heads = ["Mean total", "Stage", *stages] + (["No stage"] if unplaced else [])
    rows = []
    for row in headline["groups"]:
        cells = [row["title"], _num(row["mean"]), row["stage"]["title"] if row["stage"] else "none"]
        cells += [str(s["count"]) for s in row["stages"]]
        if unplaced:
            cells.append(str(row["unplaced"]))
        rows.append(cells)
    return lines + _table(["Group", *heads], rows, "l" + "r" + "l" + "r" * (len(heads) - 2))


def _respondent_total(respondent: dict[str, Any]) -> str:
    if respondent["total"] is None:
        return f"- ({respondent['unjudged']} not judged)"
    return f"~{respondent['total']}" if respondent["estimated"] else str(respondent["total"])


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _gap_text(gap: dict[str, Any] | None) -> str:
    if gap is None:
        return "-"
    return f"{gap['points']:.2f} ({gap['high']['title']} higher)" if gap["points"] else "0.00"


def _statement(statement: dict[str, Any], figures: str) -> list[str]:
    indent = " " * (len(str(statement["number"])) + 4)
    text = textwrap.fill(
        f"{statement['number']}. {statement['text']}",
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
            cell.ljust(w) if a == "l" else cell.rjust(w) for cell, w, a in zip(cells, widths, align, strict=False)
        )
        return ("  " + "  ".join(padded)).rstrip()

    return [line(heads), *(line(row) for row in rows)]
