"""The command dispatcher behind `python build.py <command>`.

build.py prepares .venv and node_modules with the standard library alone, then
runs `python -m stageguide.buildtools <command> [args]` here. Each command is one
function in COMMANDS taking the repository root and the remaining arguments and
returning an exit code; add a command by adding a function and a table entry.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from .bench import run_bench
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
    raise BuildError(
        f"no build.py found in {start} or any folder above it; run this from the stageguide repository"
    )


def _fail(message: str) -> int:
    print(f"build.py: error: {message}", file=sys.stderr, flush=True)
    return 2


# --- wheel -------------------------------------------------------------------


def run_wheel(root: Path, args: list[str]) -> int:
    """Compile the scoring core for Pyodide and write the quiz JSON into build/wheel/."""
    from .wheel import build_wheel

    if args:
        return _fail(f"`wheel` takes no arguments, got: {' '.join(args)}")
    quizzes = sorted((root / "quiz").glob("*.yml"))
    result = build_wheel(root, quizzes, progress=lambda line: print(line, flush=True))
    print(f"{result.wheel} ({result.wheel.stat().st_size:,} bytes)")
    return 0


# --- test --------------------------------------------------------------------


# Every CPU runs test files (pytest-xdist): the browser tests spend much of their time waiting
# on Chromium and Pyodide, so two workers on two CPUs take about a quarter less time than one
# (measured on the two largest browser files: 240 s against 186 s). A file
# stays on one worker, so its module fixtures (a built site, a browser) are made once.
# Files go out in the order tests/conftest.py gives them (the longest first), not xdist's
# own (most tests first), which left the few-test, many-minute files for the end.
PARALLEL = ("-n", "auto", "--dist", "loadfile", "--no-loadscope-reorder")


def run_test(root: Path, args: list[str]) -> int:
    """Run pytest with the arguments given, in parallel unless they say `-n`; no tests is a failure."""
    chosen = any(a.startswith(("-n", "--numprocesses")) for a in args)
    parallel = () if chosen or "no:xdist" in args else PARALLEL
    code = subprocess.call([sys.executable, "-m", "pytest", *parallel, *args], cwd=root)
    if code == PYTEST_NO_TESTS:
        print(
            "build.py: error: pytest collected no tests; treating that as a failure",
            file=sys.stderr,
            flush=True,
        )
    return code


# --- build / serve -------------------------------------------------------------

MKDOCS_ENV = {"NO_MKDOCS_2_WARNING": "1"}


def run_build(root: Path, args: list[str]) -> int:
    """A strict `mkdocs build` into site/ (extra args go to mkdocs), then a size report.

    `--with zensical` builds with Zensical instead (see zensical_build.py).
    """
    from .sitesize import report_site

    generator, args = _generator(args)
    if generator == "zensical":
        from .zensical_build import run_zensical_build

        return run_zensical_build(root, args)
    code = _mkdocs(root, ["build", "--strict", *args])
    if code != 0:
        return code
    site = _site_dir(root, args)
    if site.is_dir():
        print(report_site(site), flush=True)
    return 0


def run_serve(root: Path, args: list[str]) -> int:
    """Build and serve on 127.0.0.1 with live reload (MkDocs' own server)."""
    generator, args = _generator(args)
    if generator == "zensical":
        raise BuildError(
            "`serve --with zensical` is not offered: Zensical's server rebuilds pages without the "
            "stageguide step, so its quiz page would be empty. Run `python build.py build --with "
            "zensical`, then serve site/ with any static server (README, Building with Zensical)"
        )
    if not any(arg.startswith(("-a", "--dev-addr")) for arg in args):
        args = ["--dev-addr", "127.0.0.1:8000", *args]
    print(
        "Building, then serving on 127.0.0.1 with live reload; MkDocs prints the address (Ctrl+C stops it).",
        flush=True,
    )
    return _mkdocs(root, ["serve", "--livereload", *args])


GENERATORS = ("mkdocs", "zensical")


def _generator(args: list[str]) -> tuple[str, list[str]]:
    """`--with NAME` (or `--with=NAME`) taken out of args; MkDocs when absent."""
    rest, name = [], "mkdocs"
    items = iter(args)
    for arg in items:
        if arg == "--with":
            name = next(items, "")
        elif arg.startswith("--with="):
            name = arg.split("=", 1)[1]
        else:
            rest.append(arg)
    if name not in GENERATORS:
        raise BuildError(f"--with takes one of {', '.join(GENERATORS)}, got {name!r}")
    return name, rest


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
    """Re-pin requirements.in into requirements.lock with hashes (needs pip-tools).

    `-P` keeps the repository root off sys.path: its build.py would shadow pypa `build`.
    """
    if importlib.util.find_spec("piptools") is None:  # installed on demand, not a dependency
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "pip-tools"])
    return subprocess.call(
        [
            # -P: the repository's build.py must not shadow pypa `build`, which pip-tools imports.
            sys.executable,
            "-P",
            "-m",
            "piptools",
            "compile",
            "--quiet",
            "--generate-hashes",
            "--allow-unsafe",
            "--strip-extras",
            "--no-emit-index-url",
            "--no-emit-find-links",
            "--output-file",
            "requirements.lock",
            "requirements.in",
            *args,
        ],
        cwd=root,
    )


