/*
** exec.c -- execute one atomic step of one thread on a packed state; evaluate properties.
**
** exec_step() copies the input vector into scratch once per outcome, interprets the step code of
** the thread's position (program.h, "code shapes") on that copy, and reports each outcome. It
** never allocates in the common case: scratch is sized in exec_new() from prog->stack_max,
** prog->state_size and the thread count. Only a step that nests more than FORK_CAP two-way
** choices, or whose atomic loops pass LOOP_CAP loop heads in one run, grows its tables.
**
** Forks (CHOOSE, SIGNAL with several sleepers) are enumerated by re-execution: the step runs
** from the start once per outcome, following a recorded list of choices, and the list then
** advances like an odometer (last choice first). This gives the depth first order of exec.h
** for any nesting, needs no saved copies of the vector or the value stack, and makes every run
** one straight path, so LOOP_CHECK only has to detect a repeat within one run.
*/
#include "exec.h"

#include <assert.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"
#include "util.h"

enum {
    EXEC_LINE = 128, /* bytes of the lines a context's buffers own (two cache lines) */
    FORK_CAP = 64,   /* nested choices of a step before the choice list grows */
    LOOP_CAP = 64,   /* loop heads remembered per run before the loop table grows */
    MSG_CAP = 512,   /* bytes of a runtime error message (names are truncated past it) */
    NO_THREAD = -1,  /* 'tid' of property code: no running thread */
};

/* A variable, flattened for the interpreter (Var carries names and initialisers too). */
typedef struct VarInfo {
    uint32_t bit_off; /* element 0: absolute (shared) or within the thread block (local) */
    uint32_t size;    /* elements */
    int32_t lo, hi;   /* declared range when has_range; lo is 0 without one (the field base) */
    uint8_t bits;     /* bits per element */
    bool has_range;   /* writes are range-checked */
    bool is_local;    /* VAR_LOCAL: add the thread's base */
} VarInfo;

/* One choice point of the current run: which branch it takes and how many it has. */
typedef struct Fork {
    uint32_t pick;  /* branch taken, 0 <= pick < arity */
    uint32_t arity; /* branches (>= 2; one-way "forks" are not recorded) */
} Fork;

/* A loop head passed in this run: its code address and the hash of the vector there. */
typedef struct LoopSeen {
    uint64_t hash; /* state_hash of the scratch vector */
    uint32_t pc;   /* code address of the LOOP_CHECK */
} LoopSeen;

/* How one run of a step's code ended. */
typedef enum {
    RUN_END,     /* END_STEP: scratch holds the successor */
    RUN_BLOCKED, /* blocked before GUARD_END: this path is not enabled */
    RUN_ASSERT,  /* an ASSERT popped 0 */
    RUN_ERROR    /* a runtime error: ctx->msg says which */
} RunResult;

struct ExecCtx {
    const Program *prog; /* borrowed, shared read-only */
    VarInfo *vars;       /* prog->n_vars flattened variables */
    uint32_t size;       /* prog->state_size */
    uint8_t *vec;        /* scratch vector the step writes */
    int32_t *stack;      /* value stack, prog->stack_max + 2 entries */
    int32_t *slots;      /* quantifier slots of property code */
    uint32_t *sleepers;  /* threads asleep on the cond being signalled */
    Fork *forks;         /* choices of the current run, outermost first */
    uint32_t n_forks;    /* recorded choices (the odometer's digits) */
    uint32_t forks_cap;  /* entries allocated in 'forks' */
    uint32_t fork_depth; /* choices met so far in the current run */
    LoopSeen *seen;      /* loop heads passed in the current run */
    uint8_t *seen_vecs;  /* their vectors, 'size' bytes each */
    uint32_t n_seen;     /* entries used in 'seen' */
    uint32_t seen_cap;   /* entries allocated in 'seen' and 'seen_vecs' */
    uint32_t *tab_ent;   /* hash index over 'seen': entry + 1 */
    uint32_t *tab_gen;   /* generation stamp of each index slot: stale slots are empty */
    uint32_t tab_cap;    /* slots, a power of two, 2 * seen_cap */
    uint32_t gen;        /* current generation: bumped per run */
    bool is_guarded;     /* GUARD_END passed: blocking is a runtime error */
    uint32_t fail_pc;    /* RUN_ASSERT, RUN_ERROR: address of the failing instruction */
    char msg[MSG_CAP];   /* the last runtime error */
    uint8_t *cover;      /* exec_cover_start(): EXEC_COVER_* marks per position; else NULL */
    uint32_t *cover_at;  /* exec_cover_start(): each template's first index in 'cover' */
    bool is_bounded;     /* prog->is_bounded, kept here: every step asks */
    uint64_t n_held;     /* bounded: enabled steps the preemption bound held back */
    uint8_t *prev_vec;   /* bounded: the state whose last thread was last asked about ... */
    uint32_t prev_tid;   /* ... that thread (STATE_NO_THREAD: none asked yet) ... */
    bool is_prev_on;     /* ... and whether its step was enabled there */
    bool is_dead_kept;   /* exec_keep_dead(): an END_STEP resets no dead local */
};

/* ---- context ---- */

/* 'n' zeroed entries of 'size' bytes on lines of their own: EXEC_LINE bytes, two cache lines,
** the pair some cores fetch together. The workers of a parallel search each run a context of
** their own, all allocated one after another by the calling thread, and buffers of a few bytes
** (the scratch vector, the stack) would otherwise share lines with the next context's: every
** step, writing them, would take those lines from the other core (a scratch two-thread search
** whose contexts were laid out so ran 28% slower; docs/performance-log.md, *The thirteenth
** round*). */
static void *lines_alloc(size_t n, size_t size)
{
    return xcalloc_aligned(EXEC_LINE, (n ? n : 1) * size);
}

