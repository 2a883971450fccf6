/*
** fuzz_model.c -- a libFuzzer target: any bytes as a model, through the whole of 'weft check'.
**
** The bytes are a model's text. They go through what 'weft check' does with a model: parse,
** compile, a breadth first search (at most FUZZ_MAX_STATES states, FUZZ_MAX_MEMORY bytes), the
** analysis of every schedule, each violation's trace and the text report, the JSON report, the
** state graph and the schedules' pictures (all to /dev/null). A crash, a sanitizer's report, a
** leak or a hang is a bug: bad input must end in a model error. Each violation's JSON trace, each
** of up to 8 violating schedules (--schedules) and a random schedule (weft simulate) that ends in
** a violation must replay to it; four random runs more (weft simulate --runs) must each be
** counted once and end only in outcomes the complete search found.
** Built with libFuzzer under -DWEFT_FUZZ=ON and clang (docs/testing.md, *Fuzzing*); otherwise
** with a main that runs it on files, which ctest does on the models of tests/cli/ and models/.
*/
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "count.h"
#include "diag.h"
#include "dot.h"
#include "program.h"
#include "replay.h"
#include "report.h"
#include "report_json.h"
#include "report_replay.h"
#include "search.h"
#include "trace.h"
#include "tracefile.h"

enum {
    FUZZ_MAX_STATES = 20000,       /* states of a search */
    FUZZ_MAX_MEMORY = 64 << 20,    /* bytes of a search */
    FUZZ_MAX_STATE_SIZE = 64 << 10 /* bigger states are only compiled: 4 MB ones took minutes */
};

/* The trace 'tr' of violation 'v', written as JSON and read back, must replay to that violation
** (weft check --trace, then weft replay). */
static void replay_confirms(const Program *prog, const Violation *v, const Trace *tr)
{
    json_object *obj = tracefile_json(prog, v, tr);
    size_t len;
    const char *text = json_object_to_json_string_length(obj, JSON_C_TO_STRING_PLAIN, &len);
    char *err = NULL;
    TraceFile *tf = tracefile_parse(text, len, &err);
    Replay *r = tf ? replay_run(prog, tf, &err) : NULL;
    if (!r || r->verdict != REPLAY_CONFIRMED) {
        fprintf(stderr, "fuzz_model: a trace does not replay to its violation: %s\n%s\n",
                err           ? err
                : r && r->why ? r->why
                              : "not confirmed",
                text);
        abort();
    }
    replay_free(r);
    tracefile_free(tf);
    json_object_put(obj);
}

/* count_schedules' callback: a line of --schedules, which must replay to its violation. */
typedef struct Schedules {
    FILE *sink;
    const Program *prog;
    const SearchResult *res;
} Schedules;

static void on_schedule(void *ctx, const Trace *tr, size_t viol)
{
    Schedules *sc = ctx;
    tracefile_write_line(sc->sink, sc->prog, &sc->res->viols[viol], tr);
    replay_confirms(sc->prog, &sc->res->viols[viol], tr);
}

/* A few random runs (weft simulate --runs): every run is counted once, every outcome a run
** ends with is one the complete search 'an' (NULL if it was not complete) found, under the same
** terms (every shared scalar), and the shortest violating run replays to its violation. */
static void runs_within_search(const Program *prog, const Analysis *an, uint64_t seed, FILE *sink)
{
    SimOptions so = {.seed = seed, .max_steps = 100};
    size_t n_terms;
    OutcomeTerm *terms = count_default_terms(prog, &n_terms);
    SimRuns *sr = simulate_runs(prog, &so, 4, terms, n_terms);
    report_simulate_runs(sink, prog, &so, sr);
    uint64_t n = sr->n_violating + sr->n_step_limit + sr->n_blocked;
    const Analysis *ro = sr->outcomes;
    for (size_t i = 0; i < ro->n_outcomes; i++)
        n += strtoull(ro->outcomes[i].n_schedules, NULL, 10) -
             strtoull(ro->outcomes[i].n_violating, NULL, 10);
    if (n != sr->n_runs || (sr->n_violating > 0) != (sr->shortest != NULL)) {
        fprintf(stderr, "simulate --runs: %llu runs made, %llu counted\n",
                (unsigned long long)sr->n_runs, (unsigned long long)n);
        abort();
    }
    for (size_t i = 0; an && i < ro->n_outcomes; i++) {
        bool is_found = false;
        for (size_t j = 0; j < an->n_outcomes && !is_found; j++)
            is_found =
                !memcmp(an->outcomes[j].vals, ro->outcomes[i].vals, ro->width * sizeof(int32_t));
        if (!is_found) {
            fprintf(stderr, "simulate --runs: outcome %zu of the runs is none of the search's\n",
                    i);
            abort();
        }
    }
    if (sr->shortest)
        replay_confirms(prog, &sr->shortest->viol, sr->shortest->trace);
    simulate_runs_free(sr);
}

/* Search, count, trace and report a compiled model, as cli_report does, then the other outputs:
** the JSON report, each violation's trace (which must replay to it), up to 8 violating
** schedules (each of which must too), a random schedule (and its violation's replay), the state
** graph and the schedule pictures. */
static void check_program(const Program *prog, FILE *sink)
{
    SearchOptions so = {.max_states = FUZZ_MAX_STATES, .max_memory = FUZZ_MAX_MEMORY};
    SearchResult *res = search_run(prog, &so);
    CountOptions co = {.causes = true};
    Analysis *an = res->stop == SEARCH_COMPLETE ? count_run(prog, res, &co) : NULL;
    Trace **traces = calloc(res->n_viols ? res->n_viols : 1, sizeof(Trace *));
    for (size_t i = 0; i < res->n_viols; i++)
        traces[i] = trace_build(prog, res, &res->viols[i]);
    ReportOptions ro = {.search = &so, .analysis = an};
    report_text(sink, prog, res, traces, &ro);
    ReportJson *rj = report_json_new("fuzz");
    ModelOutcome m = {.path = "fuzz.weft",
                      .verdict = report_verdict(res),
                      .prog = prog,
                      .res = res,
                      .traces = traces,
                      .ropts = &ro};
    report_json_add(rj, &m);
    fputs(json_object_to_json_string(report_json_root(rj)), sink);
    report_json_free(rj);
    for (size_t i = 0; i < res->n_viols; i++) {
        replay_confirms(prog, &res->viols[i], traces[i]);
        dot_trace(sink, prog, &res->viols[i], traces[i], "shortest schedule");
    }
    Schedules sc = {sink, prog, res};
    count_schedules(prog, res, &co, 8, on_schedule, &sc);
    SimOptions so_sim = {.seed = res->n_states, .max_steps = 300};
    Simulation *sim = simulate_run(prog, &so_sim);
    report_simulate(sink, prog, &so_sim, sim);
    if (sim->end == SIM_VIOLATION)
        replay_confirms(prog, &sim->viol, sim->trace);
    simulate_free(sim);
    runs_within_search(prog, an, so_sim.seed, sink);
    DotOptions dopt = {.max_states = 500};
    char *err = NULL;
    if (prog->state_size <= 4096) /* a label a state: 500 of 64 KB are 30 MB */
        dot_state_graph(sink, prog, res, &dopt, &err);
    free(err);
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
    char *err;
    Program *prog = compile_source(src, NULL, 0, d, &err);
    diag_print(d, sink, false);
    if (prog && prog->state_size <= FUZZ_MAX_STATE_SIZE)
        check_program(prog, sink);
    free(err);
    prog_free(prog);
    diag_free(d);
    src_free(src);
    return 0;
}
