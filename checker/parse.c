/*
** parse.c -- recursive descent from the tokens of lex.c to the syntax tree of ast.h.
**
** One function per grammar rule, the rule on its first line. Every node's loc spans its text: an
** expression from its first to its last token (parentheses included), a statement its head up to
** any '{' (the label is kept apart in label/label_loc), a declaration its whole text except a
** thread's body. A BLOCK's loc is its '{'.
**
** Errors. A rule that fails reports once and returns NULL; the caller does not report again. The
** statement and declaration loops then resynchronise: they skip balanced braces up to the next
** token that can start a statement (a keyword, or a name first on its line), a '}', or a
** declaration. A bad byte was already reported by the lexer, so "found" errors at a TOK_ERROR
** stay silent. Nesting deeper than PARSE_MAX_DEPTH and DIAG_MAX_ERRORS errors are fatal: every
** rule then returns at once, so the C stack never grows past about ten frames per level.
*/
#include "parse.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lex.h"
#include "util.h"

typedef struct Parser {
    Arena *arena;       /* where nodes go */
    const Source *src;  /* the text (for line numbers in messages) */
    Diag *d;            /* where errors go */
    Lexer lx;           /* the token stream */
    Token cur;          /* the token being looked at */
    Token next;         /* one token of look-ahead, valid when has_next */
    bool has_next;      /* 'next' was lexed already (lexed lazily so errors stay in order) */
    Token prev;         /* the last token consumed: its end closes a node's span */
    int depth;          /* nesting of blocks and expressions */
    bool is_fatal;      /* too deep or too many errors: unwind without another word */
    bool has_quiet;     /* a missing '}' was reported at quiet_off ... */
    uint32_t quiet_off; /* ... so the enclosing blocks do not report it again */
    bool has_stray;     /* a statement's keyword was reported where a value goes, at stray_off: */
    uint32_t stray_off; /* resynchronising steps over it rather than parse its statement */
} Parser;

/* Growable list of nodes while a rule runs; copied into the arena when done. */
typedef VEC(AstNode *) NodeVec;

/* ---- tokens ---- */

static void advance(Parser *p)
{
    p->prev = p->cur;
    if (p->has_next) {
        p->cur = p->next;
        p->has_next = false;
    } else {
        p->cur = lex_next(&p->lx);
    }
    if (diag_full(p->d))
        p->is_fatal = true;
}

static const Token *peek(Parser *p)
{
    if (!p->has_next) {
        p->next = lex_next(&p->lx);
        p->has_next = true;
    }
    return &p->next;
}

static bool check(const Parser *p, TokKind kind)
{
    return p->cur.kind == kind;
}

static bool accept(Parser *p, TokKind kind)
{
    if (!check(p, kind))
        return false;
    advance(p);
    return true;
}

/* The span from the start of 'from' to the end of 'to'. */
static Loc span(Loc from, Loc to)
{
    Loc loc = {from.off, to.off + to.len - from.off};
    return loc;
}

/* The span from 'from' to the end of the last token consumed. */
static Loc span_prev(const Parser *p, Loc from)
{
    return span(from, p->prev.loc);
}

static uint32_t line_of(const Parser *p, Loc loc)
{
    uint32_t line, col;
    src_line_col(p->src, loc.off, &line, &col);
    return line;
}

/* ---- errors ---- */

enum { FOUND_MAX = 32 }; /* longest token text quoted in a message */

/* "'text'" for a token (cut after FOUND_MAX bytes), "end of file" at the end. */
static void describe(const Token *tok, char *buf, size_t size)
{
    if (tok->kind == TOK_EOF) {
        snprintf(buf, size, "end of file");
        return;
    }
    int n = tok->loc.len > FOUND_MAX ? FOUND_MAX : (int)tok->loc.len;
    snprintf(buf, size, "'%.*s%s'", n, tok->text, tok->loc.len > FOUND_MAX ? "..." : "");
}

static void note_full(Parser *p)
{
    if (diag_full(p->d))
        p->is_fatal = true;
}

/* Where a word of another language stands (habit_hint). */
typedef enum { HABIT_OPERAND, HABIT_STMT, HABIT_DECL } HabitWhere;

/* Hints that more than one habit gets (habit_hint, expected_method, parse_decl). */
static const char HINT_SHARED[] = "a variable the threads share is declared 'shared NAME = VALUE'";
static const char HINT_OUTPUT[] = "weft has no output: the report shows what each step of a "
                                  "schedule changed, 'weft replay' every state";
static const char HINT_PAUSE[] = "weft needs no 'sleep' or 'yield': any other thread may run "
                                 "between two steps";
static const char HINT_IMPORT[] = "weft has no imports: mutexes, condition variables and queues "
                                  "are built in ('mutex NAME', 'cond NAME', 'queue NAME[CAP]')";

/* True for a reserved word of weft's ('count', 'done', 'lock', ...). */
static bool is_keyword(TokKind kind)
{
    return (int)kind >= (int)TOK_FIRST_KEYWORD && (int)kind <= (int)TOK_LAST_KEYWORD;
}