# --- schema --------------------------------------------------------------------

SCHEMA_FILE = Path("quiz") / "quiz.schema.json"


def schema_text() -> str:
    """The quiz file's JSON Schema as committed (the same text `python -m stageguide schema` prints)."""
    from ..core.spec import json_schema

    return json.dumps(json_schema(), indent=2) + "\n"


def run_schema(root: Path, args: list[str]) -> int:
    """Write quiz/quiz.schema.json from the validator's own definition (`--check`: only compare)."""
    if args not in ([], ["--check"]):
        return _fail(f"`schema` takes no arguments but --check, got: {' '.join(args)}")
    target = root / SCHEMA_FILE
    text = schema_text()
    current = target.read_text(encoding="utf-8") if target.is_file() else None
    if args == ["--check"]:
        if current != text:
            return _fail(
                f"{SCHEMA_FILE} is out of date; run `python build.py schema` and commit it"
            )
        print(f"{SCHEMA_FILE} is up to date")
        return 0
    if current == text:
        print(f"{SCHEMA_FILE} is up to date")
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {SCHEMA_FILE} ({len(text):,} bytes)")
    return 0


# --- deploy --------------------------------------------------------------------

# Options of `mkdocs gh-deploy` that the strict pre-build must honour too.
SHARED_BUILD_OPTIONS = ("-f", "--config-file", "-d", "--site-dir")


def run_deploy(root: Path, args: list[str]) -> int:
    """Publish with `mkdocs gh-deploy`: git checks, the strict build and size check, then the push.

    Extra arguments go to `mkdocs gh-deploy` (e.g. `-m "message"`, `-r upstream`).
    """
    from .sitesize import FILE_LIMIT, human

    remote = _option_value(args, ("-r", "--remote-name")) or "origin"
    _check_git_remote(root, remote)
    if not os.environ.get("SITE_URL"):
        print(
            "build.py: SITE_URL is not set, so the site is built for the site_url in mkdocs.yml",
            flush=True,
        )
    build_args = [
        arg
        for flag in SHARED_BUILD_OPTIONS
        if (value := _option_value(args, (flag,)))
        for arg in (flag, value)
    ]
    code = run_build(root, build_args)
    if code != 0:
        return code
    site = _built_site_dir(root, build_args)
    too_big = [
        path for path in site.rglob("*") if path.is_file() and path.stat().st_size > FILE_LIMIT
    ]
    if too_big:
        names = ", ".join(
            f"{path.relative_to(site)} ({human(path.stat().st_size)})" for path in too_big
        )
        raise BuildError(
            f"not deploying: GitHub Pages refuses files over {human(FILE_LIMIT)}: {names}"
        )
    print(
        f"Deploying to the gh-pages branch of {remote!r} with `mkdocs gh-deploy --force --strict`",
        flush=True,
    )
    return _mkdocs(root, ["gh-deploy", "--force", "--strict", *args])


def _built_site_dir(root: Path, build_args: list[str]) -> Path:
    """Where the build wrote the site: -d if given, else the config's own site_dir."""
    from mkdocs.config import load_config

    site_dir = _option_value(build_args, ("-d", "--site-dir"))
    if site_dir:
        return (root / site_dir).resolve()
    config_file = _option_value(build_args, ("-f", "--config-file")) or "mkdocs.yml"
    return Path(load_config(config_file=str(root / config_file)).site_dir)


def _option_value(args: list[str], flags: tuple[str, ...]) -> str | None:
    for index, arg in enumerate(args):
        if arg in flags and index + 1 < len(args):
            return args[index + 1]
        for flag in flags:
            if flag.startswith("--") and arg.startswith(flag + "="):
                return arg.split("=", 1)[1]
    return None


def _check_git_remote(root: Path, remote: str) -> None:
    git = shutil.which("git")
    if git is None:
        raise BuildError(
            "`deploy` needs git, which is not installed; install it, or publish with the GitHub Pages workflow"
        )
    inside = subprocess.run(
        [git, "rev-parse", "--is-inside-work-tree"], cwd=root, capture_output=True, text=True
    )
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        raise BuildError(
            f"{root} is not a git repository; `deploy` pushes the built site to the gh-pages branch of its "
            f"{remote!r} remote. Clone your fork with git, or run `git init` and `git remote add "
            f"{remote} <url of your repository>`"
        )
    url = subprocess.run(
        [git, "remote", "get-url", remote], cwd=root, capture_output=True, text=True
    )
    if url.returncode != 0:
        raise BuildError(
            f"this repository has no {remote!r} remote to push the gh-pages branch to; add one with "
            f"`git remote add {remote} <url of your repository>` (or name another with -r NAME)"
        )


COMMANDS: dict[str, Command] = {
    "build": run_build,
    "serve": run_serve,
    "test": run_test,
    "wheel": run_wheel,
    "bench": run_bench,
    "deploy": run_deploy,
    "lock": run_lock,
    "schema": run_schema,
}
