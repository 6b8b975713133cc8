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
#  - the template of every registry template: its sheets as the registry
#    says (check.py layout), filled in by openpyxl, reads back;
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

# Read workbook $1.xlsx back: its stderr and exit code against the golden
# ones, the document it gives checked by 'check.py $1'.
read_back() {
    "$bin" convert --no-validate --from xlsx "$1.xlsx" -o "$1.xml" 2>"$1.err"
    echo $? >"$1.rc"
    if [ $update -eq 1 ]; then
        cp "$1.err" "$1.rc" "$here/golden/"
    fi
    cmp -s "$1.err" "$here/golden/$1.err" && ok ||
        bad "$1: stderr differs: $(diff "$here/golden/$1.err" "$1.err")"
    cmp -s "$1.rc" "$here/golden/$1.rc" && ok || bad "$1: exit code"
    check "$1" "$1.xml" >/dev/null 2>err && ok || bad "$1: $(tail -1 err)"
}

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
read_back edited
"$bin" convert --from xlsx edited.xlsx -o refused.xml 2>/dev/null
[ $? -eq 1 ] && [ ! -e refused.xml ] && ok ||
    bad "edited: a workbook with errors is not refused"

# --- a finding about a name points at the name's cell ----------------------
sed 's/<func code="2050101" name="行政运行"/<func code="2050101" name="行政运行X"/' \
    "$root/samples/$e.xml" >labels.xml
"$bin" convert --no-validate --to xlsx labels.xml -o labels.xlsx 2>/dev/null
"$bin" validate --format json labels.xlsx >labels.json 2>/dev/null
check labels labels.xlsx labels.xml labels.json >/dev/null 2>err && ok ||
    bad "labels: $(tail -1 err)"

# --- the annotated workbook ------------------------------------------------
pds=$root/samples/pingdingshan-hitech-service-center-2024.xml
"$bin" validate --format xlsx -o report.xlsx "$pds" >/dev/null 2>&1
check annotated report.xlsx "$pds" >/dev/null 2>err && ok ||
    bad "annotated workbook: $(tail -1 err)"

# --- other files given to validate and convert: named, not parsed ---------
printf '%%PDF-1.4\n1 0 obj\n' >in.pdf
printf '表,金额\n一,1.0\n' >in.csv
printf '<disclosure>\262\277\303\305</disclosure>\n' >in-gbk.xml
for f in in.pdf:INPUT-PDF in.csv:INPUT-CSV in-gbk.xml:INPUT-ENCODING; do
    "$bin" validate "${f%%:*}" >sniff.out 2>&1
    [ $? -eq 3 ] && grep -q "${f#*:}" sniff.out && ok ||
        bad "validate ${f%%:*}: $(cat sniff.out)"
done
"$bin" convert --to html "$e.xlsx" -o sniff.html >sniff.out 2>&1
[ $? -eq 3 ] && grep -q INPUT-ZIP sniff.out && [ ! -e sniff.html ] && ok ||
    bad "convert of a workbook without --from xlsx: $(cat sniff.out)"

# --- the template, filled in: every template of the registry ------------
# Sheets, ordinals, titles and amount columns come from
# schemas/templates/<id>.xml (check.py layout); the filled workbook reads
# back with every amount at the template's decimals.
profiles=$(cd "$root/schemas/templates" && ls *.xml | sed 's/\.xml$//')
for p in $profiles; do
    "$bin" template --to xlsx --profile "$p" --year 2025 --dept 123 \
        --name 某某局 -o "tpl-$p.xlsx" 2>err && ok ||
        bad "template $p failed: $(cat err)"
    "$bin" template --to xlsx --profile "$p" --year 2025 --dept 123 \
        --name 某某局 -o "tpl-$p.again.xlsx" 2>/dev/null
    cmp -s "tpl-$p.xlsx" "tpl-$p.again.xlsx" && ok ||
        bad "template $p not deterministic"
    check layout "tpl-$p.xlsx" "$root/schemas/templates/$p.xml" \
        >/dev/null 2>err && ok || bad "template $p layout: $(tail -1 err)"
    least=101
    want=1.51
    [ "$p" = narrative-only ] && least=0
    grep -q 'decimals="0"' "$root/schemas/templates/$p.xml" && want=2
    check fill "tpl-$p.xlsx" "filled-$p.xlsx" $least >/dev/null 2>err && ok ||
        bad "fill $p: $(tail -1 err)"
    "$bin" convert --no-validate --from xlsx "filled-$p.xlsx" \
        -o "filled-$p.xml" 2>err &&
        check filled "filled-$p.xml" "$root/xslt/common.xsl" $least $want \
            >/dev/null 2>>err && ok ||
        bad "filled template $p: $(tail -2 err)"
