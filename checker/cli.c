/*
** cli.c -- the weft command: subcommands, options, the pipeline per model, the exit status.
**
** The only file that calls exit(). Each model named on the command line goes through
** src_read_file -> compile_source -> search_run -> trace_build -> report_text,
** and gets one summary line at the end of the output. A bad command line stops before any model
** is read; a model that cannot be read or compiled is reported on stderr and the others are
** still checked. The exit status is the worst over the models (report.h gives the order).
*/
#define _DEFAULT_SOURCE /* realpath */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compile.h"
#include "count.h"
#include "dead.h"
#include "diag.h"
#include "dot.h"
#include "expect.h"
#include "outfile.h"
#include "program.h"
#include "replay.h"
#include "report.h"
#include "report_json.h"
#include "report_junit.h"
#include "report_replay.h"
#include "search.h"
#include "trace.h"
#include "tracefile.h"
#include "util.h"

#define STDIN_MODEL "<stdin>" /* the name of the model read from stdin ('-') */

#define WEFT_VERSION    "0.1.0"
#define MAX_JOBS        1024    /* the most worker threads -j accepts */
#define MAX_PREEMPTIONS 1000000 /* the largest --max-preemptions */

/* When to show the progress line of a search on stderr (--progress). */
typedef enum { PROGRESS_AUTO, PROGRESS_ALWAYS, PROGRESS_NEVER } ProgressMode;

/* Everything the command line of 'weft check' says. */
typedef struct CliOptions {
    VEC(const char *) models;   /* model paths in the order given (argv strings) */
    VEC(Define) defs;           /* -D overrides; a later one for the same name replaces it */
    SearchOptions search;       /* --dfs, --first, --no-deadlock and the limits */
    Expect expect;              /* --expect */
    bool is_quiet;              /* --quiet: only the summary lines */
    bool is_color;              /* --color */
    const char *dot_path;       /* --dot FILE: the state graph, or NULL */
    const char *trace_dot_path; /* --trace-dot FILE or DIR/: schedule pictures, or NULL */
    DotOptions dot;             /* --dot-locals, --dot-max-states */
    bool has_dot_max_states;    /* --dot-max-states given */
    bool has_format;            /* --format given: it overrides the file names' suffixes */
    DotFormat format;           /* --format dot|svg|png */
    const char *json_path;      /* --json FILE, or NULL */
    const char *junit_path;     /* --junit FILE, or NULL */
    const char *trace_path;     /* --trace FILE, or NULL */
    bool is_expect_from_model;  /* --expect-from-model */
    ProgressMode progress;      /* --progress auto|always|never */
    struct CliSinks *sinks;     /* documents being built for --json, --junit, --trace */
    const char *outcomes;       /* --outcomes VAR,...: what outcomes are grouped by, or NULL */
    bool is_fewest;             /* --fewest-preemptions */
    bool is_bounded;            /* --max-preemptions N given */
    uint32_t max_preemptions;   /* --max-preemptions N: N */
    bool is_reduce_dead;        /* --reduce dead */
    bool is_causes;             /* --causes: points of no return */
    uint64_t n_schedules;       /* --schedules K FILE: K, or 0 */
    const char *schedules_path; /* --schedules K FILE: FILE */
} CliOptions;

/* The outcome of one model, kept for the summary lines at the end. */
typedef struct ModelResult {
    const char *name;         /* the path as given */
    Verdict verdict;          /* what its summary line says */
    SearchResult *res;        /* NULL when not checked */
    bool is_picture_failed;   /* a --dot, --trace-dot or --schedules file could not be written */
    bool has_model_expect;    /* --expect-from-model: 'model_expect' was read */
    ModelExpect model_expect; /* the model's '# expect:' line */
    bool is_expect_met;       /* has_model_expect: the verdict meets it */
    char *error;              /* why it was not checked, as stderr says it (owned), or NULL */
    char *viols;              /* its violations for the summary line (report_viol_list), or NULL */
} ModelResult;

static const char usage_text[] =
    "usage: weft check MODEL... [options]   explore every interleaving, report violations\n"
    "       weft graph MODEL -o FILE [options]   the whole state graph (DOT, SVG or PNG)\n"
    "       weft replay MODEL TRACE.json [-D ...]   re-run a recorded schedule, show every state\n"
    "       weft simulate MODEL [--seed N] [--steps N] [--runs N] [-D ...] [--no-deadlock]\n"
    "                                       one random schedule, printed as a trace; with\n"
    "                                       --runs N (or --time-limit T), many, violations and\n"
    "                                       outcomes counted\n"
    "       weft help [COMMAND] | COMMAND --help | --help | --version\n";

/* Apart from usage_text: C99 promises string literals of 4095 bytes only. */
static const char options_text[] =
    "\n"
    "options of check:\n"
    "  -D NAME=VALUE           override the model's 'const NAME' (repeatable)\n"
    "  --bfs                   breadth first search: shortest schedules (the default)\n"
    "  --dfs                   depth first search\n"
    "  --first                 stop at the first violation\n"
    "  --max-states N          stop after storing N states (exit 3 if no violation was found)\n"
    "  --max-depth N           check every schedule of up to N steps, no more (BFS; exit 3\n"
    "                          if states are left deeper and no violation was found)\n"
    "  --max-preemptions N     check only schedules of at most N preemptions (CHESS's and\n"
    "                          Loom's preemption bound; exit 3 if the bound held back a\n"
    "                          step and no violation was found)\n"
    "  --reduce dead           reset each thread's locals where no path reads them again\n"
    "                          before writing them (SPIN's dead variable elimination):\n"
    "                          fewer states, the same verdicts, schedules and outcomes\n"
    "  --max-memory SIZE       stop when the search would pass SIZE bytes (512K, 512M, 2G,\n"
    "                          1T; default: 3/4 of the memory available at the start, at most\n"
    "                          a quarter of ulimit -v)\n"
    "  --time-limit SECONDS    stop after SECONDS of search (units s, m, h, d: 90, 10m)\n"
    "  -j N                    N worker threads for breadth first search (default: the online\n"
    "                          CPUs; --dfs runs on one); the report is the same for every N\n"
    "  --compact               hash compaction: store 64-bit fingerprints, not states (BFS;\n"
    "                          a state may be missed, with the probability printed)\n"
    "  --expect ok|violation   exit 0 when the verdict is the expected one, else 1\n"
    "  --no-deadlock           do not report deadlocks\n"
    "  -q, --quiet             print only the summary line of each model\n"
    "  --color                 colour errors and verdicts\n"
    "  --dot FILE              write the state graph (FILE.svg/.png: rendered by Graphviz)\n"
    "  --trace-dot FILE|DIR/   draw the first violation's schedule, or each one into DIR/\n"
    "  --dot-locals            show each thread's locals in the --dot state graph\n"
    "  --dot-max-states N      refuse a --dot state graph of more than N states (default 500)\n"
    "  --format dot|svg|png    the format of --dot, --trace-dot and graph -o files\n"
    "  --json FILE             write the whole report as JSON (docs/json.md)\n"
    "  --trace FILE            write the first violation's schedule as a JSON trace for replay\n"
    "  --junit FILE            write JUnit XML for CI: a test suite per model\n"
    "  --expect-from-model     take each model's '# expect: ok|violation [KIND [LABEL]]' line\n"
    "                          as its --expect\n"
    "  --progress auto|always|never\n"
    "                          a progress line on stderr during the search (auto: on a\n"
    "                          terminal only)\n"
    "  --outcomes VAR,...      group end-state outcomes by these variables (shared, 'a[1]',\n"
    "                          'worker[0].tmp'; default: every shared scalar)\n"
    "  --fewest-preemptions    show for each violation a schedule with the fewest preemptions\n"
    "  --causes                show each point of no return (docs/schedules.md) once\n"
    "  --schedules K FILE      write up to K violating schedules to FILE as JSON lines\n"
    "                          (an output FILE '-' is stdout; the report then goes to stderr)\n"
    "  MODEL '-'               read the model from stdin\n"
    "  -h, --help              this text\n"
    "  --version               the version of weft\n"
    "\n"
    "exit status: 0 no violation (or --expect met), 1 violation (or --expect not met),\n"
    "             2 bad usage or model error, 3 search incomplete with no violation found\n"
    "             (a limit hit, or Ctrl-C: the report of what was searched)\n"
    "             (several models: the worst, in the order 2, 1, 3, 0)\n";

/* weft help graph, weft graph --help. */
static const char graph_help_text[] =
    "usage: weft graph MODEL -o FILE [options]\n"
    "  explore MODEL and write its whole state graph, as 'weft check --dot FILE' draws it,\n"
    "  without the report (docs/graphs.md)\n"
    "\n"
    "options of graph:\n"
    "  -o FILE, --output FILE  the picture: DOT text, or SVG/PNG rendered by Graphviz when FILE\n"
    "                          ends in .svg/.png; '-' writes DOT text to stdout\n"
    "  --format dot|svg|png    the format of FILE, whatever its name says\n"
    "  --dot-locals            show each thread's locals in the states' labels\n"
    "  --dot-max-states N      refuse a graph of more than N states (default 500): the search\n"
    "                          stops one state past it, and nothing is written\n"
    "  -D NAME=VALUE           override the model's 'const NAME' (repeatable)\n"
    "  --no-deadlock           do not count states where no thread can move as violations\n"
    "  MODEL '-'               read the model from stdin\n"
    "  and the search options of check: --max-states, --max-depth, --max-preemptions,\n"
    "  --reduce dead, --max-memory, --time-limit, -j ('weft help check')\n"
    "\n"
    "exit status: 0 the file was written, 2 it was not (bad usage, a model error, a graph\n"
    "             too large, Graphviz missing)\n";

