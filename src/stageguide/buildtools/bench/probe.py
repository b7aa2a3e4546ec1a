"""What the in-page probe (`baseline/probe.js`) noted, read and awaited from Python.

The probe is injected into every page and worker of a bench context; it notes
milestones (`marks`, ms since navigation start) with a MutationObserver, the
workers a page created, and the progress bar's moves, all in the page's own clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BuildError

if TYPE_CHECKING:
    from playwright.sync_api import Page

PROBE = Path(__file__).resolve().parent / "baseline" / "probe.js"
WAIT_MS = 60_000  # one milestone (engine ready, a result) may take this long before it is an error
SNAPSHOT_WAIT_S = 20

_READ = """() => {
  const b = window.__stageguideBench;
  return { marks: { ...b.marks }, workers: b.workers, timeOrigin: b.timeOrigin, controlled: b.controlled };
}"""
_ANY_MARK = """(names) => {
  const b = window.__stageguideBench;
  return b && names.some((n) => n in b.marks);
}"""
# True once the engine's interpreter snapshot (`interpreter-<hash>.snapshot`) is in a cache.
SNAPSHOT_SAVED = """async () => {
  for (const name of await caches.keys()) {
    const keys = await (await caches.open(name)).keys();
    if (keys.some((request) => request.url.endsWith(".snapshot"))) return true;
  }
  return false;
}"""


def probe(page: Page) -> dict[str, Any]:
    """The probe's record: marks, workers, the page's time origin (epoch ms) and service-worker control."""
    record: dict[str, Any] = page.evaluate(_READ)
    return record


def marks(page: Page) -> dict[str, float]:
    return dict(probe(page)["marks"])


def wait_mark(
    page: Page, name: str, failure: str | None = None, timeout_ms: int = WAIT_MS, where: str = ""
) -> None:
    """Wait until the probe noted milestone name; an error if it noted failure instead or time ran out."""
    names = [name, failure] if failure else [name]
    try:
        page.wait_for_function(_ANY_MARK, arg=names, timeout=timeout_ms, polling=50)
    except Exception as error:  # playwright's TimeoutError; playwright is imported lazily
        raise BuildError(
            f"{page.url}: no {name!r} within {timeout_ms // 1000} s{where} ({first_line(error)})"
        ) from None
    if failure and failure in marks(page):
        status = page.locator("[data-sg-status]")
        detail = (
            status.text_content()
            if status.count()
            else page.evaluate("() => document.documentElement.dataset.error || ''")
        )
        raise BuildError(f"{page.url}: the engine failed to start{where}: {detail}")


def need(found: dict[str, float], name: str, where: str) -> float:
    """The milestone's time; an error naming the page if it never happened."""
    if name not in found:
        raise BuildError(f"{where}: the page never reached {name!r}")
    return float(found[name])


def engine_worker_start(record: dict[str, Any]) -> float:
    """When the page created its engine worker (worker.<hash>.mjs), ms since navigation start."""
    starts = [
        w["at"]
        for w in record["workers"]
        if w["url"].split("?")[0].rsplit("/", 1)[-1].startswith("worker.")
    ]
    if not starts:
        raise BuildError("the quiz page never created its engine worker (worker.mjs)")
    return float(min(starts))


def wait_snapshot(
    evaluate: Callable[[str], Any], sleep: Callable[[float], None], timeout_s: float
) -> bool:
    """Wait (a while) for the interpreter snapshot to be cached, as it would be before a return visit."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if evaluate(SNAPSHOT_SAVED):
            return True
        sleep(0.2)
    return False


def first_line(error: BaseException) -> str:
    """An error's first line, for a one-line message."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