/* 'old' of 'old_n' entries of 'size' bytes grown to 'n', in lines of its own (lines_alloc). */
static void *lines_grow(void *old, size_t old_n, size_t n, size_t size)
{
    void *p = lines_alloc(n, size);
    if (old_n)
        memcpy(p, old, old_n * size);
    free(old);
    return p;
}

static void flatten_vars(ExecCtx *c)
{
    const Program *prog = c->prog;
    c->vars = lines_alloc(prog->n_vars, sizeof *c->vars);
    for (uint32_t i = 0; i < prog->n_vars; i++) {
        const Var *v = &prog->vars[i];
        c->vars[i] = (VarInfo){.bit_off = v->bit_off,
                               .size = v->size,
                               .lo = var_base(v),
                               .hi = v->hi,
                               .bits = v->bits,
                               .has_range = v->has_range,
                               .is_local = v->scope == VAR_LOCAL};
    }
}

static void loop_table_alloc(ExecCtx *c, uint32_t cap)
{
    size_t vec_len = c->size ? c->size : 1;
    c->seen = lines_grow(c->seen, c->seen_cap, cap, sizeof *c->seen);
    c->seen_vecs = lines_grow(c->seen_vecs, c->seen_cap, cap, vec_len);
    c->seen_cap = cap;
    free(c->tab_ent);
    free(c->tab_gen);
    c->tab_cap = 2 * cap;
    c->tab_ent = lines_alloc(c->tab_cap, sizeof *c->tab_ent);
    c->tab_gen = lines_alloc(c->tab_cap, sizeof *c->tab_gen);
    c->gen = 1;
}

/* Every buffer the hot path touches is allocated here, once: the scratch vector, a value stack
** as deep as the compiler says any code needs (prog->stack_max, plus slack for RET's read of the
** top), the quantifier slots, one sleeper slot per thread, and first-size fork and loop tables. */
ExecCtx *exec_new(const Program *prog)
{
    ExecCtx *c = lines_alloc(1, sizeof *c);
    c->prog = prog;
    c->size = prog->state_size;
    flatten_vars(c);
    c->vec = lines_alloc(c->size, 1);
    c->stack = lines_alloc((size_t)prog->stack_max + 2, sizeof *c->stack);
    c->slots = lines_alloc((size_t)prog->n_slots + 2, sizeof *c->slots);
    c->sleepers = lines_alloc(prog->n_threads, sizeof *c->sleepers);
    c->forks_cap = FORK_CAP;
    c->forks = lines_alloc(c->forks_cap, sizeof *c->forks);
    loop_table_alloc(c, LOOP_CAP);
    c->is_bounded = prog->is_bounded;
    c->prev_vec = lines_alloc(c->size, 1);
    c->prev_tid = STATE_NO_THREAD;
    return c;
}

void exec_free(ExecCtx *c)
{
    if (!c)
        return;
    free(c->vars);
    free(c->vec);
    free(c->stack);
    free(c->slots);
    free(c->sleepers);
    free(c->forks);
    free(c->seen);
    free(c->seen_vecs);
    free(c->tab_ent);
    free(c->tab_gen);
    free(c->cover);
    free(c->cover_at);
    free(c->prev_vec);
    free(c);
}

/* ---- runtime errors ---- */

static RunResult fail(ExecCtx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Record a runtime error message; the caller sets fail_pc. */
static RunResult fail(ExecCtx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->msg, sizeof c->msg, fmt, ap);
    va_end(ap);
    return RUN_ERROR;
}

/* The thread's name as reports show it ("worker[1]"). Property code never locks or waits, so
** the fallback only keeps a compiler bug from crashing. */
static const char *thread_name(const ExecCtx *c, int32_t tid)
{
    return tid >= 0 ? c->prog->threads[tid].name : "a property";
}

/* ---- variable access ----
**
** Indices are checked before any access (a negative index is reported as written), ranges only
** on writes: DESIGN.md section 6 says reads are not range-checked, and a narrow field cannot hold
** an out-of-range value anyway. Width and range base come from the flattened VarInfo so the hot
** loads touch one 20-byte record instead of a Var with names and initialisers. Fields are bit
** fields (state.h): a load is one unaligned 64-bit read, a shift and a mask.
*/

/* Bit offset of element i of variable v for thread tid (no bounds check). */
static inline uint32_t var_bit(const ExecCtx *c, const VarInfo *v, int32_t tid, uint32_t i)
{
    uint32_t bit = v->bit_off + i * v->bits;
    if (v->is_local) {
        assert(tid >= 0 && "a local read outside thread code");
        bit += c->prog->threads[tid].bit_base;
    }
    return bit;
}

/* Element i of variable v for thread tid (no bounds check). */
static inline int32_t var_load(const ExecCtx *c, const VarInfo *v, int32_t tid, uint32_t i)
{
    return field_decode(bits_get(c->vec, c->size, var_bit(c, v, tid, i), v->bits), v->lo);
}

/* Check index i of array 'var'; false (with the message) when out of bounds. */
static inline bool index_ok(ExecCtx *c, uint32_t var, int32_t i)
{
    if (i >= 0 && (uint32_t)i < c->vars[var].size)
        return true;
    fail(c, "index %d out of bounds for '%s' (size %u)", i, c->prog->vars[var].name,
         c->vars[var].size);
    return false;
}

/* Check thread index t of template 'tmpl'; false (with the message) when out of bounds. */
static bool instance_ok(ExecCtx *c, uint32_t tmpl, int32_t t)
{
    const Template *tp = &c->prog->templates[tmpl];
    if (t >= 0 && (uint32_t)t < tp->count)
        return true;
    fail(c, "thread index %d out of bounds for '%s' (count %u)", t, tp->name, tp->count);
    return false;
}

