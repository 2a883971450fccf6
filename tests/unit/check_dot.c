/*
** check_dot.c -- state graphs and schedule diagrams: exact nodes, edges, bold paths, red states,
** the refusal of large graphs, and files written through Graphviz.
**
** Every DOT text produced here is also fed to the real Graphviz 'dot', which must accept it.
** The expected graphs are worked out by hand in the comments above each test.
*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compile.h"
#include "dot.h"
#include "search.h"
#include "suites_list.h"
#include "testmodel.h"
#include "trace.h"

/* ---- fixture: model text -> Program -> search -> DOT text ---- */

/* counter_race with N = 2, ITERS = 1. */
static Program *small_race(void)
{
    static const Define defs[] = {{"N", 2}, {"ITERS", 1}};
    return tm_compile(tm_counter_race, defs, 2);
}

static SearchResult *bfs(const Program *prog, bool no_deadlock)
{
    SearchOptions o = {.no_deadlock = no_deadlock};
    return search_run(prog, &o);
}

/* The state graph as a string (caller frees), or NULL with *err_out. */
static char *graph_text(const Program *prog, const SearchResult *res, const DotOptions *opts,
                        char **err_out)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    bool ok = dot_state_graph(f, prog, res, opts, err_out);
    fclose(f);
    if (!ok) {
        ck_assert_uint_eq(len, 0);
        free(text);
        return NULL;
    }
    return text;
}

/* Lines of 'text' containing every one of the (up to 3) strings given (NULL: unused). */
static unsigned count_lines(const char *text, const char *a, const char *b, const char *c)
{
    unsigned n = 0;
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        char *copy = strndup(line, len);
        n += strstr(copy, a) && (!b || strstr(copy, b)) && (!c || strstr(copy, c));
        free(copy);
        line += len + (end != NULL);
    }
    return n;
}

/* Lines that are state nodes ("  s12 [") and edges ("  s3 -> s7", "  s1 -> f0"). */
static unsigned count_nodes(const char *text)
{
    unsigned n = 0;
    for (const char *p = strstr(text, "\n  s"); p; p = strstr(p + 1, "\n  s")) {
        size_t digits = strspn(p + 4, "0123456789");
        n += digits > 0 && !strncmp(p + 4 + digits, " [", 2);
    }
    return n;
}

static unsigned count_edges(const char *text)
{
    unsigned n = 0;
    for (const char *p = strstr(text, "\n  s"); p; p = strstr(p + 1, "\n  s")) {
        size_t digits = strspn(p + 4, "0123456789");
        n += digits > 0 && !strncmp(p + 4 + digits, " -> ", 4);
    }
    return n;
}

/* Graphviz must accept 'text': 'dot -Tsvg' exits 0. */
static void assert_dot_parses(const char *text)
{
    char path[] = "/tmp/weft_check_dot_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "dot -Tsvg %s >/dev/null 2>&1", path);
    int status = system(cmd);
    unlink(path);
    ck_assert_msg(status == 0, "Graphviz rejected the DOT text:\n%s", text);
}

/* ---- core ---- */

