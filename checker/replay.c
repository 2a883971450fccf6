/*
** replay.c -- run a recorded schedule (replay) or a random one (simulate) on a Program.
**
** Both grow a Trace step by step: the state before each step is the last one recorded, the
** chosen outcome is re-run with exec_outcome() into the next slot, and a failing step repeats
** the state before it, as trace_build() does, so the reporters print either like a
** counterexample. Preemptions are marked with the same rule as trace.c.
*/
#include "replay.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "state.h"
#include "util.h"

/* ---- growing a trace ---- */

typedef struct Builder {
    const Program *prog;
    ExecCtx *ex;      /* runs the steps */
    Trace *tr;        /* the trace being grown; states[n_steps] is the current state */
    uint32_t cap;     /* steps the arrays have room for */
    uint8_t *scratch; /* a state_size vector */
} Builder;

static void builder_init(Builder *b, const Program *prog)
{
    b->prog = prog;
    b->ex = exec_new(prog);
    b->cap = 16;
    b->tr = xcalloc(1, sizeof *b->tr);
    b->tr->state_size = prog->state_size;
    b->tr->steps = xcalloc(b->cap, sizeof *b->tr->steps);
    b->tr->states = xmalloc((size_t)(b->cap + 1) * prog->state_size);
    prog_initial_state(prog, b->tr->states);
    b->scratch = xmalloc(prog->state_size);
}

static void builder_fini(Builder *b)
{
    exec_free(b->ex);
    free(b->scratch);
}

static const uint8_t *builder_state(const Builder *b)
{
    return trace_state(b->tr, b->tr->n_steps);
}

/* Run outcome k of thread tid from the current state and append it. Returns its status; a
** failure's line and message go to *line_out and *msg_out (message valid until the next run). */
static ExecStatus builder_step(Builder *b, uint32_t tid, uint32_t k, uint32_t *line_out,
                               const char **msg_out)
{
    Trace *tr = b->tr;
    if (tr->n_steps == b->cap) {
        b->cap *= 2;
        tr->steps = xrealloc(tr->steps, b->cap * sizeof *tr->steps);
        tr->states = xrealloc(tr->states, (size_t)(b->cap + 1) * tr->state_size);
    }
    const uint8_t *before = builder_state(b);
    uint32_t i = tr->n_steps;
    tr->steps[i] = (TraceStep){.tid = tid, .k = k, .pos = state_pos(b->prog, before, tid)};
    if (i > 0) {
        uint32_t prev = tr->steps[i - 1].tid;
        bool is_pre = tid != prev && !state_thread_done(b->prog, before, prev) &&
                      exec_enabled(b->ex, before, prev);
        tr->steps[i].is_preemption = is_pre;
        tr->n_preemptions += is_pre;
    }
    bool exists = false;
    ExecStatus r = exec_outcome(b->ex, before, tid, k, b->scratch, &exists, line_out, msg_out);
    uint8_t *after = tr->states + (size_t)(i + 1) * tr->state_size;
    memcpy(after, r == EXEC_OK ? b->scratch : before, tr->state_size);
    tr->n_steps++;
    if (r != EXEC_OK) {
        tr->ends_in_failure = true;
        tr->fail_line = *line_out;
        tr->fail_message = xstrdup(*msg_out ? *msg_out : "");
    }
    return r;
}

/* No thread can move and some has not finished. */
static bool is_deadlock(Builder *b, const uint8_t *vec)
{
    if (state_all_done(b->prog, vec))
        return false;
    for (uint32_t tid = 0; tid < b->prog->n_threads; tid++)
        if (!state_thread_done(b->prog, vec, tid) && exec_enabled(b->ex, vec, tid))
            return false;
    return true;
}

