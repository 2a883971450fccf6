/*
** batch.h -- the outcomes of a few states generated before any is looked up, so that the store's
** cache misses overlap: the breadth first search stores them (search.c, search_level.c), the
** analyses look them up to build the state graph (count.c). Implemented in search.c.
*/
#ifndef WEFT_BATCH_H
#define WEFT_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exec.h"
#include "program.h"
#include "store.h"
#include "util.h"

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
    StateId sid;       /* search_level.c: once stored, the successor's id where its key is
                       ** to be lowered (settle_keys), else STATE_ID_NONE */
    uint32_t rank;     /* search_level.c: then the rank of the state it is an outcome of */
    uint32_t born_at;  /* search_level.c: and the states the worker had stored (born_count) */
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
    const Store *st;     /* the store to prefetch from */
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

/* exec_step's callback while a batch is generated ('ctx' the Batch): keep the outcome for its
** turn, its successor's home slot prefetched. */
void search_batch_keep(void *ctx, uint32_t tid, const ExecOutcome *out);

/* Once the batch is generated (its table slots prefetched): prefetch the stored vector each
** successor will be compared with, where its home slot holds a likely match. */
void search_batch_prefetch(const Batch *bt);

/* The successor vector of the kept outcome 'p'. */
const uint8_t *search_batch_vec(const Batch *bt, const Pending *p);

void search_batch_free(Batch *bt); /* frees the buffers */

#endif
