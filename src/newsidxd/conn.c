/* conn.c - a connection as a state machine, in the worker thread that
 * owns it.
 *
 * A connection is READING until something stops it:
 *   READING  -> PAUSED    too many requests in flight, or too many reply
 *                         bytes the client has not read yet
 *   PAUSED   -> READING   when those drain
 *   any      -> DRAINING  a bad frame, end of input, or shutdown: read no
 *                         more, finish what is in flight, flush, close
 *   DRAINING -> closed    nothing in flight and nothing left to write
 * The connection object lives until the last job that refers to it has
 * come back, so the writer never hands back a job whose connection was
 * freed. */
#include "config.h"

#include "newsidxd.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <grp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

/* Requests one connection may have in flight before it is paused. */
#define MAX_INFLIGHT 64
/* A frame that has started must be complete within this many seconds:
 * a client trickling one byte a second is cut off. */
#define FRAME_SECONDS 10.0

typedef enum conn_state { CONN_READING, CONN_PAUSED, CONN_DRAINING } conn_state_t;

typedef struct conn {
    worker_t *w;
    struct bufferevent *bev;    /* NULL once closed */
    struct event *frame_timer;
    struct conn *prev, *next;
    conn_state_t state;
    unsigned refs;              /* 1 while open, + 1 per job in flight */
    unsigned inflight;
    size_t need;                /* bytes wanted before scanning again */
    bool frame_started;
    /* The frame clock runs only while this thread waits to read: time
     * it spent running requests since the frame began does not count. */
    double frame_at, frame_busy_at;
    bool served;                /* a whole request has arrived */
    pid_t pid;                  /* the peer's, for the log */
    uid_t uid;
    gid_t gid;
    uint64_t serial;
    conn_queue_t queue;         /* requests waiting for the thread */
    struct evbuffer_cb_entry *out_cb;   /* counts srv->out_bytes */
} conn_t;

static void read_cb(struct bufferevent *bev, void *arg);
static void conn_update(conn_t *c);

worker_t *conn_worker(const conn_t *c)
{
    return c->w;
}

conn_t *conn_next(const conn_t *c)
{
    return c->next;
}

bool conn_flushed(const conn_t *c)
{
    return c->inflight == 0 && (!c->bev || evbuffer_get_length(bufferevent_get_output(c->bev)) == 0);
}

bool conn_gone(const conn_t *c)
{
    if (!c->bev)
        return true;
    /* POLLHUP only once both directions are shut: a client that
     * shutdown() its writing half still reads its answers. */
    struct pollfd p = {.fd = bufferevent_getfd(c->bev), .events = 0};
    return poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR));
}

conn_queue_t *conn_queue(conn_t *c)
{
    return &c->queue;
}

bool conn_output_over(const conn_t *c)
{
    if (!c->bev)
        return false;
    size_t pending = evbuffer_get_length(bufferevent_get_output(c->bev));
    return pending > c->w->cfg.max_output ||
           (pending > 0 && atomic_load(&c->w->srv->out_bytes) > c->w->cfg.max_output_total);
}

/* Keeps the count of reply bytes not yet read over all connections. */
static void out_count_cb(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
    conn_t *c = arg;
    (void)buf;
    atomic_size_t *total = &c->w->srv->out_bytes;
    if (info->n_added)
        atomic_fetch_add(total, info->n_added);
    if (info->n_deleted)
        atomic_fetch_sub(total, info->n_deleted);
}

bool conn_may_write(const conn_t *c)
{
    return users_may_write(c->w->srv, c->uid, c->gid);
}

void conn_unref(conn_t *c)
{
    if (--c->refs == 0) {
        if (c->frame_timer)
            event_free(c->frame_timer);
        free(c);
    }
}

