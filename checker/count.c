/*
** count.c -- every schedule at once: outcomes, exact counts, fewest preemptions, enumeration,
** points of no return, all computed over the state graph of a finished search.
**
** The graph (graph.h) is the one a one-thread breadth first search recorded as it went
** (SearchOptions.record_graph), or else it is built once: each stored state's steps are re-run
** in tie-break order (thread index, then outcome k) and each successor is looked up with
** store_find, a batch of states at a time as the search does (batch.h), giving a compact
** successor array (CSR) whose edges keep that order: the same graph. Everything after that
** walks the graph; no answer depends on state ids, only on the graph and the edge order, so
** the answers are the same for every -j. Definitions (DESIGN.md sections 3 and 6,
** docs/schedules.md):
**   - a schedule ends in a state with no successor (every thread finished, or a deadlock) or
**     with a failing step (an edge to no state);
**   - it violates when it passes through a state breaking an invariant, ends with a failing
**     step, in a deadlock (unless --no-deadlock), or in an end state breaking a final.
** Counts: with a topological order (the ids when every step leads to a higher one, as in most
** models searched breadth first; else an iterative DFS, which also finds cycles), one pass in
** that order sums over the edges the schedules reaching each state, and those that violated on
** the way; each schedule's end adds them to the totals (count_forward).
** Each count is a uint64 until it passes 2^63; then that state alone gets a GMP integer.
*/
#define _GNU_SOURCE /* qsort_r */
#include "count.h"

#include <assert.h>
#include <gmp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "diag.h"
#include "exec.h"
#include "graph.h"
#include "state.h"
#include "store.h"
#include "util.h"

_Static_assert(sizeof(unsigned long) == sizeof(uint64_t), "mpz_add_ui needs a 64-bit long");

/* ---- the state graph ---- */

enum { BUILD_BATCH = 16 }; /* states whose steps are run before their successors are looked up */

/* True when some property of 'kind' does not hold in 'vec' (broken, or its evaluation fails). */
static bool props_fail(ExecCtx *ex, const Program *prog, const uint8_t *vec, PropKind kind)
{
    for (uint32_t p = 0; p < prog->n_props; p++) {
        const char *msg;
        if (prog->props[p].kind == kind && exec_property(ex, vec, p, &msg) != PROP_HOLDS)
            return true;
    }
    return false;
}

Edge graph_edge_of(const Pending *p, StateId to, uint32_t fail_index, uint32_t wide_index,
                   Fail *fail_out, WideStep *wide_out)
{
    assert(p->tid <= EDGE_TID_MASK && "a thread index past what an edge can name");
    assert(wide_index < UINT32_C(1) << 30 && "more wide steps than an edge can name");
    Edge e = {.to = to};
    if (p->k < EDGE_K_LIMIT) {
        e.step = p->tid | p->k << EDGE_TID_BITS;
    } else {
        *wide_out = (WideStep){p->tid, p->k};
        e.step = wide_index;
        e.is_wide = true;
    }
    if (p->status != EXEC_OK) {
        *fail_out = (Fail){p->status == EXEC_ASSERT_FAILED ? VIOL_ASSERT : VIOL_ERROR, p->line};
        e.is_fail = true;
        e.to = fail_index;
    }
    return e;
}

Edge graph_edge_add_to(Graph *g, const Pending *p, StateId to)
{
    Fail f;
    WideStep ws;
    Edge e = graph_edge_of(p, to, (uint32_t)g->fails.len, (uint32_t)g->wides.len, &f, &ws);
    if (e.is_fail)
        vec_push(&g->fails, f);
    if (e.is_wide)
        vec_push(&g->wides, ws);
    return e;
}

/* The edge of the outcome 'p' (kept in 'bt'): to its successor, or to a new failing step. */
static Edge graph_edge(Graph *g, const Batch *bt, const Pending *p)
{
    StateId to = STATE_ID_NONE;
    if (p->status == EXEC_OK) {
        to = store_find(g->st, search_batch_vec(bt, p), p->hash);
        assert(to != STATE_ID_NONE && "a successor of a complete search is not stored");
    }
    return graph_edge_add_to(g, p, to);
}

/* An array of n entries of 'size' bytes, in huge pages given memory at once (xmalloc_big): a
** page fault costs microseconds on some virtual machines, and the graph's arrays take hundreds
** of MB for a big model. */
static void *graph_array(size_t n, size_t size)
{
    return xmalloc_big(n * size);
}

/* Every state's steps, BUILD_BATCH states at a time: their successors are generated (each one's
** table slot prefetched as it is hashed, then its likely record), then looked up, so that the
** lookups' cache misses overlap as the search's do. */
static void graph_build(Graph *g, const Program *prog, const SearchResult *res, bool no_deadlock)
{
    g->prog = prog;
    g->st = res->store;
    g->no_deadlock = no_deadlock;
    g->n = store_count(res->store);
    g->first = graph_array(g->n + 1, sizeof *g->first);
    g->flags = graph_array(g->n ? g->n : 1, 1);
    memset(g->flags, 0, g->n);
    /* every transition is an edge: one allocation of the right size, not a doubling array
    ** copied as it grows (a model of millions of transitions: hundreds of MB) */
    g->edges.cap = res->n_transitions ? res->n_transitions : 1;
    g->edges.items = graph_array(g->edges.cap, sizeof *g->edges.items);
    ExecCtx *ex = exec_new(prog), *ex_prop = exec_new(prog);
    Batch bt = {.prog = prog, .st = g->st};
    BatchEntry batch[BUILD_BATCH];
    for (uint64_t s0 = 0; s0 < g->n; s0 += BUILD_BATCH) {
        uint64_t n = g->n - s0 < BUILD_BATCH ? g->n - s0 : BUILD_BATCH;
        for (uint64_t i = 0; i < n; i++) {
            StateId s = (StateId)(s0 + i);
            const uint8_t *vec = store_vec(g->st, s);
            batch[i].sid = s;
            search_batch_generate(&bt, ex, vec, &batch[i]);
            if (props_fail(ex_prop, prog, vec, PROP_INVARIANT))
                g->flags[s] |= SF_INV_BAD;
            if (batch[i].is_all_done) {
                g->flags[s] |= SF_END;
                if (props_fail(ex_prop, prog, vec, PROP_FINAL))
                    g->flags[s] |= SF_FINAL_BAD;
            } else if (!batch[i].has_run && !no_deadlock) {
                g->flags[s] |= SF_DEADLOCK;
            }
        }
        search_batch_prefetch(&bt);
        for (uint64_t i = 0, p = 0; i < n; i++) {
            g->first[s0 + i] = g->edges.len;
            for (; p < batch[i].end; p++) {
                Edge e = graph_edge(g, &bt, &bt.pend.items[p]);
                g->flags[s0 + i] |= e.is_fail ? SF_HAS_FAIL : 0;
                vec_room(&g->edges);
                edge_put(&g->edges.items[g->edges.len++], e);
            }
        }
        search_batch_clear(&bt);
    }
    g->first[g->n] = g->edges.len;
    uint8_t *vec = xmalloc(prog->state_size);
    prog_initial_state(prog, vec);
    g->init = store_find(g->st, vec, state_hash(vec, prog->state_size));
    assert(g->init != STATE_ID_NONE && "the initial state is not stored");
    free(vec);
    search_batch_free(&bt);
    exec_free(ex);
    exec_free(ex_prop);
}

void graph_free(Graph *g)
{
    if (g->is_mapped) {
        util_map_free(g->first, g->first_cap, sizeof *g->first);
        util_map_free(g->flags, g->flags_cap, 1);
        util_map_free(g->edges.items, g->edges.cap, sizeof *g->edges.items);
    } else {
        free(g->first);
        free(g->flags);
        vec_free(&g->edges);
    }
    vec_free(&g->fails);
    vec_free(&g->wides);
}

void graph_drop_edges(Graph *g)
{
    assert(g->is_mapped && "only a recorded graph drops its edges");
    util_map_free(g->first, g->first_cap, sizeof *g->first);
    util_map_free(g->edges.items, g->edges.cap, sizeof *g->edges.items);
    vec_free(&g->fails);
    vec_free(&g->wides);
    g->first = NULL;
    g->first_cap = 0;
    g->edges.items = NULL;
    g->edges.len = g->edges.cap = 0;
    g->is_edgeless = true;
}

