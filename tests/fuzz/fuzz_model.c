/*
** fuzz_model.c -- a libFuzzer target: any bytes as a model, through the whole of 'weft check'.
**
** The bytes are a model's text. They go through what 'weft check' does with a model: parse,
** compile, a breadth first search (at most FUZZ_MAX_STATES states, FUZZ_MAX_MEMORY bytes), the
** analysis of every schedule, each violation's trace and the text report (to /dev/null). A
** crash, a sanitizer's report, a leak or a hang is a bug: bad input must end in a model error.
** Built only with -DWEFT_FUZZ=ON and clang (docs/testing.md, *Fuzzing*); the corpus of inputs
** that once failed is replayed by ctest on every build (tests/fuzz/run_corpus.sh).
*/
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "arena.h"
#include "compile.h"
#include "count.h"
#include "diag.h"
#include "parse.h"
#include "program.h"
#include "report.h"
#include "search.h"
#include "trace.h"

enum { FUZZ_MAX_STATES = 20000, FUZZ_MAX_MEMORY = 64 << 20 };

/* Search, count, trace and report a compiled model, as cli_report does. */
static void check_program(const Program *prog, const Source *src, FILE *sink)
{
    SearchOptions so = {.max_states = FUZZ_MAX_STATES, .max_memory = FUZZ_MAX_MEMORY};
    SearchResult *res = search_run(prog, &so);
    CountOptions co = {.causes = true};
    Analysis *an = res->stop == SEARCH_COMPLETE ? count_run(prog, res, &co) : NULL;
    Trace **traces = calloc(res->n_viols ? res->n_viols : 1, sizeof(Trace *));
    for (size_t i = 0; i < res->n_viols; i++)
        traces[i] = trace_build(prog, res, &res->viols[i]);
    ReportOptions ro = {.search = &so, .src = src, .analysis = an};
    report_text(sink, prog, res, traces, &ro);
    for (size_t i = 0; i < res->n_viols; i++)
        trace_free(traces[i]);
    free(traces);
    count_free(an);
    search_result_free(res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size); /* libFuzzer calls it */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    if (!sink)
        sink = fopen("/dev/null", "w");
    Source *src = src_from_string("fuzz.weft", (const char *)data, size);
    Diag *d = diag_new(src);
    Arena *arena = arena_new();
    char *err = NULL;
    AstNode *model = parse_model(arena, src, d);
    Program *prog = diag_count(d) == 0 ? compile_model(model, src, NULL, 0, d, &err) : NULL;
    arena_free(arena);
    diag_print(d, sink, false);
    if (prog)
        check_program(prog, src, sink);
    free(err);
    prog_free(prog);
    diag_free(d);
    src_free(src);
    return 0;
}
