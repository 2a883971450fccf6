/*
** report_replay.c -- the text output of 'weft replay' and 'weft simulate'.
**
** A replay shows every state, not only what changed: after each step row comes the whole state
** on one line (report_state_text). A simulation is printed like a counterexample, with the rows
** report_steps() prints for 'weft check', so the two read the same.
*/
#include "report_replay.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "report.h"
#include "state.h"
#include "util.h"

/* ---- names and values ---- */

char *report_prop_name(const Program *prog, int32_t p)
{
    const Property *pr = &prog->props[p];
    StrBuf b = {0};
    const char *kind = pr->kind == PROP_FINAL ? "final" : "invariant";
    if (pr->label)
        strbuf_addf(&b, "%s '%s'", kind, pr->label);
    else
        strbuf_addf(&b, "%s at line %u", kind, pr->line);
    return strbuf_take(&b, "");
}

/* ", counter = 7, worker[0].tmp = 1": the values of a property's terms. */
static void add_terms(StrBuf *b, ExecCtx *ex, const Program *prog, const Property *pr,
                      const uint8_t *vec)
{
    for (uint32_t i = 0; i < pr->n_terms; i++) {
        const PropTerm *t = &pr->terms[i];
        strbuf_addf(b, "%s", i ? ", " : " with ");
        int32_t value;
        if (t->var >= 0)
            report_var_value(b, prog, vec, (uint32_t)t->var, 0);
        else if (exec_term(ex, vec, t->code, &value))
            strbuf_addf(b, "%s = %d", t->text, value);
        else
            strbuf_addf(b, "%s = ?", t->text);
    }
}

char *report_viol_name(const Program *prog, const Violation *v)
{
    if (v->prop >= 0 && v->kind != VIOL_ERROR)
        return report_prop_name(prog, v->prop);
    StrBuf b = {0};
    if (v->kind == VIOL_DEADLOCK)
        strbuf_addf(&b, "deadlock");
    else
        strbuf_addf(&b, "%s at line %u", search_viol_kind_name(v->kind), v->line);
    return strbuf_take(&b, "");
}

char *report_viol_text(const Program *prog, const Violation *v, const uint8_t *vec)
{
    StrBuf b = {0};
    if (v->kind == VIOL_INVARIANT || v->kind == VIOL_FINAL) {
        char *name = report_prop_name(prog, v->prop);
        strbuf_addf(&b, "%s (%s) breaks", name, prog->props[v->prop].text);
        ExecCtx *ex = exec_new(prog);
        add_terms(&b, ex, prog, &prog->props[v->prop], vec);
        exec_free(ex);
        free(name);
    } else if (v->kind == VIOL_ASSERT) {
        const char *text = prog_assert_text(prog, v->line);
        if (text)
            strbuf_addf(&b, "assert at line %u (%s) fails", v->line, text);
        else
            strbuf_addf(&b, "assert at line %u fails", v->line);
    } else if (v->kind == VIOL_ERROR) {
        strbuf_addf(&b, "error at line %u: %s", v->line, v->message ? v->message : "runtime error");
        if (v->prop >= 0) {
            char *name = report_prop_name(prog, v->prop);
            strbuf_addf(&b, " (evaluating %s)", name);
            free(name);
        }
    } else {
        strbuf_addf(&b, "deadlock: every unfinished thread is blocked");
    }
    return strbuf_take(&b, "");
}

char *report_state_text(const Program *prog, const uint8_t *vec)
{
    StrBuf b = {0};
    const char *sep = "";
    for (uint32_t var = 0; var < prog->n_shared; var++, sep = ", ") {
        strbuf_addf(&b, "%s", sep);
        report_var_value(&b, prog, vec, var, 0);
    }
    for (uint32_t m = 0; m < prog->n_mutexes; m++, sep = ", ") {
        uint32_t owner = state_mutex_owner(prog, vec, m);
        strbuf_addf(&b, "%s%s = %s", sep, prog->mutexes[m].name,
                    owner ? prog->threads[owner - 1].name : "free");
    }
    for (uint32_t q = 0; q < prog->n_queues; q++, sep = ", ") {
        strbuf_addf(&b, "%s%s = [", sep, prog->queues[q].name);
        for (uint32_t i = 0; i < state_queue_len(prog, vec, q); i++)
            strbuf_addf(&b, "%s%d", i ? ", " : "", state_queue_elem(prog, vec, q, i));
        strbuf_addf(&b, "]");
    }
    for (uint32_t tid = 0; tid < prog->n_threads; tid++) {
        const Template *tm = &prog->templates[prog->threads[tid].tmpl];
        const Pos *pos = &tm->pos[state_pos(prog, vec, tid)];
        strbuf_addf(&b, "%s%s ", b.len ? " | " : "", prog->threads[tid].name);
        if (pos->kind == POS_END)
            strbuf_addf(&b, "done");
        else
            strbuf_addf(&b, "line %u", pos->line);
        if (pos->kind != POS_END && pos->label >= 0)
            strbuf_addf(&b, " %s", tm->labels[pos->label]);
        if (pos->kind == POS_SLEEP)
            strbuf_addf(&b, " (asleep on '%s')", prog->conds[pos->cond].name);
        for (uint32_t i = 0; i < tm->n_locals; i++) {
            strbuf_addf(&b, "%s", i ? ", " : ": ");
            report_var_value(&b, prog, vec, tm->locals[i], tid);
        }
    }
    return strbuf_take(&b, "");
}

