/*
** check_exec.c -- the executor: opcode semantics, runtime errors, fork order, atomic blocks,
** properties, on Programs built by hand (progbuild) and compiled from model texts.
*/
#include <check.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "progbuild.h"
#include "state.h"
#include "store.h"
#include "suites_list.h"
#include "testmodel.h"

enum { MAX_GOT = 16, MAX_VEC = 512 };

/* The outcomes one exec_step reported, copied out of the callback. */
typedef struct Got {
    uint32_t n;                    /* outcomes */
    uint32_t tid[MAX_GOT];         /* the thread passed to emit */
    ExecStatus status[MAX_GOT];    /* their statuses */
    uint32_t k[MAX_GOT];           /* their indices */
    uint32_t line[MAX_GOT];        /* failures: line */
    char msg[MAX_GOT][128];        /* failures: message */
    uint8_t vec[MAX_GOT][MAX_VEC]; /* EXEC_OK: successor */
} Got;

static Program *P;         /* the program under test */
static ExecCtx *X;         /* its executor */
static uint8_t S[MAX_VEC]; /* its initial state */
static Got G;              /* outcomes of the last step() */

static void collect(void *ctx, uint32_t tid, const ExecOutcome *o)
{
    Got *g = ctx;
    ck_assert_uint_lt(g->n, MAX_GOT);
    uint32_t i = g->n++;
    g->tid[i] = tid;
    g->status[i] = o->status;
    g->k[i] = o->k;
    g->line[i] = o->line;
    g->msg[i][0] = 0;
    if (o->status == EXEC_OK) {
        ck_assert_ptr_nonnull(o->vec);
        memcpy(g->vec[i], o->vec, P->state_size);
    } else {
        ck_assert_ptr_nonnull(o->message);
        snprintf(g->msg[i], sizeof g->msg[i], "%s", o->message);
    }
}

static void setup(void)
{
    P = pb_new();
    X = NULL;
    memset(&G, 0, sizeof G);
}

static bool is_compiled; /* P came from compile_model: free it with prog_free */

static void teardown(void)
{
    exec_free(X);
    if (is_compiled)
        prog_free(P);
    else
        pb_free(P);
    is_compiled = false;
    P = NULL;
    X = NULL;
}

/* Finish the program, build its initial state in S and an executor. */
static void go(void)
{
    pb_finish(P);
    ck_assert_uint_le(P->state_size, MAX_VEC);
    pb_initial(P, S);
    X = exec_new(P);
}

/* Run thread tid's step from 'vec', collecting the outcomes in G; the input must not change. */
static ExecStepResult step_from(const uint8_t *vec, uint32_t tid)
{
    uint8_t before[MAX_VEC];
    memcpy(before, vec, P->state_size);
    memset(&G, 0, sizeof G);
    ExecStepResult r = exec_step(X, vec, tid, collect, &G);
    ck_assert_mem_eq(before, vec, P->state_size);
    for (uint32_t i = 0; i < G.n; i++) {
        ck_assert_uint_eq(G.k[i], i);
        ck_assert_uint_eq(G.tid[i], tid);
    }
    ck_assert_int_eq(r == EXEC_STEP_RAN, G.n > 0);
    ck_assert_int_eq(exec_enabled(X, vec, tid), r == EXEC_STEP_RAN);
    return r;
}

static ExecStepResult step(uint32_t tid)
{
    return step_from(S, tid);
}

/* Value of variable var (thread tid's when local), element i, in outcome o. */
static int32_t val(uint32_t o, uint32_t var, uint32_t tid, uint32_t i)
{
    return state_var_get(P, G.vec[o], var, tid, i);
}

static uint32_t pos(uint32_t o, uint32_t tid)
{
    return state_pos(P, G.vec[o], tid);
}

/* Expect exactly one failing outcome with this status, line and message. */
static void expect_failure(ExecStatus status, uint32_t line, const char *msg)
{
    ck_assert_uint_eq(G.n, 1);
    ck_assert_int_eq(G.status[0], status);
    ck_assert_uint_eq(G.line[0], line);
    ck_assert_str_eq(G.msg[0], msg);
}

/* A one-thread program "t" whose only step is 'code' (ending with END_STEP 1) then HALT; the
** instructions get lines 10, 11, ... . */
static uint32_t one_step(uint32_t tmpl, const Ins *code, uint32_t n)
{
    uint32_t start = P->templates[tmpl].n_code;
    for (uint32_t i = 0; i < n; i++)
        pb_ins(P, tmpl, code[i].op, code[i].a, code[i].b, 10 + i);
    return start;
}

#define INS(op, a, b)     \
    {                     \
        OP_##op, (a), (b) \
    }
#define ONE_STEP(tmpl, ...)                                                   \
    do {                                                                      \
        const Ins code_[] = {__VA_ARGS__};                                    \
        uint32_t at_ = one_step(tmpl, code_, sizeof code_ / sizeof code_[0]); \
        pb_pos(P, tmpl, POS_STEP, at_, -1, 0);                                \
        pb_pos(P, tmpl, POS_END, pb_ins(P, tmpl, OP_HALT, 0, 0, 99), -1, 0);  \
    } while (0)

/* ---- core: expressions and assignment ---- */

START_TEST(exec_assign_sets_value_and_position)
{
    uint32_t x = pb_shared(P, "x", 1, 41);
    uint32_t t = pb_thread(P, "t", 1);
    ONE_STEP(t, INS(LOAD_G, x, 0), INS(PUSH, 1, 0), INS(ADD, 0, 0), INS(STORE_G, x, 0),
             INS(END_STEP, 1, 0));
    go();
    ck_assert_int_eq(step(0), EXEC_STEP_RAN);
    ck_assert_uint_eq(G.n, 1);
    ck_assert_int_eq(G.status[0], EXEC_OK);
    ck_assert_int_eq(val(0, x, 0, 0), 42);
    ck_assert_uint_eq(pos(0, 0), 1);
    /* the end position: finished, nothing emitted */
    memcpy(S, G.vec[0], P->state_size);
    ck_assert_int_eq(step(0), EXEC_STEP_FINISHED);
    ck_assert_uint_eq(G.n, 0);
}
END_TEST

/* One binary operation x op y: its value, or the runtime error it raises. */
typedef struct ArithCase {
    Opcode op;
    int32_t x, y;
    int32_t want;    /* the result when err is NULL */
    const char *err; /* the runtime error expected, or NULL */
} ArithCase;

static const ArithCase arith_cases[] = {
    {OP_ADD, 2, 3, 5, NULL},
    {OP_ADD, INT_MAX, 1, 0, "integer overflow"},
    {OP_ADD, INT_MIN, -1, 0, "integer overflow"},
    {OP_SUB, 2, 3, -1, NULL},
    {OP_SUB, INT_MIN, 1, 0, "integer overflow"},
    {OP_SUB, 0, INT_MIN, 0, "integer overflow"},
    {OP_MUL, -4, 3, -12, NULL},
    {OP_MUL, 65536, 65536, 0, "integer overflow"},
    {OP_MUL, INT_MIN, -1, 0, "integer overflow"},
    {OP_DIV, 7, 2, 3, NULL},
    {OP_DIV, -7, 2, -3, NULL},
    {OP_DIV, 7, -2, -3, NULL},
    {OP_DIV, INT_MIN, 1, INT_MIN, NULL},
    {OP_DIV, INT_MIN, -1, 0, "integer overflow"},
    {OP_DIV, 1, 0, 0, "division by zero"},
    {OP_MOD, -7, 2, -1, NULL},
    {OP_MOD, 7, -2, 1, NULL},
    {OP_MOD, INT_MIN, -1, 0, "integer overflow"},
    {OP_MOD, 0, 0, 0, "modulo by zero"},
    {OP_LT, 1, 2, 1, NULL},
    {OP_LT, 2, 2, 0, NULL},
    {OP_LE, 2, 2, 1, NULL},
    {OP_GT, -1, -2, 1, NULL},
    {OP_GE, -3, -2, 0, NULL},
    {OP_EQ, 5, 5, 1, NULL},
    {OP_NE, 5, 5, 0, NULL},
};

START_TEST(exec_arith_table)
{
    const ArithCase *ac = &arith_cases[_i];
    uint32_t r = pb_shared(P, "r", 1, 0);
    uint32_t t = pb_thread(P, "t", 1);
    ONE_STEP(t, INS(PUSH, ac->x, 0), INS(PUSH, ac->y, 0), {ac->op, 0, 0}, INS(STORE_G, r, 0),
             INS(END_STEP, 1, 0));
    go();
    ck_assert_int_eq(step(0), EXEC_STEP_RAN);
    if (ac->err) {
        expect_failure(EXEC_RUNTIME_ERROR, 12, ac->err);
    } else {
        ck_assert_int_eq(G.status[0], EXEC_OK);
        ck_assert_int_eq(val(0, r, 0, 0), ac->want);
    }
}
END_TEST

