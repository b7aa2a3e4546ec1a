"""`python build.py bench`: how fast the built site is, measured in headless Chromium.

The bench builds the site into a temporary folder for the address of its own local
server (Material's instant navigation needs site_url to match), adds a bare baseline
page under `__baseline__/` (only there, never in a shipped site), and drives the same
Chromium the browser tests use. It measures the pages the site itself names (pages.py),
so it runs on any model. It prints a table (or, with `--json`, one JSON object) and a
budget check. Budgets are measurements, not tests: a missed budget still exits 0; only
an error (no Chromium, a failed build, a page that never gets ready) exits 2.

The parts: builds.py (build and serve), pages.py (what to visit), session.py (visits
in Chromium), network.py (the same under network emulation), engines.py (`--engines`),
stats.py, machine.py, report.py (the JSON) and table.py (the terminal table).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ..chromium import CHROMIUM, CHROMIUM_FLAGS
from ..errors import BuildError
from .builds import Say, add_baseline, measure_builds, start_server
from .machine import load_average, machine
from .network import HOSTS, PROFILES, measure_network
from .pages import find_pages
from .probe import first_line
from .report import network_budgets, site_report
from .session import Samples, Session
from .table import format_engines, format_report

DEFAULT_RUNS = 5


def run_bench(root: Path, args: list[str]) -> int:
    """Measure the site in headless Chromium and print the figures and the budget check."""
    parser = argparse.ArgumentParser(prog="python build.py bench", description=run_bench.__doc__)
    parser.add_argument(
        "-f",
        "--config-file",
        type=Path,
        default=Path("mkdocs.yml"),
        metavar="PATH",
        help="the site to measure, as its mkdocs.yml (default mkdocs.yml)",
    )
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
        help="network profiles to emulate after the localhost runs: "
        f"{', '.join(PROFILES)} or none (default: all)",
    )
    parser.add_argument(
        "--hosts",
        default=",".join(HOSTS),
        metavar="H,I",
        help="under emulation, hosts that send wasm as it is (plain) and that gzip it (gzip); "
        "default both",
    )
    parser.add_argument(
        "--engines",
        metavar="LIST",
        help="instead: cold and warm starts side by side in these engines, "
        "e.g. chromium,firefox,webkit",
    )
    options = parser.parse_args(args)
    if options.runs < 1:
        parser.error("--runs must be 1 or more")
    config = (root / options.config_file).resolve()
    if not config.is_file():
        parser.error(f"--config-file: no file {config}")
    profiles = _choices(parser, "--network", "profile", options.network, PROFILES, "none")
    hosts = _choices(parser, "--hosts", "host", options.hosts, HOSTS)

    def say(message: str) -> None:
        print(f"bench: {message}", file=sys.stderr, flush=True)

    if options.engines is not None:
        from .engines import measure_engines, parse_engines

        engines = parse_engines(options.engines)
        report = measure_engines(root, config, engines, options.runs, say)
        print(json.dumps(report, indent=2) if options.json else format_engines(report), flush=True)
        return 0
    report = measure(root, options.runs, say, profiles, hosts, config)
    print(json.dumps(report, indent=2) if options.json else format_report(report), flush=True)
    return 0


def _choices(
    parser: argparse.ArgumentParser,
    option: str,
    noun: str,
    text: str,
    known: dict[str, Any],
    nothing: str | None = None,
) -> list[str]:
    """A comma-separated list of names from known (or the word nothing, for none); exit 2 otherwise."""
    if nothing is not None and text.strip() == nothing:
        return []
    names = [name.strip() for name in text.split(",") if name.strip()]
    for name in names:
        if name not in known:
            also = f" or {nothing}" if nothing else ""
            parser.error(f"{option}: unknown {noun} {name!r}; choose from {', '.join(known)}{also}")
    return names


def measure(
    root: Path,
    runs: int,
    say: Say,
    profiles: list[str] | None = None,
    hosts: list[str] | None = None,
    config: Path | None = None,
) -> dict[str, Any]:
    """Build, serve and measure the site of config (root's mkdocs.yml); the report as a JSON-ready dict."""
    config = config or root / "mkdocs.yml"
    chromium = Path(CHROMIUM)
    if not chromium.exists():
        raise BuildError(
            f"Chromium not found at {chromium}; install it with `apt-get install -y chromium` "
            "(or set STAGEGUIDE_CHROMIUM)"
        )
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise BuildError(
            "the Python package `playwright` is missing; run `python build.py setup`"
        ) from None
    pages = find_pages(config)
    say(f"measuring {config}: guide page {pages.guide_url}, quiz page {pages.quiz_url}")

    with tempfile.TemporaryDirectory(prefix="stageguide-bench-") as temp_name:
        temp = Path(temp_name)
        site = temp / "site"
        site.mkdir()
        load_before = load_average()
        server = start_server(site)
        try:
            started = time.monotonic()
            build = measure_builds(root, config, pages, temp, site, server.url, say)
            say(f"builds done in {time.monotonic() - started:.0f} s")
            baselines = add_baseline(site, root)
            say(f"site served at {server.url}; Chromium {chromium}, {runs} run{'s' * (runs != 1)}")
            with sync_playwright() as playwright:
                try:
                    browser = playwright.chromium.launch(
                        executable_path=str(chromium), args=CHROMIUM_FLAGS
                    )
                except PlaywrightError as error:
                    raise BuildError(
                        f"Chromium at {chromium} did not start: {first_line(error)}"
                    ) from None
                try:
                    session = Session(
                        playwright, browser, chromium, server.url, baselines, pages, temp
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
                        session.quiz_url,
                        profiles or [],
                        hosts or list(HOSTS),
                        runs,
                        say,
                    )
                    chromium_version = browser.version
                except PlaywrightError as error:
                    raise BuildError(f"the browser run failed: {first_line(error)}") from None
                finally:
                    browser.close()
        finally:
            server.stop()
    described = machine(root, chromium_version, [load_before, load_average()])
    share = session.share_url[len(session.base) :]
    report = site_report(described, runs, samples, pages, share, build)
    report["network"] = network
    report["budgets"] += network_budgets(network)
    return report
