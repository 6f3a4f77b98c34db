/* rpcserver.c - the daemon's half of MessagePack-RPC: requests decoded
 * into library structures, and the frame of each reply (rpcserver.h). */
#include "config.h"

#include "rpcserver.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Requests                                                             */
/* ------------------------------------------------------------------ */

void nx_search_clear(newsidx_search_t *req)
{
    free((char *)req->query);
    free((char *)req->like);
    free((char *)req->since);
    free((char *)req->until);
    free((char *)req->speaker);
    free((char *)req->location);
    free((char *)req->lang);
    free((char *)req->hl_open);
    free((char *)req->hl_close);
    memset(req, 0, sizeof *req);
}

static bool opt_text(const msgpack_object *map, const char *key, const char **out, char **err)
{
    const msgpack_object *v = nx_mp_get(map, key);
    if (!v || v->type == MSGPACK_OBJECT_NIL)
        return true;
    char *what = nx_printf("\"%s\"", key);
    *out = nx_mp_text(v, what ? what : key, err);
    free(what);
    return *out != NULL;
}

static bool opt_uint(const msgpack_object *map, const char *key, unsigned *out, char **err)
{
    const msgpack_object *v = nx_mp_get(map, key);
    uint64_t u;
    if (!v || v->type == MSGPACK_OBJECT_NIL)
        return true;
    if (!nx_mp_uint(v, &u)) {
        nx_set_error(err, "\"%s\" must be a non-negative integer", key);
        return false;
    }
    if (u > 0xffffffffu) {
        nx_set_error(err, "\"%s\" %llu is larger than 4294967295", key, (unsigned long long)u);
        return false;
    }
    *out = (unsigned)u;
    return true;
}

static bool opt_bool(const msgpack_object *map, const char *key, bool *out, char **err)
{
    const msgpack_object *v = nx_mp_get(map, key);
    if (!v || v->type == MSGPACK_OBJECT_NIL)
        return true;
    if (v->type != MSGPACK_OBJECT_BOOLEAN) {
        nx_set_error(err, "\"%s\" must be true or false", key);
        return false;
    }
    *out = v->via.boolean;
    return true;
}

/* "limit": 0 asks for the count alone (no hits); absent, the default. */
static bool opt_limit(const msgpack_object *map, newsidx_search_t *req, char **err)
{
    const msgpack_object *v = nx_mp_get(map, "limit");
    if (!opt_uint(map, "limit", &req->limit, err))
        return false;
    req->count_only = v && v->type != MSGPACK_OBJECT_NIL && req->limit == 0;
    return true;
}

bool nx_search_from_mp(const msgpack_object *map, newsidx_search_t *req, char **err)
{
    memset(req, 0, sizeof *req);
    if (!map || map->type != MSGPACK_OBJECT_MAP) {
        nx_set_error(err, "search params must be [map]");
        return false;
    }
    static const char *const known[] = {"q", "limit", "offset", "sort", "since", "until",
                                        "speaker", "location", "facets", "explain",
                                        "highlight", "like", "partial", "histogram", "strict",
                                        "all_versions", "facet_kinds", "lang"};
    for (uint32_t i = 0; i < map->via.map.size; i++) {
        const msgpack_object *k = &map->via.map.ptr[i].key;
        char *name = nx_mp_is_text(k) ? nx_mp_text(k, "key", NULL) : NULL;
        bool known_key = false;
        for (size_t j = 0; name && j < NX_ARRAY_LEN(known) && !known_key; j++)
            known_key = strcmp(name, known[j]) == 0;
        /* nx_mp_get() finds the first of equal keys: a later one is a
         * second value for the same parameter. */
        bool first = known_key && nx_mp_get(map, name) == &map->via.map.ptr[i].val;
        if (!first)
            nx_set_error(err, known_key ? "search parameter \"%s\" given twice"
                                        : "unknown search parameter \"%s\"", name ? name : "?");
        free(name);
        if (!first)
            return false;
    }
    const char *sort = NULL;
    if (!opt_text(map, "q", &req->query, err) || !opt_text(map, "like", &req->like, err) ||
        !opt_text(map, "since", &req->since, err) || !opt_text(map, "until", &req->until, err) ||
        !opt_text(map, "speaker", &req->speaker, err) ||
        !opt_text(map, "location", &req->location, err) ||
        !opt_text(map, "lang", &req->lang, err) ||
        !opt_limit(map, req, err) || !opt_uint(map, "offset", &req->offset, err) ||
        !opt_bool(map, "facets", &req->facets, err) || !opt_bool(map, "explain", &req->explain, err) ||
        !opt_bool(map, "partial", &req->partial, err) ||
        !opt_bool(map, "histogram", &req->histogram, err) ||
        !opt_bool(map, "strict", &req->strict, err) ||
        !opt_bool(map, "all_versions", &req->all_versions, err) ||
        !opt_bool(map, "facet_kinds", &req->facet_kinds, err) ||
        !opt_text(map, "sort", &sort, err))
        goto bad;
    if (sort) {
        if (strcmp(sort, "relevance") == 0)
            req->sort = NEWSIDX_SORT_RELEVANCE;
        else if (strcmp(sort, "date") == 0)
            req->sort = NEWSIDX_SORT_DATE;
        else {
            nx_set_error(err, "\"sort\" must be \"relevance\" or \"date\"");
            free((char *)sort);
            goto bad;
        }
        free((char *)sort);
    }
    const msgpack_object *hl = nx_mp_get(map, "highlight");
    if (hl && hl->type != MSGPACK_OBJECT_NIL) {
        if (hl->type != MSGPACK_OBJECT_ARRAY || hl->via.array.size != 2) {
            nx_set_error(err, "\"highlight\" must be [open, close]");
            goto bad;
        }
        req->hl_open = nx_mp_text(&hl->via.array.ptr[0], "highlight open", err);
        req->hl_close = req->hl_open ? nx_mp_text(&hl->via.array.ptr[1], "highlight close", err)
                                     : NULL;
        if (!req->hl_close)
            goto bad;
    }
    return true;
bad:
    nx_search_clear(req);
    return false;
}

newsidx_article_t *nx_article_from_mp(const msgpack_object *map, char **err)
{
    newsidx_article_t *a = newsidx_article_new();
    if (!a) {
        nx_set_error(err, "out of memory");
        return NULL;
    }
    if (!nx_mp_read_article(map, a, NX_FIELDS_INPUT, err) || !nx_article_finish(a, err)) {
        newsidx_article_free(a);
        return NULL;
    }
    return a;
}

/* ------------------------------------------------------------------ */
/* Replies                                                              */
/* ------------------------------------------------------------------ */

void nx_rpc_pack_response_ok(msgpack_packer *pk, uint32_t msgid)
{
    msgpack_pack_array(pk, 4);
    msgpack_pack_int(pk, NX_RPC_RESPONSE);
    msgpack_pack_uint32(pk, msgid);
    msgpack_pack_nil(pk);
}

void nx_rpc_pack_response_error(msgpack_packer *pk, uint32_t msgid, nx_rpc_code_t code,
                                const char *message)
{
    msgpack_pack_array(pk, 4);
    msgpack_pack_int(pk, NX_RPC_RESPONSE);
    msgpack_pack_uint32(pk, msgid);
    msgpack_pack_map(pk, 2);
    nx_mp_pack_str(pk, "code");
    nx_mp_pack_str(pk, nx_rpc_code_name(code));
    nx_mp_pack_str(pk, "message");
    nx_mp_pack_str(pk, message ? message : "");
    msgpack_pack_nil(pk);
}