void conn_close(conn_t *c)
{
    if (!c->bev)
        return;
    worker_t *w = c->w;
    struct evbuffer *out = bufferevent_get_output(c->bev);
    if (c->out_cb)
        evbuffer_remove_cb_entry(out, c->out_cb);
    atomic_fetch_sub(&w->srv->out_bytes, evbuffer_get_length(out));
    bufferevent_free(c->bev);
    c->bev = NULL;
    evtimer_del(c->frame_timer);
    if (c->prev)
        c->prev->next = c->next;
    else
        w->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    worker_uncount(w, c->uid);
    /* Requests held back for its replies run now (and end quickly). */
    worker_unpark(w, c);
    conn_unref(c);
}

/* Moves the connection to the state its counters call for, and closes
 * it when it is draining and done. */
static void conn_update(conn_t *c)
{
    if (!c->bev)
        return;
    worker_unpark(c->w, c);
    size_t max_output = c->w->cfg.max_output;
    struct evbuffer *out = bufferevent_get_output(c->bev);
    size_t pending = evbuffer_get_length(out);
    if (c->state == CONN_DRAINING) {
        bufferevent_disable(c->bev, EV_READ);
        if (c->inflight == 0 && pending == 0)
            conn_close(c);
        return;
    }
    /* Past the cap over all connections, those with replies waiting
     * are read no more until theirs are read. */
    bool over = c->inflight >= MAX_INFLIGHT || pending > max_output ||
                (pending > 0 && atomic_load(&c->w->srv->out_bytes) > c->w->cfg.max_output_total);
    if (c->state == CONN_READING && over) {
        c->state = CONN_PAUSED;
        bufferevent_disable(c->bev, EV_READ);
        /* Not reading, we cannot see a frame complete: its clock starts
         * again when reading resumes. */
        evtimer_del(c->frame_timer);
        c->frame_started = false;
    } else if (c->state == CONN_PAUSED && !over && pending <= max_output / 2) {
        c->state = CONN_READING;
        bufferevent_enable(c->bev, EV_READ);
        /* Frames may already be waiting in the input buffer. */
        read_cb(c->bev, c);
    }
}

void conn_drain(conn_t *c)
{
    c->state = CONN_DRAINING;
    conn_update(c);
}

/* With nothing queued before it, a reply is written to the socket at
 * once: one send() instead of a write event and a second turn of the
 * loop.  What the socket does not take waits in the bufferevent. */
void conn_reply(conn_t *c, const nx_buf_t *b)
{
    if (!c->bev || !b->len)
        return;
    size_t sent = 0;
    if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0) {
        ssize_t n = send(bufferevent_getfd(c->bev), b->data, b->len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0)
            sent = (size_t)n;
    }
    if (sent < b->len)
        bufferevent_write(c->bev, b->data + sent, b->len - sent);
}

void conn_track(conn_t *c)
{
    c->refs++;
    c->inflight++;
}

/* A tracked job is over (its reply, if any, sent). */
void conn_done(conn_t *c)
{
    c->inflight--;
    conn_update(c);
    conn_unref(c);
}

void conn_reply_error(conn_t *c, bool have_msgid, uint32_t msgid, nx_rpc_code_t code,
                      const char *msg)
{
    nx_buf_t b;
    nx_buf_init(&b);
    msgpack_packer pk;
    nx_mp_packer_init(&pk, &b);
    nx_rpc_pack_response_error(&pk, have_msgid ? msgid : 0, code, msg);
    conn_reply(c, &b);
    nx_buf_free(&b);
    stats_request(&c->w->stats, 0, (int)code);
}

static void frame_clock_start(conn_t *c, double seconds)
{
    struct timeval tv = {(time_t)seconds, (suseconds_t)((seconds - (double)(time_t)seconds) * 1e6)};
    evtimer_add(c->frame_timer, &tv);
}

/* The frame clock ran out, or seems to: time this thread spent on
 * requests (its own busy time) is given back, and bytes waiting in the
 * socket that it has not read yet are the client's proof of life.  A
 * client really cut off gets an error answer first (with the msgid of
 * its frame when that much arrived). */
