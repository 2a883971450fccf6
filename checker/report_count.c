/*
** report_count.c -- the part of the text report about every schedule: outcomes, exact counts
** and points of no return (an Analysis from count.c).
**
** Printed after the violations and before the totals, deterministic like the rest of the
** report: outcomes sorted by their values, causes in the order count.c found them.
*/
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "count.h"
#include "report_replay.h"
#include "state.h"
#include "store.h"
#include "util.h"

/* Outcomes and values listed before the report says how many more there are. */
enum { MAX_LISTED = 20 };

/* Print the values of term t of outcome o: "2", or "[1, 2]" for a whole array. */
static void print_term_value(FILE *out, const Analysis *an, const Outcome *o, size_t t)
{
    uint32_t at = 0;
    for (size_t i = 0; i < t; i++)
        at += an->terms[i].n_elems;
    const OutcomeTerm *term = &an->terms[t];
    if (!term->is_whole_array) {
        fprintf(out, "%d", o->vals[at]);
        return;
    }
    fputc('[', out);
    for (uint32_t i = 0; i < term->n_elems; i++)
        fprintf(out, "%s%d", i ? ", " : "", o->vals[at + i]);
    fputc(']', out);
}

/* Compare the values of term t in outcomes a and b. */
static int term_cmp(const Analysis *an, const Outcome *a, const Outcome *b, size_t t)
{
    uint32_t at = 0;
    for (size_t i = 0; i < t; i++)
        at += an->terms[i].n_elems;
    for (uint32_t i = at; i < at + an->terms[t].n_elems; i++)
        if (a->vals[i] != b->vals[i])
            return a->vals[i] < b->vals[i] ? -1 : 1;
    return 0;
}

/* "  counter: 2 3 4 5 6 7 8": the distinct values of term t over every outcome, ascending. */
static void print_term_values(FILE *out, const Analysis *an, size_t t)
{
    fprintf(out, "  %s:", an->terms[t].text);
    /* Insert each outcome's value of term t into a sorted list of distinct values. */
    size_t n = 0, n_listed = 0;
    const Outcome **seen = xmalloc((an->n_outcomes ? an->n_outcomes : 1) * sizeof *seen);
    for (size_t i = 0; i < an->n_outcomes; i++) {
        const Outcome *o = &an->outcomes[i];
        size_t j = n;
        while (j > 0 && term_cmp(an, seen[j - 1], o, t) > 0)
            j--;
        if (j > 0 && term_cmp(an, seen[j - 1], o, t) == 0)
            continue;
        memmove(seen + j + 1, seen + j, (n - j) * sizeof *seen);
        seen[j] = o;
        n++;
    }
    for (size_t i = 0; i < n && n_listed < MAX_LISTED; i++, n_listed++) {
        fputc(' ', out);
        print_term_value(out, an, seen[i], t);
    }
    if (n > n_listed)
        fprintf(out, " (and %zu more)", n - n_listed);
    fputc('\n', out);
    free(seen);
}

/* "counter = 2, flag = 1". */
static void print_outcome(FILE *out, const Analysis *an, const Outcome *o)
{
    for (size_t t = 0; t < an->n_terms; t++) {
        fprintf(out, "%s%s = ", t ? ", " : "", an->terms[t].text);
        print_term_value(out, an, o, t);
    }
}

static void print_counts(FILE *out, const Program *prog, const Analysis *an)
{
    const char *what = "schedules";
    char bounded[64];
    if (prog->is_bounded) {
        snprintf(bounded, sizeof bounded, "schedules of at most %u %s", prog->max_preemptions,
                 prog->max_preemptions == 1 ? "preemption" : "preemptions");
        what = bounded;
    }
    if (an->is_cyclic) {
        fprintf(out, "%s: infinitely many (the state graph has a cycle); %llu %s\n", what,
                (unsigned long long)an->n_violating_states,
                an->n_violating_states == 1 ? "state violates" : "states violate");
        return;
    }
    fprintf(out, "%s: %s, of which %s %s\n", what, an->n_schedules, an->n_violating,
            strcmp(an->n_violating, "1") ? "violate" : "violates");
    report_outcome_counts(out, an, "schedule", "schedules");
}

