/*
** gen_main.c -- run a fuzz target on random models that compile, made from seeds.
**
** Byte mutation mostly makes models that do not compile; the level search, the analyses and
** replay are reached more by models that do. This generator writes one from a seed: 1 to 3
** shared variables and an array with small ranges, a mutex, a condition variable and a queue,
** one or two thread templates of 1 to 3 instances whose bodies are random statements of every
** kind (assignments, if and while, lock and unlock, wait, signal and broadcast, put and get with
** and without else, choose, atomic, await, assert, repeat), some labelled, an invariant and a
** final (with labels, count, done, locals and quantifiers in them), and half the time a second
** invariant that a passing value of a shared variable breaks. Values stay small, so the state
** spaces do; a write outside a range, an index out of bounds, a division by
** zero or an unlock not held are runtime errors, which is fine: they are violations to report.
**
**   gen_search FIRST COUNT    run the target (fuzz_search) on the models of seeds FIRST ..
**                             FIRST + COUNT - 1
**   gen_search --print SEED   print the model of SEED (to look at one that failed)
**
** ctest runs gen_search and gen_model on a fixed range of seeds (fuzz/generated-search,
** fuzz/generated-model); docs/testing.md.
*/
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct Gen {
    uint64_t rng;     /* splitmix64 state */
    StrBuf out;       /* the model so far */
    int n_shared;     /* shared scalars s0 .. s{n-1}, range 0..3 */
    bool has_local;   /* the template being written has local 'l' (0..3) */
    int depth;        /* nesting of the statement being written */
    int n_stmts_left; /* statements the template may still have */
    int n_templates;  /* thread templates t0 .. */
    int cur;          /* the template being written */
    int n_inst[2];    /* each template's instances, 0 for a single thread */
    int n_labels[2];  /* each template's labels L0 .. */
    bool local_of[2]; /* each template has local 'l' */
} Gen;