START_TEST(exec_neg_not_bool)
{
    uint32_t a = pb_shared(P, "a", 3, 0);
    uint32_t t = pb_thread(P, "t", 1);
    ONE_STEP(t, INS(PUSH, 0, 0), INS(PUSH, 5, 0), INS(NEG, 0, 0), INS(STORE_GA, a, 0),
             INS(PUSH, 1, 0), INS(PUSH, 0, 0), INS(NOT, 0, 0), INS(STORE_GA, a, 0), INS(PUSH, 2, 0),
             INS(PUSH, -7, 0), INS(BOOL, 0, 0), INS(STORE_GA, a, 0), INS(PUSH, INT_MIN, 0),
             INS(NEG, 0, 0), INS(END_STEP, 1, 0));
    go();
    /* -INT_MIN overflows at instruction 13 (line 23), after the writes */
    step(0);
    expect_failure(EXEC_RUNTIME_ERROR, 23, "integer overflow");
    P->templates[t].code[13] = (Ins){OP_POP, 0, 0};
    step(0);
    ck_assert_int_eq(G.status[0], EXEC_OK);
    ck_assert_int_eq(val(0, a, 0, 0), -5);
    ck_assert_int_eq(val(0, a, 0, 1), 1);
    ck_assert_int_eq(val(0, a, 0, 2), 1);
}
END_TEST

/* r = (x && y) * 10 + (x || y), with JZ_OR_POP / JNZ_OR_POP as the compiler uses them. */
START_TEST(exec_short_circuit)
{
    static const int32_t xs[4] = {0, 0, 3, 3}, ys[4] = {0, 7, 0, 7}, want[4] = {0, 1, 1, 11};
    uint32_t x = pb_shared(P, "x", 1, xs[_i]);
    uint32_t y = pb_shared(P, "y", 1, ys[_i]);
    uint32_t r = pb_shared(P, "r", 1, -1);
    uint32_t t = pb_thread(P, "t", 1);
    ONE_STEP(t, INS(LOAD_G, x, 0), INS(JZ_OR_POP, 4, 0), INS(LOAD_G, y, 0), INS(BOOL, 0, 0),
             /* 4 */ INS(PUSH, 10, 0), INS(MUL, 0, 0), INS(LOAD_G, x, 0), INS(JNZ_OR_POP, 10, 0),
             INS(LOAD_G, y, 0), INS(BOOL, 0, 0),
             /* 10 */ INS(ADD, 0, 0), INS(STORE_G, r, 0), INS(END_STEP, 1, 0));
    go();
    step(0);
    ck_assert_int_eq(G.status[0], EXEC_OK);
    ck_assert_int_eq(val(0, r, 0, 0), want[_i]);
}
END_TEST

/* pos = x != 0 ? 1 : 2, through JZ (taken or not), JNZ and JMP. */
START_TEST(exec_jumps)
{
    uint32_t x = pb_shared(P, "x", 1, 0);
    uint32_t t = pb_thread(P, "t", 1);
    pb_ins(P, t, OP_LOAD_G, (int32_t)x, 0, 5);
    pb_ins(P, t, OP_JZ, 4, 0, 5);
    pb_ins(P, t, OP_LOAD_G, (int32_t)x, 0, 5);
    pb_ins(P, t, OP_JNZ, 6, 0, 5);
    pb_ins(P, t, OP_END_STEP, 2, 0, 5); /* 4 */
    pb_ins(P, t, OP_HALT, 0, 0, 5);
    pb_ins(P, t, OP_JMP, 7, 0, 5); /* 6 */
    pb_ins(P, t, OP_END_STEP, 1, 0, 5);
    uint32_t end = pb_ins(P, t, OP_HALT, 0, 0, 6);
    pb_pos(P, t, POS_STEP, 0, -1, 0);
    pb_pos(P, t, POS_STEP, end, -1, 0);
    pb_pos(P, t, POS_END, end, -1, 0);
    go();
    step(0);
    ck_assert_uint_eq(pos(0, 0), 2);
    state_var_set(P, S, x, 0, 0, 1);
    step(0);
    ck_assert_uint_eq(pos(0, 0), 1);
}
END_TEST

START_TEST(exec_arrays_locals_and_id)
{
    uint32_t a = pb_shared(P, "a", 4, 0);
    uint32_t t = pb_thread(P, "worker", 3);
    uint32_t mine = pb_local(P, t, "mine", 1, 5);
    uint32_t buf = pb_local(P, t, "buf", 2, 0);
    /* buf[1] = mine + id; a[id] = buf[1] */
    ONE_STEP(t, INS(PUSH, 1, 0), INS(LOAD_L, mine, 0), INS(ID, 0, 0), INS(ADD, 0, 0),
             INS(STORE_LA, buf, 0), INS(ID, 0, 0), INS(PUSH, 1, 0), INS(LOAD_LA, buf, 0),
             INS(STORE_GA, a, 0), INS(END_STEP, 1, 0));
    go();
    step(2);
    ck_assert_int_eq(G.status[0], EXEC_OK);
    ck_assert_int_eq(val(0, buf, 2, 1), 7);
    ck_assert_int_eq(val(0, buf, 1, 1), 0);
    ck_assert_int_eq(val(0, a, 0, 2), 7);
    ck_assert_uint_eq(pos(0, 2), 1);
    ck_assert_uint_eq(pos(0, 1), 0);
}
END_TEST

/* Each access beyond an array's bounds, and the message it gives. */
START_TEST(exec_index_out_of_bounds)
{
    static const Opcode ops[4] = {OP_LOAD_GA, OP_STORE_GA, OP_LOAD_LA, OP_STORE_LA};
    static const int32_t idx[4] = {4, -1, 2, 7};
    static const char *const want[4] = {
        "index 4 out of bounds for 'a' (size 4)", "index -1 out of bounds for 'a' (size 4)",
        "index 2 out of bounds for 'buf' (size 2)", "index 7 out of bounds for 'buf' (size 2)"};
    uint32_t a = pb_shared(P, "a", 4, 0);
    uint32_t t = pb_thread(P, "t", 1);
    uint32_t buf = pb_local(P, t, "buf", 2, 0);
    int32_t var = _i < 2 ? (int32_t)a : (int32_t)buf;
    if (ops[_i] == OP_LOAD_GA || ops[_i] == OP_LOAD_LA)
        ONE_STEP(t, INS(PUSH, idx[_i], 0), {ops[_i], var, 0}, INS(POP, 0, 0), INS(END_STEP, 1, 0));
    else
        ONE_STEP(t, INS(PUSH, idx[_i], 0), INS(PUSH, 9, 0), {ops[_i], var, 0}, INS(END_STEP, 1, 0));
    go();
    step(0);
    expect_failure(EXEC_RUNTIME_ERROR, ops[_i] == OP_LOAD_GA || ops[_i] == OP_LOAD_LA ? 11 : 12,
                   want[_i]);
}
END_TEST

START_TEST(exec_range_checked_on_write)
{
    uint32_t x = pb_shared_range(P, "x", 1, 0, 7, 3);
    uint32_t y = pb_shared_range(P, "y", 2, -300, 300, -300);
    uint32_t t = pb_thread(P, "t", 1);
    ONE_STEP(t, INS(PUSH, 1, 0), INS(PUSH, 299, 0), INS(STORE_GA, y, 0), INS(PUSH, 7, 0),
             INS(STORE_G, x, 0), INS(LOAD_G, x, 0), INS(PUSH, 1, 0), INS(ADD, 0, 0),
             INS(STORE_G, x, 0), INS(END_STEP, 1, 0));
    go();
    ck_assert_uint_eq(P->vars[x].bits, 3);  /* 0..7: 8 values */
    ck_assert_uint_eq(P->vars[y].bits, 10); /* -300..300: 601 values */
    ck_assert_int_eq(state_var_get(P, S, y, 0, 0), -300);
    step(0);
    expect_failure(EXEC_RUNTIME_ERROR, 18, "value 8 out of range 0..7 for 'x'");
    P->templates[t].code[8] = (Ins){OP_STORE_G, (int32_t)y, 0}; /* now the read is fine */
    P->templates[t].code[6] = (Ins){OP_PUSH, -308, 0};
    step(0);
    expect_failure(EXEC_RUNTIME_ERROR, 18, "value -301 out of range -300..300 for 'y'");
    P->templates[t].code[6] = (Ins){OP_PUSH, -307, 0};
    step(0);
    ck_assert_int_eq(G.status[0], EXEC_OK);
    ck_assert_int_eq(val(0, x, 0, 0), 7);
    ck_assert_int_eq(val(0, y, 0, 0), -300);
    ck_assert_int_eq(val(0, y, 0, 1), 299);
}
END_TEST

