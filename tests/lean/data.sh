#!/bin/sh
# Lean copies of the rule file, templates and code lists
# (scripts/lean-data.c, src/datafiles.c datafiles_read_parse_lean()): the
# build writes schemas/lean/rules/, templates/, codes/ and schemas/lean/DATA
# (hash64 of each original and lean copy, the original's SHA-256).
# Checks: the copies exist, are smaller, hold no comments and none of the
# elements only the docs read; a data directory with and without them
# gives the same bytes (validate in every format, convert, templates,
# bundle) for every sample and golden input; a lean copy doctored with its
# DATA line updated is what is parsed; an edited original (rule file,
# template, code list) is read as it stands (its edit is seen, the stale
# copy ignored); a doctored copy whose hash no longer matches is ignored.
# Usage: data.sh /path/to/budgetx
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
if [ -f "$lean/DATA" ] && grep -q ' schemas/rules/2024.xml$' "$lean/DATA" &&
    [ "$(grep -c ' schemas/templates/' "$lean/DATA")" -eq \
        "$(ls "$root"/schemas/templates/*.xml | wc -l)" ]; then ok; else
    bad "schemas/lean/DATA does not list the rule file and every template (make)"
fi
if grep -q '<!--\|<meaning\|<example\|<notImplemented\|<unreachable' \
    "$lean/rules/2024.xml" "$lean"/templates/*.xml; then
    bad "lean copies still hold comments or elements only the docs read"
else ok; fi
grep -q '<message xml:lang="en">' "$lean/rules/2024.xml" &&
    grep -q '<title xml:lang="en">' "$lean/rules/2024.xml" && ok ||
    bad "the lean rule file lost the titles or messages"
o=$(wc -c <"$root/schemas/rules/2024.xml")
l=$(wc -c <"$lean/rules/2024.xml")
if [ "$l" -lt $((o * 3 / 4)) ]; then ok; else
    bad "the lean rule file is $l bytes of $o"
fi
# the index keeps the original's SHA-256, not the copy's
want=$(sha256sum <"$root/schemas/rules/2024.xml" | cut -c1-64)
got=$(awk '$4 == "schemas/rules/2024.xml" { print $3 }' "$lean/DATA")
[ "$got" = "$want" ] && ok || bad "DATA holds $got, the original is $want"

for d in with without; do
    mkdir -p "$tmp/$d"
    cp -R "$root/schemas" "$root/xslt" "$tmp/$d/"
done
rm -f "$tmp/without/schemas/lean/DATA"

# run ARGS... in both data directories: same stdout, stderr, exit code
both() {
    for d in with without; do
        (cd "$tmp" && BUDGETX_DATADIR=$tmp/$d "$bin" "$@") \
            >"$tmp/$d.out" 2>"$tmp/$d.err"
        echo $? >>"$tmp/$d.out"
    done
    if cmp -s "$tmp/with.out" "$tmp/without.out" &&
        cmp -s "$tmp/with.err" "$tmp/without.err"; then ok; else
        bad "output differs with the lean copies: $*"
    fi
}

n=0
for f in "$root"/samples/*.xml "$root"/tests/golden/*/input.xml \
    "$root"/tests/fixtures/*.xml; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    both validate --format json "$f"
done
[ "$n" -gt 5 ] || bad "only $n documents compared"
both validate --format text "$sample"
both validate --format xml "$sample"
both validate --lang en "$root"/samples/*.xml
both templates
both templates --lang en
both convert --to html -o - "$sample"
both bundle -o - "$sample"

w=$tmp/with/schemas
version() {
    BUDGETX_DATADIR=$tmp/with "$bin" validate --format json "$sample" 2>/dev/null |
        sed -n 's/.*"ruleset":{[^}]*"version":"\([^"]*\)".*/\1/p'
}
[ "$(version)" = 1.0.0 ] && ok || bad "ruleset version is '$(version)'"

# a doctored lean copy with its DATA line updated is what is parsed
sed 's/version="1.0.0"/version="7.7.7"/' "$w/lean/rules/2024.xml" \
    >"$w/lean/r.tmp" && mv "$w/lean/r.tmp" "$w/lean/rules/2024.xml"
