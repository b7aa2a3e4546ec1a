"""Report a built site's size against GitHub Pages' limits (1 GB a site, 100 MB a file)."""

from __future__ import annotations

from pathlib import Path

SITE_LIMIT = 1_000_000_000
FILE_LIMIT = 100_000_000
SHOWN = 5


def human(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000  # type: ignore[assignment]
    raise AssertionError("unreachable")


def report_site(site: Path) -> str:
    files = [(path.stat().st_size, path) for path in site.rglob("*") if path.is_file()]
    total = sum(size for size, _ in files)
    lines = [
        f"Built site: {site} — {len(files)} files, {human(total)} (GitHub Pages allows {human(SITE_LIMIT)})"
    ]
    lines.append("Largest files:")
    for size, path in sorted(files, key=lambda item: item[0], reverse=True)[:SHOWN]:
        flag = "  <-- over GitHub Pages' 100 MB file limit" if size > FILE_LIMIT else ""
        lines.append(f"  {human(size):>9}  {path.relative_to(site)}{flag}")
    if total > SITE_LIMIT:
        lines.append("WARNING: the site is larger than GitHub Pages publishes.")
    return "\n".join(lines)