START_TEST(exec_assert)
{
    uint32_t x = pb_shared(P, "x", 1, 1);
    uint32_t t = pb_thread(P, "t", 1);
    ONE_STEP(t, INS(LOAD_G, x, 0), INS(ASSERT, 0, 0), INS(END_STEP, 1, 0));
    go();
    step(0);
    ck_assert_int_eq(G.status[0], EXEC_OK);
    ck_assert_uint_eq(pos(0, 0), 1);
    state_var_set(P, S, x, 0, 0, 0);
    ck_assert_int_eq(step(0), EXEC_STEP_RAN); /* a failing step is enabled */
    expect_failure(EXEC_ASSERT_FAILED, 11, "assertion failed");
}
END_TEST

START_TEST(exec_await_blocks_when_false)
{
    uint32_t x = pb_shared(P, "x", 1, 0);
    uint32_t t = pb_thread(P, "t", 1);
    ONE_STEP(t, INS(LOAD_G, x, 0), INS(AWAIT, 0, 0), INS(END_STEP, 1, 0));
    go();
    ck_assert_int_eq(step(0), EXEC_STEP_BLOCKED);
    ck_assert_uint_eq(G.n, 0);
    state_var_set(P, S, x, 0, 0, 2);
    ck_assert_int_eq(step(0), EXEC_STEP_RAN);
    ck_assert_uint_eq(pos(0, 0), 1);
}
END_TEST

/* An await whose expression fails is enabled, and running it is the error. */
START_TEST(exec_await_error_is_enabled)
{
    uint32_t a = pb_shared(P, "a", 2, 0);
    uint32_t t = pb_thread(P, "t", 1);
    ONE_STEP(t, INS(PUSH, 2, 0), INS(LOAD_GA, a, 0), INS(AWAIT, 0, 0), INS(END_STEP, 1, 0));
    go();
    ck_assert_int_eq(step(0), EXEC_STEP_RAN);
    expect_failure(EXEC_RUNTIME_ERROR, 11, "index 2 out of bounds for 'a' (size 2)");
}
END_TEST

/* ---- threads: mutexes, conds, queues, forks ---- */

START_TEST(exec_lock_and_unlock)
{
    uint32_t m = pb_mutex(P, "m");
    uint32_t t = pb_thread(P, "worker", 2);
    /* pos 0: lock m; pos 1: unlock m; pos 2: end */
    pb_ins(P, t, OP_LOCK, (int32_t)m, 0, 3);
    pb_ins(P, t, OP_END_STEP, 1, 0, 3);
    pb_ins(P, t, OP_UNLOCK, (int32_t)m, 0, 4);
    pb_ins(P, t, OP_END_STEP, 2, 0, 4);
    pb_pos(P, t, POS_STEP, 0, -1, 0);
    pb_pos(P, t, POS_STEP, 2, -1, 0);
    pb_pos(P, t, POS_END, pb_ins(P, t, OP_HALT, 0, 0, 5), -1, 0);
    go();
    step(1);
    ck_assert_uint_eq(state_mutex_owner(P, G.vec[0], m), 2);
    memcpy(S, G.vec[0], P->state_size);
    ck_assert_int_eq(step(0), EXEC_STEP_BLOCKED); /* held by worker[1] */
    state_set_pos(P, S, 1, 0);
    ck_assert_int_eq(step(1), EXEC_STEP_BLOCKED); /* held by itself: self-deadlock */
    state_set_pos(P, S, 1, 1);
    state_set_pos(P, S, 0, 1);
    step(0);
    expect_failure(EXEC_RUNTIME_ERROR, 4, "'m' unlocked by worker[0], which does not hold it");
    step(1);
    ck_assert_int_eq(G.status[0], EXEC_OK);
    ck_assert_uint_eq(state_mutex_owner(P, G.vec[0], m), 0);
    ck_assert_uint_eq(pos(0, 1), 2);
}
END_TEST

/* lock m else {B}: TRYLOCK m; JZ L; END_STEP next; L: END_STEP B */
START_TEST(exec_trylock)
{
    uint32_t m = pb_mutex(P, "m");
    uint32_t t = pb_thread(P, "t", 2);
    ONE_STEP(t, INS(TRYLOCK, m, 0), INS(JZ, 3, 0), INS(END_STEP, 1, 0), INS(END_STEP, 0, 0));
    go();
    step(0);
    ck_assert_uint_eq(state_mutex_owner(P, G.vec[0], m), 1);
    ck_assert_uint_eq(pos(0, 0), 1);
    memcpy(S, G.vec[0], P->state_size);
    step(1); /* held by another: the else branch, nothing taken */
    ck_assert_uint_eq(state_mutex_owner(P, G.vec[0], m), 1);
    ck_assert_uint_eq(pos(0, 1), 0);
    state_set_pos(P, S, 0, 0);
    step(0); /* held by itself: a try-lock fails too */
    ck_assert_uint_eq(pos(0, 0), 0);
    ck_assert_uint_eq(state_mutex_owner(P, G.vec[0], m), 1);
}
END_TEST

/* Template "w" (2 instances): pos 0 'wait c, m', 1 sleep, 2 relock, 3 end. Template "s": pos 0
** 'signal c' (or broadcast), 1 end. Thread 0 "s", threads 1 and 2 "w[0]", "w[1]". */
static uint32_t cond_program(Opcode sig)
{
    uint32_t m = pb_mutex(P, "m");
    uint32_t c = pb_cond(P, "c");
    uint32_t s = pb_thread(P, "s", 1);
    ONE_STEP(s, {sig, (int32_t)c, 0}, INS(END_STEP, 1, 0));
    uint32_t w = pb_thread(P, "w", 2);
    pb_ins(P, w, OP_WAIT, (int32_t)c, (int32_t)m, 20);
    pb_ins(P, w, OP_END_STEP, 1, 0, 20);
    pb_ins(P, w, OP_SLEEP, 0, 0, 20);
    pb_ins(P, w, OP_LOCK, (int32_t)m, 0, 20);
    pb_ins(P, w, OP_END_STEP, 3, 0, 20);
    pb_pos(P, w, POS_STEP, 0, -1, 0);
    pb_pos(P, w, POS_SLEEP, 2, (int32_t)c, 2);
    pb_pos(P, w, POS_RELOCK, 3, -1, 0);
    pb_pos(P, w, POS_END, pb_ins(P, w, OP_HALT, 0, 0, 21), -1, 0);
    go();
    return m;
}

START_TEST(exec_wait_releases_and_sleeps)
{
    uint32_t m = cond_program(OP_SIGNAL);
    step(2);
    expect_failure(EXEC_RUNTIME_ERROR, 20, "wait on 'c' by w[1], which does not hold 'm'");
    state_set_mutex_owner(P, S, m, 3);
    step(2);
    ck_assert_int_eq(G.status[0], EXEC_OK);
    ck_assert_uint_eq(state_mutex_owner(P, G.vec[0], m), 0);
    ck_assert_uint_eq(pos(0, 2), 1);
    memcpy(S, G.vec[0], P->state_size);
    ck_assert_int_eq(step(2), EXEC_STEP_BLOCKED); /* asleep */
}
END_TEST

START_TEST(exec_signal_forks_per_sleeper)
{
    cond_program(OP_SIGNAL);
    /* no sleeper: one outcome, the signal is lost */
    step(0);
    ck_assert_uint_eq(G.n, 1);
    ck_assert_uint_eq(pos(0, 0), 1);
    ck_assert_uint_eq(pos(0, 1), 0);
    ck_assert_uint_eq(pos(0, 2), 0);
    /* both asleep: wake w[0] (k = 0), then w[1] (k = 1) */
    state_set_pos(P, S, 1, 1);
    state_set_pos(P, S, 2, 1);
    step(0);
    ck_assert_uint_eq(G.n, 2);
    ck_assert_uint_eq(pos(0, 1), 2);
    ck_assert_uint_eq(pos(0, 2), 1);
    ck_assert_uint_eq(pos(1, 1), 1);
    ck_assert_uint_eq(pos(1, 2), 2);
    ck_assert_uint_eq(pos(1, 0), 1);
    /* one asleep: one outcome that wakes it */
    state_set_pos(P, S, 1, 0);
    step(0);
    ck_assert_uint_eq(G.n, 1);
    ck_assert_uint_eq(pos(0, 1), 0);
    ck_assert_uint_eq(pos(0, 2), 2);
}
END_TEST

