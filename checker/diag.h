/*
** diag.h -- model sources, source locations and compiler-style error messages.
**
** A Diag records errors; nothing is printed until diag_print(). Messages follow STYLE.md:
** lower case, no final period, model text quoted in '...'. Single thread only.
*/
#ifndef WEFT_DIAG_H
#define WEFT_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One model text, owned by the Source. */
typedef struct Source {
    char *name;           /* file name as given by the user ("race.weft", "<string>") */
    char *text;           /* the whole text, NUL-terminated (an embedded NUL is an error) */
    size_t len;           /* bytes in text, excluding the terminating NUL */
    uint32_t *line_start; /* byte offset of the start of each line */
    uint32_t n_lines;     /* entries in line_start */
} Source;

/* A span of source text: byte offset and length. len 0 is a point (end of file). */
typedef struct Loc {
    uint32_t off; /* byte offset into Source.text */
    uint32_t len; /* bytes covered; the caret line shows ^ then len-1 '~' */
} Loc;

/* Read a whole file into a new Source. On failure returns NULL and sets *err_out to a
** one-line tool error ("cannot open 'x.weft': No such file or directory"), owned by the caller.
** Something other than a regular file (a pipe: /dev/stdin, a shell's <(...)) is read once and
** kept: reading the same path again gives the same text. One thread. */
Source *src_read_file(const char *path, char **err_out);
/* Read all of stdin now and keep it as the text of the model 'name' ("<stdin>"): src_read_file
** of 'name' gives it from then on. False with *err_out on a read error. */
bool src_read_stdin(const char *name, char **err_out);
/* A Source over a copy of 'text' (tests, -D values). */
Source *src_from_string(const char *name, const char *text, size_t len);
void src_free(Source *src); /* src_free(NULL) does nothing */

/* 1-based line and column (in bytes) of 'off'. */
void src_line_col(const Source *src, uint32_t off, uint32_t *line_out, uint32_t *col_out);
/* The text of 1-based line 'line' without its newline; *len_out gets its length. */
const char *src_line_text(const Source *src, uint32_t line, size_t *len_out);

typedef struct Diag Diag; /* opaque */

/* A recorder of errors against one Source (borrowed, must outlive the Diag). */
Diag *diag_new(const Source *src);
void diag_free(Diag *d); /* diag_free(NULL) does nothing */

/* Record an error at 'loc'. The message is formatted now; a hint belongs inside it in
** parentheses: "unknown variable 'countr' (did you mean 'counter'?)". After DIAG_MAX_ERRORS
** errors further calls are counted but not kept. */
void diag_error(Diag *d, Loc loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

enum { DIAG_MAX_ERRORS = 20 };

size_t diag_count(const Diag *d); /* errors recorded, including those not kept */
bool diag_full(const Diag *d);    /* DIAG_MAX_ERRORS reached: the parser should stop */

/* Print every error as "file:line:col: error: msg", the source line, and the caret line
** (tabs copied so it lines up). With 'color', bold red as compilers do. */
void diag_print(const Diag *d, FILE *out, bool color);

/* The message of the i-th error (tests), or NULL. */
const char *diag_message(const Diag *d, size_t i);
/* The location of the i-th error (tests). */
Loc diag_loc(const Diag *d, size_t i);

/* The candidate in 'names[0..n)' closest to 'name' by edit distance (at most 2, and at most half
** the name's length, 1 for a name of one letter), or NULL. For "did you mean" hints. */
const char *diag_suggest(const char *name, const char *const *names, size_t n);

/* For a file that does not exist: " (did you mean 'DIR/NAME'?)", NAME the entry of its
** directory closest to its name (diag_suggest), or its name with 'ext' (".weft") added if that
** file exists; else "". The caller frees it. */
char *diag_missing_file_hint(const char *path, const char *ext);

#endif
