"""Real `mkdocs build` runs of the site, or of variants of it, for plugin and browser tests."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from sitecontent import site_quiz

REPO = Path(__file__).resolve().parents[1]


def run_mkdocs_build(
    config: Path,
    dest: Path,
    site_url: str | None = None,
    strict: bool = True,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `mkdocs build` as an author would; site_url should be where the site is served.

    Material's instant navigation only takes over links that match the sitemap's
    host, port and path, so browser tests build for their server's address.
    """
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", **(env or {}))
    if site_url:
        env["SITE_URL"] = site_url
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(dest)]
    if strict:
        command.insert(4, "--strict")
    return subprocess.run(
        command, cwd=config.parent, env=env, capture_output=True, text=True, timeout=600
    )


def variant_config(folder: Path, plugin: dict[str, Any], quiz_text: str | None = None) -> Path:
    """A mkdocs.yml that inherits the real site but changes the plugin's options (and maybe the quiz)."""
    folder.mkdir(parents=True, exist_ok=True)
    options = {"quiz": str(site_quiz()), "node_modules": str(REPO / "node_modules"), **plugin}
    if quiz_text is not None:
        quiz = folder / "quiz.yml"
        quiz.write_text(quiz_text, encoding="utf-8")
        options["quiz"] = str(quiz)
    config = folder / "mkdocs.yml"
    config.write_text(
        json.dumps(
            {
                "INHERIT": str(REPO / "mkdocs.yml"),
                "docs_dir": str(REPO / "docs"),
                "plugins": ["search", {"stageguide": options}],
            }
        ),
        encoding="utf-8",
    )
    return config


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
    shutil.copytree(REPO / "docs", folder / "docs")  # a link is refused: Zensical resolves it
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
