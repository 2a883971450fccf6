/*
** report_json.c -- the JSON report (docs/json.md): json-c objects, never printf'd text.
**
** Every value shown comes from the Program, the SearchResult and the Traces, with the same
** helpers as the text report (report_changes, report_viol_text), so the JSON and the text can
** never disagree. The document is deterministic except for statistics.seconds,
** statistics.cpu_seconds and statistics.memory_bytes.
*/
#include "report_json.h"

#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "report_replay.h"
#include "state.h"
#include "store.h"
#include "tracefile.h"
#include "util.h"

struct ReportJson {
    json_object *root;   /* the document */
    json_object *models; /* its "models" array (owned by root) */
};

ReportJson *report_json_new(const char *weft_version)
{
    ReportJson *rj = xcalloc(1, sizeof *rj);
    rj->root = json_object_new_object();
    json_object_object_add(rj->root, "schema", json_object_new_string(REPORT_JSON_SCHEMA));
    json_object_object_add(rj->root, "schema_version",
                           json_object_new_int(REPORT_JSON_SCHEMA_VERSION));
    json_object_object_add(rj->root, "weft_version", json_object_new_string(weft_version));
    rj->models = json_object_new_array();
    json_object_object_add(rj->root, "models", rj->models);
    return rj;
}

void report_json_free(ReportJson *rj)
{
    if (!rj)
        return;
    json_object_put(rj->root);
    free(rj);
}

json_object *report_json_root(const ReportJson *rj)
{
    return rj->root;
}

bool report_json_save(const ReportJson *rj, const char *path, char **err_out)
{
    return tracefile_save(path, rj->root, err_out);
}

/* ---- states ---- */

/* A variable's value: an integer, or an array of them. */
static json_object *var_json(const Program *prog, const uint8_t *vec, uint32_t var, uint32_t tid)
{
    const Var *v = &prog->vars[var];
    if (!v->is_array)
        return json_object_new_int(state_var_get(prog, vec, var, tid, 0));
    json_object *a = json_object_new_array();
    for (uint32_t i = 0; i < v->size; i++)
        json_object_array_add(a, json_object_new_int(state_var_get(prog, vec, var, tid, i)));
    return a;
}

static json_object *thread_json(const Program *prog, const uint8_t *vec, uint32_t tid)
{
    const Template *tm = &prog->templates[prog->threads[tid].tmpl];
    const Pos *pos = &tm->pos[state_pos(prog, vec, tid)];
    json_object *o = json_object_new_object();
    json_object_object_add(o, "name", json_object_new_string(prog->threads[tid].name));
    const char *status = pos->kind == POS_END     ? "done"
                         : pos->kind == POS_SLEEP ? "asleep"
                                                  : "running";
    json_object_object_add(o, "status", json_object_new_string(status));
    json_object_object_add(o, "line", json_object_new_int64(pos->line));
    json_object_object_add(o, "label",
                           pos->label >= 0 ? json_object_new_string(tm->labels[pos->label]) : NULL);
    json_object_object_add(o, "statement", json_object_new_string(pos->text));
    json_object *locals = json_object_new_object();
    for (uint32_t i = 0; i < tm->n_locals; i++)
        json_object_object_add(locals, prog->vars[tm->locals[i]].name,
                               var_json(prog, vec, tm->locals[i], tid));
    json_object_object_add(o, "locals", locals);
    return o;
}

json_object *report_json_state(const Program *prog, const uint8_t *vec)
{
    json_object *o = json_object_new_object();
    json_object *shared = json_object_new_object();
    for (uint32_t var = 0; var < prog->n_shared; var++)
        json_object_object_add(shared, prog->vars[var].name, var_json(prog, vec, var, 0));
    json_object_object_add(o, "shared", shared);
    json_object *mutexes = json_object_new_object();
    for (uint32_t m = 0; m < prog->n_mutexes; m++) {
        uint32_t owner = state_mutex_owner(prog, vec, m);
        json_object_object_add(mutexes, prog->mutexes[m].name,
                               owner ? json_object_new_string(prog->threads[owner - 1].name)
                                     : NULL);
    }
    json_object_object_add(o, "mutexes", mutexes);
    json_object *queues = json_object_new_object();
    for (uint32_t q = 0; q < prog->n_queues; q++) {
        json_object *a = json_object_new_array();
        for (uint32_t i = 0; i < state_queue_len(prog, vec, q); i++)
            json_object_array_add(a, json_object_new_int(state_queue_elem(prog, vec, q, i)));
        json_object_object_add(queues, prog->queues[q].name, a);
    }
    json_object_object_add(o, "queues", queues);
    json_object *threads = json_object_new_array();
    for (uint32_t tid = 0; tid < prog->n_threads; tid++)
        json_object_array_add(threads, thread_json(prog, vec, tid));
    json_object_object_add(o, "threads", threads);
    return o;
}

