"""The generator-independent step: real `zensical build` runs, and the step's own checks.

The MkDocs path runs the same step through the plugin (tests/test_plugin.py); here it
runs on its own, as `python -m stageguide.sitestep`, after Zensical.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.utils import get_relative_url
from sitebuild import REPO, run_zensical_build, variant_config, zensical_missing
from sitecontent import site_quiz

from stageguide.quizfile import read_quiz
from stageguide.sitestep.urls import page_url, relative_url

QUIZ_FILE = site_quiz()
QUIZ_TEXT = QUIZ_FILE.read_text(encoding="utf-8")
QUIZ = read_quiz(QUIZ_FILE)
BLANK_PAGE = "<!doctype html><html><head><title>x</title></head><body></body></html>"


def _step(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stageguide.sitestep", "-f", str(config), "-d", str(site)],
        capture_output=True,
        text=True,
        timeout=600,
    )


def _blank_site(folder: Path) -> Path:
    """A built site with one page and no marker: enough for the checks that come before the pages."""
    site = folder / "site"
    site.mkdir(parents=True)
    (site / "index.html").write_text(BLANK_PAGE, encoding="utf-8")
    return site


@pytest.mark.parametrize(
    ("url", "page"),
    [
        ("assets/stageguide/quiz.1.js", ""),
        ("assets/stageguide/quiz.1.js", "quiz/"),
        ("stages/aligned/", "stages/defined/"),
        ("assets/stageguide/pyodide/abc/", "a/b/c.html"),
        ("", "quiz/"),
        ("stageguide-sw.js", "404.html"),
    ],
)
def test_relative_urls_are_the_ones_mkdocs_writes(url: str, page: str) -> None:
    assert relative_url(url, page) == get_relative_url(url, page)


@pytest.mark.parametrize(
    ("src", "directory_urls", "expected"),
    [
        ("stages/aligned.md", True, "stages/aligned/"),
        ("stages/aligned.md", False, "stages/aligned.html"),
        ("index.md", True, "./"),
        ("guide/README.md", True, "guide/"),
    ],
)
def test_page_urls_follow_mkdocs_rule(src: str, directory_urls: bool, expected: str) -> None:
    assert page_url(src, directory_urls) == expected


def test_a_broken_quiz_stops_the_step_naming_file_line_and_field(tmp_path: Path) -> None:
    dimension = QUIZ.statements[0].dimension
    typo = f"{dimension}zz"
    broken = QUIZ_TEXT.replace(f"dimension: {dimension}", f"dimension: {typo}", 1)
    line = next(n for n, text in enumerate(broken.splitlines(), 1) if f"dimension: {typo}" in text)
    config = variant_config(tmp_path / "config", {}, broken)
    done = _step(config, _blank_site(tmp_path))
    assert done.returncode == 2, done.stderr
    quiz_path = tmp_path / "config" / "quiz.yml"
    assert f"{quiz_path}:{line}: statements[0].dimension: '{typo}' is not a dimension" in (
        done.stderr
    )
    assert "Traceback" not in done.stderr


def test_bad_plugin_options_in_mkdocs_yml_are_named(tmp_path: Path) -> None:
    config = variant_config(tmp_path / "config", {"runtime": "somewhere", "colour": "red"})
    done = _step(config, _blank_site(tmp_path))
    assert done.returncode == 2
    assert "plugins.stageguide.runtime: expected one of self-hosted, cdn" in done.stderr
    assert "plugins.stageguide.colour: unknown option" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_stage_page_that_does_not_exist_stops_the_step(tmp_path: Path) -> None:
    page = QUIZ.stages[-1].page
    broken = QUIZ_TEXT.replace(f"page: {page}", "page: stages/nowhere.md", 1)
    config = variant_config(tmp_path / "config", {"startup_snapshot": False}, broken)
    done = _step(config, _blank_site(tmp_path))
    assert done.returncode == 2
    index = len(QUIZ.stages) - 1
    assert f"stages[{index}].page: 'stages/nowhere.md' is not a page of this site" in done.stderr


def test_the_step_refuses_a_site_it_has_already_been_through(tmp_path: Path) -> None:
    site = _blank_site(tmp_path)
    (site / "stageguide-sw.js").write_text("", encoding="utf-8")
    done = _step(variant_config(tmp_path / "config", {}), site)
    assert done.returncode == 2 and "has been through this step already" in done.stderr


def _marked_pages() -> dict[str, str]:
    """Page URL -> `quiz` or `team`, for the site's Markdown pages holding a marker (any model)."""
    docs = REPO / "docs"
    found = {}
    for source in sorted(docs.rglob("*.md")):
        text = source.read_text(encoding="utf-8")
        for kind in ("quiz", "team"):
            if f"<!-- stageguide:{kind} -->" in text:
                found[page_url(source.relative_to(docs).as_posix())] = kind
    return found


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    reason = zensical_missing()
    if reason:
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("zensical")
    done = run_zensical_build(folder)
    assert done.returncode == 0, done.stderr
    return folder / "site"


def test_zensical_build_and_the_step_render_the_markers_and_ship_hashed_assets(
    zensical_site: Path,
) -> None:
    marked = _marked_pages()
    assert "quiz/" in marked, "the site's docs hold the quiz marker on quiz.md"
    quiz = (zensical_site / "quiz" / "index.html").read_text(encoding="utf-8")
    for url, kind in marked.items():
        html = (zensical_site / url / "index.html").read_text(encoding="utf-8")
        assert f"<!-- stageguide:{kind} -->" not in html and f"data-stageguide-{kind}" in html
    settings = json.loads(re.search(r"data-sg-settings='([^']*)'", quiz).group(1))  # type: ignore[union-attr]
    for key in ("worker", "wheel", "quiz"):
        assert (zensical_site / "quiz" / settings["urls"][key]).resolve().is_file(), key
    assert (zensical_site / "quiz" / settings["urls"]["pyodide"] / "pyodide.asm.wasm.gz").is_file()
    assert re.search(r'<script src="\.\./assets/stageguide/quiz\.[0-9a-f]{10}\.js">', quiz)
    assert re.search(r'<script async src="\.\./assets/stageguide/engine\.[0-9a-f]{10}\.js">', quiz)
    assert settings["sw"] and (zensical_site / "stageguide-sw.js").is_file()
    offline = json.loads(
        (zensical_site / "assets" / "stageguide" / "offline.json").read_text(encoding="utf-8")
    )
    assert set(marked) <= set(offline["precache"])
    for page in sorted(zensical_site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        assert '<meta http-equiv="Content-Security-Policy"' in html, page
        assert 'data-md-component="source"' not in html, page  # no call to the code host's API
        assert "stageguide/theme." in html or "<body" not in html, page


def test_a_guide_page_built_by_zensical_loads_no_runtime(zensical_site: Path) -> None:
    home = (zensical_site / "index.html").read_text(encoding="utf-8")
    assert "pyodide" not in home and "data-stageguide-quiz" not in home
