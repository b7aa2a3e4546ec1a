"""`python build.py bench`: how fast the built site is, measured in headless Chromium.

The bench builds the site into a temporary folder for the address of its own
local server (Material's instant navigation needs site_url to match), adds a bare
baseline page under `__baseline__/` (only there, never in a shipped site), and
drives the same Chromium the browser tests use. Every browser figure is taken
in the page itself (performance.now() since navigation start, noted by the
MutationObserver in `baseline/probe.js`), every byte figure from Chromium's own
count of what crossed the network. It prints a table (or, with `--json`, one
JSON object) and a budget check. Budgets are measurements, not tests: a missed
budget still exits 0; only an error (no Chromium, a failed build, a page that
never gets ready) exits 2.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BuildError
from ..staticserver import SiteServer
from .network import HOSTS, PROFILES, format_network, measure_network, network_budgets

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Request

Say = Callable[[str], None]


from ..chromium import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402 - shared with the browser tests

HERE = Path(__file__).resolve().parent
BASELINE_SOURCE = HERE / "baseline"
BASELINE_FILES = ("index.html", "baseline-worker.mjs")  # probe.js is injected, not served
PROBE = BASELINE_SOURCE / "probe.js"
BASELINE_DIR = "__baseline__"

HOME_PAGE = ""
GUIDE_PAGE = "stages/aligned/"
EDITED_PAGE = Path("stages") / "aligned.md"
QUIZ_PAGE = "quiz/"
SITE_ASSETS = "assets/stageguide/"
RUNTIME_DIR = SITE_ASSETS + "pyodide/"
ENGINE_DIR = SITE_ASSETS + "engine/"
WORKER = SITE_ASSETS + "worker."  # worker.<content hash>.mjs
RUNTIME_PREFIXES = (RUNTIME_DIR, ENGINE_DIR, WORKER)

# What the baseline worker reports about its own start (baseline-worker.mjs), in ms.
BASELINE_PHASES = ("pyodide_mjs_and_wheel_ms", "load_pyodide_ms", "wheel_and_import_ms")

DEFAULT_RUNS = 5
SUBMITS = 20
WAIT_MS = 60_000  # one milestone (engine ready, a result) may take this long before it is an error
SW_LOOK_MS = 8_000  # how long to look for a service worker registration after the engine is ready (engine.js waits ~2 s and for idle)
SW_READY_MS = 60_000
FINISH_WAIT_S = 5.0  # requests started before a cut-off get this long to finish
BUILD_TIMEOUT_S = 600
KB = 1000


# --- command -------------------------------------------------------------------


def run_bench(root: Path, args: list[str]) -> int:
    """Measure the site in headless Chromium and print the figures and the budget check."""
    parser = argparse.ArgumentParser(prog="python build.py bench", description=run_bench.__doc__)
    parser.add_argument(
        "--runs",
        type=int,
        default=DEFAULT_RUNS,
        metavar="N",
        help=f"cold runs of each page figure (default {DEFAULT_RUNS})",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="print the figures as one JSON object instead of the table",
    )
    parser.add_argument(
        "--network",
        default=",".join(PROFILES),
        metavar="P,Q",
        help=f"network profiles to emulate after the localhost runs: {', '.join(PROFILES)} or none (default: all)",
    )
    parser.add_argument(
        "--hosts",
        default=",".join(HOSTS),
        metavar="H,I",
        help="under emulation, hosts that send wasm as it is (plain) and that gzip it (gzip); default both",
    )
    parser.add_argument(
        "--engines",
        metavar="LIST",
        help="instead: cold and warm starts side by side in these engines, e.g. chromium,firefox,webkit",
    )
    options = parser.parse_args(args)
    if options.runs < 1:
        parser.error("--runs must be 1 or more")
    profiles = (
        []
        if options.network.strip() == "none"
        else [p.strip() for p in options.network.split(",") if p.strip()]
    )
    hosts = [h.strip() for h in options.hosts.split(",") if h.strip()]
    for name in profiles:
        if name not in PROFILES:
            parser.error(
                f"--network: unknown profile {name!r}; choose from {', '.join(PROFILES)} or none"
            )
    for name in hosts:
        if name not in HOSTS:
            parser.error(f"--hosts: unknown host {name!r}; choose from {', '.join(HOSTS)}")

    def say(message: str) -> None:
        print(f"bench: {message}", file=sys.stderr, flush=True)

    if options.engines is not None:
        from .engines import parse_engines, run_engine_bench

        return run_engine_bench(
            root, parse_engines(options.engines), options.runs, options.json, say
        )

    report = measure(root, options.runs, say, profiles, hosts)
    print(json.dumps(report, indent=2) if options.json else format_report(report), flush=True)
    return 0


def measure(
    root: Path,
    runs: int,
    say: Say,
    profiles: list[str] | None = None,
    hosts: list[str] | None = None,
) -> dict[str, Any]:
    """Build, serve and measure; the report as a JSON-ready dict."""
    chromium = Path(CHROMIUM)
    if not chromium.exists():
        raise BuildError(
            f"Chromium not found at {chromium}; install it with `apt-get install -y chromium` (or set STAGEGUIDE_CHROMIUM)"
        )
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise BuildError(
            "the Python package `playwright` is missing; run `python build.py setup`"
        ) from None

    with tempfile.TemporaryDirectory(prefix="stageguide-bench-") as temp_name:
        temp = Path(temp_name)
        site = temp / "site"
        site.mkdir()
        load_before = _load_average()
        server = SiteServer(site, gzip=True).start()  # text compressed, as GitHub Pages serves it
        _quiet_disconnects(server)
        try:
            started = time.monotonic()
            build = _measure_builds(root, temp, site, server.url, say)
            say(f"builds done in {time.monotonic() - started:.0f} s")
            baseline = _add_baseline(site)
            say(f"site served at {server.url}; Chromium {chromium}, {runs} run{'s' * (runs != 1)}")
            with sync_playwright() as playwright:
                try:
                    browser = playwright.chromium.launch(
                        executable_path=str(chromium), args=CHROMIUM_FLAGS
                    )
                except PlaywrightError as error:
                    raise BuildError(
                        f"Chromium at {chromium} did not start: {_first_line(error)}"
                    ) from None
                try:
                    session = Session(
                        playwright,
                        browser,
                        chromium,
                        server.url,
                        baseline,
                        _quiz_for_share(root),
                        temp,
                    )
                    samples = Samples()
                    for run in range(runs):
                        started = time.monotonic()
                        session.run_once(samples, first=run == 0)
                        say(f"run {run + 1} of {runs} done in {time.monotonic() - started:.0f} s")
                    network = measure_network(
                        browser,
                        server,
                        session.share_url,
                        session.baseline_url,
                        server.url + QUIZ_PAGE,
                        profiles or [],
                        hosts or list(HOSTS),
                        runs,
                        say,
                    )
                    chromium_version = browser.version
                except PlaywrightError as error:
                    raise BuildError(f"the browser run failed: {_first_line(error)}") from None
                finally:
                    browser.close()
        finally:
            server.stop()
    machine = _machine(root, chromium_version, [load_before, _load_average()])
    report = _report(machine, runs, samples, session, build)
    report["network"] = network
    report["budgets"] += network_budgets(network)
    return report


def _quiet_disconnects(server: SiteServer) -> None:
    """Closing a browser context mid-download resets connections; keep those tracebacks off stderr."""
    httpd = getattr(server, "_httpd", None)
    if httpd is None:
        return
    report = httpd.handle_error

    def handle_error(request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            report(request, client_address)

    httpd.handle_error = handle_error  # type: ignore[method-assign]


# --- builds --------------------------------------------------------------------


@dataclass
class BuildTimes:
    clean_s: float
    engine_warm: bool
    cold_s: float
    rebuild_s: float


def _measure_builds(root: Path, temp: Path, site: Path, site_url: str, say: Say) -> BuildTimes:
    """The served site's clean build, a fully cold build, and a rebuild after editing one page."""
    say("building the site for the bench server (clean site folder)")
    clean_s, log = _mkdocs_build(root / "mkdocs.yml", site, site_url)
    engine_warm = "engine: up to date" in log

    say("fully cold build (empty engine and runtime folders)")
    cold_root = temp / "cold-root"
    (cold_root / "node_modules").mkdir(parents=True)
    try:  # the same runtime; the config in cold_root/config gets an empty cache_dir of its own
        (cold_root / "node_modules" / "pyodide").symlink_to(
            root / "node_modules" / "pyodide", target_is_directory=True
        )
        (cold_root / "package.json").symlink_to(root / "package.json")
    except OSError as error:
        raise BuildError(f"cannot set up the cold-build folder {cold_root}: {error}") from None
    cold_config = _variant_config(
        root, cold_root / "config", root / "docs", cold_root / "node_modules"
    )
    cold_s, _ = _mkdocs_build(cold_config, temp / "cold-site", None)

    say("rebuild after editing one page")
    docs = temp / "rebuild-docs"
    shutil.copytree(root / "docs", docs)
    config = _variant_config(root, temp / "rebuild-config", docs, root / "node_modules")
    _mkdocs_build(config, temp / "rebuild-site", None)
    page = docs / EDITED_PAGE
    page.write_text(
        page.read_text(encoding="utf-8") + "\nOne more sentence, added by the bench.\n",
        encoding="utf-8",
    )
    rebuild_s, _ = _mkdocs_build(config, temp / "rebuild-site", None)
    return BuildTimes(clean_s, engine_warm, cold_s, rebuild_s)


