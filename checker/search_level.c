/*
** search_level.c -- breadth first search level by level on worker threads, deterministic.
**
** The single-thread BFS (search.c) defines the answer: it expands level d in id order, threads
** in index order, outcomes in order k, and a state of level d+1 gets the id, the parent and the
** place in the expansion order of its first discovery. Here the states of level d are expanded
** by n workers at once, which insert into the shared store in any order, so ids and provisional
** parents are nondeterministic. The canonical order is made explicit instead:
**
**   - the level being expanded is an array 'order' of ids in canonical order; a state's index
**     in it is its rank r. The j-th outcome (j = 1, 2, ...) of the state at rank r has the
**     position (r << 32) | j, which sorts exactly as the single-thread search meets outcomes;
**   - each new state of level d+1 keeps the least position that reached it: its key. Only the
**     key's rank is kept (an atomic max on the inverted rank, 4 bytes, in a per-level side array
**     indexed by id - lo): the outcomes of one rank are met by the one worker that expands it,
**     in order, so among states of the same rank the storing and lowering order of that worker
**     is the order of j (Arrival.born_at), and where a whole position is needed (a cut, an
**     invariant's candidate) its j is found by running that rank's steps again
**     (first_outcome). Sorting the new level by key gives the order the single-thread search
**     would have stored it in, and the parent is order[rank], exactly the one the
**     single-thread search records. A state whose key is still the rank its storer met it at
**     already has that parent: the store took the state being expanded as its parent. Only a
**     state whose key another sighting lowered (an arrival, see Chunk) has its parent
**     rewritten, as the level is settled;
**   - candidate violations carry positions too (finals (r, 0), deadlocks (r, 2^32 - 1), failing
**     steps (r, j), invariants the key of their state); after the level they are sorted and
**     recorded in that order, each property once, as the single-thread search records them;
**   - a limit (--max-states, --first, the memory budget, the clock) becomes a cut position:
**     the states, transitions and violations before it are what the single-thread search had
**     when it stopped, so even partial reports agree (the clock and the memory excepted, which
**     cut where they happen to be hit).
**
** Each worker numbers the new states it stores from a block of ids of its own (so the workers
** never write the same cache line of the records or of the side arrays); the ids left unused
** are filled at the level's end by moving the level's last states into them (fill_holes).
** A worker skips the key of a state it stored itself in this level: it met it first at a position
** below any it reaches later. The ranks of a level are cut into one contiguous share per worker,
** and a worker claims CLAIM ranks at a time from its own share, then from the others' when its own
** is done: neighbouring ranks reach many of the same successors, so a worker mostly meets the
** states it stored itself, whose table slots, records and keys are in its own core's cache
** (claiming from one shared cursor, the workers took turns along the level and met each other's
** states as often as their own). When told to halt, workers stop claiming at the halt's rank but
** finish what they claimed: the ranks below the least unclaimed one are fully expanded; halted by
** the clock or the memory, each stops its chunk after the batch it is in (worker_stop), and the
** level is cut at the least rank left so. Under --max-states a level is one share (the cut needs
** every rank below the quota's state expanded, and which rank that is is known only after
** sorting), and a worker ends a chunk early once enough states are known to lie before the cut
** (is_quota_met). A parallel level passes two gates (run_parallel): after the expansion (the last
** worker to arrive makes the new level dense and cuts the ranks into the settlers' shares, each
** with its count of new states from the workers' tallies), and after each settler has placed the
** new states of its share in key order (the arrivals' parents rewritten), chunk by chunk, from
** what expanding each chunk did (Chunk: a merge of two short lists already in key order, not a
** sort; the workers then grow the store's tables for the next level, a few shards at a time),
** the last worker then cuts the level at a limit, records the violations and prepares the next
** level, whose expansion follows at once. A level of fewer than SOLO_LEVEL states is expanded
** and settled by the calling thread alone, without waking the workers: the result is the same,
** since it never depends on which worker claimed a rank.
** The same machinery runs --compact with any number of workers: the store then holds
** fingerprints, and the vectors of the level being expanded and of the next one live in the
** side arrays.
*/
#include "search_int.h"

#include <assert.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "state.h"
#include "store.h"

enum {
    CLAIM = 64,                         /* ranks a worker claims at a time: a chunk (Chunk) */
    BATCH = 16,                         /* ranks generated before any outcome is stored */
    BATCH_OUTCOMES = 512,               /* ... or fewer, once their outcomes pass this many */
    SIDE_BITS = 14,                     /* side arrays come in pages of 2^14 entries */
    SIDE_PAGE = 1 << SIDE_BITS,         /* entries of a side page */
    SIDE_PAGES = 1 << (32 - SIDE_BITS), /* pages of a side array: 2^32 entries in all */
    TALLY_BITS = 6,                     /* a worker tallies new states by chunks: 2^6 ranks */
    SOLO_LEVEL = 1024,                  /* levels smaller than this run on the calling thread */
    GATE_SPINS = 4096,                  /* pauses a thread waiting at a gate spins, then sleeps */
    MAX_SETTLERS = 4,                   /* workers that share the settling of a new level */
    RESERVE_CLAIM = 2,                  /* shards claimed at a time to grow (reserve_shards) */
    RESERVE_GROWTH_MAX = 4,             /* the most a level is expected to grow by (level_expect) */
    FP_LEN = 8,                         /* --compact: bytes of a stored fingerprint */
    VEC_INLINE_MAX = 64,                /* --compact: longer vectors are allocated one by one */
    GRAPH_AHEAD = 16                    /* record_graph: ranks whose edges' place is prefetched */
};

_Static_assert(CLAIM == 1 << TALLY_BITS, "a chunk is a block of the tallies");

#define RESERVE_MARGIN 1.5        /* the next level's states reserved for, over those foretold */
#define POS_NONE       UINT64_MAX /* no cut: the whole level counts */
#define J_DEADLOCK     UINT32_MAX /* the outcome ordinal of a deadlock: after every outcome */

typedef _Atomic uint32_t AtomicKey; /* a key: the inverse of a rank (0: none yet) */
typedef _Atomic uint64_t AtomicRank;
typedef _Atomic size_t AtomicSize;
typedef _Atomic uint32_t AtomicShard;
typedef _Atomic(void *) PagePtr; /* a side page, allocated on first touch */

/* ---- side arrays: per-level data of new states, indexed by id - lo ---- */

/* Under --compact the vectors of a level live here. Up to VEC_INLINE_MAX bytes, a page holds
** the vectors themselves (a page is at most 1 MiB); longer ones are allocated one at a time, a
** page holding pointers to them, so that a model with a huge state uses memory as it stores
** states, not SIDE_PAGE vectors at a time (a state of 4 MB made one page 64 GB), and the
** memory budget is checked before each (side_vec_new). */
typedef struct Side {
    PagePtr *keys;          /* SIDE_PAGES pages of inverted keys (~key), each written as its
                            ** state is stored (store_outcome), never cleared: a page is
                            ** reused two levels later */
    PagePtr *vecs;          /* --compact: SIDE_PAGES pages of state vectors, or of pointers */
    uint32_t vec_len;       /* --compact: bytes of a state vector; 0: none kept */
    _Atomic size_t n_bytes; /* bytes of the pages and the vectors allocated */
    _Atomic size_t n_dir;   /* one past the highest page index allocated, in either */
} Side;

static void side_init(Side *sd, uint32_t vec_len)
{
    sd->keys = xcalloc(SIDE_PAGES, sizeof *sd->keys);
    sd->vecs = xcalloc(SIDE_PAGES, sizeof *sd->vecs);
    sd->vec_len = vec_len;
    atomic_init(&sd->n_bytes, 0);
    atomic_init(&sd->n_dir, 0);
}

/* True if the vectors are allocated one at a time, their pages holding pointers. */
static bool side_is_indirect(const Side *sd)
{
    return sd->vec_len > VEC_INLINE_MAX;
}

/* Only the directory entries up to n_dir are read: the directories are 2 MiB each, mostly
** never touched, and walking them whole faulted in 8 MiB of zero pages at every search's end. */
static void side_fini(Side *sd)
{
    for (size_t p = 0; p < atomic_load(&sd->n_dir); p++) {
        free(atomic_load(&sd->keys[p]));
        uint8_t **vecs = atomic_load(&sd->vecs[p]);
        if (vecs && side_is_indirect(sd))
            for (size_t i = 0; i < SIDE_PAGE; i++)
                free(vecs[i]);
        free(vecs);
    }
    free(sd->keys);
    free(sd->vecs);
}

/* Page 'p' of directory 'dir' of side 'sd', allocated (zeroed) by the first thread to need
** it; a thread that loses the race frees its copy. Zeroed by writing (xcalloc_aligned), not by
** calloc: a fresh mapping read before it is written maps the shared zero page, and the first
** write then has to replace it, which flushes the TLB of every core running the search (an
** interrupt to the other workers each time: key_lower reads a key before it writes it). A
** plain malloc + memset is not enough: with link-time optimisation GCC made it a calloc. */
static void *page_get(Side *sd, PagePtr *dir, size_t p, size_t page_bytes)
{
    void *page = atomic_load_explicit(&dir[p], memory_order_acquire);
    if (page)
        return page;
    void *fresh = xcalloc_aligned(64, page_bytes);
    void *expected = NULL;
    if (!atomic_compare_exchange_strong(&dir[p], &expected, fresh)) {
        free(fresh);
        return expected;
    }
    atomic_fetch_add(&sd->n_bytes, page_bytes);
    size_t hi = atomic_load(&sd->n_dir);
    while (hi < p + 1 && !atomic_compare_exchange_weak(&sd->n_dir, &hi, p + 1))
        ;
    return fresh;
}

static AtomicKey *side_key(Side *sd, uint64_t idx)
{
    AtomicKey *page = page_get(sd, sd->keys, idx >> SIDE_BITS, SIDE_PAGE * sizeof(AtomicKey));
    return &page[idx & (SIDE_PAGE - 1)];
}

/* Where the vector of entry 'idx' is kept: in its page, or the page's pointer to it (NULL if it
** was never allocated). */
static uint8_t **side_vec_ref(Side *sd, uint64_t idx)
{
    uint8_t **page = page_get(sd, sd->vecs, idx >> SIDE_BITS, SIDE_PAGE * sizeof(uint8_t *));
    return &page[idx & (SIDE_PAGE - 1)];
}

/* The vector of entry 'idx', written before (side_vec_new). */
static uint8_t *side_vec(Side *sd, uint64_t idx)
{
    if (side_is_indirect(sd))
        return *side_vec_ref(sd, idx);
    uint8_t *page = page_get(sd, sd->vecs, idx >> SIDE_BITS, (size_t)SIDE_PAGE * sd->vec_len);
    return page + (idx & (SIDE_PAGE - 1)) * sd->vec_len;
}

/* Room for the vector of entry 'idx', to be written by the one thread that stores that entry:
** a long vector is allocated unless an earlier level left one there, and only if 'max_bytes'
** (0: no budget) leaves room for it beyond 'used' bytes. NULL when it does not. */
static uint8_t *side_vec_new(Side *sd, uint64_t idx, size_t used, size_t max_bytes)
{
    if (!side_is_indirect(sd))
        return side_vec(sd, idx);
    uint8_t **ref = side_vec_ref(sd, idx);
    if (!*ref) {
        if (max_bytes && used + sd->vec_len > max_bytes)
            return NULL;
        *ref = xmalloc(sd->vec_len);
        atomic_fetch_add(&sd->n_bytes, sd->vec_len);
    }
    return *ref;
}

/* Entry 'from''s vector becomes entry 'to''s (fill_holes): copied, or its pointer moved. */
static void side_vec_move(Side *sd, uint64_t to, uint64_t from)
{
    if (!side_is_indirect(sd)) {
        memcpy(side_vec(sd, to), side_vec(sd, from), sd->vec_len);
        return;
    }
    uint8_t **to_ref = side_vec_ref(sd, to), **from_ref = side_vec_ref(sd, from);
    uint8_t *spare = *to_ref; /* a vector an earlier level left there: kept for later */
    *to_ref = *from_ref;
    *from_ref = spare;
}

