/*
** brute.h -- every schedule one by one: an oracle for the analyses of count.c on small models.
**
** count.c answers questions about every schedule by dynamic programming over the state graph
** (docs/schedules.md). brute_check() answers the same questions the slow way, from the
** definitions alone: it walks the tree of schedules from the initial state, running each step
** with the executor and merging nothing, and counts what it meets. It shares with count.c only
** the executor and the state accessors, so a mistake in the graph, the topological order, the
** sums, the grouping of outcomes or the shortest-path search shows as a difference.
*/
#ifndef WEFT_BRUTE_H
#define WEFT_BRUTE_H

#include <stdbool.h>
#include <stdint.h>

#include "count.h"
#include "program.h"
#include "search.h"

typedef enum {
    BRUTE_CHECKED, /* the tree was walked whole: every figure compared */
    BRUTE_CYCLIC,  /* a schedule came back to a state of its own: only the cycle compared */
    BRUTE_TOO_BIG  /* more than 'max_nodes' nodes: nothing compared */
} BruteVerdict;

/* Walk every schedule of 'prog' (up to 'max_nodes' nodes of the tree) and compare what they
** show with the complete search 'res' and its analysis 'an' (count_run with the default
** outcome terms, fewest_preemptions and causes; 'no_deadlock' as given to both): the states,
** transitions, end states and violating states, whether the graph has a cycle, the schedules
** and the violating ones, each outcome's end states and schedules, whether every schedule
** violates, each violation's shortest schedule (the search's: the first in tie-break order of
** the fewest steps) and fewest-preemption schedule step by step, the statements of the
** points of no return, and the first 64 violating schedules that count_schedules() lists
** (--schedules), step by step with their violations. Prints the first difference to stderr and
** aborts. */
BruteVerdict brute_check(const Program *prog, const SearchResult *res, const Analysis *an,
                         bool no_deadlock, uint64_t max_nodes);

#endif
