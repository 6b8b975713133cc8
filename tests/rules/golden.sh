#!/bin/sh
# Golden output for the business-rule fixtures.
#
# Usage: golden.sh BUDGETX [--update]
#
# For every entry of tests/rules/fixtures.txt (the one-change variants that
# tests/unit/test_rules.c also runs; the format is described at the top of
# that file) this builds the variant in a scratch directory, runs
#     BUDGETX validate --lang en --format text SAMPLE.xml
# from inside that directory and compares the result byte for byte with
# tests/rules/golden/<id>.out.  The fixtures listed in ZH below are also
# run with --lang zh against <id>.zh.out.  The samples themselves are run
# too: <sample>.out for each of them, and <sample>.zh.out for the samples
# the ZH fixtures change.
#
# Fixture ids: the rule id for a rule's first fixture in fixtures.txt, then
# <rule>-2, <rule>-3 ... for its further fixtures (BR-007, BR-007-2).
#
# Expected files: line 1 is "exit N" (the exit code), the rest is standard
# output exactly.  Standard error must be empty.  The variant keeps the
# sample's file name and differs from it only in the changed values, so
#     diff golden/pingdingshan-hitech-service-center-2024.out golden/BR-001.out
# shows just what the change adds to the sample's own findings.
#
# Besides the byte comparison, and independently of it, both the output
# and the expected file must show the fixture's rule with the fixture's
# severity more often than the unchanged sample does (error fixtures must
# also exit 1), and the example samples must exit 0 with no fatal, error or
# warning.  Severity "none" is a fixture for a rule that behaves
# differently per template: the change that another template's rule
# reports must not make this one report (no more warnings or errors of
# the rule than the unchanged sample).  So --update refuses to write an output that breaks its rule's
# promise, and a wrongly blessed file still fails.
#
# Variants are built with xsltproc: the XPath in fixtures.txt is evaluated
# by libxml2 (EXSLT dyn:evaluate), the engine test_rules.c uses, so both
# select the same node; python3's standard library has no XPath 1.0.
# Everything else is byte-preserving (only the changed value differs).
#
# --update rewrites the expected files (and removes those no fixture makes
# any more); review the diff like code.  BX_WRAP, when set, prefixes each
# budgetx call (e.g. valgrind).  Prints "rules-golden: N passed, M failed"
# and exits non-zero on any failure.
set -u

ZH="BR-001 BR-006 BR-009 BR-027 BR-034 BR-053 BR-101 BR-117-2"

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: golden.sh BUDGETX [--update]" >&2
    exit 2
fi
bin=$1
update=0
if [ $# -eq 2 ]; then
    if [ "$2" != "--update" ]; then
        echo "usage: golden.sh BUDGETX [--update]" >&2
        exit 2
    fi
    update=1
fi
# the runs happen in a scratch directory: make the path absolute first
case $bin in
/*) ;;
*/*) bin=$PWD/$bin ;;
*) bin=$(command -v "$bin" || echo "$PWD/$bin") ;;
esac
if [ ! -x "$bin" ]; then
    echo "rules-golden: $bin is not an executable" >&2
    exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
gold=$here/golden
fixtures=$here/fixtures.txt
export LC_ALL=C TZ=UTC
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
mkdir "$tmp/scratch"
[ $update -eq 1 ] && mkdir -p "$gold"
: >"$tmp/made"
pass=0
fail=0
US=$(printf '\037')

sample_file()
{
    case $1 in
    seed) echo pingdingshan-hitech-service-center-2024.xml ;;
    edu) echo example-county-education-bureau-2024.xml ;;
    health) echo example-district-health-commission-2024.xml ;;
    central) echo example-central-department-2024.xml ;;
    province) echo example-province-education-department-2024.xml ;;
    district) echo example-shanghai-district-health-2024.xml ;;
    narrative) echo example-narrative-only-2024.xml ;;
    *) return 1 ;;
    esac
}

sev_word()
{
    case $1:$2 in
    en:*) echo "$2" ;;
    zh:info) echo "提示" ;;
    zh:warning) echo "警告" ;;
    zh:error) echo "错误" ;;
    zh:fatal) echo "严重错误" ;;
    esac
}

