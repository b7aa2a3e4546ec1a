"""The second example site (examples/incident-response): a different staged model on the same engine.

It is served under a subpath, as a GitHub Pages project site is, with the site's
own 404.html for missing pages, as GitHub Pages does.
"""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from paths import EXAMPLE, REPO
from playwright.sync_api import Page, Response, expect
from sitebuild import serve_site

from stageguide.buildtools.staticserver import SiteServer
from stageguide.core import Quiz, score
from stageguide.quizfile import read_quiz

from .quizpage import (
    answer,
    checked_answers,
    expect_result,
    quiz_root,
    submit,
    vector_for_total,
    wait_engine,
)

QUIZ: Quiz = read_quiz(EXAMPLE / "quiz" / "incident-response.yml")
PREFIX = "/incident-guide/"
# A total inside each stage's band, away from the edges.
STAGE_TOTALS = {stage.id: (stage.low + stage.high) // 2 for stage in QUIZ.stages}


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    running = serve_site(
        EXAMPLE / "mkdocs.yml", tmp_path_factory.mktemp("example") / "site", prefix=PREFIX
    )
    running.not_found_page = True
    yield running
    running.stop()


@pytest.fixture(scope="module")
def example_at_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    """The same site built and served at the root, as a user or organisation site is."""
    running = serve_site(EXAMPLE / "mkdocs.yml", tmp_path_factory.mktemp("example-root") / "site")
    running.not_found_page = True
    yield running
    running.stop()


def test_the_model_differs_from_the_main_quiz() -> None:
    main = read_quiz(REPO / "tests" / "models" / "sales-marketing.yml")
    assert len(QUIZ.statements) != len(main.statements)
    assert len(QUIZ.stages) != len(main.stages)
    assert [p.value for p in QUIZ.scale] != [p.value for p in main.scale]
    assert not QUIZ.groups


@pytest.mark.parametrize("stage_id", list(STAGE_TOTALS))
def test_clicking_through_the_example_quiz_gives_the_cpython_result(
    page: Page, example: SiteServer, stage_id: str
) -> None:
    answers = vector_for_total(STAGE_TOTALS[stage_id], QUIZ)
    expected = score(QUIZ, answers)
    assert expected.stage.id == stage_id
    page.goto(example.url + "quiz/")
    expect(page.locator("h1")).to_contain_text("Take the quiz")
    expect(page.locator("input[name='sg-group']")).to_have_count(0)  # this model has no groups
    answer(page, answers, QUIZ)
    expect(page.locator("[data-sg-progress]")).to_have_text(
        f"{len(answers)} of {len(answers)} answered"
    )
    submit(page)
    expect_result(page, expected, QUIZ)


def test_example_share_link_round_trip(page: Page, example: SiteServer) -> None:
    answers = vector_for_total(27, QUIZ)
    page.goto(example.url + "quiz/")
    answer(page, answers, QUIZ)
    submit(page)
    link = page.locator(".sg-share input").input_value()
    assert link == page.url and link.startswith(example.url + "quiz/#a=incident-response.")
    other = page.context.new_page()
    other.goto(link)
    result = other.locator("[data-quiz-result]")
    expect(result).to_have_attribute("data-total", "27", timeout=60_000)
    expect(result).to_have_attribute("data-stage", score(QUIZ, answers).stage.id)
    assert checked_answers(other, QUIZ) == answers
    other.close()


def test_example_on_a_phone(page: Page, example: SiteServer) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(example.url + "quiz/")
    answers = vector_for_total(35, QUIZ)
    answer(page, answers, QUIZ)
    expect(submit(page)).to_have_attribute("data-stage", "resilient")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"page scrolls sideways by {overflow}px"
    box = page.locator("label.sg-option").first.bounding_box()
    assert box is not None and box["height"] >= 44, box


def test_instant_navigation_reaches_the_quiz_under_the_subpath(
    page: Page, example: SiteServer
) -> None:
    page.goto(example.url)
    page.evaluate("window.__sameDocument = true")
    page.locator(".md-content a[href$='quiz/']").first.click()
    expect(page).to_have_url(re.compile(r"/incident-guide/quiz/$"))
    wait_engine(page)
    expect(quiz_root(page)).to_have_attribute("data-engine", "ready")
    assert page.evaluate("window.__sameDocument") is True, (
        "the quiz link should be followed by instant navigation"
    )
    paths = [
        entry.removeprefix("HEAD ") for entry in example.log
    ]  # the worker asks HEAD first, for the wasm
    assert all(path.startswith(PREFIX) for path in paths), [
        p for p in paths if not p.startswith(PREFIX)
    ]


@pytest.mark.parametrize(
    ("where", "missing"),
    [
        ("example", "no-such-page/"),
        ("example", "stages/no-such-stage/"),
        ("example", "deep/a/b/c.html"),
        ("example_at_root", "deep/a/b/"),
    ],
)
def test_missing_pages_get_the_styled_404_page(
    page: Page, request: pytest.FixtureRequest, where: str, missing: str
) -> None:
    site: SiteServer = request.getfixturevalue(where)
    failed: list[str] = []

    def on_response(response: Response) -> None:
        if response.status >= 400 and response.url != site.url + missing:
            failed.append(f"{response.status} {response.url}")

    page.on("response", on_response)
    # Chromium reports the page's own 404 status on the console; that one is expected.
    page.expected_problems = ["status of 404"]  # type: ignore[attr-defined]
    response = page.goto(site.url + missing)
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("404 - Not found")
    expect(page).to_have_title(re.compile("Incident Response Stage Guide"))
    # Styled: Material's stylesheet and the site's palette apply, as on every other page.
    header = page.locator("header.md-header")
    style = "e => [getComputedStyle(e).position, getComputedStyle(e).backgroundColor]"
    styled = header.evaluate(style)
    assert styled[0] == "sticky" and styled[1] not in ("rgba(0, 0, 0, 0)", "transparent"), styled
    base = site.prefix
    stylesheets = page.evaluate("[...document.styleSheets].map(s => s.href).filter(Boolean)")
    assert any(f"{base}assets/stylesheets/main." in href for href in stylesheets), stylesheets
    assert not failed, failed
    # The header's home link leads back into the site, under its subpath if it has one.
    page.locator("a.md-header__button.md-logo").click()
    expect(page).to_have_url(site.url)
    expect(page.locator("h1")).to_contain_text("How well does your team handle incidents?")
    assert header.evaluate(style) == styled, "the 404 page should look like the rest of the site"
    assert not failed, failed


def test_the_404_page_is_not_served_for_files_that_exist(example: SiteServer) -> None:
    with urllib.request.urlopen(example.url + "stages/reactive/") as reply:
        assert reply.status == 200
        assert "Reactive" in reply.read().decode("utf-8")
    assert Path(example.root / "404.html").is_file()