def _mkdocs_build(config: Path, dest: Path, site_url: str | None) -> tuple[float, str]:
    """A strict `mkdocs build`; its wall-clock seconds and its log."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if site_url:
        env["SITE_URL"] = site_url
    command = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "--strict",
        "-f",
        str(config),
        "-d",
        str(dest),
    ]
    started = time.perf_counter()
    try:
        done = subprocess.run(
            command,
            cwd=config.parent,
            env=env,
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        raise BuildError(
            f"`mkdocs build -f {config}` did not finish within {BUILD_TIMEOUT_S} s"
        ) from None
    elapsed = time.perf_counter() - started
    log = done.stdout + done.stderr
    if done.returncode != 0:
        tail = "\n".join(log.strip().splitlines()[-20:])
        raise BuildError(
            f"the site failed to build (`mkdocs build --strict -f {config}`, exit {done.returncode}):\n{tail}"
        )
    return elapsed, log


def _variant_config(root: Path, folder: Path, docs: Path, node_modules: Path) -> Path:
    """A mkdocs.yml inheriting the real one, with its own docs_dir and the plugin's node_modules."""
    from mkdocs.utils.yaml import yaml_load

    with (root / "mkdocs.yml").open(encoding="utf-8") as handle:
        plugins = yaml_load(handle).get("plugins") or []
    # INHERIT replaces a list wholesale, so every plugin is restated, ours with absolute paths.
    restated: list[Any] = []
    for entry in plugins:
        if isinstance(entry, dict) and "stageguide" in entry:
            options = dict(entry["stageguide"] or {})
            options["quiz"] = str(
                (root / options.get("quiz", "quiz/sales-marketing.yml")).resolve()
            )
            options["node_modules"] = str(node_modules)
            entry = {"stageguide": options}
        restated.append(entry)
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "mkdocs.yml"
    text = json.dumps(
        {"INHERIT": str(root / "mkdocs.yml"), "docs_dir": str(docs), "plugins": restated}
    )
    config.write_text(text, encoding="utf-8")
    return config


