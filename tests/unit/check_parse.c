/*
** check_parse.c -- the parser: the tree of each construct (by ast_dump), precedence, locations,
** every error message with its position, recovery, the depth limit and hostile input.
*/
#include "parse.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lex.h"
#include "suites_list.h"

/* One parse of a text, kept for inspection. */
typedef struct Parsed {
    Source *src;
    Diag *d;
    Arena *arena;
    AstNode *model;
} Parsed;

static Parsed *parse_n(const char *text, size_t len)
{
    Parsed *p = calloc(1, sizeof(Parsed));
    p->src = src_from_string("t.weft", text, len);
    p->d = diag_new(p->src);
    p->arena = arena_new();
    p->model = parse_model(p->arena, p->src, p->d);
    ck_assert_ptr_nonnull(p->model);
    ck_assert_int_eq(p->model->kind, AST_MODEL);
    return p;
}

static Parsed *parse(const char *text)
{
    return parse_n(text, strlen(text));
}

static void parsed_free(Parsed *p)
{
    arena_free(p->arena);
    diag_free(p->d);
    src_free(p->src);
    free(p);
}

/* The dump of 'node' (with line:col when 'src' is not NULL), in a buffer the caller frees. */
static char *dump(const AstNode *node, const Source *src)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ast_dump_src(node, src, f);
    fclose(f);
    return buf;
}

/* Parse 'text' without errors and compare the dump of its declarations (no locations). */
static void assert_tree(const char *text, const char *expected)
{
    Parsed *p = parse(text);
    if (diag_count(p->d) > 0)
        ck_abort_msg("unexpected error: %s", diag_message(p->d, 0));
    char *got = dump(p->model, NULL);
    ck_assert_str_eq(got, expected);
    free(got);
    parsed_free(p);
}

/* The source text that 'loc' covers, in a buffer the caller frees. */
static char *loc_text(const Source *src, Loc loc)
{
    return strndup(src->text + loc.off, loc.len);
}

static void assert_loc(const Source *src, Loc loc, const char *expected)
{
    char *got = loc_text(src, loc);
    ck_assert_str_eq(got, expected);
    free(got);
}

/* The first statement of the first thread of a parse. */
static AstNode *first_stmt(const Parsed *p)
{
    for (uint32_t i = 0; i < p->model->list.len; i++) {
        AstNode *t = p->model->list.items[i];
        if (t->kind == AST_THREAD) {
            ck_assert_uint_ge(t->list.len, 1);
            return t->list.items[0];
        }
    }
    ck_abort_msg("no thread");
    return NULL;
}

/* ---- core ---- */

START_TEST(parse_counter_race_tree)
{
    const char *text = "const N = 4\n"
                       "shared counter = 0\n"
                       "thread worker[N] {\n"
                       "    local tmp = 0\n"
                       "    repeat 2 {\n"
                       "        read:  tmp = counter\n"
                       "        write: counter = tmp + 1\n"
                       "    }\n"
                       "}\n"
                       "final total: counter == N * 2\n";
    Parsed *p = parse(text);
    ck_assert_uint_eq(diag_count(p->d), 0);
    char *got = dump(p->model, p->src);
    ck_assert_str_eq(got, "MODEL @1:1\n"
                          "  CONST N @1:1\n"
                          "    INT 4 @1:11\n"
                          "  SHARED counter @2:1\n"
                          "    init: INT 0 @2:18\n"
                          "  THREAD worker @3:1\n"
                          "    count: NAME N @3:15\n"
                          "    LOCAL tmp @4:5\n"
                          "      init: INT 0 @4:17\n"
                          "    REPEAT @5:5\n"
                          "      INT 2 @5:12\n"
                          "      ASSIGN label=read @6:16\n"
                          "        NAME tmp @6:16\n"
                          "        NAME counter @6:22\n"
                          "      ASSIGN label=write @7:16\n"
                          "        NAME counter @7:16\n"
                          "        BINARY '+' @7:26\n"
                          "          NAME tmp @7:26\n"
                          "          INT 1 @7:32\n"
                          "  FINAL total @10:1\n"
                          "    BINARY '==' @10:14\n"
                          "      NAME counter @10:14\n"
                          "      BINARY '*' @10:25\n"
                          "        NAME N @10:25\n"
                          "        INT 2 @10:29\n");
    free(got);
    parsed_free(p);
}
END_TEST

START_TEST(parse_precedence)
{
    assert_tree("invariant a || b && c == d < e + f * -g", "MODEL\n"
                                                           "  INVARIANT\n"
                                                           "    BINARY '||'\n"
                                                           "      NAME a\n"
                                                           "      BINARY '&&'\n"
                                                           "        NAME b\n"
                                                           "        BINARY '=='\n"
                                                           "          NAME c\n"
                                                           "          BINARY '<'\n"
                                                           "            NAME d\n"
                                                           "            BINARY '+'\n"
                                                           "              NAME e\n"
                                                           "              BINARY '*'\n"
                                                           "                NAME f\n"
                                                           "                UNARY '-'\n"
                                                           "                  NAME g\n");
    assert_tree("invariant a * b + c != d >= e && f || g", "MODEL\n"
                                                           "  INVARIANT\n"
                                                           "    BINARY '||'\n"
                                                           "      BINARY '&&'\n"
                                                           "        BINARY '!='\n"
                                                           "          BINARY '+'\n"
                                                           "            BINARY '*'\n"
                                                           "              NAME a\n"
                                                           "              NAME b\n"
                                                           "            NAME c\n"
                                                           "          BINARY '>='\n"
                                                           "            NAME d\n"
                                                           "            NAME e\n"
                                                           "        NAME f\n"
                                                           "      NAME g\n");
}
END_TEST

START_TEST(parse_left_associative)
{
    assert_tree("const X = 10 - 3 - 2 / 1 % 4", "MODEL\n"
                                                "  CONST X\n"
                                                "    BINARY '-'\n"
                                                "      BINARY '-'\n"
                                                "        INT 10\n"
                                                "        INT 3\n"
                                                "      BINARY '%'\n"
                                                "        BINARY '/'\n"
                                                "          INT 2\n"
                                                "          INT 1\n"
                                                "        INT 4\n");
    assert_tree("const X = !(a <= b) > -(-2147483648) - (c)", "MODEL\n"
                                                              "  CONST X\n"
                                                              "    BINARY '>'\n"
                                                              "      UNARY '!'\n"
                                                              "        BINARY '<='\n"
                                                              "          NAME a\n"
                                                              "          NAME b\n"
                                                              "      BINARY '-'\n"
                                                              "        UNARY '-'\n"
                                                              "          UNARY '-'\n"
                                                              "            INT 2147483648\n"
                                                              "        NAME c\n");
}
END_TEST

