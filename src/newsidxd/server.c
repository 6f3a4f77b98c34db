/* server.c - the event loop: the listening socket, connections as state
 * machines, frames read under limits, replies, signals and shutdown.
 *
 * A connection is READING until something stops it:
 *   READING  -> PAUSED    too many requests in flight, or too many reply
 *                         bytes the client has not read yet
 *   PAUSED   -> READING   when those drain
 *   any      -> DRAINING  a bad frame, end of input, or shutdown: read no
 *                         more, finish what is in flight, flush, close
 *   DRAINING -> closed    nothing in flight and nothing left to write
 * The connection object lives until the last job that refers to it has
 * come back, so a thread never writes to a freed connection. */
#include "config.h"

#include "newsidxd.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

/* Requests one connection may have in flight before it is paused. */
#define MAX_INFLIGHT 64
/* A frame that has started must be complete within this many seconds:
 * a client trickling one byte a second is cut off. */
#define FRAME_SECONDS 10.0

typedef enum conn_state { CONN_READING, CONN_PAUSED, CONN_DRAINING } conn_state_t;

typedef struct conn {
    server_t *srv;
    struct bufferevent *bev;    /* NULL once closed */
    struct event *frame_timer;
    struct conn *prev, *next;
    conn_state_t state;
    unsigned refs;              /* 1 while open, + 1 per job in flight */
    unsigned inflight;
    size_t need;                /* bytes wanted before scanning again */
    bool frame_started;
    uid_t uid;
    gid_t gid;
    pid_t pid;
    bool may_write;
    uint64_t serial;
} conn_t;

static void conn_update(conn_t *c);
static void read_cb(struct bufferevent *bev, void *arg);

bool conn_may_write(const conn_t *c)
{
    return c->may_write;
}

static void conn_unref(conn_t *c)
{
    if (--c->refs == 0) {
        if (c->frame_timer)
            event_free(c->frame_timer);
        free(c);
    }
}

static void conn_close(conn_t *c)
{
    if (!c->bev)
        return;
    server_t *srv = c->srv;
    bufferevent_free(c->bev);
    c->bev = NULL;
    evtimer_del(c->frame_timer);
    if (c->prev)
        c->prev->next = c->next;
    else
        srv->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    srv->n_conns--;
    pthread_mutex_lock(&srv->stats.mu);
    srv->stats.open_connections = srv->n_conns;
    pthread_mutex_unlock(&srv->stats.mu);
    conn_unref(c);
}

/* Moves the connection to the state its counters call for, and closes
 * it when it is draining and done. */
static void conn_update(conn_t *c)
{
    if (!c->bev)
        return;
    struct evbuffer *out = bufferevent_get_output(c->bev);
    size_t pending = evbuffer_get_length(out);
    if (c->state == CONN_DRAINING) {
        bufferevent_disable(c->bev, EV_READ);
        if (c->inflight == 0 && pending == 0)
            conn_close(c);
        return;
    }
    bool over = c->inflight >= MAX_INFLIGHT || pending > c->srv->config.max_output;
    if (c->state == CONN_READING && over) {
        c->state = CONN_PAUSED;
        bufferevent_disable(c->bev, EV_READ);
        /* Not reading, we cannot see a frame complete: its clock starts
         * again when reading resumes. */
        evtimer_del(c->frame_timer);
        c->frame_started = false;
    } else if (c->state == CONN_PAUSED && !over && pending <= c->srv->config.max_output / 2) {
        c->state = CONN_READING;
        bufferevent_enable(c->bev, EV_READ);
        /* Frames may already be waiting in the input buffer. */
        read_cb(c->bev, c);
    }
}

static void conn_drain(conn_t *c)
{
    c->state = CONN_DRAINING;
    conn_update(c);
}

/* Sends an encoded reply and accounts for it. */
static void send_reply(conn_t *c, const nx_buf_t *b)
{
    if (c->bev && b->len)
        bufferevent_write(c->bev, b->data, b->len);
}

void conn_reply(conn_t *c, const nx_buf_t *b)
{
    send_reply(c, b);
}

