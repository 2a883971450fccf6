/*
** search.c -- explore every reachable state of a Program, breadth first (or depth first).
**
** Breadth first needs no frontier queue: ids are dense and level d+1 is inserted only while
** level d is expanded, so each level is the contiguous id range stored after the previous one.
** States are expanded in id order, threads in index order, outcomes in order k: the first time
** a violation is seen it ends its shortest schedule, the tie-break winner among equal ones.
**
** A violation is recorded once per key: invariant and final by property, assert and error by
** line, deadlock once. Depth first keeps an explicit stack of (id, depth); it finds the same
** violations, not with shortest schedules. Single thread per call.
*/
#include "search.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "graph.h"
#include "search_int.h"
#include "state.h"
#include "util.h"

enum {
    BATCH = 16, /* BFS: states whose successors are generated before any is stored */
    FP_LEN = 8  /* --compact: bytes of a stored fingerprint */
};

const char *search_stop_name(SearchStop stop)
{
    switch (stop) {
    case SEARCH_COMPLETE:
        return "complete";
    case SEARCH_FIRST:
        return "first";
    case SEARCH_MAX_STATES:
        return "max states";
    case SEARCH_MAX_MEMORY:
        return "max memory";
    case SEARCH_TIME_LIMIT:
        return "time limit";
    case SEARCH_MAX_DEPTH:
        return "max depth";
    case SEARCH_INTERRUPTED:
        return "interrupted";
    }
    return "?";
}

/* ---- violations ---- */

bool search_viol_same(const Violation *a, ViolKind kind, int32_t prop, uint32_t line)
{
    if (a->kind != kind)
        return false;
    switch (kind) {
    case VIOL_INVARIANT:
    case VIOL_FINAL:
        return a->prop == prop;
    case VIOL_ASSERT:
    case VIOL_ERROR:
        return a->line == line;
    case VIOL_DEADLOCK:
        return true;
    }
    return false;
}

bool search_viol_known(const Search *s, const Violation *v)
{
    for (size_t i = 0; i < s->viols.len; i++)
        if (search_viol_same(&s->viols.items[i], v->kind, v->prop, v->line))
            return true;
    return false;
}

void search_viol_record(Search *s, const Violation *v)
{
    if (search_viol_known(s, v))
        return;
    Violation copy = *v;
    copy.message = v->message ? xstrdup(v->message) : NULL;
    vec_push(&s->viols, copy);
    if (s->opts->first && !s->is_stopped) {
        s->is_stopped = true;
        s->stop = SEARCH_FIRST;
    }
}

/* A violation of a property in state 'sid' at 'depth'. */
static void viol_prop(Search *s, ViolKind kind, uint32_t p, const char *msg, StateId sid,
                      uint32_t depth)
{
    Violation v = {.kind = kind,
                   .prop = (int32_t)p,
                   .line = s->prog->props[p].line,
                   .message = (char *)msg,
                   .state = sid,
                   .depth = depth};
    search_viol_record(s, &v);
}

/* Evaluate every property of 'kind' in 'vec', the vector of 'sid'. True if one does not hold
** (broken, or its evaluation fails). */
static bool check_props(Search *s, PropKind kind, const uint8_t *vec, StateId sid, uint32_t depth)
{
    bool is_bad = false;
    for (uint32_t p = 0; p < s->prog->n_props && !s->is_stopped; p++) {
        if (s->prog->props[p].kind != kind)
            continue;
        const char *msg = NULL;
        PropResult r = exec_property(s->ex_prop, vec, p, &msg);
        if (r == PROP_BROKEN)
            viol_prop(s, kind == PROP_INVARIANT ? VIOL_INVARIANT : VIOL_FINAL, p, NULL, sid, depth);
        else if (r == PROP_ERROR)
            viol_prop(s, VIOL_ERROR, p, msg, sid, depth);
        is_bad |= r != PROP_HOLDS;
    }
    return is_bad;
}

/* ---- the recorded graph (SearchOptions.record_graph, graph.h) ---- */

