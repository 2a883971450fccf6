/*
** graph.h -- the state graph of a complete search: every state's steps, in tie-break order
** (thread index, then outcome k), as compact successor arrays (CSR), with what each state is
** (an end, a deadlock, breaking a property). count.c answers every schedule question over it.
**
** Either a breadth first search on one thread records it as it goes (SearchOptions.record_graph:
** it runs every step anyway, and its ids are its expansion order, so each state's edges are
** appended in id order), or count.c builds it after the search by running every state's steps
** again and looking each successor up (graph_build): the same graph either way.
*/
#ifndef WEFT_GRAPH_H
#define WEFT_GRAPH_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "batch.h"
#include "program.h"
#include "search.h"
#include "store.h"
#include "util.h"

/* Flags of a state. */
enum {
    SF_INV_BAD = 1,   /* breaks an invariant (or evaluating one fails) */
    SF_END = 2,       /* every thread has finished */
    SF_FINAL_BAD = 4, /* an end state breaking a final (or evaluating one fails) */
    SF_DEADLOCK = 8,  /* a deadlock that counts as a violation */
    SF_HAS_FAIL = 16  /* some step from it fails */
};

/* A step: the thread that moves and its outcome index, in an Edge's 30 bits when the index is
** small (a thread index always fits: a model has at most 65,535 threads), else as a WideStep of
** the graph's list (a 'choose' of 70,000 branches has k past 2^16). */
enum {
    EDGE_TID_BITS = 16,              /* the thread's bits of Edge.step */
    EDGE_K_BITS = 14,                /* the outcome index's bits above them */
    EDGE_K_LIMIT = 1 << EDGE_K_BITS, /* outcome indexes from here on are wide */
    EDGE_TID_MASK = (1 << EDGE_TID_BITS) - 1
};

typedef struct Edge {
    uint32_t to;          /* the successor's id; for a failing step, its index in Graph.fails */
    uint32_t step : 30;   /* tid | k << EDGE_TID_BITS; is_wide: its index in Graph.wides */
    uint32_t is_wide : 1; /* the outcome index is EDGE_K_LIMIT or more: see Graph.wides */
    uint32_t is_fail : 1; /* the step fails: the schedule ends with it */
} Edge;

_Static_assert(sizeof(Edge) == 8, "an edge is 8 bytes (docs/schedules.md, Cost)");

typedef struct WideStep {
    uint32_t tid; /* the thread that moves */
    uint32_t k;   /* its outcome index, EDGE_K_LIMIT or more */
} WideStep;

typedef struct Fail {
    ViolKind kind; /* VIOL_ASSERT or VIOL_ERROR */
    uint32_t line; /* the failing statement's line: the violation's key */
} Fail;

typedef struct Graph {
    const Program *prog; /* the model */
    const Store *st;     /* the finished search's states */
    uint64_t n;          /* states */
    StateId init;        /* the initial state */
    uint64_t *first;     /* edges of state s: edges[first[s] .. first[s + 1]) */
    VEC(Edge) edges;     /* every step of every state, in tie-break order per state */
    VEC(Fail) fails;     /* failing steps */
    VEC(WideStep) wides; /* the steps of the edges whose outcome index does not fit (is_wide) */
    uint8_t *flags;      /* SF_* per state */
    bool no_deadlock;    /* deadlocks were not flagged (SearchOptions.no_deadlock) */
    bool is_mapped;      /* recorded by a search: first, flags and edges.items grow in place
                         ** (util_map_grow; first_cap, flags_cap and edges.cap entries); else
                         ** from malloc */
    size_t first_cap;    /* is_mapped: entries 'first' has room for */
    size_t flags_cap;    /* is_mapped: entries 'flags' has room for */
    bool is_cyclic;      /* recorded by a search that saw a step close a cycle (search_int.h,
                         ** search_closes_cycle): the graph has one, no need to look for it */
    bool is_edgeless;    /* is_cyclic, and the search then dropped the edges, which nothing was
                         ** to walk (SearchOptions.keep_cyclic_edges): 'first', 'edges',
                         ** 'fails' and 'wides' are empty, the flags and 'n' are whole */
} Graph;

/* Free the graph's arrays (not 'g'). Implemented in count.c, as are the next three. */
void graph_free(Graph *g);

/* Free a recorded graph's edges, keep its flags: it becomes is_edgeless. */
void graph_drop_edges(Graph *g);

/* The edge of the step outcome 'p' (batch.h): to 'to', or, when the step fails ('p' not
** EXEC_OK), to failing step number 'fail_index', whose Fail is written to '*fail_out'; when its
** outcome index does not fit, its step is wide step number 'wide_index', written to
** '*wide_out' (the caller appends what the edge's is_fail and is_wide say). */
Edge graph_edge_of(const Pending *p, StateId to, uint32_t fail_index, uint32_t wide_index,
                   Fail *fail_out, WideStep *wide_out);

/* graph_edge_of for graph 'g' itself: the edge's Fail and WideStep, if any, are appended to
** g's lists. */
Edge graph_edge_add_to(Graph *g, const Pending *p, StateId to);

/* Write 'e' to '*dst' in one 8-byte store. Assigned as a struct, an edge may be written field by
** field, its bit-fields' word read first to keep the bits around them: a read that, on a page
** not yet written (the end of a growing edge array), maps the zero page, so that the write
** faults a second time and, with other threads running, interrupts their processors to flush
** the page from their TLBs (docs/performance.md, *The analyses*). */
static inline void edge_put(Edge *dst, Edge e)
{
    uint64_t word;
    memcpy(&word, &e, sizeof word);
    memcpy(dst, &word, sizeof word);
}

/* The thread that moves in the step of edge 'e' of 'g'. */
static inline uint32_t edge_tid(const Graph *g, const Edge *e)
{
    return e->is_wide ? g->wides.items[e->step].tid : e->step & EDGE_TID_MASK;
}

/* The outcome index of the step of edge 'e' of 'g'. */
static inline uint32_t edge_k(const Graph *g, const Edge *e)
{
    return e->is_wide ? g->wides.items[e->step].k : e->step >> EDGE_TID_BITS;
}

#endif