/* A hint: start loading the key of entry 'idx', if its page exists. */
static void side_key_prefetch(Side *sd, uint64_t idx)
{
    AtomicKey *page = atomic_load_explicit(&sd->keys[idx >> SIDE_BITS], memory_order_acquire);
    if (page)
        __builtin_prefetch(&page[idx & (SIDE_PAGE - 1)]);
}

/* Lower the key of entry 'idx' to rank 'r' if 'r' is less (an atomic max on the inverse); true
** if it did, with the inverse it replaced (0: none yet) in *old_out. */
static bool side_key_min(Side *sd, uint64_t idx, uint32_t r, uint32_t *old_out)
{
    AtomicKey *k = side_key(sd, idx);
    uint32_t inv = ~r, cur = atomic_load_explicit(k, memory_order_relaxed);
    while (cur < inv) {
        if (atomic_compare_exchange_weak_explicit(k, &cur, inv, memory_order_relaxed,
                                                  memory_order_relaxed)) {
            *old_out = cur;
            return true;
        }
    }
    return false;
}

/* The settled key of entry 'idx' (after the level's gate), a rank: its page exists, so it is
** read without page_get (settling reads every key of a level). */
static uint32_t side_key_get(const Side *sd, uint64_t idx)
{
    const AtomicKey *page = atomic_load_explicit(&sd->keys[idx >> SIDE_BITS], memory_order_relaxed);
    uint32_t inv = atomic_load_explicit(&page[idx & (SIDE_PAGE - 1)], memory_order_relaxed);
    assert(inv != 0 && "a new state without a key");
    return ~inv;
}

/* ---- gates: barriers that spin a little before they sleep ----
**
** A parallel level passes two gates (run_parallel), each a few microseconds apart when the
** workers have a core each: a futex barrier would put them to sleep and wake them each time. A
** gate spins GATE_SPINS times first, then sleeps on a condition variable, so workers that wait
** long (through the levels the calling thread runs alone, or with more workers than cores) do
** not take the cores from the others. The last thread to arrive may run a serial section
** before any leaves: it sees what every thread wrote before arriving, and they see what it
** wrote. */

typedef struct Level Level;

typedef struct Gate {
    _Atomic uint32_t n;         /* threads that pass it (fewer if a worker could not start) */
    _Atomic uint32_t n_arrived; /* threads waiting now */
    _Atomic uint32_t phase;     /* passes so far: a waiter leaves when it changes */
    pthread_mutex_t lock;       /* with 'woken', for the waiters that sleep */
    pthread_cond_t woken;       /* signalled when the phase changes */
} Gate;

static void gate_init(Gate *g, uint32_t n)
{
    atomic_init(&g->n, n);
    atomic_init(&g->n_arrived, 0);
    atomic_init(&g->phase, 0);
    pthread_mutex_init(&g->lock, NULL);
    pthread_cond_init(&g->woken, NULL);
}

static void gate_fini(Gate *g)
{
    pthread_mutex_destroy(&g->lock);
    pthread_cond_destroy(&g->woken);
}

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/* Wait until all g->n threads have arrived; the last one runs serial(lv) first, if given. */
static void gate_pass(Gate *g, void (*serial)(Level *), Level *lv)
{
    uint32_t phase = atomic_load_explicit(&g->phase, memory_order_acquire);
    if (atomic_fetch_add_explicit(&g->n_arrived, 1, memory_order_acq_rel) + 1 ==
        atomic_load_explicit(&g->n, memory_order_acquire)) {
        if (serial)
            serial(lv);
        atomic_store_explicit(&g->n_arrived, 0, memory_order_relaxed);
        pthread_mutex_lock(&g->lock);
        atomic_store_explicit(&g->phase, phase + 1, memory_order_release);
        pthread_cond_broadcast(&g->woken);
        pthread_mutex_unlock(&g->lock);
        return;
    }
    for (uint32_t i = 0; i < GATE_SPINS; i++) {
        if (atomic_load_explicit(&g->phase, memory_order_acquire) != phase)
            return;
        cpu_relax();
    }
    pthread_mutex_lock(&g->lock);
    while (atomic_load_explicit(&g->phase, memory_order_acquire) == phase)
        pthread_cond_wait(&g->woken, &g->lock);
    pthread_mutex_unlock(&g->lock);
}

/* ---- the shared level and its workers ---- */

/* A candidate violation met during a level; recorded after it in position order. */
typedef struct Cand {
    uint64_t pos; /* (rank << 32) | outcome ordinal; invariants: filled in from the key */
    uint32_t sub; /* order among candidates at one position: the property index */
    bool is_inv;  /* a property of a new state: its position is its state's key */
    Violation v;  /* the violation; v.message is owned */
} Cand;

typedef VEC(Cand) CandVec;

/* A state of the next level whose key a worker lowered from another chunk's range into the
** chunk it was expanding (see Chunk). */
typedef struct Arrival {
    uint32_t rank;    /* the rank it lowered the key to: valid if that is still its key when
                      ** settling */
    StateId sid;      /* the state */
    uint32_t born_at; /* the states the worker had stored when it met it (born_count) */
} Arrival;

/* What expanding one chunk of CLAIM ranks (ranks c * CLAIM ..) did to the next level, in the
** lists of the worker that expanded it: the states it stored, in the order it stored them (a
** range of the worker's count of stored states: their ids follow from its blocks of ids), and
** the states stored elsewhere whose keys it lowered into its ranks, in the order it did. The
** next level in key order is the chunks' in rank order, each the merge of the two lists: the
** stored states whose key is still in the chunk (a key only moves to a lower chunk: the one
** that stored a state met it there first), and the arrivals whose key is still the rank they
** were given (later, lower chunks may have lowered it again); both lists are in key order
** already, since a worker expands a chunk's ranks in order, and each arrival says how many
** states the worker had stored when it met it, which places it among them. */
typedef struct Chunk {
    uint32_t worker; /* the worker that expanded it (0 for a chunk nobody expanded) */
    uint64_t born;   /* its stored states: the worker's born ones numbered born .. born_end - 1 */
    uint64_t born_end;
    uint64_t arrived; /* its arrivals: the worker's arrivals[arrived .. arrived_end) */
    uint64_t arrived_end;
    uint64_t edged; /* record_graph: its ranks' edges start at the worker's edges[edged] */
    uint64_t n_out; /* the outcomes (transitions) of its ranks that the worker stored */
    _Atomic uint64_t n_born_now; /* --max-states: states it stored so far (is_quota_met) */
} Chunk;

/* A contiguous share of a level's ranks, [next, end) still to claim; on a cache line of its
** own, as a worker's claims write it. 'next' may pass 'end' (a claim past the end is void). */
typedef struct Share {
    alignas(64) _Atomic uint64_t next; /* the next rank to claim */
    uint64_t end;                      /* one past the share's last rank */
} Share;

/* One per thread, each on cache lines of its own (see level_init): a worker writes its fields
** on every outcome, and a neighbour sharing the line would pay a miss each time. */
typedef struct Worker {
    alignas(64) struct Level *lv; /* the search it works for */
    pthread_t thread;             /* workers 1..n-1; worker 0 is the calling thread */
    ExecCtx *ex;                  /* runs steps */
    ExecCtx *ex_prop;             /* evaluates properties inside exec_step's callbacks */
    uint64_t rank;                /* the rank being expanded */
    StateId cur;                  /* its id */
    uint32_t j;                   /* outcomes of it so far */
    CandVec cands;                /* candidate violations of this level */
    bool has_stop;                /* this worker stopped before its chunk's end (worker_stop) */
    uint64_t stop_pos;            /* has_stop: the position it stopped at */
    int stop_why;                 /* has_stop: the SearchStop at the least stop_pos */
    Pacer pacer;                  /* when it looks at the clock and the memory */
    uint64_t n_out;               /* outcomes of the ranks it expanded in this level */
    int64_t *tally;               /* new states whose key is in each block of ranks, as moved
                                  ** by this worker's key writes (see key_lower) */
    size_t tally_cap;             /* entries tally has room for */
    StoreIds ids;                 /* the ids this worker gives new states (see fill_holes) */
    VEC(uint64_t) blocks;         /* the blocks of ids it took in this level, in order (Chunk) */
    VEC(Arrival) arrivals;        /* the states whose keys it lowered from other chunks (Chunk) */
    VEC(uint64_t) own;            /* bit b set: ids lo + b * STORE_ID_BLOCK .. are its block */
    Batch batch;                  /* the outcomes of the ranks being expanded */
    bool is_parallel;             /* after a parallel level: the next one is parallel too */
    VEC(Edge) edges;              /* record_graph: its ranks' edges in this level (graph_prepare) */
    VEC(Fail) fails;              /* record_graph: their failing steps (an Edge's 'to') */
    VEC(StateId) inv_bad;         /* record_graph: new states it found breaking an invariant */
    uint64_t fails_base;          /* record_graph: where its fails go in the graph's list */
    VEC(WideStep) wides;          /* record_graph: the steps of its wide edges (Edge.is_wide) */
    uint64_t wides_base;          /* record_graph: where its wides go in the graph's list */
    uint64_t n_steps;             /* record_graph: steps it logged, in every level */
    uint64_t n_cycle_checks;      /* record_graph: of them, checked for a cycle */
} Worker;

struct Level {
    Search *s;              /* the search: options, store, violations, result */
    uint32_t n_workers;     /* workers, the calling thread included */
    Worker *workers;        /* n_workers */
    Gate start;             /* workers wait here while the calling thread runs alone */
    Gate gate;              /* the two gates of a parallel level (run_parallel) */
    uint64_t n_new;         /* settling: states of the new level */
    uint32_t n_settlers;    /* settling: workers that settle a share of the new level */
    uint64_t *n_share;      /* settling: new states in each settler's share of the ranks */
    uint64_t *settle_at;    /* settling: settler i places the children of ranks settle_at[i] ..
                            ** settle_at[i + 1] - 1 */
    StateId *order;         /* the level being expanded, in canonical order */
    size_t order_cap;       /* entries order has room for */
    StateId *spare_order;   /* the order of the level before, reused for the next one (a
                            ** fresh big array would fault its pages in each level) */
    size_t spare_cap;       /* entries spare_order has room for */
    Chunk *chunks;          /* the chunks of the level being expanded (Chunk) */
    size_t chunks_cap;      /* entries chunks has room for */
    StateId *moved_to;      /* settling: the id fill_holes gave state hi + i, at i */
    size_t moved_cap;       /* entries moved_to has room for */
    AtomicSize list_bytes;  /* bytes of the workers' blocks and arrivals lists: they grow
                            ** during the expansion, while any worker may count them */
    uint64_t n_order;       /* its states */
    uint64_t n_prev_order;  /* the states of the level before it (level_expect) */
    uint32_t *n_out;        /* record_graph: outcomes (transitions) of each rank, where its
                            ** edges go (graph_prepare); without a graph, the chunks' sums
                            ** (Chunk.n_out) are all a level keeps: a 4-byte write a state
                            ** cost the workers 4 to 6% (counter race, -j 2) */
    size_t n_out_cap;       /* entries n_out has room for */
    uint64_t cur_lo;        /* first id of the level being expanded */
    uint64_t lo;            /* first id of the next level */
    uint64_t n_expect;      /* settling: new states the next level is expected to find */
    bool is_reserving;      /* settling: the workers grow the store's tables for the next level */
    AtomicShard next_shard; /* is_reserving: the next shard to claim (reserve_shards) */
    uint32_t depth;         /* depth of the level being expanded */
    Side side[2];           /* side[cur]: vectors of this level; side[cur ^ 1]: the next's */
    uint32_t cur;           /* which side is this level's */
    Share *shares;          /* n_workers entries, of which n_shares are in use this level */
    uint32_t n_shares;      /* shares of the level being expanded */
    AtomicRank halt_rank;   /* no chunk starting at or past it is claimed; UINT64_MAX: none */
    AtomicRank first_end;   /* --first: a candidate's rank + 1, the least: no rank from it on
                            ** is needed (is_first_met); UINT64_MAX: none */
    _Atomic int halt_why;   /* a SearchStop for the clock or the memory, or -1 */
    bool is_done;           /* workers leave at the next gate */
    uint32_t n_invariants;  /* invariants of the model */
    bool is_solo;           /* the level being expanded runs on the calling thread alone */
    AtomicSize log_bytes;   /* record_graph: bytes of the workers' edges, fails and inv_bad */
    _Atomic bool is_graph_over;  /* record_graph: the graph would pass the memory budget: it is
                                 ** dropped at the level's end (the search goes on) */
    bool is_graph_placed;        /* record_graph: the settlers place the level's edges */
    _Atomic bool is_cycle_found; /* record_graph: a worker saw a step close a cycle
                                 ** (search_closes_cycle); graph_end marks the graph cyclic */
};

