"""The first visit on a slow network: the precompressed runtime, the progress bar, failing fast but never on slowness.

Throttling is Chrome DevTools network emulation over a CDP session, which also slows
the engine worker's own fetches, as a phone network would.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect
from sitebuild import serve_site, variant_config

from stageguide.buildtools.staticserver import SiteServer
from stageguide.core import encode, score

from .quizpage import (
    QUIZ,
    answer,
    checked_answers,
    expect_result,
    quiz_root,
    submit,
    vector_for_total,
    wait_engine,
)

PATIENCE_S = 3  # engine_timeout of the impatient site: far shorter than a throttled download


def throttle(page: Page, mbit: float, latency_ms: float = 40) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": latency_ms,
            "downloadThroughput": mbit * 1e6 / 8,
            "uploadThroughput": mbit * 1e6 / 8,
        },
    )


RECORD_STATES = """(() => {
  window.__engineStates = [];
  new MutationObserver(() => {
    const root = document.querySelector('[data-stageguide-quiz]');
    if (root && window.__engineStates.at(-1) !== root.dataset.engine) window.__engineStates.push(root.dataset.engine);
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-engine'] });
})()"""


@pytest.fixture(scope="module")
def patient_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    """The real site with a short engine_timeout: only a stall, never a slow download, may fail it."""
    folder = tmp_path_factory.mktemp("patience")
    running = serve_site(variant_config(folder, {"engine_timeout": PATIENCE_S}), folder / "site")
    yield running
    running.stop()


def test_the_progress_bar_has_a_name_and_moves_while_the_engine_downloads(
    page: Page, server: SiteServer
) -> None:
    throttle(page, mbit=24)
    page.goto(server.url + "quiz/")
    bar = page.get_by_role("progressbar", name="Scoring engine")
    expect(bar).to_be_visible()
    seen: list[tuple[float, str]] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and quiz_root(page).get_attribute("data-engine") == "loading":
        # One read in the page: the bar hides once the engine is up, which may happen
        # between two Playwright calls (then a locator would wait its full 30 s for it).
        value = page.evaluate(
            """() => {
                 const el = document.querySelector("[data-sg-bar]");
                 return el && !el.closest("[hidden]")
                   ? [el.value, el.max, el.getAttribute("aria-valuetext") || ""]
                   : null;
               }"""
        )
        if value and value[1] > 1 and (not seen or seen[-1][0] != value[0]):
            seen.append((value[0], value[2]))
        page.wait_for_timeout(100)
    wait_engine(page)
    assert len(seen) >= 3, f"the bar should move several times during a throttled download: {seen}"
    assert [v for v, _ in seen] == sorted(v for v, _ in seen), "the bar only moves forward"
    assert all(
        text.startswith("Downloading the scoring engine, ") and text.endswith(" MB")
        for _, text in seen
    ), seen
    total = float(seen[-1][1].split(" of ")[1].split()[0])
    assert 3.5 < total < 4.8, f"a cold visit downloads the precompressed runtime: {seen[-1][1]}"
    expect(page.locator("[data-sg-loading]")).to_be_hidden()
    expect(page.locator("[data-sg-status]")).to_contain_text("Ready to score")


def test_a_share_link_says_at_once_whose_result_is_being_prepared(
    page: Page, server: SiteServer
) -> None:
    throttle(page, mbit=24)
    code = encode(QUIZ, vector_for_total(66), group="marketing", name="Jo R.")
    page.goto(server.url + f"quiz/#a={code}")
    preview = page.locator("[data-sg-preview]")
    expect(preview).to_have_text(
        f"Jo R. (Marketing) shared their answers to “{QUIZ.title}” (version {QUIZ.version}). "
        "Their result appears here as soon as the scoring engine has checked them."
    )
    assert quiz_root(page).get_attribute("data-engine") == "loading", (
        "the preview is there before the engine"
    )
    expect(page.locator("[data-sg-status]")).to_contain_text("Preparing the shared result")
    expect(page.locator("[data-quiz-result]")).to_be_visible(timeout=60_000)
    expect(preview).to_be_hidden()


def test_a_slow_download_that_keeps_arriving_is_never_called_failed(
    page: Page, patient_site: SiteServer
) -> None:
    page.add_init_script(RECORD_STATES)
    throttle(page, mbit=4)  # about 10 s for the runtime: three times the site's engine_timeout
    # Not until "load": the page's own files share the 4 Mbit/s with the runtime, and on a
    # busy CI machine that took over goto's 30 s. Answering needs quiz.js to have mounted.
    page.goto(patient_site.url + "quiz/", wait_until="commit")
    expect(quiz_root(page)).to_have_class(re.compile(r"\bsg-js\b"), timeout=60_000)
    answers = vector_for_total(61)
    answer(page, answers)
    started = time.monotonic()
    wait_engine(page, timeout=120_000)
    assert time.monotonic() - started > PATIENCE_S, (
        "the download really took longer than engine_timeout"
    )
    assert "failed" not in page.evaluate("window.__engineStates"), page.evaluate(
        "window.__engineStates"
    )
    assert checked_answers(page) == answers
    submit(page)
    expect_result(page, score(QUIZ, answers))


def test_a_blocked_runtime_fails_within_five_seconds_and_keeps_the_answers(
    page: Page, server: SiteServer
) -> None:
    held: list[Route] = []
    holding = [True]

    def block(route: Route) -> None:
        if holding[0]:
            held.append(route)  # kept pending until the visitor has answered
        else:
            route.abort("blockedbyclient")

    page.route("**/pyodide.asm.wasm*", block)
    page.expected_problems += ["Failed to load resource", "pyodide.asm.wasm"]  # type: ignore[attr-defined]
    page.goto(server.url + "quiz/")
    while not held:
        page.wait_for_timeout(50)
    answers = vector_for_total(48)
    answer(page, answers)
    blocked = time.monotonic()
    holding[0] = False
    for route in held:
        route.abort("blockedbyclient")
    expect(quiz_root(page)).to_have_attribute("data-engine", "failed", timeout=10_000)
    assert time.monotonic() - blocked <= 5, (
        "a blocked download is reported in seconds, not after engine_timeout (20 s)"
    )
    expect(page.locator("[data-sg-status]")).to_contain_text("could not be downloaded")
    assert checked_answers(page) == answers
    expect(page.locator("[data-sg-sum]")).to_contain_text(f"add up to {sum(answers)}")


@pytest.mark.parametrize(
    "path", ["precompressed", "host-compresses-wasm", "no-decompression-stream"]
)
def test_every_way_of_fetching_the_wasm_reaches_ready_and_scores(
    page: Page, built_site: Path, path: str
) -> None:
    """The .gz unpacked in the worker; the plain wasm when the host gzips it.

    And the plain wasm in a browser without DecompressionStream.
    """
    with SiteServer(built_site, gzip=True, gzip_wasm=path == "host-compresses-wasm") as running:
        if path == "no-decompression-stream":

            def older_browser(route: Route) -> None:
                response = route.fetch()
                route.fulfill(
                    response=response, body="delete self.DecompressionStream;\n" + response.text()
                )

            page.route("**/worker.*mjs", older_browser)  # worker.<hash>.mjs
        page.goto(running.url + "quiz/")
        wait_engine(page)
        fetched = [
            line for line in running.log if "pyodide.asm.wasm" in line
        ]  # before the service worker's install
        answers = vector_for_total(70)
        answer(page, answers)
        submit(page)
        expect_result(page, score(QUIZ, answers))
    wasm_gets = [line for line in fetched if not line.startswith("HEAD ")]
    if path == "precompressed":
        assert len(wasm_gets) == 1 and wasm_gets[0].endswith("pyodide.asm.wasm.gz"), fetched
    else:
        assert len(wasm_gets) == 1 and wasm_gets[0].endswith("pyodide.asm.wasm"), fetched
