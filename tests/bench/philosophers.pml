/*
** philosophers.pml -- the Promela twin of tests/bench/philosophers.weft, at the same atomicity.
**
** weft's 'while true' test is a step of its own: here it is the 'skip' that opens each round
** (without it a round is four steps, and N = 12 gives SPIN's 1,684,801 states, a model that weft
** cannot write). Taking a fork is one weft 'atomic' block whose guard is an 'await': a d_step
** whose first statement is the same condition. The deadlock (every philosopher holding its left
** fork) is an invalid end state; 'pan -c0' reports it and goes on to the whole state space.
**
** N = 10: 3,041,599 states stored, the same as weft.
**     spin -DN=10 -a philosophers.pml && gcc -O2 -DSAFETY -DNOREDUCE -o pan pan.c
**     ./pan -c0 -m4000000
*/
#ifndef N
#define N 5
#endif

byte fork[N];

active [N] proctype phil()
{
end:
    do
    :: skip;  /* the weft loop test */
       d_step { fork[_pid] == 0; fork[_pid] = 1 }
       d_step { fork[(_pid + 1) % N] == 0; fork[(_pid + 1) % N] = 1 }
       fork[(_pid + 1) % N] = 0;
       fork[_pid] = 0
    od
}