void report_outcome_counts(FILE *out, const Analysis *an, const char *one, const char *many)
{
    if (an->n_terms == 0)
        return;
    for (size_t i = 0; i < an->n_outcomes && i < MAX_LISTED; i++) {
        const Outcome *o = &an->outcomes[i];
        fputs("  ", out);
        print_outcome(out, an, o);
        fprintf(out, ": %s %s", o->n_schedules, strcmp(o->n_schedules, "1") ? many : one);
        if (!strcmp(o->n_violating, o->n_schedules))
            fputs(strcmp(o->n_schedules, "1") ? ", all violate" : ", violates", out);
        else if (strcmp(o->n_violating, "0"))
            fprintf(out, ", %s %s", o->n_violating,
                    strcmp(o->n_violating, "1") ? "violate" : "violates");
        fputc('\n', out);
    }
    if (an->n_outcomes > MAX_LISTED)
        fprintf(out, "  (and %zu more outcomes)\n", an->n_outcomes - MAX_LISTED);
}

static void print_causes(FILE *out, const Program *prog, const SearchResult *res,
                         const Analysis *an)
{
    if (!an->has_causes || res->n_viols == 0)
        return;
    if (an->is_doomed) {
        fputs("points of no return: none, every schedule violates from the initial state\n", out);
        return;
    }
    fprintf(out,
            "points of no return: %zu (steps after which a violation can no longer be "
            "avoided)\n",
            an->n_causes);
    for (size_t i = 0; i < an->n_causes; i++) {
        const Cause *c = &an->causes[i];
        const Template *tm = &prog->templates[prog->threads[c->tid].tmpl];
        const Pos *pos = &tm->pos[c->pos];
        fprintf(out, "cause %zu: step %u, %s %s line %u: %s -> ", i + 1, c->step + 1,
                prog->threads[c->tid].name, pos->label >= 0 ? tm->labels[pos->label] : "-",
                pos->line, pos->text);
        char *name = report_viol_name(prog, &res->viols[c->viol]);
        fputs(name, out);
        free(name);
        fprintf(out, "\nschedule: %u %s, %u %s\n", c->trace->n_steps,
                c->trace->n_steps == 1 ? "step" : "steps", c->trace->n_preemptions,
                c->trace->n_preemptions == 1 ? "preemption" : "preemptions");
        report_steps(out, prog, &res->viols[c->viol], c->trace);
    }
}

/* States from which every schedule loops for ever, where no final is ever checked: how many,
** and where the first is (its depth, where each thread stands). */
static void print_never_ending(FILE *out, const Program *prog, const SearchResult *res,
                               const Analysis *an)
{
    if (an->n_never_ending == 0 || !search_is_whole(res)) /* a bound is not a fair scheduler */
        return;
    fprintf(out,
            "runs forever: from %llu %s no schedule can end (each loops for ever: none reaches "
            "the end of every thread, a deadlock or a failing step), so no final is checked on "
            "them\n",
            (unsigned long long)an->n_never_ending, an->n_never_ending == 1 ? "state" : "states");
    StateId sid = an->never_ending_first;
    uint32_t depth = an->never_ending_depth;         /* the fewest steps, also after --dfs */
    const uint8_t *vec = store_vec(res->store, sid); /* the analysis runs on full states */
    fprintf(out, "  first reached after %u %s:", depth, depth == 1 ? "step" : "steps");
    for (uint32_t tid = 0; tid < prog->n_threads; tid++) {
        const Template *t = &prog->templates[prog->threads[tid].tmpl];
        const Pos *pos = &t->pos[state_pos(prog, vec, tid)];
        fprintf(out, "%s %s ", tid ? "," : "", prog->threads[tid].name);
        if (state_thread_done(prog, vec, tid))
            fputs("finished", out);
        else
            fprintf(out, "at line %u '%s'", pos->line, pos->text);
    }
    fputc('\n', out);
}

void report_analysis(FILE *out, const Program *prog, const SearchResult *res, const Analysis *an)
{
    if (an->n_end_states == 0) {
        fputs("outcomes: no end state where every thread has finished\n", out);
    } else {
        fprintf(out, "outcomes: %llu end %s where every thread has finished\n",
                (unsigned long long)an->n_end_states, an->n_end_states == 1 ? "state" : "states");
        for (size_t t = 0; t < an->n_terms; t++)
            print_term_values(out, an, t);
    }
    print_counts(out, prog, an);
    print_never_ending(out, prog, res, an);
    print_causes(out, prog, res, an);
}
