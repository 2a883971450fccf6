/*
** check_dead.c -- dead-variable reduction (--reduce dead): which locals are dead where, and
** that the reduced search is the quotient of the full one.
**
** The dead lists are checked against what each model's text says (a local written before any
** read on every path from the position). The reduced state and transition counts are checked
** against a count made here from the full search: its states, each with the locals the test's
** own rule calls dead reset, counted once each; the schedules and traces against the full
** search's.
*/
#define _GNU_SOURCE /* qsort_r */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "count.h"
#include "dead.h"
#include "exec.h"
#include "search.h"
#include "state.h"
#include "suites_list.h"
#include "testmodel.h"
#include "trace.h"
#include "util.h"

/* The names of the locals dead at position 'p' of template 't', comma separated, into buf. */
static const char *dead_at(const Program *prog, uint32_t t, uint32_t p, char *buf, size_t cap)
{
    const Template *tp = &prog->templates[t];
    buf[0] = '\0';
    for (uint32_t k = tp->dead_first[p]; k < tp->dead_first[p + 1]; k++) {
        size_t len = strlen(buf);
        snprintf(buf + len, cap - len, "%s%s", len ? "," : "", prog->vars[tp->dead_vars[k]].name);
    }
    return buf;
}

/* The dead list of every position of template 0, "text: names" a line. */
static char *dead_listing(const Program *prog)
{
    const Template *t = &prog->templates[0];
    char *out = xstrdup("");
    for (uint32_t p = 0; p < t->n_pos; p++) {
        char buf[256];
        char *next =
            xasprintf("%s%s: %s\n", out, t->pos[p].text, dead_at(prog, 0, p, buf, sizeof buf));
        free(out);
        out = next;
    }
    return out;
}

START_TEST(dead_counter_race_resets_tmp_before_each_read)
{
    Program *prog = tm_compile(tm_counter_race, NULL, 0);
    ck_assert_uint_eq(dead_reduce(prog, NULL), 3);
    ck_assert(prog->is_reduced_dead);
    char *got = dead_listing(prog);
    ck_assert_str_eq(got, "tmp = counter: tmp\n"
                          "counter = tmp + 1: \n"
                          "tmp = counter: tmp\n"
                          "counter = tmp + 1: \n"
                          "end: tmp\n");
    free(got);
    /* the END_STEPs into a read or the end reset; those into a write do not */
    const Template *t = &prog->templates[0];
    uint32_t n_reset = 0, n_plain = 0;
    for (uint32_t pc = 0; pc < t->n_code; pc++) {
        if (t->code[pc].op != OP_END_STEP)
            continue;
        bool is_into_dead = t->dead_first[t->code[pc].a + 1] > t->dead_first[t->code[pc].a];
        ck_assert_int_eq(t->code[pc].b, is_into_dead);
        n_reset += is_into_dead;
        n_plain += !is_into_dead;
    }
    ck_assert_uint_eq(n_reset, 2);
    ck_assert_uint_eq(n_plain, 2);
    prog_free(prog);
}
END_TEST

/* Models whose template 0 has locals, and the dead list of each of its positions. */
static const struct {
    const char *text;
    const char *dead; /* dead_listing() */
} lists[] = {
    /* a property reads the local: never dead */
    {"shared c = 0\nthread w[2] {\n    local x = 0\n    x = c\n    c = x + 1\n}\n"
     "invariant w[0].x <= 2\n",
     "x = c: \nc = x + 1: \nend: \n"},
    /* a write on one branch only does not kill: x is live before the if */
    {"shared c = 0\nthread w {\n    local x = 0\n    if c == 0 {\n        x = 1\n    }\n"
     "    c = x\n}\n",
     "if c == 0: \nx = 1: x\nc = x: \nend: x\n"},
    /* a write to one element does not kill the array */
    {"shared c = 0\nthread w {\n    local a[2] = 0\n    a[0] = c\n    c = a[1]\n}\n",
     "a[0] = c: \nc = a[1]: \nend: a\n"},
    /* a loop reads y at its head: live around it, dead only at the end */
    {"shared c = 0\nthread w {\n    local y = 0\n    while y < 2 {\n        y = y + 1\n    }\n"
     "    c = 1\n}\n",
     "while y < 2: \ny = y + 1: \nc = 1: y\nend: y\n"},
    /* read after a wait: live while asleep and while taking the mutex again */
    {"mutex m\ncond cv\nshared r = 0\nthread w {\n    local v = 0\n    lock m\n    v = 1\n"
     "    wait cv, m\n    r = v\n    unlock m\n}\nthread s {\n    lock m\n    signal cv\n"
     "    unlock m\n}\n",
     "lock m: v\nv = 1: v\nwait cv, m: \nwait cv, m: \nwait cv, m: \nr = v: \nunlock m: v\n"
     "end: v\n"},
    /* never written, read at the end: live throughout */
    {"shared c = 0\nthread w {\n    local z = 5\n    c = 1\n    c = z\n}\n",
     "c = 1: \nc = z: \nend: z\n"},
};