/* The first property (declaration order) that 'vec' breaks: invariants always, finals when
** every thread has finished. Fills *out and returns true when there is one. */
static bool broken_property(Builder *b, const uint8_t *vec, Violation *out)
{
    bool all_done = state_all_done(b->prog, vec);
    for (uint32_t p = 0; p < b->prog->n_props; p++) {
        const Property *pr = &b->prog->props[p];
        if (pr->kind == PROP_FINAL && !all_done)
            continue;
        const char *msg = NULL;
        PropResult r = exec_property(b->ex, vec, p, &msg);
        if (r == PROP_HOLDS)
            continue;
        *out = (Violation){.kind = r == PROP_ERROR          ? VIOL_ERROR
                                   : pr->kind == PROP_FINAL ? VIOL_FINAL
                                                            : VIOL_INVARIANT,
                           .prop = (int32_t)p,
                           .line = pr->line,
                           .message = r == PROP_ERROR ? xstrdup(msg ? msg : "") : NULL};
        return true;
    }
    return false;
}

/* ---- replay: does the trace fit the model? ---- */

static bool check_model_name(const Program *prog, const TraceFile *tf, char **err_out)
{
    const char *name = tracefile_basename(prog->model_name);
    if (strcmp(name, tf->model) == 0)
        return true;
    *err_out = xasprintf("the trace was recorded on '%s', not '%s'", tf->model, name);
    return false;
}

static bool check_constants(const Program *prog, const TraceFile *tf, char **err_out)
{
    for (uint32_t i = 0; i < tf->n_consts; i++) {
        uint32_t c = 0;
        while (c < prog->n_consts && strcmp(prog->const_names[c], tf->const_names[i]) != 0)
            c++;
        if (c == prog->n_consts) {
            *err_out = xasprintf("the trace was recorded with const %s, which '%s' does not "
                                 "declare",
                                 tf->const_names[i], tracefile_basename(prog->model_name));
            return false;
        }
        if (prog->const_values[c] != tf->const_values[i]) {
            *err_out = xasprintf("the trace was recorded with %s = %d, the model has %s = %d "
                                 "(use -D %s=%d)",
                                 tf->const_names[i], tf->const_values[i], tf->const_names[i],
                                 prog->const_values[c], tf->const_names[i], tf->const_values[i]);
            return false;
        }
    }
    for (uint32_t c = 0; c < prog->n_consts; c++) {
        uint32_t i = 0;
        while (i < tf->n_consts && strcmp(prog->const_names[c], tf->const_names[i]) != 0)
            i++;
        if (i == tf->n_consts) {
            *err_out = xasprintf("the model declares const %s, which the trace does not record",
                                 prog->const_names[c]);
            return false;
        }
    }
    return true;
}

/* The model's name for the recorded violation: kind, and the property for a labelled or
** line-numbered invariant or final (or an error evaluating one). */
static bool resolve_violation(const Program *prog, const TraceFile *tf, Violation *out,
                              char **err_out)
{
    static const ViolKind kinds[] = {VIOL_INVARIANT, VIOL_FINAL, VIOL_ASSERT, VIOL_ERROR,
                                     VIOL_DEADLOCK};
    size_t n = sizeof kinds / sizeof kinds[0], i = 0;
    while (i < n && strcmp(search_viol_kind_name(kinds[i]), tf->kind) != 0)
        i++;
    if (i == n) {
        *err_out = xasprintf("violation: unknown kind '%s' (expected invariant, final, assert, "
                             "error or deadlock)",
                             tf->kind);
        return false;
    }
    *out = (Violation){.kind = kinds[i], .prop = -1, .line = tf->line};
    bool wants_prop =
        out->kind == VIOL_INVARIANT || out->kind == VIOL_FINAL || out->kind == VIOL_ERROR;
    if (!wants_prop)
        return true;
    for (uint32_t p = 0; p < prog->n_props; p++) {
        const Property *pr = &prog->props[p];
        bool same_kind =
            out->kind == VIOL_ERROR || (pr->kind == PROP_FINAL) == (out->kind == VIOL_FINAL);
        bool same_name = tf->property ? pr->label && strcmp(pr->label, tf->property) == 0
                                      : !pr->label && pr->line == tf->line;
        if (same_kind && same_name) {
            out->prop = (int32_t)p;
            out->line = pr->line;
            return true;
        }
    }
    if (out->kind == VIOL_ERROR && !tf->property) /* a step's runtime error at that line */
        return true;
    if (tf->property)
        *err_out = xasprintf("the model has no %s '%s'",
                             out->kind == VIOL_ERROR ? "property" : tf->kind, tf->property);
    else
        *err_out = xasprintf("the model has no unlabelled %s at line %u", tf->kind, tf->line);
    return false;
}

