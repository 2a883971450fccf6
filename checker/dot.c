/*
** dot.c -- Graphviz pictures of a search: the state graph and a schedule's sequence diagram.
**
** The store keeps parent links only, so the graph's edges are found again: every stored state's
** steps are re-run in tie-break order (thread ascending, then outcome k) and each successor is
** looked up with store_find. The reported schedule of a violation follows parent links, and the
** step trace_build picks for a link is the first outcome of the parent that gives the child: the
** same first edge is drawn bold here. Properties are evaluated again on every state, so every
** violating state is red, not only the one each violation's schedule ends in. Labels are escaped
** for DOT strings ("...") and HTML-like labels (<...>), so any statement text is safe.
*/
#include "dot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec.h"
#include "outfile.h"
#include "report_replay.h"
#include "state.h"
#include "store.h"
#include "util.h"

/* Edge colours of thread templates, by declaration order (wrapping); red means a violation, so
** it is not among them. Each has a light tint for the thread's column in a sequence diagram. */
/* clang-format off */
#define PALETTE_LIST(X)         \
    X("#1f77b4", "#dbe9f6")     \
    X("#2ca02c", "#dcf2dc")     \
    X("#9467bd", "#ebe3f4")     \
    X("#ff7f0e", "#ffe9d4")     \
    X("#8c564b", "#eee2df")     \
    X("#17becf", "#d8f5f8")     \
    X("#e377c2", "#fae3f2")     \
    X("#7f7f7f", "#ececec")
static const char *const palette_dark[] = {
#define X(dark, light) dark,
    PALETTE_LIST(X)
#undef X
};
static const char *const palette_light[] = {
#define X(dark, light) light,
    PALETTE_LIST(X)
#undef X
};
/* clang-format on */
enum { N_PALETTE = sizeof palette_dark / sizeof palette_dark[0] };

#define VIOLATION_RED  "#d00000"
#define VIOLATION_FILL "#fde0e0"
#define FINISHED_FILL  "#eeeeee"

/* ---- escaping ---- */

/* 's' inside a DOT double-quoted string. */
static void put_q(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', out);
        if (*s == '\n')
            fputs("\\n", out);
        else
            fputc(*s, out);
    }
}

/* 's' inside an HTML-like label. */
static void put_h(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        default:
            fputc(*s, out);
        }
    }
}

/* ---- names of positions, values ---- */

/* The label naming position p of template tm (its own, else one that starts there), or NULL. */
static const char *pos_label(const Template *tm, uint32_t p)
{
    if (tm->pos[p].label >= 0)
        return tm->labels[tm->pos[p].label];
    for (uint32_t l = 0; l < tm->n_labels; l++)
        if (tm->label_at[l][p])
            return tm->labels[l];
    return NULL;
}

/* Where thread tid stands, for a state label: "@write", "@line 12", " asleep@line 12", " done".
** Written to 'out' escaped for a DOT string. */
static void put_thread_pos(FILE *out, const Program *prog, const uint8_t *vec, uint32_t tid)
{
    const Template *tm = &prog->templates[prog->threads[tid].tmpl];
    uint32_t p = state_pos(prog, vec, tid);
    const Pos *pos = &tm->pos[p];
    put_q(out, prog->threads[tid].name);
    if (pos->kind == POS_END) {
        fputs(" done", out);
        return;
    }
    if (pos->kind == POS_SLEEP)
        fputs(" asleep", out);
    const char *label = pos_label(tm, p);
    if (label) {
        fputc('@', out);
        put_q(out, label);
    } else {
        fprintf(out, "@line %u", pos->line);
    }
}

/* Variable 'var' as thread tid sees it: "x=3" or "a=[1,2]" (compact, for state labels). */
static void put_var(FILE *out, const Program *prog, const uint8_t *vec, uint32_t var, uint32_t tid,
                    const char *eq)
{
    const Var *v = &prog->vars[var];
    put_q(out, v->name);
    fputs(eq, out);
    if (!v->is_array) {
        fprintf(out, "%d", state_var_get(prog, vec, var, tid, 0));
        return;
    }
    fputc('[', out);
    for (uint32_t i = 0; i < v->size; i++)
        fprintf(out, "%s%d", i ? ", " : "", state_var_get(prog, vec, var, tid, i));
    fputc(']', out);
}

/* Mutex m's holder: a thread's name or "free". */
static const char *mutex_holder(const Program *prog, const uint8_t *vec, uint32_t m)
{
    uint32_t owner = state_mutex_owner(prog, vec, m);
    return owner ? prog->threads[owner - 1].name : "free";
}

