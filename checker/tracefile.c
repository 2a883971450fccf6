/*
** tracefile.c -- write and read JSON traces (docs/json.md, "trace").
**
** Writing builds json-c objects and lets json-c print them, so every string is escaped right.
** Reading checks the shape field by field and says which field of which step is wrong, so that
** a hand-edited or truncated trace gets a message a user can act on, never a crash.
*/
#include "tracefile.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "outfile.h"
#include "util.h"

/* ---- writing ---- */

const char *tracefile_basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* A string, or JSON null for NULL. */
static json_object *json_str_or_null(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

json_object *tracefile_step_json(const Program *prog, const Trace *tr, uint32_t i)
{
    const TraceStep *s = &tr->steps[i];
    const Thread *th = &prog->threads[s->tid];
    const Template *tm = &prog->templates[th->tmpl];
    const Pos *pos = &tm->pos[s->pos];
    json_object *o = json_object_new_object();
    json_object_object_add(o, "step", json_object_new_int64((int64_t)i + 1));
    json_object_object_add(o, "thread", json_object_new_string(th->name));
    json_object_object_add(o, "tid", json_object_new_int64(s->tid));
    json_object_object_add(o, "k", json_object_new_int64(s->k));
    json_object_object_add(o, "label",
                           json_str_or_null(pos->label >= 0 ? tm->labels[pos->label] : NULL));
    json_object_object_add(o, "line", json_object_new_int64(pos->line));
    json_object_object_add(o, "statement", json_object_new_string(pos->text));
    json_object_object_add(o, "preemption", json_object_new_boolean(s->is_preemption));
    return o;
}

json_object *tracefile_constants_json(const Program *prog)
{
    json_object *o = json_object_new_object();
    for (uint32_t i = 0; i < prog->n_consts; i++)
        json_object_object_add(o, prog->const_names[i],
                               json_object_new_int64(prog->const_values[i]));
    return o;
}

/* What a trace says about its violation: enough for replay to confirm it. */
static json_object *violation_json(const Program *prog, const Violation *v)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "kind", json_object_new_string(search_viol_kind_name(v->kind)));
    const char *label = v->prop >= 0 ? prog->props[v->prop].label : NULL;
    json_object_object_add(o, "property", json_str_or_null(label));
    json_object_object_add(o, "line", json_object_new_int64(v->line));
    json_object_object_add(o, "message", json_str_or_null(v->message));
    return o;
}

json_object *tracefile_json(const Program *prog, const Violation *v, const Trace *tr)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "format", json_object_new_string(TRACEFILE_FORMAT));
    json_object_object_add(o, "version", json_object_new_int(TRACEFILE_VERSION));
    json_object_object_add(o, "model",
                           json_object_new_string(tracefile_basename(prog->model_name)));
    json_object_object_add(o, "constants", tracefile_constants_json(prog));
    json_object_object_add(o, "violation", violation_json(prog, v));
    json_object *steps = json_object_new_array();
    for (uint32_t i = 0; i < tr->n_steps; i++)
        json_object_array_add(steps, tracefile_step_json(prog, tr, i));
    json_object_object_add(o, "steps", steps);
    return o;
}

/* 'o' as text (json-c's, freed with 'o'). Where json-c cannot grow its buffer it leaves the rest
** of a string out (a 32 MiB statement comes out as "") and says so only in errno, or returns
** NULL: abort as xmalloc does, never write a text cut short. */
static const char *json_text(json_object *o, int flags)
{
    errno = 0;
    const char *text = json_object_to_json_string_ext(o, flags);
    if (!text || errno == ENOMEM)
        util_oom(BUFSIZ);
    return text;
}

void tracefile_write_line(FILE *out, const Program *prog, const Violation *v, const Trace *tr)
{
    json_object *o = tracefile_json(prog, v, tr);
    fputs(json_text(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE), out);
    fputc('\n', out);
    json_object_put(o);
}

