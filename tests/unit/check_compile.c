/*
** check_compile.c -- tests of compile.c and program.c: code listings, layout, initial states,
** -D overrides and every model error the compiler reports, with its exact text and position.
**
** Listings are compared whole, as Lua tests its code generator: a change in the code shapes
** of program.h shows up here first.
*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "compile.h"
#include "parse.h"
#include "program.h"
#include "state.h"
#include "suites_list.h"
#include "testmodel.h"

/* ---- helpers ---- */

/* One compilation of a model text: the Program (or NULL), its errors, the tool error. */
typedef struct Compiled {
    Source *src;
    Arena *arena;
    Diag *d;
    Program *prog;
    char *tool_err;
} Compiled;

static Compiled compile_text(const char *text, const Define *defs, size_t n_defs)
{
    Compiled c = {0};
    c.src = src_from_string("m.weft", text, strlen(text));
    c.arena = arena_new();
    c.d = diag_new(c.src);
    AstNode *model = parse_model(c.arena, c.src, c.d);
    ck_assert_msg(diag_count(c.d) == 0, "parse error: %s", diag_message(c.d, 0));
    c.prog = compile_model(model, c.src, defs, n_defs, c.d, &c.tool_err);
    return c;
}

static void compiled_free(Compiled *c)
{
    prog_free(c->prog);
    free(c->tool_err);
    diag_free(c->d);
    arena_free(c->arena);
    src_free(c->src);
}

/* The listing of a model that must compile; from the line starting with 'from' (or all) up to
** the properties. Caller frees. */
static char *listing(const char *text, const char *from)
{
    Compiled c = compile_text(text, NULL, 0);
    ck_assert_msg(c.prog != NULL, "compile error: %s", diag_message(c.d, 0));
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    prog_dump(c.prog, f);
    fclose(f);
    compiled_free(&c);
    if (!from)
        return buf;
    char *start = strstr(buf, from);
    ck_assert_ptr_nonnull(start);
    char *end = strstr(start, "\nfinal ");
    char *inv = strstr(start, "\ninvariant ");
    if (!end || (inv && inv < end))
        end = inv;
    if (end)
        end[1] = '\0';
    char *out = strdup(start);
    free(buf);
    return out;
}

/* "line:col: message" of the first error compiling 'text' (which must fail). Caller frees. */
static char *first_error(const char *text)
{
    Compiled c = compile_text(text, NULL, 0);
    ck_assert_msg(c.prog == NULL, "no error compiling:\n%s", text);
    ck_assert_uint_ge(diag_count(c.d), 1);
    uint32_t line, col;
    src_line_col(c.src, diag_loc(c.d, 0).off, &line, &col);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    fprintf(f, "%u:%u: %s", line, col, diag_message(c.d, 0));
    fclose(f);
    compiled_free(&c);
    return out;
}

/* ---- golden listings (reviewed against the code shapes of program.h) ---- */

static const char *const assign_model = "const N = 2\n"
                                        "shared x: -1..300 = 5\n"
                                        "shared flags[3]: 0..1 = [1, 0, 1]\n"
                                        "mutex m\n"
                                        "queue q[3] = [4]\n"
                                        "thread w[N] {\n"
                                        "    local v = id * 10\n"
                                        "    x = v + N\n"
                                        "}\n"
                                        "final done_ok: x == 12 || flags[1] == 0\n";

static const char *const assign_listing =
    "state_size 23 stack_max 2 slots 0\n"
    "const N = 2\n"
    "var 0 x: -1..300 bit_off 0 bits 9 line 2 init [5]\n"
    "var 1 flags[3]: 0..1 bit_off 9 bits 1 line 3 init [1, 0, 1]\n"
    "mutex 0 m bit_off 12 bits 2\n"
    "queue 0 q[3] len_bit_off 14 len_bits 2 bit_off 16 bits 32 init [4]\n"
    "thread 0 w[0] template 0 index 0 bit_base 112\n"
    "thread 1 w[1] template 0 index 1 bit_base 145\n"
    "template 0 w[2] first_tid 0 n_pos 2 pc_bits 1 block_bits 33\n"
    "  var 2 v bit_off 1 bits 32 line 7 init [0] [10]\n"
    "  pos 0 step code 0 line 8 \"x = v + N\"\n"
    "  pos 1 end code 5 line 9 \"end\"\n"
    "     0  line 8   LOAD_L 2 (v)\n"
    "     1  line 8   PUSH 2\n"
    "     2  line 8   ADD\n"
    "     3  line 8   STORE_G 0 (x)\n"
    "     4  line 8   END_STEP 1\n"
    "     5  line 9   HALT\n"
    "final done_ok line 10 code 0 \"x == 12 || flags[1] == 0\"\n"
    "  term \"x\" code 10\n"
    "  term \"flags[1]\" code 12\n"
    "     0  line 10  LOAD_G 0 (x)\n"
    "     1  line 10  PUSH 12\n"
    "     2  line 10  EQ\n"
    "     3  line 10  JNZ_OR_POP 9\n"
    "     4  line 10  PUSH 1\n"
    "     5  line 10  LOAD_GA 1 (flags)\n"
    "     6  line 10  PUSH 0\n"
    "     7  line 10  EQ\n"
    "     8  line 10  BOOL\n"
    "     9  line 10  RET\n"
    "    10  line 10  LOAD_G 0 (x)\n"
    "    11  line 10  RET\n"
    "    12  line 10  PUSH 1\n"
    "    13  line 10  LOAD_GA 1 (flags)\n"
    "    14  line 10  RET\n";

static const char *const if_chain_model = "shared x = 0\n"
                                          "thread t {\n"
                                          "    if x == 1 {\n"
                                          "        x = 2\n"
                                          "    } else if x == 2 {\n"
                                          "    } else {\n"
                                          "        x = 3\n"
                                          "    }\n"
                                          "}\n";

static const char *const if_chain_listing =
    "template 0 index 0 bit_base 32\n"
    "template 0 t first_tid 0 n_pos 4 pc_bits 2 block_bits 2\n"
    "  pos 0 step code 0 line 3 \"if x == 1\"\n"
    "  pos 1 step code 11 line 4 \"x = 2\"\n"
    "  pos 2 step code 14 line 7 \"x = 3\"\n"
    "  pos 3 end code 17 line 9 \"end\"\n"
    "     0  line 3   LOAD_G 0 (x)\n"
    "     1  line 3   PUSH 1\n"
    "     2  line 3   EQ\n"
    "     3  line 3   JZ 5\n"
    "     4  line 3   END_STEP 1\n"
    "     5  line 3   LOAD_G 0 (x)\n"
    "     6  line 3   PUSH 2\n"
    "     7  line 3   EQ\n"
    "     8  line 3   JZ 10\n"
    "     9  line 3   END_STEP 3\n"
    "    10  line 3   END_STEP 2\n"
    "    11  line 4   PUSH 2\n"
    "    12  line 4   STORE_G 0 (x)\n"
    "    13  line 4   END_STEP 3\n"
    "    14  line 7   PUSH 3\n"
    "    15  line 7   STORE_G 0 (x)\n"
    "    16  line 7   END_STEP 3\n"
    "    17  line 9   HALT\n";

static const char *const while_loop_model = "shared x = 0\n"
                                            "thread t {\n"
                                            "    while x < 5 {\n"
                                            "        if x == 3 { break }\n"
                                            "        x = x + 1\n"
                                            "        continue\n"
                                            "    }\n"
                                            "}\n";

static const char *const while_loop_listing =
    "template 0 index 0 bit_base 32\n"
    "template 0 t first_tid 0 n_pos 4 pc_bits 2 block_bits 2\n"
    "  pos 0 step code 0 line 3 \"while x < 5\"\n"
    "  pos 1 step code 6 line 4 \"if x == 3\"\n"
    "  pos 2 step code 12 line 5 \"x = x + 1\"\n"
    "  pos 3 end code 17 line 8 \"end\"\n"
    "     0  line 3   LOAD_G 0 (x)\n"
    "     1  line 3   PUSH 5\n"
    "     2  line 3   LT\n"
    "     3  line 3   JZ 5\n"
    "     4  line 3   END_STEP 1\n"
    "     5  line 3   END_STEP 3\n"
    "     6  line 4   LOAD_G 0 (x)\n"
    "     7  line 4   PUSH 3\n"
    "     8  line 4   EQ\n"
    "     9  line 4   JZ 11\n"
    "    10  line 4   END_STEP 3\n"
    "    11  line 4   END_STEP 2\n"
    "    12  line 5   LOAD_G 0 (x)\n"
    "    13  line 5   PUSH 1\n"
    "    14  line 5   ADD\n"
    "    15  line 5   STORE_G 0 (x)\n"
    "    16  line 5   END_STEP 0\n"
    "    17  line 8   HALT\n";

