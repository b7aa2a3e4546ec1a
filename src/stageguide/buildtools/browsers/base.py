"""The engine-neutral page driver the cross-engine tests use.

Each adapter supplies the few things only a real driver can do (navigate, click,
type, press a key, run a function in the page, size the window, list requests);
everything else (reading text and attributes, waiting) is built here on `evaluate`,
so the three engines are asked exactly the same questions.
"""

from __future__ import annotations

import json
import time
from abc import ABC, abstractmethod
from typing import Any

POLL_S = 0.1

# Installed in every page: collects Content Security Policy violations and uncaught errors.
GUARD = """() => {
  if (window.__sgGuard) return;
  window.__sgGuard = [];
  const note = (text) => window.__sgGuard.push(text);
  document.addEventListener('securitypolicyviolation',
    (e) => note(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  window.addEventListener('error', (e) => note(`page error: ${e.message}`));
  window.addEventListener('unhandledrejection', (e) => note(`unhandled rejection: ${e.reason}`));
}"""
GUARD_EXPRESSION = f"({GUARD})()"


class DriverTimeout(AssertionError):
    """A wait ran out; an assertion failure, so pytest shows what was expected."""


class PageDriver(ABC):
    """One page in a fresh browser profile (its own storage, caches and service workers)."""

    engine: str

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.allowed: list[str] = []  # fragments of problems a test provokes on purpose

    def unexpected_problems(self) -> list[str]:
        return [p for p in self.problems if not any(fragment in p for fragment in self.allowed)]

    # --- what each adapter implements ---------------------------------------------

    @abstractmethod
    def _navigate(self, url: str) -> None: ...

    @abstractmethod
    def evaluate(self, function: str, *args: Any) -> Any:
        """Call a JavaScript function (source text, may be async) with JSON arguments; its JSON result."""

    @abstractmethod
    def click(self, selector: str) -> None: ...

    @abstractmethod
    def fill(self, selector: str, text: str) -> None: ...

    @abstractmethod
    def press(self, selector: str, key: str) -> None:
        """Press one key ("Enter", "Tab", "Space" or a character) with focus on the selector."""

    @abstractmethod
    def set_viewport(self, width: int, height: int) -> None: ...

    @abstractmethod
    def requests(self) -> list[str]:
        """Every URL this page's profile asked for so far, workers and service workers included."""

    @abstractmethod
    def close(self) -> None: ...

    # --- built on the above ------------------------------------------------------------

    def goto(self, url: str) -> None:
        self.harvest()
        self._navigate(url)
        self.evaluate(GUARD)

    def harvest(self) -> list[str]:
        """Move what the page's guard collected into self.problems (before it navigates away)."""
        try:
            found = self.evaluate("() => (window.__sgGuard || []).splice(0)")
        except Exception:  # noqa: BLE001 - a page mid-navigation has nothing to give
            found = []
        self.problems += found or []
        return self.problems

    @property
    def url(self) -> str:
        return str(self.evaluate("() => location.href"))

    def count(self, selector: str) -> int:
        return int(self.evaluate("(s) => document.querySelectorAll(s).length", selector))

    def text(self, selector: str) -> str | None:
        return _text_or_none(
            self.evaluate(
                "(s) => { const e = document.querySelector(s); return e ? e.textContent : null; }",
                selector,
            )
        )

    def texts(self, selector: str) -> list[str]:
        texts = self.evaluate(
            "(s) => [...document.querySelectorAll(s)].map((e) => e.textContent.trim())", selector
        )
        return [str(text) for text in texts]

    def attribute(self, selector: str, name: str) -> str | None:
        return _text_or_none(
            self.evaluate(
                "(s, n) => { const e = document.querySelector(s); return e ? e.getAttribute(n) : null; }",
                selector,
                name,
            )
        )

    def value(self, selector: str) -> str | None:
        return _text_or_none(
            self.evaluate(
                "(s) => { const e = document.querySelector(s); return e ? e.value : null; }",
                selector,
            )
        )

    def visible(self, selector: str) -> bool:
        return bool(
            self.evaluate(
                "(s) => { const e = document.querySelector(s); "
                "return !!e && e.getClientRects().length > 0 "
                "&& getComputedStyle(e).visibility !== 'hidden'; }",
                selector,
            )
        )

    def wait_until(self, what: str, check: Any, timeout_s: float) -> Any:
        """Poll check() until it returns something truthy; fail with `what` and the last value seen."""
        deadline = time.monotonic() + timeout_s
        last: Any = None
        while True:
            last = check()
            if last:
                return last
            if time.monotonic() > deadline:
                raise DriverTimeout(
                    f"[{self.engine}] waited {timeout_s:.0f} s for {what}; last seen: {last!r}"
                )
            time.sleep(POLL_S)

    def wait_visible(self, selector: str, timeout_s: float) -> None:
        self.wait_until(f"{selector} to be visible", lambda: self.visible(selector), timeout_s)

    def wait_attribute(self, selector: str, name: str, value: str, timeout_s: float) -> None:
        seen: list[str | None] = []

        def check() -> bool:
            seen[:] = [self.attribute(selector, name)]
            return seen[0] == value

        try:
            self.wait_until(f"{selector} [{name}={value!r}]", check, timeout_s)
        except DriverTimeout as error:
            raise DriverTimeout(
                f"{error} ({name}={seen[0]!r}; page text: {self._status()})"
            ) from None

    def wait_text(self, selector: str, fragment: str, timeout_s: float) -> str:
        return str(
            self.wait_until(
                f"{selector} to contain {fragment!r}",
                lambda: (t := self.text(selector)) is not None and fragment in t and t,
                timeout_s,
            )
        )

    def wait_count(self, selector: str, count: int, timeout_s: float) -> None:
        self.wait_until(f"{count} x {selector}", lambda: self.count(selector) == count, timeout_s)

    def _status(self) -> str:
        return json.dumps(self.text("[data-sg-status]"))


def _text_or_none(value: Any) -> str | None:
    """A page value as text (what the DOM gave), or None where the element is missing."""
    return None if value is None else str(value)
