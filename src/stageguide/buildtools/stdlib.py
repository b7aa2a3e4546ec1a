"""A trimmed `python_stdlib.zip`: only what Pyodide's start-up and the scoring core import.

The full zip is 2.5 MB, most of it never touched by a quiz. The build traces
the imports inside the pinned Pyodide (node/trace_stdlib.mjs runs every kind of
request the site sends) and keeps those files, their packages' `__init__`
files and a few codecs a browser's input may need. `stdlib: full` in the
plugin's options ships the whole zip instead.
"""

from __future__ import annotations

import json
import subprocess
import zipfile
from io import BytesIO
from pathlib import Path
from posixpath import dirname
from typing import Any

from .errors import BuildError

TRACER = Path(__file__).resolve().parent.parent / "node" / "trace_stdlib.mjs"
TRACE_TIMEOUT = 180
# Codecs that text arriving from a browser or a CSV export can ask for, traced or not.
ALWAYS = frozenset(
    f"encodings/{name}.py"
    for name in (
        "__init__",
        "aliases",
        "utf_8",
        "utf_8_sig",
        "utf_16",
        "utf_16_le",
        "utf_16_be",
        "latin_1",
        "ascii",
        "cp1252",
    )
)


def trace_stdlib(
    node: str,
    pyodide_dir: Path,
    wheel: Path,
    quiz_jsons: list[Path],
    spreadsheet: tuple[Path, Path] | None = None,
) -> tuple[list[str], list[str]]:
    """The stdlib files (paths inside the zip) that running the core in Pyodide imports, and
    those that reading a spreadsheet imports on top (given the bundle and a sample workbook)."""
    extra = ["--spreadsheet", str(spreadsheet[0]), str(spreadsheet[1])] if spreadsheet else []
    try:
        done = subprocess.run(
            [node, str(TRACER), str(pyodide_dir), str(wheel), *extra, *map(str, quiz_jsons)],
            capture_output=True,
            text=True,
            timeout=TRACE_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        raise BuildError(
            f"tracing the stdlib inside Pyodide did not finish within {TRACE_TIMEOUT} s"
        ) from None
    lines = done.stdout.strip().splitlines()
    reply: dict[str, Any] = (
        json.loads(lines[-1]) if lines else {"ok": False, "message": done.stderr.strip()[-2000:]}
    )
    if done.returncode != 0 or not reply.get("ok"):
        raise BuildError(f"tracing the stdlib inside Pyodide failed: {reply.get('message')}")
    return sorted(reply["files"]), sorted(reply.get("spreadsheet_files", []))


def trim_stdlib(full_zip: bytes, files: list[str]) -> bytes:
    """A zip holding the traced files, every `__init__.py` above them, and ALWAYS."""
    keep = set(files) | ALWAYS
    for name in list(keep):
        folder = dirname(name)
        while folder:
            keep.add(f"{folder}/__init__.py")
            folder = dirname(folder)
    out = BytesIO()
    with (
        zipfile.ZipFile(BytesIO(full_zip)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        present = set(source.namelist())
        for info in source.infolist():
            if info.filename in keep:
                target.writestr(
                    info, source.read(info), compress_type=zipfile.ZIP_DEFLATED, compresslevel=9
                )
        missing = sorted(name for name in files if name not in present)
    if missing:
        raise BuildError(
            f"the trace names files the stdlib zip does not hold: {', '.join(missing[:5])}"
        )
    return out.getvalue()
