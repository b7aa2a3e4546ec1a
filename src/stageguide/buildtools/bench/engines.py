"""`python build.py bench --engines chromium,firefox,webkit`: cold and warm starts per browser engine.

The same built site (served on 127.0.0.1 with text gzipped, as GitHub Pages serves
it) is opened in each engine through the engine-neutral drivers of the browser tests
(stageguide.buildtools.browsers). Runs are interleaved (run 1 in every engine, then
run 2, ...), so a machine that gets busier mid-bench slows every engine alike and the
ratios stay fair. One run of one engine:

- cold: a fresh profile opens the quiz page; the figure is the page's own clock
  (ms since navigation start) when the engine became ready;
- warm: once the interpreter snapshot is in the site's cache, the same profile opens
  the quiz page again; same figure.

The budget is issue 18's: WebKit's cold start within 1.5x Chromium's (report.py). Like
the main bench, a missed budget exits 0; only an error exits 2.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import BuildError
from ..sitebuild import build_site
from .builds import start_server
from .machine import load_average
from .pages import find_pages
from .probe import wait_snapshot
from .report import engine_report
from .stats import interleaved

Say = Callable[[str], None]

SNAPSHOT_TIMEOUT_S = 30

# Resolves once the quiz's engine is ready (or failed): its ready time and how it started.
_READY = """async () => {
  const root = document.querySelector('[data-stageguide-quiz]');
  if (!root) return { failed: 'no quiz on this page' };
  while (root.dataset.engine !== 'ready') {
    if (root.dataset.engine === 'failed') {
      const status = document.querySelector('[data-sg-status]');
      return { failed: status ? status.textContent : 'failed' };
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { ready_ms: window.stageguide.engine.readyAt(), from: window.stageguide.engine.startedFrom() };
}"""


def parse_engines(text: str) -> list[str]:
    """The comma-separated engine list of --engines, checked."""
    from ..browsers import ENGINES

    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in ENGINES]
    if unknown or not names:
        raise BuildError(
            f"--engines: unknown engine {', '.join(map(repr, unknown)) or '(none given)'}; "
            f"choose from {', '.join(ENGINES)}"
        )
    return list(dict.fromkeys(names))


def measure_engines(
    root: Path, config: Path, engines: list[str], runs: int, say: Say
) -> dict[str, Any]:
    """Build, serve, and time cold and warm starts in each engine, interleaved."""
    from ..browsers import missing, open_engine

    absent = {name: reason for name in engines if (reason := missing(name))}
    if absent:
        raise BuildError("; ".join(f"{name}: {reason}" for name, reason in absent.items()))
    quiz_url = find_pages(config).quiz_url
    samples: dict[str, dict[str, list[float]]] = {
        name: {"cold_ms": [], "warm_ms": []} for name in engines
    }
    started_from: dict[str, dict[str, list[str]]] = {
        name: {"cold": [], "warm": []} for name in engines
    }
    versions: dict[str, str] = {}
    load = [load_average()]
    with tempfile.TemporaryDirectory(prefix="stageguide-engines-") as temp_name:
        site = Path(temp_name) / "site"
        site.mkdir()
        server = start_server(site)
        playwright = None
        opened: dict[str, Any] = {}
        try:
            say("building the site for the bench server")
            build_site(config, site, server.url)
            chromium_browser = None
            if "chromium" in engines:
                from playwright.sync_api import sync_playwright

                from ..chromium import CHROMIUM, CHROMIUM_FLAGS

                playwright = sync_playwright().start()
                chromium_browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=CHROMIUM_FLAGS
                )
            for name in engines:
                opened[name] = open_engine(name, chromium_browser)
            for run, name in interleaved(runs, engines):
                began = time.monotonic()
                cold, warm = _one_run(opened[name], server.url + quiz_url)
                samples[name]["cold_ms"].append(cold["ready_ms"])
                started_from[name]["cold"].append(cold["from"])
                if warm is not None:
                    samples[name]["warm_ms"].append(warm["ready_ms"])
                    started_from[name]["warm"].append(warm["from"])
                versions[name] = getattr(opened[name], "version", "")
                warm_text = (
                    f"warm {warm['ready_ms']:,.0f} ms ({warm['from']})"
                    if warm
                    else "no snapshot saved, no warm figure"
                )
                say(
                    f"run {run + 1} of {runs}: {name} cold {cold['ready_ms']:,.0f} ms "
                    f"({cold['from']}), {warm_text} [{time.monotonic() - began:.0f} s]"
                )
        finally:
            for engine in opened.values():
                engine.close()
            if playwright is not None:
                playwright.stop()
            server.stop()
    load.append(load_average())
    return engine_report(runs, samples, started_from, versions, load)


def _one_run(engine: Any, url: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    page = engine.new_page()
    try:
        page.goto(url)
        cold = _ready(page, "cold")
        if not wait_snapshot(page.evaluate, time.sleep, SNAPSHOT_TIMEOUT_S):
            return cold, None
        page.goto("about:blank")
        page.goto(url)
        return cold, _ready(page, "warm")
    finally:
        page.close()


def _ready(page: Any, which: str) -> dict[str, Any]:
    outcome: dict[str, Any] = page.evaluate(_READY)
    if "failed" in outcome:
        raise BuildError(
            f"{page.engine}: the engine failed to start ({which}): {outcome['failed']}"
        )
    return outcome
