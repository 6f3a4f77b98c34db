/* rpcclient.h - the clients' half of MessagePack-RPC (rpcclient.c): a
 * search request encoded, the article a get answers decoded.  The
 * answer to a search is read with nx_mp_read_results() (mpack.h). */
#ifndef NX_RPCCLIENT_H
#define NX_RPCCLIENT_H

#include "rpc.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The params map of a search request. */
void nx_mp_pack_search(msgpack_packer *pk, const newsidx_search_t *req);

/* The article get returns; NULL with *err naming what is wrong. */
newsidx_article_t *nx_article_from_mp_stored(const msgpack_object *map, char **err);

#ifdef __cplusplus
}
#endif

#endif
