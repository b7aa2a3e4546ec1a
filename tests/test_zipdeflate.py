"""Re-deflating a zip keeps every member, name, date and attribute, and makes it smaller."""

from __future__ import annotations

import io
import zipfile

import pytest

from stageguide.buildtools.zipdeflate import redeflate


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for index, (name, data) in enumerate(members.items()):
            info = zipfile.ZipInfo(name, date_time=(2024, 2, 29, 13, 45, 10 + 2 * index))
            info.external_attr = (0o100644 if index % 2 else 0o100755) << 16
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def test_every_member_comes_back_the_same_and_the_zip_is_smaller() -> None:
    text = b"".join(
        f"def f{n}(x):\n    return x * {n} + len('{n * 'ab'}')\n".encode() for n in range(800)
    )
    members = {
        "pkg/__init__.py": b"",
        "pkg/module.py": text,
        "pkg/data.bin": bytes(range(256)) * 64,
        "pkg/ünïcode.py": b"name = 'caf\xc3\xa9'\n",
    }
    before = _zip(members)
    after = redeflate(before)
    assert len(after) < len(before)
    with zipfile.ZipFile(io.BytesIO(before)) as old, zipfile.ZipFile(io.BytesIO(after)) as new:
        assert new.testzip() is None
        assert [i.filename for i in new.infolist()] == list(members)
        for was, now in zip(old.infolist(), new.infolist(), strict=True):
            assert new.read(now) == members[now.filename]
            assert (now.date_time, now.external_attr) == (was.date_time, was.external_attr)
        assert new.getinfo("pkg/__init__.py").compress_type == zipfile.ZIP_STORED


def test_the_result_is_the_same_every_time() -> None:
    data = _zip({"a.py": b"x = 1\n" * 500, "b.py": b"y = 2\n" * 300})
    assert redeflate(data) == redeflate(data) == redeflate(redeflate(data))


def test_what_is_not_a_zip_is_refused() -> None:
    with pytest.raises(zipfile.BadZipFile):
        redeflate(b"not a zip at all")
