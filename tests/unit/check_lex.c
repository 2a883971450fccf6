/*
** check_lex.c -- the lexer: every token kind, keywords, comments, literal limits, bad bytes.
*/
#include "lex.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites_list.h"

/* A text lexed completely: its tokens (at most 64) and the Diag and Source, for inspection. */
typedef struct Lexed {
    Source *src;
    Diag *d;
    Token toks[64];
    int n_toks; /* tokens before EOF */
} Lexed;

static Lexed *lex_all_n(const char *text, size_t len)
{
    Lexed *lx = calloc(1, sizeof(Lexed));
    lx->src = src_from_string("t.weft", text, len);
    lx->d = diag_new(lx->src);
    Lexer lexer;
    lex_init(&lexer, lx->src, lx->d);
    for (;;) {
        Token t = lex_next(&lexer);
        if (t.kind == TOK_EOF)
            break;
        ck_assert_int_lt(lx->n_toks, 64);
        lx->toks[lx->n_toks++] = t;
    }
    return lx;
}

static Lexed *lex_all(const char *text)
{
    return lex_all_n(text, strlen(text));
}

static void lexed_free(Lexed *lx)
{
    diag_free(lx->d);
    src_free(lx->src);
    free(lx);
}

/* The kinds of all tokens as names separated by spaces. */
static const char *kinds(const Lexed *lx)
{
    static char buf[1024];
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < lx->n_toks && used < sizeof buf; i++)
        used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s", i ? " " : "",
                                 lex_kind_name(lx->toks[i].kind));
    return buf;
}

/* ---- core ---- */

START_TEST(lex_every_punctuation)
{
    Lexed *lx = lex_all("{ } [ ] ( ) , : . .. @ = == != < <= > >= + - * / % ! && ||");
    ck_assert_str_eq(kinds(lx), "LBRACE RBRACE LBRACKET RBRACKET LPAREN RPAREN COMMA COLON "
                                "DOT DOTDOT AT ASSIGN EQ NE LT LE GT GE PLUS MINUS STAR "
                                "SLASH PERCENT BANG ANDAND OROR");
    ck_assert_uint_eq(diag_count(lx->d), 0);
    lexed_free(lx);
}
END_TEST

START_TEST(lex_every_keyword)
{
    /* each keyword lexes to the kind whose spelling it is */
    for (int k = TOK_FIRST_KEYWORD; k <= TOK_LAST_KEYWORD; k++) {
        Lexed *lx = lex_all(lex_kind_text((TokKind)k));
        ck_assert_int_eq(lx->n_toks, 1);
        ck_assert_int_eq(lx->toks[0].kind, k);
        lexed_free(lx);
    }
    Lexed *lx = lex_all("const shared mutex cond queue thread local invariant final repeat if "
                        "else while break continue return lock unlock wait signal broadcast "
                        "put get choose or atomic assert await skip true false id len held "
                        "count done all any in");
    ck_assert_int_eq(lx->n_toks, TOK_LAST_KEYWORD - TOK_FIRST_KEYWORD + 1);
    lexed_free(lx);
}
END_TEST

START_TEST(lex_keywords_vs_identifiers)
{
    Lexed *lx = lex_all("iff _if if_ If orr or x9 _ in int");
    ck_assert_str_eq(kinds(lx), "IDENT IDENT IDENT IDENT IDENT OR IDENT IDENT IN IDENT");
    ck_assert_int_eq(lx->toks[0].loc.off, 0);
    ck_assert_int_eq(lx->toks[0].loc.len, 3);
    ck_assert_int_eq(memcmp(lx->toks[6].text, "x9", 2), 0);
    lexed_free(lx);
}
END_TEST

START_TEST(lex_comments_and_newlines)
{
    Lexed *lx = lex_all("# a comment { }\nx = 1 # trailing $ bad\n\n  y#z\n#end");
    ck_assert_str_eq(kinds(lx), "IDENT ASSIGN INT IDENT");
    ck_assert_uint_eq(diag_count(lx->d), 0);
    ck_assert(lx->toks[0].is_line_start);
    ck_assert(!lx->toks[1].is_line_start);
    ck_assert(lx->toks[3].is_line_start);
    ck_assert_int_eq(lx->toks[3].loc.off, 42);
    lexed_free(lx);
}
END_TEST

START_TEST(lex_range_after_number)
{
    Lexed *lx = lex_all("0..N-1");
    ck_assert_str_eq(kinds(lx), "INT DOTDOT IDENT MINUS INT");
    ck_assert_int_eq(lx->toks[0].value, 0);
    ck_assert_int_eq(lx->toks[4].value, 1);
    lexed_free(lx);
    lx = lex_all("3...4");
    ck_assert_str_eq(kinds(lx), "INT DOTDOT DOT INT");
    lexed_free(lx);
}
END_TEST

