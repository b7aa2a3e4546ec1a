"""Every key the team page reads from the report exists in `TeamReport.to_dict()`.

The page's scripts read the report the worker sends by property name, and nothing types
the JSON between Python and JavaScript. So this test reads the scripts' source: it follows
the report from the name `report` through aliases (`const rows = report.headline.groups`),
destructuring, callbacks (`rows.map((row) => …)`, `for (const person of byGroup)`) and
helper parameters (`gapText(d.gap)`), and checks each property read on the way against the
shape of a real report whose optional parts are all filled in. It also names the keys the
page does not read, so that a key dropped from the page, or added to the report for
another reader, is a decision someone wrote down.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers import load
from paths import REPO, SALES_QUIZ

from stageguide.core.csvimport import read_file
from stageguide.core.team import team_report

ASSETS = REPO / "src" / "stageguide" / "assets"
SALES = load(SALES_QUIZ)

# In the report for the command line, the tests or whoever reads --json, not for the page.
NOT_READ_BY_THE_PAGE = {
    "source",
    "lowest_total",
    "statements",  # the page shows the disagreements, not every statement
    "quiz.id",
    "quiz.version",
    "respondents[].code",  # the page takes them from "codes"
    "respondents[].name",  # the page shows "label"
    "respondents[].where",
    "dimensions[].spread",
    "dimensions[].groups[].count",
    "dimensions[].gap.high.id",
    "dimensions[].gap.high.mean",
    "dimensions[].gap.low",
    "disagreements.between[].dimension",
    "disagreements.between[].mean",
    "disagreements.between[].spread",
    "disagreements.between[].min",
    "disagreements.between[].max",
    "disagreements.between[].unjudged",
    "disagreements.between[].groups[].title",
    "disagreements.between[].groups[].count",
    "disagreements.between[].gap.high.id",
    "disagreements.between[].gap.high.mean",
    "disagreements.between[].gap.low",
    "disagreements.within[].dimension",
    "disagreements.within[].unjudged",
    "disagreements.within[].groups",
    "disagreements.within[].gap",
    "headline.groups[].stages[].title",
}

Path_ = tuple[str, ...]  # keys, and "[]" for an item of a list
LIST = "[]"


# --- the report's shape --------------------------------------------------------------------


def _shape(value: Any) -> Any:
    """A dict of key -> shape for an object, [shape] for a list (merged over its items), "leaf"."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        merged: Any = None
        for item in value:
            merged = _merge(merged, _shape(item))
        return [merged]
    return None if value is None else "leaf"


def _merge(a: Any, b: Any) -> Any:
    if a is None:
        return b
    if b is None:
        return a
    if isinstance(a, dict) and isinstance(b, dict):
        return {key: _merge(a.get(key), b.get(key)) for key in {**a, **b}}
    if isinstance(a, list) and isinstance(b, list):
        return [_merge(a[0], b[0])]
    return a


def _paths(shape: Any, prefix: Path_ = ()) -> set[Path_]:
    out: set[Path_] = set()
    if isinstance(shape, dict):
        for key, item in shape.items():
            out.add((*prefix, key))
            out |= _paths(item, (*prefix, key))
    elif isinstance(shape, list):
        out |= _paths(shape[0], (*prefix, LIST))
    return out


def _at(shape: Any, path: Path_) -> Any:
    for step in path:
        shape = shape[0] if step == LIST else shape[step]
    return shape


def _rich_report() -> dict[str, Any]:
    """A real report with every optional part present: a header row above the header, an
    ignored column, a function column found by its cells (a note), a skipped row, an
    unjudged answer, a respondent too unsure to be placed, and people with no function."""
    rng = random.Random(19)
    ids = [s.id for s in SALES.statements]
    rows = ["Team survey, exported 2024-05-01", ",".join(["Timestamp", "Name", "Unit", *ids])]
    for number, unit in enumerate(["Sales", "Marketing", "Other", "", "Sales", "Marketing"] * 2):
        answers = [str(rng.randint(1, 5)) for _ in ids]
        if number == 2:
            answers[0] = "x"
        if number == 3:
            answers = ["x"] * len(ids)
        rows.append(",".join([f"t{number}", f"P{number}", unit, *answers]))
    rows.append(",".join(["t99", "Bad", "Sales", "maybe", *["3"] * (len(ids) - 1)]))
    data = ("\n".join(rows) + "\n").encode()
    report = team_report(SALES, read_file(SALES, data, "team.csv")).to_dict()
    for part in ("skipped", "header_rows", "notes", "ignored_columns"):
        assert report[part], f"the rich report should have {part}"
    assert report["unplaced"] and report["disagreements"]["between"]
    return report


