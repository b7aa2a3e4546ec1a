"""The command line, run for real: in-process through `main()`, and once as `python -m stageguide`."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from helpers import QUIZ_PARAMS, answers_for_total, load
from paths import REPO, SALES_QUIZ, TEAM_QUIZ

import stageguide
from stageguide.cli import main
from stageguide.core import Quiz, encode, score
from stageguide.core.spec import json_schema

BROKEN_QUIZ = (
    TEAM_QUIZ.read_text(encoding="utf-8")
    .replace("version: 3", "version: three")
    .replace("{id: fixtures, dimension: admin", "{id: fixtures, dimension: kitroom")
)


@pytest.fixture(scope="module", params=QUIZ_PARAMS)
def quiz(request: pytest.FixtureRequest) -> Quiz:
    return load(request.param)


def quiz_path(quiz: Quiz) -> str:
    return str({"sales-marketing": SALES_QUIZ, "team-sport": TEAM_QUIZ}[quiz.id])


def run(capsys: pytest.CaptureFixture[str], *argv: str, stdin: str = "") -> tuple[int, str, str]:
    code = main(list(argv), stdin=io.StringIO(stdin))
    out, err = capsys.readouterr()
    return code, out, err


def mixed_answers(quiz: Quiz) -> list[int]:
    """A middling vector that uses several scale points, with a single-digit value everywhere."""
    return answers_for_total(quiz, (quiz.lowest_total + quiz.highest_total) // 2 + 1)


def squash(text: str) -> str:
    """Text without whitespace, so wrapped advice still compares equal."""
    return re.sub(r"\s+", "", text)


# --- ways of giving answers -------------------------------------------------------------------

Argv = Callable[[Quiz, list[int]], tuple[list[str], str]]

INPUTS: list[tuple[str, Argv]] = [
    ("separate-args", lambda q, a: ([str(v) for v in a], "")),
    ("digit-string", lambda q, a: (["".join(map(str, a))], "")),
    ("comma-separated", lambda q, a: ([",".join(map(str, a))], "")),
    ("comma-and-space", lambda q, a: ([", ".join(map(str, a))], "")),
    ("stdin-lines", lambda q, a: ([], "\n".join(map(str, a)) + "\n")),
    ("stdin-digit-string", lambda q, a: ([], "".join(map(str, a)) + "\n")),
    ("share-code-arg", lambda q, a: ([encode(q, a)], "")),
    ("share-code-stdin", lambda q, a: ([], encode(q, a) + "\n")),
    (
        "code-option-full-link",
        lambda q, a: (["--code", f"https://x.example/quiz/#a={encode(q, a)}"], ""),
    ),
    ("code-option-fragment", lambda q, a: (["--code", f"#a={encode(q, a)}"], "")),
]


@pytest.mark.parametrize("make", [c[1] for c in INPUTS], ids=[c[0] for c in INPUTS])
def test_every_way_of_giving_answers_scores_the_same(
    quiz: Quiz, make: Argv, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = mixed_answers(quiz)
    args, stdin = make(quiz, answers)
    code, out, err = run(capsys, "score", "--quiz", quiz_path(quiz), "--json", *args, stdin=stdin)
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        **score(quiz, answers).to_dict(),
        "share_code": encode(quiz, answers),
    }


def test_share_code_keeps_group_and_name(capsys: pytest.CaptureFixture[str]) -> None:
    quiz = load(TEAM_QUIZ)
    shared = encode(quiz, [0, 1, 2, 3, 4, 4], "coach", "Zoë 🎉")
    code, out, err = run(capsys, "score", "--quiz", str(TEAM_QUIZ), "--json", shared)
    assert (code, err) == (0, "")
    assert json.loads(out)["share_code"] == shared


@pytest.mark.parametrize("where", ["lowest", "middle", "highest"])
def test_human_output(quiz: Quiz, where: str, capsys: pytest.CaptureFixture[str]) -> None:
    total = {
        "lowest": quiz.lowest_total,
        "middle": sum(mixed_answers(quiz)),
        "highest": quiz.highest_total,
    }[where]
    answers = answers_for_total(quiz, total)
    result = score(quiz, answers)
    code, out, err = run(capsys, "score", "--quiz", quiz_path(quiz), *map(str, answers))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == quiz.title
    assert f"Stage:  {result.stage.title} (totals {result.stage.low}-{result.stage.high})" in lines
    assert f"Total:  {total} of {quiz.highest_total}" in lines
    for dim in result.dimensions:
        assert any(
            line.strip().startswith(dim.dimension.title)
            and line.rstrip().endswith(f"{dim.percent:3d}")
            for line in lines
        ), dim.dimension.title
    for advice in result.stage.advice:
        assert squash(advice) in squash(out)
    for dim, actions in result.focus_actions():
        assert f"Work on {dim.dimension.title} ({dim.percent}/100)" in lines
        assert actions == dim.dimension.advice_at(result.stage.id)
        for advice in actions:
            assert squash(advice) in squash(out)
    if result.next_stage is None:
        assert "Keeping it there" in lines and "short of" not in out
    else:
        points = result.points_to_next
        assert (
            f"{points} point{'s' if points != 1 else ''} short of {result.next_stage.title} ({result.next_stage.low}+)"
            in out
        )
    assert lines[-1] == f"Share code: {encode(quiz, answers)}"


def test_default_quiz_is_the_single_file_in_quiz(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "quiz").mkdir()
    (tmp_path / "quiz" / "club.yml").write_text(
        TEAM_QUIZ.read_text(encoding="utf-8"), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "score", "--json", "012344")
    assert (code, err) == (0, "")
    assert json.loads(out)["quiz"] == {"id": "team-sport", "version": 3}


# --- bad input: exit 2, one message on stderr, never a traceback --------------------------------

BAD_SCORE: list[tuple[str, Callable[[Quiz], list[str]], str, Callable[[Quiz], str]]] = [
    (
        "one-short",
        lambda q: [str(q.scale_min)] * (len(q.statements) - 1),
        "",
        lambda q: (
            f"expected {len(q.statements)} answers, one per statement, but got {len(q.statements) - 1}"
        ),
    ),
    (
        "one-extra",
        lambda q: [str(q.scale_min)] * (len(q.statements) + 1),
        "",
        lambda q: (
            f"expected {len(q.statements)} answers, one per statement, but got {len(q.statements) + 1}"
        ),
    ),
    (
        "off-scale",
        lambda q: [str(q.scale_min)] * (len(q.statements) - 1) + [str(q.scale_max + 1)],
        "",
        lambda q: (
            f"statement {len(q.statements)} (id: {q.statements[-1].id}): {q.scale_max + 1} is not on the scale "
            f"{q.scale_min}-{q.scale_max}"
        ),
    ),
    (
        "negative",
        lambda q: ["-1"] + [str(q.scale_min)] * (len(q.statements) - 1),
        "",
        lambda q: f"statement 1 (id: {q.statements[0].id}): -1 is not on the scale",
    ),
    (
        "non-number",
        lambda q: [str(q.scale_min)] * 2 + ["y"] + [str(q.scale_min)] * (len(q.statements) - 3),
        "",
        lambda q: "answer 3: 'y' is not a whole number",
    ),
    (
        "decimal",
        lambda q: ["2.5"] + [str(q.scale_min)] * (len(q.statements) - 1),
        "",
        lambda q: "answer 1: '2.5' is not a whole number",
    ),
    ("bad-code", lambda q: ["hello"], "", lambda q: "this is not a share code from this site"),
    (
        "old-version-code",
        lambda q: [f"{q.id}.{q.version - 1}." + "1" * len(q.statements)],
        "",
        lambda q: (
            f"made for version {q.version - 1} of the quiz, and the quiz is now version {q.version}; "
            "its answers may not match the current statements, so please take the quiz again"
        ),
    ),
    (
        "code-for-other-quiz",
        lambda q: ["--code", "other.1.111"],
        "",
        lambda q: "is for the quiz 'other'",
    ),
    (
        "both-answers-and-code",
        lambda q: ["--code", encode(q, [q.scale_min] * len(q.statements)), "1", "2"],
        "",
        lambda q: "give either answers or --code, not both",
    ),
    ("empty-stdin", lambda q: [], "  \n", lambda q: "no answers given"),
]


@pytest.mark.parametrize(
    ("argv", "stdin", "message"), [c[1:] for c in BAD_SCORE], ids=[c[0] for c in BAD_SCORE]
)
def test_bad_score_input(
    quiz: Quiz,
    argv: Callable[[Quiz], list[str]],
    stdin: str,
    message: Callable[[Quiz], str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "score", "--quiz", quiz_path(quiz), *argv(quiz), stdin=stdin)
    assert code == 2
    assert out == ""
    assert err.startswith("stageguide: error: ")
    assert message(quiz) in err
    assert "Traceback" not in err


def _missing_file(folder: Path) -> list[str]:
    return ["--quiz", str(folder / "nope.yml")]


def _broken_file(folder: Path) -> list[str]:
    (folder / "b.yml").write_text(BROKEN_QUIZ, encoding="utf-8")
    return ["--quiz", str(folder / "b.yml")]


def _no_quiz_folder(folder: Path) -> list[str]:
    return []


def _several_quiz_files(folder: Path) -> list[str]:
    (folder / "quiz").mkdir()
    for name in ("a.yml", "b.yaml"):
        (folder / "quiz" / name).write_text(TEAM_QUIZ.read_text(encoding="utf-8"), encoding="utf-8")
    return []


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        pytest.param(_missing_file, "nope.yml: (top level): file not found", id="missing-file"),
        pytest.param(_broken_file, "b.yml: 2 problems found", id="broken-file"),
        pytest.param(
            _no_quiz_folder,
            "no quiz file found in ./quiz; name one with --quiz PATH",
            id="no-quiz-folder",
        ),
        pytest.param(
            _several_quiz_files,
            "several quiz files found (quiz/a.yml, quiz/b.yaml); name one with --quiz PATH",
            id="several-quiz-files",
        ),
    ],
)
def test_bad_quiz_for_score(
    setup: Callable[[Path], list[str]],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "score", *setup(tmp_path), "1", "2", "3")
    assert (code, out) == (2, "")
    assert err.startswith("stageguide: error: ") and message in err
    assert "Traceback" not in err


def test_broken_quiz_lists_every_problem_for_score(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "b.yml"
    path.write_text(BROKEN_QUIZ, encoding="utf-8")
    code, _, err = run(capsys, "score", "--quiz", str(path), "0")
    assert code == 2
    assert f"{path}:4: version: expected a whole number, found text ('three')" in err
    assert f"{path}:36: statements[4].dimension: 'kitroom' is not a dimension" in err


# --- check, schema, version -------------------------------------------------------------------


def test_check_good_files(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", str(SALES_QUIZ), str(TEAM_QUIZ))
    assert (code, err) == (0, "")
    main_quiz = load(SALES_QUIZ)
    assert out.splitlines() == [
        f"ok: {SALES_QUIZ} (sales-marketing v{main_quiz.version}: {len(main_quiz.statements)} statements, "
        f"{len(main_quiz.dimensions)} dimensions, 4 stages)",
        f"ok: {TEAM_QUIZ} (team-sport v3: 6 statements, 2 dimensions, 3 stages)",
    ]


def test_check_broken_file_reports_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(BROKEN_QUIZ, encoding="utf-8")
    code, out, err = run(capsys, "check", str(TEAM_QUIZ), str(broken), str(tmp_path / "gone.yml"))
    assert code == 2
    assert out.splitlines() == [
        f"ok: {TEAM_QUIZ} (team-sport v3: 6 statements, 2 dimensions, 3 stages)"
    ]
    assert err.splitlines() == [
        f"{broken}: 2 problems found",
        f"  {broken}:4: version: expected a whole number, found text ('three')",
        f"  {broken}:36: statements[4].dimension: 'kitroom' is not a dimension; expected one of: training, admin",
        f"{tmp_path / 'gone.yml'}: 1 problem found",
        f"  {tmp_path / 'gone.yml'}: (top level): file not found",
    ]


@pytest.mark.parametrize(
    ("pages", "missing"),
    [
        pytest.param(["scrappy", "steady", "slick"], [], id="all-pages"),
        pytest.param(["scrappy", "slick"], [1], id="one-missing"),
        pytest.param([], [0, 1, 2], id="none"),
    ],
)
def test_check_reports_stage_pages_missing_from_docs(
    pages: list[str], missing: list[int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = tmp_path / "docs"
    (docs / "stages").mkdir(parents=True)
    for page in pages:
        (docs / "stages" / f"{page}.md").write_text("# page\n", encoding="utf-8")
    code, out, err = run(capsys, "check", str(TEAM_QUIZ), "--docs", str(docs))
    quiz = load(TEAM_QUIZ)
    assert err.splitlines() == [
        f"{TEAM_QUIZ}: stages[{i}].page: {quiz.stages[i].page!r} is not a page in {docs}/"
        for i in missing
    ]
    assert code == (2 if missing else 0)
    assert out.startswith("ok: ") == (not missing)


def test_schema_prints_the_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "schema")
    assert (code, err) == (0, "")
    schema = json.loads(out)
    assert schema == json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out == f"stageguide {stageguide.__version__}\n"


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["grade"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'grade'" in err and "Traceback" not in err


# --- `python -m stageguide` as a real process ------------------------------------------------------


def python_m(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stageguide", *args],
        cwd=REPO,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def test_python_m_scores_from_stdin() -> None:
    quiz = load(TEAM_QUIZ)
    done = python_m("score", "--quiz", str(TEAM_QUIZ), "--json", stdin="0 1 2 3 4 4\n")
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout) == {
        **score(quiz, [0, 1, 2, 3, 4, 4]).to_dict(),
        "share_code": "team-sport.3.012344",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["score", "--quiz", str(TEAM_QUIZ), "0", "1", "9"],
            "expected 6 answers",
            id="wrong-count",
        ),
        pytest.param(
            ["score", "--quiz", str(TEAM_QUIZ), "team-sport.2.012344"],
            "please take the quiz again",
            id="old-code",
        ),
        pytest.param(
            ["check", str(REPO / "no-such-quiz.yml")], "file not found", id="check-missing"
        ),
    ],
)
def test_python_m_bad_input_exits_2_without_traceback(args: list[str], message: str) -> None:
    done = python_m(*args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_check_self_referencing_anchor_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "loop.yml"
    path.write_text("a: &x [*x]\n", encoding="utf-8")
    code, _, err = run(capsys, "check", str(path))
    assert code == 2 and str(path) in err
