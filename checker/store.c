/*
** store.c -- the visited set: sharded open addressing over an arena of fixed-size records.
**
** Every state is one record, its vector followed by its parent id (4 bytes), in one address
** range reserved when the store is made (mmap, MAP_NORESERVE: the kernel gives a page memory
** when it is first written). Records never move, and record i is at recs + i * rec_len, so
** store_vec() takes no lock and finding a record is a multiply-add. The hash table is split
** into N_SHARDS shards chosen by the hash's high bits; each shard is an open-addressing table
** of 5-byte slots, a one-byte tag (occupied bit + 7 hash bits) then the id, so most probes
** never touch a vector but the one they are after, and a probe reads one cache line, an
** insert writes one. Each shard doubles by itself at 75% load, so a growing shard holds up
** only its own inserts.
**
** No lock is taken but to grow a table. A lookup writes nothing shared: a state already stored
** (most successors are) is found without a cache line changing hands. An insert claims the
** empty slot that ends its probe with a compare-and-swap of its tag (EMPTY to BUSY), writes the
** record and the id, and publishes the slot by a release store of the real tag; a slot never
** changes after, and a reader that acquires the tag sees the id and the record. A probe that
** meets a BUSY slot waits for it (it may be the very state sought). A thread first takes a
** credit, a slot promised by the shard's counter, so that the table never fills past 75%; with
** a StoreIds it takes a few at a time, so that threads inserting at once rarely write the same
** counter. (A lock per insert would move the lock's cache line between the cores at every
** insert; docs/performance.md has the figures.)
**
** Growing (under the shard's lock, which only growers take) marks every empty slot of the old
** table MOVED with a compare-and-swap as it copies the table, and waits for the BUSY ones, so
** no insert can land in the old table once it is copied; a probe that meets MOVED waits for
** the new table and starts again there. A grown shard's old table may still be probed by a
** reader, so it is not freed but retired, and store_quiesce() frees retired tables when the
** caller knows nobody is reading.
**
** A single-threaded search declares the store solo (store_set_solo): the same steps then take
** plain loads and stores where other threads would need a locked read-modify-write (the id
** counter, the credits, the claim of a slot, the MOVED marks of a growing table). A shard
** names its table by one word, the table's address with log2 of its size in the low bits, so
** finding a state's slot takes one load from the shard and none from the table's header.
**
** Ids are dense: one is taken by a compare-and-swap on the state counter, only after its
** record's bytes are counted against the budget (in steps of up to 1 MiB), so a budget that
** says no leaves no hole. A thread may take them a block at a time instead
** (store_insert_ids); the ids it leaves unused are holes until the caller moves states into
** them (store_move) and truncates the count. A block's records are counted with it, or, when a
** block of them would pass 1 MiB (BIG_REC), each as its id is used.
** Memory per state for a 24-byte vector: 28 bytes of record plus 5 bytes a table slot at a
** load between 37% and 75%, about 35 bytes in all.
*/
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MAP_NORESERVE, MADV_HUGEPAGE */
#include "store.h"

#include <assert.h>
#include <pthread.h>
#include <sched.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "state.h"
#include "util.h"

/* ---- sizes ---- */

enum {
    SHARD_BITS = 7,             /* 128 shards: little contention at -j 8, 60 KiB when empty */
    N_SHARDS = 1 << SHARD_BITS, /* shard = hash >> (64 - SHARD_BITS) */
    SHARD_INIT_CAP = 64,        /* slots of a new shard table (a power of two) */
    TAG_EMPTY = 0,              /* tag: the slot is free */
    TAG_BUSY = 1,               /* tag: a thread is filling the slot */
    TAG_MOVED = 2,              /* tag: an empty slot of a table being grown: look in the next */
    TAG_USED = 0x80,            /* tag bit: the slot holds an id */
    REHASH_AHEAD = 16,          /* a growing table prefetches the record this many slots on */
    SPINS_BEFORE_YIELD = 256,   /* a waiting thread yields its core this often */
    CREDIT_MAX = 32,            /* credits a thread with a StoreIds takes at most at a time */
    ID_BLOCK = STORE_ID_BLOCK,
    COMMIT_MIN = 1 << 14,             /* the records' first commit, in bytes; doubled up to ... */
    COMMIT_STEP = 1 << 20,            /* ... 1 MiB, then 1 MiB at a time */
    BIG_REC = COMMIT_STEP / ID_BLOCK, /* bytes: longer records of a block are counted one by one */
    HOLE_BLOCKS = 16 /* blocks of ids a budget-sized range has room for beyond the budget */
};