/* Write x to element i of 'var' for thread tid; false (with the message) when out of range. */
static inline bool var_store(ExecCtx *c, uint32_t var, int32_t tid, uint32_t i, int32_t x)
{
    const VarInfo *v = &c->vars[var];
    if (v->has_range && (x < v->lo || x > v->hi)) {
        fail(c, "value %d out of range %d..%d for '%s'", x, v->lo, v->hi, c->prog->vars[var].name);
        return false;
    }
    bits_set(c->vec, c->size, var_bit(c, v, tid, i), v->bits, field_encode(x, v->lo));
    return true;
}

/* --reduce dead: set the locals of thread tid dead at its new position 'pos' to their initial
** values (dead.h), so that states differing only in them are one. */
static void reset_dead(ExecCtx *c, int32_t tid, uint32_t pos)
{
    const Thread *th = &c->prog->threads[tid];
    const Template *t = &c->prog->templates[th->tmpl];
    for (uint32_t k = t->dead_first[pos]; k < t->dead_first[pos + 1]; k++) {
        uint32_t var = t->dead_vars[k];
        const VarInfo *v = &c->vars[var];
        const int32_t *init = c->prog->vars[var].init + (size_t)th->index * v->size;
        for (uint32_t i = 0; i < v->size; i++)
            bits_set(c->vec, c->size, var_bit(c, v, tid, i), v->bits, field_encode(init[i], v->lo));
    }
}

/* The position of instance t of template tmpl. */
static inline uint32_t instance_pos(const ExecCtx *c, uint32_t tmpl, uint32_t t)
{
    const Template *tp = &c->prog->templates[tmpl];
    return state_pos(c->prog, c->vec, tp->first_tid + t);
}

/* ---- mutexes and queues ----
**
** A mutex's owner field is 0 when free, else thread index + 1, so a try-lock or a lock of a
** mutex the caller holds itself sees "held" and fails or blocks: mutexes are not reentrant.
** A queue keeps its elements oldest first from slot 0; slots at and past the length are free: all
** their bits zero, whatever the range.
*/

static inline uint32_t mutex_owner(const ExecCtx *c, uint32_t m)
{
    return state_mutex_owner(c->prog, c->vec, m);
}

static inline void mutex_set(ExecCtx *c, uint32_t m, uint32_t owner)
{
    state_set_mutex_owner(c->prog, c->vec, m, owner);
}

static inline uint32_t queue_len(const ExecCtx *c, uint32_t q)
{
    return state_queue_len(c->prog, c->vec, q);
}

/* Append x; the caller checked there is room. False (with the message) when x is outside the
** queue's declared range: like a write to a ranged variable, checked only when the put appends. */
static bool queue_put(ExecCtx *c, uint32_t q, int32_t x)
{
    const Queue *qu = &c->prog->queues[q];
    if (qu->has_range && (x < qu->lo || x > qu->hi)) {
        fail(c, "value %d out of range %d..%d for queue '%s'", x, qu->lo, qu->hi, qu->name);
        return false;
    }
    uint32_t len = queue_len(c, q);
    state_set_queue_elem(c->prog, c->vec, q, len, x);
    state_set_queue_len(c->prog, c->vec, q, len + 1);
    return true;
}

/* Remove and return the oldest element; the caller checked the queue is not empty. The freed
** slot is cleared (raw zero, not the value 0, which a range may not even hold) so that equal
** queues have equal bytes. Slots are fields of up to 32 bits at any bit offset, so they move one
** by one (queues are short). */
static int32_t queue_get(ExecCtx *c, uint32_t q)
{
    uint32_t len = queue_len(c, q);
    int32_t x = state_queue_elem(c->prog, c->vec, q, 0);
    for (uint32_t i = 1; i < len; i++)
        state_set_queue_elem(c->prog, c->vec, q, i - 1, state_queue_elem(c->prog, c->vec, q, i));
    state_clear_queue_elem(c->prog, c->vec, q, len - 1);
    state_set_queue_len(c->prog, c->vec, q, len - 1);
    return x;
}

/* ---- forks, signals, loop checks ----
**
** The choice list is an odometer: forks[d] is the branch taken at the d-th choice point of the
** run with two or more branches. A run replays the recorded digits and appends a 0 at each new
** choice point; after the run, fork_advance() drops exhausted trailing digits and bumps the last
** one. A choice point with one branch (a signal with one or no sleeper, 'choose' of one block)
** records nothing, so only real branching costs a re-run.
*/

/* The branch to take at a choice point with 'arity' branches: replayed from the recorded list,
** or a new digit starting at 0. */
static uint32_t fork_pick(ExecCtx *c, uint32_t arity)
{
    if (arity < 2)
        return 0;
    uint32_t d = c->fork_depth++;
    if (d < c->n_forks)
        return c->forks[d].pick;
    assert(d == c->n_forks && "a replayed run met fewer choices than recorded");
    if (c->n_forks == c->forks_cap) {
        c->forks = lines_grow(c->forks, c->forks_cap, 2 * (size_t)c->forks_cap, sizeof *c->forks);
        c->forks_cap *= 2;
    }
    c->forks[c->n_forks++] = (Fork){.pick = 0, .arity = arity};
    return 0;
}

/* Advance the choice list to the next path, depth first; false when every path was run. */
static bool fork_advance(ExecCtx *c)
{
    while (c->n_forks > 0 && c->forks[c->n_forks - 1].pick + 1 == c->forks[c->n_forks - 1].arity)
        c->n_forks--;
    if (c->n_forks == 0)
        return false;
    c->forks[c->n_forks - 1].pick++;
    return true;
}

/* Collect the threads asleep on cond 'cv' (a POS_SLEEP position for it), by thread index. */
static uint32_t find_sleepers(ExecCtx *c, int32_t cv)
{
    const Program *prog = c->prog;
    uint32_t n = 0;
    for (uint32_t t = 0; t < prog->n_threads; t++) {
        const Pos *p = &prog->templates[prog->threads[t].tmpl].pos[state_pos(prog, c->vec, t)];
        if (p->kind == POS_SLEEP && p->cond == cv)
            c->sleepers[n++] = t;
    }
    return n;
}

