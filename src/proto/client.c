/* client.c - a blocking MessagePack-RPC client of newsidxd. */
#include "config.h"

#include "client.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* Replies are trusted more than requests, but not blindly. */
#define MAX_REPLY (256u << 20)

struct nx_client {
    int fd;
    double timeout;
    uint32_t next_msgid;
    nx_buf_t in;            /* bytes received, not yet consumed */
    size_t consumed;        /* of in: the frame handed out last */
    msgpack_unpacked reply;
};

newsidx_status_t nx_client_connect(const char *path, double timeout, nx_client_t **out, char **err)
{
    *out = NULL;
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path) {
        nx_set_error(err, "socket path too long: %s", path);
        return NEWSIDX_ERR_ARG;
    }
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        nx_set_error(err, "socket: %s", strerror(errno));
        return NEWSIDX_ERR_IO;
    }
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        int e = errno;
        close(fd);
        nx_set_error(err, "no daemon answers on %s: %s", path, strerror(e));
        return NEWSIDX_ERR_UNAVAILABLE;
    }
    /* Before anything is sent: the process on the other end must run as
     * this user or as root.  Anyone who could replace the socket file
     * could otherwise read every query (and forge every answer). */
    struct ucred cred;
    socklen_t cl = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) != 0 ||
        (cred.uid != getuid() && cred.uid != 0)) {
        int e = errno;
        close(fd);
        if (cl == sizeof cred && cred.uid != getuid() && cred.uid != 0)
            nx_set_error(err, "the process answering on %s (pid %ld) runs as uid %u, neither "
                         "you (uid %u) nor root: not talking to it", path, (long)cred.pid,
                         (unsigned)cred.uid, (unsigned)getuid());
        else
            nx_set_error(err, "cannot tell who answers on %s: %s", path, strerror(e));
        return NEWSIDX_ERR_ARG;
    }
    nx_client_t *c = calloc(1, sizeof *c);
    if (!c) {
        close(fd);
        return NEWSIDX_ERR_NOMEM;
    }
    c->fd = fd;
    c->timeout = timeout > 0 ? timeout : 60;
    c->next_msgid = 1;
    nx_buf_init(&c->in);
    msgpack_unpacked_init(&c->reply);
    *out = c;
    return NEWSIDX_OK;
}

void nx_client_close(nx_client_t *c)
{
    if (!c)
        return;
    close(c->fd);
    nx_buf_free(&c->in);
    msgpack_unpacked_destroy(&c->reply);
    free(c);
}

static bool wait_fd(nx_client_t *c, short events)
{
    struct pollfd p = {.fd = c->fd, .events = events};
    int r;
    do
        r = poll(&p, 1, (int)(c->timeout * 1000));
    while (r < 0 && errno == EINTR);
    return r > 0;
}

static newsidx_status_t write_all(nx_client_t *c, const char *p, size_t n, char **err)
{
    while (n) {
        if (!wait_fd(c, POLLOUT)) {
            nx_set_error(err, "the daemon stopped reading requests");
            return NEWSIDX_ERR_UNAVAILABLE;
        }
        ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            nx_set_error(err, "sending to the daemon: %s", strerror(errno));
            return NEWSIDX_ERR_UNAVAILABLE;
        }
        p += w;
        n -= (size_t)w;
    }
    return NEWSIDX_OK;
}

newsidx_status_t nx_client_send(nx_client_t *c, const char *method, nx_pack_params_fn pack,
                                const void *arg, uint32_t *msgid)
{
    nx_buf_t b;
    nx_buf_init(&b);
    msgpack_packer pk;
    nx_mp_packer_init(&pk, &b);
    uint32_t id = c->next_msgid++;
    msgpack_pack_array(&pk, 4);
    msgpack_pack_int(&pk, NX_RPC_REQUEST);
    msgpack_pack_uint32(&pk, id);
    nx_mp_pack_str(&pk, method);
    if (pack)
        pack(&pk, arg);
    else
        msgpack_pack_array(&pk, 0);
    if (b.oom) {
        nx_buf_free(&b);
        return NEWSIDX_ERR_NOMEM;
    }
    char *err = NULL;
    newsidx_status_t st = write_all(c, b.data, b.len, &err);
    free(err);
    nx_buf_free(&b);
    if (st == NEWSIDX_OK && msgid)
        *msgid = id;
    return st;
}