bool tracefile_save(const char *path, json_object *obj, char **err_out)
{
    const char *text =
        json_text(obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                           JSON_C_TO_STRING_NOSLASHESCAPE); /* before the file is made */
    OutFile of;
    if (!outfile_open(&of, path, err_out))
        return false;
    fputs(text, of.f);
    fputc('\n', of.f);
    return outfile_commit(&of, true, err_out);
}

/* ---- reading ---- */

void tracefile_free(TraceFile *tf)
{
    if (!tf)
        return;
    free(tf->model);
    for (uint32_t i = 0; i < tf->n_consts; i++)
        free(tf->const_names[i]);
    free(tf->const_names);
    free(tf->const_values);
    free(tf->kind);
    free(tf->property);
    for (uint32_t i = 0; i < tf->n_steps; i++) {
        free(tf->steps[i].thread);
        free(tf->steps[i].statement);
    }
    free(tf->steps);
    free(tf);
}

/* The whole file as a NUL-terminated string, or NULL with *err_out. */
static char *read_all(const char *path, size_t *len_out, char **err_out)
{
    bool is_stdin = !strcmp(path, "-");
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        int why = errno;
        char *hint = why == ENOENT ? diag_missing_file_hint(path, ".json") : xstrdup("");
        *err_out = xasprintf("cannot open: %s%s", strerror(why), hint);
        free(hint);
        return NULL;
    }
    char *text;
    int why;
    bool ok = util_read_all(f, SIZE_MAX - 1, &text, len_out, &why);
    if (!is_stdin)
        fclose(f);
    if (!ok) {
        *err_out = xasprintf("cannot read: %s", strerror(why));
        return NULL;
    }
    return text;
}

/* True if the JSON string 'v' holds a NUL character ("\u0000"): read as a C string, it would
** end there, so "race.weft\u0000x" would pass for "race.weft". */
static bool has_nul(json_object *v)
{
    return strlen(json_object_get_string(v)) != (size_t)json_object_get_string_len(v);
}

/* Field 'key' of 'obj' with JSON type 'type'; NULL with *err_out when missing or mistyped, or a
** string with a NUL character in it. 'where' prefixes the message ("" or "step 3: "). */
static json_object *get_field(json_object *obj, const char *key, json_type type, const char *where,
                              char **err_out)
{
    json_object *v;
    if (!json_object_object_get_ex(obj, key, &v) || !v) {
        *err_out = xasprintf("%smissing field '%s'", where, key);
        return NULL;
    }
    if (!json_object_is_type(v, type)) {
        *err_out = xasprintf("%sfield '%s' is not %s", where, key,
                             type == json_type_string  ? "a string"
                             : type == json_type_int   ? "an integer"
                             : type == json_type_array ? "an array"
                                                       : "an object");
        return NULL;
    }
    if (type == json_type_string && has_nul(v)) {
        *err_out = xasprintf("%sfield '%s' contains a NUL character", where, key);
        return NULL;
    }
    return v;
}

/* A non-negative 32-bit integer field. */
static bool get_uint(json_object *obj, const char *key, const char *where, uint32_t *out,
                     char **err_out)
{
    json_object *v = get_field(obj, key, json_type_int, where, err_out);
    if (!v)
        return false;
    int64_t x = json_object_get_int64(v);
    if (x < 0 || x > UINT32_MAX) { /* json-c caps what passes 64 bits at INT64_MAX */
        *err_out = x == INT64_MAX
                       ? xasprintf("%sfield '%s' is out of range (too large)", where, key)
                       : xasprintf("%sfield '%s' is out of range (%lld)", where, key, (long long)x);
        return false;
    }
    *out = (uint32_t)x;
    return true;
}

/* An optional string field: absent or null gives NULL; another type is an error. */
static bool get_opt_string(json_object *obj, const char *key, const char *where, char **out,
                           char **err_out)
{
    json_object *v;
    *out = NULL;
    if (!json_object_object_get_ex(obj, key, &v) || !v)
        return true;
    v = get_field(obj, key, json_type_string, where, err_out);
    if (!v)
        return false;
    *out = xstrdup(json_object_get_string(v));
    return true;
}

