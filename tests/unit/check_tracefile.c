/*
** check_tracefile.c -- JSON traces written and read back, replay, simulate, the JSON state
** object and '# expect:' lines.
**
** Models go through the whole front end and a breadth-first search; every JSON text is parsed
** back with json-c and checked field by field.
*/
#include <check.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diag.h"
#include "expect.h"
#include "replay.h"
#include "report_json.h"
#include "search.h"
#include "state.h"
#include "suites_list.h"
#include "testmodel.h"
#include "trace.h"
#include "tracefile.h"

static const char race_text[] = "const N = 2\n"
                                "shared counter = 0\n"
                                "mutex m\n"
                                "thread worker[N] {\n"
                                "    local tmp = 0\n"
                                "    read: tmp = counter\n"
                                "    write: counter = tmp + 1\n"
                                "}\n"
                                "final total: counter == N\n";

/* ---- fixture: the race, searched, with the trace of its violation ---- */

static Program *prog;
static SearchResult *res;
static Trace *tr;

static void race_setup(void)
{
    prog = tm_compile_named("race.weft", race_text, NULL, 0);
    res = tm_search(prog, false);
    ck_assert_uint_eq(res->n_viols, 1);
    tr = trace_build(prog, res, &res->viols[0]);
}

static void race_teardown(void)
{
    trace_free(tr);
    search_result_free(res);
    prog_free(prog);
}

/* A temporary file name for this test process. */
static void tmp_name(char *out, size_t cap, const char *what)
{
    snprintf(out, cap, "/tmp/weft-check-tracefile-%ld-%s", (long)getpid(), what);
}

/* ---- writing and reading ---- */

START_TEST(tracefile_save_and_read_back)
{
    char path[256];
    tmp_name(path, sizeof path, "race.json");
    json_object *o = tracefile_json(prog, &res->viols[0], tr);
    char *err = NULL;
    ck_assert(tracefile_save(path, o, &err));
    json_object_put(o);
    TraceFile *tf = tracefile_read(path, &err);
    ck_assert_msg(tf != NULL, "%s", err);
    ck_assert_str_eq(tf->model, "race.weft");
    ck_assert_uint_eq(tf->n_consts, 1);
    ck_assert_str_eq(tf->const_names[0], "N");
    ck_assert_int_eq(tf->const_values[0], 2);
    ck_assert_str_eq(tf->kind, "final");
    ck_assert_str_eq(tf->property, "total");
    ck_assert_uint_eq(tf->line, 9);
    ck_assert_uint_eq(tf->n_steps, 4);
    /* the shortest schedule, lowest thread first: read, read, write, write */
    const char *threads[] = {"worker[0]", "worker[1]", "worker[0]", "worker[1]"};
    const char *stmts[] = {"tmp = counter", "tmp = counter", "counter = tmp + 1",
                           "counter = tmp + 1"};
    for (uint32_t i = 0; i < 4; i++) {
        ck_assert_str_eq(tf->steps[i].thread, threads[i]);
        ck_assert_uint_eq(tf->steps[i].tid, i % 2);
        ck_assert_uint_eq(tf->steps[i].k, 0);
        ck_assert_str_eq(tf->steps[i].statement, stmts[i]);
        ck_assert_uint_eq(tf->steps[i].line, i < 2 ? 6 : 7);
    }
    Replay *r = replay_run(prog, tf, &err);
    ck_assert_msg(r != NULL, "%s", err);
    ck_assert_int_eq(r->verdict, REPLAY_CONFIRMED);
    ck_assert_uint_eq(r->trace->n_steps, 4);
    ck_assert_int_eq(memcmp(trace_state(r->trace, 4), trace_state(tr, 4), prog->state_size), 0);
    replay_free(r);
    tracefile_free(tf);
    remove(path);
    char tmp[300];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    ck_assert_int_ne(access(tmp, F_OK), 0);
}
END_TEST

