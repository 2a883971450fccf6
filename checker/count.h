/*
** count.h -- every schedule at once: outcomes, exact schedule counts, fewest-preemption
** schedules, violating schedules one by one, and points of no return.
**
** A post-pass over a finished, complete search: over the state graph (graph.h) the search
** recorded (SearchOptions.record_graph), or else one built by re-running each stored state's
** steps once (successors found with store_find), count_run() answers everything by dynamic
** programming, never by enumerating paths (docs/schedules.md). Nothing
** depends on state ids, only on the graph and the tie-break order of steps (thread index, then
** outcome k), so every answer is the same whatever -j the search ran with. Exact counts are
** uint64 per state, promoted to GMP integers only for the states whose count overflows.
** Single thread only; the Program and the SearchResult are only read.
*/
#ifndef WEFT_COUNT_H
#define WEFT_COUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "program.h"
#include "search.h"
#include "trace.h"

/* One thing outcomes are grouped by: a shared variable, an element of one, or a thread's local
** ("counter", "cache", "cache[1]", "worker[0].tmp", "worker[0].buf[2]"). */
typedef struct OutcomeTerm {
    char *text;          /* as shown in the report */
    uint32_t var;        /* index in Program.vars */
    uint32_t tid;        /* VAR_LOCAL: the thread whose local it is; else 0 */
    uint32_t elem;       /* the first element shown */
    uint32_t n_elems;    /* elements shown: 1, or the whole array's */
    bool is_whole_array; /* a whole array, shown "[1, 2, 3]" */
} OutcomeTerm;

/* One distinct outcome: the values of the terms in end states where every thread finished. */
typedef struct Outcome {
    int32_t *vals;     /* Analysis.width values: every term's elements, in term order */
    uint64_t n_states; /* end states with these values */
    bool is_violating; /* one of those end states breaks a final or an invariant */
    char *n_schedules; /* acyclic graph: schedules ending with these values (decimal); else NULL */
    char *n_violating; /* acyclic graph: how many of them violate (decimal); else NULL */
} Outcome;

/* A point of no return: a step after which a violation can no longer be avoided. */
typedef struct Cause {
    uint32_t tid;  /* the thread of the step (first found in tie-break order) */
    uint32_t pos;  /* its position before the step: names label, line, statement */
    uint32_t step; /* index of that step in 'trace' (0-based) */
    size_t viol;   /* the violation (index in SearchResult.viols) the schedule ends in */
    Trace *trace;  /* the shortest schedule through it, up to where the violation shows */
} Cause;

typedef struct CountOptions {
    const OutcomeTerm *terms; /* what outcomes are grouped by; NULL: every shared scalar */
    size_t n_terms;           /* terms; 0 with terms == NULL */
    bool no_deadlock;         /* deadlocks are not violations (--no-deadlock) */
    bool fewest_preemptions;  /* compute Analysis.fewest */
    bool causes;              /* compute Analysis.causes */
    bool never_ending;        /* compute Analysis.n_never_ending (needs the graph's edges) */
} CountOptions;

typedef struct Analysis {
    size_t n_terms; /* what outcomes are grouped by (owned copies) */
    OutcomeTerm *terms;
    uint32_t width;        /* values per outcome: the terms' elements */
    uint64_t n_end_states; /* states where every thread has finished */
    size_t n_outcomes;     /* distinct outcomes, sorted by their values */
    Outcome *outcomes;
    bool is_cyclic;              /* the state graph has a cycle: infinitely many schedules */
    uint64_t n_never_ending;     /* CountOptions.never_ending: states from which no schedule
                                 ** ends (every one loops for ever: no end, deadlock, blocked
                                 ** state or failing step can be reached), as configurations
                                 ** (count_configurations); 0 in an acyclic graph */
    StateId never_ending_first;  /* n_never_ending > 0: the first of them a one-thread breadth
                                 ** first search finds, for every -j and under --dfs too */
    uint32_t never_ending_depth; /* ... and the fewest steps to it from the start */
    char *n_schedules;           /* acyclic: complete schedules (decimal); else NULL */
    char *n_violating;           /* acyclic: violating schedules (decimal); else NULL */
    uint64_t n_violating_states; /* states that break a property, deadlock or fail a step */
    Trace **fewest;              /* fewest_preemptions: one schedule per violation (NULL for
                                 ** one that none reaches), else NULL */
    size_t n_fewest;             /* entries of 'fewest': SearchResult.n_viols, or 0 */
    Violation *fewest_viols;     /* copies of SearchResult.viols whose state, depth, tid and k
                                 ** are where the fewest-preemption schedule ends (message
                                 ** borrowed from the SearchResult), for the report's headers */
    bool has_causes;             /* the causes were asked for (CountOptions.causes) */
    bool is_doomed;              /* causes: every schedule from the initial state violates */
    size_t n_causes;             /* causes: distinct points of no return, in order found */
    Cause *causes;
} Analysis;

/* Parse a --outcomes list "counter,cache[1],worker[0].tmp" against 'prog'. On an unknown or
** malformed name returns false with *err_out (caller frees) a one-line message. On success the
** caller frees the terms with count_terms_free. */
bool count_parse_terms(const Program *prog, const char *list, OutcomeTerm **out, size_t *n_out,
                       char **err_out);
void count_terms_free(OutcomeTerm *terms, size_t n);

/* The terms outcomes are grouped by without --outcomes: every shared scalar, in declaration
** order. The caller frees them with count_terms_free. */
OutcomeTerm *count_default_terms(const Program *prog, size_t *n_out);

/* Analyse the finished search 'res' of 'prog' (both borrowed). NULL when the search was not
** complete (a limit or --first stopped it): then nothing about every schedule can be said. */
Analysis *count_run(const Program *prog, const SearchResult *res, const CountOptions *opts);

/* Bytes count_run() may allocate at its peak for 'res' with 'opts' (its graph of every step,
** the order and two counters per state; of a graph its search found cyclic and kept without
** edges, which 'opts' does not need, a word a state at most), an upper estimate: callers skip the
** analysis when it would not fit the memory budget next to the store, rather than run out of
** memory after a long search. */
size_t count_memory_estimate(const SearchResult *res, const CountOptions *opts);
void count_free(Analysis *an); /* count_free(NULL) does nothing */

/* How many of the states 'ids' (n of them, in 'st') are distinct configurations of the model:
** 'n' itself, but for a bounded program (--max-preemptions), whose states also hold the last
** step's thread and the preemptions taken, states that differ only there count once. */
uint64_t count_configurations(const Program *prog, const Store *st, const StateId *ids, size_t n);

/* Called once per enumerated schedule: the schedule as a Trace (borrowed for the call) and the
** violation it ends in (index in SearchResult.viols). */
typedef void (*CountEmit)(void *ctx, const Trace *tr, size_t viol);

/* Up to 'max' distinct violating schedules, each cut where its violation first shows, in
** depth-first tie-break order (docs/schedules.md). Returns how many were emitted; 0 when the
** search was not complete. */
uint64_t count_schedules(const Program *prog, const SearchResult *res, const CountOptions *opts,
                         uint64_t max, CountEmit emit, void *ctx);

/* The Trace of the schedule 'tids'/'ks' (n steps) from the initial state of 'prog', with its
** states and preemptions; a last step that fails is recorded as trace_build records one. NULL
** when a step is not enabled. */
Trace *count_trace_replay(const Program *prog, const uint32_t *tids, const uint32_t *ks,
                          uint32_t n);

#endif