/* The graph of 'res' into '*g': the one its search recorded (borrowed: the result keeps it), or
** one built now, also when the recorded one has no edges and 'needs_edges'. True if built: the
** caller frees it (graph_free). */
static bool graph_get(Graph *g, const Program *prog, const SearchResult *res, bool no_deadlock,
                      bool needs_edges)
{
    if (res->graph && res->graph->no_deadlock == no_deadlock &&
        !(needs_edges && res->graph->is_edgeless)) {
        *g = *res->graph;
        return false;
    }
    graph_build(g, prog, res, no_deadlock);
    return true;
}

/* A state where a schedule ends in violation, or which a violating schedule passes. */
static bool is_viol_state(const Graph *g, uint64_t s)
{
    return g->flags[s] & (SF_INV_BAD | SF_FINAL_BAD | SF_DEADLOCK);
}

/* True if some state of the n whose flags are 'flags' has the flag 'f'. */
static bool any_flag(const uint8_t *flags, uint64_t n, uint8_t f)
{
    for (uint64_t s = 0; s < n; s++)
        if (flags[s] & f)
            return true;
    return false;
}

static bool is_leaf(const Graph *g, uint64_t s)
{
    return g->first[s] == g->first[s + 1];
}

/* True when every step leads to a state of a higher id, and then the ids are a topological
** order (the graph is acyclic): a breadth first search numbers states level by level, and in
** most models no step returns to a level already done. One pass over the edges, in memory order;
** the passes that follow then read the states in that order too, which caches better than the
** order of a depth first search. */
static bool ids_are_topological(const Graph *g)
{
    for (uint64_t s = 0; s < g->n; s++)
        for (uint64_t j = g->first[s]; j < g->first[s + 1]; j++)
            if (!g->edges.items[j].is_fail && g->edges.items[j].to <= s)
                return false;
    return true;
}

/* A topological order when acyclic into '*order_out' (g->n entries, every state being
** reachable; the caller frees it): NULL when the ids are one (no array of the ids themselves:
** its pages are fresh memory, which costs more than its writing on some virtual machines), else
** the reverse post-order of a depth first search from the initial state. Returns false when a
** cycle was found: the search stops at the first step back onto its stack, the order unfinished
** (a cyclic graph has no such order, and nothing reads it). */
static bool graph_order(const Graph *g, StateId **order_out)
{
    *order_out = NULL;
    if (ids_are_topological(g))
        return true;
    StateId *order = *order_out = graph_array(g->n ? g->n : 1, sizeof *order);
    typedef struct Frame {
        StateId sid;   /* the state */
        uint64_t next; /* its next edge to follow */
    } Frame;
    uint8_t *color = xcalloc(g->n ? g->n : 1, 1); /* 0 new, 1 on the stack, 2 done */
    VEC(Frame) stack = {0};
    uint64_t n_done = 0;
    bool is_acyclic = true;
    vec_push(&stack, ((Frame){g->init, g->first[g->init]}));
    color[g->init] = 1;
    while (stack.len && is_acyclic) {
        Frame *f = &stack.items[stack.len - 1];
        if (f->next == g->first[f->sid + 1]) {
            color[f->sid] = 2;
            order[g->n - ++n_done] = f->sid;
            stack.len--;
            continue;
        }
        const Edge *e = &g->edges.items[f->next++];
        if (e->is_fail)
            continue;
        if (color[e->to] == 1)
            is_acyclic = false;
        if (color[e->to] == 0) {
            color[e->to] = 1;
            vec_push(&stack, ((Frame){e->to, g->first[e->to]}));
        }
    }
    assert((!is_acyclic || n_done == g->n) && "a stored state is not reachable from the start");
    vec_free(&stack);
    free(color);
    return is_acyclic;
}

/* ---- exact counts: uint64, or GMP past 2^63 ---- */

#define NUM_BIG (UINT64_C(1) << 63) /* tag: the rest is an index in Nums.big */

typedef struct Nums {
    uint64_t *v;      /* per item: a value below 2^63, or NUM_BIG | index in big */
    VEC(mpz_ptr) big; /* the values that did not fit */
} Nums;

static void nums_init(Nums *n, uint64_t count)
{
    n->v = graph_array(count ? count : 1, sizeof *n->v);
    memset(n->v, 0, (count ? count : 1) * sizeof *n->v);
    n->big.items = NULL;
    n->big.len = n->big.cap = 0;
}

static void nums_free_big(Nums *n)
{
    for (size_t i = 0; i < n->big.len; i++) {
        mpz_clear(n->big.items[i]);
        free(n->big.items[i]);
    }
    vec_free(&n->big);
}

static void nums_fini(Nums *n)
{
    nums_free_big(n);
    free(n->v);
}

/* Item i as a GMP integer (made one if it was not). */
static mpz_ptr nums_promote(Nums *n, uint64_t i)
{
    if (n->v[i] & NUM_BIG)
        return n->big.items[n->v[i] & ~NUM_BIG];
    mpz_ptr z = xmalloc(sizeof *z);
    mpz_init_set_ui(z, n->v[i]);
    n->v[i] = NUM_BIG | n->big.len;
    vec_push(&n->big, z);
    return z;
}

/* nums_add() once a value is, or becomes, a GMP integer: out of line, so that the common case
** (the passes add millions of small values) is a few instructions where it is called. */
static __attribute__((noinline)) void nums_add_big(Nums *dst, uint64_t i, const Nums *src,
                                                   uint64_t x)
{
    mpz_ptr z = nums_promote(dst, i);
    if (x & NUM_BIG)
        mpz_add(z, z, src->big.items[x & ~NUM_BIG]);
    else
        mpz_add_ui(z, z, x);
}

/* dst[i] += x, where x is an encoded value of 'src'. */
static inline void nums_add(Nums *dst, uint64_t i, const Nums *src, uint64_t x)
{
    /* both below 2^63, the sum cannot wrap, and one reaching 2^63 shows in its top bit */
    uint64_t sum = dst->v[i] + x;
    if (!((dst->v[i] | x | sum) & NUM_BIG)) {
        dst->v[i] = sum;
        return;
    }
    nums_add_big(dst, i, src, x);
}

/* The decimal text of an encoded value of 'n'. Caller frees. */
static char *nums_text(const Nums *n, uint64_t x)
{
    if (!(x & NUM_BIG)) {
        char buf[24];
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)x);
        return xstrdup(buf);
    }
    mpz_srcptr z = n->big.items[x & ~NUM_BIG];
    char *s = xmalloc(mpz_sizeinbase(z, 10) + 2);
    mpz_get_str(s, 10, z);
    return s;
}

/* Forward: paths[s] schedule prefixes reaching s, bad[s] those that already violated (in the
** topological 'order'; NULL: the ids); and in 'sums' (2 items) the schedules, [0], and the
** violating ones, [1]. A schedule ends in a state with no step or with a failing step, and
** violates if it passes a state that breaks an invariant, ends in a violation or with a
** failing step: each such end adds the prefixes that reach it, all of them or the violating
** ones, once they are all counted (the order puts a state's predecessors before it). 'bad' is
** NULL when no state breaks an invariant: then no prefix violates before its end. */
static void count_forward(const Graph *g, const StateId *order, Nums *paths, Nums *bad, Nums *sums)
{
    paths->v[g->init] = 1;
    if (bad)
        bad->v[g->init] = (g->flags[g->init] & SF_INV_BAD) ? 1 : 0;
    for (uint64_t i = 0; i < g->n; i++) {
        StateId s = order ? order[i] : (StateId)i;
        if (is_leaf(g, s)) {
            nums_add(sums, 0, paths, paths->v[s]);
            if (is_viol_state(g, s))
                nums_add(sums, 1, paths, paths->v[s]);
            else if (bad)
                nums_add(sums, 1, bad, bad->v[s]);
            continue;
        }
        for (uint64_t j = g->first[s]; j < g->first[s + 1]; j++) {
            const Edge *e = &g->edges.items[j];
            if (e->is_fail) {
                nums_add(sums, 0, paths, paths->v[s]);
                nums_add(sums, 1, paths, paths->v[s]);
                continue;
            }
            nums_add(paths, e->to, paths, paths->v[s]);
            if (!bad)
                continue;
            if (g->flags[e->to] & SF_INV_BAD)
                nums_add(bad, e->to, paths, paths->v[s]);
            else
                nums_add(bad, e->to, bad, bad->v[s]);
        }
    }
}

