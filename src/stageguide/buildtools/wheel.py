"""Compile the scoring core into the sourceless wheel that browsers load into Pyodide.

Three steps, each reporting one line: (a) build a plain py3-none-any wheel of
`stageguide/__init__.py` and `stageguide/core/` only, (b) byte-compile it inside
the pinned Pyodide under Node (the host Python's .pyc would not load there) and
retag it for that interpreter, (c) write each quiz as the JSON the browser reads.
Then the stdlib trace, and the spreadsheet bundle (`sheets`) that the page loads
only when a spreadsheet is dropped. A stamp of input hashes skips all of it when
nothing changed.
"""

from __future__ import annotations

import ast
import base64
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import sheets
from .errors import BuildError
from .runtime import (
    node_executable,
    pyodide_dir,
    pyodide_version,
    replace_file,
    runtime_files,
    sha256_file,
)
from .stdlib import TRACER, trace_stdlib

Progress = Callable[[str], None]

HERE = Path(__file__).resolve().parent
# The installed stageguide package (src/stageguide in a checkout, site-packages/stageguide from a
# wheel): the core is compiled from whatever copy is running, never from a guessed project folder.
PACKAGE = HERE.parent
COMPILER = HERE.parent / "node" / "compile_wheel.mjs"
# The build code itself is an input: changing how the wheel is made must rebuild it.
BUILD_CODE = (
    HERE / "wheel.py",
    HERE / "runtime.py",
    HERE / "errors.py",
    HERE / "stdlib.py",
    HERE / "sheets.py",
    COMPILER,
    TRACER,
    sheets.READER,
)
TRACE = "stdlib-files.json"
STAMP = "stamp.json"
COMPILE_TIMEOUT = 180
BUILD_TIMEOUT = 300
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so the same inputs give the same wheel bytes


@dataclass(frozen=True)
class WheelBuild:
    """What a build produced (or found up to date)."""

    wheel: Path
    quizzes: tuple[Path, ...]
    sizes: dict[str, int] = field(default_factory=dict)
    rebuilt: bool = True
    stdlib_trace: Path | None = None
    spreadsheet: Path | None = None  # the bundle loaded when a spreadsheet is dropped

    def stdlib_files(self) -> list[str]:
        """The stdlib files the core imports inside Pyodide (what a trimmed runtime must hold)."""
        if self.stdlib_trace is None:
            raise BuildError("this wheel build has no stdlib trace; rebuild it")
        return list(json.loads(self.stdlib_trace.read_text(encoding="utf-8")))


