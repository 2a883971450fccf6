/*
** progbuild.h -- build small Programs by hand for executor tests, without the compiler.
**
** pb_new() starts an empty Program with room for a few of everything; declare variables,
** mutexes, conds, queues and thread templates, append each template's code and positions (the
** end position, whose code is HALT, last), then pb_finish() lays out the state vector the way
** program.h describes it. Free with pb_free(), never prog_free(): the builder owns the memory.
** Test code only; single thread.
*/
#ifndef WEFT_PROGBUILD_H
#define WEFT_PROGBUILD_H

#include <stdbool.h>
#include <stdint.h>

#include "program.h"

enum {
    PB_MAX = 16,       /* vars, mutexes, conds, queues, templates, threads, props, labels */
    PB_MAX_CODE = 256, /* instructions per template, and of property code */
    PB_MAX_POS = 64,   /* positions per template */
};

/* A shared variable of 'size' elements (is_array when size > 1), every element 'init'. */
uint32_t pb_shared(Program *p, const char *name, uint32_t size, int32_t init);
/* The same with a declared range lo..hi (packed narrow when it fits). */
uint32_t pb_shared_range(Program *p, const char *name, uint32_t size, int32_t lo, int32_t hi,
                         int32_t init);
uint32_t pb_mutex(Program *p, const char *name);
uint32_t pb_cond(Program *p, const char *name);
/* A queue of capacity 'cap' holding init[0 .. n_init). */
uint32_t pb_queue(Program *p, const char *name, uint32_t cap, uint32_t n_init, const int32_t *init);
/* A thread template with 'count' instances (is_array when count > 1). */
uint32_t pb_thread(Program *p, const char *name, uint32_t count);
/* A local of template 'tmpl', every element of every instance 'init'. */
uint32_t pb_local(Program *p, uint32_t tmpl, const char *name, uint32_t size, int32_t init);
/* Append an instruction of source line 'line' to template tmpl's code; returns its address. */
uint32_t pb_ins(Program *p, uint32_t tmpl, Opcode op, int32_t a, int32_t b, uint32_t line);
/* Append a position; returns its index. */
uint32_t pb_pos(Program *p, uint32_t tmpl, PosKind kind, uint32_t code, int32_t cond,
                uint32_t wake);
/* A label of template tmpl naming positions pos[0 .. n). */
uint32_t pb_label(Program *p, uint32_t tmpl, const char *name, uint32_t n, const uint32_t *pos);
/* Append property code; returns its address. */
uint32_t pb_pins(Program *p, Opcode op, int32_t a, int32_t b);
/* A property whose expression starts at prop_code[code]. */
uint32_t pb_prop(Program *p, PropKind kind, uint32_t code);

Program *pb_new(void);
/* Compute the layout, thread blocks, state size; call once, after every declaration. */
void pb_finish(Program *p);
/* The initial state (p->state_size bytes). */
void pb_initial(const Program *p, uint8_t *out);
void pb_free(Program *p);

#endif