enum {
    CYCLE_CHECKS_FREE = 64,  /* steps back checked for a cycle first (search_closes_cycle) */
    CYCLE_CHECK_EVERY = 1024 /* then one more for every so many steps recorded */
};

size_t search_graph_held(const Search *s)
{
    /* what its arrays have written: util_map_grow's pages get memory as they are written */
    const Graph *g = s->graph;
    size_t per_state = g->is_edgeless ? 1 : sizeof *g->first + 1;
    return store_count(s->st) * per_state + g->edges.len * sizeof *g->edges.items +
           g->fails.len * sizeof *g->fails.items + g->wides.len * sizeof *g->wides.items;
}

bool search_graph_past_budget(const Search *s, size_t used)
{
    size_t max = s->opts->max_memory;
    return max && s->graph && used + search_graph_held(s) > max;
}

bool search_closes_cycle(const Store *st, StateId from, StateId to, uint64_t *n_checks,
                         uint64_t n_steps)
{
    if (to > from || *n_checks >= CYCLE_CHECKS_FREE + n_steps / CYCLE_CHECK_EVERY)
        return false;
    ++*n_checks;
    for (StateId u = from; u != STATE_ID_NONE && u >= to; u = store_parent(st, u))
        if (u == to)
            return true;
    return false;
}

void search_graph_drop(Search *s)
{
    if (s->graph) {
        graph_free(s->graph);
        free(s->graph);
        s->graph = NULL;
    }
}

/* A new state 'sid' (the next id): its flags so far. */
static void graph_state(Search *s, StateId sid, uint8_t flags)
{
    Graph *g = s->graph;
    util_map_grow((void **)&g->flags, &g->flags_cap, (size_t)sid + 1, 1);
    g->flags[sid] = flags;
}

/* The state 'sid' is expanded now (ids in order): its edges start here. */
static void graph_expand(Search *s, StateId sid)
{
    Graph *g = s->graph;
    if (g->is_edgeless)
        return;
    util_map_grow((void **)&g->first, &g->first_cap, (size_t)sid + 2, sizeof *g->first);
    g->first[sid] = g->edges.len;
}

/* An outcome of the state being expanded: to 'to', or a failing step ('p' not EXEC_OK). */
static void graph_edge_add(Search *s, const Pending *p, StateId to)
{
    Graph *g = s->graph;
    if (p->status != EXEC_OK)
        g->flags[s->cur] |= SF_HAS_FAIL;
    if (g->is_edgeless)
        return;
    if (!g->is_cyclic && search_closes_cycle(s->st, s->cur, to, &s->n_cycle_checks, g->edges.len)) {
        g->is_cyclic = true;
        if (!s->opts->keep_cyclic_edges) {
            graph_drop_edges(g);
            return;
        }
    }
    Edge e = graph_edge_add_to(g, p, to);
    if (g->edges.len == g->edges.cap)
        util_map_grow((void **)&g->edges.items, &g->edges.cap, g->edges.len + 1, sizeof(Edge));
    edge_put(&g->edges.items[g->edges.len++], e);
}

/* The search is over: a complete one hands its graph to the result. */
void search_graph_finish(Search *s)
{
    Graph *g = s->graph;
    if (!g)
        return;
    /* the budget is looked at only every so many states: the search's end may have passed it
    ** since (a small model, after the last look) */
    if (s->stop != SEARCH_COMPLETE || search_graph_past_budget(s, store_memory_bytes(s->st))) {
        search_graph_drop(s);
        return;
    }
    g->n = store_count(s->st);
    g->init = 0; /* the first state stored */
    if (!g->is_edgeless) {
        util_map_grow((void **)&g->first, &g->first_cap, g->n + 1, sizeof *g->first);
        g->first[g->n] = g->edges.len;
        assert(g->edges.len == s->res->n_transitions && "an outcome without its edge");
    }
    s->res->graph = g;
    s->graph = NULL;
}

/* ---- limits ---- */

void search_stop_at(Search *s, SearchStop why)
{
    if (!s->is_stopped) {
        s->is_stopped = true;
        s->stop = why;
    }
}