/* counter_race with N = 2, ITERS = 1. A state is (pos0, pos1, tmp0, tmp1, counter), positions
** 0 read, 1 write, 2 done. Breadth first, threads in order, the store numbers them:
**   s0 (0,0,0,0,0)
**   s1 (1,0,0,0,0)  s2 (0,1,0,0,0)
**   s3 (2,0,0,0,1)  s4 (1,1,0,0,0)  s5 (0,2,0,0,1)
**   s6 (2,1,0,1,1)  s7 (2,1,0,0,1)  s8 (1,2,0,0,1)  s9 (1,2,1,0,1)
**   s10 (2,2,0,1,2) s11 (2,2,0,0,1) s12 (2,2,1,0,2)
** 13 states; transitions 2 + 4 + 4 + 4 = 14 (s8 -> s11 joins s7 -> s11). Only s11 ends with
** counter = 1 and breaks 'total'; its schedule is s0 -> s1 -> s4 -> s7 -> s11. */
START_TEST(dot_counter_race_graph)
{
    Program *prog = small_race();
    SearchResult *res = bfs(prog, false);
    ck_assert_uint_eq(res->n_states, 13);
    ck_assert_uint_eq(res->n_transitions, 14);
    DotOptions o = {.max_states = DOT_DEFAULT_MAX_STATES};
    char *err = NULL;
    char *text = graph_text(prog, res, &o, &err);
    ck_assert_ptr_nonnull(text);
    ck_assert_uint_eq(count_nodes(text), 13);
    ck_assert_uint_eq(count_edges(text), 14);
    ck_assert_uint_eq(count_lines(text, "start -> s0;", NULL, NULL), 1);
    ck_assert_uint_eq(count_lines(text, "  s0 [", "peripheries=2", NULL), 1);
    ck_assert_uint_eq(count_lines(text, "peripheries=2", NULL, NULL), 1);
    /* the one red state, with its label */
    ck_assert_uint_eq(count_lines(text, "#d00000", "style=\"rounded,filled,bold\"", NULL), 1);
    ck_assert_uint_eq(
        count_lines(text,
                    "  s11 [label=\"counter=1\\nworker[0] done  worker[1] done\\nfinal total "
                    "broken\"",
                    "#d00000", NULL),
        1);
    /* the bold path, exactly */
    ck_assert_uint_eq(count_lines(text, "penwidth=3", NULL, NULL), 4);
    ck_assert_uint_eq(
        count_lines(text, "  s0 -> s1 [label=\"worker[0]: read\"", "penwidth=3", NULL), 1);
    ck_assert_uint_eq(
        count_lines(text, "  s1 -> s4 [label=\"worker[1]: read\"", "penwidth=3", NULL), 1);
    ck_assert_uint_eq(
        count_lines(text, "  s4 -> s7 [label=\"worker[0]: write\"", "penwidth=3", NULL), 1);
    ck_assert_uint_eq(
        count_lines(text, "  s7 -> s11 [label=\"worker[1]: write\"", "penwidth=3", NULL), 1);
    ck_assert_uint_eq(count_lines(text, "  s8 -> s11 [", "penwidth", NULL), 0);
    /* one template, one colour, and the legend names it */
    ck_assert_uint_eq(count_lines(text, " -> s", "color=\"#1f77b4\"", NULL), 14);
    ck_assert_uint_eq(
        count_lines(text, "<font color=\"#1f77b4\"><b>worker[*]</b></font>", NULL, NULL), 1);
    ck_assert_uint_eq(count_lines(text, "test.weft: 13 states, 14 transitions", NULL, NULL), 1);
    /* the initial label: shared values first, each thread at its label */
    ck_assert_uint_eq(
        count_lines(text, "  s0 [label=\"counter=0\\nworker[0]@read  worker[1]@read\"", NULL, NULL),
        1);
    assert_dot_parses(text);
    free(text);
    search_result_free(res);
    prog_free(prog);
}
END_TEST

/* --dot-locals adds each thread's locals: s9 is (1,2,1,0,1). */
START_TEST(dot_locals_in_labels)
{
    Program *prog = small_race();
    SearchResult *res = bfs(prog, false);
    DotOptions o = {.show_locals = true, .max_states = 13};
    char *err = NULL;
    char *text = graph_text(prog, res, &o, &err);
    ck_assert_ptr_nonnull(text);
    ck_assert_uint_eq(
        count_lines(text,
                    "  s9 [label=\"counter=1\\nworker[0]@write(tmp=1)  worker[1] done(tmp=0)\"",
                    NULL, NULL),
        1);
    assert_dot_parses(text);
    free(text);
    search_result_free(res);
    prog_free(prog);
}
END_TEST

