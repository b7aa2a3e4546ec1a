"""The start-up snapshot shipped for engines where Python starts slowly (WebKit).

In WebKit, Python's own initialisation inside `loadPyodide` takes several times
longer than in Chromium or Firefox, while restoring a memory snapshot of an
interpreter that has already started (and imported the scoring core) is quick.
The build makes that snapshot inside the pinned Pyodide under Node, from the very
runtime folder the site ships, and names it by the hashes of everything it depends
on (runtime files, wheel, quiz, the maker script), so a browser can never restore
it into a different runtime. worker.mjs fetches it only where JSPI is missing.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Callable
from pathlib import Path

from .errors import BuildError
from .runtime import node_executable, sha256_file

HERE = Path(__file__).resolve().parent
MAKER = HERE.parent / "node" / "make_snapshot.mjs"
SNAPSHOT_TIMEOUT_S = 300
PREFIX = "startup-"
SUFFIX = ".snapshot.gz"
KEEP = 3  # snapshots kept per quiz: variants (e.g. stdlib: full) need not remake each other's


def snapshot_key(runtime_dir: Path, wheel: Path, quiz_json: Path) -> str:
    """A short hash of every input: a different runtime, wheel, quiz or maker gives a different file."""
    digest = hashlib.sha256()
    inputs = [
        *sorted(p for p in runtime_dir.iterdir() if p.is_file()),
        wheel,
        quiz_json,
        MAKER,
        Path(__file__),
    ]
    for path in inputs:
        digest.update(path.name.encode("utf-8") + b"\0" + bytes.fromhex(sha256_file(path)))
    return digest.hexdigest()[:16]


def build_snapshot(
    runtime_dir: Path,
    wheel: Path,
    quiz_json: Path,
    out_dir: Path,
    progress: Callable[[str], None] = print,
) -> Path:
    """The snapshot file for these inputs, made unless an intact one already exists."""
    key = snapshot_key(runtime_dir, wheel, quiz_json)
    target = out_dir / f"{PREFIX}{key}{SUFFIX}"
    stamp = target.with_name(target.name + ".sha256")
    if (
        target.is_file()
        and stamp.is_file()
        and stamp.read_text(encoding="utf-8").strip() == sha256_file(target)
    ):
        progress(f"start-up snapshot: up to date ({target.name})")
        return target
    out_dir.mkdir(parents=True, exist_ok=True)
    _prune(out_dir)
    command = [
        node_executable(),
        str(MAKER),
        str(runtime_dir),
        str(wheel),
        str(quiz_json),
        str(target),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=SNAPSHOT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise BuildError(
            f"making the start-up snapshot ({MAKER.name}) took more than {SNAPSHOT_TIMEOUT_S} s"
        ) from None
    if done.returncode != 0:
        tail = (
            "\n".join(done.stderr.strip().splitlines()[-12:])
            or "(no message: Pyodide never finished starting)"
        )
        raise BuildError(
            f"making the start-up snapshot failed (node {MAKER.name}, exit {done.returncode}):\n{tail}"
        )
    try:
        figures = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        raise BuildError(f"{MAKER.name} printed no result line: {done.stdout[-500:]!r}") from None
    stamp.write_text(sha256_file(target) + "\n", encoding="utf-8")
    progress(
        f"start-up snapshot: {target.name}, {figures['raw'] / 1e6:.1f} MB memory, "
        f"{figures['gzipped'] / 1e6:.1f} MB gzipped "
        f"(made in {figures['make_ms'] / 1000:.1f} s, checked by restoring it in {figures['restore_ms'] / 1000:.1f} s)"
    )
    return target


def _prune(out_dir: Path) -> None:
    """Keep the newest few snapshots (with their stamps); older inputs are unlikely to come back."""
    made = sorted(out_dir.glob(f"{PREFIX}*{SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in made[KEEP - 1 :]:
        old.unlink(missing_ok=True)
        old.with_name(old.name + ".sha256").unlink(missing_ok=True)
