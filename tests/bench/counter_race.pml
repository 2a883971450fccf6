/*
** counter_race.pml -- the Promela twin of tests/bench/counter_race.weft (models/counter_race.weft
** with 'counter' and 'tmp' ranged 0..N*ITERS; Promela has no ranges, so they stay ints here), at
** the same atomicity.
**
** One weft step is one Promela statement: 'tmp = counter' and 'counter = tmp + 1' each read or
** write the global once, so each is one transition of pan. weft unrolls 'repeat ITERS' and keeps
** no loop counter in the state, so the loop is unrolled here too, by the preprocessor, up to
** ITERS = 8 (a 'do' loop with a counter would add the counter to the state and its test as a
** step). A weft thread that has finished stays in the state at its end position; a Promela
** process that reaches its closing brace can be deleted, which adds states, so each process
** ends blocked at a valid end state instead ('end: false').
**
** N = 4, ITERS = 3: 2,986,377 states stored, the same as weft.
**     spin -DN=4 -DITERS=3 -a counter_race.pml && gcc -O2 -DSAFETY -DNOREDUCE -o pan pan.c
**     ./pan -c0
*/
#ifndef N
#define N 4
#endif
#ifndef ITERS
#define ITERS 2
#endif
#if ITERS > 8
#error "counter_race.pml unrolls at most 8 iterations"
#endif

#define ITER tmp = counter; counter = tmp + 1;

int counter = 0;

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