START_TEST(exec_broadcast_wakes_all)
{
    uint32_t m = cond_program(OP_BROADCAST);
    state_set_pos(P, S, 1, 1);
    state_set_pos(P, S, 2, 1);
    step(0);
    ck_assert_uint_eq(G.n, 1);
    ck_assert_uint_eq(pos(0, 1), 2);
    ck_assert_uint_eq(pos(0, 2), 2);
    /* woken: re-taking m is enabled only while m is free */
    memcpy(S, G.vec[0], P->state_size);
    state_set_mutex_owner(P, S, m, 2);
    ck_assert_int_eq(step(2), EXEC_STEP_BLOCKED);
    state_set_mutex_owner(P, S, m, 0);
    step(2);
    ck_assert_uint_eq(state_mutex_owner(P, G.vec[0], m), 3);
    ck_assert_uint_eq(pos(0, 2), 3);
}
END_TEST

START_TEST(exec_choose_forks_in_order)
{
    uint32_t x = pb_shared(P, "x", 1, 0);
    uint32_t t = pb_thread(P, "t", 1);
    /* choose {x = 10} or {x = 20} or {x = 30}, in one atomic step */
    ONE_STEP(t, INS(GUARD_END, 0, 0), INS(CHOOSE, 3, 0), INS(JMP, 5, 0), INS(JMP, 8, 0),
             INS(JMP, 11, 0), /* 5 */ INS(PUSH, 10, 0), INS(STORE_G, x, 0), INS(JMP, 14, 0),
             /* 8 */ INS(PUSH, 20, 0), INS(STORE_G, x, 0), INS(JMP, 14, 0),
             /* 11 */ INS(PUSH, 30, 0), INS(STORE_G, x, 0), INS(JMP, 14, 0),
             /* 14 */ INS(END_STEP, 1, 0));
    go();
    step(0);
    ck_assert_uint_eq(G.n, 3);
    for (uint32_t k = 0; k < 3; k++) {
        ck_assert_int_eq(G.status[k], EXEC_OK);
        ck_assert_int_eq(val(k, x, 0, 0), 10 * (int32_t)(k + 1));
    }
}
END_TEST

static bool is_same_vec(void *ctx, const uint8_t *vec)
{
    return memcmp(vec, ctx, P->state_size) == 0;
}

/* exec_find: the first outcome whose successor matches, in one run of the step; exec_count: how
** many outcomes the step has (choose {x = 10} or {x = 20} or {x = 20}). */
START_TEST(exec_find_and_count_outcomes)
{
    uint32_t x = pb_shared(P, "x", 1, 0);
    uint32_t t = pb_thread(P, "t", 1);
    ONE_STEP(t, INS(GUARD_END, 0, 0), INS(CHOOSE, 3, 0), INS(JMP, 5, 0), INS(JMP, 8, 0),
             INS(JMP, 11, 0), /* 5 */ INS(PUSH, 10, 0), INS(STORE_G, x, 0), INS(JMP, 14, 0),
             /* 8 */ INS(PUSH, 20, 0), INS(STORE_G, x, 0), INS(JMP, 14, 0),
             /* 11 */ INS(PUSH, 20, 0), INS(STORE_G, x, 0), INS(JMP, 14, 0),
             /* 14 */ INS(END_STEP, 1, 0));
    go();
    step(0);
    ck_assert_uint_eq(G.n, 3);
    ck_assert_uint_eq(exec_count(X, S, 0), 3);
    uint8_t want[MAX_VEC], out[MAX_VEC];
    memcpy(want, G.vec[2], P->state_size); /* x = 20: outcomes 1 and 2 both reach it */
    ck_assert_uint_eq(exec_find(X, S, 0, is_same_vec, want, out), 1);
    ck_assert_mem_eq(out, want, P->state_size);
    memcpy(want, G.vec[0], P->state_size);
    ck_assert_uint_eq(exec_find(X, S, 0, is_same_vec, want, out), 0);
    memcpy(want, S, P->state_size); /* the state itself: no step reaches it */
    ck_assert_uint_eq(exec_find(X, S, 0, is_same_vec, want, out), EXEC_NO_OUTCOME);
    /* finished: no outcome */
    memcpy(S, G.vec[0], P->state_size);
    ck_assert_uint_eq(exec_count(X, S, 0), 0);
    ck_assert_uint_eq(exec_find(X, S, 0, is_same_vec, want, out), EXEC_NO_OUTCOME);
}
END_TEST

/* atomic { choose {x = 1} or {assert false}; signal c }: depth first, failures numbered too. */
START_TEST(exec_nested_forks_depth_first)
{
    uint32_t x = pb_shared(P, "x", 1, 0);
    uint32_t c = pb_cond(P, "c");
    uint32_t t = pb_thread(P, "t", 1);
    ONE_STEP(t, INS(GUARD_END, 0, 0), INS(CHOOSE, 2, 0), INS(JMP, 4, 0), INS(JMP, 7, 0),
             /* 4 */ INS(PUSH, 1, 0), INS(STORE_G, x, 0), INS(JMP, 9, 0),
             /* 7 */ INS(PUSH, 0, 0), INS(ASSERT, 0, 0),
             /* 9 */ INS(SIGNAL, c, 0), INS(END_STEP, 1, 0));
    uint32_t w = pb_thread(P, "w", 2);
    pb_pos(P, w, POS_SLEEP, pb_ins(P, w, OP_SLEEP, 0, 0, 30), (int32_t)c, 1);
    pb_pos(P, w, POS_END, pb_ins(P, w, OP_HALT, 0, 0, 31), -1, 0);
    go();
    step(0);
    ck_assert_uint_eq(G.n, 3);
    ck_assert_int_eq(G.status[0], EXEC_OK);
    ck_assert_int_eq(val(0, x, 0, 0), 1);
    ck_assert_uint_eq(pos(0, 1), 1);
    ck_assert_uint_eq(pos(0, 2), 0);
    ck_assert_int_eq(G.status[1], EXEC_OK);
    ck_assert_uint_eq(pos(1, 1), 0);
    ck_assert_uint_eq(pos(1, 2), 1);
    ck_assert_int_eq(G.status[2], EXEC_ASSERT_FAILED);
    ck_assert_uint_eq(G.line[2], 18);
    ck_assert_str_eq(G.msg[2], "assertion failed");
    /* exec_outcome picks one of them */
    uint8_t out[MAX_VEC];
    bool exists;
    uint32_t line;
    const char *msg;
    ck_assert_int_eq(exec_outcome(X, S, 0, 1, out, &exists, &line, &msg), EXEC_OK);
    ck_assert(exists);
    ck_assert_mem_eq(out, G.vec[1], P->state_size);
    ck_assert_int_eq(exec_outcome(X, S, 0, 2, out, &exists, &line, &msg), EXEC_ASSERT_FAILED);
    ck_assert(exists);
    ck_assert_uint_eq(line, 18);
    ck_assert_str_eq(msg, "assertion failed");
    exec_outcome(X, S, 0, 3, out, &exists, &line, &msg);
    ck_assert(!exists);
    ck_assert(!exec_enabled(X, S, 1)); /* asleep */
    exec_outcome(X, S, 1, 0, out, &exists, &line, &msg);
    ck_assert(!exists);
}
END_TEST

