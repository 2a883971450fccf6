/*
** util.c -- aborting allocators, process memory figures, a monotonic clock.
**
** Allocation failure is not recoverable in weft's front end, so these abort with one line, as
** Redis does. The store has its own budget and never relies on running out of memory here.
*/
#define _GNU_SOURCE /* madvise, mremap */
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14; older headers lack it, older kernels say EINVAL */
#endif

_Noreturn void util_oom(size_t n)
{
    fprintf(stderr, "weft: out of memory (%zu bytes)\n", n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        util_oom(n);
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        util_oom(n * size);
    return p;
}

/* A page fault took 10 us on a virtual machine (a 4 KiB page written for the first time,
** docs/performance-log.md, *The eighth round*), populating a page 5 us; where faults are
** cheap, it saves less. */
void util_populate(void *p, size_t n)
{
    uintptr_t a = ((uintptr_t)p + UTIL_PAGE - 1) & ~(uintptr_t)(UTIL_PAGE - 1);
    uintptr_t e = ((uintptr_t)p + n) & ~(uintptr_t)(UTIL_PAGE - 1);
    if (e >= a + 2 * UTIL_PAGE)
        (void)madvise((void *)a, e - a, MADV_POPULATE_WRITE);
}

void *xmalloc_big(size_t n)
{
    enum { HUGE = 2 << 20 };
    if (n < 2 * HUGE) {
        void *p = xmalloc(n);
        util_populate(p, n);
        return p;
    }
    size_t size = (n + HUGE - 1) / HUGE * HUGE;
    void *p = aligned_alloc(HUGE, size);
    if (!p)
        util_oom(size);
    (void)madvise(p, size, MADV_HUGEPAGE);
    util_populate(p, n);
    return p;
}

/* The bytes mapped for 'cap' entries of 'size' bytes (util_map_grow). */
static size_t map_bytes(size_t cap, size_t size)
{
    return (cap * size + UTIL_PAGE - 1) / UTIL_PAGE * UTIL_PAGE;
}

void *util_map_aligned(size_t bytes, size_t align, int flags)
{
    size_t span = bytes + align;
    uint8_t *m =
        mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    uint8_t *a = (uint8_t *)(((uintptr_t)m + align - 1) & ~(uintptr_t)(align - 1));
    if (a > m)
        munmap(m, (size_t)(a - m));
    if (a + bytes < m + span)
        munmap(a + bytes, (size_t)(m + span - (a + bytes)));
    return a;
}

void util_map_grow(void **p, size_t *cap, size_t n, size_t size)
{
    enum { FIRST = 64 << 10, JUMP_FROM = 1 << 20, HUGE = 2 << 20, HUGE_FROM = 4 << 20 };
    if (n <= *cap)
        return;
    size_t cap2 = *cap ? *cap : (FIRST + size - 1) / size;
    while (cap2 < n) {
        if (cap2 > SIZE_MAX / 2 / size)
            util_oom(SIZE_MAX);
        cap2 *= 2;
    }
    /* Past 1 MiB, straight to 4 MiB or more: an array that big is still growing, and the pages
    ** between would be 4 KiB ones, each first write of which costs a trap to the host on a
    ** virtual machine that shadows the page tables (13 us: 768 of them saved). */
    bool is_jump = false;
    while (map_bytes(cap2, size) > JUMP_FROM && map_bytes(cap2, size) < HUGE_FROM) {
        cap2 *= 2;
        is_jump = true;
    }
    size_t bytes = map_bytes(cap2, size), old = *cap ? map_bytes(*cap, size) : 0;
    void *q = MAP_FAILED;
    /* From 4 MiB on, at an address that is a multiple of 2 MiB: grown in place if the pages after
    ** it are free, else moved (or mapped) to such an address. Moved anywhere else, the huge pages
    ** already written cannot stay mapped whole: the kernel splits them into 4 KiB mappings, and
    ** on a virtual machine that shadows the page tables each one then costs a trap to the host
    ** when first read (docs/performance.md, *The analyses*). A jump copies its small pages
    ** instead, so that its first 2 MiB are a huge page too. */
    if (bytes >= HUGE_FROM && old && !is_jump && (uintptr_t)*p % HUGE == 0)
        q = mremap(*p, old, bytes, 0);
    if (q == MAP_FAILED && bytes >= HUGE_FROM) {
        void *dst = util_map_aligned(bytes, HUGE, 0);
        if (dst && old && is_jump) {
            (void)madvise(dst, bytes, MADV_HUGEPAGE); /* before the copy writes its pages */
            memcpy(dst, *p, old);
            munmap(*p, old);
            q = dst;
        } else if (dst && old) {
            q = mremap(*p, old, bytes, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
            if (q == MAP_FAILED)
                munmap(dst, bytes);
        } else if (dst) {
            q = dst;
        }
    }
    /* Under 4 MiB, or no room for the aligned place (it takes 2 MiB more, next to the old array:
    ** a tight 'ulimit -v'): anywhere, as the kernel likes. */
    if (q == MAP_FAILED)
        q = old ? mremap(*p, old, bytes, MREMAP_MAYMOVE)
                : mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (q == MAP_FAILED)
        util_oom(bytes);
    if (bytes >= HUGE_FROM)
        (void)madvise(q, bytes, MADV_HUGEPAGE);
    *p = q;
    *cap = cap2;
}

void util_map_free(void *p, size_t cap, size_t size)
{
    if (cap)
        munmap(p, map_bytes(cap, size));
}

void *xcalloc_aligned(size_t align, size_t n)
{
    size_t size = n ? (n + align - 1) / align * align : align; /* aligned_alloc wants a multiple */
    void *p = aligned_alloc(align, size);
    if (!p)
        util_oom(size);
    /* Every page given memory first, by util_populate or else by a volatile store to each: the
    ** memset alone may become a calloc (GCC turns malloc + memset into calloc once link-time
    ** optimisation inlines the allocator), and then a fresh page is read before it is written,
    ** which maps the shared zero page; the first write then replaces it and flushes the TLB of
    ** every core running the process. */
    util_populate(p, size);
    for (size_t i = 0; i < size; i += UTIL_PAGE)
        ((volatile unsigned char *)p)[i] = 0;
    ((volatile unsigned char *)p)[size - 1] = 0; /* the last page, if 'p' is not page-aligned */
    memset(p, 0, size);
    return p;
}

bool util_read_all(FILE *f, size_t max_len, char **text_out, size_t *len_out, int *why_out)
{
    size_t cap = 4096, len = 0;
    char *text = xmalloc(cap);
    errno = 0;
    for (;;) {
        if (len + 1 >= cap)
            text = xrealloc(text, cap *= 2);
        size_t got = fread(text + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0 || len > max_len)
            break;
    }
    bool failed = ferror(f);
    *why_out = !failed ? 0 : errno ? errno : EIO; /* a directory: EISDIR */
    if (failed || len > max_len) {
        free(text);
        return false;
    }
    text[len] = '\0';
    *text_out = text;
    *len_out = len;
    return true;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        util_oom(n);
    return q;
}

bool util_has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    size_t len = (size_t)(n > 0 ? n : 0) + 1;
    char *s = xmalloc(len);
    va_start(ap, fmt);
    vsnprintf(s, len, fmt, ap);
    va_end(ap);
    return s;
}

/* Room in 'b' for 'n' more bytes and the NUL. */
static void strbuf_room(StrBuf *b, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = xrealloc(b->s, b->cap);
    }
}