void conn_track(conn_t *c)
{
    c->refs++;
    c->inflight++;
}

void conn_reply_error(conn_t *c, bool have_msgid, uint32_t msgid, nx_rpc_code_t code,
                      const char *msg)
{
    nx_buf_t b;
    nx_buf_init(&b);
    msgpack_packer pk;
    nx_mp_packer_init(&pk, &b);
    nx_rpc_pack_response_error(&pk, have_msgid ? msgid : 0, code, msg);
    send_reply(c, &b);
    nx_buf_free(&b);
    stats_request(&c->srv->stats, 0, (int)code);
}

static void frame_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
    conn_t *c = arg;
    (void)fd;
    (void)what;
    nxd_log(LOG_INFO, "connection %llu (pid %ld): a request did not arrive within %.0f s; closing",
            (unsigned long long)c->serial, (long)c->pid, FRAME_SECONDS);
    conn_drain(c);
}

static void read_cb(struct bufferevent *bev, void *arg)
{
    conn_t *c = arg;
    server_t *srv = c->srv;
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
            struct timeval tv = {(time_t)FRAME_SECONDS, 0};
            evtimer_add(c->frame_timer, &tv);
            c->frame_started = true;
        }
        if (len < c->need)
            return;
        size_t look = len < srv->limits.max_bytes ? len : srv->limits.max_bytes;
        const unsigned char *p = evbuffer_pullup(in, (ev_ssize_t)look);
        nx_mp_scan_t sc;
        nx_mp_verdict_t v = nx_mp_scan(p, look, &srv->limits, &sc);
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
        dispatch_frame(srv, c, (const char *)p, sc.len);
        if (c->bev)
            evbuffer_drain(in, sc.len);
        conn_update(c);
    }
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
        nxd_log(LOG_INFO, "connection %llu (pid %ld): idle for %.0f s; closing",
                (unsigned long long)c->serial, (long)c->pid, c->srv->config.idle_timeout);
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

/* ------------------------------------------------------------------ */
/* Accepting                                                            */
/* ------------------------------------------------------------------ */

static bool uid_allowed(server_t *srv, uid_t uid, gid_t gid)
{
    if (uid == geteuid())
        return true;
    for (size_t i = 0; i < srv->n_writer_uids; i++)
        if (srv->writer_uids[i] == uid)
            return true;
    if (!srv->n_writer_gids)
        return false;
    /* The peer's groups: its primary group and those of its user. */
    gid_t groups[256];
    int n = 256;
    struct passwd pw, *pwp = NULL;
    char buf[4096];
    groups[0] = gid;
    if (getpwuid_r(uid, &pw, buf, sizeof buf, &pwp) == 0 && pwp) {
        if (getgrouplist(pw.pw_name, gid, groups, &n) < 0)
            n = 256;
    } else {
        n = 1;
    }
    for (int i = 0; i < n; i++)
        for (size_t k = 0; k < srv->n_writer_gids; k++)
            if (groups[i] == srv->writer_gids[k])
                return true;
    return false;
}

