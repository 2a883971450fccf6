/*
** testmodel.h -- the shared fixture of the unit suites: model text -> Program -> SearchResult.
**
** Every tm_ function that cannot do its job fails the running Check test (ck_abort_msg) with the
** reason, a model error with the compiler's own message, so a suite never tests for NULL. Test
** code only; single thread. Programs are freed with prog_free(), results with
** search_result_free(), Sources with src_free().
*/
#ifndef WEFT_TESTMODEL_H
#define WEFT_TESTMODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "compile.h"
#include "diag.h"
#include "program.h"
#include "search.h"

/* counter_race of shared/examples (N = 4, ITERS = 2) as text, so a test needs no path. */
extern const char tm_counter_race[];

/* The repository root into out[0 .. cap): WEFT_SOURCE_DIR (ctest sets it), else from this
** file's path. */
void tm_root(char *out, size_t cap);

/* shared/examples/NAME, which lives beside the repository (ROOT/../shared/examples). */
Source *tm_example_source(const char *name);

/* Parse and compile 'src' with 'defs'; any model error fails the test. 'src' is borrowed. */
Program *tm_compile_source(const Source *src, const Define *defs, size_t n_defs);

/* The same for 'text', a model called 'name' (what Program.model_name and traces say). */
Program *tm_compile_named(const char *name, const char *text, const Define *defs, size_t n_defs);

/* The same for 'text' called "test.weft". */
Program *tm_compile(const char *text, const Define *defs, size_t n_defs);

/* The same for shared/examples/NAME. */
Program *tm_compile_file(const char *name, const Define *defs, size_t n_defs);

/* A search of 'prog' with default options, breadth first, or depth first when 'dfs'. */
SearchResult *tm_search(const Program *prog, bool dfs);

/* The bytes of address space the process has mapped (VmSize), 0 if unknown: for tests that set
** a tight 'ulimit -v' (RLIMIT_AS) above it. */
size_t tm_vm_size(void);

#endif