START_TEST(tracefile_write_line_is_one_line)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    tracefile_write_line(f, prog, &res->viols[0], tr);
    fclose(f);
    ck_assert_uint_gt(len, 0);
    ck_assert_ptr_eq(strchr(text, '\n'), text + len - 1);
    json_object *o = json_tokener_parse(text);
    ck_assert_ptr_nonnull(o);
    json_object *steps, *step, *v;
    ck_assert(json_object_object_get_ex(o, "steps", &steps));
    ck_assert_uint_eq(json_object_array_length(steps), 4);
    step = json_object_array_get_idx(steps, 2);
    ck_assert(json_object_object_get_ex(step, "label", &v));
    ck_assert_str_eq(json_object_get_string(v), "write");
    ck_assert(json_object_object_get_ex(step, "preemption", &v));
    ck_assert(json_object_get_boolean(v));
    ck_assert(json_object_object_get_ex(o, "version", &v));
    ck_assert_int_eq(json_object_get_int(v), TRACEFILE_VERSION);
    json_object_put(o);
    free(text);
}
END_TEST

/* Bad trace files and the exact message for each. */
static const struct {
    const char *text;
    const char *message;
} bad_traces[] = {
    {"", "1:1: not a JSON trace (unexpected end of data)"},
    {"{\"format\": \"weft-trace\",\n \"version\" 1}",
     "2:12: not a JSON trace (object property name separator ':' expected)\n"
     "   \"version\" 1}\n"
     "             ^"},
    {"{\n\t\"steps\": [}", "2:12: not a JSON trace (unexpected character)\n"
                           "  \t\"steps\": [}\n"
                           "  \t          ^"},
    {"{\"format\": \"weft-trace\"", "1:24: not a JSON trace (unexpected end of data)\n"
                                    "  {\"format\": \"weft-trace\"\n"
                                    "                         ^"},
    {"{} x\n", "1:4: not a JSON trace (text after the JSON value)\n"
               "  {} x\n"
               "     ^"},
    {"{\"format\": \"weft-trace\", \"version\": 1, \"model\": \"race.weft\", \"constants\": {},"
     " \"steps\": [{\"thread\": \"worker[0]\", \"tid\": 0, \"k\": 0}, {\"thread\": \"worker[1]\","
     " \"tid\": 1, \"k\": 0} {\"thread\": \"worker[0]\", \"tid\": 0, \"k\": 0}]}",
     "1:174: not a JSON trace (array value separator ',' expected)\n"
     "  ...k\": 0}, {\"thread\": \"worker[1]\", \"tid\": 1, \"k\": 0} "
     "{\"thread\": \"worker[0]\", \"tid\": 0, \"k\": 0}]}\n"
     "                                                       ^"},
    {"[1, 2]", "not a weft trace (the JSON text is not an object)"},
    {"{\"format\": \"other\"}", "not a weft trace (format 'other')"},
    {"{\"format\": \"weft-trace\", \"version\": 9}",
     "trace version 9 is not supported (this weft reads version 1)"},
    {"{\"format\": \"weft-trace\", \"version\": 1}", "missing field 'model'"},
    {"{\"format\": \"weft-trace\", \"version\": 1, \"model\": \"race.weft\", \"constants\": {},"
     " \"violation\": {\"kind\": \"final\", \"line\": 9}, \"steps\": [{\"thread\": 3}]}",
     "step 1: field 'thread' is not a string"},
    {"{\"format\": \"weft-trace\", \"version\": 1, \"model\": \"race.weft\", \"constants\": {},"
     " \"violation\": {\"kind\": \"final\", \"line\": 9}, \"steps\": [{\"thread\": \"t\","
     " \"tid\": -1, \"k\": 0}]}",
     "step 1: field 'tid' is out of range (-1)"},
    {"{\"format\": \"weft-trace\", \"version\": 1, \"model\": \"race.weft\", \"constants\": {},"
     " \"violation\": {\"kind\": \"final\", \"line\": 9}, \"steps\": [{\"thread\": \"t\","
     " \"tid\": 18446744073709551616, \"k\": 0}]}",
     "step 1: field 'tid' is out of range (too large)"},
    {"{\"format\": \"weft-trace\", \"version\": 1, \"model\": \"race.weft\", \"constants\": {},"
     " \"violation\": {\"kind\": \"final\", \"line\": 9}, \"steps\": [{\"thread\": \"t\","
     " \"tid\": 4294967296, \"k\": 0}]}",
     "step 1: field 'tid' is out of range (4294967296)"},
    {"{\"format\": \"weft-trace\", \"version\": 1, \"model\": \"race.weft\","
     " \"constants\": {\"N\": \"two\"}}",
     "constant 'N' is not a 32-bit integer"},
    {"{\"format\": \"weft-trace\", \"version\": 1, \"model\": \"race.weft\\u0000x\"}",
     "field 'model' contains a NUL character"},
    {"{\"format\": \"weft-trace\", \"version\": 1, \"model\": \"race.weft\", \"constants\": {},"
     " \"violation\": {\"kind\": \"final\", \"line\": 9}, \"steps\": [{\"thread\": \"t\","
     " \"tid\": 0, \"k\": 0, \"statement\": \"x\\u0000\"}]}",
     "step 1: field 'statement' contains a NUL character"},
    {"{\"format\": 7}", "field 'format' is not a string"},
    {"{\"format\": \"weft-trace\"}", "missing field 'version'"},
    {"{\"format\": \"weft-trace\", \"version\": 1, \"model\": \"race.weft\", \"constants\": []}",
     "field 'constants' is not an object"},
    {"{\"format\": \"weft-trace\", \"version\": 1, \"model\": \"race.weft\", \"constants\": {}}",
     "missing field 'violation'"},
    {"{\"format\": \"weft-trace\", \"version\": 1, \"model\": \"race.weft\", \"constants\": {},"
     " \"violation\": {\"line\": 9}}",
     "violation: missing field 'kind'"},
    {"{\"format\": \"weft-trace\", \"version\": 1, \"model\": \"race.weft\", \"constants\": {},"
     " \"violation\": {\"kind\": \"final\", \"line\": 9}, \"steps\": {}}",
     "field 'steps' is not an array"},
    {"{\"format\": \"weft-trace\", \"version\": 1, \"model\": \"race.weft\", \"constants\": {},"
     " \"violation\": {\"kind\": \"final\", \"line\": 9}, \"steps\": [{\"thread\": \"t\","
     " \"tid\": 0, \"k\": 0}, 5]}",
     "step 2: not an object"},
    {"{\"format\": \"weft-trace\", \"version\": 1, \"model\": \"race.weft\", \"constants\": {},"
     " \"violation\": {\"kind\": \"final\", \"line\": 9}, \"steps\": [{\"thread\": \"t\","
     " \"tid\": 0}]}",
     "step 1: missing field 'k'"},
    {"{\"format\": \"weft-trace\", \"version\": 1, \"model\": \"race.weft\", \"constants\": {},"
     " \"violation\": {\"kind\": \"final\", \"line\": 9}, \"steps\": [{\"thread\": \"t\","
     " \"tid\": 0, \"k\": 0, \"line\": \"9\"}]}",
     "step 1: field 'line' is not an integer"},
};

