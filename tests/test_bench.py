"""`python build.py bench` end to end: one run, JSON out. Shape only, never timing.

One run, of the incident-response example under one network profile: a model with other
pages than this site's, so it also shows the bench measures whatever model a site holds
(which pages it picks for this site: tests/test_bench_pages.py). One run, not one per
model, because a bench run builds the site four times and CI has a time budget.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from stageguide.buildtools.bench.table import format_report
from stageguide.quizfile import read_quiz

REPO = Path(__file__).resolve().parents[1]
EXAMPLE_CONFIG = REPO / "examples" / "incident-response" / "mkdocs.yml"
# Its four builds include a fully cold one; on a busy 2-core machine that alone can take minutes.
EXAMPLE_TIMEOUT_S = 900

pytestmark = pytest.mark.browser

FIGURES = (
    "quiz_answerable_ms",
    "quiz_content_ms",
    "quiz_mounted_ms",
    "quiz_dcl_ms",
    "guide_content_ms",
    "guide_dcl_ms",
    "engine_ready_cold_ms",
    "engine_worker_start_ms",
    "share_cold_ms",
    "share_warm_ms",
    "engine_ready_warm_ms",
    "baseline_ready_ms",
    "baseline_worker_start_ms",
    "submit_median_ms",
    "submit_first_ms",
    "submit_p95_ms",
    "engine_request_median_ms",
    "engine_request_p95_ms",
    "baseline_pyodide_mjs_and_wheel_ms",
    "baseline_load_pyodide_ms",
    "baseline_wheel_and_import_ms",
    "bytes_home",
    "bytes_stage",
    "bytes_quiz_cold",
    "bytes_quiz_cold_visit",
    "bytes_quiz_warm",
    "bytes_baseline",
    "bare_site_runtime_ready_ms",
    "bare_site_runtime_worker_start_ms",
    "bare_site_runtime_pyodide_mjs_and_wheel_ms",
    "bare_site_runtime_load_pyodide_ms",
    "bare_site_runtime_wheel_and_import_ms",
    "bytes_bare_site_runtime",
    "build_clean_s",
    "build_cold_s",
    "build_rebuild_s",
)
BUDGETS = {
    "quiz_answerable",
    "guide_pages_no_runtime",
    "share_cold",
    "share_warm",
    "submit_p95",
    "quiz_cold_bytes",
    "quiz_cold_bytes_total",
    "fast4g_share",
    "fast4g_bytes",
}
NETWORK_FIGURES = {
    "quiz_ready_ms",
    "quiz_bytes",
    "bar_gap_ms",
    "share_ms",
    "baseline_ms",
    "baseline_bytes",
}


def _positive(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def _bench(*args: str, timeout: int) -> dict[str, Any]:
    """One real bench run with --runs 1 --json; its report."""
    done = subprocess.run(
        [sys.executable, "-m", "stageguide.buildtools", "bench", "--runs", "1", "--json", *args],
        cwd=REPO,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"bench exited {done.returncode}:\n{done.stderr[-3000:]}"
    report: dict[str, Any] = json.loads(
        done.stdout
    )  # --json: stdout holds the JSON and nothing else
    return report


@pytest.mark.timeout(EXAMPLE_TIMEOUT_S + 60)
def test_one_run_on_the_example_model_reports_every_figure_and_the_budgets() -> None:
    report = _bench(
        "-f",
        str(EXAMPLE_CONFIG),
        "--network",
        "fast4g",
        "--hosts",
        "plain",
        timeout=EXAMPLE_TIMEOUT_S,
    )

    figures = report["figures"]
    missing = [name for name in FIGURES if name not in figures]
    assert not missing, f"figures missing: {missing}"
    not_positive = {name: value for name, value in figures.items() if not _positive(value)}
    assert not not_positive, f"figures that are not positive numbers: {not_positive}"
    assert all(_positive(value) for value in report["ratios"].values()), report["ratios"]
    # The reference is stock Pyodide (its whole stdlib and package index travel); the bare page
    # on the site's own runtime, which tells what the quiz page adds, moves less.
    assert figures["bytes_baseline"] > figures["bytes_bare_site_runtime"] + 1_000_000, figures
    assert {"share_cold_vs_baseline", "share_cold_vs_bare_site_runtime"} <= set(report["ratios"])
    assert (
        len(report["samples"]["submit_ms"])
        == len(report["samples"]["engine_request_ms"])
        == report["submits"]
        == 20
    )

    machine = report["machine"]
    assert _positive(machine["cpus"]) and machine["cpu_model"] and machine["chromium"]

    budgets = {budget["name"]: budget for budget in report["budgets"]}
    assert set(budgets) == BUDGETS
    for budget in budgets.values():
        assert isinstance(budget["pass"], bool), budget
        assert isinstance(budget["value"], (int, float)) and isinstance(
            budget["limit"], (int, float)
        ), budget
        assert budget["pass"] == (budget["value"] <= budget["limit"]), budget
    assert report["timeline"] and any(
        "pyodide.asm.wasm" in row["what"] for row in report["timeline"]
    )

    # Under Fast 4G emulation the site and the bare baseline were both measured, bytes included.
    [network] = report["network"]
    assert (network["profile"], network["host"]) == ("fast4g", "plain")
    assert set(network["figures"]) == NETWORK_FIGURES
    assert all(_positive(network["figures"][name]) for name in NETWORK_FIGURES - {"bar_gap_ms"})
    assert network["figures"]["quiz_bytes"] < network["figures"]["baseline_bytes"], (
        "the precompressed wasm travels, not the plain one"
    )
    assert network["failed_on_the_way"] == 0

    # The pages measured are the example's own, taken from its quiz and nav.
    first_stage = read_quiz(EXAMPLE_CONFIG.parent / "quiz" / "incident-response.yml").stages[0]
    assert first_stage.page == "stages/reactive.md"
    assert report["site"]["guide_page"] == "stages/reactive/"
    assert report["site"]["edited_page"] == "stages/reactive.md"
    assert report["site"]["quiz_page"] == "quiz/"
    assert report["site"]["share_url"].startswith("quiz/#a=incident-response.")
    # Every row of the printed table (`NN  label<52>value`; 33 rows) shows a figure.
    table = format_report(report)
    rows = [line for line in table.splitlines() if re.match(r"( \d|  )  \S", line)]
    assert len(rows) >= 33, table

    # A row is an optional number, a label and, after gaps of two or more spaces, its figure
    # and maybe a remark (the network rows are indented and narrower: no fixed column).
    def figure_missing(line: str) -> bool:
        cells = re.split(r"\s{2,}", line.strip())
        cells = cells[1:] if cells[0].isdigit() else cells
        return not any(re.search(r"\d", cell) for cell in cells[1:])

    empty = [line for line in rows if figure_missing(line)]
    assert not empty, f"rows without a figure: {empty}"
    assert "guide page (stages/reactive/)" in table and "editing stages/reactive.md" in table
