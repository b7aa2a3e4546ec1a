"""What the bench says about the tree it measured: figures from a dirty tree are not the commit's."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from stageguide.buildtools.bench.machine import commit, uncommitted

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def test_a_tracked_change_is_reported_and_an_untracked_file_is_not(tmp_path: Path) -> None:
    _git("init", "-q", cwd=tmp_path)
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    _git("add", "mkdocs.yml", cwd=tmp_path)
    _git("commit", "-q", "-m", "first", cwd=tmp_path)
    assert commit(tmp_path) and uncommitted(tmp_path) is False

    (tmp_path / "notes.txt").write_text("scratch\n", encoding="utf-8")
    assert uncommitted(tmp_path) is False, "an untracked file does not change what was built"

    (tmp_path / "mkdocs.yml").write_text("site_name: y\n", encoding="utf-8")
    assert uncommitted(tmp_path) is True


def test_outside_a_checkout_nothing_is_claimed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "plain"
    outside.mkdir()
    # tmp_path may sit inside some checkout; the ceiling keeps git from finding it.
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    assert commit(outside) is None and uncommitted(outside) is None
