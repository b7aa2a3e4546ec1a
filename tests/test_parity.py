"""Pyodide scores exactly like CPython, and both score right.

Each test sends the browser's requests through `core` (CPython, then the compiled
wheel inside the pinned Pyodide) and compares the whole reply with the in-process
core, error messages included. Bulk random cases go in one batch per core. What
makes the CPython half a real check is `_expected`: the total, stage and dimension
figures worked out here from the quiz file's raw YAML with plain arithmetic, never by
the core, plus a few results worked out by hand.
"""

from __future__ import annotations

import base64
import hashlib
import random
import zipfile
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml
from cores import CPythonCore, PyodideCore
from helpers import load
from paths import SALES_QUIZ, TEAM_QUIZ
from sitecontent import site_quiz

import stageguide
from stageguide.buildtools.wheel import WheelBuild
from stageguide.core import Quiz

REFERENCE = CPythonCore()
# The boundary totals for the 20-statement, four-stage quiz on a 1-5 scale.
SALES_BOUNDARIES = (20, 39, 40, 59, 60, 79, 80, 100)
NAMES = ["AB", "Zoë", "José María", "李小龙", "O'Neil-Smith", "  spaced   out  ", "Ł", "😀 x"]


SITE_QUIZ = site_quiz()  # the site's own quiz too, whatever model a fork has put there


def _quiz_params() -> list[Any]:
    return [
        pytest.param(SALES_QUIZ, id="sales-marketing"),
        pytest.param(TEAM_QUIZ, id="team-sport"),
        pytest.param(SITE_QUIZ, id="site-quiz"),
    ]


def _boundary_params() -> list[Any]:
    params = [
        pytest.param(SALES_QUIZ, total, id=f"sales-marketing-{total}") for total in SALES_BOUNDARIES
    ]
    for path, name in ((TEAM_QUIZ, "team-sport"), (SITE_QUIZ, "site-quiz")):
        quiz = load(path)
        edges = sorted({edge for stage in quiz.stages for edge in (stage.low, stage.high)})
        params += [pytest.param(path, total, id=f"{name}-{total}") for total in edges]
    return params


def _loaded(core: CPythonCore | PyodideCore, path: Path) -> Quiz:
    """Register the quiz with the core (as the page does) and return it."""
    quiz = load(path)
    reply = core.call("load", {"quiz": quiz.to_dict()})
    assert reply == {
        "ok": True,
        "data": {"id": quiz.id, "version": quiz.version, "statements": len(quiz.statements)},
    }
    REFERENCE.call("load", {"quiz": quiz.to_dict()})
    return quiz


def _summing_to(quiz: Quiz, total: int, spread: bool) -> list[int]:
    """Answers adding up to total: filled statement by statement, or one point round-robin."""
    answers = [quiz.scale_min] * len(quiz.statements)
    extra = total - quiz.lowest_total
    index = 0
    while extra:
        if answers[index] < quiz.scale_max:
            step = 1 if spread else min(extra, quiz.scale_max - answers[index])
            answers[index] += step
            extra -= step
        index = (index + 1) % len(answers)
    return answers


