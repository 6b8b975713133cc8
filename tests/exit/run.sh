#!/bin/sh
# The CLI's exit path (src/cli.c cli_close_context): budgetx skips freeing
# the compiled schema, rules and templates at exit, keeping them reachable
# from a static pointer; BUDGETX_FREE_AT_EXIT=1 frees them as before.
# Under valgrind: both ways give the same output and no definite leak;
# without the variable the compiled data is still reachable at exit (the
# teardown was skipped), with it nearly nothing is (the teardown ran).
# Usage: run.sh /path/to/budgetx
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export LC_ALL=C TZ=UTC BUDGETX_DATADIR="$root"
unset BUDGETX_FREE_AT_EXIT
sample=$root/samples/example-county-education-bureau-2024.xml
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

# A sanitizer build (make asan sets BX_SANITIZED) always runs the
# teardown and valgrind cannot run it: LeakSanitizer checks the exit
# instead, both ways, with the same output as a plain run.
if [ -n "${BX_SANITIZED:-}" ]; then
    "$bin" validate "$sample" >"$tmp/plain.out" 2>"$tmp/plain.err"
    prc=$?
    for env_set in BUDGETX_KEPT=1 BUDGETX_FREE_AT_EXIT=1; do
        env "$env_set" "$bin" validate "$sample" >"$tmp/s.out" 2>"$tmp/s.err"
        rc=$?
        if [ "$rc" = "$prc" ] && cmp -s "$tmp/plain.out" "$tmp/s.out" &&
            ! grep -q 'Sanitizer' "$tmp/s.err"; then ok; else
            bad "$env_set: exit $rc under the sanitizer"
            head -20 "$tmp/s.err"
        fi
    done
    echo "exit: $pass passed, $fail failed (sanitizer build)"
    [ "$fail" -eq 0 ]
    exit
fi

if ! command -v valgrind >/dev/null 2>&1; then
    echo "exit: valgrind is missing (.ci/packages-test)"
    exit 1
fi

"$bin" validate "$sample" >"$tmp/plain.out" 2>"$tmp/plain.err"
echo $? >"$tmp/plain.rc"

# reachable BYTES from a valgrind log
reachable() {
    sed -n 's/.*still reachable: \([0-9,]*\) bytes.*/\1/p' "$1" | tr -d ,
}

for way in kept freed; do
    if [ "$way" = freed ]; then
        env_set="BUDGETX_FREE_AT_EXIT=1"
    else
        env_set="BUDGETX_KEPT=1"
    fi
    env "$env_set" valgrind --error-exitcode=99 --leak-check=full \
        --errors-for-leak-kinds=definite --log-file="$tmp/$way.vg" \
        "$bin" validate "$sample" >"$tmp/$way.out" 2>"$tmp/$way.err"
    rc=$?
    if [ "$rc" = "$(cat "$tmp/plain.rc")" ]; then ok; else
        bad "$way: exit $rc under valgrind"
        cat "$tmp/$way.vg"
    fi
    if cmp -s "$tmp/plain.out" "$tmp/$way.out"; then ok; else
        bad "$way: output differs"
    fi
    r=$(reachable "$tmp/$way.vg")
    r=${r:-0}
    if [ "$way" = kept ] && [ "$r" -lt 1000000 ]; then
        bad "kept: only $r bytes reachable at exit: the teardown ran"
    elif [ "$way" = freed ] && [ "$r" -ge 1000000 ]; then
        bad "freed: $r bytes reachable at exit: the teardown did not run"
    else
        ok
    fi
done

echo "exit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
