"""Bytes of a team file to text: the one decoding rule the page and the command line share.

Survey tools and spreadsheets write UTF-8 (often with a byte-order mark), UTF-16
with a byte-order mark ("Unicode text") or, in much of Europe, Excel's Windows-1252.
Those three are read; anything else, and any text holding control characters that
no export contains, is refused with the same message wherever it was opened.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from .errors import AnswerError

WINDOWS_1252 = "Windows-1252"
# Control characters no export holds (tab, line feed and carriage return are fine).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # "UTF-8", "UTF-16" or "Windows-1252"


def decode_text(data: bytes, what: str = "the file") -> Decoded:
    """Decode by byte-order mark, else as UTF-8, else as Windows-1252; refuse what is none of them."""
    if data.startswith(codecs.BOM_UTF8):
        decoded = _try(data[len(codecs.BOM_UTF8) :], "utf-8", "UTF-8")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        decoded = _try(data, "utf-16", "UTF-16")
    else:
        decoded = _try(data, "utf-8", "UTF-8") or _try(data, "cp1252", WINDOWS_1252)
    if decoded is None:
        raise AnswerError(_not_text(what, "its bytes are not UTF-8, UTF-16 or Windows-1252 text"))
    control = _CONTROL.search(decoded.text)
    if control is not None:
        line = decoded.text.count("\n", 0, control.start()) + 1
        raise AnswerError(
            _not_text(what, f"line {line} holds the control character U+{ord(control.group()):04X}")
        )
    return decoded


def _try(data: bytes, codec: str, name: str) -> Decoded | None:
    try:
        return Decoded(data.decode(codec), name)
    except UnicodeDecodeError:
        return None


def _not_text(what: str, why: str) -> str:
    return (
        f"{what} is not a text file that can be read ({why}); expected a CSV file in UTF-8, "
        "UTF-16 with a byte-order mark, or Windows-1252. In Excel choose Save As → “CSV UTF-8”"
    )
