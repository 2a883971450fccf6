#!/usr/bin/env bash
# reduce_dead.sh -- --reduce dead keeps every verdict, schedule, schedule count and outcome.
#
# usage: reduce_dead.sh WEFT DIR...
#
# For every model DIR/*.weft: 'weft check MODEL --reduce dead' must exit as 'weft check MODEL'
# does and print the same report but for what the reduction changes: the numbers of states,
# transitions and whole end states (the "states ..." line, the bracket "(N counting every
# variable)" after a final's values, "outcomes: N end states" and "runs forever: from N
# states"), the time line, and the line that
# names the reduction. The reduced report must be the same for -j 1 and -j 4, and for
# --fewest-preemptions --causes the reduced and the full reports must agree the same way. Then
# on every model where some local is dead somewhere the reduction must store fewer states than
# the full search, on at least one model (a reduction that resets nothing cannot pass). Fails
# when no model is found.
set -u

if [ $# -lt 2 ]; then
    echo "usage: reduce_dead.sh WEFT DIR..." >&2
    exit 2
fi
weft=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run NAME ARGS...: the report in $tmp/NAME.out, the exit status in $tmp/NAME.status.
run() {
    local name=$1
    shift
    "$weft" check "$@" >"$tmp/$name.out" 2>&1
    echo $? >"$tmp/$name.status"
}

# The report with what the reduction may change masked.
masked() {
    sed -E -e 's/^time [0-9.]+ s  rate [0-9]+ states\/s  memory .*$/time (masked)/' \
        -e 's/^states [0-9]+  transitions [0-9]+  depth [0-9]+$/states (masked)/' \
        -e 's/ \([0-9]+ counting every variable\)$//' \
        -e 's/^outcomes: [0-9]+ end states?/outcomes: N end states/' \
        -e 's/^runs forever: from [0-9]+ states?/runs forever: from N states/' \
        -e '/^reduction: /d' "$1"
}

states() {
    sed -n -E 's/^states ([0-9]+)  transitions.*/\1/p' "$1"
}

n_models=0
n_smaller=0
failed=0
for dir in "$@"; do
    for model in "$dir"/*.weft; do
        [ -f "$model" ] || continue
        n_models=$((n_models + 1))
        run full "$model" -j 1
        run dead "$model" -j 1 --reduce dead
        run dead4 "$model" -j 4 --reduce dead
        if ! diff -u <(masked "$tmp/full.out") <(masked "$tmp/dead.out") >"$tmp/diff" ||
            ! cmp -s "$tmp/full.status" "$tmp/dead.status"; then
            echo "FAIL: $model: --reduce dead changes the report (exit" \
                "$(cat "$tmp/dead.status"), without: $(cat "$tmp/full.status"))"
            head -n 40 "$tmp/diff"
            failed=1
        fi
        if ! diff -u <(masked "$tmp/dead.out") <(masked "$tmp/dead4.out") >"$tmp/diff" ||
            ! cmp -s "$tmp/dead.status" "$tmp/dead4.status"; then
            echo "FAIL: $model: --reduce dead differs between -j 4 and -j 1"
            head -n 40 "$tmp/diff"
            failed=1
        fi
        full=$(states "$tmp/full.out")
        dead=$(states "$tmp/dead.out")
        if [ -n "$full" ] && [ -n "$dead" ]; then
            if [ "$dead" -gt "$full" ]; then
                echo "FAIL: $model: --reduce dead stores $dead states, more than $full"
                failed=1
            elif [ "$dead" -lt "$full" ]; then
                n_smaller=$((n_smaller + 1))
            fi
        fi
        run afull "$model" -j 1 --fewest-preemptions --causes
        run adead "$model" -j 1 --fewest-preemptions --causes --reduce dead
        if ! diff -u <(masked "$tmp/afull.out") <(masked "$tmp/adead.out") >"$tmp/diff" ||
            ! cmp -s "$tmp/afull.status" "$tmp/adead.status"; then
            echo "FAIL: $model: --reduce dead changes --fewest-preemptions --causes"
            head -n 40 "$tmp/diff"
            failed=1
        fi
    done
done
if [ "$n_models" -eq 0 ]; then
    echo "FAIL: no model found in $*"
    exit 1
fi
if [ "$n_smaller" -eq 0 ]; then
    echo "FAIL: --reduce dead stored fewer states on none of $n_models models"
    exit 1
fi
echo "reduce_dead: $n_models models, $n_smaller with fewer states under --reduce dead"
exit $failed
