/*
** check_count.c -- every schedule at once: exact counts against formulas and hand counts,
** outcomes, fewest preemptions, enumeration and points of no return.
**
** Models go through the whole front end, so the figures are facts of the language. Expected
** counts are computed here with GMP from the multinomial formula, never copied from a run.
*/
#include <check.h>
#include <gmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "count.h"
#include "exec.h"
#include "graph.h"
#include "search.h"
#include "state.h"
#include "suites_list.h"
#include "testmodel.h"

/* ---- fixture ---- */

typedef struct Run {
    Program *prog;
    SearchResult *res;
    Analysis *an;
} Run;

/* Check 'text' with a search that records its state graph (the analyses walk that one), and
** again with one that does not (count_run builds the graph after it): both must agree. */
static Run cf_run(const char *text, const CountOptions *co)
{
    Run r = {tm_compile(text, NULL, 0), NULL, NULL};
    SearchOptions so = {.record_graph = true, .no_deadlock = co && co->no_deadlock};
    r.res = search_run(r.prog, &so);
    ck_assert_int_eq(r.res->stop, SEARCH_COMPLETE);
    ck_assert_ptr_nonnull(r.res->graph);
    CountOptions none = {0};
    r.an = count_run(r.prog, r.res, co ? co : &none);
    ck_assert_ptr_nonnull(r.an);
    SearchResult *built = tm_search(r.prog, false);
    ck_assert_ptr_null(built->graph);
    Analysis *an = count_run(r.prog, built, co ? co : &none);
    ck_assert_pstr_eq(an->n_schedules, r.an->n_schedules); /* NULL: infinitely many */
    ck_assert_pstr_eq(an->n_violating, r.an->n_violating);
    ck_assert_uint_eq(an->n_outcomes, r.an->n_outcomes);
    ck_assert_uint_eq(an->n_violating_states, r.an->n_violating_states);
    ck_assert_int_eq(an->is_cyclic, r.an->is_cyclic);
    count_free(an);
    search_result_free(built);
    return r;
}

static void cf_free(Run *r)
{
    count_free(r->an);
    search_result_free(r->res);
    prog_free(r->prog);
}

/* (n * s)! / (s!)^n as a decimal string. Caller frees. */
static char *multinomial(unsigned n, unsigned s)
{
    mpz_t num, den;
    mpz_init(num);
    mpz_init(den);
    mpz_fac_ui(num, n * s);
    mpz_fac_ui(den, s);
    mpz_pow_ui(den, den, n);
    mpz_divexact(num, num, den);
    char *out = mpz_get_str(NULL, 10, num);
    mpz_clear(num);
    mpz_clear(den);
    return out;
}

/* A model of n threads each running s skips. */
static char *skips_model(unsigned n, unsigned s)
{
    static char buf[256];
    snprintf(buf, sizeof buf,
             "const N = %u\nthread t[N] {\n    repeat %u {\n        skip\n    }\n}\n", n, s);
    return buf;
}

/* ---- core: exact counts ---- */

static const unsigned multinomial_cases[][2] = {{1, 3}, {2, 2}, {2, 3}, {3, 2}, {3, 3}, {4, 2}};

START_TEST(count_multinomial)
{
    unsigned n = multinomial_cases[_i][0], s = multinomial_cases[_i][1];
    Run r = cf_run(skips_model(n, s), NULL);
    char *want = multinomial(n, s);
    ck_assert(!r.an->is_cyclic);
    ck_assert_str_eq(r.an->n_schedules, want);
    ck_assert_str_eq(r.an->n_violating, "0");
    ck_assert_uint_eq(r.an->n_end_states, 1);
    free(want);
    cf_free(&r);
}
END_TEST

/* 2 threads of 40 steps: C(80, 40) = 107507208733336176461620 schedules, past 2^64. */
START_TEST(count_overflows_64_bits)
{
    Run r = cf_run(skips_model(2, 40), NULL);
    char *want = multinomial(2, 40);
    ck_assert_uint_gt(strlen(want), 20);
    ck_assert_str_eq(r.an->n_schedules, want);
    free(want);
    cf_free(&r);
}
END_TEST

