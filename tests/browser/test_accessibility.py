"""axe-core on the main pages, and the quiz done with the keyboard alone."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from stageguide.buildtools.staticserver import SiteServer
from stageguide.core import encode, score

from .quizpage import QUIZ, vector_for_total, wait_engine

# Written around this repository's sample (its stages, groups and figures): skipped in a site
# that has replaced it (tests/sitecontent.py); test_example_site.py drives any other model.
pytestmark = pytest.mark.sample

BLOCKING = {"serious", "critical"}


def _violations(page: Page) -> list[str]:
    response = Axe().run(page).response
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in response["violations"]
        if v.get("impact") in BLOCKING
    ]


@pytest.mark.parametrize("path", ["", "stages/aligned/", "moving-between-stages/", "team/"])
def test_guide_pages_have_no_serious_violations(page: Page, server: SiteServer, path: str) -> None:
    page.goto(server.url + path)
    found = _violations(page)
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_quiz_page_with_a_result_has_no_serious_violations(
    page: Page, server: SiteServer, scheme: str
) -> None:
    page.emulate_media(color_scheme="dark" if scheme == "slate" else "light")
    page.goto(server.url + "quiz/#a=" + encode(QUIZ, vector_for_total(66)))
    expect(page.locator("[data-quiz-result]")).to_be_visible(timeout=60_000)
    found = _violations(page)
    assert found == [], "\n".join(found)


def test_the_quiz_can_be_taken_with_the_keyboard_alone(page: Page, server: SiteServer) -> None:
    page.goto(server.url + "quiz/")
    wait_engine(page)
    page.locator(f"input[name='{QUIZ.statements[0].id}']").first.focus()
    for index, statement in enumerate(QUIZ.statements):
        # In a radio group, Space picks the focused option and arrows move (and pick) within it.
        page.keyboard.press("Space")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        assert page.evaluate("document.activeElement.name") == statement.id
        if index + 1 < len(QUIZ.statements):
            page.keyboard.press("Tab")
    answers = [QUIZ.scale[2].value] * len(QUIZ.statements)
    expect(page.locator("[data-sg-progress]")).to_have_text(
        f"{len(answers)} of {len(answers)} answered"
    )
    page.keyboard.press("Tab")
    expect(page.locator("[data-sg-submit]")).to_be_focused()
    page.keyboard.press("Enter")
    result = page.locator("[data-quiz-result]")
    expect(result).to_have_attribute("data-total", str(score(QUIZ, answers).total), timeout=60_000)
