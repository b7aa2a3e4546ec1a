"""Real `mkdocs build` runs of a site, or of a variant of it: one builder for the bench and the tests.

Both build as an author would (`python -m mkdocs build --strict`), for the address the
site will be served at: Material's instant navigation only takes over links that match
the sitemap's host, port and path, so a local server's site is built for its own URL.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import BuildError

if TYPE_CHECKING:
    from ..sitestep.options import SiteConfig

BUILD_TIMEOUT_S = 600
PLUGIN = "stageguide"


@dataclass(frozen=True)
class Build:
    """One successful build: its wall-clock seconds and what mkdocs logged."""

    seconds: float
    log: str


def run_mkdocs_build(
    config: Path,
    dest: Path,
    site_url: str | None = None,
    strict: bool = True,
    env: dict[str, str] | None = None,
    quiet: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run `mkdocs build` on config into dest; the finished process, whatever its exit code."""
    environment = dict(os.environ, NO_MKDOCS_2_WARNING="1", **(env or {}))
    if site_url:
        environment["SITE_URL"] = site_url
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(dest)]
    command[4:4] = [flag for flag, on in (("--strict", strict), ("-q", quiet)) if on]
    return subprocess.run(
        command,
        cwd=config.parent,
        env=environment,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
    )


def build_site(config: Path, dest: Path, site_url: str | None = None) -> Build:
    """A strict build with its log (info lines included); a failure is a BuildError with the log's tail."""
    started = time.perf_counter()
    try:
        done = run_mkdocs_build(config, dest, site_url, quiet=False)
    except subprocess.TimeoutExpired:
        raise BuildError(
            f"`mkdocs build -f {config}` did not finish within {BUILD_TIMEOUT_S} s"
        ) from None
    seconds = time.perf_counter() - started
    log = done.stdout + done.stderr
    if done.returncode != 0:
        tail = "\n".join(log.strip().splitlines()[-20:])
        raise BuildError(
            f"the site failed to build (`mkdocs build --strict -f {config}`, "
            f"exit {done.returncode}):\n{tail}"
        )
    return Build(seconds, log)


def read_config(config: Path) -> dict[str, Any]:
    """mkdocs.yml as written (`!ENV` resolved, INHERIT not applied): to restate its plugins or nav."""
    from mkdocs.utils.yaml import yaml_load

    try:
        with config.open(encoding="utf-8") as handle:
            data = yaml_load(handle)
    except OSError as error:
        raise BuildError(f"cannot read {config}: {error.strerror}") from None
    if not isinstance(data, dict):
        raise BuildError(f"{config}: expected a mapping of settings at the top level")
    return data


def plugin_options(config: Path, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """The stageguide plugin's options in config (an error if it does not use the plugin)."""
    plugins = (read_config(config) if data is None else data).get("plugins") or []
    entries = plugins.items() if isinstance(plugins, dict) else map(_plugin_entry, plugins)
    for name, options in entries:
        if name == PLUGIN:
            return dict(options or {})
    raise BuildError(f"{config}: the `{PLUGIN}` plugin is not in `plugins`")


def site_config(config: Path) -> SiteConfig:
    """What the site step reads of config (INHERIT and `!ENV` applied): one reader for both."""
    from ..sitestep.errors import SiteStepError
    from ..sitestep.options import read_site_config

    try:
        return read_site_config(config)
    except SiteStepError as error:
        raise BuildError(str(error)) from None


def quiz_path(config: Path) -> Path:
    """The quiz file the plugin in config reads (relative to config's folder, as the plugin takes it)."""
    return site_config(config).quiz_file


def docs_dir(config: Path) -> Path:
    """The folder config takes its pages from."""
    return site_config(config).docs_dir


def variant_config(
    folder: Path,
    config: Path,
    *,
    node_modules: Path,
    plugin: dict[str, Any] | None = None,
    docs: Path | None = None,
    quiz_text: str | None = None,
) -> Path:
    """A mkdocs.yml in folder that inherits config but changes the plugin's options, docs or quiz.

    INHERIT replaces a list wholesale, so every plugin is restated, ours with absolute
    paths; a relative `cache_dir` then lies in folder, so a new folder starts cold.
    """
    data = read_config(config)
    site = site_config(config)
    options = plugin_options(config, data)
    options["quiz"] = str(site.quiz_file)
    options["node_modules"] = str(node_modules)
    options.update(plugin or {})
    folder.mkdir(parents=True, exist_ok=True)
    if quiz_text is not None:
        quiz = folder / "quiz.yml"
        quiz.write_text(quiz_text, encoding="utf-8")
        options["quiz"] = str(quiz)
    plugins = data.get("plugins") or []
    entries = plugins.items() if isinstance(plugins, dict) else map(_plugin_entry, plugins)
    restated = [
        {name: options} if name == PLUGIN else ({name: value} if value is not None else name)
        for name, value in entries
    ]
    variant = folder / "mkdocs.yml"
    variant.write_text(
        json.dumps(
            {
                "INHERIT": str(config.resolve()),
                "docs_dir": str(docs or site.docs_dir),
                "plugins": restated,
            }
        ),
        encoding="utf-8",
    )
    return variant


def _plugin_entry(entry: Any) -> tuple[str, Any]:
    """A `plugins` list item (`name` or `{name: options}`) as (name, options or None)."""
    if isinstance(entry, dict) and len(entry) == 1:
        name, options = next(iter(entry.items()))
        return str(name), options
    return str(entry), None
