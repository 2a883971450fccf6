/*
** dead.c -- dead-variable reduction: which locals each position never reads again before
** writing them (dead.h).
*/
#include "dead.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* A set of a template's locals: bit j for its j-th local (Template.locals[j]). */
typedef struct Liveness {
    uint32_t words;   /* uint64_t words a set takes */
    uint64_t *sets;   /* live_in of every instruction: n_code sets */
    int32_t *slot_of; /* Program.vars index -> local number, or -1 for another template's */
    uint32_t *wake;   /* code index of a SLEEP -> its position's wake position, else UINT32_MAX */
} Liveness;

static uint64_t *set_at(const Liveness *lv, uint32_t pc)
{
    return lv->sets + (size_t)pc * lv->words;
}

static void set_add(uint64_t *set, uint32_t j)
{
    set[j / 64] |= UINT64_C(1) << (j % 64);
}

static bool set_has(const uint64_t *set, uint32_t j)
{
    return set[j / 64] >> (j % 64) & 1;
}

/* Every local var a property reads (LOAD_TL, LOAD_TLA): it is live everywhere. */
static void mark_read_by_properties(const Program *prog, bool *keep)
{
    for (uint32_t pc = 0; pc < prog->n_prop_code; pc++) {
        const Ins *in = &prog->prop_code[pc];
        if (in->op == OP_LOAD_TL || in->op == OP_LOAD_TLA)
            keep[in->a] = true;
    }
}

/* Add live_in of instruction 'to' to 'out'. */
static void flow_from(const Liveness *lv, uint32_t to, uint64_t *out)
{
    const uint64_t *in = set_at(lv, to);
    for (uint32_t w = 0; w < lv->words; w++)
        out[w] |= in[w];
}

/* live_out of instruction 'pc' of template 't' into 'out' (cleared first). */
static void live_out(const Template *t, const Liveness *lv, uint32_t pc, uint64_t *out)
{
    memset(out, 0, lv->words * sizeof *out);
    const Ins *in = &t->code[pc];
    switch (in->op) {
    case OP_JMP:
        flow_from(lv, (uint32_t)in->a, out);
        return;
    case OP_JZ:
    case OP_JNZ:
    case OP_JZ_OR_POP:
    case OP_JNZ_OR_POP:
        flow_from(lv, (uint32_t)in->a, out);
        break;
    case OP_QBEGIN:
    case OP_QNEXT:
        flow_from(lv, (uint32_t)in->b, out);
        break;
    case OP_CHOOSE:
        for (int32_t k = 0; k < in->a; k++)
            flow_from(lv, pc + 1 + (uint32_t)k, out);
        return;
    case OP_END_STEP:
        flow_from(lv, t->pos[in->a].code, out);
        return;
    case OP_SLEEP:
        assert(lv->wake[pc] != UINT32_MAX && "a SLEEP outside a sleep position");
        flow_from(lv, t->pos[lv->wake[pc]].code, out);
        return;
    case OP_HALT:
    case OP_RET:
        return;
    default:
        break;
    }
    if (pc + 1 < t->n_code)
        flow_from(lv, pc + 1, out);
}

/* live_in = (live_out - what 'in' writes) + what it reads. */
static void transfer(const Ins *in, const Liveness *lv, uint64_t *set)
{
    int32_t j = (in->op == OP_STORE_L || in->op == OP_LOAD_L || in->op == OP_LOAD_LA)
                    ? lv->slot_of[in->a]
                    : -1;
    if (j < 0)
        return;
    if (in->op == OP_STORE_L)
        set[j / 64] &= ~(UINT64_C(1) << (j % 64));
    else
        set_add(set, (uint32_t)j);
}

/* Iterate live_in to its fixpoint over template 't' (every set starts empty). */
static void solve(const Template *t, Liveness *lv)
{
    uint64_t *tmp = xcalloc(lv->words, sizeof *tmp);
    for (bool changed = true; changed;) {
        changed = false;
        for (uint32_t pc = t->n_code; pc-- > 0;) {
            live_out(t, lv, pc, tmp);
            transfer(&t->code[pc], lv, tmp);
            uint64_t *cur = set_at(lv, pc);
            if (memcmp(cur, tmp, lv->words * sizeof *tmp) != 0) {
                memcpy(cur, tmp, lv->words * sizeof *tmp);
                changed = true;
            }
        }
    }
    free(tmp);
}

/* The dead locals of every position of template 'ti' but those 'keep' names (one flag per
** Program.vars entry), into its dead_first/dead_vars; the END_STEPs to a position with some are
** marked. Returns how many (position, local) pairs there are. */
static uint32_t reduce_template(Program *prog, uint32_t ti, const bool *keep)
{
    Template *t = &prog->templates[ti];
    Liveness lv = {.words = (t->n_locals + 63) / 64};
    if (!t->n_locals || !t->n_code)
        return 0;
    lv.sets = xcalloc((size_t)t->n_code * lv.words, sizeof *lv.sets);
    lv.slot_of = xmalloc(prog->n_vars * sizeof *lv.slot_of);
    for (uint32_t v = 0; v < prog->n_vars; v++)
        lv.slot_of[v] = -1;
    for (uint32_t j = 0; j < t->n_locals; j++)
        lv.slot_of[t->locals[j]] = (int32_t)j;
    lv.wake = xmalloc(t->n_code * sizeof *lv.wake);
    for (uint32_t pc = 0; pc < t->n_code; pc++)
        lv.wake[pc] = UINT32_MAX;
    for (uint32_t p = 0; p < t->n_pos; p++)
        if (t->pos[p].kind == POS_SLEEP)
            lv.wake[t->pos[p].code] = t->pos[p].wake;
    solve(t, &lv);

    t->dead_first = xcalloc(t->n_pos + 1, sizeof *t->dead_first);
    t->dead_vars = xmalloc((size_t)t->n_pos * t->n_locals * sizeof *t->dead_vars);
    uint32_t n = 0;
    for (uint32_t p = 0; p < t->n_pos; p++) {
        t->dead_first[p] = n;
        const uint64_t *live = set_at(&lv, t->pos[p].code);
        for (uint32_t j = 0; j < t->n_locals; j++)
            if (!set_has(live, j) && !keep[t->locals[j]])
                t->dead_vars[n++] = t->locals[j];
    }
    t->dead_first[t->n_pos] = n;
    for (uint32_t pc = 0; pc < t->n_code; pc++) {
        Ins *in = &t->code[pc];
        if (in->op == OP_END_STEP)
            in->b = t->dead_first[in->a + 1] > t->dead_first[in->a];
    }
    free(lv.sets);
    free(lv.slot_of);
    free(lv.wake);
    return n;
}

uint32_t dead_reduce(Program *prog, const bool *keep)
{
    assert(!prog->is_reduced_dead && "dead_reduce twice");
    bool *all = xcalloc(prog->n_vars ? prog->n_vars : 1, sizeof *all);
    for (uint32_t v = 0; keep && v < prog->n_vars; v++)
        all[v] = keep[v];
    mark_read_by_properties(prog, all); /* threads read only their own locals (compile.c) */
    uint32_t n = 0;
    for (uint32_t ti = 0; ti < prog->n_templates; ti++)
        n += reduce_template(prog, ti, all);
    free(all);
    prog->is_reduced_dead = true;
    prog->n_dead = n;
    return n;
}
