"""Helpers that use the quiz page the way a visitor does."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Locator, Page, expect
from sitecontent import site_quiz

from stageguide.core import Quiz, Result, encode
from stageguide.quizfile import read_quiz

QUIZ: Quiz = read_quiz(site_quiz())  # the quiz mkdocs.yml names, sample or not
ENGINE_MS = 60_000


def quiz_root(page: Page) -> Locator:
    return page.locator("[data-stageguide-quiz]")


def wait_engine(page: Page, state: str = "ready", timeout: int = ENGINE_MS) -> None:
    expect(quiz_root(page)).to_have_attribute("data-engine", state, timeout=timeout)


UNSURE = "unsure"  # the form's value for "I can't judge this"


def answer(page: Page, answers: Sequence[int | str | None], quiz: Quiz = QUIZ) -> None:
    """Click the label of each chosen answer, as a visitor would (None skips a statement, UNSURE can't judge)."""
    for statement, value in zip(quiz.statements, answers, strict=False):
        if value is None:
            continue
        page.locator(f"#sg-q-{statement.id} label.sg-option").filter(
            has=page.locator(f"input[value='{value}']")
        ).click()


def submit(page: Page) -> Locator:
    page.locator("[data-sg-submit]").click()
    result = page.locator("[data-quiz-result]")
    expect(result).to_be_visible(timeout=ENGINE_MS)
    return result


def checked_answers(page: Page, quiz: Quiz = QUIZ) -> list[int | None]:
    values: list[int | None] = []
    for statement in quiz.statements:
        checked = page.locator(f"input[name='{statement.id}']:checked")
        values.append(int(checked.get_attribute("value") or 0) if checked.count() else None)
    return values


def vector_for_total(total: int, quiz: Quiz = QUIZ) -> list[int]:
    """A varied answer vector with the given total (spreads the surplus over the statements)."""
    if not quiz.lowest_total <= total <= quiz.highest_total:
        raise ValueError(
            f"total {total} is outside {quiz.id}'s {quiz.lowest_total}-{quiz.highest_total}"
        )
    count = len(quiz.statements)
    low, high = quiz.scale_min, quiz.scale_max
    values = [low] * count
    surplus = total - low * count
    index = 0
    while surplus > 0:
        step = min(high - values[index % count], surplus, 1 + index % 3)
        values[index % count] += step
        surplus -= step
        index += 1
    return values


def expect_result(page: Page, expected: Result, quiz: Quiz = QUIZ) -> Locator:
    """The shown result agrees with CPython's: stage, total, every dimension, the advice, the share link."""
    result = page.locator("[data-quiz-result]")
    expect(result).to_have_attribute("data-stage", expected.stage.id)
    expect(result).to_have_attribute("data-total", str(expected.total))
    expect(result.locator(".sg-result__title")).to_have_text(f"Stage: {expected.stage.title}")
    for dim in expected.dimensions:
        expect(
            result.locator(f"[data-dimension='{dim.dimension.id}'] .sg-dim__figure")
        ).to_contain_text(f"{dim.percent} / 100")
    for advice in expected.stage.advice:
        expect(result.locator(".sg-advice")).to_contain_text(advice)
    focus = result.locator(".sg-focus")
    expect(focus).to_have_count(len(expected.focus_actions()))
    for index, (_dimension, actions) in enumerate(expected.focus_actions()):
        for action in actions:
            expect(focus.nth(index)).to_contain_text(action)
    low = result.locator("[data-sg-low] li")
    assert [item.get_attribute("data-statement") for item in low.all()] == [
        item.statement.id for item in expected.low
    ]
    assert page.url.endswith("#a=" + encode(quiz, list(expected.answers)))
    return result


SW_READY_MS = 60_000


def poll(page: Page, script: str, timeout_ms: int = SW_READY_MS) -> Any:
    """Evaluate an async script until it gives a truthy value (wait_for_function treats a Promise as truthy)."""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        value = page.evaluate(script)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout_ms} ms: {script}")
        page.wait_for_timeout(250)


def page_requests(page: Page, path: str) -> list[str]:
    """Every later request for the page at `path` (a theme refetching the page shows up here)."""
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if urlsplit(r.url).path == path else None)
    return seen


def wait_until_cached(page: Page) -> list[str]:
    """Wait until the quiz page's service worker controls it and holds the runtime; return cache names."""
    poll(
        page,
        """async () => {
             if (!navigator.serviceWorker.controller) return false;
             const names = (await caches.keys()).filter((n) => n.startsWith('stageguide-'));
             if (names.length !== 1) return false;
             const cache = await caches.open(names[0]);
             const keys = (await cache.keys()).map((r) => r.url);
             return keys.some((u) => u.endsWith('/pyodide.asm.wasm.gz')) && keys.some((u) => u.endsWith('/quiz/'));
           }""",
    )
    return page.evaluate(
        "async () => (await caches.keys()).filter((n) => n.startsWith('stageguide-'))"
    )
