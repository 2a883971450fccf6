/*
** compile.c -- from the syntax tree to a Program: names, constant values, layout, step code.
**
** One pass over the declarations in order, so "declared before use" falls out of the symbol
** table: a name is visible once its declaration has been compiled. Each thread template is
** compiled to positions and code following the shapes documented in program.h; the state layout
** is computed at the end, once every template's number of positions is known. Errors go to the
** Diag and compilation goes on where it can, so one run reports several; compile_model() then
** returns NULL.
**
** Step code is generated with pending lists ("patch lists"): an END_STEP whose target is "the
** next step" is emitted before that step exists, so its operand is recorded in the list 'cur'
** and filled in when the next position is created. break, continue and return move the pending
** list to their loop's list (or the template's return list) instead. Inside an atomic block the
** same lists hold code addresses to patch (jumps within the block).
*/
#include "compile.h"

#include <assert.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "lex.h"
#include "parse.h"
#include "state.h"
#include "util.h"

enum {
    MAX_POSITIONS = 100000, /* positions per template after unrolling 'repeat' */
    MAX_CODE = 1000000,     /* instructions per template (atomic blocks unroll into code) */
    MAX_SIZE = 1 << 20,     /* array sizes, queue capacities */
    MAX_THREADS = 65535     /* thread instances in a model */
};

/* ---- symbols ---- */

typedef enum {
    SYM_CONST,  /* a const: value; index 1 if its expression failed (reported once) */
    SYM_SHARED, /* a shared variable: index in Program.vars */
    SYM_MUTEX,  /* index in mutexes */
    SYM_COND,   /* index in conds */
    SYM_QUEUE,  /* index in queues */
    SYM_THREAD, /* index in templates */
    SYM_LOCAL,  /* a local of the template being compiled: index in Program.vars */
    SYM_QUANT   /* a quantifier variable: its slot */
} SymKind;

static const char *const sym_kind_text[] = {
    "a const", "a shared variable", "a mutex",          "a cond",
    "a queue", "a thread",          "a local variable", "a quantifier variable"};

typedef struct Sym {
    const char *name; /* the AST's string (lives as long as the tree) */
    SymKind kind;     /* what it names */
    uint32_t index;   /* see SymKind */
    int32_t value;    /* SYM_CONST: its value */
    uint32_t line;    /* line of the declaration */
    bool is_array;    /* variables and threads: declared with [N] */
} Sym;

typedef VEC(Sym) SymVec;

/* ---- code buffers and pending lists ---- */

typedef struct CodeBuf {
    VEC(Ins) ins;        /* instructions */
    VEC(uint32_t) lines; /* source line of each */
    uint32_t line;       /* the line given to instructions emitted now */
} CodeBuf;

typedef enum {
    PATCH_POS,   /* END_STEP at code[idx]: its operand becomes the position */
    PATCH_CODE,  /* a jump at code[idx]: its operand becomes the code address */
    PATCH_LABEL, /* label idx marks the position */
    PATCH_START  /* the position is where every instance of the template starts */
} PatchKind;

typedef struct Patch {
    PatchKind kind; /* see PatchKind */
    uint32_t idx;   /* code index, or label index */
} Patch;

typedef VEC(Patch) PatchList;

/* A loop being compiled: where break and continue go. */
typedef struct Loop {
    bool in_code;      /* inside the atomic block being compiled: targets are code addresses */
    PatchList *breaks; /* pending jumps/steps to the loop's exit */
    bool has_cont;     /* continue target known: cont (a position or a code address) */
    uint32_t cont;     /* see has_cont */
    PatchList *conts;  /* !has_cont (repeat): pending jumps/steps to the next iteration */
    bool *break_open;  /* repeat in atomic: set by a break taken before the block's GUARD_END */
    bool *cont_open;   /* the same for a continue */
} Loop;

typedef struct LabelMark {
    uint32_t label; /* index in the template's labels */
    uint32_t pos;   /* a position of that label */
} LabelMark;

/* What is known of a compiled template, for properties (t.x, t@L) and the final layout. */
typedef struct TmplInfo {
    VEC(const char *) labels; /* label names, in first-appearance order */
    VEC(uint32_t) label_lines;
    SymVec locals; /* its locals, for t.x */
} TmplInfo;

/* The template being compiled. */
typedef struct Gen {
    uint32_t tmpl;        /* its index */
    TmplInfo *info;       /* its labels and locals */
    CodeBuf cb;           /* its code */
    VEC(Pos) pos;         /* its positions */
    VEC(LabelMark) marks; /* label positions */
    PatchList cur;        /* pending targets of "the next position" */
    PatchList returns;    /* pending targets of the end position */
    VEC(Loop) loops;      /* enclosing loops, innermost last */
    bool in_atomic;       /* compiling the inside of an atomic block */
    uint32_t atomic_pos;  /* in_atomic: the block's position */
    bool need_guard;      /* in_atomic: GUARD_END not yet emitted */
    bool too_big;         /* the position or code cap was hit (reported once) */
    int from_define;      /* the first define a repeat count took its value from, or -1 */
    uint32_t start;       /* where its instances start (PATCH_START) */
} Gen;

typedef struct Compiler {
    const Source *src;
    Diag *d;
    const Define *defs;
    size_t n_defs;
    SymVec globals; /* consts, shared, mutexes, conds, queues, threads */
    SymVec locals;  /* the locals of the template being compiled */
    SymVec quants;  /* quantifier variables in scope, innermost last */
    VEC(Var) vars;  /* shared (pre-sized to every shared declaration), then locals */
    uint32_t n_shared;
    VEC(Mutex) mutexes;
    VEC(Cond) conds;
    VEC(Queue) queues;
    VEC(Template) templates;
    VEC(TmplInfo) infos;
    VEC(Property) props;
    VEC(const char *) prop_labels;
    VEC(uint32_t) prop_label_lines;
    CodeBuf pc;              /* property code */
    VEC(AssertText) asserts; /* each assert statement once, in the order compiled */
    VEC(char *) const_names;
    VEC(int32_t) const_values;
    VEC(int) const_define; /* per const: the define it takes its value from, or -1 */
    uint32_t n_slots;
    uint32_t n_threads;
    Gen *g;               /* the template being compiled, or NULL in properties */
    const AstNode *model; /* the whole file (its declarations, for hints) */
} Compiler;

/* ---- errors and small helpers ---- */

static void report(Compiler *c, Loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void report(Compiler *c, Loc loc, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    diag_error(c->d, loc, "%s", buf);
}

static uint32_t line_of(const Compiler *c, Loc loc)
{
    uint32_t line, col;
    src_line_col(c->src, loc.off, &line, &col);
    return line;
}

/* The source text at 'loc' on one line: runs of white space folded to one space, trimmed. */
static char *folded_text(const Compiler *c, Loc loc)
{
    char *out = xmalloc(loc.len + 1);
    size_t n = 0;
    bool space = false;
    for (uint32_t i = 0; i < loc.len && loc.off + i < c->src->len; i++) {
        char ch = c->src->text[loc.off + i];
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
            space = n > 0;
            continue;
        }
        if (space)
            out[n++] = ' ';
        space = false;
        out[n++] = ch;
    }
    out[n] = '\0';
    return out;
}

/* ", did you mean" hint: " (did you mean 'x'?)" or "" into buf. */
static const char *hint(char *buf, size_t size, const char *name, const char *const *cands,
                        size_t n)
{
    const char *s = diag_suggest(name, cands, n);
    if (!s)
        return "";
    snprintf(buf, size, " (did you mean '%s'?)", s);
    return buf;
}

static Sym *find_in(SymVec *v, const char *name)
{
    for (size_t i = v->len; i-- > 0;)
        if (strcmp(v->items[i].name, name) == 0)
            return &v->items[i];
    return NULL;
}

/* The symbol 'name' visible here: quantifier variables, then locals, then globals. */
static Sym *lookup(Compiler *c, const char *name)
{
    Sym *s = find_in(&c->quants, name);
    if (!s)
        s = find_in(&c->locals, name);
    if (!s)
        s = find_in(&c->globals, name);
    return s;
}

/* Where a variable goes: " ('y' is a local of thread 't': ...)" into buf if 'name' is a local of
** a thread it is not visible from (a property names it 't.y'; another thread cannot read it);
** NULL if no thread has such a local. */
static const char *local_elsewhere(const Compiler *c, const char *name, char *buf, size_t size)
{
    for (size_t t = 0; t < c->infos.len; t++) {
        const SymVec *locals = &c->infos.items[t].locals;
        bool is_local = false;
        for (size_t i = 0; i < locals->len && !is_local; i++)
            is_local = strcmp(locals->items[i].name, name) == 0;
        if (!is_local || (c->g && c->g->tmpl == t))
            continue;
        const Template *tm = &c->templates.items[t];
        if (c->g)
            snprintf(buf, size,
                     " ('%s' is a local of thread '%s': threads share only 'shared' "
                     "variables)",
                     name, tm->name);
        else
            snprintf(buf, size, " ('%s' is a local of thread '%s': write '%s%s.%s')", name,
                     tm->name, tm->name, tm->is_array ? "[0]" : "", name);
        return buf;
    }
    return NULL;
}

/* Where an unknown name with no near name goes: " ('m' is declared below, at line 9: ...)" if
** a declaration of one of the kinds in 'mask' below its use 'use' has it, else how to declare it
** ("" if the declaration is above: the one being compiled, as in 'const N = N + 1'). */
static const char *declare_hint(const Compiler *c, Loc use, const char *name, unsigned mask,
                                char *buf, size_t size)
{
    static const struct {
        AstKind ast;
        SymKind sym;
    } decls[] = {{AST_CONST, SYM_CONST}, {AST_SHARED, SYM_SHARED}, {AST_MUTEX, SYM_MUTEX},
                 {AST_COND, SYM_COND},   {AST_QUEUE, SYM_QUEUE},   {AST_THREAD, SYM_THREAD}};
    for (uint32_t i = 0; c->model && i < c->model->list.len; i++) {
        const AstNode *n = c->model->list.items[i];
        for (size_t k = 0; k < sizeof decls / sizeof *decls; k++) {
            if (n->kind != decls[k].ast || !(mask & (1u << decls[k].sym)) ||
                strcmp(n->name, name) != 0)
                continue;
            if (n->name_loc.off < use.off) /* above, yet unknown: its own declaration */
                return "";
            uint32_t line, col;
            src_line_col(c->src, n->name_loc.off, &line, &col);
            snprintf(buf, size, " ('%s' is declared below, at line %u: declare it above its use)",
                     name, line);
            return buf;
        }
    }
    if (mask & (1u << SYM_MUTEX))
        snprintf(buf, size, " (declare it above its use: 'mutex %s')", name);
    else if (mask & (1u << SYM_COND))
        snprintf(buf, size, " (declare it above its use: 'cond %s')", name);
    else if (mask & (1u << SYM_QUEUE))
        snprintf(buf, size, " (declare it above its use, with its capacity: 'queue %s[2]')", name);
    else if ((mask & (1u << SYM_LOCAL)) && c->g)
        snprintf(buf, size,
                 " (declare it: 'shared %s = 0' above the thread, or 'local %s = 0' at the "
                 "thread's top)",
                 name, name);
    else if (mask & (1u << SYM_SHARED))
        snprintf(buf, size, " (declare it above its use: 'shared %s = 0')", name);
    else if (mask == 1u << SYM_CONST)
        snprintf(buf, size, " (declare it above its use: 'const %s = 1')", name);
    else
        return "";
    return buf;
}

/* Report an unknown name, suggesting a visible name of one of the kinds in 'mask', or, where a
** value goes, the literals true and false (Python's 'True' is 'true'); a variable that is a local
** of another thread is said to be one; with no name near, a declaration below the use is named,
** or how to declare the name is said. */
static void unknown_name(Compiler *c, Loc loc, const char *what, const char *name, unsigned mask)
{
    char elsewhere[256]; /* a long name is cut: report() cuts at 512 anyway */
    if ((mask & (1u << SYM_LOCAL)) &&
        local_elsewhere(c, name, elsewhere, sizeof elsewhere)) { /* 'final y == 1' */
        report(c, loc, "unknown %s '%s'%s", what, name, elsewhere);
        return;
    }
    VEC(const char *) cands = {0};
    SymVec *scopes[3] = {&c->quants, &c->locals, &c->globals};
    for (int k = 0; k < 3; k++)
        for (size_t i = 0; i < scopes[k]->len; i++)
            if (mask & (1u << scopes[k]->items[i].kind))
                vec_push(&cands, scopes[k]->items[i].name);
    if (mask & (1u << SYM_CONST)) {
        vec_push(&cands, "true");
        vec_push(&cands, "false");
    }
    char buf[256];
    const char *h = hint(buf, sizeof buf, name, cands.items, cands.len);
    report(c, loc, "unknown %s '%s'%s", what, name,
           *h ? h : declare_hint(c, loc, name, mask, buf, sizeof buf));
    vec_free(&cands);
}