START_TEST(parse_property_forms)
{
    assert_tree("invariant w[1].tmp + t.x + count(w@write) + done(w[1]) + len(q) + held(m) "
                "+ t@L + id + true - false",
                "MODEL\n"
                "  INVARIANT\n"
                "    BINARY '-'\n"
                "      BINARY '+'\n"
                "        BINARY '+'\n"
                "          BINARY '+'\n"
                "            BINARY '+'\n"
                "              BINARY '+'\n"
                "                BINARY '+'\n"
                "                  BINARY '+'\n"
                "                    BINARY '+'\n"
                "                      FIELD tmp\n"
                "                        INDEX\n"
                "                          NAME w\n"
                "                          INT 1\n"
                "                      FIELD x\n"
                "                        NAME t\n"
                "                    COUNT\n"
                "                      AT write\n"
                "                        NAME w\n"
                "                  DONE\n"
                "                    INDEX\n"
                "                      NAME w\n"
                "                      INT 1\n"
                "                LEN\n"
                "                  NAME q\n"
                "              HELD\n"
                "                NAME m\n"
                "            AT L\n"
                "              NAME t\n"
                "          ID\n"
                "        BOOL true\n"
                "      BOOL false\n");
    assert_tree("final w[0].a[2] == w[1]@L", "MODEL\n"
                                             "  FINAL\n"
                                             "    BINARY '=='\n"
                                             "      INDEX\n"
                                             "        FIELD a\n"
                                             "          INDEX\n"
                                             "            NAME w\n"
                                             "            INT 0\n"
                                             "        INT 2\n"
                                             "      AT L\n"
                                             "        INDEX\n"
                                             "          NAME w\n"
                                             "          INT 1\n");
}
END_TEST

START_TEST(parse_quantifier_body_extends)
{
    assert_tree("final each: x && all i in 0..N-1: a[i] == 1 || any j in 1..2: j",
                "MODEL\n"
                "  FINAL each\n"
                "    BINARY '&&'\n"
                "      NAME x\n"
                "      QUANT all i\n"
                "        INT 0\n"
                "        BINARY '-'\n"
                "          NAME N\n"
                "          INT 1\n"
                "        BINARY '||'\n"
                "          BINARY '=='\n"
                "            INDEX\n"
                "              NAME a\n"
                "              NAME i\n"
                "            INT 1\n"
                "          QUANT any j\n"
                "            INT 1\n"
                "            INT 2\n"
                "            NAME j\n");
}
END_TEST

START_TEST(parse_declarations)
{
    assert_tree("const A = -1\n"
                "shared x: 0..3 = 1\n"
                "shared a[2] = [A, 2]\n"
                "shared b[4]: -1..A = A\n"
                "mutex m\n"
                "cond c\n"
                "queue q[3]\n"
                "queue r[2] = []\n"
                "queue s[2] = [7]\n"
                "queue t[2]: 1..A = [1]\n"
                "queue u[4]: -1..1\n"
                "thread one { local v[2]: 0..1 = [0, 1] local w = id skip }\n"
                "invariant x >= 0\n"
                "final ok: true\n",
                "MODEL\n"
                "  CONST A\n"
                "    UNARY '-'\n"
                "      INT 1\n"
                "  SHARED x\n"
                "    init: INT 1\n"
                "    lo: INT 0\n"
                "    hi: INT 3\n"
                "  SHARED a\n"
                "    size: INT 2\n"
                "    init: LIST\n"
                "      NAME A\n"
                "      INT 2\n"
                "  SHARED b\n"
                "    size: INT 4\n"
                "    init: NAME A\n"
                "    lo: UNARY '-'\n"
                "      INT 1\n"
                "    hi: NAME A\n"
                "  MUTEX m\n"
                "  COND c\n"
                "  QUEUE q\n"
                "    cap: INT 3\n"
                "  QUEUE r\n"
                "    cap: INT 2\n"
                "    init: LIST\n"
                "  QUEUE s\n"
                "    cap: INT 2\n"
                "    init: LIST\n"
                "      INT 7\n"
                "  QUEUE t\n"
                "    cap: INT 2\n"
                "    init: LIST\n"
                "      INT 1\n"
                "    lo: INT 1\n"
                "    hi: NAME A\n"
                "  QUEUE u\n"
                "    cap: INT 4\n"
                "    lo: UNARY '-'\n"
                "      INT 1\n"
                "    hi: INT 1\n"
                "  THREAD one\n"
                "    LOCAL v\n"
                "      size: INT 2\n"
                "      init: LIST\n"
                "        INT 0\n"
                "        INT 1\n"
                "      lo: INT 0\n"
                "      hi: INT 1\n"
                "    LOCAL w\n"
                "      init: ID\n"
                "    SKIP\n"
                "  INVARIANT\n"
                "    BINARY '>='\n"
                "      NAME x\n"
                "      INT 0\n"
                "  FINAL ok\n"
                "    BOOL true\n");
}
END_TEST

START_TEST(parse_simple_statements)
{
    assert_tree("thread t {\n"
                "  a[i + 1] = 2\n"
                "  assert x == 1\n"
                "  await !full\n"
                "  lock m\n"
                "  unlock m\n"
                "  wait c, m\n"
                "  signal c\n"
                "  broadcast c\n"
                "  put q, x + 1\n"
                "  get q, a[0]\n"
                "  skip\n"
                "  while true { break continue return }\n"
                "}\n",
                "MODEL\n"
                "  THREAD t\n"
                "    ASSIGN\n"
                "      INDEX\n"
                "        NAME a\n"
                "        BINARY '+'\n"
                "          NAME i\n"
                "          INT 1\n"
                "      INT 2\n"
                "    ASSERT\n"
                "      BINARY '=='\n"
                "        NAME x\n"
                "        INT 1\n"
                "    AWAIT\n"
                "      UNARY '!'\n"
                "        NAME full\n"
                "    LOCK\n"
                "      NAME m\n"
                "    UNLOCK\n"
                "      NAME m\n"
                "    WAIT\n"
                "      NAME c\n"
                "      NAME m\n"
                "    SIGNAL\n"
                "      NAME c\n"
                "    BROADCAST\n"
                "      NAME c\n"
                "    PUT\n"
                "      NAME q\n"
                "      BINARY '+'\n"
                "        NAME x\n"
                "        INT 1\n"
                "    GET\n"
                "      NAME q\n"
                "      INDEX\n"
                "        NAME a\n"
                "        INT 0\n"
                "    SKIP\n"
                "    WHILE\n"
                "      BOOL true\n"
                "      BREAK\n"
                "      CONTINUE\n"
                "      RETURN\n");
}
END_TEST