/* weft help replay, weft replay --help. */
static const char replay_help_text[] =
    "usage: weft replay MODEL TRACE.json [-D NAME=VALUE]...\n"
    "  re-run a trace that 'weft check --trace' (or --schedules, or 'weft simulate --trace')\n"
    "  wrote, step by step, print the state after each step, and confirm its violation;\n"
    "  MODEL or TRACE.json may be '-', stdin, not both (docs/cli.md, weft replay)\n"
    "\n"
    "options of replay:\n"
    "  -D NAME=VALUE           override the model's 'const NAME' (repeatable): the trace's\n"
    "                          constants must be the model's\n"
    "\n"
    "exit status: 1 the violation is confirmed, 0 the schedule runs without it (the model\n"
    "             changed), 2 bad usage, a model error, or a trace that does not fit the model\n";

/* weft help simulate, weft simulate --help. */
static const char simulate_help_text[] =
    "usage: weft simulate MODEL [options]\n"
    "  run one random schedule and print it as a trace; with --runs N or --time-limit T,\n"
    "  many, with their violations and outcomes counted (docs/cli.md, weft simulate)\n"
    "\n"
    "options of simulate:\n"
    "  --seed N                the (first) run's seed, default 1: the same seed gives the same\n"
    "                          schedule on every machine\n"
    "  --steps N               stop a run after N steps (default 1000)\n"
    "  --runs N                N runs, with the seeds --seed, --seed + 1, ...; the shortest\n"
    "                          that violates is shown\n"
    "  --time-limit T          start no run after T (units s, m, h, d: 90, 10m); alone, make\n"
    "                          runs until then\n"
    "  --outcomes VAR,...      group the finished runs by these terms, as check does (with\n"
    "                          --runs or --time-limit)\n"
    "  --trace FILE            write the violating run (of many, the shortest) as a JSON trace\n"
    "                          for 'weft replay'; '-' is stdout, the report then on stderr\n"
    "  --progress auto|always|never\n"
    "                          a progress line on stderr as the runs go on (auto: on a\n"
    "                          terminal only)\n"
    "  --no-deadlock           a run that ends where no thread can move is no violation\n"
    "  -D NAME=VALUE           override the model's 'const NAME' (repeatable)\n"
    "  MODEL '-'               read the model from stdin\n"
    "\n"
    "exit status: 1 a run violated, 0 none did, 2 bad usage, a model error, or a trace that\n"
    "             could not be written\n";

/* ---- standard output ---- */

/* Why the first write to standard output that failed did (an errno), 0 if none has. */
static int cli_stdout_errno;

/* Flush standard output (before stderr speaks, so that the two keep their order), keeping why
** it failed, if it did, for cli_close_stdout. */
static void cli_flush(void)
{
    int was = errno;
    errno = 0;
    if (fflush(stdout) != 0 && !cli_stdout_errno)
        cli_stdout_errno = errno ? errno : EIO;
    errno = was;
}

/* At exit (atexit): a report, trace or graph that could not all be written to standard output
** (a full disk, a closed descriptor) is an error, "weft: cannot write to standard output: No
** space left on device", and the exit status becomes 2 whatever it was. */
static void cli_close_stdout(void)
{
    cli_flush();
    if (!cli_stdout_errno && !ferror(stdout))
        return;
    if (cli_stdout_errno)
        fprintf(stderr, "weft: cannot write to standard output: %s\n", strerror(cli_stdout_errno));
    else /* a write inside stdio failed, and stdio keeps no reason */
        fputs("weft: cannot write to standard output\n", stderr);
    _exit(WEFT_EXIT_USAGE);
}

/* ---- interrupts ---- */

/* Set by the first SIGINT or SIGTERM while 'weft check' runs (SearchOptions.interrupt), or
** 'weft simulate --runs' (SimOptions.interrupt). */
static atomic_int cli_interrupted;

static void cli_on_interrupt(int sig)
{
    (void)sig;
    atomic_store(&cli_interrupted, 1); /* lock-free: safe in a signal handler */
}

/* Ctrl-C (SIGINT) or SIGTERM stops the search as a limit would: the partial report, the files,
** exit status 3 (1 with a violation found); or simulate's runs, as --time-limit would. The
** handler is used once (SA_RESETHAND): a second signal ends weft at once, as without it. A
** signal weft was started ignoring stays ignored (a shell script's background job ignores
** SIGINT, so that Ctrl-C meant for the script leaves it running). */
static void cli_catch_interrupts(void)
{
    struct sigaction sa = {.sa_handler = cli_on_interrupt, .sa_flags = SA_RESETHAND | SA_RESTART};
    sigemptyset(&sa.sa_mask);
    const int sigs[] = {SIGINT, SIGTERM};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction was;
        if (sigaction(sigs[i], NULL, &was) == 0 && was.sa_handler != SIG_IGN)
            sigaction(sigs[i], &sa, NULL);
    }
}

/* ---- failing ---- */

static _Noreturn void cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "weft: MESSAGE" on stderr and exit with the usage status. */
static _Noreturn void cli_fail(const char *fmt, ...)
{
    va_list ap;
    cli_flush();
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
    "--bfs",
    "--dfs",
    "--first",
    "--max-states",
    "--max-memory",
    "--time-limit",
    "--expect",
    "--quiet",
    "--no-deadlock",
    "--color",
    "--help",
    "--version",
    "-j",
    "--compact",
    "--dot",
    "--trace-dot",
    "--dot-locals",
    "--dot-max-states",
    "--format",
    "--outcomes",
    "--fewest-preemptions",
    "--causes",
    "--schedules",
    "--json",
    "--junit",
    "--trace",
    "--expect-from-model",
    "--progress",
    "-q",
    "--max-depth",
    "--max-preemptions",
    "--reduce",
};

/* Other checkers' names for check's options (TLC's -workers, -deadlock), and common guesses. */
static const struct {
    const char *name, *ours;
} option_synonyms[] = {
    {"--jobs", "-j"},
    {"--threads", "-j"},
    {"--workers", "-j"},
    {"-workers", "-j"},
    {"--parallel", "-j"},
    {"--timeout", "--time-limit"},
    {"--max-time", "--time-limit"},
    {"--memory", "--max-memory"},
    {"--max-mem", "--max-memory"},
    {"--define", "-D"},
    {"-deadlock", "--no-deadlock"},
    {"--deadlock", "--no-deadlock"},
    {"--depth", "--max-depth"},
    {"-depth", "--max-depth"},
    {"--preemption-bound", "--max-preemptions"},
    {"--preemptions", "--max-preemptions"},
    {"--max-preemption", "--max-preemptions"},
    {"--context-bound", "--max-preemptions"},
};

static _Noreturn void cli_unknown_option(const char *arg)
{
    size_t n = strcspn(arg, "=");
    char *name = xstrndup(arg, n);
    const char *best = NULL;
    for (size_t i = 0; i < sizeof option_synonyms / sizeof option_synonyms[0] && !best; i++)
        if (strcmp(name, option_synonyms[i].name) == 0)
            best = option_synonyms[i].ours;
    if (!best)
        best = diag_suggest(name, option_names, sizeof option_names / sizeof option_names[0]);
    if (best)
        cli_fail("unknown option '%s' (did you mean '%s'?)", name, best);
    cli_fail("unknown option '%s' (see 'weft --help')", name);
}

/* The options of simulate and of replay, for their "did you mean" hints. */
static const char *const simulate_option_names[] = {
    "--seed",     "--steps",       "--runs", "--time-limit", "--outcomes", "--trace",
    "--progress", "--no-deadlock", "-D",     "--help",       "--version",
};
static const char *const replay_option_names[] = {"-D", "--help", "--version"};

/* 'arg', an option that command 'cmd' (simulate, replay) does not take: name the nearest of its
** 'names', or say that the option is check's. */
static _Noreturn void cli_unknown_option_of(const char *cmd, const char *arg,
                                            const char *const *names, size_t n_names)
{
    char *name = xstrndup(arg, strcspn(arg, "="));
    for (size_t i = 0; i < sizeof option_names / sizeof option_names[0]; i++)
        if (!strcmp(name, option_names[i]))
            cli_fail("'%s' is an option of check, not of %s (see 'weft help %s')", name, cmd, cmd);
    const char *best = diag_suggest(name, names, n_names);
    if (best)
        cli_fail("unknown option '%s' of %s (did you mean '%s'?)", name, cmd, best);
    cli_fail("unknown option '%s' of %s (see 'weft help %s')", name, cmd, cmd);
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

/* Bytes: a positive integer with an optional K, M, G or T suffix (powers of 1024). */
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
    else if (*end == 'T' || *end == 't')
        shift = 40, end++;
    if (*end || v > (SIZE_MAX >> shift))
        return false;
    *out = (size_t)v << shift;
    return true;
}

/* Seconds: a positive finite decimal number, with an optional unit as GNU timeout takes them:
** s (seconds), m (minutes), h (hours) or d (days). */
static bool parse_seconds(const char *s, double *out)
{
    if ((*s < '0' || *s > '9') && *s != '.')
        return false;
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    static const struct {
        char unit;
        double seconds;
    } units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (*end == units[i].unit) {
            v *= units[i].seconds;
            end++;
            break;
        }
    }
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

/* True if 'word' looks like an option: "--" and more, or "-" and a letter ("-q", "-j4", "-D"). */
static bool is_option_like(const char *word)
{
    return word[0] == '-' && (isalpha((unsigned char)word[1]) || (word[1] == '-' && word[2]));
}

/* argv[i], the word after option 'name', as its value: an option in its place means the value
** was forgotten, so '--json --quiet' and '--json -q' say so rather than writing a file named
** '--quiet' or '-q'; 'name=--quiet' still gives that value. The file after --schedules' count
** ('is_file_after') has no 'name=' form: './--quiet' names such a file. */
static const char *next_word_value(const char *name, int argc, char **argv, int i,
                                   bool is_file_after)
{
    if (i >= argc)
        cli_fail(is_file_after ? "option '%s' needs a file after the number"
                               : "option '%s' needs a value",
                 name);
    if (!is_option_like(argv[i]))
        return argv[i];
    const char *dashes = argv[i][1] == '-' ? "--" : "-";
    if (is_file_after)
        cli_fail("option '%s' needs a file before the option '%s' (a file whose name starts with "
                 "'%s' is written './%s')",
                 name, argv[i], dashes, argv[i]);
    cli_fail("option '%s' needs a value before the option '%s' (a value that starts with '%s' "
             "is written '%s=VALUE')",
             name, argv[i], dashes, name);
}

