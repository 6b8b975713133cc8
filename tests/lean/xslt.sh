#!/bin/sh
# Lean copies of the stylesheets (scripts/lean-xslt.c, src/datafiles.c
# lean_sheet()): the build writes schemas/lean/xslt/ and schemas/lean/XSLT
# (hash64 of each original and lean copy, then what it includes).
# Checks: every stylesheet has its line and copy, without comments and
# smaller; a data directory with and without them gives the same bytes
# (every rendition of every sample, reports, bundles); a lean copy
# doctored with its line updated is what is compiled; an edited original
# is compiled as it stands, and so is a stylesheet whose include was
# edited (its own lean copy is then not used either); a doctored copy
# whose hash no longer matches is ignored.
# Usage: xslt.sh /path/to/budgetx
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
n=0
for f in "$root"/xslt/*.xsl; do
    rel=xslt/${f##*/}
    n=$((n + 1))
    if awk -v r="$rel" '$3 == r { found = 1 } END { exit !found }' \
        "$lean/XSLT" 2>/dev/null && [ -f "$lean/$rel" ]; then ok; else
        bad "$rel has no lean copy or no line in schemas/lean/XSLT (make)"
    fi
done
[ "$n" -gt 10 ] && ok || bad "only $n stylesheets"
if grep -l '<!--' "$lean"/xslt/*.xsl; then
    bad "lean stylesheets still hold comments"
else ok; fi
grep -q ' xslt/html.xsl xslt/grid.xsl$' "$lean/XSLT" && ok ||
    bad "the line of html.xsl does not name its include"
o=$(cat "$root"/xslt/*.xsl | wc -c)
l=$(cat "$lean"/xslt/*.xsl | wc -c)
if [ "$l" -lt $((o * 4 / 5)) ]; then ok; else
    bad "the lean stylesheets are $l bytes of $o"
fi

for d in with without; do
    mkdir -p "$tmp/$d"
    cp -R "$root/schemas" "$root/xslt" "$tmp/$d/"
done
rm -f "$tmp/without/schemas/lean/XSLT"

# run ARGS... in both data directories (in a directory of their own, for
# the files they write): same stdout, stderr, exit code and files
both() {
    for d in with without; do
        rm -rf "$tmp/run-$d" && mkdir "$tmp/run-$d"
        (cd "$tmp/run-$d" && BUDGETX_DATADIR=$tmp/$d "$bin" "$@") \
            >"$tmp/$d.out" 2>"$tmp/$d.err"
        echo $? >>"$tmp/$d.out"
    done
    if cmp -s "$tmp/with.out" "$tmp/without.out" &&
        cmp -s "$tmp/with.err" "$tmp/without.err" &&
        diff -r "$tmp/run-with" "$tmp/run-without" >/dev/null; then ok; else
        bad "output differs with the lean stylesheets: $*"
    fi
}

m=0
for f in "$root"/samples/*.xml; do
    m=$((m + 1))
    for to in html csv json platform xlsx; do
        both convert --to "$to" -o out "$f"
    done
    both convert --to html --lang en -o out.html "$f"
done
[ "$m" -gt 3 ] && ok || bad "only $m samples compared"
both validate --format html "$sample"
both bundle -o out.zip "$sample"
# and back from the platform's XML and from a workbook
BUDGETX_DATADIR=$root "$bin" convert --to platform -o "$tmp/p.xml" "$sample" &&
    BUDGETX_DATADIR=$root "$bin" convert --to xlsx -o "$tmp/p.xlsx" "$sample" &&
    ok || bad "cannot make the platform XML and workbook of the sample"
both convert --from platform -o back.xml "$tmp/p.xml"
both convert --from xlsx -o back.xml "$tmp/p.xlsx"

w=$tmp/with
html() {
    BUDGETX_DATADIR=$w "$bin" convert --to html -o - "$sample" 2>&1
}
html | grep -q 'class="part-no"' && ok || bad "the page lacks class=part-no"

# a doctored lean copy with its line updated is what is compiled
lh=$w/schemas/lean/xslt/html.xsl
sed 's/class="part-no"/class="lean-no"/g' "$lh" >"$tmp/h.xsl" && cp "$tmp/h.xsl" "$lh"
new=$(sh -c ". '$here/hash64.sh'; hash64 '$lh'")
awk -v h="$new" '$3 == "xslt/html.xsl" { $2 = h } { print }' \
    "$w/schemas/lean/XSLT" >"$tmp/X" && cp "$tmp/X" "$w/schemas/lean/XSLT"
html | grep -q 'class="lean-no"' && ok ||
    bad "the doctored lean html.xsl was not compiled"

# an include edited after the build: the stylesheet that includes it is
# compiled from its original too (its lean copy includes the stale one)
cp "$w/xslt/grid.xsl" "$tmp/grid.xsl"
printf '<!-- edited -->\n' >>"$w/xslt/grid.xsl"
if html | grep -q 'class="part-no"' && ! html | grep -q 'class="lean-no"'
then ok; else
    bad "html.xsl's lean copy was compiled though grid.xsl was edited"
fi
cp "$tmp/grid.xsl" "$w/xslt/grid.xsl"
html | grep -q 'class="lean-no"' && ok ||
    bad "grid.xsl restored: the lean html.xsl was not compiled again"

# an edited original is compiled as it stands
cp "$w/xslt/html.xsl" "$tmp/html.xsl"
sed 's/class="part-no"/class="edited-no"/g' "$tmp/html.xsl" >"$w/xslt/html.xsl"
html | grep -q 'class="edited-no"' && ok ||
    bad "the edited html.xsl was not compiled as it stands"
cp "$tmp/html.xsl" "$w/xslt/html.xsl"

# a doctored copy whose hash no longer matches: ignored
sed 's/class="lean-no"/class="stale-no"/g' "$lh" >"$tmp/h.xsl" && cp "$tmp/h.xsl" "$lh"
if html | grep -q 'class="part-no"' && ! html | grep -q 'stale-no'; then ok
else
    bad "a lean html.xsl whose hash does not match was compiled"
fi

# an index that is not ours: every stylesheet from its original
printf 'garbage\n' >"$w/schemas/lean/XSLT"
html | grep -q 'class="part-no"' && ok || bad "a broken index broke the page"

echo "lean-xslt: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
