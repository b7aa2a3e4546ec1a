"""Read a quiz file from YAML, keeping line numbers so errors point into the file."""

from __future__ import annotations

from pathlib import Path

import yaml

from .core import Problem, Quiz, QuizError, load_quiz
from .core.limits import describe_size

# A quiz file is a few kilobytes (the sample is 11 KB); anything near this is a mistake,
# and YAML parsing of tens of megabytes takes minutes and gigabytes. Refused before parsing.
MAX_QUIZ_BYTES = 512 * 1024


def read_quiz(path: str | Path) -> Quiz:
    """Load and validate one quiz file; every problem comes back in one `QuizError`."""
    path = Path(path)
    source = str(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_QUIZ_BYTES + 1)
        if len(data) > MAX_QUIZ_BYTES:
            size = path.stat().st_size if path.is_file() else len(data)
            shown = (
                describe_size(size)
                if size > MAX_QUIZ_BYTES
                else f"more than {describe_size(MAX_QUIZ_BYTES)}"
            )
            raise QuizError(
                [
                    Problem(
                        "",
                        f"the file is {shown}; a quiz file may be at most {describe_size(MAX_QUIZ_BYTES)}",
                    )
                ],
                source,
            )
        text = data.decode("utf-8")
    except FileNotFoundError:
        raise QuizError([Problem("", "file not found")], source) from None
    except UnicodeDecodeError as error:
        raise QuizError(
            [
                Problem(
                    "",
                    f"the file is not UTF-8 text (byte {error.start + 1} cannot be read); save it as UTF-8",
                )
            ],
            source,
        ) from None
    except OSError as error:
        raise QuizError(
            [Problem("", f"cannot read the file: {error.strerror or error}")], source
        ) from None
    return parse_quiz(text, source)


def parse_quiz(text: str, source: str = "<quiz>") -> Quiz:
    try:
        return _parse_quiz(text, source)
    except RecursionError:  # YAML nested hundreds deep: the parser and the walk below recurse
        raise QuizError(
            [
                Problem(
                    "", "the YAML is nested far too deeply to be a quiz (a quiz needs four levels)"
                )
            ],
            source,
        ) from None


def _parse_quiz(text: str, source: str) -> Quiz:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        lines: dict[str, int] = {}
        structural: list[Problem] = []
        if root is not None:
            _index(root, "", lines, structural, set())
        if structural:
            raise QuizError(structural, source)
        data = yaml.load(
            text, Loader=yaml.SafeLoader
        )  # safe now: no aliases, so no cycles or blow-ups
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(error, "problem", None) or str(error)
        raise QuizError([Problem("", f"not valid YAML: {problem}", line)], source) from None
    return load_quiz(data, source=source, line_of=lines.get)


def _index(
    node: yaml.Node, path: str, lines: dict[str, int], problems: list[Problem], seen: set[int]
) -> None:
    """Record the line of every key path; report keys given twice (YAML keeps only the last) and aliases.

    A quiz has no use for anchors and aliases (`&a`, `*a`), and refusing them
    rules out self-referencing documents and alias bombs before anything walks them.
    """
    if id(node) in seen:
        problems.append(
            Problem(
                path,
                "YAML aliases (*name) are not supported in quiz files; write the value out",
                node.start_mark.line + 1,
            )
        )
        return
    seen.add(id(node))
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = f"{path}.{key}" if path else key
            if key in keys:
                problems.append(
                    Problem(
                        child,
                        f"key {key!r} appears twice in the same mapping",
                        key_node.start_mark.line + 1,
                    )
                )
            keys.add(key)
            lines[child] = key_node.start_mark.line + 1
            _index(value_node, child, lines, problems, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index(item, f"{path}[{index}]", lines, problems, seen)
