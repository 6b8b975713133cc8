#!/bin/sh
# End-to-end tests of budgetx bundle / verify / unpack with independent
# readers (unzip, python3 zipfile, sha256sum, openssl sm3, xmllint) and
# tampered and hostile bundles.  Usage: run.sh /path/to/budgetx [--update]
set -u
bin=$1
update=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export LC_ALL=C TZ=UTC BUDGETX_DATADIR="$root"
unset SOURCE_DATE_EPOCH
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# expect RC OUTFILE PATTERN -- CMD...: exit code and a line matching
expect() {
    want=$1 pat=$2
    shift 2
    "$@" >"$tmp/.log" 2>&1
    got=$?
    if [ "$got" -ne "$want" ]; then
        bad "exit $got, wanted $want: $*"
        sed 's/^/    /' "$tmp/.log" | head -20
    elif [ -n "$pat" ] && ! grep -q -- "$pat" "$tmp/.log"; then
        bad "no '$pat' in output of: $*"
        sed 's/^/    /' "$tmp/.log" | head -20
    else
        ok
    fi
}

edu=$root/samples/example-county-education-bureau-2024.xml
health=$root/samples/example-district-health-commission-2024.xml
seed=$root/samples/pingdingshan-hitech-service-center-2024.xml
cd "$tmp" || exit 1

