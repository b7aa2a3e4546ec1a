"""The MkDocs plugin through real builds: config errors, author mistakes, and what lands in the site."""

from __future__ import annotations

import json
import zipfile
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from paths import MKDOCS_YML, PYODIDE
from sitebuild import built_file, run_mkdocs_build, variant_config
from sitecontent import site_quiz

from stageguide.core.limits import MAX_CSV_BYTES, MAX_RESPONDENTS, describe_size
from stageguide.core.sharecode import MAX_NAME_LENGTH
from stageguide.plugin.config import StageguideConfig
from stageguide.quizfile import parse_quiz, read_quiz
from stageguide.sitestep.offline import MANIFEST_NAME
from stageguide.sitestep.render import render_quiz
from stageguide.sitestep.step import SCRIPTS

SITE_QUIZ = site_quiz()  # whatever quiz the site uses: these tests hold for any model
QUIZ_TEXT = SITE_QUIZ.read_text(encoding="utf-8")
QUIZ = read_quiz(SITE_QUIZ)


@pytest.fixture(scope="module")
def default_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("default") / "site"
    done = run_mkdocs_build(MKDOCS_YML, dest)
    assert done.returncode == 0, done.stderr
    return dest


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"runtime": "somewhere"}, "runtime"),
        ({"engine_timeout": "soon"}, "engine_timeout"),
        ({"stdlib": "half"}, "stdlib"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_options_are_reported_by_the_config_contract(
    options: dict[str, object], fragment: str
) -> None:
    config = StageguideConfig()
    config.load_dict({"quiz": "quiz/sales-marketing.yml", **options})
    errors, warnings = config.validate()
    assert any(fragment in name for name, _ in [*errors, *warnings]), (errors, warnings)


def _build(tmp_path: Path, options: dict[str, object], quiz_text: str | None = None):  # type: ignore[no-untyped-def]
    return run_mkdocs_build(
        variant_config(tmp_path / "config", options, quiz_text), tmp_path / "site"
    )


def test_cdn_runtime_needs_a_url(tmp_path: Path) -> None:
    done = _build(tmp_path, {"runtime": "cdn"})
    assert done.returncode != 0
    assert "cdn_url is empty" in done.stderr and "Traceback" not in done.stderr


def test_a_broken_quiz_fails_the_strict_build_naming_file_line_and_field(tmp_path: Path) -> None:
    dimension = QUIZ.statements[0].dimension
    typo = f"{dimension}zz"
    broken = QUIZ_TEXT.replace(f"dimension: {dimension}", f"dimension: {typo}", 1)
    line = (
        broken.splitlines().index(
            next(text for text in broken.splitlines() if f"dimension: {typo}" in text)
        )
        + 1
    )
    done = _build(tmp_path, {}, broken)
    assert done.returncode != 0
    quiz_path = tmp_path / "config" / "quiz.yml"
    assert (
        f"{quiz_path}:{line}: statements[0].dimension: '{typo}' is not a dimension" in done.stderr
    ), done.stderr
    assert "Traceback" not in done.stderr


def test_a_stage_page_that_does_not_exist_fails_the_build(tmp_path: Path) -> None:
    index, page = len(QUIZ.stages) - 1, QUIZ.stages[-1].page
    assert QUIZ_TEXT.count(f"page: {page}") == 1, (
        f"this test expects `page: {page}` once in {SITE_QUIZ}"
    )
    done = _build(tmp_path, {}, QUIZ_TEXT.replace(f"page: {page}", "page: stages/no-such-page.md"))
    assert done.returncode != 0
    assert (
        f"stages[{index}].page: 'stages/no-such-page.md' is not a page of this site" in done.stderr
    ), done.stderr


def test_the_default_site_ships_the_engine_the_trimmed_runtime_and_the_offline_files(
    default_site: Path,
) -> None:
    stageguide = default_site / "assets" / "stageguide"
    wheels = list((stageguide / "engine").glob("*/*.whl"))
    assert len(wheels) == 1 and wheels[0].name.endswith("-cp314-none-any.whl")
    assert (
        json.loads((default_site / built_file(default_site, f"{QUIZ.id}.json")).read_text())["id"]
        == QUIZ.id
    )
    runtime = default_site / built_file(default_site, "runtime-manifest.json")
    manifest = json.loads(runtime.read_text())
    assert manifest["stdlib"] == "trimmed"
    shipped = {entry["name"]: entry for entry in manifest["files"]}
    assert set(shipped) == {
        "pyodide.mjs",
        "pyodide.asm.mjs",
        "pyodide.asm.wasm",
        "pyodide.asm.wasm.gz",
        "python_stdlib.zip",
        "pyodide-lock.json",
    }
    for name, entry in shipped.items():
        assert (runtime.parent / name).stat().st_size == entry["size"]
    full = PYODIDE / "python_stdlib.zip"
    trimmed = runtime.parent / "python_stdlib.zip"
    assert trimmed.stat().st_size < full.stat().st_size / 2
    names = set(zipfile.ZipFile(trimmed).namelist())
    modules = {name.removesuffix("c") for name in names}  # some ship as bytecode (.pyc)
    assert {"json/__init__.py", "csv.py", "traceback.py", "encodings/utf_8.py"} <= modules
    assert any(name.endswith(".pyc") for name in names)
    assert "email/__init__.py" not in modules and "unittest/__init__.py" not in modules
    assert json.loads((runtime.parent / "pyodide-lock.json").read_text())["packages"] == {}
    assert (default_site / "stageguide-sw.js").is_file()
    offline = json.loads((stageguide / "offline.json").read_text())
    assert (
        "quiz/" in offline["precache"]
        and built_file(default_site, "pyodide.asm.wasm") in offline["pinned"]
    )
    # The service worker keeps the precompressed wasm the engine fetches, not the 9.6 MB plain one as well.
    assert built_file(default_site, "pyodide.asm.wasm.gz") in offline["precache"]
    assert built_file(default_site, "pyodide.asm.wasm") not in offline["precache"]
    quiz_page = (default_site / "quiz" / "index.html").read_text(encoding="utf-8")
    assert offline["version"] in quiz_page
    assert "<!-- stageguide:quiz -->" not in quiz_page and quiz_page.count("<fieldset") >= len(
        QUIZ.statements
    )


def test_the_built_site_has_no_hidden_files(default_site: Path) -> None:
    # upload-pages-artifact (v5) leaves dot-files out of what the Pages workflow publishes.
    hidden = [str(p.relative_to(default_site)) for p in default_site.rglob(".*")]
    assert hidden == [], "these would not be published: " + ", ".join(hidden)


def test_guide_pages_reference_no_runtime(default_site: Path) -> None:
    stage_pages = [f"{stage.page[:-3]}/index.html" for stage in QUIZ.stages]
    for page in ("index.html", *stage_pages):
        html = (default_site / page).read_text(encoding="utf-8")
        assert "pyodide" not in html and ".whl" not in html and "worker.mjs" not in html, page


def test_options_switch_off_trimming_offline_and_the_policy(tmp_path: Path) -> None:
    done = _build(tmp_path, {"stdlib": "full", "offline": False, "csp": False})
    assert done.returncode == 0, done.stderr
    site = tmp_path / "site"
    full = PYODIDE / "python_stdlib.zip"
    assert (site / built_file(site, "python_stdlib.zip")).read_bytes() == full.read_bytes()
    assert not (site / "stageguide-sw.js").exists()
    assert "Content-Security-Policy" not in (site / "quiz" / "index.html").read_text(
        encoding="utf-8"
    )


def test_cdn_runtime_ships_no_runtime_and_allows_only_that_origin(tmp_path: Path) -> None:
    prefix = "https://cdn.example.test/pyodide/v314.0.7/full/"
    done = _build(tmp_path, {"runtime": "cdn", "cdn_url": prefix})
    assert done.returncode == 0, done.stderr
    site = tmp_path / "site"
    assert not (site / "assets" / "stageguide" / "pyodide").exists()
    quiz_page = (site / "quiz" / "index.html").read_text(encoding="utf-8")
    assert prefix in quiz_page
    policy = quiz_page.split('http-equiv="Content-Security-Policy" content="', 1)[1].split('"', 1)[
        0
    ]
    assert (
        "https://cdn.example.test" in policy
        and "connect-src 'self' https://cdn.example.test" in policy
    )


def test_the_template_escapes_quiz_text() -> None:
    hostile = QUIZ_TEXT.replace(
        json.dumps(read_quiz(SITE_QUIZ).statements[0].text),
        json.dumps("<script>alert(1)</script> & <b>x</b>"),
        1,
    )
    quiz = parse_quiz(hostile, "hostile.yml")
    settings = {
        "pages": {s.page: f"../{s.page[:-3]}/" for s in quiz.stages},
        "quiz": {"id": "x'><script>"},
        "engine_script": "../assets/stageguide/engine.js",
        "limits": {"name_length": 40},
    }
    html = render_quiz(quiz, settings)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;x&lt;/b&gt;" in html
    assert "x'><script>" not in html, (
        "settings travel in a single-quoted attribute with quotes escaped"
    )


def _page_settings(html: str) -> dict[str, Any]:
    """The settings the plugin wrote into a page (single-quoted attribute, HTML-escaped JSON)."""
    raw = html.split("data-sg-settings='", 1)[1].split("'", 1)[0]
    return json.loads(unescape(raw))  # type: ignore[no-any-return]


def test_pages_get_the_core_limits_and_the_offline_manifest_from_python(default_site: Path) -> None:
    quiz_page = (default_site / "quiz" / "index.html").read_text(encoding="utf-8")
    # A fork may have no team page; every page that has one must carry the same settings.
    team_pages = [
        html
        for html in (p.read_text(encoding="utf-8") for p in default_site.rglob("*.html"))
        if "data-stageguide-team" in html
    ]
    for html in (quiz_page, *team_pages):
        settings = _page_settings(html)
        assert settings["limits"] == {
            "file_bytes": MAX_CSV_BYTES,
            "respondents": MAX_RESPONDENTS,
            "name_length": MAX_NAME_LENGTH,
        }
        assert (default_site / settings["sw"]["manifest"]).is_file()
        assert settings["sw"]["manifest"].endswith(f"/{MANIFEST_NAME}")
    if 'name="sg-name"' in quiz_page:  # a model may ask for no name
        assert f'name="sg-name" maxlength="{MAX_NAME_LENGTH}"' in quiz_page
    for html in team_pages:
        assert f"At most {MAX_RESPONDENTS} people and {describe_size(MAX_CSV_BYTES)}." in html


def test_every_front_end_script_is_hashed_loaded_in_order_and_kept_offline(
    default_site: Path,
) -> None:
    guide_page = (default_site / "index.html").read_text(encoding="utf-8")
    offline = json.loads((default_site / "assets" / "stageguide" / MANIFEST_NAME).read_text())
    places = []
    for script in SCRIPTS:
        path = built_file(default_site, script)
        stem, suffix = script.rsplit(".", 1)
        assert path.rsplit("/", 1)[1].startswith(f"{stem}.") and path.endswith(f".{suffix}")
        assert path.rsplit("/", 1)[1] != script, "the name carries a hash of the content"
        assert path in offline["precache"]
        places.append(guide_page.index(path.rsplit("/", 1)[1]))
    assert places == sorted(places), "each script comes after the ones whose parts it uses"
