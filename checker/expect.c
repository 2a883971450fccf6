/*
** expect.c -- read a model's '# expect:' line and judge a search result against it.
*/
#include "expect.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "util.h"

enum { MAX_WORDS = 4 };

/* Split 'words' at blanks into at most MAX_WORDS words (more: n_out is MAX_WORDS + 1). */
static size_t split_words(const char *words, char *buf, size_t buf_len, char **word)
{
    size_t n = 0, len = strlen(words);
    if (len >= buf_len)
        len = buf_len - 1;
    memcpy(buf, words, len);
    buf[len] = '\0';
    for (char *p = strtok(buf, " \t\r\n"); p; p = strtok(NULL, " \t\r\n")) {
        if (n == MAX_WORDS)
            return MAX_WORDS + 1;
        word[n++] = p;
    }
    return n;
}

bool expect_parse(const char *words, ModelExpect *out)
{
    static const ViolKind kinds[] = {VIOL_INVARIANT, VIOL_FINAL, VIOL_ASSERT, VIOL_ERROR,
                                     VIOL_DEADLOCK};
    char buf[512];
    char *word[MAX_WORDS];
    size_t n = split_words(words, buf, sizeof buf, word);
    *out = (ModelExpect){0};
    if (n == 1 && !strcmp(word[0], "ok")) {
        out->verdict = EXPECT_OK;
    } else if (n >= 1 && n <= 3 && !strcmp(word[0], "violation")) {
        out->verdict = EXPECT_VIOLATION;
        if (n >= 2) {
            size_t k = 0, n_kinds = sizeof kinds / sizeof kinds[0];
            while (k < n_kinds && strcmp(search_viol_kind_name(kinds[k]), word[1]) != 0)
                k++;
            if (k == n_kinds)
                return false;
            out->has_kind = true;
            out->kind = kinds[k];
        }
        if (n == 3)
            out->label = xstrdup(word[2]);
    } else {
        return false;
    }
    size_t len = 0;
    char text[512];
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", i ? " " : "", word[i]);
    out->text = xstrdup(text);
    return true;
}

bool expect_read(const char *path, ModelExpect *out, char **err_out)
{
    *out = (ModelExpect){0};
    Source *src = src_read_file(path, err_out); /* read once: a pipe is read again from it */
    if (!src)
        return false;
    char line[512], msg[1024];
    unsigned n = 0;
    bool found = false, ok = false;
    for (uint32_t i = 1; i <= src->n_lines && !found; i++) {
        size_t len;
        const char *text = src_line_text(src, i, &len);
        n = i;
        if (len < 9 || strncmp(text, "# expect:", 9) != 0)
            continue;
        found = true;
        snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line ? len : sizeof line - 1), text);
        ok = expect_parse(line + 9, out);
        out->line = n;
    }
    src_free(src);
    if (!found)
        snprintf(msg, sizeof msg,
                 "%s: no '# expect: ok|violation [KIND [LABEL]]' line (--expect-from-model)", path);
    else if (!ok) {
        line[strcspn(line, "\r\n")] = '\0';
        snprintf(msg, sizeof msg,
                 "%s:%u: invalid '%s' (expected '# expect: ok' or '# expect: violation [KIND "
                 "[LABEL]]', KIND one of invariant, final, assert, error, deadlock)",
                 path, n, line);
    }
    if (!found || !ok) {
        *err_out = xstrdup(msg);
        expect_fini(out);
        return false;
    }
    return true;
}

void expect_fini(ModelExpect *e)
{
    free(e->label);
    free(e->text);
    e->label = e->text = NULL;
}

/* Does violation 'v' match KIND [LABEL]? */
static bool viol_matches(const ModelExpect *e, const Program *prog, const Violation *v)
{
    if (v->kind != e->kind)
        return false;
    if (!e->label)
        return true;
    if (v->prop >= 0 && prog->props[v->prop].label && !strcmp(prog->props[v->prop].label, e->label))
        return true;
    char line[16];
    snprintf(line, sizeof line, "%u", v->line);
    return v->kind != VIOL_DEADLOCK && !strcmp(line, e->label);
}

bool expect_met(const ModelExpect *e, const Program *prog, const SearchResult *res, Verdict v)
{
    if (e->verdict == EXPECT_OK)
        return v == VERDICT_OK;
    if (v != VERDICT_VIOLATION)
        return false;
    if (!e->has_kind)
        return true;
    for (size_t i = 0; i < res->n_viols; i++)
        if (viol_matches(e, prog, &res->viols[i]))
            return true;
    return false;
}

static bool is_number(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

bool expect_check(const ModelExpect *e, const Program *prog, const char *path, char **err_out)
{
    if (!e->has_kind || !e->label)
        return true;
    const char *kind = search_viol_kind_name(e->kind);
    char *why = NULL;
    if (e->kind == VIOL_DEADLOCK) {
        why = xstrdup("a deadlock has no label");
    } else if (e->kind == VIOL_ASSERT) {
        if (!is_number(e->label))
            why = xasprintf("an assert is named by its line number, not '%s'", e->label);
    } else if (!is_number(e->label)) {
        const char *noun = e->kind == VIOL_ERROR ? "property" : kind, *other = NULL;
        VEC(const char *) labels = {0}; /* of the properties that can break so */
        for (uint32_t p = 0; p < prog->n_props; p++) {
            const Property *pr = &prog->props[p];
            bool is_kind = e->kind == VIOL_ERROR ||
                           (e->kind == VIOL_INVARIANT) == (pr->kind == PROP_INVARIANT);
            if (pr->label && is_kind)
                vec_push(&labels, pr->label);
            else if (pr->label && !strcmp(pr->label, e->label))
                other = pr->kind == PROP_INVARIANT ? "an invariant" : "a final";
        }
        bool is_found = false;
        for (size_t i = 0; i < labels.len; i++)
            is_found = is_found || !strcmp(labels.items[i], e->label);
        const char *best = diag_suggest(e->label, labels.items, labels.len);
        if (!is_found && other)
            why =
                xasprintf("the model has no %s '%s' ('%s' is %s)", noun, e->label, e->label, other);
        else if (!is_found && best)
            why = xasprintf("the model has no %s '%s' (did you mean '%s'?)", noun, e->label, best);
        else if (!is_found)
            why = xasprintf("the model has no %s '%s'", noun, e->label);
        vec_free(&labels);
    }
    if (!why)
        return true;
    *err_out = xasprintf("%s:%u: '# expect: %s' can never be met: %s", path, e->line, e->text, why);
    free(why);
    return false;
}