#define VALUE_KINDS ((1u << SYM_CONST) | (1u << SYM_SHARED) | (1u << SYM_LOCAL) | (1u << SYM_QUANT))

/* The symbol named by NAME node 'n', which must be of kind 'kind' ("mutex", ...). */
static Sym *expect_kind(Compiler *c, const AstNode *n, SymKind kind, const char *what)
{
    if (!n)
        return NULL;
    if (n->kind != AST_NAME) {
        report(c, n->loc, "expected the name of a %s", what);
        return NULL;
    }
    Sym *s = lookup(c, n->name);
    if (!s) {
        unknown_name(c, n->loc, what, n->name, 1u << kind);
        return NULL;
    }
    if (s->kind != kind) {
        report(c, n->loc, "'%s' is %s, not a %s", n->name, sym_kind_text[s->kind], what);
        return NULL;
    }
    return s;
}

/* Check that a new global or local 'name' clashes with nothing visible; report if it does. */
static bool check_new_name(Compiler *c, const char *name, Loc loc)
{
    Sym *s = lookup(c, name);
    if (!s)
        return true;
    report(c, loc, "'%s' is already declared at line %u", name, s->line);
    return false;
}

static void add_global(Compiler *c, const AstNode *decl, SymKind kind, uint32_t index,
                       int32_t value, bool is_array)
{
    Sym s = {decl->name, kind, index, value, line_of(c, decl->name_loc), is_array};
    vec_push(&c->globals, s);
}

/* ---- constant expressions ---- */

typedef struct ConstEnv {
    bool quiet;  /* report nothing (constant folding in step code) */
    bool has_id; /* 'id' is allowed, with value id */
    int32_t id;
    const char *id_where; /* why 'id' is not allowed */
    bool is_replaced;     /* a -D replaces the value: names are checked, arithmetic is not */
} ConstEnv;

/* The define that constant expression 'e' takes its value from, directly ('-D N=0', then 'N')
** or through other consts ('const M = N - 1', then 'M'), or -1. The first one found. */
static int define_of(const Compiler *c, const AstNode *e)
{
    if (!e)
        return -1;
    switch (e->kind) {
    case AST_NAME:
        for (size_t i = 0; i < c->const_names.len; i++)
            if (strcmp(c->const_names.items[i], e->name) == 0)
                return c->const_define.items[i];
        return -1;
    case AST_UNARY:
        return define_of(c, e->a);
    case AST_BINARY: {
        int k = define_of(c, e->a);
        return k >= 0 ? k : define_of(c, e->b);
    }
    default:
        return -1;
    }
}

/* For an error about a value that came from the command line: define 'k' as " (from -D N=0)",
** or with 'inside' as "; from -D N=0" to go inside the message's own parentheses; "" for k < 0.
** Without it, "thread count must be at least 1, not 0" points at a model that says 'N = 4'. */
static const char *define_note(const Compiler *c, int k, bool inside, char *buf, size_t size)
{
    if (k < 0)
        return "";
    snprintf(buf, size, "%sfrom -D %s=%d%s", inside ? "; " : " (", c->defs[k].name,
             (int)c->defs[k].value, inside ? "" : ")");
    return buf;
}

/* The define that the range of declaration 'decl' ('lo..hi') takes a bound from, or -1. */
static int range_define(const Compiler *c, const AstNode *decl)
{
    int k = define_of(c, decl->lo);
    return k >= 0 ? k : define_of(c, decl->hi);
}

/* The define behind initial value 'e' being outside the range of 'decl': e's, else the range's. */
static int init_define(const Compiler *c, const AstNode *e, const AstNode *decl)
{
    int k = define_of(c, e);
    return k >= 0 ? k : range_define(c, decl);
}

static bool const_eval(Compiler *c, const AstNode *e, const ConstEnv *env, int32_t *out);

static bool const_fail(Compiler *c, const ConstEnv *env, Loc loc, const char *msg)
{
    if (!env->quiet)
        report(c, loc, "%s", msg);
    return false;
}

/* const_fail for a division by zero or an overflow, which a value replaced by -D never has. */
static bool const_fail_arith(Compiler *c, const ConstEnv *env, Loc loc, const char *msg)
{
    return env->is_replaced ? false : const_fail(c, env, loc, msg);
}

static bool const_name(Compiler *c, const AstNode *e, const ConstEnv *env, int32_t *out)
{
    Sym *s = lookup(c, e->name);
    if (s && s->kind == SYM_CONST && s->index == 1)
        return false; /* its own error said why: a size or count using it gets none */
    if (s && s->kind == SYM_CONST) {
        *out = s->value;
        return true;
    }
    if (env->quiet)
        return false;
    if (!s)
        unknown_name(c, e->loc, "constant", e->name, 1u << SYM_CONST);
    else
        report(c, e->loc, "'%s' is %s, not a const", e->name, sym_kind_text[s->kind]);
    return false;
}

/* The 64-bit result of a binary operator; false with *msg on division by zero. */
static bool binary_value(int op, int64_t x, int64_t y, int64_t *out, const char **msg)
{
    switch (op) {
    case TOK_PLUS:
        *out = x + y;
        return true;
    case TOK_MINUS:
        *out = x - y;
        return true;
    case TOK_STAR:
        *out = x * y;
        return true;
    case TOK_SLASH:
    case TOK_PERCENT:
        if (y == 0) {
            *msg = op == TOK_SLASH ? "division by zero" : "modulo by zero";
            return false;
        }
        *out = op == TOK_SLASH ? x / y : x % y;
        if (op == TOK_PERCENT && x == INT32_MIN && y == -1)
            *out = INT64_MAX; /* C leaves INT_MIN % -1 undefined: treat as overflow */
        return true;
    case TOK_LT:
        *out = x < y;
        return true;
    case TOK_LE:
        *out = x <= y;
        return true;
    case TOK_GT:
        *out = x > y;
        return true;
    case TOK_GE:
        *out = x >= y;
        return true;
    case TOK_EQ:
        *out = x == y;
        return true;
    case TOK_NE:
        *out = x != y;
        return true;
    default:
        *msg = "unknown operator";
        return false;
    }
}

static bool const_binary(Compiler *c, const AstNode *e, const ConstEnv *env, int32_t *out)
{
    int32_t x, y;
    if (!const_eval(c, e->a, env, &x))
        return false;
    if (e->op == TOK_ANDAND || e->op == TOK_OROR) { /* short-circuit, as at run time */
        if ((e->op == TOK_ANDAND) == (x == 0)) {
            *out = e->op == TOK_OROR;
            return true;
        }
        if (!const_eval(c, e->b, env, &y))
            return false;
        *out = y != 0;
        return true;
    }
    if (!const_eval(c, e->b, env, &y))
        return false;
    int64_t r;
    const char *msg = NULL;
    char buf[384], note[256];
    if (!binary_value(e->op, x, y, &r, &msg)) {
        snprintf(buf, sizeof buf, "%s in a constant expression%s", msg,
                 define_note(c, define_of(c, e->b), false, note, sizeof note));
        return const_fail_arith(c, env, e->loc, buf);
    }
    if (r < INT32_MIN || r > INT32_MAX) {
        snprintf(buf, sizeof buf, "integer overflow in a constant expression%s",
                 define_note(c, define_of(c, e), false, note, sizeof note));
        return const_fail_arith(c, env, e->loc, buf);
    }
    *out = (int32_t)r;
    return true;
}

static bool const_eval(Compiler *c, const AstNode *e, const ConstEnv *env, int32_t *out)
{
    switch (e->kind) {
    case AST_INT:
        if (e->value > INT32_MAX)
            return const_fail(c, env, e->loc,
                              "integer literal '2147483648' does not fit in 32 bits");
        *out = (int32_t)e->value;
        return true;
    case AST_BOOL:
        *out = (int32_t)e->value;
        return true;
    case AST_NAME:
        return const_name(c, e, env, out);
    case AST_ID:
        if (env->has_id) {
            *out = env->id;
            return true;
        }
        return const_fail(c, env, e->loc, env->id_where);
    case AST_UNARY: {
        if (e->op == TOK_MINUS && e->a->kind == AST_INT && e->a->value == 2147483648LL) {
            *out = INT32_MIN;
            return true;
        }
        int32_t x;
        if (!const_eval(c, e->a, env, &x))
            return false;
        if (e->op == TOK_BANG) {
            *out = !x;
            return true;
        }
        if (x == INT32_MIN)
            return const_fail_arith(c, env, e->loc, "integer overflow in a constant expression");
        *out = -x;
        return true;
    }
    case AST_BINARY:
        return const_binary(c, e, env, out);
    default:
        return const_fail(c, env, e->loc, "expected a constant expression");
    }
}

static const ConstEnv const_env = {false, false, 0, "'id' is only allowed inside a thread", false};

/* A constant expression that must be at least 'min' and at most 'max': "array size must be at
** least 1, not 0". */
static bool const_count(Compiler *c, const AstNode *e, const char *what, int32_t min, int32_t max,
                        uint32_t *out)
{
    int32_t v;
    if (!const_eval(c, e, &const_env, &v))
        return false;
    char note[256];
    if (v < min) {
        report(c, e->loc, "%s must be at least %d, not %d%s", what, (int)min, (int)v,
               define_note(c, define_of(c, e), false, note, sizeof note));
        return false;
    }
    if (v > max) {
        report(c, e->loc, "%s %d is too large (at most %d%s)", what, (int)v, (int)max,
               define_note(c, define_of(c, e), true, note, sizeof note));
        return false;
    }
    *out = (uint32_t)v;
    return true;
}

/* ---- variables: shared and local declarations ---- */

/* Fill v->init[base .. base + size) from initialiser 'init' (a value or a LIST). */
static bool var_init_values(Compiler *c, Var *v, const AstNode *decl, const ConstEnv *env,
                            int32_t *vals)
{
    const AstNode *init = decl->b;
    if (!init) {
        memset(vals, 0, v->size * sizeof *vals);
        return true;
    }
    if (init->kind == AST_LIST) {
        if (!v->is_array) {
            report(c, init->loc, "'%s' is not an array: initialise it with a value", v->name);
            return false;
        }
        if (init->list.len != v->size) {
            report(c, init->loc, "'%s' has %u elements but the list has %u", v->name, v->size,
                   init->list.len);
            return false;
        }
    }
    for (uint32_t i = 0; i < v->size; i++) {
        const AstNode *e = init->kind == AST_LIST ? init->list.items[i] : init;
        if (!const_eval(c, e, env, &vals[i]))
            return false;
        if (v->has_range && (vals[i] < v->lo || vals[i] > v->hi)) {
            char note[256];
            report(c, e->loc, "initial value %d of '%s' is outside its range %d..%d%s",
                   (int)vals[i], v->name, (int)v->lo, (int)v->hi,
                   define_note(c, init_define(c, e, decl), false, note, sizeof note));
            return false;
        }
    }
    return true;
}

/* The declared range 'lo..hi' of a SHARED, LOCAL or QUEUE declaration (decl->lo and decl->hi
** set): constant bounds, not empty. */
static bool range_bounds(Compiler *c, const AstNode *decl, int32_t *lo, int32_t *hi)
{
    if (!const_eval(c, decl->lo, &const_env, lo) || !const_eval(c, decl->hi, &const_env, hi))
        return false;
    if (*lo > *hi) {
        char note[256];
        report(c, decl->lo->loc, "empty range %d..%d%s", (int)*lo, (int)*hi,
               define_note(c, range_define(c, decl), false, note, sizeof note));
        return false;
    }
    return true;
}

/* Size and range of a SHARED or LOCAL declaration into 'v'. */
static bool var_shape(Compiler *c, const AstNode *decl, Var *v)
{
    v->name = xstrdup(decl->name);
    v->size = 1;
    v->line = line_of(c, decl->name_loc);
    if (decl->a) {
        v->is_array = true;
        if (!const_count(c, decl->a, "array size", 1, MAX_SIZE, &v->size))
            return false;
    }
    if (decl->lo && decl->hi) {
        if (!range_bounds(c, decl, &v->lo, &v->hi))
            return false;
        v->has_range = true;
    }
    return true;
}