static void put_queue(FILE *out, const Program *prog, const uint8_t *vec, uint32_t q,
                      const char *eq)
{
    put_q(out, prog->queues[q].name);
    fprintf(out, "%s[", eq);
    uint32_t len = state_queue_len(prog, vec, q);
    for (uint32_t i = 0; i < len; i++)
        fprintf(out, "%s%d", i ? ", " : "", state_queue_elem(prog, vec, q, i));
    fputc(']', out);
}

/* "final total", "invariant at line 12": a property as state labels name it. */
static void put_prop_name(FILE *out, const Program *prog, uint32_t p)
{
    const Property *pr = &prog->props[p];
    fputs(pr->kind == PROP_FINAL ? "final " : "invariant ", out);
    if (pr->label)
        put_q(out, pr->label);
    else
        fprintf(out, "at line %u", pr->line);
}

/* ---- the state graph ---- */

enum {
    ON_PATH = 1,   /* the parent link into this state is on a reported schedule */
    PATH_DRAWN = 2 /* ... and its bold edge has been drawn */
};

/* A failing step of a violation, to draw its edge bold. */
typedef struct FailKey {
    StateId sid;  /* the state the failing step starts from */
    uint32_t tid; /* its thread */
    uint32_t k;   /* its outcome */
} FailKey;

typedef struct Graph {
    FILE *out;               /* DOT text goes here */
    const Program *prog;     /* the model */
    const SearchResult *res; /* the search, with its store */
    const DotOptions *opts;  /* what to show */
    ExecCtx *ex;             /* re-runs steps */
    ExecCtx *ex_prop;        /* evaluates properties */
    uint8_t *flags;          /* per state: ON_PATH, PATH_DRAWN */
    VEC(FailKey) fails;      /* failing steps of violations */
    StateId cur;             /* the state whose edges are being drawn */
    uint32_t n_fail_nodes;   /* failing-step nodes drawn so far */
    StateId *num;            /* per stored state: its node's number ("s<num>"), or STATE_ID_NONE:
                             ** not drawn (number_states) */
    StateId *by_num;         /* the stored state of each node number */
    uint64_t n;              /* state nodes */
} Graph;

/* Mark the parent links of every violation's schedule, and remember its failing step. */
static void mark_paths(Graph *g)
{
    const Store *st = g->res->store;
    for (size_t i = 0; i < g->res->n_viols; i++) {
        const Violation *v = &g->res->viols[i];
        for (StateId sid = v->state; store_parent(st, sid) != STATE_ID_NONE;
             sid = store_parent(st, sid))
            g->flags[sid] |= ON_PATH;
        if (v->by_step)
            vec_push(&g->fails, ((FailKey){v->state, v->tid, v->k}));
    }
}

static bool is_reported_failure(const Graph *g, StateId sid, uint32_t tid, uint32_t k)
{
    for (size_t i = 0; i < g->fails.len; i++)
        if (g->fails.items[i].sid == sid && g->fails.items[i].tid == tid &&
            g->fails.items[i].k == k)
            return true;
    return false;
}

/* The lines "final total broken", "deadlock", ... of state 'vec'; true if there was any. */
static bool put_broken(Graph *g, const uint8_t *vec, bool is_deadlock)
{
    bool any = false;
    bool all_done = state_all_done(g->prog, vec);
    for (uint32_t p = 0; p < g->prog->n_props; p++) {
        const Property *pr = &g->prog->props[p];
        if (pr->kind == PROP_FINAL && !all_done)
            continue;
        const char *msg = NULL;
        PropResult r = exec_property(g->ex_prop, vec, p, &msg);
        if (r == PROP_HOLDS)
            continue;
        fputs("\\n", g->out);
        put_prop_name(g->out, g->prog, p);
        if (r == PROP_BROKEN) {
            fputs(" broken", g->out);
        } else {
            fputs(": ", g->out);
            put_q(g->out, msg ? msg : "error");
        }
        any = true;
    }
    if (is_deadlock) {
        fputs("\\ndeadlock", g->out);
        any = true;
    }
    return any;
}

/* True when no thread of 'vec' can move though some has not finished. */
static bool is_deadlock(Graph *g, const uint8_t *vec)
{
    if (g->opts->no_deadlock || state_all_done(g->prog, vec))
        return false;
    for (uint32_t tid = 0; tid < g->prog->n_threads; tid++)
        if (!state_thread_done(g->prog, vec, tid) && exec_enabled(g->ex, vec, tid))
            return false;
    return true;
}

