"""The front end and the Node helpers through Biome (from npm, pinned): lint and format check.

Biome is one native binary that npm installs from the package's optional dependencies, so it
runs offline. It is also fed broken copies in a scratch folder with the repository's own
settings, so a linter that stopped looking, or a configuration that stopped covering the
scripts, would fail here.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BIOME = REPO / "node_modules" / "@biomejs" / "biome" / "bin" / "biome"
CONFIG = REPO / "biome.jsonc"
TIMEOUT = 120


def biome(folder: Path) -> subprocess.CompletedProcess[str]:
    """`biome ci` as a developer runs it (no writes, warnings fail), in `folder`."""
    if not BIOME.is_file():
        pytest.fail(f"{BIOME} is missing; run `npm ci` (or `python build.py setup`)", pytrace=False)
    node = shutil.which("node") or "node"
    return subprocess.run(
        [node, str(BIOME), "ci", "--error-on-warnings", "--colors=off", "--no-errors-on-unmatched"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def _scratch(tmp_path: Path, name: str, source: str) -> Path:
    """A folder with the repository's settings and one script where the front end's live."""
    shutil.copyfile(CONFIG, tmp_path / CONFIG.name)
    script = tmp_path / "src" / "stageguide" / "assets" / name
    script.parent.mkdir(parents=True)
    script.write_text(source, encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    return script


def test_biome_finds_nothing_in_the_tree() -> None:
    done = biome(REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Checked " in done.stdout + done.stderr, "Biome read no file: check files.includes"


def test_biome_fails_on_a_misspelt_name(tmp_path: Path) -> None:
    _scratch(
        tmp_path,
        "broken.js",
        '(() => {\n  "use strict";\n  const total = 1;\n  window.alert(totl);\n})();\n',
    )
    done = biome(tmp_path)
    assert done.returncode != 0
    assert "noUndeclaredVariables" in done.stdout + done.stderr
    assert "broken.js" in done.stdout + done.stderr


def test_biome_fails_on_unformatted_code(tmp_path: Path) -> None:
    _scratch(tmp_path, "messy.js", "window.alert( 'one' )\n")
    done = biome(tmp_path)
    assert done.returncode != 0
    assert "format" in done.stdout + done.stderr
    assert "messy.js" in done.stdout + done.stderr
