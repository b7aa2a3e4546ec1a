"""What the bench ran on: CPUs, load, browser, Pyodide and commit, so figures can be compared fairly."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from pathlib import Path
from typing import Any

from ..errors import BuildError


def load_average() -> float | None:
    """The 1-minute load average (None where the system does not say)."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def machine(root: Path, chromium_version: str, load: list[float | None]) -> dict[str, Any]:
    """The machine's description for the report; load holds the load average at start and end."""
    try:
        from ..runtime import pyodide_version

        pyodide = pyodide_version(root)
    except BuildError:
        pyodide = ""
    return {
        "cpus": os.cpu_count(),
        "cpu_model": _cpu_model() or platform.machine(),
        "chromium": chromium_version,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "pyodide": pyodide,
        "commit": commit(root),
        "uncommitted": uncommitted(root),
        "load_average_1min": {"start": load[0], "end": load[-1]},
    }


def commit(root: Path) -> str | None:
    """The checked-out commit of root (None outside a git checkout)."""
    return _git(root, "rev-parse", "HEAD") or None


def uncommitted(root: Path) -> bool | None:
    """Whether tracked files differ from the commit: then the figures are not that commit's."""
    status = _git(root, "status", "--porcelain", "--untracked-files=no")
    return None if status is None else bool(status)


def _git(root: Path, *args: str) -> str | None:
    """git's output in root, stripped; None without git or when git fails (not a checkout)."""
    git = shutil.which("git")
    if git is None:
        return None
    done = subprocess.run([git, *args], cwd=root, capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else None


def _cpu_model() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return platform.processor()
    for line in lines:
        if line.lower().startswith("model name"):
            return line.split(":", 1)[1].strip()
    return ""