START_TEST(exec_queue_put_get)
{
    const int32_t init[2] = {7, 8};
    uint32_t q = pb_queue(P, "q", 3, 2, init);
    uint32_t x = pb_shared(P, "x", 2, 0);
    uint32_t t = pb_thread(P, "t", 1);
    /* pos 0: put q, 9; pos 1: get q, x[1]; pos 2: end */
    pb_ins(P, t, OP_PUSH, 9, 0, 3);
    pb_ins(P, t, OP_PUT, (int32_t)q, 0, 3);
    pb_ins(P, t, OP_END_STEP, 1, 0, 3);
    pb_ins(P, t, OP_PUSH, 1, 0, 4);
    pb_ins(P, t, OP_GET, (int32_t)q, 0, 4);
    pb_ins(P, t, OP_STORE_GA, (int32_t)x, 0, 4);
    pb_ins(P, t, OP_END_STEP, 2, 0, 4);
    pb_pos(P, t, POS_STEP, 0, -1, 0);
    pb_pos(P, t, POS_STEP, 3, -1, 0);
    pb_pos(P, t, POS_END, pb_ins(P, t, OP_HALT, 0, 0, 5), -1, 0);
    go();
    step(0);
    ck_assert_uint_eq(state_queue_len(P, G.vec[0], q), 3);
    ck_assert_int_eq(state_queue_elem(P, G.vec[0], q, 2), 9);
    memcpy(S, G.vec[0], P->state_size);
    state_set_pos(P, S, 0, 0);
    ck_assert_int_eq(step(0), EXEC_STEP_BLOCKED); /* full */
    state_set_pos(P, S, 0, 1);
    step(0);
    ck_assert_int_eq(val(0, x, 0, 1), 7);
    ck_assert_uint_eq(state_queue_len(P, G.vec[0], q), 2);
    ck_assert_int_eq(state_queue_elem(P, G.vec[0], q, 0), 8);
    ck_assert_int_eq(state_queue_elem(P, G.vec[0], q, 1), 9);
    ck_assert_int_eq(state_queue_elem(P, G.vec[0], q, 2), 0); /* freed slot zeroed */
    /* drain it: same bytes as a queue that never held more */
    memcpy(S, G.vec[0], P->state_size);
    for (int i = 0; i < 2; i++) {
        state_set_pos(P, S, 0, 1);
        step(0);
        memcpy(S, G.vec[0], P->state_size);
    }
    uint8_t empty[MAX_VEC];
    memcpy(empty, S, P->state_size);
    state_set_queue_len(P, empty, q, 0);
    for (uint32_t i = 0; i < 3; i++)
        state_clear_queue_elem(P, empty, q, i);
    ck_assert_mem_eq(S, empty, P->state_size);
    state_set_pos(P, S, 0, 1);
    ck_assert_int_eq(step(0), EXEC_STEP_BLOCKED); /* empty */
}
END_TEST

/* put q, x else {B} and get q, a[i] else {B}, the try shapes of program.h. */
START_TEST(exec_queue_try_forms)
{
    const int32_t init[1] = {4};
    uint32_t q = pb_queue(P, "q", 1, 1, init);
    uint32_t a = pb_shared(P, "a", 2, 0);
    uint32_t t = pb_thread(P, "t", 1);
    /* pos 0: put q, 5 else {pos 1}, next pos 2 */
    pb_ins(P, t, OP_PUSH, 5, 0, 3);
    pb_ins(P, t, OP_PUT_TRY, (int32_t)q, 0, 3);
    pb_ins(P, t, OP_JZ, 4, 0, 3);
    pb_ins(P, t, OP_END_STEP, 2, 0, 3);
    pb_ins(P, t, OP_END_STEP, 1, 0, 3);
    /* pos 1: get q, a[1] else {pos 0}, next pos 2 */
    pb_ins(P, t, OP_PUSH, 1, 0, 4);
    pb_ins(P, t, OP_GET_TRY, (int32_t)q, 0, 4);
    pb_ins(P, t, OP_JZ, 10, 0, 4);
    pb_ins(P, t, OP_STORE_GA, (int32_t)a, 0, 4);
    pb_ins(P, t, OP_END_STEP, 2, 0, 4);
    pb_ins(P, t, OP_POP, 0, 0, 4);
    pb_ins(P, t, OP_END_STEP, 0, 0, 4);
    pb_pos(P, t, POS_STEP, 0, -1, 0);
    pb_pos(P, t, POS_STEP, 5, -1, 0);
    pb_pos(P, t, POS_END, pb_ins(P, t, OP_HALT, 0, 0, 5), -1, 0);
    go();
    step(0); /* full: else */
    ck_assert_uint_eq(pos(0, 0), 1);
    ck_assert_int_eq(state_queue_elem(P, G.vec[0], q, 0), 4);
    memcpy(S, G.vec[0], P->state_size);
    step(0); /* get succeeds */
    ck_assert_uint_eq(pos(0, 0), 2);
    ck_assert_int_eq(val(0, a, 0, 1), 4);
    ck_assert_uint_eq(state_queue_len(P, G.vec[0], q), 0);
    memcpy(S, G.vec[0], P->state_size);
    state_set_pos(P, S, 0, 1);
    step(0); /* empty: else, index popped, nothing stored */
    ck_assert_uint_eq(pos(0, 0), 0);
    memcpy(S, G.vec[0], P->state_size);
    step(0); /* room: put succeeds */
    ck_assert_uint_eq(pos(0, 0), 2);
    ck_assert_uint_eq(state_queue_len(P, G.vec[0], q), 1);
    ck_assert_int_eq(state_queue_elem(P, G.vec[0], q, 0), 5);
}
END_TEST

START_TEST(exec_len_and_held)
{
    const int32_t init[2] = {1, 2};
    uint32_t q = pb_queue(P, "q", 4, 2, init);
    uint32_t m = pb_mutex(P, "m");
    uint32_t r = pb_shared(P, "r", 1, 0);
    uint32_t t = pb_thread(P, "t", 1);
    ONE_STEP(t, INS(LEN, q, 0), INS(PUSH, 10, 0), INS(MUL, 0, 0), INS(HELD, m, 0), INS(ADD, 0, 0),
             INS(STORE_G, r, 0), INS(END_STEP, 1, 0));
    go();
    step(0);
    ck_assert_int_eq(val(0, r, 0, 0), 20);
    state_set_mutex_owner(P, S, m, 1);
    step(0);
    ck_assert_int_eq(val(0, r, 0, 0), 21);
}
END_TEST

/* ---- limits: atomic guards and loops ---- */

/* atomic { await x; y = 1; lock m }: not enabled while x is 0; blocking later is an error. */
START_TEST(exec_atomic_guard)
{
    uint32_t x = pb_shared(P, "x", 1, 0);
    uint32_t y = pb_shared(P, "y", 1, 0);
    uint32_t m = pb_mutex(P, "m");
    uint32_t t = pb_thread(P, "t", 1);
    ONE_STEP(t, INS(LOAD_G, x, 0), INS(AWAIT, 0, 0), INS(GUARD_END, 0, 0), INS(PUSH, 1, 0),
             INS(STORE_G, y, 0), INS(LOCK, m, 0), INS(END_STEP, 1, 0));
    go();
    ck_assert_int_eq(step(0), EXEC_STEP_BLOCKED);
    state_var_set(P, S, x, 0, 0, 1);
    step(0);
    ck_assert_int_eq(G.status[0], EXEC_OK);
    ck_assert_uint_eq(state_mutex_owner(P, G.vec[0], m), 1);
    state_set_mutex_owner(P, S, m, 1); /* held, by the thread itself */
    ck_assert_int_eq(step(0), EXEC_STEP_RAN);
    expect_failure(EXEC_RUNTIME_ERROR, 15, "'atomic' block blocks after its first statement");
}
END_TEST

/* atomic { while x < 100 { x = x + 1 } } runs; with 'x = x' it loops forever. */
START_TEST(exec_atomic_loop_check)
{
    uint32_t x = pb_shared(P, "x", 1, 0);
    uint32_t t = pb_thread(P, "t", 1);
    ONE_STEP(t, INS(GUARD_END, 0, 0), /* 1 */ INS(LOOP_CHECK, 0, 0), INS(LOAD_G, x, 0),
             INS(PUSH, 100, 0), INS(LT, 0, 0), INS(JZ, 11, 0), INS(LOAD_G, x, 0), INS(PUSH, 1, 0),
             INS(ADD, 0, 0), INS(STORE_G, x, 0), INS(JMP, 1, 0),
             /* 11 */ INS(END_STEP, 1, 0));
    go();
    step(0);
    ck_assert_int_eq(G.status[0], EXEC_OK);
    ck_assert_int_eq(val(0, x, 0, 0), 100);
    step(0); /* again: the loop table of the previous step is forgotten */
    ck_assert_int_eq(G.status[0], EXEC_OK);
    P->templates[t].code[7].a = 0; /* x = x + 0 */
    step(0);
    expect_failure(EXEC_RUNTIME_ERROR, 11, "'atomic' block loops forever");
}
END_TEST