/* Words other languages have where weft has an operator or a form of its own, and the hint a
** misplaced one gets where an operator or an operand is expected (only 'and' and 'not': 'or' is
** a keyword of weft's, see expected()), at the start of a statement, or among the declarations.
** NULL for any other word. */
static const char *habit_hint(const char *text, size_t len, HabitWhere where)
{
    static const char local[] = "a thread's own variable is declared 'local NAME = VALUE', "
                                "before its first statement";
    static const char thread[] = "a thread is declared 'thread NAME { ... }'";
    static const char loop[] = "weft has no 'for': 'repeat N { ... }' runs a block N times, "
                               "'while' as long as a test holds";
    static const char with[] = "weft has no 'with': write 'lock m' before the statements and "
                               "'unlock m' after them";
    static const struct {
        const char *word, *stmt_hint, *decl_hint;
        bool is_operator;
    } habits[] = {
        {"and", "weft writes 'and' as '&&'", "weft writes 'and' as '&&'", true},
        {"not", "weft writes 'not' as '!'", "weft writes 'not' as '!'", true},
        {"elif", "weft writes 'elif' as 'else if'", NULL, false},
        {"elsif", "weft writes 'elsif' as 'else if'", NULL, false},
        {"for", loop, NULL, false},
        {"var", local, HINT_SHARED, false},
        {"let", local, HINT_SHARED, false},
        {"int", local, HINT_SHARED, false},
        {"bool", local, HINT_SHARED, false},
        {"auto", local, HINT_SHARED, false},
        {"global", "a thread sees every 'shared' variable: weft needs no 'global'", HINT_SHARED,
         false},
        {"nonlocal", "a thread sees every 'shared' variable: weft needs no 'nonlocal'", NULL,
         false},
        {"import", NULL, HINT_IMPORT, false},
        {"from", NULL, HINT_IMPORT, false},
        {"pass", "weft writes 'pass' as 'skip'", NULL, false},
        {"static", NULL, HINT_SHARED, false},
        {"def", NULL, thread, false},
        {"func", NULL, thread, false},
        {"fn", NULL, thread, false},
        {"function", NULL, thread, false},
        {"proc", NULL, thread, false},
        {"void", NULL, thread, false},
        {"with", with, NULL, false},
        {"synchronized", with, NULL, false},
        {"acquire", "weft writes 'acquire m' as 'lock m'", NULL, false},
        {"release", "weft writes 'release m' as 'unlock m'", NULL, false},
        {"notify", "weft writes 'notify c' as 'signal c'", NULL, false},
        {"notify_one", "weft writes 'notify_one c' as 'signal c'", NULL, false},
        {"notify_all", "weft writes 'notify_all c' as 'broadcast c'", NULL, false},
        {"notifyAll", "weft writes 'notifyAll c' as 'broadcast c'", NULL, false},
        {"print", HINT_OUTPUT, NULL, false},
        {"printf", HINT_OUTPUT, NULL, false},
        {"println", HINT_OUTPUT, NULL, false},
        {"sleep", HINT_PAUSE, NULL, false},
        {"yield", HINT_PAUSE, NULL, false},
    };
    for (size_t i = 0; i < sizeof habits / sizeof habits[0]; i++) {
        if (strlen(habits[i].word) != len || memcmp(habits[i].word, text, len) != 0)
            continue;
        if (where == HABIT_OPERAND)
            return habits[i].is_operator ? habits[i].stmt_hint : NULL;
        return where == HABIT_STMT ? habits[i].stmt_hint : habits[i].decl_hint;
    }
    return NULL;
}

/* "expected WHAT, found FOUND" at 'at', with ' (HINT)' unless 'hint' is NULL; silent once fatal. */
static void expected_at(Parser *p, Loc at, const char *what, const char *found, const char *hint)
{
    if (p->is_fatal)
        return;
    if (hint)
        diag_error(p->d, at, "expected %s, found %s (%s)", what, found, hint);
    else
        diag_error(p->d, at, "expected %s, found %s", what, found);
    note_full(p);
}

/* Report "expected WHAT, found TOKEN" at the current token; 'hint' (or NULL) is appended in
** parentheses; without one, a name that is another language's operator ('and', 'or', 'not')
** gets habit_hint's. Silent at a bad byte, which the lexer reported, and once fatal. For what
** the current token is itself ('a statement', 'a declaration', a block's '}'). */
static void expected_token(Parser *p, const char *what, const char *hint)
{
    if (p->is_fatal || check(p, TOK_ERROR))
        return;
    if (!hint && check(p, TOK_IDENT))
        hint = habit_hint(p->cur.text, p->cur.loc.len, HABIT_OPERAND);
    else if (!hint && check(p, TOK_OR)) /* a keyword: it joins the branches of a 'choose' */
        hint = "weft writes 'or' as '||'";
    char found[FOUND_MAX + 16];
    describe(&p->cur, found, sizeof found);
    expected_at(p, p->cur.loc, what, found, hint);
}

/* expected_token() for the rest of what the line began ('wait c', no ', MUTEX'): if the current
** token starts a later line, "expected WHAT, found the end of the line" just past the token
** before it, where the missing part goes, not on the next line's first token; at the end of
** the file, "found end of file" there too, not on the line after the last. */
static void expected(Parser *p, const char *what, const char *hint)
{
    bool is_eof = check(p, TOK_EOF);
    if (p->is_fatal || !(p->cur.is_line_start || is_eof) || check(p, TOK_ERROR) ||
        p->prev.loc.len == 0) {
        expected_token(p, what, hint);
        return;
    }
    Loc at = {p->prev.loc.off + p->prev.loc.len, 0};
    expected_at(p, at, what, is_eof ? "end of file" : "the end of the line", hint);
}

/* Consume a token of 'kind' or report "expected '<spelling>', found ...". */
static bool expect(Parser *p, TokKind kind)
{
    if (accept(p, kind))
        return true;
    char what[24];
    snprintf(what, sizeof what, "'%s'", lex_kind_text(kind));
    expected(p, what, NULL);
    return false;
}

/* Count one level of nesting; false (reported once) past PARSE_MAX_DEPTH. Always pair with
** leave(), whatever enter() returned. */
static bool enter(Parser *p)
{
    p->depth++;
    if (p->is_fatal)
        return false;
    if (p->depth <= PARSE_MAX_DEPTH)
        return true;
    diag_error(p->d, p->cur.loc,
               "nesting deeper than %d levels (each block, bracket, unary operator and "
               "operator of a chain like 1 + 1 + 1 is a level)",
               PARSE_MAX_DEPTH);
    p->is_fatal = true;
    return false;
}

static void leave(Parser *p)
{
    p->depth--;
}

/* ---- nodes ---- */

static AstNode *new_node(Parser *p, AstKind kind, Loc loc)
{
    AstNode *n = arena_alloc(p->arena, sizeof(AstNode));
    n->kind = kind;
    n->loc = loc;
    return n;
}

static AstList to_list(Parser *p, const NodeVec *v)
{
    AstList list = {NULL, (uint32_t)v->len};
    if (v->len) {
        list.items = arena_alloc(p->arena, v->len * sizeof(AstNode *));
        memcpy(list.items, v->items, v->len * sizeof(AstNode *));
    }
    return list;
}

/* A NAME node for the current IDENT, consumed; else report and return NULL. The message says
** what the name follows: "expected a name after 'lock', found '3'". */
static AstNode *parse_name(Parser *p)
{
    if (!check(p, TOK_IDENT)) {
        char what[FOUND_MAX + 32];
        char after[FOUND_MAX + 16];
        describe(&p->prev, after, sizeof after);
        snprintf(what, sizeof what, "a name after %s", after);
        bool is_call = check(p, TOK_LPAREN) && is_keyword(p->prev.kind); /* 'lock(m)' */
        bool is_reserved = is_keyword(p->cur.kind);                      /* 'shared count = 0' */
        const char *arg = check(p, TOK_DONE)   ? "THREAD" /* 't.done', 'm.held', 'q.len' */
                          : check(p, TOK_HELD) ? "MUTEX"
                          : check(p, TOK_LEN)  ? "QUEUE"
                                               : NULL;
        char hint[FOUND_MAX + 48];
        if (is_call)
            snprintf(hint, sizeof hint, "no parentheses: '%s NAME'", lex_kind_text(p->prev.kind));
        else if (arg && p->prev.kind == TOK_DOT)
            snprintf(hint, sizeof hint, "weft has no fields or methods: write '%s(%s)'",
                     lex_kind_text(p->cur.kind), arg);
        else if (is_reserved)
            snprintf(hint, sizeof hint, "'%s' is a keyword of weft's: choose another name",
                     lex_kind_text(p->cur.kind));
        expected(p, what, is_call || is_reserved ? hint : NULL);
        return NULL;
    }
    AstNode *n = new_node(p, AST_NAME, p->cur.loc);
    n->name = arena_strndup(p->arena, p->cur.text, p->cur.loc.len);
    n->name_loc = p->cur.loc;
    advance(p);
    return n;
}

