/*
** lex.h -- the tokens of a .weft model and the lexer that produces them.
**
** lex_next() returns one token at a time and never fails: a byte that starts no token is reported
** to the Diag ("unexpected character '$'") and returned as TOK_ERROR, so the parser can stay
** silent about it; so is text in another language's form (a '//' comment, a string, '1.5': one
** TOK_ERROR each, with a hint). It makes one pass over the text (no look-back), so any input,
** NUL bytes and random binary included, lexes in linear time. Single thread only.
*/
#ifndef WEFT_LEX_H
#define WEFT_LEX_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"

/*
** Every token kind with its spelling: X(NAME, "spelling"). Keywords are the run from CONST to IN
** (lex.c looks identifiers up there); punctuation follows. The first four have no fixed text.
*/
/* clang-format off */
#define TOK_LIST(X)                                                       \
    X(EOF, "end of file")   /* end of the text                          */\
    X(ERROR, "bad byte")    /* a byte that starts no token (reported)   */\
    X(INT, "integer")       /* decimal literal; Token.value holds it    */\
    X(IDENT, "name")        /* a name that is not a keyword             */\
    /* keywords: the declarations */                                      \
    X(CONST, "const")                                                     \
    X(SHARED, "shared")                                                   \
    X(MUTEX, "mutex")                                                     \
    X(COND, "cond")                                                       \
    X(QUEUE, "queue")                                                     \
    X(THREAD, "thread")                                                   \
    X(LOCAL, "local")                                                     \
    X(INVARIANT, "invariant")                                             \
    X(FINAL, "final")                                                     \
    /* keywords: the statements */                                        \
    X(REPEAT, "repeat")                                                   \
    X(IF, "if")                                                           \
    X(ELSE, "else")                                                       \
    X(WHILE, "while")                                                     \
    X(BREAK, "break")                                                     \
    X(CONTINUE, "continue")                                               \
    X(RETURN, "return")                                                   \
    X(LOCK, "lock")                                                       \
    X(UNLOCK, "unlock")                                                   \
    X(WAIT, "wait")                                                       \
    X(SIGNAL, "signal")                                                   \
    X(BROADCAST, "broadcast")                                             \
    X(PUT, "put")                                                         \
    X(GET, "get")                                                         \
    X(CHOOSE, "choose")                                                   \
    X(OR, "or")                                                           \
    X(ATOMIC, "atomic")                                                   \
    X(ASSERT, "assert")                                                   \
    X(AWAIT, "await")                                                     \
    X(SKIP, "skip")                                                       \
    /* keywords: the expressions */                                       \
    X(TRUE, "true")                                                       \
    X(FALSE, "false")                                                     \
    X(ID, "id")                                                           \
    X(LEN, "len")                                                         \
    X(HELD, "held")                                                       \
    X(COUNT, "count")                                                     \
    X(DONE, "done")                                                       \
    X(ALL, "all")                                                         \
    X(ANY, "any")                                                         \
    X(IN, "in")                                                           \
    /* punctuation */                                                     \
    X(LBRACE, "{")                                                        \
    X(RBRACE, "}")                                                        \
    X(LBRACKET, "[")                                                      \
    X(RBRACKET, "]")                                                      \
    X(LPAREN, "(")                                                        \
    X(RPAREN, ")")                                                        \
    X(COMMA, ",")                                                         \
    X(COLON, ":")                                                         \
    X(DOT, ".")                                                           \
    X(DOTDOT, "..")                                                       \
    X(AT, "@")                                                            \
    X(ASSIGN, "=")                                                        \
    X(EQ, "==")                                                           \
    X(NE, "!=")                                                           \
    X(LT, "<")                                                            \
    X(LE, "<=")                                                           \
    X(GT, ">")                                                            \
    X(GE, ">=")                                                           \
    X(PLUS, "+")                                                          \
    X(MINUS, "-")                                                         \
    X(STAR, "*")                                                          \
    X(SLASH, "/")                                                         \
    X(PERCENT, "%")                                                       \
    X(BANG, "!")                                                          \
    X(ANDAND, "&&")                                                       \
    X(OROR, "||")
/* clang-format on */

typedef enum {
#define X(name, text) TOK_##name,
    TOK_LIST(X)
#undef X
        TOK_KIND_COUNT
} TokKind;

enum { TOK_FIRST_KEYWORD = TOK_CONST, TOK_LAST_KEYWORD = TOK_IN };

/* One token. 'text' points into the Source text (not NUL-terminated; loc.len bytes). */
typedef struct Token {
    TokKind kind;       /* what it is */
    Loc loc;            /* where it stands */
    const char *text;   /* its bytes in the source */
    int64_t value;      /* TOK_INT: the value, 0..2147483648 (0 after a too-large literal) */
    bool is_line_start; /* first token of its line (the parser resynchronises there) */
} Token;

/* The lexer's position in one Source. Plain data: copy it to look ahead without side effects,
** except that a copy would report the same errors again. */
typedef struct Lexer {
    const Source *src; /* borrowed */
    Diag *d;           /* borrowed: where bad bytes and too-large literals are reported */
    uint32_t pos;      /* byte offset of the next unread byte */
} Lexer;

/* Start lexing 'src' from its first byte; errors go to 'd'. */
void lex_init(Lexer *lx, const Source *src, Diag *d);

/* The next token; TOK_EOF at the end, and again on every later call. */
Token lex_next(Lexer *lx);

/* The enumerator's name without prefix, e.g. "DOTDOT" (tests, dumps). */
const char *lex_kind_name(TokKind kind);

/* The spelling, e.g. ".." or "while"; for EOF, ERROR, INT and IDENT a description
** ("end of file", "bad byte", "integer", "name"). */
const char *lex_kind_text(TokKind kind);

#endif
