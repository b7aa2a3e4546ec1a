"""The bench's reports as the tables printed to a terminal (`--json` prints the dicts instead)."""

from __future__ import annotations

from typing import Any

from .layout import KB, MB, is_runtime
from .network import HOSTS
from .session import BASELINE_PHASES


def format_report(report: dict[str, Any]) -> str:
    """The report as the table printed to a terminal: numbered rows are the figures with budgets."""
    table = _Rows(report)
    lines = [*_header(report), "", "Time from navigation start, cold unless marked warm"]
    lines += table.times()
    lines += [
        "",
        "Bytes over the network (headers included; cache and service-worker hits count 0)",
    ]
    lines += table.bytes()
    lines += ["", "Build (wall clock of `python -m mkdocs build --strict`)"]
    lines += table.builds()
    lines += _timeline(report["timeline"]) + _beyond_runtime(report["quiz_cold_files"])
    lines += format_network(report.get("network") or [])
    lines += ["", "Budgets", *map(_budget, report["budgets"])]
    outside = report["notes"]["requests_outside_127_0_0_1"]
    if outside:
        lines += ["", "Requests that left 127.0.0.1: " + ", ".join(outside)]
    return "\n".join(lines)


def _header(report: dict[str, Any]) -> list[str]:
    """What ran where: runs, machine, and whether other work loaded the machine meanwhile."""
    m = report["machine"]
    lines = [
        f"stageguide bench: {report['runs']} run{'s' * (report['runs'] != 1)}, median [min-max]",
        f"machine: {m['cpus']} CPUs, {m['cpu_model']}; Chromium {m['chromium']}; "
        f"Pyodide {m['pyodide']}; Python {m['python']}; commit {(m['commit'] or 'unknown')[:12]}"
        + (" with uncommitted changes" if m.get("uncommitted") else ""),
    ]
    load = m["load_average_1min"]
    if load["start"] is not None and load["end"] is not None:
        busy = max(load["start"], load["end"]) > (m["cpus"] or 1)
        competed = f": more than {m['cpus']} CPUs' worth, so other work competed with the bench"
        lines.append(
            f"load average (1 min) {load['start']:.1f} at start, {load['end']:.1f} at end"
            + (competed if busy else "")
        )
    return lines