# --- reading the scripts -------------------------------------------------------------------


def _blank(source: str) -> str:
    """The source with comments and the text of string literals replaced by spaces, so that
    positions stay put, brackets match and only code is searched (`${…}` stays code)."""
    out = list(source)
    i, n = 0, len(source)
    templates: list[int] = []  # brace depth at which each open `${` returns to its template
    depth = 0
    last = ""  # the last significant code character, to tell a regex literal from a division

    def wipe(start: int, end: int) -> None:
        for k in range(start, end):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        c = source[i]
        if c == "`" or (c == "}" and templates and templates[-1] == depth):
            if c == "}":
                templates.pop()
            start = i + 1
            i += 1
            while i < n and source[i] != "`" and not source.startswith("${", i):
                i += 2 if source[i] == "\\" else 1
            wipe(start, i)
            if source.startswith("${", i):
                templates.append(depth)
                i += 2
            else:
                i += 1
            last = "`"
            continue
        if source.startswith("//", i):
            end = source.find("\n", i)
            end = n if end < 0 else end
            wipe(i, end)
            i = end
            continue
        if source.startswith("/*", i):
            end = source.find("*/", i) + 2
            wipe(i, end)
            i = end
            continue
        if c in "'\"":
            start, i = i + 1, i + 1
            while source[i] != c:
                i += 2 if source[i] == "\\" else 1
            wipe(start, i)
            i += 1
            last = c
            continue
        if c == "/" and last in "(,=:[!&|?{};+-*%<>~^" or (c == "/" and last == ""):
            start, i, in_class = i + 1, i + 1, False
            while in_class or source[i] != "/":
                if source[i] == "\\":
                    i += 1
                elif source[i] == "[":
                    in_class = True
                elif source[i] == "]":
                    in_class = False
                i += 1
            wipe(start, i)
            i += 1
            last = "/"
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        if not c.isspace():
            last = c
        i += 1
    return "".join(out)