/* The label text of a state: shared values, mutexes, queues; then the threads. */
static void put_state_text(Graph *g, const uint8_t *vec)
{
    const Program *prog = g->prog;
    FILE *out = g->out;
    bool has_shared = false;
    for (uint32_t var = 0; var < prog->n_shared; var++, has_shared = true) {
        fputs(has_shared ? " " : "", out);
        put_var(out, prog, vec, var, 0, "=");
    }
    for (uint32_t m = 0; m < prog->n_mutexes; m++, has_shared = true) {
        fputs(has_shared ? " " : "", out);
        put_q(out, prog->mutexes[m].name);
        fputc('=', out);
        put_q(out, mutex_holder(prog, vec, m));
    }
    for (uint32_t q = 0; q < prog->n_queues; q++, has_shared = true) {
        fputs(has_shared ? " " : "", out);
        put_queue(out, prog, vec, q, "=");
    }
    if (has_shared)
        fputs("\\n", out);
    for (uint32_t tid = 0; tid < prog->n_threads; tid++) {
        fputs(tid ? "  " : "", out);
        put_thread_pos(out, prog, vec, tid);
        const Template *tm = &prog->templates[prog->threads[tid].tmpl];
        for (uint32_t i = 0; g->opts->show_locals && i < tm->n_locals; i++) {
            fputs(i ? " " : "(", out);
            put_var(out, prog, vec, tm->locals[i], tid, "=");
            fputs(i + 1 == tm->n_locals ? ")" : "", out);
        }
    }
    if (prog->is_bounded) { /* --max-preemptions: the history a bounded state holds too */
        uint32_t last = state_last_thread(prog, vec), n = state_preemptions(prog, vec);
        if (last == STATE_NO_THREAD) {
            fputs("\\nno step yet", out);
        } else {
            fputs("\\nlast step by ", out);
            put_q(out, prog->threads[last].name);
        }
        fprintf(out, ", %u %s", n, n == 1 ? "preemption" : "preemptions");
    }
}

static void put_state_node(Graph *g, StateId sid)
{
    const uint8_t *vec = store_vec(g->res->store, sid);
    FILE *out = g->out;
    fprintf(out, "  s%u [label=\"", g->num[sid]);
    put_state_text(g, vec);
    bool is_bad = put_broken(g, vec, is_deadlock(g, vec));
    fputc('"', out);
    if (sid == 0)
        fputs(", peripheries=2", out);
    if (is_bad)
        fputs(", color=\"" VIOLATION_RED "\", fontcolor=\"" VIOLATION_RED
              "\", fillcolor=\"" VIOLATION_FILL "\", style=\"rounded,filled,bold\"",
              out);
    else if (state_all_done(g->prog, vec))
        fputs(", fillcolor=\"" FINISHED_FILL "\", style=\"rounded,filled\"", out);
    fputs("];\n", out);
}

/* "worker[1]: write", "worker[1]: line 12", with " #k" when the step has several outcomes. */
static void put_step_label(FILE *out, const Program *prog, const uint8_t *vec, uint32_t tid,
                           uint32_t k, bool is_choice)
{
    const Template *tm = &prog->templates[prog->threads[tid].tmpl];
    uint32_t p = state_pos(prog, vec, tid);
    const char *label = pos_label(tm, p);
    put_q(out, prog->threads[tid].name);
    if (label) {
        fputs(": ", out);
        put_q(out, label);
    } else {
        fprintf(out, ": line %u", tm->pos[p].line);
    }
    if (is_choice)
        fprintf(out, " #%u", k);
}

/* One outcome of a step, kept until the step's outcomes are all known (to number choices). */
typedef struct Edge {
    StateId to;      /* the successor, or STATE_ID_NONE (not stored, or the step failed) */
    bool is_failure; /* the step failed: draw a failing-step node */
    uint32_t k;      /* the outcome index */
    uint32_t line;   /* failures: the failing statement's line */
    char *message;   /* failures: what went wrong (owned) */
} Edge;

typedef struct EdgeBatch {
    Graph *g;        /* the graph */
    VEC(Edge) edges; /* the outcomes of one step */
} EdgeBatch;

static void on_outcome(void *ctx, uint32_t tid, const ExecOutcome *o)
{
    EdgeBatch *b = ctx;
    (void)tid;
    Edge e = {.to = STATE_ID_NONE, .k = o->k};
    if (o->status == EXEC_OK) {
        const Program *prog = b->g->prog;
        e.to = store_find(b->g->res->store, o->vec, state_hash(o->vec, prog->state_size));
    } else {
        e.is_failure = true;
        e.line = o->line;
        e.message = xstrdup(o->message ? o->message : "runtime error");
    }
    vec_push(&b->edges, e);
}