def _add_baseline(site: Path) -> str:
    """Copy the baseline page into the served site; the query string that points it at the site's runtime and wheel."""
    wheels = sorted((site / ENGINE_DIR).glob("*/*.whl"))  # engine/<content hash>/<wheel>
    runtimes = sorted((site / RUNTIME_DIR).glob("*/pyodide.mjs"))  # pyodide/<content hash>/
    runtime = runtimes[0] if len(runtimes) == 1 else site / RUNTIME_DIR / "pyodide.mjs"
    if len(wheels) != 1 or not runtime.is_file():
        raise BuildError(
            f"the built site has no single engine wheel under {ENGINE_DIR} or no {runtime.name} under {RUNTIME_DIR}: {[w.name for w in wheels]}"
        )
    target = site / BASELINE_DIR
    target.mkdir()
    for name in BASELINE_FILES:
        shutil.copyfile(BASELINE_SOURCE / name, target / name)
    return f"?pyodide=../{runtime.parent.relative_to(site).as_posix()}/&wheel=../{wheels[0].relative_to(site).as_posix()}"


def _quiz_for_share(root: Path) -> Any:
    """The site's quiz (as mkdocs.yml names it), to make a share code with stageguide.core.encode."""
    from mkdocs.utils.yaml import yaml_load

    from ...quizfile import read_quiz

    with (root / "mkdocs.yml").open(encoding="utf-8") as handle:
        plugins = yaml_load(handle).get("plugins") or []
    options = next(
        (
            entry["stageguide"] or {}
            for entry in plugins
            if isinstance(entry, dict) and "stageguide" in entry
        ),
        {},
    )
    return read_quiz(root / options.get("quiz", "quiz/sales-marketing.yml"))


# --- browser ---------------------------------------------------------------------


@dataclass
class Samples:
    """Per-run figures by name, plus what only the first run records."""

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


class Traffic:
    """Every request of one browser context: its pages, their workers, its service workers."""

    def __init__(self, context: BrowserContext) -> None:
        self.requests: list[Request] = []
        self.done: set[int] = set()
        context.on("request", lambda request: self.requests.append(request))
        context.on("requestfinished", lambda request: self.done.add(id(request)))
        context.on("requestfailed", lambda request: self.done.add(id(request)))

    def mark(self) -> int:
        return len(self.requests)

    def bytes(self, page: Page, start: int = 0, until_epoch_ms: float | None = None) -> int:
        """Bytes over the network for requests from index start on (started by until_epoch_ms, if given)."""
        chosen = [
            r
            for r in self.requests[start:]
            if r.url.startswith("http")
            and (until_epoch_ms is None or _started(r) <= until_epoch_ms)
        ]
        deadline = time.monotonic() + FINISH_WAIT_S
        while any(id(r) not in self.done for r in chosen) and time.monotonic() < deadline:
            page.wait_for_timeout(50)  # lets Playwright deliver the remaining events
        return sum(_transferred(r) for r in chosen if id(r) in self.done)

    def files(self, base: str, until_epoch_ms: float) -> list[dict[str, Any]]:
        """Bytes per finished request started by until_epoch_ms, largest first."""
        rows = [
            {
                "path": _relative(r.url, base),
                "bytes": _transferred(r),
                "service_worker": r.service_worker is not None,
            }
            for r in self.requests
            if r.url.startswith("http") and id(r) in self.done and _started(r) <= until_epoch_ms
        ]
        return sorted(rows, key=lambda row: -row["bytes"])

    def paths(self, base: str, start: int = 0) -> list[str]:
        return [_relative(r.url, base) for r in self.requests[start:]]


