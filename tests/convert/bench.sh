#!/bin/sh
# Timing of 'budgetx convert' on a large disclosure (not run by make check).
#
#   tests/convert/bench.sh BUDGETX [MEGABYTES]
#
# Builds a document of about MEGABYTES (default 1) from the Pingdingshan
# sample by repeating its projects (tables 10 and 12, with fresh project
# codes) and its function rows (tables 3 and 5), then times each format,
# the round trip, and 10 inputs in one run (stylesheets compiled once).
set -eu

BX=${1:?usage: bench.sh BUDGETX [MEGABYTES]}
MB=${2:-1}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bx-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
export LC_ALL=C TZ=UTC
export BUDGETX_DATADIR=${BUDGETX_DATADIR:-$ROOT}

python3 - "$ROOT/samples/pingdingshan-hitech-service-center-2024.xml" \
    "$TMP/big.xml" "$MB" <<'EOF'
import copy, sys
import xml.etree.ElementTree as ET
NS = "urn:budgetx:disclosure:1"
ET.register_namespace("", NS)
src, dst, mb = sys.argv[1], sys.argv[2], float(sys.argv[3])
tree = ET.parse(src)
root = tree.getroot()
tables = root.find("{%s}tables" % NS)
def parents(tag):
    return [p for p in tables.iter()
            if any(c.tag == "{%s}%s" % (NS, tag) for c in p)]
pp = parents("project")          # dept/unit elements holding projects
fp = [p for p in parents("func") if p.tag != "{%s}func" % NS]
orig = [(p, [c for c in p if c.tag == "{%s}project" % NS]) for p in pp]
orig += [(p, [c for c in p if c.tag == "{%s}func" % NS][:8]) for p in fp]
seq = 100000
while len(ET.tostring(root, encoding="utf-8")) < mb * 1e6:
    for p, rows in orig:
        for c in rows:
            n = copy.deepcopy(c)
            if c.tag == "{%s}project" % NS and n.get("code"):
                # unique per copy, the same in tables 10 and 12
                n.set("code", n.get("code")[:8] + "%07d" % seq + n.get("code")[-6:])
            p.append(n)
    seq += 1
tree.write(dst, encoding="UTF-8", xml_declaration=True)
EOF

size=$(wc -c <"$TMP/big.xml")
echo "input: $size bytes"
ms() {
    start=$(date +%s%N)
    "$@" >/dev/null 2>"$TMP/err" || { head -5 "$TMP/err" >&2; return 1; }
    end=$(date +%s%N)
    echo $(((end - start) / 1000000))
}
for f in html csv json platform; do
    o=$TMP/out.$f
    t=$(ms "$BX" convert --no-validate --to "$f" "$TMP/big.xml" -o "$o")
    if [ -d "$o" ]; then s=$(cat "$o"/* | wc -c); else s=$(wc -c <"$o"); fi
    echo "$f: ${t} ms, output $s bytes"
done
t=$(ms "$BX" convert --no-validate --from platform "$TMP/out.platform" -o "$TMP/back.xml")
echo "from platform: ${t} ms"
t=$(ms "$BX" convert --to json "$TMP/big.xml" -o "$TMP/validated.json")
echo "json with validation: ${t} ms"
mkdir "$TMP/ten"
for i in 0 1 2 3 4 5 6 7 8 9; do cp "$TMP/big.xml" "$TMP/ten/big$i.xml"; done
t=$(ms "$BX" convert --no-validate --to html "$TMP"/ten/*.xml -o "$TMP/ten-out")
echo "html, 10 inputs in one run: ${t} ms"
