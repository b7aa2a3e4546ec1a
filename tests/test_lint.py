"""The linters and the type checker, run on the real tree, so a new finding fails CI.

Each checker runs from .venv with the settings in pyproject.toml. Each also gets a
deliberately broken file first, proving it really runs and reports (a checker that
cannot fail would pass vacuously).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent  # .venv/bin: ruff and mypy come from the lock
# What mypy --strict checks: the whole package and build.py, with no exclusions.
TYPED = ["src/stageguide", "build.py"]

CHECKERS = {
    "ruff check": ["ruff", "check", "--no-cache", "."],
    "ruff format": ["ruff", "format", "--check", "--no-cache", "."],
    "mypy --strict": ["mypy", "--strict", *TYPED],
}

# A file each checker must refuse: an unused import and a long line (ruff check), code
# not in ruff's layout (ruff format), and a str returned as an int (mypy --strict).
BROKEN = {
    "ruff check": "import os\n\nx = '" + "a" * 130 + "'\n",
    "ruff format": "x = {  'a':1,\n 'b' :2}\n",
    "mypy --strict": "def half(n: int) -> int:\n    return str(n // 2)\n",
}


def _run(command: list[str], cwd: Path, *paths: str) -> subprocess.CompletedProcess[str]:
    tool, *args = command
    return subprocess.run(
        [str(BIN / tool), *args, *paths], cwd=cwd, capture_output=True, text=True, timeout=600
    )


@pytest.mark.parametrize("name", CHECKERS)
def test_the_tree_is_clean(name: str) -> None:
    done = _run(CHECKERS[name], ROOT)
    assert done.returncode == 0, f"{name} found problems:\n{done.stdout}{done.stderr}"


@pytest.mark.parametrize("name", CHECKERS)
def test_the_checker_fails_on_a_broken_file(name: str, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_bytes((ROOT / "pyproject.toml").read_bytes())
    (tmp_path / "broken.py").write_text(BROKEN[name], encoding="utf-8")
    command = [part for part in CHECKERS[name] if part not in (".", *TYPED)]
    done = _run(command, tmp_path, "broken.py")
    assert done.returncode != 0, f"{name} passed a broken file:\n{done.stdout}{done.stderr}"
    assert "broken.py" in done.stdout + done.stderr
