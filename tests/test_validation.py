"""Quiz validation: every broken file is refused with the file, line, key path and problem.

Each broken file is the real tests/models/team-sport.yml with a targeted edit; the
expected line is found by searching the edited text for a marker, so the table says
*which* line is meant rather than a number that silently drifts.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from paths import SALES_QUIZ, TEAM_QUIZ

from stageguide.core import Problem, QuizError
from stageguide.core.spec import json_schema
from stageguide.quizfile import parse_quiz, read_quiz

SOURCE = "broken.yml"
BASE = TEAM_QUIZ.read_text(encoding="utf-8")


def edited(*edits: tuple[str, str]) -> str:
    """The small model with each `old` text (which must occur exactly once) replaced by `new`."""
    text = BASE
    for old, new in edits:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {TEAM_QUIZ.name}"
        text = text.replace(old, new)
    return text


def line_of(text: str, marker: str) -> int:
    """The 1-based number of the only line of `text` that contains `marker`."""
    found = [number for number, line in enumerate(text.splitlines(), start=1) if marker in line]
    assert len(found) == 1, f"marker {marker!r} is on lines {found}"
    return found[0]


def problem_lines(error: QuizError) -> list[str]:
    return [line.strip() for line in str(error).splitlines()[1:]]


# id, edits, key path, marker of the expected line (None: no line), problem text,
# and whether the JSON Schema alone must also reject the file (rules within one key).
CASES: list[tuple[str, list[tuple[str, str]], str, str | None, str, bool]] = [
    (
        "unknown-top-level-key",
        [("intro: Six", "colour: blue\nintro: Six")],
        "colour",
        "colour: blue",
        "unknown key 'colour'; allowed keys here: id, version, title, intro, scale, unsure, "
        "groups, dimensions, statements, stages",
        True,
    ),
    (
        "unknown-nested-key",
        [("text: Fees are collected on time.}", "text: Fees are collected on time., weight: 2}")],
        "statements[3].weight",
        "weight: 2",
        "unknown key 'weight'; allowed keys here: id, dimension, text, why",
        True,
    ),
    (
        "unknown-key-in-band",
        [("band: {min: 10, max: 18}", "band: {min: 10, max: 18, mid: 14}")],
        "stages[1].band.mid",
        "mid: 14",
        "unknown key 'mid'; allowed keys here: min, max",
        True,
    ),
    (
        "missing-top-level-key",
        [("intro: Six statements about how the club runs.\n", "")],
        "intro",
        "id: team-sport",
        "required key 'intro' is missing",
        True,
    ),
    (
        "missing-nested-key",
        [("    summary: The basics happen every week.\n", "")],
        "stages[1].summary",
        "id: steady",
        "required key 'summary' is missing",
        True,
    ),
    (
        "missing-band-bound",
        [("band: {min: 19, max: 24}", "band: {min: 19}")],
        "stages[2].band.max",
        "band: {min: 19}",
        "required key 'max' is missing",
        True,
    ),
    (
        "wrong-type-version",
        [("version: 3", "version: three")],
        "version",
        "version: three",
        "expected a whole number, found text ('three')",
        True,
    ),
    (
        "wrong-type-float",
        [("version: 3", "version: 3.5")],
        "version",
        "version: 3.5",
        "expected a whole number, found a number (3.5)",
        True,
    ),
    (
        "wrong-type-advice",
        [("advice: [Keep it up and bring new volunteers in early.]", "advice: Keep it up.")],
        "stages[2].advice",
        "advice: Keep it up.",
        "expected a list, found text",
        True,
    ),
    (
        "wrong-type-groups",
        [
            ("  - {id: player, title: Player}\n  - {id: coach, title: Coach}\n", ""),
            ("groups:", "groups: players"),
        ],
        "groups",
        "groups: players",
        "expected a list, found text",
        True,
    ),
    (
        "wrong-type-statement",
        [
            (
                "  - {id: kit, dimension: admin, text: Kit is washed and stored after matches.}",
                "  - kit",
            )
        ],
        "statements[5]",
        "  - kit",
        "expected a mapping of keys (id, dimension, text, why), found text",
        True,
    ),
    (
        "wrong-type-boolean-title",
        [("    title: Steady\n", "    title: yes\n")],
        "stages[1].title",
        "title: yes",
        "expected text, found true/false",
        True,
    ),
    (
        "empty-text",
        [("title: How organised is your amateur sports club?", "title: '  '")],
        "title",
        "title: '  '",
        "expected text, found an empty string",
        False,
    ),
    (
        "text-too-long",
        [("    title: Slick\n", "    title: " + "S" * 81 + "\n")],
        "stages[2].title",
        "S" * 81,
        "text is 81 characters long; at most 80 allowed",
        True,
    ),
    (
        "too-few-stages",
        [(BASE[BASE.index("  - id: steady") :], "")],
        "stages",
        "stages:",
        "expected at least 2 items, found 1",
        True,
    ),
    (
        "duplicate-statement-id",
        [("{id: kit, dimension", "{id: fixtures, dimension")],
        "statements[5].id",
        "Kit is washed",
        "duplicate id 'fixtures'; already used by statements[4]",
        False,
    ),
    (
        "duplicate-dimension-id",
        [("  - id: admin\n", "  - id: training  # the copy\n")],
        "dimensions[1].id",
        "the copy",
        "duplicate id 'training'; already used by dimensions[0]",
        False,
    ),
    (
        "duplicate-stage-id",
        [("  - id: slick\n", "  - id: steady  # the copy\n")],
        "stages[2].id",
        "the copy",
        "duplicate id 'steady'; already used by stages[1]",
        False,
    ),
    (
        "duplicate-group-id",
        [("{id: coach, title: Coach}", "{id: player, title: Coach}")],
        "groups[1].id",
        "title: Coach",
        "duplicate id 'player'; already used by groups[0]",
        False,
    ),
    (
        "duplicate-scale-label",
        [("{value: 3, label: Often}", "{value: 3, label: Rarely}  # the copy")],
        "scale[3].label",
        "the copy",
        "duplicate label 'Rarely'; already used by scale[1]",
        False,
    ),
    (
        "duplicate-yaml-key",
        [("    title: Steady\n", "    title: Steady\n    title: Steadier\n")],
        "stages[1].title",
        "Steadier",
        "key 'title' appears twice in the same mapping",
        False,
    ),
    (
        "statement-in-unknown-dimension",
        [("{id: fixtures, dimension: admin", "{id: fixtures, dimension: kitroom")],
        "statements[4].dimension",
        "kitroom",
        "'kitroom' is not a dimension; expected one of: training, admin",
        False,
    ),
    (
        "dimension-without-statements",
        [
            ("{id: fees-paid, dimension: admin", "{id: fees-paid, dimension: training"),
            ("{id: fixtures, dimension: admin", "{id: fixtures, dimension: training"),
            ("{id: kit, dimension: admin", "{id: kit, dimension: training"),
        ],
        "dimensions[1]",
        "- id: admin",
        "dimension 'admin' has no statements; give it one or remove it",
        False,
    ),
    (
        "bands-overlap",
        [("band: {min: 10, max: 18}", "band: {min: 9, max: 18}")],
        "stages[1].band.min",
        "min: 9,",
        "band 9-18 overlaps the band before it; expected min 10",
        False,
    ),
    (
        "bands-leave-a-gap",
        [("band: {min: 10, max: 18}", "band: {min: 12, max: 18}")],
        "stages[1].band.min",
        "min: 12,",
        "gap: no stage covers totals 10-11; expected min 10",
        False,
    ),
    (
        "bands-leave-one-total",
        [("band: {min: 19, max: 24}", "band: {min: 20, max: 24}")],
        "stages[2].band.min",
        "min: 20,",
        "gap: no stage covers total 19; expected min 19",
        False,
    ),
    (
        "first-band-starts-above-lowest",
        [("band: {min: 0, max: 9}", "band: {min: 2, max: 9}")],
        "stages[0].band.min",
        "min: 2,",
        "2 leaves totals 0-1 outside every stage; expected 0",
        False,
    ),
    (
        "first-band-starts-below-lowest",
        [("band: {min: 0, max: 9}", "band: {min: -1, max: 9}")],
        "stages[0].band.min",
        "min: -1,",
        "-1 is below the lowest possible total 0; expected 0",
        False,
    ),
    (
        "last-band-ends-below-highest",
        [("band: {min: 19, max: 24}", "band: {min: 19, max: 22}")],
        "stages[2].band.max",
        "max: 22",
        "no stage covers totals 23-24; expected 24, the highest possible total",
        False,
    ),
    (
        "last-band-ends-above-highest",
        [("band: {min: 19, max: 24}", "band: {min: 19, max: 30}")],
        "stages[2].band.max",
        "max: 30",
        "30 is above the highest possible total; expected 24 (6 statements x 4)",
        False,
    ),
    (
        "band-min-above-max",
        [("band: {min: 10, max: 18}", "band: {min: 10, max: 8}")],
        "stages[1].band",
        "max: 8}",
        "min 10 is above max 8",
        False,
    ),
    (
        "scale-not-rising-by-one",
        [
            ("{value: 2, label: Sometimes}", "{value: 3, label: Sometimes}"),
            ("{value: 3, label: Often}", "{value: 2, label: Often}"),
        ],
        "scale[2].value",
        "Sometimes",
        "expected 2: scale values must be whole numbers rising by one, lowest first",
        False,
    ),
    (
        "scale-value-too-large",
        [("{value: 4, label: Always}", "{value: 36, label: Always}")],
        "scale[4].value",
        "Always",
        "36 is too large; the highest allowed is 35",
        True,
    ),
    (
        "scale-value-too-small",
        [("{value: 0, label: Never}", "{value: -1, label: Never}")],
        "scale[0].value",
        "Never",
        "-1 is too small; the lowest allowed is 0",
        True,
    ),
    (
        "scale-too-short",
        [
            (
                "  - {value: 1, label: Rarely}\n  - {value: 2, label: Sometimes}\n  - {value: 3, label: Often}\n"
                "  - {value: 4, label: Always}\n",
                "",
            )
        ],
        "scale",
        "scale:",
        "expected at least 2 items, found 1",
        True,
    ),
    (
        "bad-quiz-id",
        [("id: team-sport", "id: Team Sport")],
        "id",
        "id: Team Sport",
        "'Team Sport' is not valid here",
        True,
    ),
    (
        "bad-statement-id",
        [("{id: warm-up,", "{id: warm_up,")],
        "statements[2].id",
        "warm_up",
        "'warm_up' is not valid here",
        True,
    ),
    (
        "bad-group-id-trailing-dash",
        [("{id: coach,", "{id: coach-,")],
        "groups[1].id",
        "coach-",
        "'coach-' is not valid here",
        True,
    ),
    (
        "page-not-markdown",
        [("page: stages/steady.md", "page: stages/steady.html")],
        "stages[1].page",
        "steady.html",
        "'stages/steady.html' is not valid here",
        True,
    ),
    (
        "page-with-anchor",
        [("page: stages/slick.md", "page: 'stages/slick.md#top'")],
        "stages[2].page",
        "slick.md#top",
        "'stages/slick.md#top' is not valid here",
        True,
    ),
    (
        "invalid-yaml-syntax",
        [("    summary: The basics happen every week.", "    summary: The basics: every week.")],
        "(top level)",
        "The basics: every week.",
        "not valid YAML: mapping values are not allowed here",
        False,
    ),
    (
        "invalid-yaml-unclosed-flow",
        [("band: {min: 10, max: 18}", "band: {min: 10, max: 18")],
        "(top level)",
        "advice: [Write down",
        "not valid YAML: expected ',' or '}', but got ':'",
        False,
    ),  # the line where the parser noticed
    (
        "empty-file",
        [(BASE, "")],
        "(top level)",
        None,
        "expected a mapping of keys (id, version, title",
        True,
    ),
    ("comments-only", [(BASE, "# nothing here yet\n")], "(top level)", None, "found nothing", True),
    (
        "top-level-list",
        [(BASE, "- id: team-sport\n- version: 3\n")],
        "(top level)",
        "id: team-sport",
        "expected a mapping of keys (id, version, title, intro, scale, unsure, groups, "
        "dimensions, statements, stages), found a list",
        True,
    ),
    (
        "top-level-text",
        [(BASE, "just a sentence\n")],
        "(top level)",
        "just a sentence",
        "found text",
        True,
    ),
]


@pytest.mark.parametrize(
    ("edits", "path", "marker", "message", "schema_rejects"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_broken_quiz_is_reported(
    edits: list[tuple[str, str]], path: str, marker: str | None, message: str, schema_rejects: bool
) -> None:
    text = edited(*edits)
    with pytest.raises(QuizError) as caught:
        parse_quiz(text, SOURCE)
    error = caught.value
    where = SOURCE if marker is None else f"{SOURCE}:{line_of(text, marker)}"
    expected_start = f"{where}: {path}: "
    matching = [
        line for line in problem_lines(error) if line.startswith(expected_start) and message in line
    ]
    assert matching, (
        f"no problem line starting {expected_start!r} and containing {message!r} in:\n{error}"
    )
    assert (
        str(error).splitlines()[0]
        == f"{SOURCE}: {len(error.problems)} problem{'s' if len(error.problems) != 1 else ''} found"
    )
    assert error.source == SOURCE
    assert all(isinstance(p, Problem) for p in error.problems)
    lines = [p.line for p in error.problems if p.line is not None]
    assert lines == sorted(lines), "problems are listed in file order"


@pytest.mark.parametrize(
    ("edits", "schema_rejects"),
    [(c[1], c[5]) for c in CASES if "yaml" not in c[0]],
    ids=[c[0] for c in CASES if "yaml" not in c[0]],
)
def test_schema_agrees_on_structural_problems(
    edits: list[tuple[str, str]], schema_rejects: bool
) -> None:
    """Problems within one key are caught by the editor schema too; rules across keys only by the validator."""
    data = yaml.safe_load(edited(*edits))
    errors = list(jsonschema.Draft202012Validator(json_schema()).iter_errors(data))
    assert bool(errors) == schema_rejects, [e.message for e in errors]


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yml"
    with pytest.raises(QuizError) as caught:
        read_quiz(missing)
    assert (
        str(caught.value) == f"{missing}: 1 problem found\n  {missing}: (top level): file not found"
    )


def test_unreadable_encoding(tmp_path: Path) -> None:
    path = tmp_path / "latin.yml"
    path.write_bytes(BASE.replace("Never", "Jamais vu \xe9").encode("latin-1"))
    with pytest.raises(QuizError, match=r"the file is not UTF-8 text \(byte \d+ cannot be read\)"):
        read_quiz(path)


def test_read_quiz_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "quiz.yml"
    path.write_text(edited(("version: 3", "version: three")), encoding="utf-8")
    with pytest.raises(QuizError) as caught:
        read_quiz(path)
    assert f"{path}:4: version: expected a whole number" in str(caught.value)


def test_every_independent_problem_is_reported_at_once() -> None:
    text = edited(
        ("version: 3", "version: three"),
        ("intro: Six", "colour: blue\nintro: Six"),
        ("{id: coach, title: Coach}", "{id: player, title: Coach}"),
        ("{id: fixtures, dimension: admin", "{id: fixtures, dimension: kitroom"),
        ("band: {min: 10, max: 18}", "band: {min: 12, max: 18}"),
    )
    with pytest.raises(QuizError) as caught:
        parse_quiz(text, SOURCE)
    error = caught.value
    expected = [
        (line_of(text, "version: three"), "version", "expected a whole number"),
        (line_of(text, "colour: blue"), "colour", "unknown key 'colour'"),
        (line_of(text, "title: Coach"), "groups[1].id", "duplicate id 'player'"),
        (line_of(text, "kitroom"), "statements[4].dimension", "'kitroom' is not a dimension"),
        (line_of(text, "min: 12"), "stages[1].band.min", "gap: no stage covers totals 10-11"),
    ]
    assert len(error.problems) == len(expected)
    assert str(error).splitlines()[0] == f"{SOURCE}: 5 problems found"
    for (line, path, message), problem in zip(expected, error.problems, strict=False):
        assert (problem.line, problem.path) == (line, path)
        assert message in problem.message
        assert f"{SOURCE}:{line}: {path}: {message}" in str(error)


def test_a_broken_section_does_not_hide_the_others() -> None:
    """A structural slip in `stages` skips the band rules but still reports the statements' problems."""
    text = edited(
        ("page: stages/steady.md", "page: stages/steady.html"),
        ("{id: fixtures, dimension: admin", "{id: fixtures, dimension: kitroom"),
    )
    with pytest.raises(QuizError) as caught:
        parse_quiz(text, SOURCE)
    assert [p.path for p in caught.value.problems] == ["statements[4].dimension", "stages[1].page"]


