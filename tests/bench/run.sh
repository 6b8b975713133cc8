#!/bin/sh
# make bench: budgetx against the plain xmllint / xsltproc / zip pipeline
# on the same inputs.  Prints wall time, peak memory and the ratio
# budgetx / baseline for each job (below 1.0: budgetx is faster).
# Usage: run.sh /path/to/budgetx [COPIES]
set -eu
bin=$1
copies=${2:-200}
root=$(cd "$(dirname "$0")/../.." && pwd)
export BUDGETX_DATADIR="$root" LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
sample="$root/samples/pingdingshan-hitech-service-center-2024.xml"
i=0
while [ $i -lt "$copies" ]; do
    cp "$sample" "$tmp/s$i.xml"
    i=$((i + 1))
done

# measure NAME CMD...: prints "seconds maxKB" for one run of CMD
measure() {
    /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >/dev/null 2>&1 || true
    tail -n 1 "$tmp/time"
}

ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b;
                                    else printf "n/a" }'
}

report() {
    name=$1
    ours=$2
    base=$3
    set -- $ours
    ot=$1 om=$2
    set -- $base
    bt=$1 bm=$2
    printf '%-28s budgetx %6ss %7sKB   baseline %6ss %7sKB   time x%s  mem x%s\n' \
        "$name" "$ot" "$om" "$bt" "$bm" "$(ratio "$ot" "$bt")" \
        "$(ratio "$om" "$bm")"
}

echo "bench: $copies copies of the sample, one process each side"
ours=$(measure "$bin" validate --lang en "$tmp"/s*.xml)
base=$(measure xmllint --noout --schema "$root/schemas/budgetx.xsd" "$tmp"/s*.xml)
report "validate (schema+rules)" "$ours" "$base"
ours=$(measure "$bin" validate --lang en --schema-only "$tmp"/s*.xml)
report "validate --schema-only" "$ours" "$base"
for extra in "$root"/tests/bench/run-convert.sh "$root"/tests/bench/run-bundle.sh; do
    [ -f "$extra" ] && . "$extra"
done
