#!/bin/sh
# Allocation-failure injection (see failmalloc.c): for each path below,
# run once to count the allocations A, then again failing the N-th one,
# for N = 1 .. FI_DENSE and then every step up to A (FI_RUNS runs in all
# per path; FI_RUNS=0: every N).  Each run must either do exactly what the
# clean run did (same exit code, same stdout, same output file), or exit 4
# with a message on stderr and leave no output file and no temporary file
# behind.  A crash, an ASan error or leak report (exit 99) or any other
# outcome fails, except a fault inside libxml2/libxslt themselves (see
# library_fault), which is listed and counted.  Paths: exslt (a static
# check), retry (the process-wide set-up, see run_retry), validate,
# parse (see run_parse; only when named in FI_PATHS), convert,
# convert-no-validate, compile (a stylesheet's compilation), bundle and
# rules (our own allocations while the rules are evaluated, every one:
# see run_rules) and schema (the schema validation of a valid document:
# see run_schema); FI_PATHS selects some, FI_RUNS, FI_DENSE and
# FI_INIT_STEP set the sampling, FI_FROM and FI_TO (allocation numbers)
# a window of the paths run_path runs.  Usage: run.sh /path/to/budgetx-fi (and
# /path/to/budgetx-fi-retry next to it, built from retry.c)
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
# interrupted: stop (the EXIT trap cleans up), not go on without $tmp
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
export LC_ALL=C TZ=UTC BUDGETX_DATADIR="$root"
# Runs use ASan's fast unwinder (ten times faster); a run that crashes or
# leaks is run again with the slow, exact one, so that library_fault can
# tell whose fault it is from complete stacks.  (The count of allocations
# varies a little from run to run: libxml2 seeds its hash tables at random.)
fast_asan=detect_leaks=1:exitcode=99:abort_on_error=0
slow_asan=$fast_asan:fast_unwind_on_malloc=0:malloc_context_size=40
export ASAN_OPTIONS=$fast_asan
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
    if [ -n "${to:-}" ] && [ "$to" -lt "$total" ]; then
        total=$to
    fi
    step=1
    n=${from:-1}
    if [ "$n" -gt 1 ] && [ "$runs" -gt 0 ]; then
        step=$(((total - n) / runs + 1)) # a window: no dense start
    elif [ "$runs" -gt 0 ] && [ "$total" -gt "$dense" ]; then
        step=$(((total - dense) / (runs - dense) + 1))
    fi
    bad_here=0
    tried=0
    while [ "$n" -le "$total" ]; do
        one "$name" "$out" "$n" "$@" || bad_here=$((bad_here + 1))
        tried=$((tried + 1))
        if [ "$n" -lt "$dense" ] && [ "${from:-1}" -eq 1 ]; then
            n=$((n + 1))
        else
            n=$((n + step))
        fi
    done
    if [ "${from:-1}" -eq 1 ] && [ -z "${to:-}" ]; then
        echo "failinject $name: $total allocations, $tried runs," \
            "$bad_here failed"
    else
        echo "failinject $name: allocations ${from:-1}-$total, $tried runs," \
            "$bad_here failed"
    fi
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
    if grep -q 'ERROR: AddressSanitizer: SEGV\|ERROR: LeakSanitizer' \
        "$dir/stderr"; then
        rm -rf "$dir" && mkdir "$dir"
        (cd "$dir" && BX_FAIL_AT=$n ASAN_OPTIONS=$slow_asan "$bin" "$@" \
            >stdout 2>stderr)
        rc=$?
    fi
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

