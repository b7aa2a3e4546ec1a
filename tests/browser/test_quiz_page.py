"""The quiz page as visitors use it: real build, real Chromium, real Pyodide."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from paths import MKDOCS_YML
from playwright.sync_api import Page, Route, expect
from sitebuild import built_file, serve_site

from stageguide.buildtools.staticserver import SiteServer
from stageguide.core import encode, score

from .quizpage import (
    ENGINE_MS,
    QUIZ,
    answer,
    checked_answers,
    expect_result,
    page_requests,
    submit,
    vector_for_total,
    wait_engine,
)

# Written around this repository's sample (its stages, groups and figures): skipped in a site
# that has replaced it (tests/sitecontent.py); test_example_site.py drives any other model.
pytestmark = pytest.mark.sample

STAGE_TOTALS = {"undefined": 31, "defined": 52, "aligned": 67, "integrated": 88}


@pytest.mark.parametrize("stage_id", list(STAGE_TOTALS))
def test_clicking_through_the_quiz_gives_the_cpython_result(
    page: Page, server: SiteServer, stage_id: str
) -> None:
    answers = vector_for_total(STAGE_TOTALS[stage_id])
    expected = score(QUIZ, answers)
    assert expected.stage.id == stage_id
    page.goto(server.url + "quiz/")
    answer(page, answers)
    expect(page.locator("[data-sg-progress]")).to_have_text(
        f"{len(answers)} of {len(answers)} answered"
    )
    submit(page)
    expect_result(page, expected, QUIZ)


def test_answers_are_clickable_before_the_engine_is_ready(page: Page, server: SiteServer) -> None:
    page.goto(server.url + "quiz/", wait_until="domcontentloaded")
    first = QUIZ.statements[0].id
    page.locator(f"#sg-q-{first} label.sg-option").nth(3).click()
    expect(page.locator(f"input[name='{first}'][value='4']")).to_be_checked()
    wait_engine(page)


def test_answers_given_before_the_script_runs_are_kept(page: Page, server: SiteServer) -> None:
    def hold_back(route: Route) -> None:
        if route.request.url.endswith("?late"):
            route.fallback()
        else:
            route.fulfill(status=200, content_type="text/javascript", body="")

    page.route("**/assets/stageguide/quiz.*.js*", hold_back)
    page.goto(server.url + "quiz/")
    early = vector_for_total(40)[:3]
    answer(page, early)
    page.add_script_tag(
        url=server.url + built_file(server.root, "quiz.js") + "?late"
    )  # the script arrives late
    expect(page.locator("[data-sg-progress]")).to_have_text(f"3 of {len(QUIZ.statements)} answered")
    assert checked_answers(page)[:3] == early
    page.unroute("**/assets/stageguide/quiz.*.js*")
    page.reload()
    assert checked_answers(page)[:3] == early, "the early answers were saved too"


def test_share_link_round_trip(page: Page, server: SiteServer) -> None:
    answers = vector_for_total(73)
    page.goto(server.url + "quiz/")
    answer(page, answers)
    submit(page)
    link = page.locator(".sg-share input").input_value()
    assert link == page.url and "#a=" in link
    other = page.context.new_page()
    other.goto(link)
    result = other.locator("[data-quiz-result]")
    expect(result).to_have_attribute("data-total", "73", timeout=60_000)
    assert checked_answers(other) == answers
    other.close()


def test_share_link_with_function_and_name(page: Page, server: SiteServer) -> None:
    answers = vector_for_total(45)
    code = encode(QUIZ, answers, "marketing", "Zoë M")
    page.goto(server.url + f"quiz/#a={code}")
    expect(page.locator("[data-quiz-result]")).to_have_attribute(
        "data-stage", "defined", timeout=60_000
    )
    expect(page.locator("input[name='sg-group'][value='marketing']")).to_be_checked()
    expect(page.locator("input[name='sg-name']")).to_have_value("Zoë M")


@pytest.mark.parametrize(
    ("fragment", "message"),
    [
        ("#a=not-a-code", "is not a share code"),
        (f"#a=sales-marketing.{QUIZ.version + 1}." + "3" * 20, "take the quiz again"),
        ("#a=other-quiz.1." + "3" * 20, "is for the quiz 'other-quiz'"),
        (f"#a=sales-marketing.{QUIZ.version}.333", "holds 3 answers"),
        ("#a=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E", "is not a share code"),
    ],
)
def test_bad_share_codes_show_a_message_and_keep_the_own_answers(
    page: Page, server: SiteServer, fragment: str, message: str
) -> None:
    page.goto(server.url + "quiz/")
    answer(page, [4] * 5, QUIZ)  # the visitor's own saved progress
    own = [4] * 5 + [None] * (len(QUIZ.statements) - 5)
    page.goto(server.url + "quiz/" + fragment)
    notice = page.locator("[data-sg-notice]")
    expect(notice).to_be_visible(timeout=60_000)
    expect(notice).to_contain_text("could not be opened")
    expect(notice).to_contain_text(message)
    expect(notice).to_contain_text("Your own saved answers are below, unchanged.")
    expect(page.locator("[data-quiz-result]")).to_have_count(0)
    assert checked_answers(page) == own
    assert "#" not in page.url
    expect(page.locator("[data-sg-progress]")).to_have_text(f"5 of {len(QUIZ.statements)} answered")
    page.goto("about:blank")  # then a fresh load of the share link, not just a hash change
    page.goto(server.url + "quiz/" + fragment, wait_until="load")
    expect(notice).to_contain_text(message, timeout=60_000)
    assert checked_answers(page) == own


def test_a_share_link_opened_on_the_quiz_page_keeps_the_page(
    page: Page, server: SiteServer
) -> None:
    """A link pasted into a tab already on the quiz only changes the fragment. After a full load the
    theme's instant navigation took that for a new page, fetched and redrew it, and the redraw
    could wipe what the quiz had just shown (a bad link's notice went missing that way)."""
    answers = vector_for_total(64)
    page.goto(server.url + "quiz/")
    answer(page, [4] * 3)
    quiz_path = urlsplit(page.url).path
    page.evaluate("document.querySelector('[data-stageguide-quiz]').__sameNode = true")
    refetched = page_requests(page, quiz_path)
    notice = page.locator("[data-sg-notice]")

    page.goto(server.url + "quiz/#a=" + encode(QUIZ, answers)[:-4])  # cut short: refused
    expect(notice).to_contain_text("could not be opened", timeout=ENGINE_MS)
    page.wait_for_timeout(500)  # a redraw would have come by now
    expect(notice).to_contain_text("could not be opened")
    assert checked_answers(page)[:4] == [4, 4, 4, None]

    page.goto(server.url + "quiz/#a=" + encode(QUIZ, answers))
    expect(page.locator("[data-quiz-result]")).to_have_attribute(
        "data-total", "64", timeout=ENGINE_MS
    )
    page.go_back()  # out of the link's fragment: the visitor's own answers again
    expect(page.locator("[data-sg-progress]")).to_have_text(f"3 of {len(QUIZ.statements)} answered")
    expect(page.locator("[data-quiz-result]")).to_have_count(0)
    page.go_forward()
    expect(page.locator("[data-quiz-result]")).to_have_attribute(
        "data-total", "64", timeout=ENGINE_MS
    )
    assert page.evaluate("document.querySelector('[data-stageguide-quiz]').__sameNode") is True
    assert refetched == [], "the quiz page was fetched again for a fragment change"

    # Every other history change still reaches the theme: out to a stage page and back, instantly.
    page.evaluate("window.__sameDocument = true")
    page.locator("nav.md-nav--primary a[href$='stages/undefined/']").first.click()
    expect(page.locator("h1")).to_contain_text("Undefined")
    page.go_back()
    expect(page.locator("[data-quiz-result]")).to_have_attribute(
        "data-total", "64", timeout=ENGINE_MS
    )
    assert page.evaluate("window.__sameDocument") is True


def test_answers_are_restored_and_start_over_clears_them(page: Page, server: SiteServer) -> None:
    page.goto(server.url + "quiz/")
    answer(page, [2, 5, 1, 4, 3, 2, 2], QUIZ)
    page.reload()
    expect(page.locator("[data-sg-progress]")).to_have_text(f"7 of {len(QUIZ.statements)} answered")
    assert checked_answers(page)[:8] == [2, 5, 1, 4, 3, 2, 2, None]
    page.locator("[data-sg-reset]").click()
    expect(page.locator("[data-sg-progress]")).to_have_text(f"0 of {len(QUIZ.statements)} answered")
    page.reload()
    assert checked_answers(page) == [None] * len(QUIZ.statements)


def test_submitting_with_gaps_focuses_the_first_missing_statement(
    page: Page, server: SiteServer
) -> None:
    answers = vector_for_total(60)
    page.goto(server.url + "quiz/")
    wait_engine(page)
    answer(page, [*answers[:4], None, None, *answers[6:]])
    page.locator("[data-sg-submit]").click()
    message = page.locator("[data-sg-message]")
    expect(message).to_have_text("2 statements are still unanswered. The first is number 5.")
    focused = page.evaluate("document.activeElement.name")
    assert focused == QUIZ.statements[4].id
    expect(page.locator("[data-quiz-result]")).to_have_count(0)


def test_instant_navigation_mounts_the_quiz_and_reuses_one_worker(
    page: Page, server: SiteServer
) -> None:
    workers: list[str] = []
    page.on("worker", lambda worker: workers.append(worker.url))
    page.goto(server.url)
    page.evaluate("window.__sameDocument = true")
    page.locator(".md-content a[href$='quiz/']").first.click()
    expect(page).to_have_url(re.compile(r"/quiz/$"))
    wait_engine(page)
    page.locator("nav.md-nav--primary a[href$='stages/undefined/']").first.click()
    expect(page.locator("h1")).to_contain_text("Undefined")
    page.go_back()
    wait_engine(page, timeout=5_000)
    answers = vector_for_total(81)
    answer(page, answers)
    expect(submit(page)).to_have_attribute("data-stage", "integrated")
    ours = [url for url in workers if re.search(r"/stageguide/worker\.[0-9a-f]+\.mjs$", url)]
    assert len(ours) == 1, ours
    assert page.evaluate("window.__sameDocument") is True, (
        "every step should have been an instant navigation"
    )
    assert page.evaluate("typeof document$") == "object", "instant navigation should be on"


def test_works_under_a_subpath_with_instant_navigation(page: Page, tmp_path: Path) -> None:
    sub = serve_site(MKDOCS_YML, tmp_path / "site", prefix="/stageguide/")
    try:
        page.goto(sub.url)
        page.evaluate("window.__sameDocument = true")
        page.locator(".md-content a[href$='quiz/']").first.click()
        answers = vector_for_total(50)
        answer(page, answers)
        expect(submit(page)).to_have_attribute("data-total", "50")
        assert page.evaluate("window.__sameDocument") is True, (
            "the quiz link should be followed by instant navigation"
        )
        assert all(path.removeprefix("HEAD ").startswith("/stageguide/") for path in sub.log), (
            sub.log
        )
    finally:
        sub.stop()


@pytest.mark.parametrize("width", [390, 360])
def test_phone_viewport(page: Page, server: SiteServer, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(server.url + "quiz/")
    answers = vector_for_total(66)
    answer(page, answers)
    result = submit(page)
    expect(result).to_have_attribute("data-total", "66")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"page scrolls sideways by {overflow}px at {width}px"
    box = page.locator("label.sg-option").first.bounding_box()
    assert box is not None and box["height"] >= 44, box


def test_no_request_leaves_the_origin_and_nothing_is_stored_but_answers(
    page: Page, server: SiteServer
) -> None:
    page.goto(server.url + "quiz/")
    answer(page, vector_for_total(40))
    submit(page)
    assert page.context.cookies() == []
    ours = page.evaluate("Object.keys(localStorage).filter((key) => !key.startsWith('/.__'))")
    assert ours == [f"stageguide:{QUIZ.id}"], (
        "only the answers are stored (Material keeps its palette under '/.__')"
    )


def test_result_prints_without_navigation_or_controls(page: Page, server: SiteServer) -> None:
    answers = vector_for_total(64)
    page.goto(server.url + "quiz/#a=" + encode(QUIZ, answers))
    expect(page.locator("[data-quiz-result]")).to_be_visible(timeout=60_000)
    page.emulate_media(media="print")
    for hidden in (
        ".md-header",
        ".md-sidebar--primary",
        ".sg-actions",
        ".sg-share__buttons",
        "[data-sg-key]",
    ):
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.locator("[data-quiz-result]")).to_be_visible()
    expect(page.locator(f"#sg-q-{QUIZ.statements[0].id} input:checked")).to_have_count(1)
