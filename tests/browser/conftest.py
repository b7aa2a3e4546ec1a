"""Browser fixtures: a real `mkdocs build`, a local server, and Debian's Chromium.

Every browser test fails if the page logs an error or asks for anything that is
not on 127.0.0.1, and pytest-playwright saves a screenshot when a test fails.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from paths import MKDOCS_YML
from playwright.sync_api import Page, Request
from sitebuild import run_zensical_build, serve_site, zensical_missing

from stageguide.buildtools.chromium import CHROMIUM, CHROMIUM_FLAGS
from stageguide.buildtools.staticserver import SiteServer


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Use the system Chromium: Playwright's own browser download cannot run here."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}; install it with `apt-get install -y chromium` (or "
            "set STAGEGUIDE_CHROMIUM)"
        )
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def mkdocs_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    running = serve_site(MKDOCS_YML, tmp_path_factory.mktemp("site") / "site")
    yield running
    running.stop()


@pytest.fixture(scope="session")
def server(mkdocs_server: SiteServer) -> SiteServer:
    """The site as MkDocs builds it, the primary path every browser test uses."""
    return mkdocs_server


@pytest.fixture(scope="session")
def zensical_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    """The same site built by `zensical build` plus `python -m stageguide.sitestep`."""
    reason = zensical_missing()
    if reason:
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("zensical")
    dest = folder / "site"
    dest.mkdir()
    with SiteServer(dest) as running:
        step = run_zensical_build(folder, site_url=running.url)
        if step.returncode != 0:
            pytest.fail(f"the step after zensical build failed:\n{step.stdout}\n{step.stderr}")
        yield running


@pytest.fixture(scope="session")
def built_site(server: SiteServer) -> Path:
    return server.root


@pytest.fixture()
def fresh_server(built_site: Path, tmp_path: Path) -> Iterator[SiteServer]:
    """A server of one's own (on a copy of the site), for tests that change responses or files."""
    copy = tmp_path / "site"
    shutil.copytree(built_site, copy)
    with SiteServer(copy) as running:
        yield running


@pytest.fixture()
def page(page: Page) -> Iterator[Page]:
    """The pytest-playwright page, guarded: no request may leave 127.0.0.1, no error may be logged."""
    problems: list[str] = []

    def on_request(request: Request) -> None:
        if not request.url.startswith(("http://127.0.0.1:", "blob:", "data:")):
            problems.append(f"request left 127.0.0.1: {request.url}")

    def block_outside(route: Any) -> None:
        if route.request.url.startswith("http://127.0.0.1:"):
            route.fallback()
        else:
            route.abort()

    page.on("request", on_request)
    page.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.context.route("**/*", block_outside)
    page.expected_problems = []  # type: ignore[attr-defined]  # tests that provoke errors list them here
    yield page
    expected = page.expected_problems  # type: ignore[attr-defined]
    unexpected = [p for p in problems if not any(fragment in p for fragment in expected)]
    assert not unexpected, "the page misbehaved:\n" + "\n".join(unexpected)