START_TEST(parse_compound_statements)
{
    assert_tree("thread t {\n"
                "  lock m else { skip }\n"
                "  put q, 1 else { x = 1 }\n"
                "  get q, x else { return }\n"
                "  if x > 0 { skip } else if x < 0 { break } else { continue }\n"
                "  if y { }\n"
                "  choose { x = 1 } or { x = 2 } or { }\n"
                "  atomic { await x  x = 0 }\n"
                "  repeat N { step: skip }\n"
                "}\n",
                "MODEL\n"
                "  THREAD t\n"
                "    LOCK else\n"
                "      NAME m\n"
                "      SKIP\n"
                "    PUT else\n"
                "      NAME q\n"
                "      INT 1\n"
                "      ASSIGN\n"
                "        NAME x\n"
                "        INT 1\n"
                "    GET else\n"
                "      NAME q\n"
                "      NAME x\n"
                "      RETURN\n"
                "    IF\n"
                "      BINARY '>'\n"
                "        NAME x\n"
                "        INT 0\n"
                "      SKIP\n"
                "      else: IF\n"
                "        BINARY '<'\n"
                "          NAME x\n"
                "          INT 0\n"
                "        BREAK\n"
                "        else: BLOCK\n"
                "          CONTINUE\n"
                "    IF\n"
                "      NAME y\n"
                "    CHOOSE\n"
                "      BLOCK\n"
                "        ASSIGN\n"
                "          NAME x\n"
                "          INT 1\n"
                "      BLOCK\n"
                "        ASSIGN\n"
                "          NAME x\n"
                "          INT 2\n"
                "      BLOCK\n"
                "    ATOMIC\n"
                "      AWAIT\n"
                "        NAME x\n"
                "      ASSIGN\n"
                "        NAME x\n"
                "        INT 0\n"
                "    REPEAT\n"
                "      NAME N\n"
                "      SKIP label=step\n");
}
END_TEST

START_TEST(parse_statement_locations)
{
    const char *text = "thread t {\n"
                       "  read: tmp = counter\n"
                       "  if x > 0 { skip } else if y { skip }\n"
                       "  lock m else { skip }\n"
                       "  while !full { skip }\n"
                       "  atomic { skip }\n"
                       "  choose { skip } or { skip }\n"
                       "  repeat ITERS { skip }\n"
                       "  put q, x + 1 else { skip }\n"
                       "  a[i] = (b + 1) * c\n"
                       "}\n";
    Parsed *p = parse(text);
    ck_assert_uint_eq(diag_count(p->d), 0);
    AstNode *t = p->model->list.items[0];
    assert_loc(p->src, t->loc, "thread t");
    assert_loc(p->src, t->name_loc, "t");
    assert_loc(p->src, t->close_loc, "}");
    AstList *body = &t->list;
    ck_assert_uint_eq(body->len, 9);
    assert_loc(p->src, body->items[0]->loc, "tmp = counter");
    assert_loc(p->src, body->items[0]->label_loc, "read");
    ck_assert_str_eq(body->items[0]->label, "read");
    assert_loc(p->src, body->items[1]->loc, "if x > 0");
    assert_loc(p->src, body->items[1]->c->loc, "if y");
    assert_loc(p->src, body->items[2]->loc, "lock m else");
    assert_loc(p->src, body->items[3]->loc, "while !full");
    assert_loc(p->src, body->items[4]->loc, "atomic");
    assert_loc(p->src, body->items[5]->loc, "choose");
    assert_loc(p->src, body->items[5]->list.items[1]->loc, "{");
    assert_loc(p->src, body->items[6]->loc, "repeat ITERS");
    assert_loc(p->src, body->items[7]->loc, "put q, x + 1 else");
    AstNode *assign = body->items[8];
    assert_loc(p->src, assign->loc, "a[i] = (b + 1) * c");
    assert_loc(p->src, assign->a->loc, "a[i]");
    assert_loc(p->src, assign->a->a->name_loc, "a");
    assert_loc(p->src, assign->b->loc, "(b + 1) * c");
    assert_loc(p->src, assign->b->a->loc, "(b + 1)");
    uint32_t line, col;
    src_line_col(p->src, body->items[1]->close_loc.off, &line, &col);
    ck_assert_uint_eq(line, 3);
    ck_assert_uint_eq(col, 19);
    parsed_free(p);
}
END_TEST

START_TEST(parse_declaration_locations)
{
    const char *text = "shared a[2]: 0..3 = [1, 2]\n"
                       "invariant small: a[0] + w[1].x <= 3\n"
                       "final all i in 0..1: done(w[i])\n"
                       "queue q[2]: -1..N + 1 = [0]\n";
    Parsed *p = parse(text);
    ck_assert_uint_eq(diag_count(p->d), 0);
    AstList *decls = &p->model->list;
    assert_loc(p->src, decls->items[0]->loc, "shared a[2]: 0..3 = [1, 2]");
    assert_loc(p->src, decls->items[0]->b->loc, "[1, 2]");
    assert_loc(p->src, decls->items[1]->loc, "invariant small: a[0] + w[1].x <= 3");
    assert_loc(p->src, decls->items[1]->name_loc, "small");
    assert_loc(p->src, decls->items[1]->a->loc, "a[0] + w[1].x <= 3");
    assert_loc(p->src, decls->items[1]->a->a->b->loc, "w[1].x");
    ck_assert_ptr_null(decls->items[2]->name);
    assert_loc(p->src, decls->items[2]->a->loc, "all i in 0..1: done(w[i])");
    assert_loc(p->src, decls->items[2]->a->name_loc, "i");
    assert_loc(p->src, decls->items[2]->a->c->loc, "done(w[i])");
    assert_loc(p->src, decls->items[3]->loc, "queue q[2]: -1..N + 1 = [0]");
    assert_loc(p->src, decls->items[3]->lo->loc, "-1");
    assert_loc(p->src, decls->items[3]->hi->loc, "N + 1");
    assert_loc(p->src, decls->items[3]->b->loc, "[0]");
    parsed_free(p);
}
END_TEST