newsidx_status_t nx_client_recv(nx_client_t *c, uint32_t *msgid, const msgpack_object **result,
                                char **err)
{
    *result = NULL;
    /* Drop the frame handed out by the previous call. */
    if (c->consumed) {
        memmove(c->in.data, c->in.data + c->consumed, c->in.len - c->consumed);
        c->in.len -= c->consumed;
        c->consumed = 0;
    }
    static const nx_mp_limits_t lim = {MAX_REPLY, 32, MAX_REPLY};
    nx_mp_scan_t sc;
    for (;;) {
        nx_mp_verdict_t v = nx_mp_scan((const unsigned char *)c->in.data, c->in.len, &lim, &sc);
        if (v == NX_MP_COMPLETE)
            break;
        if (v != NX_MP_NEED_MORE) {
            nx_set_error(err, "the daemon sent an undecodable reply");
            return NEWSIDX_ERR_INTERNAL;
        }
        if (!nx_buf_reserve(&c->in, 65536))
            return NEWSIDX_ERR_NOMEM;
        if (!wait_fd(c, POLLIN)) {
            nx_set_error(err, "the daemon did not answer within %.0f s", c->timeout);
            return NEWSIDX_ERR_UNAVAILABLE;
        }
        ssize_t r = recv(c->fd, c->in.data + c->in.len, c->in.cap - c->in.len - 1, 0);
        if (r == 0) {
            nx_set_error(err, "the daemon closed the connection");
            return NEWSIDX_ERR_UNAVAILABLE;
        }
        if (r < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            nx_set_error(err, "reading from the daemon: %s", strerror(errno));
            return NEWSIDX_ERR_UNAVAILABLE;
        }
        c->in.len += (size_t)r;
    }
    c->consumed = sc.len;
    msgpack_unpacked_destroy(&c->reply);
    msgpack_unpacked_init(&c->reply);
    if (msgpack_unpack_next(&c->reply, c->in.data, sc.len, NULL) != MSGPACK_UNPACK_SUCCESS)
        return NEWSIDX_ERR_NOMEM;
    const msgpack_object *o = &c->reply.data;
    uint64_t type, id;
    if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size != 4 ||
        !nx_mp_uint(&o->via.array.ptr[0], &type) || type != NX_RPC_RESPONSE ||
        !nx_mp_uint(&o->via.array.ptr[1], &id)) {
        nx_set_error(err, "the daemon sent something other than a response");
        return NEWSIDX_ERR_INTERNAL;
    }
    if (msgid)
        *msgid = (uint32_t)id;
    const msgpack_object *e = &o->via.array.ptr[2];
    if (e->type != MSGPACK_OBJECT_NIL) {
        char *code = nx_mp_text(nx_mp_get(e, "code"), "code", NULL);
        char *msg = nx_mp_text(nx_mp_get(e, "message"), "message", NULL);
        newsidx_status_t st = nx_rpc_status_of(code);
        nx_set_error(err, "%s", msg ? msg : (code ? code : "error"));
        free(code);
        free(msg);
        return st == NEWSIDX_OK ? NEWSIDX_ERR_INTERNAL : st;
    }
    *result = &o->via.array.ptr[3];
    return NEWSIDX_OK;
}

newsidx_status_t nx_client_call(nx_client_t *c, const char *method, nx_pack_params_fn pack,
                                const void *arg, const msgpack_object **result, char **err)
{
    uint32_t sent, got;
    newsidx_status_t st = nx_client_send(c, method, pack, arg, &sent);
    if (st != NEWSIDX_OK) {
        nx_set_error(err, "the daemon is not accepting requests");
        return st;
    }
    for (;;) {
        st = nx_client_recv(c, &got, result, err);
        if (st != NEWSIDX_OK || got == sent)
            return st;
        /* a reply to an earlier request nobody waits for any more */
    }
}
