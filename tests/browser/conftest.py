"""Browser fixtures: a real `mkdocs build`, a local server, and Debian's Chromium.

Every browser test fails if the page logs an error or asks for anything that is
not on 127.0.0.1, and pytest-playwright saves a screenshot when a test fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Request

from stageguide.buildtools.staticserver import SiteServer

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("STAGEGUIDE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ENGINE_READY_MS = 60_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Use the system Chromium: Playwright's own browser download cannot run here."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; install it with `apt-get install -y chromium` (or set STAGEGUIDE_CHROMIUM)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


def build_site(config: Path, dest: Path, site_url: str | None = None) -> Path:
    """A real, strict `mkdocs build` of the given config into dest.

    site_url should be where the site is served: Material's instant navigation
    only takes over links that match the sitemap's host, port and path.
    """
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    if site_url:
        env["SITE_URL"] = site_url
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config), "-d", str(dest)],
        cwd=config.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        pytest.fail(f"mkdocs build failed for {config}:\n{result.stdout}\n{result.stderr}")
    return dest


def serve_site(config: Path, dest: Path, prefix: str = "/") -> SiteServer:
    """Start a server first (to learn its address), then build the site for that address into dest."""
    dest.mkdir(parents=True, exist_ok=True)
    running = SiteServer(dest, prefix=prefix).start()
    try:
        build_site(config, dest, site_url=running.url)
    except BaseException:
        running.stop()
        raise
    return running


def variant_config(folder: Path, plugin: dict[str, Any], quiz_text: str | None = None) -> Path:
    """A mkdocs.yml that inherits the real site but changes the plugin's options (and maybe the quiz)."""
    folder.mkdir(parents=True, exist_ok=True)
    options = {"quiz": str(REPO / "quiz" / "sales-marketing.yml"), "node_modules": str(REPO / "node_modules"), **plugin}
    if quiz_text is not None:
        quiz = folder / "quiz.yml"
        quiz.write_text(quiz_text, encoding="utf-8")
        options["quiz"] = str(quiz)
    config = folder / "mkdocs.yml"
    config.write_text(
        json.dumps({"INHERIT": str(REPO / "mkdocs.yml"), "docs_dir": str(REPO / "docs"), "plugins": ["search", {"stageguide": options}]}),
        encoding="utf-8",
    )
    return config


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    running = serve_site(REPO / "mkdocs.yml", tmp_path_factory.mktemp("site") / "site")
    yield running
    running.stop()


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
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.context.route("**/*", block_outside)
    page.expected_problems = []  # type: ignore[attr-defined]  # tests that provoke errors list them here
    yield page
    expected = page.expected_problems  # type: ignore[attr-defined]
    unexpected = [p for p in problems if not any(fragment in p for fragment in expected)]
    assert not unexpected, "the page misbehaved:\n" + "\n".join(unexpected)
