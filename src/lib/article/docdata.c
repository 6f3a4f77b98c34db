/* docdata.c - the record stored with each document in the index.
 *
 * A MessagePack map with the article's fields, speakers and locations.
 * MessagePack rather than JSON because results decode it for every hit
 * shown, and because the daemon already speaks it.  The body goes last
 * so that search results can stop before it. */
#include "config.h"

#include "nx.h"

#include <msgpack.h>
#include <stdlib.h>
#include <string.h>

static int buf_write(void *data, const char *p, size_t n)
{
    nx_buf_t *b = data;
    nx_buf_add(b, p, n);
    return b->oom ? -1 : 0;
}

static void pack_str(msgpack_packer *pk, const char *s)
{
    size_t n = strlen(s);
    msgpack_pack_str(pk, n);
    msgpack_pack_str_body(pk, s, n);
}

static void pack_kv(msgpack_packer *pk, const char *k, const char *v)
{
    pack_str(pk, k);
    pack_str(pk, v);
}

static void pack_list(msgpack_packer *pk, const char *k, char *const *v, size_t n)
{
    pack_str(pk, k);
    msgpack_pack_array(pk, n);
    for (size_t i = 0; i < n; i++)
        pack_str(pk, v[i]);
}

bool nx_docdata_pack(const newsidx_article_t *a, nx_buf_t *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, buf_write);
    const char *keys[] = {"id", "title", "date", "dateline", "byline", "url"};
    const char *vals[] = {a->id, a->title, a->date, a->dateline, a->byline, a->url};
    size_t n = 0;
    for (size_t i = 0; i < NX_ARRAY_LEN(keys); i++)
        n += vals[i] != NULL;
    n += 2 + (a->body != NULL);
    msgpack_pack_map(&pk, n);
    for (size_t i = 0; i < NX_ARRAY_LEN(keys); i++)
        if (vals[i])
            pack_kv(&pk, keys[i], vals[i]);
    pack_list(&pk, "speakers", a->speakers, a->n_speakers);
    pack_list(&pk, "locations", a->locations, a->n_locations);
    if (a->body)
        pack_kv(&pk, "body", a->body);
    return !out->oom;
}

static char *copy_str(const msgpack_object *o)
{
    if (o->type == MSGPACK_OBJECT_STR)
        return nx_strndup(o->via.str.ptr, o->via.str.size);
    return NULL;
}

static bool key_is(const msgpack_object *k, const char *s)
{
    size_t n = strlen(s);
    return k->type == MSGPACK_OBJECT_STR && k->via.str.size == n &&
           memcmp(k->via.str.ptr, s, n) == 0;
}

static bool copy_list(const msgpack_object *o, char ***v, size_t *n)
{
    if (o->type != MSGPACK_OBJECT_ARRAY)
        return false;
    *v = calloc(o->via.array.size ? o->via.array.size : 1, sizeof **v);
    if (!*v)
        return false;
    for (uint32_t i = 0; i < o->via.array.size; i++) {
        if (!((*v)[i] = copy_str(&o->via.array.ptr[i])))
            return false;
        (*n)++;
    }
    return true;
}

newsidx_article_t *nx_docdata_unpack(const char *p, size_t n, bool with_body)
{
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    newsidx_article_t *a = NULL;
    if (msgpack_unpack_next(&u, p, n, NULL) != MSGPACK_UNPACK_SUCCESS ||
        u.data.type != MSGPACK_OBJECT_MAP)
        goto out;
    a = newsidx_article_new();
    if (!a)
        goto out;
    const msgpack_object_map *m = &u.data.via.map;
    for (uint32_t i = 0; i < m->size; i++) {
        const msgpack_object *k = &m->ptr[i].key, *v = &m->ptr[i].val;
        char **field = NULL;
        if (key_is(k, "id")) field = &a->id;
        else if (key_is(k, "title")) field = &a->title;
        else if (key_is(k, "date")) field = &a->date;
        else if (key_is(k, "dateline")) field = &a->dateline;
        else if (key_is(k, "byline")) field = &a->byline;
        else if (key_is(k, "url")) field = &a->url;
        else if (key_is(k, "body")) field = with_body ? &a->body : NULL;
        else if (key_is(k, "speakers")) {
            if (!copy_list(v, &a->speakers, &a->n_speakers))
                goto bad;
        } else if (key_is(k, "locations")) {
            if (!copy_list(v, &a->locations, &a->n_locations))
                goto bad;
        }
        if (field && !(*field = copy_str(v)))
            goto bad;
    }
    if (!a->id)
        goto bad;
    goto out;
bad:
    newsidx_article_free(a);
    a = NULL;
out:
    msgpack_unpacked_destroy(&u);
    return a;
}