/* (N*2K)!/((2K)!)^N schedules; exactly (N*K)!/(K!)^N keep every read-write pair whole. */
START_TEST(count_counter_race)
{
    Run r = cf_run(tm_counter_race, NULL);
    ck_assert_str_eq(r.an->n_schedules, "63063000");
    ck_assert_str_eq(r.an->n_violating, "63060480");
    char *all = multinomial(4, 4), *ok = multinomial(4, 2);
    ck_assert_str_eq(r.an->n_schedules, all);
    ck_assert_uint_eq(r.an->n_terms, 1);
    ck_assert_str_eq(r.an->terms[0].text, "counter");
    ck_assert_uint_eq(r.an->n_outcomes, 7);
    for (size_t i = 0; i < 7; i++)
        ck_assert_int_eq(r.an->outcomes[i].vals[0], (int)i + 2);
    const Outcome *good = &r.an->outcomes[6];
    ck_assert(!good->is_violating);
    ck_assert_str_eq(good->n_schedules, ok);
    ck_assert_str_eq(good->n_violating, "0");
    ck_assert(r.an->outcomes[0].is_violating);
    ck_assert_str_eq(r.an->outcomes[0].n_schedules, r.an->outcomes[0].n_violating);
    free(all);
    free(ok);
    cf_free(&r);
}
END_TEST

/* Hand count: a and b each do one step; b's is 'assert x == 0'. Schedules: a b (x = 1, the
** assert fails: violating), b a (passes). A choose doubles a's steps: 3 schedules. */
START_TEST(count_failing_step_ends_schedule)
{
    Run r = cf_run("shared x = 0\n"
                   "thread a {\n    choose { x = 1 } or { x = 1 }\n}\n"
                   "thread b {\n    assert x == 0\n}\n",
                   NULL);
    /* a.choose(2 ways) then a's branch step, b's assert: orders of 2 a-steps and 1 b-step, each
    ** a-path doubled: 3 interleavings x 2 = 6; b fails in those where it runs after a's x = 1. */
    ck_assert_str_eq(r.an->n_schedules, "6");
    ck_assert_str_eq(r.an->n_violating, "2");
    ck_assert_uint_eq(r.an->n_violating_states, 1);
    cf_free(&r);
}
END_TEST

START_TEST(count_invariant_and_deadlock)
{
    /* Two threads lock two mutexes in opposite orders: 6 schedules, 2 of them deadlock. */
    Run r = cf_run("mutex m\nmutex n\n"
                   "thread a {\n    lock m\n    lock n\n    unlock n\n    unlock m\n}\n"
                   "thread b {\n    lock n\n    lock m\n    unlock m\n    unlock n\n}\n",
                   NULL);
    ck_assert(!r.an->is_cyclic);
    ck_assert_str_eq(r.an->n_schedules, "6");
    ck_assert_str_eq(r.an->n_violating, "2");
    cf_free(&r);
    CountOptions co = {.no_deadlock = true};
    r = cf_run("shared x = 0\n"
               "thread a {\n    x = 1\n    x = 0\n}\n"
               "thread b {\n    skip\n}\n"
               "invariant small: x == 0\n",
               &co);
    /* 3 schedules; every one passes x = 1. */
    ck_assert_str_eq(r.an->n_schedules, "3");
    ck_assert_str_eq(r.an->n_violating, "3");
    cf_free(&r);
}
END_TEST

START_TEST(count_cycle_is_infinite)
{
    Run r = cf_run("shared x = 0\n"
                   "thread a {\n    while true {\n        x = 1 - x\n    }\n}\n"
                   "invariant never_two: x != 2\n",
                   NULL);
    ck_assert(r.an->is_cyclic);
    ck_assert_ptr_null(r.an->n_schedules);
    ck_assert_uint_eq(r.an->n_violating_states, 0);
    ck_assert_uint_eq(r.an->n_end_states, 0);
    cf_free(&r);
}
END_TEST