/* The value of an option: after '=' in the same argument, or the next argument. */
static const char *option_value(const char *name, int argc, char **argv, int *i)
{
    const char *eq = strchr(argv[*i], '=');
    if (eq)
        return eq + 1;
    return next_word_value(name, argc, argv, ++*i, false);
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

/* --time-limit T: T in seconds, or a usage error. */
static double time_limit_value(const char *v)
{
    double t;
    if (!parse_seconds(v, &t))
        cli_bad_value("--time-limit", v,
                      "a positive number of seconds, or of minutes, hours or days with the unit "
                      "m, h or d: 30, 0.5, 10m, 2h");
    return t;
}

/* --progress auto|always|never, or a usage error. */
static ProgressMode progress_mode(const char *v)
{
    if (!strcmp(v, "always"))
        return PROGRESS_ALWAYS;
    if (!strcmp(v, "never"))
        return PROGRESS_NEVER;
    if (strcmp(v, "auto"))
        cli_bad_value("--progress", v, "'auto', 'always' or 'never'");
    return PROGRESS_AUTO;
}

/* True if a progress line is drawn in 'mode' (auto: when stderr is a terminal). */
static bool progress_is_shown(ProgressMode mode)
{
    return mode == PROGRESS_ALWAYS || (mode == PROGRESS_AUTO && isatty(STDERR_FILENO));
}

/* Erase a progress line drawn on stderr. */
static void progress_erase(void)
{
    fputs("\r\033[K", stderr);
    fflush(stderr);
}

/* --help, or -h. */
static bool is_help(const char *arg)
{
    return !strcmp(arg, "--help") || !strcmp(arg, "-h");
}

static const char *const command_names[] = {"check", "graph", "help", "replay", "simulate"};

/* Print the help of 'cmd' ("check", "graph", "replay", "simulate"; NULL or "help": the usage
** of every command and the options of check) on stdout and exit 0; an unknown 'cmd' is a usage
** error. */
static _Noreturn void cli_help(const char *cmd)
{
    if (!cmd || !strcmp(cmd, "check") || !strcmp(cmd, "help")) {
        fputs(usage_text, stdout);
        fputs(options_text, stdout);
    } else if (!strcmp(cmd, "graph")) {
        fputs(graph_help_text, stdout);
    } else if (!strcmp(cmd, "replay")) {
        fputs(replay_help_text, stdout);
    } else if (!strcmp(cmd, "simulate")) {
        fputs(simulate_help_text, stdout);
    } else {
        const char *best =
            diag_suggest(cmd, command_names, sizeof command_names / sizeof command_names[0]);
        if (best)
            cli_fail("no help on '%s': it is no command (did you mean '%s'?)", cmd, best);
        cli_fail("no help on '%s': it is no command (the commands: check, graph, replay, "
                 "simulate)",
                 cmd);
    }
    exit(WEFT_EXIT_OK);
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
    else if (!strcmp(arg, "--fewest-preemptions"))
        o->is_fewest = true;
    else if (!strcmp(arg, "--causes"))
        o->is_causes = true;
    else if (!strcmp(arg, "--no-deadlock"))
        o->search.no_deadlock = true;
    else if (!strcmp(arg, "--quiet") || !strcmp(arg, "-q"))
        o->is_quiet = true;
    else if (!strcmp(arg, "--color"))
        o->is_color = true;
    else if (!strcmp(arg, "--compact"))
        o->search.compact = true;
    else if (!strcmp(arg, "--dot-locals"))
        o->dot.show_locals = true;
    else if (!strcmp(arg, "--expect-from-model"))
        o->is_expect_from_model = true;
    else if (is_help(arg))
        cli_help("check");
    else if (!strcmp(arg, "--version")) {
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
    if (is_option(arg, "--max-preemptions")) {
        const char *v = option_value("--max-preemptions", argc, argv, i);
        uint64_t n;
        if (!strcmp(v, "0"))
            n = 0;
        else if (!parse_count(v, &n) || n > MAX_PREEMPTIONS)
            cli_bad_value("--max-preemptions", v, "a number of preemptions, 0 to 1000000");
        o->is_bounded = true;
        o->max_preemptions = (uint32_t)n;
    } else if (is_option(arg, "--reduce")) {
        const char *v = option_value("--reduce", argc, argv, i);
        if (strcmp(v, "dead") != 0)
            cli_bad_value("--reduce", v, "'dead': weft has no other reduction yet");
        o->is_reduce_dead = true;
    } else if (is_option(arg, "--max-depth")) {
        const char *v = option_value("--max-depth", argc, argv, i);
        uint64_t n;
        if (!parse_count(v, &n) || n > UINT32_MAX - 1)
            cli_bad_value("--max-depth", v, "a positive number of steps");
        o->search.max_depth = (uint32_t)n;
    } else if (is_option(arg, "--max-states")) {
        const char *v = option_value("--max-states", argc, argv, i);
        if (!parse_count(v, &o->search.max_states))
            cli_bad_value("--max-states", v, "a positive integer");
    } else if (is_option(arg, "--max-memory")) {
        const char *v = option_value("--max-memory", argc, argv, i);
        if (!parse_size(v, &o->search.max_memory))
            cli_bad_value("--max-memory", v, "a size in bytes such as 65536, 512K, 512M, 2G or 1T");
    } else if (is_option(arg, "--time-limit")) {
        o->search.time_limit = time_limit_value(option_value("--time-limit", argc, argv, i));
    } else if (is_option(arg, "--outcomes")) {
        o->outcomes = option_value("--outcomes", argc, argv, i);
    } else if (is_option(arg, "--schedules")) {
        const char *v = option_value("--schedules", argc, argv, i);
        if (!parse_count(v, &o->n_schedules))
            cli_bad_value("--schedules", v, "a positive number of schedules, then a file");
        o->schedules_path = next_word_value("--schedules", argc, argv, ++*i, true);
    } else if (is_option(arg, "--expect")) {
        const char *v = option_value("--expect", argc, argv, i);
        if (!strcmp(v, "ok"))
            o->expect = EXPECT_OK;
        else if (!strcmp(v, "violation"))
            o->expect = EXPECT_VIOLATION;
        else
            cli_bad_value("--expect", v, "'ok' or 'violation'");
    } else if (is_option(arg, "--json")) {
        o->json_path = option_value("--json", argc, argv, i);
    } else if (is_option(arg, "--junit")) {
        o->junit_path = option_value("--junit", argc, argv, i);
    } else if (is_option(arg, "--trace")) {
        o->trace_path = option_value("--trace", argc, argv, i);
    } else if (is_option(arg, "--progress")) {
        o->progress = progress_mode(option_value("--progress", argc, argv, i));
    } else if (is_option(arg, "--dot")) {
        o->dot_path = option_value("--dot", argc, argv, i);
    } else if (is_option(arg, "--trace-dot")) {
        o->trace_dot_path = option_value("--trace-dot", argc, argv, i);
    } else if (is_option(arg, "--dot-max-states")) {
        const char *v = option_value("--dot-max-states", argc, argv, i);
        if (!parse_count(v, &o->dot.max_states))
            cli_bad_value("--dot-max-states", v, "a positive integer");
        o->has_dot_max_states = true;
    } else if (is_option(arg, "--format")) {
        const char *v = option_value("--format", argc, argv, i);
        if (!dot_format_parse(v, &o->format))
            cli_bad_value("--format", v, "'dot', 'svg' or 'png'");
        o->has_format = true;
    } else if (!strcmp(arg, "-j") || !strncmp(arg, "-j", 2)) {
        const char *v = arg[2] ? arg + 2 + (arg[2] == '=') : option_value("-j", argc, argv, i);
        uint64_t n;
        if (!parse_count(v, &n) || n > MAX_JOBS)
            cli_bad_value("-j", v, "a number of threads from 1 to 1024");
        o->search.n_threads = (uint32_t)n;
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

/* The model named 'arg' on the command line: '-' is stdin, read now (it can be read only once)
** and named STDIN_MODEL from then on; one model only may be '-'. */
static const char *cli_model_path(const char *arg)
{
    static bool is_stdin_read;
    if (strcmp(arg, "-"))
        return arg;
    if (is_stdin_read)
        cli_fail("'-' (stdin) can be given as one model only");
    is_stdin_read = true;
    char *err = NULL;
    if (!src_read_stdin(STDIN_MODEL, &err))
        cli_fail("%s", err);
    return STDIN_MODEL;
}

/* Parse the arguments of 'weft check' (argv[0] is the first after "check"). */
static void cli_parse_check(int argc, char **argv, CliOptions *o)
{
    bool only_models = false; /* after "--" every argument is a model */
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (only_models || arg[0] != '-' || arg[1] == '\0') {
            vec_push(&o->models, cli_model_path(arg));
        } else if (!strcmp(arg, "--")) {
            only_models = true;
        } else if (!cli_flag(o, arg) && !cli_valued(o, argc, argv, &i)) {
            cli_unknown_option(arg);
        }
    }
    if (o->models.len == 0)
        cli_fail("no model to check (usage: weft check MODEL... [options]; MODEL - reads stdin)");
    if (o->is_expect_from_model && o->expect != EXPECT_NONE)
        cli_fail("--expect and --expect-from-model cannot be used together");
    if (o->search.compact && o->search.dfs)
        cli_fail("--compact works with breadth first search only (drop --dfs)");
    if (o->search.max_depth && o->search.dfs)
        cli_fail("--max-depth bounds a breadth first search, level by level (drop --dfs)");
    if (o->search.compact && o->dot_path)
        cli_fail("--dot needs every stored state; it does not work with --compact");
    if (o->schedules_path && o->models.len > 1)
        cli_fail("--schedules writes the schedules of one model (%zu given)", o->models.len);
    if (o->search.compact && (o->is_fewest || o->is_causes || o->schedules_path))
        cli_fail("--compact keeps no states: drop it for --fewest-preemptions, --causes or "
                 "--schedules");
    if (o->search.n_threads == 0) {
        long n_cpus = sysconf(_SC_NPROCESSORS_ONLN);
        o->search.n_threads = n_cpus > 0 && n_cpus <= MAX_JOBS ? (uint32_t)n_cpus : 1;
    }
    if (o->search.max_memory == 0)
        o->search.max_memory = search_default_max_memory();
}

/* ---- output files ---- */

/* Where the text report goes: stdout, or stderr when an output file is '-' (cli_check_outputs).
** Set once, before any model is checked. */
static FILE *cli_text_stream;

static FILE *cli_text(void)
{
    return cli_text_stream ? cli_text_stream : stdout;
}

/* True if 'a' and 'b' name one existing file (the same device and inode: also through links
** or another spelling of the path). */
static bool is_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* The full name of a file that may not exist yet: its directory's real path, then its name
** ("./out.json" and "out.json" alike); NULL if the directory does not exist. */
static char *out_full_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
    char *real = realpath(dir, NULL);
    free(dir);
    if (!real)
        return NULL;
    char *full = xasprintf("%s/%s", real, slash ? slash + 1 : path);
    free(real);
    return full;
}

/* True if the outputs 'a' and 'b' would write one file, the second over the first: the same
** name, or two names of one regular file. A device (/dev/null) takes both; '-' is checked
** apart. */
static bool is_same_output(const char *a, const char *b)
{
    struct stat st;
    if (!strcmp(a, "-") || !strcmp(b, "-") || (stat(a, &st) == 0 && !S_ISREG(st.st_mode)))
        return false;
    if (!strcmp(a, b) || is_same_file(a, b))
        return true;
    char *ca = out_full_name(a), *cb = out_full_name(b);
    bool same = ca && cb && !strcmp(ca, cb);
    free(ca);
    free(cb);
    return same;
}

/* Refuse an output file whose directory does not exist or cannot be written, before the search
** rather than after it (a search may take hours). Nothing is created: the file is still written
** whole or not at all, after the search. For --trace-dot DIR/, the directory weft makes is
** checked as a file: its parent must exist. Any other output naming a directory is refused.
** What is written in place (a device such as /dev/null, a pipe, a symbolic link: outfile.h)
** must itself be writable. 'before' says what it is checked before: "the search", "the runs". */
static void check_out_dir(const char *option, const char *path, const char *before)
{
    size_t len = strlen(path);
    bool is_trace_dot = !strcmp(option, "--trace-dot"), is_slash = len > 0 && path[len - 1] == '/';
    struct stat sb;
    if (!(is_trace_dot && is_slash) && (is_slash || (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))))
        cli_fail("%s '%s' cannot be written: it names a directory%s (checked before %s)", option,
                 path,
                 is_trace_dot ? " (for a picture of each violation in it, end it with '/')" : "",
                 before);
    if (outfile_is_in_place(path)) { /* a device, a pipe, a link: opened as it is, not replaced */
        if (access(path, W_OK) != 0)
            cli_fail("%s '%s' cannot be written: %s (checked before %s)", option, path,
                     strerror(errno), before);
        return;
    }
    while (len > 1 && path[len - 1] == '/') /* DIR/: the directory itself is the output */
        len--;
    char *dir = xstrndup(path, len);
    char *slash = strrchr(dir, '/');
    if (!slash)
        strcpy(dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    struct stat st;
    int err = stat(dir, &st) != 0 ? errno : !S_ISDIR(st.st_mode) ? ENOTDIR : 0;
    if (!err && access(dir, W_OK | X_OK) != 0)
        err = errno;
    if (err)
        cli_fail("%s '%s' cannot be written: %s: %s (checked before %s)", option, path, dir,
                 strerror(err), before);
    free(dir);
}

/* Refuse an output file that is one of the models: writing it would destroy the model (and a
** typo such as --json race.weft is easy to make). 'dot_option' names the option of o->dot_path
** ("--dot", or "-o" for weft graph). One output may be '-', stdout: the text report then goes
** to stderr (cli_text), so that stdout carries that output alone ('--json - | jq'). Two outputs
** naming one file are refused: the second would overwrite the first. 'before': check_out_dir. */
static void cli_check_outputs(const CliOptions *o, const char *dot_option, const char *before)
{
    struct {
        const char *option, *path;
    } outs[] = {{"--json", o->json_path},           {"--junit", o->junit_path},
                {"--trace", o->trace_path},         {dot_option, o->dot_path},
                {"--trace-dot", o->trace_dot_path}, {"--schedules", o->schedules_path}};
    for (size_t k = 0; k < sizeof outs / sizeof outs[0]; k++)
        for (size_t m = 0; outs[k].path && m < o->models.len; m++)
            if (is_same_file(outs[k].path, o->models.items[m]))
                cli_fail("%s '%s' is the model '%s': writing it would destroy the model "
                         "(choose another file)",
                         outs[k].option, outs[k].path, o->models.items[m]);
    const char *on_stdout = NULL;
    for (size_t k = 0; k < sizeof outs / sizeof outs[0]; k++) {
        if (outs[k].path && strcmp(outs[k].path, "-"))
            check_out_dir(outs[k].option, outs[k].path, before);
        else if (outs[k].path && on_stdout)
            cli_fail("%s and %s both write to stdout ('-'): give one of them a file", on_stdout,
                     outs[k].option);
        else if (outs[k].path)
            on_stdout = outs[k].option;
    }
    if (on_stdout)
        cli_text_stream = stderr;
    size_t n = sizeof outs / sizeof outs[0];
    for (size_t k = 0; k < n; k++)
        for (size_t m = k + 1; outs[k].path && m < n; m++)
            if (outs[m].path && is_same_output(outs[k].path, outs[m].path))
                cli_fail("%s and %s both write '%s': give each its own file", outs[k].option,
                         outs[m].option, outs[m].path);
}

/* ---- the schedules shown ---- */

/* The schedules every output shows for a model's violations, built once for all of them: with
** --fewest-preemptions the analysis's (where it has one), else the search's shortest. A Shown
** of {0} shows none. */
typedef struct Shown {
    Trace **traces;   /* traces[i]: the schedule of res.viols[i] */
    Trace **built;    /* built[i]: traces[i] when built here (freed by shown_free), else NULL */
    SearchResult res; /* the search's result, its violations ending where traces[i] ends (with
                      ** --fewest-preemptions, Analysis.fewest_viols) */
    bool is_fewest;   /* the schedules are the fewest-preemption ones */
} Shown;

static void shown_build(Shown *s, const Program *prog, const SearchResult *res, const Analysis *an)
{
    size_t n = res->n_viols;
    s->res = *res;
    s->is_fewest = an && an->fewest;
    if (s->is_fewest)
        s->res.viols = an->fewest_viols;
    s->traces = xcalloc(n ? n : 1, sizeof(Trace *));
    s->built = xcalloc(n ? n : 1, sizeof(Trace *));
    for (size_t i = 0; i < n; i++) {
        if (!s->is_fewest || !an->fewest[i])
            s->built[i] = trace_build(prog, res, &res->viols[i]);
        s->traces[i] = s->built[i] ? s->built[i] : an->fewest[i];
    }
}

static void shown_free(Shown *s)
{
    for (size_t i = 0; s->built && i < s->res.n_viols; i++)
        trace_free(s->built[i]);
    free(s->built);
    free(s->traces);
}

/* ---- pictures: --dot, --trace-dot, weft graph ---- */

/* A picture named for an image format that weft does not render (race.gif, race.pdf) would get
** DOT text under that name: refused before the search, unless --format says what to write. */
static void cli_check_picture_name(const char *option, const char *path, const CliOptions *o)
{
    static const char *const images[] = {"gif", "jpg",  "jpeg", "pdf",  "ps", "eps",
                                         "bmp", "webp", "tif",  "tiff", "ico"};
    const char *dot = path ? strrchr(path, '.') : NULL;
    if (!dot || o->has_format || strchr(dot, '/'))
        return;
    for (size_t i = 0; i < sizeof images / sizeof images[0]; i++)
        if (!strcasecmp(dot + 1, images[i]))
            cli_fail("%s '%s': weft renders .svg and .png pictures, not .%s (write DOT text with "
                     "a .dot name and run 'dot -T%s' on it)",
                     option, path, dot + 1, images[i]);
}

/* Options that only make sense together: a single file for several models, '-' rendered; a
** picture's name. */
static void cli_check_picture_options(const CliOptions *o, const char *dot_option)
{
    cli_check_picture_name(dot_option, o->dot_path, o);
    cli_check_picture_name("--trace-dot", o->trace_dot_path, o);
    size_t len = o->trace_dot_path ? strlen(o->trace_dot_path) : 0;
    bool is_trace_dir = len > 0 && o->trace_dot_path[len - 1] == '/';
    if (o->models.len > 1 && o->dot_path)
        cli_fail("--dot writes one file: check one model at a time");
    if (o->models.len > 1 && o->trace_dot_path && !is_trace_dir)
        cli_fail("--trace-dot FILE takes one model; give a directory ('%s/') for several",
                 o->trace_dot_path);
    bool is_rendered = o->has_format && o->format != DOT_FORMAT_DOT;
    if (is_rendered && ((o->dot_path && !strcmp(o->dot_path, "-")) ||
                        (o->trace_dot_path && !strcmp(o->trace_dot_path, "-"))))
        cli_fail("'-' writes DOT text to stdout; --format svg or png needs a file name");
}

/* Put DOT 'text' in 'path' ('-': stdout), rendered as --format or the name says; false after
** saying why on stderr. */
static bool cli_write_picture(const char *path, const CliOptions *o, const char *text, size_t len)
{
    if (!strcmp(path, "-")) {
        fwrite(text, 1, len, stdout);
        return true;
    }
    DotFormat fmt = o->has_format ? o->format : dot_format_for_name(path);
    char *err = NULL;
    bool ok = dot_write_file(path, fmt, text, len, &err);
    if (!ok) {
        cli_flush();
        fprintf(stderr, "weft: %s\n", err);
    }
    free(err);
    return ok;
}

static bool cli_state_graph(const char *path, const Program *prog, const SearchResult *res,
                            const CliOptions *o)
{
    char *text = NULL, *err = NULL;
    size_t len = 0;
    FILE *mem = xmemstream(&text, &len);
    DotOptions d = o->dot;
    d.no_deadlock = o->search.no_deadlock;
    bool ok = dot_state_graph(mem, prog, res, &d, &err);
    fclose(mem);
    if (ok) {
        ok = cli_write_picture(path, o, text, len);
    } else {
        cli_flush();
        fprintf(stderr, "weft: '%s' not written: %s\n", path, err);
    }
    free(err);
    free(text);
    return ok;
}

/* DIR/MODEL-N-KIND[-NAME].EXT for violation i: "pics/counter_race-1-final-total.svg". */
static char *cli_trace_file_name(const char *dir, const char *model_path, const Program *prog,
                                 const Violation *v, size_t i, const CliOptions *o)
{
    const char *base = strrchr(model_path, '/') ? strrchr(model_path, '/') + 1 : model_path;
    if (!strcmp(model_path, STDIN_MODEL))
        base = "stdin";
    size_t base_len = strcspn(base, ".");
    char what[160] = "";
    if ((v->kind == VIOL_FINAL || v->kind == VIOL_INVARIANT) && prog->props[v->prop].label)
        snprintf(what, sizeof what, "-%s", prog->props[v->prop].label);
    else if (v->kind != VIOL_DEADLOCK)
        snprintf(what, sizeof what, "-line%u", v->line);
    DotFormat fmt = o->has_format ? o->format : DOT_FORMAT_DOT;
    const char *ext = fmt == DOT_FORMAT_SVG ? "svg" : fmt == DOT_FORMAT_PNG ? "png" : "dot";
    size_t n = strlen(dir) + base_len + sizeof what + 64;
    char *name = xmalloc(n);
    snprintf(name, n, "%s%.*s-%zu-%s%s.%s", dir, (int)base_len, base, i + 1,
             search_viol_kind_name(v->kind), what, ext);
    return name;
}

/* Draw the schedule of violation i as the report shows it into 'path'. */
static bool cli_trace_picture(const char *path, const Program *prog, const Shown *shown, size_t i,
                              const CliOptions *o)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = xmemstream(&text, &len);
    ReportOptions ro = {.search = &o->search, .is_fewest = shown->is_fewest};
    dot_trace(mem, prog, &shown->res.viols[i], shown->traces[i], report_schedule_kind(&ro));
    fclose(mem);
    bool ok = cli_write_picture(path, o, text, len);
    free(text);
    return ok;
}

/* --trace-dot FILE: the first violation; --trace-dot DIR/: every one, DIR made if missing. Each
** the schedule the report shows. */
static bool cli_trace_pictures(const char *model_path, const Program *prog, const Shown *shown,
                               const CliOptions *o)
{
    const char *path = o->trace_dot_path;
    const SearchResult *res = &shown->res;
    bool is_dir = path[strlen(path) - 1] == '/';
    if (is_dir && res->n_viols > 0 && mkdir(path, 0777) != 0 && errno != EEXIST) {
        cli_flush();
        fprintf(stderr, "weft: cannot create directory '%s': %s\n", path, strerror(errno));
        return false;
    }
    bool ok = true;
    size_t n = is_dir ? res->n_viols : res->n_viols > 0; /* FILE: the first violation only */
    for (size_t i = 0; i < n; i++) {
        char *name = is_dir ? cli_trace_file_name(path, model_path, prog, &res->viols[i], i, o)
                            : xstrdup(path);
        ok = cli_trace_picture(name, prog, shown, i, o) && ok;
        free(name);
    }
    return ok;
}

/* The pictures a checked model asks for ('shown': its schedules, as the report shows them);
** false when one could not be written. */
static bool cli_pictures(const char *model_path, const Program *prog, const SearchResult *res,
                         const Shown *shown, const CliOptions *o)
{
    bool ok = true;
    if (o->dot_path)
        ok = cli_state_graph(o->dot_path, prog, res, o);
    if (o->trace_dot_path)
        ok = cli_trace_pictures(model_path, prog, shown, o) && ok;
    return ok;
}

/* ---- checking one model ---- */

/* Why the model of 'out' was not checked: 'err' (taken) on stderr after "weft: ", and kept
** for --json and --junit. */
static void cli_model_failed(ModelResult *out, char *err)
{
    cli_flush();
    fprintf(stderr, "weft: %s\n", err);
    free(out->error);
    out->error = err;
}

/* --reduce dead: reset each thread's dead locals, keeping live the locals --outcomes shows
** (a list that does not parse is reported where the outcomes are grouped). */
static void cli_reduce_dead(Program *prog, const CliOptions *o)
{
    bool *keep = xcalloc(prog->n_vars ? prog->n_vars : 1, sizeof *keep);
    OutcomeTerm *terms = NULL;
    size_t n_terms = 0;
    char *err = NULL;
    if (o->outcomes && count_parse_terms(prog, o->outcomes, &terms, &n_terms, &err)) {
        for (size_t i = 0; i < n_terms; i++)
            keep[terms[i].var] = true;
        count_terms_free(terms, n_terms);
    }
    free(err);
    dead_reduce(prog, keep);
    free(keep);
}

/* True if JSON object 'o' has the string 'value' at 'key'. */
static bool json_has_string(json_object *o, const char *key, const char *value)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string) &&
           !strcmp(json_object_get_string(v), value);
}

