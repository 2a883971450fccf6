/*
** lex.c -- split a .weft text into tokens.
**
** One forward pass: white space and '#' comments are skipped, then one token is cut. The text is
** bounded by Source.len, not by its NUL, so an embedded NUL is just another bad byte. Keywords
** are found by scanning the keyword run of TOK_LIST, comparing lengths first: there are few of
** them and identifiers are short, so this costs less than building a hash table.
*/
#include "lex.h"

#include <string.h>

#include "util.h"

/* clang-format off */
static const char *const kind_names[] = {
#define X(name, text) #name,
    TOK_LIST(X)
#undef X
};

static const char *const kind_texts[] = {
#define X(name, text) text,
    TOK_LIST(X)
#undef X
};
/* clang-format on */

/* A literal may be at most 2^31: that value is only valid after unary minus (the compiler
** checks), larger ones are an error here. */
#define LEX_INT_LIMIT 2147483648LL

const char *lex_kind_name(TokKind kind)
{
    return (unsigned)kind < TOK_KIND_COUNT ? kind_names[kind] : "?";
}

const char *lex_kind_text(TokKind kind)
{
    return (unsigned)kind < TOK_KIND_COUNT ? kind_texts[kind] : "?";
}

void lex_init(Lexer *lx, const Source *src, Diag *d)
{
    lx->src = src;
    lx->d = d;
    lx->pos = 0;
}