/* Move sleeping thread t to the re-lock position its sleep position names. */
static void wake(ExecCtx *c, uint32_t t)
{
    const Program *prog = c->prog;
    const Pos *p = &prog->templates[prog->threads[t].tmpl].pos[state_pos(prog, c->vec, t)];
    state_set_pos(prog, c->vec, t, p->wake);
}

/* Record that loop head 'pc' was reached with the current vector; true if this exact
** configuration (same address, same bytes) was already reached in this run. */
static bool loop_repeats(ExecCtx *c, uint32_t pc)
{
    uint64_t h = state_hash(c->vec, c->size) ^ ((uint64_t)pc * 0x9e3779b97f4a7c15u);
    uint32_t mask = c->tab_cap - 1;
    uint32_t slot = (uint32_t)h & mask;
    for (; c->tab_gen[slot] == c->gen; slot = (slot + 1) & mask) {
        uint32_t e = c->tab_ent[slot] - 1;
        if (c->seen[e].hash == h && c->seen[e].pc == pc &&
            memcmp(c->seen_vecs + (size_t)e * c->size, c->vec, c->size) == 0)
            return true;
    }
    if (c->n_seen == c->seen_cap) {
        /* Grow, then re-index what this run has seen (rare: a long atomic loop). */
        uint32_t n = c->n_seen;
        loop_table_alloc(c, 2 * c->seen_cap);
        c->n_seen = 0;
        for (uint32_t e = 0; e < n; e++) {
            uint32_t s = (uint32_t)c->seen[e].hash & (c->tab_cap - 1);
            while (c->tab_gen[s] == c->gen)
                s = (s + 1) & (c->tab_cap - 1);
            c->tab_gen[s] = c->gen;
            c->tab_ent[s] = ++c->n_seen;
        }
        mask = c->tab_cap - 1;
        for (slot = (uint32_t)h & mask; c->tab_gen[slot] == c->gen; slot = (slot + 1) & mask)
            ;
    }
    uint32_t e = c->n_seen++;
    c->seen[e] = (LoopSeen){.hash = h, .pc = pc};
    memcpy(c->seen_vecs + (size_t)e * c->size, c->vec, c->size);
    c->tab_gen[slot] = c->gen;
    c->tab_ent[slot] = e + 1;
    return false;
}

/* Forget the loop heads of the previous run: bumping the generation empties the index in O(1),
** so a step without loops pays one test here. */
static void loop_reset(ExecCtx *c)
{
    if (c->n_seen == 0)
        return;
    c->n_seen = 0;
    if (++c->gen == 0) { /* wrapped: stale stamps could look current */
        memset(c->tab_gen, 0, (size_t)c->tab_cap * sizeof *c->tab_gen);
        c->gen = 1;
    }
}

/* ---- arithmetic ----
**
** C's int32 arithmetic with every undefined case made a runtime error: the __builtin_*_overflow
** forms for + - *, and for / and % a zero divisor and INT_MIN by -1 (whose quotient, 2^31, does
** not fit; C leaves INT_MIN % -1 undefined too, so it is an overflow here as well). C99's
** truncating division gives '%' the sign of the dividend, as DESIGN.md asks.
*/

/* Apply binary operator 'op' to x and y into *r; RUN_ERROR (message set) on overflow or a
** zero divisor, else RUN_END. */
static RunResult arith(ExecCtx *c, uint8_t op, int32_t x, int32_t y, int32_t *r)
{
    bool is_over = false;
    switch (op) {
    case OP_ADD:
        is_over = __builtin_add_overflow(x, y, r);
        break;
    case OP_SUB:
        is_over = __builtin_sub_overflow(x, y, r);
        break;
    case OP_MUL:
        is_over = __builtin_mul_overflow(x, y, r);
        break;
    case OP_DIV:
    case OP_MOD:
        if (y == 0)
            return fail(c, op == OP_DIV ? "division by zero" : "modulo by zero");
        if (x == INT32_MIN && y == -1)
            is_over = true;
        else
            *r = op == OP_DIV ? x / y : x % y;
        break;
    default:
        assert(0 && "not an arithmetic opcode");
    }
    return is_over ? fail(c, "integer overflow") : RUN_END;
}

/* ---- the interpreter ----
**
** One loop over one code array with a switch per instruction, as Lua's VM. 'sp' points at the
** next free stack entry, so sp[-1] is the top; an expression leaves exactly one value, a
** statement none. A case that fails records fail_pc (whose code_line the outcome reports) and
** the message, and returns at once: the scratch vector is then garbage, and no outcome shows it.
*/

/* Blocking: before GUARD_END the path is not enabled; after it, a runtime error. */
#define BLOCK()                                                            \
    do {                                                                   \
        if (!c->is_guarded)                                                \
            return RUN_BLOCKED;                                            \
        c->fail_pc = pc;                                                   \
        return fail(c, "'atomic' block blocks after its first statement"); \
    } while (0)

/* A failing check: record where and stop. */
#define FAIL_IF(cond)         \
    do {                      \
        if (cond) {           \
            c->fail_pc = pc;  \
            return RUN_ERROR; \
        }                     \
    } while (0)

