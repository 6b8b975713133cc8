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
ls -a | grep -q '^\.budgetx-tmp-\|\.tmp' && bad "temporary files left" || ok

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

# the report names the submission by its entry in the bundle, never by
# the path given on this machine: one submission given by an absolute
# path and by a relative path from another directory gives the same
# bytes, and no entry holds the local path
mkdir -p here/in there/deep
cp "$edu" here/in/edu.xml
"$bin" bundle --lang en -o abs.zip "$tmp/here/in/edu.xml" >/dev/null 2>&1
(cd there/deep && "$bin" bundle --lang en -o ../../rel.zip ../../here/in/edu.xml) \
    >/dev/null 2>&1
cmp -s abs.zip rel.zip && ok || bad "bundles differ by the path the submission was given by"
# (and the seed, bundled from its absolute path under the project)
python3 - abs.zip seed.zip "$tmp" "$root" <<'PY' && ok || bad "a bundle entry names a local path"
import sys, zipfile
for zname in sys.argv[1:3]:
    z = zipfile.ZipFile(zname)
    reports = [n for n in z.namelist() if n.startswith("reports/")]
    assert len(reports) == 1, reports
    sub = "submissions/" + reports[0][len("reports/"):-len(".report.xml")] + ".xml"
    assert sub in z.namelist(), sub
    assert ('<file path="%s"' % sub).encode() in z.read(reports[0]), zname
    for n in z.namelist():
        for local in sys.argv[3:]:
            assert local.encode() not in z.read(n), (zname, n, local)
PY
# a renamed (colliding) stem: each report names its own entry
mkdir -p one two
cp "$edu" one/x.xml
cp "$edu" two/x.xml
"$bin" bundle --lang en -o two.zip "$tmp/one/x.xml" "$tmp/two/x.xml" >/dev/null 2>&1
python3 - two.zip <<'PY' && ok || bad "reports of colliding stems"
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert b'<file path="submissions/x.xml"' in z.read("reports/x.report.xml")
assert b'<file path="submissions/x-2.xml"' in z.read("reports/x-2.report.xml")
PY
expect 0 "intact; 1 submission; accepted" "$bin" verify --lang en abs.zip
expect 0 "intact; 2 submissions; accepted" "$bin" verify --lang en two.zip
# a bundle made before: its report names the path given on the command
# line (digests in the manifest recomputed as that version wrote them)
python3 - abs.zip old.zip <<'PY' && ok || bad "could not make an old-style bundle"
import hashlib, re, subprocess, sys, zipfile
src = zipfile.ZipFile(sys.argv[1])
rep = "reports/edu.report.xml"
data = {n: src.read(n) for n in src.namelist()}
data[rep] = data[rep].replace(b'<file path="submissions/edu.xml"',
                              b'<file path="/home/clerk/budget/edu.xml"')
sm3 = subprocess.run(["openssl", "dgst", "-sm3", "-r"], input=data[rep],
                     capture_output=True).stdout.split()[0].decode()
m = data["manifest.xml"].decode()
m, n = re.subn(r'(<file path="%s"[^>]*size=")\d+("\s*sha256=")\w+("\s*sm3=")\w+' % rep,
              lambda g: g.group(1) + str(len(data[rep])) + g.group(2)
              + hashlib.sha256(data[rep]).hexdigest() + g.group(3) + sm3, m)
assert n == 1
data["manifest.xml"] = m.encode()
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as out:
    for info in src.infolist():
        out.writestr(info, data[info.filename], zipfile.ZIP_DEFLATED)
PY
expect 0 "intact; 1 submission; accepted" "$bin" verify --lang en old.zip

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