static void put_edge_attrs(Graph *g, const uint8_t *vec, uint32_t tid, const Edge *e,
                           bool is_choice, bool is_bold)
{
    const char *color = palette_dark[g->prog->threads[tid].tmpl % N_PALETTE];
    fputs(" [label=\"", g->out);
    put_step_label(g->out, g->prog, vec, tid, e->k, is_choice);
    fprintf(g->out, "\", color=\"%s\", fontcolor=\"%s\"", color, color);
    if (is_bold)
        fputs(", penwidth=3, style=bold", g->out);
    fputs("];\n", g->out);
}

/* Draw the outcomes of thread tid's step from g->cur. */
static void put_step_edges(Graph *g, const uint8_t *vec, uint32_t tid, EdgeBatch *b)
{
    bool is_choice = b->edges.len > 1;
    for (size_t i = 0; i < b->edges.len; i++) {
        Edge *e = &b->edges.items[i];
        if (e->is_failure) {
            uint32_t f = g->n_fail_nodes++;
            fprintf(g->out,
                    "  f%u [shape=octagon, color=\"" VIOLATION_RED "\", fontcolor=\"" VIOLATION_RED
                    "\", label=\"",
                    f);
            put_q(g->out, e->message);
            fprintf(g->out, "\\nline %u\"];\n  s%u -> f%u", e->line, g->num[g->cur], f);
            put_edge_attrs(g, vec, tid, e, is_choice, is_reported_failure(g, g->cur, tid, e->k));
            free(e->message);
            continue;
        }
        if (e->to == STATE_ID_NONE || g->num[e->to] == STATE_ID_NONE)
            continue; /* a partial search did not store it (or stored it past its cut) */
        bool is_bold = (g->flags[e->to] & (ON_PATH | PATH_DRAWN)) == ON_PATH &&
                       store_parent(g->res->store, e->to) == g->cur;
        if (is_bold)
            g->flags[e->to] |= PATH_DRAWN;
        fprintf(g->out, "  s%u -> s%u", g->num[g->cur], g->num[e->to]);
        put_edge_attrs(g, vec, tid, e, is_choice, is_bold);
    }
    b->edges.len = 0;
}

static void put_edges(Graph *g, StateId sid)
{
    const uint8_t *vec = store_vec(g->res->store, sid);
    EdgeBatch b = {.g = g};
    g->cur = sid;
    for (uint32_t tid = 0; tid < g->prog->n_threads; tid++) {
        exec_step(g->ex, vec, tid, on_outcome, &b);
        put_step_edges(g, vec, tid, &b);
    }
    vec_free(&b.edges);
}

/* Number the states to draw. A store whose ids are the order one thread found the states in is
** drawn as it is: node i is state i. The level search's store (res->is_id_unordered) is
** numbered by a breadth first walk from the initial state, each state's steps in tie-break
** order (thread ascending, then outcome k), a state numbered when first met, the walk stopping
** at res->n_states states: the ids the one-thread search gives, for its store holds the first
** n_states states met so, so the picture is the same for every -j. */
static void number_states(Graph *g)
{
    const SearchResult *res = g->res;
    uint64_t n_store = store_count(res->store);
    g->num = xmalloc((n_store ? n_store : 1) * sizeof *g->num);
    g->by_num = xmalloc((n_store ? n_store : 1) * sizeof *g->by_num);
    if (!res->is_id_unordered) {
        for (StateId sid = 0; sid < n_store; sid++)
            g->num[sid] = g->by_num[sid] = sid;
        g->n = n_store;
        return;
    }
    memset(g->num, 0xff, n_store * sizeof *g->num); /* STATE_ID_NONE */
    uint64_t n_max = res->n_states < n_store ? res->n_states : n_store;
    g->n = 0;
    if (n_max == 0)
        return;
    g->num[0] = g->by_num[0] = 0;
    g->n = 1;
    EdgeBatch b = {.g = g};
    for (uint64_t i = 0; i < g->n; i++) {
        const uint8_t *vec = store_vec(res->store, g->by_num[i]);
        for (uint32_t tid = 0; tid < g->prog->n_threads; tid++)
            exec_step(g->ex, vec, tid, on_outcome, &b);
        for (size_t k = 0; k < b.edges.len; k++) {
            Edge *e = &b.edges.items[k];
            free(e->message);
            if (e->is_failure || e->to == STATE_ID_NONE || g->num[e->to] != STATE_ID_NONE ||
                g->n == n_max)
                continue;
            g->num[e->to] = (StateId)g->n;
            g->by_num[g->n++] = e->to;
        }
        b.edges.len = 0;
    }
    vec_free(&b.edges);
}

