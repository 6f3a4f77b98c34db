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
                                        "all_versions", "facet_kinds"};
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
/* Encoding                                                             */
/* ------------------------------------------------------------------ */

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
        {"speaker", req->speaker}, {"location", req->location},
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
