"""The build-time start-up snapshot: made inside the pinned Pyodide, restorable, tied to its inputs.

Whether a browser restores it is checked in WebKit by tests/browser/test_engines.py
(and measured by `python build.py bench --engines`); here the build side.
"""

from __future__ import annotations

import gzip
import subprocess
from pathlib import Path

import pytest
from paths import REPO

from stageguide.buildtools.runtime import copy_runtime, node_executable
from stageguide.buildtools.snapshot import PREFIX, SUFFIX, build_snapshot, snapshot_key
from stageguide.buildtools.wheel import WheelBuild

pytestmark = pytest.mark.pyodide

RESTORE = r"""
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { pathToFileURL } from "node:url";
const [dir, snap, wheel] = process.argv.slice(1);
const { loadPyodide } = await import(pathToFileURL(path.join(dir, "pyodide.mjs")).href);
const snapshot = zlib.gunzipSync(fs.readFileSync(snap));
const py = await loadPyodide({ indexURL: dir + path.sep, packages: [], _loadSnapshot: snapshot });
// The core was imported before the snapshot: it is in sys.modules without unpacking the wheel again.
console.log(py.runPython("import sys; 'stageguide.core.api' in sys.modules"));
"""


@pytest.fixture(scope="module")
def runtime(compiled_wheel: WheelBuild, tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("runtime") / "pyodide"
    copy_runtime(REPO, dest, progress=lambda line: None, stdlib_files=compiled_wheel.stdlib_files())
    return dest


def _quiz_json(build: WheelBuild) -> Path:
    return next(p for p in build.quizzes if p.name == "sales-marketing.json")


def test_the_snapshot_restores_with_the_core_imported_and_is_reused(
    runtime: Path, compiled_wheel: WheelBuild, tmp_path: Path
) -> None:
    lines: list[str] = []
    made = build_snapshot(
        runtime, compiled_wheel.wheel, _quiz_json(compiled_wheel), tmp_path, progress=lines.append
    )
    assert (
        made.name
        == f"{PREFIX}{snapshot_key(runtime, compiled_wheel.wheel, _quiz_json(compiled_wheel))}{SUFFIX}"
    )
    assert "checked by restoring it" in lines[-1]
    memory = gzip.decompress(made.read_bytes())
    assert len(memory) > 1_000_000 and len(made.read_bytes()) < len(memory) / 2
    done = subprocess.run(
        [
            node_executable(),
            "--input-type=module",
            "-e",
            RESTORE,
            str(runtime),
            str(made),
            str(compiled_wheel.wheel),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "true"  # a Python bool, printed by JavaScript

    again: list[str] = []
    assert (
        build_snapshot(
            runtime,
            compiled_wheel.wheel,
            _quiz_json(compiled_wheel),
            tmp_path,
            progress=again.append,
        )
        == made
    )
    assert again == [f"start-up snapshot: up to date ({made.name})"]


def test_the_name_changes_with_every_input(
    runtime: Path, compiled_wheel: WheelBuild, tmp_path: Path
) -> None:
    quiz = _quiz_json(compiled_wheel)
    before = snapshot_key(runtime, compiled_wheel.wheel, quiz)
    other_quiz = tmp_path / quiz.name
    other_quiz.write_bytes(quiz.read_bytes() + b" ")
    assert snapshot_key(runtime, compiled_wheel.wheel, other_quiz) != before
    other_runtime = tmp_path / "runtime"
    other_runtime.mkdir()
    for path in runtime.iterdir():
        (other_runtime / path.name).write_bytes(path.read_bytes())
    assert snapshot_key(other_runtime, compiled_wheel.wheel, quiz) == before, (
        "the folder's location does not matter"
    )
    (other_runtime / "python_stdlib.zip").write_bytes(b"another stdlib")
    assert snapshot_key(other_runtime, compiled_wheel.wheel, quiz) != before


def test_a_broken_runtime_stops_the_build_with_a_clear_message(
    runtime: Path, compiled_wheel: WheelBuild, tmp_path: Path
) -> None:
    from stageguide.buildtools.errors import BuildError

    broken = tmp_path / "broken"
    broken.mkdir()
    for path in runtime.iterdir():
        (broken / path.name).write_bytes(
            b"" if path.name == "pyodide.asm.wasm" else path.read_bytes()
        )
    with pytest.raises(BuildError, match="making the start-up snapshot failed"):
        build_snapshot(
            broken,
            compiled_wheel.wheel,
            _quiz_json(compiled_wheel),
            tmp_path / "out",
            progress=lambda line: None,
        )
    assert not list((tmp_path / "out").glob(f"*{SUFFIX}")), "nothing half-made is left to ship"
