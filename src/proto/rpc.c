/* rpc.c - MessagePack-RPC frames under limits, and the encoding of
 * requests and results (see rpc.h and doc/protocol.md). */
#include "config.h"

#include "rpc.h"
#include "utf8.h"

#include <jansson.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static const char *const code_names[NX_RPC_NCODES] = {
    "bad_request", "not_found", "forbidden", "too_large", "unavailable", "internal",
};

const char *nx_rpc_code_name(nx_rpc_code_t code)
{
    return code < NX_RPC_NCODES ? code_names[code] : "internal";
}

nx_rpc_code_t nx_rpc_code_of(newsidx_status_t st)
{
    switch (st) {
    case NEWSIDX_ERR_ARG:
    case NEWSIDX_ERR_INPUT:
    case NEWSIDX_ERR_QUERY: return NX_RPC_BAD_REQUEST;
    case NEWSIDX_ERR_NOT_FOUND: return NX_RPC_NOT_FOUND;
    case NEWSIDX_ERR_LIMIT: return NX_RPC_TOO_LARGE;
    case NEWSIDX_ERR_NO_DATABASE:
    case NEWSIDX_ERR_LOCKED:
    case NEWSIDX_ERR_UNAVAILABLE: return NX_RPC_UNAVAILABLE;
    default: return NX_RPC_INTERNAL;
    }
}

newsidx_status_t nx_rpc_status_of(const char *code)
{
    static const newsidx_status_t st[NX_RPC_NCODES] = {
        NEWSIDX_ERR_ARG, NEWSIDX_ERR_NOT_FOUND, NEWSIDX_ERR_ARG,
        NEWSIDX_ERR_LIMIT, NEWSIDX_ERR_UNAVAILABLE, NEWSIDX_ERR_INTERNAL,
    };
    for (int i = 0; i < NX_RPC_NCODES; i++)
        if (code && strcmp(code, code_names[i]) == 0)
            return st[i];
    return NEWSIDX_ERR_INTERNAL;
}

/* ------------------------------------------------------------------ */
/* The frame scanner                                                    */
/* ------------------------------------------------------------------ */

