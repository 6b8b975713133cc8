#!/bin/sh
# The stylesheets without budgetx's extension functions give the same bytes.
#
#   tests/convert/xsltproc.sh BUDGETX
#
# budgetx runs xslt/*.xsl with C extension functions for the per-cell work
# (src/xslt_ext.c, src/xslt_grid.c); each call has an XSLT version that
# xsltproc runs.  For every sample (and the CSV-injection fixture, a sample with markup
# characters in table cells, one with the characters JSON escapes, one
# with odd amounts, the foreign-template documents of tests/templates,
# odd table rows (grid_odd.py) and two bench documents) this renders
# html, csv, json and platform (zh, en) both ways and compares bytes:
# budgetx's CSV files, without their byte order mark, in index.csv
# order, are what xsltproc writes as one text.
set -u

BX=${1:?usage: xsltproc.sh BUDGETX}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bx-xsltproc.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
export LC_ALL=C TZ=UTC
export BUDGETX_DATADIR=${BUDGETX_DATADIR:-$ROOT}
PY=${PYTHON:-python3}
failed=0

if ! command -v xsltproc >/dev/null 2>&1; then
    echo "xsltproc.sh: xsltproc is missing (package xsltproc)" >&2
    exit 1
fi

fail() {
    echo "FAIL: $*" >&2
    failed=$((failed + 1))
}

# csv_joined DIR: the files of a csv directory as xsltproc writes them
csv_joined() {
    "$PY" - "$1" <<'PYEOF'
import csv, io, os, sys
d = sys.argv[1]
def body(name):
    with open(os.path.join(d, name), 'rb') as f:
        b = f.read()
    return b[3:] if b.startswith(b'\xef\xbb\xbf') else b
index = body('index.csv')
sys.stdout.buffer.write(index)
rows = csv.reader(io.StringIO(index.decode('utf-8'), newline=''))
next(rows)
for r in rows:
    sys.stdout.buffer.write(body(r[0]))
PYEOF
}

# markup characters, quotes and commas in table cells (a unit's name)
sed 's/示例县第一初级中学/A\&amp;B \&lt;i\&gt;\&quot;q\&quot;\&lt;\/i\&gt; \&gt; 1, 2/g' \
    "$ROOT/samples/example-county-education-bureau-2024.xml" >"$TMP/markup.xml"
grep -q 'A&amp;B &lt;i&gt;' "$TMP/markup.xml" || fail "markup fixture not made"
# amounts the schema refuses (convert --no-validate still converts them):
# the decimal scaling must treat them as the XSLT does
"$PY" - "$ROOT/samples/example-county-education-bureau-2024.xml" \
    "$TMP/amounts.xml" <<'PYEOF'
import re, sys
odd = ['-0.05', '007.50', '+1.2', '12', '.5', 'abc', '１２.３０', '1.2.3',
       '-', '0', '000.000', '99999999999999.9999', '5.', ' 1.50 ', '1 2',
       '-+1', '1-', '00', '-007.0', '-.5', '+', '.', '0.', '-0', '&#9;3&#10;']
text = open(sys.argv[1], encoding='utf-8').read()
head, tables = text.split('<tables', 1)
i = iter(odd)
tables = re.sub(r' total="[^"]*"',
                lambda m: ' total="%s"' % next(i, m.group(0)[8:-1]), tables)
open(sys.argv[2], 'w', encoding='utf-8').write(head + '<tables' + tables)
PYEOF
grep -q 'total="007.50"' "$TMP/amounts.xml" || fail "amounts fixture not made"
# the characters JSON escapes (\ " TAB LF CR U+007F-U+009F U+2028 U+2029)
# in text and in attribute values, next to ones it does not (U+00A0, U+2027)
"$PY" - "$ROOT/samples/example-county-education-bureau-2024.xml" \
    "$TMP/escapes.xml" <<'PYEOF'
import sys
text = open(sys.argv[1], encoding='utf-8').read()
odd = ('Q&quot;\\u&#9;t&#10;n&#13;r&#x7F;&#x80;&#x85;&#x9F;&#xA0;'
       '&#x2027;&#x2028;&#x2029;\u2028 \\\\')