/* ---- violations ---- */

static json_object *str_or_null(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

/* [{"text": "counter", "value": 7}, ...]: the values that break a property. */
static json_object *values_json(const Program *prog, const Property *pr, const uint8_t *vec)
{
    json_object *a = json_object_new_array();
    ExecCtx *ex = exec_new(prog);
    for (uint32_t i = 0; i < pr->n_terms; i++) {
        const PropTerm *t = &pr->terms[i];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "text", json_object_new_string(t->text));
        int32_t value;
        if (t->var >= 0)
            json_object_object_add(o, "value", var_json(prog, vec, (uint32_t)t->var, 0));
        else if (exec_term(ex, vec, t->code, &value))
            json_object_object_add(o, "value", json_object_new_int(value));
        else
            json_object_object_add(o, "value", NULL);
        json_object_array_add(a, o);
    }
    exec_free(ex);
    return a;
}

static json_object *property_json(const Program *prog, int32_t p)
{
    if (p < 0)
        return NULL;
    const Property *pr = &prog->props[p];
    json_object *o = json_object_new_object();
    json_object_object_add(o, "kind",
                           json_object_new_string(pr->kind == PROP_FINAL ? "final" : "invariant"));
    json_object_object_add(o, "label", str_or_null(pr->label));
    json_object_object_add(o, "text", json_object_new_string(pr->text));
    json_object_object_add(o, "line", json_object_new_int64(pr->line));
    return o;
}

/* A violation's schedule: the shortest (breadth first), one found depth first, or one with the
** fewest preemptions (--fewest-preemptions). */
static json_object *schedule_json(const Program *prog, const Trace *tr, bool is_dfs, bool is_fewest)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "length", json_object_new_int64(tr->n_steps));
    json_object_object_add(o, "preemptions", json_object_new_int64(tr->n_preemptions));
    json_object_object_add(o, "shortest", json_object_new_boolean(!is_dfs && !is_fewest));
    json_object_object_add(o, "fewest_preemptions", json_object_new_boolean(is_fewest));
    json_object_object_add(o, "initial_state", report_json_state(prog, trace_state(tr, 0)));
    json_object *steps = json_object_new_array();
    for (uint32_t i = 0; i < tr->n_steps; i++) {
        json_object *s = tracefile_step_json(prog, tr, i);
        const TraceStep *ts = &tr->steps[i];
        bool is_failure = i + 1 == tr->n_steps && tr->ends_in_failure;
        char *changes =
            report_changes(prog, trace_state(tr, i), trace_state(tr, i + 1), ts->tid, ts->pos);
        json_object_object_add(s, "changes", json_object_new_string(is_failure ? "-" : changes));
        free(changes);
        if (is_failure) {
            json_object *f = json_object_new_object();
            json_object_object_add(f, "line", json_object_new_int64(tr->fail_line));
            json_object_object_add(f, "message", json_object_new_string(tr->fail_message));
            json_object_object_add(s, "failure", f);
        } else {
            json_object_object_add(s, "failure", NULL);
        }
        json_object_object_add(s, "state", report_json_state(prog, trace_state(tr, i + 1)));
        json_object_array_add(steps, s);
    }
    json_object_object_add(o, "steps", steps);
    return o;
}

static json_object *violation_json(const ModelOutcome *m, const Violation *v, const Trace *tr)
{
    const Program *prog = m->prog;
    const uint8_t *vec = trace_state(tr, tr->n_steps);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "kind", json_object_new_string(search_viol_kind_name(v->kind)));
    json_object_object_add(o, "property", property_json(prog, v->prop));
    json_object_object_add(o, "line", json_object_new_int64(v->line));
    json_object_object_add(o, "message", str_or_null(v->message));
    char *text = report_viol_text(prog, v, vec);
    json_object_object_add(o, "description", json_object_new_string(text));
    free(text);
    bool has_values = v->kind == VIOL_INVARIANT || v->kind == VIOL_FINAL;
    json_object_object_add(o, "values",
                           has_values ? values_json(prog, &prog->props[v->prop], vec)
                                      : json_object_new_array());
    bool is_dfs = m->ropts && m->ropts->search && m->ropts->search->dfs;
    bool is_fewest = m->ropts && m->ropts->is_fewest;
    json_object_object_add(o, "schedule", schedule_json(prog, tr, is_dfs, is_fewest));
    return o;
}

