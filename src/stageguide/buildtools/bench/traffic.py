"""What crossed the network in one browser context, from Chromium's own byte counts."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page, Request

FINISH_WAIT_S = 5.0  # requests started before a cut-off get this long to finish


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
            if r.url.startswith("http") and (until_epoch_ms is None or started(r) <= until_epoch_ms)
        ]
        deadline = time.monotonic() + FINISH_WAIT_S
        while any(id(r) not in self.done for r in chosen) and time.monotonic() < deadline:
            page.wait_for_timeout(50)  # lets Playwright deliver the remaining events
        return sum(transferred(r) for r in chosen if id(r) in self.done)

    def files(self, base: str, until_epoch_ms: float) -> list[dict[str, Any]]:
        """Bytes per finished request started by until_epoch_ms, largest first."""
        rows = [
            {
                "path": relative(r.url, base),
                "bytes": transferred(r),
                "service_worker": r.service_worker is not None,
            }
            for r in self.requests
            if r.url.startswith("http") and id(r) in self.done and started(r) <= until_epoch_ms
        ]
        return sorted(rows, key=lambda row: -row["bytes"])

    def paths(self, base: str, start: int = 0) -> list[str]:
        return [relative(r.url, base) for r in self.requests[start:]]


def relative(url: str, base: str) -> str:
    return url[len(base) :] if url.startswith(base) else url


def started(request: Request) -> float:
    """When the request started (epoch ms), 0 if Chromium did not say."""
    start = float(request.timing.get("startTime", -1))
    return start if start > 0 else 0.0


def transferred(request: Request) -> int:
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
