/*
** ast.c -- names of node kinds and the indented text form of a tree.
**
** One node a line: its kind, then what it holds (value, 'operator', name, label=..., else), then
** '@line:col' when a Source is given; its children follow, indented two more spaces, in source
** order: a, b, lo, hi, the locals (list2), the statements or elements (list), then c. A child
** whose role its kind alone does not tell (SHARED's size and init, IF's else part, ...) is
** prefixed with the role. The form is stable: tests compare it.
*/
#include "ast.h"

#include "lex.h"

/* clang-format off */
static const char *const kind_names[] = {
#define X(name) #name,
    AST_LIST(X)
#undef X
};
/* clang-format on */

const char *ast_kind_name(AstKind kind)
{
    return (unsigned)kind < AST_KIND_COUNT ? kind_names[kind] : "?";
}

/* The role printed before child slot 'slot' ('a', 'b' or 'c') of 'kind', or NULL for none. */
static const char *role(AstKind kind, char slot)
{
    switch (kind) {
    case AST_SHARED:
    case AST_LOCAL:
        return slot == 'a' ? "size" : slot == 'b' ? "init" : NULL;
    case AST_QUEUE:
        return slot == 'a' ? "cap" : slot == 'b' ? "init" : NULL;
    case AST_THREAD:
        return slot == 'a' ? "count" : NULL;
    case AST_IF:
        return slot == 'c' ? "else" : NULL;
    default:
        return NULL;
    }
}

/* The head line of one node, without indentation or newline. */
static void dump_head(const AstNode *n, const Source *src, FILE *out)
{
    fputs(ast_kind_name(n->kind), out);
    switch (n->kind) {
    case AST_INT:
        fprintf(out, " %lld", (long long)n->value);
        break;
    case AST_BOOL:
        fputs(n->value ? " true" : " false", out);
        break;
    case AST_UNARY:
    case AST_BINARY:
        fprintf(out, " '%s'", lex_kind_text((TokKind)n->op));
        break;
    case AST_QUANT:
        fprintf(out, " %s", lex_kind_text((TokKind)n->op));
        break;
    default:
        break;
    }
    if (n->name)
        fprintf(out, " %s", n->name);
    if (n->label)
        fprintf(out, " label=%s", n->label);
    if (n->has_else)
        fputs(" else", out);
    if (src) {
        uint32_t line, col;
        src_line_col(src, n->loc.off, &line, &col);
        fprintf(out, " @%u:%u", line, col);
    }
}

static void dump_node(const AstNode *n, const Source *src, FILE *out, int indent,
                      const char *prefix);

static void dump_list(const AstList *list, const Source *src, FILE *out, int indent)
{
    for (uint32_t i = 0; i < list->len; i++)
        dump_node(list->items[i], src, out, indent, NULL);
}

static void dump_node(const AstNode *n, const Source *src, FILE *out, int indent,
                      const char *prefix)
{
    fprintf(out, "%*s", indent * 2, "");
    if (prefix)
        fprintf(out, "%s: ", prefix);
    if (!n) {
        fputs("(null)\n", out);
        return;
    }
    dump_head(n, src, out);
    fputc('\n', out);
    if (n->a)
        dump_node(n->a, src, out, indent + 1, role(n->kind, 'a'));
    if (n->b)
        dump_node(n->b, src, out, indent + 1, role(n->kind, 'b'));
    if (n->lo)
        dump_node(n->lo, src, out, indent + 1, "lo");
    if (n->hi)
        dump_node(n->hi, src, out, indent + 1, "hi");
    dump_list(&n->list2, src, out, indent + 1);
    dump_list(&n->list, src, out, indent + 1);
    if (n->c)
        dump_node(n->c, src, out, indent + 1, role(n->kind, 'c'));
}

void ast_dump(const AstNode *node, FILE *out)
{
    dump_node(node, NULL, out, 0, NULL);
}

void ast_dump_src(const AstNode *node, const Source *src, FILE *out)
{
    dump_node(node, src, out, 0, NULL);
}
