"""The two exceptions the core raises, so callers can tell author mistakes from visitor input."""

from __future__ import annotations

from dataclasses import dataclass


class StageguideError(Exception):
    """Base of every error the core raises on purpose."""


class AnswerError(StageguideError, ValueError):
    """Answers or a share code that cannot be scored.

    The message is meant for the person who gave the input, so it says what
    was wrong and what was expected, without a traceback.
    """


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a quiz definition, located by key path (and line when known)."""

    path: str
    message: str
    line: int | None = None

    def describe(self, source: str | None = None) -> str:
        where = source or "<quiz>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        key = self.path or "(top level)"
        return f"{where}: {key}: {self.message}"


class QuizError(StageguideError):
    """A quiz definition that is not valid; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem], source: str | None = None) -> None:
        self.problems = list(problems)
        self.source = source
        super().__init__(self._summary())

    def _summary(self) -> str:
        count = len(self.problems)
        name = self.source or "quiz definition"
        head = f"{name}: {count} problem{'s' if count != 1 else ''} found"
        lines = [head] + ["  " + p.describe(self.source) for p in self.problems]
        return "\n".join(lines)