# --- renditions are re-rendered and compared (defect 3) ----------------
# an edit with the manifest's size and digests recomputed: only the
# comparison with a fresh rendition can see it
retamper() {
    python3 - r.zip "$1.zip" "$1" <<'PY'
import hashlib, re, sys, zipfile
src, dst, how = sys.argv[1:4]
zin = zipfile.ZipFile(src)
files = {n: zin.read(n) for n in zin.namelist()}
def edit(name, old, new):
    assert old in files[name], (name, old)
    files[name] = files[name].replace(old, new, 1)
    return name
if how == "total":
    n = [n for n in files if n.endswith("/platform.xml")][0]
    edit(n, re.search(rb"TOTAL_AMT>[0-9.]+<", files[n]).group(0),
         b"TOTAL_AMT>99999999.00<")
elif how == "script":
    n = [n for n in files if n.endswith("/disclosure.html")][0]
    edit(n, b"</body>", b"<script>location='https://evil.example/'</script></body>")
elif how == "extra-csv":
    n = "renditions/example-county-education-bureau-2024/csv/t99-extra.csv"
    files[n] = b"a,b\n1,2\n"
elif how == "role":
    # the edited rendition listed as a report: not rendered again?
    n = [n for n in files if n.endswith("/platform.xml")][0]
    edit(n, re.search(rb"TOTAL_AMT>[0-9.]+<", files[n]).group(0),
         b"TOTAL_AMT>99999999.00<")
m = files["manifest.xml"].decode()
def entry(path):
    d = files[path]
    return ('path="%s" role="rendition" submission="s1" format="csv" '
            'mediaType="text/csv; charset=utf-8" size="%d"\n        sha256="%s"\n'
            '        sm3="%s"/>' % (path, len(d), hashlib.sha256(d).hexdigest(),
                                   hashlib.new("sm3", d).hexdigest()))
if how == "extra-csv":
    m = m.replace("</manifest>", "  <file " + entry(n) + "\n</manifest>")
else:
    d = files[n]
    m = re.sub(r'(path="%s"[^>]*size=")\d+("\s*sha256=")\w+("\s*sm3=")\w+' % re.escape(n),
               lambda g: "%s%d%s%s%s%s" % (g.group(1), len(d), g.group(2),
                   hashlib.sha256(d).hexdigest(), g.group(3),
                   hashlib.new("sm3", d).hexdigest()), m)
if how == "role":
    m = re.sub(r'(path="%s" )role="rendition"(.*?) format="platform"' % re.escape(n),
               r'\1role="report"\2', m)
files["manifest.xml"] = m.encode()
zout = zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED)
for name in ["manifest.xml"] + sorted(k for k in files if k != "manifest.xml"):
    zout.writestr(name, files[name])
zout.close()
PY
}
"$bin" bundle --lang en --include html,csv,json,platform -o r.zip "$edu" >/dev/null 2>&1
for t in total script extra-csv role; do
    retamper $t || bad "retamper $t"
done
expect 1 "BUNDLE-ROLE" "$bin" verify --lang en role.zip
expect 1 "platform.xml': does not match the rendition of submission" "$bin" verify --lang en total.zip
expect 1 "ALTERED" "$bin" verify --lang en total.zip
expect 1 "disclosure.html': does not match the rendition of submission" "$bin" verify --lang en script.zip
expect 1 "t99-extra.csv': not part of the rendition" "$bin" verify --lang en extra-csv.zip
expect 0 "intact; 1 submission; accepted" "$bin" verify --lang en r.zip
# renditions made in Chinese are compared in Chinese
"$bin" bundle --lang zh -o zh.zip "$edu" >/dev/null 2>&1
expect 0 "intact; 1 submission; accepted" "$bin" verify --lang en zh.zip
# edit_manifest IN OUT EXPR: rewrite the zip with manifest.xml (bytes 'd')
# replaced by the python expression EXPR
edit_manifest() {
    python3 - "$1" "$2" "$3" <<'PY'
import re, sys, zipfile
zin = zipfile.ZipFile(sys.argv[1])
zout = zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED)
for n in zin.namelist():
    d = zin.read(n)
    if n == "manifest.xml":
        d = eval(sys.argv[3])
    zout.writestr(n, d)