static bool read_step(json_object *o, uint32_t i, TraceFileStep *out, char **err_out)
{
    char where[32];
    snprintf(where, sizeof where, "step %u: ", i + 1);
    if (!json_object_is_type(o, json_type_object)) {
        *err_out = xasprintf("%snot an object", where);
        return false;
    }
    json_object *th = get_field(o, "thread", json_type_string, where, err_out);
    if (!th)
        return false;
    out->thread = xstrdup(json_object_get_string(th));
    if (!get_uint(o, "tid", where, &out->tid, err_out) ||
        !get_uint(o, "k", where, &out->k, err_out))
        return false;
    json_object *line;
    if (json_object_object_get_ex(o, "line", &line) && line &&
        !get_uint(o, "line", where, &out->line, err_out))
        return false;
    return get_opt_string(o, "statement", where, &out->statement, err_out);
}

static bool read_constants(json_object *root, TraceFile *tf, char **err_out)
{
    json_object *c = get_field(root, "constants", json_type_object, "", err_out);
    if (!c)
        return false;
    tf->const_names = xcalloc((size_t)json_object_object_length(c) + 1, sizeof(char *));
    tf->const_values = xcalloc((size_t)json_object_object_length(c) + 1, sizeof(int32_t));
    json_object_object_foreach(c, key, val)
    {
        if (!json_object_is_type(val, json_type_int) || json_object_get_int64(val) < INT32_MIN ||
            json_object_get_int64(val) > INT32_MAX) {
            *err_out = xasprintf("constant '%s' is not a 32-bit integer", key);
            return false;
        }
        tf->const_names[tf->n_consts] = xstrdup(key);
        tf->const_values[tf->n_consts++] = (int32_t)json_object_get_int64(val);
    }
    return true;
}

static bool read_violation(json_object *root, TraceFile *tf, char **err_out)
{
    json_object *v = get_field(root, "violation", json_type_object, "", err_out);
    if (!v)
        return false;
    json_object *kind = get_field(v, "kind", json_type_string, "violation: ", err_out);
    if (!kind)
        return false;
    tf->kind = xstrdup(json_object_get_string(kind));
    return get_uint(v, "line", "violation: ", &tf->line, err_out) &&
           get_opt_string(v, "property", "violation: ", &tf->property, err_out);
}

/* Fill 'tf' from the parsed document; false with *err_out on the first problem. */
static bool read_root(json_object *root, TraceFile *tf, char **err_out)
{
    if (!json_object_is_type(root, json_type_object)) {
        *err_out = xasprintf("not a weft trace (the JSON text is not an object)");
        return false;
    }
    json_object *format = get_field(root, "format", json_type_string, "", err_out);
    if (!format)
        return false;
    if (strcmp(json_object_get_string(format), TRACEFILE_FORMAT) != 0) {
        *err_out = xasprintf("not a weft trace (format '%s')", json_object_get_string(format));
        return false;
    }
    uint32_t version;
    if (!get_uint(root, "version", "", &version, err_out))
        return false;
    if (version != TRACEFILE_VERSION) {
        *err_out = xasprintf("trace version %u is not supported (this weft reads version %d)",
                             version, TRACEFILE_VERSION);
        return false;
    }
    json_object *model = get_field(root, "model", json_type_string, "", err_out);
    if (!model)
        return false;
    tf->model = xstrdup(json_object_get_string(model));
    if (!read_constants(root, tf, err_out) || !read_violation(root, tf, err_out))
        return false;
    json_object *steps = get_field(root, "steps", json_type_array, "", err_out);
    if (!steps)
        return false;
    size_t n = json_object_array_length(steps);
    tf->steps = xcalloc(n ? n : 1, sizeof *tf->steps);
    for (size_t i = 0; i < n; i++) {
        tf->n_steps = (uint32_t)i + 1;
        if (!read_step(json_object_array_get_idx(steps, i), (uint32_t)i, &tf->steps[i], err_out))
            return false;
    }
    return true;
}

