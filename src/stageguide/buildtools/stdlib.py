"""A trimmed `python_stdlib.zip`: only what Pyodide's start-up and the scoring core import.

The full zip is 2.5 MB, most of it never touched by a quiz. The build traces
the imports inside the pinned Pyodide (node/trace_stdlib.mjs runs every kind of
request the site sends) and keeps those files, their packages' `__init__`
files and a few codecs a browser's input may need. `stdlib: full` in the
plugin's options ships the whole zip instead.

The trimmed zip then goes through node/compile_stdlib.mjs: modules whose bytecode
costs little more on the wire than their source ship as `.pyc` made by the pinned
Pyodide itself, so the browser does not compile them at every start.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import time
import zipfile
from io import BytesIO
from pathlib import Path
from posixpath import dirname
from typing import Any

from .errors import BuildError
from .zipdeflate import LEVEL, redeflate

TRACER = Path(__file__).resolve().parent.parent / "node" / "trace_stdlib.mjs"
TRACE_TIMEOUT = 180
COMPILER = Path(__file__).resolve().parent.parent / "node" / "compile_stdlib.mjs"
COMPILE_TIMEOUT = 300
# A module ships as bytecode unless that adds more than this many deflated bytes per byte
# of its source, which in practice is every module with code in it (136 of 139; the rest
# are empty `__init__.py` files). Measured in headless Chromium on a bare page (2 cores,
# median of five cold starts): loadPyodide took 2.5 s with a twentieth of the bytes' worth
# of modules as bytecode (51, the old limit of 0.05, chosen from CPU time under Node, which
# compiles far faster), 1.3 s at 0.2 (105 modules) and 1.1 s with every module. Every module
# costs 155 KB more than source; libdeflate's level 12 for the wasm and for this zip's
# members (zipdeflate.py) pays for it within the cold quiz page's 4.8 MB.
BYTECODE_EXTRA_PER_BYTE = 1.0
STDLIB_METHOD = f"bytecode within {BYTECODE_EXTRA_PER_BYTE} bytes per byte, libdeflate {LEVEL}"
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
    reply = _node_reply(
        [node, str(TRACER), str(pyodide_dir), str(wheel), *extra, *map(str, quiz_jsons)],
        "tracing the stdlib",
        TRACE_TIMEOUT,
    )
    if not reply["ok"]:
        raise BuildError(f"tracing the stdlib inside Pyodide failed: {reply['message']}")
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


def precompile_stdlib(
    node: str, pyodide_dir: Path, source_zip: bytes, extra_per_byte: float = BYTECODE_EXTRA_PER_BYTE
) -> tuple[bytes, str]:
    """The zip with cheap-to-ship modules as bytecode made inside Pyodide, and a line saying what changed.

    The compiler starts a fresh interpreter from the result before returning it, so a zip
    Pyodide cannot start from never ships."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="stageguide-stdlib-") as temp:
        source, target = Path(temp) / "in.zip", Path(temp) / "out.zip"
        source.write_bytes(source_zip)
        reply = _node_reply(
            [node, str(COMPILER), str(pyodide_dir), str(source), str(target), str(extra_per_byte)],
            "compiling the stdlib",
            COMPILE_TIMEOUT,
        )
        if not reply["ok"]:
            where = f" ({reply['file']}, line {reply.get('line')})" if reply.get("file") else ""
            raise BuildError(
                f"compiling the stdlib inside Pyodide failed{where}: {reply['message']}"
            )
        if not reply.get("from_bytecode"):
            raise BuildError(
                "the precompiled stdlib zip started Pyodide without importing any bytecode from it"
            )
        try:
            data = redeflate(target.read_bytes())
        except (ValueError, zipfile.BadZipFile) as error:
            raise BuildError(f"re-deflating the compiled stdlib zip failed: {error}") from None
    note = (
        f"{reply['compiled']} of {reply['compiled'] + reply['kept']} stdlib modules as bytecode "
        f"({len(data) - len(source_zip):+,} bytes, {time.monotonic() - started:.1f} s)"
    )
    return data, note


def _node_reply(command: list[str], doing: str, timeout: int) -> dict[str, Any]:
    """The JSON reply a node/*.mjs script prints as its last line, with `ok` false and a
    `message` (its own, else the end of its stderr) whenever the run failed in any way."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise BuildError(f"{doing} inside Pyodide did not finish within {timeout} s") from None
    lines = done.stdout.strip().splitlines()
    try:
        reply: dict[str, Any] = json.loads(lines[-1]) if lines else {}
    except json.JSONDecodeError:
        reply = {}
    reply["ok"] = bool(reply.get("ok")) and done.returncode == 0
    if not reply["ok"]:
        reply["message"] = reply.get("message") or done.stderr.strip()[-2000:] or "no reply"
    return reply