/* Check that step i of 'tf' can run from the current state; false with *err_out if not. Sets
** *tid_out. A statement that differs from the recorded one is a divergence, not an error:
** *diverged_out is set with r->why. */
static bool fit_step(Builder *b, const TraceFile *tf, uint32_t i, Replay *r, uint32_t *tid_out,
                     bool *diverged_out, char **err_out)
{
    const Program *prog = b->prog;
    const TraceFileStep *s = &tf->steps[i];
    const uint8_t *vec = builder_state(b);
    uint32_t tid = 0;
    while (tid < prog->n_threads && strcmp(prog->threads[tid].name, s->thread) != 0)
        tid++;
    if (tid == prog->n_threads) {
        *err_out = xasprintf("step %u: unknown thread '%s'", i + 1, s->thread);
        return false;
    }
    if (s->tid != tid) {
        *err_out = xasprintf("step %u: thread '%s' has index %u in the model, not %u", i + 1,
                             s->thread, tid, s->tid);
        return false;
    }
    *tid_out = tid;
    const Template *tm = &prog->templates[prog->threads[tid].tmpl];
    const Pos *pos = &tm->pos[state_pos(prog, vec, tid)];
    if (s->statement && strcmp(s->statement, pos->text) != 0) {
        *diverged_out = true;
        r->diverged_at = i + 1;
        r->why = xasprintf("step %u: the trace has %s run '%s' (line %u), the model has it at "
                           "'%s' (line %u)",
                           i + 1, s->thread, s->statement, s->line, pos->text, pos->line);
        return true;
    }
    if (state_thread_done(prog, vec, tid)) {
        *err_out = xasprintf("step %u: thread '%s' has finished", i + 1, s->thread);
        return false;
    }
    uint32_t n = exec_count(b->ex, vec, tid);
    if (n == 0) {
        *err_out = xasprintf("step %u: thread '%s' cannot move (its step at line %u '%s' is not "
                             "enabled)",
                             i + 1, s->thread, pos->line, pos->text);
        return false;
    }
    if (s->k >= n) {
        *err_out = xasprintf("step %u: outcome k = %u is out of range (the step at line %u '%s' "
                             "has %u %s)",
                             i + 1, s->k, pos->line, pos->text, n, n == 1 ? "outcome" : "outcomes");
        return false;
    }
    return true;
}

/* Does the recorded violation 'v' happen at the end of the schedule? Sets v->message. */
static bool confirm(Builder *b, Violation *v, ExecStatus last)
{
    const uint8_t *vec = builder_state(b);
    const Trace *tr = b->tr;
    const char *msg = NULL;
    switch (v->kind) {
    case VIOL_INVARIANT:
        return exec_property(b->ex, vec, (uint32_t)v->prop, &msg) == PROP_BROKEN;
    case VIOL_FINAL:
        return state_all_done(b->prog, vec) &&
               exec_property(b->ex, vec, (uint32_t)v->prop, &msg) == PROP_BROKEN;
    case VIOL_ASSERT:
    case VIOL_ERROR:
        /* An error with no property named is at a line that an unlabelled property may share
        ** with a failing step (the trace cannot tell them apart): the property first. */
        if (v->prop >= 0 && exec_property(b->ex, vec, (uint32_t)v->prop, &msg) != PROP_ERROR) {
            if (b->prog->props[v->prop].label)
                return false;
            v->prop = -1;
        }
        if (v->prop < 0) {
            ExecStatus want = v->kind == VIOL_ASSERT ? EXEC_ASSERT_FAILED : EXEC_RUNTIME_ERROR;
            if (!tr->ends_in_failure || last != want || tr->fail_line != v->line)
                return false;
            msg = tr->fail_message;
        }
        v->message = xstrdup(msg ? msg : "");
        return true;
    case VIOL_DEADLOCK:
        return !tr->ends_in_failure && is_deadlock(b, vec);
    }
    return false;
}

