"""A small static file server for the built site, used by the browser tests and the benchmark.

It can mount the site under a subpath (as GitHub Pages does for project sites),
answer a missing file with the site's own 404.html (as GitHub Pages does, with
`not_found_page=True`) and lets a test swap a file's response (status, body or content type) to
provoke failures a real host can produce.
"""

from __future__ import annotations

import email.utils
import gzip
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

CONTENT_TYPES = {
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".wasm": "application/wasm",
    ".json": "application/json",
    ".whl": "application/zip",
    ".zip": "application/zip",
    ".webmanifest": "application/manifest+json",
}


@dataclass
class Override:
    """Replace what the server answers for one path below the mount point."""

    status: int = 200
    content_type: str | None = None
    body: bytes | None = None


@dataclass
class SiteServer:
    root: Path
    prefix: str = "/"
    host: str = "127.0.0.1"
    gzip: bool = False
    """Compress text responses for clients that accept it, as GitHub Pages does (not wasm or zip)."""
    gzip_wasm: bool = False
    """With `gzip`, compress application/wasm too, as a host that compresses wasm on the fly would."""
    not_found_page: bool = False
    """Answer a missing path below the mount point with the site's 404.html (status 404), as GitHub Pages does."""
    overrides: dict[str, Override] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)
    _httpd: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._httpd is not None, "server not started"
        return f"http://{self.host}:{self._httpd.server_port}{self.prefix}"

    def start(self) -> SiteServer:
        handler: Callable[..., SimpleHTTPRequestHandler] = partial(
            _Handler, self, directory=str(self.root)
        )
        self._httpd = _QuietServer((self.host, 0), handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _QuietServer(ThreadingHTTPServer):
    """A browser that closes a connection mid-response (a page closed while it loads) is normal
    here, not an error worth a traceback in the test or bench output."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


COMPRESSIBLE = (
    "text/",
    "application/json",
    "application/javascript",
    "image/svg+xml",
    "application/manifest+json",
)
_GZIPPED: dict[tuple[str, float], bytes] = {}


class _Handler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **CONTENT_TYPES}

    def __init__(self, server_state: SiteServer, *args: object, **kwargs: object) -> None:
        self.state = server_state
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def translate_path(self, path: str) -> str:
        prefix = self.state.prefix
        bare = path.split("?", 1)[0].split("#", 1)[0]
        if not bare.startswith(prefix) and bare + "/" != prefix:
            return str(self.state.root / "__outside_the_mount__")
        return super().translate_path("/" + path[len(prefix) :])

    def do_HEAD(self) -> None:  # noqa: N802 - http.server's naming
        """Headers only, the same ones a GET would get (the engine asks whether wasm travels compressed)."""
        self.state.log.append(f"HEAD {self.path}")
        relative = self.path.split("?", 1)[0][len(self.state.prefix) :]
        if relative in self.state.overrides or not (
            self.state.gzip and self._send_compressed(head=True)
        ):
            super().do_HEAD()

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.state.log.append(self.path)
        relative = self.path.split("?", 1)[0][len(self.state.prefix) :]
        override = self.state.overrides.get(relative)
        if override is None:
            if not (self.state.gzip and self._send_compressed()):
                super().do_GET()
            return
        body = override.body
        if body is None:
            body = (
                Path(self.translate_path(self.path)).read_bytes()
                if override.status == 200
                else b"not found"
            )
        self.send_response(override.status)
        self.send_header("Content-Type", override.content_type or self.guess_type(self.path))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _send_compressed(self, head: bool = False) -> bool:
        """Serve a text file gzipped (with Last-Modified/304 like the plain path); False to fall back."""
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        kind = self.guess_type(str(path))
        if (
            not path.is_file()
            or "gzip" not in self.headers.get("Accept-Encoding", "")
            or not self._compressible(kind)
        ):
            return False
        stamp = path.stat().st_mtime
        modified = email.utils.formatdate(stamp, usegmt=True)
        if self.headers.get("If-Modified-Since") == modified:
            self.send_response(304)
            self.end_headers()
            return True
        key = (str(path), stamp)
        body = _GZIPPED.get(key)
        if body is None:
            body = _GZIPPED[key] = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Last-Modified", modified)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)
        return True

    def _compressible(self, kind: str) -> bool:
        return kind.startswith(COMPRESSIBLE) or (
            self.state.gzip_wasm and kind == "application/wasm"
        )

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = self.state.root / "404.html"
        inside = self.path.split("?", 1)[0].startswith(self.state.prefix)
        if code != 404 or not self.state.not_found_page or not inside or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404, message)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - signature from http.server
        pass
