"""The shape of a quiz file, written once as data.

The validator (`stageguide.core.model`) walks these nodes to check a file and
the JSON Schema shipped for editors is generated from the same nodes, so the
two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
PAGE_PATTERN = r"^[^\s#?]+\.md$"
SCALE_LOW, SCALE_HIGH = 0, 35  # a share code spends one base-36 character per answer


@dataclass(frozen=True)
class Text:
    doc: str
    pattern: str | None = None
    max_length: int | None = None


@dataclass(frozen=True)
class Integer:
    doc: str
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class ListOf:
    doc: str
    item: Node
    min_items: int = 0
    max_items: int | None = None


@dataclass(frozen=True)
class MapOf:
    """A mapping whose keys are ids chosen by the author (e.g. stage ids) and whose values share one shape."""

    doc: str
    value: Node
    key_pattern: str = ID_PATTERN


@dataclass(frozen=True)
class Key:
    node: Node
    required: bool = True


@dataclass(frozen=True)
class Record:
    doc: str
    keys: dict[str, Key] = field(default_factory=dict)


Node = Text | Integer | ListOf | MapOf | Record

ADVICE = ListOf("Concrete actions, one per item.", Text("One action."), min_items=1, max_items=6)
DEFAULT_MAX_UNJUDGED = 25  # percent of statements that may go unjudged and still give a stage

STAGE_ADVICE = MapOf(
    "Actions for this dimension, written per stage: the key is a stage id, the value the next realistic steps "
    "for a respondent at that stage. Every stage except the most mature needs an entry; the most mature may have one.",
    ListOf(
        "Concrete actions for a respondent at this stage, one per item.",
        Text("One action."),
        min_items=1,
        max_items=4,
    ),
)

UNSURE = Record(
    "Offer an answer beside the scale for statements the respondent cannot judge. It adds no points: the total is "
    "estimated from the judged statements, and with too many unjudged there is no stage.",
    {
        "label": Key(Text("What the answer says, e.g. 'I can't judge this'.", max_length=40)),
        "max_share": Key(
            Integer(
                "Most statements, as a percentage of all of them, that may be left unjudged and still give a stage "
                f"(default {DEFAULT_MAX_UNJUDGED}).",
                0,
                50,
            ),
            required=False,
        ),
    },
)

SCALE_POINT = Record(
    "One point of the answer scale.",
    {
        "value": Key(Integer("The number this answer adds to the total.", SCALE_LOW, SCALE_HIGH)),
        "label": Key(Text("What the answer means, e.g. 'Strongly agree'.", max_length=60)),
    },
)

GROUP = Record(
    "A group a respondent can say they belong to (for example a function).",
    {
        "id": Key(Text("Stable id, lowercase letters, digits and dashes.", ID_PATTERN, 30)),
        "title": Key(Text("Name shown to respondents.", max_length=60)),
    },
)

DIMENSION = Record(
    "A theme that several statements measure together.",
    {
        "id": Key(Text("Stable id, lowercase letters, digits and dashes.", ID_PATTERN, 60)),
        "title": Key(Text("Short name.", max_length=80)),
        "description": Key(Text("One line on what the dimension covers.")),
        "advice": Key(STAGE_ADVICE),
    },
)

STATEMENT = Record(
    "One statement the respondent rates on the scale.",
    {
        "id": Key(Text("Stable id, lowercase letters, digits and dashes.", ID_PATTERN, 60)),
        "dimension": Key(Text("The id of the dimension this statement belongs to.", ID_PATTERN)),
        "text": Key(Text("The statement as the respondent reads it.")),
        "why": Key(
            Text(
                "Optional note on why this statement matters; shown with the result when the "
                "answer was low, never while answering."
            ),
            required=False,
        ),
    },
)

BAND = Record(
    "The totals (inclusive) that place a respondent in this stage.",
    {
        "min": Key(Integer("Lowest total in the band.")),
        "max": Key(Integer("Highest total in the band.")),
    },
)

STAGE = Record(
    "One stage of the model, listed from least to most mature.",
    {
        "id": Key(Text("Stable id, lowercase letters, digits and dashes.", ID_PATTERN, 60)),
        "title": Key(Text("Name of the stage.", max_length=80)),
        "summary": Key(Text("One line describing the stage.")),
        "page": Key(
            Text(
                "Guide page for this stage, relative to docs/ (e.g. stages/aligned.md).",
                PAGE_PATTERN,
            )
        ),
        "band": Key(BAND),
        "advice": Key(ADVICE),
    },
)

QUIZ = Record(
    "A staged self-assessment: statements rated on a scale, whose total places the respondent in a stage.",
    {
        "id": Key(
            Text("Stable id of the quiz, lowercase letters, digits and dashes.", ID_PATTERN, 60)
        ),
        "version": Key(
            Integer("Raise it whenever statements change, so old share codes are refused.", 1)
        ),
        "title": Key(Text("Title shown above the quiz.", max_length=200)),
        "intro": Key(Text("A short introduction shown above the statements.")),
        "scale": Key(ListOf("The answer scale, lowest value first.", SCALE_POINT, 2, 10)),
        "unsure": Key(UNSURE, required=False),
        "groups": Key(
            ListOf("Optional groups a respondent may pick (e.g. Sales, Marketing).", GROUP, 1, 12),
            required=False,
        ),
        "dimensions": Key(ListOf("Themes the statements are grouped into.", DIMENSION, 1, 20)),
        "statements": Key(
            ListOf("The statements, in the order they are asked.", STATEMENT, 1, 200)
        ),
        "stages": Key(ListOf("The stages, least mature first.", STAGE, 2, 12)),
    },
)


def json_schema(node: Node = QUIZ) -> dict[str, Any]:
    """Render a node (the whole quiz by default) as JSON Schema for editors."""
    schema = _schema(node)
    if node is QUIZ:
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://stageguide.invalid/quiz.schema.json",
            "title": "stageguide quiz",
            **schema,
        }
    return schema


def _schema(node: Node) -> dict[str, Any]:
    if isinstance(node, Text):
        out: dict[str, Any] = {"type": "string", "minLength": 1, "description": node.doc}
        if node.pattern:
            out["pattern"] = node.pattern
        if node.max_length:
            out["maxLength"] = node.max_length
        return out
    if isinstance(node, Integer):
        out = {"type": "integer", "description": node.doc}
        if node.minimum is not None:
            out["minimum"] = node.minimum
        if node.maximum is not None:
            out["maximum"] = node.maximum
        return out
    if isinstance(node, MapOf):
        return {
            "type": "object",
            "description": node.doc,
            "propertyNames": {"pattern": node.key_pattern},
            "additionalProperties": _schema(node.value),
            "minProperties": 1,
        }
    if isinstance(node, ListOf):
        out = {
            "type": "array",
            "description": node.doc,
            "items": _schema(node.item),
            "minItems": node.min_items,
        }
        if node.max_items is not None:
            out["maxItems"] = node.max_items
        return out
    return {
        "type": "object",
        "description": node.doc,
        "properties": {name: _schema(key.node) for name, key in node.keys.items()},
        "required": [name for name, key in node.keys.items() if key.required],
        "additionalProperties": False,
    }
