"""Engine-neutral page drivers: Chromium (Playwright), Firefox (puppeteer-core), WebKit (selenium).

`open_engine(name, chromium_browser)` starts one engine; its `new_page()` gives a
page in a fresh profile. The cross-engine browser tests (tests/browser/test_engines.py)
and `python build.py bench --engines` use only the PageDriver interface in base.py,
so every engine is asked the same questions.
"""

from __future__ import annotations

from typing import Any, Protocol

from .base import DriverTimeout, PageDriver

ENGINES = ("chromium", "firefox", "webkit")


class Engine(Protocol):
    name: str
    version: str

    def new_page(self) -> PageDriver: ...

    def close(self) -> None: ...


class ChromiumEngine:
    """Wraps the session's Playwright Chromium (pytest-playwright's `browser`).

    It is launched as the other tests launch it.
    """

    name = "chromium"

    def __init__(self, browser: Any) -> None:
        self._browser = browser
        self.version = str(browser.version)

    def new_page(self) -> PageDriver:
        from .chromium import ChromiumPage

        return ChromiumPage(self._browser)

    def close(self) -> None:
        """The browser belongs to pytest-playwright."""


def missing(name: str) -> str | None:
    """Why an engine cannot run on this machine (its binary is absent), or None."""
    if name == "firefox":
        from .firefox import missing as firefox_missing

        return firefox_missing()
    if name == "webkit":
        from .webkit import missing as webkit_missing

        return webkit_missing()
    return None


def open_engine(name: str, chromium_browser: Any = None) -> Engine:
    if name == "chromium":
        return ChromiumEngine(chromium_browser)
    if name == "firefox":
        from .firefox import FirefoxEngine

        return FirefoxEngine()
    if name == "webkit":
        from .webkit import WebKitEngine

        return WebKitEngine()
    raise ValueError(f"unknown engine {name!r}; expected one of {', '.join(ENGINES)}")


__all__ = ["ENGINES", "DriverTimeout", "Engine", "PageDriver", "missing", "open_engine"]