/* shared_decl -> 'shared' NAME ['[' size ']'] [':' lo '..' hi] '=' init */
static void compile_shared(Compiler *c, const AstNode *decl)
{
    bool fresh = check_new_name(c, decl->name, decl->name_loc);
    uint32_t index = c->n_shared++;
    Var *v = &c->vars.items[index];
    v->scope = VAR_SHARED;
    bool ok = var_shape(c, decl, v);
    v->init = xcalloc(v->size, sizeof(int32_t));
    if (ok)
        var_init_values(c, v, decl, &const_env, v->init);
    if (fresh)
        add_global(c, decl, SYM_SHARED, index, 0, v->is_array);
}

/* local_decl -> 'local' NAME ['[' size ']'] [':' lo '..' hi] '=' init: one value per instance */
static void compile_local(Compiler *c, const AstNode *decl, uint32_t tmpl, uint32_t count)
{
    bool fresh = check_new_name(c, decl->name, decl->name_loc);
    Var v = {0};
    v.scope = VAR_LOCAL;
    v.tmpl = tmpl;
    bool ok = var_shape(c, decl, &v);
    v.init = xcalloc((size_t)count * v.size, sizeof(int32_t));
    ConstEnv env = {false, true, 0, NULL, false};
    for (uint32_t t = 0; ok && t < count; t++) {
        env.id = (int32_t)t;
        ok = var_init_values(c, &v, decl, &env, v.init + (size_t)t * v.size);
    }
    uint32_t index = (uint32_t)c->vars.len;
    vec_push(&c->vars, v);
    if (fresh) {
        Sym s = {decl->name, SYM_LOCAL, index, 0, v.line, v.is_array};
        vec_push(&c->locals, s);
    }
}

/* ---- expressions ---- */

/* Append one instruction at the buffer's current line; returns its index. */
static uint32_t emit(CodeBuf *cb, Opcode op, int32_t a, int32_t b)
{
    Ins in = {(uint8_t)op, a, b};
    uint32_t at = (uint32_t)cb->ins.len;
    vec_push(&cb->ins, in);
    vec_push(&cb->lines, cb->line);
    return at;
}

static uint32_t here(const CodeBuf *cb)
{
    return (uint32_t)cb->ins.len;
}

static void patch_here(CodeBuf *cb, uint32_t at)
{
    cb->ins.items[at].a = (int32_t)here(cb);
}

typedef struct ExprCtx {
    CodeBuf *cb;  /* where code goes */
    bool is_prop; /* a property (else step code of the template being compiled) */
} ExprCtx;

static bool compile_expr(Compiler *c, const ExprCtx *x, const AstNode *e);

#define PROP_ONLY "'%s' is only allowed in properties"

/* A variable read: NAME of a scalar. */
static bool compile_name(Compiler *c, const ExprCtx *x, const AstNode *e)
{
    Sym *s = lookup(c, e->name);
    if (!s) {
        unknown_name(c, e->loc, "variable", e->name, VALUE_KINDS);
        return false;
    }
    switch (s->kind) {
    case SYM_CONST:
        emit(x->cb, OP_PUSH, s->value, 0);
        return true;
    case SYM_QUANT:
        emit(x->cb, OP_QLOAD, (int32_t)s->index, 0);
        return true;
    case SYM_SHARED:
    case SYM_LOCAL:
        if (s->is_array) {
            report(c, e->loc, "'%s' is an array: index it", e->name);
            return false;
        }
        emit(x->cb, s->kind == SYM_SHARED ? OP_LOAD_G : OP_LOAD_L, (int32_t)s->index, 0);
        return true;
    default:
        report(c, e->loc, "'%s' is %s, not a variable", e->name, sym_kind_text[s->kind]);
        return false;
    }
}

/* A thread named in a property (NAME, or INDEX of a thread array): push its instance index.
** Returns the template, or -1 after an error. */
static int32_t compile_thread_ref(Compiler *c, const ExprCtx *x, const AstNode *e)
{
    const AstNode *n = e->kind == AST_INDEX ? e->a : e;
    Sym *s = expect_kind(c, n, SYM_THREAD, "thread");
    if (!s)
        return -1;
    if (e->kind == AST_INDEX) {
        if (!s->is_array) {
            report(c, e->loc, "'%s' is a single thread: write it without an index", n->name);
            return -1;
        }
        if (!compile_expr(c, x, e->b))
            return -1;
    } else {
        if (s->is_array) {
            report(c, e->loc, "'%s' is a thread array: index it", n->name);
            return -1;
        }
        emit(x->cb, OP_PUSH, 0, 0);
    }
    return (int32_t)s->index;
}

/* A local of another thread: 't.x' (scalar) or the array part of 't.x[i]'. */
static const Sym *field_local(Compiler *c, const AstNode *e, uint32_t tmpl)
{
    SymVec *locals = &c->infos.items[tmpl].locals;
    Sym *s = find_in(locals, e->name);
    if (s)
        return s;
    VEC(const char *) cands = {0};
    for (size_t i = 0; i < locals->len; i++)
        vec_push(&cands, locals->items[i].name);
    char buf[160];
    report(c, e->name_loc, "thread '%s' has no local '%s'%s", c->templates.items[tmpl].name,
           e->name, hint(buf, sizeof buf, e->name, cands.items, cands.len));
    vec_free(&cands);
    return NULL;
}

static bool compile_field(Compiler *c, const ExprCtx *x, const AstNode *e, const AstNode *index)
{
    if (!x->is_prop) {
        report(c, e->loc, PROP_ONLY, "t.x");
        return false;
    }
    int32_t tmpl = compile_thread_ref(c, x, e->a);
    if (tmpl < 0)
        return false;
    const Sym *s = field_local(c, e, (uint32_t)tmpl);
    if (!s)
        return false;
    if (s->is_array != (index != NULL)) {
        report(c, e->loc,
               s->is_array ? "'%s' is an array: index it" : "'%s' is not an array: drop the index",
               e->name);
        return false;
    }
    if (index && !compile_expr(c, x, index))
        return false;
    emit(x->cb, index ? OP_LOAD_TLA : OP_LOAD_TL, (int32_t)s->index, tmpl);
    return true;
}

static bool compile_index(Compiler *c, const ExprCtx *x, const AstNode *e)
{
    if (e->a->kind == AST_FIELD)
        return compile_field(c, x, e->a, e->b);
    if (e->a->kind != AST_NAME) {
        report(c, e->loc, "only a variable can be indexed");
        return false;
    }
    Sym *s = lookup(c, e->a->name);
    if (!s) {
        unknown_name(c, e->a->loc, "variable", e->a->name, VALUE_KINDS);
        return false;
    }
    if (s->kind != SYM_SHARED && s->kind != SYM_LOCAL) {
        report(c, e->a->loc, "'%s' is %s, not a variable", e->a->name, sym_kind_text[s->kind]);
        return false;
    }
    if (!s->is_array) {
        report(c, e->a->loc, "'%s' is not an array: drop the index", e->a->name);
        return false;
    }
    if (!compile_expr(c, x, e->b))
        return false;
    emit(x->cb, s->kind == SYM_SHARED ? OP_LOAD_GA : OP_LOAD_LA, (int32_t)s->index, 0);
    return true;
}

/* The label 'name' of template 'tmpl' (t@L), or -1 after an error. */
static int32_t find_label(Compiler *c, const AstNode *e, uint32_t tmpl)
{
    TmplInfo *info = &c->infos.items[tmpl];
    for (size_t i = 0; i < info->labels.len; i++)
        if (strcmp(info->labels.items[i], e->name) == 0)
            return (int32_t)i;
    char buf[160];
    report(c, e->name_loc, "thread '%s' has no label '%s'%s", c->templates.items[tmpl].name,
           e->name, hint(buf, sizeof buf, e->name, info->labels.items, info->labels.len));
    return -1;
}

static bool compile_at(Compiler *c, const ExprCtx *x, const AstNode *e)
{
    if (!x->is_prop) {
        report(c, e->loc, PROP_ONLY, "t@L");
        return false;
    }
    int32_t tmpl = compile_thread_ref(c, x, e->a);
    if (tmpl < 0)
        return false;
    int32_t label = find_label(c, e, (uint32_t)tmpl);
    if (label < 0)
        return false;
    emit(x->cb, OP_AT, tmpl, label);
    return true;
}

/* count(T@L): T a thread (array) without index. */
static bool compile_count(Compiler *c, const ExprCtx *x, const AstNode *e)
{
    if (!x->is_prop) {
        report(c, e->loc, PROP_ONLY, "count");
        return false;
    }
    const AstNode *at = e->a;
    if (!at || at->kind != AST_AT) {
        report(c, e->loc, "'count' takes 'thread@label', such as 'count(%s@LABEL)'",
               at && at->kind == AST_NAME ? at->name : "t");
        return false;
    }
    if (at->a->kind != AST_NAME) {
        report(c, at->a->loc, "'count' counts every instance: write the thread without an index");
        return false;
    }
    Sym *s = expect_kind(c, at->a, SYM_THREAD, "thread");
    if (!s)
        return false;
    int32_t label = find_label(c, at, s->index);
    if (label < 0)
        return false;
    emit(x->cb, OP_COUNT, (int32_t)s->index, label);
    return true;
}

static bool compile_done(Compiler *c, const ExprCtx *x, const AstNode *e)
{
    if (!x->is_prop) {
        report(c, e->loc, PROP_ONLY, "done");
        return false;
    }
    int32_t tmpl = compile_thread_ref(c, x, e->a);
    if (tmpl < 0)
        return false;
    emit(x->cb, OP_DONE, tmpl, 0);
    return true;
}

/* all/any i in lo..hi: body
**   lo; hi; QBEGIN s E0; L: body; JZ|JNZ E1; QNEXT s L; E0: PUSH all; JMP E; E1: PUSH !all; E: */
static bool compile_quant(Compiler *c, const ExprCtx *x, const AstNode *e)
{
    if (!x->is_prop) {
        report(c, e->loc, PROP_ONLY, e->op == TOK_ALL ? "all" : "any");
        return false;
    }
    if (!check_new_name(c, e->name, e->name_loc))
        return false;
    if (!compile_expr(c, x, e->a) || !compile_expr(c, x, e->b))
        return false;
    bool is_all = e->op == TOK_ALL;
    uint32_t slot = 2 * (uint32_t)c->quants.len;
    if (slot + 2 > c->n_slots)
        c->n_slots = slot + 2;
    Sym q = {e->name, SYM_QUANT, slot, 0, line_of(c, e->name_loc), false};
    vec_push(&c->quants, q);
    uint32_t begin = emit(x->cb, OP_QBEGIN, (int32_t)slot, 0);
    uint32_t loop = here(x->cb);
    bool ok = compile_expr(c, x, e->c);
    c->quants.len--;
    if (!ok)
        return false;
    uint32_t jump = emit(x->cb, is_all ? OP_JZ : OP_JNZ, 0, 0);
    emit(x->cb, OP_QNEXT, (int32_t)slot, (int32_t)loop);
    x->cb->ins.items[begin].b = (int32_t)here(x->cb);
    emit(x->cb, OP_PUSH, is_all, 0);
    uint32_t to_end = emit(x->cb, OP_JMP, 0, 0);
    patch_here(x->cb, jump);
    emit(x->cb, OP_PUSH, !is_all, 0);
    patch_here(x->cb, to_end);
    return true;
}

static const struct {
    int tok;   /* TokKind */
    Opcode op; /* its instruction */
} binary_ops[] = {{TOK_PLUS, OP_ADD},  {TOK_MINUS, OP_SUB},   {TOK_STAR, OP_MUL},
                  {TOK_SLASH, OP_DIV}, {TOK_PERCENT, OP_MOD}, {TOK_LT, OP_LT},
                  {TOK_LE, OP_LE},     {TOK_GT, OP_GT},       {TOK_GE, OP_GE},
                  {TOK_EQ, OP_EQ},     {TOK_NE, OP_NE}};

