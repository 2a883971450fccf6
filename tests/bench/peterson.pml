/*
** peterson.pml -- the Promela twin of tests/bench/peterson.weft (the filter lock), at the same
** atomicity.
**
** Every weft loop test and 'if' test is a step: here each 'do' and 'if' opens with a guard
** statement ('l < N' or 'else'), one transition either way. The locals 'l' and 'k' are updated
** by statements that touch no global, which SPIN merges into the next statement unless it is
** run with -o3: the benchmark generates pan with 'spin -o3 -a' for this model, so that each
** statement stays one transition as in weft. The outer 'skip' is weft's 'while true' test.
** weft checks its invariant (at most one thread at 'cs') in every state: so does pan, through
** the never claim at the end, SPIN's way of checking an invariant in every state (a claim of
** one state, run in step with the model: the states are the same).
**
** N = 4: the same number of states as weft (docs/performance.md).
**     spin -o3 -DN=4 -a peterson.pml && gcc -O2 -DSAFETY -DNOREDUCE -o pan pan.c && ./pan -c0
*/
#ifndef N
#define N 3
#endif

byte level[N];
byte victim[N]; /* victim[0] is unused */

active [N] proctype p()
{
    byte l = 0;
    byte k = 0;
end:
    do
    :: skip;
       l = 1;
       do
       :: l < N ->
            level[_pid] = l;
            victim[l] = _pid;
            k = 0;
            do
            :: k < N ->
                 if
                 :: k != _pid -> (level[k] < l || victim[l] != _pid)
                 :: else
                 fi;
                 k = k + 1
            :: else -> break
            od;
            l = l + 1
       :: else -> break
       od;
cs:    skip;
       level[_pid] = 0
    od
}

/* weft's 'invariant mutual_exclusion: count(p@cs) <= 1', checked in every state. */
#if N > 6
#error "peterson.pml's never claim counts at most 6 threads"
#endif
never {
    do
    :: assert(p[0]@cs + p[1]@cs
#if N >= 3
              + p[2]@cs
#endif
#if N >= 4
              + p[3]@cs
#endif
#if N >= 5
              + p[4]@cs
#endif
#if N >= 6
              + p[5]@cs
#endif
              <= 1)
    od
}
