/*
** check_search.c -- the search over real model texts: exact state counts, violations, limits.
**
** Models go through the whole front end (parse_model, compile_model) so the counts are facts of
** the language, not of a hand-built Program. The acceptance examples of shared/examples/ are
** held to their '# expect:' and '# outcomes:' lines in both orders.
*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "count.h"
#include "diag.h"
#include "graph.h"
#include "report.h"
#include "search.h"
#include "search_int.h"
#include "state.h"
#include "store.h"
#include "suites_list.h"
#include "testmodel.h"
#include "util.h"

/* ---- helpers ---- */

static const Violation *only_viol(const SearchResult *res)
{
    ck_assert_uint_eq(res->n_viols, 1);
    return &res->viols[0];
}

/* ---- core: hand-countable models ---- */

START_TEST(search_one_thread_three_steps)
{
    Program *prog = tm_compile("shared x = 0\n"
                               "thread t {\n"
                               "    x = 1\n"
                               "    x = 2\n"
                               "    x = 3\n"
                               "}\n",
                               NULL, 0);
    SearchResult *res = tm_search(prog, false);
    ck_assert_int_eq(res->stop, SEARCH_COMPLETE);
    ck_assert_uint_eq(res->n_states, 4);
    ck_assert_uint_eq(res->n_transitions, 3);
    ck_assert_uint_eq(res->max_depth, 3);
    ck_assert_uint_eq(res->n_viols, 0);
    ck_assert_uint_ge(res->memory_bytes, store_memory_bytes(res->store));
    search_result_free(res);
    prog_free(prog);
}
END_TEST

static const char *const two_threads = "shared x = 0\n"
                                       "shared y = 0\n"
                                       "thread a {\n"
                                       "    x = 1\n"
                                       "}\n"
                                       "thread b {\n"
                                       "    y = 1\n"
                                       "}\n";

START_TEST(search_two_independent_threads)
{
    Program *prog = tm_compile(two_threads, NULL, 0);
    for (int dfs = 0; dfs < 2; dfs++) {
        SearchResult *res = tm_search(prog, dfs);
        ck_assert_int_eq(res->stop, SEARCH_COMPLETE);
        ck_assert_uint_eq(res->n_states, 4);
        ck_assert_uint_eq(res->n_transitions, 4);
        ck_assert_uint_eq(res->max_depth, 2);
        ck_assert_uint_eq(res->n_viols, 0);
        search_result_free(res);
    }
    prog_free(prog);
}
END_TEST

/* BFS stores level by level: ids 1, 2 at depth 1 (a's step first), id 3 at depth 2. */
START_TEST(search_bfs_ids_follow_levels)
{
    Program *prog = tm_compile(two_threads, NULL, 0);
    SearchResult *res = tm_search(prog, false);
    const Store *st = res->store;
    ck_assert_uint_eq(store_parent(st, 1), 0);
    ck_assert_uint_eq(store_parent(st, 2), 0);
    ck_assert_uint_eq(store_parent(st, 3), 1);
    ck_assert_int_eq(state_var_get(prog, store_vec(st, 1), 0, 0, 0), 1);
    ck_assert_int_eq(state_var_get(prog, store_vec(st, 1), 1, 0, 0), 0);
    ck_assert_int_eq(state_var_get(prog, store_vec(st, 2), 0, 0, 0), 0);
    search_result_free(res);
    prog_free(prog);
}
END_TEST

/* A self-deadlock: 2 states, the deadlock in the second at depth 1; --no-deadlock hides it. */
START_TEST(search_deadlock_only)
{
    Program *prog = tm_compile("mutex m\n"
                               "thread t {\n"
                               "    lock m\n"
                               "    lock m\n"
                               "}\n",
                               NULL, 0);
    for (int dfs = 0; dfs < 2; dfs++) {
        SearchResult *res = tm_search(prog, dfs);
        ck_assert_uint_eq(res->n_states, 2);
        const Violation *v = only_viol(res);
        ck_assert_int_eq(v->kind, VIOL_DEADLOCK);
        ck_assert_int_eq(v->prop, -1);
        ck_assert_uint_eq(v->state, 1);
        ck_assert_uint_eq(v->depth, 1);
        ck_assert(!v->by_step);
        search_result_free(res);
    }
    SearchOptions o = {.no_deadlock = true};
    SearchResult *res = search_run(prog, &o);
    ck_assert_uint_eq(res->n_viols, 0);
    ck_assert_int_eq(res->stop, SEARCH_COMPLETE);
    search_result_free(res);
    prog_free(prog);
}
END_TEST

/* The final breaks only where b wrote before a: x == 1, after 2 steps (b, then a). */
START_TEST(search_final_breaks_in_some_end_states)
{
    Program *prog = tm_compile("shared x = 0\n"
                               "thread a {\n"
                               "    x = 1\n"
                               "}\n"
                               "thread b {\n"
                               "    x = 2\n"
                               "}\n"
                               "final f: x == 2\n",
                               NULL, 0);
    SearchResult *res = tm_search(prog, false);
    ck_assert_uint_eq(res->n_states, 5);
    ck_assert_uint_eq(res->n_transitions, 4);
    const Violation *v = only_viol(res);
    ck_assert_int_eq(v->kind, VIOL_FINAL);
    ck_assert_int_eq(v->prop, 0);
    ck_assert_uint_eq(v->line, 8);
    ck_assert_uint_eq(v->depth, 2);
    ck_assert_ptr_null(v->message);
    const uint8_t *vec = store_vec(res->store, v->state);
    ck_assert(state_all_done(prog, vec));
    ck_assert_int_eq(state_var_get(prog, vec, 0, 0, 0), 1);
    ck_assert_uint_eq(store_parent(res->store, store_parent(res->store, v->state)), 0);
    search_result_free(res);
    prog_free(prog);
}
END_TEST

START_TEST(search_invariant_checked_on_initial_state)
{
    Program *prog = tm_compile("shared x = 0\n"
                               "thread t {\n"
                               "    x = 1\n"
                               "}\n"
                               "invariant positive: x > 0\n",
                               NULL, 0);
    SearchResult *res = tm_search(prog, false);
    const Violation *v = only_viol(res);
    ck_assert_int_eq(v->kind, VIOL_INVARIANT);
    ck_assert_uint_eq(v->state, 0);
    ck_assert_uint_eq(v->depth, 0);
    ck_assert_uint_eq(v->line, 5);
    ck_assert_uint_eq(res->n_states, 2);
    search_result_free(res);
    prog_free(prog);
}
END_TEST

/* A failing assert is a violation by step: the state it would make is not stored. */
START_TEST(search_assert_is_by_step)
{
    Program *prog = tm_compile("shared x = 0\n"
                               "thread t {\n"
                               "    x = 1\n"
                               "    assert x == 2\n"
                               "}\n",
                               NULL, 0);
    SearchResult *res = tm_search(prog, false);
    ck_assert_uint_eq(res->n_states, 2);
    ck_assert_uint_eq(res->n_transitions, 2);
    const Violation *v = only_viol(res);
    ck_assert_int_eq(v->kind, VIOL_ASSERT);
    ck_assert_int_eq(v->prop, -1);
    ck_assert_uint_eq(v->line, 4);
    ck_assert(v->by_step);
    ck_assert_uint_eq(v->state, 1);
    ck_assert_uint_eq(v->tid, 0);
    ck_assert_uint_eq(v->k, 0);
    ck_assert_uint_eq(v->depth, 2);
    ck_assert_ptr_nonnull(v->message);
    ck_assert_int_eq(res->stop, SEARCH_COMPLETE);
    search_result_free(res);
    prog_free(prog);
}
END_TEST

