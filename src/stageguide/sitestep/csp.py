"""A strict Content Security Policy for static hosts that cannot send headers.

GitHub Pages sets no custom headers, so the policy travels as a `<meta
http-equiv>` at the top of every page's `<head>`. Inline scripts the theme
writes are allowed by their sha256, never by 'unsafe-inline'. One policy
serves the whole site: Material's instant navigation keeps the first page's
policy while it swaps in later pages' scripts, so every page must allow the
inline scripts of all pages.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL
)
HEAD_OPEN = re.compile(r"<head\b[^>]*>", re.IGNORECASE)
META_NAME = "Content-Security-Policy"


def script_hashes(html_pages: Iterable[str]) -> list[str]:
    """The CSP hash-sources of every inline script in the pages, sorted and unique."""
    found = set()
    for html in html_pages:
        for body in INLINE_SCRIPT.findall(html):
            digest = hashlib.sha256(body.encode("utf-8")).digest()
            found.add(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")
    return sorted(found)


def build_policy(hashes: list[str], cdn_url: str | None = None) -> str:
    """The policy text: same-origin everything, WebAssembly allowed, the CDN origin only when used."""
    extra = []
    if cdn_url:
        parts = urlsplit(cdn_url)
        extra = [f"{parts.scheme}://{parts.netloc}"]
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'wasm-unsafe-eval'", *extra, *hashes],
        "style-src": [
            "'self'",
            "'unsafe-inline'",
        ],  # the theme sets style attributes; scripts stay strict
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'", *extra],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def insert_policy(html: str, policy: str) -> str:
    """Put the policy first in <head>, before any script it has to govern."""
    meta = f'<meta http-equiv="{META_NAME}" content="{policy}">'
    match = HEAD_OPEN.search(html)
    if match is None:
        return html
    return html[: match.end()] + meta + html[match.end() :]


def apply_to_site(site_dir: Path, cdn_url: str | None = None) -> tuple[str, int]:
    """Add the site-wide policy to every HTML file; returns the policy and the page count."""
    pages = sorted(site_dir.rglob("*.html"))
    texts = {path: path.read_text(encoding="utf-8") for path in pages}
    policy = build_policy(script_hashes(texts.values()), cdn_url)
    for path, text in texts.items():
        if META_NAME not in text:
            path.write_text(insert_policy(text, policy), encoding="utf-8")
    return policy, len(pages)