/* ---- outcomes ---- */

static OutcomeTerm term_copy(const OutcomeTerm *t)
{
    OutcomeTerm c = *t;
    c.text = xstrdup(t->text);
    return c;
}

OutcomeTerm *count_default_terms(const Program *prog, size_t *n_out)
{
    OutcomeTerm *terms = xcalloc(prog->n_shared ? prog->n_shared : 1, sizeof *terms);
    size_t n = 0;
    for (uint32_t v = 0; v < prog->n_shared; v++)
        if (!prog->vars[v].is_array)
            terms[n++] = (OutcomeTerm){xstrdup(prog->vars[v].name), v, 0, 0, 1, false};
    *n_out = n;
    return terms;
}

/* Compare the tuples of 'w' values at rows[a * w] and rows[b * w]. */
static int cmp_rows(const int32_t *rows, uint32_t w, uint64_t a, uint64_t b)
{
    for (uint32_t c = 0; c < w; c++) {
        int32_t x = rows[a * w + c], y = rows[b * w + c];
        if (x != y)
            return x < y ? -1 : 1;
    }
    return 0;
}

/* Sort 'idx' (n items) by the tuples they index (merge sort: stable, needs no globals). */
static void sort_rows(uint64_t *idx, uint64_t n, const int32_t *rows, uint32_t w)
{
    uint64_t *tmp = xmalloc((n ? n : 1) * sizeof *tmp);
    for (uint64_t run = 1; run < n; run *= 2) {
        for (uint64_t lo = 0; lo < n; lo += 2 * run) {
            uint64_t mid = lo + run < n ? lo + run : n, hi = lo + 2 * run < n ? lo + 2 * run : n;
            uint64_t i = lo, j = mid, k = lo;
            while (i < mid || j < hi) {
                bool left = j >= hi || (i < mid && cmp_rows(rows, w, idx[i], idx[j]) <= 0);
                tmp[k++] = left ? idx[i++] : idx[j++];
            }
        }
        memcpy(idx, tmp, n * sizeof *idx);
    }
    free(tmp);
}

/* ---- configurations ---- */

/* Vectors of 'size' bytes one after another, for qsort_r. */
typedef struct Configs {
    const uint8_t *vecs;
    uint32_t size;
} Configs;

/* qsort_r's order of two of the vectors, by their indices. */
static int cmp_config(const void *a, const void *b, void *ctx)
{
    const Configs *c = ctx;
    uint64_t i = *(const uint64_t *)a, j = *(const uint64_t *)b;
    return memcmp(c->vecs + i * c->size, c->vecs + j * c->size, c->size);
}

uint64_t count_configurations(const Program *prog, const Store *st, const StateId *ids, size_t n)
{
    if (!prog->is_bounded || n < 2)
        return n;
    uint32_t size = prog->state_size;
    uint8_t *vecs = xmalloc(n * size);
    uint64_t *idx = xmalloc(n * sizeof *idx);
    for (size_t i = 0; i < n; i++) {
        memcpy(vecs + i * size, store_vec(st, ids[i]), size);
        state_set_bound(prog, vecs + i * size, STATE_NO_THREAD, 0); /* the model's part only */
        idx[i] = i;
    }
    Configs c = {vecs, size};
    qsort_r(idx, n, sizeof *idx, cmp_config, &c);
    uint64_t n_distinct = 1;
    for (size_t i = 1; i < n; i++)
        n_distinct += memcmp(vecs + idx[i - 1] * size, vecs + idx[i] * size, size) != 0;
    free(vecs);
    free(idx);
    return n_distinct;
}

/* Group the end states by the terms' values; with counts ('paths', the prefixes reaching each
** state, and 'vpaths', those that violated on the way, NULL when none can), sum their
** schedules. */
static void gather_outcomes(const Graph *g, Analysis *an, const Nums *paths, const Nums *vpaths)
{
    const Program *prog = g->prog;
    uint32_t w = 0;
    for (size_t t = 0; t < an->n_terms; t++)
        w += an->terms[t].n_elems;
    an->width = w;
    VEC(StateId) ends = {0};
    VEC(int32_t) rows = {0};
    for (uint64_t s = 0; s < g->n; s++) {
        if (!(g->flags[s] & SF_END))
            continue;
        vec_push(&ends, (StateId)s);
        const uint8_t *vec = store_vec(g->st, (StateId)s);
        for (size_t t = 0; t < an->n_terms; t++) {
            const OutcomeTerm *term = &an->terms[t];
            for (uint32_t i = 0; i < term->n_elems; i++)
                vec_push(&rows, state_var_get(prog, vec, term->var, term->tid, term->elem + i));
        }
    }
    an->n_end_states = count_configurations(prog, g->st, ends.items, ends.len);
    uint64_t *idx = xmalloc((ends.len ? ends.len : 1) * sizeof *idx);
    for (uint64_t i = 0; i < ends.len; i++)
        idx[i] = i;
    sort_rows(idx, ends.len, rows.items, w);
    an->outcomes = xcalloc(ends.len ? ends.len : 1, sizeof *an->outcomes);
    Nums sched, viol;
    nums_init(&sched, ends.len);
    nums_init(&viol, ends.len);
    for (uint64_t i = 0; i < ends.len; i++) {
        const int32_t *row = w ? rows.items + idx[i] * w : NULL; /* no terms: one outcome */
        if (an->n_outcomes == 0 ||
            (w && memcmp(an->outcomes[an->n_outcomes - 1].vals, row, w * sizeof *row) != 0)) {
            Outcome *o = &an->outcomes[an->n_outcomes++];
            o->vals = xcalloc(w ? w : 1, sizeof *o->vals);
            if (w)
                memcpy(o->vals, row, w * sizeof *row);
        }
        Outcome *o = &an->outcomes[an->n_outcomes - 1];
        StateId s = ends.items[idx[i]];
        bool is_bad = g->flags[s] & (SF_INV_BAD | SF_FINAL_BAD);
        o->n_states++;
        o->is_violating |= is_bad;
        if (paths) {
            nums_add(&sched, an->n_outcomes - 1, paths, paths->v[s]);
            if (is_bad)
                nums_add(&viol, an->n_outcomes - 1, paths, paths->v[s]);
            else if (vpaths)
                nums_add(&viol, an->n_outcomes - 1, vpaths, vpaths->v[s]);
        }
    }
    if (prog->is_bounded) { /* an outcome's end states as configurations of the model */
        StateId *ids = xmalloc((ends.len ? ends.len : 1) * sizeof *ids);
        for (uint64_t i = 0, at = 0; at < an->n_outcomes; at++) {
            size_t n = 0;
            for (uint64_t m = an->outcomes[at].n_states; m > 0; m--)
                ids[n++] = ends.items[idx[i++]];
            an->outcomes[at].n_states = count_configurations(prog, g->st, ids, n);
        }
        free(ids);
    }
    for (size_t i = 0; paths && i < an->n_outcomes; i++) {
        an->outcomes[i].n_schedules = nums_text(&sched, sched.v[i]);
        an->outcomes[i].n_violating = nums_text(&viol, viol.v[i]);
    }
    nums_fini(&sched);
    nums_fini(&viol);
    free(idx);
    vec_free(&ends);
    vec_free(&rows);
}

/* ---- schedules as traces ---- */

Trace *count_trace_replay(const Program *prog, const uint32_t *tids, const uint32_t *ks, uint32_t n)
{
    Trace *tr = xcalloc(1, sizeof *tr);
    size_t size = prog->state_size;
    tr->state_size = prog->state_size;
    tr->n_steps = n;
    tr->steps = xcalloc(n ? n : 1, sizeof *tr->steps);
    tr->states = xmalloc((n + 1) * size);
    prog_initial_state(prog, tr->states);
    ExecCtx *ex = exec_new(prog);
    exec_keep_dead(ex, true); /* --reduce dead: the states the model's own code leaves */
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *before = tr->states + i * size, *after = before + size;
        bool exists = false;
        uint32_t line = 0;
        const char *msg = NULL;
        ExecStatus r = exec_outcome(ex, before, tids[i], ks[i], after, &exists, &line, &msg);
        if (!exists || (r != EXEC_OK && i + 1 != n)) {
            exec_free(ex);
            trace_free(tr);
            return NULL;
        }
        tr->steps[i] = (TraceStep){tids[i], ks[i], state_pos(prog, before, tids[i]), false};
        if (r != EXEC_OK) {
            memcpy(after, before, size);
            tr->ends_in_failure = true;
            tr->fail_line = line;
            tr->fail_message = xstrdup(msg ? msg : "");
        }
    }
    trace_mark_preemptions(prog, ex, tr);
    exec_free(ex);
    return tr;
}