/* Four threads fail the same assert from many states: one violation, the earliest. A runtime
** error on another line is a second one. */
static const char *const many_failures = "shared x = 0\n"
                                         "thread w[4] {\n"
                                         "    x = x + 1\n"
                                         "    assert x < 2\n"
                                         "    x = 10 / (x - x)\n"
                                         "}\n"
                                         "final f: x == 0\n";

START_TEST(search_each_violation_once)
{
    Program *prog = tm_compile(many_failures, NULL, 0);
    SearchResult *res = tm_search(prog, false);
    ck_assert_uint_eq(res->n_viols, 2);
    ck_assert_int_eq(res->viols[0].kind, VIOL_ERROR);
    ck_assert_uint_eq(res->viols[0].line, 5);
    ck_assert_uint_eq(res->viols[0].depth, 3);
    ck_assert_uint_eq(res->viols[0].tid, 0);
    ck_assert_str_eq(res->viols[0].message, "division by zero");
    ck_assert_int_eq(res->viols[1].kind, VIOL_ASSERT);
    ck_assert_uint_eq(res->viols[1].line, 4);
    ck_assert_uint_eq(res->viols[1].depth, 3);
    ck_assert_uint_eq(res->viols[1].tid, 0);
    ck_assert_int_eq(res->stop, SEARCH_COMPLETE);
    search_result_free(res);
    prog_free(prog);
}
END_TEST

START_TEST(search_first_stops_at_first_violation)
{
    Program *prog = tm_compile(many_failures, NULL, 0);
    SearchOptions o = {.first = true};
    SearchResult *res = search_run(prog, &o);
    ck_assert_int_eq(res->stop, SEARCH_FIRST);
    ck_assert_uint_eq(res->n_viols, 1);
    ck_assert_int_eq(res->viols[0].kind, VIOL_ERROR);
    ck_assert_uint_eq(res->viols[0].depth, 3);
    search_result_free(res);
    prog_free(prog);
}
END_TEST

/* A property that cannot be evaluated is an error at the property's line. */
START_TEST(search_property_error)
{
    Program *prog = tm_compile("shared a[2] = 0\n"
                               "shared i = 0\n"
                               "thread t {\n"
                               "    i = 5\n"
                               "}\n"
                               "invariant fits: a[i] == 0\n",
                               NULL, 0);
    SearchResult *res = tm_search(prog, false);
    const Violation *v = only_viol(res);
    ck_assert_int_eq(v->kind, VIOL_ERROR);
    ck_assert_int_eq(v->prop, 0);
    ck_assert_uint_eq(v->line, 6);
    ck_assert_uint_eq(v->state, 1);
    ck_assert_uint_eq(v->depth, 1);
    ck_assert(!v->by_step);
    ck_assert_str_eq(v->message, "index 5 out of bounds for 'a' (size 2)");
    search_result_free(res);
    prog_free(prog);
}
END_TEST

/* Depth first explores the same states; every violation's depth is its path's length. */
START_TEST(search_dfs_matches_bfs)
{
    Define d = {"ITERS", 2};
    Program *prog = tm_compile_file("counter_race.weft", &d, 1);
    SearchResult *bfs = tm_search(prog, false);
    SearchResult *dfs = tm_search(prog, true);
    ck_assert_uint_eq(dfs->n_states, bfs->n_states);
    ck_assert_uint_eq(dfs->n_transitions, bfs->n_transitions);
    ck_assert_uint_eq(bfs->max_depth, 16);
    ck_assert_uint_eq(dfs->max_depth, 16);
    ck_assert_uint_eq(dfs->n_viols, 1);
    ck_assert_uint_eq(bfs->n_viols, 1);
    ck_assert_int_eq(dfs->viols[0].kind, VIOL_FINAL);
    uint32_t n_links = 0;
    for (StateId sid = dfs->viols[0].state; sid != 0; sid = store_parent(dfs->store, sid))
        n_links++;
    ck_assert_uint_eq(dfs->viols[0].depth, n_links);
    search_result_free(bfs);
    search_result_free(dfs);
    prog_free(prog);
}
END_TEST

/* DESIGN section 6: the count SPIN stores for the equivalent Promela model. */
START_TEST(search_counter_race_iters3_exact_count)
{
    Define d = {"ITERS", 3};
    Program *prog = tm_compile_file("counter_race.weft", &d, 1);
    ck_assert_uint_eq(prog->state_size, 22); /* counter 32 bits, 4 x (3-bit position, tmp 32) */
    SearchResult *res = tm_search(prog, false);
    ck_assert_int_eq(res->stop, SEARCH_COMPLETE);
    ck_assert_uint_eq(res->n_states, 2986377);
    ck_assert_uint_eq(res->max_depth, 24);
    ck_assert_uint_eq(res->n_viols, 1);
    ck_assert_uint_eq(res->viols[0].depth, 24);
    ck_assert_uint_le(res->memory_bytes / res->n_states, 38);
    search_result_free(res);
    prog_free(prog);
}
END_TEST

/* ---- the acceptance examples ---- */

/* Values of shared variable 'var' over every stored state where all threads have finished. */
static void end_values(const Program *prog, const SearchResult *res, uint32_t var, bool *seen,
                       int32_t max_value)
{
    for (StateId sid = 0; sid < res->n_states; sid++) {
        const uint8_t *vec = store_vec(res->store, sid);
        if (!state_all_done(prog, vec))
            continue;
        int32_t x = state_var_get(prog, vec, var, 0, 0);
        ck_assert_int_ge(x, 0);
        ck_assert_int_le(x, max_value);
        seen[x] = true;
    }
}

/* '# outcomes: NAME in {a, b, ...}' holds exactly (small non-negative values only). */
static void check_outcomes(const Program *prog, const SearchResult *res, const char *line)
{
    enum { MAX_VALUE = 63 };
    char name[64];
    int n_read = 0;
    ck_assert_int_eq(sscanf(line, "# outcomes: %63s in {%n", name, &n_read), 1);
    bool expect[MAX_VALUE + 1] = {0}, seen[MAX_VALUE + 1] = {0};
    for (const char *p = line + n_read; *p && *p != '}';) {
        char *end;
        long x = strtol(p, &end, 10);
        ck_assert_ptr_ne(end, p);
        ck_assert(x >= 0 && x <= MAX_VALUE);
        expect[x] = true;
        p = end + strspn(end, ", ");
    }
    uint32_t var = 0;
    while (var < prog->n_shared && strcmp(prog->vars[var].name, name) != 0)
        var++;
    ck_assert_uint_lt(var, prog->n_shared);
    end_values(prog, res, var, seen, MAX_VALUE);
    for (int x = 0; x <= MAX_VALUE; x++)
        ck_assert_msg(seen[x] == expect[x], "%s: outcome %s = %d %s", prog->model_name, name, x,
                      expect[x] ? "not reached" : "reached but not expected");
}