START_TEST(tracefile_read_refuses_bad_files)
{
    char path[256];
    tmp_name(path, sizeof path, "bad.json");
    FILE *f = fopen(path, "w");
    fputs(bad_traces[_i].text, f);
    fclose(f);
    char *err = NULL;
    ck_assert_ptr_null(tracefile_read(path, &err));
    ck_assert_str_eq(err, bad_traces[_i].message);
    free(err);
    remove(path);
}
END_TEST

#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
/* A trace whose text json-c cannot make room for (a tight 'ulimit -v') aborts ("weft: out of
** memory"), as xmalloc does, before its file is made: json-c itself would leave the 32 MiB
** string out and write '"statement": ""'. Registered only without AddressSanitizer or
*ThreadSanitizer (their shadow memory
** needs address space of its own). */
START_TEST(tracefile_save_aborts_without_memory_for_the_text)
{
    enum { MIB = 1 << 20 };
    char *big = malloc(32 * MIB + 1);
    ck_assert_ptr_nonnull(big);
    memset(big, 'x', 32 * MIB);
    big[32 * MIB] = '\0';
    json_object *o = json_object_new_object();
    json_object_object_add(o, "statement", json_object_new_string(big));
    free(big);
    char path[256];
    tmp_name(path, sizeof path, "oom.json");
    size_t vm = tm_vm_size();
    ck_assert_uint_gt(vm, 0);
    struct rlimit tight;
    ck_assert_int_eq(getrlimit(RLIMIT_AS, &tight), 0);
    tight.rlim_cur = vm + 8 * MIB;
    ck_assert_int_eq(setrlimit(RLIMIT_AS, &tight), 0);
    char *err = NULL;
    tracefile_save(path, o, &err);
}
END_TEST
#endif