/* A schedule being put together: its steps. */
typedef struct Path {
    VEC(uint32_t) tids; /* thread of each step */
    VEC(uint32_t) ks;   /* outcome of each step */
} Path;

static void path_push(const Graph *g, Path *p, const Edge *e)
{
    vec_push(&p->tids, edge_tid(g, e));
    vec_push(&p->ks, edge_k(g, e));
}

static void path_free(Path *p)
{
    vec_free(&p->tids);
    vec_free(&p->ks);
}

static Trace *path_trace(const Graph *g, const Path *p)
{
    Trace *tr = count_trace_replay(g->prog, p->tids.items, p->ks.items, (uint32_t)p->tids.len);
    assert(tr && "a path of the state graph does not replay");
    return tr;
}

/* ---- which violation a schedule ends in ---- */

static size_t viol_find(const SearchResult *res, ViolKind kind, int32_t prop, uint32_t line)
{
    for (size_t i = 0; i < res->n_viols; i++) {
        const Violation *v = &res->viols[i];
        if (v->kind != kind)
            continue;
        if ((kind == VIOL_INVARIANT || kind == VIOL_FINAL) && v->prop == prop)
            return i;
        if ((kind == VIOL_ASSERT || kind == VIOL_ERROR) && v->line == line)
            return i;
        if (kind == VIOL_DEADLOCK)
            return i;
    }
    assert(0 && "a violation of the graph was not recorded by the search");
    return 0;
}

/* The violation that state s shows (is_viol_state): the first property, in declaration order,
** invariants before finals, else the deadlock. */
static size_t state_viol(const Graph *g, ExecCtx *ex, const SearchResult *res, uint64_t s)
{
    const Program *prog = g->prog;
    const uint8_t *vec = store_vec(g->st, (StateId)s);
    for (int pass = 0; pass < 2; pass++) {
        PropKind kind = pass == 0 ? PROP_INVARIANT : PROP_FINAL;
        if (kind == PROP_FINAL && !(g->flags[s] & SF_END))
            break;
        for (uint32_t p = 0; p < prog->n_props; p++) {
            if (prog->props[p].kind != kind)
                continue;
            const char *msg;
            PropResult r = exec_property(ex, vec, p, &msg);
            if (r == PROP_BROKEN)
                return viol_find(res, kind == PROP_FINAL ? VIOL_FINAL : VIOL_INVARIANT, (int32_t)p,
                                 0);
            if (r == PROP_ERROR)
                return viol_find(res, VIOL_ERROR, (int32_t)p, prog->props[p].line);
        }
    }
    return viol_find(res, VIOL_DEADLOCK, -1, 0);
}

static size_t fail_viol(const Graph *g, const SearchResult *res, const Edge *e)
{
    const Fail *f = &g->fails.items[e->to];
    return viol_find(res, f->kind, -1, f->line);
}

/* ---- predecessors, doomed states, states that can still violate ---- */

typedef struct Preds {
    uint64_t *first; /* predecessors of s: from[first[s] .. first[s + 1]), one per edge */
    StateId *from;
} Preds;

static void preds_build(const Graph *g, Preds *p)
{
    p->first = xcalloc(g->n + 1, sizeof *p->first);
    for (uint64_t j = 0; j < g->edges.len; j++)
        if (!g->edges.items[j].is_fail)
            p->first[g->edges.items[j].to + 1]++;
    for (uint64_t s = 0; s < g->n; s++)
        p->first[s + 1] += p->first[s];
    uint64_t *fill = xmalloc((g->n ? g->n : 1) * sizeof *fill);
    memcpy(fill, p->first, g->n * sizeof *fill);
    p->from = xmalloc((p->first[g->n] ? p->first[g->n] : 1) * sizeof *p->from);
    for (uint64_t s = 0; s < g->n; s++)
        for (uint64_t j = g->first[s]; j < g->first[s + 1]; j++)
            if (!g->edges.items[j].is_fail)
                p->from[fill[g->edges.items[j].to]++] = (StateId)s;
    free(fill);
}

static void preds_free(Preds *p)
{
    free(p->first);
    free(p->from);
}

/* A 0/1 flag per state: 1 where a state that 'is_seed' accepts can be reached (itself
** included), by a backward search over the predecessors. */
static uint8_t *reach_back(const Graph *g, const Preds *p, bool (*is_seed)(const Graph *, uint64_t))
{
    uint8_t *reached = xcalloc(g->n ? g->n : 1, 1);
    VEC(StateId) work = {0};
    for (uint64_t s = 0; s < g->n; s++)
        if (is_seed(g, s)) {
            reached[s] = 1;
            vec_push(&work, (StateId)s);
        }
    while (work.len) {
        StateId t = work.items[--work.len];
        for (uint64_t j = p->first[t]; j < p->first[t + 1]; j++)
            if (!reached[p->from[j]]) {
                reached[p->from[j]] = 1;
                vec_push(&work, p->from[j]);
            }
    }
    vec_free(&work);
    return reached;
}

/* A schedule can end in s: it has no step (an end, a deadlock, nothing can move under
** --no-deadlock), or a step from it fails. */
static bool ends_here(const Graph *g, uint64_t s)
{
    return is_leaf(g, s) || (g->flags[s] & SF_HAS_FAIL);
}

/* The first state with 'flag' 0 that a one-thread breadth first search finds: steps in
** tie-break order from the initial state (the search's own order under -j 1, whatever ids the
** workers of -j N gave the states, and whatever depth first search found first), and into
** '*depth' its distance from the start. Every state is reachable, so one is found if any has 0. */
static StateId first_unflagged(const Graph *g, const uint8_t *flag, uint32_t *depth)
{
    uint8_t *seen = xcalloc(g->n ? g->n : 1, 1);
    StateId *queue = xmalloc((g->n ? g->n : 1) * sizeof *queue);
    uint64_t head = 0, tail = 0, level_end = 1;
    StateId found = STATE_ID_NONE;
    queue[tail++] = g->init;
    seen[g->init] = 1;
    *depth = 0;
    while (head < tail) {
        if (head == level_end) { /* the queue holds one level after another */
            level_end = tail;
            ++*depth;
        }
        StateId u = queue[head++];
        if (!flag[u]) {
            found = u;
            break;
        }
        for (uint64_t j = g->first[u]; j < g->first[u + 1]; j++) {
            const Edge *e = &g->edges.items[j];
            if (!e->is_fail && !seen[e->to]) {
                seen[e->to] = 1;
                queue[tail++] = e->to;
            }
        }
    }
    free(queue);
    free(seen);
    return found;
}

/* The states from which no schedule ends: none of them reaches a state without steps (an end,
** a deadlock, a state where nothing can move under --no-deadlock) or a failing step. Walks the
** predecessors back from every state where a schedule can end. */
static void never_ending_states(const Graph *g, const Preds *p, const Program *prog,
                                const Store *st, Analysis *an)
{
    uint8_t *can_end = reach_back(g, p, ends_here);
    VEC(StateId) stuck = {0};
    for (uint64_t s = 0; s < g->n; s++)
        if (!can_end[s])
            vec_push(&stuck, (StateId)s);
    an->n_never_ending = count_configurations(prog, st, stuck.items, stuck.len);
    an->never_ending_first =
        stuck.len ? first_unflagged(g, can_end, &an->never_ending_depth) : STATE_ID_NONE;
    vec_free(&stuck);
    free(can_end);
}

/* doomed[s]: every schedule from s violates. The least fixpoint of "s shows a violation, or s
** has a step and every step from s fails or leads to a doomed state": a state on a cycle that
** can loop forever without violating is not doomed (that endless schedule does not violate). */
static uint8_t *doomed_states(const Graph *g, const Preds *p)
{
    uint8_t *doomed = xcalloc(g->n ? g->n : 1, 1);
    uint64_t *left = xcalloc(g->n ? g->n : 1, sizeof *left); /* steps to undoomed states */
    VEC(StateId) work = {0};
    for (uint64_t s = 0; s < g->n; s++) {
        for (uint64_t j = g->first[s]; j < g->first[s + 1]; j++)
            left[s] += !g->edges.items[j].is_fail;
        if (is_viol_state(g, s) || (!is_leaf(g, s) && left[s] == 0)) {
            doomed[s] = 1;
            vec_push(&work, (StateId)s);
        }
    }
    while (work.len) {
        StateId t = work.items[--work.len];
        for (uint64_t j = p->first[t]; j < p->first[t + 1]; j++) {
            StateId s = p->from[j];
            if (!doomed[s] && --left[s] == 0) {
                doomed[s] = 1;
                vec_push(&work, s);
            }
        }
    }
    vec_free(&work);
    free(left);
    return doomed;
}

