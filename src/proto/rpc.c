/* rpc.c - what both ends of the daemon's socket share: the protocol's
 * error codes, frames read under limits, and any decoded object as JSON
 * (rpc.h; rpcserver.c decodes requests and encodes replies, rpcclient.c
 * the other way round; doc/protocol.md). */
#include "config.h"

#include "rpc.h"

#include <jansson.h>

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

/* What an object's first byte says of it: the bytes of its header (the
 * first byte, an ext's type, and the length field of lenbytes bytes
 * once read), of its body, and how many objects it holds. */
typedef struct mp_head {
    size_t head;
    uint64_t body;
    uint64_t children;
    int lenbytes;
} mp_head_t;

/* The shape of the object whose first byte is c; false for a byte that
 * begins no object (0xc1). */
static bool head_of(unsigned c, mp_head_t *h)
{
    *h = (mp_head_t){.head = 1};
    if (c <= 0x7f || c >= 0xe0 || c == 0xc0 || c == 0xc2 || c == 0xc3)
        return true;                                    /* fixint, nil, bool */
    if (c >= 0x80 && c <= 0x8f) {
        h->children = 2 * (uint64_t)(c & 0x0f);         /* fixmap */
        return true;
    }
    if (c >= 0x90 && c <= 0x9f) {
        h->children = c & 0x0f;                         /* fixarray */
        return true;
    }
    if (c >= 0xa0 && c <= 0xbf) {
        h->body = c & 0x1f;                             /* fixstr */
        return true;
    }
    switch (c) {
    case 0xc4: case 0xd9: h->lenbytes = 1; break;       /* bin8, str8 */
    case 0xc5: case 0xda: h->lenbytes = 2; break;       /* bin16, str16 */
    case 0xc6: case 0xdb: h->lenbytes = 4; break;       /* bin32, str32 */
    case 0xc7: h->lenbytes = 1; h->head = 2; break;     /* ext8: len, type */
    case 0xc8: h->lenbytes = 2; h->head = 2; break;
    case 0xc9: h->lenbytes = 4; h->head = 2; break;
    case 0xca: h->body = 4; break;
    case 0xcb: h->body = 8; break;
    case 0xcc: case 0xd0: h->body = 1; break;
    case 0xcd: case 0xd1: h->body = 2; break;
    case 0xce: case 0xd2: h->body = 4; break;
    case 0xcf: case 0xd3: h->body = 8; break;
    case 0xd4: h->body = 2; break;                      /* fixext1 */
    case 0xd5: h->body = 3; break;
    case 0xd6: h->body = 5; break;
    case 0xd7: h->body = 9; break;
    case 0xd8: h->body = 17; break;
    case 0xdc: case 0xde: h->lenbytes = 2; break;       /* array16, map16 */
    case 0xdd: case 0xdf: h->lenbytes = 4; break;       /* array32, map32 */
    default: return false;                              /* 0xc1 */
    }
    return true;
}

/* The value v of the length field after c: the objects of an array or
 * a map, else the body's bytes. */
static void take_length(unsigned c, uint64_t v, mp_head_t *h)
{
    h->head += (size_t)h->lenbytes;
    if (c == 0xdc || c == 0xdd)
        h->children = v;
    else if (c == 0xde || c == 0xdf)
        h->children = 2 * v;
    else
        h->body = v;
}

/* The msgid of a request (o, the second element of the top-level
 * array, whose first byte is c), to answer even a frame we refuse: any
 * encoding of 0 to 4294967295, as msgpack-c reads it (uint8 to uint64,
 * and the signed ones when not negative). */
static void take_msgid(const unsigned char *o, unsigned c, uint64_t body, nx_mp_scan_t *res)
{
    if (!(c <= 0x7f || (c >= 0xcc && c <= 0xd3)))
        return;
    uint64_t v = c <= 0x7f ? c : be(o + 1, (int)body);
    bool negative = c >= 0xd0 && (o[1] & 0x80);
    if (!negative && v <= 0xffffffffu) {
        res->have_msgid = true;
        res->msgid = (uint32_t)v;
    }
}

static bool is_array(unsigned c)
{
    return (c >= 0x90 && c <= 0x9f) || c == 0xdc || c == 0xdd;
}

nx_mp_verdict_t nx_mp_scan(const unsigned char *p, size_t n, const nx_mp_limits_t *lim,
                           nx_mp_scan_t *res)
{
    /* remaining[d]: objects still to read in the container at depth d;
     * depth 0 is the single top-level object. */
    uint64_t remaining[MP_DECODE_DEPTH + 1];
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
        mp_head_t h;
        if (!head_of(c, &h))
            return NX_MP_INVALID;
        if (h.lenbytes) {
            if (pos + 1 + (size_t)h.lenbytes > n) {
                res->len = pos + 1 + h.lenbytes;
                return res->len > lim->max_bytes ? NX_MP_TOO_LARGE : NX_MP_NEED_MORE;
            }
            take_length(c, be(p + pos + 1, h.lenbytes), &h);
        }
        /* Sizes are checked against what the frame may still hold before
         * anything is believed: each child needs at least one byte. */
        if (h.body > lim->max_bytes || h.children > lim->max_bytes ||
            pos + h.head + h.body + h.children > lim->max_bytes)
            return NX_MP_TOO_LARGE;
        if (pos + h.head + h.body > n) {
            res->len = pos + h.head + h.body;
            return NX_MP_NEED_MORE;
        }
        if (depth == 1 && top_array) {
            if (top_index == 1)
                take_msgid(p + pos, c, h.body, res);
            top_index++;
        }
        if (depth == 0 && is_array(c))
            top_array = true;
        pos += h.head + (size_t)h.body;
        if (h.children) {
            if (depth + 1 > max_depth)
                return NX_MP_TOO_DEEP;
            remaining[++depth] = h.children;
        }
    }
    res->len = pos;
    return NX_MP_COMPLETE;
}

/* ------------------------------------------------------------------ */
/* Decoded objects as JSON                                              */
/* ------------------------------------------------------------------ */

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