/* The verdict of '# expect: ok' or '# expect: violation KIND [LABEL]'. */
static void check_expect(const Program *prog, const SearchResult *res, const char *line)
{
    char kind[32] = "", label[64] = "", text[128];
    snprintf(text, sizeof text, "%.*s", (int)strcspn(line, "\n"), line);
    if (strncmp(text, "# expect: ok", 12) == 0) {
        ck_assert_msg(res->n_viols == 0, "%s: expected ok, found a %s violation", prog->model_name,
                      search_viol_kind_name(res->viols[0].kind));
        return;
    }
    ck_assert_int_ge(sscanf(text, "# expect: violation %31s %63s", kind, label), 1);
    bool is_found = false;
    for (size_t i = 0; i < res->n_viols; i++) {
        const Violation *v = &res->viols[i];
        if (strcmp(search_viol_kind_name(v->kind), kind) != 0)
            continue;
        if (label[0] && (v->prop < 0 || !prog->props[v->prop].label ||
                         strcmp(prog->props[v->prop].label, label) != 0))
            continue;
        is_found = true;
    }
    ck_assert_msg(is_found, "%s: no %s %s violation", prog->model_name, kind, label);
}

/* The line after the one 'p' is in, or NULL at the last. */
static const char *next_line(const char *p)
{
    const char *nl = strchr(p, '\n');
    return nl ? nl + 1 : NULL;
}

static const char *const examples[] = {
    "check_then_act.weft", "condvar_buffer.weft",  "counter_lock.weft",    "counter_race.weft",
    "lock_order.weft",     "queue_consumers.weft", "unlock_not_held.weft",
};

START_TEST(search_example_verdicts)
{
    Source *src = tm_example_source(examples[_i]);
    Program *prog = tm_compile_source(src, NULL, 0);
    for (int dfs = 0; dfs < 2; dfs++) {
        SearchResult *res = tm_search(prog, dfs);
        ck_assert_int_eq(res->stop, SEARCH_COMPLETE);
        int n_expect = 0;
        for (const char *p = src->text; p && *p == '#'; p = next_line(p)) {
            if (strncmp(p, "# expect:", 9) == 0) {
                check_expect(prog, res, p);
                n_expect++;
            } else if (strncmp(p, "# outcomes:", 11) == 0) {
                check_outcomes(prog, res, p);
            }
        }
        ck_assert_int_eq(n_expect, 1);
        search_result_free(res);
    }
    prog_free(prog);
    src_free(src);
}
END_TEST

/* ---- limits ---- */

START_TEST(search_max_states_stops_exactly)
{
    Program *prog = tm_compile_file("counter_race.weft", NULL, 0);
    SearchOptions o = {.max_states = 100};
    SearchResult *res = search_run(prog, &o);
    ck_assert_int_eq(res->stop, SEARCH_MAX_STATES);
    ck_assert_uint_eq(res->n_states, 100);
    search_result_free(res);
    /* A limit equal to the number of states does not cut the search short. */
    SearchResult *all = tm_search(prog, false);
    o.max_states = all->n_states;
    res = search_run(prog, &o);
    ck_assert_int_eq(res->stop, SEARCH_COMPLETE);
    ck_assert_uint_eq(res->n_states, all->n_states);
    ck_assert_uint_eq(res->n_viols, 1);
    search_result_free(res);
    search_result_free(all);
    prog_free(prog);
}
END_TEST

/* A breadth first search cut by --max-states says how deep it checked every schedule: each
** violation the whole search finds at that depth or less, the cut one finds too, on one thread
** and on two; it is below the deepest level reached, and -1 when the search was complete, depth
** first, or cut in level 0. */
START_TEST(search_cut_checks_every_short_schedule)
{
    Program *prog = tm_compile_file(examples[_i], NULL, 0);
    SearchResult *all = tm_search(prog, false);
    ck_assert_int_eq(all->checked_depth, -1);
    uint64_t n_checked = 0;
    for (uint64_t cut = 1; cut < all->n_states; cut += 1 + cut / 3) {
        for (uint32_t n_threads = 1; n_threads <= 2; n_threads++) {
            SearchOptions o = {.max_states = cut, .n_threads = n_threads, .solo_below = 2};
            SearchResult *res = search_run(prog, &o);
            ck_assert_int_eq(res->stop, SEARCH_MAX_STATES);
            ck_assert_int_lt(res->checked_depth, (int32_t)res->max_depth);
            for (size_t i = 0; i < all->n_viols; i++) {
                const Violation *v = &all->viols[i];
                if ((int32_t)v->depth > res->checked_depth)
                    continue;
                bool is_found = false;
                for (size_t j = 0; j < res->n_viols && !is_found; j++)
                    is_found = res->viols[j].kind == v->kind && res->viols[j].prop == v->prop &&
                               res->viols[j].line == v->line;
                ck_assert_msg(is_found, "%s, --max-states %llu: a violation at depth %u missed",
                              examples[_i], (unsigned long long)cut, v->depth);
                n_checked++;
            }
            search_result_free(res);
            o.dfs = true;
            o.n_threads = 1;
            res = search_run(prog, &o);
            ck_assert_int_eq(res->checked_depth, -1);
            search_result_free(res);
        }
    }
    SearchOptions o = {.max_states = 1};
    SearchResult *res = search_run(prog, &o);
    ck_assert_int_eq(res->checked_depth, -1); /* cut while expanding the initial state */
    search_result_free(res);
    /* these two break a property well before their last level: some cut checks it (the others
    ** break theirs in the last level, which no cut leaves whole) */
    if (!strcmp(examples[_i], "lock_order.weft") || !strcmp(examples[_i], "unlock_not_held.weft"))
        ck_assert_uint_gt(n_checked, 0);
    search_result_free(all);
    prog_free(prog);
}
END_TEST

static void assert_same_result(const Program *prog, const SearchResult *a, const SearchResult *b);

/* --max-depth D: the levels 0 .. D expanded and no deeper, on one thread, on two and with
** --compact alike: the states within D + 1 steps stored (a state's depth: its parent links in a
** whole search), every violation within D steps found, and the search complete once D reaches
** the deepest level. */
START_TEST(search_max_depth_bounds_levels)
{
    Program *prog = tm_compile_file(examples[_i], NULL, 0);
    SearchResult *all = tm_search(prog, false);
    uint32_t *depth = xcalloc(all->n_states, sizeof *depth);
    for (StateId sid = 1; sid < all->n_states; sid++) /* a parent is stored before its child */
        depth[sid] = depth[store_parent(all->store, sid)] + 1;
    for (uint32_t d = 1; d <= all->max_depth; d++) {
        uint64_t n_within = 0;
        for (uint64_t sid = 0; sid < all->n_states; sid++)
            n_within += depth[sid] <= d + 1;
        SearchOptions o = {.max_depth = d};
        SearchResult *one = search_run(prog, &o);
        if (d == all->max_depth) {
            ck_assert_int_eq(one->stop, SEARCH_COMPLETE);
            ck_assert_uint_eq(one->n_states, all->n_states);
        } else {
            ck_assert_int_eq(one->stop, SEARCH_MAX_DEPTH);
            ck_assert_int_eq(one->checked_depth, (int32_t)d);
            ck_assert_uint_eq(one->max_depth, d + 1);
            ck_assert_uint_eq(one->n_states, n_within);
        }
        for (size_t i = 0; i < all->n_viols; i++) {
            bool is_found = all->viols[i].depth > d;
            for (size_t j = 0; j < one->n_viols && !is_found; j++)
                is_found = one->viols[j].kind == all->viols[i].kind &&
                           one->viols[j].prop == all->viols[i].prop &&
                           one->viols[j].line == all->viols[i].line;
            ck_assert_msg(is_found, "%s, --max-depth %u: a violation at depth %u missed",
                          examples[_i], d, all->viols[i].depth);
        }
        o.n_threads = 2;
        o.solo_below = 2;
        SearchResult *two = search_run(prog, &o);
        assert_same_result(prog, one, two);
        search_result_free(two);
        o.compact = true;
        two = search_run(prog, &o);
        assert_same_result(prog, one, two);
        search_result_free(two);
        search_result_free(one);
    }
    free(depth);
    search_result_free(all);
    prog_free(prog);
}
END_TEST

