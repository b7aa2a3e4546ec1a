"""The bench on a phone network: Chrome DevTools network emulation over a Playwright CDP session.

`Network.emulateNetworkConditions` on the page's target also throttles the requests
of the page's dedicated workers, so the engine worker's downloads are slowed as a
visitor's would be. Each profile is measured against two hosts, one that sends
wasm as it is (GitHub Pages may) and one that gzips it on the fly; both gzip text.
Runs are interleaved (site, share link, bare baseline, then again), and each
figure is the median of its runs.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import BuildError

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from ..staticserver import SiteServer

Say = Callable[[str], None]
KB = 1000
MB = 1000 * 1000


@dataclass(frozen=True)
class Profile:
    name: str
    label: str
    kbit_down: float
    kbit_up: float
    latency_ms: float

    def conditions(self) -> dict[str, Any]:
        return {
            "offline": False,
            "latency": self.latency_ms,
            "downloadThroughput": self.kbit_down * 1000 / 8,
            "uploadThroughput": self.kbit_up * 1000 / 8,
        }


PROFILES = {
    "fast4g": Profile("fast4g", "Fast 4G-like (9 Mbit/s, 60 ms)", 9000, 1500, 60),
    "slow4g": Profile("slow4g", "Slow 4G-like (1.6 Mbit/s, 150 ms)", 1600, 750, 150),
}
HOSTS = {"plain": "host sends wasm as it is", "gzip": "host gzips wasm"}
WAIT_MS = 240_000  # slow 4G: the bare baseline alone takes about a minute
BAR_MOVES_MS = 1000  # the progress bar moves at least this often while bytes arrive
BUDGET_BYTES = 4.8 * MB
BUDGET_SHARE_RATIO = 0.6


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
    """One row per (profile, host): medians, ranges and ratios against the bare baseline."""
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
                        f"network {name}, {host}: run {run + 1} of {runs}: ready {quiz['at'] / 1000:.1f} s, share {share['at'] / 1000:.1f} s, "
                        f"baseline {base['at'] / 1000:.1f} s"
                    )
            finally:
                server.gzip_wasm = False
            median = {key: statistics.median(values) for key, values in samples.items()}
            rows.append(
                {
                    "profile": name,
                    "label": profile.label,
                    "host": host,
                    "figures": {key: round(value, 1) for key, value in median.items()},
                    "ranges": {
                        key: [round(min(v), 1), round(max(v), 1)] for key, v in samples.items()
                    },
                    "ratios": {
                        "quiz_ready_vs_baseline": round(
                            median["quiz_ready_ms"] / median["baseline_ms"], 3
                        ),
                        "share_vs_baseline": round(median["share_ms"] / median["baseline_ms"], 3),
                        "quiz_bytes_vs_baseline": round(
                            median["quiz_bytes"] / median["baseline_bytes"], 3
                        ),
                    },
                    "failed_on_the_way": failed_on_way,
                }
            )
    return rows


def network_budgets(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The issue's network budgets, for whichever rows were measured."""
    budgets = []

    def add(name: str, text: str, unit: str, value: float, limit: float) -> None:
        budgets.append(
            {
                "name": name,
                "budget": text,
                "unit": unit,
                "value": round(value, 3),
                "limit": round(limit, 3),
                "pass": value <= limit,
                "margin": round(limit - value, 3),
            }
        )

    for row in rows:
        f, r = row["figures"], row["ratios"]
        tag = f"{row['profile']}/{row['host']}"
        if row["profile"] == "fast4g" and row["host"] == "plain":
            add(
                "fast4g_share",
                f"{tag}: cold share link <= {BUDGET_SHARE_RATIO}x baseline",
                "x",
                r["share_vs_baseline"],
                BUDGET_SHARE_RATIO,
            )
            add(
                "fast4g_bytes",
                f"{tag}: cold quiz bytes <= 4.8 MB",
                "bytes",
                f["quiz_bytes"],
                BUDGET_BYTES,
            )
        if row["profile"] == "slow4g":
            add(
                f"slow4g_no_failure_{row['host']}",
                f"{tag}: never 'failed' on the way to ready",
                "times",
                row["failed_on_the_way"],
                0,
            )
            add(
                f"slow4g_bar_{row['host']}",
                f"{tag}: progress bar moves at least once a second",
                "ms",
                row["ranges"]["bar_gap_ms"][1],
                BAR_MOVES_MS,
            )
    return budgets