static Side *side_next(Level *lv)
{
    return &lv->side[lv->cur ^ 1];
}

/* Lower '*at' to 'rank' if that is less (a rank that only goes down). */
static void rank_lower(AtomicRank *at, uint64_t rank)
{
    uint64_t cur = atomic_load(at);
    while (rank < cur && !atomic_compare_exchange_weak(at, &cur, rank))
        ;
}

/* Claim no chunk that starts at or past rank 'rank'. */
static void level_halt_at(Level *lv, uint64_t rank)
{
    rank_lower(&lv->halt_rank, rank);
}

/* Stop claiming ranks; 'why' (the clock or the memory, else -1) is kept if first. */
static void level_halt(Level *lv, int why)
{
    level_halt_at(lv, 0);
    int none = -1;
    if (why >= 0)
        atomic_compare_exchange_strong(&lv->halt_why, &none, why);
}

/* Bytes the search holds besides the store: side arrays and the level arrays. */
static size_t level_bytes(Level *lv)
{
    size_t n = atomic_load(&lv->side[0].n_bytes) + atomic_load(&lv->side[1].n_bytes) +
               (lv->order_cap + lv->spare_cap) * sizeof *lv->order +
               lv->n_out_cap * sizeof *lv->n_out + lv->chunks_cap * sizeof *lv->chunks +
               lv->moved_cap * sizeof *lv->moved_to;
    for (uint32_t i = 0; i < lv->n_workers; i++)
        n += lv->workers[i].tally_cap * sizeof *lv->workers[i].tally;
    return n + atomic_load(&lv->list_bytes);
}

/* ---- candidates ---- */

/* Keep 'v' as a candidate at 'pos' unless it is known, or (not for invariants, whose position
** is their state's key, not known yet) this worker already has one with its key at a position
** no greater. An invariant's 'pos' is where its state was met, at or past its key: --first
** halts the level after that rank, so that every rank that could hold an earlier violation is
** still expanded. */
static void cand_add(Worker *w, const Violation *v, uint64_t pos, uint32_t sub, bool is_inv)
{
    Search *s = w->lv->s;
    if (search_viol_known(s, v))
        return;
    Cand c = {.pos = pos, .sub = sub, .is_inv = is_inv, .v = *v};
    c.v.message = v->message ? xstrdup(v->message) : NULL;
    Cand *slot = NULL;
    for (size_t i = 0; i < w->cands.len && !is_inv; i++) {
        Cand *old = &w->cands.items[i];
        if (!old->is_inv && search_viol_same(&old->v, v->kind, v->prop, v->line)) {
            if (old->pos <= pos) {
                free(c.v.message);
                return;
            }
            free(old->v.message); /* a stolen chunk of lower ranks met it earlier */
            slot = old;
            break;
        }
    }
    if (slot)
        *slot = c;
    else
        vec_push(&w->cands, c);
    if (s->opts->first) {
        level_halt_at(w->lv, (pos >> 32) + 1);
        rank_lower(&w->lv->first_end, (pos >> 32) + 1);
    }
}

/* Properties of 'kind' in 'vec' (state 'sid' at 'depth'), as candidates at 'pos'. True if one
** does not hold (broken, or its evaluation fails). */
static bool cand_props(Worker *w, PropKind kind, const uint8_t *vec, StateId sid, uint32_t depth,
                       uint64_t pos, bool is_inv)
{
    const Program *prog = w->lv->s->prog;
    bool is_bad = false;
    for (uint32_t p = 0; p < prog->n_props; p++) {
        if (prog->props[p].kind != kind)
            continue;
        const char *msg = NULL;
        PropResult r = exec_property(w->ex_prop, vec, p, &msg);
        if (r == PROP_HOLDS)
            continue;
        is_bad = true;
        Violation v = {.kind = r == PROP_ERROR          ? VIOL_ERROR
                               : kind == PROP_INVARIANT ? VIOL_INVARIANT
                                                        : VIOL_FINAL,
                       .prop = (int32_t)p,
                       .line = prog->props[p].line,
                       .message = r == PROP_ERROR ? (char *)msg : NULL,
                       .state = sid,
                       .depth = depth};
        cand_add(w, &v, pos, p, is_inv);
    }
    return is_bad;
}

static int cand_cmp(const void *a, const void *b)
{
    const Cand *x = a, *y = b;
    if (x->pos != y->pos)
        return x->pos < y->pos ? -1 : 1;
    return x->sub < y->sub ? -1 : x->sub > y->sub;
}

/* ---- expanding ---- */

/* Lower the key of the next level's state 'sid' to rank 'r' if that is less, and tally the
** move: the state's key leaves the block of ranks it was in (if it had one) for the block of 'r'.
** Summed over the workers, the tallies count the new states whose parent is in each block, so
** that settling can give each settler an even part (settle_split). True if it lowered it. */
static bool key_lower(Worker *w, StateId sid, uint32_t r)
{
    uint32_t old;
    if (!side_key_min(side_next(w->lv), sid - w->lv->lo, r, &old))
        return false;
    w->tally[r >> TALLY_BITS]++;
    if (old)
        w->tally[(uint32_t)~old >> TALLY_BITS]--;
    return true;
}

/* Append 'x' to a worker's list 'v', adding any growth to the atomic byte count '*bytes':
** check_limits, on any worker, reads such sums, never another worker's list. */
#define counted_push(bytes, v, x)                                              \
    do {                                                                       \
        size_t cap_ = (v)->cap;                                                \
        vec_push((v), (x));                                                    \
        if ((v)->cap != cap_)                                                  \
            atomic_fetch_add((bytes), ((v)->cap - cap_) * sizeof *(v)->items); \
    } while (0)

/* Append 'x' to the worker's list 'v' (its blocks or its arrivals), counted in lv->list_bytes. */
#define list_push(w, v, x) counted_push(&(w)->lv->list_bytes, v, x)

/* Append 'x' to the worker's graph log 'v' (record_graph), counted in lv->log_bytes, apart from
** the search's own lists: the graph does not count in the memory that stops the search, only
** in what makes it drop the graph (check_limits). */
#define log_push(w, v, x) counted_push(&(w)->lv->log_bytes, v, x)

/* record_graph: true if the graph has no edges, or will have none from the end of this level on
** (graph_end): its edges are not logged. */
static bool is_edgeless_now(Level *lv)
{
    return lv->s->graph->is_edgeless ||
           (atomic_load_explicit(&lv->is_cycle_found, memory_order_relaxed) &&
            !lv->s->opts->keep_cyclic_edges);
}

/* record_graph: the edge of the outcome 'p' of the state at w->rank, to 'to' (a failing step
** when 'p' is not EXEC_OK). */
static void log_edge(Worker *w, const Pending *p, StateId to)
{
    Level *lv = w->lv;
    if (p->status != EXEC_OK)
        lv->s->graph->flags[w->cur] |= SF_HAS_FAIL;
    if (is_edgeless_now(lv))
        return;
    w->n_steps++;
    /* is_cycle_found stays set once a cycle is seen (graph_end marks the graph from it) */
    if (!atomic_load_explicit(&lv->is_cycle_found, memory_order_relaxed) &&
        search_closes_cycle(lv->s->st, w->cur, to, &w->n_cycle_checks, w->n_steps)) {
        atomic_store_explicit(&lv->is_cycle_found, true, memory_order_relaxed);
        if (is_edgeless_now(lv))
            return;
    }
    Fail f;
    WideStep ws;
    Edge e = graph_edge_of(p, to, (uint32_t)w->fails.len, (uint32_t)w->wides.len, &f, &ws);
    if (e.is_fail)
        log_push(w, &w->fails, f);
    if (e.is_wide)
        log_push(w, &w->wides, ws);
    /* grown as the graph's arrays are (util_map_grow), into huge pages once past 1 MiB: as a
    ** VEC, 4 MiB of a level's log took a thousand 4 KiB pages, each first write a trap to the
    ** host on a virtual machine that shadows the page tables (docs/performance.md) */
    if (w->edges.len == w->edges.cap) {
        size_t cap = w->edges.cap;
        util_map_grow((void **)&w->edges.items, &w->edges.cap, cap + 1, sizeof(Edge));
        atomic_fetch_add(&lv->log_bytes, (w->edges.cap - cap) * sizeof(Edge));
    }
    edge_put(&w->edges.items[w->edges.len++], e);
}

/* This worker stops at 'pos' for 'why', and the level is cut at the least such position: the
** memory budget refused what the outcome at 'pos' needs (its state, its vector, its batch's
** successors), or the clock or the memory halted the level (the rank of 'pos' is the first of
** its chunk not expanded). */
static void worker_stop(Worker *w, uint64_t pos, SearchStop why)
{
    if (!w->has_stop || pos < w->stop_pos) {
        w->stop_pos = pos;
        w->stop_why = (int)why;
    }
    w->has_stop = true;
    level_halt(w->lv, (int)why); /* the ranks of other shares may be left unclaimed */
}

/* --compact: room for the vector of the next level's entry 'idx', if the memory budget has
** room for it (side_vec_new); NULL if not. */
static uint8_t *next_vec_new(Level *lv, uint64_t idx)
{
    Side *sd = side_next(lv);
    size_t max = lv->s->opts->max_memory;
    size_t used = max && side_is_indirect(sd) ? store_memory_bytes(lv->s->st) + level_bytes(lv) : 0;
    return side_vec_new(sd, idx, used, max);
}

/* A new successor 'vec' of w->cur at 'pos' (its key written as it was stored): its tally, its
** invariants, its vector (--compact).
** A vector the memory budget has no room for stops the search as a full store does (the
** states from its position on are cut; the level is the last). */
static void on_new_state(Worker *w, const uint8_t *vec, StateId sid, uint64_t pos)
{
    Level *lv = w->lv;
    Search *s = lv->s;
    w->tally[(pos >> 32) >> TALLY_BITS]++; /* its key, written before the store published it */
    if (lv->n_invariants && cand_props(w, PROP_INVARIANT, vec, sid, lv->depth + 1, pos, true) &&
        s->graph)
        log_push(w, &w->inv_bad, sid);
    if (s->opts->compact) {
        uint8_t *dst = next_vec_new(lv, sid - lv->lo);
        if (!dst) {
            worker_stop(w, pos, SEARCH_MAX_MEMORY);
            return;
        }
        memcpy(dst, vec, s->prog->state_size);
    }
}

/* The vector of the state 'sid' of the level being expanded. */
static const uint8_t *level_vec(Level *lv, StateId sid)
{
    Search *s = lv->s;
    return s->opts->compact ? side_vec(&lv->side[lv->cur], sid - lv->cur_lo)
                            : store_vec(s->st, sid);
}

/* Remember that the block of ids starting at 'sid' (ids of the next level), just taken, is
** this worker's. Blocks are taken STORE_ID_BLOCK at a time from lo on, so the block of an id is
** (id - lo) / STORE_ID_BLOCK. */
static void own_block(Worker *w, StateId sid)
{
    uint64_t b = (sid - w->lv->lo) / STORE_ID_BLOCK;
    assert((sid - w->lv->lo) % STORE_ID_BLOCK == 0 && "id blocks not aligned to the level");
    while (w->own.len <= b / 64)
        vec_push(&w->own, 0);
    w->own.items[b / 64] |= (uint64_t)1 << (b % 64);
    list_push(w, &w->blocks, sid);
}

/* The states this worker stored in this level so far: every id of its blocks before the next
** one it hands out (Chunk numbers them so). */
static uint64_t born_count(const Worker *w)
{
    size_t n = w->blocks.len;
    return n ? (n - 1) * STORE_ID_BLOCK + (w->ids.next - w->blocks.items[n - 1]) : 0;
}

