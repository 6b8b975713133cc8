#!/bin/sh
# End-to-end tests of 'budgetx convert'.
#
#   tests/convert/run.sh BUDGETX [--update]
#
# For every samples/*.xml: renders html (zh and en), csv, json and platform
# (--no-validate; convert must refuse exactly what validate rejects, checked
# separately) into a temporary directory and compares them byte for byte with
# tests/convert/golden/<sample>/ (--update rewrites the golden files);
# reads them back with independent readers (check.py: python3 json, csv,
# html.parser); validates the platform XML with xmllint --schema; converts
# it back and compares with the sample after canonicalisation.  Then the
# command-line contract: refusals, --force, several inputs, GB 18030.
# The headless-Chromium render test is render.sh (skipped here when
# chromium is missing).
set -u

BX=${1:?usage: run.sh BUDGETX [--update]}
UPDATE=${2:-}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
GOLDEN=$HERE/golden
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bx-convert.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
export LC_ALL=C TZ=UTC
export BUDGETX_DATADIR=${BUDGETX_DATADIR:-$ROOT}
PY=${PYTHON:-python3}
failed=0

fail() {
    echo "FAIL: $*" >&2
    failed=$((failed + 1))
}

# expect CODE CMD...: run CMD, compare its exit code
expect() {
    want=$1
    shift
    "$@" >"$TMP/out" 2>"$TMP/err"
    got=$?
    [ "$got" -eq "$want" ] || fail "exit $got, want $want: $* ($(head -c 300 "$TMP/err"))"
}

"$PY" "$HERE/check.py" amount-names "$ROOT" || fail "amount attribute list"
"$PY" "$HERE/check.py" global-rtfs "$ROOT" || fail "global fragments"