static void note_memory(Search *s)
{
    size_t bytes = store_memory_bytes(s->st) + s->stack.cap * sizeof(DfsEntry);
    if (bytes > s->res->memory_bytes)
        s->res->memory_bytes = bytes;
}

bool search_pacer_due(Pacer *p, uint64_t n_states, uint64_t n_outcomes, uint32_t vec_len)
{
    p->n_states += n_states;
    p->n_bytes += n_outcomes * vec_len;
    if (p->n_states < LIMITS_EVERY && p->n_bytes < LIMITS_BYTES)
        return false;
    p->n_states = p->n_bytes = 0;
    return true;
}

/* The clock and the memory budget, looked at as search_pacer_due says; 'n_frontier' states are
** stored and not expanded yet. */
static void check_limits(Search *s, uint64_t n_frontier)
{
    store_quiesce(s->st); /* one thread: nobody else is probing the tables grown since */
    note_memory(s);
    const SearchOptions *o = s->opts;
    size_t used = store_memory_bytes(s->st);
    if (o->max_memory && used > o->max_memory)
        search_stop_at(s, SEARCH_MAX_MEMORY);
    /* the graph never stops the search: past the budget it is dropped, and built after the
    ** search if there is room then */
    if (search_graph_past_budget(s, used))
        search_graph_drop(s);
    if (o->time_limit > 0 && util_now() - s->t0 >= o->time_limit)
        search_stop_at(s, SEARCH_TIME_LIMIT);
    if (search_is_interrupted(o))
        search_stop_at(s, SEARCH_INTERRUPTED);
    if (o->progress) {
        SearchProgress p = {store_count(s->st), n_frontier, s->depth, store_memory_bytes(s->st)};
        o->progress(o->progress_ctx, &p);
    }
}

/* ---- successors ---- */

/* Store 'vec' (whose state_hash is 'hash'), reached from s->cur; check the invariants on it
** when it is new. */
static StateId add_successor(Search *s, const uint8_t *vec, uint64_t hash)
{
    if (s->opts->max_states && store_count(s->st) >= s->opts->max_states &&
        store_find(s->st, vec, hash) == STATE_ID_NONE) {
        search_stop_at(s, SEARCH_MAX_STATES);
        return STATE_ID_NONE;
    }
    StateId sid;
    StoreResult r = store_insert(s->st, vec, hash, s->cur, &sid);
    if (r == STORE_FULL) {
        search_stop_at(s, SEARCH_MAX_MEMORY);
        return STATE_ID_NONE;
    }
    if (r == STORE_SEEN)
        return sid;
    if (s->depth + 1 > s->res->max_depth)
        s->res->max_depth = s->depth + 1;
    bool is_bad = check_props(s, PROP_INVARIANT, vec, sid, s->depth + 1);
    if (s->graph)
        graph_state(s, sid, is_bad ? SF_INV_BAD : 0);
    if (s->opts->dfs)
        vec_push(&s->fresh, sid);
    return sid;
}

/* exec_step's callback: one outcome of thread tid's step from s->cur. */
static void on_outcome(void *ctx, uint32_t tid, const ExecOutcome *out)
{
    Search *s = ctx;
    if (s->is_stopped)
        return;
    s->res->n_transitions++;
    if (out->status == EXEC_OK) {
        add_successor(s, out->vec, state_hash(out->vec, s->prog->state_size));
        return;
    }
    Violation v = {.kind = out->status == EXEC_ASSERT_FAILED ? VIOL_ASSERT : VIOL_ERROR,
                   .prop = -1,
                   .line = out->line,
                   .message = (char *)out->message,
                   .state = s->cur,
                   .by_step = true,
                   .tid = tid,
                   .k = out->k,
                   .depth = s->depth + 1};
    search_viol_record(s, &v);
}

