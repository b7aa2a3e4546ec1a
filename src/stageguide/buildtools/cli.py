"""The command dispatcher behind `python build.py <command>`.

build.py prepares .venv and node_modules with the standard library alone, then
runs `python -m stageguide.buildtools <command> [args]` here. Each command is one
function in COMMANDS taking the repository root and the remaining arguments and
returning an exit code; add a command by adding a function and a table entry.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from .errors import BuildError

Command = Callable[[Path, list[str]], int]
PYTEST_NO_TESTS = 5


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(f"usage: python build.py <command> [args]; commands: {', '.join(COMMANDS)}")
        return 0 if argv else 2
    name, args = argv[0], argv[1:]
    command = COMMANDS.get(name)
    if command is None:
        return _fail(f"unknown command {name!r}; expected one of: {', '.join(COMMANDS)}")
    try:
        return command(find_root(Path.cwd()), args)
    except BuildError as error:
        return _fail(str(error))


def find_root(start: Path) -> Path:
    """The folder holding build.py, searched from start upwards."""
    for folder in (start.resolve(), *start.resolve().parents):
        if (folder / "build.py").is_file():
            return folder
    raise BuildError(f"no build.py found in {start} or any folder above it; run this from the stageguide repository")


def _fail(message: str) -> int:
    print(f"build.py: error: {message}", file=sys.stderr, flush=True)
    return 2


# --- wheel -------------------------------------------------------------------


def run_wheel(root: Path, args: list[str]) -> int:
    """Compile the scoring core for Pyodide and write the quiz JSON into build/engine/."""
    from .engine import build_engine

    if args:
        return _fail(f"`wheel` takes no arguments, got: {' '.join(args)}")
    quizzes = sorted((root / "quiz").glob("*.yml"))
    result = build_engine(root, quizzes, progress=lambda line: print(line, flush=True))
    print(f"{result.wheel} ({result.wheel.stat().st_size:,} bytes)")
    return 0


# --- test --------------------------------------------------------------------


def run_test(root: Path, args: list[str]) -> int:
    """Run pytest with the arguments given; collecting no tests counts as a failure."""
    code = subprocess.call([sys.executable, "-m", "pytest", *args], cwd=root)
    if code == PYTEST_NO_TESTS:
        print("build.py: error: pytest collected no tests; treating that as a failure", file=sys.stderr, flush=True)
    return code


# --- build / serve -------------------------------------------------------------

MKDOCS_ENV = {"NO_MKDOCS_2_WARNING": "1"}


def run_build(root: Path, args: list[str]) -> int:
    """A strict `mkdocs build` into site/ (extra args go to mkdocs), then a size report."""
    from .sitesize import report_site

    code = _mkdocs(root, ["build", "--strict", *args])
    if code != 0:
        return code
    site = _site_dir(root, args)
    if site.is_dir():
        print(report_site(site), flush=True)
    return 0


def run_serve(root: Path, args: list[str]) -> int:
    """Build and serve on 127.0.0.1 with live reload (MkDocs' own server)."""
    if not any(arg.startswith(("-a", "--dev-addr")) for arg in args):
        args = ["--dev-addr", "127.0.0.1:8000", *args]
    print("Building, then serving on 127.0.0.1 with live reload; MkDocs prints the address (Ctrl+C stops it).", flush=True)
    return _mkdocs(root, ["serve", "--livereload", *args])


def _mkdocs(root: Path, args: list[str]) -> int:
    env = {**os.environ, **MKDOCS_ENV}
    return subprocess.call([sys.executable, "-m", "mkdocs", *args], cwd=root, env=env)


def _site_dir(root: Path, args: list[str]) -> Path:
    for flag in ("-d", "--site-dir"):
        if flag in args and args.index(flag) + 1 < len(args):
            return (root / args[args.index(flag) + 1]).resolve()
    return root / "site"


# --- lock ----------------------------------------------------------------------


def run_lock(root: Path, args: list[str]) -> int:
    """Re-pin requirements.in into requirements.lock with hashes (needs pip-tools)."""
    try:
        import piptools  # noqa: F401
    except ImportError:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "pip-tools"])
    return subprocess.call(
        [
            sys.executable, "-m", "piptools", "compile", "--quiet", "--generate-hashes", "--allow-unsafe",
            "--strip-extras", "--no-emit-index-url", "--no-emit-find-links",
            "--output-file", "requirements.lock", "requirements.in", *args,
        ],
        cwd=root,
    )


# --- not written yet ---------------------------------------------------------


def _not_implemented(name: str) -> Command:
    def run(root: Path, args: list[str]) -> int:
        return _fail(f"`{name}` is not implemented yet")

    return run


COMMANDS: dict[str, Command] = {
    "build": run_build,
    "serve": run_serve,
    "test": run_test,
    "wheel": run_wheel,
    "bench": _not_implemented("bench"),
    "deploy": _not_implemented("deploy"),
    "lock": run_lock,
}