def _expected(path: Path, answers: list[int]) -> dict[str, Any]:
    """A complete set of answers scored here, from the quiz file's raw YAML, without the core.

    The total is the sum; the stage is the one whose band holds it; each dimension has its
    answers' sum, their mean to two places, and the mean's share of the scale's range as a
    whole percent (exact arithmetic, halves to even).
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    low = min(point["value"] for point in data["scale"])
    high = max(point["value"] for point in data["scale"])
    total = sum(answers)
    stages = data["stages"]
    index = next(
        i for i, stage in enumerate(stages) if stage["band"]["min"] <= total <= stage["band"]["max"]
    )
    dimensions = []
    for dimension in data["dimensions"]:
        mine = [
            answer
            for answer, statement in zip(answers, data["statements"], strict=True)
            if statement["dimension"] == dimension["id"]
        ]
        mean = Fraction(sum(mine), len(mine))
        dimensions.append(
            {
                "id": dimension["id"],
                "total": sum(mine),
                "mean": round(float(mean), 2),
                "percent": round((mean - low) * 100 / (high - low)),
            }
        )
    following = stages[index + 1]["band"]["min"] - total if index + 1 < len(stages) else None
    return {
        "total": total,
        "stage": stages[index]["id"],
        "points_to_next": following,
        "dimensions": dimensions,
    }


def _figures(result: dict[str, Any]) -> dict[str, Any]:
    """The same figures, read from a score reply."""
    return {
        "total": result["total"],
        "stage": result["stage"]["id"],
        "points_to_next": result["points_to_next"],
        "dimensions": [
            {key: dimension[key] for key in ("id", "total", "mean", "percent")}
            for dimension in result["dimensions"]
        ],
    }


def _random_answers(quiz: Quiz, rng: random.Random) -> list[int]:
    return [rng.randint(quiz.scale_min, quiz.scale_max) for _ in quiz.statements]


@pytest.mark.parametrize("spread", [False, True], ids=["filled", "spread"])
@pytest.mark.parametrize(("path", "total"), _boundary_params())
def test_boundary_totals(
    core: CPythonCore | PyodideCore, path: Path, total: int, spread: bool
) -> None:
    quiz = _loaded(core, path)
    answers = _summing_to(quiz, total, spread)
    assert sum(answers) == total
    reply = core.call("score", {"quiz": quiz.id, "answers": answers})
    assert reply == REFERENCE.call("score", {"quiz": quiz.id, "answers": answers})
    data = reply["data"]
    assert _figures(data) == _expected(path, answers)
    assert data["stage"]["band"]["min"] <= total <= data["stage"]["band"]["max"]


@pytest.mark.parametrize("path", _quiz_params())
def test_all_same_answers(core: CPythonCore | PyodideCore, path: Path) -> None:
    quiz = _loaded(core, path)
    requests = [
        ("score", {"quiz": quiz.id, "answers": [point.value] * len(quiz.statements)})
        for point in quiz.scale
    ]
    replies = core.call_many(requests)
    assert replies == REFERENCE.call_many(requests)
    assert [_figures(reply["data"]) for reply in replies] == [
        _expected(path, request["answers"]) for _, request in requests
    ]


@pytest.mark.parametrize("path", _quiz_params())
def test_the_warm_up_request_works_for_any_quiz(
    core: CPythonCore | PyodideCore, path: Path
) -> None:
    """The engine's warm-up after start ('warm') runs a submit and a share link on made-up
    answers (the middle of the scale) for whatever model is loaded, with the same reply
    as those two requests would give."""
    quiz = _loaded(core, path)
    warm = core.call("warm", {"quiz": quiz.id})
    assert warm["ok"], warm
    middle = quiz.scale[len(quiz.scale) // 2].value
    group = quiz.groups[0].id if quiz.groups else None
    made = REFERENCE.call(
        "result",
        {"quiz": quiz.id, "answers": [middle] * len(quiz.statements), "group": group, "name": "A"},
    )
    assert warm == REFERENCE.call("share", {"quiz": quiz.id, "code": made["data"]["code"]})
    assert warm["data"]["result"]["total"] == middle * len(quiz.statements)
    assert warm["data"]["share"]["name"] == "A"


# Worked out by hand from the quiz files (the statements' dimensions, the bands).
HAND_WORKED = [
    pytest.param(
        TEAM_QUIZ,
        [0, 1, 2, 3, 4, 4],
        {
            "total": 14,  # 0+1+2+3+4+4, in Steady's band 10-18
            "stage": "steady",
            "points_to_next": 5,  # Slick starts at 19
            "dimensions": [
                # training: 0+1+2 = 3 over 3 statements, mean 1, 1/4 of the 0-4 range
                {"id": "training", "total": 3, "mean": 1.0, "percent": 25},
                # admin: 3+4+4 = 11, mean 3.666…, 91.67 % rounds to 92
                {"id": "admin", "total": 11, "mean": 3.67, "percent": 92},
            ],
        },
        id="team-sport",
    ),
    pytest.param(
        SALES_QUIZ,
        [5, 4, 4, 3, 3, 2, 2, 2, 1, 1, 5, 5, 5, 1, 2, 3, 4, 4, 4, 4],
        {
            "total": 64,  # 13+8+6+15+6+16, in Aligned's band 60-79
            "stage": "aligned",
            "points_to_next": 16,  # Integrated starts at 80
            "dimensions": [
                # on the 1-5 scale a dimension's percent is (mean - 1) / 4
                {"id": "trust", "total": 13, "mean": 4.33, "percent": 83},  # 83.33
                {"id": "customers", "total": 8, "mean": 2.67, "percent": 42},  # 41.67
                {"id": "planning", "total": 6, "mean": 1.5, "percent": 12},  # 12.5, half to even
                {"id": "communication", "total": 15, "mean": 5.0, "percent": 100},
                {"id": "metrics", "total": 6, "mean": 2.0, "percent": 25},
                {"id": "structure", "total": 16, "mean": 4.0, "percent": 75},
            ],
        },
        id="sales-marketing",
    ),
]


@pytest.mark.parametrize(("path", "answers", "expected"), HAND_WORKED)
def test_hand_worked_results(
    core: CPythonCore | PyodideCore, path: Path, answers: list[int], expected: dict[str, Any]
) -> None:
    quiz = _loaded(core, path)
    reply = core.call("score", {"quiz": quiz.id, "answers": answers})
    assert _figures(reply["data"]) == expected
    assert _expected(path, answers) == expected  # the independent scorer agrees with the hand


@pytest.mark.pyodide
@pytest.mark.parametrize(
    ("path", "count"),
    [
        pytest.param(SALES_QUIZ, 500, id="sales-marketing"),
        pytest.param(TEAM_QUIZ, 200, id="team-sport"),
        pytest.param(SITE_QUIZ, 200, id="site-quiz"),
    ],
)
def test_random_answers_score_alike(pyodide_core: PyodideCore, path: Path, count: int) -> None:
    quiz = _loaded(pyodide_core, path)
    rng = random.Random(f"parity-{quiz.id}")
    requests = [
        ("score", {"quiz": quiz.id, "answers": _random_answers(quiz, rng)}) for _ in range(count)
    ]
    expected = REFERENCE.call_many(requests)
    assert all(reply["ok"] for reply in expected)
    assert pyodide_core.call_many(requests) == expected
    assert [_figures(reply["data"]) for reply in expected] == [
        _expected(path, request["answers"]) for _, request in requests
    ]


@pytest.mark.pyodide
@pytest.mark.parametrize("path", _quiz_params())
def test_share_codes_round_trip_across_runtimes(pyodide_core: PyodideCore, path: Path) -> None:
    """A code made in either core is the same text and decodes the same in the other."""
    quiz = _loaded(pyodide_core, path)
    rng = random.Random(f"share-{quiz.id}")
    groups = [None, *(group.id for group in quiz.groups)]
    encodes = [
        (
            "encode",
            {
                "quiz": quiz.id,
                "answers": _random_answers(quiz, rng),
                "group": rng.choice(groups),
                "name": rng.choice([None, *NAMES]),
            },
        )
        for _ in range(100)
    ]
    codes = pyodide_core.call_many(encodes)
    assert codes == REFERENCE.call_many(encodes)
    follow_ups = [
        (kind, {"quiz": quiz.id, "code": reply["data"]["code"]})
        for reply in codes
        for kind in ("decode", "share")
    ]
    decoded = pyodide_core.call_many(follow_ups)
    assert decoded == REFERENCE.call_many(follow_ups)
    for (_, request), reply in zip(encodes, decoded[::2], strict=False):
        assert reply["data"]["answers"] == request["answers"]
        assert reply["data"]["group"] == request["group"]


def _code(
    quiz: Quiz, digits: str | None = None, version: int | None = None, quiz_id: str | None = None
) -> str:
    digits = digits if digits is not None else "".join(str(quiz.scale_max) for _ in quiz.statements)
    return f"{quiz_id or quiz.id}.{quiz.version if version is None else version}.{digits}"


CodeCase = Callable[[Quiz], object]
GOOD_CODES: dict[str, CodeCase] = {
    "bare": lambda q: _code(q),
    "link": lambda q: "https://example.invalid/quiz/#a=" + _code(q),
    "percent-encoded": lambda q: "".join(f"%{ord(ch):02X}" for ch in _code(q)),
    "surrounding-space": lambda q: "  \n" + _code(q) + "\t ",
    "with-group-and-name": lambda q: (
        _code(q)
        + (f"~g{q.groups[0].id}" if q.groups else "")
        + "~n"
        + base64.urlsafe_b64encode("Zoë".encode()).decode().rstrip("=")
    ),
}
BAD_CODES: dict[str, CodeCase] = {
    "wrong-quiz-id": lambda q: _code(q, quiz_id="some-other-quiz"),
    "old-version": lambda q: _code(q, version=q.version - 1 if q.version > 1 else q.version + 1),
    "future-version": lambda q: _code(q, version=q.version + 1),
    "too-short": lambda q: _code(q)[:-1],
    "too-long": lambda q: _code(q) + "1",
    "off-scale-low": lambda q: (
        _code(q, str(q.scale_min - 1) * len(q.statements))
        if q.scale_min > 0
        else _code(q, "z" * len(q.statements))
    ),
    "off-scale-high": lambda q: _code(q, "z" + str(q.scale_max) * (len(q.statements) - 1)),
    "uppercase-digit": lambda q: _code(q, "A" * len(q.statements)),
    "junk": lambda q: "hello, world!",
    "empty": lambda q: "",
    "only-space": lambda q: "   ",
    "empty-fragment": lambda q: "https://example.invalid/quiz/#a=",
    "3000-chars": lambda q: "a" * 3000,
    "3000-digits": lambda q: _code(q, "1" * 3000),
    "unicode-digits": lambda q: _code(q, "４" * len(q.statements)),
    "emoji": lambda q: "😀" * 10,
    "nul-byte": lambda q: _code(q) + "\x00",
    "bad-percent": lambda q: _code(q)[:-1] + "%zz",
    "percent-broken-utf8": lambda q: _code(q) + "~n%E2%82",
    "unknown-group": lambda q: _code(q) + "~gnobody",
    "repeated-group": lambda q: _code(q) + 2 * f"~g{q.groups[0].id if q.groups else 'nobody'}",
    "unknown-part": lambda q: _code(q) + "~x1",
    "damaged-name": lambda q: _code(q) + "~nA",
    "name-too-long": lambda q: (
        _code(q) + "~n" + base64.urlsafe_b64encode(b"x" * 41).decode().rstrip("=")
    ),
    "not-text-number": lambda q: 12345,
    "not-text-null": lambda q: None,
    "not-text-list": lambda q: [_code(q)],
}


@pytest.mark.parametrize("path", _quiz_params())
@pytest.mark.parametrize("case", GOOD_CODES)
def test_share_code_forms_decode(core: CPythonCore | PyodideCore, path: Path, case: str) -> None:
    quiz = _loaded(core, path)
    request = {"quiz": quiz.id, "code": GOOD_CODES[case](quiz)}
    reply = core.call("decode", request)
    assert reply == REFERENCE.call("decode", request)
    assert reply["ok"], reply
    assert reply["data"]["answers"] == [quiz.scale_max] * len(quiz.statements)


@pytest.mark.parametrize("path", _quiz_params())
@pytest.mark.parametrize("case", BAD_CODES)
def test_malformed_share_codes_are_refused_alike(
    core: CPythonCore | PyodideCore, path: Path, case: str
) -> None:
    quiz = _loaded(core, path)
    for kind in ("decode", "share"):
        request = {"quiz": quiz.id, "code": BAD_CODES[case](quiz)}
        reply = core.call(kind, request)
        assert reply == REFERENCE.call(kind, request)
        assert reply["ok"] is False and reply["error"]["kind"] == "answer", reply
        assert reply["error"]["message"]


@pytest.mark.pyodide
def test_pyodide_runs_the_compiled_pyc(
    pyodide_core: PyodideCore, compiled_wheel: WheelBuild
) -> None:
    """The browser's modules come from the wheel's .pyc, with no source beside them."""
    facts = pyodide_core.introspect()
    major, minor = facts["version_info"][:2]
    assert compiled_wheel.wheel.name.endswith(f"-cp{major}{minor}-none-any.whl")
    with zipfile.ZipFile(compiled_wheel.wheel) as archive:
        shipped = {
            n[: -len(".pyc")].replace("/", ".").removesuffix(".__init__")
            for n in archive.namelist()
            if n.endswith(".pyc")
        }
        headers = {archive.read(n)[:4].hex() for n in archive.namelist() if n.endswith(".pyc")}
    assert headers == {facts["magic"]}, "the .pyc were not written by Pyodide's own interpreter"
    assert set(facts["modules"]) == shipped
    for name, module in facts["modules"].items():
        assert module["loader"] == "SourcelessFileLoader", name
        assert module["file"].endswith(".pyc") and "site-packages" in module["file"], name
        assert module["cached"] == module["file"], name


@pytest.mark.pyodide
def test_wheel_is_tagged_and_its_record_matches(compiled_wheel: WheelBuild) -> None:
    wheel = compiled_wheel.wheel
    assert wheel.name == f"stageguide-{stageguide.__version__}-cp314-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/RECORD"))
        assert "Tag: cp314-none-any" in archive.read(f"{info}/WHEEL").decode().splitlines()
        rows = [line.split(",") for line in archive.read(f"{info}/RECORD").decode().splitlines()]
        listed = {}
        for name, digest, size in rows:
            listed[name] = (digest, size)
        assert sorted(listed) == sorted(names)
        for name in names:
            if name == f"{info}/RECORD":
                assert listed[name] == ("", "")
                continue
            data = archive.read(name)
            expected = (
                "sha256="
                + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            )
            assert listed[name] == (expected, str(len(data))), name