/* ---- states from which no schedule ends ---- */

static const struct {
    const char *text;
    uint64_t n_states, n_never_ending;
    uint32_t first_depth; /* steps to the first never-ending state (UINT32_MAX: none) */
} never_ending_cases[] = {
    /* a spins on a flag nobody sets: all 4 states (a at 'while' or 'skip', b before or after
    ** its step) loop for ever, from the start */
    {"shared flag = 0\nshared x = 0\n"
     "thread a {\n    while flag == 0 {\n        skip\n    }\n    x = 1\n}\n"
     "thread b {\n    skip\n}\nfinal fin: x == 1\n",
     4, 4, 0},
    /* a loops for ever only if it tests x before b sets it: of 7 states, the 4 with a inside
    ** the loop; the first one step in */
    {"shared x = 0\nthread a {\n    if x == 0 {\n        while true {\n            skip\n"
     "        }\n    }\n}\nthread b {\n    x = 1\n}\nfinal f: x == 1\n",
     7, 4, 1},
    /* a spin loop that b always ends: every state can end */
    {"shared flag = 0\nthread a {\n    while flag == 0 {\n        skip\n    }\n}\n"
     "thread b {\n    flag = 1\n}\nfinal f: flag == 1\n",
     5, 0, UINT32_MAX},
    /* a cycle that leads to a failing step: the schedule ends there */
    {"shared x = 0\nthread a {\n    while true {\n        x = 1 - x\n        assert x < 2\n"
     "        choose {\n            skip\n        } or {\n            assert false\n        }\n"
     "    }\n}\nfinal f: x == 0\n",
     0, 0, UINT32_MAX},
};

START_TEST(count_never_ending_states)
{
    CountOptions co = {.never_ending = true};
    Run r = cf_run(never_ending_cases[_i].text, &co);
    if (never_ending_cases[_i].n_states)
        ck_assert_uint_eq(r.res->n_states, never_ending_cases[_i].n_states);
    ck_assert(r.an->is_cyclic);
    ck_assert_uint_eq(r.an->n_never_ending, never_ending_cases[_i].n_never_ending);
    uint32_t depth = UINT32_MAX;
    if (r.an->never_ending_first != STATE_ID_NONE) {
        depth = 0;
        for (StateId s = r.an->never_ending_first; store_parent(r.res->store, s) != STATE_ID_NONE;
             s = store_parent(r.res->store, s))
            depth++;
    }
    ck_assert_uint_eq(depth, never_ending_cases[_i].first_depth);
    /* the same from a graph the search kept the edges of */
    SearchOptions so = {.record_graph = true, .keep_cyclic_edges = true};
    SearchResult *res = search_run(r.prog, &so);
    ck_assert(!res->graph->is_edgeless);
    Analysis *an = count_run(r.prog, res, &co);
    ck_assert_uint_eq(an->n_never_ending, never_ending_cases[_i].n_never_ending);
    ck_assert_uint_eq(an->never_ending_first, r.an->never_ending_first);
    count_free(an);
    search_result_free(res);
    cf_free(&r);
}
END_TEST

