/* http.c - the daemon's HTTP side, served by libevent's evhttp.
 *
 * Each worker thread runs its own evhttp on its own event loop, all of
 * them listening on the one socket: an HTTP request is read, run and
 * answered by the thread that accepted its connection, like a request
 * on the Unix socket, and the main thread never sees it.  Requests of
 * the API become jobs on the thread's run list (httpapi.c), so that they
 * take turns with the socket's; the page's files are answered at once
 * (webfiles.c).
 *
 * libevent 2.1's evhttp has no connection cap and no clock on a request
 * that trickles in; both are kept here.  Each connection's bufferevent is
 * made by us (evhttp_set_bevcb) and held with one more reference; a
 * sweep a few times a second sees which ones evhttp has let go (it
 * clears their callbacks when it frees them), lets go of them too, and
 * shuts down connections that hold a request unfinished for too long.
 * Connections over [daemon] max_connections are answered 503 and
 * closed (those that send nothing, after a second), and counted as
 * refused. */
#include "config.h"

#include "newsidxd.h"
#include "http.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <event2/util.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

/* A request must arrive whole within this many seconds of the
 * connection's start or of the previous answer; an idle kept-alive
 * connection is closed after as long. */
#define HTTP_REQUEST_SECONDS 10.0
/* Bytes of the request line and headers together. */
#define HTTP_MAX_HEADERS 8192
/* How often the sweep runs while connections are open. */
#define SWEEP_USEC 50000

typedef struct http_conn {
    struct bufferevent *bev;    /* our reference */
    double since;               /* accepted, or last answered */
    unsigned busy;              /* requests of it being run */
    bool refused;               /* over the cap: answered 503, closed */
} http_conn_t;

struct http_worker {
    worker_t *w;
    struct evhttp *http;
    struct evhttp_bound_socket *bound;
    struct event *sweep_ev;
    http_conn_t *conns;
    size_t n_conns, cap_conns;
    bool paused;                /* listener off: the cap is reached */
    bool stopping;
};

/* ------------------------------------------------------------------ */
/* The listening socket                                                 */
/* ------------------------------------------------------------------ */

/* "ADDR:PORT", "[V6]:PORT", "HOST:PORT" or a bare port (loopback). */
static bool parse_address(const char *spec, struct sockaddr_storage *ss, int *len, char **err)
{
    char buf[300];
    memset(ss, 0, sizeof *ss);
    *len = (int)sizeof *ss;
    if (strlen(spec) >= sizeof buf - 12) {
        nx_set_error(err, "http address too long: %s", spec);
        return false;
    }
    if (spec[0] && strspn(spec, "0123456789") == strlen(spec))
        snprintf(buf, sizeof buf, "127.0.0.1:%s", spec);
    else if (spec[0] == ':')
        snprintf(buf, sizeof buf, "127.0.0.1%s", spec);
    else
        snprintf(buf, sizeof buf, "%s", spec);
    if (evutil_parse_sockaddr_port(buf, (struct sockaddr *)ss, len) == 0)
        return ((struct sockaddr_in *)ss)->sin_port != 0 ||
               (nx_set_error(err, "http address %s has no port", spec), false);
    /* A host name: the first address it has. */
    char *colon = strrchr(buf, ':');
    if (!colon || colon == buf || !colon[1]) {
        nx_set_error(err, "http address %s is not ADDRESS:PORT", spec);
        return false;
    }
    *colon = '\0';
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV}, *ai = NULL;
    int rc = getaddrinfo(buf, colon + 1, &hints, &ai);
    if (rc != 0 || !ai) {
        nx_set_error(err, "http address %s: %s", spec, rc ? gai_strerror(rc) : "no address");
        return false;
    }
    memcpy(ss, ai->ai_addr, ai->ai_addrlen);
    *len = (int)ai->ai_addrlen;
    freeaddrinfo(ai);
    return true;
}

static bool is_loopback(const struct sockaddr_storage *ss)
{
    if (ss->ss_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr) >> 24) == 127;
    if (ss->ss_family == AF_INET6)
        return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)ss)->sin6_addr);
    return false;
}

int http_bind(const char *spec, char **err)
{
    struct sockaddr_storage ss;
    int len;
    if (!parse_address(spec, &ss, &len, err))
        return -1;
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        nx_set_error(err, "http socket: %s", strerror(errno));
        return -1;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&ss, (socklen_t)len) != 0 || listen(fd, 128) != 0) {
        nx_set_error(err, "http %s: %s", spec, strerror(errno));
        close(fd);
        return -1;
    }
    if (!is_loopback(&ss))
        nxd_log(LOG_WARNING, "http: %s is reachable from other machines", spec);
    return fd;
}

/* ------------------------------------------------------------------ */
/* Connections                                                          */
/* ------------------------------------------------------------------ */

