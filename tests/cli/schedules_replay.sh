#!/usr/bin/env bash
# schedules_replay.sh -- 'weft check --schedules K FILE': K distinct schedules that each replay
# to a confirmed violation, the same file for -j 1 and -j 4.
#
# usage: schedules_replay.sh WEFT MODEL.weft K WORKDIR
#
# The file must hold exactly K JSON lines (the model has at least K violating schedules), no
# two alike in their steps; each line, saved alone, must make 'weft replay' exit 1 with
# "violation confirmed". FILE.tmp must not be left behind. A search cut by --max-states writes
# no file at all.
set -u
if [ $# -ne 4 ]; then
    echo "usage: schedules_replay.sh WEFT MODEL.weft K WORKDIR" >&2
    exit 2
fi
weft=$1
model=$2
k=$3
workdir=$4
mkdir -p "$workdir"
base=$(basename "$model" .weft)
out=$workdir/$base.schedules.jsonl
rm -f "$out" "$out.tmp"

for j in 1 4; do
    "$weft" check "$model" -j $j --quiet --schedules "$k" "$out.j$j" >/dev/null 2>&1
    if [ $? != 1 ] || [ ! -f "$out.j$j" ] || [ -e "$out.j$j.tmp" ]; then
        echo "FAIL: $base: --schedules $k with -j $j did not exit 1 with a whole file"
        exit 1
    fi
done
if ! cmp -s "$out.j1" "$out.j4"; then
    echo "FAIL: $base: --schedules differs between -j 1 and -j 4"
    diff "$out.j1" "$out.j4" | head -n 20
    exit 1
fi
n=$(wc -l <"$out.j1")
distinct=$(jq -c '[.steps[] | [.tid, .k]]' "$out.j1" | sort -u | wc -l)
if [ "$n" != "$k" ] || [ "$distinct" != "$k" ]; then
    echo "FAIL: $base: $n lines, $distinct distinct schedules; expected $k"
    exit 1
fi
for i in $(seq 1 "$n"); do
    sed -n "${i}p" "$out.j1" >"$workdir/$base.one.json"
    replay=$("$weft" replay "$model" "$workdir/$base.one.json" 2>&1)
    status=$?
    if [ $status != 1 ] || ! grep -q '^violation confirmed: ' <<<"$replay"; then
        echo "FAIL: $base: schedule $i does not replay to a violation (exit $status)"
        printf '%s\n' "$replay" | tail -n 5
        exit 1
    fi
done

# An incomplete search writes no file (an empty one would say no schedule violates), says so on
# stderr and keeps its exit status, 3.
cut=$workdir/$base.cut.jsonl
rm -f "$cut"
err=$("$weft" check "$model" --quiet --max-states 5 --schedules "$k" "$cut" 2>&1 >/dev/null)
status=$?
want="weft: search incomplete: '$cut' not written (the schedules need the whole state graph)"
if [ $status != 3 ] || [ -e "$cut" ] || [ -e "$cut.tmp" ] || [ "$err" != "$want" ]; then
    echo "FAIL: $base: --schedules after --max-states 5: exit $status, stderr '$err'," \
        "file $( [ -e "$cut" ] && echo written || echo absent); expected exit 3, '$want', no file"
    exit 1
fi
echo "ok: $base: $k distinct violating schedules, each replays; none written after a cut search"