START_TEST(lex_longest_match)
{
    Lexed *lx = lex_all("a<=b==c!=!d&&e||f>=g");
    ck_assert_str_eq(kinds(lx), "IDENT LE IDENT EQ IDENT NE BANG IDENT ANDAND IDENT OROR IDENT "
                                "GE IDENT");
    lexed_free(lx);
}
END_TEST

START_TEST(lex_int_values)
{
    Lexed *lx = lex_all("0 007 42 2147483647 2147483648");
    ck_assert_int_eq(lx->n_toks, 5);
    ck_assert_int_eq(lx->toks[1].value, 7);
    ck_assert_int_eq(lx->toks[2].value, 42);
    ck_assert_int_eq(lx->toks[3].value, 2147483647);
    ck_assert_int_eq(lx->toks[4].value, 2147483648LL);
    ck_assert_uint_eq(diag_count(lx->d), 0);
    lexed_free(lx);
}
END_TEST

START_TEST(lex_int_then_ident)
{
    Lexed *lx = lex_all("12ab");
    ck_assert_str_eq(kinds(lx), "INT IDENT");
    lexed_free(lx);
}
END_TEST

START_TEST(lex_eof_repeats)
{
    Source *src = src_from_string("t.weft", "x", 1);
    Diag *d = diag_new(src);
    Lexer lexer;
    lex_init(&lexer, src, d);
    ck_assert_int_eq(lex_next(&lexer).kind, TOK_IDENT);
    Token t = lex_next(&lexer);
    ck_assert_int_eq(t.kind, TOK_EOF);
    ck_assert_int_eq(t.loc.off, 1);
    ck_assert_int_eq(t.loc.len, 0);
    ck_assert_int_eq(lex_next(&lexer).kind, TOK_EOF);
    diag_free(d);
    src_free(src);
}
END_TEST

START_TEST(lex_kind_names)
{
    ck_assert_str_eq(lex_kind_name(TOK_DOTDOT), "DOTDOT");
    ck_assert_str_eq(lex_kind_text(TOK_DOTDOT), "..");
    ck_assert_str_eq(lex_kind_text(TOK_WHILE), "while");
    ck_assert_str_eq(lex_kind_text(TOK_EOF), "end of file");
    ck_assert_str_eq(lex_kind_name(TOK_OROR), "OROR");
}
END_TEST

/* ---- errors ---- */

START_TEST(lex_int_too_large)
{
    Lexed *lx = lex_all("x = 99999999999 + 2147483649");
    ck_assert_str_eq(kinds(lx), "IDENT ASSIGN INT PLUS INT");
    ck_assert_uint_eq(diag_count(lx->d), 2);
    ck_assert_str_eq(diag_message(lx->d, 0),
                     "integer literal '99999999999' does not fit in 32 bits");
    ck_assert_int_eq(diag_loc(lx->d, 0).off, 4);
    ck_assert_int_eq(diag_loc(lx->d, 0).len, 11);
    ck_assert_str_eq(diag_message(lx->d, 1),
                     "integer literal '2147483649' does not fit in 32 bits");
    ck_assert_int_eq(lx->toks[2].value, 0);
    lexed_free(lx);
}
END_TEST

START_TEST(lex_bad_character)
{
    Lexed *lx = lex_all("x = $1\n  y ` \x01");
    ck_assert_str_eq(kinds(lx), "IDENT ASSIGN ERROR INT IDENT ERROR ERROR");
    ck_assert_uint_eq(diag_count(lx->d), 3);
    ck_assert_str_eq(diag_message(lx->d, 0), "unexpected character '$'");
    uint32_t line, col;
    src_line_col(lx->src, diag_loc(lx->d, 0).off, &line, &col);
    ck_assert_uint_eq(line, 1);
    ck_assert_uint_eq(col, 5);
    ck_assert_str_eq(diag_message(lx->d, 1), "unexpected character '`'");
    ck_assert_str_eq(diag_message(lx->d, 2), "unexpected character '\\x01'");
    src_line_col(lx->src, diag_loc(lx->d, 2).off, &line, &col);
    ck_assert_uint_eq(line, 2);
    ck_assert_uint_eq(col, 7);
    lexed_free(lx);
}
END_TEST

