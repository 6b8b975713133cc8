#!/bin/sh
# Batch runs end to end: inputs (directories, --include-glob, --files-from,
# -0, --shard), -j 1 against -j 4, jsonl read back by python3, summary of
# shuffled shards, summary refusing what is not one complete set (cut,
# empty, miscounted, duplicated, missing or foreign shards), the progress
# line, streaming bundles in flat memory, and the GNU parallel recipe of
# docs/batch.md on localhost with summary --files-from (a chunk left no
# report, a stray report, another list).
# Usage: run.sh /path/to/budgetx
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export LC_ALL=C TZ=UTC BUDGETX_DATADIR="$root"
unset SOURCE_DATE_EPOCH
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
same() { cmp -s "$1" "$2" && ok || { bad "$3"; diff "$1" "$2" | head -5; }; }

# A corpus: the samples many times over (valid and rejected), one file
# that is not XML, one gzip file, in nested directories.
corpus=$tmp/corpus
mkdir -p "$corpus/a/deep" "$corpus/b"
n=0
rejected=0 # copies of samples that validation rejects
for i in 0 1 2 3 4 5; do
    for f in "$root"/samples/*.xml; do
        cp "$f" "$corpus/a/$i-$(basename "$f")"
        n=$((n + 1))
        "$bin" validate -q "$f" >/dev/null 2>&1 || rejected=$((rejected + 1))
    done
done
cp "$root/tests/fixtures/minimal-valid.xml" "$corpus/a/deep/minimal.xml"
gzip -9nc "$root/tests/fixtures/minimal-valid.xml" >"$corpus/b/zipped.xml.gz"
printf '<broken' >"$corpus/b/broken.xml"
echo "notes" >"$corpus/b/readme.txt"
cp "$root/tests/fixtures/minimal-valid.xml" "$corpus/b/.hidden.xml"
total=$((n + 3))
cd "$tmp" || exit 1

# --- inputs -------------------------------------------------------------
"$bin" validate --format jsonl --no-progress corpus >walk.jsonl 2>/dev/null
python3 - walk.jsonl "$total" <<'PY' && ok || bad "directory walk: files, order, globs"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
paths = [l["path"] for l in lines if l["type"] == "file"]
assert len(paths) == int(sys.argv[2]), (len(paths), sys.argv[2])
# sorted walk: names in byte order within each directory
assert paths[0].startswith("corpus/a/0-"), paths[0]
assert paths.index("corpus/a/deep/minimal.xml") > paths.index("corpus/a/5-pingdingshan-hitech-service-center-2024.xml")
assert paths[-2:] == ["corpus/b/broken.xml", "corpus/b/zipped.xml.gz"], paths[-2:]
assert not any(".hidden" in p or p.endswith(".txt") for p in paths)
PY
"$bin" validate --format jsonl --include '*.txt' --include '*.gz' corpus/b \
    >glob.jsonl 2>/dev/null
python3 - glob.jsonl <<'PY' && ok || bad "--include GLOB"
import json, sys
paths = [json.loads(l).get("path") for l in open(sys.argv[1])]
assert paths[:-1] == ["corpus/b/readme.txt", "corpus/b/zipped.xml.gz"], paths
PY
"$bin" validate --format jsonl corpus/b/readme.txt >/dev/null 2>&1
[ $? -eq 3 ] && ok || bad "a file named on the command line is read whatever its name"
mkdir empty
"$bin" validate empty >/dev/null 2>err.txt
[ $? -eq 3 ] && grep -q "no input file found" err.txt && ok || bad "empty directory"

# --files-from: lines, NUL-separated, standard input, with spaces in names
mkdir "with space"
cp "$root/tests/fixtures/minimal-valid.xml" "with space/m 1.xml"
printf 'corpus/b/zipped.xml.gz\n\nwith space/m 1.xml\r\n' >list.txt
"$bin" validate --format jsonl --files-from list.txt >list.jsonl 2>/dev/null
printf 'corpus/b/zipped.xml.gz\0with space/m 1.xml\0' >list0
"$bin" validate --format jsonl --files-from - -0 <list0 >list0.jsonl 2>/dev/null
same list.jsonl list0.jsonl "--files-from FILE and --files-from - -0 differ"
python3 - list.jsonl <<'PY' && ok || bad "--files-from"
import json, sys
paths = [json.loads(l).get("path") for l in open(sys.argv[1])]
assert paths == ["corpus/b/zipped.xml.gz", "with space/m 1.xml", None], paths
PY

# --- jsonl read back line by line ----------------------------------------
"$bin" validate --format json corpus >all.json 2>/dev/null
python3 - walk.jsonl all.json <<'PY' && ok || bad "jsonl lines: valid JSON, keys of --format json"
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
assert lines[-1] == "", "no final newline"
objs = [json.loads(l) for l in lines[:-1]]         # every line parses alone
files, summary = objs[:-1], objs[-1]
whole = json.load(open(sys.argv[2], encoding="utf-8"))["files"]
assert len(files) == len(whole)
for f, w in zip(files, whole):
    assert f["type"] == "file"
    missing = set(w) - set(f)
    assert not missing, missing                      # keys only added
    for k in w:
        if k != "findings":
            assert f[k] == w[k], (k, f[k], w[k])
    assert len(f["findings"]) == len(w["findings"])
    for a, b in zip(f["findings"], w["findings"]):
        assert set(b) <= set(a) and "file" in a
    assert isinstance(f["status"], int) and f["exit"] in (0, 1, 3, 4)
assert summary["type"] == "summary"
assert summary["files"] == len(files)
assert summary["accepted"] + summary["rejected"] == len(files)
assert summary["accepted"] == sum(f["verdict"] == "accepted" for f in files)
assert summary["exit"] == max(f["exit"] for f in files) == 3
for k in ("info", "warning", "error", "fatal"):
    assert summary["counts"][k] == sum(f["counts"][k] for f in files)
PY
"$bin" validate --no-progress corpus >/dev/null 2>&1
[ $? -eq 3 ] && ok || bad "exit code: the worst over all files"

# --- -j 1 and -j 4 give the same bytes ----------------------------------
for fmt in text json xml jsonl; do
    "$bin" validate --lang en --format $fmt -j 1 corpus >j1.$fmt 2>j1.err
    "$bin" validate --lang en --format $fmt -j 4 corpus >j4.$fmt 2>j4.err
    same j1.$fmt j4.$fmt "-j 1 and -j 4 differ ($fmt)"
done
same j1.err j4.err "-j 1 and -j 4 stderr differ"
"$bin" validate --format jsonl -j 4 --unordered corpus >un.jsonl 2>/dev/null
[ "$(sort un.jsonl)" = "$(sort j4.jsonl)" ] && ok || bad "--unordered: other lines"
tail -n 1 un.jsonl | grep -q '"type":"summary"' && ok || bad "--unordered: summary last"

# --- convert takes the same inputs; -j does not change what it writes --
"$bin" convert --to csv -j 1 -o conv1 corpus/a >/dev/null 2>conv1.err
rc1=$?
"$bin" convert --to csv -j 4 -o conv4 corpus/a >/dev/null 2>conv4.err
rc4=$?
[ $rc1 -eq 1 ] && [ $rc4 -eq 1 ] && ok || bad "convert exit codes $rc1 $rc4, wanted 1"
diff -r conv1 conv4 >/dev/null && ok || bad "convert: -j 1 and -j 4 outputs differ"
same conv1.err conv4.err "convert: -j 1 and -j 4 stderr differ"
# one output per accepted input (the samples' and deep/minimal.xml)
[ "$rejected" -gt 0 ] && [ "$(ls conv4 | wc -l)" -eq $((n - rejected + 1)) ] && ok || bad "convert: outputs missing"
"$bin" convert --to html corpus/a >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "convert of a directory without -o"

# --- shards and summary ---------------------------------------------------
for i in 0 1 2 3; do
    "$bin" validate --format jsonl --shard $i/4 corpus >shard$i.jsonl 2>/dev/null
done
cat shard0.jsonl shard1.jsonl shard2.jsonl shard3.jsonl | grep -c '"type":"file"' \
    | grep -qx "$total" && ok || bad "shards do not cover the inputs"
"$bin" summary --lang en shard0.jsonl shard1.jsonl shard2.jsonl shard3.jsonl >sum-a.txt
rc=$?
"$bin" summary --lang en shard3.jsonl shard1.jsonl shard0.jsonl shard2.jsonl >sum-b.txt
same sum-a.txt sum-b.txt "summary depends on the shard order"
[ $rc -eq 3 ] && ok || bad "summary exit code $rc, wanted 3"
for fmt in json html jsonl xml; do
    "$bin" summary --lang en --format $fmt shard2.jsonl shard0.jsonl shard3.jsonl shard1.jsonl >sum-a.$fmt
    cat shard1.jsonl shard3.jsonl shard0.jsonl shard2.jsonl | "$bin" summary --lang en --format $fmt - >sum-b.$fmt
    same sum-a.$fmt sum-b.$fmt "summary ($fmt) depends on the shard order"
done
# with one flat directory the sorted walk is the path order: the merge
# is exactly the report of one run over everything
"$bin" validate --lang en --format text corpus/a >flat.txt 2>/dev/null
for i in 0 1 2; do
    "$bin" validate --lang en --format jsonl --shard $i/3 corpus/a >flat$i.jsonl 2>/dev/null
done
"$bin" summary --lang en flat2.jsonl flat0.jsonl flat1.jsonl >flat-sum.txt
same flat.txt flat-sum.txt "summary of shards differs from one run"
"$bin" validate --lang en --format json corpus/a >flat.json 2>/dev/null
"$bin" summary --lang en --format json flat1.jsonl flat2.jsonl flat0.jsonl >flat-sum.json
same flat.json flat-sum.json "summary (json) of shards differs from one run"
"$bin" validate --lang en --format json --all-rules corpus/a >flat-all.json 2>/dev/null
for i in 0 1; do
    "$bin" validate --lang en --format jsonl --all-rules --shard $i/2 corpus/a >all$i.jsonl 2>/dev/null
done
"$bin" summary --lang en --format json all1.jsonl all0.jsonl >flat-all-sum.json
same flat-all.json flat-all-sum.json "summary of --all-rules shards differs from one run"
# findings past the caps (MORE-FINDINGS) still count: the merge keeps
# each file's counts, not the number of findings it lists
mkdir capped
python3 - "$root/tests/fixtures/minimal-valid.xml" capped/rows.xml <<'PY'
import sys
src = open(sys.argv[1], encoding="utf-8").read()
unit = '      <unit code="060001" name="示例单位" type="行政" level="本级"/>'
rows = "\n".join('      <unit code="X%d" name="u" type="行政" level="本级"/>'
                 % i for i in range(300))
open(sys.argv[2], "w", encoding="utf-8").write(src.replace(unit, rows))
PY
cp "$root/tests/fixtures/minimal-valid.xml" capped/ok.xml
"$bin" validate --lang en --format json capped >capped.json 2>/dev/null
for i in 0 1; do
    "$bin" validate --format jsonl --shard $i/2 capped >capped$i.jsonl 2>/dev/null
done
"$bin" summary --lang en --format json capped1.jsonl capped0.jsonl >capped-sum.json
same capped.json capped-sum.json "summary of a file past the findings caps differs from one run"
grep -q '"error":300' capped-sum.json && ok || bad "summary: counts past the caps lost"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' sum-a.json && ok || bad "summary json"
xmllint --noout sum-a.xml 2>/dev/null && ok || bad "summary xml"
printf '{"type":"file"}\n' >junk.jsonl
"$bin" summary junk.jsonl >/dev/null 2>err.txt
[ $? -eq 3 ] && grep -q "SUMMARY-JSONL" err.txt && ok || bad "summary accepts a bad line"
printf 'not json\n' >junk2.jsonl
"$bin" summary junk2.jsonl >/dev/null 2>err.txt
[ $? -eq 3 ] && grep -q "junk2.jsonl:1" err.txt && ok || bad "summary: bad line not located"
# an empty shard (more shards than inputs) is a report of no file: it
# completes the set of its shards, and a report of no file summarises
"$bin" validate --format jsonl --shard 5/6 corpus/b >empty.jsonl 2>/dev/null
rc=$?
[ $rc -eq 0 ] && [ "$(wc -l <empty.jsonl)" -eq 1 ] && ok || bad "empty shard: exit $rc"
for i in 0 1 2 3 4; do
    "$bin" validate --format jsonl --shard $i/6 corpus/b >empty$i.jsonl 2>/dev/null
done
"$bin" summary --lang en empty3.jsonl empty.jsonl empty0.jsonl empty1.jsonl \
    empty2.jsonl empty4.jsonl >empty.txt 2>&1
[ $? -eq 3 ] && grep -q "^budgetx: 2 files checked" empty.txt && ok || bad "summary of a set with empty shards"
sed 's/,"shard":{[^}]*}//' empty.jsonl >noshard.jsonl
"$bin" summary --lang en noshard.jsonl >empty.txt 2>&1
[ $? -eq 0 ] && grep -q "0 files checked" empty.txt && ok || bad "summary of a report of no file"

# --- summary merges only one complete set of reports --------------------
# refused: exit 3, no report on stdout, a finding naming the report
refused() { # CODE TEXT DESCRIPTION REPORT...
    code=$1 text=$2 what=$3
    shift 3
    "$bin" summary --lang en "$@" >refused.out 2>refused.err
    rc=$?
    [ $rc -eq 3 ] && [ ! -s refused.out ] && grep -q "\[$code\]" refused.err &&
        grep -qF -- "$text" refused.err && ok ||
        { bad "summary: $what (exit $rc)"; head -3 refused.err; }
}
head -n 3 flat1.jsonl >cut.jsonl # a shard killed mid-run: no summary line
refused SUMMARY-INCOMPLETE "cut.jsonl:3: fatal: [SUMMARY-INCOMPLETE] no summary line: the run that wrote it did not finish (3 file lines)" \
    "a shard cut short" flat0.jsonl cut.jsonl flat2.jsonl
: >zero.jsonl
refused SUMMARY-INCOMPLETE "zero.jsonl: fatal: [SUMMARY-INCOMPLETE] empty report" \
    "a 0-byte report" zero.jsonl
refused SUMMARY-INCOMPLETE "zero.jsonl: fatal" "a 0-byte shard" flat0.jsonl zero.jsonl flat2.jsonl flat1.jsonl
flines=$(grep -c '"type":"file"' flat1.jsonl)
sed 2d flat1.jsonl >short.jsonl # a file line lost, the summary kept
refused SUMMARY-INCOMPLETE "short.jsonl:$flines: fatal: [SUMMARY-INCOMPLETE] $((flines - 1)) file lines but the summary says $flines" \
    "a summary line with the wrong count" flat0.jsonl short.jsonl flat2.jsonl
sed '$s/"accepted":[0-9]*/"accepted":999/' flat1.jsonl >forged.jsonl
refused SUMMARY-INCOMPLETE "the summary says accepted 999 but the file lines give" \
    "a summary line with the wrong accepted count" flat0.jsonl forged.jsonl flat2.jsonl
{ cat flat1.jsonl; head -n 1 flat0.jsonl; } >after.jsonl
refused SUMMARY-INCOMPLETE "after.jsonl:$((flines + 2)): fatal: [SUMMARY-INCOMPLETE] a line after the summary line" \
    "a line after the summary" flat0.jsonl after.jsonl flat2.jsonl