/* If 'src', given as a model, is a JSON document (a model never starts with '{' or '['), what it
** is, as the one error to say instead of the parser's many: a trace, a JSON report. Else NULL. */
static char *json_not_model(const Source *src)
{
    const char *p = src->text + strspn(src->text, " \t\r\n");
    if (*p != '{' && *p != '[')
        return NULL;
    json_tokener *tok = json_tokener_new();
    json_object *root = json_tokener_parse_ex(tok, p, (int)strnlen(p, INT_MAX));
    const char *rest = p + json_tokener_get_parse_end(tok);
    bool is_lines = rest[strspn(rest, " \t\r\n")] != '\0'; /* more JSON values: --schedules */
    json_tokener_free(tok);
    if (!root)
        return NULL;
    char *err;
    bool is_trace = json_has_string(root, "format", TRACEFILE_FORMAT);
    if (is_trace && is_lines)
        err = xasprintf("%s: not a weft model but traces, one a line (replay one: its line on "
                        "the standard input of weft replay MODEL -)",
                        src->name);
    else if (is_trace)
        err = xasprintf("%s: not a weft model but a trace (replay it: weft replay MODEL %s)",
                        src->name, strcmp(src->name, STDIN_MODEL) ? src->name : "-");
    else if (json_has_string(root, "schema", REPORT_JSON_SCHEMA))
        err = xasprintf("%s: not a weft model but a JSON report of weft check", src->name);
    else
        err = xasprintf("%s: not a weft model but JSON", src->name);
    json_object_put(root);
    return err;
}

