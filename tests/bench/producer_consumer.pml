/*
** producer_consumer.pml -- the Promela twin of tests/bench/producer_consumer.weft.
**
** weft's 'queue q[CAP]: 1..PRODUCERS' is a buffered channel of CAP ints (Promela has no ranges;
** nor do 'total' and 'item' here): 'put q, e' is 'q!e' and 'get q, x' is 'q?x', each one
** statement that blocks on a full or an empty queue (pan's default, without -m). Loops are
** unrolled by the preprocessor (up to 8 rounds), and each process ends blocked at a valid end
** state, as in counter_race.pml. Producers have _pid 0 .. PRODUCERS - 1, which is their weft
** instance index.
**
** PRODUCERS = CONSUMERS = 3, ITEMS = 4, CAP = 3: the same number of states as weft.
*/
#ifndef PRODUCERS
#define PRODUCERS 2
#endif
#ifndef CONSUMERS
#define CONSUMERS 2
#endif
#ifndef ITEMS
#define ITEMS 2
#endif
#ifndef CAP
#define CAP 2
#endif
#define TAKES (PRODUCERS * ITEMS / CONSUMERS)
#if ITEMS > 8 || TAKES > 8
#error "producer_consumer.pml unrolls at most 8 rounds"
#endif

chan q = [CAP] of { int };
int total = 0;

#define PUT q!(_pid + 1);
#define GET q?item; total = total + item;

active [PRODUCERS] proctype producer()
{
#if ITEMS >= 1
    PUT
#endif
#if ITEMS >= 2
    PUT
#endif
#if ITEMS >= 3
    PUT
#endif
#if ITEMS >= 4
    PUT
#endif
#if ITEMS >= 5
    PUT
#endif
#if ITEMS >= 6
    PUT
#endif
#if ITEMS >= 7
    PUT
#endif
#if ITEMS >= 8
    PUT
#endif
end:
    false
}

active [CONSUMERS] proctype consumer()
{
    int item = 0;
#if TAKES >= 1
    GET
#endif
#if TAKES >= 2
    GET
#endif
#if TAKES >= 3
    GET
#endif
#if TAKES >= 4
    GET
#endif
#if TAKES >= 5
    GET
#endif
#if TAKES >= 6
    GET
#endif
#if TAKES >= 7
    GET
#endif
#if TAKES >= 8
    GET
#endif
end:
    false
}
