#!/usr/bin/env bash
# time_limit_check.sh -- --time-limit ends a search that would run for minutes with a partial
# report and exit status 3, given in seconds or with a unit (0.005m is 0.3 s: the report names
# the limit in seconds), with one worker and with two, and the JSON report says "time limit"; a
# value that is not a duration is refused with status 2. How soon it stops is not timed here
# (ctest's TIMEOUT bounds the whole test).
#
# usage: time_limit_check.sh WEFT BENCH_DIR
set -u
if [ $# -ne 2 ]; then
    echo "usage: time_limit_check.sh WEFT BENCH_DIR" >&2
    exit 2
fi
weft=$1
big=$2/counter_race.weft # N=5 ITERS=3: hundreds of millions of states
failed=0
fail() {
    echo "FAIL: $*"
    failed=1
}

for j in 1 2; do
    for limit in 0.3 0.005m; do
        out=$("$weft" check "$big" -D N=5 -D ITERS=3 -j "$j" --time-limit "$limit" 2>&1)
        status=$?
        [ "$status" = 3 ] || fail "-j $j --time-limit $limit exited $status, not 3"
        first=$(head -n 1 <<<"$out")
        [ "$first" = "search stopped: --time-limit 0.3 s reached; the result is partial" ] ||
            fail "-j $j --time-limit $limit: first line '$first'"
        [[ $(tail -n 1 <<<"$out") == *"counter_race.weft: incomplete (time limit)" ]] ||
            fail "-j $j --time-limit $limit: last line '$(tail -n 1 <<<"$out")'"
    done
done

# The JSON report of a search the limit stopped says so: its stop, and the verdict incomplete.
json=$("$weft" check "$big" -D N=5 -D ITERS=3 -j 2 --time-limit 0.3 --json - 2>/dev/null)
status=$?
[ "$status" = 3 ] || fail "--time-limit 0.3 --json - exited $status, not 3"
got=$(jq -r '.models[0] | "\(.verdict) \(.statistics.stop)"' <<<"$json")
[ "$got" = "incomplete time limit" ] || fail "--time-limit 0.3 --json -: '$got'"

for bad in 10x 0m m 1e400 -1s; do
    err=$("$weft" check "$big" --time-limit "$bad" 2>&1 >/dev/null)
    status=$?
    want="weft: invalid value '$bad' for --time-limit (expected a positive number of seconds, or of minutes, hours or days with the unit m, h or d: 30, 0.5, 10m, 2h)"
    [ "$status" = 2 ] || fail "--time-limit $bad exited $status, not 2"
    [ "$err" = "$want" ] || fail "--time-limit $bad: '$err'"
done

[ $failed = 0 ] && echo "ok: --time-limit stops at 0.3 s given as 0.3 or 0.005m, JSON says 'time limit'," \
    "and what is no duration is refused"
exit $failed
