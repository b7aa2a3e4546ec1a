"""The bench's site: served on 127.0.0.1, built for that address, timed, with a bare baseline page beside it.

Builds go through stageguide.buildtools.sitebuild, the builder the tests use, so the
bench measures the site the tests check. The bare baseline page (`baseline/`) is
copied only into the bench's own copy of the site, never into a shipped one, with
the stock runtime beside it: the page starts either that one (the reference the
budgets name, Pyodide as npm installs it) or the site's own trimmed runtime (which
tells what the quiz page itself adds).
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import BuildError
from ..runtime import RUNTIME_FILES, pyodide_dir
from ..sitebuild import build_site, docs_dir, variant_config
from ..staticserver import SiteServer
from .layout import BASELINE_DIR, ENGINE_DIR, RUNTIME_DIR
from .pages import SitePages

BASELINE_SOURCE = Path(__file__).resolve().parent / "baseline"
BASELINE_FILES = ("index.html", "baseline-worker.mjs")  # probe.js is injected, not served
STOCK_DIR = "stock"  # __baseline__/stock/: the runtime files exactly as `npm ci` installed them
EDIT = "\nOne more sentence, added by the bench.\n"

Say = Callable[[str], None]


@dataclass
class BuildTimes:
    clean_s: float
    engine_warm: bool
    cold_s: float
    rebuild_s: float


def start_server(site: Path) -> SiteServer:
    """Serve site on 127.0.0.1 with text gzipped, as GitHub Pages serves it."""
    server = SiteServer(site, gzip=True).start()
    _quiet_disconnects(server)
    return server


def measure_builds(
    root: Path, config: Path, pages: SitePages, temp: Path, site: Path, site_url: str, say: Say
) -> BuildTimes:
    """The served site's clean build, a fully cold build, and a rebuild after editing the guide page."""
    say("building the site for the bench server (clean site folder)")
    clean = build_site(config, site, site_url)
    engine_warm = "engine: up to date" in clean.log

    say("fully cold build (empty engine and runtime folders)")
    cold_root = temp / "cold-root"
    (cold_root / "node_modules").mkdir(parents=True)
    try:  # the same runtime; the config in cold_root/config gets an empty cache_dir of its own
        (cold_root / "node_modules" / "pyodide").symlink_to(
            root / "node_modules" / "pyodide", target_is_directory=True
        )
        (cold_root / "package.json").symlink_to(root / "package.json")
    except OSError as error:
        raise BuildError(f"cannot set up the cold-build folder {cold_root}: {error}") from None
    cold_config = variant_config(
        cold_root / "config", config, node_modules=cold_root / "node_modules"
    )
    cold = build_site(cold_config, temp / "cold-site")

    say(f"rebuild after editing one page ({pages.guide_source})")
    docs = temp / "rebuild-docs"
    shutil.copytree(docs_dir(config), docs)
    edited = variant_config(
        temp / "rebuild-config", config, node_modules=root / "node_modules", docs=docs
    )
    build_site(edited, temp / "rebuild-site")
    page = docs / pages.guide_source
    page.write_text(page.read_text(encoding="utf-8") + EDIT, encoding="utf-8")
    rebuild = build_site(edited, temp / "rebuild-site")
    return BuildTimes(clean.seconds, engine_warm, cold.seconds, rebuild.seconds)


@dataclass(frozen=True)
class Baselines:
    """The bare page's query strings: on the stock runtime, and on the site's own."""

    stock: str
    site_runtime: str


def add_baseline(site: Path, root: Path) -> Baselines:
    """Copy the baseline page and the stock runtime (root's node_modules) into the served site."""
    wheels = sorted((site / ENGINE_DIR).glob("*/*.whl"))
    runtimes = sorted((site / RUNTIME_DIR).glob("*/pyodide.mjs"))
    runtime = runtimes[0] if len(runtimes) == 1 else site / RUNTIME_DIR / "pyodide.mjs"
    if len(wheels) != 1 or not runtime.is_file():
        raise BuildError(
            f"the built site has no single engine wheel under {ENGINE_DIR} or no {runtime.name} "
            f"under {RUNTIME_DIR}: {[w.name for w in wheels]}"
        )
    target = site / BASELINE_DIR
    (target / STOCK_DIR).mkdir(parents=True)
    for name in BASELINE_FILES:
        shutil.copyfile(BASELINE_SOURCE / name, target / name)
    stock = pyodide_dir(root)
    for name in RUNTIME_FILES:
        shutil.copyfile(stock / name, target / STOCK_DIR / name)
    runtime_path = runtime.parent.relative_to(site).as_posix()
    wheel = f"&wheel=../{wheels[0].relative_to(site).as_posix()}"
    return Baselines(
        stock=f"?pyodide={STOCK_DIR}/{wheel}", site_runtime=f"?pyodide=../{runtime_path}/{wheel}"
    )


def _quiet_disconnects(server: SiteServer) -> None:
    """Closing a browser context mid-download resets connections; keep those tracebacks off stderr."""
    httpd = getattr(server, "_httpd", None)
    if httpd is None:
        return
    report = httpd.handle_error

    def handle_error(request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            report(request, client_address)

    httpd.handle_error = handle_error