# --- building ---------------------------------------------------------
expect 0 "410999-105-2024-budget.zip" "$bin" bundle --lang en "$edu"
[ -f 410999-105-2024-budget.zip ] && ok || bad "default bundle name"
expect 3 "exists" "$bin" bundle --lang en "$edu"
expect 0 "" "$bin" bundle --lang en --force "$edu"
expect 1 "no bundle written" "$bin" bundle --lang en -o seed.zip "$seed"
[ ! -e seed.zip ] && ok || bad "a refused bundle left a file"
expect 0 "" "$bin" bundle --lang en --allow-invalid -o seed.zip "$seed"
expect 2 "unknown rendition" "$bin" bundle --lang en --include pdf -o x.zip "$edu"
ls ./*.tmp* >/dev/null 2>&1 && bad "temporary files left" || ok

# deterministic: the same inputs twice give the same bytes
"$bin" bundle --lang en --include html,csv,json,platform -o a.zip "$edu" "$health" >/dev/null 2>&1
sleep 1
"$bin" bundle --lang en --include html,csv,json,platform -o b.zip "$edu" "$health" >/dev/null 2>&1
cmp -s a.zip b.zip && ok || bad "bundles differ between two runs"
SOURCE_DATE_EPOCH=1700000000 "$bin" bundle --lang en -o c.zip "$edu" >/dev/null 2>&1
python3 - c.zip <<'PY' && ok || bad "SOURCE_DATE_EPOCH not used"
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert all(i.date_time[:3] == (2023, 11, 14) for i in z.infolist()), z.infolist()
PY

# --- independent readers ---------------------------------------------
unzip -tq a.zip >/dev/null && ok || bad "unzip -t"
python3 - a.zip <<'PY' && ok || bad "python zipfile"
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
names = z.namelist()
assert names[0] == "manifest.xml", names
assert names[1:] == sorted(names[1:]), names
PY
mkdir x && (cd x && unzip -q ../a.zip)
xmllint --noout --schema "$root/schemas/manifest.xsd" x/manifest.xml 2>/dev/null && ok || bad "manifest.xsd"
python3 - x <<'PY' && ok || bad "manifest digests differ from sha256sum / openssl sm3"
import os, re, subprocess, sys
d = sys.argv[1]
m = open(os.path.join(d, "manifest.xml"), encoding="utf-8").read()
files = re.findall(r'<file path="([^"]+)"[^>]*size="(\d+)"\s*sha256="(\w+)"\s*sm3="(\w+)"', m)
listed = set()
for path, size, sha, sm3 in files:
    p = os.path.join(d, path)
    listed.add(path)
    assert os.path.getsize(p) == int(size), path
    out = subprocess.run(["sha256sum", p], capture_output=True, text=True).stdout
    assert out.split()[0] == sha, path
    out = subprocess.run(["openssl", "dgst", "-sm3", p], capture_output=True, text=True).stdout
    assert out.strip().split()[-1] == sm3, path
on_disk = set()
for top, _, names in os.walk(d):
    for n in names:
        on_disk.add(os.path.relpath(os.path.join(top, n), d))
assert on_disk - {"manifest.xml"} == listed, on_disk ^ listed
assert len(files) == len(listed) >= 8
PY
# the manifest is a golden file: reviewed like code
sed -n '1,/<file /p' x/manifest.xml | sed '$d' >manifest-head.xml
if [ "$update" = "--update" ]; then
    cp manifest-head.xml "$here/expected-manifest-head.xml"
fi
cmp -s manifest-head.xml "$here/expected-manifest-head.xml" && ok || {
    bad "manifest differs from tests/bundle/expected-manifest-head.xml"
    diff -u "$here/expected-manifest-head.xml" manifest-head.xml | head -20
}

# --- verification ------------------------------------------------------
expect 0 "intact; 2 submissions; accepted" "$bin" verify --lang en a.zip
expect 1 "BUNDLE-VERDICT-RECORDED" "$bin" verify --lang en seed.zip
expect 0 '"verdict":"accepted"' "$bin" verify --lang en --format json a.zip
expect 3 "IO-READ" "$bin" verify --lang en missing.zip
printf 'not a zip' >garbage.zip
expect 3 "ZIP-FORMAT" "$bin" verify --lang en garbage.zip

# tamper: python rewrites the zip (valid CRCs) with one change each
tamper() {
    python3 - a.zip "$1.zip" "$1" <<'PY'
import sys, zipfile
src, dst, how = sys.argv[1:4]
zin = zipfile.ZipFile(src)
zout = zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED)
names = zin.namelist()
victim = [n for n in names if n.startswith("submissions/")][0]
for n in names:
    data = zin.read(n)
    if how == "byte" and n == victim:
        i = data.index(b"<fiscalYear>") + 12
        data = data[:i] + b"3" + data[i + 1:]
    if how == "rename" and n == victim:
        n = n.replace(".xml", "-x.xml")
    if how == "drop" and n == victim:
        continue
    if how == "manifest" and n == "manifest.xml":
        k = data.index(b'sha256="') + 8
        data = data[:k] + (b"0" if data[k:k+1] != b"0" else b"1") + data[k + 1:]
    zout.writestr(n, data)
if how == "add":
    zout.writestr("renditions/extra.txt", b"slipped in")
zout.close()
PY
}
for t in byte rename drop add manifest; do
    tamper $t
done
expect 1 "BUNDLE-DIGEST" "$bin" verify --lang en byte.zip
expect 1 "BUNDLE-UNLISTED" "$bin" verify --lang en rename.zip
expect 1 "BUNDLE-MISSING" "$bin" verify --lang en rename.zip
expect 1 "BUNDLE-MISSING" "$bin" verify --lang en drop.zip
expect 1 "BUNDLE-UNLISTED" "$bin" verify --lang en add.zip
expect 1 "BUNDLE-DIGEST" "$bin" verify --lang en manifest.zip
# a flipped byte inside compressed data: the CRC catches it
python3 - a.zip flip.zip <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[200] ^= 0x55
open(sys.argv[2], "wb").write(bytes(b))
PY
# corrupt deflate data is unreadable (3); data that inflates with a bad
# CRC is altered (1): either way verify fails and names the entry
"$bin" verify --lang en flip.zip >"$tmp/.log" 2>&1
r=$?
{ [ $r -eq 1 ] || [ $r -eq 3 ]; } && grep -q "ZIP-CRC\|ZIP-FORMAT\|ZIP-SIZE\|ZIP-BOMB" "$tmp/.log" && grep -q "manifest.xml\|submissions/\|renditions/" "$tmp/.log" && ok || bad "flipped byte: exit $r"

# hostile zips
python3 - <<'PY'
import zipfile, zlib
def mk(name, entries, **kw):
    z = zipfile.ZipFile(name, "w", zipfile.ZIP_DEFLATED)
    for n, d in entries:
        z.writestr(n, d)
    z.close()
mk("slip.zip", [("manifest.xml", b"<m/>"), ("../evil.txt", b"x")])
mk("abs.zip", [("manifest.xml", b"<m/>"), ("/tmp/evil.txt", b"x")])
mk("dup.zip", [("manifest.xml", b"<m/>"), ("a.xml", b"1"), ("A.xml", b"2")])
z = zipfile.ZipFile("bomb.zip", "w", zipfile.ZIP_DEFLATED)
z.writestr("manifest.xml", b"\0" * (300 << 20))
z.close()
PY
expect 1 "ZIP-PATH" "$bin" verify --lang en slip.zip
expect 1 "ZIP-PATH" "$bin" verify --lang en abs.zip
expect 1 "ZIP-DUP" "$bin" verify --lang en dup.zip
expect 3 "ZIP-BOMB\|ZIP-LIMIT" "$bin" verify --lang en bomb.zip
expect 1 "" "$bin" unpack --lang en slip.zip -o slipdir
[ ! -e evil.txt ] && [ ! -e slipdir ] && ok || bad "unpack of a hostile zip wrote something"

# --- unpacking ---------------------------------------------------------
expect 0 "" "$bin" unpack --lang en a.zip -o out
(cd out && find . -type f | sort) >unpacked.txt
python3 -c "import zipfile; print('\n'.join(sorted('./'+n for n in zipfile.ZipFile('a.zip').namelist())))" >listed.txt
cmp -s unpacked.txt listed.txt && ok || bad "unpacked files differ from the bundle"
expect 3 "UNPACK-EXISTS" "$bin" unpack --lang en a.zip -o out
expect 0 "" "$bin" unpack --lang en --force a.zip -o out
expect 2 "no target directory" "$bin" unpack --lang en a.zip
: >afile
expect 3 "UNPACK-DIR" "$bin" unpack --lang en a.zip -o afile

echo "bundle: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