/* Take the current IDENT as node->name (see parse_name). */
static bool take_name(Parser *p, AstNode *node)
{
    AstNode *name = parse_name(p);
    if (!name)
        return false;
    node->name = name->name;
    node->name_loc = name->name_loc;
    return true;
}

/* ---- expressions ---- */

static AstNode *parse_expr(Parser *p);

/* The precedence level of a binary operator, '||' lowest; -1 for other tokens. */
static int binary_level(TokKind kind)
{
    switch (kind) {
    case TOK_OROR:
        return 0;
    case TOK_ANDAND:
        return 1;
    case TOK_EQ:
    case TOK_NE:
        return 2;
    case TOK_LT:
    case TOK_LE:
    case TOK_GT:
    case TOK_GE:
        return 3;
    case TOK_PLUS:
    case TOK_MINUS:
        return 4;
    case TOK_STAR:
    case TOK_SLASH:
    case TOK_PERCENT:
        return 5;
    default:
        return -1;
    }
}

enum { LEVEL_TOP = 5 }; /* the highest binary level */

/* call -> ('len' | 'held') '(' IDENT ')' | ('count' | 'done') '(' expr ')' */
static AstNode *parse_call(Parser *p, AstKind kind)
{
    Loc start = p->cur.loc;
    Token kw = p->cur;
    advance(p);
    if (!check(p, TOK_LPAREN)) { /* 'count == 1' where 'count' was meant as a variable */
        char hint[96];
        snprintf(hint, sizeof hint,
                 "'%s' is a keyword of weft's, '%s(...)': a variable needs "
                 "another name",
                 lex_kind_text(kw.kind), lex_kind_text(kw.kind));
        expected(p, "'('", hint);
        return NULL;
    }
    advance(p);
    bool takes_name = kind == AST_LEN || kind == AST_HELD;
    AstNode *arg = takes_name ? parse_name(p) : parse_expr(p);
    if (!arg || !expect(p, TOK_RPAREN))
        return NULL;
    AstNode *n = new_node(p, kind, span_prev(p, start));
    n->a = arg;
    return n;
}

/* quant -> ('all' | 'any') IDENT 'in' expr '..' expr ':' expr */
static AstNode *parse_quant(Parser *p)
{
    Loc start = p->cur.loc;
    AstNode *n = new_node(p, AST_QUANT, start);
    n->op = p->cur.kind;
    advance(p);
    if (!take_name(p, n) || !expect(p, TOK_IN))
        return NULL;
    if (!(n->a = parse_expr(p)) || !expect(p, TOK_DOTDOT))
        return NULL;
    if (!(n->b = parse_expr(p)) || !expect(p, TOK_COLON))
        return NULL;
    if (!(n->c = parse_expr(p))) /* the body reaches as far right as it can */
        return NULL;
    n->loc = span_prev(p, start);
    return n;
}

/* paren -> '(' expr ')': no node of its own, the inner node's loc grows to the parentheses */
static AstNode *parse_paren(Parser *p)
{
    Loc start = p->cur.loc;
    advance(p);
    AstNode *e = parse_expr(p);
    if (!e || !expect(p, TOK_RPAREN))
        return NULL;
    e->loc = span_prev(p, start);
    return e;
}

/* True if 'tok' begins an operand on the line of the token before it. After a name 'not' such a
** token means a negation was meant ('not x'): a name then an operand is no expression. On a new
** line it may begin the next statement, so a variable named 'not' may still end one. */
static bool is_operand_start(const Token *tok)
{
    switch (tok->kind) {
    case TOK_IDENT:
    case TOK_INT:
    case TOK_TRUE:
    case TOK_FALSE:
    case TOK_LPAREN:
    case TOK_BANG:
    case TOK_ID:
    case TOK_LEN:
    case TOK_HELD:
    case TOK_COUNT:
    case TOK_DONE:
    case TOK_ALL:
    case TOK_ANY:
        return !tok->is_line_start;
    default:
        return false;
    }
}

static bool is_stmt_keyword(TokKind kind);

/* A statement's keyword where a value goes, on the same line ('x = get q'): "expected expression,
** found 'get'" and what the statement is instead. */
static void expected_not_statement(Parser *p)
{
    char hint[128];
    if (check(p, TOK_GET))
        snprintf(hint, sizeof hint,
                 "'get' is a statement of its own: 'get QUEUE, TARGET' takes the queue's head "
                 "into TARGET");
    else
        snprintf(hint, sizeof hint, "'%s' is a statement of its own, not a value",
                 lex_kind_text(p->cur.kind));
    expected(p, "expression", hint);
    p->has_stray = true;
    p->stray_off = p->cur.loc.off;
}

/* The hint for a '=' where a comparison goes ('if x = 1 {', 'final x = 1'): "to compare, write
** '=='", or for '=>' and '=<', the operator meant. */
static const char *assign_hint(Parser *p)
{
    const Token *next = peek(p);
    bool is_touching = next->loc.off == p->cur.loc.off + p->cur.loc.len;
    if (is_touching && next->kind == TOK_GT)
        return "weft writes '=>' as '>='";
    if (is_touching && next->kind == TOK_LT)
        return "weft writes '=<' as '<='";
    return "to compare, write '=='";
}

