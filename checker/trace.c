/*
** trace.c -- rebuild the schedule of a violation from the store's parent links.
**
** The store keeps no step per state. For each link parent -> child, the parent's outcomes are
** re-run in tie-break order (thread ascending, then k) and the first that yields the child is
** the step: the same one the search took, since it inserted the child at its first appearance.
** A violation by a failing step then gets that step appended, the state before it repeated.
*/
#include "trace.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "state.h"
#include "util.h"

/* What find_step() compares each successor with. */
typedef struct Target {
    const uint8_t *vec; /* the state to reach */
    uint32_t size;      /* its bytes */
} Target;

static bool is_target(void *ctx, const uint8_t *vec)
{
    const Target *t = ctx;
    return memcmp(vec, t->vec, t->size) == 0;
}

/* The (tid, k) that leads from 'from' to 'to', the first in tie-break order; false when none does
** (a corrupt store). */
static bool find_step(const Program *prog, ExecCtx *ex, const uint8_t *from, const uint8_t *to,
                      uint8_t *scratch, uint32_t *tid_out, uint32_t *k_out)
{
    Target t = {to, prog->state_size};
    for (uint32_t tid = 0; tid < prog->n_threads; tid++) {
        uint32_t k = exec_find(ex, from, tid, is_target, &t, scratch);
        if (k != EXEC_NO_OUTCOME) {
            *tid_out = tid;
            *k_out = k;
            return true;
        }
    }
    return false;
}

void trace_mark_preemptions(const Program *prog, ExecCtx *ex, Trace *tr)
{
    for (uint32_t i = 1; i < tr->n_steps; i++) {
        uint32_t prev = tr->steps[i - 1].tid;
        const uint8_t *before = trace_state(tr, i);
        bool is_pre = tr->steps[i].tid != prev && !state_thread_done(prog, before, prev) &&
                      exec_enabled(ex, before, prev);
        tr->steps[i].is_preemption = is_pre;
        tr->n_preemptions += is_pre;
    }
}

/* The failing last step of a by_step violation: re-run it for its line and message. */
static void add_failing_step(const Program *prog, ExecCtx *ex, const Violation *v, Trace *tr,
                             uint8_t *scratch)
{
    uint32_t i = tr->n_steps - 1;
    const uint8_t *before = trace_state(tr, i);
    tr->steps[i] = (TraceStep){.tid = v->tid, .k = v->k, .pos = state_pos(prog, before, v->tid)};
    memcpy(tr->states + (size_t)(i + 1) * tr->state_size, before, tr->state_size);
    bool exists = false;
    uint32_t line = v->line;
    const char *msg = v->message;
    ExecStatus r = exec_outcome(ex, before, v->tid, v->k, scratch, &exists, &line, &msg);
    assert(exists && r != EXEC_OK && "a violation's failing step does not fail on replay");
    (void)r;
    tr->ends_in_failure = true;
    tr->fail_line = exists ? line : v->line;
    tr->fail_message = xstrdup(exists && msg ? msg : v->message ? v->message : "");
}

/* --reduce dead: the stored states have each thread's dead locals reset (dead.h); run the
** schedule's first n_links steps again keeping them, so that every state shows what the model's
** own code left in its locals. The steps, their positions and preemptions are the same. */
static void keep_dead_locals(const Program *prog, Trace *tr, uint32_t n_links)
{
    ExecCtx *kx = exec_new(prog);
    exec_keep_dead(kx, true);
    for (uint32_t i = 0; i < n_links; i++) {
        bool exists = false;
        uint32_t line = 0;
        const char *msg = NULL;
        ExecStatus r =
            exec_outcome(kx, trace_state(tr, i), tr->steps[i].tid, tr->steps[i].k,
                         tr->states + (size_t)(i + 1) * tr->state_size, &exists, &line, &msg);
        assert(exists && r == EXEC_OK && "a step of the reduced schedule does not replay");
        (void)r;
    }
    exec_free(kx);
}

Trace *trace_build(const Program *prog, const SearchResult *res, const Violation *v)
{
    const Store *st = res->store;
    uint32_t n_links = store_depth(st, v->state);

    Trace *tr = xcalloc(1, sizeof *tr);
    tr->state_size = prog->state_size;
    tr->n_steps = n_links + (v->by_step ? 1 : 0);
    tr->steps = xcalloc(tr->n_steps ? tr->n_steps : 1, sizeof *tr->steps);
    tr->states = xmalloc((size_t)(tr->n_steps + 1) * tr->state_size);
    search_path_states(prog, res, v->state, n_links, tr->states);

    ExecCtx *ex = exec_new(prog);
    uint8_t *scratch = xmalloc(prog->state_size);
    for (uint32_t i = 0; i < n_links; i++) {
        const uint8_t *from = trace_state(tr, i);
        TraceStep *step = &tr->steps[i];
        bool found =
            find_step(prog, ex, from, trace_state(tr, i + 1), scratch, &step->tid, &step->k);
        assert(found && "no step leads from a parent to its child");
        (void)found;
        step->pos = state_pos(prog, from, step->tid);
    }
    if (prog->is_reduced_dead)
        keep_dead_locals(prog, tr, n_links);
    if (v->by_step)
        add_failing_step(prog, ex, v, tr, scratch);
    trace_mark_preemptions(prog, ex, tr);
    free(scratch);
    exec_free(ex);
    return tr;
}

void trace_free(Trace *tr)
{
    if (!tr)
        return;
    free(tr->steps);
    free(tr->states);
    free(tr->fail_message);
    free(tr);
}

const uint8_t *trace_state(const Trace *tr, uint32_t i)
{
    assert(i <= tr->n_steps && "trace state index past the last step");
    return tr->states + (size_t)i * tr->state_size;
}
