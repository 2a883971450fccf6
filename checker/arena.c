/*
** arena.c -- bump allocator: a list of blocks, each at least 64 KiB.
**
** Large requests get a block of their own, so a 1 MB token never wastes a whole block's tail.
*/
#include "arena.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

typedef struct Block {
    struct Block *next; /* older block */
    size_t used;        /* bytes handed out from data */
    size_t cap;         /* bytes in data */
    alignas(max_align_t) unsigned char data[];
} Block;

struct Arena {
    Block *head; /* newest block; allocation happens here */
};

enum { ARENA_BLOCK = 64 * 1024 };

Arena *arena_new(void)
{
    return xcalloc(1, sizeof(Arena));
}

void arena_free(Arena *a)
{
    if (!a)
        return;
    for (Block *b = a->head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(a);
}

void *arena_alloc(Arena *a, size_t n)
{
    const size_t align = alignof(max_align_t);
    n = (n + align - 1) & ~(align - 1);
    Block *b = a->head;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        b = xmalloc(sizeof(Block) + cap);
        b->used = 0;
        b->cap = cap;
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

char *arena_strndup(Arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}
