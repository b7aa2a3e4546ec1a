"""One served site in headless Chromium: each method measures one kind of visit.

Every browser figure is taken in the page itself (performance.now() since navigation
start, noted by the probe), every byte figure from Chromium's own count of what
crossed the network (traffic.py).
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...core import encode
from ..chromium import CHROMIUM_FLAGS
from ..errors import BuildError
from .layout import BASELINE_DIR, is_runtime
from .pages import SitePages
from .probe import (
    PROBE,
    SNAPSHOT_WAIT_S,
    WAIT_MS,
    engine_worker_start,
    first_line,
    marks,
    need,
    probe,
    wait_mark,
    wait_snapshot,
)
from .stats import median, percentile
from .traffic import Traffic, relative, started, transferred

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright

    from .builds import Baselines

# What the baseline worker reports about its own start (baseline-worker.mjs), in ms.
BASELINE_PHASES = ("pyodide_mjs_and_wheel_ms", "load_pyodide_ms", "wheel_and_import_ms")
SUBMITS = 20
PAGE_VISITS_PER_RUN = 5  # guide and quiz page visits per run (figure 1), in pairs
SW_LOOK_MS = 8_000  # how long to look for a service worker once the engine is ready (engine.js waits ~2 s, then idle)
SW_READY_MS = 60_000


@dataclass
class Samples:
    """Per-run figures by name, every run's submits and engine requests, plus what only the first run records."""

    values: dict[str, list[float]] = field(default_factory=dict)
    submits: list[float] = field(default_factory=list)
    requests: list[float] = field(default_factory=list)
    timeline: list[dict[str, Any]] = field(default_factory=list)
    runtime_requests: dict[str, list[str]] = field(default_factory=dict)
    service_worker: dict[str, bool] = field(default_factory=dict)
    outside: list[str] = field(default_factory=list)
    quiz_cold_files: list[dict[str, Any]] = field(default_factory=list)

    def add(self, name: str, value: float) -> None:
        self.values.setdefault(name, []).append(value)


