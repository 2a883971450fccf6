/*
** ast.h -- the syntax tree of a .weft model.
**
** One general node type; which children a kind uses is listed beside it below. Nodes live in the
** parser's Arena and die with it. The parser only builds the tree; names are looked up, values
** computed and types checked by resolve/compile.
*/
#ifndef WEFT_AST_H
#define WEFT_AST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "diag.h"

/* clang-format off */
#define AST_LIST(X)                                                                          \
    /* expressions */                                                                        \
    X(INT)        /* value: a non-negative literal (up to 2147483648, see NEG)             */\
    X(BOOL)       /* value: 1 for true, 0 for false                                        */\
    X(NAME)       /* name: a const, shared, local, quantifier variable, or thread name     */\
    X(ID)         /* the instance index 'id'                                               */\
    X(INDEX)      /* a[b]: a is NAME (array, or thread array in properties) or FIELD       */\
    X(UNARY)      /* op a: op is TOK_MINUS or TOK_BANG                                      */\
    X(BINARY)     /* a op b: op is the operator's TokKind                                  */\
    X(LEN)        /* len(a): a is NAME of a queue                                          */\
    X(HELD)       /* held(a): a is NAME of a mutex                                         */\
    X(FIELD)      /* a.name: a is NAME or INDEX naming a thread; name is its local         */\
    X(AT)         /* a@name: a is NAME or INDEX naming a thread (count: NAME of an array)  */\
    X(COUNT)      /* count(a): a is AT whose thread is a thread array without index        */\
    X(DONE)       /* done(a): a is NAME or INDEX naming a thread                           */\
    X(QUANT)      /* all/any name in a..b: c; op is TOK_ALL or TOK_ANY                      */\
    X(LIST)       /* [e0, e1, ...]: list holds the elements (array/queue initialisers)     */\
    /* statements; every statement may carry label/label_loc */                            \
    X(ASSIGN)     /* a = b: a is NAME or INDEX                                             */\
    X(ASSERT)     /* assert a                                                              */\
    X(AWAIT)      /* await a                                                               */\
    X(LOCK)       /* lock a [else { list }]: a NAME; has_else                              */\
    X(UNLOCK)     /* unlock a                                                              */\
    X(WAIT)       /* wait a, b: a cond NAME, b mutex NAME                                  */\
    X(SIGNAL)     /* signal a                                                              */\
    X(BROADCAST)  /* broadcast a                                                           */\
    X(PUT)        /* put a, b [else { list }]: a queue NAME, b value; has_else             */\
    X(GET)        /* get a, b [else { list }]: a queue NAME, b target NAME/INDEX; has_else */\
    X(IF)         /* if a { list } [else c]: c is NULL, an IF (else if) or a BLOCK         */\
    X(WHILE)      /* while a { list }                                                      */\
    X(REPEAT)     /* repeat a { list }                                                     */\
    X(CHOOSE)     /* choose { } or { } ...: list holds one BLOCK per branch                */\
    X(ATOMIC)     /* atomic { list }                                                       */\
    X(SKIP)       /* skip                                                                  */\
    X(BREAK)      /* break                                                                 */\
    X(CONTINUE)   /* continue                                                              */\
    X(RETURN)     /* return                                                                */\
    X(BLOCK)      /* { list }: a branch of choose, an else part                            */\
    /* declarations */                                                                     \
    X(CONST)      /* const name = a                                                        */\
    X(SHARED)     /* shared name[: lo..hi] = b, or name[a] = b; b may be a LIST             */\
    X(LOCAL)      /* local name ...: as SHARED                                             */\
    X(MUTEX)      /* mutex name                                                            */\
    X(COND)       /* cond name                                                             */\
    X(QUEUE)      /* queue name[a] [: lo..hi] [= b]: b a LIST or NULL                       */\
    X(THREAD)     /* thread name[a] { list2 locals, list body }: a NULL for one thread     */\
    X(INVARIANT)  /* invariant [name:] a: name NULL when unlabelled                        */\
    X(FINAL)      /* final [name:] a                                                       */\
    X(MODEL)      /* the whole file: list holds the declarations in order                  */
/* clang-format on */

typedef enum {
#define X(name) AST_##name,
    AST_LIST(X)
#undef X
        AST_KIND_COUNT
} AstKind;

typedef struct AstNode AstNode;

/* A list of child nodes (arena memory). */
typedef struct AstList {
    AstNode **items; /* the children in source order */
    uint32_t len;    /* number of children */
} AstList;

struct AstNode {
    AstKind kind;       /* what this node is */
    Loc loc;            /* the whole construct's head: for a statement its text up to any '{' */
    int op;             /* UNARY/BINARY/QUANT: the operator's TokKind */
    int64_t value;      /* INT/BOOL: the literal's value */
    const char *name;   /* declared or used name; property label; NULL where none */
    Loc name_loc;       /* where 'name' stands */
    const char *label;  /* statement label ("read" in 'read: tmp = counter'), or NULL */
    Loc label_loc;      /* where the label stands */
    AstNode *a, *b, *c; /* children, by kind (see AST_LIST) */
    AstNode *lo, *hi;   /* SHARED/LOCAL/QUEUE: the declared range bounds, or NULL */
    AstList list;       /* block statements, list elements, declarations, branches */
    AstList list2;      /* THREAD: its local declarations */
    bool has_else;      /* LOCK/PUT/GET: an else-block follows (in list) */
    Loc close_loc;      /* blocks: where the closing '}' stands (for error notes) */
};

/* The name of a kind, e.g. "ASSIGN". */
const char *ast_kind_name(AstKind kind);

/* Print the tree in an indented, stable text form (tests compare it). */
void ast_dump(const AstNode *node, FILE *out);
/* As ast_dump, with each node's 1-based line:col in 'src' ("BINARY '+' @3:9"). */
void ast_dump_src(const AstNode *node, const Source *src, FILE *out);

#endif