/* a sets x = 1; b asserts x == 0. s0 (0,0,x=0); s1 (a done, x=1); s2 (b done, x=0);
** s3 (both done, x=1). From s1 b's assert fails: a failing-step node f0, its edge bold. Four
** transitions: s0 -> s1, s0 -> s2, s1 -> f0, s2 -> s3. */
START_TEST(dot_failing_step_node)
{
    Program *prog = tm_compile("shared x = 0\n"
                               "thread a {\n    x = 1\n}\n"
                               "thread b {\n    check: assert x == 0\n}\n",
                               NULL, 0);
    SearchResult *res = bfs(prog, false);
    ck_assert_uint_eq(res->n_states, 4);
    ck_assert_uint_eq(res->n_transitions, 4);
    DotOptions o = {.max_states = 4};
    char *err = NULL;
    char *text = graph_text(prog, res, &o, &err);
    ck_assert_ptr_nonnull(text);
    ck_assert_uint_eq(count_nodes(text), 4);
    ck_assert_uint_eq(count_edges(text), 4);
    ck_assert_uint_eq(count_lines(text, "  f0 [shape=octagon", "line 6\"", NULL), 1);
    ck_assert_uint_eq(count_lines(text, "  f1 [", NULL, NULL), 0);
    ck_assert_uint_eq(count_lines(text, "  s1 -> f0 [label=\"b: check\"", "penwidth=3", NULL), 1);
    ck_assert_uint_eq(count_lines(text, "  s0 -> s1 [label=\"a: line 3\"", "penwidth=3", NULL), 1);
    ck_assert_uint_eq(count_lines(text, "penwidth=3", NULL, NULL), 2);
    /* two templates, two colours */
    ck_assert_uint_eq(count_lines(text, "  s0 -> s1 [", "#1f77b4", NULL), 1);
    ck_assert_uint_eq(count_lines(text, "  s0 -> s2 [", "#2ca02c", NULL), 1);
    assert_dot_parses(text);
    free(text);
    search_result_free(res);
    prog_free(prog);
}
END_TEST

/* 'lock m' twice deadlocks in s1; --no-deadlock leaves it uncoloured. */
START_TEST(dot_deadlock_state)
{
    Program *prog = tm_compile("mutex m\nthread t {\n    lock m\n    again: lock m\n}\n", NULL, 0);
    for (int no_deadlock = 0; no_deadlock <= 1; no_deadlock++) {
        SearchResult *res = bfs(prog, no_deadlock);
        ck_assert_uint_eq(res->n_states, 2);
        DotOptions o = {.no_deadlock = no_deadlock, .max_states = 10};
        char *err = NULL;
        char *text = graph_text(prog, res, &o, &err);
        ck_assert_ptr_nonnull(text);
        ck_assert_uint_eq(
            count_lines(text, "  s1 [label=\"m=t\\nt@again\\ndeadlock\"", "#d00000", NULL),
            no_deadlock ? 0 : 1);
        ck_assert_uint_eq(count_lines(text, "  s1 [label=\"m=t\\nt@again\"];", NULL, NULL),
                          no_deadlock ? 1 : 0);
        ck_assert_uint_eq(count_lines(text, "  s0 -> s1 [", "penwidth=3", NULL),
                          no_deadlock ? 0 : 1);
        assert_dot_parses(text);
        free(text);
        search_result_free(res);
    }
    prog_free(prog);
}
END_TEST

/* A choose step has one edge per branch, numbered. */
START_TEST(dot_choice_edges_numbered)
{
    Program *prog = tm_compile(
        "shared x = 0\nthread t {\n    pick: choose { x = 1 } or { x = 2 }\n}\n", NULL, 0);
    SearchResult *res = bfs(prog, false);
    DotOptions o = {.max_states = 10};
    char *err = NULL;
    char *text = graph_text(prog, res, &o, &err);
    ck_assert_ptr_nonnull(text);
    ck_assert_uint_eq(count_lines(text, "  s0 -> s1 [label=\"t: pick #0\"", NULL, NULL), 1);
    ck_assert_uint_eq(count_lines(text, "  s0 -> s2 [label=\"t: pick #1\"", NULL, NULL), 1);
    ck_assert_uint_eq(count_lines(text, "  s1 -> s3 [label=\"t: line 3\"", NULL, NULL), 1);
    assert_dot_parses(text);
    free(text);
    search_result_free(res);
    prog_free(prog);
}
END_TEST

