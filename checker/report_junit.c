/*
** report_junit.c -- JUnit XML (docs/ci.md): one testsuite per model.
**
** Test cases of a model, in this order: each invariant and final in declaration order, then
** "deadlock" (unless --no-deadlock), then "assert at line N" for each line holding an assert,
** then "error at line N" for each runtime error found. A test case fails when its violation was
** found, with the text report of that violation (schedule included) as the failure text. When
** the model expects a violation (--expect violation, --expect-from-model) violations do not
** fail: their report goes to the test case's system-out, and one more test case,
** "expect: TEXT", passes or fails with the expectation. Without a complete search, a property
** not found broken is skipped, not passed: nothing proves it. XML text is escaped here.
*/
#include "report_junit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outfile.h"
#include "report_replay.h"
#include "store.h"
#include "util.h"

typedef struct Suite {
    char *xml;          /* the <testsuite> element */
    unsigned n_tests;   /* test cases */
    unsigned n_failed;  /* with <failure> */
    unsigned n_errors;  /* with <error> */
    unsigned n_skipped; /* with <skipped> */
    double seconds;     /* search time */
} Suite;

struct ReportJunit {
    VEC(Suite) suites; /* in the order the models were checked */
};

ReportJunit *report_junit_new(void)
{
    return xcalloc(1, sizeof(ReportJunit));
}

void report_junit_free(ReportJunit *rj)
{
    if (!rj)
        return;
    for (size_t i = 0; i < rj->suites.len; i++)
        free(rj->suites.items[i].xml);
    vec_free(&rj->suites);
    free(rj);
}

/* ---- XML text ---- */

/* Write 's' escaped for XML text and attribute values; control characters XML 1.0 forbids
** (colour escapes, say) become '?'. */
static void xml_put(FILE *out, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '&')
            fputs("&amp;", out);
        else if (c == '<')
            fputs("&lt;", out);
        else if (c == '>')
            fputs("&gt;", out);
        else if (c == '"')
            fputs("&quot;", out);
        else if (c == '\'')
            fputs("&apos;", out);
        else if (c < 0x20 && c != '\n' && c != '\t' && c != '\r')
            fputc('?', out);
        else
            fputc(c, out);
    }
}

/* ---- one model ---- */

/* The text report of violation i (header, schedule, outcomes). Caller frees. */
static char *violation_text(const ModelOutcome *m, size_t i)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = xmemstream(&text, &len);
    ReportOptions ro = {.color = false};
    if (m->ropts)
        ro = *m->ropts;
    ro.color = false;
    report_violation(f, m->prog, m->res, &m->res->viols[i], m->traces[i], &ro);
    fclose(f);
    return text;
}

typedef struct Case {
    char *name;    /* test case name (owned) */
    int32_t viol;  /* index in res->viols of its violation, or -1 */
    bool is_final; /* the case of a final */
} Case;

typedef VEC(Case) CaseVec;

static void add_case(CaseVec *cases, char *name, int32_t viol)
{
    vec_push(cases, ((Case){name, viol, false}));
}