/* Loop checks follow each path: atomic { while x < 3 { choose {x = x + 1} or {skip} } } has one
** path that ends and three that come back to where they were. */
START_TEST(exec_loop_check_per_path)
{
    uint32_t x = pb_shared(P, "x", 1, 0);
    uint32_t t = pb_thread(P, "t", 1);
    ONE_STEP(t, INS(GUARD_END, 0, 0), /* 1 */ INS(LOOP_CHECK, 0, 0), INS(LOAD_G, x, 0),
             INS(PUSH, 3, 0), INS(LT, 0, 0), INS(JZ, 14, 0), INS(CHOOSE, 2, 0), INS(JMP, 9, 0),
             INS(JMP, 13, 0), /* 9 */ INS(LOAD_G, x, 0), INS(PUSH, 1, 0), INS(ADD, 0, 0),
             INS(STORE_G, x, 0), /* 13 */ INS(JMP, 1, 0), /* 14 */ INS(END_STEP, 1, 0));
    go();
    step(0);
    ck_assert_uint_eq(G.n, 4);
    ck_assert_int_eq(G.status[0], EXEC_OK);
    ck_assert_int_eq(val(0, x, 0, 0), 3);
    for (uint32_t k = 1; k < 4; k++) {
        ck_assert_int_eq(G.status[k], EXEC_RUNTIME_ERROR);
        ck_assert_uint_eq(G.line[k], 11);
        ck_assert_str_eq(G.msg[k], "'atomic' block loops forever");
    }
}
END_TEST

/* A configuration seen on a sibling path is no repeat: choose {x = 1} or {x = 1}, then a loop
** that passes x == 1 once. */
START_TEST(exec_loop_check_siblings_independent)
{
    uint32_t x = pb_shared(P, "x", 1, 0);
    uint32_t t = pb_thread(P, "t", 1);
    ONE_STEP(t, INS(GUARD_END, 0, 0), INS(CHOOSE, 2, 0), INS(JMP, 4, 0), INS(JMP, 4, 0),
             /* 4 */ INS(PUSH, 1, 0), INS(STORE_G, x, 0), /* 6 */ INS(LOOP_CHECK, 0, 0),
             INS(LOAD_G, x, 0), INS(PUSH, 2, 0), INS(LT, 0, 0), INS(JZ, 15, 0), INS(PUSH, 2, 0),
             INS(STORE_G, x, 0), INS(JMP, 6, 0), INS(HALT, 0, 0),
             /* 15 */ INS(END_STEP, 1, 0));
    go();
    step(0);
    ck_assert_uint_eq(G.n, 2);
    ck_assert_int_eq(G.status[0], EXEC_OK);
    ck_assert_int_eq(G.status[1], EXEC_OK);
    ck_assert_mem_eq(G.vec[0], G.vec[1], P->state_size);
}
END_TEST

/* ---- properties ---- */

/* all i in 0..N-1: a[i] >= lo  (QBEGIN/QNEXT/QLOAD as the compiler shapes quantifiers) */
static uint32_t all_at_least(uint32_t a, int32_t n, int32_t lo)
{
    uint32_t at = pb_pins(P, OP_PUSH, 0, 0);
    pb_pins(P, OP_PUSH, n - 1, 0);
    pb_pins(P, OP_QBEGIN, 0, (int32_t)at + 10);
    pb_pins(P, OP_QLOAD, 0, 0); /* at + 3 */
    pb_pins(P, OP_LOAD_GA, (int32_t)a, 0);
    pb_pins(P, OP_PUSH, lo, 0);
    pb_pins(P, OP_GE, 0, 0);
    pb_pins(P, OP_JZ, (int32_t)at + 12, 0);
    pb_pins(P, OP_QNEXT, 0, (int32_t)at + 3);
    pb_pins(P, OP_JMP, (int32_t)at + 10, 0);
    pb_pins(P, OP_PUSH, 1, 0); /* at + 10 */
    pb_pins(P, OP_RET, 0, 0);
    pb_pins(P, OP_PUSH, 0, 0); /* at + 12 */
    pb_pins(P, OP_RET, 0, 0);
    return at;
}

START_TEST(exec_property_quantifier)
{
    uint32_t a = pb_shared(P, "a", 3, 1);
    uint32_t t = pb_thread(P, "t", 1);
    ONE_STEP(t, INS(END_STEP, 1, 0));
    uint32_t p0 = pb_prop(P, PROP_INVARIANT, all_at_least(a, 3, 1));
    uint32_t p1 = pb_prop(P, PROP_INVARIANT, all_at_least(a, 4, 1));
    uint32_t p2 = pb_prop(P, PROP_FINAL, all_at_least(a, 0, 9)); /* empty range: true */
    go();
    const char *msg = "unset";
    ck_assert_int_eq(exec_property(X, S, p0, &msg), PROP_HOLDS);
    ck_assert_ptr_null(msg);
    ck_assert_int_eq(exec_property(X, S, p2, &msg), PROP_HOLDS);
    ck_assert_int_eq(exec_property(X, S, p1, &msg), PROP_ERROR);
    ck_assert_str_eq(msg, "index 3 out of bounds for 'a' (size 3)");
    state_var_set(P, S, a, 0, 2, 0);
    ck_assert_int_eq(exec_property(X, S, p0, &msg), PROP_BROKEN);
    int32_t v = -1;
    ck_assert(exec_term(X, S, P->props[p0].code, &v));
    ck_assert_int_eq(v, 0);
    v = -1; /* 'all' stops at the first false element, before the bad index */
    ck_assert(exec_term(X, S, P->props[p1].code, &v));
    ck_assert_int_eq(v, 0);
}
END_TEST

/* worker[t].tmp, worker[t].buf[i], worker[t]@L, count(worker@L), done(worker[t]). */
START_TEST(exec_property_thread_terms)
{
    uint32_t w = pb_thread(P, "worker", 4);
    uint32_t tmp = pb_local(P, w, "tmp", 1, 3);
    uint32_t buf = pb_local(P, w, "buf", 2, 0);
    uint32_t code = pb_ins(P, w, OP_END_STEP, 1, 0, 7);
    pb_ins(P, w, OP_END_STEP, 2, 0, 8);
    pb_pos(P, w, POS_STEP, code, -1, 0);
    pb_pos(P, w, POS_STEP, code + 1, -1, 0);
    pb_pos(P, w, POS_END, pb_ins(P, w, OP_HALT, 0, 0, 9), -1, 0);
    const uint32_t at1[1] = {1};
    uint32_t lab = pb_label(P, w, "write", 1, at1);
    uint32_t tl = pb_pins(P, OP_PUSH, 2, 0);
    pb_pins(P, OP_LOAD_TL, (int32_t)tmp, (int32_t)w);
    pb_pins(P, OP_RET, 0, 0);
    uint32_t tla = pb_pins(P, OP_PUSH, 1, 0);
    pb_pins(P, OP_PUSH, 1, 0);
    pb_pins(P, OP_LOAD_TLA, (int32_t)buf, (int32_t)w);
    pb_pins(P, OP_RET, 0, 0);
    uint32_t at = pb_pins(P, OP_PUSH, 3, 0);
    pb_pins(P, OP_AT, (int32_t)w, (int32_t)lab);
    pb_pins(P, OP_RET, 0, 0);
    uint32_t cnt = pb_pins(P, OP_COUNT, (int32_t)w, (int32_t)lab);
    pb_pins(P, OP_RET, 0, 0);
    uint32_t done = pb_pins(P, OP_PUSH, 0, 0);
    pb_pins(P, OP_DONE, (int32_t)w, 0);
    pb_pins(P, OP_RET, 0, 0);
    uint32_t p_tl = pb_prop(P, PROP_INVARIANT, tl);
    uint32_t p_tla = pb_prop(P, PROP_INVARIANT, tla);
    uint32_t p_at = pb_prop(P, PROP_INVARIANT, at);
    uint32_t p_done = pb_prop(P, PROP_INVARIANT, done);
    go();
    int32_t v;
    ck_assert(exec_term(X, S, tl, &v));
    ck_assert_int_eq(v, 3);
    state_var_set(P, S, buf, 1, 1, 77);
    ck_assert(exec_term(X, S, tla, &v));
    ck_assert_int_eq(v, 77);
    ck_assert(exec_term(X, S, at, &v));
    ck_assert_int_eq(v, 0);
    ck_assert(exec_term(X, S, cnt, &v));
    ck_assert_int_eq(v, 0);
    state_set_pos(P, S, 3, 1);
    state_set_pos(P, S, 0, 1);
    ck_assert(exec_term(X, S, at, &v));
    ck_assert_int_eq(v, 1);
    ck_assert(exec_term(X, S, cnt, &v));
    ck_assert_int_eq(v, 2);
    ck_assert(exec_term(X, S, done, &v));
    ck_assert_int_eq(v, 0);
    state_set_pos(P, S, 0, 2);
    ck_assert(exec_term(X, S, done, &v));
    ck_assert_int_eq(v, 1);
    /* instance out of bounds, for each form that takes one */
    const char *msg;
    for (int32_t bad = -1; bad <= 5; bad += 5) {
        char want[80];
        snprintf(want, sizeof want, "thread index %d out of bounds for 'worker' (count 4)", bad);
        P->prop_code[tl].a = bad;
        P->prop_code[tla].a = bad;
        P->prop_code[at].a = bad;
        P->prop_code[done].a = bad;
        const uint32_t props[4] = {p_tl, p_tla, p_at, p_done};
        for (int i = 0; i < 4; i++) {
            msg = NULL;
            ck_assert_int_eq(exec_property(X, S, props[i], &msg), PROP_ERROR);
            ck_assert_str_eq(msg, want);
        }
        ck_assert(!exec_term(X, S, at, &v));
    }
    P->prop_code[tla].a = 1;
    P->prop_code[tla + 1].a = 2;
    ck_assert_int_eq(exec_property(X, S, p_tla, &msg), PROP_ERROR);
    ck_assert_str_eq(msg, "index 2 out of bounds for 'buf' (size 2)");
}
END_TEST