/* Expand state 'sid' at 'depth': finals if every thread is done, else every thread's step;
** a deadlock when nothing could move. */
static void expand(Search *s, StateId sid, uint32_t depth)
{
    const Program *prog = s->prog;
    const uint8_t *vec = store_vec(s->st, sid);
    s->cur = sid;
    s->depth = depth;
    if (state_all_done(prog, vec)) {
        check_props(s, PROP_FINAL, vec, sid, depth);
        return;
    }
    bool has_run = false;
    for (uint32_t tid = 0; tid < prog->n_threads && !s->is_stopped; tid++)
        if (exec_step(s->ex, vec, tid, on_outcome, s) == EXEC_STEP_RAN)
            has_run = true;
    if (!has_run && !s->is_stopped && !s->opts->no_deadlock) {
        Violation v = {.kind = VIOL_DEADLOCK, .prop = -1, .state = sid, .depth = depth};
        search_viol_record(s, &v);
    }
}

/* ---- the two orders ---- */

/* ---- breadth first, in batches ----
**
** The BFS generates the successors of BATCH states before it stores any, prefetching each one's
** home slot in the store as it is hashed, so that the cache misses of the table overlap. Then
** it walks the batch in order, doing exactly what expand() does, outcome by outcome: the ids,
** parents, counts and violations are those of one state at a time. Generating early is safe:
** exec_step only reads the store, and a stop skips the outcomes after it as before. */

void search_batch_keep(void *ctx, uint32_t tid, const ExecOutcome *out)
{
    Batch *bt = ctx;
    if (bt->pend.len == bt->pend.cap) {
        bt->pend.cap = bt->pend.cap ? 2 * bt->pend.cap : 64;
        bt->pend.items = xrealloc(bt->pend.items, bt->pend.cap * sizeof *bt->pend.items);
    }
    Pending *p = &bt->pend.items[bt->pend.len++]; /* filled in place: it is read back soon */
    p->status = out->status;
    p->tid = tid;
    p->k = out->k;
    p->line = out->line;
    p->message = NULL;
    p->sid = STATE_ID_NONE;
    if (out->status != EXEC_OK) {
        p->message = out->message ? xstrdup(out->message) : NULL;
        bt->n_messages += p->message != NULL;
        return;
    }
    uint32_t len = bt->prog->state_size;
    p->hash = p->key_hash = state_hash(out->vec, len);
    if (bt->is_compact)
        p->key_hash = state_hash((const uint8_t *)&p->hash, FP_LEN);
    p->vec_at = bt->vecs.len;
    store_prefetch(bt->st, p->key_hash);
    if (bt->vecs.len + len > bt->vecs.cap) {
        size_t cap = 2 * (bt->vecs.len + len);
        if (bt->max_bytes && cap > bt->max_bytes) {
            if (bt->vecs.len + len > bt->max_bytes) { /* see search_batch_generate */
                bt->pend.len--;
                bt->is_over = true;
                return;
            }
            cap = bt->max_bytes;
        }
        bt->vecs.cap = cap;
        bt->vecs.items = xrealloc(bt->vecs.items, bt->vecs.cap);
    }
    state_copy(bt->vecs.items + bt->vecs.len, out->vec, len);
    bt->vecs.len += len;
}

/* Inlined into every caller, link-time optimisation reaching the other files' (batch.h is
** their declaration): the executor's step, search_batch_keep and the state's tests then compile
** into each search's own loop. Left to GCC, it was inlined into search_run only, and the level
** search ran 7% more instructions per state through calls (counter race, cachegrind). What it
** calls has external linkage, as a function with external linkage declared inline must (clang:
** -Wstatic-in-inline). */
__attribute__((always_inline)) inline void search_batch_generate(Batch *bt, ExecCtx *ex,
                                                                 const uint8_t *vec, BatchEntry *e)
{
    const Program *prog = bt->prog;
    e->is_all_done = state_all_done(prog, vec);
    e->has_run = false;
    for (uint32_t tid = 0; tid < prog->n_threads && !e->is_all_done; tid++)
        if (exec_step(ex, vec, tid, search_batch_keep, bt) == EXEC_STEP_RAN)
            e->has_run = true;
    e->end = bt->pend.len;
}

void search_batch_prefetch(const Batch *bt)
{
    for (size_t i = 0; i < bt->pend.len; i++)
        if (bt->pend.items[i].status == EXEC_OK)
            store_prefetch_match(bt->st, bt->pend.items[i].key_hash);
}