START_TEST(dead_lists_follow_the_code)
{
    Program *prog = tm_compile(lists[_i].text, NULL, 0);
    dead_reduce(prog, NULL);
    char *got = dead_listing(prog);
    ck_assert_str_eq(got, lists[_i].dead);
    free(got);
    prog_free(prog);
}
END_TEST

START_TEST(dead_keep_flags_keep_a_local_live)
{
    Program *prog = tm_compile(tm_counter_race, NULL, 0);
    bool *keep = xcalloc(prog->n_vars, sizeof *keep);
    keep[prog->templates[0].locals[0]] = true; /* tmp, as --outcomes worker[0].tmp asks */
    ck_assert_uint_eq(dead_reduce(prog, keep), 0);
    const Template *t = &prog->templates[0];
    for (uint32_t pc = 0; pc < t->n_code; pc++)
        ck_assert_int_eq(t->code[pc].b, 0);
    free(keep);
    prog_free(prog);
}
END_TEST

/* The test's own rule for the counter race: tmp is dead where a worker is about to read the
** counter or has finished (the position texts say which). */
static void reset_by_rule(const Program *prog, uint8_t *vec)
{
    for (uint32_t tid = 0; tid < prog->n_threads; tid++) {
        const Thread *th = &prog->threads[tid];
        const Template *t = &prog->templates[th->tmpl];
        uint32_t p = state_pos(prog, vec, tid);
        if (t->pos[p].kind != POS_END && strcmp(t->pos[p].text, "tmp = counter") != 0)
            continue;
        const Var *v = &prog->vars[t->locals[0]];
        bits_set(vec, prog->state_size, th->bit_base + v->bit_off, v->bits, 0);
    }
}

static int vec_cmp(const void *a, const void *b, void *size)
{
    return memcmp(a, b, *(const uint32_t *)size);
}

typedef struct Steps {
    uint64_t n;
} Steps;

static void count_step(void *ctx, uint32_t tid, const ExecOutcome *out)
{
    (void)tid;
    (void)out;
    ((Steps *)ctx)->n++;
}

START_TEST(dead_search_is_the_quotient_of_the_full_one)
{
    static const Define defs[][2] = {
        {{"N", 2}, {"ITERS", 2}}, {{"N", 3}, {"ITERS", 2}}, {{"N", 3}, {"ITERS", 3}}};
    Program *full = tm_compile(tm_counter_race, defs[_i], 2);
    Program *red = tm_compile(tm_counter_race, defs[_i], 2);
    dead_reduce(red, NULL);
    SearchOptions so = {.record_graph = true};
    SearchResult *rf = search_run(full, &so), *rr = search_run(red, &so);
    uint32_t size = full->state_size;
    uint64_t n = rf->n_states;
    uint8_t *vecs = xmalloc(n * size);
    for (uint64_t i = 0; i < n; i++) {
        memcpy(vecs + i * size, store_vec(rf->store, (StateId)i), size);
        reset_by_rule(full, vecs + i * size);
    }
    qsort_r(vecs, n, size, vec_cmp, &size);
    uint64_t n_distinct = 0;
    Steps steps = {0};
    ExecCtx *ex = exec_new(full);
    for (uint64_t i = 0; i < n; i++) {
        if (i && memcmp(vecs + i * size, vecs + (i - 1) * size, size) == 0)
            continue;
        n_distinct++;
        for (uint32_t tid = 0; tid < full->n_threads; tid++)
            exec_step(ex, vecs + i * size, tid, count_step, &steps);
    }
    ck_assert_uint_lt(rr->n_states, rf->n_states);
    ck_assert_uint_eq(rr->n_states, n_distinct);
    ck_assert_uint_eq(rr->n_transitions, steps.n);
    ck_assert_uint_eq(rr->n_viols, rf->n_viols);
    /* the schedule counts are those of the full graph */
    CountOptions co = {0};
    Analysis *af = count_run(full, rf, &co), *ar = count_run(red, rr, &co);
    ck_assert_ptr_nonnull(af);
    ck_assert_ptr_nonnull(ar);
    ck_assert(!af->is_cyclic && !ar->is_cyclic);
    ck_assert_str_eq(af->n_schedules, ar->n_schedules);
    ck_assert_str_eq(af->n_violating, ar->n_violating);
    ck_assert_uint_eq(af->n_outcomes, ar->n_outcomes);
    count_free(af);
    count_free(ar);
    exec_free(ex);
    free(vecs);
    search_result_free(rf);
    search_result_free(rr);
    prog_free(full);
    prog_free(red);
}
END_TEST

