"""Hostile input, a runtime that cannot start, a strict CSP, and no JavaScript at all.

Each test provokes the failure in a real browser against a real build and checks
the visitor still gets a readable page and, one way or another, their stage.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from paths import SAMPLE_QUIZ
from playwright.sync_api import Browser, Page, Route, expect
from sitebuild import built_file, serve_site, variant_config

from stageguide.buildtools.staticserver import Override, SiteServer
from stageguide.core import score

from .quizpage import QUIZ, answer, checked_answers, submit, vector_for_total, wait_engine

# Written around this repository's sample (its stages, groups and figures): skipped in a site
# that has replaced it (tests/sitecontent.py); test_example_site.py drives any other model.
pytestmark = pytest.mark.sample

FAST_TIMEOUT_S = 6
STORAGE_KEY = f"stageguide:{QUIZ.id}"


@pytest.fixture(scope="module")
def impatient_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    """The real site built with a short engine timeout, so hangs are detected quickly."""
    folder = tmp_path_factory.mktemp("impatient")
    config = variant_config(folder, {"engine_timeout": FAST_TIMEOUT_S})
    running = serve_site(config, folder / "site")
    yield running
    running.stop()


# -------------------------------------------------------------------- CSP


def test_pages_carry_a_strict_policy(server: SiteServer) -> None:
    for page_path in ("index.html", "quiz/index.html", "stages/aligned/index.html", "404.html"):
        html = (server.root / page_path).read_text(encoding="utf-8")
        head = html[: html.index("</head>")]
        policy = head.split('http-equiv="Content-Security-Policy" content="', 1)[1].split('"', 1)[0]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["default-src"] == "'self'"
        assert directives["object-src"] == "'none'"
        assert directives["base-uri"] == "'self'"
        assert (
            "'unsafe-inline'" not in directives["script-src"]
            and "'unsafe-eval'" not in directives["script-src"]
        )
        assert "'wasm-unsafe-eval'" in directives["script-src"]
        assert directives["connect-src"] == "'self'" and directives["worker-src"] == "'self'"
        assert head.index("Content-Security-Policy") < head.index("<script"), page_path


def test_the_quiz_works_under_the_policy_and_injected_scripts_are_blocked(
    page: Page, server: SiteServer
) -> None:
    violations: list[str] = []
    page.expose_function("reportViolation", lambda text: violations.append(text))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', (e) => "
        "window.reportViolation(e.violatedDirective + ' ' + e.blockedURI))"
    )
    page.goto(server.url + "quiz/")
    answers = vector_for_total(77)
    answer(page, answers)
    expect(submit(page)).to_have_attribute("data-total", "77")
    assert violations == [], violations

    page.expected_problems.append("Content Security Policy")  # type: ignore[attr-defined]
    page.evaluate(
        """() => { const s = document.createElement('script'); s.textContent = 'window.__pwned = 1';
                   document.body.append(s); }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.__pwned") is None
    assert any(v.startswith("script-src") for v in violations), violations


# ------------------------------------------------------ engine cannot start


def _assert_scoring_by_hand(page: Page, answers: list[int]) -> None:
    root = page.locator("[data-stageguide-quiz]")
    expect(root).to_have_attribute("data-engine", "failed", timeout=(FAST_TIMEOUT_S + 20) * 1000)
    expect(page.locator("[data-sg-status]")).to_contain_text("could not start")
    key = page.locator("[data-sg-key]")
    expect(key).to_be_visible()
    for stage in QUIZ.stages:
        expect(key).to_contain_text(f"{stage.low}–{stage.high}")
    assert checked_answers(page) == answers, "answers given before the failure are kept"
    expect(page.locator("[data-sg-sum]")).to_contain_text(f"add up to {sum(answers)}")
    page.locator("[data-sg-submit]").click()
    expect(page.locator("[data-sg-message]")).to_contain_text("scoring key")
    expect(page.locator("[data-quiz-result]")).to_have_count(0)


@pytest.mark.parametrize(
    ("case", "expected_log"),
    [
        ("wasm-blocked", "Failed to load resource"),
        ("wasm-corrupt", "WebAssembly"),
    ],
)
def test_runtime_download_failures_fall_back_to_scoring_by_hand(
    page: Page, impatient_server: SiteServer, case: str, expected_log: str
) -> None:
    def broken(route: Route) -> None:
        if case == "wasm-blocked":
            route.abort()
        else:
            route.fulfill(
                status=200, content_type="application/wasm", body=b"\x00asm garbage, not a module"
            )

    # Pyodide's own fetch of the wasm rejects inside the worker; that is the failure provoked here.
    page.expected_problems += [expected_log, "wasm", "Wasm", "Failed to fetch"]  # type: ignore[attr-defined]
    page.route(
        "**/pyodide.asm.wasm*", broken
    )  # the precompressed .gz the worker fetches, and the plain one
    page.goto(impatient_server.url + "quiz/")
    answers = vector_for_total(58)
    answer(page, answers)
    _assert_scoring_by_hand(page, answers)