/* Read and compile 'path'; on failure report on stderr, keep the message in out->error, set
** out->verdict (VERDICT_UNREADABLE or VERDICT_NOT_CHECKED) and return NULL. */
static Program *cli_compile(const char *path, const CliOptions *o, ModelResult *out)
{
    char *err = NULL;
    Source *src = src_read_file(path, &err);
    out->verdict = VERDICT_UNREADABLE;
    if (!src) {
        cli_model_failed(out, err);
        return NULL;
    }
    out->verdict = VERDICT_NOT_CHECKED;
    if ((err = json_not_model(src))) {
        cli_model_failed(out, err);
        src_free(src);
        return NULL;
    }
    Diag *d = diag_new(src);
    Program *prog = compile_source(src, o->defs.items, o->defs.len, d, &err);
    if (prog && o->is_bounded && !compile_bound_preemptions(prog, o->max_preemptions)) {
        prog_free(prog);
        prog = NULL;
        err = xasprintf("%s: the state of this model with --max-preemptions is larger than 512 MiB",
                        path);
    }
    if (prog && o->is_reduce_dead)
        cli_reduce_dead(prog, o);
    if (err) {
        cli_model_failed(out, err);
    } else if (!prog) {
        cli_flush();
        diag_print(d, stderr, o->is_color);
        size_t len = 0;
        FILE *f = xmemstream(&out->error, &len); /* the same errors, without colour */
        diag_print(d, f, false);
        fclose(f);
        if (len > 0 && out->error[len - 1] == '\n')
            out->error[len - 1] = '\0';
    }
    diag_free(d);
    src_free(src);
    return prog;
}

/* The analyses of every schedule (count_run) for the report and --json, or NULL: after an
** incomplete search or under --compact (count_run says no), or when they would not fit in what
** --max-memory leaves next to the store: then *skipped_out is about how many bytes more they
** need (else 0). */
static Analysis *cli_analysis(const Program *prog, const SearchResult *res, const CliOptions *o,
                              const CountOptions *co, size_t *skipped_out)
{
    /* What the search holds now is its store (its frontier's buffers are freed): the peak in
    ** res->memory_bytes also counts those, which vary with -j and the workers' timing. */
    size_t need = count_memory_estimate(res, co), budget = o->search.max_memory;
    size_t held = store_memory_bytes(res->store), skipped = 0;
    if (budget && res->stop == SEARCH_COMPLETE && !res->is_compact &&
        (held > budget || need > budget - held))
        skipped = held > budget ? need : need - (budget - held);
    *skipped_out = skipped;
    return skipped ? NULL : count_run(prog, res, co);
}