static void accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len,
                      void *arg)
{
    server_t *srv = arg;
    (void)l;
    (void)sa;
    (void)len;
    if (srv->stopping || srv->n_conns >= srv->config.max_connections) {
        /* Refused cleanly: closed at once, and counted. */
        pthread_mutex_lock(&srv->stats.mu);
        srv->stats.refused++;
        pthread_mutex_unlock(&srv->stats.mu);
        evutil_closesocket(fd);
        return;
    }
    struct ucred cred;
    socklen_t cl = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) != 0) {
        nxd_log(LOG_WARNING, "cannot read peer credentials: %s", strerror(errno));
        evutil_closesocket(fd);
        return;
    }
    conn_t *c = calloc(1, sizeof *c);
    if (!c) {
        evutil_closesocket(fd);
        return;
    }
    c->srv = srv;
    c->refs = 1;
    c->uid = cred.uid;
    c->gid = cred.gid;
    c->pid = cred.pid;
    c->may_write = uid_allowed(srv, cred.uid, cred.gid);
    c->bev = bufferevent_socket_new(srv->base, fd, BEV_OPT_CLOSE_ON_FREE);
    c->frame_timer = evtimer_new(srv->base, frame_timeout_cb, c);
    if (!c->bev || !c->frame_timer) {
        if (c->bev)
            bufferevent_free(c->bev);
        else
            evutil_closesocket(fd);
        if (c->frame_timer)
            event_free(c->frame_timer);
        free(c);
        return;
    }
    pthread_mutex_lock(&srv->stats.mu);
    c->serial = ++srv->stats.connections;
    srv->stats.open_connections = srv->n_conns + 1;
    pthread_mutex_unlock(&srv->stats.mu);
    c->next = srv->conns;
    if (srv->conns)
        srv->conns->prev = c;
    srv->conns = c;
    srv->n_conns++;
    bufferevent_setcb(c->bev, read_cb, write_cb, event_cb, c);
    struct timeval idle = {(time_t)srv->config.idle_timeout,
                           (suseconds_t)((srv->config.idle_timeout -
                                          (double)(time_t)srv->config.idle_timeout) * 1e6)};
    bufferevent_set_timeouts(c->bev, &idle, &idle);
    /* write_cb runs when the replies a client has not read yet fall
     * under half the limit, to resume a paused connection. */
    bufferevent_setwatermark(c->bev, EV_WRITE, srv->config.max_output / 2, 0);
    bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

static void accept_resume_cb(evutil_socket_t fd, short what, void *arg)
{
    server_t *srv = arg;
    (void)fd;
    (void)what;
    if (srv->listener && !srv->stopping)
        evconnlistener_enable(srv->listener);
}

static void accept_error_cb(struct evconnlistener *l, void *arg)
{
    server_t *srv = arg;
    int e = EVUTIL_SOCKET_ERROR();
    if (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM) {
        /* Out of descriptors: stop accepting for a moment instead of
         * spinning on a listener that stays readable. */
        nxd_log(LOG_WARNING, "accept: %s; pausing new connections for 100 ms", strerror(e));
        evconnlistener_disable(l);
        struct timeval tv = {0, 100000};
        evtimer_add(srv->accept_timer, &tv);
    } else {
        nxd_log(LOG_WARNING, "accept: %s", strerror(e));
    }
}

/* ------------------------------------------------------------------ */
/* Finished jobs                                                        */
/* ------------------------------------------------------------------ */

void server_job_done(server_t *srv, job_t *j)
{
    queue_push(&srv->done_q, j);
    event_active(srv->done_ev, EV_READ, 0);
}

static void done_cb(evutil_socket_t fd, short what, void *arg)
{
    server_t *srv = arg;
    (void)fd;
    (void)what;
    job_t *j;
    while ((j = queue_pop(&srv->done_q, 0))) {
        stats_request(&srv->stats, nx_now() - j->started, j->error);
        conn_t *c = j->conn;
        if (c) {
            if (!j->notify)
                send_reply(c, &j->out);
            c->inflight--;
            conn_update(c);
            conn_unref(c);
        }
        srv->inflight--;
        job_free(j);
    }
}

/* ------------------------------------------------------------------ */
/* Signals and shutdown                                                 */
/* ------------------------------------------------------------------ */

static void stop_check_cb(evutil_socket_t fd, short what, void *arg)
{
    server_t *srv = arg;
    (void)fd;
    (void)what;
    bool flushed = true;
    for (conn_t *c = srv->conns; c; c = c->next)
        if (c->inflight || evbuffer_get_length(bufferevent_get_output(c->bev)))
            flushed = false;
    if ((srv->inflight == 0 && flushed) || nx_now() > srv->stop_deadline) {
        if (srv->inflight)
            nxd_log(LOG_WARNING, "stopping with %u requests unanswered", srv->inflight);
        event_base_loopexit(srv->base, NULL);
        return;
    }
    struct timeval tv = {0, 20000};
    evtimer_add(srv->stop_timer, &tv);
}

