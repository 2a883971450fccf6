/*
** progbuild.c -- hand-built Programs for executor tests (see progbuild.h).
**
** Every array is allocated at its PB_MAX capacity up front, so the builder only counts; the
** layout is compile_layout()'s, the one compiled models get (bit-packed fields, state.h).
*/
#include "progbuild.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "state.h"
#include "util.h"

Program *pb_new(void)
{
    Program *p = xcalloc(1, sizeof *p);
    p->model_name = xstrdup("<built>");
    p->vars = xcalloc(PB_MAX, sizeof *p->vars);
    p->mutexes = xcalloc(PB_MAX, sizeof *p->mutexes);
    p->conds = xcalloc(PB_MAX, sizeof *p->conds);
    p->queues = xcalloc(PB_MAX, sizeof *p->queues);
    p->templates = xcalloc(PB_MAX, sizeof *p->templates);
    p->threads = xcalloc(PB_MAX, sizeof *p->threads);
    p->props = xcalloc(PB_MAX, sizeof *p->props);
    p->prop_code = xcalloc(PB_MAX_CODE, sizeof *p->prop_code);
    p->prop_code_line = xcalloc(PB_MAX_CODE, sizeof *p->prop_code_line);
    p->stack_max = 32;
    p->n_slots = 8;
    return p;
}

static Var *add_var(Program *p, const char *name, uint32_t size, int32_t init, uint32_t n_inits)
{
    assert(p->n_vars < PB_MAX && "too many variables for progbuild");
    Var *v = &p->vars[p->n_vars++];
    v->name = xstrdup(name);
    v->size = size;
    v->is_array = size > 1;
    v->init = xcalloc((size_t)size * n_inits, sizeof *v->init);
    for (uint32_t i = 0; i < size * n_inits; i++)
        v->init[i] = init;
    return v;
}

uint32_t pb_shared(Program *p, const char *name, uint32_t size, int32_t init)
{
    assert(p->n_vars == p->n_shared && "declare shared variables before locals");
    add_var(p, name, size, init, 1)->scope = VAR_SHARED;
    return p->n_shared++;
}

uint32_t pb_shared_range(Program *p, const char *name, uint32_t size, int32_t lo, int32_t hi,
                         int32_t init)
{
    uint32_t var = pb_shared(p, name, size, init);
    Var *v = &p->vars[var];
    v->has_range = true;
    v->lo = lo;
    v->hi = hi;
    return var;
}

uint32_t pb_mutex(Program *p, const char *name)
{
    assert(p->n_mutexes < PB_MAX && "too many mutexes for progbuild");
    p->mutexes[p->n_mutexes].name = xstrdup(name);
    return p->n_mutexes++;
}

uint32_t pb_cond(Program *p, const char *name)
{
    assert(p->n_conds < PB_MAX && "too many conds for progbuild");
    p->conds[p->n_conds].name = xstrdup(name);
    return p->n_conds++;
}

uint32_t pb_queue(Program *p, const char *name, uint32_t cap, uint32_t n_init, const int32_t *init)
{
    assert(p->n_queues < PB_MAX && n_init <= cap && "bad queue for progbuild");
    Queue *q = &p->queues[p->n_queues];
    q->name = xstrdup(name);
    q->cap = cap;
    q->n_init = n_init;
    q->init = xcalloc(cap, sizeof *q->init);
    if (n_init)
        memcpy(q->init, init, n_init * sizeof *init);
    return p->n_queues++;
}

uint32_t pb_thread(Program *p, const char *name, uint32_t count)
{
    assert(p->n_templates < PB_MAX && "too many templates for progbuild");
    Template *t = &p->templates[p->n_templates];
    t->name = xstrdup(name);
    t->is_array = count > 1;
    t->count = count;
    t->pos = xcalloc(PB_MAX_POS, sizeof *t->pos);
    t->locals = xcalloc(PB_MAX, sizeof *t->locals);
    t->code = xcalloc(PB_MAX_CODE, sizeof *t->code);
    t->code_line = xcalloc(PB_MAX_CODE, sizeof *t->code_line);
    t->labels = xcalloc(PB_MAX, sizeof *t->labels);
    t->label_at = xcalloc(PB_MAX, sizeof *t->label_at);
    return p->n_templates++;
}

uint32_t pb_local(Program *p, uint32_t tmpl, const char *name, uint32_t size, int32_t init)
{
    Template *t = &p->templates[tmpl];
    Var *v = add_var(p, name, size, init, t->count);
    v->scope = VAR_LOCAL;
    v->tmpl = tmpl;
    t->locals[t->n_locals++] = p->n_vars - 1;
    return p->n_vars - 1;
}

