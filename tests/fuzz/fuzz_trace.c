/*
** fuzz_trace.c -- a libFuzzer target: any bytes as a JSON trace, replayed as 'weft replay' does.
**
** The bytes are a trace file (the JSON of '--trace FILE'), read and replayed on one fixed model,
** tests/fuzz/trace_model.weft (a mutex, a condition variable, a queue, a 'choose', a race), and
** the replay's report written to /dev/null. A crash, a sanitizer's report, a leak or a hang is a
** bug: a trace that does not fit the model must end in an error message. Traces of that model
** (--trace, --schedules) make a good seed corpus: the model's name that a trace records,
** 'trace_model.weft', is checked first. Built only with -DWEFT_FUZZ=ON and clang
** (docs/testing.md, *Fuzzing*).
*/
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "diag.h"
#include "program.h"
#include "replay.h"
#include "report_replay.h"
#include "tracefile.h"

/* The fixed model, compiled once. */
static Program *model(void)
{
    static Program *prog;
    if (prog)
        return prog;
    char *err = NULL;
    Source *src = src_read_file(FUZZ_TRACE_MODEL, &err);
    if (!src) {
        fprintf(stderr, "fuzz_trace: %s\n", err);
        abort();
    }
    Diag *d = diag_new(src);
    prog = compile_source(src, NULL, 0, d, &err);
    if (!prog) {
        diag_print(d, stderr, false);
        abort();
    }
    diag_free(d);
    src_free(src);
    return prog;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size); /* libFuzzer calls it */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    if (!sink)
        sink = fopen("/dev/null", "w");
    const Program *prog = model();
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    char *err = NULL;
    TraceFile *tf = tracefile_parse(text, size, &err);
    Replay *r = tf ? replay_run(prog, tf, &err) : NULL;
    if (r)
        report_replay(sink, prog, "fuzz.json", r);
    replay_free(r);
    tracefile_free(tf);
    free(err);
    free(text);
    return 0;
}