zout.close()
PY
}
# a bundle from before renditionOptions was recorded is still readable
edit_manifest zh.zip old.zip 're.sub(rb"\s*<renditionOptions[^>]*/>", b"", d)'
expect 0 "intact; 1 submission; accepted" "$bin" verify --lang en old.zip

# --- a submission the manifest names but the bundle lacks (defect 8) --
edit_manifest zh.zip nowhere.zip \
    'd.replace(b"path=\"submissions/", b"path=\"submissions/gone-", 1)'
expect 1 "BUNDLE-SUBMISSION" "$bin" verify --lang en nowhere.zip

# --- hidden bytes: before the first entry, between entries, comment ---
python3 - zh.zip <<'PY'
import struct, zipfile
data = open("zh.zip", "rb").read()
# a prefix shifts every offset: python's reader copes, ours must refuse
open("prefix.zip", "wb").write(b"HIDDEN" * 10 + data)
z = zipfile.ZipFile("comment.zip", "w", zipfile.ZIP_DEFLATED)
for i in zipfile.ZipFile("zh.zip").infolist():
    z.writestr(i, zipfile.ZipFile("zh.zip").read(i.filename))
z.comment = b"hidden in the comment"
z.close()
# bytes between the first and the second entry, offsets fixed up
zin = zipfile.ZipFile("zh.zip")
infos = zin.infolist()
cut = infos[1].header_offset
junk = b"J" * 37
body = data[:cut] + junk + data[cut:]
eocd = body.rindex(b"PK\x05\x06")
cd_off = struct.unpack("<I", body[eocd + 16:eocd + 20])[0] + len(junk)
body = body[:eocd + 16] + struct.pack("<I", cd_off) + body[eocd + 20:]
p = cd_off
out = bytearray(body)
while out[p:p + 4] == b"PK\x01\x02":
    off = struct.unpack("<I", out[p + 42:p + 46])[0]
    if off >= cut:
        out[p + 42:p + 46] = struct.pack("<I", off + len(junk))
    n, e, c = struct.unpack("<HHH", out[p + 28:p + 34])
    p += 46 + n + e + c
open("between.zip", "wb").write(bytes(out))
assert zipfile.ZipFile("between.zip").testzip() is None
PY
for z in prefix comment between; do
    expect 3 "ZIP-FORMAT" "$bin" verify --lang en $z.zip
done

# --- names that collide on other systems (defect 10) -------------------
python3 - <<'PY'
import zipfile
def mk(name, entries):
    z = zipfile.ZipFile(name, "w", zipfile.ZIP_DEFLATED)
    for n, d in entries:
        z.writestr(n, d)
    z.close()
mk("umlaut.zip", [("manifest.xml", b"<m/>"), ("\u00c4.xml", b"1"), ("\u00e4.xml", b"2")])
mk("nfd.zip", [("manifest.xml", b"<m/>"), ("a\u0308.xml", b"1")])
mk("trail.zip", [("manifest.xml", b"<m/>"), ("report.xml.", b"1")])
mk("reserved.zip", [("manifest.xml", b"<m/>"), ("reports/CON.xml", b"1")])
PY
expect 1 "ZIP-DUP" "$bin" verify --lang en umlaut.zip
# inputs whose names would collide or be refused still make a bundle
for n in CON.xml A.xml a.xml x..xml; do cp "$edu" "$n"; done
expect 0 "" "$bin" bundle --lang en -o names.zip CON.xml A.xml a.xml x..xml
expect 0 "intact; 4 submissions; accepted" "$bin" verify --lang en names.zip
unzip -Z1 names.zip | grep -q "^submissions/_CON.xml$" && unzip -Z1 names.zip | grep -q "^submissions/a-2.xml$" \
    && ok || bad "reserved or case-colliding stems not renamed"
for z in nfd trail reserved; do
    expect 1 "ZIP-PATH" "$bin" verify --lang en $z.zip
done