# The renditions are compared without the validation verdict (--no-validate:
# the real Pingdingshan disclosure breaks a few business rules); that verdict
# is checked on its own: convert accepts exactly what validate accepts.
for sample in "$ROOT"/samples/*.xml; do
    name=$(basename "$sample" .xml)
    out=$TMP/$name
    mkdir -p "$out"
    C="$BX convert --no-validate"
    expect 0 $C --to html "$sample" -o "$out/html.html"
    expect 0 $C --to html --lang en "$sample" -o "$out/html-en.html"
    expect 0 $C --to csv "$sample" -o "$out/csv"
    expect 0 $C --to json "$sample" -o "$out/json.json"
    expect 0 $C --to platform "$sample" -o "$out/platform.xml"

    "$BX" validate "$sample" >/dev/null 2>&1
    verdict=$?
    expect "$verdict" "$BX" convert --to json "$sample" -o "$TMP/$name.validated.json"
    if [ "$verdict" -eq 0 ]; then
        cmp -s "$TMP/$name.validated.json" "$out/json.json" ||
            fail "$name: validated conversion differs"
    else
        grep -q 'refused' "$TMP/err" || fail "$name: refusal not reported"
        [ ! -e "$TMP/$name.validated.json" ] || fail "$name: refused but written"
    fi

    if [ "$UPDATE" = "--update" ]; then
        rm -rf "${GOLDEN:?}/$name"
        mkdir -p "$GOLDEN"
        cp -R "$out" "$GOLDEN/$name"
    elif ! diff -r "$GOLDEN/$name" "$out" >"$TMP/diff"; then
        fail "$name: output differs from golden (run.sh --update to accept):"
        head -40 "$TMP/diff" >&2
    fi

    "$PY" "$HERE/check.py" renditions "$sample" "$out" || fail "$name: readers"
    xmllint --noout --schema "$ROOT/schemas/platform.xsd" "$out/platform.xml" \
        2>"$TMP/xmllint" || fail "$name: platform.xsd: $(head -3 "$TMP/xmllint")"

    # round trip: disclosure -> platform -> disclosure
    expect 0 "$BX" convert --no-validate --from platform "$out/platform.xml" -o "$TMP/$name.back.xml"
    "$PY" "$HERE/check.py" same "$sample" "$TMP/$name.back.xml" ||
        fail "$name: round trip"

    # GB 18030 holds the same text as UTF-8
    expect 0 $C --to csv --encoding gb18030 "$sample" -o "$TMP/$name.gb"
    for f in "$out"/csv/*.csv; do
        b=$(basename "$f")
        iconv -f GB18030 -t UTF-8 "$TMP/$name.gb/$b" >"$TMP/gb.txt" &&
            tail -c +4 "$f" | cmp -s - "$TMP/gb.txt" || fail "$name: gb18030 $b"
    done
done

# ---- the command-line contract ----------------------------------------
# S passes validation (schema and rules); P is the real disclosure
S=$ROOT/samples/example-county-education-bureau-2024.xml
SG=$TMP/example-county-education-bureau-2024
P=$ROOT/samples/pingdingshan-hitech-service-center-2024.xml
expect 0 "$BX" validate "$S"
expect 2 "$BX" convert "$S"
expect 2 "$BX" convert --to pdf "$S"
expect 2 "$BX" convert --from html "$S"
expect 2 "$BX" convert --to csv "$S"
expect 2 "$BX" convert --to json "$S" "$S"
expect 2 "$BX" convert --to json "$S" "$S" -o "$TMP/dup"
expect 0 "$BX" convert --list
grep -q '^platform ' "$TMP/out" || fail "--list does not list platform"
expect 0 "$BX" formats
expect 0 "$BX" convert --help
grep -q 'usage: budgetx convert' "$TMP/out" || fail "--help"

# stdout without -o
expect 0 "$BX" convert --to json "$S"
cmp -s "$TMP/out" "$SG/json.json" || fail "json on stdout differs from the file"

# the same round trip with validation on both sides
expect 0 "$BX" convert --from platform "$SG/platform.xml" -o "$TMP/validated.back.xml"

# existing outputs: refused (3), replaced with --force
expect 3 "$BX" convert --to json "$S" -o "$SG/json.json"
expect 3 "$BX" convert --to csv "$S" -o "$SG/csv"
expect 0 "$BX" convert --to csv --force "$S" -o "$SG/csv"

# an output never replaces an input, not even with --force: the same
# path, or a hard link in the output directory (several inputs)
mkdir -p "$TMP/same/out"
cp "$S" "$TMP/same/a.xml"
cp "$S" "$TMP/same/b.xml"
cp "$S" "$TMP/same/c.xml"
expect 2 "$BX" convert --to platform --force "$TMP/same/a.xml" -o "$TMP/same/./a.xml"
grep -q 'would replace an input' "$TMP/err" || fail "same path: no refusal message"
cmp -s "$S" "$TMP/same/a.xml" || fail "same path: the input was overwritten"
ln "$TMP/same/c.xml" "$TMP/same/out/c.html"
expect 2 "$BX" convert --to html --force "$TMP/same/b.xml" "$TMP/same/c.xml" -o "$TMP/same/out"
grep -q 'c.xml' "$TMP/err" || fail "hard link: the refusal does not name the input"
cmp -s "$S" "$TMP/same/c.xml" || fail "hard link: the input was overwritten"
[ ! -e "$TMP/same/out/b.html" ] || fail "a refused run wrote an output"

# an invalid input is refused with its findings (1), converted with --no-validate
sed 's/<mofDivCode>\([0-9]*\)</<mofDivCode>X\1</' "$S" >"$TMP/invalid.xml"
expect 1 "$BX" convert --to json "$TMP/invalid.xml" -o "$TMP/invalid.json"
grep -q 'XSD-' "$TMP/err" || fail "refusal does not show the findings"
[ ! -e "$TMP/invalid.json" ] || fail "a refused input was written"
expect 0 "$BX" convert --to json --no-validate "$TMP/invalid.xml" -o "$TMP/invalid.json"

# not a platform document
expect 1 "$BX" convert --from platform "$S" -o "$TMP/x.xml"

# unreadable input (3); several inputs into a directory, the others done
expect 3 "$BX" convert --to json "$TMP/missing.xml" -o "$TMP/m.json"
expect 3 "$BX" convert --no-validate --to html "$ROOT"/samples/*.xml "$TMP/missing.xml" -o "$TMP/many"
for sample in "$ROOT"/samples/*.xml; do
    name=$(basename "$sample" .xml)
    cmp -s "$TMP/many/$name.html" "$TMP/$name/html.html" || fail "many: $name.html"
done
# validated: the real disclosure is refused (1), the others written
"$BX" validate "$P" >/dev/null 2>&1
expect $? "$BX" convert --to csv "$ROOT"/samples/*.xml -o "$TMP/manycsv"
[ -f "$TMP/manycsv/example-county-education-bureau-2024/index.csv" ] ||
    fail "many csv: no per-input directory"

# outputs carry no path of this machine
if grep -rl "$ROOT" "$TMP"/*/ >/dev/null 2>&1; then
    fail "an output contains the path $ROOT"
fi

if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
    sh "$HERE/render.sh" "$BX" || fail "render"
elif [ -n "${CI:-}" ]; then
    fail "render: chromium is missing in CI (.ci/packages-test installs it)"
else
    echo "render test skipped: no chromium" >&2
fi

if [ "$failed" -ne 0 ]; then
    echo "convert: $failed failure(s)" >&2
    exit 1
fi
echo "convert: all tests passed"
