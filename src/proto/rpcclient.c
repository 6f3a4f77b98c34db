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
    const char *since, *until, *hl_open, *hl_close;
    unsigned offset, limit, flags = newsidx_search_get_flags(req);
    newsidx_search_get_dates(req, &since, &until);
    newsidx_search_get_highlight(req, &hl_open, &hl_close);
    newsidx_search_get_page(req, &offset, &limit);
    struct { const char *k, *v; } s[] = {
        {"q", newsidx_search_get_query(req)}, {"like", newsidx_search_get_like(req)},
        {"since", since}, {"until", until}, {"speaker", newsidx_search_get_speaker(req)},
        {"location", newsidx_search_get_location(req)}, {"lang", newsidx_search_get_lang(req)},
    };
    static const struct { const char *k; unsigned flag; } f[] = {
        {"facets", NEWSIDX_SEARCH_FACETS},       {"explain", NEWSIDX_SEARCH_EXPLAIN},
        {"partial", NEWSIDX_SEARCH_PARTIAL},     {"histogram", NEWSIDX_SEARCH_HISTOGRAM},
        {"strict", NEWSIDX_SEARCH_STRICT},       {"all_versions", NEWSIDX_SEARCH_ALL_VERSIONS},
        {"facet_kinds", NEWSIDX_SEARCH_FACET_KINDS},
    };
    bool count_only = flags & NEWSIDX_SEARCH_COUNT_ONLY;
    size_t n = 0;
    for (size_t i = 0; i < NX_ARRAY_LEN(s); i++)
        n += s[i].v != NULL;
    for (size_t i = 0; i < NX_ARRAY_LEN(f); i++)
        n += (flags & f[i].flag) != 0;
    n += (limit != 0 || count_only) + (offset != 0) + 1 + (hl_open && hl_close);
    msgpack_pack_map(pk, n);
    for (size_t i = 0; i < NX_ARRAY_LEN(s); i++) {
        if (!s[i].v)
            continue;
        nx_mp_pack_str(pk, s[i].k);
        nx_mp_pack_str(pk, s[i].v);
    }
    if (limit || count_only) {
        /* "limit": 0 asks for the count alone. */
        nx_mp_pack_str(pk, "limit");
        msgpack_pack_unsigned_int(pk, count_only ? 0 : limit);
    }
    if (offset) {
        nx_mp_pack_str(pk, "offset");
        msgpack_pack_unsigned_int(pk, offset);
    }
    nx_mp_pack_str(pk, "sort");
    nx_mp_pack_str(pk, newsidx_search_get_sort(req) == NEWSIDX_SORT_DATE ? "date" : "relevance");
    for (size_t i = 0; i < NX_ARRAY_LEN(f); i++)
        pack_flag(pk, f[i].k, flags & f[i].flag);
    if (hl_open && hl_close) {
        nx_mp_pack_str(pk, "highlight");
        msgpack_pack_array(pk, 2);
        nx_mp_pack_str(pk, hl_open);
        nx_mp_pack_str(pk, hl_close);
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
