#!/bin/sh
# Workbook out and in (docs/xlsx.md): time and peak memory of
# 'convert --to xlsx' and 'convert --from xlsx' on the Pingdingshan sample
# and on a document of about MEGABYTES (default 10) grown from it by
# repeating every row that holds amounts.  Not run by make check.
#   tests/bench/xlsx.sh BUDGETX [MEGABYTES]
set -eu
bin=${1:?usage: xlsx.sh BUDGETX [MEGABYTES]}
mb=${2:-10}
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bx-xlsx-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
export LC_ALL=C TZ=UTC BUDGETX_DATADIR=${BUDGETX_DATADIR:-$root}
sample=$root/samples/pingdingshan-hitech-service-center-2024.xml

# grow: append copies of the rows of every table until the size is reached
python3 - "$sample" "$tmp/big.xml" "$mb" <<'PY'
import copy, sys
import xml.etree.ElementTree as ET
ns = "{urn:budgetx:disclosure:1}"
ET.register_namespace("", ns[1:-1])
tree = ET.parse(sys.argv[1])
rows = [(p, c) for t in tree.getroot().find(ns + "tables")
        for p in t.iter() for c in list(p)
        if c.tag in (ns + "func", ns + "project", ns + "eco")]
while len(ET.tostring(tree.getroot())) < float(sys.argv[3]) * 1e6:
    for p, c in rows:
        p.append(copy.deepcopy(c))
tree.write(sys.argv[2], encoding="UTF-8", xml_declaration=True)
PY

run() {
    /usr/bin/time -f "%e %M" -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" || {
        head -3 "$tmp/err" >&2
        return 1
    }
    set -- $(tail -n 1 "$tmp/t")
    printf '%8ss %8sKB' "$1" "$2"
}
for x in "$sample" "$tmp/big.xml"; do
    n=$(basename "$x" .xml)
    printf '%-44s %9s bytes\n' "$n" "$(wc -c <"$x")"
    printf '  to xlsx   '
    run "$bin" convert --no-validate --to xlsx "$x" -o "$tmp/$n.xlsx"
    printf '   %9s bytes\n' "$(wc -c <"$tmp/$n.xlsx")"
    printf '  from xlsx '
    run "$bin" convert --no-validate --from xlsx "$tmp/$n.xlsx" -o "$tmp/$n.back.xml"
    cmp -s "$x" "$tmp/$n.back.xml" && echo "   lossless" || echo "   DIFFERS"
done
