/*
** expect.h -- the verdict a model says it should get: its '# expect:' line (--expect-from-model).
**
** A model may carry, on a line of its own, '# expect: ok' or '# expect: violation [KIND [LABEL]]'
** (KIND: invariant, final, assert, error, deadlock; LABEL: the property's label, or for an
** assert or error the line of the statement). expect_read() finds the first such line;
** expect_met() judges a finished search against it: 'violation KIND LABEL' is met only when
** that violation is among those reported. Single thread only.
*/
#ifndef WEFT_EXPECT_H
#define WEFT_EXPECT_H

#include <stdbool.h>

#include "program.h"
#include "report.h"
#include "search.h"

typedef struct ModelExpect {
    Expect verdict; /* EXPECT_OK or EXPECT_VIOLATION */
    bool has_kind;  /* a KIND was given */
    ViolKind kind;  /* has_kind: the kind of violation wanted */
    char *label;    /* the LABEL wanted, or NULL */
    char *text;     /* the expectation as written after '# expect:', spaces squeezed */
    unsigned line;  /* expect_read: the line of the model it is on */
} ModelExpect;

/* Read the '# expect:' line of the model file 'path'. False with *err_out (caller frees) when
** the file has none or it does not parse, e.g. "race.weft:1: invalid '# expect:' line ...". */
bool expect_read(const char *path, ModelExpect *out, char **err_out);

/* Parse the words after '# expect:' ("violation final total"). False when they do not parse. */
bool expect_parse(const char *words, ModelExpect *out);

void expect_fini(ModelExpect *e);

/* Whether a search of 'prog' with result 'res' (verdict 'v') meets 'e'. An incomplete search
** meets nothing. */
bool expect_met(const ModelExpect *e, const Program *prog, const SearchResult *res, Verdict v);

/* Before the search: false with *err_out (caller frees), "race.weft:1: '# expect: violation
** final totl' can never be met: the model has no final 'totl' (did you mean 'total'?)", when the
** LABEL names no violation the model can have: an invariant's or final's LABEL that is neither
** the label of such a property nor a line number, an assert's that is not a line number, an
** error's that is neither a property's label nor a line number, or any LABEL of a deadlock. */
bool expect_check(const ModelExpect *e, const Program *prog, const char *path, char **err_out);

#endif