/* A violation shows in s, or a step from it fails. */
static bool shows_violation(const Graph *g, uint64_t s)
{
    return is_viol_state(g, s) || (g->flags[s] & SF_HAS_FAIL);
}

/* live[s]: some violation can still be reached from s (backward search from where they show). */
static uint8_t *live_states(const Graph *g, const Preds *p)
{
    return reach_back(g, p, shows_violation);
}

/* ---- breadth first paths ---- */

typedef struct Bfs {
    StateId *parent; /* the state each was first reached from */
    uint64_t *via;   /* the edge (index in Graph.edges) that reached it */
    uint8_t *seen;   /* reached */
    StateId *queue;  /* states in the order reached */
} Bfs;

static void bfs_init(Bfs *b, uint64_t n)
{
    b->parent = xmalloc((n ? n : 1) * sizeof *b->parent);
    b->via = xmalloc((n ? n : 1) * sizeof *b->via);
    b->seen = xcalloc(n ? n : 1, 1);
    b->queue = xmalloc((n ? n : 1) * sizeof *b->queue);
}

static void bfs_fini(Bfs *b)
{
    free(b->parent);
    free(b->via);
    free(b->seen);
    free(b->queue);
}

/* Append the steps from the BFS root to s. */
static void bfs_path(const Graph *g, const Bfs *b, StateId root, StateId s, Path *out)
{
    VEC(uint64_t) rev = {0};
    for (; s != root; s = b->parent[s])
        vec_push(&rev, b->via[s]);
    for (size_t i = rev.len; i-- > 0;)
        path_push(g, out, &g->edges.items[rev.items[i]]);
    vec_free(&rev);
}

/* Extend 'out' from 'from' by the shortest continuation (tie-break order) to where a violation
** shows: a state that shows one, or a failing step. Returns the violation. 'from' is doomed,
** so such a place is reachable. */
static size_t continue_to_violation(const Graph *g, ExecCtx *ex, const SearchResult *res,
                                    StateId from, Path *out)
{
    if (is_viol_state(g, from))
        return state_viol(g, ex, res, from);
    Bfs b;
    bfs_init(&b, g->n);
    uint64_t head = 0, tail = 0;
    b.queue[tail++] = from;
    b.seen[from] = 1;
    size_t viol = 0;
    bool found = false;
    while (head < tail && !found) {
        StateId u = b.queue[head++];
        for (uint64_t j = g->first[u]; j < g->first[u + 1] && !found; j++) {
            const Edge *e = &g->edges.items[j];
            if (e->is_fail) {
                bfs_path(g, &b, from, u, out);
                path_push(g, out, e);
                viol = fail_viol(g, res, e);
                found = true;
            } else if (!b.seen[e->to]) {
                b.seen[e->to] = 1;
                b.parent[e->to] = u;
                b.via[e->to] = j;
                b.queue[tail++] = e->to;
                if (is_viol_state(g, e->to)) {
                    bfs_path(g, &b, from, e->to, out);
                    viol = state_viol(g, ex, res, e->to);
                    found = true;
                }
            }
        }
    }
    assert(found && "no violation is reachable from a doomed state");
    bfs_fini(&b);
    return viol;
}

/* ---- points of no return ---- */

/* True when the point of no return (tid at u) names a statement already recorded. */
static bool cause_known(const Program *prog, const Analysis *an, uint32_t tid, uint32_t pos)
{
    const Thread *t = &prog->threads[tid];
    uint32_t line = prog->templates[t->tmpl].pos[pos].line;
    for (size_t i = 0; i < an->n_causes; i++) {
        const Cause *c = &an->causes[i];
        const Thread *ct = &prog->threads[c->tid];
        if (ct->tmpl == t->tmpl && prog->templates[ct->tmpl].pos[c->pos].line == line)
            return true;
    }
    return false;
}

/* The step e from the undoomed state u (reached by the BFS b from the initial state) makes the
** violation unavoidable: record it, with its schedule, unless its statement is known. */
static void cause_add(const Graph *g, ExecCtx *ex, const SearchResult *res, Analysis *an,
                      const Bfs *b, StateId u, const Edge *e)
{
    uint32_t tid = edge_tid(g, e), pos = state_pos(g->prog, store_vec(g->st, u), tid);
    if (cause_known(g->prog, an, tid, pos))
        return;
    Path p = {0};
    bfs_path(g, b, g->init, u, &p);
    uint32_t step = (uint32_t)p.tids.len;
    path_push(g, &p, e);
    size_t viol = e->is_fail ? fail_viol(g, res, e) : continue_to_violation(g, ex, res, e->to, &p);
    an->causes = xrealloc(an->causes, (an->n_causes + 1) * sizeof *an->causes);
    an->causes[an->n_causes++] = (Cause){tid, pos, step, viol, path_trace(g, &p)};
    path_free(&p);
}

/* Breadth first over the undoomed states in tie-break order: each step into doom found first
** for its statement is that statement's point of no return. */
static void find_causes(const Graph *g, const Preds *preds, const SearchResult *res, Analysis *an)
{
    uint8_t *doomed = doomed_states(g, preds);
    if (doomed[g->init]) {
        an->is_doomed = true;
        free(doomed);
        return;
    }
    ExecCtx *ex = exec_new(g->prog);
    Bfs b;
    bfs_init(&b, g->n);
    uint64_t head = 0, tail = 0;
    b.queue[tail++] = g->init;
    b.seen[g->init] = 1;
    while (head < tail) {
        StateId u = b.queue[head++];
        for (uint64_t j = g->first[u]; j < g->first[u + 1]; j++) {
            const Edge *e = &g->edges.items[j];
            if (e->is_fail || doomed[e->to]) {
                cause_add(g, ex, res, an, &b, u, e);
            } else if (!b.seen[e->to]) {
                b.seen[e->to] = 1;
                b.parent[e->to] = u;
                b.via[e->to] = j;
                b.queue[tail++] = e->to;
            }
        }
    }
    bfs_fini(&b);
    exec_free(ex);
    free(doomed);
}

/* ---- fewest preemptions ---- */

/* Nodes are (state, last thread): node = s * (n_threads + 1) + last, last == n_threads at the
** start. A cost is preemptions << 32 | steps, so comparing costs compares preemptions first. */
typedef struct HeapItem {
    uint64_t cost; /* the node's cost when pushed */
    uint64_t seq;  /* push order: ties go to the earlier push */
    uint64_t node;
} HeapItem;

typedef struct Heap {
    VEC(HeapItem) items; /* a binary min-heap by (cost, seq) */
} Heap;

static bool heap_less(const HeapItem *a, const HeapItem *b)
{
    return a->cost != b->cost ? a->cost < b->cost : a->seq < b->seq;
}

