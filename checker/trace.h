/*
** trace.h -- the schedule of a violation, rebuilt from the store's parent links.
**
** trace_build() follows parents from the violating state back to the initial state and, for
** each link, re-runs the parent's successors in tie-break order to find the step taken. It
** records every state along the way, so reporters can show what each step changed.
*/
#ifndef WEFT_TRACE_H
#define WEFT_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "exec.h"
#include "program.h"
#include "search.h"

typedef struct TraceStep {
    uint32_t tid;       /* the thread that moved */
    uint32_t k;         /* its outcome index (choose branch, signal target) */
    uint32_t pos;       /* its position before the step (names label, line, statement) */
    bool is_preemption; /* another thread could have gone on: the previous step's thread was
                        ** not finished and still enabled in the state before this step */
} TraceStep;

typedef struct Trace {
    uint32_t n_steps;       /* steps in the schedule */
    TraceStep *steps;       /* the steps, first to last */
    uint8_t *states;        /* (n_steps + 1) vectors: states[0] initial, states[i] after step i;
                            ** after a failing last step, the state before it is repeated */
    uint32_t state_size;    /* bytes of each vector */
    bool ends_in_failure;   /* the last step failed (assert, runtime error) */
    uint32_t fail_line;     /* ends_in_failure: the failing statement's line */
    char *fail_message;     /* ends_in_failure: the executor's message */
    uint32_t n_preemptions; /* steps with is_preemption */
} Trace;

/* The shortest schedule of 'v' found by the search in 'res' over 'prog'. Never NULL. */
Trace *trace_build(const Program *prog, const SearchResult *res, const Violation *v);
void trace_free(Trace *tr); /* trace_free(NULL) does nothing */

/* The vector after step i (0: the initial state). */
const uint8_t *trace_state(const Trace *tr, uint32_t i);

/* Mark the steps of 'tr' where another thread could have gone on (is_preemption: the previous
** step's thread was not finished and still enabled in the state before the step) and count
** them in n_preemptions, running the enabledness tests on 'ex'. Every trace's rule, whether
** trace_build() or a replay of a schedule made it. */
void trace_mark_preemptions(const Program *prog, ExecCtx *ex, Trace *tr);

#endif
