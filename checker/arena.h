/*
** arena.h -- bump allocator for everything that dies after compilation.
**
** Tokens, AST nodes and symbols live in one Arena and are freed in one call; nothing frees a
** single object. Single thread only.
*/
#ifndef WEFT_ARENA_H
#define WEFT_ARENA_H

#include <stddef.h>

typedef struct Arena Arena; /* opaque */

Arena *arena_new(void);
void arena_free(Arena *a); /* arena_free(NULL) does nothing */

/* Zeroed memory for 'n' bytes, aligned for any type; lives until arena_free. */
void *arena_alloc(Arena *a, size_t n);
/* A NUL-terminated copy of s[0..n). */
char *arena_strndup(Arena *a, const char *s, size_t n);

#endif