def _visit(browser: Browser, profile: Profile, url: str, milestone: str) -> dict[str, Any]:
    """One cold visit in a fresh context under the profile: when the milestone held, and the bytes until then."""
    from .command import PROBE, Traffic, _probe

    context = browser.new_context()
    try:
        context.add_init_script(path=str(PROBE))
        context.set_default_timeout(WAIT_MS)
        traffic = Traffic(context)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", profile.conditions())
        page.goto(url, wait_until="commit")
        failure = "baselineFailed" if milestone.startswith("baseline") else None
        _wait(page, milestone, failure)
        probe = _probe(page)
        at = float(probe["marks"][milestone])
        return {
            "at": at,
            "bytes": traffic.bytes(page, 0, probe["timeOrigin"] + at),
            "failed_on_way": 1 if "engineFailed" in probe["marks"] else 0,
            "bar_gap_ms": _bar_gap(page),
        }
    finally:
        context.close()


def _wait(page: Page, name: str, failure: str | None) -> None:
    names = [name] + ([failure] if failure else [])
    try:
        page.wait_for_function(
            "(names) => { const b = window.__stageguideBench; return b && names.some((n) => n in b.marks); }",
            arg=names,
            timeout=WAIT_MS,
            polling=100,
        )
    except Exception as error:  # playwright's TimeoutError
        raise BuildError(
            f"{page.url}: no {name!r} within {WAIT_MS // 1000} s under network emulation ({str(error).splitlines()[0]})"
        ) from None
    if failure and failure in page.evaluate("() => window.__stageguideBench.marks"):
        raise BuildError(f"{page.url}: the bare baseline failed under network emulation")


def _bar_gap(page: Page) -> float:
    """The longest time the progress bar stood still while bytes were arriving (0 on pages without one)."""
    moves = page.evaluate("() => window.__stageguideBench.barMoves || []")
    if len(moves) < 2:
        return 0.0
    return float(max(later - earlier for earlier, later in zip(moves, moves[1:], strict=False)))


def format_network(rows: list[dict[str, Any]]) -> list[str]:
    """The network section of the printed report."""
    if not rows:
        return []
    lines = [
        "",
        "Network emulation (cold, median [min-max] of interleaved runs; text gzipped by the host)",
    ]
    for row in rows:
        f, g, q = row["figures"], row["ranges"], row["ratios"]
        lines.append(f"  {row['label']}, {HOSTS[row['host']]}")

        def span(key: str, scale: float, unit: str) -> str:
            low, high = g[key]
            return f"{f[key] / scale:>7,.1f} {unit} [{low / scale:,.1f}-{high / scale:,.1f}]"

        lines.append(
            f"    quiz page to engine ready      {span('quiz_ready_ms', 1000, 's')}  {q['quiz_ready_vs_baseline']:.2f}x baseline"
            f"{', FAILED on the way ' + str(row['failed_on_the_way']) + 'x' if row['failed_on_the_way'] else ''}"
        )
        lines.append(
            f"    share link to result           {span('share_ms', 1000, 's')}  {q['share_vs_baseline']:.2f}x baseline"
        )
        lines.append(f"    bare Pyodide baseline ready    {span('baseline_ms', 1000, 's')}")
        lines.append(
            f"    bytes: quiz page until ready   {span('quiz_bytes', MB, 'MB')}  {q['quiz_bytes_vs_baseline']:.2f}x baseline"
        )
        lines.append(f"    bytes: baseline until ready    {span('baseline_bytes', MB, 'MB')}")
        lines.append(
            f"    progress bar: longest still    {f['bar_gap_ms']:>7,.0f} ms (worst run {g['bar_gap_ms'][1]:,.0f} ms)"
        )
    return lines
