"""A 500-person team report (the limit) never blocks the page for long once the engine replies.

Chromium's Long Tasks API reports every main-thread task over 50 ms, style and layout
included; the report is drawn in steps so that none of them goes past the budget.
The machine the tests share can only make a task longer, never shorter, so the
report is made up to three times and the quickest run counts: drawing it in one
go (as before) costs 0.35-1.9 s in every run, however quiet the machine.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from stageguide.buildtools.staticserver import SiteServer
from stageguide.core import encode

from .quizpage import ENGINE_MS, QUIZ, vector_for_total

LIMIT = 500
BUDGET_MS = 200
ATTEMPTS = 3
GROUPS = ("sales", "marketing", "other", None)


def _links(count: int) -> str:
    return "\n".join(
        encode(QUIZ, vector_for_total(20 + (n * 37) % 81), GROUPS[n % len(GROUPS)], f"Person {n}")
        for n in range(count)
    )


def _long_tasks_while_drawing(page: Page, server: SiteServer, text: str) -> list[int]:
    """Durations (ms) of the main-thread tasks over 50 ms from the click until the report is whole."""
    page.goto(server.url + "team/")
    expect(page.locator("[data-stageguide-team]")).to_have_attribute(
        "data-engine", "ready", timeout=ENGINE_MS
    )
    page.locator("[data-sg-team-text]").fill(text)
    page.wait_for_timeout(500)  # let the fill's own layout settle before measuring
    page.evaluate(
        """() => {
             window.__longTasks = [];
             new PerformanceObserver((list) => {
               for (const entry of list.getEntries()) window.__longTasks.push(Math.round(entry.duration));
             }).observe({ type: 'longtask' });
           }"""
    )
    page.locator("[data-sg-team-submit]").click()
    report = page.locator("[data-team-report]")
    expect(report).to_have_attribute("data-complete", "true", timeout=ENGINE_MS)
    expect(report.locator("[data-team-respondents] tbody tr")).to_have_count(LIMIT)
    dimensions = len({s.dimension for s in QUIZ.statements})
    expect(report.locator("[data-team-chart] .sg-chart__dot")).to_have_count(LIMIT * dimensions)
    page.evaluate(
        "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 100))))"
    )
    return page.evaluate("window.__longTasks")


def test_a_500_person_report_keeps_every_main_thread_task_short(
    page: Page, server: SiteServer
) -> None:
    text = _links(LIMIT)
    runs = []
    for _ in range(ATTEMPTS):
        tasks = _long_tasks_while_drawing(page, server, text)
        runs.append(tasks)
        if max(tasks, default=0) <= BUDGET_MS:
            break
    assert min(max(tasks, default=0) for tasks in runs) <= BUDGET_MS, (
        f"main-thread tasks over 50 ms in each run (ms): {runs}"
    )