/* Run 'code' from 'pc' on c->vec for thread tid (NO_THREAD for property code). Thread code
** ends at END_STEP (RUN_END, position set); property code at RET, its value in *ret. */
static RunResult run(ExecCtx *c, const Ins *code, uint32_t pc, int32_t tid, int32_t *ret)
{
    const Program *prog = c->prog;
    int32_t *sp = c->stack; /* next free entry */
    int32_t x, y, t, i;
    for (;;) {
        const Ins *in = &code[pc];
        switch ((Opcode)in->op) {
        /* -- expressions: operands index Program.vars, .templates, .mutexes, .queues -- */
        case OP_PUSH:
            *sp++ = in->a;
            break;
        case OP_POP:
            sp--;
            break;
        case OP_SWAP:
            x = sp[-1];
            sp[-1] = sp[-2];
            sp[-2] = x;
            break;
        case OP_ID:
            assert(tid >= 0 && "'id' outside thread code");
            *sp++ = (int32_t)prog->threads[tid].index;
            break;
        case OP_LOAD_G:
        case OP_LOAD_L: {
            const VarInfo *v = &c->vars[in->a];
            *sp++ = var_load(c, v, tid, 0);
            break;
        }
        case OP_LOAD_GA:
        case OP_LOAD_LA: {
            const VarInfo *v = &c->vars[in->a];
            i = sp[-1];
            FAIL_IF(!index_ok(c, (uint32_t)in->a, i));
            sp[-1] = var_load(c, v, tid, (uint32_t)i);
            break;
        }
        case OP_LOAD_TL:
        case OP_LOAD_TLA: {
            /* another thread's local (properties): the instance is checked before the index,
            ** the order in which the expression 'worker[t].buf[i]' names them */
            const VarInfo *v = &c->vars[in->a];
            i = 0;
            if (in->op == OP_LOAD_TLA) {
                i = *--sp;
            }
            t = sp[-1];
            FAIL_IF(!instance_ok(c, (uint32_t)in->b, t));
            FAIL_IF(in->op == OP_LOAD_TLA && !index_ok(c, (uint32_t)in->a, i));
            uint32_t other = prog->templates[in->b].first_tid + (uint32_t)t;
            sp[-1] = var_load(c, v, (int32_t)other, (uint32_t)i);
            break;
        }
        case OP_LEN:
            *sp++ = (int32_t)queue_len(c, (uint32_t)in->a);
            break;
        case OP_HELD:
            *sp++ = mutex_owner(c, (uint32_t)in->a) != 0;
            break;
        case OP_AT:
            t = sp[-1];
            FAIL_IF(!instance_ok(c, (uint32_t)in->a, t));
            sp[-1] = prog->templates[in->a]
                         .label_at[in->b][instance_pos(c, (uint32_t)in->a, (uint32_t)t)] != 0;
            break;
        case OP_COUNT: {
            /* The invariant 'count(worker@write) <= 1' runs this on every new state: the
            ** template's fields are read once, not once per instance. */
            const Template *tp = &prog->templates[in->a];
            const Thread *th = &prog->threads[tp->first_tid];
            const uint8_t *at = tp->label_at[in->b];
            uint32_t n_bits = tp->pc_bits;
            int32_t n = 0;
            for (uint32_t k = 0; k < tp->count; k++)
                n += at[bits_get(c->vec, c->size, th[k].bit_base, n_bits)] != 0;
            *sp++ = n;
            break;
        }
        case OP_DONE:
            t = sp[-1];
            FAIL_IF(!instance_ok(c, (uint32_t)in->a, t));
            sp[-1] =
                instance_pos(c, (uint32_t)in->a, (uint32_t)t) == prog->templates[in->a].n_pos - 1;
            break;
        case OP_NEG:
            if (sp[-1] == INT32_MIN) {
                c->fail_pc = pc;
                return fail(c, "integer overflow");
            }
            sp[-1] = -sp[-1];
            break;
        case OP_NOT:
            sp[-1] = !sp[-1];
            break;
        case OP_BOOL:
            sp[-1] = sp[-1] != 0;
            break;
        case OP_ADD:
        case OP_SUB:
        case OP_MUL:
        case OP_DIV:
        case OP_MOD:
            y = *--sp;
            FAIL_IF(arith(c, in->op, sp[-1], y, &sp[-1]) != RUN_END);
            break;
        case OP_LT:
            y = *--sp;
            sp[-1] = sp[-1] < y;
            break;
        case OP_LE:
            y = *--sp;
            sp[-1] = sp[-1] <= y;
            break;
        case OP_GT:
            y = *--sp;
            sp[-1] = sp[-1] > y;
            break;
        case OP_GE:
            y = *--sp;
            sp[-1] = sp[-1] >= y;
            break;
        case OP_EQ:
            y = *--sp;
            sp[-1] = sp[-1] == y;
            break;
        case OP_NE:
            y = *--sp;
            sp[-1] = sp[-1] != y;
            break;
        /* -- control -- */
        case OP_JMP:
            pc = (uint32_t)in->a;
            continue;
        case OP_JZ:
            if (*--sp == 0) {
                pc = (uint32_t)in->a;
                continue;
            }
            break;
        case OP_JNZ:
            if (*--sp != 0) {
                pc = (uint32_t)in->a;
                continue;
            }
            break;
        case OP_JZ_OR_POP:
            if (sp[-1] == 0) {
                pc = (uint32_t)in->a;
                continue;
            }
            sp--;
            break;
        case OP_JNZ_OR_POP:
            if (sp[-1] != 0) {
                sp[-1] = 1;
                pc = (uint32_t)in->a;
                continue;
            }
            sp--;
            break;
        case OP_QBEGIN:
            y = *--sp;
            x = *--sp;
            c->slots[in->a] = x;
            c->slots[in->a + 1] = y;
            if (x > y) {
                pc = (uint32_t)in->b;
                continue;
            }
            break;
        case OP_QNEXT:
            if (c->slots[in->a] < c->slots[in->a + 1]) {
                c->slots[in->a]++;
                pc = (uint32_t)in->b;
                continue;
            }
            break;
        case OP_QLOAD:
            *sp++ = c->slots[in->a];
            break;
        case OP_RET:
            *ret = sp[-1];
            return RUN_END;
        /* -- statements: they write only the scratch vector -- */
        case OP_STORE_G:
        case OP_STORE_L:
            x = *--sp;
            FAIL_IF(!var_store(c, (uint32_t)in->a, tid, 0, x));
            break;
        case OP_STORE_GA:
        case OP_STORE_LA:
            x = *--sp;
            i = *--sp;
            FAIL_IF(!index_ok(c, (uint32_t)in->a, i));
            FAIL_IF(!var_store(c, (uint32_t)in->a, tid, (uint32_t)i, x));
            break;
        case OP_ASSERT:
            if (*--sp == 0) {
                c->fail_pc = pc;
                snprintf(c->msg, sizeof c->msg, "assertion failed");
                return RUN_ASSERT;
            }
            break;
        case OP_AWAIT:
            if (*--sp == 0)
                BLOCK();
            break;
        case OP_LOCK:
            if (mutex_owner(c, (uint32_t)in->a) != 0)
                BLOCK();
            mutex_set(c, (uint32_t)in->a, (uint32_t)tid + 1);
            break;
        case OP_TRYLOCK:
            x = mutex_owner(c, (uint32_t)in->a) == 0;
            if (x)
                mutex_set(c, (uint32_t)in->a, (uint32_t)tid + 1);
            *sp++ = x;
            break;
        case OP_UNLOCK:
            if (mutex_owner(c, (uint32_t)in->a) != (uint32_t)tid + 1) {
                c->fail_pc = pc;
                return fail(c, "'%s' unlocked by %s, which does not hold it",
                            prog->mutexes[in->a].name, thread_name(c, tid));
            }
            mutex_set(c, (uint32_t)in->a, 0);
            break;
        case OP_WAIT:
            if (mutex_owner(c, (uint32_t)in->b) != (uint32_t)tid + 1) {
                c->fail_pc = pc;
                return fail(c, "wait on '%s' by %s, which does not hold '%s'",
                            prog->conds[in->a].name, thread_name(c, tid),
                            prog->mutexes[in->b].name);
            }
            mutex_set(c, (uint32_t)in->b, 0);
            break;
        case OP_SLEEP:
            BLOCK();
        case OP_SIGNAL: {
            /* one branch per sleeper, by thread index; no sleeper: the signal is lost */
            uint32_t n = find_sleepers(c, in->a);
            if (n > 0)
                wake(c, c->sleepers[fork_pick(c, n)]);
            break;
        }
        case OP_BROADCAST: {
            uint32_t n = find_sleepers(c, in->a);
            for (uint32_t k = 0; k < n; k++)
                wake(c, c->sleepers[k]);
            break;
        }
        case OP_PUT:
            if (queue_len(c, (uint32_t)in->a) == prog->queues[in->a].cap)
                BLOCK();
            x = *--sp;
            FAIL_IF(!queue_put(c, (uint32_t)in->a, x));
            break;
        case OP_PUT_TRY:
            x = *--sp;
            y = queue_len(c, (uint32_t)in->a) < prog->queues[in->a].cap;
            FAIL_IF(y && !queue_put(c, (uint32_t)in->a, x));
            *sp++ = y;
            break;
        case OP_GET:
            if (queue_len(c, (uint32_t)in->a) == 0)
                BLOCK();
            *sp++ = queue_get(c, (uint32_t)in->a);
            break;
        case OP_GET_TRY:
            if (queue_len(c, (uint32_t)in->a) == 0) {
                *sp++ = 0;
                break;
            }
            *sp++ = queue_get(c, (uint32_t)in->a);
            *sp++ = 1;
            break;
        case OP_CHOOSE:
            /* branch k is the JMP at pc + 1 + k */
            pc = pc + 1 + fork_pick(c, (uint32_t)in->a);
            continue;
        case OP_GUARD_END:
            c->is_guarded = true;
            break;
        case OP_LOOP_CHECK:
            if (loop_repeats(c, pc)) {
                c->fail_pc = pc;
                return fail(c, "'atomic' block loops forever");
            }
            break;
        case OP_END_STEP:
            state_set_pos(prog, c->vec, (uint32_t)tid, (uint32_t)in->a);
            if (in->b && !c->is_dead_kept) /* dead_reduce: locals dead at the position */
                reset_dead(c, tid, (uint32_t)in->a);
            return RUN_END;
        case OP_HALT:
        default:
            assert(0 && "HALT or an unknown opcode reached by the executor");
            return RUN_END;
        }
        pc++;
    }
}