/* a && b: a; JZ_OR_POP E; b; BOOL; E:  (|| the same with JNZ_OR_POP) */
static bool compile_binary(Compiler *c, const ExprCtx *x, const AstNode *e)
{
    if (!compile_expr(c, x, e->a))
        return false;
    if (e->op == TOK_ANDAND || e->op == TOK_OROR) {
        uint32_t j = emit(x->cb, e->op == TOK_ANDAND ? OP_JZ_OR_POP : OP_JNZ_OR_POP, 0, 0);
        if (!compile_expr(c, x, e->b))
            return false;
        emit(x->cb, OP_BOOL, 0, 0);
        patch_here(x->cb, j);
        return true;
    }
    if (!compile_expr(c, x, e->b))
        return false;
    for (size_t i = 0; i < sizeof binary_ops / sizeof binary_ops[0]; i++)
        if (binary_ops[i].tok == e->op) {
            emit(x->cb, binary_ops[i].op, 0, 0);
            return true;
        }
    report(c, e->loc, "unknown operator");
    return false;
}

static bool compile_expr(Compiler *c, const ExprCtx *x, const AstNode *e)
{
    int32_t v;
    static const ConstEnv quiet = {true, false, 0, NULL, false};
    /* a constant sub-expression is folded to one PUSH, unless evaluating it fails: then its
    ** code is emitted and the failure (division by zero, overflow) happens at run time */
    if ((e->kind == AST_UNARY || e->kind == AST_BINARY || e->kind == AST_NAME) &&
        const_eval(c, e, &quiet, &v)) {
        emit(x->cb, OP_PUSH, v, 0);
        return true;
    }
    switch (e->kind) {
    case AST_INT:
    case AST_BOOL:
        if (e->value > INT32_MAX) {
            report(c, e->loc, "integer literal '2147483648' does not fit in 32 bits");
            return false;
        }
        emit(x->cb, OP_PUSH, (int32_t)e->value, 0);
        return true;
    case AST_NAME:
        return compile_name(c, x, e);
    case AST_ID:
        if (x->is_prop) {
            report(c, e->loc, "'id' is only allowed inside a thread");
            return false;
        }
        emit(x->cb, OP_ID, 0, 0);
        return true;
    case AST_INDEX:
        return compile_index(c, x, e);
    case AST_UNARY:
        if (!compile_expr(c, x, e->a))
            return false;
        emit(x->cb, e->op == TOK_MINUS ? OP_NEG : OP_NOT, 0, 0);
        return true;
    case AST_BINARY:
        return compile_binary(c, x, e);
    case AST_LEN: {
        Sym *s = expect_kind(c, e->a, SYM_QUEUE, "queue");
        if (s)
            emit(x->cb, OP_LEN, (int32_t)s->index, 0);
        return s != NULL;
    }
    case AST_HELD: {
        Sym *s = expect_kind(c, e->a, SYM_MUTEX, "mutex");
        if (s)
            emit(x->cb, OP_HELD, (int32_t)s->index, 0);
        return s != NULL;
    }
    case AST_FIELD:
        return compile_field(c, x, e, NULL);
    case AST_AT:
        return compile_at(c, x, e);
    case AST_COUNT:
        return compile_count(c, x, e);
    case AST_DONE:
        return compile_done(c, x, e);
    case AST_QUANT:
        return compile_quant(c, x, e);
    default:
        report(c, e->loc, "a list is only allowed as an initialiser");
        return false;
    }
}

/* ---- step code: positions and pending lists ---- */

static void patch_list_append(PatchList *to, PatchList *from)
{
    for (size_t i = 0; i < from->len; i++)
        vec_push(to, from->items[i]);
    from->len = 0;
}

static void mark_label(Gen *g, uint32_t label, uint32_t pos)
{
    LabelMark m = {label, pos};
    vec_push(&g->marks, m);
    if (g->pos.items[pos].label < 0)
        g->pos.items[pos].label = (int32_t)label;
}

/* Point every entry of 'list' at position 'pos' and empty the list. */
static void resolve_pos(Gen *g, PatchList *list, uint32_t pos)
{
    for (size_t i = 0; i < list->len; i++) {
        Patch p = list->items[i];
        if (p.kind == PATCH_LABEL)
            mark_label(g, p.idx, pos);
        else if (p.kind == PATCH_START)
            g->start = pos;
        else
            g->cb.ins.items[p.idx].a = (int32_t)pos;
    }
    list->len = 0;
}

/* Point every code jump in 'list' here (inside an atomic block); labels mark the block. */
static void resolve_code(Gen *g, PatchList *list)
{
    for (size_t i = 0; i < list->len; i++) {
        Patch p = list->items[i];
        assert(p.kind != PATCH_START && "a thread's start inside an atomic block");
        if (p.kind == PATCH_LABEL)
            mark_label(g, p.idx, g->atomic_pos);
        else if (p.kind == PATCH_CODE)
            g->cb.ins.items[p.idx].a = (int32_t)here(&g->cb);
    }
    list->len = 0;
}

static void push_patch(PatchList *list, PatchKind kind, uint32_t idx)
{
    Patch p = {kind, idx};
    vec_push(list, p);
}

static int32_t label_index(const Gen *g, const char *label)
{
    for (size_t i = 0; i < g->info->labels.len; i++)
        if (strcmp(g->info->labels.items[i], label) == 0)
            return (int32_t)i;
    return -1;
}

/* A new position for statement 's' (its line, label and text); what was pending goes to it. */
static uint32_t new_pos(Compiler *c, const AstNode *s, PosKind kind)
{
    Gen *g = c->g;
    if (g->pos.len >= MAX_POSITIONS) {
        g->too_big = true;
        return 0;
    }
    Pos p = {kind, here(&g->cb), line_of(c, s->loc), -1, folded_text(c, s->loc), -1, 0};
    uint32_t at = (uint32_t)g->pos.len;
    vec_push(&g->pos, p);
    if (s->label)
        mark_label(g, (uint32_t)label_index(g, s->label), at);
    resolve_pos(g, &g->cur, at);
    g->cb.line = p.line;
    return at;
}

/* END_STEP to a position not known yet: recorded in 'list'. */
static void end_step_to(Gen *g, PatchList *list)
{
    push_patch(list, PATCH_POS, emit(&g->cb, OP_END_STEP, 0, 0));
}

static bool compile_block(Compiler *c, const AstList *stmts);

/* Compile 'stmts' as a block whose entry is pending in 'entry'; what leaves it goes to 'after'. */
static bool compile_branch(Compiler *c, PatchList *entry, const AstList *stmts, PatchList *after)
{
    Gen *g = c->g;
    patch_list_append(&g->cur, entry);
    bool ok = compile_block(c, stmts);
    patch_list_append(after, &g->cur);
    return ok;
}

/* The start of statement 's': a new position at step level; inside an atomic block the label
** marks the block's position, and GUARD_END goes before the first statement unless it blocks. */
static void begin_stmt(Compiler *c, const AstNode *s, bool can_block)
{
    Gen *g = c->g;
    if (!g->in_atomic) {
        new_pos(c, s, POS_STEP);
        return;
    }
    g->cb.line = line_of(c, s->loc);
    if (s->label)
        mark_label(g, (uint32_t)label_index(g, s->label), g->atomic_pos);
    if (g->need_guard && !can_block) {
        emit(&g->cb, OP_GUARD_END, 0, 0);
        g->need_guard = false;
    }
}

/* The end of a simple statement: END_STEP next, or inside atomic fall through (after the
** guard's GUARD_END when the statement could block). */
static void end_stmt(Compiler *c, bool can_block)
{
    Gen *g = c->g;
    if (!g->in_atomic) {
        end_step_to(g, &g->cur);
        return;
    }
    if (g->need_guard && can_block) {
        emit(&g->cb, OP_GUARD_END, 0, 0);
        g->need_guard = false;
    }
}

/* An assignment target: emits the index (if any) and returns the store opcode and variable. */
static bool compile_target(Compiler *c, const AstNode *t, Opcode *op, int32_t *var)
{
    const AstNode *n = t->kind == AST_INDEX ? t->a : t;
    ExprCtx x = {&c->g->cb, false};
    if (n->kind != AST_NAME) {
        report(c, t->loc, "only a variable can be assigned");
        return false;
    }
    Sym *s = lookup(c, n->name);
    if (!s) {
        unknown_name(c, n->loc, "variable", n->name, (1u << SYM_SHARED) | (1u << SYM_LOCAL));
        return false;
    }
    if (s->kind == SYM_CONST) {
        report(c, n->loc, "cannot assign to const '%s'", n->name);
        return false;
    }
    if (s->kind != SYM_SHARED && s->kind != SYM_LOCAL) {
        report(c, n->loc, "'%s' is %s, not a variable", n->name, sym_kind_text[s->kind]);
        return false;
    }
    bool is_shared = s->kind == SYM_SHARED;
    if (t->kind == AST_INDEX) {
        if (!s->is_array) {
            report(c, n->loc, "'%s' is not an array: drop the index", n->name);
            return false;
        }
        if (!compile_expr(c, &x, t->b))
            return false;
        *op = is_shared ? OP_STORE_GA : OP_STORE_LA;
    } else {
        if (s->is_array) {
            report(c, n->loc, "'%s' is an array: index it", n->name);
            return false;
        }
        *op = is_shared ? OP_STORE_G : OP_STORE_L;
    }
    *var = (int32_t)s->index;
    return true;
}

/* x = e, a[i] = e: [i;] e; STORE x */
static bool compile_assign(Compiler *c, const AstNode *s)
{
    ExprCtx x = {&c->g->cb, false};
    Opcode op;
    int32_t var;
    begin_stmt(c, s, false);
    if (!compile_target(c, s->a, &op, &var) || !compile_expr(c, &x, s->b))
        return false;
    emit(x.cb, op, var, 0);
    end_stmt(c, false);
    return true;
}

/* Keep assert 's''s text for the reports, once (a repeat's body is compiled once a round). */
static void note_assert(Compiler *c, const AstNode *s)
{
    uint32_t line = line_of(c, s->loc);
    for (size_t i = 0; i < c->asserts.len; i++)
        if (c->asserts.items[i].line == line)
            return;
    AssertText a = {line, folded_text(c, s->loc)};
    vec_push(&c->asserts, a);
}

/* assert e / await e / lock m / unlock m / signal c / broadcast c / put q, e / skip */
static bool compile_simple(Compiler *c, const AstNode *s)
{
    ExprCtx x = {&c->g->cb, false};
    bool can_block = s->kind == AST_AWAIT || s->kind == AST_LOCK || s->kind == AST_PUT;
    begin_stmt(c, s, can_block);
    Sym *sym = NULL;
    switch (s->kind) {
    case AST_ASSERT:
    case AST_AWAIT:
        if (!compile_expr(c, &x, s->a))
            return false;
        emit(x.cb, s->kind == AST_ASSERT ? OP_ASSERT : OP_AWAIT, 0, 0);
        if (s->kind == AST_ASSERT)
            note_assert(c, s);
        break;
    case AST_LOCK:
    case AST_UNLOCK:
        if (!(sym = expect_kind(c, s->a, SYM_MUTEX, "mutex")))
            return false;
        emit(x.cb, s->kind == AST_LOCK ? OP_LOCK : OP_UNLOCK, (int32_t)sym->index, 0);
        break;
    case AST_SIGNAL:
    case AST_BROADCAST:
        if (!(sym = expect_kind(c, s->a, SYM_COND, "cond")))
            return false;
        emit(x.cb, s->kind == AST_SIGNAL ? OP_SIGNAL : OP_BROADCAST, (int32_t)sym->index, 0);
        break;
    case AST_PUT:
        if (!(sym = expect_kind(c, s->a, SYM_QUEUE, "queue")) || !compile_expr(c, &x, s->b))
            return false;
        emit(x.cb, OP_PUT, (int32_t)sym->index, 0);
        break;
    default: /* skip */
        break;
    }
    end_stmt(c, can_block);
    return true;
}

/* get q, x: GET q; STORE x, or GET q; i; SWAP; STORE a for a[i] (the try form: GET_TRY q; JZ L;
** then the same). The element is taken before the index is evaluated, as Python's
** 'a[i] = q.get()' blocks before it reads i: a get on an empty queue blocks (a try-get takes
** its else-block) whatever its target, as a put on a full queue does whatever its value's range. */
static bool compile_get(Compiler *c, const AstNode *s, bool is_try, uint32_t *jz_out)
{
    Sym *q = expect_kind(c, s->a, SYM_QUEUE, "queue");
    if (!q)
        return false;
    emit(&c->g->cb, is_try ? OP_GET_TRY : OP_GET, (int32_t)q->index, 0);
    if (is_try)
        *jz_out = emit(&c->g->cb, OP_JZ, 0, 0);
    Opcode op;
    int32_t var;
    if (!compile_target(c, s->b, &op, &var))
        return false;
    if (s->b->kind == AST_INDEX)
        emit(&c->g->cb, OP_SWAP, 0, 0);
    emit(&c->g->cb, op, var, 0);
    return true;
}

