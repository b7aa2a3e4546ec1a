"""Re-deflate a zip's members with libdeflate's slowest level: the same archive, about 3 % smaller.

zipfile can only deflate with zlib (level 9 at most). The runtime's stdlib zip travels
as it is (a host's gzip cannot shrink deflated members), so every byte saved here is a
byte less on a phone's first visit; zipimport and every unzip read the result as usual.
The members' names, dates, attributes and order are kept; only their compressed bytes change.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from io import BytesIO

import deflate

LEVEL = 12
_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_VERSION = 20  # 2.0: deflate, no zip64 (the runtime's archives are far below 4 GB)


def redeflate(data: bytes, level: int = LEVEL) -> bytes:
    """The zip data with every member deflated at level (stored members of no bytes stay stored)."""
    out = BytesIO()
    central = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as source:
        infos = source.infolist()
        for info in infos:
            body = source.read(info)
            packed = bytes(deflate.deflate_compress(body, level)) if body else b""
            method = zipfile.ZIP_DEFLATED if body else zipfile.ZIP_STORED
            name = info.filename.encode("utf-8")
            flags = 0x800 if not info.filename.isascii() else 0  # bit 11: the name is UTF-8
            dostime = (
                (info.date_time[3] << 11) | (info.date_time[4] << 5) | (info.date_time[5] // 2)
            )
            dosdate = (
                ((info.date_time[0] - 1980) << 9) | (info.date_time[1] << 5) | info.date_time[2]
            )
            crc = zlib.crc32(body)
            offset = out.tell()
            out.write(
                _LOCAL.pack(0x04034B50, _VERSION, flags, method, dostime, dosdate, crc,
                            len(packed), len(body), len(name), 0)
            )  # fmt: skip
            out.write(name + packed)
            central.write(
                _CENTRAL.pack(0x02014B50, _VERSION, _VERSION, flags, method, dostime, dosdate, crc,
                              len(packed), len(body), len(name), 0, 0, 0, 0, info.external_attr,
                              offset)
            )  # fmt: skip
            central.write(name)
    start = out.tell()
    count = len(infos)
    if count > 0xFFFF or start + central.tell() > 0xFFFFFFFF:
        raise ValueError(
            f"a zip of {count} members and {start:,} bytes needs zip64, which this does not write"
        )
    out.write(central.getvalue())
    out.write(_END.pack(0x06054B50, 0, 0, count, count, len(central.getvalue()), start, 0))
    result = out.getvalue()
    with zipfile.ZipFile(BytesIO(result)) as check:  # every member's CRC, before anything ships
        bad = check.testzip()
    if bad is not None:
        raise ValueError(f"re-deflating the zip damaged {bad}")
    return result
