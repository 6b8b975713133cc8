#!/bin/sh
# Render the HTML page of every sample with headless Chromium and fail on a
# render error: chromium failing, a DOM without every table, an empty
# screenshot, or a page asking for any external resource.
#
#   tests/convert/render.sh BUDGETX [PNG]
#
# With PNG, also keeps the screenshot of the Pingdingshan sample there
# (docs/screenshots/sample-page.png is made this way).
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

if [ -n "$KEEP" ]; then
    cp "$TMP/pingdingshan-hitech-service-center-2024.png" "$KEEP" ||
        fail "cannot keep the screenshot"
fi
[ "$failed" -eq 0 ] || exit 1
echo "render: all pages rendered"