def build_wheel(
    root: Path,
    quiz_paths: list[Path],
    out_dir: Path | None = None,
    progress: Progress = print,
    package: Path = PACKAGE,
) -> WheelBuild:
    """Build the compiled core wheel and the quiz JSON into out_dir (default build/wheel/).

    `root` holds package.json and node_modules/pyodide; `package` is the stageguide
    package whose core is compiled (the installed one unless a test stages a copy).
    """
    root = root.resolve()
    out_dir = (out_dir or root / "build" / "wheel").resolve()
    sources = core_sources(package)
    version = pyodide_version(root)
    runtime_files(root)  # a half-installed runtime gets a clear message, not a Node stack trace
    node = node_executable()
    inputs = _input_hashes(root, sources, quiz_paths, version)
    previous = _read_stamp(out_dir)
    stamped = previous.get("inputs")
    old_inputs: dict[str, Any] = stamped if isinstance(stamped, dict) else {}
    if old_inputs == inputs and _outputs_intact(out_dir, previous):
        outputs = [out_dir / name for name in previous["outputs"]]
        progress(f"wheel: up to date ({out_dir})")
        return _result(outputs, rebuilt=False)
    changed = sorted(
        name for name in {*inputs, *old_inputs} if inputs.get(name) != old_inputs.get(name)
    )
    if old_inputs:
        progress(f"wheel: rebuilding; changed: {', '.join(changed) or 'an output is missing'}")

    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="stageguide-wheel-") as temp:
        plain = _build_plain_wheel(root, sources, Path(temp), progress)
        wheel = _compile_in_pyodide(root, sources, plain, node, version, out_dir, progress)
    quizzes = _write_quizzes(quiz_paths, out_dir, progress)
    library = sheets.library_files()
    with tempfile.TemporaryDirectory(prefix="stageguide-sheets-") as temp:
        bundle_in, workbook = Path(temp) / "bundle.zip", Path(temp) / "sample.xlsx"
        bundle_in.write_bytes(sheets.make_bundle(library))
        workbook.write_bytes(sheets.sample_workbook(quizzes[0]))
        traced, sheet_traced = trace_stdlib(
            node, pyodide_dir(root), wheel, quizzes, (bundle_in, workbook)
        )
    trace = out_dir / TRACE
    replace_file(trace, (json.dumps(traced, indent=1) + "\n").encode("utf-8"))
    progress(f"wheel: traced {len(traced)} stdlib files imported inside Pyodide")
    full_stdlib = (pyodide_dir(root) / "python_stdlib.zip").read_bytes()
    bundle = sheets.make_bundle(sheets.with_stdlib(library, full_stdlib, sheet_traced))
    spreadsheet = out_dir / sheets.bundle_name(bundle)
    replace_file(spreadsheet, bundle)
    progress(
        f"wheel: spreadsheet bundle {spreadsheet.name} ({len(bundle):,} bytes: "
        f"{', '.join(f'{n} {v}' for n, v in sheets.library_versions().items())}, {len(sheet_traced)} more stdlib files)"
    )
    outputs = [wheel, *quizzes, trace, spreadsheet]
    for name in previous.get("outputs", []):
        stale = out_dir / name
        if stale not in outputs:
            stale.unlink(missing_ok=True)
    stamp = {
        "pyodide": version,
        "outputs": [p.name for p in outputs],
        "output_hashes": {p.name: sha256_file(p) for p in outputs},
        "inputs": inputs,
    }
    replace_file(out_dir / STAMP, (json.dumps(stamp, indent=2) + "\n").encode("utf-8"))
    return _result(outputs, rebuilt=True)


def _outputs_intact(out_dir: Path, stamp: dict[str, Any]) -> bool:
    """Trust earlier outputs only if each is still exactly what the stamp recorded."""
    names = stamp.get("outputs")
    hashes = stamp.get("output_hashes")
    if not isinstance(names, list) or not names or not isinstance(hashes, dict):
        return False
    for name in names:
        path = out_dir / str(name)
        if not path.is_file() or sha256_file(path) != hashes.get(name):
            return False
    return True


def core_sources(package: Path = PACKAGE) -> dict[str, Path]:
    """Archive name -> file for exactly what ships: the package marker and the core."""
    files = [
        package / "__init__.py",
        *sorted((package / "core").glob("*.py")),
        package / "py.typed",
    ]
    missing = [str(p) for p in files if not p.is_file()]
    if missing or not (package / "core" / "__init__.py").is_file():
        raise BuildError(
            f"the scoring core sources are incomplete; missing: {', '.join(missing) or package / 'core/__init__.py'}"
        )
    return {path.relative_to(package.parent).as_posix(): path for path in files}


def _result(outputs: list[Path], rebuilt: bool) -> WheelBuild:
    sizes = {path.name: path.stat().st_size for path in outputs}
    trace = next((path for path in outputs if path.name == TRACE), None)
    bundle = next((path for path in outputs if path.name.startswith("spreadsheet-")), None)
    quizzes = tuple(path for path in outputs[1:] if path not in (trace, bundle))
    return WheelBuild(outputs[0], quizzes, sizes, rebuilt, trace, bundle)