/* ---- replay refusals that need the model ---- */

START_TEST(replay_refuses_unknown_property)
{
    TraceFile tf = {.model = "race.weft", .kind = "invariant", .property = "nosuch"};
    char *names[] = {"N"};
    int32_t values[] = {2};
    tf.n_consts = 1;
    tf.const_names = names;
    tf.const_values = values;
    char *err = NULL;
    ck_assert_ptr_null(replay_run(prog, &tf, &err));
    ck_assert_str_eq(err, "the model has no invariant 'nosuch'");
    free(err);
    tf.kind = "racy";
    ck_assert_ptr_null(replay_run(prog, &tf, &err));
    ck_assert_str_eq(err, "violation: unknown kind 'racy' (expected invariant, final, assert, "
                          "error or deadlock)");
    free(err);
}
END_TEST

/* ---- simulate ---- */

START_TEST(simulate_same_seed_same_schedule)
{
    SimOptions so = {.seed = 42, .max_steps = 100};
    Simulation *a = simulate_run(prog, &so), *b = simulate_run(prog, &so);
    ck_assert_uint_eq(a->trace->n_steps, 4);
    ck_assert_uint_eq(b->trace->n_steps, a->trace->n_steps);
    for (uint32_t i = 0; i < a->trace->n_steps; i++)
        ck_assert_uint_eq(a->trace->steps[i].tid, b->trace->steps[i].tid);
    ck_assert(a->end == SIM_VIOLATION || a->end == SIM_FINISHED);
    ck_assert_int_eq(a->end, b->end);
    simulate_free(a);
    simulate_free(b);
    so.max_steps = 1;
    Simulation *c = simulate_run(prog, &so);
    ck_assert_int_eq(c->end, SIM_STEP_LIMIT);
    ck_assert_uint_eq(c->trace->n_steps, 1);
    simulate_free(c);
}
END_TEST