/* The report of a checked model on cli_text(), with its schedules 'shown' and its analyses 'an'
** (or NULL, 'skipped' bytes short of them). */
static void cli_report(const Program *prog, const Shown *shown, const CliOptions *o,
                       const Analysis *an, size_t skipped)
{
    ReportOptions ro = {.color = o->is_color,
                        .search = &o->search,
                        .analysis = an,
                        .is_fewest = shown->is_fewest,
                        .analysis_skipped = skipped};
    report_text(cli_text(), prog, &shown->res, shown->traces, &ro);
}

/* --schedules: one violating schedule a line, written whole or not at all (outfile.h). */
typedef struct SchedulesOut {
    FILE *f;                 /* where the lines go */
    const Program *prog;     /* the model */
    const SearchResult *res; /* its search, for the violations */
} SchedulesOut;

static void cli_write_schedule(void *ctx, const Trace *tr, size_t viol)
{
    SchedulesOut *so = ctx;
    tracefile_write_line(so->f, so->prog, &so->res->viols[viol], tr);
}

/* False (after saying why on stderr) when the file could not be written. After an incomplete
** search nothing is written (an empty or short file would say there are no more violating
** schedules), and stderr says so. */
static bool cli_schedules(const Program *prog, const SearchResult *res, const CliOptions *o,
                          const CountOptions *co)
{
    if (res->stop != SEARCH_COMPLETE) {
        cli_flush();
        fprintf(stderr,
                "weft: search incomplete: '%s' not written (the schedules need the whole state "
                "graph)\n",
                o->schedules_path);
        return true;
    }
    OutFile of;
    char *err = NULL;
    bool ok = outfile_open(&of, o->schedules_path, &err);
    if (ok) {
        SchedulesOut so = {of.f, prog, res};
        count_schedules(prog, res, co, o->n_schedules, cli_write_schedule, &so);
        ok = outfile_commit(&of, true, &err);
    }
    if (!ok) {
        cli_flush();
        fprintf(stderr, "weft: %s\n", err);
    }
    free(err);
    return ok;
}

/* ---- --json, --junit, --trace, --expect-from-model, --progress ---- */

/* What the models of one run add up to: the --json and --junit documents, and the progress
** line's clock. */
typedef struct CliSinks {
    ReportJson *json;      /* --json, or NULL */
    ReportJunit *junit;    /* --junit, or NULL */
    bool is_trace_written; /* --trace: the first violation's trace is written */
    bool is_failed;        /* an output file could not be written */
    double progress_t0;    /* util_now() when the search being shown started */
    double progress_last;  /* util_now() of the last progress line; 0: none shown yet */
} CliSinks;

/* The progress line: redrawn in place on stderr, at most every 0.2 s. */
static void cli_progress(void *ctx, const SearchProgress *p)
{
    CliSinks *k = ctx;
    double now = util_now();
    if (now - (k->progress_last > 0 ? k->progress_last : k->progress_t0) < 0.2)
        return;
    k->progress_last = now;
    double rate = now > k->progress_t0 ? (double)p->n_states / (now - k->progress_t0) : 0;
    fprintf(
        stderr,
        "\r\033[Ksearching: %llu states  %.0f states/s  frontier %llu  depth %u  memory %.1f MiB",
        (unsigned long long)p->n_states, rate, (unsigned long long)p->n_frontier, p->depth,
        (double)p->memory_bytes / (1024 * 1024));
    fflush(stderr);
}

/* Whether the analysis (count.h) runs after a search: for the report, which --quiet does not
** print, or for an option that asks for what only it gives, in the files it is written to. */
static bool cli_is_analysed(const CliOptions *o)
{
    return !o->is_quiet || o->is_fewest || o->is_causes || o->outcomes;
}

/* search_run with the progress line when --progress asks for it, erased at the end. */
static SearchResult *cli_search(const Program *prog, const CliOptions *o)
{
    SearchOptions so = o->search;
    /* the report's analyses and --schedules walk the state graph: the search records it as it
    ** goes, rather than count.c running every step again after it; of a cyclic graph the
    ** report needs only the states' flags, these options its edges */
    so.record_graph = cli_is_analysed(o) || o->schedules_path;
    so.keep_cyclic_edges = o->is_fewest || o->is_causes || o->schedules_path ||
                           (cli_is_analysed(o) && prog_has_final(prog)); /* never-ending states */
    bool is_shown = progress_is_shown(o->progress);
    if (is_shown) {
        so.progress = cli_progress;
        so.progress_ctx = o->sinks;
        o->sinks->progress_t0 = util_now();
        o->sinks->progress_last = 0;
    }
    SearchResult *res = search_run(prog, &so);
    if (is_shown && o->sinks->progress_last > 0)
        progress_erase();
    return res;
}

/* --expect-from-model: read the model's '# expect:' line into out; false after saying why. */
static bool cli_read_expect(const char *path, ModelResult *out)
{
    char *err = NULL;
    out->has_model_expect = expect_read(path, &out->model_expect, &err);
    if (!out->has_model_expect)
        cli_model_failed(out, err);
    return out->has_model_expect;
}

/* Say that an output file could not be written. */
static void cli_output_failed(const CliOptions *o, char *err)
{
    cli_flush();
    fprintf(stderr, "weft: %s\n", err);
    free(err);
    o->sinks->is_failed = true;
}

/* Add a model to --json and --junit, and write --trace for the run's first violation. 'prog',
** 'res' and 'shown' are NULL for a model that was not checked; 'an' its analyses, or NULL;
** 'shown' its schedules as the report shows them. */
static void cli_outputs(const char *path, const Program *prog, const ModelResult *mr,
                        const CliOptions *o, const Analysis *an, const Shown *shown)
{
    CliSinks *k = o->sinks;
    const SearchResult *res = mr->res;
    size_t n_viols = res ? res->n_viols : 0;
    if (!k->json && !k->junit && (!o->trace_path || k->is_trace_written || n_viols == 0))
        return;
    ReportOptions ro = {.search = &o->search, .is_fewest = shown && shown->is_fewest};
    const char *expect_text = mr->has_model_expect            ? mr->model_expect.text
                              : o->expect == EXPECT_OK        ? "ok"
                              : o->expect == EXPECT_VIOLATION ? "violation"
                                                              : NULL;
    bool is_expect_violation = mr->has_model_expect ? mr->model_expect.verdict == EXPECT_VIOLATION
                                                    : o->expect == EXPECT_VIOLATION;
    ModelOutcome m = {.path = path,
                      .verdict = mr->verdict,
                      .prog = prog,
                      .res = res ? &shown->res : NULL,
                      .traces = res ? shown->traces : NULL,
                      .ropts = &ro,
                      .expect_text = expect_text,
                      .error = mr->error,
                      .analysis = an,
                      .is_expect_violation = is_expect_violation,
                      .is_expect_met =
                          mr->has_model_expect
                              ? mr->is_expect_met
                              : report_exit_status(mr->verdict, o->expect) == WEFT_EXIT_OK};
    if (k->json)
        report_json_add(k->json, &m);
    if (k->junit)
        report_junit_add(k->junit, &m);
    if (o->trace_path && !k->is_trace_written && n_viols > 0) {
        json_object *t = tracefile_json(prog, &shown->res.viols[0], shown->traces[0]);
        char *err = NULL;
        if (!tracefile_save(o->trace_path, t, &err))
            cli_output_failed(o, err);
        json_object_put(t);
        k->is_trace_written = true;
    }
}

/* The exit status of one model under --expect or its own '# expect:' line. */
static WeftExit cli_model_status(const ModelResult *mr, const CliOptions *o)
{
    if (!mr->has_model_expect)
        return report_exit_status(mr->verdict, o->expect);
    WeftExit plain = report_exit_status(mr->verdict, EXPECT_NONE);
    if (plain == WEFT_EXIT_USAGE || plain == WEFT_EXIT_INCOMPLETE)
        return plain;
    return mr->is_expect_met ? WEFT_EXIT_OK : WEFT_EXIT_VIOLATION;
}

/* Write the --json and --junit documents; false after saying why. */
static bool cli_write_documents(const CliOptions *o)
{
    CliSinks *k = o->sinks;
    char *err = NULL;
    if (k->json && !report_json_save(k->json, o->json_path, &err))
        cli_output_failed(o, err);
    if (k->junit && !report_junit_save(k->junit, o->junit_path, &err))
        cli_output_failed(o, err);
    if (o->trace_path && !k->is_trace_written) {
        cli_flush();
        fprintf(stderr, "weft: no violation: '%s' not written\n", o->trace_path);
    }
    return !k->is_failed;
}

/* A model found unfit before its search ('err', taken, says why): not checked, its outputs
** written as such, 'prog' (or NULL) freed. */
static void cli_not_checked(const char *path, const CliOptions *o, bool is_many, ModelResult *out,
                            Program *prog, char *err)
{
    cli_model_failed(out, err);
    out->verdict = VERDICT_NOT_CHECKED;
    cli_outputs(path, NULL, out, o, NULL, NULL);
    prog_free(prog);
    if (is_many && !o->is_quiet)
        fputc('\n', cli_text());
}

