/*
** program.c -- the compiled model: freeing it, its initial state, and a readable listing.
**
** prog_dump() prints the layout, every template's positions and code, and the properties in a
** stable text form that the compiler tests compare line by line, as Lua tests its code
** generator. prog_initial_state() writes every field from the declared initial values.
*/
#include "program.h"

#include <stdlib.h>
#include <string.h>

#include "state.h"

/* clang-format off */
static const char *const op_names[] = {
#define X(name) #name,
    OP_LIST(X)
#undef X
};
/* clang-format on */

const char *prog_op_name(Opcode op)
{
    if ((unsigned)op >= N_OPCODES)
        return "?";
    return op_names[op];
}

/* ---- freeing ---- */

static void template_fini(Template *t)
{
    free(t->name);
    for (uint32_t p = 0; p < t->n_pos; p++)
        free(t->pos[p].text);
    free(t->pos);
    free(t->locals);
    free(t->code);
    free(t->code_line);
    for (uint32_t l = 0; l < t->n_labels; l++) {
        free(t->labels[l]);
        free(t->label_at[l]);
    }
    free(t->labels);
    free(t->label_at);
    free(t->dead_first);
    free(t->dead_vars);
}

void prog_free(Program *prog)
{
    if (!prog)
        return;
    free(prog->model_name);
    for (uint32_t i = 0; i < prog->n_vars; i++) {
        free(prog->vars[i].name);
        free(prog->vars[i].init);
    }
    free(prog->vars);
    for (uint32_t i = 0; i < prog->n_mutexes; i++)
        free(prog->mutexes[i].name);
    free(prog->mutexes);
    for (uint32_t i = 0; i < prog->n_conds; i++)
        free(prog->conds[i].name);
    free(prog->conds);
    for (uint32_t i = 0; i < prog->n_queues; i++) {
        free(prog->queues[i].name);
        free(prog->queues[i].init);
    }
    free(prog->queues);
    for (uint32_t i = 0; i < prog->n_templates; i++)
        template_fini(&prog->templates[i]);
    free(prog->templates);
    for (uint32_t i = 0; i < prog->n_threads; i++)
        free(prog->threads[i].name);
    free(prog->threads);
    for (uint32_t i = 0; i < prog->n_props; i++) {
        Property *p = &prog->props[i];
        free(p->label);
        free(p->text);
        for (uint32_t k = 0; k < p->n_terms; k++)
            free(p->terms[k].text);
        free(p->terms);
    }
    free(prog->props);
    free(prog->prop_code);
    free(prog->prop_code_line);
    for (uint32_t i = 0; i < prog->n_asserts; i++)
        free(prog->asserts[i].text);
    free(prog->asserts);
    for (uint32_t i = 0; i < prog->n_consts; i++)
        free(prog->const_names[i]);
    free(prog->const_names);
    free(prog->const_values);
    free(prog);
}

/* ---- the initial state ---- */

bool prog_has_assert(const Program *prog)
{
    for (uint32_t t = 0; t < prog->n_templates; t++)
        for (uint32_t i = 0; i < prog->templates[t].n_code; i++)
            if (prog->templates[t].code[i].op == OP_ASSERT)
                return true;
    return false;
}

const char *prog_assert_text(const Program *prog, uint32_t line)
{
    for (uint32_t i = 0; i < prog->n_asserts; i++)
        if (prog->asserts[i].line == line)
            return prog->asserts[i].text;
    return NULL;
}

bool prog_has_final(const Program *prog)
{
    for (uint32_t p = 0; p < prog->n_props; p++)
        if (prog->props[p].kind == PROP_FINAL)
            return true;
    return false;
}