/* The picture dot_trace draws of res's first violation's shortest schedule. Caller frees. */
static char *trace_picture(const Program *prog, const SearchResult *res)
{
    Trace *tr = trace_build(prog, res, &res->viols[0]);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    dot_trace(f, prog, &res->viols[0], tr, "shortest schedule");
    fclose(f);
    trace_free(tr);
    return text;
}

/* The schedule s0 -> s1 -> s4 -> s7 -> s11: worker[1]'s read preempts worker[0], worker[0]'s
** write preempts worker[1]; the last step is the violating one. */
START_TEST(dot_trace_counter_race)
{
    Program *prog = small_race();
    SearchResult *res = bfs(prog, false);
    ck_assert_uint_eq(res->n_viols, 1);
    char *text = trace_picture(prog, res);
    ck_assert_uint_eq(count_lines(text, "<tr>", NULL, NULL), 2 + 5);
    ck_assert_ptr_nonnull(strstr(text, "final 'total' (counter == N * ITERS) breaks with counter = "
                                       "1</font><br/>shortest schedule: 4 steps, 2 preemptions"));
    ck_assert_ptr_nonnull(strstr(text, "<td><b>step</b></td><td bgcolor=\"#dbe9f6\"><b>worker[0]"
                                       "</b></td><td bgcolor=\"#dbe9f6\"><b>worker[1]</b></td>"
                                       "<td><b>shared</b></td>"));
    /* step 3: worker[0] writes 1 (its tmp unchanged), a preemption; worker[1] is alive */
    ck_assert_ptr_nonnull(strstr(text, "<tr><td>3</td><td align=\"left\" bgcolor=\"#dbe9f6\">"
                                       "<b>write</b> line 8<br/>counter = tmp + 1<br/><i>"
                                       "(preemption)</i></td><td><font color=\"#aaaaaa\">|</font>"
                                       "</td><td align=\"left\"><b>counter = 1</b></td></tr>"));
    /* step 4, the last, is red; worker[0] has finished: no lifeline */
    ck_assert_ptr_nonnull(strstr(text, "<tr><td bgcolor=\"#f9c6c6\"><b>4</b></td><td></td>"
                                       "<td align=\"left\" bgcolor=\"#f9c6c6\"><b>write</b>"));
    ck_assert_uint_eq(count_lines(text, "#f9c6c6", NULL, NULL), 1);
    assert_dot_parses(text);
    free(text);
    search_result_free(res);
    prog_free(prog);
}
END_TEST

/* A failing last step shows its message in red. */
START_TEST(dot_trace_failing_step)
{
    Program *prog = tm_compile("shared x = 0\n"
                               "thread a {\n    x = 1\n}\n"
                               "thread b {\n    check: assert x == 0\n}\n",
                               NULL, 0);
    SearchResult *res = bfs(prog, false);
    char *text = trace_picture(prog, res);
    ck_assert_ptr_nonnull(strstr(text, "<b>check</b> line 6<br/>assert x == 0<br/><font "
                                       "color=\"#d00000\"><b>assertion failed</b>"));
    ck_assert_ptr_nonnull(strstr(text, "assert at line 6 (assert x == 0) fails</font>"));
    assert_dot_parses(text);
    free(text);
    search_result_free(res);
    prog_free(prog);
}
END_TEST

