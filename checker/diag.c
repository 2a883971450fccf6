/*
** diag.c -- compiler-style errors: file:line:col, the source line, a caret under the span.
**
** Errors are kept in order of recording and printed together, so a caller that reports never
** prints on the spot. A very long source line is cut around the caret so one message stays
** readable (a 1 MB line must not produce a 1 MB error).
*/
#include "diag.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

typedef struct Entry {
    Loc loc;   /* where */
    char *msg; /* formatted message */
} Entry;

struct Diag {
    const Source *src;  /* borrowed */
    VEC(Entry) entries; /* the errors kept, in order */
    size_t n_errors;    /* errors recorded, including those not kept */
};

/* ---- sources ---- */

static Source *src_build(const char *name, char *text, size_t len)
{
    Source *src = xcalloc(1, sizeof(Source));
    src->name = xstrdup(name);
    src->text = text;
    src->len = len;
    size_t n = 1;
    for (size_t i = 0; i < len; i++)
        n += text[i] == '\n';
    src->line_start = xmalloc(n * sizeof(uint32_t));
    src->line_start[0] = 0;
    src->n_lines = 1;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n')
            src->line_start[src->n_lines++] = (uint32_t)(i + 1);
    return src;
}

Source *src_from_string(const char *name, const char *text, size_t len)
{
    return src_build(name, xstrndup(text, len), len);
}

/* Texts read from something other than a regular file (stdin, a pipe such as /dev/stdin or a
** shell's <(...)), by name: such a source can be read only once, and a model is read more than
** once (its '# expect:' line, its text, the statements of its report). Kept for the life of
** the process; one thread. */
typedef struct ReadOnce {
    char *name; /* the path it was read under */
    char *text; /* NUL-terminated */
    size_t len; /* bytes before the NUL */
} ReadOnce;
static VEC(ReadOnce) read_once;

/* "cannot read 'x': why" for util_read_all's failure; for a directory, how to name the models in
** it: the directory, a slash and the pattern of the models' names (none for '.'). 'is_path':
** 'path' names a file (not stdin). */
static char *read_error(const char *path, int why, bool is_path)
{
    if (why == EISDIR && is_path) {
        size_t len = strlen(path);
        bool is_here = !strcmp(path, ".") || !strcmp(path, "./");
        const char *dir = is_here ? "" : path;
        const char *slash = is_here || (len > 0 && path[len - 1] == '/') ? "" : "/";
        return xasprintf("cannot read '%s': %s (a model is a file: '%s%s*.weft' names those in it)",
                         path, strerror(why), dir, slash);
    }
    return xasprintf("cannot read '%s': %s", path, why ? strerror(why) : "file too large");
}

static void read_once_keep(const char *name, const char *text, size_t len)
{
    vec_push(&read_once, ((ReadOnce){xstrdup(name), xstrndup(text, len), len}));
}

char *diag_missing_file_hint(const char *path, const char *ext)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    char *dir = slash ? xstrndup(path, (size_t)(slash - path) + 1) : xstrdup("");
    char *with_ext = xasprintf("%s%s", path, ext), *hint = NULL;
    struct stat st;
    if (stat(with_ext, &st) == 0 && S_ISREG(st.st_mode))
        hint = xasprintf(" (did you mean '%s'?)", with_ext);
    DIR *d = hint ? NULL : opendir(*dir ? dir : ".");
    if (d) {
        VEC(char *) names = {0};
        for (struct dirent *e; (e = readdir(d)) != NULL && names.len < 10000;)
            if (e->d_name[0] != '.')
                vec_push(&names, xstrdup(e->d_name));
        closedir(d);
        const char *best = diag_suggest(base, (const char *const *)names.items, names.len);
        if (best)
            hint = xasprintf(" (did you mean '%s%s'?)", dir, best);
        for (size_t i = 0; i < names.len; i++)
            free(names.items[i]);
        vec_free(&names);
    }
    free(with_ext);
    free(dir);
    return hint ? hint : xstrdup("");
}

Source *src_read_file(const char *path, char **err_out)
{
    *err_out = NULL;
    for (size_t i = 0; i < read_once.len; i++)
        if (!strcmp(read_once.items[i].name, path))
            return src_from_string(path, read_once.items[i].text, read_once.items[i].len);
    FILE *f = fopen(path, "rb");
    if (!f) {
        int why = errno;
        char *hint = why == ENOENT ? diag_missing_file_hint(path, ".weft") : xstrdup("");
        *err_out = xasprintf("cannot open '%s': %s%s", path, strerror(why), hint);
        free(hint);
        return NULL;
    }
    char *text;
    size_t len;
    int why;
    bool ok = util_read_all(f, UINT32_MAX / 2, &text, &len, &why);
    struct stat st;
    bool is_regular = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode);
    fclose(f);
    if (!ok) {
        *err_out = read_error(path, why, true);
        return NULL;
    }
    if (!is_regular)
        read_once_keep(path, text, len);
    return src_build(path, text, len);
}

bool src_read_stdin(const char *name, char **err_out)
{
    char *text;
    size_t len;
    int why;
    if (!util_read_all(stdin, UINT32_MAX / 2, &text, &len, &why)) {
        *err_out = read_error(name, why, false);
        return false;
    }
    vec_push(&read_once, ((ReadOnce){xstrdup(name), text, len}));
    return true;
}

void src_free(Source *src)
{
    if (!src)
        return;
    free(src->name);
    free(src->text);
    free(src->line_start);
    free(src);
}

