"""Content-hashed names for everything a browser may keep between visits.

The service worker serves these files cache-first and GitHub Pages lets browsers
keep them for ten minutes, so a file whose content changes must change its URL:
otherwise a returning visitor gets the new page with the old build's scripts,
wheel or quiz. Each of our scripts and stylesheets carries a hash of its own
bytes in its name (`quiz.1a2b3c4d5e.js`), the wheel and the quiz JSON sit in a
folder named by their hash (the wheel keeps its proper file name), and the
Pyodide runtime sits in a folder named by the hash of all its files (Pyodide
loads its siblings by fixed names from one folder).

The interpreter snapshot a visit stores is keyed by `engine_build`: a hash of
the wheel, the quiz, the runtime and the worker script, the inputs the
snapshotted interpreter was made from.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

HASH_LENGTH = 10


def content_hash(paths: Iterable[Path]) -> str:
    """A short hash of the files' names and bytes, in a stable order."""
    digest = hashlib.sha256()
    for path in sorted(paths, key=lambda p: (p.name, str(p))):
        digest.update(path.name.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:HASH_LENGTH]


def hashed_name(path: Path) -> str:
    """`quiz.js` -> `quiz.<hash>.js`: the name changes whenever the bytes do."""
    name = PurePosixPath(path.name)
    return f"{name.stem}.{content_hash([path])}{name.suffix}"


def hashed_folder(path: Path) -> str:
    """`<hash>/<name>`, for files whose own name must stay as it is (a wheel)."""
    return f"{content_hash([path])}/{path.name}"


def engine_build(wheel: Path, quiz_json: Path, runtime_hash: str, worker: Path) -> str:
    """The key of the interpreter snapshot: everything the snapshotted interpreter came from."""
    digest = hashlib.sha256()
    for part in (
        content_hash([wheel]),
        content_hash([quiz_json]),
        runtime_hash,
        content_hash([worker]),
    ):
        digest.update(part.encode("ascii") + b"\0")
    return digest.hexdigest()[: HASH_LENGTH * 2]
