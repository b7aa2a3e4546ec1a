"""What a result says and how the quiz is answered: no `why` while answering, the low answers
with their `why` after, "I can't judge this" end to end, the phone bar and the share button."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from stageguide.buildtools.staticserver import SiteServer
from stageguide.core import encode, score

from .quizpage import (
    QUIZ,
    UNSURE,
    answer,
    checked_answers,
    expect_result,
    quiz_root,
    submit,
    vector_for_total,
    wait_engine,
)

# Written around this repository's sample (its stages, groups and figures): skipped in a site
# that has replaced it (tests/sitecontent.py); test_example_site.py drives any other model.
pytestmark = pytest.mark.sample

PHONE = {"width": 390, "height": 844}
BAR_MAX_PX = 64


def _form_text(page: Page) -> str:
    return page.locator("[data-sg-form]").inner_text()


def test_no_why_while_answering_and_the_low_answers_explain_after(
    page: Page, server: SiteServer
) -> None:
    answers = vector_for_total(47)
    expected = score(QUIZ, answers)
    assert expected.low, "the vector must have answers at or below the middle"
    page.goto(server.url + "quiz/")
    wait_engine(page)
    whys = [s.why for s in QUIZ.statements if s.why]
    assert len(whys) == len(QUIZ.statements)
    text = _form_text(page)
    assert not [why for why in whys if why in text], "a why line is inside the form while answering"
    expect(page.locator("[data-sg-form] .sg-why")).to_have_count(0)
    answer(page, answers)
    result = submit(page)
    expect_result(page, expected)
    low = result.locator("[data-sg-low]")
    expect(result.get_by_role("heading", name="What pulled your score down")).to_be_visible()
    for item in expected.low:
        row = low.locator(f"li[data-statement='{item.statement.id}']")
        expect(row).to_contain_text(item.statement.text)
        expect(row).to_contain_text(f"You answered {item.value} ({item.label}).")
        expect(row).to_contain_text(item.statement.why or "")
    link = result.get_by_role("link", name=f"How organisations move on from {expected.stage.title}")
    assert (
        (link.get_attribute("href") or "")
        .rstrip("/")
        .endswith(expected.stage.page.removesuffix(".md"))
    )
    assert not [why for why in whys if why in _form_text(page)], (
        "the why lines must stay out of the form"
    )


def test_cant_judge_gives_an_estimate_that_travels_in_the_link(
    page: Page, server: SiteServer
) -> None:
    allowed = QUIZ.unsure.allowed(len(QUIZ.statements)) if QUIZ.unsure else 0
    assert allowed == 5
    values: list[int | None] = list(vector_for_total(66))
    for index in (2, 7, 9, 14, 18):  # exactly at the threshold: still a stage
        values[index] = None
    expected = score(QUIZ, values)
    assert expected.estimated and expected.stage is not None
    page.goto(server.url + "quiz/")
    answer(page, [UNSURE if v is None else v for v in values])
    expect(page.locator("[data-sg-progress]")).to_have_text(
        f"{len(values)} of {len(values)} answered"
    )
    result = submit(page)
    expect(result).to_have_attribute("data-total", str(expected.total))
    expect(result).to_have_attribute("data-stage", expected.stage.id)
    expect(result.locator("[data-sg-estimate]")).to_contain_text(
        "5 of 20 statements were not judged"
    )
    code = encode(QUIZ, values)
    assert "_" in code and page.url.endswith("#a=" + code)

    # Saved in this browser: a reload restores the unjudged answers as unjudged.
    page.goto(server.url + "quiz/")
    for index in (2, 7, 9, 14, 18):
        expect(
            page.locator(f"input[name='{QUIZ.statements[index].id}'][value='unsure']")
        ).to_be_checked()

    # The share link in a fresh page shows the same estimate.
    other = page.context.new_page()
    other.goto(server.url + "quiz/#a=" + code)
    shared = other.locator("[data-quiz-result]")
    expect(shared).to_have_attribute("data-total", str(expected.total), timeout=60_000)
    expect(other.locator(f"input[name='{QUIZ.statements[2].id}'][value='unsure']")).to_be_checked()
    other.close()


def test_too_many_unjudged_gives_no_stage_and_says_why(page: Page, server: SiteServer) -> None:
    values: list[int | None] = [4] * len(QUIZ.statements)
    for index in range(6):
        values[index * 3] = None
    expected = score(QUIZ, values)
    assert expected.stage is None
    page.goto(server.url + "quiz/")
    answer(page, [UNSURE if v is None else v for v in values])
    result = submit(page)
    expect(result).to_have_attribute("data-stage", "")
    expect(result.locator(".sg-result__title")).to_have_text("No stage this time")
    expect(result.locator("[data-sg-no-stage]")).to_have_text(expected.no_stage_reason or "")
    expect(result.locator(".sg-advice")).to_have_count(0)


def test_phone_answering_bar_is_one_short_row(page: Page, server: SiteServer) -> None:
    page.set_viewport_size(PHONE)
    page.goto(server.url + "quiz/")
    wait_engine(page)
    answer(page, vector_for_total(60)[:12])
    page.locator(f"#sg-q-{QUIZ.statements[12].id}").scroll_into_view_if_needed()
    bar = page.locator(".sg-actions")
    box = bar.bounding_box()
    assert box is not None
    assert box["height"] <= BAR_MAX_PX, f"the sticky bar is {box['height']:.0f} px tall on a phone"
    assert box["y"] + box["height"] <= PHONE["height"] + 1, (
        "the bar is not stuck to the bottom of the screen"
    )
    tops = [
        child.bounding_box()["y"] for child in bar.locator(":scope > *").all() if child.is_visible()
    ]  # type: ignore[index]
    assert len(tops) == 3 and max(tops) - min(tops) < 12, f"the bar wraps: rows start at {tops}"
    expect(page.locator("[data-sg-progress]")).to_have_text(
        f"12 of {len(QUIZ.statements)} answered"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_native_share_button_where_the_browser_has_one(page: Page, server: SiteServer) -> None:
    # Chromium on Linux has no share sheet; give the page one that records what it was asked to share.
    page.add_init_script("""
        window.__shared = [];
        navigator.share = async (data) => { window.__shared.push(data); };
        navigator.canShare = () => true;
    """)
    answers = vector_for_total(52)
    page.goto(server.url + "quiz/")
    answer(page, answers)
    result = submit(page)
    result.get_by_role("button", name="Share…").click()
    page.wait_for_function("window.__shared.length === 1")
    shared = page.evaluate("window.__shared[0]")
    assert shared["url"] == page.url and shared["url"].endswith("#a=" + encode(QUIZ, answers))
    assert "Defined" in shared["text"]


def test_no_share_button_without_the_web_share_api(page: Page, server: SiteServer) -> None:
    page.add_init_script("delete Navigator.prototype.share; delete Navigator.prototype.canShare;")
    page.goto(server.url + "quiz/")
    answer(page, vector_for_total(52))
    result = submit(page)
    expect(result.get_by_role("button", name="Copy link")).to_be_visible()
    expect(result.get_by_role("button", name="Share…")).to_have_count(0)
    assert checked_answers(page)[0] is not None
    expect(quiz_root(page)).to_have_attribute("data-engine", "ready")