/* True if 'sid', of the next level, is a state this worker stored, in a block of its own. Its
** key is then already below any position the worker reaches now (a worker's positions only
** grow: it claims ranks in increasing order, and it stored the state at the first position it
** met it), so a later sighting need not touch the key. With one worker, no sighting does. */
static bool is_own(const Worker *w, StateId sid)
{
    uint64_t b = (sid - w->lv->lo) / STORE_ID_BLOCK;
    return b / 64 < w->own.len && (w->own.items[b / 64] >> (b % 64) & 1);
}

/* A level starts: no block is anyone's. */
static void forget_own(Worker *w)
{
    if (w->own.len)
        memset(w->own.items, 0, w->own.len * sizeof *w->own.items);
}

/* Store the kept outcome 'p', outcome j of the state at w->rank (a failing step is a candidate
** violation instead). A new state takes its key at once (on_new_state); a state another worker
** stored in this level has its key line prefetched, and lowered by settle_keys(); one this
** worker stored already has a key below (is_own). */
static void store_outcome(Worker *w, Pending *p)
{
    Level *lv = w->lv;
    Search *s = lv->s;
    assert(w->j < J_DEADLOCK - 1 && "more outcomes of one state than positions can name");
    uint64_t pos = (w->rank << 32) | ++w->j;
    p->sid = STATE_ID_NONE;
    if (p->status != EXEC_OK) {
        Violation v = {.kind = p->status == EXEC_ASSERT_FAILED ? VIOL_ASSERT : VIOL_ERROR,
                       .prop = -1,
                       .line = p->line,
                       .message = p->message,
                       .state = w->cur,
                       .by_step = true,
                       .tid = p->tid,
                       .k = p->k,
                       .depth = lv->depth + 1};
        cand_add(w, &v, pos, 0, false);
        if (s->graph)
            log_edge(w, p, STATE_ID_NONE);
        return;
    }
    const uint8_t *key = search_batch_vec(&w->batch, p);
    uint8_t fp[FP_LEN];
    if (s->opts->compact) {
        memcpy(fp, &p->hash, FP_LEN);
        key = fp;
    }
    /* The key of the state this outcome would be, written before the store publishes it: no
    ** other worker can read a new state's key before it is its storer's position. */
    uint64_t end = w->ids.end;
    if (!store_ids_ready(s->st, &w->ids)) {
        worker_stop(w, pos, SEARCH_MAX_MEMORY);
        return;
    }
    if (w->ids.end != end) /* a new block */
        own_block(w, w->ids.next);
    atomic_store_explicit(side_key(side_next(lv), w->ids.next - lv->lo), ~(uint32_t)w->rank,
                          memory_order_relaxed);
    StateId sid;
    StoreResult r = store_insert_ids(s->st, &w->ids, key, p->key_hash, w->cur, &sid);
    if (r == STORE_FULL) {
        worker_stop(w, pos, SEARCH_MAX_MEMORY);
        return;
    }
    if (s->graph)
        log_edge(w, p, sid);
    if (sid < lv->lo)
        return;
    if (r == STORE_NEW) {
        on_new_state(w, search_batch_vec(&w->batch, p), sid, pos);
        return;
    }
    if (is_own(w, sid))
        return;
    p->sid = sid;
    p->rank = (uint32_t)w->rank;
    p->born_at = (uint32_t)born_count(w);
    side_key_prefetch(side_next(lv), sid - lv->lo);
}

/* Store the outcomes of the state at rank 'r' (from 'begin' in w->batch): finals if every
** thread is done, else every outcome in order; a deadlock when nothing could move. */
static void expand_rank(Worker *w, uint64_t r, const BatchEntry *e, size_t begin)
{
    Level *lv = w->lv;
    Search *s = lv->s;
    w->rank = r;
    w->cur = e->sid;
    w->j = 0;
    if (e->is_all_done) {
        bool is_bad =
            cand_props(w, PROP_FINAL, level_vec(lv, e->sid), e->sid, lv->depth, r << 32, false);
        if (s->graph) {
            s->graph->flags[e->sid] |= SF_END | (is_bad ? SF_FINAL_BAD : 0);
            lv->n_out[r] = 0;
        }
        return;
    }
    for (size_t i = begin; i < e->end && !w->has_stop; i++)
        store_outcome(w, &w->batch.pend.items[i]);
    if (s->graph)
        lv->n_out[r] = w->j;
    w->n_out += w->j;
    if (s->graph && !e->has_run && !s->opts->no_deadlock)
        s->graph->flags[e->sid] |= SF_DEADLOCK;
    if (!e->has_run && !w->has_stop && !s->opts->no_deadlock) {
        Violation v = {.kind = VIOL_DEADLOCK, .prop = -1, .state = e->sid, .depth = lv->depth};
        cand_add(w, &v, (r << 32) | J_DEADLOCK, 0, false);
    }
}

/* The second pass over a batch: lower the key of every state of the next level that
** store_outcome met stored by another worker (or by this one, in a chunk of higher ranks) to
** its position; one whose key it lowers is an arrival in this chunk (Chunk). Apart from
** expand_rank so that the key lines, prefetched as the ids came back, have arrived; the order
** does not matter, a key being a minimum. */
static void settle_keys(Worker *w, size_t end)
{
    for (size_t i = 0; i < end; i++) {
        const Pending *p = &w->batch.pend.items[i];
        if (p->status == EXEC_OK && p->sid != STATE_ID_NONE && key_lower(w, p->sid, p->rank))
            list_push(w, &w->arrivals, ((Arrival){p->rank, p->sid, p->born_at}));
    }
}

/* record_graph: true if the graph, 'used' bytes held besides it (the store and the level
** arrays) and the workers' logs of this level's edges, would pass the memory budget: it is
** dropped then (graph_end). */
static bool is_graph_past_budget(Level *lv, size_t used)
{
    return search_graph_past_budget(lv->s, used + atomic_load(&lv->log_bytes));
}

/* The clock and the memory budget. */
static void check_limits(Worker *w)
{
    Level *lv = w->lv;
    const SearchOptions *o = lv->s->opts;
    size_t used = o->max_memory ? store_memory_bytes(lv->s->st) + level_bytes(lv) : 0;
    if (o->max_memory && used > o->max_memory)
        level_halt(lv, SEARCH_MAX_MEMORY);
    if (is_graph_past_budget(lv, used))
        atomic_store(&lv->is_graph_over, true);
    if (o->time_limit > 0 && util_now() - lv->s->t0 >= o->time_limit)
        level_halt(lv, SEARCH_TIME_LIMIT);
    if (search_is_interrupted(o))
        level_halt(lv, SEARCH_INTERRUPTED);
    if (o->progress && w == &lv->workers[0]) { /* worker 0 runs on the search thread */
        uint64_t n_stored = store_count(lv->s->st), n_left = 0;
        for (uint32_t i = 0; i < lv->n_shares; i++) {
            uint64_t next = atomic_load(&lv->shares[i].next);
            n_left += next < lv->shares[i].end ? lv->shares[i].end - next : 0;
        }
        uint64_t n_next = n_stored > lv->lo ? n_stored - lv->lo : 0;
        SearchProgress p = {n_stored, n_left + n_next, lv->depth, store_memory_bytes(lv->s->st)};
        o->progress(o->progress_ctx, &p);
    }
}

/* --max-states, after each rank of the chunk starting at 'a': true if the chunk's next rank x
** and those after it need not be expanded, since the level will be cut before x whatever they
** add: more than the level's quota of states already have a key below (x, 0), so the state
** past the quota, where the cut falls, is one of them. Counted from below, as keys only go
** down: the states stored by the chunks before this one (ranks below a: under --max-states a
** level is one share, claimed in rank order, so they are all claimed, and each chunk's count is
** published as it grows, so those still being expanded count as far as they got) and by this
** chunk so far (ranks a .. x - 1). No chunk after it is needed either: the level is halted.
** Summed only once the store holds more states than the quota. Rank by rank, so that a model
** with thousands of successors a state stores little past the cut, where finishing the chunk
** (CLAIM ranks) stored up to 30 times the quota. */
static bool is_quota_met(Worker *w, uint64_t a)
{
    Level *lv = w->lv;
    uint64_t max = lv->s->opts->max_states;
    Chunk *ch = &lv->chunks[a / CLAIM];
    uint64_t n = born_count(w) - ch->born;
    atomic_store_explicit(&ch->n_born_now, n, memory_order_relaxed);
    uint64_t quota = max > lv->lo ? max - lv->lo : 0, n_stored = store_count(lv->s->st);
    if (n_stored - lv->lo <= quota) /* cheap: at least every state counted below */
        return false;
    /* store_count() includes the ids reserved and not used yet, at most a block a worker: past
    ** them, more states than the quota have keys in the ranks claimed, and no later chunk is
    ** needed, whichever rank the cut falls at */
    if (n_stored > max + (uint64_t)lv->n_workers * STORE_ID_BLOCK)
        level_halt(lv, -1);
    for (uint64_t c = 0; c < a / CLAIM && n <= quota; c++)
        n += atomic_load_explicit(&lv->chunks[c].n_born_now, memory_order_relaxed);
    if (n <= quota)
        return false;
    level_halt(lv, -1);
    return true;
}

/* --first, after each rank: true if rank x and those after it need not be expanded, since a
** candidate violation at a rank below x puts the cut before x (an invariant's candidate is at
** or past its state's key, where the cut would fall). A worker that finished its chunk whatever
** stored up to CLAIM ranks of successors past the first violation: on a model of 2,000
** threads, 2 GB where the search needs 18 MB. */
static bool is_first_met(Level *lv, uint64_t x)
{
    return atomic_load_explicit(&lv->first_end, memory_order_relaxed) <= x;
}

/* Expand the ranks a .. b - 1 in order, BATCH at a time: generate every outcome of a batch,
** then store them, so that the store's cache misses overlap. Under --max-states or --first the
** expansion may end before b (is_quota_met, is_first_met). */
static void expand_ranks(Worker *w, uint64_t a, uint64_t b)
{
    Level *lv = w->lv;
    Search *s = lv->s;
    BatchEntry batch[BATCH];
    const uint8_t *vecs[2][BATCH]; /* the vectors of this batch and of the next one */
    for (uint64_t r = a; r < a + BATCH && r < b; r++) {
        vecs[0][r - a] = level_vec(lv, lv->order[r]);
        __builtin_prefetch(vecs[0][r - a]);
    }
    for (uint64_t r0 = a, cur = 0; r0 < b && !w->has_stop; cur ^= 1) {
        size_t n = b - r0 < BATCH ? (size_t)(b - r0) : BATCH;
        /* The level's ids are in the order the workers stored them, not in rank order: the
        ** next batch's records are scattered, so start loading them now. */
        for (uint64_t r = r0 + BATCH; r < r0 + 2 * BATCH && r < b; r++) {
            vecs[cur ^ 1][r - r0 - BATCH] = level_vec(lv, lv->order[r]);
            __builtin_prefetch(vecs[cur ^ 1][r - r0 - BATCH]);
        }
        bool is_split = false; /* the batch ends before its n-th rank: the rest is the next */
        for (size_t k = 0; k < n; k++) {
            batch[k].sid = lv->order[r0 + k];
            search_batch_generate(&w->batch, w->ex, vecs[cur][k], &batch[k]);
            if (w->batch.is_over) { /* its successors do not fit: the ranks before it first */
                is_split = true;
                n = k;
                break;
            }
            /* States with hundreds of successors: a few make a batch (the misses overlap as
            ** well), and a limit that cuts the level is seen after fewer of them. */
            if (w->batch.pend.len >= BATCH_OUTCOMES && k + 1 < n) {
                is_split = true;
                n = k + 1;
                break;
            }
        }
        search_batch_prefetch(&w->batch);
        size_t k = 0;
        bool is_cut = false; /* the level is cut before rank r0 + k */
        while (k < n && !w->has_stop && !is_cut) {
            expand_rank(w, r0 + k, &batch[k], k ? batch[k - 1].end : 0);
            k++;
            is_cut = (s->opts->max_states && is_quota_met(w, a)) ||
                     (s->opts->first && is_first_met(lv, r0 + k));
        }
        settle_keys(w, k ? batch[k - 1].end : 0); /* may find an invariant's candidate */
        size_t n_outcomes = w->batch.pend.len;
        search_batch_clear(&w->batch);
        if (is_cut || (s->opts->first && is_first_met(lv, r0 + k)))
            return;
        if (search_pacer_due(&w->pacer, k, n_outcomes, s->prog->state_size))
            check_limits(w);
        int why = atomic_load_explicit(&lv->halt_why, memory_order_relaxed);
        if (why >= 0 && r0 + k < b) { /* the clock or the memory: the rest of the chunk waits */
            worker_stop(w, (r0 + k) << 32, (SearchStop)why);
            return;
        }
        if (is_split && n == 0) { /* one state's successors do not fit: stop before its rank */
            worker_stop(w, r0 << 32, SEARCH_MAX_MEMORY);
        } else if (is_split) { /* the rest of the batch next, as a batch of its own */
            for (uint64_t r = r0 + n; r < r0 + n + BATCH && r < b; r++)
                vecs[cur ^ 1][r - r0 - n] = level_vec(lv, lv->order[r]);
        }
        r0 += n;
    }
}

