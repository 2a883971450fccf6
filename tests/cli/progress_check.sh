#!/usr/bin/env bash
# progress_check.sh -- --progress draws a line on stderr during a long search and erases it.
#
# usage: progress_check.sh WEFT MODELS_DIR
#
# A search of about a million states (a second or more) with '--progress always' must redraw
# "searching: N states  R states/s  frontier F  depth D  memory M MiB" in place ('\r' + erase line) and end
# with an erase; the same search under '--progress auto' into a pipe writes nothing on stderr.
# The same for the runs of 'weft simulate --time-limit' ("simulating: N runs  R runs/s  V violate").
set -u
if [ $# -ne 2 ]; then
    echo "usage: progress_check.sh WEFT MODELS_DIR" >&2
    exit 2
fi
weft=$1
model=$2/counter_race.weft
args=(check "$model" -D ITERS=3 --max-states 1000000 --quiet)
failed=0
err=$("$weft" "${args[@]}" --progress always 2>&1 >/dev/null)
line_re=$'\r\e\\[Ksearching: [0-9]+ states  [0-9]+ states/s  frontier [0-9]+  depth [0-9]+  memory [0-9.]+ MiB'
if ! [[ $err =~ $line_re ]]; then
    echo "FAIL: --progress always: no progress line on stderr"
    failed=1
fi
if [[ $err != *$'\r\e[K' ]]; then
    echo "FAIL: --progress always: the line is not erased at the end"
    failed=1
fi
if [ -n "$("$weft" "${args[@]}" 2>&1 >/dev/null)" ]; then
    echo "FAIL: --progress auto wrote on stderr, which is a pipe"
    failed=1
fi
if [ -n "$("$weft" "${args[@]}" --progress never 2>&1 >/dev/null)" ]; then
    echo "FAIL: --progress never wrote on stderr"
    failed=1
fi
# weft simulate's runs: "simulating: N runs  R runs/s  V violate", erased at the end
sim=(simulate "$model" --time-limit 0.6)
err=$("$weft" "${sim[@]}" --progress always 2>&1 >/dev/null)
sim_re=$'\r\e\\[Ksimulating: [0-9]+ runs  [0-9]+ runs/s  [0-9]+ violate'
if ! [[ $err =~ $sim_re ]] ||
    [[ $err != *$'\r\e[K' ]]; then
    echo "FAIL: simulate --progress always: no progress line on stderr, or not erased"
    failed=1
fi
if [ -n "$("$weft" "${sim[@]}" 2>&1 >/dev/null)" ]; then
    echo "FAIL: simulate --progress auto wrote on stderr, which is a pipe"
    failed=1
fi
[ $failed = 0 ] && echo "ok: progress line drawn, erased, and only when asked"
exit $failed