class _Rows:
    """The table's rows: `NN  label  value  note`, NN the figure's number where it has a budget."""

    def __init__(self, report: dict[str, Any]) -> None:
        self.report = report
        self.f, self.r, self.q = report["figures"], report["ranges"], report["ratios"]
        self.site = report["site"]

    def ms(self, name: str) -> str:
        low, high = self.r[name]
        return f"{self.f[name]:>9,.0f} ms  [{low:,.0f}-{high:,.0f}]"

    def kb(self, name: str) -> str:
        low, high = self.r[name]
        spread = "" if low == high else f"  [{low / KB:,.1f}-{high / KB:,.1f}]"
        return f"{self.f[name] / KB:>9,.1f} KB{spread}"

    @staticmethod
    def row(number: str, label: str, value: str, extra: str = "") -> str:
        return f"{number:>2}  {label:<52}{value}{'  ' + extra if extra else ''}"

    def times(self) -> list[str]:
        f, q, row, ms = self.f, self.q, self.row, self.ms
        guide = self.site["guide_page"]
        warm = (
            f"{q['share_warm_vs_baseline']:.2f}x baseline, {q['share_warm_vs_cold']:.2f}x cold; "
            + _service_worker(self.report["notes"]["service_worker"])
        )
        rows = [
            row("1", "quiz page: first statement answerable", ms("quiz_answerable_ms"),
                f"{q['quiz_answerable_vs_guide']:.2f}x guide page"),
            row("", f"guide page ({guide}): heading present", ms("guide_content_ms")),
            row("", "quiz page: form mounted by quiz.js", ms("quiz_mounted_ms")),
            row("", "DOMContentLoaded: quiz page", ms("quiz_dcl_ms")),
            row("", "DOMContentLoaded: guide page", ms("guide_dcl_ms")),
            row("2", "engine ready (data-engine=ready)", ms("engine_ready_cold_ms"),
                f"{q['engine_ready_cold_vs_baseline']:.2f}x baseline, "
                f"{q['engine_ready_cold_vs_bare_site_runtime']:.2f}x bare page, same runtime"),
            row("", "engine worker created", ms("engine_worker_start_ms")),
            row("3", "share link to result", ms("share_cold_ms"),
                f"{q['share_cold_vs_baseline']:.2f}x baseline, "
                f"{q['share_cold_vs_bare_site_runtime']:.2f}x bare page, same runtime"),
            row("", "share link to result, warm (2nd visit)", ms("share_warm_ms"), warm),
            row("", "engine ready, warm (3rd visit)", ms("engine_ready_warm_ms")),
            row("6", "baseline: bare page, stock Pyodide + wheel import", ms("baseline_ready_ms"),
                "the reference"),
        ]  # fmt: skip
        rows += self._bare_page_parts("baseline", "baseline")
        rows.append(row("", "bare page on the site's runtime + wheel import",
                        ms("bare_site_runtime_ready_ms"),
                        f"{q['bare_site_runtime_vs_baseline']:.2f}x baseline"))  # fmt: skip
        rows += self._bare_page_parts("bare_site_runtime", "same runtime")
        per_run = self.report["submits"] // max(1, self.report["runs"])
        submits = f"submit to result, engine warm ({per_run} a run; each run's, median of runs)"
        alone = "  of which: engine request alone (no rendering)"
        return rows + [
            row("4", submits, _median_p95(f["submit_median_ms"], f["submit_p95_ms"])),
            row("", "  the page's first submit (renders the result the first time)",
                ms("submit_first_ms")),
            row("", alone, _median_p95(f["engine_request_median_ms"], f["engine_request_p95_ms"])),
        ]  # fmt: skip

    def _bare_page_parts(self, prefix: str, label: str) -> list[str]:
        """One bare page's worker: when it was created, and its phases (baseline-worker.mjs)."""
        rows = [self.row("", f"  {label}: worker created", self.ms(f"{prefix}_worker_start_ms"))]
        return rows + [
            self.row("", f"  {label} worker: " + name.removesuffix("_ms").replace("_", " "),
                     self.ms(f"{prefix}_{name}"))
            for name in BASELINE_PHASES
        ]  # fmt: skip

    def bytes(self) -> list[str]:
        row, kb = self.row, self.kb
        return [
            row("5", "home page", kb("bytes_home")),
            row("", f"stage page ({self.site['guide_page']})", kb("bytes_stage")),
            row("", "quiz page, cold, until engine ready", kb("bytes_quiz_cold")),
            row(
                "",
                "quiz page, cold visit incl. service-worker install",
                kb("bytes_quiz_cold_visit"),
            ),
            row("", "quiz page, warm, until engine ready", kb("bytes_quiz_warm")),
            row("6", "bare page, stock Pyodide (baseline, until ready)", kb("bytes_baseline")),
            row("", "bare page, the site's runtime (until ready)", kb("bytes_bare_site_runtime")),
        ]

    def builds(self) -> list[str]:
        f, row = self.f, self.row
        warm = self.report["notes"]["engine_stamp_warm"]
        stamp = "engine stamp warm" if warm else "engine rebuilt: its stamp was stale"
        return [
            row("7", f"clean build into a fresh folder ({stamp})", f"{f['build_clean_s']:>9,.2f} s"),
            row("", "fully cold build (empty engine + runtime folders)",
                f"{f['build_cold_s']:>9,.2f} s"),
            row("", f"rebuild after editing {self.site['edited_page']}",
                f"{f['build_rebuild_s']:>9,.2f} s"),
        ]  # fmt: skip


def _median_p95(median: float, p95: float) -> str:
    return f"{median:>9,.1f} ms  median, p95 {p95:,.1f} ms"


def _service_worker(sw: dict[str, Any]) -> str:
    """What served the warm visit, in words."""
    if sw.get("controlled_warm"):
        snapshot = sw.get("warm_started_from") == "snapshot"
        start = ", started from the interpreter snapshot" if snapshot else ", no snapshot used"
        return "a service worker controlled it" + start
    if sw.get("registered"):
        return "a service worker registered but did not control it"
    return "no service worker"


