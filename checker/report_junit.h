/*
** report_junit.h -- JUnit XML for CI (--junit FILE): a testsuite per model, a testcase per
** property, one for deadlock (unless --no-deadlock), one per assert statement and one per
** runtime error found; a violation's report, schedule included, is the failure text.
**
** The layout follows the JUnit schema Jenkins and GitLab read (tests/cli/junit-10.xsd). Models
** are added one by one while their Program is alive; the file is written at the end, whole or
** not at all. Single thread only.
*/
#ifndef WEFT_REPORT_JUNIT_H
#define WEFT_REPORT_JUNIT_H

#include <stdbool.h>

#include "report_json.h"

typedef struct ReportJunit ReportJunit; /* opaque */

ReportJunit *report_junit_new(void);
void report_junit_free(ReportJunit *rj); /* report_junit_free(NULL) does nothing */

/* Add the testsuite of one model (built now: 'm' need not outlive the call). */
void report_junit_add(ReportJunit *rj, const ModelOutcome *m);

/* Write the document to 'path' ("-": stdout), whole or not at all (outfile.h); false with
** *err_out (caller frees). */
bool report_junit_save(const ReportJunit *rj, const char *path, char **err_out);

/* The document as it would be written (caller frees; for tests). */
char *report_junit_text(const ReportJunit *rj);

#endif