# retry: the process-wide initialisation (libxml2's included: BX_FAIL_INIT)
# under a failure of each of its allocations, every N, none skipped (every
# FI_INIT_STEP-th), then FI_RUNS samples of the rest of the first context
# creation (the schema compile).  The
# first context creation may fail (BX_E_NOMEM, OUT-OF-MEMORY), the second
# must then succeed and the rendering be the clean run's, byte for byte.
run_retry() {
    rbin=${bin}-retry
    ref=$tmp/ref-retry
    rm -rf "$ref" && mkdir "$ref"
    BX_FAIL_INIT=1 BX_FAIL_COUNT=1 "$rbin" "$sample" >"$ref/stdout" \
        2>"$ref/stderr"
    rc=$?
    total=$(sed -n 's/^failinject-context: \([0-9]*\)$/\1/p' "$ref/stderr")
    if [ $rc -ne 0 ] || [ -z "$total" ] || [ ! -s "$ref/stdout" ]; then
        echo "FAIL retry: the clean run failed (exit $rc)"
        fail=$((fail + 1))
        return
    fi
    # every allocation of the initialisation and a margin, then a sample
    # of the rest of the context creation (the schema compile)
    BX_FAIL_INIT=1 "$rbin" --count-init 2>"$ref/init" >/dev/null
    dense_init=$(sed -n 's/^failinject-init: \([0-9]*\)$/\1/p' "$ref/init")
    dense_init=$((${dense_init:-0} + 50))
    step=1
    if [ "$runs" -gt 0 ]; then
        step=$(((total - dense_init) / runs + 1))
    fi
    init_step=${FI_INIT_STEP:-1}
    n=1
    tried=0
    bad_here=0
    while [ "$n" -le "$total" ]; do
        tried=$((tried + 1))
        BX_FAIL_INIT=1 BX_FAIL_AT=$n "$rbin" "$sample" >"$tmp/retry.out" \
            2>"$tmp/retry.err"
        rc=$?
        if [ $rc -eq 99 ]; then # again, to tell whose fault it is
            BX_FAIL_INIT=1 BX_FAIL_AT=$n ASAN_OPTIONS=$slow_asan "$rbin" \
                "$sample" >"$tmp/retry.out" 2>"$tmp/retry.err"
            rc=$?
        fi
        kind=
        if [ $rc -eq 99 ] && [ "${FI_STRICT:-0}" != 1 ]; then
            kind=$(library_fault "$tmp/retry.err")
        fi
        if [ -n "$kind" ]; then
            echo "known retry at allocation $n: $kind"
            known=$((known + 1))
        elif [ $rc -ne 0 ] || ! cmp -s "$tmp/retry.out" "$ref/stdout"; then
            echo "FAIL retry at allocation $n: exit $rc"
            grep -v '^ *#[0-9]* 0x[0-9a-f]* in __\|^$' "$tmp/retry.err" |
                sed 's/^/    /' | head -"${FI_LINES:-12}"
            bad_here=$((bad_here + 1))
        fi
        if [ "$n" -lt "$dense_init" ]; then
            n=$((n + init_step))
        else
            n=$((n + step))
        fi
    done
    echo "failinject retry: $total allocations to the first context" \
        "($dense_init dense), $tried runs, $bad_here failed"
    if [ "$bad_here" -eq 0 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
    fi
}

# compile: failures while a stylesheet is compiled (xslt/json.xsl, for
# convert --no-validate), the run's range of them found by bisection on
# the OUT-OF-MEMORY finding naming the stylesheet's full path (a failure
# while it runs names it relatively), then FI_RUNS runs spread over it,
# each judged as any other (exit 4, a message, nothing left).
in_compile() {
    d=$tmp/bisect
    rm -rf "$d" && mkdir "$d"
    (cd "$d" && BX_FAIL_AT=$1 "$bin" convert --no-validate --to json \
        -o out.json "$sample" >stdout 2>stderr)
    grep -q "^$root/xslt/json.xsl: fatal: \[OUT-OF-MEMORY\]" "$d/stderr"
}
run_compile() {
    name=convert-no-validate
    ref=$tmp/ref-$name
    rm -rf "$ref" && mkdir "$ref"
    (cd "$ref" && BX_FAIL_COUNT=1 "$bin" convert --no-validate --to json \
        -o out.json "$sample" >stdout 2>stderr)
    echo $? >"$ref/rc"
    total=$(sed -n 's/^failinject: \([0-9]*\) allocations$/\1/p' "$ref/stderr")
    # a point inside: the first of 64 even steps that lands there
    mid=0
    i=1
    while [ "$i" -lt 64 ] && [ "$mid" -eq 0 ]; do
        in_compile $((total * i / 64)) && mid=$((total * i / 64))
        i=$((i + 1))
    done
    if [ -z "$total" ] || [ "$mid" -eq 0 ]; then
        echo "FAIL compile: no allocation found inside the stylesheet compile"
        fail=$((fail + 1))
        return
    fi
    lo=1 hi=$mid # first: in_compile(hi), not in_compile(lo)
    while [ $((hi - lo)) -gt 1 ]; do
        m=$(((lo + hi) / 2))
        if in_compile $m; then hi=$m; else lo=$m; fi
    done
    first=$hi
    lo=$mid hi=$total # last: in_compile(lo), not in_compile(hi)
    while [ $((hi - lo)) -gt 1 ]; do
        m=$(((lo + hi) / 2))
        if in_compile $m; then lo=$m; else hi=$m; fi
    done
    last=$lo
    step=1
    if [ "$runs" -gt 0 ]; then
        step=$(((last - first) / runs + 1))
    fi
    n=$first
    tried=0
    bad_here=0
    while [ "$n" -le "$last" ]; do
        one "$name" out.json "$n" convert --no-validate --to json \
            -o out.json "$sample" || bad_here=$((bad_here + 1))
        tried=$((tried + 1))
        n=$((n + step))
    done
    echo "failinject compile: allocations $first-$last compile xslt/json.xsl," \
        "$tried runs, $bad_here failed"
    if [ "$bad_here" -eq 0 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
    fi
}

# The EXSLT namespaces the stylesheets declare must be ones the library
# serves itself (it links no libexslt): each needs an entry in the tables
# xslt_exsl_register() registers and checks at initialisation
# (src/xslt_exsl.c, 'functions' and 'elements').
check_exslt() {
    bad=0
    for ns in $(cat "$root"/xslt/*.xsl |
        sed -n 's|.*xmlns:[a-z]*="\(http://exslt\.org/[a-z]*\)".*|\1|p' |
        sort -u); do
        if ! grep -q "^ *{\"$ns\"" "$root/src/xslt_exsl.c"; then
            echo "FAIL exslt: $ns is used in xslt/ but not registered by" \
                "xslt_exsl_register (src/xslt_exsl.c)"
            bad=1
        fi
    done
    # and so must each function or element they use: prefix:name with
    # the prefix bound to an EXSLT namespace in the same file
    for f in "$root"/xslt/*.xsl; do
        for pns in $(sed -n \
            's|.*xmlns:\([a-z]*\)="\(http://exslt\.org/[a-z]*\)".*|\1=\2|p' \
            "$f"); do
            pfx=${pns%%=*} ns=${pns#*=}
            for name in $(grep -o "$pfx:[a-z][a-z-]*" "$f" |
                sed "s/^$pfx://" | sort -u); do
                if ! grep -q "^ *{\"$ns\", \"$name\"" \
                    "$root/src/xslt_exsl.c"; then
                    echo "FAIL exslt: $pfx:$name ($ns) is used in" \
                        "${f#"$root"/} but not registered by" \
                        "xslt_exsl_register (src/xslt_exsl.c)"
                    bad=1
                fi
            done
        done
    done
    if [ $bad -eq 0 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
    fi
}

# parse: the parse of one submission (validate --schema-only: one thread,
# so the N-th allocation is the same one each run but for libxml2's random
# hash seeds), FI_PARSE_RUNS runs spread over the allocations that come
# after the schema compile (counted on tests/fixtures/minimal-valid.xml).
# It found attribute values shared twice on the parent of an element
# libxml2 could not build (src/xmlio.c on_start_element): a use after
# free (5 of 520 sampled runs before the fix, none of about 1,800
# after).  Not among the default paths: run with FI_PATHS=parse.  Its density also meets faults
# of libxml2 2.9.14's schema validation on a failed allocation that
# library_fault() does not recognise (a bad free inside
# xmlSchemaFreeValidCtxt, reported as BUS in ASan's own frames).
run_parse() {
    ref=$tmp/ref-parse-start
    rm -rf "$ref" && mkdir "$ref"
    (cd "$ref" && BX_FAIL_COUNT=1 "$bin" validate --schema-only \
        "$root/tests/fixtures/minimal-valid.xml" >stdout 2>stderr)
    from=$(sed -n 's/^failinject: \([0-9]*\) allocations$/\1/p' \
        "$ref/stderr")
    saved_runs=$runs
    runs=${FI_PARSE_RUNS:-300}
    run_path parse "" validate --schema-only "$sample"
    runs=$saved_runs
    from=${FI_FROM:-1}
}

# rules: no false finding out of memory.  libxml2's failed allocations
# are counted (xmlio_nomem_count()) and make the verdict "out of memory";
# ours are not, and only the code that meets one can carry it to the
# verdict.  Where it did not (src/rules_key.c build_one() read a failed
# evaluation of a key's 'match' as "no nodes"), the lookups of bx:key()
# found nothing: validate reported false BR-021, BR-023 and BR-032
# findings (exit 1) or another coverage (exit 0) for 18 of the 1,583
# allocations of ours while the rules ran on the sample, and for about 15
# in 100,000 of all allocations: the sampled paths met one by chance.
# So: our own allocations only (BX_FAIL_OURS=1, see failmalloc.c), in the
# window of the first rules_eval() of validating the sample, or
# FI_RULES_DOC (failmalloc.c reports the window), every FI_RULES_STEP-th
# of them (default 1: every one).  A document with findings tries their
# wording too (FI_RULES_DOC=samples/pingdingshan-hitech-service-center-
# 2024.xml, 3,566 allocations: a pairing and a label check lost a finding
# or its suggestion there, and src/validate.c's label index, left short,
# worded 6 others otherwise; see docs/performance.md, "No false finding
# out of memory").  `make check-failinject` uses that document.
run_rules() {
    ref=$tmp/ref-rules-window
    doc=${FI_RULES_DOC:-$sample}
    rm -rf "$ref" && mkdir "$ref"
    export BX_FAIL_OURS=1
    (cd "$ref" && BX_FAIL_COUNT=1 "$bin" validate "$doc" >stdout 2>stderr)
    window=$(sed -n 's/^failinject: rules \([0-9]*\)-\([0-9]*\)$/\1 \2/p' \
        "$ref/stderr")
    if [ -z "$window" ]; then
        echo "FAIL rules: the clean run did not report the rules' window"
        fail=$((fail + 1))
        unset BX_FAIL_OURS
        return
    fi
    saved_runs=$runs
    set -- $window
    from=$1 to=$2
    runs=0
    rstep=${FI_RULES_STEP:-1}
    if [ "$rstep" -gt 1 ]; then
        runs=$(((to - from) / rstep + 1))
    fi
    run_path rules "" validate "$doc"
    runs=$saved_runs
    from=${FI_FROM:-1} to=${FI_TO:-}
    unset BX_FAIL_OURS
}

# schema: the life of the first schema validation context while a valid
# document is validated (FI_SCHEMA_DOC, the sample by default): that of
# src/validate.c valid_fast(), against the view of the schema without the
# root's identity constraints (failmalloc.c reports the window).  FI_RUNS
# runs spread over it, or every FI_SCHEMA_STEP-th allocation
# (FI_SCHEMA_STEP=1: every one, about 3,500 on the sample, ten minutes).
# Every one found libxml2 2.9.14's bad free in xmlSchemaFreeValidCtxt()
# (xmlSchemaGetFreshAttrInfo(): see src/validate.c schema_ctxt_free()).
run_schema() {
    ref=$tmp/ref-schema-window
    doc=${FI_SCHEMA_DOC:-$sample}
    rm -rf "$ref" && mkdir "$ref"
    (cd "$ref" && BX_FAIL_COUNT=1 "$bin" validate "$doc" >stdout 2>stderr)
    window=$(sed -n 's/^failinject: schema \([0-9]*\)-\([0-9]*\)$/\1 \2/p' \
        "$ref/stderr")
    if [ -z "$window" ]; then
        echo "FAIL schema: the clean run did not report the schema's window"
        fail=$((fail + 1))
        return
    fi
    saved_runs=$runs
    set -- $window
    from=$1 to=$2
    sstep=${FI_SCHEMA_STEP:-0}
    if [ "$sstep" -gt 0 ]; then
        runs=$(((to - from) / sstep + 1))
        [ "$sstep" -eq 1 ] && runs=0
    fi
    run_path schema "" validate "$doc"
    runs=$saved_runs
    from=${FI_FROM:-1} to=${FI_TO:-}
}

from=${FI_FROM:-1}
to=${FI_TO:-}
paths=${FI_PATHS:-exslt retry validate convert convert-no-validate compile bundle rules schema}
for p in $paths; do
    case $p in
    exslt) check_exslt ;;
    retry) run_retry ;;
    compile) run_compile ;;
    validate) run_path validate "" validate "$sample" ;;
    parse) run_parse ;;
    rules) run_rules ;;
    schema) run_schema ;;
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
