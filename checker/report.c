/*
** report.c -- the text report: violations, their schedules, totals and the summary line.
**
** Everything shown is computed from the Program, the SearchResult and the Traces: a step's
** "what changed" column is the difference between the states before and after it, so it can
** never disagree with the executor. Rows of a schedule are built first and printed once the
** column widths are known, so columns line up whatever the names. Output is deterministic but
** for the last line of the totals (time, rate, memory).
*/
#include "report.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "report_replay.h"
#include "state.h"
#include "store.h"
#include "util.h"

/* Values listed in an outcomes line before it says how many more there are. */
enum { MAX_OUTCOMES_SHOWN = 20 };

/* ---- growable strings ---- */

/* Start a new item of a comma-separated list. */
static void buf_sep(StrBuf *b)
{
    if (b->len > 0)
        strbuf_addf(b, ", ");
}

/* ---- colour ---- */

static const char *color_on(bool color)
{
    return color ? "\033[1;31m" : "";
}

static const char *color_off(bool color)
{
    return color ? "\033[0m" : "";
}

/* ---- verdicts and exit statuses ---- */

Verdict report_verdict(const SearchResult *res)
{
    if (res->n_viols > 0)
        return VERDICT_VIOLATION;
    return search_is_partial(res) ? VERDICT_INCOMPLETE : VERDICT_OK;
}

WeftExit report_exit_status(Verdict v, Expect expect)
{
    switch (v) {
    case VERDICT_NOT_CHECKED:
    case VERDICT_UNREADABLE:
        return WEFT_EXIT_USAGE;
    case VERDICT_INCOMPLETE:
        return WEFT_EXIT_INCOMPLETE; /* neither expectation can be judged */
    case VERDICT_VIOLATION:
        return expect == EXPECT_VIOLATION ? WEFT_EXIT_OK : WEFT_EXIT_VIOLATION;
    case VERDICT_OK:
        return expect == EXPECT_VIOLATION ? WEFT_EXIT_VIOLATION : WEFT_EXIT_OK;
    }
    return WEFT_EXIT_USAGE;
}

static int exit_rank(WeftExit e)
{
    switch (e) {
    case WEFT_EXIT_OK:
        return 0;
    case WEFT_EXIT_INCOMPLETE:
        return 1;
    case WEFT_EXIT_VIOLATION:
        return 2;
    case WEFT_EXIT_USAGE:
        return 3;
    }
    return 3;
}

WeftExit report_worse_exit(WeftExit a, WeftExit b)
{
    return exit_rank(a) >= exit_rank(b) ? a : b;
}

/* How a summary line names what left a partial result partial (search_is_partial). */
static const char *partial_name(const SearchResult *res)
{
    return search_stop_is_limit(res->stop) ? search_stop_name(res->stop) : "max preemptions";
}

/* ---- values in states ---- */

/* Append the whole variable 'var' as seen by thread 'tid': "x = 3" or "a = [1, 2, 3]". */
void report_var_value(StrBuf *b, const Program *prog, const uint8_t *vec, uint32_t var,
                      uint32_t tid)
{
    const Var *v = &prog->vars[var];
    if (!v->is_array) {
        strbuf_addf(b, "%s = %d", v->name, state_var_get(prog, vec, var, tid, 0));
        return;
    }
    strbuf_addf(b, "%s = [", v->name);
    for (uint32_t i = 0; i < v->size; i++)
        strbuf_addf(b, "%s%d", i ? ", " : "", state_var_get(prog, vec, var, tid, i));
    strbuf_addf(b, "]");
}

static void add_queue_value(StrBuf *b, const Program *prog, const uint8_t *vec, uint32_t q)
{
    strbuf_addf(b, "%s = [", prog->queues[q].name);
    uint32_t len = state_queue_len(prog, vec, q);
    for (uint32_t i = 0; i < len; i++)
        strbuf_addf(b, "%s%d", i ? ", " : "", state_queue_elem(prog, vec, q, i));
    strbuf_addf(b, "]");
}

