"""Excel workbooks (.xlsx) as team files, read with openpyxl.

Outside the scoring core on purpose: the core is standard library only, and this
module needs openpyxl (and its dependency et_xmlfile). `install()` plugs the reader
into `core.csvimport`; the command line calls it when openpyxl is installed, the
browser worker after loading the two wheels on the first spreadsheet dropped.

A workbook is a zip of XML files, so a small file can unpack into a huge one; the
reader checks the unpacked sizes before openpyxl parses anything, reads the first
worksheet only (streaming, read-only), and stops after the rows a report can use.
"""

from __future__ import annotations

import importlib
import os
import sys


def _add_bundled_stdlib(folder: str) -> None:
    """Make the bundled stdlib files importable, also where their package came with the core.

    In the browser, the stdlib files only a workbook needs arrive beside this module
    (see buildtools/sheets.py); under CPython the folder does not exist and nothing
    changes. A package whose ``__init__`` is in the trimmed stdlib zip is found there
    first, and only there; its new modules are found once the folder is on its path.
    """
    if not os.path.isdir(folder) or folder in sys.path:
        return
    sys.path.append(folder)
    for directory, _, names in sorted(os.walk(folder)):
        if directory == folder or "__init__.py" in names:
            continue
        name = os.path.relpath(directory, folder).replace(os.sep, ".")
        try:
            package = importlib.import_module(name)
        except ImportError:
            continue
        paths = getattr(package, "__path__", None)
        if paths is not None and directory not in list(paths):
            paths.append(directory)


# Before the imports below: in the browser, some of them come from the bundled folder.
_add_bundled_stdlib(os.path.join(os.path.dirname(os.path.abspath(__file__)), "spreadsheet_stdlib"))

import datetime  # noqa: E402
import io  # noqa: E402
import zipfile  # noqa: E402

from .core.csvimport import register_spreadsheet_reader  # noqa: E402
from .core.errors import AnswerError  # noqa: E402
from .core.limits import MAX_HEADER_SCAN, MAX_RESPONDENTS, describe_size  # noqa: E402
from .core.tablerows import Table, table_from_cells  # noqa: E402

MAX_UNPACKED_BYTES = 64 * 1024 * 1024  # every part of the workbook, unpacked
MAX_ROWS = MAX_RESPONDENTS + 2 * MAX_HEADER_SCAN + 1  # enough to say "too many respondents"
MAX_COLUMNS = 1000


def install() -> None:
    register_spreadsheet_reader(read_xlsx)


def read_xlsx(data: bytes) -> Table:
    """The first worksheet's cells as text, as a survey tool's CSV would hold them."""
    from openpyxl import load_workbook  # imported here: only a spreadsheet pays for it

    _check_unpacked(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise AnswerError(
            f"the spreadsheet cannot be opened ({type(error).__name__}: {error}); save it again "
            "as .xlsx, or export a CSV file"
        ) from None
    try:
        sheets = book.worksheets
        if not sheets:
            raise AnswerError("the spreadsheet holds no worksheet")
        sheet = sheets[0]
        rows: list[list[str]] = []
        for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            if len(rows) >= MAX_ROWS:
                break
            rows.append([_text(value) for value in values])
    except AnswerError:
        raise
    except Exception as error:  # noqa: BLE001
        raise AnswerError(
            f"the spreadsheet cannot be read ({type(error).__name__}: {error}); save it again as "
            ".xlsx, or export a CSV file"
        ) from None
    finally:
        book.close()
    notes: tuple[str, ...] = ()
    if len(sheets) > 1:
        notes = (
            f"the workbook has {len(sheets)} worksheets; the first, {sheet.title!r}, was read",
        )
    return table_from_cells(rows, "spreadsheet", notes)


def _check_unpacked(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise AnswerError(
            "the spreadsheet is damaged (it is not a readable .xlsx file); save it again, or export a CSV file"
        ) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise AnswerError(
            f"the spreadsheet unpacks to {describe_size(unpacked)}; the limit is {describe_size(MAX_UNPACKED_BYTES)}, "
            "far more than any team's answers need"
        )


def _text(value: object) -> str:
    """A cell as a CSV export would write it: whole numbers without ".0", dates as ISO text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    return str(value)
