#!/usr/bin/env bash
# replay_roundtrip.sh -- 'weft check --trace' then 'weft replay' must confirm the same violation.
#
# usage: replay_roundtrip.sh WEFT MODEL.weft WORKDIR
#
# For a model whose first violation is reported as "violation: TEXT", the trace written by
# --trace must replay with exit status 1 and the line "violation confirmed: TEXT", and its
# last "state:" line must be printed. For a model without violation, --trace writes nothing,
# says so on stderr, and the check exits 0.
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
