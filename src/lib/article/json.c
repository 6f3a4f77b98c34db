/* json.c - articles and results as JSON (jansson): the emitter and the
 * reader the walks of fields.c use, and the functions over them, in the
 * shape newsidx(1) and newsq(1) give (--json output, JSON Lines input). */
#include "config.h"

#include "fields.h"
#include "results.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* ---- the emitter: a tree of json_t built as the walk goes ---- */

/* Deepest nesting a walk makes: results, hits, a hit, its explain map. */
#define JSON_EMIT_DEPTH 8

typedef struct json_emitter {
    nx_emitter_t base;
    json_t *root;
    struct {
        json_t *container;
        size_t left;            /* values still to come into it */
    } open[JSON_EMIT_DEPTH];
    size_t depth;
    const char *key;            /* of the next value in a map */
    bool failed;
} json_emitter_t;

/* Puts v where the walk stands and opens it when it is a container of
 * n values. */
static void put(nx_emitter_t *base, json_t *v, bool container, size_t n)
{
    json_emitter_t *e = (json_emitter_t *)base;
    if (!v || e->failed) {
        json_decref(v);
        e->failed = true;
        return;
    }
    if (e->depth == 0) {
        json_decref(e->root);
        e->root = v;
    } else {
        json_t *parent = e->open[e->depth - 1].container;
        int rc = json_is_object(parent) ? json_object_set_new(parent, e->key, v)
                                        : json_array_append_new(parent, v);
        e->open[e->depth - 1].left--;
        if (rc != 0) {
            e->failed = true;
            return;
        }
    }
    if (container && n > 0) {
        if (e->depth == JSON_EMIT_DEPTH) {
            e->failed = true;
            return;
        }
        e->open[e->depth].container = v;
        e->open[e->depth++].left = n;
        return;
    }
    while (e->depth > 0 && e->open[e->depth - 1].left == 0)
        e->depth--;
}

static void json_map(nx_emitter_t *e, size_t n)
{
    put(e, json_object(), true, n);
}

static void json_array_of(nx_emitter_t *e, size_t n)
{
    put(e, json_array(), true, n);
}

static void json_key(nx_emitter_t *e, const char *key)
{
    ((json_emitter_t *)e)->key = key;
}

static void json_str(nx_emitter_t *e, const char *s)
{
    put(e, s ? json_string(s) : json_null(), false, 0);
}

static void json_bool(nx_emitter_t *e, bool b)
{
    put(e, json_boolean(b), false, 0);
}

static void json_uint(nx_emitter_t *e, uint64_t v)
{
    put(e, json_integer(v > (uint64_t)INT64_MAX ? INT64_MAX : (json_int_t)v), false,
        0);
}

static void json_num(nx_emitter_t *e, double v)
{
    put(e, json_real(v), false, 0);
}

static json_t *emit_json(const nx_fields_t *t, const void *rec, unsigned groups)
{
    json_emitter_t e = {
        .base = {json_map, json_array_of, json_key, json_str, json_bool, json_uint, json_num},
    };
    nx_emit(&e.base, t, rec, groups);
    if (e.failed) {
        json_decref(e.root);
        return NULL;
    }
    return e.root;
}

json_t *nx_article_to_json(const newsidx_article_t *a, unsigned groups)
{
    return emit_json(&nx_article_fields, a, groups);
}

json_t *nx_results_to_json(const newsidx_results_t *r)
{
    return emit_json(&nx_results_fields, r, NX_FIELDS_ALL);
}

json_t *nx_quotes_to_json(const newsidx_quotes_t *r)
{
    return emit_json(&nx_quotes_fields, r, NX_FIELDS_ALL);
}

/* ---- the reader ---- */

static const void *jr_get(const void *map, const char *key)
{
    json_t *v = json_object_get(map, key);
    return json_is_null(v) ? NULL : v;
}

static bool jr_is_map(const void *v)
{
    return json_is_object((const json_t *)v);
}

/* The walk asks for a map's entries by index: jansson gives them
 * through its key iterator (maps read here are a handful of entries). */
static bool jr_map_size(const void *v, size_t *n)
{
    if (!json_is_object((const json_t *)v))
        return false;
    *n = json_object_size(v);
    return true;
}

static void *jr_iter_at(const void *v, size_t i)
{
    void *it = json_object_iter((json_t *)v);
    while (it && i--)
        it = json_object_iter_next((json_t *)v, it);
    return it;
}

static nx_read_text_t jr_map_key(const void *v, size_t i, char **out)
{
    void *it = jr_iter_at(v, i);
    *out = it ? nx_strdup(json_object_iter_key(it)) : NULL;
    return !it ? NX_READ_NOT_TEXT : *out ? NX_READ_OK : NX_READ_NOMEM;
}

static const void *jr_map_value(const void *v, size_t i)
{
    void *it = jr_iter_at(v, i);
    return it ? json_object_iter_value(it) : NULL;
}

static bool jr_array_size(const void *v, size_t *n)
{
    if (!json_is_array((const json_t *)v))
        return false;
    *n = json_array_size(v);
    return true;
}

static const void *jr_array_item(const void *v, size_t i)
{
    return json_array_get(v, i);
}

static nx_read_text_t copy_text(const char *s, size_t n, char **out)
{
    if (memchr(s, '\0', n))
        return NX_READ_NUL;
    *out = nx_strndup(s, n);
    return *out ? NX_READ_OK : NX_READ_NOMEM;
}

static nx_read_text_t jr_text(const void *v, char **out)
{
    *out = NULL;
    if (!json_is_string((const json_t *)v))
        return NX_READ_NOT_TEXT;
    return copy_text(json_string_value(v), json_string_length(v), out);
}

static char *jr_integer_text(const void *v)
{
    if (!json_is_integer((const json_t *)v) || json_integer_value(v) < 0)
        return NULL;
    return nx_printf("%lld", (long long)json_integer_value(v));
}

static bool jr_boolean(const void *v, bool *out)
{
    if (!json_is_boolean((const json_t *)v))
        return false;
    *out = json_is_true((const json_t *)v);
    return true;
}

static bool jr_uint(const void *v, uint64_t *out)
{
    if (json_is_integer((const json_t *)v) && json_integer_value(v) >= 0) {
        *out = (uint64_t)json_integer_value(v);
        return true;
    }
    if (json_is_real((const json_t *)v) && json_real_value(v) >= 0) {
        double d = json_real_value(v);
        *out = d >= 18446744073709551615.0 ? UINT64_MAX : (uint64_t)d;
        return true;
    }
    return false;
}

static bool jr_real(const void *v, double *out)
{
    if (!json_is_number((const json_t *)v))
        return false;
    *out = json_number_value(v);
    return true;
}

static const nx_reader_t json_reader = {
    jr_get,  jr_is_map,       jr_map_size, jr_map_key, jr_map_value, jr_array_size,
    jr_array_item, jr_text, jr_integer_text, jr_boolean, jr_uint,    jr_real,
};

bool nx_article_from_json(json_t *obj, newsidx_article_t *a, unsigned groups, char **err)
{
    if (!json_is_object(obj)) {
        nx_set_error(err, "expected a JSON object, one article per line");
        return false;
    }
    return nx_read(&json_reader, obj, &nx_article_fields, a, groups, err) &&
           nx_article_check(a, groups, err);
}
