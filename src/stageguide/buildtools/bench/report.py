"""The bench's findings as one JSON-ready dict: figures, ranges, ratios and the budget check.

Budgets are measurements, not tests: a missed budget is reported (and still exits 0).
`python build.py bench --json` prints these dicts as they are; table.py formats them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .layout import KB, MB
from .stats import medians, ranges, ratio, summary

if TYPE_CHECKING:
    from .builds import BuildTimes
    from .pages import SitePages
    from .session import Samples

WEBKIT_BUDGET = 1.5  # issue 18: WebKit's cold start within 1.5x Chromium's
NETWORK_SHARE_RATIO = 0.6
NETWORK_BYTES = 4.8 * MB
BAR_MOVES_MS = 1000  # the progress bar moves at least this often while bytes arrive


@dataclass(frozen=True)
class Budget:
    """A limit on one figure: figure <= factor x (the figure named by `of`, or 1) + plus."""

    name: str
    text: str
    unit: str
    figure: str
    factor: float
    of: str | None = None
    plus: float = 0.0

    def check(self, figures: dict[str, float]) -> dict[str, Any]:
        scale = figures[self.of] if self.of else 1.0
        limit = self.factor * scale + self.plus
        return budget_row(self.name, self.text, self.unit, figures[self.figure], limit, 1)


BUDGETS = (
    Budget("quiz_answerable", "quiz page answerable <= 1.2x guide page", "ms",
           "quiz_answerable_ms", 1.2, "guide_content_ms"),
    Budget("guide_pages_no_runtime", "home and stage pages request no runtime file", "requests",
           "runtime_requests_guide_pages", 0),
    Budget("share_cold", "cold share link <= 1.1x bare stock Pyodide", "ms",
           "share_cold_ms", 1.1, "baseline_ready_ms"),
    Budget("share_warm", "warm share link <= 0.6x cold", "ms",
           "share_warm_ms", 0.6, "share_cold_ms"),
    Budget("submit_p95", "submit p95 <= 50 ms", "ms",
           "submit_p95_ms", 50),
    Budget("quiz_cold_bytes", "cold quiz bytes <= bare page on the same runtime + 300 KB", "bytes",
           "bytes_quiz_cold", 1, "bytes_bare_site_runtime", 300 * KB),
    Budget("quiz_cold_bytes_total", "cold quiz bytes <= 4.8 MB (host sends wasm as it is)", "bytes",
           "bytes_quiz_cold", 4_800 * KB),
)  # fmt: skip


def budget_row(
    name: str, text: str, unit: str, value: float, limit: float, digits: int
) -> dict[str, Any]:
    """One budget's line in the report: whether value is within limit, and by how much."""
    value, limit = round(float(value), digits), round(float(limit), digits)
    return {
        "name": name,
        "budget": text,
        "unit": unit,
        "value": value,
        "limit": limit,
        "pass": value <= limit,
        "margin": round(limit - value, digits),
    }


def site_report(
    machine: dict[str, Any],
    runs: int,
    samples: Samples,
    pages: SitePages,
    share_url: str,
    build: BuildTimes,
) -> dict[str, Any]:
    """The localhost part of the report (the command adds the network rows and their budgets)."""
    figures = medians(samples.values)
    figures["build_clean_s"] = round(build.clean_s, 2)
    figures["build_cold_s"] = round(build.cold_s, 2)
    figures["build_rebuild_s"] = round(build.rebuild_s, 2)
    baseline = figures["baseline_ready_ms"]
    same_runtime = figures["bare_site_runtime_ready_ms"]
    ratios = {
        "engine_ready_cold_vs_baseline": ratio(figures["engine_ready_cold_ms"], baseline),
        "share_cold_vs_baseline": ratio(figures["share_cold_ms"], baseline),
        "share_warm_vs_baseline": ratio(figures["share_warm_ms"], baseline),
        # What the quiz page adds to the engine's start: the same runtime, started by a bare page.
        "engine_ready_cold_vs_bare_site_runtime": ratio(
            figures["engine_ready_cold_ms"], same_runtime
        ),
        "share_cold_vs_bare_site_runtime": ratio(figures["share_cold_ms"], same_runtime),
        "bare_site_runtime_vs_baseline": ratio(same_runtime, baseline),
        "share_warm_vs_cold": ratio(figures["share_warm_ms"], figures["share_cold_ms"]),
        "quiz_answerable_vs_guide": ratio(
            figures["quiz_answerable_ms"], figures["guide_content_ms"]
        ),
    }
    runtime_requests = sum(len(found) for found in samples.runtime_requests.values())
    checks = dict(figures, runtime_requests_guide_pages=runtime_requests)
    return {
        "machine": machine,
        "runs": runs,
        "submits": len(samples.submits),
        "site": {
            "guide_page": pages.guide_url,
            "quiz_page": pages.quiz_url,
            "edited_page": pages.guide_source,
            "share_url": share_url,
        },
        "figures": figures,
        "ranges": ranges(samples.values),
        "ratios": ratios,
        "samples": {
            **samples.values,
            "submit_ms": [round(v, 1) for v in samples.submits],
            "engine_request_ms": [round(v, 1) for v in samples.requests],
        },
        "notes": {
            "engine_stamp_warm": build.engine_warm,
            "service_worker": samples.service_worker,
            "runtime_requests": samples.runtime_requests,
            "requests_outside_127_0_0_1": samples.outside,
        },
        "timeline": samples.timeline,
        "quiz_cold_files": samples.quiz_cold_files,
        "budgets": [budget.check(checks) for budget in BUDGETS],
    }


