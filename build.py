#!/usr/bin/env python3
"""The one entry point for building, serving and testing stageguide.

    python build.py serve      build the site and serve it with live reload
    python build.py test       run the whole test suite (unit, Pyodide parity, browser)
    python build.py build      build the site into site/
    python build.py wheel      compile the scoring core for Pyodide into build/engine/
    python build.py bench      measure the built site in headless Chromium
    python build.py deploy     publish site/ to the gh-pages branch (mkdocs gh-deploy)
    python build.py schema     regenerate quiz/quiz.schema.json from the validator's definition
    python build.py lock       re-pin the Python dependencies in requirements.lock

This file uses only the standard library: it creates .venv/ from
requirements.lock (hash-checked) and node_modules/ from package-lock.json
(`npm ci`) when they are missing or out of date, then hands over to
`stageguide.buildtools` inside that environment.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
NPM_LOCK = ROOT / "package-lock.json"
COMMANDS = ("serve", "test", "build", "wheel", "bench", "deploy", "schema", "lock", "setup")
MIN_PYTHON = (3, 11)


def say(message: str) -> None:
    print(f"[build.py] {message}", flush=True)


def fail(message: str) -> NoReturn:
    print(f"build.py: error: {message}", file=sys.stderr, flush=True)
    raise SystemExit(2)


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def digest(*paths: Path) -> str:
    h = hashlib.sha256()
    for path in paths:
        h.update(path.read_bytes())
    return h.hexdigest()


def run(cmd: list[str], **kwargs: object) -> None:
    result = subprocess.run(cmd, cwd=ROOT, **kwargs)  # type: ignore[call-overload]
    if result.returncode != 0:
        fail(f"command failed with exit code {result.returncode}: {' '.join(map(str, cmd))}")


def ensure_python_env() -> None:
    """Create or refresh .venv when requirements.lock or pyproject.toml changed."""
    stamp = VENV / ".stageguide-stamp"
    wanted = digest(LOCK, ROOT / "pyproject.toml")
    if venv_python().exists() and stamp.exists() and stamp.read_text() == wanted:
        return
    if not venv_python().exists():
        say("creating .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    say("installing Python dependencies from requirements.lock (hash-checked)")
    pip_install = [str(venv_python()), "-m", "pip", "install"]
    quiet = ["--quiet", "--disable-pip-version-check"]
    run([*pip_install, *quiet, "--require-hashes", "-r", str(LOCK)])
    run([*pip_install, *quiet, "--no-deps", "--no-build-isolation", "-e", "."])
    stamp.write_text(wanted)


def ensure_node_env() -> None:
    """Install the pinned Pyodide with `npm ci` when node_modules is missing or stale."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        fail(
            "Node.js and npm are needed to compile the scoring core inside Pyodide and to run its tests. "
            "Install Node.js 18 or newer (for example `apt-get install -y nodejs npm`), then run this again."
        )
    stamp = ROOT / "node_modules" / ".stageguide-stamp"
    wanted = digest(NPM_LOCK)
    if stamp.exists() and stamp.read_text() == wanted:
        return
    say("installing the pinned Pyodide runtime with `npm ci`")
    run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"])
    stamp.write_text(wanted)


def main(argv: list[str]) -> int:
    if sys.version_info < MIN_PYTHON:
        fail(
            f"Python {'.'.join(map(str, MIN_PYTHON))} or newer is needed; this is {sys.version.split()[0]}"
        )
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        return 0 if argv else 2
    command = argv[0]
    if command not in COMMANDS:
        fail(f"unknown command {command!r}; expected one of: {', '.join(COMMANDS)}")
    ensure_python_env()
    if command != "lock":
        ensure_node_env()
    if command == "setup":
        say("environment ready")
        return 0
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    cmd = [str(venv_python()), "-m", "stageguide.buildtools", *argv]
    return subprocess.call(cmd, cwd=ROOT, env=env)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