/* The title and the legend: the model, its size, and the colour of each thread template. */
static void put_legend(Graph *g)
{
    const Program *prog = g->prog;
    const SearchResult *res = g->res;
    fputs("  label=<", g->out);
    put_h(g->out, prog->model_name);
    fprintf(g->out, ": %llu states, %llu transitions", (unsigned long long)res->n_states,
            (unsigned long long)res->n_transitions);
    if (res->stop != SEARCH_COMPLETE)
        fputs(" (partial: the search stopped early)", g->out);
    fputs("<br/>steps of ", g->out);
    for (uint32_t t = 0; t < prog->n_templates; t++) {
        const Template *tm = &prog->templates[t];
        fprintf(g->out, "%s<font color=\"%s\"><b>", t ? ", " : "", palette_dark[t % N_PALETTE]);
        put_h(g->out, tm->name);
        fputs(tm->is_array ? "[*]" : "", g->out);
        fputs("</b></font>", g->out);
    }
    fputs("; <font color=\"" VIOLATION_RED "\">red</font>: violations; bold: shortest "
          "counterexamples>;\n",
          g->out);
}

static void put_graph(Graph *g)
{
    FILE *out = g->out;
    fputs("digraph \"", out);
    put_q(out, g->prog->model_name);
    fputs("\" {\n"
          "  labelloc=b;\n"
          "  fontname=\"Helvetica\";\n"
          "  fontsize=11;\n"
          "  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=10];\n"
          "  edge [fontname=\"Helvetica\", fontsize=9];\n",
          out);
    put_legend(g);
    fputs("  start [shape=point, width=0.12, label=\"\"];\n  start -> s0;\n", out);
    for (uint64_t i = 0; i < g->n; i++)
        put_state_node(g, g->by_num[i]);
    for (uint64_t i = 0; i < g->n; i++)
        put_edges(g, g->by_num[i]);
    fputs("}\n", out);
}

/* The refusal of a graph too large to read; the caller frees it. */
static char *too_large(const SearchResult *res, uint64_t max)
{
    char text[256];
    if (res->stop == SEARCH_MAX_STATES)
        snprintf(text, sizeof text,
                 "state graph too large: over the --dot-max-states limit of %llu states (raise "
                 "it, or make the model smaller with -D)",
                 (unsigned long long)max);
    else
        snprintf(text, sizeof text,
                 "state graph too large: %llu states, over the --dot-max-states limit of %llu "
                 "(raise it, or make the model smaller with -D)",
                 (unsigned long long)res->n_states, (unsigned long long)max);
    return xstrdup(text);
}

bool dot_state_graph(FILE *out, const Program *prog, const SearchResult *res,
                     const DotOptions *opts, char **err_out)
{
    uint64_t n_store = store_count(res->store);
    uint64_t n = res->is_id_unordered && res->n_states < n_store ? res->n_states : n_store;
    *err_out = NULL;
    if (res->is_compact) {
        *err_out = xstrdup("no state graph under --compact: the store keeps fingerprints, not "
                           "states (drop --compact to draw the graph)");
        return false;
    }
    if (opts->max_states && n > opts->max_states) {
        *err_out = too_large(res, opts->max_states);
        return false;
    }
    Graph g = {.out = out, .prog = prog, .res = res, .opts = opts};
    g.ex = exec_new(prog);
    g.ex_prop = exec_new(prog);
    g.flags = xcalloc(n_store ? n_store : 1, 1);
    number_states(&g);
    mark_paths(&g);
    put_graph(&g);
    free(g.num);
    free(g.by_num);
    free(g.flags);
    vec_free(&g.fails);
    exec_free(g.ex);
    exec_free(g.ex_prop);
    return true;
}

/* ---- the sequence diagram of a schedule ---- */

#define LIFELINE "<font color=\"#aaaaaa\">|</font>"
#define ROW_RED  "#f9c6c6"

/* True when the straight-line code of the step at position p of tm stores to variable 'var'
** (so a lost update, which writes the value already there, still shows as written). */
static bool step_writes(const Template *tm, uint32_t p, uint32_t var)
{
    for (uint32_t pc = tm->pos[p].code; pc < tm->n_code; pc++) {
        Opcode op = (Opcode)tm->code[pc].op;
        if (op == OP_END_STEP || op == OP_JMP || op == OP_JZ || op == OP_JNZ || op == OP_CHOOSE ||
            op == OP_HALT)
            return false;
        if ((op == OP_STORE_G || op == OP_STORE_L) && (uint32_t)tm->code[pc].a == var)
            return true;
    }
    return false;
}

