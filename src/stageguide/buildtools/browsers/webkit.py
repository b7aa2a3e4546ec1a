"""Safari's engine: WebKitGTK's MiniBrowser driven by WebKitWebDriver through selenium.

Debian's `webkit2gtk-driver` ships both. MiniBrowser has no headless mode, so it
runs on a private Xvfb display. The driver path is always given to selenium, so
Selenium Manager never runs (it would try to download a driver). Each page is a
new WebDriver session, which starts a new MiniBrowser with empty storage: a fresh
profile. All traffic goes through a recording proxy (WebKitWebDriver has no
request events), which also keeps anything from leaving 127.0.0.1.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

from .base import PageDriver
from .proxy import RecordingProxy
from .xvfb import VirtualDisplay

WEBKIT_DRIVER = os.environ.get("STAGEGUIDE_WEBKITDRIVER", "/usr/bin/WebKitWebDriver")
MINIBROWSER = os.environ.get(
    "STAGEGUIDE_MINIBROWSER", "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"
)
SCRIPT_TIMEOUT_S = 90
KEYS = {"Enter": "\ue007", "Tab": "\ue004", "Space": " ", "Escape": "\ue00c"}


def missing() -> str | None:
    """Why WebKit cannot run here, or None."""
    for path, package in ((WEBKIT_DRIVER, "webkit2gtk-driver"), (MINIBROWSER, "webkit2gtk-driver")):
        if not Path(path).is_file():
            return f"{path} is missing; install it with `apt-get install -y {package}`"
    from shutil import which

    if which("Xvfb") is None:
        return "Xvfb is missing; install it with `apt-get install -y xvfb`"
    return None


class WebKitEngine:
    """One display and one proxy for every WebKit page of the test session."""

    name = "webkit"

    def __init__(self) -> None:
        self.display = VirtualDisplay.start()
        self.proxy = RecordingProxy().start()
        self.version = ""

    def new_page(self) -> WebKitPage:
        page = WebKitPage(self)
        self.version = page.version
        return page

    def close(self) -> None:
        self.proxy.stop()
        self.display.stop()


class WebKitPage(PageDriver):
    engine = "webkit"

    def __init__(self, engine: WebKitEngine) -> None:
        super().__init__()
        from selenium import webdriver
        from selenium.webdriver.common.proxy import Proxy, ProxyType
        from selenium.webdriver.webkitgtk.service import Service

        options = webdriver.WebKitGTKOptions()
        options.binary_location = MINIBROWSER
        options.add_argument("--automation")
        options.proxy = Proxy(
            {
                "proxyType": ProxyType.MANUAL,
                "httpProxy": engine.proxy.address,
                "sslProxy": engine.proxy.address,
                "noProxy": [],
            }
        )
        service = Service(
            executable_path=WEBKIT_DRIVER, env={**os.environ, "DISPLAY": engine.display.display}
        )
        self._proxy = engine.proxy
        self._mark = engine.proxy.mark()
        with (
            warnings.catch_warnings()
        ):  # selenium's own WebKitGTK class still uses an API it deprecated
            warnings.simplefilter("ignore", DeprecationWarning)
            self._driver = webdriver.WebKitGTK(options=options, service=service)
        self._driver.set_script_timeout(SCRIPT_TIMEOUT_S)
        self.version = str(self._driver.capabilities.get("browserVersion", ""))

    def _navigate(self, url: str) -> None:
        self._driver.get(url)

    def evaluate(self, function: str, *args: Any) -> Any:
        outcome = self._driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            f"Promise.resolve().then(() => ({function})(...arguments[0]))"
            ".then((value) => done({ok: true, value: value === undefined ? null : value}),"
            " (error) => done({ok: false, error: String(error && error.stack || error)}));",
            list(args),
        )
        if not outcome["ok"]:
            raise RuntimeError(f"[webkit] script failed: {outcome['error']}")
        return outcome["value"]

    def _element(self, selector: str) -> Any:
        from selenium.webdriver.common.by import By

        return self._driver.find_element(By.CSS_SELECTOR, selector)

    def click(self, selector: str) -> None:
        element = self._element(selector)
        self._driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()

    def fill(self, selector: str, text: str) -> None:
        element = self._element(selector)
        element.clear()
        # WebKitWebDriver drops "\n" inside typed text; the Enter key makes a line break in a textarea.
        for index, line in enumerate(text.split("\n")):
            if index:
                element.send_keys(KEYS["Enter"])
            element.send_keys(line)

    def press(self, selector: str, key: str) -> None:
        self._element(selector).send_keys(KEYS.get(key, key))

    def set_viewport(self, width: int, height: int) -> None:
        self._driver.set_window_size(width, height)

    def requests(self) -> list[str]:
        return self._proxy.since(self._mark)

    def close(self) -> None:
        self.harvest()
        self._driver.quit()