/* The title is the report's own text, also for an assert inside an atomic block, which has no
** step of its own; a put or a get shows its queue in bold, as a write shows its variable. */
START_TEST(dot_trace_atomic_assert_and_queue)
{
    Program *prog = tm_compile("queue q[2]\n"
                               "shared x = 0\n"
                               "thread p {\n    put q, 5\n}\n"
                               "thread c {\n"
                               "    get q, x\n"
                               "    atomic {\n        x = x + 1\n        assert x == 0\n    }\n"
                               "}\n",
                               NULL, 0);
    SearchResult *res = bfs(prog, false);
    ck_assert_uint_eq(res->n_viols, 1);
    char *text = trace_picture(prog, res);
    ck_assert_ptr_nonnull(strstr(text, ">assert at line 10 (assert x == 0) fails</font>"));
    ck_assert_ptr_nonnull(strstr(text, "<td align=\"left\">x = 0<br/><b>q = [5]</b></td></tr>"));
    ck_assert_ptr_nonnull(strstr(text, "<td align=\"left\"><b>x = 5</b><br/><b>q = []</b></td>"));
    ck_assert_ptr_nonnull(
        strstr(text, "<td align=\"left\" bgcolor=\"#f9c6c6\">x = 5<br/>q = []</td>"));
    assert_dot_parses(text);
    free(text);
    search_result_free(res);
    prog_free(prog);
}
END_TEST

/* ---- limits ---- */

START_TEST(dot_refuses_large_graph)
{
    Program *prog = small_race();
    SearchResult *res = bfs(prog, false);
    DotOptions o = {.max_states = 12};
    char *err = NULL;
    ck_assert_ptr_null(graph_text(prog, res, &o, &err));
    ck_assert_str_eq(err, "state graph too large: 13 states, over the --dot-max-states limit of "
                          "12 (raise it, or make the model smaller with -D)");
    free(err);
    search_result_free(res);

    SearchOptions so = {.max_states = 6};
    res = search_run(prog, &so);
    o.max_states = 5;
    ck_assert_ptr_null(graph_text(prog, res, &o, &err));
    ck_assert_str_eq(err, "state graph too large: over the --dot-max-states limit of 5 states "
                          "(raise it, or make the model smaller with -D)");
    free(err);
    search_result_free(res);
    prog_free(prog);
}
END_TEST

/* The level search (-j 2 and more) numbers a level's states in the order its workers stored
** them, and after a cut its store holds states past it: the picture is still the one thread's,
** node names and all, whole and cut (counter_race with N = 3, ITERS = 2: 2,358 states in 13
** levels, each shared by the workers from two states on). */
START_TEST(dot_same_graph_for_every_worker_count)
{
    static const Define defs[] = {{"N", 3}, {"ITERS", 2}};
    Program *prog = tm_compile(tm_counter_race, defs, 2);
    DotOptions o = {.max_states = 100000};
    uint64_t cuts[] = {0, 1, 2, 40, 333, 2000};
    for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
        SearchOptions so = {.max_states = cuts[c]};
        SearchResult *res = search_run(prog, &so);
        char *err = NULL, *want = graph_text(prog, res, &o, &err);
        ck_assert_ptr_nonnull(want);
        ck_assert_uint_eq(count_nodes(want), res->n_states);
        for (uint32_t n = 2; n <= 4; n++) {
            SearchOptions sj = {.max_states = cuts[c], .n_threads = n, .solo_below = 2};
            SearchResult *rj = search_run(prog, &sj);
            ck_assert(rj->is_id_unordered);
            ck_assert_uint_eq(rj->n_states, res->n_states);
            char *got = graph_text(prog, rj, &o, &err);
            ck_assert_ptr_nonnull(got);
            ck_assert_msg(!strcmp(got, want), "-j %u, --max-states %llu: not -j 1's picture", n,
                          (unsigned long long)cuts[c]);
            free(got);
            search_result_free(rj);
        }
        free(want);
        search_result_free(res);
    }
    prog_free(prog);
}
END_TEST

/* ---- files ---- */

static char *read_whole(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(1 << 20);
    *len_out = fread(buf, 1, (1 << 20) - 1, f);
    buf[*len_out] = '\0';
    fclose(f);
    return buf;
}

static const char tiny_dot[] = "digraph g { a -> b; }\n";

