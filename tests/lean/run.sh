#!/bin/sh
# Lean copies of the schemas (scripts/lean-xsd.c, src/datafiles.c): the
# build writes schemas/lean/ (no xs:annotation, comments, blank text) and
# schemas/lean/SOURCES (hash64 of each original and of its lean copy).
# Checks: the lean files exist and are smaller, without annotations; a
# data directory with and without them gives the same bytes for every
# sample and every golden input; the lean copy is compiled while SOURCES
# matches (a lean copy doctored to reject the sample, with SOURCES
# updated, rejects it); it is ignored once an original is edited or
# SOURCES is missing.  Usage: run.sh /path/to/budgetx
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export LC_ALL=C TZ=UTC
sample=$root/samples/example-county-education-bureau-2024.xml
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

lean=$root/schemas/lean
if [ -f "$lean/SOURCES" ] && grep -q ' schemas/budgetx.xsd$' "$lean/SOURCES"
then ok; else bad "no schemas/lean/SOURCES listing budgetx.xsd (make)"; fi
if grep -q 'xs:annotation\|xs:documentation\|<!--' "$lean/budgetx.xsd" \
    "$lean"/disclosure/*.xsd; then
    bad "lean copies still hold annotations or comments"
else ok; fi
o=$(cat "$root"/schemas/budgetx.xsd "$root"/schemas/disclosure/*.xsd | wc -c)
l=$(cat "$lean"/budgetx.xsd "$lean"/disclosure/*.xsd | wc -c)
if [ "$l" -lt $((o / 2)) ]; then ok; else
    bad "lean copies are $l bytes of $o"
fi

# data directories: with the lean copies (as built) and without
for d in with without; do
    mkdir -p "$tmp/$d"
    cp -R "$root/schemas" "$root/xslt" "$tmp/$d/"
done
rm -rf "$tmp/without/schemas/lean"

# same bytes, same exit code with and without the lean copies
n=0
for f in "$root"/samples/*.xml "$root"/tests/golden/*/input.xml \
    "$root"/tests/fixtures/*.xml "$root"/tests/fixtures/schema/*.xml; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    for d in with without; do
        BUDGETX_DATADIR=$tmp/$d "$bin" validate --format json "$f" \
            >"$tmp/$d.out" 2>"$tmp/$d.err"
        echo $? >>"$tmp/$d.out"
    done
    if cmp -s "$tmp/with.out" "$tmp/without.out" &&
        cmp -s "$tmp/with.err" "$tmp/without.err"; then ok; else
        bad "output differs with the lean copies: $f"
    fi
done
[ "$n" -gt 5 ] || bad "only $n documents compared"

. "$here/hash64.sh"

# a doctored lean copy with SOURCES updated is what gets compiled
w=$tmp/with/schemas
sed 's/<xs:element name="disclosure"/<xs:element name="notTheRoot"/' \
    "$w/lean/budgetx.xsd" >"$w/lean/b.tmp" && mv "$w/lean/b.tmp" "$w/lean/budgetx.xsd"
new=$(hash64 "$w/lean/budgetx.xsd")
awk -v h="$new" '$3 == "schemas/budgetx.xsd" { $2 = h } { print }' \
    "$w/lean/SOURCES" >"$w/lean/S.tmp" && mv "$w/lean/S.tmp" "$w/lean/SOURCES"
BUDGETX_DATADIR=$tmp/with "$bin" validate "$sample" >/dev/null 2>&1
rc=$?
if [ "$rc" -ne 0 ]; then ok; else
    bad "the doctored lean copy was not compiled (exit $rc)"
fi

# an edited original: the lean copy is stale and ignored
cp "$w/disclosure/common.xsd" "$tmp/common.xsd"
echo '<!-- edited -->' >>"$w/disclosure/common.xsd"
BUDGETX_DATADIR=$tmp/with "$bin" validate "$sample" >/dev/null 2>&1
rc=$?
if [ "$rc" -eq 0 ]; then ok; else
    bad "a stale lean copy was compiled (exit $rc)"
fi
cp "$tmp/common.xsd" "$w/disclosure/common.xsd"

# a doctored lean copy without its SOURCES line update: ignored
BUDGETX_DATADIR=$tmp/with "$bin" validate "$sample" >/dev/null 2>&1
[ $? -ne 0 ] && ok || bad "restored original: doctored lean copy not used"
sed 's/<xs:element name="notTheRoot"/<xs:element name="other"/' \
    "$w/lean/budgetx.xsd" >"$w/lean/b.tmp" && mv "$w/lean/b.tmp" "$w/lean/budgetx.xsd"
BUDGETX_DATADIR=$tmp/with "$bin" validate "$sample" >/dev/null 2>&1
rc=$?
if [ "$rc" -eq 0 ]; then ok; else
    bad "a lean copy whose hash does not match was compiled (exit $rc)"
fi

# no SOURCES: the originals
rm -f "$w/lean/SOURCES"
BUDGETX_DATADIR=$tmp/with "$bin" validate "$sample" >/dev/null 2>&1
[ $? -eq 0 ] && ok || bad "without SOURCES the lean copy was compiled"

echo "lean: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
