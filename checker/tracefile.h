/*
** tracefile.h -- JSON traces: one violation's schedule, written so that 'weft replay' re-runs it.
**
** A trace object (docs/json.md, "trace") names the model file, the constants after -D, the
** violation, and each step's thread name, thread index 'tid' and outcome index 'k' (exec.h),
** which is all that replay needs; each step also records its label, line and statement so that
** replay can tell where a changed model no longer follows the schedule. Every JSON text goes
** through json-c. tracefile_json() builds the object; tracefile_write_line() writes it on one
** line (for JSON-lines files of many traces); tracefile_save() writes any JSON object to a file
** whole or not at all (FILE.tmp, then rename). tracefile_read() parses and checks the shape of
** a trace file; whether it fits a Program is replay's business. Single thread only.
*/
#ifndef WEFT_TRACEFILE_H
#define WEFT_TRACEFILE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "program.h"
#include "search.h"
#include "trace.h"

/* The version of the trace object's layout ("version" in the file). */
#define TRACEFILE_VERSION 1
/* What a trace says it is ("format" in the file). */
#define TRACEFILE_FORMAT "weft-trace"

/* One recorded step. */
typedef struct TraceFileStep {
    char *thread;    /* the thread's name: "worker[1]" */
    uint32_t tid;    /* its thread index */
    uint32_t k;      /* the outcome index of its step */
    uint32_t line;   /* the statement's line when recorded (0 when absent) */
    char *statement; /* the statement as recorded, or NULL when absent */
} TraceFileStep;

/* A trace read back from a file. Owns every string and array. */
typedef struct TraceFile {
    char *model;           /* the model's file name without directories */
    uint32_t n_consts;     /* constants recorded */
    char **const_names;    /* their names */
    int32_t *const_values; /* their values */
    char *kind;            /* the violation's kind: "final", "deadlock", ... */
    char *property;        /* the property's label, or NULL */
    uint32_t line;         /* the violation's identifying line (0 for a deadlock) */
    uint32_t n_steps;      /* steps recorded */
    TraceFileStep *steps;  /* first to last */
} TraceFile;

/* The trace object of violation 'v' whose schedule is 'tr' (both borrowed). The caller owns
** the result (json_object_put). */
json_object *tracefile_json(const Program *prog, const Violation *v, const Trace *tr);

/* The object describing one step of 'tr' (0-based 'i'): step number, thread, tid, k, label,
** line, statement. The caller owns it. */
json_object *tracefile_step_json(const Program *prog, const Trace *tr, uint32_t i);

/* {"N": 4, "ITERS": 2}: the constants after -D, in declaration order, as a trace and the JSON
** report give them. The caller owns it. */
json_object *tracefile_constants_json(const Program *prog);

/* Write the trace object of 'v' on one line, ending in '\n', to 'out'. */
void tracefile_write_line(FILE *out, const Program *prog, const Violation *v, const Trace *tr);

/* Write 'obj' (borrowed) as indented JSON to 'path' ("-": stdout), whole or not at all
** (outfile.h). On failure returns false with *err_out a one-line message for "weft: ..."
** (caller frees). */
bool tracefile_save(const char *path, json_object *obj, char **err_out);

/* Read a trace file ("-": stdin). On failure returns NULL with *err_out (caller frees) saying
** what is wrong and, for a step, which one: "step 3: missing field 'k'". The file name is not in
** the message. A file that is not JSON (or has text after its value) gets "LINE:COL: not a JSON
** trace (...)", then its line and a caret under the column, so that "FILE:" before it reads as
** a compiler's message. */
TraceFile *tracefile_read(const char *path, char **err_out);
/* The same from the 'len' bytes at 'text' (borrowed), which a NUL must follow. */
TraceFile *tracefile_parse(const char *text, size_t len, char **err_out);
void tracefile_free(TraceFile *tf); /* tracefile_free(NULL) does nothing */

/* The file name part of a path: "models/race.weft" -> "race.weft". Points into 'path'. */
const char *tracefile_basename(const char *path);

#endif