/* The attempt of 'lock m else', 'put q, e else', 'get q, x else': leaves the flag's JZ in *jz. */
static bool compile_attempt(Compiler *c, const AstNode *s, uint32_t *jz)
{
    ExprCtx x = {&c->g->cb, false};
    Sym *sym;
    if (s->kind == AST_GET)
        return compile_get(c, s, true, jz);
    if (s->kind == AST_LOCK) {
        if (!(sym = expect_kind(c, s->a, SYM_MUTEX, "mutex")))
            return false;
        emit(x.cb, OP_TRYLOCK, (int32_t)sym->index, 0);
    } else {
        if (!(sym = expect_kind(c, s->a, SYM_QUEUE, "queue")) || !compile_expr(c, &x, s->b))
            return false;
        emit(x.cb, OP_PUT_TRY, (int32_t)sym->index, 0);
    }
    *jz = emit(x.cb, OP_JZ, 0, 0);
    return true;
}

/* lock m else {B}:  TRYLOCK m; JZ L; END_STEP next; L: END_STEP B
** Inside atomic: ...; JZ L; JMP E; L: B; E: */
static bool compile_try(Compiler *c, const AstNode *s)
{
    Gen *g = c->g;
    uint32_t jz;
    begin_stmt(c, s, false);
    if (!compile_attempt(c, s, &jz))
        return false;
    if (!g->in_atomic) {
        PatchList after = {0}, entry = {0};
        end_step_to(g, &after);
        patch_here(&g->cb, jz);
        end_step_to(g, &entry);
        bool ok = compile_branch(c, &entry, &s->list, &after);
        patch_list_append(&g->cur, &after);
        vec_free(&after);
        vec_free(&entry);
        return ok;
    }
    uint32_t to_end = emit(&g->cb, OP_JMP, 0, 0);
    patch_here(&g->cb, jz);
    bool ok = compile_block(c, &s->list);
    patch_here(&g->cb, to_end);
    return ok;
}

/* if c1 {B1} else if c2 {B2} else {B3}: one step
**   c1; JZ L2; END_STEP B1; L2: c2; JZ L3; END_STEP B2; L3: END_STEP B3
** inside atomic: c1; JZ L2; B1; JMP E; L2: c2; JZ L3; B2; JMP E; L3: B3; E: */
static bool compile_if(Compiler *c, const AstNode *s)
{
    Gen *g = c->g;
    ExprCtx x = {&g->cb, false};
    begin_stmt(c, s, false);
    uint32_t line = g->cb.line;
    VEC(const AstList *) bodies = {0};
    VEC(PatchList) entries = {0};
    PatchList ends = {0}, after = {0};
    bool ok = true;
    const AstNode *n = s;
    for (; ok && n && n->kind == AST_IF; n = n->c) {
        g->cb.line = line;
        if (!(ok = compile_expr(c, &x, n->a)))
            break;
        uint32_t jz = emit(&g->cb, OP_JZ, 0, 0);
        if (g->in_atomic) {
            ok = compile_block(c, &n->list);
            g->cb.line = line;
            push_patch(&ends, PATCH_CODE, emit(&g->cb, OP_JMP, 0, 0));
        } else {
            PatchList entry = {0};
            end_step_to(g, &entry);
            vec_push(&entries, entry);
            vec_push(&bodies, &n->list);
        }
        patch_here(&g->cb, jz);
    }
    if (ok && g->in_atomic && n) {
        ok = compile_block(c, &n->list);
    } else if (ok && !g->in_atomic) {
        g->cb.line = line;
        PatchList entry = {0};
        end_step_to(g, &entry);
        vec_push(&entries, entry);
        vec_push(&bodies, n ? &n->list : NULL);
        for (size_t i = 0; ok && i < entries.len; i++) {
            if (bodies.items[i])
                ok = compile_branch(c, &entries.items[i], bodies.items[i], &after);
            else
                patch_list_append(&after, &entries.items[i]);
        }
        patch_list_append(&g->cur, &after);
    }
    if (g->in_atomic)
        resolve_code(g, &ends);
    for (size_t i = 0; i < entries.len; i++)
        vec_free(&entries.items[i]);
    vec_free(&entries);
    vec_free(&bodies);
    vec_free(&ends);
    vec_free(&after);
    return ok;
}

static Loop *push_loop(Gen *g, PatchList *breaks, bool has_cont, uint32_t cont, PatchList *conts)
{
    Loop l = {g->in_atomic, breaks, has_cont, cont, conts, NULL, NULL};
    vec_push(&g->loops, l);
    return &g->loops.items[g->loops.len - 1];
}

/* while c {B}: c; JZ L; END_STEP B; L: END_STEP next  (the body goes back to the test)
** inside atomic: L: LOOP_CHECK; c; JZ E; B; JMP L; E: */
static bool compile_while(Compiler *c, const AstNode *s)
{
    Gen *g = c->g;
    ExprCtx x = {&g->cb, false};
    PatchList breaks = {0};
    bool ok;
    begin_stmt(c, s, false);
    if (!g->in_atomic) {
        uint32_t p = (uint32_t)g->pos.len - 1;
        if (!compile_expr(c, &x, s->a))
            return false;
        uint32_t jz = emit(&g->cb, OP_JZ, 0, 0);
        PatchList entry = {0};
        end_step_to(g, &entry);
        patch_here(&g->cb, jz);
        end_step_to(g, &breaks);
        push_loop(g, &breaks, true, p, NULL);
        patch_list_append(&g->cur, &entry);
        ok = compile_block(c, &s->list);
        g->loops.len--;
        resolve_pos(g, &g->cur, p);
        patch_list_append(&g->cur, &breaks);
        vec_free(&entry);
    } else {
        uint32_t line = g->cb.line;
        uint32_t head = emit(&g->cb, OP_LOOP_CHECK, 0, 0);
        if (!compile_expr(c, &x, s->a))
            return false;
        push_patch(&breaks, PATCH_CODE, emit(&g->cb, OP_JZ, 0, 0));
        push_loop(g, &breaks, true, head, NULL);
        ok = compile_block(c, &s->list);
        g->loops.len--;
        g->cb.line = line;
        emit(&g->cb, OP_JMP, (int32_t)head, 0);
        resolve_code(g, &breaks);
    }
    vec_free(&breaks);
    return ok;
}

/* 'repeat 0 {B}': B makes no step, but its errors are still reported. Compile it once and
** roll back everything it added (lists only grow, so their lengths are enough to restore), and
** the flags it may have changed: inside an atomic block, B's first statement must not take the
** place of the block's guard. Its labels name no position, but inside an atomic block, where a
** label on any statement names the block's (docs/language.md section 8), they keep that one. */
static bool check_unused_body(Compiler *c, const AstList *stmts)
{
    Gen *g = c->g;
    size_t n_pos = g->pos.len, n_code = g->cb.ins.len, n_marks = g->marks.len;
    size_t n_returns = g->returns.len, n_loops = g->loops.len;
    bool too_big = g->too_big, need_guard = g->need_guard;
    size_t *n_lists = xcalloc(2 * n_loops + 1, sizeof *n_lists);
    for (size_t i = 0; i < n_loops; i++) {
        n_lists[2 * i] = g->loops.items[i].breaks->len;
        n_lists[2 * i + 1] = g->loops.items[i].conts ? g->loops.items[i].conts->len : 0;
    }
    PatchList cur = {0};
    for (size_t i = 0; i < g->cur.len; i++)
        vec_push(&cur, g->cur.items[i]);
    bool ok = compile_block(c, stmts);
    for (size_t i = n_pos; i < g->pos.len; i++)
        free(g->pos.items[i].text);
    g->pos.len = n_pos;
    g->cb.ins.len = g->cb.lines.len = n_code;
    size_t kept = n_marks; /* a label inside an atomic block keeps marking the block's position */
    for (size_t i = n_marks; i < g->marks.len; i++)
        if (g->marks.items[i].pos < n_pos)
            g->marks.items[kept++] = g->marks.items[i];
    g->marks.len = kept;
    g->returns.len = n_returns;
    g->loops.len = n_loops;
    for (size_t i = 0; i < n_loops; i++) {
        g->loops.items[i].breaks->len = n_lists[2 * i];
        if (g->loops.items[i].conts)
            g->loops.items[i].conts->len = n_lists[2 * i + 1];
    }
    vec_free(&g->cur);
    g->cur = cur;
    g->too_big = too_big;
    g->need_guard = need_guard;
    free(n_lists);
    return ok;
}

/* repeat N {B}: B unrolled N times, each iteration with its own positions. */
static bool compile_repeat(Compiler *c, const AstNode *s)
{
    Gen *g = c->g;
    int32_t n;
    if (!const_eval(c, s->a, &const_env, &n))
        return false;
    int from = define_of(c, s->a);
    if (n < 0) {
        char note[256];
        report(c, s->a->loc, "repeat count must be at least 0, not %d%s", (int)n,
               define_note(c, from, false, note, sizeof note));
        return false;
    }
    if (g->from_define < 0)
        g->from_define = from;
    if (s->label) {
        uint32_t l = (uint32_t)label_index(g, s->label);
        if (g->in_atomic)
            mark_label(g, l, g->atomic_pos);
        else
            push_patch(&g->cur, PATCH_LABEL, l);
    }
    PatchList breaks = {0}, conts = {0};
    if (n == 0) { /* still a loop: a break or continue in it is no error, and leads nowhere */
        push_loop(g, &breaks, false, 0, &conts);
        bool ok = check_unused_body(c, &s->list);
        g->loops.len--;
        vec_free(&breaks);
        vec_free(&conts);
        return ok;
    }
    size_t errors = diag_count(c->d);
    bool ok = true, break_open = false;
    for (int32_t i = 0; ok && i < n && !g->too_big; i++) {
        size_t n_pos = g->pos.len, n_code = g->cb.ins.len;
        bool cont_open = false;
        Loop *loop = push_loop(g, &breaks, false, 0, &conts);
        loop->break_open = &break_open;
        loop->cont_open = &cont_open;
        ok = compile_block(c, &s->list);
        g->loops.len--;
        if (g->in_atomic)
            resolve_code(g, &conts);
        else
            patch_list_append(&g->cur, &conts);
        if (cont_open) /* a path into the next iteration has not ended the guard */
            g->need_guard = true;
        if (diag_count(c->d) > errors) /* report a body's errors once, not per iteration */
            break;
        if (g->pos.len == n_pos && g->cb.ins.len == n_code)
            break; /* the body makes no step: further iterations change nothing */
    }
    if (g->in_atomic)
        resolve_code(g, &breaks);
    else
        patch_list_append(&g->cur, &breaks);
    if (break_open) /* nor has a path out of the loop */
        g->need_guard = true;
    vec_free(&breaks);
    vec_free(&conts);
    return ok;
}

/* choose {B0} or {B1}: CHOOSE 2; JMP L0; JMP L1; L0: END_STEP B0; L1: END_STEP B1
** inside atomic: CHOOSE 2; JMP L0; JMP L1; L0: B0; JMP E; L1: B1; E: */
static bool compile_choose(Compiler *c, const AstNode *s)
{
    Gen *g = c->g;
    uint32_t n = s->list.len;
    begin_stmt(c, s, false);
    uint32_t line = g->cb.line;
    emit(&g->cb, OP_CHOOSE, (int32_t)n, 0);
    uint32_t first_jmp = here(&g->cb);
    for (uint32_t k = 0; k < n; k++)
        emit(&g->cb, OP_JMP, 0, 0);
    PatchList *entries = xcalloc(n ? n : 1, sizeof *entries);
    PatchList after = {0};
    bool ok = true;
    for (uint32_t k = 0; k < n; k++) {
        g->cb.line = line;
        patch_here(&g->cb, first_jmp + k);
        if (g->in_atomic) {
            ok = compile_block(c, &s->list.items[k]->list) && ok;
            g->cb.line = line;
            push_patch(&after, PATCH_CODE, emit(&g->cb, OP_JMP, 0, 0));
        } else {
            end_step_to(g, &entries[k]);
        }
    }
    if (g->in_atomic) {
        resolve_code(g, &after);
    } else {
        for (uint32_t k = 0; k < n; k++)
            ok = compile_branch(c, &entries[k], &s->list.items[k]->list, &after) && ok;
        patch_list_append(&g->cur, &after);
    }
    for (uint32_t k = 0; k < n; k++)
        vec_free(&entries[k]);
    free(entries);
    vec_free(&after);
    return ok;
}