START_TEST(search_max_memory_stops)
{
    Define d = {"ITERS", 3};
    Program *prog = tm_compile_file("counter_race.weft", &d, 1);
    for (int dfs = 0; dfs < 2; dfs++) {
        SearchOptions o = {.dfs = dfs, .max_memory = 4 << 20};
        SearchResult *res = search_run(prog, &o);
        ck_assert_int_eq(res->stop, SEARCH_MAX_MEMORY);
        ck_assert_uint_gt(res->n_states, 50000);
        ck_assert_uint_lt(res->n_states, 2986377);
        ck_assert_uint_le(store_memory_bytes(res->store), 4 << 20);
        search_result_free(res);
    }
    prog_free(prog);
}
END_TEST

/* A recorded graph of the counter race with N = 3, ITERS = 3 (26,260 states, 53,703
** transitions): every state's edges in id order, one edge a transition, end states with none. */
static void check_recorded_graph(const SearchResult *res)
{
    ck_assert_int_eq(res->stop, SEARCH_COMPLETE);
    ck_assert_uint_eq(res->n_states, 26260);
    const Graph *g = res->graph;
    ck_assert_ptr_nonnull(g);
    ck_assert_uint_eq(g->n, res->n_states);
    ck_assert_uint_eq(g->edges.len, res->n_transitions);
    ck_assert_uint_eq(g->first[0], 0);
    ck_assert_uint_eq(g->first[g->n], res->n_transitions);
    ck_assert_uint_eq(g->init, 0);
    uint64_t n_ends = 0;
    for (uint64_t s = 0; s < g->n; s++) {
        ck_assert_uint_le(g->first[s], g->first[s + 1]);
        n_ends += (g->flags[s] & SF_END) != 0;
        if (g->flags[s] & SF_END)
            ck_assert_uint_eq(g->first[s], g->first[s + 1]);
        for (uint64_t j = g->first[s]; j < g->first[s + 1]; j++)
            ck_assert_uint_lt(g->edges.items[j].to, g->n);
    }
    ck_assert_uint_eq(n_ends, 728); /* as many as count.c's graph_build finds (below) */
}

/* SearchOptions.record_graph: a breadth first search, on any number of threads, hands count.c
** its state graph; a depth first one or --compact does not, nor a search that did not
** complete; and a memory budget with room for the search but not for the graph drops the
** graph, not the search. */
START_TEST(search_records_graph)
{
    Define d[2] = {{"N", 3}, {"ITERS", 3}};
    Program *prog = tm_compile_file("counter_race.weft", d, 2);
    size_t peak[2] = {0};
    for (uint32_t j = 1; j <= 3; j++) {
        SearchOptions o = {.record_graph = true, .n_threads = j, .solo_below = 2};
        SearchResult *res = search_run(prog, &o);
        check_recorded_graph(res);
        if (j <= 2) /* the store's and the level arrays' peak; the graph is 1 MB more */
            peak[j - 1] = res->memory_bytes;
        search_result_free(res);
    }
    SearchOptions others[] = {{.record_graph = true, .dfs = true},
                              {.record_graph = true, .compact = true},
                              {.record_graph = true, .max_states = 1000},
                              {.record_graph = true, .max_memory = peak[0] + (256 << 10)},
                              {.record_graph = true,
                               .n_threads = 2,
                               .solo_below = 2,
                               .max_memory = peak[1] + (256 << 10)}};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        SearchResult *res = search_run(prog, &others[i]);
        ck_assert_msg(res->stop == (i == 2 ? SEARCH_MAX_STATES : SEARCH_COMPLETE),
                      "setting %zu stopped %d", i, (int)res->stop);
        ck_assert_msg(res->graph == NULL, "setting %zu kept its graph", i);
        if (i >= 3) { /* the graph built after the search: the same end states */
            CountOptions co = {0};
            Analysis *an = count_run(prog, res, &co);
            ck_assert_uint_eq(an->n_end_states, 728);
            count_free(an);
        }
        search_result_free(res);
    }
    prog_free(prog);
}
END_TEST

/* Two threads that loop forever: a state graph with cycles, steps that fail, no end state. */
static const char *const cyclic_model = "shared x = 0\n"
                                        "shared y = 0\n"
                                        "thread t[2] {\n"
                                        "    while true {\n"
                                        "        x = (x + 1) % 4\n"
                                        "        assert x != 3 || y == 0\n"
                                        "        y = 1 - y\n"
                                        "    }\n"
                                        "}\n";

/* A recorded graph in which the search sees a step close a cycle: on any number of threads it
** is marked cyclic and, unless SearchOptions.keep_cyclic_edges, keeps only its flags, the same
** flags as with the edges; the analyses give what they give on the graph built after the
** search, and --fewest-preemptions, which walks the edges, gets them built. */
START_TEST(search_drops_edges_of_cyclic_graph)
{
    Program *prog = tm_compile(cyclic_model, NULL, 0);
    SearchOptions keep = {.record_graph = true, .keep_cyclic_edges = true};
    SearchResult *full = search_run(prog, &keep);
    ck_assert_ptr_nonnull(full->graph);
    ck_assert(full->graph->is_cyclic && !full->graph->is_edgeless);
    ck_assert_uint_eq(full->graph->edges.len, full->n_transitions);
    ck_assert_uint_eq(full->n_states, 63);
    SearchResult *plain = tm_search(prog, false); /* no graph: count.c builds one */
    CountOptions co = {0}, fewest = {.fewest_preemptions = true};
    Analysis *want = count_run(prog, plain, &co), *want_fewest = count_run(prog, full, &fewest);
    ck_assert(want->is_cyclic);
    ck_assert_uint_eq(want->n_violating_states, 3);
    ck_assert_ptr_nonnull(want_fewest->fewest[0]);
    for (uint32_t j = 1; j <= 3; j++) {
        SearchOptions o = {.record_graph = true, .n_threads = j, .solo_below = 2};
        SearchResult *res = search_run(prog, &o);
        const Graph *g = res->graph;
        ck_assert_ptr_nonnull(g);
        ck_assert_msg(g->is_cyclic && g->is_edgeless, "-j %u kept the edges of a cycle", j);
        ck_assert(g->first == NULL && g->edges.len == 0 && g->fails.len == 0);
        ck_assert_uint_eq(g->n, full->graph->n);
        ck_assert_mem_eq(g->flags, full->graph->flags, g->n);
        /* the analysis needs no room for edges, but to walk them */
        ck_assert_uint_eq(count_memory_estimate(res, &co), res->n_states * sizeof(StateId));
        ck_assert_uint_ge(count_memory_estimate(res, &fewest), res->n_transitions * sizeof(Edge));
        Analysis *an = count_run(prog, res, &co);
        ck_assert(an->is_cyclic);
        ck_assert_uint_eq(an->n_violating_states, want->n_violating_states);
        ck_assert_uint_eq(an->n_outcomes, want->n_outcomes);
        count_free(an);
        an = count_run(prog, res, &fewest);
        ck_assert_ptr_nonnull(an->fewest[0]);
        ck_assert_uint_eq(an->fewest[0]->n_steps, want_fewest->fewest[0]->n_steps);
        count_free(an);
        search_result_free(res);
    }
    count_free(want);
    count_free(want_fewest);
    search_result_free(plain);
    search_result_free(full);
    prog_free(prog);
}
END_TEST