Replay *replay_run(const Program *prog, const TraceFile *tf, char **err_out)
{
    Violation v;
    if (!check_model_name(prog, tf, err_out) || !check_constants(prog, tf, err_out) ||
        !resolve_violation(prog, tf, &v, err_out))
        return NULL;
    Replay *r = xcalloc(1, sizeof *r);
    r->viol = v;
    Builder b;
    builder_init(&b, prog);
    r->trace = b.tr;
    ExecStatus last = EXEC_OK;
    bool diverged = false;
    for (uint32_t i = 0; i < tf->n_steps && !diverged; i++) {
        uint32_t tid;
        if (!fit_step(&b, tf, i, r, &tid, &diverged, err_out)) {
            builder_fini(&b);
            replay_free(r);
            return NULL;
        }
        if (diverged)
            break;
        uint32_t line = 0;
        const char *msg = NULL;
        last = builder_step(&b, tid, tf->steps[i].k, &line, &msg);
        if (last != EXEC_OK && i + 1 < tf->n_steps) {
            diverged = true;
            r->diverged_at = i + 1;
            r->why = xasprintf("step %u: %s at line %u: %s; the schedule cannot go on (the trace "
                               "has %u steps)",
                               i + 1, last == EXEC_ASSERT_FAILED ? "the assert fails" : "error",
                               line, msg ? msg : "", tf->n_steps);
        }
    }
    if (diverged)
        r->verdict = REPLAY_DIVERGED;
    else if (confirm(&b, &r->viol, last))
        r->verdict = REPLAY_CONFIRMED;
    else {
        r->verdict = REPLAY_NO_VIOLATION;
        r->why = xasprintf("the schedule ends after %u %s with no %s", tf->n_steps,
                           tf->n_steps == 1 ? "step" : "steps",
                           r->viol.kind == VIOL_DEADLOCK ? "deadlock" : "such violation");
    }
    builder_fini(&b);
    return r;
}

void replay_free(Replay *r)
{
    if (!r)
        return;
    trace_free(r->trace);
    free(r->viol.message);
    free(r->why);
    free(r);
}

/* ---- simulate ---- */

/* splitmix64 (Steele, Lea, Flood 2014): one 64-bit word of state, good enough to pick steps. */
static uint64_t rng_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

typedef struct Choice {
    uint32_t tid; /* thread */
    uint32_t k;   /* outcome */
} Choice;

typedef VEC(Choice) ChoiceVec;

/* Run one random step; true when the schedule goes on. */
static bool simulate_step(Builder *b, uint64_t *rng, ChoiceVec *choices, const SimOptions *o,
                          Simulation *sim)
{
    const uint8_t *vec = builder_state(b);
    choices->len = 0;
    for (uint32_t tid = 0; tid < b->prog->n_threads; tid++) {
        uint32_t n = exec_count(b->ex, vec, tid);
        for (uint32_t k = 0; k < n; k++)
            vec_push(choices, ((Choice){tid, k}));
    }
    if (choices->len == 0) {
        if (state_all_done(b->prog, vec)) {
            sim->end = SIM_FINISHED;
        } else if (o->no_deadlock) {
            sim->end = SIM_BLOCKED;
        } else {
            sim->end = SIM_VIOLATION;
            sim->viol = (Violation){.kind = VIOL_DEADLOCK, .prop = -1};
        }
        return false;
    }
    Choice c = choices->items[rng_next(rng) % choices->len];
    uint32_t line = 0;
    const char *msg = NULL;
    ExecStatus r = builder_step(b, c.tid, c.k, &line, &msg);
    if (r != EXEC_OK) {
        sim->end = SIM_VIOLATION;
        sim->viol = (Violation){.kind = r == EXEC_ASSERT_FAILED ? VIOL_ASSERT : VIOL_ERROR,
                                .prop = -1,
                                .line = line,
                                .message = xstrdup(msg ? msg : ""),
                                .by_step = true,
                                .tid = c.tid,
                                .k = c.k};
        return false;
    }
    if (broken_property(b, builder_state(b), &sim->viol)) {
        sim->end = SIM_VIOLATION;
        return false;
    }
    return true;
}

