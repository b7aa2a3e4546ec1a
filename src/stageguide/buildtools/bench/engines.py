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

The budget is issue 18's: WebKit's cold start within 1.5x Chromium's. Like the main
bench, a missed budget exits 0; only an error exits 2.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import BuildError
from ..staticserver import SiteServer

Say = Callable[[str], None]

QUIZ_PAGE = "quiz/"
WEBKIT_BUDGET = 1.5
READY_TIMEOUT_S = 90
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

_SNAPSHOT_SAVED = """async () => {
  for (const name of await caches.keys()) {
    const keys = await (await caches.open(name)).keys();
    if (keys.some((request) => request.url.endsWith('.whl.snapshot'))) return true;
  }
  return false;
}"""


def parse_engines(text: str) -> list[str]:
    """The comma-separated engine list of --engines, checked."""
    from ..browsers import ENGINES

    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in ENGINES]
    if unknown or not names:
        raise BuildError(
            f"--engines: unknown engine {', '.join(map(repr, unknown)) or '(none given)'}; choose from {', '.join(ENGINES)}"
        )
    return list(dict.fromkeys(names))


def run_engine_bench(root: Path, engines: list[str], runs: int, as_json: bool, say: Say) -> int:
    report = measure_engines(root, engines, runs, say)
    print(json.dumps(report, indent=2) if as_json else format_engines(report), flush=True)
    return 0


def measure_engines(root: Path, engines: list[str], runs: int, say: Say) -> dict[str, Any]:
    """Build, serve, and time cold and warm starts in each engine, interleaved."""
    from ..browsers import missing, open_engine
    from .command import _load_average, _mkdocs_build, _quiet_disconnects

    absent = {name: reason for name in engines if (reason := missing(name))}
    if absent:
        raise BuildError("; ".join(f"{name}: {reason}" for name, reason in absent.items()))
    samples: dict[str, dict[str, list[float]]] = {
        name: {"cold_ms": [], "warm_ms": []} for name in engines
    }
    started_from: dict[str, dict[str, list[str]]] = {
        name: {"cold": [], "warm": []} for name in engines
    }
    versions: dict[str, str] = {}
    load = [_load_average()]
    with tempfile.TemporaryDirectory(prefix="stageguide-engines-") as temp_name:
        site = Path(temp_name) / "site"
        site.mkdir()
        server = SiteServer(site, gzip=True).start()
        _quiet_disconnects(server)
        playwright = None
        opened: dict[str, Any] = {}
        try:
            say("building the site for the bench server")
            _mkdocs_build(root / "mkdocs.yml", site, server.url)
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
            for run in range(runs):
                for name in engines:
                    began = time.monotonic()
                    cold, warm = _one_run(opened[name], server.url + QUIZ_PAGE)
                    samples[name]["cold_ms"].append(cold["ready_ms"])
                    started_from[name]["cold"].append(cold["from"])
                    if warm is not None:
                        samples[name]["warm_ms"].append(warm["ready_ms"])
                        started_from[name]["warm"].append(warm["from"])
                    versions[name] = getattr(opened[name], "version", "")
                    say(
                        f"run {run + 1} of {runs}: {name} cold {cold['ready_ms']:,.0f} ms ({cold['from']}), "
                        + (
                            f"warm {warm['ready_ms']:,.0f} ms ({warm['from']})"
                            if warm
                            else "no snapshot saved, no warm figure"
                        )
                        + f" [{time.monotonic() - began:.0f} s]"
                    )
        finally:
            for engine in opened.values():
                engine.close()
            if playwright is not None:
                playwright.stop()
            server.stop()
    load.append(_load_average())
    return _engine_report(engines, runs, samples, started_from, versions, load)


