"""Chromium through Playwright, the engine the full browser suite already uses."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, Request, Route

from .base import PageDriver


class ChromiumPage(PageDriver):
    engine = "chromium"

    def __init__(self, browser: Browser) -> None:
        super().__init__()
        self._context = browser.new_context()
        self._seen: list[str] = []
        self._context.on("request", self._note)
        self._context.route("**/*", _only_local)
        self._page = self._context.new_page()
        self._page.on(
            "console",
            lambda m: (
                self.problems.append(f"console error: {m.text}") if m.type == "error" else None
            ),
        )

    def _note(self, request: Request) -> None:
        self._seen.append(request.url)

    def _navigate(self, url: str) -> None:
        self._page.goto(url)

    def evaluate(self, function: str, *args: Any) -> Any:
        return self._page.evaluate(f"(args) => ({function})(...args)", list(args))

    def click(self, selector: str) -> None:
        self._page.locator(selector).click()

    def fill(self, selector: str, text: str) -> None:
        self._page.locator(selector).fill(text)

    def press(self, selector: str, key: str) -> None:
        self._page.locator(selector).press(key)

    def set_viewport(self, width: int, height: int) -> None:
        self._page.set_viewport_size({"width": width, "height": height})

    def requests(self) -> list[str]:
        return list(self._seen)

    def close(self) -> None:
        self.harvest()
        self._context.close()


def _only_local(route: Route) -> None:
    if route.request.url.startswith("http://127.0.0.1:"):
        route.fallback()
    else:
        route.abort()