def _pairs(code: str) -> dict[int, int]:
    """Each opening bracket's position -> its closing bracket's position."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for i, c in enumerate(code):
        if c in "([{":
            stack.append(i)
        elif c in ")]}":
            pairs[stack.pop()] = i
    assert not stack, "unbalanced brackets"
    return pairs


NAME = r"[A-Za-z_$][\w$]*"
CALLBACKS = {"map", "forEach", "filter", "some", "every", "find", "findIndex", "flatMap", "sort"}
KEEP = {"filter", "slice", "sort", "reverse", "concat"}  # a list stays the same list


@dataclass(frozen=True)
class Binding:
    name: str
    paths: tuple[Path_ | None, ...]  # None: a local that is not (part of) the report
    start: int
    end: int


@dataclass(frozen=True)
class Read:
    path: Path_
    where: str


class Script:
    """One script's report reads, found by following the report through its names."""

    def __init__(self, path: Path, shape: Any) -> None:
        self.path = path
        self.source = path.read_text(encoding="utf-8")
        self.code = _blank(self.source)
        self.pairs = _pairs(self.code)
        self.shape = shape
        self.bindings: set[Binding] = {Binding("report", ((),), 0, len(self.code))}
        self.reads: set[Read] = set()
        self.errors: set[str] = set()
        self.functions = self._functions()
        for _ in range(10):  # until no new name is bound
            before = len(self.bindings)
            self._scan()
            if len(self.bindings) == before:
                break

    def where(self, pos: int) -> str:
        return f"{self.path.name}:{self.code.count(chr(10), 0, pos) + 1}"

    # --- names ------------------------------------------------------------------------------
    def _lookup(self, name: str, pos: int) -> tuple[Path_ | None, ...] | None:
        seen = [b for b in self.bindings if b.name == name and b.start <= pos < b.end]
        if not seen:
            return None
        inner = min(b.end - b.start for b in seen)
        return tuple(p for b in seen if b.end - b.start == inner for p in b.paths)

    def _bind(self, name: str, paths: tuple[Path_ | None, ...], start: int, end: int) -> None:
        self.bindings.add(Binding(name, paths, start, end))

    def _enclosing(self, pos: int) -> int:
        """The end of the innermost bracket pair around `pos`."""
        ends = [close for open_, close in self.pairs.items() if open_ < pos < close]
        return min(ends) if ends else len(self.code)

    def _expression_end(self, pos: int) -> int:
        """Where an arrow function's expression body that starts at `pos` ends."""
        i = pos
        while i < len(self.code):
            c = self.code[i]
            if c in "([{":
                i = self.pairs[i] + 1
                continue
            if c in ")]};,":
                return i
            i += 1
        return i

    def _functions(self) -> dict[str, tuple[list[str], int, int]]:
        """Named functions (declared, or arrows held in a const): params and body span."""
        found: dict[str, tuple[list[str], int, int]] = {}
        for m in re.finditer(rf"\bfunction\s+({NAME})\s*\(", self.code):
            close = self.pairs[m.end() - 1]
            body = self.code.index("{", close)
            found[m.group(1)] = (self._params(m.end(), close), m.end(), self.pairs[body])
        arrow = rf"\b(?:const|let)\s+({NAME})\s*=\s*(?:\(([^()]*)\)|({NAME}))\s*=>\s*"
        for m in re.finditer(arrow, self.code):
            params = [p.strip() for p in (m.group(2) or m.group(3) or "").split(",")]
            body = m.end()
            end = self.pairs[body] if self.code[body] == "{" else self._expression_end(body)
            found[m.group(1)] = (params, m.start(), end)
        return found

    def _params(self, start: int, close: int) -> list[str]:
        return [p.split("=")[0].strip() for p in self.code[start:close].split(",")]

    # --- reads ------------------------------------------------------------------------------
    def _scan(self) -> None:
        for m in re.finditer(rf"(?<![\w$]){NAME}", self.code):
            if _is_property(self.code, m.start()):
                continue
            paths = self._lookup(m.group(), m.start())
            if paths:
                for path in paths:
                    if path is not None:
                        self._chain(path, m.end())
        self._declarations()
        self._loops()
        self._calls()

    def _chain(self, path: Path_, pos: int) -> tuple[Path_ | None, int]:
        """Follow `.key`, `?.key`, `[index]` and list methods that keep the list from `pos`."""
        code = self.code
        while True:
            shape = _at(self.shape, path) if path is not None else None
            m = re.match(rf"\s*\??\.\s*({NAME})", code[pos:])
            if m:
                key = m.group(1)
                after = pos + m.end()
                if isinstance(shape, list):
                    if key in CALLBACKS and code[after : after + 1] == "(":
                        self._callback(path, after)
                    if key in KEEP and code[after : after + 1] == "(":
                        pos = self.pairs[after] + 1
                        continue
                    return None, pos  # .length, .join(…), .map(…): no longer the report
                if isinstance(shape, dict):
                    if key not in shape:
                        self.errors.add(
                            f"{self.where(pos)} reads {_show((*path, key))}, which to_dict() has not"
                        )
                        return None, pos
                    path = (*path, key)
                    self.reads.add(Read(path, self.where(pos)))
                    pos = after
                    continue
                return None, pos  # a method of a string or number (toFixed, toUpperCase…)
            if code[pos : pos + 1] == "[" and isinstance(shape, list):
                path = (*path, LIST)
                pos = self.pairs[pos] + 1
                continue
            if code[pos : pos + 1] == "[" and shape == "leaf":
                return None, pos  # a character of a string
            return path, pos

    def _callback(self, path: Path_, open_: int) -> None:
        """`list.map((item, index) => …)`, `list.map(({a, b}) => …)` or `list.map(render)`."""
        close = self.pairs[open_]
        inside = self.code[open_ + 1 : close]
        item = (*path, LIST)
        m = re.match(rf"\s*(?:\(\s*({NAME})\s*(?:,\s*({NAME})\s*)?[,)]|({NAME})\s*=>)", inside)
        if m:
            self._bind(m.group(1) or m.group(3), (item,), open_, close)
            if m.group(2) and self.code[open_ - 4 : open_] == "sort":
                self._bind(m.group(2), (item,), open_, close)  # a comparator gets two items
            return
        m = re.match(r"\s*\(\s*\{([^}]*)\}", inside)
        if m:
            self._destructure(m.group(1), item, open_, open_, close)
            return
        m = re.fullmatch(rf"\s*({NAME})\s*", inside)
        if m and m.group(1) in self.functions:
            params, start, end = self.functions[m.group(1)]
            self._bind(params[0], (item,), start, end)

    def _destructure(self, names: str, path: Path_, pos: int, start: int, end: int) -> None:
        for part in names.split(","):
            if not part.strip():
                continue
            key, _, alias = part.partition(":")
            key, alias = key.split("=")[0].strip(), (alias or key).split("=")[0].strip()
            shape = _at(self.shape, path)
            if not isinstance(shape, dict) or key not in shape:
                self.errors.add(
                    f"{self.where(pos)} reads {_show((*path, key))}, which to_dict() has not"
                )
                continue
            self.reads.add(Read((*path, key), self.where(pos)))
            self._bind(alias, ((*path, key),), start, end)

    def _value(self, pos: int) -> tuple[Path_ | None, int]:
        """The report path of the expression at `pos` (`x.y`, `[...x].sort(…)`), or None."""
        m = re.match(rf"\s*(\[\s*\.\.\.)?\s*({NAME})", self.code[pos:])
        if not m:
            return None, pos
        paths = self._lookup(m.group(2), pos + m.start(2))
        if not paths or len(paths) != 1 or paths[0] is None:
            return None, pos
        path, end = self._chain(paths[0], pos + m.end())
        if m.group(1) and path is not None:
            close = re.match(r"\s*\]", self.code[end:])
            if not close:
                return None, pos
            path, end = self._chain(path, end + close.end())
        return path, end

    def _declarations(self) -> None:
        for m in re.finditer(rf"\b(?:const|let|var)\s+({NAME})\s*=", self.code):
            if m.group(1) in self.functions:
                continue
            path, end = self._value(m.end())
            whole = re.match(r"\s*[;,\n)]", self.code[end:]) is not None
            self._bind(
                m.group(1),
                (path if whole else None,),
                m.start(),
                self._enclosing(m.start()),
            )
        for m in re.finditer(r"\b(?:const|let|var)\s*\{([^}]*)\}\s*=", self.code):
            path, _ = self._value(m.end())
            if path is not None:
                self._destructure(
                    m.group(1), path, m.start(), m.start(), self._enclosing(m.start())
                )

    def _loops(self) -> None:
        for m in re.finditer(rf"\bfor\s*\(\s*(?:const|let|var)\s+({NAME})\s+of\b", self.code):
            path, _ = self._value(m.end())
            head = self.code.rindex("(", 0, m.start(1))
            after = self.pairs[head] + 1
            body = re.match(r"\s*\{", self.code[after:])
            end = self.pairs[after + body.end() - 1] if body else self._expression_end(after)
            item = None if path is None else (*path, LIST)
            self._bind(m.group(1), (item,), m.start(), end)

    def _calls(self) -> None:
        """Bind a named function's parameters to the report parts its callers pass."""
        for name, (params, start, end) in self.functions.items():
            for m in re.finditer(rf"(?<![\w$]){re.escape(name)}\s*\(", self.code):
                if _is_property(self.code, m.start()):
                    continue
                if (
                    start <= m.start() < start + len(name) + 20
                    and "function" in self.code[max(0, m.start() - 10) : m.start()]
                ):
                    continue  # the declaration itself
                open_ = m.end() - 1
                close = self.pairs[open_]
                pos = open_ + 1
                for index in range(len(params)):
                    path, end_of = self._value(pos)
                    nxt = re.match(r"\s*([,)])", self.code[end_of:])
                    if path is not None and nxt and params[index]:
                        self._bind(params[index], (path,), start, end)
                    comma = self._next_argument(pos, close)
                    if comma is None:
                        break
                    pos = comma + 1

    def _next_argument(self, pos: int, close: int) -> int | None:
        i = pos
        while i < close:
            c = self.code[i]
            if c in "([{":
                i = self.pairs[i] + 1
                continue
            if c == ",":
                return i
            i += 1
        return None


