"""Where a built site keeps the engine's files, as the bench tells runtime requests from page requests."""

from __future__ import annotations

SITE_ASSETS = "assets/stageguide/"
RUNTIME_DIR = SITE_ASSETS + "pyodide/"  # pyodide/<content hash>/
ENGINE_DIR = SITE_ASSETS + "engine/"  # engine/<content hash>/<wheel>
WORKER = SITE_ASSETS + "worker."  # worker.<content hash>.mjs
RUNTIME_PREFIXES = (RUNTIME_DIR, ENGINE_DIR, WORKER)
BASELINE_DIR = "__baseline__"  # the bare Pyodide page, only in the bench's own copy of the site
KB = 1000
MB = 1000 * KB


def is_runtime(path: str) -> bool:
    """True for a site-relative path (query allowed) of the runtime, the wheel or the engine worker."""
    return path.split("?")[0].startswith(RUNTIME_PREFIXES)