/* The violation of 'kind' (and property p, or line) in res, or -1. */
static int32_t find_viol(const SearchResult *res, ViolKind kind, int32_t p, uint32_t line)
{
    for (size_t i = 0; i < res->n_viols; i++) {
        const Violation *v = &res->viols[i];
        bool same =
            p >= 0 ? v->prop == p && (v->kind == kind || v->kind == VIOL_ERROR)
                   : v->kind == kind && v->prop < 0 && (kind == VIOL_DEADLOCK || v->line == line);
        if (same)
            return (int32_t)i;
    }
    return -1;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The lines holding an assert, sorted, each once. */
typedef VEC(uint32_t) LineVec;

static void assert_lines(const Program *prog, LineVec *lines)
{
    for (uint32_t t = 0; t < prog->n_templates; t++) {
        const Template *tm = &prog->templates[t];
        for (uint32_t pc = 0; pc < tm->n_code; pc++)
            if (tm->code[pc].op == OP_ASSERT)
                vec_push(lines, tm->code_line[pc]);
    }
    if (lines->len > 0)
        qsort(lines->items, lines->len, sizeof(uint32_t), cmp_u32);
    size_t n = 0;
    for (size_t i = 0; i < lines->len; i++)
        if (n == 0 || lines->items[n - 1] != lines->items[i])
            lines->items[n++] = lines->items[i];
    lines->len = n;
}

/* Every test case of a checked model, in the order of the file comment. */
static void list_cases(const ModelOutcome *m, CaseVec *cases)
{
    const Program *prog = m->prog;
    const SearchResult *res = m->res;
    for (uint32_t p = 0; p < prog->n_props; p++) {
        bool is_final = prog->props[p].kind == PROP_FINAL;
        add_case(cases, report_prop_name(prog, (int32_t)p),
                 find_viol(res, is_final ? VIOL_FINAL : VIOL_INVARIANT, (int32_t)p, 0));
        cases->items[cases->len - 1].is_final = is_final;
    }
    if (!(m->ropts && m->ropts->search && m->ropts->search->no_deadlock))
        add_case(cases, xstrdup("deadlock"), find_viol(res, VIOL_DEADLOCK, -1, 0));
    LineVec lines = {0};
    assert_lines(prog, &lines);
    char name[64];
    for (size_t i = 0; i < lines.len; i++) {
        snprintf(name, sizeof name, "assert at line %u", lines.items[i]);
        add_case(cases, xstrdup(name), find_viol(res, VIOL_ASSERT, -1, lines.items[i]));
    }
    vec_free(&lines);
    for (size_t i = 0; i < res->n_viols; i++) {
        const Violation *v = &res->viols[i];
        if (v->kind == VIOL_ERROR && v->prop < 0) {
            snprintf(name, sizeof name, "error at line %u", v->line);
            add_case(cases, xstrdup(name), (int32_t)i);
        }
    }
}

/* One test case: failed (or, when a violation is expected, passed with its report in
** system-out) when its violation was found, skipped when the search was incomplete. */
static void put_case(FILE *f, Suite *s, const ModelOutcome *m, const Case *c)
{
    s->n_tests++;
    fputs("    <testcase name=\"", f);
    xml_put(f, c->name);
    fputs("\" classname=\"", f);
    xml_put(f, m->path);
    fputs("\">\n", f);
    bool is_incomplete = !search_is_whole(m->res); /* --first and the bound included */
    if (c->viol >= 0) {
        const Violation *v = &m->res->viols[c->viol];
        char *text = violation_text(m, (size_t)c->viol);
        if (m->expect_text && m->is_expect_violation) {
            fputs("      <system-out>", f);
        } else {
            s->n_failed++;
            const Trace *tr = m->traces[c->viol];
            char *what = report_viol_text(m->prog, v, trace_state(tr, tr->n_steps));
            fputs("      <failure type=\"", f);
            xml_put(f, search_viol_kind_name(v->kind));
            fputs("\" message=\"", f);
            xml_put(f, what);
            fputs("\">", f);
            free(what);
        }
        xml_put(f, text);
        fputs(m->expect_text && m->is_expect_violation ? "</system-out>\n" : "</failure>\n", f);
        free(text);
    } else if (is_incomplete) {
        s->n_skipped++;
        fputs("      <skipped message=\"search incomplete: not found, not proven\"/>\n", f);
    } else if (c->is_final && m->analysis && m->analysis->n_never_ending > 0) {
        /* passed, but not on every schedule: say so where a CI page shows the case */
        fprintf(f,
                "      <system-out>runs forever: from %llu %s no schedule can end, so this "
                "final is not checked on them</system-out>\n",
                (unsigned long long)m->analysis->n_never_ending,
                m->analysis->n_never_ending == 1 ? "state" : "states");
    }
    fputs("    </testcase>\n", f);
}

/* The test case "expect: TEXT": fails when the expectation is not met. */
static void put_expect_case(FILE *f, Suite *s, const ModelOutcome *m)
{
    s->n_tests++;
    fputs("    <testcase name=\"expect: ", f);
    xml_put(f, m->expect_text);
    fputs("\" classname=\"", f);
    xml_put(f, m->path);
    fputs("\">\n", f);
    if (!m->is_expect_met) {
        s->n_failed++;
        const char *got = m->verdict == VERDICT_OK           ? "no violation"
                          : m->verdict == VERDICT_INCOMPLETE ? "an incomplete search"
                          : !m->is_expect_violation          ? "a violation"
                                                             : "other violations";
        fputs("      <failure type=\"expect\" message=\"expected ", f);
        xml_put(f, m->expect_text);
        fprintf(f, ", got %s\"/>\n", got);
    }
    fputs("    </testcase>\n", f);
}

static void put_suite_open(FILE *f, const ModelOutcome *m)
{
    fputs("  <testsuite name=\"", f);
    xml_put(f, m->path);
    fputs("\" tests=\"@T\" failures=\"@F\" errors=\"@E\" skipped=\"@S\" time=\"@D\">\n", f);
    if (!m->prog)
        return;
    fputs("    <properties>\n", f);
    for (uint32_t i = 0; i < m->prog->n_consts; i++) {
        fputs("      <property name=\"", f);
        xml_put(f, m->prog->const_names[i]);
        fprintf(f, "\" value=\"%d\"/>\n", m->prog->const_values[i]);
    }
    fputs("    </properties>\n", f);
}

/* Replace the @T @F @E @S @D placeholders of the opening tag with the counts. */
static char *fill_counts(const char *xml, const Suite *s)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = xmemstream(&out, &len);
    for (const char *p = xml; *p; p++) {
        if (*p == '@' && p[1] && strchr("TFESD", p[1])) {
            p++;
            if (*p == 'D')
                fprintf(f, "%.3f", s->seconds);
            else
                fprintf(f, "%u",
                        *p == 'T'   ? s->n_tests
                        : *p == 'F' ? s->n_failed
                        : *p == 'E' ? s->n_errors
                                    : s->n_skipped);
        } else {
            fputc(*p, f);
        }
    }
    fclose(f);
    return out;
}