/* Claim the next chunk of 'sh' into [*a_out, *b_out); false when the share is done or the rest
** of it is past the halt rank. A chunk claimed is expanded whole (level_cut counts on it) but
** where its worker stops (worker_stop, a position level_cut cuts at) or where the cut is known
** to fall before (is_quota_met, is_first_met). */
static bool share_claim(Level *lv, Share *sh, uint64_t *a_out, uint64_t *b_out)
{
    uint64_t next = atomic_load_explicit(&sh->next, memory_order_relaxed);
    if (next >= sh->end || next >= atomic_load_explicit(&lv->halt_rank, memory_order_relaxed))
        return false;
    uint64_t a = atomic_fetch_add(&sh->next, CLAIM);
    if (a >= sh->end)
        return false;
    *a_out = a;
    *b_out = a + CLAIM < sh->end ? a + CLAIM : sh->end;
    return true;
}

/* One worker's part of a level: claim ranks from its own share, then from the others' in turn,
** until none is left or the level halts. */
static void work_level(Worker *w)
{
    Level *lv = w->lv;
    uint32_t me = (uint32_t)(w - lv->workers);
    w->has_stop = false;
    uint64_t last = 0, a, b;
    for (uint32_t k = 0; k < lv->n_shares; k++) {
        Share *sh = &lv->shares[(me + k) % lv->n_shares];
        while (share_claim(lv, sh, &a, &b)) {
            if (a < last) /* back to lower ranks: its own states may be met earlier now */
                forget_own(w);
            last = b;
            Chunk *ch = &lv->chunks[a / CLAIM];
            ch->worker = me;
            ch->born = born_count(w);
            ch->arrived = w->arrivals.len;
            ch->edged = w->edges.len;
            uint64_t n_out = w->n_out;
            expand_ranks(w, a, b);
            ch->n_out = w->n_out - n_out;
            ch->born_end = born_count(w);
            ch->arrived_end = w->arrivals.len;
            if (w->has_stop)
                return;
        }
    }
}

/* ---- settling a level ---- */

/* '*buf' with room for at least 'n' entries of 'size' bytes, grown (never shrunk) as levels
** widen; its old contents are not to be relied on. Grown by realloc, not free and malloc: a
** big buffer is a mapping of its own, which realloc grows in place or moves with its pages,
** where a fresh one would fault every page in again (levels widen many times). The part
** added is populated at once (every entry of it is written in this level). */
static void *buf_reserve(void **buf, size_t *cap, size_t n, size_t size)
{
    if (n > *cap || !*buf) {
        size_t had = *buf ? *cap : 0;
        *cap = n > *cap ? n : *cap;
        *buf = xrealloc(*buf, *cap * size);
        util_populate((char *)*buf + had * size, (*cap - had) * size);
    }
    return *buf;
}

/* Ids a worker reserved and did not use: [lo, hi). */
typedef struct IdRange {
    uint64_t lo, hi;
} IdRange;

/* Each worker takes the ids of its new states from a block of its own, so that two workers
** never write the same cache line of the records or of the side arrays. The ids a worker
** reserved and did not use are holes in the new level [lo, store_count), one range a worker
** (the rest of its last block): move the level's last states into them, keys, vectors
** (--compact) and invariant candidates along, and drop the ids past the last state, so that the
** level is dense, as one thread leaves it. Its order is settled by the keys afterwards, so which
** state lands in which hole does not matter. The ranges are taken whole, not id by id: a level
** of one state leaves most of a block unused, and a deep narrow model has millions of them. */
static void fill_holes(Level *lv)
{
    Search *s = lv->s;
    VEC(IdRange) holes = {0};
    uint64_t n_holes = 0;
    for (uint32_t i = 0; i < lv->n_workers; i++) {
        StoreIds *ids = &lv->workers[i].ids;
        if (ids->next < ids->end) {
            size_t k = holes.len; /* insertion sort by lo: a few ranges */
            vec_push(&holes, ((IdRange){ids->next, ids->end}));
            for (; k > 0 && holes.items[k - 1].lo > ids->next; k--) {
                holes.items[k] = holes.items[k - 1];
                holes.items[k - 1] = (IdRange){ids->next, ids->end};
            }
            n_holes += ids->end - ids->next;
        }
        ids->next = ids->end = 0;
        forget_own(&lv->workers[i]);
    }
    if (!n_holes) {
        vec_free(&holes);
        return;
    }
    uint64_t top = store_count(s->st), dense = top - n_holes;
    buf_reserve((void **)&lv->moved_to, &lv->moved_cap, n_holes, sizeof *lv->moved_to);
    Side *sd = side_next(lv);
    size_t first = 0, last = holes.len; /* the ranges left: holes.items[first .. last) */
    while (first < last) {
        IdRange *up = &holes.items[last - 1];
        if (up->hi == top) { /* the last ids are holes themselves: drop them */
            top = up->lo;
            last--;
            continue;
        }
        uint64_t t = --top, to = holes.items[first].lo++;
        if (holes.items[first].lo == holes.items[first].hi)
            first++;
        lv->moved_to[t - dense] = (StateId)to;
        store_move(s->st, (StateId)t, (StateId)to);
        atomic_store(side_key(sd, to - lv->lo), atomic_load(side_key(sd, t - lv->lo)));
        if (s->opts->compact)
            side_vec_move(sd, to - lv->lo, t - lv->lo);
        for (uint32_t i = 0; i < lv->n_workers; i++)
            for (size_t c = 0; c < lv->workers[i].cands.len; c++) {
                Cand *cand = &lv->workers[i].cands.items[c];
                if (cand->is_inv && cand->v.state == t)
                    cand->v.state = (StateId)to;
            }
    }
    store_truncate(s->st, dense);
    vec_free(&holes);
}

/* A state of the next level and the ordinal of the first outcome of a rank that gives it. */
typedef struct FirstOut {
    StateId sid;
    uint32_t j;
} FirstOut;

/* The steps of states of the level being expanded, run again where a cut or a candidate needs
** what expanding them did: on an execution context of its own (the workers' count the steps a
** preemption bound holds and mark the coverage), made when first needed. The outcomes of the
** last rank run are kept, and, once a state's first ordinal is asked for, which state each
** gives: any number of states of one rank are then looked up for one run of its steps. */
typedef struct Rerun {
    Batch bt;
    ExecCtx *ex;          /* NULL until first needed */
    uint64_t rank;        /* the rank whose outcomes bt holds, or UINT64_MAX */
    bool has_firsts;      /* 'firsts' is that rank's */
    VEC(FirstOut) firsts; /* its outcomes' states of the next level, by id, then ordinal */
} Rerun;

static Rerun rerun_init(const Level *lv)
{
    const Search *s = lv->s;
    return (Rerun){.bt = {.prog = s->prog, .st = s->st, .is_compact = s->opts->compact},
                   .rank = UINT64_MAX};
}

static void rerun_free(Rerun *rr)
{
    exec_free(rr->ex);
    search_batch_free(&rr->bt);
    vec_free(&rr->firsts);
}

/* The outcomes of the state at rank 'r', in rr->bt: the same, in the same order, as expanding
** it stored. Its steps run again unless they were the last ones run. */
static void rerun_rank(Level *lv, Rerun *rr, uint64_t r)
{
    if (rr->rank == r)
        return;
    search_batch_clear(&rr->bt);
    if (!rr->ex)
        rr->ex = exec_new(lv->s->prog);
    BatchEntry e = {.sid = lv->order[r]};
    search_batch_generate(&rr->bt, rr->ex, level_vec(lv, e.sid), &e);
    rr->rank = r;
    rr->has_firsts = false;
}

/* The outcomes of the state at rank 'r' of the level being expanded: as many as expanding it
** stored, if it was expanded whole. */
static uint64_t rank_outcomes(Level *lv, Rerun *rr, uint64_t r)
{
    rerun_rank(lv, rr, r);
    return rr->bt.pend.len;
}

static int first_out_cmp(const void *a, const void *b)
{
    const FirstOut *x = a, *y = b;
    if (x->sid != y->sid)
        return x->sid < y->sid ? -1 : 1;
    return x->j < y->j ? -1 : x->j > y->j;
}

/* rr->firsts for the rank whose outcomes rr->bt holds: the state of the next level each outcome
** gives (looked up in the store), sorted. */
static void rerun_firsts(Level *lv, Rerun *rr)
{
    const Search *s = lv->s;
    rr->firsts.len = 0;
    for (size_t i = 0; i < rr->bt.pend.len; i++) {
        const Pending *p = &rr->bt.pend.items[i];
        if (p->status != EXEC_OK) /* a failing step: no successor */
            continue;
        const uint8_t *key = search_batch_vec(&rr->bt, p);
        uint8_t fp[FP_LEN];
        if (s->opts->compact) {
            memcpy(fp, &p->hash, FP_LEN);
            key = fp;
        }
        StateId sid = store_find(s->st, key, p->key_hash);
        if (sid != STATE_ID_NONE && sid >= lv->lo)
            vec_push(&rr->firsts, ((FirstOut){sid, (uint32_t)i + 1}));
    }
    qsort(rr->firsts.items, rr->firsts.len, sizeof *rr->firsts.items, first_out_cmp);
    rr->has_firsts = true;
}

/* The position of the first outcome of the state at rank 'r' that gives the next level's state
** 'sid' (settled): the whole of its key when that is 'r' (a key keeps the rank alone). */
static uint64_t first_outcome(Level *lv, Rerun *rr, uint64_t r, StateId sid)
{
    rerun_rank(lv, rr, r);
    if (!rr->has_firsts)
        rerun_firsts(lv, rr);
    size_t a = 0, b = rr->firsts.len; /* the first entry of 'sid': the least ordinal */
    while (a < b) {
        size_t m = a + (b - a) / 2;
        if (rr->firsts.items[m].sid < sid)
            a = m + 1;
        else
            b = m;
    }
    assert(a < rr->firsts.len && rr->firsts.items[a].sid == sid &&
           "a state whose key's rank never gives it");
    return r << 32 | rr->firsts.items[a].j;
}

/* Every worker's candidates, positions resolved, sorted by position. An invariant's candidate
** is at its state's key, of which the side array keeps the rank: the outcome's ordinal is found
** again (first_outcome) for the candidates of the least rank among those of their property, the
** only ones that can come first for it (search_viol_record keeps a property's first); the
** others keep their storer's ordinal, in the right rank. */
static void gather_cands(Level *lv, Rerun *rr, CandVec *all)
{
    for (uint32_t i = 0; i < lv->n_workers; i++) {
        Worker *w = &lv->workers[i];
        for (size_t c = 0; c < w->cands.len; c++) {
            Cand cand = w->cands.items[c];
            if (cand.is_inv)
                cand.pos = (uint64_t)side_key_get(side_next(lv), cand.v.state - lv->lo) << 32 |
                           (uint32_t)cand.pos;
            vec_push(all, cand);
        }
        w->cands.len = 0;
    }
    if (!all->len)
        return;
    qsort(all->items, all->len, sizeof *all->items, cand_cmp);
    VEC(Cand) firsts = {0}; /* the first candidate of each invariant's property, by rank */
    for (size_t i = 0; i < all->len; i++) {
        Cand *c = &all->items[i];
        if (!c->is_inv)
            continue;
        const Cand *f = NULL;
        for (size_t k = 0; k < firsts.len && !f; k++)
            if (search_viol_same(&firsts.items[k].v, c->v.kind, c->v.prop, c->v.line))
                f = &firsts.items[k];
        if (!f)
            vec_push(&firsts, *c);
        if (!f || f->pos >> 32 == c->pos >> 32)
            c->pos = first_outcome(lv, rr, c->pos >> 32, c->v.state);
    }
    if (firsts.len)
        qsort(all->items, all->len, sizeof *all->items, cand_cmp);
    vec_free(&firsts);
}

