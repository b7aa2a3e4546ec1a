"""A recording HTTP proxy on 127.0.0.1 for engines whose drivers cannot list requests.

The browser sends every request through it, page, workers and service worker alike.
It records each URL, forwards only those for 127.0.0.1 and refuses everything else
(HTTPS tunnels included), so a test can prove that nothing tried to leave, and
nothing can. When the site's server is gone it drops the connection, as a network
outage would, rather than answering with an error page a service worker might cache.
"""

from __future__ import annotations

import http.client
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}
UPSTREAM_TIMEOUT_S = 120


class RecordingProxy:
    def __init__(self) -> None:
        self.seen: list[str] = []
        self._lock = threading.Lock()
        owner = self

        class Handler(_Handler):
            proxy = owner

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        report = self._httpd.handle_error

        def handle_error(request: object, client_address: object) -> None:
            # A browser that closes a connection mid-response (a page left, a context closed) is normal here.
            if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
                report(request, client_address)  # type: ignore[arg-type]

        self._httpd.handle_error = handle_error  # type: ignore[method-assign]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self._httpd.server_port}"

    def start(self) -> RecordingProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def record(self, url: str) -> None:
        with self._lock:
            self.seen.append(url)

    def since(self, mark: int) -> list[str]:
        with self._lock:
            return list(self.seen[mark:])

    def mark(self) -> int:
        with self._lock:
            return len(self.seen)


class _Handler(BaseHTTPRequestHandler):
    proxy: RecordingProxy
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass

    def do_CONNECT(self) -> None:  # noqa: N802 - http.server's naming
        self.proxy.record(f"https://{self.path}")
        self.send_error(403, "this test proxy opens no tunnels")

    def _forward(self) -> None:
        url = self.path
        self.proxy.record(url)
        parts = urlsplit(url)
        if parts.scheme != "http" or parts.hostname != "127.0.0.1":
            self.send_error(403, "this test proxy only forwards to 127.0.0.1")
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        upstream = http.client.HTTPConnection(
            parts.hostname, parts.port or 80, timeout=UPSTREAM_TIMEOUT_S
        )
        try:
            upstream.request(self.command, path, body=body, headers=headers)
            response = upstream.getresponse()
            payload = response.read()
        except OSError:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        finally:
            upstream.close()
        self.send_response_only(response.status, response.reason)
        for key, value in response.getheaders():
            if key.lower() not in HOP_BY_HOP and key.lower() != "content-length":
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_OPTIONS = _forward  # noqa: N815