def network_row(
    profile: str, label: str, host: str, samples: dict[str, list[float]], failed: int
) -> dict[str, Any]:
    """One (profile, host) row of the network part: medians, ranges and ratios to the bare baseline."""
    median = medians(samples)
    return {
        "profile": profile,
        "label": label,
        "host": host,
        "figures": median,
        "ranges": ranges(samples),
        "ratios": {
            "quiz_ready_vs_baseline": ratio(median["quiz_ready_ms"], median["baseline_ms"]),
            "share_vs_baseline": ratio(median["share_ms"], median["baseline_ms"]),
            "quiz_bytes_vs_baseline": ratio(median["quiz_bytes"], median["baseline_bytes"]),
        },
        "failed_on_the_way": failed,
    }


def network_budgets(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The network budgets, for whichever rows were measured."""
    budgets = []
    for row in rows:
        tag, host = f"{row['profile']}/{row['host']}", row["host"]
        if row["profile"] == "fast4g" and host == "plain":
            share = f"{tag}: cold share link <= {NETWORK_SHARE_RATIO}x baseline"
            share_ratio = row["ratios"]["share_vs_baseline"]
            budgets.append(
                budget_row("fast4g_share", share, "x", share_ratio, NETWORK_SHARE_RATIO, 3)
            )
            size = f"{tag}: cold quiz bytes <= 4.8 MB"
            quiz_bytes = row["figures"]["quiz_bytes"]
            budgets.append(budget_row("fast4g_bytes", size, "bytes", quiz_bytes, NETWORK_BYTES, 3))
        if row["profile"] == "slow4g":
            failed = f"{tag}: never 'failed' on the way to ready"
            times = row["failed_on_the_way"]
            budgets.append(budget_row(f"slow4g_no_failure_{host}", failed, "times", times, 0, 3))
            bar = f"{tag}: progress bar moves at least once a second"
            gap = row["ranges"]["bar_gap_ms"][1]
            budgets.append(budget_row(f"slow4g_bar_{host}", bar, "ms", gap, BAR_MOVES_MS, 3))
    return budgets


def engine_report(
    runs: int,
    samples: dict[str, dict[str, list[float]]],
    started_from: dict[str, dict[str, list[str]]],
    versions: dict[str, str],
    load: list[float | None],
) -> dict[str, Any]:
    """`--engines`: cold and warm starts per engine, and the ratio of each engine's cold start to Chromium's."""
    rows: dict[str, dict[str, Any]] = {
        name: {
            "version": versions.get(name, ""),
            "cold_ms": summary(figures["cold_ms"]),
            "warm_ms": summary(figures["warm_ms"]),
            "started_from": started_from[name],
            "samples": figures,
        }
        for name, figures in samples.items()
    }
    report: dict[str, Any] = {
        "runs": runs,
        "engines": rows,
        "load_average_1min": {"start": load[0], "end": load[-1]},
    }
    base = rows.get("chromium", {}).get("cold_ms")
    if not base:
        return report
    for name, row in rows.items():
        cold = row["cold_ms"]
        row["cold_vs_chromium"] = ratio(cold["median"], base["median"], 2) if cold else None
        # Pairwise ratios of the same run (interleaved), less sensitive to the machine's load changing.
        pairs = zip(samples[name]["cold_ms"], samples["chromium"]["cold_ms"], strict=False)
        row["cold_vs_chromium_per_run"] = [ratio(a, b, 2) for a, b in pairs]
    if "webkit" in rows and rows["webkit"]["cold_ms"]:
        webkit = rows["webkit"]["cold_vs_chromium"]
        report["budget"] = {
            "name": "webkit_cold",
            "budget": f"WebKit cold engine ready <= {WEBKIT_BUDGET}x Chromium's",
            "value": webkit,
            "limit": WEBKIT_BUDGET,
            "pass": webkit <= WEBKIT_BUDGET,
        }
    return report