uint32_t pb_ins(Program *p, uint32_t tmpl, Opcode op, int32_t a, int32_t b, uint32_t line)
{
    Template *t = &p->templates[tmpl];
    assert(t->n_code < PB_MAX_CODE && "too much code for progbuild");
    t->code[t->n_code] = (Ins){.op = (uint8_t)op, .a = a, .b = b};
    t->code_line[t->n_code] = line;
    return t->n_code++;
}

uint32_t pb_pos(Program *p, uint32_t tmpl, PosKind kind, uint32_t code, int32_t cond, uint32_t wake)
{
    Template *t = &p->templates[tmpl];
    assert(t->n_pos < PB_MAX_POS && "too many positions for progbuild");
    t->pos[t->n_pos] = (Pos){.kind = kind,
                             .code = code,
                             .line = t->code_line[code],
                             .label = -1,
                             .text = xstrdup(kind == POS_END ? "end" : "step"),
                             .cond = cond,
                             .wake = wake};
    return t->n_pos++;
}

uint32_t pb_label(Program *p, uint32_t tmpl, const char *name, uint32_t n, const uint32_t *pos)
{
    Template *t = &p->templates[tmpl];
    assert(t->n_labels < PB_MAX && "too many labels for progbuild");
    t->labels[t->n_labels] = xstrdup(name);
    t->label_at[t->n_labels] = xcalloc(PB_MAX_POS, 1);
    for (uint32_t i = 0; i < n; i++)
        t->label_at[t->n_labels][pos[i]] = 1;
    return t->n_labels++;
}

uint32_t pb_pins(Program *p, Opcode op, int32_t a, int32_t b)
{
    assert(p->n_prop_code < PB_MAX_CODE && "too much property code for progbuild");
    p->prop_code[p->n_prop_code] = (Ins){.op = (uint8_t)op, .a = a, .b = b};
    return p->n_prop_code++;
}

uint32_t pb_prop(Program *p, PropKind kind, uint32_t code)
{
    assert(p->n_props < PB_MAX && "too many properties for progbuild");
    p->props[p->n_props] = (Property){.kind = kind, .text = xstrdup("prop"), .code = code};
    return p->n_props++;
}

/* Create the thread instances of every template, in declaration order. */
static void make_threads(Program *p)
{
    for (uint32_t ti = 0; ti < p->n_templates; ti++) {
        Template *t = &p->templates[ti];
        assert(t->n_pos > 0 && t->code[t->pos[t->n_pos - 1].code].op == OP_HALT &&
               "the last position must be the end position");
        t->first_tid = p->n_threads;
        for (uint32_t i = 0; i < t->count; i++) {
            assert(p->n_threads < PB_MAX && "too many threads for progbuild");
            Thread *th = &p->threads[p->n_threads++];
            char name[64];
            if (t->is_array)
                snprintf(name, sizeof name, "%s[%u]", t->name, i);
            else
                snprintf(name, sizeof name, "%s", t->name);
            th->name = xstrdup(name);
            th->tmpl = ti;
            th->index = i;
        }
    }
}

void pb_finish(Program *p)
{
    make_threads(p);
    p->state_size = compile_layout(p);
}

void pb_initial(const Program *p, uint8_t *out)
{
    prog_initial_state(p, out);
}

void pb_free(Program *p)
{
    if (!p)
        return;
    for (uint32_t i = 0; i < p->n_vars; i++) {
        free(p->vars[i].name);
        free(p->vars[i].init);
    }
    for (uint32_t i = 0; i < p->n_mutexes; i++)
        free(p->mutexes[i].name);
    for (uint32_t i = 0; i < p->n_conds; i++)
        free(p->conds[i].name);
    for (uint32_t i = 0; i < p->n_queues; i++) {
        free(p->queues[i].name);
        free(p->queues[i].init);
    }
    for (uint32_t ti = 0; ti < p->n_templates; ti++) {
        Template *t = &p->templates[ti];
        for (uint32_t i = 0; i < t->n_pos; i++)
            free(t->pos[i].text);
        for (uint32_t i = 0; i < t->n_labels; i++) {
            free(t->labels[i]);
            free(t->label_at[i]);
        }
        free(t->name);
        free(t->pos);
        free(t->locals);
        free(t->code);
        free(t->code_line);
        free(t->labels);
        free(t->label_at);
    }
    for (uint32_t i = 0; i < p->n_threads; i++)
        free(p->threads[i].name);
    for (uint32_t i = 0; i < p->n_props; i++)
        free(p->props[i].text);
    free(p->vars);
    free(p->mutexes);
    free(p->conds);
    free(p->queues);
    free(p->templates);
    free(p->threads);
    free(p->props);
    free(p->prop_code);
    free(p->prop_code_line);
    free(p->model_name);
    free(p);
}
