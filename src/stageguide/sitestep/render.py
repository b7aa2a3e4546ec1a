"""Render the quiz form into a page with a Jinja2 template that escapes by default."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ..core import Quiz
from ..core.limits import describe_size

QUIZ_MARKER = "<!-- stageguide:quiz -->"
TEAM_MARKER = "<!-- stageguide:team -->"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("stageguide", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["size"] = describe_size  # "2 MB", worded as the core's own messages
    return env


def render_quiz(quiz: Quiz, settings: dict[str, Any]) -> str:
    """The quiz form as static HTML, with the browser's settings as inert JSON inside it."""
    template = environment().get_template("quiz.html")
    return template.render(quiz=quiz, settings=settings)


def render_team(quiz: Quiz, settings: dict[str, Any]) -> str:
    """The team report's input form; the report itself is built in the browser from the core's data."""
    template = environment().get_template("team.html")
    return template.render(quiz=quiz, settings=settings)
