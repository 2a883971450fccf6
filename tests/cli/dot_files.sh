#!/usr/bin/env bash
# dot_files.sh -- the pictures weft writes to files, fed to the real Graphviz 'dot'.
#
# usage: dot_files.sh WEFT CLI_DIR EXAMPLES_DIR WORKDIR
#
# Checks: every DOT golden of the dot-* cases parses; --dot FILE.dot has the known node and
# edge counts of the 2-thread counter race and parses; FILE.svg is SVG and FILE.png is PNG;
# --trace-dot DIR/ writes one parsable file per violation, --trace-dot FILE the schedule the
# report shows (also under --fewest-preemptions and --dfs), and both for a model whose name holds
# '"', '\', '<', '&' and '>' (Graphviz reads the name back whole); a refused graph leaves no file
# and exits 2; without 'dot' on PATH an SVG is refused with a clear message and no file; the state
# graph is the same file for -j 1, 2 and 4, whole or cut by --max-states.
set -u
if [ $# -ne 4 ]; then
    echo "usage: dot_files.sh WEFT CLI_DIR EXAMPLES_DIR WORKDIR" >&2
    exit 2
fi
weft=$1 cli_dir=$2 examples=$3 work=$4/dot_files
rm -rf "$work" && mkdir -p "$work"
failed=0
fail() { echo "FAIL: $*"; failed=1; }
parses() { dot -Tsvg "$1" >/dev/null 2>"$work/dot.err" || fail "dot rejects $1: $(cat "$work/dot.err")"; }

# 1. the goldens that hold DOT text (the summary line of a check is not DOT)
for out in "$cli_dir"/dot-*.out; do
    grep -v '^dot-.*\.weft: ' "$out" >"$work/golden.dot"
    parses "$work/golden.dot"
done

race=(-D N=2 -D ITERS=1 "$examples/counter_race.weft")

# 2. --dot FILE.dot: 13 state nodes, 14 transitions, 4 bold edges, 1 red state
"$weft" check --quiet --dot "$work/g.dot" "${race[@]}" >/dev/null
[ $? = 1 ] || fail "check --dot: exit status not 1"
parses "$work/g.dot"
nodes=$(grep -cE '^  s[0-9]+ \[' "$work/g.dot")
edges=$(grep -cE '^  s[0-9]+ -> [sf][0-9]+ ' "$work/g.dot")
bold=$(grep -c 'penwidth=3' "$work/g.dot")
red=$(grep -cE '^  s[0-9]+ .*color="#d00000"' "$work/g.dot")
[ "$nodes $edges $bold $red" = "13 14 4 1" ] ||
    fail "counter race graph: nodes edges bold red = $nodes $edges $bold $red, want 13 14 4 1"
[ ! -e "$work/g.dot.tmp" ] || fail "g.dot.tmp left behind"

# 3. SVG and PNG by name, and by --format
"$weft" graph "${race[@]}" -o "$work/g.svg" || fail "graph -o g.svg failed"
head -c 5 "$work/g.svg" | grep -q '<?xml' || fail "g.svg does not start with <?xml"
grep -q '<svg' "$work/g.svg" || fail "g.svg has no <svg"
"$weft" graph "${race[@]}" -o "$work/g.png" || fail "graph -o g.png failed"
[ "$(head -c 4 "$work/g.png" | od -An -tx1 | tr -d ' ')" = 89504e47 ] || fail "g.png is not PNG"
"$weft" graph "${race[@]}" --format svg -o "$work/g.picture" || fail "--format svg failed"
head -c 5 "$work/g.picture" | grep -q '<?xml' || fail "--format svg did not write SVG"

# 4. --trace-dot DIR/: one file per violation, each parses
"$weft" check --quiet --trace-dot "$work/pics/" "$examples"/lock_order.weft \
    "$examples"/unlock_not_held.weft "$examples"/counter_race.weft >/dev/null
want="counter_race-1-final-total.dot lock_order-1-deadlock.dot unlock_not_held-1-error-line13.dot"
got=$(cd "$work/pics" && echo *)
[ "$got" = "$want" ] || fail "--trace-dot DIR/ wrote '$got', want '$want'"
for f in "$work"/pics/*.dot; do parses "$f"; done
# ... a model read from stdin is 'stdin' in the names
"$weft" check --quiet --trace-dot "$work/pics-stdin/" - <"$examples/counter_race.weft" >/dev/null
got=$(cd "$work/pics-stdin" && echo *)
[ "$got" = stdin-1-final-total.dot ] || fail "--trace-dot DIR/ of stdin wrote '$got'"
"$weft" check --quiet --trace-dot "$work/t.svg" "${race[@]}" >/dev/null
grep -q '<svg' "$work/t.svg" || fail "--trace-dot t.svg is not SVG"
# ... each the schedule the report shows, named as it names it
for opt in "" --fewest-preemptions --dfs; do
    # shellcheck disable=SC2086  # no option is no word
    "$weft" check $opt --trace-dot "$work/t-$opt.dot" "$examples/counter_race.weft" >"$work/t.out"
    parses "$work/t-$opt.dot"
    title=$(grep -o '<br/>[^<]*' "$work/t-$opt.dot" | head -n 1)
    [ "$title" = "<br/>$(grep 'schedule.*: 16 steps' "$work/t.out")" ] ||
        fail "--trace-dot $opt: the picture's '$title' is not the report's schedule"
    [ "$(grep -o 'counter = [0-9]*' "$work/t-$opt.dot" | tail -n 1)" = \
        "$(grep -o 'breaks with counter = [0-9]*' "$work/t.out" | sed 's/breaks with //')" ] ||
        fail "--trace-dot $opt: the picture does not end as the report's schedule"
done

# ... and a model whose name holds what DOT and HTML labels must escape: the files still parse,
# and the name comes back whole
odd=$work/'we"i\rd<&>.weft'
cp "$examples/counter_race.weft" "$odd"
"$weft" check --quiet --dot "$work/odd.dot" --trace-dot "$work/odd-t.dot" -D N=2 -D ITERS=1 \
    "$odd" >/dev/null
parses "$work/odd.dot"
parses "$work/odd-t.dot"
for f in odd odd-t; do # Graphviz read the name back as it was: its SVG escapes it once
    dot -Tsvg "$work/$f.dot" 2>/dev/null | grep -qF 'we&quot;i\rd&lt;&amp;&gt;.weft: ' ||
        fail "$f.dot: the picture's title lost the model's name"
done

# 5. a refused graph: exit 2, no file
"$weft" check --quiet --dot "$work/big.dot" "$examples/counter_race.weft" >/dev/null 2>"$work/big.err"
[ $? = 2 ] || fail "a refused --dot does not exit 2"
[ ! -e "$work/big.dot" ] && [ ! -e "$work/big.dot.tmp" ] || fail "a refused graph left a file"
grep -q "state graph too large: 107177 states, over the --dot-max-states limit of 500" \
    "$work/big.err" || fail "refusal message: $(cat "$work/big.err")"

# 6. no 'dot' on PATH
PATH=/nonexistent "$weft" graph "${race[@]}" -o "$work/nodot.svg" 2>"$work/nodot.err"
[ $? = 2 ] || fail "a missing 'dot' does not exit 2"
[ ! -e "$work/nodot.svg" ] || fail "a missing 'dot' left a file"
grep -q "the Graphviz program 'dot' is not on PATH" "$work/nodot.err" ||
    fail "missing dot message: $(cat "$work/nodot.err")"

# 7. the same picture for every -j: nodes numbered as one thread numbers the states, though
# two or more workers store a level's states in any order (levels of 1,024 states and more);
# after a --max-states cut, the first N states, though the workers stored some past it
whole=(--quiet --dot-max-states 200000 "$examples/counter_race.weft")
cut=(--quiet --dot-max-states 200000 --max-states 50000 "$examples/counter_race.weft")
for j in 1 2 4; do
    "$weft" check -j $j --dot "$work/whole-j$j.dot" "${whole[@]}" >/dev/null
    "$weft" check -j $j --dot "$work/cut-j$j.dot" "${cut[@]}" >/dev/null
done
for j in 2 4; do
    cmp -s "$work/whole-j1.dot" "$work/whole-j$j.dot" || fail "--dot differs at -j $j and -j 1"
    cmp -s "$work/cut-j1.dot" "$work/cut-j$j.dot" ||
        fail "--dot after --max-states 50000 differs at -j $j and -j 1"
done
nodes=$(grep -cE '^  s[0-9]+ \[' "$work/whole-j1.dot")
[ "$nodes" = 107177 ] || fail "the whole graph has $nodes state nodes, want 107177"
nodes=$(grep -cE '^  s[0-9]+ \[' "$work/cut-j2.dot")
[ "$nodes" = 50000 ] || fail "the graph cut at 50000 states has $nodes state nodes at -j 2"

[ $failed = 0 ] && echo "ok: dot files"
exit $failed