# --- memory: many entries just under the old ratio floor (defect 5) ----
# 1,000 entries of 1 MiB of zeros: a 1 MB zip that cost 1 GiB of memory
python3 - <<'PY'
import zipfile
z = zipfile.ZipFile("many.zip", "w", zipfile.ZIP_DEFLATED)
z.writestr("manifest.xml", b"<m/>")
for i in range(1000):
    z.writestr("e/%04d.xml" % i, b"\0" * (1 << 20))
z.close()
# entries within the ratio (about 100:1): 200 MiB that verify must
# stream through the digests, not hold
import random
r = random.Random(5)
block = bytearray(1 << 20)
for k in range(0, len(block), 120):
    block[k] = r.randrange(256)
z = zipfile.ZipFile("stream.zip", "w", zipfile.ZIP_DEFLATED)
for i in range(200):
    block[0] = i
    z.writestr("e/%04d.bin" % i, bytes(block))
z.close()
PY
# peak resident memory (KiB), from /usr/bin/time -v
peak() {
    /usr/bin/time -v "$@" >/dev/null 2>"$tmp/.time"
    sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/.time"
}
if [ -x /usr/bin/time ]; then
    base=$(peak "$bin" verify --lang en zh.zip)
    expect 3 "ZIP-BOMB" "$bin" verify --lang en many.zip
    m=$(peak "$bin" verify --lang en many.zip)
    s=$(peak "$bin" verify --lang en stream.zip)
    # the zip itself is 2 MB; 200 MiB held would show
    [ "$m" -lt $((base + 65536)) ] && ok || bad "bomb verify used ${m} KiB (baseline ${base})"
    [ "$s" -lt $((base + 65536)) ] && ok || bad "streaming verify used ${s} KiB (baseline ${base})"
else
    bad "/usr/bin/time is needed to measure memory"
fi

# --- unpack: integrity, verdict and extraction apart (defects 8, 11) --
mkdir full && echo keep >full/keep.txt
expect 3 "UNPACK-EXISTS" "$bin" unpack --lang en zh.zip -o full
expect 3 "intact; 1 submission; accepted; extraction FAILED" "$bin" unpack --lang en zh.zip -o full
[ "$(ls full)" = keep.txt ] && ok || bad "unpack touched a non-empty target"
expect 3 "extraction FAILED" "$bin" unpack --lang en --force zh.zip -o full
mkdir ro && chmod 555 ro
if [ "$(id -u)" -ne 0 ]; then
    expect 3 "intact; 1 submission; accepted; extraction FAILED" "$bin" unpack --lang en zh.zip -o ro/sub
fi
chmod 755 ro
# all or nothing: a file size limit stops the extraction half-way
( ulimit -f 64; "$bin" unpack --lang en a.zip -o limited ) >"$tmp/.log" 2>&1
r=$?
[ $r -eq 3 ] && grep -q "extraction FAILED" "$tmp/.log" && grep -q "UNPACK-WRITE" "$tmp/.log" \
    && ok || { bad "unpack under ulimit -f: exit $r"; head -5 "$tmp/.log"; }
[ ! -e limited ] && ok || bad "a failed unpack left a partial target"
ls -a | grep -q '^\.budgetx-tmp-' && bad "temporary directory left behind" || ok
expect 0 "" "$bin" unpack --lang en zh.zip -o fresh
expect 0 "" "$bin" unpack --lang en zh.zip -o slash/
mkdir empty
expect 0 "" "$bin" unpack --lang en zh.zip -o empty/
[ -f slash/manifest.xml ] && [ -f empty/manifest.xml ] && ok || bad "unpack into DIR/"
umask 027
expect 0 "" "$bin" unpack --lang en zh.zip -o masked
[ "$(stat -c %a masked)" = 750 ] && [ "$(stat -c %a masked/manifest.xml)" = 640 ] \
    && ok || bad "unpacked modes ignore the umask: $(stat -c %a masked masked/manifest.xml)"
