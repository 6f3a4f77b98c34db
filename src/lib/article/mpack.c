/* mpack.c - MessagePack for the library and the protocol (mpack.h): the
 * emitter and the reader the walks of fields.c use, and small helpers
 * over msgpack-c. */
#include "config.h"

#include "mpack.h"
#include "fields.h"
#include "results.h"
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

/* ---- reading decoded objects ---- */

bool nx_mp_is_text(const msgpack_object *o)
{
    return o && (o->type == MSGPACK_OBJECT_STR || o->type == MSGPACK_OBJECT_BIN);
}

/* The bytes of a str or bin object. */
static bool text_bytes(const msgpack_object *o, const char **p, size_t *n)
{
    if (o && o->type == MSGPACK_OBJECT_STR) {
        *p = o->via.str.ptr;
        *n = o->via.str.size;
        return true;
    }
    if (o && o->type == MSGPACK_OBJECT_BIN) {
        *p = o->via.bin.ptr;
        *n = o->via.bin.size;
        return true;
    }
    return false;
}

static nx_read_text_t copy_text(const msgpack_object *o, char **out)
{
    const char *p;
    size_t n;
    *out = NULL;
    if (!text_bytes(o, &p, &n))
        return NX_READ_NOT_TEXT;
    if (n && memchr(p, '\0', n))
        return NX_READ_NUL;
    if (!nx_utf8_valid(p, n))
        return NX_READ_INVALID;
    *out = nx_strndup(p, n);
    return *out ? NX_READ_OK : NX_READ_NOMEM;
}

char *nx_mp_text(const msgpack_object *o, const char *what, char **err)
{
    char *s;
    switch (copy_text(o, &s)) {
    case NX_READ_OK: return s;
    case NX_READ_NOT_TEXT: nx_set_error(err, "%s must be a string", what); break;
    case NX_READ_NUL:
    case NX_READ_INVALID: nx_set_error(err, "%s is not valid UTF-8 text", what); break;
    case NX_READ_NOMEM: nx_set_error(err, "out of memory"); break;
    }
    return NULL;
}

const msgpack_object *nx_mp_get(const msgpack_object *map, const char *key)
{
    if (!map || map->type != MSGPACK_OBJECT_MAP)
        return NULL;
    size_t kl = strlen(key);
    for (uint32_t i = 0; i < map->via.map.size; i++) {
        const char *p;
        size_t n;
        if (text_bytes(&map->via.map.ptr[i].key, &p, &n) && n == kl && memcmp(p, key, n) == 0)
            return &map->via.map.ptr[i].val;
    }
    return NULL;
}

bool nx_mp_uint(const msgpack_object *o, uint64_t *out)
{
    if (o && o->type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
        *out = o->via.u64;
        return true;
    }
    return false;
}

/* ---- packing ---- */

/* msgpack-c writes each item as one or two pieces (a header, then the
 * bytes of a string): most fit in the room the buffer has, and are
 * copied here without nx_buf_add()'s checks and calls (a third of the
 * cost of packing an answer). */
static int buf_write(void *data, const char *p, size_t n)
{
    nx_buf_t *b = data;
    if (!b->oom && n < b->cap - b->len) {
        memcpy(b->data + b->len, p, n);
        b->len += n;
        b->data[b->len] = '\0';
        return 0;
    }
    nx_buf_add(b, p, n);
    return b->oom ? -1 : 0;
}

void nx_mp_packer_init(msgpack_packer *pk, nx_buf_t *out)
{
    msgpack_packer_init(pk, out, buf_write);
}

void nx_mp_pack_str(msgpack_packer *pk, const char *s)
{
    size_t n = strlen(s);
    msgpack_pack_str(pk, n);
    msgpack_pack_str_body(pk, s, n);
}

void nx_mp_pack_str_or_nil(msgpack_packer *pk, const char *s)
{
    if (s)
        nx_mp_pack_str(pk, s);
    else
        msgpack_pack_nil(pk);
}

/* ---- the emitter ---- */

typedef struct mp_emitter {
    nx_emitter_t base;
    msgpack_packer *pk;
} mp_emitter_t;

#define PK(e) (((mp_emitter_t *)(e))->pk)

static void mp_map(nx_emitter_t *e, size_t n)
{
    msgpack_pack_map(PK(e), n);
}

static void mp_array(nx_emitter_t *e, size_t n)
{
    msgpack_pack_array(PK(e), n);
}

static void mp_str(nx_emitter_t *e, const char *s)
{
    nx_mp_pack_str_or_nil(PK(e), s);
}

static void mp_bool(nx_emitter_t *e, bool b)
{
    if (b)
        msgpack_pack_true(PK(e));
    else
        msgpack_pack_false(PK(e));
}

static void mp_uint(nx_emitter_t *e, uint64_t v)
{
    msgpack_pack_uint64(PK(e), v);
}

static void mp_real(nx_emitter_t *e, double v)
{
    msgpack_pack_double(PK(e), v);
}

