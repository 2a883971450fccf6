/*
** fuzz_search.c -- a libFuzzer target: the level-synchronous search against the one-thread search,
** on any model.
**
** The bytes are a model's text. A model that compiles is searched breadth first on one thread (the
** reference), then with 2 and 3 workers and with --compact on one and on two, and each result must
** be the reference's: why it stopped, the states, transitions and depth, and every violation with
** its shortest schedule, step by step (the tie-break rule of DESIGN.md section 3); after a complete
** search, the analyses of every schedule too (outcomes, schedule counts, the fewest-preemption
** schedules, the points of no return) and the statements never run (the coverage marks), and a
** depth first search must find the same states, transitions, violations and statements never run.
** The state graph drawn from each breadth first store (dot_state_graph, as --dot draws it) must be
** the reference's, byte for byte. The analyses of one thread's complete search are also held to
** brute.h's oracle, which walks every schedule one by one (trees of up to FUZZ_MAX_NODES nodes). A
** hash of the bytes picks the limits, the same for every run of one input: --max-states (a third of
** the time, so that the cut of a level is checked), --first, --no-deadlock, --max-depth (a quarter
** of the time, 1 to 12), --max-preemptions (a quarter of the time, 0 to 3; the oracle then compares
** all but the counts of end and violating states, which the analysis gives as configurations of the
** model). A difference aborts, but for a search stopped by its memory budget (64 MiB): the settings
** need different amounts. Every input is also searched with its locals' dead values reset (--reduce
** dead, dead.h): after a complete search, the same violations with the same schedules state for
** state, the same schedule counts and outcome values, and exactly the states of the full search
** with their dead locals reset, each counted once. The workers share every level of two states or
** more (SearchOptions.solo_below), not only the levels of 1024 as in 'weft check'.
*/
#define _GNU_SOURCE /* qsort_r */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "brute.h"
#include "compile.h"
#include "count.h"
#include "dead.h"
#include "diag.h"
#include "dot.h"
#include "exec.h"
#include "program.h"
#include "search.h"
#include "state.h"
#include "store.h"
#include "trace.h"
#include "util.h"

enum {
    FUZZ_MAX_STATES = 4000,         /* small: seven searches an input */
    FUZZ_MAX_MEMORY = 64 << 20,     /* bytes of a search */
    FUZZ_MAX_STATE_SIZE = 64 << 10, /* bigger states are only compiled: 4 MB ones took minutes */
    FUZZ_MAX_NODES = 100000         /* nodes of the tree of schedules walked one by one (brute.h) */
};

static void fail(const char *what, const char *setting, unsigned long long want,
                 unsigned long long got)
{
    fprintf(stderr, "fuzz_search: %s differs with %s: %llu at -j 1, %llu here\n", what, setting,
            want, got);
    abort();
}

static void same(const char *what, const char *setting, uint64_t want, uint64_t got)
{
    if (want != got)
        fail(what, setting, want, got);
}

static void same_text(const char *what, const char *setting, const char *want, const char *got)
{
    if ((want == NULL) != (got == NULL) || (want && strcmp(want, got) != 0)) {
        fprintf(stderr, "fuzz_search: %s differs with %s: %s at -j 1, %s here\n", what, setting,
                want ? want : "none", got ? got : "none");
        abort();
    }
}

static void same_trace(const char *what, const char *setting, const Trace *a, const Trace *b)
{
    same(what, setting, a != NULL, b != NULL);
    if (!a)
        return;
    same(what, setting, a->n_steps, b->n_steps);
    for (uint32_t s = 0; s < a->n_steps; s++) {
        same(what, setting, a->steps[s].tid, b->steps[s].tid);
        same(what, setting, a->steps[s].k, b->steps[s].k);
    }
}

/* After two complete searches, every position's coverage marks (a thread was there, its step
** ran: the report's statements never run) are the same. */
static void same_cover(const Program *prog, const char *setting, const SearchResult *want,
                       const SearchResult *got)
{
    if (want->stop != SEARCH_COMPLETE || got->stop != SEARCH_COMPLETE)
        return;
    size_t n = exec_cover_len(prog);
    for (size_t i = 0; i < n; i++)
        same("a position's coverage marks", setting, want->cover[i], got->cover[i]);
}

