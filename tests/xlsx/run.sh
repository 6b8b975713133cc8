#!/bin/sh
# Workbooks (docs/xlsx.md), end to end:
#  - convert --to xlsx for every sample: the same bytes twice; every XML
#    part, canonicalised, equal to tests/xlsx/golden/<sample>/ (the hidden
#    sheet _bx is compared through what it decodes to, not as bytes);
#  - openpyxl reads every amount as a number in its cell and every code
#    as text with its zeros (check.py types);
#  - XML -> XLSX -> XML gives back the sample's bytes;
#  - values typed with openpyxl come back at their cells' precision, with
#    findings naming the cells (golden stderr);
#  - the template filled in by openpyxl reads back;
#  - LibreOffice (headless, one run) re-saves the sample workbooks and the
#    filled template, and those read back to the same documents;
#  - hostile workbooks are refused or ignored with their message and exit
#    code (tests/xlsx/hostile/<name>.err, .rc).
# Usage: run.sh /path/to/budgetx [--update]
set -u
bin=$1
update=0
[ "${2:-}" = "--update" ] && update=1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export LC_ALL=C TZ=UTC
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() {
    echo "FAIL $*"
    fail=$((fail + 1))
}

# a python with openpyxl (Debian: python3-openpyxl)
py=
for p in python3 /usr/bin/python3; do
    if "$p" -c 'import openpyxl' 2>/dev/null; then
        py=$p
        break
    fi
done
if [ -z "$py" ]; then
    echo "FAIL python3 with openpyxl not found (apt-get install python3-openpyxl)"
    exit 1
fi
command -v soffice >/dev/null 2>&1 || {
    echo "FAIL soffice not found (apt-get install libreoffice-calc-nogui)"
    exit 1
}
check() { "$py" "$here/check.py" "$@"; }

# Canonical form of every XML part of workbook $1 into directory $2.
canon() {
    rm -rf "$2" "$2.zip" && mkdir -p "$2.zip" "$2"
    (cd "$2.zip" && unzip -q "$1") || return 1
    (cd "$2.zip" && find . -type f | sort) | while read -r f; do
        case $f in
        *.rels | *.xml | *.vml) ;;
        *) continue ;;
        esac
        mkdir -p "$2/$(dirname "$f")"
        if grep -q 'budgetx-xlsx 1' "$2.zip/$f"; then
            echo "hidden sheet _bx (checked by check.py types)" >"$2/$f"
        else
            xmllint --c14n "$2.zip/$f" | xmllint --format - >"$2/$f"
        fi
    done
    rm -rf "$2.zip"
}

cd "$tmp" || exit 1
samples=$(cd "$root/samples" && ls *.xml | sed 's/\.xml$//')

# --- convert --to xlsx: goldens, determinism, types, lossless -------------
for s in $samples; do
    x=$root/samples/$s.xml
    "$bin" convert --no-validate --to xlsx "$x" -o "$s.xlsx" 2>err || {
        bad "$s: convert --to xlsx: $(cat err)"
        continue
    }
    "$bin" convert --no-validate --to xlsx "$x" -o "$s.again.xlsx" 2>/dev/null
    cmp -s "$s.xlsx" "$s.again.xlsx" && ok || bad "$s: not deterministic"
    canon "$tmp/$s.xlsx" "$tmp/$s.parts"
    if [ $update -eq 1 ]; then
        rm -rf "$here/golden/$s" && mkdir -p "$here/golden" &&
            cp -R "$s.parts" "$here/golden/$s"
    fi
    diff -r "$here/golden/$s" "$s.parts" >diff.out && ok ||
        bad "$s: parts differ from tests/xlsx/golden/$s: $(head -5 diff.out)"
    check types "$s.xlsx" "$x" >/dev/null 2>err && ok ||
        bad "$s: openpyxl: $(tail -1 err)"
    "$bin" convert --no-validate --from xlsx "$s.xlsx" -o "$s.back.xml" \
        2>err && cmp -s "$x" "$s.back.xml" && ok ||
        bad "$s: XML -> XLSX -> XML not lossless $(cat err)"