static http_conn_t *find_conn(struct http_worker *hw, struct evhttp_request *req)
{
    struct evhttp_connection *evcon = evhttp_request_get_connection(req);
    struct bufferevent *bev = evcon ? evhttp_connection_get_bufferevent(evcon) : NULL;
    for (size_t i = 0; bev && i < hw->n_conns; i++)
        if (hw->conns[i].bev == bev)
            return &hw->conns[i];
    return NULL;
}

static void arm_sweep(struct http_worker *hw)
{
    struct timeval tv = {0, SWEEP_USEC};
    if (!evtimer_pending(hw->sweep_ev, NULL))
        evtimer_add(hw->sweep_ev, &tv);
}

/* The thread that wakes first on the listening socket would accept every
 * connection waiting there (libevent accepts until none is left): one
 * that holds more than its share of the open connections stops
 * accepting until the others have caught up, so that connections opened
 * together are spread over the threads. */
static bool over_share(const struct http_worker *hw, unsigned open)
{
    unsigned n = hw->w->srv->n_workers;
    return n > 1 && hw->n_conns > (open + n - 1) / n;
}

/* evhttp asks for a bufferevent for each connection it accepts. */
static struct bufferevent *new_bev(struct event_base *base, void *arg)
{
    struct http_worker *hw = arg;
    server_t *srv = hw->w->srv;
    struct bufferevent *bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
    if (!bev)
        return NULL;
    if (hw->n_conns == hw->cap_conns) {
        size_t cap = hw->cap_conns ? 2 * hw->cap_conns : 16;
        http_conn_t *v = realloc(hw->conns, cap * sizeof *v);
        if (!v)
            return bev;     /* served, but not counted */
        hw->conns = v;
        hw->cap_conns = cap;
    }
    bufferevent_incref(bev);
    unsigned open = atomic_fetch_add(&srv->http_open, 1) + 1;
    hw->conns[hw->n_conns++] = (http_conn_t){bev, nx_now(), 0, open > hw->w->cfg.max_connections};
    pthread_mutex_lock(&srv->stats.mu);
    srv->stats.http_accepted++;
    pthread_mutex_unlock(&srv->stats.mu);
    /* Over the cap it still accepts, to answer 503 at once rather than
     * leave clients waiting in the listen queue. */
    if (!hw->paused && over_share(hw, open)) {
        evconnlistener_disable(evhttp_bound_socket_get_listener(hw->bound));
        hw->paused = true;
    }
    arm_sweep(hw);
    return bev;
}

/* Lets go of connections evhttp has freed, closes those that took too
 * long to send a request, and resumes accepting when the thread is no
 * longer over its share. */
static void sweep_cb(evutil_socket_t fd, short what, void *arg)
{
    struct http_worker *hw = arg;
    server_t *srv = hw->w->srv;
    (void)fd;
    (void)what;
    double now = nx_now();
    size_t k = 0;
    for (size_t i = 0; i < hw->n_conns; i++) {
        http_conn_t *c = &hw->conns[i];
        bufferevent_data_cb rd, wr;
        bufferevent_event_cb ev;
        void *cbarg = NULL;
        bufferevent_getcb(c->bev, &rd, &wr, &ev, &cbarg);
        if (!cbarg) {
            /* evhttp freed it: ours is the last reference. */
            bufferevent_disable(c->bev, EV_READ | EV_WRITE);
            bufferevent_decref(c->bev);
            atomic_fetch_sub(&srv->http_open, 1);
            continue;
        }
        double limit = c->refused ? 1.0 : HTTP_REQUEST_SECONDS;
        if (!c->busy && now - c->since > limit) {
            /* evhttp sees the end of the stream and frees it. */
            evutil_socket_t s = bufferevent_getfd(c->bev);
            if (s >= 0)
                shutdown(s, SHUT_RDWR);
            c->since = now;     /* once; it is let go on a later sweep */
        }
        hw->conns[k++] = *c;
    }
    hw->n_conns = k;
    unsigned open = atomic_load(&srv->http_open);
    if (hw->paused && !hw->stopping && !over_share(hw, open + 1)) {
        evconnlistener_enable(evhttp_bound_socket_get_listener(hw->bound));
        hw->paused = false;
    }
    /* A paused thread looks again even with no connection of its own:
     * the others' may close. */
    if (hw->n_conns || (hw->paused && !hw->stopping))
        arm_sweep(hw);
}

/* ------------------------------------------------------------------ */
/* Requests                                                             */
/* ------------------------------------------------------------------ */

void http_add_security_headers(struct evhttp_request *req)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    /* Scripts and styles only from the page's own files: an article's
     * text that slipped through unescaped still could not run. */
    evhttp_add_header(h, "Content-Security-Policy",
                      "default-src 'none'; script-src 'self'; style-src 'self'; "
                      "img-src 'self'; connect-src 'self'; base-uri 'none'; "
                      "form-action 'self'; frame-ancestors 'none'");
    evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
    evhttp_add_header(h, "Referrer-Policy", "no-referrer");
    evhttp_add_header(h, "X-Frame-Options", "DENY");
}

