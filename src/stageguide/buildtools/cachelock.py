"""One build at a time per plugin cache.

Two builds that share a cache folder (`mkdocs serve` beside a `mkdocs build`, or test
workers running side by side) would otherwise both find it stale and rebuild the same
engine into it at once. Each file is replaced atomically (runtime.replace_file), but a
stamp written by one build could then describe files the other wrote. The second build
waits here instead, then finds the cache up to date.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; builds there are not run side by side
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = ".build.lock"


@contextmanager
def cache_lock(folder: Path, say: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the folder's lock for the block; says so once if another build holds it."""
    folder.mkdir(parents=True, exist_ok=True)
    if fcntl is None:
        yield
        return
    with (folder / LOCK_NAME).open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if say is not None:
                say(f"waiting for another build using {folder}")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