/* primary -> INT | 'true' | 'false' | IDENT | 'id' | paren | call | quant */
static AstNode *parse_primary(Parser *p)
{
    AstNode *n;
    switch (p->cur.kind) {
    case TOK_INT:
    case TOK_TRUE:
    case TOK_FALSE:
        n = new_node(p, check(p, TOK_INT) ? AST_INT : AST_BOOL, p->cur.loc);
        n->value = check(p, TOK_INT) ? p->cur.value : check(p, TOK_TRUE);
        advance(p);
        return n;
    case TOK_IDENT:
        if (p->cur.loc.len == 3 && !memcmp(p->cur.text, "not", 3) && is_operand_start(peek(p))) {
            expected(p, "expression", habit_hint("not", 3, HABIT_OPERAND)); /* 'not x' */
            return NULL;
        }
        return parse_name(p);
    case TOK_ID:
        n = new_node(p, AST_ID, p->cur.loc);
        advance(p);
        return n;
    case TOK_LPAREN:
        return parse_paren(p);
    case TOK_LEN:
        return parse_call(p, AST_LEN);
    case TOK_HELD:
        return parse_call(p, AST_HELD);
    case TOK_COUNT:
        return parse_call(p, AST_COUNT);
    case TOK_DONE:
        return parse_call(p, AST_DONE);
    case TOK_ALL:
    case TOK_ANY:
        return parse_quant(p);
    case TOK_QUEUE:
        expected(p, "expression", "a queue is declared on a line of its own: 'queue NAME[CAP]'");
        return NULL;
    case TOK_MUTEX:
        expected(p, "expression", "a mutex is declared on a line of its own: 'mutex NAME'");
        return NULL;
    case TOK_COND:
        expected(p, "expression",
                 "a condition variable is declared on a line of its own: "
                 "'cond NAME'");
        return NULL;
    default:
        if (is_stmt_keyword(p->cur.kind) && !p->cur.is_line_start) /* on a line of its own, */
            expected_not_statement(p); /* it starts the next statement: the value is missing */
        else
            expected(p, "expression", NULL);
        return NULL;
    }
}

/* postfix -> primary { '[' expr ']' | '.' IDENT | '@' IDENT }
** '[' applies to a NAME or FIELD, '.' and '@' to a NAME or INDEX (ast.h); elsewhere the
** operator is left for the caller, which reports it. */
static AstNode *parse_postfix(Parser *p)
{
    AstNode *e = parse_primary(p);
    while (e && !p->is_fatal) {
        bool is_ref = e->kind == AST_NAME || e->kind == AST_INDEX;
        Loc start = e->loc;
        AstNode *n;
        if (check(p, TOK_LBRACKET) && (e->kind == AST_NAME || e->kind == AST_FIELD)) {
            advance(p);
            n = new_node(p, AST_INDEX, start);
            if (!(n->b = parse_expr(p)) || !expect(p, TOK_RBRACKET))
                return NULL;
        } else if ((check(p, TOK_DOT) || check(p, TOK_AT)) && is_ref) {
            n = new_node(p, check(p, TOK_DOT) ? AST_FIELD : AST_AT, start);
            advance(p);
            if (!take_name(p, n))
                return NULL;
        } else {
            break;
        }
        n->a = e;
        n->loc = span_prev(p, start);
        e = n;
    }
    return e;
}

/* unary -> ('-' | '!') unary | postfix */
static AstNode *parse_unary(Parser *p)
{
    if (!check(p, TOK_MINUS) && !check(p, TOK_BANG))
        return parse_postfix(p);
    Token op = p->cur;
    advance(p);
    AstNode *a = enter(p) ? parse_unary(p) : NULL;
    leave(p);
    if (!a)
        return NULL;
    AstNode *n = new_node(p, AST_UNARY, span(op.loc, a->loc));
    n->op = op.kind;
    n->a = a;
    return n;
}

/* binary(L) -> binary(L+1) { op(L) binary(L+1) }, L from '||' (0) to '* / %' (LEVEL_TOP);
** binary(LEVEL_TOP+1) -> unary. Left associative, C's precedence. A chain of k operators
** makes a tree k deep, so each operator counts as a level (later stages recurse on it). */
static AstNode *parse_binary(Parser *p, int level)
{
    if (level > LEVEL_TOP)
        return parse_unary(p);
    AstNode *left = parse_binary(p, level + 1);
    int n_levels = 0;
    while (left && binary_level(p->cur.kind) == level) {
        n_levels++;
        if (!enter(p)) {
            left = NULL;
            break;
        }
        TokKind op = p->cur.kind;
        advance(p);
        AstNode *right = parse_binary(p, level + 1);
        if (!right) {
            left = NULL;
            break;
        }
        AstNode *n = new_node(p, AST_BINARY, span(left->loc, right->loc));
        n->op = op;
        n->a = left;
        n->b = right;
        left = n;
    }
    p->depth -= n_levels;
    return left;
}

/* expr -> binary(0) */
static AstNode *parse_expr(Parser *p)
{
    AstNode *e = enter(p) ? parse_binary(p, 0) : NULL;
    leave(p);
    return e;
}

/* list -> '[' [expr {',' expr}] ']' */
static AstNode *parse_list(Parser *p)
{
    Loc start = p->cur.loc;
    if (!expect(p, TOK_LBRACKET))
        return NULL;
    NodeVec items = {0};
    bool ok = true;
    if (!check(p, TOK_RBRACKET)) {
        do {
            AstNode *e = parse_expr(p);
            if (!(ok = e != NULL))
                break;
            vec_push(&items, e);
        } while (accept(p, TOK_COMMA));
    }
    ok = ok && expect(p, TOK_RBRACKET);
    AstNode *n = ok ? new_node(p, AST_LIST, span_prev(p, start)) : NULL;
    if (n)
        n->list = to_list(p, &items);
    vec_free(&items);
    return n;
}

/* ---- statements ---- */

static AstNode *parse_stmt(Parser *p);

/* Declarations that cannot appear in a block: meeting one there means a '}' is missing. */
static bool is_decl_start(TokKind kind)
{
    switch (kind) {
    case TOK_CONST:
    case TOK_SHARED:
    case TOK_MUTEX:
    case TOK_COND:
    case TOK_QUEUE:
    case TOK_THREAD:
    case TOK_INVARIANT:
    case TOK_FINAL:
        return true;
    default:
        return false;
    }
}

/* Keywords that start a statement (or a local declaration); a resynchronisation point. */
static bool is_stmt_keyword(TokKind kind)
{
    switch (kind) {
    case TOK_LOCAL:
    case TOK_ASSERT:
    case TOK_AWAIT:
    case TOK_LOCK:
    case TOK_UNLOCK:
    case TOK_WAIT:
    case TOK_SIGNAL:
    case TOK_BROADCAST:
    case TOK_PUT:
    case TOK_GET:
    case TOK_IF:
    case TOK_WHILE:
    case TOK_REPEAT:
    case TOK_CHOOSE:
    case TOK_ATOMIC:
    case TOK_SKIP:
    case TOK_BREAK:
    case TOK_CONTINUE:
    case TOK_RETURN:
        return true;
    default:
        return false;
    }
}

