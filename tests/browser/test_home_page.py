"""The home page's first screen makes the whole offer, on a laptop and on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from stageguide.buildtools.staticserver import SiteServer

# Written around this repository's sample (its stages, groups and figures): skipped in a site
# that has replaced it (tests/sitecontent.py); test_example_site.py drives any other model.
pytestmark = pytest.mark.sample


VIEWPORTS = {"laptop": (1280, 800), "phone": (390, 844)}


def _within_first_screen(element: Locator, height: int) -> None:
    expect(element).to_be_visible()
    box = element.bounding_box()
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, (
        f"{element} ends at {box['y'] + box['height']:.0f}px, below {height}px"
    )


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=list(VIEWPORTS))
def test_first_screen_holds_the_offer_and_the_start_button(
    page: Page, server: SiteServer, viewport: str
) -> None:
    width, height = VIEWPORTS[viewport]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(server.url)
    assert page.evaluate("window.scrollY") == 0
    content = page.locator("article.md-content__inner")
    promise = content.locator("p", has_text="five minutes")
    expect(promise).to_contain_text("20 statements")
    expect(promise).to_contain_text("stay in your browser")
    start = content.get_by_role("link", name="Take the quiz")
    expect(start).to_have_class("md-button md-button--primary")
    checks = {
        "title": content.locator("h1"),
        "promise": promise,
        "what you get back": content.locator("ul").first,
        "start button": start,
        "provenance": content.locator("p", has_text="Kotler, Rackham and Krishnaswamy"),
    }
    for element in checks.values():
        _within_first_screen(element, height)
    expect(checks["what you get back"]).to_contain_text("six dimensions")
    expect(checks["provenance"].get_by_role("link", name="Sources")).to_be_visible()
    start.click()
    expect(page.locator("[data-stageguide-quiz]")).to_be_attached()
