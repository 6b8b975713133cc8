#!/usr/bin/env python3
"""Regenerate the committed ZIP test data.

  tests/fixtures/zip/python-made.zip   read by test_reader_reads_python_made_zip
  tests/fuzz/corpus/bxzip/*            seeds for tests/fuzz/fuzz_bxzip.c

Run from the repository root: python3 tests/zip/make_fixtures.py
The outputs are committed; rerun only when changing them (and keep the
expectations in tests/unit/test_bxzip.c in step).
"""
import io
import os
import struct
import zipfile

DATE = (2024, 1, 2, 3, 4, 6)
FIXTURES = os.path.join("tests", "fixtures", "zip")
CORPUS = os.path.join("tests", "fuzz", "corpus", "bxzip")


def info(name, method=zipfile.ZIP_DEFLATED, mode=0o100644):
    zi = zipfile.ZipInfo(name, DATE)
    zi.compress_type = method
    zi.create_system = 3
    zi.external_attr = mode << 16
    return zi


def make_zip(entries):
    """entries: (ZipInfo, bytes) pairs -> zip bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for zi, data in entries:
            zf.writestr(zi, data)
    return out.getvalue()


def python_made():
    lines = "".join("line %04d of budget\n" % i for i in range(100))
    return make_zip([
        (info("hello.txt"), b"hello, world\n"),
        (info("数据/说明.txt"), "预算公开说明\n".encode()),
        (info("bytes.bin", zipfile.ZIP_STORED), bytes(range(256))),
        (info("lines.txt"), lines.encode()),
    ])


def patch(data, offset, fmt, value):
    b = bytearray(data)
    struct.pack_into(fmt, b, offset, value)
    return bytes(b)


def central(data):
    """Offset of the first central directory record."""
    return struct.unpack_from("<I", data, len(data) - 6)[0]


def with_descriptor():
    """A deflated entry written with a data descriptor (flag bit 3)."""
    zi = info("dd.txt")
    out = io.BytesIO()
    # An unseekable stream makes zipfile use a data descriptor.
    class Unseekable(io.RawIOBase):
        def writable(self):
            return True

        def write(self, b):
            return out.write(b)

    with zipfile.ZipFile(Unseekable(), "w") as zf:
        with zf.open(zi, "w") as f:
            f.write(b"streamed " * 20)
    return out.getvalue()


def corpus(good):
    one = make_zip([(info("a.xml"), b"<a>1</a>\n" * 8)])
    cd = central(one)
    return {
        "python-made.zip": good,
        "empty-archive.zip": make_zip([]),
        "one-entry.zip": one,
        "stored.zip": make_zip([(info("s.bin", zipfile.ZIP_STORED), b"abc")]),
        "descriptor.zip": with_descriptor(),
        "zip-slip.zip": make_zip([(info("../evil.xml"), b"x")]),
        "symlink.zip": make_zip([(info("link", mode=0o120777), b"/etc")]),
        "dup-case.zip": make_zip([(info("A.xml"), b"1"), (info("a.XML"), b"2")]),
        "encrypted-flag.zip": patch(patch(one, 6, "<H", 1), cd + 8, "<H", 1),
        "bad-crc.zip": patch(patch(one, 14, "<I", 0), cd + 16, "<I", 0),
        "size-mismatch.zip": patch(one, 22, "<I", 5000),
        "count-mismatch.zip": patch(patch(one, len(one) - 14, "<H", 2),
                                    len(one) - 12, "<H", 2),
        "truncated.zip": good[: len(good) // 2],
        "not-a-zip.bin": b"PK\x05\x06 but not really a zip file at all",
    }


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def main():
    good = python_made()
    write(os.path.join(FIXTURES, "python-made.zip"), good)
    for name, data in sorted(corpus(good).items()):
        write(os.path.join(CORPUS, name), data)


if __name__ == "__main__":
    main()
