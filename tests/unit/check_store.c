/*
** check_store.c -- the visited set: duplicates, dense ids, parents, growth, budget, threads.
*/
#define _GNU_SOURCE /* MAP_FIXED_NOREPLACE */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "state.h"
#include "store.h"
#include "suites_list.h"
#include "testmodel.h"
#include "util.h"

enum { VEC_LEN = 24 };

static Store *st;

static void setup(void)
{
    st = store_new(VEC_LEN, 0);
}

static void teardown(void)
{
    store_free(st);
    st = NULL;
}

/* A distinct vector for each 'i' (i in the first and last words, zeros between). */
static void make_vec(uint32_t i, uint8_t *out)
{
    memset(out, 0, VEC_LEN);
    memcpy(out, &i, 4);
    uint32_t j = ~i;
    memcpy(out + VEC_LEN - 4, &j, 4);
}

static StoreResult insert(Store *s, uint32_t i, StateId parent, StateId *out)
{
    uint8_t v[VEC_LEN];
    make_vec(i, v);
    return store_insert(s, v, state_hash(v, VEC_LEN), parent, out);
}

static StateId find(const Store *s, uint32_t i)
{
    uint8_t v[VEC_LEN];
    make_vec(i, v);
    return store_find(s, v, state_hash(v, VEC_LEN));
}

/* ---- core ---- */

START_TEST(store_insert_reports_duplicate)
{
    StateId a, b;
    ck_assert_int_eq(insert(st, 7, STATE_ID_NONE, &a), STORE_NEW);
    ck_assert_int_eq(insert(st, 7, 0, &b), STORE_SEEN);
    ck_assert_uint_eq(a, 0);
    ck_assert_uint_eq(b, 0);
    ck_assert_uint_eq(store_count(st), 1);
    ck_assert_uint_eq(store_parent(st, 0), STATE_ID_NONE);
}
END_TEST

START_TEST(store_ids_are_dense_in_insertion_order)
{
    StateId sid;
    for (uint32_t i = 0; i < 10; i++) {
        ck_assert_int_eq(insert(st, 100 + i, i ? i - 1 : STATE_ID_NONE, &sid), STORE_NEW);
        ck_assert_uint_eq(sid, i);
    }
    ck_assert_uint_eq(store_count(st), 10);
    uint8_t v[VEC_LEN];
    make_vec(105, v);
    ck_assert_mem_eq(store_vec(st, 5), v, VEC_LEN);
    ck_assert_uint_eq(store_parent(st, 5), 4);
}
END_TEST

START_TEST(store_find_absent_is_none)
{
    StateId sid;
    insert(st, 1, STATE_ID_NONE, &sid);
    ck_assert_uint_eq(find(st, 1), 0);
    ck_assert_uint_eq(find(st, 2), STATE_ID_NONE);
}
END_TEST

/* The same hash for different vectors: the tags match, the bytes decide. */
START_TEST(store_equal_hashes_are_told_apart)
{
    uint8_t a[VEC_LEN], b[VEC_LEN];
    make_vec(1, a);
    make_vec(2, b);
    StateId x, y;
    ck_assert_int_eq(store_insert(st, a, 42, STATE_ID_NONE, &x), STORE_NEW);
    ck_assert_int_eq(store_insert(st, b, 42, 0, &y), STORE_NEW);
    ck_assert_uint_eq(x, 0);
    ck_assert_uint_eq(y, 1);
    ck_assert_uint_eq(store_find(st, b, 42), 1);
    ck_assert_int_eq(store_insert(st, a, 42, 1, &y), STORE_SEEN);
    ck_assert_uint_eq(y, 0);
}
END_TEST

/* Half a million states: every shard grows many times (store_quiesce frees the tables it grew
** out of) and many chunks are allocated; every vector and parent survives, and the memory per
** state stays near its design figure. */
START_TEST(store_many_states_survive_growth)
{
    enum { N = 500000 };
    StateId sid;
    for (uint32_t i = 0; i < N; i++) {
        ck_assert_int_eq(insert(st, i, i / 2, &sid), STORE_NEW);
        ck_assert_uint_eq(sid, i);
    }
    for (uint32_t i = 0; i < N; i += 7) {
        ck_assert_int_eq(insert(st, i, 0, &sid), STORE_SEEN);
        ck_assert_uint_eq(sid, i);
        ck_assert_uint_eq(store_parent(st, i), i / 2);
        uint8_t v[VEC_LEN];
        make_vec(i, v);
        ck_assert_mem_eq(store_vec(st, i), v, VEC_LEN);
    }
    ck_assert_uint_eq(find(st, N), STATE_ID_NONE);
    ck_assert_uint_eq(store_count(st), N);
    size_t before = store_memory_bytes(st);
    store_quiesce(st); /* the tables the shards grew out of */
    ck_assert_uint_lt(store_memory_bytes(st), before);
    size_t per_state = store_memory_bytes(st) / N;
    ck_assert_uint_ge(per_state, VEC_LEN + 4);
    ck_assert_uint_le(per_state, 40);
}
END_TEST

