"""Content-hashed names: a file's URL, and the snapshot key, change exactly when an input does."""

from __future__ import annotations

from pathlib import Path

import pytest

from stageguide.sitestep.buildnames import content_hash, engine_build, hashed_folder, hashed_name


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_a_name_follows_the_content(tmp_path: Path) -> None:
    script = _write(tmp_path / "quiz.js", b"one")
    first = hashed_name(script)
    assert (
        first.startswith("quiz.") and first.endswith(".js") and len(first) == len("quiz..js") + 10
    )
    assert hashed_name(script) == first, "the same bytes give the same name"
    script.write_bytes(b"two")
    assert hashed_name(script) != first
    wheel = _write(tmp_path / "stageguide-0.1.0-cp314-none-any.whl", b"zip")
    folder, name = hashed_folder(wheel).split("/")
    assert name == wheel.name and folder == content_hash([wheel])


@pytest.mark.parametrize("changed", ["wheel", "quiz", "runtime", "worker"])
def test_the_snapshot_key_changes_with_each_input(tmp_path: Path, changed: str) -> None:
    files = {name: _write(tmp_path / name, name.encode()) for name in ("wheel", "quiz", "worker")}
    before = engine_build(files["wheel"], files["quiz"], "runtime-1", files["worker"])
    runtime = "runtime-1"
    if changed == "runtime":
        runtime = "runtime-2"
    else:
        files[changed].write_bytes(b"changed")
    assert engine_build(files["wheel"], files["quiz"], runtime, files["worker"]) != before
