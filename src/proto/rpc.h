/* rpc.h - MessagePack-RPC, what newsidxd and its clients share: the
 * protocol's error codes, frames read under limits, decoded objects as
 * JSON.  rpcserver.h is the daemon's half, rpcclient.h the clients'.
 *
 * msgpack-c's unpacker trusts the sizes it reads (an array32 header may
 * make it allocate room for four billion objects), so every frame is
 * first walked by nx_mp_scan(), which checks sizes, counts and depth
 * against the bytes that can still arrive, and only a complete frame
 * within the limits is handed to msgpack-c. */
#ifndef NX_RPC_H
#define NX_RPC_H

#include "mpack.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Message types of MessagePack-RPC. */
enum { NX_RPC_REQUEST = 0, NX_RPC_RESPONSE = 1, NX_RPC_NOTIFY = 2 };

/* Error codes of the protocol (doc/protocol.md). */
typedef enum nx_rpc_code {
    NX_RPC_BAD_REQUEST,
    NX_RPC_NOT_FOUND,
    NX_RPC_FORBIDDEN,
    NX_RPC_TOO_LARGE,
    NX_RPC_UNAVAILABLE,
    NX_RPC_INTERNAL,
    NX_RPC_NCODES
} nx_rpc_code_t;

const char *nx_rpc_code_name(nx_rpc_code_t code);
/* The protocol code for a library status. */
nx_rpc_code_t nx_rpc_code_of(newsidx_status_t st);
/* And back, for clients: a status for a code name. */
newsidx_status_t nx_rpc_status_of(const char *code);

typedef struct nx_mp_limits {
    size_t max_bytes;       /* of one frame */
    unsigned max_depth;     /* nesting of arrays and maps */
    size_t max_objects;     /* objects in one frame */
} nx_mp_limits_t;

typedef enum nx_mp_verdict {
    NX_MP_COMPLETE,         /* a whole object of *len bytes is there */
    NX_MP_NEED_MORE,        /* wait for at least *len bytes in all */
    NX_MP_TOO_LARGE,        /* it would exceed max_bytes or max_objects */
    NX_MP_TOO_DEEP,
    NX_MP_INVALID           /* bytes that are not MessagePack (0xc1) */
} nx_mp_verdict_t;

typedef struct nx_mp_scan {
    size_t len;
    bool have_msgid;        /* the msgid of a request could be read */
    uint32_t msgid;
} nx_mp_scan_t;

/* Walks the MessagePack object at the start of [p, p+n) without
 * allocating anything. */
nx_mp_verdict_t nx_mp_scan(const unsigned char *p, size_t n, const nx_mp_limits_t *lim,
                           nx_mp_scan_t *res);

/* Any decoded object as JSON (new reference). */
struct json_t;
struct json_t *nx_mp_to_json(const msgpack_object *o);

#ifdef __cplusplus
}
#endif

#endif