def _relative(url: str, base: str) -> str:
    return url[len(base) :] if url.startswith(base) else url


def _started(request: Request) -> float:
    start = request.timing.get("startTime", -1)
    return start if start > 0 else 0.0


def _transferred(request: Request) -> int:
    """What crossed the network for one response, headers included (Chromium's encodedDataLength).

    A response the service worker answered counts 0: if the worker fetched it from the
    network, that fetch is a request of its own (of the service worker) and counts there.
    A response from the HTTP cache has an encodedDataLength of 0 (body size = minus the
    header size), so max(0, headers + body) counts it 0; a 304 revalidation counts its headers.
    """
    response = request.response()
    if response is None or response.from_service_worker:
        return 0
    sizes = request.sizes()
    if (
        request.method == "HEAD"
    ):  # no body travels; Playwright reports the Content-Length it announced
        return max(0, int(sizes["responseHeadersSize"]))
    return max(0, int(sizes["responseHeadersSize"]) + int(sizes["responseBodySize"]))


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
        baseline_query: str,
        quiz: Any,
        temp: Path,
    ) -> None:
        from ...core import encode

        self.playwright = playwright
        self.browser = browser
        self.chromium = chromium
        self.temp = temp
        self.base = base
        self.baseline_url = f"{base}{BASELINE_DIR}/{baseline_query}"
        values = [point.value for point in quiz.scale]
        answers = [values[(3 * index + 1) % len(values)] for index in range(len(quiz.statements))]
        self.share_url = f"{base}{QUIZ_PAGE}#a={encode(quiz, answers)}"

    def run_once(self, samples: Samples, first: bool) -> None:
        if first:
            self._static_page(samples, "home", HOME_PAGE, first)
        self._static_page(samples, "stage", GUIDE_PAGE, first)
        self._quiz_page(samples)
        self._share_link(samples, first)
        self._baseline(samples)

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
                f"Chromium at {self.chromium} did not start with a profile in {folder}: {_first_line(error)}"
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

    # -- visits ----------------------------------------------------------------

    def _static_page(self, samples: Samples, name: str, path: str, first: bool) -> None:
        """A guide page, cold, until the network is idle: its heading time (figure 1's counterpart) and bytes."""
        context = self._context()
        try:
            traffic = Traffic(context)
            page = self._open(context, self.base + path, "networkidle")
            marks = _marks(page)
            if name == "stage":
                samples.add("guide_content_ms", _need(marks, "content", path))
                samples.add("guide_dcl_ms", _need(marks, "domContentLoaded", path))
            samples.add(f"bytes_{name}", traffic.bytes(page))
            paths = traffic.paths(self.base)
            found = samples.runtime_requests.setdefault(name, [])
            found += [
                p for p in paths if p.split("?")[0].startswith(RUNTIME_PREFIXES) and p not in found
            ]
            samples.outside += [
                p
                for p in paths
                if p.startswith("http")
                and not p.startswith("http://127.0.0.1")
                and p not in samples.outside
            ]
        finally:
            context.close()

    def _quiz_page(self, samples: Samples) -> None:
        """Figure 1: the quiz page, cold, until quiz.js has mounted the form (the engine is not awaited)."""
        context = self._context()
        try:
            page = self._open(context, self.base + QUIZ_PAGE)
            _wait_mark(page, "mounted")
            page.wait_for_load_state("domcontentloaded")
            marks = _marks(page)
            samples.add("quiz_answerable_ms", _need(marks, "answerable", QUIZ_PAGE))
            samples.add("quiz_content_ms", _need(marks, "content", QUIZ_PAGE))
            samples.add("quiz_dcl_ms", _need(marks, "domContentLoaded", QUIZ_PAGE))
            samples.add("quiz_mounted_ms", _need(marks, "mounted", QUIZ_PAGE))
        finally:
            context.close()

    def _share_link(self, samples: Samples, first: bool) -> None:
        """Figures 2, 3 and the quiz bytes of 5: a share link cold, then warm visits on the same profile.

        The first run also measures the warm quiz page (bytes until engine ready) and figure 4.
        """
        context = self._profile()
        try:
            traffic = Traffic(context)
            page = self._open(context, self.share_url)
            _wait_mark(page, "result", "engineFailed")
            probe = _probe(page)
            marks = probe["marks"]
            ready = _need(marks, "engineReady", "share link")
            samples.add("engine_ready_cold_ms", ready)
            samples.add("share_cold_ms", _need(marks, "result", "share link"))
            samples.add("engine_worker_start_ms", _engine_worker_start(probe))
            samples.add("bytes_quiz_cold", traffic.bytes(page, 0, probe["timeOrigin"] + ready))
            if first:
                samples.timeline = _timeline(traffic, self.base, probe)
                samples.quiz_cold_files = traffic.files(self.base, probe["timeOrigin"] + ready)
            sw = page.evaluate(
                "([look, ready]) => window.__stageguideBench.waitServiceWorker(look, ready)",
                [SW_LOOK_MS, SW_READY_MS],
            )
            snapshot_saved = _wait_snapshot(page) if sw["active"] else False
            samples.add(
                "bytes_quiz_cold_visit", traffic.bytes(page)
            )  # with what a service worker fetched to install
            page.close()

            warm = self._open(context, self.share_url)
            _wait_mark(warm, "result", "engineFailed")
            probe = _probe(warm)
            samples.add("share_warm_ms", _need(probe["marks"], "result", "warm share link"))
            controlled = bool(probe["controlled"])
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
            if not first:
                return
            start = traffic.mark()
            quiz = self._open(context, self.base + QUIZ_PAGE)
            _wait_mark(quiz, "engineReady", "engineFailed")
            probe = _probe(quiz)
            ready = _need(probe["marks"], "engineReady", "warm quiz page")
            samples.add("engine_ready_warm_ms", ready)
            samples.add("bytes_quiz_warm", traffic.bytes(quiz, start, probe["timeOrigin"] + ready))
            samples.submits, samples.requests = self._submits(quiz)
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

    def _baseline(self, samples: Samples) -> None:
        """Figure 6: the bare page that only starts Pyodide and imports the wheel, cold, on a new profile."""
        context = self._profile()
        try:
            traffic = Traffic(context)
            page = self._open(context, self.baseline_url)
            _wait_mark(page, "baselineReady", "baselineFailed")
            probe = _probe(page)
            ready = _need(probe["marks"], "baselineReady", "baseline page")
            samples.add("baseline_ready_ms", ready)
            samples.add("baseline_worker_start_ms", min(w["at"] for w in probe["workers"]))
            samples.add("bytes_baseline", traffic.bytes(page, 0, probe["timeOrigin"] + ready))
            phases = page.evaluate(
                "() => JSON.parse(document.documentElement.dataset.phases || '{}')"
            )
            for name in BASELINE_PHASES:
                samples.add(f"baseline_{name}", float(phases[name]))
        finally:
            context.close()