Simulation *simulate_run(const Program *prog, const SimOptions *opts)
{
    Simulation *sim = xcalloc(1, sizeof *sim);
    Builder b;
    builder_init(&b, prog);
    sim->trace = b.tr;
    uint64_t rng = opts->seed;
    ChoiceVec choices = {0};
    sim->end = SIM_STEP_LIMIT;
    bool goes_on = true;
    if (broken_property(&b, builder_state(&b), &sim->viol)) {
        sim->end = SIM_VIOLATION;
        goes_on = false;
    }
    while (goes_on && b.tr->n_steps < opts->max_steps)
        goes_on = simulate_step(&b, &rng, &choices, opts, sim);
    if (goes_on) {
        /* the budget is spent: the run ends here unless nothing could have run anyway */
        const uint8_t *vec = builder_state(&b);
        if (state_all_done(prog, vec))
            sim->end = SIM_FINISHED;
        else if (is_deadlock(&b, vec))
            sim->end = opts->no_deadlock ? SIM_BLOCKED : SIM_VIOLATION;
        if (sim->end == SIM_VIOLATION)
            sim->viol = (Violation){.kind = VIOL_DEADLOCK, .prop = -1};
    }
    vec_free(&choices);
    builder_fini(&b);
    return sim;
}

void simulate_free(Simulation *sim)
{
    if (!sim)
        return;
    trace_free(sim->trace);
    free(sim->viol.message);
    free(sim);
}

/* ---- many random schedules ---- */

typedef VEC(uint64_t) CountVec;

/* Count a run that ended in 'v' under the same property's entry in sr->viols, added if new. */
static void count_viol(SimRuns *sr, const Violation *v)
{
    for (size_t i = 0; i < sr->n_viols; i++) {
        const Violation *w = &sr->viols[i].viol;
        if (w->kind == v->kind && w->prop == v->prop && w->line == v->line) {
            sr->viols[i].n_runs++;
            return;
        }
    }
    sr->viols = xrealloc(sr->viols, (sr->n_viols + 1) * sizeof *sr->viols);
    Violation kept = {.kind = v->kind, .prop = v->prop, .line = v->line};
    sr->viols[sr->n_viols++] = (SimViolCount){kept, 1};
}

/* Compare the 'w' values at a and b. */
static int vals_cmp(const int32_t *a, const int32_t *b, uint32_t w)
{
    for (uint32_t i = 0; i < w; i++)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return 0;
}