new=$(sh -c ". '$here/hash64.sh'; hash64 '$w/lean/rules/2024.xml'")
awk -v h="$new" '$4 == "schemas/rules/2024.xml" { $2 = h } { print }' \
    "$w/lean/DATA" >"$w/lean/D.tmp" && mv "$w/lean/D.tmp" "$w/lean/DATA"
[ "$(version)" = 7.7.7 ] && ok ||
    bad "the doctored lean rule file was not parsed ('$(version)')"

# an edited original: its edit is seen, the stale copy ignored
cp "$w/rules/2024.xml" "$tmp/2024.xml"
sed 's/version="1.0.0"/version="1.0.1"/' "$tmp/2024.xml" >"$w/rules/2024.xml"
[ "$(version)" = 1.0.1 ] && ok ||
    bad "the edited rule file was not read as it stands ('$(version)')"
# ... and still validated against rules.xsd (not a build-validated digest)
sed 's/severity="error" tables="T1" catalogue="1"/severity="fatal!" tables="T1" catalogue="1"/' \
    "$tmp/2024.xml" >"$w/rules/2024.xml"
BUDGETX_DATADIR=$tmp/with "$bin" validate "$sample" >"$tmp/err" 2>&1
rc=$?
if [ "$rc" -ne 0 ] && grep -q 'RULES-INVALID' "$tmp/err"; then ok; else
    bad "an invalid edited rule file was not reported (exit $rc)"
fi
cp "$tmp/2024.xml" "$w/rules/2024.xml"
[ "$(version)" = 7.7.7 ] && ok || bad "restored original: copy not parsed"

# a doctored copy whose hash no longer matches: ignored
sed 's/version="7.7.7"/version="6.6.6"/' "$w/lean/rules/2024.xml" \
    >"$w/lean/r.tmp" && mv "$w/lean/r.tmp" "$w/lean/rules/2024.xml"
[ "$(version)" = 1.0.0 ] && ok ||
    bad "a lean copy whose hash does not match was parsed ('$(version)')"

# a template edited after the build is read as it stands
region() {
    BUDGETX_DATADIR=$tmp/with "$bin" templates 2>&1 | grep '^henan-county-14'
}
t=$w/templates/henan-county-14.xml
sed 's/Henan cities and counties/Henan cities, counties (edited)/' "$t" \
    >"$tmp/t.xml" && cp "$tmp/t.xml" "$t"
region | grep -q 'counties (edited)' && ok ||
    bad "the edited template was not read as it stands: $(region)"
# ... and a doctored copy with its line updated is what is parsed
cp "$root/schemas/templates/henan-county-14.xml" "$t"
lt=$w/lean/templates/henan-county-14.xml
sed 's/Henan cities and counties/Henan (lean copy)/' "$lt" >"$tmp/t.xml" &&
    cp "$tmp/t.xml" "$lt"
new=$(sh -c ". '$here/hash64.sh'; hash64 '$lt'")
awk -v h="$new" '$4 == "schemas/templates/henan-county-14.xml" { $2 = h } { print }' \
    "$w/lean/DATA" >"$w/lean/D.tmp" && mv "$w/lean/D.tmp" "$w/lean/DATA"
region | grep -q 'Henan (lean copy)' && ok ||
    bad "the doctored lean template was not parsed: $(region)"

# a code list edited after the build is read as it stands: a code the
# sample uses (a 类 of function.xml it prints) taken out is reported
c=$(for v in $(sed -n 's/.*<code value="\([0-9]\{3\}\)".*/\1/p' \
    "$w/codes/2024/function.xml"); do
    grep -q "code=\"$v\"" "$sample" && echo "$v"; done | head -1)
[ -n "$c" ] && ok || bad "no code of function.xml in the sample"
BUDGETX_DATADIR=$tmp/with "$bin" validate --format json "$sample" \
    >"$tmp/before.json" 2>&1
grep -v "<code value=\"$c\"" "$w/codes/2024/function.xml" >"$tmp/f.xml" &&
    cp "$tmp/f.xml" "$w/codes/2024/function.xml"
BUDGETX_DATADIR=$tmp/with "$bin" validate --format json "$sample" \
    >"$tmp/after.json" 2>&1
if ! cmp -s "$tmp/before.json" "$tmp/after.json" &&
    grep -q "code $c is not in" "$tmp/after.json"; then ok; else
    bad "the edited code list was not read as it stands (code $c)"
fi

echo "lean-data: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
