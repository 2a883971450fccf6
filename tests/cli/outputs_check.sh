#!/usr/bin/env bash
# outputs_check.sh -- an output file that is the model itself is refused before anything is
# written: every output option of 'weft check', 'weft graph -o' and 'weft simulate --trace',
# given the model's own path (also spelt another way, or through a symbolic link), exits with
# status 2 and the message below, and leaves the model as it was. A plain output file next to it
# is still written; one in a directory that does not exist is refused before the search.
# An output that is not a regular file is written in place, never replaced by a rename: a
# symbolic link is written through (the link kept), a FIFO is written into (it stays a FIFO).
# '-' is stdout: the document alone there, the text report on stderr. A stdout that cannot be
# written is an error, exit status 2, and so is each output file on a full disk (/dev/full).
#
# usage: outputs_check.sh WEFT EXAMPLES_DIR
set -u
if [ $# -ne 2 ]; then
    echo "usage: outputs_check.sh WEFT EXAMPLES_DIR" >&2
    exit 2
fi
weft=$1
work=$(mktemp -d) || exit 2
trap 'rm -rf "$work"' EXIT
cp "$2/counter_race.weft" "$work/race.weft" || exit 2
cp "$work/race.weft" "$work/orig.weft"
ln -s race.weft "$work/link.weft"
cd "$work" || exit 2
failed=0

# expect_refused OPTION PATH ARGS...: 'weft ARGS' exits 2 with the message for OPTION and PATH
expect_refused() {
    local option=$1 path=$2
    shift 2
    local err status
    err=$("$weft" "$@" 2>&1 >/dev/null)
    status=$?
    local want="weft: $option '$path' is the model 'race.weft': writing it would destroy the model (choose another file)"
    if [ "$status" -ne 2 ] || [ "$err" != "$want" ]; then
        echo "FAIL: weft $*: exit $status, stderr '$err'; expected exit 2 and '$want'"
        failed=1
    fi
    if ! cmp -s race.weft orig.weft; then
        echo "FAIL: weft $*: the model was changed"
        failed=1
        cp orig.weft race.weft
    fi
}

expect_refused --json race.weft check race.weft --json race.weft
expect_refused --junit ./race.weft check race.weft --junit ./race.weft
expect_refused --trace "$work/race.weft" check race.weft --trace "$work/race.weft"
expect_refused --schedules race.weft check race.weft --schedules 3 race.weft
expect_refused --dot race.weft check race.weft -D N=2 -D ITERS=1 --dot race.weft
expect_refused --trace-dot race.weft check race.weft --trace-dot race.weft
expect_refused --json link.weft check race.weft --json link.weft
expect_refused -o race.weft graph race.weft -D N=2 -D ITERS=1 -o race.weft
expect_refused --trace race.weft simulate race.weft --seed 6 --trace race.weft
expect_refused --trace link.weft simulate race.weft --runs 5 --trace link.weft

# simulate --trace into a directory that does not exist: refused before the runs, as check's are.
err=$("$weft" simulate race.weft --seed 6 --trace no-such-dir/t.json 2>&1 >/dev/null)
status=$?
want="weft: --trace 'no-such-dir/t.json' cannot be written: no-such-dir: No such file or directory (checked before the runs)"
if [ "$status" -ne 2 ] || [ "$err" != "$want" ]; then
    echo "FAIL: simulate --trace no-such-dir/t.json: exit $status, stderr '$err'"
    failed=1
fi

# Another file is written as before.
"$weft" check race.weft --quiet --json report.json >/dev/null
status=$?
if [ "$status" -ne 1 ] || [ ! -s report.json ]; then
    echo "FAIL: weft check race.weft --json report.json: exit $status, or no report.json"
    failed=1
fi
# Through a symbolic link: the link stays, the file it names gets the report.
for option in --json --junit --trace --dot; do
    rm -f target.out link.out
    echo old >target.out
    ln -s target.out link.out
    "$weft" check race.weft -D N=2 -D ITERS=1 --quiet "$option" link.out >/dev/null 2>&1
    status=$?
    if [ "$status" -ne 1 ] || [ ! -L link.out ] || ! grep -q -e '"version"' -e '"models"' \
        -e '<testsuites' -e 'digraph' target.out; then
        echo "FAIL: weft check race.weft $option link.out: exit $status; the link or its file is wrong"
        ls -l link.out target.out
        failed=1
    fi
done

# Into a FIFO: the reader gets the whole report, the FIFO stays a FIFO.
rm -f fifo got.json
mkfifo fifo
timeout 20 cat fifo >got.json &
reader=$!
"$weft" check race.weft -D N=2 -D ITERS=1 --quiet --json fifo >/dev/null 2>&1
status=$?
wait "$reader"
if [ "$status" -ne 1 ] || [ ! -p fifo ] || [ "$(jq -r '.models[0].verdict' got.json)" != violation ]; then
    echo "FAIL: weft check race.weft --json fifo: exit $status; the FIFO or what it carried is wrong"
    failed=1
fi

# '-': stdout carries the document alone, stderr the text report.
"$weft" check race.weft -D N=2 -D ITERS=1 --json - >json.out 2>text.err
status=$?
if [ "$status" -ne 1 ] || [ "$(jq -r '.models[0].verdict' json.out)" != violation ] ||
    ! grep -q "^shortest schedule" text.err || ! grep -q "^race.weft: violation" text.err; then
    echo "FAIL: weft check race.weft --json -: exit $status, or stdout not the JSON alone"
    failed=1
fi
"$weft" check race.weft -D N=2 -D ITERS=1 --quiet --junit - >junit.out 2>/dev/null
if ! xmllint --noout junit.out 2>/dev/null || ! grep -q '<testsuites' junit.out; then
    echo "FAIL: weft check race.weft --junit -: stdout is not the JUnit document alone"
    failed=1
fi
"$weft" check race.weft -D N=2 -D ITERS=1 --quiet --schedules 2 - >schedules.out 2>/dev/null
if [ "$(jq -r '.format' schedules.out | sort -u)" != weft-trace ] || [ "$(wc -l <schedules.out)" -ne 2 ]; then
    echo "FAIL: weft check race.weft --schedules 2 -: stdout is not two JSON traces"
    failed=1
fi

# A stdout that cannot be written (a full disk: /dev/full): the error said once, with its
# reason, and exit status 2 whatever the verdict, for every command; a '-' document that fails
# is said as such, and not again at exit.
if [ -c /dev/full ]; then
    # expect_full WANT ARGS...: 'weft ARGS >/dev/full' exits 2, its stderr's 'weft:' lines WANT
    expect_full() {
        local want=$1
        shift
        local err status
        err=$("$weft" "$@" 2>&1 >/dev/full)
        status=$?
        err=$(printf '%s\n' "$err" | grep '^weft:')
        if [ "$status" -ne 2 ] || [ "$err" != "$want" ]; then
            echo "FAIL: weft $* >/dev/full: exit $status, stderr '$err'; expected exit 2 and '$want'"
            failed=1
        fi
    }
    full="weft: cannot write to standard output: No space left on device"
    expect_full "$full" check race.weft -D N=2 -D ITERS=1
    expect_full "$full" check race.weft -D N=2 -D ITERS=1 --quiet
    expect_full "weft: cannot write '-': No space left on device" check race.weft -D N=2 \
        -D ITERS=1 --json -
    expect_full "weft: cannot write '-': No space left on device" check race.weft -D N=2 \
        -D ITERS=1 --quiet --trace -
    expect_full "$full" graph race.weft -D N=2 -D ITERS=1 -o -
    expect_full "$full" simulate race.weft --seed 3
    expect_full "weft: cannot write to standard output" --help
    # ... and an output file on a full disk, written in place: said once, exit 2
    for out in "--json /dev/full" "--junit /dev/full" "--trace /dev/full" "--schedules 2 /dev/full" \
        "--trace-dot /dev/full" "--dot /dev/full"; do
        # shellcheck disable=SC2086  # the option and its words
        err=$("$weft" check race.weft -D N=2 -D ITERS=1 --quiet $out 2>&1 >/dev/null)
        status=$?
        if [ "$status" -ne 2 ] || [ "$err" != "weft: cannot write '/dev/full': No space left on device" ]; then
            echo "FAIL: weft check $out: exit $status, stderr '$err'"
            failed=1
        fi
    done
    err=$("$weft" simulate race.weft --seed 6 --trace /dev/full 2>&1 >/dev/null)
    status=$?
    if [ "$status" -ne 2 ] || [ "$err" != "weft: cannot write '/dev/full': No space left on device" ]; then
        echo "FAIL: weft simulate --trace /dev/full: exit $status, stderr '$err'"
        failed=1
    fi
fi

[ "$failed" -eq 0 ] && echo "outputs_check: every output naming the model refused, the model intact; links and FIFOs written in place; '-' is stdout alone"
exit "$failed"