/* After a failed statement that began at 'before': skip (balanced braces) to the next token that
** can start a statement, to a '}' closing the block, or to a declaration. A statement's keyword
** already reported as a value ('x = get q') is not such a token: its statement is that error's. */
static void sync_stmt(Parser *p, uint32_t before)
{
    bool is_stray = p->has_stray && p->cur.loc.off == p->stray_off;
    if ((p->cur.loc.off == before || is_stray) && !check(p, TOK_EOF) && !check(p, TOK_RBRACE) &&
        !is_decl_start(p->cur.kind))
        advance(p); /* the statement took nothing, or its rest is the stray: step over it */
    int nest = 0;
    while (!p->is_fatal && !check(p, TOK_EOF)) {
        TokKind k = p->cur.kind;
        if (nest == 0 && (k == TOK_RBRACE || is_decl_start(k) || is_stmt_keyword(k) ||
                          (k == TOK_IDENT && p->cur.is_line_start)))
            return;
        nest += k == TOK_LBRACE ? 1 : k == TOK_RBRACE ? -1 : 0;
        advance(p);
    }
}

/* Report the missing '}' of the block that 'opener' opened, once for all enclosing blocks. */
static void missing_close(Parser *p, const Token *opener)
{
    if (p->has_quiet && p->quiet_off == p->cur.loc.off)
        return;
    char what[FOUND_MAX + 48];
    snprintf(what, sizeof what, "'}' to close '%.*s' at line %u", (int)opener->loc.len,
             opener->text, line_of(p, opener->loc));
    if (check(p, TOK_EOF)) /* just past the last token, not on the line after it */
        expected(p, what, NULL);
    else /* 'final' or 'thread' where the block goes on */
        expected_token(p, what, NULL);
    p->has_quiet = true;
    p->quiet_off = p->cur.loc.off;
}

static AstNode *parse_var_decl(Parser *p, AstKind kind);

/* True if 'name' is one of the space-separated 'words' (which start and end with a space),
** compared without case or '_' (try_lock, tryLock and TryLock are " trylock "). */
static bool is_word_of(const char *name, size_t len, const char *words)
{
    char word[FOUND_MAX + 3] = " ";
    size_t n = 1;
    for (size_t i = 0; i < len && n < FOUND_MAX + 1; i++)
        if (name[i] != '_')
            word[n++] = (char)tolower((unsigned char)name[i]);
    word[n++] = ' ';
    word[n] = '\0';
    return strstr(words, word) != NULL;
}

/* block -> '{' {stmt} '}'; a thread's body (when 'locals' is not NULL) -> '{' {local_decl}
** {stmt} '}'. 'opener' is the keyword named in the error about a missing '}'. */
static bool parse_block(Parser *p, const Token *opener, AstList *out, AstList *locals,
                        Loc *close_out)
{
    if (!accept(p, TOK_LBRACE)) { /* 'if x = 1 {': the condition ended at the '=' */
        bool is_then = check(p, TOK_IDENT) && is_word_of(p->cur.text, p->cur.loc.len, " then do ");
        expected(p, "'{'",
                 check(p, TOK_ASSIGN)  ? assign_hint(p)
                 : check(p, TOK_COLON) ? "a block is written in braces, '{ ... }', not after ':'"
                 : is_then ? "weft has no 'then' or 'do': the block follows in braces, '{ ... }'"
                           : NULL);
        return false;
    }
    bool ok = enter(p);
    NodeVec stmts = {0}, decls = {0};
    while (ok && !p->is_fatal && !check(p, TOK_RBRACE)) {
        if (check(p, TOK_EOF) || is_decl_start(p->cur.kind)) {
            missing_close(p, opener);
            ok = false;
            break;
        }
        uint32_t before = p->cur.loc.off;
        bool is_local = locals && stmts.len == 0 && check(p, TOK_LOCAL);
        AstNode *s = is_local ? parse_var_decl(p, AST_LOCAL) : parse_stmt(p);
        if (s && is_local)
            vec_push(&decls, s);
        else if (s)
            vec_push(&stmts, s);
        else
            sync_stmt(p, before);
    }
    leave(p);
    ok = ok && !p->is_fatal;
    if (ok) {
        *close_out = p->cur.loc;
        advance(p);
        *out = to_list(p, &stmts);
        if (locals)
            *locals = to_list(p, &decls);
    }
    vec_free(&stmts);
    vec_free(&decls);
    return ok;
}

/* A BLOCK node (choose branch, else part) at its '{'; see parse_block. */
static AstNode *parse_block_node(Parser *p, const Token *opener)
{
    AstNode *n = new_node(p, AST_BLOCK, p->cur.loc);
    return parse_block(p, opener, &n->list, NULL, &n->close_loc) ? n : NULL;
}

/* lvalue -> IDENT ['[' expr ']'] */
static AstNode *parse_lvalue(Parser *p)
{
    AstNode *name = parse_name(p);
    if (!name || !check(p, TOK_LBRACKET))
        return name;
    advance(p);
    AstNode *n = new_node(p, AST_INDEX, name->loc);
    n->a = name;
    if (!(n->b = parse_expr(p)) || !expect(p, TOK_RBRACKET))
        return NULL;
    n->loc = span_prev(p, name->loc);
    return n;
}

/* The weft statement for the method 'm.NAME()' of another language's mutex, condition variable
** or queue: its keyword, then the object, then its tail; NULL if none. */
typedef struct MethodForm {
    const char *names, *keyword, *tail;
} MethodForm;

static const MethodForm *method_form(const char *name, size_t len)
{
    static const MethodForm forms[] = {
        {" lock acquire enter ", "lock", ""},
        {" trylock tryacquire ", "lock", " else { ... }"},
        {" unlock release exit ", "unlock", ""},
        {" wait waitfor await ", "wait", ", MUTEX"},
        {" signal notify notifyone ", "signal", ""},
        {" broadcast notifyall ", "broadcast", ""},
        {" put putnowait append push pushback send offer add enqueue ", "put", ", VALUE"},
        {" get getnowait pop popleft popfront take recv receive poll dequeue ", "get", ", TARGET"},
    };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
        if (is_word_of(name, len, forms[i].names))
            return &forms[i];
    return NULL;
}

/* 'm.lock()', 'q.put(x)' where a statement goes: weft has no methods; the hint names the
** statement meant, and the '.' and the method's name are stepped over, so that the parser
** resynchronises after them (a method 'wait' is not the statement 'wait'). */
static void expected_method(Parser *p, const AstNode *target)
{
    const Token *m = peek(p);
    const MethodForm *form = method_form(m->text, m->loc.len);
    char hint[FOUND_MAX + 96];
    if (form) {
        int n = target->loc.len > FOUND_MAX ? FOUND_MAX : (int)target->loc.len;
        snprintf(hint, sizeof hint, "weft has no methods: write '%s %.*s%s'", form->keyword, n,
                 p->src->text + target->loc.off, form->tail);
        expected(p, "'='", hint);
    } else if (is_word_of(m->text, m->loc.len, " sleep yield ")) { /* time.Sleep(1) */
        expected(p, "'='", HINT_PAUSE);
    } else if (is_word_of(m->text, m->loc.len, " print println printf ")) { /* fmt.Println(x) */
        expected(p, "'='", HINT_OUTPUT);
    } else {
        expected(p, "'='",
                 "weft has no methods or fields: a statement assigns, 'NAME = VALUE', or starts "
                 "with a keyword, 'lock m', 'put q, VALUE'");
    }
    advance(p); /* the '.' */
    if (check(p, TOK_IDENT) || is_stmt_keyword(p->cur.kind))
        advance(p);
}

