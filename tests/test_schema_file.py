"""quiz/quiz.schema.json: generated from the validator's own definition, committed, and kept in step."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from paths import MKDOCS_YML, REPO, SCHEMA

from stageguide import cli as stageguide_cli
from stageguide.buildtools import cli
from stageguide.core import QuizError, load_quiz

# Quiz files that an editor opens, each naming the schema in its first line.
AUTHORED = sorted([*REPO.glob("quiz/*.yml"), *REPO.glob("examples/*/quiz/*.yml")])
ALL_QUIZZES = sorted([*AUTHORED, *REPO.glob("tests/models/*.yml")])
SCHEMA_COMMENT = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")


def site_quiz() -> Path:
    """The quiz mkdocs.yml points the plugin at (a fork may have replaced the sample)."""
    from mkdocs.config import load_config

    config = load_config(config_file=str(MKDOCS_YML))
    return REPO / config.plugins["stageguide"].config.quiz


def quiz_id(path: Path) -> str:
    return str(path.relative_to(REPO))


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def test_committed_schema_is_the_generated_one() -> None:
    assert SCHEMA.is_file(), (
        "quiz/quiz.schema.json is missing; run `python build.py schema` and commit it"
    )
    assert SCHEMA.read_text(encoding="utf-8") == cli.schema_text(), (
        "quiz/quiz.schema.json differs from the quiz definition in stageguide/core/spec.py; "
        "run `python build.py schema` and commit the result"
    )


def test_the_command_line_prints_the_same_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert stageguide_cli.main(["schema"]) == 0
    assert capsys.readouterr().out == SCHEMA.read_text(encoding="utf-8")


def test_schema_command_writes_the_file_and_check_spots_drift(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "quiz" / "quiz.schema.json"
    assert cli.run_schema(tmp_path, ["--check"]) == 2
    assert cli.run_schema(tmp_path, []) == 0
    assert target.read_text(encoding="utf-8") == cli.schema_text()
    assert cli.run_schema(tmp_path, ["--check"]) == 0
    target.write_text(cli.schema_text().replace("Stable id", "Id"), encoding="utf-8")
    assert cli.run_schema(tmp_path, ["--check"]) == 2
    assert "run `python build.py schema`" in capsys.readouterr().err
    assert cli.run_schema(tmp_path, ["extra"]) == 2


def test_schema_is_registered_as_a_build_command() -> None:
    assert cli.COMMANDS["schema"] is cli.run_schema
    assert cli.COMMANDS["deploy"] is cli.run_deploy


@pytest.mark.parametrize("path", AUTHORED, ids=quiz_id)
def test_authored_quiz_files_point_their_editor_at_the_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = SCHEMA_COMMENT.match(first)
    assert match, (
        f"{quiz_id(path)} should start with '# yaml-language-server: $schema=<relative path to quiz/quiz.schema.json>'"
    )
    assert (path.parent / match.group(1)).resolve() == SCHEMA


@pytest.mark.parametrize("path", ALL_QUIZZES, ids=quiz_id)
def test_every_quiz_file_in_the_repository_satisfies_the_schema(
    validator: Draft202012Validator, path: Path
) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)
    ]
    assert not errors, "\n".join(errors)


def _mutate(data: dict[str, Any], change: str) -> dict[str, Any]:
    data = copy.deepcopy(data)
    if change == "missing version":
        del data["version"]
    elif change == "unknown key":
        data["colour"] = "blue"
    elif change == "id with capitals":
        data["statements"][0]["id"] = "Forecasts"
    elif change == "scale value too large":
        data["scale"][-1]["value"] = 36
    elif change == "no statements":
        data["statements"] = []
    elif change == "title not text":
        data["stages"][0]["title"] = 7
    return data


@pytest.mark.parametrize(
    "change",
    [
        "missing version",
        "unknown key",
        "id with capitals",
        "scale value too large",
        "no statements",
        "title not text",
    ],
)
def test_schema_and_validator_refuse_the_same_mistakes(
    validator: Draft202012Validator, change: str
) -> None:
    good = yaml.safe_load(site_quiz().read_text(encoding="utf-8"))
    bad = _mutate(good, change)
    assert list(validator.iter_errors(bad)), f"the schema accepts a quiz with {change}"
    with pytest.raises(QuizError):
        load_quiz(bad, source="mutated.yml")
