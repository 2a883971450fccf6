/*
** dot.h -- Graphviz pictures: the whole state graph, and one schedule as a sequence diagram.
**
** dot_state_graph() draws every state a search stored and every transition between them (got by
** re-running each stored state's steps and looking the successors up in the store), the initial
** state marked, violating states red with what they break, failing steps as red octagons, and
** the reported shortest schedule of every violation in bold. dot_trace() draws one schedule: a
** column per thread, a row per step, the shared values down the side, the violating step red.
** Both write DOT text to a FILE *; dot_write_file() puts text in a file whole or not at all,
** rendering it to SVG or PNG with the Graphviz 'dot' program when asked. Nothing here prints to
** the terminal or exits: failures come back as a message for the caller. Single thread only.
*/
#ifndef WEFT_DOT_H
#define WEFT_DOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "program.h"
#include "search.h"
#include "trace.h"

/* The default of --dot-max-states: past a few hundred states a drawing stops being readable. */
#define DOT_DEFAULT_MAX_STATES 500

/* What a picture file holds. */
typedef enum {
    DOT_FORMAT_DOT, /* DOT text (the default) */
    DOT_FORMAT_SVG, /* rendered by 'dot -Tsvg' */
    DOT_FORMAT_PNG  /* rendered by 'dot -Tpng' */
} DotFormat;

typedef struct DotOptions {
    bool show_locals;    /* --dot-locals: each thread's locals in the state labels */
    bool no_deadlock;    /* --no-deadlock: do not mark deadlocked states */
    uint64_t max_states; /* refuse a graph of more states than this; 0: no limit */
} DotOptions;

/* Write the state graph of the search 'res' over 'prog' (both borrowed) to 'out' as DOT.
** The graph has one node per stored state ("s<n>", numbered as the one-thread search numbers
** them, whatever -j stored them: the picture is the same for every -j) and one edge per
** transition from a stored state to a stored state or to a failing-step node ("f<n>"), so on
** a complete search it has res->n_states state nodes and res->n_transitions edges (plus the
** arrow marking the initial state); after a limit's cut, the first res->n_states states.
** Returns false, writing nothing, when that is more than opts->max_states states, or under
** --compact (the store then holds fingerprints, not states); *err_out then says why, naming
** the option to change (the caller frees it). */
bool dot_state_graph(FILE *out, const Program *prog, const SearchResult *res,
                     const DotOptions *opts, char **err_out);

/* Write the schedule 'tr' of violation 'v' (both borrowed) as a DOT sequence diagram: the
** title, then a row per step with the step in its thread's column and the shared values after
** it on the right, changed values in bold; the violating step (the last, or the initial state
** when the schedule is empty) is red, with what breaks. 'what' names the schedule in the title
** ("shortest schedule": report_schedule_kind). */
void dot_trace(FILE *out, const Program *prog, const Violation *v, const Trace *tr,
               const char *what);

/* The format a file name asks for: ".svg" SVG, ".png" PNG, anything else DOT text. */
DotFormat dot_format_for_name(const char *path);

/* Parse a --format value ("dot", "svg", "png"); false on anything else. */
bool dot_format_parse(const char *name, DotFormat *out);

/* Write 'len' bytes of DOT text to 'path' in format 'fmt': whole or not at all, as outfile.h
** says (a device, a pipe or a symbolic link is written in place). SVG and PNG run the 'dot'
** program found on PATH (its input in a temporary file of $TMPDIR, removed after). False on
** failure, with *err_out (the caller frees) saying what failed: the file, a missing 'dot', or
** Graphviz's own message. */
bool dot_write_file(const char *path, DotFormat fmt, const char *text, size_t len, char **err_out);

#endif