def _probe(page: Page) -> dict[str, Any]:
    return page.evaluate(
        "() => { const b = window.__stageguideBench; return { marks: { ...b.marks }, workers: b.workers, timeOrigin: b.timeOrigin, controlled: b.controlled }; }"
    )


def _marks(page: Page) -> dict[str, float]:
    return dict(_probe(page)["marks"])


def _wait_mark(page: Page, name: str, failure: str | None = None) -> None:
    """Wait until the probe noted milestone name; an error if it noted failure instead or time ran out."""
    names = [name, failure] if failure else [name]
    try:
        page.wait_for_function(
            "(names) => { const b = window.__stageguideBench; return b && names.some((n) => n in b.marks); }",
            arg=names,
            timeout=WAIT_MS,
            polling=50,
        )
    except Exception as error:
        raise BuildError(
            f"{page.url}: no {name!r} within {WAIT_MS // 1000} s ({_first_line(error)})"
        ) from None
    if failure and failure in _marks(page):
        status = page.locator("[data-sg-status]")
        detail = (
            status.text_content()
            if status.count()
            else page.evaluate("() => document.documentElement.dataset.error || ''")
        )
        raise BuildError(f"{page.url}: the engine failed to start: {detail}")


def _need(marks: dict[str, float], name: str, where: str) -> float:
    if name not in marks:
        raise BuildError(f"{where}: the page never reached {name!r}")
    return float(marks[name])


def _engine_worker_start(probe: dict[str, Any]) -> float:
    starts = [
        w["at"]
        for w in probe["workers"]
        if w["url"].split("?")[0].rsplit("/", 1)[-1].startswith("worker.")
    ]
    if not starts:
        raise BuildError("the quiz page never created its engine worker (worker.mjs)")
    return float(min(starts))


SNAPSHOT_WAIT_S = 20
_SNAPSHOT_SAVED = """async () => {
  for (const name of await caches.keys()) {
    const keys = await (await caches.open(name)).keys();
    if (keys.some((request) => request.url.endsWith(".snapshot"))) return true;
  }
  return false;
}"""


def _wait_snapshot(page: Any) -> bool:
    """Wait (a while) for the engine's interpreter snapshot to be stored, as it would be before a real return visit."""
    deadline = time.monotonic() + SNAPSHOT_WAIT_S
    while time.monotonic() < deadline:
        if page.evaluate(_SNAPSHOT_SAVED):
            return True
        page.wait_for_timeout(200)
    return False


