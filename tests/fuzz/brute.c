/*
** brute.c -- every schedule one by one: an oracle for the analyses of count.c (brute.h).
**
** The walk follows every step of every thread in tie-break order (thread index, then outcome k)
** from the initial state, depth first, keeping the schedule so far (its states, steps, and
** preemptions) and nothing else: a state reached by two schedules is walked twice. Each leaf is
** a schedule as docs/schedules.md defines one: it ends when every thread has finished, in a
** deadlock, or with a failing step, and it violates when it passed through a state breaking an
** invariant, ends with a failing step, in a deadlock (not with --no-deadlock) or in an end state
** breaking a final. Visiting nodes in that order meets schedules in tie-break order, so the
** first cheapest place a violation shows is the schedule --fewest-preemptions must give. The
** distinct states met (a table of their vectors) give the state, transition, end state and
** violating state counts. A step that reaches a state already on its own schedule proves a
** cycle; a walk that ends without one proves there is none. Two more walks, once the first has
** marked the states from which every schedule violates (doomed), find the points of no return
** (walk_causes) and list the violating schedules cut where they show (walk_schedules).
*/
#include "brute.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "state.h"
#include "trace.h"
#include "util.h"

#define NO_THREAD    UINT32_MAX /* the last step's thread before the first step */
#define BRUTE_LISTED 64         /* violating schedules listed (--schedules) and compared */

typedef VEC(uint8_t) Bytes;

static void push_bytes(Bytes *v, const uint8_t *p, size_t n)
{
    while (v->len + n > v->cap) {
        v->cap = v->cap ? 2 * v->cap : 256;
        v->items = xrealloc(v->items, v->cap);
    }
    memcpy(v->items + v->len, p, n);
    v->len += n;
}

/* One outcome of a node's steps, kept while its subtree is walked. */
typedef struct Out {
    uint32_t tid, k;   /* the step */
    ExecStatus status; /* EXEC_OK: a successor, its vector at (index in the node's outs) */
    uint32_t line;     /* failures: the failing statement's line */
} Out;

typedef struct Node {
    uint32_t size; /* bytes of a state */
    VEC(Out) outs; /* every outcome of every thread's step, in tie-break order */
    Bytes vecs;    /* the successors' vectors, state_size bytes each, in outs' order */
} Node;

/* A group of end states with the same outcome values (count.h, Outcome). */
typedef struct Group {
    int32_t *vals;
    uint64_t n_states, n_schedules, n_violating;
    bool is_violating;
} Group;

/* The cheapest place found so far where a violation shows. */
typedef struct Best {
    bool is_found;
    uint64_t n_preemptions, n_steps;
    VEC(uint32_t) tids, ks; /* its steps */
} Best;

typedef struct Brute {
    const Program *prog;
    const SearchResult *res;
    const Analysis *an;
    bool no_deadlock;
    uint64_t max_nodes, n_nodes;
    bool is_cyclic, is_too_big;
    ExecCtx *ex;
    uint32_t size; /* bytes of a state */
    /* the schedule being walked: its states and steps */
    Bytes path;
    VEC(uint32_t) tids, ks;
    /* the distinct states met: an open-addressing table of indices into 'seen' */
    Bytes seen;
    uint64_t *slots; /* index + 1, or 0 */
    uint64_t n_slots, n_seen;
    uint64_t n_transitions, n_end_states, n_violating_states;
    Bytes doomed;         /* per distinct state: every schedule from it violates */
    VEC(uint64_t) causes; /* the points of no return found: template << 32 | line */
    /* the violating schedules count_schedules() gave, each cut where its violation shows */
    VEC(Trace *) listed;
    VEC(size_t) listed_viols;
    uint64_t n_listed; /* those the walk has met so far */
    /* the schedules */
    uint64_t n_schedules, n_violating;
    VEC(Group) groups;
    Best *best;        /* per violation of res: its fewest-preemption schedule */
    Best *shortest;    /* per violation of res: its shortest schedule */
    PropResult *props; /* scratch: the current state's n_props results */
    int32_t *row;      /* scratch: one outcome's values */
} Brute;

