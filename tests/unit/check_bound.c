/*
** check_bound.c -- the preemption bound (--max-preemptions): states, steps held back and
** schedule counts against a count made here from the definition, and the violations found
** within each bound against each violation's fewest-preemption schedule.
**
** The expected figures never come from weft's own bounded search: for threads of skips they
** are counted here by walking the bounded configurations directly, and for the models the
** bound must find exactly the violations whose fewest-preemption schedule (count.c, over the
** unbounded state graph) fits in it.
*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "count.h"
#include "exec.h"
#include "search.h"
#include "search_int.h" /* search_viol_same */
#include "state.h"
#include "suites_list.h"
#include "testmodel.h"
#include "trace.h"
#include "util.h"

/* ---- threads of skips, counted from the definition ---- */

enum { SK_MAX_THREADS = 4, SK_NONE = SK_MAX_THREADS };

/* The bounded configurations of 'n' threads of 's' skips each, at most 'b' preemptions: a
** thread's position, the last step's thread and the preemptions taken. Every skip is always
** enabled, so a step of another thread while the last one has steps left is a preemption. */
typedef struct Skips {
    unsigned n, s, b;
    size_t n_configs;  /* index space: (s + 1)^n positions x (n + 1) lasts x (b + 1) */
    uint8_t *seen;     /* per index: reached */
    uint64_t *n_sched; /* per index: complete schedules from there (UINT64_MAX: not yet) */
    uint64_t n_states; /* configurations reached */
    uint64_t n_trans;  /* steps taken from them */
    uint64_t n_held;   /* steps held back in them */
} Skips;

static size_t sk_index(const Skips *k, const unsigned *pos, unsigned last, unsigned p)
{
    size_t code = 0;
    for (unsigned t = 0; t < k->n; t++)
        code = code * (k->s + 1) + pos[t];
    return (code * (k->n + 1) + (last == SK_NONE ? k->n : last)) * (k->b + 1) + p;
}

/* Walk from (pos, last, p): count it the first time, and return its complete schedules. */
static uint64_t sk_walk(Skips *k, unsigned *pos, unsigned last, unsigned p)
{
    size_t i = sk_index(k, pos, last, p);
    if (k->seen[i])
        return k->n_sched[i];
    k->seen[i] = 1;
    k->n_states++;
    bool is_last_on = last != SK_NONE && pos[last] < k->s;
    uint64_t total = 0;
    bool is_end = true;
    for (unsigned t = 0; t < k->n; t++) {
        if (pos[t] == k->s)
            continue;
        is_end = false;
        bool is_pre = is_last_on && t != last;
        if (is_pre && p == k->b) {
            k->n_held++;
            continue;
        }
        k->n_trans++;
        pos[t]++;
        total += sk_walk(k, pos, t, p + is_pre);
        pos[t]--;
    }
    k->n_sched[i] = is_end ? 1 : total;
    return k->n_sched[i];
}

static const unsigned skips_cases[][3] = {
    /* threads, skips, bound */
    {2, 2, 0}, {2, 2, 1}, {2, 2, 2}, {2, 3, 1}, {3, 2, 0}, {3, 2, 1},
    {3, 2, 2}, {3, 3, 1}, {3, 3, 2}, {4, 2, 1}, {4, 2, 3}, {3, 2, 9},
};

