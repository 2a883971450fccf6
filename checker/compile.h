/*
** compile.h -- from the syntax tree to a Program: names, values, the state layout, step code.
**
** compile_model() resolves every name (declared before use), computes constant expressions
** (with -D overrides), checks what DESIGN.md section 6 calls model errors, lays out the state
** vector and generates each thread template's step code and each property's code. Errors go to
** the Diag with a location; nothing is printed. Single thread only.
*/
#ifndef WEFT_COMPILE_H
#define WEFT_COMPILE_H

#include <stddef.h>
#include <stdint.h>

#include "ast.h"
#include "diag.h"
#include "program.h"

/* A '-D NAME=VALUE' override of a const. */
typedef struct Define {
    const char *name; /* the const's name */
    int32_t value;    /* its new value */
} Define;

/* Compile 'model' (an AST_MODEL from parse_model over 'src'). Returns the Program, or NULL
** when an error was recorded in 'd', or when a define names no const of the model: then
** *tool_err_out is set to a one-line message for "weft: ..." (caller frees) and 'd' is
** untouched. The tree is only read; the Program owns copies of everything it keeps. */
Program *compile_model(const AstNode *model, const Source *src, const Define *defs, size_t n_defs,
                       Diag *d, char **tool_err_out);

/* Parse 'src' and, when the parse recorded no error in 'd', compile it: compile_model's result,
** with the same errors in 'd' or *tool_err_out (set to NULL first). The tree is freed here. */
Program *compile_source(const Source *src, const Define *defs, size_t n_defs, Diag *d,
                        char **tool_err_out);

/* Lay out the state vector of 'prog' from its declarations (ranges, positions, thread count,
** queue capacities): set every field's width and offset in bits, packed with no padding
** (state.h). Returns the vector's bytes, or 0 when it would exceed 512 MiB. compile_model()
** calls it; tests that build a Program by hand call it too. */
uint32_t compile_layout(Program *prog);

/* Bound 'prog' to schedules of at most 'max' preemptions (--max-preemptions): lay its state out
** again with the bound's two fields after the thread blocks (Program.is_bounded). False, with
** 'prog' unchanged, when the state would then pass 512 MiB. Before any search of 'prog'. */
bool compile_bound_preemptions(Program *prog, uint32_t max);

#endif