# reports one after the other in one stream: each needs its summary line
cat cut.jsonl flat0.jsonl flat2.jsonl >cat-cut.jsonl
refused SUMMARY-INCOMPLETE "file lines but the summary says" "a cut report inside a stream" - <cat-cut.jsonl
refused SUMMARY-DUPLICATE "walk.jsonl:1: fatal: [SUMMARY-DUPLICATE] the same report as 'walk.jsonl' (from line 1)" \
    "the same report twice" walk.jsonl walk.jsonl
cp walk.jsonl walk-copy.jsonl
refused SUMMARY-DUPLICATE "the same report as 'walk.jsonl'" "a copy of a report" walk.jsonl walk-copy.jsonl
cat walk.jsonl walk.jsonl | refused SUMMARY-DUPLICATE "-:$((total + 2)): fatal" "the same report twice in one stream" -
refused SUMMARY-SHARDS "1 of 3 shards missing" "a missing shard" flat2.jsonl flat0.jsonl
grep -F "1 of 3 shards missing" refused.err | grep -q '): 1; rerun them' && ok || bad "summary: the missing shard not named"
refused SUMMARY-SHARDS "5 of 6 shards missing (2 inputs, list " "an empty shard alone" empty.jsonl
grep -q '): 0, 1, 2, 3, 4; rerun them' refused.err && ok || bad "summary: the missing shards not listed"
cp flat1.jsonl flat1-again.jsonl
refused SUMMARY-SHARDS "flat1-again.jsonl:$((flines + 1)): fatal: [SUMMARY-SHARDS] shard 1/3 given twice: also in 'flat1.jsonl'" \
    "a duplicated shard" flat0.jsonl flat1.jsonl flat2.jsonl flat1-again.jsonl