/* Transitions of the level before the cut (outcomes at positions <= cut). Uncut, every rank
** was expanded whole, and the workers' sums say it without a pass over the ranks. Cut, the
** ranks below the cut were expanded whole: the sums of the chunks before the cut's, then the
** outcomes of the cut's chunk's ranks before it, counted again by running their steps (at
** most CLAIM states, once a search: a level cut is the last), on a context of their own (the
** workers' count the steps a preemption bound held, and mark the coverage). */
static uint64_t transitions_before(Level *lv, Rerun *rr, uint64_t cut)
{
    uint64_t n = 0;
    if (cut == POS_NONE) {
        for (uint32_t i = 0; i < lv->n_workers; i++)
            n += lv->workers[i].n_out;
        return n;
    }
    uint64_t rc = cut >> 32, jc = cut & 0xffffffffu;
    if (rc >= lv->n_order) { /* the whole level: every chunk's sum, the last one's too */
        rc = (lv->n_order + CLAIM - 1) / CLAIM * CLAIM;
        jc = 0;
    }
    for (uint64_t c = 0; c < rc / CLAIM; c++)
        n += lv->chunks[c].n_out;
    if (rc % CLAIM == 0 && jc == 0)
        return n;
    for (uint64_t r = rc / CLAIM * CLAIM; r < rc; r++)
        n += rank_outcomes(lv, rr, r);
    if (jc) {
        uint64_t m = rank_outcomes(lv, rr, rc);
        n += jc < m ? jc : m;
    }
    return n;
}

/* The key of the new level's state at index 'i' of its canonical order, once settled, a rank:
** read from the side array, not kept in an array of the order's own (a cut alone needs it). */
static uint64_t level_key(Level *lv, uint64_t i)
{
    return side_key_get(side_next(lv), lv->spare_order[i] - lv->lo);
}

/* The position that first met the new level's state at index 'i' (its key's rank, and the
** ordinal found again). */
static uint64_t level_pos(Level *lv, Rerun *rr, uint64_t i)
{
    return first_outcome(lv, rr, level_key(lv, i), lv->spare_order[i]);
}

/* Where the level is cut and why: the least of a halt of the claiming, a refused insertion, the
** state past --max-states and the first violation under --first. POS_NONE: nowhere. */
static uint64_t level_cut(Level *lv, Rerun *rr, uint64_t n_new, const CandVec *all,
                          bool *is_incl_out, int *why_out)
{
    const SearchOptions *o = lv->s->opts;
    uint64_t claimed = lv->n_order, cut = POS_NONE; /* the least rank not claimed */
    for (uint32_t i = 0; i < lv->n_shares; i++) {
        uint64_t next = atomic_load(&lv->shares[i].next);
        if (next < lv->shares[i].end && next < claimed)
            claimed = next;
    }
    int why = -1;
    *is_incl_out = false;
    if (claimed < lv->n_order) {
        cut = claimed << 32;
        why = atomic_load(&lv->halt_why);
    }
    for (uint32_t i = 0; i < lv->n_workers; i++) {
        if (lv->workers[i].has_stop && lv->workers[i].stop_pos < cut) {
            cut = lv->workers[i].stop_pos;
            why = lv->workers[i].stop_why;
        }
    }
    if (o->max_states) {
        uint64_t quota = o->max_states > lv->lo ? o->max_states - lv->lo : 0;
        uint64_t at = n_new > quota && level_key(lv, quota) <= cut >> 32 ? level_pos(lv, rr, quota)
                                                                         : POS_NONE;
        if (at < cut) {
            cut = at;
            why = SEARCH_MAX_STATES;
        }
    }
    if (o->first && all->len && all->items[0].pos < cut) {
        cut = all->items[0].pos;
        why = SEARCH_FIRST;
        *is_incl_out = true;
    }
    assert((cut == POS_NONE || why >= 0) && "a halted level without a reason to cut it");
    *why_out = why;
    return cut;
}

/* Record the candidates before the cut in order; free every candidate's message. */
static void record_cands(Level *lv, CandVec *all, uint64_t cut, bool is_incl)
{
    Search *s = lv->s;
    for (size_t i = 0; i < all->len; i++) {
        Cand *c = &all->items[i];
        bool is_in = c->pos < cut || (is_incl && c->pos == cut);
        if (is_in && !(s->opts->first && s->is_stopped))
            search_viol_record(s, &c->v);
        free(c->v.message);
    }
    all->len = 0;
}

/* True if a level of 'n_states' runs on the calling thread alone: a narrow one (gates would
** cost more than the workers save; tests may lower it: solo_below), or no worker but it. */
static bool is_solo_level(const Level *lv, uint64_t n_states)
{
    uint32_t below = lv->s->opts->solo_below ? lv->s->opts->solo_below : SOLO_LEVEL;
    return n_states < below || lv->n_workers == 1;
}

/* Make the level in lv->order the one to expand: its counters reset, and whether it runs on the
** calling thread alone (is_solo_level). */
static void prepare_level(Level *lv)
{
    if (lv->n_order && lv->s->graph)
        buf_reserve((void **)&lv->n_out, &lv->n_out_cap, lv->n_order, sizeof *lv->n_out);
    size_t n_blocks = (lv->n_order >> TALLY_BITS) + 1; /* a chunk is a block (CLAIM) */
    buf_reserve((void **)&lv->chunks, &lv->chunks_cap, n_blocks, sizeof *lv->chunks);
    memset(lv->chunks, 0, n_blocks * sizeof *lv->chunks); /* a chunk not expanded is empty */
    for (uint32_t i = 0; i < lv->n_workers; i++) {
        Worker *w = &lv->workers[i];
        w->n_out = 0;
        w->blocks.len = 0;
        w->arrivals.len = 0;
        buf_reserve((void **)&w->tally, &w->tally_cap, n_blocks, sizeof *w->tally);
        memset(w->tally, 0, n_blocks * sizeof *w->tally);
    }
    atomic_store(&lv->halt_rank, UINT64_MAX);
    atomic_store(&lv->first_end, UINT64_MAX);
    atomic_store(&lv->halt_why, -1);
    lv->is_solo = is_solo_level(lv, lv->n_order);
    lv->n_shares = lv->is_solo || lv->s->opts->max_states ? 1 : lv->n_workers;
    for (uint32_t i = 0; i < lv->n_shares; i++) { /* whole chunks, but for the level's end */
        atomic_store(&lv->shares[i].next, lv->n_order * i / lv->n_shares / CLAIM * CLAIM);
        lv->shares[i].end = i + 1 == lv->n_shares
                                ? lv->n_order
                                : lv->n_order * (i + 1) / lv->n_shares / CLAIM * CLAIM;
    }
    lv->n_settlers = lv->is_solo ? 1 : lv->n_workers < MAX_SETTLERS ? lv->n_workers : MAX_SETTLERS;
}

/* The ranks [*a_out, *b_out) of the level just expanded whose children settler 'i' places. */
static void settle_share(const Level *lv, uint32_t i, uint64_t *a_out, uint64_t *b_out)
{
    *a_out = lv->settle_at[i];
    *b_out = lv->settle_at[i + 1];
}

/* Cut the ranks of the level just expanded into the settlers' shares at the blocks of ranks
** where the workers' tallies (key_lower) reach an even part of the new states, so that each
** settler places about as many (the lowest positions win the keys, so an even cut by ranks
** gave the first settler more), and count each share's new states: the tallies are exact and
** the shares whole blocks, so each settler knows where its part of the sorted level starts
** without waiting for the others' counts. */
static void settle_split(Level *lv)
{
    uint32_t ns = lv->n_settlers;
    lv->settle_at[0] = 0;
    if (ns == 1) {
        lv->settle_at[1] = lv->n_order;
        lv->n_share[0] = lv->n_new;
        return;
    }
    uint64_t n_blocks = (lv->n_order >> TALLY_BITS) + 1, sum = 0, start = 0;
    uint32_t i = 1;
    for (uint64_t bk = 0; bk < n_blocks; bk++) {
        for (uint32_t k = 0; k < lv->n_workers; k++)
            sum += (uint64_t)lv->workers[k].tally[bk];
        while (i < ns && sum >= lv->n_new * i / ns) {
            uint64_t at = (bk + 1) << TALLY_BITS;
            lv->settle_at[i] = at < lv->n_order ? at : lv->n_order;
            lv->n_share[i - 1] = sum - start;
            start = sum;
            i++;
        }
    }
    assert(sum == lv->n_new && "the tallies miscounted the new level");
    for (; i <= ns; i++) { /* the last share ends with the level; any after it are empty */
        lv->settle_at[i] = lv->n_order;
        lv->n_share[i - 1] = sum - start;
        start = sum;
    }
}

/* True if the level just expanded may be the last: a limit or --first halted it, or a violation
** under --first or the states past --max-states will cut it (settle_end decides). */
static bool level_may_stop(const Level *lv)
{
    const Search *s = lv->s;
    if (s->is_stopped || atomic_load(&lv->halt_rank) != UINT64_MAX)
        return true;
    if (s->opts->max_states && lv->lo + lv->n_new > s->opts->max_states)
        return true;
    for (uint32_t i = 0; i < lv->n_workers; i++)
        if (lv->workers[i].has_stop || (s->opts->first && lv->workers[i].cands.len))
            return true;
    return false;
}

/* The id of the next level's state named 'id' in a chunk's lists: fill_holes moved the states
** at 'dense' and past down into holes (moved_to[id - dense]). */
static StateId settled_id(uint64_t id, uint64_t dense, const StateId *moved_to)
{
    return id < dense ? (StateId)id : moved_to[id - dense];
}

/* ---- the recorded graph (record_graph, graph.h) ---- */

/* The edges of the level just expanded go into the graph in id order, as a one-thread search
** appends them. The workers logged each chunk's edges in rank order; a state's place in the
** edge array follows from the outcomes of the states of lower ids (the level's ids are dense,
** [cur_lo, lo)). First (graph_prepare, one thread, once fill_holes has made the next level
** dense): every state's place, the failing steps renumbered into the graph's list, the next
** level's flags (clear but for the invariants broken, from the workers' lists). Then each
** settler places the edges of its share of the ranks (graph_place), rewriting the targets that
** fill_holes moved; a level that may be cut (level_may_stop) is placed by one thread once
** settle_end knows it is not. A level cut or halted, or a graph past the memory budget, drops
** the graph (graph_end): a search that does not complete has none, and a graph that does not
** fit is built after the search, if at all. */
static void graph_flags(Level *lv)
{
    Graph *g = lv->s->graph;
    uint64_t dense = lv->lo + lv->n_new;
    util_map_grow((void **)&g->flags, &g->flags_cap, dense, 1);
    memset(g->flags + lv->lo, 0, dense - lv->lo);
    for (uint32_t i = 0; i < lv->n_workers; i++)
        for (size_t k = 0; k < lv->workers[i].inv_bad.len; k++)
            g->flags[settled_id(lv->workers[i].inv_bad.items[k], dense, lv->moved_to)] |=
                SF_INV_BAD;
}

