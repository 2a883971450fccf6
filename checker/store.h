/*
** store.h -- the visited set: every reached state once, with the state it was first reached from.
**
** Open addressing over an arena of state vectors, keyed by a 64-bit xxh3 hash. Ids are dense,
** 0, 1, 2, ... in order of insertion, and stable for the store's lifetime (but for a thread
** inserting from a block of ids, see StoreIds); vectors never move, so store_vec() pointers
** stay valid. The step that reached a state is not kept: the trace
** builder re-runs the parent's successors and picks the first that gives the state, which is
** the same step a search in tie-break order recorded, for 0 bytes per state.
**
** Safe from any thread: a lookup takes no lock, so a state already stored is found without
** writing anything shared; inserting a new one claims its table slot with a compare-and-swap,
** never a lock (only a shard's table growth takes that shard's lock, and holds up only its own
** inserts). A grown shard's old table is kept until store_quiesce(). store_memory_bytes() may
** be read any time.
*/
#ifndef WEFT_STORE_H
#define WEFT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint32_t StateId; /* dense; stable for the store's lifetime */
#define STATE_ID_NONE UINT32_MAX

typedef struct Store Store; /* opaque */

typedef enum {
    STORE_NEW,  /* inserted: *out is the new id */
    STORE_SEEN, /* already there: *out is its id */
    STORE_FULL  /* the memory budget or 2^32 - 2 states is spent: *out is STATE_ID_NONE */
} StoreResult;

/* A store of vectors of 'vec_len' bytes that stops growing past 'max_bytes' (0: no budget). */
Store *store_new(uint32_t vec_len, size_t max_bytes);
void store_free(Store *st); /* store_free(NULL) does nothing */

/* Insert a copy of 'vec' (whose state_hash is 'hash'), first reached from 'parent'
** (STATE_ID_NONE for the initial state). Safe from any thread. */
StoreResult store_insert(Store *st, const uint8_t *vec, uint64_t hash, StateId parent,
                         StateId *out);

/* A thread's block of ids: store_insert_ids() takes ids from it and refills it STORE_ID_BLOCK
** at a time, so that the records (and anything the caller indexes by id) of two threads
** inserting at once do not share cache lines. It also keeps the thread's credits: slots of each
** shard's table promised to it a few at a time, so that inserting threads rarely write the same
** shard counter (credits left over stay promised; the tables grow a little earlier). Ids left
** in a block when the thread stops are holes: ids below store_count() that name no state,
** until store_move() fills them and store_truncate() drops the ids past the last state.
** Zero-initialise: all zeros is an empty block with no credits. */
enum { STORE_ID_BLOCK = 256, STORE_SHARDS = 128 };
typedef struct StoreIds {
    uint64_t next;                /* the next id to hand out */
    uint64_t end;                 /* one past the block's last id */
    uint8_t credit[STORE_SHARDS]; /* slots of each shard's table promised to this thread */
} StoreIds;

/* store_insert, taking a new state's id from 'blk' (NULL: straight from the counter, dense). */
StoreResult store_insert_ids(Store *st, StoreIds *blk, const uint8_t *vec, uint64_t hash,
                             StateId parent, StateId *out);

/* Make sure 'blk' has an id left, refilling it if not: blk->next is then the id that the next
** state store_insert_ids() stores with 'blk' will get, so that the caller can write what it
** keeps by id for that state before any other thread can find it. False if the budget has no
** room for another block. */
bool store_ids_ready(Store *st, StoreIds *blk);

/* Give state 'from' the id 'to' (a hole below it): its record is copied and its table slot
** rewritten; 'from' becomes a hole. Only while no other thread uses the store. */
void store_move(Store *st, StateId from, StateId to);

/* Make 'n' the count of ids: those from n on are holes and are forgotten. Only while no other
** thread uses the store. */
void store_truncate(Store *st, uint64_t n);

/* A hint: start loading the table slot where a state of hash 'hash' would be looked up, so a
** store_insert() or store_find() of it soon after misses the cache less. Takes no lock; safe
** from any thread. */
void store_prefetch(const Store *st, uint64_t hash);

/* A second hint, once store_prefetch's line has arrived: if the slot there looks like it holds
** this state, start loading that state's vector, which the lookup will compare; if not (the
** state is most likely new), start taking the slot's line for writing (util_prefetch_write):
** the insert's compare-and-swap on a slot of it then finds it owned, not shared with the other
** cores (on two CPUs it waited 40 to 50 ns on average, 8 to 11% of a search's time). Takes no
** lock; safe from any thread. */
void store_prefetch_match(const Store *st, uint64_t hash);

/* Grow the tables of shards part, part + n_parts, ... now, so that each has room for its share
** of 'n_more' new states: n_parts threads calling it with parts 0 .. n_parts - 1 grow every
** shard in parallel, before the inserts that would otherwise grow them one at a time and make
** other threads wait for the lock meanwhile. A hint: the budget may stop it. 'is_idle': no
** thread inserts or looks up while it runs (other threads reserving other parts aside), so a
** table grows without the atomic marks that keep concurrent inserts out of the old one (a
** locked instruction for each of its empty slots), and the old table is freed at once. */
void store_reserve(Store *st, uint64_t n_more, uint32_t part, uint32_t n_parts, bool is_idle);

/* store_reserve for shard 'shard' alone (0 .. STORE_SHARDS - 1), for threads that share the
** shards out as they go: each shard reserved once, by any thread, grows them all. */
void store_reserve_shard(Store *st, uint64_t n_more, uint32_t shard, bool is_idle);

/* Promise (true) that one thread alone will use the store until the promise is withdrawn
** (false): inserting then takes its ids and table credits, claims its slot and grows a table
** with plain loads and stores, without the atomic read-modify-writes (each a locked
** instruction) that other threads would need. Call it while no other thread uses the store. */
void store_set_solo(Store *st, bool is_solo);

/* Free the tables that grown shards replaced (they count in store_memory_bytes until then).
** Only while no other thread uses the store: between levels, or in a single-thread search. */
void store_quiesce(Store *st);

/* Look 'vec' up without inserting; STATE_ID_NONE when absent. Safe from any thread. */
StateId store_find(const Store *st, const uint8_t *vec, uint64_t hash);

/* The vector of state 'sid' (< store_count). Valid until store_free. */
const uint8_t *store_vec(const Store *st, StateId sid);

/* The state 'sid' was first reached from, or STATE_ID_NONE for the initial state. */
StateId store_parent(const Store *st, StateId sid);

/* The steps from the initial state to 'sid' along the parents: 0 for the initial state. */
uint32_t store_depth(const Store *st, StateId sid);

/* Make 'parent' the state 'sid' was first reached from. The parallel search inserts with a
** provisional parent and, once its level is complete, rewrites it for the states that an
** outcome earlier in the canonical order than the storing one also reached. Safe from any
** thread as long as nobody reads the parent of 'sid' at the same time. */
void store_set_parent(Store *st, StateId sid, StateId parent);

/* States stored so far. */
uint64_t store_count(const Store *st);

/* Bytes the store holds now (the records counted so far, and tables). Safe from any thread. */
size_t store_memory_bytes(const Store *st);

#endif
