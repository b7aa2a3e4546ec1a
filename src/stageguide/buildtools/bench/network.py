"""The bench on a phone network: Chrome DevTools network emulation over a Playwright CDP session.

`Network.emulateNetworkConditions` on the page's target also throttles the requests
of the page's dedicated workers, so the engine worker's downloads are slowed as a
visitor's would be. Each profile is measured against two hosts, one that sends
wasm as it is (GitHub Pages may) and one that gzips it on the fly; both gzip text.
Runs are interleaved (site, share link, bare baseline on stock Pyodide, then
again), and each figure is the median of its runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .probe import PROBE, probe, wait_mark
from .report import network_row
from .traffic import Traffic

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from ..staticserver import SiteServer

Say = Callable[[str], None]


@dataclass(frozen=True)
class Profile:
    """A phone network: throughput in kbit/s each way and the round-trip latency added to each request."""

    name: str
    label: str
    kbit_down: float
    kbit_up: float
    latency_ms: float


PROFILES = {
    "fast4g": Profile("fast4g", "Fast 4G-like (9 Mbit/s, 60 ms)", 9000, 1500, 60),
    "slow4g": Profile("slow4g", "Slow 4G-like (1.6 Mbit/s, 150 ms)", 1600, 750, 150),
}
HOSTS = {"plain": "host sends wasm as it is", "gzip": "host gzips wasm"}
WAIT_MS = 240_000  # slow 4G: the bare baseline alone takes about a minute


def measure_network(
    browser: Browser,
    server: SiteServer,
    share_url: str,
    baseline_url: str,
    quiz_url: str,
    profiles: list[str],
    hosts: list[str],
    runs: int,
    say: Say,
) -> list[dict[str, Any]]:
    """One row per (profile, host): medians, ranges and ratios against the bare baseline (report.py)."""
    rows = []
    for name in profiles:
        profile = PROFILES[name]
        for host in hosts:
            server.gzip_wasm = host == "gzip"
            samples: dict[str, list[float]] = {}
            failed_on_way = 0
            try:
                for run in range(runs):
                    quiz = _visit(browser, profile, quiz_url, "engineReady")
                    share = _visit(browser, profile, share_url, "result")
                    base = _visit(browser, profile, baseline_url, "baselineReady")
                    failed_on_way += quiz["failed_on_way"] + share["failed_on_way"]
                    for key, value in (
                        ("quiz_ready_ms", quiz["at"]),
                        ("quiz_bytes", quiz["bytes"]),
                        ("bar_gap_ms", quiz["bar_gap_ms"]),
                        ("share_ms", share["at"]),
                        ("baseline_ms", base["at"]),
                        ("baseline_bytes", base["bytes"]),
                    ):
                        samples.setdefault(key, []).append(value)
                    say(
                        f"network {name}, {host}: run {run + 1} of {runs}: "
                        f"ready {quiz['at'] / 1000:.1f} s, share {share['at'] / 1000:.1f} s, "
                        f"baseline {base['at'] / 1000:.1f} s"
                    )
            finally:
                server.gzip_wasm = False
            rows.append(network_row(name, profile.label, host, samples, failed_on_way))
    return rows


def _visit(browser: Browser, profile: Profile, url: str, milestone: str) -> dict[str, Any]:
    """One cold visit in a fresh context under the profile: when the milestone held, and the bytes until then."""
    context = browser.new_context()
    try:
        context.add_init_script(path=str(PROBE))
        context.set_default_timeout(WAIT_MS)
        traffic = Traffic(context)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", _conditions(profile))
        page.goto(url, wait_until="commit")
        failure = "baselineFailed" if milestone.startswith("baseline") else None
        wait_mark(page, milestone, failure, WAIT_MS, " under network emulation")
        record = probe(page)
        at = float(record["marks"][milestone])
        return {
            "at": at,
            "bytes": traffic.bytes(page, 0, record["timeOrigin"] + at),
            "failed_on_way": 1 if "engineFailed" in record["marks"] else 0,
            "bar_gap_ms": _bar_gap(page),
        }
    finally:
        context.close()


def _conditions(profile: Profile) -> dict[str, Any]:
    """The profile as CDP's `Network.emulateNetworkConditions` takes it (throughput in bytes/s)."""
    return {
        "offline": False,
        "latency": profile.latency_ms,
        "downloadThroughput": profile.kbit_down * 1000 / 8,
        "uploadThroughput": profile.kbit_up * 1000 / 8,
    }


def _bar_gap(page: Page) -> float:
    """The longest time the progress bar stood still while bytes were arriving (0 on pages without one)."""
    moves = page.evaluate("() => window.__stageguideBench.barMoves || []")
    if len(moves) < 2:
        return 0.0
    return float(max(later - earlier for earlier, later in zip(moves, moves[1:], strict=False)))