START_TEST(parse_examples_parse_cleanly)
{
    const char *text = "mutex m\ncond changed\nshared full = false\n"
                       "thread consumer {\n  local got = 0\n  repeat 3 {\n    lock m\n"
                       "    while !full {\n      wait changed, m\n    }\n"
                       "    assert slot == received\n    got = slot\n    unlock m\n  }\n}\n";
    Parsed *p = parse(text);
    ck_assert_uint_eq(diag_count(p->d), 0);
    AstNode *s = first_stmt(p);
    ck_assert_int_eq(s->kind, AST_REPEAT);
    ck_assert_uint_eq(s->list.len, 5);
    ck_assert_int_eq(s->list.items[1]->kind, AST_WHILE);
    parsed_free(p);
}
END_TEST

START_TEST(parse_empty_input)
{
    Parsed *p = parse("");
    ck_assert_uint_eq(diag_count(p->d), 0);
    ck_assert_uint_eq(p->model->list.len, 0);
    parsed_free(p);
    p = parse("# nothing but a comment\n\n   \n");
    ck_assert_uint_eq(diag_count(p->d), 0);
    ck_assert_uint_eq(p->model->list.len, 0);
    parsed_free(p);
}
END_TEST

START_TEST(parse_kind_names)
{
    ck_assert_str_eq(ast_kind_name(AST_INT), "INT");
    ck_assert_str_eq(ast_kind_name(AST_BROADCAST), "BROADCAST");
    ck_assert_str_eq(ast_kind_name(AST_MODEL), "MODEL");
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    Parsed *p = parse("const X = 1");
    ast_dump(p->model, f);
    fclose(f);
    ck_assert_str_eq(buf, "MODEL\n  CONST X\n    INT 1\n");
    free(buf);
    parsed_free(p);
}
END_TEST

/* ---- errors ---- */

/* One bad model: its first error, where it is, and how many errors in all. */
typedef struct ErrorCase {
    const char *text;
    const char *message;
    uint32_t line, col;
    size_t n_errors;
} ErrorCase;

