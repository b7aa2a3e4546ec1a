"""Real `mkdocs build` runs of the site, or of variants of it, for plugin and browser tests.

The builds themselves are stageguide.buildtools.sitebuild's, shared with `python build.py
bench`; here are this repository's defaults, where a build put a file, and a server for it.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from paths import MKDOCS_YML, NODE_MODULES, REPO

from stageguide.buildtools import sitebuild
from stageguide.buildtools.sitebuild import run_mkdocs_build
from stageguide.buildtools.staticserver import SiteServer
from stageguide.plugin.config import StageguideConfig

__all__ = ["build_site", "built_file", "run_mkdocs_build", "serve_site", "variant_config"]

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