# --- the real files, and the JSON Schema ---------------------------------------------------------


@pytest.mark.parametrize("path", [SALES_QUIZ, TEAM_QUIZ], ids=["sales-marketing", "team-sport"])
def test_real_files_are_valid_for_validator_and_schema(path: Path) -> None:
    quiz = read_quiz(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(data)
    assert quiz.to_dict() == data  # the plain form reads back unchanged


def test_schema_rejects_an_unknown_key_the_validator_rejects() -> None:
    text = edited(
        ("text: Fees are collected on time.}", "text: Fees are collected on time., weight: 2}")
    )
    data = yaml.safe_load(text)
    errors = list(jsonschema.Draft202012Validator(json_schema()).iter_errors(data))
    assert [list(e.absolute_path) for e in errors] == [["statements", 3]]
    assert "'weight' was unexpected" in errors[0].message
    with pytest.raises(QuizError, match=r"statements\[3\]\.weight: unknown key 'weight'"):
        parse_quiz(text, SOURCE)


def test_schema_header() -> None:
    schema = json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    assert set(schema["required"]) == {
        "id",
        "version",
        "title",
        "intro",
        "scale",
        "dimensions",
        "statements",
        "stages",
    }


# --- anything at all in a quiz file ------------------------------------------------------------

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-50, 50),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(["team-sport", "stages/a.md", "training", "admin", ""]),
)
KEYS = st.one_of(
    st.sampled_from(
        [
            "id",
            "version",
            "title",
            "intro",
            "scale",
            "groups",
            "dimensions",
            "statements",
            "stages",
            "value",
            "label",
            "band",
            "min",
            "max",
            "page",
            "advice",
            "dimension",
            "text",
        ]
    ),
    st.text(max_size=8),
    st.integers(-3, 3),
)
DOCUMENTS = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=5),
    max_leaves=25,
)