open(sys.argv[2], 'w', encoding='utf-8').write(text.replace('示例县实验幼儿园', odd))
PYEOF
grep -q '&#x2028;' "$TMP/escapes.xml" || fail "escapes fixture not made"

# table rows bent every way the grid's row templates (and their C versions,
# src/xslt_grid.c) must follow: amounts missing, blank or foreign, odd and
# CJK codes, skipped and kept elements inside rows (tests/convert/grid_odd.py)
mkdir "$TMP/odd"
"$PY" "$HERE/grid_odd.py" \
    "$ROOT/samples/example-county-education-bureau-2024.xml" "$TMP/odd" ||
    fail "odd-row fixtures not made"
"$PY" "$HERE/grid_odd.py" \
    "$ROOT/samples/example-province-education-department-2024.xml" "$TMP/odd" \
    --prefix province- || fail "odd-row fixtures not made"
# two bench documents (tests/bench/gen.py: other names, codes and amounts)
"$PY" "$ROOT/tests/bench/gen.py" batch "$TMP/bench" 2 >/dev/null ||
    fail "bench documents not made"

n=0
for doc in "$ROOT"/samples/*.xml "$ROOT"/tests/fixtures/hostile/csv-formula.xml \
    "$TMP/markup.xml" "$TMP/escapes.xml" "$TMP/amounts.xml" \
    "$ROOT"/tests/templates/foreign/*.xml "$TMP"/odd/*.xml \
    "$TMP"/bench/*.xml; do
    name=$(basename "$doc" .xml)
    for lang in zh en; do
        n=$((n + 1))
        "$BX" convert --no-validate --lang $lang --to html "$doc" \
            -o "$TMP/bx.html" --force >/dev/null 2>&1 || fail "$name html $lang: budgetx"
        xsltproc --stringparam lang $lang "$ROOT/xslt/html.xsl" "$doc" \
            >"$TMP/xp.html" 2>"$TMP/err" || fail "$name html $lang: xsltproc"
        cmp -s "$TMP/bx.html" "$TMP/xp.html" || fail "$name html $lang differs"
        rm -rf "$TMP/csv"
        "$BX" convert --no-validate --lang $lang --to csv "$doc" \
            -o "$TMP/csv" >/dev/null 2>&1 || fail "$name csv $lang: budgetx"
        xsltproc --stringparam lang $lang "$ROOT/xslt/csv.xsl" "$doc" \
            >"$TMP/xp.csv" 2>"$TMP/err" || fail "$name csv $lang: xsltproc"
        csv_joined "$TMP/csv" >"$TMP/bx.csv"
        cmp -s "$TMP/bx.csv" "$TMP/xp.csv" || fail "$name csv $lang differs"
        "$BX" convert --no-validate --lang $lang --to json "$doc" \
            -o "$TMP/bx.json" --force >/dev/null 2>&1 || fail "$name json $lang: budgetx"
        xsltproc --stringparam lang $lang "$ROOT/xslt/json.xsl" "$doc" \
            >"$TMP/xp.json" 2>"$TMP/err" || fail "$name json $lang: xsltproc"
        cmp -s "$TMP/bx.json" "$TMP/xp.json" || fail "$name json $lang differs"
        "$BX" convert --no-validate --lang $lang --to platform "$doc" \
            -o "$TMP/bx.xml" --force >/dev/null 2>&1 || fail "$name platform $lang: budgetx"
        xsltproc --stringparam lang $lang "$ROOT/xslt/platform.xsl" "$doc" \
            >"$TMP/xp.xml" 2>"$TMP/err" || fail "$name platform $lang: xsltproc"
        cmp -s "$TMP/bx.xml" "$TMP/xp.xml" || fail "$name platform $lang differs"
    done
done

if [ "$failed" -ne 0 ]; then
    echo "xsltproc.sh: $failed of $((n * 4)) comparisons failed" >&2
    exit 1
fi
echo "xsltproc.sh: $((n * 4)) renditions identical with and without extension functions"