static void brute_fail(const char *what, uint64_t want, uint64_t got)
{
    fprintf(stderr,
            "brute: %s: %" PRIu64 " walking every schedule, %" PRIu64
            " from weft (the search, its analysis)\n",
            what, want, got);
    abort();
}

static void same(const char *what, uint64_t want, uint64_t got)
{
    if (want != got)
        brute_fail(what, want, got);
}

static void same_count(const char *what, uint64_t want, const char *got)
{
    char text[24];
    snprintf(text, sizeof text, "%" PRIu64, want);
    if (!got || strcmp(text, got) != 0) {
        fprintf(stderr,
                "brute: %s: %s walking every schedule, %s from weft (the search, its analysis)\n",
                what, text, got ? got : "none");
        abort();
    }
}

/* Index of 'vec' among the distinct states, and whether it is new (then added). */
static uint64_t seen_find(Brute *b, const uint8_t *vec, bool *is_new)
{
    if (2 * (b->n_seen + 1) > b->n_slots) {
        uint64_t n = b->n_slots ? 2 * b->n_slots : 1024;
        uint64_t *slots = xcalloc(n, sizeof *slots);
        for (uint64_t i = 0; i < b->n_slots; i++) {
            if (!b->slots[i])
                continue;
            uint64_t h = state_hash(b->seen.items + (b->slots[i] - 1) * b->size, b->size);
            uint64_t j = h & (n - 1);
            while (slots[j])
                j = (j + 1) & (n - 1);
            slots[j] = b->slots[i];
        }
        free(b->slots);
        b->slots = slots;
        b->n_slots = n;
    }
    uint64_t j = state_hash(vec, b->size) & (b->n_slots - 1);
    for (; b->slots[j]; j = (j + 1) & (b->n_slots - 1))
        if (memcmp(b->seen.items + (b->slots[j] - 1) * b->size, vec, b->size) == 0) {
            *is_new = false;
            return b->slots[j] - 1;
        }
    push_bytes(&b->seen, vec, b->size);
    b->slots[j] = ++b->n_seen;
    *is_new = true;
    return b->n_seen - 1;
}

/* The group of the end state 'vec', by the analysis' outcome terms. */
static Group *group_of(Brute *b, const uint8_t *vec)
{
    const Analysis *an = b->an;
    uint32_t w = 0;
    for (size_t t = 0; t < an->n_terms; t++)
        for (uint32_t i = 0; i < an->terms[t].n_elems; i++)
            b->row[w++] = state_var_get(b->prog, vec, an->terms[t].var, an->terms[t].tid,
                                        an->terms[t].elem + i);
    for (size_t g = 0; g < b->groups.len; g++)
        if (memcmp(b->groups.items[g].vals, b->row, w * sizeof *b->row) == 0)
            return &b->groups.items[g];
    Group g = {.vals = xmalloc((w ? w : 1) * sizeof *g.vals)};
    memcpy(g.vals, b->row, w * sizeof *b->row);
    vec_push(&b->groups, g);
    return &b->groups.items[b->groups.len - 1];
}

/* A place where a violation shows at the cost (n_preemptions, n_steps), with the steps b->tids,
** b->ks: keep it in 'x' if no place found before is as cheap (an earlier one in the walk, hence
** in tie-break order, wins a tie). */
static void keep(const Brute *b, Best *x, uint64_t n_preemptions, uint64_t n_steps)
{
    if (x->is_found && (x->n_preemptions < n_preemptions ||
                        (x->n_preemptions == n_preemptions && x->n_steps <= n_steps)))
        return;
    x->is_found = true;
    x->n_preemptions = n_preemptions;
    x->n_steps = n_steps;
    x->tids.len = x->ks.len = 0;
    for (uint64_t s = 0; s < n_steps; s++) {
        vec_push(&x->tids, b->tids.items[s]);
        vec_push(&x->ks, b->ks.items[s]);
    }
}

