#!/bin/sh
# Golden end-to-end tests.  Each tests/golden/<case>/ holds:
#   cmd           the arguments of one budgetx call (shell words; may use
#                 redirections), run from inside the case directory
#   expected.out  expected standard output
#   expected.err  expected standard error
#   expected.rc   expected exit code
# $SCRATCH is a fresh empty directory for each case (for outputs), $ROOT
# the project root (README examples run from there).
# Usage: run.sh /path/to/budgetx [--update] [CASE...]
# BX_WRAP, when set, prefixes each call (e.g. valgrind).
set -u
bin=$1
shift
update=0
if [ "${1:-}" = "--update" ]; then
    update=1
    shift
fi
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export LC_ALL=C TZ=UTC
pass=0
fail=0
if [ $# -gt 0 ]; then
    cases=$*
else
    cases=$(cd "$here" && ls -d */ | sed 's|/$||')
fi
for c in $cases; do
    dir=$here/$c
    [ -f "$dir/cmd" ] || continue
    args=$(cat "$dir/cmd")
    rm -rf "$tmp/scratch" && mkdir "$tmp/scratch"
    ROOT=$(cd "$here/../.." && pwd)
    (cd "$dir" && ROOT="$ROOT" SCRATCH="$tmp/scratch" BUDGETX="$bin" eval "${BX_WRAP:-} \"\$BUDGETX\" $args" \
        >"$tmp/out" 2>"$tmp/err" </dev/null)
    echo $? >"$tmp/rc"
    if [ $update -eq 1 ]; then
        cp "$tmp/out" "$dir/expected.out"
        cp "$tmp/err" "$dir/expected.err"
        cp "$tmp/rc" "$dir/expected.rc"
        echo "updated $c"
        continue
    fi
    ok=1
    for f in out err rc; do
        if ! cmp -s "$tmp/$f" "$dir/expected.$f"; then
            ok=0
            echo "FAIL $c: $f differs"
            diff -u "$dir/expected.$f" "$tmp/$f" | head -20
        fi
    done
    if [ $ok -eq 1 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
    fi
done
[ $update -eq 1 ] && exit 0
echo "golden: $pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