static const char *const choose_model = "shared x = 0\n"
                                        "thread t {\n"
                                        "    choose {\n"
                                        "        x = 1\n"
                                        "    } or {\n"
                                        "    } or {\n"
                                        "        x = 3\n"
                                        "    }\n"
                                        "}\n";

static const char *const choose_listing =
    "template 0 index 0 bit_base 32\n"
    "template 0 t first_tid 0 n_pos 4 pc_bits 2 block_bits 2\n"
    "  pos 0 step code 0 line 3 \"choose\"\n"
    "  pos 1 step code 7 line 4 \"x = 1\"\n"
    "  pos 2 step code 10 line 7 \"x = 3\"\n"
    "  pos 3 end code 13 line 9 \"end\"\n"
    "     0  line 3   CHOOSE 3\n"
    "     1  line 3   JMP 4\n"
    "     2  line 3   JMP 5\n"
    "     3  line 3   JMP 6\n"
    "     4  line 3   END_STEP 1\n"
    "     5  line 3   END_STEP 3\n"
    "     6  line 3   END_STEP 2\n"
    "     7  line 4   PUSH 1\n"
    "     8  line 4   STORE_G 0 (x)\n"
    "     9  line 4   END_STEP 3\n"
    "    10  line 7   PUSH 3\n"
    "    11  line 7   STORE_G 0 (x)\n"
    "    12  line 7   END_STEP 3\n"
    "    13  line 9   HALT\n";

static const char *const lock_else_model = "mutex m\n"
                                           "shared x = 0\n"
                                           "thread t {\n"
                                           "    lock m else {\n"
                                           "        x = 1\n"
                                           "    }\n"
                                           "    unlock m\n"
                                           "}\n";

static const char *const lock_else_listing =
    "template 0 index 0 bit_base 33\n"
    "template 0 t first_tid 0 n_pos 4 pc_bits 2 block_bits 2\n"
    "  pos 0 step code 0 line 4 \"lock m else\"\n"
    "  pos 1 step code 4 line 5 \"x = 1\"\n"
    "  pos 2 step code 7 line 7 \"unlock m\"\n"
    "  pos 3 end code 9 line 8 \"end\"\n"
    "     0  line 4   TRYLOCK 0 (m)\n"
    "     1  line 4   JZ 3\n"
    "     2  line 4   END_STEP 2\n"
    "     3  line 4   END_STEP 1\n"
    "     4  line 5   PUSH 1\n"
    "     5  line 5   STORE_G 0 (x)\n"
    "     6  line 5   END_STEP 2\n"
    "     7  line 7   UNLOCK 0 (m)\n"
    "     8  line 7   END_STEP 3\n"
    "     9  line 8   HALT\n";

static const char *const wait_relock_model = "mutex m\n"
                                             "cond c\n"
                                             "thread t {\n"
                                             "    lock m\n"
                                             "    w: wait c, m\n"
                                             "    signal c\n"
                                             "    broadcast c\n"
                                             "    unlock m\n"
                                             "}\n";

static const char *const wait_relock_listing =
    "template 0 index 0 bit_base 1\n"
    "template 0 t first_tid 0 n_pos 8 pc_bits 3 block_bits 3\n"
    "  label 0 w at 1 2 3\n"
    "  pos 0 step code 0 line 4 \"lock m\"\n"
    "  pos 1 step code 2 line 5 label w \"wait c, m\"\n"
    "  pos 2 sleep code 4 line 5 label w cond c wake 3 \"wait c, m\"\n"
    "  pos 3 relock code 5 line 5 label w \"wait c, m\"\n"
    "  pos 4 step code 7 line 6 \"signal c\"\n"
    "  pos 5 step code 9 line 7 \"broadcast c\"\n"
    "  pos 6 step code 11 line 8 \"unlock m\"\n"
    "  pos 7 end code 13 line 9 \"end\"\n"
    "     0  line 4   LOCK 0 (m)\n"
    "     1  line 4   END_STEP 1\n"
    "     2  line 5   WAIT 0 0 (c, m)\n"
    "     3  line 5   END_STEP 2\n"
    "     4  line 5   SLEEP\n"
    "     5  line 5   LOCK 0 (m)\n"
    "     6  line 5   END_STEP 4\n"
    "     7  line 6   SIGNAL 0 (c)\n"
    "     8  line 6   END_STEP 5\n"
    "     9  line 7   BROADCAST 0 (c)\n"
    "    10  line 7   END_STEP 6\n"
    "    11  line 8   UNLOCK 0 (m)\n"
    "    12  line 8   END_STEP 7\n"
    "    13  line 9   HALT\n";

static const char *const get_else_index_model = "queue q[2] = [7]\n"
                                                "shared a[2] = 0\n"
                                                "thread t {\n"
                                                "    local i = 1\n"
                                                "    get q, a[i] else {\n"
                                                "        put q, 1\n"
                                                "    }\n"
                                                "    get q, i\n"
                                                "    put q, 2 else { }\n"
                                                "}\n";

static const char *const get_else_index_listing =
    "template 0 index 0 bit_base 130\n"
    "template 0 t first_tid 0 n_pos 5 pc_bits 3 block_bits 35\n"
    "  var 1 i bit_off 3 bits 32 line 4 init [1]\n"
    "  pos 0 step code 0 line 5 \"get q, a[i] else\"\n"
    "  pos 1 step code 7 line 6 \"put q, 1\"\n"
    "  pos 2 step code 10 line 8 \"get q, i\"\n"
    "  pos 3 step code 13 line 9 \"put q, 2 else\"\n"
    "  pos 4 end code 18 line 10 \"end\"\n"
    "     0  line 5   GET_TRY 0 (q)\n"
    "     1  line 5   JZ 6\n"
    "     2  line 5   LOAD_L 1 (i)\n"
    "     3  line 5   SWAP\n"
    "     4  line 5   STORE_GA 0 (a)\n"
    "     5  line 5   END_STEP 2\n"
    "     6  line 5   END_STEP 1\n"
    "     7  line 6   PUSH 1\n"
    "     8  line 6   PUT 0 (q)\n"
    "     9  line 6   END_STEP 2\n"
    "    10  line 8   GET 0 (q)\n"
    "    11  line 8   STORE_L 1 (i)\n"
    "    12  line 8   END_STEP 3\n"
    "    13  line 9   PUSH 2\n"
    "    14  line 9   PUT_TRY 0 (q)\n"
    "    15  line 9   JZ 17\n"
    "    16  line 9   END_STEP 4\n"
    "    17  line 9   END_STEP 4\n"
    "    18  line 10  HALT\n";

static const char *const atomic_model = "shared x = 0\n"
                                        "mutex m\n"
                                        "thread t {\n"
                                        "    local i = 0\n"
                                        "    atomic {\n"
                                        "        lock m\n"
                                        "        while i < 2 {\n"
                                        "            i = i + 1\n"
                                        "        }\n"
                                        "    }\n"
                                        "    a: atomic {\n"
                                        "        x = 1\n"
                                        "        await x == 1\n"
                                        "    }\n"
                                        "}\n";