/* Violation i of 'got' (a search of 'gprog' with 'setting') must be that of 'want' (of 'wprog'):
** its kind, property, line, depth, and its shortest schedule step by step; with 'is_states' also
** state by state and its preemptions. */
static void same_violation(const Program *wprog, const SearchResult *want, const Program *gprog,
                           const SearchResult *got, size_t i, const char *setting, bool is_states)
{
    const Violation *a = &want->viols[i], *b = &got->viols[i];
    same("a violation's kind", setting, a->kind, b->kind);
    same("a violation's property", setting, (uint64_t)(int64_t)a->prop, (uint64_t)(int64_t)b->prop);
    same("a violation's line", setting, a->line, b->line);
    same("a violation's depth", setting, a->depth, b->depth);
    same("a violation's step", setting, a->by_step, b->by_step);
    Trace *ta = trace_build(wprog, want, a), *tb = trace_build(gprog, got, b);
    same_trace("a shortest schedule", setting, ta, tb);
    if (is_states) {
        same("a shortest schedule's states", setting, 0,
             memcmp(ta->states, tb->states, (size_t)(ta->n_steps + 1) * ta->state_size) != 0);
        same("a shortest schedule's preemptions", setting, ta->n_preemptions, tb->n_preemptions);
    }
    trace_free(ta);
    trace_free(tb);
}

/* The state graph of 'res' as weft check --dot --dot-locals writes it, with no limit to its
** states, or the reason it is refused; the caller frees it. */
static char *picture(const Program *prog, const SearchResult *res, bool no_deadlock)
{
    char *text = NULL, *err = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    DotOptions d = {.show_locals = true, .no_deadlock = no_deadlock};
    bool ok = dot_state_graph(mem, prog, res, &d, &err);
    fclose(mem);
    if (ok) {
        free(err);
        return text;
    }
    free(text);
    return err;
}

/* 'got' (a search with 'setting') must be 'want' (one thread's), violation by violation. */
static void compare(const Program *prog, const SearchResult *want, const SearchResult *got,
                    const char *setting)
{
    same("the stop", setting, want->stop, got->stop);
    same("the states", setting, want->n_states, got->n_states);
    same("the transitions", setting, want->n_transitions, got->n_transitions);
    same("the depth", setting, want->max_depth, got->max_depth);
    same("the depth checked", setting, (uint64_t)(int64_t)want->checked_depth,
         (uint64_t)(int64_t)got->checked_depth);
    if (want->stop == SEARCH_COMPLETE) /* a stopped search may expand past its cut */
        same("the steps held back", setting, want->n_held, got->n_held);
    same_cover(prog, setting, want, got);
    same("the violations", setting, want->n_viols, got->n_viols);
    for (size_t i = 0; i < want->n_viols; i++)
        same_violation(prog, want, prog, got, i, setting, false);
}

/* The analysis the report alone asks for (no fewest-preemption schedules, no points of no
** return) of the complete search 'res' against 'full', one with them: of a graph its search
** found cyclic, the first walks only the flags it kept (Graph.is_edgeless). */
static void compare_report_alone(const Program *prog, const Analysis *full, const SearchResult *res,
                                 const char *setting, bool no_deadlock)
{
    CountOptions co = {.no_deadlock = no_deadlock};
    Analysis *a = count_run(prog, res, &co);
    same("the end states (the report alone)", setting, full->n_end_states, a->n_end_states);
    same("the outcomes (the report alone)", setting, full->n_outcomes, a->n_outcomes);
    for (size_t i = 0; i < a->n_outcomes; i++) {
        same("an outcome's end states (the report alone)", setting, full->outcomes[i].n_states,
             a->outcomes[i].n_states);
        same_text("an outcome's schedules (the report alone)", setting,
                  full->outcomes[i].n_schedules, a->outcomes[i].n_schedules);
    }
    same("a cycle (the report alone)", setting, full->is_cyclic, a->is_cyclic);
    same_text("the schedules (the report alone)", setting, full->n_schedules, a->n_schedules);
    same("the violating states (the report alone)", setting, full->n_violating_states,
         a->n_violating_states);
    count_free(a);
}

/* The schedule counts of two analyses, in all and by outcome, and the outcomes' values; with
** 'is_end_states' also each outcome's end states (which --reduce dead changes). */
static void same_schedules(const Analysis *a, const Analysis *b, const char *setting,
                           bool is_end_states)
{
    same("a cycle", setting, a->is_cyclic, b->is_cyclic);
    same_text("the schedules", setting, a->n_schedules, b->n_schedules);
    same_text("the violating schedules", setting, a->n_violating, b->n_violating);
    same("the outcomes", setting, a->n_outcomes, b->n_outcomes);
    for (size_t i = 0; i < a->n_outcomes; i++) {
        for (uint32_t k = 0; k < a->width; k++)
            same("an outcome's value", setting, (uint32_t)a->outcomes[i].vals[k],
                 (uint32_t)b->outcomes[i].vals[k]);
        if (is_end_states)
            same("an outcome's end states", setting, a->outcomes[i].n_states,
                 b->outcomes[i].n_states);
        same_text("an outcome's schedules", setting, a->outcomes[i].n_schedules,
                  b->outcomes[i].n_schedules);
        same_text("an outcome's violating schedules", setting, a->outcomes[i].n_violating,
                  b->outcomes[i].n_violating);
    }
}