static const ErrorCase error_cases[] = {
    {"const N = 4\nthread t {\n  x = 1\nfinal f: x == 1\n",
     "expected '}' to close 'thread' at line 2, found 'final'", 4, 1, 1},
    {"thread t { if x {\n skip\n", "expected '}' to close 'if' at line 1, found end of file", 2, 6,
     1},
    {"thread t { x = }", "expected expression, found '}'", 1, 16, 1},
    {"x = 1",
     "expected a declaration (const, shared, mutex, cond, queue, thread, invariant, "
     "final), found 'x' (a variable the threads share is declared 'shared NAME = VALUE')",
     1, 1, 1},
    {"x 1",
     "expected a declaration (const, shared, mutex, cond, queue, thread, invariant, "
     "final), found 'x'",
     1, 1, 1},
    {"thread t { read: }", "expected a statement after the label 'read', found '}'", 1, 18, 1},
    {"thread t { lock 3 }", "expected a name after 'lock', found '3'", 1, 17, 1},
    {"thread t { x = 1\n  local y = 0 }",
     "expected a statement, found 'local' (local declarations come first in a thread)", 2, 3, 1},
    {"thread t { x + 1 }",
     "expected '=', found '+' (weft has no '+=' or '++': write it out, 'x = x + ...')", 1, 14, 1},
    {"thread t { counter += 1 }",
     "expected '=', found '+' (weft has no '+=' or '++': write it out, 'counter = counter + ...')",
     1, 20, 1},
    {"thread t { a[i] *= 2 }",
     "expected '=', found '*' (weft has no '*=': write it out, 'a[i] = a[i] * ...')", 1, 17, 1},
    {"thread t { x < 1 }", "expected '=', found '<'", 1, 14, 1},
    {"thread t { if x = 1 { skip } }", "expected '{', found '=' (to compare, write '==')", 1, 17,
     1},
    {"thread t { while x = 1 { skip } }", "expected '{', found '=' (to compare, write '==')", 1, 20,
     1},
    {"thread t { x = x and y }", "expected a statement, found 'and' (weft writes 'and' as '&&')", 1,
     18, 1},
    {"thread t { if x => 1 { skip } }", "expected '{', found '=' (weft writes '=>' as '>=')", 1, 17,
     1},
    {"thread t { while x =< 1 { skip } }", "expected '{', found '=' (weft writes '=<' as '<=')", 1,
     20, 1},
    {"thread t { if x = > 1 { skip } }", "expected '{', found '=' (to compare, write '==')", 1, 17,
     1},
    {"thread t { await x => 1 }", "expected a statement, found '=' (weft writes '=>' as '>=')", 1,
     20, 1},
    {"thread t { x = get q }",
     "expected expression, found 'get' ('get' is a statement of its own: 'get QUEUE, TARGET' "
     "takes the queue's head into TARGET)",
     1, 16, 1},
    {"thread t { x = get q, y\n  z = }",
     "expected expression, found 'get' ('get' is a statement of its own: 'get QUEUE, TARGET' "
     "takes the queue's head into TARGET)",
     1, 16, 2},
    {"thread t { x = lock m }",
     "expected expression, found 'lock' ('lock' is a statement of its own, not a value)", 1, 16, 1},
    {"thread t { if x { skip } elif y { skip } }",
     "expected a statement, found 'elif' (weft writes 'elif' as 'else if')", 1, 26, 1},
    {"thread t { lock(m) }",
     "expected a name after 'lock', found '(' (no parentheses: 'lock NAME')", 1, 16, 1},
    {"thread t { signal(c) }",
     "expected a name after 'signal', found '(' (no parentheses: 'signal NAME')", 1, 18, 1},
    {"thread t { x = 1; }",
     "unexpected character ';' (weft needs no ';': a statement ends where the next begins)", 1, 17,
     1},
    {"thread t { while x skip }", "expected '{', found 'skip'", 1, 20, 1},
    {"thread t { wait c m }", "expected ',', found 'm' (the form is 'wait COND, MUTEX')", 1, 19, 1},
    {"thread t { put q }", "expected ',', found '}' (the form is 'put QUEUE, VALUE')", 1, 18, 1},
    {"thread t { get q x }", "expected ',', found 'x' (the form is 'get QUEUE, TARGET')", 1, 18, 1},
    {"thread t { choose { } or skip }", "expected '{', found 'skip'", 1, 26, 1},
    {"thread t { x = (1 + 2 }", "expected ')', found '}'", 1, 23, 1},
    {"thread t { x = a[1][2] }", "expected a statement, found '['", 1, 20, 1},
    {"thread t { ] }", "expected a statement, found ']'", 1, 12, 1},
    {"queue q[2] = 3", "expected '[', found '3'", 1, 14, 1},
    {"queue q = [1]", "expected '[', found '='", 1, 9, 1},
    {"queue q[2]: 1 = [1]", "expected '..', found '='", 1, 15, 1},
    {"queue q[2]: 1.. = [1]", "expected expression, found '='", 1, 17, 1},
    {"queue q[2]: 0..3 [1]",
     "expected a declaration (const, shared, mutex, cond, queue, thread, "
     "invariant, final), found '['",
     1, 18, 1},
    {"shared a[3 = 0", "expected ']', found '='", 1, 12, 1},
    {"shared x: 0 = 1", "expected '..', found '='", 1, 13, 1},
    {"shared x", "expected '=', found end of file", 1, 9, 1},
    {"const = 3", "expected a name after 'const', found '='", 1, 7, 1},
    {"final all i 0..2: i", "expected 'in', found '0'", 1, 13, 1},
    {"invariant len(3)", "expected a name after '(', found '3'", 1, 15, 1},
    {"invariant count w",
     "expected '(', found 'w' ('count' is a keyword of weft's, 'count(...)': a variable needs "
     "another name)",
     1, 17, 1},
    {"final done: x == 1",
     "expected expression, found 'done' ('done' is a keyword of weft's: a label needs another "
     "name)",
     1, 7, 1},
    {"invariant t.3", "expected a name after '.', found '3'", 1, 13, 1},
    {"thread t { x = $ }", "unexpected character '$'", 1, 16, 1},
    {"thread t { x = 1 } }",
     "expected a declaration (const, shared, mutex, cond, queue, "
     "thread, invariant, final), found '}'",
     1, 20, 1},
    {"const X = 99999999999", "integer literal '99999999999' does not fit in 32 bits", 1, 11, 1},
    {"thread t { lock m else skip }", "expected '{', found 'skip'", 1, 24, 1},
    {"thread t { if x { skip } else skip }", "expected '{', found 'skip'", 1, 31, 1},
    {"shared q = queue(2)",
     "expected expression, found 'queue' (a queue is declared on a line of its own: "
     "'queue NAME[CAP]')",
     1, 12, 1},
    {"shared m = mutex\nshared x = 0",
     "expected expression, found 'mutex' (a mutex is declared on a line of its own: "
     "'mutex NAME')",
     1, 12, 1},
    {"shared c = 1 + cond c\nshared x = 0",
     "expected expression, found 'cond' (a condition variable is declared on a line of its "
     "own: 'cond NAME')",
     1, 16, 1},
    {"shared x = 1 +\nthread t { skip }", "expected expression, found the end of the line", 1, 15,
     1},
    /* what a line began and did not finish: at the end of that line, not on the next */
    {"thread t {\n  wait c\n}",
     "expected ',', found the end of the line (the form is 'wait COND, MUTEX')", 2, 9, 1},
    {"thread t {\n  while x < 3\n    x = 1\n  }\n}", "expected '{', found the end of the line", 2,
     14, 2},
    {"thread t {\n  lock\n}", "expected a name after 'lock', found the end of the line", 2, 7, 1},
    {"thread t {\n  x = 1\n  ]\n}", "expected a statement, found ']'", 3, 3, 1},
    {"final x == 1 &&\n", "expected expression, found end of file", 1, 16, 1},
    /* habits from other languages */
    {"shared count = 0",
     "expected a name after 'shared', found 'count' ('count' is a keyword of weft's: choose "
     "another "
     "name)",
     1, 8, 1},
    {"thread t { if x and y { skip } }", "expected '{', found 'and' (weft writes 'and' as '&&')", 1,
     17, 1},
    {"thread t { while x or y { skip } }", "expected '{', found 'or' (weft writes 'or' as '||')", 1,
     20, 1},
    {"invariant x > 0 or y > 0",
     "expected a declaration (const, shared, mutex, cond, queue, "
     "thread, invariant, final), found 'or' (weft writes 'or' as '||')",
     1, 17, 1},
    {"thread t { if x { skip } or { skip } }",
     "expected a statement, found 'or' ('or' joins the branches of 'choose { ... } or { ... }'; to "
     "join tests, write '||')",
     1, 26, 1},
    {"thread t { x = not y }", "expected expression, found 'not' (weft writes 'not' as '!')", 1, 16,
     1},
    {"thread t { if not (x) { skip } }",
     "expected expression, found 'not' (weft writes 'not' as '!')", 1, 15, 1},
    {"thread t { for i in 0..3 { skip } }",
     "expected a statement, found 'for' (weft has no 'for': 'repeat N { ... }' runs a block N "
     "times, 'while' as long as a test holds)",
     1, 12, 1},
    {"thread t { var y = 1 }",
     "expected a statement, found 'var' (a thread's own variable is declared 'local NAME = "
     "VALUE', before its first statement)",
     1, 12, 1},
    {"int x = 0",
     "expected a declaration (const, shared, mutex, cond, queue, thread, invariant, final), found "
     "'int' (a variable the threads share is declared 'shared NAME = VALUE')",
     1, 1, 1},
    {"def t() { skip }",
     "expected a declaration (const, shared, mutex, cond, queue, thread, invariant, final), found "
     "'def' (a thread is declared 'thread NAME { ... }')",
     1, 1, 1},
    {"assert x == 1",
     "expected a declaration (const, shared, mutex, cond, queue, thread, invariant, final), found "
     "'assert' (a property of every state is declared 'invariant EXPR')",
     1, 1, 1},
    {"final t[0].done",
     "expected a name after '.', found 'done' (weft has no fields or methods: write "
     "'done(THREAD)')",
     1, 12, 1},
    {"final !m.held",
     "expected a name after '.', found 'held' (weft has no fields or methods: "
     "write 'held(MUTEX)')",
     1, 10, 1},
    {"final q.len == 0",
     "expected a name after '.', found 'len' (weft has no fields or methods: "
     "write 'len(QUEUE)')",
     1, 9, 1},
    {"final x => 1", "expected the end of the property, found '=' (weft writes '=>' as '>=')", 1, 9,
     1},
    {"final x = 1", "expected the end of the property, found '=' (to compare, write '==')", 1, 9,
     1},
    {"thread t { assert x = 1 }", "expected a statement, found '=' (to compare, write '==')", 1, 21,
     1},
    {"thread t { x := 1 }",
     "expected a statement after the label 'x', found '=' (weft assigns with '=', not ':=')", 1, 15,
     1},
    {"thread t:\n  skip",
     "expected '{', found ':' (a block is written in braces, '{ ... }', not after ':')", 1, 9, 1},
    {"thread t { if x == 0 then x = 1 }",
     "expected '{', found 'then' (weft has no 'then' or 'do': the block follows in braces, "
     "'{ ... }')",
     1, 22, 1},
    {"thread t { while x < 1 do x = 1 }",
     "expected '{', found 'do' (weft has no 'then' or 'do': the block follows in braces, "
     "'{ ... }')",
     1, 24, 1},
    {"shared x: int = 0",
     "expected '..', found '=' (weft has no types: a variable holds an integer, or true or false; "
     "a range is written 'LO..HI')",
     1, 15, 1},
    {"shared x = 0 // the counter\nthread t { skip }",
     "unexpected '//' (weft comments start with '#')", 1, 14, 1},
    {"shared x = 0 /* the\ncounter */ thread t { skip }",
     "unexpected '/*' (weft comments start with '#' and end with the line)", 1, 14, 1},
    {"shared x = \"a b\"\nthread t { skip }",
     "unexpected string (weft has no strings: its values are integers, true and false)", 1, 12, 1},
    {"thread t { x = 1.5 }",
     "'1.5' is not an integer (weft's values are 32-bit integers, true and false)", 1, 16, 1},
    {"thread t { x = y ? 1 : 2 }", "unexpected character '?' (weft has no '?:': use 'if')", 1, 18,
     1},
    {"thread t { done = 1 }",
     "expected a statement, found 'done' ('done' is a keyword of weft's: choose another name)", 1,
     12, 1},
    {"thread t { x = count + 1 }",
     "expected '(', found '+' ('count' is a keyword of weft's, 'count(...)': a variable needs "
     "another name)",
     1, 22, 1},
    {"thread t { pass }", "expected a statement, found 'pass' (weft writes 'pass' as 'skip')", 1,
     12, 1},
    {"thread t { global x\n  x = 1 }",
     "expected a statement, found 'global' (a thread sees every 'shared' variable: weft needs no "
     "'global')",
     1, 12, 1},
    {"thread t { return x }",
     "expected the end of 'return', found 'x' (a thread returns no value: keep a result in a "
     "'shared' variable)",
     1, 19, 1},
    {"thread t { skip }\nt.start()",
     "expected a declaration (const, shared, mutex, cond, queue, thread, invariant, final), found "
     "'t' (weft runs no statement outside a thread: every 'thread' starts by itself)",
     2, 1, 1},
    {"import threading\nthread t { skip }",
     "expected a declaration (const, shared, mutex, cond, queue, thread, invariant, final), found "
     "'import' (weft has no imports: mutexes, condition variables and queues are built in ('mutex "
     "NAME', 'cond NAME', 'queue NAME[CAP]'))",
     1, 1, 1},
    {"lock = Lock()\nthread t { skip }",
     "expected a declaration (const, shared, mutex, cond, queue, thread, invariant, final), found "
     "'lock' (a mutex is declared 'mutex NAME')",
     1, 1, 1},
    /* another language's synchronisation, as methods or as words */
    {"thread t { m.lock() }", "expected '=', found '.' (weft has no methods: write 'lock m')", 1,
     13, 1},
    {"thread t { c.wait()\n  skip }",
     "expected '=', found '.' (weft has no methods: write 'wait c, MUTEX')", 1, 13, 1},
    {"thread t { jobs.put_nowait(1) }",
     "expected '=', found '.' (weft has no methods: write 'put jobs, VALUE')", 1, 16, 1},
    {"thread t { jobs.popleft() }",
     "expected '=', found '.' (weft has no methods: write 'get jobs, TARGET')", 1, 16, 1},
    {"thread t { cv.notifyAll() }",
     "expected '=', found '.' (weft has no methods: write 'broadcast cv')", 1, 14, 1},
    {"thread t { mu.TryLock() }",
     "expected '=', found '.' (weft has no methods: write 'lock mu else { ... }')", 1, 14, 1},
    {"thread t { time.sleep(1) }",
     "expected '=', found '.' (weft needs no 'sleep' or 'yield': any other thread may run "
     "between two steps)",
     1, 16, 1},
    {"thread t { x.y = 1 }",
     "expected '=', found '.' (weft has no methods or fields: a statement assigns, 'NAME = "
     "VALUE', or starts with a keyword, 'lock m', 'put q, VALUE')",
     1, 13, 1},
    {"thread t { with m { skip } }",
     "expected a statement, found 'with' (weft has no 'with': write 'lock m' before the "
     "statements and 'unlock m' after them)",
     1, 12, 1},
    {"thread t { release m }",
     "expected a statement, found 'release' (weft writes 'release m' as 'unlock m')", 1, 12, 1},
    {"thread t { notify_all c }",
     "expected a statement, found 'notify_all' (weft writes 'notify_all c' as 'broadcast c')", 1,
     12, 1},
    {"thread t { inc() }",
     "expected '=', found '(' (weft has no functions: write the steps out in the thread)", 1, 15,
     1},
    {"thread t { print(x) }",
     "expected a statement, found 'print' (weft has no output: the report shows what each step "
     "of a schedule changed, 'weft replay' every state)",
     1, 12, 1},
    {"thread main() { skip }",
     "expected '{', found '(' (a thread takes no parameters: 'thread NAME[COUNT] { ... }' runs "
     "COUNT instances, each with its own 'id')",
     1, 12, 1},
    {"final: x == 1",
     "expected expression, found ':' (no ':' after 'final': 'final EXPR', or with a label, "
     "'final LABEL: EXPR')",
     1, 6, 1},
    {"invariant: x == 1",
     "expected expression, found ':' (no ':' after 'invariant': 'invariant EXPR', or with a "
     "label, 'invariant LABEL: EXPR')",
     1, 10, 1},
};

