#!/bin/sh
# Every example in the docs runs: each ``` block of README.md and
# docs/*.md whose first line starts with "$ budgetx" is a session.  Lines
# starting with "$ " are run (in a scratch copy of samples/ and
# tests/fixtures/, LC_ALL=C); the lines after one are its expected output
# (stdout and stderr), where a line "…" stands for any number of lines.
# Usage: examples.sh /path/to/budgetx
set -u
bin=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0

# Split the docs into sessions: $tmp/s/N.txt, with N.src naming the doc.
mkdir "$tmp/s"
for doc in "$root/README.md" "$root"/docs/*.md; do
    awk -v out="$tmp/s" -v src="${doc#"$root"/}" '
        /^```/ {
            if (inblk) { inblk = 0; if (f) close(f); f = ""; next }
            inblk = 1; first = 1; next
        }
        inblk && first {
            first = 0
            if ($0 !~ /^\$ budgetx/) { inblk = 0; next }
            n = 0; while ((getline line < (out "/count")) > 0) n = line
            close(out "/count"); n++; print n > (out "/count"); close(out "/count")
            f = out "/" n ".txt"; print src > (out "/" n ".src"); close(out "/" n ".src")
        }
        inblk && f { print > f }
    ' "$doc"
done

# match EXPECTED ACTUAL: every expected line in order; "…" skips lines
match() {
    awk '
        NR == FNR { want[++ne] = $0; next }
        { got[++na] = $0 }
        END {
            i = 1; j = 1
            while (i <= ne) {
                if (want[i] == "…") {
                    i++
                    if (i > ne) exit 0
                    while (j <= na && got[j] != want[i]) j++
                    if (j > na) { print "  missing: " want[i]; exit 1 }
                    continue
                }
                if (j > na || got[j] != want[i]) {
                    print "  expected: " want[i]; print "  got:      " got[j]; exit 1
                }
                i++; j++
            }
            if (j <= na) { print "  unexpected: " got[j]; exit 1 }
        }' "$1" "$2"
}

for s in "$tmp"/s/*.txt; do
    [ -f "$s" ] || continue
    src=$(cat "${s%.txt}.src")
    rm -rf "$tmp/w" && mkdir -p "$tmp/w/tests" &&
        cp -R "$root/samples" "$tmp/w/" && cp -R "$root/tests/fixtures" "$tmp/w/tests/"
    ok=1
    # one command with its expected lines at a time
    awk -v d="$tmp" '
        /^\$ / { n++; cmd = d "/c" n; print substr($0, 3) > cmd; close(cmd); next }
        { print > (d "/e" n) }
        END { print n > (d "/n") }' "$s"
    n=$(cat "$tmp/n")
    k=1
    while [ "$k" -le "$n" ]; do
        [ -f "$tmp/e$k" ] || : >"$tmp/e$k"
        (cd "$tmp/w" && LC_ALL=C BUDGETX_DATADIR="$root" BX="$bin" \
            sh -c 'budgetx() { "$BX" "$@"; }; '"$(cat "$tmp/c$k")" \
            >"$tmp/a" 2>&1 </dev/null)
        if ! match "$tmp/e$k" "$tmp/a" >"$tmp/why"; then
            ok=0
            echo "FAIL $src: \$ $(cat "$tmp/c$k")"
            cat "$tmp/why"
        fi
        rm -f "$tmp/c$k" "$tmp/e$k"
        k=$((k + 1))
    done
    if [ $ok -eq 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "examples: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