/* ---- models: the same through the parser and the compiler ---- */

/* Replace the hand-built P by the compiled 'text', with S its initial state and X its executor. */
static void compile_text(const char *text)
{
    Program *prog = tm_compile_named("m.weft", text, NULL, 0);
    exec_free(X); /* a test may compile more than one model */
    if (is_compiled)
        prog_free(P);
    else
        pb_free(P);
    P = prog;
    is_compiled = true;
    ck_assert_uint_le(P->state_size, MAX_VEC);
    prog_initial_state(P, S);
    X = exec_new(P);
}

/* Index of the shared variable or local called 'name'. */
static uint32_t var_named(const char *name)
{
    for (uint32_t i = 0; i < P->n_vars; i++)
        if (strcmp(P->vars[i].name, name) == 0)
            return i;
    ck_abort_msg("no variable '%s'", name);
    return 0;
}

/* A model whose thread 'tid' fails at its first step with this status, line and message. */
typedef struct FailCase {
    const char *text;
    uint32_t tid;
    ExecStatus status;
    uint32_t line;
    const char *msg;
} FailCase;

static const FailCase fail_cases[] = {
    {"shared x: 0..7 = 7\nthread t {\n    x = x + 1\n}\n", 0, EXEC_RUNTIME_ERROR, 3,
     "value 8 out of range 0..7 for 'x'"},
    {"shared a[4] = 0\nthread w[2] {\n    a[id + 3] = 1\n}\n", 1, EXEC_RUNTIME_ERROR, 3,
     "index 4 out of bounds for 'a' (size 4)"},
    {"shared a[4] = 0\nshared x = 0\nthread t {\n    x = a[x - 1]\n}\n", 0, EXEC_RUNTIME_ERROR, 4,
     "index -1 out of bounds for 'a' (size 4)"},
    {"mutex m\nthread worker[2] {\n    unlock m\n}\n", 1, EXEC_RUNTIME_ERROR, 3,
     "'m' unlocked by worker[1], which does not hold it"},
    {"mutex m\ncond c\nthread worker[2] {\n    wait c, m\n}\n", 1, EXEC_RUNTIME_ERROR, 4,
     "wait on 'c' by worker[1], which does not hold 'm'"},
    {"shared x = 0\nthread t {\n    atomic {\n        x = 1\n        await x == 2\n    }\n}\n", 0,
     EXEC_RUNTIME_ERROR, 5, "'atomic' block blocks after its first statement"},
    {"shared x = 0\nthread t {\n    atomic {\n        while true {\n            x = 1\n"
     "        }\n    }\n}\n",
     0, EXEC_RUNTIME_ERROR, 4, "'atomic' block loops forever"},
    {"shared x = 2147483647\nthread t {\n    x = x + 1\n}\n", 0, EXEC_RUNTIME_ERROR, 3,
     "integer overflow"},
    {"shared x = -2147483648\nthread t {\n    x = -x\n}\n", 0, EXEC_RUNTIME_ERROR, 3,
     "integer overflow"},
    {"shared x = -2147483648\nthread t {\n    x = x / -1\n}\n", 0, EXEC_RUNTIME_ERROR, 3,
     "integer overflow"},
    {"shared x = -2147483648\nthread t {\n    x = x % -1\n}\n", 0, EXEC_RUNTIME_ERROR, 3,
     "integer overflow"},
    {"shared x = 0\nthread t {\n    x = 5 % x\n}\n", 0, EXEC_RUNTIME_ERROR, 3, "modulo by zero"},
    {"shared x = 0\nthread t {\n    if 1 / x > 0 {\n        skip\n    }\n}\n", 0,
     EXEC_RUNTIME_ERROR, 3, "division by zero"},
    {"shared x = 0\nthread t {\n    assert x == 1\n}\n", 0, EXEC_ASSERT_FAILED, 3,
     "assertion failed"},
    {"shared a[2] = 0\nthread t {\n    await a[2] == 0\n}\n", 0, EXEC_RUNTIME_ERROR, 3,
     "index 2 out of bounds for 'a' (size 2)"},
    {"queue q[2]: 1..3 = [2]\nthread t {\n    put q, 4\n}\n", 0, EXEC_RUNTIME_ERROR, 3,
     "value 4 out of range 1..3 for queue 'q'"},
    {"queue q[2]: -1..1\nthread t {\n    put q, -2 else { skip }\n}\n", 0, EXEC_RUNTIME_ERROR, 3,
     "value -2 out of range -1..1 for queue 'q'"},
};

START_TEST(exec_model_failures)
{
    const FailCase *fc = &fail_cases[_i];
    compile_text(fc->text);
    ck_assert_int_eq(step(fc->tid), EXEC_STEP_RAN);
    expect_failure(fc->status, fc->line, fc->msg);
}
END_TEST

START_TEST(exec_model_blocking)
{
    compile_text("shared x = 0\nmutex m\nthread t {\n    lock m\n    lock m\n}\n"
                 "thread u {\n    atomic {\n        await x == 1\n        x = 2\n    }\n}\n");
    ck_assert_int_eq(step(1), EXEC_STEP_BLOCKED); /* the atomic's guard */
    step(0);
    memcpy(S, G.vec[0], P->state_size);
    ck_assert_int_eq(step(0), EXEC_STEP_BLOCKED); /* re-locking its own mutex */
    state_var_set(P, S, var_named("x"), 0, 0, 1);
    step(1);
    ck_assert_int_eq(val(0, var_named("x"), 1, 0), 2);
    memcpy(S, G.vec[0], P->state_size);
    ck_assert_int_eq(step(1), EXEC_STEP_FINISHED);
}
END_TEST

/* A ranged queue: puts inside the range go in; the range is checked only when a put appends
** (a full queue blocks a put, or sends a try-put to its else-block, whatever the value); a get
** frees its slot to all-zero bits, so the bytes are those of a queue that never held more. */
START_TEST(exec_model_ranged_queue)
{
    compile_text("queue q[2]: 5..7 = [7]\nshared x = 0\n"
                 "thread t {\n    put q, 5\n    put q, 9\n    put q, 9 else { skip }\n"
                 "    get q, x\n}\n");
    uint32_t x = var_named("x");
    ck_assert_uint_eq(P->queues[0].bits, 2);
    step(0); /* put q, 5 */
    ck_assert_int_eq(G.status[0], EXEC_OK);
    ck_assert_uint_eq(state_queue_len(P, G.vec[0], 0), 2);
    ck_assert_int_eq(state_queue_elem(P, G.vec[0], 0, 0), 7);
    ck_assert_int_eq(state_queue_elem(P, G.vec[0], 0, 1), 5);
    memcpy(S, G.vec[0], P->state_size);
    ck_assert_int_eq(step(0), EXEC_STEP_BLOCKED); /* put q, 9 on a full queue: not an error */
    state_set_pos(P, S, 0, 2);
    step(0); /* put q, 9 else: full, so the else-block, and no error */
    ck_assert_int_eq(G.status[0], EXEC_OK);
    ck_assert_uint_eq(pos(0, 0), 3);
    state_set_pos(P, S, 0, 4);
    step(0); /* get q, x */
    ck_assert_int_eq(val(0, x, 0, 0), 7);
    uint8_t want[MAX_VEC];
    memcpy(want, S, P->state_size);
    state_set_queue_len(P, want, 0, 1);
    state_set_queue_elem(P, want, 0, 0, 5);
    state_clear_queue_elem(P, want, 0, 1);
    state_var_set(P, want, x, 0, 0, 7);
    state_set_pos(P, want, 0, state_pos(P, G.vec[0], 0));
    ck_assert_mem_eq(G.vec[0], want, P->state_size);
    state_set_pos(P, S, 0, 1);
    state_set_queue_len(P, S, 0, 1);
    state_clear_queue_elem(P, S, 0, 1);
    step(0); /* put q, 9 with room: the runtime error */
    expect_failure(EXEC_RUNTIME_ERROR, 5, "value 9 out of range 5..7 for queue 'q'");
}
END_TEST

