/*
** cli.c -- the weft command: subcommands, options, the pipeline per model, the exit status.
**
** The only file that calls exit(). Each model named on the command line goes through
** src_read_file -> parse_model -> compile_model -> search_run -> trace_build -> report_text,
** and gets one summary line at the end of the output. A bad command line stops before any model
** is read; a model that cannot be read or compiled is reported on stderr and the others are
** still checked. The exit status is the worst over the models (report.h gives the order).
*/
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "compile.h"
#include "diag.h"
#include "parse.h"
#include "program.h"
#include "report.h"
#include "search.h"
#include "trace.h"
#include "util.h"

#define WEFT_VERSION "0.1.0"

/* Everything the command line of 'weft check' says. */
typedef struct CliOptions {
    VEC(const char *) models; /* model paths in the order given (argv strings) */
    VEC(Define) defs;         /* -D overrides; a later one for the same name replaces it */
    SearchOptions search;     /* --dfs, --first, --no-deadlock and the limits */
    Expect expect;            /* --expect */
    bool is_quiet;            /* --quiet: only the summary lines */
    bool is_color;            /* --color */
} CliOptions;

/* The outcome of one model, kept for the summary lines at the end. */
typedef struct ModelResult {
    const char *name;  /* the path as given */
    Verdict verdict;   /* what its summary line says */
    SearchResult *res; /* NULL when not checked */
} ModelResult;

static const char usage_text[] =
    "usage: weft check MODEL... [options]   explore every interleaving, report violations\n"
    "       weft help | --help | --version\n"
    "\n"
    "options of check:\n"
    "  -D NAME=VALUE           override the model's 'const NAME' (repeatable)\n"
    "  --bfs                   breadth first search: shortest schedules (the default)\n"
    "  --dfs                   depth first search\n"
    "  --first                 stop at the first violation\n"
    "  --max-states N          stop after storing N states (exit 3 if no violation was found)\n"
    "  --max-memory SIZE       stop when the store would pass SIZE bytes (512K, 512M, 2G)\n"
    "  --time-limit SECONDS    stop after SECONDS of search\n"
    "  --expect ok|violation   exit 0 when the verdict is the expected one, else 1\n"
    "  --no-deadlock           do not report deadlocks\n"
    "  --quiet                 print only the summary line of each model\n"
    "  --color                 colour errors and verdicts\n"
    "  --help                  this text\n"
    "  --version               the version of weft\n"
    "\n"
    "exit status: 0 no violation (or --expect met), 1 violation (or --expect not met),\n"
    "             2 bad usage or model error, 3 search incomplete with no violation found\n"
    "             (several models: the worst, in the order 2, 1, 3, 0)\n";

/* ---- failing ---- */

static _Noreturn void cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "weft: MESSAGE" on stderr and exit with the usage status. */
static _Noreturn void cli_fail(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fputs("weft: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(WEFT_EXIT_USAGE);
}

/* ---- option values ---- */

/* All options of check, for "did you mean" hints. */
static const char *const option_names[] = {
    "--bfs",    "--dfs",   "--first",       "--max-states", "--max-memory", "--time-limit",
    "--expect", "--quiet", "--no-deadlock", "--color",      "--help",       "--version",
};

static _Noreturn void cli_unknown_option(const char *arg)
{
    size_t n = strcspn(arg, "=");
    char *name = xstrndup(arg, n);
    const char *best =
        diag_suggest(name, option_names, sizeof option_names / sizeof option_names[0]);
    if (best)
        cli_fail("unknown option '%s' (did you mean '%s'?)", name, best);
    cli_fail("unknown option '%s' (see 'weft --help')", name);
}

/* A positive decimal integer; false on anything else (signs, spaces, overflow). */
static bool parse_count(const char *s, uint64_t *out)
{
    if (*s < '0' || *s > '9')
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v == 0)
        return false;
    *out = v;
    return true;
}

/* Bytes: a positive integer with an optional K, M or G suffix (powers of 1024). */
static bool parse_size(const char *s, size_t *out)
{
    if (*s < '0' || *s > '9')
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || v == 0)
        return false;
    unsigned shift = 0;
    if (*end == 'K' || *end == 'k')
        shift = 10, end++;
    else if (*end == 'M' || *end == 'm')
        shift = 20, end++;
    else if (*end == 'G' || *end == 'g')
        shift = 30, end++;
    if (*end || v > (SIZE_MAX >> shift))
        return false;
    *out = (size_t)v << shift;
    return true;
}

/* Seconds: a positive finite decimal number. */
static bool parse_seconds(const char *s, double *out)
{
    if ((*s < '0' || *s > '9') && *s != '.')
        return false;
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (errno || *end || !isfinite(v) || v <= 0)
        return false;
    *out = v;
    return true;
}