/* The analyses of two complete searches (count.h), which depend on no state id: outcomes,
** schedule counts, fewest-preemption schedules and points of no return. */
static void compare_analyses(const Program *prog, const SearchResult *want, const SearchResult *got,
                             const char *setting, bool no_deadlock)
{
    CountOptions co = {.no_deadlock = no_deadlock,
                       .fewest_preemptions = true,
                       .causes = true,
                       .never_ending = true};
    Analysis *a = count_run(prog, want, &co), *b = count_run(prog, got, &co);
    same("the never-ending states", setting, a->n_never_ending, b->n_never_ending);
    if (a->n_never_ending) { /* the first, as a one-thread breadth first search finds it */
        same("the first never-ending state's depth", setting, a->never_ending_depth,
             b->never_ending_depth);
        same("the first never-ending state", setting, 0,
             memcmp(store_vec(want->store, a->never_ending_first),
                    store_vec(got->store, b->never_ending_first), prog->state_size) != 0);
    }
    same("the end states", setting, a->n_end_states, b->n_end_states);
    same_schedules(a, b, setting, true);
    same("the violating states", setting, a->n_violating_states, b->n_violating_states);
    same("the fewest-preemption schedules", setting, a->n_fewest, b->n_fewest);
    for (size_t i = 0; i < a->n_fewest; i++)
        same_trace("a fewest-preemption schedule", setting, a->fewest[i], b->fewest[i]);
    same("doomed", setting, a->is_doomed, b->is_doomed);
    same("the points of no return", setting, a->n_causes, b->n_causes);
    for (size_t i = 0; i < a->n_causes; i++) {
        same("a point of no return's thread", setting, a->causes[i].tid, b->causes[i].tid);
        same("a point of no return's step", setting, a->causes[i].step, b->causes[i].step);
        same("a point of no return's violation", setting, a->causes[i].viol, b->causes[i].viol);
        same_trace("a point of no return's schedule", setting, a->causes[i].trace,
                   b->causes[i].trace);
    }
    compare_report_alone(prog, a, got, setting, no_deadlock);
    count_free(a);
    count_free(b);
}

/* What an outcome of a step gave, for never_ending_oracle. */
typedef struct Succs {
    const SearchResult *res;
    const Program *prog;
    uint64_t *ids; /* successors' ids */
    size_t n, cap;
    bool has_fail; /* a step failed */
} Succs;

static void on_succ(void *ctx, uint32_t tid, const ExecOutcome *o)
{
    Succs *s = ctx;
    (void)tid;
    if (o->status != EXEC_OK) {
        s->has_fail = true;
        return;
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->ids = realloc(s->ids, s->cap * sizeof *s->ids);
    }
    s->ids[s->n++] = store_find(s->res->store, o->vec, state_hash(o->vec, s->prog->state_size));
}

/* The states of the complete search 'res' from which no schedule ends, found without count.c's
** graph: every state's steps run again with the executor, then "can end" (no step, a failing
** step, or a successor that can end) iterated to its fixpoint. */
static uint64_t never_ending_oracle(const Program *prog, const SearchResult *res)
{
    uint64_t n = res->n_states;
    uint8_t *can_end = calloc(n ? n : 1, 1);
    uint64_t *first = calloc(n + 1, sizeof *first);
    Succs s = {.res = res, .prog = prog};
    ExecCtx *ex = exec_new(prog);
    for (uint64_t i = 0; i < n; i++) {
        const uint8_t *vec = store_vec(res->store, (StateId)i);
        size_t before = s.n;
        s.has_fail = false;
        if (!state_all_done(prog, vec))
            for (uint32_t tid = 0; tid < prog->n_threads; tid++)
                exec_step(ex, vec, tid, on_succ, &s);
        can_end[i] = s.has_fail || s.n == before;
        first[i + 1] = s.n;
    }
    for (bool is_changed = true; is_changed;) {
        is_changed = false;
        for (uint64_t i = 0; i < n; i++)
            for (uint64_t j = first[i]; j < first[i + 1] && !can_end[i]; j++)
                if (can_end[s.ids[j]]) {
                    can_end[i] = 1;
                    is_changed = true;
                }
    }
    uint64_t n_never = 0;
    for (uint64_t i = 0; i < n; i++)
        n_never += !can_end[i];
    exec_free(ex);
    free(s.ids);
    free(first);
    free(can_end);
    return n_never;
}