/* An operator where an assignment's '=' goes ('x += 1', 'x++'): weft has neither; the hint
** spells the assignment out, the target as written (up to FOUND_MAX bytes). Also the habits of
** other languages: a word of theirs ('elif', 'var', 'with'), a method ('m.lock()') or a call
** ('inc()'). */
static void expected_assign(Parser *p, const AstNode *target)
{
    const char *op = lex_kind_text(p->cur.kind);
    const char *habit = target->kind == AST_NAME
                            ? habit_hint(target->name, strlen(target->name), HABIT_STMT)
                            : NULL;
    if (habit) { /* 'x = a and b', 'elif x {', 'for i in ...', 'var y = 1': at the word */
        char found[FOUND_MAX + 16];
        snprintf(found, sizeof found, "'%s'", target->name); /* a habit's word: short */
        expected_at(p, target->loc, "a statement", found, habit);
        return;
    }
    if (target->kind == AST_NAME && check(p, TOK_DOT)) {
        expected_method(p, target);
        return;
    }
    if (target->kind == AST_NAME && check(p, TOK_LPAREN)) {
        expected(p, "'='", "weft has no functions: write the steps out in the thread");
        return;
    }
    if (p->cur.kind != TOK_PLUS && p->cur.kind != TOK_MINUS && p->cur.kind != TOK_STAR &&
        p->cur.kind != TOK_SLASH && p->cur.kind != TOK_PERCENT) {
        expected(p, "'='", NULL);
        return;
    }
    int n = target->loc.len > FOUND_MAX ? FOUND_MAX : (int)target->loc.len;
    const char *x = p->src->text + target->loc.off;
    char hint[3 * FOUND_MAX + 96];
    char step[16] = ""; /* x++, x-- */
    if (p->cur.kind == TOK_PLUS || p->cur.kind == TOK_MINUS)
        snprintf(step, sizeof step, " or '%s%s'", op, op);
    snprintf(hint, sizeof hint, "weft has no '%s='%s: write it out, '%.*s = %.*s %s ...'", op, step,
             n, x, n, x, op);
    expected(p, "'='", hint);
}

/* assign -> lvalue '=' expr */
static AstNode *parse_assign(Parser *p)
{
    AstNode *n = new_node(p, AST_ASSIGN, p->cur.loc);
    if (!(n->a = parse_lvalue(p)))
        return NULL;
    if (!accept(p, TOK_ASSIGN)) {
        expected_assign(p, n->a);
        return NULL;
    }
    if (!(n->b = parse_expr(p)))
        return NULL;
    n->loc = span_prev(p, n->a->loc);
    return n;
}

/* A keyword followed by what 'shape' says: 'e' an expression, 'n' a name, 'x' an lvalue, ','
** a comma, 'E' an optional 'else' block (sets has_else). Children fill a, then b. Covers
** assert/await e, lock n [else], unlock/signal/broadcast n, wait n,n, put n,e [else],
** get n,x [else], and the bare skip/break/continue/return. */
static AstNode *parse_simple(Parser *p, AstKind kind, const char *shape)
{
    Token kw = p->cur;
    AstNode *n = new_node(p, kind, kw.loc);
    advance(p);
    AstNode **slot = &n->a;
    for (const char *c = shape; *c; c++) {
        if (*c == ',') {
            if (!accept(p, TOK_COMMA)) { /* 'wait c' */
                expected(p, "','",
                         kind == AST_WAIT  ? "the form is 'wait COND, MUTEX'"
                         : kind == AST_PUT ? "the form is 'put QUEUE, VALUE'"
                                           : "the form is 'get QUEUE, TARGET'");
                return NULL;
            }
            continue;
        }
        if (*c == 'E') {
            if (check(p, TOK_ELSE)) {
                Token else_kw = p->cur;
                advance(p);
                n->has_else = true;
                n->loc = span_prev(p, kw.loc);
                if (!parse_block(p, &else_kw, &n->list, NULL, &n->close_loc))
                    return NULL;
                return n;
            }
            continue;
        }
        *slot = *c == 'e' ? parse_expr(p) : *c == 'n' ? parse_name(p) : parse_lvalue(p);
        if (!*slot)
            return NULL;
        slot = &n->b;
    }
    n->loc = span_prev(p, kw.loc);
    return n;
}

/* if_stmt -> 'if' expr block ['else' (if_stmt | block)]
** Built in a loop, so a long 'else if' chain costs no stack. */
static AstNode *parse_if(Parser *p)
{
    AstNode *first = NULL, *last = NULL;
    int n_levels = 0; /* each 'else if' nests the tree one level deeper */
    for (;;) {
        Token kw = p->cur;
        advance(p);
        AstNode *n = new_node(p, AST_IF, kw.loc);
        n->loc = (n->a = parse_expr(p)) ? span_prev(p, kw.loc) : kw.loc;
        if (!n->a || !parse_block(p, &kw, &n->list, NULL, &n->close_loc))
            break;
        if (last)
            last->c = n;
        else
            first = n;
        last = n;
        Token else_kw = p->cur;
        if (!accept(p, TOK_ELSE)) {
            p->depth -= n_levels;
            return first;
        }
        if (!check(p, TOK_IF)) {
            last->c = parse_block_node(p, &else_kw);
            p->depth -= n_levels;
            return last->c ? first : NULL;
        }
        n_levels++;
        if (!enter(p))
            break;
    }
    p->depth -= n_levels;
    return NULL;
}

/* loop -> ('while' | 'repeat') expr block */
static AstNode *parse_loop(Parser *p, AstKind kind)
{
    Token kw = p->cur;
    advance(p);
    AstNode *n = new_node(p, kind, kw.loc);
    if (!(n->a = parse_expr(p)))
        return NULL;
    n->loc = span_prev(p, kw.loc);
    return parse_block(p, &kw, &n->list, NULL, &n->close_loc) ? n : NULL;
}

/* atomic_stmt -> 'atomic' block */
static AstNode *parse_atomic(Parser *p)
{
    Token kw = p->cur;
    advance(p);
    AstNode *n = new_node(p, AST_ATOMIC, kw.loc);
    return parse_block(p, &kw, &n->list, NULL, &n->close_loc) ? n : NULL;
}

