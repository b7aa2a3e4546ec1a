"""Pyodide makes the same team report as CPython, to the last digit and the last message.

Each request goes through `core` (CPython, then the compiled wheel in the pinned Pyodide)
and the whole reply is compared with the in-process core.
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path
from typing import Any

import pytest
from cores import CPythonCore, PyodideCore
from helpers import load
from paths import SALES_QUIZ, TEAM_QUIZ

from stageguide.core import Quiz, encode

REFERENCE = CPythonCore()
QUIZZES = [pytest.param(SALES_QUIZ, id="sales-marketing"), pytest.param(TEAM_QUIZ, id="team-sport")]


def _loaded(core: CPythonCore | PyodideCore, path: Path) -> Quiz:
    quiz = load(path)
    for each in (core, REFERENCE):
        assert each.call("load", {"quiz": quiz.to_dict()})["ok"]
    return quiz


def _team(
    quiz: Quiz, rng: random.Random, count: int, grouped: bool = True
) -> list[tuple[list[int], str | None, str | None]]:
    groups = [None, *(g.id for g in quiz.groups)] if grouped else [None]
    names = [None, "AB", "Zoë", "李小龙", "<b>x</b>"]
    return [
        (
            [rng.randint(quiz.scale_min, quiz.scale_max) for _ in quiz.statements],
            rng.choice(groups),
            rng.choice(names),
        )
        for _ in range(count)
    ]


def _codes(quiz: Quiz, team: list[tuple[list[int], str | None, str | None]]) -> str:
    return "\n".join(encode(quiz, answers, group, name) for answers, group, name in team)


def _csv(quiz: Quiz, team: list[tuple[list[int], str | None, str | None]], labels: bool) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Timestamp", "Name", "Function", *(s.text for s in quiz.statements)])
    label = {p.value: p.label for p in quiz.scale}
    titles = {g.id: g.title for g in quiz.groups}
    for number, (answers, group, name) in enumerate(team):
        cells = [label[a].lower() if labels else str(a) for a in answers]
        writer.writerow(
            [
                f"2024-05-{number % 28 + 1:02d}",
                name or "",
                titles.get(group, "") if group else "",
                *cells,
            ]
        )
    return out.getvalue()


def _payloads(quiz: Quiz) -> list[dict[str, Any]]:
    rng = random.Random(f"team-{quiz.id}")
    six = _team(quiz, rng, 6)
    bad_csv = _csv(quiz, six, labels=True).splitlines()
    bad_csv[3] = bad_csv[3].rsplit(",", 1)[0] + ",maybe"
    return [
        {"text": _codes(quiz, six) + "\nnot a code\n"},
        {"text": _codes(quiz, six[:1])},
        {"text": _codes(quiz, _team(quiz, rng, 5, grouped=False))},
        {"text": _csv(quiz, six, labels=True), "format": "csv"},
        {"text": _csv(quiz, six, labels=False)},
        {"text": "\n".join(bad_csv)},
        {"text": "https://x.invalid/team/#t=" + ",".join(_codes(quiz, six).splitlines())},
        {"text": ""},
        {"text": "junk\nmore junk"},
        {"text": "a,b\n1,2"},
        {"text": "\n".join([_codes(quiz, six[:1])] * 501)},
        {"text": None},
    ]


@pytest.mark.parametrize("path", QUIZZES)
def test_team_reports_match(core: CPythonCore | PyodideCore, path: Path) -> None:
    quiz = _loaded(core, path)
    requests = [("team", {"quiz": quiz.id, **payload}) for payload in _payloads(quiz)]
    replies = core.call_many(requests)
    assert replies == REFERENCE.call_many(requests)
    assert [reply["ok"] for reply in replies] == [True] * 7 + [False] * 5
    assert all(reply["error"]["kind"] == "answer" for reply in replies[7:])


@pytest.mark.pyodide
@pytest.mark.parametrize("path", QUIZZES)
def test_a_team_of_200_matches(pyodide_core: PyodideCore, path: Path) -> None:
    quiz = _loaded(pyodide_core, path)
    team = _team(quiz, random.Random(f"big-{quiz.id}"), 200)
    requests = [
        ("team", {"quiz": quiz.id, "text": _codes(quiz, team)}),
        ("team", {"quiz": quiz.id, "text": _csv(quiz, team, labels=True)}),
    ]
    replies = pyodide_core.call_many(requests)
    assert replies == REFERENCE.call_many(requests)
    assert replies[0]["data"]["count"] == replies[1]["data"]["count"] == 200
    assert replies[0]["data"]["dimensions"] == replies[1]["data"]["dimensions"]
