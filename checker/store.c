/*
** store.c -- the visited set: sharded open addressing over an arena of fixed-size records.
**
** Every state is one record, its vector followed by its parent id (4 bytes), in chunks that are
** allocated once and never move: a StateId names a chunk and an offset by arithmetic alone, so
** store_vec() takes no lock. The hash table is split into N_SHARDS shards chosen by the hash's
** high bits; each shard is an open-addressing table of ids with a parallel array of one-byte
** tags (occupied bit + 7 hash bits) so most probes never touch a vector. Each shard has its own
** mutex and doubles by itself at 75% load, so a growing shard blocks only its own inserts.
**
** Ids are dense: one is taken by a compare-and-swap on the state counter, only after the
** chunk that will hold it exists, so a failed chunk allocation (the budget) leaves no hole.
** Memory per state for a 24-byte vector: 28 bytes of record plus 5 bytes a table slot at a
** load between 37% and 75%, about 35 bytes in all.
*/
#include "store.h"

#include <assert.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"
#include "util.h"

/* ---- sizes ---- */

enum {
    SHARD_BITS = 7,             /* 128 shards: little contention at -j 8, 60 KiB when empty */
    N_SHARDS = 1 << SHARD_BITS, /* shard = hash >> (64 - SHARD_BITS) */
    SHARD_INIT_CAP = 64,        /* slots of a new shard table (a power of two) */
    TAG_USED = 0x80,            /* tag bit: the slot holds an id */
    CHUNK_BYTES = 1 << 20,      /* a full-size chunk holds about this many bytes */
    GEOM_CHUNKS = 6,            /* chunks 0..5 double in size, so tiny models stay small */
    PAGE_BITS = 10,             /* the chunk directory: pages of 1024 chunk pointers */
    PAGE_SIZE = 1 << PAGE_BITS, /* chunk pointers per directory page */
    N_PAGES = 1024              /* directory pages: at most 2^20 chunks */
};

#define STORE_MAX_STATES ((uint64_t)UINT32_MAX - 1) /* ids 0 .. 2^32 - 3: NONE stays free */

/* ---- the structures ---- */

/* One cache line each (see store_new), so two threads locking neighbouring shards do not
** fight over a line. */
typedef struct Shard {
    alignas(64) pthread_mutex_t lock; /* guards every field below */
    uint32_t *ids;                    /* cap slots of state ids; meaningful where tags[i] != 0 */
    uint8_t *tags;                    /* cap slots: 0 empty, else TAG_USED | 7 bits of the hash */
    uint32_t cap;                     /* slots, a power of two */
    uint32_t n;                       /* occupied slots */
    /* For store_prefetch(), which takes no lock: copies of ids, tags and cap - 1, stored when
    ** the table changes and read without order. A stale or torn set only prefetches a useless
    ** address, which is harmless. On a line of their own, away from the lock's. */
    alignas(64) _Atomic(uint32_t *) hint_ids;
    _Atomic(uint8_t *) hint_tags;
    _Atomic uint32_t hint_mask;
} Shard;

typedef _Atomic(uint8_t *) ChunkPtr;

struct Store {
    uint32_t vec_len;                 /* bytes of a state vector */
    uint32_t rec_len;                 /* bytes of a record: vector, then parent id */
    size_t max_bytes;                 /* budget, 0 for none */
    uint32_t big_shift;               /* log2 of the records of a full-size chunk */
    uint32_t first_shift;             /* log2 of the records of chunk 0 */
    uint32_t n_geom;                  /* chunks that double (0 .. n_geom-1) before the full size */
    uint64_t geom_recs;               /* records held by the doubling chunks together */
    _Atomic uint64_t n_states;        /* ids handed out; ids are dense */
    _Atomic size_t n_bytes;           /* bytes allocated now: chunks, tables, directory, this */
    pthread_mutex_t chunk_lock;       /* serialises chunk and directory page allocation */
    Shard *shards;                    /* N_SHARDS shards */
    _Atomic(ChunkPtr *) dir[N_PAGES]; /* directory pages, allocated as chunks need them */
};

/* ---- budget ---- */