enum { EXCERPT_MAX = 100 }; /* bytes of a long line shown around a syntax error's column */

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A JSON syntax error at byte 'off' of 'text' ('len' bytes): "LINE:COL: not a JSON trace (WHY)"
** (1-based, the column in bytes), then, unless the line is blank, the line and a caret under the
** column, each indented by two spaces. Of a line longer than EXCERPT_MAX bytes (a trace written
** on one line is one long line) EXCERPT_MAX bytes are shown, from up to half of that before the
** column, with "..." where it is cut. Tabs are copied into the caret line so that it lines up. */
static char *syntax_error(const char *text, size_t len, size_t off, const char *why)
{
    off = off < len ? off : len; /* json-c may count the NUL after the text */
    size_t start = 0, line = 1;
    for (size_t i = 0; i < off && i < len; i++)
        if (text[i] == '\n')
            line++, start = i + 1;
    size_t end = start;
    while (end < len && text[end] != '\n')
        end++;
    char *head = xasprintf("%zu:%zu: not a JSON trace (%s)", line, off - start + 1, why);
    size_t from = off - start > EXCERPT_MAX / 2 ? off - EXCERPT_MAX / 2 : start;
    size_t to = end - from > EXCERPT_MAX ? from + EXCERPT_MAX : end;
    bool is_blank = true;
    for (size_t i = from; i < to; i++)
        is_blank = is_blank && is_space(text[i]);
    if (is_blank)
        return head;
    const char *cut = from > start ? "..." : "";
    VEC(char) caret = {0};
    for (size_t i = 0; i < strlen(cut); i++)
        vec_push(&caret, ' ');
    for (size_t i = from; i < off && i < to; i++)
        vec_push(&caret, text[i] == '\t' ? '\t' : ' ');
    vec_push(&caret, '^');
    vec_push(&caret, '\0');
    char *msg = xasprintf("%s\n  %s%.*s%s\n  %s", head, cut, (int)(to - from), text + from,
                          to < end ? "..." : "", caret.items);
    free(head);
    vec_free(&caret);
    return msg;
}

/* Parse 'text' ('len' bytes) as one JSON value, nothing after it but white space, into *root
** (NULL for the value null); false with *err_out (syntax_error) if it is not one. */
static bool parse_json(const char *text, size_t len, json_object **root, char **err_out)
{
    if (len >= INT_MAX) {
        *err_out = xasprintf("not a JSON trace (%zu bytes: larger than a trace can be)", len);
        return false;
    }
    json_tokener *tok = json_tokener_new();
    *root = json_tokener_parse_ex(tok, text, (int)len + 1); /* the NUL ends a bare number */
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (jerr == json_tokener_success) /* 'end' is past the NUL that ended a bare value */
        for (end = end > len ? len : end; end < len && is_space(text[end]);)
            end++;
    if (jerr == json_tokener_success && end == len)
        return true;
    json_object_put(*root);
    *root = NULL;
    if (jerr == json_tokener_continue || jerr == json_tokener_error_parse_eof) {
        /* the text ended inside a value (at its end, or at a NUL byte): the place is just after
        ** the last character before that which is not white space */
        size_t last = end < len ? end : len;
        while (last > 0 && is_space(text[last - 1]))
            last--;
        *err_out = syntax_error(text, len, last, "unexpected end of data");
    } else {
        *err_out = syntax_error(text, len, end,
                                jerr == json_tokener_success ? "text after the JSON value"
                                                             : json_tokener_error_desc(jerr));
    }
    return false;
}

TraceFile *tracefile_read(const char *path, char **err_out)
{
    size_t len;
    char *text = read_all(path, &len, err_out);
    if (!text)
        return NULL;
    TraceFile *tf = tracefile_parse(text, len, err_out);
    free(text);
    return tf;
}

TraceFile *tracefile_parse(const char *text, size_t len, char **err_out)
{
    json_object *root;
    if (!parse_json(text, len, &root, err_out))
        return NULL;
    TraceFile *tf = xcalloc(1, sizeof *tf);
    bool ok = read_root(root, tf, err_out);
    json_object_put(root);
    if (!ok) {
        tracefile_free(tf);
        return NULL;
    }
    return tf;
}
