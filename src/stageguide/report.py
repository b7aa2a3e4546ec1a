"""Plain-text rendering of results for the terminal."""

from __future__ import annotations

import textwrap

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