/* Vectors of one byte and of 3 MiB both work (chunks of one record at the large end). */
START_TEST(store_extreme_vector_sizes)
{
    Store *small = store_new(1, 0);
    StateId sid;
    for (uint32_t i = 0; i < 256; i++) {
        uint8_t v = (uint8_t)i;
        ck_assert_int_eq(store_insert(small, &v, state_hash(&v, 1), i, &sid), STORE_NEW);
    }
    uint8_t v = 200;
    ck_assert_int_eq(store_insert(small, &v, state_hash(&v, 1), 0, &sid), STORE_SEEN);
    ck_assert_uint_eq(sid, 200);
    ck_assert_uint_eq(store_parent(small, 200), 200);
    store_free(small);

    enum { BIG = 3 << 20 };
    Store *large = store_new(BIG, 0);
    static uint8_t w[BIG];
    for (uint32_t i = 0; i < 3; i++) {
        w[BIG - 1] = (uint8_t)i;
        ck_assert_int_eq(store_insert(large, w, state_hash(w, BIG), STATE_ID_NONE, &sid),
                         STORE_NEW);
        ck_assert_uint_eq(sid, i);
    }
    ck_assert_uint_eq(store_vec(large, 2)[BIG - 1], 2);
    ck_assert_uint_ge(store_memory_bytes(large), 3 * (size_t)BIG);
    store_free(large);
}
END_TEST

START_TEST(store_free_null_does_nothing)
{
    store_free(NULL);
}
END_TEST

/* util_map_grow (the recorded graph's arrays): what was written survives every growth, past 1
** MiB the array jumps to 4 MiB or more, and from then on it starts at a multiple of 2 MiB, also
** when the pages after it are taken
** and it has to move (a page mapped right past its end each time). Entries of 12 bytes, as
** the graph's edges: their arrays are no whole number of 2 MiB pages, and the kernel then put
** a moved one anywhere, where the huge pages written so far could not stay mapped whole. */
typedef struct Entry12 {
    uint32_t w[3];
} Entry12;