void report_junit_add(ReportJunit *rj, const ModelOutcome *m)
{
    Suite s = {0};
    char *xml = NULL;
    size_t len = 0;
    FILE *f = xmemstream(&xml, &len);
    put_suite_open(f, m);
    if (!m->prog || !m->res) {
        s.n_tests = s.n_errors = 1;
        fputs("    <testcase name=\"compile\" classname=\"", f);
        xml_put(f, m->path);
        fprintf(f, "\">\n      <error type=\"%s\" message=\"",
                m->verdict == VERDICT_UNREADABLE ? "unreadable" : "model error");
        if (m->error) { /* its first line; the whole of it (source line, caret) as the text */
            char *first = xstrndup(m->error, strcspn(m->error, "\n"));
            xml_put(f, first);
            free(first);
            fputs("\">", f);
            xml_put(f, m->error);
            fputs("</error>\n    </testcase>\n", f);
        } else {
            fputs(m->verdict == VERDICT_UNREADABLE ? "the model file cannot be read"
                                                   : "the model does not compile (see stderr)",
                  f);
            fputs("\"/>\n    </testcase>\n", f);
        }
    } else {
        s.seconds = m->res->seconds;
        CaseVec cases = {0};
        list_cases(m, &cases);
        for (size_t i = 0; i < cases.len; i++) {
            put_case(f, &s, m, &cases.items[i]);
            free(cases.items[i].name);
        }
        vec_free(&cases);
        if (m->expect_text)
            put_expect_case(f, &s, m);
    }
    fputs("  </testsuite>\n", f);
    fclose(f);
    s.xml = fill_counts(xml, &s);
    free(xml);
    vec_push(&rj->suites, s);
}

char *report_junit_text(const ReportJunit *rj)
{
    Suite all = {0};
    for (size_t i = 0; i < rj->suites.len; i++) {
        const Suite *s = &rj->suites.items[i];
        all.n_tests += s->n_tests;
        all.n_failed += s->n_failed;
        all.n_errors += s->n_errors;
        all.n_skipped += s->n_skipped;
        all.seconds += s->seconds;
    }
    char *out = NULL;
    size_t len = 0;
    FILE *f = xmemstream(&out, &len);
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f,
            "<testsuites name=\"weft\" tests=\"%u\" failures=\"%u\" errors=\"%u\" time=\"%.3f\">\n",
            all.n_tests, all.n_failed, all.n_errors, all.seconds);
    for (size_t i = 0; i < rj->suites.len; i++)
        fputs(rj->suites.items[i].xml, f);
    fputs("</testsuites>\n", f);
    fclose(f);
    return out;
}

bool report_junit_save(const ReportJunit *rj, const char *path, char **err_out)
{
    OutFile of;
    if (!outfile_open(&of, path, err_out))
        return false;
    char *text = report_junit_text(rj);
    fputs(text, of.f);
    free(text);
    return outfile_commit(&of, true, err_out);
}