def _input_hashes(
    root: Path, sources: dict[str, Path], quiz_paths: list[Path], version: str
) -> dict[str, str]:
    """sha256 of every input by name, so the stamp can also say what changed."""
    runtime = pyodide_dir(root)
    named: list[tuple[str, Path]] = [*sources.items()]
    named += [(f"quiz:{path.resolve()}", path) for path in quiz_paths]
    named += [(f"runtime:{name}", runtime / name) for name in ("pyodide-lock.json", "package.json")]
    named += [(f"build:{path.name}", path) for path in BUILD_CODE]
    hashes = {"runtime:version": hashlib.sha256(version.encode()).hexdigest()}
    for name, installed in sheets.library_versions().items():
        hashes[f"library:{name}"] = hashlib.sha256(installed.encode()).hexdigest()
    for name, path in named:
        if not path.is_file():
            raise BuildError(f"build input {path} is missing")
        hashes[name] = sha256_file(path)
    return hashes


def _read_stamp(out_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((out_dir / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _package_version(init_file: Path) -> str:
    """`stageguide.__version__`, read from the staged source rather than whatever is imported."""
    for node in ast.parse(init_file.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets
        ):
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                return node.value.value
    raise BuildError(f'{init_file}: no `__version__ = "..."` found')


PYPROJECT = """\
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "stageguide"
version = "{version}"
description = "The stageguide scoring core (standard library only), compiled for Pyodide."
requires-python = ">=3.11"

[tool.setuptools]
packages = ["stageguide", "stageguide.core"]
package-dir = {{"" = "src"}}

[tool.setuptools.package-data]
stageguide = ["py.typed"]
"""


def _build_plain_wheel(
    root: Path, sources: dict[str, Path], temp: Path, progress: Progress
) -> Path:
    """Step (a): a py3-none-any wheel of the staged core, built by pypa `build`."""
    project = temp / "project"
    for name, path in sources.items():
        target = project / "src" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    version = _package_version(sources["stageguide/__init__.py"])
    (project / "pyproject.toml").write_text(PYPROJECT.format(version=version), encoding="utf-8")
    dist = temp / "dist"
    command = [
        sys.executable,
        "-m",
        "build",
        "--wheel",
        "--no-isolation",
        "--outdir",
        str(dist),
        str(project),
    ]
    try:
        done = subprocess.run(
            command, cwd=project, capture_output=True, text=True, timeout=BUILD_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        raise BuildError(
            f"building the plain core wheel did not finish within {BUILD_TIMEOUT} s"
        ) from None
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise BuildError(f"building the plain core wheel failed (exit {done.returncode}):\n{tail}")
    wheels = sorted(dist.glob("*-py3-none-any.whl"))
    if len(wheels) != 1:
        raise BuildError(
            f"expected one py3-none-any wheel from `build`, found: {[w.name for w in wheels]}"
        )
    size = sum(p.stat().st_size for p in sources.values())
    progress(
        f"wheel: built {wheels[0].name} ({wheels[0].stat().st_size:,} bytes; {len(sources)} "
        f"files, {size:,} bytes of source)"
    )
    return wheels[0]


def _compile_in_pyodide(
    root: Path,
    sources: dict[str, Path],
    plain: Path,
    node: str,
    version: str,
    out_dir: Path,
    progress: Progress,
) -> Path:
    """Step (b): byte-compile every module inside Pyodide and repack the wheel sourceless."""
    with zipfile.ZipFile(plain) as archive:
        members = {
            info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()
        }
    modules = {name: data for name, data in members.items() if name.endswith(".py")}
    job = json.dumps(
        {"files": {name: base64.b64encode(data).decode("ascii") for name, data in modules.items()}}
    )
    started = time.monotonic()
    try:
        done = subprocess.run(
            [node, str(COMPILER), str(pyodide_dir(root))],
            input=job,
            capture_output=True,
            text=True,
            timeout=COMPILE_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        raise BuildError(
            f"compiling inside Pyodide did not finish within {COMPILE_TIMEOUT} s ({COMPILER.name})"
        ) from None
    if done.returncode != 0 or not done.stdout.strip():
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise BuildError(
            f"Pyodide {version} could not run {COMPILER.name} (exit {done.returncode}):\n{tail}"
        )
    reply = json.loads(done.stdout.strip().splitlines()[-1])
    if not reply["ok"]:
        raise BuildError(_describe_failure(sources, reply, version))
    compiled = {name: base64.b64decode(data) for name, data in reply["files"].items()}
    tag = str(reply["tag"])
    data, name = _repack(plain.name, members, compiled, tag)
    wheel = out_dir / name
    replace_file(wheel, data)
    source_size, pyc_size = sum(map(len, modules.values())), sum(map(len, compiled.values()))
    progress(
        f"wheel: compiled {len(compiled)} modules inside Pyodide {version} (Python {reply['python']}) in "
        f"{time.monotonic() - started:.1f} s, {source_size:,} bytes of source -> {pyc_size:,} bytes of .pyc; "
        f"{name} ({len(data):,} bytes)"
    )
    return wheel


def _describe_failure(sources: dict[str, Path], reply: dict[str, Any], version: str) -> str:
    """Point at the source file and line, as Pyodide reported them."""
    archive_name = str(reply.get("file") or "?")
    path = sources.get(archive_name, Path(archive_name))
    where = f"{path}:{reply['line']}" if reply.get("line") else str(path)
    action = "compile" if reply.get("stage") == "compile" else "import"
    text = f"\n    {reply['text'].strip()}" if reply.get("text") else ""
    return f"{where}: {reply['message']}{text}\n(Pyodide {version} could not {action} this module of the scoring core)"


def _repack(
    plain_name: str, members: dict[str, bytes], compiled: dict[str, bytes], tag: str
) -> tuple[bytes, str]:
    """The wheel with .pyc in place of .py, WHEEL retagged and RECORD rewritten to match."""
    dist, version = plain_name.split("-")[:2]
    info_dir = f"{dist}-{version}.dist-info"
    files: dict[str, bytes] = {}
    for name, data in members.items():
        if name.endswith(".py"):
            files[name + "c"] = compiled[name + "c"]
        elif name == f"{info_dir}/WHEEL":
            files[name] = _retag(data.decode("utf-8"), tag).encode("utf-8")
        elif name != f"{info_dir}/RECORD":
            files[name] = data
    ordered = sorted(n for n in files if not n.startswith(info_dir)) + sorted(
        n for n in files if n.startswith(info_dir)
    )
    record = [f"{n},sha256={_record_hash(files[n])},{len(files[n])}" for n in ordered] + [
        f"{info_dir}/RECORD,,"
    ]
    files[f"{info_dir}/RECORD"] = ("\n".join(record) + "\n").encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in [*ordered, f"{info_dir}/RECORD"]:
            entry = zipfile.ZipInfo(name, ZIP_DATE)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, files[name])
    return buffer.getvalue(), f"{dist}-{version}-{tag}-none-any.whl"


def _retag(wheel_text: str, tag: str) -> str:
    lines = [
        line for line in wheel_text.splitlines() if line.strip() and not line.startswith("Tag:")
    ]
    return "\n".join([*lines, f"Tag: {tag}-none-any"]) + "\n"


def _record_hash(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")


def _write_quizzes(quiz_paths: list[Path], out_dir: Path, progress: Progress) -> list[Path]:
    """Step (c): each quiz, validated with line numbers, as `<quiz id>.json`."""
    from stageguide.core import QuizError
    from stageguide.quizfile import read_quiz

    written: dict[str, Path] = {}
    for path in quiz_paths:
        try:
            quiz = read_quiz(path)
        except QuizError as error:
            raise BuildError(str(error)) from None
        if quiz.id in written:
            raise BuildError(f"{path}: quiz id {quiz.id!r} is already used by {written[quiz.id]}")
        target = out_dir / f"{quiz.id}.json"
        data = json.dumps(quiz.to_dict(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        replace_file(target, data)
        written[quiz.id] = path
        progress(
            f"wheel: wrote {target.name} ({len(data):,} bytes; {len(quiz.statements)} statements, "
            f"{len(quiz.stages)} stages) from {path.name}"
        )
    return [out_dir / f"{quiz_id}.json" for quiz_id in written]