static void frame_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
    conn_t *c = arg;
    (void)fd;                   /* -1: a timer */
    (void)what;
    double waited = nx_now() - c->frame_at - (c->w->busy - c->frame_busy_at);
    int unread = 0;
    if (waited < FRAME_SECONDS - 0.01) {
        frame_clock_start(c, FRAME_SECONDS - waited);
        return;
    }
    if (ioctl(bufferevent_getfd(c->bev), FIONREAD, &unread) == 0 && unread > 0) {
        frame_clock_start(c, 0.5);
        return;
    }
    nxd_log(LOG_INFO, "connection %llu (pid %ld): a request did not arrive within %.0f s; closing",
            (unsigned long long)c->serial, (long)c->pid, FRAME_SECONDS);
    struct evbuffer *in = bufferevent_get_input(c->bev);
    size_t len = evbuffer_get_length(in);
    nx_mp_scan_t sc;
    memset(&sc, 0, sizeof sc);
    if (len)
        nx_mp_scan(evbuffer_pullup(in, (ev_ssize_t)len), len, &c->w->limits, &sc);
    char *msg = nx_printf("a request did not arrive whole within %.0f s (%zu bytes of it came); "
                          "closing the connection", FRAME_SECONDS, len);
    conn_reply_error(c, sc.have_msgid, sc.msgid, NX_RPC_BAD_REQUEST, msg ? msg : "timeout");
    free(msg);
    conn_drain(c);
}

static void set_idle_timeout(conn_t *c, double s)
{
    struct timeval tv = {(time_t)s, (suseconds_t)((s - (double)(time_t)s) * 1e6)};
    bufferevent_set_timeouts(c->bev, &tv, &tv);
}

static void read_cb(struct bufferevent *bev, void *arg)
{
    conn_t *c = arg;
    worker_t *w = c->w;
    worker_refresh(w);
    struct evbuffer *in = bufferevent_get_input(bev);
    while (c->bev && c->state == CONN_READING) {
        size_t len = evbuffer_get_length(in);
        if (len == 0) {
            if (c->frame_started) {
                evtimer_del(c->frame_timer);
                c->frame_started = false;
            }
            c->need = 0;
            return;
        }
        if (!c->frame_started) {
            c->frame_at = nx_now();
            c->frame_busy_at = w->busy;
            frame_clock_start(c, FRAME_SECONDS);
            c->frame_started = true;
        }
        if (len < c->need)
            return;
        size_t look = len < w->limits.max_bytes ? len : w->limits.max_bytes;
        const unsigned char *p = evbuffer_pullup(in, (ev_ssize_t)look);
        nx_mp_scan_t sc;
        nx_mp_verdict_t v = nx_mp_scan(p, look, &w->limits, &sc);
        if (v == NX_MP_NEED_MORE) {
            c->need = sc.len;
            return;
        }
        if (v != NX_MP_COMPLETE) {
            const char *why = v == NX_MP_TOO_LARGE ? "request larger than the limit"
                              : v == NX_MP_TOO_DEEP ? "request nested too deeply"
                                                    : "undecodable bytes (not MessagePack)";
            nxd_log(LOG_INFO, "connection %llu (pid %ld): %s; closing",
                    (unsigned long long)c->serial, (long)c->pid, why);
            conn_reply_error(c, sc.have_msgid, sc.msgid,
                        v == NX_MP_INVALID ? NX_RPC_BAD_REQUEST : NX_RPC_TOO_LARGE, why);
            conn_drain(c);
            return;
        }
        /* A whole frame: the next one starts a new clock. */
        evtimer_del(c->frame_timer);
        c->frame_started = false;
        c->need = 0;
        if (!c->served) {
            /* A first request: from now on the full idle timeout. */
            c->served = true;
            set_idle_timeout(c, w->cfg.idle_timeout);
        }
        dispatch_frame(w, c, (const char *)p, sc.len);
        if (c->bev)
            evbuffer_drain(in, sc.len);
        conn_update(c);
    }
}