void prog_initial_state(const Program *prog, uint8_t *out)
{
    memset(out, 0, prog->state_size); /* mutexes free, queue slots zero */
    for (uint32_t i = 0; i < prog->n_shared; i++)
        for (uint32_t e = 0; e < prog->vars[i].size; e++)
            state_var_set(prog, out, i, 0, e, prog->vars[i].init[e]);
    for (uint32_t q = 0; q < prog->n_queues; q++) {
        const Queue *qu = &prog->queues[q];
        state_set_queue_len(prog, out, q, qu->n_init);
        for (uint32_t e = 0; e < qu->n_init; e++)
            state_set_queue_elem(prog, out, q, e, qu->init[e]);
    }
    for (uint32_t tid = 0; tid < prog->n_threads; tid++) {
        const Thread *th = &prog->threads[tid];
        const Template *t = &prog->templates[th->tmpl];
        state_set_pos(prog, out, tid, t->start);
        for (uint32_t l = 0; l < t->n_locals; l++) {
            const Var *v = &prog->vars[t->locals[l]];
            const int32_t *init = v->init + (size_t)th->index * v->size;
            for (uint32_t e = 0; e < v->size; e++)
                state_var_set(prog, out, t->locals[l], tid, e, init[e]);
        }
    }
}

/* ---- the listing ---- */

/* What an opcode's operands name, so the listing can print the name beside the number. */
typedef enum {
    OPND_NONE,  /* no operand */
    OPND_INT,   /* a: a number or code address */
    OPND_VAR,   /* a: a variable */
    OPND_TVAR,  /* a: a variable, b: a template */
    OPND_MUTEX, /* a: a mutex */
    OPND_COND,  /* a: a cond */
    OPND_WAIT,  /* a: a cond, b: a mutex */
    OPND_QUEUE, /* a: a queue */
    OPND_TMPL,  /* a: a template */
    OPND_TLBL,  /* a: a template, b: one of its labels */
    OPND_TWO,   /* a, b: numbers or code addresses */
    OPND_POS    /* a: a position */
} OperandKind;

static OperandKind operand_kind(Opcode op)
{
    switch (op) {
    case OP_PUSH:
    case OP_JMP:
    case OP_JZ:
    case OP_JNZ:
    case OP_JZ_OR_POP:
    case OP_JNZ_OR_POP:
    case OP_QLOAD:
    case OP_CHOOSE:
        return OPND_INT;
    case OP_QBEGIN:
    case OP_QNEXT:
        return OPND_TWO;
    case OP_LOAD_G:
    case OP_LOAD_GA:
    case OP_LOAD_L:
    case OP_LOAD_LA:
    case OP_STORE_G:
    case OP_STORE_GA:
    case OP_STORE_L:
    case OP_STORE_LA:
        return OPND_VAR;
    case OP_LOAD_TL:
    case OP_LOAD_TLA:
        return OPND_TVAR;
    case OP_HELD:
    case OP_LOCK:
    case OP_TRYLOCK:
    case OP_UNLOCK:
        return OPND_MUTEX;
    case OP_SIGNAL:
    case OP_BROADCAST:
        return OPND_COND;
    case OP_WAIT:
        return OPND_WAIT;
    case OP_LEN:
    case OP_PUT:
    case OP_PUT_TRY:
    case OP_GET:
    case OP_GET_TRY:
        return OPND_QUEUE;
    case OP_DONE:
        return OPND_TMPL;
    case OP_AT:
    case OP_COUNT:
        return OPND_TLBL;
    case OP_END_STEP:
        return OPND_POS;
    default:
        return OPND_NONE;
    }
}

static const char *label_name(const Program *prog, int32_t tmpl, int32_t label)
{
    if (tmpl < 0 || (uint32_t)tmpl >= prog->n_templates)
        return "?";
    const Template *t = &prog->templates[tmpl];
    if (label < 0 || (uint32_t)label >= t->n_labels)
        return "?";
    return t->labels[label];
}

