/*
** report_replay.h -- the text output of 'weft replay' and 'weft simulate', and the one-line form
** of a whole state that replay prints after every step.
**
** Output goes only to the FILE * given and is deterministic (no times). Single thread only.
*/
#ifndef WEFT_REPORT_REPLAY_H
#define WEFT_REPORT_REPLAY_H

#include <stdint.h>
#include <stdio.h>

#include "program.h"
#include "replay.h"
#include "search.h"

/* "final 'total'", "invariant at line 12": how reports name property p. Caller frees. */
char *report_prop_name(const Program *prog, int32_t p);

/* The short name of a violation, as JUnit test cases are named: "final 'total'", "invariant at
** line 12", "assert at line 9", "error at line 7", "deadlock". Caller frees. */
char *report_viol_name(const Program *prog, const Violation *v);

/* The violation as the first line of a report names it, without "violation: ":
** "final 'total' (counter == N * ITERS) breaks with counter = 7", "assert at line 9 fails",
** "error at line 7: division by zero", "deadlock: every unfinished thread is blocked".
** 'vec' is the state that breaks a property (ignored for the other kinds). Caller frees. */
char *report_viol_text(const Program *prog, const Violation *v, const uint8_t *vec);

/* The whole state on one line: shared variables, mutex owners, queues, then each thread's
** place and locals: "counter = 1 | worker[0] line 14 write: tmp = 0 | worker[1] done: tmp = 1".
** Caller frees. */
char *report_state_text(const Program *prog, const uint8_t *vec);

/* Print a replay: the initial state, each step with what it changed and the whole state after
** it, then the verdict line. 'trace_name' names the trace file. */
void report_replay(FILE *out, const Program *prog, const char *trace_name, const Replay *r);

/* Print a simulation: seed, schedule like a counterexample, and how it ended. */
void report_simulate(FILE *out, const Program *prog, const SimOptions *opts, const Simulation *sim);

/* Print many simulations (weft simulate --runs): how many violated; the shortest that did, like
** report_simulate, with its seed; each violation with its runs; the outcomes of the runs where
** every thread finished; the runs that ended otherwise. */
void report_simulate_runs(FILE *out, const Program *prog, const SimOptions *opts,
                          const SimRuns *sr);

#endif