START_TEST(lex_nul_and_high_bytes)
{
    Lexed *lx = lex_all_n("a\0b\xff", 4);
    ck_assert_str_eq(kinds(lx), "IDENT ERROR IDENT ERROR");
    ck_assert_str_eq(diag_message(lx->d, 0), "unexpected character '\\x00'");
    ck_assert_str_eq(diag_message(lx->d, 1), "unexpected character '\\xff'");
    lexed_free(lx);
}
END_TEST

/* A UTF-8 character is one error, quoted whole with its code point; a byte that starts no
** valid sequence (cut short, overlong, a surrogate, 0xf8 and up) is still quoted alone. */
START_TEST(lex_utf8_character_is_one_error)
{
    Lexed *lx = lex_all("x = \xc3\xa9 \xe2\x86\x92 \xf0\x9f\x98\x80 \xc3 \xc0\xaf \xed\xa0\x80 "
                        "\xf8\x90\x80\x80");
    ck_assert_str_eq(kinds(lx), "IDENT ASSIGN ERROR ERROR ERROR ERROR ERROR ERROR ERROR ERROR "
                                "ERROR ERROR ERROR ERROR ERROR");
    ck_assert_str_eq(diag_message(lx->d, 0), "unexpected character '\xc3\xa9' (U+00E9): weft's "
                                             "names, numbers and operators are ASCII");
    ck_assert_int_eq(diag_loc(lx->d, 0).off, 4);
    ck_assert_int_eq(diag_loc(lx->d, 0).len, 2);
    ck_assert_str_eq(diag_message(lx->d, 1), "unexpected character '\xe2\x86\x92' (U+2192): "
                                             "weft's names, numbers and operators are ASCII");
    ck_assert_str_eq(diag_message(lx->d, 2), "unexpected character '\xf0\x9f\x98\x80' "
                                             "(U+1F600): weft's names, numbers and operators "
                                             "are ASCII");
    ck_assert_str_eq(diag_message(lx->d, 3), "unexpected character '\\xc3'");
    ck_assert_str_eq(diag_message(lx->d, 4), "unexpected character '\\xc0'");
    ck_assert_str_eq(diag_message(lx->d, 5), "unexpected character '\\xaf'");
    ck_assert_str_eq(diag_message(lx->d, 6), "unexpected character '\\xed'");
    ck_assert_str_eq(diag_message(lx->d, 9), "unexpected character '\\xf8'"); /* no lead byte */
    lexed_free(lx);
}
END_TEST

/* ---- limits ---- */

START_TEST(lex_random_bytes_end)
{
    /* any bytes lex to a finite stream of tokens that covers the input in order */
    srand(7);
    enum { N = 20000 };
    char *buf = malloc(N);
    for (int i = 0; i < N; i++)
        buf[i] = (char)(rand() & 0xff);
    Source *src = src_from_string("r.weft", buf, N);
    Diag *d = diag_new(src);
    Lexer lexer;
    lex_init(&lexer, src, d);
    uint32_t last_end = 0;
    size_t n = 0;
    for (Token t = lex_next(&lexer); t.kind != TOK_EOF; t = lex_next(&lexer), n++) {
        ck_assert_uint_ge(t.loc.off, last_end);
        ck_assert_uint_ge(t.loc.len, 1);
        last_end = t.loc.off + t.loc.len;
    }
    ck_assert_uint_le(last_end, N);
    ck_assert_uint_gt(n, 0);
    ck_assert_uint_gt(diag_count(d), 0);
    diag_free(d);
    src_free(src);
    free(buf);
}
END_TEST

Suite *lex_suite(void)
{
    Suite *s = suite_create("lex");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, lex_every_punctuation);
    tcase_add_test(tc, lex_every_keyword);
    tcase_add_test(tc, lex_keywords_vs_identifiers);
    tcase_add_test(tc, lex_comments_and_newlines);
    tcase_add_test(tc, lex_range_after_number);
    tcase_add_test(tc, lex_longest_match);
    tcase_add_test(tc, lex_int_values);
    tcase_add_test(tc, lex_int_then_ident);
    tcase_add_test(tc, lex_eof_repeats);
    tcase_add_test(tc, lex_kind_names);
    suite_add_tcase(s, tc);
    tc = tcase_create("errors");
    tcase_add_test(tc, lex_int_too_large);
    tcase_add_test(tc, lex_bad_character);
    tcase_add_test(tc, lex_nul_and_high_bytes);
    tcase_add_test(tc, lex_utf8_character_is_one_error);
    suite_add_tcase(s, tc);
    tc = tcase_create("limits");
    tcase_add_test(tc, lex_random_bytes_end);
    suite_add_tcase(s, tc);
    return s;
}