/* ---- character classes (ASCII only: bytes >= 0x80 start no token) ---- */

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static bool is_ident_start(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_ident_char(unsigned char c)
{
    return is_ident_start(c) || is_digit(c);
}

/* ---- pieces of lex_next ---- */

/* Skip blanks, newlines and comments; returns true if a newline was crossed. */
static bool skip_space(Lexer *lx)
{
    const char *s = lx->src->text;
    uint32_t len = (uint32_t)lx->src->len;
    bool crossed = false;
    while (lx->pos < len) {
        char c = s[lx->pos];
        if (c == '\n') {
            crossed = true;
            lx->pos++;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            lx->pos++;
        } else if (c == '#') {
            while (lx->pos < len && s[lx->pos] != '\n')
                lx->pos++;
        } else {
            break;
        }
    }
    return crossed;
}

/* The keyword spelled s[0..n), or TOK_IDENT. */
static TokKind keyword_kind(const char *s, uint32_t n)
{
    for (int k = TOK_FIRST_KEYWORD; k <= TOK_LAST_KEYWORD; k++) {
        const char *kw = kind_texts[k];
        if (strlen(kw) == n && memcmp(kw, s, n) == 0)
            return (TokKind)k;
    }
    return TOK_IDENT;
}

static void lex_ident(Lexer *lx, Token *tok)
{
    const char *s = lx->src->text;
    while (lx->pos < lx->src->len && is_ident_char((unsigned char)s[lx->pos]))
        lx->pos++;
    tok->loc.len = lx->pos - tok->loc.off;
    tok->kind = keyword_kind(tok->text, tok->loc.len);
}

/* A decimal literal. Digits keep being consumed past the limit so that the whole literal is one
** token and one error; the value is then 0 so the parser goes on quietly. */
static void lex_int(Lexer *lx, Token *tok)
{
    const char *s = lx->src->text;
    int64_t value = 0;
    bool too_big = false;
    while (lx->pos < lx->src->len && is_digit((unsigned char)s[lx->pos])) {
        if (!too_big) {
            value = value * 10 + (s[lx->pos] - '0');
            too_big = value > LEX_INT_LIMIT;
        }
        lx->pos++;
    }
    /* '1.5': one bad token, not an integer, a '.' and another integer ('0..3' is a range) */
    if (lx->pos + 1 < lx->src->len && s[lx->pos] == '.' &&
        is_digit((unsigned char)s[lx->pos + 1])) {
        lx->pos++;
        while (lx->pos < lx->src->len && is_digit((unsigned char)s[lx->pos]))
            lx->pos++;
        tok->kind = TOK_ERROR;
        tok->loc.len = lx->pos - tok->loc.off;
        diag_error(lx->d, tok->loc,
                   "'%.*s' is not an integer (weft's values are 32-bit integers, true and false)",
                   tok->loc.len > 40 ? 40 : (int)tok->loc.len, tok->text);
        return;
    }
    tok->kind = TOK_INT;
    tok->loc.len = lx->pos - tok->loc.off;
    tok->value = too_big ? 0 : value;
    if (too_big) /* show at most 40 digits of a huge literal */
        diag_error(lx->d, tok->loc, "integer literal '%.*s%s' does not fit in 32 bits",
                   tok->loc.len > 40 ? 40 : (int)tok->loc.len, tok->text,
                   tok->loc.len > 40 ? "..." : "");
}

/* Punctuation: the longest spelling that matches (so '..' wins over '.', '<=' over '<'). */
static bool lex_punct(Lexer *lx, Token *tok)
{
    const char *s = lx->src->text + lx->pos;
    size_t left = lx->src->len - lx->pos;
    size_t best_len = 0;
    for (int k = TOK_LBRACE; k < TOK_KIND_COUNT; k++) {
        size_t n = strlen(kind_texts[k]);
        if (n > best_len && n <= left && memcmp(kind_texts[k], s, n) == 0) {
            best_len = n;
            tok->kind = (TokKind)k;
        }
    }
    if (best_len == 0)
        return false;
    lx->pos += (uint32_t)best_len;
    tok->loc.len = (uint32_t)best_len;
    return true;
}

/* Text in another language's form that weft has no use for: a comment that starts with '//' or
** with a slash and a star, a string, the '?:' operator. A comment or a string is one TOK_ERROR,
** reported once with a hint (the caret under the comment's opening, or the whole string up to
** its closing quote on the line), so that the parser meets one bad token instead of a run of
** them. False if the text at lx->pos is none of these. */
static bool lex_foreign(Lexer *lx, Token *tok)
{
    const char *s = lx->src->text;
    uint32_t len = (uint32_t)lx->src->len, at = lx->pos;
    char c = s[at], next = at + 1 < len ? s[at + 1] : '\0';
    tok->kind = TOK_ERROR;
    if (c == '/' && next == '/') { /* to the end of the line */
        while (lx->pos < len && s[lx->pos] != '\n')
            lx->pos++;
        tok->loc.len = 2;
        diag_error(lx->d, tok->loc, "unexpected '//' (weft comments start with '#')");
    } else if (c == '/' && next == '*') { /* to its closing '*' '/', or the end of the text */
        lx->pos += 2;
        while (lx->pos < len && !(s[lx->pos] == '*' && lx->pos + 1 < len && s[lx->pos + 1] == '/'))
            lx->pos++;
        lx->pos = lx->pos < len ? lx->pos + 2 : len;
        tok->loc.len = 2;
        diag_error(lx->d, tok->loc,
                   "unexpected '/*' (weft comments start with '#' and end with the line)");
    } else if (c == '"' || c == '\'') { /* to its closing quote, or the end of the line */
        lx->pos++;
        while (lx->pos < len && s[lx->pos] != c && s[lx->pos] != '\n')
            lx->pos++;
        if (lx->pos < len && s[lx->pos] == c)
            lx->pos++;
        tok->loc.len = lx->pos - at;
        diag_error(lx->d, tok->loc,
                   "unexpected string (weft has no strings: its values are integers, true and "
                   "false)");
    } else if (c == '?') {
        lx->pos++;
        tok->loc.len = 1;
        diag_error(lx->d, tok->loc, "unexpected character '?' (weft has no '?:': use 'if')");
    } else {
        return false;
    }
    return true;
}

/* A byte that starts no token: printable ones are quoted as they are, a UTF-8 character whole
** with its code point, other bytes as '\xNN'. */
static void lex_bad_byte(Lexer *lx, Token *tok)
{
    const unsigned char *at = (const unsigned char *)lx->src->text + lx->pos;
    unsigned char c = at[0];
    uint32_t cp = 0;
    size_t n = c >= 0x80 ? util_utf8_sequence(at, lx->src->len - lx->pos, &cp) : 0;
    tok->kind = TOK_ERROR;
    if (n) {
        lx->pos += n;
        tok->loc.len = (uint32_t)n;
        diag_error(lx->d, tok->loc,
                   "unexpected character '%.*s' (U+%04X): weft's names, numbers and operators "
                   "are ASCII",
                   (int)n, (const char *)at, (unsigned)cp);
        return;
    }
    lx->pos++;
    tok->loc.len = 1;
    if (c == ';')
        diag_error(lx->d, tok->loc,
                   "unexpected character ';' (weft needs no ';': a statement "
                   "ends where the next begins)");
    else if (c >= 0x20 && c < 0x7f)
        diag_error(lx->d, tok->loc, "unexpected character '%c'", c);
    else
        diag_error(lx->d, tok->loc, "unexpected character '\\x%02x'", c);
}

Token lex_next(Lexer *lx)
{
    Token tok;
    memset(&tok, 0, sizeof tok);
    bool at_start = lx->pos == 0;
    tok.is_line_start = skip_space(lx) || at_start;
    tok.loc.off = lx->pos;
    tok.text = lx->src->text + lx->pos;
    if (lx->pos >= lx->src->len) {
        tok.kind = TOK_EOF;
        return tok;
    }
    unsigned char c = (unsigned char)lx->src->text[lx->pos];
    if (is_ident_start(c))
        lex_ident(lx, &tok);
    else if (is_digit(c))
        lex_int(lx, &tok);
    else if (!lex_foreign(lx, &tok) && !lex_punct(lx, &tok))
        lex_bad_byte(lx, &tok);
    return tok;
}
