/*
** replay.h -- run one schedule of a Program: a recorded one (weft replay) or a random one
** (weft simulate).
**
** replay_run() re-executes a TraceFile step by step with exec_outcome(), so a trace means exactly
** what it meant when it was written: thread 'tid', outcome 'k'. A trace that cannot be run on the
** model at all (another model file, other constants, an unknown thread, a step that is not
** enabled, an outcome index out of range, a violation the model cannot have) is refused with a
** message; a trace that runs but where the model no longer does what was recorded, or where the
** violation does not happen, is refuted, saying where and why.
**
** simulate_run() picks, at every state, one of all the enabled outcomes (every thread, every k)
** with a small pseudo-random generator of its own (splitmix64), so a seed gives the same
** schedule on every machine. Both build a Trace (trace.h) that the reporters print like a
** counterexample. Nothing here prints. Single thread only.
*/
#ifndef WEFT_REPLAY_H
#define WEFT_REPLAY_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "count.h"
#include "program.h"
#include "search.h"
#include "trace.h"
#include "tracefile.h"

/* ---- replay ---- */

typedef enum {
    REPLAY_CONFIRMED,    /* the recorded violation happens at the end of the schedule */
    REPLAY_NO_VIOLATION, /* the schedule runs to its end and the violation does not happen */
    REPLAY_DIVERGED      /* at step 'diverged_at' the model does not do what was recorded */
} ReplayVerdict;

typedef struct Replay {
    Trace *trace;          /* the steps that ran and the state after each (owned) */
    ReplayVerdict verdict; /* see ReplayVerdict */
    Violation viol;        /* the recorded violation as the model names it: kind, prop, line;
                           ** CONFIRMED: message set for failures (owned) */
    uint32_t diverged_at;  /* DIVERGED: the 1-based step where the model left the schedule */
    char *why;             /* DIVERGED, NO_VIOLATION: one line saying what happened (owned) */
} Replay;

/* Replay 'tf' (borrowed) on 'prog'. Returns NULL when the trace does not fit the model, with
** *err_out (caller frees), e.g. "step 3: thread 'worker[1]' cannot move (its step at line 14
** 'counter = tmp + 1' is not enabled)". */
Replay *replay_run(const Program *prog, const TraceFile *tf, char **err_out);
void replay_free(Replay *r); /* replay_free(NULL) does nothing */

/* ---- simulate ---- */

/* The seed of 'weft simulate' when none is given. */
#define SIMULATE_DEFAULT_SEED 1
/* The step budget of 'weft simulate' when --steps is not given. */
#define SIMULATE_DEFAULT_STEPS 1000

typedef struct SimOptions {
    uint64_t seed;      /* seeds the generator: the same seed, the same schedule */
    uint32_t max_steps; /* stop after this many steps */
    bool no_deadlock;   /* a state where no thread can move ends the run without a violation */
    double time_limit;  /* simulate_runs: no run starts after this many seconds (0: no limit) */
    /* simulate_runs: called after each run with the runs made and how many violated, or NULL */
    void (*progress)(void *ctx, uint64_t n_runs, uint64_t n_violating);
    void *progress_ctx;
    const atomic_int *interrupt; /* simulate_runs: once it is not 0 (a signal handler may set
                                 ** it), no run more starts; NULL: never */
} SimOptions;

typedef enum {
    SIM_FINISHED,  /* every thread finished and every final holds */
    SIM_VIOLATION, /* 'viol' happened: an invariant, a final, a failing step, a deadlock */
    SIM_BLOCKED,   /* no thread can move, with --no-deadlock */
    SIM_STEP_LIMIT /* max_steps steps ran and the schedule could go on */
} SimEnd;

typedef struct Simulation {
    Trace *trace;   /* the steps taken and the state after each (owned) */
    SimEnd end;     /* why it stopped */
    Violation viol; /* SIM_VIOLATION: kind, prop, line, message (owned), tid/k of a failing step */
} Simulation;

/* One random schedule of 'prog'. Never NULL. */
Simulation *simulate_run(const Program *prog, const SimOptions *opts);
void simulate_free(Simulation *sim); /* simulate_free(NULL) does nothing */

/* A violation and how many runs ended in it (one violation is one property, as in a search). */
typedef struct SimViolCount {
    Violation viol;  /* kind, prop and line, as in the first run that ended in it (no message) */
    uint64_t n_runs; /* runs that ended in it */
} SimViolCount;

/* What many random schedules gave (simulate_runs). */
typedef struct SimRuns {
    uint64_t n_runs;        /* runs made, with the seeds opts->seed, opts->seed + 1, ... */
    uint64_t n_violating;   /* runs that ended in a violation */
    uint64_t n_step_limit;  /* runs that max_steps stopped with no violation */
    uint64_t n_blocked;     /* runs that ended where no thread could move, with no_deadlock */
    bool is_time_up;        /* opts->time_limit passed before n_runs runs were made */
    bool is_interrupted;    /* opts->interrupt was set before n_runs runs were made */
    Simulation *shortest;   /* the violating run of fewest steps (of those, the first by seed);
                            ** NULL if none violated */
    uint64_t shortest_seed; /* its seed */
    size_t n_viols;         /* distinct violations, in the order the runs first ended in them */
    SimViolCount *viols;
    Analysis *outcomes; /* the runs that ended with every thread finished, grouped by the terms'
                        ** values: n_end_states runs, each Outcome's n_schedules the runs that
                        ** ended with its values and n_violating those of them that broke a
                        ** property there (decimal); nothing else of it is set */
} SimRuns;

/* 'n_runs' random schedules of 'prog' (fewer if opts->time_limit passes first), the first with
** opts->seed, each next with the seed one higher (wrapping past 2^64 - 1), outcomes grouped by
*'terms' (n_terms of them; owned from
** here on: count_default_terms() or count_parse_terms() made them). Never NULL. */
SimRuns *simulate_runs(const Program *prog, const SimOptions *opts, uint64_t n_runs,
                       OutcomeTerm *terms, size_t n_terms);
void simulate_runs_free(SimRuns *sr); /* simulate_runs_free(NULL) does nothing */

#endif