static void begin_stop(server_t *srv, const char *why)
{
    if (srv->stopping)
        return;
    nxd_log(LOG_NOTICE, "%s: finishing requests in flight, then stopping", why);
    srv->stopping = true;
    srv->stop_deadline = nx_now() + 30;
    if (srv->listener) {
        evconnlistener_free(srv->listener);
        srv->listener = NULL;
    }
    if (srv->own_socket)
        unlink(srv->socket_path);
    /* Read no more requests; what is in flight finishes and is sent. */
    conn_t *next;
    for (conn_t *c = srv->conns; c; c = next) {
        next = c->next;
        conn_drain(c);
    }
    stop_check_cb(-1, 0, srv);
}

static void reload(server_t *srv)
{
    newsidx_config_t cfg;
    newsidx_config_init(&cfg);
    if (srv->config_path) {
        char *err = NULL;
        if (newsidx_config_load(&cfg, srv->config_path, &err) != NEWSIDX_OK) {
            nxd_log(LOG_ERR, "SIGHUP: %s; keeping the current settings", err);
            free(err);
            newsidx_config_clear(&cfg);
            return;
        }
    }
    pthread_mutex_lock(&srv->config_mu);
    newsidx_config_clear(&srv->config);
    srv->config = cfg;
    srv->limits.max_bytes = cfg.max_request;
    srv->limits.max_depth = cfg.max_depth;
    pthread_mutex_unlock(&srv->config_mu);
    atomic_fetch_add(&srv->config_gen, 1);
    nxd_log(LOG_NOTICE, "SIGHUP: settings reloaded from %s",
            srv->config_path ? srv->config_path : "the built-in defaults");
}

static void signal_cb(evutil_socket_t sig, short what, void *arg)
{
    server_t *srv = arg;
    (void)what;
    if (sig == SIGHUP)
        reload(srv);
    else
        begin_stop(srv, sig == SIGTERM ? "SIGTERM" : "SIGINT");
}

void server_config_snapshot(server_t *srv, newsidx_config_t *out)
{
    pthread_mutex_lock(&srv->config_mu);
    *out = srv->config;
    pthread_mutex_unlock(&srv->config_mu);
    out->socket_group = out->pidfile = out->gazetteer = NULL;
    out->writers = NULL;
    out->n_writers = 0;
    out->shards = NULL;
    out->n_shards = 0;
}

/* ------------------------------------------------------------------ */
/* The socket                                                           */
/* ------------------------------------------------------------------ */

/* The socket's directory: created 0700 when missing; when it exists and
 * is ours it must not be open to others, since whoever can replace the
 * socket can impersonate the daemon. */
static bool prepare_dir(const char *socket_path, char **err)
{
    char *dir = nx_strdup(socket_path);
    char *slash = dir ? strrchr(dir, '/') : NULL;
    if (!slash || slash == dir) {
        free(dir);
        return true;
    }
    *slash = '\0';
    struct stat st;
    if (stat(dir, &st) != 0) {
        char *parent = nx_strdup(dir);
        char *ps = parent ? strrchr(parent, '/') : NULL;
        if (ps && ps != parent) {
            *ps = '\0';
            nx_mkdirs(parent, 0755);
        }
        free(parent);
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
            nx_set_error(err, "cannot create %s: %s", dir, strerror(errno));
            free(dir);
            return false;
        }
    } else if (st.st_uid == geteuid() && (st.st_mode & 0022) && !(st.st_mode & S_ISVTX)) {
        nx_set_error(err, "%s is writable by others; refusing to put the socket there", dir);
        free(dir);
        return false;
    }
    free(dir);
    return true;
}