# One change: set a node's value or delete it.  The XPath must select
# exactly one node (as in test_rules.c); otherwise xsltproc fails.
cat >"$tmp/apply.xsl" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:dyn="http://exslt.org/dynamic"
    xmlns:bx="urn:budgetx:disclosure:1"
    extension-element-prefixes="dyn">
  <xsl:output method="xml" encoding="UTF-8"/>
  <xsl:param name="xpath"/>
  <xsl:param name="op"/>
  <xsl:param name="value"/>
  <xsl:variable name="target" select="dyn:evaluate($xpath)"/>
  <xsl:template match="/">
    <xsl:if test="count($target) != 1">
      <xsl:message terminate="yes">
        <xsl:value-of select="count($target)"/> nodes match, not 1</xsl:message>
    </xsl:if>
    <xsl:apply-templates/>
  </xsl:template>
  <xsl:template match="@*|node()">
    <xsl:choose>
      <xsl:when test="count(. | $target) != 1">
        <xsl:copy><xsl:apply-templates select="@*|node()"/></xsl:copy>
      </xsl:when>
      <xsl:when test="$op = 'del'"/>
      <xsl:when test="self::*">
        <xsl:copy>
          <xsl:apply-templates select="@*"/>
          <xsl:value-of select="$value"/>
        </xsl:copy>
      </xsl:when>
      <xsl:when test="count(../@* | .) = count(../@*)">
        <xsl:attribute name="{name()}" namespace="{namespace-uri()}">
          <xsl:value-of select="$value"/>
        </xsl:attribute>
      </xsl:when>
      <xsl:otherwise>
        <xsl:message terminate="yes">only elements and attributes can be set</xsl:message>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
EOF

# fixtures.txt -> one record per fixture, fields separated by US:
#   id rule severity sample line op xpath value [op xpath value ...] .
# (the final "." keeps an empty last value: field splitting drops a
# trailing empty field)
# or "ERROR<US>message" for a line the CUnit reader would misread.
awk -F '\t' -v us="$US" '
function flush() { if (rec != "") print rec us "."; rec = "" }
/^#/ || /^$/ { next }
NF < 5 { flush(); print "ERROR" us "fixtures.txt:" NR ": fewer than 5 fields"; next }
$4 != "set" && $4 != "del" {
    flush(); print "ERROR" us "fixtures.txt:" NR ": unknown op " $4; next
}
$1 == "+" {
    if (rec == "") { print "ERROR" us "fixtures.txt:" NR ": + before any fixture"; next }
    if (++nchg > 4) { print "ERROR" us "fixtures.txt:" NR ": more than 4 changes (test_rules.c reads 4)"; next }
    rec = rec us $4 us $5 us $6
    next
}
{
    flush()
    n = ++seen[$1]
    id = n == 1 ? $1 : $1 "-" n
    nchg = 1
    rec = id us $1 us $2 us $3 us NR us $4 us $5 us $6
}
END { flush() }
' "$fixtures" >"$tmp/plan"

# run LANG NAME OUT: validate NAME in the scratch directory; write "exit N"
# and the standard output to OUT, the standard error to OUT.err.
run()
{
    (cd "$tmp/scratch" && ${BX_WRAP:-} "$bin" validate --lang "$1" \
        --format text "$2" >"$3.stdout" 2>"$3.err" </dev/null)
    echo "exit $?" >"$3"
    cat "$3.stdout" >>"$3"
}

# count SEVERITY-WORD RULE FILE: findings of that rule and severity.
count()
{
    grep -F -c ": $1: [$2] " "$3"
}

# promise FILE BASELINE LANG SEV RULE: empty when FILE shows RULE at SEV
# more often than BASELINE (and exits 1 for an error), else the reason.
promise()
{
    if [ ! -f "$1" ]; then
        echo "missing $(basename "$1")"
        return
    elif [ ! -f "$2" ]; then
        echo "missing the sample's $(basename "$2")"
        return
    fi
    if grep -q ' \[XSD-[A-Z]*\] ' "$1"; then
        echo "the variant is not schema-valid:"
        grep -m 1 ' \[XSD-[A-Z]*\] ' "$1"
        return
    fi
    if [ "$4" = none ]; then
        for s in warning error; do
            w=$(sev_word "$3" $s)
            n=$(count "$w" "$5" "$1")
            b=$(count "$w" "$5" "$2")
            if [ "$n" -gt "$b" ]; then
                echo "$5 $s found $n times, more than in the sample ($b)"
                return
            fi
        done
        return
    fi
    w=$(sev_word "$3" "$4")
    n=$(count "$w" "$5" "$1")
    b=$(count "$w" "$5" "$2")
    if [ "$n" -le "$b" ]; then
        echo "$5 $4 found $n times, no more than in the sample ($b)"
    elif [ "$4" = error ] && [ "$(head -n 1 "$1")" != "exit 1" ]; then
        echo "$5 error but $(head -n 1 "$1")"
    fi
}

# clean FILE: empty when the sample output in FILE passes cleanly.
clean()
{
    if [ ! -f "$1" ]; then
        echo "missing $(basename "$1")"
    elif [ "$(head -n 1 "$1")" != "exit 0" ]; then
        echo "$(head -n 1 "$1"), expected exit 0"
    elif grep -E -q ': (fatal|error|warning): \[' "$1"; then
        echo "$(grep -E -c ': (fatal|error|warning): \[' "$1") findings above info"
    fi
}

failed()
{
    fail=$((fail + 1))
    echo "FAIL $1"
}