START_TEST(parse_error_messages)
{
    const ErrorCase *ec = &error_cases[_i];
    Parsed *p = parse(ec->text);
    ck_assert_msg(diag_count(p->d) == ec->n_errors, "case %d: %zu errors, first '%s'", _i,
                  diag_count(p->d), diag_message(p->d, 0) ? diag_message(p->d, 0) : "");
    ck_assert_str_eq(diag_message(p->d, 0), ec->message);
    uint32_t line, col;
    src_line_col(p->src, diag_loc(p->d, 0).off, &line, &col);
    ck_assert_msg(line == ec->line && col == ec->col, "case %d: at %u:%u, expected %u:%u", _i, line,
                  col, ec->line, ec->col);
    parsed_free(p);
}
END_TEST

/* 'not' is only taken for a negation when an operand follows it on its line: a variable named
** 'not' at the end of a statement is still a name. */
START_TEST(parse_not_as_a_name)
{
    Parsed *p = parse("shared not = 0\nthread t { x = not\n  y = 1 }");
    ck_assert_uint_eq(diag_count(p->d), 0);
    AstNode *t = p->model->list.items[1];
    ck_assert_uint_eq(t->list.len, 2);
    ck_assert_int_eq(t->list.items[0]->b->kind, AST_NAME);
    ck_assert_str_eq(t->list.items[0]->b->name, "not");
    parsed_free(p);
}
END_TEST

