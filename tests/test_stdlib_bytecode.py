"""The trimmed stdlib ships its modules as bytecode made inside the pinned Pyodide, re-deflated."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from paths import REPO

from stageguide.buildtools.errors import BuildError
from stageguide.buildtools.runtime import STDLIB_ZIP, copy_runtime, node_executable, pyodide_dir
from stageguide.buildtools.stdlib import precompile_stdlib
from stageguide.buildtools.wheel import WheelBuild
from stageguide.buildtools.zipdeflate import redeflate

pytestmark = pytest.mark.pyodide


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_trimmed_runtime_ships_bytecode_for_every_module_with_code(
    compiled_wheel: WheelBuild, tmp_path: Path
) -> None:
    traced = compiled_wheel.stdlib_files()
    dest = tmp_path / "pyodide"
    lines: list[str] = []
    manifest = json.loads(copy_runtime(REPO, dest, lines.append, stdlib_files=traced).read_text())
    shipped = (dest / STDLIB_ZIP).read_bytes()
    with zipfile.ZipFile(io.BytesIO(shipped)) as archive:
        names = archive.namelist()
        compiled = [n for n in names if n.endswith(".pyc")]
        magic = {archive.read(n)[:4] for n in compiled}
        source = {n: archive.read(n) for n in names if n.endswith(".py")}
    modules = [n.removesuffix("c") for n in names]
    assert len(compiled) > 100, names
    # Only files with next to nothing to compile (package markers: empty, or a comment) stay source.
    sizable = {name: len(data) for name, data in source.items() if len(data) > 100}
    assert not sizable, sizable
    assert redeflate(shipped) == shipped, "members already at libdeflate's level 12"
    assert len(set(modules)) == len(modules), "no module ships as both source and bytecode"
    assert "json/__init__.py" in modules and "csv.py" in modules
    assert len(magic) == 1, "all bytecode from one interpreter"
    entry = next(e for e in manifest["files"] if e["name"] == STDLIB_ZIP)
    assert entry["from_sha256"] and entry["size"] == (dest / STDLIB_ZIP).stat().st_size
    assert any("as bytecode" in line for line in lines), lines
    # A rebuild from the same trace reuses the zip instead of compiling again.
    stamp = (dest / STDLIB_ZIP).stat().st_mtime_ns
    lines.clear()
    copy_runtime(REPO, dest, lines.append, stdlib_files=traced)
    assert (dest / STDLIB_ZIP).stat().st_mtime_ns == stamp
    assert not any("as bytecode" in line for line in lines), lines


def test_a_module_that_does_not_compile_is_named_with_its_line() -> None:
    full = (REPO / "node_modules" / "pyodide" / STDLIB_ZIP).read_bytes()
    with zipfile.ZipFile(io.BytesIO(full)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    files["broken.py"] = b"x = 1\ndef f(:\n"
    with pytest.raises(BuildError) as caught:
        precompile_stdlib(node_executable(), pyodide_dir(REPO), _zip(files))
    assert "broken.py, line 2" in str(caught.value)


def test_a_zip_pyodide_cannot_start_from_is_refused() -> None:
    with pytest.raises(BuildError) as caught:
        precompile_stdlib(node_executable(), pyodide_dir(REPO), _zip({"textwrap.py": b"x = 1\n"}))
    assert "Pyodide does not start from the compiled zip" in str(caught.value)