/* The first never-ending state is the one a one-thread search finds first, whatever ids the
** workers gave the states. Here 'spin' loops for ever if it passes its 'await' (three of the six
** f have stepped) and its 'if' before w sets x: the first such states are 5 steps in, 20 of
** them, the first spin's two steps after f[0], f[1] and f[2]'s. Two workers share every level,
** each numbering the states it stores from blocks of ids it takes as it goes, so the state with
** the least id was the first one only when the worker that found it took the lower block: about
** half the runs. Hence the repeats. A depth first search finds another one first, 5 steps in
** or deeper: the report still names the first of a breadth first search, and its depth. */
START_TEST(count_never_ending_first_for_every_jobs)
{
    Program *prog = tm_compile("shared x = 0\n"
                               "shared y = 0\n"
                               "thread spin {\n    await y >= 3\n    if x == 0 {\n"
                               "        while true {\n        }\n    }\n}\n"
                               "thread f[6] {\n    y = y + 1\n    skip\n    skip\n}\n"
                               "thread w {\n    x = 1\n}\n"
                               "final set: x == 1\n",
                               NULL, 0);
    CountOptions co = {.never_ending = true};
    uint8_t *first = NULL;
    for (int run = 0; run < 21; run++) { /* the last one depth first */
        SearchOptions so = {
            .record_graph = true, .n_threads = run ? 2 : 1, .solo_below = 2, .dfs = run == 20};
        SearchResult *res = search_run(prog, &so);
        ck_assert_uint_eq(res->n_states, 27902);
        Analysis *an = count_run(prog, res, &co);
        ck_assert_uint_ne(an->never_ending_first, STATE_ID_NONE);
        ck_assert_uint_eq(an->never_ending_depth, 5);
        const uint8_t *vec = store_vec(res->store, an->never_ending_first);
        if (run == 0) {
            first = xmalloc(prog->state_size);
            memcpy(first, vec, prog->state_size);
            for (uint32_t tid = 1; tid <= 6; tid++) /* f[0], f[1], f[2] have stepped */
                ck_assert_uint_eq(state_pos(prog, vec, tid) != 0, tid <= 3);
        } else {
            ck_assert_mem_eq(vec, first, prog->state_size);
        }
        count_free(an);
        search_result_free(res);
    }
    free(first);
    prog_free(prog);
}
END_TEST

/* A thread blocked for good ends its schedule, counted as a deadlock or not (--no-deadlock):
** no state of a model whose loop can only block is never-ending. */
START_TEST(count_blocked_is_an_end)
{
    const char *text = "shared x = 0\nthread a {\n    while x < 3 {\n        x = x + 1\n    }\n"
                       "    await x == 5\n}\nfinal f: x == 3\n";
    for (int no_deadlock = 0; no_deadlock < 2; no_deadlock++) {
        CountOptions co = {.never_ending = true, .no_deadlock = no_deadlock};
        Run r = cf_run(text, &co);
        ck_assert_uint_eq(r.an->n_never_ending, 0);
        cf_free(&r);
    }
}
END_TEST

/* ---- outcomes grouped by chosen terms ---- */

START_TEST(count_outcome_terms)
{
    Program *prog = tm_compile(tm_counter_race, NULL, 0);
    OutcomeTerm *terms = NULL;
    size_t n = 0;
    char *err = NULL;
    ck_assert(count_parse_terms(prog, "counter, worker[3].tmp", &terms, &n, &err));
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(terms[1].text, "worker[3].tmp");
    ck_assert_uint_eq(terms[1].tid, 3);
    count_terms_free(terms, n);
    ck_assert(!count_parse_terms(prog, "countr", &terms, &n, &err));
    ck_assert_str_eq(
        err,
        "--outcomes: cannot group by 'countr' (no such shared variable; did you mean 'counter'?)");
    free(err);
    ck_assert(!count_parse_terms(prog, "worker[9].tmp", &terms, &n, &err));
    ck_assert_str_eq(err, "--outcomes: cannot group by 'worker[9].tmp' (no such thread; the "
                          "threads 'worker' are worker[0] to worker[3])");
    free(err);
    ck_assert(!count_parse_terms(prog, "worker[1].tnp", &terms, &n, &err));
    ck_assert_str_eq(err, "--outcomes: cannot group by 'worker[1].tnp' (no such local; did you "
                          "mean 'tmp'?)");
    free(err);
    ck_assert(!count_parse_terms(prog, "workr[0].tmp", &terms, &n, &err));
    ck_assert_str_eq(err, "--outcomes: cannot group by 'workr[0].tmp' (no such thread; did you "
                          "mean 'worker[0]'?)");
    free(err);
    ck_assert(!count_parse_terms(prog, "counter,worker[1].tmp, counter", &terms, &n, &err));
    ck_assert_str_eq(err, "--outcomes: 'counter' is given twice (give each once)");
    free(err);
    ck_assert(!count_parse_terms(prog, "zzz", &terms, &n, &err));
    ck_assert_str_eq(err, "--outcomes: cannot group by 'zzz' (no such shared variable)");
    free(err);
    ck_assert(!count_parse_terms(prog, "counter[1]", &terms, &n, &err));
    ck_assert_str_eq(err, "--outcomes: cannot group by 'counter[1]' (it is not an array)");
    free(err);
    ck_assert(!count_parse_terms(prog, "worker.tmp", &terms, &n, &err));
    ck_assert_str_eq(err, "--outcomes: cannot group by 'worker.tmp' (no such thread; the "
                          "threads 'worker' are worker[0] to worker[3])");
    free(err);
    ck_assert(!count_parse_terms(prog, "counter, ,worker[0].tmp", &terms, &n, &err));
    ck_assert_str_eq(err, "invalid value 'counter, ,worker[0].tmp' for --outcomes (an empty name)");
    free(err);
    prog_free(prog);
}
END_TEST