/* ---- models ---- */

static const char *verdict_name(Verdict v)
{
    switch (v) {
    case VERDICT_OK:
        return "ok";
    case VERDICT_VIOLATION:
        return "violation";
    case VERDICT_INCOMPLETE:
        return "incomplete";
    case VERDICT_NOT_CHECKED:
        return "model error";
    case VERDICT_UNREADABLE:
        return "unreadable";
    }
    return "?";
}

static json_object *statistics_json(const Program *prog, const SearchResult *res)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "states", json_object_new_int64((int64_t)res->n_states));
    json_object_object_add(o, "transitions", json_object_new_int64((int64_t)res->n_transitions));
    json_object_object_add(o, "depth", json_object_new_int64(res->max_depth));
    json_object_object_add(o, "seconds", json_object_new_double(res->seconds));
    json_object_object_add(o, "cpu_seconds", json_object_new_double(res->cpu_seconds));
    json_object_object_add(o, "memory_bytes", json_object_new_int64((int64_t)res->memory_bytes));
    json_object_object_add(o, "stop", json_object_new_string(search_stop_name(res->stop)));
    json_object_object_add(o, "checked_depth",
                           res->checked_depth >= 0 ? json_object_new_int64(res->checked_depth)
                                                   : NULL);
    json_object_object_add(o, "max_preemptions",
                           prog->is_bounded ? json_object_new_int64(prog->max_preemptions) : NULL);
    /* as the text report's bound line: after a limit's cut, the steps held back depend on how
    ** far past the cut the workers expanded (-j), so they are not given */
    json_object_object_add(o, "held_steps",
                           prog->is_bounded && res->stop == SEARCH_COMPLETE
                               ? json_object_new_int64((int64_t)res->n_held)
                               : NULL);
    json_object_object_add(o, "dead_resets",
                           prog->is_reduced_dead ? json_object_new_int64(prog->n_dead) : NULL);
    return o;
}

/* The statements never run (report_never_run): null after an incomplete search, or one the
** preemption bound left partial. */
static json_object *never_run_json(const Program *prog, const SearchResult *res)
{
    if (!search_is_whole(res))
        return NULL;
    size_t n;
    NeverRun *nr = report_never_run(prog, res, &n);
    json_object *a = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "thread",
                               json_object_new_string(prog->templates[nr[i].tmpl].name));
        json_object_object_add(o, "line", json_object_new_int64(nr[i].line));
        json_object_object_add(o, "statement", json_object_new_string(nr[i].text));
        json_object_object_add(o, "why", json_object_new_string(nr[i].why));
        json_object_array_add(a, o);
    }
    free(nr);
    return a;
}

/* A count of schedules: decimal text (it may pass 64 bits), or null (infinitely many). */
static json_object *count_json(const char *n)
{
    return n ? json_object_new_string(n) : NULL;
}

/* One outcome: each term's value (an array for a whole array), and its counts. */
static json_object *outcome_json(const Analysis *an, const Outcome *oc)
{
    json_object *o = json_object_new_object(), *values = json_object_new_object();
    uint32_t at = 0;
    for (size_t t = 0; t < an->n_terms; t++) {
        const OutcomeTerm *term = &an->terms[t];
        json_object *v;
        if (term->is_whole_array) {
            v = json_object_new_array();
            for (uint32_t i = 0; i < term->n_elems; i++)
                json_object_array_add(v, json_object_new_int64(oc->vals[at + i]));
        } else {
            v = json_object_new_int64(oc->vals[at]);
        }
        json_object_object_add(values, term->text, v);
        at += term->n_elems;
    }
    json_object_object_add(o, "values", values);
    json_object_object_add(o, "violates", json_object_new_boolean(oc->is_violating));
    json_object_object_add(o, "end_states", json_object_new_int64((int64_t)oc->n_states));
    json_object_object_add(o, "schedules", count_json(oc->n_schedules));
    json_object_object_add(o, "violating_schedules", count_json(oc->n_violating));
    return o;
}

