#!/bin/sh
# Regression tests for hostile inputs (issue 9) that need more than one
# budgetx call or generated inputs: bundles holding hostile submissions,
# trailing bytes, file names with control characters, findings caps.
# Usage: run.sh /path/to/budgetx
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export LC_ALL=C TZ=UTC BUDGETX_DATADIR="$root"
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# expect RC PATTERN CMD...: exit code and (unless empty) a matching line
expect() {
    want=$1 pat=$2
    shift 2
    "$@" >"$tmp/.log" 2>&1
    got=$?
    if [ "$got" -ne "$want" ]; then
        bad "exit $got, wanted $want: $*"
        cut -c1-200 "$tmp/.log" | sed 's/^/    /' | head -20
    elif [ -n "$pat" ] && ! grep -q -- "$pat" "$tmp/.log"; then
        bad "no '$pat' in output of: $*"
        cut -c1-200 "$tmp/.log" | sed 's/^/    /' | head -20
    else
        ok
    fi
}
hostile=$root/tests/fixtures/hostile
cd "$tmp" || exit 1

# --- defect 1: a 70 KB code failing its pattern, inside a bundle -------
for f in long-code.xml long-code-element.xml.gz; do
    rm -rf b.zip u
    expect 0 "" "$bin" bundle --allow-invalid -o b.zip "$hostile/$f"
    expect 1 "does not match the pattern" "$bin" verify b.zip
    expect 1 "rejected" "$bin" unpack b.zip -o u
done

# --- defect 6: valid XML, then a NUL byte and garbage; gzip tails -------
good=$root/samples/example-county-education-bureau-2024.xml
expect 0 "" "$bin" validate "$good"
{ cat "$good"; printf '\000garbage<evil/>'; } >nul.xml
expect 3 "NUL character" "$bin" validate --lang en nul.xml
gzip -c -n "$good" >one.xml.gz
expect 0 "" "$bin" validate one.xml.gz
{ cat one.xml.gz; printf 'trailing'; } >tail.xml.gz
expect 3 "trailing bytes after the end of the gzip data" \
    "$bin" validate --lang en tail.xml.gz
cat one.xml.gz one.xml.gz >two.xml.gz
expect 3 "more than one member" "$bin" validate --lang en two.xml.gz

# --- defect 2: values the rules cannot compute with are findings ---------
expect 1 "at most 14 digits before the point and 4 after" \
    "$bin" validate --lang en "$hostile/amount-decimals.xml"
expect 1 "RULES-UNEVALUATED" \
    "$bin" validate --lang en "$hostile/amount-overflow.xml"
sed 's|<fig of="income.gpb">697.56</fig>|<fig of="income.gpb">697.56789</fig>|' \
    "$good" >fig-places.xml
expect 1 "RULES-UNEVALUATED.*value '697.56789'" \
    "$bin" validate --lang en fig-places.xml
# schema-valid but unevaluable must never be bundled as accepted
expect 1 "" "$bin" bundle -o amount.zip "$hostile/amount-overflow.xml"

# --- defect 9: names with controls and bidi overrides are escaped ---------
nl='evil
fake: accepted'
rlo=$(printf 'evil\342\200\256lmx.xml')
cp "$root/tests/fixtures/schema/bad-dept-code.xml" "$nl"
cp "$root/tests/fixtures/schema/bad-dept-code.xml" "$rlo"
for f in "$nl" "$rlo"; do
    for fmt in text json xml; do
        "$bin" validate --lang en --format $fmt "$f" >out.txt 2>&1
        rc=$?
        if [ $rc -ne 1 ]; then
            bad "validate --format $fmt of a hostile name: exit $rc"
        elif grep -q '^fake: accepted' out.txt ||
            LC_ALL=C grep -q "$(printf '\342\200\256')" out.txt; then
            bad "raw control or bidi character printed ($fmt)"
        elif ! grep -q 'evil\\\{1,2\}x0Afake: accepted\|evil\\\{1,2\}u202elmx.xml' out.txt; then
            bad "escaped name missing ($fmt)"
            cut -c1-200 out.txt | head -5
        else
            ok
        fi
    done
done
"$bin" validate --format json "$nl" "$rlo" 2>/dev/null >out.json
if python3 -c 'import json,sys; json.load(open(sys.argv[1]))' out.json; then
    ok
else
    bad "JSON report with hostile names is not valid JSON"
fi
cp "$good" "$nl.xml"
expect 0 "" "$bin" bundle -o "b$nl.zip" "$nl.xml"
"$bin" verify "b$nl.zip" >out.txt 2>&1
if grep -q '^fake: accepted' out.txt || ! grep -q 'x0Afake' out.txt; then
    bad "verify printed a hostile bundle name raw"
else
    ok
fi

