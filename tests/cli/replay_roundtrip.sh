#!/usr/bin/env bash
# replay_roundtrip.sh -- 'weft check --trace' then 'weft replay' must confirm the same violation.
#
# usage: replay_roundtrip.sh WEFT MODEL.weft WORKDIR
#
# For a model whose first violation is reported as "violation: TEXT", the trace written by
# --trace must replay with exit status 1 and the line "violation confirmed: TEXT", and its
# last "state:" line must be printed. For a model without violation, --trace writes nothing,
# says so on stderr, and the check exits 0.
#
# The same for 'weft simulate --runs 50 --trace': the shortest violating run's trace replays to the
# report's "violation: TEXT"; when no run violates, nothing is written and stderr says so.
set -u
if [ $# -ne 3 ]; then
    echo "usage: replay_roundtrip.sh WEFT MODEL.weft WORKDIR" >&2
    exit 2
fi
weft=$1
model=$2
workdir=$3
mkdir -p "$workdir"
base=$(basename "$model" .weft)
trace=$workdir/$base.trace.json
rm -f "$trace"

# simulate_roundtrip: weft simulate --runs 50 --trace, then replay; exits 1 on a failure
simulate_roundtrip() {
    local strace=$workdir/$base.simulate.json out report first rc replay_rc
    rm -f "$strace"
    report=$("$weft" simulate "$model" --runs 50 --trace "$strace" 2>"$workdir/$base.simulate.err")
    rc=$?
    first=$(grep -m 1 '^violation: ' <<<"$report")
    if [ -z "$first" ]; then
        if [ "$rc" != 0 ] || [ -e "$strace" ] ||
            ! grep -qx "weft: no violation: '$strace' not written" "$workdir/$base.simulate.err"; then
            echo "FAIL: $base: simulate: no violating run, yet exit $rc, a trace, or no note"
            exit 1
        fi
        return
    fi
    out=$("$weft" replay "$model" "$strace" 2>&1)
    replay_rc=$?
    if [ "$rc" != 1 ] || [ "$replay_rc" != 1 ] ||
        ! grep -qxF -- "violation confirmed: ${first#violation: }" <<<"$out"; then
        echo "FAIL: $base: simulate exited $rc; its trace did not replay to: $first"
        tail -n 5 <<<"$out"
        exit 1
    fi
}
simulate_roundtrip

report=$("$weft" check "$model" -j 1 --trace "$trace" 2>"$workdir/$base.check.err")
check_exit=$?
first=$(grep -m 1 '^violation: ' <<<"$report")
if [ -z "$first" ]; then
    if [ "$check_exit" != 0 ] || [ -e "$trace" ]; then
        echo "FAIL: $base: no violation, yet exit $check_exit or a trace file was written"
        exit 1
    fi
    if ! grep -qx "weft: no violation: '$trace' not written" "$workdir/$base.check.err"; then
        echo "FAIL: $base: no note that the trace was not written"
        exit 1
    fi
    echo "ok: $base: no violation, no trace"
    exit 0
fi
if [ ! -s "$trace" ]; then
    echo "FAIL: $base: check reported '$first' but wrote no trace"
    exit 1
fi
if ! jq -e '.format == "weft-trace" and .version == 1 and (.steps | length) >= 0' "$trace" >/dev/null; then
    echo "FAIL: $base: the trace is not a version 1 weft trace"
    exit 1
fi
out=$("$weft" replay "$model" "$trace" 2>&1)
replay_exit=$?
want="violation confirmed: ${first#violation: }"
if [ "$replay_exit" != 1 ] || ! grep -qxF -- "$want" <<<"$out"; then
    echo "FAIL: $base: replay exited $replay_exit; wanted exit 1 and the line:"
    echo "  $want"
    echo "--- weft replay $model $trace:"
    tail -n 5 <<<"$out"
    exit 1
fi
n_steps=$(jq '.steps | length' "$trace")
n_states=$(grep -c '^      state: ' <<<"$out")
if [ "$n_states" != "$n_steps" ]; then
    echo "FAIL: $base: replay printed $n_states states for $n_steps steps"
    exit 1
fi
echo "ok: $base: $want"
