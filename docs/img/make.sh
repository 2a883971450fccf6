#!/usr/bin/env bash
# make.sh -- regenerate the pictures of docs/ (docs/graphs.md, docs/tutorial.md).
#
# usage: docs/img/make.sh [WEFT]     (default WEFT: build/weft)
#
# Draws the counter race of ../shared/examples with two threads and one increment each
# (-D N=2 -D ITERS=1, 13 states: small enough to read): its state graph, and the schedule of
# its violation as a sequence diagram; then the fixed counter's state graph. Needs Graphviz.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
weft=$(cd "$root" && realpath "${1:-build/weft}")
img=$root/docs/img
cd "$root/../shared/examples"   # so the pictures name the model 'counter_race.weft'
"$weft" graph counter_race.weft -D N=2 -D ITERS=1 -o "$img/counter_race_graph.svg"
"$weft" check counter_race.weft -D N=2 -D ITERS=1 --quiet \
    --trace-dot "$img/counter_race_schedule.svg" >/dev/null || [ $? = 1 ]
"$weft" graph counter_lock.weft -D N=2 -D ITERS=1 -o "$img/counter_lock_graph.svg"
echo "wrote $img/counter_race_graph.svg, counter_race_schedule.svg, counter_lock_graph.svg"