START_TEST(parse_found_text_is_cut)
{
    char text[200];
    snprintf(text, sizeof text, "%s = 1", "abcdefghijabcdefghijabcdefghijabcdefghij");
    Parsed *p = parse(text);
    ck_assert_str_eq(diag_message(p->d, 0),
                     "expected a declaration (const, shared, mutex, cond, queue, thread, "
                     "invariant, final), found 'abcdefghijabcdefghijabcdefghijab...' (a "
                     "variable the threads share is declared 'shared NAME = VALUE')");
    ck_assert_uint_eq(diag_loc(p->d, 0).len, 40);
    parsed_free(p);
}
END_TEST

START_TEST(parse_recovers_after_errors)
{
    const char *text = "thread t {\n"
                       "  x = \n"
                       "  lock 3\n"
                       "  y = )\n"
                       "  skip\n"
                       "}\n"
                       "thread u { skip }\n"
                       "const = 3\n"
                       "final ok: 1\n";
    Parsed *p = parse(text);
    ck_assert_uint_eq(diag_count(p->d), 4);
    ck_assert_str_eq(diag_message(p->d, 0), "expected expression, found the end of the line");
    ck_assert_str_eq(diag_message(p->d, 1), "expected a name after 'lock', found '3'");
    ck_assert_str_eq(diag_message(p->d, 2), "expected expression, found ')'");
    ck_assert_str_eq(diag_message(p->d, 3), "expected a name after 'const', found '='");
    uint32_t line, col;
    src_line_col(p->src, diag_loc(p->d, 3).off, &line, &col);
    ck_assert_uint_eq(line, 8);
    ck_assert_uint_eq(col, 7);
    /* the good parts are all there: t (with its skip), u, and the final */
    ck_assert_uint_eq(p->model->list.len, 3);
    ck_assert_str_eq(p->model->list.items[0]->name, "t");
    ck_assert_uint_eq(p->model->list.items[0]->list.len, 1);
    ck_assert_int_eq(p->model->list.items[0]->list.items[0]->kind, AST_SKIP);
    ck_assert_str_eq(p->model->list.items[1]->name, "u");
    ck_assert_int_eq(p->model->list.items[2]->kind, AST_FINAL);
    parsed_free(p);
}
END_TEST

START_TEST(parse_skips_a_broken_block)
{
    /* the braces of a broken statement are skipped whole: 'y = 1' is not taken for the next
    ** statement, and the '}' after it does not close the thread */
    Parsed *p = parse("thread t {\n  if x > { y = 1 }\n  z = 2\n}\nfinal f: z\n");
    ck_assert_uint_eq(diag_count(p->d), 1);
    ck_assert_str_eq(diag_message(p->d, 0), "expected expression, found '{'");
    ck_assert_uint_eq(p->model->list.len, 2);
    AstNode *s = first_stmt(p);
    ck_assert_int_eq(s->kind, AST_ASSIGN);
    ck_assert_str_eq(s->a->name, "z");
    parsed_free(p);
}
END_TEST

START_TEST(parse_one_error_for_nested_unclosed_blocks)
{
    Parsed *p = parse("thread t {\n  while x {\n    if y {\n      skip\nfinal f: 1\n");
    ck_assert_uint_eq(diag_count(p->d), 1);
    ck_assert_str_eq(diag_message(p->d, 0), "expected '}' to close 'if' at line 3, found 'final'");
    ck_assert_uint_eq(p->model->list.len, 1);
    ck_assert_int_eq(p->model->list.items[0]->kind, AST_FINAL);
    parsed_free(p);
}
END_TEST

START_TEST(parse_stops_after_max_errors)
{
    char text[2000] = "thread t { ";
    for (int i = 0; i < 100; i++)
        strncat(text, "lock 1 ", sizeof text - strlen(text) - 1);
    Parsed *p = parse(text);
    ck_assert_uint_eq(diag_count(p->d), DIAG_MAX_ERRORS);
    ck_assert_str_eq(diag_message(p->d, DIAG_MAX_ERRORS - 1),
                     "expected a name after 'lock', found '1'");
    parsed_free(p);
}
END_TEST

/* ---- limits ---- */

/* Copy 's' to 'w' (room is the caller's business); returns the end. */
static char *append(char *w, const char *s)
{
    size_t n = strlen(s);
    memcpy(w, s, n);
    return w + n;
}

/* 'head', then 'open' n times, then 'mid', then 'close' n times, then 'tail'. */
static char *nested(const char *head, const char *open, int n, const char *mid, const char *close,
                    const char *tail)
{
    size_t len = strlen(head) + n * (strlen(open) + strlen(close)) + strlen(mid) + strlen(tail);
    char *s = malloc(len + 1), *w = s;
    w = append(w, head);
    for (int i = 0; i < n; i++)
        w = append(w, open);
    w = append(w, mid);
    for (int i = 0; i < n; i++)
        w = append(w, close);
    w = append(w, tail);
    *w = '\0';
    return s;
}

/* Parse 'text' and expect exactly the depth error at 1:'col' (0: no error at all). */
static void assert_depth(char *text, uint32_t col)
{
    Parsed *p = parse(text);
    if (col == 0) {
        ck_assert_uint_eq(diag_count(p->d), 0);
    } else {
        ck_assert_uint_eq(diag_count(p->d), 1);
        ck_assert_str_eq(diag_message(p->d, 0),
                         "nesting deeper than 1000 levels (each block, bracket, unary operator and "
                         "operator of a chain like 1 + 1 + 1 is a level)");
        uint32_t line, got;
        src_line_col(p->src, diag_loc(p->d, 0).off, &line, &got);
        ck_assert_uint_eq(got, col);
    }
    parsed_free(p);
    free(text);
}