/* --causes: each point of no return with its schedule (schedules.md), as the text report's
** "points of no return:" lines; null when they were not asked for. */
static json_object *causes_json(const Program *prog, const SearchResult *res, const Analysis *an)
{
    if (!an->has_causes)
        return NULL;
    json_object *o = json_object_new_object();
    bool is_doomed = an->is_doomed && res->n_viols > 0;
    json_object_object_add(o, "doomed", json_object_new_boolean(is_doomed));
    json_object *points = json_object_new_array();
    for (size_t i = 0; !is_doomed && res->n_viols > 0 && i < an->n_causes; i++) {
        const Cause *c = &an->causes[i];
        const Template *tm = &prog->templates[prog->threads[c->tid].tmpl];
        const Pos *pos = &tm->pos[c->pos];
        json_object *p = json_object_new_object();
        json_object_object_add(p, "step", json_object_new_int64(c->step + 1));
        json_object_object_add(p, "thread", json_object_new_string(prog->threads[c->tid].name));
        json_object_object_add(p, "tid", json_object_new_int64(c->tid));
        json_object_object_add(p, "label",
                               str_or_null(pos->label >= 0 ? tm->labels[pos->label] : NULL));
        json_object_object_add(p, "line", json_object_new_int64(pos->line));
        json_object_object_add(p, "statement", json_object_new_string(pos->text));
        json_object_object_add(p, "violation", json_object_new_int64((int64_t)c->viol));
        json_object_object_add(p, "schedule", schedule_json(prog, c->trace, false, false));
        json_object_array_add(points, p);
    }
    json_object_object_add(o, "points", points);
    return o;
}

/* What holds over every schedule (the text report's outcomes, schedules and runs forever), or
** null when it was not computed. */
static json_object *analysis_json(const Program *prog, const SearchResult *res, const Analysis *an)
{
    if (!an)
        return NULL;
    json_object *o = json_object_new_object();
    json_object_object_add(o, "end_states", json_object_new_int64((int64_t)an->n_end_states));
    json_object *outcomes = json_object_new_array();
    for (size_t i = 0; i < an->n_outcomes; i++)
        json_object_array_add(outcomes, outcome_json(an, &an->outcomes[i]));
    json_object_object_add(o, "outcomes", outcomes);
    json_object_object_add(o, "cyclic", json_object_new_boolean(an->is_cyclic));
    json_object_object_add(o, "schedules", count_json(an->n_schedules));
    json_object_object_add(o, "violating_schedules", count_json(an->n_violating));
    json_object_object_add(o, "violating_states",
                           json_object_new_int64((int64_t)an->n_violating_states));
    bool has_never = prog_has_final(prog) && search_is_whole(res);
    json_object_object_add(o, "never_ending_states",
                           has_never ? json_object_new_int64((int64_t)an->n_never_ending) : NULL);
    json_object_object_add(o, "causes", causes_json(prog, res, an));
    return o;
}

void report_json_add(ReportJson *rj, const ModelOutcome *m)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "file", json_object_new_string(m->path));
    json_object_object_add(o, "verdict", json_object_new_string(verdict_name(m->verdict)));
    json_object *expect = NULL;
    if (m->expect_text) {
        expect = json_object_new_object();
        json_object_object_add(expect, "text", json_object_new_string(m->expect_text));
        json_object_object_add(expect, "met", json_object_new_boolean(m->is_expect_met));
    }
    json_object_object_add(o, "expectation", expect);
    if (m->prog && m->res) {
        json_object_object_add(o, "constants", tracefile_constants_json(m->prog));
        json_object *viols = json_object_new_array();
        for (size_t i = 0; i < m->res->n_viols; i++)
            json_object_array_add(viols, violation_json(m, &m->res->viols[i], m->traces[i]));
        json_object_object_add(o, "violations", viols);
        json_object_object_add(o, "statistics", statistics_json(m->prog, m->res));
        json_object_object_add(o, "never_run", never_run_json(m->prog, m->res));
        json_object_object_add(o, "analysis", analysis_json(m->prog, m->res, m->analysis));
    } else {
        json_object_object_add(o, "constants", NULL);
        json_object_object_add(o, "violations", json_object_new_array());
        json_object_object_add(o, "statistics", NULL);
        json_object_object_add(o, "never_run", NULL);
        json_object_object_add(o, "analysis", NULL);
    }
    json_object_object_add(o, "error", m->error ? json_object_new_string(m->error) : NULL);
    json_object_array_add(rj->models, o);
}
