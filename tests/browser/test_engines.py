"""The same visitor scenarios in Chromium, Firefox and Safari's engine (WebKit).

Chromium also runs the full Playwright suite in the other modules; this module runs
a representative subset in all three engines through the engine-neutral drivers in
stageguide.buildtools.browsers: taking the quiz (checked against CPython's scoring), a share link in a
fresh profile, the team report from share links, hostile share codes, the strict
Content Security Policy, and a second visit with the server gone. Chromium runs them
on the Zensical build of the site as well. After every test
the page must have made no request outside 127.0.0.1 and logged no CSP violation or
uncaught error. An engine whose browser is not installed is skipped with the reason,
except under CI (CI=true), where a missing engine fails: CI installs all three.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from stageguide.buildtools.browsers import ENGINES, Engine, PageDriver, missing, open_engine
from stageguide.buildtools.staticserver import SiteServer
from stageguide.core import encode, score
from stageguide.core.csvimport import read_roster
from stageguide.core.team import team_report

from .quizpage import QUIZ, vector_for_total

READY_S = 60
RESULT_S = 60
CACHED_S = 90
QUIZ_ROOT = "[data-stageguide-quiz]"
RESULT = "[data-quiz-result]"
LOCAL = ("http://127.0.0.1:", "blob:", "data:", "about:")


# Each engine on the MkDocs build; Chromium also on the Zensical build (README, "Building
# with Zensical"): the same scenarios, so both generators' sites are held to one standard.
TARGETS = [*((name, "mkdocs") for name in ENGINES), ("chromium", "zensical")]


@pytest.fixture(scope="module", params=TARGETS, ids=[f"{e}-{b}" for e, b in TARGETS])
def target(request: pytest.FixtureRequest) -> tuple[str, str]:
    """(browser engine, site generator)."""
    return request.param  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def server(target: tuple[str, str], request: pytest.FixtureRequest) -> SiteServer:
    """The site as the target's generator built it (overrides conftest's MkDocs-only one)."""
    return request.getfixturevalue(f"{target[1]}_server")  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def built_site(server: SiteServer) -> Any:
    return server.root


@pytest.fixture(scope="module")
def browser_engine(target: tuple[str, str], request: pytest.FixtureRequest) -> Iterator[Engine]:
    name = target[0]
    reason = missing(name)
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"{name}: {reason} (CI installs every engine; see .ci/run)")
        pytest.skip(f"{name}: {reason}")
    engine = open_engine(name, request.getfixturevalue("browser") if name == "chromium" else None)
    yield engine
    engine.close()


@pytest.fixture()
def open_page(browser_engine: Engine) -> Iterator[Any]:
    """Opens pages in fresh profiles; after the test, each must be clean.

    Clean: local requests only, no CSP violation, no error.
    """
    opened: list[PageDriver] = []

    def open_one() -> PageDriver:
        page = browser_engine.new_page()
        opened.append(page)
        return page

    yield open_one
    problems: list[str] = []
    for page in opened:
        try:
            page.close()
        finally:
            problems += [f"[{page.engine}] {p}" for p in page.unexpected_problems()]
            problems += [
                f"[{page.engine}] request left 127.0.0.1: {u}"
                for u in page.requests()
                if not u.startswith(LOCAL)
            ]
    assert not problems, "the page misbehaved:\n" + "\n".join(problems)


def answer(page: PageDriver, answers: list[int]) -> None:
    for statement, value in zip(QUIZ.statements, answers, strict=False):
        page.click(f"#sg-q-{statement.id} label.sg-option:has(input[value='{value}'])")


def checked_answers(page: PageDriver) -> list[int | None]:
    ids = [s.id for s in QUIZ.statements]
    return page.evaluate(
        "(ids) => ids.map((id) => "
        "{ const e = document.querySelector(`input[name='${id}']:checked`); return e ? Number(e.value) : null; })",
        ids,
    )


def expect_cpython_result(page: PageDriver, answers: list[int]) -> None:
    """Stage, total, every dimension's figure and the advice agree with CPython's score()."""
    expected = score(QUIZ, answers)
    page.wait_attribute(RESULT, "data-total", str(expected.total), RESULT_S)
    assert page.attribute(RESULT, "data-stage") == expected.stage.id
    assert page.text(f"{RESULT} .sg-result__title") == f"Stage: {expected.stage.title}"
    for dim in expected.dimensions:
        figure = page.text(f"{RESULT} [data-dimension='{dim.dimension.id}'] .sg-dim__figure") or ""
        assert f"{dim.percent} / 100" in figure, (dim.dimension.id, figure)
    advice = page.text(f"{RESULT} .sg-advice") or ""
    assert all(line in advice for line in expected.stage.advice)


def test_the_quiz_scores_like_cpython_and_its_share_link_opens_in_a_fresh_profile(
    open_page: Any, server: SiteServer
) -> None:
    answers = vector_for_total(67)
    page = open_page()
    page.goto(server.url + "quiz/")
    page.wait_attribute(QUIZ_ROOT, "data-engine", "ready", READY_S)
    answer(page, answers)
    page.click("[data-sg-submit]")
    expect_cpython_result(page, answers)
    link = page.value(".sg-share input") or ""
    assert link.endswith("#a=" + encode(QUIZ, answers)) and link == page.url
    assert any(
        u.endswith(("/pyodide.asm.wasm", "/pyodide.asm.wasm.gz")) for u in page.requests()
    ), "the request list is really collected"

    fresh = open_page()
    fresh.goto(link)
    expect_cpython_result(fresh, answers)
    assert checked_answers(fresh) == answers


def test_the_team_report_from_share_links_matches_cpython(
    open_page: Any, server: SiteServer
) -> None:
    people = [
        (vector_for_total(35), "sales", "Sam"),
        (vector_for_total(52), "sales", None),
        (vector_for_total(83), "marketing", "Zoë M"),
    ]
    text = "\n".join(
        f"{server.url}quiz/#a={encode(QUIZ, answers, group, name)}"
        for answers, group, name in people
    )
    expected = team_report(QUIZ, read_roster(QUIZ, text)).to_dict()
    page = open_page()
    page.goto(server.url + "team/")
    page.fill("[data-sg-team-text]", text)
    page.click("[data-sg-team-submit]")
    page.wait_attribute("[data-team-report]", "data-count", str(expected["count"]), RESULT_S)
    # The report is drawn in steps; the respondents table is among the last parts.
    page.wait_attribute("[data-team-report]", "data-complete", "true", RESULT_S)
    rows = "[data-team-respondents] tbody tr"
    assert page.texts(f"{rows} th") == [p["label"] for p in expected["respondents"]]
    assert page.texts(f"{rows} [data-total]") == [str(p["total"]) for p in expected["respondents"]]
    stages = page.evaluate(
        "(s) => [...document.querySelectorAll(s)].map((e) => e.getAttribute('data-stage'))",
        f"{rows} [data-stage]",
    )
    assert stages == [p["stage"]["id"] for p in expected["respondents"]]
    assert f"Mean total {expected['total']['mean']:.2f}" in (page.text("[data-team-total]") or "")


HOSTILE = [
    ("#a=%22%3E%3Cimg%20src%3Dx%20onerror%3D%22window.__pwned%3D1%22%3E", "is not a share code"),
    ("#a=<script>window.__pwned=1</script>", "is not a share code"),
    ("#a=sales-marketing.9." + "3" * 20, "version 9"),
]


def test_hostile_share_codes_give_plain_messages_and_the_policy_blocks_injected_scripts(
    open_page: Any, server: SiteServer
) -> None:
    page = open_page()
    for fragment, message in HOSTILE:
        page.goto("about:blank")
        page.goto(server.url + "quiz/" + fragment)
        notice = page.wait_text("[data-sg-notice]", message, RESULT_S)
        assert "could not be opened" in notice
        assert page.count("[data-sg-notice] *") == 0, "the message is text, never markup"
        assert page.evaluate("() => window.__pwned === undefined")
        assert page.count(RESULT) == 0
    answers = vector_for_total(62)
    answer(page, answers)
    page.click("[data-sg-submit]")
    expect_cpython_result(page, answers)

    # The policy is really enforced and the guard really hears it: an injected inline script is refused.
    page.evaluate(
        "() => "
        "{ const s = document.createElement('script'); s.textContent = 'window.__pwned = 1'; document.body.append(s); }"
    )
    page.wait_until(
        "a CSP violation report", lambda: page.evaluate("() => (window.__sgGuard || []).length"), 10
    )
    assert page.evaluate("() => window.__pwned === undefined")
    reported = page.harvest()
    assert any("script-src" in p for p in reported), reported
    page.problems.clear()  # the one violation this test provoked on purpose


def test_a_second_visit_works_with_the_server_gone(
    open_page: Any, fresh_server: SiteServer
) -> None:
    page = open_page()
    page.goto(fresh_server.url + "quiz/")
    page.wait_attribute(QUIZ_ROOT, "data-engine", "ready", READY_S)
    page.wait_until(
        "the service worker to control the page and hold the runtime",
        lambda: page.evaluate(
            """async () => {
                 if (!navigator.serviceWorker.controller) return false;
                 const names = (await caches.keys()).filter((n) => n.startsWith('stageguide-'));
                 for (const name of names) {
                   const keys = (await (await caches.open(name)).keys()).map((r) => r.url);
                   const runtime = keys.some((u) => u.endsWith('/pyodide.asm.wasm.gz'));
                   if (runtime && keys.some((u) => u.endsWith('/quiz/'))) return true;
                 }
                 return false;
               }"""
        ),
        CACHED_S,
    )
    url = fresh_server.url
    fresh_server.stop()  # nothing answers on that port any more
    # The service worker's network tries now fail, and the engines say so (Chromium in its console,
    # Firefox as an error of the theme's own fetches); the page must still work.
    page.allowed += ["Failed to load resource", "Network error"]

    answers = vector_for_total(71)
    page.goto("about:blank")
    page.goto(url + "quiz/#a=" + encode(QUIZ, answers))
    expect_cpython_result(page, answers)
