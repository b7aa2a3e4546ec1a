"""Two builds sharing a plugin cache take turns (stageguide.buildtools.cachelock)."""

from __future__ import annotations

import select
import subprocess
import sys
from pathlib import Path

from stageguide.buildtools.cachelock import cache_lock

HOLDER = """
import sys, time
from pathlib import Path
from stageguide.buildtools.cachelock import cache_lock
with cache_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
    print("releasing", flush=True)
"""


def test_a_second_build_waits_for_the_first_and_says_so(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    with subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(cache), "1.5"], stdout=subprocess.PIPE, text=True
    ) as holder:
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
            said: list[str] = []
            with cache_lock(cache, said.append):
                # The holder writes this line just before it lets go: it is there already.
                ready, _, _ = select.select([holder.stdout], [], [], 0)
                assert ready, "the lock was taken while the other build still held it"
                assert holder.stdout.readline().strip() == "releasing"
            assert said == [f"waiting for another build using {cache}"]
        finally:
            holder.kill()


def test_a_free_cache_is_taken_at_once_and_silently(tmp_path: Path) -> None:
    said: list[str] = []
    with cache_lock(tmp_path / "new" / "cache", said.append):
        pass
    with cache_lock(tmp_path / "new" / "cache", said.append):  # released by the block before
        pass
    assert said == []
    assert (tmp_path / "new" / "cache" / ".build.lock").is_file()
