"""The pinned Pyodide runtime: where it is, which version, and copying what browsers load.

The runtime comes from `node_modules/pyodide` (pinned in package.json, installed
by `npm ci`), so the files the site ships are the very files the parity tests ran.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import deflate

from .errors import BuildError

Progress = Callable[[str], None]

# What `loadPyodide()` of Pyodide 314.0.7 actually reads, measured twice while loading it
# and importing the core's stdlib modules (json, re, base64, dataclasses, urllib.parse):
# under Node by wrapping fs.readFile/open/createReadStream and fetch, and in headless
# Chromium by logging the page's requests from a local HTTP server. Both saw exactly:
#   pyodide.mjs (the module the page imports), pyodide-lock.json (fetched even when no
#   package is loaded), python_stdlib.zip, pyodide.asm.wasm, pyodide.asm.mjs (import()).
# Nothing else: pyodide.js is the classic-script twin of pyodide.mjs, the *.map files
# are for debuggers, and no package from the lock file is fetched because the core
# needs only the standard library bundled in python_stdlib.zip.
RUNTIME_FILES: tuple[str, ...] = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
MANIFEST = "runtime-manifest.json"
# pyodide.asm.wasm gzipped at build time (9.6 -> 3.4 MB): the worker fetches this one and
# unpacks it with DecompressionStream, so a host that sends wasm uncompressed still costs
# a phone a third of the bytes. The plain file stays for browsers without DecompressionStream
# and for hosts that compress wasm themselves (the worker asks first, see worker.mjs).
WASM = "pyodide.asm.wasm"
PRECOMPRESSED_WASM = WASM + ".gz"
# libdeflate's slowest level: 3,385 KB against gzip -9's 3,529 KB for Pyodide 314.0.7's wasm
# (about 2 s instead of 1 s, once per runtime; the result is reused). Still plain gzip, so
# DecompressionStream("gzip") and every HTTP client read it.
WASM_GZIP_LEVEL = 12
# How the two made files were made, kept in the manifest: a rebuild reuses a file only when
# it was made from the same input *and* the same way, so changing either remakes it.
GZ_METHOD = f"libdeflate {WASM_GZIP_LEVEL}"
MIN_NODE = 18
SETUP_HINT = "run `npm ci` (or `python build.py setup`)"


def pyodide_dir(root: Path) -> Path:
    """The installed runtime folder; a missing one is a setup step not yet done."""
    folder = root / "node_modules" / "pyodide"
    if not (folder / "package.json").is_file():
        raise BuildError(f"the Pyodide runtime is not installed: {folder} is missing; {SETUP_HINT}")
    return folder


def pinned_version(root: Path) -> str:
    """The exact Pyodide version package.json pins (a range would let builds drift)."""
    package = root / "package.json"
    try:
        pin = json.loads(package.read_text(encoding="utf-8"))["dependencies"]["pyodide"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BuildError(f"{package}: cannot read the pinned Pyodide version ({error})") from None
    pin = str(pin).lstrip("=").strip()
    if not re.fullmatch(r"\d+(\.\d+)*", pin):
        raise BuildError(
            f"{package}: pin Pyodide to an exact version (found {pin!r}), then {SETUP_HINT}"
        )
    return pin


def pyodide_version(root: Path) -> str:
    """The installed Pyodide version, checked against the pin in package.json."""
    installed_file = pyodide_dir(root) / "package.json"
    try:
        installed = str(json.loads(installed_file.read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BuildError(
            f"{installed_file}: cannot read the installed Pyodide version ({error}); {SETUP_HINT}"
        ) from None
    pinned = pinned_version(root)
    if installed != pinned:
        raise BuildError(
            f"node_modules holds Pyodide {installed} but package.json pins {pinned}; "
            f"{SETUP_HINT} to install the pinned version"
        )
    return installed


def node_executable() -> str:
    """The `node` binary (Node.js 18 or newer), which runs Pyodide outside a browser."""
    node = shutil.which("node")
    hint = "install Node.js 18 or newer (for example `apt-get install -y nodejs npm`), then run `python build.py setup`"
    if node is None:
        raise BuildError(
            f"`node` is not on PATH; the scoring core is compiled and tested inside Pyodide under Node.js: {hint}"
        )
    try:
        reported = subprocess.run(
            [node, "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError) as error:
        raise BuildError(f"cannot run {node} --version ({error}); {hint}") from None
    match = re.match(r"v?(\d+)", reported.strip())
    if match is None or int(match.group(1)) < MIN_NODE:
        raise BuildError(f"{node} is Node.js {reported.strip() or 'of unknown version'}; {hint}")
    return node


def runtime_files(root: Path) -> list[Path]:
    """Every file browsers load, or an error naming the first one missing."""
    folder = pyodide_dir(root)
    paths = [folder / name for name in RUNTIME_FILES]
    for path in paths:
        if not path.is_file():
            raise BuildError(f"the Pyodide runtime is incomplete: {path} is missing; {SETUP_HINT}")
    return paths


def copy_runtime(
    root: Path, dest_dir: Path, progress: Progress = print, stdlib_files: list[str] | None = None
) -> Path:
    """Copy the runtime files into dest_dir and write their manifest; returns the manifest path.

    With `stdlib_files` (from the build's trace), python_stdlib.zip is replaced by
    a trimmed zip holding only those, and pyodide-lock.json by one that lists no
    packages (the site loads none; the full index is 119 KB). A file already identical in dest_dir is left
    untouched, so a rebuild does not wake up live-reload watchers for 13 MB of
    unchanged runtime.
    """
    from .stdlib import STDLIB_METHOD, trim_stdlib

    version = pyodide_version(root)
    previous = _previous_entries(dest_dir)
    notes: list[str] = []
    sources = runtime_files(root)
    dest_dir.mkdir(parents=True, exist_ok=True)
    entries: list[dict[str, Any]] = []
    copied = 0
    saved = 0
    for source in sources:
        data = source.read_bytes()
        made_from = None
        if stdlib_files is not None and source.name in (STDLIB_ZIP, LOCK_FILE):
            trimmed = (
                trim_stdlib(data, stdlib_files) if source.name == STDLIB_ZIP else _empty_lock(data)
            )
            if source.name == STDLIB_ZIP:
                made_from = hashlib.sha256(trimmed).hexdigest()
                trimmed = _bytecode_stdlib(root, trimmed, made_from, dest_dir, previous, notes)
            saved += len(data) - len(trimmed)
            data = trimmed
        digest = hashlib.sha256(data).hexdigest()
        target = dest_dir / source.name
        if not (
            target.is_file()
            and target.stat().st_size == len(data)
            and sha256_file(target) == digest
        ):
            replace_file(target, data)
            copied += 1
        entry: dict[str, object] = {"name": source.name, "size": len(data), "sha256": digest}
        if made_from:
            entry["from_sha256"] = made_from
            entry["made_with"] = STDLIB_METHOD
        entries.append(entry)
        if source.name == WASM:
            entries.append(_precompress(data, digest, dest_dir))
    manifest = {
        "pyodide": version,
        "stdlib": "full" if stdlib_files is None else "trimmed",
        "files": entries,
        "hash": manifest_hash(entries),
    }
    path = dest_dir / MANIFEST
    replace_file(path, (json.dumps(manifest, indent=2) + "\n").encode("utf-8"))
    total = sum(dest_dir.joinpath(str(e["name"])).stat().st_size for e in entries)
    trimmed_note = (
        f", trimmed: {len(stdlib_files)} stdlib files{''.join('; ' + n for n in notes)}, "
        f"no package index, {saved / 1e6:.1f} MB saved"
        if stdlib_files is not None
        else ""
    )
    progress(
        f"runtime: Pyodide {version}, {len(entries)} files, {total / 1e6:.1f} MB "
        f"({copied} copied{trimmed_note}) -> {dest_dir}"
    )
    return path


STDLIB_ZIP = "python_stdlib.zip"
LOCK_FILE = "pyodide-lock.json"


def _precompress(wasm: bytes, wasm_digest: str, dest_dir: Path) -> dict[str, object]:
    """Write pyodide.asm.wasm.gz (libdeflate 12, no timestamp) unless the last build's is of this wasm.

    Compressing 9.6 MB takes about two seconds, so the manifest remembers which wasm
    the .gz was made from, and how, and a rebuild reuses it while its own hash still holds.
    """
    target = dest_dir / PRECOMPRESSED_WASM
    try:
        previous = json.loads((dest_dir / MANIFEST).read_text(encoding="utf-8"))
        entry = next(e for e in previous["files"] if e["name"] == PRECOMPRESSED_WASM)
        if (
            entry["from_sha256"] == wasm_digest
            and entry.get("made_with") == GZ_METHOD
            and target.is_file()
            and sha256_file(target) == entry["sha256"]
        ):
            return {
                "name": PRECOMPRESSED_WASM,
                "size": target.stat().st_size,
                "sha256": entry["sha256"],
                "from_sha256": wasm_digest,
                "made_with": GZ_METHOD,
            }
    except (OSError, ValueError, KeyError, TypeError, StopIteration):
        pass
    data = bytes(deflate.gzip_compress(wasm, WASM_GZIP_LEVEL))  # its header's mtime is 0
    replace_file(target, data)
    return {
        "name": PRECOMPRESSED_WASM,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "from_sha256": wasm_digest,
        "made_with": GZ_METHOD,
    }


def _previous_entries(dest_dir: Path) -> dict[str, dict[str, object]]:
    """The last build's manifest entries by file name (none when there is no readable manifest)."""
    try:
        manifest = json.loads((dest_dir / MANIFEST).read_text(encoding="utf-8"))
        return {str(entry["name"]): entry for entry in manifest["files"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _bytecode_stdlib(
    root: Path,
    trimmed: bytes,
    trimmed_digest: str,
    dest_dir: Path,
    previous: dict[str, dict[str, object]],
    notes: list[str],
) -> bytes:
    """The trimmed stdlib with bytecode (stdlib.precompile_stdlib), reused while its source zip is unchanged.

    Compiling takes ten seconds or more, so the manifest remembers which trimmed zip the
    shipped one was made from, as it does for the precompressed wasm.
    """
    from .stdlib import STDLIB_METHOD, precompile_stdlib

    entry = previous.get(STDLIB_ZIP) or {}
    target = dest_dir / STDLIB_ZIP
    if (
        entry.get("from_sha256") == trimmed_digest
        and entry.get("made_with") == STDLIB_METHOD
        and target.is_file()
        and sha256_file(target) == entry.get("sha256")
    ):
        return target.read_bytes()
    data, note = precompile_stdlib(node_executable(), pyodide_dir(root), trimmed)
    notes.append(note)
    return data


def _empty_lock(data: bytes) -> bytes:
    """The lock file's header without its package index: Pyodide needs the former, we never use the latter."""
    lock = json.loads(data)
    return (json.dumps({"info": lock["info"], "packages": {}}, indent=1) + "\n").encode("utf-8")


def download_sizes(runtime_dir: Path | None, root: Path) -> dict[str, int]:
    """Bytes of each runtime file a browser may fetch, for the page's progress bar.

    From the shipped runtime's manifest (trimmed stdlib, precompressed wasm); for a CDN
    runtime, from the pinned package itself (the CDN serves the full files, no .gz).
    """
    if runtime_dir is not None:
        manifest = json.loads((runtime_dir / MANIFEST).read_text(encoding="utf-8"))
        return {str(entry["name"]): int(entry["size"]) for entry in manifest["files"]}
    return {path.name: path.stat().st_size for path in runtime_files(root)}


TEXT_SUFFIXES = (".mjs", ".js", ".json")


def transfer_sizes(files: dict[str, Path]) -> dict[str, int]:
    """What each text file costs over a host that gzips text (GitHub Pages does), for an honest total.

    The browser unpacks those bytes before any script sees them, so the page counts
    their unpacked bytes and scales them to this size.
    """
    return {
        name: len(gzip.compress(path.read_bytes(), compresslevel=6, mtime=0))
        for name, path in files.items()
        if path.name.endswith(TEXT_SUFFIXES)
    }


def manifest_hash(entries: list[dict[str, object]]) -> str:
    """sha256 of the entries as canonical JSON: one value that changes when any file does."""
    canonical = json.dumps(entries, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def replace_file(path: Path, data: bytes) -> None:
    """Write data beside path and move it into place, so nobody ever sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temp.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
