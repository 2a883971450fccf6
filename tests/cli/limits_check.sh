#!/usr/bin/env bash
# limits_check.sh -- weft under the process limits of ulimit: a refused worker thread and a
# small address space end in a clear message and the right exit status, never a hang or a crash.
#
# usage: limits_check.sh WEFT EXAMPLES_DIR BENCH_DIR
#
# 1. 'ulimit -s' of 2 GB makes each thread's stack 2 GB, and 'ulimit -v' of 3 GB leaves room for
#    one: 'weft check -j 4' starts one worker, says on stderr that the next could not start, and
#    reports exactly what '-j 1' reports (every -j gives the same report).
# 2. 'ulimit -v' of 400 MB: the default --max-memory is a quarter of it, 102400000 bytes, so a
#    one-thread search of tens of millions of states stops there with exit status 3 (--quiet:
#    the schedule counts after an incomplete search would need room of their own).
# Not run under the sanitizers, whose shadow memory needs more address space than any limit here.
set -u
if [ $# -ne 3 ]; then
    echo "usage: limits_check.sh WEFT EXAMPLES_DIR BENCH_DIR" >&2
    exit 2
fi
weft=$1
race=$2/counter_race.weft
big=$3/counter_race.weft
failed=0
mask='s/^time [0-9.]+ s  rate [0-9]+ states\/s  memory .*$/time (masked)/'
fail() {
    echo "FAIL: $*"
    failed=1
}

one=$(
    "$weft" check "$race" -j 1 | sed -E "$mask"
    exit "${PIPESTATUS[0]}"
)
one_status=$?
err=$(mktemp) || exit 2
trap 'rm -f "$err"' EXIT
four=$(
    ulimit -v 3000000 -s 2000000 || exit 99
    "$weft" check "$race" -j 4 2>"$err" | sed -E "$mask"
    exit "${PIPESTATUS[0]}"
)
four_status=$?
[ "$four_status" = 99 ] && { echo "skip: this shell cannot set ulimit -v and -s"; exit 0; }
[ "$four_status" = "$one_status" ] || fail "-j 4 with a refused thread exited $four_status, -j 1 $one_status"
[ "$four" = "$one" ] || fail "-j 4 with a refused thread reported otherwise than -j 1"
msg_re='^weft: cannot start worker thread [0-9] of 4 \(.+\): searching with [0-9]$'
[[ $(cat "$err") =~ $msg_re ]] || fail "stderr of -j 4 with a refused thread: '$(cat "$err")'"

out=$(
    ulimit -v 400000
    "$weft" check "$big" -D N=5 -D ITERS=3 -j 1 --quiet 2>&1
)
status=$?
[ "$status" = 3 ] || fail "a search bigger than a quarter of ulimit -v exited $status, not 3"
[[ $out == *"counter_race.weft: incomplete (max memory)"* ]] ||
    fail "a search bigger than a quarter of ulimit -v did not end incomplete: $out"

[ $failed = 0 ] && echo "ok: a refused thread and a small address space end cleanly"
exit $failed