/* True when the step at position 'pos' of template 'tm' surely stores to scalar variable
** 'var': its code up to END_STEP is straight (no jump, choice or loop) and holds the store. */
static bool step_stores(const Template *tm, const Pos *pos, uint32_t var)
{
    for (uint32_t pc = pos->code; pc < tm->n_code; pc++) {
        const Ins *in = &tm->code[pc];
        switch (in->op) {
        case OP_END_STEP:
        case OP_JMP:
        case OP_JZ:
        case OP_JNZ:
        case OP_JZ_OR_POP:
        case OP_JNZ_OR_POP:
        case OP_CHOOSE:
        case OP_LOOP_CHECK:
        case OP_HALT:
            return false;
        case OP_STORE_G:
        case OP_STORE_L:
            if ((uint32_t)in->a == var)
                return true;
            break;
        default:
            break;
        }
    }
    return false;
}

/* Append "name = v" or "name[i] = v" for every element of 'var' that differs, and for a scalar
** the step wrote with the value it already had (a lost update shows as "counter = 6"). */
static void add_var_changes(StrBuf *b, const Program *prog, const uint8_t *before,
                            const uint8_t *after, uint32_t var, uint32_t tid, const Pos *pos)
{
    const Var *v = &prog->vars[var];
    const Template *tm = &prog->templates[prog->threads[tid].tmpl];
    for (uint32_t i = 0; i < v->size; i++) {
        int32_t x = state_var_get(prog, after, var, tid, i);
        if (state_var_get(prog, before, var, tid, i) == x &&
            (v->is_array || !step_stores(tm, pos, var)))
            continue;
        buf_sep(b);
        if (v->is_array)
            strbuf_addf(b, "%s[%u] = %d", v->name, i, x);
        else
            strbuf_addf(b, "%s = %d", v->name, x);
    }
}

/* What step 'tid' (from position 'pos') changed between two states: shared variables, its own
** locals, mutexes, queues, then threads it woke, in declaration order. "-" for nothing. Caller
** frees. */
static char *describe_changes(const Program *prog, const uint8_t *before, const uint8_t *after,
                              uint32_t tid, const Pos *pos)
{
    StrBuf b = {0};
    for (uint32_t var = 0; var < prog->n_shared; var++)
        add_var_changes(&b, prog, before, after, var, tid, pos);
    const Template *tm = &prog->templates[prog->threads[tid].tmpl];
    for (uint32_t i = 0; i < tm->n_locals; i++)
        add_var_changes(&b, prog, before, after, tm->locals[i], tid, pos);
    for (uint32_t m = 0; m < prog->n_mutexes; m++) {
        uint32_t owner = state_mutex_owner(prog, after, m);
        if (state_mutex_owner(prog, before, m) == owner)
            continue;
        buf_sep(&b);
        strbuf_addf(&b, "%s = %s", prog->mutexes[m].name,
                    owner ? prog->threads[owner - 1].name : "free");
    }
    for (uint32_t q = 0; q < prog->n_queues; q++) {
        if (state_queue_equal(prog, before, after, q))
            continue;
        buf_sep(&b);
        add_queue_value(&b, prog, after, q);
    }
    for (uint32_t t = 0; t < prog->n_threads; t++) {
        if (t != tid && state_pos(prog, before, t) != state_pos(prog, after, t)) {
            buf_sep(&b);
            strbuf_addf(&b, "woke %s", prog->threads[t].name);
        }
    }
    return strbuf_take(&b, "-");
}

/* ---- tables with aligned columns ---- */

enum { MAX_COLS = 6 };

typedef struct Row {
    char *cell[MAX_COLS]; /* owned texts; the last column is printed without padding */
} Row;

typedef struct Table {
    VEC(Row) rows;        /* in print order */
    uint32_t n_cols;      /* columns per row */
    bool right[MAX_COLS]; /* right-aligned columns (numbers) */
} Table;

static void table_print(FILE *out, Table *t, const char *indent)
{
    size_t width[MAX_COLS] = {0};
    for (size_t r = 0; r < t->rows.len; r++)
        for (uint32_t c = 0; c < t->n_cols; c++) {
            size_t w = strlen(t->rows.items[r].cell[c]);
            width[c] = w > width[c] ? w : width[c];
        }
    for (size_t r = 0; r < t->rows.len; r++) {
        fputs(indent, out);
        for (uint32_t c = 0; c < t->n_cols; c++) {
            const char *s = t->rows.items[r].cell[c];
            int w = (int)width[c];
            if (c + 1 == t->n_cols)
                fprintf(out, "%s\n", s);
            else if (t->right[c])
                fprintf(out, "%*s  ", w, s);
            else
                fprintf(out, "%-*s  ", w, s);
        }
    }
}