/* A step whose outcome index does not fit in an edge (EDGE_K_LIMIT or more) keeps it in the
** graph's list of wide steps, on any number of threads: thread a picks one of 20,000
** branches, thread b steps once. */
START_TEST(search_records_wide_steps)
{
    enum { BRANCHES = 20000 };
    size_t cap = 64 + (size_t)BRANCHES * 32, len = 0;
    char *text = xmalloc(cap);
    len += (size_t)snprintf(text + len, cap - len, "shared x = 0\nshared y = 0\nthread a {\n");
    for (int i = 0; i < BRANCHES; i++)
        len +=
            (size_t)snprintf(text + len, cap - len, "%s { x = %d }", i ? " or" : "    choose", i);
    snprintf(text + len, cap - len, "\n}\nthread b {\n    y = 1\n}\n");
    Program *prog = tm_compile(text, NULL, 0);
    free(text);
    for (uint32_t j = 1; j <= 2; j++) {
        SearchOptions o = {.record_graph = true, .n_threads = j, .solo_below = 2};
        SearchResult *res = search_run(prog, &o);
        const Graph *g = res->graph;
        ck_assert_ptr_nonnull(g);
        /* from the initial state and from the one where b moved first: 20,000 - 2^14 each */
        ck_assert_uint_eq(g->wides.len, 2 * (BRANCHES - EDGE_K_LIMIT));
        const Edge *e = g->edges.items + g->first[g->init];
        ck_assert_uint_eq(g->first[g->init + 1] - g->first[g->init], BRANCHES + 1);
        for (uint32_t k = 0; k < BRANCHES; k++) {
            ck_assert_uint_eq(e[k].is_wide, k >= EDGE_K_LIMIT);
            ck_assert_uint_eq(edge_tid(g, &e[k]), 0);
            ck_assert_uint_eq(edge_k(g, &e[k]), k);
        }
        ck_assert_uint_eq(edge_tid(g, &e[BRANCHES]), 1);
        ck_assert_uint_eq(edge_k(g, &e[BRANCHES]), 0);
        CountOptions co = {.fewest_preemptions = true};
        Analysis *an = count_run(prog, res, &co);
        ck_assert_str_eq(an->n_schedules,
                         "60000"); /* each branch, then its body: b first, between or last */
        ck_assert_uint_eq(an->n_outcomes, BRANCHES);
        count_free(an);
        search_result_free(res);
    }
    prog_free(prog);
}
END_TEST

START_TEST(search_time_limit_stops)
{
    Define d = {"ITERS", 3};
    Program *prog = tm_compile_file("counter_race.weft", &d, 1);
    SearchOptions o = {.time_limit = 0.05};
    SearchResult *res = search_run(prog, &o);
    ck_assert_int_eq(res->stop, SEARCH_TIME_LIMIT);
    ck_assert_uint_lt(res->n_states, 2986377);
    ck_assert_double_lt(res->seconds, 5.0);
    search_result_free(res);
    prog_free(prog);
}
END_TEST

/* The searches an interrupt is tried on: one thread breadth and depth first, two and four
** workers, --compact. */
static const SearchOptions interrupt_setups[] = {
    {.dfs = false}, {.dfs = true}, {.n_threads = 2}, {.n_threads = 4}, {.compact = true}};

/* An interrupt flag set before the search: the initial state is stored and checked, no step is
** taken. */
START_TEST(search_interrupted_before_it_began)
{
    Program *prog = tm_compile_file("counter_race.weft", NULL, 0);
    atomic_int flag = 1;
    SearchOptions o = interrupt_setups[_i];
    o.interrupt = &flag;
    SearchResult *res = search_run(prog, &o);
    ck_assert_int_eq(res->stop, SEARCH_INTERRUPTED);
    ck_assert(search_is_partial(res));
    ck_assert_uint_eq(res->n_states, 1);
    ck_assert_uint_eq(res->n_transitions, 0);
    ck_assert_uint_eq(res->n_viols, 0);
    search_result_free(res);
    prog_free(prog);
}
END_TEST

/* Set the interrupt flag (ctx) from the search's progress callback, as a signal would. */
static void interrupt_from_progress(void *ctx, const SearchProgress *p)
{
    (void)p;
    atomic_store((atomic_int *)ctx, 1);
}

/* An interrupt while the search runs stops it where it next looks at the clock: a partial
** result, its levels before the cut whole (breadth first). */
START_TEST(search_interrupted_while_running)
{
    Define d = {"ITERS", 3};
    Program *prog = tm_compile_file("counter_race.weft", &d, 1);
    atomic_int flag = 0;
    SearchOptions o = interrupt_setups[_i];
    o.interrupt = &flag;
    o.progress = interrupt_from_progress;
    o.progress_ctx = &flag;
    SearchResult *res = search_run(prog, &o);
    ck_assert_int_eq(res->stop, SEARCH_INTERRUPTED);
    ck_assert(search_is_partial(res));
    ck_assert_uint_gt(res->n_states, 1);
    ck_assert_uint_lt(res->n_states, 2986377);
    if (!o.dfs)
        ck_assert_int_ge(res->checked_depth, 0);
    search_result_free(res);
    prog_free(prog);
}
END_TEST

/* ---- statements that never run (report_never_run) ---- */

/* Dead code of every kind: a branch whose test never holds (inside a 'repeat', so the statement
** has two positions, neither run), an 'await' that never passes and what follows it, a 'wait'
** never signalled and what follows it. */
static const char *const dead_model = "shared x = 0\n"
                                      "shared ready = false\n"
                                      "mutex m\n"
                                      "cond c\n"
                                      "thread worker[2] {\n"
                                      "    repeat 2 {\n"
                                      "        if x > 10 {\n"
                                      "            x = 0\n"
                                      "        }\n"
                                      "        x = x + 1\n"
                                      "    }\n"
                                      "    await ready\n"
                                      "    x = 5\n"
                                      "}\n"
                                      "thread sleeper {\n"
                                      "    lock m\n"
                                      "    wait c, m\n"
                                      "    unlock m\n"
                                      "}\n";

static void assert_dead_model_never_run(const Program *prog, const SearchResult *res)
{
    static const struct {
        const char *thread;
        uint32_t line;
        const char *text, *why;
    } want[] = {{"worker", 8, "x = 0", "never reached"},
                {"worker", 12, "await ready", "always blocked"},
                {"worker", 13, "x = 5", "never reached"},
                {"sleeper", 17, "wait c, m", "never woken"},
                {"sleeper", 18, "unlock m", "never reached"}};
    size_t n;
    NeverRun *nr = report_never_run(prog, res, &n);
    ck_assert_uint_eq(n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < n; i++) {
        ck_assert_str_eq(prog->templates[nr[i].tmpl].name, want[i].thread);
        ck_assert_uint_eq(nr[i].line, want[i].line);
        ck_assert_str_eq(nr[i].text, want[i].text);
        ck_assert_str_eq(nr[i].why, want[i].why);
    }
    free(nr);
}