/* Violation i shows after n_steps steps with n_preemptions preemptions: a candidate for its
** fewest-preemption schedule and for its shortest one (preemptions not counted). */
static void offer(Brute *b, size_t i, uint64_t n_preemptions, uint64_t n_steps)
{
    keep(b, &b->best[i], n_preemptions, n_steps);
    keep(b, &b->shortest[i], 0, n_steps);
}

static void on_out(void *ctx, uint32_t tid, const ExecOutcome *out)
{
    Node *n = ctx;
    vec_push(&n->outs, ((Out){tid, out->k, out->status, out->line}));
    if (out->status == EXEC_OK)
        push_bytes(&n->vecs, out->vec, n->size);
}

/* True if a step of 'tid' from 'vec', right after a step of 'last', preempts 'last': it could
** have gone on (it is unfinished and enabled). */
static bool is_preemption(Brute *b, const uint8_t *vec, uint32_t last, uint32_t tid)
{
    return last != NO_THREAD && tid != last && exec_enabled(b->ex, vec, last);
}

/* The schedules from a state, whatever came before it, and how many of them violate. */
typedef struct Sub {
    uint64_t n_schedules, n_violating;
} Sub;

/* Walk the schedules through the state at depth 'depth' of the path (its vector the path's
** last), reached with 'n_preemptions' preemptions, the last step by 'last'; 'was_bad': an
** earlier state of the schedule broke an invariant. Returns the schedules from that state. */
static Sub walk(Brute *b, uint32_t depth, uint32_t last, uint64_t n_preemptions, bool was_bad)
{
    const Program *prog = b->prog;
    Sub sub = {0};
    if (++b->n_nodes > b->max_nodes) {
        b->is_too_big = true;
        return sub;
    }
    uint8_t *vec = xmalloc(b->size); /* the path's buffer moves as it grows */
    memcpy(vec, b->path.items + (size_t)depth * b->size, b->size);
    bool is_end = state_all_done(prog, vec), is_inv_bad = false, is_final_bad = false;
    PropResult *props = b->props; /* read only before the children are walked */
    for (uint32_t p = 0; p < prog->n_props; p++) {
        const char *msg;
        props[p] = PROP_HOLDS;
        if (prog->props[p].kind == PROP_INVARIANT || is_end)
            props[p] = exec_property(b->ex, vec, p, &msg);
        if (props[p] != PROP_HOLDS && prog->props[p].kind == PROP_INVARIANT)
            is_inv_bad = true;
        if (props[p] != PROP_HOLDS && prog->props[p].kind == PROP_FINAL)
            is_final_bad = true;
    }
    Node node = {.size = b->size};
    bool has_run = false;
    for (uint32_t tid = 0; !is_end && tid < prog->n_threads; tid++)
        has_run |= exec_step(b->ex, vec, tid, on_out, &node) == EXEC_STEP_RAN;
    bool is_deadlock = !is_end && !has_run && !b->no_deadlock, has_fail = false;
    for (size_t i = 0; i < node.outs.len; i++)
        has_fail |= node.outs.items[i].status != EXEC_OK;
    bool is_new;
    uint64_t idx = seen_find(b, vec, &is_new);
    if (is_new) {
        uint8_t zero = 0;
        push_bytes(&b->doomed, &zero, 1);
        b->n_transitions += node.outs.len;
        b->n_end_states += is_end;
        b->n_violating_states += is_inv_bad || is_final_bad || is_deadlock || has_fail;
    }
    /* where violations show in this state (failing steps: below, as each is taken) */
    for (size_t i = 0; i < b->res->n_viols; i++) {
        const Violation *v = &b->res->viols[i];
        bool shows = false;
        if (v->kind == VIOL_DEADLOCK)
            shows = is_deadlock;
        else if (v->prop >= 0)
            shows =
                props[v->prop] ==
                ((v->kind == VIOL_INVARIANT || v->kind == VIOL_FINAL) ? PROP_BROKEN : PROP_ERROR);
        if (shows)
            offer(b, i, n_preemptions, depth);
    }
    bool is_bad = was_bad || is_inv_bad;
    if (is_end || !has_run) { /* a schedule ends here */
        bool is_violating = is_bad || is_final_bad || is_deadlock;
        b->n_schedules++;
        b->n_violating += is_violating;
        sub = (Sub){1, is_inv_bad || is_final_bad || is_deadlock};
        if (is_end) {
            Group *g = group_of(b, vec);
            g->n_schedules++;
            g->n_violating += is_violating;
            g->n_states += is_new;
            g->is_violating |= is_inv_bad || is_final_bad;
        }
    }
    const uint8_t *next = node.vecs.items;
    for (size_t i = 0; i < node.outs.len && !b->is_cyclic && !b->is_too_big; i++) {
        const Out *o = &node.outs.items[i];
        uint64_t cost = n_preemptions + is_preemption(b, vec, last, o->tid);
        b->tids.len = b->ks.len = depth;
        vec_push(&b->tids, o->tid);
        vec_push(&b->ks, o->k);
        if (o->status != EXEC_OK) { /* a failing step ends a violating schedule */
            b->n_schedules++;
            b->n_violating++;
            sub.n_schedules++;
            sub.n_violating++;
            for (size_t v = 0; v < b->res->n_viols; v++) {
                const Violation *x = &b->res->viols[v];
                if (x->prop < 0 && x->line == o->line &&
                    x->kind == (o->status == EXEC_ASSERT_FAILED ? VIOL_ASSERT : VIOL_ERROR))
                    offer(b, v, cost, depth + 1);
            }
            continue;
        }
        for (uint32_t d = 0; d <= depth; d++)
            if (memcmp(b->path.items + (size_t)d * b->size, next, b->size) == 0)
                b->is_cyclic = true;
        if (b->is_cyclic)
            break;
        b->path.len = (size_t)(depth + 1) * b->size;
        push_bytes(&b->path, next, b->size);
        Sub c = walk(b, depth + 1, o->tid, cost, is_bad);
        sub.n_schedules += c.n_schedules;
        sub.n_violating += c.n_violating;
        next += b->size;
    }
    if (is_inv_bad) /* every schedule through it violates */
        sub.n_violating = sub.n_schedules;
    b->doomed.items[idx] = sub.n_violating == sub.n_schedules;
    vec_free(&node.outs);
    vec_free(&node.vecs);
    free(vec);
    return sub;
}

