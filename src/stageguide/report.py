"""Plain-text rendering of results for the terminal."""

from __future__ import annotations

import textwrap
from typing import Any

from .core import Result

BAR_WIDTH = 20


def bar(percent: int, width: int = BAR_WIDTH) -> str:
    filled = round(percent / 100 * width)
    return "#" * filled + "." * (width - filled)


def render_result(result: Result, code: str) -> str:
    quiz, stage = result.quiz, result.stage
    lines = [
        f"{quiz.title}",
        "",
        f"Stage:  {stage.title} (totals {stage.low}-{stage.high})",
        f"        {stage.summary}",
        f"Total:  {result.total} of {quiz.highest_total}",
    ]
    upcoming = result.next_stage
    if upcoming is not None:
        points = result.points_to_next
        lines.append(f"        {points} point{'s' if points != 1 else ''} short of {upcoming.title} ({upcoming.low}+)")
    lines += ["", "Dimensions (mean on the scale, and 0-100)"]
    width = max(len(d.dimension.title) for d in result.dimensions)
    for dim in result.dimensions:
        lines.append(f"  {dim.dimension.title:<{width}}  {dim.mean:4.2f}  {bar(dim.percent)} {dim.percent:3d}")
    lines += ["", "Next steps" if upcoming is not None else "Keeping it there"]
    lines += _bullets(stage.advice)
    for dim in result.focus:
        lines += ["", f"Work on {dim.dimension.title} ({dim.percent}/100)"]
        lines += _bullets(dim.dimension.advice)
    lines += ["", f"Share code: {code}"]
    return "\n".join(lines)


def _bullets(items: tuple[str, ...]) -> list[str]:
    return [textwrap.fill(item, width=78, initial_indent="  - ", subsequent_indent="    ") for item in items]


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
        "Findings",
    ]
    lines += _bullets(tuple(f["text"] for f in report["findings"]))
    lines += [
        "",
        f"Totals (out of {report['highest_total']})",
        f"  mean {total['mean']:.2f}   range {total['min']}-{total['max']} ({total['range']} points)   spread {total['spread']:.2f}",
        "  stages: " + ", ".join(f"{s['title']} {s['count']}" for s in report["stages"]),
        "",
        f"Dimensions (means on the {scale['min']}-{scale['max']} scale; gap = the two groups furthest apart)",
    ]
    heads = [g["title"] for g in groups] + ["Team", "Gap"]
    rows = [
        [d["title"], *(f"{g['mean']:.2f}" for g in d["groups"]), f"{d['mean']:.2f}", _gap_text(d["gap"])]
        for d in report["dimensions"]
    ]
    lines += _table(["Dimension", *heads], rows, "l" + "r" * len(heads))
    lines += ["", "Largest disagreement between functions"]
    between = report["disagreements"]["between"]
    if between:
        for s in between:
            means = "  ".join(f"{g['title']} {g['mean']:.2f}" for g in s["groups"])
            lines += _statement(s, f"{means}  gap {_gap_text(s['gap'])}")
    else:
        lines.append("  (needs answers from at least two groups)" if sum(1 for g in groups if g["id"]) < 2 else "  (none: the groups agree)")
    lines += ["", "Largest disagreement within the team (spread of the answers)"]
    within = report["disagreements"]["within"]
    if within:
        for s in within:
            lines += _statement(s, f"spread {s['spread']:.2f}, answers from {s['min']} to {s['max']}, mean {s['mean']:.2f}")
    else:
        lines.append("  (none: every answer is the same)" if count > 1 else "  (needs at least two respondents)")
    titles = {g["id"]: g["title"] for g in groups}
    lines += ["", "Respondents"]
    lines += _table(
        ["#", "Name", "Group", "Total", "Stage"],
        [[str(r["number"]), r["label"], titles[r["group"]], str(r["total"]), r["stage"]["title"]] for r in report["respondents"]],
        "rllrl",
    )
    if report["ignored_columns"]:
        lines += ["", "Ignored columns: " + ", ".join(report["ignored_columns"])]
    if report.get("header_rows"):
        lines += ["", "Read as part of the header: " + "; ".join(f"{r['where']} ({r['message']})" for r in report["header_rows"])]
    for note in report.get("notes", []):
        lines += ["", f"Note: {note}."]
    lines += ["", "Team link: add this fragment to the team page's address:", "#t=" + ",".join(report["codes"])]
    return "\n".join(lines)


def _gap_text(gap: dict[str, Any] | None) -> str:
    if gap is None:
        return "-"
    return f"{gap['points']:.2f} ({gap['high']['title']} higher)" if gap["points"] else "0.00"


def _statement(statement: dict[str, Any], figures: str) -> list[str]:
    indent = " " * (len(str(statement["number"])) + 4)
    text = textwrap.fill(f"{statement['number']}. {statement['text']}", width=78, initial_indent="  ", subsequent_indent=indent)
    return [text, indent + figures]


def _table(heads: list[str], rows: list[list[str]], align: str) -> list[str]:
    """Columns padded to their widest cell; `align` has one "l" or "r" per column."""
    widths = [max(len(cell) for cell in column) for column in zip(heads, *rows)]

    def line(cells: list[str]) -> str:
        padded = (cell.ljust(w) if a == "l" else cell.rjust(w) for cell, w, a in zip(cells, widths, align))
        return ("  " + "  ".join(padded)).rstrip()

    return [line(heads), *(line(row) for row in rows)]
