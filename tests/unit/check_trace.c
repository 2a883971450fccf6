/*
** check_trace.c -- schedules rebuilt from parent links: exact steps, failing steps, preemptions.
**
** The models go through the whole front end and a breadth-first search_run; the expected
** schedules are the tie-break winners DESIGN.md section 3 defines, worked out by hand.
*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search.h"
#include "state.h"
#include "suites_list.h"
#include "testmodel.h"
#include "trace.h"

/* ---- helpers ---- */

/* The first violation of 'kind' in 'res'. */
static const Violation *viol_of(const SearchResult *res, ViolKind kind)
{
    for (size_t i = 0; i < res->n_viols; i++)
        if (res->viols[i].kind == kind)
            return &res->viols[i];
    ck_abort_msg("no %s violation", search_viol_kind_name(kind));
    return NULL;
}

/* The statement text of step i. */
static const char *step_text(const Program *prog, const Trace *tr, uint32_t i)
{
    const Thread *t = &prog->threads[tr->steps[i].tid];
    return prog->templates[t->tmpl].pos[tr->steps[i].pos].text;
}

/* ---- core ---- */

/* counter_race (N = 4, ITERS = 2): the lexicographically least violating schedule of 16 steps
** runs worker[0] and worker[1] to the end, worker[2] to its second read, then worker[3] reads
** 5 before worker[2] writes 6: one update is lost and counter ends at 7. */
START_TEST(trace_counter_race_shortest)
{
    static const uint32_t tids[16] = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 3, 2, 3, 3, 3};
    static const uint32_t pos[16] = {0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 0, 3, 1, 2, 3};
    Program *prog = tm_compile_file("counter_race.weft", NULL, 0);
    SearchResult *res = tm_search(prog, false);
    const Violation *v = viol_of(res, VIOL_FINAL);
    ck_assert_uint_eq(v->depth, 16);
    Trace *tr = trace_build(prog, res, v);
    ck_assert_uint_eq(tr->n_steps, 16);
    ck_assert_uint_eq(tr->state_size, prog->state_size);
    ck_assert(!tr->ends_in_failure);
    for (uint32_t i = 0; i < 16; i++) {
        ck_assert_uint_eq(tr->steps[i].tid, tids[i]);
        ck_assert_uint_eq(tr->steps[i].k, 0);
        ck_assert_uint_eq(tr->steps[i].pos, pos[i]);
        ck_assert_str_eq(step_text(prog, tr, i),
                         pos[i] % 2 ? "counter = tmp + 1" : "tmp = counter");
    }
    ck_assert(tr->steps[11].is_preemption);
    ck_assert(tr->steps[12].is_preemption);
    ck_assert(!tr->steps[13].is_preemption);
    ck_assert(!tr->steps[4].is_preemption);
    ck_assert_uint_eq(tr->n_preemptions, 2);
    ck_assert_int_eq(state_var_get(prog, trace_state(tr, 0), 0, 0, 0), 0);
    ck_assert_int_eq(state_var_get(prog, trace_state(tr, 8), 0, 0, 0), 4);
    ck_assert_int_eq(state_var_get(prog, trace_state(tr, 16), 0, 0, 0), 7);
    ck_assert_mem_eq(trace_state(tr, 16), store_vec(res->store, v->state), prog->state_size);
    trace_free(tr);
    search_result_free(res);
    prog_free(prog);
}
END_TEST

/* lock_order: left takes a, right takes b, and neither can go on. */
START_TEST(trace_lock_order_deadlock)
{
    Program *prog = tm_compile_file("lock_order.weft", NULL, 0);
    SearchResult *res = tm_search(prog, false);
    const Violation *v = viol_of(res, VIOL_DEADLOCK);
    Trace *tr = trace_build(prog, res, v);
    ck_assert_uint_eq(tr->n_steps, 2);
    ck_assert_uint_eq(tr->steps[0].tid, 0);
    ck_assert_str_eq(step_text(prog, tr, 0), "lock a");
    ck_assert_uint_eq(tr->steps[1].tid, 1);
    ck_assert_str_eq(step_text(prog, tr, 1), "lock b");
    ck_assert(!tr->steps[0].is_preemption);
    ck_assert(tr->steps[1].is_preemption);
    ck_assert_uint_eq(tr->n_preemptions, 1);
    ck_assert(!tr->ends_in_failure);
    ck_assert_ptr_null(tr->fail_message);
    ck_assert_uint_eq(state_mutex_owner(prog, trace_state(tr, 2), 0), 1);
    ck_assert_uint_eq(state_mutex_owner(prog, trace_state(tr, 2), 1), 2);
    trace_free(tr);
    search_result_free(res);
    prog_free(prog);
}
END_TEST