static void graph_prepare(Level *lv)
{
    Search *s = lv->s;
    Graph *g = s->graph;
    uint64_t n_edges = transitions_before(lv, NULL, POS_NONE), base = g->edges.len;
    util_map_grow((void **)&g->first, &g->first_cap, lv->lo + 1, sizeof *g->first);
    util_map_grow((void **)&g->edges.items, &g->edges.cap, base + n_edges, sizeof *g->edges.items);
    graph_flags(lv);
    for (uint64_t r = 0; r < lv->n_order; r++)
        g->first[lv->order[r]] = lv->n_out[r];
    for (uint64_t id = lv->cur_lo, at = base; id < lv->lo; id++) {
        uint64_t n = g->first[id];
        g->first[id] = at;
        at += n;
    }
    for (uint32_t i = 0; i < lv->n_workers; i++) {
        Worker *w = &lv->workers[i];
        w->fails_base = g->fails.len;
        for (size_t f = 0; f < w->fails.len; f++)
            vec_push(&g->fails, w->fails.items[f]);
        w->wides_base = g->wides.len;
        for (size_t k = 0; k < w->wides.len; k++)
            vec_push(&g->wides, w->wides.items[k]);
    }
}

/* Place the edges of the ranks [a, b) (whole chunks, but for the level's end) where
** graph_prepare said. */
static void graph_place(Level *lv, uint64_t a, uint64_t b)
{
    Graph *g = lv->s->graph;
    uint64_t dense = lv->lo + lv->n_new;
    for (uint64_t c = a / CLAIM; c * CLAIM < b; c++) {
        const Chunk *ch = &lv->chunks[c];
        const Worker *w = &lv->workers[ch->worker];
        /* no edge logged (a chunk of end states) leaves the list NULL, and NULL + 0 is undefined */
        const Edge *src = w->edges.items ? w->edges.items + ch->edged : NULL;
        for (uint64_t r = c * CLAIM; r < (c + 1) * CLAIM && r < b; r++) {
            if (r + GRAPH_AHEAD < b && g->edges.items) /* a level's ids are not in rank order */
                util_prefetch_write(g->edges.items + g->first[lv->order[r + GRAPH_AHEAD]]);
            if (lv->n_out[r] == 0)
                continue;
            Edge *dst = g->edges.items + g->first[lv->order[r]];
            for (uint32_t j = 0; j < lv->n_out[r]; j++) {
                Edge e = *src++;
                if (e.is_wide)
                    e.step += (uint32_t)w->wides_base;
                if (e.is_fail)
                    e.to += (uint32_t)w->fails_base;
                else if (e.to >= dense)
                    e.to = lv->moved_to[e.to - dense];
                dst[j] = e;
            }
        }
    }
}

/* The level is settled (one thread, after any cut): the graph takes its edges, or is dropped. */
static void graph_end(Level *lv, uint64_t cut)
{
    Search *s = lv->s;
    Graph *g = s->graph;
    if (g &&
        (cut != POS_NONE || atomic_load(&lv->halt_why) >= 0 || atomic_load(&lv->is_graph_over))) {
        search_graph_drop(s);
    } else if (g) {
        if (atomic_load(&lv->is_cycle_found) && !g->is_cyclic) {
            g->is_cyclic = true;
            if (!s->opts->keep_cyclic_edges)
                graph_drop_edges(g); /* this level's were not logged whole: see log_edge */
        }
        if (g->is_edgeless) {
            graph_flags(lv);
        } else {
            if (!lv->is_graph_placed) { /* a level that might have been cut: placed here */
                graph_prepare(lv);
                graph_place(lv, 0, lv->n_order);
            }
            g->edges.len += transitions_before(lv, NULL, POS_NONE);
        }
        /* the workers look at the budget only every so many states: the level's end may have
        ** passed it since (on a small model, after their last look) */
        if (is_graph_past_budget(lv, store_memory_bytes(s->st) + level_bytes(lv)))
            search_graph_drop(s);
    }
    lv->is_graph_placed = false;
    for (uint32_t i = 0; i < lv->n_workers; i++) {
        lv->workers[i].edges.len = 0;
        lv->workers[i].fails.len = 0;
        lv->workers[i].wides.len = 0;
        lv->workers[i].inv_bad.len = 0;
    }
}

/* How many new states the level after this one is expected to find (settle_begin grows the
** tables for them): as many as this level's new states times its growth (new states over
** states expanded), with a margin of 50%: a table that must grow during the expansion makes any
** other worker inserting into its shard wait (with 10%, the producer/consumer benchmark spent
** 1.4% of its time waiting so). Once the levels narrow (growth below 1), the growth times how
** it changed since the level before: past the widest level a breadth first search's levels
** narrow faster and faster, and the plain growth overshot each of them (the counter race with
** N=5 ITERS=2: 1.84 M states foretold for a level of 1.03 M, then 1.5 M for 0.84 M), which
** doubled every table once more than the search ever needed (-j 1 did not): twice the
** rehashing and 42 MB more of table, 7% of the search's time; the trend leaves a third of
** that. While the levels widen, the plain growth: levels can alternate between widening and
** narrowing (the producer/consumer model), and the trend then fell short. The growth expected is at
** most RESERVE_GROWTH_MAX (the benchmark models' levels of 1024 states or more grow by 3.75 at
** most): a level that grew 20,000 times, the branches of a 'choose' at the start, had the
** tables grown for 20,000 times as many states again, 5 GB and 14 s for a model of 20,002
** states that one thread checks in 20 MB. */
static uint64_t level_expect(const Level *lv)
{
    if (!lv->n_order)
        return 0;
    double growth = (double)lv->n_new / lv->n_order;
    if (growth < 1 && lv->n_prev_order)
        growth *= growth / ((double)lv->n_order / lv->n_prev_order);
    if (growth > RESERVE_GROWTH_MAX)
        growth = RESERVE_GROWTH_MAX;
    return (uint64_t)(lv->n_new * growth * RESERVE_MARGIN);
}

/* Settling, first part (one thread, every worker done expanding): make the new level dense and
** make room for its sorted order. Then decide whether the workers, once they have settled it,
** grow the store's tables for the level after (store_reserve, for level_expect's states): if
** it is parallel and sure to be expanded. The store is idle until then, so a table grows with
** plain stores; grown while the level is expanded, each empty slot of the old table would take
** a locked instruction to keep concurrent inserts out of it. */
static void settle_begin(Level *lv)
{
    Search *s = lv->s;
    store_quiesce(s->st); /* the workers wait at the gate: nobody probes the old tables */
    fill_holes(lv);
    lv->n_new = store_count(s->st) - lv->lo;
    lv->n_expect = level_expect(lv);
    lv->is_reserving = lv->n_expect && !is_solo_level(lv, lv->n_new) && !level_may_stop(lv);
    atomic_store_explicit(&lv->next_shard, 0, memory_order_relaxed);
    settle_split(lv);
    buf_reserve((void **)&lv->spare_order, &lv->spare_cap, lv->n_new, sizeof *lv->spare_order);
    if (s->graph && !level_may_stop(lv) && !atomic_load(&lv->is_graph_over) &&
        !is_edgeless_now(lv)) {
        graph_prepare(lv); /* the settlers place the edges too (settle_chunks) */
        lv->is_graph_placed = true;
    }
}

/* Where settle_chunk places states: the next level's order from 'at' on, and the canonical
** parents of its arrivals. (The keys stay in the side array, where a cut reads them:
** level_key.) */
typedef struct Placer {
    StateId *ids;         /* the next level in key order */
    Store *st;            /* the store: an arrival's canonical parent is written there */
    const StateId *order; /* the level just expanded, by rank: the parents */
    uint64_t at;          /* where the next state goes */
} Placer;

static void place(Placer *pl, StateId sid)
{
    pl->ids[pl->at++] = sid;
}

/* A chunk's arrivals that kept the key they were given, in order: 'born_at', 'rank' and 'sid'
** are the next one's (born_at UINT64_MAX: none left). A key is a rank, and the one worker that
** expanded a rank met its outcomes in order: an arrival whose key is still its rank kept it. */
typedef struct Arrivals {
    const Level *lv;
    const Arrival *items; /* the worker's arrivals */
    uint64_t next, end;   /* the chunk's not looked at yet: items[next .. end) */
    uint64_t born_at;     /* the next valid one's Arrival.born_at, or UINT64_MAX */
    uint64_t rank;        /* its key: its canonical parent's rank */
    StateId sid;          /* its settled id */
} Arrivals;

static void arrivals_advance(Arrivals *ar)
{
    const Level *lv = ar->lv;
    uint64_t dense = lv->lo + lv->n_new;
    ar->born_at = UINT64_MAX;
    while (ar->next < ar->end) {
        const Arrival *a = &ar->items[ar->next++];
        StateId sid = settled_id(a->sid, dense, lv->moved_to);
        if (side_key_get(&lv->side[lv->cur ^ 1], sid - lv->lo) == a->rank) {
            ar->born_at = a->born_at;
            ar->rank = a->rank;
            ar->sid = sid;
            return;
        }
    }
}

/* Place the valid arrivals that the worker met before it stored its state number 'k'
** (born_count; UINT64_MAX: every one left). */
static void place_arrivals_before(Placer *pl, Arrivals *ar, uint64_t k)
{
    for (; ar->born_at != UINT64_MAX && ar->born_at <= k; arrivals_advance(ar)) {
        place(pl, ar->sid);
        store_set_parent(pl->st, ar->sid, pl->order[ar->rank]);
    }
}

/* Place the new states whose keys name a rank of chunk 'c' from 'at' on, in key order, and
** write each arrival's canonical parent: the merge of the chunk's stored states that kept a key in
** it and of its arrivals that kept the key they were given (Chunk). The lists name the states
** fill_holes moved down by their old ids. One past the last placed. */
static uint64_t settle_chunk(Level *lv, uint64_t c, uint64_t at)
{
    const Chunk *ch = &lv->chunks[c];
    const Worker *w = &lv->workers[ch->worker];
    Placer pl = {lv->spare_order, lv->s->st, lv->order, at};
    Arrivals ar = {lv, w->arrivals.items, ch->arrived, ch->arrived_end, UINT64_MAX, 0, 0};
    arrivals_advance(&ar);
    const uint64_t *blocks = w->blocks.items;
    const StateId *moved_to = lv->moved_to;
    const Side *sd = side_next(lv);
    const uint64_t lo = lv->lo, dense = lo + lv->n_new;
    for (uint64_t k = ch->born; k < ch->born_end; k++) {
        StateId sid = settled_id(blocks[k / STORE_ID_BLOCK] + k % STORE_ID_BLOCK, dense, moved_to);
        if (side_key_get(sd, sid - lo) / CLAIM != c) /* lowered into an earlier chunk: an arrival
                                                      ** there */
            continue;
        place_arrivals_before(&pl, &ar, k);
        place(&pl, sid);
    }
    place_arrivals_before(&pl, &ar, UINT64_MAX);
    return pl.at;
}

/* Settling in parallel, second part (settler 'i'): place the new states whose keys name a rank
** of its share in key order, after the shares of the settlers before it (settle_split counted
** each share from the tallies), chunk by chunk. */
static void settle_chunks(Level *lv, uint32_t i)
{
    uint64_t a, b, at = 0;
    settle_share(lv, i, &a, &b);
    for (uint32_t j = 0; j < i; j++)
        at += lv->n_share[j];
    uint64_t begin = at;
    /* A share is whole chunks (settle_split), but for the level's last, partial one; an empty
    ** share may start inside it (a = b = n_order), and has no chunk to settle. */
    for (uint64_t c = a / CLAIM; a < b && c * CLAIM < b; c++)
        at = settle_chunk(lv, c, at);
    if (lv->is_graph_placed && a < b)
        graph_place(lv, a, b);
    assert(at - begin == lv->n_share[i] && "the tallies miscounted a settler's share");
    (void)begin;
}