START_TEST(bound_counts_threads_of_skips)
{
    unsigned n = skips_cases[_i][0], s = skips_cases[_i][1], b = skips_cases[_i][2];
    Skips k = {.n = n, .s = s, .b = b};
    k.n_configs = (n + 1) * (b + 1);
    for (unsigned t = 0; t < n; t++)
        k.n_configs *= s + 1;
    k.seen = xcalloc(k.n_configs, 1);
    k.n_sched = xcalloc(k.n_configs, sizeof *k.n_sched);
    unsigned pos[SK_MAX_THREADS] = {0};
    uint64_t want_sched = sk_walk(&k, pos, SK_NONE, 0);

    char text[256];
    snprintf(text, sizeof text, "thread t[%u] {\n    repeat %u {\n        skip\n    }\n}\n", n, s);
    Program *prog = tm_compile(text, NULL, 0);
    ck_assert(compile_bound_preemptions(prog, b));
    for (uint32_t jobs = 1; jobs <= 2; jobs++) {
        SearchOptions so = {.record_graph = true, .n_threads = jobs, .solo_below = 2};
        SearchResult *res = search_run(prog, &so);
        ck_assert_int_eq(res->stop, SEARCH_COMPLETE);
        ck_assert_uint_eq(res->n_states, k.n_states);
        ck_assert_uint_eq(res->n_transitions, k.n_trans);
        ck_assert_uint_eq(res->n_held, k.n_held);
        ck_assert_int_eq(search_is_partial(res), k.n_held > 0);
        CountOptions co = {0};
        Analysis *an = count_run(prog, res, &co);
        char want[32];
        snprintf(want, sizeof want, "%llu", (unsigned long long)want_sched);
        ck_assert_str_eq(an->n_schedules, want);
        ck_assert_uint_eq(an->n_end_states, 1); /* every thread done: one configuration */
        count_free(an);
        search_result_free(res);
    }
    /* depth first explores the same bounded configurations */
    SearchResult *res = tm_search(prog, true);
    ck_assert_uint_eq(res->n_states, k.n_states);
    ck_assert_uint_eq(res->n_held, k.n_held);
    search_result_free(res);
    prog_free(prog);
    free(k.seen);
    free(k.n_sched);
}
END_TEST

/* Bound 0 is the non-preemptive scheduler: n threads of skips run whole, in any of n! orders. */
START_TEST(bound_zero_runs_threads_whole)
{
    Program *prog = tm_compile("thread t[4] {\n    skip\n    skip\n    skip\n}\n", NULL, 0);
    ck_assert(compile_bound_preemptions(prog, 0));
    SearchOptions so = {.record_graph = true};
    SearchResult *res = search_run(prog, &so);
    CountOptions co = {0};
    Analysis *an = count_run(prog, res, &co);
    ck_assert_str_eq(an->n_schedules, "24");
    count_free(an);
    search_result_free(res);
    prog_free(prog);
}
END_TEST

/* ---- the bound against the fewest preemptions ---- */

/* A model of the repository's models/ directory, compiled. */
static Program *compile_model_file(const char *name)
{
    char root[4096], path[4200], *err = NULL;
    tm_root(root, sizeof root);
    snprintf(path, sizeof path, "%s/models/%s", root, name);
    Source *src = src_read_file(path, &err);
    ck_assert_msg(src, "%s: %s", path, err ? err : "cannot read");
    Program *prog = tm_compile_source(src, NULL, 0);
    src_free(src);
    return prog;
}

static Program *compile_any(const char *name, bool is_example)
{
    return is_example ? tm_compile_file(name, NULL, 0) : compile_model_file(name);
}

static const struct {
    const char *name;
    bool is_example; /* shared/examples, else models/ */
} bound_models[] = {
    {"check_then_act.weft", true},   {"condvar_buffer.weft", true},
    {"counter_lock.weft", true},     {"counter_race.weft", true},
    {"lock_order.weft", true},       {"queue_consumers.weft", true},
    {"unlock_not_held.weft", true},  {"bank_transfer.weft", false},
    {"lost_wakeup.weft", false},     {"peterson_broken.weft", false},
    {"philosophers.weft", false},    {"wait_without_loop.weft", false},
    {"spinlock_broken.weft", false}, {"double_checked_locking.weft", false},
};

enum { MAX_BOUND_TRIED = 4 };

/* A violation of 'viols' that is the same as 'v' (the search keeps one of each). */
static bool has_viol(const Violation *viols, size_t n, const Violation *v)
{
    for (size_t i = 0; i < n; i++)
        if (search_viol_same(&viols[i], v->kind, v->prop, v->line))
            return true;
    return false;
}