done

# --- typed by a user (openpyxl) ---------------------------------------------
e=example-county-education-bureau-2024
check edit "$e.xlsx" edited.xlsx
"$bin" convert --no-validate --from xlsx edited.xlsx -o edited.xml 2>edited.err
echo $? >edited.rc
if [ $update -eq 1 ]; then
    cp edited.err edited.rc "$here/golden/"
fi
cmp -s edited.err "$here/golden/edited.err" && ok ||
    bad "edited: stderr differs: $(diff "$here/golden/edited.err" edited.err)"
cmp -s edited.rc "$here/golden/edited.rc" && ok || bad "edited: exit code"
check edited edited.xml >/dev/null 2>err && ok || bad "edited: $(tail -1 err)"
"$bin" convert --from xlsx edited.xlsx -o refused.xml 2>/dev/null
[ $? -eq 1 ] && [ ! -e refused.xml ] && ok ||
    bad "edited: a workbook with errors is not refused"

# --- the template, filled in ------------------------------------------------
"$bin" template --to xlsx --profile henan-county-14 --year 2025 --dept 123 \
    --name 某某局 -o template.xlsx && ok || bad "template failed"
"$bin" template --to xlsx --profile henan-county-14 --year 2025 --dept 123 \
    --name 某某局 -o template2.xlsx
cmp -s template.xlsx template2.xlsx && ok || bad "template not deterministic"
check fill template.xlsx filled.xlsx >/dev/null 2>err && ok ||
    bad "fill: $(tail -1 err)"
"$bin" convert --no-validate --from xlsx filled.xlsx -o filled.xml 2>err &&
    check filled filled.xml "$root/xslt/common.xsl" >/dev/null 2>>err && ok ||
    bad "filled template: $(tail -2 err)"

# --- LibreOffice re-saves: one soffice run ----------------------------------
mkdir lo
HOME=$tmp soffice --headless "-env:UserInstallation=file://$tmp/profile" \
    --convert-to xlsx --outdir lo $(for s in $samples; do echo "$s.xlsx"; done) \
    filled.xlsx >soffice.log 2>&1
for s in $samples; do
    "$bin" convert --no-validate --from xlsx "lo/$s.xlsx" -o "$s.lo.xml" \
        2>err && cmp -s "$root/samples/$s.xml" "$s.lo.xml" && ok ||
        bad "$s: LibreOffice's re-save does not read back: $(cat err)"
done
"$bin" convert --no-validate --from xlsx lo/filled.xlsx -o filled.lo.xml \
    2>err && cmp -s filled.xml filled.lo.xml && ok ||
    bad "filled template re-saved by LibreOffice: $(cat err)"

# --- hostile workbooks ------------------------------------------------------
mkdir h
check hostile h "$e.xlsx"
for f in h/*; do
    n=$(basename "$f" | sed 's/\..*//')
    (cd h && "$bin" convert --no-validate --from xlsx "$(basename "$f")" \
        -o out.xml >../h.out 2>../h.err)
    echo $? >h.rc
    if [ $update -eq 1 ]; then
        mkdir -p "$here/hostile"
        cp h.err "$here/hostile/$n.err"
        cp h.rc "$here/hostile/$n.rc"
    fi
    cmp -s h.err "$here/hostile/$n.err" && ok ||
        bad "hostile $n: stderr: $(cat h.err)"
    cmp -s h.rc "$here/hostile/$n.rc" && ok ||
        bad "hostile $n: exit code $(cat h.rc)"
    if [ "$(cat h.rc)" != 0 ] && [ -e h/out.xml ]; then
        bad "hostile $n: refused but wrote an output"
    fi
    rm -f h/out.xml
done

echo "xlsx: $pass passed, $fail failed"
[ $fail -eq 0 ]