def _is_property(code: str, pos: int) -> bool:
    """`x.name`, not `...name` (a spread)."""
    before = code[:pos].rstrip()
    return before.endswith(".") and not before.endswith("...")


def _show(path: Path_) -> str:
    return ".".join(path).replace(".[]", "[]")


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    return _rich_report()


@pytest.fixture(scope="module")
def scripts(report: dict[str, Any]) -> list[Script]:
    """Every page script that reads a report (the team page, and whatever it draws with)."""
    shape = _shape(report)
    found = [
        Script(path, shape)
        for path in sorted([*ASSETS.rglob("*.js"), *ASSETS.rglob("*.mjs")])
        if re.search(r"\breport\s*\.", _blank(path.read_text(encoding="utf-8")))
    ]
    assert any(script.path.name == "team.js" for script in found)
    return found


def test_every_key_the_page_reads_is_in_the_report(scripts: list[Script]) -> None:
    errors = sorted(error for script in scripts for error in script.errors)
    assert errors == [], "the page reads keys the report does not have:\n" + "\n".join(errors)


def test_the_reader_follows_the_report_into_every_part_the_page_draws(
    scripts: list[Script],
) -> None:
    # Spot checks that the source reader still sees through the page's idioms: an alias, a
    # callback, a loop, a helper's parameter, destructuring and the chart.
    read = {_show(r.path) for script in scripts for r in script.reads}
    assert (
        {
            "headline.groups[].stages[].count",  # const rows = report.headline.groups; rows.map(row => …)
            "disagreements.between[].gap.points",  # between.map((s) => … s.gap.points)
            "disagreements.between[].gap.high.title",  # gapText(s.gap)
            "respondents[].dimensions",  # for (const person of byGroup) … person.dimensions[index]
            "scale.min",  # const { min, max } = report.scale
            "total.spread",  # const total = report.total
            "findings[].kind",
            "skipped[].where",
            "dimensions[].groups[].mean",  # the chart's group means
        }
        <= read
    )