static void cli_check_one(const char *path, const CliOptions *o, bool is_many, ModelResult *out)
{
    out->name = path;
    out->res = NULL;
    if (is_many && !o->is_quiet)
        fprintf(cli_text(), "checking %s\n", path);
    if (o->is_expect_from_model && !cli_read_expect(path, out)) {
        out->verdict = VERDICT_NOT_CHECKED;
        cli_outputs(path, NULL, out, o, NULL, NULL);
        if (is_many && !o->is_quiet)
            fputc('\n', cli_text());
        return;
    }
    Program *prog = cli_compile(path, o, out);
    if (!prog) {
        cli_outputs(path, NULL, out, o, NULL, NULL);
        if (is_many && !o->is_quiet)
            fputc('\n', cli_text());
        return;
    }
    char *bad_expect = NULL;
    if (out->has_model_expect && !expect_check(&out->model_expect, prog, path, &bad_expect)) {
        cli_not_checked(path, o, is_many, out, prog, bad_expect);
        return;
    }
    CountOptions co = {.no_deadlock = o->search.no_deadlock,
                       .fewest_preemptions = o->is_fewest,
                       .causes = o->is_causes,
                       .never_ending = prog_has_final(prog)};
    char *err = NULL;
    OutcomeTerm *terms = NULL;
    if (o->outcomes && !count_parse_terms(prog, o->outcomes, &terms, &co.n_terms, &err)) {
        cli_not_checked(path, o, is_many, out, prog, xasprintf("%s: %s", path, err));
        free(err);
        return;
    }
    co.terms = terms;
    out->res = cli_search(prog, o);
    out->verdict = report_verdict(out->res);
    out->viols = report_viol_list(prog, out->res);
    if (out->has_model_expect)
        out->is_expect_met = expect_met(&out->model_expect, prog, out->res, out->verdict);
    size_t skipped = 0; /* --quiet alone skips the analyses, in the JSON report too */
    Analysis *an = cli_is_analysed(o) ? cli_analysis(prog, out->res, o, &co, &skipped) : NULL;
    Shown shown = {0}; /* built once, for every output that shows schedules */
    if (!o->is_quiet || o->sinks->json || o->sinks->junit || o->trace_path || o->trace_dot_path)
        shown_build(&shown, prog, out->res, an);
    cli_outputs(path, prog, out, o, an, &shown);
    if (!o->is_quiet) {
        cli_report(prog, &shown, o, an, skipped);
        if (is_many)
            fputc('\n', cli_text());
    }
    out->is_picture_failed = !cli_pictures(path, prog, out->res, &shown, o);
    shown_free(&shown);
    count_free(an);
    if (o->schedules_path && !cli_schedules(prog, out->res, o, &co))
        out->is_picture_failed = true;
    count_terms_free(terms, co.n_terms);
    prog_free(prog);
}

/* Check's options that only shape something another option asks for, refused without it: given
** alone they would change nothing, and the user most likely forgot the option they belong to.
** Under --quiet, which prints no report, the analyses' options need a file to show them in. */
static void cli_check_modifiers(const CliOptions *o)
{
    bool has_file = o->json_path || o->junit_path || o->trace_path || o->trace_dot_path;
    if (o->is_quiet && o->is_fewest && !has_file)
        cli_fail("--fewest-preemptions changes the schedules shown, and --quiet shows none: drop "
                 "--quiet, or write them with --json, --junit, --trace or --trace-dot");
    if (o->is_quiet && o->is_causes && !o->json_path)
        cli_fail("--causes adds to the report, and --quiet prints none of it: drop --quiet, or "
                 "write it with --json FILE");
    if (o->is_quiet && o->outcomes && !o->json_path)
        cli_fail("--outcomes groups the report's outcomes, and --quiet prints none of them: drop "
                 "--quiet, or write them with --json FILE");
    if (!o->dot_path && o->dot.show_locals)
        cli_fail("--dot-locals needs --dot FILE (it shows the locals in the state graph that "
                 "--dot writes)");
    if (!o->dot_path && o->has_dot_max_states)
        cli_fail("--dot-max-states needs --dot FILE (it limits the state graph that --dot "
                 "writes)");
    if (!o->dot_path && !o->trace_dot_path && o->has_format)
        cli_fail("--format needs --dot or --trace-dot (it sets the format of the pictures they "
                 "write)");
}

static int cli_check(int argc, char **argv)
{
    CliOptions o = {.dot.max_states = DOT_DEFAULT_MAX_STATES};
    cli_parse_check(argc, argv, &o); /* reads a model from stdin: Ctrl-C there ends weft */
    cli_check_modifiers(&o);
    cli_check_picture_options(&o, "--dot");
    cli_check_outputs(&o, "--dot", "the search");
    cli_catch_interrupts(); /* before any model compiles: one then stops its search at once */
    o.search.interrupt = &cli_interrupted;
    CliSinks sinks = {0};
    o.sinks = &sinks;
    if (o.json_path)
        sinks.json = report_json_new(WEFT_VERSION);
    if (o.junit_path)
        sinks.junit = report_junit_new();
    size_t n = o.models.len;
    ModelResult *results = xcalloc(n, sizeof(ModelResult));
    WeftExit status = WEFT_EXIT_OK;
    for (size_t i = 0; i < n; i++) {
        cli_check_one(o.models.items[i], &o, n > 1, &results[i]);
        status = report_worse_exit(status, cli_model_status(&results[i], &o));
        if (results[i].is_picture_failed)
            status = report_worse_exit(status, WEFT_EXIT_USAGE);
    }
    for (size_t i = 0; i < n; i++) {
        if (results[i].has_model_expect)
            report_summary_expect(cli_text(), results[i].name, results[i].verdict, results[i].res,
                                  results[i].viols, results[i].model_expect.text,
                                  results[i].is_expect_met, o.is_color);
        else
            report_summary(cli_text(), results[i].name, results[i].verdict, results[i].res,
                           results[i].viols, o.expect, o.is_color);
        free(results[i].viols);
        expect_fini(&results[i].model_expect);
        search_result_free(results[i].res);
        free(results[i].error);
    }
    free(results);
    if (!cli_write_documents(&o))
        status = report_worse_exit(status, WEFT_EXIT_USAGE);
    report_json_free(sinks.json);
    report_junit_free(sinks.junit);
    for (size_t i = 0; i < o.defs.len; i++)
        free((char *)o.defs.items[i].name);
    vec_free(&o.defs);
    vec_free(&o.models);
    cli_flush();
    return status;
}

/* ---- subcommands ---- */

/* weft graph MODEL -o FILE [options]: the state graph alone. The options of check are read
** (-D, --no-deadlock, --dot-locals, --dot-max-states, --format, the limits); the search stops one
** state past --dot-max-states, so a model too large to draw is refused without exploring it. */
static int cli_graph(int argc, char **argv)
{
    CliOptions o = {.dot.max_states = DOT_DEFAULT_MAX_STATES};
    VEC(char *) rest = {0};
    const char *out_path = NULL;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "-o") || is_option(argv[i], "--output"))
            out_path = option_value(argv[i][1] == 'o' ? "-o" : "--output", argc, argv, &i);
        else if (is_help(argv[i]))
            cli_help("graph");
        else
            vec_push(&rest, argv[i]);
    }
    if (rest.len == 0)
        cli_fail("no model to draw (usage: weft graph MODEL -o FILE [options])");
    cli_parse_check((int)rest.len, rest.items, &o);
    vec_free(&rest);
    if (o.models.len != 1)
        cli_fail("graph draws one model (usage: weft graph MODEL -o FILE [options])");
    if (!out_path)
        cli_fail("graph needs an output file: -o FILE (.dot, .svg, .png, or - for stdout)");
    if (o.dot_path || o.trace_dot_path)
        cli_fail("--dot and --trace-dot are options of 'weft check'; graph writes -o FILE");
    struct {
        const char *option;
        bool is_given;
    } not_graph[] = {{"--json", o.json_path},
                     {"--junit", o.junit_path},
                     {"--trace", o.trace_path},
                     {"--schedules", o.schedules_path},
                     {"--expect", o.expect != EXPECT_NONE},
                     {"--expect-from-model", o.is_expect_from_model},
                     {"--quiet", o.is_quiet},
                     {"--outcomes", o.outcomes},
                     {"--fewest-preemptions", o.is_fewest},
                     {"--causes", o.is_causes}};
    for (size_t k = 0; k < sizeof not_graph / sizeof not_graph[0]; k++)
        if (not_graph[k].is_given) /* it would be ignored: graph writes no report */
            cli_fail("'%s' is an option of check, not of graph (see 'weft help graph')",
                     not_graph[k].option);
    o.dot_path = out_path;
    cli_check_picture_options(&o, "-o");
    cli_check_outputs(&o, "-o", "the search");
    ModelResult mr = {0};
    Program *prog = cli_compile(o.models.items[0], &o, &mr);
    free(mr.error);
    bool ok = prog != NULL;
    if (prog) {
        uint64_t cap = o.dot.max_states + 1;
        if (o.dot.max_states && (!o.search.max_states || o.search.max_states > cap))
            o.search.max_states = cap;
        SearchResult *res = search_run(prog, &o.search);
        ok = cli_state_graph(out_path, prog, res, &o);
        search_result_free(res);
        prog_free(prog);
    }
    for (size_t i = 0; i < o.defs.len; i++)
        free((char *)o.defs.items[i].name);
    vec_free(&o.defs);
    vec_free(&o.models);
    cli_flush();
    return ok ? WEFT_EXIT_OK : WEFT_EXIT_USAGE;
}

/* Read and compile the one model of replay or simulate, with -D and the options 'parse' knows;
** exits on a bad command line. */
static Program *cli_compile_one(const char *path, CliOptions *o)
{
    ModelResult mr = {0};
    Program *prog = cli_compile(cli_model_path(path), o, &mr);
    free(mr.error);
    if (!prog)
        exit(WEFT_EXIT_USAGE);
    return prog;
}