/* ---- steps ----
**
** A path that blocks before GUARD_END has no outcome and takes no number k; with the code shapes
** of program.h that can only be the first and only path (forks come after a guard), so a
** blocked step reports EXEC_STEP_BLOCKED and nothing else. A failing path is an outcome like
** any other: it is numbered, and it makes the step enabled.
*/

/* True if a step whose first instruction is 'in0' blocks at once from 'vec': a lock of a held
** mutex, a sleep, a blocking get from an empty queue. run() would block there too, before any
** choice, so the step has no outcome; deciding it here saves the copy and the run. Threads
** waiting for a lock or asleep are most of the steps tried in a model with locks. */
static bool blocks_at_once(const ExecCtx *c, const uint8_t *vec, const Ins *in0)
{
    switch ((Opcode)in0->op) {
    case OP_LOCK:
        return state_mutex_owner(c->prog, vec, (uint32_t)in0->a) != 0;
    case OP_SLEEP:
        return true;
    case OP_GET:
        return state_queue_len(c->prog, vec, (uint32_t)in0->a) == 0;
    default:
        return false;
    }
}

/* Run every outcome of thread tid's step from 'in', in order, calling emit for each (emit may
** be NULL); stop after outcome 'last' when it is not UINT32_MAX. Returns the outcomes emitted
** in *n_out. The model's own step: the preemption bound is drive()'s. */
static ExecStepResult drive_step(ExecCtx *c, const uint8_t *in, uint32_t tid, uint32_t last,
                                 ExecEmit emit, void *emit_ctx, uint32_t *n_out)
{
    const Program *prog = c->prog;
    const Thread *th = &prog->threads[tid];
    const Template *tp = &prog->templates[th->tmpl];
    uint32_t pos = state_pos(prog, in, tid);
    uint32_t pc0 = tp->pos[pos].code;
    uint32_t k = 0;
    uint8_t *mark = c->cover ? &c->cover[c->cover_at[th->tmpl] + pos] : NULL;
    *n_out = 0;
    /* written only when it changes: the workers' marks are apart (lines_alloc), and a line
    ** written at every step would still be a store in the hot loop */
    if (mark && !(*mark & EXEC_COVER_AT))
        *mark |= EXEC_COVER_AT;
    if (tp->code[pc0].op == OP_HALT)
        return EXEC_STEP_FINISHED;
    if (blocks_at_once(c, in, &tp->code[pc0]))
        return EXEC_STEP_BLOCKED;
    c->n_forks = 0;
    do {
        state_copy(c->vec, in, c->size);
        c->fork_depth = 0;
        c->is_guarded = false;
        loop_reset(c);
        RunResult r = run(c, tp->code, pc0, (int32_t)tid, NULL);
        if (r == RUN_BLOCKED)
            continue; /* this path is not enabled: no outcome */
        ExecOutcome out = {.k = k};
        if (r == RUN_END) {
            out.status = EXEC_OK;
            out.vec = c->vec;
        } else {
            out.status = r == RUN_ASSERT ? EXEC_ASSERT_FAILED : EXEC_RUNTIME_ERROR;
            out.line = tp->code_line[c->fail_pc];
            out.message = c->msg;
        }
        if (emit)
            emit(emit_ctx, tid, &out);
        if (k++ == last)
            break;
    } while (fork_advance(c));
    *n_out = k;
    if (mark && k > 0 && !(*mark & EXEC_COVER_RAN))
        *mark |= EXEC_COVER_RAN;
    return k > 0 ? EXEC_STEP_RAN : EXEC_STEP_BLOCKED;
}

