"""The size limits of a team's input, and how a size is written in a message.

One place for the numbers, so the page, the command line and the README quote
the same ones; sizes are written precisely enough that a file one byte over the
limit does not read as if it were at it.
"""

from __future__ import annotations

from .errors import AnswerError

MAX_RESPONDENTS = 500
MAX_CSV_BYTES = 2 * 1024 * 1024  # a team file (CSV or spreadsheet), before decoding
MAX_CODES_CHARS = 2 * 1024 * 1024  # pasted text: the same ceiling as a file
MAX_CELL_MATCH_CHARS = 2000  # a header cell longer than this cannot name a statement
MAX_COLUMNS = (
    4096  # far wider than any export (Excel's own limit is 16,384); a wider row is not read
)
MAX_HEADER_SCAN = 10  # the header is looked for in the first rows that hold anything


def describe_size(count: int) -> str:
    """ "2 MB", "1.5 MB", "2 MB and 1 byte", "10 KB", "812 bytes": exact whenever rounding would hide a difference."""
    if count < 1024:
        return f"{count:,} byte" + ("" if count == 1 else "s")
    unit, name = (1024 * 1024, "MB") if count >= 1024 * 1024 else (1024, "KB")
    whole, rest = divmod(count, unit)
    if rest == 0:
        return f"{whole} {name}"
    rounded = f"{count / unit:.2f}".rstrip("0").rstrip(".")
    if float(rounded) * unit == count:
        return f"{rounded} {name}"
    return (
        f"{count:,} bytes ({rounded} {name})"
        if rounded != str(whole)
        else f"{whole} {name} and {rest:,} byte" + ("" if rest == 1 else "s")
    )


def check_size(count: int, limit: int, what: str) -> None:
    """Raise the one message every reader gives for input over a size limit."""
    if count > limit:
        raise AnswerError(f"{what} is {describe_size(count)}; the limit is {describe_size(limit)}")