/* The bufferevent's read callback: the frames it brought, then the first
 * request they queued, at once rather than on the next turn of the loop
 * (worker_run_one; the others follow one per turn). */
static void on_read(struct bufferevent *bev, void *arg)
{
    conn_t *c = arg;
    worker_t *w = c->w;
    read_cb(bev, arg);
    worker_run_one(w);
}

static void write_cb(struct bufferevent *bev, void *arg)
{
    (void)bev;
    conn_update(arg);
}

static void event_cb(struct bufferevent *bev, short what, void *arg)
{
    conn_t *c = arg;
    if (what & BEV_EVENT_TIMEOUT) {
        if ((what & BEV_EVENT_READING) && (c->inflight > 0 || c->state == CONN_PAUSED)) {
            /* Idle only because it waits for us: keep it. */
            if (c->state == CONN_READING)
                bufferevent_enable(bev, EV_READ);
            return;
        }
        nxd_log(LOG_INFO, "connection %llu (pid %ld): idle for %.0f s%s; closing",
                (unsigned long long)c->serial, (long)c->pid,
                c->served ? c->w->cfg.idle_timeout : c->w->cfg.first_request_timeout,
                c->served ? "" : " without a request");
        conn_close(c);
        return;
    }
    if (what & BEV_EVENT_EOF) {
        /* The client is done sending; answer what it asked, then close. */
        read_cb(bev, c);
        conn_drain(c);
        return;
    }
    if (what & BEV_EVENT_ERROR)
        conn_close(c);
}

/* The main thread counted the socket in srv->n_conns and w->n_conns
 * when it handed it over; a failure here gives those back.  That count
 * is what stats reports as open. */
bool conn_new(worker_t *w, int fd, uid_t uid)
{
    server_t *srv = w->srv;
    struct ucred cred;
    socklen_t cl = sizeof cred;
    conn_t *c = NULL;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) != 0) {
        nxd_log(LOG_WARNING, "cannot read peer credentials: %s", strerror(errno));
        goto fail;
    }
    c = calloc(1, sizeof *c);
    if (!c)
        goto fail;
    c->w = w;
    c->queue.conn = c;
    c->refs = 1;
    c->pid = cred.pid;
    c->uid = uid;
    c->gid = cred.gid;
    c->bev = bufferevent_socket_new(w->base, fd, BEV_OPT_CLOSE_ON_FREE);
    c->frame_timer = evtimer_new(w->base, frame_timeout_cb, c);
    if (!c->bev || !c->frame_timer) {
        if (c->bev) {
            bufferevent_free(c->bev);   /* closes fd */
            fd = -1;
        }
        if (c->frame_timer)
            event_free(c->frame_timer);
        free(c);
        goto fail;
    }
    pthread_mutex_lock(&srv->stats.mu);
    c->serial = ++srv->stats.connections;
    pthread_mutex_unlock(&srv->stats.mu);
    c->next = w->conns;
    if (w->conns)
        w->conns->prev = c;
    w->conns = c;
    bufferevent_setcb(c->bev, on_read, write_cb, event_cb, c);
    c->out_cb = evbuffer_add_cb(bufferevent_get_output(c->bev), out_count_cb, c);
    /* Until a first whole request, the shorter first_request_timeout:
     * idle connections that never ask anything cannot hold the cap. */
    set_idle_timeout(c, w->cfg.first_request_timeout < w->cfg.idle_timeout
                            ? w->cfg.first_request_timeout : w->cfg.idle_timeout);
    /* write_cb runs when the replies a client has not read yet fall
     * under half the limit, to resume a paused connection. */
    bufferevent_setwatermark(c->bev, EV_WRITE, w->cfg.max_output / 2, 0);
    bufferevent_enable(c->bev, EV_READ | EV_WRITE);
    return true;
fail:
    if (fd >= 0)
        evutil_closesocket(fd);
    worker_uncount(w, uid);
    return false;
}
