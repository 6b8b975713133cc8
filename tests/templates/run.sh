#!/bin/sh
# "Foreign document" test of the template registry.
#
#   tests/templates/run.sh BUDGETX [--update]
#
# tests/templates/foreign/<template>.xml are disclosures written from the
# template's description alone (docs/templates.md, docs/format.md and
# schemas/templates/<template>.xml), without reading the code, the rules or
# the shipped sample.  Each is validated and its report compared with
# <template>.expected (stdout, then "exit N"); --update rewrites them.  A
# finding in an expected file is either a defect the writer put in on
# purpose or a false error still open (docs/templates.md, "Foreign
# documents").
set -u
BX=${1:?usage: run.sh BUDGETX [--update]}
UPDATE=${2:-}
# the runs happen inside foreign/: make the path absolute first
case $BX in
/*) ;;
*/*) BX=$PWD/$BX ;;
*) BX=$(command -v "$BX" || echo "$PWD/$BX") ;;
esac
if [ ! -x "$BX" ]; then
    echo "templates-foreign: $BX is not an executable" >&2
    exit 2
fi
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bx-templates.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
export LC_ALL=C TZ=UTC
export BUDGETX_DATADIR=${BUDGETX_DATADIR:-$ROOT}
pass=0
failed=0
cd "$HERE/foreign" || exit 1
for doc in *.xml; do
    name=${doc%.xml}
    "$BX" validate --lang en "$doc" >"$TMP/out" 2>&1
    echo "exit $?" >>"$TMP/out"
    if [ "$UPDATE" = "--update" ]; then
        cp "$TMP/out" "$name.expected"
    fi
    if cmp -s "$TMP/out" "$name.expected"; then
        pass=$((pass + 1))
    else
        echo "FAIL $name: report differs from $name.expected" >&2
        diff "$name.expected" "$TMP/out" | head -20 >&2
        failed=$((failed + 1))
    fi
done
echo "templates-foreign: $pass passed, $failed failed"
[ "$failed" -eq 0 ]