/* Settling, last part (one thread): cut the sorted new level at a limit, record violations and
** make it the level to expand next (prepare_level). */
static void settle_end(Level *lv)
{
    Search *s = lv->s;
    uint64_t n_new = lv->n_new, hi = lv->lo + n_new;
    StateId *next = lv->spare_order;
    CandVec all = {0};
    Rerun rr = rerun_init(lv);
    gather_cands(lv, &rr, &all);
    bool is_incl;
    int why;
    uint64_t cut = level_cut(lv, &rr, n_new, &all, &is_incl, &why);
    uint64_t n_kept = cut == POS_NONE ? n_new : 0;
    for (uint64_t r; n_kept < n_new; n_kept++) {
        r = level_key(lv, n_kept);
        if (r < cut >> 32)
            continue;
        uint64_t key = r > cut >> 32 ? POS_NONE : level_pos(lv, &rr, n_kept);
        if (key > cut || (key == cut && !is_incl))
            break;
    }
    s->res->n_transitions += transitions_before(lv, &rr, cut);
    rerun_free(&rr);
    graph_end(lv, cut);
    record_cands(lv, &all, cut, is_incl);
    vec_free(&all);
    if (n_kept)
        s->res->max_depth = lv->depth + 1;
    size_t bytes = store_memory_bytes(s->st) + level_bytes(lv);
    if (bytes > s->res->memory_bytes)
        s->res->memory_bytes = bytes;
    s->res->n_states = lv->lo + n_kept;
    s->depth = lv->depth; /* a stop now cuts this level: the ones before it are whole */
    if (cut != POS_NONE)
        search_stop_at(s, (SearchStop)why);
    else if (atomic_load(&lv->halt_why) >= 0)
        search_stop_at(s, (SearchStop)atomic_load(&lv->halt_why));
    if (!s->is_stopped && n_kept && s->opts->max_depth && lv->depth + 1 > s->opts->max_depth) {
        s->depth = lv->depth + 1; /* the next level stays unexpanded: this one is the last whole */
        search_stop_at(s, SEARCH_MAX_DEPTH);
    }
    lv->spare_order = lv->order;
    size_t cap = lv->spare_cap;
    lv->spare_cap = lv->order_cap;
    lv->order = next;
    lv->order_cap = cap;
    lv->n_prev_order = lv->n_order;
    lv->n_order = s->is_stopped ? 0 : n_new;
    lv->cur ^= 1;
    lv->cur_lo = lv->lo;
    lv->lo = hi;
    lv->depth++;
    prepare_level(lv);
}

/* Settle a level the calling thread expanded alone. */
static void settle_solo(Level *lv)
{
    settle_begin(lv);
    settle_chunks(lv, 0); /* one settler (prepare_level): its share is every rank */
    if (lv->is_reserving) /* the next level is parallel: the other workers are still asleep */
        store_reserve(lv->s->st, lv->n_expect, 0, 1, true);
    settle_end(lv);
}

/* The last gate of a parallel level: settle_end, then tell each worker whether the next level
** is parallel too. Each reads its own flag, written before the gate opens: the level fields
** themselves may be rewritten by the calling thread, running the next levels alone, before a
** slow worker gets to read them. */
static void settle_end_parallel(Level *lv)
{
    settle_end(lv);
    for (uint32_t i = 0; i < lv->n_workers; i++)
        lv->workers[i].is_parallel = lv->n_order > 0 && !lv->is_solo;
}

/* Grow the store's tables for the next level (store_reserve_shard), RESERVE_CLAIM shards at a
** time from a shared cursor: a worker that settled its share sooner grows more of them, so the
** workers reach the gate together (with a fixed half each, the one that settled longer kept
** the other waiting, 1 to 10 ms of a 0.2 s search on locked counter). */
static void reserve_shards(Level *lv)
{
    uint32_t s;
    while ((s = atomic_fetch_add(&lv->next_shard, RESERVE_CLAIM)) < STORE_SHARDS)
        for (uint32_t k = s; k < s + RESERVE_CLAIM && k < STORE_SHARDS; k++)
            store_reserve_shard(lv->s->st, lv->n_expect, k, true);
}

/* Expand and settle parallel levels with the other workers, as long as they come (the first
** one is parallel: the caller saw it after the start gate). */
static void run_parallel(Worker *w)
{
    Level *lv = w->lv;
    uint32_t i = (uint32_t)(w - lv->workers);
    do {
        work_level(w);
        gate_pass(&lv->gate, settle_begin, lv);
        if (i < lv->n_settlers)
            settle_chunks(lv, i);
        if (lv->is_reserving) /* nobody inserts until the gate: see settle_begin */
            reserve_shards(lv);
        gate_pass(&lv->gate, settle_end_parallel, lv);
    } while (w->is_parallel);
}

static void *worker_main(void *arg)
{
    Worker *w = arg;
    Level *lv = w->lv;
    for (;;) {
        gate_pass(&lv->start, NULL, lv);
        if (lv->is_done)
            break;
        run_parallel(w);
    }
    return NULL;
}

/* ---- the search ---- */

/* Store the initial state (its vector on this level's side under --compact) and check the
** invariants on it. False when even it does not fit. */
static bool level_initial(Level *lv)
{
    Search *s = lv->s;
    uint32_t len = s->prog->state_size;
    uint8_t *vec = s->opts->compact ? side_vec_new(&lv->side[lv->cur], 0, store_memory_bytes(s->st),
                                                   s->opts->max_memory)
                                    : xmalloc(len);
    if (!vec) { /* the budget has no room even for the initial state's vector */
        search_stop_at(s, SEARCH_MAX_MEMORY);
        return false;
    }
    prog_initial_state(s->prog, vec);
    uint64_t hash = state_hash(vec, len);
    uint8_t fp[FP_LEN];
    const uint8_t *key = vec;
    if (s->opts->compact) {
        memcpy(fp, &hash, FP_LEN);
        key = fp;
        hash = state_hash(fp, FP_LEN);
    }
    StateId sid;
    bool is_stored = store_insert(s->st, key, hash, STATE_ID_NONE, &sid) != STORE_FULL;
    if (!is_stored) {
        search_stop_at(s, SEARCH_MAX_MEMORY);
    } else {
        if (s->graph) {
            util_map_grow((void **)&s->graph->flags, &s->graph->flags_cap, 1, 1);
            s->graph->flags[0] = 0;
        }
        for (uint32_t p = 0; p < s->prog->n_props && !s->is_stopped; p++) {
            if (s->prog->props[p].kind != PROP_INVARIANT)
                continue;
            const char *msg = NULL;
            PropResult r = exec_property(s->ex_prop, vec, p, &msg);
            if (r == PROP_HOLDS)
                continue;
            if (s->graph)
                s->graph->flags[sid] |= SF_INV_BAD;
            Violation v = {.kind = r == PROP_ERROR ? VIOL_ERROR : VIOL_INVARIANT,
                           .prop = (int32_t)p,
                           .line = s->prog->props[p].line,
                           .message = r == PROP_ERROR ? (char *)msg : NULL,
                           .state = sid};
            search_viol_record(s, &v);
        }
        if (search_is_interrupted(s->opts)) /* before this search began: no step is taken */
            search_stop_at(s, SEARCH_INTERRUPTED);
    }
    if (!s->opts->compact)
        free(vec);
    return is_stored;
}

static void level_init(Level *lv, Search *s)
{
    lv->s = s;
    lv->n_workers = s->opts->n_threads > 1 ? s->opts->n_threads : 1;
    lv->workers = xcalloc_aligned(alignof(Worker), lv->n_workers * sizeof *lv->workers);
    for (uint32_t i = 0; i < lv->n_workers; i++) {
        lv->workers[i].lv = lv;
        lv->workers[i].ex = exec_new(s->prog);
        exec_cover_start(lv->workers[i].ex);
        lv->workers[i].ex_prop = exec_new(s->prog);
        lv->workers[i].batch.prog = s->prog;
        lv->workers[i].batch.st = s->st;
        lv->workers[i].batch.is_compact = s->opts->compact;
        lv->workers[i].batch.max_bytes = s->opts->max_memory / 4 / lv->n_workers;
    }
    side_init(&lv->side[0], s->opts->compact ? s->prog->state_size : 0);
    side_init(&lv->side[1], s->opts->compact ? s->prog->state_size : 0);
    lv->shares = xcalloc_aligned(alignof(Share), lv->n_workers * sizeof *lv->shares);
    for (uint32_t i = 0; i < lv->n_workers; i++) {
        atomic_init(&lv->shares[i].next, 0);
        lv->shares[i].end = 0;
    }
    atomic_init(&lv->halt_rank, UINT64_MAX);
    atomic_init(&lv->halt_why, -1);
    atomic_init(&lv->list_bytes, 0);
    atomic_init(&lv->next_shard, 0);
    atomic_init(&lv->log_bytes, 0);
    atomic_init(&lv->is_graph_over, false);
    atomic_init(&lv->is_cycle_found, false);
    for (uint32_t p = 0; p < s->prog->n_props; p++)
        lv->n_invariants += s->prog->props[p].kind == PROP_INVARIANT;
    gate_init(&lv->start, lv->n_workers);
    gate_init(&lv->gate, lv->n_workers);
    lv->n_share = xcalloc(MAX_SETTLERS, sizeof *lv->n_share);
    lv->settle_at = xcalloc(MAX_SETTLERS + 1, sizeof *lv->settle_at);
}

static void level_fini(Level *lv)
{
    for (uint32_t i = 0; i < lv->n_workers; i++) {
        search_cover_add(lv->s, lv->workers[i].ex);
        exec_free(lv->workers[i].ex);
        exec_free(lv->workers[i].ex_prop);
        vec_free(&lv->workers[i].cands);
        vec_free(&lv->workers[i].own);
        free(lv->workers[i].tally);
        vec_free(&lv->workers[i].blocks);
        vec_free(&lv->workers[i].arrivals);
        util_map_free(lv->workers[i].edges.items, lv->workers[i].edges.cap, sizeof(Edge));
        vec_free(&lv->workers[i].fails);
        vec_free(&lv->workers[i].wides);
        vec_free(&lv->workers[i].inv_bad);
        search_batch_free(&lv->workers[i].batch);
    }
    free(lv->workers);
    free(lv->shares);
    side_fini(&lv->side[0]);
    side_fini(&lv->side[1]);
    free(lv->order);
    free(lv->spare_order);
    free(lv->chunks);
    free(lv->moved_to);
    free(lv->n_out);
    gate_fini(&lv->start);
    gate_fini(&lv->gate);
    free(lv->n_share);
    free(lv->settle_at);
}

/* Start workers 1 .. n_workers - 1 (the calling thread is worker 0). If the system refuses a
** thread (its limits: ulimit -u or -v), say so on stderr and go on with the workers started:
** the report is the same for any number of them. Before the start gate opens: the workers
** started wait there, and no gate has been passed yet. */
static void start_workers(Level *lv)
{
    uint32_t n = lv->n_workers, i = 1;
    for (; i < n; i++) {
        int err = pthread_create(&lv->workers[i].thread, NULL, worker_main, &lv->workers[i]);
        if (err) {
            fprintf(stderr, "weft: cannot start worker thread %u of %u (%s): searching with %u\n",
                    i + 1, n, strerror(err), i);
            break;
        }
    }
    if (i == n)
        return;
    for (uint32_t k = i; k < n; k++) { /* never started: only their executors were made */
        exec_free(lv->workers[k].ex);
        exec_free(lv->workers[k].ex_prop);
    }
    lv->n_workers = i;
    /* The workers started read a gate's count after their arrival, which follows this store
    ** in the gate's count of arrivals: they see it. */
    atomic_store_explicit(&lv->start.n, i, memory_order_release);
    atomic_store_explicit(&lv->gate.n, i, memory_order_release);
}

void search_run_levels(Search *s)
{
    Level lv = {0};
    s->res->is_id_unordered = true;
    level_init(&lv, s);
    if (!level_initial(&lv)) {
        level_fini(&lv);
        return;
    }
    s->res->n_states = 1;
    lv.order = xmalloc(sizeof *lv.order);
    lv.order[0] = 0;
    lv.order_cap = 1;
    lv.n_order = s->is_stopped ? 0 : 1;
    lv.lo = 1;
    prepare_level(&lv);
    start_workers(&lv);
    store_set_solo(s->st, lv.n_workers == 1); /* no thread but this one */
    while (lv.n_order > 0) {
        if (lv.is_solo) {
            work_level(&lv.workers[0]);
            settle_solo(&lv);
        } else {
            gate_pass(&lv.start, NULL, &lv); /* wake the workers */
            run_parallel(&lv.workers[0]);
        }
    }
    lv.is_done = true;
    gate_pass(&lv.start, NULL, &lv);
    for (uint32_t i = 1; i < lv.n_workers; i++)
        pthread_join(lv.workers[i].thread, NULL);
    store_set_solo(s->st, false);
    level_fini(&lv);
}