/* Whether step i (1-based; 0: none) changed or wrote variable 'var' of thread tid. */
static bool var_changed(const Program *prog, const Trace *tr, uint32_t i, uint32_t var,
                        uint32_t tid)
{
    if (i == 0)
        return false;
    const TraceStep *step = &tr->steps[i - 1];
    const Template *tm = &prog->templates[prog->threads[step->tid].tmpl];
    if (step->tid == tid && !(tr->ends_in_failure && i == tr->n_steps) &&
        step_writes(tm, step->pos, var))
        return true;
    for (uint32_t e = 0; e < prog->vars[var].size; e++)
        if (state_var_get(prog, trace_state(tr, i - 1), var, tid, e) !=
            state_var_get(prog, trace_state(tr, i), var, tid, e))
            return true;
    return false;
}

/* "counter = 1" for every shared variable, mutex and queue after step i, in declaration
** order, the ones step i changed in bold. */
static void put_shared_cell(FILE *out, const Program *prog, const Trace *tr, uint32_t i,
                            const char *bg)
{
    const uint8_t *after = trace_state(tr, i);
    const uint8_t *before = trace_state(tr, i ? i - 1 : 0);
    fprintf(out, "<td align=\"left\"%s%s%s>", bg ? " bgcolor=\"" : "", bg ? bg : "",
            bg ? "\"" : "");
    uint32_t n = 0;
    for (uint32_t var = 0; var < prog->n_shared; var++, n++) {
        bool changed = var_changed(prog, tr, i, var, i ? tr->steps[i - 1].tid : 0);
        fprintf(out, "%s%s", n ? "<br/>" : "", changed ? "<b>" : "");
        put_var(out, prog, after, var, 0, " = ");
        fputs(changed ? "</b>" : "", out);
    }
    for (uint32_t m = 0; m < prog->n_mutexes; m++, n++) {
        bool changed = state_mutex_owner(prog, before, m) != state_mutex_owner(prog, after, m);
        fprintf(out, "%s%s", n ? "<br/>" : "", changed ? "<b>" : "");
        put_h(out, prog->mutexes[m].name);
        fputs(" = ", out);
        put_h(out, mutex_holder(prog, after, m));
        fputs(changed ? "</b>" : "", out);
    }
    for (uint32_t q = 0; q < prog->n_queues; q++, n++) {
        bool changed = !state_queue_equal(prog, before, after, q); /* a put or a get */
        fprintf(out, "%s%s", n ? "<br/>" : "", changed ? "<b>" : "");
        put_queue(out, prog, after, q, " = ");
        fputs(changed ? "</b>" : "", out);
    }
    fputs(n ? "</td>" : "-</td>", out);
}

/* The cell of the thread that moves at step i (1-based): label, line, statement, the locals
** it changed, a preemption, a failure. */
static void put_step_cell(FILE *out, const Program *prog, const Trace *tr, uint32_t i, bool is_bad)
{
    const TraceStep *step = &tr->steps[i - 1];
    const Template *tm = &prog->templates[prog->threads[step->tid].tmpl];
    const Pos *pos = &tm->pos[step->pos];
    const char *label = pos_label(tm, step->pos);
    fprintf(out, "<td align=\"left\" bgcolor=\"%s\">",
            is_bad ? ROW_RED : palette_light[prog->threads[step->tid].tmpl % N_PALETTE]);
    if (label) {
        fputs("<b>", out);
        put_h(out, label);
        fputs("</b> ", out);
    }
    fprintf(out, "line %u<br/>", pos->line);
    put_h(out, pos->text);
    const uint8_t *after = trace_state(tr, i);
    for (uint32_t l = 0; l < tm->n_locals; l++) {
        uint32_t var = tm->locals[l];
        if (!var_changed(prog, tr, i, var, step->tid))
            continue;
        fputs("<br/><i>", out);
        put_var(out, prog, after, var, step->tid, " = ");
        fputs("</i>", out);
    }
    if (step->is_preemption)
        fputs("<br/><i>(preemption)</i>", out);
    if (is_bad && tr->ends_in_failure && i == tr->n_steps) {
        fputs("<br/><font color=\"" VIOLATION_RED "\"><b>", out);
        put_h(out, tr->fail_message ? tr->fail_message : "fails");
        fputs("</b></font>", out);
    }
    fputs("</td>", out);
}