void strbuf_addf(StrBuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0)
        return;
    strbuf_room(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* Where an xmemstream writes: its StrBuf, and the caller's text and length, kept equal to it. */
typedef struct {
    StrBuf b;
    char **text;
    size_t *len;
} MemSink;

static ssize_t mem_write(void *cookie, const char *buf, size_t n)
{
    MemSink *m = cookie;
    strbuf_room(&m->b, n);
    memcpy(m->b.s + m->b.len, buf, n);
    m->b.len += n;
    m->b.s[m->b.len] = '\0';
    *m->text = m->b.s;
    *m->len = m->b.len;
    return (ssize_t)n;
}

static int mem_close(void *cookie)
{
    free(cookie); /* not the text: the caller's */
    return 0;
}

FILE *xmemstream(char **text, size_t *len)
{
    MemSink *m = xcalloc(1, sizeof *m);
    m->text = text;
    m->len = len;
    mem_write(m, "", 0); /* "" until something is written, as open_memstream gives */
    FILE *f = fopencookie(m, "w", (cookie_io_functions_t){.write = mem_write, .close = mem_close});
    if (!f)
        util_oom(sizeof(FILE));
    return f;
}

char *strbuf_take(StrBuf *b, const char *if_empty)
{
    char *s = b->s ? b->s : xstrdup(if_empty);
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

/* The clock 'id' in seconds. */
static double clock_seconds(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double util_now(void)
{
    return clock_seconds(CLOCK_MONOTONIC);
}

size_t util_address_space_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
        return 0;
    return rl.rlim_cur > SIZE_MAX ? SIZE_MAX : (size_t)rl.rlim_cur;
}

double util_cpu_now(void)
{
    return clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
}

size_t util_edit_distance(const char *a, const char *b, size_t cap)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > lb + cap || lb > la + cap || la > 64 || lb > 64)
        return cap + 1;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = diag + cost;
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb] > cap ? cap + 1 : row[lb];
}

bool util_has_prefetchw;

/* Run as the program starts, before any thread: util_has_prefetchw. */
__attribute__((constructor)) static void util_detect_cpu(void)
{
#if defined(__x86_64__) || defined(__i386__)
    unsigned a, b, c, d;
    util_has_prefetchw = __get_cpuid(0x80000001, &a, &b, &c, &d) && (c >> 8 & 1);
#endif
}

/* The length of the UTF-8 sequence at 'p' (at most 'n' bytes) and its code point; 0 if it is
** not one of 2 to 4 bytes (an overlong form, a surrogate or past U+10FFFF is not one). */
size_t util_utf8_sequence(const unsigned char *p, size_t n, uint32_t *cp)
{
    size_t len = p[0] >= 0xf8 ? 0 : p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc0 ? 2 : 0;
    if (len == 0 || len > n)
        return 0;
    uint32_t v = p[0] & (0x7f >> len);
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        v = v << 6 | (p[i] & 0x3f);
    }
    static const uint32_t least[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (v < least[len] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return len;
}
