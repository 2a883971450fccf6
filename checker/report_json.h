/*
** report_json.h -- the whole report of a 'weft check' run as one JSON document (--json FILE).
**
** The schema is versioned and documented in docs/json.md: the weft version, then per model its
** file, constants, verdict, expectation, every violation (kind, property, values, the schedule
** with what each step changed and the whole state after it), the statistics and what holds
** over every schedule (outcomes, schedule counts, never-ending states). Built with
** json-c. Models are added one by one while their Program is alive; the document is written
** at the end, whole or not at all. Single thread only.
*/
#ifndef WEFT_REPORT_JSON_H
#define WEFT_REPORT_JSON_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "program.h"
#include "report.h"
#include "search.h"
#include "trace.h"

/* The version of the report's layout ("schema_version"); docs/json.md describes each. */
#define REPORT_JSON_SCHEMA_VERSION 1
/* What a JSON report says it is ("schema"). */
#define REPORT_JSON_SCHEMA "weft-report"

/* One model's outcome as the JSON and JUnit reporters see it; everything is borrowed. */
typedef struct ModelOutcome {
    const char *path;           /* the model as named on the command line */
    Verdict verdict;            /* its summary verdict */
    const Program *prog;        /* NULL when not checked */
    const SearchResult *res;    /* NULL when not checked */
    Trace *const *traces;       /* traces[i] is the schedule of res->viols[i] */
    const ReportOptions *ropts; /* the search options (dfs, no_deadlock) and the source */
    const char *expect_text;    /* the expectation ("ok", "violation final total"), or NULL */
    const char *error;          /* not checked: why, as stderr says it (lines), or NULL */
    bool is_expect_violation;   /* with expect_text: a violation is expected */
    bool is_expect_met;         /* with expect_text: whether the verdict meets it */
    const Analysis *analysis;   /* every schedule's outcomes and counts (count_run), or NULL when
                                ** they were not computed (--quiet, an incomplete search,
                                ** --compact, too little memory) */
} ModelOutcome;

typedef struct ReportJson ReportJson; /* opaque */

ReportJson *report_json_new(const char *weft_version);
void report_json_free(ReportJson *rj); /* report_json_free(NULL) does nothing */

/* Add the object of one model (built now: 'm' need not outlive the call). */
void report_json_add(ReportJson *rj, const ModelOutcome *m);

/* Write the document to 'path', whole or not at all; false with *err_out (caller frees). */
bool report_json_save(const ReportJson *rj, const char *path, char **err_out);

/* The document built so far (borrowed; for tests). */
json_object *report_json_root(const ReportJson *rj);

/* The whole state 'vec' as a JSON object (docs/json.md, "state"). Caller owns it. */
json_object *report_json_state(const Program *prog, const uint8_t *vec);

#endif