/* weft replay MODEL TRACE.json [-D NAME=VALUE]...: exit 1 when the violation is confirmed, 0
** when the schedule refutes it, 2 when the trace does not fit the model. */
static int cli_replay(int argc, char **argv)
{
    CliOptions o = {0};
    VEC(const char *) files = {0};
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "-D") || !strncmp(argv[i], "-D", 2))
            cli_valued(&o, argc, argv, &i);
        else if (is_help(argv[i]))
            cli_help("replay");
        else if (!strcmp(argv[i], "--version"))
            cli_flag(&o, argv[i]);
        else if (argv[i][0] == '-' && argv[i][1] != '\0')
            cli_unknown_option_of("replay", argv[i], replay_option_names,
                                  sizeof replay_option_names / sizeof replay_option_names[0]);
        else
            vec_push(&files, argv[i]);
    }
    if (files.len != 2)
        cli_fail("replay needs a model and a trace (usage: weft replay MODEL TRACE.json "
                 "[-D NAME=VALUE]...)");
    if (!strcmp(files.items[0], "-") && !strcmp(files.items[1], "-"))
        cli_fail("'-' (stdin) can be the model or the trace, not both");
    if (util_has_suffix(files.items[0], ".json") && util_has_suffix(files.items[1], ".weft"))
        cli_fail("the model comes first, then the trace: weft replay %s %s", files.items[1],
                 files.items[0]);
    const char *trace_name = strcmp(files.items[1], "-") ? files.items[1] : STDIN_MODEL;
    char *err = NULL;
    TraceFile *tf = tracefile_read(files.items[1], &err);
    if (!tf) /* "LINE:COL: ..." follows the file name as a compiler's message does */
        cli_fail("%s:%s%s", trace_name, isdigit((unsigned char)err[0]) ? "" : " ", err);
    Program *prog = cli_compile_one(files.items[0], &o);
    Replay *r = replay_run(prog, tf, &err);
    if (!r)
        cli_fail("%s: %s", trace_name, err);
    report_replay(stdout, prog, trace_name, r);
    int status = r->verdict == REPLAY_CONFIRMED ? WEFT_EXIT_VIOLATION : WEFT_EXIT_OK;
    replay_free(r);
    prog_free(prog);
    tracefile_free(tf);
    for (size_t i = 0; i < o.defs.len; i++)
        free((char *)o.defs.items[i].name);
    vec_free(&o.defs);
    vec_free(&files);
    cli_flush();
    return status;
}

/* The progress line of simulate's runs, as check's (cli_progress): on stderr, at most every
** 0.2 s. 'ctx' is a double[2]: the time the runs started, and of the last line (0: none). */
static void cli_sim_progress(void *ctx, uint64_t n_runs, uint64_t n_violating)
{
    double *t = ctx, now = util_now();
    if (now - (t[1] > 0 ? t[1] : t[0]) < 0.2)
        return;
    t[1] = now;
    fprintf(stderr, "\r\033[Ksimulating: %llu runs  %.0f runs/s  %llu %s",
            (unsigned long long)n_runs, now > t[0] ? (double)n_runs / (now - t[0]) : 0,
            (unsigned long long)n_violating, n_violating == 1 ? "violates" : "violate");
    fflush(stderr);
}

/* simulate --trace FILE: the trace of the violating run 'sim' (NULL or not violating: none
** did, and nothing is written). False after saying why the file could not be written. */
static bool cli_simulate_trace(const char *path, const Program *prog, const Simulation *sim)
{
    cli_flush();
    if (!sim || sim->end != SIM_VIOLATION) {
        fprintf(stderr, "weft: no violation: '%s' not written\n", path);
        return true;
    }
    json_object *t = tracefile_json(prog, &sim->viol, sim->trace);
    char *err = NULL;
    bool ok = tracefile_save(path, t, &err);
    json_object_put(t);
    if (!ok)
        fprintf(stderr, "weft: %s\n", err);
    free(err);
    return ok;
}

/* What weft simulate was asked for, besides the SimOptions. */
typedef struct SimCli {
    const char *model;      /* the model's path */
    const char *outcomes;   /* --outcomes, or NULL */
    const char *trace_path; /* --trace, or NULL */
    uint64_t n_runs;        /* --runs (UINT64_MAX: --time-limit alone); 0: one run printed whole */
    ProgressMode progress;  /* --progress: a line on stderr while the runs go on */
} SimCli;

/* Run what 'sc' asks of 'prog' and report it ('out': stdout, or stderr when the trace goes to
** stdout). The exit status: 1 if a run violated, 2 if the trace could not be written, else 0. */
static int cli_simulate_model(const SimCli *sc, const Program *prog, const SimOptions *so,
                              FILE *out)
{
    int status;
    bool is_written = true;
    if (sc->n_runs) {
        OutcomeTerm *terms;
        size_t n_terms;
        char *err = NULL;
        if (!sc->outcomes)
            terms = count_default_terms(prog, &n_terms);
        else if (!count_parse_terms(prog, sc->outcomes, &terms, &n_terms, &err))
            cli_fail("%s: %s", sc->model, err);
        SimOptions o = *so;
        o.interrupt = &cli_interrupted;
        cli_catch_interrupts();
        double times[2] = {util_now(), 0};
        if (progress_is_shown(sc->progress)) {
            o.progress = cli_sim_progress;
            o.progress_ctx = times;
        }
        SimRuns *sr = simulate_runs(prog, &o, sc->n_runs, terms, n_terms);
        if (times[1] > 0) /* a line was drawn */
            progress_erase();
        report_simulate_runs(out, prog, so, sr);
        status = sr->n_violating ? WEFT_EXIT_VIOLATION : WEFT_EXIT_OK;
        if (sc->trace_path)
            is_written = cli_simulate_trace(sc->trace_path, prog, sr->shortest);
        simulate_runs_free(sr);
    } else {
        Simulation *sim = simulate_run(prog, so);
        report_simulate(out, prog, so, sim);
        status = sim->end == SIM_VIOLATION ? WEFT_EXIT_VIOLATION : WEFT_EXIT_OK;
        if (sc->trace_path)
            is_written = cli_simulate_trace(sc->trace_path, prog, sim);
        simulate_free(sim);
    }
    return is_written ? status : WEFT_EXIT_USAGE;
}

/* weft simulate MODEL [--seed N] [--steps N] [--runs N] [--time-limit T] [--outcomes VAR,...]
** [--trace FILE] [--no-deadlock] [-D NAME=VALUE]...: exit 1 when the schedule (or one of the
** runs) breaks a property, else 0. --time-limit alone runs until the time is up. */
static int cli_simulate(int argc, char **argv)
{
    CliOptions o = {0};
    SimOptions so = {.seed = SIMULATE_DEFAULT_SEED, .max_steps = SIMULATE_DEFAULT_STEPS};
    SimCli sc = {0};
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        uint64_t n;
        if (is_option(arg, "--seed")) {
            const char *v = option_value("--seed", argc, argv, &i);
            if (!strcmp(v, "0"))
                so.seed = 0;
            else if (!parse_count(v, &so.seed))
                cli_bad_value("--seed", v, "a non-negative integer");
        } else if (is_option(arg, "--steps")) {
            const char *v = option_value("--steps", argc, argv, &i);
            if (!parse_count(v, &n) || n > UINT32_MAX)
                cli_bad_value("--steps", v, "a positive integer");
            so.max_steps = (uint32_t)n;
        } else if (is_option(arg, "--runs")) {
            const char *v = option_value("--runs", argc, argv, &i);
            if (!parse_count(v, &sc.n_runs))
                cli_bad_value("--runs", v, "a positive number of runs");
        } else if (is_option(arg, "--outcomes")) {
            sc.outcomes = option_value("--outcomes", argc, argv, &i);
        } else if (is_option(arg, "--trace")) {
            sc.trace_path = option_value("--trace", argc, argv, &i);
        } else if (is_option(arg, "--progress")) {
            sc.progress = progress_mode(option_value("--progress", argc, argv, &i));
        } else if (is_option(arg, "--time-limit")) {
            so.time_limit = time_limit_value(option_value("--time-limit", argc, argv, &i));
        } else if (!strcmp(arg, "--no-deadlock")) {
            so.no_deadlock = true;
        } else if (!strcmp(arg, "-D") || !strncmp(arg, "-D", 2)) {
            cli_valued(&o, argc, argv, &i);
        } else if (is_help(arg)) {
            cli_help("simulate");
        } else if (!strcmp(arg, "--version")) {
            cli_flag(&o, arg);
        } else if (arg[0] == '-' && arg[1] != '\0') {
            cli_unknown_option_of("simulate", arg, simulate_option_names,
                                  sizeof simulate_option_names / sizeof simulate_option_names[0]);
        } else if (sc.model) {
            cli_fail("simulate runs one model (usage: weft simulate MODEL [--seed N] ...)");
        } else {
            sc.model = arg;
        }
    }
    if (!sc.model)
        cli_fail("no model to simulate (usage: weft simulate MODEL [--seed N] [--steps N])");
    if (so.time_limit > 0 && !sc.n_runs) /* runs until the time is up */
        sc.n_runs = UINT64_MAX;
    if (sc.outcomes && !sc.n_runs)
        cli_fail("--outcomes groups the ends of many runs: give --runs N too");
    o.trace_path = sc.trace_path; /* checked as weft check's outputs are */
    if (strcmp(sc.model, "-"))
        vec_push(&o.models, sc.model);
    cli_check_outputs(&o, "--dot", "the runs");
    Program *prog = cli_compile_one(sc.model, &o);
    int status = cli_simulate_model(&sc, prog, &so, cli_text());
    prog_free(prog);
    vec_free(&o.models);
    for (size_t i = 0; i < o.defs.len; i++)
        free((char *)o.defs.items[i].name);
    vec_free(&o.defs);
    cli_flush();
    return status;
}

int main(int argc, char **argv)
{
    atexit(cli_close_stdout);
    if (argc < 2) {
        fputs(usage_text, stderr);
        fputs(options_text, stderr);
        return WEFT_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "check"))
        return cli_check(argc - 2, argv + 2);
    if (!strcmp(cmd, "help")) {
        if (argc > 3)
            cli_fail("help takes one command at most (usage: weft help [COMMAND])");
        cli_help(argc == 3 ? argv[2] : NULL);
    }
    if (is_help(cmd))
        cli_help(NULL);
    if (!strcmp(cmd, "--version")) {
        printf("weft %s\n", WEFT_VERSION);
        return WEFT_EXIT_OK;
    }
    if (!strcmp(cmd, "graph"))
        return cli_graph(argc - 2, argv + 2);
    if (!strcmp(cmd, "replay"))
        return cli_replay(argc - 2, argv + 2);
    if (!strcmp(cmd, "simulate"))
        return cli_simulate(argc - 2, argv + 2);
    if (cmd[0] == '-')
        cli_unknown_option(cmd);
    const char *best =
        diag_suggest(cmd, command_names, sizeof command_names / sizeof command_names[0]);
    if (best)
        cli_fail("unknown command '%s' (did you mean '%s'?)", cmd, best);
    cli_fail("unknown command '%s' (see 'weft --help')", cmd);
}