static const char *const atomic_listing =
    "template 0 index 0 bit_base 33\n"
    "template 0 t first_tid 0 n_pos 3 pc_bits 2 block_bits 34\n"
    "  var 1 i bit_off 2 bits 32 line 4 init [0]\n"
    "  label 0 a at 1\n"
    "  pos 0 step code 0 line 5 \"atomic\"\n"
    "  pos 1 step code 13 line 11 label a \"atomic\"\n"
    "  pos 2 end code 21 line 15 \"end\"\n"
    "     0  line 6   LOCK 0 (m)\n"
    "     1  line 6   GUARD_END\n"
    "     2  line 7   LOOP_CHECK\n"
    "     3  line 7   LOAD_L 1 (i)\n"
    "     4  line 7   PUSH 2\n"
    "     5  line 7   LT\n"
    "     6  line 7   JZ 12\n"
    "     7  line 8   LOAD_L 1 (i)\n"
    "     8  line 8   PUSH 1\n"
    "     9  line 8   ADD\n"
    "    10  line 8   STORE_L 1 (i)\n"
    "    11  line 7   JMP 2\n"
    "    12  line 5   END_STEP 1\n"
    "    13  line 12  GUARD_END\n"
    "    14  line 12  PUSH 1\n"
    "    15  line 12  STORE_G 0 (x)\n"
    "    16  line 13  LOAD_G 0 (x)\n"
    "    17  line 13  PUSH 1\n"
    "    18  line 13  EQ\n"
    "    19  line 13  AWAIT\n"
    "    20  line 11  END_STEP 2\n"
    "    21  line 15  HALT\n";

static const char *const repeat_jumps_model = "shared x = 0\n"
                                              "thread t {\n"
                                              "    r: repeat 2 {\n"
                                              "        w: x = x + 1\n"
                                              "        if x > 2 { break }\n"
                                              "    }\n"
                                              "    repeat 0 { x = 9 }\n"
                                              "    repeat 3 { }\n"
                                              "    while true {\n"
                                              "        repeat 2 {\n"
                                              "            if x == 1 { continue }\n"
                                              "            return\n"
                                              "        }\n"
                                              "    }\n"
                                              "}\n";

static const char *const repeat_jumps_listing =
    "template 0 index 0 bit_base 32\n"
    "template 0 t first_tid 0 n_pos 8 pc_bits 3 block_bits 3\n"
    "  label 0 r at 0\n"
    "  label 1 w at 0 2\n"
    "  pos 0 step code 0 line 4 label w \"x = x + 1\"\n"
    "  pos 1 step code 5 line 5 \"if x > 2\"\n"
    "  pos 2 step code 11 line 4 label w \"x = x + 1\"\n"
    "  pos 3 step code 16 line 5 \"if x > 2\"\n"
    "  pos 4 step code 22 line 9 \"while true\"\n"
    "  pos 5 step code 26 line 11 \"if x == 1\"\n"
    "  pos 6 step code 32 line 11 \"if x == 1\"\n"
    "  pos 7 end code 38 line 15 \"end\"\n"
    "     0  line 4   LOAD_G 0 (x)\n"
    "     1  line 4   PUSH 1\n"
    "     2  line 4   ADD\n"
    "     3  line 4   STORE_G 0 (x)\n"
    "     4  line 4   END_STEP 1\n"
    "     5  line 5   LOAD_G 0 (x)\n"
    "     6  line 5   PUSH 2\n"
    "     7  line 5   GT\n"
    "     8  line 5   JZ 10\n"
    "     9  line 5   END_STEP 4\n"
    "    10  line 5   END_STEP 2\n"
    "    11  line 4   LOAD_G 0 (x)\n"
    "    12  line 4   PUSH 1\n"
    "    13  line 4   ADD\n"
    "    14  line 4   STORE_G 0 (x)\n"
    "    15  line 4   END_STEP 3\n"
    "    16  line 5   LOAD_G 0 (x)\n"
    "    17  line 5   PUSH 2\n"
    "    18  line 5   GT\n"
    "    19  line 5   JZ 21\n"
    "    20  line 5   END_STEP 4\n"
    "    21  line 5   END_STEP 4\n"
    "    22  line 9   PUSH 1\n"
    "    23  line 9   JZ 25\n"
    "    24  line 9   END_STEP 5\n"
    "    25  line 9   END_STEP 7\n"
    "    26  line 11  LOAD_G 0 (x)\n"
    "    27  line 11  PUSH 1\n"
    "    28  line 11  EQ\n"
    "    29  line 11  JZ 31\n"
    "    30  line 11  END_STEP 6\n"
    "    31  line 11  END_STEP 7\n"
    "    32  line 11  LOAD_G 0 (x)\n"
    "    33  line 11  PUSH 1\n"
    "    34  line 11  EQ\n"
    "    35  line 11  JZ 37\n"
    "    36  line 11  END_STEP 4\n"
    "    37  line 11  END_STEP 7\n"
    "    38  line 15  HALT\n";

/* A jump before a thread's first step moves its start: the end for 'return', past the loop for
** 'break', the next iteration for 'continue' (the statements it skips are never reached). */
static const char *const leading_jumps_model = "shared x = 0\n"
                                               "thread t {\n"
                                               "    repeat 2 {\n"
                                               "        continue\n"
                                               "        x = 1\n"
                                               "    }\n"
                                               "    x = 2\n"
                                               "}\n"
                                               "thread u {\n"
                                               "    return\n"
                                               "    x = 3\n"
                                               "}\n";

static const char *const leading_jumps_listing =
    "template 0 t first_tid 0 n_pos 4 pc_bits 2 block_bits 2 start 2\n"
    "  pos 0 step code 0 line 5 \"x = 1\"\n"
    "  pos 1 step code 3 line 5 \"x = 1\"\n"
    "  pos 2 step code 6 line 7 \"x = 2\"\n"
    "  pos 3 end code 9 line 8 \"end\"\n"
    "     0  line 5   PUSH 1\n"
    "     1  line 5   STORE_G 0 (x)\n"
    "     2  line 5   END_STEP 2\n"
    "     3  line 5   PUSH 1\n"
    "     4  line 5   STORE_G 0 (x)\n"
    "     5  line 5   END_STEP 2\n"
    "     6  line 7   PUSH 2\n"
    "     7  line 7   STORE_G 0 (x)\n"
    "     8  line 7   END_STEP 3\n"
    "     9  line 8   HALT\n"
    "template 1 u first_tid 1 n_pos 2 pc_bits 1 block_bits 1 start 1\n"
    "  pos 0 step code 0 line 11 \"x = 3\"\n"
    "  pos 1 end code 3 line 12 \"end\"\n"
    "     0  line 11  PUSH 3\n"
    "     1  line 11  STORE_G 0 (x)\n"
    "     2  line 11  END_STEP 1\n"
    "     3  line 12  HALT\n";

static const char *const atomic_inner_model = "mutex m\n"
                                              "shared x = 0\n"
                                              "thread t {\n"
                                              "    while true {\n"
                                              "        atomic {\n"
                                              "            choose { x = 1 } or { return }\n"
                                              "            if x == 1 { continue } else { x = 2 }\n"
                                              "            lock m else { break }\n"
                                              "        }\n"
                                              "    }\n"
                                              "}\n";

static const char *const atomic_inner_listing =
    "template 0 index 0 bit_base 33\n"
    "template 0 t first_tid 0 n_pos 3 pc_bits 2 block_bits 2\n"
    "  pos 0 step code 0 line 4 \"while true\"\n"
    "  pos 1 step code 4 line 5 \"atomic\"\n"
    "  pos 2 end code 26 line 11 \"end\"\n"
    "     0  line 4   PUSH 1\n"
    "     1  line 4   JZ 3\n"
    "     2  line 4   END_STEP 1\n"
    "     3  line 4   END_STEP 2\n"
    "     4  line 6   GUARD_END\n"
    "     5  line 6   CHOOSE 2\n"
    "     6  line 6   JMP 8\n"
    "     7  line 6   JMP 11\n"
    "     8  line 6   PUSH 1\n"
    "     9  line 6   STORE_G 0 (x)\n"
    "    10  line 6   JMP 13\n"
    "    11  line 6   END_STEP 2\n"
    "    12  line 6   JMP 13\n"
    "    13  line 7   LOAD_G 0 (x)\n"
    "    14  line 7   PUSH 1\n"
    "    15  line 7   EQ\n"
    "    16  line 7   JZ 19\n"
    "    17  line 7   END_STEP 0\n"
    "    18  line 7   JMP 21\n"
    "    19  line 7   PUSH 2\n"
    "    20  line 7   STORE_G 0 (x)\n"
    "    21  line 8   TRYLOCK 0 (m)\n"
    "    22  line 8   JZ 24\n"
    "    23  line 8   JMP 25\n"
    "    24  line 8   END_STEP 2\n"
    "    25  line 5   END_STEP 0\n"
    "    26  line 11  HALT\n";

