/*
** util.h -- aborting allocators, growable arrays, and small helpers (clocks, memory, hints).
**
** xmalloc() and friends never return NULL: on failure they print
** "weft: out of memory (N bytes)" and abort, so call sites never test.
*/
#ifndef WEFT_UTIL_H
#define WEFT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum { UTIL_PAGE = 4096 }; /* bytes of a memory page (the smallest the kernel maps) */

/* Print "weft: out of memory (N bytes)" and abort: for memory got some other way than these. */
_Noreturn void util_oom(size_t n);
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
/* 'n' zeroed bytes aligned to 'align' (a power of two): for data kept on cache lines of its own,
** and for big arrays read before they are written: the zeros are written, so every page is
** faulted in writable at once (never mapped to the shared zero page first). */
void *xcalloc_aligned(size_t align, size_t n);
void *xrealloc(void *p, size_t n);
/* A hint: give the whole pages of the 'n' bytes at 'p' memory now, in one system call
** (madvise MADV_POPULATE_WRITE), instead of one page fault at a time as they are first
** written; for big arrays about to be written through. Does nothing on a kernel without it
** (Linux < 5.14) or for a range of fewer than two pages. */
void util_populate(void *p, size_t n);
/* 'n' bytes (not zeroed) for a big array about to be written through: from 4 MiB on, aligned to
** and advised into 2 MiB pages (MADV_HUGEPAGE, where transparent huge pages are on), then given
** memory at once (util_populate). Freed with free(). */
void *xmalloc_big(size_t n);
/* 'bytes' of address space (no memory yet, readable and writable, private and anonymous, with
** the mmap 'flags' added, such as MAP_NORESERVE) at a multiple of 'align', a power of two: a
** mapping 'align' bytes longer, its ends cut off. NULL if the system refuses. Freed with
** munmap. */
void *util_map_aligned(size_t bytes, size_t align, int flags);
/* A big array that grows in place: '*p', of '*cap' entries of 'size' bytes (0: none yet), grown
** to at least 'n' entries (doubling). Grown by mremap, which moves the pages already written
** without copying them, and the new pages get memory only as they are first written: an array
** filled as it grows holds about what it uses, never that and a copy. Past 1 MiB it jumps to 4
** MiB or more (copied once); from 4 MiB on, advised into 2 MiB pages and kept at an address that
** is a multiple of 2 MiB (grown in place or moved to one; anywhere if the address space has no
** room for that), so that the huge pages written stay mapped whole when it moves. Aborts as
** xmalloc does if the system refuses. Freed with util_map_free. */
void util_map_grow(void **p, size_t *cap, size_t n, size_t size);
/* Free an array of util_map_grow ('cap' and 'size' as it left them; nothing if 'cap' is 0). */
void util_map_free(void *p, size_t cap, size_t size);
/* The rest of the stream 'f' in new memory (NUL-terminated, *len_out bytes before the NUL);
** false on a read error (*why_out its errno: a directory, EISDIR) or past 'max_len' bytes
** (*why_out 0). */
bool util_read_all(FILE *f, size_t max_len, char **text_out, size_t *len_out, int *why_out);
/* A stream that writes into memory, as open_memstream does: '*text' (to be freed) holds what
** was written, NUL-terminated, '*len' bytes, once it is flushed or closed. Unlike
** open_memstream, whose writes are cut short without an error when its buffer cannot grow, its
** buffer grows by xrealloc, so a text is never silently cut short. */
FILE *xmemstream(char **text, size_t *len);

/* True if 's' ends with 'suffix' ("race.weft", ".weft"). */
bool util_has_suffix(const char *s, const char *suffix);

char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Growable array of T: declare with VEC(T) name = {0}; free with vec_free. */
#define VEC(T)      \
    struct {        \
        T *items;   \
        size_t len; \
        size_t cap; \
    }

/* Make room for one more item: items[len] may then be written. */
#define vec_room(v)                                                           \
    do {                                                                      \
        if ((v)->len == (v)->cap) {                                           \
            (v)->cap = (v)->cap ? (v)->cap * 2 : 8;                           \
            (v)->items = xrealloc((v)->items, (v)->cap * sizeof *(v)->items); \
        }                                                                     \
    } while (0)

/* Append 'x' (an expression of the element type). */
#define vec_push(v, x)                \
    do {                              \
        vec_room(v);                  \
        (v)->items[(v)->len++] = (x); \
    } while (0)

#define vec_free(v)              \
    do {                         \
        free((v)->items);        \
        (v)->items = NULL;       \
        (v)->len = (v)->cap = 0; \
    } while (0)

/* A formatted string in new memory (the caller frees it). */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable NUL-terminated string: declare with StrBuf b = {0}. */
typedef struct StrBuf {
    char *s;    /* the text, or NULL while nothing was added */
    size_t len; /* bytes before the NUL */
    size_t cap; /* bytes allocated */
} StrBuf;

/* Append formatted text. */
void strbuf_addf(StrBuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The text, or a copy of 'if_empty' when nothing was added; the caller owns it and 'b' is
** empty again. */
char *strbuf_take(StrBuf *b, const char *if_empty);

/* The processor has PREFETCHW, x86's prefetch for writing (CPUID 0x80000001, ECX bit 8: every
** x86-64 AMD processor, Intel's since Broadwell); set as the program starts. */
extern bool util_has_prefetchw;

/* A hint: start taking the cache line at 'p' for writing, the other cores' copies dropped, so
** that a store or a locked instruction on it later does not wait for that. Not
** __builtin_prefetch(p, 1): without -mprfchw, which x86-64's baseline lacks, GCC makes that a
** read prefetch, and a line read into two cores' caches must be taken from the other again
** when written. On a processor without PREFETCHW, a read prefetch. */
static inline void util_prefetch_write(const void *p)
{
#if defined(__x86_64__) || defined(__i386__)
    if (util_has_prefetchw)
        __asm__ volatile("prefetchw %0" : : "m"(*(const char *)p));
    else
        __builtin_prefetch(p);
#else
    __builtin_prefetch(p, 1);
#endif
}

/* Monotonic clock in seconds. */
double util_now(void);
/* CPU seconds used so far by every thread of the process. */
double util_cpu_now(void);
/* The process's limit of address space in bytes (ulimit -v, RLIMIT_AS), 0 if none. */
size_t util_address_space_limit(void);
/* Edit distance between two strings, capped at 'cap' (returns cap+1 past it). */
size_t util_edit_distance(const char *a, const char *b, size_t cap);
/* The length of the UTF-8 sequence at 'p' (at most 'n' bytes) and its code point in *cp; 0 if
** no valid sequence of 2 to 4 bytes starts there. */
size_t util_utf8_sequence(const unsigned char *p, size_t n, uint32_t *cp);

#endif
