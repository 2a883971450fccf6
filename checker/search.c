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

#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "state.h"
#include "util.h"

enum { CHECK_EVERY = 4096 }; /* expansions between looks at the clock and the memory */

typedef struct DfsEntry {
    StateId sid;    /* a stored, unexpanded state */
    uint32_t depth; /* steps from the initial state along its parent links */
} DfsEntry;

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
} Search;

/* ---- violations ---- */

static bool viol_same(const Violation *a, ViolKind kind, int32_t prop, uint32_t line)
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

/* Record 'v' unless a violation with its key was seen before; --first stops here. */
static void viol_record(Search *s, const Violation *v)
{
    for (size_t i = 0; i < s->viols.len; i++)
        if (viol_same(&s->viols.items[i], v->kind, v->prop, v->line))
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
    viol_record(s, &v);
}

/* Evaluate every property of 'kind' in 'vec', the vector of 'sid'. */
static void check_props(Search *s, PropKind kind, const uint8_t *vec, StateId sid, uint32_t depth)
{
    for (uint32_t p = 0; p < s->prog->n_props && !s->is_stopped; p++) {
        if (s->prog->props[p].kind != kind)
            continue;
        const char *msg = NULL;
        PropResult r = exec_property(s->ex_prop, vec, p, &msg);
        if (r == PROP_BROKEN)
            viol_prop(s, kind == PROP_INVARIANT ? VIOL_INVARIANT : VIOL_FINAL, p, NULL, sid, depth);
        else if (r == PROP_ERROR)
            viol_prop(s, VIOL_ERROR, p, msg, sid, depth);
    }
}

/* ---- limits ---- */

static void stop_at(Search *s, SearchStop why)
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

/* The clock and the memory budget, looked at every CHECK_EVERY expansions. */
static void check_limits(Search *s)
{
    note_memory(s);
    const SearchOptions *o = s->opts;
    if (o->max_memory && store_memory_bytes(s->st) > o->max_memory)
        stop_at(s, SEARCH_MAX_MEMORY);
    if (o->time_limit > 0 && util_now() - s->t0 >= o->time_limit)
        stop_at(s, SEARCH_TIME_LIMIT);
}

/* ---- successors ---- */

/* Store 'vec', reached from s->cur; check the invariants on it when it is new. */
static void add_successor(Search *s, const uint8_t *vec)
{
    uint32_t len = s->prog->state_size;
    uint64_t hash = state_hash(vec, len);
    if (s->opts->max_states && store_count(s->st) >= s->opts->max_states &&
        store_find(s->st, vec, hash) == STATE_ID_NONE) {
        stop_at(s, SEARCH_MAX_STATES);
        return;
    }
    StateId sid;
    StoreResult r = store_insert(s->st, vec, hash, s->cur, &sid);
    if (r == STORE_FULL) {
        stop_at(s, SEARCH_MAX_MEMORY);
        return;
    }
    if (r == STORE_SEEN)
        return;
    if (s->depth + 1 > s->res->max_depth)
        s->res->max_depth = s->depth + 1;
    check_props(s, PROP_INVARIANT, vec, sid, s->depth + 1);
    if (s->opts->dfs)
        vec_push(&s->fresh, sid);
}

/* exec_step's callback: one outcome of thread tid's step from s->cur. */
static void on_outcome(void *ctx, uint32_t tid, const ExecOutcome *out)
{
    Search *s = ctx;
    if (s->is_stopped)
        return;
    s->res->n_transitions++;
    if (out->status == EXEC_OK) {
        add_successor(s, out->vec);
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
    viol_record(s, &v);
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
        viol_record(s, &v);
    }
}

/* ---- the two orders ---- */

static void run_bfs(Search *s)
{
    uint64_t lo = 0, hi = store_count(s->st), n_expanded = 0;
    for (uint32_t depth = 0; lo < hi && !s->is_stopped; depth++) {
        for (uint64_t sid = lo; sid < hi && !s->is_stopped; sid++) {
            expand(s, (StateId)sid, depth);
            if (++n_expanded % CHECK_EVERY == 0)
                check_limits(s);
        }
        lo = hi;
        hi = store_count(s->st);
    }
}

static void run_dfs(Search *s)
{
    uint64_t n_expanded = 0;
    vec_push(&s->stack, ((DfsEntry){0, 0}));
    while (s->stack.len && !s->is_stopped) {
        DfsEntry e = s->stack.items[--s->stack.len];
        s->fresh.len = 0;
        expand(s, e.sid, e.depth);
        for (size_t i = s->fresh.len; i-- > 0;)
            vec_push(&s->stack, ((DfsEntry){s->fresh.items[i], e.depth + 1}));
        if (++n_expanded % CHECK_EVERY == 0)
            check_limits(s);
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
        stop_at(s, SEARCH_MAX_MEMORY);
        free(vec);
        return false;
    }
    check_props(s, PROP_INVARIANT, vec, sid, 0);
    free(vec);
    return true;
}

/* ---- public ---- */

SearchResult *search_run(const Program *prog, const SearchOptions *opts)
{
    SearchResult *res = xcalloc(1, sizeof *res);
    Search s = {.prog = prog, .opts = opts, .res = res, .stop = SEARCH_COMPLETE};
    s.t0 = util_now();
    s.st = res->store = store_new(prog->state_size, opts->max_memory);
    s.ex = exec_new(prog);
    s.ex_prop = exec_new(prog);
    if (add_initial(&s)) {
        if (opts->dfs)
            run_dfs(&s);
        else
            run_bfs(&s);
    }
    note_memory(&s);
    res->stop = s.stop;
    res->n_states = store_count(s.st);
    res->viols = s.viols.items;
    res->n_viols = s.viols.len;
    res->seconds = util_now() - s.t0;
    exec_free(s.ex);
    exec_free(s.ex_prop);
    vec_free(&s.fresh);
    vec_free(&s.stack);
    return res;
}

void search_result_free(SearchResult *res)
{
    if (!res)
        return;
    for (size_t i = 0; i < res->n_viols; i++)
        free(res->viols[i].message);
    free(res->viols);
    store_free(res->store);
    free(res);
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
