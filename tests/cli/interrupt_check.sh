#!/usr/bin/env bash
# interrupt_check.sh -- Ctrl-C (SIGINT) or SIGTERM during 'weft check' stops the search as a
# limit does: the partial report ("search stopped: interrupted; the result is partial",
# "incomplete (interrupted)"), the --json and --junit files written whole, exit status 3; with
# a violation found before it, the violation and exit status 1. A model named after the
# interrupted one is not searched past its initial state. With one worker and with two. A
# SIGINT that weft was started ignoring stays ignored. 'weft simulate --runs' stops starting
# runs and reports those made. The signal is sent once the progress line shows the search
# running; how soon it stops is not timed here (ctest's TIMEOUT bounds the whole test).
#
# usage: interrupt_check.sh WEFT BENCH_DIR EXAMPLES_DIR
set -u
if [ $# -ne 3 ]; then
    echo "usage: interrupt_check.sh WEFT BENCH_DIR EXAMPLES_DIR" >&2
    exit 2
fi
weft=$1
big=$2/counter_race.weft # N=6 ITERS=3: billions of states, hours of search
small=$3/counter_lock.weft
work=$(mktemp -d) || exit 2
trap 'rm -rf "$work"' EXIT
failed=0
fail() {
    echo "FAIL: $*"
    failed=1
}

# signal_running SIGNAL PATTERN COMMAND...: COMMAND in the background, sent SIGNAL once its
# stderr (the progress line) matches PATTERN; sets $status, $out (stdout) and $err (stderr).
signal_running() {
    local sig=$1 pattern=$2
    shift 2
    rm -f "$work/out" "$work/err"
    "$@" >"$work/out" 2>"$work/err" &
    local pid=$! i
    for ((i = 0; i < 600; i++)); do # up to 60 s under the sanitizers
        grep -q "$pattern" "$work/err" 2>/dev/null && break
        sleep 0.1
    done
    kill "-$sig" "$pid"
    wait "$pid"
    status=$?
    out=$(cat "$work/out")
    err=$(tr '\r' '\n' <"$work/err")
}

# run_interrupted SIGNAL ARGS...: 'weft check ARGS', sent SIGNAL once its progress line shows a
# state count. A background job of a script starts with SIGINT ignored, which weft keeps: env
# gives it the default, as a terminal's command has. --time-limit: a search the signal does not
# stop ends anyway, and fails the checks below.
run_interrupted() {
    local sig=$1
    shift
    signal_running "$sig" 'searching: [0-9]* states' env --default-signal=INT "$weft" check "$@" \
        --progress always --time-limit 30
}

for j in 1 2; do
    for sig in INT TERM; do
        what="-j $j, SIG$sig"
        rm -f "$work/r.json" "$work/r.xml"
        run_interrupted "$sig" "$big" -D N=6 -D ITERS=3 -j "$j" --json "$work/r.json" \
            --junit "$work/r.xml"
        [ "$status" = 3 ] || fail "$what: exit $status, not 3; stderr: $err"
        [ "$(head -n 1 <<<"$out")" = "search stopped: interrupted; the result is partial" ] ||
            fail "$what: first line '$(head -n 1 <<<"$out")'"
        [[ $(tail -n 1 <<<"$out") == *"counter_race.weft: incomplete (interrupted)" ]] ||
            fail "$what: last line '$(tail -n 1 <<<"$out")'"
        [ "$(jq -r '.models[0].verdict + " " + .models[0].statistics.stop' "$work/r.json")" = \
            "incomplete interrupted" ] || fail "$what: --json verdict or stop wrong"
        grep -q '<skipped message="search incomplete: not found, not proven"/>' "$work/r.xml" ||
            fail "$what: --junit has no skipped case"
        [ -z "$(ls "$work" | grep '\.tmp$')" ] || fail "$what: a .tmp file was left"
    done
done

# A violation found before the interrupt is real: reported, exit status 1.
{ cat "$big" && echo "invariant early: counter < 1"; } >"$work/early.weft"
run_interrupted INT "$work/early.weft" -D N=6 -D ITERS=3
[ "$status" = 1 ] || fail "early violation: exit $status, not 1"
grep -q "^violation: invariant 'early' (counter < 1) breaks with counter = 1" <<<"$out" ||
    fail "early violation: not reported"
[[ $(tail -n 1 <<<"$out") == *"early.weft: violation (invariant 'early'; search incomplete: interrupted)" ]] ||
    fail "early violation: last line '$(tail -n 1 <<<"$out")'"

# The model after the interrupted one: its initial state only.
for j in 1 2; do
    run_interrupted INT "$big" "$small" -D N=6 -D ITERS=3 -j "$j"
    [ "$status" = 3 ] || fail "two models, -j $j: exit $status, not 3"
    grep -q "^states 1  transitions 0  depth 0" <<<"$out" ||
        fail "two models, -j $j: the second searched on"
    [[ $(tail -n 1 <<<"$out") == *"counter_lock.weft: incomplete (interrupted)" ]] ||
        fail "two models, -j $j: last line '$(tail -n 1 <<<"$out")'"
done

# A SIGINT weft was started ignoring (a script's background job, nohup) stays ignored: the
# search goes on to its --time-limit.
signal_running INT 'searching: [0-9]* states' env --ignore-signal=INT "$weft" check "$big" \
    -D N=6 -D ITERS=3 --progress always --time-limit 2
[ "$status" = 3 ] || fail "ignored SIGINT: exit $status, not 3"
[ "$(head -n 1 "$work/out")" = "search stopped: --time-limit 2 s reached; the result is partial" ] ||
    fail "ignored SIGINT: first line '$(head -n 1 "$work/out")'"

# weft simulate --runs: no run more; the runs made reported, exit status 1 (they violate).
signal_running INT 'simulating: [0-9]* runs' env --default-signal=INT "$weft" simulate "$big" \
    -D N=6 --runs 1000000000 --progress always
[ "$status" = 1 ] || fail "simulate: exit $status, not 1"
last=$(tail -n 1 "$work/out")
[[ $last =~ ^interrupted:\ no\ run\ more\ after\ ([0-9]+)$ ]] || fail "simulate: last line '$last'"
grep -q "^simulation of .*: ${BASH_REMATCH[1]} runs, seeds 1 to ${BASH_REMATCH[1]}: " "$work/out" ||
    fail "simulate: the first line does not count ${BASH_REMATCH[1]} runs"

[ "$failed" -eq 0 ] &&
    echo "interrupt_check: SIGINT and SIGTERM stop the search with a partial report and exit 3 (1 with a violation), at -j 1 and -j 2; simulate stops its runs"
exit "$failed"