static uint64_t be(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

/* msgpack-c decodes at most this many nested containers (its
 * MSGPACK_EMBED_STACK_SIZE, fixed when the library was built; deeper is
 * a decoding error): a deeper frame must not pass the scanner. */
#define MP_DECODE_DEPTH 32u

nx_mp_verdict_t nx_mp_scan(const unsigned char *p, size_t n, const nx_mp_limits_t *lim,
                           nx_mp_scan_t *res)
{
    /* remaining[d]: objects still to read in the container at depth d;
     * depth 0 is the single top-level object. */
    uint64_t remaining[65];
    unsigned depth = 0;
    unsigned max_depth = lim->max_depth < MP_DECODE_DEPTH ? lim->max_depth : MP_DECODE_DEPTH;
    size_t pos = 0, objects = 0;
    uint64_t top_index = 0;         /* index of the next top-level element */
    bool top_array = false;
    remaining[0] = 1;
    memset(res, 0, sizeof *res);

    while (depth > 0 || remaining[0] > 0) {
        if (remaining[depth] == 0) {
            depth--;
            continue;
        }
        remaining[depth]--;
        if (++objects > lim->max_objects)
            return NX_MP_TOO_LARGE;
        if (pos >= n) {
            res->len = pos + 1;
            return pos + 1 > lim->max_bytes ? NX_MP_TOO_LARGE : NX_MP_NEED_MORE;
        }
        unsigned c = p[pos];
        size_t head = 1;            /* bytes of the header */
        uint64_t body = 0;          /* bytes after the header */
        uint64_t children = 0;      /* objects inside, for containers */
        int lenbytes = 0;           /* size of a length field */
        if (c <= 0x7f || c >= 0xe0 || c == 0xc0 || c == 0xc2 || c == 0xc3) {
            /* fixint, nil, bool */
        } else if (c >= 0x80 && c <= 0x8f) {
            children = 2 * (uint64_t)(c & 0x0f);
        } else if (c >= 0x90 && c <= 0x9f) {
            children = c & 0x0f;
        } else if (c >= 0xa0 && c <= 0xbf) {
            body = c & 0x1f;
        } else {
            switch (c) {
            case 0xc1: return NX_MP_INVALID;
            case 0xc4: case 0xd9: lenbytes = 1; break;          /* bin8, str8 */
            case 0xc5: case 0xda: lenbytes = 2; break;          /* bin16, str16 */
            case 0xc6: case 0xdb: lenbytes = 4; break;          /* bin32, str32 */
            case 0xc7: lenbytes = 1; head = 2; break;           /* ext8: len, type */
            case 0xc8: lenbytes = 2; head = 2; break;
            case 0xc9: lenbytes = 4; head = 2; break;
            case 0xca: body = 4; break;
            case 0xcb: body = 8; break;
            case 0xcc: case 0xd0: body = 1; break;
            case 0xcd: case 0xd1: body = 2; break;
            case 0xce: case 0xd2: body = 4; break;
            case 0xcf: case 0xd3: body = 8; break;
            case 0xd4: body = 2; break;                         /* fixext1 */
            case 0xd5: body = 3; break;
            case 0xd6: body = 5; break;
            case 0xd7: body = 9; break;
            case 0xd8: body = 17; break;
            case 0xdc: case 0xde: lenbytes = 2; break;          /* array16, map16 */
            case 0xdd: case 0xdf: lenbytes = 4; break;          /* array32, map32 */
            default: return NX_MP_INVALID;
            }
        }
        if (lenbytes) {
            if (pos + 1 + (size_t)lenbytes > n) {
                res->len = pos + 1 + lenbytes;
                return res->len > lim->max_bytes ? NX_MP_TOO_LARGE : NX_MP_NEED_MORE;
            }
            uint64_t v = be(p + pos + 1, lenbytes);
            head += (size_t)lenbytes;
            if (c == 0xdc || c == 0xdd)
                children = v;
            else if (c == 0xde || c == 0xdf)
                children = 2 * v;
            else
                body = v;
        }
        /* Sizes are checked against what the frame may still hold before
         * anything is believed: each child needs at least one byte. */
        if (body > lim->max_bytes || children > lim->max_bytes ||
            pos + head + body + children > lim->max_bytes)
            return NX_MP_TOO_LARGE;
        if (pos + head + body > n) {
            res->len = pos + head + body;
            return NX_MP_NEED_MORE;
        }
        /* The msgid of a request, to answer even a frame we refuse: any
         * encoding of 0 to 4294967295, as msgpack-c reads it (uint8 to
         * uint64, and the signed ones when not negative). */
        if (depth == 1 && top_array) {
            if (top_index == 1 && (c <= 0x7f || (c >= 0xcc && c <= 0xd3))) {
                uint64_t v = c <= 0x7f ? c : be(p + pos + 1, (int)body);
                bool negative = c >= 0xd0 && (p[pos + 1] & 0x80);
                if (!negative && v <= 0xffffffffu) {
                    res->have_msgid = true;
                    res->msgid = (uint32_t)v;
                }
            }
            top_index++;
        }
        if (depth == 0 && ((c >= 0x90 && c <= 0x9f) || c == 0xdc || c == 0xdd))
            top_array = true;
        pos += head + (size_t)body;
        if (children) {
            if (depth + 1 > max_depth)
                return NX_MP_TOO_DEEP;
            remaining[++depth] = children;
        }
    }
    res->len = pos;
    return NX_MP_COMPLETE;
}

/* ------------------------------------------------------------------ */
/* Reading objects                                                      */
/* ------------------------------------------------------------------ */

bool nx_mp_is_text(const msgpack_object *o)
{
    return o && (o->type == MSGPACK_OBJECT_STR || o->type == MSGPACK_OBJECT_BIN);
}

char *nx_mp_text(const msgpack_object *o, const char *what, char **err)
{
    const char *p;
    size_t n;
    if (o && o->type == MSGPACK_OBJECT_STR) {
        p = o->via.str.ptr;
        n = o->via.str.size;
    } else if (o && o->type == MSGPACK_OBJECT_BIN) {
        p = o->via.bin.ptr;
        n = o->via.bin.size;
    } else {
        nx_set_error(err, "%s must be a string", what);
        return NULL;
    }
    if (!nx_utf8_valid(p, n)) {
        nx_set_error(err, "%s is not valid UTF-8 text", what);
        return NULL;
    }
    char *s = nx_strndup(p, n);
    if (!s)
        nx_set_error(err, "out of memory");
    return s;
}

const msgpack_object *nx_mp_get(const msgpack_object *map, const char *key)
{
    if (!map || map->type != MSGPACK_OBJECT_MAP)
        return NULL;
    size_t kl = strlen(key);
    for (uint32_t i = 0; i < map->via.map.size; i++) {
        const msgpack_object *k = &map->via.map.ptr[i].key;
        const char *p = NULL;
        size_t n = 0;
        if (k->type == MSGPACK_OBJECT_STR) {
            p = k->via.str.ptr;
            n = k->via.str.size;
        } else if (k->type == MSGPACK_OBJECT_BIN) {
            p = k->via.bin.ptr;
            n = k->via.bin.size;
        }
        if (p && n == kl && memcmp(p, key, n) == 0)
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
    if (!nx_mp_uint(v, &u) || u > 0xffffffffu) {
        nx_set_error(err, "\"%s\" must be a non-negative integer", key);
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

bool nx_search_from_mp(const msgpack_object *map, newsidx_search_t *req, char **err)
{
    memset(req, 0, sizeof *req);
    if (!map || map->type != MSGPACK_OBJECT_MAP) {
        nx_set_error(err, "search params must be [map]");
        return false;
    }
    static const char *const known[] = {"q", "limit", "offset", "sort", "since", "until",
                                        "speaker", "location", "facets", "explain",
                                        "highlight", "like", "partial"};
    for (uint32_t i = 0; i < map->via.map.size; i++) {
        const msgpack_object *k = &map->via.map.ptr[i].key;
        bool ok = false;
        for (size_t j = 0; j < NX_ARRAY_LEN(known) && !ok; j++)
            ok = nx_mp_is_text(k) && nx_mp_get(map, known[j]) == &map->via.map.ptr[i].val;
        if (!ok) {
            char *name = nx_mp_is_text(k) ? nx_mp_text(k, "key", NULL) : NULL;
            nx_set_error(err, "unknown search parameter \"%s\"", name ? name : "?");
            free(name);
            return false;
        }
    }
    const char *sort = NULL;
    if (!opt_text(map, "q", &req->query, err) || !opt_text(map, "like", &req->like, err) ||
        !opt_text(map, "since", &req->since, err) || !opt_text(map, "until", &req->until, err) ||
        !opt_text(map, "speaker", &req->speaker, err) ||
        !opt_text(map, "location", &req->location, err) ||
        !opt_uint(map, "limit", &req->limit, err) || !opt_uint(map, "offset", &req->offset, err) ||
        !opt_bool(map, "facets", &req->facets, err) || !opt_bool(map, "explain", &req->explain, err) ||
        !opt_bool(map, "partial", &req->partial, err) ||
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
    if (!map || map->type != MSGPACK_OBJECT_MAP) {
        nx_set_error(err, "an article must be a map");
        return NULL;
    }
    newsidx_article_t *a = newsidx_article_new();
    if (!a)
        return NULL;
    static const char *const keys[] = {"id", "title", "date", "dateline", "byline", "url", "body"};
    char **fields[] = {&a->id, &a->title, &a->date, &a->dateline, &a->byline, &a->url, &a->body};
    for (size_t i = 0; i < NX_ARRAY_LEN(keys); i++) {
        const msgpack_object *v = nx_mp_get(map, keys[i]);
        if (!v || v->type == MSGPACK_OBJECT_NIL)
            continue;
        if (i == 0 && v->type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
            a->id = nx_printf("%llu", (unsigned long long)v->via.u64);
            continue;
        }
        char *what = nx_printf("\"%s\"", keys[i]);
        *fields[i] = nx_mp_text(v, what ? what : keys[i], err);
        free(what);
        if (!*fields[i]) {
            newsidx_article_free(a);
            return NULL;
        }
    }
    if (!a->body) {
        nx_set_error(err, "missing required field \"body\"");
        newsidx_article_free(a);
        return NULL;
    }
    if (!nx_article_finish(a, err)) {
        newsidx_article_free(a);
        return NULL;
    }
    return a;
}

/* ------------------------------------------------------------------ */
/* Encoding                                                             */
/* ------------------------------------------------------------------ */

static int buf_write(void *data, const char *p, size_t n)
{
    nx_buf_t *b = data;
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

static void pack_strv(msgpack_packer *pk, char *const *v, size_t n)
{
    msgpack_pack_array(pk, n);
    for (size_t i = 0; i < n; i++)
        nx_mp_pack_str(pk, v[i]);
}

static void pack_facets(msgpack_packer *pk, const newsidx_facet_t *f, size_t n)
{
    msgpack_pack_array(pk, n);
    for (size_t i = 0; i < n; i++) {
        msgpack_pack_array(pk, 2);
        nx_mp_pack_str(pk, f[i].name);
        msgpack_pack_uint64(pk, f[i].count);
    }
}

/* An optional key that is there only when true. */
static void pack_flag(msgpack_packer *pk, const char *key, bool on)
{
    if (!on)
        return;
    nx_mp_pack_str(pk, key);
    msgpack_pack_true(pk);
}

void nx_mp_pack_results(msgpack_packer *pk, const newsidx_results_t *r)
{
    size_t n = 6 + (r->has_facets ? 1 : 0) + (r->corrected ? 1 : 0) + (r->relaxed ? 1 : 0) +
               (r->truncated ? 1 : 0) + (r->n_missing_shards ? 1 : 0) + (r->n_notes ? 1 : 0);
    msgpack_pack_map(pk, n);
    nx_mp_pack_str(pk, "query");
    nx_mp_pack_str(pk, r->query ? r->query : "");
    nx_mp_pack_str(pk, "total");
    msgpack_pack_uint64(pk, r->total);
    nx_mp_pack_str(pk, "total_min");
    msgpack_pack_uint64(pk, r->total_min);
    nx_mp_pack_str(pk, "total_max");
    msgpack_pack_uint64(pk, r->total_max);
    nx_mp_pack_str(pk, "more");
    if (r->more)
        msgpack_pack_true(pk);
    else
        msgpack_pack_false(pk);
    nx_mp_pack_str(pk, "hits");
    msgpack_pack_array(pk, r->n_hits);
    for (size_t i = 0; i < r->n_hits; i++) {
        const newsidx_hit_t *h = &r->hits[i];
        msgpack_pack_map(pk, 9 + (h->n_explain ? 1 : 0) + (h->partial ? 1 : 0));
        nx_mp_pack_str(pk, "id");
        nx_mp_pack_str(pk, h->id);
        nx_mp_pack_str(pk, "rank");
        msgpack_pack_unsigned_int(pk, h->rank);
        nx_mp_pack_str(pk, "score");
        msgpack_pack_double(pk, h->score);
        nx_mp_pack_str(pk, "date");
        nx_mp_pack_str_or_nil(pk, h->date);
        nx_mp_pack_str(pk, "dateline");
        nx_mp_pack_str_or_nil(pk, h->dateline);
        nx_mp_pack_str(pk, "title");
        nx_mp_pack_str_or_nil(pk, h->title);
        nx_mp_pack_str(pk, "speakers");
        pack_strv(pk, h->speakers, h->n_speakers);
        nx_mp_pack_str(pk, "locations");
        pack_strv(pk, h->locations, h->n_locations);
        nx_mp_pack_str(pk, "snippet");
        nx_mp_pack_str(pk, h->snippet ? h->snippet : "");
        pack_flag(pk, "partial", h->partial);
        if (h->n_explain) {
            nx_mp_pack_str(pk, "explain");
            msgpack_pack_map(pk, h->n_explain);
            for (size_t k = 0; k < h->n_explain; k++) {
                nx_mp_pack_str(pk, h->explain[k].field);
                msgpack_pack_double(pk, h->explain[k].weight);
            }
        }
    }
    if (r->has_facets) {
        nx_mp_pack_str(pk, "facets");
        msgpack_pack_map(pk, 2);
        nx_mp_pack_str(pk, "speakers");
        pack_facets(pk, r->speaker_facets, r->n_speaker_facets);
        nx_mp_pack_str(pk, "locations");
        pack_facets(pk, r->location_facets, r->n_location_facets);
    }
    if (r->corrected) {
        nx_mp_pack_str(pk, "corrected");
        nx_mp_pack_str(pk, r->corrected);
    }
    pack_flag(pk, "relaxed", r->relaxed);
    pack_flag(pk, "truncated", r->truncated);
    if (r->n_missing_shards) {
        nx_mp_pack_str(pk, "missing_shards");
        pack_strv(pk, r->missing_shards, r->n_missing_shards);
    }
    if (r->n_notes) {
        nx_mp_pack_str(pk, "notes");
        pack_strv(pk, r->notes, r->n_notes);
    }
}

void nx_mp_pack_article(msgpack_packer *pk, const newsidx_article_t *a, bool with_body)
{
    const char *keys[] = {"id", "title", "date", "dateline", "byline", "url"};
    const char *vals[] = {a->id, a->title, a->date, a->dateline, a->byline, a->url};
    size_t n = 2 + (with_body ? 1 : 0);
    for (size_t i = 0; i < NX_ARRAY_LEN(keys); i++)
        n += (i < 4 || vals[i]) ? 1 : 0;
    msgpack_pack_map(pk, n);
    for (size_t i = 0; i < NX_ARRAY_LEN(keys); i++) {
        if (i >= 4 && !vals[i])
            continue;
        nx_mp_pack_str(pk, keys[i]);
        nx_mp_pack_str_or_nil(pk, vals[i]);
    }
    nx_mp_pack_str(pk, "speakers");
    pack_strv(pk, a->speakers, a->n_speakers);
    nx_mp_pack_str(pk, "locations");
    pack_strv(pk, a->locations, a->n_locations);
    if (with_body) {
        nx_mp_pack_str(pk, "body");
        nx_mp_pack_str_or_nil(pk, a->body);
    }
}

void nx_mp_pack_search(msgpack_packer *pk, const newsidx_search_t *req)
{
    struct { const char *k, *v; } s[] = {
        {"q", req->query}, {"like", req->like}, {"since", req->since}, {"until", req->until},
        {"speaker", req->speaker}, {"location", req->location},
    };
    size_t n = 0;
    for (size_t i = 0; i < NX_ARRAY_LEN(s); i++)
        n += s[i].v != NULL;
    n += (req->limit != 0) + (req->offset != 0) + 1 + (req->facets) + (req->explain) +
         (req->hl_open && req->hl_close) + (req->partial);
    msgpack_pack_map(pk, n);
    for (size_t i = 0; i < NX_ARRAY_LEN(s); i++) {
        if (!s[i].v)
            continue;
        nx_mp_pack_str(pk, s[i].k);
        nx_mp_pack_str(pk, s[i].v);
    }
    if (req->limit) {
        nx_mp_pack_str(pk, "limit");
        msgpack_pack_unsigned_int(pk, req->limit);
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
    if (req->hl_open && req->hl_close) {
        nx_mp_pack_str(pk, "highlight");
        msgpack_pack_array(pk, 2);
        nx_mp_pack_str(pk, req->hl_open);
        nx_mp_pack_str(pk, req->hl_close);
    }
}

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

/* ------------------------------------------------------------------ */
/* Decoding results (clients)                                           */
/* ------------------------------------------------------------------ */

static char *text_or_null(const msgpack_object *o)
{
    if (!o || o->type == MSGPACK_OBJECT_NIL)
        return NULL;
    return nx_mp_text(o, "field", NULL);
}

static bool strv_from(const msgpack_object *o, char ***v, size_t *n)
{
    *v = NULL;
    *n = 0;
    if (!o || o->type != MSGPACK_OBJECT_ARRAY)
        return true;
    *v = calloc(o->via.array.size ? o->via.array.size : 1, sizeof **v);
    if (!*v)
        return false;
    for (uint32_t i = 0; i < o->via.array.size; i++) {
        char *s = nx_mp_text(&o->via.array.ptr[i], "name", NULL);
        if (!s)
            return false;
        (*v)[(*n)++] = s;
    }
    return true;
}

static double number(const msgpack_object *o)
{
    if (!o)
        return 0;
    switch (o->type) {
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64: return o->via.f64;
    case MSGPACK_OBJECT_POSITIVE_INTEGER: return (double)o->via.u64;
    case MSGPACK_OBJECT_NEGATIVE_INTEGER: return (double)o->via.i64;
    default: return 0;
    }
}

/* A count from a reply: a number as the field's type can hold it.  A
 * cast of a negative, too large or NaN float would be undefined. */
static uint64_t count(const msgpack_object *o, uint64_t max)
{
    if (!o)
        return 0;
    switch (o->type) {
    case MSGPACK_OBJECT_POSITIVE_INTEGER: return o->via.u64 < max ? o->via.u64 : max;
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64:
        if (!(o->via.f64 > 0))
            return 0;
        return o->via.f64 >= (double)max ? max : (uint64_t)o->via.f64;
    default: return 0;
    }
}

static bool facets_from(const msgpack_object *o, newsidx_facet_t **f, size_t *n)
{
    *f = NULL;
    *n = 0;
    if (!o || o->type != MSGPACK_OBJECT_ARRAY)
        return true;
    *f = calloc(o->via.array.size ? o->via.array.size : 1, sizeof **f);
    if (!*f)
        return false;
    for (uint32_t i = 0; i < o->via.array.size; i++) {
        const msgpack_object *p = &o->via.array.ptr[i];
        if (p->type != MSGPACK_OBJECT_ARRAY || p->via.array.size != 2)
            return false;
        char *name = nx_mp_text(&p->via.array.ptr[0], "facet", NULL);
        if (!name)
            return false;
        (*f)[*n].name = name;
        (*f)[(*n)++].count = count(&p->via.array.ptr[1], UINT64_MAX);
    }
    return true;
}

newsidx_results_t *nx_results_from_mp(const msgpack_object *map)
{
    if (!map || map->type != MSGPACK_OBJECT_MAP)
        return NULL;
    newsidx_results_t *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->query = text_or_null(nx_mp_get(map, "query"));
    r->total = count(nx_mp_get(map, "total"), UINT64_MAX);
    r->total_min = count(nx_mp_get(map, "total_min"), UINT64_MAX);
    r->total_max = count(nx_mp_get(map, "total_max"), UINT64_MAX);
    const msgpack_object *more = nx_mp_get(map, "more");
    r->more = more && more->type == MSGPACK_OBJECT_BOOLEAN && more->via.boolean;
    const msgpack_object *hits = nx_mp_get(map, "hits");
    if (!hits || hits->type != MSGPACK_OBJECT_ARRAY)
        goto bad;
    r->hits = calloc(hits->via.array.size ? hits->via.array.size : 1, sizeof *r->hits);
    if (!r->hits)
        goto bad;
    for (uint32_t i = 0; i < hits->via.array.size; i++) {
        const msgpack_object *h = &hits->via.array.ptr[i];
        newsidx_hit_t *o = &r->hits[r->n_hits++];
        o->id = text_or_null(nx_mp_get(h, "id"));
        if (!o->id)
            goto bad;
        o->rank = (unsigned)count(nx_mp_get(h, "rank"), UINT_MAX);
        o->score = number(nx_mp_get(h, "score"));
        o->date = text_or_null(nx_mp_get(h, "date"));
        o->dateline = text_or_null(nx_mp_get(h, "dateline"));
        o->title = text_or_null(nx_mp_get(h, "title"));
        o->snippet = text_or_null(nx_mp_get(h, "snippet"));
        const msgpack_object *pt = nx_mp_get(h, "partial");
        o->partial = pt && pt->type == MSGPACK_OBJECT_BOOLEAN && pt->via.boolean;
        if (!strv_from(nx_mp_get(h, "speakers"), &o->speakers, &o->n_speakers) ||
            !strv_from(nx_mp_get(h, "locations"), &o->locations, &o->n_locations))
            goto bad;
        const msgpack_object *ex = nx_mp_get(h, "explain");
        if (ex && ex->type == MSGPACK_OBJECT_MAP && ex->via.map.size) {
            o->explain = calloc(ex->via.map.size, sizeof *o->explain);
            if (!o->explain)
                goto bad;
            for (uint32_t k = 0; k < ex->via.map.size; k++) {
                o->explain[k].field = nx_mp_text(&ex->via.map.ptr[k].key, "field", NULL);
                o->explain[k].weight = number(&ex->via.map.ptr[k].val);
                o->n_explain++;
                if (!o->explain[k].field)
                    goto bad;
            }
        }
    }
    const msgpack_object *f = nx_mp_get(map, "facets");
    if (f && f->type == MSGPACK_OBJECT_MAP) {
        r->has_facets = true;
        if (!facets_from(nx_mp_get(f, "speakers"), &r->speaker_facets, &r->n_speaker_facets) ||
            !facets_from(nx_mp_get(f, "locations"), &r->location_facets, &r->n_location_facets))
            goto bad;
    }
    r->corrected = text_or_null(nx_mp_get(map, "corrected"));
    const msgpack_object *b = nx_mp_get(map, "relaxed");
    r->relaxed = b && b->type == MSGPACK_OBJECT_BOOLEAN && b->via.boolean;
    b = nx_mp_get(map, "truncated");
    r->truncated = b && b->type == MSGPACK_OBJECT_BOOLEAN && b->via.boolean;
    if (!strv_from(nx_mp_get(map, "missing_shards"), &r->missing_shards, &r->n_missing_shards) ||
        !strv_from(nx_mp_get(map, "notes"), &r->notes, &r->n_notes))
        goto bad;
    return r;
bad:
    newsidx_results_free(r);
    return NULL;
}

newsidx_article_t *nx_article_from_mp_stored(const msgpack_object *map)
{
    if (!map || map->type != MSGPACK_OBJECT_MAP)
        return NULL;
    newsidx_article_t *a = newsidx_article_new();
    if (!a)
        return NULL;
    a->id = text_or_null(nx_mp_get(map, "id"));
    a->title = text_or_null(nx_mp_get(map, "title"));
    a->date = text_or_null(nx_mp_get(map, "date"));
    a->dateline = text_or_null(nx_mp_get(map, "dateline"));
    a->byline = text_or_null(nx_mp_get(map, "byline"));
    a->url = text_or_null(nx_mp_get(map, "url"));
    a->body = text_or_null(nx_mp_get(map, "body"));
    if (!a->id || !strv_from(nx_mp_get(map, "speakers"), &a->speakers, &a->n_speakers) ||
        !strv_from(nx_mp_get(map, "locations"), &a->locations, &a->n_locations)) {
        newsidx_article_free(a);
        return NULL;
    }
    return a;
}

json_t *nx_mp_to_json(const msgpack_object *o)
{
    switch (o->type) {
    case MSGPACK_OBJECT_NIL: return json_null();
    case MSGPACK_OBJECT_BOOLEAN: return json_boolean(o->via.boolean);
    case MSGPACK_OBJECT_POSITIVE_INTEGER: return json_integer((json_int_t)o->via.u64);
    case MSGPACK_OBJECT_NEGATIVE_INTEGER: return json_integer((json_int_t)o->via.i64);
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64: return json_real(o->via.f64);
    case MSGPACK_OBJECT_STR:
    case MSGPACK_OBJECT_BIN: {
        char *t = nx_mp_text(o, "text", NULL);
        json_t *j = t ? json_string(t) : json_null();
        free(t);
        return j;
    }
    case MSGPACK_OBJECT_ARRAY: {
        json_t *a = json_array();
        for (uint32_t i = 0; i < o->via.array.size; i++)
            json_array_append_new(a, nx_mp_to_json(&o->via.array.ptr[i]));
        return a;
    }
    case MSGPACK_OBJECT_MAP: {
        json_t *m = json_object();
        for (uint32_t i = 0; i < o->via.map.size; i++) {
            char *k = nx_mp_text(&o->via.map.ptr[i].key, "key", NULL);
            if (k)
                json_object_set_new(m, k, nx_mp_to_json(&o->via.map.ptr[i].val));
            free(k);
        }
        return m;
    }
    default: return json_null();
    }
}