#define RESERVE_MAX ((size_t)1 << 40) /* the records' address range: at most 1 TiB, ... */
#define RESERVE_MIN ((size_t)1 << 20) /* ... at least 1 MiB, or weft is out of memory */
#define HUGE_PAGE   ((size_t)2 << 20) /* a transparent huge page on x86-64 (recs_reserve) */

#define STORE_MAX_STATES ((uint64_t)UINT32_MAX - 1) /* ids 0 .. 2^32 - 3: NONE stays free */

/* ---- the structures ---- */

/* A slot of a table: its tag, then its id, five bytes with no padding, so that a probe reads
** one cache line (separate arrays of tags and ids cost two) and an insert writes one. */
typedef struct Slot {
    _Atomic uint8_t tag; /* TAG_EMPTY, TAG_BUSY, TAG_MOVED or TAG_USED | 7 bits of the hash */
    uint8_t id[4];       /* the state id, unaligned; meaningful where the tag is TAG_USED | .. */
} Slot;

_Static_assert(sizeof(Slot) == 5, "a slot is a tag and an id, unpadded");
_Static_assert((int)N_SHARDS == (int)STORE_SHARDS, "StoreIds keeps a credit count per shard");

/* A shard's open-addressing table, in one allocation aligned to TABLE_ALIGN: this header,
** then the slots. */
typedef struct Table {
    uint32_t cap;               /* slots, a power of two */
    Slot *slots;                /* cap slots */
    struct Table *retired_next; /* a retired table: the next one retired */
} Table;

/* A shard's table as one word: the table's address, a multiple of TABLE_ALIGN, with log2 of
** its capacity in the low bits. A lookup finds its slot from this word alone, read from the
** shard's line, which stays in cache: no second, dependent load of the table's header line,
** which 128 shards' lookups and a growing store keep evicting. */
typedef uintptr_t TabWord;

enum {
    TABLE_ALIGN = 64,              /* a table's address: its low 6 bits are free */
    TAB_LOG_BITS = TABLE_ALIGN - 1 /* the bits of a TabWord holding log2 of the capacity */
};

/* Two cache lines each (see store_new): the counter's line is written when a thread takes
** credits, the table pointer's only when the shard grows, so readers keep theirs in cache. */
typedef struct Shard {
    alignas(64) _Atomic bool lock;   /* taken to grow the table; guards 'retired' */
    _Atomic uint32_t n;              /* slots occupied or promised (credits not used yet) */
    Table *retired;                  /* tables replaced by a bigger one, not freed yet */
    alignas(64) _Atomic TabWord tab; /* the table; replaced (under the lock) when it grows */
} Shard;

