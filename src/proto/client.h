/* client.h - a blocking MessagePack-RPC client of newsidxd, for newsq,
 * newsidx and the benchmark client. */
#ifndef NX_CLIENT_H
#define NX_CLIENT_H

#include "rpcclient.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nx_client nx_client_t;

/* Connects to the daemon's socket.  NEWSIDX_ERR_UNAVAILABLE (with *err)
 * when no daemon answers there: no socket file, or nobody listening;
 * NEWSIDX_ERR_ARG when the process that answers runs as neither this
 * user nor root (SO_PEERCRED), nothing having been sent to it. */
newsidx_status_t nx_client_connect(const char *path, double timeout, nx_client_t **out,
                                   char **err);
void nx_client_close(nx_client_t *c);

/* Packs the params array of a request. */
typedef void (*nx_pack_params_fn)(msgpack_packer *pk, const void *arg);

/* Sends [0, msgid, method, params]; the msgid is returned. */
newsidx_status_t nx_client_send(nx_client_t *c, const char *method, nx_pack_params_fn pack,
                                const void *arg, uint32_t *msgid);

/* The next response.  On NEWSIDX_OK, *result is the result object (valid
 * until the next call); when the daemon answered with an error, the
 * status is the code's and *err its message.  Other statuses: the
 * connection failed or timed out. */
newsidx_status_t nx_client_recv(nx_client_t *c, uint32_t *msgid, const msgpack_object **result,
                                char **err);

/* send + recv of one request. */
newsidx_status_t nx_client_call(nx_client_t *c, const char *method, nx_pack_params_fn pack,
                                const void *arg, const msgpack_object **result, char **err);

#ifdef __cplusplus
}
#endif

#endif