START_TEST(dot_files_rendered)
{
    char dir[] = "/tmp/weft_dot_files_XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[256];
    size_t len;
    char *err = NULL;
    static const char *const names[] = {"g.dot", "g.svg", "g.png"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        ck_assert(
            dot_write_file(path, dot_format_for_name(path), tiny_dot, strlen(tiny_dot), &err));
        ck_assert_ptr_null(err);
        char *got = read_whole(path, &len);
        ck_assert_ptr_nonnull(got);
        if (i == 0)
            ck_assert_str_eq(got, tiny_dot);
        else if (i == 1)
            ck_assert(!strncmp(got, "<?xml", 5) || !strncmp(got, "<svg", 4));
        else
            ck_assert(len > 8 && !memcmp(got, "\x89PNG\r\n\x1a\n", 8));
        free(got);
        unlink(path);
    }
    /* nothing but the files asked for is left behind */
    ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

START_TEST(dot_file_errors)
{
    char *err = NULL;
    ck_assert(!dot_write_file("/nonexistent-dir/g.dot", DOT_FORMAT_DOT, tiny_dot, strlen(tiny_dot),
                              &err));
    ck_assert_str_eq(err, "cannot write '/nonexistent-dir/g.dot': No such file or directory");
    free(err);

    char dir[] = "/tmp/weft_dot_errors_XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/g.svg", dir);
    /* Graphviz's own complaint about broken text, and no file */
    ck_assert(!dot_write_file(path, DOT_FORMAT_SVG, "digraph {", 9, &err));
    ck_assert_msg(!strncmp(err, "Graphviz 'dot' failed: ", 23), "%s", err);
    free(err);
    ck_assert_int_ne(access(path, F_OK), 0);
    /* no 'dot' on PATH */
    char *saved = strdup(getenv("PATH"));
    setenv("PATH", "/nonexistent-dir", 1);
    bool ok = dot_write_file(path, DOT_FORMAT_PNG, tiny_dot, strlen(tiny_dot), &err);
    setenv("PATH", saved, 1);
    free(saved);
    ck_assert(!ok);
    char want[512];
    snprintf(want, sizeof want,
             "cannot render '%s': the Graphviz program 'dot' is not on PATH (install graphviz, "
             "or write DOT text with a .dot name or --format dot)",
             path);
    ck_assert_str_eq(err, want);
    free(err);
    ck_assert_int_ne(access(path, F_OK), 0);
    ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

START_TEST(dot_formats)
{
    DotFormat f;
    ck_assert_int_eq(dot_format_for_name("a.svg"), DOT_FORMAT_SVG);
    ck_assert_int_eq(dot_format_for_name("a.png"), DOT_FORMAT_PNG);
    ck_assert_int_eq(dot_format_for_name("a.dot"), DOT_FORMAT_DOT);
    ck_assert_int_eq(dot_format_for_name("svg"), DOT_FORMAT_DOT);
    ck_assert(dot_format_parse("png", &f) && f == DOT_FORMAT_PNG);
    ck_assert(dot_format_parse("svg", &f) && f == DOT_FORMAT_SVG);
    ck_assert(dot_format_parse("dot", &f) && f == DOT_FORMAT_DOT);
    ck_assert(!dot_format_parse("SVG", &f));
    ck_assert(!dot_format_parse("pdf", &f));
}
END_TEST

Suite *dot_suite(void)
{
    Suite *s = suite_create("dot");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, dot_counter_race_graph);
    tcase_add_test(tc, dot_locals_in_labels);
    tcase_add_test(tc, dot_failing_step_node);
    tcase_add_test(tc, dot_deadlock_state);
    tcase_add_test(tc, dot_choice_edges_numbered);
    tcase_add_test(tc, dot_trace_counter_race);
    tcase_add_test(tc, dot_trace_failing_step);
    tcase_add_test(tc, dot_trace_atomic_assert_and_queue);
    tcase_add_test(tc, dot_formats);
    suite_add_tcase(s, tc);
    TCase *tl = tcase_create("limits");
    tcase_add_test(tl, dot_refuses_large_graph);
    tcase_add_test(tl, dot_same_graph_for_every_worker_count);
    suite_add_tcase(s, tl);
    TCase *te = tcase_create("errors");
    tcase_set_timeout(te, 30);
    tcase_add_test(te, dot_files_rendered);
    tcase_add_test(te, dot_file_errors);
    suite_add_tcase(s, te);
    return s;
}