/* The same statements whatever searched the model: one thread breadth or depth first, the level
** search on 1 to 3 workers, --compact; none after an incomplete search, and none in a model
** whose every statement runs. */
START_TEST(search_reports_statements_never_run)
{
    Program *prog = tm_compile(dead_model, NULL, 0);
    for (int dfs = 0; dfs < 2; dfs++) {
        SearchResult *res = tm_search(prog, dfs);
        assert_dead_model_never_run(prog, res);
        search_result_free(res);
    }
    for (uint32_t j = 1; j <= 3; j++) {
        for (int compact = 0; compact < 2; compact++) {
            SearchOptions o = {.n_threads = j, .solo_below = 2, .compact = compact};
            SearchResult *res = search_run(prog, &o);
            assert_dead_model_never_run(prog, res);
            search_result_free(res);
        }
    }
    SearchOptions cut = {.n_threads = 1, .max_states = 5};
    SearchResult *res = search_run(prog, &cut);
    ck_assert_int_eq(res->stop, SEARCH_MAX_STATES);
    size_t n;
    ck_assert_ptr_null(report_never_run(prog, res, &n));
    ck_assert_uint_eq(n, 0);
    search_result_free(res);
    prog_free(prog);
    prog = tm_compile(tm_counter_race, NULL, 0);
    res = tm_search(prog, false);
    ck_assert_ptr_null(report_never_run(prog, res, &n));
    ck_assert_uint_eq(n, 0);
    search_result_free(res);
    prog_free(prog);
}
END_TEST

START_TEST(search_result_free_null_does_nothing)
{
    search_result_free(NULL);
    ck_assert_str_eq(search_viol_kind_name(VIOL_DEADLOCK), "deadlock");
    ck_assert_str_eq(search_viol_kind_name(VIOL_INVARIANT), "invariant");
}
END_TEST

/* ---- threads: -j N and --compact give the single-thread answer ---- */

/* Every kind of violation, several in many states, and a deadlock. */
static const char *const mixed_model = "shared x = 0\n"
                                       "shared y = 0\n"
                                       "mutex m\n"
                                       "thread a[3] {\n"
                                       "    local t = 0\n"
                                       "    t = x\n"
                                       "    x = t + 1\n"
                                       "    if x == 2 {\n"
                                       "        y = y + 1\n"
                                       "    }\n"
                                       "    assert x != 3\n"
                                       "}\n"
                                       "thread b {\n"
                                       "    lock m\n"
                                       "    await y > 5\n"
                                       "}\n"
                                       "invariant small: x < 3\n"
                                       "invariant div: 10 / (2 - y) >= 0\n"
                                       "final none: y == 0\n";

/* The vectors along the parent chain of each violation of 'a' equal those of 'b'. */
static void assert_same_chains(const Program *prog, const SearchResult *a, const SearchResult *b)
{
    for (size_t i = 0; i < a->n_viols; i++) {
        const Violation *va = &a->viols[i], *vb = &b->viols[i];
        uint32_t n_links = va->depth - (va->by_step ? 1 : 0);
        size_t bytes = (size_t)(n_links + 1) * prog->state_size;
        uint8_t *pa = malloc(bytes), *pb = malloc(bytes);
        search_path_states(prog, a, va->state, n_links, pa);
        search_path_states(prog, b, vb->state, n_links, pb);
        ck_assert_msg(memcmp(pa, pb, bytes) == 0, "violation %zu: the schedules differ", i);
        free(pa);
        free(pb);
    }
}

/* Every state 'b' (a complete search, not --compact) stored has the canonical parent it has in
** 'a': the parent whose vector is the same. The canonical parent is the first one in the
** single-thread order, so a level settled in any other order gives some state another one. */
static void assert_same_parents(const Program *prog, const SearchResult *a, const SearchResult *b)
{
    uint32_t len = prog->state_size;
    for (StateId sid = 0; sid < b->n_states; sid++) {
        const uint8_t *vec = store_vec(b->store, sid);
        StateId in_a = store_find(a->store, vec, state_hash(vec, len));
        ck_assert_uint_ne(in_a, STATE_ID_NONE);
        StateId pa = store_parent(a->store, in_a), pb = store_parent(b->store, sid);
        ck_assert_uint_eq(pa == STATE_ID_NONE, pb == STATE_ID_NONE);
        if (pa != STATE_ID_NONE)
            ck_assert_msg(memcmp(store_vec(a->store, pa), store_vec(b->store, pb), len) == 0,
                          "state %u: another parent than the single-thread search's", sid);
    }
}

/* 'b' reports what 'a' does: why it stopped, the counts, the violations in order with their
** schedules (state ids may differ: they are never reported), and after a complete search every
** state's parent. */
static void assert_same_result(const Program *prog, const SearchResult *a, const SearchResult *b)
{
    ck_assert_int_eq(a->stop, b->stop);
    ck_assert_uint_eq(a->n_states, b->n_states);
    ck_assert_uint_eq(a->n_transitions, b->n_transitions);
    ck_assert_uint_eq(a->max_depth, b->max_depth);
    ck_assert_int_eq(a->checked_depth, b->checked_depth);
    ck_assert_uint_eq(a->n_viols, b->n_viols);
    for (size_t i = 0; i < a->n_viols; i++) {
        const Violation *va = &a->viols[i], *vb = &b->viols[i];
        ck_assert_int_eq(va->kind, vb->kind);
        ck_assert_int_eq(va->prop, vb->prop);
        ck_assert_uint_eq(va->line, vb->line);
        ck_assert_int_eq(va->by_step, vb->by_step);
        ck_assert_uint_eq(va->tid, vb->tid);
        ck_assert_uint_eq(va->k, vb->k);
        ck_assert_uint_eq(va->depth, vb->depth);
        ck_assert_str_eq(va->message ? va->message : "", vb->message ? vb->message : "");
    }
    assert_same_chains(prog, a, b);
    if (a->stop == SEARCH_COMPLETE && !a->is_compact && !b->is_compact)
        assert_same_parents(prog, a, b);
}

/* Option sets every model is searched with: plain, --first, cuts by --max-states (50000: in the
** middle of a level wide enough for the workers to share, on the model of wide levels). */
static const SearchOptions option_sets[] = {
    {0},
    {.first = true},
    {.max_states = 100},
    {.max_states = 7},
    {.max_states = 50000},
    {.first = true, .no_deadlock = true},
};

/* Search 'prog' with each option set on 1 thread, then on 2, 3 and 8 and with --compact; and on
** 2, 3 and 4 (four settlers) with the workers sharing every level of 2 states or more
** (solo_below), not only the levels of 1024: the examples' levels are mostly narrower. */
static void check_threads_agree(const Program *prog)
{
    static const struct {
        uint32_t n_threads, solo_below;
        bool compact;
    } settings[] = {{2, 0, false}, {3, 0, false}, {8, 0, false}, {1, 0, true}, {2, 0, true},
                    {2, 2, false}, {3, 2, false}, {4, 2, false}, {2, 2, true}};
    for (size_t o = 0; o < sizeof option_sets / sizeof *option_sets; o++) {
        SearchOptions opt = option_sets[o];
        SearchResult *one = search_run(prog, &opt);
        for (size_t t = 0; t < sizeof settings / sizeof *settings; t++) {
            opt.n_threads = settings[t].n_threads;
            opt.solo_below = settings[t].solo_below;
            opt.compact = settings[t].compact;
            SearchResult *many = search_run(prog, &opt);
            ck_assert_int_eq(many->is_compact, opt.compact);
            assert_same_result(prog, one, many);
            search_result_free(many);
        }
        search_result_free(one);
    }
}

START_TEST(search_threads_agree_on_examples)
{
    Program *prog = tm_compile_file(examples[_i], NULL, 0);
    check_threads_agree(prog);
    prog_free(prog);
}
END_TEST

