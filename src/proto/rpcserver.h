/* rpcserver.h - the daemon's half of MessagePack-RPC (rpcserver.c):
 * requests decoded into library structures under the limits the frame
 * scanner of rpc.h already checked, and the frame of each reply. */
#ifndef NX_RPCSERVER_H
#define NX_RPCSERVER_H

#include "rpc.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A search request decoded from its params map into a new *req, owned
 * by the caller (newsidx_search_free()); false with *err and *req NULL. */
bool nx_search_from_mp(const msgpack_object *map, newsidx_search_t **req, char **err);

/* An article from an article map of add (JSON Lines field names, the
 * fields of an input record); finished (checked, titled, given an id)
 * as nx_article_finish() does. */
newsidx_article_t *nx_article_from_mp(const msgpack_object *map, char **err, nx_strv_t *notes);

/* [1, msgid, nil, ...]: the caller packs the result next. */
void nx_rpc_pack_response_ok(msgpack_packer *pk, uint32_t msgid);
/* [1, msgid, {"code", "message"}, nil] */
void nx_rpc_pack_response_error(msgpack_packer *pk, uint32_t msgid, nx_rpc_code_t code,
                                const char *message);

#ifdef __cplusplus
}
#endif

#endif