def _timeline(timeline: list[dict[str, Any]]) -> list[str]:
    if not timeline:
        return []
    lines = ["", "Cold start, first run's share-link visit (ms from navigation start)"]
    for item in timeline:
        end = f" -> {item['end_ms']:>8,.0f}" if item.get("end_ms") is not None else ""
        size = f"  {item['bytes'] / KB:,.1f} KB" if item.get("bytes") is not None else ""
        lines.append(f"    {item['what']:<60}{item['start_ms']:>8,.0f}{end}{size}")
    return lines


def _beyond_runtime(files: list[dict[str, Any]]) -> list[str]:
    """The cold quiz page's largest files that are not the runtime (first run)."""
    extra = [f for f in files if not is_runtime(f["path"]) and f["bytes"]]
    if not extra:
        return []
    total = sum(f["bytes"] for f in extra) / KB
    return [
        "",
        f"Cold quiz page beyond the runtime, first run: {total:,.1f} KB",
        *(f"    {f['path'][:60]:<60}{f['bytes'] / KB:>10,.1f} KB" for f in extra[:8]),
    ]


def _budget(budget: dict[str, Any]) -> str:
    unit, value, limit, margin = budget["unit"], budget["value"], budget["limit"], budget["margin"]
    if unit == "bytes":
        shown = f"{value / KB:,.1f} KB vs limit {limit / KB:,.1f} KB (margin {margin / KB:,.1f} KB)"
    elif unit == "x":
        shown = f"{value:.2f}x vs limit {limit:.2f}x (margin {margin:.2f})"
    elif unit in ("requests", "times"):
        shown = f"{value:,.0f} {unit} (limit {limit:,.0f})"
    else:
        shown = f"{value:,.1f} {unit} vs limit {limit:,.1f} {unit} (margin {margin:,.1f} {unit})"
    return f"  {'PASS' if budget['pass'] else 'FAIL'}  {budget['budget']:<64}{shown}"


def format_network(rows: list[dict[str, Any]]) -> list[str]:
    """The network section of the printed report."""
    if not rows:
        return []
    lines = [
        "",
        "Network emulation (cold, median [min-max] of interleaved runs; text gzipped by the host)",
    ]
    for row in rows:
        q, failed = row["ratios"], row["failed_on_the_way"]
        lines += [
            f"  {row['label']}, {HOSTS[row['host']]}",
            f"    quiz page to engine ready      {_span(row, 'quiz_ready_ms', 1000, 's')}  "
            f"{q['quiz_ready_vs_baseline']:.2f}x baseline"
            + (f", FAILED on the way {failed}x" if failed else ""),
            f"    share link to result           {_span(row, 'share_ms', 1000, 's')}  "
            f"{q['share_vs_baseline']:.2f}x baseline",
            f"    bare stock Pyodide ready       {_span(row, 'baseline_ms', 1000, 's')}",
            f"    bytes: quiz page until ready   {_span(row, 'quiz_bytes', MB, 'MB')}  "
            f"{q['quiz_bytes_vs_baseline']:.2f}x baseline",
            f"    bytes: stock until ready       {_span(row, 'baseline_bytes', MB, 'MB')}",
            f"    progress bar: longest still    {row['figures']['bar_gap_ms']:>7,.0f} ms "
            f"(worst run {row['ranges']['bar_gap_ms'][1]:,.0f} ms)",
        ]
    return lines


def _span(row: dict[str, Any], key: str, scale: float, unit: str) -> str:
    """A network figure as `median unit [min-max]`, scaled to unit."""
    low, high = row["ranges"][key]
    return f"{row['figures'][key] / scale:>7,.1f} {unit} [{low / scale:,.1f}-{high / scale:,.1f}]"


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
        f"    {'engine':<10}{'version':<18}{'cold':>26}{'warm (snapshot)':>30}   "
        "cold vs Chromium   how it started (cold / warm)",
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
        cold, warm = cell(row["cold_ms"]), cell(row["warm_ms"])
        lines.append(
            f"    {name:<10}{row['version'][:17]:<18}{cold:>26}{warm:>30}   {ratio:<17}  {how}"
        )
    budget = report.get("budget")
    if budget:
        per_run = report["engines"]["webkit"]["cold_vs_chromium_per_run"]
        lines += [
            "",
            f"  {'PASS' if budget['pass'] else 'FAIL'}  {budget['budget']}: {budget['value']:.2f}x "
            f"(per run: {', '.join(f'{r:.2f}' for r in per_run)})",
        ]
    return "\n".join(lines)