"$bin" validate --format jsonl --shard 1/2 corpus/a >half1.jsonl 2>/dev/null
refused SUMMARY-SHARDS "half1.jsonl:" "shards of two counts" flat0.jsonl flat1.jsonl flat2.jsonl half1.jsonl
grep -q "shard 1/2 .* does not belong with shard 0/3 in 'flat0.jsonl'" refused.err && ok || bad "summary: mixed counts not named"
"$bin" validate --format jsonl --shard 1/3 corpus/a corpus/b >other1.jsonl 2>/dev/null
refused SUMMARY-SHARDS "other1.jsonl:" "shards of two lists" flat0.jsonl other1.jsonl flat2.jsonl
grep -q "another --shard count or input list" refused.err && grep -q "1 of 3 shards missing" refused.err &&
    ok || bad "summary: mixed lists not named"
refused SUMMARY-SHARDS "walk.jsonl:$((total + 1)): fatal: [SUMMARY-SHARDS] no shard information" \
    "a report without shard among shards" flat0.jsonl flat1.jsonl flat2.jsonl walk.jsonl
# the summary line of a shard names it and its whole list: SHA-256 of
# every path followed by a NUL byte; a run without --shard has no "shard"
python3 - walk.jsonl flat1.jsonl corpus/a <<'PY' && ok || bad "jsonl: the shard key"
import hashlib, json, sys
walk = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert "shard" not in walk[-1], walk[-1]
shard = json.loads(open(sys.argv[2], encoding="utf-8").read().split("\n")[-2])["shard"]
paths = [json.loads(l)["path"] for l in open(sys.argv[1], encoding="utf-8")
         if json.loads(l)["type"] == "file" and json.loads(l)["path"].startswith(sys.argv[3] + "/")]