void src_line_col(const Source *src, uint32_t off, uint32_t *line_out, uint32_t *col_out)
{
    uint32_t lo = 0, hi = src->n_lines; /* find the last line_start <= off */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (src->line_start[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    *line_out = lo + 1;
    *col_out = off - src->line_start[lo] + 1;
}

const char *src_line_text(const Source *src, uint32_t line, size_t *len_out)
{
    if (line < 1 || line > src->n_lines) {
        *len_out = 0;
        return "";
    }
    uint32_t start = src->line_start[line - 1];
    uint32_t end = line < src->n_lines ? src->line_start[line] - 1 : (uint32_t)src->len;
    if (end > start && src->text[end - 1] == '\r')
        end--;
    *len_out = end - start;
    return src->text + start;
}

/* ---- recording ---- */

Diag *diag_new(const Source *src)
{
    Diag *d = xcalloc(1, sizeof(Diag));
    d->src = src;
    return d;
}

void diag_free(Diag *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->entries.len; i++)
        free(d->entries.items[i].msg);
    vec_free(&d->entries);
    free(d);
}

void diag_error(Diag *d, Loc loc, const char *fmt, ...)
{
    d->n_errors++;
    if (d->n_errors > DIAG_MAX_ERRORS)
        return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    Entry e = {loc, xstrdup(buf)};
    vec_push(&d->entries, e);
}

size_t diag_count(const Diag *d)
{
    return d->n_errors;
}

bool diag_full(const Diag *d)
{
    return d->n_errors >= DIAG_MAX_ERRORS;
}

static const Entry *nth_error(const Diag *d, size_t i)
{
    return i < d->entries.len ? &d->entries.items[i] : NULL;
}

const char *diag_message(const Diag *d, size_t i)
{
    const Entry *e = nth_error(d, i);
    return e ? e->msg : NULL;
}

Loc diag_loc(const Diag *d, size_t i)
{
    const Entry *e = nth_error(d, i);
    return e ? e->loc : (Loc){0, 0};
}

/* ---- printing ---- */

enum { SHOW_MAX = 160 }; /* longest source excerpt shown under a message */

/* The bytes of the character at text[i] (of 'n'): a valid UTF-8 sequence takes one column under
** it, as a terminal shows it; any other byte is one character. */
static size_t char_bytes(const char *text, size_t i, size_t n)
{
    uint32_t cp;
    size_t len = util_utf8_sequence((const unsigned char *)text + i, n - i, &cp);
    return len ? len : 1;
}

/* Print the source line of 'loc' and the caret line under it. */
static void print_excerpt(const Diag *d, FILE *out, Loc loc, bool color)
{
    uint32_t line, col;
    src_line_col(d->src, loc.off, &line, &col);
    size_t line_len;
    const char *text = src_line_text(d->src, line, &line_len);
    size_t caret = col - 1, from = 0;
    if (caret > line_len)
        caret = line_len;
    if (line_len > SHOW_MAX) { /* show a window around the caret */
        from = caret > SHOW_MAX / 2 ? caret - SHOW_MAX / 2 : 0;
        if (from + SHOW_MAX > line_len)
            from = line_len - SHOW_MAX;
        line_len = from + SHOW_MAX;
    }
    for (size_t i = from; i < line_len; i++) { /* control bytes would garble a terminal */
        unsigned char c = (unsigned char)text[i];
        fputc((c < 0x20 && c != '\t') || c == 0x7f ? '?' : c, out);
    }
    fputc('\n', out);
    for (size_t i = from; i < caret; i += char_bytes(text, i, caret)) /* a column a character */
        fputc(text[i] == '\t' ? '\t' : ' ', out);
    size_t span = loc.len ? loc.len : 1;
    if (caret + span > line_len)
        span = line_len > caret ? line_len - caret : 1;
    if (color)
        fputs("\033[1;32m", out);
    fputc('^', out);
    for (size_t i = caret + char_bytes(text, caret, caret + span); i < caret + span;
         i += char_bytes(text, i, caret + span))
        fputc('~', out);
    if (color)
        fputs("\033[0m", out);
    fputc('\n', out);
}

void diag_print(const Diag *d, FILE *out, bool color)
{
    for (size_t i = 0; i < d->entries.len; i++) {
        const Entry *e = &d->entries.items[i];
        uint32_t line, col;
        src_line_col(d->src, e->loc.off, &line, &col);
        if (color)
            fprintf(out, "\033[1m%s:%u:%u: \033[1;31merror:\033[0m\033[1m %s\033[0m\n",
                    d->src->name, line, col, e->msg);
        else
            fprintf(out, "%s:%u:%u: error: %s\n", d->src->name, line, col, e->msg);
        print_excerpt(d, out, e->loc, color);
    }
    if (d->n_errors > DIAG_MAX_ERRORS)
        fprintf(out, "%s: too many errors (%zu), stopped after %d\n", d->src->name, d->n_errors,
                DIAG_MAX_ERRORS);
}

/* ---- hints ---- */

const char *diag_suggest(const char *name, const char *const *names, size_t n)
{
    size_t len = strlen(name);
    size_t limit = len / 2 < 2 ? len / 2 : 2;
    if (limit == 0 && len >= 1)
        limit = 1;
    const char *best = NULL;
    size_t best_d = limit + 1;
    for (size_t i = 0; i < n; i++) {
        if (!names[i] || strcmp(names[i], name) == 0)
            continue;
        size_t dist = util_edit_distance(name, names[i], limit);
        if (dist < best_d) {
            best_d = dist;
            best = names[i];
        }
    }
    return best;
}
