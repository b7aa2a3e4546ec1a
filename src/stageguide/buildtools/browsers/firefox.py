"""Firefox's engine (Gecko): Debian's Firefox ESR driven by puppeteer-core over WebDriver BiDi.

The driver is a small long-lived Node process (firefox_bridge.mjs) that Python talks
to in JSON lines; puppeteer-core is pinned in package.json and needs no download
(it drives the system Firefox, no geckodriver). Firefox sends all its traffic through
the recording proxy (prefs below), so requests of workers and service workers are
listed too and nothing can leave 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

from .base import GUARD_EXPRESSION, PageDriver
from .proxy import RecordingProxy

FIREFOX = os.environ.get("STAGEGUIDE_FIREFOX", "/usr/bin/firefox-esr")
BRIDGE = Path(__file__).with_name("firefox_bridge.mjs")
REPO = (
    Path(__file__).resolve().parents[4]
)  # the checkout (src/stageguide/buildtools/browsers/): node finds puppeteer-core there
REPLY_TIMEOUT_S = 180


def missing() -> str | None:
    """Why Firefox cannot run here, or None."""
    if not Path(FIREFOX).is_file():
        return f"{FIREFOX} is missing; install it with `apt-get install -y firefox-esr`"
    if shutil.which("node") is None:
        return "node is missing; install Node.js 18 or newer"
    if not (REPO / "node_modules" / "puppeteer-core").is_dir():
        return "puppeteer-core is missing from node_modules; run `python build.py setup`"
    return None


# Firefox's own background services, off as Chromium's are (CHROMIUM_FLAGS): on a closed
# network they only fail, and they are the browser's traffic, not the site's.
QUIET_PREFS: dict[str, Any] = {
    "services.settings.server": "data:,#remote-settings-off",
    "app.normandy.enabled": False,
    "app.update.auto": False,
    "browser.safebrowsing.downloads.remote.enabled": False,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "captivedetect.canonicalURL": "",
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "extensions.getAddons.cache.enabled": False,
    "extensions.blocklist.enabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "toolkit.telemetry.enabled": False,
}


# Firefox ESR still polls its remote-settings service whatever the prefs say. That is the
# browser's own traffic, not the site's: the proxy refuses it and requests() leaves it out.
BROWSER_SERVICES = ("https://firefox.settings.services.mozilla.com",)


def proxy_prefs(address: str) -> dict[str, Any]:
    host, port = address.rsplit(":", 1)
    return {
        **QUIET_PREFS,
        "network.proxy.type": 1,
        "network.proxy.http": host,
        "network.proxy.http_port": int(port),
        "network.proxy.ssl": host,
        "network.proxy.ssl_port": int(port),
        "network.proxy.no_proxies_on": "",
        "network.proxy.allow_hijacking_localhost": True,
    }


class FirefoxEngine:
    """One Firefox and one Node bridge for every Firefox page of the test session."""

    name = "firefox"

    def __init__(self) -> None:
        self.proxy = RecordingProxy().start()
        self._process = subprocess.Popen(
            ["node", str(BRIDGE)],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self._lock = threading.Lock()
        self._next = 0
        try:
            self.version = str(self.call("launch", FIREFOX, proxy_prefs(self.proxy.address)))
        except BaseException:
            self.close()
            raise

    def call(self, op: str, *args: Any) -> Any:
        """One request to the bridge and its reply; a failure raises with the bridge's message."""
        with self._lock:
            self._next += 1
            assert self._process.stdin is not None and self._process.stdout is not None
            self._process.stdin.write(
                json.dumps({"id": self._next, "op": op, "args": list(args)}) + "\n"
            )
            self._process.stdin.flush()
            line = _read_line(self._process, REPLY_TIMEOUT_S)
        reply = json.loads(line)
        if not reply["ok"]:
            raise RuntimeError(f"[firefox] {op} failed: {reply['error']}")
        return reply["value"]

    def new_page(self) -> FirefoxPage:
        return FirefoxPage(self)

    def close(self) -> None:
        try:
            if self._process.poll() is None:
                self.call("quit")
        except (RuntimeError, OSError, ValueError):
            pass
        finally:
            if self._process.poll() is None:
                self._process.kill()
            self._process.wait(timeout=10)
            for pipe in (self._process.stdin, self._process.stdout, self._process.stderr):
                if pipe is not None:
                    pipe.close()
            self.proxy.stop()


def _read_line(process: subprocess.Popen[str], timeout_s: float) -> str:
    result: list[str] = []
    reader = threading.Thread(
        target=lambda: result.append(process.stdout.readline() if process.stdout else ""),
        daemon=True,
    )
    reader.start()
    reader.join(timeout_s)
    if not result or not result[0]:
        error = process.stderr.read() if process.poll() is not None and process.stderr else ""
        raise RuntimeError(
            f"[firefox] the bridge gave no reply within {timeout_s:.0f} s (exit code {process.poll()}) {error[-2000:]}"
        )
    return result[0]


class FirefoxPage(PageDriver):
    engine = "firefox"

    def __init__(self, engine: FirefoxEngine) -> None:
        super().__init__()
        self._engine = engine
        self._mark = engine.proxy.mark()
        self._id = engine.call("newPage", GUARD_EXPRESSION)

    def _navigate(self, url: str) -> None:
        self._engine.call("goto", self._id, url)

    def evaluate(self, function: str, *args: Any) -> Any:
        return self._engine.call("evaluate", self._id, f"({function})(...{json.dumps(list(args))})")

    def click(self, selector: str) -> None:
        self._engine.call("click", self._id, selector)

    def fill(self, selector: str, text: str) -> None:
        self._engine.call("fill", self._id, selector, text)

    def press(self, selector: str, key: str) -> None:
        self._engine.call("press", self._id, selector, key)

    def set_viewport(self, width: int, height: int) -> None:
        self._engine.call("viewport", self._id, width, height)

    def requests(self) -> list[str]:
        """What the site asked for: everything the proxy saw but Firefox's own BROWSER_SERVICES."""
        return [
            url
            for url in self._engine.proxy.since(self._mark)
            if not url.startswith(BROWSER_SERVICES)
        ]

    def close(self) -> None:
        self.harvest()
        self._engine.call("closePage", self._id)