/* unlock_not_held: b's very first step fails; the state before it is repeated after it. */
START_TEST(trace_unlock_not_held_failing_step)
{
    Program *prog = tm_compile_file("unlock_not_held.weft", NULL, 0);
    SearchResult *res = tm_search(prog, false);
    const Violation *v = viol_of(res, VIOL_ERROR);
    ck_assert_uint_eq(v->depth, 1);
    Trace *tr = trace_build(prog, res, v);
    ck_assert_uint_eq(tr->n_steps, 1);
    ck_assert_uint_eq(tr->steps[0].tid, 1);
    ck_assert_str_eq(prog->threads[1].name, "b");
    ck_assert_str_eq(step_text(prog, tr, 0), "unlock m");
    ck_assert(tr->ends_in_failure);
    ck_assert_uint_eq(tr->fail_line, 13);
    ck_assert_str_eq(tr->fail_message, "'m' unlocked by b, which does not hold it");
    ck_assert_mem_eq(trace_state(tr, 1), trace_state(tr, 0), prog->state_size);
    ck_assert_uint_eq(tr->n_preemptions, 0);
    trace_free(tr);
    search_result_free(res);
    prog_free(prog);
}
END_TEST

/* Outcome indices: the failing branch of a choose is k = 1, after a step of another thread. */
START_TEST(trace_choose_branch_and_assert)
{
    Program *prog = tm_compile("shared x = 0\n"
                               "thread a {\n"
                               "    x = 1\n"
                               "}\n"
                               "thread b {\n"
                               "    choose {\n"
                               "        skip\n"
                               "    } or {\n"
                               "        assert x == 0\n"
                               "    }\n"
                               "}\n",
                               NULL, 0);
    SearchResult *res = tm_search(prog, false);
    const Violation *v = viol_of(res, VIOL_ASSERT);
    ck_assert_uint_eq(v->depth, 3);
    Trace *tr = trace_build(prog, res, v);
    ck_assert_uint_eq(tr->n_steps, 3);
    ck_assert_uint_eq(tr->steps[0].tid, 0);
    ck_assert_uint_eq(tr->steps[1].tid, 1);
    ck_assert_uint_eq(tr->steps[1].k, 1);
    ck_assert_str_eq(step_text(prog, tr, 1), "choose");
    ck_assert_uint_eq(tr->steps[2].tid, 1);
    ck_assert_uint_eq(tr->steps[2].k, 0);
    ck_assert_str_eq(step_text(prog, tr, 2), "assert x == 0");
    ck_assert(tr->ends_in_failure);
    ck_assert_uint_eq(tr->fail_line, 9);
    ck_assert_uint_eq(tr->n_preemptions, 0);
    trace_free(tr);
    search_result_free(res);
    prog_free(prog);
}
END_TEST

/* A depth-first violation: the trace follows the path the search took, as long as its depth. */
START_TEST(trace_dfs_length_is_depth)
{
    Program *prog = tm_compile_file("check_then_act.weft", NULL, 0);
    SearchOptions o = {.dfs = true};
    SearchResult *res = search_run(prog, &o);
    const Violation *v = viol_of(res, VIOL_FINAL);
    Trace *tr = trace_build(prog, res, v);
    ck_assert_uint_eq(tr->n_steps, v->depth);
    ck_assert(state_all_done(prog, trace_state(tr, tr->n_steps)));
    trace_free(tr);
    search_result_free(res);
    prog_free(prog);
}
END_TEST

/* An invariant broken in the initial state: a trace of no steps. */
START_TEST(trace_initial_state_violation)
{
    Program *prog = tm_compile("shared x = 0\n"
                               "thread t {\n"
                               "    x = 1\n"
                               "}\n"
                               "invariant positive: x > 0\n",
                               NULL, 0);
    SearchResult *res = tm_search(prog, false);
    Trace *tr = trace_build(prog, res, viol_of(res, VIOL_INVARIANT));
    ck_assert_uint_eq(tr->n_steps, 0);
    ck_assert_uint_eq(tr->n_preemptions, 0);
    ck_assert_int_eq(state_var_get(prog, trace_state(tr, 0), 0, 0, 0), 0);
    trace_free(tr);
    trace_free(NULL);
    search_result_free(res);
    prog_free(prog);
}
END_TEST

Suite *trace_suite(void)
{
    Suite *s = suite_create("trace");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, trace_counter_race_shortest);
    tcase_add_test(tc, trace_lock_order_deadlock);
    tcase_add_test(tc, trace_unlock_not_held_failing_step);
    tcase_add_test(tc, trace_choose_branch_and_assert);
    tcase_add_test(tc, trace_dfs_length_is_depth);
    tcase_add_test(tc, trace_initial_state_violation);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}
