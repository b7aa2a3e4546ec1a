"""The service worker's inputs: its version and the list of files it keeps.

The worker (src/stageguide/offline/sw.js) is static; what changes from build to
build is its version (in its registration URL) and `offline.json`. Pinned files
are served cache-first, so the version must change whenever one of them does:
it is the hash of their contents. Pages and theme assets are network-first and
are only fetched ahead so the quiz page also opens offline.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from posixpath import normpath
from urllib.parse import urljoin, urlsplit

SW_SOURCE = Path(__file__).resolve().parent.parent / "offline" / "sw.js"
SW_NAME = "stageguide-sw.js"
MANIFEST_NAME = "offline.json"


class _References(HTMLParser):
    """Collects <script src> and stylesheet/icon <link href> of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("src"):
            self.found.append(values["src"] or "")
        elif tag == "link" and values.get("href"):
            rel = (values.get("rel") or "").lower().split()
            if "stylesheet" in rel or "icon" in rel:
                self.found.append(values["href"] or "")


def version_of(files: Iterable[Path]) -> str:
    """A short hash of the pinned files' names and contents (and of the worker itself)."""
    digest = hashlib.sha256()
    for path in sorted({*files, SW_SOURCE}, key=lambda p: p.name + str(p)):
        digest.update(path.name.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def page_assets(html: str, page_url: str) -> list[str]:
    """Site-relative paths of the scripts and stylesheets a built page loads from the site."""
    parser = _References()
    parser.feed(html)
    found = []
    base = "/" + page_url
    for reference in parser.found:
        if urlsplit(reference).scheme or reference.startswith("//"):
            continue
        path = normpath(urljoin(base, reference.split("#")[0].split("?")[0])).lstrip("/")
        if path and not path.startswith(".."):
            found.append(path)
    return found


def manifest(version: str, pinned: list[str], pages: dict[str, str]) -> dict[str, object]:
    """offline.json: `pages` maps each page URL (site-relative) to its built HTML."""
    # The engine fetches the precompressed wasm where it has one; fetching the plain 9.6 MB
    # as well would triple what installing the worker costs. (Pinned still: a browser without
    # DecompressionStream fetches the plain one, and the worker then keeps that copy.)
    precache = [path for path in pinned if not (path.endswith(".wasm") and f"{path}.gz" in pinned)]
    for url, html in pages.items():
        precache.append(url)
        precache += page_assets(html, url)
    return {"version": version, "pinned": sorted(set(pinned)), "precache": sorted(set(precache))}