/* A 32-bit signed decimal integer. */
static bool parse_int32(const char *s, int32_t *out)
{
    const char *digits = *s == '-' ? s + 1 : s;
    if (*digits < '0' || *digits > '9')
        return false;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < INT32_MIN || v > INT32_MAX)
        return false;
    *out = (int32_t)v;
    return true;
}

static bool is_identifier(const char *s, size_t len)
{
    if (len == 0 || !(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
        return false;
    for (size_t i = 1; i < len; i++)
        if (!(s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9')))
            return false;
    return true;
}

/* -D NAME=VALUE: add or replace the override of NAME. */
static void cli_add_define(CliOptions *o, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq || !is_identifier(arg, (size_t)(eq - arg)))
        cli_fail("invalid -D '%s' (expected NAME=VALUE, e.g. -D N=3)", arg);
    int32_t value;
    if (!parse_int32(eq + 1, &value))
        cli_fail("invalid value '%s' for -D %.*s (expected a 32-bit integer)", eq + 1,
                 (int)(eq - arg), arg);
    for (size_t i = 0; i < o->defs.len; i++) {
        if (strlen(o->defs.items[i].name) == (size_t)(eq - arg) &&
            !strncmp(o->defs.items[i].name, arg, (size_t)(eq - arg))) {
            o->defs.items[i].value = value;
            return;
        }
    }
    Define d = {xstrndup(arg, (size_t)(eq - arg)), value};
    vec_push(&o->defs, d);
}

/* ---- the command line ---- */

/* The value of an option: after '=' in the same argument, or the next argument. */
static const char *option_value(const char *name, int argc, char **argv, int *i)
{
    const char *eq = strchr(argv[*i], '=');
    if (eq)
        return eq + 1;
    if (*i + 1 >= argc)
        cli_fail("option '%s' needs a value", name);
    return argv[++*i];
}

/* Does argv[i] name option 'name', alone or as 'name=value'? */
static bool is_option(const char *arg, const char *name)
{
    size_t n = strlen(name);
    return !strncmp(arg, name, n) && (arg[n] == '\0' || arg[n] == '=');
}

static _Noreturn void cli_bad_value(const char *name, const char *value, const char *expected)
{
    cli_fail("invalid value '%s' for %s (expected %s)", value, name, expected);
}

/* Options without a value: true when argv[i] was one. */
static bool cli_flag(CliOptions *o, const char *arg)
{
    if (!strcmp(arg, "--bfs"))
        o->search.dfs = false;
    else if (!strcmp(arg, "--dfs"))
        o->search.dfs = true;
    else if (!strcmp(arg, "--first"))
        o->search.first = true;
    else if (!strcmp(arg, "--no-deadlock"))
        o->search.no_deadlock = true;
    else if (!strcmp(arg, "--quiet"))
        o->is_quiet = true;
    else if (!strcmp(arg, "--color"))
        o->is_color = true;
    else if (!strcmp(arg, "--help")) {
        fputs(usage_text, stdout);
        exit(WEFT_EXIT_OK);
    } else if (!strcmp(arg, "--version")) {
        printf("weft %s\n", WEFT_VERSION);
        exit(WEFT_EXIT_OK);
    } else
        return false;
    return true;
}

/* Options with a value: true when argv[*i] was one (and *i moved past its value). */
static bool cli_valued(CliOptions *o, int argc, char **argv, int *i)
{
    const char *arg = argv[*i];
    if (is_option(arg, "--max-states")) {
        const char *v = option_value("--max-states", argc, argv, i);
        if (!parse_count(v, &o->search.max_states))
            cli_bad_value("--max-states", v, "a positive integer");
    } else if (is_option(arg, "--max-memory")) {
        const char *v = option_value("--max-memory", argc, argv, i);
        if (!parse_size(v, &o->search.max_memory))
            cli_bad_value("--max-memory", v, "a size in bytes such as 65536, 512K, 512M or 2G");
    } else if (is_option(arg, "--time-limit")) {
        const char *v = option_value("--time-limit", argc, argv, i);
        if (!parse_seconds(v, &o->search.time_limit))
            cli_bad_value("--time-limit", v, "a positive number of seconds");
    } else if (is_option(arg, "--expect")) {
        const char *v = option_value("--expect", argc, argv, i);
        if (!strcmp(v, "ok"))
            o->expect = EXPECT_OK;
        else if (!strcmp(v, "violation"))
            o->expect = EXPECT_VIOLATION;
        else
            cli_bad_value("--expect", v, "'ok' or 'violation'");
    } else if (!strcmp(arg, "-D")) {
        if (*i + 1 >= argc)
            cli_fail("option '-D' needs a value");
        cli_add_define(o, argv[++*i]);
    } else if (!strncmp(arg, "-D", 2)) {
        cli_add_define(o, arg + 2);
    } else {
        return false;
    }
    return true;
}

/* Parse the arguments of 'weft check' (argv[0] is the first after "check"). */
static void cli_parse_check(int argc, char **argv, CliOptions *o)
{
    bool only_models = false; /* after "--" every argument is a model */
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (only_models || arg[0] != '-' || arg[1] == '\0') {
            vec_push(&o->models, arg);
        } else if (!strcmp(arg, "--")) {
            only_models = true;
        } else if (!cli_flag(o, arg) && !cli_valued(o, argc, argv, &i)) {
            cli_unknown_option(arg);
        }
    }
    if (o->models.len == 0)
        cli_fail("no model to check (usage: weft check MODEL... [options])");
}

/* ---- checking one model ---- */

/* Read and compile 'path'; on failure report on stderr, set *out (VERDICT_UNREADABLE or
** VERDICT_NOT_CHECKED) and return NULL. */
static Program *cli_compile(const char *path, const CliOptions *o, Verdict *out)
{
    char *err = NULL;
    Source *src = src_read_file(path, &err);
    *out = VERDICT_UNREADABLE;
    if (!src) {
        fflush(stdout);
        fprintf(stderr, "weft: %s\n", err);
        free(err);
        return NULL;
    }
    *out = VERDICT_NOT_CHECKED;
    Diag *d = diag_new(src);
    Arena *arena = arena_new();
    Program *prog = NULL;
    AstNode *model = parse_model(arena, src, d);
    if (diag_count(d) == 0)
        prog = compile_model(model, src, o->defs.items, o->defs.len, d, &err);
    fflush(stdout);
    if (err)
        fprintf(stderr, "weft: %s\n", err);
    else if (!prog)
        diag_print(d, stderr, o->is_color);
    free(err);
    arena_free(arena);
    diag_free(d);
    src_free(src);
    return prog;
}

/* The report of a checked model on stdout. The Source is re-read only for statement texts
** that have no position (an assert inside an atomic block). */
static void cli_report(const char *path, const Program *prog, const SearchResult *res,
                       const CliOptions *o)
{
    Trace **traces = xcalloc(res->n_viols ? res->n_viols : 1, sizeof(Trace *));
    for (size_t i = 0; i < res->n_viols; i++)
        traces[i] = trace_build(prog, res, &res->viols[i]);
    char *err = NULL;
    Source *src = src_read_file(path, &err);
    free(err);
    ReportOptions ro = {.color = o->is_color, .search = &o->search, .src = src};
    report_text(stdout, prog, res, traces, &ro);
    src_free(src);
    for (size_t i = 0; i < res->n_viols; i++)
        trace_free(traces[i]);
    free(traces);
}

static void cli_check_one(const char *path, const CliOptions *o, bool is_many, ModelResult *out)
{
    out->name = path;
    out->res = NULL;
    if (is_many && !o->is_quiet)
        printf("checking %s\n", path);
    Program *prog = cli_compile(path, o, &out->verdict);
    if (!prog) {
        if (is_many && !o->is_quiet)
            putchar('\n');
        return;
    }
    out->res = search_run(prog, &o->search);
    out->verdict = report_verdict(out->res);
    if (!o->is_quiet) {
        cli_report(path, prog, out->res, o);
        if (is_many)
            putchar('\n');
    }
    prog_free(prog);
}

static int cli_check(int argc, char **argv)
{
    CliOptions o = {0};
    cli_parse_check(argc, argv, &o);
    size_t n = o.models.len;
    ModelResult *results = xcalloc(n, sizeof(ModelResult));
    WeftExit status = WEFT_EXIT_OK;
    for (size_t i = 0; i < n; i++) {
        cli_check_one(o.models.items[i], &o, n > 1, &results[i]);
        status = report_worse_exit(status, report_exit_status(results[i].verdict, o.expect));
    }
    for (size_t i = 0; i < n; i++) {
        report_summary(stdout, results[i].name, results[i].verdict, results[i].res, o.expect,
                       o.is_color);
        search_result_free(results[i].res);
    }
    free(results);
    for (size_t i = 0; i < o.defs.len; i++)
        free((char *)o.defs.items[i].name);
    vec_free(&o.defs);
    vec_free(&o.models);
    fflush(stdout);
    return status;
}

/* ---- subcommands ---- */

static const char *const command_names[] = {"check", "help"};

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_text, stderr);
        return WEFT_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "check"))
        return cli_check(argc - 2, argv + 2);
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        fputs(usage_text, stdout);
        return WEFT_EXIT_OK;
    }
    if (!strcmp(cmd, "--version")) {
        printf("weft %s\n", WEFT_VERSION);
        return WEFT_EXIT_OK;
    }
    if (!strcmp(cmd, "replay") || !strcmp(cmd, "simulate") || !strcmp(cmd, "graph"))
        cli_fail("'%s' is not available yet in this version (see 'weft --help')", cmd);
    if (cmd[0] == '-')
        cli_unknown_option(cmd);
    const char *best = diag_suggest(cmd, command_names, 2);
    if (best)
        cli_fail("unknown command '%s' (did you mean '%s'?)", cmd, best);
    cli_fail("unknown command '%s' (see 'weft --help')", cmd);
}