START_TEST(search_threads_agree_on_mixed_violations)
{
    Program *prog = tm_compile(mixed_model, NULL, 0);
    SearchResult *res = tm_search(prog, false);
    ck_assert_uint_eq(res->n_viols, 5); /* invariant, error, assert, deadlock, final */
    search_result_free(res);
    check_threads_agree(prog);
    prog_free(prog);
}
END_TEST

/* Levels wide enough for every worker to take part (over 4096 states), each worker filling
** new states from its own block of ids, holes moved away at each level's end, and an invariant
** broken on many states of a wide level: its candidates follow the states that move. */
START_TEST(search_threads_agree_on_wide_levels)
{
    Program *prog = tm_compile("const N = 4\n"
                               "shared counter = 0\n"
                               "thread worker[N] {\n"
                               "    local tmp = 0\n"
                               "    repeat 2 {\n"
                               "        tmp = counter\n"
                               "        counter = tmp + 1\n"
                               "    }\n"
                               "}\n"
                               "invariant low: counter <= 5\n"
                               "final total: counter == 8\n",
                               NULL, 0);
    SearchResult *res = tm_search(prog, false);
    ck_assert_uint_eq(res->n_states, 107177);
    ck_assert_uint_eq(res->n_viols, 2);
    search_result_free(res);
    check_threads_agree(prog);
    prog_free(prog);
}
END_TEST

/* A model of one thread whose first step is a 'choose' of n branches: branch i sets x to 0 if
** i < n_zero, else to i. (The caller frees it.) */
static char *choose_model(int n, int n_zero)
{
    StrBuf b = {0};
    strbuf_addf(&b, "shared x = 0\nthread t {\n    choose { x = 0 }\n");
    for (int i = 1; i < n; i++)
        strbuf_addf(&b, "    or { x = %d }\n", i < n_zero ? 0 : i);
    strbuf_addf(&b, "}\n");
    return strbuf_take(&b, "");
}

/* A level whose new states nearly all come from its last, partial chunk of ranks: the ranks of a
** one-thread 'choose' of 1100 branches, where the first 1088 (17 whole chunks of 64) all reach
** the same state and each of the last 12 its own. The second settler's share of the new level
** is then empty and starts inside that last chunk; it settled the chunk a second time, writing
** past the new level's order (heap corruption, and an abort in free() at the search's end, with
** every -j above 1, the default on two CPUs included). */
START_TEST(search_threads_settle_a_tail_heavy_level)
{
    char *text = choose_model(1100, 1088);
    Program *prog = tm_compile(text, NULL, 0);
    SearchResult *res = tm_search(prog, false);
    ck_assert_uint_eq(res->n_states, 1114); /* 1 + 1100 + 13 */
    search_result_free(res);
    check_threads_agree(prog);
    prog_free(prog);
    free(text);
}
END_TEST

/* A level that grows 5000 times (a 'choose' of 5000 branches from the initial state) is not
** taken to say that the next one will: the workers grew the store's tables for 5000 times as
** many states again, 320 MiB for 10,001 states (20,000 branches: 5 GB and 14 s). */
START_TEST(search_threads_reserve_after_a_sudden_growth)
{
    char *text = choose_model(5000, 0);
    Program *prog = tm_compile(text, NULL, 0);
    SearchOptions o = {.n_threads = 2};
    SearchResult *res = search_run(prog, &o);
    ck_assert_uint_eq(res->n_states, 10001);
    ck_assert_msg(res->memory_bytes < 4u << 20, "%zu bytes for 10,001 states", res->memory_bytes);
    search_result_free(res);
    prog_free(prog);
    free(text);
}
END_TEST

/* The acceptance count with two workers, and the parents that make its schedule. */
START_TEST(search_threads_counter_race_iters3_exact_count)
{
    Define d = {"ITERS", 3};
    Program *prog = tm_compile_file("counter_race.weft", &d, 1);
    SearchOptions o = {.n_threads = 2};
    SearchResult *res = search_run(prog, &o);
    ck_assert_int_eq(res->stop, SEARCH_COMPLETE);
    ck_assert_uint_eq(res->n_states, 2986377);
    ck_assert_uint_eq(res->n_transitions, 8106620);
    ck_assert_uint_eq(res->max_depth, 24);
    ck_assert_uint_eq(res->n_viols, 1);
    ck_assert_uint_eq(res->viols[0].depth, 24);
    search_result_free(res);
    prog_free(prog);
}
END_TEST

START_TEST(search_threads_max_memory_stops)
{
    Define d = {"ITERS", 3};
    Program *prog = tm_compile_file("counter_race.weft", &d, 1);
    for (int compact = 0; compact < 2; compact++) {
        SearchOptions o = {.n_threads = 2, .compact = compact, .max_memory = 4 << 20};
        SearchResult *res = search_run(prog, &o);
        ck_assert_int_eq(res->stop, SEARCH_MAX_MEMORY);
        ck_assert_uint_gt(res->n_states, 20000);
        ck_assert_uint_lt(res->n_states, 2986377);
        ck_assert_uint_le(store_memory_bytes(res->store), 4 << 20);
        search_result_free(res);
    }
    prog_free(prog);
}
END_TEST

/* --max-states cutting a level whose states have hundreds of successors each: the workers
** stop expanding once the states known to lie before the cut pass the quota, rank by rank, so
** they store little past the cut. Finishing each claimed chunk of 64 ranks, two workers stored
** up to 38,000 states past it (30 times the quota in a model of 2,000 threads). */
START_TEST(search_threads_max_states_stores_little_past_the_cut)
{
    Program *prog = tm_compile("const N = 300\n"
                               "thread t[N] {\n"
                               "    local a = 0\n"
                               "    a = 1\n"
                               "    a = 2\n"
                               "}\n",
                               NULL, 0);
    uint64_t lo = 1 + 300 + 45150, quota = 3000; /* the third level starts at lo */
    for (uint32_t n_threads = 1; n_threads <= 2; n_threads++) {
        SearchOptions o = {.n_threads = n_threads, .max_states = lo + quota};
        SearchResult *res = search_run(prog, &o);
        ck_assert_int_eq(res->stop, SEARCH_MAX_STATES);
        ck_assert_uint_eq(res->n_states, lo + quota);
        ck_assert_uint_eq(res->max_depth, 3);
        /* each worker: at most the quota and one state's successors, and its unused ids */
        ck_assert_uint_le(store_count(res->store), lo + n_threads * (quota + 300 + 256));
        search_result_free(res);
    }
    prog_free(prog);
}
END_TEST

/* --first finding a violation while expanding a wide level, states of 300 successors each: the
** level search (here --compact on one worker, where what it stores is certain) stops after the
** batch that found it, a batch being 16 states or fewer once their successors pass 512. It
** finished its chunk of 64 states: 19,200 states past the level's start. */
START_TEST(search_first_stores_little_past_the_violation)
{
    Program *prog = tm_compile("const N = 300\n"
                               "shared c = 0\n"
                               "thread t[N] {\n"
                               "    local a = 0\n"
                               "    a = 1\n"
                               "    a = 2\n"
                               "    c = 1\n"
                               "}\n"
                               "invariant zero: c == 0\n",
                               NULL, 0);
    uint64_t lo = 1 + 300 + 45150; /* the third level starts at lo */
    SearchOptions o = {.n_threads = 1, .compact = true, .first = true};
    SearchResult *res = search_run(prog, &o);
    ck_assert_int_eq(res->stop, SEARCH_FIRST);
    ck_assert_uint_eq(res->n_viols, 1);
    ck_assert_int_eq(res->viols[0].kind, VIOL_INVARIANT);
    ck_assert_uint_eq(res->viols[0].depth, 3);
    ck_assert_uint_eq(res->n_states, lo + 1);
    ck_assert_uint_le(store_count(res->store), lo + 2 * 300 + 256);
    search_result_free(res);
    prog_free(prog);
}
END_TEST