/* Tally a run that ended in 'vec' with every thread finished, 'is_bad' if it broke a property
** there: its outcome, found by binary search among those seen (kept sorted), or inserted. The
** run counts are kept in 'runs' and 'bad', one per outcome, and turned into text at the end. */
static void count_outcome(const Program *prog, Analysis *an, const uint8_t *vec, bool is_bad,
                          int32_t *row, CountVec *runs, CountVec *bad)
{
    uint32_t c = 0;
    for (size_t t = 0; t < an->n_terms; t++) {
        const OutcomeTerm *term = &an->terms[t];
        for (uint32_t i = 0; i < term->n_elems; i++)
            row[c++] = state_var_get(prog, vec, term->var, term->tid, term->elem + i);
    }
    an->n_end_states++;
    size_t lo = 0, hi = an->n_outcomes;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int d = vals_cmp(an->outcomes[mid].vals, row, an->width);
        if (d == 0) {
            runs->items[mid]++;
            bad->items[mid] += is_bad;
            return;
        }
        if (d < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    an->outcomes = xrealloc(an->outcomes, (an->n_outcomes + 1) * sizeof *an->outcomes);
    memmove(an->outcomes + lo + 1, an->outcomes + lo, (an->n_outcomes - lo) * sizeof *an->outcomes);
    an->outcomes[lo] = (Outcome){.vals = xmalloc((an->width ? an->width : 1) * sizeof *row)};
    memcpy(an->outcomes[lo].vals, row, an->width * sizeof *row);
    an->n_outcomes++;
    vec_push(runs, 0);
    vec_push(bad, 0);
    memmove(runs->items + lo + 1, runs->items + lo, (runs->len - 1 - lo) * sizeof *runs->items);
    memmove(bad->items + lo + 1, bad->items + lo, (bad->len - 1 - lo) * sizeof *bad->items);
    runs->items[lo] = 1;
    bad->items[lo] = is_bad;
}

/* A count as decimal text (Outcome's counts are text: a search's may pass 64 bits). */
static char *count_text(uint64_t n)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)n);
    return xstrdup(buf);
}

SimRuns *simulate_runs(const Program *prog, const SimOptions *opts, uint64_t n_runs,
                       OutcomeTerm *terms, size_t n_terms)
{
    SimRuns *sr = xcalloc(1, sizeof *sr);
    Analysis *an = sr->outcomes = xcalloc(1, sizeof *an);
    an->terms = terms;
    an->n_terms = n_terms;
    for (size_t t = 0; t < n_terms; t++)
        an->width += terms[t].n_elems;
    int32_t *row = xmalloc((an->width ? an->width : 1) * sizeof *row);
    CountVec runs = {0}, bad = {0};
    SimOptions o = *opts;
    double t0 = util_now();
    for (uint64_t i = 0; i < n_runs; i++, o.seed++) {
        if (i > 0 && o.time_limit > 0 && util_now() - t0 >= o.time_limit) {
            sr->is_time_up = true;
            break;
        }
        if (i > 0 && o.interrupt && atomic_load_explicit(o.interrupt, memory_order_relaxed)) {
            sr->is_interrupted = true;
            break;
        }
        Simulation *sim = simulate_run(prog, &o);
        sr->n_runs++;
        const Trace *tr = sim->trace;
        const uint8_t *end = trace_state(tr, tr->n_steps);
        bool is_bad = sim->end == SIM_VIOLATION;
        /* a failing last step leaves its thread unfinished: the state before it is repeated */
        if (state_all_done(prog, end) && !tr->ends_in_failure)
            count_outcome(prog, an, end, is_bad, row, &runs, &bad);
        sr->n_step_limit += sim->end == SIM_STEP_LIMIT;
        sr->n_blocked += sim->end == SIM_BLOCKED;
        if (is_bad) {
            sr->n_violating++;
            count_viol(sr, &sim->viol);
        }
        if (o.progress)
            o.progress(o.progress_ctx, sr->n_runs, sr->n_violating);
        if (is_bad && (!sr->shortest || tr->n_steps < sr->shortest->trace->n_steps)) {
            simulate_free(sr->shortest);
            sr->shortest = sim;
            sr->shortest_seed = o.seed;
        } else {
            simulate_free(sim);
        }
    }
    for (size_t k = 0; k < an->n_outcomes; k++) {
        an->outcomes[k].n_schedules = count_text(runs.items[k]);
        an->outcomes[k].n_violating = count_text(bad.items[k]);
        an->outcomes[k].is_violating = bad.items[k] > 0;
    }
    vec_free(&runs);
    vec_free(&bad);
    free(row);
    return sr;
}

void simulate_runs_free(SimRuns *sr)
{
    if (!sr)
        return;
    simulate_free(sr->shortest);
    free(sr->viols);
    count_free(sr->outcomes);
    free(sr);
}