def test_every_key_of_the_report_is_read_by_the_page_or_named_as_not(
    report: dict[str, Any], scripts: list[Script]
) -> None:
    read = {r.path for script in scripts for r in script.reads}
    every = {path for path in _paths(_shape(report)) if path[-1] != LIST}
    unread = {_show(path) for path in every if not any(r[: len(path)] == path for r in read)}
    # an unread key inside an unread one is named by the outer one
    outermost = {p for p in unread if not any(p.startswith((q + ".", q + "[]")) for q in unread)}
    assert outermost == NOT_READ_BY_THE_PAGE


def test_the_reader_catches_a_key_the_report_does_not_have(
    report: dict[str, Any], tmp_path: Path
) -> None:
    script = tmp_path / "drift.js"
    script.write_text(
        """
        // report.nothing in a comment, and "report.nothing" in a string, are not reads
        function gapText(gap) { return gap.pionts; }
        function draw(report) {
          const rows = report.headline.groups;
          rows.map((row) => row.stage.titel);
          for (const s of report.disagreements.between) gapText(s.gap);
          const { mean, median } = report.total;
          return `${report.scale.max} ${report.scael}`;
        }
        """,
        encoding="utf-8",
    )
    errors = sorted(e.split(" reads ")[1] for e in Script(script, _shape(report)).errors)
    assert errors == [
        "disagreements.between[].gap.pionts, which to_dict() has not",
        "headline.groups[].stage.titel, which to_dict() has not",
        "scael, which to_dict() has not",
        "total.median, which to_dict() has not",
    ]
