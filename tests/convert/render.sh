#!/bin/sh
# Render the HTML page of every sample with headless Chromium and fail on a
# render error: chromium failing, a DOM without every table, an empty
# screenshot, a page asking for any external resource, or Chinese drawn
# as boxes ("tofu": no installed font has the glyphs, e.g. without
# fonts-noto-cjk).  The tofu check proves itself: under a font
# configuration that hides the CJK fonts it must see tofu.
#
#   tests/convert/render.sh BUDGETX [PNG]
#
# With PNG, also keeps a screenshot of the Pingdingshan sample's tables
# there (docs/screenshots/sample-page.png is made this way).
set -u

BX=${1:?usage: render.sh BUDGETX [PNG]}
KEEP=${2:-}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bx-render.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
export LC_ALL=C TZ=UTC
export BUDGETX_DATADIR=${BUDGETX_DATADIR:-$ROOT}
CHROMIUM=$(command -v chromium || command -v chromium-browser)
failed=0

fail() {
    echo "FAIL: $*" >&2
    failed=$((failed + 1))
}

chrome() {
    profile=$(mktemp -d "$TMP/profile.XXXXXX")
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
        --disable-background-networking --disable-component-update \
        --disable-sync --no-first-run --hide-scrollbars \
        --user-data-dir="$profile" "$@"
}

for sample in "$ROOT"/samples/*.xml; do
    name=$(basename "$sample" .xml)
    page=$TMP/$name.html
    "$BX" convert --no-validate --to html "$sample" -o "$page" ||
        { fail "$name: convert"; continue; }
    # self-contained: no scripts, stylesheets, images, frames or remote URLs
    if grep -Eiq '<(script|link|img|iframe|object|embed)[ >]|url\(|(src|href)="[a-z]+:' "$page"; then
        fail "$name: the page refers to an external resource"
    fi
    tables=$(grep -o '<table>' "$page" | wc -l)
    chrome --dump-dom "file://$page" >"$TMP/$name.dom" 2>"$TMP/$name.log" ||
        fail "$name: chromium --dump-dom failed"
    rendered=$(grep -o '<table>' "$TMP/$name.dom" | wc -l)
    # a narrative-only sample (tables published as pictures) has none
    want_some=0
    grep -Eq '<(budgetSummary|incomeSummary|expenditureSummary|fiscalSummary|gpbExpenditure|gpbBasic|economicSummary|threePublic|govFundExpenditure|projectExpenditure|deptPerformance|projectPerformance|stateCapitalExpenditure|procurement)[ >]' "$sample" &&
        want_some=1
    { [ "$tables" -gt 0 ] || [ "$want_some" -eq 0 ]; } && [ "$rendered" -eq "$tables" ] ||
        fail "$name: $rendered of $tables tables in the rendered DOM"
    chrome --screenshot="$TMP/$name.png" --window-size=1280,4000 \
        "file://$page" >/dev/null 2>>"$TMP/$name.log" ||
        fail "$name: chromium --screenshot failed"
    size=$(wc -c <"$TMP/$name.png" 2>/dev/null || echo 0)
    [ "$size" -gt 50000 ] || fail "$name: screenshot of $size bytes"
done

# Tofu: draw 中 and 表 alone, large, in the page's own font stack.  With
# a CJK font the two pictures differ; without one both are the same empty
# box.  The check proves itself under a font configuration that hides the
# CJK fonts: there the two pictures must be equal.
glyph() { # CHAR PNG
    family=$(sed -n 's/.*font-family: *\([^;]*\);.*/\1/p' "$TMP/pingdingshan-hitech-service-center-2024.html" | head -1)
    printf '<!DOCTYPE html><meta charset="UTF-8"><body style="margin:0;font-family:%s;font-size:160px">%s</body>\n' \
        "${family:-sans-serif}" "$1" >"$TMP/glyph.html"
    chrome --screenshot="$2" --window-size=200,200 "file://$TMP/glyph.html" \
        >/dev/null 2>>"$TMP/glyph.log"
}
tofu() { # true when 中 and 表 render the same
    glyph 中 "$TMP/g1.png" && glyph 表 "$TMP/g2.png" && cmp -s "$TMP/g1.png" "$TMP/g2.png"
}
if tofu; then
    fail "tofu: Chinese is drawn as boxes: no CJK font (install fonts-noto-cjk)"
else
    mkdir -p "$TMP/fc"
    cat >"$TMP/fc/fonts.conf" <<FC
<?xml version="1.0"?>
<fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>$TMP/fc/cache</cachedir></fontconfig>
FC
    if ! FONTCONFIG_FILE=$TMP/fc/fonts.conf tofu; then
        fail "tofu: the check does not notice missing CJK fonts"
    fi
fi

# Printed pages are numbered "n / N" (the print CSS's @page margin boxes)
page=$TMP/pingdingshan-hitech-service-center-2024.html
if command -v pdftotext >/dev/null 2>&1 && command -v pdfinfo >/dev/null 2>&1; then
    chrome --print-to-pdf="$TMP/page.pdf" --no-pdf-header-footer "file://$page" \
        >/dev/null 2>>"$TMP/pdf.log" || fail "chromium --print-to-pdf failed"
    pages=$(pdfinfo "$TMP/page.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
    numbered=$(pdftotext "$TMP/page.pdf" - 2>/dev/null | grep -Ec "^[0-9]+ / ${pages:-x}\$")
    [ "${pages:-0}" -gt 1 ] && [ "$numbered" -eq "$pages" ] ||
        fail "printed pages: $numbered of ${pages:-?} carry 'n / N'"
else
    fail "page numbers: pdftotext/pdfinfo (poppler-utils) missing"
fi

if [ -n "$KEEP" ]; then
    # the README shows the tables: the same page with the cover, contents
    # and narrative hidden, so that the annex (表一 …) comes first
    sed 's|</head>|<style>#top,.toc,#part1,#part2,#part3{display:none}</style></head>|' \
        "$TMP/pingdingshan-hitech-service-center-2024.html" >"$TMP/tables.html"
    chrome --screenshot="$TMP/tables.png" --window-size=1100,1000 \
        "file://$TMP/tables.html" >/dev/null 2>>"$TMP/shot.log" &&
        cp "$TMP/tables.png" "$KEEP" || fail "cannot keep the screenshot"
fi
[ "$failed" -eq 0 ] || exit 1
echo "render: all pages rendered"
