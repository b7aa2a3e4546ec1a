"""A share link never replaces the visitor's own answers (issue 17, item 1).

A link's answers are viewed apart from the saved ones: the form shows them read-only,
clicks are refused with a pointer to the two explicit choices, and only "Start from
these answers" writes them to storage.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect
from sitecontent import sample_in_use

from stageguide.buildtools.staticserver import SiteServer
from stageguide.core import encode

from .quizpage import QUIZ, answer, checked_answers, vector_for_total, wait_engine

# Written around this repository's sample (its scale, groups and figures): skipped in a site
# that has replaced it (tests/sitecontent.py), and its fixtures are not even computed there.
pytestmark = pytest.mark.sample

STORAGE_KEY = f"stageguide:{QUIZ.id}"
OWN = [5, 1, 4, 2, 3, 5, 1, 4, 2, 3]  # ten of twenty statements answered
COLLEAGUE = vector_for_total(66) if sample_in_use() else []
COLLEAGUE_CODE = encode(QUIZ, COLLEAGUE, "sales", "Kim") if sample_in_use() else ""


def _saved(page: Page) -> Any:
    raw = page.evaluate(f"localStorage.getItem({json.dumps(STORAGE_KEY)})")
    return json.loads(raw) if raw else None


def _own_answers_saved(page: Page, server: SiteServer) -> Any:
    page.goto(server.url + "quiz/")
    wait_engine(page)
    answer(page, OWN)
    expect(page.locator("[data-sg-progress]")).to_have_text(
        f"10 of {len(QUIZ.statements)} answered"
    )
    saved = _saved(page)
    assert [saved["answers"].get(s.id) for s in QUIZ.statements[:10]] == OWN
    return saved


def _open_link(page: Page, server: SiteServer, code: str = COLLEAGUE_CODE) -> None:
    page.goto("about:blank")
    page.goto(server.url + "quiz/#a=" + code)


def _click_answer(page: Page, index: int, value: int) -> None:
    statement = QUIZ.statements[index]
    page.locator(f"#sg-q-{statement.id} label.sg-option").filter(
        has=page.locator(f"input[value='{value}']")
    ).click()


def test_a_valid_link_is_viewed_apart_and_a_click_changes_nothing(
    page: Page, server: SiteServer
) -> None:
    saved = _own_answers_saved(page, server)
    _open_link(page, server)
    expect(page.locator("[data-quiz-result]")).to_have_attribute("data-total", "66", timeout=60_000)
    banner = page.locator("[data-sg-shared]")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("from Kim")
    expect(banner).to_contain_text("Your own answers (10 of 20) are kept")
    expect(page.locator("[data-stageguide-quiz]")).to_have_attribute("data-view", "shared")
    assert checked_answers(page) == COLLEAGUE
    expect(page.locator("[data-sg-submit]")).to_be_hidden()
    expect(page.locator("[data-sg-reset]")).to_be_hidden()

    _click_answer(page, 0, 1 if COLLEAGUE[0] != 1 else 2)  # a click on someone else's answers
    expect(banner.locator(".sg-shared__hint")).to_contain_text("Start from these answers")
    assert checked_answers(page) == COLLEAGUE, "the click was refused"
    page.locator(f"input[name='{QUIZ.statements[1].id}']:checked").focus()
    page.keyboard.press(
        "ArrowRight"
    )  # arrow keys move a radio selection without a click on a label
    page.locator("input[name='sg-name']").press_sequentially("Me")
    assert checked_answers(page) == COLLEAGUE
    expect(page.locator("input[name='sg-name']")).to_have_value("Kim")
    assert _saved(page) == saved, "storage is untouched while a shared result is viewed"

    page.goto(server.url + "quiz/")
    wait_engine(page)
    assert checked_answers(page)[:10] == OWN and checked_answers(page)[10:] == [None] * 10


def test_a_link_for_another_version_keeps_the_own_answers_and_a_click_adds_to_them(
    page: Page, server: SiteServer
) -> None:
    saved = _own_answers_saved(page, server)
    _open_link(page, server, f"{QUIZ.id}.{QUIZ.version + 1}." + "4" * len(QUIZ.statements))
    notice = page.locator("[data-sg-notice]")
    expect(notice).to_contain_text("could not be opened", timeout=60_000)
    expect(notice).to_contain_text("take the quiz again")
    expect(notice).to_contain_text("Your own saved answers are below, unchanged.")
    expect(page.locator("[data-sg-shared]")).to_be_hidden()
    assert "#" not in page.url
    assert checked_answers(page)[:10] == OWN
    assert _saved(page) == saved

    _click_answer(page, 10, 3)
    expect(page.locator("[data-sg-progress]")).to_have_text(
        f"11 of {len(QUIZ.statements)} answered"
    )
    now = _saved(page)["answers"]
    assert [now.get(s.id) for s in QUIZ.statements[:11]] == [*OWN, 3], (
        "the click adds to the own answers, nothing is lost"
    )


def test_back_to_my_answers(page: Page, server: SiteServer) -> None:
    saved = _own_answers_saved(page, server)
    _open_link(page, server)
    expect(page.locator("[data-quiz-result]")).to_be_visible(timeout=60_000)
    page.locator("[data-sg-view='mine']").click()
    expect(page.locator("[data-sg-shared]")).to_be_hidden()
    expect(page.locator("[data-quiz-result]")).to_have_count(0)
    expect(page.locator("[data-stageguide-quiz]")).to_have_attribute("data-view", "own")
    assert "#" not in page.url
    assert checked_answers(page)[:10] == OWN and checked_answers(page)[10:] == [None] * 10
    expect(page.locator("input[name='sg-name']")).to_have_value("")
    assert _saved(page) == saved
    _click_answer(page, 19, 2)  # the form is the visitor's own again
    assert _saved(page)["answers"][QUIZ.statements[19].id] == 2


def test_start_from_these_answers_then_reload(page: Page, server: SiteServer) -> None:
    _own_answers_saved(page, server)
    _open_link(page, server)
    expect(page.locator("[data-quiz-result]")).to_be_visible(timeout=60_000)
    page.locator("[data-sg-view='adopt']").click()
    expect(page.locator("[data-sg-shared]")).to_be_hidden()
    saved = _saved(page)
    assert [saved["answers"][s.id] for s in QUIZ.statements] == COLLEAGUE
    assert saved["group"] == "sales" and saved["name"] == "Kim"

    page.reload()
    expect(page.locator("[data-quiz-result]")).to_have_attribute("data-total", "66", timeout=60_000)
    expect(page.locator("[data-stageguide-quiz]")).to_have_attribute("data-view", "own")
    expect(page.locator("[data-sg-shared]")).to_be_hidden()
    changed = 1 if COLLEAGUE[0] != 1 else 2
    _click_answer(page, 0, changed)
    assert _saved(page)["answers"][QUIZ.statements[0].id] == changed, (
        "the adopted answers are the visitor's to change"
    )


def test_instant_navigation_away_and_back_keeps_the_own_answers(
    page: Page, server: SiteServer
) -> None:
    saved = _own_answers_saved(page, server)
    _open_link(page, server)
    expect(page.locator("[data-quiz-result]")).to_be_visible(timeout=60_000)
    page.evaluate("window.__sameDocument = true")
    page.locator("nav.md-nav--primary a[href$='stages/undefined/']").first.click()
    expect(page.locator("h1")).to_contain_text("Undefined")
    page.locator("nav.md-nav--primary a[href$='quiz/']").first.click()
    expect(page).to_have_url(re.compile(r"/quiz/$"))
    wait_engine(page, timeout=5_000)
    assert checked_answers(page)[:10] == OWN and checked_answers(page)[10:] == [None] * 10
    expect(page.locator("[data-sg-shared]")).to_be_hidden()
    page.go_back()
    page.go_back()  # to the shared link again
    expect(page.locator("[data-sg-shared]")).to_be_visible(timeout=10_000)
    expect(page.locator("[data-quiz-result]")).to_have_attribute("data-total", "66")
    assert checked_answers(page) == COLLEAGUE
    assert page.evaluate("window.__sameDocument") is True, (
        "every step should have been an instant navigation"
    )
    assert _saved(page) == saved


def test_back_while_another_page_is_still_arriving_shows_the_link_again(
    page: Page, server: SiteServer
) -> None:
    """Back pressed while the theme is still fetching the page a click asked for lands on the
    link's own entry, with the quiz still on screen: the theme must follow that Back (and drop
    the other page) instead of drawing the other page over a /quiz/ address."""
    _open_link(page, server)
    expect(page.locator("[data-quiz-result]")).to_have_attribute("data-total", "66", timeout=60_000)
    held: list[Route] = []
    page.route("**/stages/undefined/", lambda route: held.append(route))
    with page.expect_request("**/stages/undefined/"):
        page.locator("nav.md-nav--primary a[href$='stages/undefined/']").first.click()
    expect(page).to_have_url(re.compile(r"/stages/undefined/$"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"/quiz/#a="))
    for route in held:
        route.continue_()
    page.unroute("**/stages/undefined/")
    page.wait_for_timeout(500)  # the held page has arrived by now, or been dropped
    expect(page.locator("h1")).to_contain_text("Take the quiz")
    expect(page.locator("[data-quiz-result]")).to_have_attribute("data-total", "66", timeout=10_000)