/* atomic {S...}: one step; nested atomic blocks are inlined. */
static bool compile_atomic(Compiler *c, const AstNode *s)
{
    Gen *g = c->g;
    if (g->in_atomic) {
        if (s->label)
            mark_label(g, (uint32_t)label_index(g, s->label), g->atomic_pos);
        return compile_block(c, &s->list);
    }
    g->atomic_pos = new_pos(c, s, POS_STEP);
    g->in_atomic = true;
    g->need_guard = true;
    bool ok = compile_block(c, &s->list);
    g->cb.line = g->pos.items[g->atomic_pos].line;
    if (g->need_guard)
        emit(&g->cb, OP_GUARD_END, 0, 0);
    g->in_atomic = false;
    g->need_guard = false;
    end_step_to(g, &g->cur);
    return ok;
}

/* wait c, m: WAIT c m; END_STEP S;  S: SLEEP;  R: LOCK m; END_STEP next */
static bool compile_wait(Compiler *c, const AstNode *s)
{
    Gen *g = c->g;
    if (g->in_atomic) {
        report(c, s->loc, "'wait' is not allowed inside 'atomic'");
        return false;
    }
    Sym *a = s->a->kind == AST_NAME ? lookup(c, s->a->name) : NULL;
    Sym *b = s->b->kind == AST_NAME ? lookup(c, s->b->name) : NULL;
    if (a && b && a->kind == SYM_MUTEX && b->kind == SYM_COND) { /* 'wait m, c' */
        report(c, s->a->loc,
               "'%s' is a mutex, not a cond (the form is 'wait COND, MUTEX': 'wait %s, %s')",
               s->a->name, s->b->name, s->a->name);
        return false;
    }
    Sym *cv = expect_kind(c, s->a, SYM_COND, "cond");
    Sym *m = expect_kind(c, s->b, SYM_MUTEX, "mutex");
    if (!cv || !m)
        return false;
    uint32_t p = new_pos(c, s, POS_STEP);
    emit(&g->cb, OP_WAIT, (int32_t)cv->index, (int32_t)m->index);
    emit(&g->cb, OP_END_STEP, (int32_t)p + 1, 0);
    uint32_t sleep = new_pos(c, s, POS_SLEEP);
    emit(&g->cb, OP_SLEEP, 0, 0);
    uint32_t relock = new_pos(c, s, POS_RELOCK);
    emit(&g->cb, OP_LOCK, (int32_t)m->index, 0);
    end_step_to(g, &g->cur);
    if (g->too_big)
        return true;
    g->pos.items[sleep].cond = (int32_t)cv->index;
    g->pos.items[sleep].wake = relock;
    /* While asleep and re-taking the mutex the thread is at the wait (language.md section 8):
    ** every label of the wait's step names its two other positions too, also one that came
    ** to the step from a jump before it, which new_pos gave the step alone. */
    for (size_t i = 0, n = g->marks.len; i < n; i++)
        if (g->marks.items[i].pos == p) {
            uint32_t label = g->marks.items[i].label;
            mark_label(g, label, sleep);
            mark_label(g, label, relock);
        }
    return true;
}

/* break / continue / return: not steps; the pending list (or, inside atomic, an END_STEP or a
** jump) goes to the target. */
static bool compile_jump(Compiler *c, const AstNode *s)
{
    Gen *g = c->g;
    Loop *loop = g->loops.len ? &g->loops.items[g->loops.len - 1] : NULL;
    if (s->kind != AST_RETURN && !loop) {
        report(c, s->loc, "'%s' outside a loop", s->kind == AST_BREAK ? "break" : "continue");
        return false;
    }
    if (s->label) {
        uint32_t l = (uint32_t)label_index(g, s->label);
        if (g->in_atomic)
            mark_label(g, l, g->atomic_pos);
        else
            push_patch(&g->cur, PATCH_LABEL, l);
    }
    bool to_code = g->in_atomic && s->kind != AST_RETURN && loop->in_code;
    PatchList *list = NULL; /* NULL: a continue whose target is known (loop->cont) */
    if (s->kind == AST_RETURN)
        list = &g->returns;
    else if (s->kind == AST_BREAK)
        list = loop->breaks;
    else if (!loop->has_cont)
        list = loop->conts;
    if (to_code) {
        /* no statement has ended the guard on this path yet: where it lands, the next one does,
        ** whatever the code after the jump (never run from here) has emitted */
        bool *open = s->kind == AST_BREAK ? loop->break_open : list ? loop->cont_open : NULL;
        if (g->need_guard && open)
            *open = true;
        if (list)
            push_patch(list, PATCH_CODE, emit(&g->cb, OP_JMP, 0, 0));
        else
            emit(&g->cb, OP_JMP, (int32_t)loop->cont, 0);
        return true;
    }
    if (g->in_atomic) { /* leaving the block: the step ends here */
        if (list)
            end_step_to(g, list);
        else
            emit(&g->cb, OP_END_STEP, (int32_t)loop->cont, 0);
        return true;
    }
    if (list)
        patch_list_append(list, &g->cur);
    else
        resolve_pos(g, &g->cur, loop->cont);
    return true;
}

static bool compile_stmt(Compiler *c, const AstNode *s)
{
    switch (s->kind) {
    case AST_ASSIGN:
        return compile_assign(c, s);
    case AST_LOCK:
    case AST_PUT:
    case AST_GET:
        if (s->has_else)
            return compile_try(c, s);
        if (s->kind == AST_GET) {
            begin_stmt(c, s, true);
            uint32_t unused;
            if (!compile_get(c, s, false, &unused))
                return false;
            end_stmt(c, true);
            return true;
        }
        return compile_simple(c, s);
    case AST_ASSERT:
    case AST_AWAIT:
    case AST_UNLOCK:
    case AST_SIGNAL:
    case AST_BROADCAST:
    case AST_SKIP:
        return compile_simple(c, s);
    case AST_WAIT:
        return compile_wait(c, s);
    case AST_IF:
        return compile_if(c, s);
    case AST_WHILE:
        return compile_while(c, s);
    case AST_REPEAT:
        return compile_repeat(c, s);
    case AST_CHOOSE:
        return compile_choose(c, s);
    case AST_ATOMIC:
        return compile_atomic(c, s);
    case AST_BREAK:
    case AST_CONTINUE:
    case AST_RETURN:
        return compile_jump(c, s);
    case AST_BLOCK:
        return compile_block(c, &s->list);
    default:
        report(c, s->loc, "expected a statement");
        return false;
    }
}

static bool compile_block(Compiler *c, const AstList *stmts)
{
    Gen *g = c->g;
    bool ok = true;
    for (uint32_t i = 0; i < stmts->len && !g->too_big; i++) {
        ok = compile_stmt(c, stmts->items[i]) && ok;
        if (g->cb.ins.len > MAX_CODE)
            g->too_big = true;
    }
    return ok;
}

/* ---- thread templates ---- */

/* Collect the labels of a template's statements (before compiling, since 'repeat' compiles a
** body several times); a label used twice is an error. */
static void collect_labels(Compiler *c, TmplInfo *info, const AstList *stmts)
{
    for (uint32_t i = 0; i < stmts->len; i++) {
        const AstNode *s = stmts->items[i];
        if (!s)
            continue;
        if (s->label) {
            size_t k = 0;
            while (k < info->labels.len && strcmp(info->labels.items[k], s->label) != 0)
                k++;
            if (k < info->labels.len) {
                report(c, s->label_loc, "label '%s' is already used at line %u", s->label,
                       info->label_lines.items[k]);
            } else {
                vec_push(&info->labels, s->label);
                vec_push(&info->label_lines, line_of(c, s->label_loc));
            }
        }
        collect_labels(c, info, &s->list);
        for (const AstNode *e = s->kind == AST_IF ? s->c : NULL; e; e = e->c) {
            collect_labels(c, info, &e->list);
            if (e->kind != AST_IF)
                break;
        }
    }
}

/* Turn the positions, code and label marks of 'g' into template 'tmpl'. */
static void finish_template(Compiler *c, Gen *g, Template *t)
{
    TmplInfo *info = g->info;
    t->n_pos = (uint32_t)g->pos.len;
    t->pos = g->pos.items;
    t->start = g->start;
    t->n_code = (uint32_t)g->cb.ins.len;
    t->code = g->cb.ins.items;
    t->code_line = g->cb.lines.items;
    t->n_labels = (uint32_t)info->labels.len;
    t->labels = xcalloc(t->n_labels ? t->n_labels : 1, sizeof *t->labels);
    t->label_at = xcalloc(t->n_labels ? t->n_labels : 1, sizeof *t->label_at);
    for (uint32_t l = 0; l < t->n_labels; l++) {
        t->labels[l] = xstrdup(info->labels.items[l]);
        t->label_at[l] = xcalloc(t->n_pos ? t->n_pos : 1, 1);
    }
    for (size_t i = 0; i < g->marks.len; i++)
        t->label_at[g->marks.items[i].label][g->marks.items[i].pos] = 1;
    t->n_locals = (uint32_t)c->locals.len;
    t->locals = xcalloc(t->n_locals ? t->n_locals : 1, sizeof *t->locals);
    for (uint32_t l = 0; l < t->n_locals; l++)
        t->locals[l] = c->locals.items[l].index;
}

/* Free what a Gen still owns (its code and positions after an error). */
static void gen_fini(Gen *g, bool keep_code)
{
    if (!keep_code) {
        for (size_t i = 0; i < g->pos.len; i++)
            free(g->pos.items[i].text);
        vec_free(&g->pos);
        vec_free(&g->cb.ins);
        vec_free(&g->cb.lines);
    }
    vec_free(&g->marks);
    vec_free(&g->cur);
    vec_free(&g->returns);
    vec_free(&g->loops);
}

/* thread_decl -> 'thread' NAME ['[' count ']'] '{' local* stmt* '}' */
static void compile_thread(Compiler *c, const AstNode *decl)
{
    uint32_t count = 1;
    bool fresh = check_new_name(c, decl->name, decl->name_loc);
    if (decl->a && !const_count(c, decl->a, "thread count", 1, MAX_THREADS, &count))
        count = 1;
    if (c->n_threads + count > MAX_THREADS) {
        char note[256];
        report(c, decl->name_loc, "a model may have at most %d threads; '%s' brings them to %llu%s",
               MAX_THREADS, decl->name, (unsigned long long)c->n_threads + count,
               define_note(c, define_of(c, decl->a), false, note, sizeof note));
        count = 1;
    }
    uint32_t tmpl = (uint32_t)c->templates.len;
    Template t = {0};
    t.name = xstrdup(decl->name);
    t.is_array = decl->a != NULL;
    t.count = count;
    t.first_tid = c->n_threads;
    c->n_threads += count;
    vec_push(&c->templates, t);
    TmplInfo blank = {0};
    vec_push(&c->infos, blank);
    TmplInfo *info = &c->infos.items[tmpl];
    if (fresh)
        add_global(c, decl, SYM_THREAD, tmpl, 0, decl->a != NULL);

    c->locals.len = 0;
    for (uint32_t i = 0; i < decl->list2.len; i++)
        compile_local(c, decl->list2.items[i], tmpl, count);
    collect_labels(c, info, &decl->list);

    Gen g = {0};
    g.from_define = -1;
    g.tmpl = tmpl;
    g.info = info;
    c->g = &g;
    /* The start is pending like any next step: a leading break, continue or return moves it
    ** (to the end, past the loop, to the next iteration), as it moves the step before it. */
    push_patch(&g.cur, PATCH_START, 0);
    compile_block(c, &decl->list);
    if (!g.too_big) { /* the end position: HALT, at the closing brace */
        AstNode end = {0};
        end.loc = decl->close_loc.len ? decl->close_loc : decl->loc;
        end.loc.len = 0;
        uint32_t p = new_pos(c, &end, POS_END);
        if (!g.too_big) {
            free(g.pos.items[p].text);
            g.pos.items[p].text = xstrdup("end");
            resolve_pos(&g, &g.returns, p);
            emit(&g.cb, OP_HALT, 0, 0);
        }
    }
    if (g.too_big) {
        char note[256];
        report(c, decl->name_loc, "thread '%s' has more than %d steps after unrolling 'repeat'%s",
               decl->name, MAX_POSITIONS, define_note(c, g.from_define, false, note, sizeof note));
    }
    bool keep = !g.too_big;
    if (keep)
        finish_template(c, &g, &c->templates.items[tmpl]);
    gen_fini(&g, keep);
    c->g = NULL;
    for (size_t i = 0; i < c->locals.len; i++)
        vec_push(&info->locals, c->locals.items[i]);
    c->locals.len = 0;
}