# settle NAME OUT KIND ARGS...: OUT must have an empty standard error and
# pass 'check OUT KIND ARGS...'; then --update copies it to golden/NAME,
# otherwise golden/NAME must pass the same check and equal OUT.
settle()
{
    g=$1
    o=$2
    shift 2
    echo "$g" >>"$tmp/made"
    if [ -s "$o.err" ]; then
        failed "$g: standard error is not empty:"
        head -5 "$o.err"
        return
    fi
    why=$(check "$o" "$@")
    if [ -n "$why" ]; then
        failed "$g: $why"
        return
    fi
    if [ $update -eq 1 ]; then
        if ! cmp -s "$o" "$gold/$g"; then
            cp "$o" "$gold/$g"
            echo "updated $g"
        fi
        pass=$((pass + 1))
        return
    fi
    why=$(check "$gold/$g" "$@")
    if [ -n "$why" ]; then
        failed "$g (expected file): $why"
    elif ! cmp -s "$gold/$g" "$o"; then
        failed "$g: output differs"
        diff -u "$gold/$g" "$o" | head -20
    else
        pass=$((pass + 1))
    fi
}

# check FILE KIND ARGS...: KIND is none, clean, or promise with the
# sample's output name, the language, the severity and the rule.
check()
{
    f=$1
    case $2 in
    none) ;;
    clean) clean "$f" ;;
    promise)
        # the baseline is the actual or the expected sample output,
        # matching the file being checked
        case $f in
        "$gold"/*) ref=$gold/$3 ;;
        *) ref=$tmp/$3 ;;
        esac
        promise "$f" "$ref" "$4" "$5" "$6"
        ;;
    esac
}

# The samples: baselines for the fixtures, and the example samples pass.
zh_samples=
for id in $ZH; do
    s=$(awk -F "$US" -v id="$id" '$1 == id { print $4 }' "$tmp/plan")
    [ -n "$s" ] && zh_samples="$zh_samples $(sample_file "$s")"
done
for path in "$root"/samples/*.xml; do
    name=$(basename "$path")
    base=${name%.xml}
    cp "$path" "$tmp/scratch/$name"
    run en "$name" "$tmp/$base.out"
    case $name in
    example-*) settle "$base.out" "$tmp/$base.out" clean ;;
    *) settle "$base.out" "$tmp/$base.out" none ;;
    esac
    case " $zh_samples " in
    *" $name "*)
        run zh "$name" "$tmp/$base.zh.out"
        settle "$base.zh.out" "$tmp/$base.zh.out" none
        ;;
    esac
    rm -f "$tmp/scratch/$name"
done

# The fixtures.
while IFS= read -r rec; do
    # split on US only, and XPath brackets are not globs
    set -f
    IFS=$US
    # shellcheck disable=SC2086 # splitting is the point
    set -- $rec
    unset IFS
    set +f
    if [ "$1" = ERROR ]; then
        failed "$2"
        continue
    fi
    id=$1
    rule=$2
    sev=$3
    line=$5
    if ! name=$(sample_file "$4"); then
        failed "fixtures.txt:$line: unknown sample $4"
        continue
    fi
    base=${name%.xml}
    shift 5
    echo "$id.out" >>"$tmp/made"
    case " $ZH " in
    *" $id "*) echo "$id.zh.out" >>"$tmp/made" ;;
    esac
    cp "$root/samples/$name" "$tmp/scratch/$name"
    ok=1
    k=0
    while [ $# -ge 4 ]; do
        k=$((k + 1))
        if ! xsltproc --nonet --stringparam xpath "$2" --stringparam op "$1" \
            --stringparam value "$3" "$tmp/apply.xsl" "$tmp/scratch/$name" \
            >"$tmp/next.xml" 2>"$tmp/xslt.err"; then
            failed "fixtures.txt:$line: $id: change $k does not apply: $(head -n 1 "$tmp/xslt.err")"
            ok=0
            break
        fi
        mv "$tmp/next.xml" "$tmp/scratch/$name"
        shift 3
    done
    if [ $ok -eq 1 ] && { [ $k -eq 0 ] || [ "$*" != . ]; }; then
        failed "fixtures.txt:$line: $id: malformed record"
        ok=0
    fi
    if [ $ok -eq 1 ]; then
        run en "$name" "$tmp/$id.out"
        settle "$id.out" "$tmp/$id.out" promise "$base.out" en "$sev" "$rule"
        case " $ZH " in
        *" $id "*)
            run zh "$name" "$tmp/$id.zh.out"
            settle "$id.zh.out" "$tmp/$id.zh.out" \
                promise "$base.zh.out" zh "$sev" "$rule"
            ;;
        esac
    fi
    rm -f "$tmp/scratch/$name"
done <"$tmp/plan"

# Expected files that nothing makes any more.
for f in "$gold"/*.out; do
    [ -f "$f" ] || continue
    n=$(basename "$f")
    grep -q -x -F "$n" "$tmp/made" && continue
    if [ $update -eq 1 ]; then
        rm -f "$f"
        echo "removed $n"
    else
        failed "$n: no fixture or sample makes it (run --update)"
    fi
done

echo "rules-golden: $pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
