/*
** exec.h -- run one atomic step of one thread on a packed state; evaluate properties.
**
** exec_step() runs thread 'tid''s next step on a copy of 'vec' and reports every outcome of that
** step, in the tie-break order of DESIGN.md: choose branches in source order, then signal
** targets by thread index (nested choices inside an atomic block in that order, depth first).
** Outcome k is the k-th one reported; (tid, k) names a transition from a state, which is what
** traces record and what replay re-runs. A step with no choice has one outcome, k = 0.
**
** An ExecCtx holds the scratch memory of one search thread: create one per thread. The Program
** is shared read-only. Nothing here allocates after exec_new().
*/
#ifndef WEFT_EXEC_H
#define WEFT_EXEC_H

#include <stdbool.h>
#include <stdint.h>

#include "program.h"

typedef enum {
    EXEC_OK,            /* a successor state */
    EXEC_ASSERT_FAILED, /* an 'assert' was false: the schedule ends, no successor state */
    EXEC_RUNTIME_ERROR  /* a runtime error: the schedule ends, no successor state */
} ExecStatus;

/* One outcome of a step. Pointers are valid only during the callback. */
typedef struct ExecOutcome {
    ExecStatus status;   /* see ExecStatus */
    uint32_t k;          /* this outcome's index among the step's outcomes, from 0 */
    const uint8_t *vec;  /* EXEC_OK: the successor state (prog->state_size bytes) */
    uint32_t line;       /* failures: line of the statement that failed (an atomic block's
                         ** inner statement, not the block) */
    const char *message; /* failures: what went wrong, e.g. "division by zero",
                         ** "assertion 'slot == received' failed" */
} ExecOutcome;

/* Called once per outcome; 'ctx' is the caller's. It must not call exec_* on the same ExecCtx
** (the outcome's vector and message live in its scratch): use a second ExecCtx. */
typedef void (*ExecEmit)(void *ctx, uint32_t tid, const ExecOutcome *out);

typedef enum {
    EXEC_STEP_RAN,     /* the step was enabled: emit was called at least once */
    EXEC_STEP_BLOCKED, /* the thread cannot move now: no outcome */
    EXEC_STEP_FINISHED /* the thread has finished: no outcome */
} ExecStepResult;

typedef struct ExecCtx ExecCtx; /* opaque */

/* Scratch for one search thread over 'prog' (borrowed; must outlive the ctx). */
ExecCtx *exec_new(const Program *prog);
void exec_free(ExecCtx *ctx); /* exec_free(NULL) does nothing */

/* Run thread tid's next step from 'vec' and call emit for each outcome. Single thread per ctx. */
ExecStepResult exec_step(ExecCtx *ctx, const uint8_t *vec, uint32_t tid, ExecEmit emit,
                         void *emit_ctx);

/* True if thread tid's next step is enabled in 'vec' (it would run; it may fail). The model's
** own step: in a bounded program (Program.is_bounded) a step the preemption bound holds back is
** enabled here, though exec_step(), exec_outcome(), exec_find() and exec_count() give it no
** outcome. */
bool exec_enabled(ExecCtx *ctx, const uint8_t *vec, uint32_t tid);

/* A program reduced by dead_reduce() resets each thread's dead locals as the thread reaches a
** position. With 'keep' true the context leaves them as the model's own code leaves them: the
** states of the unreduced model, step for step (what a schedule shows). */
void exec_keep_dead(ExecCtx *ctx, bool keep);

/* Bounded programs: the steps exec_step() and the others on this context held back so far
** because they would preempt a schedule that has taken Program.max_preemptions already (steps
** that could have run; a blocked one is not counted). */
uint64_t exec_held(const ExecCtx *ctx);

/* Coverage, for the report's statements that never run. After exec_cover_start(), each step
** run on the context (exec_step, exec_enabled, exec_outcome, exec_find) marks the position of the
** thread it was asked about: EXEC_COVER_AT (a thread was there), and EXEC_COVER_RAN if the step
** had an outcome (it was enabled; a failing step counts). The marks of all templates' positions
** are one array of exec_cover_len() bytes, template by template (exec_cover_index()). */
enum { EXEC_COVER_AT = 1, EXEC_COVER_RAN = 2 };
void exec_cover_start(ExecCtx *ctx);
/* OR the context's marks (none before exec_cover_start) into 'into'. */
void exec_cover_add(const ExecCtx *ctx, uint8_t *into);
size_t exec_cover_len(const Program *prog);
size_t exec_cover_index(const Program *prog, uint32_t tmpl, uint32_t pos);

/* Run outcome k of thread tid's step from 'vec' into 'out' (replay, trace rebuilding).
** Returns EXEC_OK with 'out' filled, or the failure (with *line_out and *msg_out, the message
** valid until the next call on ctx). Returns false in *exists_out when the step is not enabled
** or has fewer than k + 1 outcomes. */
ExecStatus exec_outcome(ExecCtx *ctx, const uint8_t *vec, uint32_t tid, uint32_t k, uint8_t *out,
                        bool *exists_out, uint32_t *line_out, const char **msg_out);

#define EXEC_NO_OUTCOME UINT32_MAX /* exec_find(): no outcome matched */

/* A test of a successor vector for exec_find(); it must not call exec_* on the same ExecCtx. */
typedef bool (*ExecMatch)(void *ctx, const uint8_t *vec);

/* The first outcome of thread tid's step from 'vec', in order k, whose successor 'is_match'
** accepts: its k, with the successor copied into 'out'; EXEC_NO_OUTCOME when none does (or the
** thread cannot move). The step runs once: a loop over exec_outcome(k) would run it again for
** every k, which a 'choose' of 70,000 branches made minutes of work. */
uint32_t exec_find(ExecCtx *ctx, const uint8_t *vec, uint32_t tid, ExecMatch is_match,
                   void *match_ctx, uint8_t *out);

/* How many outcomes thread tid's step has from 'vec': 0 when it is blocked or finished. */
uint32_t exec_count(ExecCtx *ctx, const uint8_t *vec, uint32_t tid);

typedef enum {
    PROP_HOLDS,  /* the expression is true */
    PROP_BROKEN, /* the expression is false */
    PROP_ERROR   /* evaluating it hit a runtime error: *msg_out says which */
} PropResult;

/* Evaluate property 'p' in 'vec'. On PROP_ERROR *msg_out (valid until the next call on ctx)
** says what went wrong. */
PropResult exec_property(ExecCtx *ctx, const uint8_t *vec, uint32_t p, const char **msg_out);

/* Evaluate the property code starting at 'code' (a PropTerm's) into *value_out; false on a
** runtime error. */
bool exec_term(ExecCtx *ctx, const uint8_t *vec, uint32_t code, int32_t *value_out);

#endif
