"""The plugin in someone else's MkDocs site, installed from a wheel, as the README tells an author.

A wheel of the project is built from a copy of the working tree and installed (not
editable) into a fresh virtual environment; a small site of its own, in a temporary
folder outside the repository, adds the quiz with the plugin lines and the marker; a
strict `mkdocs build` there must compile the core from the installed package and keep
its intermediate files in the site's own cache folder; then a visitor takes the quiz in Chromium.

Offline on purpose: the fresh environment gets its third-party packages (MkDocs,
Material, …) from this checkout's .venv through a .pth file instead of the network, and
the site's `npm install --save-exact pyodide@<pin>` is represented by what it leaves
behind (package.json with the exact pin, node_modules/pyodide), linked from this checkout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest
from paths import PYODIDE, REPO
from playwright.sync_api import Page
from sitecontent import copy_working_tree

from stageguide.buildtools.runtime import pinned_version
from stageguide.buildtools.staticserver import SiteServer
from stageguide.core import Quiz, score
from stageguide.quizfile import read_quiz

from .quizpage import answer, expect_result, submit, vector_for_total, wait_engine

MODEL = REPO / "tests" / "models" / "team-sport.yml"
QUIZ: Quiz = read_quiz(MODEL)
TIMEOUT = 600


def _run(
    command: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT
    )
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"
    return done


def build_wheel(dest: Path) -> Path:
    """`python -m build --wheel` of the project, from a copy so the checkout gains no build files."""
    source = copy_working_tree(dest / "source")
    # -P: the project's own build.py must not shadow pypa `build`.
    _run(
        [
            sys.executable,
            "-P",
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(dest / "dist"),
            str(source),
        ],
        cwd=dest,
    )
    [wheel] = (dest / "dist").glob("stageguide-*-py3-none-any.whl")
    return wheel


def fresh_venv(folder: Path, wheel: Path) -> Path:
    """A new virtual environment with the wheel installed in it; the rest comes from this .venv."""
    venv.EnvBuilder(with_pip=False).create(folder)
    python = folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            cwd=folder,
        ).stdout.strip()
    )
    (purelib / "zz-third-party-from-the-test-venv.pth").write_text(
        sysconfig.get_path("purelib") + "\n", encoding="utf-8"
    )
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        cwd=folder,
    )
    return python


def author_site(folder: Path) -> Path:
    """A site of its own: one home page, one page with the marker, one page per stage."""
    docs = folder / "docs"
    (docs / "stages").mkdir(parents=True)
    (folder / "quiz").mkdir()
    (folder / "quiz" / "club.yml").write_text(MODEL.read_text(encoding="utf-8"), encoding="utf-8")
    (docs / "index.md").write_text(
        "# Our club\n\nHow well does the club run? [Take the quiz](quiz.md).\n", encoding="utf-8"
    )
    (docs / "quiz.md").write_text("# Take the quiz\n\n<!-- stageguide:quiz -->\n", encoding="utf-8")
    nav = ["  - Home: index.md", "  - Quiz: quiz.md"]
    for stage in QUIZ.stages:
        (docs / stage.page).parent.mkdir(parents=True, exist_ok=True)
        (docs / stage.page).write_text(
            f"# {stage.title}\n\nWhat this stage means for the club.\n", encoding="utf-8"
        )
        nav.append(f"  - {stage.title}: {stage.page}")
    (folder / "mkdocs.yml").write_text(
        "site_name: Club Guide\n"
        "site_url: !ENV [SITE_URL, 'https://club.example.org/']\n"
        "theme:\n  name: material\n  font: false\n  features:\n    - navigation.instant\n"
        "nav:\n" + "\n".join(nav) + "\n"
        "plugins:\n  - search\n  - stageguide:\n      quiz: quiz/club.yml\n",
        encoding="utf-8",
    )
    # What `npm install --save-exact pyodide@<pin>` leaves in the site's folder.
    pin = pinned_version(REPO)
    (folder / "package.json").write_text(
        json.dumps({"dependencies": {"pyodide": pin}}, indent=2) + "\n", encoding="utf-8"
    )
    (folder / "node_modules").mkdir()
    (folder / "node_modules" / "pyodide").symlink_to(PYODIDE, target_is_directory=True)
    return folder


@pytest.fixture(scope="module")
def installed_site(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[SiteServer, Path, str]]:
    work = tmp_path_factory.mktemp("installed")
    assert REPO not in work.parents, "the site must live outside the repository"
    python = fresh_venv(work / "venv", build_wheel(work))
    where = _run(
        [str(python), "-c", "import stageguide; print(stageguide.__file__)"], cwd=work
    ).stdout.strip()
    assert Path(where).is_relative_to(work / "venv"), (
        f"the fresh environment imports stageguide from {where}"
    )
    site = author_site(work / "club-site")
    out = site / "site"
    out.mkdir()
    running = SiteServer(out).start()
    try:
        env = {**os.environ, "SITE_URL": running.url, "NO_MKDOCS_2_WARNING": "1"}
        env.pop("PYTHONPATH", None)
        done = _run([str(python), "-m", "mkdocs", "build", "--strict"], cwd=site, env=env)
        yield running, site, done.stdout + done.stderr
    finally:
        running.stop()


def test_the_installed_plugin_builds_from_its_own_package_into_the_sites_cache(
    installed_site: tuple[SiteServer, Path, str],
) -> None:
    _, site, log = installed_site
    cache = site / ".cache" / "plugin" / "stageguide"
    assert list((cache / "engine").glob(f"{QUIZ.id}-*/stamp.json")), log
    assert (cache / "runtime" / "runtime-manifest.json").is_file(), log
    assert not (site / "build").exists() and not (site / "src").exists()
    wheels = list(
        (site / "site" / "assets" / "stageguide" / "engine").rglob("*-cp314-none-any.whl")
    )
    assert len(wheels) == 1, log


def test_a_visitor_takes_the_quiz_on_the_authors_site(
    page: Page, installed_site: tuple[SiteServer, Path, str]
) -> None:
    server, _, _ = installed_site
    stage = QUIZ.stages[-1]
    answers = vector_for_total((stage.low + stage.high) // 2, QUIZ)
    expected = score(QUIZ, answers)
    page.goto(server.url + "quiz/")
    wait_engine(page)
    answer(page, answers, QUIZ)
    submit(page)
    expect_result(page, expected, QUIZ)