static void table_free(Table *t)
{
    for (size_t r = 0; r < t->rows.len; r++)
        for (uint32_t c = 0; c < t->n_cols; c++)
            free(t->rows.items[r].cell[c]);
    vec_free(&t->rows);
}

/* ---- headers of violations ---- */

static const char *plural(uint64_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* 'vec' is the violating state (the trace's last: under --compact the store has no vectors). */
static void print_header(FILE *out, const Program *prog, const uint8_t *vec, const Violation *v,
                         const ReportOptions *opts)
{
    char *text = report_viol_text(prog, v, vec);
    fprintf(out, "%sviolation:%s %s\n", color_on(opts->color), color_off(opts->color), text);
    free(text);
}

/* ---- deadlocks: who is blocked where ---- */

/* Why thread tid cannot move in 'vec': its step's first instruction that can block. */
static char *blocked_reason(const Program *prog, const uint8_t *vec, uint32_t tid)
{
    const Template *tm = &prog->templates[prog->threads[tid].tmpl];
    const Pos *pos = &tm->pos[state_pos(prog, vec, tid)];
    if (pos->kind == POS_SLEEP)
        return xasprintf("asleep on '%s'", prog->conds[pos->cond].name);
    for (uint32_t pc = pos->code; pc < tm->n_code && tm->code[pc].op != OP_END_STEP; pc++) {
        const Ins *in = &tm->code[pc];
        if (in->op == OP_LOCK) {
            uint32_t owner = state_mutex_owner(prog, vec, (uint32_t)in->a);
            const char *name = prog->mutexes[in->a].name;
            if (owner == tid + 1) /* 'lock m' twice: Java's and Python's RLock would go on */
                return xasprintf("'%s' is held by %s itself (a mutex is not reentrant)", name,
                                 prog->threads[tid].name);
            return xasprintf("'%s' is held by %s", name,
                             owner ? prog->threads[owner - 1].name : "nobody");
        }
        if (in->op == OP_PUT)
            return xasprintf("'%s' is full", prog->queues[in->a].name);
        if (in->op == OP_GET)
            return xasprintf("'%s' is empty", prog->queues[in->a].name);
        if (in->op == OP_AWAIT)
            return xstrdup("the condition is false");
    }
    return xstrdup("blocked");
}

static void print_blocked(FILE *out, const Program *prog, const uint8_t *vec)
{
    Table t = {.n_cols = 4};
    for (uint32_t tid = 0; tid < prog->n_threads; tid++) {
        if (state_thread_done(prog, vec, tid))
            continue;
        const Template *tm = &prog->templates[prog->threads[tid].tmpl];
        const Pos *pos = &tm->pos[state_pos(prog, vec, tid)];
        Row r = {{xstrdup(prog->threads[tid].name), xasprintf("line %u", pos->line),
                  xstrdup(pos->text), blocked_reason(prog, vec, tid)}};
        vec_push(&t.rows, r);
    }
    table_print(out, &t, "  blocked: ");
    table_free(&t);
}

/* ---- schedules ---- */

/* The last column of a failing last step: what went wrong. */
static char *describe_failure(const Violation *v, const Trace *tr, const Pos *pos)
{
    const char *what = v && v->kind == VIOL_ASSERT ? "fails" : "error";
    const char *msg = tr->fail_message ? tr->fail_message : "runtime error";
    if (tr->fail_line != pos->line)
        return xasprintf("%s at line %u: %s", what, tr->fail_line, msg);
    return xasprintf("%s: %s", what, msg);
}

char *report_changes(const Program *prog, const uint8_t *before, const uint8_t *after, uint32_t tid,
                     uint32_t pos)
{
    const Template *tm = &prog->templates[prog->threads[tid].tmpl];
    return describe_changes(prog, before, after, tid, &tm->pos[pos]);
}

const char *report_schedule_kind(const ReportOptions *opts)
{
    return opts->is_fewest                     ? "schedule with fewest preemptions"
           : opts->search && opts->search->dfs ? "schedule (depth first, not shortest)"
                                               : "shortest schedule";
}

static void print_schedule(FILE *out, const Program *prog, const Violation *v, const Trace *tr,
                           const ReportOptions *opts)
{
    fprintf(out, "%s: %u %s, %u %s\n", report_schedule_kind(opts), tr->n_steps,
            plural(tr->n_steps, "step", "steps"), tr->n_preemptions,
            plural(tr->n_preemptions, "preemption", "preemptions"));
    report_steps(out, prog, v, tr);
}

/* A step's label column: its label, or "-". */
static const char *step_label(const Template *tm, const Pos *pos)
{
    return pos->label >= 0 ? tm->labels[pos->label] : "-";
}

/* The columns as table_print() aligns them, but in two passes over the steps and no table: the
** first measures the padded columns (the last, what changed, is not padded), the second prints
** a step at a time, so a schedule of millions of steps takes no memory a step. */
void report_steps(FILE *out, const Program *prog, const Violation *v, const Trace *tr)
{
    int w_num = snprintf(NULL, 0, "%u", tr->n_steps), w_name = 0, w_label = 0, w_line = 0,
        w_text = 0;
    for (uint32_t i = 0; i < tr->n_steps; i++) {
        const TraceStep *s = &tr->steps[i];
        const Template *tm = &prog->templates[prog->threads[s->tid].tmpl];
        const Pos *pos = &tm->pos[s->pos];
        int n_name = (int)strlen(prog->threads[s->tid].name);
        int n_label = (int)strlen(step_label(tm, pos));
        int n_line = snprintf(NULL, 0, "line %u", pos->line), n_text = (int)strlen(pos->text);
        w_name = n_name > w_name ? n_name : w_name;
        w_label = n_label > w_label ? n_label : w_label;
        w_line = n_line > w_line ? n_line : w_line;
        w_text = n_text > w_text ? n_text : w_text;
    }
    for (uint32_t i = 0; i < tr->n_steps; i++) {
        const TraceStep *s = &tr->steps[i];
        const Template *tm = &prog->templates[prog->threads[s->tid].tmpl];
        const Pos *pos = &tm->pos[s->pos];
        char *changes;
        if (i + 1 == tr->n_steps && tr->ends_in_failure)
            changes = describe_failure(v, tr, pos);
        else
            changes =
                describe_changes(prog, trace_state(tr, i), trace_state(tr, i + 1), s->tid, pos);
        char line[24];
        snprintf(line, sizeof line, "line %u", pos->line);
        fprintf(out, "  %*u  %-*s  %-*s  %-*s  %-*s  %s\n", w_num, i + 1, w_name,
                prog->threads[s->tid].name, w_label, step_label(tm, pos), w_line, line, w_text,
                pos->text, changes);
        free(changes);
    }
}

/* ---- outcomes of a final ---- */

typedef struct Outcomes {
    uint64_t n_states; /* end states that break the final */
    VEC(int32_t) vals; /* their term values, n_terms per state, sorted and distinct at the end */
} Outcomes;

/* Compare two tuples of 'w' values lexicographically. */
static int cmp_tuple(const int32_t *x, const int32_t *y, uint32_t w)
{
    for (uint32_t i = 0; i < w; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

/* Sort 'n' tuples of 'w' values (bottom-up merge sort; qsort cannot be told 'w'). */
static void sort_tuples(int32_t *vals, size_t n, uint32_t w)
{
    int32_t *tmp = xmalloc((n ? n : 1) * w * sizeof(int32_t));
    for (size_t run = 1; run < n; run *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * run) {
            size_t mid = lo + run < n ? lo + run : n, hi = lo + 2 * run < n ? lo + 2 * run : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid || j < hi) {
                bool take_left =
                    j >= hi || (i < mid && cmp_tuple(vals + i * w, vals + j * w, w) <= 0);
                size_t from = take_left ? i++ : j++;
                memcpy(tmp + k++ * w, vals + from * w, w * sizeof(int32_t));
            }
        }
        memcpy(vals, tmp, n * w * sizeof(int32_t));
    }
    free(tmp);
}

/* True when every term of 'pr' is a plain expression, so outcomes are tuples of ints. */
static bool terms_are_scalar(const Property *pr)
{
    if (pr->n_terms == 0)
        return false;
    for (uint32_t i = 0; i < pr->n_terms; i++)
        if (pr->terms[i].var >= 0)
            return false;
    return true;
}

static void gather_outcomes(ExecCtx *ctx, const Program *prog, const SearchResult *res, int32_t p,
                            Outcomes *o)
{
    const Property *pr = &prog->props[p];
    uint64_t n = store_count(res->store);
    VEC(StateId) ids = {0};
    for (StateId sid = 0; sid < n; sid++) {
        const uint8_t *vec = store_vec(res->store, sid);
        const char *msg;
        if (!state_all_done(prog, vec) || exec_property(ctx, vec, (uint32_t)p, &msg) != PROP_BROKEN)
            continue;
        vec_push(&ids, sid);
        for (uint32_t i = 0; i < pr->n_terms; i++) {
            int32_t value = 0;
            if (!exec_term(ctx, vec, pr->terms[i].code, &value))
                value = 0;
            vec_push(&o->vals, value);
        }
    }
    o->n_states = count_configurations(prog, res->store, ids.items, ids.len);
    vec_free(&ids);
}

/* "'total' fails in 6 end states: counter = 2, 3, 4, 5, 6, 7 (2808 counting every variable)":
** the end states told apart by the property's terms, as DESIGN.md section 3 counts them, then,
** when it differs, how many they are as whole states (the locals and the other variables too).
** Only after a complete search, where the list is the whole truth. */
static void print_outcomes(FILE *out, ExecCtx *ctx, const Program *prog, const SearchResult *res,
                           int32_t p)
{
    const Property *pr = &prog->props[p];
    if (!terms_are_scalar(pr) || res->stop != SEARCH_COMPLETE || res->is_compact)
        return;
    Outcomes o = {0};
    gather_outcomes(ctx, prog, res, p, &o);
    uint32_t w = pr->n_terms;
    size_t n_tuples = o.vals.len / w, n_distinct = 0;
    sort_tuples(o.vals.items, n_tuples, w);
    for (size_t i = 0; i < n_tuples; i++)
        if (n_distinct == 0 ||
            cmp_tuple(o.vals.items + (n_distinct - 1) * w, o.vals.items + i * w, w))
            memmove(o.vals.items + n_distinct++ * w, o.vals.items + i * w, w * sizeof(int32_t));
    char *name = report_prop_name(prog, p);
    fprintf(out, "%s fails in %zu end %s: ", name, n_distinct,
            plural(n_distinct, "state", "states"));
    StrBuf b = {0};
    for (uint32_t i = 0; i < w; i++)
        strbuf_addf(&b, "%s%s", i ? ", " : "", pr->terms[i].text);
    fprintf(out, w > 1 ? "(%s) = " : "%s = ", b.s);
    for (size_t i = 0; i < n_distinct && i < MAX_OUTCOMES_SHOWN; i++) {
        fputs(i ? ", " : "", out);
        fputs(w > 1 ? "(" : "", out);
        for (uint32_t j = 0; j < w; j++)
            fprintf(out, "%s%d", j ? ", " : "", o.vals.items[i * w + j]);
        fputs(w > 1 ? ")" : "", out);
    }
    if (n_distinct > MAX_OUTCOMES_SHOWN)
        fprintf(out, " and %zu more", n_distinct - MAX_OUTCOMES_SHOWN);
    if (o.n_states != n_distinct)
        fprintf(out, " (%llu counting every variable)", (unsigned long long)o.n_states);
    fputc('\n', out);
    free(b.s);
    free(name);
    vec_free(&o.vals);
}

/* ---- totals ---- */

/* A bounded program: what the bound left out. */
static void print_bound(FILE *out, const Program *prog, const SearchResult *res)
{
    if (!prog->is_bounded || res->stop != SEARCH_COMPLETE)
        return;
    uint32_t n = prog->max_preemptions;
    if (res->n_held == 0) {
        fprintf(out,
                "preemption bound: --max-preemptions %u held back no step: every schedule "
                "was checked\n",
                n);
        return;
    }
    fprintf(out,
            "search bounded: --max-preemptions %u held back %llu %s; schedules of more than %u "
            "%s were not checked, so the result is partial\n",
            n, (unsigned long long)res->n_held, plural(res->n_held, "step", "steps"), n,
            plural(n, "preemption", "preemptions"));
}

/* "204.6 KiB": binary units, one decimal (two for GiB); bytes below 1 KiB. */
static void print_memory(FILE *out, size_t bytes)
{
    if (bytes < 1024)
        fprintf(out, "%zu B", bytes);
    else if (bytes < 1024 * 1024)
        fprintf(out, "%.1f KiB", (double)bytes / 1024);
    else if (bytes < (size_t)1024 * 1024 * 1024)
        fprintf(out, "%.1f MiB", (double)bytes / (1024 * 1024));
    else
        fprintf(out, "%.2f GiB", (double)bytes / (1024.0 * 1024 * 1024));
}

static void print_limit(FILE *out, const Program *prog, const SearchResult *res,
                        const ReportOptions *opts)
{
    const SearchOptions *so = opts->search;
    switch (res->stop) {
    case SEARCH_MAX_STATES:
        fprintf(out, "search stopped: --max-states %llu reached; the result is partial\n",
                (unsigned long long)(so ? so->max_states : res->n_states));
        break;
    case SEARCH_MAX_MEMORY: {
        size_t max = so ? so->max_memory : res->memory_bytes;
        fprintf(out, "search stopped: --max-memory %zu %s", max, max == 1 ? "byte" : "bytes");
        if (max >= 1024) { /* "(4.0 MiB)" */
            fputs(" (", out);
            print_memory(out, max);
            fputc(')', out);
        }
        fputs(" reached; the result is partial\n", out);
        break;
    }
    case SEARCH_TIME_LIMIT:
        fprintf(out, "search stopped: --time-limit %g s reached; the result is partial\n",
                so ? so->time_limit : res->seconds);
        break;
    case SEARCH_MAX_DEPTH:
        fprintf(out, "search stopped: --max-depth %u reached; the result is partial\n",
                so ? so->max_depth : res->max_depth);
        break;
    case SEARCH_INTERRUPTED:
        fprintf(out, "search stopped: interrupted; the result is partial\n");
        break;
    case SEARCH_FIRST:
        fprintf(out, "search stopped at the first violation (--first)\n");
        break;
    case SEARCH_COMPLETE:
        break;
    }
    if (res->checked_depth > 0 && prog->is_bounded) /* 0: only the initial state */
        fprintf(out,
                "checked: every schedule of up to %d %s and at most %u %s (the levels before "
                "the cut are whole)\n",
                res->checked_depth, res->checked_depth == 1 ? "step" : "steps",
                prog->max_preemptions, plural(prog->max_preemptions, "preemption", "preemptions"));
    else if (res->checked_depth > 0)
        fprintf(out,
                "checked: every schedule of up to %d %s (the levels before the cut are whole)\n",
                res->checked_depth, res->checked_depth == 1 ? "step" : "steps");
    print_bound(out, prog, res);
}

/* The last line also says what a state costs: the store's memory per stored state, and the
** packed vector's bytes (state.h), so layouts can be compared across models and tools. */
static void print_totals(FILE *out, const Program *prog, const SearchResult *res)
{
    fprintf(out, "states %llu  transitions %llu  depth %u\n", (unsigned long long)res->n_states,
            (unsigned long long)res->n_transitions, res->max_depth);
    if (res->is_compact)
        fprintf(out, "hash compaction: 64-bit fingerprints, probability of a missed state %.2g\n",
                search_omission_probability(res));
    if (prog->is_reduced_dead && prog->n_dead == 0)
        fputs("reduction: --reduce dead found no local to reset: each is read again wherever "
              "it is, or read by a property or --outcomes\n",
              out);
    else if (prog->is_reduced_dead)
        fprintf(out,
                "reduction: --reduce dead resets a local at %u %s, where no schedule reads it "
                "again before writing it\n",
                prog->n_dead, prog->n_dead == 1 ? "position" : "positions");
    double rate = res->seconds > 0 ? (double)res->n_states / res->seconds : 0;
    fprintf(out, "time %.2f s  rate %.0f states/s  memory ", res->seconds, rate);
    print_memory(out, res->memory_bytes);
    double per_state = res->n_states ? (double)res->memory_bytes / (double)res->n_states : 0;
    fprintf(out, " (%.1f bytes/state, vector %u bytes)\n", per_state, prog->state_size);
}

/* ---- statements that never run ---- */

/* The marks of one statement: its positions' together (a 'repeat' copies a statement's
** positions). */
typedef struct Stmt {
    uint32_t first; /* its first position */
    uint32_t line;
    const char *text;
    uint8_t step; /* EXEC_COVER_* of its POS_STEP positions, ORed */
    uint8_t wake; /* EXEC_COVER_* of its POS_RELOCK positions ('wait'), ORed */
    bool is_wait; /* it has a POS_RELOCK position */
} Stmt;

static int stmt_by_text(const void *a, const void *b)
{
    const Stmt *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    int c = strcmp(x->text, y->text);
    if (c)
        return c;
    return x->first < y->first ? -1 : x->first > y->first;
}

static int stmt_by_first(const void *a, const void *b)
{
    const Stmt *x = a, *y = b;
    return x->first < y->first ? -1 : x->first > y->first;
}

NeverRun *report_never_run(const Program *prog, const SearchResult *res, size_t *n_out)
{
    *n_out = 0;
    if (!search_is_whole(res) || !res->cover)
        return NULL;
    VEC(NeverRun) out = {0};
    for (uint32_t t = 0; t < prog->n_templates; t++) {
        const Template *tm = &prog->templates[t];
        const uint8_t *mark = res->cover + exec_cover_index(prog, t, 0);
        Stmt *st = xcalloc(tm->n_pos + 1, sizeof *st);
        size_t n = 0;
        for (uint32_t p = 0; p < tm->n_pos; p++) {
            PosKind kind = tm->pos[p].kind;
            if (kind != POS_STEP && kind != POS_RELOCK)
                continue;
            st[n] = (Stmt){p, tm->pos[p].line, tm->pos[p].text, 0, 0, false};
            if (kind == POS_STEP)
                st[n].step = mark[p];
            else
                st[n].wake = mark[p], st[n].is_wait = true;
            n++;
        }
        /* one entry a statement: the copies of a statement are next to each other by text */
        qsort(st, n, sizeof *st, stmt_by_text);
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            if (m && st[m - 1].line == st[i].line && !strcmp(st[m - 1].text, st[i].text)) {
                st[m - 1].step |= st[i].step;
                st[m - 1].wake |= st[i].wake;
                st[m - 1].is_wait |= st[i].is_wait;
            } else {
                st[m++] = st[i];
            }
        }
        qsort(st, m, sizeof *st, stmt_by_first);
        for (size_t i = 0; i < m; i++) {
            const char *why = !(st[i].step & EXEC_COVER_AT)                    ? "never reached"
                              : !(st[i].step & EXEC_COVER_RAN)                 ? "always blocked"
                              : st[i].is_wait && !(st[i].wake & EXEC_COVER_AT) ? "never woken"
                                                                               : NULL;
            if (why)
                vec_push(&out, ((NeverRun){t, st[i].line, st[i].text, why}));
        }
        free(st);
    }
    *n_out = out.len;
    return out.items;
}

/* "never run: 2 statements", then one line each: template, line, statement, why. */
static void print_never_run(FILE *out, const Program *prog, const SearchResult *res)
{
    size_t n;
    NeverRun *nr = report_never_run(prog, res, &n);
    if (!n)
        return;
    fprintf(out, "never run: %zu %s\n", n, plural(n, "statement", "statements"));
    Table t = {.n_cols = 4};
    for (size_t i = 0; i < n; i++) {
        Row r = {{xstrdup(prog->templates[nr[i].tmpl].name), xasprintf("line %u", nr[i].line),
                  xstrdup(nr[i].text), xstrdup(nr[i].why)}};
        vec_push(&t.rows, r);
    }
    table_print(out, &t, "  ");
    table_free(&t);
    free(nr);
}

/* A model that states no property: what an ok means then. */
static void print_nothing_stated(FILE *out, const Program *prog, const SearchResult *res,
                                 const ReportOptions *opts)
{
    if (res->n_viols || prog->n_props || prog_has_assert(prog))
        return;
    bool no_deadlock = opts->search && opts->search->no_deadlock;
    fprintf(out, "no property stated (no invariant, final or assert): only %s were looked for\n",
            no_deadlock ? "runtime errors" : "deadlocks and runtime errors");
}

/* ---- the report ---- */

void report_text(FILE *out, const Program *prog, const SearchResult *res, Trace *const *traces,
                 const ReportOptions *opts)
{
    for (size_t i = 0; i < res->n_viols; i++) {
        report_violation(out, prog, res, &res->viols[i], traces[i], opts);
        fputc('\n', out);
    }
    if (opts->analysis)
        report_analysis(out, prog, res, opts->analysis);
    if (opts->analysis_skipped) {
        fputs("outcomes and schedule counts: skipped, they need about ", out);
        print_memory(out, opts->analysis_skipped);
        fputs(" more than --max-memory leaves\n\n", out);
    }
    print_never_run(out, prog, res);
    print_nothing_stated(out, prog, res, opts);
    print_limit(out, prog, res, opts);
    print_totals(out, prog, res);
}

void report_violation(FILE *out, const Program *prog, const SearchResult *res, const Violation *v,
                      const Trace *tr, const ReportOptions *opts)
{
    ExecCtx *ctx = exec_new(prog);
    print_header(out, prog, trace_state(tr, tr->n_steps), v, opts);
    if (v->kind == VIOL_DEADLOCK)
        print_blocked(out, prog, trace_state(tr, tr->n_steps));
    print_schedule(out, prog, v, tr, opts);
    if (v->kind == VIOL_FINAL)
        print_outcomes(out, ctx, prog, res, v->prop);
    exec_free(ctx);
}

char *report_viol_list(const Program *prog, const SearchResult *res)
{
    StrBuf b = {0};
    for (size_t i = 0; i < res->n_viols && i < REPORT_SUMMARY_NAMES; i++) {
        char *name = report_viol_name(prog, &res->viols[i]);
        strbuf_addf(&b, "%s%s", i ? ", " : "", name);
        free(name);
    }
    if (res->n_viols > REPORT_SUMMARY_NAMES)
        strbuf_addf(&b, " and %zu more", res->n_viols - REPORT_SUMMARY_NAMES);
    return strbuf_take(&b, "");
}

/* "NAME: violation (final 'total', deadlock)" without the expectation and the newline. */
static void print_summary_verdict(FILE *out, const char *name, Verdict v, const SearchResult *res,
                                  const char *viols, bool color)
{
    fprintf(out, "%s: ", name);
    switch (v) {
    case VERDICT_OK:
        fprintf(out, "%sok%s", color ? "\033[1;32m" : "", color_off(color));
        break;
    case VERDICT_VIOLATION:
        fprintf(out, "%sviolation%s (%s", color_on(color), color_off(color), viols ? viols : "");
        if (search_is_partial(res))
            fprintf(out, "; search incomplete: %s", partial_name(res));
        fputc(')', out);
        break;
    case VERDICT_INCOMPLETE:
        fprintf(out, "incomplete (%s)", partial_name(res));
        break;
    case VERDICT_NOT_CHECKED:
        fprintf(out, "not checked (model error)");
        break;
    case VERDICT_UNREADABLE:
        fprintf(out, "not checked (cannot read)");
        break;
    }
}

void report_summary_expect(FILE *out, const char *name, Verdict v, const SearchResult *res,
                           const char *viols, const char *wanted, bool is_met, bool color)
{
    print_summary_verdict(out, name, v, res, viols, color);
    if (v != VERDICT_NOT_CHECKED && v != VERDICT_UNREADABLE)
        fprintf(out, " -- expected %s: %s", wanted,
                v == VERDICT_INCOMPLETE ? "unknown"
                : is_met                ? "met"
                                        : "not met");
    fputc('\n', out);
}

void report_summary(FILE *out, const char *name, Verdict v, const SearchResult *res,
                    const char *viols, Expect expect, bool color)
{
    print_summary_verdict(out, name, v, res, viols, color);
    if (expect != EXPECT_NONE && v != VERDICT_NOT_CHECKED && v != VERDICT_UNREADABLE) {
        const char *wanted = expect == EXPECT_OK ? "ok" : "violation";
        const char *how = v == VERDICT_INCOMPLETE                         ? "unknown"
                          : report_exit_status(v, expect) == WEFT_EXIT_OK ? "met"
                                                                          : "not met";
        fprintf(out, " -- expected %s: %s", wanted, how);
    }
    fputc('\n', out);
}
