"""The quiz as typed, validated objects.

`load_quiz` accepts plain data (from YAML on the host, from JSON in the
browser) and either returns a `Quiz` or raises `QuizError` listing every
problem, each with its key path and, when the caller knows it, the line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import Problem, QuizError
from .spec import DEFAULT_MAX_UNJUDGED, QUIZ, Integer, ListOf, MapOf, Node, Record, Text

LineLookup = Callable[[str], "int | None"]


@dataclass(frozen=True)
class ScalePoint:
    value: int
    label: str


@dataclass(frozen=True)
class Group:
    id: str
    title: str


@dataclass(frozen=True)
class Unsure:
    """The optional "I can't judge this" answer: its label and how much of it still gives a stage."""

    label: str
    max_share: int = DEFAULT_MAX_UNJUDGED

    def allowed(self, statements: int) -> int:
        """How many statements may go unjudged while the total still places a stage (rounded down)."""
        return statements * self.max_share // 100


@dataclass(frozen=True)
class Dimension:
    id: str
    title: str
    description: str
    advice: tuple[tuple[str, tuple[str, ...]], ...]  # (stage id, actions) in the file's order

    def advice_at(self, stage_id: str) -> tuple[str, ...]:
        """The next steps on this dimension for a respondent at this stage (none if the file gives none)."""
        return next((actions for key, actions in self.advice if key == stage_id), ())


@dataclass(frozen=True)
class Statement:
    id: str
    dimension: str
    text: str
    why: str | None = None


@dataclass(frozen=True)
class Stage:
    id: str
    title: str
    summary: str
    page: str
    low: int
    high: int
    advice: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "summary": self.summary,
            "page": self.page,
            "band": {"min": self.low, "max": self.high},
        }


@dataclass(frozen=True)
class Quiz:
    id: str
    version: int
    title: str
    intro: str
    scale: tuple[ScalePoint, ...]
    unsure: Unsure | None
    groups: tuple[Group, ...]
    dimensions: tuple[Dimension, ...]
    statements: tuple[Statement, ...]
    stages: tuple[Stage, ...]

    @property
    def scale_min(self) -> int:
        return self.scale[0].value

    @property
    def scale_max(self) -> int:
        return self.scale[-1].value

    @property
    def lowest_total(self) -> int:
        return self.scale_min * len(self.statements)

    @property
    def highest_total(self) -> int:
        return self.scale_max * len(self.statements)

    def stage_for(self, total: int) -> Stage:
        for stage in self.stages:
            if stage.low <= total <= stage.high:
                return stage
        raise ValueError(f"total {total} is outside {self.lowest_total}-{self.highest_total}")

    def dimension(self, dimension_id: str) -> Dimension:
        for dim in self.dimensions:
            if dim.id == dimension_id:
                return dim
        raise KeyError(dimension_id)

    def to_dict(self) -> dict[str, Any]:
        """The plain form the browser receives; `load_quiz` reads it back unchanged."""
        data: dict[str, Any] = {
            "id": self.id,
            "version": self.version,
            "title": self.title,
            "intro": self.intro,
            "scale": [{"value": p.value, "label": p.label} for p in self.scale],
        }
        if self.unsure is not None:
            data["unsure"] = {"label": self.unsure.label, "max_share": self.unsure.max_share}
        if self.groups:
            data["groups"] = [{"id": g.id, "title": g.title} for g in self.groups]
        data["dimensions"] = [
            {
                "id": d.id,
                "title": d.title,
                "description": d.description,
                "advice": {stage: list(actions) for stage, actions in d.advice},
            }
            for d in self.dimensions
        ]
        data["statements"] = [
            {
                "id": s.id,
                "dimension": s.dimension,
                "text": s.text,
                **({"why": s.why} if s.why else {}),
            }
            for s in self.statements
        ]
        data["stages"] = [
            {**stage.to_dict(), "advice": list(stage.advice)} for stage in self.stages
        ]
        return data


def load_quiz(data: object, source: str | None = None, line_of: LineLookup | None = None) -> Quiz:
    """Validate plain data and build a `Quiz`, or raise `QuizError` with every problem."""
    problems: list[Problem] = []

    def report(path: str, message: str) -> None:
        problems.append(Problem(path, message, _locate(path, line_of)))

    _check_node(QUIZ, data, "", report)
    if isinstance(data, Mapping):
        broken = {p.path.split(".")[0].split("[")[0] for p in problems}
        _check_meaning(data, broken, report)
    if problems:
        problems.sort(key=lambda p: p.line if p.line is not None else 1 << 30)
        raise QuizError(problems, source)
    assert isinstance(data, Mapping)
    return _build(data)


def _locate(path: str, line_of: LineLookup | None) -> int | None:
    """The line of the key path, or of its nearest parent the file has (a missing key has no line)."""
    if line_of is None:
        return None
    candidate = path
    while True:
        line = line_of(candidate)
        if line is not None or not candidate:
            return line
        cut = max(candidate.rfind("."), candidate.rfind("["))
        candidate = candidate[: max(cut, 0)]


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _type_name(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (int, float)):
        return "a number"
    return type(value).__name__


def _check_node(node: Node, value: object, path: str, report: Callable[[str, str], None]) -> None:
    if isinstance(node, Text):
        if not isinstance(value, str):
            report(path, f"expected text, found {_type_name(value)}")
        elif not value.strip():
            report(path, "expected text, found an empty string")
        elif node.pattern and not _matches(node.pattern, value):
            report(path, f"{value!r} is not valid here: {node.doc}")
        elif node.max_length and len(value) > node.max_length:
            report(path, f"text is {len(value)} characters long; at most {node.max_length} allowed")
        return
    if isinstance(node, Integer):
        if isinstance(value, bool) or not isinstance(value, int):
            report(path, f"expected a whole number, found {_type_name(value)} ({value!r})")
        elif node.minimum is not None and value < node.minimum:
            report(path, f"{value} is too small; the lowest allowed is {node.minimum}")
        elif node.maximum is not None and value > node.maximum:
            report(path, f"{value} is too large; the highest allowed is {node.maximum}")
        return
    if isinstance(node, ListOf):
        if not isinstance(value, list):
            report(path, f"expected a list, found {_type_name(value)}")
            return
        if len(value) < node.min_items:
            report(
                path,
                f"expected at least {node.min_items} item{'s' if node.min_items != 1 else ''}, found {len(value)}",
            )
        if node.max_items is not None and len(value) > node.max_items:
            report(path, f"expected at most {node.max_items} items, found {len(value)}")
        for index, item in enumerate(value):
            _check_node(node.item, item, f"{path}[{index}]", report)
        return
    if isinstance(node, MapOf):
        if not isinstance(value, Mapping):
            report(
                path,
                f"expected a mapping of ids to values ({node.doc.split(':')[0].lower()}), found {_type_name(value)}",
            )
            return
        if not value:
            report(path, "expected at least one entry, found an empty mapping")
        for key, item in value.items():
            if not isinstance(key, str) or not _matches(node.key_pattern, key):
                report(
                    _join(path, str(key)),
                    f"{str(key)!r} is not a valid id: lowercase letters, digits and dashes",
                )
            else:
                _check_node(node.value, item, _join(path, key), report)
        return
    _check_record(node, value, path, report)


def _check_record(
    node: Record, value: object, path: str, report: Callable[[str, str], None]
) -> None:
    if not isinstance(value, Mapping):
        report(
            path, f"expected a mapping of keys ({', '.join(node.keys)}), found {_type_name(value)}"
        )
        return
    for key in value:
        if key not in node.keys:
            allowed = ", ".join(node.keys)
            report(_join(path, str(key)), f"unknown key {str(key)!r}; allowed keys here: {allowed}")
    for name, key in node.keys.items():
        if name in value:
            _check_node(key.node, value[name], _join(path, name), report)
        elif key.required:
            report(_join(path, name), f"required key {name!r} is missing")


def _matches(pattern: str, value: str) -> bool:
    return re.fullmatch(pattern, value) is not None


def _check_unique(
    items: list[Mapping[str, Any]], key: str, path: str, report: Callable[[str, str], None]
) -> None:
    seen: dict[object, int] = {}
    for index, item in enumerate(items):
        value = item[key]
        if value in seen:
            report(
                f"{path}[{index}].{key}",
                f"duplicate {key} {value!r}; already used by {path}[{seen[value]}]",
            )
        else:
            seen[value] = index


def _check_meaning(
    data: Mapping[str, Any], broken: set[str], report: Callable[[str, str], None]
) -> None:
    """Rules that span several keys: ids, references, the scale and the bands.

    A rule runs only when the sections it reads are well formed, so one
    structural slip does not hide the other problems of the file.
    """

    def sound(*names: str) -> bool:
        return all(name in data and name not in broken for name in names)

    for name in ("dimensions", "statements", "stages", "groups"):
        if sound(name):
            _check_unique(data[name], "id", name, report)
    if not sound("scale"):
        return
    scale = data["scale"]
    _check_unique(scale, "value", "scale", report)
    _check_unique(scale, "label", "scale", report)
    values = [point["value"] for point in scale]
    for index in range(1, len(values)):
        if values[index] != values[index - 1] + 1:
            report(
                f"scale[{index}].value",
                f"expected {values[index - 1] + 1}: scale values must be whole numbers rising by one, lowest first",
            )
            break

    if sound("statements", "stages"):
        _check_bands(data, values, report)
    if sound("dimensions", "stages"):
        _check_stage_advice(data, report)
    if not sound("dimensions", "statements"):
        return
    dimension_ids = [dim["id"] for dim in data["dimensions"]]
    used: set[str] = set()
    for index, statement in enumerate(data["statements"]):
        dim = statement["dimension"]
        used.add(dim)
        if dim not in dimension_ids:
            report(
                f"statements[{index}].dimension",
                f"{dim!r} is not a dimension; expected one of: {', '.join(dimension_ids)}",
            )
    for index, dim_id in enumerate(dimension_ids):
        if dim_id not in used:
            report(
                f"dimensions[{index}]",
                f"dimension {dim_id!r} has no statements; give it one or remove it",
            )


def _check_bands(
    data: Mapping[str, Any], values: list[int], report: Callable[[str, str], None]
) -> None:
    count = len(data["statements"])
    lowest, highest = min(values) * count, max(values) * count
    expected = lowest
    for index, stage in enumerate(data["stages"]):
        low, high = stage["band"]["min"], stage["band"]["max"]
        where = f"stages[{index}].band"
        if low > high:
            report(where, f"min {low} is above max {high}")
        if low < expected:
            if index == 0:
                report(
                    f"{where}.min",
                    f"{low} is below the lowest possible total {lowest}; expected {lowest}",
                )
            else:
                report(
                    f"{where}.min",
                    f"band {low}-{high} overlaps the band before it; expected min {expected}",
                )
        elif low > expected:
            if index == 0:
                report(
                    f"{where}.min",
                    f"{low} leaves {_totals(lowest, low - 1)} outside every stage; expected {lowest}",
                )
            else:
                report(
                    f"{where}.min",
                    f"gap: no stage covers {_totals(expected, low - 1)}; expected min {expected}",
                )
        expected = max(expected, high + 1)
    last = data["stages"][-1]["band"]["max"]
    if last != highest:
        where = f"stages[{len(data['stages']) - 1}].band.max"
        if last < highest:
            report(
                where,
                f"no stage covers {_totals(last + 1, highest)}; expected {highest}, the highest possible total",
            )
        else:
            report(
                where,
                f"{last} is above the highest possible total; expected {highest} ({count} statements x {max(values)})",
            )


def _check_stage_advice(data: Mapping[str, Any], report: Callable[[str, str], None]) -> None:
    """Dimension advice names real stages, covers every stage that has a next step, and never repeats.

    A result shows the stage's actions beside those of its weakest dimensions at that
    stage, so an action given twice for one stage could appear twice on one result.
    """
    stages = [stage["id"] for stage in data["stages"]]
    seen: dict[tuple[str, str], str] = {}
    for index, stage in enumerate(data["stages"]):
        for number, action in enumerate(stage["advice"]):
            seen.setdefault(
                (stage["id"], _normal_action(action)), f"stages[{index}].advice[{number}]"
            )
    for index, dim in enumerate(data["dimensions"]):
        path = f"dimensions[{index}].advice"
        advice = dim["advice"]
        for key in advice:
            if key not in stages:
                report(
                    f"{path}.{key}", f"{key!r} is not a stage; expected one of: {', '.join(stages)}"
                )
        for stage in stages[:-1]:
            if stage not in advice:
                report(
                    f"{path}.{stage}",
                    f"no advice for stage {stage!r}; every stage before the last needs the next "
                    "steps for this dimension",
                )
        for stage, actions in advice.items():
            for number, action in enumerate(actions):
                where = f"{path}.{stage}[{number}]"
                first = seen.setdefault((stage, _normal_action(action)), where)
                if first != where:
                    report(
                        where,
                        f"the same action is already given for stage {stage!r} at {first}; a "
                        "result would show it twice",
                    )


def _normal_action(text: str) -> str:
    return " ".join(text.casefold().split()).rstrip(".")


def _totals(low: int, high: int) -> str:
    return f"total {low}" if low == high else f"totals {low}-{high}"


def _build(data: Mapping[str, Any]) -> Quiz:
    return Quiz(
        id=data["id"],
        version=data["version"],
        title=data["title"],
        intro=data["intro"],
        scale=tuple(ScalePoint(p["value"], p["label"]) for p in data["scale"]),
        unsure=_unsure(data.get("unsure")),
        groups=tuple(Group(g["id"], g["title"]) for g in data.get("groups", [])),
        dimensions=tuple(
            Dimension(
                d["id"],
                d["title"],
                d["description"],
                tuple((stage, tuple(actions)) for stage, actions in d["advice"].items()),
            )
            for d in data["dimensions"]
        ),
        statements=tuple(
            Statement(s["id"], s["dimension"], s["text"], s.get("why")) for s in data["statements"]
        ),
        stages=tuple(
            Stage(
                s["id"],
                s["title"],
                s["summary"],
                s["page"],
                s["band"]["min"],
                s["band"]["max"],
                tuple(s["advice"]),
            )
            for s in data["stages"]
        ),
    )


def _unsure(data: Mapping[str, Any] | None) -> Unsure | None:
    if data is None:
        return None
    return Unsure(data["label"], data.get("max_share", DEFAULT_MAX_UNJUDGED))
