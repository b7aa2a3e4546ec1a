"""Which pages of a site the bench measures, read from its quiz and its mkdocs.yml, never assumed.

A fork with another model has other stage pages (or none), so the pages come from
the site itself: the quiz page is the page that holds the quiz marker; the guide
page is the first stage's page in the quiz, or else the first page in the nav that is
neither the home page nor an engine page (quiz or team).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...core import Quiz
from ...quizfile import read_quiz
from ..errors import BuildError
from ..sitebuild import read_config, site_config

HOME_SOURCE = "index.md"


@dataclass(frozen=True)
class SitePages:
    """The pages of one site the bench visits: sources (relative to docs/) and URLs (relative to the site)."""

    quiz: Quiz
    quiz_source: str
    guide_source: str
    directory_urls: bool

    @property
    def home_url(self) -> str:
        return page_url(HOME_SOURCE, self.directory_urls)

    @property
    def quiz_url(self) -> str:
        return page_url(self.quiz_source, self.directory_urls)

    @property
    def guide_url(self) -> str:
        return page_url(self.guide_source, self.directory_urls)


def find_pages(config: Path) -> SitePages:
    """The quiz, its page and a guide page of the site config builds."""
    from ...sitestep.render import QUIZ_MARKER  # the site step (jinja2) only once a bench runs

    data = read_config(config)  # as written, for its nav
    site = site_config(config)
    docs = site.docs_dir
    quiz = read_quiz(site.quiz_file)
    sources = list(dict.fromkeys([*_nav_sources(data.get("nav")), *_all_sources(docs)]))
    engine_pages = {source: _markers(docs / source) for source in sources}
    quiz_pages = [source for source, markers in engine_pages.items() if QUIZ_MARKER in markers]
    if not quiz_pages:
        raise BuildError(f"{docs}: no page holds the quiz marker {QUIZ_MARKER}")
    stage_pages = [stage.page for stage in quiz.stages if (docs / stage.page).is_file()]
    guide_pages = stage_pages or [
        source
        for source in _nav_sources(data.get("nav"))
        if source != HOME_SOURCE and not engine_pages.get(source) and (docs / source).is_file()
    ]
    if not guide_pages:
        raise BuildError(
            f"{config}: no guide page to measure (no stage page of the quiz in {docs}, "
            "and no page in the nav besides the home page and the quiz)"
        )
    return SitePages(
        quiz=quiz,
        quiz_source=quiz_pages[0],
        guide_source=guide_pages[0],
        directory_urls=bool(data.get("use_directory_urls", True)),
    )


def page_url(source: str, directory_urls: bool = True) -> str:
    """The site-relative URL mkdocs gives the page source (as `use_directory_urls` says)."""
    stem = source.removesuffix(".md")
    if not directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def _nav_sources(nav: Any) -> Iterator[str]:
    """The Markdown files the nav names, in its order (links to elsewhere are passed over)."""
    if isinstance(nav, str):
        if nav.endswith(".md") and "://" not in nav:
            yield nav
    elif isinstance(nav, list):
        for item in nav:
            yield from _nav_sources(item)
    elif isinstance(nav, dict):
        for value in nav.values():
            yield from _nav_sources(value)


def _all_sources(docs: Path) -> list[str]:
    return sorted(path.relative_to(docs).as_posix() for path in docs.rglob("*.md"))


def _markers(page: Path) -> set[str]:
    """Which engine markers the page holds (none for a page that is missing)."""
    from ...sitestep.render import QUIZ_MARKER, TEAM_MARKER

    try:
        text = page.read_text(encoding="utf-8")
    except OSError:
        return set()
    return {marker for marker in (QUIZ_MARKER, TEAM_MARKER) if marker in text}
