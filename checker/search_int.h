/*
** search_int.h -- what search.c and search_level.c share: the Search context and the recording
** of violations. Private to the search module; nothing outside checker/search*.c includes it.
*/
#ifndef WEFT_SEARCH_INT_H
#define WEFT_SEARCH_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "batch.h"
#include "exec.h"
#include "search.h"
#include "util.h"

typedef struct DfsEntry {
    StateId sid;    /* a stored, unexpanded state */
    uint32_t depth; /* steps from the initial state along its parent links */
} DfsEntry;

typedef struct Search {
    const Program *prog;       /* the model, read only */
    const SearchOptions *opts; /* limits and modes */
    SearchResult *res;         /* what we fill in */
    Store *st;                 /* res->store */
    ExecCtx *ex;               /* runs steps */
    ExecCtx *ex_prop;          /* evaluates properties inside exec_step's callbacks */
    VEC(Violation) viols;      /* distinct violations so far */
    StateId cur;               /* the state being expanded */
    uint32_t depth;            /* its depth; BFS: the level being expanded (a stop there leaves
                               ** the levels before it whole: SearchResult.checked_depth) */
    bool is_stopped;           /* the search must end now */
    SearchStop stop;           /* why, when is_stopped */
    VEC(StateId) fresh;        /* DFS: new successors of the current expansion, in order */
    VEC(DfsEntry) stack;       /* DFS: states to expand */
    double t0;                 /* util_now() at the start */
    Batch batch;               /* BFS: the states being expanded and their outcomes */
    struct Graph *graph;       /* SearchOptions.record_graph: the graph so far, or NULL */
    uint64_t n_cycle_checks;   /* record_graph: steps checked for a cycle (search_closes_cycle) */
} Search;

/* record_graph: true if a step from 'from', the state being expanded, to 'to', a state stored
** before it ('to' <= 'from'; a failing step's STATE_ID_NONE never is), closes a cycle that the
*parent links show: 'to' is 'from' or one
** of its ancestors. Only if due: a step back checks up to the depth's parent links (each a
** cache miss), and a model without a cycle can have many steps back, so after the first 64
** checks, one for every 1024 steps recorded ('n_checks' made so far, 'n_steps' recorded).
** The parents of 'from' and of its ancestors must be settled (search_level.c: they are, in the
** levels before the one expanded). A cycle it does not see is found after the search. */
bool search_closes_cycle(const Store *st, StateId from, StateId to, uint64_t *n_checks,
                         uint64_t n_steps);

/* Bytes the graph being recorded holds (s->graph). */
size_t search_graph_held(const Search *s);

/* True if the graph being recorded (if any), with 'used' bytes held besides it, passes the
** memory budget: it is dropped then (the search goes on). */
bool search_graph_past_budget(const Search *s, size_t used);

/* Add the coverage marks of 'ex' (a context that ran steps of the search) to the result's. */
void search_cover_add(Search *s, const ExecCtx *ex);

/* Stop recording the graph: it would not fit the memory budget with the store, or the search
** did not complete. count.c builds it after the search instead, if the budget has room then. */
void search_graph_drop(Search *s);

/* The search is over: a complete one hands the graph it recorded to the result. */
void search_graph_finish(Search *s);

/* True if violation 'a' has the key (kind, prop, line): one violation is one property. */
bool search_viol_same(const Violation *a, ViolKind kind, int32_t prop, uint32_t line);

/* True if a violation with the key of 'v' is already recorded in s->viols. */
bool search_viol_known(const Search *s, const Violation *v);

/* Record 'v' (its message copied) unless its key was seen before; --first stops the search. */
void search_viol_record(Search *s, const Violation *v);

/* End the search for 'why' unless it already ended. */
void search_stop_at(Search *s, SearchStop why);

/* When a search looks at the clock and the memory: after LIMITS_EVERY states expanded, or sooner
** once those expanded since the last look made LIMITS_BYTES of successor vectors. A state of a
** model of thousands of threads over a big vector takes milliseconds to expand: counting states
** alone, a search with --time-limit 5 ran 75 s before it looked. */
enum { LIMITS_EVERY = 4096, LIMITS_BYTES = 64 << 20 };

typedef struct Pacer {
    uint64_t n_states; /* expanded since the last look */
    uint64_t n_bytes;  /* bytes of the successors they made */
} Pacer;

/* Count 'n_states' expanded with 'n_outcomes' successors of 'vec_len' bytes; true (and start
** counting again) when it is time to look at the limits. */
bool search_pacer_due(Pacer *p, uint64_t n_states, uint64_t n_outcomes, uint32_t vec_len);

/* True once the caller's interrupt flag (SearchOptions.interrupt) is set. */
static inline bool search_is_interrupted(const SearchOptions *o)
{
    return o->interrupt && atomic_load_explicit(o->interrupt, memory_order_relaxed) != 0;
}

/* Level-synchronous breadth first search on opts->n_threads workers (search_level.c): the same
** states, transitions, depth and violations, in the same order, as the single-thread BFS.
** Also the BFS of --compact, whatever the number of threads. Fills s->res's counts. */
void search_run_levels(Search *s);

#endif