/* For each violation of the whole search, its fewest-preemption schedule needs P preemptions:
** a search bounded by b finds it exactly when P <= b, on one worker and on two, breadth and
** depth first, and every schedule it shows takes at most b preemptions. */
START_TEST(bound_finds_what_fewest_preemptions_need)
{
    const char *name = bound_models[_i].name;
    Program *prog = compile_any(name, bound_models[_i].is_example);
    SearchOptions so = {.record_graph = true};
    SearchResult *whole = search_run(prog, &so);
    ck_assert_int_eq(whole->stop, SEARCH_COMPLETE);
    CountOptions co = {.fewest_preemptions = true};
    Analysis *an = count_run(prog, whole, &co);
    ck_assert_ptr_nonnull(an);
    uint32_t need[64], max_need = 0;
    ck_assert_uint_le(whole->n_viols, 64);
    for (size_t i = 0; i < whole->n_viols; i++) {
        ck_assert_ptr_nonnull(an->fewest[i]);
        need[i] = an->fewest[i]->n_preemptions;
        max_need = need[i] > max_need ? need[i] : max_need;
    }
    for (uint32_t b = 0; b <= max_need + 1 && b <= MAX_BOUND_TRIED; b++) {
        Program *bp = compile_any(name, bound_models[_i].is_example);
        ck_assert(compile_bound_preemptions(bp, b));
        for (int how = 0; how < 3; how++) { /* -j 1, -j 2 (every level shared), --dfs */
            SearchOptions bo = {.n_threads = how == 1 ? 2 : 1, .solo_below = 2, .dfs = how == 2};
            SearchResult *res = search_run(bp, &bo);
            ck_assert_int_eq(res->stop, SEARCH_COMPLETE);
            for (size_t i = 0; i < whole->n_viols; i++)
                ck_assert_msg(has_viol(res->viols, res->n_viols, &whole->viols[i]) ==
                                  (need[i] <= b),
                              "%s, bound %u, search %d: violation %zu needs %u preemptions", name,
                              b, how, i, need[i]);
            ck_assert_uint_le(res->n_viols, whole->n_viols);
            for (size_t i = 0; i < res->n_viols; i++) {
                ck_assert(has_viol(whole->viols, whole->n_viols, &res->viols[i]));
                Trace *tr = trace_build(bp, res, &res->viols[i]);
                ck_assert_uint_le(tr->n_preemptions, b);
                trace_free(tr);
            }
            search_result_free(res);
        }
        prog_free(bp);
    }
    count_free(an);
    search_result_free(whole);
    prog_free(prog);
}
END_TEST

/* A bound no schedule reaches holds nothing back: the same violations with the same shortest
** schedules, and the same schedule counts, end states and outcomes as the search without it.
** (Of the models without a cycle: around a cycle schedules take preemptions without end.) */
START_TEST(bound_unreached_changes_nothing)
{
    const char *name = bound_models[_i].name;
    Program *prog = compile_any(name, bound_models[_i].is_example);
    SearchOptions so = {.record_graph = true};
    SearchResult *whole = search_run(prog, &so);
    CountOptions co = {0};
    Analysis *an = count_run(prog, whole, &co);
    Program *bp = compile_any(name, bound_models[_i].is_example);
    SearchResult *res = NULL;
    Analysis *ban = NULL;
    if (an->is_cyclic)
        goto out;
    ck_assert(compile_bound_preemptions(bp, 64));
    res = search_run(bp, &so);
    ban = count_run(bp, res, &co);
    ck_assert_uint_eq(res->n_held, 0);
    ck_assert(!search_is_partial(res));
    ck_assert_uint_eq(res->n_viols, whole->n_viols);
    for (size_t i = 0; i < res->n_viols; i++) {
        Trace *a = trace_build(prog, whole, &whole->viols[i]);
        Trace *b = trace_build(bp, res, &res->viols[i]);
        ck_assert_int_eq(res->viols[i].kind, whole->viols[i].kind);
        ck_assert_uint_eq(b->n_steps, a->n_steps);
        ck_assert_uint_eq(b->n_preemptions, a->n_preemptions);
        for (uint32_t s = 0; s < a->n_steps; s++) {
            ck_assert_uint_eq(b->steps[s].tid, a->steps[s].tid);
            ck_assert_uint_eq(b->steps[s].k, a->steps[s].k);
        }
        trace_free(a);
        trace_free(b);
    }
    ck_assert_str_eq(ban->n_schedules, an->n_schedules);
    ck_assert_str_eq(ban->n_violating, an->n_violating);
    ck_assert_uint_eq(ban->n_end_states, an->n_end_states);
    ck_assert_uint_eq(ban->n_violating_states, an->n_violating_states);
    ck_assert_uint_eq(ban->n_outcomes, an->n_outcomes);
out:
    count_free(ban);
    count_free(an);
    search_result_free(res);
    search_result_free(whole);
    prog_free(bp);
    prog_free(prog);
}
END_TEST

