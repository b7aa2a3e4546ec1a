"""The core wheel build: what it ships, when it rebuilds, and how it fails.

Failure cases build from a copy of the sources in tmp_path (the runtime linked in
file by file), so they can break the copy without touching the real tree.
"""

from __future__ import annotations

import ast
import gzip
import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from helpers import load
from paths import CORE, PYODIDE, REPO, SALES_QUIZ, TEAM_QUIZ

from stageguide.buildtools.errors import BuildError
from stageguide.buildtools.runtime import (
    PRECOMPRESSED_WASM,
    RUNTIME_FILES,
    WASM,
    copy_runtime,
    manifest_hash,
    node_executable,
    sha256_file,
)
from stageguide.buildtools.wheel import WheelBuild, build_wheel


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A minimal repository: the shipped sources, the quiz files, package.json and a linked runtime."""
    copy = tmp_path / "repo"
    package = copy / "src" / "stageguide"
    (package / "core").mkdir(parents=True)
    for name in ("__init__.py", "py.typed"):
        shutil.copyfile(REPO / "src" / "stageguide" / name, package / name)
    for source in CORE.glob("*.py"):
        shutil.copyfile(source, package / "core" / source.name)
    (copy / "quiz").mkdir()
    shutil.copyfile(TEAM_QUIZ, copy / "quiz" / TEAM_QUIZ.name)
    shutil.copyfile(REPO / "package.json", copy / "package.json")
    (copy / "build.py").write_text("# marks the repository root for the build tools\n")
    runtime = copy / "node_modules" / "pyodide"
    runtime.mkdir(parents=True)
    for source in (PYODIDE).iterdir():
        (runtime / source.name).symlink_to(source)
    return copy


def _build(repo: Path, lines: list[str] | None = None) -> WheelBuild:
    quizzes = sorted((repo / "quiz").glob("*.yml"))
    return build_wheel(
        repo,
        quizzes,
        progress=(lines if lines is not None else []).append,
        package=repo / "src" / "stageguide",
    )


def _append(path: Path, text: str) -> int:
    """Append text to a source file and return the line number its first line lands on."""
    original = path.read_text(encoding="utf-8")
    path.write_text(original + text, encoding="utf-8")
    return original.count("\n") + 1


@pytest.mark.pyodide
def test_syntax_error_names_the_file_and_line(repo: Path) -> None:
    target = repo / "src" / "stageguide" / "core" / "scoring.py"
    line = _append(target, "def broken(:\n    pass\n")
    with pytest.raises(BuildError) as caught:
        _build(repo)
    message = str(caught.value)
    assert f"{target}:{line}: SyntaxError" in message
    assert "def broken(:" in message
    assert not (repo / "build" / "wheel" / "stamp.json").exists()


@pytest.mark.pyodide
def test_module_that_cannot_import_in_pyodide_stops_the_build(repo: Path) -> None:
    target = repo / "src" / "stageguide" / "core" / "sharecode.py"
    line = _append(target, "import yaml  # not standard library\n")
    with pytest.raises(BuildError) as caught:
        _build(repo)
    message = str(caught.value)
    assert f"{target}:{line}: ModuleNotFoundError" in message and "yaml" in message


@pytest.mark.parametrize("missing", ["python_stdlib.zip", "pyodide.asm.wasm"])
def test_missing_runtime_file_names_it_and_the_fix(
    repo: Path, tmp_path: Path, missing: str
) -> None:
    (repo / "node_modules" / "pyodide" / missing).unlink()
    for attempt in (
        lambda: copy_runtime(repo, tmp_path / "site", progress=print),
        lambda: _build(repo),
    ):
        with pytest.raises(BuildError, match="npm ci") as caught:
            attempt()
        assert missing in str(caught.value)


def test_missing_runtime_folder_names_the_fix(repo: Path) -> None:
    shutil.rmtree(repo / "node_modules")
    with pytest.raises(BuildError, match=r"node_modules/pyodide is missing; run `npm ci`"):
        _build(repo)


def test_runtime_other_than_the_pin_is_refused(repo: Path) -> None:
    package = repo / "package.json"
    data = json.loads(package.read_text())
    data["dependencies"]["pyodide"] = "0.0.1"
    package.write_text(json.dumps(data))
    with pytest.raises(BuildError, match=r"package.json pins 0.0.1; run `npm ci`"):
        _build(repo)


def test_missing_node_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    with pytest.raises(BuildError, match="Node.js 18 or newer"):
        node_executable()


def test_copy_runtime_writes_files_and_manifest(tmp_path: Path) -> None:
    dest = tmp_path / "site" / "pyodide"
    manifest = json.loads(copy_runtime(REPO, dest, progress=lambda line: None).read_text())
    assert (
        manifest["pyodide"]
        == json.loads((REPO / "package.json").read_text())["dependencies"]["pyodide"]
    )
    assert [entry["name"] for entry in manifest["files"]] == [
        *RUNTIME_FILES[:3],
        PRECOMPRESSED_WASM,
        *RUNTIME_FILES[3:],
    ]
    for entry in manifest["files"]:
        assert entry["size"] == (dest / entry["name"]).stat().st_size
        assert entry["sha256"] == sha256_file(dest / entry["name"])
    assert manifest["hash"] == manifest_hash(manifest["files"])
    assert sorted(p.name for p in dest.iterdir()) == sorted(
        [*RUNTIME_FILES, PRECOMPRESSED_WASM, "runtime-manifest.json"]
    )
    # The precompressed wasm unpacks to the very bytes Pyodide ships, at about a third of the size.
    packed = (dest / PRECOMPRESSED_WASM).read_bytes()
    assert gzip.decompress(packed) == (dest / WASM).read_bytes()
    assert len(packed) < (dest / WASM).stat().st_size * 0.4


def test_a_rebuild_reuses_the_precompressed_wasm_only_while_it_is_intact(tmp_path: Path) -> None:
    dest = tmp_path / "pyodide"
    copy_runtime(REPO, dest, progress=lambda line: None)
    packed = dest / PRECOMPRESSED_WASM
    stamp = packed.stat().st_mtime_ns
    copy_runtime(REPO, dest, progress=lambda line: None)
    assert packed.stat().st_mtime_ns == stamp, "an intact .gz of the same wasm is reused"
    packed.write_bytes(b"damaged")
    copy_runtime(REPO, dest, progress=lambda line: None)
    assert gzip.decompress(packed.read_bytes()) == (dest / WASM).read_bytes()


def test_a_gz_made_another_way_is_made_again_smaller_than_gzip_9(tmp_path: Path) -> None:
    dest = tmp_path / "pyodide"
    copy_runtime(REPO, dest, progress=lambda line: None)
    wasm = (dest / WASM).read_bytes()
    ours = (dest / PRECOMPRESSED_WASM).read_bytes()
    # What an earlier build wrote: gzip -9, its manifest entry without `made_with`.
    older = gzip.compress(wasm, compresslevel=9, mtime=0)
    assert len(ours) < len(older) - 100_000, (len(ours), len(older))
    (dest / PRECOMPRESSED_WASM).write_bytes(older)
    manifest_path = dest / "runtime-manifest.json"
    manifest = json.loads(manifest_path.read_text())
    for entry in manifest["files"]:
        if entry["name"] == PRECOMPRESSED_WASM:
            entry.update(sha256=hashlib.sha256(older).hexdigest(), size=len(older))
            del entry["made_with"]
    manifest_path.write_text(json.dumps(manifest))
    copy_runtime(REPO, dest, progress=lambda line: None)
    assert (dest / PRECOMPRESSED_WASM).read_bytes() == ours


@pytest.mark.pyodide
def test_unchanged_inputs_skip_and_changed_inputs_rebuild(repo: Path) -> None:
    lines: list[str] = []
    first = _build(repo, lines)
    assert first.rebuilt and first.wheel.is_file()
    assert [p.name for p in first.quizzes] == ["team-sport.json"]

    lines.clear()
    again = _build(repo, lines)
    assert not again.rebuilt and again == WheelBuild(
        first.wheel,
        first.quizzes,
        first.sizes,
        rebuilt=False,
        stdlib_trace=first.stdlib_trace,
        spreadsheet=first.spreadsheet,
    )
    assert first.spreadsheet is not None and first.spreadsheet.name.startswith("spreadsheet-")
    assert len(lines) == 1 and "up to date" in lines[0]

    quiz = repo / "quiz" / TEAM_QUIZ.name
    quiz.write_text(
        quiz.read_text().replace(
            "How organised is your amateur sports club?", "Is the club organised?"
        )
    )
    lines.clear()
    assert _build(repo, lines).rebuilt
    assert lines[0] == f"wheel: rebuilding; changed: quiz:{quiz.resolve()}"
    assert json.loads(first.quizzes[0].read_text())["title"] == "Is the club organised?"

    _append(repo / "src" / "stageguide" / "core" / "spec.py", "# an edit\n")
    assert _build(repo).rebuilt
    assert not _build(repo).rebuilt

    first.wheel.unlink()
    assert _build(repo).rebuilt and first.wheel.is_file()

    # A wheel cut short (a build killed while something copied it) is not trusted.
    whole = first.wheel.read_bytes()
    first.wheel.write_bytes(whole[: len(whole) // 2])
    lines.clear()
    assert _build(repo, lines).rebuilt
    assert first.wheel.read_bytes() == whole
    out = repo / "build" / "wheel"
    assert first.spreadsheet is not None
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [
            first.wheel.name,
            first.spreadsheet.name,
            "team-sport.json",
            "stdlib-files.json",
            "stamp.json",
        ]
    )


@pytest.mark.pyodide
def test_wheel_ships_only_the_compiled_core(compiled_wheel: WheelBuild) -> None:
    with zipfile.ZipFile(compiled_wheel.wheel) as archive:
        names = archive.namelist()
    package = sorted(n for n in names if not n.split("/")[0].endswith(".dist-info"))
    expected = ["stageguide/__init__.pyc", "stageguide/py.typed"] + [
        f"stageguide/core/{p.stem}.pyc" for p in CORE.glob("*.py")
    ]
    assert package == sorted(expected)
    assert not [n for n in names if n.endswith(".py")]
    dist_info = {n.split("/", 1)[1] for n in names if n not in package}
    assert {"METADATA", "WHEEL", "RECORD"} <= dist_info


@pytest.mark.pyodide
def test_quiz_json_is_the_normalised_quiz(compiled_wheel: WheelBuild) -> None:
    sources = [SALES_QUIZ, TEAM_QUIZ]
    assert len(compiled_wheel.quizzes) == len(sources)
    for source, written in zip(sources, compiled_wheel.quizzes, strict=True):
        quiz = load(source)
        assert written.name == f"{quiz.id}.json"
        assert json.loads(written.read_text(encoding="utf-8")) == quiz.to_dict()
        assert compiled_wheel.sizes[written.name] == written.stat().st_size


def _imports(path: Path) -> list[tuple[str, int, int]]:
    """(module, relative level, line) for every import statement in a file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, 0, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.module or "", node.level, node.lineno))
    return found


@pytest.mark.parametrize("path", sorted(CORE.glob("*.py")), ids=lambda p: p.name)
def test_core_imports_only_the_standard_library(path: Path) -> None:
    for module, level, line in _imports(path):
        top = module.split(".")[0]
        allowed = (
            level > 0
            or top == "__future__"
            or top in sys.stdlib_module_names
            or module.startswith("stageguide.core")
        )
        assert allowed, (
            f"{path.name}:{line} imports {module!r}; the core may use only the standard library and itself"
        )


def test_wheel_command_reports_errors_without_traceback(repo: Path) -> None:
    shutil.rmtree(repo / "node_modules")
    done = subprocess.run(
        [sys.executable, "-m", "stageguide.buildtools", "wheel"],
        cwd=repo / "quiz",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "build.py: error:" in done.stderr and "npm ci" in done.stderr
    assert "Traceback" not in done.stderr
