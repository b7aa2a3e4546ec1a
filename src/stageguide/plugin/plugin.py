"""MkDocs events: a thin adapter over stageguide.sitestep, which does the work for any generator."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from ..sitestep import SiteStep, SiteStepError, StepOptions, watched_paths
from .config import StageguideConfig

log = get_plugin_logger(__name__)

OVERRIDES = Path(__file__).resolve().parent.parent / "overrides"


class StageguidePlugin(BasePlugin[StageguideConfig]):  # type: ignore[no-untyped-call]  # as in config.py
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command = "build"
        self.step: SiteStep | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        options = StepOptions(**{f.name: self.config[f.name] for f in fields(StepOptions)})
        self.step = SiteStep(options, serving=self.command == "serve", log=log.info)
        with _as_plugin_error():
            self.step.prepare(Path(config.config_file_path).resolve().parent)
        # Our partials win over the theme's, but not over the site's own custom_dir.
        custom = 1 if config.theme.custom_dir else 0
        config.theme.dirs.insert(custom, str(OVERRIDES))
        config.extra_css.extend(self.step.stylesheets)
        config.extra_javascript.extend(self.step.scripts)
        return config

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        if not self.config.enabled or self.step is None:
            return server
        # A change to the scoring core or the quiz rebuilds the site, and on_config the wheel.
        for path in watched_paths(self.step):
            server.watch(str(path))
        return server

    def on_files(self, files: Files, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled or self.step is None:
            return None
        with _as_plugin_error():
            self.step.missing_pages(lambda path: files.get_file_from_path(path) is not None)
        for dest, source in self.step.site_files().items():
            files.append(File.generated(config, dest, abs_src_path=str(source)))
        self.step.pin({f.dest_uri: Path(f.abs_src_path) for f in files if f.abs_src_path})
        return files

    def on_page_content(
        self, html: str, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if not self.config.enabled or self.step is None:
            return None
        stage_urls = {}
        for stage in self.step.quiz.stages if self.step.quiz else ():
            file = files.get_file_from_path(stage.page)
            assert file is not None  # missing_pages stopped the build otherwise
            stage_urls[stage.page] = file.url
        return self.step.render_markers(html, page.url, page.file.dest_uri, stage_urls)

    def on_post_build(self, config: MkDocsConfig) -> None:
        if not self.config.enabled or self.step is None:
            return
        self.step.finish(Path(config.site_dir))


@contextmanager
def _as_plugin_error() -> Iterator[None]:
    """Turn the step's SiteStepError into MkDocs' PluginError, the message unchanged."""
    try:
        yield
    except SiteStepError as error:
        raise PluginError(str(error)) from None