int server_bind(server_t *srv, char **err)
{
    const char *path = srv->socket_path;
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path) {
        nx_set_error(err, "socket path too long: %s", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    if (!prepare_dir(path, err))
        return -1;
    /* A socket file left by a daemon that died: remove it, but never one
     * a live daemon answers on. */
    int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (probe >= 0) {
        if (connect(probe, (struct sockaddr *)&sa, sizeof sa) == 0) {
            nx_set_error(err, "another newsidxd already answers on %s", path);
            close(probe);
            return -1;
        }
        /* connect() is refused by any file, not only a dead socket. */
        struct stat st;
        if (errno == ECONNREFUSED && lstat(path, &st) == 0) {
            if (!S_ISSOCK(st.st_mode)) {
                nx_set_error(err, "%s exists and is not a socket; not replacing it", path);
                close(probe);
                return -1;
            }
            unlink(path);
        }
        close(probe);
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        nx_set_error(err, "socket: %s", strerror(errno));
        return -1;
    }
    unsigned mode = srv->config.socket_mode;
    if (srv->config.socket_group && mode == 0600)
        mode = 0660;
    /* Created with the right mode from the start: no window in which
     * another user could connect. */
    mode_t old = umask((mode_t)(~mode & 0777));
    int rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
    umask(old);
    if (rc != 0) {
        nx_set_error(err, "bind %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (srv->config.socket_group) {
        struct group *g = getgrnam(srv->config.socket_group);
        if (!g || chown(path, (uid_t)-1, g->gr_gid) != 0) {
            nx_set_error(err, "socket group %s: %s", srv->config.socket_group,
                         g ? strerror(errno) : "no such group");
            close(fd);
            unlink(path);
            return -1;
        }
    }
    if (listen(fd, 128) != 0) {
        nx_set_error(err, "listen %s: %s", path, strerror(errno));
        close(fd);
        unlink(path);
        return -1;
    }
    srv->own_socket = true;
    return fd;
}

/* ------------------------------------------------------------------ */
/* Running                                                              */
/* ------------------------------------------------------------------ */

int server_run(server_t *srv, int fd)
{
    evthread_use_pthreads();
    srv->base = event_base_new();
    if (!srv->base)
        return -1;
    srv->limits.max_bytes = srv->config.max_request;
    srv->limits.max_depth = srv->config.max_depth;
    srv->limits.max_objects = 262144;
    queue_init(&srv->done_q);
    srv->done_ev = event_new(srv->base, -1, EV_PERSIST, done_cb, srv);
    srv->sig_term = evsignal_new(srv->base, SIGTERM, signal_cb, srv);
    srv->sig_int = evsignal_new(srv->base, SIGINT, signal_cb, srv);
    srv->sig_hup = evsignal_new(srv->base, SIGHUP, signal_cb, srv);
    srv->stop_timer = evtimer_new(srv->base, stop_check_cb, srv);
    srv->accept_timer = evtimer_new(srv->base, accept_resume_cb, srv);
    event_add(srv->sig_term, NULL);
    event_add(srv->sig_int, NULL);
    event_add(srv->sig_hup, NULL);
    event_add(srv->done_ev, NULL);
    srv->listener = evconnlistener_new(srv->base, accept_cb, srv,
                                       LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, -1, fd);
    if (!srv->listener) {
        nxd_log(LOG_ERR, "cannot listen on the socket");
        return -1;
    }
    evconnlistener_set_error_cb(srv->listener, accept_error_cb);
    nxd_log(LOG_NOTICE, "serving %s on %s with %u search threads",
            srv->db_path ? srv->db_path : "the shards of the configuration", srv->socket_path,
            srv->n_workers);

    event_base_dispatch(srv->base);

    /* Every reply is out: stop the threads (the writer commits last). */
    queue_close(&srv->search_q);
    workers_join(srv);
    queue_close(&srv->write_q);
    writer_join(srv);
    done_cb(-1, 0, srv);
    conn_t *next;
    for (conn_t *c = srv->conns; c; c = next) {
        next = c->next;
        conn_close(c);
    }
    if (srv->listener)
        evconnlistener_free(srv->listener);
    if (srv->own_socket && !srv->stopping)
        unlink(srv->socket_path);
    event_free(srv->done_ev);
    event_free(srv->sig_term);
    event_free(srv->sig_int);
    event_free(srv->sig_hup);
    event_free(srv->stop_timer);
    event_free(srv->accept_timer);
    event_base_free(srv->base);
    queue_destroy(&srv->done_q);
    nxd_log(LOG_NOTICE, "stopped");
    return 0;
}