const uint8_t *search_batch_vec(const Batch *bt, const Pending *p)
{
    return bt->vecs.items + p->vec_at;
}

void search_batch_clear(Batch *bt)
{
    for (size_t i = 0; i < bt->pend.len && bt->n_messages; i++)
        free(bt->pend.items[i].message);
    bt->n_messages = 0;
    bt->pend.len = 0;
    bt->vecs.len = 0;
    bt->is_over = false;
}

void search_batch_free(Batch *bt)
{
    search_batch_clear(bt);
    vec_free(&bt->pend);
    vec_free(&bt->vecs);
}

/* The outcome 'p' of s->cur, as on_outcome() takes it. */
static void pending_take(Search *s, const Pending *p)
{
    s->res->n_transitions++;
    if (p->status == EXEC_OK) {
        StateId to = add_successor(s, search_batch_vec(&s->batch, p), p->hash);
        if (s->graph && to != STATE_ID_NONE)
            graph_edge_add(s, p, to);
        return;
    }
    if (s->graph)
        graph_edge_add(s, p, STATE_ID_NONE);
    Violation v = {.kind = p->status == EXEC_ASSERT_FAILED ? VIOL_ASSERT : VIOL_ERROR,
                   .prop = -1,
                   .line = p->line,
                   .message = p->message,
                   .state = s->cur,
                   .by_step = true,
                   .tid = p->tid,
                   .k = p->k,
                   .depth = s->depth + 1};
    search_viol_record(s, &v);
}

/* Expand the state batch[b] from its kept outcomes, as expand() would; 'begin' is where its
** outcomes start in s->pend. */
static void batch_expand(Search *s, const BatchEntry *e, size_t begin, uint32_t depth)
{
    s->cur = e->sid;
    s->depth = depth;
    if (s->graph)
        graph_expand(s, e->sid);
    if (e->is_all_done) {
        bool is_bad = check_props(s, PROP_FINAL, store_vec(s->st, e->sid), e->sid, depth);
        if (s->graph)
            s->graph->flags[e->sid] |= SF_END | (is_bad ? SF_FINAL_BAD : 0);
        return;
    }
    for (size_t i = begin; i < e->end && !s->is_stopped; i++)
        pending_take(s, &s->batch.pend.items[i]);
    if (s->graph && !e->has_run && !s->opts->no_deadlock)
        s->graph->flags[e->sid] |= SF_DEADLOCK;
    if (!e->has_run && !s->is_stopped && !s->opts->no_deadlock) {
        Violation v = {.kind = VIOL_DEADLOCK, .prop = -1, .state = e->sid, .depth = depth};
        search_viol_record(s, &v);
    }
}

static void run_bfs(Search *s)
{
    uint64_t lo = 0, hi = store_count(s->st), n_expanded = 0;
    Pacer pacer = {0};
    BatchEntry batch[BATCH];
    for (uint32_t depth = 0; lo < hi && !s->is_stopped; depth++) {
        s->depth = depth;
        if (s->opts->max_depth && depth > s->opts->max_depth) { /* states are left this deep */
            search_stop_at(s, SEARCH_MAX_DEPTH);
            break;
        }
        for (uint64_t sid = lo; sid < hi && !s->is_stopped;) {
            size_t n = hi - sid < BATCH ? (size_t)(hi - sid) : BATCH;
            bool is_over = false;
            for (size_t b = 0; b < n; b++) {
                batch[b].sid = (StateId)(sid + b);
                search_batch_generate(&s->batch, s->ex, store_vec(s->st, batch[b].sid), &batch[b]);
                if (s->batch.is_over) { /* the states before it first, then it alone */
                    is_over = true;
                    n = b;
                    break;
                }
            }
            search_batch_prefetch(&s->batch);
            for (size_t b = 0; b < n && !s->is_stopped; b++, sid++) {
                size_t begin = b ? batch[b - 1].end : 0;
                batch_expand(s, &batch[b], begin, depth);
                n_expanded++;
                if (search_pacer_due(&pacer, 1, batch[b].end - begin, s->prog->state_size))
                    check_limits(s, store_count(s->st) - n_expanded);
            }
            search_batch_clear(&s->batch);
            if (is_over && n == 0) /* one state's successors do not fit the budget */
                search_stop_at(s, SEARCH_MAX_MEMORY);
        }
        lo = hi;
        hi = store_count(s->st);
    }
}