static void dump_ins(const Program *prog, const Ins *in, FILE *out)
{
    fprintf(out, "%s", prog_op_name(in->op));
    switch (operand_kind(in->op)) {
    case OPND_NONE:
        break;
    case OPND_INT:
        fprintf(out, " %d", (int)in->a);
        break;
    case OPND_POS:
        fprintf(out, " %d%s", (int)in->a, in->b ? " reset" : "");
        break;
    case OPND_TWO:
        fprintf(out, " %d %d", (int)in->a, (int)in->b);
        break;
    case OPND_VAR:
        fprintf(out, " %d (%s)", (int)in->a, prog->vars[in->a].name);
        break;
    case OPND_TVAR:
        fprintf(out, " %d %d (%s.%s)", (int)in->a, (int)in->b, prog->templates[in->b].name,
                prog->vars[in->a].name);
        break;
    case OPND_MUTEX:
        fprintf(out, " %d (%s)", (int)in->a, prog->mutexes[in->a].name);
        break;
    case OPND_COND:
        fprintf(out, " %d (%s)", (int)in->a, prog->conds[in->a].name);
        break;
    case OPND_WAIT:
        fprintf(out, " %d %d (%s, %s)", (int)in->a, (int)in->b, prog->conds[in->a].name,
                prog->mutexes[in->b].name);
        break;
    case OPND_QUEUE:
        fprintf(out, " %d (%s)", (int)in->a, prog->queues[in->a].name);
        break;
    case OPND_TMPL:
        fprintf(out, " %d (%s)", (int)in->a, prog->templates[in->a].name);
        break;
    case OPND_TLBL:
        fprintf(out, " %d %d (%s@%s)", (int)in->a, (int)in->b, prog->templates[in->a].name,
                label_name(prog, in->a, in->b));
        break;
    }
    fputc('\n', out);
}

static void dump_values(const int32_t *v, uint32_t n, FILE *out)
{
    fputs(" [", out);
    for (uint32_t i = 0; i < n; i++)
        fprintf(out, "%s%d", i ? ", " : "", (int)v[i]);
    fputc(']', out);
}

static void dump_var(const Program *prog, uint32_t i, uint32_t n_inst, FILE *out)
{
    const Var *v = &prog->vars[i];
    fprintf(out, "%svar %u %s", v->scope == VAR_LOCAL ? "  " : "", i, v->name);
    if (v->is_array)
        fprintf(out, "[%u]", v->size);
    if (v->has_range)
        fprintf(out, ": %d..%d", (int)v->lo, (int)v->hi);
    fprintf(out, " bit_off %u bits %u line %u init", v->bit_off, v->bits, v->line);
    for (uint32_t t = 0; t < n_inst; t++)
        dump_values(v->init + (size_t)t * v->size, v->size, out);
    fputc('\n', out);
}

static const char *const pos_kind_names[] = {"step", "sleep", "relock", "end"};

static void dump_template(const Program *prog, uint32_t ti, FILE *out)
{
    const Template *t = &prog->templates[ti];
    fprintf(out, "template %u %s", ti, t->name);
    if (t->is_array)
        fprintf(out, "[%u]", t->count);
    fprintf(out, " first_tid %u n_pos %u pc_bits %u block_bits %u", t->first_tid, t->n_pos,
            t->pc_bits, t->block_bits);
    if (t->start)
        fprintf(out, " start %u", t->start);
    fputc('\n', out);
    for (uint32_t l = 0; l < t->n_locals; l++)
        dump_var(prog, t->locals[l], t->count, out);
    for (uint32_t l = 0; l < t->n_labels; l++) {
        fprintf(out, "  label %u %s at", l, t->labels[l]);
        for (uint32_t p = 0; p < t->n_pos; p++)
            if (t->label_at[l][p])
                fprintf(out, " %u", p);
        fputc('\n', out);
    }
    for (uint32_t p = 0; p < t->n_pos; p++) {
        const Pos *ps = &t->pos[p];
        fprintf(out, "  pos %u %s code %u line %u", p, pos_kind_names[ps->kind], ps->code,
                ps->line);
        if (ps->label >= 0)
            fprintf(out, " label %s", t->labels[ps->label]);
        if (ps->kind == POS_SLEEP)
            fprintf(out, " cond %s wake %u", prog->conds[ps->cond].name, ps->wake);
        if (t->dead_first)
            for (uint32_t k = t->dead_first[p]; k < t->dead_first[p + 1]; k++)
                fprintf(out, "%s%s", k == t->dead_first[p] ? " dead " : ",",
                        prog->vars[t->dead_vars[k]].name);
        fprintf(out, " \"%s\"\n", ps->text);
    }
    for (uint32_t c = 0; c < t->n_code; c++) {
        fprintf(out, "  %4u  line %-3u ", c, t->code_line[c]);
        dump_ins(prog, &t->code[c], out);
    }
}

