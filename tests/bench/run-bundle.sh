# Sourced by tests/bench/run.sh: one bundle of every copy (validation,
# html rendition, digests, zip) against xmllint + xsltproc + sha256sum +
# zip doing the same work.
mkdir -p "$tmp/pipe/renditions"
ours=$(measure "$bin" bundle --lang en --allow-invalid --include html \
    -o "$tmp/ours.zip" "$tmp"/s*.xml)
base=$(measure sh -c 'root=$1 tmp=$2
    xmllint --noout --schema "$root/schemas/budgetx.xsd" "$tmp"/s*.xml &&
    for f in "$tmp"/s*.xml; do
        xsltproc --nonet -o "$tmp/pipe/renditions/${f##*/}.html" \
            "$root/xslt/html.xsl" "$f" || exit 1
    done &&
    cp "$tmp"/s*.xml "$tmp/pipe/" && cd "$tmp/pipe" &&
    sha256sum ./*.xml renditions/* >SHA256SUMS &&
    zip -q -X -9 -r "$tmp/base.zip" .' sh "$root" "$tmp")
report "bundle (validate+html+zip)" "$ours" "$base"