/* True if 'extra' more bytes stay within the budget. Two threads may both pass: the budget
** can be overshot by one allocation per racing thread, which is what a budget means here. */
static bool budget_allows(const Store *st, size_t extra)
{
    return st->max_bytes == 0 || atomic_load(&st->n_bytes) + extra <= st->max_bytes;
}

static void bytes_add(Store *st, size_t n)
{
    atomic_fetch_add(&st->n_bytes, n);
}

static void bytes_sub(Store *st, size_t n)
{
    atomic_fetch_sub(&st->n_bytes, n);
}

/* ---- the arena: id -> chunk, offset ---- */

static uint32_t floor_log2(uint64_t x)
{
    return 63u - (uint32_t)__builtin_clzll(x);
}

/* Records of chunk 'c': chunk 0 has 2^first_shift, each next one double, up to 2^big_shift. */
static uint64_t chunk_recs(const Store *st, uint64_t c)
{
    if (c < st->n_geom)
        return (uint64_t)1 << (st->first_shift + c);
    return (uint64_t)1 << st->big_shift;
}

/* The chunk holding id 'sid' and its index inside it. */
static void chunk_of(const Store *st, uint64_t sid, uint64_t *c_out, uint64_t *off_out)
{
    if (sid < st->geom_recs) {
        uint64_t c = floor_log2((sid >> st->first_shift) + 1);
        *c_out = c;
        *off_out = sid - ((((uint64_t)1 << c) - 1) << st->first_shift);
        return;
    }
    uint64_t rest = sid - st->geom_recs;
    *c_out = st->n_geom + (rest >> st->big_shift);
    *off_out = rest & (((uint64_t)1 << st->big_shift) - 1);
}

/* The chunk 'c' or NULL when not allocated yet. */
static uint8_t *chunk_get(const Store *st, uint64_t c)
{
    ChunkPtr *page =
        atomic_load_explicit(&((Store *)st)->dir[c >> PAGE_BITS], memory_order_acquire);
    if (!page)
        return NULL;
    return atomic_load_explicit(&page[c & (PAGE_SIZE - 1)], memory_order_acquire);
}

/* Make sure chunk 'c' exists. False when it does not fit the budget or the directory. */
static bool chunk_ensure(Store *st, uint64_t c)
{
    if (c >= (uint64_t)N_PAGES * PAGE_SIZE)
        return false;
    if (chunk_get(st, c))
        return true;
    bool ok = true;
    pthread_mutex_lock(&st->chunk_lock);
    if (!chunk_get(st, c)) {
        ChunkPtr *page = atomic_load(&st->dir[c >> PAGE_BITS]);
        size_t page_bytes = page ? 0 : PAGE_SIZE * sizeof(ChunkPtr);
        size_t bytes = (size_t)chunk_recs(st, c) * st->rec_len;
        if (!budget_allows(st, bytes + page_bytes)) {
            ok = false;
        } else {
            if (!page) {
                page = xcalloc(PAGE_SIZE, sizeof(ChunkPtr));
                atomic_store_explicit(&st->dir[c >> PAGE_BITS], page, memory_order_release);
            }
            atomic_store_explicit(&page[c & (PAGE_SIZE - 1)], xmalloc(bytes), memory_order_release);
            bytes_add(st, bytes + page_bytes);
        }
    }
    pthread_mutex_unlock(&st->chunk_lock);
    return ok;
}

static uint8_t *record(const Store *st, uint64_t sid)
{
    uint64_t c, off;
    chunk_of(st, sid, &c, &off);
    uint8_t *chunk = chunk_get(st, c);
    assert(chunk && "state id in a chunk never allocated");
    return chunk + off * st->rec_len;
}

/* Take the next id, after making sure its chunk exists. False: budget or id space spent. */
static bool id_take(Store *st, StateId *out)
{
    uint64_t n = atomic_load(&st->n_states);
    for (;;) {
        if (n >= STORE_MAX_STATES)
            return false;
        uint64_t c, off;
        chunk_of(st, n, &c, &off);
        if (!chunk_ensure(st, c))
            return false;
        if (atomic_compare_exchange_weak(&st->n_states, &n, n + 1)) {
            *out = (StateId)n;
            return true;
        }
    }
}