done
# rows added by the department (central-9: 表五 新增行), with a code
# that is none and a cell outside the rows: reported, not dropped
check addrows tpl-central-9.xlsx added.xlsx >/dev/null 2>err && ok ||
    bad "addrows: $(tail -1 err)"
read_back added
# units, projects and function rows (henan-county-14)
check addunits tpl-henan-county-14.xlsx addedunits.xlsx >/dev/null 2>err &&
    ok || bad "addunits: $(tail -1 err)"
read_back addedunits
# economic rows (henan-county-14: 表六 and 表七 新增行), bad codes on their cell
check addeco tpl-henan-county-14.xlsx addedeco.xlsx >/dev/null 2>err &&
    ok || bad "addeco: $(tail -1 err)"
read_back addedeco
# the eco rows read back are schema-valid, their names the list's (the
# amounts of the blank template's other tables are what validate rejects)
"$bin" validate addedeco.xml >val.out 2>&1
grep -q 'BR-' val.out && ! grep -E 'XSD-|BR-104' val.out >/dev/null && ok ||
    bad "addedeco: the rows do not validate: $(grep -E 'XSD-|BR-104' val.out)"
# function rows under their unit (a template --from the county sample)
"$bin" template --to xlsx --from "$root/samples/$e.xml" --year 2025 \
    -o tpl-from.xlsx 2>/dev/null
check addfrom tpl-from.xlsx addedfrom.xlsx >/dev/null 2>err && ok ||
    bad "addfrom: $(tail -1 err)"
read_back addedfrom

"$bin" template --to xlsx --profile no-such-template -o nope.xlsx 2>err
[ $? -eq 2 ] && grep -q TEMPLATE-UNKNOWN err && [ ! -e nope.xlsx ] && ok ||
    bad "an unknown template is not refused: $(cat err)"

# --- LibreOffice re-saves: one soffice run ----------------------------------
mkdir lo
HOME=$tmp soffice --headless "-env:UserInstallation=file://$tmp/profile" \
    --convert-to xlsx --outdir lo $(for s in $samples; do echo "$s.xlsx"; done) \
    $(for p in $profiles; do echo "filled-$p.xlsx"; done) added.xlsx \
    addedunits.xlsx addedeco.xlsx >soffice.log 2>&1
for s in $samples; do
    "$bin" convert --no-validate --from xlsx "lo/$s.xlsx" -o "$s.lo.xml" \
        2>err && cmp -s "$root/samples/$s.xml" "$s.lo.xml" && ok ||
        bad "$s: LibreOffice's re-save does not read back: $(cat err)"
done
for p in $profiles; do
    "$bin" convert --no-validate --from xlsx "lo/filled-$p.xlsx" \
        -o "filled-$p.lo.xml" 2>err && cmp -s "filled-$p.xml" "filled-$p.lo.xml" &&
        ok || bad "filled template $p re-saved by LibreOffice: $(cat err)"
done

for a in added addedunits addedeco; do
    "$bin" convert --no-validate --from xlsx "lo/$a.xlsx" -o "$a.lo.xml" \
        2>/dev/null && cmp -s "$a.xml" "$a.lo.xml" && ok ||
        bad "$a: rows re-saved by LibreOffice do not read back the same"
done

# --- hostile workbooks ------------------------------------------------------
mkdir h
check hostile h "$e.xlsx"
for f in h/*; do
    n=$(basename "$f" | sed 's/\..*//')
    (cd h && /usr/bin/time -f %M -o ../h.kb "$bin" convert --no-validate \
        --from xlsx "$(basename "$f")" -o out.xml >../h.out 2>../h.err)
    echo $? >h.rc
    # bounded memory: refused before anything large is inflated or parsed
    # (not measurable under ASan: make asan sets BX_SANITIZED)
    [ -n "${BX_SANITIZED:-}" ] || [ "$(tail -n 1 h.kb)" -lt 102400 ] && ok ||
        bad "hostile $n: peak memory $(tail -n 1 h.kb) KB"
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

# a DTD / external entity in any part of the workbook: refused (exit 3)
mkdir xxe
check xxe_all xxe "$e.xlsx" >/dev/null
for f in xxe/*.xlsx; do
    "$bin" convert --no-validate --from xlsx "$f" -o xxe/out.xml 2>xxe.err
    [ $? -eq 3 ] && grep -q XML-DOCTYPE xxe.err && [ ! -e xxe/out.xml ] &&
        ok || bad "$f: a DTD in a part is not refused: $(cat xxe.err)"
    rm -f xxe/out.xml
done

echo "xlsx: $pass passed, $fail failed"
[ $fail -eq 0 ]
