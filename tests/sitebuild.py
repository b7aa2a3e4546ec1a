"""Real `mkdocs build` runs of the site for plugin and browser tests, with the bench's own builder.

The builds themselves are stageguide.buildtools.sitebuild's, shared with `python build.py
bench`; here are the defaults for this repository and where a build put a file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sitecontent import MKDOCS_YML, REPO

from stageguide.buildtools import sitebuild
from stageguide.buildtools.sitebuild import run_mkdocs_build

__all__ = ["REPO", "built_file", "run_mkdocs_build", "variant_config"]


def variant_config(folder: Path, plugin: dict[str, Any], quiz_text: str | None = None) -> Path:
    """A mkdocs.yml that inherits the real site but changes the plugin's options (and maybe the quiz)."""
    return sitebuild.variant_config(
        folder, MKDOCS_YML, node_modules=REPO / "node_modules", plugin=plugin, quiz_text=quiz_text
    )


def built_file(site: Path, name: str) -> str:
    """The site-relative path a build gave `name` (`quiz.js`, `worker.mjs`, `pyodide.asm.wasm`, a wheel, the quiz JSON).

    Scripts and styles carry a content hash in their name, the engine and runtime files
    sit in content-hashed folders (see stageguide.plugin.buildnames).
    """
    stem, _, suffix = name.rpartition(".")
    base = site / "assets" / "stageguide"
    found = [
        *base.glob(f"{stem}.*.{suffix}"),
        *base.glob(f"engine/*/{name}"),
        *base.glob(f"pyodide/*/{name}"),
    ]
    if len(found) != 1:
        raise AssertionError(
            f"expected one built file for {name} under {base}, found {[str(p) for p in found]}"
        )
    return found[0].relative_to(site).as_posix()