/* Many runs tally what each run alone gives: the race (2 threads, 4 steps) ends with counter 1
** (the final broken) or 2, and the runs' counts add up, run by run, to simulate_run's. */
START_TEST(simulate_runs_tally_each_run)
{
    SimOptions so = {.seed = 5, .max_steps = 100};
    enum { RUNS = 200 };
    size_t n_terms;
    OutcomeTerm *terms = count_default_terms(prog, &n_terms);
    ck_assert_uint_eq(n_terms, 1);
    SimRuns *sr = simulate_runs(prog, &so, RUNS, terms, n_terms);
    uint64_t n_bad = 0, first = 0, by_value[3] = {0};
    for (uint64_t i = 0; i < RUNS; i++) {
        SimOptions one = so;
        one.seed = so.seed + i;
        Simulation *sim = simulate_run(prog, &one);
        int32_t v = state_var_get(prog, trace_state(sim->trace, sim->trace->n_steps), 0, 0, 0);
        ck_assert(v == 1 || v == 2);
        by_value[v]++;
        if (sim->end == SIM_VIOLATION && n_bad++ == 0)
            first = one.seed;
        ck_assert_int_eq(sim->end, v == 1 ? SIM_VIOLATION : SIM_FINISHED);
        simulate_free(sim);
    }
    ck_assert_uint_eq(sr->n_runs, RUNS);
    ck_assert_uint_eq(sr->n_violating, n_bad);
    ck_assert(n_bad > 0 && n_bad < RUNS); /* both outcomes come up in 200 runs */
    ck_assert_uint_eq(sr->shortest_seed, first);
    ck_assert_ptr_nonnull(sr->shortest);
    ck_assert_int_eq(sr->shortest->end, SIM_VIOLATION);
    ck_assert_uint_eq(sr->n_viols, 1);
    ck_assert_int_eq(sr->viols[0].viol.kind, VIOL_FINAL);
    ck_assert_uint_eq(sr->viols[0].n_runs, n_bad);
    ck_assert_uint_eq(sr->n_step_limit + sr->n_blocked, 0);
    const Analysis *an = sr->outcomes;
    ck_assert_uint_eq(an->n_end_states, RUNS);
    ck_assert_uint_eq(an->n_outcomes, 2);
    ck_assert_int_eq(an->outcomes[0].vals[0], 1); /* sorted by value */
    ck_assert_int_eq(an->outcomes[1].vals[0], 2);
    char want[24];
    snprintf(want, sizeof want, "%llu", (unsigned long long)by_value[1]);
    ck_assert_str_eq(an->outcomes[0].n_schedules, want);
    ck_assert_str_eq(an->outcomes[0].n_violating, want); /* counter 1 breaks the final */
    snprintf(want, sizeof want, "%llu", (unsigned long long)by_value[2]);
    ck_assert_str_eq(an->outcomes[1].n_schedules, want);
    ck_assert_str_eq(an->outcomes[1].n_violating, "0");
    simulate_runs_free(sr);
    so.max_steps = 2; /* no run gets to its end: every one stops at --steps */
    terms = count_default_terms(prog, &n_terms);
    sr = simulate_runs(prog, &so, 10, terms, n_terms);
    ck_assert_uint_eq(sr->n_step_limit, 10);
    ck_assert_uint_eq(sr->n_violating, 0);
    ck_assert_ptr_null(sr->shortest);
    ck_assert_uint_eq(sr->outcomes->n_end_states, 0);
    ck_assert(!sr->is_time_up);
    simulate_runs_free(sr);
    so.time_limit = 1e-9; /* up after the first run, which is always made */
    terms = count_default_terms(prog, &n_terms);
    sr = simulate_runs(prog, &so, 1000, terms, n_terms);
    ck_assert(sr->is_time_up);
    ck_assert_uint_eq(sr->n_runs, 1);
    simulate_runs_free(sr);
}
END_TEST

