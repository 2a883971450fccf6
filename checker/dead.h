/*
** dead.h -- dead-variable reduction (--reduce dead): a thread's locals that no path reads again
** before writing them are reset to their initial values as the thread reaches a position.
**
** Two states that differ only in such locals have the same future, step for step: the same
** steps are enabled, with the same effects on everything that is ever read again. Resetting
** merges them into one, as SPIN's dead variable elimination does. What the reduction keeps:
** every verdict, every violation's shortest schedule (its steps: the same threads and branches
** in the same order), the schedule counts (a merged state's incoming steps all stay, so paths
** are counted as before), the outcomes. What it changes: the numbers of states, transitions and
** end states, and the values a state graph shows for dead locals.
**
** The analysis is backward liveness over each template's code, instruction by instruction, with
** a step's END_STEP leading to the first instruction of the position it names and a SLEEP to
** its wake position's. A local is read by LOAD_L and LOAD_LA, killed by STORE_L (a whole array
** is never killed: STORE_LA writes one element). A local a property reads (LOAD_TL,
** LOAD_TLA: in any state) is live everywhere, as is any local the caller asks to keep (an
** --outcomes term); a thread reads no other thread's locals (compile.c refuses it).
*/
#ifndef WEFT_DEAD_H
#define WEFT_DEAD_H

#include <stdbool.h>

#include "program.h"

/* Compute which locals are dead at each position of 'prog' and make its END_STEPs reset them
** (Ins.b = 1 on an END_STEP to a position with dead locals; Template.dead_first/dead_vars list
** them). 'keep' is NULL or has prog->n_vars flags: the locals flagged stay live everywhere.
** Returns the number of (position, local) pairs reset. Before any search of 'prog'; after
** compile_bound_preemptions if both are used (the layout of locals does not move). */
uint32_t dead_reduce(Program *prog, const bool *keep);

#endif