@pytest.mark.parametrize("name", ["pyodide.asm.wasm", "pyodide.asm.wasm.gz"])
def test_wasm_with_the_wrong_content_type_does_not_hang_the_page(
    page: Page, impatient_server: SiteServer, name: str
) -> None:
    # The plain wasm labelled text/plain (a host that compresses wasm makes the engine fetch that one),
    # or a host's HTML error page sent with status 200 in place of the precompressed one.
    if name.endswith(".gz"):
        impatient_server.overrides[built_file(impatient_server.root, name)] = Override(
            content_type="text/html", body=b"<!doctype html><p>Not here"
        )
    else:
        impatient_server.overrides[built_file(impatient_server.root, name)] = Override(
            content_type="text/plain"
        )
        page.route(
            "**/pyodide.asm.wasm",
            lambda route: (
                route.fulfill(
                    status=200,
                    headers={"Content-Encoding": "br", "Content-Type": "application/wasm"},
                    body=b"",
                )
                if route.request.method == "HEAD"
                else route.fallback()
            ),
        )
    page.expected_problems += ["wasm", "Wasm", "WebAssembly", "MIME"]  # type: ignore[attr-defined]
    try:
        page.goto(impatient_server.url + "quiz/")
        answers = vector_for_total(44)
        answer(page, answers)
        _assert_scoring_by_hand(page, answers)
    finally:
        impatient_server.overrides.clear()


def test_missing_worker_script_falls_back(page: Page, impatient_server: SiteServer) -> None:
    impatient_server.overrides[built_file(impatient_server.root, "worker.mjs")] = Override(
        status=404
    )
    page.expected_problems += ["Failed to load resource", "404"]  # type: ignore[attr-defined]
    try:
        page.goto(impatient_server.url + "quiz/")
        answers = vector_for_total(25)
        answer(page, answers)
        _assert_scoring_by_hand(page, answers)
        expect(page.locator("[data-sg-status]")).to_contain_text("script")
    finally:
        impatient_server.overrides.clear()


def test_browser_without_module_workers_falls_back(
    page: Page, impatient_server: SiteServer
) -> None:
    page.add_init_script(
        """window.Worker = class { constructor(url, options) {
             if (options && options.type === 'module') throw new TypeError('Module scripts are not supported');
           } };"""
    )
    page.goto(impatient_server.url + "quiz/")
    answers = vector_for_total(90)
    answer(page, answers)
    _assert_scoring_by_hand(page, answers)
    expect(page.locator("[data-sg-status]")).to_contain_text("cannot run it")


# --------------------------------------------------------------- no script