/* ---- core: code shapes ---- */

static void assert_listing(const char *model, const char *from, const char *expected)
{
    char *got = listing(model, from);
    ck_assert_str_eq(got, expected);
    free(got);
}

START_TEST(compile_assignment_and_layout)
{
    assert_listing(assign_model, NULL, assign_listing);
}
END_TEST

START_TEST(compile_if_chain)
{
    assert_listing(if_chain_model, "template 0", if_chain_listing);
}
END_TEST

START_TEST(compile_while_break_continue)
{
    assert_listing(while_loop_model, "template 0", while_loop_listing);
}
END_TEST

START_TEST(compile_choose)
{
    assert_listing(choose_model, "template 0", choose_listing);
}
END_TEST

START_TEST(compile_lock_else)
{
    assert_listing(lock_else_model, "template 0", lock_else_listing);
}
END_TEST

START_TEST(compile_wait_relock)
{
    assert_listing(wait_relock_model, "template 0", wait_relock_listing);
}
END_TEST

START_TEST(compile_get_else_with_index)
{
    assert_listing(get_else_index_model, "template 0", get_else_index_listing);
}
END_TEST

/* A property's code: another thread's local, 'count', 'done', a quantifier (its slot) and
** 'len'. */
static const char *const property_model = "queue q[2] = [7]\n"
                                          "shared s = 0\n"
                                          "thread t[2] {\n"
                                          "    local x = 0\n"
                                          "    at: x = id\n"
                                          "}\n"
                                          "thread u {\n"
                                          "    s = 1\n"
                                          "}\n"
                                          "invariant i: t[1].x + count(t@at) >= 0\n"
                                          "invariant j: all k in 0..1: len(q) > k || done(u)\n";

static const char *const property_listing =
    "invariant i line 10 code 0 \"t[1].x + count(t@at) >= 0\"\n"
    "  term \"t[1].x\" code 7\n"
    "  term \"count(t@at)\" code 10\n"
    "invariant j line 11 code 12 \"all k in 0..1: len(q) > k || done(u)\"\n"
    "  term \"len(q)\" code 28\n"
    "  term \"done(u)\" code 30\n"
    "     0  line 10  PUSH 1\n"
    "     1  line 10  LOAD_TL 1 0 (t.x)\n"
    "     2  line 10  COUNT 0 0 (t@at)\n"
    "     3  line 10  ADD\n"
    "     4  line 10  PUSH 0\n"
    "     5  line 10  GE\n"
    "     6  line 10  RET\n"
    "     7  line 10  PUSH 1\n"
    "     8  line 10  LOAD_TL 1 0 (t.x)\n"
    "     9  line 10  RET\n"
    "    10  line 10  COUNT 0 0 (t@at)\n"
    "    11  line 10  RET\n"
    "    12  line 11  PUSH 0\n"
    "    13  line 11  PUSH 1\n"
    "    14  line 11  QBEGIN 0 24\n"
    "    15  line 11  LEN 0 (q)\n"
    "    16  line 11  QLOAD 0\n"
    "    17  line 11  GT\n"
    "    18  line 11  JNZ_OR_POP 22\n"
    "    19  line 11  PUSH 0\n"
    "    20  line 11  DONE 1 (u)\n"
    "    21  line 11  BOOL\n"
    "    22  line 11  JZ 26\n"
    "    23  line 11  QNEXT 0 15\n"
    "    24  line 11  PUSH 1\n"
    "    25  line 11  JMP 27\n"
    "    26  line 11  PUSH 0\n"
    "    27  line 11  RET\n"
    "    28  line 11  LEN 0 (q)\n"
    "    29  line 11  RET\n"
    "    30  line 11  PUSH 0\n"
    "    31  line 11  DONE 1 (u)\n"
    "    32  line 11  RET\n";

START_TEST(compile_property_code)
{
    char *dump = listing(property_model, NULL);
    const char *props = strstr(dump, "invariant i line");
    ck_assert_ptr_nonnull(props);
    ck_assert_str_eq(props, property_listing);
    free(dump);
}
END_TEST

START_TEST(compile_atomic_guard_and_loop_check)
{
    assert_listing(atomic_model, "template 0", atomic_listing);
}
END_TEST

START_TEST(compile_repeat_unrolls_and_jumps)
{
    assert_listing(repeat_jumps_model, "template 0", repeat_jumps_listing);
}
END_TEST

START_TEST(compile_leading_jumps_move_the_start)
{
    assert_listing(leading_jumps_model, "template 0 t", leading_jumps_listing);
    Compiled c = compile_text(leading_jumps_model, NULL, 0);
    ck_assert_ptr_nonnull(c.prog);
    uint8_t vec[8] = {0};
    ck_assert_uint_le(c.prog->state_size, sizeof vec);
    prog_initial_state(c.prog, vec);
    ck_assert_uint_eq(state_pos(c.prog, vec, 0), 2); /* t at 'x = 2' */
    ck_assert_uint_eq(state_pos(c.prog, vec, 1), 1); /* u at its end: finished */
    ck_assert(!state_all_done(c.prog, vec));
    compiled_free(&c);
}
END_TEST

START_TEST(compile_atomic_inner_shapes)
{
    assert_listing(atomic_inner_model, "template 0", atomic_inner_listing);
}
END_TEST

/* ---- core: layout, initial state, defines, properties ---- */

START_TEST(compile_initial_state_bytes)
{
    Compiled c = compile_text(assign_model, NULL, 0);
    ck_assert_ptr_nonnull(c.prog);
    /* 9 + 3 + 2 + (2 + 96) + 2 * (1 + 32) = 178 bits */
    ck_assert_uint_eq(c.prog->state_size, 23);
    uint8_t vec[23];
    memset(vec, 0xee, sizeof vec);
    prog_initial_state(c.prog, vec);
    static const uint8_t expected[23] = {
        [0] = 6,          /* bits 0-8: x = 5 stored as 5 - (-1) */
        [1] = 2 | 8 | 64, /* bits 9-11: flags 1, 0, 1; 12-13: m free; 14-15: q length 1 */
        [2] = 4,          /* bits 16-47: q[0] = 4; 48-111: its empty slots */
        [18] = 8 | 32,    /* bit 112: w[0] at 0, 113-144: its v = 0; 145: w[1] at 0; 146-177: */
    };                    /* its v = 10 (bits 147 and 149); every other bit is zero */
    ck_assert_mem_eq(vec, expected, sizeof expected);
    ck_assert_int_eq(state_var_get(c.prog, vec, 0, 0, 0), 5);
    ck_assert_int_eq(state_var_get(c.prog, vec, 1, 0, 2), 1);
    ck_assert_int_eq(state_var_get(c.prog, vec, 2, 1, 0), 10);
    ck_assert_int_eq(state_queue_len(c.prog, vec, 0), 1);
    ck_assert_int_eq(state_queue_elem(c.prog, vec, 0, 0), 4);
    compiled_free(&c);
}
END_TEST

/* Each field gets the bits its values need: a declared range hi - lo + 1 values, an
** unranged variable (a boolean too) 32, a queue length cap + 1, fields follow with no gap. */
START_TEST(compile_widths_follow_declared_ranges)
{
    Compiled c = compile_text("shared a: 0..255 = 0\n"
                              "shared b: 0..256 = 0\n"
                              "shared d: -70000..0 = 0\n"
                              "shared e = 0\n"
                              "shared f = true\n"
                              "shared g: 3..3 = 3\n"
                              "shared h: -2147483648..2147483647 = 0\n"
                              "queue q[300]\n"
                              "thread t { skip }\n",
                              NULL, 0);
    ck_assert_ptr_nonnull(c.prog);
    const Var *v = c.prog->vars;
    static const uint8_t bits[] = {8, 9, 17, 32, 32, 0, 32};
    static const uint32_t offs[] = {0, 8, 17, 34, 66, 98, 98};
    for (int i = 0; i < 7; i++) {
        ck_assert_uint_eq(v[i].bits, bits[i]);
        ck_assert_uint_eq(v[i].bit_off, offs[i]);
    }
    ck_assert_uint_eq(c.prog->queues[0].len_bit_off, 130);
    ck_assert_uint_eq(c.prog->queues[0].len_bits, 9);
    ck_assert_uint_eq(c.prog->queues[0].bit_off, 139);
    ck_assert_uint_eq(c.prog->threads[0].bit_base, 139 + 300 * 32);
    ck_assert_uint_eq(c.prog->templates[0].pc_bits, 1);
    ck_assert_uint_eq(c.prog->state_size, (139 + 9600 + 1 + 7) / 8);
    compiled_free(&c);
}
END_TEST