/* The run shown is the violating run of fewest steps, the lowest seed among those: here each
** thread takes one or three steps before the final breaks, so runs differ in length. */
START_TEST(simulate_runs_show_the_shortest)
{
    Program *p = tm_compile_named("len.weft",
                                  "shared x = 0\n"
                                  "thread t[2] { choose { x = 1 } or { skip\n skip\n x = 1 } }\n"
                                  "final f: x == 0\n",
                                  NULL, 0);
    SimOptions so = {.seed = 1, .max_steps = 100};
    enum { RUNS = 40 };
    size_t n_terms;
    OutcomeTerm *terms = count_default_terms(p, &n_terms);
    SimRuns *sr = simulate_runs(p, &so, RUNS, terms, n_terms);
    ck_assert_uint_eq(sr->n_violating, RUNS); /* x is 1 at every end */
    uint32_t fewest = UINT32_MAX, most = 0;
    uint64_t seed = 0;
    for (uint64_t i = 0; i < RUNS; i++) {
        SimOptions one = so;
        one.seed = so.seed + i;
        Simulation *sim = simulate_run(p, &one);
        uint32_t n = sim->trace->n_steps;
        if (n < fewest) {
            fewest = n;
            seed = one.seed;
        }
        most = n > most ? n : most;
        simulate_free(sim);
    }
    ck_assert_uint_lt(fewest, most); /* the runs differ, so the test can tell */
    ck_assert_uint_eq(sr->shortest->trace->n_steps, fewest);
    ck_assert_uint_eq(sr->shortest_seed, seed);
    simulate_runs_free(sr);
    prog_free(p);
}
END_TEST

/* ---- the JSON state ---- */

START_TEST(report_json_state_fields)
{
    json_object *s = report_json_state(prog, trace_state(tr, 3));
    json_object *shared, *v, *threads, *t0, *locals;
    ck_assert(json_object_object_get_ex(s, "shared", &shared));
    ck_assert(json_object_object_get_ex(shared, "counter", &v));
    ck_assert_int_eq(json_object_get_int(v), 1);
    ck_assert(json_object_object_get_ex(s, "mutexes", &v));
    ck_assert(json_object_object_get_ex(v, "m", &v));
    ck_assert_ptr_null(v); /* free */
    ck_assert(json_object_object_get_ex(s, "threads", &threads));
    ck_assert_uint_eq(json_object_array_length(threads), 2);
    t0 = json_object_array_get_idx(threads, 0);
    ck_assert(json_object_object_get_ex(t0, "status", &v));
    ck_assert_str_eq(json_object_get_string(v), "done");
    ck_assert(json_object_object_get_ex(t0, "statement", &v));
    ck_assert_str_eq(json_object_get_string(v), "end");
    ck_assert(json_object_object_get_ex(json_object_array_get_idx(threads, 1), "label", &v));
    ck_assert_str_eq(json_object_get_string(v), "write");
    ck_assert(json_object_object_get_ex(t0, "locals", &locals));
    ck_assert(json_object_object_get_ex(locals, "tmp", &v));
    ck_assert_int_eq(json_object_get_int(v), 0);
    json_object_put(s);
}
END_TEST

/* ---- '# expect:' lines ---- */

/* A model from a pipe (/dev/stdin, a shell's <(...)) can be read only once: its '# expect:'
** line and its text come from that one read, kept (src_read_file). Were the text read again,
** the second open of the FIFO would wait for a writer that never comes (the test times out). */
START_TEST(expect_read_from_a_pipe)
{
    char fifo[128];
    tmp_name(fifo, sizeof fifo, "pipe.weft");
    remove(fifo);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) { /* the writer: the model once, then gone */
        FILE *f = fopen(fifo, "w");
        fputs("# expect: violation final total\n", f);
        fputs(race_text, f);
        _exit(fclose(f) == 0 ? 0 : 1);
    }
    ModelExpect e;
    char *err = NULL;
    ck_assert_msg(expect_read(fifo, &e, &err), "%s", err);
    ck_assert_str_eq(e.text, "violation final total");
    ck_assert_uint_eq(e.line, 1);
    expect_fini(&e);
    int status = 0;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    Source *src = src_read_file(fifo, &err);
    ck_assert_msg(src != NULL, "%s", err);
    ck_assert_uint_eq(src->len, strlen("# expect: violation final total\n") + strlen(race_text));
    ck_assert(strstr(src->text, "final total: counter == N") != NULL);
    src_free(src);
    remove(fifo);
}
END_TEST