/* The fields every lookup reads come first; the counters that inserting threads write are on
** cache lines of their own, or each write would take the line from every reader. */
struct Store {
    uint32_t vec_len;                      /* bytes of a state vector */
    uint32_t rec_len;                      /* bytes of a record: vector, then parent id */
    size_t max_bytes;                      /* budget, 0 for none */
    uint8_t *recs;                         /* record i at recs + i * rec_len */
    size_t recs_len;                       /* bytes of the records' address range */
    uint64_t max_ids;                      /* records the range holds */
    bool is_solo;                          /* one thread alone uses the store */
    Shard *shards;                         /* N_SHARDS shards */
    alignas(64) _Atomic uint64_t n_states; /* ids handed out; ids are dense */
    alignas(64) _Atomic size_t n_bytes;    /* bytes held now: records, tables, ... */
    _Atomic bool has_retired;              /* some shard has a retired table */
    _Atomic size_t n_commit;               /* bytes of 'recs' counted in n_bytes */
    pthread_mutex_t commit_lock;           /* serialises the growth of n_commit */
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

/* ---- the arena: one address range, record i at recs + i * rec_len ---- */

static uint32_t floor_log2(uint64_t x)
{
    return 63u - (uint32_t)__builtin_clzll(x);
}

/* Reserve the records' address range: RESERVE_MAX, or the budget, a commit step and
** HOLE_BLOCKS blocks of ids (threads' blocks partly unused) if that is less, or an eighth of
** the address space ulimit -v allows (the budget is a quarter of it; thread stacks and the
** allocator's per-thread arenas need much of the rest), or what the system agrees to map
** (strict overcommit refuses a large range: it is halved until one is mapped). Nothing is
** committed: the kernel gives a page of it memory when the page is first written, and the
** budget counts it (recs_commit) before. */
static void recs_reserve(Store *st)
{
    size_t len = RESERVE_MAX, space = util_address_space_limit() / 8;
    size_t slack = COMMIT_STEP + (size_t)HOLE_BLOCKS * ID_BLOCK * st->rec_len;
    if (st->max_bytes && slack < len && st->max_bytes < len - slack)
        len = st->max_bytes + slack;
    if (space && space < len)
        len = space > RESERVE_MIN ? space : RESERVE_MIN;
    if ((uint64_t)len / st->rec_len > STORE_MAX_STATES)
        len = (size_t)STORE_MAX_STATES * st->rec_len;
    len = (len + 4095) & ~(size_t)4095;
    for (;;) {
        /* the records start on a huge page's boundary (below) */
        uint8_t *p = util_map_aligned(len, HUGE_PAGE, MAP_NORESERVE);
        if (p) {
            /* Advice, ignored by a kernel without transparent huge pages: records in 2 MiB
            ** pages. A lookup that finds its state compares the record's vector, at a random
            ** id, and with 4 KiB pages that read walked the page tables too (a -j 1 search ran
            ** 5 to 17% faster with the advice, in user time; docs/performance-log.md, *The
            ** eighth round*). Records are written in id order, so at most the last page's
            ** unused part is spent early. */
            (void)madvise(p, len, MADV_HUGEPAGE);
            st->recs = p;
            st->recs_len = len;
            st->max_ids = len / st->rec_len;
            return;
        }
        if (len <= RESERVE_MIN)
            util_oom(len);
        len /= 2;
    }
}

/* Count the records of the ids below 'n_ids' in the store's bytes, within the budget, before
** any of those ids is taken: a budget that says no leaves no hole. Commits double from
** COMMIT_MIN to COMMIT_STEP, then go COMMIT_STEP at a time, so a tiny model stays tiny.
** False when the budget says no. */
static bool recs_commit(Store *st, uint64_t n_ids)
{
    size_t need = (size_t)n_ids * st->rec_len;
    if (need <= atomic_load_explicit(&st->n_commit, memory_order_acquire))
        return true;
    bool ok = true;
    pthread_mutex_lock(&st->commit_lock);
    size_t have = atomic_load_explicit(&st->n_commit, memory_order_relaxed);
    if (need > have) {
        size_t to = have < COMMIT_MIN ? COMMIT_MIN : have;
        while (to < need && to < COMMIT_STEP)
            to *= 2;
        if (to < need)
            to = (need + COMMIT_STEP - 1) / COMMIT_STEP * COMMIT_STEP;
        if (to > st->recs_len)
            to = st->recs_len; /* need <= recs_len: ids stop at max_ids */
        ok = budget_allows(st, to - have);
        if (ok) {
            bytes_add(st, to - have);
            atomic_store_explicit(&st->n_commit, to, memory_order_release);
        }
    }
    pthread_mutex_unlock(&st->commit_lock);
    return ok;
}

static uint8_t *record(const Store *st, uint64_t sid)
{
    return st->recs + sid * st->rec_len;
}

/* Count one record in the budget, for an id of a block of big records (BIG_REC): a block of
** them would count ID_BLOCK records at once, more than the budget may hold. False when the
** budget says no. */
static bool rec_count(Store *st)
{
    if (!budget_allows(st, st->rec_len))
        return false;
    bytes_add(st, st->rec_len);
    return true;
}

/* Take the next 'n' ids, after counting their records in the budget unless 'is_uncounted'
** (the caller counts each as it uses it: rec_count); the first into *out. False: budget or id
** space spent. */
static bool ids_take(Store *st, uint32_t n_ids, bool is_uncounted, uint64_t *out)
{
    uint64_t n = atomic_load(&st->n_states);
    for (;;) {
        if (n + n_ids > st->max_ids)
            return false;
        if (!is_uncounted && !recs_commit(st, n + n_ids))
            return false;
        if (st->is_solo) {
            atomic_store_explicit(&st->n_states, n + n_ids, memory_order_relaxed);
            *out = n;
            return true;
        }
        if (atomic_compare_exchange_weak(&st->n_states, &n, n + n_ids)) {
            *out = n;
            return true;
        }
    }
}

/* The next id for an insert: from the caller's block if it has one (refilled ID_BLOCK at a
** time), else straight from the counter. A block's records are counted in the budget with the
** block, or, for big records, one at a time as its ids are used: ID_BLOCK records of 400 KB
** are 100 MB, which a smaller budget refused at the first insert. */
static bool id_take(Store *st, StoreIds *blk, StateId *out)
{
    uint64_t id;
    if (!blk) {
        if (!ids_take(st, 1, false, &id))
            return false;
        *out = (StateId)id;
        return true;
    }
    if (!store_ids_ready(st, blk))
        return false;
    if (st->rec_len > BIG_REC && !rec_count(st))
        return false;
    *out = (StateId)blk->next++;
    return true;
}

bool store_ids_ready(Store *st, StoreIds *blk)
{
    uint64_t id;
    if (blk->next < blk->end)
        return true;
    if (!ids_take(st, ID_BLOCK, st->rec_len > BIG_REC, &id))
        return false;
    blk->next = id;
    blk->end = id + ID_BLOCK;
    return true;
}

/* ---- shards ---- */

/* The shard of a state with hash 'hash': its high bits. */
static uint32_t shard_index(uint64_t hash)
{
    return (uint32_t)(hash >> (64 - SHARD_BITS));
}

static Shard *shard_for(const Store *st, uint64_t hash)
{
    return &st->shards[shard_index(hash)];
}

/* A pause in a wait loop, yielding the core now and then (the thread waited for may need it). */
static void wait_a_little(uint32_t *n_spins)
{
    if (++*n_spins % SPINS_BEFORE_YIELD == 0)
        sched_yield();
#if defined(__x86_64__) || defined(__i386__)
    else
        __builtin_ia32_pause();
#endif
}

/* Take the shard's lock, which only a thread growing the table (or freeing retired ones) holds,
** for a while: a thread waiting for it yields its core now and then. */
static void shard_lock(Shard *sh)
{
    uint32_t n_spins = 0;
    while (atomic_exchange_explicit(&sh->lock, true, memory_order_acquire))
        while (atomic_load_explicit(&sh->lock, memory_order_relaxed))
            wait_a_little(&n_spins);
}

static void shard_unlock(Shard *sh)
{
    atomic_store_explicit(&sh->lock, false, memory_order_release);
}

/* Bits 49..55 of the hash: disjoint from the shard bits and from the slot bits of any table
** smaller than 2^49 slots. */
static uint8_t tag_of(uint64_t hash)
{
    return (uint8_t)(TAG_USED | ((hash >> 49) & 0x7f));
}

static size_t table_bytes(uint32_t cap)
{
    return sizeof(Table) + (size_t)cap * sizeof(Slot);
}

static uint8_t slot_tag(const Slot *sl, memory_order order)
{
    return atomic_load_explicit(&((Slot *)sl)->tag, order);
}

static StateId slot_id(const Slot *sl)
{
    StateId sid;
    memcpy(&sid, sl->id, sizeof sid);
    return sid;
}

/* The tag of 'sl' once no thread is filling it: published, EMPTY or MOVED. */
static uint8_t slot_tag_settled(const Slot *sl)
{
    uint32_t n_spins = 0;
    uint8_t g;
    while ((g = slot_tag(sl, memory_order_acquire)) == TAG_BUSY)
        wait_a_little(&n_spins);
    return g;
}

/* A table of 'cap' empty slots. */
static Table *table_new(Store *st, uint32_t cap)
{
    /* Every slot TAG_EMPTY, written now: zeroed by a write, each fresh page is faulted in once.
    ** (calloc would leave fresh pages unwritten; a probe's read would then map the shared zero
    ** page, and the first insert replace it and flush the other workers' TLBs: slower.) */
    Table *t = xcalloc_aligned(TABLE_ALIGN, table_bytes(cap));
    t->cap = cap;
    t->slots = (Slot *)(t + 1);
    t->retired_next = NULL;
    bytes_add(st, table_bytes(cap));
    return t;
}

static void table_free(Store *st, Table *t)
{
    bytes_sub(st, table_bytes(t->cap));
    free(t);
}

static TabWord tab_word(const Table *t)
{
    assert(((uintptr_t)t & TAB_LOG_BITS) == 0 && "a table not aligned to TABLE_ALIGN");
    return (uintptr_t)t | floor_log2(t->cap);
}

static Table *tab_table(TabWord w)
{
    return (Table *)(w & ~(TabWord)TAB_LOG_BITS);
}

static uint32_t tab_mask(TabWord w)
{
    return (uint32_t)(((uint64_t)1 << (w & TAB_LOG_BITS)) - 1);
}

static Slot *tab_slots(TabWord w)
{
    return (Slot *)(tab_table(w) + 1);
}

static TabWord shard_word(const Shard *sh)
{
    return atomic_load_explicit(&((Shard *)sh)->tab, memory_order_acquire);
}

static const Table *shard_table(const Shard *sh)
{
    return tab_table(shard_word(sh));
}

typedef enum {
    PROBE_FOUND, /* the state is in the table */
    PROBE_EMPTY, /* it is not: *slot_out is the empty slot that ends the probe */
    PROBE_MOVED  /* the table is being grown: look again in the next one */
} ProbeResult;

/* Look 'vec' up in the table 'w' from slot *slot_out on (its home slot, or where an earlier
** probe of the same state stopped). Nothing is ever removed, so the first empty slot ends the
** search. Found: *sid_out is its id. A slot seen published has its id and record in place
** (the tag is stored last, with release); a slot being filled is waited for: it may hold this
** very state. */
static ProbeResult table_probe(const Store *st, TabWord w, const uint8_t *vec, uint64_t hash,
                               uint32_t *slot_out, StateId *sid_out)
{
    uint32_t mask = tab_mask(w);
    const Slot *slots = tab_slots(w);
    uint8_t tag = tag_of(hash);
    for (uint32_t i = *slot_out;; i = (i + 1) & mask) {
        uint8_t g = slot_tag_settled(&slots[i]);
        if (g == TAG_EMPTY || g == TAG_MOVED) {
            *slot_out = i;
            return g == TAG_EMPTY ? PROBE_EMPTY : PROBE_MOVED;
        }
        if (g != tag)
            continue;
        StateId sid = slot_id(&slots[i]);
        if (state_equal(record(st, sid), vec, st->vec_len)) {
            *sid_out = sid;
            return PROBE_FOUND;
        }
    }
}

/* Wait until the shard's table is no longer 'w' (a thread is growing it). */
static void wait_table_change(const Shard *sh, TabWord w)
{
    uint32_t n_spins = 0;
    while (shard_word(sh) == w)
        wait_a_little(&n_spins);
}

/* Look 'vec' up in the shard's current table, following it as it grows. */
static StateId shard_find(const Store *st, const Shard *sh, const uint8_t *vec, uint64_t hash)
{
    for (;;) {
        TabWord w = shard_word(sh);
        uint32_t slot = (uint32_t)hash & tab_mask(w);
        StateId sid;
        ProbeResult r = table_probe(st, w, vec, hash, &slot, &sid);
        if (r == PROBE_FOUND)
            return sid;
        if (r == PROBE_EMPTY)
            return STATE_ID_NONE;
        wait_table_change(sh, w);
    }
}

/* Fill the empty slot 'slot' of 't', which no other thread can see, with 'sid' under 'tag'. */
static void table_fill(Table *t, uint32_t slot, StateId sid, uint8_t tag)
{
    memcpy(t->slots[slot].id, &sid, sizeof sid);
    atomic_store_explicit(&t->slots[slot].tag, tag, memory_order_relaxed);
}

/* Slot 'j' of the table being grown, copied into 't': a published one is rehashed from its
** record; an empty one is marked MOVED, so that no insert lands there any more (unless no
** other thread can insert: the store is solo, or 'is_idle', see store_reserve); one being
** filled is waited for. */
static void slot_move(const Store *st, Table *old, uint32_t j, Table *t, bool is_idle)
{
    uint32_t mask = t->cap - 1;
    for (;;) {
        uint8_t g = slot_tag_settled(&old->slots[j]);
        if (g == TAG_EMPTY) {
            if (st->is_solo || is_idle)
                return;
            if (atomic_compare_exchange_strong(&old->slots[j].tag, &g, TAG_MOVED))
                return;
            continue; /* an insert claimed it meanwhile: wait for it */
        }
        if (g == TAG_MOVED) /* cannot happen: growers hold the lock */
            return;
        StateId sid = slot_id(&old->slots[j]);
        uint64_t hash = state_hash(record(st, sid), st->vec_len);
        uint32_t i = (uint32_t)hash & mask;
        while (slot_tag(&t->slots[i], memory_order_relaxed) != TAG_EMPTY)
            i = (i + 1) & mask;
        table_fill(t, i, sid, g);
        return;
    }
}

/* Grow the table of 'sh' (its lock held) to 'cap' slots, a power of two above its own, while
** other threads may go on probing and inserting: each slot of the old table is moved
** (slot_move), then the new table is published. The old table is retired, not freed: a reader
** may be probing it. With 'is_idle' (store_reserve) nobody probes or inserts meanwhile: the
** empty slots are left unmarked and the old table is freed at once. False when the new table
** does not fit the budget; the old one is then left as it was. */
static bool shard_grow(Store *st, Shard *sh, uint32_t cap, bool is_idle)
{
    Table *old = tab_table(shard_word(sh));
    assert(cap > old->cap && (cap & (cap - 1)) == 0 && "a table grows to a larger power of two");
    if (!budget_allows(st, table_bytes(cap)))
        return false;
    Table *t = table_new(st, cap);
    for (uint32_t j = 0; j < old->cap; j++) {
        /* The records are met in hash order, each a cache miss: load some ahead. */
        uint32_t ahead = j + REHASH_AHEAD;
        if (ahead < old->cap && slot_tag(&old->slots[ahead], memory_order_acquire) >= TAG_USED)
            __builtin_prefetch(record(st, slot_id(&old->slots[ahead])));
        slot_move(st, old, j, t, is_idle);
    }
    atomic_store_explicit(&sh->tab, tab_word(t), memory_order_release);
    if (is_idle) {
        table_free(st, old);
        return true;
    }
    old->retired_next = sh->retired;
    sh->retired = old;
    atomic_store_explicit(&st->has_retired, true, memory_order_relaxed);
    return true;
}

/* ---- credits: room in a shard's table ---- */

typedef enum {
    CREDIT_OK,   /* the caller may fill a slot of the table it probed */
    CREDIT_GREW, /* that table was grown meanwhile: probe the new one */
    CREDIT_FULL  /* no room and the table cannot grow (the budget) */
} CreditResult;

/* Make sure the caller may fill one slot of 'w', the table of shard 's' it probed: from the
** caller's credits (blk), else by taking credits from the shard's counter (a few with a blk,
** one without), else by growing the table. */
static CreditResult credit_take(Store *st, uint32_t s, TabWord w, StoreIds *blk)
{
    Shard *sh = &st->shards[s];
    if (blk && blk->credit[s])
        return CREDIT_OK;
    uint32_t n = atomic_load_explicit(&sh->n, memory_order_relaxed);
    for (;;) {
        if (shard_word(sh) != w)
            return CREDIT_GREW;
        uint32_t limit = (uint32_t)(((uint64_t)tab_mask(w) + 1) * 3 / 4);
        if (n < limit) {
            uint32_t q = blk ? (limit - n) / 16 : 1;
            q = q < 1 ? 1 : q > CREDIT_MAX ? CREDIT_MAX : q;
            if (st->is_solo)
                atomic_store_explicit(&sh->n, n + q, memory_order_relaxed);
            else if (!atomic_compare_exchange_weak_explicit(&sh->n, &n, n + q, memory_order_relaxed,
                                                            memory_order_relaxed))
                continue;
            if (blk)
                blk->credit[s] = (uint8_t)q;
            return CREDIT_OK;
        }
        shard_lock(sh);
        uint32_t cap = tab_mask(w) + 1;
        bool ok =
            shard_word(sh) != w || (cap <= UINT32_MAX / 2 && shard_grow(st, sh, cap * 2, false));
        shard_unlock(sh);
        return ok ? CREDIT_GREW : CREDIT_FULL;
    }
}

/* The caller took a credit and did not fill a slot with it: give it back (a blk keeps it). */
static void credit_unused(Store *st, uint32_t s, StoreIds *blk)
{
    _Atomic uint32_t *n = &st->shards[s].n;
    if (blk)
        return;
    if (st->is_solo)
        atomic_store_explicit(n, atomic_load_explicit(n, memory_order_relaxed) - 1,
                              memory_order_relaxed);
    else
        atomic_fetch_sub_explicit(n, 1, memory_order_relaxed);
}

/* The caller filled a slot with its credit. */
static void credit_used(uint32_t s, StoreIds *blk)
{
    if (blk) {
        assert(blk->credit[s] > 0 && "a slot filled without a credit");
        blk->credit[s]--;
    }
}

/* Fill the slot 'sl', claimed (BUSY, or empty in a solo store) by the caller with a credit,
** with a new state: its id (from 'blk' if given), its record, then its tag, published with
** release. */
static StoreResult slot_fill(Store *st, Slot *sl, StoreIds *blk, const uint8_t *vec, uint64_t hash,
                             StateId parent, StateId *out)
{
    uint32_t s = shard_index(hash);
    StateId sid;
    if (!id_take(st, blk, &sid)) {
        atomic_store_explicit(&sl->tag, TAG_EMPTY, memory_order_release);
        credit_unused(st, s, blk);
        *out = STATE_ID_NONE;
        return STORE_FULL;
    }
    uint8_t *rec = record(st, sid);
    state_copy(rec, vec, st->vec_len);
    memcpy(rec + st->vec_len, &parent, sizeof parent);
    memcpy(sl->id, &sid, sizeof sid);
    atomic_store_explicit(&sl->tag, tag_of(hash), memory_order_release);
    credit_used(s, blk);
    *out = sid;
    return STORE_NEW;
}

/* ---- public ---- */

Store *store_new(uint32_t vec_len, size_t max_bytes)
{
    Store *st = xcalloc_aligned(alignof(Store), sizeof *st);
    st->vec_len = vec_len;
    st->rec_len = vec_len + (uint32_t)sizeof(StateId);
    st->max_bytes = max_bytes;
    recs_reserve(st);
    atomic_init(&st->n_commit, 0);
    atomic_init(&st->n_states, 0);
    atomic_init(&st->n_bytes, sizeof *st + N_SHARDS * sizeof(Shard));
    pthread_mutex_init(&st->commit_lock, NULL);
    st->shards = xcalloc_aligned(alignof(Shard), N_SHARDS * sizeof(Shard));
    atomic_init(&st->has_retired, false);
    for (size_t s = 0; s < N_SHARDS; s++) {
        atomic_init(&st->shards[s].lock, false);
        atomic_init(&st->shards[s].tab, tab_word(table_new(st, SHARD_INIT_CAP)));
    }
    return st;
}

void store_free(Store *st)
{
    if (!st)
        return;
    store_quiesce(st);
    for (size_t s = 0; s < N_SHARDS; s++) {
        free(tab_table(atomic_load(&st->shards[s].tab)));
    }
    free(st->shards);
    munmap(st->recs, st->recs_len);
    pthread_mutex_destroy(&st->commit_lock);
    free(st);
}

StoreResult store_insert(Store *st, const uint8_t *vec, uint64_t hash, StateId parent, StateId *out)
{
    return store_insert_ids(st, NULL, vec, hash, parent, out);
}

StoreResult store_insert_ids(Store *st, StoreIds *blk, const uint8_t *vec, uint64_t hash,
                             StateId parent, StateId *out)
{
    uint32_t s = shard_index(hash);
    Shard *sh = &st->shards[s];
    bool has_credit = false;
    for (;;) {
        TabWord w = shard_word(sh);
        Slot *slots = tab_slots(w);
        uint32_t slot = (uint32_t)hash & tab_mask(w);
        StateId sid;
        ProbeResult r;
        while ((r = table_probe(st, w, vec, hash, &slot, &sid)) == PROBE_EMPTY) {
            if (!has_credit) {
                CreditResult c = credit_take(st, s, w, blk);
                if (c == CREDIT_FULL) {
                    *out = STATE_ID_NONE;
                    return STORE_FULL;
                }
                if (c == CREDIT_GREW)
                    break;
                has_credit = true;
                continue; /* probe on from the slot: it may have been filled meanwhile */
            }
            uint8_t g = TAG_EMPTY;
            if (st->is_solo || /* no other thread can claim the slot */
                atomic_compare_exchange_strong_explicit(&slots[slot].tag, &g, TAG_BUSY,
                                                        memory_order_acq_rel, memory_order_acquire))
                return slot_fill(st, &slots[slot], blk, vec, hash, parent, out);
            /* another thread claimed the slot, or moved it: look at it again */
        }
        if (r == PROBE_FOUND) {
            if (has_credit)
                credit_unused(st, s, blk);
            *out = sid;
            return STORE_SEEN;
        }
        if (r == PROBE_MOVED)
            wait_table_change(sh, w); /* after CREDIT_GREW the table has changed already */
    }
}

void store_prefetch(const Store *st, uint64_t hash)
{
    TabWord w = shard_word(shard_for(st, hash));
    __builtin_prefetch(&tab_slots(w)[(uint32_t)hash & tab_mask(w)]);
}

void store_prefetch_match(const Store *st, uint64_t hash)
{
    TabWord w = shard_word(shard_for(st, hash));
    const Slot *sl = &tab_slots(w)[(uint32_t)hash & tab_mask(w)];
    if (slot_tag(sl, memory_order_acquire) == tag_of(hash))
        __builtin_prefetch(record(st, slot_id(sl)));
    else /* most likely a new state: its insert claims a slot of this line */
        util_prefetch_write(sl);
}

StateId store_find(const Store *st, const uint8_t *vec, uint64_t hash)
{
    return shard_find(st, shard_for(st, hash), vec, hash);
}

void store_reserve_shard(Store *st, uint64_t n_more, uint32_t shard, bool is_idle)
{
    assert(shard < N_SHARDS && "no such shard");
    Shard *sh = &st->shards[shard];
    shard_lock(sh);
    /* The size that leaves room for the shard's part, reached in one rehash however many
    ** doublings it takes; if the budget refuses it, a smaller one. */
    uint64_t need = (atomic_load(&sh->n) + n_more / N_SHARDS + 1) * 4, old = shard_table(sh)->cap;
    uint64_t cap = old;
    while (need > cap * 3 && cap <= UINT32_MAX / 2)
        cap *= 2;
    while (cap > old && !shard_grow(st, sh, (uint32_t)cap, is_idle))
        cap /= 2; /* the budget: inserting will say STORE_FULL in its turn */
    shard_unlock(sh);
}

void store_reserve(Store *st, uint64_t n_more, uint32_t part, uint32_t n_parts, bool is_idle)
{
    for (uint32_t s = part; s < N_SHARDS; s += n_parts)
        store_reserve_shard(st, n_more, s, is_idle);
}

void store_set_solo(Store *st, bool is_solo)
{
    st->is_solo = is_solo;
}

void store_quiesce(Store *st)
{
    if (!atomic_load_explicit(&st->has_retired, memory_order_relaxed))
        return;
    atomic_store_explicit(&st->has_retired, false, memory_order_relaxed);
    for (size_t s = 0; s < N_SHARDS; s++) {
        Shard *sh = &st->shards[s];
        shard_lock(sh);
        Table *t = sh->retired;
        sh->retired = NULL;
        shard_unlock(sh);
        while (t) {
            Table *next = t->retired_next;
            table_free(st, t);
            t = next;
        }
    }
}

void store_move(Store *st, StateId from, StateId to)
{
    assert(from < atomic_load(&st->n_states) && to < from && "a move outside the store");
    const uint8_t *src = record(st, from);
    uint64_t hash = state_hash(src, st->vec_len);
    TabWord w = shard_word(shard_for(st, hash));
    Slot *slots = tab_slots(w);
    uint32_t mask = tab_mask(w);
    uint32_t i = (uint32_t)hash & mask;
    while (!(slot_tag(&slots[i], memory_order_relaxed) >= TAG_USED && slot_id(&slots[i]) == from))
        i = (i + 1) & mask;
    memcpy(slots[i].id, &to, sizeof to);
    memcpy(record(st, to), src, st->rec_len);
}

void store_truncate(Store *st, uint64_t n)
{
    assert(n <= atomic_load(&st->n_states) && "truncating a store to more states");
    atomic_store(&st->n_states, n);
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

uint32_t store_depth(const Store *st, StateId sid)
{
    uint32_t n = 0;
    for (; store_parent(st, sid) != STATE_ID_NONE; sid = store_parent(st, sid))
        n++;
    return n;
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