static void heap_push(Heap *h, HeapItem x)
{
    vec_push(&h->items, x);
    size_t i = h->items.len - 1;
    while (i > 0 && heap_less(&h->items.items[i], &h->items.items[(i - 1) / 2])) {
        HeapItem t = h->items.items[i];
        h->items.items[i] = h->items.items[(i - 1) / 2];
        h->items.items[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}

static HeapItem heap_pop(Heap *h)
{
    HeapItem top = h->items.items[0];
    h->items.items[0] = h->items.items[--h->items.len];
    for (size_t i = 0;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->items.len && heap_less(&h->items.items[l], &h->items.items[m]))
            m = l;
        if (r < h->items.len && heap_less(&h->items.items[r], &h->items.items[m]))
            m = r;
        if (m == i)
            break;
        HeapItem t = h->items.items[i];
        h->items.items[i] = h->items.items[m];
        h->items.items[m] = t;
        i = m;
    }
    return top;
}

#define COST_STEP       UINT64_C(1)
#define COST_PREEMPTION (UINT64_C(1) << 32)

typedef struct Fewest {
    const Graph *g;
    uint32_t n_last;       /* n_threads + 1 */
    uint64_t *cost;        /* per node; UINT64_MAX: unreached */
    VEC(uint64_t) settled; /* nodes in the order their cost became final */
} Fewest;

/* The cost of step e from state s right after a step of 'last': a preemption when 'last' could
** have gone on (it has a step from s: it is unfinished and enabled). */
static uint64_t step_cost(const Fewest *f, uint64_t s, uint32_t last, const Edge *e)
{
    const Graph *g = f->g;
    if (last == f->n_last - 1 || edge_tid(g, e) == last)
        return COST_STEP;
    for (uint64_t j = g->first[s]; j < g->first[s + 1]; j++)
        if (edge_tid(g, &g->edges.items[j]) == last)
            return COST_STEP + COST_PREEMPTION;
    return COST_STEP;
}

/* Dijkstra from the initial node over every node. */
static void fewest_costs(Fewest *f)
{
    const Graph *g = f->g;
    uint64_t n_nodes = g->n * f->n_last;
    f->cost = xmalloc((n_nodes ? n_nodes : 1) * sizeof *f->cost);
    memset(f->cost, 0xff, n_nodes * sizeof *f->cost);
    uint8_t *done = xcalloc(n_nodes ? n_nodes : 1, 1);
    Heap h = {0};
    uint64_t seq = 0, start = (uint64_t)g->init * f->n_last + f->n_last - 1;
    f->cost[start] = 0;
    heap_push(&h, (HeapItem){0, seq++, start});
    while (h.items.len) {
        HeapItem x = heap_pop(&h);
        if (done[x.node] || x.cost != f->cost[x.node])
            continue;
        done[x.node] = 1;
        vec_push(&f->settled, x.node);
        uint64_t s = x.node / f->n_last;
        uint32_t last = (uint32_t)(x.node % f->n_last);
        for (uint64_t j = g->first[s]; j < g->first[s + 1]; j++) {
            const Edge *e = &g->edges.items[j];
            if (e->is_fail)
                continue;
            uint64_t m = (uint64_t)e->to * f->n_last + edge_tid(g, e),
                     c = x.cost + step_cost(f, s, last, e);
            if (c < f->cost[m]) {
                f->cost[m] = c;
                heap_push(&h, (HeapItem){c, seq++, m});
            }
        }
    }
    vec_free(&h.items);
    free(done);
}

/* Does state s show violation v? */
static bool shows_viol(const Graph *g, ExecCtx *ex, uint64_t s, const Violation *v)
{
    const char *msg;
    switch (v->kind) {
    case VIOL_DEADLOCK:
        return g->flags[s] & SF_DEADLOCK;
    case VIOL_INVARIANT:
    case VIOL_FINAL:
        if (v->kind == VIOL_FINAL && !(g->flags[s] & SF_END))
            return false;
        return exec_property(ex, store_vec(g->st, (StateId)s), (uint32_t)v->prop, &msg) ==
               PROP_BROKEN;
    case VIOL_ERROR:
    case VIOL_ASSERT:
        if (v->prop < 0)
            return false;
        if (g->prog->props[v->prop].kind == PROP_FINAL && !(g->flags[s] & SF_END))
            return false;
        return exec_property(ex, store_vec(g->st, (StateId)s), (uint32_t)v->prop, &msg) ==
               PROP_ERROR;
    }
    return false;
}

/* Is e a failing step that is violation v? */
static bool fails_as(const Graph *g, const Edge *e, const Violation *v)
{
    if (!e->is_fail || v->prop >= 0)
        return false;
    const Fail *fl = &g->fails.items[e->to];
    return fl->kind == v->kind && fl->line == v->line;
}

/* The schedule of v with the fewest preemptions, then fewest steps, then first in tie-break
** order: among the cheapest ends, mark the nodes from which one is reachable along steps that
** keep the cost optimal ("good"), then walk forward from the start taking the first good step. */
static Trace *fewest_one(const Fewest *f, ExecCtx *ex, const Violation *v)
{
    const Graph *g = f->g;
    uint8_t *shows = xcalloc(g->n ? g->n : 1, 1);
    for (uint64_t s = 0; s < g->n; s++)
        shows[s] = shows_viol(g, ex, s, v);
    uint64_t best = UINT64_MAX;
    for (size_t i = 0; i < f->settled.len; i++) {
        uint64_t node = f->settled.items[i], s = node / f->n_last, c = f->cost[node];
        if (shows[s] && c < best)
            best = c;
        for (uint64_t j = g->first[s]; j < g->first[s + 1]; j++)
            if (fails_as(g, &g->edges.items[j], v)) {
                uint64_t cf = c + step_cost(f, s, (uint32_t)(node % f->n_last), &g->edges.items[j]);
                best = cf < best ? cf : best;
            }
    }
    if (best == UINT64_MAX) {
        free(shows);
        return NULL;
    }
    uint64_t n_nodes = g->n * f->n_last;
    uint8_t *good = xcalloc(n_nodes ? n_nodes : 1, 1);
    for (size_t i = f->settled.len; i-- > 0;) {
        uint64_t node = f->settled.items[i], s = node / f->n_last, c = f->cost[node];
        uint32_t last = (uint32_t)(node % f->n_last);
        if (c > best)
            continue;
        bool is_good = shows[s] && c == best;
        for (uint64_t j = g->first[s]; j < g->first[s + 1] && !is_good; j++) {
            const Edge *e = &g->edges.items[j];
            uint64_t ce = c + step_cost(f, s, last, e);
            if (e->is_fail)
                is_good = fails_as(g, e, v) && ce == best;
            else
                is_good = good[(uint64_t)e->to * f->n_last + edge_tid(g, e)] &&
                          f->cost[(uint64_t)e->to * f->n_last + edge_tid(g, e)] == ce;
        }
        good[node] = is_good;
    }
    Path p = {0};
    uint64_t node = (uint64_t)g->init * f->n_last + f->n_last - 1;
    assert(good[node] && "the start cannot reach the cheapest violation");
    for (;;) {
        uint64_t s = node / f->n_last, c = f->cost[node];
        uint32_t last = (uint32_t)(node % f->n_last);
        if (shows[s] && c == best)
            break;
        uint64_t next = UINT64_MAX;
        for (uint64_t j = g->first[s]; j < g->first[s + 1]; j++) {
            const Edge *e = &g->edges.items[j];
            uint64_t ce = c + step_cost(f, s, last, e);
            if (e->is_fail && fails_as(g, e, v) && ce == best) {
                path_push(g, &p, e);
                break;
            }
            uint64_t m = (uint64_t)e->to * f->n_last + edge_tid(g, e);
            if (!e->is_fail && good[m] && f->cost[m] == ce) {
                path_push(g, &p, e);
                next = m;
                break;
            }
        }
        if (next == UINT64_MAX)
            break;
        node = next;
    }
    Trace *tr = path_trace(g, &p);
    path_free(&p);
    free(good);
    free(shows);
    return tr;
}

static Trace **fewest_all(const Graph *g, const SearchResult *res)
{
    Fewest f = {.g = g, .n_last = g->prog->n_threads + 1};
    fewest_costs(&f);
    ExecCtx *ex = exec_new(g->prog);
    Trace **out = xcalloc(res->n_viols ? res->n_viols : 1, sizeof *out);
    for (size_t i = 0; i < res->n_viols; i++)
        out[i] = fewest_one(&f, ex, &res->viols[i]);
    exec_free(ex);
    free(f.cost);
    vec_free(&f.settled);
    return out;
}

/* The violations as the fewest-preemption schedules show them: the state each ends in. */
static Violation *fewest_viols(const Graph *g, const SearchResult *res, Trace *const *fewest)
{
    Violation *out = xcalloc(res->n_viols ? res->n_viols : 1, sizeof *out);
    uint32_t len = g->prog->state_size;
    for (size_t i = 0; i < res->n_viols; i++) {
        out[i] = res->viols[i];
        const Trace *tr = fewest[i];
        if (!tr)
            continue;
        uint32_t last = tr->ends_in_failure ? tr->n_steps - 1 : tr->n_steps;
        const uint8_t *vec = trace_state(tr, last);
        out[i].state = store_find(g->st, vec, state_hash(vec, len));
        out[i].depth = tr->n_steps;
        if (tr->ends_in_failure) {
            out[i].tid = tr->steps[tr->n_steps - 1].tid;
            out[i].k = tr->steps[tr->n_steps - 1].k;
        }
    }
    return out;
}

/* ---- enumeration ---- */

typedef struct Enum {
    const Graph *g;
    const SearchResult *res;
    ExecCtx *ex;
    CountEmit emit;
    void *ctx;
    uint64_t n_emitted;
    const uint8_t *live;    /* some violation can be reached from the state (live_states) */
    const uint8_t *on_path; /* the state is on the schedule being built */
    uint32_t *seen;         /* escapes: the walk that last reached the state */
    uint32_t walk;          /* escapes: the number of the current walk */
    VEC(StateId) work;      /* escapes: its states to go on from */
} Enum;

static void enum_emit(Enum *en, const Path *p, size_t viol)
{
    Trace *tr = path_trace(en->g, p);
    en->emit(en->ctx, tr, viol);
    trace_free(tr);
    en->n_emitted++;
}

/* True if a violation shows in 'from' or past it on a way that passes no state of the schedule
** being built: only then does entering 'from' give a schedule. Without this, a state from which
** a violation is reachable (live) can still be a dead end once the schedule's own states are
** barred, and on a cyclic graph the depth first walk then tried every simple path of the
** strongly connected part before it: exponentially many (a generated model of 9,306 states ran
** for minutes on --schedules 8). A depth first walk that stops at the first violation: on an
** acyclic graph it follows one live step after another to it. */
static bool escapes(Enum *en, StateId from)
{
    const Graph *g = en->g;
    if (++en->walk == 0) { /* the numbers wrapped: no mark may look like this walk's */
        memset(en->seen, 0, (g->n ? g->n : 1) * sizeof *en->seen);
        en->walk = 1;
    }
    en->work.len = 0;
    vec_push(&en->work, from);
    en->seen[from] = en->walk;
    while (en->work.len) {
        StateId s = en->work.items[--en->work.len];
        if (shows_violation(g, s))
            return true;
        for (uint64_t j = g->first[s + 1]; j-- > g->first[s];) { /* the first step on top */
            const Edge *e = &g->edges.items[j];
            if (e->is_fail || !en->live[e->to] || en->on_path[e->to] || en->seen[e->to] == en->walk)
                continue;
            en->seen[e->to] = en->walk;
            vec_push(&en->work, e->to);
        }
    }
    return false;
}

/* Depth first from the initial state, steps in tie-break order, never revisiting a state of
** the current path, entering only states from which a violation is reachable without passing
** the path (escapes); a schedule is cut where its violation first shows. The walks of escapes
** only skip what would give no schedule: the schedules and their order are those of the plain
** depth first walk over every simple path. */
static void enumerate(Enum *en, uint64_t max)
{
    typedef struct Frame {
        StateId sid;   /* the state */
        uint64_t next; /* its next edge to try */
    } Frame;
    const Graph *g = en->g;
    if (is_viol_state(g, g->init)) {
        Path empty = {0};
        enum_emit(en, &empty, state_viol(g, en->ex, en->res, g->init));
        return;
    }
    uint8_t *on_path = xcalloc(g->n ? g->n : 1, 1);
    en->on_path = on_path;
    en->seen = xcalloc(g->n ? g->n : 1, sizeof *en->seen);
    VEC(Frame) stack = {0};
    Path p = {0};
    vec_push(&stack, ((Frame){g->init, g->first[g->init]}));
    on_path[g->init] = 1;
    while (stack.len && en->n_emitted < max) {
        Frame *f = &stack.items[stack.len - 1];
        if (f->next == g->first[f->sid + 1]) {
            on_path[f->sid] = 0;
            stack.len--;
            if (p.tids.len)
                p.tids.len--, p.ks.len--;
            continue;
        }
        const Edge *e = &g->edges.items[f->next++];
        if (e->is_fail) {
            path_push(g, &p, e);
            enum_emit(en, &p, fail_viol(g, en->res, e));
            p.tids.len--, p.ks.len--;
            continue;
        }
        if (on_path[e->to] || !en->live[e->to])
            continue;
        if (is_viol_state(g, e->to)) {
            path_push(g, &p, e);
            enum_emit(en, &p, state_viol(g, en->ex, en->res, e->to));
            p.tids.len--, p.ks.len--;
            continue;
        }
        if (!escapes(en, e->to))
            continue;
        path_push(g, &p, e);
        on_path[e->to] = 1;
        vec_push(&stack, ((Frame){e->to, g->first[e->to]}));
    }
    path_free(&p);
    vec_free(&stack);
    free(on_path);
    free(en->seen);
    vec_free(&en->work);
}

uint64_t count_schedules(const Program *prog, const SearchResult *res, const CountOptions *opts,
                         uint64_t max, CountEmit emit, void *ctx)
{
    if (res->stop != SEARCH_COMPLETE || res->is_compact || max == 0)
        return 0;
    Graph g = {0};
    bool is_built = graph_get(&g, prog, res, opts->no_deadlock, true);
    Preds p;
    preds_build(&g, &p);
    uint8_t *live = live_states(&g, &p);
    Enum en = {.g = &g, .res = res, .ex = exec_new(prog), .emit = emit, .ctx = ctx, .live = live};
    if (live[g.init])
        enumerate(&en, max);
    exec_free(en.ex);
    free(live);
    preds_free(&p);
    if (is_built)
        graph_free(&g);
    return en.n_emitted;
}

/* ---- the analysis ---- */

size_t count_memory_estimate(const SearchResult *res, const CountOptions *opts)
{
    if (res->graph && res->graph->is_edgeless && res->graph->no_deadlock == opts->no_deadlock &&
        !opts->fewest_preemptions && !opts->causes && !opts->never_ending)
        return store_count(res->store) * sizeof(StateId);
    /* per state: edge offsets, flags, topological order, two live counters; per transition:
    ** an Edge (allocated once, at the search's count), twice over: room for the big arrays'
    ** rounding to 2 MiB pages (xmalloc_big) and for the passes' own lists, an upper estimate */
    uint64_t n = store_count(res->store);
    uint64_t bytes = n * (sizeof(uint64_t) + 1 + sizeof(StateId) + 2 * sizeof(uint64_t)) +
                     res->n_transitions * 2 * sizeof(Edge);
    return bytes > SIZE_MAX ? SIZE_MAX : (size_t)bytes;
}

Analysis *count_run(const Program *prog, const SearchResult *res, const CountOptions *opts)
{
    if (res->stop != SEARCH_COMPLETE || res->is_compact)
        return NULL;
    Graph g = {0};
    bool is_built = graph_get(&g, prog, res, opts->no_deadlock,
                              opts->fewest_preemptions || opts->causes || opts->never_ending);
    Analysis *an = xcalloc(1, sizeof *an);
    an->never_ending_first = STATE_ID_NONE;
    if (opts->terms) {
        an->terms = xcalloc(opts->n_terms ? opts->n_terms : 1, sizeof *an->terms);
        for (size_t i = 0; i < opts->n_terms; i++)
            an->terms[i] = term_copy(&opts->terms[i]);
        an->n_terms = opts->n_terms;
    } else {
        an->terms = count_default_terms(prog, &an->n_terms);
    }
    VEC(StateId) viol_ids = {0};
    for (uint64_t s = 0; s < g.n; s++)
        if (is_viol_state(&g, s) || (g.flags[s] & SF_HAS_FAIL))
            vec_push(&viol_ids, (StateId)s);
    an->n_violating_states = count_configurations(prog, res->store, viol_ids.items, viol_ids.len);
    vec_free(&viol_ids);
    StateId *order = NULL;
    an->is_cyclic = g.is_cyclic || !graph_order(&g, &order);
    if (!an->is_cyclic) {
        /* the violating prefixes only where some state breaks an invariant: else none violates
        ** before its end, and an array of zeros would be fresh memory for nothing */
        Nums paths, sums, bad;
        Nums *vpaths = any_flag(g.flags, g.n, SF_INV_BAD) ? &bad : NULL;
        nums_init(&paths, g.n);
        if (vpaths)
            nums_init(vpaths, g.n);
        nums_init(&sums, 2);
        count_forward(&g, order, &paths, vpaths, &sums);
        an->n_schedules = nums_text(&sums, sums.v[0]);
        an->n_violating = nums_text(&sums, sums.v[1]);
        gather_outcomes(&g, an, &paths, vpaths);
        nums_fini(&paths);
        if (vpaths)
            nums_fini(vpaths);
        nums_fini(&sums);
    } else {
        gather_outcomes(&g, an, NULL, NULL);
    }
    free(order);
    if (opts->fewest_preemptions)
        an->fewest = fewest_all(&g, res);
    an->has_causes = opts->causes;
    if (opts->causes || (opts->never_ending && an->is_cyclic)) {
        Preds p;
        preds_build(&g, &p);
        if (opts->causes)
            find_causes(&g, &p, res, an);
        if (opts->never_ending && an->is_cyclic)
            never_ending_states(&g, &p, prog, res->store, an);
        preds_free(&p);
    }
    an->n_fewest = opts->fewest_preemptions ? res->n_viols : 0;
    if (an->n_fewest)
        an->fewest_viols = fewest_viols(&g, res, an->fewest);
    if (is_built)
        graph_free(&g);
    return an;
}

void count_free(Analysis *an)
{
    if (!an)
        return;
    count_terms_free(an->terms, an->n_terms);
    for (size_t i = 0; i < an->n_outcomes; i++) {
        free(an->outcomes[i].vals);
        free(an->outcomes[i].n_schedules);
        free(an->outcomes[i].n_violating);
    }
    free(an->outcomes);
    free(an->n_schedules);
    free(an->n_violating);
    for (size_t i = 0; i < an->n_fewest; i++)
        trace_free(an->fewest[i]);
    free(an->fewest);
    free(an->fewest_viols);
    for (size_t i = 0; i < an->n_causes; i++)
        trace_free(an->causes[i].trace);
    free(an->causes);
    free(an);
}

/* ---- --outcomes ---- */

void count_terms_free(OutcomeTerm *terms, size_t n)
{
    for (size_t i = 0; terms && i < n; i++)
        free(terms[i].text);
    free(terms);
}

/* "name" or "name[i]": the variable among vars[from .. to) (of template tmpl for locals). */
static bool term_var(const Program *prog, const char *item, const char *text, uint32_t from,
                     uint32_t to, int64_t tmpl, OutcomeTerm *out, char **err_out)
{
    size_t n = strcspn(text, "[");
    for (uint32_t v = from; v < to; v++) {
        const Var *var = &prog->vars[v];
        if ((tmpl >= 0 && var->tmpl != (uint32_t)tmpl) || strlen(var->name) != n ||
            strncmp(var->name, text, n))
            continue;
        out->var = v;
        out->elem = 0;
        out->n_elems = var->is_array ? var->size : 1;
        out->is_whole_array = var->is_array;
        if (text[n] == '\0')
            return true;
        out->is_whole_array = false;
        char *end;
        unsigned long i = strtoul(text + n + 1, &end, 10);
        if (!var->is_array || text[n + 1] < '0' || text[n + 1] > '9' || strcmp(end, "]")) {
            *err_out = var->is_array ? xasprintf("expected an index such as '%s[0]'", var->name)
                                     : xstrdup("it is not an array");
            return false;
        }
        if (i >= var->size) {
            *err_out = xasprintf("index out of bounds: '%s' has %u elements, %s[0] to %s[%u]",
                                 var->name, var->size, var->name, var->name, var->size - 1);
            return false;
        }
        out->elem = (uint32_t)i;
        out->n_elems = 1;
        return true;
    }
    (void)item;
    VEC(const char *) names = {0};
    for (uint32_t v = from; v < to; v++)
        if (tmpl < 0 || prog->vars[v].tmpl == (uint32_t)tmpl)
            vec_push(&names, prog->vars[v].name);
    char *name = xstrndup(text, n);
    const char *best = diag_suggest(name, names.items, names.len);
    const char *what = tmpl >= 0 ? "no such local" : "no such shared variable";
    *err_out = best ? xasprintf("%s; did you mean '%s'?", what, best) : xstrdup(what);
    free(name);
    vec_free(&names);
    return false;
}

/* Why 'item' (THREAD.LOCAL) names no thread: the threads of the same name with other indexes
** or none ("worker[9]" or "worker" where worker[0] to worker[3] run), else the closest thread
** name, if any. */
static char *no_thread(const Program *prog, const char *item, size_t len)
{
    size_t base = strcspn(item, "[");
    base = base < len ? base : len;
    int64_t first = -1, last = -1;
    VEC(const char *) names = {0};
    for (uint32_t t = 0; t < prog->n_threads; t++) {
        const char *name = prog->threads[t].name;
        vec_push(&names, name);
        if (!strncmp(name, item, base) && name[base] == '[') {
            first = first < 0 ? t : first;
            last = t;
        }
    }
    char *thread = xstrndup(item, len), *why;
    const char *best = diag_suggest(thread, names.items, names.len);
    if (first >= 0 && first < last)
        why = xasprintf("no such thread; the threads '%.*s' are %s to %s", (int)base, item,
                        prog->threads[first].name, prog->threads[last].name);
    else if (first >= 0)
        why = xasprintf("no such thread; the thread '%.*s' is %s", (int)base, item,
                        prog->threads[first].name);
    else if (best)
        why = xasprintf("no such thread; did you mean '%s'?", best);
    else
        why = xstrdup("no such thread");
    free(thread);
    vec_free(&names);
    return why;
}

/* One item of the list: a shared variable or THREAD.LOCAL. */
static bool term_parse(const Program *prog, const char *item, OutcomeTerm *out, char **err_out)
{
    const char *dot = strchr(item, '.');
    out->tid = 0;
    if (!dot)
        return term_var(prog, item, item, 0, prog->n_shared, -1, out, err_out);
    for (uint32_t t = 0; t < prog->n_threads; t++) {
        const char *name = prog->threads[t].name;
        if (strlen(name) != (size_t)(dot - item) || strncmp(name, item, (size_t)(dot - item)))
            continue;
        out->tid = t;
        return term_var(prog, item, dot + 1, prog->n_shared, prog->n_vars, prog->threads[t].tmpl,
                        out, err_out);
    }
    *err_out = no_thread(prog, item, (size_t)(dot - item));
    return false;
}

/* The term of 'terms' that groups by exactly what 't' does (the same variable of the same
** thread, the same elements), or NULL. */
static const OutcomeTerm *term_same(const OutcomeTerm *terms, size_t n, const OutcomeTerm *t)
{
    for (size_t i = 0; i < n; i++)
        if (terms[i].var == t->var && terms[i].tid == t->tid && terms[i].elem == t->elem &&
            terms[i].n_elems == t->n_elems && terms[i].is_whole_array == t->is_whole_array)
            return &terms[i];
    return NULL;
}

bool count_parse_terms(const Program *prog, const char *list, OutcomeTerm **out, size_t *n_out,
                       char **err_out)
{
    VEC(OutcomeTerm) terms = {0};
    const char *p = list;
    for (;;) {
        size_t n = strcspn(p, ",");
        while (n > 0 && (*p == ' ' || *p == '\t'))
            p++, n--;
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        char *item = xstrndup(p, n);
        OutcomeTerm t = {0};
        char *why = NULL;
        if (n == 0 || !term_parse(prog, item, &t, &why)) {
            size_t len = strlen(list) + (why ? strlen(why) : 0) + 64;
            *err_out = xmalloc(len);
            if (n == 0)
                snprintf(*err_out, len, "invalid value '%s' for --outcomes (an empty name)", list);
            else
                snprintf(*err_out, len, "--outcomes: cannot group by '%s' (%s)", item, why);
            free(why);
            free(item);
            count_terms_free(terms.items, terms.len);
            return false;
        }
        const OutcomeTerm *same = term_same(terms.items, terms.len, &t);
        if (same) { /* a second column of the same values would only repeat the first */
            size_t len = strlen(item) + strlen(same->text) + 64;
            *err_out = xmalloc(len);
            if (!strcmp(item, same->text))
                snprintf(*err_out, len, "--outcomes: '%s' is given twice (give each once)", item);
            else
                snprintf(*err_out, len, "--outcomes: '%s' is '%s' again (give each once)", item,
                         same->text);
            free(item);
            count_terms_free(terms.items, terms.len);
            return false;
        }
        t.text = item;
        vec_push(&terms, t);
        p += strcspn(p, ",");
        if (*p != ',')
            break;
        p++;
    }
    *out = terms.items;
    *n_out = terms.len;
    return true;
}