/* ---- the preemption bound ----
**
** In a bounded program (Program.is_bounded) a state also holds the thread that took the step
** into it and the preemptions its schedule took. A step of another thread while that one could
** have gone on (it has not finished and its step is enabled, as trace.c counts preemptions)
** is a preemption: it is held back once the schedule has taken max_preemptions, and otherwise
** counted into the successor. The last thread's own step is never held back, so the bound
** makes no deadlock. */

/* drive_step() of thread tid from 'in' up to its first outcome, to learn whether it can move,
** marking no coverage: the bound only asks, the step does not run in the search. */
static ExecStepResult step_probe(ExecCtx *c, const uint8_t *in, uint32_t tid)
{
    uint8_t *cover = c->cover;
    uint32_t n;
    c->cover = NULL;
    ExecStepResult r = drive_step(c, in, tid, 0, NULL, NULL, &n);
    c->cover = cover;
    return r;
}

/* True if thread 'prev''s step from 'in' is enabled (the model's own step). The threads of one
** state ask in turn about the same one, so the answer for the last state asked about is kept. */
static bool prev_is_enabled(ExecCtx *c, const uint8_t *in, uint32_t prev)
{
    if (c->prev_tid == prev && state_equal(c->prev_vec, in, c->size))
        return c->is_prev_on;
    c->is_prev_on = step_probe(c, in, prev) == EXEC_STEP_RAN;
    state_copy(c->prev_vec, in, c->size);
    c->prev_tid = prev;
    return c->is_prev_on;
}

/* What a bounded step's outcomes carry into their successors. */
typedef struct Bound {
    ExecCtx *c;
    ExecEmit emit;      /* the caller's callback, or NULL */
    void *emit_ctx;     /* its context */
    uint32_t n_preempt; /* the successors' preemptions */
} Bound;

static void bound_emit(void *ctx, uint32_t tid, const ExecOutcome *o)
{
    Bound *b = ctx;
    if (o->status == EXEC_OK) /* o->vec is the context's scratch vector */
        state_set_bound(b->c->prog, b->c->vec, tid, b->n_preempt);
    if (b->emit)
        b->emit(b->emit_ctx, tid, o);
}

/* drive_step() within the preemption bound of a bounded program: a step held back has no
** outcome (EXEC_STEP_BLOCKED), and is counted in n_held if the model's step was enabled. */
static ExecStepResult drive_bounded(ExecCtx *c, const uint8_t *in, uint32_t tid, uint32_t last,
                                    ExecEmit emit, void *emit_ctx, uint32_t *n_out)
{
    const Program *prog = c->prog;
    uint32_t prev = state_last_thread(prog, in), n_preempt = state_preemptions(prog, in);
    if (prev != STATE_NO_THREAD && prev != tid && !state_thread_done(prog, in, prev) &&
        prev_is_enabled(c, in, prev)) {
        if (n_preempt == prog->max_preemptions) {
            ExecStepResult r = step_probe(c, in, tid);
            c->n_held += r == EXEC_STEP_RAN;
            if (c->cover) /* the thread was there; its step did not run */
                c->cover[c->cover_at[prog->threads[tid].tmpl] + state_pos(prog, in, tid)] |=
                    EXEC_COVER_AT;
            *n_out = 0;
            return r == EXEC_STEP_RAN ? EXEC_STEP_BLOCKED : r;
        }
        n_preempt++;
    }
    Bound b = {c, emit, emit_ctx, n_preempt};
    return drive_step(c, in, tid, last, bound_emit, &b, n_out);
}

/* A step as the program allows it: the model's own, or within the preemption bound. A test of
** a flag in the context, so that the search's steps of an unbounded program cost one call, as
** before the bound (a wrapper that read the Program made -j 1 up to 10% slower). */
static inline ExecStepResult drive(ExecCtx *c, const uint8_t *in, uint32_t tid, uint32_t last,
                                   ExecEmit emit, void *emit_ctx, uint32_t *n_out)
{
    if (__builtin_expect(c->is_bounded, 0))
        return drive_bounded(c, in, tid, last, emit, emit_ctx, n_out);
    return drive_step(c, in, tid, last, emit, emit_ctx, n_out);
}