umask 022
# a stale temporary directory of a dead process is cleaned on the next run
sh -c 'exit 0' & dead=$!
wait $dead
mkdir ".budgetx-tmp-$dead-abcdef" && : >".budgetx-tmp-$dead-abcdef/x"
expect 0 "" "$bin" unpack --lang en zh.zip -o again
[ ! -e ".budgetx-tmp-$dead-abcdef" ] && ok || bad "stale temporary directory kept"

# --- signatures ---------------------------------------------------------
if openssl genpkey -algorithm SM2 -out sm2.pem 2>/dev/null; then
    openssl pkey -in sm2.pem -pubout -out sm2.pub 2>/dev/null
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.pem 2>/dev/null
    openssl pkey -in rsa.pem -pubout -out rsa.pub 2>/dev/null
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.pem 2>/dev/null
    openssl pkey -in ec.pem -pubout -out ec.pub 2>/dev/null
    openssl req -new -x509 -key sm2.pem -sm3 -sigopt distid:1234567812345678 \
        -subj "/CN=Example County Finance Bureau" -days 30 -out sm2.crt 2>/dev/null
    for k in sm2 rsa ec; do
        expect 0 "" "$bin" bundle --lang en --sign $k.pem -o signed-$k.zip "$edu"
        expect 0 "signed (key SHA-256 [0-9a-f]*), not checked against a trust anchor" \
            "$bin" verify --lang en signed-$k.zip
        expect 0 "intact; 1 submission; accepted; signed by key SHA-256 [0-9a-f]*, trusted" \
            "$bin" verify --lang en --trust $k.pub signed-$k.zip
    done
    expect 1 "BUNDLE-SIGNER" "$bin" verify --lang en --trust rsa.pub signed-sm2.zip
    expect 0 "trusted" "$bin" verify --lang en --trust rsa.pub --trust ec.pub signed-ec.zip
    expect 1 "BUNDLE-UNSIGNED" "$bin" verify --lang en --trust sm2.pub zh.zip
    expect 3 "TRUST-READ" "$bin" verify --lang en --trust missing.pem signed-sm2.zip
    expect 0 "" "$bin" bundle --lang en --sign sm2.pem --cert sm2.crt -o signed-cert.zip "$edu"
    expect 0 "signed by CN=Example County Finance Bureau (key SHA-256 [0-9a-f]*), trusted" \
        "$bin" verify --lang en --trust sm2.crt signed-cert.zip
    expect 2 "not that of the signing key" "$bin" bundle --lang en --sign rsa.pem --cert sm2.crt -o x.zip "$edu"
    [ ! -e x.zip ] && ok || bad "bundle signed with a foreign certificate"
    expect 3 "SIGN-KEY" "$bin" bundle --lang en --sign missing.pem -o x.zip "$edu"
    # the key is the problem, not writing: no IO-WRITE finding as well
    grep -q IO-WRITE "$tmp/.log" && bad "unreadable key reported as IO-WRITE" || ok
    # the signature is interoperable: openssl verifies it (SM2 id, PSS)
    mkdir sx && (cd sx && unzip -q ../signed-sm2.zip)
    sed -n 's/^signature //p' sx/manifest.sig | base64 -d >sx/sig.der
    openssl dgst -sm3 -verify sm2.pub -sigopt distid:1234567812345678 \
        -signature sx/sig.der sx/manifest.xml >/dev/null 2>&1 && ok || bad "openssl rejects our SM2 signature"
    # a flipped byte in the manifest (digests of the others unchanged)
    for k in sm2 rsa ec; do
        edit_manifest signed-$k.zip flipped-$k.zip \
            'd.replace(b"<fiscalYear>2024<", b"<fiscalYear>2025<", 1)'
        expect 1 "BUNDLE-SIGNATURE" "$bin" verify --lang en flipped-$k.zip
        expect 1 "BUNDLE-SIGNATURE" "$bin" verify --lang en --trust $k.pub flipped-$k.zip
    done
    # a signature swapped in from another bundle
    "$bin" bundle --lang en --sign rsa.pem -o other-rsa.zip "$health" >/dev/null 2>&1
    python3 - signed-sm2.zip other-rsa.zip swapped.zip <<'PY'