/* When the limits are looked at: after LIMITS_EVERY states, or once their successors make
** LIMITS_BYTES, whichever comes first, counting again from zero after each look. */
START_TEST(search_pacer_counts_states_and_bytes)
{
    Pacer p = {0};
    for (int i = 1; i < LIMITS_EVERY; i++)
        ck_assert(!search_pacer_due(&p, 1, 3, 20));
    ck_assert(search_pacer_due(&p, 1, 3, 20));
    ck_assert(!search_pacer_due(&p, 1, 1000, 8192)); /* 8,192,000 bytes */
    ck_assert(!search_pacer_due(&p, 6, 6000, 8192)); /* 57,344,000 */
    ck_assert(!search_pacer_due(&p, 1, 1000, 8192)); /* 65,536,000 */
    ck_assert(search_pacer_due(&p, 1, 200, 8192));   /* 67,174,400: past 64 MiB */
    ck_assert(!search_pacer_due(&p, 1, 0, 8192));
    ck_assert(search_pacer_due(&p, 10, (LIMITS_BYTES >> 10) + 1, 1024));
}
END_TEST

/* The clock is looked at by the bytes of successors made, not only every 4,096 states: here one
** state has 1,000 successors of 8 KB, and 4,096 of them would make 33 GB (a search with
** --time-limit 5 ran 75 s). The budget of 2 GiB would take gigabytes a second to reach in
** 0.05 s; the search stops for the clock long before, on one thread and on two. */
START_TEST(search_time_limit_paced_by_bytes)
{
    Program *prog = tm_compile("const N = 1000\n"
                               "shared a[2000] = 0\n"
                               "shared counter = 0\n"
                               "thread worker[N] {\n"
                               "    local tmp = 0\n"
                               "    tmp = counter\n"
                               "    counter = tmp + 1\n"
                               "}\n",
                               NULL, 0);
    ck_assert_uint_gt(prog->state_size, 8000);
    for (uint32_t n_threads = 1; n_threads <= 2; n_threads++) {
        SearchOptions o = {.n_threads = n_threads, .time_limit = 0.05, .max_memory = 2u << 30};
        SearchResult *res = search_run(prog, &o);
        ck_assert_int_eq(res->stop, SEARCH_TIME_LIMIT);
        ck_assert_uint_lt(res->n_transitions, 4096 * 1000);
        search_result_free(res);
    }
    prog_free(prog);
}
END_TEST

START_TEST(search_threads_time_limit_stops)
{
    Define d = {"ITERS", 3};
    Program *prog = tm_compile_file("counter_race.weft", &d, 1);
    SearchOptions o = {.n_threads = 4, .time_limit = 0.05};
    SearchResult *res = search_run(prog, &o);
    ck_assert_int_eq(res->stop, SEARCH_TIME_LIMIT);
    ck_assert_uint_lt(res->n_states, 2986377);
    ck_assert_double_lt(res->seconds, 5.0);
    search_result_free(res);
    prog_free(prog);
}
END_TEST

START_TEST(search_compact_omission_probability)
{
    Program *prog = tm_compile(two_threads, NULL, 0);
    SearchOptions o = {.compact = true};
    SearchResult *res = search_run(prog, &o);
    ck_assert_uint_eq(res->n_states, 4);
    ck_assert_double_eq(search_omission_probability(res), 16.0 / 0x1p65);
    o.compact = false;
    SearchResult *full = search_run(prog, &o);
    ck_assert_double_eq(search_omission_probability(full), 0.0);
    search_result_free(full);
    search_result_free(res);
    prog_free(prog);
}
END_TEST

/* Three quarters of MemAvailable: positive, and below the machine's memory. */
START_TEST(search_default_max_memory_is_a_share)
{
    FILE *f = fopen("/proc/meminfo", "r");
    ck_assert_ptr_nonnull(f);
    char line[256];
    unsigned long long total_kib = 0;
    while (fgets(line, sizeof line, f) && sscanf(line, "MemTotal: %llu kB", &total_kib) != 1)
        ;
    fclose(f);
    size_t bytes = search_default_max_memory();
    ck_assert_uint_gt(bytes, 0);
    ck_assert_uint_le(bytes, total_kib * 1024 / 4 * 3);
}
END_TEST

Suite *search_suite(void)
{
    Suite *s = suite_create("search");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, search_one_thread_three_steps);
    tcase_add_test(tc, search_two_independent_threads);
    tcase_add_test(tc, search_bfs_ids_follow_levels);
    tcase_add_test(tc, search_deadlock_only);
    tcase_add_test(tc, search_final_breaks_in_some_end_states);
    tcase_add_test(tc, search_invariant_checked_on_initial_state);
    tcase_add_test(tc, search_assert_is_by_step);
    tcase_add_test(tc, search_each_violation_once);
    tcase_add_test(tc, search_first_stops_at_first_violation);
    tcase_add_test(tc, search_property_error);
    tcase_add_test(tc, search_dfs_matches_bfs);
    tcase_add_test(tc, search_reports_statements_never_run);
    tcase_add_loop_test(tc, search_example_verdicts, 0, sizeof examples / sizeof *examples);
    tcase_add_test(tc, search_result_free_null_does_nothing);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);

    tc = tcase_create("limits");
    tcase_add_test(tc, search_max_states_stops_exactly);
    tcase_add_loop_test(tc, search_cut_checks_every_short_schedule, 0,
                        sizeof examples / sizeof *examples);
    tcase_add_loop_test(tc, search_max_depth_bounds_levels, 0, sizeof examples / sizeof *examples);
    tcase_add_test(tc, search_max_memory_stops);
    tcase_add_test(tc, search_records_graph);
    tcase_add_test(tc, search_drops_edges_of_cyclic_graph);
    tcase_add_test(tc, search_records_wide_steps);
    tcase_add_test(tc, search_time_limit_stops);
    tcase_add_loop_test(tc, search_interrupted_before_it_began, 0,
                        sizeof interrupt_setups / sizeof *interrupt_setups);
    tcase_add_loop_test(tc, search_interrupted_while_running, 0,
                        sizeof interrupt_setups / sizeof *interrupt_setups);
    tcase_add_test(tc, search_counter_race_iters3_exact_count);
    tcase_add_test(tc, search_default_max_memory_is_a_share);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

    tc = tcase_create("threads");
    tcase_add_loop_test(tc, search_threads_agree_on_examples, 0,
                        sizeof examples / sizeof *examples);
    tcase_add_test(tc, search_threads_agree_on_mixed_violations);
    tcase_add_test(tc, search_threads_agree_on_wide_levels);
    tcase_add_test(tc, search_threads_settle_a_tail_heavy_level);
    tcase_add_test(tc, search_threads_reserve_after_a_sudden_growth);
    tcase_add_test(tc, search_compact_omission_probability);
    tcase_add_test(tc, search_threads_max_memory_stops);
    tcase_add_test(tc, search_threads_max_states_stores_little_past_the_cut);
    tcase_add_test(tc, search_first_stores_little_past_the_violation);
    tcase_add_test(tc, search_time_limit_paced_by_bytes);
    tcase_add_test(tc, search_pacer_counts_states_and_bytes);
    tcase_add_test(tc, search_threads_time_limit_stops);
    tcase_add_test(tc, search_threads_counter_race_iters3_exact_count);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}