/* The points of no return (docs/schedules.md) below the undoomed state at depth 'depth' of the
** path, reached through undoomed states only: each step from it that fails or enters a doomed
** state, by the statement it runs (template and line). */
static void walk_causes(Brute *b, uint32_t depth)
{
    const Program *prog = b->prog;
    uint8_t *vec = xmalloc(b->size);
    memcpy(vec, b->path.items + (size_t)depth * b->size, b->size);
    Node node = {.size = b->size};
    for (uint32_t tid = 0; !state_all_done(prog, vec) && tid < prog->n_threads; tid++)
        exec_step(b->ex, vec, tid, on_out, &node);
    const uint8_t *next = node.vecs.items;
    for (size_t i = 0; i < node.outs.len; i++) {
        const Out *o = &node.outs.items[i];
        bool is_new, is_doomed = true;
        if (o->status == EXEC_OK) {
            is_doomed = b->doomed.items[seen_find(b, next, &is_new)];
            if (is_new)
                abort(); /* the first walk met every state */
        }
        if (is_doomed) {
            uint32_t tmpl = prog->threads[o->tid].tmpl;
            uint32_t line = prog->templates[tmpl].pos[state_pos(prog, vec, o->tid)].line;
            uint64_t key = (uint64_t)tmpl << 32 | line;
            bool is_known = false;
            for (size_t c = 0; c < b->causes.len; c++)
                is_known |= b->causes.items[c] == key;
            if (!is_known)
                vec_push(&b->causes, key);
        } else {
            b->path.len = (size_t)(depth + 1) * b->size;
            push_bytes(&b->path, next, b->size);
            walk_causes(b, depth + 1);
        }
        if (o->status == EXEC_OK)
            next += b->size;
    }
    vec_free(&node.outs);
    vec_free(&node.vecs);
    free(vec);
}

