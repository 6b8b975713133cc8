# Sourced by tests/bench/run.sh: convert against xsltproc on the same
# copies ($tmp/s*.xml).  budgetx converts all of them in one process;
# the plain pipeline runs xsltproc once per file (xsltproc writes one
# result document per run).
for fmt in html json; do
    mkdir -p "$tmp/ours-$fmt" "$tmp/base-$fmt"
    ours=$(measure "$bin" convert --to $fmt --no-validate \
        -o "$tmp/ours-$fmt" "$tmp"/s*.xml)
    base=$(measure sh -c 'x=$1 out=$2; shift 2
        for f in "$@"; do
            xsltproc --nonet -o "$out/${f##*/}.out" "$x" "$f" || exit 1
        done' sh "$root/xslt/$fmt.xsl" "$tmp/base-$fmt" "$tmp"/s*.xml)
    report "convert --to $fmt" "$ours" "$base"
done