/* Row i of the diagram: 0 is the initial state, i > 0 step i. */
static void put_trace_row(FILE *out, const Program *prog, const Trace *tr, uint32_t i, bool is_bad)
{
    const char *bg = is_bad ? ROW_RED : NULL;
    fprintf(out, "    <tr><td%s%s%s>%s%u%s</td>", bg ? " bgcolor=\"" : "", bg ? bg : "",
            bg ? "\"" : "", is_bad ? "<b>" : "", i, is_bad ? "</b>" : "");
    if (i == 0) {
        fprintf(out, "<td colspan=\"%u\"%s%s%s><i>initial state</i></td>", prog->n_threads,
                bg ? " bgcolor=\"" : "", bg ? bg : "", bg ? "\"" : "");
    } else {
        const uint8_t *before = trace_state(tr, i - 1);
        for (uint32_t tid = 0; tid < prog->n_threads; tid++) {
            if (tid == tr->steps[i - 1].tid)
                put_step_cell(out, prog, tr, i, is_bad);
            else
                fprintf(out, "<td>%s</td>", state_thread_done(prog, before, tid) ? "" : LIFELINE);
        }
    }
    put_shared_cell(out, prog, tr, i, bg);
    fputs("</tr>\n", out);
}

void dot_trace(FILE *out, const Program *prog, const Violation *v, const Trace *tr,
               const char *what)
{
    uint32_t n_cols = prog->n_threads + 2;
    fputs("digraph \"", out);
    put_q(out, prog->model_name);
    fputs("\" {\n  node [shape=plaintext, fontname=\"Helvetica\", fontsize=10];\n"
          "  schedule [label=<\n  <table border=\"0\" cellborder=\"1\" cellspacing=\"0\" "
          "cellpadding=\"4\" color=\"#bbbbbb\">\n",
          out);
    fprintf(out, "    <tr><td colspan=\"%u\" border=\"0\"><b>", n_cols);
    put_h(out, prog->model_name);
    fputs(": </b><font color=\"" VIOLATION_RED "\">", out);
    char *text = report_viol_text(prog, v, trace_state(tr, tr->n_steps));
    put_h(out, text); /* the report's own words: "final 'total' (...) breaks with counter = 3" */
    free(text);
    fputs("</font><br/>", out);
    put_h(out, what);
    fprintf(out, ": %u step%s, %u preemption%s</td></tr>\n", tr->n_steps,
            tr->n_steps == 1 ? "" : "s", tr->n_preemptions, tr->n_preemptions == 1 ? "" : "s");
    fputs("    <tr><td><b>step</b></td>", out);
    for (uint32_t tid = 0; tid < prog->n_threads; tid++) {
        fprintf(out, "<td bgcolor=\"%s\"><b>", palette_light[prog->threads[tid].tmpl % N_PALETTE]);
        put_h(out, prog->threads[tid].name);
        fputs("</b></td>", out);
    }
    fputs("<td><b>shared</b></td></tr>\n", out);
    for (uint32_t i = 0; i <= tr->n_steps; i++)
        put_trace_row(out, prog, tr, i, i == tr->n_steps);
    fputs("  </table>>];\n}\n", out);
}

/* ---- files and rendering ---- */

DotFormat dot_format_for_name(const char *path)
{
    if (util_has_suffix(path, ".svg") || util_has_suffix(path, ".SVG"))
        return DOT_FORMAT_SVG;
    if (util_has_suffix(path, ".png") || util_has_suffix(path, ".PNG"))
        return DOT_FORMAT_PNG;
    return DOT_FORMAT_DOT;
}

bool dot_format_parse(const char *name, DotFormat *out)
{
    if (!strcmp(name, "dot"))
        *out = DOT_FORMAT_DOT;
    else if (!strcmp(name, "svg"))
        *out = DOT_FORMAT_SVG;
    else if (!strcmp(name, "png"))
        *out = DOT_FORMAT_PNG;
    else
        return false;
    return true;
}

static char *str_cat3(const char *a, const char *b, const char *c)
{
    size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
    char *s = xmalloc(la + lb + lc + 1);
    memcpy(s, a, la);
    memcpy(s + la, b, lb);
    memcpy(s + la + lb, c, lc + 1);
    return s;
}

/* "cannot write 'x.dot': No such file or directory"; the caller frees it. */
static char *errno_message(const char *what, const char *path, int err)
{
    char *head = str_cat3(what, " '", path);
    char *s = str_cat3(head, "': ", strerror(err));
    free(head);
    return s;
}

/* Write 'len' bytes to the stream 'f' of the file 'of' and finish it (outfile_commit); false
** with *err_out on failure. */
static bool write_all(OutFile *of, const char *text, size_t len, char **err_out)
{
    bool ok = fwrite(text, 1, len, of->f) == len;
    int err = errno;
    if (!outfile_commit(of, ok, err_out))
        ok = false;
    if (!ok && !*err_out)
        *err_out = errno_message("cannot write", of->path, err ? err : EIO);
    return ok;
}