class Session:
    """One served site; each method measures one kind of visit.

    Short cold visits use a fresh (in-memory) context of one browser. Visits that
    load the runtime get a fresh on-disk profile of their own: an in-memory context's
    HTTP cache keeps no entry as large as the 9.6 MB wasm, so a service worker
    installing after a cold visit would fetch it again, which a real profile does not.
    """

    def __init__(
        self,
        playwright: Playwright,
        browser: Browser,
        chromium: Path,
        base: str,
        baselines: Baselines,
        pages: SitePages,
        temp: Path,
    ) -> None:
        self.playwright = playwright
        self.browser = browser
        self.chromium = chromium
        self.temp = temp
        self.base = base
        self.pages = pages
        self.quiz_url = base + pages.quiz_url
        # The reference: a bare page on Pyodide as npm installs it (full stdlib, sources only).
        self.baseline_url = f"{base}{BASELINE_DIR}/{baselines.stock}"
        # The same bare page on the site's own runtime: the quiz page's overhead over it is what
        # the page itself adds (its HTML, the theme, the share-link view) to the engine's start.
        self.bare_site_url = f"{base}{BASELINE_DIR}/{baselines.site_runtime}"
        quiz = pages.quiz
        values = [point.value for point in quiz.scale]
        answers = [values[(3 * index + 1) % len(values)] for index in range(len(quiz.statements))]
        self.share_url = f"{self.quiz_url}#a={encode(quiz, answers)}"

    def run_once(self, samples: Samples, first: bool) -> None:
        if first:
            self._static_page(samples, "home", self.pages.home_url)
        # Figure 1 compares two page loads of 80-300 ms on localhost that move by a third from
        # visit to visit (a fresh context's renderer and connections), on the same parse path up
        # to the first statement: so several pairs a run, each pair in the other order from the
        # last, lest the one that follows the heavier visit always pay for it.
        for visit in range(PAGE_VISITS_PER_RUN):
            pair = [self._guide_visit, self._quiz_page]
            for measure in pair if visit % 2 == 0 else reversed(pair):
                measure(samples)
        self._share_link(samples, first)
        self._baseline(samples, "baseline", self.baseline_url)
        self._baseline(samples, "bare_site_runtime", self.bare_site_url)

    # -- contexts --------------------------------------------------------------

    def _context(self) -> BrowserContext:
        context = self.browser.new_context()
        return self._instrument(context)

    def _profile(self) -> BrowserContext:
        """A browser of its own on a new, empty on-disk profile (closing it ends that browser)."""
        folder = Path(tempfile.mkdtemp(prefix="profile-", dir=self.temp))
        try:
            context = self.playwright.chromium.launch_persistent_context(
                str(folder), executable_path=str(self.chromium), args=CHROMIUM_FLAGS
            )
        except Exception as error:  # playwright's Error; imported lazily, like playwright itself
            raise BuildError(
                f"Chromium at {self.chromium} did not start with a profile in {folder}: {first_line(error)}"
            ) from None
        return self._instrument(context)

    def _instrument(self, context: BrowserContext) -> BrowserContext:
        context.add_init_script(path=str(PROBE))
        context.set_default_timeout(WAIT_MS)
        return context

    def _open(self, context: BrowserContext, url: str, wait_until: str = "commit") -> Page:
        page = context.new_page()
        page.goto(url, wait_until=wait_until)  # type: ignore[arg-type]
        return page

    def _until(
        self, context: BrowserContext, url: str, milestone: str, failure: str
    ) -> tuple[Page, dict[str, Any]]:
        """Open url and wait for the milestone; the page and the probe's record."""
        page = self._open(context, url)
        wait_mark(page, milestone, failure)
        return page, probe(page)

    # -- visits ----------------------------------------------------------------

    def _static_page(self, samples: Samples, name: str, path: str) -> None:
        """A guide page, cold, until the network is idle: its heading time (figure 1's counterpart) and bytes."""
        context = self._context()
        try:
            traffic = Traffic(context)
            page = self._open(context, self.base + path, "networkidle")
            noted = marks(page)
            if name == "stage":
                samples.add("guide_content_ms", need(noted, "content", path))
                samples.add("guide_dcl_ms", need(noted, "domContentLoaded", path))
            samples.add(f"bytes_{name}", traffic.bytes(page))
            paths = traffic.paths(self.base)
            found = samples.runtime_requests.setdefault(name, [])
            found += [p for p in paths if is_runtime(p) and p not in found]
            samples.outside += [
                p
                for p in paths
                if p.startswith("http")
                and not p.startswith("http://127.0.0.1")
                and p not in samples.outside
            ]
        finally:
            context.close()

    def _guide_visit(self, samples: Samples) -> None:
        self._static_page(samples, "stage", self.pages.guide_url)

    def _quiz_page(self, samples: Samples) -> None:
        """Figure 1: the quiz page, cold, until quiz.js has mounted the form (the engine is not awaited)."""
        context = self._context()
        try:
            # Nothing is evaluated in the page until DOMContentLoaded, as on the guide page: an
            # early wait_for_function would inject Playwright's scripts while the form parses.
            page = self._open(context, self.quiz_url, "domcontentloaded")
            wait_mark(page, "mounted")
            noted, where = marks(page), self.pages.quiz_url
            for figure, mark in (
                ("quiz_answerable_ms", "answerable"),
                ("quiz_content_ms", "content"),
                ("quiz_dcl_ms", "domContentLoaded"),
                ("quiz_mounted_ms", "mounted"),
            ):
                samples.add(figure, need(noted, mark, where))
        finally:
            context.close()

    def _share_link(self, samples: Samples, first: bool) -> None:
        """Figures 2, 3 and the quiz bytes of 5: a share link cold, then warm visits on the same profile
        (its service worker stopped in between, as it would be by a later visit).

        Then the warm quiz page (bytes until engine ready) and figure 4, its submits, in every run.
        """
        context = self._profile()
        try:
            traffic = Traffic(context)
            page, record = self._until(context, self.share_url, "result", "engineFailed")
            ready = need(record["marks"], "engineReady", "share link")
            samples.add("engine_ready_cold_ms", ready)
            samples.add("share_cold_ms", need(record["marks"], "result", "share link"))
            samples.add("engine_worker_start_ms", engine_worker_start(record))
            samples.add("bytes_quiz_cold", traffic.bytes(page, 0, record["timeOrigin"] + ready))
            if first:
                samples.timeline = timeline(traffic, self.base, record)
                samples.quiz_cold_files = traffic.files(self.base, record["timeOrigin"] + ready)
            sw = page.evaluate(
                "([look, ready]) => window.__stageguideBench.waitServiceWorker(look, ready)",
                [SW_LOOK_MS, SW_READY_MS],
            )
            snapshot_saved = bool(sw["active"]) and wait_snapshot(
                page.evaluate, lambda s: page.wait_for_timeout(s * 1000), SNAPSHOT_WAIT_S
            )
            samples.add(
                "bytes_quiz_cold_visit", traffic.bytes(page)
            )  # with what a service worker fetched to install
            stop_service_workers(context, page)
            page.close()

            warm, record = self._until(context, self.share_url, "result", "engineFailed")
            samples.add("share_warm_ms", need(record["marks"], "result", "warm share link"))
            controlled = bool(record["controlled"])
            started_from = warm.evaluate(
                "window.stageguide ? window.stageguide.engine.startedFrom() : ''"
            )
            warm.close()
            samples.service_worker = {
                "registered": samples.service_worker.get("registered", False)
                or bool(sw["registered"]),
                "active": samples.service_worker.get("active", False) or bool(sw["active"]),
                "controlled_warm": samples.service_worker.get("controlled_warm", False)
                or controlled,
                "snapshot_saved": samples.service_worker.get("snapshot_saved", False)
                or snapshot_saved,
                "warm_started_from": started_from,
            }
            start = traffic.mark()
            quiz, record = self._until(context, self.quiz_url, "engineReady", "engineFailed")
            ready = need(record["marks"], "engineReady", "warm quiz page")
            samples.add("engine_ready_warm_ms", ready)
            samples.add("bytes_quiz_warm", traffic.bytes(quiz, start, record["timeOrigin"] + ready))
            # Every run submits on a page of its own: a p95 of one page's 20 submits is in
            # effect its slowest two (the first submit renders the result for the first time),
            # so the figure is each run's, and the report takes their median like the others.
            submits, requests = self._submits(quiz)
            samples.submits += submits
            samples.requests += requests
            samples.add("submit_first_ms", round(submits[0], 1))
            samples.add("submit_median_ms", median(submits))
            samples.add("submit_p95_ms", round(percentile(submits, 95), 1))
            samples.add("engine_request_median_ms", median(requests))
            samples.add("engine_request_p95_ms", round(percentile(requests, 95), 1))
        finally:
            context.close()

    def _submits(self, page: Page) -> tuple[list[float], list[float]]:
        """Figure 4: answer every statement, then submit SUBMITS times, changing one answer in between.

        Then as many bare engine requests with the same kind of answers, to tell the
        engine's share of a submit from the page's (rendering the result).
        """
        settings = json.loads(
            page.locator("[data-stageguide-quiz]").get_attribute("data-sg-settings") or "{}"
        )
        quiz_id: str = settings["quiz"]["id"]
        statements: list[str] = settings["quiz"]["statements"]
        scale: list[int] = settings["quiz"]["scale"]
        chosen = {statement: index % len(scale) for index, statement in enumerate(statements)}

        def pick(statement: str) -> None:
            page.locator(f"#sg-q-{statement} label.sg-option").nth(chosen[statement]).click()

        def change(index: int) -> str:
            statement = statements[(index - 1) % len(statements)]
            chosen[statement] = (chosen[statement] + 1) % len(scale)
            return statement

        for statement in statements:
            pick(statement)
        submits = []
        for index in range(SUBMITS):
            if index:
                pick(change(index))
            submits.append(
                float(page.evaluate("(ms) => window.__stageguideBench.timeSubmit(ms)", WAIT_MS))
            )
        requests = []
        for index in range(SUBMITS):
            change(index + 1)
            data = {
                "quiz": quiz_id,
                "answers": [scale[chosen[s]] for s in statements],
                "group": None,
                "name": None,
            }
            requests.append(
                float(
                    page.evaluate(
                        "([type, data]) => window.__stageguideBench.timeRequest(type, data)",
                        ["result", data],
                    )
                )
            )
        return submits, requests

    def _baseline(self, samples: Samples, prefix: str, url: str) -> None:
        """Figure 6: the bare page that only starts Pyodide and imports the wheel, cold, on a new profile."""
        context = self._profile()
        try:
            traffic = Traffic(context)
            page, record = self._until(context, url, "baselineReady", "baselineFailed")
            ready = need(record["marks"], "baselineReady", f"bare page {url}")
            samples.add(f"{prefix}_ready_ms", ready)
            samples.add(f"{prefix}_worker_start_ms", min(w["at"] for w in record["workers"]))
            samples.add(f"bytes_{prefix}", traffic.bytes(page, 0, record["timeOrigin"] + ready))
            phases = page.evaluate(
                "() => JSON.parse(document.documentElement.dataset.phases || '{}')"
            )
            for name in BASELINE_PHASES:
                samples.add(f"{prefix}_{name}", float(phases[name]))
        finally:
            context.close()