def _timeline(traffic: Traffic, base: str, probe: dict[str, Any]) -> list[dict[str, Any]]:
    """When the engine's files were fetched during the first cold share-link visit (ms from navigation start)."""
    origin, marks = probe["timeOrigin"], probe["marks"]
    rows: list[dict[str, Any]] = [
        {"what": "engine worker created", "start_ms": round(_engine_worker_start(probe), 1)}
    ]
    for request in traffic.requests:
        path = _relative(request.url, base)
        start = _started(request)
        if (
            not path.startswith(RUNTIME_PREFIXES)
            or not start
            or start > origin + marks["engineReady"]
        ):
            continue
        end = request.timing.get("responseEnd", -1)
        rows.append(
            {
                "what": ("HEAD " if request.method == "HEAD" else "") + path.split("#")[0],
                "start_ms": round(start - origin, 1),
                "end_ms": round(start - origin + end, 1) if end >= 0 else None,
                "bytes": _transferred(request) if id(request) in traffic.done else None,
            }
        )
    for name, what in (
        ("domContentLoaded", "page: DOMContentLoaded"),
        ("mounted", "page: quiz.js mounted the form"),
        ("engineReady", "engine ready"),
        ("result", "share-link result shown"),
    ):
        if name in marks:
            rows.append({"what": what, "start_ms": round(marks[name], 1)})
    return sorted(rows, key=lambda row: row["start_ms"])


# --- report ---------------------------------------------------------------------


@dataclass(frozen=True)
class Budget:
    name: str
    text: str
    unit: str
    value: Callable[[dict[str, float]], float]
    limit: Callable[[dict[str, float]], float]


BUDGETS = (
    Budget(
        "quiz_answerable",
        "quiz page answerable <= 1.2x guide page",
        "ms",
        lambda f: f["quiz_answerable_ms"],
        lambda f: 1.2 * f["guide_content_ms"],
    ),
    Budget(
        "guide_pages_no_runtime",
        "home and stage pages request no runtime file",
        "requests",
        lambda f: f["runtime_requests_guide_pages"],
        lambda f: 0,
    ),
    Budget(
        "share_cold",
        "cold share link <= 1.1x baseline",
        "ms",
        lambda f: f["share_cold_ms"],
        lambda f: 1.1 * f["baseline_ready_ms"],
    ),
    Budget(
        "share_warm",
        "warm share link <= 0.6x cold",
        "ms",
        lambda f: f["share_warm_ms"],
        lambda f: 0.6 * f["share_cold_ms"],
    ),
    Budget("submit_p95", "submit p95 <= 50 ms", "ms", lambda f: f["submit_p95_ms"], lambda f: 50.0),
    Budget(
        "quiz_cold_bytes",
        "cold quiz bytes <= bare runtime + 300 KB",
        "bytes",
        lambda f: f["bytes_quiz_cold"],
        lambda f: f["bytes_baseline"] + 300 * KB,
    ),
    Budget(
        "quiz_cold_bytes_total",
        "cold quiz bytes <= 4.8 MB (host sends wasm as it is)",
        "bytes",
        lambda f: f["bytes_quiz_cold"],
        lambda f: 4_800 * KB,
    ),
)


def _report(
    machine: dict[str, Any], runs: int, samples: Samples, session: Session, build: BuildTimes
) -> dict[str, Any]:
    figures: dict[str, float] = {
        name: _round(statistics.median(values)) for name, values in samples.values.items()
    }
    ranges = {
        name: [_round(min(values)), _round(max(values))] for name, values in samples.values.items()
    }
    figures["submit_median_ms"] = _round(statistics.median(samples.submits))
    figures["submit_p95_ms"] = _round(_percentile(samples.submits, 95))
    figures["engine_request_median_ms"] = _round(statistics.median(samples.requests))
    figures["engine_request_p95_ms"] = _round(_percentile(samples.requests, 95))
    figures["build_clean_s"] = round(build.clean_s, 2)
    figures["build_cold_s"] = round(build.cold_s, 2)
    figures["build_rebuild_s"] = round(build.rebuild_s, 2)
    baseline = figures["baseline_ready_ms"]
    ratios = {
        "engine_ready_cold_vs_baseline": round(figures["engine_ready_cold_ms"] / baseline, 3),
        "share_cold_vs_baseline": round(figures["share_cold_ms"] / baseline, 3),
        "share_warm_vs_baseline": round(figures["share_warm_ms"] / baseline, 3),
        "share_warm_vs_cold": round(figures["share_warm_ms"] / figures["share_cold_ms"], 3),
        "quiz_answerable_vs_guide": round(
            figures["quiz_answerable_ms"] / figures["guide_content_ms"], 3
        ),
    }
    checks = dict(
        figures, runtime_requests_guide_pages=sum(len(v) for v in samples.runtime_requests.values())
    )
    budgets = []
    for budget in BUDGETS:
        value, limit = _round(budget.value(checks)), _round(budget.limit(checks))
        budgets.append(
            {
                "name": budget.name,
                "budget": budget.text,
                "unit": budget.unit,
                "value": value,
                "limit": limit,
                "pass": value <= limit,
                "margin": _round(limit - value),
            }
        )
    return {
        "machine": machine,
        "runs": runs,
        "submits": len(samples.submits),
        "site": {
            "guide_page": GUIDE_PAGE,
            "quiz_page": QUIZ_PAGE,
            "share_url": session.share_url[len(session.base) :],
        },
        "figures": figures,
        "ranges": ranges,
        "ratios": ratios,
        "samples": {
            **samples.values,
            "submit_ms": [_round(v) for v in samples.submits],
            "engine_request_ms": [_round(v) for v in samples.requests],
        },
        "notes": {
            "engine_stamp_warm": build.engine_warm,
            "service_worker": samples.service_worker,
            "runtime_requests": samples.runtime_requests,
            "requests_outside_127_0_0_1": samples.outside,
        },
        "timeline": samples.timeline,
        "quiz_cold_files": samples.quiz_cold_files,
        "budgets": budgets,
    }


