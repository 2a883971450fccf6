/*
** search_int.h -- what search.c and search_level.c share: the Search context and the recording
** of violations. Private to the search module; nothing outside checker/search*.c includes it.
*/
#ifndef WEFT_SEARCH_INT_H
#define WEFT_SEARCH_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "exec.h"
#include "search.h"
#include "util.h"

typedef struct DfsEntry {
    StateId sid;    /* a stored, unexpanded state */
    uint32_t depth; /* steps from the initial state along its parent links */
} DfsEntry;

/* BFS: one outcome of a state of the batch being expanded, kept until its turn comes. */
typedef struct Pending {
    ExecStatus status; /* the outcome's status */
    uint32_t tid;      /* the thread whose step it is */
    uint32_t k;        /* its index among the step's outcomes */
    uint32_t line;     /* failures: the failing statement's line */
    char *message;     /* failures: an owned copy of the executor's message */
    uint64_t hash;     /* EXEC_OK: state_hash of the successor */
    uint64_t key_hash; /* EXEC_OK: the hash the store files it under (--compact: the hash of
                       ** its fingerprint, else 'hash') */
    size_t vec_at;     /* EXEC_OK: where the successor starts in Batch.vecs */
    uint64_t pos;      /* search_level.c: the outcome's position, once stored */
    StateId sid;       /* search_level.c: the stored successor's id, once stored */
    bool is_new;       /* search_level.c: the store did not have it before */
} Pending;

/* BFS: a state of the batch being expanded and the range of its outcomes in Batch.pend. */
typedef struct BatchEntry {
    StateId sid;      /* the state */
    bool is_all_done; /* every thread has finished: its finals are checked, nothing runs */
    bool has_run;     /* some thread's step was enabled */
    size_t end;       /* one past its last outcome in Batch.pend */
} BatchEntry;

/* BFS: the outcomes of a few states, generated before any is stored so that the store's cache
** misses overlap (each outcome's home slot is prefetched as it is hashed). One per thread. */
typedef struct Batch {
    const Program *prog; /* the model */
    Store *st;           /* the store to prefetch from */
    bool is_compact;     /* --compact: the store files fingerprints */
    VEC(Pending) pend;   /* outcomes, in expansion order */
    VEC(uint8_t) vecs;   /* their successor vectors, back to back */
    size_t n_messages;   /* outcomes in pend with a message to free (failures are rare) */
    size_t max_bytes;    /* the most 'vecs' may hold (a share of --max-memory); 0: no limit */
    bool is_over;        /* a state's successors did not fit max_bytes: it is not expanded */
} Batch;

/* Forget the outcomes kept (freeing their messages); the buffers stay. */
void search_batch_clear(Batch *bt);

/* Run every thread's step of 'vec' (the vector of e->sid) with 'ex', keeping the outcomes and
** filling in e->is_all_done, e->has_run and e->end. Safe with other threads inserting. If its
** successors do not fit max_bytes with the batch's others (a model of thousands of threads
** with big vectors: gigabytes a state), bt->is_over is set and the state must not be expanded
** in this batch: the caller expands the states before it, then tries it again as the first of
** a batch, and stops for its memory budget if it does not fit even so. */
void search_batch_generate(Batch *bt, ExecCtx *ex, const uint8_t *vec, BatchEntry *e);

/* Once the batch is generated (its table slots prefetched): prefetch the stored vector each
** successor will be compared with, where its home slot holds a likely match. */
void search_batch_prefetch(const Batch *bt);

/* The successor vector of the kept outcome 'p'. */
const uint8_t *search_batch_vec(const Batch *bt, const Pending *p);

void search_batch_free(Batch *bt); /* frees the buffers */

typedef struct Search {
    const Program *prog;       /* the model, read only */
    const SearchOptions *opts; /* limits and modes */
    SearchResult *res;         /* what we fill in */
    Store *st;                 /* res->store */
    ExecCtx *ex;               /* runs steps */
    ExecCtx *ex_prop;          /* evaluates properties inside exec_step's callbacks */
    VEC(Violation) viols;      /* distinct violations so far */
    StateId cur;               /* the state being expanded */
    uint32_t depth;            /* its depth */
    bool is_stopped;           /* the search must end now */
    SearchStop stop;           /* why, when is_stopped */
    VEC(StateId) fresh;        /* DFS: new successors of the current expansion, in order */
    VEC(DfsEntry) stack;       /* DFS: states to expand */
    double t0;                 /* util_now() at the start */
    Batch batch;               /* BFS: the states being expanded and their outcomes */
} Search;

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

/* Level-synchronous breadth first search on opts->n_threads workers (search_level.c): the same
** states, transitions, depth and violations, in the same order, as the single-thread BFS.
** Also the BFS of --compact, whatever the number of threads. Fills s->res's counts. */
void search_run_levels(Search *s);

#endif