digest = hashlib.sha256(b"".join(p.encode() + b"\0" for p in paths)).hexdigest()
assert shard == {"index": 1, "count": 3, "inputs": len(paths), "list": digest}, (shard, len(paths), digest)
PY
# a complete set in any order: merged, and the merge carries no shard
"$bin" summary --lang en --format jsonl flat2.jsonl flat0.jsonl flat1.jsonl >merged.jsonl
[ $? -eq 1 ] && ! grep -q '"shard"' merged.jsonl && ok || bad "summary --format jsonl of shards"
"$bin" summary --lang en --format json merged.jsonl >merged.json
same flat.json merged.json "summary of a merged report differs from one run"

"$bin" validate --shard 4/4 corpus >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "--shard 4/4 accepted"
"$bin" validate --shard x corpus >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "--shard x accepted"
"$bin" validate -j 0 corpus >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "-j 0 accepted"

# --- progress ------------------------------------------------------------
"$bin" validate corpus/a >/dev/null 2>prog.err
[ ! -s prog.err ] && ok || bad "progress written to a stderr that is no terminal"
"$bin" validate --progress corpus/a >/dev/null 2>prog.err
grep -q "$((n + 1))/$((n + 1)) files" prog.err && grep -q "rejected" prog.err && ok \
    || bad "--progress: no progress line"