/* ---- shards ---- */

static Shard *shard_for(const Store *st, uint64_t hash)
{
    return &st->shards[hash >> (64 - SHARD_BITS)];
}

/* Bits 49..55 of the hash: disjoint from the shard bits and from the slot bits of any table
** smaller than 2^49 slots. */
static uint8_t tag_of(uint64_t hash)
{
    return (uint8_t)(TAG_USED | ((hash >> 49) & 0x7f));
}

/* The id of 'vec' in 'sh', or STATE_ID_NONE with *slot_out at the empty slot that ends the
** probe. Nothing is ever removed, so the first empty slot ends the search. The caller holds
** the shard's lock. */
static StateId shard_probe(const Store *st, const Shard *sh, const uint8_t *vec, uint64_t hash,
                           uint32_t *slot_out)
{
    uint32_t mask = sh->cap - 1;
    uint8_t tag = tag_of(hash);
    for (uint32_t i = (uint32_t)hash & mask;; i = (i + 1) & mask) {
        if (sh->tags[i] == 0) {
            *slot_out = i;
            return STATE_ID_NONE;
        }
        if (sh->tags[i] == tag && memcmp(record(st, sh->ids[i]), vec, st->vec_len) == 0)
            return sh->ids[i];
    }
}

static void shard_alloc(Store *st, Shard *sh, uint32_t cap)
{
    sh->ids = xmalloc((size_t)cap * sizeof *sh->ids);
    sh->tags = xcalloc(cap, 1);
    sh->cap = cap;
    atomic_store_explicit(&sh->hint_ids, sh->ids, memory_order_relaxed);
    atomic_store_explicit(&sh->hint_tags, sh->tags, memory_order_relaxed);
    atomic_store_explicit(&sh->hint_mask, cap - 1, memory_order_relaxed);
    bytes_add(st, (size_t)cap * (sizeof *sh->ids + 1));
}

/* Double the table of 'sh' (lock held), rehashing every id from its vector. False when the
** new table does not fit the budget; the old one is then left as it was. */
static bool shard_grow(Store *st, Shard *sh)
{
    if (sh->cap > UINT32_MAX / 2)
        return false;
    uint32_t old_cap = sh->cap;
    if (!budget_allows(st, (size_t)old_cap * 2 * (sizeof *sh->ids + 1)))
        return false;
    uint32_t *old_ids = sh->ids;
    uint8_t *old_tags = sh->tags;
    shard_alloc(st, sh, old_cap * 2);
    uint32_t mask = sh->cap - 1;
    for (uint32_t j = 0; j < old_cap; j++) {
        if (!old_tags[j])
            continue;
        uint64_t hash = state_hash(record(st, old_ids[j]), st->vec_len);
        uint32_t i = (uint32_t)hash & mask;
        while (sh->tags[i])
            i = (i + 1) & mask;
        sh->ids[i] = old_ids[j];
        sh->tags[i] = tag_of(hash);
    }
    free(old_ids);
    free(old_tags);
    bytes_sub(st, (size_t)old_cap * (sizeof *sh->ids + 1));
    return true;
}

/* ---- public ---- */

Store *store_new(uint32_t vec_len, size_t max_bytes)
{
    Store *st = xcalloc(1, sizeof *st);
    st->vec_len = vec_len;
    st->rec_len = vec_len + (uint32_t)sizeof(StateId);
    st->max_bytes = max_bytes;
    uint64_t big = CHUNK_BYTES / st->rec_len;
    st->big_shift = big ? floor_log2(big) : 0;
    st->n_geom = st->big_shift < GEOM_CHUNKS ? st->big_shift : GEOM_CHUNKS;
    st->first_shift = st->big_shift - st->n_geom;
    st->geom_recs = ((((uint64_t)1 << st->n_geom) - 1) << st->first_shift);
    atomic_init(&st->n_states, 0);
    atomic_init(&st->n_bytes, sizeof *st + N_SHARDS * sizeof(Shard));
    pthread_mutex_init(&st->chunk_lock, NULL);
    for (size_t p = 0; p < N_PAGES; p++)
        atomic_init(&st->dir[p], NULL);
    st->shards = aligned_alloc(alignof(Shard), N_SHARDS * sizeof(Shard));
    if (!st->shards)
        st->shards = xmalloc(N_SHARDS * sizeof(Shard)); /* reports and aborts: out of memory */
    memset(st->shards, 0, N_SHARDS * sizeof(Shard));
    for (size_t s = 0; s < N_SHARDS; s++) {
        pthread_mutex_init(&st->shards[s].lock, NULL);
        shard_alloc(st, &st->shards[s], SHARD_INIT_CAP);
    }
    return st;
}

