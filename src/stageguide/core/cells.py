"""One cell of a team file as an answer or a group: what a survey tool may write in it.

Answers come as numbers (``4``, ``4.0``, the decimal comma of much of Europe ``4,0``),
as the scale's labels (``Agree``), or as both (``4 - Agree``, ``Agree (4)``,
``(4) Agree``). Groups come as the quiz's group ids or titles. Case and spacing
never matter. Every pattern here is anchored and free of nested repetition, so a
cell is read in time linear in its length; cells far longer than any answer are
refused before any pattern sees them.
"""

from __future__ import annotations

import re

from .model import Quiz

MAX_ANSWER_CHARS = 200  # far longer than "5 - Strongly agree"; a longer cell is no answer

_NUMBER = re.compile(r"[+-]?(\d{1,6})(?:[.,]0+)?")
_NUMBER_FIRST = re.compile(r"\(?(\d{1,6})\)?\s*[-–—:.)=]?\s*(.+)")
_NUMBER_LAST = re.compile(r"(.+?)\s*[-–—:=]?\s*\((\d{1,6})\)|(.+?)\s*[-–—:=]\s*(\d{1,6})")


def normal(text: str) -> str:
    """Case-folded, with runs of white space made single spaces (the key everything is matched by)."""
    return " ".join(text.casefold().split())


def read_answer(quiz: Quiz, text: str) -> int | None:
    """The scale value a cell gives, or None when it gives none (or a number off the scale)."""
    text = text.strip()
    if len(text) > MAX_ANSWER_CHARS:
        return None
    values = {point.value for point in quiz.scale}
    labels = {normal(point.label): point.value for point in quiz.scale}
    number = _NUMBER.fullmatch(text)
    if number:
        value = int(number.group(1)) * (-1 if text.startswith("-") else 1)
        return value if value in values else None
    key = normal(text)
    if key in labels:
        return labels[key]
    for value, label in _number_and_label(key):
        if value in values and labels.get(label.strip(" ()")) == value:
            return value
    return None


def _number_and_label(key: str) -> list[tuple[int, str]]:
    found = []
    first = _NUMBER_FIRST.fullmatch(key)
    if first:
        found.append((int(first.group(1)), first.group(2)))
    last = _NUMBER_LAST.fullmatch(key)
    if last:
        label, digits = (
            (last.group(1), last.group(2)) if last.group(2) else (last.group(3), last.group(4))
        )
        found.append((int(digits), label))
    return found


def read_group(quiz: Quiz, text: str) -> str | None:
    """The id of the group a cell names (by id or title), or None."""
    key = normal(text)
    if not key or len(key) > MAX_ANSWER_CHARS:
        return None
    for group in quiz.groups:
        if key in (normal(group.id), normal(group.title)):
            return group.id
    return None


UNJUDGED_CELLS = frozenset(
    {"x", "?", "can't judge", "cannot judge", "can't judge this", "don't know", "n/a"}
)


def is_unjudged(quiz: Quiz, text: str) -> bool:
    """A cell meaning "I can't judge this" (the quiz's own label, x, ?, n/a…), in quizzes that offer it."""
    if quiz.unsure is None or len(text) > MAX_ANSWER_CHARS:
        return False
    key = normal(text).replace("\u2019", "'")
    return key in UNJUDGED_CELLS or key == normal(quiz.unsure.label).replace("\u2019", "'")


def describe_cell(text: str) -> str:
    if not text:
        return "no answer"
    shown = text if len(text) <= 30 else text[:29] + "…"
    return f"{shown!r} is not an answer on the scale"


def expected_answer(quiz: Quiz) -> str:
    labels = ", ".join(point.label for point in quiz.scale)
    unsure = (
        f", or x / {quiz.unsure.label!r} for a statement the person could not judge"
        if quiz.unsure
        else ""
    )
    return f"a number from {quiz.scale_min} to {quiz.scale_max} or one of: {labels}{unsure}"