static uint64_t next(Gen *g)
{
    uint64_t z = (g->rng += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* A number in 0 .. n - 1. */
static int pick(Gen *g, int n)
{
    return (int)(next(g) % (uint64_t)n);
}

static void indent(Gen *g)
{
    strbuf_addf(&g->out, "%*s", 4 * (g->depth + 1), "");
}

/* A readable variable (in a thread: the local too). */
static void var(Gen *g, bool in_thread)
{
    int n = g->n_shared + 1 + (in_thread && g->has_local);
    int k = pick(g, n);
    if (k < g->n_shared)
        strbuf_addf(&g->out, "s%d", k);
    else if (k == g->n_shared)
        strbuf_addf(&g->out, "a[%d]", pick(g, 13) / 4); /* a[3], out of bounds, rarely */
    else
        strbuf_addf(&g->out, "l");
}

/* Thread 't' named as properties name it: "t0[1]", or "t1" for a single thread. */
static void thread_ref(Gen *g, int t)
{
    if (g->n_inst[t])
        strbuf_addf(&g->out, "t%d[%d]", t, pick(g, g->n_inst[t] + 1));
    else
        strbuf_addf(&g->out, "t%d", t);
}

/* A term only properties have: a thread at a label, how many are, done, a local, a quantifier. */
static void prop_atom(Gen *g)
{
    int t = pick(g, g->n_templates);
    switch (pick(g, 5)) {
    case 0:
        if (g->n_labels[t]) {
            thread_ref(g, t);
            strbuf_addf(&g->out, "@L%d", pick(g, g->n_labels[t]));
            return;
        }
        break;
    case 1:
        if (g->n_labels[t] && g->n_inst[t]) {
            strbuf_addf(&g->out, "count(t%d@L%d)", t, pick(g, g->n_labels[t]));
            return;
        }
        break;
    case 2:
        if (g->local_of[t]) {
            thread_ref(g, t);
            strbuf_addf(&g->out, ".l");
            return;
        }
        break;
    case 3:
        strbuf_addf(&g->out, "%s i in 0..2: a[i] %s %d", pick(g, 2) ? "all" : "any",
                    pick(g, 2) ? "<=" : "==", pick(g, 4));
        return;
    default:
        break;
    }
    strbuf_addf(&g->out, "done(");
    thread_ref(g, t);
    strbuf_addf(&g->out, ")");
}

static void expr(Gen *g, int depth, bool in_thread)
{
    int k = pick(g, depth > 1 ? 3 : 9);
    switch (k) {
    case 0:
        strbuf_addf(&g->out, "%d", pick(g, 4));
        return;
    case 1:
    case 2:
        var(g, in_thread);
        return;
    case 3:
        if (!in_thread && pick(g, 2)) {
            prop_atom(g);
            return;
        }
        strbuf_addf(&g->out, pick(g, 2) ? "len(q)" : "held(m)");
        return;
    case 4:
        strbuf_addf(&g->out, "!");
        expr(g, depth + 1, in_thread);
        return;
    default: {
        static const char *const ops[] = {
            "+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "&&", "||"};
        strbuf_addf(&g->out, "(");
        expr(g, depth + 1, in_thread);
        strbuf_addf(&g->out, " %s ", ops[pick(g, 13)]);
        expr(g, depth + 1, in_thread);
        strbuf_addf(&g->out, ")");
        return;
    }
    }
}

/* A target of an assignment or a get. */
static void lvalue(Gen *g)
{
    int k = pick(g, g->n_shared + 1 + g->has_local);
    if (k < g->n_shared)
        strbuf_addf(&g->out, "s%d", k);
    else if (k == g->n_shared)
        strbuf_addf(&g->out, "a[%d]", pick(g, 3));
    else
        strbuf_addf(&g->out, "l");
}

static void block(Gen *g, int n);

/* "{", n statements one level deeper, then "}" at this statement's indentation. */
static void braced(Gen *g, int n)
{
    strbuf_addf(&g->out, "{\n");
    block(g, n);
    indent(g);
    strbuf_addf(&g->out, "}");
}

/* One statement, of any kind. */
static void stmt(Gen *g)
{
    g->n_stmts_left--;
    indent(g);
    if (pick(g, 4) == 0)
        strbuf_addf(&g->out, "L%d: ", g->n_labels[g->cur]++);
    int k = pick(g, g->depth < 2 ? 24 : 12);
    switch (k) {
    case 0:
    case 1:
        lvalue(g);
        strbuf_addf(&g->out, " = ");
        expr(g, 0, true);
        break;
    case 2: /* stays in 0..3: most writes do not end the schedule */
        lvalue(g);
        strbuf_addf(&g->out, " = (");
        var(g, true);
        strbuf_addf(&g->out, " + %d) %% 4", 1 + pick(g, 3));
        break;
    case 3:
        strbuf_addf(&g->out, "lock m");
        break;
    case 4:
        strbuf_addf(&g->out, "unlock m");
        break;
    case 5:
        strbuf_addf(&g->out, "wait c, m");
        break;
    case 6:
        strbuf_addf(&g->out, pick(g, 2) ? "signal c" : "broadcast c");
        break;
    case 7:
        strbuf_addf(&g->out, "put q, ");
        expr(g, 1, true);
        break;
    case 8:
        strbuf_addf(&g->out, "get q, ");
        lvalue(g);
        break;
    case 9:
        strbuf_addf(&g->out, "await ");
        expr(g, 0, true);
        break;
    case 10:
        strbuf_addf(&g->out, "assert ");
        expr(g, 0, true);
        break;
    case 11:
        strbuf_addf(&g->out, "skip");
        break;
    case 12:
    case 13:
        strbuf_addf(&g->out, "if ");
        expr(g, 0, true);
        strbuf_addf(&g->out, " ");
        braced(g, 1 + pick(g, 2));
        if (pick(g, 2)) {
            strbuf_addf(&g->out, " else ");
            braced(g, 1);
        }
        break;
    case 14:
        strbuf_addf(&g->out, "while ");
        expr(g, 0, true);
        strbuf_addf(&g->out, " ");
        braced(g, 1 + pick(g, 2));
        break;
    case 15:
        strbuf_addf(&g->out, "choose ");
        braced(g, 1);
        strbuf_addf(&g->out, " or ");
        braced(g, 1);
        break;
    case 16:
        strbuf_addf(&g->out, "atomic ");
        braced(g, 1 + pick(g, 2)); /* a wait inside is a model error: fine */
        break;
    case 17:
        strbuf_addf(&g->out, "repeat %d ", 1 + pick(g, 2));
        braced(g, 1 + pick(g, 2));
        break;
    case 19:
    case 20:
    case 21: /* a critical section, perhaps waiting or signalling inside */
        strbuf_addf(&g->out, "lock m\n");
        if (pick(g, 3) == 0) {
            indent(g);
            strbuf_addf(&g->out, "while ");
            expr(g, 1, true);
            strbuf_addf(&g->out, " {\n");
            g->depth++;
            indent(g);
            strbuf_addf(&g->out, "wait c, m\n");
            g->depth--;
            indent(g);
            strbuf_addf(&g->out, "}\n");
        }
        g->depth--; /* the section's statements at the same indentation */
        block(g, 1 + pick(g, 2));
        g->depth++;
        indent(g);
        if (pick(g, 3) == 0) {
            strbuf_addf(&g->out, "signal c\n");
            indent(g);
        }
        strbuf_addf(&g->out, "unlock m");
        break;
    default:
        if (pick(g, 3) == 0)
            strbuf_addf(&g->out, "lock m else ");
        else if (pick(g, 2) && g->has_local)
            strbuf_addf(&g->out, "get q, l else ");
        else
            strbuf_addf(&g->out, "put q, %d else ", pick(g, 4));
        braced(g, 1);
        break;
    }
    strbuf_addf(&g->out, "\n");
}

static void block(Gen *g, int n)
{
    g->depth++;
    for (int i = 0; i < n; i++)
        stmt(g);
    g->depth--;
}

/* The model of 'seed' (the caller frees it). */
static char *gen_model(uint64_t seed)
{
    Gen g = {.rng = seed};
    g.n_shared = 1 + pick(&g, 3);
    strbuf_addf(&g.out, "# generated by tests/fuzz/gen_main.c from seed %" PRIu64 "\n", seed);
    for (int i = 0; i < g.n_shared; i++)
        strbuf_addf(&g.out, "shared s%d: 0..3 = %d\n", i, pick(&g, 4));
    strbuf_addf(&g.out, "shared a[3]: 0..3 = 0\nmutex m\ncond c\nqueue q[%d]: 0..3\n",
                1 + pick(&g, 2));
    g.n_templates = 1 + pick(&g, 2);
    for (int t = 0; t < g.n_templates; t++) {
        int n = t == 0 ? 1 + pick(&g, 2) : pick(&g, 3); /* the first: 2 or 3 instances */
        strbuf_addf(&g.out, n ? "thread t%d[%d] {\n" : "thread t%d {\n", t, n + 1);
        g.cur = t;
        g.n_inst[t] = n;
        g.has_local = g.local_of[t] = pick(&g, 2);
        if (g.has_local)
            strbuf_addf(&g.out, "    local l: 0..3 = %s\n", pick(&g, 2) ? "id % 4" : "0");
        g.n_stmts_left = 3 + pick(&g, 5);
        while (g.n_stmts_left > 0)
            stmt(&g);
        strbuf_addf(&g.out, "}\n");
    }
    g.has_local = false;
    strbuf_addf(&g.out, "invariant inv: ");
    expr(&g, 0, false);
    strbuf_addf(&g.out, pick(&g, 2) ? " || true\nfinal fin: " : "\nfinal fin: ");
    expr(&g, 0, false);
    strbuf_addf(&g.out, "\n");
    /* half the time, an invariant that a shared variable's passing value breaks: schedules go on
    ** through such states and end elsewhere (drawn last, so the text above is each seed's as
    ** before) */
    if (pick(&g, 2))
        strbuf_addf(&g.out, "invariant passing: s%d != %d\n", pick(&g, g.n_shared), pick(&g, 4));
    return strbuf_take(&g.out, "");
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--print")) {
        char *text = gen_model(strtoull(argv[2], NULL, 10));
        fputs(text, stdout);
        free(text);
        return 0;
    }
    if (argc != 3) {
        fprintf(stderr, "usage: %s FIRST COUNT | %s --print SEED\n", argv[0], argv[0]);
        return 2;
    }
    uint64_t first = strtoull(argv[1], NULL, 10), count = strtoull(argv[2], NULL, 10);
    for (uint64_t seed = first; seed < first + count; seed++) {
        char *text = gen_model(seed);
        printf("%s: seed %" PRIu64 "\n", argv[0], seed); /* the last before a failure */
        fflush(stdout);
        LLVMFuzzerTestOneInput((const uint8_t *)text, strlen(text));
        free(text);
    }
    return 0;
}
