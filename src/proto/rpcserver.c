/* rpcserver.c - the daemon's half of MessagePack-RPC: requests decoded
 * into library structures, and the frame of each reply (rpcserver.h). */
#include "config.h"

#include "rpcserver.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Requests                                                             */
/* ------------------------------------------------------------------ */

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

/* The texts of a search request, as decoded (malloc'ed, NULL: absent). */
typedef struct {
    const char *query, *like, *since, *until, *speaker, *location, *lang, *sort, *hl_open,
        *hl_close;
} texts_t;

static void texts_free(texts_t *t)
{
    const char *all[] = {t->query, t->like, t->since, t->until, t->speaker,
                         t->location, t->lang, t->sort, t->hl_open, t->hl_close};
    for (size_t i = 0; i < NX_ARRAY_LEN(all); i++)
        free((char *)all[i]);
}

/* Every key of map is a known parameter, given once. */
static bool known_keys(const msgpack_object *map, char **err)
{
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
    return true;
}

/* The flags of the boolean parameters into *flags. */
static bool opt_flags(const msgpack_object *map, unsigned *flags, char **err)
{
    static const struct { const char *key; unsigned flag; } names[] = {
        {"facets", NEWSIDX_SEARCH_FACETS},       {"explain", NEWSIDX_SEARCH_EXPLAIN},
        {"partial", NEWSIDX_SEARCH_PARTIAL},     {"histogram", NEWSIDX_SEARCH_HISTOGRAM},
        {"strict", NEWSIDX_SEARCH_STRICT},       {"all_versions", NEWSIDX_SEARCH_ALL_VERSIONS},
        {"facet_kinds", NEWSIDX_SEARCH_FACET_KINDS},
    };
    for (size_t i = 0; i < NX_ARRAY_LEN(names); i++) {
        bool on = false;
        if (!opt_bool(map, names[i].key, &on, err))
            return false;
        *flags |= on ? names[i].flag : 0;
    }
    return true;
}

/* "highlight": [open, close]. */
static bool opt_highlight(const msgpack_object *map, texts_t *t, char **err)
{
    const msgpack_object *hl = nx_mp_get(map, "highlight");
    if (!hl || hl->type == MSGPACK_OBJECT_NIL)
        return true;
    if (hl->type != MSGPACK_OBJECT_ARRAY || hl->via.array.size != 2) {
        nx_set_error(err, "\"highlight\" must be [open, close]");
        return false;
    }
    t->hl_open = nx_mp_text(&hl->via.array.ptr[0], "highlight open", err);
    t->hl_close = t->hl_open ? nx_mp_text(&hl->via.array.ptr[1], "highlight close", err) : NULL;
    return t->hl_close != NULL;
}

/* "sort": "relevance" or "date". */
static bool parse_sort(const char *name, newsidx_sort_t *sort, char **err)
{
    if (name && strcmp(name, "date") == 0) {
        *sort = NEWSIDX_SORT_DATE;
    } else if (name && strcmp(name, "relevance") != 0) {
        nx_set_error(err, "\"sort\" must be \"relevance\" or \"date\"");
        return false;
    }
    return true;
}

/* The decoded parameters into a new request, in *req. */
static bool make_request(const texts_t *t, unsigned offset, unsigned limit, newsidx_sort_t sort,
                         unsigned flags, newsidx_search_t **req, char **err)
{
    newsidx_search_t *r = newsidx_search_new();
    if (!r || newsidx_search_set_query(r, t->query) || newsidx_search_set_like(r, t->like) ||
        newsidx_search_set_dates(r, t->since, t->until) ||
        newsidx_search_set_speaker(r, t->speaker) ||
        newsidx_search_set_location(r, t->location) || newsidx_search_set_lang(r, t->lang) ||
        newsidx_search_set_highlight(r, t->hl_open, t->hl_close)) {
        newsidx_search_free(r);
        nx_set_error(err, "out of memory");
        return false;
    }
    newsidx_search_set_page(r, offset, limit);
    newsidx_search_set_sort(r, sort);
    newsidx_search_set_flags(r, flags);
    *req = r;
    return true;
}

bool nx_search_from_mp(const msgpack_object *map, newsidx_search_t **req, char **err)
{
    *req = NULL;
    if (!map || map->type != MSGPACK_OBJECT_MAP) {
        nx_set_error(err, "search params must be [map]");
        return false;
    }
    if (!known_keys(map, err))
        return false;
    texts_t t = {0};
    unsigned offset = 0, limit = 0, flags = 0;
    newsidx_sort_t sort = NEWSIDX_SORT_RELEVANCE;
    /* "limit": 0 asks for the count alone (no hits); absent, the default. */
    const msgpack_object *lim = nx_mp_get(map, "limit");
    bool ok = opt_text(map, "q", &t.query, err) && opt_text(map, "like", &t.like, err) &&
              opt_text(map, "since", &t.since, err) && opt_text(map, "until", &t.until, err) &&
              opt_text(map, "speaker", &t.speaker, err) &&
              opt_text(map, "location", &t.location, err) &&
              opt_text(map, "lang", &t.lang, err) && opt_uint(map, "limit", &limit, err) &&
              opt_uint(map, "offset", &offset, err) && opt_flags(map, &flags, err) &&
              opt_text(map, "sort", &t.sort, err) && parse_sort(t.sort, &sort, err) &&
              opt_highlight(map, &t, err);
    if (ok && lim && lim->type != MSGPACK_OBJECT_NIL && limit == 0)
        flags |= NEWSIDX_SEARCH_COUNT_ONLY;
    ok = ok && make_request(&t, offset, limit, sort, flags, req, err);
    texts_free(&t);
    return ok;
}

newsidx_article_t *nx_article_from_mp(const msgpack_object *map, char **err, nx_strv_t *notes)
{
    newsidx_article_t *a = newsidx_article_new();
    if (!a) {
        nx_set_error(err, "out of memory");
        return NULL;
    }
    if (!nx_mp_read_article(map, a, NX_FIELDS_INPUT, err) || !nx_article_finish(a, err, notes)) {
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