/* Nested forks of one atomic step: choose branches first, then signal targets. */
START_TEST(exec_model_fork_order)
{
    compile_text("shared x = 0\ncond c\nmutex m\n"
                 "thread s {\n    atomic {\n        choose {\n            x = 1\n        } or {\n"
                 "            x = 2\n        }\n        signal c\n    }\n}\n"
                 "thread w[2] {\n    lock m\n    wait c, m\n    x = 9\n}\n");
    uint32_t x = var_named("x");
    for (uint32_t tid = 1; tid <= 2; tid++)
        for (int i = 0; i < 2; i++) {
            ck_assert_int_eq(step(tid), EXEC_STEP_RAN);
            memcpy(S, G.vec[0], P->state_size);
        }
    ck_assert_int_eq(step(0), EXEC_STEP_RAN);
    ck_assert_uint_eq(G.n, 4);
    const Template *w = &P->templates[P->threads[1].tmpl];
    for (uint32_t k = 0; k < 4; k++) {
        ck_assert_int_eq(val(k, x, 0, 0), k < 2 ? 1 : 2);
        uint32_t woken = 1 + k % 2, other = 2 - k % 2;
        ck_assert_int_eq(w->pos[pos(k, woken)].kind, POS_RELOCK);
        ck_assert_int_eq(w->pos[pos(k, other)].kind, POS_SLEEP);
    }
}
END_TEST

START_TEST(exec_model_properties)
{
    compile_text("const N = 4\nshared a[N] = [0, 1, 2, 3]\nshared k = 4\n"
                 "thread worker[N] {\n    local tmp = id * 10\n    write: tmp = tmp + 1\n}\n"
                 "invariant sorted: all i in 0..N-2: a[i] < a[i + 1]\n"
                 "invariant some: any i in 0..N-1: a[i] == 3\n"
                 "invariant bad: a[k] == 0\n"
                 "invariant cnt: count(worker@write) == N\n"
                 "invariant loc: worker[2].tmp == 20\n"
                 "invariant dn: any i in 0..N: done(worker[i])\n");
    ck_assert_uint_eq(P->n_props, 6);
    static const PropResult want[6] = {PROP_HOLDS, PROP_HOLDS, PROP_ERROR,
                                       PROP_HOLDS, PROP_HOLDS, PROP_ERROR};
    const char *msg;
    for (uint32_t p = 0; p < 6; p++)
        ck_assert_int_eq(exec_property(X, S, p, &msg), want[p]);
    exec_property(X, S, 2, &msg);
    ck_assert_str_eq(msg, "index 4 out of bounds for 'a' (size 4)");
    exec_property(X, S, 5, &msg);
    ck_assert_str_eq(msg, "thread index 4 out of bounds for 'worker' (count 4)");
    step(2);
    ck_assert_int_eq(exec_property(X, G.vec[0], 3, &msg), PROP_BROKEN);
    ck_assert_int_eq(exec_property(X, G.vec[0], 4, &msg), PROP_BROKEN);
    ck_assert_int_eq(exec_property(X, G.vec[0], 5, &msg), PROP_HOLDS); /* worker[2] is done */
}
END_TEST

/* count(T@L) on a vector under 8 bytes and on a wider one (bits_get reads them differently):
** the same answers as the positions set, for every subset of the instances. */
START_TEST(exec_count_narrow_and_wide)
{
    static const uint32_t n_workers[2] = {3, 6};
    for (int w = 0; w < 2; w++) {
        uint32_t n = n_workers[w];
        char text[512];
        int len = snprintf(text, sizeof text,
                           "const N = %u\nthread worker[N] {\n    local x: 0..200 = 0\n"
                           "    a: x = 1\n    b: x = 2\n}\n",
                           n);
        for (uint32_t k = 0; k <= n; k++) /* invariant c<k>: exactly k instances at 'b' */
            len += snprintf(text + len, sizeof text - (size_t)len,
                            "invariant c%u: count(worker@b) == %u\n", k, k);
        compile_text(text);
        if (w == 0)
            ck_assert_uint_lt(P->state_size, 8);
        else
            ck_assert_uint_ge(P->state_size, 8);
        for (uint32_t set = 0; set < (1u << n); set++) {
            uint32_t want = 0;
            for (uint32_t t = 0; t < n; t++) {
                state_set_pos(P, S, t, set >> t & 1); /* position 1 is 'b' */
                want += set >> t & 1;
            }
            for (uint32_t k = 0; k <= n; k++) {
                int32_t v;
                ck_assert(exec_term(X, S, P->props[k].code, &v));
                ck_assert_int_eq(v, want == k);
            }
        }
    }
}
END_TEST

/* Every reachable state of counter_race (N = 4, ITERS = 2) through exec_step: the number of
** states, and the final counter values its header lists. */
START_TEST(exec_model_counter_race_outcomes)
{
    compile_text(tm_counter_race);
    Store *st = store_new(P->state_size, 0);
    StateId sid;
    store_insert(st, S, state_hash(S, P->state_size), STATE_ID_NONE, &sid);
    uint32_t finals = 0, counter = var_named("counter");
    for (StateId s = 0; s < store_count(st); s++) {
        const uint8_t *vec = store_vec(st, s);
        if (state_all_done(P, vec)) {
            finals |= 1u << state_var_get(P, vec, counter, 0, 0);
            continue;
        }
        for (uint32_t tid = 0; tid < P->n_threads; tid++) {
            memset(&G, 0, sizeof G);
            if (exec_step(X, vec, tid, collect, &G) != EXEC_STEP_RAN)
                continue;
            ck_assert_uint_eq(G.n, 1);
            ck_assert_int_eq(G.status[0], EXEC_OK);
            store_insert(st, G.vec[0], state_hash(G.vec[0], P->state_size), s, &sid);
        }
    }
    ck_assert_uint_eq(store_count(st), 107177);
    ck_assert_uint_eq(finals, 0x1fc); /* 2, 3, ..., 8 */
    store_free(st);
}
END_TEST

Suite *exec_suite(void)
{
    Suite *s = suite_create("exec");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, exec_assign_sets_value_and_position);
    tcase_add_loop_test(tc, exec_arith_table, 0, sizeof arith_cases / sizeof arith_cases[0]);
    tcase_add_test(tc, exec_neg_not_bool);
    tcase_add_loop_test(tc, exec_short_circuit, 0, 4);
    tcase_add_test(tc, exec_jumps);
    tcase_add_test(tc, exec_arrays_locals_and_id);
    tcase_add_test(tc, exec_assert);
    tcase_add_test(tc, exec_await_blocks_when_false);
    tcase_add_test(tc, exec_len_and_held);
    tcase_add_test(tc, exec_property_quantifier);
    tcase_add_test(tc, exec_property_thread_terms);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, exec_index_out_of_bounds, 0, 4);
    tcase_add_test(tc, exec_range_checked_on_write);
    tcase_add_test(tc, exec_await_error_is_enabled);
    suite_add_tcase(s, tc);

    tc = tcase_create("threads");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, exec_lock_and_unlock);
    tcase_add_test(tc, exec_trylock);
    tcase_add_test(tc, exec_wait_releases_and_sleeps);
    tcase_add_test(tc, exec_signal_forks_per_sleeper);
    tcase_add_test(tc, exec_broadcast_wakes_all);
    tcase_add_test(tc, exec_choose_forks_in_order);
    tcase_add_test(tc, exec_find_and_count_outcomes);
    tcase_add_test(tc, exec_nested_forks_depth_first);
    tcase_add_test(tc, exec_queue_put_get);
    tcase_add_test(tc, exec_queue_try_forms);
    suite_add_tcase(s, tc);

    tc = tcase_create("limits");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, exec_atomic_guard);
    tcase_add_test(tc, exec_atomic_loop_check);
    tcase_add_test(tc, exec_loop_check_per_path);
    tcase_add_test(tc, exec_loop_check_siblings_independent);
    suite_add_tcase(s, tc);

    tc = tcase_create("models");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, exec_model_failures, 0, sizeof fail_cases / sizeof fail_cases[0]);
    tcase_add_test(tc, exec_model_blocking);
    tcase_add_test(tc, exec_model_ranged_queue);
    tcase_add_test(tc, exec_model_fork_order);
    tcase_add_test(tc, exec_model_properties);
    tcase_add_test(tc, exec_count_narrow_and_wide);
    tcase_add_test(tc, exec_model_counter_race_outcomes);
    suite_add_tcase(s, tc);
    return s;
}