START_TEST(parse_depth_parentheses)
{
    /* the thread body is level 1, the expression level 2; the expression after paren k (at
    ** column 15 + k) is level k + 2: so the token after paren 999 is the first too deep */
    assert_depth(nested("thread t { x = ", "(", 10000, "1", ")", " }"), 15 + 1000);
    assert_depth(nested("thread t { x = ", "(", 998, "1", ")", " }"), 0);
    assert_depth(nested("thread t { x = ", "(", 999, "1", ")", " }"), 15 + 1000);
}
END_TEST

START_TEST(parse_depth_unary)
{
    assert_depth(nested("thread t { x = ", "-", 10000, "1", "", " }"), 15 + 1000);
    assert_depth(nested("thread t { x = ", "!", 998, "1", "", " }"), 0);
}
END_TEST

START_TEST(parse_depth_blocks)
{
    /* if k's test is level k + 1 and its block too: the test of if 1000 is too deep */
    assert_depth(nested("thread t {", " if x {", 3000, "", "}", "}"), 10 + 999 * 7 + 5);
    /* atomic k's block is level k + 1: the one of atomic 1000 is too deep, at its first
    ** token */
    assert_depth(nested("thread t {", " atomic {", 999, "", "}", "}"), 0);
    assert_depth(nested("thread t {", " atomic {", 1000, "", "}", "}"), 10 + 1000 * 9 + 1);
}
END_TEST

START_TEST(parse_depth_operator_chains)
{
    /* a chain of k operators is a tree k deep, so it counts k levels */
    assert_depth(nested("const X = 1", "+1", 5000, "", "", ""), 12 + 2 * 999);
    assert_depth(nested("const X = 1", "+1", 990, "", "", ""), 0);
    assert_depth(nested("thread t { if x { skip }", " else if x { skip }", 5000, "", "", " }"),
                 24 + 19 * 998 + 10);
    assert_depth(nested("thread t { if x { skip }", " else if x { skip }", 900, "", "", " }"), 0);
}
END_TEST

START_TEST(parse_long_line_is_fast)
{
    /* one 1 MB line of statements, and a 1 MB name: linear work, no error */
    char *text = nested("thread t { ", "skip ", 200000, "", "", "}");
    Parsed *p = parse(text);
    ck_assert_uint_eq(diag_count(p->d), 0);
    ck_assert_uint_eq(first_stmt(p)->kind, AST_SKIP);
    ck_assert_uint_eq(p->model->list.items[0]->list.len, 200000);
    parsed_free(p);
    free(text);
    text = nested("const ", "x", 1000000, "", "", " = 1");
    p = parse(text);
    ck_assert_uint_eq(diag_count(p->d), 0);
    ck_assert_uint_eq(strlen(p->model->list.items[0]->name), 1000000);
    parsed_free(p);
    free(text);
}
END_TEST

START_TEST(parse_random_bytes_never_crash)
{
    enum { N = 4000 };
    char *buf = malloc(N);
    srand((unsigned)_i + 1);
    for (int i = 0; i < N; i++)
        buf[i] = (char)(rand() & 0xff);
    Parsed *p = parse_n(buf, N);
    ck_assert_uint_gt(diag_count(p->d), 0);
    ck_assert_uint_le(diag_count(p->d), DIAG_MAX_ERRORS + 1);
    parsed_free(p);
    free(buf);
}
END_TEST

START_TEST(parse_random_tokens_never_crash)
{
    /* token soup reaches deeper into the grammar than random bytes */
    enum { N = 3000 };
    static const char *const words[] = {"x", "1", "worker", "\n", "N", "0"};
    char *buf = malloc(N * 12), *w = buf;
    srand((unsigned)_i + 100);
    for (int i = 0; i < N; i++) {
        int r = rand() % (TOK_KIND_COUNT + 6);
        const char *s = r >= TOK_KIND_COUNT     ? words[r - TOK_KIND_COUNT]
                        : r < TOK_FIRST_KEYWORD ? "y"
                                                : lex_kind_text((TokKind)r);
        w = append(w, s);
        *w++ = ' ';
    }
    Parsed *p = parse_n(buf, (size_t)(w - buf));
    ck_assert_uint_le(diag_count(p->d), DIAG_MAX_ERRORS + 1);
    parsed_free(p);
    free(buf);
}
END_TEST

Suite *parse_suite(void)
{
    Suite *s = suite_create("parse");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, parse_counter_race_tree);
    tcase_add_test(tc, parse_precedence);
    tcase_add_test(tc, parse_left_associative);
    tcase_add_test(tc, parse_property_forms);
    tcase_add_test(tc, parse_quantifier_body_extends);
    tcase_add_test(tc, parse_declarations);
    tcase_add_test(tc, parse_simple_statements);
    tcase_add_test(tc, parse_compound_statements);
    tcase_add_test(tc, parse_statement_locations);
    tcase_add_test(tc, parse_declaration_locations);
    tcase_add_test(tc, parse_examples_parse_cleanly);
    tcase_add_test(tc, parse_empty_input);
    tcase_add_test(tc, parse_kind_names);
    suite_add_tcase(s, tc);
    tc = tcase_create("errors");
    tcase_add_loop_test(tc, parse_error_messages, 0,
                        (int)(sizeof error_cases / sizeof error_cases[0]));
    tcase_add_test(tc, parse_not_as_a_name);
    tcase_add_test(tc, parse_found_text_is_cut);
    tcase_add_test(tc, parse_recovers_after_errors);
    tcase_add_test(tc, parse_skips_a_broken_block);
    tcase_add_test(tc, parse_one_error_for_nested_unclosed_blocks);
    tcase_add_test(tc, parse_stops_after_max_errors);
    suite_add_tcase(s, tc);
    tc = tcase_create("limits");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, parse_depth_parentheses);
    tcase_add_test(tc, parse_depth_unary);
    tcase_add_test(tc, parse_depth_blocks);
    tcase_add_test(tc, parse_depth_operator_chains);
    tcase_add_test(tc, parse_long_line_is_fast);
    tcase_add_loop_test(tc, parse_random_bytes_never_crash, 0, 20);
    tcase_add_loop_test(tc, parse_random_tokens_never_crash, 0, 50);
    suite_add_tcase(s, tc);
    return s;
}