void exec_keep_dead(ExecCtx *c, bool keep)
{
    c->is_dead_kept = keep;
}

uint64_t exec_held(const ExecCtx *c)
{
    return c->n_held;
}

size_t exec_cover_index(const Program *prog, uint32_t tmpl, uint32_t pos)
{
    size_t n = 0;
    for (uint32_t t = 0; t < tmpl; t++)
        n += prog->templates[t].n_pos;
    return n + pos;
}

size_t exec_cover_len(const Program *prog)
{
    return exec_cover_index(prog, prog->n_templates, 0);
}

void exec_cover_start(ExecCtx *c)
{
    const Program *prog = c->prog;
    if (c->cover)
        return;
    c->cover_at = lines_alloc(prog->n_templates + 1, sizeof *c->cover_at);
    uint32_t at = 0;
    for (uint32_t t = 0; t < prog->n_templates; t++) {
        c->cover_at[t] = at;
        at += prog->templates[t].n_pos;
    }
    c->cover = lines_alloc((size_t)at + 1, 1); /* not on another worker's lines */
}

void exec_cover_add(const ExecCtx *c, uint8_t *into)
{
    if (!c->cover)
        return;
    size_t n = exec_cover_len(c->prog);
    for (size_t i = 0; i < n; i++)
        into[i] |= c->cover[i];
}

ExecStepResult exec_step(ExecCtx *c, const uint8_t *vec, uint32_t tid, ExecEmit emit,
                         void *emit_ctx)
{
    uint32_t n;
    return drive(c, vec, tid, UINT32_MAX, emit, emit_ctx, &n);
}

bool exec_enabled(ExecCtx *c, const uint8_t *vec, uint32_t tid)
{
    uint32_t n;
    return drive_step(c, vec, tid, 0, NULL, NULL, &n) == EXEC_STEP_RAN;
}

/* What exec_outcome() asks drive() to keep of the outcome it wants. */
typedef struct Pick {
    uint32_t k;        /* the outcome wanted */
    uint8_t *out;      /* where its vector goes */
    uint32_t size;     /* bytes of a vector */
    ExecStatus status; /* its status, once seen */
    uint32_t line;     /* failures: its line */
    const char *msg;   /* failures: its message */
    bool is_found;     /* outcome k was emitted */
} Pick;

static void pick_emit(void *ctx, uint32_t tid, const ExecOutcome *o)
{
    Pick *p = ctx;
    (void)tid;
    if (o->k != p->k)
        return;
    p->is_found = true;
    p->status = o->status;
    p->line = o->line;
    p->msg = o->message;
    if (o->status == EXEC_OK)
        memcpy(p->out, o->vec, p->size);
}

ExecStatus exec_outcome(ExecCtx *c, const uint8_t *vec, uint32_t tid, uint32_t k, uint8_t *out,
                        bool *exists_out, uint32_t *line_out, const char **msg_out)
{
    Pick p = {.k = k, .out = out, .size = c->size};
    uint32_t n;
    drive(c, vec, tid, k, pick_emit, &p, &n);
    *exists_out = p.is_found;
    *line_out = p.is_found ? p.line : 0;
    *msg_out = p.is_found ? p.msg : NULL;
    return p.is_found ? p.status : EXEC_OK;
}

/* What exec_find() looks for, and what it found. */
typedef struct Find {
    ExecMatch is_match; /* the caller's test of a successor */
    void *match_ctx;    /* its context */
    uint8_t *out;       /* where the first match goes */
    uint32_t size;      /* bytes of a vector */
    uint32_t k;         /* the first match's outcome index; EXEC_NO_OUTCOME: none yet */
} Find;

static void find_emit(void *ctx, uint32_t tid, const ExecOutcome *o)
{
    Find *f = ctx;
    (void)tid;
    if (f->k != EXEC_NO_OUTCOME || o->status != EXEC_OK || !f->is_match(f->match_ctx, o->vec))
        return;
    f->k = o->k;
    memcpy(f->out, o->vec, f->size);
}

uint32_t exec_find(ExecCtx *c, const uint8_t *vec, uint32_t tid, ExecMatch is_match,
                   void *match_ctx, uint8_t *out)
{
    Find f = {is_match, match_ctx, out, c->size, EXEC_NO_OUTCOME};
    uint32_t n;
    drive(c, vec, tid, UINT32_MAX, find_emit, &f, &n);
    return f.k;
}

uint32_t exec_count(ExecCtx *c, const uint8_t *vec, uint32_t tid)
{
    uint32_t n;
    drive(c, vec, tid, UINT32_MAX, NULL, NULL, &n);
    return n;
}

/* ---- properties ----
**
** Property code runs on a scratch copy too, so the interpreter needs no read-only variant; it
** has no running thread (NO_THREAD) and ends at RET. Only expression opcodes occur in it.
*/

/* Evaluate property code at 'code' on a copy of vec. */
static RunResult eval(ExecCtx *c, const uint8_t *vec, uint32_t code, int32_t *value_out)
{
    state_copy(c->vec, vec, c->size);
    c->is_guarded = false;
    *value_out = 0;
    return run(c, c->prog->prop_code, code, NO_THREAD, value_out);
}

PropResult exec_property(ExecCtx *c, const uint8_t *vec, uint32_t p, const char **msg_out)
{
    int32_t value;
    *msg_out = NULL;
    if (eval(c, vec, c->prog->props[p].code, &value) != RUN_END) {
        *msg_out = c->msg;
        return PROP_ERROR;
    }
    return value ? PROP_HOLDS : PROP_BROKEN;
}

bool exec_term(ExecCtx *c, const uint8_t *vec, uint32_t code, int32_t *value_out)
{
    return eval(c, vec, code, value_out) == RUN_END;
}