START_TEST(dead_trace_shows_the_full_states)
{
    Program *full = tm_compile(tm_counter_race, NULL, 0);
    Program *red = tm_compile(tm_counter_race, NULL, 0);
    dead_reduce(red, NULL);
    SearchResult *rf = tm_search(full, false), *rr = tm_search(red, false);
    ck_assert_uint_eq(rf->n_viols, 1);
    ck_assert_uint_eq(rr->n_viols, 1);
    Trace *tf = trace_build(full, rf, &rf->viols[0]), *tr = trace_build(red, rr, &rr->viols[0]);
    ck_assert_uint_eq(tf->n_steps, tr->n_steps);
    ck_assert_uint_eq(tf->n_preemptions, tr->n_preemptions);
    for (uint32_t i = 0; i < tf->n_steps; i++) {
        ck_assert_uint_eq(tf->steps[i].tid, tr->steps[i].tid);
        ck_assert_uint_eq(tf->steps[i].k, tr->steps[i].k);
        ck_assert_uint_eq(tf->steps[i].pos, tr->steps[i].pos);
    }
    ck_assert_mem_eq(tf->states, tr->states, (size_t)(tf->n_steps + 1) * tf->state_size);
    /* ... where the stored states have tmp reset: the last one, every worker finished */
    const uint8_t *last = store_vec(rr->store, rr->viols[0].state);
    ck_assert(memcmp(last, trace_state(tr, tr->n_steps), red->state_size) != 0);
    trace_free(tf);
    trace_free(tr);
    search_result_free(rf);
    search_result_free(rr);
    prog_free(full);
    prog_free(red);
}
END_TEST

/* One step into a read position: tmp is reset, unless the context keeps dead locals. */
START_TEST(dead_exec_resets_unless_kept)
{
    Program *prog = tm_compile(tm_counter_race, NULL, 0);
    dead_reduce(prog, NULL);
    ExecCtx *ex = exec_new(prog);
    uint8_t *a = xmalloc(prog->state_size), *b = xmalloc(prog->state_size);
    uint8_t *c = xmalloc(prog->state_size);
    bool exists;
    uint32_t line;
    const char *msg;
    prog_initial_state(prog, a);
    const Var *tmp = &prog->vars[prog->templates[0].locals[0]];
    uint32_t at = prog->threads[0].bit_base + tmp->bit_off;
    /* worker[1] makes the counter 1, then worker[0] reads 1 and writes 2 */
    ck_assert_int_eq(exec_outcome(ex, a, 1, 0, b, &exists, &line, &msg), EXEC_OK);
    ck_assert_int_eq(exec_outcome(ex, b, 1, 0, a, &exists, &line, &msg), EXEC_OK);
    ck_assert_int_eq(exec_outcome(ex, a, 0, 0, b, &exists, &line, &msg), EXEC_OK);
    ck_assert_uint_eq(bits_get(b, prog->state_size, at, tmp->bits), 1); /* read: live */
    ck_assert_int_eq(exec_outcome(ex, b, 0, 0, c, &exists, &line, &msg), EXEC_OK);
    ck_assert_uint_eq(bits_get(c, prog->state_size, at, tmp->bits), 0); /* next read: reset */
    exec_keep_dead(ex, true);
    ck_assert_int_eq(exec_outcome(ex, b, 0, 0, c, &exists, &line, &msg), EXEC_OK);
    ck_assert_uint_eq(bits_get(c, prog->state_size, at, tmp->bits), 1); /* kept */
    free(a);
    free(b);
    free(c);
    exec_free(ex);
    prog_free(prog);
}
END_TEST

Suite *dead_suite(void)
{
    Suite *s = suite_create("dead");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, dead_counter_race_resets_tmp_before_each_read);
    tcase_add_loop_test(tc, dead_lists_follow_the_code, 0, (int)(sizeof lists / sizeof lists[0]));
    tcase_add_test(tc, dead_keep_flags_keep_a_local_live);
    tcase_add_loop_test(tc, dead_search_is_the_quotient_of_the_full_one, 0, 3);
    tcase_add_test(tc, dead_trace_shows_the_full_states);
    tcase_add_test(tc, dead_exec_resets_unless_kept);
    suite_add_tcase(s, tc);
    return s;
}
