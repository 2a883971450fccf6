/*
** handoff.c -- how long one cache line takes to pass from one CPU to another on this machine.
**
** usage: handoff [CPU_A CPU_B]   (two different CPUs; default: 0 and 1)
**
** Two threads, pinned to the two CPUs, take turns writing one shared word: each waits until the
** other has written it, then writes it back. A turn costs one transfer of the line between the
** two cores' caches, so half a round trip is the price of every cache line a -j 2 search reads
** or writes after the other worker wrote it (a table slot, a record, a key). Prints the median
** of 9 rounds of 200,000 round trips, in nanoseconds, one way. Built with weft (build/handoff)
** and run by tests/bench/jobs.sh; a benchmark, not a test. Exit status 2 if the two CPUs cannot
** be used.
*/
#define _GNU_SOURCE /* pthread_setaffinity_np, CPU_SET */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum {
    ROUNDS = 9,        /* rounds timed; the median is printed */
    TRIPS = 200000,    /* round trips a round */
    WARM_TRIPS = 20000 /* round trips before the first round */
};

typedef struct Shared {
    _Alignas(64) _Atomic uint64_t turn; /* odd: the second thread's turn; even: the first's */
    char pad[64 - sizeof(uint64_t)];    /* nothing else on the line */
} Shared;

static Shared shared;

static cpu_set_t only(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return set;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* The second thread: answers every odd turn with the next even one. */
static void *answer(void *arg)
{
    (void)arg;
    uint64_t n = (uint64_t)(WARM_TRIPS + ROUNDS * TRIPS);
    for (uint64_t i = 0; i < n; i++) {
        while (atomic_load_explicit(&shared.turn, memory_order_acquire) != 2 * i + 1)
            ;
        atomic_store_explicit(&shared.turn, 2 * i + 2, memory_order_release);
    }
    return NULL;
}

/* 'n' round trips from round trip 'from' on: each writes an odd turn and waits for the answer. */
static void trips(uint64_t from, uint64_t n)
{
    for (uint64_t i = from; i < from + n; i++) {
        atomic_store_explicit(&shared.turn, 2 * i + 1, memory_order_release);
        while (atomic_load_explicit(&shared.turn, memory_order_acquire) != 2 * i + 2)
            ;
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int cpu_a = argc > 2 ? atoi(argv[1]) : 0, cpu_b = argc > 2 ? atoi(argv[2]) : 1;
    if (cpu_a == cpu_b || cpu_a < 0 || cpu_b < 0 || cpu_a >= CPU_SETSIZE || cpu_b >= CPU_SETSIZE) {
        fprintf(stderr, "handoff: needs two different CPUs, not %d and %d\n", cpu_a, cpu_b);
        return 2;
    }
    cpu_set_t set_a = only(cpu_a), set_b = only(cpu_b);
    if (pthread_setaffinity_np(pthread_self(), sizeof set_a, &set_a) != 0) {
        fprintf(stderr, "handoff: cannot run on CPU %d\n", cpu_a);
        return 2;
    }
    /* the second thread starts on its CPU, or not at all (no thread left spinning alone) */
    pthread_attr_t attr;
    pthread_t t;
    pthread_attr_init(&attr);
    int err = pthread_attr_setaffinity_np(&attr, sizeof set_b, &set_b);
    if (!err)
        err = pthread_create(&t, &attr, answer, NULL);
    pthread_attr_destroy(&attr);
    if (err) {
        fprintf(stderr, "handoff: cannot run a thread on CPU %d\n", cpu_b);
        return 2;
    }
    trips(0, WARM_TRIPS);
    double ns[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
        double t0 = now();
        trips((uint64_t)(WARM_TRIPS + r * TRIPS), TRIPS);
        ns[r] = (now() - t0) * 1e9 / TRIPS / 2;
    }
    pthread_join(t, NULL);
    qsort(ns, ROUNDS, sizeof ns[0], cmp_double);
    printf("%.0f\n", ns[ROUNDS / 2]);
    return 0;
}
