"""Site URLs as MkDocs writes them, without MkDocs: page URLs from docs paths, and relative links."""

from __future__ import annotations

import posixpath
from urllib.parse import quote


def page_url(src_path: str, use_directory_urls: bool = True) -> str:
    """`stages/aligned.md` -> `stages/aligned/` (or `stages/aligned.html`); `index.md` -> `` (MkDocs' rule)."""
    parent, filename = posixpath.split(src_path)
    stem = posixpath.splitext(filename)[0]
    stem = "index" if stem == "README" else stem
    if not use_directory_urls or stem == "index":
        dest = posixpath.join(parent, stem + ".html")
    else:
        dest = posixpath.join(parent, stem, "index.html")
    if use_directory_urls and posixpath.basename(dest) == "index.html":
        dest = (posixpath.dirname(dest) or ".") + "/"
    return quote(dest)


def _parts(path: str) -> list[str]:
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
        else:
            parts.append(part)
    return parts


def relative_url(url: str, other: str) -> str:
    """`url` relative to the page at `other`, both site-relative (the same result as MkDocs' get_relative_url)."""
    dirname, _, basename = other.rpartition("/")
    if "." in basename:
        other = dirname
    other_parts, dest_parts = _parts(other), _parts(url)
    common = 0
    for a, b in zip(other_parts, dest_parts, strict=False):
        if a != b:
            break
        common += 1
    rel = "/".join([".."] * (len(other_parts) - common) + dest_parts[common:]) or "."
    return rel + "/" if url.endswith("/") else rel