/* Counts an answer and restarts its connection's clock. */
void http_answered(struct http_worker *hw, struct evhttp_request *req)
{
    http_conn_t *c = find_conn(hw, req);
    if (c) {
        if (c->busy)
            c->busy--;
        c->since = nx_now();
    }
}

/* Marks the connection of req busy while a job runs for it. */
void http_busy(struct http_worker *hw, struct evhttp_request *req)
{
    http_conn_t *c = find_conn(hw, req);
    if (c)
        c->busy++;
}

static void request_cb(struct evhttp_request *req, void *arg)
{
    struct http_worker *hw = arg;
    server_t *srv = hw->w->srv;
    http_conn_t *c = find_conn(hw, req);
    pthread_mutex_lock(&srv->stats.mu);
    srv->stats.http_requests++;
    if (c && c->refused)
        srv->stats.http_refused++;
    pthread_mutex_unlock(&srv->stats.mu);
    if ((c && c->refused) || hw->stopping) {
        evhttp_add_header(evhttp_request_get_output_headers(req), "Connection", "close");
        http_send_error(hw, req, NX_RPC_UNAVAILABLE,
                        hw->stopping ? "the daemon is stopping"
                                     : "too many connections ([daemon] max_connections)");
        return;
    }
    http_route(hw, req);
}

worker_t *http_worker_of(const struct http_worker *hw)
{
    return hw->w;
}

bool http_worker_start(worker_t *w, int fd)
{
    struct http_worker *hw = calloc(1, sizeof *hw);
    if (!hw)
        return false;
    w->http = hw;
    hw->w = w;
    hw->http = evhttp_new(w->base);
    hw->sweep_ev = evtimer_new(w->base, sweep_cb, hw);
    if (!hw->http || !hw->sweep_ev)
        return false;
    evhttp_set_max_headers_size(hw->http, HTTP_MAX_HEADERS);
    evhttp_set_max_body_size(hw->http, (ev_ssize_t)w->cfg.max_request);
    evhttp_set_timeout(hw->http, (int)HTTP_REQUEST_SECONDS);
    evhttp_set_allowed_methods(hw->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST);
    evhttp_set_bevcb(hw->http, new_bev, hw);
    evhttp_set_gencb(hw->http, request_cb, hw);
    /* Every thread listens on the same socket; the kernel wakes them
     * and one of them accepts. */
    struct evconnlistener *l = evconnlistener_new(w->base, NULL, NULL, LEV_OPT_CLOSE_ON_EXEC, 0, fd);
    if (!l)
        return false;
    hw->bound = evhttp_bind_listener(hw->http, l);
    return hw->bound != NULL;
}

void http_worker_stop(worker_t *w)
{
    struct http_worker *hw = w->http;
    if (!hw || hw->stopping)
        return;
    hw->stopping = true;
    if (hw->bound && !hw->paused)
        evconnlistener_disable(evhttp_bound_socket_get_listener(hw->bound));
    hw->paused = true;
}

bool http_worker_flushed(worker_t *w)
{
    struct http_worker *hw = w->http;
    for (size_t i = 0; hw && i < hw->n_conns; i++)
        if (evbuffer_get_length(bufferevent_get_output(hw->conns[i].bev)) > 0)
            return false;
    return true;
}

void http_worker_free(worker_t *w)
{
    struct http_worker *hw = w->http;
    if (!hw)
        return;
    /* evhttp_free closes the listener (not the socket: the main thread
     * closes it once) and every connection; then ours go. */
    if (hw->http)
        evhttp_free(hw->http);
    for (size_t i = 0; i < hw->n_conns; i++) {
        bufferevent_decref(hw->conns[i].bev);
        atomic_fetch_sub(&w->srv->http_open, 1);
    }
    free(hw->conns);
    if (hw->sweep_ev)
        event_free(hw->sweep_ev);
    free(hw);
    w->http = NULL;
}

void http_stats_pack(server_t *srv, msgpack_packer *pk)
{
    pthread_mutex_lock(&srv->stats.mu);
    uint64_t accepted = srv->stats.http_accepted, refused = srv->stats.http_refused,
             requests = srv->stats.http_requests;
    pthread_mutex_unlock(&srv->stats.mu);
    nx_mp_pack_str(pk, "http");
    msgpack_pack_map(pk, 4);
    nx_mp_pack_str(pk, "open");
    msgpack_pack_unsigned_int(pk, atomic_load(&srv->http_open));
    nx_mp_pack_str(pk, "accepted");
    msgpack_pack_uint64(pk, accepted);
    nx_mp_pack_str(pk, "refused");
    msgpack_pack_uint64(pk, refused);
    nx_mp_pack_str(pk, "requests");
    msgpack_pack_uint64(pk, requests);
}