def test_without_javascript_the_guide_reads_and_the_quiz_is_a_worksheet(
    browser: Browser, server: SiteServer
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(server.url)
        expect(page.locator("h1")).to_contain_text("Sales and Marketing")
        expect(page.locator(".grid.cards")).to_contain_text("Integrated")
        page.goto(server.url + "quiz/")
        expect(page.locator("fieldset[data-statement]")).to_have_count(len(QUIZ.statements))
        for statement in QUIZ.statements:
            expect(page.locator(f"#sg-q-{statement.id} legend")).to_contain_text(statement.text)
            expect(page.locator(f"#sg-q-{statement.id} input[type=radio]")).to_have_count(
                len(QUIZ.scale) + (QUIZ.unsure is not None)
            )
        key = page.locator("[data-sg-key]")
        expect(key).to_be_visible()
        for stage in QUIZ.stages:
            expect(key).to_contain_text(stage.title)
        expect(page.locator("[data-sg-status]")).to_be_hidden()
        page.emulate_media(media="print")
        expect(key).to_be_visible()
        expect(page.locator(".md-header")).to_be_hidden()
    finally:
        context.close()


# ------------------------------------------------------- hostile share codes


HOSTILE_FRAGMENTS = [
    ("#a=%22%3E%3Cimg%20src%3Dx%20onerror%3D%22window.__pwned%3D1%22%3E", "is not a share code"),
    ("#a=<script>window.__pwned=1</script>", "is not a share code"),
    ("#a=" + "5" * 1_000_000, "far longer than any real code"),
    ("#a=sales-marketing.1.５５５５５５５５５５５５５５５５５５５５", "is not a share code"),
    ("#a=sales%252Dmarketing.1." + "3" * 20, "is not a share code"),
    ("#a=sales-marketing%2E1%2E" + "3" * 20 + "%7Eg%3Cb%3E", "is not a share code"),
    ("#a=sales-marketing.2." + "3" * 20 + "~gboss", "'boss' is not a group"),
    ("#a=team-sport.3.432104", "is for the quiz 'team-sport'"),
    ("#a=sales-marketing.9." + "3" * 20, "version 9"),
]


@pytest.mark.parametrize(
    ("fragment", "message"),
    HOSTILE_FRAGMENTS,
    ids=[f"case{i}" for i in range(len(HOSTILE_FRAGMENTS))],
)
def test_hostile_share_codes_are_refused_and_the_page_stays_usable(
    page: Page, server: SiteServer, fragment: str, message: str
) -> None:
    page.goto(server.url + "quiz/" + fragment)
    notice = page.locator("[data-sg-notice]")
    expect(notice).to_contain_text(message, timeout=60_000)
    assert page.evaluate("window.__pwned") is None
    assert page.locator("[data-sg-notice] *").count() == 0, "the message is text, never markup"
    answers = vector_for_total(62)
    answer(page, answers)
    expect(submit(page)).to_have_attribute("data-stage", score(QUIZ, answers).stage.id)


# ------------------------------------------------------------- localStorage


def _with_storage(page: Page, server: SiteServer, value: str) -> None:
    page.add_init_script(f"localStorage.setItem({json.dumps(STORAGE_KEY)}, {json.dumps(value)})")
    page.goto(server.url + "quiz/")
    wait_engine(page)


@pytest.mark.parametrize(
    ("stored", "notice"),
    [
        ("{not json", "could not be read"),
        ('"just a string"', "could not be read"),
        (
            json.dumps(
                {
                    "version": QUIZ.version - 1 if QUIZ.version > 1 else 0,
                    "answers": {QUIZ.statements[0].id: 5},
                }
            ),
            "earlier version",
        ),
    ],
)
def test_unreadable_or_outdated_saved_answers_are_not_shown(
    page: Page, server: SiteServer, stored: str, notice: str
) -> None:
    _with_storage(page, server, stored)
    expect(page.locator("[data-sg-notice]")).to_contain_text(notice)
    assert checked_answers(page) == [None] * len(QUIZ.statements)


def test_saved_values_off_the_scale_are_dropped(page: Page, server: SiteServer) -> None:
    ids = [s.id for s in QUIZ.statements]
    saved = {ids[0]: 4, ids[1]: 9, ids[2]: "5", ids[3]: 2.5, ids[4]: 0, "unknown-id": 3, ids[5]: 1}
    _with_storage(page, server, json.dumps({"version": QUIZ.version, "answers": saved}))
    assert checked_answers(page)[:7] == [4, None, None, None, None, 1, None]
    expect(page.locator("[data-sg-progress]")).to_have_text(f"2 of {len(ids)} answered")


def test_quiz_works_when_storage_refuses_writes(page: Page, server: SiteServer) -> None:
    page.add_init_script(
        "Storage.prototype.setItem = function () "
        "{ throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); };"
    )
    page.goto(server.url + "quiz/")
    answers = vector_for_total(83)
    answer(page, answers)
    expect(page.locator("[data-sg-notice]")).to_contain_text("not letting the page save")
    expect(submit(page)).to_have_attribute("data-stage", "integrated")


def test_quiz_works_when_storage_is_missing_entirely(page: Page, server: SiteServer) -> None:
    # Material's inline palette script reads localStorage unguarded and logs the exception; ours do not.
    page.expected_problems.append("page error: denied")  # type: ignore[attr-defined]
    page.add_init_script(
        "Object.defineProperty(window, 'localStorage', "
        "{ get() { throw new DOMException('denied', 'SecurityError'); } });"
    )
    page.goto(server.url + "quiz/")
    answers = vector_for_total(35)
    answer(page, answers)
    expect(submit(page)).to_have_attribute("data-stage", "undefined")


# ----------------------------------------------------------- quiz text


def test_html_in_quiz_text_is_shown_as_text(page: Page, tmp_path: Path) -> None:
    text = (SAMPLE_QUIZ).read_text(encoding="utf-8")
    first = QUIZ.statements[0]
    payload = '<script>window.__pwned=1</script><b>bold</b> & "quotes"'
    hostile = text.replace(f"text: {json.dumps(first.text)}", f"text: {json.dumps(payload)}", 1)
    hostile = hostile.replace(
        json.dumps(QUIZ.stages[1].summary),
        json.dumps("<img src=x onerror=window.__pwned=2> summary"),
        1,
    )
    assert json.dumps(payload) in hostile and "__pwned=2" in hostile, (
        "the fixture edits must land in the quiz"
    )
    config = variant_config(tmp_path, {}, hostile)
    running = serve_site(config, tmp_path / "site")
    try:
        page.goto(running.url + "quiz/")
        legend = page.locator(f"#sg-q-{first.id} legend")
        expect(legend).to_contain_text(payload)
        assert legend.locator("b, script").count() == 0
        answers = vector_for_total(45)
        answer(page, answers)
        result = submit(page)
        expect(result.locator(".sg-result__summary")).to_have_text(
            "<img src=x onerror=window.__pwned=2> summary"
        )
        assert page.evaluate("window.__pwned") is None
    finally:
        running.stop()
