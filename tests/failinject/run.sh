#!/bin/sh
# Allocation-failure injection (see failmalloc.c): for each path below,
# run once to count the allocations A, then again failing the N-th one,
# for N = 1 .. FI_DENSE and then every step up to A (FI_RUNS runs in all
# per path; FI_RUNS=0: every N).  Each run must either do exactly what the
# clean run did (same exit code, same stdout, same output file), or exit 4
# with a message on stderr and leave no output file and no temporary file
# behind.  A crash, an ASan error or leak report (exit 99) or any other
# outcome fails, except a fault inside libxml2/libxslt themselves (see
# library_fault), which is listed and counted.  FI_PATHS selects paths,
# FI_RUNS and FI_DENSE the sampling.  Usage: run.sh /path/to/budgetx-fi
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export LC_ALL=C TZ=UTC BUDGETX_DATADIR="$root"
export ASAN_OPTIONS=detect_leaks=1:exitcode=99:abort_on_error=0:fast_unwind_on_malloc=0:malloc_context_size=40
dense=${FI_DENSE:-20}
runs=${FI_RUNS:-60}
sample=$root/samples/example-county-education-bureau-2024.xml
pass=0
fail=0
known=0

# run_path NAME OUT ARGS...: OUT is the output the command writes ("" none)
run_path() {
    name=$1 out=$2
    shift 2
    ref=$tmp/ref-$name
    rm -rf "$ref" && mkdir "$ref"
    (cd "$ref" && BX_FAIL_COUNT=1 "$bin" "$@" >stdout 2>stderr)
    echo $? >"$ref/rc"
    total=$(sed -n 's/^failinject: \([0-9]*\) allocations$/\1/p' "$ref/stderr")
    if [ -z "$total" ]; then
        echo "FAIL $name: the clean run did not report its allocations"
        fail=$((fail + 1))
        return
    fi
    step=1
    if [ "$runs" -gt 0 ] && [ "$total" -gt "$dense" ]; then
        step=$(((total - dense) / (runs - dense) + 1))
    fi
    n=1
    bad_here=0
    tried=0
    while [ "$n" -le "$total" ]; do
        one "$name" "$out" "$n" "$@" || bad_here=$((bad_here + 1))
        tried=$((tried + 1))
        if [ "$n" -lt "$dense" ]; then
            n=$((n + 1))
        else
            n=$((n + step))
        fi
    done
    echo "failinject $name: $total allocations, $tried runs, $bad_here failed"
    if [ "$bad_here" -eq 0 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
    fi
}

# library_fault STDERR: "libxml2 leak" or "libxml2 crash" when the ASan
# report shows a fault of libxml2/libxslt itself on an allocation failure
# (Debian 12's 2.9.14 and 1.1.35 leak XPath node-sets and dereference NULL
# on some failed allocations; fixed upstream in libxml2 2.11+): every
# leaked block allocated inside the library, or a crash whose innermost
# frame is in it.  Empty otherwise (then it is ours).
library_fault() {
    if grep -q 'ERROR: AddressSanitizer: SEGV' "$1"; then
        if grep -m1 '^ *#0 ' "$1" | grep -q 'libxml2\.so\|libxslt\.so'; then
            echo "libxml2/libxslt crash"
        fi
        return
    fi
    grep -q 'ERROR: LeakSanitizer' "$1" || return
    # the first frame after the allocator wrappers, for every leaked block
    awk '/leak of/ { want = 1; next }
         want && /^ *#[0-9]+ / {
             if ($0 ~ /in (__interceptor_|xml_malloc|xml_realloc|xml_strdup|counting_|malloc|realloc|calloc)/)
                 next
             print; want = 0 }' "$1" >"$1.first"
    if [ -s "$1.first" ] &&
        ! grep -v -q 'libxml2\.so\|libxslt\.so' "$1.first"; then
        echo "libxml2/libxslt leak"
    fi
}

# one NAME OUT N ARGS...: fail the N-th allocation; 0 when the outcome is
# right
one() {
    name=$1 out=$2 n=$3
    shift 3
    dir=$tmp/run
    rm -rf "$dir" && mkdir "$dir"
    (cd "$dir" && BX_FAIL_AT=$n "$bin" "$@" >stdout 2>stderr)
    rc=$?
    if [ $rc -eq "$(cat "$tmp/ref-$name/rc")" ] &&
        cmp -s "$dir/stdout" "$tmp/ref-$name/stdout" &&
        { [ -z "$out" ] || diff -r "$dir/$out" "$tmp/ref-$name/$out" \
            >/dev/null 2>&1; }; then
        return 0 # the failure did not matter
    fi
    left=$(cd "$dir" && ls -A | grep -v '^stdout$' | grep -v '^stderr$')
    if [ $rc -eq 4 ] && [ -z "$left" ] &&
        cat "$dir/stdout" "$dir/stderr" |
        grep -q 'OUT-OF-MEMORY\|out of memory\|内存不足'; then
        return 0 # a clean refusal, saying why (report or stderr)
    fi
    kind=$(library_fault "$dir/stderr")
    if [ -n "$kind" ] && [ "${FI_STRICT:-0}" != 1 ] && [ -z "$left" ]; then
        echo "known $name at allocation $n: $kind"
        known=$((known + 1))
        return 0
    fi
    echo "FAIL $name at allocation $n: exit $rc, left: ${left:-nothing}"
    cat "$dir/stdout" "$dir/stderr" | grep -v '^ *#[0-9]* 0x[0-9a-f]* in __\|^$' |
        sed 's/^/    /' | head -${FI_LINES:-12}
    return 1
}

paths=${FI_PATHS:-validate convert convert-no-validate bundle}
for p in $paths; do
    case $p in
    validate) run_path validate "" validate "$sample" ;;
    convert) run_path convert out.html convert --to html -o out.html "$sample" ;;
    convert-no-validate)
        run_path convert-no-validate out.json \
            convert --no-validate --to json -o out.json "$sample" ;;
    bundle) run_path bundle out.zip bundle -o out.zip "$sample" ;;
    esac
done

echo "failinject: $pass passed, $fail failed;" \
    "$known runs met a known libxml2/libxslt fault (FI_STRICT=1 fails them)"
[ "$fail" -eq 0 ]