/* ---- properties ---- */

/* Does 'e' read a quantifier variable bound inside or around it (names in 'bound')? */
static bool uses_quant(const AstNode *e, const char *const *bound, size_t n_bound)
{
    if (!e)
        return false;
    if (e->kind == AST_NAME)
        for (size_t i = 0; i < n_bound; i++)
            if (strcmp(bound[i], e->name) == 0)
                return true;
    return uses_quant(e->a, bound, n_bound) || uses_quant(e->b, bound, n_bound) ||
           uses_quant(e->c, bound, n_bound);
}

typedef struct TermCtx {
    VEC(PropTerm) terms;
    VEC(const char *) bound; /* quantifier variables in scope */
} TermCtx;

/* 'text' without the parentheses around the whole of it: a node's loc takes in its
** parentheses (parse.c), and the term of "-(s1)" or "!(held(m))" is "s1" or "held(m)". */
static void strip_outer_parens(char *text)
{
    size_t n = strlen(text);
    while (n >= 2 && text[0] == '(' && text[n - 1] == ')') {
        size_t i = 0;
        for (int depth = 0; i < n; i++) {
            depth += text[i] == '(' ? 1 : text[i] == ')' ? -1 : 0;
            if (depth == 0)
                break;
        }
        if (i != n - 1) /* "(a) + (b)": the first '(' closes before the end */
            return;
        size_t from = 1, to = n - 1; /* folded_text left at most one space inside each */
        from += text[from] == ' ';
        to -= to > from && text[to - 1] == ' ';
        memmove(text, text + from, to - from);
        n = to - from;
        text[n] = '\0';
    }
}

static void add_term(Compiler *c, TermCtx *tc, const AstNode *e, int32_t var)
{
    char *text = var >= 0 ? xstrdup(e->a->name) : folded_text(c, e->loc);
    strip_outer_parens(text);
    for (size_t i = 0; i < tc->terms.len; i++)
        if (strcmp(tc->terms.items[i].text, text) == 0) {
            free(text);
            return;
        }
    PropTerm t = {text, var, 0};
    if (var < 0) {
        ExprCtx x = {&c->pc, true};
        t.code = here(&c->pc);
        compile_expr(c, &x, e);
        emit(&c->pc, OP_RET, 0, 0);
    }
    vec_push(&tc->terms, t);
}

/* The values to show when a property breaks: each maximal sub-expression that reads state. */
static void collect_terms(Compiler *c, TermCtx *tc, const AstNode *e)
{
    if (!e)
        return;
    bool quant = uses_quant(e, tc->bound.items, tc->bound.len);
    Sym *s;
    switch (e->kind) {
    case AST_NAME:
        s = find_in(&c->globals, e->name);
        if (!quant && s && s->kind == SYM_SHARED && !s->is_array)
            add_term(c, tc, e, -1);
        return;
    case AST_INDEX:
        s = e->a->kind == AST_NAME ? find_in(&c->globals, e->a->name) : NULL;
        if (s && s->kind == SYM_SHARED && quant)
            add_term(c, tc, e, (int32_t)s->index); /* shown whole */
        else if (!quant)
            add_term(c, tc, e, -1);
        return;
    case AST_FIELD:
    case AST_AT:
    case AST_DONE:
    case AST_COUNT:
    case AST_LEN:
    case AST_HELD:
        if (!quant)
            add_term(c, tc, e, -1);
        return;
    case AST_QUANT:
        collect_terms(c, tc, e->a);
        collect_terms(c, tc, e->b);
        vec_push(&tc->bound, e->name);
        collect_terms(c, tc, e->c);
        tc->bound.len--;
        return;
    default:
        collect_terms(c, tc, e->a);
        collect_terms(c, tc, e->b);
        return;
    }
}

/* invariant [LABEL:] expr / final [LABEL:] expr */
static void compile_property(Compiler *c, const AstNode *decl)
{
    uint32_t line = line_of(c, decl->loc);
    if (decl->name) {
        for (size_t i = 0; i < c->prop_labels.len; i++)
            if (strcmp(c->prop_labels.items[i], decl->name) == 0) {
                report(c, decl->name_loc, "property '%s' is already declared at line %u",
                       decl->name, c->prop_label_lines.items[i]);
                return;
            }
        vec_push(&c->prop_labels, decl->name);
        vec_push(&c->prop_label_lines, line_of(c, decl->name_loc));
    }
    ExprCtx x = {&c->pc, true};
    c->pc.line = line;
    uint32_t code = here(&c->pc);
    size_t errors = diag_count(c->d);
    if (!compile_expr(c, &x, decl->a))
        return;
    emit(&c->pc, OP_RET, 0, 0);
    Property p = {decl->kind == AST_INVARIANT ? PROP_INVARIANT : PROP_FINAL,
                  decl->name ? xstrdup(decl->name) : NULL,
                  folded_text(c, decl->a->loc),
                  line,
                  code,
                  0,
                  NULL};
    TermCtx tc = {0};
    if (diag_count(c->d) == errors)
        collect_terms(c, &tc, decl->a);
    p.n_terms = (uint32_t)tc.terms.len;
    p.terms = tc.terms.items;
    vec_free(&tc.bound);
    vec_push(&c->props, p);
}

/* ---- declarations ---- */

static void compile_const(Compiler *c, const AstNode *decl)
{
    bool fresh = check_new_name(c, decl->name, decl->name_loc);
    int from = define_of(c, decl->a);
    ConstEnv env = const_env;
    for (size_t i = 0; i < c->n_defs; i++)
        if (strcmp(c->defs[i].name, decl->name) == 0) {
            env.is_replaced = true;
            from = (int)i;
        }
    int32_t v = 0;
    bool ok = const_eval(c, decl->a, &env, &v);
    if (env.is_replaced)
        v = c->defs[from].value;
    vec_push(&c->const_names, xstrdup(decl->name));
    vec_push(&c->const_values, v);
    vec_push(&c->const_define, from);
    if (fresh)
        add_global(c, decl, SYM_CONST, ok || env.is_replaced ? 0 : 1, v, false);
}

static void compile_sync(Compiler *c, const AstNode *decl)
{
    if (!check_new_name(c, decl->name, decl->name_loc))
        return;
    if (decl->kind == AST_MUTEX) {
        Mutex m = {xstrdup(decl->name), 0, 1};
        add_global(c, decl, SYM_MUTEX, (uint32_t)c->mutexes.len, 0, false);
        vec_push(&c->mutexes, m);
    } else {
        Cond cv = {xstrdup(decl->name)};
        add_global(c, decl, SYM_COND, (uint32_t)c->conds.len, 0, false);
        vec_push(&c->conds, cv);
    }
}

/* The initial elements of queue 'q' from the initialiser of its declaration 'decl' (decl->b): a
** LIST, at most cap long, each value inside the queue's range. Every bad element is reported. */
static void queue_init_values(Compiler *c, Queue *q, const AstNode *decl)
{
    const AstNode *init = decl->b;
    if (init->kind != AST_LIST) {
        report(c, init->loc, "a queue's initialiser is a list '[e0, ...]'");
        return;
    }
    if (init->list.len > q->cap) {
        report(c, init->loc, "queue '%s' holds at most %u elements but the list has %u", q->name,
               q->cap, init->list.len);
        return;
    }
    q->n_init = init->list.len;
    for (uint32_t i = 0; i < q->n_init; i++) {
        const AstNode *e = init->list.items[i];
        char note[256];
        if (const_eval(c, e, &const_env, &q->init[i]) && q->has_range &&
            (q->init[i] < q->lo || q->init[i] > q->hi))
            report(c, e->loc, "initial value %d of queue '%s' is outside its range %d..%d%s",
                   (int)q->init[i], q->name, (int)q->lo, (int)q->hi,
                   define_note(c, init_define(c, e, decl), false, note, sizeof note));
    }
}

/* queue_decl -> 'queue' NAME '[' cap ']' [':' lo '..' hi] ['=' '[' e0, ... ']'] */
static void compile_queue(Compiler *c, const AstNode *decl)
{
    bool fresh = check_new_name(c, decl->name, decl->name_loc);
    Queue q = {0};
    q.name = xstrdup(decl->name);
    q.cap = 1;
    if (decl->a && !const_count(c, decl->a, "queue capacity", 1, MAX_SIZE, &q.cap))
        q.cap = 1;
    q.init = xcalloc(q.cap, sizeof(int32_t));
    bool ok = !decl->lo || range_bounds(c, decl, &q.lo, &q.hi);
    q.has_range = ok && decl->lo != NULL;
    if (ok && decl->b)
        queue_init_values(c, &q, decl);
    if (fresh)
        add_global(c, decl, SYM_QUEUE, (uint32_t)c->queues.len, 0, false);
    vec_push(&c->queues, q);
}

static void compile_decl(Compiler *c, const AstNode *decl)
{
    switch (decl->kind) {
    case AST_CONST:
        compile_const(c, decl);
        break;
    case AST_SHARED:
        compile_shared(c, decl);
        break;
    case AST_MUTEX:
    case AST_COND:
        compile_sync(c, decl);
        break;
    case AST_QUEUE:
        compile_queue(c, decl);
        break;
    case AST_THREAD:
        compile_thread(c, decl);
        break;
    case AST_INVARIANT:
    case AST_FINAL:
        compile_property(c, decl);
        break;
    default:
        report(c, decl->loc, "expected a declaration");
        break;
    }
}

/* ---- layout and assembly ---- */

/* Bits per element of a variable or queue slot: enough for its declared range lo..hi (when
** has_range), else a whole int32. */
static uint8_t range_bits(bool has_range, int32_t lo, int32_t hi)
{
    return has_range ? layout_bits_for((uint32_t)hi - (uint32_t)lo) : 32;
}

/* Widths and offsets, in bits, of every field: shared vars, mutex owners, queues (length, then
** slots), then one block per thread (position, then locals), then, for a bounded program, the
** last step's thread and the preemptions taken, packed with no padding. Returns
** the vector's bytes: the bits rounded up, at least 1 so every vector has an address; 0 when
** the state would not fit in 2^32 - 64 bits. */
uint32_t compile_layout(Program *prog)
{
    uint64_t bit = 0;
    for (uint32_t i = 0; i < prog->n_shared; i++) {
        Var *v = &prog->vars[i];
        v->bits = range_bits(v->has_range, v->lo, v->hi);
        v->bit_off = (uint32_t)bit;
        bit += (uint64_t)v->size * v->bits;
    }
    uint8_t owner_bits = layout_bits_for(prog->n_threads); /* 0 free, else thread index + 1 */
    for (uint32_t i = 0; i < prog->n_mutexes; i++) {
        prog->mutexes[i].bit_off = (uint32_t)bit;
        prog->mutexes[i].bits = owner_bits;
        bit += owner_bits;
    }
    for (uint32_t i = 0; i < prog->n_queues; i++) {
        Queue *q = &prog->queues[i];
        q->len_bits = layout_bits_for(q->cap);
        q->bits = range_bits(q->has_range, q->lo, q->hi);
        q->len_bit_off = (uint32_t)bit;
        q->bit_off = (uint32_t)bit + q->len_bits;
        bit = q->bit_off + (uint64_t)q->bits * q->cap;
    }
    for (uint32_t ti = 0; ti < prog->n_templates; ti++) {
        Template *t = &prog->templates[ti];
        t->pc_bits = layout_bits_for(t->n_pos ? t->n_pos - 1 : 0);
        uint64_t local_bit = t->pc_bits;
        for (uint32_t l = 0; l < t->n_locals; l++) {
            Var *v = &prog->vars[t->locals[l]];
            v->bits = range_bits(v->has_range, v->lo, v->hi);
            v->bit_off = (uint32_t)local_bit;
            local_bit += (uint64_t)v->size * v->bits;
        }
        t->block_bits = (uint32_t)local_bit;
    }
    for (uint32_t tid = 0; tid < prog->n_threads; tid++) {
        prog->threads[tid].bit_base = (uint32_t)bit;
        bit += prog->templates[prog->threads[tid].tmpl].block_bits;
    }
    if (prog->is_bounded) { /* compile_bound_preemptions: the last step's thread, preemptions */
        prog->last_bits = layout_bits_for(prog->n_threads);
        prog->last_bit_off = (uint32_t)bit;
        bit += prog->last_bits;
        prog->preempt_bits = layout_bits_for(prog->max_preemptions);
        prog->preempt_bit_off = (uint32_t)bit;
        bit += prog->preempt_bits;
    }
    if (bit > (uint64_t)UINT32_MAX - 64)
        return 0; /* offsets are 32-bit bit counts: at most 512 MiB per state */
    return bit ? (uint32_t)((bit + 7) / 8) : 1;
}

