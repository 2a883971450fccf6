/*
** search.h -- explore every reachable state of a Program and collect its violations.
**
** Breadth first by default, level by level, expanding threads in index order and each thread's
** outcomes in order k = 0, 1, ...: so the first time a violation is seen, it is seen at the end
** of its shortest schedule, and among equally short ones, the one that prefers the lowest thread
** index at the earliest differing step (DESIGN.md section 3). One violation is one property:
** each is recorded once, the first time it is seen.
**
** Breadth first with opts->n_threads > 1 runs a level-synchronous search on that many worker
** threads that gives the same result, byte for byte, as one thread: the canonical order of each
** level is the order the single-thread search would store it in (see search_level.c).
** search_run() may be called from any thread; the Program is only read.
*/
#ifndef WEFT_SEARCH_H
#define WEFT_SEARCH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "program.h"
#include "store.h"

typedef enum {
    VIOL_INVARIANT, /* an invariant is false in a reachable state */
    VIOL_FINAL,     /* a final is false in a state where every thread has finished */
    VIOL_ASSERT,    /* a step's assert was false */
    VIOL_ERROR,     /* a runtime error in a step, or in evaluating a property */
    VIOL_DEADLOCK   /* a state where some thread has not finished and none can move */
} ViolKind;

/* One distinct violation and where its shortest schedule ends. */
typedef struct Violation {
    ViolKind kind;  /* see ViolKind */
    int32_t prop;   /* the property (invariant, final, or an error evaluating one), or -1 */
    uint32_t line;  /* identifying line: the property's, or the failing statement's */
    char *message;  /* failures: the executor's message; else NULL */
    StateId state;  /* the state that breaks it, or that the failing step starts from */
    bool by_step;   /* true when a failing step from 'state' is the violation */
    uint32_t tid;   /* by_step: the thread of the failing step */
    uint32_t k;     /* by_step: the outcome index of the failing step */
    uint32_t depth; /* steps in its schedule (the failing step included) */
} Violation;

/* Why the search ended. */
typedef enum {
    SEARCH_COMPLETE,   /* every reachable state was explored */
    SEARCH_FIRST,      /* --first: stopped at the first violation */
    SEARCH_MAX_STATES, /* --max-states reached */
    SEARCH_MAX_MEMORY, /* --max-memory reached */
    SEARCH_TIME_LIMIT, /* --time-limit reached */
    SEARCH_MAX_DEPTH,  /* --max-depth reached, with states left deeper */
    SEARCH_INTERRUPTED /* SearchOptions.interrupt was set (weft: SIGINT, SIGTERM) */
} SearchStop;

/* True for a limit's stop (--max-states, --max-memory, --time-limit, --max-depth) or an
** interrupt's: the search is incomplete, its result partial. */
static inline bool search_stop_is_limit(SearchStop stop)
{
    return stop == SEARCH_MAX_STATES || stop == SEARCH_MAX_MEMORY || stop == SEARCH_TIME_LIMIT ||
           stop == SEARCH_MAX_DEPTH || stop == SEARCH_INTERRUPTED;
}

/* How reports name a stop: "complete", "first", "max states", "max memory", "time limit", "max
** depth", "interrupted" (the JSON report's "stop", the summary line's limit). */
const char *search_stop_name(SearchStop stop);

/* Where a running search is, for a progress line. */
typedef struct SearchProgress {
    uint64_t n_states;   /* states stored so far */
    uint64_t n_frontier; /* of those, the ones not expanded yet (BFS) or on the stack (DFS) */
    uint32_t depth;      /* the level being expanded (BFS), the current depth (DFS) */
    size_t memory_bytes; /* the store's bytes now */
} SearchProgress;

typedef struct SearchOptions {
    bool dfs;            /* depth first instead of breadth first */
    bool first;          /* stop at the first violation */
    bool no_deadlock;    /* do not report deadlocks */
    uint64_t max_states; /* stop after storing this many states; 0: no limit */
    uint32_t max_depth;  /* breadth first: expand no level deeper than this (every schedule of up
                         ** to this many steps is checked; their successors are stored and their
                         ** invariants checked); 0: no limit. Not for dfs */
    size_t max_memory;   /* stop when the store would exceed this many bytes; 0: no limit */
    double time_limit;   /* stop after this many seconds; 0: no limit */
    uint32_t n_threads;  /* BFS worker threads (-j); 0 or 1: one. DFS always uses one */
    bool compact;        /* --compact: store 64-bit fingerprints, not vectors (hash compaction) */
    uint32_t solo_below; /* levels of fewer states run on the calling thread alone; 0: 1024. Not
                         ** an option of the CLI: tests lower it (2) so that the workers share
                         ** the levels of small models too */
    void (*progress)(void *ctx, const SearchProgress *p);
    /* or NULL: called from the search thread every few thousand
    ** expansions, where the clock is looked at; the callee shows it at
    ** most every ~0.2 s (--progress) */
    void *progress_ctx;          /* passed to progress */
    const atomic_int *interrupt; /* or NULL: once it is not 0 (a signal handler may set it), the
                                 ** search stops where it next looks at the clock, as a limit
                                 ** would (SEARCH_INTERRUPTED) */
    bool record_graph;      /* a breadth first search (not --compact), on any number of threads,
                            ** records the state graph as it goes (SearchResult.graph), for
                            ** count.c; dropped if it would pass max_memory with the store */
    bool keep_cyclic_edges; /* record_graph: keep the edges of a graph the search finds cyclic
                            ** (--fewest-preemptions, --causes and --schedules walk them); else
                            ** they are dropped when it does, the report's analyses needing
                            ** only the states' flags then (Graph.is_edgeless) */
} SearchOptions;

