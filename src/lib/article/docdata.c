/* docdata.c - the record stored with each document in the index.
 *
 * A MessagePack map of every field of the article (fields.c's table):
 * MessagePack rather than JSON because results decode it for every hit
 * shown, and because the daemon already speaks it.  The body goes last.
 * Keys a reader does not know are skipped, so a record written by a
 * later version still reads; a field it lacks is absent. */
#include "config.h"

#include "mpack.h"

#include <stdlib.h>

bool nx_docdata_pack(const newsidx_article_t *a, nx_buf_t *out)
{
    msgpack_packer pk;
    nx_mp_packer_init(&pk, out);
    nx_mp_pack_article(&pk, a, NX_FIELDS_ALL);
    return !out->oom;
}

newsidx_article_t *nx_docdata_unpack(const char *p, size_t n, bool with_body)
{
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    newsidx_article_t *a = NULL;
    if (msgpack_unpack_next(&u, p, n, NULL) == MSGPACK_UNPACK_SUCCESS &&
        (a = newsidx_article_new())) {
        unsigned groups = with_body ? NX_FIELDS_ALL : NX_FIELDS_ALL & ~NX_FIELDS_BODY;
        if (!nx_mp_read_article(&u.data, a, groups, NULL) || !a->id) {
            newsidx_article_free(a);
            a = NULL;
        }
    }
    msgpack_unpacked_destroy(&u);
    return a;
}
