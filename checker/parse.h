/*
** parse.h -- recursive descent from tokens to the syntax tree of ast.h.
**
** parse_model() always returns an AST_MODEL node (possibly partial); when it recorded errors in
** 'd' (diag_count(d) > 0) the caller must not go on. It resynchronises at the next statement or
** '}' after an error and stops after DIAG_MAX_ERRORS. Nesting deeper than PARSE_MAX_DEPTH is an
** error, never a stack overflow. Single thread only.
*/
#ifndef WEFT_PARSE_H
#define WEFT_PARSE_H

#include "arena.h"
#include "ast.h"
#include "diag.h"

enum { PARSE_MAX_DEPTH = 1000 };

/* Parse the whole of 'src'; nodes live in 'arena'. */
AstNode *parse_model(Arena *arena, const Source *src, Diag *d);

#endif
