/* rpcclient.c - the clients' half of MessagePack-RPC: a search request
 * encoded, and the article a get answers decoded (rpcclient.h; the
 * answer to a search is read with nx_mp_read_results()). */
#include "config.h"

#include "rpcclient.h"

#include <stdlib.h>

/* An optional key that is there only when true. */
static void pack_flag(msgpack_packer *pk, const char *key, bool on)
{
    if (!on)
        return;
    nx_mp_pack_str(pk, key);
    msgpack_pack_true(pk);
}

void nx_mp_pack_search(msgpack_packer *pk, const newsidx_search_t *req)
{
    struct { const char *k, *v; } s[] = {
        {"q", req->query}, {"like", req->like}, {"since", req->since}, {"until", req->until},
        {"speaker", req->speaker}, {"location", req->location}, {"lang", req->lang},
    };
    size_t n = 0;
    for (size_t i = 0; i < NX_ARRAY_LEN(s); i++)
        n += s[i].v != NULL;
    n += (req->limit != 0 || req->count_only) + (req->offset != 0) + 1 + (req->facets) +
         (req->explain) + (req->hl_open && req->hl_close) + (req->partial) + (req->histogram) +
         (req->strict) + (req->all_versions) + (req->facet_kinds);
    msgpack_pack_map(pk, n);
    for (size_t i = 0; i < NX_ARRAY_LEN(s); i++) {
        if (!s[i].v)
            continue;
        nx_mp_pack_str(pk, s[i].k);
        nx_mp_pack_str(pk, s[i].v);
    }
    if (req->limit || req->count_only) {
        /* "limit": 0 asks for the count alone. */
        nx_mp_pack_str(pk, "limit");
        msgpack_pack_unsigned_int(pk, req->count_only ? 0 : req->limit);
    }
    if (req->offset) {
        nx_mp_pack_str(pk, "offset");
        msgpack_pack_unsigned_int(pk, req->offset);
    }
    nx_mp_pack_str(pk, "sort");
    nx_mp_pack_str(pk, req->sort == NEWSIDX_SORT_DATE ? "date" : "relevance");
    pack_flag(pk, "facets", req->facets);
    pack_flag(pk, "explain", req->explain);
    pack_flag(pk, "partial", req->partial);
    pack_flag(pk, "histogram", req->histogram);
    pack_flag(pk, "strict", req->strict);
    pack_flag(pk, "all_versions", req->all_versions);
    pack_flag(pk, "facet_kinds", req->facet_kinds);
    if (req->hl_open && req->hl_close) {
        nx_mp_pack_str(pk, "highlight");
        msgpack_pack_array(pk, 2);
        nx_mp_pack_str(pk, req->hl_open);
        nx_mp_pack_str(pk, req->hl_close);
    }
}

newsidx_article_t *nx_article_from_mp_stored(const msgpack_object *map, char **err)
{
    newsidx_article_t *a = newsidx_article_new();
    if (!a) {
        nx_set_error(err, "out of memory");
        return NULL;
    }
    if (!nx_mp_read_article(map, a, NX_FIELDS_ALL, err)) {
        newsidx_article_free(a);
        return NULL;
    }
    return a;
}
