"""Real `mkdocs build` runs of the site, or of variants of it, for plugin and browser tests.

The builds themselves are stageguide.buildtools.sitebuild's, shared with `python build.py
bench`; here are this repository's defaults, where a build put a file, and a server for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from paths import MKDOCS_YML, NODE_MODULES

from stageguide.buildtools import sitebuild
from stageguide.buildtools.sitebuild import run_mkdocs_build
from stageguide.buildtools.staticserver import SiteServer

__all__ = ["build_site", "built_file", "run_mkdocs_build", "serve_site", "variant_config"]


def variant_config(folder: Path, plugin: dict[str, Any], quiz_text: str | None = None) -> Path:
    """A mkdocs.yml that inherits the real site but changes the plugin's options (and maybe the quiz)."""
    return sitebuild.variant_config(
        folder, MKDOCS_YML, node_modules=NODE_MODULES, plugin=plugin, quiz_text=quiz_text
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


def build_site(
    config: Path, dest: Path, site_url: str | None = None, env: dict[str, str] | None = None
) -> Path:
    """A real, strict `mkdocs build` of the given config into dest; a failed build fails the test."""
    result = run_mkdocs_build(config, dest, site_url, env=env)
    if result.returncode != 0:
        pytest.fail(f"mkdocs build failed for {config}:\n{result.stdout}\n{result.stderr}")
    return dest


def serve_site(config: Path, dest: Path, prefix: str = "/") -> SiteServer:
    """Start a server first (to learn its address), then build the site for that address into dest."""
    dest.mkdir(parents=True, exist_ok=True)
    running = SiteServer(dest, prefix=prefix).start()
    try:
        build_site(config, dest, site_url=running.url)
    except BaseException:
        running.stop()
        raise
    return running