import sys, zipfile
a, b = zipfile.ZipFile(sys.argv[1]), zipfile.ZipFile(sys.argv[2])
zout = zipfile.ZipFile(sys.argv[3], "w", zipfile.ZIP_DEFLATED)
for n in a.namelist():
    zout.writestr(n, b.read(n) if n == "manifest.sig" else a.read(n))
zout.close()
PY
    expect 1 "BUNDLE-SIGNATURE" "$bin" verify --lang en --trust rsa.pub swapped.zip
else
    bad "openssl cannot make an SM2 key"
fi

# --- output writing (defect 11) ----------------------------------------
cp "$edu" in.xml
expect 2 "would replace an input" "$bin" convert --lang en --to html --force -o ./in.xml in.xml
ln in.xml hard.xml
expect 2 "would replace an input" "$bin" convert --lang en --to platform --force -o hard.xml in.xml
expect 2 "would replace an input" "$bin" bundle --lang en --force -o ./in.xml in.xml
cmp -s in.xml "$edu" && ok || bad "an input was overwritten"
expect 2 "invalid size" "$bin" validate --lang en --max-size -1 in.xml
expect 2 "invalid size" "$bin" validate --lang en --max-size 99999999999999999999999 in.xml
expect 2 "invalid size" "$bin" convert --lang en --to html --max-size -5 -o x.html in.xml
expect 2 "looks like a file name" "$bin" convert --lang en --to csv -o out.csv in.xml
[ ! -e out.csv ] && ok || bad "csv made a directory named like a file"
# directories made with the umask, not 0700; replaced by an exchange
umask 022
expect 0 "" "$bin" convert --lang en --to csv -o tables in.xml
[ "$(stat -c %a tables)" = 755 ] && ok || bad "csv directory mode $(stat -c %a tables)"
ino=$(stat -c %i tables/index.csv)
expect 0 "" "$bin" convert --lang en --to csv --force -o tables in.xml
[ "$(stat -c %i tables/index.csv)" != "$ino" ] && [ -f tables/index.csv ] && ok || bad "csv directory not replaced"
ls -a | grep -q '^\.budgetx-tmp-' && bad "temporary files left by convert" || ok
# past the file size limit: a clear error and nothing left, not SIGXFSZ
( ulimit -f 8; "$bin" bundle --lang en -o big.zip in.xml ) >"$tmp/.log" 2>&1
r=$?
[ $r -eq 3 ] && grep -q "file size limit" "$tmp/.log" && ok || { bad "bundle under ulimit -f: exit $r"; head -3 "$tmp/.log"; }
( ulimit -f 8; "$bin" convert --lang en --to html -o big.html in.xml ) >"$tmp/.log" 2>&1
r=$?
[ $r -eq 3 ] && grep -q "File too large" "$tmp/.log" && ok || { bad "convert under ulimit -f: exit $r"; head -3 "$tmp/.log"; }
[ ! -e big.zip ] && [ ! -e big.html ] && ok || bad "partial output under ulimit -f"
ls -a | grep -q '^\.budgetx-tmp-' && bad "temporary files left under ulimit -f" || ok
# a temporary file of a dead run is removed by the next run there
sh -c 'exit 0' & dead=$!
wait $dead
: >".budgetx-tmp-$dead-XYZabc"
: >".budgetx-tmp-1-XYZabc" # pid 1 lives: not ours to remove
expect 0 "" "$bin" convert --lang en --to html -o page.html in.xml
[ ! -e ".budgetx-tmp-$dead-XYZabc" ] && [ -e ".budgetx-tmp-1-XYZabc" ] && ok || bad "stale temporary file handling"
rm -f ".budgetx-tmp-1-XYZabc"

echo "bundle: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
