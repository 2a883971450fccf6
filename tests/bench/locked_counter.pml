/*
** locked_counter.pml -- the Promela twin of tests/bench/locked_counter.weft, at the same atomicity.
**
** 'lock m' is one weft step that blocks while the mutex is held and then takes it: a d_step whose
** guard is the same test. weft checks its invariant (at most one worker at 'write') in every
** state: so does pan, through the never claim at the end, SPIN's way of checking an invariant in
** every state (a claim of one state, run in step with the model: the states are the same). The
** labels w1 .. w8 mark the write of each unrolled round. The owner field holds the thread index + 1, as weft's does. The loop
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

#define ITER(k)                                                                                     \
    d_step { m == 0; m = _pid + 1 };                                                             \
    tmp = counter;                                                                               \
w##k: counter = tmp + 1;                                                                         \
    m = 0;

int counter = 0;
byte m = 0; /* 0: free, else the owner's _pid + 1 */

active [N] proctype worker()
{
    int tmp = 0;
#if ITERS >= 1
    ITER(1)
#endif
#if ITERS >= 2
    ITER(2)
#endif
#if ITERS >= 3
    ITER(3)
#endif
#if ITERS >= 4
    ITER(4)
#endif
#if ITERS >= 5
    ITER(5)
#endif
#if ITERS >= 6
    ITER(6)
#endif
#if ITERS >= 7
    ITER(7)
#endif
#if ITERS >= 8
    ITER(8)
#endif
end:
    false  /* finished: stays in the state, as a weft thread at its end position */
}

/* weft's 'invariant mutual_exclusion: count(worker@write) <= 1', checked in every state. */
#if ITERS >= 1
#define AT1(i) worker[i]@w1
#else
#define AT1(i) false
#endif
#if ITERS >= 2
#define AT2(i) worker[i]@w2
#else
#define AT2(i) false
#endif
#if ITERS >= 3
#define AT3(i) worker[i]@w3
#else
#define AT3(i) false
#endif
#if ITERS >= 4
#define AT4(i) worker[i]@w4
#else
#define AT4(i) false
#endif
#if ITERS >= 5
#define AT5(i) worker[i]@w5
#else
#define AT5(i) false
#endif
#if ITERS >= 6
#define AT6(i) worker[i]@w6
#else
#define AT6(i) false
#endif
#if ITERS >= 7
#define AT7(i) worker[i]@w7
#else
#define AT7(i) false
#endif
#if ITERS >= 8
#define AT8(i) worker[i]@w8
#else
#define AT8(i) false
#endif
#define AT_WRITE(i) (AT1(i) || AT2(i) || AT3(i) || AT4(i) || AT5(i) || AT6(i) || AT7(i) || AT8(i))
#if N > 8
#error "locked_counter.pml's never claim counts at most 8 workers"
#endif
never {
    do
    :: assert(AT_WRITE(0)
#if N >= 2
              + AT_WRITE(1)
#endif
#if N >= 3
              + AT_WRITE(2)
#endif
#if N >= 4
              + AT_WRITE(3)
#endif
#if N >= 5
              + AT_WRITE(4)
#endif
#if N >= 6
              + AT_WRITE(5)
#endif
#if N >= 7
              + AT_WRITE(6)
#endif
#if N >= 8
              + AT_WRITE(7)
#endif
              <= 1)
    od
}