/* choose_stmt -> 'choose' block {'or' block} */
static AstNode *parse_choose(Parser *p)
{
    Token kw = p->cur;
    advance(p);
    AstNode *n = new_node(p, AST_CHOOSE, kw.loc);
    NodeVec branches = {0};
    Token opener = kw;
    AstNode *b;
    while ((b = parse_block_node(p, &opener)) != NULL) {
        vec_push(&branches, b);
        n->close_loc = b->close_loc;
        opener = p->cur;
        if (!accept(p, TOK_OR))
            break;
    }
    n->list = to_list(p, &branches);
    vec_free(&branches);
    return b ? n : NULL;
}

/* 'return', which takes no value: a value on its line ('return x') gets a hint. */
static AstNode *parse_return(Parser *p)
{
    AstNode *n = parse_simple(p, AST_RETURN, "");
    if (n && is_operand_start(&p->cur)) {
        expected(p, "the end of 'return'",
                 "a thread returns no value: keep a result in a 'shared' variable");
        return NULL;
    }
    return n;
}

/* simple_stmt -> assign | assert/await/lock/unlock/wait/signal/broadcast/put/get/skip/break/
**                continue/return ... | if_stmt | while | repeat | choose_stmt | atomic_stmt */
static AstNode *parse_simple_stmt(Parser *p)
{
    switch (p->cur.kind) {
    case TOK_IDENT:
        return parse_assign(p);
    case TOK_ASSERT:
        return parse_simple(p, AST_ASSERT, "e");
    case TOK_AWAIT:
        return parse_simple(p, AST_AWAIT, "e");
    case TOK_LOCK:
        return parse_simple(p, AST_LOCK, "nE");
    case TOK_UNLOCK:
        return parse_simple(p, AST_UNLOCK, "n");
    case TOK_WAIT:
        return parse_simple(p, AST_WAIT, "n,n");
    case TOK_SIGNAL:
        return parse_simple(p, AST_SIGNAL, "n");
    case TOK_BROADCAST:
        return parse_simple(p, AST_BROADCAST, "n");
    case TOK_PUT:
        return parse_simple(p, AST_PUT, "n,eE");
    case TOK_GET:
        return parse_simple(p, AST_GET, "n,xE");
    case TOK_SKIP:
        return parse_simple(p, AST_SKIP, "");
    case TOK_BREAK:
        return parse_simple(p, AST_BREAK, "");
    case TOK_CONTINUE:
        return parse_simple(p, AST_CONTINUE, "");
    case TOK_RETURN:
        return parse_return(p);
    case TOK_IF:
        return parse_if(p);
    case TOK_WHILE:
        return parse_loop(p, AST_WHILE);
    case TOK_REPEAT:
        return parse_loop(p, AST_REPEAT);
    case TOK_CHOOSE:
        return parse_choose(p);
    case TOK_ATOMIC:
        return parse_atomic(p);
    case TOK_LOCAL:
        expected_token(p, "a statement", "local declarations come first in a thread");
        return NULL;
    default: /* 'assert x = 1', '} or {' after a block that is not a choice */
        if (check(p, TOK_COUNT) || check(p, TOK_DONE) || check(p, TOK_LEN) || check(p, TOK_HELD) ||
            check(p, TOK_ALL) || check(p, TOK_ANY) || check(p, TOK_IN) ||
            check(p, TOK_ID)) { /* 'count = 1': names in other languages */
            char hint[64];
            snprintf(hint, sizeof hint, "'%s' is a keyword of weft's: choose another name",
                     lex_kind_text(p->cur.kind));
            expected_token(p, "a statement", hint);
            return NULL;
        }
        expected_token(p, "a statement",
                       check(p, TOK_ASSIGN) ? assign_hint(p)
                       : check(p, TOK_OR)
                           ? "'or' joins the branches of 'choose { ... } or { ... }'; "
                             "to join tests, write '||'"
                           : NULL);
        return NULL;
    }
}

/* stmt -> [IDENT ':'] simple_stmt */
static AstNode *parse_stmt(Parser *p)
{
    if (!check(p, TOK_IDENT) || peek(p)->kind != TOK_COLON)
        return parse_simple_stmt(p);
    Token label = p->cur;
    advance(p);
    advance(p);
    if (!check(p, TOK_IDENT) && !is_stmt_keyword(p->cur.kind)) {
        char what[FOUND_MAX + 48];
        snprintf(what, sizeof what, "a statement after the label '%.*s'",
                 label.loc.len > FOUND_MAX ? FOUND_MAX : (int)label.loc.len, label.text);
        expected_token(p, what, check(p, TOK_ASSIGN) ? "weft assigns with '=', not ':='" : NULL);
        return NULL;
    }
    AstNode *s = parse_simple_stmt(p);
    if (s) {
        s->label = arena_strndup(p->arena, label.text, label.loc.len);
        s->label_loc = label.loc;
    }
    return s;
}

/* ---- declarations ---- */

/* range -> [':' expr '..' expr]: into n->lo and n->hi (both NULL when absent); false on error */
static bool parse_range(Parser *p, AstNode *n)
{
    if (!accept(p, TOK_COLON))
        return true;
    if (!(n->lo = parse_expr(p)))
        return false;
    if (!accept(p, TOK_DOTDOT)) { /* 'shared x: int = 0' */
        expected(p, "'..'",
                 n->lo->kind == AST_NAME
                     ? "weft has no types: a variable holds an integer, or true "
                       "or false; a range is written 'LO..HI'"
                     : NULL);
        return false;
    }
    return (n->hi = parse_expr(p)) != NULL;
}

/* var_decl -> ('shared' | 'local') IDENT ['[' expr ']'] range '=' (expr | list) */
static AstNode *parse_var_decl(Parser *p, AstKind kind)
{
    Loc start = p->cur.loc;
    advance(p);
    AstNode *n = new_node(p, kind, start);
    if (!take_name(p, n))
        return NULL;
    if (accept(p, TOK_LBRACKET) && (!(n->a = parse_expr(p)) || !expect(p, TOK_RBRACKET)))
        return NULL;
    if (!parse_range(p, n) || !expect(p, TOK_ASSIGN))
        return NULL;
    if (!(n->b = check(p, TOK_LBRACKET) ? parse_list(p) : parse_expr(p)))
        return NULL;
    n->loc = span_prev(p, start);
    return n;
}

/* const_decl -> 'const' IDENT '=' expr */
static AstNode *parse_const(Parser *p)
{
    Loc start = p->cur.loc;
    advance(p);
    AstNode *n = new_node(p, AST_CONST, start);
    if (!take_name(p, n) || !expect(p, TOK_ASSIGN) || !(n->a = parse_expr(p)))
        return NULL;
    n->loc = span_prev(p, start);
    return n;
}

/* sync_decl -> ('mutex' | 'cond') IDENT */
static AstNode *parse_sync_decl(Parser *p, AstKind kind)
{
    Loc start = p->cur.loc;
    advance(p);
    AstNode *n = new_node(p, kind, start);
    if (!take_name(p, n))
        return NULL;
    n->loc = span_prev(p, start);
    return n;
}