START_TEST(expect_parse_words)
{
    ModelExpect e;
    ck_assert(expect_parse(" violation   final total\n", &e));
    ck_assert_int_eq(e.verdict, EXPECT_VIOLATION);
    ck_assert(e.has_kind);
    ck_assert_int_eq(e.kind, VIOL_FINAL);
    ck_assert_str_eq(e.label, "total");
    ck_assert_str_eq(e.text, "violation final total");
    ck_assert(expect_met(&e, prog, res, VERDICT_VIOLATION));
    expect_fini(&e);
    ck_assert(expect_parse("violation invariant total", &e));
    ck_assert(!expect_met(&e, prog, res, VERDICT_VIOLATION));
    expect_fini(&e);
    ck_assert(expect_parse("ok", &e));
    ck_assert(!expect_met(&e, prog, res, VERDICT_VIOLATION));
    expect_fini(&e);
    ck_assert(!expect_parse("violation racy", &e));
    ck_assert(!expect_parse("fine", &e));
    ck_assert(!expect_parse("violation final total extra", &e));
    ck_assert(!expect_parse("ok ok", &e));
}
END_TEST

/* A LABEL no violation of the model can have is refused before the search, with the reason. */
START_TEST(expect_check_labels)
{
    static const struct {
        const char *words, *error; /* error NULL: the expectation can be met */
    } cases[] = {
        {"violation final total", NULL},
        {"violation final 14", NULL},
        {"violation assert 9", NULL},
        {"violation error total", NULL},
        {"violation deadlock", NULL},
        {"violation final totl", "race.weft:1: '# expect: violation final totl' can never be met: "
                                 "the model has no final 'totl' (did you mean 'total'?)"},
        {"violation final zzz",
         "race.weft:1: '# expect: violation final zzz' can never be met: the model has no final "
         "'zzz'"},
        {"violation invariant total",
         "race.weft:1: '# expect: violation invariant total' can never be met: the model has no "
         "invariant 'total' ('total' is a final)"},
        {"violation error zzz", "race.weft:1: '# expect: violation error zzz' can never be met: "
                                "the model has no property 'zzz'"},
        {"violation assert read",
         "race.weft:1: '# expect: violation assert read' can never be met: an assert is named by "
         "its line number, not 'read'"},
        {"violation deadlock x", "race.weft:1: '# expect: violation deadlock x' can never be met: "
                                 "a deadlock has no label"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ModelExpect e;
        ck_assert(expect_parse(cases[i].words, &e));
        e.line = 1;
        char *err = NULL;
        bool ok = expect_check(&e, prog, "race.weft", &err);
        ck_assert_msg(ok == (cases[i].error == NULL), "case %zu", i);
        if (cases[i].error)
            ck_assert_str_eq(err, cases[i].error);
        free(err);
        expect_fini(&e);
    }
}
END_TEST

Suite *tracefile_suite(void)
{
    Suite *s = suite_create("tracefile");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, race_setup, race_teardown);
    tcase_add_test(tc, tracefile_save_and_read_back);
    tcase_add_test(tc, tracefile_write_line_is_one_line);
    tcase_add_test(tc, replay_refuses_unknown_property);
    tcase_add_test(tc, simulate_same_seed_same_schedule);
    tcase_add_test(tc, simulate_runs_tally_each_run);
    tcase_add_test(tc, simulate_runs_show_the_shortest);
    tcase_add_test(tc, report_json_state_fields);
    tcase_add_test(tc, expect_parse_words);
    tcase_add_test(tc, expect_read_from_a_pipe);
    tcase_add_test(tc, expect_check_labels);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    TCase *te = tcase_create("errors");
    tcase_add_loop_test(te, tracefile_read_refuses_bad_files, 0,
                        sizeof bad_traces / sizeof bad_traces[0]);
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
    tcase_add_test_raise_signal(te, tracefile_save_aborts_without_memory_for_the_text, SIGABRT);
#endif
    suite_add_tcase(s, te);
    return s;
}
