"""A deploy reaches a returning visitor whole: the new page runs the new build's scripts, quiz and core.

Build 1 is served and visited twice (service worker and interpreter snapshot stored);
then the served folder is replaced, on the same origin, by build 2, whose quiz is
the next version with a reworded statement and a moved band, and whose scoring core is a
patched copy that marks its replies. The next visits must be scored by build 2's core
with build 2's quiz, first from the network and then from build 2's own snapshot.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from paths import MKDOCS_YML, PYODIDE, REPO, SAMPLE_QUIZ
from playwright.sync_api import Page, expect
from sitebuild import build_site, built_file, serve_site, variant_config

import stageguide

from .quizpage import QUIZ, answer, poll, submit, vector_for_total, wait_engine, wait_until_cached

MARKER = "second build"
WHEEL = f"stageguide-{stageguide.__version__}-cp314-none-any.whl"
NEXT = QUIZ.version + 1  # build 2's quiz version
REWORDED = "Our sales forecasts hold up, quarter after quarter (reworded for the second build)."


def _patched_project(folder: Path) -> Path:
    """A project folder whose scoring core marks every score reply; the runtime is hard-linked, not copied."""
    shutil.copytree(
        REPO / "src" / "stageguide",
        folder / "src" / "stageguide",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copyfile(REPO / "package.json", folder / "package.json")
    shutil.copytree(
        PYODIDE,
        folder / "node_modules" / "pyodide",
        copy_function=os.link,
    )
    api = folder / "src" / "stageguide" / "core" / "api.py"
    text = api.read_text(encoding="utf-8")
    original = 'return score(quiz, data.get("answers")).to_dict()'
    assert original in text
    api.write_text(
        text.replace(
            original, f'return {{**score(quiz, data.get("answers")).to_dict(), "core": {MARKER!r}}}'
        ),
        encoding="utf-8",
    )
    return folder


def _second_quiz() -> str:
    """The next version: statement 1 reworded, and a total of 60 moves from Aligned down to Defined."""
    text = (SAMPLE_QUIZ).read_text(encoding="utf-8")
    first = QUIZ.statements[0].text
    changed = (
        text.replace(f"version: {QUIZ.version}\n", f"version: {NEXT}\n", 1)
        .replace(first, REWORDED, 1)
        .replace("band: {min: 40, max: 59}", "band: {min: 40, max: 60}", 1)
        .replace("band: {min: 60, max: 79}", "band: {min: 61, max: 79}", 1)
    )
    assert (
        changed.count(REWORDED) == 1 and f"version: {NEXT}\n" in changed and "max: 60}" in changed
    )
    return changed


def _core_reply(page: Page) -> dict:
    return page.evaluate(
        """(answers) => window.stageguide.engine.request('score', {quiz: 'sales-marketing', answers})""",
        vector_for_total(60),
    )


def _snapshot_saved(page: Page, name: str) -> None:
    poll(
        page,
        f"""async () => {{
             for (const cache of await caches.keys()) {{
               const keys = (await (await caches.open(cache)).keys()).map((r) => r.url);
               if (keys.some((u) => u.endsWith({name!r}))) return true;
             }}
             return false;
           }}""",
    )


def _snapshot_name(site: Path) -> str:
    html = (site / "quiz" / "index.html").read_text(encoding="utf-8")
    start = html.index("interpreter-")
    return html[start : html.index(".snapshot", start) + len(".snapshot")]


def test_a_deploy_reaches_a_returning_visitor_whole(page: Page, tmp_path: Path) -> None:
    site = tmp_path / "site"
    server = serve_site(MKDOCS_YML, site)
    try:
        old_wheel = built_file(site, WHEEL)

        # Build 1, visited twice: service worker, cache and snapshot in place.
        page.goto(server.url + "quiz/")
        wait_engine(page)
        [old_cache] = wait_until_cached(page)
        _snapshot_saved(page, _snapshot_name(site))
        second = page.context.new_page()
        second.goto(server.url + "quiz/")
        wait_engine(second)
        assert second.evaluate("window.stageguide.engine.startedFrom()") == "snapshot"
        assert "core" not in _core_reply(second), "build 1's core does not mark its replies"
        answer(second, vector_for_total(60))
        expect(submit(second)).to_have_attribute("data-stage", "aligned")
        second.close()

        # Build 2 replaces the served folder, same origin, same path.
        project = _patched_project(tmp_path / "project")
        config = variant_config(
            tmp_path / "v2", {"node_modules": str(project / "node_modules")}, _second_quiz()
        )
        # The plugin compiles the core of the stageguide package it runs from: import the patched copy.
        patched = {"PYTHONPATH": str(project / "src")}
        staged = build_site(config, tmp_path / "site2", site_url=server.url, env=patched)
        for child in site.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()
        shutil.copytree(staged, site, dirs_exist_ok=True)
        new_wheel = built_file(site, WHEEL)
        assert new_wheel != old_wheel, "the changed core gives the wheel a new URL"
        worker = built_file(site, "worker.mjs")
        wheel_requests: list[str] = []

        # The returning visitor, still under build 1's service worker.
        third = page.context.new_page()
        workers: list[str] = []
        third.on("worker", lambda started: workers.append(started.url))
        third.context.on(
            "request",
            lambda request: (
                wheel_requests.append(request.url) if request.url.endswith(".whl") else None
            ),
        )
        third.goto(server.url + "quiz/")
        expect(third.locator(f"#sg-q-{QUIZ.statements[0].id} legend")).to_contain_text(REWORDED)
        wait_engine(third)
        assert [url for url in workers if "/worker." in url] == [server.url + worker]
        assert set(wheel_requests) <= {server.url + new_wheel}, (
            f"build 1's wheel was asked for: {wheel_requests}"
        )
        assert _core_reply(third)["core"] == MARKER
        answer(third, vector_for_total(60))
        expect(submit(third)).to_have_attribute("data-stage", "defined")
        assert f"#a={QUIZ.id}.{NEXT}." in third.url
        shared = third.url
        new_cache = poll(
            third,
            f"""async () => {{
                 const names = (await caches.keys()).filter((n) => n.startsWith('stageguide-'));
                 const reg = await navigator.serviceWorker.getRegistration();
                 if (names.length !== 1 || names[0] === {old_cache!r}) return false;
                 if (!reg || !reg.active || reg.installing || reg.waiting) return false;
                 return names[0];
               }}""",
        )
        _snapshot_saved(third, _snapshot_name(site))
        third.close()

        # And the next visit starts from build 2's own snapshot, with build 2's core.
        fourth = page.context.new_page()
        fourth.goto(shared)
        expect(fourth.locator("[data-quiz-result]")).to_have_attribute(
            "data-stage", "defined", timeout=60_000
        )
        assert fourth.evaluate("window.stageguide.engine.startedFrom()") == "snapshot"
        assert _core_reply(fourth)["core"] == MARKER
        old_keys = fourth.evaluate(
            f"""async () => (await caches.keys()).filter((n) => n.startsWith('stageguide-') && n !== {new_cache!r})"""
        )
        assert old_keys == [], "build 1's cache is cleaned up"
        fourth.close()
    finally:
        server.stop()
