"""The `stageguide` plugin's settings in mkdocs.yml."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class StageguideConfig(Config):  # type: ignore[no-untyped-call]  # mkdocs leaves Config.__init_subclass__ unannotated
    enabled = c.Type(bool, default=True)
    """Turn the plugin off without removing it (the quiz marker is then left as a comment)."""

    quiz = c.Type(str, default="quiz/sales-marketing.yml")
    """The quiz definition, relative to mkdocs.yml."""

    runtime = c.Choice(("self-hosted", "cdn"), default="self-hosted")
    """Where visitors load Pyodide from: this site (default, works offline) or `cdn_url`."""

    cdn_url = c.Type(str, default="")
    """With `runtime: cdn`, the URL prefix holding the pinned Pyodide's files (ending in `/full/`)."""

    engine_timeout = c.Type((int, float), default=20)
    """Seconds to wait for the in-browser engine before offering scoring by hand."""

    stdlib = c.Choice(("trimmed", "full"), default="trimmed")
    """Ship only the standard-library files the core imports (traced at build time), or all of them."""

    offline = c.Type(bool, default=True)
    """Register a service worker from the quiz page: repeat visits start fast and work offline."""

    startup_snapshot = c.Type(bool, default=True)
    """Ship a build-time interpreter snapshot that engines without JSPI (WebKit) restore on a first visit."""

    csp = c.Type(bool, default=True)
    """Add a strict Content Security Policy to every page (left out under `mkdocs serve`)."""

    node_modules = c.Optional(c.Type(str))
    """The folder holding `pyodide/` from `npm ci`; by default the nearest one above mkdocs.yml."""

    cache_dir = c.Type(str, default=".cache/plugin/stageguide")
    """Where the compiled engine and the runtime copy wait between builds, relative to mkdocs.yml."""