static void run_dfs(Search *s)
{
    Pacer pacer = {0};
    vec_push(&s->stack, ((DfsEntry){0, 0}));
    while (s->stack.len && !s->is_stopped) {
        DfsEntry e = s->stack.items[--s->stack.len];
        s->fresh.len = 0;
        uint64_t n_before = s->res->n_transitions;
        expand(s, e.sid, e.depth);
        for (size_t i = s->fresh.len; i-- > 0;)
            vec_push(&s->stack, ((DfsEntry){s->fresh.items[i], e.depth + 1}));
        if (search_pacer_due(&pacer, 1, s->res->n_transitions - n_before, s->prog->state_size))
            check_limits(s, s->stack.len);
    }
}

/* Store the initial state and check the invariants on it. False when even it does not fit. */
static bool add_initial(Search *s)
{
    uint32_t len = s->prog->state_size;
    uint8_t *vec = xmalloc(len);
    prog_initial_state(s->prog, vec);
    StateId sid;
    StoreResult r = store_insert(s->st, vec, state_hash(vec, len), STATE_ID_NONE, &sid);
    if (r == STORE_FULL) {
        search_stop_at(s, SEARCH_MAX_MEMORY);
        free(vec);
        return false;
    }
    bool is_bad = check_props(s, PROP_INVARIANT, vec, sid, 0);
    if (s->graph)
        graph_state(s, sid, is_bad ? SF_INV_BAD : 0);
    free(vec);
    if (search_is_interrupted(s->opts)) /* before this search began: no step is taken */
        search_stop_at(s, SEARCH_INTERRUPTED);
    return true;
}

void search_cover_add(Search *s, const ExecCtx *ex)
{
    if (!s->res->cover)
        s->res->cover = xcalloc(exec_cover_len(s->prog) + 1, 1);
    exec_cover_add(ex, s->res->cover);
    s->res->n_held += exec_held(ex);
}

/* ---- public ---- */

SearchResult *search_run(const Program *prog, const SearchOptions *opts)
{
    SearchResult *res = xcalloc(1, sizeof *res);
    Search s = {.prog = prog, .opts = opts, .res = res, .stop = SEARCH_COMPLETE};
    s.batch.prog = prog;
    s.batch.is_compact = opts->compact;
    s.batch.max_bytes = opts->max_memory / 4;
    s.t0 = util_now();
    double cpu0 = util_cpu_now();
    res->is_compact = opts->compact;
    s.st = res->store = store_new(opts->compact ? FP_LEN : prog->state_size, opts->max_memory);
    s.ex = exec_new(prog);
    s.ex_prop = exec_new(prog);
    s.batch.st = s.st;
    if (opts->record_graph && !opts->dfs && !opts->compact) {
        s.graph = xcalloc(1, sizeof *s.graph);
        s.graph->prog = prog;
        s.graph->st = s.st;
        s.graph->no_deadlock = opts->no_deadlock;
        s.graph->is_mapped = true;
    }
    if (opts->compact || (!opts->dfs && opts->n_threads > 1)) {
        search_run_levels(&s);
        search_graph_finish(&s);
    } else {
        store_set_solo(s.st, true); /* this thread alone */
        exec_cover_start(s.ex);     /* the level search's workers step on contexts of their own */
        if (add_initial(&s)) {
            if (opts->dfs)
                run_dfs(&s);
            else
                run_bfs(&s);
        }
        store_set_solo(s.st, false);
        store_quiesce(s.st);
        note_memory(&s);
        res->n_states = store_count(s.st);
        search_graph_finish(&s);
    }
    res->stop = s.stop;
    res->checked_depth =
        search_stop_is_limit(s.stop) && !opts->dfs && s.depth > 0 ? (int32_t)s.depth - 1 : -1;
    res->viols = s.viols.items;
    res->n_viols = s.viols.len;
    res->seconds = util_now() - s.t0;
    res->cpu_seconds = util_cpu_now() - cpu0;
    search_cover_add(&s, s.ex);
    exec_free(s.ex);
    exec_free(s.ex_prop);
    vec_free(&s.fresh);
    vec_free(&s.stack);
    search_batch_free(&s.batch);
    return res;
}

