"""The pages `python build.py bench` measures come from the site's quiz and nav, for any model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from paths import MKDOCS_YML, REPO

from stageguide.buildtools.bench.pages import find_pages, page_url
from stageguide.buildtools.errors import BuildError
from stageguide.quizfile import read_quiz
from stageguide.sitestep.render import QUIZ_MARKER

EXAMPLE = REPO / "examples" / "incident-response"
EXAMPLE_QUIZ = EXAMPLE / "quiz" / "incident-response.yml"


@pytest.mark.parametrize("config", [MKDOCS_YML, EXAMPLE / "mkdocs.yml"], ids=["site", "example"])
def test_the_bench_measures_the_first_stage_page_and_the_page_with_the_quiz(config: Path) -> None:
    pages = find_pages(config)
    docs = config.parent / "docs"
    assert QUIZ_MARKER in (docs / pages.quiz_source).read_text(encoding="utf-8")
    assert pages.guide_source == pages.quiz.stages[0].page
    assert (docs / pages.guide_source).is_file()
    assert pages.guide_url == pages.guide_source.removesuffix(".md") + "/"
    assert pages.home_url == ""


def test_the_example_model_gives_its_own_pages() -> None:
    pages = find_pages(EXAMPLE / "mkdocs.yml")
    assert pages.quiz.id == "incident-response"
    assert (pages.quiz_url, pages.guide_url) == ("quiz/", "stages/reactive/")


def _site(folder: Path, nav: list[object], pages: dict[str, str], **extra: object) -> Path:
    """A minimal site on the example quiz: its pages (source: text) and mkdocs.yml (JSON is YAML)."""
    docs = folder / "docs"
    for source, text in pages.items():
        (docs / source).parent.mkdir(parents=True, exist_ok=True)
        (docs / source).write_text(text, encoding="utf-8")
    config = folder / "mkdocs.yml"
    plugins = ["search", {"stageguide": {"quiz": str(EXAMPLE_QUIZ)}}]
    config.write_text(
        json.dumps({"site_name": "Fork", "nav": nav, "plugins": plugins, **extra}),
        encoding="utf-8",
    )
    return config


def test_without_stage_pages_the_guide_page_is_the_first_nav_page_besides_home_and_quiz(
    tmp_path: Path,
) -> None:
    config = _site(
        tmp_path,
        [{"Home": "index.md"}, {"Quiz": "take/quiz.md"}, {"Team": "team.md"}, "about/index.md"],
        {
            "index.md": "# Home\n",
            "take/quiz.md": f"# Quiz\n\n{QUIZ_MARKER}\n",
            "team.md": "# Team\n\n<!-- stageguide:team -->\n",
            "about/index.md": "# About\n",
        },
    )
    pages = find_pages(config)
    assert not any((tmp_path / "docs" / s.page).exists() for s in read_quiz(EXAMPLE_QUIZ).stages)
    assert (pages.quiz_url, pages.guide_source, pages.guide_url) == (
        "take/quiz/",
        "about/index.md",
        "about/",
    )


def test_urls_follow_use_directory_urls(tmp_path: Path) -> None:
    config = _site(
        tmp_path,
        ["index.md", "quiz.md", "guide.md"],
        {"index.md": "# Home\n", "quiz.md": QUIZ_MARKER, "guide.md": "# Guide\n"},
        use_directory_urls=False,
    )
    pages = find_pages(config)
    assert (pages.home_url, pages.quiz_url, pages.guide_url) == (
        "index.html",
        "quiz.html",
        "guide.html",
    )
    assert page_url("stages/index.md") == "stages/"


def test_a_site_without_the_quiz_marker_is_a_clear_error(tmp_path: Path) -> None:
    config = _site(
        tmp_path, ["index.md", "guide.md"], {"index.md": "# Home\n", "guide.md": "# G\n"}
    )
    with pytest.raises(BuildError, match="no page holds the quiz marker"):
        find_pages(config)


def test_a_site_with_nothing_but_home_and_quiz_has_no_guide_page_to_measure(tmp_path: Path) -> None:
    config = _site(
        tmp_path, ["index.md", "quiz.md"], {"index.md": "# Home\n", "quiz.md": QUIZ_MARKER}
    )
    with pytest.raises(BuildError, match="no guide page to measure"):
        find_pages(config)
