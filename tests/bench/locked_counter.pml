/*
** locked_counter.pml -- the Promela twin of tests/bench/locked_counter.weft, at the same atomicity.
**
** 'lock m' is one weft step that blocks while the mutex is held and then takes it: a d_step whose
** guard is the same test. The owner field holds the thread index + 1, as weft's does. The loop
** is unrolled by the preprocessor, and each process ends blocked at a valid end state, for the
** reasons given in counter_race.pml.
**
** N = 4, ITERS = 4: the same number of states as weft (docs/performance.md).
**     spin -DN=4 -DITERS=4 -a locked_counter.pml && gcc -O2 -DSAFETY -DNOREDUCE -o pan pan.c
**     ./pan -c0
*/
#ifndef N
#define N 3
#endif
#ifndef ITERS
#define ITERS 2
#endif
#if ITERS > 8
#error "locked_counter.pml unrolls at most 8 iterations"
#endif

#define ITER                                                                                     \
    d_step { m == 0; m = _pid + 1 };                                                             \
    tmp = counter;                                                                               \
    counter = tmp + 1;                                                                           \
    m = 0;

int counter = 0;
byte m = 0; /* 0: free, else the owner's _pid + 1 */

active [N] proctype worker()
{
    int tmp = 0;
#if ITERS >= 1
    ITER
#endif
#if ITERS >= 2
    ITER
#endif
#if ITERS >= 3
    ITER
#endif
#if ITERS >= 4
    ITER
#endif
#if ITERS >= 5
    ITER
#endif
#if ITERS >= 6
    ITER
#endif
#if ITERS >= 7
    ITER
#endif
#if ITERS >= 8
    ITER
#endif
end:
    false  /* finished: stays in the state, as a weft thread at its end position */
}