/* The two fields go after every other, so laying the state out again moves nothing else. */
bool compile_bound_preemptions(Program *prog, uint32_t max)
{
    bool was = prog->is_bounded;
    uint32_t was_max = prog->max_preemptions;
    prog->is_bounded = true;
    prog->max_preemptions = max;
    uint32_t size = compile_layout(prog);
    if (size == 0) { /* state_size is untouched */
        prog->is_bounded = was;
        prog->max_preemptions = was_max;
        return false;
    }
    prog->state_size = size;
    return true;
}

static void make_threads(Program *prog)
{
    prog->threads = xcalloc(prog->n_threads ? prog->n_threads : 1, sizeof *prog->threads);
    for (uint32_t ti = 0; ti < prog->n_templates; ti++) {
        const Template *t = &prog->templates[ti];
        for (uint32_t i = 0; i < t->count; i++) {
            Thread *th = &prog->threads[t->first_tid + i];
            size_t len = strlen(t->name) + 16;
            th->name = xmalloc(len);
            if (t->is_array)
                snprintf(th->name, len, "%s[%u]", t->name, i);
            else
                snprintf(th->name, len, "%s", t->name);
            th->tmpl = ti;
            th->index = i;
        }
    }
}

/* Stack effect of an instruction on its fall-through path. */
static int stack_effect(Opcode op)
{
    switch (op) {
    case OP_PUSH:
    case OP_ID:
    case OP_LOAD_G:
    case OP_LOAD_L:
    case OP_LEN:
    case OP_HELD:
    case OP_COUNT:
    case OP_QLOAD:
    case OP_TRYLOCK:
    case OP_GET:
        return 1;
    case OP_GET_TRY:
        return 2;
    case OP_POP:
    case OP_LOAD_TLA:
    case OP_ADD:
    case OP_SUB:
    case OP_MUL:
    case OP_DIV:
    case OP_MOD:
    case OP_LT:
    case OP_LE:
    case OP_GT:
    case OP_GE:
    case OP_EQ:
    case OP_NE:
    case OP_JZ:
    case OP_JNZ:
    case OP_JZ_OR_POP:
    case OP_JNZ_OR_POP:
    case OP_RET:
    case OP_STORE_G:
    case OP_STORE_L:
    case OP_ASSERT:
    case OP_AWAIT:
    case OP_PUT:
        return -1;
    case OP_QBEGIN:
    case OP_STORE_GA:
    case OP_STORE_LA:
        return -2;
    default:
        return 0;
    }
}

/* The deepest stack any path from 'entry' reaches (depths are the same on every path to an
** instruction, by construction; 'depth' remembers the first seen, -1 unvisited). */
static uint32_t max_depth(const Ins *code, uint32_t n_code, uint32_t entry, int32_t *depth)
{
    VEC(uint32_t) work = {0};
    uint32_t deepest = 0;
    if (entry < n_code && depth[entry] < 0) {
        depth[entry] = 0;
        vec_push(&work, entry);
    }
    while (work.len) {
        uint32_t pc = work.items[--work.len];
        const Ins *in = &code[pc];
        int32_t d = depth[pc];
        int32_t after = d + stack_effect(in->op);
        int32_t keep = in->op == OP_JZ_OR_POP || in->op == OP_JNZ_OR_POP ? d : after;
        if (after > (int32_t)deepest)
            deepest = (uint32_t)after;
        if ((uint32_t)d > deepest)
            deepest = (uint32_t)d;
        uint32_t next[2 + 256];
        int32_t next_depth[2 + 256];
        size_t n_next = 0;
        switch (in->op) {
        case OP_END_STEP:
        case OP_HALT:
        case OP_RET:
        case OP_SLEEP:
            break;
        case OP_JMP:
            next[n_next] = (uint32_t)in->a, next_depth[n_next++] = after;
            break;
        case OP_JZ:
        case OP_JNZ:
        case OP_JZ_OR_POP:
        case OP_JNZ_OR_POP:
            next[n_next] = (uint32_t)in->a, next_depth[n_next++] = keep;
            next[n_next] = pc + 1, next_depth[n_next++] = after;
            break;
        case OP_QBEGIN:
        case OP_QNEXT:
            next[n_next] = (uint32_t)in->b, next_depth[n_next++] = after;
            next[n_next] = pc + 1, next_depth[n_next++] = after;
            break;
        case OP_CHOOSE:
            for (int32_t k = 0; k < in->a && k < 256; k++)
                next[n_next] = pc + 1 + (uint32_t)k, next_depth[n_next++] = after;
            break;
        default:
            next[n_next] = pc + 1, next_depth[n_next++] = after;
            break;
        }
        for (size_t k = 0; k < n_next; k++)
            if (next[k] < n_code && depth[next[k]] < 0) {
                depth[next[k]] = next_depth[k] < 0 ? 0 : next_depth[k];
                vec_push(&work, next[k]);
            }
    }
    vec_free(&work);
    return deepest;
}

static uint32_t program_stack_max(const Program *prog)
{
    uint32_t deepest = 1;
    for (uint32_t ti = 0; ti < prog->n_templates; ti++) {
        const Template *t = &prog->templates[ti];
        int32_t *depth = xmalloc((t->n_code + 1) * sizeof *depth);
        for (uint32_t i = 0; i < t->n_code; i++)
            depth[i] = -1;
        for (uint32_t p = 0; p < t->n_pos; p++) {
            uint32_t d = max_depth(t->code, t->n_code, t->pos[p].code, depth);
            deepest = d > deepest ? d : deepest;
        }
        free(depth);
    }
    int32_t *depth = xmalloc((prog->n_prop_code + 1) * sizeof *depth);
    for (uint32_t i = 0; i < prog->n_prop_code; i++)
        depth[i] = -1;
    for (uint32_t i = 0; i < prog->n_props; i++) {
        uint32_t d = max_depth(prog->prop_code, prog->n_prop_code, prog->props[i].code, depth);
        deepest = d > deepest ? d : deepest;
        for (uint32_t k = 0; k < prog->props[i].n_terms; k++) {
            if (prog->props[i].terms[k].var >= 0)
                continue;
            d = max_depth(prog->prop_code, prog->n_prop_code, prog->props[i].terms[k].code, depth);
            deepest = d > deepest ? d : deepest;
        }
    }
    free(depth);
    return deepest;
}

/* Move everything compiled into a new Program (no layout yet); the Compiler's vectors are
** emptied, so it can be freed with prog_free whether compilation succeeded or not. */
static Program *move_out(Compiler *c)
{
    Program *prog = xcalloc(1, sizeof *prog);
    prog->model_name = xstrdup(c->src->name ? c->src->name : "");
    prog->n_vars = (uint32_t)c->vars.len;
    prog->vars = c->vars.items;
    prog->n_shared = c->n_shared;
    prog->n_mutexes = (uint32_t)c->mutexes.len;
    prog->mutexes = c->mutexes.items;
    prog->n_conds = (uint32_t)c->conds.len;
    prog->conds = c->conds.items;
    prog->n_queues = (uint32_t)c->queues.len;
    prog->queues = c->queues.items;
    prog->n_templates = (uint32_t)c->templates.len;
    prog->templates = c->templates.items;
    prog->n_threads = c->n_threads;
    prog->n_props = (uint32_t)c->props.len;
    prog->props = c->props.items;
    prog->n_prop_code = (uint32_t)c->pc.ins.len;
    prog->prop_code = c->pc.ins.items;
    prog->prop_code_line = c->pc.lines.items;
    prog->n_asserts = (uint32_t)c->asserts.len;
    prog->asserts = c->asserts.items;
    prog->n_slots = c->n_slots;
    prog->n_consts = (uint32_t)c->const_names.len;
    prog->const_names = c->const_names.items;
    prog->const_values = c->const_values.items;
    memset(&c->vars, 0, sizeof c->vars);
    memset(&c->mutexes, 0, sizeof c->mutexes);
    memset(&c->conds, 0, sizeof c->conds);
    memset(&c->queues, 0, sizeof c->queues);
    memset(&c->templates, 0, sizeof c->templates);
    memset(&c->props, 0, sizeof c->props);
    memset(&c->pc, 0, sizeof c->pc);
    memset(&c->asserts, 0, sizeof c->asserts);
    memset(&c->const_names, 0, sizeof c->const_names);
    memset(&c->const_values, 0, sizeof c->const_values);
    make_threads(prog);
    return prog;
}

static void compiler_fini(Compiler *c)
{
    prog_free(move_out(c)); /* whatever is left (after an error), freed as a Program is */
    for (size_t i = 0; i < c->infos.len; i++) {
        vec_free(&c->infos.items[i].labels);
        vec_free(&c->infos.items[i].label_lines);
        vec_free(&c->infos.items[i].locals);
    }
    vec_free(&c->infos);
    vec_free(&c->globals);
    vec_free(&c->locals);
    vec_free(&c->quants);
    vec_free(&c->prop_labels);
    vec_free(&c->prop_label_lines);
    vec_free(&c->const_define);
}

/* Every define must name a const of the model; else the tool error. */
static bool check_defines(const AstNode *model, const Define *defs, size_t n_defs,
                          char **tool_err_out)
{
    VEC(const char *) consts = {0};
    for (uint32_t i = 0; i < model->list.len; i++)
        if (model->list.items[i]->kind == AST_CONST)
            vec_push(&consts, model->list.items[i]->name);
    bool ok = true;
    for (size_t k = 0; ok && k < n_defs; k++) {
        size_t i = 0;
        while (i < consts.len && strcmp(consts.items[i], defs[k].name) != 0)
            i++;
        if (i < consts.len)
            continue;
        char buf[160], msg[512];
        snprintf(msg, sizeof msg, "-D '%s' names no const of the model%s", defs[k].name,
                 hint(buf, sizeof buf, defs[k].name, consts.items, consts.len));
        if (tool_err_out)
            *tool_err_out = xstrdup(msg);
        ok = false;
    }
    vec_free(&consts);
    return ok;
}

Program *compile_model(const AstNode *model, const Source *src, const Define *defs, size_t n_defs,
                       Diag *d, char **tool_err_out)
{
    if (tool_err_out)
        *tool_err_out = NULL;
    if (!check_defines(model, defs, n_defs, tool_err_out))
        return NULL;
    Compiler c = {0};
    c.src = src;
    c.d = d;
    c.defs = defs;
    c.n_defs = n_defs;
    c.model = model;
    uint32_t n_shared = 0;
    for (uint32_t i = 0; i < model->list.len; i++)
        n_shared += model->list.items[i]->kind == AST_SHARED;
    for (uint32_t i = 0; i < n_shared; i++) {
        Var blank = {0};
        vec_push(&c.vars, blank);
    }
    size_t errors = diag_count(d);
    for (uint32_t i = 0; i < model->list.len; i++)
        compile_decl(&c, model->list.items[i]);
    if (c.templates.len == 0) {
        Loc end = {(uint32_t)src->len, 0};
        report(&c, end,
               "a model needs at least one thread (declare one: 'thread worker { ... }', or "
               "'thread worker[N] { ... }' for N of them)");
    }
    if (diag_count(d) > errors) {
        compiler_fini(&c);
        return NULL;
    }
    Program *prog = move_out(&c);
    compiler_fini(&c);
    prog->state_size = compile_layout(prog);
    if (prog->state_size == 0) {
        Loc end = {(uint32_t)src->len, 0};
        report(&c, end, "the state of this model is larger than 512 MiB");
        prog_free(prog);
        return NULL;
    }
    prog->stack_max = program_stack_max(prog);
    return prog;
}

Program *compile_source(const Source *src, const Define *defs, size_t n_defs, Diag *d,
                        char **tool_err_out)
{
    *tool_err_out = NULL;
    Arena *arena = arena_new();
    AstNode *model = parse_model(arena, src, d);
    Program *prog =
        diag_count(d) == 0 ? compile_model(model, src, defs, n_defs, d, tool_err_out) : NULL;
    arena_free(arena);
    return prog;
}
