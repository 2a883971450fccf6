/*
** testmodel.c -- the shared fixture of the unit suites (see testmodel.h).
**
** Models go through the whole front end, compile_source (parse, then compile), as 'weft check'
** runs them. A model error prints the caret lines to stderr before it fails the test.
*/
#include "testmodel.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char tm_counter_race[] = "const N = 4\n"
                               "const ITERS = 2\n"
                               "shared counter = 0\n"
                               "thread worker[N] {\n"
                               "    local tmp = 0\n"
                               "    repeat ITERS {\n"
                               "        read:  tmp = counter\n"
                               "        write: counter = tmp + 1\n"
                               "    }\n"
                               "}\n"
                               "final total: counter == N * ITERS\n";

void tm_root(char *out, size_t cap)
{
    const char *env = getenv("WEFT_SOURCE_DIR");
    snprintf(out, cap, "%s", env ? env : __FILE__);
    char *tail = env ? NULL : strstr(out, "/tests/unit/");
    if (tail)
        *tail = '\0';
}

Source *tm_example_source(const char *name)
{
    char root[2048], path[4096];
    tm_root(root, sizeof root);
    snprintf(path, sizeof path, "%s/../shared/examples/%s", root, name);
    char *err = NULL;
    Source *src = src_read_file(path, &err);
    ck_assert_msg(src != NULL, "%s", err ? err : path);
    return src;
}

Program *tm_compile_source(const Source *src, const Define *defs, size_t n_defs)
{
    Diag *d = diag_new(src);
    char *tool_err;
    Program *prog = compile_source(src, defs, n_defs, d, &tool_err);
    if (!prog) {
        diag_print(d, stderr, false);
        ck_abort_msg("model error in %s: %s", src->name,
                     tool_err        ? tool_err
                     : diag_count(d) ? diag_message(d, 0)
                                     : "?");
    }
    diag_free(d);
    return prog;
}

Program *tm_compile_named(const char *name, const char *text, const Define *defs, size_t n_defs)
{
    Source *src = src_from_string(name, text, strlen(text));
    Program *prog = tm_compile_source(src, defs, n_defs);
    src_free(src);
    return prog;
}

Program *tm_compile(const char *text, const Define *defs, size_t n_defs)
{
    return tm_compile_named("test.weft", text, defs, n_defs);
}

Program *tm_compile_file(const char *name, const Define *defs, size_t n_defs)
{
    Source *src = tm_example_source(name);
    Program *prog = tm_compile_source(src, defs, n_defs);
    src_free(src);
    return prog;
}

SearchResult *tm_search(const Program *prog, bool dfs)
{
    SearchOptions o = {.dfs = dfs};
    return search_run(prog, &o);
}

size_t tm_vm_size(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    unsigned long kb = 0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmSize: %lu kB", &kb) == 1)
            break;
    if (f)
        fclose(f);
    return (size_t)kb * 1024;
}
