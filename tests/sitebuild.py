"""Real `mkdocs build` runs of the site, or of variants of it, for plugin and browser tests.

The builds themselves are stageguide.buildtools.sitebuild's, shared with `python build.py
bench`; here are this repository's defaults, where a build put a file, and a server for it.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from paths import DOCS, MKDOCS_YML, NODE_MODULES, REPO

from stageguide.buildtools import sitebuild
from stageguide.buildtools.sitebuild import run_mkdocs_build
from stageguide.buildtools.staticserver import SiteServer
from stageguide.plugin.config import StageguideConfig

__all__ = [
    "build_site",
    "built_file",
    "run_mkdocs_build",
    "run_zensical_build",
    "serve_site",
    "variant_config",
    "zensical_missing",
]

# The plugin cache of the site's own mkdocs.yml (its default cache_dir, beside mkdocs.yml).
SITE_CACHE = REPO / StageguideConfig.cache_dir.default
# Plugin options that change no file in the cache (engine, runtime copy, snapshot): a variant
# setting only these may share a cache with the site (`stdlib` or `node_modules` would rewrite it).
KEEP_CACHED_FILES = {"engine_timeout", "offline", "csp", "runtime", "cdn_url", "startup_snapshot"}


@functools.cache
def scratch_cache() -> Path:
    """One plugin cache for the session's variants that cannot share the site's (see variant_config).

    Kept out of the checkout, so engine folders named after tmp-path quizzes never pile up there.
    """
    folder = Path(tempfile.mkdtemp(prefix="stageguide-plugin-cache-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def variant_config(folder: Path, plugin: dict[str, Any], quiz_text: str | None = None) -> Path:
    """A mkdocs.yml that inherits the real site but changes the plugin's options (and maybe the quiz).

    Speed: a cold plugin cache costs a build about 50 s (compile and trace the core in
    Pyodide, gzip the runtime, take the start-up snapshot) against 4 s warm. A variant of
    the site's own quiz whose options leave the cached files alone shares the site's cache;
    any other variant shares one session-wide scratch cache (its engine is still built for
    its own quiz or core, but the runtime copy and its gzip are reused). The cache's stamps
    check every input either way, so nothing stale is ever served.
    """
    options = dict(plugin)
    if "cache_dir" not in options:
        shares_site_cache = quiz_text is None and set(plugin) <= KEEP_CACHED_FILES
        options["cache_dir"] = str(SITE_CACHE if shares_site_cache else scratch_cache())
    return sitebuild.variant_config(
        folder, MKDOCS_YML, node_modules=NODE_MODULES, plugin=options, quiz_text=quiz_text
    )


def built_file(site: Path, name: str) -> str:
    """The site-relative path a build gave `name` (`quiz.js`, `worker.mjs`, `pyodide.asm.wasm`, a wheel, the quiz JSON).

    Scripts and styles carry a content hash in their name, the engine and runtime files
    sit in content-hashed folders (see stageguide.sitestep.buildnames).
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


def zensical_missing() -> str | None:
    """Why `zensical build` cannot run here, or None when it can."""
    import importlib.util

    if importlib.util.find_spec("zensical") is None:
        return "Zensical is not installed (`pip install zensical`; README, Building with Zensical)"
    if importlib.util.find_spec("zensical_ui") is None:
        return "Zensical's theme package zensical-ui is not installed"
    return None


def run_zensical_build(
    folder: Path, site_url: str | None = None, quiz_text: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`zensical build` of the real site into folder/site, then `python -m stageguide.sitestep`.

    Zensical wants docs_dir and site_dir inside the config's folder, so the config that
    inherits the real one sits in `folder` with a copy of the real docs/. Returns the
    step's run (the build's own failure is raised at once).
    """
    config = variant_config(folder, {}, quiz_text)
    data = json.loads(config.read_text(encoding="utf-8"))
    shutil.copytree(DOCS, folder / "docs")  # a link is refused: Zensical resolves it
    config.write_text(
        json.dumps({**data, "docs_dir": "docs", "site_dir": "site"}), encoding="utf-8"
    )
    env = dict(os.environ, **({"SITE_URL": site_url} if site_url else {}))
    built = subprocess.run(
        [sys.executable, "-m", "zensical", "build", "-f", str(config)],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if built.returncode != 0:
        raise AssertionError(f"zensical build failed:\n{built.stdout}\n{built.stderr}")
    return subprocess.run(
        [sys.executable, "-m", "stageguide.sitestep", "-f", str(config)],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
