"""The spreadsheet bundle: what the browser loads the first time a spreadsheet is dropped.

One zip, unpacked into Pyodide's site-packages on demand: the pure-Python wheels' files
of openpyxl and et_xmlfile, copied from this environment (installed hash-checked from
requirements.lock, so the pinned versions, and no network at build time);
`stageguide/spreadsheet.py`, the reader; and under `stageguide/spreadsheet_stdlib/` the
standard-library files only reading a workbook imports (zipfile, xml.etree, …), traced
inside Pyodide like the core's, so the quiz's own trimmed stdlib stays as small as it was.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from importlib import metadata
from pathlib import Path

from .errors import BuildError

PACKAGES = ("openpyxl", "et_xmlfile")
DISTRIBUTIONS = ("openpyxl", "et-xmlfile")
READER = Path(__file__).resolve().parent.parent / "spreadsheet.py"
STDLIB_FOLDER = "stageguide/spreadsheet_stdlib"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def library_versions() -> dict[str, str]:
    """The installed versions (an input of the engine build: a re-lock rebuilds the bundle)."""
    try:
        return {name: metadata.version(name) for name in DISTRIBUTIONS}
    except metadata.PackageNotFoundError as error:
        raise BuildError(
            f"the spreadsheet reader needs {error.name}, which is not installed; run `python build.py setup`"
        ) from None


def library_files() -> dict[str, bytes]:
    """Archive name -> bytes: each distribution's modules, metadata and licence, no caches."""
    files: dict[str, bytes] = {}
    for name in DISTRIBUTIONS:
        dist = metadata.distribution(name)
        for entry in dist.files or []:
            path = str(entry)
            if (
                "__pycache__" in path
                or path.endswith((".pyc", "RECORD", "INSTALLER", "REQUESTED"))
                or path.startswith("..")
            ):
                continue
            if not (path.split("/")[0] in PACKAGES or ".dist-info/" in path):
                continue
            files[path] = Path(str(dist.locate_file(entry))).read_bytes()
    files["stageguide/spreadsheet.py"] = READER.read_bytes()
    return files


def make_bundle(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name], compresslevel=9)
    return out.getvalue()


def with_stdlib(
    files: dict[str, bytes], full_stdlib_zip: bytes, stdlib_files: list[str]
) -> dict[str, bytes]:
    """The bundle's files plus the traced stdlib files, under STDLIB_FOLDER."""
    combined = dict(files)
    with zipfile.ZipFile(io.BytesIO(full_stdlib_zip)) as stdlib:
        present = set(stdlib.namelist())
        for name in stdlib_files:
            if name not in present:
                raise BuildError(
                    f"the spreadsheet trace names {name}, which the stdlib zip does not hold"
                )
            combined[f"{STDLIB_FOLDER}/{name}"] = stdlib.read(name)
    return combined


def sample_workbook(quiz_json: Path) -> bytes:
    """A small workbook like a survey tool's, with the cell types openpyxl converts (numbers, dates, text)."""
    import datetime
    import json

    from openpyxl import Workbook

    quiz = json.loads(quiz_json.read_text(encoding="utf-8"))
    book = Workbook()
    sheet = book.worksheets[0]  # a new workbook holds one worksheet
    sheet.append(["ID", "Start time", "Name", *(s["id"] for s in quiz["statements"])])
    labels = [p["label"] for p in quiz["scale"]]
    sheet.append(
        [1, datetime.datetime(2026, 3, 2, 9, 10), "Ana", *([labels[-1]] * len(quiz["statements"]))]
    )
    sheet.append(
        [
            2.0,
            datetime.date(2026, 3, 2),
            True,
            *([quiz["scale"][0]["value"]] * len(quiz["statements"])),
        ]
    )
    book.create_sheet("Notes").append(["a second sheet"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def bundle_name(data: bytes) -> str:
    return f"spreadsheet-{hashlib.sha256(data).hexdigest()[:12]}.zip"