def parse_or_quiz_error(text: str) -> None:
    try:
        parse_quiz(text, SOURCE)
    except QuizError as error:
        assert error.problems and str(error).startswith(f"{SOURCE}: ")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS)
def test_arbitrary_documents_raise_only_quiz_error(document: Any) -> None:
    parse_or_quiz_error(yaml.safe_dump(document, allow_unicode=True))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_raises_only_quiz_error(text: str) -> None:
    parse_or_quiz_error(text)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if path else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*path, index))
    return found


SCHEMA_VALIDATOR = jsonschema.Draft202012Validator(json_schema())
REAL_DATA = {
    name: yaml.safe_load(path.read_text(encoding="utf-8"))
    for name, path in (("sales-marketing", SALES_QUIZ), ("team-sport", TEAM_QUIZ))
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_real_files_raise_only_quiz_error(data: st.DataObject) -> None:
    """Delete keys and change values' types in the real files; the validator and schema must agree."""
    document = copy.deepcopy(REAL_DATA[data.draw(st.sampled_from(sorted(REAL_DATA)), label="file")])
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        paths = _paths(document)
        if not paths:
            break
        path = data.draw(st.sampled_from(paths), label="path")
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        action = data.draw(st.sampled_from(["delete", "replace", "duplicate"]), label="action")
        if action == "delete":
            del parent[path[-1]]
        elif action == "replace":
            parent[path[-1]] = data.draw(DOCUMENTS, label="value")
        elif isinstance(parent, list):
            parent.append(copy.deepcopy(parent[path[-1]]))
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    try:
        parse_quiz(text, SOURCE)
    except QuizError as error:
        assert error.problems
        return
    # Whatever the validator accepts, the editor schema accepts too.
    SCHEMA_VALIDATOR.validate(yaml.safe_load(text))


@pytest.mark.parametrize(
    "text", ["a: &x [*x]\n", "&x {a: *x}\n", "id: team-sport\nscale: &s [{value: 0, label: *s}]\n"]
)
def test_self_referencing_alias_is_a_quiz_error(text: str) -> None:
    with pytest.raises(QuizError):
        parse_quiz(text, SOURCE)