/* Index in res->viols of the violation (kind, prop, line): a property's by its index, a failing
** step's by its line. */
static size_t viol_index(const Brute *b, ViolKind kind, int32_t prop, uint32_t line)
{
    for (size_t i = 0; i < b->res->n_viols; i++) {
        const Violation *v = &b->res->viols[i];
        if (v->kind == kind && v->prop == prop && (prop >= 0 || v->line == line))
            return i;
    }
    fprintf(stderr, "brute: a violation the search did not record shows\n");
    abort();
}

/* The violating schedule b->tids, b->ks (n_steps steps), ending in violation 'viol', is the next
** one depth first: it must be the next that count_schedules() listed. */
static void listed_next(Brute *b, uint32_t n_steps, size_t viol)
{
    if (b->n_listed == b->listed.len) { /* past the last one asked for */
        b->n_listed++;
        return;
    }
    const Trace *tr = b->listed.items[b->n_listed];
    same("a listed schedule's steps", n_steps, tr->n_steps);
    for (uint32_t s = 0; s < n_steps; s++) {
        same("a listed schedule's thread", b->tids.items[s], tr->steps[s].tid);
        same("a listed schedule's outcome", b->ks.items[s], tr->steps[s].k);
    }
    same("a listed schedule's violation", viol, b->listed_viols.items[b->n_listed]);
    b->n_listed++;
}

/* The violating schedules through the state at depth 'depth' of the path, depth first in
** tie-break order, each cut where its violation first shows (docs/schedules.md, Enumeration): a
** state breaking an invariant (or whose invariant fails to evaluate; the first such property), a
** deadlock, an end state breaking a final, or a failing step. */
static void walk_schedules(Brute *b, uint32_t depth)
{
    const Program *prog = b->prog;
    if (b->n_listed > b->listed.len)
        return;
    uint8_t *vec = xmalloc(b->size);
    memcpy(vec, b->path.items + (size_t)depth * b->size, b->size);
    bool is_end = state_all_done(prog, vec);
    for (int pass = 0; pass < 2; pass++) {
        PropKind kind = pass == 0 ? PROP_INVARIANT : PROP_FINAL;
        for (uint32_t p = 0; p < prog->n_props && (kind == PROP_INVARIANT || is_end); p++) {
            const char *msg;
            PropResult r =
                prog->props[p].kind == kind ? exec_property(b->ex, vec, p, &msg) : PROP_HOLDS;
            if (r == PROP_HOLDS)
                continue;
            ViolKind vk = r == PROP_ERROR      ? VIOL_ERROR
                          : kind == PROP_FINAL ? VIOL_FINAL
                                               : VIOL_INVARIANT;
            listed_next(b, depth, viol_index(b, vk, (int32_t)p, 0));
            free(vec);
            return;
        }
    }
    Node node = {.size = b->size};
    for (uint32_t tid = 0; !is_end && tid < prog->n_threads; tid++)
        exec_step(b->ex, vec, tid, on_out, &node);
    if (!is_end && !node.outs.len && !b->no_deadlock)
        listed_next(b, depth, viol_index(b, VIOL_DEADLOCK, -1, 0));
    const uint8_t *next = node.vecs.items;
    for (size_t i = 0; i < node.outs.len && b->n_listed <= b->listed.len; i++) {
        const Out *o = &node.outs.items[i];
        b->tids.len = b->ks.len = depth;
        vec_push(&b->tids, o->tid);
        vec_push(&b->ks, o->k);
        if (o->status != EXEC_OK) {
            ViolKind vk = o->status == EXEC_ASSERT_FAILED ? VIOL_ASSERT : VIOL_ERROR;
            listed_next(b, depth + 1, viol_index(b, vk, -1, o->line));
            continue;
        }
        b->path.len = (size_t)(depth + 1) * b->size;
        push_bytes(&b->path, next, b->size);
        walk_schedules(b, depth + 1);
        next += b->size;
    }
    vec_free(&node.outs);
    vec_free(&node.vecs);
    free(vec);
}

