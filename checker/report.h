/*
** report.h -- the text report of one checked model, and the exit statuses of weft.
**
** report_text() prints, for one model, every distinct violation with its shortest schedule, what
** stopped an incomplete search, and the totals; report_summary() prints the one verdict line that
** ends a run. Output goes only to the FILE * given, is deterministic (declaration order, the
** search's order of violations) except for the last line of the totals ("time ... memory ..."),
** which stands alone so tests can mask it. Nothing here exits or allocates beyond the call.
** Single thread only.
*/
#ifndef WEFT_REPORT_H
#define WEFT_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "count.h"
#include "diag.h"
#include "program.h"
#include "search.h"
#include "trace.h"
#include "util.h"

/* Exit statuses of the weft command (DESIGN.md section 2). When several models are checked the
** worst wins, in the order USAGE > VIOLATION > INCOMPLETE > OK: a broken model or command line
** means no verdict can be trusted, a violation is a definite answer, an incomplete search is
** only the absence of one. */
typedef enum {
    WEFT_EXIT_OK = 0,        /* no violation, or --expect met */
    WEFT_EXIT_VIOLATION = 1, /* a violation, or --expect not met */
    WEFT_EXIT_USAGE = 2,     /* bad usage, an unreadable file, or a model error */
    WEFT_EXIT_INCOMPLETE = 3 /* a limit stopped the search before any violation was found */
} WeftExit;

/* The verdict of one model: what its summary line says. */
typedef enum {
    VERDICT_OK,          /* complete search, no violation */
    VERDICT_VIOLATION,   /* at least one violation (complete search or not) */
    VERDICT_INCOMPLETE,  /* a limit stopped the search, no violation found */
    VERDICT_NOT_CHECKED, /* a model error: nothing was explored */
    VERDICT_UNREADABLE   /* the file could not be read */
} Verdict;

/* What --expect asked for. */
typedef enum { EXPECT_NONE, EXPECT_OK, EXPECT_VIOLATION } Expect;

typedef struct ReportOptions {
    bool color;                  /* bold red for violations, as --color asks */
    const SearchOptions *search; /* the limits the search ran with (to name the one hit) */
    const Analysis *analysis;    /* outcomes, counts, causes to print after the violations, or
                                 ** NULL (count.h) */
    bool is_fewest;              /* the schedules given are the fewest-preemption ones */
    size_t analysis_skipped;     /* > 0: the analysis was skipped, needing about this many
                                 ** bytes more than the memory budget left */
} ReportOptions;

/* Append the whole variable 'var' as thread 'tid' sees it in 'vec': "x = 3" or
** "a = [1, 2, 3]". */
void report_var_value(StrBuf *b, const Program *prog, const uint8_t *vec, uint32_t var,
                      uint32_t tid);

/* A statement of the model that a complete search never ran (report_never_run). */
typedef struct NeverRun {
    uint32_t tmpl;    /* its thread template */
    uint32_t line;    /* its source line */
    const char *text; /* the statement as written (Pos.text) */
    const char *why;  /* "never reached" (no thread gets there), "always blocked" (a thread
                      ** gets there, the step is never enabled), "never woken" (a 'wait' whose
                      ** thread is never signalled awake) */
} NeverRun;

/* The statements of the model that the search never ran, template by template in the order of
** their positions, each once (however many positions a 'repeat' gives it): what SPIN calls
** unreached code. NULL and *n_out 0 when the search was not complete (a limit, --first) or every
** statement ran. Caller frees the array (not the texts). */
NeverRun *report_never_run(const Program *prog, const SearchResult *res, size_t *n_out);

/* The verdict of a finished search. */
Verdict report_verdict(const SearchResult *res);

/* The exit status of one model given its verdict and --expect (see docs/cli.md). */
WeftExit report_exit_status(Verdict v, Expect expect);

/* The worse of two exit statuses, by the order above. */
WeftExit report_worse_exit(WeftExit a, WeftExit b);

/* Print the report of one model: for each violation res->viols[i] its header, the blocked
** threads of a deadlock, its schedule traces[i] (built by trace_build, borrowed) step by step
** with what each step changed; then the limit that stopped the search, if any; then
** "states N  transitions N  depth N" and the last line "time ...  rate ...  memory ...". */
void report_text(FILE *out, const Program *prog, const SearchResult *res, Trace *const *traces,
                 const ReportOptions *opts);

/* Print what an Analysis says about every schedule (report_count.c): the outcomes in end
** states, the number of schedules and of violating ones (per outcome), the points of no
** return with their schedules. report_text calls it when opts->analysis is set. */
void report_analysis(FILE *out, const Program *prog, const SearchResult *res, const Analysis *an);

/* The outcomes of 'an', a line each ("  counter = 2: 12 schedules, all violate"), counted in
** 'one'/'many' ("schedule"/"schedules", or "run"/"runs" for weft simulate --runs); nothing when
** outcomes are grouped by no term. At most 20 lines, then how many more. */
void report_outcome_counts(FILE *out, const Analysis *an, const char *one, const char *many);

/* Print one violation as report_text does: its header, the blocked threads of a deadlock, its
** schedule 'tr' and, for a final, its outcomes (no blank line after it). */
void report_violation(FILE *out, const Program *prog, const SearchResult *res, const Violation *v,
                      const Trace *tr, const ReportOptions *opts);

/* What a violation's schedule is, as the line before its steps names it: "shortest schedule",
** "schedule with fewest preemptions" (--fewest-preemptions) or "schedule (depth first, not
** shortest)" (--dfs). */
const char *report_schedule_kind(const ReportOptions *opts);

/* Print the rows of a schedule, one step a line, as report_text does ('v' names the kind of a
** failing last step; NULL: "error"). */
void report_steps(FILE *out, const Program *prog, const Violation *v, const Trace *tr);

/* What thread tid's step from position 'pos' changed between two states, as the last column of a
** schedule shows it: "counter = 1, m = worker[0]", or "-" for nothing. Caller frees. */
char *report_changes(const Program *prog, const uint8_t *before, const uint8_t *after, uint32_t tid,
                     uint32_t pos);

/* The violations of 'res' for the summary line, in the report's order, by report_viol_name():
** "final 'total', deadlock"; after REPORT_SUMMARY_NAMES of them, "... and 2 more". "" when there
** is none. Caller frees. */
char *report_viol_list(const Program *prog, const SearchResult *res);

enum { REPORT_SUMMARY_NAMES = 3 };

/* The summary line with an expectation spelled by the caller ("violation final 'total'"):
** "NAME: violation (final 'total') -- expected violation final 'total': met". 'viols' is
** report_viol_list()'s text (NULL without a violation). */
void report_summary_expect(FILE *out, const char *name, Verdict v, const SearchResult *res,
                           const char *viols, const char *wanted, bool is_met, bool color);

/* Print the one summary line of a model: "NAME: ok", "NAME: violation (final 'total',
** deadlock)", "NAME: incomplete (max states)", "NAME: not checked (model error)", "NAME: not
** checked (cannot read)", followed, with --expect, by whether the expectation was met. 'res' may
** be NULL for VERDICT_NOT_CHECKED and VERDICT_UNREADABLE; 'viols' as for report_summary_expect. */
void report_summary(FILE *out, const char *name, Verdict v, const SearchResult *res,
                    const char *viols, Expect expect, bool color);

#endif