void store_free(Store *st)
{
    if (!st)
        return;
    for (size_t s = 0; s < N_SHARDS; s++) {
        pthread_mutex_destroy(&st->shards[s].lock);
        free(st->shards[s].ids);
        free(st->shards[s].tags);
    }
    free(st->shards);
    for (size_t p = 0; p < N_PAGES; p++) {
        ChunkPtr *page = atomic_load(&st->dir[p]);
        if (!page)
            continue;
        for (size_t c = 0; c < PAGE_SIZE; c++)
            free(atomic_load(&page[c]));
        free(page);
    }
    pthread_mutex_destroy(&st->chunk_lock);
    free(st);
}

StoreResult store_insert(Store *st, const uint8_t *vec, uint64_t hash, StateId parent, StateId *out)
{
    Shard *sh = shard_for(st, hash);
    StoreResult res = STORE_NEW;
    uint32_t slot;
    pthread_mutex_lock(&sh->lock);
    StateId sid = shard_probe(st, sh, vec, hash, &slot);
    if (sid != STATE_ID_NONE) {
        res = STORE_SEEN;
        goto done;
    }
    if ((uint64_t)(sh->n + 1) * 4 > (uint64_t)sh->cap * 3) {
        if (!shard_grow(st, sh)) {
            res = STORE_FULL;
            goto done;
        }
        shard_probe(st, sh, vec, hash, &slot);
    }
    if (!id_take(st, &sid)) {
        res = STORE_FULL;
        goto done;
    }
    uint8_t *rec = record(st, sid);
    memcpy(rec, vec, st->vec_len);
    memcpy(rec + st->vec_len, &parent, sizeof parent);
    sh->ids[slot] = sid;
    sh->tags[slot] = tag_of(hash);
    sh->n++;
done:
    pthread_mutex_unlock(&sh->lock);
    *out = sid;
    return res;
}

void store_prefetch(const Store *st, uint64_t hash)
{
    Shard *sh = shard_for(st, hash);
    uint32_t i = (uint32_t)hash & atomic_load_explicit(&sh->hint_mask, memory_order_relaxed);
    __builtin_prefetch(atomic_load_explicit(&sh->hint_tags, memory_order_relaxed) + i);
    __builtin_prefetch(atomic_load_explicit(&sh->hint_ids, memory_order_relaxed) + i);
}

StateId store_find(const Store *st, const uint8_t *vec, uint64_t hash)
{
    Shard *sh = shard_for(st, hash);
    uint32_t slot;
    pthread_mutex_lock(&sh->lock);
    StateId sid = shard_probe(st, sh, vec, hash, &slot);
    pthread_mutex_unlock(&sh->lock);
    return sid;
}

const uint8_t *store_vec(const Store *st, StateId sid)
{
    assert(sid < atomic_load(&((Store *)st)->n_states) && "state id outside the store");
    return record(st, sid);
}

StateId store_parent(const Store *st, StateId sid)
{
    StateId parent;
    memcpy(&parent, store_vec(st, sid) + st->vec_len, sizeof parent);
    return parent;
}

void store_set_parent(Store *st, StateId sid, StateId parent)
{
    assert(sid < atomic_load(&st->n_states) && "state id outside the store");
    memcpy(record(st, sid) + st->vec_len, &parent, sizeof parent);
}

uint64_t store_count(const Store *st)
{
    return atomic_load(&((Store *)st)->n_states);
}

size_t store_memory_bytes(const Store *st)
{
    return atomic_load(&((Store *)st)->n_bytes);
}