/* ---- replay ---- */

/* The last column of step i: what it changed, or why it failed. */
static char *step_result(const Program *prog, const Trace *tr, uint32_t i)
{
    const TraceStep *s = &tr->steps[i];
    if (i + 1 == tr->n_steps && tr->ends_in_failure) {
        StrBuf b = {0};
        strbuf_addf(&b, "fails at line %u: %s", tr->fail_line, tr->fail_message);
        return strbuf_take(&b, "");
    }
    return report_changes(prog, trace_state(tr, i), trace_state(tr, i + 1), s->tid, s->pos);
}

/* The wider of 'w' and the text 's'. */
static int max_width(int w, const char *s)
{
    int n = (int)strlen(s);
    return n > w ? n : w;
}

void report_replay(FILE *out, const Program *prog, const char *trace_name, const Replay *r)
{
    const Trace *tr = r->trace;
    fprintf(out, "replay of %s on %s\n", trace_name, prog->model_name);
    char *st = report_state_text(prog, trace_state(tr, 0));
    fprintf(out, "  initial state: %s\n", st);
    free(st);
    /* the columns of the steps line up as check's schedules do, across the state lines */
    int w_thread = 0, w_label = 0, w_line = 0, w_text = 0;
    for (uint32_t i = 0; i < tr->n_steps; i++) {
        const Template *tm = &prog->templates[prog->threads[tr->steps[i].tid].tmpl];
        const Pos *pos = &tm->pos[tr->steps[i].pos];
        w_thread = max_width(w_thread, prog->threads[tr->steps[i].tid].name);
        w_label = max_width(w_label, pos->label >= 0 ? tm->labels[pos->label] : "-");
        int n = snprintf(NULL, 0, "%u", pos->line);
        w_line = n > w_line ? n : w_line;
        w_text = max_width(w_text, pos->text);
    }
    for (uint32_t i = 0; i < tr->n_steps; i++) {
        const TraceStep *s = &tr->steps[i];
        const Template *tm = &prog->templates[prog->threads[s->tid].tmpl];
        const Pos *pos = &tm->pos[s->pos];
        char *changes = step_result(prog, tr, i);
        fprintf(out, "%4u  %-*s  %-*s  line %-*u  %-*s  %s\n", i + 1, w_thread,
                prog->threads[s->tid].name, w_label, pos->label >= 0 ? tm->labels[pos->label] : "-",
                w_line, pos->line, w_text, pos->text, changes);
        free(changes);
        st = report_state_text(prog, trace_state(tr, i + 1));
        fprintf(out, "      state: %s\n", st);
        free(st);
    }
    fprintf(out, "%u %s, %u %s\n", tr->n_steps, tr->n_steps == 1 ? "step" : "steps",
            tr->n_preemptions, tr->n_preemptions == 1 ? "preemption" : "preemptions");
    char *what = report_viol_text(prog, &r->viol, trace_state(tr, tr->n_steps));
    switch (r->verdict) {
    case REPLAY_CONFIRMED:
        fprintf(out, "violation confirmed: %s\n", what);
        break;
    case REPLAY_DIVERGED:
        fprintf(out, "not confirmed: the schedule diverged at %s\n", r->why);
        break;
    case REPLAY_NO_VIOLATION: {
        char *name = report_viol_name(prog, &r->viol);
        fprintf(out, "not confirmed: %s (%s)\n", r->why, name);
        free(name);
        break;
    }
    }
    free(what);
}

/* ---- simulate ---- */