/* A ranged queue's slots take the bits of its range (value - lo, like a ranged variable), an
** unranged one's 32; the initial elements are encoded the same way and free slots are zero. */
START_TEST(compile_queue_slots_follow_declared_range)
{
    static const char ranged[] = "queue q[3]: 1..4 = [2, 4]\n"
                                 "queue r[2]: 5..5\n"
                                 "queue s[2]: -1..1 = [-1]\n"
                                 "thread t { skip }\n";
    static const char plain[] = "queue q[3] = [2, 4]\n"
                                "queue r[2]\n"
                                "queue s[2] = [-1]\n"
                                "thread t { skip }\n";
    Compiled c = compile_text(ranged, NULL, 0);
    Compiled u = compile_text(plain, NULL, 0);
    ck_assert_ptr_nonnull(c.prog);
    ck_assert_ptr_nonnull(u.prog);
    const Queue *q = c.prog->queues;
    static const uint8_t bits[] = {2, 0, 2};       /* 4 values, 1 value, 3 values */
    static const uint32_t len_offs[] = {0, 8, 10}; /* each length field takes 2 bits */
    for (int i = 0; i < 3; i++) {
        ck_assert_uint_eq(q[i].bits, bits[i]);
        ck_assert_uint_eq(u.prog->queues[i].bits, 32);
        ck_assert_uint_eq(q[i].len_bit_off, len_offs[i]);
        ck_assert_uint_eq(q[i].bit_off, len_offs[i] + 2);
    }
    /* q: 2 + 3 * 2, r: 2 + 0, s: 2 + 2 * 2, t's position 1: 17 bits, 3 bytes; unranged, the
    ** 7 slots take 32 bits each: 6 + 224 + 1 = 231 bits, 29 bytes. */
    ck_assert_uint_eq(c.prog->threads[0].bit_base, 16);
    ck_assert_uint_eq(c.prog->state_size, 3);
    ck_assert_uint_eq(u.prog->threads[0].bit_base, 230);
    ck_assert_uint_eq(u.prog->state_size, 29);
    uint8_t vec[8]; /* 3 used: a buffer of 8 keeps gcc's bounds warning about bits_get quiet */
    memset(vec, 0xee, sizeof vec);
    prog_initial_state(c.prog, vec);
    static const uint8_t expected[3] = {
        2 | 1 << 2 | 3 << 4, /* q: length 2, slots 2 - 1 and 4 - 1, the third slot free */
        1 << 2,              /* r: empty (no slot bits); s: length 1, slot 0: -1 - (-1) */
        0,                   /* s's free slot, t at position 0 */
    };
    ck_assert_mem_eq(vec, expected, sizeof expected);
    ck_assert_int_eq(state_queue_elem(c.prog, vec, 0, 0), 2);
    ck_assert_int_eq(state_queue_elem(c.prog, vec, 0, 1), 4);
    ck_assert_int_eq(state_queue_elem(c.prog, vec, 2, 0), -1);
    char *got = listing(ranged, "queue 0");
    ck_assert_str_eq(got,
                     "queue 0 q[3]: 1..4 len_bit_off 0 len_bits 2 bit_off 2 bits 2 init [2, 4]\n"
                     "queue 1 r[2]: 5..5 len_bit_off 8 len_bits 2 bit_off 10 bits 0 init []\n"
                     "queue 2 s[2]: -1..1 len_bit_off 10 len_bits 2 bit_off 12 bits 2 init [-1]\n"
                     "thread 0 t template 0 index 0 bit_base 16\n"
                     "template 0 t first_tid 0 n_pos 2 pc_bits 1 block_bits 1\n"
                     "  pos 0 step code 0 line 4 \"skip\"\n"
                     "  pos 1 end code 1 line 4 \"end\"\n"
                     "     0  line 4   END_STEP 1\n"
                     "     1  line 4   HALT\n");
    free(got);
    compiled_free(&c);
    compiled_free(&u);
}
END_TEST

/* A mutex owner holds 0 (free) .. n_threads; a position 0 .. n_pos - 1; a queue length 0 .. cap. */
START_TEST(compile_owner_position_and_length_bits)
{
    static const struct {
        const char *model;
        uint8_t owner, pc, len;
        uint32_t size;
    } cases[] = {
        {"mutex m\nqueue q[1]\nthread t { }\n", 1, 0, 1, 5},
        {"mutex m\nqueue q[3]\nthread t[3] { skip }\n", 2, 1, 2, 13},
        {"mutex m\nqueue q[4]\nthread t[4] { skip\n skip\n skip }\n", 3, 2, 3, 18},
        {"mutex m\nqueue q[255]\nthread t[255] { skip }\n", 8, 1, 8, 1054},
        {"mutex m\nqueue q[256]\nthread t[256] { skip }\n", 9, 1, 9, 1059},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Compiled c = compile_text(cases[i].model, NULL, 0);
        ck_assert_ptr_nonnull(c.prog);
        ck_assert_uint_eq(c.prog->mutexes[0].bits, cases[i].owner);
        ck_assert_uint_eq(c.prog->templates[0].pc_bits, cases[i].pc);
        ck_assert_uint_eq(c.prog->queues[0].len_bits, cases[i].len);
        ck_assert_uint_eq(c.prog->state_size, cases[i].size);
        compiled_free(&c);
    }
}
END_TEST

START_TEST(compile_defines_override_consts)
{
    Define defs[] = {{"N", 5}};
    Compiled c = compile_text("const N = 2\n"
                              "const M = N * 3\n"
                              "thread w[N] { skip }\n",
                              defs, 1);
    ck_assert_ptr_nonnull(c.prog);
    ck_assert_uint_eq(c.prog->n_consts, 2);
    ck_assert_str_eq(c.prog->const_names[1], "M");
    ck_assert_int_eq(c.prog->const_values[0], 5);
    ck_assert_int_eq(c.prog->const_values[1], 15);
    ck_assert_uint_eq(c.prog->n_threads, 5);
    ck_assert_str_eq(c.prog->threads[4].name, "w[4]");
    compiled_free(&c);
}
END_TEST

START_TEST(compile_define_of_no_const_is_a_tool_error)
{
    Define defs[] = {{"NN", 5}};
    Compiled c = compile_text("const N = 2\nthread t { skip }\n", defs, 1);
    ck_assert_ptr_null(c.prog);
    ck_assert_uint_eq(diag_count(c.d), 0);
    ck_assert_str_eq(c.tool_err, "-D 'NN' names no const of the model (did you mean 'N'?)");
    compiled_free(&c);
}
END_TEST