void search_result_free(SearchResult *res)
{
    if (!res)
        return;
    for (size_t i = 0; i < res->n_viols; i++)
        free(res->viols[i].message);
    free(res->viols);
    if (res->graph) {
        graph_free(res->graph);
        free(res->graph);
    }
    store_free(res->store);
    free(res->cover);
    free(res);
}

/* ---- vectors back from the store ---- */

/* What replay_link() compares each successor's fingerprint with. */
typedef struct Fingerprint {
    uint64_t fp;   /* the fingerprint to reach */
    uint32_t size; /* bytes of a state */
} Fingerprint;

static bool has_fingerprint(void *ctx, const uint8_t *vec)
{
    const Fingerprint *f = ctx;
    return state_hash(vec, f->size) == f->fp;
}

/* The step from 'from' whose successor has fingerprint 'fp' (first in tie-break order), into
** 'out'. False when none has (a corrupt store). */
static bool replay_link(const Program *prog, ExecCtx *ex, const uint8_t *from, uint64_t fp,
                        uint8_t *out)
{
    Fingerprint f = {fp, prog->state_size};
    for (uint32_t tid = 0; tid < prog->n_threads; tid++)
        if (exec_find(ex, from, tid, has_fingerprint, &f, out) != EXEC_NO_OUTCOME)
            return true;
    return false;
}

void search_path_states(const Program *prog, const SearchResult *res, StateId sid, uint32_t n_links,
                        uint8_t *out)
{
    const Store *st = res->store;
    size_t len = prog->state_size;
    StateId *chain = xmalloc((size_t)(n_links + 1) * sizeof *chain);
    for (uint32_t i = n_links + 1; i-- > 0; sid = store_parent(st, sid))
        chain[i] = sid;
    assert(sid == STATE_ID_NONE && "the parent chain is longer than n_links");
    if (!res->is_compact) {
        for (uint32_t i = 0; i <= n_links; i++)
            memcpy(out + i * len, store_vec(st, chain[i]), len);
        free(chain);
        return;
    }
    ExecCtx *ex = exec_new(prog);
    prog_initial_state(prog, out);
    for (uint32_t i = 1; i <= n_links; i++) {
        uint64_t fp;
        memcpy(&fp, store_vec(st, chain[i]), sizeof fp);
        bool found = replay_link(prog, ex, out + (i - 1) * len, fp, out + i * len);
        assert(found && "no step leads from a parent to its child's fingerprint");
        (void)found;
    }
    exec_free(ex);
    free(chain);
}

double search_omission_probability(const SearchResult *res)
{
    if (!res->is_compact)
        return 0;
    double n = (double)res->n_states;
    return n * n / 0x1p65;
}

/* MemAvailable of /proc/meminfo in bytes, or 0. */
static size_t meminfo_available(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    if (!f)
        return 0;
    char line[256];
    unsigned long long kib = 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %llu kB", &kib) == 1)
            break;
    fclose(f);
    return (size_t)kib * 1024;
}

size_t search_default_max_memory(void)
{
    size_t avail = meminfo_available() / 4 * 3, space = util_address_space_limit() / 4;
    return space && space < avail ? space : avail;
}

const char *search_viol_kind_name(ViolKind kind)
{
    switch (kind) {
    case VIOL_INVARIANT:
        return "invariant";
    case VIOL_FINAL:
        return "final";
    case VIOL_ASSERT:
        return "assert";
    case VIOL_ERROR:
        return "error";
    case VIOL_DEADLOCK:
        return "deadlock";
    }
    return "?";
}
