"""Everything the quiz adds to a built site, for any generator that leaves the markers in place.

The MkDocs plugin (plugin/plugin.py) calls these at its events; `stageguide.sitestep`'s
command line (standalone.py) calls them on a site another generator built (Zensical).
Both paths therefore validate, compile, name, render, link and secure with the same code.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from ..buildtools.cachelock import cache_lock
from ..buildtools.errors import BuildError
from ..buildtools.runtime import TEXT_SUFFIXES, copy_runtime, download_sizes, transfer_sizes
from ..buildtools.snapshot import build_snapshot
from ..buildtools.wheel import build_wheel
from ..core import Quiz, QuizError
from ..core.limits import MAX_CSV_BYTES, MAX_RESPONDENTS
from ..core.sharecode import MAX_NAME_LENGTH
from ..quizfile import read_quiz
from .buildnames import content_hash, engine_build, hashed_folder, hashed_name
from .csp import apply_to_site
from .errors import SiteStepError
from .offline import MANIFEST_NAME, SW_NAME, SW_SOURCE, manifest, version_of
from .options import StepOptions
from .render import QUIZ_MARKER, TEAM_MARKER, render_quiz, render_team
from .urls import relative_url

ASSETS = Path(__file__).resolve().parent.parent / "assets"
SITE_DIR = "assets/stageguide"
STYLESHEETS = ("theme.css", "quiz.css", "team.css")
# In this order: each uses the parts of window.stageguide that the ones before it add
# (engine.js the worker client, ui.js the shared UI, chart.js the team chart).
SCRIPTS = (
    "engine.js",
    "ui.js",
    "chart.js",
    "quiz.js",
    "team.js",
)


class SiteStep:
    """One site build's state: the quiz, the compiled engine and the hashed names of its files."""

    def __init__(
        self, options: StepOptions, *, serving: bool = False, log: Callable[[str], None] = print
    ) -> None:
        self.options = options
        self.serving = serving
        self.log = log
        self.quiz: Quiz | None = None
        self.quiz_path: Path | None = None
        self.root: Path | None = None
        self.cache: Path | None = None
        self.wheel: Path | None = None
        self.spreadsheet: Path | None = None  # the .xlsx reader's bundle (buildtools/sheets.py)
        self.quiz_json: Path | None = None
        self.runtime_dir: Path | None = None
        self.snapshot: Path | None = None
        self.pinned: dict[str, Path] = {}
        self.sw_version: str | None = None
        self.engine_pages: dict[
            str, str
        ] = {}  # page URL -> built file, for pages that start the engine
        self.sizes: dict[
            str, int
        ] = {}  # bytes of each file the engine downloads, for the progress bar
        self.transfer: dict[str, int] = {}  # the gzipped size of those that hosts send compressed
        self.asset_paths: dict[str, str] = {}  # asset name -> its content-hashed site path
        self.runtime_path = f"{SITE_DIR}/pyodide/"
        self.engine_build = ""

    # -- before the pages: quiz, engine, names ---------------------------------

    def prepare(self, config_dir: Path, is_page: Callable[[str], bool] | None = None) -> None:
        """Validate the quiz and the options, compile the engine, name every file by its hash.

        With `is_page`, the quiz's stage pages are checked before the (slow) engine build.
        """
        options = self.options
        self.engine_pages = {}
        self.quiz_path = (config_dir / options.quiz).resolve()
        self.quiz = self._load_quiz(self.quiz_path)
        if options.runtime == "cdn" and not options.cdn_url.strip():
            raise SiteStepError(
                "stageguide: runtime is 'cdn' but cdn_url is empty; set cdn_url to the URL prefix "
                "holding the pinned Pyodide's files, or use runtime: self-hosted"
            )
        if options.engine_timeout <= 0:
            raise SiteStepError(
                f"stageguide: engine_timeout must be a positive number of seconds, not {options.engine_timeout}"
            )
        if is_page is not None:
            self.missing_pages(is_page)
        self.root = self._resolve_root(config_dir)
        self.cache = (config_dir / options.cache_dir).resolve()
        with cache_lock(self.cache, self.log):
            self._generate_engine()
        self._name_build_files()

    @property
    def stylesheets(self) -> list[str]:
        """Site paths of our stylesheets, for every page."""
        return [self.asset_paths[sheet] for sheet in STYLESHEETS]

    @property
    def scripts(self) -> list[str]:
        """Site paths of our scripts: small, on every page, since instant navigation may reach a quiz from anywhere."""
        return [self.asset_paths[script] for script in SCRIPTS]

    def missing_pages(self, is_page: Callable[[str], bool]) -> None:
        """Stop when a stage's `page:` is not a page of the site (`is_page` takes a docs-relative path)."""
        assert self.quiz is not None
        missing = [
            f"  {self.quiz_path}: stages[{index}].page: {stage.page!r} is not a page of this site (looked in docs_dir)"
            for index, stage in enumerate(self.quiz.stages)
            if not is_page(stage.page)
        ]
        if missing:
            raise SiteStepError(
                "stageguide: the quiz links to missing pages:\n" + "\n".join(missing)
            )

    def site_files(self) -> dict[str, Path]:
        """Every file the step adds to the site: its site path -> the file to copy."""
        assert self.wheel is not None and self.quiz_json is not None
        added = {
            self.asset_paths[asset.name]: asset
            for asset in sorted(ASSETS.iterdir())
            if asset.is_file()
        }
        added[self.asset_paths["wheel"]] = self.wheel
        added[self.asset_paths["quiz"]] = self.quiz_json
        if (
            self.spreadsheet is not None
        ):  # fetched only when a spreadsheet is dropped on the team page
            added[f"{SITE_DIR}/engine/{self.spreadsheet.name}"] = self.spreadsheet
        if self.options.runtime == "self-hosted":
            assert self.runtime_dir is not None
            for path in sorted(self.runtime_dir.iterdir()):
                added[f"{self.runtime_path}{path.name}"] = path
        if self.snapshot is not None:
            added[f"{SITE_DIR}/engine/{self.snapshot.name}"] = self.snapshot
        return added

    def pin(self, files: Mapping[str, Path]) -> None:
        """Choose what the service worker keeps (our files under SITE_DIR) and version it by their hash."""
        # The start-up snapshot is not kept by the service worker: only engines that use it fetch it,
        # and they keep it themselves (worker.mjs). Its name already changes with the pinned files.
        self.pinned = {
            dest: path
            for dest, path in files.items()
            if dest.startswith(f"{SITE_DIR}/") and path != self.snapshot
        }
        self.sw_version = version_of(self.pinned.values()) if self._offline_enabled() else None

    # -- each page --------------------------------------------------------------

    def render_markers(
        self, html: str, page_url: str, dest: str, stage_urls: Mapping[str, str]
    ) -> str | None:
        """The page with its quiz/team marker replaced by the form; None when it has none."""
        assert self.quiz is not None
        found = False
        for marker, render in ((QUIZ_MARKER, render_quiz), (TEAM_MARKER, render_team)):
            if marker in html:
                found = True
                settings = self.settings(page_url, stage_urls)
                self.engine_pages[page_url] = dest
                # One component per page: a second marker would give two forms the same ids.
                html = html.replace(marker, render(self.quiz, settings), 1).replace(marker, "")
        return html if found else None

    # -- after the pages ----------------------------------------------------------

    def finish(self, site_dir: Path) -> None:
        """The service worker and its list, then the Content Security Policy on every page."""
        if self.sw_version is not None:
            self._generate_offline(site_dir)
        if not self.options.csp:
            return
        if self.serving:
            # A live-reload server injects an inline script that no build-time hash can allow.
            self.log(
                "Content Security Policy left out while serving (live reload needs an inline script)"
            )
            return
        cdn = self.options.cdn_url if self.options.runtime == "cdn" else None
        apply_to_site(site_dir, cdn)

    # -- helpers -------------------------------------------------------------

    def _offline_enabled(self) -> bool:
        # While serving, a caching worker would fight live reload; the CDN runtime is not ours to pin.
        return self.options.offline and not self.serving and self.options.runtime == "self-hosted"

    def _generate_offline(self, site_dir: Path) -> None:
        """Write the service worker to the site root and its list of files beside our assets."""
        assert self.sw_version is not None
        pages = {
            url: (site_dir / dest).read_text(encoding="utf-8")
            for url, dest in self.engine_pages.items()
        }
        data = manifest(self.sw_version, sorted(self.pinned), pages)
        (site_dir / SITE_DIR / MANIFEST_NAME).write_text(
            json.dumps(data, indent=1) + "\n", encoding="utf-8"
        )
        shutil.copyfile(SW_SOURCE, site_dir / SW_NAME)

    def _load_quiz(self, path: Path) -> Quiz:
        try:
            return read_quiz(path)
        except QuizError as error:
            raise SiteStepError(f"stageguide: {error}") from None

    def _resolve_root(self, config_dir: Path) -> Path:
        """The project folder: the nearest one above mkdocs.yml that holds node_modules/pyodide."""
        if self.options.node_modules:
            return (config_dir / self.options.node_modules).resolve().parent
        for folder in (config_dir, *config_dir.parents):
            if (folder / "node_modules" / "pyodide").is_dir():
                return folder
        return config_dir

    def _generate_engine(self) -> None:
        assert (
            self.root is not None
            and self.cache is not None
            and self.quiz_path is not None
            and self.quiz is not None
        )
        log = self.log
        # One folder per quiz file, so sites that share a quiz id never rebuild each other's engine.
        tag = hashlib.sha256(str(self.quiz_path).encode("utf-8")).hexdigest()[:8]
        out_dir = self.cache / "engine" / f"{self.quiz.id}-{tag}"
        try:
            built = build_wheel(self.root, [self.quiz_path], out_dir=out_dir, progress=log)
            if self.options.runtime == "self-hosted":
                self.runtime_dir = self.cache / "runtime"
                trimmed = built.stdlib_files() if self.options.stdlib == "trimmed" else None
                copy_runtime(self.root, self.runtime_dir, progress=log, stdlib_files=trimmed)
            self.wheel = built.wheel
            self.spreadsheet = built.spreadsheet
            self.quiz_json = next(p for p in built.quizzes if p.name == f"{self.quiz.id}.json")
            self.snapshot = None
            if self.options.runtime == "self-hosted" and self.options.startup_snapshot:
                assert self.runtime_dir is not None
                out = self.cache / "snapshot" / f"{self.quiz.id}-{tag}"
                self.snapshot = build_snapshot(
                    self.runtime_dir, self.wheel, self.quiz_json, out, progress=log
                )
        except BuildError as error:
            raise SiteStepError(f"stageguide: {error}") from None
        try:
            self.sizes = {
                **download_sizes(
                    self.runtime_dir if self.options.runtime == "self-hosted" else None, self.root
                ),
                "wheel": self.wheel.stat().st_size,
                "quiz": self.quiz_json.stat().st_size,
            }
            folder = self.runtime_dir or self.root / "node_modules" / "pyodide"
            texts = {name: folder / name for name in self.sizes if name.endswith(TEXT_SUFFIXES)}
            self.transfer = transfer_sizes({**texts, "quiz": self.quiz_json})
        except (OSError, ValueError, KeyError, BuildError) as error:
            raise SiteStepError(
                f"stageguide: cannot read the runtime's file sizes: {error}"
            ) from None

    def _name_build_files(self) -> None:
        """Give every file a browser may keep a URL that changes with its content (see buildnames)."""
        assert self.wheel is not None and self.quiz_json is not None
        self.asset_paths = {
            p.name: f"{SITE_DIR}/{hashed_name(p)}" for p in sorted(ASSETS.iterdir()) if p.is_file()
        }
        self.asset_paths["wheel"] = f"{SITE_DIR}/engine/{hashed_folder(self.wheel)}"
        self.asset_paths["quiz"] = f"{SITE_DIR}/engine/{hashed_folder(self.quiz_json)}"
        if self.options.runtime == "self-hosted":
            assert self.runtime_dir is not None
            runtime_hash = content_hash(p for p in self.runtime_dir.iterdir() if p.is_file())
            self.runtime_path = f"{SITE_DIR}/pyodide/{runtime_hash}/"
        else:
            runtime_hash = hashlib.sha256(self.options.cdn_url.encode("utf-8")).hexdigest()[:10]
        self.engine_build = engine_build(
            self.wheel, self.quiz_json, runtime_hash, ASSETS / "worker.mjs"
        )

    def settings(self, page_url: str, stage_urls: Mapping[str, str]) -> dict[str, Any]:
        """What the browser needs, as page-relative URLs so the site works under any subpath.

        `stage_urls` maps each stage's `page:` to its site URL (as the generator wrote it).
        """
        assert self.quiz is not None and self.wheel is not None and self.quiz_json is not None

        def url(target: str) -> str:
            return relative_url(target, page_url)

        pages = {}
        for stage in self.quiz.stages:
            pages[stage.page] = url(stage_urls[stage.page])
        if self.options.runtime == "cdn":
            pyodide_url = self.options.cdn_url.rstrip("/") + "/"
        else:
            pyodide_url = url(self.runtime_path)
        return {
            "quiz": {
                "id": self.quiz.id,
                "version": self.quiz.version,
                "title": self.quiz.title,
                "statements": [s.id for s in self.quiz.statements],
                "scale": [p.value for p in self.quiz.scale],
                "groups": [g.id for g in self.quiz.groups],
                "unsure": self.quiz.unsure is not None,
                "allowed_unjudged": 0
                if self.quiz.unsure is None
                else self.quiz.unsure.allowed(len(self.quiz.statements)),
            },
            "pages": pages,
            "urls": {
                "worker": url(self.asset_paths["worker.mjs"]),
                "pyodide": pyodide_url,
                "wheel": url(self.asset_paths["wheel"]),
                "quiz": url(self.asset_paths["quiz"]),
                # Never fetched: the Cache API key of this build's interpreter snapshot.
                "snapshot_key": url(f"{SITE_DIR}/engine/interpreter-{self.engine_build}.snapshot"),
                "spreadsheet": url(f"{SITE_DIR}/engine/{self.spreadsheet.name}")
                if self.spreadsheet
                else None,
                "snapshot": url(f"{SITE_DIR}/engine/{self.snapshot.name}")
                if self.snapshot
                else None,
            },
            "sizes": self.sizes,
            "transfer": self.transfer,
            "timeout_ms": int(self.options.engine_timeout * 1000),
            # The core's limits, so the form, the page's checks and its wording quote the same ones.
            "limits": {
                "file_bytes": MAX_CSV_BYTES,
                "respondents": MAX_RESPONDENTS,
                "name_length": MAX_NAME_LENGTH,
            },
            "sw": {
                "url": url(SW_NAME),
                "version": self.sw_version,
                "manifest": f"{SITE_DIR}/{MANIFEST_NAME}",  # relative to the site root, its scope
            }
            if self.sw_version
            else None,
            "engine_script": url(self.asset_paths["engine.js"]),
        }


def watched_paths(step: SiteStep) -> Iterable[Path]:
    """What a live-reload server should watch: the scoring core and the quiz file."""
    from ..buildtools.wheel import PACKAGE

    assert step.quiz_path is not None
    return (PACKAGE / "core", step.quiz_path)
