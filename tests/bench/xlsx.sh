#!/bin/sh
# Workbook out and in (docs/xlsx.md): time and peak memory of
# 'convert --to xlsx' and 'convert --from xlsx' on the Pingdingshan sample
# and on a document of about MEGABYTES (default 10) made by
# tests/bench/gen.py.  Part of make bench (after bench.py); not run by
# make check.
#   tests/bench/xlsx.sh BUDGETX [MEGABYTES]
set -eu
bin=${1:?usage: xlsx.sh BUDGETX [MEGABYTES]}
mb=${2:-10}
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bx-xlsx-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
export LC_ALL=C TZ=UTC BUDGETX_DATADIR=${BUDGETX_DATADIR:-$root}
sample=$root/samples/pingdingshan-hitech-service-center-2024.xml

# the large document: tests/bench/gen.py (the generator make bench uses),
# as many units as make about MEGABYTES
units=$(awk -v mb="$mb" 'BEGIN { printf "%d", mb * 91 + 0.5 }')
python3 "$root/tests/bench/gen.py" large "$tmp" "$units" >/dev/null
mv "$tmp"/units-*.xml "$tmp/big.xml"

# Peak memory must stay under 32 MB + 64 times the document (KB): the
# workbook is written one table at a time and its map deflated as it
# grows (docs/xlsx.md).  It was 200 times before.
# Under a sanitizer (BX_SANITIZED, set by make asan) the bound is not
# checked: ASan's shadow memory and quarantine are not the program's.
limit() {
    if [ -n "${BX_SANITIZED:-}" ]; then
        echo 999999999
        return
    fi
    echo $((32 * 1024 + 64 * $(wc -c <"$1") / 1024))
}

run() {
    /usr/bin/time -f "%e %M" -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" || {
        head -3 "$tmp/err" >&2
        return 1
    }
    set -- $(tail -n 1 "$tmp/t")
    printf '%8ss %8sKB' "$1" "$2"
    peak=$2
}
status=0
for x in "$sample" "$tmp/big.xml"; do
    n=$(basename "$x" .xml)
    printf '%-44s %9s bytes\n' "$n" "$(wc -c <"$x")"
    printf '  to xlsx   '
    run "$bin" convert --no-validate --to xlsx "$x" -o "$tmp/$n.xlsx"
    printf '   %9s bytes\n' "$(wc -c <"$tmp/$n.xlsx")"
    if [ "$peak" -gt "$(limit "$x")" ]; then
        echo "  OVER the memory limit of $(limit "$x") KB"
        status=1
    fi
    printf '  from xlsx '
    run "$bin" convert --no-validate --from xlsx "$tmp/$n.xlsx" -o "$tmp/$n.back.xml"
    if cmp -s "$x" "$tmp/$n.back.xml"; then
        echo "   lossless"
    else
        echo "   DIFFERS"
        status=1
    fi
    if [ "$peak" -gt "$(limit "$x")" ]; then
        echo "  OVER the memory limit of $(limit "$x") KB"
        status=1
    fi
done
exit $status