/* "16 steps, 11 preemptions" */
static void print_size(FILE *out, const Trace *tr)
{
    fprintf(out, "%u %s, %u %s", tr->n_steps, tr->n_steps == 1 ? "step" : "steps",
            tr->n_preemptions, tr->n_preemptions == 1 ? "preemption" : "preemptions");
}

void report_simulate(FILE *out, const Program *prog, const SimOptions *opts, const Simulation *sim)
{
    const Trace *tr = sim->trace;
    fprintf(out, "simulation of %s: seed %llu, ", prog->model_name, (unsigned long long)opts->seed);
    print_size(out, tr);
    fputc('\n', out);
    report_steps(out, prog, sim->end == SIM_VIOLATION ? &sim->viol : NULL, tr);
    char *what;
    switch (sim->end) {
    case SIM_FINISHED:
        fprintf(out, "end: every thread finished, no violation\n");
        break;
    case SIM_BLOCKED:
        fprintf(out, "end: no thread can move (deadlocks not reported: --no-deadlock)\n");
        break;
    case SIM_STEP_LIMIT:
        fprintf(out, "end: --steps %u reached, no violation so far\n", opts->max_steps);
        break;
    case SIM_VIOLATION:
        what = report_viol_text(prog, &sim->viol, trace_state(tr, tr->n_steps));
        fprintf(out, "violation: %s\n", what);
        free(what);
        break;
    }
}

/* "1 run", "12 runs" */
static const char *runs_word(uint64_t n)
{
    return n == 1 ? "run" : "runs";
}

void report_simulate_runs(FILE *out, const Program *prog, const SimOptions *opts, const SimRuns *sr)
{
    unsigned long long first = opts->seed, last = opts->seed + (sr->n_runs - 1);
    fprintf(out, "simulation of %s: %llu %s, seeds %llu to %llu: ", prog->model_name,
            (unsigned long long)sr->n_runs, runs_word(sr->n_runs), first, last);
    if (sr->n_violating)
        fprintf(out, "%llu %s\n", (unsigned long long)sr->n_violating,
                sr->n_violating == 1 ? "violates" : "violate");
    else
        fputs("none violates\n", out);
    const Simulation *sim = sr->shortest;
    if (sim) {
        const Trace *tr = sim->trace;
        fprintf(out, "shortest violating run: seed %llu, ", (unsigned long long)sr->shortest_seed);
        print_size(out, tr);
        fprintf(out, " (--seed %llu alone gives it again)\n",
                (unsigned long long)sr->shortest_seed);
        report_steps(out, prog, &sim->viol, tr);
        char *what = report_viol_text(prog, &sim->viol, trace_state(tr, tr->n_steps));
        fprintf(out, "violation: %s\n\n", what);
        free(what);
        fprintf(out, "violations: %llu of %llu %s\n", (unsigned long long)sr->n_violating,
                (unsigned long long)sr->n_runs, runs_word(sr->n_runs));
        for (size_t i = 0; i < sr->n_viols; i++) {
            char *name = report_viol_name(prog, &sr->viols[i].viol);
            fprintf(out, "  %s: %llu %s\n", name, (unsigned long long)sr->viols[i].n_runs,
                    runs_word(sr->viols[i].n_runs));
            free(name);
        }
    }
    const Analysis *an = sr->outcomes;
    if (an->n_end_states == 0) {
        fputs("outcomes: no run where every thread finished\n", out);
    } else {
        fprintf(out, "outcomes: %llu %s where every thread finished\n",
                (unsigned long long)an->n_end_states, runs_word(an->n_end_states));
        report_outcome_counts(out, an, "run", "runs");
    }
    if (sr->n_step_limit)
        fprintf(out, "stopped by --steps %u: %llu %s, no violation so far\n", opts->max_steps,
                (unsigned long long)sr->n_step_limit, runs_word(sr->n_step_limit));
    if (sr->is_time_up)
        fprintf(out, "--time-limit reached: no run more after %llu\n",
                (unsigned long long)sr->n_runs);
    if (sr->is_interrupted)
        fprintf(out, "interrupted: no run more after %llu\n", (unsigned long long)sr->n_runs);
    if (sr->n_blocked)
        fprintf(out, "no thread could move (deadlocks not reported: --no-deadlock): %llu %s\n",
                (unsigned long long)sr->n_blocked, runs_word(sr->n_blocked));
    if (!sr->n_violating)
        fputs("a random run proves nothing: 'weft check' explores every schedule\n", out);
}