static void dump_props(const Program *prog, FILE *out)
{
    for (uint32_t i = 0; i < prog->n_props; i++) {
        const Property *p = &prog->props[i];
        fprintf(out, "%s %s line %u code %u \"%s\"\n",
                p->kind == PROP_INVARIANT ? "invariant" : "final", p->label ? p->label : "-",
                p->line, p->code, p->text);
        for (uint32_t k = 0; k < p->n_terms; k++) {
            const PropTerm *term = &p->terms[k];
            if (term->var >= 0)
                fprintf(out, "  term \"%s\" var %d\n", term->text, (int)term->var);
            else
                fprintf(out, "  term \"%s\" code %u\n", term->text, term->code);
        }
    }
    for (uint32_t c = 0; c < prog->n_prop_code; c++) {
        fprintf(out, "  %4u  line %-3u ", c, prog->prop_code_line[c]);
        dump_ins(prog, &prog->prop_code[c], out);
    }
}

void prog_dump(const Program *prog, FILE *out)
{
    fprintf(out, "state_size %u stack_max %u slots %u\n", prog->state_size, prog->stack_max,
            prog->n_slots);
    if (prog->is_bounded)
        fprintf(out,
                "bound max_preemptions %u last_bit_off %u last_bits %u preempt_bit_off %u "
                "preempt_bits %u\n",
                prog->max_preemptions, prog->last_bit_off, prog->last_bits, prog->preempt_bit_off,
                prog->preempt_bits);
    if (prog->is_reduced_dead)
        fprintf(out, "reduce dead %u\n", prog->n_dead);
    for (uint32_t i = 0; i < prog->n_consts; i++)
        fprintf(out, "const %s = %d\n", prog->const_names[i], (int)prog->const_values[i]);
    for (uint32_t i = 0; i < prog->n_shared; i++)
        dump_var(prog, i, 1, out);
    for (uint32_t i = 0; i < prog->n_mutexes; i++)
        fprintf(out, "mutex %u %s bit_off %u bits %u\n", i, prog->mutexes[i].name,
                prog->mutexes[i].bit_off, prog->mutexes[i].bits);
    for (uint32_t i = 0; i < prog->n_conds; i++)
        fprintf(out, "cond %u %s\n", i, prog->conds[i].name);
    for (uint32_t i = 0; i < prog->n_queues; i++) {
        const Queue *q = &prog->queues[i];
        fprintf(out, "queue %u %s[%u]", i, q->name, q->cap);
        if (q->has_range)
            fprintf(out, ": %d..%d", (int)q->lo, (int)q->hi);
        fprintf(out, " len_bit_off %u len_bits %u bit_off %u bits %u init", q->len_bit_off,
                q->len_bits, q->bit_off, q->bits);
        dump_values(q->init, q->n_init, out);
        fputc('\n', out);
    }
    for (uint32_t i = 0; i < prog->n_threads; i++)
        fprintf(out, "thread %u %s template %u index %u bit_base %u\n", i, prog->threads[i].name,
                prog->threads[i].tmpl, prog->threads[i].index, prog->threads[i].bit_base);
    for (uint32_t i = 0; i < prog->n_templates; i++)
        dump_template(prog, i, out);
    dump_props(prog, out);
}
