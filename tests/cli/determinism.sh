#!/usr/bin/env bash
# determinism.sh -- the report of weft check is the same for every -j, and --compact agrees.
#
# usage: determinism.sh WEFT DIR...
#
# For every model DIR/*.weft: 'weft check MODEL -j N' for N = 1, 2, 4, 8 must print the same
# report byte for byte (the "time ... memory ..." line masked) and exit with the same status;
# 'weft check MODEL --compact -j 2' must give the same verdicts, violations, schedules and
# counts (its report lacks only the outcome and schedule analyses, which need every state, and
# adds the line on hash compaction); 'weft check MODEL --fewest-preemptions --causes' must be
# the same for -j 1 and -j 4, and so must 'weft check MODEL --max-preemptions 1', and the files
# of --json, --trace, --schedules, --junit and --dot (seconds, memory and times masked). On a
# mismatch the diff is printed. Fails when no model is found, so a lost directory cannot pass quietly.
set -u

if [ $# -lt 2 ]; then
    echo "usage: determinism.sh WEFT DIR..." >&2
    exit 2
fi
weft=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mask='s/^time [0-9.]+ s  rate [0-9]+ states\/s  memory .*$/time (masked)/'

# run NAME ARGS...: the masked report in $tmp/NAME.out, the exit status in $tmp/NAME.status.
run() {
    local name=$1
    shift
    "$weft" check "$@" >"$tmp/$name.out" 2>&1
    echo $? >"$tmp/$name.status"
    sed -E -i "$mask" "$tmp/$name.out"
}

# The report without what --compact cannot or does not print: the outcome and schedule
# analyses (an "outcomes:" or "schedules:" line and the indented lines under it, and "... fails
# in ... end states" lines) and the hash compaction line.
core() {
    awk '/^outcomes:|^schedules:/ { skip = 1; next } !/^  / { skip = 0 }
         !skip && !/ fails in [0-9]+ end state/ && !/^hash compaction:/' "$1"
}

n_models=0
failed=0
for dir in "$@"; do
    for model in "$dir"/*.weft; do
        [ -f "$model" ] || continue
        n_models=$((n_models + 1))
        run j1 "$model" -j 1
        for j in 2 4 8; do
            run "j$j" "$model" -j "$j"
            if ! cmp -s "$tmp/j1.out" "$tmp/j$j.out" ||
                ! cmp -s "$tmp/j1.status" "$tmp/j$j.status"; then
                echo "FAIL: $model: -j $j differs from -j 1 (exit $(cat "$tmp/j$j.status")," \
                    "-j 1: $(cat "$tmp/j1.status"))"
                diff -u "$tmp/j1.out" "$tmp/j$j.out" | head -n 40
                failed=1
            fi
        done
        # The analyses of issue 4 (fewest-preemption schedules, points of no return) too.
        run a1 "$model" -j 1 --fewest-preemptions --causes
        run a4 "$model" -j 4 --fewest-preemptions --causes
        if ! cmp -s "$tmp/a1.out" "$tmp/a4.out" || ! cmp -s "$tmp/a1.status" "$tmp/a4.status"; then
            echo "FAIL: $model: --fewest-preemptions --causes differs between -j 4 and -j 1"
            diff -u "$tmp/a1.out" "$tmp/a4.out" | head -n 40
            failed=1
        fi
        # The preemption bound (--max-preemptions), its counts and its partial result too.
        run b1 "$model" -j 1 --max-preemptions 1
        run b4 "$model" -j 4 --max-preemptions 1
        if ! cmp -s "$tmp/b1.out" "$tmp/b4.out" || ! cmp -s "$tmp/b1.status" "$tmp/b4.status"; then
            echo "FAIL: $model: --max-preemptions 1 differs between -j 4 and -j 1"
            diff -u "$tmp/b1.out" "$tmp/b4.out" | head -n 40
            failed=1
        fi
        # The files written: the same at -j 1 and -j 4, byte for byte, but the JSON report's
        # seconds and memory and JUnit's times (a file not written must be missing for both).
        for j in 1 4; do
            rm -rf "$tmp/files$j" && mkdir "$tmp/files$j"
            run "f$j" "$model" -j "$j" --json "$tmp/files$j/report.json" \
                --trace "$tmp/files$j/trace.json" --schedules 3 "$tmp/files$j/schedules.jsonl" \
                --junit "$tmp/files$j/junit.xml" --dot "$tmp/files$j/graph.dot" \
                --dot-max-states 200000
            if [ -f "$tmp/files$j/report.json" ]; then
                jq 'del(.models[].statistics.seconds, .models[].statistics.cpu_seconds,
                        .models[].statistics.memory_bytes)' "$tmp/files$j/report.json" \
                    >"$tmp/files$j/report.masked" && rm "$tmp/files$j/report.json"
            fi
            [ -f "$tmp/files$j/junit.xml" ] &&
                sed -E -i 's/ time="[0-9.]+"/ time=""/g' "$tmp/files$j/junit.xml"
        done
        if ! diff -r "$tmp/files1" "$tmp/files4" >"$tmp/diff" ||
            ! cmp -s "$tmp/f1.status" "$tmp/f4.status"; then
            echo "FAIL: $model: the files of --json, --trace, --schedules, --junit or --dot differ" \
                "between -j 4 and -j 1"
            head -c 3000 "$tmp/diff"
            failed=1
        fi
        run compact "$model" --compact -j 2
        if ! diff -u <(core "$tmp/j1.out") <(core "$tmp/compact.out") >"$tmp/diff" ||
            ! cmp -s "$tmp/j1.status" "$tmp/compact.status"; then
            echo "FAIL: $model: --compact differs from the full search"
            head -n 40 "$tmp/diff"
            failed=1
        fi
        if ! grep -q '^hash compaction: 64-bit fingerprints' "$tmp/compact.out"; then
            echo "FAIL: $model: --compact does not print the omission probability"
            failed=1
        fi
    done
done
if [ $n_models = 0 ]; then
    echo "FAIL: no model in $*"
    exit 1
fi
[ $failed = 0 ] && echo "ok: $n_models models give the same report with -j 1, 2, 4, 8, with" \
    "--fewest-preemptions --causes and --max-preemptions 1 at -j 1 and 4, the same files at" \
    "-j 1 and 4, and with --compact"
exit $failed