/* True if 'res' has a violation of the key (kind, prop, line) of 'v'. */
static bool has_viol(const SearchResult *res, const Violation *v)
{
    for (size_t i = 0; i < res->n_viols; i++)
        if (res->viols[i].kind == v->kind && res->viols[i].prop == v->prop &&
            res->viols[i].line == v->line)
            return true;
    return false;
}

/* A complete depth first search finds the same states, transitions and violations as one
** thread breadth first (not in the same order, nor with the same schedules). */
static void compare_dfs(const Program *prog, const SearchResult *want, const SearchResult *got)
{
    same_cover(prog, "--dfs", want, got);
    same("the states", "--dfs", want->n_states, got->n_states);
    same("the transitions", "--dfs", want->n_transitions, got->n_transitions);
    same("the steps held back", "--dfs", want->n_held, got->n_held);
    same("the violations", "--dfs", want->n_viols, got->n_viols);
    for (size_t i = 0; i < want->n_viols; i++)
        same("a violation", "--dfs", 1, has_viol(got, &want->viols[i]));
}

static int vec_cmp(const void *a, const void *b, void *size)
{
    return memcmp(a, b, *(const uint32_t *)size);
}

/* The states of the complete search 'res' of 'prog', each with the locals 'red' (prog reduced
** by dead_reduce) calls dead at its thread's position set to their initial values, counted
** once each: what the reduced search must store. */
static uint64_t quotient_count(const Program *prog, const Program *red, const SearchResult *res)
{
    uint32_t size = prog->state_size;
    uint64_t n = res->n_states;
    uint8_t *vecs = xmalloc(n * size);
    for (uint64_t i = 0; i < n; i++) {
        uint8_t *vec = vecs + i * size;
        memcpy(vec, store_vec(res->store, (StateId)i), size);
        for (uint32_t tid = 0; tid < prog->n_threads; tid++) {
            const Thread *th = &red->threads[tid];
            const Template *t = &red->templates[th->tmpl];
            uint32_t p = state_pos(prog, vec, tid);
            for (uint32_t k = t->dead_first ? t->dead_first[p] : 0;
                 t->dead_first && k < t->dead_first[p + 1]; k++) {
                const Var *v = &red->vars[t->dead_vars[k]];
                for (uint32_t e = 0; e < v->size; e++)
                    bits_set(vec, size, th->bit_base + v->bit_off + e * v->bits, v->bits,
                             field_encode(v->init[th->index * v->size + e], v->lo));
            }
        }
    }
    qsort_r(vecs, n, size, vec_cmp, &size);
    uint64_t n_distinct = 0;
    for (uint64_t i = 0; i < n; i++)
        n_distinct += i == 0 || memcmp(vecs + i * size, vecs + (i - 1) * size, size) != 0;
    free(vecs);
    return n_distinct;
}

/* 'red' is 'prog' reduced by dead_reduce; 'want' the search of 'prog' with options 'o'. */
static void check_reduced(const Program *prog, const Program *red, const SearchOptions *o,
                          const SearchResult *want)
{
    const char *setting = "--reduce dead";
    if (want->stop != SEARCH_COMPLETE)
        return;
    SearchOptions oi = *o;
    oi.n_threads = 2;
    oi.solo_below = 2;
    SearchResult *got = search_run(red, &oi);
    same("the stop", setting, want->stop, got->stop);
    same("the reduced states (the quotient of the full ones)", setting,
         quotient_count(prog, red, want), got->n_states);
    same("the violations", setting, want->n_viols, got->n_viols);
    for (size_t i = 0; i < want->n_viols; i++)
        same_violation(prog, want, red, got, i, setting, true);
    CountOptions co = {.no_deadlock = o->no_deadlock};
    Analysis *a = count_run(prog, want, &co), *b = count_run(red, got, &co);
    same_schedules(a, b, setting, false);
    count_free(a);
    count_free(b);
    search_result_free(got);
}