START_TEST(count_outcomes_of_arrays_and_locals)
{
    const char *text =
        "shared a[2] = 0\n"
        "thread t[2] {\n    local mine = 0\n    mine = id + 1\n    a[id] = mine\n}\n";
    Program *prog = tm_compile(text, NULL, 0);
    OutcomeTerm *terms = NULL;
    size_t n = 0;
    char *err = NULL;
    ck_assert(!count_parse_terms(prog, "a[2]", &terms, &n, &err));
    ck_assert_str_eq(err, "--outcomes: cannot group by 'a[2]' (index out of bounds: 'a' has 2 "
                          "elements, a[0] to a[1])");
    free(err);
    ck_assert(!count_parse_terms(prog, "a[x]", &terms, &n, &err));
    ck_assert_str_eq(err, "--outcomes: cannot group by 'a[x]' (expected an index such as 'a[0]')");
    free(err);
    ck_assert(count_parse_terms(prog, "a,t[1].mine,a[0]", &terms, &n, &err));
    SearchResult *res = tm_search(prog, false);
    CountOptions co = {.terms = terms, .n_terms = n};
    Analysis *an = count_run(prog, res, &co);
    ck_assert_uint_eq(an->width, 4);
    ck_assert_uint_eq(an->n_outcomes, 1);
    ck_assert(an->terms[0].is_whole_array);
    const int32_t want[4] = {1, 2, 2, 1};
    ck_assert_mem_eq(an->outcomes[0].vals, want, sizeof want);
    ck_assert_str_eq(an->outcomes[0].n_schedules, "6");
    count_free(an);
    count_terms_free(terms, n);
    search_result_free(res);
    prog_free(prog);
}
END_TEST

/* ---- fewest preemptions, causes, enumeration ---- */

START_TEST(count_fewest_preemptions_counter_race)
{
    CountOptions co = {.fewest_preemptions = true};
    Run r = cf_run(tm_counter_race, &co);
    ck_assert_uint_eq(r.res->n_viols, 1);
    const Trace *tr = r.an->fewest[0];
    ck_assert_ptr_nonnull(tr);
    ck_assert_uint_eq(tr->n_preemptions, 1);
    ck_assert_uint_eq(tr->n_steps, 16);
    /* It really violates: every thread finished, counter short. */
    const uint8_t *end = trace_state(tr, tr->n_steps);
    ck_assert(state_all_done(r.prog, end));
    ck_assert_int_lt(state_var_get(r.prog, end, 0, 0, 0), 8);
    ck_assert_uint_eq(r.an->fewest_viols[0].state,
                      store_find(r.res->store, end, state_hash(end, r.prog->state_size)));
    cf_free(&r);
}
END_TEST

