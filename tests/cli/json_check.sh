#!/usr/bin/env bash
# json_check.sh -- 'weft check --json' and '--trace' parsed back with jq, field by field.
#
# usage: json_check.sh WEFT EXAMPLES_DIR WORKDIR
#
# Checks the report of the counter race (a final), the lock-order deadlock, the unlock-not-held
# runtime error and a model that does not compile, all in one run, against docs/json.md; the
# report and the trace under --fewest-preemptions (the schedule the text shows), the points of no
# return (--causes); then the statements a model never runs.
set -u
if [ $# -ne 3 ]; then
    echo "usage: json_check.sh WEFT EXAMPLES_DIR WORKDIR" >&2
    exit 2
fi
weft=$1
examples=$2
workdir=$3
mkdir -p "$workdir"
json=$workdir/report.json
trace=$workdir/first.trace.json
bad=$workdir/broken.weft
printf 'shared x = 0\nthread t {\n    x = y\n}\n' >"$bad"
rm -f "$json" "$trace"
text=$("$weft" check -j 1 --expect-from-model --json "$json" --trace "$trace" \
    "$examples/counter_race.weft" "$examples/lock_order.weft" "$examples/unlock_not_held.weft" \
    2>"$workdir/json.err")
status=$?
failed=0
# check NAME JQ-EXPRESSION: the expression must be true of FILE.
check() {
    if ! jq -e "$2" "$3" >/dev/null; then
        echo "FAIL: $1: jq -e '$2' is not true"
        failed=1
    fi
}
[ "$status" = 0 ] || { echo "FAIL: exit status $status (every expectation is met: want 0)"; failed=1; }
states=$(sed -n 's/^states \([0-9]*\) .*/\1/p' <<<"$text" | head -n 1)
r=$json
check top '.schema == "weft-report" and .schema_version == 1 and .weft_version == "0.1.0"' $r
check top '.models | length == 3' $r
check top '[.models[] | .error] == [null, null, null]' $r
m='.models[0]'
check race "$m.file == \"$examples/counter_race.weft\" and $m.verdict == \"violation\"" $r
check race "$m.constants == {\"N\": 4, \"ITERS\": 2}" $r
check race "$m.expectation == {\"text\": \"violation final total\", \"met\": true}" $r
check race "$m.statistics.states == $states and $m.statistics.stop == \"complete\"" $r
check race "$m.statistics.depth == 16 and ($m.statistics.seconds | type) == \"number\"" $r
check race "$m.never_run == [] and $m.statistics.checked_depth == null" $r
check race "$m.statistics.max_preemptions == null and $m.statistics.held_steps == null" $r
check race "$m.statistics.dead_resets == null" $r
# every schedule: the counter race's exact counts, as the text report gives them
a="$m.analysis"
check analysis "$a.end_states == 3144 and $a.cyclic == false and $a.violating_states == 2808" $r
check analysis "$a.schedules == \"63063000\" and $a.violating_schedules == \"63060480\"" $r
check analysis "[$a.outcomes[] | .values.counter] == [2, 3, 4, 5, 6, 7, 8]" $r
check analysis "$a.outcomes[6] == {\"values\": {\"counter\": 8}, \"violates\": false, \"end_states\": 336, \"schedules\": \"2520\", \"violating_schedules\": \"0\"}" $r
check analysis "$a.outcomes[0].schedules == \"14371296\" and $a.outcomes[0].violates == true" $r
check analysis "$a.never_ending_states == 0 and .models[2].analysis.never_ending_states == null" $r
check race "($m.statistics.cpu_seconds | type) == \"number\" and $m.statistics.cpu_seconds >= 0" $r
v="$m.violations[0]"
check race "($m.violations | length) == 1 and $v.kind == \"final\" and $v.line == $v.property.line" $r
check race "$v.property == {\"kind\": \"final\", \"label\": \"total\", \"text\": \"counter == N * ITERS\", \"line\": $(jq "$v.property.line" $r)}" $r
check race "$v.values == [{\"text\": \"counter\", \"value\": 7}] and $v.message == null" $r
check race "$v.description == \"final 'total' (counter == N * ITERS) breaks with counter = 7\"" $r
s="$v.schedule"
check race "$s.length == 16 and ($s.steps | length) == 16 and $s.shortest == true and $s.preemptions == 2" $r
check race "$s.initial_state.shared == {\"counter\": 0} and ($s.initial_state.threads | length) == 4" $r
check race "$s.steps[0] | .step == 1 and .thread == \"worker[0]\" and .tid == 0 and .k == 0 and .label == \"read\" and .statement == \"tmp = counter\" and .changes == \"tmp = 0\" and .failure == null" $r
check race "$s.steps[0].state.threads[0] | .name == \"worker[0]\" and .status == \"running\" and .label == \"write\" and .locals == {\"tmp\": 0}" $r
check race "$s.steps[1].changes == \"counter = 1\" and $s.steps[1].state.shared.counter == 1" $r
check race "$s.steps[15].state.shared.counter == 7 and ([$s.steps[15].state.threads[].status] | unique) == [\"done\"]" $r
check race "[$s.steps[].step] == [range(1; 17)]" $r
m='.models[1]'
v="$m.violations[0]"
check deadlock "$m.verdict == \"violation\" and $v.kind == \"deadlock\" and $v.property == null and $v.values == []" $r
check deadlock "$v.description == \"deadlock: every unfinished thread is blocked\"" $r
check deadlock "$v.schedule.steps[-1].state.mutexes | (.a != null and .b != null)" $r
m='.models[2]'
v="$m.violations[0]"
check error "$v.kind == \"error\" and ($v.message | type) == \"string\" and $v.schedule.steps[-1].failure.message == $v.message" $r
check error "$v.schedule.steps[-1].failure.line == $v.line and $v.schedule.steps[-1].changes == \"-\"" $r
# The trace: the first violation of the run, the counter race's.
t=$trace
check trace '.format == "weft-trace" and .version == 1 and .model == "counter_race.weft"' $t
check trace '.constants == {"N": 4, "ITERS": 2} and .violation.kind == "final" and .violation.property == "total"' $t
check trace '(.steps | length) == 16 and .steps[0] == {"step": 1, "thread": "worker[0]", "tid": 0, "k": 0, "label": "read", "line": .steps[0].line, "statement": "tmp = counter", "preemption": false}' $t
if [ "$(jq -c '[.steps[] | .thread, .tid, .k]' $t)" != "$(jq -c "[$s.steps[] | .thread, .tid, .k]" $r)" ]; then
    echo "FAIL: trace: its steps are not the report's schedule"
    failed=1
fi
check race "$s.fewest_preemptions == false" $r
# --fewest-preemptions: the JSON report and the trace carry the schedule the text shows (one
# preemption, ending with counter = 6), not the shortest (two, counter = 7); replay confirms it.
rm -f "$json" "$trace"
text=$("$weft" check -j 2 --fewest-preemptions --json "$json" --trace "$trace" \
    "$examples/counter_race.weft" 2>/dev/null)
v='.models[0].violations[0]'
check fewest "$v.schedule | .fewest_preemptions == true and .shortest == false and .preemptions == 1 and .length == 16" $r
check fewest "$v.description == \"final 'total' (counter == N * ITERS) breaks with counter = 6\" and $v.values[0].value == 6" $r
check fewest "$v.schedule.steps[15].state.shared.counter == 6 and [$v.schedule.steps[].preemption] == [range(16) | . == 11]" $r
if ! grep -q '^schedule with fewest preemptions: 16 steps, 1 preemption$' <<<"$text"; then
    echo "FAIL: fewest: the text report shows another schedule"
    failed=1
fi
if [ "$(jq -c '[.steps[] | .tid, .k]' $trace)" != "$(jq -c "[$v.schedule.steps[] | .tid, .k]" $r)" ]; then
    echo "FAIL: fewest: the trace's steps are not the report's schedule"
    failed=1
fi
if ! "$weft" replay "$examples/counter_race.weft" "$trace" 2>&1 |
    grep -q "^violation confirmed: final 'total' (counter == N \* ITERS) breaks with counter = 6$"; then
    echo "FAIL: fewest: the trace does not replay to the fewest-preemption schedule's end"
    failed=1
fi
# ... and under --quiet too, which prints no report but writes the same schedule into the file
# (until 2026-12-07 --quiet skipped the analysis, and the file silently had the shortest one)
rm -f "$json"
"$weft" check -j 1 --quiet --fewest-preemptions --json "$json" "$examples/counter_race.weft" >/dev/null 2>&1
check fewest-quiet "$v.schedule | .fewest_preemptions == true and .length == 16 and .preemptions == 1" $r
"$weft" check -j 1 --quiet --fewest-preemptions --trace "$workdir/quiet-trace.json" \
    "$examples/counter_race.weft" >/dev/null 2>&1
if ! cmp -s "$trace" "$workdir/quiet-trace.json"; then
    echo "FAIL: fewest-quiet: --quiet's trace is not the one written without it"
    failed=1
fi
# --causes: the points of no return, as the text gives them; null without it. The two-worker race
# has one: the second worker's read, step 2 of a 4-step schedule with 2 preemptions.
rm -f "$json"
"$weft" check -j 1 --causes -D N=2 -D ITERS=1 --json "$json" "$examples/counter_race.weft" >/dev/null 2>&1
c='.models[0].analysis.causes'
check causes "$c.doomed == false and ($c.points | length) == 1" $r
check causes "$c.points[0] | .step == 2 and .thread == \"worker[1]\" and .tid == 1 and .label == \"read\" and .statement == \"tmp = counter\" and .violation == 0" $r
check causes "$c.points[0].schedule | .length == 4 and .preemptions == 2 and .steps[1].tid == 1 and .steps[3].state.shared.counter == 1" $r
check causes "$c.points[0].line == $c.points[0].schedule.steps[1].line" $r
doomed=$workdir/doomed.weft
printf 'shared x = 0\nthread t {\n    x = 1\n}\ninvariant x == 5\n' >"$doomed"
rm -f "$json"
"$weft" check -j 1 --causes --json "$json" "$doomed" >/dev/null 2>&1
check causes-doomed "$c == {\"doomed\": true, \"points\": []}" $r
rm -f "$json"
"$weft" check -j 1 --json "$json" "$doomed" >/dev/null 2>&1
check causes-not-asked "$c == null" $r
# A model that does not compile is in the report, without results.
rm -f "$json"
"$weft" check -j 1 --json "$json" "$bad" >/dev/null 2>&1
check model-error '.models[0] | .verdict == "model error" and .violations == [] and .statistics == null and .constants == null and .never_run == null' $r
check model-error ".models[0].error == \"$bad:3:9: error: unknown variable 'y' (did you mean 'x'?)\n    x = y\n        ^\"" $r
# Statements never run: listed after a complete search, null after an incomplete one.
dead=$workdir/dead.weft
printf 'shared x = 0\nthread t {\n    if x > 0 {\n        x = 2\n    }\n    await x == 1\n}\n' >"$dead"
rm -f "$json"
"$weft" check -j 1 --no-deadlock --json "$json" "$dead" >/dev/null 2>&1
check never-run '.models[0].never_run == [{"thread": "t", "line": 4, "statement": "x = 2", "why": "never reached"}, {"thread": "t", "line": 6, "statement": "await x == 1", "why": "always blocked"}]' $r
rm -f "$json"
"$weft" check -j 1 --max-states 1 --json "$json" "$dead" >/dev/null 2>&1
check never-run '.models[0].statistics.stop == "max states" and .models[0].never_run == null' $r
# A cut breadth first search says how many steps of every schedule it checked.
rm -f "$json"
"$weft" check -j 2 --max-states 100000 -D ITERS=3 --json "$json" "$examples/counter_race.weft" >/dev/null 2>&1
check checked-depth '.models[0].statistics.stop == "max states" and .models[0].statistics.checked_depth == 10' $r
# The preemption bound: the counter race needs one preemption; none finds nothing, partial.
rm -f "$json"
"$weft" check -j 2 --max-preemptions 0 --json "$json" "$examples/counter_race.weft" >/dev/null 2>&1
check bound-0 '.models[0] | .verdict == "incomplete" and .statistics.stop == "complete" and .statistics.max_preemptions == 0 and .statistics.held_steps == 180 and .statistics.states == 257 and .never_run == null' $r
rm -f "$json"
"$weft" check -j 2 --max-preemptions 1 --json "$json" "$examples/counter_race.weft" >/dev/null 2>&1
check bound-1 '.models[0] | .verdict == "violation" and .statistics.max_preemptions == 1 and .statistics.held_steps == 2232 and .violations[0].schedule.preemptions == 1' $r
# ... cut by a limit: the steps held back by then depend on -j (workers expand past the cut)
rm -f "$json"
"$weft" check -j 2 --max-preemptions 1 --max-states 1000 --json "$json" "$examples/counter_race.weft" >/dev/null 2>&1
check bound-cut '.models[0] | .statistics.stop == "max states" and .statistics.max_preemptions == 1 and .statistics.held_steps == null' $r
# --reduce dead: tmp reset at both reads and at the end (3 positions); 17,231 states and 7
# end states instead of 107,177 and 3,144, the same 63,063,000 schedules.
rm -f "$json"
"$weft" check -j 2 --reduce dead --json "$json" "$examples/counter_race.weft" >/dev/null 2>&1
check reduce-dead '.models[0] | .verdict == "violation" and .statistics.dead_resets == 3 and .statistics.states == 17231 and .analysis.schedules == "63063000" and .analysis.end_states == 7' $r
# The analysis: null under --quiet, unless --outcomes or --causes asks for it (then the same as
# without --quiet); a spin loop nobody ends counted as never-ending states.
rm -f "$json"
"$weft" check -j 1 --quiet --json "$json" "$examples/counter_race.weft" >/dev/null 2>&1
check analysis-quiet '.models[0].analysis == null' $r
rm -f "$json"
"$weft" check -j 1 --quiet --outcomes counter --json "$json" "$examples/counter_race.weft" >/dev/null 2>&1
check analysis-quiet-outcomes '.models[0].analysis | .schedules == "63063000" and ([.outcomes[].values.counter] | sort) == [2, 3, 4, 5, 6, 7, 8]' $r
rm -f "$json"
"$weft" check -j 1 --quiet --causes -D N=2 -D ITERS=1 --json "$json" "$examples/counter_race.weft" >/dev/null 2>&1
check analysis-quiet-causes '.models[0].analysis.causes | (.points | length) == 1 and .points[0].step == 2' $r
spin=$workdir/spin.weft
printf 'shared flag = 0\nshared x = 0\nthread a {\n    while flag == 0 {\n        skip\n    }\n    x = 1\n}\nthread b {\n    skip\n}\nfinal fin: x == 1\n' >"$spin"
rm -f "$json"
"$weft" check -j 1 --json "$json" "$spin" >/dev/null 2>&1
check analysis-forever '.models[0].analysis | .cyclic == true and .schedules == null and .end_states == 0 and .outcomes == [] and .never_ending_states == 4' $r
# A bad --outcomes and a file that cannot be read are in the report too, each with its message.
rm -f "$json"
"$weft" check -j 1 --json "$json" --outcomes nosuch "$examples/counter_race.weft" "$workdir/nonexistent.weft" >/dev/null 2>&1
check outcomes-error "(.models | length) == 2 and .models[0].verdict == \"model error\" and .models[0].error == \"$examples/counter_race.weft: --outcomes: cannot group by 'nosuch' (no such shared variable)\"" $r
check unreadable ".models[1].verdict == \"unreadable\" and .models[1].error == \"cannot open '$workdir/nonexistent.weft': No such file or directory\"" $r
if [ $failed = 1 ]; then
    exit 1
fi
echo "ok: JSON report and trace"