def _round(value: float) -> float:
    return round(float(value), 1)


def _percentile(values: list[float], percent: float) -> float:
    """Nearest-rank percentile: the smallest sample with at least percent% of samples at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


def _load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def _machine(root: Path, chromium_version: str, load: list[float | None]) -> dict[str, Any]:
    model = ""
    try:
        for line in (
            Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines()
        ):
            if line.lower().startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    try:
        from ..runtime import pyodide_version

        pyodide = pyodide_version(root)
    except BuildError:
        pyodide = ""
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model or platform.machine(),
        "chromium": chromium_version,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "pyodide": pyodide,
        "commit": _commit(root),
        "load_average_1min": {"start": load[0], "end": load[1]},
    }


def _commit(root: Path) -> str | None:
    git = shutil.which("git")
    if git is None:
        return None
    done = subprocess.run([git, "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True)
    return done.stdout.strip() or None if done.returncode == 0 else None


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def format_report(report: dict[str, Any]) -> str:
    """The report as the table printed to a terminal."""
    f, r, q = report["figures"], report["ranges"], report["ratios"]
    m = report["machine"]
    lines = [
        f"stageguide bench: {report['runs']} run{'s' * (report['runs'] != 1)}, median [min-max]",
        f"machine: {m['cpus']} CPUs, {m['cpu_model']}; Chromium {m['chromium']}; Pyodide {m['pyodide']}; "
        f"Python {m['python']}; commit {(m['commit'] or 'unknown')[:12]}",
    ]
    load = m["load_average_1min"]
    if load["start"] is not None and load["end"] is not None:
        busy = max(load["start"], load["end"]) > (m["cpus"] or 1)
        lines.append(
            f"load average (1 min) {load['start']:.1f} at start, {load['end']:.1f} at end"
            + (
                f": more than {m['cpus']} CPUs' worth, so other work competed with the bench"
                if busy
                else ""
            )
        )
    lines.append("")

    def ms(name: str) -> str:
        low, high = r[name]
        return f"{f[name]:>9,.0f} ms  [{low:,.0f}-{high:,.0f}]"

    def kb(name: str) -> str:
        low, high = r[name]
        spread = "" if low == high else f"  [{low / KB:,.1f}-{high / KB:,.1f}]"
        return f"{f[name] / KB:>9,.1f} KB{spread}"

    def row(number: str, label: str, value: str, extra: str = "") -> None:
        lines.append(f"{number:>2}  {label:<52}{value}{'  ' + extra if extra else ''}")

    sw = report["notes"]["service_worker"]
    sw_text = (
        (
            "a service worker controlled it"
            + (
                ", started from the interpreter snapshot"
                if sw.get("warm_started_from") == "snapshot"
                else ", no snapshot used"
            )
        )
        if sw.get("controlled_warm")
        else (
            "a service worker registered but did not control it"
            if sw.get("registered")
            else "no service worker"
        )
    )
    lines.append("Time from navigation start, cold unless marked warm")
    row(
        "1",
        "quiz page: first statement answerable",
        ms("quiz_answerable_ms"),
        f"{q['quiz_answerable_vs_guide']:.2f}x guide page",
    )
    row("", f"guide page ({report['site']['guide_page']}): heading present", ms("guide_content_ms"))
    row("", "quiz page: form mounted by quiz.js", ms("quiz_mounted_ms"))
    row("", "DOMContentLoaded: quiz page", ms("quiz_dcl_ms"))
    row("", "DOMContentLoaded: guide page", ms("guide_dcl_ms"))
    row(
        "2",
        "engine ready (data-engine=ready)",
        ms("engine_ready_cold_ms"),
        f"{q['engine_ready_cold_vs_baseline']:.2f}x baseline",
    )
    row("", "engine worker created", ms("engine_worker_start_ms"))
    row(
        "3",
        "share link to result",
        ms("share_cold_ms"),
        f"{q['share_cold_vs_baseline']:.2f}x baseline",
    )
    row(
        "",
        "share link to result, warm (2nd visit)",
        ms("share_warm_ms"),
        f"{q['share_warm_vs_baseline']:.2f}x baseline, {q['share_warm_vs_cold']:.2f}x cold; {sw_text}",
    )
    row("", "engine ready, warm (3rd visit)", ms("engine_ready_warm_ms"))
    row(
        "6", "baseline: bare Pyodide + wheel import ready", ms("baseline_ready_ms"), "the reference"
    )
    row("", "baseline worker created", ms("baseline_worker_start_ms"))
    for name in BASELINE_PHASES:
        row(
            "",
            "  baseline worker: " + name.removesuffix("_ms").replace("_", " "),
            ms(f"baseline_{name}"),
        )
    row(
        "4",
        f"submit to result, engine warm ({report['submits']} submits)",
        f"{f['submit_median_ms']:>9,.1f} ms  median, p95 {f['submit_p95_ms']:,.1f} ms",
    )
    row(
        "",
        "  of which: engine request alone (no rendering)",
        f"{f['engine_request_median_ms']:>9,.1f} ms  median, p95 {f['engine_request_p95_ms']:,.1f} ms",
    )
    lines += [
        "",
        "Bytes over the network (headers included; cache and service-worker hits count 0)",
    ]
    row("5", "home page", kb("bytes_home"))
    row("", f"stage page ({report['site']['guide_page']})", kb("bytes_stage"))
    row("", "quiz page, cold, until engine ready", kb("bytes_quiz_cold"))
    row("", "quiz page, cold visit incl. service-worker install", kb("bytes_quiz_cold_visit"))
    row("", "quiz page, warm, until engine ready", kb("bytes_quiz_warm"))
    row("6", "bare runtime (baseline, cold, until ready)", kb("bytes_baseline"))
    lines += ["", "Build (wall clock of `python -m mkdocs build --strict`)"]
    stamp = (
        "engine stamp warm"
        if report["notes"]["engine_stamp_warm"]
        else "engine rebuilt: its stamp was stale"
    )
    row("7", f"clean build into a fresh folder ({stamp})", f"{f['build_clean_s']:>9,.2f} s")
    row("", "fully cold build (empty engine + runtime folders)", f"{f['build_cold_s']:>9,.2f} s")
    row("", f"rebuild after editing {EDITED_PAGE.as_posix()}", f"{f['build_rebuild_s']:>9,.2f} s")
    if report["timeline"]:
        lines += ["", "Cold start, first run's share-link visit (ms from navigation start)"]
        for item in report["timeline"]:
            span = f"{item['start_ms']:>8,.0f}" + (
                f" -> {item['end_ms']:>8,.0f}" if item.get("end_ms") is not None else ""
            )
            size = f"  {item['bytes'] / KB:,.1f} KB" if item.get("bytes") is not None else ""
            lines.append(f"    {item['what']:<60}{span}{size}")
    extra = [
        f
        for f in report["quiz_cold_files"]
        if not f["path"].split("?")[0].startswith(RUNTIME_PREFIXES) and f["bytes"]
    ]
    if extra:
        lines += [
            "",
            f"Cold quiz page beyond the runtime, first run: {sum(f['bytes'] for f in extra) / KB:,.1f} KB",
        ]
        lines += [f"    {f['path'][:60]:<60}{f['bytes'] / KB:>10,.1f} KB" for f in extra[:8]]
    lines += format_network(report.get("network") or [])
    lines += ["", "Budgets"]
    for budget in report["budgets"]:
        unit = budget["unit"]
        value, limit = budget["value"], budget["limit"]
        if unit == "bytes":
            shown = f"{value / KB:,.1f} KB vs limit {limit / KB:,.1f} KB (margin {budget['margin'] / KB:,.1f} KB)"
        elif unit == "x":
            shown = f"{value:.2f}x vs limit {limit:.2f}x (margin {budget['margin']:.2f})"
        elif unit in ("requests", "times"):
            shown = f"{value:,.0f} {unit} (limit {limit:,.0f})"
        else:
            shown = f"{value:,.1f} {unit} vs limit {limit:,.1f} {unit} (margin {budget['margin']:,.1f} {unit})"
        lines.append(f"  {'PASS' if budget['pass'] else 'FAIL'}  {budget['budget']:<64}{shown}")
    if report["notes"]["requests_outside_127_0_0_1"]:
        lines += [
            "",
            "Requests that left 127.0.0.1: "
            + ", ".join(report["notes"]["requests_outside_127_0_0_1"]),
        ]
    return "\n".join(lines)