static void emit_mp(msgpack_packer *pk, const nx_fields_t *t, const void *rec, unsigned groups)
{
    mp_emitter_t e = {{mp_map, mp_array, mp_str, mp_str, mp_bool, mp_uint, mp_real}, pk};
    nx_emit(&e.base, t, rec, groups);
}

void nx_mp_pack_article(msgpack_packer *pk, const newsidx_article_t *a, unsigned groups)
{
    emit_mp(pk, &nx_article_fields, a, groups);
}

void nx_mp_pack_results(msgpack_packer *pk, const newsidx_results_t *r)
{
    emit_mp(pk, &nx_results_fields, r, NX_FIELDS_ALL);
}

void nx_mp_pack_quotes(msgpack_packer *pk, const newsidx_quotes_t *r)
{
    emit_mp(pk, &nx_quotes_fields, r, NX_FIELDS_ALL);
}

/* ---- the reader ---- */

static const void *mr_get(const void *map, const char *key)
{
    const msgpack_object *v = nx_mp_get(map, key);
    return v && v->type != MSGPACK_OBJECT_NIL ? v : NULL;
}

static bool mr_is_map(const void *v)
{
    return ((const msgpack_object *)v)->type == MSGPACK_OBJECT_MAP;
}

static bool mr_map_size(const void *v, size_t *n)
{
    const msgpack_object *o = v;
    if (!o || o->type != MSGPACK_OBJECT_MAP)
        return false;
    *n = o->via.map.size;
    return true;
}

static nx_read_text_t mr_map_key(const void *v, size_t i, char **out)
{
    return copy_text(&((const msgpack_object *)v)->via.map.ptr[i].key, out);
}

static const void *mr_map_value(const void *v, size_t i)
{
    return &((const msgpack_object *)v)->via.map.ptr[i].val;
}

static bool mr_array_size(const void *v, size_t *n)
{
    const msgpack_object *o = v;
    if (!o || o->type != MSGPACK_OBJECT_ARRAY)
        return false;
    *n = o->via.array.size;
    return true;
}

static const void *mr_array_item(const void *v, size_t i)
{
    return &((const msgpack_object *)v)->via.array.ptr[i];
}

static nx_read_text_t mr_text(const void *v, char **out)
{
    return copy_text(v, out);
}

static char *mr_integer_text(const void *v)
{
    const msgpack_object *o = v;
    if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
        return nx_printf("%llu", (unsigned long long)o->via.u64);
    return NULL;
}

static bool mr_boolean(const void *v, bool *out)
{
    const msgpack_object *o = v;
    if (o->type != MSGPACK_OBJECT_BOOLEAN)
        return false;
    *out = o->via.boolean;
    return true;
}

/* A count written by another program may come as a float: a cast of a
 * negative, too large or NaN float would be undefined. */
static bool mr_uint(const void *v, uint64_t *out)
{
    const msgpack_object *o = v;
    if (!o)
        return false;
    if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
        *out = o->via.u64;
        return true;
    }
    if ((o->type == MSGPACK_OBJECT_FLOAT32 || o->type == MSGPACK_OBJECT_FLOAT64) &&
        o->via.f64 >= 0) {
        *out = o->via.f64 >= 18446744073709551615.0 ? UINT64_MAX : (uint64_t)o->via.f64;
        return true;
    }
    return false;
}

static bool mr_real(const void *v, double *out)
{
    const msgpack_object *o = v;
    switch (o->type) {
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64: *out = o->via.f64; return true;
    case MSGPACK_OBJECT_POSITIVE_INTEGER: *out = (double)o->via.u64; return true;
    case MSGPACK_OBJECT_NEGATIVE_INTEGER: *out = (double)o->via.i64; return true;
    default: return false;
    }
}

static const nx_reader_t mp_reader = {
    mr_get,   mr_is_map,      mr_map_size, mr_map_key, mr_map_value, mr_array_size,
    mr_array_item, mr_text, mr_integer_text, mr_boolean, mr_uint,    mr_real,
};

bool nx_mp_read_article(const msgpack_object *map, newsidx_article_t *a, unsigned groups,
                        char **err)
{
    return nx_read(&mp_reader, map, &nx_article_fields, a, groups, err) &&
           nx_article_check(a, groups, err);
}

newsidx_results_t *nx_mp_read_results(const msgpack_object *map, char **err)
{
    newsidx_results_t *r = calloc(1, sizeof *r);
    if (!r) {
        nx_set_error(err, "out of memory");
        return NULL;
    }
    if (!nx_read(&mp_reader, map, &nx_results_fields, r, NX_FIELDS_ALL, err)) {
        newsidx_results_free(r);
        return NULL;
    }
    return r;
}

newsidx_quotes_t *nx_mp_read_quotes(const msgpack_object *map, char **err)
{
    newsidx_quotes_t *r = calloc(1, sizeof *r);
    if (!r) {
        nx_set_error(err, "out of memory");
        return NULL;
    }
    if (!nx_read(&mp_reader, map, &nx_quotes_fields, r, NX_FIELDS_ALL, err)) {
        newsidx_quotes_free(r);
        return NULL;
    }
    return r;
}