/* An error about a value that a -D gave, directly or through another const, says so; the same
** model without the -D gets the plain message. */
START_TEST(compile_define_named_in_value_errors)
{
    static const struct {
        const char *text;
        int32_t value; /* of -D N */
        const char *msg;
    } cases[] = {
        {"const N = 2\nthread t[N] { skip }\n", 0,
         "thread count must be at least 1, not 0 (from -D N=0)"},
        {"const N = 2\nconst M = N - 1\nthread t[M] { skip }\n", 1,
         "thread count must be at least 1, not 0 (from -D N=1)"},
        {"const N = 2\nthread t[N] { skip }\n", 70000,
         "thread count 70000 is too large (at most 65535; from -D N=70000)"},
        {"const N = 2\nthread t[1000] { skip }\nthread u[N] { skip }\n", 65000,
         "a model may have at most 65535 threads; 'u' brings them to 66000 (from -D N=65000)"},
        {"const N = 2\nshared a[N] = 0\nthread t { skip }\n", -1,
         "array size must be at least 1, not -1 (from -D N=-1)"},
        {"const N = 2\nqueue q[N]\nthread t { skip }\n", 0,
         "queue capacity must be at least 1, not 0 (from -D N=0)"},
        {"const N = 2\nshared x : 0..N = 2\nthread t { skip }\n", 1,
         "initial value 2 of 'x' is outside its range 0..1 (from -D N=1)"},
        {"const N = 2\nshared x : 0..3 = N\nthread t { skip }\n", 5,
         "initial value 5 of 'x' is outside its range 0..3 (from -D N=5)"},
        {"const N = 2\nqueue q[2] : 0..N = [2]\nthread t { skip }\n", 1,
         "initial value 2 of queue 'q' is outside its range 0..1 (from -D N=1)"},
        {"const N = 2\nshared x : N..1 = 1\nthread t { skip }\n", 3,
         "empty range 3..1 (from -D N=3)"},
        {"const N = 2\nthread t { repeat N - 3 { skip } }\n", 1,
         "repeat count must be at least 0, not -2 (from -D N=1)"},
        {"const N = 2\nconst K = 10 / (N - 1)\nthread t { skip }\n", 1,
         "division by zero in a constant expression (from -D N=1)"},
        {"const N = 2\nconst K = N * N\nthread t { skip }\n", 65536,
         "integer overflow in a constant expression (from -D N=65536)"},
        {"const N = 2\nthread t { repeat N { repeat N { skip } } }\n", 400,
         "thread 't' has more than 100000 steps after unrolling 'repeat' (from -D N=400)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Define defs[] = {{"N", cases[i].value}};
        Compiled c = compile_text(cases[i].text, defs, 1);
        ck_assert_ptr_null(c.prog);
        ck_assert_str_eq(diag_message(c.d, 0), cases[i].msg);
        compiled_free(&c);
    }
    /* Not from a -D: no note, even when another const was given by one. */
    Define defs[] = {{"N", 3}};
    Compiled c = compile_text("const N = 2\nconst Z = 0\nthread t[Z] { skip }\n", defs, 1);
    ck_assert_str_eq(diag_message(c.d, 0), "thread count must be at least 1, not 0");
    compiled_free(&c);
    c = compile_text("const N = 0\nthread t[N] { skip }\n", NULL, 0);
    ck_assert_str_eq(diag_message(c.d, 0), "thread count must be at least 1, not 0");
    compiled_free(&c);
}
END_TEST

/* A const that -D replaces keeps the names of its expression checked but not its arithmetic; a
** const whose expression failed gives the sizes and counts using it no error of their own. */
START_TEST(compile_replaced_const_is_not_evaluated)
{
    static const char text[] = "const N = 2\nconst K = 10 / N\nthread t[K] { skip }\n";
    Define both[] = {{"K", 3}, {"N", 0}};
    Compiled c = compile_text(text, both, 2);
    ck_assert_ptr_nonnull(c.prog);
    ck_assert_uint_eq(c.prog->n_threads, 3);
    compiled_free(&c);
    Define n_only[] = {{"N", 0}};
    c = compile_text(text, n_only, 1);
    ck_assert_ptr_null(c.prog);
    ck_assert_uint_eq(diag_count(c.d), 1); /* not also "thread count must be at least 1" */
    ck_assert_str_eq(diag_message(c.d, 0),
                     "division by zero in a constant expression (from -D N=0)");
    compiled_free(&c);
    c = compile_text("const A = 1 / 0\nconst B = A + 1\nshared a[B] = 0\nthread t[A] { skip }\n",
                     NULL, 0);
    ck_assert_uint_eq(diag_count(c.d), 1);
    ck_assert_str_eq(diag_message(c.d, 0), "division by zero in a constant expression");
    compiled_free(&c);
    Define k_only[] = {{"K", 3}};
    c = compile_text("const K = 10 / M\nthread t[K] { skip }\n", k_only, 1);
    ck_assert_ptr_null(c.prog);
    ck_assert_uint_eq(diag_count(c.d), 1);
    ck_assert_str_eq(diag_message(c.d, 0),
                     "unknown constant 'M' (declare it above its use: 'const M = 1')");
    compiled_free(&c);
}
END_TEST

START_TEST(compile_property_terms)
{
    Compiled c =
        compile_text("const N = 0\n"
                     "shared counter = 0\n"
                     "shared cache[2] = 0\n"
                     "mutex m\n"
                     "queue q[2]\n"
                     "thread w[2] { local tmp = 0\n L: skip }\n"
                     "invariant inv: counter >= N && cache[1] != 2 && w[0].tmp < 9 &&\n"
                     "    len(q) <= 2 && !held(m) && count(w@L) <= counter &&\n"
                     "    !done(w[1]) && w[1]@L + 0 == 0 && (all i in 0..1: cache[i] >= 0)\n",
                     NULL, 0);
    ck_assert_ptr_nonnull(c.prog);
    const Property *p = &c.prog->props[0];
    ck_assert_str_eq(p->label, "inv");
    ck_assert_uint_eq(p->line, 8);
    static const char *const texts[] = {"counter",    "cache[1]",   "w[0].tmp", "len(q)", "held(m)",
                                        "count(w@L)", "done(w[1])", "w[1]@L",   "cache"};
    ck_assert_uint_eq(p->n_terms, 9);
    for (uint32_t k = 0; k < 9; k++) {
        ck_assert_str_eq(p->terms[k].text, texts[k]);
        ck_assert_int_eq(p->terms[k].var, k == 8 ? 1 : -1);
    }
    ck_assert_uint_eq(c.prog->prop_code[p->terms[1].code].op, OP_PUSH);
    ck_assert_uint_eq(c.prog->prop_code[p->terms[1].code + 1].op, OP_LOAD_GA);
    ck_assert_uint_eq(c.prog->prop_code[p->terms[1].code + 2].op, OP_RET);
    ck_assert_uint_eq(c.prog->n_slots, 2);
    compiled_free(&c);
}
END_TEST

START_TEST(compile_property_text_is_folded)
{
    Compiled c = compile_text("shared x = 0\nthread t { skip }\nfinal   x   ==\n    0\n", NULL, 0);
    ck_assert_ptr_nonnull(c.prog);
    ck_assert_str_eq(c.prog->props[0].text, "x == 0");
    ck_assert_ptr_null(c.prog->props[0].label);
    ck_assert_uint_eq(c.prog->props[0].kind, PROP_FINAL);
    compiled_free(&c);
}
END_TEST

/* Every assert's text is kept by its line, once, also inside an atomic block and a repeat. */
START_TEST(compile_assert_texts)
{
    Compiled c = compile_text("shared x = 0\n"
                              "thread t {\n"
                              "    assert   x ==\n"
                              "        0\n"
                              "    atomic {\n"
                              "        x = 1\n"
                              "        assert x == 1  # inside\n"
                              "    }\n"
                              "    repeat 3 {\n"
                              "        check: assert x > 0\n"
                              "    }\n"
                              "}\n",
                              NULL, 0);
    ck_assert_ptr_nonnull(c.prog);
    ck_assert_uint_eq(c.prog->n_asserts, 3);
    ck_assert_str_eq(prog_assert_text(c.prog, 3), "assert x == 0");
    ck_assert_str_eq(prog_assert_text(c.prog, 7), "assert x == 1");
    ck_assert_str_eq(prog_assert_text(c.prog, 10), "assert x > 0");
    ck_assert_ptr_null(prog_assert_text(c.prog, 6));
    ck_assert_ptr_null(prog_assert_text(c.prog, 4));
    compiled_free(&c);
}
END_TEST

/* Every acceptance example compiles. */
START_TEST(compile_examples)
{
    static const char *const names[] = {"check_then_act", "condvar_buffer", "counter_lock",
                                        "counter_race",   "lock_order",     "queue_consumers",
                                        "unlock_not_held"};
    char name[64];
    snprintf(name, sizeof name, "%s.weft", names[_i]);
    Source *src = tm_example_source(name);
    Arena *arena = arena_new();
    Diag *d = diag_new(src);
    AstNode *model = parse_model(arena, src, d);
    ck_assert_uint_eq(diag_count(d), 0);
    char *err = NULL;
    Program *prog = compile_model(model, src, NULL, 0, d, &err);
    ck_assert_msg(prog != NULL, "%s: %s", names[_i], diag_message(d, 0));
    ck_assert_uint_ge(prog->n_threads, 1);
    prog_free(prog);
    diag_free(d);
    arena_free(arena);
    src_free(src);
}
END_TEST

/* ---- errors ---- */

typedef struct ErrorCase {
    const char *model;
    const char *error; /* "line:col: message" of the first error */
} ErrorCase;

static const ErrorCase error_cases[] = {
    {"shared counter = 0\nthread t { countr = 1 }",
     "2:12: unknown variable 'countr' (did you mean 'counter'?)"},
    {"shared ok = 0\nthread t { ok = True }",
     "2:17: unknown variable 'True' (did you mean 'true'?)"},
    {"shared ok = 0\nthread t { ok = False }",
     "2:17: unknown variable 'False' (did you mean 'false'?)"},
    {"thread t { x = 1 }\nshared x = 0",
     "1:12: unknown variable 'x' ('x' is declared below, at line 2: declare it above its use)"},
    {"thread t { lock m }\nmutex m",
     "1:17: unknown mutex 'm' ('m' is declared below, at line 2: declare it above its use)"},
    {"thread t { lock m }", "1:17: unknown mutex 'm' (declare it above its use: 'mutex m')"},
    {"mutex m\nthread t { wait c, m }",
     "2:17: unknown cond 'c' (declare it above its use: 'cond c')"},
    {"thread t { put q, 1 }",
     "1:16: unknown queue 'q' (declare it above its use, with its capacity: 'queue q[2]')"},
    {"thread t { skip }\nfinal f: zz == 1",
     "2:10: unknown variable 'zz' (declare it above its use: 'shared zz = 0')"},
    {"mutex m\nshared x = 0\nthread t { x = m }", "3:16: 'm' is a mutex, not a variable"},
    {"const N = 1\nshared N = 2\nthread t { skip }", "2:8: 'N' is already declared at line 1"},
    {"shared a[2] = 0\nthread t { a = 1 }", "2:12: 'a' is an array: index it"},
    {"shared a[2] = 0\nshared x = 0\nthread t { x = a + 1 }", "3:16: 'a' is an array: index it"},
    {"shared x = 0\nthread t { x[0] = 1 }", "2:12: 'x' is not an array: drop the index"},
    {"shared x = 0\nthread t { x = x[0] }", "2:16: 'x' is not an array: drop the index"},
    {"const N = 1\nthread t { N = 2 }", "2:12: cannot assign to const 'N'"},
    {"const A = 2147483647 + 1\nthread t { skip }",
     "1:11: integer overflow in a constant expression"},
    {"const A = -(-2147483648)\nthread t { skip }",
     "1:11: integer overflow in a constant expression"},
    {"const A = 1 / 0\nthread t { skip }", "1:11: division by zero in a constant expression"},
    {"const A = 1 % (1 - 1)\nthread t { skip }", "1:11: modulo by zero in a constant expression"},
    {"shared x = 2147483648\nthread t { skip }",
     "1:12: integer literal '2147483648' does not fit in 32 bits"},
    {"shared x = 0\nthread t { x = 2147483648 }",
     "2:16: integer literal '2147483648' does not fit in 32 bits"},
    {"shared x = 0\nshared y = x\nthread t { skip }",
     "2:12: 'x' is a shared variable, not a const"},
    {"shared y = Z\nthread t { skip }",
     "1:12: unknown constant 'Z' (declare it above its use: 'const Z = 1')"},
    {"shared y = id\nthread t { skip }", "1:12: 'id' is only allowed inside a thread"},
    {"shared x = 0",
     "1:13: a model needs at least one thread (declare one: 'thread worker { ... }', "
     "or 'thread worker[N] { ... }' for N of them)"},
    {"shared x = 0\n",
     "2:1: a model needs at least one thread (declare one: 'thread worker { ... }', "
     "or 'thread worker[N] { ... }' for N of them)"},
    {"shared x: 0..3 = 7\nthread t { skip }",
     "1:18: initial value 7 of 'x' is outside its range 0..3"},
    {"shared a[2]: 0..3 = [1, 4]\nthread t { skip }",
     "1:25: initial value 4 of 'a' is outside its range 0..3"},
    {"thread t[2] { local v: 0..1 = id * 2\n skip }",
     "1:31: initial value 2 of 'v' is outside its range 0..1"},
    {"shared x: 3..1 = 2\nthread t { skip }", "1:11: empty range 3..1"},
    {"shared a[3] = [1, 2]\nthread t { skip }", "1:15: 'a' has 3 elements but the list has 2"},
    {"shared x = [1]\nthread t { skip }", "1:12: 'x' is not an array: initialise it with a value"},
    {"shared a[0] = 0\nthread t { skip }", "1:10: array size must be at least 1, not 0"},
    {"queue q[0]\nthread t { skip }", "1:9: queue capacity must be at least 1, not 0"},
    {"queue q[1] = [1, 2]\nthread t { skip }",
     "1:14: queue 'q' holds at most 1 elements but the list has 2"},
    {"queue q[2]: 0..3 = [1, 4]\nthread t { skip }",
     "1:24: initial value 4 of queue 'q' is outside its range 0..3"},
    {"queue q[3]: -2..-1 = [-1, 0]\nthread t { skip }",
     "1:27: initial value 0 of queue 'q' is outside its range -2..-1"},
    {"queue q[2]: 3..1\nthread t { skip }", "1:13: empty range 3..1"},
    {"queue q[2]: 0..N = [1]\nthread t { skip }",
     "1:16: unknown constant 'N' (declare it above its use: 'const N = 1')"},
    {"thread w[0] { skip }", "1:10: thread count must be at least 1, not 0"},
    {"thread t { repeat -1 { skip } }", "1:19: repeat count must be at least 0, not -1"},
    {"thread t { break }", "1:12: 'break' outside a loop"},
    {"thread t { repeat 0 { y = 1 } }",
     "1:23: unknown variable 'y' (declare it: 'shared y = 0' above the thread, or 'local y = 0' "
     "at the thread's top)"},
    {"thread t { if true { continue } }", "1:22: 'continue' outside a loop"},
    {"mutex m\ncond c\nthread t { atomic { wait c, m } }",
     "3:21: 'wait' is not allowed inside 'atomic'"},
    {"shared x = 0\nthread t { L: x = count(t@L) }", "2:19: 'count' is only allowed in properties"},
    {"shared x = 0\nthread t { L: x = t@L }", "2:19: 't@L' is only allowed in properties"},
    {"shared x = 0\nthread t { x = done(t) }", "2:16: 'done' is only allowed in properties"},
    {"shared x = 0\nthread t { local v = 0\n x = t.v }",
     "3:6: 't.x' is only allowed in properties"},
    {"shared x = 0\nthread t { x = all i in 0..1: i > 0 }",
     "2:16: 'all' is only allowed in properties"},
    {"shared x = 0\nthread t { x = any i in 0..1: i > 0 }",
     "2:16: 'any' is only allowed in properties"},
    {"thread t { skip }\ninvariant id == 0", "2:11: 'id' is only allowed inside a thread"},
    {"thread t { L: skip }\ninvariant t[0]@L",
     "2:11: 't' is a single thread: write it without an index"},
    {"thread w[2] { L: skip }\ninvariant w@L", "2:11: 'w' is a thread array: index it"},
    {"thread w[2] { L: skip }\ninvariant done(w)", "2:16: 'w' is a thread array: index it"},
    {"thread w[2] { L: skip }\ninvariant w[0]@M",
     "2:16: thread 'w' has no label 'M' (did you mean 'L'?)"},
    {"thread w[2] { L: skip }\ninvariant count(w[0]@L) == 0",
     "2:17: 'count' counts every instance: write the thread without an index"},
    {"thread w { local v = 0\n skip }\ninvariant w.vv == 0",
     "3:13: thread 'w' has no local 'vv' (did you mean 'v'?)"},
    {"thread w { L: skip\nL: skip }", "2:1: label 'L' is already used at line 1"},
    {"thread w { repeat 2 { L: skip }\nwhile true { L: skip } }",
     "2:14: label 'L' is already used at line 1"},
    {"shared x = 0\nthread t { lock x }", "2:17: 'x' is a shared variable, not a mutex"},
    {"mutex mm\nthread t { lock m }", "2:17: unknown mutex 'm' (did you mean 'mm'?)"},
    {"mutex m\ncond c\nthread t { wait m, c }",
     "3:17: 'm' is a mutex, not a cond (the form is 'wait COND, MUTEX': 'wait c, m')"},
    {"mutex m\nmutex n\nthread t { wait m, n }", "3:17: 'm' is a mutex, not a cond"},
    {"thread t { local y = 0\n y = 1 }\nfinal y == 1",
     "3:7: unknown variable 'y' ('y' is a local of thread 't': write 't.y')"},
    {"thread w[2] { local tmp = 0\n tmp = 1 }\ninvariant tmp < 2",
     "3:11: unknown variable 'tmp' ('tmp' is a local of thread 'w': write 'w[0].tmp')"},
    {"shared x = 0\nthread t { local y = 0\n y = 1 }\nthread u { x = y }",
     "4:16: unknown variable 'y' ('y' is a local of thread 't': threads share only 'shared' "
     "variables)"},
    {"mutex m\ncond c\nthread t { wait c, c }", "3:20: 'c' is a cond, not a mutex"},
    {"cond c\nthread t { signal x }", "2:19: unknown cond 'x' (did you mean 'c'?)"},
    {"shared x = 0\nthread t { x = len(x) }", "2:20: 'x' is a shared variable, not a queue"},
    {"shared x = 0\nthread t { x = held(x) }", "2:21: 'x' is a shared variable, not a mutex"},
    {"queue q[1]\nthread t { put x, 1 }", "2:16: unknown queue 'x' (did you mean 'q'?)"},
    {"queue q[1]\nconst K = 1\nthread t { get q, K }", "3:19: cannot assign to const 'K'"},
    {"thread t { local t = 1\n skip }", "1:18: 't' is already declared at line 1"},
    {"thread t {\n local a = 0\n local a = 1\n skip }", "3:8: 'a' is already declared at line 2"},
    {"const i = 0\nthread t { skip }\ninvariant all i in 0..1: i >= 0",
     "3:15: 'i' is already declared at line 1"},
    {"thread t { skip }\nfinal a: 1 == 1\nfinal a: 2 == 2",
     "3:7: property 'a' is already declared at line 2"},
    {"thread t { skip }\ninvariant u@L", "2:11: unknown thread 'u' (did you mean 't'?)"},
    {"shared x = 0\nthread t { skip }\ninvariant x@L",
     "3:11: 'x' is a shared variable, not a thread"},
};

START_TEST(compile_error_messages)
{
    const ErrorCase *ec = &error_cases[_i];
    char *got = first_error(ec->model);
    ck_assert_msg(strcmp(got, ec->error) == 0, "model:\n%s\nexpected: %s\ngot:      %s", ec->model,
                  ec->error, got);
    free(got);
}
END_TEST

START_TEST(compile_reports_several_errors)
{
    Compiled c = compile_text("thread t { a = 1\n b = 2 }\n", NULL, 0);
    ck_assert_ptr_null(c.prog);
    ck_assert_uint_eq(diag_count(c.d), 2);
    ck_assert_str_eq(diag_message(c.d, 1), "unknown variable 'b' (declare it: 'shared b = 0' above "
                                           "the thread, or 'local b = 0' at the thread's top)");
    compiled_free(&c);
}
END_TEST

START_TEST(compile_repeat_body_error_reported_once)
{
    Compiled c = compile_text("thread t { repeat 5 { y = 1 } }\n", NULL, 0);
    ck_assert_ptr_null(c.prog);
    ck_assert_uint_eq(diag_count(c.d), 1);
    compiled_free(&c);
}
END_TEST

/* ---- limits ---- */

START_TEST(compile_repeat_cap_is_exact)
{
    Compiled ok = compile_text("thread t { repeat 99999 { skip } }\n", NULL, 0);
    ck_assert_ptr_nonnull(ok.prog);
    ck_assert_uint_eq(ok.prog->templates[0].n_pos, 100000);
    ck_assert_uint_eq(ok.prog->templates[0].pc_bits, 17); /* 0 .. 99999 */
    compiled_free(&ok);
    char *got = first_error("thread t { repeat 100000 { skip } }\n");
    ck_assert_str_eq(got, "1:8: thread 't' has more than 100000 steps after unrolling 'repeat'");
    free(got);
}
END_TEST

START_TEST(compile_repeat_of_nothing_is_cheap)
{
    Compiled c = compile_text("thread t { repeat 2000000000 { repeat 2000000000 { } }\n"
                              " repeat 0 { skip } }\n",
                              NULL, 0);
    ck_assert_ptr_nonnull(c.prog);
    ck_assert_uint_eq(c.prog->templates[0].n_pos, 1);
    compiled_free(&c);
}
END_TEST

START_TEST(compile_repeat_inside_atomic_is_capped)
{
    char *got = first_error("shared x = 0\nthread t { atomic { repeat 2000000000 { x = 1 } } }\n");
    ck_assert_str_eq(got, "2:8: thread 't' has more than 100000 steps after unrolling 'repeat'");
    free(got);
}
END_TEST

START_TEST(compile_pc_bits_grow_past_256_positions)
{
    Compiled a = compile_text("thread t { repeat 255 { skip } }\n", NULL, 0);
    Compiled b = compile_text("thread t { repeat 256 { skip } }\n", NULL, 0);
    ck_assert_uint_eq(a.prog->templates[0].n_pos, 256);
    ck_assert_uint_eq(a.prog->templates[0].pc_bits, 8);
    ck_assert_uint_eq(a.prog->state_size, 1);
    ck_assert_uint_eq(b.prog->templates[0].pc_bits, 9);
    ck_assert_uint_eq(b.prog->state_size, 2);
    compiled_free(&a);
    compiled_free(&b);
}
END_TEST

Suite *compile_suite(void)
{
    Suite *s = suite_create("compile");
    TCase *core = tcase_create("core");
    tcase_add_test(core, compile_assignment_and_layout);
    tcase_add_test(core, compile_if_chain);
    tcase_add_test(core, compile_while_break_continue);
    tcase_add_test(core, compile_choose);
    tcase_add_test(core, compile_lock_else);
    tcase_add_test(core, compile_wait_relock);
    tcase_add_test(core, compile_get_else_with_index);
    tcase_add_test(core, compile_property_code);
    tcase_add_test(core, compile_atomic_guard_and_loop_check);
    tcase_add_test(core, compile_repeat_unrolls_and_jumps);
    tcase_add_test(core, compile_atomic_inner_shapes);
    tcase_add_test(core, compile_leading_jumps_move_the_start);
    tcase_add_test(core, compile_initial_state_bytes);
    tcase_add_test(core, compile_widths_follow_declared_ranges);
    tcase_add_test(core, compile_queue_slots_follow_declared_range);
    tcase_add_test(core, compile_owner_position_and_length_bits);
    tcase_add_test(core, compile_defines_override_consts);
    tcase_add_test(core, compile_define_of_no_const_is_a_tool_error);
    tcase_add_test(core, compile_define_named_in_value_errors);
    tcase_add_test(core, compile_replaced_const_is_not_evaluated);
    tcase_add_test(core, compile_property_terms);
    tcase_add_test(core, compile_property_text_is_folded);
    tcase_add_test(core, compile_assert_texts);
    tcase_add_loop_test(core, compile_examples, 0, 7);
    suite_add_tcase(s, core);
    TCase *errors = tcase_create("errors");
    tcase_add_loop_test(errors, compile_error_messages, 0,
                        (int)(sizeof error_cases / sizeof error_cases[0]));
    tcase_add_test(errors, compile_reports_several_errors);
    tcase_add_test(errors, compile_repeat_body_error_reported_once);
    suite_add_tcase(s, errors);
    TCase *limits = tcase_create("limits");
    tcase_set_timeout(limits, 30);
    tcase_add_test(limits, compile_repeat_cap_is_exact);
    tcase_add_test(limits, compile_repeat_of_nothing_is_cheap);
    tcase_add_test(limits, compile_repeat_inside_atomic_is_capped);
    tcase_add_test(limits, compile_pc_bits_grow_past_256_positions);
    suite_add_tcase(s, limits);
    return s;
}