# --- defect 4: many schema errors are capped, and fast (not timed here) ---
python3 - "$root/tests/fixtures/minimal-valid.xml" <<'PY'
import sys
src = open(sys.argv[1], encoding="utf-8").read()
one = '<department code="060" name="示例单位"/>'
attrs = " ".join('a%d="x"' % i for i in range(30000))
open("attrs.xml", "w", encoding="utf-8").write(
    src.replace(one, one[:-2] + " " + attrs + "/>"))
unit = '      <unit code="060001" name="示例单位" type="行政" level="本级"/>'
rows = "\n".join('      <unit code="X%d" name="u" type="行政" level="本级"/>'
                 % i for i in range(10000))
open("rows.xml", "w", encoding="utf-8").write(src.replace(unit, rows))
dups = "\n".join('      <unit code="06%04d" name="u" type="行政" level="本级"/>'
                 % (i % 100) for i in range(10000))
open("dups.xml", "w", encoding="utf-8").write(src.replace(unit, dups))
PY
# caps_check FILE CODE LEFT: 100 findings of CODE, one "and LEFT more"
caps_check() {
    "$bin" validate --lang en "$1" >out.txt 2>&1
    rc=$?
    n=$(grep -c "\[$2\]" out.txt)
    if [ $rc -ne 1 ] || [ "$n" -ne 100 ] ||
        ! grep -q "\[MORE-FINDINGS\] and $3 more findings of $2 not shown (at most 100 per rule)" out.txt ||
        [ "$(grep -vc ': rejected (' out.txt)" -ne 102 ]; then
        bad "caps on $1: exit $rc, $n findings of $2"
        tail -3 out.txt | cut -c1-200
    else
        ok
    fi
}
caps_check attrs.xml XSD-UNEXPECTED 29900
caps_check rows.xml XSD-VALUE 9900
caps_check dups.xml XSD-DUPLICATE 9800
expect 1 "30000 errors" "$bin" validate --lang en attrs.xml
"$bin" validate --format json attrs.xml >out.json 2>/dev/null
if python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); f=r["files"][0]; assert len(f["findings"])==101, len(f["findings"]); assert f["counts"]["error"]==30000, f["counts"]' out.json; then
    ok
else
    bad "JSON report of a capped file"
fi

# --- one front door for our data files: errors are findings, exit 4 ------
# datadir NAME: a copy of the data files to break
datadir() {
    rm -rf "$1" && mkdir "$1" && cp -R "$root/schemas" "$root/xslt" "$1/"
}
xsl_head='<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:template match="/">'
xsl_tail='</xsl:template></xsl:stylesheet>'
datadir dd-compile
echo "$xsl_head<xsl:value-of select=\"broken((\"/>$xsl_tail" \
    >dd-compile/xslt/report-html.xsl
BUDGETX_DATADIR=$PWD/dd-compile expect 4 "fatal: \[XSLT-COMPILE\]" \
    "$bin" validate --lang en --format html "$good"
datadir dd-run
echo "$xsl_head<html/><xsl:message terminate=\"yes\">boom</xsl:message>$xsl_tail" \
    >dd-run/xslt/report-html.xsl
BUDGETX_DATADIR=$PWD/dd-run expect 4 "fatal: \[XSLT-RUN\].*boom" \
    "$bin" validate --lang en --format html "$good"
datadir dd-doc
echo secret-bytes >secret.txt
echo "$xsl_head<p><xsl:value-of select=\"document('$PWD/secret.txt')\"/></p>$xsl_tail" \
    >dd-doc/xslt/report-html.xsl
BUDGETX_DATADIR=$PWD/dd-doc "$bin" validate --lang en --format html "$good" \
    >out.txt 2>&1
rc=$?
if [ $rc -ne 4 ] || grep -q secret-bytes out.txt ||
    ! grep -q "fatal: \[XSLT-RUN\]" out.txt; then
    bad "document() in report-html.xsl: exit $rc"
    cut -c1-200 out.txt | head -5
else
    ok
fi
# the conversion stylesheets run in the same sandbox
datadir dd-conv
echo "$xsl_head<p><xsl:value-of select=\"document('$PWD/secret.txt')\"/></p>$xsl_tail" \
    >dd-conv/xslt/json.xsl
BUDGETX_DATADIR=$PWD/dd-conv expect 4 "fatal: \[XSLT-RUN\]" \
    "$bin" convert --lang en --to json "$good"
# a broken manifest schema is said, not silenced
"$bin" bundle -o good.zip "$good" >/dev/null 2>&1
datadir dd-manifest
echo '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="x" type="nope"/></xs:schema>' \
    >dd-manifest/schemas/manifest.xsd
BUDGETX_DATADIR=$PWD/dd-manifest expect 4 "fatal: \[DATA-SCHEMA\]" \
    "$bin" verify --lang en good.zip

echo "hostile: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