/* The layout: the two fields follow the thread blocks, sized for their ranges; the state the
** initial one was and the model's fields where they were. */
START_TEST(bound_layout_appends_two_fields)
{
    Program *prog = tm_compile("shared x: 0..3 = 0\nthread t[3] {\n    x = 1\n}\n", NULL, 0);
    uint32_t size = prog->state_size, x_off = prog->vars[0].bit_off;
    ck_assert(compile_bound_preemptions(prog, 5));
    ck_assert(prog->is_bounded);
    ck_assert_uint_eq(prog->vars[0].bit_off, x_off);
    ck_assert_uint_eq(prog->last_bits, 2);    /* 0 .. 3: none, or thread 0 .. 2 */
    ck_assert_uint_eq(prog->preempt_bits, 3); /* 0 .. 5 */
    ck_assert_uint_eq(prog->preempt_bit_off, prog->last_bit_off + 2);
    ck_assert_uint_ge(prog->state_size, size);
    uint8_t *vec = xcalloc(prog->state_size, 1);
    prog_initial_state(prog, vec);
    ck_assert_uint_eq(state_last_thread(prog, vec), STATE_NO_THREAD);
    ck_assert_uint_eq(state_preemptions(prog, vec), 0);
    state_set_bound(prog, vec, 2, 5);
    ck_assert_uint_eq(state_last_thread(prog, vec), 2);
    ck_assert_uint_eq(state_preemptions(prog, vec), 5);
    ck_assert_int_eq(state_var_get(prog, vec, 0, 0, 0), 0);
    char *dump = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&dump, &len);
    prog_dump(prog, f);
    fclose(f);
    char want[128];
    snprintf(want, sizeof want,
             "bound max_preemptions 5 last_bit_off %u last_bits 2 preempt_bit_off %u "
             "preempt_bits 3\n",
             prog->last_bit_off, prog->last_bit_off + 2);
    ck_assert_ptr_nonnull(strstr(dump, want));
    free(dump);
    free(vec);
    prog_free(prog);
}
END_TEST

/* The executor holds back exactly the preempting steps once the bound is spent, and counts
** them; the model's own enabledness (exec_enabled) is unchanged. */
START_TEST(bound_exec_holds_back_preemptions)
{
    Program *prog = tm_compile("thread t[2] {\n    skip\n    skip\n}\n", NULL, 0);
    ck_assert(compile_bound_preemptions(prog, 0));
    ExecCtx *ex = exec_new(prog);
    uint8_t *vec = xcalloc(prog->state_size, 1), *next = xcalloc(prog->state_size, 1);
    prog_initial_state(prog, vec);
    bool exists;
    uint32_t line;
    const char *msg;
    ck_assert_uint_eq(exec_count(ex, vec, 1), 1); /* no step yet: anyone may start */
    ck_assert_int_eq(exec_outcome(ex, vec, 0, 0, next, &exists, &line, &msg), EXEC_OK);
    ck_assert(exists);
    ck_assert_uint_eq(state_last_thread(prog, next), 0);
    ck_assert_uint_eq(exec_count(ex, next, 0), 1); /* t[0] goes on */
    ck_assert_uint_eq(exec_count(ex, next, 1), 0); /* t[1] would preempt it: held back */
    ck_assert(exec_enabled(ex, next, 1));          /* though the model lets it run */
    ck_assert_uint_eq(exec_held(ex), 1);
    free(vec);
    free(next);
    exec_free(ex);
    prog_free(prog);
}
END_TEST

Suite *bound_suite(void)
{
    Suite *s = suite_create("bound");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, bound_counts_threads_of_skips, 0,
                        (int)(sizeof skips_cases / sizeof skips_cases[0]));
    tcase_add_test(tc, bound_zero_runs_threads_whole);
    tcase_add_loop_test(tc, bound_finds_what_fewest_preemptions_need, 0,
                        (int)(sizeof bound_models / sizeof bound_models[0]));
    tcase_add_loop_test(tc, bound_unreached_changes_nothing, 0,
                        (int)(sizeof bound_models / sizeof bound_models[0]));
    tcase_add_test(tc, bound_layout_appends_two_fields);
    tcase_add_test(tc, bound_exec_holds_back_preemptions);
    suite_add_tcase(s, tc);
    return s;
}