/* queue_decl -> 'queue' IDENT '[' expr ']' range ['=' list] */
static AstNode *parse_queue(Parser *p)
{
    Loc start = p->cur.loc;
    advance(p);
    AstNode *n = new_node(p, AST_QUEUE, start);
    if (!take_name(p, n) || !expect(p, TOK_LBRACKET) || !(n->a = parse_expr(p)) ||
        !expect(p, TOK_RBRACKET))
        return NULL;
    if (!parse_range(p, n))
        return NULL;
    if (accept(p, TOK_ASSIGN) && !(n->b = parse_list(p)))
        return NULL;
    n->loc = span_prev(p, start);
    return n;
}

/* thread_decl -> 'thread' IDENT ['[' expr ']'] '{' {local_decl} {stmt} '}' */
static AstNode *parse_thread(Parser *p)
{
    Token kw = p->cur;
    advance(p);
    AstNode *n = new_node(p, AST_THREAD, kw.loc);
    if (!take_name(p, n))
        return NULL;
    if (accept(p, TOK_LBRACKET) && (!(n->a = parse_expr(p)) || !expect(p, TOK_RBRACKET)))
        return NULL;
    if (check(p, TOK_LPAREN)) { /* 'thread main() {' */
        expected(p, "'{'",
                 "a thread takes no parameters: 'thread NAME[COUNT] { ... }' runs COUNT "
                 "instances, each with its own 'id'");
        return NULL;
    }
    n->loc = span_prev(p, kw.loc);
    return parse_block(p, &kw, &n->list, &n->list2, &n->close_loc) ? n : NULL;
}

/* property -> ('invariant' | 'final') [IDENT ':'] expr */
static AstNode *parse_property(Parser *p, AstKind kind)
{
    Loc start = p->cur.loc;
    advance(p);
    AstNode *n = new_node(p, kind, start);
    if (check(p, TOK_IDENT) && peek(p)->kind == TOK_COLON) {
        take_name(p, n);
        advance(p);
    }
    if (is_keyword(p->cur.kind) && peek(p)->kind == TOK_COLON) { /* 'final done: ...' */
        char hint[64];
        snprintf(hint, sizeof hint, "'%s' is a keyword of weft's: a label needs another name",
                 lex_kind_text(p->cur.kind));
        expected(p, "expression", hint);
        return NULL;
    }
    if (check(p, TOK_COLON)) { /* 'final: x == 1' */
        expected(p, "expression",
                 kind == AST_FINAL ? "no ':' after 'final': 'final EXPR', or with a label, "
                                     "'final LABEL: EXPR'"
                                   : "no ':' after 'invariant': 'invariant EXPR', or with a "
                                     "label, 'invariant LABEL: EXPR'");
        return NULL;
    }
    if (!(n->a = parse_expr(p)))
        return NULL;
    if (check(p, TOK_ASSIGN)) { /* 'final x = 1' */
        expected(p, "the end of the property", assign_hint(p));
        return NULL;
    }
    n->loc = span_prev(p, start);
    return n;
}

/* decl -> const_decl | var_decl | sync_decl | queue_decl | thread_decl | property */
static AstNode *parse_decl(Parser *p)
{
    switch (p->cur.kind) {
    case TOK_CONST:
        return parse_const(p);
    case TOK_SHARED:
        return parse_var_decl(p, AST_SHARED);
    case TOK_MUTEX:
        return parse_sync_decl(p, AST_MUTEX);
    case TOK_COND:
        return parse_sync_decl(p, AST_COND);
    case TOK_QUEUE:
        return parse_queue(p);
    case TOK_THREAD:
        return parse_thread(p);
    case TOK_INVARIANT:
        return parse_property(p, AST_INVARIANT);
    case TOK_FINAL:
        return parse_property(p, AST_FINAL);
    default: {
        TokKind next = peek(p)->kind;
        const char *hint =
            check(p, TOK_IDENT) ? habit_hint(p->cur.text, p->cur.loc.len, HABIT_DECL) /* 'int x' */
            : check(p, TOK_ASSERT) ? "a property of every state is declared 'invariant EXPR'"
            : check(p, TOK_LOCK)   ? "a mutex is declared 'mutex NAME'" /* lock = Lock() */
                                   : NULL;
        if (!hint && check(p, TOK_IDENT) && next == TOK_ASSIGN) /* 'counter = 0' */
            hint = HINT_SHARED;
        else if (!hint && check(p, TOK_IDENT) && (next == TOK_DOT || next == TOK_LPAREN))
            hint = "weft runs no statement outside a thread: every 'thread' starts by itself";
        expected_token(
            p, "a declaration (const, shared, mutex, cond, queue, thread, invariant, final)", hint);
        return NULL;
    }
    }
}

/* True if the current token is the first of its line: a declaration starts a line, so a
** keyword in the middle of one ('shared q = queue(2)') is not where the next one begins. */
static bool is_line_start(const Parser *p)
{
    for (uint32_t i = p->cur.loc.off; i > 0; i--) {
        char c = p->src->text[i - 1];
        if (c == '\n')
            return true;
        if (c != ' ' && c != '\t' && c != '\r')
            return false;
    }
    return true;
}

/* After a failed declaration that began at 'before': skip (balanced braces) to the next
** declaration keyword that starts a line. */
static void sync_decl(Parser *p, uint32_t before)
{
    if (p->cur.loc.off == before && !check(p, TOK_EOF))
        advance(p);
    int nest = 0;
    while (!p->is_fatal && !check(p, TOK_EOF)) {
        if (nest <= 0 && is_decl_start(p->cur.kind) && is_line_start(p))
            return;
        nest += check(p, TOK_LBRACE) ? 1 : check(p, TOK_RBRACE) ? -1 : 0;
        advance(p);
    }
}

/* model -> {decl} EOF */
AstNode *parse_model(Arena *arena, const Source *src, Diag *d)
{
    Parser p;
    memset(&p, 0, sizeof p);
    p.arena = arena;
    p.src = src;
    p.d = d;
    lex_init(&p.lx, src, d);
    p.cur = lex_next(&p.lx);
    note_full(&p);
    AstNode *model = new_node(&p, AST_MODEL, (Loc){0, (uint32_t)src->len});
    NodeVec decls = {0};
    while (!p.is_fatal && !check(&p, TOK_EOF)) {
        uint32_t before = p.cur.loc.off;
        AstNode *decl = parse_decl(&p);
        if (decl)
            vec_push(&decls, decl);
        else
            sync_decl(&p, before);
    }
    model->list = to_list(&p, &decls);
    vec_free(&decls);
    return model;
}
