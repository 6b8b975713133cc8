#!/bin/sh
# Interop checks of the ZIP layer against Info-ZIP and Python's zipfile.
#
#   tests/zip/interop.sh PATH/TO/bxzip_driver
#
# Our zips must pass `unzip -t` and zipfile's testzip(); zips made by
# zipfile and Info-ZIP zip must read back through our strict reader, and
# hostile ones must be refused with the right code.  Needs python3;
# checks that need unzip or zip are skipped when those are missing.
# Prints "N passed, M failed, K skipped"; exits 1 when anything failed.
# The driver is not built by default:
#   cc -Iinclude -Isrc tests/unit/bxzip_driver.c build/libbudgetx.a \
#       $(pkg-config --libs zlib libcrypto ...) -o build/bxzip_driver
# shellcheck disable=SC2016 # sh -c scripts expand their own $0 and $1
set -u
export LC_ALL=C TZ=UTC

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
    echo "usage: $0 PATH/TO/bxzip_driver" >&2
    exit 2
fi
driver=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
if ! command -v python3 >/dev/null 2>&1; then
    echo "python3 is required" >&2
    exit 2
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp" || exit 2

pass=0
fail=0
skip=0

# check NAME COMMAND...: run COMMAND, count and show the outcome.
check() {
    name=$1
    shift
    if "$@" >log 2>&1; then
        pass=$((pass + 1))
        echo "ok - $name"
    else
        fail=$((fail + 1))
        echo "not ok - $name"
        sed 's/^/    /' log
    fi
}

# need TOOL NAME: true when TOOL exists, else counts NAME as skipped.
need() {
    if command -v "$1" >/dev/null 2>&1; then
        return 0
    fi
    skip=$((skip + 1))
    echo "skip - $2 ($1 not installed)"
    return 1
}

# refused ZIP CODE: the driver refuses ZIP (exit 1) naming CODE.
refused() {
    "$driver" list "$1" >out 2>err
    rc=$?
    cat err
    [ "$rc" -eq 1 ] && grep -q " $2: " err
}

# Inputs: text, empty, a Chinese name, 1 MiB compressible, random binary.
mkdir -p in/data "in/数据"
python3 - <<'EOF'
import random
open("in/readme.txt", "w").write("hello, budget\n")
open("in/empty.txt", "w").close()
open("in/数据/预算表.xml", "w", encoding="utf-8").write("<预算 年度='2024'/>\n")
row = "<row code='2080505' amount='12.5'/>\n"
rows = "".join(row.replace("12.5", "%d.5" % (i * 7919 % 1000)) for i in range(40000))
open("in/data/big.xml", "w").write(rows[: 1 << 20])
open("in/data/blob.bin", "wb").write(random.Random(7).randbytes(100000))
EOF
files="readme.txt empty.txt 数据/预算表.xml data/big.xml data/blob.bin"
# shellcheck disable=SC2086
(cd in && SOURCE_DATE_EPOCH=1704164646 "$driver" write ../ours.zip $files &&
    SOURCE_DATE_EPOCH=1704164646 "$driver" write ../again.zip $files &&
    SOURCE_DATE_EPOCH=1 "$driver" write ../other.zip $files) ||
    { echo "driver cannot write"; exit 1; }

check "writer output is byte-for-byte deterministic" cmp ours.zip again.zip
check "a different mtime changes the bytes" sh -c '! cmp -s ours.zip other.zip'

if need unzip "writer output passes unzip -t"; then
    check "writer output passes unzip -t" unzip -tq ours.zip
    check "unzip extracts the same bytes" sh -c '
        for f in readme.txt empty.txt data/big.xml data/blob.bin; do
            unzip -p ours.zip "$f" | cmp - "in/$f" || exit 1
        done'
fi

cat >pycheck.py <<'EOF'
import sys, zipfile
zf = zipfile.ZipFile(sys.argv[1])
bad = zf.testzip()
assert bad is None, "bad entry %r" % bad
names = sys.argv[2].split()
assert zf.namelist() == names, zf.namelist()
for zi in zf.infolist():
    assert zi.compress_type == zipfile.ZIP_DEFLATED, zi
    assert zi.date_time == (2024, 1, 2, 3, 4, 6), zi.date_time
    assert zi.extra == b"" and zi.comment == b"", zi
    assert bool(zi.flag_bits & 0x800) == (not zi.filename.isascii()), zi
    assert zf.read(zi) == open("in/" + zi.filename, "rb").read(), zi
EOF
check "writer output passes python zipfile testzip and reads back" \
    python3 pycheck.py ours.zip "$files"

# Zips made by Python's zipfile, deflated and stored, read by our reader.
cat >pymake.py <<'EOF'
import sys, zipfile
out, names = sys.argv[1], sys.argv[2].split()
with zipfile.ZipFile(out, "w") as zf:
    for i, n in enumerate(names):
        method = zipfile.ZIP_STORED if i % 2 else zipfile.ZIP_DEFLATED
        zf.write("in/" + n, n, compress_type=method)
with open(out + ".expected", "w", encoding="utf-8") as f:
    for zi in zipfile.ZipFile(out).infolist():
        f.write("%s\t%d\t%08x\n" % (zi.filename, zi.file_size, zi.CRC))
EOF
python3 pymake.py py.zip "$files"
check "reader lists a python zipfile zip like python does" sh -c \
    '"$0" list py.zip >py.out && cmp py.out py.zip.expected' "$driver"
check "reader extracts the same bytes from a python zip" sh -c '
    for f in $1; do "$0" cat py.zip "$f" | cmp - "in/$f" || exit 1; done' \
    "$driver" "$files"

if need zip "reader reads Info-ZIP zip output"; then
    # shellcheck disable=SC2086
    (cd in && zip -qD ../iz.zip $files && zip -qDX ../izx.zip $files)
    check "reader reads Info-ZIP zip output (with extra fields)" \
        "$driver" list iz.zip
    check "reader reads Info-ZIP zip -X output" "$driver" list izx.zip
    (cd in && zip -qr ../izdir.zip data)
    check "reader refuses Info-ZIP directory entries" refused izdir.zip ZIP-DIR
fi

# Hostile zips made by zipfile.
python3 - <<'EOF'
import zipfile
def z(path, name, data=b"x", mode=0o100644):
    with zipfile.ZipFile(path, "w") as zf:
        zi = zipfile.ZipInfo(name, (2024, 1, 2, 3, 4, 6))
        zi.external_attr = mode << 16
        zf.writestr(zi, data)
z("slip.zip", "../../etc/cron.d/evil")
z("abs.zip", "/etc/passwd")
z("link.zip", "link", b"/etc/passwd", 0o120777)
with zipfile.ZipFile("dup.zip", "w") as zf:
    zf.writestr("Budget.xml", "1")
    zf.writestr("BUDGET.xml", "2")
with zipfile.ZipFile("bomb.zip", "w", zipfile.ZIP_DEFLATED) as zf:
    zf.writestr("zeros.bin", bytes(100 << 20))
EOF
check "reader refuses a zip-slip name" refused slip.zip ZIP-PATH
check "reader refuses an absolute name" refused abs.zip ZIP-PATH
check "reader refuses a symlink" refused link.zip ZIP-SYMLINK
check "reader refuses names equal but for case" refused dup.zip ZIP-DUP
check "reader refuses a 100 MB zip bomb" refused bomb.zip ZIP-BOMB
head -c 1000 py.zip >cut.zip
check "reader refuses a truncated zip" refused cut.zip ZIP-TRUNCATED

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