static void on_listed(void *ctx, const Trace *tr, size_t viol)
{
    Brute *b = ctx;
    Trace *copy = xcalloc(1, sizeof *copy);
    copy->n_steps = tr->n_steps;
    copy->steps = xmalloc((tr->n_steps ? tr->n_steps : 1) * sizeof *copy->steps);
    memcpy(copy->steps, tr->steps, tr->n_steps * sizeof *copy->steps);
    vec_push(&b->listed, copy);
    vec_push(&b->listed_viols, viol);
}

/* The walk's figures against the analysis, once the tree was walked whole. */
static void compare(Brute *b)
{
    const Analysis *an = b->an;
    const SearchResult *res = b->res;
    same("the states", b->n_seen, res->n_states);
    same("the transitions", b->n_transitions, res->n_transitions);
    if (!b->prog->is_bounded) { /* bounded: the analysis counts configurations (count.h) */
        same("the end states", b->n_end_states, an->n_end_states);
        same("the violating states", b->n_violating_states, an->n_violating_states);
    }
    same("a cycle", 0, an->is_cyclic);
    same_count("the schedules", b->n_schedules, an->n_schedules);
    same_count("the violating schedules", b->n_violating, an->n_violating);
    same("the outcomes", b->groups.len, an->n_outcomes);
    for (size_t g = 0; g < b->groups.len; g++) {
        const Group *x = &b->groups.items[g];
        const Outcome *o = NULL;
        for (size_t i = 0; i < an->n_outcomes && !o; i++)
            if (memcmp(an->outcomes[i].vals, x->vals, an->width * sizeof *x->vals) == 0)
                o = &an->outcomes[i];
        if (!o)
            brute_fail("an outcome the analysis does not have, its end states", x->n_states, 0);
        if (!b->prog->is_bounded)
            same("an outcome's end states", x->n_states, o->n_states);
        same("an outcome's violation", x->is_violating, o->is_violating);
        same_count("an outcome's schedules", x->n_schedules, o->n_schedules);
        same_count("an outcome's violating schedules", x->n_violating, o->n_violating);
    }
    if (an->has_causes) {
        bool is_doomed = b->doomed.items[0];
        same("every schedule violates", b->n_violating == b->n_schedules, an->is_doomed);
        same("the initial state doomed", is_doomed, an->is_doomed);
        b->path.len = b->size;
        if (!is_doomed)
            walk_causes(b, 0);
        same("the points of no return", b->causes.len, an->n_causes);
        for (size_t i = 0; i < an->n_causes; i++) {
            const Cause *c = &an->causes[i];
            uint32_t tmpl = b->prog->threads[c->tid].tmpl;
            uint64_t key = (uint64_t)tmpl << 32 | b->prog->templates[tmpl].pos[c->pos].line;
            bool is_found = false;
            for (size_t j = 0; j < b->causes.len; j++)
                is_found |= b->causes.items[j] == key;
            same("a point of no return found walking every schedule", 1, is_found);
        }
    }
    for (size_t i = 0; i < res->n_viols; i++) {
        const Best *x = &b->shortest[i];
        Trace *tr = trace_build(b->prog, res, &res->viols[i]);
        same("a violation found by the search shows", x->is_found, 1);
        same("a shortest schedule's steps", x->n_steps, tr->n_steps);
        for (uint32_t s = 0; s < tr->n_steps; s++) {
            same("a shortest schedule's thread", x->tids.items[s], tr->steps[s].tid);
            same("a shortest schedule's outcome", x->ks.items[s], tr->steps[s].k);
        }
        trace_free(tr);
    }
    CountOptions co = {.no_deadlock = b->no_deadlock};
    count_schedules(b->prog, res, &co, BRUTE_LISTED, on_listed, b);
    b->path.len = b->size;
    walk_schedules(b, 0);
    if (b->listed.len < BRUTE_LISTED) /* count_schedules() says there are no more */
        same("the violating schedules listed", b->n_listed, b->listed.len);
    else
        same("the violating schedules listed", b->n_listed >= b->listed.len, 1);
    same("the fewest-preemption schedules", res->n_viols, an->n_fewest);
    for (size_t i = 0; i < res->n_viols; i++) {
        const Best *x = &b->best[i];
        const Trace *tr = an->fewest[i];
        same("a violation reached", x->is_found, tr != NULL);
        if (!tr)
            continue;
        same("a fewest-preemption schedule's preemptions", x->n_preemptions, tr->n_preemptions);
        same("a fewest-preemption schedule's steps", x->n_steps, tr->n_steps);
        for (uint32_t s = 0; s < tr->n_steps; s++) {
            same("a fewest-preemption schedule's thread", x->tids.items[s], tr->steps[s].tid);
            same("a fewest-preemption schedule's outcome", x->ks.items[s], tr->steps[s].k);
        }
    }
}

