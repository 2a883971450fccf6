#!/usr/bin/env bash
# junit_check.sh -- 'weft check --junit' validates against junit-10.xsd and says the right thing.
#
# usage: junit_check.sh WEFT MODELS_DIR EXAMPLES_DIR WORKDIR
#
# 1. Every model of models/ and shared/examples/ with --expect-from-model: a valid document, a
#    testsuite per model, no failure (every expectation is met), exit 0.
# 2. The counter race without expectation: its test cases by name, one failure for 'total'
#    whose text holds the schedule (with --fewest-preemptions, that one), exit 1. 3. A model
#    error is a testsuite with an <error>. 4. Under --first, what was not found broken is
#    skipped. 5. A final that passes while some schedules never end says so in its <system-out>.
# 6. An expectation not met (--expect, --expect-from-model) fails its 'expect:' test case, whose
#    message says what the search found instead. 7. A model named with '"', '<', '&' and '>'.
set -u
if [ $# -ne 4 ]; then
    echo "usage: junit_check.sh WEFT MODELS_DIR EXAMPLES_DIR WORKDIR" >&2
    exit 2
fi
weft=$1
models=$2
examples=$3
workdir=$4
xsd=$(cd "$(dirname "$0")" && pwd)/junit-10.xsd
mkdir -p "$workdir"
xml=$workdir/report.xml
failed=0
fail() {
    echo "FAIL: $*"
    failed=1
}
xpath() {
    xmllint --xpath "$1" "$xml" 2>/dev/null
}
valid() {
    xmllint --noout --schema "$xsd" "$xml" 2>"$workdir/xmllint.err" ||
        fail "$1: $xml does not validate: $(cat "$workdir/xmllint.err")"
}

rm -f "$xml"
"$weft" check -j 1 --quiet --expect-from-model --junit "$xml" "$models"/*.weft "$examples"/*.weft \
    >/dev/null 2>&1
status=$?
n_models=$(ls "$models"/*.weft "$examples"/*.weft | wc -l)
[ "$status" = 0 ] || fail "all models: exit status $status, want 0"
valid "all models"
[ "$(xpath 'count(/testsuites/testsuite)')" = "$n_models" ] || fail "all models: not $n_models testsuites"
[ "$(xpath 'count(//failure)')" = 0 ] || fail "all models: failures in $xml"
[ "$(xpath 'string(/testsuites/@failures)')" = 0 ] || fail "all models: testsuites/@failures is not 0"
[ "$(xpath 'count(//testcase[starts-with(@name, "expect: ")])')" = "$n_models" ] ||
    fail "all models: not one 'expect:' test case per model"

rm -f "$xml"
"$weft" check -j 1 --quiet --junit "$xml" "$examples/counter_race.weft" >/dev/null 2>&1
status=$?
[ "$status" = 1 ] || fail "counter race: exit status $status, want 1"
valid "counter race"
names=$(xpath '//testcase/@name' | tr -s ' \n' ' ')
[ "$names" = " name=\"final 'total'\" name=\"deadlock\" " ] || fail "counter race: test cases are [$names]"
[ "$(xpath 'string(//testsuite/@tests)') $(xpath 'string(//testsuite/@failures)')" = "2 1" ] ||
    fail "counter race: testsuite counts"
[ "$(xpath 'string(//testcase[@name="final '"'"'total'"'"'"]/failure/@type)')" = final ] ||
    fail "counter race: no failure of type final for 'total'"
xpath 'string(//failure)' | grep -q '^shortest schedule: 16 steps' || fail "counter race: no schedule in the failure text"
[ "$(xpath 'string(//property[@name="N"]/@value)')" = 4 ] || fail "counter race: no property N = 4"
# With --fewest-preemptions the failure holds the schedule the text report shows.
rm -f "$xml"
"$weft" check -j 1 --fewest-preemptions --junit "$xml" "$examples/counter_race.weft" >/dev/null 2>&1
valid "counter race, fewest preemptions"
xpath 'string(//failure)' | grep -q "^violation: final 'total' (counter == N \* ITERS) breaks with counter = 6" ||
    fail "counter race, fewest preemptions: not the header of the schedule shown"
xpath 'string(//failure)' | grep -q '^schedule with fewest preemptions: 16 steps, 1 preemption$' ||
    fail "counter race, fewest preemptions: not the fewest-preemption schedule"

rm -f "$xml"
printf 'shared x = 0\nthread t {\n    assert x == 1\n}\n' >"$workdir/assert.weft"
printf 'thread t {\n    x = 1\n}\n' >"$workdir/broken.weft"
"$weft" check -j 1 --quiet --junit "$xml" "$workdir/assert.weft" "$workdir/broken.weft" >/dev/null 2>&1
status=$?
[ "$status" = 2 ] || fail "assert + model error: exit status $status, want 2"
valid "assert + model error"
[ "$(xpath 'string(//testsuite[1]/testcase[2]/@name)')" = "assert at line 3" ] || fail "no 'assert at line 3' test case"
[ "$(xpath 'string(//testsuite[1]/testcase[2]/failure/@type)')" = assert ] || fail "the assert does not fail"
[ "$(xpath 'string(//testsuite[2]/testcase/error/@type)')" = "model error" ] || fail "the model error is no <error>"
msg="$workdir/broken.weft:2:5: error: unknown variable 'x' (declare it: 'shared x = 0' above the thread, or 'local x = 0' at the thread's top)"
[ "$(xpath 'string(//testsuite[2]/testcase/error/@message)')" = "$msg" ] ||
    fail "the model error's message is not the compiler's first line"
[ "$(xpath 'string(//testsuite[2]/testcase/error)')" = "$msg
    x = 1
    ^" ] || fail "the model error's text is not the compiler's message with its caret"
[ "$(xpath 'string(/testsuites/@errors)')" = 1 ] || fail "testsuites/@errors is not 1"

# --first stops the search: what it did not find broken is skipped, not passed.
rm -f "$xml"
"$weft" check -j 1 --quiet --first --junit "$xml" "$examples/counter_race.weft" >/dev/null 2>&1
valid "--first"
[ "$(xpath 'count(//testcase[@name="deadlock"]/skipped)')" = 1 ] || fail "--first: the deadlock case is not skipped"

# A final that passes only because some schedules never end says so in its test case.
rm -f "$xml"
spin=$workdir/spin.weft
printf 'shared flag = 0\nshared x = 0\nthread a {\n    while flag == 0 {\n        skip\n    }\n    x = 1\n}\nthread b {\n    skip\n}\nfinal fin: x == 1\n' >"$spin"
"$weft" check -j 1 --junit "$xml" "$spin" >/dev/null 2>&1
status=$?
[ "$status" = 0 ] || fail "spin loop: exit status $status, want 0"
valid "spin loop"
[ "$(xpath 'string(//testcase[@name="final '"'"'fin'"'"'"]/system-out)')" = "runs forever: from 4 states no schedule can end, so this final is not checked on them" ] ||
    fail "spin loop: the final's test case does not say it runs forever"
[ "$(xpath 'count(//testcase[@name="deadlock"]/system-out)')" = 0 ] || fail "spin loop: a note on the deadlock case"

# An expectation not met is a failure of its 'expect:' test case, which says what was found.
# expect_case ARGS... STATUS MESSAGE: 'weft check --junit ARGS' exits STATUS, and the 'expect:'
# case's one failure has type expect and this message.
expect_case() {
    local message=${*: -1} want=${*: -2:1}
    rm -f "$xml"
    "$weft" check -j 1 --quiet --junit "$xml" "${@:1:$#-2}" >/dev/null 2>&1
    local status=$?
    [ "$status" = "$want" ] || fail "expect ${*:1:$#-2}: exit status $status, want $want"
    valid "expect ${*:1:$#-2}"
    [ "$(xpath 'count(//testcase[starts-with(@name, "expect: ")]/failure[@type="expect"])')" = 1 ] ||
        fail "expect ${*:1:$#-2}: no failure of type expect"
    [ "$(xpath 'string(//testcase[starts-with(@name, "expect: ")]/failure/@message)')" = "$message" ] ||
        fail "expect ${*:1:$#-2}: message '$(xpath 'string(//failure[@type="expect"]/@message)')'"
}
expect_case --expect ok "$examples/counter_race.weft" 1 "expected ok, got a violation"
expect_case --expect violation "$examples/counter_lock.weft" 1 "expected violation, got no violation"
expect_case --expect ok --max-states 10 "$examples/counter_race.weft" 3 \
    "expected ok, got an incomplete search"
wrong=$workdir/wrong-expect.weft
{ echo "# expect: violation deadlock"; grep -v '^# expect:' "$examples/counter_race.weft"; } >"$wrong"
expect_case --expect-from-model "$wrong" 1 "expected violation deadlock, got other violations"

# A model whose name holds what XML escapes: the document validates, the name comes back whole.
odd=$workdir/'we"i<&>.weft'
cp "$examples/counter_race.weft" "$odd"
rm -f "$xml"
"$weft" check -j 1 --quiet --expect violation --junit "$xml" "$odd" >/dev/null 2>&1
valid "an odd name"
[ "$(xpath 'string(/testsuites/testsuite/@name)')" = "$odd" ] ||
    fail "an odd name: the testsuite is named '$(xpath 'string(/testsuites/testsuite/@name)')'"

[ $failed = 0 ] && echo "ok: JUnit reports validate and say what happened"
exit $failed