typedef struct SearchResult {
    Violation *viols; /* distinct violations, in the order the search found them */
    size_t n_viols;
    SearchStop stop;        /* why the search ended */
    uint64_t n_states;      /* states stored (the level search's store may hold more: see
                            ** is_id_unordered) */
    uint64_t n_transitions; /* successors generated (failing steps included) */
    uint32_t max_depth;     /* the deepest level reached (BFS) or longest path (DFS) */
    int32_t checked_depth;  /* a breadth first search a limit stopped: every schedule of at most
                            ** this many steps was checked whole (the levels before the one the
                            ** limit cut were expanded); -1 when nothing can be said (the search
                            ** was complete, depth first, stopped by --first or in level 0) */
    double seconds;         /* wall time of the search */
    double cpu_seconds;     /* CPU time of the search, its worker threads included */
    size_t memory_bytes;    /* peak bytes of the store and the frontier */
    Store *store;           /* the visited states, kept for traces; owned by the result */
    struct Graph *graph;    /* SearchOptions.record_graph and the search complete: its state graph
                            ** (graph.h), owned by the result; else NULL */
    bool is_compact;        /* --compact: store_vec() gives a state's 8-byte fingerprint, not its
                            ** vector; use search_path_states() to get vectors back */
    uint8_t *cover;         /* EXEC_COVER_* marks of every position of every template (exec.h),
                            ** of the steps the search ran; whole when the stop is
                            ** SEARCH_COMPLETE */
    uint64_t n_held;        /* a bounded program (--max-preemptions): the steps of expanded
                            ** states that the bound held back (exec_held); when the search is
                            ** complete and this is not 0, schedules past the bound went
                            ** unchecked and the result is partial (search_is_partial) */
    bool is_id_unordered;   /* the level search ran (-j 2 and more, --compact): its workers
                            ** numbered each level's states in the order they stored them, not
                            ** in the order one thread finds them, and after a limit's cut the
                            ** store also holds states past the first n_states; what shows ids
                            ** (dot_state_graph) numbers the states itself, by a breadth first
                            ** walk in tie-break order, the first n_states it meets */
} SearchResult;

/* True if 'res' checked every schedule: it went to the end, and no preemption bound held a
** step back. What is said of every state (statements never run, schedules that never end) needs
** it. */
static inline bool search_is_whole(const SearchResult *res)
{
    return res->stop == SEARCH_COMPLETE && res->n_held == 0;
}

/* True if 'res' leaves schedules unchecked though no violation stopped it: a limit stopped it,
** or it is complete but the preemption bound held steps back (the verdict is then incomplete). */
static inline bool search_is_partial(const SearchResult *res)
{
    return search_stop_is_limit(res->stop) ||
           (res->stop == SEARCH_COMPLETE && !search_is_whole(res));
}

/* Explore 'prog' (borrowed). Never NULL. */
SearchResult *search_run(const Program *prog, const SearchOptions *opts);
void search_result_free(SearchResult *res); /* search_result_free(NULL) does nothing */

/* The vectors of the states on the parent chain from the initial state to 'sid', which is
** 'n_links' steps deep: (n_links + 1) * prog->state_size bytes into 'out', the initial state
** first. Under --compact the vectors are rebuilt by re-running steps from the initial state,
** at each link taking the first step in tie-break order whose successor has the child's
** fingerprint. Single thread only. */
void search_path_states(const Program *prog, const SearchResult *res, StateId sid, uint32_t n_links,
                        uint8_t *out);

/* Under --compact, the estimated probability that some reachable state was not explored
** because its fingerprint equalled another's: n^2 / 2^65 for n stored states. 0 otherwise. */
double search_omission_probability(const SearchResult *res);

/* The default --max-memory: three quarters of the memory available when called (MemAvailable
** in /proc/meminfo), or 0 (no budget) when that is unknown. */
size_t search_default_max_memory(void);

/* The name of a kind as reports and '# expect:' lines spell it: "invariant", "final",
** "assert", "error", "deadlock". */
const char *search_viol_kind_name(ViolKind kind);

#endif