/* True when an executable 'name' is in a directory of PATH. */
static bool on_path(const char *name)
{
    const char *path = getenv("PATH");
    while (path && *path) {
        size_t n = strcspn(path, ":");
        char *dir = n ? xstrndup(path, n) : xstrdup(".");
        char *full = str_cat3(dir, "/", name);
        struct stat sb;
        bool found = stat(full, &sb) == 0 && S_ISREG(sb.st_mode) && access(full, X_OK) == 0;
        free(full);
        free(dir);
        if (found)
            return true;
        path += n + (path[n] == ':');
    }
    return false;
}

/* The first line of what Graphviz said, at most 300 bytes. */
static char *first_line(int fd)
{
    char buf[301];
    size_t len = 0;
    ssize_t n;
    char sink[512];
    while ((n = read(fd, len < 300 ? buf + len : sink, len < 300 ? 300 - len : sizeof sink)) > 0 ||
           (n < 0 && errno == EINTR))
        if (n > 0 && len < 300)
            len += (size_t)n;
    buf[len] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    return xstrdup(len ? buf : "no message");
}

/* Run 'dot -Tsvg -o out_path in_path'; false with *err_out when it cannot run or fails. */
static bool run_dot(const char *in_path, const char *out_path, DotFormat fmt, char **err_out)
{
    int pipe_fd[2];
    if (pipe(pipe_fd) != 0) {
        *err_out = errno_message("cannot run Graphviz for", out_path, errno);
        return false;
    }
    char *argv[] = {
        "dot", fmt == DOT_FORMAT_PNG ? "-Tpng" : "-Tsvg", "-o", (char *)out_path, (char *)in_path,
        NULL};
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        /* The child: Graphviz's messages go to the pipe; a failed exec says so there. */
        dup2(pipe_fd[1], 2);
        close(pipe_fd[0]);
        close(pipe_fd[1]);
        execvp("dot", argv);
        dprintf(2, "cannot run 'dot': %s\n", strerror(errno));
        _exit(127);
    }
    close(pipe_fd[1]);
    if (pid < 0) {
        close(pipe_fd[0]);
        *err_out = errno_message("cannot run Graphviz for", out_path, errno);
        return false;
    }
    char *said = first_line(pipe_fd[0]);
    close(pipe_fd[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        free(said);
        return true;
    }
    *err_out = str_cat3("Graphviz 'dot' failed: ", said, "");
    free(said);
    return false;
}

/* Render the DOT text through 'dot' into 'of' (prepared: outfile_prepare), its input in a
** temporary file of $TMPDIR (or /tmp), removed after: not beside the picture, whose directory
** may be one weft cannot write in (/dev, for /dev/stdout). */
static bool render(OutFile *of, DotFormat fmt, const char *text, size_t len, char **err_out)
{
    if (!on_path("dot")) {
        *err_out = str_cat3("cannot render '", of->path,
                            "': the Graphviz program 'dot' is not on PATH (install graphviz, "
                            "or write DOT text with a .dot name or --format dot)");
        return false;
    }
    const char *dir = getenv("TMPDIR");
    char *in_path = str_cat3(dir && *dir ? dir : "/tmp", "/weft-XXXXXX", "");
    int fd = mkstemp(in_path);
    if (fd < 0) {
        *err_out = errno_message("cannot render", of->path, errno);
        free(in_path);
        return false;
    }
    OutFile in = {.path = in_path, .dest = in_path, .f = fdopen(fd, "w")};
    if (!in.f) {
        close(fd);
        *err_out = errno_message("cannot render", of->path, errno);
        remove(in_path);
        free(in_path);
        return false;
    }
    char *in_err = NULL;
    bool ok = write_all(&in, text, len, &in_err);
    if (!ok)
        *err_out = xasprintf("cannot render '%s': %s", of->path, in_err);
    free(in_err);
    ok = ok && run_dot(in_path, of->dest, fmt, err_out);
    remove(in_path);
    free(in_path);
    return ok;
}

bool dot_write_file(const char *path, DotFormat fmt, const char *text, size_t len, char **err_out)
{
    *err_out = NULL;
    OutFile of;
    if (fmt == DOT_FORMAT_DOT)
        return outfile_open(&of, path, err_out) && write_all(&of, text, len, err_out);
    outfile_prepare(&of, path);
    bool ok = render(&of, fmt, text, len, err_out);
    char *err = NULL;
    if (!outfile_commit(&of, ok, &err) && ok) {
        *err_out = err;
        return false;
    }
    free(err);
    return ok;
}
