"""The service worker: a repeat visit works with no network, and a new build replaces the old cache."""

from __future__ import annotations

from pathlib import Path

import pytest
from paths import MKDOCS_YML, SAMPLE_QUIZ
from playwright.sync_api import Page, expect
from sitebuild import build_site, built_file, serve_site, variant_config

from stageguide.buildtools.staticserver import SiteServer
from stageguide.core import encode

from .quizpage import QUIZ, answer, poll, submit, vector_for_total, wait_engine, wait_until_cached

# Written around this repository's sample (its stages, groups and figures): skipped in a site
# that has replaced it (tests/sitecontent.py); test_example_site.py drives any other model.
pytestmark = pytest.mark.sample


def test_guide_pages_do_not_register_the_service_worker(page: Page, server: SiteServer) -> None:
    page.goto(server.url + "stages/defined/")
    page.wait_for_timeout(500)
    assert (
        page.evaluate("async () => (await navigator.serviceWorker.getRegistrations()).length") == 0
    )


def test_second_visit_works_with_the_network_gone(page: Page, fresh_server: SiteServer) -> None:
    page.goto(fresh_server.url + "quiz/")
    wait_engine(page)
    wait_until_cached(page)
    url = fresh_server.url
    fresh_server.stop()  # nothing answers on that port any more

    answers = vector_for_total(71)
    again = page.context.new_page()
    again.goto(url + "quiz/#a=" + encode(QUIZ, answers))
    expect(again.locator("[data-quiz-result]")).to_have_attribute(
        "data-total", "71", timeout=60_000
    )
    again.locator(
        "[data-sg-view='mine']"
    ).click()  # leave the shared result for the visitor's own quiz
    answer(again, vector_for_total(22))
    expect(submit(again)).to_have_attribute("data-stage", "undefined")
    again.close()


def test_a_new_build_replaces_the_old_cache(page: Page, tmp_path: Path) -> None:
    site = tmp_path / "site"
    server = serve_site(MKDOCS_YML, site)
    try:
        page.goto(server.url + "quiz/")
        wait_engine(page)
        [old] = wait_until_cached(page)

        text = (SAMPLE_QUIZ).read_text(encoding="utf-8")
        intro = next(
            line for line in text.splitlines() if line.startswith("intro: ")
        )  # as written, quotes escaped
        changed = text.replace(intro, 'intro: "A brand new introduction for the second build."', 1)
        assert changed != text
        build_site(variant_config(tmp_path / "v2", {}, changed), site, site_url=server.url)
        assert "A brand new introduction" in (site / "quiz" / "index.html").read_text(
            encoding="utf-8"
        )

        page.goto(server.url + "quiz/")
        expect(page.locator(".sg-intro")).to_have_text(
            "A brand new introduction for the second build."
        )
        wait_engine(page)
        new = poll(
            page,
            f"""async () => {{
                 const names = (await caches.keys()).filter((n) => n.startsWith('stageguide-'));
                 const reg = await navigator.serviceWorker.getRegistration();
                 if (names.length !== 1 || names[0] === {old!r} || !reg || reg.installing || reg.waiting) return false;
                 const version = names[0].slice('stageguide-'.length);
                 if (!reg.active || !reg.active.scriptURL.endsWith('v=' + version)) return false;
                 const keys = (await (await caches.open(names[0])).keys()).map((r) => r.url);
                 return keys.some((u) => u.endsWith('/pyodide.asm.wasm.gz')) ? names[0] : false;
               }}""",
        )
        assert new != old
        cached_quiz = page.evaluate(
            f"""async () => {{
                 const cache = await caches.open({new!r});
                 const url = new URL({built_file(site, "sales-marketing.json")!r}, {server.url!r});
                 const hit = await cache.match(url.href);
                 return (await hit.json()).intro;
               }}"""
        )
        assert cached_quiz == "A brand new introduction for the second build."
    finally:
        server.stop()


def _snapshot_saved(page: Page) -> bool:
    return poll(
        page,
        """async () => {
             for (const name of await caches.keys()) {
               const keys = (await (await caches.open(name)).keys()).map((r) => r.url);
               if (keys.some((u) => u.endsWith('.snapshot'))) return true;
             }
             return false;
           }""",
    )


def test_a_repeat_visit_restores_the_interpreter_snapshot(page: Page, server: SiteServer) -> None:
    page.goto(server.url + "quiz/")
    wait_engine(page)
    assert page.evaluate("window.stageguide.engine.startedFrom()") == "cold"
    _snapshot_saved(page)
    # Kept as it is, not gzipped: unpacking it would cost a warm visit about 0.3 s.
    stored = page.evaluate(
        """async () => {
             for (const name of await caches.keys()) {
               const cache = await caches.open(name);
               for (const request of await cache.keys()) {
                 if (!request.url.endsWith('.snapshot')) continue;
                 const bytes = new Uint8Array(await (await cache.match(request)).arrayBuffer());
                 return { size: bytes.length, gzip: bytes[0] === 0x1f && bytes[1] === 0x8b };
               }
             }
             return null;
           }"""
    )
    assert stored and not stored["gzip"] and stored["size"] > 10_000_000, stored
    # The snapshot can be stored before the service worker has finished installing; a real repeat
    # visit comes later, so this one waits for it too (else the new page is not controlled).
    wait_until_cached(page)
    # On the repeat visit the engine worker reads the runtime, the wheel and the quiz straight
    # from the service worker's cache: none of them is even requested (JS modules aside).
    requested: list[str] = []
    page.context.on("request", lambda request: requested.append(request.url))
    again = page.context.new_page()
    answers = vector_for_total(57)
    again.goto(server.url + "quiz/#a=" + encode(QUIZ, answers))
    expect(again.locator("[data-quiz-result]")).to_have_attribute(
        "data-total", "57", timeout=60_000
    )
    assert again.evaluate("window.stageguide.engine.startedFrom()") == "snapshot"
    read_directly = ("pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json", ".whl")
    through_sw = [url for url in requested if any(part in url for part in read_directly)]
    assert not through_sw, through_sw
    assert any("pyodide.asm.mjs" in url for url in requested), requested  # the check can see
    again.locator(
        "[data-sg-view='mine']"
    ).click()  # leave the shared result for the visitor's own quiz
    answer(again, vector_for_total(95))
    expect(submit(again)).to_have_attribute("data-stage", "integrated")
    again.close()


def test_a_damaged_snapshot_falls_back_to_a_normal_start(page: Page, server: SiteServer) -> None:
    page.goto(server.url + "quiz/")
    wait_engine(page)
    _snapshot_saved(page)
    page.evaluate(
        """async () => {
             for (const name of await caches.keys()) {
               const cache = await caches.open(name);
               for (const request of await cache.keys()) {
                 if (request.url.endsWith('.snapshot')) await cache.put(request, new Response('not a snapshot'));
               }
             }
           }"""
    )
    again = page.context.new_page()
    again.goto(server.url + "quiz/")
    wait_engine(again)
    assert again.evaluate("window.stageguide.engine.startedFrom()") == "cold"
    answer(again, vector_for_total(33))
    expect(submit(again)).to_have_attribute("data-stage", "undefined")
    again.close()