if script -qec "true" /dev/null >/dev/null 2>&1; then
    script -qec "\"$bin\" validate corpus/a >/dev/null" /dev/null >pty.out 2>&1
    grep -q "$((n + 1))/$((n + 1)) files" pty.out && ok || bad "no progress line on a terminal"
    script -qec "\"$bin\" validate --no-progress corpus/a >/dev/null" /dev/null >pty.out 2>&1
    ! grep -q "files" pty.out && ok || bad "--no-progress on a terminal"
fi

# --- bundles: -j does not change the bytes; memory stays flat ------------
"$bin" bundle --include html,csv -j 1 -o b1.zip corpus/a/0-* corpus/a/deep >/dev/null 2>&1
"$bin" bundle --include html,csv -j 4 -o b4.zip corpus/a/0-* corpus/a/deep >/dev/null 2>&1
[ $? -eq 1 ] && [ ! -e b4.zip ] && ok || bad "bundle of a rejected submission"
"$bin" bundle --allow-invalid --include html,csv -j 1 -o b1.zip corpus/a >/dev/null 2>&1
"$bin" bundle --allow-invalid --include html,csv -j 4 -o b4.zip corpus/a >/dev/null 2>&1
same b1.zip b4.zip "bundle: -j 1 and -j 4 differ"
"$bin" verify b4.zip >/dev/null 2>&1
[ $? -le 1 ] && ok || bad "verify of a streamed bundle"
python3 - b4.zip "$((n + 1))" <<'PY' && ok || bad "streamed bundle layout"
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
assert names[0] == "manifest.xml" and names[1:] == sorted(names[1:])
assert sum(1 for x in names if x.startswith("submissions/")) == int(sys.argv[2])
PY
ls ./*.tmp* .budgetx-spool* .budgetx-tmp-* >/dev/null 2>&1 && bad "temporary files left" || ok
# names that collide once unpacked (case, device names) are renamed the
# same way whatever -j; each submission records its rendition language
mkdir clash
for f in A.xml a.xml CON.xml; do
    cp "$root/samples/example-county-education-bureau-2024.xml" "clash/$f"
done
"$bin" bundle --lang en -j 1 -o c1.zip clash >/dev/null 2>&1 &&
    "$bin" bundle --lang en -j 4 -o c4.zip clash >/dev/null 2>&1 && ok ||
    bad "bundle of colliding names"
same c1.zip c4.zip "bundle of colliding names: -j 1 and -j 4 differ"
python3 - c4.zip <<'PY' && ok || bad "colliding names not renamed"
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
subs = sorted(x for x in z.namelist() if x.startswith("submissions/"))
assert subs == ["submissions/A.xml", "submissions/_CON.xml", "submissions/a-2.xml"], subs
m = z.read("manifest.xml").decode()
assert m.count('<renditionOptions lang="en"/>') == 3, m
PY
# peak memory of a bundle of N and of 4N submissions: flat, not 4 times
# (under AddressSanitizer, freed memory is held back in a quarantine that
# would grow with the run: keep it small so that RSS measures the program)
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1
export ASAN_OPTIONS
big=$tmp/big
mkdir "$big"
i=0
while [ $i -lt 160 ]; do
    cp "$root/samples/example-county-education-bureau-2024.xml" "$big/s$i.xml"
    i=$((i + 1))
done
/usr/bin/time -f %M -o m40 "$bin" bundle --include html,csv -j 2 -o m40.zip "$big"/s1[0-3]?.xml >/dev/null 2>&1
/usr/bin/time -f %M -o m160 "$bin" bundle --include html,csv -j 2 -o m160.zip "$big" >/dev/null 2>&1
python3 - m40 m160 <<'PY' && ok || bad "bundle memory grows with the number of submissions"
import sys
a = int(open(sys.argv[1]).read().split()[-1])
b = int(open(sys.argv[2]).read().split()[-1])
print(f"bundle peak RSS: 40 submissions {a} KB, 160 submissions {b} KB")
assert b < a * 1.25 + 2048, (a, b)
PY

# --- the GNU parallel recipe (docs/batch.md), on localhost ---------------
# (GNU parallel is a test dependency, .ci/packages-test: without it the
# recipe is not tested, which is a failure, not a skip)
if ! command -v parallel >/dev/null 2>&1; then
    bad "GNU parallel not installed (make deps-test): the recipe of docs/batch.md not tested"
else
    mkdir out
    find corpus \( -name '*.xml' -o -name '*.xml.gz' \) ! -name '.*' | sort >inputs.txt
    parallel --will-cite --pipe -N 7 --sshlogin : \
        "\"$bin\" validate --files-from - --format jsonl >out/shard-{#}.jsonl" \
        <inputs.txt
    "$bin" summary --format json out/*.jsonl >par.json
    "$bin" validate --format json --files-from inputs.txt >one.json 2>/dev/null
    "$bin" summary --format json j1.jsonl >walk-sum.json
    same walk-sum.json par.json "GNU parallel --pipe: merged report differs"
    # summary --files-from: the reports hold exactly the list's paths
    "$bin" summary --format json --files-from inputs.txt out/*.jsonl >par-list.json 2>err.txt
    rc=$?
    [ $rc -eq 3 ] && [ ! -s err.txt ] && ok || bad "summary --files-from of the --pipe recipe: exit $rc"
    same par.json par-list.json "summary --files-from changes the merged report"
    tr '\n' '\0' <inputs.txt >inputs0
    "$bin" summary --format json --files-from inputs0 -0 out/*.jsonl >par-list0.json
    same par.json par-list0.json "summary --files-from -0 changes the merged report"
    "$bin" summary --format json --files-from - out/*.jsonl <inputs.txt >par-list-.json
    same par.json par-list-.json "summary --files-from - changes the merged report"
    "$bin" summary --files-from - - <inputs.txt >/dev/null 2>err.txt
    [ $? -eq 2 ] && ok || bad "summary --files-from - with report -"
    # a chunk whose job left no report: its paths named, nothing merged
    mv out/shard-2.jsonl lost.jsonl
    first=$(sed -n 8,12p inputs.txt | sed "s/.*/'&'/" | paste -sd, - | sed 's/,/, /g')
    refused SUMMARY-LIST "inputs.txt: fatal: [SUMMARY-LIST] 7 paths of the list were not checked (in no report): $first, ..." \
        "--pipe: a chunk without its report" --files-from inputs.txt out/*.jsonl
    [ "$(grep -c SUMMARY- refused.err)" -eq 1 ] && ok || bad "--pipe: a chunk without its report: other findings"
    # a stray report of another list: its paths named as not listed (the
    # one listed too is checked twice: a multiset)
    cp lost.jsonl out/shard-2.jsonl
    cp list.jsonl out/stray.jsonl
    refused SUMMARY-LIST "inputs.txt: fatal: [SUMMARY-LIST] 2 checked paths are not in the list: 'corpus/b/zipped.xml.gz', 'with space/m 1.xml'" \
        "--pipe: a report of another list" --files-from inputs.txt out/*.jsonl
    rm out/stray.jsonl
    head -n -1 inputs.txt >short.txt
    refused SUMMARY-LIST "1 checked path is not in the list: '$(tail -n 1 inputs.txt)'" \
        "--pipe: a path not listed" --files-from short.txt out/*.jsonl
    refused IO-READ "nolist.txt: fatal: [IO-READ] cannot read the list of files" \
        "--pipe: no list" --files-from nolist.txt out/*.jsonl
    rm -rf out && mkdir out
    parallel --will-cite "\"$bin\" validate --files-from inputs.txt --shard {}/3 --format jsonl >out/{}.jsonl" ::: 0 1 2
    "$bin" summary --format json out/*.jsonl >par2.json
    same walk-sum.json par2.json "GNU parallel --shard: merged report differs"
    "$bin" summary --format json --files-from inputs.txt out/*.jsonl >par2-list.json
    same par2.json par2-list.json "summary --files-from of --shard reports changes the merged report"
    # the same paths in another order: not the list the shards were cut from
    sort -r inputs.txt >reversed.txt
    refused SUMMARY-LIST "reversed.txt: fatal: [SUMMARY-LIST] the list differs: 'out/0.jsonl' is a shard of another list" \
        "--shard: another list" --files-from reversed.txt out/*.jsonl
    [ "$(grep -c SUMMARY- refused.err)" -eq 1 ] && ok || bad "--shard: another list: other findings"
fi

echo "batch: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