def _one_run(engine: Any, url: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    page = engine.new_page()
    try:
        page.goto(url)
        cold = _ready(page, "cold")
        deadline = time.monotonic() + SNAPSHOT_TIMEOUT_S
        while not page.evaluate(_SNAPSHOT_SAVED):
            if time.monotonic() > deadline:
                return cold, None
            time.sleep(0.2)
        page.goto("about:blank")
        page.goto(url)
        return cold, _ready(page, "warm")
    finally:
        page.close()


def _ready(page: Any, which: str) -> dict[str, Any]:
    outcome = page.evaluate(_READY)
    if "failed" in outcome:
        raise BuildError(
            f"{page.engine}: the engine failed to start ({which}): {outcome['failed']}"
        )
    return outcome


def _engine_report(
    engines: list[str],
    runs: int,
    samples: dict[str, dict[str, list[float]]],
    started_from: dict[str, Any],
    versions: dict[str, str],
    load: list[float | None],
) -> dict[str, Any]:
    def summary(values: list[float]) -> dict[str, float] | None:
        if not values:
            return None
        return {
            "median": round(statistics.median(values), 1),
            "min": round(min(values), 1),
            "max": round(max(values), 1),
        }

    rows = {
        name: {
            "version": versions.get(name, ""),
            "cold_ms": summary(samples[name]["cold_ms"]),
            "warm_ms": summary(samples[name]["warm_ms"]),
            "started_from": started_from[name],
            "samples": samples[name],
        }
        for name in engines
    }
    report: dict[str, Any] = {
        "runs": runs,
        "engines": rows,
        "load_average_1min": {"start": load[0], "end": load[-1]},
    }
    base = rows.get("chromium", {}).get("cold_ms")
    if base:
        for name in engines:
            cold = rows[name]["cold_ms"]
            rows[name]["cold_vs_chromium"] = (
                round(cold["median"] / base["median"], 2) if cold else None
            )
            # Pairwise ratios of the same run (interleaved), less sensitive to the machine's load changing.
            pairs = [
                a / b
                for a, b in zip(
                    samples[name]["cold_ms"], samples["chromium"]["cold_ms"], strict=False
                )
            ]
            rows[name]["cold_vs_chromium_per_run"] = [round(p, 2) for p in pairs]
        if "webkit" in rows and rows["webkit"]["cold_ms"]:
            ratio = rows["webkit"]["cold_vs_chromium"]
            report["budget"] = {
                "name": "webkit_cold",
                "budget": f"WebKit cold engine ready <= {WEBKIT_BUDGET}x Chromium's",
                "value": ratio,
                "limit": WEBKIT_BUDGET,
                "pass": ratio <= WEBKIT_BUDGET,
            }
    return report


def format_engines(report: dict[str, Any]) -> str:
    """The side-by-side table printed to a terminal."""
    lines = [
        f"stageguide bench --engines: {report['runs']} interleaved run{'s' * (report['runs'] != 1)}, "
        "engine ready on the quiz page, ms since navigation start, median [min-max]"
    ]
    load = report["load_average_1min"]
    if load["start"] is not None:
        lines.append(f"load average (1 min) {load['start']:.1f} at start, {load['end']:.1f} at end")
    lines += [
        "",
        f"    {'engine':<10}{'version':<18}{'cold':>26}{'warm (snapshot)':>30}   cold vs Chromium   how it started (cold / warm)",
    ]

    def cell(figure: dict[str, float] | None) -> str:
        return (
            f"{figure['median']:>8,.0f} [{figure['min']:,.0f}-{figure['max']:,.0f}]"
            if figure
            else "-"
        )

    for name, row in report["engines"].items():
        ratio = f"{row['cold_vs_chromium']:.2f}x" if row.get("cold_vs_chromium") else "-"
        how = " / ".join(
            ",".join(sorted(set(row["started_from"][k]))) or "-" for k in ("cold", "warm")
        )
        lines.append(
            f"    {name:<10}{row['version'][:17]:<18}{cell(row['cold_ms']):>26}{cell(row['warm_ms']):>30}   {ratio:<17}  {how}"
        )
    budget = report.get("budget")
    if budget:
        lines += [
            "",
            f"  {'PASS' if budget['pass'] else 'FAIL'}  {budget['budget']}: {budget['value']:.2f}x "
            f"(per run: {', '.join(f'{r:.2f}' for r in report['engines']['webkit']['cold_vs_chromium_per_run'])})",
        ]
    return "\n".join(lines)