static void check_program(const Program *prog, const Program *red, uint64_t h)
{
    SearchOptions o = {.max_memory = FUZZ_MAX_MEMORY,
                       .max_states = h % 3 == 0 ? 1 + (h >> 8) % 300 : FUZZ_MAX_STATES,
                       .first = (h >> 20) % 4 == 0,
                       .no_deadlock = (h >> 24) % 4 == 0,
                       .max_depth = (h >> 32) % 4 == 0 ? 1 + (uint32_t)(h >> 36) % 12 : 0,
                       .record_graph = true,
                       .keep_cyclic_edges = (h >> 28) % 2 == 0};
    SearchResult *want = search_run(prog, &o);
    /* the analyses of 'want' walk the graph its search recorded; the oracle (brute_check) and
    ** the other settings, whose graphs are built after the search, check them */
    if (want->stop == SEARCH_COMPLETE && want->memory_bytes < o.max_memory / 4)
        same("a recorded graph", "-j 1", true, want->graph != NULL);
    static const struct {
        const char *name;
        uint32_t n_threads;
        bool compact;
        bool record_graph;
    } settings[] = {{"-j 1, the graph built after", 1, false, false},
                    {"-j 2", 2, false, true},
                    {"-j 3", 3, false, true},
                    {"--compact", 1, true, true},
                    {"--compact -j 2", 2, true, true}};
    char *want_picture = picture(prog, want, o.no_deadlock);
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        SearchOptions oi = o;
        oi.n_threads = settings[i].n_threads;
        oi.compact = settings[i].compact;
        oi.record_graph = settings[i].record_graph;
        oi.solo_below = 2;
        SearchResult *got = search_run(prog, &oi);
        /* the memory differs: the level search's arrays, a batch per worker, --compact's */
        if (want->stop != SEARCH_MAX_MEMORY && got->stop != SEARCH_MAX_MEMORY)
            compare(prog, want, got, settings[i].name);
        if (want->stop == SEARCH_COMPLETE && got->stop == SEARCH_COMPLETE && !got->is_compact)
            compare_analyses(prog, want, got, settings[i].name, o.no_deadlock);
        /* the picture shows states by their numbers: the one thread's, whatever -j stored */
        if (!got->is_compact && want->stop != SEARCH_MAX_MEMORY && got->stop != SEARCH_MAX_MEMORY) {
            char *got_picture = picture(prog, got, o.no_deadlock);
            same_text("the state graph (dot_state_graph)", settings[i].name, want_picture,
                      got_picture);
            free(got_picture);
        }
        search_result_free(got);
    }
    free(want_picture);
    if (want->stop == SEARCH_COMPLETE) {
        CountOptions co = {.no_deadlock = o.no_deadlock,
                           .fewest_preemptions = true,
                           .causes = true,
                           .never_ending = true};
        Analysis *an = count_run(prog, want, &co);
        if (!prog->is_bounded && !want->is_compact) /* bounded: counted as configurations */
            same("the never-ending states (the oracle)", "-j 1", never_ending_oracle(prog, want),
                 an->n_never_ending);
        brute_check(prog, want, an, o.no_deadlock, FUZZ_MAX_NODES);
        compare_report_alone(prog, an, want, "-j 1", o.no_deadlock);
        count_free(an);
        SearchOptions od = o;
        od.dfs = true;
        SearchResult *got = search_run(prog, &od);
        if (got->stop == SEARCH_COMPLETE)
            compare_dfs(prog, want, got);
        search_result_free(got);
    }
    check_reduced(prog, red, &o, want);
    search_result_free(want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size); /* libFuzzer calls it */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Source *src = src_from_string("fuzz.weft", (const char *)data, size);
    Diag *d = diag_new(src);
    char *err;
    Program *prog = compile_source(src, NULL, 0, d, &err);
    uint64_t h = XXH3_64bits(data, size);
    /* a quarter of the inputs under a preemption bound of 0 to 3 */
    if (prog && (h >> 44) % 4 == 0 && !compile_bound_preemptions(prog, (uint32_t)(h >> 46) % 4)) {
        prog_free(prog);
        prog = NULL;
    }
    if (prog && prog->state_size <= FUZZ_MAX_STATE_SIZE) {
        Diag *d2 = diag_new(src); /* the same model again, reduced */
        char *err2 = NULL;
        Program *red = compile_source(src, NULL, 0, d2, &err2);
        if (red && prog->is_bounded)
            compile_bound_preemptions(red, prog->max_preemptions);
        dead_reduce(red, NULL);
        check_program(prog, red, h);
        prog_free(red);
        free(err2);
        diag_free(d2);
    }
    free(err);
    prog_free(prog);
    diag_free(d);
    src_free(src);
    return 0;
}
