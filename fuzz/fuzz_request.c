/* fuzz_request.c - the daemon's request decoder: a frame through
 * nx_mp_scan() under the daemon's default limits, then, when the scanner
 * passes it, msgpack-c's decoding and every request decoder a parameter
 * may reach (search options, articles to add, ids, text), as dispatch.c
 * applies them; and the client's decoding of results from the same
 * object.  Nothing may crash, leak or read out of bounds. */
#include "config.h"

#include "rpcclient.h"
#include "rpcserver.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void decode_param(const msgpack_object *p)
{
    newsidx_search_t *req;
    char *err = NULL;
    if (nx_search_from_mp(p, &req, &err))
        newsidx_search_free(req);
    free(err);
    err = NULL;
    newsidx_article_t *a = nx_article_from_mp(p, &err, NULL);
    newsidx_article_free(a);
    free(err);
    err = NULL;
    free(nx_mp_text(p, "id", &err));
    free(err);
    /* add and delete take an array of articles or ids */
    if (p->type == MSGPACK_OBJECT_ARRAY) {
        for (uint32_t i = 0; i < p->via.array.size; i++) {
            err = NULL;
            a = nx_article_from_mp(&p->via.array.ptr[i], &err, NULL);
            newsidx_article_free(a);
            free(err);
            err = NULL;
            free(nx_mp_text(&p->via.array.ptr[i], "id", &err));
            free(err);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nx_mp_limits_t lim = {.max_bytes = 1 << 20, .max_depth = 16, .max_objects = 262144};
    nx_mp_scan_t sc;
    if (nx_mp_scan(data, size, &lim, &sc) != NX_MP_COMPLETE)
        return 0;
    if (sc.len > size)
        abort();                /* the scanner claims bytes that are not there */
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    size_t off = 0;
    if (msgpack_unpack_next(&u, (const char *)data, sc.len, &off) == MSGPACK_UNPACK_SUCCESS) {
        if (off != sc.len)
            abort();            /* the scanner and msgpack-c disagree on the frame */
        const msgpack_object *o = &u.data;
        if (o->type == MSGPACK_OBJECT_ARRAY) {
            for (uint32_t i = 0; i < o->via.array.size; i++) {
                const msgpack_object *e = &o->via.array.ptr[i];
                decode_param(e);
                if (e->type == MSGPACK_OBJECT_ARRAY)
                    for (uint32_t k = 0; k < e->via.array.size; k++)
                        decode_param(&e->via.array.ptr[k]);
            }
        } else {
            decode_param(o);
        }
        char *err = NULL;
        newsidx_results_free(nx_mp_read_results(o, &err));
        free(err);
        err = NULL;
        newsidx_article_free(nx_article_from_mp_stored(o, &err));
        free(err);
        json_decref(nx_mp_to_json(o));
    }
    msgpack_unpacked_destroy(&u);
    return 0;
}