def stop_service_workers(context: BrowserContext, page: Page) -> None:
    """Stop the profile's service workers, as the browser does a little after a visit ends.

    A visitor's next visit is rarely within the half minute a service worker stays awake,
    so the warm visit starts it again, as theirs would.
    """
    cdp = context.new_cdp_session(page)
    try:
        cdp.send("ServiceWorker.enable")
        cdp.send("ServiceWorker.stopAllWorkers")
    finally:
        cdp.detach()


def timeline(traffic: Traffic, base: str, record: dict[str, Any]) -> list[dict[str, Any]]:
    """When the engine's files were fetched during the first cold share-link visit (ms from navigation start)."""
    origin, noted = record["timeOrigin"], record["marks"]
    rows: list[dict[str, Any]] = [
        {"what": "engine worker created", "start_ms": round(engine_worker_start(record), 1)}
    ]
    for request in traffic.requests:
        path = relative(request.url, base)
        start = started(request)
        if not is_runtime(path) or not start or start > origin + noted["engineReady"]:
            continue
        end = request.timing.get("responseEnd", -1)
        rows.append(
            {
                "what": ("HEAD " if request.method == "HEAD" else "") + path.split("#")[0],
                "start_ms": round(start - origin, 1),
                "end_ms": round(start - origin + end, 1) if end >= 0 else None,
                "bytes": transferred(request) if id(request) in traffic.done else None,
            }
        )
    for name, what in (
        ("domContentLoaded", "page: DOMContentLoaded"),
        ("mounted", "page: quiz.js mounted the form"),
        ("engineReady", "engine ready"),
        ("result", "share-link result shown"),
    ):
        if name in noted:
            rows.append({"what": what, "start_ms": round(noted[name], 1)})
    return sorted(rows, key=lambda row: row["start_ms"])