START_TEST(count_causes_counter_race)
{
    CountOptions co = {.causes = true};
    Run r = cf_run(tm_counter_race, &co);
    ck_assert(!r.an->is_doomed);
    ck_assert_uint_eq(r.an->n_causes, 1);
    const Cause *c = &r.an->causes[0];
    const Template *tm = &r.prog->templates[0];
    ck_assert_str_eq(tm->labels[tm->pos[c->pos].label], "read");
    ck_assert_uint_eq(c->tid, 1);
    ck_assert_uint_eq(c->step, 1);
    ck_assert_uint_eq(c->viol, 0);
    cf_free(&r);
}
END_TEST

typedef struct Collect {
    const Program *prog;
    uint64_t n;  /* schedules seen */
    char **keys; /* each one's steps as text, to check they are distinct */
} Collect;

static void collect(void *ctx, const Trace *tr, size_t viol)
{
    Collect *c = ctx;
    ck_assert_uint_eq(viol, 0);
    const uint8_t *end = trace_state(tr, tr->n_steps);
    ck_assert(state_all_done(c->prog, end));
    ck_assert_int_lt(state_var_get(c->prog, end, 0, 0, 0), 8);
    /* Replaying the recorded steps gives the same end. */
    uint32_t tids[64], ks[64];
    for (uint32_t i = 0; i < tr->n_steps; i++)
        tids[i] = tr->steps[i].tid, ks[i] = tr->steps[i].k;
    Trace *again = count_trace_replay(c->prog, tids, ks, tr->n_steps);
    ck_assert_ptr_nonnull(again);
    ck_assert_mem_eq(trace_state(again, again->n_steps), end, c->prog->state_size);
    trace_free(again);
    char *key = calloc(tr->n_steps + 1, 1);
    for (uint32_t i = 0; i < tr->n_steps; i++)
        key[i] = (char)('0' + tr->steps[i].tid);
    for (uint64_t i = 0; i < c->n; i++)
        ck_assert_str_ne(c->keys[i], key);
    c->keys[c->n++] = key;
}

START_TEST(count_enumerates_distinct_violations)
{
    Program *prog = tm_compile(tm_counter_race, NULL, 0);
    SearchResult *res = tm_search(prog, false);
    CountOptions co = {0};
    Collect c = {prog, 0, calloc(50, sizeof(char *))};
    ck_assert_uint_eq(count_schedules(prog, res, &co, 50, collect, &c), 50);
    ck_assert_uint_eq(c.n, 50);
    /* Depth first in tie-break order: the first differs from the all-in-order schedule only at
    ** the end, where worker[3] reads before worker[2]'s last write. */
    ck_assert_str_eq(c.keys[0], "0000111122232333");
    for (uint64_t i = 0; i < c.n; i++)
        free(c.keys[i]);
    free(c.keys);
    search_result_free(res);
    prog_free(prog);
}
END_TEST

Suite *count_suite(void)
{
    Suite *s = suite_create("count");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, count_multinomial, 0,
                        (int)(sizeof multinomial_cases / sizeof multinomial_cases[0]));
    tcase_add_test(tc, count_overflows_64_bits);
    tcase_add_test(tc, count_counter_race);
    tcase_add_test(tc, count_failing_step_ends_schedule);
    tcase_add_test(tc, count_invariant_and_deadlock);
    tcase_add_test(tc, count_cycle_is_infinite);
    tcase_add_test(tc, count_outcome_terms);
    tcase_add_test(tc, count_outcomes_of_arrays_and_locals);
    tcase_add_test(tc, count_fewest_preemptions_counter_race);
    tcase_add_loop_test(tc, count_never_ending_states, 0,
                        (int)(sizeof never_ending_cases / sizeof never_ending_cases[0]));
    tcase_add_test(tc, count_never_ending_first_for_every_jobs);
    tcase_add_test(tc, count_blocked_is_an_end);
    tcase_add_test(tc, count_causes_counter_race);
    tcase_add_test(tc, count_enumerates_distinct_violations);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}