BruteVerdict brute_check(const Program *prog, const SearchResult *res, const Analysis *an,
                         bool no_deadlock, uint64_t max_nodes)
{
    Brute b = {.prog = prog,
               .res = res,
               .an = an,
               .no_deadlock = no_deadlock,
               .max_nodes = max_nodes,
               .ex = exec_new(prog),
               .size = prog->state_size};
    b.best = xcalloc(res->n_viols ? res->n_viols : 1, sizeof *b.best);
    b.shortest = xcalloc(res->n_viols ? res->n_viols : 1, sizeof *b.shortest);
    b.props = xmalloc((prog->n_props ? prog->n_props : 1) * sizeof *b.props);
    b.row = xmalloc((an->width ? an->width : 1) * sizeof *b.row);
    b.path.items = xmalloc(b.size ? b.size : 1);
    b.path.len = b.path.cap = b.size;
    prog_initial_state(prog, b.path.items);
    walk(&b, 0, NO_THREAD, 0, false);
    BruteVerdict verdict = b.is_cyclic    ? BRUTE_CYCLIC
                           : b.is_too_big ? BRUTE_TOO_BIG
                                          : BRUTE_CHECKED;
    if (verdict == BRUTE_CYCLIC)
        same("a cycle", 1, an->is_cyclic);
    else if (verdict == BRUTE_CHECKED)
        compare(&b);
    for (size_t i = 0; i < res->n_viols; i++) {
        vec_free(&b.best[i].tids);
        vec_free(&b.best[i].ks);
        vec_free(&b.shortest[i].tids);
        vec_free(&b.shortest[i].ks);
    }
    free(b.shortest);
    for (size_t g = 0; g < b.groups.len; g++)
        free(b.groups.items[g].vals);
    vec_free(&b.groups);
    free(b.best);
    free(b.props);
    free(b.row);
    free(b.slots);
    vec_free(&b.seen);
    vec_free(&b.doomed);
    vec_free(&b.causes);
    for (size_t i = 0; i < b.listed.len; i++)
        trace_free(b.listed.items[i]);
    vec_free(&b.listed);
    vec_free(&b.listed_viols);
    vec_free(&b.path);
    vec_free(&b.tids);
    vec_free(&b.ks);
    exec_free(b.ex);
    return verdict;
}
