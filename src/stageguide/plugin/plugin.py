"""MkDocs events: validate the quiz, compile the engine, render the form, ship the assets."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from ..buildtools.errors import BuildError
from ..buildtools.runtime import TEXT_SUFFIXES, copy_runtime, download_sizes, transfer_sizes
from ..buildtools.snapshot import build_snapshot
from ..buildtools.wheel import PACKAGE, build_wheel
from ..core import Quiz, QuizError
from ..core.limits import MAX_CSV_BYTES, MAX_RESPONDENTS
from ..core.sharecode import MAX_NAME_LENGTH
from ..quizfile import read_quiz
from .buildnames import content_hash, engine_build, hashed_folder, hashed_name
from .config import StageguideConfig
from .csp import apply_to_site
from .offline import MANIFEST_NAME, SW_NAME, SW_SOURCE, manifest, version_of
from .render import QUIZ_MARKER, TEAM_MARKER, render_quiz, render_team

log = get_plugin_logger(__name__)

ASSETS = Path(__file__).resolve().parent.parent / "assets"
OVERRIDES = Path(__file__).resolve().parent.parent / "overrides"
SITE_DIR = "assets/stageguide"
# In this order: each uses the parts of window.stageguide that the ones before it add
# (engine.js the worker client, ui.js the shared UI, chart.js the team chart).
SCRIPTS = (
    "engine.js",
    "ui.js",
    "chart.js",
    "quiz.js",
    "team.js",
)


class StageguidePlugin(BasePlugin[StageguideConfig]):  # type: ignore[no-untyped-call]  # as in config.py
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.quiz: Quiz | None = None
        self.quiz_path: Path | None = None
        self.root: Path | None = None
        self.cache: Path | None = None
        self.wheel: Path | None = None
        self.spreadsheet: Path | None = None  # the .xlsx reader's bundle (buildtools/sheets.py)
        self.quiz_json: Path | None = None
        self.runtime_dir: Path | None = None
        self.snapshot: Path | None = None
        self.command = "build"
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

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        config_dir = Path(config.config_file_path).resolve().parent
        self.engine_pages = {}
        self.quiz_path = (config_dir / self.config.quiz).resolve()
        self.quiz = self._load_quiz(self.quiz_path)
        if self.config.runtime == "cdn" and not self.config.cdn_url.strip():
            raise PluginError(
                "stageguide: runtime is 'cdn' but cdn_url is empty; set cdn_url to the URL prefix "
                "holding the pinned Pyodide's files, or use runtime: self-hosted"
            )
        if self.config.engine_timeout <= 0:
            raise PluginError(
                f"stageguide: engine_timeout must be a positive number of seconds, not {self.config.engine_timeout}"
            )
        self.root = self._resolve_root(config_dir)
        self.cache = (config_dir / self.config.cache_dir).resolve()
        self._generate_engine()
        # Our partials win over the theme's, but not over the site's own custom_dir.
        custom = 1 if config.theme.custom_dir else 0
        config.theme.dirs.insert(custom, str(OVERRIDES))
        self._name_build_files()
        for sheet in ("theme.css", "quiz.css", "team.css"):
            config.extra_css.append(self.asset_paths[sheet])
        for (
            script
        ) in SCRIPTS:  # small, on every page: instant navigation may reach a quiz from anywhere
            config.extra_javascript.append(self.asset_paths[script])
        return config

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        if not self.config.enabled:
            return server
        assert self.root is not None and self.quiz_path is not None
        # A change to the scoring core or the quiz rebuilds the site, and on_config the wheel.
        server.watch(str(PACKAGE / "core"))
        server.watch(str(self.quiz_path))
        return server

    def on_files(self, files: Files, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return None
        assert self.quiz is not None and self.wheel is not None and self.quiz_json is not None
        self._check_pages(files)
        for asset in sorted(ASSETS.iterdir()):
            if asset.is_file():
                files.append(
                    File.generated(config, self.asset_paths[asset.name], abs_src_path=str(asset))
                )
        files.append(
            File.generated(config, self.asset_paths["wheel"], abs_src_path=str(self.wheel))
        )
        files.append(
            File.generated(config, self.asset_paths["quiz"], abs_src_path=str(self.quiz_json))
        )
        if (
            self.spreadsheet is not None
        ):  # fetched only when a spreadsheet is dropped on the team page
            files.append(
                File.generated(
                    config,
                    f"{SITE_DIR}/engine/{self.spreadsheet.name}",
                    abs_src_path=str(self.spreadsheet),
                )
            )
        if self.config.runtime == "self-hosted":
            assert self.runtime_dir is not None
            for path in sorted(self.runtime_dir.iterdir()):
                files.append(
                    File.generated(
                        config, f"{self.runtime_path}{path.name}", abs_src_path=str(path)
                    )
                )
        if self.snapshot is not None:
            files.append(
                File.generated(
                    config,
                    f"{SITE_DIR}/engine/{self.snapshot.name}",
                    abs_src_path=str(self.snapshot),
                )
            )
        # The start-up snapshot is not kept by the service worker: only engines that use it fetch it,
        # and they keep it themselves (worker.mjs). Its name already changes with the pinned files.
        self.pinned = {
            f.dest_uri: Path(f.abs_src_path)
            for f in files
            if f.dest_uri.startswith(f"{SITE_DIR}/")
            and f.abs_src_path
            and Path(f.abs_src_path) != self.snapshot
        }
        self.sw_version = version_of(self.pinned.values()) if self._offline_enabled() else None
        return files

    def on_page_content(
        self, html: str, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if not self.config.enabled:
            return None
        assert self.quiz is not None
        for marker, render in ((QUIZ_MARKER, render_quiz), (TEAM_MARKER, render_team)):
            if marker in html:
                settings = self._settings(page, files)
                self.engine_pages[page.url] = page.file.dest_uri
                # One component per page: a second marker would give two forms the same ids.
                html = html.replace(marker, render(self.quiz, settings), 1).replace(marker, "")
        return html

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str | None:
        if not self.config.enabled or page.url not in self.engine_pages:
            return None
        # Fetch engine.js from the first bytes of the page: the async copy after the form
        # then runs the moment the form is parsed, and Pyodide starts that early.
        hint = f'<link rel="preload" as="script" href="{get_relative_url(self.asset_paths["engine.js"], page.url)}">'
        at = output.find("</title>")
        return (
            output
            if at < 0
            else output[: at + len("</title>")] + hint + output[at + len("</title>") :]
        )

    def on_post_build(self, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return
        if self.sw_version is not None:
            self._generate_offline(Path(config.site_dir))
        if not self.config.csp:
            return
        if self.command == "serve":
            # `mkdocs serve` injects an inline live-reload script that no build-time hash can allow.
            log.info(
                "Content Security Policy left out while serving (live reload needs an inline script)"
            )
            return
        cdn = self.config.cdn_url if self.config.runtime == "cdn" else None
        policy, count = apply_to_site(Path(config.site_dir), cdn)
        log.debug(f"Content Security Policy added to {count} pages: {policy}")

    # -- helpers -------------------------------------------------------------

    def _offline_enabled(self) -> bool:
        # Under `mkdocs serve` a caching worker would fight live reload; the CDN runtime is not ours to pin.
        return (
            self.config.offline and self.command != "serve" and self.config.runtime == "self-hosted"
        )

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
            raise PluginError(f"stageguide: {error}") from None

    def _resolve_root(self, config_dir: Path) -> Path:
        """The project folder: the nearest one above mkdocs.yml that holds node_modules/pyodide."""
        if self.config.node_modules:
            return (config_dir / self.config.node_modules).resolve().parent
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
        # One folder per quiz file, so sites that share a quiz id never rebuild each other's engine.
        tag = hashlib.sha256(str(self.quiz_path).encode("utf-8")).hexdigest()[:8]
        out_dir = self.cache / "engine" / f"{self.quiz.id}-{tag}"
        try:
            built = build_wheel(self.root, [self.quiz_path], out_dir=out_dir, progress=log.info)
            if self.config.runtime == "self-hosted":
                self.runtime_dir = self.cache / "runtime"
                trimmed = built.stdlib_files() if self.config.stdlib == "trimmed" else None
                copy_runtime(self.root, self.runtime_dir, progress=log.info, stdlib_files=trimmed)
            self.wheel = built.wheel
            self.spreadsheet = built.spreadsheet
            self.quiz_json = next(p for p in built.quizzes if p.name == f"{self.quiz.id}.json")
            self.snapshot = None
            if self.config.runtime == "self-hosted" and self.config.startup_snapshot:
                assert self.runtime_dir is not None
                out = self.cache / "snapshot" / f"{self.quiz.id}-{tag}"
                self.snapshot = build_snapshot(
                    self.runtime_dir, self.wheel, self.quiz_json, out, progress=log.info
                )
        except BuildError as error:
            raise PluginError(f"stageguide: {error}") from None
        try:
            self.sizes = {
                **download_sizes(
                    self.runtime_dir if self.config.runtime == "self-hosted" else None, self.root
                ),
                "wheel": self.wheel.stat().st_size,
                "quiz": self.quiz_json.stat().st_size,
            }
            folder = self.runtime_dir or self.root / "node_modules" / "pyodide"
            texts = {name: folder / name for name in self.sizes if name.endswith(TEXT_SUFFIXES)}
            self.transfer = transfer_sizes({**texts, "quiz": self.quiz_json})
        except (OSError, ValueError, KeyError, BuildError) as error:
            raise PluginError(
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
        if self.config.runtime == "self-hosted":
            assert self.runtime_dir is not None
            runtime_hash = content_hash(p for p in self.runtime_dir.iterdir() if p.is_file())
            self.runtime_path = f"{SITE_DIR}/pyodide/{runtime_hash}/"
        else:
            runtime_hash = hashlib.sha256(self.config.cdn_url.encode("utf-8")).hexdigest()[:10]
        self.engine_build = engine_build(
            self.wheel, self.quiz_json, runtime_hash, ASSETS / "worker.mjs"
        )

    def _check_pages(self, files: Files) -> None:
        assert self.quiz is not None
        missing = [
            f"  {self.quiz_path}: stages[{index}].page: {stage.page!r} is not a page of this site (looked in docs_dir)"
            for index, stage in enumerate(self.quiz.stages)
            if files.get_file_from_path(stage.page) is None
        ]
        if missing:
            raise PluginError("stageguide: the quiz links to missing pages:\n" + "\n".join(missing))

    def _settings(self, page: Page, files: Files) -> dict[str, Any]:
        """What the browser needs, as page-relative URLs so the site works under any subpath."""
        assert self.quiz is not None and self.wheel is not None and self.quiz_json is not None

        def url(target: str) -> str:
            return get_relative_url(target, page.url)

        pages = {}
        for stage in self.quiz.stages:
            file = files.get_file_from_path(stage.page)
            assert file is not None
            pages[stage.page] = url(file.url)
        if self.config.runtime == "cdn":
            pyodide_url = self.config.cdn_url.rstrip("/") + "/"
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
            "timeout_ms": int(self.config.engine_timeout * 1000),
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