START_TEST(store_map_grow_keeps_contents_and_2mib_alignment)
{
    enum { MIB = 1 << 20 };
    Entry12 *a = NULL;
    size_t cap = 0, n = 0;
    int n_moved = 0, n_blocks = 0;
    void *blocks[64];
    while (n < 40 * MIB / sizeof *a) {
        Entry12 *before = a;
        size_t want = n + 1 + n / 2;
        util_map_grow((void **)&a, &cap, want, sizeof *a);
        ck_assert_uint_ge(cap, want);
        n_moved += before && a != before;
        for (size_t i = 0; i < n; i++)
            if (a[i].w[0] != (uint32_t)(i * 2654435761u) || a[i].w[2] != (uint32_t)i)
                ck_abort_msg("entry %zu lost when growing to %zu entries", i, cap);
        size_t bytes = (cap * sizeof *a + 4095) / 4096 * 4096;
        if (bytes > MIB) { /* past 1 MiB, 4 MiB or more at once */
            ck_assert_uint_ge(bytes, 4 * MIB);
            ck_assert_uint_eq((uintptr_t)a % (2 * MIB), 0);
        }
        for (; n < want; n++)
            a[n] = (Entry12){{(uint32_t)(n * 2654435761u), 0, (uint32_t)n}};
        /* take the page right after the mapping, if it is free: the next growth must move */
        void *end = (char *)a + (cap * sizeof *a + 4095) / 4096 * 4096;
        void *block =
            mmap(end, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        ck_assert(block != MAP_FAILED || errno == EEXIST);
        if (block != MAP_FAILED && block != end) /* a kernel before 4.17: a hint only */
            munmap(block, 4096);
        else if (block != MAP_FAILED && n_blocks < 64)
            blocks[n_blocks++] = block;
    }
    ck_assert_int_ge(n_moved, 3);
    util_map_free(a, cap, sizeof *a);
    while (n_blocks)
        munmap(blocks[--n_blocks], 4096);
}
END_TEST

/* Under a tight 'ulimit -v' an aligned place for the grown array (2 MiB more than it, next to
** the old one) does not fit, and util_map_grow moves it anywhere, as mremap likes: grown, its
** contents kept. Not under AddressSanitizer or ThreadSanitizer, whose shadow memory needs
** address space of its own. */
START_TEST(store_map_grow_without_room_for_alignment)
{
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
    enum { MIB = 1 << 20 };
    Entry12 *a = NULL;
    size_t cap = 0;
    util_map_grow((void **)&a, &cap, 8 * MIB / sizeof *a, sizeof *a);
    for (size_t i = 0; i < cap; i++)
        a[i] = (Entry12){{(uint32_t)i, 1, 2}};
    void *end = (char *)a + (cap * sizeof *a + 4095) / 4096 * 4096;
    void *block =
        mmap(end, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    size_t old = (cap * sizeof *a + 4095) / 4096 * 4096, vm = tm_vm_size();
    ck_assert_uint_gt(vm, 0);
    struct rlimit was, tight;
    ck_assert_int_eq(getrlimit(RLIMIT_AS, &was), 0);
    tight = was;
    tight.rlim_cur = vm + old + MIB; /* room for the new pages, not for 2 MiB more */
    ck_assert_int_eq(setrlimit(RLIMIT_AS, &tight), 0);
    size_t old_cap = cap;
    util_map_grow((void **)&a, &cap, old_cap + 1, sizeof *a);
    ck_assert_int_eq(setrlimit(RLIMIT_AS, &was), 0);
    ck_assert_uint_ge(cap, old_cap + 1);
    for (size_t i = 0; i < old_cap; i++)
        if (a[i].w[0] != (uint32_t)i || a[i].w[1] != 1 || a[i].w[2] != 2)
            ck_abort_msg("entry %zu lost", i);
    a[cap - 1] = (Entry12){{7, 7, 7}}; /* the new pages are there */
    util_map_free(a, cap, sizeof *a);
    if (block != MAP_FAILED)
        munmap(block, 4096);
#endif
}
END_TEST

/* The jump past 1 MiB maps its 4 MiB at a multiple of 2 MiB (6 MiB of address space for a
** moment); under a 'ulimit -v' with room for the 4 MiB only, the array grows anywhere, its
** contents kept. */
START_TEST(store_map_grow_jump_without_room_for_alignment)
{
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
    enum { MIB = 1 << 20 };
    uint64_t *a = NULL;
    size_t cap = 0;
    util_map_grow((void **)&a, &cap, MIB / sizeof *a, sizeof *a);
    ck_assert_uint_eq(cap * sizeof *a, MIB); /* 1 MiB: no jump yet */
    for (size_t i = 0; i < cap; i++)
        a[i] = i * 2654435761u;
    size_t vm = tm_vm_size();
    ck_assert_uint_gt(vm, 0);
    struct rlimit was, tight;
    ck_assert_int_eq(getrlimit(RLIMIT_AS, &was), 0);
    tight = was;
    tight.rlim_cur = vm + 4 * MIB; /* the grown array, not 2 MiB more */
    ck_assert_int_eq(setrlimit(RLIMIT_AS, &tight), 0);
    size_t old_cap = cap;
    util_map_grow((void **)&a, &cap, old_cap + 1, sizeof *a);
    ck_assert_int_eq(setrlimit(RLIMIT_AS, &was), 0);
    ck_assert_uint_ge(cap * sizeof *a, 4 * MIB);
    for (size_t i = 0; i < old_cap; i++)
        if (a[i] != i * 2654435761u)
            ck_abort_msg("entry %zu lost", i);
    a[cap - 1] = 7; /* the new pages are there */
    util_map_free(a, cap, sizeof *a);
#endif
}
END_TEST

/* xmemstream: what was written is the text, NUL-terminated, once closed. */
START_TEST(store_memstream_holds_what_was_written)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = xmemstream(&text, &len);
    for (int i = 0; i < 1000; i++)
        fprintf(f, "%d,", i);
    fclose(f);
    ck_assert_uint_eq(len, strlen(text));
    ck_assert_uint_eq(len, 10 * 2 + 90 * 3 + 900 * 4);
    ck_assert(strncmp(text, "0,1,2,", 6) == 0);
    ck_assert_str_eq(text + len - 4, "999,");
    free(text);
}
END_TEST

/* A text grown through many doublings, written in one go and in pieces: all there. */
START_TEST(store_memstream_holds_big_texts)
{
    enum { MIB = 1 << 20 };
    char *big = xmalloc(8 * MIB);
    for (size_t i = 0; i < 8 * MIB; i++)
        big[i] = (char)('a' + i % 26);
    char *text = NULL;
    size_t len = 0;
    FILE *f = xmemstream(&text, &len);
    fwrite(big, 1, 8 * MIB, f);
    for (size_t i = 0; i < 8 * MIB; i += 1000)
        fwrite(big + i, 1, i + 1000 < 8 * MIB ? 1000 : 8 * MIB - i, f);
    fclose(f);
    ck_assert_uint_eq(len, 16 * MIB);
    ck_assert(memcmp(text, big, 8 * MIB) == 0);
    ck_assert(memcmp(text + 8 * MIB, big, 8 * MIB) == 0);
    ck_assert_int_eq(text[len], '\0');
    free(text);
    free(big);
}
END_TEST

#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
/* A memory stream that cannot grow its buffer (a tight 'ulimit -v') aborts ("weft: out of
** memory"), as xmalloc does. open_memstream instead cuts the text short, and neither ferror
** nor fclose says so: a report written from it would be partial. Registered only without
** AddressSanitizer or ThreadSanitizer (their shadow memory needs address space of its own). */
START_TEST(store_memstream_aborts_when_it_cannot_grow)
{
    enum { MIB = 1 << 20 };
    size_t vm = tm_vm_size();
    ck_assert_uint_gt(vm, 0);
    char *text = NULL;
    size_t len = 0;
    FILE *f = xmemstream(&text, &len);
    struct rlimit tight;
    ck_assert_int_eq(getrlimit(RLIMIT_AS, &tight), 0);
    tight.rlim_cur = vm + 16 * MIB;
    ck_assert_int_eq(setrlimit(RLIMIT_AS, &tight), 0);
    static char chunk[64 * 1024];
    memset(chunk, 'x', sizeof chunk);
    for (int i = 0; i < 64 * MIB / (int)sizeof chunk; i++)
        fwrite(chunk, 1, sizeof chunk, f);
    fclose(f);
}
END_TEST
#endif

/* ---- limits ---- */

/* A budget of 2 MiB: inserts succeed, then STORE_FULL with no id; what was stored stays
** findable, a known state is still SEEN, and the memory never passes the budget. */
START_TEST(store_budget_ends_in_full)
{
    enum { BUDGET = 2 << 20 };
    Store *s = store_new(VEC_LEN, BUDGET);
    StateId sid = 0;
    uint32_t i = 0;
    StoreResult r;
    while ((r = insert(s, i, STATE_ID_NONE, &sid)) == STORE_NEW) {
        ck_assert_uint_eq(sid, i);
        i++;
        ck_assert_uint_lt(i, 1000000);
    }
    ck_assert_int_eq(r, STORE_FULL);
    ck_assert_uint_eq(sid, STATE_ID_NONE);
    ck_assert_uint_gt(i, 10000);
    ck_assert_uint_eq(store_count(s), i);
    ck_assert_uint_le(store_memory_bytes(s), BUDGET);
    ck_assert_int_eq(insert(s, 0, STATE_ID_NONE, &sid), STORE_SEEN);
    ck_assert_uint_eq(sid, 0);
    ck_assert_uint_eq(find(s, i - 1), i - 1);
    ck_assert_int_eq(insert(s, i + 1, STATE_ID_NONE, &sid), STORE_FULL);
    ck_assert_uint_eq(store_count(s), i);
    store_free(s);
}
END_TEST

/* A budget smaller than an empty store: the first insert is already FULL. */
START_TEST(store_tiny_budget_stores_nothing)
{
    Store *s = store_new(VEC_LEN, 1000);
    StateId sid;
    ck_assert_int_eq(insert(s, 0, STATE_ID_NONE, &sid), STORE_FULL);
    ck_assert_uint_eq(store_count(s), 0);
    store_free(s);
}
END_TEST

/* A solo store (store_set_solo) gives every insert the same answer and id as a shared one,
** through growth and up to the budget, and goes on working when shared again. */
START_TEST(store_solo_answers_as_shared)
{
    enum { BUDGET = 4 << 20 };
    Store *solo = store_new(VEC_LEN, BUDGET), *shared = store_new(VEC_LEN, BUDGET);
    store_set_solo(solo, true);
    uint32_t n_new = 0;
    for (uint32_t i = 0; i < 400000; i++) {
        uint32_t x = i % 3 ? i : i / 3; /* every third insert is a state seen before */
        StateId a, b;
        StoreResult ra = insert(solo, x, i, &a), rb = insert(shared, x, i, &b);
        ck_assert_int_eq(ra, rb);
        ck_assert_uint_eq(a, b);
        if (ra == STORE_FULL)
            break;
        n_new += ra == STORE_NEW;
    }
    ck_assert_uint_gt(n_new, 50000);               /* many shards grew */
    ck_assert_uint_lt(n_new, 400000 - 400000 / 3); /* the budget ended it */
    ck_assert_uint_eq(store_count(solo), n_new);
    ck_assert_uint_eq(store_count(shared), n_new);
    ck_assert_uint_eq(store_memory_bytes(solo), store_memory_bytes(shared));
    store_set_solo(solo, false);
    StateId sid;
    ck_assert_int_eq(insert(solo, 3, 0, &sid), STORE_SEEN);
    ck_assert_uint_eq(sid, find(shared, 3));
    ck_assert_uint_eq(store_parent(solo, sid), store_parent(shared, sid));
    store_free(solo);
    store_free(shared);
}
END_TEST

/* ---- threads ---- */

enum { N_WORKERS = 8, PER_WORKER = 60000, STRIDE = 20000 };

/* Worker w inserts w*STRIDE .. w*STRIDE + PER_WORKER - 1: neighbours overlap by 2/3. */
static void *stress_worker(void *arg)
{
    uint32_t w = (uint32_t)(uintptr_t)arg;
    uintptr_t n_new = 0;
    for (uint32_t i = 0; i < PER_WORKER; i++) {
        StateId sid;
        uint32_t x = w * STRIDE + i;
        StoreResult r = insert(st, x, x, &sid);
        if (r == STORE_FULL || sid == STATE_ID_NONE)
            return (void *)UINTPTR_MAX;
        n_new += r == STORE_NEW;
    }
    return (void *)n_new;
}

START_TEST(store_threads_insert_overlapping_sets)
{
    pthread_t th[N_WORKERS];
    for (uintptr_t w = 0; w < N_WORKERS; w++)
        ck_assert_int_eq(pthread_create(&th[w], NULL, stress_worker, (void *)w), 0);
    uint64_t n_new = 0;
    for (int w = 0; w < N_WORKERS; w++) {
        void *ret;
        pthread_join(th[w], &ret);
        ck_assert_ptr_ne(ret, (void *)UINTPTR_MAX);
        n_new += (uintptr_t)ret;
    }
    uint64_t expect = (uint64_t)(N_WORKERS - 1) * STRIDE + PER_WORKER;
    ck_assert_uint_eq(store_count(st), expect);
    ck_assert_uint_eq(n_new, expect);
    for (StateId sid = 0; sid < expect; sid++) {
        const uint8_t *v = store_vec(st, sid);
        uint32_t x;
        memcpy(&x, v, 4);
        ck_assert_uint_lt(x, expect);
        ck_assert_uint_eq(store_find(st, v, state_hash(v, VEC_LEN)), sid);
        ck_assert_uint_eq(store_parent(st, sid), x);
    }
}
END_TEST

/* The same sets inserted through id blocks, as the parallel search does: each thread takes
** its ids a block at a time, and the tables, small at first, grow while the other threads go
** on probing and inserting. Every state is stored once: the new ones counted by the threads
** are the distinct states, the ids handed out are those plus the unused rest of each block,
** and every state is found under the id its insert returned. */
typedef struct BlockWorker {
    uint32_t w;     /* the worker's index: it inserts w*STRIDE .. w*STRIDE + PER_WORKER - 1 */
    StoreIds ids;   /* its block of ids and its credits */
    StateId *id_of; /* out: the id each of its values got (NEW or SEEN) */
    uint64_t n_new; /* out: its inserts that were new */
    bool is_full;   /* out: the store refused an insert */
} BlockWorker;

static void *block_worker(void *arg)
{
    BlockWorker *bw = arg;
    for (uint32_t i = 0; i < PER_WORKER; i++) {
        uint32_t x = bw->w * STRIDE + i;
        uint8_t v[VEC_LEN];
        make_vec(x, v);
        StoreResult r = store_insert_ids(st, &bw->ids, v, state_hash(v, VEC_LEN), x, &bw->id_of[i]);
        bw->is_full |= r == STORE_FULL;
        bw->n_new += r == STORE_NEW;
    }
    return NULL;
}

START_TEST(store_threads_insert_through_id_blocks)
{
    static BlockWorker bw[N_WORKERS];
    static StateId id_of[N_WORKERS][PER_WORKER];
    pthread_t th[N_WORKERS];
    for (uint32_t w = 0; w < N_WORKERS; w++) {
        bw[w] = (BlockWorker){.w = w, .id_of = id_of[w]};
        ck_assert_int_eq(pthread_create(&th[w], NULL, block_worker, &bw[w]), 0);
    }
    uint64_t n_new = 0, n_unused = 0;
    for (uint32_t w = 0; w < N_WORKERS; w++) {
        pthread_join(th[w], NULL);
        ck_assert(!bw[w].is_full);
        n_new += bw[w].n_new;
        n_unused += bw[w].ids.end - bw[w].ids.next;
    }
    uint64_t expect = (uint64_t)(N_WORKERS - 1) * STRIDE + PER_WORKER;
    ck_assert_uint_eq(n_new, expect);
    ck_assert_uint_eq(store_count(st), expect + n_unused);
    for (uint32_t w = 0; w < N_WORKERS; w++)
        for (uint32_t i = 0; i < PER_WORKER; i++) {
            uint32_t x = w * STRIDE + i;
            StateId sid = id_of[w][i];
            ck_assert_uint_eq(find(st, x), sid);
            ck_assert_uint_eq(store_parent(st, sid), x);
        }
}
END_TEST

/* Growing tables under inserts: one thread reserves room for ever more states (each call grows
** every shard's table) while the others insert; nothing is lost or stored twice. */
static void *reserve_worker(void *arg)
{
    (void)arg;
    for (uint64_t n = 1000; n <= 512000; n *= 2)
        store_reserve(st, n, 0, 1, false);
    return NULL;
}

START_TEST(store_tables_grow_under_inserts)
{
    enum { N_INSERTERS = 3 };
    static BlockWorker bw[N_INSERTERS];
    static StateId id_of[N_INSERTERS][PER_WORKER];
    pthread_t th[N_INSERTERS + 1];
    ck_assert_int_eq(pthread_create(&th[N_INSERTERS], NULL, reserve_worker, NULL), 0);
    for (uint32_t w = 0; w < N_INSERTERS; w++) {
        bw[w] = (BlockWorker){.w = w, .id_of = id_of[w]};
        ck_assert_int_eq(pthread_create(&th[w], NULL, block_worker, &bw[w]), 0);
    }
    uint64_t n_new = 0;
    for (uint32_t w = 0; w <= N_INSERTERS; w++)
        pthread_join(th[w], NULL);
    for (uint32_t w = 0; w < N_INSERTERS; w++) {
        ck_assert(!bw[w].is_full);
        n_new += bw[w].n_new;
    }
    ck_assert_uint_eq(n_new, (uint64_t)(N_INSERTERS - 1) * STRIDE + PER_WORKER);
    for (uint32_t w = 0; w < N_INSERTERS; w++)
        for (uint32_t i = 0; i < PER_WORKER; i += 3)
            ck_assert_uint_eq(find(st, w * STRIDE + i), id_of[w][i]);
}
END_TEST

/* Two blocks of ids used in turn: each new state takes the next id of its block, the count
** covers both blocks whole; moving the states past the holes into them and truncating leaves
** a dense store in which every state is found at its new id with its vector and parent. */
START_TEST(store_id_blocks_then_holes_filled)
{
    StoreIds a = {0}, b = {0};
    StateId sid;
    uint8_t v[VEC_LEN];
    for (uint32_t i = 0; i < 10; i++) {
        make_vec(i, v);
        StoreIds *blk = i % 2 ? &b : &a;
        ck_assert_int_eq(store_insert_ids(st, blk, v, state_hash(v, VEC_LEN), 100 + i, &sid),
                         STORE_NEW);
        ck_assert_uint_eq(sid, (i % 2 ? STORE_ID_BLOCK : 0) + i / 2);
    }
    make_vec(4, v);
    ck_assert_int_eq(store_insert_ids(st, &b, v, state_hash(v, VEC_LEN), 0, &sid), STORE_SEEN);
    ck_assert_uint_eq(sid, 2);
    ck_assert_uint_eq(store_count(st), 2 * STORE_ID_BLOCK);
    /* Holes: 5 .. STORE_ID_BLOCK - 1 and STORE_ID_BLOCK + 5 .. the end; move the five states
    ** of block b down into 5 .. 9. */
    for (uint32_t k = 0; k < 5; k++)
        store_move(st, STORE_ID_BLOCK + k, 5 + k);
    store_truncate(st, 10);
    ck_assert_uint_eq(store_count(st), 10);
    for (uint32_t i = 0; i < 10; i++) {
        StateId want = i % 2 ? 5 + i / 2 : i / 2;
        ck_assert_uint_eq(find(st, i), want);
        make_vec(i, v);
        ck_assert_mem_eq(store_vec(st, want), v, VEC_LEN);
        ck_assert_uint_eq(store_parent(st, want), 100 + i);
    }
    /* Inserting goes on from the end of the dense store. */
    ck_assert_int_eq(insert(st, 10, 0, &sid), STORE_NEW);
    ck_assert_uint_eq(sid, 10);
}
END_TEST

/* store_ids_ready() names the id the next new state stored through the block gets: a state
** found leaves it unused, a full block is refilled from the count (a block taken by another
** thread in between is skipped), and once the budget has no room for another block it says so,
** as the insert of a new state then does, every state stored before still found. */
START_TEST(store_ids_ready_names_the_next_new_id)
{
    StoreIds a = {0}, b = {0};
    StateId sid;
    uint8_t v[VEC_LEN];
    ck_assert(store_ids_ready(st, &a));
    ck_assert_uint_eq(a.next, 0);
    for (uint32_t i = 0; i < STORE_ID_BLOCK; i++) {
        make_vec(i, v);
        ck_assert(store_ids_ready(st, &a));
        uint64_t want = a.next;
        ck_assert_int_eq(store_insert_ids(st, &a, v, state_hash(v, VEC_LEN), 0, &sid), STORE_NEW);
        ck_assert_uint_eq(sid, want);
        ck_assert_uint_eq(sid, i);
        make_vec(0, v); /* found: the next id stays unused */
        ck_assert_int_eq(store_insert_ids(st, &a, v, state_hash(v, VEC_LEN), 0, &sid), STORE_SEEN);
        ck_assert_uint_eq(a.next, i + 1);
    }
    ck_assert(store_ids_ready(st, &b)); /* another block: ids 256 .. 511 */
    ck_assert_uint_eq(b.next, STORE_ID_BLOCK);
    ck_assert(store_ids_ready(st, &a)); /* a's block is used up: the one after b's */
    ck_assert_uint_eq(a.next, 2 * STORE_ID_BLOCK);
    make_vec(STORE_ID_BLOCK, v);
    ck_assert_int_eq(store_insert_ids(st, &a, v, state_hash(v, VEC_LEN), 0, &sid), STORE_NEW);
    ck_assert_uint_eq(sid, 2 * STORE_ID_BLOCK);

    Store *s = store_new(VEC_LEN, 256 << 10);
    StoreIds c = {0};
    uint32_t n = 0;
    while (store_ids_ready(s, &c)) {
        uint64_t want = c.next;
        make_vec(n, v);
        ck_assert_int_eq(store_insert_ids(s, &c, v, state_hash(v, VEC_LEN), 0, &sid), STORE_NEW);
        ck_assert_uint_eq(sid, want);
        n++;
    }
    ck_assert_uint_ge(n, STORE_ID_BLOCK);
    make_vec(n, v);
    ck_assert_int_eq(store_insert_ids(s, &c, v, state_hash(v, VEC_LEN), 0, &sid), STORE_FULL);
    for (uint32_t i = 0; i < n; i++) {
        make_vec(i, v);
        ck_assert_uint_eq(store_find(s, v, state_hash(v, VEC_LEN)), i);
    }
    store_free(s);
}
END_TEST

/* Reserving room for a million states in two parts grows the tables at once: inserting them
** afterwards adds only records (no table grows, none is retired), and every one is found. */
START_TEST(store_reserve_grows_tables_before_inserts)
{
    enum { N = 1000000 }; /* its tables, over 5 MiB, dwarf the rounding of record chunks */
    size_t empty = store_memory_bytes(st);
    store_reserve(st, N, 0, 2, false);
    store_reserve(st, N, 1, 2, false);
    size_t reserved = store_memory_bytes(st);
    ck_assert_uint_ge(reserved - empty, (size_t)N * 5 * 4 / 3);
    StateId sid;
    for (uint32_t i = 0; i < N; i++)
        ck_assert_int_eq(insert(st, i, 0, &sid), STORE_NEW);
    size_t records = (size_t)N * (VEC_LEN + 4);
    ck_assert_uint_le(store_memory_bytes(st) - reserved, records + (2 << 20));
    store_quiesce(st); /* nothing was retired: nothing to free */
    ck_assert_uint_le(store_memory_bytes(st) - reserved, records + (2 << 20));
    for (uint32_t i = 0; i < N; i += 97)
        ck_assert_uint_eq(find(st, i), i);
}
END_TEST

/* Big records (8 KB) taken a block of ids at a time under a 1 MiB budget: the budget counts
** each record as its id is used, not the block's 256 at once (2 MiB, which refused the first
** insert), so the store fills up to the budget, gives STORE_FULL past it, and keeps every
** state it said it stored. */
START_TEST(store_big_records_in_blocks_fill_the_budget)
{
    enum { BIG = 8192, BUDGET = 1 << 20 };
    Store *s = store_new(BIG, BUDGET);
    StoreIds ids = {0};
    static uint8_t v[BIG];
    uint32_t n = 0;
    StateId sid;
    for (;; n++) {
        memset(v, 0, sizeof v);
        memcpy(v, &n, sizeof n);
        StoreResult r = store_insert_ids(s, &ids, v, state_hash(v, BIG), 0, &sid);
        if (r == STORE_FULL)
            break;
        ck_assert_int_eq(r, STORE_NEW);
        ck_assert_uint_eq(sid, n);
    }
    /* The tables and shards take about 100 KB: the rest of the budget is records. */
    ck_assert_uint_ge(n, (BUDGET - (200 << 10)) / (BIG + 4));
    ck_assert_uint_le(store_memory_bytes(s), (size_t)BUDGET);
    for (uint32_t i = 0; i < n; i++) {
        memset(v, 0, sizeof v);
        memcpy(v, &i, sizeof i);
        ck_assert_uint_eq(store_find(s, v, state_hash(v, BIG)), i);
    }
    store_free(s);
}
END_TEST

/* Reserving shard by shard, in any order, is reserving them all: one shard's reservation grows
** that shard's table alone (a 128th of the whole, give or take a table's rounding), and every
** shard reserved once, here from the last to the first, leaves the store as store_reserve
** does, its states found under their ids. */
START_TEST(store_reserve_shard_grows_one_shard)
{
    enum { N_BEFORE = 20000, N = 1000000 };
    Store *whole = store_new(VEC_LEN, 0);
    StateId sid;
    for (uint32_t i = 0; i < N_BEFORE; i++) {
        ck_assert_int_eq(insert(st, i, i + 1, &sid), STORE_NEW);
        ck_assert_int_eq(insert(whole, i, i + 1, &sid), STORE_NEW);
    }
    store_quiesce(st);
    store_quiesce(whole);
    size_t before = store_memory_bytes(st);
    store_reserve(whole, N, 0, 1, true);
    size_t grown = store_memory_bytes(whole) - before;
    store_reserve_shard(st, N, STORE_SHARDS - 1, true);
    size_t one = store_memory_bytes(st) - before;
    ck_assert_uint_gt(one, 0);
    ck_assert_uint_le(one, grown / STORE_SHARDS * 2);
    for (uint32_t s = STORE_SHARDS - 1; s-- > 0;)
        store_reserve_shard(st, N, s, true);
    ck_assert_uint_eq(store_memory_bytes(st), store_memory_bytes(whole));
    store_reserve_shard(st, N, 0, true); /* again: the room is there, nothing grows */
    ck_assert_uint_eq(store_memory_bytes(st), store_memory_bytes(whole));
    for (uint32_t i = 0; i < N_BEFORE; i++)
        ck_assert_uint_eq(find(st, i), i);
    store_free(whole);
}
END_TEST

/* Reserving while the store is idle (two threads, one part each, as the level search's workers
** do between levels) grows the tables under the states already stored: each is still found
** under its id, nothing is left retired (the old tables were freed at once: quiescing frees
** nothing), and the states inserted afterwards grow no table. */
typedef struct IdleReserve {
    uint32_t part; /* the part of the shards this thread grows */
} IdleReserve;

static void *idle_reserve_worker(void *arg)
{
    store_reserve(st, 1000000, ((IdleReserve *)arg)->part, 2, true);
    return NULL;
}

START_TEST(store_reserve_idle_keeps_states_and_frees_old_tables)
{
    enum { N_BEFORE = 50000, N_AFTER = 500000 };
    StateId sid;
    for (uint32_t i = 0; i < N_BEFORE; i++)
        ck_assert_int_eq(insert(st, i, i + 1, &sid), STORE_NEW);
    store_quiesce(st); /* free what the inserts retired */
    size_t before = store_memory_bytes(st);
    pthread_t th[2];
    IdleReserve parts[2] = {{0}, {1}};
    for (uint32_t k = 0; k < 2; k++)
        ck_assert_int_eq(pthread_create(&th[k], NULL, idle_reserve_worker, &parts[k]), 0);
    for (uint32_t k = 0; k < 2; k++)
        pthread_join(th[k], NULL);
    size_t reserved = store_memory_bytes(st);
    ck_assert_uint_ge(reserved - before, (size_t)1000000 * 5 * 4 / 3 - N_BEFORE * 5 * 2);
    store_quiesce(st);
    ck_assert_uint_eq(store_memory_bytes(st), reserved); /* nothing retired */
    for (uint32_t i = 0; i < N_BEFORE; i++) {
        ck_assert_uint_eq(find(st, i), i);
        ck_assert_uint_eq(store_parent(st, i), i + 1);
    }
    for (uint32_t i = N_BEFORE; i < N_BEFORE + N_AFTER; i++)
        ck_assert_int_eq(insert(st, i, 0, &sid), STORE_NEW);
    store_quiesce(st);
    size_t records = (size_t)N_AFTER * (VEC_LEN + 4);
    ck_assert_uint_le(store_memory_bytes(st) - reserved, records + (2 << 20));
    for (uint32_t i = 0; i < N_BEFORE + N_AFTER; i += 7)
        ck_assert_uint_eq(find(st, i), i);
}
END_TEST

/* A budget hit by threads inserting at once, each stopping at its first refusal: every state an
** insert reported stored is found under its id with its parent, the value refused is not in the
** store (a slot claimed for it was given up again), and the memory stays within the budget but
** for an allocation or two per racing thread. */
enum { FULL_WORKERS = 4, FULL_BUDGET = 2 << 20, FULL_MAX = 100000 };

typedef struct FullWorker {
    Store *s;                /* the store, shared */
    uint32_t w;              /* inserts w * FULL_MAX + 0, 1, 2, ... until refused */
    StoreIds ids;            /* its ids and credits */
    StateId id_of[FULL_MAX]; /* out: the id of each value stored */
    uint32_t n_stored;       /* out: values stored before the refusal */
    bool is_full;            /* out: it was refused */
} FullWorker;

static void *full_worker(void *arg)
{
    FullWorker *fw = arg;
    for (uint32_t i = 0; i < FULL_MAX; i++) {
        uint8_t v[VEC_LEN];
        make_vec(fw->w * FULL_MAX + i, v);
        StateId sid;
        StoreResult r = store_insert_ids(fw->s, &fw->ids, v, state_hash(v, VEC_LEN), i, &sid);
        if (r == STORE_FULL) {
            fw->is_full = true;
            return NULL;
        }
        fw->id_of[i] = sid;
        fw->n_stored++;
    }
    return NULL;
}

START_TEST(store_threads_hit_the_budget)
{
    static FullWorker fw[FULL_WORKERS];
    Store *s = store_new(VEC_LEN, FULL_BUDGET);
    pthread_t th[FULL_WORKERS];
    for (uint32_t w = 0; w < FULL_WORKERS; w++) {
        fw[w] = (FullWorker){.s = s, .w = w};
        ck_assert_int_eq(pthread_create(&th[w], NULL, full_worker, &fw[w]), 0);
    }
    uint64_t n_stored = 0;
    for (uint32_t w = 0; w < FULL_WORKERS; w++) {
        pthread_join(th[w], NULL);
        ck_assert(fw[w].is_full);
        n_stored += fw[w].n_stored;
    }
    ck_assert_uint_gt(n_stored, 10000);
    ck_assert_uint_le(store_memory_bytes(s), FULL_BUDGET + FULL_WORKERS * (1 << 20));
    for (uint32_t w = 0; w < FULL_WORKERS; w++) {
        for (uint32_t i = 0; i < fw[w].n_stored; i++) {
            uint8_t v[VEC_LEN];
            make_vec(w * FULL_MAX + i, v);
            ck_assert_uint_eq(store_find(s, v, state_hash(v, VEC_LEN)), fw[w].id_of[i]);
            ck_assert_uint_eq(store_parent(s, fw[w].id_of[i]), i);
        }
        uint8_t v[VEC_LEN];
        make_vec(w * FULL_MAX + fw[w].n_stored, v);
        ck_assert_uint_eq(store_find(s, v, state_hash(v, VEC_LEN)), STATE_ID_NONE);
    }
    store_free(s);
}
END_TEST

START_TEST(store_set_parent_changes_only_the_parent)
{
    StateId a, b, c;
    ck_assert_int_eq(insert(st, 1, STATE_ID_NONE, &a), STORE_NEW);
    ck_assert_int_eq(insert(st, 2, a, &b), STORE_NEW);
    ck_assert_int_eq(insert(st, 3, a, &c), STORE_NEW);
    store_set_parent(st, c, b);
    ck_assert_uint_eq(store_parent(st, c), b);
    ck_assert_uint_eq(store_parent(st, b), a);
    ck_assert_uint_eq(store_parent(st, a), STATE_ID_NONE);
    uint8_t v[VEC_LEN];
    make_vec(3, v);
    ck_assert_mem_eq(store_vec(st, c), v, VEC_LEN);
    ck_assert_uint_eq(find(st, 3), c);
    ck_assert_uint_eq(store_count(st), 3);
}
END_TEST

Suite *store_suite(void)
{
    Suite *s = suite_create("store");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, store_insert_reports_duplicate);
    tcase_add_test(tc, store_ids_are_dense_in_insertion_order);
    tcase_add_test(tc, store_find_absent_is_none);
    tcase_add_test(tc, store_equal_hashes_are_told_apart);
    tcase_add_test(tc, store_many_states_survive_growth);
    tcase_add_test(tc, store_extreme_vector_sizes);
    tcase_add_test(tc, store_free_null_does_nothing);
    tcase_add_test(tc, store_map_grow_keeps_contents_and_2mib_alignment);
    tcase_add_test(tc, store_map_grow_without_room_for_alignment);
    tcase_add_test(tc, store_map_grow_jump_without_room_for_alignment);
    tcase_add_test(tc, store_set_parent_changes_only_the_parent);
    tcase_add_test(tc, store_id_blocks_then_holes_filled);
    tcase_add_test(tc, store_ids_ready_names_the_next_new_id);
    tcase_add_test(tc, store_reserve_grows_tables_before_inserts);
    tcase_add_test(tc, store_reserve_idle_keeps_states_and_frees_old_tables);
    tcase_add_test(tc, store_reserve_shard_grows_one_shard);
    tcase_add_test(tc, store_big_records_in_blocks_fill_the_budget);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

    tc = tcase_create("limits");
    tcase_add_test(tc, store_budget_ends_in_full);
    tcase_add_test(tc, store_tiny_budget_stores_nothing);
    tcase_add_test(tc, store_solo_answers_as_shared);
    tcase_add_test(tc, store_memstream_holds_what_was_written);
    tcase_add_test(tc, store_memstream_holds_big_texts);
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
    tcase_add_test_raise_signal(tc, store_memstream_aborts_when_it_cannot_grow, SIGABRT);
#endif
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

    tc = tcase_create("threads");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, store_threads_insert_overlapping_sets);
    tcase_add_test(tc, store_threads_insert_through_id_blocks);
    tcase_add_test(tc, store_tables_grow_under_inserts);
    tcase_add_test(tc, store_threads_hit_the_budget);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
